//! Process isolation: a worker killed by running out of memory, by a signal or by its
//! wall time costs only the file it held; the run completes with every other file's
//! output, and the state store remembers the failures so a rerun reads nothing.
//!
//! The faults are injected into real worker processes through `SOPAP_WORKER_FAULTS`
//! (the worker allocates under its address-space limit until refused, raises SIGSEGV,
//! aborts, or sleeps), so the parent's handling of a real death is what is tested.

use std::path::Path;
use std::process::Command;

const BIN: &str = env!("CARGO_BIN_EXE_sopap");

/// A good SOP from the fixtures, copied under several names.
fn good() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/archive/Kel. Tikala/SOP SKTM.docx")
}

fn run(archive: &Path, out: &Path) -> std::process::Output {
    Command::new(BIN)
        .args(["run", "--json-log", "--as-of", "2026-12-01"])
        .args(["--worker-memory-mib", "512", "--worker-seconds", "3"])
        .arg(archive)
        .arg("--out")
        .arg(out)
        .env(
            "SOPAP_WORKER_FAULTS",
            "oom:oom.docx,segv:segv.docx,hang:hang.docx,abort:abort.docx",
        )
        .output()
        .unwrap()
}

fn lines(path: &Path) -> Vec<serde_json::Value> {
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

#[test]
fn a_dying_worker_costs_only_its_file_and_is_remembered() {
    let tmp = tempfile::tempdir().unwrap();
    let archive = tmp.path().join("archive");
    let agency = archive.join("kelurahan");
    std::fs::create_dir_all(&agency).unwrap();
    for name in [
        "a-first.docx",
        "oom.docx",
        "segv.docx",
        "hang.docx",
        "abort.docx",
        "z-last.docx",
    ] {
        std::fs::copy(good(), agency.join(name)).unwrap();
    }
    let out = tmp.path().join("out");
    let started = std::time::Instant::now();
    let r = run(&archive, &out);
    let stderr = String::from_utf8_lossy(&r.stderr);
    assert_eq!(r.status.code(), Some(1), "{stderr}");
    assert!(
        started.elapsed() < std::time::Duration::from_secs(60),
        "the hanging file held the run"
    );

    // Every other file is read, with its real content.
    let sops = lines(&out.join("sops.jsonl"));
    let ids: Vec<&str> = sops.iter().filter_map(|s| s["id"].as_str()).collect();
    assert!(ids.contains(&"kelurahan/a-first.docx#1"), "{ids:?}");
    assert!(ids.contains(&"kelurahan/z-last.docx#1"), "{ids:?}");
    let first = &sops[0];
    let title = first["identity"]["title"].as_str().unwrap_or("");
    assert!(title == "Pelayanan Surat Keterangan Tidak Mampu", "{title}");
    assert!(first["steps"].as_array().is_some_and(|s| s.len() >= 3));

    // Each dead worker's file has its line, saying why.
    let errors = lines(&out.join("errors.jsonl"));
    let find = |name: &str| {
        errors
            .iter()
            .find(|e| e["path"] == format!("kelurahan/{name}"))
            .unwrap_or_else(|| panic!("no error line for {name}: {errors:?}"))
    };
    let oom = find("oom.docx");
    assert_eq!(oom["kind"], "too-large");
    assert!(oom["message"].as_str().unwrap().contains("out of memory"));
    let segv = find("segv.docx");
    assert_eq!(segv["kind"], "corrupt");
    assert!(segv["message"].as_str().unwrap().contains("SIGSEGV"));
    let abort = find("abort.docx");
    assert_eq!(abort["kind"], "corrupt");
    assert!(abort["message"].as_str().unwrap().contains("SIGABRT"));
    let hang = find("hang.docx");
    assert_eq!(hang["kind"], "too-large");
    assert!(hang["message"].as_str().unwrap().contains("out of time"));
    assert_eq!(errors.len(), 4, "{errors:?}");

    // --json-log: JSON only on stderr, even with workers dying.
    for line in stderr.lines() {
        assert!(
            serde_json::from_str::<serde_json::Value>(line).is_ok(),
            "not JSON: {line}"
        );
    }

    // The store remembers the outcomes: a rerun reads nothing and keeps the errors.
    let r = run(&archive, &out);
    let stderr = String::from_utf8_lossy(&r.stderr);
    let summary: serde_json::Value = stderr
        .lines()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .find(|v| v["event"] == "run-finished")
        .unwrap_or_else(|| panic!("no summary: {stderr}"));
    assert_eq!(summary["read"], 0, "{summary}");
    assert_eq!(summary["failed"], 4, "{summary}");
}
