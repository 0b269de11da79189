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

use sopap::internals::{Point, Rect, decision_targets, segments, to_bpmn};
use sopap::{Rules, RunOptions, Sop, Symbol};

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
    sopap::run(&RunOptions::new(archive, out.path()), &rules).unwrap();
    let text = std::fs::read_to_string(out.path().join("sops.jsonl")).unwrap();
    let mut items = Vec::new();
    let mut gateways = 0;
    for (k, line) in text.lines().enumerate() {
        let sop: Sop = serde_json::from_str(line).unwrap();
        let file = out.path().join(format!("sop{k}.bpmn"));
        let xml = to_bpmn(&sop);
        let crossed = overlapping_boxes(&xml);
        assert!(
            crossed.is_empty(),
            "{}: DI boxes overlap: {crossed:?}",
            sop.id
        );
        let crossed = lines_through_boxes(&xml);
        assert!(
            crossed.is_empty(),
            "{}: lines cross names or shapes: {crossed:?}",
            sop.id
        );
        std::fs::write(&file, xml).unwrap();
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

/// A box of the diagram interchange: the element's DI id, "shape" or "label", and x, y,
/// width, height.
type DiBox = (String, &'static str, i64, i64, i64, i64);

/// Every shape (tasks, gateways, events, annotations) and every label (gateway and event
/// names, flow names) of a diagram's DI; lanes and the pool hold the others.
fn di_boxes(xml: &str) -> Vec<DiBox> {
    let element = regex::Regex::new(
        r#"(?s)<bpmndi:BPMN(Shape|Edge) id="([^"]+)"[^>]*>(.*?)</bpmndi:BPMN(?:Shape|Edge)>"#,
    )
    .unwrap();
    let bounds =
        regex::Regex::new(r#"<dc:Bounds x="(-?\d+)" y="(-?\d+)" width="(\d+)" height="(\d+)""#)
            .unwrap();
    let num = |c: &regex::Captures, i: usize| c[i].parse::<i64>().unwrap();
    let mut out = Vec::new();
    for e in element.captures_iter(xml) {
        let id = e[2].to_string();
        if id.starts_with("Participant") || id.starts_with("Lane") {
            continue;
        }
        let body = &e[3];
        let (shape, label) = match body.split_once("<bpmndi:BPMNLabel>") {
            Some((s, l)) => (s, Some(l)),
            None => (body, None),
        };
        if &e[1] == "Shape"
            && let Some(b) = bounds.captures(shape)
        {
            out.push((
                id.clone(),
                "shape",
                num(&b, 1),
                num(&b, 2),
                num(&b, 3),
                num(&b, 4),
            ));
        }
        if let Some(b) = label.and_then(|l| bounds.captures(l)) {
            out.push((id, "label", num(&b, 1), num(&b, 2), num(&b, 3), num(&b, 4)));
        }
    }
    out
}

/// Every pair of DI boxes (shapes and labels) of `xml` that overlap.
fn overlapping_boxes(xml: &str) -> Vec<(String, String)> {
    let boxes = di_boxes(xml);
    let mut crossed = Vec::new();
    for (i, a) in boxes.iter().enumerate() {
        for b in boxes.iter().skip(i + 1) {
            if a.2 < b.2 + b.4 && b.2 < a.2 + a.4 && a.3 < b.3 + b.5 && b.3 < a.3 + a.5 {
                crossed.push((format!("{} {}", a.0, a.1), format!("{} {}", b.0, b.1)));
            }
        }
    }
    crossed
}

/// Every edge of a diagram's DI: its id, its waypoints and the box of its label.
fn di_edges(xml: &str) -> Vec<(String, Vec<Point>, Option<Rect>)> {
    let edge =
        regex::Regex::new(r#"(?s)<bpmndi:BPMNEdge id="([^"]+)"[^>]*>(.*?)</bpmndi:BPMNEdge>"#)
            .unwrap();
    let point = regex::Regex::new(r#"<di:waypoint x="(-?\d+)" y="(-?\d+)"/>"#).unwrap();
    let bounds =
        regex::Regex::new(r#"<dc:Bounds x="(-?\d+)" y="(-?\d+)" width="(\d+)" height="(\d+)""#)
            .unwrap();
    let num = |c: &regex::Captures, i: usize| c[i].parse::<i64>().unwrap();
    edge.captures_iter(xml)
        .map(|e| {
            let pts = point
                .captures_iter(&e[2])
                .map(|c| (num(&c, 1), num(&c, 2)))
                .collect();
            let label = bounds.captures(&e[2]).map(|b| Rect {
                x: num(&b, 1),
                y: num(&b, 2),
                w: num(&b, 3),
                h: num(&b, 4),
            });
            (e[1].to_string(), pts, label)
        })
        .collect()
}

/// Every line of the diagram that passes through a box it should not: a flow's name
/// crossed by another flow or an association, and an association (an assumption note's
/// link) through any shape, name or note other than its own two ends.
fn lines_through_boxes(xml: &str) -> Vec<(String, String)> {
    let boxes = di_boxes(xml);
    let edges = di_edges(xml);
    let mut crossed = Vec::new();
    for (id, _, label) in &edges {
        let Some(label) = label else { continue };
        for (other, opts, _) in &edges {
            if other != id && segments(opts).into_iter().any(|s| label.crossed_by(s)) {
                crossed.push((format!("{id} label"), other.clone()));
            }
        }
    }
    for (id, pts, _) in edges.iter().filter(|e| e.0.starts_with("Association")) {
        // Its note is Annotation_K, its source the node it starts on.
        let note = id.replace("Association", "Annotation");
        for b in &boxes {
            let r = Rect {
                x: b.2,
                y: b.3,
                w: b.4,
                h: b.5,
            };
            let end = b.0 == format!("{note}_di")
                || (b.1 == "shape" && pts.first().is_some_and(|p| on_edge(&r, *p)));
            if !end && segments(pts).into_iter().any(|s| r.crossed_by(s)) {
                crossed.push((id.clone(), format!("{} {}", b.0, b.1)));
            }
        }
    }
    crossed
}

/// Whether `p` lies on the border of `r`.
fn on_edge(r: &Rect, p: Point) -> bool {
    let inside_x = p.0 >= r.x && p.0 <= r.x + r.w;
    let inside_y = p.1 >= r.y && p.1 <= r.y + r.h;
    (inside_x && (p.1 == r.y || p.1 == r.y + r.h)) || (inside_y && (p.0 == r.x || p.0 == r.x + r.w))
}

/// The control SOP of tests/bpmn_js: a decision (step 4) with both targets.
fn control_sop() -> Sop {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/bpmn_js/control_sop.json"
    ))
    .unwrap();
    serde_json::from_str(&text).unwrap()
}

#[test]
fn assumption_notes_and_gateway_names_never_overlap() {
    // Variations: a decision without its "Tidak" target (so the flow is assumed and
    // noted) whose question is short or wraps over many lines, alone or beside a second
    // noted decision in the same lane.
    let words = "Apakah berkas permohonan yang diajukan sudah lengkap dan benar sesuai ketentuan";
    for (repeat, second) in [(1, false), (3, false), (6, false), (6, true), (10, true)] {
        let mut sop = control_sop();
        let question = vec![words; repeat].join(" ");
        sop.steps[3].activity = question.clone();
        sop.steps[3].if_no = None;
        if second {
            sop.steps[4].symbol = Some(Symbol::Decision);
            sop.steps[4].actors = sop.steps[3].actors.clone();
            sop.steps[4].activity = question.clone();
            sop.steps[4].if_yes = Some(6);
            sop.steps[4].if_no = None;
        }
        let xml = to_bpmn(&sop);
        assert!(xml.contains("<bpmn:textAnnotation"), "no note drawn");
        let boxes = di_boxes(&xml);
        assert!(
            boxes
                .iter()
                .any(|b| b.0 == "Step_4_di" && b.1 == "label" && b.5 > 15),
            "the gateway's name has no label box: {boxes:?}"
        );
        let crossed = overlapping_boxes(&xml);
        assert!(
            crossed.is_empty(),
            "{repeat}x question, second decision {second}: {crossed:?}"
        );
        let crossed = lines_through_boxes(&xml);
        assert!(
            crossed.is_empty(),
            "{repeat}x question, second decision {second}: {crossed:?}"
        );
        // The note hangs over its gateway: the association rises from the gateway's
        // top corner, and the gateway's name stands right of it.
        let edges = di_edges(&xml);
        let link = edges
            .iter()
            .find(|e| e.0.starts_with("Association"))
            .expect("an association edge");
        let gateway = boxes
            .iter()
            .find(|b| b.0 == "Step_4_di" && b.1 == "shape")
            .unwrap();
        let name = boxes
            .iter()
            .find(|b| b.0 == "Step_4_di" && b.1 == "label")
            .unwrap();
        assert_eq!(
            link.1.first(),
            Some(&(gateway.2 + gateway.4 / 2, gateway.3))
        );
        assert!(name.2 > gateway.2 + gateway.4 / 2, "{name:?} {gateway:?}");
    }
}

#[test]
fn decision_names_stand_by_their_own_flows_clear_of_others() {
    // Variations of the decision loop: the "Tidak" target before, after and far after
    // the gateway, the "Ya" target far ahead (an over-the-top route), and a second
    // decision returning into the first one (two back flows meeting at a gateway).
    for (yes, no, second_back) in [
        (5, 3, false),
        (5, 2, false),
        (6, 3, false),
        (6, 2, true),
        (5, 1, true),
    ] {
        let mut sop = control_sop();
        sop.steps[3].if_yes = Some(yes);
        sop.steps[3].if_no = Some(no);
        sop.steps[3].next = vec![yes, no];
        if second_back {
            sop.steps[4].symbol = Some(Symbol::Decision);
            sop.steps[4].actors = sop.steps[3].actors.clone();
            sop.steps[4].if_yes = Some(6);
            sop.steps[4].if_no = Some(4);
            sop.steps[4].next = vec![6, 4];
        }
        let xml = to_bpmn(&sop);
        let case = format!("Ya {yes}, Tidak {no}, second {second_back}");
        assert!(
            overlapping_boxes(&xml).is_empty(),
            "{case}: {:?}",
            overlapping_boxes(&xml)
        );
        assert!(
            lines_through_boxes(&xml).is_empty(),
            "{case}: {:?}",
            lines_through_boxes(&xml)
        );
        // Each answer's name lies beside a segment of its own flow (within 4 px + its
        // size), not beside another line.
        for (id, pts, label) in di_edges(&xml) {
            let Some(l) = label else { continue };
            let near = segments(&pts).into_iter().any(|((ax, ay), (bx, by))| {
                let grown = Rect {
                    x: l.x - 5,
                    y: l.y - 5,
                    w: l.w + 10,
                    h: l.h + 10,
                };
                grown.crossed_by(((ax, ay), (bx, by)))
            });
            assert!(near, "{case}: {id}'s name {l:?} is not by its line {pts:?}");
        }
        // No two flows run along one vertical line into and out of one gateway.
        let edges = di_edges(&xml);
        for (i, a) in edges.iter().enumerate() {
            for b in edges.iter().skip(i + 1) {
                for sa in segments(&a.1) {
                    for sb in segments(&b.1) {
                        assert!(
                            !collinear_overlap(sa, sb),
                            "{case}: {} and {} run along one line: {sa:?} {sb:?}",
                            a.0,
                            b.0
                        );
                    }
                }
            }
        }
    }
}

/// Whether two vertical segments share a stretch of one line longer than a few pixels.
fn collinear_overlap(a: (Point, Point), b: (Point, Point)) -> bool {
    let vertical = |s: (Point, Point)| s.0.0 == s.1.0;
    if !vertical(a) || !vertical(b) || a.0.0 != b.0.0 {
        return false;
    }
    let (a0, a1) = (a.0.1.min(a.1.1), a.0.1.max(a.1.1));
    let (b0, b1) = (b.0.1.min(b.1.1), b.0.1.max(b.1.1));
    a1.min(b1) - a0.max(b0) > 4
}

#[test]
fn long_activities_give_wide_boxes_not_towers() {
    // Activities as long as those of scanned provincial SOPs (hundreds of characters),
    // in every step, the decision's question included.
    let mut sop = control_sop();
    let long = "Menerima dan memeriksa kelengkapan dan kejelasan permohonan permintaan data";
    for (k, s) in sop.steps.iter_mut().enumerate() {
        s.activity = vec![long; 3 + 2 * (k % 3)].join(" ");
    }
    let xml = to_bpmn(&sop);
    assert!(overlapping_boxes(&xml).is_empty());
    let boxes = di_boxes(&xml);
    for b in boxes
        .iter()
        .filter(|b| b.0.starts_with("Step_") && b.1 == "shape")
    {
        assert!(b.5 <= b.4, "{} is a tower: {}x{}", b.0, b.4, b.5);
    }
    let name = boxes
        .iter()
        .find(|b| b.0 == "Step_4_di" && b.1 == "label")
        .unwrap();
    assert!(
        name.4 > 170 && name.5 <= 8 * 15,
        "gateway name box {name:?}"
    );
    // Lanes no taller than the tallest content needs: at most 3 task rows high.
    let lane = regex::Regex::new(
        r#"id="Lane_\d+_di"[^>]*><dc:Bounds x="\d+" y="\d+" width="(\d+)" height="(\d+)""#,
    )
    .unwrap();
    for c in lane.captures_iter(&xml) {
        let h: i64 = c[2].parse().unwrap();
        assert!(h <= 480, "lane {h} px high");
    }
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
