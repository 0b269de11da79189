//! Nightly reruns: an unchanged archive keeps its outputs byte for byte; any change the
//! store records (even by a run killed before its reports) makes the next run write them
//! again; the report shows the trend since the previous run.

use std::path::{Path, PathBuf};

use sopap::{
    FileContext, Limits, OUTPUTS, Rules, RunOptions, internals::FileState, internals::Store, run,
};

use crate::support;

fn fixtures() -> PathBuf {
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/archive"))
}

fn snapshot(out: &Path) -> Vec<(String, Vec<u8>, std::time::SystemTime)> {
    OUTPUTS
        .iter()
        .map(|n| {
            let p = out.join(n);
            let m = std::fs::metadata(&p).unwrap().modified().unwrap();
            (n.to_string(), std::fs::read(&p).unwrap(), m)
        })
        .collect()
}

/// A copy of the fixture archive, its output folder and run options, after a first run
/// as of `as_of`.
fn first_run(as_of: &str) -> (tempfile::TempDir, PathBuf, PathBuf, RunOptions) {
    let tmp = tempfile::tempdir().unwrap();
    let archive = tmp.path().join("archive");
    support::copy_dir(&fixtures(), &archive);
    let out = tmp.path().join("out");
    let opts = RunOptions::new(&archive, &out);
    run(&opts, &rules(as_of)).unwrap();
    (tmp, archive, out, opts)
}

fn rules(as_of: &str) -> Rules {
    let mut r = Rules::defaults().unwrap();
    r.findings.as_of = as_of.parse().unwrap();
    r
}

#[test]
fn unchanged_rerun_keeps_outputs_and_a_new_as_of_date_rewrites_them() {
    let (_tmp, _archive, out, opts) = first_run("2026-11-25");
    let r = rules("2026-11-25");
    let before = snapshot(&out);
    let first_sops = std::fs::read_to_string(out.join("sops.jsonl"))
        .unwrap()
        .lines()
        .count();

    let second = run(&opts, &r).unwrap();
    assert_eq!(second.read, 0);
    assert_eq!(second.skipped, second.files);
    assert_eq!(second.sops, first_sops);
    assert!(!second.outputs_written, "nothing changed: outputs are kept");
    assert_eq!(snapshot(&out), before, "bytes and mtimes unchanged");

    // A new as-of date changes findings (stale SOPs): the outputs are written again,
    // without reading any file.
    let third = run(&opts, &rules("2031-01-01")).unwrap();
    assert_eq!(third.read, 0);
    assert!(third.outputs_written);
    let report = std::fs::read_to_string(out.join("report.json")).unwrap();
    assert!(report.contains("\"as_of\": \"2031-01-01\""));

    // A lost SPEC file is put back from the published set at the next start (same
    // bytes, nothing to write) ...
    std::fs::remove_file(out.join("report.html")).unwrap();
    let fourth = run(&opts, &rules("2031-01-01")).unwrap();
    assert!(!fourth.outputs_written);
    assert!(out.join("report.html").is_file());
    // ... but a lost output file of the published set is written again.
    std::fs::remove_file(out.join(".current").join("report.html")).unwrap();
    std::fs::remove_file(out.join("report.html")).unwrap();
    let fifth = run(&opts, &rules("2031-01-01")).unwrap();
    assert!(fifth.outputs_written);
    assert!(out.join("report.html").is_file());
}

/// A run killed after committing a changed file to the store but before writing its
/// reports: the next run reads nothing (the store is up to date) yet must not keep the
/// old outputs.
#[test]
fn a_store_change_without_reports_is_never_kept() {
    let (_tmp, archive, out, opts) = first_run("2026-11-25");
    let r = rules("2026-11-25");
    let old = std::fs::read_to_string(out.join("sops.jsonl")).unwrap();

    // Replace one SOP document with another one's content, and commit what a run would
    // have read from it, as the killed run did.
    let rel = "BAPENDA/Perencanaan/SOP Penyusunan Renja 2024.docx";
    let target = archive.join(rel);
    std::fs::copy(archive.join("Kel. Tikala/SOP SKTM.docx"), &target).unwrap();
    let bytes = std::fs::read(&target).unwrap();
    let meta = std::fs::metadata(&target).unwrap();
    {
        let mut store = Store::open(&out).unwrap();
        let version = store.known_files().unwrap()[rel].version.clone();
        let ctx = FileContext {
            rel_path: rel.to_string(),
            agency: Some("BAPENDA".into()),
        };
        let sops = sopap::internals::process_guarded(&ctx, &bytes, &r, &Limits::default());
        assert!(sops.as_ref().is_ok_and(|s| !s.is_empty()));
        let state = FileState {
            size: meta.len(),
            mtime_ns: meta
                .modified()
                .unwrap()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap()
                .as_nanos() as i64,
            sha256: sopap::internals::hex(&<sha2::Sha256 as sha2::Digest>::digest(&bytes)),
            version,
        };
        store.save_batch(&[(rel.to_string(), state, sops)]).unwrap();
    }

    let next = run(&opts, &r).unwrap();
    assert_eq!(next.read, 0, "the store already holds the change");
    assert!(next.outputs_written, "outputs must follow the store");
    let new = std::fs::read_to_string(out.join("sops.jsonl")).unwrap();
    assert_ne!(new, old);
    let renja = new
        .lines()
        .find(|l| l.contains(&format!("\"path\":\"{rel}\"")))
        .expect("the replaced file's SOP");
    assert!(
        renja.contains("SKTM") || renja.contains("Tidak Mampu"),
        "{renja}"
    );
}

#[test]
fn report_shows_fewer_findings_since_the_previous_run() {
    let (_tmp, archive, out, opts) = first_run("2026-11-25");
    let r = rules("2026-11-25");
    let first: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("report.json")).unwrap()).unwrap();
    assert!(first["summary"].get("previous_run").is_none());
    assert!(first["agencies"][0].get("findings_change").is_none());
    let findings_of = |v: &serde_json::Value, name: &str| -> (i64, Option<i64>) {
        let a = v["agencies"]
            .as_array()
            .unwrap()
            .iter()
            .find(|a| a["agency"] == name)
            .unwrap();
        let f = &a["findings"];
        (
            f["error"].as_i64().unwrap()
                + f["warning"].as_i64().unwrap()
                + f["info"].as_i64().unwrap(),
            a.get("findings_change").and_then(|c| c.as_i64()),
        )
    };
    let agency = "Dinas Penanaman Modal dan Pelayanan Terpadu Satu Pintu";
    let (before, _) = findings_of(&first, agency);

    std::fs::remove_file(archive.join("DPMPTSP/BUKU SOP DPMPTSP 2023.docx")).unwrap();
    std::fs::remove_file(archive.join("DPMPTSP/pdf/BUKU SOP DPMPTSP 2023.pdf")).unwrap();
    let res = run(&opts, &r).unwrap();
    assert_eq!(res.deleted, 2);
    let second: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("report.json")).unwrap()).unwrap();
    assert!(second["summary"]["previous_run"].is_string());
    let (after, change) = findings_of(&second, agency);
    assert!(after < before, "{after} < {before}");
    assert_eq!(change, Some(after - before));
    let fewer = format!("{} temuan lebih sedikit", before - after);
    let html = std::fs::read_to_string(out.join("report.html")).unwrap();
    assert!(
        html.contains(&format!("<li><b>{agency}</b>: {fewer}</li>")),
        "trend line missing"
    );
    assert!(html.contains("Perubahan temuan"));
}

#[test]
fn one_run_at_a_time_per_output_folder_and_leftovers_of_a_killed_run_are_removed() {
    let tmp = tempfile::tempdir().unwrap();
    let archive = tmp.path().join("archive");
    support::copy_dir(
        &fixtures().join("Kel. Tikala"),
        &archive.join("Kel. Tikala"),
    );
    let out = tmp.path().join("out");
    std::fs::create_dir_all(&out).unwrap();
    let opts = RunOptions::new(&archive, &out);
    let r = rules("2026-11-25");

    let held = sopap::internals::lock_out(&out).unwrap();
    let busy = run(&opts, &r).unwrap_err();
    assert!(matches!(busy, sopap::BatchError::Busy(_)), "{busy}");
    assert!(busy.to_string().contains("another sopap run"));
    drop(held);

    // What a SIGKILL leaves: temporaries of outputs being written.
    std::fs::write(out.join(".tmpAb12Cd"), b"half a report").unwrap();
    std::fs::write(out.join(".report.xlsx.partial"), b"PK").unwrap();
    let res = run(&opts, &r).unwrap();
    assert!(res.sops >= 1);
    assert!(!out.join(".tmpAb12Cd").exists());
    assert!(!out.join(".report.xlsx.partial").exists());
    let sops = std::fs::read_to_string(out.join("sops.jsonl")).unwrap();
    assert!(sops.contains("Kel. Tikala/SOP SKTM.docx#1"));
}
