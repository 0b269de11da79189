//! A binary ink mask with bounds-checked access, and its connected components.

use image::{GrayImage, Luma};
use imageproc::region_labelling::{Connectivity, connected_components};

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
            data: gray.pixels().map(|p| p.0[0] < threshold).collect(),
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

    /// Clears (sets to paper) every pixel of `r`.
    pub fn clear_rect(&mut self, r: PxRect) {
        for y in r.y..r.y.saturating_add(r.h) {
            for x in r.x..r.x.saturating_add(r.w) {
                self.set(i64::from(x), i64::from(y), false);
            }
        }
    }

    /// The number of ink pixels in `r`.
    pub fn count(&self, r: PxRect) -> u32 {
        let mut n = 0;
        for y in r.y..r.y.saturating_add(r.h) {
            for x in r.x..r.x.saturating_add(r.w) {
                n += u32::from(self.get(i64::from(x), i64::from(y)));
            }
        }
        n
    }

    /// The mask as a gray image: ink 0, paper 255 (what OCR reads).
    pub fn to_gray(&self) -> GrayImage {
        GrayImage::from_fn(self.w, self.h, |x, y| {
            Luma([if self.get(i64::from(x), i64::from(y)) {
                0
            } else {
                255
            }])
        })
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

/// A component's extent while it is measured: x0, y0, x1, y1 (inclusive), pixels.
type Extent = (u32, u32, u32, u32, u32);

/// Connected components of the pixels of `mask` equal to `value` (ink when true, paper
/// when false), with their label image.
pub fn components(mask: &Ink, value: bool, conn: Connectivity) -> (Vec<Component>, Labels) {
    // One background column is added on the right: imageproc 0.27 sizes its label forest
    // by the pixel count while numbering labels from 1, so a picture where every pixel is
    // its own component (a dithered scan, a 1-pixel crop) overruns it. With the padding
    // there are always fewer labels than pixels; the column itself is never labelled.
    let mut raw: Vec<u8> = Vec::with_capacity((mask.w as usize + 1) * mask.h as usize);
    for row in mask.data.chunks_exact(mask.w.max(1) as usize) {
        raw.extend(row.iter().map(|&p| u8::from(p == value)));
        raw.push(0);
    }
    let (pw, ph) = (mask.w.saturating_add(1), mask.h);
    let img = GrayImage::from_raw(pw, ph, raw).unwrap_or_else(|| GrayImage::new(pw, ph));
    let labels = connected_components(&img, conn, Luma([0u8]));
    let mut boxes: Vec<Option<Extent>> = Vec::new();
    for (x, y, l) in labels.enumerate_pixels() {
        let l = l.0[0] as usize;
        if l == 0 {
            continue;
        }
        if boxes.len() <= l {
            boxes.resize(l + 1, None);
        }
        if let Some(slot) = boxes.get_mut(l) {
            *slot = Some(match *slot {
                None => (x, y, x, y, 1),
                Some((x0, y0, x1, y1, n)) => (x0.min(x), y0.min(y), x1.max(x), y1.max(y), n + 1),
            });
        }
    }
    let comps = boxes
        .iter()
        .enumerate()
        .filter_map(|(l, b)| {
            b.map(|(x0, y0, x1, y1, n)| Component {
                bbox: PxRect {
                    x: x0,
                    y: y0,
                    w: x1 - x0 + 1,
                    h: y1 - y0 + 1,
                },
                area: n,
                label: l as u32,
            })
        })
        .collect();
    (comps, Labels(labels))
}

/// A label image from [`components`].
pub struct Labels(image::ImageBuffer<Luma<u32>, Vec<u32>>);

impl Labels {
    /// The label at (x, y) (0 for the other value or outside).
    pub fn at(&self, x: u32, y: u32) -> u32 {
        self.0.get_pixel_checked(x, y).map(|p| p.0[0]).unwrap_or(0)
    }
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

    /// Paper components of a ring: the hole and the outside are two, measured without the
    /// padding column the labeller is given.
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
}
