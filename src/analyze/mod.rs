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
        // Identity of an SOP for this purpose: normalised title and steps.
        let ident: Vec<(String, String)> = members
            .iter()
            .map(|&i| {
                sops.get(i)
                    .map(|s| {
                        (
                            duplicates::normalise(s.identity.title.as_deref().unwrap_or("")),
                            duplicates::step_key(s),
                        )
                    })
                    .unwrap_or_default()
            })
            .collect();
        let mut distinct = ident.clone();
        distinct.sort();
        distinct.dedup();
        if distinct.len() < 2 {
            continue;
        }
        for (pos, &i) in members.iter().enumerate() {
            let Some(me) = ident.get(pos) else { continue };
            let others: Vec<&Sop> = members
                .iter()
                .zip(&ident)
                .filter(|(_, id)| *id != me)
                .filter_map(|(&j, _)| sops.get(j))
                .collect();
            let Some(sop) = sops.get(i) else { continue };
            let number = sop.identity.number.as_deref().unwrap_or("").trim();
            let named: Vec<String> = others
                .iter()
                .take(NAMED_IN_MESSAGE)
                .map(|o| {
                    let title = o.identity.title.as_deref().unwrap_or("tanpa nama");
                    match &o.agency {
                        Some(a) => format!("\"{title}\" ({a}, {})", o.id),
                        None => format!("\"{title}\" ({})", o.id),
                    }
                })
                .collect();
            let more = others.len().saturating_sub(NAMED_IN_MESSAGE);
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
