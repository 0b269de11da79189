//! SOP parsing: from the document model to normalised [`Sop`](record::Sop) records.
//!
//! [`segment`] walks the document and cuts it into SOPs; [`identity`] reads identity
//! labels and values; [`procedure`] reads procedure tables; [`flow`] works out symbols,
//! `next` and decision branches.

pub mod flow;
pub mod grid;
pub mod identity;
pub mod narrative;
mod narrative_bridge;
pub mod normalise;
pub mod picture;
pub mod procedure;
pub mod record;
pub mod segment;
pub mod text;
pub mod vocab;

use crate::model::Document;
use procedure::ActorSource;
use record::{FindingCode, Layout, Severity, Sop};
use vocab::Vocabulary;

/// What the SOP parser needs from the rules of a run: the vocabulary, and the severity
/// of the reading findings it writes. The run's combined rules implement it; the parser
/// does not depend on the stages that build the rest of them.
pub trait SopRules {
    /// The parser's vocabulary (actor titles, labels, headers, marks, time units,
    /// decision cues).
    fn vocab(&self) -> &Vocabulary;
    /// The severity of finding `code`, or None when the rules switch it off.
    fn severity(&self, code: FindingCode) -> Option<Severity>;
}

/// Finds every SOP in `doc` and returns them in reading order, with identity, actors,
/// steps and layout filled. `id`, `source` and (unless the document names it) `agency`
/// are left for the caller, which knows the file.
pub fn parse<R: SopRules + ?Sized>(doc: &Document, rules: &R) -> Vec<Sop> {
    let vocab = rules.vocab();
    let drafts = segment::segment(doc, vocab);
    let doc_agency = drafts.iter().find_map(|d| d.agency.clone());
    drafts
        .into_iter()
        .map(|d| {
            let layout = if segment::any_source(&d, ActorSource::Shape) {
                Layout::FlowchartTable
            } else if segment::any_source(&d, ActorSource::Mark) {
                Layout::MarkTable
            } else if d.narrative {
                Layout::Narrative
            } else {
                Layout::Other
            };
            let mut identity = d.identity;
            if identity.title.is_none() {
                identity.title = d.title_hint;
            }
            identity.title = identity.title.map(|t| vocab.strip_title_prefix(&t));
            if identity.unit.is_none() {
                identity.unit = d.unit_hint;
            }
            let mut findings = unread_label_findings(&d.unread_labels, rules);
            findings.extend(unknown_header_findings(&d.unknown_headers, rules));
            let mut actors = d.actors;
            for s in &d.steps {
                for a in &s.actors {
                    if !actors.contains(a) {
                        actors.push(a.clone());
                    }
                }
            }
            Sop {
                agency: d.agency.or_else(|| doc_agency.clone()),
                layout,
                identity,
                actors,
                steps: flow::finish(d.steps, vocab),
                findings,
                ..Default::default()
            }
        })
        .collect()
}

/// The finding code of a label-shaped identity line no rule knows (SPEC.md).
pub const UNREAD_LABEL: FindingCode = FindingCode::UnreadLabel;

/// One `unread-label` finding per unknown label, its text in the message (unless the
/// rules switch the code off).
fn unread_label_findings<R: SopRules + ?Sized>(
    labels: &[String],
    rules: &R,
) -> Vec<record::Finding> {
    reading_findings(UNREAD_LABEL, labels, rules, |l| {
        format!(
            "Label \"{l}\" pada halaman identitas tidak dikenali; bila label ini adalah isian identitas SOP, tambahkan ejaannya ke rules/labels.toml."
        )
    })
}

/// The finding code of a procedure-table header cell no rule knows.
pub const UNKNOWN_HEADER: FindingCode = FindingCode::UnknownHeader;

/// One `unknown-header` finding per header cell no rule knows, its text in the message
/// (unless the rules switch the code off).
fn unknown_header_findings<R: SopRules + ?Sized>(
    headers: &[String],
    rules: &R,
) -> Vec<record::Finding> {
    reading_findings(UNKNOWN_HEADER, headers, rules, |t| {
        format!(
            "Judul kolom \"{t}\" pada tabel prosedur tidak dikenali; bila kolom ini berisi bagian langkah (Mutu Baku, Keterangan …), tambahkan ejaannya ke rules/headers.toml."
        )
    })
}

/// One finding of `code` per text the reader met and no rule knew, worded by `message`;
/// none when the rules switch the code off.
fn reading_findings<R: SopRules + ?Sized>(
    code: FindingCode,
    texts: &[String],
    rules: &R,
    message: impl Fn(&str) -> String,
) -> Vec<record::Finding> {
    let Some(severity) = rules.severity(code) else {
        return Vec::new();
    };
    texts
        .iter()
        .map(|t| record::Finding {
            code,
            severity,
            step: None,
            message: message(t),
        })
        .collect()
}

/// Why a document gave no SOP, in words for `errors.jsonl`.
pub fn explain_no_sop(doc: &Document) -> String {
    let text = doc.plain_text();
    if text.trim().is_empty() {
        if doc.format == Some(crate::model::Format::Pdf) {
            "the PDF has no text layer: it is a scan and needs OCR before it can be read".into()
        } else {
            "the document holds no text".into()
        }
    } else {
        "no SOP found: no procedure table, numbered procedure or SOP identity block".into()
    }
}
