//! Figures per agency (OPD): files, SOPs, steps, findings by severity and completeness,
//! ranked so the Bagian Organisasi sees which OPDs are behind.
//!
//! Completeness of one SOP is the mean of two shares: the share of the ten mandatory
//! identity fields that are present (those with a `missing-*` code), and the share of step
//! attributes — actor, time, output — present over all its steps (0 for an SOP without
//! steps). An agency's completeness is the mean over its SOPs (0 for an agency whose
//! files all failed). Agencies are ranked by completeness, highest first, ties by name
//! (files without an agency last).
//!
//! A failed file (errors.jsonl holds only its path) counts for the agency the caller
//! already knows for it (the run's manifest, or an earlier report), else for the agency of
//! the SOPs read from the same first folder, else for the agency its first folder names.

use std::collections::{BTreeMap, HashMap, HashSet};

use serde::{Deserialize, Serialize};

use super::findings::{identity_presence, present};
use crate::batch::agency::AgencyMap;
use crate::sop::record::{Finding, Severity, Sop};

/// The name shown for SOPs and files without an agency.
pub const NO_AGENCY: &str = "(tanpa OPD)";

/// Findings counted by severity.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SeverityCounts {
    /// `error` findings.
    pub error: usize,
    /// `warning` findings.
    pub warning: usize,
    /// `info` findings.
    pub info: usize,
}

impl SeverityCounts {
    /// Counts one finding of `sev`.
    pub fn add(&mut self, sev: Severity) {
        match sev {
            Severity::Error => self.error += 1,
            Severity::Warning => self.warning += 1,
            Severity::Info => self.info += 1,
        }
    }

    /// All findings.
    pub fn total(&self) -> usize {
        self.error + self.warning + self.info
    }
}

/// The figures of one agency (one entry of `report.json`'s `agencies`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AgencySummary {
    /// 1-based rank by completeness.
    pub rank: usize,
    /// The agency name.
    pub agency: String,
    /// Files of the agency: files that gave SOPs plus files that failed.
    pub files: usize,
    /// Files that failed.
    pub failed_files: usize,
    /// SOPs read.
    pub sops: usize,
    /// Steps over all its SOPs.
    pub steps: usize,
    /// SOPs with at least one `error` finding.
    pub sops_with_errors: usize,
    /// Findings by severity.
    pub findings: SeverityCounts,
    /// Mean completeness of its SOPs, 0–1 (see the module docs).
    pub completeness: f64,
    /// Findings now minus findings at the previous run (negative: fewer); absent when
    /// there was no previous run.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub findings_change: Option<i64>,
}

/// Completeness of one SOP, 0–1 (see the module docs).
pub fn sop_completeness(sop: &Sop) -> f64 {
    let id = identity_presence(sop);
    let id_share = id.iter().filter(|p| **p).count() as f64 / id.len() as f64;
    let step_share = if sop.steps.is_empty() {
        0.0
    } else {
        let present_attrs: usize = sop
            .steps
            .iter()
            .map(|s| {
                usize::from(s.actors.iter().any(|a| !a.trim().is_empty()))
                    + usize::from(present(s.time.as_deref()))
                    + usize::from(present(s.output.as_deref()))
            })
            .sum();
        present_attrs as f64 / (3 * sop.steps.len()) as f64
    };
    (id_share + step_share) / 2.0
}

/// Rounds a share to four decimals for the reports.
pub fn round4(x: f64) -> f64 {
    (x * 10_000.0).round() / 10_000.0
}

/// The agency name of an SOP for the reports.
pub fn agency_name(sop: &Sop) -> &str {
    sop.agency
        .as_deref()
        .filter(|a| !a.trim().is_empty())
        .unwrap_or(NO_AGENCY)
}

/// Learns, one SOP at a time, which agency each first folder of the archive holds.
#[derive(Debug, Default)]
pub struct FolderAgencies {
    counts: HashMap<String, BTreeMap<String, usize>>,
}

impl FolderAgencies {
    /// Counts the SOP's agency for its first folder.
    pub fn learn(&mut self, s: &Sop) {
        if let Some((first, _)) = s.source.path.split_once('/') {
            let by_agency = match self.counts.get_mut(first) {
                Some(m) => m,
                None => self.counts.entry(first.to_string()).or_default(),
            };
            match by_agency.get_mut(agency_name(s)) {
                Some(n) => *n += 1,
                None => {
                    by_agency.insert(agency_name(s).to_string(), 1);
                }
            }
        }
    }

    /// The attribution of failed files: `known` (path → agency, e.g. from an earlier
    /// report) first, then `manifest` (the archive's `agencies.csv`, empty when unknown),
    /// then each first folder's most frequent agency.
    pub fn finish(self, manifest: AgencyMap, known: HashMap<String, String>) -> ErrorAgencies {
        let by_folder = self
            .counts
            .into_iter()
            .filter_map(|(folder, m)| {
                let best = m
                    .into_iter()
                    .max_by(|a, b| a.1.cmp(&b.1).then_with(|| b.0.cmp(&a.0)))?;
                Some((folder, best.0))
            })
            .collect();
        ErrorAgencies {
            manifest,
            known,
            by_folder,
        }
    }
}

/// Attributes failed files to agencies (see the module docs).
#[derive(Debug, Default)]
pub struct ErrorAgencies {
    manifest: AgencyMap,
    known: HashMap<String, String>,
    by_folder: HashMap<String, String>,
}

impl ErrorAgencies {
    /// The agency of a failed file at `path`.
    pub fn agency_of(&self, path: &str) -> String {
        if let Some(a) = self.known.get(path) {
            return a.clone();
        }
        let from_folder = AgencyMap::default().resolve(path);
        let from_manifest = self.manifest.resolve(path);
        if from_manifest != from_folder
            && let Some(a) = from_manifest
        {
            return a;
        }
        if let Some((first, _)) = path.split_once('/')
            && let Some(a) = self.by_folder.get(first)
        {
            return a.clone();
        }
        from_folder.unwrap_or_else(|| NO_AGENCY.to_string())
    }
}

/// Findings of one agency counted by severity and code.
pub type CodeCounts = BTreeMap<(Severity, String), usize>;

#[derive(Default)]
struct Acc {
    /// Hashes of the source paths of its SOPs (distinct files).
    files: HashSet<u64>,
    failed: usize,
    sops: usize,
    steps: usize,
    with_errors: usize,
    findings: SeverityCounts,
    codes: CodeCounts,
    completeness_sum: f64,
}

/// Per-agency figures fed one SOP at a time: only counters stay in memory.
#[derive(Default)]
pub struct AgencyTally {
    acc: BTreeMap<String, Acc>,
}

/// What [`AgencyTally::finish`] gives.
pub struct Tallies {
    /// Every agency's figures, ranked.
    pub summaries: Vec<AgencySummary>,
    /// Findings per agency by severity and code.
    pub codes: HashMap<String, CodeCounts>,
}

fn path_hash(path: &str) -> u64 {
    use std::hash::{BuildHasher, BuildHasherDefault, DefaultHasher};
    BuildHasherDefault::<DefaultHasher>::default().hash_one(path)
}

impl AgencyTally {
    fn acc(&mut self, agency: &str) -> &mut Acc {
        self.acc.entry(agency.to_string()).or_default()
    }

    /// Counts one SOP with its `findings`.
    pub fn add_sop(&mut self, s: &Sop, findings: &[Finding]) {
        let a = self.acc(agency_name(s));
        a.files.insert(path_hash(&s.source.path));
        a.sops += 1;
        a.steps += s.steps.len();
        if findings.iter().any(|f| f.severity == Severity::Error) {
            a.with_errors += 1;
        }
        for f in findings {
            a.findings.add(f.severity);
            *a.codes.entry((f.severity, f.code.clone())).or_default() += 1;
        }
        a.completeness_sum += sop_completeness(s);
    }

    /// Counts a finding added to an SOP of `agency` after [`add_sop`](Self::add_sop);
    /// `first_error` when the SOP had no `error` finding before.
    pub fn add_finding(&mut self, agency: &str, f: &Finding, first_error: bool) {
        let a = self.acc(agency);
        a.findings.add(f.severity);
        *a.codes.entry((f.severity, f.code.clone())).or_default() += 1;
        if first_error && f.severity == Severity::Error {
            a.with_errors += 1;
        }
    }

    /// Counts a failed file of `agency`.
    pub fn add_failed(&mut self, agency: String) {
        self.acc.entry(agency).or_default().failed += 1;
    }

    /// The ranked figures and the per-code counts.
    pub fn finish(self) -> Tallies {
        let mut codes = HashMap::new();
        let mut out: Vec<AgencySummary> = Vec::with_capacity(self.acc.len());
        for (agency, a) in self.acc {
            out.push(AgencySummary {
                rank: 0,
                agency: agency.clone(),
                files: a.files.len() + a.failed,
                failed_files: a.failed,
                sops: a.sops,
                steps: a.steps,
                sops_with_errors: a.with_errors,
                findings: a.findings,
                completeness: if a.sops == 0 {
                    0.0
                } else {
                    round4(a.completeness_sum / a.sops as f64)
                },
                findings_change: None,
            });
            codes.insert(agency, a.codes);
        }
        out.sort_by(|a, b| {
            b.completeness
                .total_cmp(&a.completeness)
                .then_with(|| (a.agency == NO_AGENCY).cmp(&(b.agency == NO_AGENCY)))
                .then_with(|| a.agency.cmp(&b.agency))
        });
        for (i, a) in out.iter_mut().enumerate() {
            a.rank = i + 1;
        }
        Tallies {
            summaries: out,
            codes,
        }
    }
}
