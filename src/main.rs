//! The `sopap` command line: a thin layer over the library's stages.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use sopap::batch::{self, RunOptions};
use sopap::ingest::{self, limits::Budget, limits::Limits};
use sopap::pipeline::{FileContext, process_bytes};
use sopap::rules::Rules;

/// Batch pipeline for legacy SOP AP documents (PermenPANRB 35/2012).
#[derive(Parser, Debug)]
#[command(name = "sopap", version, about)]
struct Cli {
    /// Folder of rule files overriding the built-in rules (see README).
    #[arg(long, global = true, value_name = "DIR")]
    rules: Option<PathBuf>,
    #[command(subcommand)]
    cmd: Cmd,
}

#[derive(Subcommand, Debug)]
enum Cmd {
    /// Read a whole archive and write sops.jsonl, errors.jsonl and the reports to OUT.
    Run {
        /// The archive root: ARCHIVE/<OPD folder>/**/<file>.
        archive: PathBuf,
        /// The output folder.
        #[arg(long)]
        out: PathBuf,
        /// Date the findings are measured against (stale SOPs, dates in the future);
        /// default today. Set it for reproducible runs.
        #[arg(long, value_name = "YYYY-MM-DD")]
        as_of: Option<String>,
    },
    /// Print one file's document model as JSON (what the parser sees).
    Dump {
        /// The file.
        file: PathBuf,
    },
    /// Print one file's SOPs as JSON.
    Parse {
        /// The file.
        file: PathBuf,
    },
    /// Rebuild report.json, report.html and report.xlsx from OUT/sops.jsonl without
    /// re-reading the archive.
    Report {
        /// The output folder of an earlier run.
        out: PathBuf,
        /// Date the findings are measured against; default today.
        #[arg(long, value_name = "YYYY-MM-DD")]
        as_of: Option<String>,
    },
    /// Print the JSON Schema of one line of sops.jsonl.
    Schema,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("sopap: error: {e}");
            ExitCode::from(2)
        }
    }
}

fn load_rules(dir: Option<&PathBuf>) -> Result<Rules, String> {
    Rules::load(dir.map(|p| p.as_path())).map_err(|e| e.to_string())
}

/// Sets the findings' as-of date from `--as-of`, when given.
fn set_as_of(rules: &mut Rules, as_of: Option<&str>) -> Result<(), String> {
    if let Some(text) = as_of {
        rules.findings.as_of =
            sopap::analyze::date::Date::parse_iso(text).map_err(|e| format!("--as-of: {e}"))?;
    }
    Ok(())
}

fn run(cli: Cli) -> Result<ExitCode, String> {
    match cli.cmd {
        Cmd::Run {
            archive,
            out,
            as_of,
        } => {
            let mut rules = load_rules(cli.rules.as_ref())?;
            set_as_of(&mut rules, as_of.as_deref())?;
            let opts = RunOptions {
                archive,
                out,
                limits: Limits::default(),
            };
            let res = batch::run(&opts, &rules).map_err(|e| e.to_string())?;
            eprintln!(
                "sopap: {} files, {} SOPs, {} files failed (see {})",
                res.files,
                res.sops.len(),
                res.errors.len(),
                opts.out.join("errors.jsonl").display()
            );
            Ok(if res.errors.is_empty() {
                ExitCode::SUCCESS
            } else {
                ExitCode::from(1)
            })
        }
        Cmd::Dump { file } => {
            let bytes = std::fs::read(&file).map_err(|e| format!("{}: {e}", file.display()))?;
            let budget = Budget::new(Limits::default());
            let doc = ingest::read(&bytes, &budget)
                .map_err(|e| format!("{}: {} ({})", file.display(), e, e.kind()))?;
            println!(
                "{}",
                serde_json::to_string_pretty(&doc).map_err(|e| e.to_string())?
            );
            Ok(ExitCode::SUCCESS)
        }
        Cmd::Parse { file } => {
            let rules = load_rules(cli.rules.as_ref())?;
            let bytes = std::fs::read(&file).map_err(|e| format!("{}: {e}", file.display()))?;
            let ctx = FileContext {
                rel_path: file.to_string_lossy().replace('\\', "/"),
                agency: None,
            };
            match process_bytes(&ctx, &bytes, &rules, &Limits::default()) {
                Ok(sops) => {
                    println!(
                        "{}",
                        serde_json::to_string_pretty(&sops).map_err(|e| e.to_string())?
                    );
                    Ok(ExitCode::SUCCESS)
                }
                Err(e) => {
                    println!(
                        "{}",
                        serde_json::to_string_pretty(&e).map_err(|e| e.to_string())?
                    );
                    Ok(ExitCode::from(1))
                }
            }
        }
        Cmd::Report { out, as_of } => {
            let mut rules = load_rules(cli.rules.as_ref())?;
            set_as_of(&mut rules, as_of.as_deref())?;
            sopap::report::rebuild(&out, &rules).map_err(|e| e.to_string())?;
            Ok(ExitCode::SUCCESS)
        }
        Cmd::Schema => {
            let schema = schemars::schema_for!(sopap::sop::record::Sop);
            println!(
                "{}",
                serde_json::to_string_pretty(&schema).map_err(|e| e.to_string())?
            );
            Ok(ExitCode::SUCCESS)
        }
    }
}
