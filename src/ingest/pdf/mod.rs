//! Reader for PDF files: content streams → positioned glyphs and paths → the model.
//!
//! [`content`] interprets each page's content stream (fonts through [`font`]) into
//! glyphs and painted paths in page space; [`table`] rebuilds tables from ruling lines,
//! [`shape`] recognises flowchart symbols by their geometry, and [`text`] joins glyphs
//! into words and lines. [`layout`] puts one page together: cells, paragraphs, shapes.
//! The whole PDF becomes ONE [`Section`].

pub mod content;
pub mod font;
pub mod layout;
pub mod shape;
pub mod table;
pub mod text;

use std::collections::HashSet;

use lopdf::{Dictionary, Document as PdfDoc, LoadOptions, Object, ObjectId};

use crate::error::IngestError;
use crate::ingest::limits::Budget;
use crate::model::{Block, Document, Section};
use content::{Interpreter, Matrix};
use font::{deref, num};

/// Most pages read from one PDF.
const MAX_PAGES: usize = 5_000;
/// Deepest page tree.
const MAX_TREE_DEPTH: usize = 64;

/// Reads a PDF file into the document model: one section holding every page's
/// paragraphs, tables and flowchart shapes.
pub fn read(bytes: &[u8], budget: &Budget) -> Result<Document, IngestError> {
    let doc = load(bytes, budget)?;
    let pages = page_list(&doc, budget)?;
    let mut section = Section::default();
    let mut interp = Interpreter::new(&doc, budget);
    for (i, page_id) in pages.iter().enumerate() {
        budget.check_time("pdf page")?;
        let page_no = u32::try_from(i + 1).unwrap_or(u32::MAX);
        let info = page_info(&doc, *page_id);
        let content = page_content(&doc, *page_id, budget)?;
        let drawn = interp.run_page(&content, info.resources, info.base)?;
        let pictures = |placed: &content::PlacedImage| {
            crate::ingest::raster::source::decode(&doc, placed.id, budget)
                .ok()
                .map(|img| crate::ingest::raster::source::upright(img, placed))
        };
        layout::add_page(&mut section, drawn, page_no, info.width, &pictures, budget)?;
    }
    mark_repeated_headers(&mut section);
    Ok(Document {
        format: None,
        ocr: false,
        sections: vec![section],
    })
}

/// Rows heading a table on a later page that repeat the leading rows of an earlier
/// table (same grid width, same texts) are header rows: marks them, and the rows they
/// repeat, `repeat_header`.
fn mark_repeated_headers(section: &mut Section) {
    const LEAD: usize = 3;
    let leads: Vec<(usize, usize, Vec<Vec<String>>)> = section
        .blocks
        .iter()
        .enumerate()
        .filter_map(|(i, b)| match b {
            Block::Table(t) => Some((
                i,
                t.n_cols,
                (0..t.rows.len().min(LEAD))
                    .map(|r| t.row_texts(r).iter().map(|s| s.to_string()).collect())
                    .collect(),
            )),
            Block::Paragraph(_) => None,
        })
        .collect();
    let mut marks: Vec<(usize, usize)> = Vec::new();
    for (k, (bi, cols, rows)) in leads.iter().enumerate() {
        for (bj, cols_j, rows_j) in leads.iter().take(k) {
            if cols != cols_j {
                continue;
            }
            let same = rows
                .iter()
                .zip(rows_j.iter())
                .take_while(|(a, b)| a == b && a.iter().any(|t| !t.trim().is_empty()))
                .count();
            for r in 0..same {
                marks.push((*bi, r));
                marks.push((*bj, r));
            }
        }
    }
    for (bi, r) in marks {
        if let Some(Block::Table(t)) = section.blocks.get_mut(bi)
            && let Some(row) = t.rows.get_mut(r)
        {
            row.repeat_header = true;
        }
    }
}

/// Loads the PDF, decrypting it with the empty password where it can (also used by the
/// pixel reader, `ingest::raster::source`).
pub(crate) fn load(bytes: &[u8], budget: &Budget) -> Result<PdfDoc, IngestError> {
    let opts = || LoadOptions {
        max_decompressed_size: Some(budget.limits.max_part_bytes as usize),
        ..LoadOptions::default()
    };
    let doc = match PdfDoc::load_mem_with_options(bytes, opts()) {
        Ok(d) => d,
        Err(e) => return Err(map_load_error(e)),
    };
    if doc.is_encrypted() {
        // lopdf decrypts with the (empty) password while loading when it can; a
        // document still marked encrypted needs a password we do not have.
        let mut d = doc;
        if d.decrypt("").is_err() {
            return Err(IngestError::Encrypted(
                "PDF is protected by a user password".into(),
            ));
        }
        return Ok(d);
    }
    Ok(doc)
}

fn map_load_error(e: lopdf::Error) -> IngestError {
    match e {
        lopdf::Error::InvalidPassword | lopdf::Error::Decryption(_) => {
            IngestError::Encrypted(format!("PDF is protected by a user password ({e})"))
        }
        lopdf::Error::Decompress(d) => IngestError::TooLarge(format!("pdf stream: {d}")),
        other => IngestError::corrupt("pdf structure", other),
    }
}

/// The page objects in order, walking the page tree with a visited set and a depth limit.
pub(crate) fn page_list(doc: &PdfDoc, budget: &Budget) -> Result<Vec<ObjectId>, IngestError> {
    let root = doc
        .catalog()
        .ok()
        .and_then(|c| c.get(b"Pages").ok())
        .and_then(|o| o.as_reference().ok())
        .ok_or_else(|| IngestError::corrupt("pdf catalog", "no page tree"))?;
    let mut out = Vec::new();
    let mut seen = HashSet::new();
    // Stack of (node, depth); children pushed in reverse to keep the order.
    let mut stack = vec![(root, 0usize)];
    while let Some((id, depth)) = stack.pop() {
        budget.check_time("pdf page tree")?;
        if depth > MAX_TREE_DEPTH {
            return Err(IngestError::corrupt("pdf page tree", "nested too deep"));
        }
        let Ok(dict) = doc.get_dictionary(id) else {
            continue;
        };
        match dict.get(b"Kids") {
            Ok(kids) => {
                // Only a node with kids can close a loop; a page listed twice in /Kids is
                // shown twice (the page cap bounds the repeats).
                if !seen.insert(id) {
                    return Err(IngestError::corrupt(
                        "pdf page tree",
                        format!("object {} {} appears twice (cycle)", id.0, id.1),
                    ));
                }
                let Some(kids) = deref(doc, Some(kids)).and_then(|k| k.as_array().ok()) else {
                    continue;
                };
                for k in kids.iter().rev() {
                    if let Ok(kid) = k.as_reference() {
                        stack.push((kid, depth + 1));
                    }
                }
            }
            Err(_) => {
                out.push(id);
                if out.len() > MAX_PAGES {
                    return Err(IngestError::TooLarge(format!(
                        "pdf has more than {MAX_PAGES} pages"
                    )));
                }
            }
        }
    }
    if out.is_empty() {
        return Err(IngestError::corrupt("pdf page tree", "no pages"));
    }
    Ok(out)
}

pub(crate) struct PageInfo<'d> {
    pub(crate) resources: Option<&'d Dictionary>,
    pub(crate) base: Matrix,
    width: f32,
}

/// A page attribute, inherited through `/Parent`.
fn inherited<'d>(doc: &'d PdfDoc, page: ObjectId, key: &[u8]) -> Option<&'d Object> {
    let mut id = page;
    for _ in 0..MAX_TREE_DEPTH {
        let dict = doc.get_dictionary(id).ok()?;
        if let Ok(v) = dict.get(key) {
            return deref(doc, Some(v));
        }
        id = dict.get(b"Parent").ok()?.as_reference().ok()?;
    }
    None
}

pub(crate) fn page_info(doc: &PdfDoc, page: ObjectId) -> PageInfo<'_> {
    let resources = inherited(doc, page, b"Resources").and_then(|o| o.as_dict().ok());
    let mut bx = [0.0f32, 0.0, 595.0, 842.0];
    if let Some(Object::Array(a)) =
        inherited(doc, page, b"CropBox").or_else(|| inherited(doc, page, b"MediaBox"))
        && a.len() == 4
    {
        for (slot, v) in bx.iter_mut().zip(a.iter()) {
            *slot = deref(doc, Some(v)).and_then(num).unwrap_or(*slot);
        }
    }
    let (x0, y0) = (bx[0].min(bx[2]), bx[1].min(bx[3]));
    let (x1, y1) = (bx[0].max(bx[2]), bx[1].max(bx[3]));
    let rotate = inherited(doc, page, b"Rotate")
        .and_then(num)
        .map(|r| (r as i64).rem_euclid(360))
        .unwrap_or(0);
    // Default user space → page space (top-left origin, y down, rotation applied).
    let (base, width) = match rotate {
        90 => (Matrix([0.0, 1.0, 1.0, 0.0, -y0, -x0]), y1 - y0),
        180 => (Matrix([-1.0, 0.0, 0.0, 1.0, x1, -y0]), x1 - x0),
        270 => (Matrix([0.0, -1.0, -1.0, 0.0, y1, x1]), y1 - y0),
        _ => (Matrix([1.0, 0.0, 0.0, -1.0, -x0, y1]), x1 - x0),
    };
    PageInfo {
        resources,
        base,
        width,
    }
}

/// The page's content streams, decoded and concatenated.
pub(crate) fn page_content(
    doc: &PdfDoc,
    page: ObjectId,
    budget: &Budget,
) -> Result<Vec<u8>, IngestError> {
    let mut out = Vec::new();
    let limit = budget.limits.max_part_bytes as usize;
    for id in doc.get_page_contents(page) {
        let Ok(stream) = doc.get_object(id).and_then(|o| o.as_stream()) else {
            continue;
        };
        let bytes = match stream.decompressed_content_with_limit(limit) {
            Ok(b) => b,
            Err(lopdf::Error::Decompress(lopdf::DecompressError::MemoryLimitExceeded {
                ..
            })) => {
                return Err(IngestError::TooLarge(format!(
                    "pdf content stream {} {} inflates past {} MiB",
                    id.0,
                    id.1,
                    limit >> 20
                )));
            }
            Err(_) => stream.content.clone(),
        };
        budget.add_inflated(bytes.len() as u64, "pdf content stream")?;
        out.extend_from_slice(&bytes);
        out.push(b'\n');
    }
    Ok(out)
}
