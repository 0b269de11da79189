//! Reports a Bagian Organisasi reads: `report.json`, `report.html`, `report.xlsx`.
//!
//! STUB: the report work fills these.

use std::path::Path;

use crate::rules::Rules;
use crate::sop::record::{FileError, Sop};

/// A failure to write or rebuild the reports.
#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    /// A file could not be read or written.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: std::path::PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
    /// `sops.jsonl` or `errors.jsonl` has a line that is not a record.
    #[error("{path}, line {line}: {message}")]
    BadRecord {
        /// The file.
        path: std::path::PathBuf,
        /// 1-based line.
        line: usize,
        /// What is wrong.
        message: String,
    },
}

/// Writes `report.json`, `report.html` and `report.xlsx` into `out` for a run that read
/// `files` input files.
pub fn write_all(
    _out: &Path,
    _files: usize,
    _sops: &[Sop],
    _errors: &[FileError],
    _rules: &Rules,
) -> Result<(), ReportError> {
    Ok(())
}

/// Rebuilds the reports from `out/sops.jsonl` and `out/errors.jsonl` without reading
/// the archive again.
pub fn rebuild(_out: &Path, _rules: &Rules) -> Result<(), ReportError> {
    Ok(())
}
