//! An SOP's flowchart drawn as inline SVG in the standard swimlane form of PermenPANRB
//! 35/2012: one column (lane) per actor, one row per step, the step's shape (terminator,
//! process, decision, connector) in the lane of its first actor, a small mark in the lanes
//! of its other actors, and arrows to the steps it leads to ("Ya"/"Tidak" on a decision).
//!
//! Stages: [`lanes`] (the columns), [`targets`] (the arrows of each step), then
//! [`svg`] writes the shapes and arrows. Colours, strokes and text anchoring come from
//! the page's stylesheet ([`CSS`]), not from attributes repeated on every shape, so a
//! page of thousands of flowcharts stays small; arrowheads are relative paths. The shapes carry `data-step` and `data-lane`, so
//! a test (or a person with the browser's inspector) can check each step's lane.

use std::fmt::Write;

use super::html::esc;
use crate::sop::record::{Sop, Step, Symbol};

/// The flowchart rules of the page's stylesheet: lane and header fills (alternating),
/// arrow lines and heads, step shapes (a decision in amber), other-actor marks, labels.
pub const CSS: &str = "svg.flow text{text-anchor:middle}\
svg.flow .lane rect{fill:#fafbfc;stroke:#c9d3dd}\
svg.flow .lane:nth-of-type(even) rect{fill:#f3f6f9}\
svg.flow .lane rect.hd{fill:#e4ebf2}\
svg.flow .ar{fill:none;stroke:#33475b;stroke-width:1.2}\
svg.flow .ah{fill:#33475b}\
svg.flow .step rect,svg.flow .step circle,svg.flow .step path{fill:#fff;stroke:#123a5e;stroke-width:1.5}\
svg.flow .decision path{fill:#fff8e6;stroke:#b7791f}\
svg.flow .also{fill:#5b7c99}\
";

/// Width of one actor lane, px.
const LANE_W: u32 = 120;
/// Height of the lane header holding the actor's name, px.
const HEAD_H: u32 = 44;
/// Height of one step row, px.
const ROW_H: u32 = 52;
/// Width of a process or terminator shape, px.
const SHAPE_W: u32 = 84;
/// Height of a process or terminator shape, px.
const SHAPE_H: u32 = 28;
/// Half-diagonal of a decision diamond, px (horizontal; vertical is [`SHAPE_H`]/2 + 4).
const DIAMOND_W: u32 = 44;
/// Half-width of an arrowhead, px.
const ARROW: u32 = 4;
/// Characters of an actor's name shown per header line.
const HEAD_CHARS: usize = 17;
/// The lane label of steps without an actor.
const NO_ACTOR_LANE: &str = "?";

/// The lanes of an SOP: its actors in column order, then any step actor not among them,
/// then one lane for steps without an actor when there are such steps.
pub fn lanes(sop: &Sop) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut add = |a: &str| {
        let a = a.trim();
        if !a.is_empty() && !out.iter().any(|x| x == a) {
            out.push(a.to_string());
        }
    };
    for a in &sop.actors {
        add(a);
    }
    for s in &sop.steps {
        for a in &s.actors {
            add(a);
        }
    }
    if sop.steps.iter().any(|s| first_actor(s).is_none()) {
        out.push(NO_ACTOR_LANE.to_string());
    }
    out
}

fn first_actor(s: &Step) -> Option<&str> {
    s.actors.iter().map(|a| a.trim()).find(|a| !a.is_empty())
}

/// The lane (0-based) of a step: its first actor's, else the lane of steps without one.
pub fn lane_of(lanes: &[String], s: &Step) -> usize {
    let name = first_actor(s).unwrap_or(NO_ACTOR_LANE);
    lanes.iter().position(|l| l == name).unwrap_or(0)
}

/// Where a step's arrows go, as (target step number, label): a decision's "Ya"/"Tidak"
/// branches, else its `next` steps, else the following step (none after the last).
pub fn targets(steps: &[Step], i: usize) -> Vec<(u32, &'static str)> {
    let Some(s) = steps.get(i) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    if let Some(y) = s.if_yes {
        out.push((y, "Ya"));
    }
    if let Some(n) = s.if_no {
        out.push((n, "Tidak"));
    }
    if out.is_empty() {
        out.extend(s.next.iter().map(|n| (*n, "")));
    }
    if out.is_empty()
        && s.symbol != Some(Symbol::Terminator)
        && let Some(next) = steps.get(i + 1)
    {
        out.push((next.no, ""));
    }
    // A terminator that is the first step (Mulai) still leads on.
    if out.is_empty()
        && i == 0
        && let Some(next) = steps.get(1)
    {
        out.push((next.no, ""));
    }
    out
}

/// Splits an actor's name into at most two header lines.
fn head_lines(name: &str) -> (String, String) {
    let mut first = String::new();
    let mut rest = String::new();
    for w in name.split_whitespace() {
        if rest.is_empty() && first.chars().count() + w.chars().count() < HEAD_CHARS {
            if !first.is_empty() {
                first.push(' ');
            }
            first.push_str(w);
        } else {
            if !rest.is_empty() {
                rest.push(' ');
            }
            rest.push_str(w);
        }
    }
    if rest.chars().count() > HEAD_CHARS {
        rest = rest.chars().take(HEAD_CHARS - 1).collect::<String>() + "…";
    }
    (first, rest)
}

/// Writes the SOP's swimlane flowchart as one `<svg>` element; `uid` numbers it on the
/// page. Nothing is written for an SOP without steps.
pub fn svg(h: &mut String, sop: &Sop, uid: usize) {
    if sop.steps.is_empty() {
        return;
    }
    let lanes = lanes(sop);
    let width = LANE_W * lanes.len().max(1) as u32;
    let height = HEAD_H + ROW_H * sop.steps.len() as u32 + 8;
    let _ = write!(
        h,
        "<svg class=\"flow\" width=\"{width}\" height=\"{height}\" \
         viewBox=\"0 0 {width} {height}\" role=\"img\" aria-label=\"Diagram alir\" \
         data-sop=\"{uid}\">"
    );
    write_lanes(h, &lanes, height);
    // Arrows first, so the shapes sit on top of them.
    write_arrows(h, sop, &lanes);
    for (i, s) in sop.steps.iter().enumerate() {
        write_step(h, i, s, &lanes);
    }
    h.push_str("</svg>");
}

/// The centre of the shape of the `i`-th step in lane `lane`.
fn center(i: usize, lane: usize) -> (u32, u32) {
    (
        LANE_W * lane as u32 + LANE_W / 2,
        HEAD_H + ROW_H * i as u32 + ROW_H / 2,
    )
}

/// The lanes, `height` high, and their headers (the name on up to two lines).
fn write_lanes(h: &mut String, lanes: &[String], height: u32) {
    for (i, name) in lanes.iter().enumerate() {
        let x = LANE_W * i as u32;
        let (l1, l2) = head_lines(name);
        let _ = write!(
            h,
            "<g class=\"lane\" data-lane=\"{i}\"><rect x=\"{x}\" width=\"{LANE_W}\" \
             height=\"{height}\"/><rect class=\"hd\" x=\"{x}\" width=\"{LANE_W}\" \
             height=\"{HEAD_H}\"/><text x=\"{}\" y=\"18\">{}</text>\
             <text x=\"{}\" y=\"34\">{}</text><title>{}</title></g>",
            x + LANE_W / 2,
            esc(&l1),
            x + LANE_W / 2,
            esc(&l2),
            esc(name)
        );
    }
}

/// One arrow per flow between steps, with the branch label at its start.
fn write_arrows(h: &mut String, sop: &Sop, lanes: &[String]) {
    for (i, _) in sop.steps.iter().enumerate() {
        let Some(s) = sop.steps.get(i) else { continue };
        let (x1, y1) = center(i, lane_of(lanes, s));
        for (target, label) in targets(&sop.steps, i) {
            let Some(j) = sop.steps.iter().position(|t| t.no == target) else {
                continue;
            };
            let Some(t) = sop.steps.get(j) else { continue };
            let (x2, y2) = center(j, lane_of(lanes, t));
            let half = SHAPE_H / 2;
            let (d, head) = arrow_path((x1, y1), (x2, y2), j > i);
            let _ = write!(
                h,
                "<path class=\"ar\" d=\"{d}\"/><path class=\"ah\" d=\"{head}\"/>"
            );
            if !label.is_empty() {
                let _ = write!(
                    h,
                    "<text class=\"br\" x=\"{}\" y=\"{}\">{label}</text>",
                    x1 + 4,
                    y1 + half + 12
                );
            }
        }
    }
}

/// The path of an arrow from the shape centred at `from` to the one at `to`, and of its
/// head: `down` to a later step, or back to an earlier one.
fn arrow_path(from: (u32, u32), to: (u32, u32), down: bool) -> (String, String) {
    let ((x1, y1), (x2, y2)) = (from, to);
    let half = SHAPE_H / 2;
    if down {
        // Down to a later step, its arrowhead pointing down onto the shape.
        let mid = y1 + ROW_H / 2;
        let end = y2.saturating_sub(half);
        (
            format!("M{x1},{}V{mid}H{x2}V{end}", y1 + half),
            format!("M{x2},{end}l-{ARROW},-{}h{}z", ARROW + 2, 2 * ARROW),
        )
    } else {
        // Back to an earlier step: out to the right of the lanes, up, and in from
        // the right, its arrowhead pointing left.
        let side = x1.max(x2) + SHAPE_W / 2 + 10;
        let end = x2 + SHAPE_W / 2;
        (
            format!("M{},{y1}H{side}V{y2}H{end}", x1 + SHAPE_W / 2),
            format!("M{end},{y2}l{},-{ARROW}v{}z", ARROW + 2, 2 * ARROW),
        )
    }
}

/// The `i`-th step: its symbol in its lane with its number, and a small mark in the
/// lanes of its other actors.
fn write_step(h: &mut String, i: usize, s: &Step, lanes: &[String]) {
    let lane = lane_of(lanes, s);
    let (cx, cy) = center(i, lane);
    let symbol = s.symbol.unwrap_or(Symbol::Process);
    let kind = match symbol {
        Symbol::Terminator => "terminator",
        Symbol::Process => "process",
        Symbol::Decision => "decision",
        Symbol::Connector | Symbol::Offpage => "connector",
    };
    let _ = write!(
        h,
        "<g class=\"step {kind}\" data-step=\"{}\" data-lane=\"{lane}\"><title>{}. {}</title>",
        s.no,
        s.no,
        esc(&s.activity)
    );
    write_symbol(h, symbol, (cx, cy));
    let _ = write!(h, "<text x=\"{cx}\" y=\"{}\">{}</text></g>", cy + 4, s.no);
    // The step's other actors: a small mark in their lanes.
    for a in s.actors.iter().skip(1) {
        if let Some(l) = lanes.iter().position(|x| x == a.trim())
            && l != lane
        {
            let (mx, my) = center(i, l);
            let _ = write!(
                h,
                "<circle class=\"also\" cx=\"{mx}\" cy=\"{my}\" r=\"5\"/>"
            );
        }
    }
}

/// The shape of `symbol` centred at `c`.
fn write_symbol(h: &mut String, symbol: Symbol, c: (u32, u32)) {
    let (cx, cy) = c;
    let (x, y) = (cx - SHAPE_W / 2, cy - SHAPE_H / 2);
    match symbol {
        Symbol::Terminator => {
            let _ = write!(
                h,
                "<rect x=\"{x}\" y=\"{y}\" width=\"{SHAPE_W}\" height=\"{SHAPE_H}\" \
                 rx=\"14\"/>"
            );
        }
        Symbol::Decision => {
            let dh = SHAPE_H / 2 + 4;
            let _ = write!(
                h,
                "<path d=\"M{cx},{}l{DIAMOND_W},{dh}l-{DIAMOND_W},{dh}l-{DIAMOND_W},-{dh}z\"/>",
                cy - dh
            );
        }
        Symbol::Connector | Symbol::Offpage => {
            let _ = write!(h, "<circle cx=\"{cx}\" cy=\"{cy}\" r=\"12\"/>");
        }
        Symbol::Process => {
            let _ = write!(
                h,
                "<rect x=\"{x}\" y=\"{y}\" width=\"{SHAPE_W}\" height=\"{SHAPE_H}\"/>"
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn step(no: u32, actor: &str, symbol: Symbol) -> Step {
        Step {
            no,
            activity: format!("Kegiatan {no}"),
            actors: if actor.is_empty() {
                vec![]
            } else {
                vec![actor.to_string()]
            },
            symbol: Some(symbol),
            ..Default::default()
        }
    }

    #[test]
    fn one_shape_per_step_in_its_actor_lane_and_branches_labelled() {
        let mut decide = step(2, "B", Symbol::Decision);
        decide.if_yes = Some(3);
        decide.if_no = Some(1);
        let sop = Sop {
            actors: vec!["A".into(), "B".into()],
            steps: vec![
                step(1, "A", Symbol::Terminator),
                decide,
                step(3, "", Symbol::Terminator),
            ],
            ..Default::default()
        };
        let mut h = String::new();
        svg(&mut h, &sop, 7);
        assert_eq!(h.matches("<g class=\"step ").count(), 3);
        assert!(h.contains("data-step=\"1\" data-lane=\"0\""));
        assert!(h.contains("data-step=\"2\" data-lane=\"1\""));
        assert!(h.contains("data-step=\"3\" data-lane=\"2\""));
        assert!(h.contains(">Ya</text>") && h.contains(">Tidak</text>"));
        assert_eq!(h.matches("class=\"ah\"").count(), 3);
    }
}
