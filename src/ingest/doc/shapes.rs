//! Flowchart shapes of a .doc: OfficeArt drawing records (`fcDggInfo`, [MS-ODRAW]) and
//! their anchors in the main text (PlcSpaMom, [MS-DOC] 2.8.30 / 2.9.253 SPA).
//!
//! Each SPA gives the CP of the anchor character and the shape's rectangle in twips
//! relative to the origin its `bx`/`by` name (column/paragraph for shapes in table
//! cells). The CP tells the table cell (so the row); the rectangle's centre, measured
//! from the cell's text start, tells the grid column through the row's cell boundaries.

use std::collections::HashMap;

use super::bytes::{i32_at, slice, u8_at, u16_at, u32_at};
use super::structure::{Built, DEFAULT_GAP_HALF};
use crate::ingest::limits::Budget;
use crate::model::{Anchor, Point, Rect, Shape, ShapeKind};

/// Deepest container nesting walked.
const MAX_DEPTH: usize = 32;
/// Most shapes read from one drawing.
const MAX_SHAPES: usize = 100_000;
/// Size of one SPA.
const SPA_SIZE: usize = 26;

const RT_SPGR_CONTAINER: u16 = 0xF003;
const RT_SP_CONTAINER: u16 = 0xF004;
const RT_DG_CONTAINER: u16 = 0xF002;
const RT_FSPGR: u16 = 0xF009;
const RT_FSP: u16 = 0xF00A;
const RT_FOPT: u16 = 0xF00B;
const RT_CHILD_ANCHOR: u16 = 0xF00F;

const FSP_GROUP: u32 = 0x0001;
const FSP_PATRIARCH: u32 = 0x0004;
const FSP_DELETED: u32 = 0x0008;
const FSP_FLIP_H: u32 = 0x0040;
const FSP_FLIP_V: u32 = 0x0080;

/// FOPT property id of `lTxid` (the shape has a text box).
const PROP_LTXID: u16 = 0x0080;

/// One OfficeArt shape as read from the drawing.
#[derive(Debug, Clone, Default)]
struct ArtShape {
    spid: u32,
    spt: u16,
    flags: u32,
    /// Rectangle in the parent group's coordinates (children only).
    child_anchor: Option<[i32; 4]>,
    /// The coordinate system of a group's children (groups only).
    group_rect: Option<[i32; 4]>,
    /// Index of the parent group shape.
    parent: Option<usize>,
    has_text: bool,
}

/// A record header.
#[derive(Debug, Clone, Copy)]
struct Rh {
    ver: u16,
    inst: u16,
    typ: u16,
    len: usize,
}

fn header(b: &[u8], off: usize) -> Option<Rh> {
    let vi = u16_at(b, off)?;
    Some(Rh {
        ver: vi & 0x000F,
        inst: vi >> 4,
        typ: u16_at(b, off + 2)?,
        len: u32_at(b, off + 4)? as usize,
    })
}

/// The body of the record at `off` (clipped to the data) and the offset after it.
fn body(b: &[u8], off: usize, rh: Rh) -> (&[u8], usize) {
    let start = off.saturating_add(8).min(b.len());
    let end = start.saturating_add(rh.len).min(b.len());
    (
        b.get(start..end).unwrap_or(&[]),
        start.saturating_add(rh.len),
    )
}

fn rect_at(b: &[u8], off: usize) -> Option<[i32; 4]> {
    Some([
        i32_at(b, off)?,
        i32_at(b, off + 4)?,
        i32_at(b, off + 8)?,
        i32_at(b, off + 12)?,
    ])
}

struct Walker<'b> {
    shapes: Vec<ArtShape>,
    budget: &'b Budget,
}

impl Walker<'_> {
    /// Walks a group container: its first shape is the group, the rest its children.
    fn group(&mut self, b: &[u8], parent: Option<usize>, depth: usize) {
        if depth > MAX_DEPTH || self.budget.check_time("Word drawing").is_err() {
            return;
        }
        let mut off = 0usize;
        let mut group: Option<usize> = None;
        while let Some(rh) = header(b, off) {
            let (inner, next) = body(b, off, rh);
            match rh.typ {
                RT_SP_CONTAINER => {
                    let p = if group.is_none() { parent } else { group };
                    let idx = self.shape(inner, p);
                    if group.is_none() {
                        group = idx;
                    }
                }
                RT_SPGR_CONTAINER => {
                    let p = group.or(parent);
                    self.group(inner, p, depth + 1);
                }
                _ => {}
            }
            if next <= off || self.shapes.len() >= MAX_SHAPES {
                break;
            }
            off = next;
        }
    }

    fn shape(&mut self, b: &[u8], parent: Option<usize>) -> Option<usize> {
        let mut s = ArtShape {
            parent,
            ..Default::default()
        };
        let mut seen_fsp = false;
        let mut off = 0usize;
        while let Some(rh) = header(b, off) {
            let (inner, next) = body(b, off, rh);
            match rh.typ {
                RT_FSP => {
                    s.spt = rh.inst;
                    s.spid = u32_at(inner, 0).unwrap_or(0);
                    s.flags = u32_at(inner, 4).unwrap_or(0);
                    seen_fsp = true;
                }
                RT_FSPGR => s.group_rect = rect_at(inner, 0),
                RT_CHILD_ANCHOR => s.child_anchor = rect_at(inner, 0),
                RT_FOPT => s.has_text = fopt_has(inner, rh.inst, PROP_LTXID),
                _ => {}
            }
            if next <= off {
                break;
            }
            off = next;
        }
        if !seen_fsp || self.shapes.len() >= MAX_SHAPES {
            return None;
        }
        self.shapes.push(s);
        Some(self.shapes.len() - 1)
    }
}

/// True when the FOPT's `count` property entries include property id `pid`.
fn fopt_has(b: &[u8], count: u16, pid: u16) -> bool {
    (0..count as usize).any(|i| u16_at(b, i * 6).is_some_and(|op| op & 0x3FFF == pid))
}

/// Reads every shape of the main document's drawing in `dgg` (the bytes at fcDggInfo).
fn read_drawing(dgg: &[u8], budget: &Budget) -> Vec<ArtShape> {
    let mut w = Walker {
        shapes: Vec::new(),
        budget,
    };
    // OfficeArtDggContainer, then (dgglbl byte, OfficeArtDgContainer) pairs.
    let Some(first) = header(dgg, 0) else {
        return w.shapes;
    };
    let (_, mut off) = body(dgg, 0, first);
    while let Some(lbl) = u8_at(dgg, off) {
        let Some(rh) = header(dgg, off + 1) else {
            break;
        };
        let (inner, next) = body(dgg, off + 1, rh);
        if rh.typ == RT_DG_CONTAINER && rh.ver == 0xF && lbl == 0 {
            let mut o = 0usize;
            while let Some(h) = header(inner, o) {
                let (g, n) = body(inner, o, h);
                if h.typ == RT_SPGR_CONTAINER {
                    w.group(g, None, 0);
                }
                if n <= o {
                    break;
                }
                o = n;
            }
        }
        if next <= off || budget.check_time("Word drawing").is_err() {
            break;
        }
        off = next;
    }
    w.shapes
}

/// One SPA: anchor CP, shape id, rectangle (twips) and its origins.
#[derive(Debug, Clone, Copy)]
struct Spa {
    cp: u32,
    spid: u32,
    rect: [i32; 4],
    bx: u16,
    by: u16,
}

fn read_spas(plc: &[u8]) -> Vec<Spa> {
    // (n + 1) CPs of 4 bytes, then n SPAs of 26 bytes.
    let n = plc.len().saturating_sub(4) / (4 + SPA_SIZE);
    let base = (n + 1) * 4;
    (0..n)
        .filter_map(|i| {
            let at = base + i * SPA_SIZE;
            let flags = u16_at(plc, at + 20)?;
            Some(Spa {
                cp: u32_at(plc, i * 4)?,
                spid: u32_at(plc, at)?,
                rect: rect_at(plc, at + 4)?,
                bx: (flags >> 1) & 3,
                by: (flags >> 3) & 3,
            })
        })
        .collect()
}

fn kind_of(spt: u16) -> ShapeKind {
    ShapeKind::from_office_type(u32::from(spt))
}

/// The leaf shapes under shape `i` with their rectangles in SPA space (twips);
/// `children[i]` lists the child shapes of group `i`. At most `MAX_SHAPES` in `out`.
fn leaves(
    shapes: &[ArtShape],
    children: &[Vec<usize>],
    i: usize,
    rect: [i32; 4],
    out: &mut Vec<(usize, [i32; 4])>,
) {
    if out.len() >= MAX_SHAPES {
        return;
    }
    let Some(s) = shapes.get(i) else { return };
    if s.flags & FSP_GROUP == 0 {
        out.push((i, rect));
        return;
    }
    let Some(g) = s.group_rect else { return };
    // Maps a child coordinate from the group's space into the anchor rectangle.
    let map = |v: i32, g0: i32, g1: i32, r0: i32, r1: i32| -> i32 {
        let gl = i128::from(g1) - i128::from(g0);
        if gl == 0 {
            return r0;
        }
        let rl = i128::from(r1) - i128::from(r0);
        let v = i128::from(r0) + (i128::from(v) - i128::from(g0)) * rl / gl;
        v.clamp(i128::from(i32::MIN), i128::from(i32::MAX)) as i32
    };
    for &j in children.get(i).map(Vec::as_slice).unwrap_or(&[]) {
        let Some(c) = shapes.get(j) else { continue };
        if c.flags & FSP_DELETED != 0 {
            continue;
        }
        let Some(a) = c.child_anchor else { continue };
        let r = [
            map(a[0], g[0], g[2], rect[0], rect[2]),
            map(a[1], g[1], g[3], rect[1], rect[3]),
            map(a[2], g[0], g[2], rect[0], rect[2]),
            map(a[3], g[1], g[3], rect[1], rect[3]),
        ];
        // Children always come after their group, so this recursion ends.
        if j > i {
            leaves(shapes, children, j, r, out);
        }
    }
}

/// The child lists of every shape.
fn children_of(shapes: &[ArtShape]) -> Vec<Vec<usize>> {
    let mut ch = vec![Vec::new(); shapes.len()];
    for (j, s) in shapes.iter().enumerate() {
        if let Some(list) = s.parent.and_then(|p| ch.get_mut(p)) {
            list.push(j);
        }
    }
    ch
}

/// Size of one FTXBXS (text box descriptor).
const FTXBXS_SIZE: usize = 22;
/// Most characters kept from one text box (labels are a few words).
const MAX_TEXT_BOX: usize = 4096;

/// The text of each text box of the main document by shape id, from PlcftxbxTxt:
/// (n + 1) CPs relative to the text-box story at `story_start`, then n FTXBXS whose
/// `lid` names the shape (the last entry is a sentinel).
pub(crate) fn text_box_texts(
    plc: Option<&[u8]>,
    units: &[u16],
    story_start: u64,
) -> HashMap<u32, String> {
    let mut out = HashMap::new();
    let Some(plc) = plc else { return out };
    let n = plc.len().saturating_sub(4) / (4 + FTXBXS_SIZE);
    let base = (n + 1) * 4;
    // Text boxes never hold more text than the document: stop past that.
    let mut total = 0usize;
    for i in 0..n {
        if total > units.len() {
            break;
        }
        let (Some(a), Some(b), Some(lid)) = (
            u32_at(plc, i * 4),
            u32_at(plc, i * 4 + 4),
            u32_at(plc, base + i * FTXBXS_SIZE + 14),
        ) else {
            break;
        };
        let start = usize::try_from(story_start + u64::from(a)).unwrap_or(usize::MAX);
        let end = usize::try_from(story_start + u64::from(b)).unwrap_or(usize::MAX);
        if out.contains_key(&lid) {
            continue;
        }
        let end = end.max(start).min(start.saturating_add(MAX_TEXT_BOX));
        let Some(cps) = units.get(start..end) else {
            continue;
        };
        total += cps.len();
        let mapped: Vec<u16> = cps
            .iter()
            .filter_map(|&u| match u {
                0x0D | 0x0B | 0x07 => Some(u16::from(b'\n')),
                0x00..=0x1F => None,
                _ => Some(u),
            })
            .collect();
        let text = String::from_utf16_lossy(&mapped).trim().to_string();
        out.insert(lid, text);
    }
    out
}

/// Reads the shapes of the main document and places them in the built tables;
/// `texts` holds the text of the shapes that have a text box, by shape id.
pub(crate) fn read_shapes(
    dgg: Option<&[u8]>,
    spa_plc: Option<&[u8]>,
    built: &Built,
    texts: &HashMap<u32, String>,
    budget: &Budget,
) -> Vec<Shape> {
    let (Some(dgg), Some(plc)) = (dgg, spa_plc) else {
        return Vec::new();
    };
    let shapes = read_drawing(dgg, budget);
    let mut by_spid: HashMap<u32, usize> = HashMap::new();
    for (i, s) in shapes.iter().enumerate() {
        if s.flags & FSP_PATRIARCH == 0 {
            by_spid.entry(s.spid).or_insert(i);
        }
    }
    let children = children_of(&shapes);
    let mut out = Vec::new();
    for spa in read_spas(plc) {
        if budget.check_time("Word shape anchors").is_err() || out.len() >= MAX_SHAPES {
            break;
        }
        let Some(&i) = by_spid.get(&spa.spid) else {
            continue;
        };
        let mut ls = Vec::new();
        leaves(&shapes, &children, i, spa.rect, &mut ls);
        for (j, r) in ls {
            let Some(s) = shapes.get(j) else { continue };
            if s.flags & FSP_DELETED != 0 {
                continue;
            }
            let mut shape = place(s, r, &spa, built);
            if let Some(t) = texts.get(&s.spid) {
                shape.text.clone_from(t);
            }
            out.push(shape);
        }
    }
    out
}

/// Builds the model shape and finds its table cell.
fn place(s: &ArtShape, r: [i32; 4], spa: &Spa, built: &Built) -> Shape {
    let kind = kind_of(s.spt);
    let mut anchor = Anchor::Free;
    // Horizontal origin (twips, in the table's boundary space) and the table's left edge.
    let mut origin_x = 0i32;
    let mut table_left = 0i32;
    let mut top_y = 0i32;
    if let Some(cell) = built.cell_of(spa.cp)
        && let Some(geom) = built.tables.get(&cell.block)
    {
        let rg = geom.rows.get(cell.row);
        table_left = geom.grid.first().copied().unwrap_or(0);
        let cell_left = rg.and_then(|g| g.centers.get(cell.itc)).copied();
        let gap = rg.map(|g| g.gap_half).unwrap_or(DEFAULT_GAP_HALF);
        let centre_x = i64::from(r[0]) + (i64::from(r[2]) - i64::from(r[0])) / 2;
        let centre_y = i64::from(r[1]) + (i64::from(r[3]) - i64::from(r[1])) / 2;
        let col = match (spa.bx, cell_left) {
            // Relative to the column: the cell's text start.
            (2, Some(left)) => {
                origin_x = left.saturating_add(gap);
                i32::try_from(i64::from(origin_x) + centre_x)
                    .ok()
                    .and_then(|x| geom.col_at(x))
            }
            (2, None) => Some(cell.col),
            // Relative to the margin: the boundaries are measured from it too.
            (0, _) => i32::try_from(centre_x).ok().and_then(|x| geom.col_at(x)),
            _ => None,
        };
        // Rows: from the anchor paragraph's row, walk down through exact row heights.
        let mut row = cell.row;
        if spa.by == 2 {
            let mut y = centre_y;
            while let Some(Some((h, true))) = geom.rows.get(row).map(|g| g.height) {
                if y <= i64::from(h) || row + 1 >= geom.rows.len() {
                    break;
                }
                y -= i64::from(h);
                top_y = top_y.saturating_add(h);
                row += 1;
            }
        }
        if let Some(col) = col {
            anchor = Anchor::Cell {
                block: cell.block,
                row,
                col,
            };
        }
    }
    let x0 = (origin_x.saturating_sub(table_left) as f32 + r[0] as f32) / 20.0;
    let y0 = r[1] as f32 / 20.0 - top_y as f32 / 20.0;
    let w = (r[2] as f32 - r[0] as f32) / 20.0;
    let h = (r[3] as f32 - r[1] as f32) / 20.0;
    let bbox = Rect { x: x0, y: y0, w, h };
    let line = (kind == ShapeKind::Arrow).then(|| {
        let (mut sx, mut ex) = (x0, x0 + w);
        let (mut sy, mut ey) = (y0, y0 + h);
        if s.flags & FSP_FLIP_H != 0 {
            std::mem::swap(&mut sx, &mut ex);
        }
        if s.flags & FSP_FLIP_V != 0 {
            std::mem::swap(&mut sy, &mut ey);
        }
        (Point { x: sx, y: sy }, Point { x: ex, y: ey })
    });
    Shape {
        kind,
        geometry: s.spt.to_string(),
        text: String::new(),
        text_box: s.has_text && matches!(s.spt, 1 | 202),

        anchor,
        bbox: Some(bbox),
        line,
        page: None,
        picture: None,
    }
}

/// Slices `(off, len)` out of the table stream, or None when out of range.
pub(crate) fn part(table: &[u8], pair: Option<(usize, usize)>) -> Option<&[u8]> {
    let (off, len) = pair?;
    slice(table, off, len)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shape_types_map_to_symbols() {
        assert_eq!(kind_of(2), ShapeKind::Terminator);
        assert_eq!(kind_of(1), ShapeKind::Process);
        assert_eq!(kind_of(4), ShapeKind::Decision);
        assert_eq!(kind_of(20), ShapeKind::Arrow);
        assert_eq!(kind_of(116), ShapeKind::Terminator);
        assert_eq!(kind_of(75), ShapeKind::Other);
    }

    #[test]
    fn text_box_text_is_found_by_shape_id() {
        // Story starts at CP 4: "Ya\r" for shape 1030, then the sentinel.
        let units: Vec<u16> = "main\u{0}Ya\r\r".encode_utf16().collect();
        let mut plc = Vec::new();
        for cp in [1u32, 4, 5] {
            plc.extend_from_slice(&cp.to_le_bytes());
        }
        for lid in [1030u32, 0] {
            let mut f = [0u8; FTXBXS_SIZE];
            f[14..18].copy_from_slice(&lid.to_le_bytes());
            plc.extend_from_slice(&f);
        }
        let t = text_box_texts(Some(&plc), &units, 4);
        assert_eq!(t.get(&1030).map(String::as_str), Some("Ya"));
    }

    #[test]
    fn group_children_scale_into_the_anchor() {
        let shapes = vec![
            ArtShape {
                spid: 1,
                flags: FSP_GROUP,
                group_rect: Some([0, 0, 100, 100]),
                ..Default::default()
            },
            ArtShape {
                spid: 2,
                spt: 1,
                child_anchor: Some([50, 0, 100, 50]),
                parent: Some(0),
                ..Default::default()
            },
        ];
        let mut out = Vec::new();
        leaves(
            &shapes,
            &children_of(&shapes),
            0,
            [1000, 0, 3000, 2000],
            &mut out,
        );
        assert_eq!(out, vec![(1, [2000, 0, 3000, 1000])]);
    }
}
