//! One SOP as a .xlsx (placeholder).
use super::ExportError;
use crate::sop::record::Sop;

/// Renders `sop` as a .xlsx.
pub fn to_xlsx(sop: &Sop) -> Result<Vec<u8>, ExportError> {
    Err(ExportError::Xlsx {
        sop: sop.id.clone(),
        what: "workbook",
        message: "todo".into(),
    })
}
