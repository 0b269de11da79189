//! Every exported .bpmn of the development corpus and of `../shared/real` validates
//! against the BPMN 2.0 XSD and is parsed by SpiffWorkflow's BpmnParser
//! (tests/bpmn_check.py); its lanes, tasks and gateways match the SOP's actors, steps and
//! decisions: every step is a task (or gateway) between a start and an end event, every
//! gateway has a "Ya" and a "Tidak" flow to the SOP's targets, multi-actor steps carry
//! every actor as a performer, and SpiffWorkflow runs both branches of every decision to
//! the end. Skipped where python3 or the SpiffWorkflow package is missing (CI:
//! `pip install SpiffWorkflow`).

use std::path::{Path, PathBuf};
use std::process::Command;

use sopap::Rules;
use sopap::batch::{self, RunOptions};
use sopap::export::bpmn::{decision_targets, to_bpmn};
use sopap::sop::record::{Sop, Symbol};

const CORPUS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/corpus/archive");
const REAL: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/real");
const CHECK: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/bpmn_check.py");

fn spiff_available() -> bool {
    Command::new("python3")
        .args(["-c", "import SpiffWorkflow.bpmn.parser.BpmnParser"])
        .output()
        .is_ok_and(|o| o.status.success())
}

/// Runs the pipeline on `archive`, exports every SOP's BPMN and checks them all;
/// returns the number of gateways checked, or `None` when skipped.
fn check_archive(archive: &Path) -> Option<usize> {
    if !archive.is_dir() || !spiff_available() {
        // CI installs SpiffWorkflow (.ci/run): there a missing package is a failure.
        assert!(
            std::env::var("CI").map_or(true, |v| v != "true"),
            "SpiffWorkflow or {} is missing under CI",
            archive.display()
        );
        eprintln!("{} or SpiffWorkflow missing: skipped", archive.display());
        return None;
    }
    let out = tempfile::tempdir().unwrap();
    let rules = Rules::defaults().unwrap();
    batch::run(&RunOptions::new(archive, out.path()), &rules).unwrap();
    let text = std::fs::read_to_string(out.path().join("sops.jsonl")).unwrap();
    let mut items = Vec::new();
    let mut gateways = 0;
    for (k, line) in text.lines().enumerate() {
        let sop: Sop = serde_json::from_str(line).unwrap();
        let file = out.path().join(format!("sop{k}.bpmn"));
        std::fs::write(&file, to_bpmn(&sop)).unwrap();
        let mut steps = Vec::new();
        let mut branches = Vec::new();
        for (i, s) in sop.steps.iter().enumerate() {
            let lane = s.actors.iter().find(|a| sop.actors.contains(a)).cloned();
            let kd = if s.symbol == Some(Symbol::Decision) {
                gateways += 1;
                let t = decision_targets(&sop, i);
                // The SOP's own targets where it names them.
                let idx = |no: u32| sop.steps.iter().position(|x| x.no == no);
                if let Some(y) = s.if_yes.and_then(idx) {
                    assert_eq!(t.yes, Some(y));
                }
                if let Some(n) = s.if_no.and_then(idx) {
                    assert_eq!(t.no, Some(n));
                }
                let name =
                    |t: Option<usize>| t.map_or("End_1".to_string(), |t| format!("Step_{}", t + 1));
                branches.push(serde_json::json!([i + 1, "Ya", name(t.yes)]));
                branches.push(serde_json::json!([i + 1, "Tidak", name(t.no)]));
                "gateway"
            } else {
                "task"
            };
            let performers = if kd == "task" {
                s.actors.clone()
            } else {
                Vec::new()
            };
            steps.push(serde_json::json!([s.activity, lane, kd, performers]));
        }
        items.push(serde_json::json!({
            "file": file, "lanes": sop.actors, "steps": steps, "branches": branches
        }));
    }
    let exp = out.path().join("expectations.json");
    std::fs::write(&exp, serde_json::to_vec(&items).unwrap()).unwrap();
    let o = Command::new("python3")
        .arg(CHECK)
        .arg(&exp)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&o.stdout);
    assert!(
        o.status.success(),
        "bpmn_check failed:\n{stdout}\n{}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert_eq!(stdout.trim(), format!("ok {}", items.len()));
    Some(gateways)
}

#[test]
fn corpus_bpmn_validates_and_matches_lanes_tasks_gateways() {
    if let Some(gateways) = check_archive(&PathBuf::from(CORPUS)) {
        assert!(gateways > 50, "only {gateways} decisions in the corpus");
    }
}

#[test]
fn real_bpmn_gateways_have_both_branches_and_run() {
    if let Some(gateways) = check_archive(&PathBuf::from(REAL)) {
        assert!(
            gateways >= 20,
            "only {gateways} decisions in ../shared/real"
        );
    }
}
