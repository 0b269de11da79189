//! The report's data, as written to `report.json` (SPEC.md) and read by the HTML and XLSX
//! writers.
//!
//! Keys SPEC.md names are kept exactly; the extra keys (`as_of`, per-agency `rank`,
//! `steps`, `failed_files`, `sops_with_errors`, per-finding `agency`,
//! per-group `agencies` and `variants`, and the top-level `failed` list) are where SPEC.md
//! is silent.

use std::collections::HashSet;

use serde::{Deserialize, Serialize};

use crate::analyze::agencies::{self, AgencySummary, ErrorAgencies, SeverityCounts};
use crate::analyze::duplicates::{self, DuplicateGroup};
use crate::error::ErrorKind;
use crate::rules::Rules;
use crate::sop::record::{FileError, Severity, Sop};

/// The whole report.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Report {
    /// Totals of the run.
    pub summary: Summary,
    /// Per agency, ranked by completeness.
    pub agencies: Vec<AgencySummary>,
    /// Every finding of every SOP, in SOP id order.
    pub findings: Vec<FindingRow>,
    /// Duplicate groups, largest first.
    pub duplicates: Vec<DuplicateGroup>,
    /// The files that failed, as in `errors.jsonl`, with the agency each counts for.
    pub failed: Vec<FailedFile>,
}

/// One file that failed, with the agency it counts for.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FailedFile {
    /// Path relative to the archive root.
    pub path: String,
    /// The kind of failure.
    pub kind: ErrorKind,
    /// What went wrong.
    pub message: String,
    /// The agency the file counts for.
    pub agency: String,
}

/// Totals of the run.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Summary {
    /// Input files read.
    pub files: usize,
    /// SOPs found.
    pub sops: usize,
    /// Steps over all SOPs.
    pub steps: usize,
    /// Files that gave no SOP.
    pub errors: usize,
    /// Agencies.
    pub agencies: usize,
    /// Findings by severity.
    pub findings: SeverityCounts,
    /// Duplicate groups.
    pub duplicate_groups: usize,
    /// SOPs that belong to a duplicate group.
    pub duplicate_sops: usize,
    /// The as-of date the findings were measured against.
    pub as_of: String,
}

/// One finding with the SOP it belongs to.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FindingRow {
    /// The SOP id.
    pub sop: String,
    /// The SOP's agency.
    pub agency: String,
    /// The finding code.
    pub code: String,
    /// Its severity.
    pub severity: Severity,
    /// The step concerned, if any.
    pub step: Option<u32>,
    /// What to do, in Bahasa Indonesia.
    pub message: String,
}

/// Builds the report of a run that read `files` input files.
/// `ea` attributes the failed files to agencies.
pub fn build(
    files: usize,
    sops: &[Sop],
    errors: &[FileError],
    rules: &Rules,
    ea: &ErrorAgencies,
) -> Report {
    let agencies = agencies::summarise(sops, errors, ea);
    let dups = duplicates::find(sops, &rules.findings.duplicates);
    let mut counts = SeverityCounts::default();
    let mut findings = Vec::new();
    for s in sops {
        for f in &s.findings {
            counts.add(f.severity);
            findings.push(FindingRow {
                sop: s.id.clone(),
                agency: agencies::agency_name(s).to_string(),
                code: f.code.clone(),
                severity: f.severity,
                step: f.step,
                message: f.message.clone(),
            });
        }
    }
    let in_groups: HashSet<&str> = dups
        .iter()
        .flat_map(|g| g.sops.iter().map(String::as_str))
        .collect();
    Report {
        summary: Summary {
            files,
            sops: sops.len(),
            steps: sops.iter().map(|s| s.steps.len()).sum(),
            errors: errors.len(),
            agencies: agencies.len(),
            findings: counts,
            duplicate_groups: dups.len(),
            duplicate_sops: in_groups.len(),
            as_of: rules.findings.as_of.to_string(),
        },
        agencies,
        findings,
        duplicates: dups,
        failed: errors
            .iter()
            .map(|e| FailedFile {
                path: e.path.clone(),
                kind: e.kind,
                message: e.message.clone(),
                agency: ea.agency_of(&e.path),
            })
            .collect(),
    }
}
