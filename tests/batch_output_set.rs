//! The five outputs change together: after a failed write (a full disk, injected through
//! `SOPAP_TEST_FAIL_WRITE`) or a kill while writing, OUT shows the old set or the new
//! one, whole, never a new errors.jsonl beside an old sops.jsonl. Output folders written
//! before sets existed (plain files) are taken over without change, and `sopap report`
//! publishes its rebuilt reports as a set too.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use crate::support;
use support::ARCHIVE;

const BIN: &str = env!("CARGO_BIN_EXE_sopap");
const OUTPUTS: [&str; 5] = [
    "sops.jsonl",
    "errors.jsonl",
    "report.json",
    "report.html",
    "report.xlsx",
];

fn fixture(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures/archive")
        .join(rel)
}

fn run(archive: &Path, out: &Path, env: Option<(&str, &str)>) -> std::process::Output {
    let mut cmd = Command::new(BIN);
    cmd.args(["run", "--quiet", "--fail-on", "never", "--in-process"])
        .args(["--as-of", "2026-12-01"])
        .arg(archive)
        .arg("--out")
        .arg(out);
    if let Some((k, v)) = env {
        cmd.env(k, v);
    }
    cmd.output().unwrap()
}

fn outputs(out: &Path) -> Vec<(String, Vec<u8>)> {
    OUTPUTS
        .iter()
        .map(|n| {
            (
                n.to_string(),
                std::fs::read(out.join(n)).unwrap_or_default(),
            )
        })
        .collect()
}

fn line_count(path: &Path) -> usize {
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .filter(|l| !l.trim().is_empty())
        .count()
}

/// The set on disk is whole: every SPEC path is a plain file that is the file of the one
/// folder `.current` names, and report.json counts exactly the lines of sops.jsonl and errors.jsonl.
/// Returns (SOPs, failed files).
fn assert_whole_set(out: &Path) -> (usize, usize) {
    use std::os::unix::fs::MetadataExt;
    for n in OUTPUTS {
        let shown = std::fs::symlink_metadata(out.join(n)).unwrap();
        let published = std::fs::metadata(out.join(".current").join(n))
            .unwrap_or_else(|_| panic!("{n} missing from the published set"));
        assert!(shown.is_file(), "{n} is not a plain file");
        assert_eq!(
            (shown.dev(), shown.ino()),
            (published.dev(), published.ino()),
            "{n} not in the set"
        );
    }
    let report: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("report.json")).unwrap()).unwrap();
    let sops = line_count(&out.join("sops.jsonl"));
    let errors = line_count(&out.join("errors.jsonl"));
    assert_eq!(report["summary"]["sops"], sops, "report.json vs sops.jsonl");
    assert_eq!(
        report["summary"]["errors"], errors,
        "report.json vs errors.jsonl"
    );
    (sops, errors)
}

/// A small archive: two good SOPs of the fixtures.
fn small_archive(dir: &Path) {
    let a = dir.join("Kel. Tikala");
    std::fs::create_dir_all(&a).unwrap();
    std::fs::copy(
        fixture("Kel. Tikala/SOP SKTM.docx"),
        a.join("SOP SKTM.docx"),
    )
    .unwrap();
    std::fs::copy(
        fixture("Kel. Tikala/SOP SKTM.docx"),
        a.join("SOP SKTM salinan.docx"),
    )
    .unwrap();
}

#[test]
fn failed_write_leaves_the_old_set_whole() {
    let tmp = tempfile::tempdir().unwrap();
    let archive = tmp.path().join("archive");
    small_archive(&archive);
    let out = tmp.path().join("out");
    let r = run(&archive, &out, None);
    assert!(r.status.success(), "{}", String::from_utf8_lossy(&r.stderr));
    let old = outputs(&out);
    assert_eq!(assert_whole_set(&out), (2, 0));

    // A file that fails and one more SOP: every output would change.
    let bad = archive.join("Kel. Tikala/rusak.docx");
    std::fs::write(&bad, b"not a zip at all").unwrap();
    std::fs::copy(
        fixture("Kel. Tikala/SOP SKTM.docx"),
        archive.join("Kel. Tikala/SOP SKTM ketiga.docx"),
    )
    .unwrap();

    // The disk fills while errors.jsonl (written first) or report.html (written late)
    // is being written: the run fails and OUT still shows the old set, byte for byte.
    for victim in ["errors.jsonl", "report.html"] {
        let r = run(&archive, &out, Some(("SOPAP_TEST_FAIL_WRITE", victim)));
        assert!(!r.status.success(), "a failed write must fail the run");
        let stderr = String::from_utf8_lossy(&r.stderr);
        assert!(stderr.contains(victim), "{stderr}");
        assert_eq!(outputs(&out), old, "failing {victim} changed the outputs");
        assert_eq!(assert_whole_set(&out), (2, 0));
        // Nothing of the failed set is left beside the published one.
        let sets = std::fs::read_dir(out.join(".sets")).unwrap().count();
        assert_eq!(sets, 1, "a failed set was left behind");
    }

    // With room again, the next run publishes the new set whole.
    let r = run(&archive, &out, None);
    assert!(r.status.success(), "{}", String::from_utf8_lossy(&r.stderr));
    assert_eq!(assert_whole_set(&out), (3, 1));
    let errors = std::fs::read_to_string(out.join("errors.jsonl")).unwrap();
    assert!(errors.contains("rusak.docx"), "{errors}");
}

#[test]
fn plain_outputs_of_an_earlier_version_are_taken_over_unchanged() {
    let tmp = tempfile::tempdir().unwrap();
    let archive = tmp.path().join("archive");
    small_archive(&archive);
    let out = tmp.path().join("out");
    assert!(run(&archive, &out, None).status.success());
    let before = outputs(&out);

    // Make OUT look as an earlier version left it: plain files, no sets.
    for n in OUTPUTS {
        let bytes = std::fs::read(out.join(n)).unwrap();
        std::fs::remove_file(out.join(n)).unwrap();
        std::fs::write(out.join(n), bytes).unwrap();
    }
    std::fs::remove_file(out.join(".current")).unwrap();
    std::fs::remove_dir_all(out.join(".sets")).unwrap();

    // Nothing changed: the run reads nothing and OUT shows the same bytes, now as a set.
    assert!(run(&archive, &out, None).status.success());
    assert_eq!(outputs(&out), before);
    assert_whole_set(&out);
}

#[test]
fn report_rebuild_publishes_a_whole_set() {
    let tmp = tempfile::tempdir().unwrap();
    let archive = tmp.path().join("archive");
    small_archive(&archive);
    let out = tmp.path().join("out");
    assert!(run(&archive, &out, None).status.success());
    let sops = std::fs::read(out.join("sops.jsonl")).unwrap();
    let r = Command::new(BIN)
        .args(["report", "--as-of", "2030-01-01"])
        .arg(&out)
        .output()
        .unwrap();
    assert!(r.status.success(), "{}", String::from_utf8_lossy(&r.stderr));
    assert_eq!(assert_whole_set(&out), (2, 0));
    // sops.jsonl is carried over as the run wrote it; the reports are new.
    assert_eq!(std::fs::read(out.join("sops.jsonl")).unwrap(), sops);
    let report = std::fs::read_to_string(out.join("report.json")).unwrap();
    assert!(report.contains("2030-01-01"), "report not rebuilt");
    assert_eq!(std::fs::read_dir(out.join(".sets")).unwrap().count(), 1);
}

#[test]
fn killed_runs_always_leave_a_whole_set() {
    shared_or_skip!(ARCHIVE);
    let tmp = tempfile::tempdir().unwrap();
    // Two archives with different numbers of SOPs and failed files.
    let one = tmp.path().join("one");
    support::copy_dir(Path::new(ARCHIVE), &one.join("copy0"));
    let two = tmp.path().join("two");
    support::copy_dir(Path::new(ARCHIVE), &two.join("copy0"));
    support::copy_dir(Path::new(ARCHIVE), &two.join("copy1"));

    let out = tmp.path().join("out");
    assert!(run(&one, &out, None).status.success());
    let first = assert_whole_set(&out);
    let full = tmp.path().join("full");
    assert!(run(&two, &full, None).status.success());
    let second = assert_whole_set(&full);
    assert_ne!(first, second);

    // Runs alternate between the archives (every output changes each time) and are
    // killed at moments spread over reading, committing and writing.
    for (i, delay_ms) in [100u64, 300, 600, 900, 1300, 1800, 2500, 3500]
        .into_iter()
        .enumerate()
    {
        let archive = if i % 2 == 0 { &two } else { &one };
        let mut child = Command::new(BIN)
            .args(["run", "--quiet", "--fail-on", "never", "--in-process"])
            .args(["--as-of", "2026-12-01"])
            .arg(archive)
            .arg("--out")
            .arg(&out)
            .spawn()
            .unwrap();
        std::thread::sleep(Duration::from_millis(delay_ms));
        let _ = child.kill(); // SIGKILL on unix
        let _ = child.wait();
        let now = assert_whole_set(&out);
        assert!(
            now == first || now == second,
            "after a kill at {delay_ms} ms: {now:?} is neither set"
        );
    }
    assert!(run(&two, &out, None).status.success());
    assert_eq!(assert_whole_set(&out), second);
}
