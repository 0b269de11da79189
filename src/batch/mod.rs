//! The batch: walk an archive, run every file through the pipeline in parallel, and
//! write `sops.jsonl` and `errors.jsonl` (SPEC.md).

pub mod lock;
pub mod progress;
pub mod state;
pub mod worker;

use std::panic::AssertUnwindSafe;
use std::path::{Path, PathBuf};

use rayon::prelude::*;
use sha2::{Digest, Sha256};

use crate::analyze::Rules;
use crate::analyze::agency::AgencyMap;
use crate::error::ErrorKind;
use crate::ingest::limits::Limits;
use crate::output;
use crate::pipeline::{FileContext, process_bytes};
use crate::rules::hex;
use crate::sop::record::{Failure, FileError, Sop};
use state::{FileState, OUTPUTS_KEY, Store};
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
    match std::panic::catch_unwind(AssertUnwindSafe(|| {
        process_bytes(ctx, bytes, rules, limits)
    })) {
        Ok(r) => r,
        Err(panic) => {
            let msg = panic
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| panic.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "unknown panic".into());
            Err(FileError {
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
    /// The file was read.
    Read(String, FileState, Result<Vec<Sop>, FileError>),
}

fn mtime_ns(meta: &std::fs::Metadata) -> i64 {
    meta.modified()
        .ok()
        .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
        .map(|d| d.as_nanos() as i64)
        .unwrap_or(0)
}

/// Looks at one file: skips it when its content is unchanged, reads it otherwise.
#[allow(clippy::too_many_arguments)] // the walk context and the worker pool travel together; grouping them is issue 19
fn visit(
    abs: &Path,
    meta: &std::io::Result<std::fs::Metadata>,
    ctx: &FileContext,
    known: Option<&FileState>,
    version: &str,
    rules: &Rules,
    limits: &Limits,
    pool: Option<&Pool>,
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
        version: version.to_string(),
    };
    let ft = match meta {
        Ok(m) => m.file_type(),
        Err(e) => {
            return Outcome::Read(
                rel.clone(),
                state,
                Err(fail(ErrorKind::Corrupt, format!("cannot read file: {e}"))),
            );
        }
    };
    if ft.is_dir() {
        let why = std::fs::read_dir(abs)
            .err()
            .map(|e| e.to_string())
            .unwrap_or_else(|| "it could not be listed".into());
        let msg = format!("cannot read folder: {why}");
        return Outcome::Read(rel.clone(), state, Err(fail(ErrorKind::Corrupt, msg)));
    }
    if let Some(what) = special_kind(ft) {
        let msg = format!("not read: {what}");
        return Outcome::Read(rel.clone(), state, Err(fail(ErrorKind::Unsupported, msg)));
    }
    if size > limits.max_file_bytes {
        let msg = format!(
            "file is {} MiB (limit {} MiB)",
            size >> 20,
            limits.max_file_bytes >> 20
        );
        return Outcome::Read(rel.clone(), state, Err(fail(ErrorKind::TooLarge, msg)));
    }
    let bytes = match read_capped(abs, limits.max_file_bytes) {
        Ok(b) if b.len() as u64 > limits.max_file_bytes => {
            let msg = format!(
                "file is larger than {} MiB (the limit)",
                limits.max_file_bytes >> 20
            );
            return Outcome::Read(rel.clone(), state, Err(fail(ErrorKind::TooLarge, msg)));
        }
        Ok(b) => b,
        Err(e) => {
            return Outcome::Read(
                rel.clone(),
                state,
                Err(fail(ErrorKind::Corrupt, format!("cannot read file: {e}"))),
            );
        }
    };
    state.sha256 = hex(&Sha256::digest(&bytes));
    if let Some(k) = known
        && k.version == version
        && k.sha256 == state.sha256
    {
        return Outcome::Unchanged {
            rel,
            mtime_ns: mtime,
        };
    }
    let result = match pool {
        Some(pool) => pool.process(ctx, &bytes, rules, limits),
        None => process_guarded(ctx, &bytes, rules, limits),
    };
    Outcome::Read(rel, state, result)
}

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

/// Runs the whole archive: reads new and changed files in parallel, keeps the state
/// store, and writes `sops.jsonl`, `errors.jsonl` and the reports into `opts.out`.
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
        Isolation::Workers(cfg) => Some(Pool::start(cfg.clone(), &opts.limits, rules)?),
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
    let mut todo = Vec::new();
    let mut skipped = 0usize;
    for (abs, rel) in &files {
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

    let bar = progress::Progress::new(opts.progress, todo.len() as u64);
    // Workers read files in parallel and hand each outcome to one writer thread, which
    // commits them to the store in batches; the bounded channel keeps the results in
    // flight, not the archive, in memory, and no worker waits for a batch boundary.
    let batch_size = opts.batch_size.max(1);
    let (tx, rx) = std::sync::mpsc::sync_channel::<Outcome>(batch_size * 2);
    let settle = &agencies;
    let (read, unchanged, store) = std::thread::scope(|scope| {
        let writer = scope.spawn(move || -> Result<(usize, usize, Store), BatchError> {
            let mut store = store;
            let (mut read, mut unchanged) = (0usize, 0usize);
            let mut batch = Vec::with_capacity(batch_size);
            for o in rx {
                match o {
                    Outcome::Unchanged { rel, mtime_ns } => {
                        unchanged += 1;
                        store.touch(&rel, mtime_ns)?;
                    }
                    Outcome::Read(rel, st, mut r) => {
                        read += 1;
                        if let Ok(sops) = &mut r {
                            settle.settle(&rel, sops);
                        }
                        batch.push((rel, st, r));
                        if batch.len() >= batch_size {
                            store.save_batch(&batch)?;
                            batch.clear();
                        }
                    }
                }
            }
            store.save_batch(&batch)?;
            Ok((read, unchanged, store))
        });
        todo.par_iter().for_each_with(tx, |tx, (abs, rel, meta)| {
            let ctx = FileContext {
                rel_path: (*rel).clone(),
                agency: agencies.manifest_agency(rel),
            };
            let o = visit(
                abs,
                meta,
                &ctx,
                known.get(*rel),
                &version,
                rules,
                &opts.limits,
                pool.as_ref(),
            );
            if let Outcome::Read(_, _, Err(e)) = &o {
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
    })?;
    // The files are read: the workers are no longer needed while the reports are written.
    drop(pool);
    let mut store = store;
    // Each folder settles on one agency name for all its files.
    for r in agencies.folder_vote(&store.agencies_by_path()?) {
        store.rename_agency(&r.path, &r.from, &r.to)?;
    }
    skipped += unchanged;
    let present: std::collections::HashSet<&str> = files.iter().map(|(_, r)| r.as_str()).collect();
    let deleted = store.drop_missing(&present)? as usize;

    let errors = store.errors()?;
    let internal_errors = errors
        .iter()
        .filter(|e| e.failure == Failure::Panic)
        .count();
    let mut res = RunResult {
        internal_errors,
        files: files.len(),
        read,
        skipped,
        deleted,
        sops: 0,
        errors,
        outputs_written: true,
    };
    // Nothing read, nothing dropped, same engine, rules, as-of date and manifest, and the
    // outputs still there: they would come out byte for byte the same, so keep them.
    let outputs_key = format!(
        "{version}|as_of:{}|files:{}",
        rules.findings.as_of, res.files
    );
    let outputs_present = OUTPUTS.iter().all(|n| opts.out.join(n).is_file());
    if read == 0
        && deleted == 0
        && outputs_present
        && store.meta(OUTPUTS_KEY)?.as_deref() == Some(outputs_key.as_str())
    {
        res.sops = store.sop_count()?;
        res.outputs_written = false;
        record_run(
            &store,
            &res,
            store.last_run()?.map(|r| r.findings_by_agency),
        )?;
        bar.finish(&res);
        return Ok(res);
    }
    // The outputs are about to change: forget the key until they are all written, so a
    // run killed half-way writes them again next time (a change of the files' records
    // has already removed it; a new as-of date or a lost output has not).
    store.set_meta(OUTPUTS_KEY, "")?;
    bar.stage("analysing and writing the reports");
    // The five outputs are written as a new set beside the published one and replace it
    // in one step (`output::set`): a failure or a kill before then leaves the old set.
    let staged = crate::output::set::Staged::begin(&opts.out)?;
    let analysis = match write_outputs(staged.dir(), &store, &res, &agencies, rules) {
        Ok(a) => a,
        Err(e) => {
            staged.discard();
            return Err(e);
        }
    };
    staged.publish()?;
    res.sops = analysis.sops;
    store.set_meta(OUTPUTS_KEY, &outputs_key)?;
    record_run(&store, &res, Some(analysis.findings_by_agency()))?;
    bar.finish(&res);
    Ok(res)
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
