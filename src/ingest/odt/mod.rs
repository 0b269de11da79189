//! Reader for .odt (OpenDocument text, LibreOffice Writer) files, read like .docx.
//!
//! One guarded pass over `content.xml` (`walk`) yields the body's paragraphs and tables
//! in reading order and the draw shapes in them; `place` then stands each shape in the
//! table cell its centre falls in, using the table's column widths. The ODF helpers
//! (lengths, `draw:type` names, shape geometry) are the ones the .ods reader uses.
//!
//! What the model gets:
//! - One [`Section`] for the body. Empty paragraphs are dropped; a page break
//!   (`fo:break-before="page"` on a paragraph's style) passes to the next paragraph.
//! - Tables with their spans (`table:number-rows-spanned`/`-columns-spanned`, covered
//!   cells skipped); cell text is the cell's non-empty paragraphs joined with `\n`,
//!   nested tables folded in; header rows (`table:table-header-rows`) repeat.
//! - Shapes: `draw:custom-shape` (kind from `draw:enhanced-geometry`'s `draw:type`),
//!   `draw:rect`, `draw:ellipse`, `draw:line`, `draw:connector`, text-box frames; the
//!   text inside a shape is the shape's, never the paragraph's.
//!
//! Known limits: list numbers are not written into the text (ODF stores none);
//! annotations and tracked-change history are skipped; row heights are the rows'
//! minimum heights, so a shape far below its anchor may stand a row too low; the
//! decision's back arrow of LibreOffice's bent connectors is not yet read as a branch.

mod place;
mod walk;

use crate::error::IngestError;
use crate::ingest::limits::Budget;
use crate::ingest::zipped::Package;
use crate::model::{Document, Format, Section};

/// The part holding the document body.
const CONTENT_PART: &str = "content.xml";

/// Reads an .odt file into the document model: one section holding the body's
/// paragraphs and tables in reading order and every shape, placed.
pub fn read(bytes: &[u8], budget: &Budget) -> Result<Document, IngestError> {
    let mut pkg = Package::open(bytes)?;
    let xml = pkg.read_required(CONTENT_PART, budget)?;
    let body = walk::read(&xml, budget)?;
    drop(xml);
    // The parts a picture's `xlink:href` may name (an embedded picture's pixels).
    let embedded: std::collections::HashSet<String> = pkg.names().into_iter().collect();
    let shapes = place::place(&body, &embedded);
    Ok(Document {
        format: Some(Format::Odt),
        ocr: false,
        sections: vec![Section {
            name: None,
            blocks: body.blocks,
            shapes,
        }],
    })
}
