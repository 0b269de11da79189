//! Reader for .docx (WordprocessingML) files.
//!
//! One streaming pass over `word/document.xml` (`body`) yields paragraphs, tables and
//! shapes together; `place` then stands each flowchart shape in the table cell its
//! centre falls in, using the grid, the cell margins of `word/styles.xml` (`styles`)
//! and the page margins. List labels come from `word/numbering.xml` (`numbering`).
//! Every part is inflated through [`Package`] and every XML event checked by
//! [`XmlGuard`](crate::ingest::xml::XmlGuard).
//!
//! What the model gets:
//! - One [`Section`] for the body. Empty paragraphs are dropped; a page break they carry
//!   (`w:br w:type="page"`, `w:pageBreakBefore`, a non-continuous `w:sectPr`) passes to
//!   the next paragraph, or to an empty paragraph put before the next table.
//! - Cell text: the cell's non-empty paragraphs joined with `\n`, nested tables folded
//!   in, an automatic list number or bullet written before its paragraph.
//! - Shapes: `mc:Choice` read, `mc:Fallback` only when no Choice is understood; a label
//!   is a `txBox` or a rectangle with text and no outline; tracked-change history
//!   (`w:del`, `w:moveFrom`, `w:*PrChange`) is skipped.
//!
//! - Pictures (`pic:pic`, VML `v:imagedata`) keep the part of their pixels (through
//!   the main part's relationships) and the block they stand before, for the OCR stage.
//!
//! Known limits: elements are matched by their conventional prefixes, not namespace
//! URIs; header/footer parts (and their pictures) are not read; a shape anchored outside every table stays
//! [`Anchor::Free`](crate::model::Anchor::Free) even when drawn over one; a shape's
//! vertical offset counts from its anchor row's top (the anchor paragraph is taken to
//! start the cell); `layoutInCell` is ignored (`column` means the anchor cell, as
//! LibreOffice writes it).

mod body;
mod numbering;
mod place;
mod shapes;
mod styles;

use std::collections::HashMap;

use crate::error::IngestError;
use crate::ingest::limits::Budget;
use crate::ingest::sheet::ooxml::read_rels;
use crate::ingest::zipped::Package;
use crate::model::{Document, Format, Section};

const MAIN_PART: &str = "word/document.xml";

/// Reads a .docx file into the document model: one section holding the body's
/// paragraphs and tables in reading order and every shape, placed.
pub fn read(bytes: &[u8], budget: &Budget) -> Result<Document, IngestError> {
    let mut pkg = Package::open(bytes)?;
    let main = main_part(&mut pkg, budget)?;
    let xml = pkg.read_required(&main, budget)?;
    let numbering_xml = optional(pkg.read("word/numbering.xml", budget))?;
    let mut numbering = numbering::Numbering::new(numbering_xml, budget);
    let body = body::read(&xml, &mut numbering, budget)?;
    drop(xml);
    // The style part is large (hundreds of KiB); read it only when a shape needs it.
    let styles = if place::needs_styles(&body) {
        match optional(pkg.read("word/styles.xml", budget))? {
            Some(x) => {
                let wanted: Vec<&str> = body
                    .tables
                    .iter()
                    .filter_map(|t| t.style.as_deref())
                    .collect();
                optional(styles::Styles::parse(&x, &wanted, budget).map(Some))?.unwrap_or_default()
            }
            None => styles::Styles::default(),
        }
    } else {
        styles::Styles::default()
    };
    let parts = picture_parts(&mut pkg, &main, &body, budget)?;
    let shapes = place::place(&body, &styles, &parts, budget)?;
    Ok(Document {
        format: Some(Format::Docx),
        ocr: false,
        sections: vec![Section {
            name: None,
            blocks: body.blocks,
            shapes,
        }],
    })
}

/// The parts holding the pixels of the body's pictures, by relationship id (from the
/// main part's relationships; a linked picture, or one whose part is missing, has none).
/// The relationships are read only when a picture names one.
fn picture_parts(
    pkg: &mut Package<'_>,
    main: &str,
    body: &body::Body,
    budget: &Budget,
) -> Result<HashMap<String, String>, IngestError> {
    if body.shapes.iter().all(|s| s.embed.is_none()) {
        return Ok(HashMap::new());
    }
    let rels = optional(read_rels(pkg, main, budget).map(Some))?.unwrap_or_default();
    Ok(rels
        .into_iter()
        .filter(|r| pkg.has(&r.target))
        .map(|r| (r.id, r.target))
        .collect())
}

/// A secondary part's result: a damaged part is dropped (`None`); limits and time
/// still end the file.
fn optional<T>(r: Result<Option<T>, IngestError>) -> Result<Option<T>, IngestError> {
    match r {
        Ok(v) => Ok(v),
        Err(e @ (IngestError::TooLarge(_) | IngestError::Timeout(_))) => Err(e),
        Err(_) => Ok(None),
    }
}

/// The main document part: `word/document.xml`, or wherever `_rels/.rels` points the
/// office document relationship.
fn main_part(pkg: &mut Package<'_>, budget: &Budget) -> Result<String, IngestError> {
    if pkg.has(MAIN_PART) {
        return Ok(MAIN_PART.to_string());
    }
    let rels = pkg
        .read("_rels/.rels", budget)?
        .ok_or_else(|| IngestError::corrupt(MAIN_PART, "no main document part"))?;
    let mut reader = quick_xml::Reader::from_reader(rels.as_slice());
    let mut guard = crate::ingest::xml::XmlGuard::new(budget, "_rels/.rels");
    loop {
        let ev = reader
            .read_event()
            .map_err(|e| IngestError::corrupt("_rels/.rels", e))?;
        guard.check(&ev)?;
        match &ev {
            quick_xml::events::Event::Start(e) | quick_xml::events::Event::Empty(e) => {
                let is_main = crate::ingest::xml::attr_qualified(e, "Type")
                    .is_some_and(|t| t.ends_with("/officeDocument"));
                if is_main && let Some(target) = crate::ingest::xml::attr_qualified(e, "Target") {
                    let name = target.trim_start_matches('/').to_string();
                    if pkg.has(&name) {
                        return Ok(name);
                    }
                }
            }
            quick_xml::events::Event::Eof => break,
            _ => {}
        }
    }
    Err(IngestError::corrupt(MAIN_PART, "no main document part"))
}
