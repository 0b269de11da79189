//! The SOP parser's vocabulary, loaded from `rules/` (actors, labels, headers, marks,
//! time units, decision cues).
//!
//! Every word list lives in a TOML file under `rules/` (each file's header comment
//! explains its shape); [`Vocabulary::load`] reads them once, compiles every regular
//! expression and builds every lookup map, so the methods below are cheap lookups.
//! An override file may set `extend_defaults = true` to add to the built-in file
//! instead of replacing it.

use std::collections::{BTreeMap, HashMap, HashSet};

use regex::Regex;
use serde::Deserialize;
use serde::de::DeserializeOwned;

use super::normalise::{
    NameWord, collapse_ws, compact_key, edit_distance_within, excel_serial_date, is_all_caps,
    iso_date, name_key, name_words, strip_list_marker, title_case_word,
};
use crate::rules::{DEFAULT_FILES, RuleSource, RulesError};

/// An identity field an identity label names.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum IdentityField {
    /// Nomor SOP.
    Number,
    /// Nama / Judul SOP.
    Title,
    /// Unit kerja / organisation.
    Unit,
    /// Tanggal Pembuatan.
    Created,
    /// Tanggal Revisi.
    Revised,
    /// Tanggal Efektif.
    Effective,
    /// Disahkan oleh (position, name, NIP follow).
    ApprovedBy,
    /// Dasar Hukum.
    LegalBasis,
    /// Kualifikasi Pelaksana.
    Qualifications,
    /// Keterkaitan.
    RelatedSops,
    /// Peralatan/Perlengkapan.
    Equipment,
    /// Peringatan.
    Warnings,
    /// Pencatatan dan Pendataan.
    Records,
}

/// The role of a procedure-table column, named by its header text.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ColumnRole {
    /// No.
    Number,
    /// Kegiatan / Uraian Kegiatan / Aktivitas.
    Activity,
    /// The group header over the actor columns.
    Actors,
    /// The group header over the Mutu Baku columns.
    MutuBaku,
    /// Kelengkapan / Persyaratan.
    Requirements,
    /// Waktu.
    Time,
    /// Output.
    Output,
    /// Keterangan / Ket.
    Notes,
}

// ------------------------------------------------------------------------ rule files

/// `rules/actors.toml`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct ActorsFile {
    /// Merge into the built-in file instead of replacing it (read by [`load_file`]).
    #[serde(default, rename = "extend_defaults")]
    _extend_defaults: bool,
    #[serde(default)]
    titles: Vec<String>,
    #[serde(default)]
    honorifics: Vec<String>,
    #[serde(default)]
    agency_words: Vec<String>,
    #[serde(default)]
    abbreviations: BTreeMap<String, String>,
    #[serde(default)]
    word_abbreviations: BTreeMap<String, String>,
    #[serde(default)]
    drop_suffixes: Vec<String>,
    #[serde(default)]
    aliases: BTreeMap<String, String>,
    #[serde(default)]
    heads: BTreeMap<String, String>,
}

/// `rules/labels.toml`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct LabelsFile {
    /// Merge into the built-in file instead of replacing it (read by [`load_file`]).
    #[serde(default, rename = "extend_defaults")]
    _extend_defaults: bool,
    #[serde(default)]
    fold: Vec<(String, String)>,
    #[serde(default)]
    fields: BTreeMap<String, Vec<String>>,
}

/// `rules/headers.toml`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct HeadersFile {
    /// Merge into the built-in file instead of replacing it (read by [`load_file`]).
    #[serde(default, rename = "extend_defaults")]
    _extend_defaults: bool,
    #[serde(default)]
    roles: BTreeMap<String, Vec<String>>,
}

/// `rules/marks.toml`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct MarksFile {
    /// Merge into the built-in file instead of replacing it (read by [`load_file`]).
    #[serde(default, rename = "extend_defaults")]
    _extend_defaults: bool,
    #[serde(default)]
    marks: Vec<String>,
}

/// One unit of `rules/time.toml`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct UnitRule {
    words: Vec<String>,
    minutes: Option<f64>,
    workdays: Option<f64>,
}

/// `rules/time.toml`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct TimeFile {
    /// Merge into the built-in file instead of replacing it (read by [`load_file`]).
    #[serde(default, rename = "extend_defaults")]
    _extend_defaults: bool,
    workday_minutes: Option<f64>,
    #[serde(default)]
    calendar_day_hours: f64,
    #[serde(default)]
    one_prefix: String,
    #[serde(default)]
    units: Vec<UnitRule>,
    #[serde(default)]
    approximate: Vec<String>,
    #[serde(default)]
    range: Vec<String>,
    #[serde(default)]
    times: Vec<String>,
    #[serde(default)]
    numbers: BTreeMap<String, f64>,
    #[serde(default)]
    months: BTreeMap<String, u32>,
}

/// `rules/decisions.toml`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct DecisionsFile {
    /// Merge into the built-in file instead of replacing it (read by [`load_file`]).
    #[serde(default, rename = "extend_defaults")]
    _extend_defaults: bool,
    #[serde(default)]
    questions: Vec<String>,
    #[serde(default)]
    yes_words: Vec<String>,
    #[serde(default)]
    no_words: Vec<String>,
    #[serde(default)]
    pointers: Vec<String>,
    #[serde(default)]
    returns: Vec<String>,
    #[serde(default)]
    return_to: Vec<String>,
}

/// Reads rule file `name` into `T`. With `extend_defaults = true` the file is merged
/// into the built-in file of the same name (lists appended, tables merged, the
/// override's values winning).
fn load_file<T: DeserializeOwned>(src: &RuleSource, name: &str) -> Result<T, RulesError> {
    // Parsing into T first gives shape errors with their line.
    let typed: T = src
        .parse(name)
        .map_err(|e| locate_unknown_key(src, name, e))?;
    let table: toml::Table = src.parse(name)?;
    if table.get("extend_defaults").and_then(toml::Value::as_bool) != Some(true) {
        return Ok(typed);
    }
    let (label, _) = src.text(name)?;
    let default_text = DEFAULT_FILES
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(_, t)| *t)
        .unwrap_or("");
    let mut base: toml::Table = toml::from_str(default_text).map_err(|e| RulesError::Invalid {
        file: format!("rules/{name} (built in)"),
        message: e.to_string(),
    })?;
    merge_tables(&mut base, table);
    base.remove("extend_defaults");
    T::deserialize(toml::Value::Table(base)).map_err(|e| RulesError::Invalid {
        file: label,
        message: format!("merged with the built-in file: {e}"),
    })
}

/// An "unknown field `k`" error points at the table that holds the key; this moves it
/// to the line where `k` is written.
fn locate_unknown_key(src: &RuleSource, name: &str, e: RulesError) -> RulesError {
    let RulesError::Syntax {
        file,
        line,
        message,
    } = e
    else {
        return e;
    };
    let key = message
        .strip_prefix("unknown field `")
        .and_then(|r| r.split('`').next())
        .map(str::to_string);
    let found = key.and_then(|k| {
        let (_, text) = src.text(name).ok()?;
        text.lines()
            .enumerate()
            .skip(line.saturating_sub(1))
            .find(|(_, l)| {
                let l = l.trim_start().trim_start_matches('"');
                l.strip_prefix(k.as_str())
                    .is_some_and(|r| r.trim_start().starts_with(['=', '"', '.']))
            })
            .map(|(i, _)| i + 1)
    });
    RulesError::Syntax {
        file,
        line: found.unwrap_or(line),
        message,
    }
}

/// Merges `over` into `base`: arrays appended, tables merged, other values replaced.
fn merge_tables(base: &mut toml::Table, over: toml::Table) {
    for (k, v) in over {
        match (base.get_mut(&k), v) {
            (Some(toml::Value::Array(a)), toml::Value::Array(b)) => a.extend(b),
            (Some(toml::Value::Table(a)), toml::Value::Table(b)) => merge_tables(a, b),
            (_, v) => {
                base.insert(k, v);
            }
        }
    }
}

/// A value error in rule file `file`.
fn invalid(file: &str, message: String) -> RulesError {
    RulesError::Invalid {
        file: format!("rules/{file}"),
        message,
    }
}

// ------------------------------------------------------------------ label/header keys

/// Texts matched by compact key (case, spacing, punctuation aside) with a small typo
/// allowance: labels and headers.
#[derive(Debug, Default)]
struct KeyTable<T> {
    exact: HashMap<String, T>,
    all: Vec<(String, T)>,
    folds: Vec<(String, String)>,
}

impl<T: Copy + PartialEq> KeyTable<T> {
    fn new(folds: Vec<(String, String)>) -> Self {
        KeyTable {
            exact: HashMap::new(),
            all: Vec::new(),
            folds,
        }
    }

    fn insert(&mut self, variant: &str, value: T) {
        let k = compact_key(variant, &self.folds);
        if k.is_empty() {
            return;
        }
        self.exact.entry(k.clone()).or_insert(value);
        self.all.push((k, value));
    }

    fn lookup(&self, text: &str) -> Option<T> {
        if text.chars().count() > 60 {
            return None;
        }
        let t = strip_list_marker(text.trim());
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
        // "Keterangan / Catatan", "Waktu/Durasi": slashed parts that all name one role.
        if t.contains('/') {
            let mut found: Option<T> = None;
            for part in t.split('/') {
                let pk = compact_key(part, &self.folds);
                if pk.is_empty() {
                    continue;
                }
                let v = self.exact.get(&pk).copied().or_else(|| self.fuzzy(&pk))?;
                if found.is_some_and(|f| f != v) {
                    return None;
                }
                found = Some(v);
            }
            return found;
        }
        None
    }

    /// The value whose variant is within the typo allowance of compact key `k`.
    fn fuzzy(&self, k: &str) -> Option<T> {
        let len = k.chars().count();
        let allowed = typo_allowance(len);
        if allowed == 0 {
            return None;
        }
        let mut best: Option<(usize, T)> = None;
        let mut tie = false;
        for (vk, v) in &self.all {
            if typo_allowance(vk.chars().count()) == 0 {
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
}

/// How many typos a compact key of `len` characters may carry.
fn typo_allowance(len: usize) -> usize {
    match len {
        0..=7 => 0,
        8..=15 => 1,
        _ => 2,
    }
}

fn identity_field(name: &str) -> Option<IdentityField> {
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

fn column_role_named(name: &str) -> Option<ColumnRole> {
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

// ---------------------------------------------------------------------------- actors

/// The actor vocabulary, precomputed.
#[derive(Debug, Default)]
struct ActorVocab {
    /// Title key → canonical title.
    titles: HashMap<String, String>,
    /// (key, canonical) of every title, for typo matching and "title + agency".
    title_list: Vec<(Vec<String>, String, String)>,
    /// Phrase key (word keys joined by spaces) → expansion words, and whether the phrase is
    /// a title abbreviation (expanded in local titles too) rather than a word one.
    abbrev: HashMap<String, (Vec<String>, bool)>,
    /// Trailing phrases dropped before lookup ("yang bersangkutan"), as key words.
    drop_suffixes: Vec<Vec<String>>,
    /// Longest abbreviation phrase in words.
    max_phrase: usize,
    /// Expanded whole-name key → canonical title.
    aliases: HashMap<String, String>,
    /// Expanded head-title words → canonical title, longest first.
    heads: Vec<(Vec<String>, String)>,
    honorifics: HashSet<String>,
    agency_words: HashSet<String>,
}

/// A word of an expanded name.
#[derive(Clone, Debug)]
struct Expanded {
    text: String,
    key: String,
    from_rule: bool,
}

/// The reading of a name: its canonical title when known, and how to write it when not.
#[derive(Debug)]
struct Resolved {
    known: Option<String>,
    display: String,
}

impl ActorVocab {
    fn build(f: ActorsFile) -> Result<Self, RulesError> {
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
        Ok(v)
    }

    /// The title an alias or head points to, as written in `titles`.
    fn canonical_title(
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

    fn expanded_key(&self, s: &str) -> String {
        self.expand(&name_words(s), true)
            .iter()
            .map(|w| w.key.as_str())
            .collect::<Vec<_>>()
            .join(" ")
    }

    /// Words with every abbreviation replaced (only title abbreviations unless `all`),
    /// longest phrase first.
    fn expand(&self, words: &[NameWord], all: bool) -> Vec<Expanded> {
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
    fn resolve(&self, text: &str, fuzzy: bool) -> Resolved {
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
        let display = display_name(&self.expand(&words, false), is_all_caps(text));
        Resolved { known, display }
    }

    fn known_from(&self, keys: &[&str], key: &str, fuzzy: bool) -> Option<String> {
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

    /// The one title within a typo or two of `key`.
    fn fuzzy_title(&self, key: &str) -> Option<String> {
        let len = key.chars().count();
        let allowed = match len {
            0..=5 => return None,
            6..=19 => 1,
            _ => 2,
        };
        let mut best: Option<(usize, &str)> = None;
        let mut tie = false;
        for (_, tk, canon) in &self.title_list {
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

fn starts_with_words(keys: &[&str], prefix: &[String]) -> bool {
    keys.len() >= prefix.len() && keys.iter().zip(prefix).all(|(a, b)| *a == b.as_str())
}

/// Writes an expanded name: rule words as the rule writes them, other words as written
/// (in title case when the whole name was in capitals); `/` and parentheses hug their
/// neighbours.
fn display_name(exp: &[Expanded], caps: bool) -> String {
    let mut s = String::new();
    let mut glue = true;
    for (i, w) in exp.iter().enumerate() {
        let text = if !w.from_rule && caps {
            title_case_word(&w.text, i == 0)
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

// ------------------------------------------------------------------------------ time

/// A time unit: minutes per unit, and whether it is the hour (for "N x 24 jam").
#[derive(Clone, Copy, Debug)]
struct Unit {
    minutes: f64,
    hour: bool,
}

/// A word class of a Waktu text.
#[derive(Clone, Copy, Debug)]
enum TimeWord {
    Unit(Unit),
    Number(f64),
    Range,
    Times,
    Skip,
}

/// The largest time read as minutes (about 90 years of working days); more is a misread.
const MAX_MINUTES: f64 = 10_000_000.0;

/// The time vocabulary, precomputed.
#[derive(Debug, Default)]
struct TimeVocab {
    workday: f64,
    calendar_day_hours: f64,
    one_prefix: String,
    /// Phrase (words joined by spaces) → class.
    phrases: HashMap<String, TimeWord>,
    max_phrase: usize,
    months: HashMap<String, u32>,
}

/// A token of a Waktu text.
#[derive(Clone, Debug)]
enum TimeTok {
    Num(f64),
    Word(String),
    Dash,
    Sep,
}

impl TimeVocab {
    fn build(f: TimeFile) -> Result<Self, RulesError> {
        let workday = f.workday_minutes.unwrap_or(450.0);
        if !(workday.is_finite() && workday > 0.0) {
            return Err(invalid("time.toml", "workday_minutes must be > 0".into()));
        }
        let mut v = TimeVocab {
            workday,
            calendar_day_hours: f.calendar_day_hours.max(0.0),
            one_prefix: f.one_prefix.to_lowercase(),
            ..TimeVocab::default()
        };
        let add = |v: &mut TimeVocab, w: &str, class: TimeWord| {
            let k = time_phrase_key(w);
            if !k.is_empty() {
                v.max_phrase = v.max_phrase.max(k.split(' ').count());
                v.phrases.insert(k, class);
            }
        };
        for u in &f.units {
            let minutes = match (u.minutes, u.workdays) {
                (Some(m), None) => m,
                (None, Some(d)) => d * workday,
                _ => {
                    return Err(invalid(
                        "time.toml",
                        format!(
                            "unit {:?}: give exactly one of `minutes` or `workdays`",
                            u.words
                        ),
                    ));
                }
            };
            if !(minutes.is_finite() && minutes >= 0.0) {
                return Err(invalid(
                    "time.toml",
                    format!("unit {:?}: bad amount", u.words),
                ));
            }
            let unit = Unit {
                minutes,
                hour: (minutes - 60.0).abs() < f64::EPSILON,
            };
            for w in &u.words {
                add(&mut v, w, TimeWord::Unit(unit));
            }
        }
        for w in &f.approximate {
            add(&mut v, w, TimeWord::Skip);
        }
        for w in &f.range {
            add(&mut v, w, TimeWord::Range);
        }
        for w in &f.times {
            add(&mut v, w, TimeWord::Times);
        }
        for (w, n) in &f.numbers {
            add(&mut v, w, TimeWord::Number(*n));
        }
        for (m, n) in &f.months {
            if !(1..=12).contains(n) {
                return Err(invalid("time.toml", format!("month {m:?} = {n}: not 1-12")));
            }
            v.months
                .insert(m.to_lowercase().trim_end_matches('.').to_string(), *n);
        }
        Ok(v)
    }

    /// The class of the phrase `words` (already keyed), if any.
    fn class(&self, words: &str) -> Option<TimeWord> {
        if let Some(c) = self.phrases.get(words) {
            return Some(*c);
        }
        None
    }

    fn minutes(&self, text: &str) -> Option<f64> {
        // "1 hari (7,5 jam)": a parenthesis restating the time is not added to it.
        if text.contains('(') {
            let mut outside = String::with_capacity(text.len());
            let mut depth = 0usize;
            for ch in text.chars() {
                match ch {
                    '(' => depth += 1,
                    ')' => depth = depth.saturating_sub(1),
                    c if depth == 0 => outside.push(c),
                    _ => outside.push(' '),
                }
            }
            if let Some(m) = self.minutes_of(&outside) {
                return Some(m);
            }
        }
        self.minutes_of(text)
    }

    fn minutes_of(&self, text: &str) -> Option<f64> {
        let toks = time_tokens(text);
        // Classify: numbers, units, ranges, multipliers.
        let mut items: Vec<TimeWord> = Vec::with_capacity(toks.len());
        let mut i = 0;
        while i < toks.len() {
            match toks.get(i) {
                Some(TimeTok::Num(n)) => {
                    items.push(TimeWord::Number(*n));
                    i += 1;
                }
                Some(TimeTok::Dash) => {
                    items.push(TimeWord::Range);
                    i += 1;
                }
                Some(TimeTok::Sep) => i += 1,
                Some(TimeTok::Word(_)) => {
                    // Longest phrase of consecutive words.
                    let mut words: Vec<&str> = Vec::new();
                    while let Some(TimeTok::Word(w)) = toks.get(i + words.len()) {
                        if words.len() >= self.max_phrase.max(1) {
                            break;
                        }
                        words.push(w);
                    }
                    let mut hit = None;
                    for n in (1..=words.len()).rev() {
                        let k = words.get(..n).map(|p| p.join(" ")).unwrap_or_default();
                        if let Some(c) = self.class(&k) {
                            hit = Some((n, c));
                            break;
                        }
                    }
                    match hit {
                        Some((n, c)) => {
                            items.push(c);
                            i += n;
                        }
                        None => {
                            // "sehari", "seminggu": one of a unit.
                            let w = words.first().copied().unwrap_or("");
                            let one = (!self.one_prefix.is_empty())
                                .then(|| w.strip_prefix(self.one_prefix.as_str()))
                                .flatten()
                                .and_then(|rest| self.class(rest));
                            if let Some(TimeWord::Unit(u)) = one {
                                items.push(TimeWord::Number(1.0));
                                items.push(TimeWord::Unit(u));
                            }
                            i += 1;
                        }
                    }
                }
                None => break,
            }
        }
        self.evaluate(&items)
    }

    /// Sums amount × unit pairs on each side of a range; the largest side wins.
    fn evaluate(&self, items: &[TimeWord]) -> Option<f64> {
        #[derive(Default)]
        struct Side {
            total: f64,
            has_unit: bool,
            pending: Option<f64>,
            mult: Option<f64>,
            bare: Option<f64>,
            first_unit: Option<Unit>,
        }
        let mut sides: Vec<Side> = vec![Side::default()];
        for it in items {
            let Some(side) = sides.last_mut() else { break };
            match *it {
                TimeWord::Number(n) => {
                    if side.pending.is_none() {
                        side.pending = Some(n);
                    }
                }
                TimeWord::Times => {
                    if let Some(p) = side.pending.take() {
                        side.mult = Some(p);
                    }
                }
                TimeWord::Unit(u) => {
                    if side.first_unit.is_none() {
                        side.first_unit = Some(u);
                    }
                    if let Some(amount) = side.pending.take() {
                        let mult = side.mult.take().unwrap_or(1.0);
                        side.total += self.amount_minutes(amount, u) * mult;
                        side.has_unit = true;
                    }
                }
                TimeWord::Range => {
                    side.bare = side.pending.take();
                    sides.push(Side::default());
                }
                TimeWord::Skip => {}
            }
        }
        if let Some(last) = sides.last_mut() {
            last.bare = last.pending.take();
        }
        let mut best: Option<f64> = None;
        for (i, s) in sides.iter().enumerate() {
            let value = if s.has_unit {
                Some(s.total)
            } else if let Some(n) = s.bare {
                // "10-15 menit": a bare amount takes the next side's unit.
                sides
                    .get(i + 1..)
                    .and_then(|rest| rest.iter().find_map(|r| r.first_unit))
                    .map(|u| self.amount_minutes(n, u))
            } else {
                None
            };
            if let Some(v) = value {
                best = Some(best.map_or(v, |b: f64| b.max(v)));
            }
        }
        // Beyond any working time a step could take: a misread, not a time.
        best.filter(|v| v.is_finite() && *v <= MAX_MINUTES)
            .map(|v| (v * 1000.0).round() / 1000.0)
    }

    /// `amount` of unit `u` in minutes; whole multiples of a calendar day of hours are
    /// working days.
    fn amount_minutes(&self, amount: f64, u: Unit) -> f64 {
        let cal = self.calendar_day_hours;
        if u.hour && cal > 0.0 && amount >= cal && (amount / cal).fract() == 0.0 {
            return amount / cal * self.workday;
        }
        amount * u.minutes
    }
}

/// The key of a time phrase from the rules: lower case, words split as in Waktu texts.
fn time_phrase_key(s: &str) -> String {
    let toks = time_tokens(s);
    let words: Vec<String> = toks
        .into_iter()
        .filter_map(|t| match t {
            TimeTok::Word(w) => Some(w),
            _ => None,
        })
        .collect();
    if words.is_empty() {
        // A rule made only of punctuation ("+/-", "-") keys on itself.
        return s.trim().to_lowercase();
    }
    words.join(" ")
}

/// Cuts a Waktu text into numbers, words, range dashes and separators. Parenthesised
/// text without a digit (a number spelled out: "2 (dua) hari") is dropped; `s/d` and
/// `s.d.` become the word `sd`; a comma between digits is a decimal point; ½ ¼ ¾ are
/// fractions; `'` `’` `′` are words (minutes).
fn time_tokens(text: &str) -> Vec<TimeTok> {
    let lower = text
        .to_lowercase()
        .replace("s/d", " sd ")
        .replace("s.d.", " sd ")
        .replace("s.d", " sd ")
        .replace("+/-", " ± ");
    let chars: Vec<char> = lower.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    let frac = |c: char| match c {
        '½' => Some(0.5),
        '¼' => Some(0.25),
        '¾' => Some(0.75),
        _ => None,
    };
    // For every position: the next ')' at or after it, and digits seen before it; one
    // pass each, so parenthesised groups are skipped in linear time.
    let mut next_close: Vec<Option<usize>> = vec![None; chars.len() + 1];
    for k in (0..chars.len()).rev() {
        let here = (chars.get(k) == Some(&')')).then_some(k);
        let after = next_close.get(k + 1).copied().flatten();
        if let Some(slot) = next_close.get_mut(k) {
            *slot = here.or(after);
        }
    }
    let mut digits_before: Vec<usize> = Vec::with_capacity(chars.len() + 1);
    digits_before.push(0);
    for c in &chars {
        let last = digits_before.last().copied().unwrap_or(0);
        digits_before.push(last + usize::from(c.is_ascii_digit()));
    }
    while let Some(&c) = chars.get(i) {
        if c == '(' {
            // Skip a parenthesised group without digits.
            if let Some(end) = next_close.get(i).copied().flatten() {
                let digits = digits_before
                    .get(end)
                    .zip(digits_before.get(i + 1))
                    .map_or(1, |(a, b)| a.saturating_sub(*b));
                if digits == 0 {
                    i = end + 1;
                    continue;
                }
            }
            out.push(TimeTok::Sep);
            i += 1;
        } else if c.is_ascii_digit() {
            let mut s = String::new();
            while let Some(&d) = chars.get(i) {
                if d.is_ascii_digit() {
                    s.push(d);
                    i += 1;
                } else if (d == '.' || d == ',')
                    && chars.get(i + 1).is_some_and(char::is_ascii_digit)
                    && !s.contains('.')
                {
                    s.push('.');
                    i += 1;
                } else {
                    break;
                }
            }
            let mut n: f64 = s.parse().unwrap_or(0.0);
            if let Some(f) = chars.get(i).and_then(|&x| frac(x)) {
                n += f;
                i += 1;
            }
            // "1/2 jam", "1 1/2 jam": a fraction with a slash.
            if chars.get(i) == Some(&'/') {
                let den: String = chars
                    .get(i + 1..)
                    .unwrap_or(&[])
                    .iter()
                    .take_while(|c| c.is_ascii_digit())
                    .collect();
                let after = chars.get(i + 1 + den.len()).copied();
                if let Ok(d) = den.parse::<f64>()
                    && d > 0.0
                    && after != Some('/')
                {
                    let f = n / d;
                    i += 1 + den.len();
                    if f < 1.0
                        && let Some(TimeTok::Num(prev)) = out.last_mut()
                        && prev.fract() == 0.0
                    {
                        *prev += f;
                        continue;
                    }
                    out.push(TimeTok::Num(f));
                    continue;
                }
            }
            out.push(TimeTok::Num(n));
        } else if let Some(f) = frac(c) {
            out.push(TimeTok::Num(f));
            i += 1;
        } else if c.is_alphabetic() {
            let mut w = String::new();
            while let Some(&d) = chars.get(i) {
                let hyphen_inside = d == '-'
                    && !w.is_empty()
                    && chars.get(i + 1).is_some_and(|x| x.is_alphabetic());
                if d.is_alphabetic() || hyphen_inside {
                    w.push(d);
                    i += 1;
                } else {
                    break;
                }
            }
            if chars.get(i) == Some(&'.') {
                i += 1;
            }
            out.push(TimeTok::Word(w));
        } else if matches!(c, '\'' | '’' | '′' | '±' | '×' | '→') {
            out.push(TimeTok::Word(c.to_string()));
            i += 1;
        } else if matches!(c, '-' | '–' | '—' | '~') {
            out.push(TimeTok::Dash);
            i += 1;
        } else if c.is_whitespace() {
            i += 1;
        } else {
            out.push(TimeTok::Sep);
            i += 1;
        }
    }
    out
}

// ------------------------------------------------------------------------- decisions

/// Decision cues and branch phrases, compiled.
#[derive(Debug, Default)]
struct DecisionVocab {
    questions: Vec<Regex>,
    branch: Option<Regex>,
    no_words: HashSet<String>,
    returns: Option<Regex>,
    /// "dikembalikan kepada X": the words after it name the actor the "Tidak" branch
    /// returns to.
    return_to: Option<Regex>,
}

/// An alternation of escaped phrases, longest first.
fn alternation(words: &[String]) -> String {
    let mut ws: Vec<&String> = words.iter().filter(|w| !w.trim().is_empty()).collect();
    ws.sort_by_key(|w| std::cmp::Reverse(w.chars().count()));
    ws.iter()
        .map(|w| {
            let e = regex::escape(w.trim());
            if w.trim().chars().all(char::is_alphanumeric) {
                format!(r"\b{e}\b")
            } else {
                e
            }
        })
        .collect::<Vec<_>>()
        .join("|")
}

impl DecisionVocab {
    fn build(f: DecisionsFile) -> Result<Self, RulesError> {
        let compile = |p: &str| {
            Regex::new(p).map_err(|e| invalid("decisions.toml", format!("bad regex {p:?}: {e}")))
        };
        let mut questions = Vec::with_capacity(f.questions.len());
        for q in &f.questions {
            questions.push(compile(&format!("(?i){q}"))?);
        }
        let polar: Vec<String> = f.yes_words.iter().chain(&f.no_words).cloned().collect();
        let pointers = alternation(&f.pointers);
        let branch = if polar.is_empty() || pointers.is_empty() {
            None
        } else {
            Some(compile(&format!(
                r"(?i)(?P<w>{})[^0-9;?]{{0,60}}?(?:{pointers})\.?\s*(?P<to>\d{{1,3}})\b",
                alternation(&polar)
            ))?)
        };
        let returns = if f.returns.is_empty() || pointers.is_empty() {
            None
        } else {
            Some(compile(&format!(
                r"(?i)(?:{})[^0-9;?]{{0,40}}?(?:{pointers})\.?\s*(?P<to>\d{{1,3}})\b",
                alternation(&f.returns)
            ))?)
        };
        Ok(DecisionVocab {
            questions,
            branch,
            no_words: f.no_words.iter().map(|w| w.trim().to_lowercase()).collect(),
            returns,
            return_to: if f.return_to.is_empty() {
                None
            } else {
                Some(compile(&format!(
                    r"(?i)(?:{})\s+",
                    alternation(&f.return_to)
                ))?)
            },
        })
    }
}

// ------------------------------------------------------------------------ vocabulary

/// Vocabulary of the parser.
#[derive(Debug)]
pub struct Vocabulary {
    labels: KeyTable<IdentityField>,
    headers: KeyTable<ColumnRole>,
    marks: HashSet<String>,
    actors: ActorVocab,
    time: TimeVocab,
    decisions: DecisionVocab,
    date_named: Option<Regex>,
    date_month_first: Option<Regex>,
    date_numeric: Option<Regex>,
    date_iso: Option<Regex>,
}

impl Default for Vocabulary {
    /// The built-in vocabulary (the embedded `rules/` files).
    fn default() -> Self {
        Vocabulary::load(&RuleSource::default()).unwrap_or_else(|_| Vocabulary::empty())
    }
}

/// Day-first numeric dates: `02-01-2019`, `02/01/19`, `2.1.2019`.
const DATE_NUMERIC: &str = r"\b(\d{1,2})\s*[-/.]\s*(\d{1,2})\s*[-/.]\s*(\d{4}|\d{2})\b";
/// ISO dates: `2019-01-02`, `2019/01/02`.
const DATE_ISO: &str = r"\b(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})\b";

impl Vocabulary {
    /// A vocabulary that knows no word (used only if the built-in rules cannot load).
    fn empty() -> Self {
        Vocabulary {
            labels: KeyTable::new(Vec::new()),
            headers: KeyTable::new(Vec::new()),
            marks: HashSet::new(),
            actors: ActorVocab::default(),
            time: TimeVocab {
                workday: 450.0,
                ..TimeVocab::default()
            },
            decisions: DecisionVocab::default(),
            date_named: None,
            date_month_first: None,
            date_numeric: Regex::new(DATE_NUMERIC).ok(),
            date_iso: Regex::new(DATE_ISO).ok(),
        }
    }

    /// Loads the vocabulary from the rule files.
    pub fn load(src: &RuleSource) -> Result<Self, RulesError> {
        let labels_file: LabelsFile = load_file(src, "labels.toml")?;
        let mut labels = KeyTable::new(labels_file.fold.clone());
        for (name, variants) in &labels_file.fields {
            let f = identity_field(name).ok_or_else(|| {
                invalid("labels.toml", format!("unknown identity field {name:?}"))
            })?;
            for v in variants {
                labels.insert(v, f);
            }
        }
        let headers_file: HeadersFile = load_file(src, "headers.toml")?;
        let mut headers = KeyTable::new(labels_file.fold);
        for (name, variants) in &headers_file.roles {
            let r = column_role_named(name)
                .ok_or_else(|| invalid("headers.toml", format!("unknown column role {name:?}")))?;
            for v in variants {
                headers.insert(v, r);
            }
        }
        let marks_file: MarksFile = load_file(src, "marks.toml")?;
        let marks = marks_file
            .marks
            .iter()
            .map(|m| m.trim().to_string())
            .filter(|m| !m.is_empty())
            .collect();
        let actors = ActorVocab::build(load_file(src, "actors.toml")?)?;
        let time = TimeVocab::build(load_file(src, "time.toml")?)?;
        let decisions = DecisionVocab::build(load_file(src, "decisions.toml")?)?;
        let date_month_first = if time.months.is_empty() {
            None
        } else {
            let months: Vec<String> = time.months.keys().cloned().collect();
            Some(
                Regex::new(&format!(
                    r"(?i)({})\.?\s+(\d{{1,2}}),?\s+(\d{{4}})\b",
                    alternation(&months)
                ))
                .map_err(|e| invalid("time.toml", format!("month names: {e}")))?,
            )
        };
        let date_named = if time.months.is_empty() {
            None
        } else {
            let months: Vec<String> = time.months.keys().cloned().collect();
            Some(
                Regex::new(&format!(
                    r"(?i)\b(\d{{1,2}})\s*[-./ ]?\s*({})\.?\s*[-./ ,]?\s*(\d{{4}}|\d{{2}})\b",
                    alternation(&months)
                ))
                .map_err(|e| invalid("time.toml", format!("month names: {e}")))?,
            )
        };
        let date_numeric =
            Some(Regex::new(DATE_NUMERIC).map_err(|e| invalid("time.toml", e.to_string()))?);
        let date_iso = Some(Regex::new(DATE_ISO).map_err(|e| invalid("time.toml", e.to_string()))?);
        Ok(Vocabulary {
            labels,
            headers,
            marks,
            actors,
            time,
            decisions,
            date_named,
            date_month_first,
            date_numeric,
            date_iso,
        })
    }

    /// The identity field a label names ("Nomor SOP", "No. SOP", "Tgl. Pembuatan",
    /// typos and case aside), or None.
    pub fn identity_label(&self, label: &str) -> Option<IdentityField> {
        self.labels.lookup(label)
    }

    /// The role of a procedure-table column header, or None.
    pub fn column_role(&self, header: &str) -> Option<ColumnRole> {
        self.headers.lookup(header)
    }

    /// True when a cell's whole text is an actor mark (√ ✓ v V x X ●).
    pub fn is_mark(&self, text: &str) -> bool {
        let t = text.trim();
        if self.marks.contains(t) {
            return true;
        }
        // "✔️": the emoji variation selectors do not change the mark.
        let bare: String = t
            .chars()
            .filter(|c| !matches!(c, '\u{fe0e}' | '\u{fe0f}'))
            .collect();
        bare != t && self.marks.contains(bare.trim())
    }

    /// True when an activity reads as a decision ("Apakah …?", "memeriksa … jika …").
    pub fn is_decision(&self, activity: &str) -> bool {
        self.decisions
            .questions
            .iter()
            .any(|q| q.is_match(activity))
    }

    /// The step numbers a text sends the "Ya" and the "Tidak" branch to:
    /// `"Tidak → 2, Ya → 4"` → `(Some(4), Some(2))`; `"Jika tidak, kembali ke langkah
    /// 2"` → `(None, Some(2))`. The first of each wins; a "kembali ke langkah N" without
    /// a yes/no word is the "Tidak" branch.
    pub fn branch_targets(&self, text: &str) -> (Option<u32>, Option<u32>) {
        let (mut yes, mut no) = (None, None);
        if let Some(re) = &self.decisions.branch {
            for c in re.captures_iter(text) {
                let (Some(w), Some(to)) = (c.name("w"), c.name("to")) else {
                    continue;
                };
                let Ok(n) = to.as_str().parse::<u32>() else {
                    continue;
                };
                if self.decisions.no_words.contains(&w.as_str().to_lowercase()) {
                    no = no.or(Some(n));
                } else {
                    yes = yes.or(Some(n));
                }
            }
        }
        if no.is_none()
            && let Some(re) = &self.decisions.returns
        {
            no = re
                .captures(text)
                .and_then(|c| c.name("to"))
                .and_then(|m| m.as_str().parse().ok());
        }
        (yes, no)
    }

    /// The known actor a "Tidak" branch returns to when the text names an actor rather
    /// than a step: `"jika tidak lengkap, berkas dikembalikan kepada Pemohon"` →
    /// `Pemohon`. None when no return phrase is followed by a known title.
    pub fn branch_actor(&self, text: &str) -> Option<String> {
        let re = self.decisions.return_to.as_ref()?;
        re.find_iter(text).find_map(|m| {
            let rest = text.get(m.end()..)?;
            self.actor_at_start(rest).map(|(a, _)| a)
        })
    }

    /// The canonical actor title for a name as written (abbreviations expanded, case
    /// and spacing normalised); a local title not in the vocabulary is kept as written.
    pub fn canonical_actor(&self, written: &str) -> String {
        let text = collapse_ws(written);
        if text.is_empty() {
            return text;
        }
        let whole = self.actors.resolve(&text, true);
        if let Some(k) = whole.known {
            return k;
        }
        if text.contains(['(', '/', ')']) {
            // "Pegawai ybs (yang bersangkutan)": the name without the parenthesis.
            let mut outside = String::new();
            let mut depth = 0usize;
            for ch in text.chars() {
                match ch {
                    '(' => depth += 1,
                    ')' => depth = depth.saturating_sub(1),
                    c if depth == 0 => outside.push(c),
                    _ => {}
                }
            }
            if let Some(k) = self.actors.resolve(&outside, true).known {
                return k;
            }
            for part in text.split(['(', ')', '/']) {
                if let Some(k) = self.actors.resolve(part, true).known {
                    return k;
                }
            }
        }
        if let Some(k) = self.rejoined_actor(&text) {
            return k;
        }
        whole.display
    }

    /// A name whose words were cut by wrapping in a narrow column ("Kasubb ag Perenca
    /// naan", "Staf Pelaksa na"): the known title spelt by joining some neighbouring
    /// fragments, fewest joins first (at most four joins, names of at most ten pieces).
    fn rejoined_actor(&self, text: &str) -> Option<String> {
        let words: Vec<&str> = text.split_whitespace().collect();
        let gaps = words.len().checked_sub(1)?;
        if gaps == 0 || gaps > 9 {
            return None;
        }
        for joins in 1..=gaps.min(4) {
            for mask in 1u32..(1u32 << gaps) {
                if mask.count_ones() as usize != joins {
                    continue;
                }
                let mut s = String::with_capacity(text.len());
                for (i, w) in words.iter().enumerate() {
                    if i > 0 && mask & (1 << (i - 1)) == 0 {
                        s.push(' ');
                    }
                    s.push_str(w);
                }
                if let Some(k) = self.actors.resolve(&s, false).known {
                    return Some(k);
                }
            }
        }
        None
    }

    /// True when `canonical` is one of the vocabulary's known titles.
    pub fn is_known_actor(&self, canonical: &str) -> bool {
        self.actors.titles.contains_key(&name_key(canonical))
    }

    /// The known actor title a text starts with ("Kasubbag Umum menerima …" → Kepala Sub
    /// Bagian Umum …), the longest such prefix of up to 12 words, and the number of
    /// words it takes. No typo matching: the words must spell a title, an alias or an
    /// abbreviation.
    pub fn actor_at_start(&self, text: &str) -> Option<(String, usize)> {
        let words: Vec<&str> = text.split_whitespace().collect();
        for n in (1..=words.len().min(12)).rev() {
            let prefix = words.get(..n)?.join(" ");
            if let Some(k) = self.known_with_alternatives(&prefix) {
                return Some((k, n));
            }
        }
        None
    }

    /// The known title a name spells (no typo matching), trying a parenthesised or
    /// slashed alternative ("Masyarakat/Pemohon") when the whole is not known.
    fn known_with_alternatives(&self, name: &str) -> Option<String> {
        if let Some(k) = self.actors.resolve(name, false).known {
            return Some(k);
        }
        // Only a name that is itself "X/Y" or "X (Y)": the alternative closes the text
        // or is slashed, and what comes before it is short.
        let t = name.trim_end_matches(['.', ',', ';', ':']);
        let head_words = t
            .split(['(', '/'])
            .next()
            .map_or(0, |h| h.split_whitespace().count());
        if !(t.ends_with(')') || t.contains('/')) || head_words > 4 {
            return None;
        }
        name.split(['(', ')', '/'])
            .filter(|p| !p.trim().is_empty())
            .find_map(|p| self.actors.resolve(p, false).known)
    }

    /// `time` as minutes of work ("15 menit" = 15, "1 jam" = 60, "1 HK" = one working
    /// day, a range takes its upper bound); None where unreadable.
    pub fn minutes(&self, time: &str) -> Option<f64> {
        self.time.minutes(time)
    }

    /// Minutes in one working day (rules/time.toml `workday_minutes`).
    pub fn workday_minutes(&self) -> f64 {
        self.time.workday
    }

    /// A date as written (Indonesian month names, `dd-mm-yyyy`, `dd/mm/yy`, an Excel
    /// serial) as ISO `YYYY-MM-DD`; None for `-`, empty or unreadable text.
    pub fn date(&self, written: &str) -> Option<String> {
        let w = written.trim();
        if w.is_empty() || w.len() > 200 || !w.chars().any(|c| c.is_ascii_digit()) {
            return None;
        }
        for c in self.date_iso.iter().flat_map(|re| re.captures_iter(w)) {
            let y = c.get(1)?.as_str().parse().ok()?;
            let m = c.get(2)?.as_str().parse().ok()?;
            let d = c.get(3)?.as_str().parse().ok()?;
            if let Some(iso) = iso_date(y, m, d) {
                return Some(iso);
            }
        }
        if let Some(re) = &self.date_named {
            for c in re.captures_iter(w) {
                let Some(d) = c.get(1).and_then(|m| m.as_str().parse::<u32>().ok()) else {
                    continue;
                };
                let month_word = c
                    .get(2)
                    .map(|m| m.as_str().to_lowercase())
                    .unwrap_or_default();
                let Some(m) = self.time.months.get(month_word.trim_end_matches('.')) else {
                    continue;
                };
                let Some(y) = c.get(3).and_then(|m| year_of(m.as_str())) else {
                    continue;
                };
                if let Some(iso) = iso_date(y, *m, d) {
                    return Some(iso);
                }
            }
        }
        for c in self
            .date_month_first
            .iter()
            .flat_map(|re| re.captures_iter(w))
        {
            let month_word = c
                .get(1)
                .map(|m| m.as_str().to_lowercase())
                .unwrap_or_default();
            let (Some(m), Some(d), Some(y)) = (
                self.time.months.get(month_word.trim_end_matches('.')),
                c.get(2).and_then(|m| m.as_str().parse::<u32>().ok()),
                c.get(3).and_then(|m| year_of(m.as_str())),
            ) else {
                continue;
            };
            if let Some(iso) = iso_date(y, *m, d) {
                return Some(iso);
            }
        }
        for c in self.date_numeric.iter().flat_map(|re| re.captures_iter(w)) {
            let (Some(a), Some(b), Some(y)) = (
                c.get(1).and_then(|m| m.as_str().parse::<u32>().ok()),
                c.get(2).and_then(|m| m.as_str().parse::<u32>().ok()),
                c.get(3).and_then(|m| year_of(m.as_str())),
            ) else {
                continue;
            };
            // Day first; a "month" above 12 means the writer put the month first.
            let (d, m) = if b > 12 && a <= 12 { (b, a) } else { (a, b) };
            if let Some(iso) = iso_date(y, m, d) {
                return Some(iso);
            }
        }
        // An Excel date serial written as a number.
        if let Ok(serial) = w.parse::<f64>()
            && (20_000.0..=80_000.0).contains(&serial)
        {
            return excel_serial_date(serial);
        }
        None
    }
}

/// A year as written: four digits, or two digits meaning 20yy.
fn year_of(s: &str) -> Option<i32> {
    let y: i32 = s.parse().ok()?;
    match s.len() {
        2 => Some(2000 + y),
        4 => Some(y),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v() -> Vocabulary {
        Vocabulary::load(&RuleSource::default()).unwrap()
    }

    #[test]
    fn builtin_rules_load() {
        let v = v();
        assert!(v.is_known_actor("Kepala Dinas"));
        assert!(v.is_mark("√"));
    }

    #[test]
    fn actor_expansion_and_heads() {
        let v = v();
        assert_eq!(
            v.canonical_actor("Kasubbag Umum & Kepeg."),
            "Kepala Sub Bagian Umum dan Kepegawaian"
        );
        assert_eq!(v.canonical_actor("Kepala Dinas Kesehatan"), "Kepala Dinas");
        assert_eq!(v.canonical_actor("Masyarakat (Pemohon)"), "Pemohon");
        assert_eq!(v.canonical_actor("Bpk. Camat"), "Camat");
        assert_eq!(v.canonical_actor("PRAMU  BAKTI"), "Pramu Bakti");
        assert_eq!(v.canonical_actor("Kasubbag Umum"), "Kepala Sub Bagian Umum");
    }

    #[test]
    fn time_units() {
        let v = v();
        assert_eq!(v.minutes("1 jam 30 menit"), Some(90.0));
        assert_eq!(v.minutes("10-15 menit"), Some(15.0));
        assert_eq!(v.minutes("1 x 24 jam"), Some(450.0));
        assert_eq!(v.minutes("Sebelum periode revisi bulan berjalan"), None);
    }

    #[test]
    fn branches() {
        let v = v();
        assert_eq!(v.branch_targets("Tidak → 2, Ya → 4"), (Some(4), Some(2)));
        assert_eq!(v.branch_targets("Tidak: kembali ke no. 1"), (None, Some(1)));
        assert_eq!(v.branch_targets("Ya Tidak"), (None, None));
    }
}
