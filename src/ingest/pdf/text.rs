//! Glyphs → words → lines, using the glyphs' real advance widths (from the fonts)
//! to tell a word gap from kerning.

use std::collections::HashMap;

use super::content::Glyph;

/// A gap wider than this fraction of the font size, over the line's own letter gap,
/// separates two words.
const WORD_GAP: f32 = 0.18;

/// The smallest letter spacing, as a fraction of the font size, read as spacing set
/// on purpose (smaller gaps are rounding and kerning, which the plain threshold covers).
const MIN_LETTER_SPACING: f32 = 0.1;

/// Gaps within this fraction of the font size of each other count as the same spacing.
const SPACING_TOLERANCE: f32 = 0.05;

/// The line's letter gap is read at this quantile of its gaps between letters (the
/// lower quartile: most gaps on a line lie between letters, the fewer between words).
const LETTER_GAP_QUANTILE: f32 = 0.25;

/// How many gaps alike to the letter gap make a line letter-spaced.
const MIN_SPACED_GAPS: usize = 3;

/// Two glyphs with the same text whose origins lie closer than this fraction of the
/// font size (in x and in y) are one glyph printed twice (fake bold, overprint).
const OVERPRINT_SHIFT: f32 = 0.15;

/// The largest letter gap, as a fraction of the font size, still read as letter
/// spacing (a heading set "P E L A K S A N A" with character spacing); a gap whose
/// neighbouring gaps are wider than this sits among word gaps, and the plain
/// threshold applies.
const MAX_LETTER_SPACING: f32 = 0.8;

/// Fewest single letters, each one space glyph from the next, read as one word typed
/// letter by letter with real spaces ("P E L A K S A N A"); fewer are one-letter words.
const MIN_TYPED_LETTERS: usize = 3;

/// How many leading letters of the words either side of a line-end hyphen, when alike,
/// make it a reduplication ("masing-" / "masing") whose hyphen stays.
const REDUPLICATION_PREFIX: usize = 3;

/// Two text runs on one line whose extents overlap by more than this fraction of the
/// font size were printed into each other, not side by side (rounding overlaps less):
/// each is read whole, not interleaved with the other.
const RUN_OVERLAP: f32 = 0.05;

/// Two text runs on one line whose extents overlap by more than this fraction of the
/// font size were printed over each other (a header wider than its column running into
/// the next column's text), not set side by side: kerning and rounding overlap less.
const RUN_COLLISION: f32 = 0.25;

/// One line of text.
#[derive(Clone, Debug)]
pub struct Line {
    /// The line's text, words joined by single spaces.
    pub text: String,
    /// Left edge.
    pub x0: f32,
    /// Right edge.
    pub x1: f32,
    /// Baseline.
    pub y: f32,
    /// Largest font size on the line.
    pub size: f32,
}

impl Line {
    /// Top of the line (baseline minus the font size).
    pub fn top(&self) -> f32 {
        self.y - self.size
    }
}

/// Groups glyphs into words: runs on one baseline with no word gap and no space
/// glyph between them. Space glyphs are dropped.
pub fn words<'g>(glyphs: &[&'g Glyph]) -> Vec<Vec<&'g Glyph>> {
    let mut out = Vec::new();
    for line in line_groups(glyphs) {
        let line = in_print_order(single_print(line));
        let letter_gap = letter_spacing(&line);
        let typed = typed_spacing(&line);
        let mut cur: Vec<&Glyph> = Vec::new();
        for (i, g) in line.into_iter().enumerate() {
            let inside_typed = typed.get(i).copied().unwrap_or(false);
            if g.text == " " {
                if !inside_typed && !cur.is_empty() {
                    out.push(std::mem::take(&mut cur));
                }
                continue;
            }
            if !inside_typed
                && let Some(p) = cur.last()
                && word_gap(p, g, letter_gap)
            {
                out.push(std::mem::take(&mut cur));
            }
            cur.push(g);
        }
        if !cur.is_empty() {
            out.push(cur);
        }
    }
    out
}

/// Groups glyphs into lines, top to bottom, each line's glyphs left to right.
pub fn lines(glyphs: &[&Glyph]) -> Vec<Line> {
    line_groups(glyphs)
        .into_iter()
        .filter_map(join_line)
        .collect()
}

fn line_groups<'g>(glyphs: &[&'g Glyph]) -> Vec<Vec<&'g Glyph>> {
    let mut order: Vec<&Glyph> = glyphs.to_vec();
    order.sort_by(|a, b| a.y.total_cmp(&b.y).then(a.x0.total_cmp(&b.x0)));
    let mut groups: Vec<Vec<&'g Glyph>> = Vec::new();
    let mut base = f32::MIN;
    let mut size = 0.0f32;
    for g in order {
        let tol = 0.45 * size.max(g.size);
        match groups.last_mut() {
            Some(cur) if (g.y - base).abs() <= tol => {
                cur.push(g);
                size = size.max(g.size);
            }
            _ => {
                groups.push(vec![g]);
                base = g.y;
                size = g.size;
            }
        }
    }
    groups
}

/// The line's glyphs left to right, each glyph printed twice or more at (nearly) the
/// same spot kept once.
fn single_print<'g>(mut gs: Vec<&'g Glyph>) -> Vec<&'g Glyph> {
    gs.sort_by(|a, b| a.x0.total_cmp(&b.x0));
    let mut kept: Vec<&'g Glyph> = Vec::with_capacity(gs.len());
    for g in gs {
        let reach = OVERPRINT_SHIFT * g.size;
        let printed = g.text != " "
            && kept
                .iter()
                .rev()
                .take_while(|k| g.x0 - k.x0 < reach)
                .any(|k| {
                    k.text == g.text && (g.x0 - k.x0).abs() < reach && (g.y - k.y).abs() < reach
                });
        if !printed {
            kept.push(g);
        }
    }
    kept
}

/// The line's letter spacing (page units), else 0 (the font's advance widths already
/// place letters). Letter spacing is set on purpose ("P E L A K S A N A" printed with
/// character spacing): the lower quartile of the gaps between neighbouring single
/// letters lies between [`MIN_LETTER_SPACING`] and [`MAX_LETTER_SPACING`] of the font
/// size and at least [`MIN_SPACED_GAPS`] gaps agree with it within
/// [`SPACING_TOLERANCE`]. A word gap in such a line stands out against the spacing;
/// short tokens between plain word gaps ("1 - 5") are a minority of the gaps.
fn letter_spacing(line: &[&Glyph]) -> f32 {
    let letter = |g: &Glyph| g.text != " " && g.text.chars().count() == 1;
    let mut size = 0.0f32;
    let mut gaps: Vec<f32> = Vec::new();
    for pair in line.windows(2) {
        if let [a, b] = pair
            && letter(a)
            && letter(b)
        {
            gaps.push(b.x0 - a.x1);
            size = size.max(a.size).max(b.size);
        }
    }
    gaps.sort_by(f32::total_cmp);
    // Truncation gives the quantile's rank.
    let rank = (gaps.len() as f32 * LETTER_GAP_QUANTILE) as usize;
    let Some(q) = gaps.get(rank).copied() else {
        return 0.0;
    };
    let alike = gaps
        .iter()
        .filter(|g| (**g - q).abs() <= SPACING_TOLERANCE * size)
        .count();
    let spaced = q >= MIN_LETTER_SPACING * size && q <= MAX_LETTER_SPACING * size;
    if alike >= MIN_SPACED_GAPS && spaced {
        q
    } else {
        0.0
    }
}

/// For each glyph of a line (left to right), true when it lies inside a word typed
/// letter by letter with real spaces ("P E L A K S A N A"): a letter that continues
/// such a word, or a space glyph between two of its letters. Such a word is at least
/// [`MIN_TYPED_LETTERS`] single letters standing alone (a space glyph or a word gap on
/// either side), each exactly one space glyph from the next and no further than
/// [`MAX_LETTER_SPACING`] of the font size; two or more space glyphs end it
/// ("K E P A L A   D I N A S" is two words).
fn typed_spacing(line: &[&Glyph]) -> Vec<bool> {
    let mut inside = vec![false; line.len()];
    // (glyph index, space glyphs between it and the previous non-space glyph)
    let mut marks: Vec<(usize, usize)> = Vec::new();
    let mut spaces = 0usize;
    for (i, g) in line.iter().enumerate() {
        if g.text == " " {
            spaces += 1;
        } else {
            marks.push((i, spaces));
            spaces = 0;
        }
    }
    let glyph = |k: usize| marks.get(k).and_then(|(i, _)| line.get(*i).copied());
    let apart = |k: usize| -> bool {
        // the mark k stands apart from the mark before it
        match (glyph(k.wrapping_sub(1)), glyph(k), marks.get(k)) {
            (Some(p), Some(g), Some((_, n))) => *n > 0 || word_gap(p, g, 0.0),
            _ => true,
        }
    };
    let single = |k: usize| -> bool {
        let letter = glyph(k).is_some_and(|g| {
            let mut cs = g.text.chars();
            cs.next().is_some_and(char::is_alphabetic) && cs.next().is_none()
        });
        letter && apart(k) && apart(k + 1)
    };
    let link = |k: usize| -> bool {
        match (glyph(k.wrapping_sub(1)), glyph(k), marks.get(k)) {
            (Some(p), Some(g), Some((_, 1))) => {
                single(k - 1) && single(k) && g.x0 - p.x1 <= MAX_LETTER_SPACING * g.size.max(p.size)
            }
            _ => false,
        }
    };
    let mut k = 1;
    while k < marks.len() {
        if !link(k) {
            k += 1;
            continue;
        }
        let start = k - 1;
        let mut end = k;
        while end + 1 < marks.len() && link(end + 1) {
            end += 1;
        }
        if end - start + 1 >= MIN_TYPED_LETTERS {
            let first = marks.get(start).map_or(0, |(i, _)| *i);
            let last = marks.get(end).map_or(0, |(i, _)| *i);
            for flag in inside.iter_mut().take(last + 1).skip(first + 1) {
                *flag = true;
            }
        }
        k = end + 1;
    }
    inside
}

/// True when the gap between two neighbouring glyphs separates words: wider than
/// the line's letter gap by a share of the font size, or the glyphs belong to two runs
/// printed over each other.
fn word_gap(p: &Glyph, g: &Glyph, letter_gap: f32) -> bool {
    g.x0 - p.x1 > letter_gap + WORD_GAP * g.size.max(p.size) || collides(p, g)
}

/// True when `g` starts a text run printed over the run `p` ends (see [`RUN_COLLISION`]).
fn collides(p: &Glyph, g: &Glyph) -> bool {
    p.run != g.run && g.x0 < p.x1 - RUN_COLLISION * g.size.max(p.size)
}

/// A line's glyphs in the order they read. Left to right, except where two text runs
/// were printed into each other (a word wider than its cell running into the next
/// cell's word, or a line's trailing space landing inside the next cell's word):
/// sorting their glyphs by x would interleave the two words letter by letter
/// ("PemerintahPaenngadaan"), so each run is kept whole, the runs ordered by where
/// they start; [`collides`] and the cell split of the page layout then separate them.
fn in_print_order(line: Vec<&Glyph>) -> Vec<&Glyph> {
    // Each run's left and right edge.
    let mut extent: HashMap<u32, (f32, f32)> = HashMap::new();
    for g in &line {
        let e = extent.entry(g.run).or_insert((g.x0, g.x1));
        *e = (e.0.min(g.x0), e.1.max(g.x1));
    }
    let mut runs: Vec<(u32, f32, f32)> = extent.into_iter().map(|(r, (a, b))| (r, a, b)).collect();
    runs.sort_by(|a, b| a.1.total_cmp(&b.1).then(a.0.cmp(&b.0)));
    let size = line.iter().map(|g| g.size).fold(0.0f32, f32::max);
    let mut reach = f32::MIN;
    let mut overprinted = false;
    for r in &runs {
        overprinted |= r.1 < reach - RUN_OVERLAP * size;
        reach = reach.max(r.2);
    }
    if !overprinted {
        return line;
    }
    let rank: HashMap<u32, usize> = runs.iter().enumerate().map(|(i, r)| (r.0, i)).collect();
    let mut ordered = line;
    // Stable: within a run the glyphs keep their left-to-right order.
    ordered.sort_by_key(|g| rank.get(&g.run).copied().unwrap_or(usize::MAX));
    ordered
}

/// Joins a cell's lines into its text, one line a text line (`\n`), except where a
/// word was cut by the wrap at a hyphen after a letter: "Sub-" / "bagian" joins as
/// "Subbagian", "Senin-" / "Kamis" and a reduplication ("masing-" / "masing") keep
/// their hyphen, joined without a break.
pub fn join_wrapped(lines: &[Line]) -> String {
    let mut out = String::new();
    let mut prev: Option<&Line> = None;
    for l in lines {
        if let Some(p) = prev {
            match cut_word(&p.text, &l.text) {
                Cut::Hyphen => {
                    out.pop();
                }
                Cut::Keep => {}
                Cut::None => out.push('\n'),
            }
        }
        out.push_str(&l.text);
        prev = Some(l);
    }
    out
}

/// How a line break cut a word, if it did.
enum Cut {
    /// "Sub-" / "bagian": the hyphen goes, the halves join.
    Hyphen,
    /// "Senin-" / "Kamis", "masing-" / "masing": the halves join, the hyphen stays.
    Keep,
    /// A break between words.
    None,
}

fn cut_word(prev: &str, next: &str) -> Cut {
    let Some(stem) = prev.strip_suffix('-') else {
        return Cut::None;
    };
    let last_word = stem.rsplit(' ').next().unwrap_or("");
    if !last_word.chars().last().is_some_and(char::is_alphabetic) {
        return Cut::None;
    }
    let next_word = next.split(' ').next().unwrap_or("");
    let head = |w: &str| -> String {
        w.chars()
            .take(REDUPLICATION_PREFIX)
            .flat_map(char::to_lowercase)
            .collect()
    };
    let reduplicated = head(last_word) == head(next_word);
    if next_word.chars().next().is_some_and(char::is_lowercase) && !reduplicated {
        Cut::Hyphen
    } else if next_word.chars().next().is_some_and(char::is_alphabetic) {
        Cut::Keep
    } else {
        Cut::None
    }
}

fn join_line(gs: Vec<&Glyph>) -> Option<Line> {
    let gs = in_print_order(single_print(gs));
    let letter_gap = letter_spacing(&gs);
    let typed = typed_spacing(&gs);
    let mut text = String::new();
    let mut prev: Option<&Glyph> = None;
    let mut size = 0.0f32;
    let mut x0 = f32::MAX;
    let mut x1 = f32::MIN;
    let mut y = 0.0;
    for (i, g) in gs.into_iter().enumerate() {
        let inside_typed = typed.get(i).copied().unwrap_or(false);
        if g.text == " " {
            if !inside_typed && !text.is_empty() && !text.ends_with(' ') {
                text.push(' ');
            }
            continue;
        }
        if !inside_typed
            && let Some(p) = prev
            && word_gap(p, g, letter_gap)
            && !text.ends_with(' ')
        {
            text.push(' ');
        }
        text.push_str(&g.text);
        size = size.max(g.size);
        x0 = x0.min(g.x0);
        x1 = x1.max(g.x1);
        y = g.y;
        prev = Some(g);
    }
    let text = text.trim().to_string();
    if text.is_empty() {
        return None;
    }
    Some(Line {
        text,
        x0,
        x1,
        y,
        size,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn g(x0: f32, w: f32, y: f32, t: &str) -> Glyph {
        Glyph {
            x0,
            x1: x0 + w,
            y,
            size: 10.0,
            text: t.into(),
            run: 0,
        }
    }

    #[test]
    fn joins_words_by_width_gaps() {
        let gs = [
            g(10.0, 5.0, 100.0, "A"),
            g(15.2, 5.0, 100.0, "b"),
            g(23.0, 5.0, 100.3, "c"),
            g(10.0, 5.0, 115.0, "D"),
        ];
        let refs: Vec<&Glyph> = gs.iter().collect();
        let ls = lines(&refs);
        assert_eq!(ls.len(), 2);
        assert_eq!(ls[0].text, "Ab c");
        assert_eq!(ls[1].text, "D");
    }

    fn printed(word: &str, x0: f32, run: u32) -> Vec<Glyph> {
        word.chars()
            .enumerate()
            .map(|(i, c)| Glyph {
                run,
                ..g(x0 + i as f32 * 5.0, 5.0, 100.0, &c.to_string())
            })
            .collect()
    }

    fn word_texts(gs: &[Glyph]) -> Vec<String> {
        let refs: Vec<&Glyph> = gs.iter().collect();
        words(&refs)
            .iter()
            .map(|w| w.iter().map(|g| g.text.as_str()).collect())
            .collect()
    }

    #[test]
    fn runs_printed_over_each_other_stay_whole_words() {
        // "Seksi" (25 units wide) overrun by "Loket" from 18: two words, not interleaved.
        let mut gs = printed("Seksi", 0.0, 1);
        gs.extend(printed("Loket", 18.0, 2));
        assert_eq!(word_texts(&gs), ["Seksi", "Loket"]);
        assert_eq!(lines(&gs.iter().collect::<Vec<_>>())[0].text, "Seksi Loket");
        // Every glyph its own run, side by side, and two runs merely touching: one word,
        // as before (kerning-sized overlaps are no collision).
        let one: Vec<Glyph> = "Loket"
            .chars()
            .enumerate()
            .map(|(i, c)| Glyph {
                run: i as u32,
                ..g(i as f32 * 4.9, 5.0, 100.0, &c.to_string())
            })
            .collect();
        assert_eq!(word_texts(&one), ["Loket"]);
    }
}
