//! Analysis over parsed SOPs: gap findings, number collisions, cross-agency duplicates and
//! per-agency figures.

pub mod agencies;
pub mod date;
pub mod duplicates;
pub mod findings;
pub mod policy;

use std::collections::HashMap;

use crate::rules::Rules;
use crate::sop::record::{Finding, Sop};

/// Most other SOPs a `number-collision` message names before "dan N lainnya".
const NAMED_IN_MESSAGE: usize = 3;

/// Normalises an SOP number for comparison: upper case, no spaces, `–`/`—` read as `-`.
/// None when it holds no digit (a placeholder such as "-" or "…" is not a number).
pub fn number_key(number: &str) -> Option<String> {
    if !number.chars().any(|c| c.is_ascii_digit()) {
        return None;
    }
    Some(
        number
            .chars()
            .filter(|c| !c.is_whitespace())
            .map(|c| match c {
                '–' | '—' => '-',
                c => c.to_ascii_uppercase(),
            })
            .collect(),
    )
}

/// Computes every SOP's findings for this run: its own findings ([`findings::check`]),
/// then the ones that need every SOP of the run (`number-collision`).
///
/// The own findings are computed again here (they are cheap) so that SOPs taken unchanged
/// from an earlier run's state are measured against this run's as-of date and rules: a
/// nightly run turns an SOP `stale` the day it passes the review period.
///
/// Two SOPs collide when their numbers are equal after [`number_key`] and they are
/// different SOPs: their normalised titles or their normalised steps differ. The same SOP
/// read twice (a .docx and its PDF export) does not collide; it is a duplicate.
pub fn cross_findings(sops: &mut [Sop], rules: &Rules) {
    for s in sops.iter_mut() {
        s.findings = findings::check(s, rules);
    }
    let Some(severity) = rules.findings.severity("number-collision") else {
        return;
    };
    let mut by_number: HashMap<String, Vec<usize>> = HashMap::new();
    for (i, s) in sops.iter().enumerate() {
        if let Some(k) = s.identity.number.as_deref().and_then(number_key) {
            by_number.entry(k).or_default().push(i);
        }
    }
    let mut added: Vec<(usize, Finding)> = Vec::new();
    for members in by_number.values() {
        if members.len() < 2 {
            continue;
        }
        // Classes of one SOP (equal normalised title and steps), in order of appearance;
        // linear in the members, however many share a number.
        let mut class_of: HashMap<(String, String), usize> = HashMap::new();
        let mut classes: Vec<Vec<usize>> = Vec::new();
        let mut member_class: Vec<usize> = Vec::with_capacity(members.len());
        for &i in members {
            let key = sops
                .get(i)
                .map(|s| {
                    (
                        duplicates::normalise(s.identity.title.as_deref().unwrap_or("")),
                        duplicates::step_key(s),
                    )
                })
                .unwrap_or_default();
            let next = classes.len();
            let c = *class_of.entry(key).or_insert(next);
            if c == next {
                classes.push(Vec::new());
            }
            if let Some(m) = classes.get_mut(c) {
                m.push(i);
            }
            member_class.push(c);
        }
        if classes.len() < 2 {
            continue;
        }
        for (&i, &c) in members.iter().zip(&member_class) {
            let own = classes.get(c).map(Vec::len).unwrap_or(0);
            let others = members.len() - own;
            let named: Vec<String> = classes
                .iter()
                .enumerate()
                .filter(|(k, _)| *k != c)
                .flat_map(|(_, m)| m.iter())
                .take(NAMED_IN_MESSAGE)
                .filter_map(|&j| sops.get(j))
                .map(|o| {
                    let title = o.identity.title.as_deref().unwrap_or("tanpa nama");
                    match &o.agency {
                        Some(a) => format!("\"{title}\" ({a}, {})", o.id),
                        None => format!("\"{title}\" ({})", o.id),
                    }
                })
                .collect();
            let Some(sop) = sops.get(i) else { continue };
            let number = sop.identity.number.as_deref().unwrap_or("").trim();
            let more = others.saturating_sub(named.len());
            let tail = if more > 0 {
                format!(" dan {more} SOP lainnya")
            } else {
                String::new()
            };
            added.push((
                i,
                Finding {
                    code: "number-collision".into(),
                    severity,
                    step: None,
                    message: format!(
                        "Nomor SOP {number} juga dipakai oleh {}{tail}; beri nomor yang berbeda.",
                        named.join(", ")
                    ),
                },
            ));
        }
    }
    for (i, f) in added {
        if let Some(s) = sops.get_mut(i) {
            // Identity findings come first: insert after the last identity finding.
            let at = s
                .findings
                .iter()
                .position(|f| f.step.is_some() || f.code == "no-steps")
                .unwrap_or(s.findings.len());
            s.findings.insert(at, f);
        }
    }
}
