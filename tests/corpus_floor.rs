//! The development corpus floors of issue 4: the library runs over
//! `shared/corpus/archive` and the corpus scorer checks step recall, actor accuracy and
//! identity accuracy against `truth.json`.

use std::path::PathBuf;
use std::process::Command;

use sopap::batch::{self, RunOptions};
use sopap::rules::Rules;

const CORPUS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/corpus");

/// Runs the whole corpus into a temporary folder and returns it.
fn run_corpus() -> Option<tempfile::TempDir> {
    let corpus = PathBuf::from(CORPUS);
    if !corpus.join("archive").is_dir() {
        eprintln!("corpus not found at {}: skipped", corpus.display());
        return None;
    }
    let out = tempfile::tempdir().unwrap();
    let rules = Rules::defaults().unwrap();
    let opts = RunOptions::new(corpus.join("archive"), out.path());
    let res = batch::run(&opts, &rules).unwrap();
    assert!(res.files > 100, "only {} files read", res.files);
    Some(out)
}

fn score(out: &std::path::Path, floor: &str) -> (bool, String) {
    let corpus = PathBuf::from(CORPUS);
    let o = Command::new("python3")
        .arg(corpus.join("score.py"))
        .arg(corpus.join("truth.json"))
        .arg(out)
        .arg("--floor")
        .arg(floor)
        .output()
        .expect("python3 runs");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
    (o.status.success(), text)
}

/// The floors the issue asks for, on every layout. Ignored until the PDF reader and
/// the vocabulary land; run with `cargo test --test corpus_floor -- --ignored`.
#[test]
#[ignore = "needs the PDF reader and the rules vocabulary merged"]
fn corpus_meets_issue_floors() {
    let Some(out) = run_corpus() else { return };
    let (ok, text) = score(out.path(), "steps=0.95,actors=0.95,identity=0.9");
    assert!(ok, "corpus below the floors:\n{text}");
}

/// What holds today on the formats whose readers are merged: every SOP of the .docx
/// and .xlsx files is found with all its steps.
#[test]
fn corpus_steps_of_word_and_excel_files() {
    let Some(out) = run_corpus() else { return };
    let (_, text) = score(out.path(), "steps=0.0");
    let row = |fmt: &str| {
        text.lines()
            .find(|l| l.split_whitespace().next() == Some(fmt))
            .map(str::to_string)
            .unwrap_or_default()
    };
    for fmt in ["docx", "xlsx"] {
        let r = row(fmt);
        let cols: Vec<&str> = r.split_whitespace().collect();
        // group files sops f/e extra steps ...
        let steps: f64 = cols.get(4).and_then(|s| s.parse().ok()).unwrap_or(0.0);
        assert!(steps >= 0.95, "{fmt} step recall {steps} < 0.95:\n{text}");
    }
}
