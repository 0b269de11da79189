//! PDF reader benchmark: pages per second over the corpus PDFs and the real PDFs,
//! next to `pdftotext -layout` (poppler-utils) on the same files when it is installed.
//!
//! Run with `cargo bench --bench pdf`. Each file is read `ROUNDS` times by the reader;
//! pdftotext runs once per file per round as a child process (its process start-up is
//! part of its figure, as it would be in a pipeline that shells out to it).

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use sopap::Budget;

#[path = "../tests/support/mod.rs"]
mod support;
use support::{ARCHIVE, REAL};

const ROUNDS: u32 = 3;

/// The PDFs under `dir` (sorted, `_hostile/` left out).
fn pdfs(dir: &str) -> Vec<PathBuf> {
    if !support::shared_or_skip(dir) {
        return Vec::new();
    }
    support::files_under(Path::new(dir))
        .into_iter()
        .filter(|p| p.extension().is_some_and(|e| e.eq_ignore_ascii_case("pdf")))
        .collect()
}

fn pages_of(bytes: &[u8]) -> usize {
    lopdf::Document::load_mem(bytes)
        .map(|d| d.get_pages().len())
        .unwrap_or(0)
}

fn run_set(name: &str, files: &[PathBuf]) {
    if files.is_empty() {
        return;
    }
    let loaded: Vec<(PathBuf, Vec<u8>, usize)> = files
        .iter()
        .filter_map(|p| {
            let b = std::fs::read(p).ok()?;
            let n = pages_of(&b);
            Some((p.clone(), b, n))
        })
        .collect();
    let pages: usize = loaded.iter().map(|(_, _, n)| n).sum();
    let mut ours = Duration::ZERO;
    let mut failures = 0;
    for _ in 0..ROUNDS {
        for (_, bytes, _) in &loaded {
            let t = Instant::now();
            let r = sopap::read(bytes, &Budget::default());
            ours += t.elapsed();
            if r.is_err() {
                failures += 1;
            }
        }
    }
    let per_round = ours / ROUNDS;
    println!(
        "{name}: {} files, {pages} pages; sopap pdf reader: {:.3} s/round, {:.1} pages/s ({} read errors)",
        loaded.len(),
        per_round.as_secs_f64(),
        pages as f64 / per_round.as_secs_f64(),
        failures / ROUNDS as usize
    );
    let has_pdftotext = Command::new("pdftotext")
        .arg("-v")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok();
    if !has_pdftotext {
        println!("{name}: pdftotext not installed (apt-get install poppler-utils); no comparison");
        return;
    }
    let mut theirs = Duration::ZERO;
    for _ in 0..ROUNDS {
        for (path, _, _) in &loaded {
            let t = Instant::now();
            let _ = Command::new("pdftotext")
                .arg("-layout")
                .arg(path)
                .arg("-")
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .status();
            theirs += t.elapsed();
        }
    }
    let per_round = theirs / ROUNDS;
    println!(
        "{name}: pdftotext -layout: {:.3} s/round, {:.1} pages/s",
        per_round.as_secs_f64(),
        pages as f64 / per_round.as_secs_f64()
    );
}

fn main() {
    let corpus = pdfs(ARCHIVE);
    let real = pdfs(REAL);
    run_set("corpus", &corpus);
    run_set("real", &real);
}
