//! Pictures that continue one another: a pasted flowchart table cut into strips, one
//! per page (a table too long for its page, pasted as a second picture at the top of the
//! next page) or stacked on one page. Read apart, the second strip has no header and
//! its first row is the tail of a row of the first, with a decision diamond cut in two;
//! read as one picture, the rows and the symbols are whole again.
//!
//! The test is geometric, not a producer's habit. By placement, a strip may continue a
//! picture when it stands at the same left edge with the same width, either on the next
//! page or just below it on the same page ([`continues`], which the choice of pictures
//! to read in `sop::picture` uses too). By pixels, it does when the table runs through
//! the cut: the column rulings that leave the first picture's bottom edge enter the
//! strip's top edge at the same places ([`cut_through`]). Scanned pages stand at the same
//! place page after page too, but their edges are paper, so they stay apart.
//!
//! A strip cut from a screenshot often repeats the last rows of the picture before it
//! (the cut was made a little above the previous one's edge). Laid under each other as
//! they are, a diagonal line (a decision diamond's lower edges) would jump back where the
//! rows repeat and the diamond would no longer close; so the repeated rows are found by
//! their pixels ([`repeated_rows`]) and laid once.

use image::RgbImage;

use crate::model::Rect;

use super::source::Picture;

/// Left edges and widths of two strips of one table agree within this many points
/// (they are placed by the same producer at the same margin).
const SAME_EDGE_POINTS: f32 = 2.0;

/// A strip on the same page continues the picture above it when the gap between them is
/// at most this many points (stacked strips touch or nearly so).
const STACKED_GAP_POINTS: f32 = 6.0;

/// Rows at a picture's edge that a column ruling crosses from end to end.
const EDGE_BAND_ROWS: u32 = 4;

/// A pixel darker than this (0–255 luma) is ink.
const INK_LUMA: u32 = 128;

/// Rulings at the two edges match when they lie within this share of the width.
const RULING_MATCH_SHARE: f32 = 0.005;

/// The fewest matching rulings (a table's outer edges and one column between them).
const MIN_SHARED_RULINGS: usize = 3;

/// Most rows a strip may repeat of the picture before it, as a share of the shorter of
/// the two (a repeat is a few rows of a cut, never half a picture).
const MAX_REPEAT_SHARE: u32 = 4;

/// A strip's first rows may repeat the picture's last rows when this share of the ink
/// of both bands lies at the same places within one pixel sideways (a scaled or
/// recompressed strip shifts by a pixel).
const REPEAT_MATCH: f32 = 0.9;

/// A repeat must show this many ink pixels that are not on lines running straight down
/// the band (a ruling alone is the same in every row, so it proves no repeat).
const MIN_REPEAT_SIGNATURE: usize = 8;

/// Tallest joined picture in pixels: strips beyond it start a picture of their own (a
/// hostile file could chain a strip on every page).
const MAX_JOINED_HEIGHT: u32 = 40_000;

/// Whether picture `b` (1-based page, box in points) continues picture `a`: the same
/// left edge and width, and on the next page or stacked just below `a` on its page.
pub fn continues(a: (u32, Rect), b: (u32, Rect)) -> bool {
    let ((page_a, ra), (page_b, rb)) = (a, b);
    let same_column =
        (ra.x - rb.x).abs() <= SAME_EDGE_POINTS && (ra.w - rb.w).abs() <= SAME_EDGE_POINTS;
    if !same_column {
        return false;
    }
    if page_b == page_a {
        let gap = rb.y - (ra.y + ra.h);
        (-SAME_EDGE_POINTS..=STACKED_GAP_POINTS).contains(&gap)
    } else {
        page_b == page_a.saturating_add(1)
    }
}

/// Joins every picture to the one before it (in page and top-to-bottom order) when it
/// continues that one: the strips' pixels are laid one under the other (a strip of
/// another pixel width is scaled to the first's), and the joined picture stands where
/// the first strip stands, as tall as the strips together in the first strip's scale.
/// Pictures without a page (embedded in a package) are passed on as they are.
pub fn join(mut pictures: Vec<Picture>) -> Vec<Picture> {
    pictures.sort_by(|a, b| {
        a.site
            .page()
            .cmp(&b.site.page())
            .then(a.placement.y.total_cmp(&b.placement.y))
    });
    let mut out: Vec<Picture> = Vec::with_capacity(pictures.len());
    // Where the last strip joined to `out`'s last picture stands: the next strip must
    // continue that one, not the joined picture's first strip.
    let mut edge: Option<(u32, Rect)> = None;
    for picture in pictures {
        let at = picture.site.page().map(|page| (page, picture.placement));
        match (out.last_mut(), edge, at) {
            (Some(last), Some(e), Some(at))
                if continues(e, at)
                    && cut_through(&last.image, &picture.image)
                    && last.image.height().saturating_add(picture.image.height())
                        <= MAX_JOINED_HEIGHT =>
            {
                append(last, picture)
            }
            _ => out.push(picture),
        }
        edge = at;
    }
    out
}

/// Whether a table runs from `above`'s bottom edge into `below`'s top edge: at least
/// [`MIN_SHARED_RULINGS`] lines cross the edge band of both at the same places (as
/// shares of the width, so a strip of another pixel width compares), and they are at
/// least half of the rulings leaving `above`.
pub fn cut_through(above: &RgbImage, below: &RgbImage) -> bool {
    let (h_above, h_below) = (above.height(), below.height());
    if h_above < EDGE_BAND_ROWS || h_below < EDGE_BAND_ROWS {
        return false;
    }
    let leaving = crossings(above, h_above - EDGE_BAND_ROWS);
    let entering = crossings(below, 0);
    let shared = leaving
        .iter()
        .filter(|a| {
            entering
                .iter()
                .any(|b| (*a - b).abs() <= RULING_MATCH_SHARE)
        })
        .count();
    shared >= MIN_SHARED_RULINGS && 2 * shared >= leaving.len()
}

/// The middles, as shares of the width, of the ink runs that are ink in every row of the
/// band of [`EDGE_BAND_ROWS`] rows starting at `top`: lines crossing the band.
fn crossings(img: &RgbImage, top: u32) -> Vec<f32> {
    let width = img.width();
    let ink = |x: u32| (top..top + EDGE_BAND_ROWS).all(|y| is_ink(img, x, y));
    let mut out = Vec::new();
    let mut start: Option<u32> = None;
    for x in 0..=width {
        match (x < width && ink(x), start) {
            (true, None) => start = Some(x),
            (false, Some(s)) => {
                out.push((s + x) as f32 / 2.0 / width.max(1) as f32);
                start = None;
            }
            _ => {}
        }
    }
    out
}

/// How many of `below`'s first rows repeat `above`'s last rows (0 when none do): of the
/// counts whose two bands hold the same ink ([`REPEAT_MATCH`] within a pixel sideways),
/// where that ink is more than lines running straight down the band, the one whose ink
/// lies most exactly in place (a slanted line matches a row off within a pixel, but only
/// the true repeat puts it on the same pixels). Both pictures have the same width.
pub fn repeated_rows(above: &RgbImage, below: &RgbImage) -> u32 {
    let most = above.height().min(below.height()) / MAX_REPEAT_SHARE;
    let top = above.height();
    let mut best: Option<(f32, u32)> = None;
    for k in 2..=most {
        let upper = band(above, top - k, k);
        let lower = band(below, 0, k);
        if signature(&upper) < MIN_REPEAT_SIGNATURE {
            continue;
        }
        let (near, exact) = shares_in_place(&upper, &lower);
        if near >= REPEAT_MATCH && best.is_none_or(|(e, _)| exact >= e) {
            best = Some((exact, k));
        }
    }
    best.map_or(0, |(_, k)| k)
}

/// The ink of `rows` rows of `img` starting at `top`, a row of flags per row.
fn band(img: &RgbImage, top: u32, rows: u32) -> Vec<Vec<bool>> {
    (top..top + rows)
        .map(|y| (0..img.width()).map(|x| is_ink(img, x, y)).collect())
        .collect()
}

/// Whether the pixel at (`x`, `y`) is ink.
fn is_ink(img: &RgbImage, x: u32, y: u32) -> bool {
    let [r, g, b] = img.get_pixel(x, y).0;
    (299 * u32::from(r) + 587 * u32::from(g) + 114 * u32::from(b)) / 1000 < INK_LUMA
}

/// Ink pixels of a band off the columns that are ink in every row of it.
fn signature(band: &[Vec<bool>]) -> usize {
    let width = band.first().map_or(0, Vec::len);
    (0..width)
        .filter(|&x| !band.iter().all(|row| row.get(x).copied().unwrap_or(false)))
        .map(|x| {
            band.iter()
                .filter(|row| row.get(x).copied().unwrap_or(false))
                .count()
        })
        .sum()
}

/// Of the ink pixels of two bands of the same size, the shares that have ink in the
/// other band's row within one pixel sideways, and on the same pixel.
fn shares_in_place(a: &[Vec<bool>], b: &[Vec<bool>]) -> (f32, f32) {
    let at = |row: &[bool], x: usize| row.get(x).copied().unwrap_or(false);
    let (mut ink, mut near, mut exact) = (0usize, 0usize, 0usize);
    for (ra, rb) in a.iter().zip(b) {
        for (one, other) in [(ra, rb), (rb, ra)] {
            for (x, _) in one.iter().enumerate().filter(|(_, v)| **v) {
                ink += 1;
                exact += usize::from(at(other, x));
                near += usize::from((x.saturating_sub(1)..=x + 1).any(|i| at(other, i)));
            }
        }
    }
    let share = |n: usize| n as f32 / ink.max(1) as f32;
    (share(near), share(exact))
}

/// Lays `strip` under `first`, scaled to `first`'s pixel width.
fn append(first: &mut Picture, strip: Picture) {
    let width = first.image.width();
    let strip_image = if strip.image.width() == width || strip.image.width() == 0 {
        strip.image
    } else {
        let height = (u64::from(strip.image.height()) * u64::from(width)
            / u64::from(strip.image.width()))
        .max(1);
        let height = u32::try_from(height).unwrap_or(u32::MAX);
        image::imageops::resize(
            &strip.image,
            width,
            height,
            image::imageops::FilterType::Triangle,
        )
    };
    let repeated = repeated_rows(&first.image, &strip_image);
    let top_height = first.image.height();
    let mut joined = RgbImage::new(width, top_height + strip_image.height() - repeated);
    image::imageops::replace(&mut joined, &first.image, 0, 0);
    let strip_rest = image::imageops::crop_imm(
        &strip_image,
        0,
        repeated,
        width,
        strip_image.height() - repeated,
    )
    .to_image();
    image::imageops::replace(&mut joined, &strip_rest, 0, i64::from(top_height));
    // Points per pixel of the first strip carry the joined picture's height.
    let points_per_px = first.placement.h / top_height.max(1) as f32;
    first.placement.h = joined.height() as f32 * points_per_px;
    first.image = joined;
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::PictureSite;
    use image::Rgb;

    fn rect(x: f32, y: f32, w: f32, h: f32) -> Rect {
        Rect { x, y, w, h }
    }

    /// A picture of paper in `shade` with a table's column rulings (at 0 %, 40 % and
    /// 100 % of the width) running down its whole height when `ruled`.
    fn drawn(width: u32, height: u32, shade: u8, ruled: bool) -> RgbImage {
        let mut img = RgbImage::from_pixel(width, height, Rgb([shade; 3]));
        if ruled {
            for x in [0, width * 2 / 5, width - 1] {
                for y in 0..height {
                    img.put_pixel(x, y, Rgb([0; 3]));
                }
            }
        }
        img
    }

    /// `image` placed at `placement` on `page`.
    fn on_page(page: u32, placement: Rect, image: RgbImage) -> Picture {
        Picture {
            site: PictureSite::Page {
                page,
                bbox: placement,
            },
            placement,
            image,
        }
    }

    fn picture(page: u32, placement: Rect, width: u32, height: u32, shade: u8) -> Picture {
        on_page(page, placement, drawn(width, height, shade, true))
    }

    #[test]
    fn a_strip_at_the_same_edge_on_the_next_page_or_just_below_continues() {
        let a = (1, rect(50.4, 373.7, 667.1, 147.7));
        // The real case: the table's last row pasted at the top of page 2.
        assert!(continues(a, (2, rect(50.4, 80.5, 667.1, 59.8))));
        // Stacked on the same page, touching.
        assert!(continues(a, (1, rect(50.4, 521.4, 667.1, 40.0))));
        // Another column (a logo, a signature picture) does not.
        assert!(!continues(a, (2, rect(191.8, 88.8, 52.6, 38.9))));
        // Two pages on, or far below on the same page, does not.
        assert!(!continues(a, (3, rect(50.4, 80.5, 667.1, 59.8))));
        assert!(!continues(a, (1, rect(50.4, 560.0, 667.1, 40.0))));
        // Nor a picture above it.
        assert!(!continues(a, (1, rect(50.4, 100.0, 667.1, 40.0))));
    }

    #[test]
    fn strips_are_joined_in_page_order_and_scaled_to_the_first_width() {
        let first = picture(1, rect(50.0, 400.0, 600.0, 150.0), 1200, 300, 240);
        let strip = picture(2, rect(50.0, 80.0, 600.0, 60.0), 600, 60, 200);
        let other = picture(3, rect(300.0, 80.0, 100.0, 100.0), 100, 100, 250);
        // Given out of order: the strip first.
        let joined = join(vec![strip, other, first]);
        assert_eq!(joined.len(), 2);
        let j = &joined[0];
        assert_eq!(j.site.page(), Some(1));
        // 600 px wide strip scaled ×2: 120 px under the first's 300.
        assert_eq!(j.image.dimensions(), (1200, 420));
        assert_eq!(j.image.get_pixel(10, 299).0, [240; 3]);
        assert_eq!(j.image.get_pixel(10, 300).0, [200; 3]);
        // 150 pt for 300 px: the joined 420 px stand for 210 pt.
        assert!((j.placement.h - 210.0).abs() < 0.01);
        assert_eq!(joined[1].site.page(), Some(3));
    }

    #[test]
    fn scanned_pages_at_the_same_place_stay_apart() {
        // Page scans: same box page after page, but paper at their edges.
        let page = rect(0.0, 0.0, 595.0, 842.0);
        let scans = vec![
            on_page(1, page, drawn(600, 800, 250, false)),
            on_page(2, page, drawn(600, 800, 250, false)),
        ];
        assert_eq!(join(scans).len(), 2);
        // A table ending above the picture's edge (its bottom ruling drawn, paper below)
        // does not run through the cut either.
        let mut ended = drawn(600, 300, 255, true);
        for y in 280..300 {
            for x in 0..600 {
                ended.put_pixel(x, y, Rgb([255; 3]));
            }
        }
        assert!(!cut_through(&ended, &drawn(600, 100, 255, true)));
        assert!(cut_through(
            &drawn(600, 300, 255, true),
            &drawn(300, 50, 255, true)
        ));
    }

    #[test]
    fn a_chain_of_strips_joins_into_one_picture() {
        let a = picture(1, rect(40.0, 300.0, 500.0, 200.0), 500, 200, 250);
        let b = picture(2, rect(40.0, 60.0, 500.0, 500.0), 500, 500, 230);
        let c = picture(3, rect(40.0, 60.0, 500.0, 30.0), 500, 30, 210);
        let joined = join(vec![a, b, c]);
        assert_eq!(joined.len(), 1);
        assert_eq!(joined[0].image.height(), 730);
    }

    /// A picture of a table's three rulings with a diamond's lower half drawn from
    /// `from` to `to` rows of the whole (the strip's rows `top`.. of that drawing).
    fn diamond_rows(width: u32, top: u32, rows: u32) -> RgbImage {
        let mut img = drawn(width, rows, 255, true);
        let centre = width / 2;
        for y in 0..rows {
            // The lower edges close in by a pixel a row, from 60 px apart at row 0.
            let half = 60u32.saturating_sub(top + y);
            for x in [centre - half, centre + half] {
                for dx in 0..3 {
                    img.put_pixel(x + dx, y, Rgb([0; 3]));
                }
            }
        }
        img
    }

    #[test]
    fn rows_a_strip_repeats_of_the_cut_are_laid_once() {
        // The picture ends at row 40 of the diamond; the strip starts at row 34 again.
        let above = diamond_rows(400, 0, 40);
        let below = diamond_rows(400, 34, 30);
        assert_eq!(repeated_rows(&above, &below), 6);
        // A strip that starts where the picture ended repeats nothing.
        assert_eq!(repeated_rows(&above, &diamond_rows(400, 40, 30)), 0);
        // Rulings alone are the same in every row: no proof of a repeat.
        assert_eq!(
            repeated_rows(&drawn(400, 40, 255, true), &drawn(400, 30, 255, true)),
            0
        );
        let placed = |page, y, img| on_page(page, rect(50.0, y, 400.0, 40.0), img);
        let joined = join(vec![placed(1, 700.0, above), placed(2, 60.0, below)]);
        assert_eq!(joined.len(), 1);
        assert_eq!(joined[0].image.height(), 64);
        // The edges run on without a jump: row 40 of the joined picture is row 40 of
        // the diamond (its edge 20 px from the centre).
        assert_eq!(joined[0].image.get_pixel(180, 40).0, [0; 3]);
    }
}
