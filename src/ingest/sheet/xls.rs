//! .xls (BIFF8 in an OLE2 container): cells, merged regions and print titles through
//! calamine; geometry and OfficeArt shapes from [`xls_draw`](super::xls_draw).

use std::io::Cursor;

use calamine::{Reader, SheetType, Xls, XlsError, open_workbook_from_rs};

use crate::error::IngestError;
use crate::ingest::limits::Budget;
use crate::ingest::sheet::grid::{SheetExtras, build_table};
use crate::ingest::sheet::ooxml::parse_print_titles;
use crate::ingest::sheet::xls_draw::read_art;
use crate::ingest::sheet::{check_dense, shielded};
use crate::model::{Block, Document, Section};

fn map_err(e: XlsError, what: &str) -> IngestError {
    match e {
        XlsError::Password => {
            IngestError::Encrypted("the workbook is password-protected".to_string())
        }
        other => IngestError::corrupt(what, other),
    }
}

/// Reads an .xls workbook.
pub fn read(bytes: &[u8], budget: &Budget) -> Result<Document, IngestError> {
    // Geometry and shapes from our own bounded record walk, before calamine.
    let art = shielded("Workbook stream", || read_art(bytes, budget))?;
    // calamine reserves the cells a sheet's DIMENSIONS record claims: refuse absurd or
    // inconsistent claims before it allocates.
    for (name, a) in &art {
        match &a.dims {
            Ok(cells) => check_dense(*cells, name)?,
            Err(msg) => return Err(IngestError::corrupt(format!("sheet {name:?}"), msg)),
        }
    }
    shielded("Workbook stream", || {
        let mut wb: Xls<_> =
            open_workbook_from_rs(Cursor::new(bytes)).map_err(|e| map_err(e, "Workbook stream"))?;
        let worksheets: Vec<String> = wb
            .sheets_metadata()
            .iter()
            .filter(|s| s.typ == SheetType::WorkSheet)
            .map(|s| s.name.clone())
            .collect();
        // Print titles: built-in names whose formula names the sheet.
        let titles: Vec<(Option<String>, u32, u32)> = wb
            .defined_names()
            .iter()
            .filter(|(n, _)| n.to_ascii_lowercase().contains("print_titles"))
            .flat_map(|(_, f)| parse_print_titles(f))
            .collect();
        let mut doc = Document::default();
        for name in worksheets {
            budget.check_time(&name)?;
            let range = wb
                .worksheet_range(&name)
                .map_err(|e| map_err(e, &format!("sheet {name:?}")))?;
            let merges = wb
                .merge_cells_by_sheet_name(&name)
                .map_err(|e| map_err(e, &format!("sheet {name:?}")))?;
            let header_rows: Vec<(u32, u32)> = titles
                .iter()
                .filter(|(s, _, _)| s.as_deref().is_none_or(|s| s == name))
                .map(|&(_, a, b)| (a, b))
                .collect();
            let sheet_art = art.get(&name);
            let table = build_table(
                &range,
                &SheetExtras {
                    merges: &merges,
                    header_rows: &header_rows,
                    cols: sheet_art.map(|a| &a.cols),
                    rows: sheet_art.map(|a| &a.rows),
                },
                budget,
                &name,
            )?;
            let shapes = sheet_art
                .map(|a| a.shapes((table.rows.len(), table.n_cols)))
                .unwrap_or_default();
            doc.sections.push(Section {
                name: Some(name),
                blocks: vec![Block::Table(table)],
                shapes,
            });
        }
        Ok(doc)
    })
}
