//! Actor titles: abbreviations expanded, aliases, heads carrying an agency's name, typo
//! matching, and local titles kept as written.

use std::collections::{HashMap, HashSet};

use super::files::{ActorsFile, invalid};
use crate::rules::RulesError;
use crate::sop::normalise::{
    NameWord, collapse_ws, edit_distance_within, is_all_caps, name_key, name_words, title_case_word,
};

/// The actor vocabulary, precomputed.
#[derive(Debug, Default)]
pub(super) struct ActorVocab {
    /// Title key → canonical title.
    pub(super) titles: HashMap<String, String>,
    /// (key, canonical) of every title, for typo matching and "title + agency".
    pub(super) title_list: Vec<(Vec<String>, String, String)>,
    /// Phrase key (word keys joined by spaces) → expansion words, and whether the phrase is
    /// a title abbreviation (expanded in local titles too) rather than a word one.
    pub(super) abbrev: HashMap<String, (Vec<String>, bool)>,
    /// Trailing phrases dropped before lookup ("yang bersangkutan"), as key words.
    pub(super) drop_suffixes: Vec<Vec<String>>,
    /// Longest abbreviation phrase in words.
    pub(super) max_phrase: usize,
    /// Expanded whole-name key → canonical title.
    pub(super) aliases: HashMap<String, String>,
    /// Expanded head-title words → canonical title, longest first.
    pub(super) heads: Vec<(Vec<String>, String)>,
    pub(super) honorifics: HashSet<String>,
    pub(super) agency_words: HashSet<String>,
    /// Keys of every word the actor rules write (titles, expansions, agency words): a
    /// word among them is a word, never an acronym.
    pub(super) rule_words: HashSet<String>,
    /// Words kept in lower case inside a title-cased name ("dan"), lower case.
    pub(super) small_words: HashSet<String>,
    /// Words before the agent of a passive sentence ("oleh"), lower case.
    pub(super) agent_words: HashSet<String>,
    /// Prefixes of active verbs ("me", "ber"), lower case.
    pub(super) active_verb_prefixes: Vec<String>,
    /// Prefixes of passive verbs ("di"), lower case.
    pub(super) passive_verb_prefixes: Vec<String>,
    /// Words a verb prefix would misread ("dinas"), lower case.
    pub(super) not_verbs: Vec<String>,
}

/// A word of an expanded name.
#[derive(Clone, Debug)]
pub(super) struct Expanded {
    pub(super) text: String,
    pub(super) key: String,
    pub(super) from_rule: bool,
}

/// The reading of a name: its canonical title when known, and how to write it when not.
#[derive(Debug)]
pub(super) struct Resolved {
    pub(super) known: Option<String>,
    pub(super) display: String,
}

impl ActorVocab {
    pub(super) fn build(f: ActorsFile) -> Result<Self, RulesError> {
        let mut v = ActorVocab::default();
        for h in &f.honorifics {
            v.honorifics.insert(name_key(h));
        }
        for a in &f.agency_words {
            v.agency_words.insert(name_key(a));
        }
        let all = f
            .abbreviations
            .iter()
            .map(|(w, m)| (w, m, true))
            .chain(f.word_abbreviations.iter().map(|(w, m)| (w, m, false)));
        for (written, means, title) in all {
            let k = name_key(written);
            let exp: Vec<String> = means.split_whitespace().map(str::to_string).collect();
            if k.is_empty() || exp.is_empty() {
                return Err(invalid(
                    "actors.toml",
                    format!("abbreviation {written:?} = {means:?}: both sides must hold a word"),
                ));
            }
            v.max_phrase = v.max_phrase.max(k.split(' ').count());
            v.abbrev.insert(k, (exp, title));
        }
        for t in &f.titles {
            let t = collapse_ws(t);
            let k = name_key(&t);
            if k.is_empty() {
                continue;
            }
            v.titles.insert(k.clone(), t.clone());
            let words = k.split(' ').map(str::to_string).collect();
            v.title_list.push((words, k, t));
        }
        for d in &f.drop_suffixes {
            let k = v.expanded_key(d);
            if !k.is_empty() {
                v.drop_suffixes
                    .push(k.split(' ').map(str::to_string).collect());
            }
        }
        for (written, canon) in &f.aliases {
            let canon = v.canonical_title(canon, "alias", written)?;
            let k = v.expanded_key(written);
            v.aliases.insert(k, canon);
        }
        for (written, canon) in &f.heads {
            let canon = v.canonical_title(canon, "head", written)?;
            let k = v.expanded_key(written);
            let words: Vec<String> = k.split(' ').map(str::to_string).collect();
            v.heads.push((words, canon));
        }
        v.heads.sort_by_key(|h| std::cmp::Reverse(h.0.len()));
        let rule_words = f
            .titles
            .iter()
            .chain(f.abbreviations.values())
            .chain(f.word_abbreviations.values())
            .chain(&f.agency_words)
            .flat_map(|t| t.split_whitespace().map(name_key).collect::<Vec<_>>())
            .filter(|k| !k.is_empty())
            .collect();
        v.rule_words = rule_words;
        v.small_words = f.small_words.iter().map(|w| w.to_lowercase()).collect();
        let lower = |ws: &[String]| -> Vec<String> {
            ws.iter()
                .map(|w| w.trim().to_lowercase())
                .filter(|w| !w.is_empty())
                .collect()
        };
        v.agent_words = lower(&f.agent_words).into_iter().collect();
        v.active_verb_prefixes = lower(&f.active_verb_prefixes);
        v.passive_verb_prefixes = lower(&f.passive_verb_prefixes);
        v.not_verbs = lower(&f.not_verbs);
        Ok(v)
    }

    /// The title an alias or head points to, as written in `titles`.
    pub(super) fn canonical_title(
        &self,
        canon: &str,
        what: &str,
        written: &str,
    ) -> Result<String, RulesError> {
        self.titles.get(&name_key(canon)).cloned().ok_or_else(|| {
            invalid(
                "actors.toml",
                format!("{what} {written:?} points to {canon:?}, which is not in `titles`"),
            )
        })
    }

    pub(super) fn expanded_key(&self, s: &str) -> String {
        self.expand(&name_words(s), true)
            .iter()
            .map(|w| w.key.as_str())
            .collect::<Vec<_>>()
            .join(" ")
    }

    /// Words with every abbreviation replaced (only title abbreviations unless `all`),
    /// longest phrase first.
    pub(super) fn expand(&self, words: &[NameWord], all: bool) -> Vec<Expanded> {
        let mut out = Vec::with_capacity(words.len() + 4);
        let mut i = 0;
        while i < words.len() {
            let mut hit = None;
            let longest = self.max_phrase.min(words.len() - i);
            for n in (1..=longest).rev() {
                let Some(phrase) = words.get(i..i + n) else {
                    continue;
                };
                let k = phrase
                    .iter()
                    .map(|w| w.key.as_str())
                    .collect::<Vec<_>>()
                    .join(" ");
                if let Some((exp, title)) = self.abbrev.get(&k)
                    && (all || *title)
                {
                    hit = Some((n, exp));
                    break;
                }
            }
            match hit {
                Some((n, exp)) => {
                    for e in exp {
                        out.push(Expanded {
                            text: e.clone(),
                            key: e.to_lowercase(),
                            from_rule: true,
                        });
                    }
                    i += n;
                }
                None => {
                    if let Some(w) = words.get(i) {
                        out.push(Expanded {
                            text: w.raw.clone(),
                            key: w.key.clone(),
                            from_rule: false,
                        });
                    }
                    i += 1;
                }
            }
        }
        out
    }

    /// Reads one name (no alternatives): known title or display form.
    pub(super) fn resolve(&self, text: &str, fuzzy: bool) -> Resolved {
        let mut words = name_words(text);
        let lead = words
            .iter()
            .take_while(|w| self.honorifics.contains(&w.key))
            .count();
        words.drain(..lead);
        let exp = self.expand(&words, true);
        let mut keys: Vec<&str> = exp.iter().map(|w| w.key.as_str()).collect();
        for suffix in &self.drop_suffixes {
            if keys.len() > suffix.len()
                && keys
                    .iter()
                    .rev()
                    .zip(suffix.iter().rev())
                    .all(|(a, b)| *a == b.as_str())
            {
                keys.truncate(keys.len() - suffix.len());
                break;
            }
        }
        let key = keys.join(" ");
        let known = self.known_from(&keys, &key, fuzzy);
        // A local title keeps its words as written; only title abbreviations expand.
        let display = display_name(&self.expand(&words, false), is_all_caps(text), self);
        Resolved { known, display }
    }

    pub(super) fn known_from(&self, keys: &[&str], key: &str, fuzzy: bool) -> Option<String> {
        if key.is_empty() {
            return None;
        }
        if let Some(t) = self.titles.get(key) {
            return Some(t.clone());
        }
        if let Some(t) = self.aliases.get(key) {
            return Some(t.clone());
        }
        for (hw, canon) in &self.heads {
            if starts_with_words(keys, hw) {
                return Some(canon.clone());
            }
        }
        // A known title followed by an agency's name.
        let mut best: Option<&(Vec<String>, String, String)> = None;
        for t in &self.title_list {
            if keys.len() > t.0.len()
                && starts_with_words(keys, &t.0)
                && keys
                    .get(t.0.len())
                    .is_some_and(|w| self.agency_words.contains(*w))
                && best.is_none_or(|b| b.0.len() < t.0.len())
            {
                best = Some(t);
            }
        }
        if let Some(b) = best {
            return Some(b.2.clone());
        }
        if fuzzy {
            return self.fuzzy_title(key);
        }
        None
    }

    /// The one title within a typo or two of `key`, or of one of the aliases that name
    /// it (an OCR reading "Barang! Jasa" of an alias written "Barang/Jasa").
    pub(super) fn fuzzy_title(&self, key: &str) -> Option<String> {
        let len = key.chars().count();
        let allowed = match len {
            0..=5 => return None,
            6..=19 => 1,
            _ => 2,
        };
        let mut best: Option<(usize, &str)> = None;
        let mut tie = false;
        let titles = self.title_list.iter().map(|(_, tk, canon)| (tk, canon));
        for (tk, canon) in titles.chain(self.aliases.iter()) {
            if let Some(d) = edit_distance_within(key, tk, allowed) {
                match best {
                    Some((bd, bc)) if d == bd && bc != canon => tie = true,
                    Some((bd, _)) if d < bd => {
                        best = Some((d, canon));
                        tie = false;
                    }
                    None => best = Some((d, canon)),
                    _ => {}
                }
            }
        }
        if tie {
            None
        } else {
            best.map(|(_, c)| c.to_string())
        }
    }
}

pub(super) fn starts_with_words(keys: &[&str], prefix: &[String]) -> bool {
    keys.len() >= prefix.len() && keys.iter().zip(prefix).all(|(a, b)| *a == b.as_str())
}

/// Longest word read as an acronym in a name written all in capitals ("PPK", "KPA").
const MAX_ACRONYM_LETTERS: usize = 5;
/// A word of at most this many letters written in capitals is an acronym whatever its
/// vowels ("TU", "PA"), unless it is one of the rules' small words ("DI", "KE").
const MAX_SHORT_ACRONYM_LETTERS: usize = 2;
/// True when an upper-case word of a name in capitals is an acronym to keep as written:
/// short, mostly consonants (or two letters at most, not a small word), and no word the
/// actor rules write.
fn is_acronym(word: &str, rules: &ActorVocab) -> bool {
    let key = name_key(word);
    let letters = word.chars().filter(|c| c.is_alphabetic()).count();
    let short = letters <= MAX_SHORT_ACRONYM_LETTERS && !rules.small_words.contains(&key);
    is_all_caps(word)
        && (short || acronym_shaped(word, MAX_ACRONYM_LETTERS))
        && !rules.rule_words.contains(&key)
}

/// Fewest consonants per vowel of an acronym: "KPA" has two for one, "ppid" three; a
/// word such as "ADMIN", "LURAH" or "kota" fewer.
const MIN_ACRONYM_CONSONANTS_PER_VOWEL: usize = 2;

/// True when `word`'s letters have the shape of an acronym: at most `max_letters` of
/// them, with [`MIN_ACRONYM_CONSONANTS_PER_VOWEL`] consonants or more per vowel. Shared
/// by actor names and folder names.
pub(super) fn acronym_shaped(word: &str, max_letters: usize) -> bool {
    let letters: Vec<char> = word.chars().filter(|c| c.is_alphabetic()).collect();
    let vowels = letters
        .iter()
        .filter(|c| matches!(c.to_ascii_lowercase(), 'a' | 'e' | 'i' | 'o' | 'u'))
        .count();
    letters.len() <= max_letters
        && letters.len() - vowels >= MIN_ACRONYM_CONSONANTS_PER_VOWEL * vowels
}

/// Writes an expanded name: rule words as the rule writes them, other words as written
/// (in title case when the whole name was in capitals, acronyms aside: "KPA"); `/` and
/// parentheses hug their neighbours.
pub(super) fn display_name(exp: &[Expanded], caps: bool, rules: &ActorVocab) -> String {
    let mut s = String::new();
    let mut glue = true;
    for (i, w) in exp.iter().enumerate() {
        let text = if !w.from_rule && caps && !is_acronym(&w.text, rules) {
            title_case_word(&w.text, i == 0, |x| rules.small_words.contains(x))
        } else {
            w.text.clone()
        };
        let hug_left = matches!(text.as_str(), "/" | ")");
        if !s.is_empty() && !glue && !hug_left {
            s.push(' ');
        }
        glue = matches!(text.as_str(), "/" | "(");
        s.push_str(&text);
    }
    s
}
