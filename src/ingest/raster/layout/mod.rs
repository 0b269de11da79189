//! Geometry of a picture: cleaning ([`clean`]), straight strokes ([`segments`]) and the
//! rulings drawn in pieces they make ([`rulings`]), the
//! table grid ([`grid`]), flowchart symbols and connectors ([`shapes`]) and where text
//! stands ([`text`]).

pub mod bitmap;
pub mod clean;
pub mod components;
pub mod grid;
mod rotate;
pub mod rulings;
mod scaled;
pub mod segments;
pub mod shapes;
pub mod text;

use super::{PxRect, RasterLayout};
use bitmap::{Ink, grow};

/// Settings of the geometry stage.
#[derive(Clone, Debug)]
pub struct LayoutConfig {
    /// Largest skew undone, in degrees either way.
    pub max_skew_degrees: f32,
    /// Pictures whose letters are shorter than this (pixels) are upscaled before reading.
    pub small_text_px: f32,
    /// The upscale factor for small text.
    pub upscale: f32,
}

impl Default for LayoutConfig {
    fn default() -> Self {
        LayoutConfig {
            max_skew_degrees: 3.0,
            small_text_px: 12.0,
            upscale: 2.0,
        }
    }
}

/// Letter height assumed when a picture has no letters to measure.
const FALLBACK_TEXT_PX: f32 = 12.0;
/// Strokes shorter than this many letter heights are letters' parts, not lines.
const MIN_STROKE: f32 = 1.0;
/// Strokes thicker than this share of a letter height are filled areas, not lines.
const MAX_STROKE_THICK: f32 = 0.45;
/// Breaks along a stroke up to this share of a letter height are bridged (scan dropouts).
const STROKE_GAP: f32 = 0.25;
/// How far a ruling line's end may miss the line it meets, in letter heights.
const MEET_TOL: f32 = 0.35;

/// Finds the tables, cells and shapes of `picture` with the default settings.
pub fn analyse(picture: &image::RgbImage) -> RasterLayout {
    analyse_with(picture, &LayoutConfig::default())
}

/// Finds the tables, cells and shapes of `picture`.
///
/// Stages: clean (gray, squiggles out, deskew) and measure the letters; find strokes,
/// grids, symbols and text boxes on the picture at its own size; then make the picture
/// the engine reads (enlarged when its letters are small) and bring every box to it.
pub fn analyse_with(picture: &image::RgbImage, cfg: &LayoutConfig) -> RasterLayout {
    let Cleaned {
        ink,
        gray,
        thr,
        skew,
    } = cleaned(picture, cfg);
    let measured = clean::text_height(&ink);
    let th = if measured > 0.0 {
        measured
    } else {
        FALLBACK_TEXT_PX
    };
    // A thin line that deskewing (or the scanner) spread over two rows of half-dark
    // pixels keeps no pixel darker than the ink threshold in places, and would break
    // into dashes: ruling lines are found on the ink with such pairs joined.
    let levels = clean::ReadingLevels::of(&gray, thr);
    let line_ink = clean::ink_with_split_pairs(&gray, thr, levels.read);
    let strokes = segments::strokes(
        &line_ink,
        ((th * MIN_STROKE).round() as u32).max(6),
        ((th * MAX_STROKE_THICK).round() as u32).max(3),
        ((th * STROKE_GAP).round() as u32).max(1),
    );
    let tol = (th * MEET_TOL).max(3.0);
    let strokes = segments::join_collinear(strokes, tol, (th * STROKE_GAP * 2.0) as u32);
    let faded = rulings::Faded::new(&gray, levels.ink, levels.paper);
    let grids = grid::find(&strokes, &faded, tol, th);
    let mut rest = ink;
    for line in grids.iter().flat_map(|g| &g.lines) {
        rest.clear_rect(grow(line.rect(), 1));
    }
    let mut shapes = Vec::new();
    for g in &grids {
        shapes.extend(shapes::find(&rest, g, &strokes, th));
    }
    let text_ink = text::text_ink(&rest, &shapes, th);
    let lines: Vec<PxRect> = grids
        .iter()
        .flat_map(|g| &g.lines)
        .map(|l| l.rect())
        .collect();
    let mut tables: Vec<_> = grids.into_iter().map(|g| g.table).collect();
    for t in &mut tables {
        text::cell_boxes(&text_ink, t, th);
    }
    let boxes: Vec<PxRect> = tables.iter().map(|t| t.bbox).collect();
    let free_text = text::free_lines(&rest, &boxes, th);
    let scale = reading_scale(measured, cfg);
    let text_boxes: Vec<PxRect> = tables
        .iter()
        .flat_map(|t| &t.cells)
        .filter_map(|c| c.text_box)
        .chain(free_text.iter().copied())
        .collect();
    let read = Reading {
        levels,
        lines: &lines,
        boxes: &text_boxes,
        scale,
    };
    let layout = RasterLayout {
        image: reading_picture(&gray, &read),
        scale,
        skew_degrees: skew,
        tables,
        shapes,
        free_text,
    };
    scaled::layout(layout, scale)
}

/// The factor the picture the engine reads is enlarged by: `cfg.upscale` when its
/// letters (`text_px` tall, 0 when none were measured) are smaller than
/// `cfg.small_text_px`, else 1.
fn reading_scale(text_px: f32, cfg: &LayoutConfig) -> f32 {
    if text_px > 0.0 && text_px < cfg.small_text_px && cfg.upscale > 1.0 {
        cfg.upscale
    } else {
        1.0
    }
}

/// What the picture the engine reads is made with, in the cleaned picture's pixels.
struct Reading<'a> {
    /// The picture's ink and paper levels and its reading threshold.
    levels: clean::ReadingLevels,
    /// The table ruling lines, painted as paper.
    lines: &'a [PxRect],
    /// The text boxes the engine reads, each binarised at its own threshold.
    boxes: &'a [PxRect],
    /// The factor the picture is enlarged by.
    scale: f32,
}

/// The picture the engine reads: `gray` enlarged by `read.scale` (smoothly, before it is
/// binarised, so strokes stay clean), binarised at the reading threshold, each text box
/// at its own (lower on a shaded cell, lower where its letters close up — their counters
/// or the gaps between them:
/// [`clean::ReadingLevels::within`], [`clean::ReadingLevels::threshold`]), and the table
/// ruling lines with their halo painted as paper.
fn reading_picture(gray: &image::GrayImage, read: &Reading) -> image::GrayImage {
    let scale = read.scale;
    let smooth = if scale > 1.0 {
        std::borrow::Cow::Owned(clean::upscale(gray, scale))
    } else {
        std::borrow::Cow::Borrowed(gray)
    };
    let mut reading = clean::binarised(&smooth, read.levels.read);
    for b in read.boxes {
        let r = scaled::rect(*b, scale);
        let thr = read.levels.within(gray, *b).threshold(&smooth, r);
        if thr != read.levels.read {
            clean::binarise_within(&mut reading, &smooth, r, thr);
        }
    }
    for line in read.lines {
        paint_paper(&mut reading, grow(scaled::rect(*line, scale), LINE_HALO));
    }
    reading
}

/// The flowchart symbols of a picture holding no table grid (symbols pasted as one
/// picture over the actor columns of a text table), in the picture's pixels. `text_px`
/// is the height of the surrounding table's letters in the picture's pixels (the size
/// below which a closed region is a letter's hole, not a symbol). Neither deskewed nor
/// upscaled: such a picture is drawn, never scanned.
pub fn picture_symbols(picture: &image::RgbImage, text_px: f32) -> Vec<super::RasterShape> {
    let gray = clean::gray_without_squiggles(picture);
    let ink = Ink::from_gray(&gray, clean::threshold(&gray));
    shapes::free_symbols(&ink, text_px.max(1.0))
}

/// Pixels around a ruling line painted as paper in the picture the engine reads (its
/// anti-aliased or JPEG-blurred edge, which a cell's crop would otherwise catch).
const LINE_HALO: u32 = 1;

/// Paints `r` (clipped to the picture) as paper.
fn paint_paper(gray: &mut image::GrayImage, r: PxRect) {
    let x1 = r.x.saturating_add(r.w).min(gray.width());
    let y1 = r.y.saturating_add(r.h).min(gray.height());
    for y in r.y.min(y1)..y1 {
        for x in r.x.min(x1)..x1 {
            gray.put_pixel(x, y, image::Luma([255]));
        }
    }
}

/// What cleaning gives: the ink, the cleaned gray picture it was cut from (what the
/// engine's picture is binarised from, at a lighter threshold that keeps a blurred
/// scan's faint thin strokes — an i, an l), the ink threshold and the skew undone.
struct Cleaned {
    ink: Ink,
    gray: image::GrayImage,
    thr: u8,
    skew: f32,
}

/// The cleaned ink of a picture at its own size and what goes with it ([`Cleaned`]).
fn cleaned(picture: &image::RgbImage, cfg: &LayoutConfig) -> Cleaned {
    let mut gray = clean::even_lighting(&clean::gray_without_squiggles(picture));
    let thr = clean::threshold(&gray);
    let skew = clean::skew(&gray, thr, cfg);
    if clean::worth_deskewing(skew) {
        gray = clean::deskew(&gray, skew);
    }
    Cleaned {
        ink: Ink::from_gray(&gray, thr),
        gray,
        thr,
        skew,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Paper and ink of a dim, low-contrast photo.
    const PAPER: u8 = 200;
    const INK: u8 = 70;

    fn fill(img: &mut image::GrayImage, x: u32, y: u32, w: u32, h: u32) {
        for yy in y..y + h {
            for xx in x..x + w {
                img.put_pixel(xx, yy, image::Luma([INK]));
            }
        }
    }

    /// A 150 dpi-sized table, blurred and low in contrast: columns at x 40, 120, 500,
    /// 860; rows at y 40, 100, 130 (a short row of column numbers "(1) (2) (3)", drawn as
    /// bold bars nearly as tall as the row), 220, 310. The line at y 220 has a 9-pixel
    /// break (a bilevel scan's dropout). Letters 12 px tall fill the other cells.
    fn photographed_table() -> image::RgbImage {
        let mut g = image::GrayImage::from_pixel(900, 360, image::Luma([PAPER]));
        for x in [40, 120, 500, 860] {
            fill(&mut g, x, 40, 2, 272);
        }
        for y in [40, 100, 130, 310] {
            fill(&mut g, 40, y, 822, 2);
        }
        fill(&mut g, 40, 220, 260, 2);
        fill(&mut g, 309, 220, 553, 2);
        // "(k)" centred in each column of the short row: two bars and a digit.
        for mid in [80, 310, 680] {
            fill(&mut g, mid - 12, 103, 4, 26);
            fill(&mut g, mid - 2, 107, 4, 16);
            fill(&mut g, mid + 8, 103, 4, 26);
        }
        // Words of 12 px letters in the header and body cells.
        for (x0, y0) in [(50, 64), (130, 64), (510, 64), (130, 170), (130, 260)] {
            for i in 0..6 {
                fill(&mut g, x0 + i * 10, y0, 7, 12);
            }
        }
        let blurred = image::imageops::blur(&g, 0.8);
        image::DynamicImage::ImageLuma8(blurred).to_rgb8()
    }

    #[test]
    fn a_blurred_photo_keeps_its_columns_and_rows_letters_in_a_short_row_are_not_rulings() {
        let layout = analyse(&photographed_table());
        let [table] = layout.tables.as_slice() else {
            panic!("one table expected: {:?}", layout.tables);
        };
        assert_eq!(
            (table.rows, table.cols),
            (4, 3),
            "xs {:?} ys {:?}",
            table.xs,
            table.ys
        );
        for (got, want) in table.xs.iter().zip([40.0, 120.0, 500.0, 860.0]) {
            assert!((got - want).abs() <= 3.0, "xs {:?}", table.xs);
        }
        for (got, want) in table.ys.iter().zip([40.0, 100.0, 130.0, 220.0, 310.0]) {
            assert!((got - want).abs() <= 3.0, "ys {:?}", table.ys);
        }
        // The number row keeps one cell per column, its "(k)" boxed whole in it.
        let row: Vec<_> = table.cells.iter().filter(|c| c.row == 1).collect();
        assert_eq!(row.len(), 3);
        let mid = row
            .get(1)
            .and_then(|c| c.text_box)
            .expect("the (2) is text");
        assert!(mid.x <= 298 && mid.x + mid.w >= 322, "{mid:?}");
    }
}
