//! Severities and thresholds of findings and duplicate detection, loaded from
//! `rules/findings.toml`.
//!
//! Every finding code of SPEC.md is listed in [`CODES`] with its built-in severity; the
//! rules file may set any of them to `error`, `warning`, `info` or `off` (not reported).
//! A code the file names that is not in [`CODES`] is a [`RulesError::Invalid`], so a typo
//! in a code cannot silently switch a check off. A code the file leaves out keeps its
//! built-in severity.

use std::collections::BTreeMap;

use serde::Deserialize;

use super::date::Date;
use crate::rules::{RuleSource, RulesError};
use crate::sop::record::Severity;

/// The name of the rules file.
pub const FILE: &str = "findings.toml";

/// Every finding code (SPEC.md) with its built-in severity.
pub const CODES: &[(&str, Severity)] = &[
    ("missing-number", Severity::Error),
    ("missing-title", Severity::Error),
    ("missing-legal-basis", Severity::Warning),
    ("missing-approval", Severity::Warning),
    ("missing-effective-date", Severity::Warning),
    ("missing-qualifications", Severity::Info),
    ("missing-related-sops", Severity::Info),
    ("missing-equipment", Severity::Info),
    ("missing-warnings", Severity::Info),
    ("missing-records", Severity::Info),
    ("invalid-date", Severity::Error),
    ("stale", Severity::Warning),
    ("number-collision", Severity::Error),
    ("no-steps", Severity::Error),
    ("step-without-actor", Severity::Error),
    ("step-without-time", Severity::Warning),
    ("step-without-output", Severity::Warning),
    ("decision-without-branches", Severity::Error),
    ("missing-start", Severity::Warning),
    ("missing-end", Severity::Warning),
    ("unknown-actor", Severity::Info),
    ("too-many-actors", Severity::Info),
    ("unread-label", Severity::Info),
    ("unknown-header", Severity::Info),
    ("procedure-as-image", Severity::Warning),
];

/// Codes the parser attaches while reading (not recomputed by the checks); they are kept
/// when the findings of an SOP are computed again.
pub const READING_CODES: &[&str] = &["unread-label", "unknown-header"];

/// Severity of every finding code, thresholds of the checks, and the as-of date.
#[derive(Clone, Debug)]
pub struct FindingRules {
    /// Severity per code; a code absent here is switched off.
    severity: BTreeMap<String, Severity>,
    /// An SOP whose latest effective or revision date is more than this many years before
    /// the as-of date is `stale`.
    pub review_years: u32,
    /// An SOP with more actors than this gets `too-many-actors`.
    pub max_actors: usize,
    /// A date before 1 January of this year is `invalid-date`.
    pub earliest_year: i32,
    /// The date the checks are measured against (`stale`, dates in the future). Today by
    /// default; `--as-of` sets it for reproducible runs.
    pub as_of: Date,
    /// Duplicate detection settings.
    pub duplicates: DuplicateRules,
}

/// Settings of duplicate detection across agencies.
#[derive(Clone, Debug, PartialEq)]
pub struct DuplicateRules {
    /// Two SOPs whose shingle sets have at least this Jaccard similarity are near
    /// duplicates (0 < t ≤ 1).
    pub near_similarity: f64,
    /// SOPs with fewer steps than this take no part in duplicate detection (a one-step
    /// fragment is not a procedure worth comparing).
    pub min_steps: usize,
    /// When false, a group is reported only if its SOPs come from two or more agencies.
    pub same_agency: bool,
}

impl Default for DuplicateRules {
    fn default() -> Self {
        DuplicateRules {
            near_similarity: 0.8,
            min_steps: 2,
            same_agency: true,
        }
    }
}

impl Default for FindingRules {
    fn default() -> Self {
        FindingRules {
            severity: CODES.iter().map(|(c, s)| (c.to_string(), *s)).collect(),
            review_years: 3,
            max_actors: 7,
            earliest_year: 1945,
            as_of: Date::today(),
            duplicates: DuplicateRules::default(),
        }
    }
}

/// The TOML shape of `findings.toml`.
#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct FileShape {
    #[serde(default)]
    severity: BTreeMap<String, String>,
    #[serde(default)]
    thresholds: ThresholdShape,
    #[serde(default)]
    duplicates: DuplicateShape,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct ThresholdShape {
    review_years: Option<u32>,
    max_actors: Option<usize>,
    earliest_year: Option<i32>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct DuplicateShape {
    near_similarity: Option<f64>,
    min_steps: Option<usize>,
    same_agency: Option<bool>,
}

impl FindingRules {
    /// Loads the finding rules from `findings.toml` (override folder or built in).
    pub fn load(src: &RuleSource) -> Result<Self, RulesError> {
        let shape: FileShape = src.parse(FILE)?;
        let (label, _) = src.text(FILE)?;
        let invalid = |message: String| RulesError::Invalid {
            file: label.clone(),
            message,
        };
        let mut rules = FindingRules::default();
        for (code, level) in &shape.severity {
            if !CODES.iter().any(|(c, _)| c == code) {
                return Err(invalid(format!(
                    "unknown finding code {code:?} in [severity]; known codes: {}",
                    CODES.iter().map(|(c, _)| *c).collect::<Vec<_>>().join(", ")
                )));
            }
            match level.trim().to_ascii_lowercase().as_str() {
                "error" => rules.severity.insert(code.clone(), Severity::Error),
                "warning" => rules.severity.insert(code.clone(), Severity::Warning),
                "info" => rules.severity.insert(code.clone(), Severity::Info),
                "off" => rules.severity.remove(code),
                other => {
                    return Err(invalid(format!(
                        "severity of {code} is {other:?}; use error, warning, info or off"
                    )));
                }
            };
        }
        let t = shape.thresholds;
        if let Some(y) = t.review_years {
            if y == 0 {
                return Err(invalid("thresholds.review_years must be at least 1".into()));
            }
            rules.review_years = y;
        }
        if let Some(n) = t.max_actors {
            rules.max_actors = n;
        }
        if let Some(y) = t.earliest_year {
            rules.earliest_year = y;
        }
        let d = shape.duplicates;
        if let Some(s) = d.near_similarity {
            if !(s > 0.0 && s <= 1.0) {
                return Err(invalid(format!(
                    "duplicates.near_similarity is {s}; it must be above 0 and at most 1"
                )));
            }
            rules.duplicates.near_similarity = s;
        }
        if let Some(n) = d.min_steps {
            rules.duplicates.min_steps = n.max(1);
        }
        if let Some(b) = d.same_agency {
            rules.duplicates.same_agency = b;
        }
        Ok(rules)
    }

    /// The severity of `code`, or None when the rules switch it off.
    pub fn severity(&self, code: &str) -> Option<Severity> {
        self.severity.get(code).copied()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn built_in_file_lists_every_code() {
        let text = crate::rules::DEFAULT_FILES
            .iter()
            .find(|(n, _)| *n == FILE)
            .map(|(_, t)| *t)
            .unwrap();
        let shape: FileShape = toml::from_str(text).unwrap();
        for (code, sev) in CODES {
            let level = shape
                .severity
                .get(*code)
                .unwrap_or_else(|| panic!("{code}"));
            let want = match sev {
                Severity::Error => "error",
                Severity::Warning => "warning",
                Severity::Info => "info",
            };
            assert_eq!(level, want, "{code}");
        }
        assert_eq!(shape.severity.len(), CODES.len());
    }
}
