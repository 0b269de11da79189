//! The rules of one run in one value: the SOP vocabulary, the finding policy and the OCR
//! settings, each built by its stage from the rule files that `crate::rules` loads.

use std::path::Path;

use super::policy::FindingRules;
use crate::ingest::raster::ocr::OcrRules;
use crate::rules::{self, RuleSource, RulesError};
use crate::sop::SopRules;
use crate::sop::record::{FindingCode, Severity};
use crate::sop::vocab::Vocabulary;

/// All rules the pipeline uses.
#[derive(Debug)]
pub struct Rules {
    /// Vocabulary of the SOP parser (actor titles, labels, headers, marks, time units,
    /// decision cues).
    pub vocab: Vocabulary,
    /// Severities and thresholds of findings.
    pub findings: FindingRules,
    /// How pictured text is read (engine settings, confusion folds).
    pub ocr: OcrRules,
    /// Hash of the rule files in force (see [`RuleSource::fingerprint`]).
    pub fingerprint: String,
}

impl Rules {
    /// Loads the rules: embedded defaults, overridden by files in `dir`.
    pub fn load(dir: Option<&Path>) -> Result<Self, RulesError> {
        if let Some(dir) = dir {
            rules::check_rules_dir(dir)?;
        }
        Rules::from_source(&RuleSource::new(dir))
    }

    /// Loads the rules from a [`RuleSource`].
    pub fn from_source(src: &RuleSource) -> Result<Self, RulesError> {
        Ok(Rules {
            vocab: Vocabulary::load(src)?,
            findings: FindingRules::load(src)?,
            ocr: src.parse("ocr.toml")?,
            fingerprint: src.fingerprint()?,
        })
    }

    /// The embedded default rules.
    pub fn defaults() -> Result<Self, RulesError> {
        Rules::load(None)
    }
}

impl SopRules for Rules {
    fn vocab(&self) -> &Vocabulary {
        &self.vocab
    }

    fn severity(&self, code: FindingCode) -> Option<Severity> {
        self.findings.severity(code)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_load() {
        let r = Rules::defaults();
        assert!(r.is_ok(), "{:?}", r.err());
    }
}
