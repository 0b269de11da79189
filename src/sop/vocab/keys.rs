//! The role matcher: labels and headers recognised by the role their words name, not by
//! one spelling. A text is read, in order, as
//! 1. its compact key (case, spacing, punctuation, diacritics aside), exactly or within
//!    the typo allowance of [`typo_allowance`];
//! 2. the same text without qualifiers: a parenthesis, what follows a dash, trailing
//!    qualifier words (`rules/labels.toml` `qualifiers`: "kerja", "lain", "SOP", "ke-2"),
//!    a trailing colon;
//! 3. a combined label ("X / Y", "X dan Y"): the known parts decide when they agree;
//! 4. only where the context supports a loose reading ([`Context::Supported`]: a header
//!    row with other known roles, a label column, a label before a colon): one typo in a
//!    word of any length, and abbreviations that truncate a word ("Ket." for Keterangan)
//!    or drop its vowels ("Wkt" for Waktu).

use std::collections::HashMap;

use super::{ColumnRole, IdentityField};
use crate::sop::normalise::{compact_key, edit_distance_within, strip_list_marker};

/// How much the place a text stands in supports a loose reading of it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Context {
    /// The text stands alone: only spellings, qualifiers and combinations are read.
    Alone,
    /// A header row with other known roles, a label column or a label before its
    /// colon: abbreviations and one typo in words of any length are read too.
    Supported,
}

/// Shortest compact key (letters) that may carry a typo when the context supports it.
const SUPPORTED_TYPO_MIN_LEN: usize = 4;
/// Shortest abbreviation read ("Ket", "Wkt", "Nmr"): two letters are too ambiguous.
const ABBREVIATION_MIN_LEN: usize = 3;
/// Share of a word's consonants (doubled letters once) a vowel-dropped abbreviation
/// must keep: "Tgl" keeps 3 of the 4 of "tanggal".
const ABBREVIATION_MIN_CONSONANT_SHARE: f64 = 0.6;
/// Shortest abbreviation of a trailing qualifier word read ("dg" for "dengan"): after a
/// known role word, two letters suffice.
const QUALIFIER_ABBREVIATION_MIN_LEN: usize = 2;
/// Longest text read as a label or header, in characters.
const MAX_LABEL_CHARS: usize = 60;
/// Most words an unknown part of a combined label may have ("X / Y" where only X is
/// known): a longer unknown part means the text is a phrase, not a label.
const MAX_UNKNOWN_PART_WORDS: usize = 1;

/// Texts matched by role: labels and headers (see the module documentation).
#[derive(Debug, Default)]
pub(super) struct KeyTable<T> {
    pub(super) exact: HashMap<String, T>,
    pub(super) all: Vec<(String, T)>,
    pub(super) folds: Vec<(String, String)>,
    /// Each variant as the compact keys of its words, for abbreviations.
    words: Vec<(Vec<String>, T)>,
    /// Compact keys of trailing qualifier words ("kerja", "lain", "sop", "ke").
    qualifiers: Vec<String>,
    /// Compact keys of words joining two labels in one ("dan", "atau").
    joiners: Vec<String>,
}

impl<T: Copy + PartialEq> KeyTable<T> {
    pub(super) fn new(folds: Vec<(String, String)>) -> Self {
        KeyTable {
            exact: HashMap::new(),
            all: Vec::new(),
            folds,
            words: Vec::new(),
            qualifiers: Vec::new(),
            joiners: Vec::new(),
        }
    }

    /// Sets the qualifier words and the joining words (`rules/labels.toml`).
    pub(super) fn with_words(mut self, qualifiers: &[String], joiners: &[String]) -> Self {
        self.qualifiers = keys_of(qualifiers, &self.folds);
        self.joiners = keys_of(joiners, &self.folds);
        self
    }

    pub(super) fn insert(&mut self, variant: &str, value: T) {
        let k = compact_key(variant, &self.folds);
        if k.is_empty() {
            return;
        }
        self.exact.entry(k.clone()).or_insert(value);
        self.all.push((k, value));
        let ws: Vec<String> = word_keys(variant, &self.folds);
        if !ws.is_empty() {
            self.words.push((ws, value));
        }
    }

    /// The role a text names, read as the module documentation says.
    pub(super) fn lookup(&self, text: &str) -> Option<T> {
        self.lookup_in(text, Context::Alone)
    }

    /// The role a text names in `ctx`.
    pub(super) fn lookup_in(&self, text: &str, ctx: Context) -> Option<T> {
        if text.chars().count() > MAX_LABEL_CHARS {
            return None;
        }
        let t = strip_list_marker(text.trim())
            .trim_end_matches([':', ' ', '\u{a0}'])
            .trim();
        if t.is_empty() {
            return None;
        }
        if let Some(v) = self.direct(t, ctx) {
            return Some(v);
        }
        // A colon or a digit inside means a label with its value (or a sentence), never
        // a label alone: only the spelling as a whole was worth trying.
        if t.contains(':')
            || t.chars()
                .any(|c| c.is_ascii_digit() && !self.is_numbering(t))
        {
            return None;
        }
        let bare = self.without_qualifiers(t);
        if !bare.is_empty()
            && bare != t
            && let Some(v) = self.direct(&bare, ctx)
        {
            return Some(v);
        }
        self.combined(t, ctx)
    }

    /// True when every digit of `t` sits in trailing "ke-N" numbering ("Revisi ke-2").
    fn is_numbering(&self, t: &str) -> bool {
        let mut words: Vec<&str> = t.split_whitespace().collect();
        let Some(last) = words.pop() else {
            return false;
        };
        let key = compact_key(last, &self.folds);
        let letters: String = key.chars().filter(|c| c.is_alphabetic()).collect();
        let numbered = self.qualifiers.contains(&letters) || letters.is_empty();
        numbered && !words.iter().any(|w| w.chars().any(|c| c.is_ascii_digit()))
    }

    /// Step 1 (and 4 where supported) on one text as it is.
    fn direct(&self, t: &str, ctx: Context) -> Option<T> {
        let k = compact_key(t, &self.folds);
        if k.is_empty() {
            return None;
        }
        if let Some(v) = self.exact.get(&k) {
            return Some(*v);
        }
        if let Some(v) = self.fuzzy(&k) {
            return Some(v);
        }
        if ctx == Context::Supported {
            return self
                .fuzzy_within(&k, 1, SUPPORTED_TYPO_MIN_LEN)
                .or_else(|| self.abbreviated(t));
        }
        None
    }

    /// The text without qualifiers: parentheses, what follows a dash, trailing
    /// qualifier words and "ke-N" numbering.
    fn without_qualifiers(&self, t: &str) -> String {
        let mut out = String::with_capacity(t.len());
        let mut depth = 0usize;
        for ch in t.chars() {
            match ch {
                '(' | '[' => depth += 1,
                ')' | ']' => depth = depth.saturating_sub(1),
                c if depth == 0 => out.push(c),
                _ => {}
            }
        }
        for dash in [" - ", " – ", " — ", "–", "—"] {
            if let Some((head, _)) = out.split_once(dash)
                && !head.trim().is_empty()
            {
                out = head.to_string();
            }
        }
        let mut words: Vec<&str> = out.split_whitespace().collect();
        while words.len() > 1 {
            let Some(last) = words.last() else { break };
            let key = compact_key(last, &self.folds);
            let letters: String = key.chars().filter(|c| c.is_alphabetic()).collect();
            let numbering =
                key.chars().any(|c| c.is_ascii_digit()) && self.qualifiers.contains(&letters);
            if key.is_empty()
                || numbering
                || self.qualifiers.contains(&key)
                || self.abbreviates_qualifier(&key)
            {
                words.pop();
            } else {
                break;
            }
        }
        words
            .join(" ")
            .trim_end_matches([':', ' ', '-', '/'])
            .trim()
            .to_string()
    }

    /// True when `key` shortens a qualifier word, keeping its first letter and some of
    /// the rest in order ("dg" for "dengan", "yg" for "yang").
    fn abbreviates_qualifier(&self, key: &str) -> bool {
        let n = key.chars().count();
        n >= QUALIFIER_ABBREVIATION_MIN_LEN
            && self.qualifiers.iter().any(|q| {
                n < q.chars().count()
                    && key.chars().next() == q.chars().next()
                    && is_subsequence(key, q)
            })
    }

    /// Step 3: a combined label. Parts are cut at `/`, `&`, `+`, `,`, `;`, `|` and at
    /// joining words; the known parts decide when they all name one role, and the
    /// unknown ones are short.
    fn combined(&self, t: &str, ctx: Context) -> Option<T> {
        let mut parts: Vec<String> = Vec::new();
        for piece in t.split(['/', '&', '+', ',', ';', '|']) {
            let mut cur: Vec<&str> = Vec::new();
            for w in piece.split_whitespace() {
                if self.joiners.contains(&compact_key(w, &self.folds)) {
                    parts.push(cur.join(" "));
                    cur.clear();
                } else {
                    cur.push(w);
                }
            }
            parts.push(cur.join(" "));
        }
        parts.retain(|p| !compact_key(p, &self.folds).is_empty());
        if parts.len() < 2 {
            return None;
        }
        let mut found: Option<T> = None;
        for p in &parts {
            let bare = self.without_qualifiers(p);
            match self.direct(p, ctx).or_else(|| self.direct(&bare, ctx)) {
                Some(v) => {
                    if found.is_some_and(|f| f != v) {
                        return None;
                    }
                    found = Some(v);
                }
                None if p.split_whitespace().count() > MAX_UNKNOWN_PART_WORDS => return None,
                None => {}
            }
        }
        found
    }

    /// The value whose variant is within the typo allowance of compact key `k`.
    pub(super) fn fuzzy(&self, k: &str) -> Option<T> {
        let allowed = typo_allowance(k.chars().count());
        if allowed == 0 {
            return None;
        }
        self.fuzzy_within(k, allowed, 0)
    }

    /// The one value whose variant (of at least `min_len` letters) is within `allowed`
    /// edits of `k`; None when two roles are equally near.
    fn fuzzy_within(&self, k: &str, allowed: usize, min_len: usize) -> Option<T> {
        let len = k.chars().count();
        if len < min_len {
            return None;
        }
        let mut best: Option<(usize, T)> = None;
        let mut tie = false;
        for (vk, v) in &self.all {
            let vlen = vk.chars().count();
            if (min_len == 0 && typo_allowance(vlen) == 0) || vlen < min_len {
                continue;
            }
            let Some(d) = edit_distance_within(k, vk, allowed) else {
                continue;
            };
            match best {
                Some((bd, bv)) if d == bd && bv != *v => tie = true,
                Some((bd, _)) if d < bd => {
                    best = Some((d, *v));
                    tie = false;
                }
                None => best = Some((d, *v)),
                _ => {}
            }
        }
        if tie { None } else { best.map(|(_, v)| v) }
    }

    /// Step 4: every word of the text is the variant's word or an abbreviation of it,
    /// word for word, and one role fits. A truncation ("Ket") wins over a vowel-dropped
    /// reading of another role's word.
    fn abbreviated(&self, t: &str) -> Option<T> {
        let tw: Vec<String> = word_keys(t, &self.folds);
        if tw.is_empty() {
            return None;
        }
        let mut best: Option<(u8, T)> = None;
        let mut tie = false;
        for (vw, v) in &self.words {
            if vw.len() != tw.len() {
                continue;
            }
            let mut rank = 0u8;
            let mut ok = true;
            for (a, b) in tw.iter().zip(vw) {
                if a == b {
                    continue;
                }
                match abbreviation_rank(a, b) {
                    Some(r) => rank = rank.max(r),
                    None => {
                        ok = false;
                        break;
                    }
                }
            }
            if !ok || rank == 0 {
                continue;
            }
            match best {
                Some((br, bv)) if br == rank && bv != *v => tie = true,
                Some((br, _)) if rank < br => {
                    best = Some((rank, *v));
                    tie = false;
                }
                None => best = Some((rank, *v)),
                _ => {}
            }
        }
        if tie { None } else { best.map(|(_, v)| v) }
    }
}

/// True when the letters of `a` appear in `b` in order.
fn is_subsequence(a: &str, b: &str) -> bool {
    let mut it = b.chars();
    a.chars().all(|c| it.any(|d| d == c))
}

/// How `a` abbreviates the word `b`: 1 for a truncation ("ket" of "keterangan"), 2 for
/// a vowel-dropped skeleton ("wkt" of "waktu"), None when it is neither.
fn abbreviation_rank(a: &str, b: &str) -> Option<u8> {
    let (na, nb) = (a.chars().count(), b.chars().count());
    if na < ABBREVIATION_MIN_LEN || na >= nb || a.chars().next() != b.chars().next() {
        return None;
    }
    if a.chars().any(|c| c.is_ascii_digit()) {
        return None;
    }
    if b.starts_with(a) {
        return Some(1);
    }
    let vowel = |c: char| matches!(c, 'a' | 'e' | 'i' | 'o' | 'u');
    if a.chars().skip(1).any(vowel) {
        return None;
    }
    // a subsequence of b keeping most of b's consonants
    let mut it = b.chars();
    if !a.chars().all(|c| it.any(|d| d == c)) {
        return None;
    }
    let mut consonants: Vec<char> = b.chars().filter(|c| !vowel(*c)).collect();
    consonants.dedup();
    let kept = a.chars().filter(|c| !vowel(*c)).count();
    (kept as f64 >= ABBREVIATION_MIN_CONSONANT_SHARE * consonants.len() as f64).then_some(2)
}

/// The compact keys of a text's words (split at spaces and dots), empty ones dropped.
fn word_keys(s: &str, folds: &[(String, String)]) -> Vec<String> {
    s.split(|c: char| c.is_whitespace() || c == '.')
        .map(|w| compact_key(w, folds))
        .filter(|k| !k.is_empty())
        .collect()
}

/// The compact keys of a list of words.
fn keys_of(words: &[String], folds: &[(String, String)]) -> Vec<String> {
    words
        .iter()
        .map(|w| compact_key(w, folds))
        .filter(|k| !k.is_empty())
        .collect()
}

/// How many typos a compact key of `len` characters may carry.
pub(super) fn typo_allowance(len: usize) -> usize {
    match len {
        0..=7 => 0,
        8..=15 => 1,
        _ => 2,
    }
}

pub(super) fn identity_field(name: &str) -> Option<IdentityField> {
    Some(match name {
        "number" => IdentityField::Number,
        "title" => IdentityField::Title,
        "unit" => IdentityField::Unit,
        "created" => IdentityField::Created,
        "revised" => IdentityField::Revised,
        "effective" => IdentityField::Effective,
        "approved_by" => IdentityField::ApprovedBy,
        "legal_basis" => IdentityField::LegalBasis,
        "qualifications" => IdentityField::Qualifications,
        "related_sops" => IdentityField::RelatedSops,
        "equipment" => IdentityField::Equipment,
        "warnings" => IdentityField::Warnings,
        "records" => IdentityField::Records,
        _ => return None,
    })
}

pub(super) fn column_role_named(name: &str) -> Option<ColumnRole> {
    Some(match name {
        "number" => ColumnRole::Number,
        "activity" => ColumnRole::Activity,
        "actors" => ColumnRole::Actors,
        "mutu_baku" => ColumnRole::MutuBaku,
        "requirements" => ColumnRole::Requirements,
        "time" => ColumnRole::Time,
        "output" => ColumnRole::Output,
        "notes" => ColumnRole::Notes,
        _ => return None,
    })
}
