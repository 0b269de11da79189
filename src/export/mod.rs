//! Export of normalised SOPs back to standard-format documents (issue 9).
//!
//! `sopap export OUT --format docx,xlsx,bpmn --to DIR` reads `OUT/sops.jsonl` one line at
//! a time and writes, per SOP, a .docx in the PermenPANRB 35/2012 layout ([`docx`]), a
//! .xlsx with the same content on one sheet ([`xlsx`]) and a BPMN 2.0 process with lanes
//! ([`bpmn`]), in one folder per agency, under stable names ([`names`]). What every
//! writer shares (identity rows, Indonesian dates, the flowchart plan) is in [`layout`].

pub mod bpmn;
pub mod bpmn_geom;
pub mod docx;
pub mod index;
pub mod layout;
pub mod names;
pub mod offpage;
pub mod xlsx;

use std::io::BufRead;
use std::path::{Path, PathBuf};

use crate::sop::record::Sop;

/// Why an export failed.
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    /// `sops.jsonl` cannot be read.
    #[error("cannot read {path}: {source}")]
    Read {
        /// The file.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
    /// A line of `sops.jsonl` is not an SOP record.
    #[error("{path} line {line}: not an SOP record: {source}")]
    Record {
        /// The file.
        path: PathBuf,
        /// 1-based line number.
        line: usize,
        /// The JSON error.
        source: serde_json::Error,
    },
    /// An unknown format name in `--format`.
    #[error("unknown export format {0:?} (expected docx, xlsx or bpmn)")]
    Format(String),
    /// The .docx writer failed.
    #[error("SOP {sop}: cannot build the .docx ({source})")]
    Docx {
        /// The SOP id.
        sop: String,
        /// The stage that failed, with its cause.
        source: docx::DocxError,
    },
    /// The .xlsx writer failed.
    #[error("SOP {sop}: cannot build the .xlsx ({what}): {source}")]
    Xlsx {
        /// The SOP id.
        sop: String,
        /// The part being written.
        what: &'static str,
        /// The underlying error.
        source: xlsx::XlsxExportError,
    },
    /// An output folder cannot be created.
    #[error("cannot write {path}: {source}")]
    Folder {
        /// The folder.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
    /// An output file cannot be written.
    #[error(transparent)]
    Write(#[from] crate::output::OutputError),
    /// The clean-up of an earlier export or the index files failed.
    #[error(transparent)]
    Index(#[from] index::IndexError),
}

/// An export target format.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Format {
    /// Word, standard layout with DrawingML flowchart.
    Docx,
    /// Excel, one sheet per SOP with a drawing.
    Xlsx,
    /// BPMN 2.0 XML with BPMNDI.
    Bpmn,
}

impl Format {
    /// The file extension (without the dot).
    pub fn ext(self) -> &'static str {
        match self {
            Format::Docx => "docx",
            Format::Xlsx => "xlsx",
            Format::Bpmn => "bpmn",
        }
    }

    /// Parses a comma-separated list (`docx,xlsx,bpmn`), without duplicates.
    pub fn parse_list(s: &str) -> Result<Vec<Format>, ExportError> {
        let mut out = Vec::new();
        for name in s.split(',').map(str::trim).filter(|n| !n.is_empty()) {
            let f = match name.to_ascii_lowercase().as_str() {
                "docx" => Format::Docx,
                "xlsx" => Format::Xlsx,
                "bpmn" => Format::Bpmn,
                _ => return Err(ExportError::Format(name.to_string())),
            };
            if !out.contains(&f) {
                out.push(f);
            }
        }
        if out.is_empty() {
            return Err(ExportError::Format(s.to_string()));
        }
        Ok(out)
    }
}

/// What an export knows beyond the SOP: written into the documents' properties.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ExportMeta {
    /// The run's as-of date (ISO), the documents' creation date; `None` leaves it unset.
    pub as_of: Option<String>,
}

impl ExportMeta {
    /// The meta of the run whose output folder is `out`: its as-of date from
    /// `report.json` (`summary.as_of`), when that file is there and says so.
    pub fn of_run(out: &Path) -> ExportMeta {
        let as_of = std::fs::read(out.join("report.json"))
            .ok()
            .and_then(|b| serde_json::from_slice::<serde_json::Value>(&b).ok())
            .and_then(|v| {
                v.get("summary")
                    .and_then(|s| s.get("as_of"))
                    .and_then(|d| d.as_str())
                    .map(str::to_string)
            });
        ExportMeta { as_of }
    }
}

/// Renders one SOP in one format, to bytes (no run meta: creation date unset).
pub fn render(sop: &Sop, format: Format) -> Result<Vec<u8>, ExportError> {
    render_with(sop, format, &ExportMeta::default())
}

/// Renders one SOP in one format, to bytes, with the run's `meta` in the properties.
pub fn render_with(sop: &Sop, format: Format, meta: &ExportMeta) -> Result<Vec<u8>, ExportError> {
    match format {
        Format::Docx => docx::to_docx_with(sop, meta),
        Format::Xlsx => xlsx::to_xlsx_with(sop, meta),
        Format::Bpmn => Ok(bpmn::to_bpmn(sop).into_bytes()),
    }
}

/// What an export wrote.
#[derive(Debug, Default)]
pub struct ExportSummary {
    /// SOPs read from `sops.jsonl`.
    pub sops: usize,
    /// Files written, relative to the target folder, in writing order.
    pub files: Vec<PathBuf>,
    /// SOPs (id and format) that could not be rendered, with the reason; the export
    /// goes on without them.
    pub failed: Vec<(String, Format, ExportError)>,
    /// Files of an earlier export into the same folder (listed in its index) that this
    /// export did not write again, removed so that no stale file stays mixed in.
    pub removed: Vec<PathBuf>,
    /// Export files in the folder that no index lists (written by hand or by an export
    /// older than the index): left in place, listed so that the user can decide.
    pub unknown: Vec<PathBuf>,
}

/// Exports every SOP of `OUT/sops.jsonl` (`out` is the run's output folder) in each of
/// `formats` to `to/<agency folder>/<name>.<ext>`, each file written atomically. An SOP
/// that cannot be rendered is listed in [`ExportSummary::failed`]; an unreadable
/// `sops.jsonl` or an unwritable target stops the export.
pub fn export_run(out: &Path, formats: &[Format], to: &Path) -> Result<ExportSummary, ExportError> {
    let path = out.join("sops.jsonl");
    let file = std::fs::File::open(&path).map_err(|source| ExportError::Read {
        path: path.clone(),
        source,
    })?;
    let mut namer = names::Namer::default();
    let mut summary = ExportSummary::default();
    let meta = ExportMeta::of_run(out);
    let earlier = index::read_earlier(to);
    let mut entries = Vec::new();
    for (i, line) in std::io::BufReader::new(file).lines().enumerate() {
        let line = line.map_err(|source| ExportError::Read {
            path: path.clone(),
            source,
        })?;
        if line.trim().is_empty() {
            continue;
        }
        let sop: Sop = serde_json::from_str(&line).map_err(|source| ExportError::Record {
            path: path.clone(),
            line: i + 1,
            source,
        })?;
        summary.sops += 1;
        let rel = namer.name_for(&sop);
        let mut written = Vec::new();
        for &f in formats {
            let bytes = match render_with(&sop, f, &meta) {
                Ok(b) => b,
                Err(e) => {
                    summary.failed.push((sop.id.clone(), f, e));
                    continue;
                }
            };
            let rel_file = rel.with_extension(f.ext());
            write_file(&to.join(&rel_file), &bytes)?;
            written.push(rel_file.clone());
            summary.files.push(rel_file);
        }
        entries.push(index::Entry::new(&sop, written));
    }
    let (removed, unknown) = index::clean_stale(to, &earlier, &summary.files)?;
    summary.removed = removed;
    summary.unknown = unknown;
    index::write(to, &entries)?;
    Ok(summary)
}

/// Creates the parent folder and writes `bytes` atomically.
fn write_file(path: &Path, bytes: &[u8]) -> Result<(), ExportError> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(|source| ExportError::Folder {
            path: dir.to_path_buf(),
            source,
        })?;
    }
    Ok(crate::output::write_atomic(path, bytes)?)
}
