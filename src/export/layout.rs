//! What every export writer shares: the identity rows, Indonesian dates, row-height
//! estimates, and the flowchart plan (where each symbol, connector and branch label
//! goes, in EMU from the procedure table's top-left corner).

use crate::sop::record::{Sop, Step, Symbol};

/// EMU per point.
pub const EMU_PER_PT: i64 = 12_700;
/// EMU per twip.
pub const EMU_PER_TWIP: i64 = 635;

const MONTHS: [&str; 12] = [
    "Januari",
    "Februari",
    "Maret",
    "April",
    "Mei",
    "Juni",
    "Juli",
    "Agustus",
    "September",
    "Oktober",
    "November",
    "Desember",
];

/// An ISO date (`2019-01-02`) in Indonesian form (`2 Januari 2019`); a text that is not
/// an ISO date is returned as written, except a month-precision one (`2020-04`), which
/// reads `April 2020`.
pub fn tanggal(iso: &str) -> String {
    let mut parts = iso.trim().splitn(3, '-');
    let (Some(y), Some(m), Some(d)) = (parts.next(), parts.next(), parts.next()) else {
        return month_year(iso);
    };
    match (y.parse::<u32>(), m.parse::<usize>(), d.parse::<u32>()) {
        (Ok(y), Ok(m), Ok(d)) if (1..=31).contains(&d) => {
            match m.checked_sub(1).and_then(|i| MONTHS.get(i)) {
                Some(name) => format!("{d} {name} {y}"),
                None => iso.to_string(),
            }
        }
        _ => iso.to_string(),
    }
}

/// A month-precision ISO date ("2020-04") as the standard writes it ("April 2020");
/// anything else unchanged.
fn month_year(iso: &str) -> String {
    let Some((y, m)) = iso.trim().split_once('-') else {
        return iso.to_string();
    };
    match (y.parse::<u32>(), m.parse::<usize>()) {
        (Ok(y), Ok(m)) => match m.checked_sub(1).and_then(|i| MONTHS.get(i)) {
            Some(name) => format!("{name} {y}"),
            None => iso.to_string(),
        },
        _ => iso.to_string(),
    }
}

/// One row of the identity table: the label and its value lines. `numbered` rows are
/// lists whose items are written "1. …", "2. …".
#[derive(Clone, Debug, PartialEq)]
pub struct IdentityRow {
    /// The label as the standard writes it.
    pub label: &'static str,
    /// The value's lines; empty when the field is missing (left visibly empty).
    pub lines: Vec<String>,
}

/// Numbers list items "1. …"; a single item is numbered too, so that it reads as a list.
fn numbered(items: &[String]) -> Vec<String> {
    items
        .iter()
        .enumerate()
        .map(|(i, t)| format!("{}. {}", i + 1, t))
        .collect()
}

fn one(v: Option<&String>) -> Vec<String> {
    v.map(|s| vec![s.clone()]).unwrap_or_default()
}

/// The identity table rows of PermenPANRB 35/2012, in the standard's order.
pub fn identity_rows(sop: &Sop) -> Vec<IdentityRow> {
    let id = &sop.identity;
    let date = |d: Option<&String>| d.map(|d| vec![tanggal(d)]).unwrap_or_default();
    let mut approver = Vec::new();
    if let Some(a) = &id.approved_by {
        approver.extend(a.position.iter().cloned());
        approver.extend(a.name.iter().cloned());
        approver.extend(a.nip.iter().map(|n| format!("NIP. {n}")));
    }
    vec![
        IdentityRow {
            label: "Nomor SOP",
            lines: one(id.number.as_ref()),
        },
        IdentityRow {
            label: "Tanggal Pembuatan",
            lines: date(id.created.as_ref()),
        },
        IdentityRow {
            label: "Tanggal Revisi",
            lines: date(id.revised.as_ref()),
        },
        IdentityRow {
            label: "Tanggal Efektif",
            lines: date(id.effective.as_ref()),
        },
        IdentityRow {
            label: "Disahkan oleh",
            lines: approver,
        },
        IdentityRow {
            label: "Nama SOP",
            lines: one(id.title.as_ref()),
        },
        IdentityRow {
            label: "Unit Kerja",
            lines: one(id.unit.as_ref()),
        },
        IdentityRow {
            label: "Dasar Hukum",
            lines: numbered(&id.legal_basis),
        },
        IdentityRow {
            label: "Kualifikasi Pelaksana",
            lines: numbered(&id.qualifications),
        },
        IdentityRow {
            label: "Keterkaitan",
            lines: numbered(&id.related_sops),
        },
        IdentityRow {
            label: "Peralatan/Perlengkapan",
            lines: numbered(&id.equipment),
        },
        IdentityRow {
            label: "Peringatan",
            lines: numbered(&id.warnings),
        },
        IdentityRow {
            label: "Pencatatan dan Pendataan",
            lines: numbered(&id.records),
        },
    ]
}

/// The Mutu Baku and Keterangan texts of a step, in column order (Kelengkapan, Waktu,
/// Output, Keterangan); missing ones empty.
pub fn step_texts(step: &Step) -> [&str; 4] {
    [
        step.requirements.as_deref().unwrap_or(""),
        step.time.as_deref().unwrap_or(""),
        step.output.as_deref().unwrap_or(""),
        step.notes.as_deref().unwrap_or(""),
    ]
}

/// Estimated number of lines `text` takes in a column `width_pt` wide at `font_pt`
/// (generous: an average glyph is taken as 0.55 em, words wrap whole).
pub fn estimate_lines(text: &str, width_pt: f64, font_pt: f64) -> u32 {
    let per_line = ((width_pt - 8.0).max(10.0) / (font_pt * 0.55))
        .floor()
        .max(1.0) as usize;
    let mut lines = 0u32;
    for para in text.split('\n') {
        let mut cur = 0usize;
        lines = lines.saturating_add(1);
        for w in para.split_whitespace() {
            let n = w.chars().count();
            let need = if cur == 0 { n } else { cur + 1 + n };
            if need > per_line && cur > 0 {
                lines = lines.saturating_add(1 + (n / per_line) as u32);
                cur = n % per_line;
            } else {
                cur = need;
            }
        }
    }
    lines.max(1)
}

/// A rectangle in the drawing's units: EMU in .docx/.xlsx, pixels in BPMN (whose
/// geometric tests live in `bpmn_geom`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Rect {
    /// Left edge.
    pub x: i64,
    /// Top edge.
    pub y: i64,
    /// Width.
    pub w: i64,
    /// Height.
    pub h: i64,
}

impl Rect {
    /// Horizontal centre.
    pub fn cx(&self) -> i64 {
        self.x + self.w / 2
    }
    /// Vertical centre.
    pub fn cy(&self) -> i64 {
        self.y + self.h / 2
    }
}

/// A flowchart symbol placed in a step row and actor column.
#[derive(Clone, Debug, PartialEq)]
pub struct PlacedShape {
    /// Index of the step in `sop.steps`.
    pub step: usize,
    /// Index of the actor column (in `sop.actors`).
    pub col: usize,
    /// The symbol.
    pub symbol: Symbol,
    /// Where it stands.
    pub rect: Rect,
}

/// A connector: its DrawingML geometry (box, flips, preset, adjust value).
#[derive(Clone, Debug, PartialEq)]
pub struct PlacedConnector {
    /// Index of the source step (the row it is anchored in).
    pub step: usize,
    /// The source actor column.
    pub col: usize,
    /// Bounding box.
    pub rect: Rect,
    /// `flipH`.
    pub flip_h: bool,
    /// `flipV`.
    pub flip_v: bool,
    /// `straightConnector1`, `bentConnector2` (across columns) or `bentConnector3`
    /// (a loop back up the same column).
    pub prst: &'static str,
    /// `adj1` of a bent connector, in 1/100000 of the width.
    pub adj: Option<i64>,
    /// A branch label ("Ya" / "Tidak") and its text box.
    pub label: Option<(&'static str, Rect)>,
    /// The target step (index in `sop.steps`) and its actor column.
    pub to: (usize, usize),
    /// Connection sites the line starts and ends at, DrawingML's numbering of the
    /// flowchart presets: [`SITE_TOP`], [`SITE_LEFT`], [`SITE_BOTTOM`], [`SITE_RIGHT`].
    pub sites: (u32, u32),
}

/// Connection site at the top centre of a flowchart symbol (`a:cxn` index).
pub const SITE_TOP: u32 = 0;
/// Connection site at the left middle of a flowchart symbol.
pub const SITE_LEFT: u32 = 1;
/// Connection site at the bottom centre of a flowchart symbol.
pub const SITE_BOTTOM: u32 = 2;
/// Connection site at the right middle of a flowchart symbol.
pub const SITE_RIGHT: u32 = 3;

/// The flowchart drawn in a procedure table.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct FlowPlan {
    /// One shape per step and actor column.
    pub shapes: Vec<PlacedShape>,
    /// One connector per `next` link between drawn steps.
    pub connectors: Vec<PlacedConnector>,
    /// Off-page connector symbols where a paged writer split a link at a page break
    /// (see [`super::offpage`]); empty for an unpaged drawing.
    pub marks: Vec<super::offpage::OffPageMark>,
}

/// The DrawingML preset of a symbol.
pub fn preset(symbol: Symbol) -> &'static str {
    match symbol {
        Symbol::Terminator => "flowChartTerminator",
        Symbol::Process => "flowChartProcess",
        Symbol::Decision => "flowChartDecision",
        Symbol::Connector => "flowChartConnector",
        Symbol::Offpage => "flowChartOffpageConnector",
    }
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

/// Lays out the flowchart of `sop`. `cols` are the actor columns' (left, width) and
/// `rows` the step rows' (top, height), in EMU from the table's top-left; a step whose
/// actors are unknown gets no shape (its row stays visibly empty).
pub fn plan_flow(sop: &Sop, cols: &[(i64, i64)], rows: &[(i64, i64)]) -> FlowPlan {
    let mut plan = FlowPlan::default();
    // First shape of each step, by step index.
    let mut first: Vec<Option<(usize, Rect)>> = vec![None; sop.steps.len()];
    for (si, step) in sop.steps.iter().enumerate() {
        let Some(&(top, height)) = rows.get(si) else {
            continue;
        };
        let symbol = step.symbol.unwrap_or(Symbol::Process);
        for a in &step.actors {
            let Some(ci) = sop.actors.iter().position(|x| x == a) else {
                continue;
            };
            let Some(&(left, width)) = cols.get(ci) else {
                continue;
            };
            let (w, h) = symbol_size(symbol, width);
            let rect = Rect {
                x: left + (width - w) / 2,
                y: top + (height - h).min(2 * h) / 2,
                w,
                h,
            };
            if first.get(si).is_some_and(Option::is_none)
                && let Some(slot) = first.get_mut(si)
            {
                *slot = Some((ci, rect));
            }
            plan.shapes.push(PlacedShape {
                step: si,
                col: ci,
                symbol,
                rect,
            });
        }
    }
    for (si, step) in sop.steps.iter().enumerate() {
        let Some(Some((ci, src))) = first.get(si).copied() else {
            continue;
        };
        // A decision's branches as every writer draws them: the SOP's targets, or the
        // assumed ones (the BPMN's rule), so a decision without a named "Tidak" still
        // shows where that branch goes.
        let branches = (step.symbol == Some(Symbol::Decision)).then(|| decision_targets(sop, si));
        let branch_no = |t: Option<usize>| t.and_then(|t| sop.steps.get(t)).map(|s| s.no);
        let (yes_no, no_no) = branches
            .as_ref()
            .map_or((None, None), |b| (branch_no(b.yes), branch_no(b.no)));
        let mut targets: Vec<u32> = step.next.clone();
        for t in [step.if_yes, step.if_no, yes_no, no_no]
            .into_iter()
            .flatten()
        {
            if !targets.contains(&t) {
                targets.push(t);
            }
        }
        for t in targets {
            let Some(ti) = sop.steps.iter().position(|s| s.no == t) else {
                continue;
            };
            let Some(Some((tc, dst))) = first.get(ti).copied() else {
                continue;
            };
            let label = if yes_no == Some(t) {
                Some("Ya")
            } else if no_no == Some(t) {
                Some("Tidak")
            } else {
                None
            };
            let mut c = connect(si, ci, src, tc == ci, dst, ti > si, label);
            c.to = (ti, tc);
            plan.connectors.push(c);
        }
    }
    plan
}

/// Width and height of a symbol in an actor column `col_w` EMU wide.
fn symbol_size(symbol: Symbol, col_w: i64) -> (i64, i64) {
    let max_w = (col_w - 2 * 45_720).max(120_000);
    match symbol {
        Symbol::Terminator => (max_w.min(640_080), 228_600),
        Symbol::Process => (max_w.min(640_080), 274_320),
        Symbol::Decision => (max_w.min(548_640), 320_040),
        Symbol::Connector | Symbol::Offpage => (228_600.min(max_w), 228_600),
    }
}

/// Width and height of a branch label's text box, EMU.
const LABEL_W: i64 = 320_040;
const LABEL_H: i64 = 137_160;
/// How far a back loop runs out right of the wider of its two shapes, EMU.
const LOOP_OUT: i64 = 182_880;
/// Gap between a connector's side exit or line and its branch label, EMU (1.8 pt).
const LABEL_GAP: i64 = 22_860;

/// A connector from `src` (step `step`, column `sc`) to `dst` in column `dc` that is
/// no step of its own (an off-page mark): straight when the two stand one above the
/// other, an elbow otherwise.
pub fn link(
    step: usize,
    sc: usize,
    src: Rect,
    dc: usize,
    dst: Rect,
    label: Option<&'static str>,
) -> PlacedConnector {
    let aligned = (src.cx() - dst.cx()).abs() < EMU_PER_PT;
    let mut c = connect(step, sc, src, aligned, dst, dst.y >= src.y, label);
    c.to = (step, dc);
    c
}

/// The connector from `src` (column `sc`) to `dst`; `same_col` when `dst` stands in
/// the same column.
fn connect(
    step: usize,
    sc: usize,
    src: Rect,
    same_col: bool,
    dst: Rect,
    forward: bool,
    label: Option<&'static str>,
) -> PlacedConnector {
    let mut c = PlacedConnector {
        step,
        col: sc,
        rect: src,
        flip_h: false,
        flip_v: false,
        prst: "straightConnector1",
        adj: None,
        label: None,
        to: (step, sc),
        sites: (SITE_BOTTOM, SITE_TOP),
    };
    let (lx, ly) = if same_col && forward {
        route_down(&mut c, src, dst)
    } else if same_col {
        route_back(&mut c, src, dst, label)
    } else {
        route_elbow(&mut c, src, dst, label)
    };
    c.label = label.map(|t| {
        (
            t,
            Rect {
                x: lx,
                y: ly,
                w: LABEL_W,
                h: LABEL_H,
            },
        )
    });
    c
}

/// Routes `c` straight down from the bottom centre of `src` to the top centre of `dst`.
/// Returns the top-left corner of its label.
fn route_down(c: &mut PlacedConnector, src: Rect, dst: Rect) -> (i64, i64) {
    // Straight down from the bottom centre to the top centre.
    let y1 = src.y + src.h;
    c.rect = Rect {
        x: src.cx(),
        y: y1,
        w: 0,
        h: (dst.y - y1).max(0),
    };
    let lx = src.cx() + LABEL_GAP;
    let ly = y1;
    (lx, ly)
}

/// Routes `c` back to a `dst` above `src` in the same column: a loop on the right side,
/// out, up, in. Returns the top-left corner of its label.
fn route_back(
    c: &mut PlacedConnector,
    src: Rect,
    dst: Rect,
    label: Option<&'static str>,
) -> (i64, i64) {
    // Back loop on the right side: out, up, in.
    let (x1, y1) = (src.x + src.w, src.cy());
    let (mut x2, y2) = (dst.x + dst.w, dst.cy());
    if (x2 - x1).abs() < EMU_PER_PT {
        x2 = x1 + EMU_PER_PT;
    }
    let xm = x1.max(x2) + LOOP_OUT;
    c.prst = "bentConnector3";
    c.sites = (SITE_RIGHT, SITE_RIGHT);
    c.rect = Rect {
        x: x1.min(x2),
        y: y1.min(y2),
        w: (x2 - x1).abs(),
        h: (y2 - y1).abs(),
    };
    c.flip_h = x2 < x1;
    c.flip_v = y2 < y1;
    let w = c.rect.w.max(1);
    let adj = (xm - x1).saturating_mul(100_000) / w;
    c.adj = Some(if c.flip_h { -adj } else { adj });
    let lx = x1 + LABEL_GAP;
    let ly = side_label_y(y1, label);
    (lx, ly)
}

/// Routes `c` to a `dst` in another column as an elbow. Returns the top-left corner of
/// its label.
fn route_elbow(
    c: &mut PlacedConnector,
    src: Rect,
    dst: Rect,
    label: Option<&'static str>,
) -> (i64, i64) {
    // Elbow: out of the side facing the target, across, then into the target's top
    // (or its bottom when the target stands higher), so that the target's own
    // side exit never runs over the incoming line.
    let right = dst.cx() > src.cx();
    let down = dst.cy() > src.cy();
    let (x1, y1) = if right {
        (src.x + src.w, src.cy())
    } else {
        (src.x, src.cy())
    };
    let (x2, y2) = (dst.cx(), if down { dst.y } else { dst.y + dst.h });
    c.prst = "bentConnector2";
    c.sites = (
        if right { SITE_RIGHT } else { SITE_LEFT },
        if down { SITE_TOP } else { SITE_BOTTOM },
    );
    c.rect = Rect {
        x: x1.min(x2),
        y: y1.min(y2),
        w: (x2 - x1).abs().max(1),
        h: (y2 - y1).abs(),
    };
    c.flip_h = !right;
    c.flip_v = !down;
    let lx = if right {
        x1 + LABEL_GAP / 2
    } else {
        x1 - LABEL_W - LABEL_GAP / 2
    };
    let ly = side_label_y(y1, label);
    (lx, ly)
}

/// Top of a branch label beside a side exit at height `y`: "Ya" below the line,
/// anything else above, so that two exits on one side keep their labels apart.
fn side_label_y(y: i64, label: Option<&str>) -> i64 {
    if label == Some("Ya") {
        y + LABEL_GAP / 2
    } else {
        y - LABEL_H - LABEL_GAP / 2
    }
}

/// Escapes text for XML content and attribute values.
pub fn xml_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            // Characters XML 1.0 forbids.
            c if (c as u32) < 0x20 && !matches!(c, '\t' | '\n' | '\r') => {}
            c => out.push(c),
        }
    }
    out
}

/// The "Catatan Migrasi" lines: one per finding of the SOP, "[tingkat] kode (langkah n):
/// pesan", then one per decision drawn with an assumed branch.
pub fn findings_lines(sop: &Sop) -> Vec<[String; 4]> {
    let mut lines: Vec<[String; 4]> = sop
        .findings
        .iter()
        .map(|f| {
            let sev = match f.severity {
                crate::sop::record::Severity::Error => "galat",
                crate::sop::record::Severity::Warning => "peringatan",
                crate::sop::record::Severity::Info => "info",
            };
            [
                f.code.to_string(),
                sev.to_string(),
                f.step.map(|s| s.to_string()).unwrap_or_default(),
                f.message.clone(),
            ]
        })
        .collect();
    lines.extend(assumption_lines(sop));
    lines
}

/// Code of the migration note a drawn branch the SOP does not name gets.
pub const ASSUMED_BRANCH: &str = "branch-assumed";

/// One migration note per decision whose drawn branches include an assumed one (the
/// same "Asumsi" text the BPMN's annotation carries).
fn assumption_lines(sop: &Sop) -> Vec<[String; 4]> {
    sop.steps
        .iter()
        .enumerate()
        .filter(|(_, s)| s.symbol == Some(Symbol::Decision))
        .filter_map(|(i, s)| {
            let note = decision_targets(sop, i).assumption?;
            Some([
                ASSUMED_BRANCH.to_string(),
                "info".to_string(),
                s.no.to_string(),
                note,
            ])
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_in_indonesian() {
        assert_eq!(tanggal("2019-01-02"), "2 Januari 2019");
        assert_eq!(tanggal("2023-10-15"), "15 Oktober 2023");
        assert_eq!(tanggal("2023-13-15"), "2023-13-15");
        assert_eq!(tanggal("kemarin"), "kemarin");
        // Month precision, as some documents give it.
        assert_eq!(tanggal("2020-04"), "April 2020");
        assert_eq!(tanggal("2021-12"), "Desember 2021");
        assert_eq!(tanggal("2021-13"), "2021-13");
    }

    #[test]
    fn lines_grow_with_text() {
        assert_eq!(estimate_lines("pendek", 100.0, 8.0), 1);
        let long = "Menerima surat masuk dan mencatat dalam buku agenda surat masuk ".repeat(3);
        assert!(estimate_lines(&long, 100.0, 8.0) >= 6);
    }

    #[test]
    fn plan_places_shapes_in_actor_columns_and_labels_branches() {
        let mut sop = Sop {
            actors: vec!["A".into(), "B".into()],
            ..Default::default()
        };
        let step = |no, actor: &str, symbol, next: Vec<u32>| Step {
            no,
            activity: format!("langkah {no}"),
            actors: vec![actor.to_string()],
            symbol: Some(symbol),
            next,
            ..Default::default()
        };
        sop.steps = vec![
            step(1, "A", Symbol::Terminator, vec![2]),
            step(2, "B", Symbol::Decision, vec![3, 1]),
            step(3, "B", Symbol::Terminator, vec![]),
        ];
        sop.steps[1].if_yes = Some(3);
        sop.steps[1].if_no = Some(1);
        let cols = [(0, 900_000), (900_000, 900_000)];
        let rows = [(0, 600_000), (600_000, 600_000), (1_200_000, 600_000)];
        let plan = plan_flow(&sop, &cols, &rows);
        assert_eq!(plan.shapes.len(), 3);
        assert!(plan.shapes[1].rect.cx() > 900_000 && plan.shapes[1].rect.cx() < 1_800_000);
        assert_eq!(plan.connectors.len(), 3);
        let labels: Vec<_> = plan
            .connectors
            .iter()
            .filter_map(|c| c.label.map(|l| l.0))
            .collect();
        assert_eq!(labels, vec!["Ya", "Tidak"]);
        // 2 -> 3 straight down in column B.
        assert_eq!(plan.connectors[1].prst, "straightConnector1");
        // 2 -> 1 elbow back to the left and up.
        assert!(plan.connectors[2].flip_h && plan.connectors[2].flip_v);
    }
}
