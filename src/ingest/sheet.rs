//! Reader for spreadsheets (.xlsx, .xls, .ods) (not yet implemented).

use crate::error::IngestError;
use crate::ingest::limits::Budget;
use crate::model::{Document, Format};

/// Reads a workbook into the document model, one section per sheet.
pub fn read(format: Format, _bytes: &[u8], _budget: &Budget) -> Result<Document, IngestError> {
    Err(IngestError::Unsupported(format!(
        "{format} reader not implemented yet"
    )))
}
