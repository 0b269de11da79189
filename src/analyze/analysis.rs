//! The cross-file analysis of a run, computed in one streaming pass over a [`SopSource`].
//!
//! What stays in memory is what the cross-file checks need, never the SOPs: per SOP its
//! id, agency and whether it has an `error` finding; per class of identical steps the
//! shingles of one member (duplicates); per numbered SOP its number key and a short label
//! (`number-collision`); per agency its counters. The writers then read the SOPs again,
//! one at a time, and [`Analysis::apply`] gives each its findings for this run.

use std::collections::{BTreeMap, HashMap};
use std::io;

use super::Rules;
use super::agencies::{
    AgencySummary, AgencyTally, CodeCounts, ErrorAgencies, SeverityCounts, agency_name,
};
use super::agency::AgencyMap;
use super::collisions::{self, Collisions};
use super::duplicates::{DuplicateGroup, DuplicateIndex, Interner, step_key};
use super::findings;
use super::rules_loop::{LoopEntry, RulesLoop};
use super::source::SopSource;
use crate::sop::record::{FileError, Finding, FindingCode, Severity, Sop};

/// What the analysis is told beyond the SOPs.
#[derive(Clone, Debug, Default)]
pub struct AnalysisInput<'a> {
    /// The files that gave no SOP.
    pub errors: &'a [FileError],
    /// The archive's manifest (`agencies.csv`), empty when unknown.
    pub manifest: AgencyMap,
    /// Agencies already known for failed files, by path (e.g. from an earlier report).
    pub failed_agencies: HashMap<String, String>,
    /// Findings per agency at the previous run, for the trend; None on a first run.
    pub previous: Option<&'a BTreeMap<String, u64>>,
}

/// A failed file with the agency it counts for.
#[derive(Clone, Debug, PartialEq)]
pub struct AttributedError {
    /// The failure as in `errors.jsonl`.
    pub error: FileError,
    /// The agency it counts for.
    pub agency: String,
}

/// The result of the cross-file analysis of a run.
#[derive(Debug, Default)]
pub struct Analysis {
    /// SOPs analysed.
    pub sops: usize,
    /// Steps over all SOPs.
    pub steps: usize,
    /// Findings by severity, cross-file ones included.
    pub findings: SeverityCounts,
    /// Per agency, ranked by quality score (with the trend when a previous run is known).
    pub agencies: Vec<AgencySummary>,
    /// Findings per agency by severity and code.
    pub codes: HashMap<String, CodeCounts>,
    /// Duplicate groups, largest first.
    pub duplicates: Vec<DuplicateGroup>,
    /// The failed files with their agencies, in the order given.
    pub failed: Vec<AttributedError>,
    /// What the rules did not know, most frequent first.
    pub rules_loop: Vec<LoopEntry>,
    /// Occurrences of unknown texts past the tally's cap.
    pub rules_loop_dropped: usize,
    /// The `number-collision` finding of each colliding SOP, by id.
    collisions: HashMap<Box<str>, Finding>,
}

impl Analysis {
    /// Reads every SOP of `source` once and computes the run's cross-file figures.
    pub fn run(
        source: &dyn SopSource,
        input: &AnalysisInput<'_>,
        rules: &Rules,
    ) -> io::Result<Analysis> {
        let mut a = Analysis::default();
        let mut tally = AgencyTally::default();
        let mut coll = Collisions::new();
        let mut dups = DuplicateIndex::new(&rules.findings.duplicates);
        // Per SOP ordinal: its agency (number in `names`) and whether it has an error.
        let mut facts: Vec<(u32, bool)> = Vec::new();
        let mut names = Interner::default();
        let mut unknown = RulesLoop::default();
        source.each(&mut |s: Sop| {
            let own = findings::check(&s, rules);
            a.sops += 1;
            a.steps += s.steps.len();
            for f in &own {
                a.findings.add(f.severity);
            }
            tally.add_sop(&s, &own);
            unknown.add_sop(&s, agency_name(&s), &own);
            let key = step_key(&s);
            coll.add_keyed(&s, &key);
            dups.add_keyed(&s, &key);
            let idx = names.intern(agency_name(&s));
            facts.push((idx, own.iter().any(|f| f.severity == Severity::Error)));
            Ok(())
        })?;
        if let Some(severity) = rules.findings.severity(FindingCode::NumberCollision) {
            for c in coll.finish(severity) {
                let Some(fact) = facts.get_mut(c.ord as usize) else {
                    continue;
                };
                tally.add_finding(names.name(fact.0), &c.finding, !fact.1);
                fact.1 |= severity == Severity::Error;
                a.findings.add(severity);
                a.collisions.insert(c.id, c.finding);
            }
        }
        drop(facts);
        let ea = ErrorAgencies::new(input.manifest.clone(), input.failed_agencies.clone());
        for e in input.errors {
            let agency = ea.agency_of(&e.path);
            tally.add_failed(agency.clone());
            a.failed.push(AttributedError {
                error: e.clone(),
                agency,
            });
        }
        let t = tally.finish();
        a.agencies = t.summaries;
        a.codes = t.codes;
        if let Some(prev) = input.previous {
            for s in &mut a.agencies {
                let before = prev.get(&s.agency).copied().unwrap_or(0) as i64;
                s.findings_change = Some(s.findings.total() as i64 - before);
            }
        }
        a.duplicates = dups.finish();
        a.rules_loop_dropped = unknown.dropped;
        a.rules_loop = unknown.finish();
        Ok(a)
    }

    /// Sets the SOP's findings for this run: its own ([`findings::check`]) and its
    /// cross-file ones.
    pub fn apply(&self, sop: &mut Sop, rules: &Rules) {
        sop.findings = findings::check(sop, rules);
        if let Some(f) = self.collisions.get(sop.id.as_str()) {
            collisions::insert(&mut sop.findings, f.clone());
        }
    }

    /// SOPs that belong to a duplicate group.
    pub fn duplicate_sops(&self) -> usize {
        let mut ids: Vec<&str> = self
            .duplicates
            .iter()
            .flat_map(|g| g.sops.iter().map(String::as_str))
            .collect();
        ids.sort_unstable();
        ids.dedup();
        ids.len()
    }

    /// Findings per agency (for the run record and the next run's trend).
    pub fn findings_by_agency(&self) -> BTreeMap<String, u64> {
        self.agencies
            .iter()
            .map(|a| (a.agency.clone(), a.findings.total() as u64))
            .collect()
    }
}
