//! Ingest: bytes of any supported format → one [`Document`](crate::model::Document).
//!
//! [`detect`](detect::detect) names the format from the bytes; one reader per format
//! builds the model. Readers honour a [`Budget`](limits::Budget) so that no file can
//! exhaust memory or time. The text of every reader but the PDF one (which measures
//! gaps itself) is then tidied the same way ([`spacing`]: letter-spaced words joined).

pub mod broken;
pub mod detect;
pub mod doc;
pub mod docx;
pub mod limits;
pub mod odt;
pub mod pdf;
pub mod raster;
pub mod sheet;
pub mod spacing;
pub mod xml;
pub mod zipped;

use crate::error::IngestError;
use crate::model::{Document, Format};
use limits::Budget;

/// Detects the format of `bytes` and reads them into the document model.
pub fn read(bytes: &[u8], budget: &Budget) -> Result<Document, IngestError> {
    if bytes.len() as u64 > budget.limits.max_file_bytes {
        return Err(IngestError::TooLarge(format!(
            "file is {} MiB (limit {} MiB)",
            bytes.len() >> 20,
            budget.limits.max_file_bytes >> 20
        )));
    }
    let format = detect::detect(bytes)?;
    read_as(format, bytes, budget)
}

/// Reads `bytes` as `format` (already detected).
pub fn read_as(format: Format, bytes: &[u8], budget: &Budget) -> Result<Document, IngestError> {
    let tidied = match format {
        Format::Doc | Format::Xls => detect::ole_fat_tidied(bytes),
        _ => None,
    };
    let bytes = tidied.as_deref().unwrap_or(bytes);
    let mut doc = match format {
        Format::Docx => docx::read(bytes, budget)?,
        Format::Xlsx | Format::Xls | Format::Ods => sheet::read(format, bytes, budget)?,
        Format::Pdf => pdf::read(bytes, budget)?,
        Format::Doc => doc::read(bytes, budget)?,
        Format::Odt => odt::read(bytes, budget)?,
    };
    doc.format = Some(format);
    if format != Format::Pdf {
        // PDF words come from glyph geometry, which tells letter gaps from word gaps
        // (`pdf::text`); elsewhere the typed spaces are all there is.
        spacing::tidy_document(&mut doc);
    }
    Ok(doc)
}
