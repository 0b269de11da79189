//! Document words from `rules/document.toml`: the document-type and procedure
//! headings, organisation-header words and approver sub-labels.

use serde::Deserialize;

/// `rules/document.toml`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct DocumentFile {
    /// Merge into the built-in file instead of replacing it (read by `load_file`).
    #[serde(default, rename = "extend_defaults")]
    pub(super) _extend_defaults: bool,
    #[serde(default)]
    pub(super) sop_headings: Vec<String>,
    #[serde(default)]
    pub(super) sop_heading_prefixes: Vec<String>,
    #[serde(default)]
    pub(super) procedure_headings: Vec<String>,
    #[serde(default)]
    pub(super) procedure_heading_prefixes: Vec<String>,
    #[serde(default)]
    pub(super) government_prefixes: Vec<String>,
    #[serde(default)]
    pub(super) org_words: Vec<String>,
    #[serde(default)]
    pub(super) unit_words: Vec<String>,
    #[serde(default)]
    pub(super) heading_words: Vec<String>,
    #[serde(default)]
    pub(super) approver_name_labels: Vec<String>,
    #[serde(default)]
    pub(super) approver_nip_labels: Vec<String>,
    #[serde(default)]
    pub(super) approver_sublabels: Vec<String>,
    #[serde(default)]
    pub(super) small_words: Vec<String>,
    #[serde(default)]
    pub(super) list_conjunctions: Vec<String>,
    #[serde(default)]
    pub(super) title_prefixes: Vec<String>,
    #[serde(default)]
    pub(super) wrap_words: Vec<String>,
}

/// Document words, normalised (lower case, spaces collapsed).
#[derive(Debug, Default)]
pub(super) struct DocumentVocab {
    pub(super) sop_headings: Vec<String>,
    pub(super) sop_heading_prefixes: Vec<String>,
    pub(super) procedure_headings: Vec<String>,
    pub(super) procedure_heading_prefixes: Vec<String>,
    pub(super) government_prefixes: Vec<String>,
    pub(super) org_words: Vec<String>,
    pub(super) unit_words: Vec<String>,
    pub(super) heading_words: Vec<String>,
    pub(super) approver_name_labels: Vec<String>,
    pub(super) approver_nip_labels: Vec<String>,
    pub(super) approver_sublabels: Vec<String>,
    pub(super) small_words: Vec<String>,
    /// Words closing a list item before the last ("dan"), lower case.
    pub(super) list_conjunctions: Vec<String>,
    /// Title prefixes as lower-case words, longest first.
    pub(super) title_prefixes: Vec<Vec<String>>,
    /// Short words that may start a wrapped line on their own, lower case.
    pub(super) wrap_words: std::collections::HashSet<String>,
}

/// A phrase as compared: lower case, spaces collapsed.
pub(super) fn norm(s: &str) -> String {
    s.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

fn norm_all(v: Vec<String>) -> Vec<String> {
    v.iter()
        .map(|s| norm(s))
        .filter(|s| !s.is_empty())
        .collect()
}

impl DocumentVocab {
    pub(super) fn build(f: DocumentFile) -> Self {
        let mut sublabels = norm_all(f.approver_sublabels);
        let names = norm_all(f.approver_name_labels);
        let nips = norm_all(f.approver_nip_labels);
        sublabels.extend(names.iter().cloned());
        sublabels.extend(nips.iter().cloned());
        DocumentVocab {
            sop_headings: norm_all(f.sop_headings),
            sop_heading_prefixes: norm_all(f.sop_heading_prefixes),
            procedure_headings: norm_all(f.procedure_headings),
            procedure_heading_prefixes: norm_all(f.procedure_heading_prefixes),
            government_prefixes: norm_all(f.government_prefixes),
            org_words: norm_all(f.org_words),
            unit_words: norm_all(f.unit_words),
            heading_words: norm_all(f.heading_words),
            approver_name_labels: names,
            approver_nip_labels: nips,
            approver_sublabels: sublabels,
            small_words: norm_all(f.small_words),
            list_conjunctions: norm_all(f.list_conjunctions),
            title_prefixes: {
                let mut p: Vec<Vec<String>> = norm_all(f.title_prefixes)
                    .iter()
                    .map(|t| t.split(' ').map(str::to_string).collect())
                    .collect();
                p.sort_by_key(|w: &Vec<String>| std::cmp::Reverse(w.len()));
                p
            },
            wrap_words: norm_all(f.wrap_words).into_iter().collect(),
        }
    }
}

/// True when `line` (normalised) starts with `word` followed by a space (or is `word`
/// when `whole` allows it).
pub(super) fn starts_with_word(line: &str, words: &[String], whole: bool) -> bool {
    words.iter().any(|w| {
        line.strip_prefix(w.as_str())
            .is_some_and(|rest| rest.starts_with(' ') || (whole && rest.is_empty()))
    })
}
