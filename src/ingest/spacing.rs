//! Letter-spaced text typed with real spaces ("P E L A K S A N A"): a run of single
//! letters, each separated from the next by one space, is one word spelt out. The
//! text of the document readers passes through [`tidy_document`], so headers, labels, actor names and
//! step texts read the same whether a writer letter-spaced them by typing spaces or
//! not. PDF text is not tidied here: its words come from glyph positions, which tell a
//! letter gap from a word gap (`pdf::text`).
//!
//! Words are kept apart by wider gaps: "K E P A L A  D I N A S" (two spaces between the
//! words) becomes "KEPALA  DINAS" (the gap is collapsed where the text is read). Fewer than [`MIN_SPACED_LETTERS`] single letters in a
//! row are left alone (a one-letter word, "Y T" branch labels), and a letter followed by
//! a dot is an initial ("A. B. C."), never part of a run.

use std::borrow::Cow;

use crate::model::{Block, Document};

/// Fewest single letters in a row, one space apart, read as one letter-spaced word:
/// below it the letters are one-letter words or labels standing side by side.
pub const MIN_SPACED_LETTERS: usize = 3;

/// Rewrites every paragraph, cell and shape text of `doc` with letter-spaced runs
/// joined (see [`join_spaced_letters`]).
pub fn tidy_document(doc: &mut Document) {
    for section in &mut doc.sections {
        for block in &mut section.blocks {
            match block {
                Block::Paragraph(p) => tidy(&mut p.text),
                Block::Table(t) => {
                    for row in &mut t.rows {
                        for cell in &mut row.cells {
                            tidy(&mut cell.text);
                        }
                    }
                }
            }
        }
        for shape in &mut section.shapes {
            tidy(&mut shape.text);
        }
    }
}

/// Replaces `text` by its joined form when that differs.
fn tidy(text: &mut String) {
    if let Cow::Owned(joined) = join_spaced_letters(text) {
        *text = joined;
    }
}

/// `text` with every run of at least [`MIN_SPACED_LETTERS`] single letters separated by
/// single spaces written as one word, line by line; borrowed when nothing changes.
pub fn join_spaced_letters(text: &str) -> Cow<'_, str> {
    if !has_run(text) {
        return Cow::Borrowed(text);
    }
    let joined: Vec<String> = text.split('\n').map(join_line).collect();
    Cow::Owned(joined.join("\n"))
}

/// Cheap pre-check: some line holds a run (avoids allocating for ordinary text).
fn has_run(text: &str) -> bool {
    text.split('\n').any(|line| {
        let chars: Vec<char> = line.chars().collect();
        (0..chars.len()).any(|i| run_at(&chars, i) >= MIN_SPACED_LETTERS)
    })
}

/// One line with its runs joined.
fn join_line(line: &str) -> String {
    let chars: Vec<char> = line.chars().collect();
    let mut out = String::with_capacity(line.len());
    let mut i = 0;
    while let Some(&c) = chars.get(i) {
        let letters = run_at(&chars, i);
        if letters >= MIN_SPACED_LETTERS {
            // letters sit at i, i+2, i+4, …
            out.extend((0..letters).filter_map(|k| chars.get(i + 2 * k)));
            i += 2 * letters - 1;
        } else {
            out.push(c);
            i += 1;
        }
    }
    out
}

/// The number of single letters of the letter-spaced run starting at `i` (0 when no
/// run starts there): the run starts a word, each letter stands alone (a space or the
/// end after it, or closing punctuation other than a dot after the last one).
fn run_at(chars: &[char], i: usize) -> usize {
    let starts_word = i == 0
        || chars
            .get(i - 1)
            .is_some_and(|p| p.is_whitespace() || is_opening(*p));
    if !starts_word || !chars.get(i).is_some_and(|c| c.is_alphabetic()) {
        return 0;
    }
    let mut letters = 1;
    let mut j = i;
    loop {
        let next_is_space = chars.get(j + 1) == Some(&' ');
        let then_letter = chars.get(j + 2).is_some_and(|c| c.is_alphabetic());
        let alone_after = chars
            .get(j + 3)
            .is_none_or(|c| c.is_whitespace() || is_closing(*c));
        if next_is_space && then_letter && alone_after {
            letters += 1;
            j += 2;
        } else {
            break;
        }
    }
    // The last letter must end the word: a space, the end, or closing punctuation.
    let ends_word = chars
        .get(j + 1)
        .is_none_or(|c| c.is_whitespace() || is_closing(*c));
    if letters == 1 || !ends_word {
        return 0;
    }
    letters
}

/// Punctuation that may open a letter-spaced word.
fn is_opening(c: char) -> bool {
    matches!(c, '(' | '[' | '"' | '“' | '\'')
}

/// Punctuation that may close a letter-spaced word (not the dot of an initial).
fn is_closing(c: char) -> bool {
    matches!(c, ':' | ';' | ',' | ')' | ']' | '"' | '”' | '\'' | '/')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn joins_letter_spaced_words() {
        assert_eq!(join_spaced_letters("P E L A K S A N A"), "PELAKSANA");
        assert_eq!(
            join_spaced_letters("K E P A L A  D I N A S"),
            "KEPALA  DINAS"
        );
        assert_eq!(
            join_spaced_letters("Uraian\nK E G I A T A N :"),
            "Uraian\nKEGIATAN :"
        );
        assert_eq!(join_spaced_letters("(M U T U) baku"), "(MUTU) baku");
    }

    #[test]
    fn leaves_ordinary_text_alone() {
        for t in [
            "Y T",
            "a b",
            "dikirim ke a n Kepala",
            "A. B. C. Dewi",
            "di ke dari",
            "x 1 2 3",
            "Tahap A B",
            "PT. A B C.",
        ] {
            assert_eq!(join_spaced_letters(t), t, "{t}");
        }
        assert!(matches!(
            join_spaced_letters("Kepala Dinas"),
            Cow::Borrowed(_)
        ));
    }
}
