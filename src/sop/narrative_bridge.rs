//! The bridge from the narrative reader ([`super::narrative`]) to raw steps: numbered
//! paragraphs and two-column Kegiatan | Pelaksana tables become [`RawStep`]s that the
//! segmenter treats like any other procedure (symbols and flow are worked out later, in
//! [`super::flow`]).

use super::narrative;
use super::procedure::{ActorSource, RawStep};
use super::record::Step;
use super::vocab::Vocabulary;
use crate::model::{Paragraph, Table};

fn raw(s: Step) -> RawStep {
    let source = if s.actors.is_empty() {
        ActorSource::None
    } else {
        ActorSource::Text
    };
    RawStep {
        no: Some(s.no),
        activity: s.activity,
        actors: s.actors,
        source,
        symbol: None,
        requirements: s.requirements,
        time: s.time,
        output: s.output,
        notes: s.notes,
        label_branches: Vec::new(),
    }
}

/// Numbered paragraphs as raw steps (number, whole text, the sentence's actor).
pub fn parse_paragraphs(paras: &[&Paragraph], vocab: &Vocabulary) -> Vec<RawStep> {
    narrative::parse_paragraphs(paras, vocab)
        .into_iter()
        .map(raw)
        .collect()
}

/// A two-column Kegiatan | Pelaksana table as (actors, raw steps), or None.
pub fn parse_table(table: &Table, vocab: &Vocabulary) -> Option<(Vec<String>, Vec<RawStep>)> {
    let (actors, steps) = narrative::parse_table(table, vocab)?;
    Some((actors, steps.into_iter().map(raw).collect()))
}
