//! Every exported .bpmn of the development corpus validates against the BPMN 2.0 XSD and
//! is parsed by SpiffWorkflow's BpmnParser (tests/bpmn_check.py); its lanes, tasks and
//! gateways match the SOP's actors, steps and decisions. Skipped where python3 or the
//! SpiffWorkflow package is missing (CI: `pip install SpiffWorkflow`).

use std::path::PathBuf;
use std::process::Command;

use sopap::batch::{self, RunOptions};
use sopap::export::bpmn::to_bpmn;
use sopap::rules::Rules;
use sopap::sop::record::{Sop, Symbol};

#[macro_use]
mod support;
use support::ARCHIVE;
const CHECK: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/bpmn_check.py");

fn spiff_available() -> bool {
    Command::new("python3")
        .args(["-c", "import SpiffWorkflow.bpmn.parser.BpmnParser"])
        .output()
        .is_ok_and(|o| o.status.success())
}

/// The kind each step must have in the BPMN (mirrors the writer's rules).
fn kind(sop: &Sop, i: usize) -> &'static str {
    let s = &sop.steps[i];
    let targeted = sop
        .steps
        .iter()
        .any(|x| x.next.contains(&s.no) || x.if_yes == Some(s.no) || x.if_no == Some(s.no));
    let ends = s.next.is_empty() && s.if_yes.is_none() && s.if_no.is_none();
    match s.symbol {
        Some(Symbol::Terminator) if i == 0 && !targeted => "start",
        Some(Symbol::Terminator) if ends && i > 0 => "end",
        Some(Symbol::Decision) => "gateway",
        _ => "task",
    }
}

#[test]
fn corpus_bpmn_validates_and_matches_lanes_tasks_gateways() {
    shared_or_skip!(ARCHIVE);
    let archive = PathBuf::from(ARCHIVE);
    if !spiff_available() {
        // CI installs SpiffWorkflow (.ci/run): there a missing package is a failure.
        assert!(
            std::env::var_os("CI").is_none(),
            "SpiffWorkflow is missing under CI"
        );
        eprintln!("SpiffWorkflow missing: skipped");
        return;
    }
    let out = tempfile::tempdir().unwrap();
    let rules = Rules::defaults().unwrap();
    batch::run(&RunOptions::new(&archive, out.path()), &rules).unwrap();
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
            let lane = s.actors.first().filter(|a| sop.actors.contains(a)).cloned();
            let kd = kind(&sop, i);
            if kd == "gateway" {
                gateways += 1;
                let idx = |no: u32| sop.steps.iter().position(|x| x.no == no).map(|p| p + 1);
                for (label, t) in [("Ya", s.if_yes), ("Tidak", s.if_no)] {
                    // A branch back to a start event is not drawn (no incoming flows).
                    if let Some(ti) = t.and_then(idx)
                        && kind(&sop, ti - 1) != "start"
                    {
                        branches.push(serde_json::json!([i + 1, label, ti]));
                    }
                }
            }
            steps.push(serde_json::json!([s.activity, lane, kd]));
        }
        items.push(serde_json::json!({
            "file": file, "lanes": sop.actors, "steps": steps, "branches": branches
        }));
    }
    assert!(gateways > 50, "only {gateways} decisions in the corpus");
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
}
