//! Atomic output: every file is written to a temporary name and renamed, so a reader
//! never sees a half-written output.
//!
//! It sits below the stages that write files (the batch, the reports, the exports), so
//! none of them depends on another for it.

use std::io::Write;
use std::path::{Path, PathBuf};

use serde::Serialize;

pub mod set;

pub use set::OUTPUTS;

/// An output file that could not be written, with the I/O error that stopped it.
#[derive(Debug, thiserror::Error)]
#[error("cannot write {path}: {source}")]
pub struct OutputError {
    /// The file.
    pub path: PathBuf,
    /// The I/O error.
    #[source]
    pub source: std::io::Error,
}

/// Writes `bytes` to `path` atomically (temporary file in the same folder, then rename).
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), OutputError> {
    let mut f = AtomicFile::create(path)?;
    f.write_all(bytes).map_err(|source| OutputError {
        path: path.to_path_buf(),
        source,
    })?;
    f.commit()
}

/// Writes one JSON value per line, atomically.
pub fn write_jsonl<T: Serialize>(path: &Path, items: &[T]) -> Result<(), OutputError> {
    let mut buf = Vec::with_capacity(items.len() * 512);
    for it in items {
        // Serialising our own record types cannot fail.
        if serde_json::to_writer(&mut buf, it).is_ok() {
            buf.push(b'\n');
        }
    }
    write_atomic(path, &buf)
}

/// A file written by streaming to a temporary name in its folder and renamed over the
/// final name by [`commit`](Self::commit); dropped uncommitted, it leaves nothing.
pub struct AtomicFile {
    path: PathBuf,
    out: std::io::BufWriter<tempfile::NamedTempFile>,
}

impl AtomicFile {
    /// Starts writing `path`.
    pub fn create(path: &Path) -> Result<Self, OutputError> {
        let dir = path.parent().unwrap_or(Path::new("."));
        let tmp = tempfile::NamedTempFile::new_in(dir).map_err(|source| OutputError {
            path: path.to_path_buf(),
            source,
        })?;
        Ok(AtomicFile {
            path: path.to_path_buf(),
            out: std::io::BufWriter::with_capacity(256 * 1024, tmp),
        })
    }

    /// Flushes, syncs and renames the file over its final name.
    pub fn commit(self) -> Result<(), OutputError> {
        let path = self.path;
        let err = |source| OutputError {
            path: path.clone(),
            source,
        };
        let tmp = self.out.into_inner().map_err(|e| err(e.into_error()))?;
        tmp.as_file().sync_all().map_err(err)?;
        set::injected_failure(&path).map_err(err)?;
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(tmp.path(), std::fs::Permissions::from_mode(0o644))
                .map_err(err)?;
        }
        tmp.persist(&path).map_err(|e| err(e.error))?;
        Ok(())
    }
}

impl Write for AtomicFile {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.out.write(buf)
    }

    fn write_all(&mut self, buf: &[u8]) -> std::io::Result<()> {
        self.out.write_all(buf)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.out.flush()
    }
}

/// Takes the output folder's lock (`OUT/.sopap.lock`) for the life of the returned file,
/// so that two writers (an overlapping nightly job, `sopap report` beside a run) never
/// write one folder at once; `None` when another process holds it. The operating system
/// drops the lock when the process ends, even when it is killed.
pub fn try_lock_out(out: &Path) -> Result<Option<std::fs::File>, OutputError> {
    let path = out.join(".sopap.lock");
    let file = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&path)
        .map_err(|source| OutputError {
            path: path.clone(),
            source,
        })?;
    for attempt in 0..=LOCK_RETRIES {
        match file.try_lock() {
            Ok(()) => return Ok(Some(file)),
            Err(std::fs::TryLockError::WouldBlock) if attempt < LOCK_RETRIES => {
                std::thread::sleep(LOCK_RETRY_WAIT);
            }
            Err(std::fs::TryLockError::WouldBlock) => return Ok(None),
            Err(std::fs::TryLockError::Error(source)) => {
                return Err(OutputError { path, source });
            }
        }
    }
    Ok(None)
}

/// Times the output lock is tried again before the folder counts as busy. A lock just
/// released can still look held for an instant: a process started by another thread
/// holds a copy of the lock's descriptor between its fork and its exec.
const LOCK_RETRIES: u32 = 5;

/// Wait between two tries of the output lock (all tries together stay far under a
/// second, so a second run still stops at once).
const LOCK_RETRY_WAIT: std::time::Duration = std::time::Duration::from_millis(20);
