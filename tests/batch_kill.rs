//! A run killed with SIGKILL mid-way and run again gives the same outputs as an
//! uninterrupted run; a rerun with nothing changed reads nothing and writes the same
//! bytes; a changed file is the only one read again.

use std::path::Path;
use std::process::Command;
use std::time::Duration;

use crate::support;
use support::ARCHIVE;

const BIN: &str = env!("CARGO_BIN_EXE_sopap");

/// Copies the corpus `times` times under `dst/copyN/...` (agency folders kept one level
/// down, so the agency of a copy is `copyN`).
fn make_archive(dst: &Path, times: usize) {
    for n in 0..times {
        let root = dst.join(format!("copy{n}"));
        support::copy_dir(Path::new(ARCHIVE), &root);
    }
}

fn run(archive: &Path, out: &Path) -> std::process::Output {
    Command::new(BIN)
        .args(["run", "--quiet", "--fail-on", "never"])
        .arg(archive)
        .arg("--out")
        .arg(out)
        .output()
        .unwrap()
}

fn outputs(out: &Path) -> Vec<(String, Vec<u8>)> {
    [
        "sops.jsonl",
        "errors.jsonl",
        "report.json",
        "report.html",
        "report.xlsx",
    ]
    .iter()
    .filter_map(|n| std::fs::read(out.join(n)).ok().map(|b| (n.to_string(), b)))
    .collect()
}

#[test]
fn killed_run_resumes_to_identical_output() {
    shared_or_skip!(ARCHIVE);
    let tmp = tempfile::tempdir().unwrap();
    let archive = tmp.path().join("archive");
    make_archive(&archive, 4);

    let clean = tmp.path().join("clean");
    let r = run(&archive, &clean);
    assert!(r.status.success(), "{}", String::from_utf8_lossy(&r.stderr));
    let expected = outputs(&clean);
    assert!(
        expected
            .iter()
            .any(|(n, b)| n == "errors.jsonl" && !b.is_empty())
    );

    // Kill a run at several moments (reading, committing, writing the reports), then
    // finish it.
    let killed = tmp.path().join("killed");
    for delay_ms in [50u64, 150, 400, 800, 1200, 1600] {
        let mut child = Command::new(BIN)
            .args(["run", "--quiet", "--fail-on", "never"])
            .arg(&archive)
            .arg("--out")
            .arg(&killed)
            .spawn()
            .unwrap();
        std::thread::sleep(Duration::from_millis(delay_ms));
        let _ = child.kill(); // SIGKILL on unix
        let _ = child.wait();
    }
    let r = run(&archive, &killed);
    assert!(r.status.success(), "{}", String::from_utf8_lossy(&r.stderr));
    let got = outputs(&killed);
    let differing: Vec<&str> = got
        .iter()
        .zip(&expected)
        .filter(|(a, b)| a != b)
        .map(|(a, _)| a.0.as_str())
        .collect();
    if let Some((_, e)) = got
        .iter()
        .zip(&expected)
        .find(|(a, _)| a.0 == "errors.jsonl")
        .filter(|(a, b)| a != b)
    {
        eprintln!(
            "errors.jsonl, killed:\n{}\nclean:\n{}",
            String::from_utf8_lossy(&got.iter().find(|g| g.0 == "errors.jsonl").unwrap().1),
            String::from_utf8_lossy(&e.1)
        );
    }
    assert!(
        differing.is_empty() && got.len() == expected.len(),
        "killed + rerun differs from a clean run in {differing:?}"
    );

    // Nothing changed: same bytes again.
    let r = run(&archive, &clean);
    assert!(r.status.success());
    assert_eq!(outputs(&clean), expected);
}

#[test]
fn rerun_reads_only_changed_files() {
    shared_or_skip!(ARCHIVE);
    let tmp = tempfile::tempdir().unwrap();
    let archive = tmp.path().join("archive");
    make_archive(&archive, 1);
    let out = tmp.path().join("out");
    let first = Command::new(BIN)
        .args(["run", "--json-log", "--fail-on", "never"])
        .arg(&archive)
        .arg("--out")
        .arg(&out)
        .output()
        .unwrap();
    assert!(first.status.success());

    // Change one file's content, delete another.
    let changed = archive.join("copy0/_hostile/random-bytes.docx");
    std::fs::write(&changed, b"now some other random bytes").unwrap();
    std::fs::remove_file(archive.join("copy0/_hostile/empty.docx")).unwrap();

    let second = Command::new(BIN)
        .args(["run", "--json-log", "--fail-on", "never"])
        .arg(&archive)
        .arg("--out")
        .arg(&out)
        .output()
        .unwrap();
    assert!(second.status.success());
    let log = String::from_utf8_lossy(&second.stderr);
    let summary: serde_json::Value = log
        .lines()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .find(|v| v["event"] == "run-finished")
        .expect("a run-finished line");
    assert_eq!(summary["read"], 1, "{log}");
    assert_eq!(summary["deleted"], 1, "{log}");
    let errors = std::fs::read_to_string(out.join("errors.jsonl")).unwrap();
    assert!(!errors.contains("copy0/_hostile/empty.docx"));
    assert!(errors.contains("copy0/_hostile/random-bytes.docx"));
}
