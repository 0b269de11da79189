//! Cell text clean-up: undoing line wraps that split a word in two.
//!
//! PDF producers wrap text at the cell width, sometimes in the middle of a word
//! ("permohona" / "n cuti"). A break is glued back when the two halves make a word the
//! document uses elsewhere, or when the second half is a short lower-case fragment
//! that is not a word of its own.

use std::borrow::Cow;
use std::collections::HashSet;

use super::vocab::Vocabulary;
use crate::model::{Block, Document, Format};

/// Glues words a wrap split, for one document.
#[derive(Debug, Default)]
pub struct Dewrap {
    /// Only wrapped producers (PDF) get the treatment.
    active: bool,
    /// Lower-case words seen in the document.
    words: HashSet<String>,
    /// Short words that may start a wrapped line on their own (`rules/document.toml`
    /// `wrap_words`).
    short: HashSet<String>,
}

fn tokens(s: &str) -> impl Iterator<Item = String> + '_ {
    s.split(|c: char| !c.is_alphanumeric())
        .filter(|w| w.chars().count() >= 2)
        .map(str::to_lowercase)
}

impl Dewrap {
    /// Prepares the fixer for `doc` (inactive for formats that do not wrap); `vocab`
    /// names the short words that stand on their own at a line's start.
    pub fn for_document(doc: &Document, vocab: &Vocabulary) -> Self {
        if doc.format != Some(Format::Pdf) {
            return Dewrap::default();
        }
        let mut words = HashSet::new();
        for sec in &doc.sections {
            for b in &sec.blocks {
                match b {
                    Block::Paragraph(p) => words.extend(tokens(&p.text)),
                    Block::Table(t) => {
                        for r in &t.rows {
                            for c in &r.cells {
                                words.extend(tokens(&c.text));
                            }
                        }
                    }
                }
            }
        }
        Dewrap {
            active: true,
            words,
            short: vocab.wrap_words().clone(),
        }
    }

    /// True when the line break between `a` and `b` splits one word.
    fn splits_word(&self, a: &str, b: &str) -> bool {
        let Some(w1) = a.split_whitespace().last() else {
            return false;
        };
        let Some(w2) = b.split_whitespace().next() else {
            return false;
        };
        let last = w1.chars().last();
        let first = w2.chars().next();
        if !last.is_some_and(char::is_alphabetic) || !first.is_some_and(char::is_lowercase) {
            return false;
        }
        let w2_core: String = w2.chars().take_while(|c| c.is_alphabetic()).collect();
        // "b." (an enumerator) or "dr." (an abbreviation) starts a new line of its own.
        if w2
            .get(w2_core.len()..)
            .is_some_and(|rest| rest.starts_with(['.', ')']))
        {
            return false;
        }
        let w1_core: String = w1
            .chars()
            .rev()
            .take_while(|c| c.is_alphabetic())
            .collect::<Vec<_>>()
            .into_iter()
            .rev()
            .collect();
        let glued = format!("{w1_core}{w2_core}").to_lowercase();
        let l2 = w2_core.to_lowercase();
        if self.words.contains(&glued) && !self.short.contains(&l2) {
            return true;
        }
        l2.chars().count() <= 3 && !self.short.contains(&l2)
    }

    /// How a line ending in a hyphen joins the next one when the hyphen breaks a word:
    /// `Some(true)` drops the hyphen (the two halves make a word the document uses:
    /// "do-" / "kumen"), `Some(false)` keeps it (a hyphenated word: "perundang-" /
    /// "undangan"); None when the break is no word break (no hyphen, a dash standing
    /// alone, or an upper-case line that makes no known word).
    fn hyphen_join(&self, a: &str, b: &str) -> Option<bool> {
        let w1 = a.split_whitespace().last()?;
        let w2 = b.split_whitespace().next()?;
        let stem = w1.strip_suffix('-')?;
        if !stem.chars().last().is_some_and(char::is_alphabetic) {
            return None;
        }
        let first = w2.chars().next()?;
        if !first.is_alphabetic() {
            return None;
        }
        let stem_core: String = stem
            .chars()
            .rev()
            .take_while(|c| c.is_alphabetic())
            .collect::<Vec<_>>()
            .into_iter()
            .rev()
            .collect();
        let w2_core: String = w2.chars().take_while(|c| c.is_alphabetic()).collect();
        let glued = format!("{stem_core}{w2_core}").to_lowercase();
        if self.words.contains(&glued) {
            Some(true)
        } else if first.is_lowercase() {
            Some(false)
        } else {
            None
        }
    }

    /// `text` with word-splitting line breaks removed (other breaks kept).
    pub fn fix<'a>(&self, text: &'a str) -> Cow<'a, str> {
        if !self.active || !text.contains('\n') {
            return Cow::Borrowed(text);
        }
        let mut out = String::with_capacity(text.len());
        let mut prev: Option<&str> = None;
        for line in text.split('\n') {
            if let Some(p) = prev {
                if let Some(drop_hyphen) = self.hyphen_join(p, line) {
                    let trimmed_len = out.trim_end().len();
                    out.truncate(trimmed_len);
                    if drop_hyphen {
                        out.pop();
                    }
                    out.push_str(line.trim_start());
                } else if self.splits_word(p, line) {
                    let trimmed_len = out.trim_end().len();
                    out.truncate(trimmed_len);
                    out.push_str(line.trim_start());
                } else {
                    out.push('\n');
                    out.push_str(line);
                }
            } else {
                out.push_str(line);
            }
            prev = Some(line);
        }
        Cow::Owned(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn glues_split_words_only() {
        let d = Dewrap {
            active: true,
            words: ["permohonan", "surat", "cuti"]
                .iter()
                .map(|s| s.to_string())
                .collect(),
            short: Vocabulary::default().wrap_words().clone(),
        };
        assert_eq!(d.fix("Surat\npermohona\nn cuti"), "Surat\npermohonan cuti");
        assert_eq!(
            d.fix("Surat izin\ncuti\nditandatang\nani"),
            "Surat izin\ncuti\nditandatangani"
        );
        assert_eq!(
            d.fix("Barang dan\nberita acara"),
            "Barang dan\nberita acara"
        );
        assert_eq!(d.fix("Dikirim\nke alamat"), "Dikirim\nke alamat");
        assert_eq!(d.fix("Daerah\nb. Undang"), "Daerah\nb. Undang");
        assert_eq!(d.fix("Daerah\ndr. Dewi"), "Daerah\ndr. Dewi");
    }

    #[test]
    fn rejoins_hyphenated_wraps() {
        let d = Dewrap {
            active: true,
            words: ["dokumen", "dokumentasi", "arsip"]
                .iter()
                .map(|s| s.to_string())
                .collect(),
            short: Vocabulary::default().wrap_words().clone(),
        };
        // a word broken by the printer's hyphen: the hyphen goes
        assert_eq!(d.fix("atas do-\nkumen yang"), "atas dokumen yang");
        assert_eq!(
            d.fix("BIDANG DOKUMEN-\nTASI PPID"),
            "BIDANG DOKUMENTASI PPID"
        );
        // a hyphenated word wrapped at its hyphen: the hyphen stays
        assert_eq!(
            d.fix("peraturan perundang-\nundangan"),
            "peraturan perundang-undangan"
        );
        // a dash standing alone, or an unknown upper-case pair, is no word break
        assert_eq!(d.fix("Hari H -\nH+8"), "Hari H -\nH+8");
        assert_eq!(d.fix("PPID-\nKALTIM"), "PPID-\nKALTIM");
    }
}
