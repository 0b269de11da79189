//! .ods (OpenDocument spreadsheet): stub while being written.

use crate::error::IngestError;
use crate::ingest::limits::Budget;
use crate::model::Document;

/// Reads an .ods workbook.
pub fn read(_bytes: &[u8], _budget: &Budget) -> Result<Document, IngestError> {
    Err(IngestError::Unsupported("ods not yet".into()))
}
