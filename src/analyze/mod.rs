//! Analysis over parsed SOPs: gap findings, number collisions, cross-agency duplicates and
//! per-agency figures.

pub mod agencies;
pub mod agency;
pub mod date;
pub mod duplicates;
pub mod findings;
pub mod policy;
pub mod rules_loop;
pub mod ruleset;

pub mod analysis;
pub mod collisions;
pub mod source;

pub use analysis::Analysis;
pub use ruleset::Rules;

use crate::sop::record::{FindingCode, Sop};

/// Computes every SOP's findings for this run: its own findings ([`findings::check`]),
/// then the ones that need every SOP of the run (`number-collision`, see [`collisions`]).
///
/// The own findings are computed again here (they are cheap) so that SOPs taken unchanged
/// from an earlier run's state are measured against this run's as-of date and rules: a
/// nightly run turns an SOP `stale` the day it passes the review period. For a run over
/// an archive, [`Analysis`] does the same without holding the SOPs in memory.
pub fn cross_findings(sops: &mut [Sop], rules: &Rules) {
    for s in sops.iter_mut() {
        s.findings = findings::check(s, rules);
    }
    let Some(severity) = rules.findings.severity(FindingCode::NumberCollision) else {
        return;
    };
    let mut c = collisions::Collisions::new();
    for s in sops.iter() {
        c.add(s);
    }
    for col in c.finish(severity) {
        if let Some(s) = sops.get_mut(col.ord as usize) {
            collisions::insert(&mut s.findings, col.finding);
        }
    }
}
