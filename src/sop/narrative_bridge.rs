//! The bridge from numbered paragraphs to raw steps.
//!
//! The narrative reader (`narrative.rs`, vocabulary work) finds each item's actor from
//! the sentence; until it is merged, this reads the numbering and the text only.

use std::sync::LazyLock;

use regex::Regex;

use super::procedure::{ActorSource, RawStep};
use super::vocab::Vocabulary;
use crate::model::Paragraph;

static NUMBERED: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^\s*\(?(\d{1,3})[.)]\s*(\S.*)$").expect("static regex"));

/// Numbered paragraphs as raw steps (number, whole text without the number).
pub fn parse_paragraphs(paras: &[&Paragraph], _vocab: &Vocabulary) -> Vec<RawStep> {
    let mut out = Vec::new();
    for p in paras {
        let t = p.text.trim();
        let (no, text) = match NUMBERED.captures(t) {
            Some(c) => (
                c.get(1).and_then(|m| m.as_str().parse().ok()),
                c.get(2).map(|m| m.as_str()).unwrap_or(t).to_string(),
            ),
            None => (None, t.to_string()),
        };
        out.push(RawStep {
            no,
            activity: text,
            actors: Vec::new(),
            source: ActorSource::None,
            symbol: None,
            requirements: None,
            time: None,
            output: None,
            notes: None,
            label_branches: Vec::new(),
        });
    }
    out
}
