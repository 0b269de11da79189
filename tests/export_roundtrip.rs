//! Round trip: every SOP of the development corpus and of `../shared/real`, exported to .docx and .xlsx and
//! parsed again by sopap, gives the same identity (dates written "2 Januari 2019" read
//! back as ISO), actors and steps (activity, actors, symbol, time, minutes, requirements,
//! output, notes, next, decision branches).

use std::path::PathBuf;

use sopap::{
    ExportFormat as Format, FileContext, Limits, Rules, RunOptions, Sop, internals::Namer,
    process_bytes, render,
};

use crate::support;
use support::{ARCHIVE, REAL};

/// The SOPs of the corpus run, shared by the tests of this binary.
fn corpus_sops() -> Option<&'static Vec<Sop>> {
    static SOPS: std::sync::OnceLock<Option<Vec<Sop>>> = std::sync::OnceLock::new();
    SOPS.get_or_init(|| run_archive(ARCHIVE)).as_ref()
}

/// The SOPs of the run over `../shared/real` (PDFs, scans, other producers).
fn real_sops() -> Option<&'static Vec<Sop>> {
    static SOPS: std::sync::OnceLock<Option<Vec<Sop>>> = std::sync::OnceLock::new();
    SOPS.get_or_init(|| run_archive(REAL)).as_ref()
}

fn run_archive(archive: &str) -> Option<Vec<Sop>> {
    if !support::shared_or_skip(archive) {
        return None;
    }
    let archive = PathBuf::from(archive);
    let out = tempfile::tempdir().unwrap();
    let rules = Rules::defaults().unwrap();
    sopap::run(&RunOptions::new(&archive, out.path()), &rules).unwrap();
    let text = std::fs::read_to_string(out.path().join("sops.jsonl")).unwrap();
    Some(
        text.lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect(),
    )
}

fn compare(orig: &Sop, back: &Sop) -> Result<(), String> {
    // OCR-read identities included: a value that reads like a label ("PENCATATAN DAN
    // PENDATAAN :" as a warning) stands under its label in the exported page and is
    // read back as that label's value.
    if orig.identity != back.identity {
        return Err(format!(
            "identity differs:\n{:?}\n{:?}",
            orig.identity, back.identity
        ));
    }
    if orig.actors != back.actors {
        return Err(format!("actors {:?} != {:?}", orig.actors, back.actors));
    }
    if orig.steps.len() != back.steps.len() {
        return Err(format!(
            "{} steps != {}",
            orig.steps.len(),
            back.steps.len()
        ));
    }
    for (a, b) in orig.steps.iter().zip(&back.steps) {
        let same = a.no == b.no
            && a.activity == b.activity
            && a.actors == b.actors
            && a.symbol == b.symbol
            && a.time == b.time
            && a.minutes == b.minutes
            && a.requirements == b.requirements
            && a.output == b.output
            && a.notes == b.notes
            && a.next == b.next
            && a.if_yes == b.if_yes
            && a.if_no == b.if_no;
        if !same {
            return Err(format!("step {} differs:\n{a:?}\n{b:?}", a.no));
        }
    }
    Ok(())
}

/// Every SOP of `sops` (at least `least` of them) exported to `format` and read back.
fn round_trip(sops: Option<&Vec<Sop>>, least: usize, format: Format) {
    let Some(sops) = sops else { return };
    assert!(sops.len() >= least, "only {} SOPs in the run", sops.len());
    let rules = Rules::defaults().unwrap();
    let mut namer = Namer::default();
    let mut failures = Vec::new();
    for sop in sops {
        let bytes = render(sop, format).unwrap();
        let name = namer.name_for(sop).with_extension(format.ext());
        let ctx = FileContext {
            rel_path: name.to_string_lossy().into_owned(),
            agency: None,
        };
        match process_bytes(&ctx, &bytes, &rules, &Limits::default()) {
            Ok(back) if back.len() == 1 => {
                if let Err(e) = compare(sop, &back[0]) {
                    failures.push(format!("{}: {e}", sop.id));
                }
            }
            Ok(back) => failures.push(format!("{}: {} SOPs read back", sop.id, back.len())),
            Err(e) => failures.push(format!("{}: {:?} {}", sop.id, e.kind, e.message)),
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} SOPs differ after the {} round trip:\n{}",
        failures.len(),
        sops.len(),
        format.ext(),
        failures.join("\n")
    );
}

#[test]
fn docx_round_trip_keeps_identity_actors_and_steps() {
    round_trip(corpus_sops(), 150, Format::Docx);
}

#[test]
fn xlsx_round_trip_keeps_identity_actors_and_steps() {
    round_trip(corpus_sops(), 150, Format::Xlsx);
}

#[test]
fn real_docx_round_trip_keeps_identity_actors_and_steps() {
    round_trip(real_sops(), 40, Format::Docx);
}

#[test]
fn real_xlsx_round_trip_keeps_identity_actors_and_steps() {
    round_trip(real_sops(), 40, Format::Xlsx);
}
