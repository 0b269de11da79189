//! PDF reader benchmark: pages per second over the corpus PDFs and the real PDFs,
//! next to `pdftotext -layout` (poppler-utils) on the same files when it is installed.
//!
//! Run with `cargo bench --bench pdf`. Each file is read `ROUNDS` times by the reader;
//! pdftotext runs once per file per round as a child process (its process start-up is
//! part of its figure, as it would be in a pipeline that shells out to it).

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use sopap::ingest::{self, limits::Budget};

const ROUNDS: u32 = 3;

fn pdfs(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut entries: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            if !p.ends_with("_hostile") {
                pdfs(&p, out);
            }
        } else if p.extension().is_some_and(|e| e.eq_ignore_ascii_case("pdf")) {
            out.push(p);
        }
    }
}

fn pages_of(bytes: &[u8]) -> usize {
    lopdf::Document::load_mem(bytes)
        .map(|d| d.get_pages().len())
        .unwrap_or(0)
}

fn run_set(name: &str, files: &[PathBuf]) {
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
            let r = ingest::read(bytes, &Budget::default());
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
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared");
    let mut corpus = Vec::new();
    pdfs(&root.join("corpus/archive"), &mut corpus);
    let mut real = Vec::new();
    pdfs(&root.join("real"), &mut real);
    run_set("corpus", &corpus);
    run_set("real", &real);
}
