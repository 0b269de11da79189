//! Reader for pdf files (not yet implemented).

use crate::error::IngestError;
use crate::ingest::limits::Budget;
use crate::model::Document;

/// Reads a pdf file into the document model.
pub fn read(_bytes: &[u8], _budget: &Budget) -> Result<Document, IngestError> {
    Err(IngestError::Unsupported(
        "pdf reader not implemented yet".into(),
    ))
}
