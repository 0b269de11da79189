//! The batch: walk an archive, run every file through the pipeline in parallel, and
//! write `sops.jsonl` and `errors.jsonl` (SPEC.md).

pub mod agency;
pub mod output;

use std::panic::AssertUnwindSafe;
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::error::ErrorKind;
use crate::ingest::limits::Limits;
use crate::pipeline::{FileContext, process_bytes};
use crate::rules::Rules;
use crate::sop::record::{FileError, Sop};
use agency::AgencyMap;

/// Options of one batch run.
#[derive(Clone, Debug)]
pub struct RunOptions {
    /// The archive root.
    pub archive: PathBuf,
    /// The output folder.
    pub out: PathBuf,
    /// Per-file limits.
    pub limits: Limits,
}

/// What a run produced.
#[derive(Debug, Default)]
pub struct RunResult {
    /// Files seen.
    pub files: usize,
    /// SOPs, sorted by id.
    pub sops: Vec<Sop>,
    /// Files that gave no SOP, sorted by path.
    pub errors: Vec<FileError>,
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
    /// An output file cannot be written.
    #[error("cannot write {path}: {source}")]
    Output {
        /// The file.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
}

/// Files of the archive to read, as (absolute path, relative `/` path), sorted.
pub fn list_files(root: &Path) -> Result<Vec<(PathBuf, String)>, BatchError> {
    let mut out = Vec::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        let rd = std::fs::read_dir(&dir).map_err(|source| BatchError::Archive {
            path: dir.clone(),
            source,
        })?;
        for entry in rd.flatten() {
            let p = entry.path();
            let Ok(ft) = entry.file_type() else { continue };
            if ft.is_dir() {
                stack.push(p);
            } else if ft.is_file() {
                let Ok(rel) = p.strip_prefix(root) else {
                    continue;
                };
                let rel = rel
                    .components()
                    .map(|c| c.as_os_str().to_string_lossy())
                    .collect::<Vec<_>>()
                    .join("/");
                if is_ignored(&rel) {
                    continue;
                }
                out.push((p, rel));
            }
        }
    }
    out.sort_by(|a, b| a.1.cmp(&b.1));
    Ok(out)
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

/// Reads one file from disk and runs it through the pipeline, turning a panic into a
/// recorded error so that no file can stop the batch.
pub fn process_file(
    abs: &Path,
    ctx: &FileContext,
    rules: &Rules,
    limits: &Limits,
) -> Result<Vec<Sop>, FileError> {
    let fail = |kind, message: String| FileError {
        path: ctx.rel_path.clone(),
        kind,
        message,
    };
    let meta = std::fs::metadata(abs)
        .map_err(|e| fail(ErrorKind::Corrupt, format!("cannot read file: {e}")))?;
    if meta.len() > limits.max_file_bytes {
        return Err(fail(
            ErrorKind::TooLarge,
            format!(
                "file is {} MiB (limit {} MiB)",
                meta.len() >> 20,
                limits.max_file_bytes >> 20
            ),
        ));
    }
    let bytes = std::fs::read(abs)
        .map_err(|e| fail(ErrorKind::Corrupt, format!("cannot read file: {e}")))?;
    match std::panic::catch_unwind(AssertUnwindSafe(|| {
        process_bytes(ctx, &bytes, rules, limits)
    })) {
        Ok(r) => r,
        Err(panic) => {
            let msg = panic
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| panic.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "unknown panic".into());
            Err(fail(
                ErrorKind::Corrupt,
                format!("internal error (a bug in sopap, please report): {msg}"),
            ))
        }
    }
}

/// Runs the whole archive and writes `sops.jsonl` and `errors.jsonl` into `opts.out`.
pub fn run(opts: &RunOptions, rules: &Rules) -> Result<RunResult, BatchError> {
    let files = list_files(&opts.archive)?;
    let agencies = AgencyMap::load(&opts.archive).map_err(|source| BatchError::Archive {
        path: opts.archive.join("agencies.csv"),
        source,
    })?;
    let results: Vec<Result<Vec<Sop>, FileError>> = files
        .par_iter()
        .map(|(abs, rel)| {
            let ctx = FileContext {
                rel_path: rel.clone(),
                agency: agencies.resolve(rel),
            };
            process_file(abs, &ctx, rules, &opts.limits)
        })
        .collect();
    let mut res = RunResult {
        files: files.len(),
        ..Default::default()
    };
    for r in results {
        match r {
            Ok(s) => res.sops.extend(s),
            Err(e) => res.errors.push(e),
        }
    }
    res.sops.sort_by(|a, b| a.id.cmp(&b.id));
    res.errors.sort_by(|a, b| a.path.cmp(&b.path));
    crate::analyze::cross_findings(&mut res.sops, rules);
    std::fs::create_dir_all(&opts.out).map_err(|source| BatchError::Output {
        path: opts.out.clone(),
        source,
    })?;
    output::write_jsonl(&opts.out.join("sops.jsonl"), &res.sops)?;
    output::write_jsonl(&opts.out.join("errors.jsonl"), &res.errors)?;
    crate::report::write_all(&opts.out, res.files, &res.sops, &res.errors, rules)
        .map_err(|e| BatchError::Report(e.to_string()))?;
    Ok(res)
}
