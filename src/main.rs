//! The `sopap` command line: a thin layer over the library's stages.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use sopap::batch::{self, ProgressMode, RunOptions, worker};
use sopap::error::ErrorKind;
use sopap::ingest::{limits::Budget, limits::Limits};
use sopap::pipeline::{FileContext, process_bytes};
use sopap::rules::Rules;
use sopap::sop::record::FileError;

/// Prints a line on stdout; a reader that closed the pipe (`sopap dump F | head`) ends
/// the program quietly with status 0, as ripgrep does.
macro_rules! emit {
    ($($t:tt)*) => {
        print_out(&format!($($t)*))?
    };
}

/// Writes one line to stdout, exiting quietly when the pipe is closed.
fn print_out(text: &str) -> Result<(), String> {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    match writeln!(out, "{text}").and_then(|()| out.flush()) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => std::process::exit(0),
        Err(e) => Err(format!("cannot write to stdout: {e}")),
    }
}

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
        /// Print nothing but errors of the run itself.
        #[arg(long, conflicts_with = "json_log")]
        quiet: bool,
        /// Log one JSON line per failed file and a JSON summary (for schedulers).
        #[arg(long)]
        json_log: bool,
        /// Read every file again, ignoring the state store.
        #[arg(long)]
        full: bool,
        /// Which failed files make the exit status 1: `any` (default), `never`, or a
        /// comma-separated list of error kinds (e.g. `corrupt,timeout`).
        #[arg(long, default_value = "any", value_name = "WHEN")]
        fail_on: String,
        /// Parse files in the run's own threads instead of isolated worker processes
        /// (faster to start; a file that aborts the reader then aborts the run).
        #[arg(long)]
        in_process: bool,
        /// Memory (address space) one worker may use while reading a file, in MiB.
        #[arg(long, value_name = "MIB", default_value_t = worker::DEFAULT_MEMORY_BYTES >> 20)]
        worker_memory_mib: u64,
        /// Wall time one file may hold a worker, in seconds; past it the worker is
        /// killed and the file is `too-large`.
        #[arg(long, value_name = "SECS", default_value_t = worker::DEFAULT_WALL_TIME.as_secs())]
        worker_seconds: u64,
    },
    /// Serve files to a parent `sopap run` over stdin/stdout (internal).
    #[command(hide = true)]
    Worker,
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
    /// Write every SOP of OUT/sops.jsonl as standard-format documents, one folder per
    /// agency.
    Export {
        /// The output folder of an earlier run.
        out: PathBuf,
        /// Comma-separated formats: docx, xlsx, bpmn.
        #[arg(long, default_value = "docx,xlsx,bpmn")]
        format: String,
        /// The target folder.
        #[arg(long)]
        to: PathBuf,
    },
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
            quiet,
            json_log,
            full,
            fail_on,
            as_of,
            in_process,
            worker_memory_mib,
            worker_seconds,
        } => {
            let fail_on = FailOn::parse(&fail_on)?;
            let mut rules = load_rules(cli.rules.as_ref())?;
            set_as_of(&mut rules, as_of.as_deref())?;
            if !archive.is_dir() {
                return Err(format!("{} is not a folder", archive.display()));
            }
            let mut opts = RunOptions::new(archive, out);
            opts.engine_version = engine_version();
            opts.full = full;
            if !in_process {
                let exe = std::env::current_exe()
                    .map_err(|e| format!("cannot find the sopap executable for workers: {e}"))?;
                let mut cfg = worker::WorkerConfig::new(exe, cli.rules.clone());
                cfg.memory_bytes = worker_memory_mib.saturating_mul(1 << 20);
                cfg.wall_time = std::time::Duration::from_secs(worker_seconds.max(1));
                opts.isolation = worker::Isolation::Workers(cfg);
            }
            opts.progress = if quiet {
                ProgressMode::Quiet
            } else if json_log {
                ProgressMode::JsonLog
            } else {
                ProgressMode::Auto
            };
            let archive_path = opts.archive.clone();
            let res = batch::run(&opts, &rules).map_err(|e| e.to_string())?;
            if res.files == 0 {
                let msg = format!(
                    "the archive {} holds no files to read",
                    archive_path.display()
                );
                if json_log {
                    eprintln!(
                        "{}",
                        serde_json::json!({"event": "archive-empty", "message": msg})
                    );
                } else {
                    eprintln!("sopap: {msg}");
                }
            }
            Ok(if fail_on.fails(&res.errors) {
                ExitCode::from(1)
            } else {
                ExitCode::SUCCESS
            })
        }
        Cmd::Dump { file } => {
            let bytes = std::fs::read(&file).map_err(|e| format!("{}: {e}", file.display()))?;
            let rules = load_rules(cli.rules.as_ref())?;
            let budget = Budget::new(Limits::default());
            // The model as the parser last saw it: pictures read by OCR where needed.
            let (doc, _, _) = sopap::pipeline::read_document(&bytes, &rules, &budget)
                .map_err(|e| format!("{}: {} ({})", file.display(), e, e.kind()))?;
            emit!(
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
                    emit!(
                        "{}",
                        serde_json::to_string_pretty(&sops).map_err(|e| e.to_string())?
                    );
                    Ok(ExitCode::SUCCESS)
                }
                Err(e) => {
                    emit!(
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
        Cmd::Export { out, format, to } => {
            let formats = sopap::export::Format::parse_list(&format).map_err(|e| e.to_string())?;
            let res = sopap::export::export_run(&out, &formats, &to).map_err(|e| e.to_string())?;
            eprintln!(
                "sopap: exported {} SOPs to {} files in {}",
                res.sops,
                res.files.len(),
                to.display()
            );
            for (id, format, message) in &res.failed {
                eprintln!("sopap: {id}: not exported as {}: {message}", format.ext());
            }
            for f in &res.removed {
                eprintln!(
                    "sopap: removed stale file of an earlier export: {}",
                    f.display()
                );
            }
            for f in &res.unknown {
                eprintln!(
                    "sopap: file not written by this export (left in place): {}",
                    f.display()
                );
            }
            Ok(if res.failed.is_empty() {
                ExitCode::SUCCESS
            } else {
                ExitCode::from(1)
            })
        }
        Cmd::Worker => {
            worker::serve(cli.rules.as_deref()).map_err(|e| e.to_string())?;
            Ok(ExitCode::SUCCESS)
        }
        Cmd::Schema => {
            let schema = schemars::schema_for!(sopap::sop::record::Sop);
            emit!(
                "{}",
                serde_json::to_string_pretty(&schema).map_err(|e| e.to_string())?
            );
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// Which failed files make `run` exit with status 1.
enum FailOn {
    Any,
    Never,
    Kinds(Vec<ErrorKind>),
}

impl FailOn {
    fn parse(s: &str) -> Result<Self, String> {
        match s {
            "any" => Ok(FailOn::Any),
            "never" => Ok(FailOn::Never),
            list => {
                let mut kinds = Vec::new();
                for k in list.split(',').map(str::trim).filter(|k| !k.is_empty()) {
                    let kind: ErrorKind = serde_json::from_value(serde_json::Value::String(
                        k.into(),
                    ))
                    .map_err(|_| {
                        format!(
                            "--fail-on: unknown error kind {k:?} (any, never, or a list of \
                                 corrupt, encrypted, unsupported, too-large, timeout, no-sop-found)"
                        )
                    })?;
                    kinds.push(kind);
                }
                Ok(FailOn::Kinds(kinds))
            }
        }
    }

    fn fails(&self, errors: &[FileError]) -> bool {
        match self {
            FailOn::Any => !errors.is_empty(),
            FailOn::Never => false,
            FailOn::Kinds(k) => errors.iter().any(|e| k.contains(&e.kind)),
        }
    }
}

/// The engine version recorded in the state store: the package version and the size
/// and build time of this executable, so that any rebuild re-reads the archive once.
fn engine_version() -> String {
    let stamp = std::env::current_exe()
        .and_then(std::fs::metadata)
        .map(|m| {
            let t = m
                .modified()
                .ok()
                .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
                .map(|d| d.as_secs())
                .unwrap_or(0);
            format!("{}-{}", m.len(), t)
        })
        .unwrap_or_else(|_| "unknown".into());
    format!("{}-{}", env!("CARGO_PKG_VERSION"), stamp)
}
