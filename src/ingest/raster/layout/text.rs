//! Where text is: per cell, the ink left once ruling lines, symbols and connectors are
//! masked out; outside the tables, letter-sized ink grouped into lines.

use imageproc::region_labelling::Connectivity;

use super::bitmap::{self, Ink, components, grow};
use super::components::Forest;
use crate::ingest::raster::{PxRect, RasterShape, RasterTable};

/// Ink blobs taller than this many letter heights are not text (a stamp, a frame edge).
const MAX_TEXT_HEIGHT: f32 = 3.0;
/// Blobs smaller than this share of a letter's square are specks.
const MIN_SPECK: f32 = 0.03;
/// A text box is padded by this many pixels for the OCR engine.
const PAD: u32 = 3;
/// Letters of one line overlap vertically by at least this share of the smaller one.
const LINE_OVERLAP: f32 = 0.4;
/// Words of one line are at most this many letter heights apart.
const WORD_GAP: f32 = 2.5;
/// Blobs at most this many letter heights tall count as letters outside tables.
const MIN_LETTER: f32 = 0.4;

/// A cell's text may reach this many letter heights past the cell's inside: a scan's
/// ruling lines wobble, so the grid's straight lines (and the inset for the thickest of
/// them) cut into the letters that touch them.
const CELL_REACH: f32 = 0.6;
/// Ink at least this many times longer than thick is a stray piece of a ruling line
/// (where a wobbling line leaves the straight line that was cleared), not text.
const LINE_ASPECT: u32 = 8;
/// Such a piece is at most this share of a letter height thick.
const LINE_PIECE_THICK: f32 = 0.3;

/// Letters of one word lie at most this many letter heights apart (a word space is
/// wider).
const LETTER_JOIN: f32 = 0.2;

/// Where a cleared ruling line lies between two letters, they still belong to one word
/// when the gap between them is at most this many letter heights more than
/// [`LETTER_JOIN`] (the line's width and the paper cleared around it).
const RULING_BAND: f32 = 0.4;

/// Fills each cell's `text_box` from `text_ink` (ink without ruling lines, symbols and
/// connectors): the words whose middle lies inside the cell, whole, even where they
/// run past the cell (a name wider than its narrow column crosses the column's ruling
/// line; taking letter by letter would give its last letters to the next column).
pub fn cell_boxes(text_ink: &Ink, table: &mut RasterTable, th: f32) {
    let reach = (th * CELL_REACH).round() as u32;
    let min_area = (th * th * MIN_SPECK).max(3.0);
    let region = bitmap::clip(grow(table.bbox, reach), text_ink.w, text_ink.h);
    let crop = text_ink.crop(region);
    let (comps, _) = components(&crop, true, Connectivity::Eight);
    let letters: Vec<PxRect> = comps
        .iter()
        .filter(|c| c.area as f32 >= min_area && c.bbox.h as f32 <= MAX_TEXT_HEIGHT * th)
        .map(|c| PxRect {
            x: c.bbox.x + region.x,
            y: c.bbox.y + region.y,
            ..c.bbox
        })
        .filter(|b| !line_piece(*b, th))
        .collect();
    let rulings: Vec<f32> = table
        .xs
        .get(1..table.xs.len().saturating_sub(1))
        .unwrap_or(&[])
        .to_vec();
    let words = words(&letters, &rulings, th);
    for cell in &mut table.cells {
        let inner = cell.bbox;
        cell.text_box = words
            .iter()
            .filter(|w| centre_inside(**w, inner))
            .copied()
            .reduce(bitmap::union)
            .map(|b| within(grow(b, PAD), region));
    }
}

/// The boxes of the words the `letters` make: letters on one line joined where they
/// stand at most [`LETTER_JOIN`] letter heights apart, or a little more where one of the
/// table's inner column boundaries (`rulings`, x in pixels) lies between them.
fn words(letters: &[PxRect], rulings: &[f32], th: f32) -> Vec<PxRect> {
    let mut order: Vec<usize> = (0..letters.len()).collect();
    order.sort_by_key(|&i| letters.get(i).map_or(0, |b| b.x));
    let mut forest = Forest::new(letters.len());
    let join = LETTER_JOIN * th;
    let across = join + RULING_BAND * th;
    for (k, &i) in order.iter().enumerate() {
        let Some(&a) = letters.get(i) else { continue };
        let right = (a.x + a.w) as f32;
        for &j in order.iter().skip(k + 1) {
            let Some(&b) = letters.get(j) else { continue };
            let gap = b.x as f32 - right;
            if gap > across {
                break;
            }
            let top = a.y.max(b.y);
            let bottom = (a.y + a.h).min(b.y + b.h);
            let overlap = bottom.saturating_sub(top) as f32;
            if overlap < LINE_OVERLAP * a.h.min(b.h) as f32 {
                continue;
            }
            let ruled = rulings
                .iter()
                .any(|&x| x >= right - 1.0 && x <= b.x as f32 + 1.0);
            if gap <= join || ruled {
                forest.union(i, j);
            }
        }
    }
    let mut boxes: Vec<Option<PxRect>> = vec![None; letters.len()];
    for (i, &b) in letters.iter().enumerate() {
        if let Some(slot) = boxes.get_mut(forest.root(i)) {
            *slot = Some(slot.map_or(b, |w| bitmap::union(w, b)));
        }
    }
    boxes.into_iter().flatten().collect()
}

/// Whether a blob is a long thin stroke (a piece of a ruling line), not a letter.
fn line_piece(b: PxRect, th: f32) -> bool {
    let thin = |t: u32| t as f32 <= LINE_PIECE_THICK * th;
    (b.w >= LINE_ASPECT * b.h.max(1) && thin(b.h)) || (b.h >= LINE_ASPECT * b.w.max(1) && thin(b.w))
}

/// Whether the middle of `b` lies inside `r`.
fn centre_inside(b: PxRect, r: PxRect) -> bool {
    let (cx, cy) = (b.x + b.w / 2, b.y + b.h / 2);
    cx >= r.x && cx < r.x + r.w && cy >= r.y && cy < r.y + r.h
}

/// `b` cut to `r` (at least one pixel).
fn within(b: PxRect, r: PxRect) -> PxRect {
    let x0 = b.x.max(r.x);
    let y0 = b.y.max(r.y);
    let x1 = (b.x + b.w).min(r.x + r.w);
    let y1 = (b.y + b.h).min(r.y + r.h);
    PxRect {
        x: x0,
        y: y0,
        w: x1.saturating_sub(x0).max(1),
        h: y1.saturating_sub(y0).max(1),
    }
}

/// The ink of text: `rest` (ink without ruling lines) less symbols and connectors, and
/// less an arrowhead's probe at each connector's head.
pub fn text_ink(rest: &Ink, shapes: &[RasterShape], th: f32) -> Ink {
    let mut ink = rest.clone();
    let probe = ((th * 0.8).round() as u32).max(4);
    for s in shapes {
        ink.clear_rect(grow(s.bbox, 2));
        if let Some([_, head]) = s.line {
            ink.clear_rect(PxRect {
                x: head.0.saturating_sub(probe),
                y: head.1.saturating_sub(probe),
                w: 2 * probe,
                h: 2 * probe,
            });
        }
    }
    ink
}

/// Text lines outside every table, top to bottom.
pub fn free_lines(ink: &Ink, tables: &[PxRect], th: f32) -> Vec<PxRect> {
    let mut outside = ink.clone();
    for t in tables {
        outside.clear_rect(grow(*t, 2));
    }
    let (comps, _) = components(&outside, true, Connectivity::Eight);
    let min_area = (th * th * MIN_SPECK).max(3.0);
    let mut letters: Vec<PxRect> = comps
        .iter()
        .filter(|c| {
            let h = c.bbox.h as f32;
            c.area as f32 >= min_area
                && h >= MIN_LETTER * th
                && h <= MAX_TEXT_HEIGHT * th
                && c.bbox.w < ink.w / 2
        })
        .map(|c| c.bbox)
        .collect();
    letters.sort_by_key(|b| (b.y + b.h / 2, b.x));
    let mut lines: Vec<(PxRect, u32)> = Vec::new();
    for b in letters {
        let joined = lines.iter_mut().rev().take(8).find(|(l, _)| {
            let o = (l.y + l.h).min(b.y + b.h) as f32 - l.y.max(b.y) as f32;
            let gap = if b.x > l.x + l.w {
                (b.x - l.x - l.w) as f32
            } else if l.x > b.x + b.w {
                (l.x - b.x - b.w) as f32
            } else {
                0.0
            };
            o >= LINE_OVERLAP * l.h.min(b.h) as f32 && gap <= WORD_GAP * th
        });
        match joined {
            Some((l, n)) => {
                *l = bitmap::union(*l, b);
                *n += 1;
            }
            None => lines.push((b, 1)),
        }
    }
    let mut out: Vec<PxRect> = lines
        .into_iter()
        .filter(|(l, n)| *n >= 2 && l.w as f32 >= th)
        .map(|(l, _)| bitmap::clip(grow(l, PAD), ink.w, ink.h))
        .collect();
    out.sort_by_key(|b| (b.y, b.x));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `n` letters 12 px wide and 20 tall from `x`, 2 px apart, on one line.
    fn letters(x: u32, n: u32) -> Vec<PxRect> {
        (0..n)
            .map(|i| PxRect {
                x: x + i * 14,
                y: 100,
                w: 12,
                h: 20,
            })
            .collect()
    }

    #[test]
    fn a_word_crossing_a_column_ruling_stays_one_word() {
        // "Pengeluar" ends at 124, the column's ruling at 129 was cleared from 124 to
        // 134, "an" goes on from 134; the next column's "Tim" starts a word space later.
        let mut ls = letters(0, 9);
        ls.extend(letters(134, 2));
        ls.extend(letters(172, 3));
        let ws = words(&ls, &[129.0], 20.0);
        assert_eq!(ws.len(), 2, "{ws:?}");
        assert!(ws.iter().any(|w| w.x == 0 && w.x + w.w == 160), "{ws:?}");
        assert!(ws.iter().any(|w| w.x == 172 && w.w == 40), "{ws:?}");
        // The same 10 px gap with no ruling in it is a word space: three words.
        assert_eq!(words(&ls, &[], 20.0).len(), 3);
        // A letter on another line never joins.
        let mut two = letters(0, 2);
        two.push(PxRect {
            x: 30,
            y: 140,
            w: 12,
            h: 20,
        });
        assert_eq!(words(&two, &[], 20.0).len(), 2);
    }
}
