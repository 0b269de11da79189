//! The report's data, as written to `report.json` (SPEC.md) and read by the HTML and XLSX
//! writers.
//!
//! Keys SPEC.md names are kept exactly; the extra keys (`as_of`, per-agency `rank`,
//! `steps`, `failed_files`, `sops_with_errors`, per-finding `agency`,
//! per-group `agencies` and `variants`, and the top-level `failed` list) are where SPEC.md
//! is silent.

use std::io::{self, Write};

use serde::{Deserialize, Serialize};

use crate::analyze::Rules;
use crate::analyze::agencies::{self, AgencySummary, SeverityCounts};
use crate::analyze::analysis::Analysis;
use crate::analyze::duplicates::DuplicateGroup;
use crate::error::ErrorKind;
use crate::sop::record::{FindingCode, Severity, Sop};

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
    /// When the previous run finished (UTC, `YYYY-MM-DD HH:MM`), the run each agency's
    /// `findings_change` compares with; absent on a first run.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub previous_run: Option<String>,
}

/// One finding with the SOP it belongs to.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FindingRow {
    /// The SOP id.
    pub sop: String,
    /// The SOP's agency.
    pub agency: String,
    /// The finding code.
    pub code: FindingCode,
    /// Its severity.
    pub severity: Severity,
    /// The step concerned, if any.
    pub step: Option<u32>,
    /// What to do, in Bahasa Indonesia.
    pub message: String,
}

/// The finding rows of one SOP whose findings are set.
pub fn rows(s: &Sop) -> impl Iterator<Item = FindingRow> + '_ {
    let agency = agencies::agency_name(s);
    s.findings.iter().map(move |f| FindingRow {
        sop: s.id.clone(),
        agency: agency.to_string(),
        code: f.code,
        severity: f.severity,
        step: f.step,
        message: f.message.clone(),
    })
}

/// The report of a run that read `files` input files, without its findings (they are
/// streamed): everything the analysis holds. `previous_run` is when the run the trend
/// compares with finished.
pub fn frame(
    files: usize,
    analysis: &Analysis,
    rules: &Rules,
    previous_run: Option<String>,
) -> Report {
    Report {
        summary: Summary {
            files,
            sops: analysis.sops,
            steps: analysis.steps,
            errors: analysis.failed.len(),
            agencies: analysis.agencies.len(),
            findings: analysis.findings,
            duplicate_groups: analysis.duplicates.len(),
            duplicate_sops: analysis.duplicate_sops(),
            as_of: rules.findings.as_of.to_string(),
            previous_run,
        },
        agencies: analysis.agencies.clone(),
        findings: Vec::new(),
        duplicates: analysis.duplicates.clone(),
        failed: analysis
            .failed
            .iter()
            .map(|e| FailedFile {
                path: e.error.path.clone(),
                kind: e.error.kind,
                message: e.error.message.clone(),
                agency: e.agency.clone(),
            })
            .collect(),
    }
}

/// `report.json` written piece by piece, as `serde_json` would write the whole [`Report`]
/// (indented, or compact): the frame's summary and agencies, the findings one at a time,
/// then the frame's duplicates and failed files.
pub struct Writer<W: Write> {
    w: W,
    pretty: bool,
    rows: usize,
}

/// A value serialised on its own, indented as a member at `depth` of the whole document.
fn value<T: Serialize>(v: &T, pretty: bool, depth: usize) -> io::Result<String> {
    if !pretty {
        return serde_json::to_string(v).map_err(io::Error::other);
    }
    let text = serde_json::to_string_pretty(v).map_err(io::Error::other)?;
    // JSON strings hold no raw newline, so every newline is a line of the layout.
    Ok(text.replace('\n', &format!("\n{}", "  ".repeat(depth))))
}

impl<W: Write> Writer<W> {
    /// Writes the start of the document up to the findings array.
    pub fn begin(mut w: W, frame: &Report, pretty: bool) -> io::Result<Self> {
        if pretty {
            write!(
                w,
                "{{\n  \"summary\": {},\n  \"agencies\": {},\n  \"findings\": [",
                value(&frame.summary, true, 1)?,
                value(&frame.agencies, true, 1)?
            )?;
        } else {
            write!(
                w,
                "{{\"summary\":{},\"agencies\":{},\"findings\":[",
                value(&frame.summary, false, 0)?,
                value(&frame.agencies, false, 0)?
            )?;
        }
        Ok(Writer { w, pretty, rows: 0 })
    }

    /// Writes one finding.
    pub fn finding(&mut self, row: &FindingRow) -> io::Result<()> {
        let sep = match (self.rows, self.pretty) {
            (0, true) => "\n    ",
            (_, true) => ",\n    ",
            (0, false) => "",
            (_, false) => ",",
        };
        self.rows += 1;
        let v = value(row, self.pretty, 2)?;
        self.w.write_all(sep.as_bytes())?;
        self.w.write_all(v.as_bytes())
    }

    /// Writes the rest of the document and gives the writer back.
    pub fn end(mut self, frame: &Report) -> io::Result<W> {
        if self.pretty {
            if self.rows > 0 {
                self.w.write_all(b"\n  ")?;
            }
            writeln!(
                self.w,
                "],\n  \"duplicates\": {},\n  \"failed\": {}\n}}",
                value(&frame.duplicates, true, 1)?,
                value(&frame.failed, true, 1)?
            )?;
        } else {
            writeln!(
                self.w,
                "],\"duplicates\":{},\"failed\":{}}}",
                value(&frame.duplicates, false, 0)?,
                value(&frame.failed, false, 0)?
            )?;
        }
        Ok(self.w)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analyze::duplicates::DuplicateKind;
    use crate::error::ErrorKind;

    fn sample(findings: usize) -> Report {
        let mut r = Report {
            summary: Summary {
                files: 3,
                sops: 2,
                steps: 9,
                errors: 1,
                agencies: 1,
                findings: SeverityCounts::default(),
                duplicate_groups: 1,
                duplicate_sops: 2,
                as_of: "2026-11-25".into(),
                previous_run: Some("2026-11-24 01:00".into()),
            },
            agencies: Vec::new(),
            findings: Vec::new(),
            duplicates: vec![DuplicateGroup {
                sops: vec!["a.docx#1".into(), "b.docx#1".into()],
                similarity: 0.875,
                kind: DuplicateKind::Near,
                agencies: vec!["Dinas \"Sosial\"".into()],
                variants: vec!["a.docx#1".into(), "b.docx#1".into()],
            }],
            failed: vec![FailedFile {
                path: "x.pdf".into(),
                kind: ErrorKind::NoSopFound,
                message: "hasil pindai\nbaris dua".into(),
                agency: "(tanpa OPD)".into(),
            }],
        };
        for i in 0..findings {
            r.findings.push(FindingRow {
                sop: format!("a.docx#{i}"),
                agency: "Dinas Sosial".into(),
                code: FindingCode::StepWithoutTime,
                severity: Severity::Warning,
                step: Some(i as u32),
                message: "Langkah \"x\" tanpa waktu.\n".into(),
            });
        }
        r
    }

    fn streamed(r: &Report, pretty: bool) -> String {
        let mut w = Writer::begin(Vec::new(), r, pretty).unwrap();
        for f in &r.findings {
            w.finding(f).unwrap();
        }
        String::from_utf8(w.end(r).unwrap()).unwrap()
    }

    #[test]
    fn streamed_json_is_what_serde_writes_for_the_whole_report() {
        for n in [0, 1, 3] {
            let r = sample(n);
            let whole = serde_json::to_string_pretty(&r).unwrap() + "\n";
            assert_eq!(streamed(&r, true), whole, "pretty, {n} findings");
            let whole = serde_json::to_string(&r).unwrap() + "\n";
            assert_eq!(streamed(&r, false), whole, "compact, {n} findings");
            let back: Report = serde_json::from_str(&streamed(&r, true)).unwrap();
            assert_eq!(back, r);
        }
    }
}
