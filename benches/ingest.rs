//! Ingest throughput: reads every file of the development corpus (and `fixtures/`) with
//! `sopap::read`, single-threaded, repeating each format's files round-robin
//! up to a few hundred documents, and prints files/s and MB/s per detected format.
//!
//! Run with `cargo bench --bench ingest`. `SOPAP_BENCH_READS` sets the documents read
//! per format (default 300); `SOPAP_BENCH_FORMATS=docx,pdf` limits the run to those
//! formats. Files under `_hostile/` are left out: they measure
//! refusal, not reading.

use std::collections::BTreeMap;
use std::path::Path;
use std::time::Instant;

use sopap::{Budget, detect};

#[path = "../tests/support/mod.rs"]
mod support;
use support::{ARCHIVE, FIXTURES};

fn main() {
    let reads: usize = std::env::var("SOPAP_BENCH_READS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(300);
    let only: Option<Vec<String>> = std::env::var("SOPAP_BENCH_FORMATS")
        .ok()
        .map(|v| v.split(',').map(|f| f.trim().to_lowercase()).collect());
    // Without ../shared the fixtures alone are read (one line says so; CI=true fails).
    let mut paths = Vec::new();
    if support::shared_or_skip(ARCHIVE) {
        paths = support::files_under(Path::new(ARCHIVE));
    }
    paths.extend(support::files_under(Path::new(FIXTURES)));
    // Files by detected format, bytes held in memory so that only parsing is timed.
    let mut groups: BTreeMap<String, Vec<Vec<u8>>> = BTreeMap::new();
    for p in &paths {
        let Ok(bytes) = std::fs::read(p) else {
            continue;
        };
        let name = match detect(&bytes) {
            Ok(f) => f.name().to_string(),
            Err(_) => continue,
        };
        if only.as_ref().is_some_and(|o| !o.contains(&name)) {
            continue;
        }
        groups.entry(name).or_default().push(bytes);
    }
    println!(
        "{:<6} {:>5} {:>6} {:>6} {:>9} {:>8} {:>9} {:>9}",
        "format", "files", "reads", "errors", "files/s", "MB/s", "mean ms", "max ms"
    );
    for (format, files) in &groups {
        let n = reads.max(files.len());
        let mut bytes_read = 0u64;
        let mut errors = 0usize;
        let mut max = 0f64;
        let mut kinds: BTreeMap<String, usize> = BTreeMap::new();
        let t0 = Instant::now();
        for i in 0..n {
            let Some(b) = files.get(i % files.len()) else {
                continue;
            };
            let t = Instant::now();
            let r = sopap::read(b, &Budget::default());
            max = max.max(t.elapsed().as_secs_f64());
            bytes_read += b.len() as u64;
            if let Err(e) = &r {
                errors += 1;
                *kinds.entry(e.kind().name().to_string()).or_default() += 1;
            }
            std::hint::black_box(&r);
        }
        let secs = t0.elapsed().as_secs_f64().max(1e-9);
        println!(
            "{:<6} {:>5} {:>6} {:>6} {:>9.1} {:>8.2} {:>9.3} {:>9.3}{}",
            format,
            files.len(),
            n,
            errors,
            n as f64 / secs,
            bytes_read as f64 / secs / 1e6,
            secs * 1e3 / n as f64,
            max * 1e3,
            if kinds.is_empty() {
                String::new()
            } else {
                format!("  errors: {kinds:?}")
            }
        );
    }
}
