//! The output folder's lock and the leftovers of a killed run.

use std::path::Path;

use super::BatchError;

/// Takes the output folder's lock (`OUT/.sopap.lock`) for the life of the returned file,
/// so that two runs (an overlapping nightly job, say) never write one folder at once.
/// The operating system drops the lock when the process ends, even when it is killed.
pub fn lock_out(out: &Path) -> Result<std::fs::File, BatchError> {
    crate::output::try_lock_out(out)?.ok_or_else(|| BatchError::Busy(out.to_path_buf()))
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
