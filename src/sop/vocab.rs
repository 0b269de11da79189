//! The SOP parser's vocabulary, loaded from `rules/` (stub: filled by the parser work).

use crate::rules::{RuleSource, RulesError};

/// Vocabulary of the parser: actor titles and abbreviations, identity labels, column
/// headers, marks, time units and decision cues.
#[derive(Debug, Default)]
pub struct Vocabulary {}

impl Vocabulary {
    /// Loads the vocabulary from the rule files.
    pub fn load(_src: &RuleSource) -> Result<Self, RulesError> {
        Ok(Vocabulary {})
    }
}
