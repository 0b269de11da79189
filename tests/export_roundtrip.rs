//! Round trip: every SOP of the development corpus, exported to .docx and .xlsx and
//! parsed again by sopap, gives the same identity (dates written "2 Januari 2019" read
//! back as ISO), actors and steps (activity, actors, symbol, time, minutes, requirements,
//! output, notes, next, decision branches).

use std::path::PathBuf;

use sopap::Rules;
use sopap::batch::{self, RunOptions};
use sopap::export::{Format, names::Namer, render};
use sopap::ingest::limits::Limits;
use sopap::pipeline::{FileContext, process_bytes};
use sopap::sop::record::Sop;

mod support;
use support::ARCHIVE;

/// The corpus run, shared by both tests (one pipeline run per test binary).
fn corpus_sops() -> Option<&'static Vec<Sop>> {
    static SOPS: std::sync::OnceLock<Option<Vec<Sop>>> = std::sync::OnceLock::new();
    SOPS.get_or_init(run_corpus).as_ref()
}

fn run_corpus() -> Option<Vec<Sop>> {
    if !support::shared_or_skip(ARCHIVE) {
        return None;
    }
    let archive = PathBuf::from(ARCHIVE);
    let out = tempfile::tempdir().unwrap();
    let rules = Rules::defaults().unwrap();
    batch::run(&RunOptions::new(&archive, out.path()), &rules).unwrap();
    let text = std::fs::read_to_string(out.path().join("sops.jsonl")).unwrap();
    Some(
        text.lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect(),
    )
}

fn compare(orig: &Sop, back: &Sop) -> Result<(), String> {
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

fn round_trip(format: Format) {
    let Some(sops) = corpus_sops() else { return };
    assert!(
        sops.len() > 150,
        "only {} SOPs in the corpus run",
        sops.len()
    );
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
    round_trip(Format::Docx);
}

#[test]
fn xlsx_round_trip_keeps_identity_actors_and_steps() {
    round_trip(Format::Xlsx);
}
