//! A run asked to stop (a signal, a caller's flag) publishes what it has read and lists
//! the rest as `timeout` lines that are not stored, so the next run reads them; a file
//! whose procedure is a picture is first read from its text alone (the OCR pass comes
//! after every file's text), so a run stopped during the OCR pass keeps every text
//! file's SOPs and the pictured file's identity.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use crate::support;

use sopap::{
    ErrorKind, FileContext, Limits, OcrPass, Rules, RunOptions, StopFlag, internals::Engine,
    process_pass, run,
};

/// A real signed BPS PDF whose identity page is text and whose flowchart is a picture.
const PICTURED: &str = "bps-bengkulu/213. SOP Perencanaan Survei Pertanian Hortikultura signed.pdf";
/// Its SOP number, read from the text identity page.
const PICTURED_NUMBER: &str = "SOP-213/17000/2025";
/// Its steps, read by OCR from the picture (the hand truth of `../shared/real`).
const PICTURED_STEPS: usize = 4;
/// The exit status of a run ended by SIGTERM (128 + 15).
const SIGTERM_STATUS: i32 = 143;
/// How long the CLI test waits for the text-only outputs to appear.
const INTERIM_WAIT: Duration = Duration::from_secs(120);

fn rules() -> Rules {
    let mut rules = Rules::defaults().unwrap();
    rules.findings.as_of = sopap::Date::parse_iso("2026-12-01").unwrap();
    rules
}

fn lines(path: &Path) -> Vec<serde_json::Value> {
    std::fs::read_to_string(path)
        .unwrap_or_default()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

#[test]
fn a_run_stopped_before_any_file_lists_each_as_not_reached_and_the_next_run_reads_them() {
    let tmp = tempfile::tempdir().unwrap();
    let archive = tmp.path().join("archive");
    support::copy_dir(Path::new(support::FIXTURE_ARCHIVE), &archive);
    let out = tmp.path().join("out");
    let rules = rules();

    let mut opts = RunOptions::new(&archive, &out);
    opts.stop = StopFlag::new();
    opts.stop.request(15);
    let res = run(&opts, &rules).unwrap();
    assert_eq!(res.stopped, Some(15));
    assert_eq!(res.read, 0);
    assert_eq!(res.sops, 0);
    assert!(res.files > 20, "{} files", res.files);
    let timeouts: Vec<_> = res
        .errors
        .iter()
        .filter(|e| e.kind == ErrorKind::Timeout)
        .collect();
    assert_eq!(timeouts.len(), res.not_reached);
    assert_eq!(res.not_reached, res.files);
    assert!(
        timeouts.iter().all(|e| e.message.contains("signal 15")),
        "{:?}",
        timeouts.first()
    );
    let written = lines(&out.join("errors.jsonl"));
    assert!(
        written
            .iter()
            .any(|e| e["path"] == "Kel. Tikala/SOP SKTM.docx" && e["kind"] == "timeout"),
        "the not-reached file is listed in errors.jsonl"
    );

    // Nothing of the stopped run was stored: the next run reads every file.
    let res = run(&RunOptions::new(&archive, &out), &rules).unwrap();
    assert_eq!(res.stopped, None);
    assert_eq!(res.read, res.files);
    assert!(res.errors.iter().all(|e| e.kind != ErrorKind::Timeout));
    let sops = lines(&out.join("sops.jsonl"));
    assert_eq!(sops.len(), res.sops);
    assert!(
        sops.iter()
            .any(|s| s["source"]["path"] == "Kel. Tikala/SOP SKTM.docx"
                && !s["steps"].as_array().unwrap().is_empty()),
        "SKTM read with its steps"
    );
}

fn pictured_file() -> Option<PathBuf> {
    support::shared_or_skip(support::REAL).then(|| Path::new(support::REAL).join(PICTURED))
}

#[test]
fn a_text_pass_keeps_the_identity_and_leaves_the_picture_for_the_ocr_pass() {
    let Some(path) = pictured_file() else { return };
    let bytes = std::fs::read(&path).unwrap();
    let ctx = FileContext {
        rel_path: PICTURED.into(),
        agency: None,
    };
    let rules = rules();
    let later = process_pass(&ctx, &bytes, &rules, &Limits::default(), OcrPass::Later);
    let engine = Engine::detect().is_ok();
    // Without the engine there is nothing to leave for later.
    assert_eq!(later.ocr_deferred, engine);
    let sops = later.result.expect("the identity-only SOP, not an error");
    let sop = sops.first().expect("one SOP");
    assert_eq!(sop.identity.number.as_deref(), Some(PICTURED_NUMBER));
    assert!(sop.steps.is_empty(), "{} steps", sop.steps.len());
    let finding = sop
        .findings
        .iter()
        .find(|f| f.code == "procedure-as-image")
        .expect("a procedure-as-image finding");
    if engine {
        assert!(finding.message.contains("OCR"), "{}", finding.message);
    }

    if !support::ocr_engine_or_skip() {
        return;
    }
    let now = process_pass(&ctx, &bytes, &rules, &Limits::default(), OcrPass::Now);
    assert!(!now.ocr_deferred);
    let sops = now.result.expect("the SOP read by OCR");
    let sop = sops.first().expect("one SOP");
    assert_eq!(sop.identity.number.as_deref(), Some(PICTURED_NUMBER));
    assert!(sop.source.ocr);
    assert_eq!(sop.steps.len(), PICTURED_STEPS, "steps by OCR");
}

#[cfg(unix)]
#[test]
fn sigterm_during_the_ocr_pass_keeps_every_text_file_and_the_pictured_identities() {
    let Some(pictured) = pictured_file() else {
        return;
    };
    if !support::ocr_engine_or_skip() {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let archive = tmp.path().join("archive");
    support::copy_dir(Path::new(support::FIXTURE_ARCHIVE), &archive);
    // Several pictured files, so the OCR pass outlasts the wait for the signal.
    let pictures = archive.join("pictured");
    std::fs::create_dir_all(&pictures).unwrap();
    for n in 0..6 {
        std::fs::copy(&pictured, pictures.join(format!("sop-{n}.pdf"))).unwrap();
    }
    let out = tmp.path().join("out");
    let run_cli = || {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_sopap"));
        cmd.args([
            "run",
            "--quiet",
            "--fail-on",
            "never",
            "--as-of",
            "2026-12-01",
        ])
        .arg(&archive)
        .arg("--out")
        .arg(&out);
        cmd
    };

    let mut child = run_cli().spawn().unwrap();
    let start = Instant::now();
    while !out.join("sops.jsonl").exists() {
        assert!(start.elapsed() < INTERIM_WAIT, "no text-only outputs");
        if child.try_wait().unwrap().is_some() {
            break;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let kill = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(kill.success());
    let status = child.wait().unwrap();
    assert_eq!(status.code(), Some(SIGTERM_STATUS), "{status:?}");

    let sops = lines(&out.join("sops.jsonl"));
    let of = |prefix: &str| -> Vec<&serde_json::Value> {
        sops.iter()
            .filter(|s| s["source"]["path"].as_str().unwrap().starts_with(prefix))
            .collect()
    };
    // Every text file of the fixtures is read with its steps.
    let sktm = of("Kel. Tikala/SOP SKTM.docx");
    assert_eq!(sktm.len(), 1);
    assert!(!sktm[0]["steps"].as_array().unwrap().is_empty());
    // Each pictured file is there with its identity, read or still pending.
    let pictured_sops = of("pictured/");
    assert_eq!(pictured_sops.len(), 6, "every pictured file keeps its SOP");
    assert!(
        pictured_sops
            .iter()
            .all(|s| s["identity"]["number"] == PICTURED_NUMBER)
    );
    let pending = pictured_sops
        .iter()
        .filter(|s| s["steps"].as_array().unwrap().is_empty())
        .count();
    assert!(pending > 0, "the signal came after the OCR pass");
    let errors = lines(&out.join("errors.jsonl"));
    assert!(
        errors
            .iter()
            .all(|e| e["path"].as_str().unwrap().starts_with("_hostile/")),
        "only the hostile fixtures fail: {errors:?}"
    );

    // The next run reads the pending pictures (and nothing else) and gives their steps.
    let done = run_cli().output().unwrap();
    assert!(done.status.success(), "{done:?}");
    let sops = lines(&out.join("sops.jsonl"));
    let read: Vec<_> = sops
        .iter()
        .filter(|s| {
            s["source"]["path"]
                .as_str()
                .unwrap()
                .starts_with("pictured/")
        })
        .collect();
    assert_eq!(read.len(), 6);
    assert!(
        read.iter()
            .all(|s| s["steps"].as_array().unwrap().len() == PICTURED_STEPS
                && s["source"]["ocr"] == true),
        "every pending picture read by the next run"
    );
}
