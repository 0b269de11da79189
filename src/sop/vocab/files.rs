//! The shapes of the rule files (`rules/*.toml`) and how they are read: with file and
//! line in every error, and merged into the built-in file when `extend_defaults = true`.

use std::collections::BTreeMap;

use serde::Deserialize;
use serde::de::DeserializeOwned;

use crate::rules::{DEFAULT_FILES, RuleSource, RulesError};

/// `rules/actors.toml`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct ActorsFile {
    /// Merge into the built-in file instead of replacing it (read by [`load_file`]).
    #[serde(default, rename = "extend_defaults")]
    pub(super) _extend_defaults: bool,
    #[serde(default)]
    pub(super) titles: Vec<String>,
    #[serde(default)]
    pub(super) honorifics: Vec<String>,
    #[serde(default)]
    pub(super) agency_words: Vec<String>,
    #[serde(default)]
    pub(super) small_words: Vec<String>,
    #[serde(default)]
    pub(super) abbreviations: BTreeMap<String, String>,
    #[serde(default)]
    pub(super) word_abbreviations: BTreeMap<String, String>,
    #[serde(default)]
    pub(super) drop_suffixes: Vec<String>,
    #[serde(default)]
    pub(super) aliases: BTreeMap<String, String>,
    #[serde(default)]
    pub(super) heads: BTreeMap<String, String>,
    #[serde(default)]
    pub(super) agent_words: Vec<String>,
    #[serde(default)]
    pub(super) active_verb_prefixes: Vec<String>,
    #[serde(default)]
    pub(super) passive_verb_prefixes: Vec<String>,
    #[serde(default)]
    pub(super) not_verbs: Vec<String>,
}

/// `rules/labels.toml`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct LabelsFile {
    /// Merge into the built-in file instead of replacing it (read by [`load_file`]).
    #[serde(default, rename = "extend_defaults")]
    pub(super) _extend_defaults: bool,
    #[serde(default)]
    pub(super) fold: Vec<(String, String)>,
    /// Trailing words that qualify a label or header without changing its role.
    #[serde(default)]
    pub(super) qualifiers: Vec<String>,
    /// Words that join two labels in one ("X dan Y").
    #[serde(default)]
    pub(super) joiners: Vec<String>,
    #[serde(default)]
    pub(super) fields: BTreeMap<String, Vec<String>>,
}

/// `rules/headers.toml`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct HeadersFile {
    /// Merge into the built-in file instead of replacing it (read by [`load_file`]).
    #[serde(default, rename = "extend_defaults")]
    pub(super) _extend_defaults: bool,
    #[serde(default)]
    pub(super) roles: BTreeMap<String, Vec<String>>,
}

/// `rules/marks.toml`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct MarksFile {
    /// Merge into the built-in file instead of replacing it (read by [`load_file`]).
    #[serde(default, rename = "extend_defaults")]
    pub(super) _extend_defaults: bool,
    #[serde(default)]
    pub(super) marks: Vec<String>,
}

/// One unit of `rules/time.toml`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct UnitRule {
    pub(super) words: Vec<String>,
    pub(super) minutes: Option<f64>,
    pub(super) workdays: Option<f64>,
}

/// `rules/time.toml`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct TimeFile {
    /// Merge into the built-in file instead of replacing it (read by [`load_file`]).
    #[serde(default, rename = "extend_defaults")]
    pub(super) _extend_defaults: bool,
    pub(super) workday_minutes: Option<f64>,
    #[serde(default)]
    pub(super) calendar_day_hours: f64,
    #[serde(default)]
    pub(super) one_prefix: String,
    #[serde(default)]
    pub(super) units: Vec<UnitRule>,
    #[serde(default)]
    pub(super) approximate: Vec<String>,
    #[serde(default)]
    pub(super) range: Vec<String>,
    #[serde(default)]
    pub(super) times: Vec<String>,
    #[serde(default)]
    pub(super) numbers: BTreeMap<String, f64>,
    #[serde(default)]
    pub(super) months: BTreeMap<String, u32>,
}

/// `rules/decisions.toml`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct DecisionsFile {
    /// Merge into the built-in file instead of replacing it (read by [`load_file`]).
    #[serde(default, rename = "extend_defaults")]
    pub(super) _extend_defaults: bool,
    #[serde(default)]
    pub(super) questions: Vec<String>,
    #[serde(default)]
    pub(super) yes_words: Vec<String>,
    #[serde(default)]
    pub(super) no_words: Vec<String>,
    #[serde(default)]
    pub(super) pointers: Vec<String>,
    #[serde(default)]
    pub(super) returns: Vec<String>,
    #[serde(default)]
    pub(super) return_to: Vec<String>,
    /// Yes words read in free text before a step number without a pointer word.
    #[serde(default)]
    pub(super) text_yes: Vec<String>,
    /// No words read in free text before a step number without a pointer word.
    #[serde(default)]
    pub(super) text_no: Vec<String>,
    /// Return words read in free text before a step number ("diulang … 2").
    #[serde(default)]
    pub(super) text_returns: Vec<String>,
    /// Negations that turn a following yes word into a no ("tidak ya").
    #[serde(default)]
    pub(super) negations: Vec<String>,
    /// Whole texts of a cell that are a branch label, not an actor mark ("Ya", "Tidak").
    #[serde(default)]
    pub(super) branch_labels: Vec<String>,
}

/// Reads rule file `name` into `T`. With `extend_defaults = true` the file is merged
/// into the built-in file of the same name (lists appended, tables merged, the
/// override's values winning).
pub(super) fn load_file<T: DeserializeOwned>(
    src: &RuleSource,
    name: &str,
) -> Result<T, RulesError> {
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
pub(super) fn locate_unknown_key(src: &RuleSource, name: &str, e: RulesError) -> RulesError {
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
pub(super) fn merge_tables(base: &mut toml::Table, over: toml::Table) {
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
pub(super) fn invalid(file: &str, message: String) -> RulesError {
    RulesError::Invalid {
        file: format!("rules/{file}"),
        message,
    }
}
