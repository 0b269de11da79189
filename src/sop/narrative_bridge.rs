//! The bridge from the narrative reader ([`super::narrative`]) to raw steps: numbered
//! paragraphs and two-column Kegiatan | Pelaksana tables become [`RawStep`]s that the
//! segmenter treats like any other procedure (symbols and flow are worked out later, in
//! [`super::flow`]).

use super::narrative;
use super::procedure::{ActorSource, RawStep};
use super::record::{Step, Symbol};
use super::vocab::Vocabulary;
use crate::model::{Paragraph, Table};

/// A narrative step as a raw step. The narrative reader's decisions and their branch
/// targets (a step stated to return to an earlier actor's step) go along as the
/// decision symbol and branch cues, so that [`super::flow`] keeps them; other symbols
/// are left for the flow to infer.
fn raw(s: Step) -> RawStep {
    let source = if s.actors.is_empty() {
        ActorSource::None
    } else {
        ActorSource::Text
    };
    let decision = s.symbol == Some(Symbol::Decision);
    let label_branches = if decision {
        [(true, s.if_yes), (false, s.if_no)]
            .into_iter()
            .filter_map(|(yes, t)| t.map(|t| (yes, t)))
            .collect()
    } else {
        Vec::new()
    };
    RawStep {
        no: Some(s.no),
        activity: s.activity,
        actors: s.actors,
        source,
        symbol: decision.then_some(Symbol::Decision),
        requirements: s.requirements,
        time: s.time,
        output: s.output,
        notes: s.notes,
        label_branches,
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
