//! Ruling lines → table grids with merged cells.
//!
//! Candidates come from stroked segments, thin filled rectangles and rectangle edges.
//! Connectors are removed before (the caller knows them by their arrowheads); of the
//! rest, a candidate counts as a ruling when it joins the grid: an end meets a
//! perpendicular candidate from another source, or it crosses two of them (so
//! underlines and lone boxes drop out). Collinear rulings are merged across cell borders, connected
//! rulings form one table, and a cell spans grid lines that no ruling separates.

use crate::model::Rect;

/// Distance within which two lines are taken to meet.
const TOL: f32 = 2.5;
/// Distance within which a segment's end is taken to meet a perpendicular line.
const END_TOL: f32 = 4.0;
/// Coordinates closer than this are one grid line.
const SNAP: f32 = 2.0;

/// An axis-aligned segment candidate.
#[derive(Clone, Copy, Debug)]
pub struct Seg {
    /// True for a horizontal segment (constant y).
    pub horizontal: bool,
    /// The constant coordinate (y for horizontal, x for vertical).
    pub at: f32,
    /// Start along the segment (smaller).
    pub a: f32,
    /// End along the segment (larger).
    pub b: f32,
    /// Where it came from (one id per subpath), to stop a box validating itself.
    pub source: usize,
}

/// One cell of a grid.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct GridCell {
    /// Grid row of the top-left corner.
    pub row: usize,
    /// Grid column of the top-left corner.
    pub col: usize,
    /// Rows covered.
    pub row_span: usize,
    /// Columns covered.
    pub col_span: usize,
}

/// A table grid on one page.
#[derive(Clone, Debug)]
pub struct Grid {
    /// Column boundaries, left to right (`n_cols + 1`).
    pub xs: Vec<f32>,
    /// Row boundaries, top to bottom (`n_rows + 1`).
    pub ys: Vec<f32>,
    /// The cells, row-major by their top-left corner.
    pub cells: Vec<GridCell>,
    /// For each grid position (row-major), the index of the covering cell.
    owner: Vec<usize>,
}

impl Grid {
    /// Number of grid rows.
    pub fn n_rows(&self) -> usize {
        self.ys.len().saturating_sub(1)
    }

    /// Number of grid columns.
    pub fn n_cols(&self) -> usize {
        self.xs.len().saturating_sub(1)
    }

    /// The table's outer box.
    pub fn rect(&self) -> Rect {
        let x = self.xs.first().copied().unwrap_or(0.0);
        let y = self.ys.first().copied().unwrap_or(0.0);
        Rect {
            x,
            y,
            w: self.xs.last().copied().unwrap_or(x) - x,
            h: self.ys.last().copied().unwrap_or(y) - y,
        }
    }

    /// The index of the cell covering point (x, y), if the point is in the table.
    pub fn cell_index_at(&self, x: f32, y: f32) -> Option<usize> {
        let col = interval(&self.xs, x)?;
        let row = interval(&self.ys, y)?;
        self.owner.get(row * self.n_cols() + col).copied()
    }

    /// The rectangle of cell `i`.
    pub fn cell_rect(&self, i: usize) -> Option<Rect> {
        let c = self.cells.get(i)?;
        let x0 = *self.xs.get(c.col)?;
        let x1 = *self.xs.get(c.col + c.col_span)?;
        let y0 = *self.ys.get(c.row)?;
        let y1 = *self.ys.get(c.row + c.row_span)?;
        Some(Rect {
            x: x0,
            y: y0,
            w: x1 - x0,
            h: y1 - y0,
        })
    }
}

impl Grid {
    /// Splits grid column `col` at `x` (a column boundary drawn without a ruling): cells
    /// one column wide there become two, wider cells cover one more column.
    pub fn split_column(&mut self, col: usize, x: f32) {
        let (Some(&l), Some(&r)) = (self.xs.get(col), self.xs.get(col + 1)) else {
            return;
        };
        if x <= l || x >= r {
            return;
        }
        self.xs.insert(col + 1, x);
        let mut cells = Vec::with_capacity(self.cells.len() + self.n_rows());
        for c in &self.cells {
            let covers = c.col <= col && col < c.col + c.col_span;
            if c.col > col {
                cells.push(GridCell {
                    col: c.col + 1,
                    ..*c
                });
            } else if covers && c.col_span == 1 {
                cells.push(*c);
                cells.push(GridCell { col: col + 1, ..*c });
            } else if covers {
                cells.push(GridCell {
                    col_span: c.col_span + 1,
                    ..*c
                });
            } else {
                cells.push(*c);
            }
        }
        cells.sort_by_key(|c| (c.row, c.col));
        let (nr, nc) = (self.n_rows(), self.n_cols());
        let mut owner = vec![usize::MAX; nr * nc];
        for (idx, c) in cells.iter().enumerate() {
            for rr in c.row..c.row + c.row_span {
                for cc in c.col..c.col + c.col_span {
                    if let Some(slot) = owner.get_mut(rr * nc + cc) {
                        *slot = idx;
                    }
                }
            }
        }
        self.cells = cells;
        self.owner = owner;
    }
}

/// The interval index `i` with `bounds[i] <= v < bounds[i+1]`.
fn interval(bounds: &[f32], v: f32) -> Option<usize> {
    let first = *bounds.first()?;
    let last = *bounds.last()?;
    if v < first || v > last {
        return None;
    }
    let i = bounds.partition_point(|b| *b <= v);
    Some(i.saturating_sub(1).min(bounds.len().saturating_sub(2)))
}

/// Keeps the candidates that join the rest of a ruled grid: one end meets a
/// perpendicular candidate of another source, or the segment crosses two of them.
/// Returns (rulings, rejected).
pub fn validate(segs: Vec<Seg>) -> (Vec<Seg>, Vec<Seg>) {
    let mut cur = segs;
    let mut rejected = Vec::new();
    for _ in 0..3 {
        let (hs, vs): (Vec<Seg>, Vec<Seg>) = cur.iter().partition(|s| s.horizontal);
        let hs = sorted(hs);
        let vs = sorted(vs);
        let mut keep = Vec::with_capacity(cur.len());
        let mut dropped = false;
        for s in cur {
            let others = if s.horizontal { &vs } else { &hs };
            let ok = meets(others, &s, s.a) || meets(others, &s, s.b) || crossings(others, &s) >= 2;
            if ok {
                keep.push(s);
            } else {
                rejected.push(s);
                dropped = true;
            }
        }
        cur = keep;
        if !dropped {
            break;
        }
    }
    (cur, rejected)
}

/// Keeps the edges of boxes (closed rectangles) that are table cells: a box counts
/// when two of its edges lie on lines of other sources (a neighbouring cell's edge or
/// a ruling), or one does and another ends exactly on perpendicular lines. A
/// flowchart box standing in a cell, even one touching the row borders, drops out.
pub fn validate_boxes(edges: Vec<Seg>, rulings: &[Seg]) -> Vec<Seg> {
    const EXACT: f32 = 1.0;
    let mut pool: Vec<Seg> = rulings.iter().chain(edges.iter()).copied().collect();
    pool.sort_by(|a, b| a.at.total_cmp(&b.at));
    let (hs, vs): (Vec<Seg>, Vec<Seg>) = pool.iter().partition(|s| s.horizontal);
    // (shares a line with another source, ends on perpendicular lines)
    let fits = |e: &Seg| -> (bool, bool) {
        let (same, perp) = if e.horizontal { (&hs, &vs) } else { (&vs, &hs) };
        let start = same.partition_point(|o| o.at < e.at - EXACT);
        let shared = same
            .get(start..)
            .unwrap_or_default()
            .iter()
            .take_while(|o| o.at <= e.at + EXACT)
            .any(|o| {
                let overlap = o.b.min(e.b) - o.a.max(e.a);
                o.source != e.source && overlap >= 0.5 * (e.b - e.a).min(o.b - o.a)
            });
        let end_meets = |t: f32| {
            let st = perp.partition_point(|o| o.at < t - EXACT);
            perp.get(st..)
                .unwrap_or_default()
                .iter()
                .take_while(|o| o.at <= t + EXACT)
                .any(|o| o.source != e.source && e.at >= o.a - EXACT && e.at <= o.b + EXACT)
        };
        (shared, end_meets(e.a) && end_meets(e.b))
    };
    let mut count: std::collections::HashMap<usize, (usize, usize)> = Default::default();
    for e in &edges {
        let (shared, meets) = fits(e);
        let c = count.entry(e.source).or_default();
        if shared {
            c.0 += 1;
        } else if meets {
            c.1 += 1;
        }
    }
    // A cell shares two edges with its neighbours (or one, and ends on the grid).
    let is_cell = |src: usize| {
        let (shared, meets) = count.get(&src).copied().unwrap_or((0, 0));
        shared >= 2 || (shared >= 1 && meets >= 1)
    };
    edges.into_iter().filter(|e| is_cell(e.source)).collect()
}

fn sorted(mut v: Vec<Seg>) -> Vec<Seg> {
    v.sort_by(|a, b| a.at.total_cmp(&b.at));
    v
}

/// True when some perpendicular segment in `others` (sorted by `at`) passes within
/// END_TOL of the point at position `t` along `s`.
fn meets(others: &[Seg], s: &Seg, t: f32) -> bool {
    let start = others.partition_point(|o| o.at < t - END_TOL);
    others
        .get(start..)
        .unwrap_or_default()
        .iter()
        .take_while(|o| o.at <= t + END_TOL)
        .any(|o| o.source != s.source && s.at >= o.a - TOL && s.at <= o.b + TOL)
}

/// How many perpendicular segments of other sources cross `s` inside its span.
fn crossings(others: &[Seg], s: &Seg) -> usize {
    let start = others.partition_point(|o| o.at <= s.a + TOL);
    others
        .get(start..)
        .unwrap_or_default()
        .iter()
        .take_while(|o| o.at < s.b - TOL)
        .filter(|o| o.source != s.source && s.at >= o.a - TOL && s.at <= o.b + TOL)
        .count()
}

/// Merges collinear overlapping segments.
fn merge(mut segs: Vec<Seg>) -> Vec<Seg> {
    segs.sort_by(|a, b| a.at.total_cmp(&b.at));
    let mut out: Vec<Seg> = Vec::new();
    let mut i = 0;
    while i < segs.len() {
        let Some(first) = segs.get(i) else { break };
        let mut j = i;
        let mut sum = 0.0;
        while let Some(s) = segs.get(j) {
            if s.at - first.at > SNAP {
                break;
            }
            sum += s.at;
            j += 1;
        }
        let at = sum / (j - i) as f32;
        let mut group: Vec<Seg> = segs.get(i..j).unwrap_or_default().to_vec();
        group.sort_by(|a, b| a.a.total_cmp(&b.a));
        let mut cur: Option<Seg> = None;
        for s in group {
            match cur.as_mut() {
                Some(c) if s.a <= c.b + TOL => c.b = c.b.max(s.b),
                _ => {
                    if let Some(c) = cur.take() {
                        out.push(c);
                    }
                    cur = Some(Seg { at, ..s });
                }
            }
        }
        if let Some(c) = cur {
            out.push(c);
        }
        i = j;
    }
    out
}

/// Groups values closer than SNAP and returns the groups' means, sorted.
fn snap(mut v: Vec<f32>) -> Vec<f32> {
    v.sort_by(f32::total_cmp);
    let mut out: Vec<f32> = Vec::new();
    let mut group: Vec<f32> = Vec::new();
    for x in v {
        if let Some(&last) = group.last()
            && x - last > SNAP
        {
            out.push(group.iter().sum::<f32>() / group.len() as f32);
            group.clear();
        }
        group.push(x);
    }
    if !group.is_empty() {
        out.push(group.iter().sum::<f32>() / group.len() as f32);
    }
    out
}

/// Builds the tables of one page from its validated rulings.
///
/// `words` are the boxes of the page's words: a vertical border interrupted inside
/// one row (a sloppy export) is bridged only where no word runs across it.
pub fn grids(rulings: Vec<Seg>, words: &[Rect]) -> Vec<Grid> {
    let (hs, vs): (Vec<Seg>, Vec<Seg>) = rulings.into_iter().partition(|s| s.horizontal);
    let hs = merge(hs);
    let vs = merge(vs);
    // Connected components (union-find) over horizontal × vertical intersections.
    let n = hs.len() + vs.len();
    let mut parent: Vec<usize> = (0..n).collect();
    fn find(p: &mut [usize], mut x: usize) -> usize {
        while let Some(&q) = p.get(x) {
            if q == x {
                break;
            }
            let g = p.get(q).copied().unwrap_or(q);
            if let Some(slot) = p.get_mut(x) {
                *slot = g;
            }
            x = q;
        }
        x
    }
    for (i, h) in hs.iter().enumerate() {
        for (j, v) in vs.iter().enumerate() {
            if v.at >= h.a - TOL && v.at <= h.b + TOL && h.at >= v.a - TOL && h.at <= v.b + TOL {
                let a = find(&mut parent, i);
                let b = find(&mut parent, hs.len() + j);
                if let Some(slot) = parent.get_mut(a) {
                    *slot = b;
                }
            }
        }
    }
    let mut comps: std::collections::BTreeMap<usize, (Vec<Seg>, Vec<Seg>)> = Default::default();
    for (i, h) in hs.iter().enumerate() {
        let r = find(&mut parent, i);
        comps.entry(r).or_default().0.push(*h);
    }
    for (j, v) in vs.iter().enumerate() {
        let r = find(&mut parent, hs.len() + j);
        comps.entry(r).or_default().1.push(*v);
    }
    let mut out = Vec::new();
    for (_, (h, v)) in comps {
        if let Some(g) = build_grid(&h, &v, words) {
            out.push(g);
        }
    }
    out.sort_by(|a, b| {
        let (ra, rb) = (a.rect(), b.rect());
        ra.y.total_cmp(&rb.y)
    });
    out
}

/// Least depth in points of a row left open at the bottom of a grid (its borders run on
/// below the last horizontal ruling) for that row to count.
const MIN_OPEN_ROW: f32 = 6.0;

/// The bottom of a last row that a page break left without its closing ruling: the
/// lowest end of the vertical borders when the two outermost borders (and so the whole
/// width of the table) run at least [`MIN_OPEN_ROW`] below the last horizontal line.
fn open_bottom(ys: &[f32], vs: &[Seg]) -> Option<f32> {
    let last = *ys.last()?;
    let left = vs.iter().map(|s| s.at).fold(f32::MAX, f32::min);
    let right = vs.iter().map(|s| s.at).fold(f32::MIN, f32::max);
    let reach = |x: f32| {
        vs.iter()
            .filter(|s| (s.at - x).abs() <= SNAP)
            .map(|s| s.b)
            .fold(f32::MIN, f32::max)
    };
    let bottom = reach(left).min(reach(right));
    (bottom > last + MIN_OPEN_ROW).then_some(bottom)
}

fn build_grid(hs: &[Seg], vs: &[Seg], words: &[Rect]) -> Option<Grid> {
    let mut ys = snap(hs.iter().map(|s| s.at).collect());
    if let Some(bottom) = open_bottom(&ys, vs) {
        ys.push(bottom);
    }
    let xs = snap(vs.iter().map(|s| s.at).collect());
    if ys.len() < 2 || xs.len() < 2 {
        return None;
    }
    let (nr, nc) = (ys.len() - 1, xs.len() - 1);
    if nr.checked_mul(nc)? > 200_000 {
        return None;
    }
    // Is there a vertical ruling at xs[c] across row r? A horizontal at ys[r] across col c?
    let v_at = |c: usize, r: usize| -> bool {
        let (Some(x), Some(y0), Some(y1)) = (xs.get(c), ys.get(r), ys.get(r + 1)) else {
            return false;
        };
        let mid = (y0 + y1) / 2.0;
        let here: Vec<&Seg> = vs.iter().filter(|s| (s.at - x).abs() <= SNAP).collect();
        if here.iter().any(|s| s.a <= mid && s.b >= mid) {
            return true;
        }
        // A border that runs into the row from above and resumes at (or inside) its
        // bottom, with no word across it: the export left a gap in one row.
        let from_above = here.iter().any(|s| s.b > y0 + 1.0 && s.b < y1 - TOL);
        let from_below = here.iter().any(|s| s.a > y0 + TOL && s.a <= y1 + TOL);
        from_above
            && from_below
            && !words
                .iter()
                .any(|w| w.x < x - 0.5 && w.x + w.w > x + 0.5 && w.y < *y1 && w.y + w.h > *y0)
    };
    let h_at = |r: usize, c: usize| -> bool {
        let (Some(y), Some(x0), Some(x1)) = (ys.get(r), xs.get(c), xs.get(c + 1)) else {
            return false;
        };
        let mid = (x0 + x1) / 2.0;
        hs.iter()
            .any(|s| (s.at - y).abs() <= SNAP && s.a <= mid && s.b >= mid)
    };
    let mut owner = vec![usize::MAX; nr * nc];
    let mut cells = Vec::new();
    for r in 0..nr {
        for c in 0..nc {
            if owner.get(r * nc + c).is_none_or(|o| *o != usize::MAX) {
                continue;
            }
            let mut cs = 1;
            while c + cs < nc && !v_at(c + cs, r) && owner.get(r * nc + c + cs) == Some(&usize::MAX)
            {
                cs += 1;
            }
            let mut rs = 1;
            while r + rs < nr
                && (c..c + cs)
                    .all(|k| !h_at(r + rs, k) && owner.get((r + rs) * nc + k) == Some(&usize::MAX))
                && (c + 1..c + cs).all(|k| !v_at(k, r + rs))
            {
                rs += 1;
            }
            let idx = cells.len();
            for rr in r..r + rs {
                for cc in c..c + cs {
                    if let Some(slot) = owner.get_mut(rr * nc + cc) {
                        *slot = idx;
                    }
                }
            }
            cells.push(GridCell {
                row: r,
                col: c,
                row_span: rs,
                col_span: cs,
            });
        }
    }
    let _ = owner;
    Some(collapse(xs, ys, cells))
}

/// Drops grid lines at which no cell starts (a stray ruling piece that every cell
/// spans across) and rebuilds the position → cell map.
fn collapse(xs: Vec<f32>, ys: Vec<f32>, mut cells: Vec<GridCell>) -> Grid {
    let kept = |bounds: &[f32], starts: &dyn Fn(usize) -> bool| -> Vec<usize> {
        let last = bounds.len().saturating_sub(1);
        (0..bounds.len())
            .filter(|&i| i == 0 || i == last || starts(i))
            .collect()
    };
    let row_keep = kept(&ys, &|r| cells.iter().any(|c| c.row == r));
    let col_keep = kept(&xs, &|k| cells.iter().any(|c| c.col == k));
    let index = |keep: &[usize], i: usize| keep.partition_point(|&k| k < i);
    for c in cells.iter_mut() {
        let (r0, r1) = (
            index(&row_keep, c.row),
            index(&row_keep, c.row + c.row_span),
        );
        let (c0, c1) = (
            index(&col_keep, c.col),
            index(&col_keep, c.col + c.col_span),
        );
        *c = GridCell {
            row: r0,
            col: c0,
            row_span: r1.saturating_sub(r0).max(1),
            col_span: c1.saturating_sub(c0).max(1),
        };
    }
    let ys: Vec<f32> = row_keep
        .iter()
        .filter_map(|&i| ys.get(i).copied())
        .collect();
    let xs: Vec<f32> = col_keep
        .iter()
        .filter_map(|&i| xs.get(i).copied())
        .collect();
    let (nr, nc) = (ys.len().saturating_sub(1), xs.len().saturating_sub(1));
    let mut owner = vec![usize::MAX; nr * nc];
    for (idx, c) in cells.iter().enumerate() {
        for rr in c.row..c.row + c.row_span {
            for cc in c.col..c.col + c.col_span {
                if let Some(slot) = owner.get_mut(rr * nc + cc) {
                    *slot = idx;
                }
            }
        }
    }
    Grid {
        xs,
        ys,
        cells,
        owner,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn h(y: f32, a: f32, b: f32, s: usize) -> Seg {
        Seg {
            horizontal: true,
            at: y,
            a,
            b,
            source: s,
        }
    }
    fn v(x: f32, a: f32, b: f32, s: usize) -> Seg {
        Seg {
            horizontal: false,
            at: x,
            a,
            b,
            source: s,
        }
    }

    #[test]
    fn grid_with_merged_header_and_rejected_arrow() {
        // 3 columns, 2 rows; the top row's first two cells are merged.
        let segs = vec![
            h(0.0, 0.0, 30.0, 1),
            h(10.0, 0.0, 30.0, 2),
            h(20.0, 0.0, 30.0, 3),
            v(0.0, 0.0, 20.0, 4),
            v(10.0, 10.0, 20.0, 5),
            v(20.0, 0.0, 20.0, 6),
            v(30.0, 0.0, 20.0, 7),
            // A stray line inside the second row: ends in the open.
            v(25.0, 14.5, 15.5, 8),
        ];
        let (ok, bad) = validate(segs);
        assert_eq!(bad.len(), 1);
        let gs = grids(ok, &[]);
        assert_eq!(gs.len(), 1);
        let g = &gs[0];
        assert_eq!((g.n_rows(), g.n_cols()), (2, 3));
        assert_eq!(
            g.cells[0],
            GridCell {
                row: 0,
                col: 0,
                row_span: 1,
                col_span: 2
            }
        );
        assert_eq!(g.cells.len(), 5);
        let i = g.cell_index_at(15.0, 15.0).unwrap();
        assert_eq!((g.cells[i].row, g.cells[i].col), (1, 1));
    }

    #[test]
    fn stray_piece_adds_no_phantom_row() {
        let segs = vec![
            h(0.0, 0.0, 30.0, 1),
            h(10.0, 0.0, 30.0, 2),
            v(0.0, 0.0, 10.0, 3),
            v(20.0, 0.0, 10.0, 4),
            v(30.0, 0.0, 10.0, 5),
            // A short piece hanging off the right border at y = 5.
            h(5.0, 27.0, 30.0, 6),
        ];
        let (ok, _) = validate(segs);
        let g = &grids(ok, &[])[0];
        assert_eq!((g.n_rows(), g.n_cols()), (1, 2));
        assert_eq!(g.cells.len(), 2);
        assert_eq!(g.cell_index_at(25.0, 8.0), Some(1));
    }

    #[test]
    fn split_column_divides_single_cells_and_widens_spanning_ones() {
        // 3 columns: a header cell over columns 1..3, then one row of three cells
        let mut g = collapse(
            vec![0.0, 10.0, 30.0, 40.0],
            vec![0.0, 5.0, 10.0],
            vec![
                GridCell {
                    row: 0,
                    col: 0,
                    row_span: 1,
                    col_span: 1,
                },
                GridCell {
                    row: 0,
                    col: 1,
                    row_span: 1,
                    col_span: 2,
                },
                GridCell {
                    row: 1,
                    col: 0,
                    row_span: 1,
                    col_span: 1,
                },
                GridCell {
                    row: 1,
                    col: 1,
                    row_span: 1,
                    col_span: 1,
                },
                GridCell {
                    row: 1,
                    col: 2,
                    row_span: 1,
                    col_span: 1,
                },
            ],
        );
        g.split_column(1, 20.0);
        assert_eq!(g.xs, vec![0.0, 10.0, 20.0, 30.0, 40.0]);
        assert_eq!(g.cells.len(), 6);
        // the header now spans three columns; the body cell became two
        let head = g
            .cell_index_at(25.0, 2.0)
            .and_then(|i| g.cells.get(i))
            .copied();
        assert_eq!(head.map(|c| (c.col, c.col_span)), Some((1, 3)));
        let left = g
            .cell_index_at(15.0, 7.0)
            .and_then(|i| g.cells.get(i))
            .copied();
        let right = g
            .cell_index_at(25.0, 7.0)
            .and_then(|i| g.cells.get(i))
            .copied();
        assert_eq!(left.map(|c| c.col), Some(1));
        assert_eq!(right.map(|c| c.col), Some(2));
        let last = g
            .cell_index_at(35.0, 7.0)
            .and_then(|i| g.cells.get(i))
            .copied();
        assert_eq!(last.map(|c| c.col), Some(3));
        // outside the column: nothing changes
        g.split_column(0, 50.0);
        assert_eq!(g.n_cols(), 4);
    }
}
