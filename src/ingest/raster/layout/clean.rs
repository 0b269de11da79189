//! Cleaning a picture before its geometry is read: red spell-check squiggles out, gray,
//! deskewed, upscaled where its text is small, then binarised.

use image::{GrayImage, RgbImage};
use imageproc::contrast::otsu_level;
use imageproc::region_labelling::Connectivity;

use super::LayoutConfig;
use super::bitmap::{Ink, components};

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
    let mut hist = [0u32; 256];
    for p in gray.pixels() {
        if let Some(n) = hist.get_mut(usize::from(p.0[0])) {
            *n += 1;
        }
    }
    let paper = (usize::from(thr)..256)
        .max_by_key(|&v| hist.get(v).copied().unwrap_or(0))
        .unwrap_or(255) as f32;
    let t = f32::from(thr) + (paper - f32::from(thr)) * READ_LIGHTER;
    t.round().clamp(f32::from(thr), 255.0) as u8
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
