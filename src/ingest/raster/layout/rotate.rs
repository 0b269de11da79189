//! Rotating a gray picture about its centre (deskewing), row by row.
//!
//! The same pixels as imageproc's `rotate_about_center` with bilinear interpolation and a
//! constant paper border: the same inverse mapping of each output pixel (imageproc's
//! matrix, built with its own products in its own order), the same weights and the same
//! rounding; but the mapping is evaluated inline, a row's share of it once per row, and
//! the four source pixels are read straight from the rows where they lie inside the
//! picture, instead of a call per pixel to map it and a bounds-checked generic accessor
//! per source pixel (a scanned page's rotation was a sixth of its own time).

use image::GrayImage;

/// The level of the paper the rotation brings in at the picture's edges.
const PAPER: u8 = 255;

/// `gray` rotated clockwise by `theta` radians about its centre, paper filling the edges.
pub fn about_center(gray: &GrayImage, theta: f32) -> GrayImage {
    let (w, h) = gray.dimensions();
    let m = inverse_matrix(w, h, theta);
    let src = gray.as_raw();
    let (wi, hi) = (i64::from(w), i64::from(h));
    let mut out: Vec<u8> = Vec::with_capacity(w as usize * h as usize);
    for y in 0..h {
        // The products of the row's y, the same each pixel.
        let (my_x, my_y) = (m[1] * y as f32, m[4] * y as f32);
        for x in 0..w {
            let x = x as f32;
            let (px, py) = (m[0] * x + my_x + m[2], m[3] * x + my_y + m[5]);
            let (left, top) = (floor(px), floor(py));
            let (rw, bw) = (px - left as f32, py - top as f32);
            let [tl, tr, bl, br] = if left >= 0 && top >= 0 && left + 1 < wi && top + 1 < hi {
                // Inside: the two pixels of each of two rows, read as slices.
                let i = (top * wi + left) as usize;
                let row = w as usize;
                match (src.get(i..i + 2), src.get(i + row..i + row + 2)) {
                    (Some(&[a, b]), Some(&[c, d])) => [a, b, c, d],
                    _ => [PAPER; 4],
                }
            } else {
                [(0, 0), (1, 0), (0, 1), (1, 1)]
                    .map(|(dx, dy)| edge(src, wi, hi, left + dx, top + dy))
            };
            let blend = |a: u8, b: u8, t: f32| level((1.0 - t) * f32::from(a) + t * f32::from(b));
            out.push(blend(blend(tl, tr, rw), blend(bl, br, rw), bw));
        }
    }
    GrayImage::from_raw(w, h, out).unwrap_or_else(|| GrayImage::new(w, h))
}

/// The matrix mapping an output pixel to its pre-image in a `w` × `h` picture rotated
/// clockwise by `theta` about its centre, as imageproc composes it: the inverse of
/// translate(c) · rotate(θ) · translate(−c) is inv(translate(−c)) · (inv(rotate(θ)) ·
/// inv(translate(c))), each product by [`mul3x3`].
fn inverse_matrix(w: u32, h: u32, theta: f32) -> [f32; 9] {
    let (cx, cy) = (w as f32 / 2.0, h as f32 / 2.0);
    let (s, c) = theta.sin_cos();
    let back_to_centre = [1.0, 0.0, cx, 0.0, 1.0, cy, 0.0, 0.0, 1.0];
    let unrotate = [c, s, 0.0, -s, c, 0.0, 0.0, 0.0, 1.0];
    let to_origin = [1.0, 0.0, -cx, 0.0, 1.0, -cy, 0.0, 0.0, 1.0];
    mul3x3(back_to_centre, mul3x3(unrotate, to_origin))
}

/// The 3 × 3 product `a · b`, each entry summed left to right (imageproc's order, so the
/// matrix is the same to the last bit).
fn mul3x3(a: [f32; 9], b: [f32; 9]) -> [f32; 9] {
    let [a00, a01, a02, a10, a11, a12, a20, a21, a22] = a;
    let [b00, b01, b02, b10, b11, b12, b20, b21, b22] = b;
    [
        a00 * b00 + a01 * b10 + a02 * b20,
        a00 * b01 + a01 * b11 + a02 * b21,
        a00 * b02 + a01 * b12 + a02 * b22,
        a10 * b00 + a11 * b10 + a12 * b20,
        a10 * b01 + a11 * b11 + a12 * b21,
        a10 * b02 + a11 * b12 + a12 * b22,
        a20 * b00 + a21 * b10 + a22 * b20,
        a20 * b01 + a21 * b11 + a22 * b21,
        a20 * b02 + a21 * b12 + a22 * b22,
    ]
}

/// `v.floor() as i64` without the library call `floor` is on the baseline x86-64
/// target: truncation, one less where it rounded a negative value up.
fn floor(v: f32) -> i64 {
    let t = v as i64;
    if t as f32 > v { t - 1 } else { t }
}

/// The level at (x, y) of a `w` × `h` picture's samples `src`, paper outside it.
fn edge(src: &[u8], w: i64, h: i64, x: i64, y: i64) -> u8 {
    if x < 0 || y < 0 || x >= w || y >= h {
        return PAPER;
    }
    src.get((y * w + x) as usize).copied().unwrap_or(PAPER)
}

/// A blended value back to a level, cut towards zero and clamped (as imageproc does).
fn level(v: f32) -> u8 {
    if v < 255.0 {
        if v > 0.0 { v as u8 } else { 0 }
    } else {
        255
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use image::Luma;
    use imageproc::geometric_transformations::{Border, Interpolation, rotate_about_center};

    /// Pixel for pixel what imageproc's bilinear rotation gives, at small and larger
    /// angles either way, on a picture with strokes, gradients and edges.
    #[test]
    fn rotation_matches_imageproc_exactly() {
        for (w, h) in [(83, 57), (640, 480)] {
            let src = GrayImage::from_fn(w, h, |x, y| {
                Luma([if (20..24).contains(&x) || y == 30 {
                    0
                } else {
                    ((x * 13 + y * 7) % 256) as u8
                }])
            });
            same_as_imageproc(&src);
        }
    }

    fn same_as_imageproc(src: &GrayImage) {
        for degrees in [0.1f32, -0.14, -0.37, 1.5, -2.9, 12.0] {
            let theta = degrees.to_radians();
            let ours = about_center(src, theta);
            let theirs = rotate_about_center(
                src,
                theta,
                Interpolation::Bilinear,
                Border::Constant(Luma([255])),
            );
            assert_eq!(ours.as_raw(), theirs.as_raw(), "{degrees}°");
        }
    }

    /// The floor without the library call agrees with `f32::floor` on both signs, whole
    /// values and fractions.
    #[test]
    fn floor_agrees_with_the_library() {
        for v in [-2.5f32, -2.0, -0.25, -0.0, 0.0, 0.75, 1.0, 3.999, 1234.5] {
            assert_eq!(floor(v), v.floor() as i64, "{v}");
        }
    }
}
