//! Reports a Bagian Organisasi reads: `report.json` (for programs), `report.html` (for
//! people, in Bahasa Indonesia, one self-contained file) and `report.xlsx` (for the
//! spreadsheet they keep working in). Every file is written atomically.

pub mod html;
pub mod json;
pub mod xlsx;

use std::collections::{HashMap, HashSet};
use std::io::BufRead;
use std::path::{Path, PathBuf};

use serde::de::DeserializeOwned;

use crate::analyze::agencies::ErrorAgencies;
use crate::batch::BatchError;
use crate::batch::agency::AgencyMap;
use crate::batch::output::write_atomic;
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
    /// The workbook could not be built.
    #[error("{path}: cannot build the workbook: {message}")]
    Xlsx {
        /// The file.
        path: std::path::PathBuf,
        /// What the XLSX writer said.
        message: String,
    },
}

impl ReportError {
    fn from_batch(e: BatchError, path: &Path) -> Self {
        match e {
            BatchError::Output { path, source } | BatchError::Archive { path, source } => {
                ReportError::Io { path, source }
            }
            other => ReportError::Io {
                path: path.to_path_buf(),
                source: std::io::Error::other(other.to_string()),
            },
        }
    }
}

/// Up to this many findings `report.json` is indented; above it, compact.
pub const PRETTY_JSON_MAX_FINDINGS: usize = 100_000;

/// What the reports know beyond the records: how failed files map to agencies.
#[derive(Clone, Debug, Default)]
pub struct ReportContext {
    /// The archive's manifest (`agencies.csv`), empty when unknown.
    pub manifest: AgencyMap,
    /// Agencies already known for failed files, by path (e.g. from an earlier report).
    pub failed_agencies: HashMap<String, String>,
}

/// Writes `report.json`, `report.html` and `report.xlsx` into `out` for a run that read
/// `files` input files. `sops` carry their findings (including `number-collision`);
/// duplicates and per-agency figures are computed here. Findings are measured against
/// `rules.findings.as_of`. Failed files count for the agency of their first folder; see
/// [`write_all_with`] to give the archive's manifest.
pub fn write_all(
    out: &Path,
    files: usize,
    sops: &[Sop],
    errors: &[FileError],
    rules: &Rules,
) -> Result<(), ReportError> {
    write_all_with(out, files, sops, errors, rules, &ReportContext::default())
}

/// [`write_all`] with what the caller knows of the archive (its manifest).
pub fn write_all_with(
    out: &Path,
    files: usize,
    sops: &[Sop],
    errors: &[FileError],
    rules: &Rules,
    ctx: &ReportContext,
) -> Result<(), ReportError> {
    let ea = ErrorAgencies::new(sops, ctx.manifest.clone(), ctx.failed_agencies.clone());
    let report = json::build(files, sops, errors, rules, &ea);

    let p = out.join("report.json");
    // Indented for people while small; compact when large (a province-sized run has
    // millions of findings, and indentation would add a third to the file).
    let serialised = if report.findings.len() <= PRETTY_JSON_MAX_FINDINGS {
        serde_json::to_vec_pretty(&report)
    } else {
        serde_json::to_vec(&report)
    };
    let mut text = serialised.map_err(|e| ReportError::Io {
        path: p.clone(),
        source: std::io::Error::other(e),
    })?;
    text.push(b'\n');
    write_atomic(&p, &text).map_err(|e| ReportError::from_batch(e, &p))?;

    let p = out.join("report.html");
    let page = html::render(&report, sops);
    write_atomic(&p, page.as_bytes()).map_err(|e| ReportError::from_batch(e, &p))?;

    let p = out.join("report.xlsx");
    let book = xlsx::render(&report, sops).map_err(|e| ReportError::Xlsx {
        path: p.clone(),
        message: e.to_string(),
    })?;
    write_atomic(&p, &book).map_err(|e| ReportError::from_batch(e, &p))?;
    Ok(())
}

/// Reads a JSON-lines file of records; a missing file is an empty list when `optional`.
fn read_jsonl<T: DeserializeOwned>(path: &Path, optional: bool) -> Result<Vec<T>, ReportError> {
    let file = match std::fs::File::open(path) {
        Ok(f) => f,
        Err(e) if optional && e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(source) => {
            return Err(ReportError::Io {
                path: path.to_path_buf(),
                source,
            });
        }
    };
    let mut out = Vec::new();
    for (i, line) in std::io::BufReader::new(file).lines().enumerate() {
        let line = line.map_err(|source| ReportError::Io {
            path: path.to_path_buf(),
            source,
        })?;
        if line.trim().is_empty() {
            continue;
        }
        let rec = serde_json::from_str(&line).map_err(|e| ReportError::BadRecord {
            path: PathBuf::from(path),
            line: i + 1,
            message: e.to_string(),
        })?;
        out.push(rec);
    }
    Ok(out)
}

/// Rebuilds the reports from `out/sops.jsonl` and `out/errors.jsonl` (optional) without
/// reading the archive again.
///
/// Findings are computed again with `rules` (a new as-of date or changed severities take
/// effect); `sops.jsonl` itself is left as the run wrote it. The file count is the number
/// of distinct source files of the SOPs plus the failed files. Failed files keep the
/// agency the previous `report.json` gave them (the run knew the manifest).
pub fn rebuild(out: &Path, rules: &Rules) -> Result<(), ReportError> {
    let mut sops: Vec<Sop> = read_jsonl(&out.join("sops.jsonl"), false)?;
    let errors: Vec<FileError> = read_jsonl(&out.join("errors.jsonl"), true)?;
    sops.sort_by(|a, b| a.id.cmp(&b.id));
    crate::analyze::cross_findings(&mut sops, rules);
    let files: HashSet<&str> = sops.iter().map(|s| s.source.path.as_str()).collect();
    let n = files.len() + errors.len();
    let ctx = ReportContext {
        manifest: AgencyMap::default(),
        failed_agencies: previous_failed_agencies(&out.join("report.json")),
    };
    write_all_with(out, n, &sops, &errors, rules, &ctx)
}

/// The agencies of failed files in an earlier `report.json` (the run knew the archive's
/// manifest; a rebuild does not). Empty when the file is absent or unreadable.
fn previous_failed_agencies(path: &Path) -> HashMap<String, String> {
    #[derive(serde::Deserialize)]
    struct Prev {
        #[serde(default)]
        failed: Vec<PrevFailed>,
    }
    #[derive(serde::Deserialize)]
    struct PrevFailed {
        path: String,
        agency: Option<String>,
    }
    let Ok(bytes) = std::fs::read(path) else {
        return HashMap::new();
    };
    let Ok(prev) = serde_json::from_slice::<Prev>(&bytes) else {
        return HashMap::new();
    };
    prev.failed
        .into_iter()
        .filter_map(|f| Some((f.path, f.agency?)))
        .collect()
}
