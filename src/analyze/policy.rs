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
use crate::sop::record::{FindingCode, Severity};

/// The name of the rules file.
pub const FILE: &str = "findings.toml";

/// Every finding code (SPEC.md) with its built-in severity.
pub const CODES: &[(FindingCode, Severity)] = &[
    (FindingCode::MissingNumber, Severity::Error),
    (FindingCode::MissingTitle, Severity::Error),
    (FindingCode::MissingLegalBasis, Severity::Warning),
    (FindingCode::MissingApproval, Severity::Warning),
    (FindingCode::MissingEffectiveDate, Severity::Warning),
    (FindingCode::MissingQualifications, Severity::Info),
    (FindingCode::MissingRelatedSops, Severity::Info),
    (FindingCode::MissingEquipment, Severity::Info),
    (FindingCode::MissingWarnings, Severity::Info),
    (FindingCode::MissingRecords, Severity::Info),
    (FindingCode::InvalidDate, Severity::Error),
    (FindingCode::Stale, Severity::Warning),
    (FindingCode::NumberCollision, Severity::Error),
    (FindingCode::NoSteps, Severity::Error),
    (FindingCode::StepWithoutActor, Severity::Error),
    (FindingCode::StepWithoutTime, Severity::Warning),
    (FindingCode::StepWithoutOutput, Severity::Warning),
    (FindingCode::DecisionWithoutBranches, Severity::Error),
    (FindingCode::MissingStart, Severity::Warning),
    (FindingCode::MissingEnd, Severity::Warning),
    (FindingCode::UnknownActor, Severity::Info),
    (FindingCode::TooManyActors, Severity::Info),
    (FindingCode::UnreadLabel, Severity::Info),
    (FindingCode::UnknownHeader, Severity::Info),
    (FindingCode::ProcedureAsImage, Severity::Warning),
];

/// Codes the parser attaches while reading (not recomputed by the checks); they are kept
/// when the findings of an SOP are computed again.
pub const READING_CODES: &[FindingCode] = &[FindingCode::UnreadLabel, FindingCode::UnknownHeader];

/// Severity of every finding code, thresholds of the checks, and the as-of date.
#[derive(Clone, Debug)]
pub struct FindingRules {
    /// Severity per code; a code absent here is switched off.
    severity: BTreeMap<FindingCode, Severity>,
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
            severity: CODES.iter().copied().collect(),
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
        for (name, level) in &shape.severity {
            let Some(code) = FindingCode::parse(name).filter(|c| CODES.iter().any(|(k, _)| k == c))
            else {
                return Err(invalid(format!(
                    "unknown finding code {name:?} in [severity]; known codes: {}",
                    CODES
                        .iter()
                        .map(|(c, _)| c.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                )));
            };
            match level.trim().to_ascii_lowercase().as_str() {
                "error" => rules.severity.insert(code, Severity::Error),
                "warning" => rules.severity.insert(code, Severity::Warning),
                "info" => rules.severity.insert(code, Severity::Info),
                "off" => rules.severity.remove(&code),
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
    pub fn severity(&self, code: FindingCode) -> Option<Severity> {
        self.severity.get(&code).copied()
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
                .get(code.as_str())
                .unwrap_or_else(|| panic!("{code}"));
            let want = match sev {
                Severity::Error => "error",
                Severity::Warning => "warning",
                Severity::Info => "info",
            };
            assert_eq!(level, want, "{code}");
        }
        assert_eq!(shape.severity.len(), CODES.len());
        for code in FindingCode::ALL {
            assert!(
                CODES.iter().any(|(c, _)| *c == code),
                "{code} has no severity"
            );
        }
    }
}
