//! Reader for spreadsheets (.xlsx, .xls, .ods): one [`Section`](crate::model::Section)
//! per worksheet, holding one table in the sheet's own coordinates (row 0 = sheet row 1,
//! col 0 = column A) and the sheet's flowchart shapes placed in the cell holding their
//! centre.
//!
//! Cell values come from calamine; what calamine does not expose (column widths, row
//! heights, print titles, drawings, ODS spans) is read from the parts directly. Every
//! XML part is read through the bounded [`Package`](crate::ingest::zipped::Package) and
//! walked with an [`XmlGuard`](crate::ingest::xml::XmlGuard) before calamine parses it.

mod drawing;
mod grid;
mod ods;
pub(crate) mod ooxml;
mod outline;
mod xls;
mod xls_crypt;
mod xls_draw;
mod xlsx;

use std::panic::{AssertUnwindSafe, catch_unwind};

use crate::error::IngestError;
use crate::ingest::limits::Budget;
use crate::model::{Document, Format};

pub(crate) use ods::{RawShape, kind_of_odf_type, length_pt, start_shape};

/// The most grid positions between a sheet's first and last cell that we let calamine
/// allocate densely (a hostile sheet with cells at A1 and XFD1048576 would ask for 17
/// billion).
const MAX_DENSE_CELLS: u64 = 4_000_000;

/// Reads a workbook into the document model, one section per worksheet.
pub fn read(format: Format, bytes: &[u8], budget: &Budget) -> Result<Document, IngestError> {
    let doc = match format {
        Format::Xlsx => xlsx::read(bytes, budget)?,
        Format::Xls => xls::read(bytes, budget)?,
        Format::Ods => ods::read(bytes, budget)?,
        other => {
            return Err(IngestError::Unsupported(format!(
                "{other} is not a spreadsheet format"
            )));
        }
    };
    Ok(Document {
        format: Some(format),
        ..doc
    })
}

/// Runs a calamine call, turning a panic inside the library into `corrupt` so that no
/// malformed workbook can bring the batch down.
fn shielded<T>(what: &str, f: impl FnOnce() -> Result<T, IngestError>) -> Result<T, IngestError> {
    match catch_unwind(AssertUnwindSafe(f)) {
        Ok(r) => r,
        Err(_) => Err(IngestError::corrupt(
            what,
            "the spreadsheet reader failed on malformed data",
        )),
    }
}

/// Refuses a sheet whose used area is too large to hold densely.
fn check_dense(cells: u64, sheet: &str) -> Result<(), IngestError> {
    if cells > MAX_DENSE_CELLS {
        return Err(IngestError::TooLarge(format!(
            "sheet {sheet:?} spans {cells} cells (limit {MAX_DENSE_CELLS})"
        )));
    }
    Ok(())
}
