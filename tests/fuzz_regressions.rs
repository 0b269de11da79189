//! Replays fuzz inputs on the stable toolchain, through the same entry points the fuzz
//! targets call (`sopap::fuzzing`).
//!
//! * Every file under `fuzz/regressions/<target>/` (crash inputs once fixed, and inputs
//!   the fuzzer found that reach deep paths) must end in the exact outcome listed in
//!   [`expected`]; a file without an entry fails the test, so a new regression input
//!   always comes with its asserted outcome.
//! * A sample of each `fuzz/corpus/<target>/` (the local fuzzing corpus, absent on a
//!   fresh clone) must end as a document or a typed error within the time budget; the
//!   sample is the smallest files first, bounded in count and total time.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use sopap::fuzzing::{self, Summary, TIME_BUDGET};
use sopap::{ErrorKind, Format};

const FUZZ_DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/fuzz");

/// Longest one input may take: the reader's budget plus the slack of its time checks
/// (the SOP parser after the reader is not budgeted, but linear).
const MAX_ELAPSED: Duration = Duration::from_secs(TIME_BUDGET.as_secs() * 2);

/// Most corpus files replayed per target, and the time after which a target's sample
/// stops early.
const SAMPLE_FILES: usize = 30;
const SAMPLE_TIME: Duration = Duration::from_secs(3);

/// The fuzz targets; [`run`] maps each to the entry point it calls.
const TARGETS: &[&str] = &["ingest", "docx", "xlsx", "pdf", "doc", "package", "rules"];

/// What a regression input must come to.
#[derive(Debug, PartialEq)]
enum Outcome {
    /// A document was read; its summary.
    Read(Summary),
    /// Reading failed with an error of this kind.
    Failed(ErrorKind),
    /// Rules loaded; this many of the probe phrases were recognised.
    RulesLoaded(usize),
    /// The rules failed to load (the message is checked separately).
    RulesFailed,
}

/// Runs `data` through target `target`'s entry point.
fn run(target: &str, data: &[u8]) -> (Outcome, String) {
    let read = match target {
        "ingest" => fuzzing::ingest(data),
        "docx" => fuzzing::read_as(Format::Docx, data),
        "xlsx" => fuzzing::read_as(Format::Xlsx, data),
        "pdf" => fuzzing::read_as(Format::Pdf, data),
        "doc" => fuzzing::doc(data),
        "package" => fuzzing::package_input(data),
        "rules" => {
            return match fuzzing::rules(data) {
                Ok(n) => (Outcome::RulesLoaded(n), String::new()),
                Err(e) => (Outcome::RulesFailed, e.to_string()),
            };
        }
        other => panic!("unknown fuzz target {other}"),
    };
    match read {
        Ok(s) => (Outcome::Read(s), String::new()),
        Err(e) => (Outcome::Failed(e.kind()), e.to_string()),
    }
}

fn summary(
    format: Format,
    paragraphs: usize,
    tables: usize,
    shapes: usize,
    sops: usize,
) -> Summary {
    Summary {
        format: Some(format),
        paragraphs,
        tables,
        shapes,
        sops,
    }
}

/// The asserted outcome of every regression file: (target, file name, outcome, and a
/// piece of the error message for a failure, "" for none).
fn expected() -> Vec<(&'static str, &'static str, Outcome, &'static str)> {
    use ErrorKind::*;
    vec![
        // calamine multiplied a cell reference of 15 letters into a u32 column: a panic
        // (overflow) in debug builds, a wrapped column in release ones. Now refused by
        // the sheet pre-pass.
        (
            "package",
            "xlsx-cell-ref-overflow",
            Outcome::Failed(Corrupt),
            r#"xl/worksheets/sheet1.xml: r="IIIIIIIIIIIIIIIs" is not a cell reference"#,
        ),
        // A six-letter column (321 million) the pre-pass could not place: calamine
        // would have sized its dense grid by it.
        (
            "package",
            "xlsx-column-321-million",
            Outcome::Failed(Corrupt),
            r#"r="ZZZZZZ1" is not a cell reference"#,
        ),
        // Inputs the raw fuzzers found that pass the zip layer (the `docx` fuzzer solved
        // the part's CRC) and stop in the XML guard or parser.
        (
            "docx",
            "crc-solved-ill-formed-table",
            Outcome::Failed(Corrupt),
            "word/document.xml: ill-formed document: expected `</w:tc>`",
        ),
        (
            "docx",
            "dtd-in-document",
            Outcome::Failed(Corrupt),
            // the fuzzed file's local header also names another part ("documant.xml")
            // than its central directory; that is caught first (the DTD refusal itself
            // is tested in tests/ingest_docx.rs)
            "disagrees with the central directory",
        ),
        // A mutated 5 KiB PDF that still goes through layout, table recovery and the
        // SOP parser: 29 paragraphs, one table, one SOP.
        (
            "pdf",
            "mutated-one-sop",
            Outcome::Read(summary(Format::Pdf, 29, 1, 0, 1)),
            "",
        ),
        // Found by the `ingest` fuzzer: a PDF reduced to 5 KiB that keeps 21 shapes and
        // its SOP, and a 288-byte one whose page tree names an object twice.
        (
            "ingest",
            "pdf-shapes-one-sop",
            Outcome::Read(summary(Format::Pdf, 8, 1, 21, 1)),
            "",
        ),
        (
            "ingest",
            "pdf-page-tree-repeat",
            Outcome::Failed(Corrupt),
            "pdf page tree: object 2 0 appears twice (cycle)",
        ),
        // Rule files the `rules` fuzzer mutated: one still loads and still recognises all
        // five probe phrases, one fails with its file and line.
        ("rules", "mutated-file-loads", Outcome::RulesLoaded(5), ""),
        (
            "rules",
            "decisions-duplicate-key",
            Outcome::RulesFailed,
            "rules file rules/decisions.toml (in memory), line 12: duplicate key",
        ),
    ]
}

fn files(dir: &Path) -> Vec<PathBuf> {
    let Ok(rd) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut v: Vec<PathBuf> = rd
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_file())
        .collect();
    v.sort();
    v
}

/// Runs one input, failing with its path on a panic or when it outlasts the budget.
fn replay(target: &str, path: &Path) -> (Outcome, String) {
    let data = std::fs::read(path).unwrap();
    let start = Instant::now();
    let result = std::panic::catch_unwind(|| run(target, &data));
    let elapsed = start.elapsed();
    let Ok(outcome) = result else {
        panic!("{target}: {} panicked", path.display());
    };
    assert!(
        elapsed <= MAX_ELAPSED,
        "{target}: {} took {elapsed:?} (budget {TIME_BUDGET:?})",
        path.display()
    );
    outcome
}

#[test]
fn regression_inputs_end_as_fixed() {
    let expected = expected();
    let mut seen = 0;
    for target in TARGETS {
        for path in files(&Path::new(FUZZ_DIR).join("regressions").join(target)) {
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            let Some((_, _, want, message)) = expected
                .iter()
                .find(|(t, n, _, _)| t == target && *n == name)
            else {
                panic!("{target}/{name}: no expected outcome listed in fuzz_regressions.rs");
            };
            let (got, text) = replay(target, &path);
            assert_eq!(&got, want, "{target}/{name} ({text})");
            assert!(
                text.contains(message),
                "{target}/{name}: error {text:?} lacks {message:?}"
            );
            seen += 1;
        }
    }
    assert_eq!(seen, expected.len(), "a listed regression file is missing");
}

/// Prints the outcome of inputs named in `PROBE=target=path,...`: the figure to put in
/// [`expected`] for a new regression file
/// (`PROBE=package=fuzz/regressions/package/x cargo test --test integration fuzz_regressions::probe -- --ignored --nocapture`).
#[test]
#[ignore]
fn probe() {
    for arg in std::env::var("PROBE").unwrap().split(',') {
        let (t, p) = arg.split_once('=').unwrap();
        let data = std::fs::read(p).unwrap();
        eprintln!("{p}: {:?}", run(t, &data));
    }
}

#[test]
fn corpus_sample_ends_as_document_or_typed_error() {
    for target in TARGETS {
        let mut inputs: Vec<(u64, PathBuf)> =
            files(&Path::new(FUZZ_DIR).join("corpus").join(target))
                .into_iter()
                .filter_map(|p| Some((std::fs::metadata(&p).ok()?.len(), p)))
                .collect();
        inputs.sort();
        let start = Instant::now();
        for (_, path) in inputs.iter().take(SAMPLE_FILES) {
            // Any outcome is fine here: `replay` fails on a panic or an overrun budget.
            let _ = replay(target, path);
            if start.elapsed() > SAMPLE_TIME {
                break;
            }
        }
    }
}
