//! The normalised SOP record: one line of `sops.jsonl` (SPEC.md).
//!
//! These types are the output contract; `sopap schema` prints their JSON Schema, so the
//! contract and the code cannot drift.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::error::ErrorKind;

/// One normalised SOP.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Sop {
    /// `<source.path>#<index>`, stable across runs.
    pub id: String,
    /// Where the SOP was read from.
    pub source: Source,
    /// The agency (OPD) the SOP belongs to.
    pub agency: Option<String>,
    /// How the procedure was written.
    pub layout: Layout,
    /// The identity page.
    pub identity: Identity,
    /// Canonical actor names (Pelaksana), in column order.
    pub actors: Vec<String>,
    /// The procedure's steps in order.
    pub steps: Vec<Step>,
    /// Gaps and problems found in this SOP.
    pub findings: Vec<Finding>,
}

/// The source file of an SOP.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Source {
    /// Path relative to the archive root, with `/`.
    pub path: String,
    /// Detected format name (`docx`, `xlsx`, `pdf`, ...).
    pub format: String,
    /// SHA-256 of the file's bytes, lower-case hex.
    pub sha256: String,
    /// 1-based index of the SOP inside its file, in reading order.
    pub index: u32,
    /// True when any part of the SOP was read from pixels by OCR.
    #[serde(default)]
    pub ocr: bool,
}

/// How an SOP's procedure is written.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Layout {
    /// Procedure table with flowchart symbols in actor columns.
    FlowchartTable,
    /// Procedure table with marks (√, X, ...) in actor columns.
    MarkTable,
    /// Numbered list or two-column Kegiatan | Pelaksana table.
    Narrative,
    /// Anything else.
    #[default]
    Other,
}

/// The identity page fields of an SOP.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Identity {
    /// Nomor SOP.
    pub number: Option<String>,
    /// Nama SOP.
    pub title: Option<String>,
    /// The organisational unit.
    pub unit: Option<String>,
    /// Tanggal Pembuatan, ISO.
    pub created: Option<String>,
    /// Tanggal Revisi, ISO.
    pub revised: Option<String>,
    /// Tanggal Efektif, ISO.
    pub effective: Option<String>,
    /// Disahkan oleh.
    pub approved_by: Option<Approver>,
    /// Dasar Hukum items.
    pub legal_basis: Vec<String>,
    /// Kualifikasi Pelaksana items.
    pub qualifications: Vec<String>,
    /// Keterkaitan items.
    pub related_sops: Vec<String>,
    /// Peralatan/Perlengkapan items.
    pub equipment: Vec<String>,
    /// Peringatan items.
    pub warnings: Vec<String>,
    /// Pencatatan dan Pendataan items.
    pub records: Vec<String>,
}

/// Who approved (signed) the SOP.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Approver {
    /// Full name with academic titles.
    pub name: Option<String>,
    /// NIP as written.
    pub nip: Option<String>,
    /// Position (jabatan).
    pub position: Option<String>,
}

/// A flowchart symbol.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Symbol {
    /// Start or end.
    Terminator,
    /// A process step.
    Process,
    /// A decision.
    Decision,
    /// An on-page connector.
    Connector,
    /// An off-page connector.
    Offpage,
}

/// One step of the procedure.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Step {
    /// Step number.
    pub no: u32,
    /// The Kegiatan text.
    pub activity: String,
    /// Canonical names of the step's actors (members of [`Sop::actors`]).
    pub actors: Vec<String>,
    /// The flowchart symbol, where known.
    pub symbol: Option<Symbol>,
    /// Mutu Baku: Kelengkapan/Persyaratan.
    pub requirements: Option<String>,
    /// Mutu Baku: Waktu, as written.
    pub time: Option<String>,
    /// `time` in minutes of work; null where unreadable.
    pub minutes: Option<f64>,
    /// Mutu Baku: Output.
    pub output: Option<String>,
    /// Keterangan.
    pub notes: Option<String>,
    /// Step numbers this step leads to.
    pub next: Vec<u32>,
    /// For a decision: the step on "Ya".
    pub if_yes: Option<u32>,
    /// For a decision: the step on "Tidak".
    pub if_no: Option<u32>,
}

/// Severity of a finding.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Must be fixed.
    Error,
    /// Should be fixed.
    Warning,
    /// For information.
    Info,
}

/// One gap or problem found in an SOP.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Finding {
    /// The finding code (SPEC.md), e.g. `step-without-time`.
    pub code: String,
    /// Severity from the rules.
    pub severity: Severity,
    /// The step concerned, if any.
    pub step: Option<u32>,
    /// What a staff member should do, in Bahasa Indonesia.
    pub message: String,
}

/// One line of `errors.jsonl`: an input file that yielded no SOP.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct FileError {
    /// Path relative to the archive root.
    pub path: String,
    /// The kind of failure.
    pub kind: ErrorKind,
    /// What went wrong, for a person.
    pub message: String,
}
