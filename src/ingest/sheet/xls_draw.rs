//! Shapes and geometry of .xls worksheets, read from the BIFF8 `Workbook` stream:
//! OfficeArt in MSODRAWING records (FORMATS.md §3), text of text boxes in TXO records,
//! column widths (COLINFO, STANDARDWIDTH/DEFCOLWIDTH) and row heights (ROW,
//! DEFAULTROWHEIGHT). Every read is bounds-checked; a damaged record ends the sheet's
//! drawing, never the file.

use std::collections::HashMap;
use std::io::{Cursor, Read};

use crate::error::IngestError;
use crate::ingest::limits::Budget;
use crate::ingest::sheet::grid::{Axis, base_col_width_pt, col_chars_to_pt};
use crate::ingest::sheet::outline::Outline;
use crate::model::{Anchor, Point, Rect, Shape, ShapeKind};

/// What one worksheet's substream gives beside its cells.
pub struct XlsSheetArt {
    /// Column geometry in points.
    pub cols: Axis,
    /// Row geometry in points.
    pub rows: Axis,
    /// Grid positions calamine will hold densely (the DIMENSIONS record's claim or the
    /// span of the value records, whichever is larger): `Err` when the DIMENSIONS record
    /// is inconsistent (last before first).
    pub dims: Result<u64, String>,
    shapes: Vec<RawShape>,
}

/// A shape before placement.
struct RawShape {
    spt: u16,
    flip_h: bool,
    flip_v: bool,
    /// Client anchor (colL, dxL, rwT, dyT, colR, dxR, rwB, dyB) of a top-level shape.
    anchor: Option<[i64; 8]>,
    /// Child anchor (left, top, right, bottom) in the enclosing group's coordinates,
    /// and the index of that group among the shapes.
    child: Option<([i64; 4], usize)>,
    /// For a group: its coordinate rectangle (FSPGR).
    group_rect: Option<[i64; 4]>,
    /// Offset in the sheet's OfficeArt stream where the shape's container starts.
    offset: usize,
    text: String,
    /// For a custom-geometry shape: what its path looks like.
    custom: Option<Outline>,
}

/// Reads the custom geometry of an OPT record (`n` properties at `body`): the
/// vertices (pVertices 0x0145) and segment kinds (pSegmentInfo 0x0146).
fn custom_geometry(art: &[u8], body: usize, end: usize, n: u16) -> Option<Outline> {
    let n = usize::from(n);
    let mut complex_at = body.checked_add(6 * n)?;
    let mut vertices: Option<Vec<(i64, i64)>> = None;
    let mut curved = false;
    let mut segments_seen = false;
    // Vertices in all, and those given by formulas (LibreOffice writes arcs of rounded
    // presets as lines to formula points).
    let (mut total, mut computed) = (0usize, 0usize);
    for k in 0..n {
        let id = u16_at(art, body + 6 * k)?;
        let op = u32_at(art, body + 6 * k + 2)? as usize;
        if id & 0x8000 == 0 {
            continue;
        }
        let pid = id & 0x3FFF;
        let start = complex_at;
        // Array properties carry a 6-byte header (nElems, nElemsAlloc, cbElem) that
        // some writers leave out of `op`.
        let mut len = op;
        let mut array = None;
        if (0x0145..=0x0158).contains(&pid) {
            let (ne, cb) = (u16_at(art, start)?, u16_at(art, start + 4)?);
            let size = match cb {
                0xFFF0 => 4,
                c => usize::from(c),
            };
            let payload = usize::from(ne) * size;
            if payload == op {
                len = op + 6;
            }
            array = Some((usize::from(ne), size));
        }
        complex_at = start.checked_add(len)?;
        if complex_at > end {
            return None;
        }
        match (pid, array) {
            (0x0145, Some((ne, size))) => {
                let mut v = Vec::new();
                for e in 0..ne.min(64) {
                    let at = start + 6 + e * size;
                    let (x, y) = match size {
                        8 => (u32_at(art, at)?, u32_at(art, at + 4)?),
                        4 => (u32::from(u16_at(art, at)?), u32::from(u16_at(art, at + 2)?)),
                        _ => return None,
                    };
                    // Values with the high bit set refer to formulas: not a plain point.
                    let formula = |w: u32, sz: usize| {
                        if sz == 8 {
                            w & 0x8000_0000 != 0
                        } else {
                            w & 0x8000 != 0
                        }
                    };
                    if formula(x, size) || formula(y, size) {
                        computed += 1;
                    } else {
                        v.push((i64::from(x), i64::from(y)));
                    }
                    total += 1;
                }
                vertices = Some(v);
            }
            (0x0146, Some((ne, size))) => {
                segments_seen = true;

                for e in 0..ne.min(256) {
                    let seg = u16_at(art, start + 6 + e * size)?;
                    // Types: 0 line, 1 curve, 2 move, 3 close, 4 end, 5 escape (arcs).
                    if matches!(seg >> 13, 1 | 5) {
                        curved = true;
                    }
                }
            }
            _ => {}
        }
    }
    let v = vertices?;
    if !segments_seen && v.is_empty() {
        return None;
    }
    if computed > 0 && total > 4 {
        curved = true;
    }
    Outline::new(&v, curved)
}

fn u16_at(b: &[u8], i: usize) -> Option<u16> {
    Some(u16::from_le_bytes([*b.get(i)?, *b.get(i + 1)?]))
}

fn i16_at(b: &[u8], i: usize) -> Option<i16> {
    u16_at(b, i).map(|v| v as i16)
}

fn u32_at(b: &[u8], i: usize) -> Option<u32> {
    Some(u32::from_le_bytes([
        *b.get(i)?,
        *b.get(i + 1)?,
        *b.get(i + 2)?,
        *b.get(i + 3)?,
    ]))
}

fn i32_at(b: &[u8], i: usize) -> Option<i32> {
    u32_at(b, i).map(|v| v as i32)
}

/// A BIFF8 short string (cch u8, flags u8, chars) at `i`.
fn short_string(b: &[u8], i: usize) -> Option<String> {
    let cch = usize::from(*b.get(i)?);
    let high = b.get(i + 1)? & 1 == 1;
    chars(b.get(i + 2..)?, cch, high)
}

/// `cch` characters, UTF-16LE when `high`, else one byte each (Latin-1).
fn chars(b: &[u8], cch: usize, high: bool) -> Option<String> {
    if high {
        let units: Vec<u16> = b
            .chunks_exact(2)
            .take(cch)
            .map(|c| u16::from_le_bytes([c[0], c[1]]))
            .collect();
        Some(String::from_utf16_lossy(&units))
    } else {
        Some(b.iter().take(cch).map(|&c| char::from(c)).collect())
    }
}

/// Reads the `Workbook` stream of an OLE2 file, capped by the budget.
fn workbook_stream(bytes: &[u8], budget: &Budget) -> Result<Vec<u8>, IngestError> {
    let mut cfb = cfb::CompoundFile::open(Cursor::new(bytes))
        .map_err(|e| IngestError::corrupt("OLE2 container", e))?;
    let mut s = cfb
        .open_stream("/Workbook")
        .map_err(|e| IngestError::corrupt("Workbook stream", e))?;
    let cap = budget.limits.max_part_bytes;
    let mut out = Vec::new();
    (&mut s)
        .take(cap.saturating_add(1))
        .read_to_end(&mut out)
        .map_err(|e| IngestError::corrupt("Workbook stream", e))?;
    if out.len() as u64 > cap {
        return Err(IngestError::TooLarge(format!(
            "the Workbook stream is larger than {} MiB",
            cap >> 20
        )));
    }
    budget.add_inflated(out.len() as u64, "Workbook stream")?;
    Ok(out)
}

/// Per-sheet state while walking the records.
#[derive(Default)]
struct SheetWalk {
    col_runs: Vec<(u32, u32, f64)>,
    row_runs: Vec<(u32, u32, f64)>,
    std_width: Option<f64>,
    def_width: Option<f64>,
    def_row: Option<f64>,
    art: Vec<u8>,
    /// Texts of TXO records with the OfficeArt offset they follow.
    texts: Vec<(usize, String)>,
    dims: Option<Result<u64, String>>,
    /// (min row, min col, max row, max col) of the value records.
    extent: Option<(u32, u32, u32, u32)>,
}

impl SheetWalk {
    fn extend(&mut self, r: u32, c0: u32, c1: u32) {
        self.extent = Some(match self.extent {
            None => (r, c0, r, c1),
            Some((a, b, c, d)) => (a.min(r), b.min(c0), c.max(r), d.max(c1)),
        });
    }
}

/// The grid positions a DIMENSIONS record claims, read as calamine reads it.
fn dimension_cells(d: &[u8]) -> Result<u64, String> {
    let (rf, rl, cf, cl) = match d.len() {
        10 => (
            u32::from(u16_at(d, 0).unwrap_or(0)),
            u32::from(u16_at(d, 2).unwrap_or(0)),
            u32::from(u16_at(d, 4).unwrap_or(0)),
            u32::from(u16_at(d, 6).unwrap_or(0)),
        ),
        14 | 16 => (
            u32_at(d, 0).unwrap_or(0),
            u32_at(d, 4).unwrap_or(0),
            u32::from(u16_at(d, 8).unwrap_or(0)),
            u32::from(u16_at(d, 10).unwrap_or(0)),
        ),
        n => return Err(format!("DIMENSIONS record of {n} bytes")),
    };
    let cf = if cf > 0xFF || cl < cf { 0 } else { cf };
    if rl == 0 || cl == 0 {
        return Ok(1);
    }
    let (rows, cols) = (
        i64::from(rl) - 1 - i64::from(rf) + 1,
        i64::from(cl) - 1 - i64::from(cf) + 1,
    );
    if rows <= 0 || cols <= 0 {
        return Err(format!(
            "DIMENSIONS record ends before it starts (rows {rf}..{rl}, columns {cf}..{cl})"
        ));
    }
    Ok((rows as u64).saturating_mul(cols as u64))
}

/// Reads every worksheet's geometry and shapes, by sheet name. Files without a
/// `Workbook` stream (BIFF5 `Book`) give nothing.
pub fn read_art(
    bytes: &[u8],
    budget: &Budget,
) -> Result<HashMap<String, XlsSheetArt>, IngestError> {
    let stream = match workbook_stream(bytes, budget) {
        Ok(s) => s,
        Err(IngestError::Corrupt { .. }) => return Ok(HashMap::new()),
        Err(e) => return Err(e),
    };
    let mut names: HashMap<u32, String> = HashMap::new(); // BOF offset → sheet name
    let mut out = HashMap::new();
    let mut pos = 0usize;
    let mut depth = 0usize;
    let mut current: Option<(String, SheetWalk)> = None;
    let mut last: u16 = 0; // previous record type, for CONTINUE
    let mut pending_txo: Option<usize> = None; // cch of a TXO waiting for its text
    let mut n = 0u64;
    while let (Some(rt), Some(len)) = (u16_at(&stream, pos), u16_at(&stream, pos + 2)) {
        n += 1;
        if n.is_multiple_of(65_536) {
            budget.check_time("Workbook stream")?;
        }
        let start = pos + 4;
        let end = start + usize::from(len);
        let Some(data) = stream.get(start..end) else {
            break;
        };
        let rec_pos = pos as u32;
        pos = end;
        match rt {
            0x0809 => {
                depth += 1;
                if depth == 1
                    && let Some(name) = names.get(&rec_pos)
                    && u16_at(data, 2) == Some(0x0010)
                {
                    current = Some((name.clone(), SheetWalk::default()));
                }
            }
            0x000A => {
                depth = depth.saturating_sub(1);
                if depth == 0
                    && let Some((name, walk)) = current.take()
                {
                    out.insert(name, finish_walk(walk));
                }
            }
            0x0085 if depth == 1 && current.is_none() => {
                if let (Some(off), Some(name)) = (u32_at(data, 0), short_string(data, 6)) {
                    names.insert(off, name);
                }
            }
            _ => {}
        }
        if depth == 1
            && let Some((_, w)) = current.as_mut()
        {
            match rt {
                0x007D => {
                    if let (Some(a), Some(b), Some(dx), Some(fl)) = (
                        u16_at(data, 0),
                        u16_at(data, 2),
                        u16_at(data, 4),
                        u16_at(data, 8),
                    ) {
                        let width = if fl & 1 == 1 {
                            0.0
                        } else {
                            col_chars_to_pt(f64::from(dx) / 256.0)
                        };
                        w.col_runs
                            .push((u32::from(a), u32::from(b.min(16_383)), width));
                    }
                }
                0x0200 => w.dims = Some(dimension_cells(data)),
                // Value records (NUMBER, LABEL, RSTRING, BOOLERR, RK, LABELSST,
                // FORMULA) and MULRK: what calamine will place in its dense range.
                0x0203 | 0x0204 | 0x00D6 | 0x0205 | 0x027E | 0x00FD | 0x0006 => {
                    if let (Some(r), Some(c)) = (u16_at(data, 0), u16_at(data, 2)) {
                        w.extend(u32::from(r), u32::from(c), u32::from(c));
                    }
                }
                0x00BD => {
                    if let (Some(r), Some(c0), Some(c1)) = (
                        u16_at(data, 0),
                        u16_at(data, 2),
                        data.len().checked_sub(2).and_then(|i| u16_at(data, i)),
                    ) {
                        w.extend(u32::from(r), u32::from(c0), u32::from(c1.max(c0)));
                    }
                }
                0x0099 => w.std_width = u16_at(data, 0).map(|v| f64::from(v) / 256.0),
                0x0055 => w.def_width = u16_at(data, 0).map(f64::from),
                0x0225 => {
                    w.def_row = i16_at(data, 2).map(|t| f64::from(t.max(0)) / 20.0);
                }
                0x0208 => {
                    if let (Some(r), Some(h), Some(fl)) =
                        (u16_at(data, 0), u16_at(data, 6), u16_at(data, 12))
                    {
                        let pt = if fl & 0x20 != 0 {
                            0.0
                        } else {
                            f64::from(h & 0x7FFF) / 20.0
                        };
                        w.row_runs.push((u32::from(r), u32::from(r), pt));
                    }
                }
                0x00EC => w.art.extend_from_slice(data),
                0x003C if last == 0x00EC => w.art.extend_from_slice(data),
                0x01B6 => {
                    pending_txo = u16_at(data, 10).map(usize::from);
                }
                0x003C if pending_txo.is_some() => {
                    let cch = pending_txo.take().unwrap_or(0);
                    if let Some(flag) = data.first() {
                        let text = chars(data.get(1..).unwrap_or(&[]), cch, flag & 1 == 1)
                            .unwrap_or_default();
                        w.texts.push((w.art.len(), text));
                    }
                }
                _ => {}
            }
        }
        if rt != 0x003C {
            last = rt;
        }
        if rt != 0x01B6 && rt != 0x003C {
            pending_txo = None;
        }
    }
    Ok(out)
}

fn finish_walk(w: SheetWalk) -> XlsSheetArt {
    let default_col = match (w.std_width, w.def_width) {
        (Some(s), _) => col_chars_to_pt(s),
        (None, Some(d)) => base_col_width_pt(d),
        (None, None) => base_col_width_pt(8.0),
    };
    let cols = Axis::new(default_col, w.col_runs);
    let rows = Axis::new(w.def_row.filter(|h| *h > 0.0).unwrap_or(15.0), w.row_runs);
    let mut shapes = Vec::new();
    let mut groups = Vec::new();
    parse_art(&w.art, 0, w.art.len(), 0, &mut shapes, &mut groups);
    // Attach each text to the last shape whose container starts before it.
    for (at, text) in w.texts {
        if let Some(s) = shapes.iter_mut().rev().find(|s| s.offset < at) {
            s.text = text;
        }
    }
    XlsSheetArt {
        cols,
        rows,
        dims: match (w.dims.unwrap_or(Ok(0)), w.extent) {
            (Err(e), _) => Err(e),
            (Ok(d), None) => Ok(d),
            (Ok(d), Some((r0, c0, r1, c1))) => {
                Ok(d.max(u64::from(r1 - r0 + 1) * u64::from(c1 - c0 + 1)))
            }
        },
        shapes,
    }
}

/// Walks OfficeArt records in `art[from..to]`. `groups` is the stack of enclosing group
/// shapes (indices into `shapes`).
fn parse_art(
    art: &[u8],
    from: usize,
    to: usize,
    level: usize,
    shapes: &mut Vec<RawShape>,
    groups: &mut Vec<usize>,
) {
    if level > 32 {
        return;
    }
    let mut p = from;
    while p + 8 <= to {
        let (Some(verinst), Some(rt), Some(len)) =
            (u16_at(art, p), u16_at(art, p + 2), u32_at(art, p + 4))
        else {
            return;
        };
        let body = p + 8;
        let is_container = verinst & 0xF == 0xF;
        let end = body.saturating_add(len as usize).min(to);
        match rt {
            0xF003 => {
                // A group container: its first shape container describes the group,
                // the rest are its children.
                let mut inner = groups.clone();
                parse_group(art, body, end, level + 1, shapes, &mut inner);
            }
            0xF004 => {
                shapes.push(RawShape {
                    spt: 0,
                    flip_h: false,
                    flip_v: false,
                    anchor: None,
                    child: None,
                    group_rect: None,
                    offset: p,
                    text: String::new(),
                    custom: None,
                });
                let idx = shapes.len() - 1;
                parse_shape(art, body, end, idx, shapes, groups.last().copied());
            }
            _ if is_container => parse_art(art, body, end, level + 1, shapes, groups),
            _ => {}
        }
        if end <= p {
            return;
        }
        p = end;
    }
}

/// Walks a group container: the first shape container is the group itself, the rest
/// (shapes or nested groups) are its children.
fn parse_group(
    art: &[u8],
    from: usize,
    to: usize,
    level: usize,
    shapes: &mut Vec<RawShape>,
    groups: &mut Vec<usize>,
) {
    if level > 32 {
        return;
    }
    let mut p = from;
    let mut first = true;
    while p + 8 <= to {
        let (Some(rt), Some(len)) = (u16_at(art, p + 2), u32_at(art, p + 4)) else {
            return;
        };
        let body = p + 8;
        let end = body.saturating_add(len as usize).min(to);
        match rt {
            0xF004 => {
                shapes.push(RawShape {
                    spt: 0,
                    flip_h: false,
                    flip_v: false,
                    anchor: None,
                    child: None,
                    group_rect: None,
                    offset: p,
                    text: String::new(),
                    custom: None,
                });
                let idx = shapes.len() - 1;
                parse_shape(art, body, end, idx, shapes, groups.last().copied());
                if first {
                    groups.push(idx);
                    first = false;
                }
            }
            0xF003 => {
                let mut inner = groups.clone();
                parse_group(art, body, end, level + 1, shapes, &mut inner);
            }
            _ => {}
        }
        if end <= p {
            return;
        }
        p = end;
    }
}

/// Reads the records of one shape container into `shapes[idx]`.
fn parse_shape(
    art: &[u8],
    from: usize,
    to: usize,
    idx: usize,
    shapes: &mut [RawShape],
    group: Option<usize>,
) {
    let mut p = from;
    while p + 8 <= to {
        let (Some(verinst), Some(rt), Some(len)) =
            (u16_at(art, p), u16_at(art, p + 2), u32_at(art, p + 4))
        else {
            return;
        };
        let body = p + 8;
        let end = body.saturating_add(len as usize).min(to);
        let Some(s) = shapes.get_mut(idx) else { return };
        match rt {
            0xF00A => {
                s.spt = verinst >> 4;
                if let Some(fl) = u32_at(art, body + 4) {
                    s.flip_h = fl & 0x40 != 0;
                    s.flip_v = fl & 0x80 != 0;
                }
            }
            0xF00B => {
                if let Some(geo) = custom_geometry(art, body, end, verinst >> 4) {
                    s.custom = Some(geo);
                }
            }
            0xF009 => {
                if let (Some(a), Some(b), Some(c), Some(d)) = (
                    i32_at(art, body),
                    i32_at(art, body + 4),
                    i32_at(art, body + 8),
                    i32_at(art, body + 12),
                ) {
                    s.group_rect = Some([a.into(), b.into(), c.into(), d.into()]);
                }
            }
            0xF010 if len >= 18 => {
                let mut v = [0i64; 8];
                let ok = (0..8).all(|k| match u16_at(art, body + 2 + 2 * k) {
                    Some(x) => {
                        // Columns and rows are unsigned; offsets are signed.
                        v[k] = if k % 2 == 0 {
                            i64::from(x)
                        } else {
                            i64::from(x as i16)
                        };
                        true
                    }
                    None => false,
                });
                if ok {
                    s.anchor = Some(v);
                }
            }
            0xF00F if len >= 16 => {
                if let (Some(a), Some(b), Some(c), Some(d), Some(g)) = (
                    i32_at(art, body),
                    i32_at(art, body + 4),
                    i32_at(art, body + 8),
                    i32_at(art, body + 12),
                    group,
                ) {
                    s.child = Some(([a.into(), b.into(), c.into(), d.into()], g));
                }
            }
            _ => {}
        }
        if end <= p {
            return;
        }
        p = end;
    }
}

/// Maps an OfficeArt shape type (MSOSPT) to a symbol kind.
pub fn kind_of_spt(spt: u16) -> ShapeKind {
    ShapeKind::from_office_type(u32::from(spt))
}

impl XlsSheetArt {
    /// The sheet's shapes placed in the cell holding their centre; `table_size` is the
    /// (rows, cols) of the sheet's table, outside which shapes are free.
    pub fn shapes(&self, (n_rows, n_cols): (usize, usize)) -> Vec<Shape> {
        let cols = &self.cols;
        let rows = &self.rows;
        let point = |col: i64, dx: i64, row: i64, dy: i64| {
            let (c, r) = (col.clamp(0, 16_383) as u32, row.clamp(0, 1_048_575) as u32);
            (
                cols.start(c) + dx as f64 / 1024.0 * cols.size(c),
                rows.start(r) + dy as f64 / 256.0 * rows.size(r),
            )
        };
        let rect_of = |a: &[i64; 8]| {
            let (x0, y0) = point(a[0], a[1], a[2], a[3]);
            let (x1, y1) = point(a[4], a[5], a[6], a[7]);
            Rect {
                x: x0.min(x1) as f32,
                y: y0.min(y1) as f32,
                w: (x1 - x0).abs() as f32,
                h: (y1 - y0).abs() as f32,
            }
        };
        // Rectangles of every shape, groups first (they precede their children).
        let mut rects: Vec<Option<Rect>> = Vec::with_capacity(self.shapes.len());
        for s in &self.shapes {
            let r = match (&s.anchor, &s.child) {
                (Some(a), _) => Some(rect_of(a)),
                (None, Some((c, g))) => {
                    let parent = self.shapes.get(*g);
                    match (
                        rects.get(*g).copied().flatten(),
                        parent.and_then(|p| p.group_rect),
                    ) {
                        (Some(pr), Some(gr)) => {
                            let gw = (gr[2] - gr[0]) as f64;
                            let gh = (gr[3] - gr[1]) as f64;
                            let sx = if gw != 0.0 { f64::from(pr.w) / gw } else { 0.0 };
                            let sy = if gh != 0.0 { f64::from(pr.h) / gh } else { 0.0 };
                            let x0 = f64::from(pr.x) + (c[0] - gr[0]) as f64 * sx;
                            let y0 = f64::from(pr.y) + (c[1] - gr[1]) as f64 * sy;
                            let x1 = f64::from(pr.x) + (c[2] - gr[0]) as f64 * sx;
                            let y1 = f64::from(pr.y) + (c[3] - gr[1]) as f64 * sy;
                            Some(Rect {
                                x: x0.min(x1) as f32,
                                y: y0.min(y1) as f32,
                                w: (x1 - x0).abs() as f32,
                                h: (y1 - y0).abs() as f32,
                            })
                        }
                        _ => None,
                    }
                }
                (None, None) => None,
            };
            rects.push(r);
        }
        let mut out = Vec::new();
        for (s, r) in self.shapes.iter().zip(rects) {
            // The patriarch and group shapes themselves are not drawn.
            let Some(rect) = r else { continue };
            if s.group_rect.is_some() {
                continue;
            }
            let kind = match (kind_of_spt(s.spt), &s.custom) {
                (ShapeKind::Other, Some(g)) => {
                    g.kind(if rect.h > 0.0 { rect.w / rect.h } else { 1.0 })
                }
                (k, _) => k,
            };
            let line = (kind == ShapeKind::Arrow).then(|| {
                let (x0, x1) = if s.flip_h {
                    (rect.x + rect.w, rect.x)
                } else {
                    (rect.x, rect.x + rect.w)
                };
                let (y0, y1) = if s.flip_v {
                    (rect.y + rect.h, rect.y)
                } else {
                    (rect.y, rect.y + rect.h)
                };
                (Point { x: x0, y: y0 }, Point { x: x1, y: y1 })
            });
            let c = rect.centre();
            let (row, col) = (
                rows.locate(f64::from(c.y)) as usize,
                cols.locate(f64::from(c.x)) as usize,
            );
            let anchor = if row < n_rows && col < n_cols {
                Anchor::Cell { block: 0, row, col }
            } else {
                Anchor::Free
            };
            out.push(Shape {
                kind,
                geometry: s.spt.to_string(),
                text: s.text.trim().to_string(),
                text_box: s.spt == 202,
                anchor,
                bbox: Some(rect),
                line,
                page: None,
                picture: None,
            });
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rec(ver_inst: u16, rt: u16, body: &[u8]) -> Vec<u8> {
        let mut v = ver_inst.to_le_bytes().to_vec();
        v.extend_from_slice(&rt.to_le_bytes());
        v.extend_from_slice(&(body.len() as u32).to_le_bytes());
        v.extend_from_slice(body);
        v
    }

    /// A client anchor: colL, dxL, rwT, dyT, colR, dxR, rwB, dyB.
    fn anchor(v: [u16; 8]) -> Vec<u8> {
        let mut b = 0u16.to_le_bytes().to_vec();
        for x in v {
            b.extend_from_slice(&x.to_le_bytes());
        }
        rec(0, 0xF010, &b)
    }

    fn fsp(spt: u16, flags: u32) -> Vec<u8> {
        let mut b = 1u32.to_le_bytes().to_vec();
        b.extend_from_slice(&flags.to_le_bytes());
        rec((spt << 4) | 2, 0xF00A, &b)
    }

    #[test]
    fn shape_types() {
        assert_eq!(kind_of_spt(116), ShapeKind::Terminator);
        assert_eq!(kind_of_spt(110), ShapeKind::Decision);
        assert_eq!(kind_of_spt(34), ShapeKind::Arrow);
        assert_eq!(kind_of_spt(75), ShapeKind::Other);
    }

    #[test]
    fn anchored_and_grouped_shapes_are_placed() {
        // Patriarch group, a decision anchored in C2 (half-way in), and a group in B4:C5
        // whose child terminator fills the group's right half.
        let patriarch = rec(
            0xF,
            0xF004,
            &[fsp(0, 0x5), rec(1, 0xF009, &[0; 16])].concat(),
        );
        let decision = rec(
            0xF,
            0xF004,
            &[fsp(110, 0xA00), anchor([2, 256, 1, 64, 2, 768, 1, 192])].concat(),
        );
        let gr: Vec<u8> = [0i32, 0, 100, 100]
            .iter()
            .flat_map(|v| v.to_le_bytes())
            .collect();
        let group_shape = rec(
            0xF,
            0xF004,
            &[
                fsp(0, 0x201),
                rec(1, 0xF009, &gr),
                anchor([1, 0, 3, 0, 3, 0, 5, 0]),
            ]
            .concat(),
        );
        let ch: Vec<u8> = [50i32, 0, 100, 100]
            .iter()
            .flat_map(|v| v.to_le_bytes())
            .collect();
        let child = rec(
            0xF,
            0xF004,
            &[fsp(116, 0x202), rec(0, 0xF00F, &ch)].concat(),
        );
        let group = rec(0xF, 0xF003, &[group_shape, child].concat());
        let top = rec(0xF, 0xF003, &[patriarch, decision, group].concat());
        let art = rec(0xF, 0xF002, &top);
        let walk = SheetWalk {
            art,
            def_row: Some(20.0),
            std_width: Some(9.140625),
            ..Default::default()
        };
        let sheet = finish_walk(walk);
        let shapes = sheet.shapes((10, 10));
        assert_eq!(shapes.len(), 2);
        assert_eq!(shapes[0].kind, ShapeKind::Decision);
        assert_eq!(
            shapes[0].anchor,
            Anchor::Cell {
                block: 0,
                row: 1,
                col: 2
            }
        );
        assert_eq!(
            shapes[0].bbox,
            Some(Rect {
                x: 108.0,
                y: 25.0,
                w: 24.0,
                h: 10.0
            })
        );
        // Group B4:C5 is x 48..144, y 60..100; the child is its right half: centre
        // x 120 (column C), y 80 (row 5, index 4).
        assert_eq!(shapes[1].kind, ShapeKind::Terminator);
        assert_eq!(
            shapes[1].anchor,
            Anchor::Cell {
                block: 0,
                row: 4,
                col: 2
            }
        );
    }

    #[test]
    fn truncated_art_is_ignored_not_a_panic() {
        let d = rec(
            0xF,
            0xF004,
            &[fsp(110, 0xA00), anchor([2, 256, 1, 64, 2, 768, 1, 192])].concat(),
        );
        let art = rec(0xF, 0xF002, &rec(0xF, 0xF003, &d));
        for cut in 0..art.len() {
            let walk = SheetWalk {
                art: art[..cut].to_vec(),
                ..Default::default()
            };
            let _ = finish_walk(walk).shapes((5, 5));
        }
    }
}
