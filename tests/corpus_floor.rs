//! The development corpus floors of issue 4: the library runs over
//! `shared/corpus/archive` and the corpus scorer checks step recall, actor accuracy and
//! identity accuracy against `truth.json`, overall (`--floor`) and on every layout. The
//! fixtures archive (`fixtures/archive`, documents the parser was not developed on) is
//! held to the same floors by format and by layout.

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;
use sopap::{Rules, RunOptions};

use crate::support;
use support::{ARCHIVE, CORPUS, FIXTURES};
const FLOORS: &[(&str, f64)] = &[("steps", 0.95), ("actors", 0.95), ("identity", 0.9)];

/// Runs `archive` into a temporary folder and returns it.
fn run(archive: &Path) -> tempfile::TempDir {
    let out = tempfile::tempdir().unwrap();
    let rules = Rules::defaults().unwrap();
    let opts = RunOptions::new(archive, out.path());
    sopap::run(&opts, &rules).unwrap();
    out
}

/// The scorer's output: exit status, text tables, and the JSON report.
fn score(truth: &Path, out: &Path) -> (bool, String, Value) {
    let scorer = PathBuf::from(CORPUS).join("score.py");
    let floor = FLOORS
        .iter()
        .map(|(m, v)| format!("{m}={v}"))
        .collect::<Vec<_>>()
        .join(",");
    let text = Command::new("python3")
        .arg(&scorer)
        .arg(truth)
        .arg(out)
        .arg("--floor")
        .arg(&floor)
        .output()
        .expect("python3 runs");
    let json = Command::new("python3")
        .arg(&scorer)
        .arg(truth)
        .arg(out)
        .arg("--json")
        .output()
        .expect("python3 runs");
    let report: Value = serde_json::from_slice(&json.stdout).expect("scorer JSON");
    let shown = format!(
        "{}{}",
        String::from_utf8_lossy(&text.stdout),
        String::from_utf8_lossy(&text.stderr)
    );
    (text.status.success(), shown, report)
}

/// Every group of the report (by layout or by format) meets every floor, except the
/// groups in `skip`.
fn check_groups(report: &Value, by: &str, skip: &[&str], shown: &str) {
    let groups = report["by"][by].as_object().expect("report groups");
    let mut checked = 0;
    for (group, row) in groups {
        if group.starts_with("error:") || skip.contains(&group.as_str()) {
            continue;
        }
        if row["sops_expected"].as_u64() == Some(0) {
            continue;
        }
        for (metric, floor) in FLOORS {
            let v = row[*metric].as_f64().unwrap_or(0.0);
            assert!(
                v >= *floor,
                "{group}: {metric} {v:.3} below {floor}\n{shown}"
            );
        }
        checked += 1;
    }
    assert!(checked >= 3, "fewer groups than expected:\n{shown}");
}

#[test]
fn corpus_meets_issue_floors_on_every_layout() {
    shared_or_skip!(ARCHIVE);
    let corpus = PathBuf::from(CORPUS);
    let out = run(&corpus.join("archive"));
    let (ok, shown, report) = score(&corpus.join("truth.json"), out.path());
    assert!(ok, "corpus below the floors:\n{shown}");
    check_groups(&report, "layout", &[], &shown);
    // every truth SOP is found, and nothing else
    assert_eq!(report["overall"]["sops"].as_f64(), Some(1.0), "{shown}");
    assert_eq!(report["overall"]["extra_sops"].as_u64(), Some(0), "{shown}");
}

#[test]
fn fixtures_meet_issue_floors_by_format() {
    // The scorer is the corpus's score.py.
    shared_or_skip!(CORPUS);
    let fixtures = PathBuf::from(FIXTURES);
    let out = run(&fixtures.join("archive"));
    let (_, shown, report) = score(&fixtures.join("expected.json"), out.path());
    // Every SOP and step found, whatever the format.
    assert_eq!(report["overall"]["sops"].as_f64(), Some(1.0), "{shown}");
    assert!(report["overall"]["steps"].as_f64() >= Some(0.95), "{shown}");
    // The floors on every format and every layout.
    check_groups(&report, "format", &[], &shown);
    check_groups(&report, "layout", &[], &shown);
}
