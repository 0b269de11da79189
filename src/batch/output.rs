//! Atomic output: every file is written to a temporary name and renamed, so a reader
//! never sees a half-written output.

use std::io::Write;
use std::path::Path;

use serde::Serialize;

use super::BatchError;

/// Writes `bytes` to `path` atomically (temporary file in the same folder, then rename).
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), BatchError> {
    let mut f = AtomicFile::create(path)?;
    f.write_all(bytes).map_err(|source| BatchError::Output {
        path: path.to_path_buf(),
        source,
    })?;
    f.commit()
}

/// Writes one JSON value per line, atomically.
pub fn write_jsonl<T: Serialize>(path: &Path, items: &[T]) -> Result<(), BatchError> {
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
    path: std::path::PathBuf,
    out: std::io::BufWriter<tempfile::NamedTempFile>,
}

impl AtomicFile {
    /// Starts writing `path`.
    pub fn create(path: &Path) -> Result<Self, BatchError> {
        let dir = path.parent().unwrap_or(Path::new("."));
        let tmp = tempfile::NamedTempFile::new_in(dir).map_err(|source| BatchError::Output {
            path: path.to_path_buf(),
            source,
        })?;
        Ok(AtomicFile {
            path: path.to_path_buf(),
            out: std::io::BufWriter::with_capacity(256 * 1024, tmp),
        })
    }

    /// The final path.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Flushes, syncs and renames the file over its final name.
    pub fn commit(self) -> Result<(), BatchError> {
        let path = self.path;
        let err = |source| BatchError::Output {
            path: path.clone(),
            source,
        };
        let tmp = self.out.into_inner().map_err(|e| err(e.into_error()))?;
        tmp.as_file().sync_all().map_err(err)?;
        super::output_set::injected_failure(&path).map_err(err)?;
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
/// so that two runs (an overlapping nightly job, say) never write one folder at once.
/// The operating system drops the lock when the process ends, even when it is killed.
pub fn lock_out(out: &Path) -> Result<std::fs::File, BatchError> {
    let path = out.join(".sopap.lock");
    let file = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&path)
        .map_err(|source| BatchError::Output {
            path: path.clone(),
            source,
        })?;
    match file.try_lock() {
        Ok(()) => Ok(file),
        Err(std::fs::TryLockError::WouldBlock) => Err(BatchError::Busy(out.to_path_buf())),
        Err(std::fs::TryLockError::Error(source)) => Err(BatchError::Output { path, source }),
    }
}

/// Removes what a killed run left in the output folder: temporary files of outputs it was
/// writing (`.tmp*`, named by the `tempfile` crate) and a half-saved workbook. Call it
/// holding the lock.
pub fn remove_leftovers(out: &Path) {
    let Ok(rd) = std::fs::read_dir(out) else {
        return;
    };
    for e in rd.flatten() {
        let name = e.file_name();
        let name = name.to_string_lossy();
        if (name.starts_with(".tmp") || name == ".report.xlsx.partial")
            && e.file_type().is_ok_and(|t| t.is_file())
        {
            let _ = std::fs::remove_file(e.path());
        }
    }
}
