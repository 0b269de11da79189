//! Decision cues and branch phrases, compiled from `rules/decisions.toml`.

use std::collections::HashSet;

use regex::Regex;

use super::files::{DecisionsFile, invalid};
use crate::rules::RulesError;

/// Decision cues and branch phrases, compiled.
#[derive(Debug, Default)]
pub(super) struct DecisionVocab {
    pub(super) questions: Vec<Regex>,
    pub(super) branch: Option<Regex>,
    pub(super) no_words: HashSet<String>,
    pub(super) returns: Option<Regex>,
    /// "dikembalikan kepada X": the words after it name the actor the "Tidak" branch
    /// returns to.
    pub(super) return_to: Option<Regex>,
    /// A no word then a step number within 60 characters ("tidak lengkap … 1").
    pub(super) text_no: Option<Regex>,
    /// A yes word then a step number within 40 characters.
    pub(super) text_yes: Option<Regex>,
    /// A return word then a step number within 50 characters.
    pub(super) text_back: Option<Regex>,
    /// Negations (lower case) that make a following yes word not a yes.
    pub(super) negations: Vec<String>,
    /// Branch-label texts (lower case).
    pub(super) branch_labels: HashSet<String>,
}

/// Characters a no word may stand before the step number it sends to.
const TEXT_NO_REACH: usize = 60;
/// Characters a yes word may stand before the step number it sends to.
const TEXT_YES_REACH: usize = 40;
/// Characters a return word may stand before the step number it sends to.
const TEXT_BACK_REACH: usize = 50;

/// An alternation of escaped phrases, longest first.
pub(super) fn alternation(words: &[String]) -> String {
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
    pub(super) fn build(f: DecisionsFile) -> Result<Self, RulesError> {
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
        let near_number = |words: &[String], reach: usize| {
            if words.iter().all(|w| w.trim().is_empty()) {
                return Ok(None);
            }
            compile(&format!(
                r"(?i)(?:{})[^0-9;]{{0,{reach}}}?(\d{{1,3}})\b",
                alternation(words)
            ))
            .map(Some)
        };
        Ok(DecisionVocab {
            text_no: near_number(&f.text_no, TEXT_NO_REACH)?,
            text_yes: near_number(&f.text_yes, TEXT_YES_REACH)?,
            text_back: near_number(&f.text_returns, TEXT_BACK_REACH)?,
            negations: f
                .negations
                .iter()
                .map(|w| w.trim().to_lowercase())
                .collect(),
            branch_labels: f
                .branch_labels
                .iter()
                .map(|w| w.trim().to_lowercase())
                .collect(),
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
