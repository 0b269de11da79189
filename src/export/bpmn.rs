//! One SOP as a BPMN 2.0 process: one lane per Pelaksana, start and end events from the
//! terminators, a task per process step (Kegiatan as name, Mutu Baku as documentation),
//! an exclusive gateway per decision with "Ya"/"Tidak" flows, and BPMNDI so modelers
//! draw it without re-layout.
//!
//! A start event cannot have incoming flows nor an end event outgoing ones: a start
//! terminator that a decision loops back to becomes "Mulai" plus a task, and steps that
//! lead nowhere flow into an end event "Selesai" when they are not end terminators.

use std::fmt::Write;

use super::layout::{tanggal, xml_escape};
use crate::sop::record::{Sop, Step, Symbol};

/// Lane height, pool label strip and horizontal step pitch (BPMNDI pixels).
const LANE_H: i64 = 140;
const POOL_X: i64 = 20;
const LANE_X: i64 = 50;
const PITCH: i64 = 150;

/// The BPMN element a node is drawn as.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Kind {
    Start,
    End,
    Task,
    Gateway,
}

impl Kind {
    fn tag(self) -> &'static str {
        match self {
            Kind::Start => "startEvent",
            Kind::End => "endEvent",
            Kind::Task => "task",
            Kind::Gateway => "exclusiveGateway",
        }
    }
    fn size(self) -> (i64, i64) {
        match self {
            Kind::Start | Kind::End => (36, 36),
            Kind::Task => (110, 70),
            Kind::Gateway => (50, 50),
        }
    }
}

struct Node {
    id: String,
    kind: Kind,
    name: String,
    doc: Option<String>,
    lane: usize,
    slot: i64,
}

struct Flow {
    id: String,
    from: usize,
    to: usize,
    name: Option<&'static str>,
}

/// Mutu Baku and Keterangan of a step as task documentation.
fn documentation(s: &Step) -> Option<String> {
    let mut parts = Vec::new();
    for (label, v) in [
        ("Kelengkapan", &s.requirements),
        ("Waktu", &s.time),
        ("Output", &s.output),
        ("Keterangan", &s.notes),
    ] {
        if let Some(v) = v {
            parts.push(format!("{label}: {v}"));
        }
    }
    (!parts.is_empty()).then(|| parts.join("\n"))
}

/// Renders `sop` as BPMN 2.0 XML.
pub fn to_bpmn(sop: &Sop) -> String {
    let mut lanes: Vec<String> = sop.actors.clone();
    let unknown = sop.steps.iter().any(|s| {
        s.actors
            .first()
            .is_none_or(|a| !sop.actors.iter().any(|x| x == a))
    });
    if unknown || lanes.is_empty() {
        lanes.push("(Pelaksana tidak diketahui)".to_string());
    }
    let lane_of = |s: &Step| {
        s.actors
            .first()
            .and_then(|a| sop.actors.iter().position(|x| x == a))
            .unwrap_or(lanes.len() - 1)
    };
    let targeted = |no: u32| {
        sop.steps
            .iter()
            .any(|s| s.next.contains(&no) || s.if_yes == Some(no) || s.if_no == Some(no))
    };

    let mut nodes: Vec<Node> = Vec::new();
    let mut flows: Vec<Flow> = Vec::new();
    let mut step_node: Vec<usize> = Vec::with_capacity(sop.steps.len());
    let mut slot = 0i64;
    for (i, s) in sop.steps.iter().enumerate() {
        let lane = lane_of(s);
        let ends = s.next.is_empty() && s.if_yes.is_none() && s.if_no.is_none();
        let kind = match s.symbol {
            Some(Symbol::Terminator) if i == 0 && !targeted(s.no) => Kind::Start,
            Some(Symbol::Terminator) if ends && i > 0 => Kind::End,
            Some(Symbol::Decision) => Kind::Gateway,
            _ => Kind::Task,
        };
        if i == 0 && kind != Kind::Start {
            nodes.push(Node {
                id: "Start_1".into(),
                kind: Kind::Start,
                name: "Mulai".into(),
                doc: None,
                lane,
                slot,
            });
            slot += 1;
        }
        step_node.push(nodes.len());
        nodes.push(Node {
            id: format!("Step_{}", i + 1),
            kind,
            name: s.activity.clone(),
            doc: documentation(s),
            lane,
            slot,
        });
        slot += 1;
        if i == 0 && kind != Kind::Start {
            flows.push(Flow {
                id: String::new(),
                from: nodes.len() - 2,
                to: nodes.len() - 1,
                name: None,
            });
        }
    }
    // Flows between steps.
    let mut dangling = Vec::new();
    for (i, s) in sop.steps.iter().enumerate() {
        let Some(&from) = step_node.get(i) else {
            continue;
        };
        let mut targets: Vec<u32> = s.next.clone();
        for t in [s.if_yes, s.if_no].into_iter().flatten() {
            if !targets.contains(&t) {
                targets.push(t);
            }
        }
        let mut any = false;
        for t in targets {
            let Some(to) = sop
                .steps
                .iter()
                .position(|x| x.no == t)
                .and_then(|ti| step_node.get(ti).copied())
            else {
                continue;
            };
            if nodes.get(to).is_some_and(|n| n.kind == Kind::Start) {
                continue;
            }
            let name = if s.symbol == Some(Symbol::Decision) {
                if s.if_yes == Some(t) {
                    Some("Ya")
                } else if s.if_no == Some(t) {
                    Some("Tidak")
                } else {
                    None
                }
            } else {
                None
            };
            flows.push(Flow {
                id: String::new(),
                from,
                to,
                name,
            });
            any = true;
        }
        if !any && nodes.get(from).is_some_and(|n| n.kind != Kind::End) {
            dangling.push(from);
        }
    }
    if !dangling.is_empty() || sop.steps.is_empty() {
        let lane = dangling
            .last()
            .and_then(|&d| nodes.get(d))
            .map(|n| n.lane)
            .unwrap_or(lanes.len() - 1);
        let end = nodes.len();
        nodes.push(Node {
            id: "End_1".into(),
            kind: Kind::End,
            name: "Selesai".into(),
            doc: None,
            lane,
            slot,
        });
        if sop.steps.is_empty() {
            nodes.push(Node {
                id: "Start_1".into(),
                kind: Kind::Start,
                name: "Mulai".into(),
                doc: None,
                lane,
                slot: 0,
            });
            dangling.push(end + 1);
            if let Some(e) = nodes.get_mut(end) {
                e.slot = 1;
            }
        }
        for d in dangling {
            flows.push(Flow {
                id: String::new(),
                from: d,
                to: end,
                name: None,
            });
        }
    }
    for (k, f) in flows.iter_mut().enumerate() {
        f.id = format!("Flow_{}", k + 1);
    }
    write_xml(sop, &lanes, &nodes, &flows)
}

fn write_xml(sop: &Sop, lanes: &[String], nodes: &[Node], flows: &[Flow]) -> String {
    let title = sop
        .identity
        .title
        .clone()
        .unwrap_or_else(|| "SOP tanpa nama".to_string());
    let mut x = String::with_capacity(4096 + nodes.len() * 600);
    let _ = write!(
        x,
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n\
         <bpmn:definitions xmlns:bpmn=\"http://www.omg.org/spec/BPMN/20100524/MODEL\" \
         xmlns:bpmndi=\"http://www.omg.org/spec/BPMN/20100524/DI\" \
         xmlns:dc=\"http://www.omg.org/spec/DD/20100524/DC\" \
         xmlns:di=\"http://www.omg.org/spec/DD/20100524/DI\" \
         xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" id=\"Definitions_1\" \
         targetNamespace=\"urn:sopap:export\" exporter=\"sopap\" exporterVersion=\"{}\">\n",
        env!("CARGO_PKG_VERSION")
    );
    let _ = writeln!(
        x,
        "  <bpmn:collaboration id=\"Collaboration_1\">\n    <bpmn:participant id=\"Participant_1\" name=\"{}\" processRef=\"Process_1\"/>\n  </bpmn:collaboration>",
        xml_escape(&title)
    );
    let _ = writeln!(
        x,
        "  <bpmn:process id=\"Process_1\" name=\"{}\" isExecutable=\"true\">",
        xml_escape(&title)
    );
    let mut head = Vec::new();
    if let Some(n) = &sop.identity.number {
        head.push(format!("Nomor SOP: {n}"));
    }
    if let Some(d) = &sop.identity.effective {
        head.push(format!("Tanggal Efektif: {}", tanggal(d)));
    }
    head.push(format!("Sumber: {}", sop.id));
    let _ = writeln!(
        x,
        "    <bpmn:documentation>{}</bpmn:documentation>",
        xml_escape(&head.join("\n"))
    );
    let _ = writeln!(x, "    <bpmn:laneSet id=\"LaneSet_1\">");
    for (li, lane) in lanes.iter().enumerate() {
        let _ = writeln!(
            x,
            "      <bpmn:lane id=\"Lane_{}\" name=\"{}\">",
            li + 1,
            xml_escape(lane)
        );
        for n in nodes.iter().filter(|n| n.lane == li) {
            let _ = writeln!(x, "        <bpmn:flowNodeRef>{}</bpmn:flowNodeRef>", n.id);
        }
        let _ = writeln!(x, "      </bpmn:lane>");
    }
    let _ = writeln!(x, "    </bpmn:laneSet>");
    for (ni, n) in nodes.iter().enumerate() {
        let _ = writeln!(
            x,
            "    <bpmn:{} id=\"{}\" name=\"{}\">",
            n.kind.tag(),
            n.id,
            xml_escape(&n.name)
        );
        if let Some(d) = &n.doc {
            let _ = writeln!(
                x,
                "      <bpmn:documentation>{}</bpmn:documentation>",
                xml_escape(d)
            );
        }
        for f in flows.iter().filter(|f| f.to == ni) {
            let _ = writeln!(x, "      <bpmn:incoming>{}</bpmn:incoming>", f.id);
        }
        for f in flows.iter().filter(|f| f.from == ni) {
            let _ = writeln!(x, "      <bpmn:outgoing>{}</bpmn:outgoing>", f.id);
        }
        let _ = writeln!(x, "    </bpmn:{}>", n.kind.tag());
    }
    for f in flows {
        let (Some(a), Some(b)) = (nodes.get(f.from), nodes.get(f.to)) else {
            continue;
        };
        match f.name {
            Some(name) => {
                let _ = writeln!(
                    x,
                    "    <bpmn:sequenceFlow id=\"{}\" name=\"{name}\" sourceRef=\"{}\" targetRef=\"{}\">\n      <bpmn:conditionExpression xsi:type=\"bpmn:tFormalExpression\">keputusan == &quot;{name}&quot;</bpmn:conditionExpression>\n    </bpmn:sequenceFlow>",
                    f.id, a.id, b.id
                );
            }
            None => {
                let _ = writeln!(
                    x,
                    "    <bpmn:sequenceFlow id=\"{}\" sourceRef=\"{}\" targetRef=\"{}\"/>",
                    f.id, a.id, b.id
                );
            }
        }
    }
    let _ = writeln!(x, "  </bpmn:process>");
    write_di(&mut x, lanes, nodes, flows);
    x.push_str("</bpmn:definitions>\n");
    x
}

/// Top-left corner and size of a node's shape.
fn bounds(n: &Node) -> (i64, i64, i64, i64) {
    let (w, h) = n.kind.size();
    let cx = LANE_X + 60 + n.slot * PITCH + 55;
    let cy = n.lane as i64 * LANE_H + LANE_H / 2;
    (cx - w / 2, cy - h / 2, w, h)
}

fn write_di(x: &mut String, lanes: &[String], nodes: &[Node], flows: &[Flow]) {
    let slots = nodes.iter().map(|n| n.slot).max().unwrap_or(0) + 1;
    let width = 60 + slots * PITCH + 40;
    let height = lanes.len() as i64 * LANE_H;
    let _ = writeln!(
        x,
        "  <bpmndi:BPMNDiagram id=\"BPMNDiagram_1\">\n    <bpmndi:BPMNPlane id=\"BPMNPlane_1\" bpmnElement=\"Collaboration_1\">"
    );
    let _ = writeln!(
        x,
        "      <bpmndi:BPMNShape id=\"Participant_1_di\" bpmnElement=\"Participant_1\" isHorizontal=\"true\"><dc:Bounds x=\"{POOL_X}\" y=\"0\" width=\"{}\" height=\"{height}\"/></bpmndi:BPMNShape>",
        width + (LANE_X - POOL_X)
    );
    for li in 0..lanes.len() {
        let _ = writeln!(
            x,
            "      <bpmndi:BPMNShape id=\"Lane_{n}_di\" bpmnElement=\"Lane_{n}\" isHorizontal=\"true\"><dc:Bounds x=\"{LANE_X}\" y=\"{}\" width=\"{width}\" height=\"{LANE_H}\"/></bpmndi:BPMNShape>",
            li as i64 * LANE_H,
            n = li + 1
        );
    }
    for n in nodes {
        let (bx, by, w, h) = bounds(n);
        let marker = if n.kind == Kind::Gateway {
            " isMarkerVisible=\"true\""
        } else {
            ""
        };
        let _ = writeln!(
            x,
            "      <bpmndi:BPMNShape id=\"{id}_di\" bpmnElement=\"{id}\"{marker}><dc:Bounds x=\"{bx}\" y=\"{by}\" width=\"{w}\" height=\"{h}\"/></bpmndi:BPMNShape>",
            id = n.id
        );
    }
    for f in flows {
        let (Some(a), Some(b)) = (nodes.get(f.from), nodes.get(f.to)) else {
            continue;
        };
        let (ax, ay, aw, ah) = bounds(a);
        let (bx, by, bw, bh) = bounds(b);
        let mut pts: Vec<(i64, i64)> = Vec::with_capacity(4);
        if b.slot > a.slot {
            let (sx, sy) = (ax + aw, ay + ah / 2);
            let (tx, ty) = (bx, by + bh / 2);
            pts.push((sx, sy));
            if sy != ty {
                let mx = tx - 20;
                pts.push((mx, sy));
                pts.push((mx, ty));
            }
            pts.push((tx, ty));
        } else {
            // Back flow: down from the source, along under the lane, up into the target.
            let low = a.lane.max(b.lane) as i64 * LANE_H + LANE_H - 12;
            pts.push((ax + aw / 2, ay + ah));
            pts.push((ax + aw / 2, low));
            pts.push((bx + bw / 2, low));
            pts.push((bx + bw / 2, by + bh));
        }
        let _ = write!(
            x,
            "      <bpmndi:BPMNEdge id=\"{id}_di\" bpmnElement=\"{id}\">",
            id = f.id
        );
        for (px, py) in &pts {
            let _ = write!(x, "<di:waypoint x=\"{px}\" y=\"{py}\"/>");
        }
        if f.name.is_some()
            && let Some((px, py)) = pts.first()
        {
            let _ = write!(
                x,
                "<bpmndi:BPMNLabel><dc:Bounds x=\"{}\" y=\"{}\" width=\"34\" height=\"14\"/></bpmndi:BPMNLabel>",
                px + 4,
                py - 16
            );
        }
        let _ = writeln!(x, "</bpmndi:BPMNEdge>");
    }
    let _ = writeln!(x, "    </bpmndi:BPMNPlane>\n  </bpmndi:BPMNDiagram>");
}
