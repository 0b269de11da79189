//! Figures per agency (OPD): files, SOPs, steps, findings by severity and completeness,
//! ranked so the Bagian Organisasi sees which OPDs are behind.
//!
//! Completeness of one SOP is the mean of two shares: the share of the ten mandatory
//! identity fields that are present (those with a `missing-*` code), and the share of step
//! attributes — actor, time, output — present over all its steps (0 for an SOP without
//! steps). An agency's completeness is the mean over its SOPs (0 for an agency whose
//! files all failed).
//!
//! Agencies are ranked by a quality score, 0–1, highest first, ties by name:
//!
//! ```text
//! score = W_IDENTITY × identity share + W_STEPS × step share
//!       + W_ERRORS   × 1 / (1 + errors per SOP / ERRORS_PER_SOP_HALF)
//!       + W_WARNINGS × 1 / (1 + warnings per SOP / WARNINGS_PER_SOP_HALF)
//!       + W_READABLE × (1 − share of the agency's files that could not be read)
//! ```
//!
//! (an agency without any SOP scores only its readable share, which is 0). SOPs without an
//! agency are not ranked (rank `null`, last); failed files without an agency are left out of
//! the agencies and listed only as failed files.
//!
//! A failed file (errors.jsonl holds only its path) counts for the agency the caller
//! already knows for it (the run's manifest, or an earlier report), else for the agency the
//! manifest or its first folder names; never for another agency's SOPs next to it.

use std::collections::{BTreeMap, HashMap, HashSet};

use serde::{Deserialize, Serialize};

use super::agency::AgencyMap;
use super::findings::{identity_presence, present};
use crate::sop::record::{Finding, FindingCode, Severity, Sop};

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
    /// 1-based rank by quality score; `null` for the SOPs without an agency, which are
    /// not ranked.
    pub rank: Option<usize>,
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
    /// Mean share of the mandatory identity fields present, 0–1.
    #[serde(default)]
    pub identity_completeness: f64,
    /// Mean share of step attributes (actor, time, output) present, 0–1.
    #[serde(default)]
    pub step_completeness: f64,
    /// `error` findings per SOP.
    #[serde(default)]
    pub errors_per_sop: f64,
    /// `warning` findings per SOP.
    #[serde(default)]
    pub warnings_per_sop: f64,
    /// Share of the agency's files that could not be read, 0–1.
    #[serde(default)]
    pub unreadable_share: f64,
    /// The quality score the ranking orders by, 0–1 (see the module docs).
    #[serde(default)]
    pub score: f64,
    /// Findings now minus findings at the previous run (negative: fewer); absent when
    /// there was no previous run.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub findings_change: Option<i64>,
}

/// Weight of the identity share in the score.
pub const W_IDENTITY: f64 = 0.25;
/// Weight of the step share in the score.
pub const W_STEPS: f64 = 0.25;
/// Weight of the error component in the score.
pub const W_ERRORS: f64 = 0.2;
/// Weight of the warning component in the score.
pub const W_WARNINGS: f64 = 0.1;
/// Weight of the readable share of files in the score.
pub const W_READABLE: f64 = 0.2;
/// Errors per SOP at which the error component is one half.
pub const ERRORS_PER_SOP_HALF: f64 = 1.0;
/// Warnings per SOP at which the warning component is one half.
pub const WARNINGS_PER_SOP_HALF: f64 = 5.0;

/// The five weighted components of an agency's score, each 0–1 before weighting.
pub fn score_components(a: &AgencySummary) -> [(f64, f64); 5] {
    let has_sops = a.sops > 0;
    let on = |x: f64| if has_sops { x } else { 0.0 };
    [
        (W_IDENTITY, on(a.identity_completeness)),
        (W_STEPS, on(a.step_completeness)),
        (
            W_ERRORS,
            on(1.0 / (1.0 + a.errors_per_sop / ERRORS_PER_SOP_HALF)),
        ),
        (
            W_WARNINGS,
            on(1.0 / (1.0 + a.warnings_per_sop / WARNINGS_PER_SOP_HALF)),
        ),
        (W_READABLE, 1.0 - a.unreadable_share),
    ]
}

/// The quality score of an agency, 0–1 (see the module docs).
pub fn score(a: &AgencySummary) -> f64 {
    score_components(a).iter().map(|(w, x)| w * x).sum()
}

/// Identity share and step share of one SOP, each 0–1 (see the module docs).
pub fn sop_shares(sop: &Sop) -> (f64, f64) {
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
    (id_share, step_share)
}

/// Completeness of one SOP, 0–1 (see the module docs).
pub fn sop_completeness(sop: &Sop) -> f64 {
    let (id_share, step_share) = sop_shares(sop);
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

impl ErrorAgencies {
    /// The attribution of failed files: `known` (path → agency, e.g. from an earlier
    /// report) first, then `manifest` (the archive's `agencies.csv`, empty when unknown),
    /// then the agency the first folder names.
    pub fn new(manifest: AgencyMap, known: HashMap<String, String>) -> Self {
        ErrorAgencies { manifest, known }
    }
}

/// Attributes failed files to agencies (see the module docs).
#[derive(Debug, Default)]
pub struct ErrorAgencies {
    manifest: AgencyMap,
    known: HashMap<String, String>,
}

impl ErrorAgencies {
    /// The agency of a failed file at `path`.
    pub fn agency_of(&self, path: &str) -> String {
        if let Some(a) = self.known.get(path) {
            return a.clone();
        }
        self.manifest
            .resolve(path)
            .or_else(|| AgencyMap::default().resolve(path))
            .unwrap_or_else(|| NO_AGENCY.to_string())
    }
}

/// Findings of one agency counted by severity and code.
pub type CodeCounts = BTreeMap<(Severity, FindingCode), usize>;

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
    identity_sum: f64,
    steps_sum: f64,
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
            *a.codes.entry((f.severity, f.code)).or_default() += 1;
        }
        let (id_share, step_share) = sop_shares(s);
        a.identity_sum += id_share;
        a.steps_sum += step_share;
    }

    /// Counts a finding added to an SOP of `agency` after [`add_sop`](Self::add_sop);
    /// `first_error` when the SOP had no `error` finding before.
    pub fn add_finding(&mut self, agency: &str, f: &Finding, first_error: bool) {
        let a = self.acc(agency);
        a.findings.add(f.severity);
        *a.codes.entry((f.severity, f.code)).or_default() += 1;
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
            if agency == NO_AGENCY && a.sops == 0 {
                // Failed files without an agency are listed as failed files only.
                codes.insert(agency, a.codes);
                continue;
            }
            let per_sop = |x: f64| if a.sops == 0 { 0.0 } else { x / a.sops as f64 };
            let files = a.files.len() + a.failed;
            let mut summary = AgencySummary {
                rank: None,
                agency: agency.clone(),
                files: a.files.len() + a.failed,
                failed_files: a.failed,
                sops: a.sops,
                steps: a.steps,
                sops_with_errors: a.with_errors,
                findings: a.findings,
                completeness: round4(per_sop((a.identity_sum + a.steps_sum) / 2.0)),
                identity_completeness: round4(per_sop(a.identity_sum)),
                step_completeness: round4(per_sop(a.steps_sum)),
                errors_per_sop: round4(per_sop(a.findings.error as f64)),
                warnings_per_sop: round4(per_sop(a.findings.warning as f64)),
                unreadable_share: if files == 0 {
                    0.0
                } else {
                    round4(a.failed as f64 / files as f64)
                },
                score: 0.0,
                findings_change: None,
            };
            summary.score = round4(score(&summary));
            out.push(summary);
            codes.insert(agency, a.codes);
        }
        out.sort_by(|a, b| {
            (a.agency == NO_AGENCY)
                .cmp(&(b.agency == NO_AGENCY))
                .then_with(|| b.score.total_cmp(&a.score))
                .then_with(|| a.agency.cmp(&b.agency))
        });
        for (i, a) in out.iter_mut().enumerate() {
            a.rank = (a.agency != NO_AGENCY).then_some(i + 1);
        }
        Tallies {
            summaries: out,
            codes,
        }
    }
}
