//! Straight ink strokes: horizontal and vertical runs of ink merged across the stroke's
//! thickness and across small breaks (a scan's dropped pixels).

use super::bitmap::Ink;
use crate::ingest::raster::PxRect;

/// A straight horizontal or vertical stroke.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Seg {
    /// True for a horizontal stroke.
    pub horiz: bool,
    /// Its position across (the y of a horizontal stroke, the x of a vertical one), at
    /// the stroke's middle.
    pub pos: f32,
    /// Start along the stroke.
    pub lo: u32,
    /// End along the stroke (inclusive).
    pub hi: u32,
    /// Thickness in pixels.
    pub thick: u32,
}

impl Seg {
    /// Length along the stroke.
    pub fn len(&self) -> u32 {
        self.hi - self.lo + 1
    }

    /// Always false: a stroke has at least one pixel (for clippy's `len` convention).
    pub fn is_empty(&self) -> bool {
        false
    }

    /// The pixels it covers.
    pub fn rect(&self) -> PxRect {
        let half = self.thick as f32 / 2.0;
        let across = (self.pos - half).round().max(0.0) as u32;
        if self.horiz {
            PxRect {
                x: self.lo,
                y: across,
                w: self.len(),
                h: self.thick,
            }
        } else {
            PxRect {
                x: across,
                y: self.lo,
                w: self.thick,
                h: self.len(),
            }
        }
    }
}

/// A run of ink along one pixel line.
#[derive(Clone, Copy, Debug)]
struct Run {
    line: u32,
    lo: u32,
    hi: u32,
}

/// A stroke being grown across its thickness.
struct Growing {
    first: u32,
    last: u32,
    lo: u32,
    hi: u32,
    /// Ink pixels in its runs.
    area: u32,
}

/// Every horizontal and vertical stroke at least `min_len` long and at most `max_thick`
/// thick; breaks up to `gap` pixels along a line are bridged.
pub fn strokes(ink: &Ink, min_len: u32, max_thick: u32, gap: u32) -> Vec<Seg> {
    let mut out = along(ink, true, min_len, max_thick, gap);
    out.extend(along(ink, false, min_len, max_thick, gap));
    out
}

fn along(ink: &Ink, horiz: bool, min_len: u32, max_thick: u32, gap: u32) -> Vec<Seg> {
    let runs = if horiz {
        row_runs(ink, min_len, gap)
    } else {
        column_runs(ink, min_len, gap)
    };
    merge_runs(&runs, horiz, max_thick)
}

/// The runs of ink along each row (line = y), at least `min_len` long, breaks of up to
/// `gap` pixels bridged; in row order, left to right.
fn row_runs(ink: &Ink, min_len: u32, gap: u32) -> Vec<Run> {
    let mut runs: Vec<Run> = Vec::new();
    for (line, row) in ink.rows().enumerate() {
        let mut start: Option<u32> = None;
        let mut last_ink = 0u32;
        for (i, &on) in row.iter().enumerate() {
            let i = i as u32;
            if on {
                if start.is_none() {
                    start = Some(i);
                }
                last_ink = i;
            } else if let Some(s) = start
                && i - last_ink > gap
            {
                push_run(&mut runs, line as u32, s, last_ink, min_len);
                start = None;
            }
        }
        if let Some(s) = start {
            push_run(&mut runs, line as u32, s, last_ink, min_len);
        }
    }
    runs
}

/// The runs of ink down each column (line = x), as [`row_runs`] finds them along rows;
/// in column order, top to bottom. The picture is walked row by row (each column's open
/// run kept aside), not column by column across its rows.
fn column_runs(ink: &Ink, min_len: u32, gap: u32) -> Vec<Run> {
    let mut runs: Vec<Run> = Vec::new();
    // Per column: the open run's start and its last ink row.
    let mut open: Vec<(Option<u32>, u32)> = vec![(None, 0); ink.w as usize];
    for (y, row) in ink.rows().enumerate() {
        let y = y as u32;
        for (x, (&on, (start, last_ink))) in row.iter().zip(open.iter_mut()).enumerate() {
            if on {
                if start.is_none() {
                    *start = Some(y);
                }
                *last_ink = y;
            } else if let Some(s) = *start
                && y - *last_ink > gap
            {
                push_run(&mut runs, x as u32, s, *last_ink, min_len);
                *start = None;
            }
        }
    }
    for (x, (start, last_ink)) in open.into_iter().enumerate() {
        if let Some(s) = start {
            push_run(&mut runs, x as u32, s, last_ink, min_len);
        }
    }
    runs.sort_unstable_by_key(|r| (r.line, r.lo));
    runs
}

/// Keeps the run `lo..=hi` of `line` when it is at least `min_len` long.
fn push_run(runs: &mut Vec<Run>, line: u32, lo: u32, hi: u32, min_len: u32) {
    if hi + 1 - lo >= min_len {
        runs.push(Run { line, lo, hi });
    }
}

/// Runs on neighbouring lines overlapping by at least this share of the shorter one
/// belong to one stroke.
const RUN_OVERLAP: f32 = 0.5;

fn merge_runs(runs: &[Run], horiz: bool, max_thick: u32) -> Vec<Seg> {
    let mut done: Vec<Growing> = Vec::new();
    let mut open: Vec<Growing> = Vec::new();
    for r in runs {
        // The strokes this run's line has left behind are done, both lists kept in
        // order, in place (no two new lists per run).
        done.extend(open.extract_if(.., |g| g.last + 1 < r.line));
        let overlap = |g: &Growing| {
            let o = r.hi.min(g.hi) as f32 - r.lo.max(g.lo) as f32 + 1.0;
            let shorter = (r.hi - r.lo).min(g.hi - g.lo) as f32 + 1.0;
            g.last + 1 == r.line && o >= shorter * RUN_OVERLAP
        };
        if let Some(g) = open.iter_mut().find(|g| overlap(g)) {
            g.last = r.line;
            g.lo = g.lo.min(r.lo);
            g.hi = g.hi.max(r.hi);
            g.area += r.hi - r.lo + 1;
        } else {
            open.push(Growing {
                first: r.line,
                last: r.line,
                lo: r.lo,
                hi: r.hi,
                area: r.hi - r.lo + 1,
            });
        }
    }
    done.extend(open);
    // A scanned line bows across several pixel lines over its length: its mean
    // thickness (ink over length), not its spread, tells it from a filled area.
    done.into_iter()
        .filter(|g| g.area <= max_thick * (g.hi - g.lo + 1))
        .map(|g| Seg {
            horiz,
            pos: (g.first + g.last) as f32 / 2.0 + 0.5,
            lo: g.lo,
            hi: g.hi,
            thick: g.last - g.first + 1,
        })
        .collect()
}

/// Between two long collinear strokes a break of up to this fraction of the shorter
/// one is bridged (at most twice the usual break): a thin line of a bilevel scan at
/// low resolution loses runs of several pixels where noise pushed it over the
/// threshold, more than a letter's gap, while a letter's strokes are too short for it.
const LONG_BREAK_DIVISOR: u32 = 16;

/// Collinear strokes (same position within `tol` and their half thickness: a scanned
/// line bows) with a break of at most `gap` between them (more between long strokes:
/// [`LONG_BREAK_DIVISOR`]), joined into one.
pub fn join_collinear(mut segs: Vec<Seg>, tol: f32, gap: u32) -> Vec<Seg> {
    segs.sort_by_key(|s| (s.horiz, s.lo));
    let mut out: Vec<Seg> = Vec::new();
    for s in segs {
        let joined = out.iter_mut().find(|o| {
            let bridged = gap.max((o.len().min(s.len()) / LONG_BREAK_DIVISOR).min(2 * gap));
            o.horiz == s.horiz
                && (o.pos - s.pos).abs() <= tol + o.thick.max(s.thick) as f32 / 2.0
                && s.lo <= o.hi + bridged + 1
                && s.hi + bridged + 1 >= o.lo
        });
        match joined {
            Some(o) => {
                let (la, lb) = (o.len() as f32, s.len() as f32);
                o.pos = (o.pos * la + s.pos * lb) / (la + lb);
                o.lo = o.lo.min(s.lo);
                o.hi = o.hi.max(s.hi);
                o.thick = o.thick.max(s.thick);
            }
            None => out.push(s),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn horizontal(lo: u32, hi: u32) -> Seg {
        Seg {
            horiz: true,
            pos: 50.0,
            lo,
            hi,
            thick: 1,
        }
    }

    #[test]
    fn a_long_line_broken_by_a_dropout_is_joined_but_letter_strokes_are_not() {
        // A ruling line of a low-resolution bilevel scan, 7 pixels lost at x 217..222:
        // more than the usual break (5) but little against the pieces' length.
        let joined = join_collinear(vec![horizontal(83, 216), horizontal(223, 1879)], 4.0, 5);
        assert_eq!(
            joined,
            vec![Seg {
                lo: 83,
                hi: 1879,
                ..horizontal(0, 0)
            }]
        );
        // Two letters' bars the same distance apart stay two.
        let letters = join_collinear(vec![horizontal(100, 114), horizontal(122, 136)], 4.0, 5);
        assert_eq!(letters.len(), 2);
    }
}
