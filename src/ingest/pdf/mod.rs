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

/// Most objects one PDF may declare (objects written in the file, those packed in its
/// object streams' `/N`, and its cross-reference `/Size`): measures what the loader
/// would hold in memory at once — a few hundred bytes each — so a file packing
/// millions of tiny objects is refused before it is loaded. Real documents stay far
/// below (a 600-page scanned report has some 10,000).
const MAX_OBJECTS: u64 = 1_000_000;

/// How far around an `/ObjStm` marker its dictionary's `/N` is looked for, in bytes.
const OBJSTM_DICT_WINDOW: usize = 512;

/// Counts the objects a PDF declares without loading it: `obj` keywords, the `/N` of
/// each object stream, and the largest cross-reference `/Size`; refuses the file as
/// `too-large` past [`MAX_OBJECTS`].
fn check_object_count(bytes: &[u8]) -> Result<(), IngestError> {
    let written = count_keyword(bytes, b"obj");
    let mut packed = 0u64;
    for at in find_all(bytes, b"/ObjStm") {
        let lo = at.saturating_sub(OBJSTM_DICT_WINDOW);
        let hi = (at + OBJSTM_DICT_WINDOW).min(bytes.len());
        let window = bytes.get(lo..hi).unwrap_or_default();
        // The dictionary ends at its `stream` keyword: look no further.
        let rel = at - lo;
        let end = find_all(window, b"stream")
            .find(|&i| i > rel)
            .unwrap_or(window.len());
        let start = find_all(window, b"obj")
            .take_while(|&i| i < rel)
            .last()
            .unwrap_or(0);
        packed = packed.saturating_add(
            name_value(window.get(start..end).unwrap_or_default(), b"/N").unwrap_or(0),
        );
    }
    let declared = find_all(bytes, b"/Size")
        .filter_map(|at| name_value(bytes.get(at..(at + 40).min(bytes.len()))?, b"/Size"))
        .max()
        .unwrap_or(0);
    let total = written.saturating_add(packed).max(declared);
    if total > MAX_OBJECTS {
        return Err(IngestError::TooLarge(format!(
            "pdf declares {total} objects ({written} written, {packed} packed in object \
             streams, cross-reference size {declared}); at most {MAX_OBJECTS} are read"
        )));
    }
    Ok(())
}

/// Start offsets of every occurrence of `needle` in `hay`.
fn find_all<'a>(hay: &'a [u8], needle: &'a [u8]) -> impl Iterator<Item = usize> + 'a {
    hay.windows(needle.len())
        .enumerate()
        .filter(move |(_, w)| *w == needle)
        .map(|(i, _)| i)
}

/// Occurrences of `word` standing as a PDF keyword (not inside a longer name).
fn count_keyword(hay: &[u8], word: &[u8]) -> u64 {
    let regular = |b: Option<&u8>| b.is_some_and(|b| b.is_ascii_alphanumeric() || *b == b'/');
    find_all(hay, word)
        .filter(|&i| {
            !regular(i.checked_sub(1).and_then(|j| hay.get(j))) && !regular(hay.get(i + word.len()))
        })
        .count() as u64
}

/// The integer after the first `key` (a whole name: `/N`, not `/Name`) in `dict`.
fn name_value(dict: &[u8], key: &[u8]) -> Option<u64> {
    find_all(dict, key).find_map(|at| {
        let rest = dict.get(at + key.len()..)?;
        if rest.first().is_some_and(|b| b.is_ascii_alphanumeric()) {
            return None;
        }
        let digits: Vec<u8> = rest
            .iter()
            .skip_while(|b| b.is_ascii_whitespace())
            .take_while(|b| b.is_ascii_digit())
            .copied()
            .collect();
        std::str::from_utf8(&digits)
            .ok()?
            .parse::<u64>()
            .ok()
            .or_else(|| {
                // More digits than a u64 holds: as many as can be.
                (!digits.is_empty()).then_some(u64::MAX)
            })
    })
}

/// Loads the PDF, decrypting it with the empty password where it can (also used by the
/// pixel reader, `ingest::raster::source`). A file declaring more than [`MAX_OBJECTS`]
/// objects is refused before the loader sees it.
pub(crate) fn load(bytes: &[u8], budget: &Budget) -> Result<PdfDoc, IngestError> {
    check_object_count(bytes)?;
    budget.check_time("pdf objects")?;
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
        if only_attachments_encrypted(&doc) {
            // Pages, strings and streams are written in the clear: read them with the
            // trailer's encryption entry blanked out (the loader would hold them back).
            let clear = without_encrypt_entry(bytes);
            return PdfDoc::load_mem_with_options(&clear, opts()).map_err(map_load_error);
        }
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

/// The crypt filter name meaning "not encrypted".
const IDENTITY_FILTER: &[u8] = b"Identity";
/// The first security handler version with named crypt filters (`/StmF`, `/StrF`,
/// `/EFF`); earlier versions encrypt every string and stream.
const CRYPT_FILTER_VERSION: i64 = 4;

/// True when the encryption dictionary leaves streams and strings unencrypted (`/StmF`
/// and `/StrF` are `/Identity`, their default) and encrypts only embedded files
/// (`/EFF`): the document itself reads without the password its attachments need.
fn only_attachments_encrypted(doc: &PdfDoc) -> bool {
    let Some(enc) = deref(doc, doc.trailer.get(b"Encrypt").ok()).and_then(|o| o.as_dict().ok())
    else {
        return false;
    };
    let version = enc
        .get(b"V")
        .ok()
        .and_then(|v| v.as_i64().ok())
        .unwrap_or(0);
    let identity = |key: &[u8]| match enc.get(key) {
        Ok(v) => v.as_name().is_ok_and(|n| n == IDENTITY_FILTER),
        Err(_) => true,
    };
    version >= CRYPT_FILTER_VERSION && identity(b"StmF") && identity(b"StrF")
}

/// A copy of `bytes` with every `/Encrypt n g R` entry overwritten by spaces (offsets
/// unchanged, so the cross-reference data stays right).
fn without_encrypt_entry(bytes: &[u8]) -> Vec<u8> {
    let mut out = bytes.to_vec();
    let key = b"/Encrypt";
    for at in find_all(bytes, key).collect::<Vec<_>>() {
        // `n g R`: two numbers and the reference keyword.
        let mut end = at + key.len();
        let mut fields = 0;
        while fields < 3 {
            while bytes.get(end).is_some_and(u8::is_ascii_whitespace) {
                end += 1;
            }
            let start = end;
            while bytes.get(end).is_some_and(|b| b.is_ascii_alphanumeric()) {
                end += 1;
            }
            if end == start {
                break;
            }
            fields += 1;
        }
        if fields == 3
            && bytes.get(end - 1) == Some(&b'R')
            && let Some(slot) = out.get_mut(at..end)
        {
            slot.fill(b' ');
        }
    }
    out
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
