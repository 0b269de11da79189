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
