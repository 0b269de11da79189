//! Words broken by a narrow table column, as Word breaks them: a word wider than the
//! cell's text width is cut at the last letter that fits, with no hyphen, and goes on
//! at the start of the next line ("Koordinato" / "r Lapangan"). Read line by line, the
//! pieces would be two words; this module tells such a break from a break between
//! words by geometry alone, for every reader that knows where a cell's lines run (the
//! pixel reader from the OCR engine's word boxes, the PDF reader from glyph positions).
//!
//! The class: a line of one word (no space) whose ink fills the cell's text width (the
//! cell's inside less its padding on both sides) to within about one of its own
//! characters — Word breaks inside a word only when the word alone is wider than the
//! line, so the room left is less than the next letter — in a cell written as a name
//! or heading (every word capitalised): in running text a word wrap before the next
//! word fills a narrow line as often, and cannot be told from a break. The padding is the table's own:
//! the gap between a cell's edge and its text, at the lower quantile over the table's
//! cells (left-aligned cells show it exactly, centred ones more), so a Word table's
//! wide margins and a web page's narrow ones are both measured, not assumed.

/// A line breaks a word when the room left on it (the cell's text width less the
/// line's ink) is at most this many of the line's mean character widths: the next
/// letter did not fit.
const MAX_SLACK_CHARS: f32 = 1.0;

/// The table's cell padding is read at this quantile of its cells' left gaps (lowest
/// quarter: left-aligned cells give the padding itself, centred ones a larger gap).
const PADDING_QUANTILE: f32 = 0.25;

/// Fewest characters of a line read as a broken word's first part (a single letter is
/// a label or a list mark).
const MIN_PIECE_CHARS: usize = 2;

/// One line of a cell's text with the left and right ends of its ink, in the unit of
/// the cell's [`Edges`] (page points or picture pixels).
#[derive(Clone, Copy, Debug)]
pub struct SpanLine<'a> {
    /// The line's text, words one space apart.
    pub text: &'a str,
    /// Left end of the line's ink.
    pub x0: f32,
    /// Right end of the line's ink.
    pub x1: f32,
}

/// The inner left and right edges of a cell (inside its ruling lines).
#[derive(Clone, Copy, Debug)]
pub struct Edges {
    /// Inner left edge.
    pub left: f32,
    /// Inner right edge.
    pub right: f32,
}

/// The gap between a cell's inner left edge and its leftmost line (None without
/// lines); at least zero.
pub fn left_gap(lines: &[SpanLine], cell: Edges) -> Option<f32> {
    lines
        .iter()
        .map(|l| (l.x0 - cell.left).max(0.0))
        .min_by(f32::total_cmp)
}

/// A table's cell padding from its cells' left gaps ([`left_gap`]): the gap at
/// [`PADDING_QUANTILE`]; zero without any.
pub fn padding(mut gaps: Vec<f32>) -> f32 {
    gaps.sort_by(f32::total_cmp);
    let at = (gaps.len().saturating_sub(1) as f32 * PADDING_QUANTILE).round() as usize;
    gaps.get(at).copied().unwrap_or(0.0)
}

/// Whether `line`, followed by a line starting with `next`, is the first part of a
/// word broken at the edge of `cell` whose padding is `pad`: one word of at least
/// [`MIN_PIECE_CHARS`] characters whose last letter the next line's first can follow
/// inside a word ([`goes_on`]), and the line's ink filling the cell's text width to within
/// [`MAX_SLACK_CHARS`] of its mean character width.
pub fn breaks_word(line: &SpanLine, next: &str, cell: Edges, pad: f32) -> bool {
    let chars = line.text.chars().count();
    let one_word = chars >= MIN_PIECE_CHARS && !line.text.contains(char::is_whitespace);
    let (Some(last), Some(first)) = (line.text.chars().last(), next.chars().next()) else {
        return false;
    };
    let width = line.x1 - line.x0;
    if !(one_word && goes_on(last, first)) || width <= 0.0 {
        return false;
    }
    let room = cell.right - cell.left - 2.0 * pad;
    room - width <= MAX_SLACK_CHARS * width / chars as f32
}

/// Whether a word can go on from the letter `last` to `first`: both letters or digits,
/// and not a small letter before a capital (a word starts there: "Penelaah" /
/// "Teknis" in a column as wide as its longest word fills the line just as a broken
/// word does).
fn goes_on(last: char, first: char) -> bool {
    last.is_alphanumeric()
        && first.is_alphanumeric()
        && !(last.is_lowercase() && first.is_uppercase())
}

/// Whether the cell's `lines` are written as a name or a heading: every word starts with
/// a capital (or is no word: a number, a mark), leaving out the first word of every
/// line but the first (where a broken word's tail may stand). In running text a word
/// as wide as a narrow column, wrapped before the next word, fills its line just as a
/// broken word does ("permohonan" / "informasi yang …"): there the line break stays.
fn capitalised(lines: &[SpanLine]) -> bool {
    lines.iter().enumerate().all(|(i, l)| {
        l.text
            .split_whitespace()
            .skip(usize::from(i > 0))
            .all(|w| !w.chars().next().is_some_and(char::is_lowercase))
    })
}

/// The cell's text from its `lines`, top to bottom: one line a text line (`\n`), except
/// where a line [`breaks_word`] in a cell written as a name or heading
/// ([`capitalised`]): the next line goes on without a break.
pub fn join(lines: &[SpanLine], cell: Edges, pad: f32) -> String {
    let heading = capitalised(lines);
    let mut out = String::new();
    let mut prev: Option<&SpanLine> = None;
    for l in lines {
        if let Some(p) = prev
            && !(heading && breaks_word(p, l.text, cell, pad))
        {
            out.push('\n');
        }
        out.push_str(l.text);
        prev = Some(l);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A line of `text` whose ink starts at `x0`, each character 10 units wide.
    fn line(text: &str, x0: f32) -> SpanLine<'_> {
        SpanLine {
            text,
            x0,
            x1: x0 + 10.0 * text.chars().count() as f32,
        }
    }

    /// A cell from 0 to 106 with padding 3: text width 100 (ten characters).
    /// Two lines of a cell at their left ends, joined with the padding `pad`.
    fn joined(first: (&str, f32), next: (&str, f32), pad: f32) -> String {
        join(&[line(first.0, first.1), line(next.0, next.1)], CELL, pad)
    }

    const CELL: Edges = Edges {
        left: 0.0,
        right: 106.0,
    };

    #[test]
    fn a_word_filling_the_cell_goes_on_without_a_break() {
        // "Koordinato" fills the text width (left-aligned, or centred: the same ink).
        assert_eq!(
            joined(("Koordinato", 3.0), ("r Lapangan", 3.0), 3.0),
            "Koordinator Lapangan"
        );
        // Nine letters leave less than a letter's room: still broken.
        assert_eq!(
            joined(("Pemerinta", 3.0), ("han", 3.0), 3.5),
            "Pemerintahan"
        );
        // Capitals throughout go on.
        assert_eq!(
            joined(("KOORDINATO", 3.0), ("R LAPANGAN", 3.0), 3.0),
            "KOORDINATOR LAPANGAN"
        );
    }

    #[test]
    fn a_short_word_or_several_words_keep_their_line_break() {
        // A short single word: Word wrapped before the next word, which did not fit.
        assert_eq!(
            joined(("Kepala", 3.0), ("Seksi", 3.0), 3.0),
            "Kepala\nSeksi"
        );
        // Centred, the same short word: room on both sides.
        assert_eq!(
            joined(("Kepala", 23.0), ("Seksi", 28.0), 3.0),
            "Kepala\nSeksi"
        );
        // Several words filling the line: a break between words.
        assert_eq!(
            joined(("Kepala Sek", 3.0), ("Umum", 3.0), 3.0),
            "Kepala Sek\nUmum"
        );
        // A line ending in punctuation, or a next line starting with it.
        assert_eq!(
            joined(("Koordinat.", 3.0), ("Lapangan", 3.0), 3.0),
            "Koordinat.\nLapangan"
        );
        assert_eq!(
            joined(("Koordinato", 3.0), ("(Lapangan)", 3.0), 3.0),
            "Koordinato\n(Lapangan)"
        );
        // Running text (a word in small letters): a narrow column's word wrap fills
        // the line as well, and is kept.
        assert_eq!(
            joined(("permohonan", 3.0), ("informasi", 3.0), 3.0),
            "permohonan\ninformasi"
        );
        assert_eq!(
            joined(("Koordinato", 3.0), ("r lapangan", 3.0), 3.0),
            "Koordinato\nr lapangan"
        );
        // A word as wide as the column (sized to its longest word) before a capital: a
        // break between words, though the line is full.
        assert_eq!(
            joined(("Penelaahan", 3.0), ("Teknis", 3.0), 3.0),
            "Penelaahan\nTeknis"
        );
        assert_eq!(
            joined(("Kelompoknya", 3.0), ("Kerja", 3.0), 3.0),
            "Kelompoknya\nKerja"
        );
    }

    #[test]
    fn the_padding_is_the_lower_quantile_of_the_left_gaps() {
        // Left-aligned cells 3 from their edge, centred ones further.
        assert_eq!(
            padding(vec![30.0, 3.0, 12.0, 3.0, 3.0, 25.0, 3.0, 40.0]),
            3.0
        );
        assert_eq!(padding(Vec::new()), 0.0);
        let lines = [line("Pjbt.", 40.0), line("Pengadaa", 13.0)];
        assert_eq!(left_gap(&lines, CELL), Some(13.0));
        // A wider padding (Word's margins) makes the same cell's text width smaller:
        // eight letters fill it.
        assert_eq!(joined(("Pengadaa", 13.0), ("n", 13.0), 13.0), "Pengadaan");
        assert_eq!(joined(("Pengadaa", 13.0), ("n", 13.0), 3.0), "Pengadaa\nn");
    }
}
