//! Page breaks of a paged flowchart (the .docx procedure table): which page each step
//! row lands on, and the off-page connector pairs of PermenPANRB 35/2012 that end a
//! flow at the bottom of one page and start it again at the top of the next, instead
//! of a line drawn through the break.
//!
//! The writer packs step rows into pages itself ([`paginate`]) and starts every page
//! with a forced break, so the breaks the plan assumes are the breaks a reader shows.
//! A connector whose two ends stand on different pages is replaced by a numbered pair
//! ([`split_at_pages`]): an outgoing mark below the source symbol, joined to it by a
//! short connector that keeps the branch label, and an incoming mark with the same
//! number above the target symbol, joined to it by a short arrow. Rows holding a mark
//! are given room for it ([`MarkRoom`]).

use super::layout::{self, FlowPlan, PlacedConnector, Rect};

/// Width and height of an off-page connector symbol, EMU (0.25 in).
pub const MARK_SIZE: i64 = 228_600;
/// Gap between a mark and the row edge or the symbol it joins, EMU (0.05 in).
pub const MARK_GAP: i64 = 45_720;
/// Extra row height that holds one mark, EMU: the mark and a gap on each side.
pub const MARK_ROOM: i64 = MARK_SIZE + 2 * MARK_GAP;

/// A numbered off-page connector symbol placed in a step row and actor column.
#[derive(Clone, Debug, PartialEq)]
pub struct OffPageMark {
    /// Index of the step whose cell holds the mark.
    pub step: usize,
    /// Index of the actor column.
    pub col: usize,
    /// The pair's number, written inside the symbol (1, 2, … in flow order).
    pub number: usize,
    /// True for the mark that ends a flow on its page, false for the one that starts it.
    pub outgoing: bool,
    /// Where it stands.
    pub rect: Rect,
}

/// Room a step row needs for marks: above its symbol (incoming) and below (outgoing).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct MarkRoom {
    /// Room above the symbol, EMU.
    pub above: i64,
    /// Room below the symbol, EMU.
    pub below: i64,
}

/// The page (0-based, counted from the procedure table's first page) of each row of
/// height `heights` when the first page has `first` of room and every later page
/// `next` (both after the repeated header). A row taller than a page gets a page of
/// its own.
pub fn paginate(heights: &[i64], first: i64, next: i64) -> Vec<usize> {
    let mut pages = Vec::with_capacity(heights.len());
    let (mut page, mut left, mut used) = (0usize, first, 0usize);
    for &h in heights {
        if h > left && used > 0 {
            page += 1;
            left = next;
            used = 0;
        }
        pages.push(page);
        left -= h;
        used += 1;
    }
    pages
}

/// The (source step, target step) links of `plan` whose ends stand on different pages.
pub fn crossings(plan: &FlowPlan, pages: &[usize]) -> Vec<(usize, usize)> {
    plan.connectors
        .iter()
        .filter(|c| crosses(c, pages))
        .map(|c| (c.step, c.to.0))
        .collect()
}

fn crosses(c: &PlacedConnector, pages: &[usize]) -> bool {
    match (pages.get(c.step), pages.get(c.to.0)) {
        (Some(a), Some(b)) => a != b,
        _ => false,
    }
}

/// The room each of `n_steps` rows needs for the marks of the `crossing` links.
pub fn room_for(n_steps: usize, crossing: &[(usize, usize)]) -> Vec<MarkRoom> {
    let mut room = vec![MarkRoom::default(); n_steps];
    for &(from, to) in crossing {
        if let Some(r) = room.get_mut(from) {
            r.below = MARK_ROOM;
        }
        if let Some(r) = room.get_mut(to) {
            r.above = MARK_ROOM;
        }
    }
    room
}

/// Replaces every connector of `plan` that crosses a page break with a numbered pair
/// of off-page marks and two short connectors; returns the marks. A source with
/// several crossing exits (or a target with several crossing entries) gets its marks
/// side by side.
pub fn split_at_pages(plan: &mut FlowPlan, pages: &[usize]) -> Vec<OffPageMark> {
    let mut marks = Vec::new();
    let mut kept = Vec::with_capacity(plan.connectors.len());
    let mut outs: Vec<usize> = Vec::new();
    let mut ins: Vec<usize> = Vec::new();
    let connectors = std::mem::take(&mut plan.connectors);
    for c in connectors {
        if !crosses(&c, pages) {
            kept.push(c);
            continue;
        }
        let (Some(src), Some(dst)) = (
            shape_rect(plan, c.step, c.col),
            shape_rect(plan, c.to.0, c.to.1),
        ) else {
            kept.push(c);
            continue;
        };
        let number = marks.len() / 2 + 1;
        let k_out = outs.iter().filter(|&&s| s == c.step).count() as i64;
        let k_in = ins.iter().filter(|&&s| s == c.to.0).count() as i64;
        outs.push(c.step);
        ins.push(c.to.0);
        let out_rect = Rect {
            x: src.cx() - MARK_SIZE / 2 + k_out * (MARK_SIZE + MARK_GAP),
            y: src.y + src.h + MARK_GAP,
            w: MARK_SIZE,
            h: MARK_SIZE,
        };
        let in_rect = Rect {
            x: dst.cx() - MARK_SIZE / 2 + k_in * (MARK_SIZE + MARK_GAP),
            y: dst.y - MARK_GAP - MARK_SIZE,
            w: MARK_SIZE,
            h: MARK_SIZE,
        };
        let label = c.label.map(|(t, _)| t);
        let mut to_mark = layout::link(c.step, c.col, src, c.col, out_rect, label);
        to_mark.to = c.to;
        let mut from_mark = layout::link(c.to.0, c.to.1, in_rect, c.to.1, dst, None);
        from_mark.to = c.to;
        kept.push(to_mark);
        kept.push(from_mark);
        marks.push(OffPageMark {
            step: c.step,
            col: c.col,
            number,
            outgoing: true,
            rect: out_rect,
        });
        marks.push(OffPageMark {
            step: c.to.0,
            col: c.to.1,
            number,
            outgoing: false,
            rect: in_rect,
        });
    }
    plan.connectors = kept;
    marks
}

/// The rect of the symbol of step `step` in column `col`.
fn shape_rect(plan: &FlowPlan, step: usize, col: usize) -> Option<Rect> {
    plan.shapes
        .iter()
        .find(|s| s.step == step && s.col == col)
        .map(|s| s.rect)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sop::record::{Sop, Step, Symbol};

    #[test]
    fn rows_fill_pages_and_a_tall_row_gets_its_own() {
        assert_eq!(paginate(&[40, 40, 40, 40], 100, 100), vec![0, 0, 1, 1]);
        assert_eq!(paginate(&[30, 40, 40], 60, 100), vec![0, 1, 1]);
        assert_eq!(paginate(&[150, 10], 100, 100), vec![0, 1]);
    }

    #[test]
    fn a_link_across_a_break_becomes_a_numbered_pair() {
        let sop = Sop {
            actors: vec!["A".into(), "B".into()],
            steps: (1..=3)
                .map(|no| Step {
                    no,
                    activity: format!("langkah {no}"),
                    actors: vec![if no == 3 { "B" } else { "A" }.to_string()],
                    symbol: Some(Symbol::Process),
                    next: if no < 3 { vec![no + 1] } else { vec![] },
                    ..Default::default()
                })
                .collect(),
            ..Default::default()
        };
        let cols = [(0, 900_000), (900_000, 900_000)];
        let rows = [(0, 600_000), (600_000, 900_000), (1_500_000, 900_000)];
        let mut plan = layout::plan_flow(&sop, &cols, &rows);
        let pages = [0, 0, 1];
        assert_eq!(crossings(&plan, &pages), vec![(1, 2)]);
        let marks = split_at_pages(&mut plan, &pages);
        assert_eq!(marks.len(), 2);
        let (out, inc) = (&marks[0], &marks[1]);
        assert!(out.outgoing && !inc.outgoing && out.number == 1 && inc.number == 1);
        // Out below step 2 in column A, in above step 3 in column B.
        assert_eq!((out.step, out.col, inc.step, inc.col), (1, 0, 2, 1));
        let s2 = plan.shapes[1].rect;
        let s3 = plan.shapes[2].rect;
        assert!(out.rect.y >= s2.y + s2.h && out.rect.cx() == s2.cx());
        assert!(inc.rect.y + inc.rect.h <= s3.y && inc.rect.cx() == s3.cx());
        // 1→2 kept, 2→3 replaced by 2→mark and mark→3: no line spans the break.
        assert_eq!(plan.connectors.len(), 3);
        assert!(
            plan.connectors
                .iter()
                .all(|c| c.rect.y + c.rect.h <= 900_000 + 600_000 || c.rect.y >= 1_500_000)
        );
    }
}
