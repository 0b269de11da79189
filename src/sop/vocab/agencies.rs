//! Agency names from `rules/agencies.toml`: a first-level folder of the archive read as
//! the agency's name, abbreviated unit types ("Kec.", "Kel.") and acronyms ("BPKAD")
//! written out, and whether a folder name abbreviates the organisation header a document
//! prints (then the header is the better name).

use std::collections::BTreeMap;

/// Longest lower-case folder word read as an acronym ("ppid" → "PPID").
const MAX_FOLDER_ACRONYM_LETTERS: usize = 4;

use serde::Deserialize;

/// `rules/agencies.toml`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct AgenciesFile {
    /// Merge into the built-in file instead of replacing it (read by `load_file`).
    #[serde(default, rename = "extend_defaults")]
    pub(super) _extend_defaults: bool,
    #[serde(default)]
    pub(super) small_words: Vec<String>,
    #[serde(default)]
    pub(super) unit_types: BTreeMap<String, String>,
    #[serde(default)]
    pub(super) acronyms: BTreeMap<String, String>,
    #[serde(default)]
    pub(super) numerals: BTreeMap<String, String>,
}

/// Fewest words of a header a folder acronym must stand for: one letter or piece for
/// one word abbreviates nothing.
const MIN_ABBREVIATED_WORDS: usize = 2;
/// Most trailing words of a header an abbreviating folder may leave out (the region:
/// "… Kota Tomohon").
const MAX_UNCOVERED_TRAILING_WORDS: usize = 3;

/// How folder names are read as agency names.
#[derive(Clone, Debug, Default)]
pub struct AgencyNames {
    small_words: Vec<String>,
    /// Unit-type abbreviation (lower case, no dot) → the unit type written out.
    unit_types: BTreeMap<String, String>,
    /// Acronym (lower-case letters and digits) → the agency's name.
    acronyms: BTreeMap<String, String>,
    /// A number as written in a name ("I", "1") → the same number in words ("satu").
    numerals: BTreeMap<String, String>,
}

/// A folder name read as an agency name.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FolderName {
    /// The name: written out when the folder abbreviates it, else title-cased.
    pub name: String,
    /// True when the folder is an acronym or starts with an abbreviated unit type: a
    /// document's own organisation header may name the agency better.
    pub abbreviated: bool,
}

/// Lower-case letters and digits only: the key of an acronym.
fn letters(s: &str) -> String {
    s.chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

impl AgencyNames {
    pub(super) fn build(f: AgenciesFile) -> Self {
        AgencyNames {
            small_words: f.small_words.iter().map(|w| w.to_lowercase()).collect(),
            unit_types: f
                .unit_types
                .into_iter()
                .map(|(k, v)| (letters(&k), v))
                .collect(),
            acronyms: f
                .acronyms
                .into_iter()
                .map(|(k, v)| (letters(&k), v))
                .collect(),
            numerals: f
                .numerals
                .into_iter()
                .map(|(k, v)| (letters(&k), letters(&v)))
                .collect(),
        }
    }

    /// The significant words of a name as compared: letters only, small words left out,
    /// numbers in words, acronyms of the table written out ("Setda").
    fn compared_words(&self, name: &str) -> Vec<String> {
        let mut out = Vec::new();
        for w in name.split_whitespace().map(letters) {
            if w.is_empty() || self.small_words.contains(&w) {
                continue;
            }
            if let Some(n) = self.numerals.get(&w) {
                out.push(n.clone());
            } else if let Some(full) = self.acronyms.get(&w) {
                out.extend(
                    full.split_whitespace()
                        .map(letters)
                        .filter(|x| !x.is_empty() && !self.small_words.contains(x)),
                );
            } else {
                out.push(w);
            }
        }
        out
    }

    /// A document's organisation header as the agency's name: words that are acronyms
    /// of the table written out ("Bagian Organisasi Setda" → "… Sekretariat Daerah").
    pub fn written_out(&self, header: &str) -> String {
        header
            .split_whitespace()
            .map(|w| match self.acronyms.get(&letters(w)) {
                Some(full) => full.clone(),
                None => w.to_string(),
            })
            .collect::<Vec<_>>()
            .join(" ")
    }

    /// The words of a folder name (split at `-`, `_`, spaces and dots after a word).
    fn words(folder: &str) -> Vec<&str> {
        folder
            .split(['-', '_', ' '])
            .flat_map(|w| {
                // "Kec.Wenang": a dot between words splits them
                let mut parts: Vec<&str> = w.split_inclusive('.').collect();
                if parts.len() > 2 {
                    parts = vec![w];
                }
                parts
            })
            .filter(|w| !w.trim_end_matches('.').is_empty())
            .collect()
    }

    /// Title case of a folder's words; words written with capitals keep them (unless
    /// every word is in capitals), small words after the first stay lower case.
    fn title_words(&self, words: &[&str], folder: &[&str]) -> String {
        // a name written all in capitals over several words is shouted, not acronyms
        let shouted = folder.len() > 1
            && folder
                .iter()
                .flat_map(|w| w.chars())
                .filter(|c| c.is_alphabetic())
                .all(char::is_uppercase);
        words
            .iter()
            .enumerate()
            .map(|(i, w)| {
                let lw = w.to_lowercase();
                if i > 0 && self.small_words.contains(&lw) {
                    lw
                } else if !shouted && w.chars().any(char::is_uppercase) {
                    w.to_string()
                } else if !shouted && self.is_lower_acronym(w) {
                    w.to_uppercase()
                } else {
                    let mut cs = lw.chars();
                    match cs.next() {
                        Some(f) => f.to_uppercase().chain(cs).collect(),
                        None => String::new(),
                    }
                }
            })
            .collect::<Vec<_>>()
            .join(" ")
    }

    /// True when a word a folder writes in lower case ("ppid", "bps") has the shape of an
    /// acronym: short, mostly consonants, no numeral, unit type or small word of the rules.
    fn is_lower_acronym(&self, word: &str) -> bool {
        let key = word.to_lowercase();
        word.chars().count() >= 2
            && word.chars().all(|c| c.is_alphabetic() && c.is_lowercase())
            && super::actors::acronym_shaped(word, MAX_FOLDER_ACRONYM_LETTERS)
            && !self.small_words.contains(&key)
            && !self.numerals.contains_key(&key)
            && !self.unit_types.contains_key(&key)
    }

    /// A folder name read as an agency name: the acronym table, an abbreviated unit type
    /// at its start written out, else its words title-cased.
    pub fn folder_name(&self, folder: &str) -> FolderName {
        let words = Self::words(folder);
        if let Some(full) = self.acronyms.get(&letters(folder)) {
            return FolderName {
                name: full.clone(),
                abbreviated: true,
            };
        }
        if let Some((first, rest)) = words.split_first()
            && !rest.is_empty()
            && let Some(full) = self.unit_types.get(&letters(first))
        {
            return FolderName {
                name: format!("{full} {}", self.title_words(rest, &words)),
                abbreviated: true,
            };
        }
        let acronym = words.len() == 1
            && words.first().is_some_and(|w| {
                w.chars().filter(|c| c.is_alphabetic()).count() >= 2
                    && w.chars()
                        .filter(|c| c.is_alphabetic())
                        .all(char::is_uppercase)
            });
        FolderName {
            name: self.title_words(&words, &words),
            abbreviated: acronym,
        }
    }

    /// True when `folder` abbreviates the agency name `header` (a document's own
    /// organisation header): the table's expansion or the written-out unit type starts
    /// the header's words, or the folder's letters are pieces starting the header's
    /// significant words in order ("DPMPTSP", "Dinkes", "Bappeda"), leaving at most a
    /// few trailing words (the region) uncovered.
    pub fn abbreviates(&self, folder: &str, header: &str) -> bool {
        let significant = self.compared_words(header);
        let expanded = self.folder_name(folder);
        let exp = self.compared_words(&expanded.name);
        if expanded.abbreviated
            && exp.len() >= MIN_ABBREVIATED_WORDS.min(significant.len())
            && significant.starts_with(&exp)
        {
            return true;
        }
        let key = letters(folder);
        let chars: Vec<char> = key.chars().collect();
        let words: Vec<Vec<char>> = significant.iter().map(|w| w.chars().collect()).collect();
        (MIN_ABBREVIATED_WORDS..=words.len())
            .filter(|&n| words.len() - n <= MAX_UNCOVERED_TRAILING_WORDS)
            .any(|n| pieces_start_words(&chars, words.get(..n).unwrap_or(&[])))
    }
}

/// True when `key` is the concatenation of one non-empty prefix of each of `words`, in
/// order.
fn pieces_start_words(key: &[char], words: &[Vec<char>]) -> bool {
    let Some((word, rest)) = words.split_first() else {
        return key.is_empty();
    };
    (1..=word.len().min(key.len())).any(|n| {
        key.get(..n) == word.get(..n) && pieces_start_words(key.get(n..).unwrap_or(&[]), rest)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::RuleSource;
    use crate::sop::vocab::Vocabulary;

    fn names() -> AgencyNames {
        Vocabulary::load(&RuleSource::default())
            .map(|v| v.agency_names().clone())
            .unwrap_or_default()
    }

    #[test]
    fn folder_names_written_out() {
        let n = names();
        let name = |f: &str| n.folder_name(f).name;
        assert_eq!(name("Kec. Wenang"), "Kecamatan Wenang");
        assert_eq!(name("kel-tikala"), "Kelurahan Tikala");
        assert_eq!(name("Kel.Tikala"), "Kelurahan Tikala");
        assert_eq!(name("BAG organisasi"), "Bagian Organisasi");
        assert_eq!(name("BPKAD"), "Badan Pengelolaan Keuangan dan Aset Daerah");
        assert_eq!(name("Satpol-PP"), "Satuan Polisi Pamong Praja");
        assert_eq!(
            name("dinas-kependudukan-dan-pencatatan-sipil"),
            "Dinas Kependudukan dan Pencatatan Sipil"
        );
        assert!(!n.folder_name("dinas-sosial").abbreviated);
        assert!(n.folder_name("XYZ").abbreviated);
        assert_eq!(name("XYZ"), "XYZ");
        // acronym-shaped words of a lower-case folder keep their capitals
        assert_eq!(name("bps-bengkulu"), "BPS Bengkulu");
        assert_eq!(name("kaltim-ppid"), "Kaltim PPID");
        assert_eq!(name("kota-manado"), "Kota Manado");
    }

    #[test]
    fn acronym_of_the_header() {
        let n = names();
        // initials, pieces starting the words, the region left out
        assert!(n.abbreviates(
            "DPMPTSP",
            "Dinas Penanaman Modal dan Pelayanan Terpadu Satu Pintu"
        ));
        assert!(n.abbreviates("DKPP", "Dinas Ketahanan Pangan dan Perikanan Kota Tomohon"));
        assert!(n.abbreviates("Dinkes", "Dinas Kesehatan"));
        assert!(n.abbreviates("BAPPEDA", "Badan Perencanaan Pembangunan Daerah"));
        assert!(n.abbreviates("Kec. Wenang", "Kecamatan Wenang Kota Manado"));
        // another agency's header, or a folder that is no abbreviation of it
        assert!(!n.abbreviates("DPMPTSP", "Dinas Kesehatan"));
        assert!(!n.abbreviates("Kec. Wenang", "Kecamatan Tikala"));
        assert!(!n.abbreviates("D", "Dinas Kesehatan"));
        // a number in words, an acronym inside the header
        assert!(n.abbreviates("Kel Kakaskasen I", "Kelurahan Kakaskasen Satu"));
        assert!(n.abbreviates("Bag. Organisasi", "Bagian Organisasi Setda"));
        assert_eq!(
            n.written_out("Bagian Organisasi Setda"),
            "Bagian Organisasi Sekretariat Daerah"
        );
    }
}
