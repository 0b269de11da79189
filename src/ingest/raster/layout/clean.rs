//! Cleaning a picture before its geometry is read: red spell-check squiggles out, gray,
//! deskewed, upscaled where its text is small, then binarised.

use image::{GrayImage, RgbImage};
use imageproc::contrast::otsu_level;
use imageproc::region_labelling::Connectivity;

use super::LayoutConfig;
use super::bitmap::{Ink, components};
use crate::ingest::raster::PxRect;

/// How much redder than its green and blue a pixel must be to count as a spell-check
/// squiggle (Word draws them pure red over black text).
const RED_MARGIN: u8 = 70;

/// The smallest red channel value of a squiggle pixel.
const RED_MIN: u8 = 140;

/// Pictures are measured for skew on a copy shrunk to at most this many pixels a side.
const SKEW_SAMPLE_SIDE: u32 = 900;

/// Step of the coarse skew search, in degrees.
const SKEW_STEP: f32 = 0.1;

/// Skews smaller than this (degrees) are left alone: rotating costs sharpness.
const SKEW_MIN: f32 = 0.08;

/// The picture in gray with red squiggles painted as paper.
pub fn gray_without_squiggles(picture: &RgbImage) -> GrayImage {
    let (w, h) = picture.dimensions();
    let raw = picture
        .as_raw()
        .chunks_exact(3)
        .map(|px| match px {
            [r, g, b] if *r >= RED_MIN && r.saturating_sub(*g.max(b)) >= RED_MARGIN => 255,
            [r, g, b] => {
                let l = (u32::from(*r) * 299 + u32::from(*g) * 587 + u32::from(*b) * 114) / 1000;
                l.min(255) as u8
            }
            _ => 255,
        })
        .collect();
    GrayImage::from_raw(w, h, raw).unwrap_or_else(|| GrayImage::new(w, h))
}

/// Side in pixels of the blocks the paper's brightness is measured in (a photographed
/// page is lit unevenly: its paper is darker in one corner than in another).
const LIGHT_BLOCK: u32 = 48;

/// Paper never measured darker than this level: a darker block is a solid dark area
/// (a scanner's black border), not dim paper, and is left as it is.
const MIN_PAPER: u8 = 96;

/// The picture with its lighting made even: each pixel divided by the paper's brightness
/// around it (the lightest level of its block and the eight around it, interpolated
/// between block centres), so that paper is white everywhere and ink keeps its contrast.
/// A picture on evenly white paper comes back the same.
pub fn even_lighting(gray: &GrayImage) -> GrayImage {
    let (w, h) = gray.dimensions();
    if w == 0 || h == 0 {
        return gray.clone();
    }
    let (bw, bh) = (
        w.div_ceil(LIGHT_BLOCK) as usize,
        h.div_ceil(LIGHT_BLOCK) as usize,
    );
    let paper = paper_levels(gray, bw, bh);
    if paper.iter().all(|&p| p >= 255.0) {
        // White paper everywhere (a screenshot, a clean scan): nothing to even out.
        return gray.clone();
    }
    let centre = |i: u32, n: usize| -> (usize, usize, f32) {
        let f = ((i as f32 + 0.5) / LIGHT_BLOCK as f32 - 0.5).clamp(0.0, (n - 1) as f32);
        let lo = f.floor() as usize;
        (lo, (lo + 1).min(n - 1), f - lo as f32)
    };
    let cols: Vec<(usize, usize, f32)> = (0..w).map(|x| centre(x, bw)).collect();
    let spans = block_spans(&cols);
    let mut out = Vec::with_capacity(gray.as_raw().len());
    let mut line = vec![255f32; bw];
    // The paper's level at each pixel of the row.
    let mut bgs = vec![255f32; w as usize];
    for (y, row) in gray.as_raw().chunks_exact(w as usize).enumerate() {
        let (y0, y1, fy) = centre(y as u32, bh);
        for (x, slot) in line.iter_mut().enumerate() {
            let a = paper.get(y0 * bw + x).copied().unwrap_or(255.0);
            let b = paper.get(y1 * bw + x).copied().unwrap_or(255.0);
            *slot = a + (b - a) * fy;
        }
        // Between two block centres the level is a line: its ends are looked up once a
        // span, the pixels blended in a loop the compiler vectorises.
        for span in &spans {
            let a = line.get(span.x0).copied().unwrap_or(255.0);
            let b = line.get(span.x1).copied().unwrap_or(255.0);
            let (Some(slots), Some(cols)) =
                (bgs.get_mut(span.px.clone()), cols.get(span.px.clone()))
            else {
                continue;
            };
            for (bg, &(_, _, fx)) in slots.iter_mut().zip(cols) {
                *bg = (a + (b - a) * fx).max(1.0);
            }
        }
        // Rounded half up (the value is never negative), without a libm call.
        out.extend(
            row.iter()
                .zip(&bgs)
                .map(|(&v, &bg)| (f32::from(v) * 255.0 / bg + 0.5).min(255.0) as u8),
        );
    }
    GrayImage::from_raw(w, h, out).unwrap_or_else(|| gray.clone())
}

/// A run of a row's pixels lying between the same two block centres.
struct Span {
    /// The pixels.
    px: std::ops::Range<usize>,
    /// The blocks whose levels are blended.
    x0: usize,
    x1: usize,
}

/// The runs of `cols` (per pixel: the two blocks blended and the blend) with the same
/// two blocks, left to right.
fn block_spans(cols: &[(usize, usize, f32)]) -> Vec<Span> {
    let mut spans: Vec<Span> = Vec::new();
    for (x, &(x0, x1, _)) in cols.iter().enumerate() {
        match spans.last_mut() {
            Some(s) if s.x0 == x0 && s.x1 == x1 => s.px.end = x + 1,
            _ => spans.push(Span {
                px: x..x + 1,
                x0,
                x1,
            }),
        }
    }
    spans
}

/// The paper's level per block of `LIGHT_BLOCK` pixels (`bw` × `bh` blocks, row by
/// row): the lightest pixel of the block and of the eight blocks around it, never
/// darker than `MIN_PAPER`.
fn paper_levels(gray: &GrayImage, bw: usize, bh: usize) -> Vec<f32> {
    let w = gray.width().max(1) as usize;
    let mut block = vec![0u8; bw * bh];
    for (y, row) in gray.as_raw().chunks_exact(w).enumerate() {
        let by = y / LIGHT_BLOCK as usize;
        for (bx, part) in row.chunks(LIGHT_BLOCK as usize).enumerate() {
            if let (Some(slot), Some(&m)) = (block.get_mut(by * bw + bx), part.iter().max()) {
                *slot = (*slot).max(m);
            }
        }
    }
    let at = |x: usize, y: usize| block.get(y * bw + x).copied().unwrap_or(255);
    (0..bh)
        .flat_map(|y| (0..bw).map(move |x| (x, y)))
        .map(|(x, y)| {
            let around = (y.saturating_sub(1)..(y + 2).min(bh))
                .flat_map(|yy| (x.saturating_sub(1)..(x + 2).min(bw)).map(move |xx| (xx, yy)));
            f32::from(
                around
                    .map(|(xx, yy)| at(xx, yy))
                    .max()
                    .unwrap_or(255)
                    .max(MIN_PAPER),
            )
        })
        .collect()
}

/// The ink of `gray` at `thr`, and where two neighbouring pixels (one above the other,
/// or side by side) are each lighter than ink but together as dark as one ink pixel,
/// with paper on both sides of the pair, the darker of the two: a one-pixel line
/// resampled between two rows or columns (deskewing, a scanner's own resampling). Inside
/// a word the pixels around such a pair are ink or blur, not paper, so letters do not
/// grow together. Paper is what is at least `paper` light (the [`reading_threshold`]).
pub fn ink_with_split_pairs(gray: &GrayImage, thr: u8, paper: u8) -> Ink {
    let mut ink = Ink::from_gray(gray, thr);
    let w = gray.width() as usize;
    // Two pixels of levels a and b hold one full pixel's darkness d when
    // (255 - a) + (255 - b) = 255 - d: a + b = 255 + d.
    let pair = SplitPair {
        thr: u32::from(thr),
        limit: 255 + u32::from(thr),
        paper: u32::from(paper),
    };
    let rows: Vec<&[u8]> = gray.as_raw().chunks_exact(w.max(1)).collect();
    for (y, four) in rows.windows(4).enumerate() {
        if let [up, row, down, down2] = *four {
            split_pairs_of_row(&pair, [up, row, down, down2], y + 1, &mut ink);
        }
    }
    ink
}

/// Marks in `ink` the darker pixel of each split pair whose first pixel lies on row `y`
/// (`rows`: the rows y - 1 to y + 2), pairing each pixel with the one below it and the
/// one right of it. The rows are walked as zipped slices, without a bounds check or a
/// branch per pixel before a pair is found (most pixels pair with nothing).
fn split_pairs_of_row<'a>(pair: &SplitPair, rows: [&'a [u8]; 4], y: usize, ink: &mut Ink) {
    let [up, row, down, down2] = rows;
    // The pixels x = 1 .. w - 3 are the pairs' first pixels.
    let n = row.len().saturating_sub(3);
    let from =
        |s: &'a [u8], start: usize| -> &'a [u8] { s.get(start..start + n).unwrap_or_default() };
    let (a, below, above, below2) = (from(row, 1), from(down, 1), from(up, 1), from(down2, 1));
    let (right, left, right2) = (from(row, 2), from(row, 0), from(row, 3));
    let vertical = a.iter().zip(below).zip(above).zip(below2);
    let horizontal = right.iter().zip(left).zip(right2);
    for (i, ((((&a, &b), &before), &after), ((&r, &left), &r2))) in
        vertical.zip(horizontal).enumerate()
    {
        let x = i + 1;
        let [a, b, before, after, r, left, r2] = [a, b, before, after, r, left, r2].map(u32::from);
        if pair.holds(a, b, before, after) {
            let ky = if a <= b { y } else { y + 1 };
            ink.set(x as i64, ky as i64, true);
        }
        if pair.holds(a, r, left, r2) {
            let kx = if a <= r { x } else { x + 1 };
            ink.set(kx as i64, y as i64, true);
        }
    }
}

/// The levels that make two neighbouring pixels one split ink pixel
/// ([`ink_with_split_pairs`]).
struct SplitPair {
    /// The ink threshold: each of the two is lighter.
    thr: u32,
    /// Their levels sum to less than this (255 + the threshold).
    limit: u32,
    /// The pixels before and after the pair are at least this light.
    paper: u32,
}

impl SplitPair {
    /// Whether `a` and its neighbour `b`, between `before` and `after`, are one split
    /// ink pixel: both lighter than ink, together as dark as one, paper around them.
    /// (With b at least the threshold, a + b < limit needs a < 255: white paper pairs
    /// with nothing.) Evaluated without short cuts, a branch-free test.
    fn holds(&self, a: u32, b: u32, before: u32, after: u32) -> bool {
        (a >= self.thr)
            & (b >= self.thr)
            & (a + b < self.limit)
            & (before >= self.paper)
            & (after >= self.paper)
    }
}

/// The ink threshold of a gray picture (Otsu's level; never darker than mid-gray's
/// lower half so a blank picture does not turn to ink).
pub fn threshold(gray: &GrayImage) -> u8 {
    otsu_level(gray).clamp(64, 224)
}

/// How far from the ink threshold towards the paper's level the picture the engine reads
/// is binarised (0: the ink threshold; 1: the paper itself). Lighter than the geometry's
/// threshold so a blurred scan's faint thin strokes (an i, an l, a j) stay letters.
const READ_LIGHTER: f32 = 0.5;

/// The threshold for the picture the engine reads: between the ink threshold `thr` and
/// the paper's level (the commonest gray lighter than `thr`), `READ_LIGHTER` of the way.
pub fn reading_threshold(gray: &GrayImage, thr: u8) -> u8 {
    ReadingLevels::of(gray, thr).read
}

/// A box's paper at least this many levels darker than the picture's is a tinted
/// background (a shaded header row), not the paper's own unevenness (a scan's paper
/// stays within some ten levels of its lightest once its lighting is made even).
const TINT_MIN: u8 = 24;

/// How far from the ink threshold towards the paper the letters of a box that close up
/// at the reading threshold are binarised instead (a quarter of the way: bold letters at
/// 150 dpi keep their counters and the gaps between them; half the way they merge).
const READ_LIGHTER_CLOSED: f32 = 0.25;

/// Holes of fewer pixels (in the picture the engine reads) are specks of paper in a
/// stroke, not counters.
const MIN_HOLE_AREA: u32 = 2;

/// The levels the picture the engine reads is binarised by: the ink threshold, the
/// paper's level and the reading threshold between them ([`reading_threshold`]); for
/// the picture, or for one text box ([`ReadingLevels::within`]).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ReadingLevels {
    /// The ink threshold (the geometry's).
    pub ink: u8,
    /// The paper's level: the commonest gray lighter than `ink`.
    pub paper: u8,
    /// The reading threshold, `READ_LIGHTER` of the way from `ink` to `paper`.
    pub read: u8,
}

impl ReadingLevels {
    /// The levels of `gray` with the ink threshold `thr`.
    pub fn of(gray: &GrayImage, thr: u8) -> ReadingLevels {
        let mut hist = [0u32; 256];
        add_levels(&mut hist, gray.as_raw());
        let paper = paper_level(&hist, thr);
        ReadingLevels {
            ink: thr,
            paper,
            read: between(thr, paper, READ_LIGHTER),
        }
    }

    /// The levels of the box `b` of `gray` (a cell's text, a free line).
    ///
    /// On the picture's paper they are the picture's. On a tinted background (a shaded
    /// header cell: the box's commonest gray lighter than the ink threshold is at least
    /// `TINT_MIN` levels darker than the paper) they are the picture's scaled by the tint
    /// over the paper, as if the tint were paper under a dimmer light: a pixel is ink
    /// where it holds the same share of ink as on white paper. At the picture's reading
    /// threshold the tint itself is nearly ink, and letters close up.
    pub fn within(&self, gray: &GrayImage, b: PxRect) -> ReadingLevels {
        let mut hist = [0u32; 256];
        let (w, h) = gray.dimensions();
        let (x0, x1) = (b.x.min(w) as usize, b.x.saturating_add(b.w).min(w) as usize);
        for y in b.y.min(h)..b.y.saturating_add(b.h).min(h) {
            let row = y as usize * w as usize;
            if let Some(levels) = gray.as_raw().get(row + x0..row + x1) {
                add_levels(&mut hist, levels);
            }
        }
        let tint = paper_level(&hist, self.ink);
        if u16::from(tint) + u16::from(TINT_MIN) > u16::from(self.paper) {
            return *self;
        }
        let dim =
            |v: u8| (u32::from(v) * u32::from(tint) / u32::from(self.paper.max(1))).min(255) as u8;
        ReadingLevels {
            ink: dim(self.ink),
            paper: tint,
            read: dim(self.read),
        }
    }

    /// The threshold the box `r` of `smooth` (the enlarged gray picture the engine's
    /// picture is binarised from) is read at: the reading threshold, unless its letters
    /// close up there, then the darker one `READ_LIGHTER_CLOSED` of the way from the ink
    /// to the paper. Letters close up when their counters do (at least half of their
    /// holes at the ink threshold — counters, the gaps of letters grown together — hold
    /// no pixel as light as the reading threshold: bold letters at 150 dpi), or when the
    /// gaps between them fill in (at least `MERGED_MAX` of the letters apart at the
    /// darker threshold touch a neighbour at the reading one: a tight, blurred line of
    /// stems — i, m, n, p — whose letters have no counters to close).
    pub fn threshold(&self, smooth: &GrayImage, r: PxRect) -> u8 {
        let darker = between(self.ink, self.paper, READ_LIGHTER_CLOSED).min(self.read);
        if self.counters_close(smooth, r) || gaps_fill_in(smooth, r, darker, self.read) {
            return darker;
        }
        self.read
    }

    /// Whether at least half of the holes of the box `r` of `smooth` at the ink threshold
    /// hold no pixel as light as the reading threshold.
    fn counters_close(&self, smooth: &GrayImage, r: PxRect) -> bool {
        let peaks = hole_peaks(smooth, r, self.ink, MIN_HOLE_AREA);
        let closing = peaks.iter().filter(|&&p| p < self.read).count();
        !peaks.is_empty() && closing * 2 >= peaks.len()
    }
}

/// A box whose letters apart at the darker threshold touch a neighbour at the reading
/// threshold in this share or more has its gaps filled in ([`ReadingLevels::threshold`]):
/// a letter in three. (Over the pictured pages at hand, the real ones and the held-out
/// set, the boxes above it losing no mark read as well or better at the darker threshold;
/// most lines have a few touching pairs at the lighter one — an "rt", an "ft" — under a
/// tenth of their letters.)
const MERGED_MAX: f32 = 1.0 / 3.0;

/// Boxes of fewer letters are too short for a share of merging letters to be told from
/// one tight pair.
const MIN_LETTERS: usize = 12;

/// Components of fewer pixels are specks, not letters.
const MIN_LETTER_AREA: u32 = 4;

/// Whether the gaps between the letters of the box `r` of `gray` fill in between the
/// darker threshold `dark` and the lighter `light`, and nothing is lost at `dark`: of the
/// letters at `dark` (8-connected components of at least `MIN_LETTER_AREA` pixels,
/// `MIN_LETTERS` at least), `MERGED_MAX` or more lie in one component at `light` with
/// another, and every mark at `light` of a letter's size holds a letter at `dark` (a
/// faint thin stroke — an i whose stem and dot a scan left light — keeps the lighter
/// threshold, which is what it is there for).
pub fn gaps_fill_in(gray: &GrayImage, r: PxRect, dark: u8, light: u8) -> bool {
    let m = Merging::of(gray, r, dark, light);
    m.letters >= MIN_LETTERS && m.lost == 0 && m.merged as f32 >= MERGED_MAX * m.letters as f32
}

/// How the letters of a box at a darker threshold join at a lighter one
/// ([`gaps_fill_in`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Merging {
    /// Letters at the darker threshold (components of at least `MIN_LETTER_AREA` px).
    pub letters: usize,
    /// Letters sharing their component at the lighter threshold with another: the
    /// letters less the components at the lighter threshold holding one.
    pub merged: usize,
    /// Marks at the lighter threshold of at least `MIN_LETTER_AREA` px holding no letter.
    pub lost: usize,
}

impl Merging {
    /// The merging of the letters of the box `r` of `gray` between `dark` and `light`.
    /// Every pixel darker than `dark` is darker than `light`, so each letter lies in one
    /// component at `light`.
    pub fn of(gray: &GrayImage, r: PxRect, dark: u8, light: u8) -> Merging {
        let r = super::bitmap::clip(r, gray.width(), gray.height());
        let crop = image::imageops::crop_imm(gray, r.x, r.y, r.w, r.h).to_image();
        let (letters, at_dark) =
            components(&Ink::from_gray(&crop, dark), true, Connectivity::Eight);
        let (marks, at_light) =
            components(&Ink::from_gray(&crop, light), true, Connectivity::Eight);
        let mut holders: Vec<u32> = letters
            .iter()
            .filter(|c| c.area >= MIN_LETTER_AREA)
            .filter_map(|c| {
                // A letter's first pixel lies on its top row.
                let y = c.bbox.y;
                let x = (c.bbox.x..c.bbox.x + c.bbox.w).find(|&x| at_dark.at(x, y) == c.label)?;
                Some(at_light.at(x, y))
            })
            .collect();
        let letters = holders.len();
        holders.sort_unstable();
        holders.dedup();
        let marks = marks.iter().filter(|c| c.area >= MIN_LETTER_AREA).count();
        Merging {
            letters,
            merged: letters - holders.len(),
            lost: marks.saturating_sub(holders.len()),
        }
    }
}

/// The level `share` of the way from `ink` to `paper` (never darker than `ink`).
fn between(ink: u8, paper: u8, share: f32) -> u8 {
    let t = f32::from(ink) + (f32::from(paper) - f32::from(ink)) * share;
    t.round().clamp(f32::from(ink), 255.0) as u8
}

/// The lightest level of each hole of the ink of `gray` in `r` at `thr` (a region of
/// paper, at least `thr` light and 4-connected, that does not reach `r`'s edge: a
/// letter's counter, the gap of two letters grown together), of at least `min_area`
/// pixels.
pub fn hole_peaks(gray: &GrayImage, r: PxRect, thr: u8, min_area: u32) -> Vec<u8> {
    let r = super::bitmap::clip(r, gray.width(), gray.height());
    let crop = image::imageops::crop_imm(gray, r.x, r.y, r.w, r.h).to_image();
    let (paper, labels) = components(&Ink::from_gray(&crop, thr), false, Connectivity::Four);
    // The lightest level of each region, by label (labels count from 1).
    let mut peak = vec![0u8; paper.len() + 1];
    for (x, y, px) in crop.enumerate_pixels() {
        if let Some(p) = peak.get_mut(labels.at(x, y) as usize) {
            *p = (*p).max(px.0[0]);
        }
    }
    let inside = |b: PxRect| b.x > 0 && b.y > 0 && b.x + b.w < r.w && b.y + b.h < r.h;
    paper
        .iter()
        .filter(|c| c.area >= min_area && inside(c.bbox))
        .filter_map(|c| peak.get(c.label as usize).copied())
        .collect()
}

/// Counts `levels` into `hist`.
fn add_levels(hist: &mut [u32; 256], levels: &[u8]) {
    for &v in levels {
        if let Some(n) = hist.get_mut(usize::from(v)) {
            *n += 1;
        }
    }
}

/// The commonest level of `hist` at least `thr` light (255 when there is none).
fn paper_level(hist: &[u32; 256], thr: u8) -> u8 {
    (usize::from(thr)..256)
        .max_by_key(|&v| hist.get(v).copied().unwrap_or(0))
        .map_or(255, |v| v.min(255) as u8)
}

/// The picture binarised at `thr` (ink 0, paper 255).
pub fn binarised(gray: &GrayImage, thr: u8) -> GrayImage {
    let (w, h) = gray.dimensions();
    let raw = gray
        .as_raw()
        .iter()
        .map(|&v| if v < thr { 0 } else { 255 })
        .collect();
    GrayImage::from_raw(w, h, raw).unwrap_or_else(|| GrayImage::new(w, h))
}

/// Binarises the box `r` of `reading` (clipped to it) anew from `gray` (of the same
/// size) at `thr` (ink 0, paper 255).
pub fn binarise_within(reading: &mut GrayImage, gray: &GrayImage, r: PxRect, thr: u8) {
    let (w, h) = reading.dimensions();
    if gray.dimensions() != (w, h) {
        return;
    }
    let (x0, x1) = (r.x.min(w) as usize, r.x.saturating_add(r.w).min(w) as usize);
    for y in r.y.min(h)..r.y.saturating_add(r.h).min(h) {
        let row = y as usize * w as usize;
        let (Some(to), Some(from)) = (
            reading.get_mut(row + x0..row + x1),
            gray.as_raw().get(row + x0..row + x1),
        ) else {
            continue;
        };
        for (t, &v) in to.iter_mut().zip(from) {
            *t = if v < thr { 0 } else { 255 };
        }
    }
}

/// The picture's skew in degrees (positive: its lines fall to the right), measured as
/// the angle whose row projection of the ink is sharpest, within ±`cfg.max_skew_degrees`.
pub fn skew(gray: &GrayImage, thr: u8, cfg: &LayoutConfig) -> f32 {
    let step = (gray.width().max(gray.height()) / SKEW_SAMPLE_SIDE).max(1);
    let mut pts: Vec<(f32, f32)> = Vec::new();
    for y in (0..gray.height()).step_by(step as usize) {
        for x in (0..gray.width()).step_by(step as usize) {
            if gray.get_pixel(x, y).0[0] < thr {
                pts.push(((x / step) as f32, (y / step) as f32));
            }
        }
    }
    if pts.is_empty() {
        return 0.0;
    }
    let rows = (gray.height() / step) as usize + 2;
    let sharpness = |deg: f32| -> f64 {
        let t = deg.to_radians().tan();
        let pad = (rows as f32 * 0.1 + (gray.width() / step) as f32 * t.abs()) as usize + 2;
        let mut hist = vec![0u32; rows + 2 * pad];
        for &(x, y) in &pts {
            let r = (y - x * t).round() as i64 + pad as i64;
            if let Some(h) = usize::try_from(r).ok().and_then(|r| hist.get_mut(r)) {
                *h += 1;
            }
        }
        hist.iter().map(|&c| f64::from(c) * f64::from(c)).sum()
    };
    let best = |lo: f32, hi: f32, step: f32| -> f32 {
        let n = ((hi - lo) / step).round() as i32;
        (0..=n)
            .map(|i| lo + i as f32 * step)
            .map(|d| (d, sharpness(d)))
            .fold((0.0f32, f64::MIN), |a, b| if b.1 > a.1 { b } else { a })
            .0
    };
    let max = cfg.max_skew_degrees;
    let coarse = best(-max, max, SKEW_STEP);
    best(coarse - SKEW_STEP, coarse + SKEW_STEP, SKEW_STEP / 5.0)
}

/// The picture rotated by `-degrees` (undoing a measured skew), paper filling the edges.
pub fn deskew(gray: &GrayImage, degrees: f32) -> GrayImage {
    if degrees.abs() < SKEW_MIN {
        return gray.clone();
    }
    super::rotate::about_center(gray, -degrees.to_radians())
}

/// Whether a skew is large enough to be undone.
pub fn worth_deskewing(degrees: f32) -> bool {
    degrees.abs() >= SKEW_MIN
}

/// Smallest height of a component counted as a letter, in pixels.
const MIN_GLYPH_PX: u32 = 4;

/// Letters are at most this wide for their height (wider blobs are words or lines).
const MAX_GLYPH_ASPECT: u32 = 2;

/// The usual height of a letter in pixels: the median height of the letter-sized
/// components (0 when the picture has none).
pub fn text_height(ink: &Ink) -> f32 {
    let (comps, _) = components(ink, true, Connectivity::Eight);
    let max_h = (ink.h / 12).max(MIN_GLYPH_PX + 1);
    let mut hs: Vec<u32> = comps
        .iter()
        .map(|c| c.bbox)
        .filter(|b| {
            b.h >= MIN_GLYPH_PX && b.h <= max_h && b.w <= b.h * MAX_GLYPH_ASPECT && b.w >= 2
        })
        .map(|b| b.h)
        .collect();
    if hs.is_empty() {
        return 0.0;
    }
    hs.sort_unstable();
    hs.get(hs.len() / 2).map(|&h| h as f32).unwrap_or(0.0)
}

/// The picture scaled by `factor` (smooth, so binarising it afterwards gives clean
/// strokes). A factor of 2 (the usual one) takes the integer path of [`double`]; any other
/// the general resampler.
pub fn upscale(gray: &GrayImage, factor: f32) -> GrayImage {
    if factor == 2.0 {
        return double(gray);
    }
    let w = (gray.width() as f32 * factor).round().max(1.0) as u32;
    let h = (gray.height() as f32 * factor).round().max(1.0) as u32;
    image::imageops::resize(gray, w, h, image::imageops::FilterType::Triangle)
}

/// The picture at twice its size, interpolated bilinearly as the triangle resampler
/// does (each new pixel 3/4 of its nearest source pixel and 1/4 of the next one along
/// each axis, edges repeated), in integers, row by row: the general resampler spent a
/// third of a scanned page's own time here.
pub fn double(gray: &GrayImage) -> GrayImage {
    let (w, h) = gray.dimensions();
    if w == 0 || h == 0 {
        return GrayImage::new(w * 2, h * 2);
    }
    let rows: Vec<&[u8]> = gray.as_raw().chunks_exact(w as usize).collect();
    let mut out = vec![0u8; rows.len() * 4 * w as usize];
    // One output row's vertical blend.
    let mut blend: Vec<u32> = Vec::with_capacity(w as usize);
    for (oy, orow) in out.chunks_exact_mut(2 * w as usize).enumerate() {
        // Output row 2i + a lies at source row i - 1/4 (a = 0) or i + 1/4 (a = 1).
        let y = oy / 2;
        let yn = if oy.is_multiple_of(2) {
            y.saturating_sub(1)
        } else {
            (y + 1).min(rows.len() - 1)
        };
        let (Some(near), Some(next)) = (rows.get(y), rows.get(yn)) else {
            continue;
        };
        blend.clear();
        blend.extend(
            near.iter()
                .zip(next.iter())
                .map(|(a, b)| 3 * u32::from(*a) + u32::from(*b)),
        );
        double_row(&blend, orow);
    }
    GrayImage::from_raw(w * 2, h * 2, out).unwrap_or_else(|| GrayImage::new(w * 2, h * 2))
}

/// One output row of [`double`] from its vertical blend: each blend value's two output
/// pixels, 3/4 of it and 1/4 of its left (then right) neighbour, the edge values
/// repeated past the ends.
fn double_row(blend: &[u32], orow: &mut [u8]) {
    let last = blend.len().saturating_sub(1);
    for (x, (pair, &mid)) in orow.chunks_exact_mut(2).zip(blend).enumerate() {
        let left = blend.get(x.saturating_sub(1)).copied().unwrap_or(mid);
        let right = blend.get((x + 1).min(last)).copied().unwrap_or(mid);
        if let [l, r] = pair {
            *l = to_level(3 * mid + left);
            *r = to_level(3 * mid + right);
        }
    }
}

/// A sum of sixteen weighted levels back to one level, rounded.
fn to_level(sum: u32) -> u8 {
    ((sum + 8) / 16).min(255) as u8
}

#[cfg(test)]
mod tests {
    use super::*;
    use image::Luma;

    #[test]
    fn uneven_lighting_is_made_even_and_white_paper_is_left_as_it_is() {
        // Paper falling from 250 to 110 left to right (a photo's shadow), with ink
        // strokes at a fifth of the paper's level.
        let lit = |x: u32| 250.0 - 140.0 * x as f32 / 399.0;
        let gray = GrayImage::from_fn(400, 200, |x, y| {
            let ink = x % 50 < 3 || y % 50 < 3;
            let v = if ink { lit(x) * 0.2 } else { lit(x) };
            Luma([v.round() as u8])
        });
        let even = even_lighting(&gray);
        // Paper is light everywhere, the dim right side included (a little less where
        // the light falls fastest: the paper level is the lightest nearby); ink stays dark.
        for (x, y) in [(25, 25), (225, 125), (375, 175), (390, 30)] {
            assert!(even.get_pixel(x, y).0[0] >= 200, "paper at {x},{y}");
        }
        for (x, y) in [(1, 25), (201, 125), (351, 175), (375, 101)] {
            assert!(even.get_pixel(x, y).0[0] <= 70, "ink at {x},{y}");
        }
        // One threshold now tells ink from paper on both sides.
        let thr = threshold(&even);
        assert!(even.get_pixel(375, 175).0[0] >= thr && even.get_pixel(351, 175).0[0] < thr);
        let white = GrayImage::from_fn(100, 60, |x, _| Luma([if x % 20 < 2 { 0 } else { 255 }]));
        assert_eq!(even_lighting(&white), white);
    }

    #[test]
    fn a_hairline_resampled_over_two_rows_stays_one_unbroken_line_and_words_do_not_grow() {
        // A one-pixel line at row 20 whose middle third lies half in row 20, half in
        // row 21 (as deskewing leaves a stepped hairline): 128 in both rows.
        let mut gray = GrayImage::from_pixel(120, 60, Luma([250]));
        for x in 10..110 {
            if (40..80).contains(&x) {
                gray.put_pixel(x, 20, Luma([128]));
                gray.put_pixel(x, 21, Luma([128]));
            } else {
                gray.put_pixel(x, 20, Luma([0]));
            }
        }
        // A blurred word: dark letters with gray gaps between them.
        for x in 10..110 {
            let v = if x % 6 < 4 { 20 } else { 140 };
            for y in 40..50 {
                gray.put_pixel(x, y, Luma([v]));
            }
        }
        let thr = 100;
        let plain = Ink::from_gray(&gray, thr);
        assert!(
            !plain.get(60, 20) && !plain.get(60, 21),
            "the plain ink breaks the line"
        );
        let ink = ink_with_split_pairs(&gray, thr, reading_threshold(&gray, thr));
        assert!((10..110).all(|x| ink.get(x, 20) || ink.get(x, 21)));
        // Only one of the two rows is taken: the line stays thin.
        assert!((40..80).all(|x| !(ink.get(x, 20) && ink.get(x, 21))));
        // The word's gray gaps stay paper (ink above and below them, not paper).
        assert!(!ink.get(64, 45) && !ink.get(65, 45));
    }

    /// The split-pair ink found row by row on zipped slices is the ink of the plain
    /// per-pixel rule (each pixel with the one below and the one right of it), on a
    /// picture of hairlines split at every level, paper noise and blurred words.
    #[test]
    fn split_pairs_row_by_row_are_those_of_the_per_pixel_rule() {
        let gray = GrayImage::from_fn(97, 61, |x, y| {
            let v = (x * 37 + y * 91 + x * y) % 256;
            Luma([match (x % 11, y % 7) {
                (0, _) | (_, 0) => (v / 2 + 60) as u8,
                (1, _) | (_, 1) => (v / 2 + 90) as u8,
                _ => (200 + v % 56) as u8,
            }])
        });
        let (thr, paper) = (110u8, 190u8);
        let fast = ink_with_split_pairs(&gray, thr, paper);
        let mut want = Ink::from_gray(&gray, thr);
        let (w, h) = (97i64, 61i64);
        let level = |x: i64, y: i64| u32::from(gray.get_pixel(x as u32, y as u32).0[0]);
        let (t, limit, p) = (u32::from(thr), 255 + u32::from(thr), u32::from(paper));
        let mut found = 0;
        for y in 1..h - 2 {
            for x in 1..w - 2 {
                let a = level(x, y);
                for (dx, dy) in [(0, 1), (1, 0)] {
                    let b = level(x + dx, y + dy);
                    let (before, after) = (level(x - dx, y - dy), level(x + 2 * dx, y + 2 * dy));
                    if a >= t && b >= t && a + b < limit && before >= p && after >= p {
                        let (kx, ky) = if a <= b { (x, y) } else { (x + dx, y + dy) };
                        want.set(kx, ky, true);
                        found += 1;
                    }
                }
            }
        }
        assert!(found > 20, "the picture holds split pairs: {found}");
        for y in 0..h {
            for x in 0..w {
                assert_eq!(fast.get(x, y), want.get(x, y), "at {x},{y}");
            }
        }
    }

    /// Doubling a picture one pixel wide or tall repeats its edge as the resampler does.
    #[test]
    fn doubling_a_one_pixel_strip_matches_the_resampler() {
        for (w, h) in [(1, 9), (9, 1), (1, 1), (2, 3)] {
            let src = GrayImage::from_fn(w, h, |x, y| Luma([(x * 90 + y * 29) as u8]));
            let fast = double(&src);
            let slow =
                image::imageops::resize(&src, 2 * w, 2 * h, image::imageops::FilterType::Triangle);
            assert_eq!(fast.dimensions(), (2 * w, 2 * h));
            for (a, b) in fast.pixels().zip(slow.pixels()) {
                assert!(
                    (i32::from(a.0[0]) - i32::from(b.0[0])).abs() <= 1,
                    "{w}x{h}"
                );
            }
        }
        assert_eq!(double(&GrayImage::new(0, 4)).dimensions(), (0, 8));
    }

    /// A 12 px ring (a letter's bowl) at (`x`, `y`) of ink 20 on `paper`, its counter
    /// `hole` px wide at the level `counter` (a bold letter's counter blurred shut to a
    /// gray, or an open one at the paper's level).
    fn ring(img: &mut GrayImage, x: u32, y: u32, hole: u32, counter: u8) {
        let lo = (12 - hole) / 2;
        for dy in 0..12 {
            for dx in 0..12 {
                let inside = (lo..lo + hole).contains(&dx) && (lo..lo + hole).contains(&dy);
                img.put_pixel(x + dx, y + dy, Luma([if inside { counter } else { 20 }]));
            }
        }
    }

    #[test]
    fn a_shaded_box_reads_at_levels_scaled_by_its_tint_and_a_white_one_at_the_pictures() {
        // White paper, and a header cell shaded at 217 (Word's 15 % gray).
        let mut gray = GrayImage::from_pixel(300, 100, Luma([255]));
        for y in 10..50 {
            for x in 10..290 {
                gray.put_pixel(x, y, Luma([217]));
            }
        }
        for i in 0..8 {
            ring(&mut gray, 20 + i * 30, 20, 4, 217);
            ring(&mut gray, 20 + i * 30, 70, 4, 255);
        }
        let page = ReadingLevels::of(&gray, 128);
        assert_eq!(page.paper, 255);
        let white = PxRect {
            x: 15,
            y: 65,
            w: 260,
            h: 22,
        };
        assert_eq!(page.within(&gray, white), page);
        let shaded = page.within(&gray, PxRect { y: 15, ..white });
        assert_eq!(shaded.paper, 217);
        let want = u32::from(page.read) * 217 / 255;
        assert_eq!(u32::from(shaded.read), want, "{page:?} {shaded:?}");
        // The tint itself stays paper, as white paper does at the picture's threshold.
        assert!(shaded.read < 217 && shaded.ink < shaded.read);
    }

    #[test]
    fn letters_whose_counters_close_up_are_read_darker_open_ones_at_the_reading_threshold() {
        let levels = ReadingLevels {
            ink: 166,
            paper: 255,
            read: 211,
        };
        let all = PxRect {
            x: 0,
            y: 0,
            w: 200,
            h: 30,
        };
        // Bold letters: narrow counters that only reach 190 (paper at the ink threshold,
        // ink at the reading threshold), and one open counter.
        let mut bold = GrayImage::from_pixel(200, 30, Luma([255]));
        for i in 0..4 {
            ring(&mut bold, 5 + i * 16, 8, 2, 190);
        }
        ring(&mut bold, 5 + 4 * 16, 8, 4, 250);
        let quarter = 166 + ((255.0 - 166.0) * READ_LIGHTER_CLOSED).round() as u8;
        assert_eq!(levels.threshold(&bold, all), quarter);
        // At that threshold the counters are paper again.
        assert!(quarter <= 190);
        // Regular letters: open counters, one narrow one among them.
        let mut regular = GrayImage::from_pixel(200, 30, Luma([255]));
        for i in 0..4 {
            ring(&mut regular, 5 + i * 16, 8, 4, 250);
        }
        ring(&mut regular, 5 + 4 * 16, 8, 2, 190);
        assert_eq!(levels.threshold(&regular, all), 211);
        // Letters with no holes at all (an "l", a "T") keep the reading threshold.
        let plain = GrayImage::from_pixel(200, 30, Luma([255]));
        assert_eq!(levels.threshold(&plain, all), 211);
        // Paper around the letters (reaching the box's edge) is no hole.
        assert_eq!(hole_peaks(&regular, all, 166, MIN_HOLE_AREA).len(), 5);
    }

    /// Weight of a word's strokes: their width in ems.
    #[derive(Clone, Copy, Debug)]
    enum Weight {
        Regular,
        Bold,
    }

    impl Weight {
        fn stem(self) -> f32 {
            match self {
                Weight::Regular => 0.09,
                Weight::Bold => 0.15,
            }
        }
    }

    /// Top of the x-height, baseline, descender and dot, in ems from the top.
    const X_TOP: f32 = 0.25;
    const BASE: f32 = 0.77;
    const DESC: f32 = 0.97;
    const DOT: f32 = 0.08;

    /// The rectangles (ems, from the glyph's left edge) of one of the letters i, m, n, p,
    /// a (any other letter) or a space, drawn with stems `s` wide, and the glyph's width:
    /// letters of stems, arches and bowls, like a sans serif's.
    fn glyph(c: char, s: f32) -> (Vec<[f32; 4]>, f32) {
        let bar = |w: f32| [0.0, X_TOP, w, X_TOP + s * 0.8];
        let stem = |x: f32, bottom: f32| [x, X_TOP, x + s, bottom];
        let ring = |w: f32, top: f32| {
            vec![
                [0.0, top, w, top + s * 0.8],
                [0.0, BASE - s * 0.8, w, BASE],
                [0.0, top, s, BASE],
                [w - s, top, w, BASE],
            ]
        };
        match c {
            ' ' => (Vec::new(), 0.28 - s),
            'i' => (vec![stem(0.0, BASE), [0.0, DOT, s, DOT + s]], s),
            'n' => (vec![stem(0.0, BASE), stem(0.45 - s, BASE), bar(0.45)], 0.45),
            'm' => {
                let w = 0.72;
                let mid = (w - s) / 2.0;
                (
                    vec![stem(0.0, BASE), stem(mid, BASE), stem(w - s, BASE), bar(w)],
                    w,
                )
            }
            'p' => {
                let mut r = ring(0.47, X_TOP);
                r.push(stem(0.0, DESC));
                (r, 0.47)
            }
            _ => {
                let mut r = ring(0.44, (X_TOP + BASE) / 2.0);
                r.extend([bar(0.44), stem(0.44 - s, BASE)]);
                (r, 0.44)
            }
        }
    }

    /// `word` (of the letters of [`glyph`]) at `dpi` in 10 pt type, its letters `gap` ems
    /// apart, anti-aliased (drawn four times finer and averaged), ink at 20 on white
    /// paper, blurred by `blur` pixels (a scanner's or a JPEG's softness); with the
    /// letter `faint`, if any, drawn only a quarter as dark.
    fn word_picture(
        word: &str,
        weight: Weight,
        dpi: f32,
        gap: f32,
        blur: f32,
        faint: Option<usize>,
    ) -> GrayImage {
        const FINE: u32 = 4;
        let em = 10.0 / 72.0 * dpi * FINE as f32;
        let s = weight.stem();
        let mut rects: Vec<([f32; 4], f32)> = Vec::new();
        let mut x = 0.3;
        for (i, c) in word.chars().enumerate() {
            let (rs, w) = glyph(c, s);
            let dark = if faint == Some(i) { 0.25 } else { 1.0 };
            rects.extend(
                rs.into_iter()
                    .map(|[x0, y0, x1, y1]| ([x0 + x, y0, x1 + x, y1], dark)),
            );
            x += w + gap;
        }
        let (w, h) = (((x + 0.3) * em) as u32, (1.1 * em) as u32);
        let fine = GrayImage::from_fn(w, h, |px, py| {
            let (fx, fy) = (px as f32 / em, py as f32 / em);
            let cover = rects
                .iter()
                .filter(|([x0, y0, x1, y1], _)| fx >= *x0 && fx < *x1 && fy >= *y0 && fy < *y1)
                .map(|(_, d)| *d)
                .fold(0.0f32, f32::max);
            Luma([(255.0 - cover * 235.0) as u8])
        });
        let small = image::imageops::resize(
            &fine,
            w / FINE,
            h / FINE,
            image::imageops::FilterType::Triangle,
        );
        image::imageops::blur(&small, blur)
    }

    /// The levels of the page the test words stand on (those of the 150 dpi in-cell
    /// flowchart: ink threshold 166 on white paper).
    const PAGE: ReadingLevels = ReadingLevels {
        ink: 166,
        paper: 255,
        read: 211,
    };

    /// The threshold the whole of `gray` is read at as one text box on a page of levels
    /// [`PAGE`], on the picture the engine reads (doubled where its letters are small, as
    /// at 150 dpi), and the merging.
    fn word_threshold(gray: &GrayImage) -> (u8, Merging) {
        let smooth = if gray.height() < 40 {
            double(gray)
        } else {
            gray.clone()
        };
        let all = PxRect {
            x: 0,
            y: 0,
            w: smooth.width(),
            h: smooth.height(),
        };
        let darker = between(PAGE.ink, PAGE.paper, READ_LIGHTER_CLOSED);
        (
            PAGE.threshold(&smooth, all),
            Merging::of(&smooth, all, darker, PAGE.read),
        )
    }

    /// A line of stem letters set tight (a sans serif's own spacing, 0.09 em), lightly
    /// blurred.
    const LINE: &str = "pinpiman pinpiman";
    const GAP: f32 = 0.09;
    const LIGHT_BLUR: f32 = 0.4;

    #[test]
    fn a_tight_line_of_stems_whose_gaps_fill_in_at_150_dpi_is_read_darker() {
        let darker = between(PAGE.ink, PAGE.paper, READ_LIGHTER_CLOSED);
        for weight in [Weight::Regular, Weight::Bold] {
            let line = word_picture(LINE, weight, 150.0, GAP, LIGHT_BLUR, None);
            let (thr, m) = word_threshold(&line);
            // Apart at the darker threshold (the two words' letters, a regular i's dot
            // apart from its stem), a third or more touching a neighbour at the reading
            // one, none lost.
            assert!(m.letters >= MIN_LETTERS, "{weight:?} {m:?}");
            assert!(
                m.merged as f32 >= MERGED_MAX * m.letters as f32,
                "{weight:?} {m:?}"
            );
            assert_eq!(m.lost, 0, "{weight:?}");
            assert_eq!(thr, darker, "{weight:?} {m:?}");
            // Their counters stay open: only the gaps between the letters tell that the
            // line closes up.
            let smooth = double(&line);
            let all = PxRect {
                x: 0,
                y: 0,
                w: smooth.width(),
                h: smooth.height(),
            };
            assert!(!PAGE.counters_close(&smooth, all), "{weight:?}");
        }
    }

    #[test]
    fn the_same_line_at_200_and_300_dpi_keeps_its_gaps_and_the_reading_threshold() {
        for weight in [Weight::Regular, Weight::Bold] {
            for dpi in [200.0, 300.0] {
                let line = word_picture(LINE, weight, dpi, GAP, LIGHT_BLUR, None);
                let (thr, m) = word_threshold(&line);
                assert!(m.letters >= MIN_LETTERS, "{weight:?} {dpi} {m:?}");
                assert_eq!(m.merged, 0, "{weight:?} {dpi} {m:?}");
                assert_eq!(thr, PAGE.read, "{weight:?} {dpi}");
            }
        }
    }

    #[test]
    fn a_tight_line_with_a_faint_letter_keeps_the_reading_threshold() {
        // The second letter (an i) drawn a quarter as dark: ink at the reading threshold
        // only, the faint thin stroke the reading threshold is there to keep.
        let line = word_picture(LINE, Weight::Regular, 150.0, GAP, LIGHT_BLUR, Some(1));
        let (thr, m) = word_threshold(&line);
        assert!(m.lost >= 1, "{m:?}");
        assert_eq!(thr, PAGE.read);
    }

    #[test]
    fn doubling_matches_the_triangle_resampler_within_one_level() {
        // A picture with a stroke, a gradient and edges.
        let src = GrayImage::from_fn(37, 23, |x, y| {
            Luma([if (10..14).contains(&x) {
                0
            } else {
                ((x * 7 + y * 11) % 256) as u8
            }])
        });
        let fast = double(&src);
        let slow = image::imageops::resize(&src, 74, 46, image::imageops::FilterType::Triangle);
        assert_eq!(fast.dimensions(), slow.dimensions());
        let worst = fast
            .pixels()
            .zip(slow.pixels())
            .map(|(a, b)| (i32::from(a.0[0]) - i32::from(b.0[0])).abs())
            .max()
            .unwrap_or(0);
        assert!(worst <= 1, "largest difference {worst}");
    }
}
