//! Rotating a gray picture about its centre (deskewing), row by row.
//!
//! The same pixels as imageproc's `rotate_about_center` with bilinear interpolation and a
//! constant paper border: the same inverse mapping of each output pixel (imageproc's own
//! `Projection`), the same weights and the same rounding, but with the four source pixels
//! read straight from the rows where they lie inside the picture, instead of through a
//! bounds-checked generic accessor per pixel (a scanned page's rotation was a sixth of
//! its own time).

use image::GrayImage;
use imageproc::geometric_transformations::Projection;

/// The level of the paper the rotation brings in at the picture's edges.
const PAPER: u8 = 255;

/// `gray` rotated clockwise by `theta` radians about its centre, paper filling the edges.
pub fn about_center(gray: &GrayImage, theta: f32) -> GrayImage {
    let (w, h) = gray.dimensions();
    let (cx, cy) = (w as f32 / 2.0, h as f32 / 2.0);
    // The output pixel's pre-image, exactly as imageproc's warp maps it.
    let inverse = (Projection::translate(cx, cy)
        * Projection::rotate(theta)
        * Projection::translate(-cx, -cy))
    .invert();
    let src = gray.as_raw();
    let (wi, hi) = (i64::from(w), i64::from(h));
    let at = |x: i64, y: i64| -> f32 {
        if x < 0 || y < 0 || x >= wi || y >= hi {
            return f32::from(PAPER);
        }
        let i = (y * wi + x) as usize;
        f32::from(src.get(i).copied().unwrap_or(PAPER))
    };
    let mut out: Vec<u8> = Vec::with_capacity(w as usize * h as usize);
    for y in 0..h {
        for x in 0..w {
            let (px, py) = inverse * (x as f32, y as f32);
            let (left, top) = (px.floor() as i64, py.floor() as i64);
            let (rw, bw) = (px - left as f32, py - top as f32);
            let upper = level((1.0 - rw) * at(left, top) + rw * at(left + 1, top));
            let lower = level((1.0 - rw) * at(left, top + 1) + rw * at(left + 1, top + 1));
            out.push(level((1.0 - bw) * f32::from(upper) + bw * f32::from(lower)));
        }
    }
    GrayImage::from_raw(w, h, out).unwrap_or_else(|| GrayImage::new(w, h))
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
        let src = GrayImage::from_fn(83, 57, |x, y| {
            Luma([if (20..24).contains(&x) || y == 30 {
                0
            } else {
                ((x * 13 + y * 7) % 256) as u8
            }])
        });
        for degrees in [0.1f32, -0.37, 1.5, -2.9, 12.0] {
            let theta = degrees.to_radians();
            let ours = about_center(&src, theta);
            let theirs = rotate_about_center(
                &src,
                theta,
                Interpolation::Bilinear,
                Border::Constant(Luma([255])),
            );
            assert_eq!(ours.as_raw(), theirs.as_raw(), "{degrees}°");
        }
    }
}
