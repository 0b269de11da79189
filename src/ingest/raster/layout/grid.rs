//! Table grids from strokes: a grid line meets perpendicular grid lines at both ends
//! (a connector line or a symbol's edge does not), the grid's rows and columns are where
//! its lines run, and a cell spans the grid positions no drawn line separates.

use super::rulings::{self, Faded};
use super::segments::Seg;
use crate::ingest::raster::{PxRect, RasterCell, RasterTable};

/// A group of strokes spanning at least this share of the picture's width can be a
/// table (a symbol with its connectors is narrower).
const MIN_TABLE_WIDTH: f32 = 0.2;

/// A stroke at least this share of its table's width (or height) is one of the
/// table's frame lines, the grid's seed.
const SEED_SHARE: f32 = 0.9;

/// A boundary between two grid positions is drawn when strokes cover this share of it.
const DRAWN_SHARE: f32 = 0.5;

/// A grid found in a picture, before its cells get text boxes.
#[derive(Clone, Debug)]
pub struct Grid {
    /// The table (cells without text boxes yet).
    pub table: RasterTable,
    /// Column boundaries (x, pixels), left to right.
    pub xs: Vec<f32>,
    /// The strokes that are its ruling lines.
    pub lines: Vec<Seg>,
}

/// At least this many strokes must run into one edge of the picture for the edge to
/// close a table the picture cuts (a table continued on the next picture or page).
const MIN_CUT_STROKES: usize = 3;

/// The tables among `segs` in the picture `faded` looks at, top to bottom; `tol` is how
/// far a stroke's end may stop short of (or overshoot) the line it meets, `th` the
/// height of the picture's letters. A table the picture's edge cuts (its column lines
/// run into the edge) is closed by that edge; a ruling faded in stretches is read whole
/// ([`rulings`]).
pub fn find(segs: &[Seg], faded: &Faded, tol: f32, th: f32) -> Vec<Grid> {
    let (w, h) = faded.gray.dimensions();
    let mut segs = segs.to_vec();
    segs.extend(cut_edges(&segs, w, h, tol));
    let segs = segs.as_slice();
    let mut grids: Vec<Grid> = Vec::new();
    let mut groups = touching_groups(segs, tol);
    groups.sort_by_key(|g| std::cmp::Reverse(extent(segs, g).map(|r| r.w * r.h).unwrap_or(0)));
    for group in groups {
        let Some(frame) = extent(segs, &group) else {
            continue;
        };
        if (frame.w as f32) < w as f32 * MIN_TABLE_WIDTH
            || grids.iter().any(|g| overlaps(g.table.bbox, frame))
        {
            continue;
        }
        let members: Vec<Seg> = group.iter().filter_map(|&i| segs.get(i).copied()).collect();
        let lines = grid_lines(&members, frame, faded, (tol, th));
        if let Some(grid) = build(lines, tol, th) {
            grids.push(grid);
        }
    }
    grids.sort_by_key(|g| g.table.bbox.y);
    grids
}

/// Ruling lines along the picture's edges where a table is cut: at least
/// `MIN_CUT_STROKES` perpendicular strokes end at the edge and no stroke runs along it.
fn cut_edges(segs: &[Seg], w: u32, h: u32, tol: f32) -> Vec<Seg> {
    let (wf, hf) = (w as f32, h as f32);
    // (edge runs horizontally, its position, the far end along the perpendicular axis)
    let edges = [
        (true, 0.0, hf),
        (true, hf - 1.0, hf),
        (false, 0.0, wf),
        (false, wf - 1.0, wf),
    ];
    let mut out = Vec::new();
    for (horiz, pos, _) in edges {
        let into: Vec<&Seg> = segs
            .iter()
            .filter(|s| s.horiz != horiz)
            .filter(|s| (s.lo as f32 - pos).abs() <= tol || (s.hi as f32 - pos).abs() <= tol)
            .collect();
        let along = segs
            .iter()
            .any(|s| s.horiz == horiz && (s.pos - pos).abs() <= tol + s.thick as f32);
        if into.len() < MIN_CUT_STROKES || along {
            continue;
        }
        let lo = into.iter().map(|s| s.pos).fold(f32::INFINITY, f32::min);
        let hi = into.iter().map(|s| s.pos).fold(f32::NEG_INFINITY, f32::max);
        if hi > lo {
            out.push(Seg {
                horiz,
                pos,
                lo: lo.max(0.0).round() as u32,
                hi: hi.round() as u32,
                thick: 1,
            });
        }
    }
    out
}

/// Indices of strokes grouped by touching or crossing each other.
fn touching_groups(segs: &[Seg], tol: f32) -> Vec<Vec<usize>> {
    let n = segs.len();
    let mut parent: Vec<usize> = (0..n).collect();
    fn root(parent: &mut [usize], mut i: usize) -> usize {
        while let Some(&p) = parent.get(i) {
            if p == i {
                break;
            }
            let gp = parent.get(p).copied().unwrap_or(p);
            if let Some(slot) = parent.get_mut(i) {
                *slot = gp;
            }
            i = p;
        }
        i
    }
    let (hs, vs): (Vec<usize>, Vec<usize>) =
        (0..n).partition(|&i| segs.get(i).is_some_and(|s| s.horiz));
    for &h in &hs {
        for &v in &vs {
            if let (Some(a), Some(b)) = (segs.get(h), segs.get(v))
                && touch(a, b, tol)
            {
                let (ra, rb) = (root(&mut parent, h), root(&mut parent, v));
                if let Some(slot) = parent.get_mut(ra) {
                    *slot = rb;
                }
            }
        }
    }
    let mut groups: std::collections::BTreeMap<usize, Vec<usize>> = Default::default();
    for i in 0..n {
        let r = root(&mut parent, i);
        groups.entry(r).or_default().push(i);
    }
    groups.into_values().collect()
}

/// Whether a horizontal and a vertical stroke touch or cross.
fn touch(h: &Seg, v: &Seg, tol: f32) -> bool {
    v.pos >= h.lo as f32 - tol
        && v.pos <= h.hi as f32 + tol
        && h.pos >= v.lo as f32 - tol
        && h.pos <= v.hi as f32 + tol
}

/// The box around the strokes `idx` of `segs`.
fn extent(segs: &[Seg], idx: &[usize]) -> Option<PxRect> {
    let rects: Vec<PxRect> = idx
        .iter()
        .filter_map(|&i| segs.get(i))
        .map(Seg::rect)
        .collect();
    let first = *rects.first()?;
    Some(rects.iter().fold(first, |a, &b| super::bitmap::union(a, b)))
}

fn overlaps(a: PxRect, b: PxRect) -> bool {
    a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h
}

/// Whether stroke `s`'s end at `along` meets the perpendicular stroke `p`.
fn end_meets(s: &Seg, along: f32, p: &Seg, tol: f32) -> bool {
    let reach = tol + p.thick as f32 / 2.0;
    (p.pos - along).abs() <= reach && s.pos >= p.lo as f32 - tol && s.pos <= p.hi as f32 + tol
}

/// A ruling line crossing a row (or column) runs from the line above it to the line
/// below it: a stroke joins the grid only when it covers at least this share of the
/// distance between the two lines its ends meet.
const MIN_SPAN_SHARE: f32 = 0.8;

/// Rows (and columns) at most this many letter heights across are short: a bold,
/// blurred letter's stroke there (the parentheses of the column numbers "(1) (2) …", a
/// digit of a one-line identity field) runs nearly from the line above to the line
/// below, as a ruling line does.
const SHORT_SPAN: f32 = 3.5;

/// Whether stroke `s` (its ink `ink` pixels long: a ruling drawn in pieces has gaps)
/// joins the grid: each of its ends meets a ruling line already found (`accepted`,
/// parallel to `members`), two different lines, and its ink covers at least
/// [`MIN_SPAN_SHARE`] of the way between them. Across a short row or column
/// ([`SHORT_SPAN`], `th` the letter height) it must also continue a ruling line
/// already found (a column line drawn row by row), for a letter's stroke stands alone.
fn joins(s: &Seg, ink: u32, members: &[Seg], accepted: &[bool], tol: f32, th: f32) -> bool {
    let found = || {
        members
            .iter()
            .zip(accepted)
            .filter(|(_, ok)| **ok)
            .map(|(p, _)| p)
    };
    let met = |along: f32| {
        found()
            .filter(|p| p.horiz != s.horiz && end_meets(s, along, p, tol))
            .map(|p| p.pos)
            .min_by(|a, b| (a - along).abs().total_cmp(&(b - along).abs()))
    };
    let (Some(a), Some(b)) = (met(s.lo as f32), met(s.hi as f32)) else {
        return false;
    };
    let span = (b - a).abs();
    if span <= tol || (ink as f32) < MIN_SPAN_SHARE * span {
        return false;
    }
    span > SHORT_SPAN * th
        || found().any(|p| p.horiz == s.horiz && p != s && (p.pos - s.pos).abs() <= tol)
}

/// The strokes of one group that are ruling lines: starting from the frame (strokes
/// nearly as long as the group's box), a stroke joins when both its ends meet ruling
/// lines already found and it runs most of the way between them ([`joins`]), and so do
/// the pieces of a ruling faded in stretches ([`rulings::chains`]) when the chain does;
/// repeated until nothing joins. `(tol, th)`: see [`find`].
fn grid_lines(members: &[Seg], frame: PxRect, faded: &Faded, (tol, th): (f32, f32)) -> Vec<Seg> {
    let mut accepted: Vec<bool> = members.iter().map(|s| seed(s, frame, tol)).collect();
    let chains: Vec<(Vec<usize>, Seg, u32)> =
        rulings::chains(members, tol, th, |p, q| faded.bridges(p, q))
            .into_iter()
            .filter(|c| c.len() > 1)
            .filter_map(|c| rulings::spanned(members, &c).map(|(line, ink)| (c, line, ink)))
            .collect();
    loop {
        let mut grown = false;
        for (i, s) in members.iter().enumerate() {
            if accepted.get(i).copied().unwrap_or(true) {
                continue;
            }
            if joins(s, s.len(), members, &accepted, tol, th) {
                if let Some(a) = accepted.get_mut(i) {
                    *a = true;
                }
                grown = true;
            }
        }
        for (chain, line, ink) in &chains {
            let open = chain
                .iter()
                .any(|&i| !accepted.get(i).copied().unwrap_or(true));
            if open && joins(line, *ink, members, &accepted, tol, th) {
                for &i in chain {
                    if let Some(a) = accepted.get_mut(i) {
                        *a = true;
                    }
                }
                grown = true;
            }
        }
        if !grown {
            break;
        }
    }
    members
        .iter()
        .zip(&accepted)
        .filter(|(_, ok)| **ok)
        .map(|(s, _)| *s)
        .collect()
}

/// Whether `s` is one of the frame lines of the group whose box is `frame`: nearly as
/// long as the box ([`SEED_SHARE`]), or on its edge (a scanned border can be broken
/// anywhere along it).
fn seed(s: &Seg, frame: PxRect, tol: f32) -> bool {
    let (full, lo, hi) = if s.horiz {
        (frame.w, frame.y, frame.y + frame.h)
    } else {
        (frame.h, frame.x, frame.x + frame.w)
    };
    let reach = tol + s.thick as f32;
    s.len() as f32 >= full as f32 * SEED_SHARE
        || (s.pos - lo as f32).abs() <= reach
        || (s.pos - hi as f32).abs() <= reach
}

/// Positions of strokes, close ones (within `tol`) merged, sorted.
fn positions(lines: &[Seg], horiz: bool, tol: f32) -> Vec<f32> {
    let mut ps: Vec<f32> = lines
        .iter()
        .filter(|s| s.horiz == horiz)
        .map(|s| s.pos)
        .collect();
    ps.sort_by(f32::total_cmp);
    let mut out: Vec<(f32, u32)> = Vec::new();
    for p in ps {
        match out.last_mut() {
            Some((q, n)) if p - *q / *n as f32 <= tol => {
                *q += p;
                *n += 1;
            }
            _ => out.push((p, 1)),
        }
    }
    out.into_iter().map(|(q, n)| q / n as f32).collect()
}

/// Share of the span `lo..hi` at position `at` covered by ruling lines.
fn covered(lines: &[Seg], horiz: bool, at: f32, lo: f32, hi: f32, tol: f32) -> f32 {
    let mut spans: Vec<(f32, f32)> = lines
        .iter()
        .filter(|s| s.horiz == horiz && (s.pos - at).abs() <= tol)
        .map(|s| ((s.lo as f32).max(lo), (s.hi as f32 + 1.0).min(hi)))
        .filter(|(a, b)| b > a)
        .collect();
    spans.sort_by(|a, b| a.0.total_cmp(&b.0));
    let mut total = 0.0;
    let mut end = lo;
    for (a, b) in spans {
        let a = a.max(end);
        if b > a {
            total += b - a;
            end = b;
        }
    }
    if hi > lo { total / (hi - lo) } else { 0.0 }
}

/// The grid of a set of ruling lines: rows, columns and the cells they draw. The
/// pieces of a ruling drawn in pieces stand at their chain's position
/// ([`rulings::straightened`]: `th` is the letter height) for the rows and columns.
fn build(lines: Vec<Seg>, tol: f32, th: f32) -> Option<Grid> {
    let pieces = lines;
    let lines = rulings::straightened(&pieces, tol, th);
    let xs = positions(&lines, false, tol);
    let ys = positions(&lines, true, tol);
    if xs.len() < 2 || ys.len() < 2 {
        return None;
    }
    let (rows, cols) = (ys.len() - 1, xs.len() - 1);
    let at = |v: &[f32], i: usize| v.get(i).copied().unwrap_or(0.0);
    // Which boundaries are drawn: right of slot (r, c) and below it.
    let right = |r: usize, c: usize| {
        covered(
            &lines,
            false,
            at(&xs, c + 1),
            at(&ys, r),
            at(&ys, r + 1),
            tol,
        ) >= DRAWN_SHARE
    };
    let below = |r: usize, c: usize| {
        covered(
            &lines,
            true,
            at(&ys, r + 1),
            at(&xs, c),
            at(&xs, c + 1),
            tol,
        ) >= DRAWN_SHARE
    };
    let mut owner: Vec<Option<usize>> = vec![None; rows * cols];
    let thick = lines.iter().map(|s| s.thick).max().unwrap_or(1);
    let mut cells: Vec<RasterCell> = Vec::new();
    for r in 0..rows {
        for c in 0..cols {
            if owner.get(r * cols + c).copied().flatten().is_some() {
                continue;
            }
            let mut cs = 1;
            while c + cs < cols
                && !right(r, c + cs - 1)
                && owner.get(r * cols + c + cs).copied().flatten().is_none()
            {
                cs += 1;
            }
            let mut rs = 1;
            while r + rs < rows && (c..c + cs).all(|k| !below(r + rs - 1, k)) {
                rs += 1;
            }
            for rr in r..r + rs {
                for cc in c..c + cs {
                    if let Some(o) = owner.get_mut(rr * cols + cc) {
                        *o = Some(cells.len());
                    }
                }
            }
            cells.push(cell(r, c, rs, cs, &xs, &ys, thick));
        }
    }
    let bbox = outline(&xs, &ys);
    cells.sort_by_key(|c| (c.row, c.col));
    Some(Grid {
        table: RasterTable {
            rows,
            cols,
            cells,
            bbox,
            xs: xs.clone(),
            ys: ys.clone(),
        },
        xs,
        lines: pieces,
    })
}

/// The box of a grid whose column and row boundaries are `xs` and `ys`.
fn outline(xs: &[f32], ys: &[f32]) -> PxRect {
    let first = |v: &[f32]| v.first().copied().unwrap_or(0.0);
    let last = |v: &[f32]| v.last().copied().unwrap_or(0.0);
    let (x0, y0) = (first(xs), first(ys));
    PxRect {
        x: x0.max(0.0) as u32,
        y: y0.max(0.0) as u32,
        w: (last(xs) - x0).max(1.0) as u32,
        h: (last(ys) - y0).max(1.0) as u32,
    }
}

/// A cell's inside: its grid box less the ruling lines' half thickness and a pixel.
fn cell(
    r: usize,
    c: usize,
    rs: usize,
    cs: usize,
    xs: &[f32],
    ys: &[f32],
    thick: u32,
) -> RasterCell {
    let inset = thick as f32 / 2.0 + 1.0;
    let at = |v: &[f32], i: usize| v.get(i).copied().unwrap_or(0.0);
    let (x0, x1) = (at(xs, c) + inset, at(xs, c + cs) - inset);
    let (y0, y1) = (at(ys, r) + inset, at(ys, r + rs) - inset);
    RasterCell {
        row: r,
        col: c,
        row_span: rs,
        col_span: cs,
        bbox: PxRect {
            x: x0.max(0.0).round() as u32,
            y: y0.max(0.0).round() as u32,
            w: (x1 - x0).max(1.0).round() as u32,
            h: (y1 - y0).max(1.0).round() as u32,
        },
        text_box: None,
    }
}
