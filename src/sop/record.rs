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

/// A finding code (SPEC.md), written as its kebab-case name (`step-without-time`).
///
/// Ordered by that name, so maps keyed by codes keep the order they had as strings.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum FindingCode {
    /// `missing-number`: The identity page gives no SOP number.
    MissingNumber,
    /// `missing-title`: The identity page gives no SOP title.
    MissingTitle,
    /// `missing-legal-basis`: No legal basis (Dasar Hukum).
    MissingLegalBasis,
    /// `missing-approval`: No approval (name, NIP or position of the signatory).
    MissingApproval,
    /// `missing-effective-date`: No effective date.
    MissingEffectiveDate,
    /// `missing-qualifications`: No implementer qualifications.
    MissingQualifications,
    /// `missing-related-sops`: No related SOPs.
    MissingRelatedSops,
    /// `missing-equipment`: No equipment.
    MissingEquipment,
    /// `missing-warnings`: No warnings.
    MissingWarnings,
    /// `missing-records`: No records and data keeping.
    MissingRecords,
    /// `invalid-date`: A date that cannot be (before the earliest year, in the future, out of order).
    InvalidDate,
    /// `stale`: Not reviewed within the review period.
    Stale,
    /// `number-collision`: Another SOP of the same agency has the same number.
    NumberCollision,
    /// `no-steps`: The procedure has no steps.
    NoSteps,
    /// `step-without-actor`: A step names no implementer.
    StepWithoutActor,
    /// `step-without-time`: A step gives no time standard.
    StepWithoutTime,
    /// `step-without-output`: A step gives no output standard.
    StepWithoutOutput,
    /// `decision-without-branches`: A decision without both of its branches.
    DecisionWithoutBranches,
    /// `missing-start`: The flow has no start symbol.
    MissingStart,
    /// `missing-end`: The flow has no end symbol.
    MissingEnd,
    /// `unknown-actor`: An implementer no actor rule knows.
    UnknownActor,
    /// `too-many-actors`: More implementers than the threshold.
    TooManyActors,
    /// `unread-label`: A label-shaped identity line no rule knows (written while reading).
    UnreadLabel,
    /// `unknown-header`: A procedure-table header cell no rule names (written while reading).
    UnknownHeader,
    /// `procedure-as-image`: The procedure is a picture whose steps could not all be read.
    ProcedureAsImage,
}

impl FindingCode {
    /// Every code, in the order SPEC.md lists them.
    pub const ALL: [FindingCode; 25] = [
        FindingCode::MissingNumber,
        FindingCode::MissingTitle,
        FindingCode::MissingLegalBasis,
        FindingCode::MissingApproval,
        FindingCode::MissingEffectiveDate,
        FindingCode::MissingQualifications,
        FindingCode::MissingRelatedSops,
        FindingCode::MissingEquipment,
        FindingCode::MissingWarnings,
        FindingCode::MissingRecords,
        FindingCode::InvalidDate,
        FindingCode::Stale,
        FindingCode::NumberCollision,
        FindingCode::NoSteps,
        FindingCode::StepWithoutActor,
        FindingCode::StepWithoutTime,
        FindingCode::StepWithoutOutput,
        FindingCode::DecisionWithoutBranches,
        FindingCode::MissingStart,
        FindingCode::MissingEnd,
        FindingCode::UnknownActor,
        FindingCode::TooManyActors,
        FindingCode::UnreadLabel,
        FindingCode::UnknownHeader,
        FindingCode::ProcedureAsImage,
    ];

    /// The code as SPEC.md writes it.
    pub fn as_str(self) -> &'static str {
        match self {
            FindingCode::MissingNumber => "missing-number",
            FindingCode::MissingTitle => "missing-title",
            FindingCode::MissingLegalBasis => "missing-legal-basis",
            FindingCode::MissingApproval => "missing-approval",
            FindingCode::MissingEffectiveDate => "missing-effective-date",
            FindingCode::MissingQualifications => "missing-qualifications",
            FindingCode::MissingRelatedSops => "missing-related-sops",
            FindingCode::MissingEquipment => "missing-equipment",
            FindingCode::MissingWarnings => "missing-warnings",
            FindingCode::MissingRecords => "missing-records",
            FindingCode::InvalidDate => "invalid-date",
            FindingCode::Stale => "stale",
            FindingCode::NumberCollision => "number-collision",
            FindingCode::NoSteps => "no-steps",
            FindingCode::StepWithoutActor => "step-without-actor",
            FindingCode::StepWithoutTime => "step-without-time",
            FindingCode::StepWithoutOutput => "step-without-output",
            FindingCode::DecisionWithoutBranches => "decision-without-branches",
            FindingCode::MissingStart => "missing-start",
            FindingCode::MissingEnd => "missing-end",
            FindingCode::UnknownActor => "unknown-actor",
            FindingCode::TooManyActors => "too-many-actors",
            FindingCode::UnreadLabel => "unread-label",
            FindingCode::UnknownHeader => "unknown-header",
            FindingCode::ProcedureAsImage => "procedure-as-image",
        }
    }

    /// The code named `name` (as SPEC.md writes it), if there is one.
    pub fn parse(name: &str) -> Option<FindingCode> {
        FindingCode::ALL.into_iter().find(|c| c.as_str() == name)
    }
}

impl std::fmt::Display for FindingCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl PartialOrd for FindingCode {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for FindingCode {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.as_str().cmp(other.as_str())
    }
}

impl PartialEq<str> for FindingCode {
    fn eq(&self, other: &str) -> bool {
        self.as_str() == other
    }
}

impl PartialEq<&str> for FindingCode {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

/// One gap or problem found in an SOP.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Finding {
    /// The finding code (SPEC.md), e.g. `step-without-time`.
    pub code: FindingCode,
    /// Severity from the rules.
    pub severity: Severity,
    /// The step concerned, if any.
    pub step: Option<u32>,
    /// What a staff member should do, in Bahasa Indonesia.
    pub message: String,
}

/// An input file that yielded no SOP: one line of `errors.jsonl` (written through
/// [`FileError::line`]), kept in the state store and sent by a worker process with its
/// [`Failure`].
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct FileError {
    /// Path relative to the archive root.
    pub path: String,
    /// The kind of failure.
    pub kind: ErrorKind,
    /// What went wrong, for a person.
    pub message: String,
    /// Whether the file or sopap failed (absent in the JSON of an input failure).
    #[serde(default, skip_serializing_if = "Failure::is_input")]
    pub failure: Failure,
}

impl FileError {
    /// A failure of the input file (`kind` says how it failed).
    pub fn input(path: impl Into<String>, kind: ErrorKind, message: impl Into<String>) -> Self {
        FileError {
            path: path.into(),
            kind,
            message: message.into(),
            failure: Failure::Input,
        }
    }

    /// The `errors.jsonl` line of this error: path, kind and message (SPEC.md).
    pub fn line(&self) -> ErrorLine<'_> {
        ErrorLine {
            path: &self.path,
            kind: self.kind,
            message: &self.message,
        }
    }
}

/// What a failed file's error stems from.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Failure {
    /// The input: a damaged, protected, unreadable or SOP-less file.
    #[default]
    Input,
    /// A panic of sopap caught while reading the file: a bug to fix, counted apart in
    /// the run summary.
    Panic,
}

impl Failure {
    /// Whether this is [`Failure::Input`] (the default, left out of the JSON).
    pub fn is_input(&self) -> bool {
        *self == Failure::Input
    }
}

/// One line of `errors.jsonl` as SPEC.md defines it: `{"path", "kind", "message"}`.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct ErrorLine<'a> {
    /// Path relative to the archive root.
    pub path: &'a str,
    /// The kind of failure.
    pub kind: ErrorKind,
    /// What went wrong, for a person.
    pub message: &'a str,
}

#[cfg(test)]
mod finding_code_tests {
    use super::FindingCode;

    #[test]
    fn codes_serialise_as_spec_names() {
        for c in FindingCode::ALL {
            let json = serde_json::to_string(&c).unwrap_or_default();
            assert_eq!(json, format!("\"{}\"", c.as_str()));
            assert_eq!(FindingCode::parse(c.as_str()), Some(c));
        }
        assert_eq!(FindingCode::StepWithoutTime.as_str(), "step-without-time");
        assert_eq!(
            FindingCode::MissingRelatedSops.as_str(),
            "missing-related-sops"
        );
        assert_eq!(FindingCode::parse("step-missing-time"), None);
    }
}

#[cfg(test)]
mod file_error_tests {
    use super::{ErrorKind, Failure, FileError};

    /// A caught panic keeps its type through the JSON of the state store and of a
    /// worker's reply, while its errors.jsonl line has the SPEC's three fields only; an
    /// input failure's JSON is the same three fields as before the type existed.
    #[test]
    fn panic_is_typed_and_the_line_stays_three_fields() {
        let panic = FileError {
            failure: Failure::Panic,
            ..FileError::input("dinas/a.docx", ErrorKind::Corrupt, "internal error: x")
        };
        let stored = serde_json::to_string(&panic).unwrap_or_default();
        let back: Option<FileError> = serde_json::from_str(&stored).ok();
        assert_eq!(back.map(|e| e.failure), Some(Failure::Panic));
        assert_eq!(
            serde_json::to_string(&panic.line()).unwrap_or_default(),
            r#"{"path":"dinas/a.docx","kind":"corrupt","message":"internal error: x"}"#
        );

        let input = FileError::input("dinas/b.pdf", ErrorKind::Encrypted, "the PDF is encrypted");
        let json = serde_json::to_string(&input).unwrap_or_default();
        assert_eq!(
            json,
            r#"{"path":"dinas/b.pdf","kind":"encrypted","message":"the PDF is encrypted"}"#
        );
        let old: Option<FileError> = serde_json::from_str(&json).ok();
        assert_eq!(old.map(|e| e.failure), Some(Failure::Input));
    }
}
