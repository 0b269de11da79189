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

use super::bpmn_geom::{self as geom, Obstacles, Point, Rect, Segment, Side};
pub use super::layout::decision_targets;
use super::layout::{tanggal, xml_escape};
use crate::sop::record::{Sop, Step, Symbol};

/// Left edge of the pool and of its lanes (the pool's name strip lies between).
const POOL_X: i64 = 20;
const LANE_X: i64 = 50;
/// Least horizontal gap between the extents (shape, name, note) of two neighbouring
/// nodes (pixels): room for an arrow and its "Ya"/"Tidak" label.
const SLOT_GAP: i64 = 50;
/// Left margin inside a lane before the first node's extent.
const SLOT_X0: i64 = 40;
/// Widths a task may take (pixels), narrowest first: a task takes the narrowest in which
/// its wrapped name stays within [`TARGET_LINES`], else the widest, so that a long
/// activity gives a wide box rather than a tower.
const TASK_WIDTHS: [i64; 4] = [140, 200, 260, 340];
/// Narrowest task width and least height (pixels); a task grows with its wrapped name.
const TASK_W: i64 = 140;
const TASK_MIN_H: i64 = 80;
/// Characters per line and line height of a name wrapped in the narrowest task or in
/// the narrowest external label (bpmn-js renders 12 px Arial: about 6.5 px per
/// character); wider boxes hold proportionally more.
const TASK_CHARS: usize = 20;
const LABEL_CHARS: usize = 26;
const LINE_PX: i64 = 15;
/// Widths an external label (gateway and event names) may take (pixels), narrowest
/// first, chosen like [`TASK_WIDTHS`].
const LABEL_WIDTHS: [i64; 5] = [170, 230, 290, 370, 470];
/// Narrowest external label width.
const LABEL_W: i64 = 170;
/// Lines of a wrapped name beyond which its box takes the next wider width.
const TARGET_LINES: i64 = 6;
/// Horizontal distance from a noted gateway's centre line (its association) to the left
/// edge of its name, written to the right of the association (pixels).
const NOTE_LINK_CLEAR: i64 = 10;
/// Least room right of a gateway's centre (pixels): its half width plus the run out of
/// its right corner that holds a branch name.
const GATEWAY_RIGHT: i64 = 25 + 60;
/// Least lane height, and the least room kept above and below a lane's content
/// (pixels): the top one holds the over-the-top routes and grows with the lane's
/// annotations and gateway names ([`lane_bands`]), the bottom one holds back flows.
const LANE_MIN_H: i64 = 160;
const LANE_TOP: i64 = 50;
const LANE_BOTTOM: i64 = 50;
/// Vertical distance between two parallel routes in a lane's top or bottom band.
const TRACK_STEP: i64 = 8;
/// Horizontal run of a forward flow before (or after) its elbow, and the longer run
/// out of a gateway, which holds the branch name ("Ya"/"Tidak") above or below it.
const ELBOW: i64 = 20;
const BRANCH_ELBOW: i64 = 44;
/// Width of a text annotation noting an assumption, its least height, and the
/// characters per line of its text (bpmn-js wraps it inside the box's padding).
const NOTE_W: i64 = 170;
const NOTE_MIN_H: i64 = 44;
const NOTE_CHARS: usize = 24;
/// Padding above and below an annotation's text (pixels).
const NOTE_PAD: i64 = 10;

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
    /// Whether one of its outgoing flows was assumed and is noted in an annotation.
    noted: bool,
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

/// Renders `sop` as BPMN 2.0 XML.
pub fn to_bpmn(sop: &Sop) -> String {
    let g = build_graph(sop);
    let frame = place(&g);
    write_xml(sop, &g, &frame)
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
    let mut nodes = build_nodes(sop, &lane_of);
    let mut flows = build_flows(sop, nodes.len().saturating_sub(1));
    for (k, f) in flows.iter_mut().enumerate() {
        f.id = format!("Flow_{}", k + 1);
        if f.assumption.is_some()
            && let Some(n) = nodes.get_mut(f.from)
        {
            n.noted = true;
        }
    }
    Graph {
        lanes,
        nodes,
        flows,
    }
}

/// The start event, one task or gateway per step (step `i` is node `i + 1`, in the lane
/// `lane_of[i]`), and the end event, last.
fn build_nodes(sop: &Sop, lane_of: &[usize]) -> Vec<Node> {
    let first_lane = lane_of.first().copied().unwrap_or(0);
    let mut nodes = vec![Node {
        id: "Start_1".into(),
        kind: Kind::Start,
        name: "Mulai".into(),
        doc: None,
        lane: first_lane,
        slot: 0,
        performers: Vec::new(),
        noted: false,
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
            noted: false,
        });
    }
    let last_lane = lane_of.last().copied().unwrap_or(first_lane);
    nodes.push(Node {
        id: "End_1".into(),
        kind: Kind::End,
        name: "Selesai".into(),
        doc: None,
        lane: last_lane,
        slot: sop.steps.len() as i64 + 1,
        performers: Vec::new(),
        noted: false,
    });
    nodes
}

/// The sequence flows, without ids: from the start to the first step, a decision's "Ya"
/// and "Tidak" exits, every other step's next steps (or the end event, node `end`).
fn build_flows(sop: &Sop, end: usize) -> Vec<Flow> {
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
    flows
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

/// The narrowest of `widths` in which `text` wraps within [`TARGET_LINES`] lines, with
/// its line count there, else the widest; a width holds `chars` characters per line at
/// `base` pixels and proportionally more when wider.
fn fit(text: &str, widths: &[i64], base: i64, chars: usize) -> (i64, i64) {
    let mut best = (base, wrapped_lines(text, chars));
    for &w in widths {
        let per_line = usize::try_from(chars as i64 * w / base.max(1))
            .unwrap_or(chars)
            .max(1);
        best = (w, wrapped_lines(text, per_line));
        if best.1 <= TARGET_LINES {
            break;
        }
    }
    best
}

/// Width and height of a node's shape.
fn size(n: &Node) -> (i64, i64) {
    match n.kind {
        Kind::Start | Kind::End => (36, 36),
        Kind::Gateway => (50, 50),
        Kind::Task => {
            let (w, lines) = fit(&n.name, &TASK_WIDTHS, TASK_W, TASK_CHARS);
            (w, (lines * LINE_PX + 20).max(TASK_MIN_H))
        }
    }
}

/// Width and height of a node's external label (gateways and events; none for tasks).
fn label_size(n: &Node) -> (i64, i64) {
    match n.kind {
        Kind::Task => (0, 0),
        _ => {
            let (w, lines) = fit(&n.name, &LABEL_WIDTHS, LABEL_W, LABEL_CHARS);
            (w, lines * LINE_PX)
        }
    }
}

/// Height of a node's external label (0 for tasks).
fn label_height(n: &Node) -> i64 {
    label_size(n).1
}

/// Left edge of a node's external label relative to its centre: centred, except a noted
/// gateway's name, written right of the association that rises from its top corner.
fn label_dx(n: &Node, label_w: i64) -> i64 {
    if n.noted {
        NOTE_LINK_CLEAR
    } else {
        -label_w / 2
    }
}

/// How far a node's drawing (its shape, external label and assumption note) reaches
/// left and right of its centre line.
fn extents(n: &Node) -> (i64, i64) {
    let (w, _) = size(n);
    let (mut left, mut right) = (w / 2, w - w / 2);
    let (lw, _) = label_size(n);
    if lw > 0 {
        let dx = label_dx(n, lw);
        left = left.max(-dx);
        right = right.max(dx + lw);
    }
    if n.noted {
        left = left.max(NOTE_LINK_CLEAR);
        right = right.max(NOTE_W - NOTE_LINK_CLEAR);
    }
    if n.kind == Kind::Gateway {
        right = right.max(GATEWAY_RIGHT);
    }
    (left, right)
}

/// The centre line of every slot: each node's extents ([`extents`]) kept
/// [`SLOT_GAP`] apart, from the lane's left margin; with the lanes' width.
fn slot_centres(g: &Graph) -> (Vec<i64>, i64) {
    let slots = g.nodes.iter().map(|n| n.slot).max().unwrap_or(0) + 1;
    let mut ext = vec![(0i64, 0i64); usize::try_from(slots).unwrap_or(0)];
    for n in &g.nodes {
        if let Some(e) = usize::try_from(n.slot).ok().and_then(|s| ext.get_mut(s)) {
            let (l, r) = extents(n);
            *e = (e.0.max(l), e.1.max(r));
        }
    }
    let mut xs = Vec::with_capacity(ext.len());
    let mut right_edge = LANE_X + SLOT_X0 - SLOT_GAP;
    for (l, r) in ext {
        let cx = right_edge + SLOT_GAP + l;
        xs.push(cx);
        right_edge = cx + r;
    }
    (xs, right_edge + SLOT_X0 - LANE_X)
}

/// Top of an assumption note below its lane's top edge (pixels): below the
/// over-the-top routes, which therefore never cross it.
const NOTE_TOP: i64 = ROUTE_BAND;
/// Gap kept between two boxes stacked in a lane's top band: a note and the gateway name
/// below it, or a gateway name and its gateway (pixels).
const BAND_GAP: i64 = 6;
/// Room kept at the top of a lane without notes for the over-the-top routes (four
/// tracks from 12 px down) before a gateway name may start (pixels).
const ROUTE_BAND: i64 = 40;

/// The vertical layout of the lanes: each lane's top edge and height, and its top band
/// (the distance from the lane's top edge to its row of tasks).
struct LaneFrame {
    /// The centre line of each slot, and the width of the lanes.
    xs: Vec<i64>,
    width: i64,
    tops: Vec<i64>,
    heights: Vec<i64>,
    bands: Vec<i64>,
    total: i64,
}

impl LaneFrame {
    fn top(&self, lane: usize) -> i64 {
        self.tops.get(lane).copied().unwrap_or(0)
    }

    fn bottom(&self, lane: usize) -> i64 {
        self.top(lane) + self.heights.get(lane).copied().unwrap_or(LANE_MIN_H)
    }

    fn band(&self, lane: usize) -> i64 {
        self.bands.get(lane).copied().unwrap_or(LANE_TOP)
    }

    fn centre(&self, slot: i64) -> i64 {
        usize::try_from(slot)
            .ok()
            .and_then(|s| self.xs.get(s))
            .copied()
            .unwrap_or(LANE_X)
    }
}

/// Offset of a gateway or event shape's top below the top of its lane's row of tasks:
/// centred on the line through the centres of the least-high tasks.
fn row_offset(n: &Node) -> i64 {
    if n.kind == Kind::Task {
        0
    } else {
        TASK_MIN_H / 2 - size(n).1 / 2
    }
}

/// Height of the annotation holding `text`: its wrapped lines and padding.
fn note_height(text: &str) -> i64 {
    (wrapped_lines(text, NOTE_CHARS) * LINE_PX + NOTE_PAD).max(NOTE_MIN_H)
}

/// The top band of each lane: at least [`LANE_TOP`], grown so that every gateway name
/// (written above its gateway) starts below the lane's assumption notes, or below the
/// over-the-top routes where the lane has no note.
fn lane_bands(g: &Graph) -> Vec<i64> {
    let mut bands = vec![LANE_TOP; g.lanes.len()];
    // The tallest assumption note of each lane (0: none).
    let mut notes = vec![0; g.lanes.len()];
    for f in &g.flows {
        if let (Some(text), Some(n)) = (&f.assumption, g.nodes.get(f.from))
            && let Some(h) = notes.get_mut(n.lane)
        {
            *h = (*h).max(note_height(text));
        }
    }
    for n in g.nodes.iter().filter(|n| n.kind == Kind::Gateway) {
        let floor = match notes.get(n.lane).copied().unwrap_or(0) {
            0 => ROUTE_BAND,
            h => NOTE_TOP + h + BAND_GAP,
        };
        // The name's top is band + row offset - gap - label height; keep it at the floor.
        let need = floor + label_height(n) + BAND_GAP - row_offset(n);
        if let Some(b) = bands.get_mut(n.lane) {
            *b = (*b).max(need);
        }
    }
    bands
}

/// The lanes' frame: each lane as high as its top band, its tallest node and external
/// label, and the bottom band for back flows.
fn place(g: &Graph) -> LaneFrame {
    let bands = lane_bands(g);
    let mut heights = vec![LANE_MIN_H; g.lanes.len()];
    for n in &g.nodes {
        let (_, h) = size(n);
        let band = bands.get(n.lane).copied().unwrap_or(LANE_TOP);
        let need = band + h.max(TASK_MIN_H) + BAND_GAP + label_height(n) + LANE_BOTTOM;
        if let Some(l) = heights.get_mut(n.lane) {
            *l = (*l).max(need);
        }
    }
    let mut tops = Vec::with_capacity(heights.len());
    let mut y = 0;
    for h in &heights {
        tops.push(y);
        y += h;
    }
    let (xs, width) = slot_centres(g);
    LaneFrame {
        xs,
        width,
        tops,
        heights,
        bands,
        total: y,
    }
}

/// Top-left corner and size of a node's shape: centred in its slot, below its lane's
/// top band, gateways and events centred on the line through the least-high tasks.
fn bounds(n: &Node, frame: &LaneFrame) -> (i64, i64, i64, i64) {
    let (w, h) = size(n);
    let cx = frame.centre(n.slot);
    let y = frame.top(n.lane) + frame.band(n.lane) + row_offset(n);
    (cx - w / 2, y, w, h)
}

/// The BPMN 2.0 document of `sop`: definitions, resources, the process with its lanes,
/// nodes, flows and annotations, then the diagram ([`write_di`]).
fn write_xml(sop: &Sop, g: &Graph, frame: &LaneFrame) -> String {
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
    let resources = resources(g);
    write_resources(&mut x, &resources);
    write_process_head(&mut x, sop);
    write_lanes(&mut x, g);
    write_nodes(&mut x, g, &resources);
    write_flows(&mut x, g);
    write_annotations(&mut x, g);
    let _ = writeln!(x, "  </bpmn:process>");
    write_di(&mut x, g, frame);
    x.push_str("</bpmn:definitions>\n");
    x
}

/// One resource per actor who performs a task, in order of first appearance.
fn resources(g: &Graph) -> Vec<&str> {
    let mut resources: Vec<&str> = Vec::new();
    for n in &g.nodes {
        for p in &n.performers {
            if !resources.contains(&p.as_str()) {
                resources.push(p);
            }
        }
    }
    resources
}

/// The `bpmn:resource` elements of `resources` (ids `Resource_1`…).
fn write_resources(x: &mut String, resources: &[&str]) {
    for (k, r) in resources.iter().enumerate() {
        let _ = writeln!(
            x,
            "  <bpmn:resource id=\"Resource_{}\" name=\"{}\"/>",
            k + 1,
            xml_escape(r)
        );
    }
}

/// The collaboration (one participant) and the process's opening tag and documentation
/// (number, effective date, source file).
fn write_process_head(x: &mut String, sop: &Sop) {
    let title = sop
        .identity
        .title
        .clone()
        .unwrap_or_else(|| "SOP tanpa nama".to_string());
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
}

/// The lane set: one lane per actor with the references of its flow nodes.
fn write_lanes(x: &mut String, g: &Graph) {
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
}

/// The flow nodes (tasks, gateways, events) with their flows and performers.
fn write_nodes(x: &mut String, g: &Graph, resources: &[&str]) {
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
}

/// The sequence flows; a named (decision) flow carries its condition.
fn write_flows(x: &mut String, g: &Graph) {
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
}

/// The text annotations of flows the export assumed, associated with their source.
fn write_annotations(x: &mut String, g: &Graph) {
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
}

/// The waypoints of a flow from `a` to `b`; `track` separates parallel routes in a
/// lane's top or bottom band.
fn route(g: &Graph, f: &Flow, frame: &LaneFrame, track: i64) -> Vec<(i64, i64)> {
    let (Some(a), Some(b)) = (g.nodes.get(f.from), g.nodes.get(f.to)) else {
        return Vec::new();
    };
    let (ax, ay, aw, ah) = bounds(a, frame);
    let (bx, by, bw, bh) = bounds(b, frame);
    let lane_top = |l: usize| frame.top(l);
    let lane_bottom = |l: usize| frame.bottom(l);
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
            // The elbow stands before the target, or, where the target's name is
            // written above or below it (gateways, events), near the source so that
            // the vertical run passes clear of that name (past a gateway source's
            // branch name).
            let mx = match (b.kind, a.kind) {
                (Kind::Task, _) => tx - ELBOW,
                (_, Kind::Gateway) => sx + BRANCH_ELBOW,
                _ => sx + ELBOW,
            };
            pts.push((mx, sy));
            pts.push((mx, ty));
        }
        pts.push((tx, ty));
    } else if b.slot > a.slot {
        // Forward over nodes: up into the top band of the upper lane, across, down.
        let y = lane_top(lo) + 12 + track * TRACK_STEP;
        let (ex, ey) = entry(b, (bx, by, bw, bh), false);
        pts.push((ax + aw / 2, ay));
        pts.push((ax + aw / 2, y));
        pts.push((ex, y));
        pts.push((ex, ey));
    } else {
        // Back flow: down into the bottom band of the lower lane, across, up.
        let y = lane_bottom(hi) - 12 - track * TRACK_STEP;
        let (ex, ey) = entry(b, (bx, by, bw, bh), true);
        pts.push((ax + aw / 2, ay + ah));
        pts.push((ax + aw / 2, y));
        pts.push((ex, y));
        pts.push((ex, ey));
    }
    pts
}

/// Horizontal shift of a flow's entry into a node's top or bottom, left of the centre
/// line where the node's own over-the-top or back flow leaves (pixels): the two never
/// run along one line. On a gateway the entry lies on the diamond's edge.
const ENTRY_SHIFT: i64 = 20;
const GATEWAY_ENTRY_SHIFT: i64 = 12;

/// Where a flow coming from above (`from_below` false) or from below enters the node
/// with bounds `(x, y, w, h)`: beside the centre of its top or bottom edge.
fn entry(n: &Node, (x, y, w, h): (i64, i64, i64, i64), from_below: bool) -> Point {
    let cx = x + w / 2;
    match (n.kind, from_below) {
        (Kind::Gateway, false) => (cx - GATEWAY_ENTRY_SHIFT, y + GATEWAY_ENTRY_SHIFT),
        (Kind::Gateway, true) => (cx - GATEWAY_ENTRY_SHIFT, y + h - GATEWAY_ENTRY_SHIFT),
        (_, false) => (cx - ENTRY_SHIFT.min(w / 4), y),
        (_, true) => (cx - ENTRY_SHIFT.min(w / 4), y + h),
    }
}

fn write_di(x: &mut String, g: &Graph, frame: &LaneFrame) {
    let _ = writeln!(
        x,
        "  <bpmndi:BPMNDiagram id=\"BPMNDiagram_1\">\n    <bpmndi:BPMNPlane id=\"BPMNPlane_1\" bpmnElement=\"Collaboration_1\">"
    );
    write_pool_shapes(x, frame);
    write_node_shapes(x, g, frame);
    write_flow_edges(x, g, frame);
    write_annotation_shapes(x, g, frame);
    let _ = writeln!(x, "    </bpmndi:BPMNPlane>\n  </bpmndi:BPMNDiagram>");
}

/// The shapes of the pool and of its lanes, as wide as the slots need.
fn write_pool_shapes(x: &mut String, frame: &LaneFrame) {
    let total = frame.total;
    let width = frame.width;
    let _ = writeln!(
        x,
        "      <bpmndi:BPMNShape id=\"Participant_1_di\" bpmnElement=\"Participant_1\" isHorizontal=\"true\"><dc:Bounds x=\"{POOL_X}\" y=\"0\" width=\"{}\" height=\"{total}\"/></bpmndi:BPMNShape>",
        width + (LANE_X - POOL_X)
    );
    for (li, h) in frame.heights.iter().enumerate() {
        let _ = writeln!(
            x,
            "      <bpmndi:BPMNShape id=\"Lane_{n}_di\" bpmnElement=\"Lane_{n}\" isHorizontal=\"true\"><dc:Bounds x=\"{LANE_X}\" y=\"{}\" width=\"{width}\" height=\"{h}\"/></bpmndi:BPMNShape>",
            frame.top(li),
            n = li + 1
        );
    }
}

/// The box of a node's external label (gateway names above the gateway, event names
/// below the event); `None` for tasks.
fn label_rect(n: &Node, frame: &LaneFrame) -> Option<Rect> {
    let (lw, lh) = label_size(n);
    if lh == 0 {
        return None;
    }
    let (bx, by, w, h) = bounds(n, frame);
    let y = if n.kind == Kind::Gateway {
        by - lh - BAND_GAP
    } else {
        by + h + 6
    };
    Some(Rect {
        x: bx + w / 2 + label_dx(n, lw),
        y,
        w: lw,
        h: lh,
    })
}

/// The shape of every flow node, with the bounds of its label when it has one.
fn write_node_shapes(x: &mut String, g: &Graph, frame: &LaneFrame) {
    for n in &g.nodes {
        let (bx, by, w, h) = bounds(n, frame);
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
        if let Some(r) = label_rect(n, frame) {
            write_label_bounds(x, r);
        }
        let _ = writeln!(x, "</bpmndi:BPMNShape>");
    }
}

/// A `BPMNLabel` with the bounds `r`.
fn write_label_bounds(x: &mut String, r: Rect) {
    let _ = write!(
        x,
        "<bpmndi:BPMNLabel><dc:Bounds x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\"/></bpmndi:BPMNLabel>",
        r.x, r.y, r.w, r.h
    );
}

/// The waypoints of every flow, in flow order: parallel routes in one band get their
/// own track.
fn flow_routes(g: &Graph, frame: &LaneFrame) -> Vec<Vec<Point>> {
    let mut top_tracks: std::collections::HashMap<usize, i64> = std::collections::HashMap::new();
    let mut bottom_tracks: std::collections::HashMap<usize, i64> = std::collections::HashMap::new();
    let mut routes = Vec::with_capacity(g.flows.len());
    for f in &g.flows {
        let (Some(a), Some(b)) = (g.nodes.get(f.from), g.nodes.get(f.to)) else {
            routes.push(Vec::new());
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
        routes.push(route(g, f, frame, track));
    }
    routes
}

/// Everything a flow's name must keep clear of: node shapes and labels, assumption
/// notes with their associations, and every flow's line.
fn obstacles(g: &Graph, frame: &LaneFrame, routes: &[Vec<Point>]) -> Obstacles {
    let mut o = Obstacles::default();
    for n in &g.nodes {
        let (x, y, w, h) = bounds(n, frame);
        o.boxes.push(Rect { x, y, w, h });
        o.boxes.extend(label_rect(n, frame));
    }
    for (note, link) in notes(g, frame).into_iter().map(|(_, r, l)| (r, l)) {
        o.boxes.push(note);
        o.lines.push((usize::MAX, link));
    }
    for (k, pts) in routes.iter().enumerate() {
        o.lines
            .extend(geom::segments(pts).into_iter().map(|s| (k, s)));
    }
    o
}

/// Width of the box of a flow's name (a decision's answer), px.
const FLOW_LABEL_W: i64 = 34;
/// Height of the box of a flow's name, px.
const FLOW_LABEL_H: i64 = 14;

/// The box of every named flow's name ([`geom::place_label`]), in flow order: "Ya"
/// prefers above / right of its line, other names below / left; each name placed keeps
/// the later ones off it.
fn flow_labels(g: &Graph, frame: &LaneFrame, routes: &[Vec<Point>]) -> Vec<Option<Rect>> {
    let mut o = obstacles(g, frame, routes);
    let mut out = Vec::with_capacity(g.flows.len());
    for (k, f) in g.flows.iter().enumerate() {
        let (Some(name), Some(pts)) = (f.name, routes.get(k)) else {
            out.push(None);
            continue;
        };
        let side = if name == "Ya" {
            Side::First
        } else {
            Side::Second
        };
        let r = geom::place_label(pts, (FLOW_LABEL_W, FLOW_LABEL_H), side, k, &o);
        o.boxes.push(r);
        out.push(Some(r));
    }
    out
}

/// The edge of every sequence flow, with the box of its name where it has one.
fn write_flow_edges(x: &mut String, g: &Graph, frame: &LaneFrame) {
    let routes = flow_routes(g, frame);
    let labels = flow_labels(g, frame, &routes);
    for (k, f) in g.flows.iter().enumerate() {
        let _ = write!(
            x,
            "      <bpmndi:BPMNEdge id=\"{id}_di\" bpmnElement=\"{id}\">",
            id = f.id
        );
        for (px, py) in routes.get(k).map(Vec::as_slice).unwrap_or_default() {
            let _ = write!(x, "<di:waypoint x=\"{px}\" y=\"{py}\"/>");
        }
        if let Some(Some(r)) = labels.get(k) {
            write_label_bounds(x, *r);
        }
        let _ = writeln!(x, "</bpmndi:BPMNEdge>");
    }
}

/// Every assumption note: the index of its flow, its box (in the lane's top band,
/// below the over-the-top routes, its left edge just left of the source's centre line)
/// and its association, straight up from the source's top corner to the note's bottom,
/// left of the source's name ([`label_dx`]).
fn notes(g: &Graph, frame: &LaneFrame) -> Vec<(usize, Rect, Segment)> {
    let mut out = Vec::new();
    for (k, f) in g.flows.iter().enumerate() {
        let (Some(text), Some(a)) = (&f.assumption, g.nodes.get(f.from)) else {
            continue;
        };
        let (ax, ay, aw, _) = bounds(a, frame);
        let cx = ax + aw / 2;
        let r = Rect {
            x: cx - NOTE_LINK_CLEAR,
            y: frame.top(a.lane) + NOTE_TOP,
            w: NOTE_W,
            h: note_height(text),
        };
        out.push((k, r, ((cx, ay), (cx, r.y + r.h))));
    }
    out
}

/// The shapes of the assumption notes above their source node, with their association
/// edges.
fn write_annotation_shapes(x: &mut String, g: &Graph, frame: &LaneFrame) {
    for (k, r, ((sx, sy), (tx, ty))) in notes(g, frame) {
        let _ = writeln!(
            x,
            "      <bpmndi:BPMNShape id=\"Annotation_{k}_di\" bpmnElement=\"Annotation_{k}\"><dc:Bounds x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\"/></bpmndi:BPMNShape>\n      <bpmndi:BPMNEdge id=\"Association_{k}_di\" bpmnElement=\"Association_{k}\"><di:waypoint x=\"{sx}\" y=\"{sy}\"/><di:waypoint x=\"{tx}\" y=\"{ty}\"/></bpmndi:BPMNEdge>",
            r.x, r.y, r.w, r.h
        );
    }
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
