//! .xls (BIFF8 in an OLE2 container): cells, merged regions and print titles through
//! calamine; geometry and OfficeArt shapes from [`xls_draw`](super::xls_draw); a
//! workbook encrypted with Excel's built-in key deciphered by
//! [`xls_crypt`](super::xls_crypt) first.

use std::io::{Cursor, Read, Write};

use calamine::{Reader, SheetType, Xls, XlsError, open_workbook_from_rs};

use crate::error::IngestError;
use crate::ingest::limits::Budget;
use crate::ingest::sheet::grid::{SheetExtras, build_table};
use crate::ingest::sheet::ooxml::parse_print_titles;
use crate::ingest::sheet::xls_crypt::{RT_FILEPASS, decrypt_workbook};
use crate::ingest::sheet::xls_draw::read_art;
use crate::ingest::sheet::{check_dense, shielded};
use crate::model::{Block, Document, Section};

/// Checks the OLE2 container before calamine sees it: no stream may declare more bytes
/// than the whole file holds, the workbook stream must read (its sector chain whole and
/// free of loops) within the part cap, and an encrypted workbook is `encrypted` unless
/// Excel's built-in key opens it. Returns, for such a workbook, a container holding the
/// deciphered stream in its place.
fn guard_container(bytes: &[u8], budget: &Budget) -> Result<Option<Vec<u8>>, IngestError> {
    let mut cfb = cfb::CompoundFile::open(Cursor::new(bytes))
        .map_err(|e| IngestError::corrupt("OLE2 container", e))?;
    let file_len = bytes.len() as u64;
    let mut book = None;
    for entry in cfb.walk() {
        if !entry.is_stream() {
            continue;
        }
        if entry.len() > file_len {
            return Err(IngestError::corrupt(
                format!("stream {}", entry.path().display()),
                format!(
                    "declares {} bytes, more than the whole file ({file_len} bytes)",
                    entry.len()
                ),
            ));
        }
        let path = entry.path().to_string_lossy().to_string();
        if book.is_none() && (path == "/Workbook" || path == "/Book") {
            book = Some(path);
        }
    }
    let Some(book) = book else {
        return Err(IngestError::corrupt(
            "OLE2 container",
            "no Workbook stream: not an Excel workbook",
        ));
    };
    let cap = budget.limits.max_part_bytes;
    let mut stream = Vec::new();
    cfb.open_stream(&book)
        .and_then(|s| s.take(cap.saturating_add(1)).read_to_end(&mut stream))
        .map_err(|e| IngestError::corrupt(format!("{} stream", book.trim_start_matches('/')), e))?;
    if stream.len() as u64 > cap {
        return Err(IngestError::TooLarge(format!(
            "the {} stream is larger than {} MiB",
            book.trim_start_matches('/'),
            cap >> 20
        )));
    }
    if !globals_encrypted(&stream) {
        return Ok(None);
    }
    let clear = decrypt_workbook(&stream)?;
    budget.add_inflated(clear.len() as u64, "deciphered Workbook stream")?;
    rebuilt_container(&book, &clear).map(Some)
}

/// A new OLE2 container holding only `stream` under the name `book`: what calamine and
/// the drawing reader open once the workbook is deciphered.
fn rebuilt_container(book: &str, stream: &[u8]) -> Result<Vec<u8>, IngestError> {
    let fail = |e: std::io::Error| IngestError::corrupt("deciphered Workbook stream", e);
    // Version 3 (512-byte sectors), the layout calamine's own container reader follows.
    let mut cfb = cfb::CompoundFile::create_with_version(cfb::Version::V3, Cursor::new(Vec::new()))
        .map_err(fail)?;
    cfb.create_stream(book)
        .and_then(|mut s| s.write_all(stream).and_then(|()| s.flush()))
        .map_err(fail)?;
    cfb.flush().map_err(fail)?;
    Ok(cfb.into_inner().into_inner())
}

/// Whether the workbook globals (the records up to the first EOF) hold a FILEPASS
/// record.
fn globals_encrypted(stream: &[u8]) -> bool {
    let mut pos = 0usize;
    while let (Some(rt), Some(len)) = (le16(stream, pos), le16(stream, pos + 2)) {
        match rt {
            RT_FILEPASS => return true,
            RT_EOF => return false,
            _ => pos += 4 + usize::from(len),
        }
    }
    false
}

fn le16(b: &[u8], at: usize) -> Option<u16> {
    b.get(at..at + 2).map(|s| u16::from_le_bytes([s[0], s[1]]))
}

fn map_err(e: XlsError, what: &str) -> IngestError {
    match e {
        XlsError::Password => {
            IngestError::Encrypted("the workbook is password-protected".to_string())
        }
        other => IngestError::corrupt(what, other),
    }
}

/// BIFF record: end of a substream.
const RT_EOF: u16 = 0x000A;

/// Reads an .xls workbook.
pub fn read(bytes: &[u8], budget: &Budget) -> Result<Document, IngestError> {
    // calamine reads the OLE2 container on its own, without caps: check its streams
    // through our bounded reader first.
    let clear = guard_container(bytes, budget)?;
    let bytes = clear.as_deref().unwrap_or(bytes);
    // Geometry and shapes from our own bounded record walk, before calamine.
    let art = shielded("Workbook stream", || read_art(bytes, budget))?;
    // calamine reserves the cells a sheet's DIMENSIONS record claims: refuse absurd or
    // inconsistent claims before it allocates (in name order, so the same file always
    // gives the same answer).
    let mut art_sorted: Vec<_> = art.iter().collect();
    art_sorted.sort_by(|a, b| a.0.cmp(b.0));
    for (name, a) in art_sorted {
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
