//! The batch: walk an archive, run every file through the pipeline in parallel, and
//! write `sops.jsonl` and `errors.jsonl` (SPEC.md).

pub mod lock;
pub mod progress;
pub mod state;
pub mod stop;
pub mod worker;

use std::collections::HashMap;
use std::panic::AssertUnwindSafe;
use std::path::{Path, PathBuf};

use rayon::prelude::*;
use sha2::{Digest, Sha256};

use crate::analyze::Rules;
use crate::analyze::agency::AgencyMap;
use crate::error::ErrorKind;
use crate::ingest::limits::Limits;
use crate::output;
use crate::pipeline::{FileContext, OcrPass, Processed, process_pass};
use crate::rules::hex;
use crate::sop::record::{Failure, FileError, Sop};
use state::{FileState, OUTPUTS_KEY, Store};
pub use stop::StopFlag;
use worker::{Isolation, Pool};

/// How the run reports its progress.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum ProgressMode {
    /// A progress bar on a terminal; one summary line otherwise.
    #[default]
    Auto,
    /// Nothing but errors of the run itself.
    Quiet,
    /// One JSON line per failed file and a JSON summary line, for scheduler logs.
    JsonLog,
}

/// Options of one batch run.
#[derive(Clone, Debug)]
pub struct RunOptions {
    /// The archive root.
    pub archive: PathBuf,
    /// The output folder.
    pub out: PathBuf,
    /// Per-file limits.
    pub limits: Limits,
    /// The engine's version: a file read by another engine version is read again.
    pub engine_version: String,
    /// Progress reporting.
    pub progress: ProgressMode,
    /// Files per committed batch of the state store.
    pub batch_size: usize,
    /// Ignore the state store and read every file again.
    pub full: bool,
    /// Where files are parsed: in-process, or in worker processes.
    pub isolation: Isolation,
    /// Read every file's text before any file's pictures by OCR (when the engine is
    /// installed), publishing the outputs in between.
    pub defer_ocr: bool,
    /// Raised to stop the run early (by a signal handler): the files read so far are
    /// published, the others listed as not read.
    pub stop: StopFlag,
}

impl RunOptions {
    /// Options with defaults for `archive` → `out`.
    pub fn new(archive: impl Into<PathBuf>, out: impl Into<PathBuf>) -> Self {
        RunOptions {
            archive: archive.into(),
            out: out.into(),
            limits: Limits::default(),
            engine_version: env!("CARGO_PKG_VERSION").to_string(),
            progress: ProgressMode::Quiet,
            batch_size: 64,
            full: false,
            isolation: Isolation::InProcess,
            defer_ocr: true,
            stop: StopFlag::new(),
        }
    }
}

/// What a run produced.
#[derive(Debug, Default)]
pub struct RunResult {
    /// Files in the archive.
    pub files: usize,
    /// Files read in this run (new, changed, or all after a version change).
    pub read: usize,
    /// Files skipped because unchanged since the last run.
    pub skipped: usize,
    /// Files whose records were dropped because they left the archive.
    pub deleted: usize,
    /// SOPs of the archive (all of them, not only those read in this run).
    pub sops: usize,
    /// All files that gave no SOP, sorted by path.
    pub errors: Vec<FileError>,
    /// Failed files whose failure was a caught panic: bugs to fix.
    pub internal_errors: usize,
    /// False when nothing changed since the previous run and the outputs were kept as
    /// they are (byte for byte).
    pub outputs_written: bool,
    /// The code (signal number) of the stop request that ended the run early, if any.
    pub stopped: Option<usize>,
    /// Files the run did not reach because it was stopped (each has a `timeout` line).
    pub not_reached: usize,
}

/// A failure of the run itself (not of one file).
#[derive(Debug, thiserror::Error)]
pub enum BatchError {
    /// The archive cannot be walked.
    #[error("cannot read archive {path}: {source}")]
    Archive {
        /// The folder.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
    /// The reports could not be written.
    #[error("cannot write the reports: {0}")]
    Report(String),
    /// The reports could not be written, with the report stage's error.
    #[error("cannot write the reports: {0}")]
    Reports(#[source] crate::report::ReportError),
    /// The state store failed.
    #[error(transparent)]
    Store(#[from] state::StoreError),
    /// Another run is writing the same output folder.
    #[error("another sopap run is writing {0} (lock file .sopap.lock); wait for it to finish")]
    Busy(PathBuf),
    /// The worker processes cannot be started.
    #[error(transparent)]
    Worker(#[from] worker::WorkerError),
    /// An output file cannot be written.
    #[error("cannot write {path}: {source}")]
    Output {
        /// The file.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
}

impl From<output::OutputError> for BatchError {
    fn from(e: output::OutputError) -> Self {
        BatchError::Output {
            path: e.path,
            source: e.source,
        }
    }
}

/// Entries of the archive to account for, as (absolute path, relative `/` path),
/// sorted: regular files, and also what must get an error line rather than be read
/// (symlinks, FIFOs, devices, sockets, folders that cannot be listed). Symlinks are
/// never followed. Only an unreadable root fails.
pub fn list_files(root: &Path) -> Result<Vec<(PathBuf, String)>, BatchError> {
    let mut out = Vec::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        let rd = match std::fs::read_dir(&dir) {
            Ok(rd) => rd,
            Err(source) if dir == root => {
                return Err(BatchError::Archive { path: dir, source });
            }
            Err(_) => {
                // Reported by `visit` as the folder's error line.
                if let Some(rel) = rel_path(root, &dir) {
                    out.push((dir, rel));
                }
                continue;
            }
        };
        for entry in rd.flatten() {
            let p = entry.path();
            if entry.file_type().is_ok_and(|ft| ft.is_dir()) {
                stack.push(p);
                continue;
            }
            let Some(rel) = rel_path(root, &p) else {
                continue;
            };
            if is_ignored(&rel) {
                continue;
            }
            out.push((p, rel));
        }
    }
    out.sort_by(|a, b| a.1.cmp(&b.1));
    Ok(out)
}

/// The `/`-separated path of `p` under `root`. Bytes of a name that are not UTF-8 are
/// written as `\xNN`, so two names differing only in such bytes stay two ids.
fn rel_path(root: &Path, p: &Path) -> Option<String> {
    use std::os::unix::ffi::OsStrExt;
    let rel = p.strip_prefix(root).ok()?;
    let parts: Vec<String> = rel
        .components()
        .map(|c| {
            let mut s = String::new();
            for chunk in c.as_os_str().as_bytes().utf8_chunks() {
                s.push_str(chunk.valid());
                for b in chunk.invalid() {
                    s.push_str(&format!("\\x{b:02X}"));
                }
            }
            s
        })
        .collect();
    Some(parts.join("/"))
}

/// What a non-regular directory entry is, for its `unsupported` line; `None` for a
/// regular file.
fn special_kind(ft: std::fs::FileType) -> Option<&'static str> {
    use std::os::unix::fs::FileTypeExt;
    if ft.is_file() {
        None
    } else if ft.is_symlink() {
        Some("a symbolic link (links are not followed)")
    } else if ft.is_fifo() {
        Some("a FIFO (named pipe), not a regular file")
    } else if ft.is_char_device() || ft.is_block_device() {
        Some("a device, not a regular file")
    } else if ft.is_socket() {
        Some("a socket, not a regular file")
    } else {
        Some("not a regular file")
    }
}

/// Files that are not documents: the manifest, hidden files, lock files of office
/// suites.
fn is_ignored(rel: &str) -> bool {
    let name = rel.rsplit('/').next().unwrap_or(rel);
    rel == "agencies.csv"
        || name.starts_with('.')
        || name.starts_with("~$")
        || name.starts_with(".~lock")
        || name.eq_ignore_ascii_case("thumbs.db")
        || name.eq_ignore_ascii_case("desktop.ini")
}

/// How the message of a file error caught as a panic begins, for the person reading
/// errors.jsonl; the error itself is a [`Failure::Panic`], counted apart in the run
/// summary ([`RunResult::internal_errors`]).
pub const INTERNAL_ERROR: &str = "internal error (a bug in sopap, please report it)";

/// Runs one file's bytes through the pipeline, turning a panic into a recorded error
/// so that no file can stop the batch.
pub fn process_guarded(
    ctx: &FileContext,
    bytes: &[u8],
    rules: &Rules,
    limits: &Limits,
) -> Result<Vec<Sop>, FileError> {
    process_pass_guarded(ctx, bytes, rules, limits, OcrPass::Now).result
}

/// [`process_guarded`] with the file's OCR stage now or left for a later pass.
pub fn process_pass_guarded(
    ctx: &FileContext,
    bytes: &[u8],
    rules: &Rules,
    limits: &Limits,
    pass: OcrPass,
) -> Processed {
    match std::panic::catch_unwind(AssertUnwindSafe(|| {
        process_pass(ctx, bytes, rules, limits, pass)
    })) {
        Ok(r) => r,
        Err(panic) => {
            let msg = panic
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| panic.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "unknown panic".into());
            Processed::failed(FileError {
                path: ctx.rel_path.clone(),
                kind: ErrorKind::Corrupt,
                message: format!("{INTERNAL_ERROR}: {msg}"),
                failure: Failure::Panic,
            })
        }
    }
}

/// The outcome of looking at one file in a run.
enum Outcome {
    /// Content unchanged since the store's record: only the mtime moved.
    Unchanged { rel: String, mtime_ns: i64 },
    /// The file was read; `deferred` when its pictures are left for the OCR pass.
    Read {
        rel: String,
        state: FileState,
        result: Result<Vec<Sop>, FileError>,
        deferred: bool,
    },
    /// The run was stopped before the file was read (or while it was being read).
    NotReached(String),
}

impl Outcome {
    /// A file read to `result`, read in full.
    fn read(rel: String, state: FileState, result: Result<Vec<Sop>, FileError>) -> Self {
        Outcome::Read {
            rel,
            state,
            result,
            deferred: false,
        }
    }
}

fn mtime_ns(meta: &std::fs::Metadata) -> i64 {
    meta.modified()
        .ok()
        .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
        .map(|d| d.as_nanos() as i64)
        .unwrap_or(0)
}

/// What one pass of the run reads with: the rules, the limits, the worker pool and the
/// version the store records.
struct Pass<'a> {
    rules: &'a Rules,
    limits: &'a Limits,
    pool: Option<&'a Pool>,
    version: &'a str,
    /// When the files' pictures are read by OCR in this pass.
    ocr: OcrPass,
}

/// A file to look at: its absolute path, its relative id and what `lstat` said.
type Todo<'a> = (&'a PathBuf, &'a String, std::io::Result<std::fs::Metadata>);

/// Looks at one file: skips it when its content is unchanged, reads it otherwise.
fn visit(
    abs: &Path,
    meta: &std::io::Result<std::fs::Metadata>,
    ctx: &FileContext,
    known: Option<&FileState>,
    pass: &Pass,
) -> Outcome {
    let rel = ctx.rel_path.clone();
    let fail = |kind, message: String| FileError::input(&rel, kind, message);
    let (size, mtime) = match meta {
        Ok(m) => (m.len(), mtime_ns(m)),
        Err(_) => (0, 0),
    };
    let mut state = FileState {
        size,
        mtime_ns: mtime,
        sha256: String::new(),
        version: pass.version.to_string(),
    };
    let ft = match meta {
        Ok(m) => m.file_type(),
        Err(e) => {
            let e = fail(ErrorKind::Corrupt, format!("cannot read file: {e}"));
            return Outcome::read(rel.clone(), state, Err(e));
        }
    };
    if ft.is_dir() {
        let why = std::fs::read_dir(abs)
            .err()
            .map(|e| e.to_string())
            .unwrap_or_else(|| "it could not be listed".into());
        let msg = format!("cannot read folder: {why}");
        return Outcome::read(rel.clone(), state, Err(fail(ErrorKind::Corrupt, msg)));
    }
    if let Some(what) = special_kind(ft) {
        let msg = format!("not read: {what}");
        return Outcome::read(rel.clone(), state, Err(fail(ErrorKind::Unsupported, msg)));
    }
    let max = pass.limits.max_file_bytes;
    if size > max {
        let msg = format!("file is {} MiB (limit {} MiB)", size >> 20, max >> 20);
        return Outcome::read(rel.clone(), state, Err(fail(ErrorKind::TooLarge, msg)));
    }
    let bytes = match read_capped(abs, max) {
        Ok(b) if b.len() as u64 > max => {
            let msg = format!("file is larger than {} MiB (the limit)", max >> 20);
            return Outcome::read(rel.clone(), state, Err(fail(ErrorKind::TooLarge, msg)));
        }
        Ok(b) => b,
        Err(e) => {
            let e = fail(ErrorKind::Corrupt, format!("cannot read file: {e}"));
            return Outcome::read(rel.clone(), state, Err(e));
        }
    };
    state.sha256 = hex(&Sha256::digest(&bytes));
    if let Some(k) = known
        && k.version == pass.version
        && k.sha256 == state.sha256
    {
        return Outcome::Unchanged {
            rel,
            mtime_ns: mtime,
        };
    }
    let processed = match pass.pool {
        Some(pool) => pool.process(ctx, &bytes, pass.rules, pass.limits, pass.ocr),
        None => process_pass_guarded(ctx, &bytes, pass.rules, pass.limits, pass.ocr),
    };
    if processed.ocr_deferred {
        // Recorded as not yet read in full: a run stopped before the OCR pass reads the
        // file again next time.
        state.version = format!("{}{OCR_PENDING_VERSION}", pass.version);
    }
    Outcome::Read {
        rel,
        state,
        result: processed.result,
        deferred: processed.ocr_deferred,
    }
}

/// Appended to the version recorded for a file whose pictures still wait for the OCR
/// pass, so that no later run takes its text-only reading for the file's result.
const OCR_PENDING_VERSION: &str = "+ocr-pending";

/// Reads at most `cap + 1` bytes of a file: the size cap holds for what is actually
/// read, whatever an earlier stat said (a file growing meanwhile, a device).
fn read_capped(path: &Path, cap: u64) -> std::io::Result<Vec<u8>> {
    use std::io::Read;
    use std::os::unix::fs::OpenOptionsExt;
    // Never follow a link or block on a FIFO swapped in since the listing.
    let f = std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK)
        .open(path)?;
    if !f.metadata()?.is_file() {
        return Err(std::io::Error::other("not a regular file"));
    }
    let hint = f.metadata().map(|m| m.len().min(cap)).unwrap_or(0);
    let mut buf = Vec::with_capacity(hint as usize + 1);
    f.take(cap.saturating_add(1)).read_to_end(&mut buf)?;
    Ok(buf)
}

/// What one pass over a list of files did.
#[derive(Default)]
struct Tally {
    /// Files read.
    read: usize,
    /// Files found unchanged by their content.
    unchanged: usize,
    /// Files read without their pictures, waiting for the OCR pass.
    deferred: Vec<String>,
    /// Files the pass did not reach because the run was stopped.
    not_reached: Vec<String>,
}

/// The files whose size, mtime or version differ from the store's record (to look at),
/// and how many are unchanged by that cheap check.
fn changed_files<'a>(
    files: &'a [(PathBuf, String)],
    known: &HashMap<String, FileState>,
    version: &str,
) -> (Vec<Todo<'a>>, usize) {
    let mut todo = Vec::new();
    let mut skipped = 0usize;
    for (abs, rel) in files {
        let meta = std::fs::symlink_metadata(abs);
        if let Some(k) = known.get(rel)
            && k.version == version
            && let Ok(m) = &meta
            && m.len() == k.size
            && mtime_ns(m) == k.mtime_ns
        {
            skipped += 1;
            continue;
        }
        todo.push((abs, rel, meta));
    }
    (todo, skipped)
}

/// Reads `todo` in parallel and commits each outcome to the store in batches of
/// `batch_size`; a stop request ends the pass early (the files not reached are listed,
/// and outcomes finished after the request are dropped, since a stopping run's children
/// may have been signalled too).
#[allow(clippy::too_many_arguments)] // the pass's context: grouping it further hides nothing
fn read_files(
    todo: &[Todo],
    known: &HashMap<String, FileState>,
    pass: &Pass,
    agencies: &AgencyMap,
    store: Store,
    batch_size: usize,
    stop: &StopFlag,
    bar: &progress::Progress,
) -> Result<(Tally, Store), BatchError> {
    // Workers read files in parallel and hand each outcome to one writer thread, which
    // commits them to the store in batches; the bounded channel keeps the results in
    // flight, not the archive, in memory, and no worker waits for a batch boundary.
    let batch_size = batch_size.max(1);
    let (tx, rx) = std::sync::mpsc::sync_channel::<Outcome>(batch_size * 2);
    std::thread::scope(|scope| {
        let writer = scope.spawn(move || commit_outcomes(rx, store, agencies, batch_size));
        todo.par_iter().for_each_with(tx, |tx, (abs, rel, meta)| {
            let o = if stop.requested().is_some() {
                Outcome::NotReached((*rel).clone())
            } else {
                let ctx = FileContext {
                    rel_path: (*rel).clone(),
                    agency: agencies.manifest_agency(rel),
                };
                let o = visit(abs, meta, &ctx, known.get(*rel), pass);
                match stop.requested() {
                    Some(_) => Outcome::NotReached((*rel).clone()),
                    None => o,
                }
            };
            if let Outcome::Read { result: Err(e), .. } = &o {
                bar.failed(e);
            }
            bar.inc();
            // A closed channel means the writer failed; its error is reported below.
            let _ = tx.send(o);
        });
        writer.join().unwrap_or_else(|_| {
            Err(BatchError::Report(
                "the store writer thread panicked".into(),
            ))
        })
    })
}

/// The writer thread of [`read_files`]: settles each read file's agency and commits the
/// outcomes to the store in batches.
fn commit_outcomes(
    rx: std::sync::mpsc::Receiver<Outcome>,
    mut store: Store,
    agencies: &AgencyMap,
    batch_size: usize,
) -> Result<(Tally, Store), BatchError> {
    let mut tally = Tally::default();
    let mut batch = Vec::with_capacity(batch_size);
    for o in rx {
        match o {
            Outcome::Unchanged { rel, mtime_ns } => {
                tally.unchanged += 1;
                store.touch(&rel, mtime_ns)?;
            }
            Outcome::NotReached(rel) => tally.not_reached.push(rel),
            Outcome::Read {
                rel,
                state,
                mut result,
                deferred,
            } => {
                tally.read += 1;
                if deferred {
                    tally.deferred.push(rel.clone());
                }
                if let Ok(sops) = &mut result {
                    agencies.settle(&rel, sops);
                }
                batch.push((rel, state, result));
                if batch.len() >= batch_size {
                    store.save_batch(&batch)?;
                    batch.clear();
                }
            }
        }
    }
    store.save_batch(&batch)?;
    Ok((tally, store))
}

/// Whether the OCR engine the rules name is installed: only then is OCR worth a pass of
/// its own (without it, a file's text-only reading is its result).
fn ocr_engine_present(rules: &Rules) -> bool {
    crate::ingest::raster::ocr::Engine::detect_with(rules.ocr.clone()).is_ok()
}

/// Runs the whole archive: reads new and changed files in parallel, keeps the state
/// store, and writes `sops.jsonl`, `errors.jsonl` and the reports into `opts.out`.
///
/// The files are read in two passes when the OCR engine is installed: first every file
/// from its text (fast), then the files whose procedure is a picture with OCR (slow);
/// the outputs are published after each, so a run stopped or killed in the OCR pass
/// leaves every other file's result. A stop request ([`RunOptions::stop`]) ends the run
/// early with the files read so far published and the others listed as not read
/// ([`RunResult::stopped`]).
pub fn run(opts: &RunOptions, rules: &Rules) -> Result<RunResult, BatchError> {
    let files = list_files(&opts.archive)?;
    let agencies = AgencyMap::load(&opts.archive)
        .map_err(|source| BatchError::Archive {
            path: opts.archive.join("agencies.csv"),
            source,
        })?
        .with_names(rules.vocab.agency_names().clone());
    std::fs::create_dir_all(&opts.out).map_err(|source| BatchError::Output {
        path: opts.out.clone(),
        source,
    })?;
    let _lock = lock::lock_out(&opts.out)?;
    let pool = match &opts.isolation {
        Isolation::InProcess => None,
        Isolation::Workers(cfg) => {
            Some(Pool::start(cfg.clone(), &opts.limits, rules)?.stop_with(opts.stop.clone()))
        }
    };
    lock::remove_leftovers(&opts.out);
    crate::output::set::recover(&opts.out)?;
    let store = Store::open(&opts.out)?;
    let known = if opts.full {
        Default::default()
    } else {
        store.known_files()?
    };
    let version = format!(
        "{}+rules:{}+manifest:{}",
        opts.engine_version,
        rules.fingerprint,
        agencies.fingerprint()
    );

    // Cheap check first: same size, mtime and version means unchanged without reading.
    let (todo, mut skipped) = changed_files(&files, &known, &version);
    let bar = progress::Progress::new(opts.progress, todo.len() as u64);
    let defer = opts.defer_ocr && !todo.is_empty() && ocr_engine_present(rules);
    let mut pass = Pass {
        rules,
        limits: &opts.limits,
        pool: pool.as_ref(),
        version: &version,
        ocr: if defer { OcrPass::Later } else { OcrPass::Now },
    };
    let (first, mut store) = read_files(
        &todo,
        &known,
        &pass,
        &agencies,
        store,
        opts.batch_size,
        &opts.stop,
        &bar,
    )?;
    let (read, mut unchanged, mut deleted) = (first.read, first.unchanged, 0);
    if !first.deferred.is_empty() && opts.stop.requested().is_none() {
        // The text of every file is read: publish it before the slow OCR pass.
        bar.stage("publishing the text-only results before the OCR pass");
        let interim = finish(
            opts,
            rules,
            &files,
            &agencies,
            &mut store,
            Finish::interim(&version),
        )?;
        bar.reset(first.deferred.len() as u64, "reading pictures by OCR");
        pass.ocr = OcrPass::Now;
        let wanted: std::collections::HashSet<&str> =
            first.deferred.iter().map(String::as_str).collect();
        let mut ocr_todo: Vec<Todo> = files
            .iter()
            .filter(|(_, rel)| wanted.contains(rel.as_str()))
            .map(|(abs, rel)| (abs, rel, std::fs::symlink_metadata(abs)))
            .collect();
        // Smallest first: a run stopped during the OCR pass has read as many pictured
        // files as it could (the outputs do not depend on the order).
        ocr_todo.sort_by_key(|(_, rel, meta)| {
            (meta.as_ref().map_or(u64::MAX, std::fs::Metadata::len), *rel)
        });
        let none = HashMap::new();
        let (second, s) = read_files(
            &ocr_todo,
            &none,
            &pass,
            &agencies,
            store,
            opts.batch_size,
            &opts.stop,
            &bar,
        )?;
        store = s;
        unchanged += second.unchanged;
        deleted = interim.deleted;
    }
    // The files are read: the workers are no longer needed while the reports are written.
    drop(pool);
    skipped += unchanged;
    let how = Finish {
        version: &version,
        read,
        skipped,
        not_reached: first.not_reached,
        stopped: opts.stop.requested(),
        interim: false,
    };
    bar.stage("analysing and writing the reports");
    let mut res = finish(opts, rules, &files, &agencies, &mut store, how)?;
    res.deleted += deleted;
    bar.finish(&res);
    Ok(res)
}

/// How [`finish`] ends a pass of the run.
struct Finish<'a> {
    /// The version the store records for a file read in full.
    version: &'a str,
    /// Files read in this run.
    read: usize,
    /// Files unchanged since the last run.
    skipped: usize,
    /// Files a stop request left unread.
    not_reached: Vec<String>,
    /// The stop request's code, if the run was stopped.
    stopped: Option<usize>,
    /// The outputs of the text pass, before the OCR pass: published, but neither
    /// recorded as the run nor kept as up to date.
    interim: bool,
}

impl<'a> Finish<'a> {
    /// The publication between the text pass and the OCR pass.
    fn interim(version: &'a str) -> Self {
        Finish {
            version,
            read: 0,
            skipped: 0,
            not_reached: Vec::new(),
            stopped: None,
            interim: true,
        }
    }
}

/// The message of a file a stop request left unread.
fn not_reached_error(rel: &str, code: usize) -> FileError {
    FileError::input(
        rel,
        ErrorKind::Timeout,
        format!(
            "not read: the run was stopped (signal {code}) before this file was read; \
             the next run reads it"
        ),
    )
}

/// Settles the store after reading (agency names per folder, files gone from the
/// archive) and publishes the five outputs as one set; a final run that changed nothing
/// keeps the outputs as they are.
fn finish(
    opts: &RunOptions,
    rules: &Rules,
    files: &[(PathBuf, String)],
    agencies: &AgencyMap,
    store: &mut Store,
    how: Finish<'_>,
) -> Result<RunResult, BatchError> {
    let deleted = settle_store(store, files, agencies)?;
    let mut errors = store.errors()?;
    if let Some(code) = how.stopped {
        errors.extend(
            how.not_reached
                .iter()
                .map(|rel| not_reached_error(rel, code)),
        );
        errors.sort_by(|a, b| a.path.cmp(&b.path));
    }
    let internal_errors = errors
        .iter()
        .filter(|e| e.failure == Failure::Panic)
        .count();
    let mut res = RunResult {
        internal_errors,
        files: files.len(),
        read: how.read,
        skipped: how.skipped,
        deleted,
        sops: 0,
        errors,
        outputs_written: true,
        stopped: how.stopped,
        not_reached: how.not_reached.len(),
    };
    let complete = !how.interim && how.stopped.is_none();
    // Nothing read, nothing dropped, same engine, rules, as-of date and manifest, and the
    // outputs still there: they would come out byte for byte the same, so keep them.
    let outputs_key = format!(
        "{}|as_of:{}|files:{}",
        how.version, rules.findings.as_of, res.files
    );
    let outputs_present = OUTPUTS.iter().all(|n| opts.out.join(n).is_file());
    if complete
        && res.read == 0
        && deleted == 0
        && outputs_present
        && store.meta(OUTPUTS_KEY)?.as_deref() == Some(outputs_key.as_str())
    {
        res.sops = store.sop_count()?;
        res.outputs_written = false;
        let previous = store.last_run()?.map(|r| r.findings_by_agency);
        record_run(store, &res, previous)?;
        return Ok(res);
    }
    // The outputs are about to change: forget the key until they are all written, so a
    // run killed half-way writes them again next time (a change of the files' records
    // has already removed it; a new as-of date or a lost output has not).
    store.set_meta(OUTPUTS_KEY, "")?;
    let analysis = publish(opts, rules, store, &res, agencies)?;
    res.sops = analysis.sops;
    if complete {
        store.set_meta(OUTPUTS_KEY, &outputs_key)?;
        record_run(store, &res, Some(analysis.findings_by_agency()))?;
    }
    Ok(res)
}

/// Settles the store after reading: each folder's files take one agency name, and the
/// records of files gone from the archive are dropped (their count is returned).
fn settle_store(
    store: &mut Store,
    files: &[(PathBuf, String)],
    agencies: &AgencyMap,
) -> Result<usize, BatchError> {
    for r in agencies.folder_vote(&store.agencies_by_path()?) {
        store.rename_agency(&r.path, &r.from, &r.to)?;
    }
    let present: std::collections::HashSet<&str> = files.iter().map(|(_, r)| r.as_str()).collect();
    Ok(store.drop_missing(&present)? as usize)
}

/// Writes the five outputs as a new set beside the published one and replaces it in one
/// step (`output::set`): a failure or a kill before then leaves the old set.
fn publish(
    opts: &RunOptions,
    rules: &Rules,
    store: &Store,
    res: &RunResult,
    agencies: &AgencyMap,
) -> Result<crate::analyze::Analysis, BatchError> {
    let staged = crate::output::set::Staged::begin(&opts.out)?;
    match write_outputs(staged.dir(), store, res, agencies, rules) {
        Ok(analysis) => {
            staged.publish()?;
            Ok(analysis)
        }
        Err(e) => {
            staged.discard();
            Err(e)
        }
    }
}

/// Writes errors.jsonl, sops.jsonl and the three reports of the run into `dir`.
fn write_outputs(
    dir: &Path,
    store: &Store,
    res: &RunResult,
    agencies: &AgencyMap,
    rules: &Rules,
) -> Result<crate::analyze::Analysis, BatchError> {
    let lines: Vec<_> = res.errors.iter().map(FileError::line).collect();
    output::write_jsonl(&dir.join("errors.jsonl"), &lines)?;
    let report_ctx = crate::report::ReportContext {
        manifest: agencies.clone(),
        previous: store
            .last_written_run()?
            .map(|r| crate::report::PreviousRun {
                finished: format_utc(r.finished_at),
                findings_by_agency: r.findings_by_agency,
            }),
        ..Default::default()
    };
    crate::report::write_from(
        dir,
        res.files,
        store,
        &res.errors,
        rules,
        &report_ctx,
        crate::report::WriteOptions { sops_jsonl: true },
    )
    .map_err(BatchError::Reports)
}

pub use crate::output::OUTPUTS;

/// Records the finished run in the store.
fn record_run(
    store: &Store,
    res: &RunResult,
    findings_by_agency: Option<std::collections::BTreeMap<String, u64>>,
) -> Result<(), BatchError> {
    store.record_run(&state::RunRecord {
        finished_at: std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_secs() as i64)
            .unwrap_or(0),
        files: res.files as u64,
        read: res.read as u64,
        skipped: res.skipped as u64,
        failed: res.errors.len() as u64,
        deleted: res.deleted as u64,
        findings_by_agency: findings_by_agency.unwrap_or_default(),
        wrote_outputs: res.outputs_written,
    })?;
    Ok(())
}

/// Seconds since the epoch as `YYYY-MM-DD HH:MM` (UTC).
fn format_utc(secs: i64) -> String {
    let day = secs.div_euclid(86_400);
    let rem = secs.rem_euclid(86_400);
    format!(
        "{} {:02}:{:02}",
        crate::analyze::date::Date::from_days(day),
        rem / 3600,
        rem % 3600 / 60
    )
}
