//! The command line at its edges: a closed stdout pipe ends quietly with status 0 (as
//! ripgrep does), a `--rules` folder that does not exist or holds a file no rules file
//! is named like stops the run with status 2 naming it, and an empty archive says so.

use std::io::Read;
use std::path::Path;
use std::process::{Command, Stdio};

use crate::support;

const BIN: &str = env!("CARGO_BIN_EXE_sopap");
/// The exit status of a usage or set-up error (clap's, and sopap's for bad rules).
const USAGE_STATUS: i32 = 2;

/// A fixture whose document model prints well over a pipe's buffer (64 KiB).
fn big_fixture() -> std::path::PathBuf {
    Path::new(support::FIXTURE_ARCHIVE).join("DPMPTSP/BUKU SOP DPMPTSP 2023.docx")
}

#[test]
fn a_closed_stdout_pipe_ends_quietly_with_status_zero() {
    let mut child = Command::new(BIN)
        .arg("dump")
        .arg(big_fixture())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Read the first line, as `sopap dump F | head -1` does, then close the pipe.
    let mut stdout = child.stdout.take().unwrap();
    let mut first = [0u8; 1];
    stdout.read_exact(&mut first).unwrap();
    assert_eq!(&first, b"{");
    drop(stdout);
    let mut stderr = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut stderr)
        .unwrap();
    let status = child.wait().unwrap();
    assert_eq!(status.code(), Some(0), "{stderr}");
    assert!(stderr.is_empty(), "nothing on stderr: {stderr}");
}

fn run_with_rules(rules: &Path, out: &Path) -> std::process::Output {
    Command::new(BIN)
        .args(["run", "--quiet"])
        .arg(support::FIXTURE_ARCHIVE)
        .arg("--out")
        .arg(out)
        .arg("--rules")
        .arg(rules)
        .output()
        .unwrap()
}

#[test]
fn a_missing_rules_folder_stops_the_run_naming_it() {
    let tmp = tempfile::tempdir().unwrap();
    let missing = tmp.path().join("aturan-kota");
    let r = run_with_rules(&missing, &tmp.path().join("out"));
    let stderr = String::from_utf8_lossy(&r.stderr);
    assert_eq!(r.status.code(), Some(USAGE_STATUS), "{stderr}");
    assert!(stderr.contains("aturan-kota"), "{stderr}");
    assert!(!tmp.path().join("out/sops.jsonl").exists());
}

#[test]
fn a_rules_file_named_like_no_rules_file_stops_the_run_naming_it() {
    let tmp = tempfile::tempdir().unwrap();
    let rules = tmp.path().join("rules");
    std::fs::create_dir_all(&rules).unwrap();
    // A misspelt name: the user meant labels.toml, and must hear that it was not read.
    std::fs::write(rules.join("label.toml"), "[labels]\n").unwrap();
    let r = run_with_rules(&rules, &tmp.path().join("out"));
    let stderr = String::from_utf8_lossy(&r.stderr);
    assert_eq!(r.status.code(), Some(USAGE_STATUS), "{stderr}");
    assert!(stderr.contains("label.toml"), "{stderr}");
    assert!(
        stderr.contains("labels.toml"),
        "lists the real names: {stderr}"
    );
}

#[test]
fn an_empty_archive_says_so() {
    let tmp = tempfile::tempdir().unwrap();
    let archive = tmp.path().join("arsip");
    std::fs::create_dir_all(&archive).unwrap();
    let r = Command::new(BIN)
        .arg("run")
        .arg(&archive)
        .arg("--out")
        .arg(tmp.path().join("out"))
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&r.stderr);
    assert!(r.status.success(), "{stderr}");
    assert!(stderr.contains("holds no files"), "{stderr}");
    assert!(stderr.contains("arsip"), "{stderr}");
}
