//! `number-collision`: two different SOPs that carry the same number.
//!
//! Two SOPs collide when their numbers are equal after [`number_key`] and they are
//! different SOPs: their normalised titles or their normalised steps differ. The same SOP
//! read twice (a .docx and its PDF export) does not collide; it is a duplicate.
//!
//! [`Collisions`] is fed one SOP at a time and keeps, per numbered SOP, only its number,
//! a 128-bit hash of its title and steps, and the short label the message names it by, so
//! an archive's worth of SOPs need not be in memory at once.

use std::collections::HashMap;

use super::duplicates::{hash128, normalise, step_key};
use crate::sop::record::{Finding, FindingCode, Severity, Sop};

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

/// What is kept of one numbered SOP.
struct Member {
    /// The SOP's ordinal in the order it was added.
    ord: u32,
    /// The SOP's id.
    id: Box<str>,
    /// Hash of the normalised title and steps: equal for the same SOP read twice.
    class: u128,
    /// The SOP's own number as written, trimmed.
    number: Box<str>,
    /// How other SOPs' messages name it: `"title" (agency, id)`.
    label: Box<str>,
}

/// One SOP's `number-collision` finding.
#[derive(Clone, Debug)]
pub struct Collision {
    /// The SOP's ordinal (the order it was added in).
    pub ord: u32,
    /// The SOP's id.
    pub id: Box<str>,
    /// The finding.
    pub finding: Finding,
}

/// Collects numbered SOPs and finds the ones whose number another SOP also carries.
#[derive(Default)]
pub struct Collisions {
    by_number: HashMap<String, Vec<Member>>,
    next: u32,
}

impl Collisions {
    /// An empty collector.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds the next SOP (its ordinal is the number of SOPs added before it).
    pub fn add(&mut self, sop: &Sop) -> u32 {
        self.add_keyed(sop, &step_key(sop))
    }

    /// [`add`](Self::add) for an SOP whose [`step_key`] the caller already has.
    pub fn add_keyed(&mut self, sop: &Sop, step_key: &str) -> u32 {
        let ord = self.next;
        self.next += 1;
        let Some(key) = sop.identity.number.as_deref().and_then(number_key) else {
            return ord;
        };
        let title = sop.identity.title.as_deref().unwrap_or("tanpa nama");
        let label = match &sop.agency {
            Some(a) => format!("\"{title}\" ({a}, {})", sop.id),
            None => format!("\"{title}\" ({})", sop.id),
        };
        self.by_number.entry(key).or_default().push(Member {
            ord,
            id: sop.id.as_str().into(),
            class: hash128(&[
                &normalise(sop.identity.title.as_deref().unwrap_or("")),
                step_key,
            ]),
            number: sop.identity.number.as_deref().unwrap_or("").trim().into(),
            label: label.into(),
        });
        ord
    }

    /// The `number-collision` finding of every colliding SOP, sorted by ordinal.
    pub fn finish(self, severity: Severity) -> Vec<Collision> {
        let mut out = Vec::new();
        for members in self.by_number.into_values() {
            if members.len() < 2 {
                continue;
            }
            // Classes of one SOP (equal title and steps), in order of appearance.
            let mut class_of: HashMap<u128, usize> = HashMap::new();
            let mut classes: Vec<Vec<usize>> = Vec::new();
            let mut member_class: Vec<usize> = Vec::with_capacity(members.len());
            for (k, m) in members.iter().enumerate() {
                let next = classes.len();
                let c = *class_of.entry(m.class).or_insert(next);
                if c == next {
                    classes.push(Vec::new());
                }
                if let Some(v) = classes.get_mut(c) {
                    v.push(k);
                }
                member_class.push(c);
            }
            if classes.len() < 2 {
                continue;
            }
            for (m, &c) in members.iter().zip(&member_class) {
                let own = classes.get(c).map(Vec::len).unwrap_or(0);
                let others = members.len() - own;
                let named: Vec<&str> = classes
                    .iter()
                    .enumerate()
                    .filter(|(k, _)| *k != c)
                    .flat_map(|(_, v)| v.iter())
                    .take(NAMED_IN_MESSAGE)
                    .filter_map(|&j| members.get(j).map(|o| &*o.label))
                    .collect();
                let more = others.saturating_sub(named.len());
                let tail = if more > 0 {
                    format!(" dan {more} SOP lainnya")
                } else {
                    String::new()
                };
                out.push(Collision {
                    ord: m.ord,
                    id: m.id.clone(),
                    finding: Finding {
                        code: FindingCode::NumberCollision,
                        severity,
                        step: None,
                        message: format!(
                            "Nomor SOP {} juga dipakai oleh {}{tail}; beri nomor yang berbeda.",
                            m.number,
                            named.join(", ")
                        ),
                    },
                });
            }
        }
        out.sort_by_key(|c| c.ord);
        out
    }
}

/// Inserts a cross-file finding after the SOP's identity findings (which come first).
pub fn insert(findings: &mut Vec<Finding>, f: Finding) {
    let at = findings
        .iter()
        .position(|f| f.step.is_some() || f.code == FindingCode::NoSteps)
        .unwrap_or(findings.len());
    findings.insert(at, f);
}
