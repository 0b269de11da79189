//! What the rules did not know, tallied across a run so a staff member can teach them:
//! unknown actor names, unread identity labels, unread time phrasings and any other
//! finding whose code says something was not recognised (`unknown-*`, `unread-*`).
//!
//! Each distinct (kind, text) keeps its count, the agencies it was seen in and one example
//! SOP; the report shows the TOML lines that would teach it. Only these tallies stay in
//! memory, never the SOPs, and their number is capped.

use std::collections::{BTreeMap, BTreeSet};

use crate::sop::record::{Finding, Sop};

/// Most distinct unknown texts tallied in a run; further ones are only counted.
pub const MAX_ENTRIES: usize = 5_000;
/// Most agencies remembered per unknown text.
const MAX_AGENCIES: usize = 20;
/// Code prefixes of findings that say the rules did not recognise something.
const UNKNOWN_PREFIXES: [&str; 2] = ["unknown-", "unread-"];
/// The kind of a time phrasing written in a step whose minutes could not be read.
pub const UNREAD_TIME: &str = "unread-time";

/// One thing the rules did not know.
#[derive(Clone, Debug, PartialEq)]
pub struct LoopEntry {
    /// What kind of thing: the finding code (`unknown-actor`, `unread-label`, ...) or
    /// [`UNREAD_TIME`].
    pub kind: String,
    /// The text as written in the documents.
    pub text: String,
    /// How often it was seen.
    pub count: usize,
    /// The agencies it was seen in (at most a few).
    pub agencies: BTreeSet<String>,
    /// One SOP it was seen in.
    pub example: String,
}

/// The tally of a run.
#[derive(Debug, Default)]
pub struct RulesLoop {
    entries: BTreeMap<(String, String), LoopEntry>,
    /// Occurrences not tallied because [`MAX_ENTRIES`] was reached.
    pub dropped: usize,
}

/// The first text between double quotes in a finding message (the unknown text the
/// finding names), else None.
fn quoted(message: &str) -> Option<&str> {
    let (_, rest) = message.split_once('"')?;
    let (inner, _) = rest.split_once('"')?;
    Some(inner.trim()).filter(|s| !s.is_empty())
}

impl RulesLoop {
    fn add(&mut self, kind: &str, text: &str, agency: &str, sop: &str) {
        let key = (kind.to_string(), text.to_string());
        if !self.entries.contains_key(&key) && self.entries.len() >= MAX_ENTRIES {
            self.dropped += 1;
            return;
        }
        let e = self.entries.entry(key).or_insert_with(|| LoopEntry {
            kind: kind.to_string(),
            text: text.to_string(),
            count: 0,
            agencies: BTreeSet::new(),
            example: sop.to_string(),
        });
        e.count += 1;
        if e.agencies.len() < MAX_AGENCIES {
            e.agencies.insert(agency.to_string());
        }
    }

    /// Tallies one SOP of `agency` with its `findings`.
    pub fn add_sop(&mut self, s: &Sop, agency: &str, findings: &[Finding]) {
        for f in findings {
            if UNKNOWN_PREFIXES
                .iter()
                .any(|p| f.code.as_str().starts_with(p))
                && let Some(text) = quoted(&f.message)
            {
                self.add(f.code.as_str(), text, agency, &s.id);
            }
        }
        for st in &s.steps {
            if st.minutes.is_none()
                && let Some(t) = st.time.as_deref().map(str::trim)
                && !t.is_empty()
            {
                self.add(UNREAD_TIME, t, agency, &s.id);
            }
        }
    }

    /// The entries, most frequent first.
    pub fn finish(self) -> Vec<LoopEntry> {
        let mut out: Vec<LoopEntry> = self.entries.into_values().collect();
        out.sort_by(|a, b| {
            b.count
                .cmp(&a.count)
                .then_with(|| a.kind.cmp(&b.kind))
                .then_with(|| a.text.cmp(&b.text))
        });
        out
    }
}

/// The TOML lines that would teach the rules an entry, for a file in a `--rules` folder
/// that extends the defaults: (file name, lines).
pub fn toml_lines(e: &LoopEntry) -> (&'static str, String) {
    let text = toml_string(&e.text);
    match e.kind.as_str() {
        "unknown-actor" => (
            "actors.toml",
            format!("extend_defaults = true\ntitles = [{text}]"),
        ),
        "unread-label" => (
            "labels.toml",
            format!(
                "extend_defaults = true\n[fields]\nFIELD = [{text}]  # FIELD: number, title, unit, created, ..."
            ),
        ),
        UNREAD_TIME => (
            "time.toml",
            format!(
                "extend_defaults = true\n# {text} as written; add its unit word:\n[[units]]\nwords = [\"UNIT\"]\nminutes = 1"
            ),
        ),
        "unknown-header" => (
            "headers.toml",
            format!("extend_defaults = true\n[roles]\nROLE = [{text}]"),
        ),
        _ => ("", format!("# {text}")),
    }
}

/// A TOML basic string of `s`.
fn toml_string(s: &str) -> String {
    toml::Value::String(s.to_string()).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sop::record::{Severity, Step};

    #[test]
    fn tallies_unknown_actors_and_unread_times_with_their_toml() {
        let sop = Sop {
            id: "a/x.docx#1".into(),
            steps: vec![Step {
                no: 1,
                time: Some("sepekan kerja".into()),
                ..Default::default()
            }],
            ..Default::default()
        };
        let f = Finding {
            code: crate::sop::record::FindingCode::UnknownActor,
            severity: Severity::Info,
            step: None,
            message: "Pelaksana \"Juru Pungut\" tidak ada dalam daftar jabatan.".into(),
        };
        let mut l = RulesLoop::default();
        l.add_sop(&sop, "Dinas A", std::slice::from_ref(&f));
        l.add_sop(&sop, "Dinas B", &[f]);
        let out = l.finish();
        assert_eq!(out.len(), 2);
        assert_eq!(out[0].text, "Juru Pungut");
        assert_eq!(out[0].count, 2);
        assert_eq!(out[0].agencies.len(), 2);
        assert_eq!(
            toml_lines(&out[0]),
            (
                "actors.toml",
                "extend_defaults = true\ntitles = [\"Juru Pungut\"]".to_string()
            )
        );
        assert_eq!(out[1].kind, UNREAD_TIME);
    }
}
