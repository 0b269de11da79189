//! Geometry of a picture: cleaning, the table grid, cells and flowchart shapes.
//! (Skeleton: helper A fills it.)

use super::RasterLayout;

/// Finds the tables, cells and shapes of `picture`.
pub fn analyse(picture: &image::RgbImage) -> RasterLayout {
    RasterLayout {
        image: image::DynamicImage::ImageRgb8(picture.clone()).to_luma8(),
        scale: 1.0,
        ..RasterLayout::default()
    }
}
