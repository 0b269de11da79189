//! Ruling lines drawn in pieces. A scanned or photographed ruling fades in stretches (its
//! ink lighter than the threshold over a few letter heights, where the scanner lost it)
//! and drifts sideways a few pixels over its length (a page not flat on the glass, a
//! phone's perspective): no single stroke spans it, only pieces on one line. The pieces
//! of one ruling follow each other as a chain: each starts after the one before it ends,
//! sideways from it by no more than the strokes' own width and a bounded drift over the
//! distance between them, and between them the ruling goes on as faded ink ([`Faded`]):
//! the words of a line of text, whose strokes line up too, have paper between them.

use super::segments::Seg;
use image::GrayImage;

/// Pieces shorter than this many letter heights are letters' strokes, never a
/// ruling's piece that a chain is made of.
const MIN_PIECE: f32 = 2.0;

/// Largest sideways drift of a ruling over its length, per pixel along it (a few pixels
/// over a page's height: about half a degree, what deskewing the page as a whole leaves).
const MAX_DRIFT: f32 = 0.01;

/// A faded stretch of a ruling is darker than paper by at least this share of the way
/// from paper to the ink threshold.
const FADED_DEPTH: f32 = 0.25;

/// Of the pixel lines across the gap between two pieces, at least this share must hold
/// faded ink (a few may have lost it altogether).
const FADED_SHARE: f32 = 0.75;

/// Where a ruling's faded stretches are looked for: the cleaned gray picture and the
/// level a faded ruling's pixel is darker than.
pub struct Faded<'a> {
    /// The cleaned (deskewed) gray picture the strokes were found on.
    pub gray: &'a GrayImage,
    /// Pixels darker than this are faded ink.
    pub level: u8,
}

impl<'a> Faded<'a> {
    /// The faded ink of `gray`, whose ink threshold is `ink` and paper level `paper`:
    /// darker than paper by [`FADED_DEPTH`] of the way to the ink threshold.
    pub fn new(gray: &'a GrayImage, ink: u8, paper: u8) -> Self {
        let depth = (f32::from(paper) - f32::from(ink)).max(0.0) * FADED_DEPTH;
        Faded {
            gray,
            level: (f32::from(paper) - depth).round().clamp(0.0, 255.0) as u8,
        }
    }

    /// Whether the ruling goes on from `p` to the later `q` as faded ink: on at least
    /// [`FADED_SHARE`] of the pixel lines across the gap, a pixel within the strokes'
    /// half thickness and a pixel of the line from `p`'s position to `q`'s is darker
    /// than the faded level.
    pub fn bridges(&self, p: &Seg, q: &Seg) -> bool {
        let (from, to) = (p.hi + 1, q.lo);
        if to <= from {
            return true;
        }
        let reach = p.thick.max(q.thick) as f32 / 2.0 + 1.0;
        let span = (to - from) as f32;
        let faded = (from..to)
            .filter(|&t| {
                let at = p.pos + (q.pos - p.pos) * ((t - from) as f32 + 0.5) / span;
                self.darkest_across(p.horiz, t, at, reach) < self.level
            })
            .count();
        faded as f32 >= FADED_SHARE * span
    }

    /// The darkest pixel on the pixel line `t` along a stroke (a column `t` of a
    /// horizontal stroke, a row of a vertical one) within `reach` of the position `at`
    /// across it; paper (255) outside the picture.
    fn darkest_across(&self, horiz: bool, t: u32, at: f32, reach: f32) -> u8 {
        let lo = (at - reach).floor().max(0.0) as u32;
        let hi = (at + reach).ceil().max(0.0) as u32;
        (lo..=hi)
            .filter_map(|c| {
                let (x, y) = if horiz { (t, c) } else { (c, t) };
                self.gray.get_pixel_checked(x, y).map(|px| px.0[0])
            })
            .min()
            .unwrap_or(u8::MAX)
    }
}

/// Indices of `segs` grouped into rulings drawn in pieces, each chain in order along
/// its line; every stroke is in exactly one chain, most of them alone. `tol` is how far
/// sideways two strokes of one line may lie besides their thickness and drift, `th` the
/// letter height (shorter strokes stay alone: [`MIN_PIECE`]); `gap` tells whether the
/// ruling goes on between two pieces ([`Faded::bridges`]).
pub fn chains(
    segs: &[Seg],
    tol: f32,
    th: f32,
    gap: impl Fn(&Seg, &Seg) -> bool,
) -> Vec<Vec<usize>> {
    let mut order: Vec<usize> = (0..segs.len()).collect();
    order.sort_by_key(|&i| segs.get(i).map(|s| (s.horiz, s.lo)));
    let min_len = th * MIN_PIECE;
    // Letters' strokes stay alone, without being matched against every chain.
    let (long, short): (Vec<usize>, Vec<usize>) = order
        .into_iter()
        .partition(|&i| segs.get(i).is_some_and(|s| s.len() as f32 >= min_len));
    let mut out: Vec<Vec<usize>> = Vec::new();
    for i in long {
        let Some(q) = segs.get(i) else { continue };
        let follows = |c: &Vec<usize>| {
            let p = c.last().and_then(|&j| segs.get(j))?;
            (links(p, q, tol) && gap(p, q)).then(|| (q.lo - p.hi, (p.pos - q.pos).abs()))
        };
        // The chain ending nearest before it continues, the nearest sideways on a tie.
        let best = out
            .iter_mut()
            .filter_map(|c| follows(c).map(|d| (d, c)))
            .min_by(|a, b| a.0.0.cmp(&b.0.0).then(a.0.1.total_cmp(&b.0.1)));
        match best {
            Some((_, c)) => c.push(i),
            None => out.push(vec![i]),
        }
    }
    out.extend(short.into_iter().map(|i| vec![i]));
    out
}

/// Whether `q` continues the ruling `p` ends: same direction, starting after `p` ends
/// (parallel lines side by side never link), and sideways from it within `tol`, their
/// half thicknesses and [`MAX_DRIFT`] over the distance between their middles.
fn links(p: &Seg, q: &Seg, tol: f32) -> bool {
    let mid = |s: &Seg| (s.lo + s.hi) as f32 / 2.0;
    let reach = tol + (p.thick + q.thick) as f32 / 2.0 + MAX_DRIFT * (mid(q) - mid(p));
    p.horiz == q.horiz && q.lo > p.hi && (q.pos - p.pos).abs() <= reach
}

/// A chain of pieces as one straight stroke: from its first piece's start to its last
/// piece's end, at the pieces' mean position, as thick as the thickest; with the length
/// its pieces' ink covers. None for an empty chain.
pub fn spanned(segs: &[Seg], chain: &[usize]) -> Option<(Seg, u32)> {
    let pieces: Vec<&Seg> = chain.iter().filter_map(|&i| segs.get(i)).collect();
    let (first, last) = (pieces.first()?, pieces.last()?);
    let mean = pieces.iter().map(|s| s.pos).sum::<f32>() / pieces.len() as f32;
    let line = Seg {
        horiz: first.horiz,
        pos: mean,
        lo: first.lo,
        hi: last.hi.max(first.hi),
        thick: pieces.iter().map(|s| s.thick).max().unwrap_or(1),
    };
    Some((line, pieces.iter().map(|s| s.len()).sum()))
}

/// `segs`, ruling lines all, with the pieces of every chain ([`chains`], whatever lies
/// between them) moved to their chain's mean position, in the same order: one ruling
/// drawn in drifting pieces is one grid line, not several a few pixels apart. Strokes
/// alone keep their position.
pub fn straightened(segs: &[Seg], tol: f32, th: f32) -> Vec<Seg> {
    let mut out = segs.to_vec();
    for chain in chains(segs, tol, th, |_, _| true)
        .iter()
        .filter(|c| c.len() > 1)
    {
        let Some((line, _)) = spanned(segs, chain) else {
            continue;
        };
        for &i in chain {
            if let Some(s) = out.get_mut(i) {
                s.pos = line.pos;
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vertical(pos: f32, lo: u32, hi: u32) -> Seg {
        Seg {
            horiz: false,
            pos,
            lo,
            hi,
            thick: 2,
        }
    }

    #[test]
    fn pieces_of_a_drifting_ruling_chain_but_side_by_side_lines_and_letters_do_not() {
        // A column line in three pieces drifting 9 px over 1000, faded twice for 40 px.
        let segs = vec![
            vertical(100.0, 0, 300),
            vertical(103.0, 340, 640),
            vertical(106.0, 680, 1000),
            // A double ruling beside the first piece, and a letter's stroke under it.
            vertical(107.0, 0, 300),
            vertical(100.0, 1010, 1022),
        ];
        let mut got = chains(&segs, 4.0, 12.0, |_, _| true);
        got.sort();
        assert_eq!(got, vec![vec![0, 1, 2], vec![3], vec![4]]);
        let straight = straightened(&segs, 4.0, 12.0);
        let at: Vec<f32> = straight.iter().map(|s| s.pos).collect();
        assert_eq!(at, vec![103.0, 103.0, 103.0, 107.0, 100.0]);
        let (line, ink) = spanned(&segs, &[0, 1, 2]).expect("a chain");
        assert_eq!((line.lo, line.hi, ink), (0, 1000, 923));
    }

    /// Paper, ink and a ruling's faded stretch of the scans drawn below.
    const PAPER: u8 = 235;
    const INK: u8 = 40;
    const FADED: u8 = 185;

    /// A scanned procedure table at `dpi` (150 or 200; sizes are given at 150): columns
    /// at x 40, 110, 600, 760, 920, 1200, 1400 and rows at y 40, 100, 300, 500, 700,
    /// 900, rulings 2 px thick. The inner column rulings drift sideways `drift` px over
    /// the table's height (the left ones rightwards, the right ones leftwards: a phone's
    /// perspective, which deskewing the page does not undo) and fade to a light gray
    /// for 45 px in the second row, so no stroke runs from a row line to another. Words
    /// of outlined 12 px letters fill the activity cells; two words fill the last
    /// column's first body cell from ruling to ruling, their letters' top bars in line
    /// with paper between the words.
    fn drifting_scan(dpi: u32, drift: f32) -> image::RgbImage {
        let k = dpi as f32 / 150.0;
        let px = |v: f32| (v * k).round() as u32;
        let mut g = image::GrayImage::from_pixel(px(1440.0), px(940.0), image::Luma([PAPER]));
        let mut put = |x: u32, y: u32, w: u32, h: u32, level: u8| {
            for yy in y..y + h {
                for xx in x..x + w {
                    if let Some(p) = g.get_pixel_mut_checked(xx, yy) {
                        p.0[0] = p.0[0].min(level);
                    }
                }
            }
        };
        let thick = px(2.0);
        for y in [40.0, 100.0, 300.0, 500.0, 700.0, 900.0] {
            put(px(40.0), px(y), px(1362.0), thick, INK);
        }
        for (i, x) in [40.0, 110.0, 600.0, 760.0, 920.0, 1200.0, 1400.0]
            .iter()
            .enumerate()
        {
            let inner = i > 0 && i < 6;
            let sign = if i < 4 { 1.0 } else { -1.0 };
            for y in px(40.0)..px(902.0) {
                let t = (y as f32 / k - 40.0) / 860.0;
                let at = x + if inner { sign * drift * t } else { 0.0 };
                let faded = inner && (170.0..215.0).contains(&(y as f32 / k));
                put(px(at), y, thick, 1, if faded { FADED } else { INK });
            }
        }
        // Letters 10 px wide, their 2 px sides far enough apart not to run together.
        let mut letter = |x: f32, y: f32| {
            let (x, y, w, h, b) = (px(x), px(y), px(10.0), px(12.0), px(2.0));
            put(x, y, w, b, INK);
            put(x, y + h - b, w, b, INK);
            put(x, y, b, h, INK);
            put(x + w - b, y, b, h, INK);
        };
        for row_y in [60.0, 140.0, 340.0, 540.0, 740.0] {
            for i in 0..24 {
                letter(130.0 + i as f32 * 13.0, row_y);
            }
        }
        for from in [1203.0, 1309.0] {
            for i in 0..7 {
                letter(from + i as f32 * 13.0, 110.0);
            }
        }
        let blurred = image::imageops::blur(&g, 0.7);
        image::DynamicImage::ImageLuma8(blurred).to_rgb8()
    }

    #[test]
    fn a_scan_whose_column_rulings_drift_and_fade_keeps_its_columns_and_rows() {
        for (dpi, drift) in [(150, 10.0), (200, 10.0), (150, 6.0)] {
            let k = dpi as f32 / 150.0;
            let layout = super::super::analyse(&drifting_scan(dpi, drift));
            let [table] = layout.tables.as_slice() else {
                panic!("{dpi} dpi: one table expected: {:?}", layout.tables);
            };
            let s = layout.scale * k;
            let (xs, ys): (Vec<f32>, Vec<f32>) = (
                table.xs.iter().map(|x| x / s).collect(),
                table.ys.iter().map(|y| y / s).collect(),
            );
            assert_eq!(
                (table.rows, table.cols),
                (5, 6),
                "{dpi} dpi: xs {xs:?} ys {ys:?}"
            );
            // Each drifting column stands where its ruling runs on average.
            let want = [
                40.0,
                110.0 + drift / 2.0,
                600.0 + drift / 2.0,
                760.0 + drift / 2.0,
            ];
            let want = want
                .into_iter()
                .chain([920.0 - drift / 2.0, 1200.0 - drift / 2.0, 1400.0]);
            for (got, want) in xs.iter().zip(want) {
                assert!((got - want).abs() <= 3.0, "{dpi} dpi: xs {xs:?}");
            }
            // The words in line across the last column's cell are no row line.
            let last: Vec<_> = table.cells.iter().filter(|c| c.col == 5).collect();
            assert_eq!(last.len(), 5, "{dpi} dpi: ys {ys:?}");
        }
    }
}
