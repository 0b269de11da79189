//! The `sopap` command line: a thin layer over the library's stages.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use sopap::{
    BatchError, Budget, DateError, ErrorKind, ExportError, FileContext, FileError, IngestError,
    Limits, ProgressMode, ReportError, Rules, RulesError, RunOptions, process_bytes, worker,
    worker::WorkerError,
};

/// Prints a line on stdout; a reader that closed the pipe (`sopap dump F | head`) ends
/// the program quietly with status 0, as ripgrep does.
macro_rules! emit {
    ($($t:tt)*) => {
        print_out(&format!($($t)*))?
    };
}

/// Writes one line to stdout; a closed pipe comes back as [`CliError::Stdout`], which
/// `main` turns into a quiet success.
fn print_out(text: &str) -> Result<(), CliError> {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    writeln!(out, "{text}")
        .and_then(|()| out.flush())
        .map_err(CliError::Stdout)
}

/// Why a command failed, each variant keeping the error that caused it.
#[derive(Debug, thiserror::Error)]
enum CliError {
    /// A command-line value is unusable.
    #[error("{0}")]
    Usage(String),
    /// `--as-of` is no date.
    #[error("--as-of")]
    AsOf(#[source] DateError),
    /// The rules cannot be loaded.
    #[error(transparent)]
    Rules(#[from] RulesError),
    /// The archive to run is not a folder.
    #[error("{} is not a folder", .0.display())]
    NotAFolder(PathBuf),
    /// The executable to start workers from cannot be found.
    #[error("cannot find the sopap executable for workers")]
    Exe(#[source] std::io::Error),
    /// The handlers of the termination signals cannot be installed.
    #[error("cannot install the signal handlers")]
    Signals(#[source] std::io::Error),
    /// The batch failed as a whole.
    #[error(transparent)]
    Batch(#[from] BatchError),
    /// A file named on the command line cannot be read.
    #[error("{}", .path.display())]
    Read {
        /// The file.
        path: PathBuf,
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },
    /// A file named on the command line cannot be read as a document.
    #[error("{}", .path.display())]
    Ingest {
        /// The file.
        path: PathBuf,
        /// What the reader said, with its kind.
        #[source]
        source: KindedIngestError,
    },
    /// Standard output cannot be written (a closed pipe included).
    #[error("cannot write to stdout")]
    Stdout(#[source] std::io::Error),
    /// A value cannot be written as JSON.
    #[error(transparent)]
    Json(#[from] serde_json::Error),
    /// The reports cannot be rebuilt.
    #[error(transparent)]
    Report(#[from] ReportError),
    /// The export failed as a whole.
    #[error(transparent)]
    Export(#[from] ExportError),
    /// The worker loop failed.
    #[error(transparent)]
    Worker(#[from] WorkerError),
}

/// An ingest error shown with its kind in brackets, as `sopap dump` always printed it.
#[derive(Debug, thiserror::Error)]
#[error("{0} ({kind})", kind = .0.kind())]
struct KindedIngestError(#[source] IngestError);

impl CliError {
    /// True when the error comes from a reader that closed our standard output: the
    /// output was not wanted any more, which is no failure (ripgrep's rule).
    fn is_broken_pipe(&self) -> bool {
        let mut cur: Option<&(dyn std::error::Error + 'static)> = Some(self);
        while let Some(e) = cur {
            if let Some(io) = e.downcast_ref::<std::io::Error>()
                && io.kind() == std::io::ErrorKind::BrokenPipe
            {
                return true;
            }
            cur = e.source();
        }
        false
    }

    /// The message with its causes, `a: b: c`; a cause whose text the message already
    /// holds (errors that print their source) is not repeated.
    fn chain(&self) -> String {
        let mut text = self.to_string();
        let mut cur = std::error::Error::source(self);
        while let Some(e) = cur {
            let part = e.to_string();
            if !text.contains(&part) {
                text.push_str(": ");
                text.push_str(&part);
            }
            cur = e.source();
        }
        text
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

// The options of `sopap run` (no doc comment: clap would take it for the help text).
#[derive(clap::Args, Debug)]
struct RunArgs {
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
}

#[derive(Subcommand, Debug)]
enum Cmd {
    /// Read a whole archive and write sops.jsonl, errors.jsonl and the reports to OUT.
    Run(RunArgs),
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
        Err(e) if e.is_broken_pipe() => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("sopap: error: {}", e.chain());
            ExitCode::from(2)
        }
    }
}

fn load_rules(dir: Option<&PathBuf>) -> Result<Rules, CliError> {
    Ok(Rules::load(dir.map(|p| p.as_path()))?)
}

/// Sets the findings' as-of date from `--as-of`, when given.
fn set_as_of(rules: &mut Rules, as_of: Option<&str>) -> Result<(), CliError> {
    if let Some(text) = as_of {
        rules.findings.as_of = sopap::Date::parse_iso(text).map_err(CliError::AsOf)?;
    }
    Ok(())
}

fn run(cli: Cli) -> Result<ExitCode, CliError> {
    let rules_dir = cli.rules.as_ref();
    match cli.cmd {
        Cmd::Run(args) => cmd_run(args, rules_dir),
        Cmd::Dump { file } => cmd_dump(&file, rules_dir),
        Cmd::Parse { file } => cmd_parse(&file, rules_dir),
        Cmd::Report { out, as_of } => cmd_report(&out, as_of.as_deref(), rules_dir),
        Cmd::Export { out, format, to } => cmd_export(&out, &format, &to),
        Cmd::Worker => {
            worker::serve(cli.rules.as_deref())?;
            Ok(ExitCode::SUCCESS)
        }
        Cmd::Schema => {
            let schema = schemars::schema_for!(sopap::Sop);
            emit!("{}", serde_json::to_string_pretty(&schema)?);
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// Exit status of a run stopped by signal N is this plus N (the shell's convention).
const SIGNAL_EXIT_BASE: u8 = 128;

/// The signals that stop a run early: the first publishes what is read and ends the
/// run; a second of them ends the process at once (with the last published outputs).
const STOP_SIGNALS: [i32; 3] = [
    signal_hook::consts::SIGTERM,
    signal_hook::consts::SIGINT,
    signal_hook::consts::SIGHUP,
];

/// Installs the handlers that turn a termination signal into `stop`'s request.
fn stop_on_signals(stop: &sopap::StopFlag) -> Result<(), CliError> {
    let again = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    for sig in STOP_SIGNALS {
        // Order matters: the conditional shutdown sees the flag the first signal set.
        signal_hook::flag::register_conditional_shutdown(
            sig,
            i32::from(SIGNAL_EXIT_BASE) + sig,
            std::sync::Arc::clone(&again),
        )
        .map_err(CliError::Signals)?;
        signal_hook::flag::register(sig, std::sync::Arc::clone(&again))
            .map_err(CliError::Signals)?;
        signal_hook::flag::register_usize(sig, stop.cell(), sig as usize)
            .map_err(CliError::Signals)?;
    }
    Ok(())
}

/// `sopap run`: the whole archive through the batch.
fn cmd_run(args: RunArgs, rules_dir: Option<&PathBuf>) -> Result<ExitCode, CliError> {
    let RunArgs {
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
    } = args;
    let fail_on = FailOn::parse(&fail_on)?;
    let mut rules = load_rules(rules_dir)?;
    set_as_of(&mut rules, as_of.as_deref())?;
    if !archive.is_dir() {
        return Err(CliError::NotAFolder(archive));
    }
    let mut opts = RunOptions::new(archive, out);
    opts.engine_version = engine_version();
    opts.full = full;
    if !in_process {
        let exe = std::env::current_exe().map_err(CliError::Exe)?;
        let mut cfg = worker::WorkerConfig::new(exe, rules_dir.cloned());
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
    stop_on_signals(&opts.stop)?;
    let res = sopap::run(&opts, &rules)?;
    if let Some(signal) = res.stopped {
        // The files read so far are published; the exit status says the run was cut.
        return Ok(ExitCode::from(
            SIGNAL_EXIT_BASE.saturating_add(signal as u8),
        ));
    }
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

/// `sopap dump`: one file's document model as JSON.
fn cmd_dump(file: &Path, rules_dir: Option<&PathBuf>) -> Result<ExitCode, CliError> {
    let bytes = std::fs::read(file).map_err(|source| CliError::Read {
        path: file.to_path_buf(),
        source,
    })?;
    let rules = load_rules(rules_dir)?;
    let budget = Budget::new(Limits::default());
    // The model as the parser last saw it: pictures read by OCR where needed.
    let (doc, _, _) =
        sopap::read_document(&bytes, &rules, &budget).map_err(|e| CliError::Ingest {
            path: file.to_path_buf(),
            source: KindedIngestError(e),
        })?;
    emit!("{}", serde_json::to_string_pretty(&doc)?);
    Ok(ExitCode::SUCCESS)
}

/// `sopap parse`: one file's SOPs (or its error line) as JSON.
fn cmd_parse(file: &Path, rules_dir: Option<&PathBuf>) -> Result<ExitCode, CliError> {
    let rules = load_rules(rules_dir)?;
    let bytes = std::fs::read(file).map_err(|source| CliError::Read {
        path: file.to_path_buf(),
        source,
    })?;
    let ctx = FileContext {
        rel_path: file.to_string_lossy().replace('\\', "/"),
        agency: None,
    };
    match process_bytes(&ctx, &bytes, &rules, &Limits::default()) {
        Ok(sops) => {
            emit!("{}", serde_json::to_string_pretty(&sops)?);
            Ok(ExitCode::SUCCESS)
        }
        Err(e) => {
            emit!("{}", serde_json::to_string_pretty(&e)?);
            Ok(ExitCode::from(1))
        }
    }
}

/// `sopap report`: the reports rebuilt from an earlier run's output folder.
fn cmd_report(
    out: &Path,
    as_of: Option<&str>,
    rules_dir: Option<&PathBuf>,
) -> Result<ExitCode, CliError> {
    let mut rules = load_rules(rules_dir)?;
    set_as_of(&mut rules, as_of)?;
    sopap::rebuild(out, &rules)?;
    Ok(ExitCode::SUCCESS)
}

/// `sopap export`: every SOP of an earlier run as standard-format documents.
fn cmd_export(out: &Path, format: &str, to: &Path) -> Result<ExitCode, CliError> {
    let formats = sopap::ExportFormat::parse_list(format)?;
    let res = sopap::export_run(out, &formats, to)?;
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

/// Which failed files make `run` exit with status 1.
enum FailOn {
    Any,
    Never,
    Kinds(Vec<ErrorKind>),
}

impl FailOn {
    fn parse(s: &str) -> Result<Self, CliError> {
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
                        CliError::Usage(format!(
                            "--fail-on: unknown error kind {k:?} (any, never, or a list of \
                                 corrupt, encrypted, unsupported, too-large, timeout, no-sop-found)"
                        ))
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
