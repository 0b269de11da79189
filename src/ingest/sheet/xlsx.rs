//! .xlsx: guarded pre-pass over every XML part, cells through calamine, geometry and
//! drawings from the parts.

use std::collections::{HashMap, HashSet};
use std::io::Cursor;

use calamine::{Reader, SheetType, Xlsx, XlsxError, open_workbook_from_rs};

use crate::error::{ErrorKind, IngestError};
use crate::ingest::limits::Budget;
use crate::ingest::sheet::grid::{SheetExtras, build_table};
use crate::ingest::sheet::ooxml::{self, SheetMeta};
use crate::ingest::sheet::{check_dense, drawing, shielded};
use crate::ingest::xml::prescan;
use crate::ingest::zipped::Package;
use crate::model::{Block, Document, Section};

/// One sheet's parts, read and checked before calamine runs.
struct Prepared {
    meta: SheetMeta,
    header_rows: Vec<(u32, u32)>,
    drawing: Option<(String, Vec<u8>)>,
    /// The drawing's relationship ids → parts holding pictures' pixels.
    pictures: HashMap<String, String>,
}

fn map_err(e: XlsxError, what: &str) -> IngestError {
    match e {
        XlsxError::Password => {
            IngestError::Encrypted("the workbook is password-protected".to_string())
        }
        other => IngestError::corrupt(what, other),
    }
}

/// The last segment of the relationship types calamine knows for a sheet.
const CALAMINE_SHEET_TYPES: [&str; 3] = ["worksheet", "chartsheet", "dialogsheet"];

/// The relationship type of a dialog sheet: a sheet kind calamine lists but sopap never
/// reads, standing in for sheet kinds calamine refuses.
const DIALOG_SHEET_TYPE: &str =
    "http://schemas.openxmlformats.org/officeDocument/2006/relationships/dialogsheet";

/// The package as calamine must see it, when it differs from the file: UTF-16 XML parts
/// given as UTF-8 (calamine would read nothing in them), and sheets of a kind calamine
/// refuses for the whole workbook (an Excel 4 macro sheet of an .xlsm) presented as
/// dialog sheets, which are skipped. `None` when the file is fine as it is.
fn calamine_view(
    pkg: &mut Package<'_>,
    sheets: &[ooxml::SheetRef],
    budget: &Budget,
) -> Result<Option<Vec<u8>>, IngestError> {
    let mut replaced: Vec<(String, Vec<u8>)> = Vec::new();
    let wb = ooxml::workbook_part(pkg, budget)?;
    let rels_part = ooxml::rels_path(&wb);
    let odd: Vec<String> = ooxml::read_rels(pkg, &wb, budget)?
        .into_iter()
        .filter(|r| {
            let last = r.kind.rsplit('/').next().unwrap_or_default();
            !CALAMINE_SHEET_TYPES.contains(&last)
                && sheets
                    .iter()
                    .any(|s| s.path.as_deref() == Some(r.target.as_str()))
        })
        .map(|r| r.kind)
        .collect();
    if !odd.is_empty()
        && let Some(xml) = pkg.read(&rels_part, budget)?
    {
        let mut text = String::from_utf8_lossy(&xml).into_owned();
        for kind in &odd {
            text = text.replace(kind.as_str(), DIALOG_SHEET_TYPE);
        }
        replaced.push((rels_part.clone(), text.into_bytes()));
    }
    for name in pkg.transcoded().to_vec() {
        if replaced.iter().any(|(n, _)| *n == name) {
            continue;
        }
        if let Some(xml) = pkg.read(&name, budget)? {
            replaced.push((name, xml));
        }
    }
    if replaced.is_empty() {
        return Ok(None);
    }
    pkg.with_parts_replaced(&replaced).map(Some)
}

/// Reads an .xlsx workbook.
pub fn read(bytes: &[u8], budget: &Budget) -> Result<Document, IngestError> {
    let mut pkg = Package::open(bytes)?;
    if pkg.has("xl/workbook.bin") && !pkg.has("xl/workbook.xml") {
        return Err(IngestError::Unsupported(
            "Excel binary workbook (.xlsb) is not read; save it as .xlsx".to_string(),
        ));
    }
    let sheets = ooxml::read_workbook(&mut pkg, budget)?;

    // Every sheet part and its drawing, walked with the guard.
    let mut checked: HashSet<String> = HashSet::new();
    let mut prepared: HashMap<String, Prepared> = HashMap::new();
    for s in &sheets {
        let Some(path) = s.path.as_deref() else {
            continue;
        };
        let Some(xml) = pkg.read(path, budget)? else {
            continue;
        };
        let meta = ooxml::scan_sheet(&xml, budget, path)?;
        check_dense(meta.dense_cells, &s.name)?;
        checked.insert(path.to_string());
        let drawing =
            match ooxml::drawing_part(&mut pkg, path, meta.drawing_rid.as_deref(), budget)? {
                Some(dp) => pkg.read(&dp, budget)?.map(|x| (dp, x)),
                None => None,
            };
        let mut pictures = HashMap::new();
        if let Some((dp, _)) = &drawing {
            checked.insert(dp.clone());
            pictures = ooxml::read_rels(&mut pkg, dp, budget)?
                .into_iter()
                .filter(|r| pkg.has(&r.target))
                .map(|r| (r.id, r.target))
                .collect();
        }
        prepared.insert(
            s.name.clone(),
            Prepared {
                meta,
                header_rows: s.header_rows.clone(),
                drawing,
                pictures,
            },
        );
    }
    // Every other XML part calamine might parse (workbook, styles, shared strings ...);
    // themes, document properties and custom XML it never reads.
    for name in pkg.names() {
        let lower = name.to_ascii_lowercase();
        if checked.contains(&name)
            || !(lower.ends_with(".xml") || lower.ends_with(".rels") || lower.ends_with(".vml"))
            || lower.starts_with("docprops/")
            || lower.starts_with("customxml/")
            || lower.contains("/theme/")
        {
            continue;
        }
        if let Some(xml) = pkg.read(&name, budget)? {
            match prescan(&xml, budget, &name) {
                // A legacy VML drawing (comment boxes, form controls) is never read:
                // a malformed one drops that drawing, not the workbook.
                Err(e) if lower.ends_with(".vml") && e.kind() == ErrorKind::Corrupt => continue,
                other => other?,
            }
            // A worksheet the workbook does not list to us may still reach calamine
            // (its relationships read differently): its references get the same checks.
            if xml.windows(b"sheetData".len()).any(|w| w == b"sheetData") {
                let meta = ooxml::scan_sheet(&xml, budget, &name)?;
                check_dense(meta.dense_cells, &name)?;
            }
        }
    }
    let presented = calamine_view(&mut pkg, &sheets, budget)?;
    drop(pkg);
    let bytes: &[u8] = presented.as_deref().unwrap_or(bytes);

    shielded("workbook", || {
        let mut wb: Xlsx<_> =
            open_workbook_from_rs(Cursor::new(bytes)).map_err(|e| map_err(e, "workbook"))?;
        let worksheets: Vec<String> = wb
            .sheets_metadata()
            .iter()
            .filter(|s| s.typ == SheetType::WorkSheet)
            .map(|s| s.name.clone())
            .collect();
        let mut doc = Document::default();
        for name in worksheets {
            budget.check_time(&name)?;
            let range = wb
                .worksheet_range(&name)
                .map_err(|e| map_err(e, &format!("sheet {name:?}")))?;
            let prep = prepared.get(&name);
            let table = build_table(
                &range,
                &SheetExtras {
                    merges: prep.map(|p| p.meta.merges.as_slice()).unwrap_or(&[]),
                    header_rows: prep.map(|p| p.header_rows.as_slice()).unwrap_or(&[]),
                    cols: prep.map(|p| &p.meta.cols),
                    rows: prep.map(|p| &p.meta.rows),
                },
                budget,
                &name,
            )?;
            drop(range);
            let shapes = match prep {
                Some(Prepared {
                    meta,
                    drawing: Some((dp, xml)),
                    pictures,
                    ..
                }) => drawing::read_drawing(
                    xml,
                    &meta.cols,
                    &meta.rows,
                    (table.rows.len(), table.n_cols),
                    budget,
                    dp,
                    pictures,
                )?,
                _ => Vec::new(),
            };
            doc.sections.push(Section {
                name: Some(name),
                blocks: vec![Block::Table(table)],
                shapes,
            });
        }
        Ok(doc)
    })
}
