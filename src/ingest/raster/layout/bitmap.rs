//! A binary ink mask with bounds-checked access, and its connected components
//! ([`super::components`]).

use image::GrayImage;
use imageproc::region_labelling::Connectivity;

pub use super::components::{Component, Labels};

use crate::ingest::raster::PxRect;

/// A binary picture: `true` where there is ink.
#[derive(Clone, Debug, Default)]
pub struct Ink {
    /// Width in pixels.
    pub w: u32,
    /// Height in pixels.
    pub h: u32,
    data: Vec<bool>,
}

impl Ink {
    /// An empty (all paper) mask.
    pub fn new(w: u32, h: u32) -> Ink {
        Ink {
            w,
            h,
            data: vec![false; w as usize * h as usize],
        }
    }

    /// Ink where `gray` is darker than `threshold`.
    pub fn from_gray(gray: &GrayImage, threshold: u8) -> Ink {
        Ink {
            w: gray.width(),
            h: gray.height(),
            // Over the raw samples, not the pixel iterator: one compare a byte, vectorised.
            data: gray.as_raw().iter().map(|&v| v < threshold).collect(),
        }
    }

    /// Whether (x, y) is ink; outside the picture is paper.
    pub fn get(&self, x: i64, y: i64) -> bool {
        if x < 0 || y < 0 || x >= i64::from(self.w) || y >= i64::from(self.h) {
            return false;
        }
        self.data
            .get(y as usize * self.w as usize + x as usize)
            .copied()
            .unwrap_or(false)
    }

    /// The mask's rows, top to bottom (`w` pixels each).
    pub fn rows(&self) -> impl Iterator<Item = &[bool]> {
        // A mask of no width has rows of nothing: chunks of 1 over no data give none.
        self.data.chunks_exact(self.w.max(1) as usize)
    }

    /// Sets (x, y); outside the picture nothing happens.
    pub fn set(&mut self, x: i64, y: i64, v: bool) {
        if x < 0 || y < 0 || x >= i64::from(self.w) || y >= i64::from(self.h) {
            return;
        }
        let i = y as usize * self.w as usize + x as usize;
        if let Some(p) = self.data.get_mut(i) {
            *p = v;
        }
    }

    /// Clears (sets to paper) every pixel of `r` (clipped to the picture).
    pub fn clear_rect(&mut self, r: PxRect) {
        let r = clip(r, self.w, self.h);
        for row in self.rows_of_mut(r) {
            row.fill(false);
        }
    }

    /// The number of ink pixels in `r` (clipped to the picture).
    pub fn count(&self, r: PxRect) -> u32 {
        let r = clip(r, self.w, self.h);
        let (x0, x1) = (r.x as usize, (r.x + r.w) as usize);
        self.rows()
            .skip(r.y as usize)
            .take(r.h as usize)
            .map(|row| {
                row.get(x0..x1)
                    .map_or(0, |s| s.iter().filter(|&&p| p).count())
            })
            .sum::<usize>() as u32
    }

    /// The pixels of `r` (already clipped), row by row, to change.
    fn rows_of_mut(&mut self, r: PxRect) -> impl Iterator<Item = &mut [bool]> {
        let (x0, x1) = (r.x as usize, (r.x + r.w) as usize);
        self.data
            .chunks_exact_mut(self.w.max(1) as usize)
            .skip(r.y as usize)
            .take(r.h as usize)
            .filter_map(move |row| row.get_mut(x0..x1))
    }

    /// The mask as a gray image: ink 0, paper 255 (what OCR reads).
    pub fn to_gray(&self) -> GrayImage {
        self.to_levels(0, 255)
    }

    /// The mask as a gray image with ink 255 and paper 0 (what morphology works on).
    pub fn to_foreground(&self) -> GrayImage {
        self.to_levels(255, 0)
    }

    fn to_levels(&self, ink: u8, paper: u8) -> GrayImage {
        let raw = self
            .data
            .iter()
            .map(|&p| if p { ink } else { paper })
            .collect();
        GrayImage::from_raw(self.w, self.h, raw).unwrap_or_else(|| GrayImage::new(self.w, self.h))
    }

    /// Ink where `gray` is not 0 (the inverse of [`Ink::to_foreground`]).
    pub fn from_foreground(gray: &GrayImage) -> Ink {
        Ink {
            w: gray.width(),
            h: gray.height(),
            data: gray.as_raw().iter().map(|&v| v > 0).collect(),
        }
    }

    /// The part of the mask inside `r` (clipped to the picture), as a new mask.
    pub fn crop(&self, r: PxRect) -> Ink {
        let r = clip(r, self.w, self.h);
        let (x0, x1) = (r.x as usize, (r.x + r.w) as usize);
        let mut data = Vec::with_capacity(r.w as usize * r.h as usize);
        for row in self
            .data
            .chunks_exact(self.w.max(1) as usize)
            .skip(r.y as usize)
            .take(r.h as usize)
        {
            data.extend(row.get(x0..x1).unwrap_or_default());
        }
        // A picture of no width has no rows to copy: the crop is all paper.
        data.resize(r.w as usize * r.h as usize, false);
        Ink {
            w: r.w,
            h: r.h,
            data,
        }
    }
}

impl Ink {
    /// The mask eroded by a square of radius `k`: ink stays where no paper lies within
    /// `k` pixels either way along both axes (Chebyshev distance), as imageproc's
    /// `erode(.., Norm::LInf, k)` keeps it, but separably: each row's nearness to paper,
    /// then each column's nearness to that, in two sweeps each way (imageproc's distance
    /// transform cost a tenth of a scanned page's own time). As imageproc's, a mask with
    /// no paper at all keeps its ink unless it is no larger than `k` (its width plus
    /// height), where its distances stop.
    pub fn eroded(&self, k: u32) -> Ink {
        let (w, h) = (self.w as usize, self.h as usize);
        if !self.data.iter().any(|&p| !p) {
            // imageproc's distances stop at the mask's width plus height (and at 255).
            let gone = self.w.saturating_add(self.h).min(255) <= k;
            return Ink {
                w: self.w,
                h: self.h,
                data: vec![!gone && w * h > 0; w * h],
            };
        }
        let wd = w.max(1);
        // Per pixel: paper within k along its row.
        let mut near = vec![false; w * h];
        for (row, out) in self.rows().zip(near.chunks_exact_mut(wd)) {
            near_in_line(row, false, out, k);
        }
        // Per pixel: such a pixel within k along its column, i.e. paper within the
        // square; ink is the rest.
        let mut data = near_in_columns(&near, wd, k);
        data.iter_mut().for_each(|p| *p = !*p);
        Ink {
            w: self.w,
            h: self.h,
            data,
        }
    }
}

/// Sets each of `out` to whether a pixel of `line` equal to `want` lies within `k`
/// places of its own (a sweep forward, one back).
fn near_in_line(line: &[bool], want: bool, out: &mut [bool], k: u32) {
    let mut since = NEVER;
    for (&p, o) in line.iter().zip(out.iter_mut()) {
        since = if p == want {
            0
        } else {
            since.saturating_add(1)
        };
        *o = since <= k;
    }
    since = NEVER;
    for (&p, o) in line.iter().zip(out.iter_mut()).rev() {
        since = if p == want {
            0
        } else {
            since.saturating_add(1)
        };
        *o |= since <= k;
    }
}

/// The distance since a pixel never seen (sweeps count up from it without overflow).
const NEVER: u32 = u32::MAX;

/// Per pixel of the `w`-wide mask `on`: whether a true pixel lies within `k` rows of it
/// in its column. Swept row by row, down and then up, each column's distance to its
/// last true pixel kept aside (the picture is never walked down a column).
fn near_in_columns(on: &[bool], w: usize, k: u32) -> Vec<bool> {
    let mut out = vec![false; on.len()];
    let mut since: Vec<u32> = vec![NEVER; w];
    for (row, orow) in on.chunks_exact(w).zip(out.chunks_exact_mut(w)) {
        sweep_row(row, orow, &mut since, k);
    }
    since.fill(NEVER);
    for (row, orow) in on.chunks_exact(w).zip(out.chunks_exact_mut(w)).rev() {
        sweep_row(row, orow, &mut since, k);
    }
    out
}

/// One row of [`near_in_columns`]' sweep: each column's distance since its last true
/// pixel stepped, and the row's pixels within `k` of one marked.
fn sweep_row(row: &[bool], out: &mut [bool], since: &mut [u32], k: u32) {
    for ((&p, o), s) in row.iter().zip(out.iter_mut()).zip(since.iter_mut()) {
        *s = if p { 0 } else { s.saturating_add(1) };
        *o |= *s <= k;
    }
}

/// `r` clipped to a `w` × `h` picture.
pub fn clip(r: PxRect, w: u32, h: u32) -> PxRect {
    let x = r.x.min(w);
    let y = r.y.min(h);
    PxRect {
        x,
        y,
        w: r.w.min(w - x),
        h: r.h.min(h - y),
    }
}

/// `r` grown by `d` pixels on every side (not past 0).
pub fn grow(r: PxRect, d: u32) -> PxRect {
    let x = r.x.saturating_sub(d);
    let y = r.y.saturating_sub(d);
    PxRect {
        x,
        y,
        w: r.x + r.w + d - x,
        h: r.y + r.h + d - y,
    }
}

/// The smallest rectangle holding both.
pub fn union(a: PxRect, b: PxRect) -> PxRect {
    let x = a.x.min(b.x);
    let y = a.y.min(b.y);
    PxRect {
        x,
        y,
        w: (a.x + a.w).max(b.x + b.w) - x,
        h: (a.y + a.h).max(b.y + b.h) - y,
    }
}

/// Whether (x, y) lies in `r`.
pub fn contains(r: PxRect, x: u32, y: u32) -> bool {
    x >= r.x && y >= r.y && x < r.x + r.w && y < r.y + r.h
}

/// Connected components of the pixels of `mask` equal to `value` (ink when true, paper
/// when false), with their label image (labelled by runs: [`super::components`]).
pub fn components(mask: &Ink, value: bool, conn: Connectivity) -> (Vec<Component>, Labels) {
    super::components::label(mask.rows(), value, conn)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A one-pixel crop of ink (a cell reduced to a dot) is one component, not a panic
    /// inside the labeller.
    #[test]
    fn one_pixel_ink_is_one_component() {
        let mut ink = Ink::new(1, 1);
        ink.set(0, 0, true);
        let (comps, labels) = components(&ink, true, Connectivity::Four);
        assert_eq!(comps.len(), 1);
        assert_eq!(
            comps.first().map(|c| (c.area, c.bbox.w, c.bbox.h)),
            Some((1, 1, 1))
        );
        assert_eq!(labels.at(0, 0), comps.first().map_or(0, |c| c.label));
    }

    /// The separable erosion keeps exactly the ink imageproc's L-infinity erosion keeps,
    /// on a mask of strokes, blobs and specks at every radius the symbols use, and on
    /// masks with no paper (kept, unless no larger than the radius).
    #[test]
    fn erosion_matches_imageprocs_square_erosion() {
        use imageproc::distance_transform::Norm;
        let mut ink = Ink::new(61, 43);
        for y in 0..43i64 {
            for x in 0..61i64 {
                let blob = (10..40).contains(&x) && (5..30).contains(&y);
                let stroke = x == 50 || y == 38 || (x + y) % 17 == 0;
                let speck = (x * 7 + y * 13) % 29 == 0;
                ink.set(x, y, (blob && !(x == 20 && y == 12)) || stroke || speck);
            }
        }
        let full = Ink {
            w: 6,
            h: 5,
            data: vec![true; 30],
        };
        for mask in [&ink, &full] {
            for k in [1u8, 2, 3, 5, 11, 20] {
                let theirs = Ink::from_foreground(&imageproc::morphology::erode(
                    &mask.to_foreground(),
                    Norm::LInf,
                    k,
                ));
                let ours = mask.eroded(u32::from(k));
                assert_eq!(ours.data, theirs.data, "radius {k}, {}x{}", mask.w, mask.h);
            }
        }
        // The blob's core survives a radius of 3; the strokes do not.
        let core = ink.eroded(3);
        assert!(core.get(30, 20) && !core.get(50, 10));
    }

    /// Paper components of a ring: the hole and the outside are two.
    #[test]
    fn ring_gives_hole_and_outside() {
        let mut ink = Ink::new(5, 5);
        for i in 1..4 {
            ink.set(i, 1, true);
            ink.set(i, 3, true);
            ink.set(1, i, true);
            ink.set(3, i, true);
        }
        let (comps, _) = components(&ink, false, Connectivity::Four);
        let mut areas: Vec<u32> = comps.iter().map(|c| c.area).collect();
        areas.sort_unstable();
        assert_eq!(areas, vec![1, 16]);
        assert!(comps.iter().all(|c| c.bbox.x + c.bbox.w <= 5));
    }

    /// Counting and clearing a rectangle that runs past the picture's edge touch only
    /// the part inside it, row by row.
    #[test]
    fn rectangles_past_the_edge_are_clipped() {
        let mut ink = Ink::new(6, 4);
        for (x, y) in [(0, 0), (4, 1), (5, 1), (5, 3), (2, 2)] {
            ink.set(x, y, true);
        }
        let r = PxRect {
            x: 4,
            y: 1,
            w: 9,
            h: 9,
        };
        assert_eq!(ink.count(r), 3);
        ink.clear_rect(r);
        assert_eq!(
            ink.count(PxRect {
                x: 0,
                y: 0,
                w: 6,
                h: 4
            }),
            2
        );
        assert!(ink.get(0, 0) && ink.get(2, 2) && !ink.get(5, 3));
        let round = Ink::from_foreground(&ink.to_foreground());
        assert_eq!(
            round.count(PxRect {
                x: 0,
                y: 0,
                w: 6,
                h: 4
            }),
            2
        );
        assert!(round.get(2, 2));
    }
}
