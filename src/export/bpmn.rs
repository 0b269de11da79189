//! One SOP as a BPMN 2.0 process: a start event, one task per step (an exclusive
//! gateway per decision), an end event, one lane per Pelaksana who owns a task, and
//! BPMNDI so modelers draw it without re-layout.
//!
//! The stages: [`build_graph`] turns the steps into nodes and flows (every decision gets
//! its "Ya" and its "Tidak" flow, [`decision_targets`]), [`place`] lays the nodes out in
//! lanes whose height grows with their content, and [`write_xml`] / [`write_di`] write
//! the process and its diagram.
//!
//! Every step is a task, terminators included: the standard's Mulai/Selesai symbols
//! carry an activity ("Menerima berkas") that must stay a unit of work, so the process
//! gets its own start and end events around them. A step done by several actors is one
//! task in the lane of its first actor with every actor as a `humanPerformer`.

use std::fmt::Write;

use super::layout::{tanggal, xml_escape};
use crate::sop::record::{Sop, Step, Symbol};

/// Left edge of the pool and of its lanes (the pool's name strip lies between).
const POOL_X: i64 = 20;
const LANE_X: i64 = 50;
/// Horizontal distance between two node centres (pixels): a task's width plus room for
/// an arrow and its "Ya"/"Tidak" label.
const PITCH: i64 = 190;
/// Left margin inside a lane before the first node's slot.
const SLOT_X0: i64 = 40;
/// Task width and least height (pixels); a task grows with its wrapped name.
const TASK_W: i64 = 140;
const TASK_MIN_H: i64 = 80;
/// Characters per line and line height of a name wrapped in a task or below a gateway
/// (bpmn-js renders 12 px Arial: about 6.5 px per character).
const TASK_CHARS: usize = 20;
const LABEL_CHARS: usize = 26;
const LINE_PX: i64 = 15;
/// Width of an external label (gateway and event names, below their shape).
const LABEL_W: i64 = PITCH - 20;
/// Least lane height, and the room kept above and below a lane's content (pixels):
/// the top one holds over-the-top routes, annotations and gateway names (written above
/// the gateway, clear of the back flow that leaves its bottom), the bottom one back flows.
const LANE_MIN_H: i64 = 160;
const LANE_TOP: i64 = 110;
const LANE_BOTTOM: i64 = 50;
/// Vertical distance between two parallel routes in a lane's top or bottom band.
const TRACK_STEP: i64 = 8;
/// Size of a text annotation noting an assumption.
const NOTE_W: i64 = 170;
const NOTE_H: i64 = 44;

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
}

/// A flow node.
struct Node {
    id: String,
    kind: Kind,
    name: String,
    doc: Option<String>,
    /// Lane index (into the lanes list).
    lane: usize,
    /// Horizontal slot (one node per slot, left to right).
    slot: i64,
    /// Performers (actor names), for tasks.
    performers: Vec<String>,
}

/// A sequence flow between two nodes.
struct Flow {
    id: String,
    from: usize,
    to: usize,
    name: Option<&'static str>,
    /// The assumption made to draw this flow, noted in a text annotation.
    assumption: Option<String>,
}

/// The process graph of an SOP.
struct Graph {
    lanes: Vec<String>,
    nodes: Vec<Node>,
    flows: Vec<Flow>,
}

/// Mutu Baku and Keterangan of a step as task documentation.
fn documentation(s: &Step) -> Option<String> {
    let mut parts = Vec::new();
    if s.actors.len() > 1 {
        parts.push(format!("Pelaksana: {}", s.actors.join(", ")));
    }
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

/// Where a decision's two branches go, as step indexes (`None`: the end event), and the
/// assumption made for a branch the SOP does not name.
#[derive(Clone, Debug, PartialEq)]
pub struct DecisionTargets {
    /// The "Ya" target.
    pub yes: Option<usize>,
    /// The "Tidak" target.
    pub no: Option<usize>,
    /// Why a target was assumed (Bahasa Indonesia), when one was.
    pub assumption: Option<String>,
}

/// The targets of decision step `i` of `sop`: `if_yes` / `if_no` where the SOP names
/// them; otherwise "Ya" follows the step's `next` link (or the following step) and
/// "Tidak" returns to the step before the decision (the standard's convention: a
/// rejected document goes back to the step that produced it), or ends the process when
/// the decision is the first step.
pub fn decision_targets(sop: &Sop, i: usize) -> DecisionTargets {
    let idx = |no: u32| sop.steps.iter().position(|x| x.no == no);
    let Some(s) = sop.steps.get(i) else {
        return DecisionTargets {
            yes: None,
            no: None,
            assumption: None,
        };
    };
    let named_no = s.if_no.and_then(idx);
    let yes = s.if_yes.and_then(idx).or_else(|| {
        s.next
            .iter()
            .filter_map(|&n| idx(n))
            .find(|&t| Some(t) != named_no)
            .or_else(|| (i + 1 < sop.steps.len()).then_some(i + 1))
    });
    let mut notes = Vec::new();
    if s.if_yes.and_then(idx).is_none() {
        notes.push(match yes.and_then(|t| sop.steps.get(t)) {
            Some(t) => format!(
                "cabang \"Ya\" tidak disebut dokumen; diarahkan ke langkah {} (langkah berikutnya)",
                t.no
            ),
            None => "cabang \"Ya\" tidak disebut dokumen; diarahkan ke akhir proses".to_string(),
        });
    }
    let no = match named_no {
        Some(t) => Some(t),
        None => {
            let back = i.checked_sub(1);
            notes.push(match back.and_then(|t| sop.steps.get(t)) {
                Some(t) => format!(
                    "cabang \"Tidak\" tidak disebut dokumen; diarahkan kembali ke langkah {} \
                     (aturan bawaan: kembali ke langkah sebelumnya untuk diperbaiki)",
                    t.no
                ),
                None => "cabang \"Tidak\" tidak disebut dokumen; diarahkan ke akhir proses \
                         (aturan bawaan)"
                    .to_string(),
            });
            back
        }
    };
    DecisionTargets {
        yes,
        no,
        assumption: (!notes.is_empty()).then(|| format!("Asumsi: {}.", notes.join("; "))),
    }
}

/// Renders `sop` as BPMN 2.0 XML.
pub fn to_bpmn(sop: &Sop) -> String {
    let mut g = build_graph(sop);
    let lane_heights = place(&mut g);
    write_xml(sop, &g, &lane_heights)
}

/// The lane index of each step: its first known actor's lane; the last lane
/// ("Pelaksana tidak diketahui") for a step without one.
fn lanes_of(sop: &Sop) -> (Vec<String>, Vec<usize>) {
    let first = |s: &Step| {
        s.actors
            .iter()
            .find(|a| sop.actors.iter().any(|x| x == *a))
            .cloned()
    };
    // Lanes only for actors who own a task, in the SOP's column order.
    let mut lanes: Vec<String> = sop
        .actors
        .iter()
        .filter(|a| sop.steps.iter().any(|s| first(s).as_ref() == Some(*a)))
        .cloned()
        .collect();
    let unknown = sop.steps.iter().any(|s| first(s).is_none());
    if unknown || lanes.is_empty() {
        lanes.push("(Pelaksana tidak diketahui)".to_string());
    }
    let last = lanes.len() - 1;
    let of = sop
        .steps
        .iter()
        .map(|s| {
            first(s)
                .and_then(|a| lanes.iter().position(|l| *l == a))
                .unwrap_or(last)
        })
        .collect();
    (lanes, of)
}

/// Nodes and flows of the process (see the module documentation).
fn build_graph(sop: &Sop) -> Graph {
    let (lanes, lane_of) = lanes_of(sop);
    let first_lane = lane_of.first().copied().unwrap_or(0);
    let mut nodes = vec![Node {
        id: "Start_1".into(),
        kind: Kind::Start,
        name: "Mulai".into(),
        doc: None,
        lane: first_lane,
        slot: 0,
        performers: Vec::new(),
    }];
    for (i, s) in sop.steps.iter().enumerate() {
        let kind = if s.symbol == Some(Symbol::Decision) {
            Kind::Gateway
        } else {
            Kind::Task
        };
        nodes.push(Node {
            id: format!("Step_{}", i + 1),
            kind,
            name: s.activity.clone(),
            doc: documentation(s),
            lane: lane_of.get(i).copied().unwrap_or(0),
            slot: i as i64 + 1,
            performers: if kind == Kind::Task {
                s.actors.clone()
            } else {
                Vec::new()
            },
        });
    }
    let end = nodes.len();
    let last_lane = lane_of.last().copied().unwrap_or(first_lane);
    nodes.push(Node {
        id: "End_1".into(),
        kind: Kind::End,
        name: "Selesai".into(),
        doc: None,
        lane: last_lane,
        slot: sop.steps.len() as i64 + 1,
        performers: Vec::new(),
    });
    // Step i is node i + 1; `None` targets are the end event.
    let node = |t: Option<usize>| t.map_or(end, |t| t + 1);
    let mut flows = Vec::new();
    let mut push = |from, to, name, assumption| {
        flows.push(Flow {
            id: String::new(),
            from,
            to,
            name,
            assumption,
        })
    };
    push(
        0,
        node(if sop.steps.is_empty() { None } else { Some(0) }),
        None,
        None,
    );
    for (i, s) in sop.steps.iter().enumerate() {
        let from = i + 1;
        if s.symbol == Some(Symbol::Decision) {
            let t = decision_targets(sop, i);
            push(from, node(t.yes), Some("Ya"), t.assumption);
            push(from, node(t.no), Some("Tidak"), None);
            continue;
        }
        let mut any = false;
        let mut seen = Vec::new();
        for &n in &s.next {
            let Some(ti) = sop.steps.iter().position(|x| x.no == n) else {
                continue;
            };
            if ti == i || seen.contains(&ti) {
                continue;
            }
            seen.push(ti);
            push(from, node(Some(ti)), None, None);
            any = true;
        }
        if !any {
            push(from, end, None, None);
        }
    }
    for (k, f) in flows.iter_mut().enumerate() {
        f.id = format!("Flow_{}", k + 1);
    }
    Graph {
        lanes,
        nodes,
        flows,
    }
}

/// Number of lines `text` takes wrapped at `per_line` characters (whole words).
fn wrapped_lines(text: &str, per_line: usize) -> i64 {
    let mut lines = 1i64;
    let mut cur = 0usize;
    for w in text.split_whitespace() {
        let n = w.chars().count();
        if cur > 0 && cur + 1 + n > per_line {
            lines += 1 + (n / per_line.max(1)) as i64;
            cur = n % per_line.max(1);
        } else {
            cur += n + usize::from(cur > 0);
        }
    }
    lines
}

/// Width and height of a node's shape.
fn size(n: &Node) -> (i64, i64) {
    match n.kind {
        Kind::Start | Kind::End => (36, 36),
        Kind::Gateway => (50, 50),
        Kind::Task => (
            TASK_W,
            (wrapped_lines(&n.name, TASK_CHARS) * LINE_PX + 20).max(TASK_MIN_H),
        ),
    }
}

/// Height of a node's external label (gateways and events; 0 for tasks).
fn label_height(n: &Node) -> i64 {
    match n.kind {
        Kind::Task => 0,
        _ => wrapped_lines(&n.name, LABEL_CHARS) * LINE_PX,
    }
}

/// The height of each lane: room for its tallest node and external label, plus the
/// top and bottom bands for routes.
fn place(g: &mut Graph) -> Vec<i64> {
    let mut heights = vec![LANE_MIN_H; g.lanes.len()];
    for n in &g.nodes {
        let (_, h) = size(n);
        let need = LANE_TOP + h.max(TASK_MIN_H) + 6 + label_height(n) + LANE_BOTTOM;
        if let Some(l) = heights.get_mut(n.lane) {
            *l = (*l).max(need);
        }
    }
    heights
}

/// Top edge of each lane, and the total height.
fn lane_tops(heights: &[i64]) -> (Vec<i64>, i64) {
    let mut tops = Vec::with_capacity(heights.len());
    let mut y = 0;
    for h in heights {
        tops.push(y);
        y += h;
    }
    (tops, y)
}

/// Top-left corner and size of a node's shape: centred in its slot, its centre on the
/// lane's centre line of tasks (`LANE_TOP` + half the least task height).
fn bounds(n: &Node, tops: &[i64]) -> (i64, i64, i64, i64) {
    let (w, h) = size(n);
    let cx = LANE_X + SLOT_X0 + n.slot * PITCH + TASK_W / 2;
    let top = tops.get(n.lane).copied().unwrap_or(0) + LANE_TOP;
    let y = if n.kind == Kind::Task {
        top
    } else {
        top + TASK_MIN_H / 2 - h / 2
    };
    (cx - w / 2, y, w, h)
}

fn write_xml(sop: &Sop, g: &Graph, lane_heights: &[i64]) -> String {
    let title = sop
        .identity
        .title
        .clone()
        .unwrap_or_else(|| "SOP tanpa nama".to_string());
    let mut x = String::with_capacity(4096 + g.nodes.len() * 900);
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
    // One resource per actor who performs a task.
    let mut resources: Vec<&str> = Vec::new();
    for n in &g.nodes {
        for p in &n.performers {
            if !resources.contains(&p.as_str()) {
                resources.push(p);
            }
        }
    }
    for (k, r) in resources.iter().enumerate() {
        let _ = writeln!(
            x,
            "  <bpmn:resource id=\"Resource_{}\" name=\"{}\"/>",
            k + 1,
            xml_escape(r)
        );
    }
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
    head.push(format!("Sumber: {}", sop.source.path));
    let _ = writeln!(
        x,
        "    <bpmn:documentation>{}</bpmn:documentation>",
        xml_escape(&head.join("\n"))
    );
    let _ = writeln!(x, "    <bpmn:laneSet id=\"LaneSet_1\">");
    for (li, lane) in g.lanes.iter().enumerate() {
        let _ = writeln!(
            x,
            "      <bpmn:lane id=\"Lane_{}\" name=\"{}\">",
            li + 1,
            xml_escape(lane)
        );
        for n in g.nodes.iter().filter(|n| n.lane == li) {
            let _ = writeln!(x, "        <bpmn:flowNodeRef>{}</bpmn:flowNodeRef>", n.id);
        }
        let _ = writeln!(x, "      </bpmn:lane>");
    }
    let _ = writeln!(x, "    </bpmn:laneSet>");
    for (ni, n) in g.nodes.iter().enumerate() {
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
        for f in g.flows.iter().filter(|f| f.to == ni) {
            let _ = writeln!(x, "      <bpmn:incoming>{}</bpmn:incoming>", f.id);
        }
        for f in g.flows.iter().filter(|f| f.from == ni) {
            let _ = writeln!(x, "      <bpmn:outgoing>{}</bpmn:outgoing>", f.id);
        }
        for (k, p) in n.performers.iter().enumerate() {
            let r = resources.iter().position(|r| r == p).unwrap_or(0) + 1;
            let _ = writeln!(
                x,
                "      <bpmn:humanPerformer id=\"{}_Performer_{}\" name=\"{}\"><bpmn:resourceRef>Resource_{r}</bpmn:resourceRef></bpmn:humanPerformer>",
                n.id,
                k + 1,
                xml_escape(p)
            );
        }
        let _ = writeln!(x, "    </bpmn:{}>", n.kind.tag());
    }
    for f in &g.flows {
        let (Some(a), Some(b)) = (g.nodes.get(f.from), g.nodes.get(f.to)) else {
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
    for (k, f) in g.flows.iter().enumerate() {
        if let Some(text) = &f.assumption {
            let _ = writeln!(
                x,
                "    <bpmn:textAnnotation id=\"Annotation_{k}\"><bpmn:text>{}</bpmn:text></bpmn:textAnnotation>\n    <bpmn:association id=\"Association_{k}\" sourceRef=\"{}\" targetRef=\"Annotation_{k}\"/>",
                xml_escape(text),
                g.nodes.get(f.from).map_or("", |n| n.id.as_str()),
            );
        }
    }
    let _ = writeln!(x, "  </bpmn:process>");
    write_di(&mut x, g, lane_heights);
    x.push_str("</bpmn:definitions>\n");
    x
}

/// The waypoints of a flow from `a` to `b`; `track` separates parallel routes in a
/// lane's top or bottom band.
fn route(g: &Graph, f: &Flow, tops: &[i64], heights: &[i64], track: i64) -> Vec<(i64, i64)> {
    let (Some(a), Some(b)) = (g.nodes.get(f.from), g.nodes.get(f.to)) else {
        return Vec::new();
    };
    let (ax, ay, aw, ah) = bounds(a, tops);
    let (bx, by, bw, bh) = bounds(b, tops);
    let lane_top = |l: usize| tops.get(l).copied().unwrap_or(0);
    let lane_bottom = |l: usize| lane_top(l) + heights.get(l).copied().unwrap_or(LANE_MIN_H);
    let mut pts = Vec::with_capacity(4);
    // A node standing between the two slots in a lane the direct route crosses.
    let lo = a.lane.min(b.lane);
    let hi = a.lane.max(b.lane);
    let blocked = g
        .nodes
        .iter()
        .any(|n| n.slot > a.slot && n.slot < b.slot && n.lane >= lo && n.lane <= hi);
    if b.slot > a.slot && !blocked {
        // Forward to the next free slot: out of the right side, elbow before the target.
        let (sx, sy) = (ax + aw, ay + ah.min(TASK_MIN_H) / 2);
        let (tx, ty) = (bx, by + bh.min(TASK_MIN_H) / 2);
        pts.push((sx, sy));
        if sy != ty {
            let mx = tx - 20;
            pts.push((mx, sy));
            pts.push((mx, ty));
        }
        pts.push((tx, ty));
    } else if b.slot > a.slot {
        // Forward over nodes: up into the top band of the upper lane, across, down.
        let y = lane_top(lo) + 12 + track * TRACK_STEP;
        pts.push((ax + aw / 2, ay));
        pts.push((ax + aw / 2, y));
        pts.push((bx + bw / 2, y));
        pts.push((bx + bw / 2, by));
    } else {
        // Back flow: down into the bottom band of the lower lane, across, up.
        let y = lane_bottom(hi) - 12 - track * TRACK_STEP;
        pts.push((ax + aw / 2, ay + ah));
        pts.push((ax + aw / 2, y));
        pts.push((bx + bw / 2, y));
        pts.push((bx + bw / 2, by + bh));
    }
    pts
}

fn write_di(x: &mut String, g: &Graph, heights: &[i64]) {
    let (tops, total) = lane_tops(heights);
    let slots = g.nodes.iter().map(|n| n.slot).max().unwrap_or(0) + 1;
    let width = SLOT_X0 + slots * PITCH + 20;
    let _ = writeln!(
        x,
        "  <bpmndi:BPMNDiagram id=\"BPMNDiagram_1\">\n    <bpmndi:BPMNPlane id=\"BPMNPlane_1\" bpmnElement=\"Collaboration_1\">"
    );
    let _ = writeln!(
        x,
        "      <bpmndi:BPMNShape id=\"Participant_1_di\" bpmnElement=\"Participant_1\" isHorizontal=\"true\"><dc:Bounds x=\"{POOL_X}\" y=\"0\" width=\"{}\" height=\"{total}\"/></bpmndi:BPMNShape>",
        width + (LANE_X - POOL_X)
    );
    for (li, h) in heights.iter().enumerate() {
        let _ = writeln!(
            x,
            "      <bpmndi:BPMNShape id=\"Lane_{n}_di\" bpmnElement=\"Lane_{n}\" isHorizontal=\"true\"><dc:Bounds x=\"{LANE_X}\" y=\"{}\" width=\"{width}\" height=\"{h}\"/></bpmndi:BPMNShape>",
            tops.get(li).copied().unwrap_or(0),
            n = li + 1
        );
    }
    for n in &g.nodes {
        let (bx, by, w, h) = bounds(n, &tops);
        let marker = if n.kind == Kind::Gateway {
            " isMarkerVisible=\"true\""
        } else {
            ""
        };
        let _ = write!(
            x,
            "      <bpmndi:BPMNShape id=\"{id}_di\" bpmnElement=\"{id}\"{marker}><dc:Bounds x=\"{bx}\" y=\"{by}\" width=\"{w}\" height=\"{h}\"/>",
            id = n.id
        );
        let lh = label_height(n);
        if lh > 0 {
            let ly = if n.kind == Kind::Gateway {
                by - lh - 6
            } else {
                by + h + 6
            };
            let _ = write!(
                x,
                "<bpmndi:BPMNLabel><dc:Bounds x=\"{}\" y=\"{ly}\" width=\"{LABEL_W}\" height=\"{lh}\"/></bpmndi:BPMNLabel>",
                bx + w / 2 - LABEL_W / 2,
            );
        }
        let _ = writeln!(x, "</bpmndi:BPMNShape>");
    }
    // Parallel routes in one band get their own track.
    let mut top_tracks: std::collections::HashMap<usize, i64> = std::collections::HashMap::new();
    let mut bottom_tracks: std::collections::HashMap<usize, i64> = std::collections::HashMap::new();
    for f in &g.flows {
        let (Some(a), Some(b)) = (g.nodes.get(f.from), g.nodes.get(f.to)) else {
            continue;
        };
        let track = if b.slot > a.slot {
            let t = top_tracks.entry(a.lane.min(b.lane)).or_insert(0);
            *t += 1;
            *t - 1
        } else {
            let t = bottom_tracks.entry(a.lane.max(b.lane)).or_insert(0);
            *t += 1;
            *t - 1
        } % 4;
        let pts = route(g, f, &tops, heights, track);
        let _ = write!(
            x,
            "      <bpmndi:BPMNEdge id=\"{id}_di\" bpmnElement=\"{id}\">",
            id = f.id
        );
        for (px, py) in &pts {
            let _ = write!(x, "<di:waypoint x=\"{px}\" y=\"{py}\"/>");
        }
        if let (Some(name), Some(&(px, py)), Some(&(_, qy))) = (f.name, pts.first(), pts.get(1)) {
            // Beside the first segment: above a horizontal one, to the right (Ya) or
            // left (Tidak) of a vertical one, so two exits of one side stay apart.
            let w = 34;
            let (lx, ly) = if py == qy {
                (px + 4, py - 18)
            } else if name == "Ya" {
                (px + 4, (py + qy) / 2 - 7)
            } else {
                (px - w - 4, (py + qy) / 2 - 7)
            };
            let _ = write!(
                x,
                "<bpmndi:BPMNLabel><dc:Bounds x=\"{lx}\" y=\"{ly}\" width=\"{w}\" height=\"14\"/></bpmndi:BPMNLabel>"
            );
        }
        let _ = writeln!(x, "</bpmndi:BPMNEdge>");
    }
    for (k, f) in g.flows.iter().enumerate() {
        if f.assumption.is_none() {
            continue;
        }
        let Some(a) = g.nodes.get(f.from) else {
            continue;
        };
        let (ax, ay, aw, _) = bounds(a, &tops);
        let lane_top = tops.get(a.lane).copied().unwrap_or(0);
        let (nx, ny) = (ax + aw / 2 - 10, lane_top + 4);
        let _ = writeln!(
            x,
            "      <bpmndi:BPMNShape id=\"Annotation_{k}_di\" bpmnElement=\"Annotation_{k}\"><dc:Bounds x=\"{nx}\" y=\"{ny}\" width=\"{NOTE_W}\" height=\"{NOTE_H}\"/></bpmndi:BPMNShape>\n      <bpmndi:BPMNEdge id=\"Association_{k}_di\" bpmnElement=\"Association_{k}\"><di:waypoint x=\"{}\" y=\"{ay}\"/><di:waypoint x=\"{}\" y=\"{}\"/></bpmndi:BPMNEdge>",
            ax + aw / 2,
            nx + 10,
            ny + NOTE_H
        );
    }
    let _ = writeln!(x, "    </bpmndi:BPMNPlane>\n  </bpmndi:BPMNDiagram>");
}

#[cfg(test)]
mod tests {
    use super::*;

    fn step(no: u32, actors: &[&str], symbol: Symbol, next: Vec<u32>) -> Step {
        Step {
            no,
            activity: format!("langkah {no}"),
            actors: actors.iter().map(|a| a.to_string()).collect(),
            symbol: Some(symbol),
            next,
            ..Default::default()
        }
    }

    fn sop() -> Sop {
        Sop {
            actors: vec!["A".into(), "B".into(), "C".into()],
            steps: vec![
                step(1, &["A"], Symbol::Terminator, vec![2]),
                step(2, &["B", "C"], Symbol::Process, vec![3]),
                step(3, &["B"], Symbol::Decision, vec![4]),
                step(4, &["A"], Symbol::Terminator, vec![]),
            ],
            ..Default::default()
        }
    }

    #[test]
    fn missing_no_branch_returns_to_the_step_before_with_a_note() {
        let s = sop();
        let t = decision_targets(&s, 2);
        assert_eq!(t.yes, Some(3));
        assert_eq!(t.no, Some(1));
        assert!(t.assumption.unwrap().contains("kembali ke langkah 2"));
    }

    #[test]
    fn every_step_a_task_between_events_and_lanes_only_for_owners() {
        let x = to_bpmn(&sop());
        assert!(x.contains("<bpmn:task id=\"Step_1\" name=\"langkah 1\">"));
        assert!(x.contains("<bpmn:task id=\"Step_4\" name=\"langkah 4\">"));
        assert!(x.contains("sourceRef=\"Start_1\" targetRef=\"Step_1\""));
        assert!(x.contains("sourceRef=\"Step_4\" targetRef=\"End_1\""));
        // C performs step 2 but owns no task: no lane, a performer.
        assert_eq!(x.matches("<bpmn:lane ").count(), 2);
        assert!(x.contains("name=\"C\"><bpmn:resourceRef>"));
        assert!(x.contains("name=\"Tidak\" sourceRef=\"Step_3\" targetRef=\"Step_2\""));
        assert!(x.contains("name=\"Ya\" sourceRef=\"Step_3\" targetRef=\"Step_4\""));
        assert!(x.contains("<bpmn:textAnnotation"));
    }
}
