//! Export benchmark: renders every SOP of `OUT/sops.jsonl` (first argument, default the
//! development corpus run in `/tmp/sopap-bench-out`, made on the fly when missing) in
//! each format, in memory, and reports exported SOPs per second.
//!
//! `cargo bench --bench export [-- OUT]`

use std::path::PathBuf;
use std::time::Instant;

use sopap::{ExportFormat as Format, Sop, render};

#[path = "../tests/support/mod.rs"]
mod support;

fn main() {
    let out = std::env::args()
        .skip(1)
        .find(|a| !a.starts_with('-'))
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("/tmp/sopap-bench-out"));
    let jsonl = out.join("sops.jsonl");
    if !jsonl.is_file() {
        if !support::shared_or_skip(support::ARCHIVE) {
            return;
        }
        let archive = PathBuf::from(support::ARCHIVE);
        let rules = sopap::Rules::defaults().expect("built-in rules");
        sopap::run(&sopap::RunOptions::new(&archive, &out), &rules).expect("corpus run");
    }
    let text = std::fs::read_to_string(&jsonl).expect("sops.jsonl");
    let sops: Vec<Sop> = text
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| serde_json::from_str(l).expect("SOP record"))
        .collect();
    println!("{} SOPs from {}", sops.len(), jsonl.display());
    for format in [Format::Docx, Format::Xlsx, Format::Bpmn] {
        let rounds = 3;
        let start = Instant::now();
        let mut bytes = 0usize;
        for _ in 0..rounds {
            for s in &sops {
                bytes += render(s, format).expect("render").len();
            }
        }
        let secs = start.elapsed().as_secs_f64();
        let n = (sops.len() * rounds) as f64;
        println!(
            "{:>4}: {:>8.1} SOPs/s ({:.2} ms/SOP, {:.1} KiB/SOP)",
            format.ext(),
            n / secs,
            secs * 1000.0 / n,
            bytes as f64 / n / 1024.0
        );
    }
}
