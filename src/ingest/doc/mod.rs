//! Reader for Word 97-2003 binary documents (.doc, [MS-DOC]).
//!
//! The OLE2 container is opened with `cfb`; the `WordDocument` stream starts with the
//! FIB ([`fib`]), which names the table stream (`0Table`/`1Table`) holding the piece
//! table ([`text`]), the paragraph property pages ([`props`]) and the drawing
//! ([`shapes`]). [`structure`] turns the text and properties into paragraphs and tables
//! of the document model. Every offset read from the file is checked: a damaged file
//! yields `corrupt`, never a panic.

mod bytes;
mod fib;
mod props;
mod shapes;
mod structure;
mod text;

use std::io::{Cursor, Read};

use crate::error::IngestError;
use crate::ingest::limits::Budget;
use crate::model::{Document, Section};

/// Reads a Word 97-2003 document into the document model: one section holding the
/// main text's paragraphs and tables, and the flowchart shapes placed in their cells.
pub fn read(bytes: &[u8], budget: &Budget) -> Result<Document, IngestError> {
    let mut cfb = cfb::CompoundFile::open(Cursor::new(bytes))
        .map_err(|e| IngestError::corrupt("OLE2 container", e))?;
    let wd = read_stream(&mut cfb, "/WordDocument", budget)?
        .ok_or_else(|| IngestError::corrupt("OLE2 container", "no WordDocument stream"))?;
    let fib = fib::parse(&wd)?;
    let table_name = if fib.which_table_1 {
        "/1Table"
    } else {
        "/0Table"
    };
    let table = read_stream(&mut cfb, table_name, budget)?.ok_or_else(|| {
        IngestError::corrupt("OLE2 container", format!("no {} stream", &table_name[1..]))
    })?;
    let data = read_stream(&mut cfb, "/Data", budget)?.unwrap_or_default();
    read_streams(&wd, &table, &data, budget)
}

/// Reads a document from its already extracted streams: `word` is `WordDocument`,
/// `table` the table stream its FIB names (`0Table`/`1Table`), `data` the `Data` stream
/// (empty when absent). [`read`] calls this after opening the container; it is public
/// so that tests and fuzzing can reach the Word parser without an OLE2 container.
pub fn read_streams(
    word: &[u8],
    table: &[u8],
    data: &[u8],
    budget: &Budget,
) -> Result<Document, IngestError> {
    let fib = fib::parse(word)?;
    budget.check_time("Word streams")?;
    let clx_bytes = shapes::part(table, fib.pair(fib::PAIR_CLX))
        .ok_or_else(|| IngestError::corrupt("piece table (Clx)", "outside the table stream"))?;
    let clx = text::parse_clx(clx_bytes)?;
    let total = fib.cp_txbx + u64::from(fib.ccp_txbx);
    let main = text::read_main_text(word, &clx, fib.ccp_text, total, budget)?;

    let bte = shapes::part(table, fib.pair(fib::PAIR_PLCF_BTE_PAPX));
    let mut papx = props::PapxIndex::new(word, data, bte)?;
    let section_ends = section_ends(shapes::part(table, fib.pair(fib::PAIR_PLCF_SED)));
    let built = structure::build(&main, &clx, &mut papx, &section_ends, budget)?;

    let texts = shapes::text_box_texts(
        shapes::part(table, fib.pair(fib::PAIR_PLCF_TXBX_TXT)),
        &main.units,
        fib.cp_txbx,
    );
    let shapes = shapes::read_shapes(
        shapes::part(table, fib.pair(fib::PAIR_DGG_INFO)),
        shapes::part(table, fib.pair(fib::PAIR_PLC_SPA_MOM)),
        &built,
        &texts,
        budget,
    );
    Ok(Document {
        format: None,
        ocr: false,
        sections: vec![Section {
            name: None,
            blocks: built.blocks,
            shapes,
        }],
    })
}

/// Reads a whole stream, `None` when the container has no such stream.
fn read_stream(
    cfb: &mut cfb::CompoundFile<Cursor<&[u8]>>,
    path: &str,
    budget: &Budget,
) -> Result<Option<Vec<u8>>, IngestError> {
    if !cfb.is_stream(path) {
        return Ok(None);
    }
    let part = &path[1..];
    let stream = cfb
        .open_stream(path)
        .map_err(|e| IngestError::corrupt(part, e))?;
    let cap = budget.limits.max_part_bytes;
    if stream.len() > cap {
        return Err(IngestError::TooLarge(format!(
            "{part} stream is {} MiB (limit {} MiB)",
            stream.len() >> 20,
            cap >> 20
        )));
    }
    let mut buf = Vec::new();
    stream
        .take(cap)
        .read_to_end(&mut buf)
        .map_err(|e| IngestError::corrupt(part, e))?;
    Ok(Some(buf))
}

/// The CPs at which sections end (from PlcfSed), sorted.
fn section_ends(plc: Option<&[u8]>) -> Vec<u32> {
    let Some(plc) = plc else { return Vec::new() };
    // (n + 1) CPs then n SEDs of 12 bytes.
    let n = plc.len().saturating_sub(4) / 16;
    let mut v: Vec<u32> = (1..=n).filter_map(|i| bytes::u32_at(plc, i * 4)).collect();
    v.sort_unstable();
    v
}
