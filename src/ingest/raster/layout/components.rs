//! Connected components of a binary mask, labelled by runs.
//!
//! A row's pixels of one value come in runs; two runs on neighbouring rows belong to one
//! component when they overlap (4-connectivity) or touch diagonally (8-connectivity). The
//! union-find is over runs, not pixels, and the label "image" is the runs of each row
//! with their component: a picture of millions of pixels holds some tens of thousands
//! of runs, where a label per pixel and a forest sized by the pixel count (imageproc's
//! `connected_components`) cost half of a scanned page's own time, most of it in
//! allocating and touching those arrays.
//!
//! The components are the same sets of pixels as a pixel labeller finds, numbered from
//! 1 in the order of their first pixel in raster order (top row first, then left to
//! right), as imageproc numbers them.

use imageproc::region_labelling::Connectivity;

use crate::ingest::raster::PxRect;

/// A connected component: its bounding box and pixel count.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Component {
    /// Bounding box.
    pub bbox: PxRect,
    /// Number of pixels.
    pub area: u32,
    /// Its label in the label image.
    pub label: u32,
}

/// One run: pixels `x0..x1` of a row.
#[derive(Clone, Copy, Debug)]
struct Run {
    x0: u32,
    x1: u32,
}

/// The label image of [`label`]: per row its runs (left to right) and each run's
/// component label.
pub struct Labels {
    /// Index of each row's first run in `runs`; one more entry closes the last row.
    row_start: Vec<usize>,
    runs: Vec<Run>,
    /// The label of each run (1-based, as [`Component::label`]).
    run_label: Vec<u32>,
}

impl Labels {
    /// The label at (x, y) (0 for the other value or outside).
    pub fn at(&self, x: u32, y: u32) -> u32 {
        let y = y as usize;
        let (Some(&lo), Some(&hi)) = (self.row_start.get(y), self.row_start.get(y + 1)) else {
            return 0;
        };
        let Some(row) = self.runs.get(lo..hi) else {
            return 0;
        };
        // The last run starting at or before x holds x if it reaches past it.
        let i = row.partition_point(|r| r.x0 <= x);
        match i.checked_sub(1).and_then(|i| row.get(i).map(|r| (i, r))) {
            Some((i, r)) if x < r.x1 => self.run_label.get(lo + i).copied().unwrap_or(0),
            _ => 0,
        }
    }
}

/// Connected components of the pixels equal to `value` in the mask given as `rows` (each
/// `w` pixels, `true` for ink), with their label image.
pub fn label<'a>(
    rows: impl Iterator<Item = &'a [bool]>,
    value: bool,
    conn: Connectivity,
) -> (Vec<Component>, Labels) {
    let mut runs: Vec<Run> = Vec::new();
    let mut row_start: Vec<usize> = vec![0];
    for row in rows {
        row_runs(row, value, &mut runs);
        row_start.push(runs.len());
    }
    let mut forest = Forest::new(runs.len());
    // Runs touching diagonally are neighbours under 8-connectivity: a run reaches one
    // pixel further on each side.
    let reach = u32::from(conn == Connectivity::Eight);
    for pair in row_start.windows(3) {
        if let [a, b, c] = *pair {
            join_rows(&runs, a..b, b..c, reach, &mut forest);
        }
    }
    let run_label = number(&mut forest, runs.len());
    let comps = measure(&runs, &row_start, &run_label);
    (
        comps,
        Labels {
            row_start,
            runs,
            run_label,
        },
    )
}

/// Appends the runs of `row`'s pixels equal to `value`.
fn row_runs(row: &[bool], value: bool, runs: &mut Vec<Run>) {
    let mut x = 0usize;
    while let Some(start) = row
        .get(x..)
        .and_then(|r| r.iter().position(|&p| p == value))
    {
        let x0 = x + start;
        let len = row
            .get(x0..)
            .and_then(|r| r.iter().position(|&p| p != value))
            .unwrap_or(row.len() - x0);
        runs.push(Run {
            x0: x0 as u32,
            x1: (x0 + len) as u32,
        });
        x = x0 + len;
    }
}

/// Unites each run of the row `lower` with the runs of the row `upper` above it that it
/// overlaps, or comes within `reach` pixels of (both lists are left to right).
fn join_rows(
    runs: &[Run],
    upper: std::ops::Range<usize>,
    lower: std::ops::Range<usize>,
    reach: u32,
    forest: &mut Forest,
) {
    let mut i = upper.start;
    for j in lower {
        let Some(&b) = runs.get(j) else { continue };
        // Upper runs ending before this one's reach can touch no later lower run either.
        while runs
            .get(i)
            .is_some_and(|a| i < upper.end && a.x1 + reach <= b.x0)
        {
            i += 1;
        }
        let mut k = i;
        while let Some(&a) = runs.get(k).filter(|_| k < upper.end) {
            if a.x0 >= b.x1 + reach {
                break;
            }
            forest.union(k, j);
            k += 1;
        }
    }
}

/// Each run's component label: 1, 2, ... in the order of the components' first runs.
fn number(forest: &mut Forest, n: usize) -> Vec<u32> {
    let mut of_root: Vec<u32> = vec![0; n];
    let mut next = 1u32;
    (0..n)
        .map(|i| {
            let root = forest.root(i);
            match of_root.get_mut(root) {
                Some(l) if *l == 0 => {
                    *l = next;
                    next += 1;
                    *l
                }
                Some(l) => *l,
                None => 0,
            }
        })
        .collect()
}

/// A component's extent while it is measured: x0, y0, x1, y1 (exclusive), pixels.
type Extent = (u32, u32, u32, u32, u32);

/// The bounding box and pixel count of every component, in label order.
fn measure(runs: &[Run], row_start: &[usize], run_label: &[u32]) -> Vec<Component> {
    let count = run_label.iter().copied().max().unwrap_or(0) as usize;
    let mut ext: Vec<Option<Extent>> = vec![None; count];
    for (y, pair) in row_start.windows(2).enumerate() {
        let &[lo, hi] = pair else { continue };
        let y = y as u32;
        for (r, &l) in runs
            .get(lo..hi)
            .unwrap_or_default()
            .iter()
            .zip(run_label.get(lo..hi).unwrap_or_default())
        {
            let Some(slot) = (l as usize).checked_sub(1).and_then(|i| ext.get_mut(i)) else {
                continue;
            };
            let n = r.x1 - r.x0;
            *slot = Some(match *slot {
                None => (r.x0, y, r.x1, y + 1, n),
                Some((x0, y0, x1, _, a)) => (x0.min(r.x0), y0, x1.max(r.x1), y + 1, a + n),
            });
        }
    }
    ext.iter()
        .enumerate()
        .filter_map(|(i, e)| {
            e.map(|(x0, y0, x1, y1, area)| Component {
                bbox: PxRect {
                    x: x0,
                    y: y0,
                    w: x1 - x0,
                    h: y1 - y0,
                },
                area,
                label: i as u32 + 1,
            })
        })
        .collect()
}

/// Union-find over indices (runs here, letters in `text.rs`), with path halving and
/// union by size.
pub(super) struct Forest {
    parent: Vec<usize>,
    size: Vec<u32>,
}

impl Forest {
    /// `n` singletons.
    pub(super) fn new(n: usize) -> Forest {
        Forest {
            parent: (0..n).collect(),
            size: vec![1; n],
        }
    }

    /// The root of `i`'s set.
    pub(super) fn root(&mut self, mut i: usize) -> usize {
        while let Some(&p) = self.parent.get(i) {
            if p == i {
                break;
            }
            let gp = self.parent.get(p).copied().unwrap_or(p);
            if let Some(slot) = self.parent.get_mut(i) {
                *slot = gp;
            }
            i = gp;
        }
        i
    }

    /// Joins the sets of `a` and `b`.
    pub(super) fn union(&mut self, a: usize, b: usize) {
        let (ra, rb) = (self.root(a), self.root(b));
        if ra == rb {
            return;
        }
        let size = |i: usize| self.size.get(i).copied().unwrap_or(1);
        let (big, small) = if size(ra) >= size(rb) {
            (ra, rb)
        } else {
            (rb, ra)
        };
        let total = size(big) + size(small);
        if let Some(p) = self.parent.get_mut(small) {
            *p = big;
        }
        if let Some(s) = self.size.get_mut(big) {
            *s = total;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use image::{GrayImage, Luma};
    use imageproc::region_labelling::connected_components;

    /// A pseudo-random mask (a linear congruential sequence), `fill` of 256 being ink.
    fn noise(w: usize, h: usize, fill: u32, seed: u32) -> Vec<Vec<bool>> {
        let mut s = seed;
        (0..h)
            .map(|_| {
                (0..w)
                    .map(|_| {
                        s = s.wrapping_mul(1_103_515_245).wrapping_add(12_345);
                        (s >> 16) % 256 < fill
                    })
                    .collect()
            })
            .collect()
    }

    /// Runs give exactly imageproc's pixel labels (same numbering) on masks of every
    /// density, both connectivities, both values.
    #[test]
    fn runs_label_as_the_pixel_labeller_does() {
        for (fill, seed) in [(30, 1), (128, 2), (200, 3), (250, 4)] {
            let mask = noise(61, 47, fill, seed);
            for value in [true, false] {
                for conn in [Connectivity::Four, Connectivity::Eight] {
                    let target = GrayImage::from_fn(61, 47, |x, y| {
                        Luma([u8::from(mask[y as usize][x as usize] == value)])
                    });
                    let want = connected_components(&target, conn, Luma([0u8]));
                    let (comps, labels) = label(mask.iter().map(Vec::as_slice), value, conn);
                    for (x, y, l) in want.enumerate_pixels() {
                        assert_eq!(labels.at(x, y), l.0[0], "{fill} {value} {conn:?} {x},{y}");
                    }
                    let n = want.pixels().map(|p| p.0[0]).max().unwrap_or(0);
                    assert_eq!(comps.len() as u32, n);
                    let area: u32 = comps.iter().map(|c| c.area).sum();
                    let want_area = want.pixels().filter(|p| p.0[0] > 0).count() as u32;
                    assert_eq!(area, want_area);
                }
            }
        }
    }

    /// A diagonal pair is one component under 8-connectivity and two under 4.
    #[test]
    fn a_diagonal_step_joins_only_under_eight() {
        let mask = [vec![true, false], vec![false, true]];
        let (four, _) = label(mask.iter().map(Vec::as_slice), true, Connectivity::Four);
        let (eight, labels) = label(mask.iter().map(Vec::as_slice), true, Connectivity::Eight);
        assert_eq!((four.len(), eight.len()), (2, 1));
        assert_eq!(
            eight.first().map(|c| (c.bbox, c.area)),
            Some((
                PxRect {
                    x: 0,
                    y: 0,
                    w: 2,
                    h: 2
                },
                2
            ))
        );
        assert_eq!(
            (labels.at(1, 1), labels.at(1, 0), labels.at(5, 9)),
            (1, 0, 0)
        );
    }
}
