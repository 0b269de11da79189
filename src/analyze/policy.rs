//! Severities and thresholds of findings, loaded from `rules/findings.toml` (stub).

use crate::rules::{RuleSource, RulesError};

/// Severity and threshold of every finding code.
#[derive(Debug, Default)]
pub struct FindingRules {}

impl FindingRules {
    /// Loads the finding rules.
    pub fn load(_src: &RuleSource) -> Result<Self, RulesError> {
        Ok(FindingRules {})
    }
}
