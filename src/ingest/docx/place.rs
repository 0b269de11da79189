//! Placement: raw shapes (offsets in their anchor frames) → model shapes standing in a
//! table cell by their centre (FORMATS.md §1 and §5).
//!
//! Columns come from the `w:gridCol` sums. The frame decides where x = 0 is:
//! `column`/`character`/inline — the anchor cell's text start (grid column start plus
//! the left cell margin); `margin` — the text area's left edge, so the table's own offset
//! (`w:tblInd`, or its alignment) is taken off; `page` — the page edge, so the page
//! margin is taken off too. Rows: the anchor row, then walked down (or up) by the
//! `w:trHeight` of the rows while the centre lies past them, for shapes positioned from
//! the anchor paragraph. The bounding box is in points from the table's top-left corner
//! (y: the heights of the rows above the anchor row plus the shape's offset); a shape
//! outside any table keeps its offsets from the text area's left edge and its anchor
//! paragraph.

use crate::error::IngestError;
use crate::ingest::limits::Budget;
use std::collections::HashMap;

use crate::model::{Anchor, PictureRef, Point, Rect, Shape};

use super::body::{Body, Box64, FloatX, HFrame, RawShape, SectGeom, TableGeom, VFrame};
use super::shapes::PT_PER_TWIP;
use super::styles::Styles;

/// Word's built-in left cell margin (0.08 inch) when no style sets one, in points.
const DEFAULT_CELL_MARGIN: f64 = 108.0 * PT_PER_TWIP;

/// True when some shape needs a table-style cell margin that its table does not set.
pub(crate) fn needs_styles(body: &Body) -> bool {
    body.shapes.iter().any(|s| {
        s.host
            .and_then(|h| body.tables.get(h.table))
            .is_some_and(|t| t.cell_mar_left.is_none() || t.ind.is_none())
    })
}

/// The farthest a shape's offset may walk from its anchor row.
const MAX_ROW_WALK: usize = 4096;

/// Places every raw shape of `body`, checking the time budget as it goes; `parts`
/// maps a picture's relationship id to the part holding its pixels.
pub(crate) fn place(
    body: &Body,
    styles: &Styles,
    parts: &HashMap<String, String>,
    budget: &Budget,
) -> Result<Vec<Shape>, IngestError> {
    let mut out = Vec::with_capacity(body.shapes.len());
    for (i, raw) in body.shapes.iter().enumerate() {
        if i % 1024 == 1023 {
            budget.check_time("placing shapes of word/document.xml")?;
        }
        let host = raw
            .host
            .and_then(|h| body.tables.get(h.table).map(|t| (h, t)));
        let sect_idx = host.map_or(raw.sect, |(_, t)| t.sect);
        let sect = body
            .sects
            .get(sect_idx)
            .or(body.sects.last())
            .copied()
            .unwrap_or_default();
        let mut shape = match host {
            Some((host, table)) => in_table(raw, host.row, host.col, table, &sect, styles),
            None => free(raw, &sect),
        };
        // A picture in a table cell stands after its table; outside, where it was met.
        let block = host.map_or(raw.block, |(_, t)| t.block + 1);
        shape.picture = raw
            .embed
            .as_ref()
            .and_then(|id| parts.get(id))
            .map(|part| PictureRef {
                part: part.clone(),
                block,
            });
        out.push(shape);
    }
    Ok(out)
}

fn in_table(
    raw: &RawShape,
    host_row: usize,
    host_col: usize,
    t: &TableGeom,
    sect: &SectGeom,
    styles: &Styles,
) -> Shape {
    let n_cols = t.col_edges.len().saturating_sub(1);
    let edge = |i: usize| t.col_edges.get(i).copied().unwrap_or(0.0);
    let table_w = t.col_edges.last().copied().unwrap_or(0.0);
    let mar = t
        .cell_mar_left
        .or_else(|| {
            styles
                .cell_mar_left(t.style.as_deref())
                .map(|v| v * PT_PER_TWIP)
        })
        .unwrap_or(DEFAULT_CELL_MARGIN);
    let text_w = sect.page_w - sect.mar_left - sect.mar_right;
    // The table's left edge from the text area's left edge.
    let table_left = match (t.float_x, t.jc.as_deref()) {
        (Some((FloatX::At(x), page)), _) => x - if page { sect.mar_left } else { 0.0 },
        (Some((FloatX::Center, page)), _) => {
            if page {
                (sect.page_w - table_w) / 2.0 - sect.mar_left
            } else {
                (text_w - table_w) / 2.0
            }
        }
        (Some((FloatX::Right, page)), _) => {
            if page {
                sect.page_w - table_w - sect.mar_left
            } else {
                text_w - table_w
            }
        }
        (None, Some("center")) => (text_w - table_w) / 2.0,
        (None, Some("right" | "end")) => text_w - table_w,
        _ => t
            .ind
            .or_else(|| styles.ind(t.style.as_deref()).map(|v| v * PT_PER_TWIP))
            .unwrap_or(0.0),
    };
    let r = raw.rect;
    let cell_start = edge(host_col) + mar;
    let cell_w = (edge(host_col + 1) - edge(host_col) - 2.0 * mar).max(0.0);
    let x = match raw.h {
        HFrame::Column | HFrame::Character | HFrame::Inline => {
            cell_start + aligned(raw, r.x, cell_w)
        }
        HFrame::Margin => aligned(raw, r.x, text_w) - table_left,
        HFrame::Page => aligned(raw, r.x, sect.page_w) - sect.mar_left - table_left,
    };
    let cx = x + r.w / 2.0;
    let col = if n_cols == 0 {
        host_col
    } else {
        t.col_edges
            .partition_point(|&e| e <= cx)
            .saturating_sub(1)
            .min(n_cols - 1)
    };
    let row = walk_rows(raw, host_row, &t.heights);
    let row_top: f64 = t
        .heights
        .iter()
        .take(host_row)
        .map(|h| h.map_or(0.0, |(h, _)| h))
        .sum();
    let (dx, dy) = (x - r.x, row_top);
    Shape {
        kind: raw.kind,
        geometry: raw.geometry.clone(),
        text: raw.text.clone(),
        text_box: raw.text_box,
        anchor: Anchor::Cell {
            block: t.block,
            row,
            col,
        },
        bbox: Some(rect(Box64 {
            x,
            y: r.y + dy,
            ..r
        })),
        line: shifted_line(raw, dx, dy),
        page: None,
        picture: None,
    }
}

/// The row a shape's centre falls in, walking from the anchor row by row heights.
///
/// A group's children share one anchor, so they walk by every known height. A single
/// shape walks only across rows of `exact` height: an `atLeast` row is often taller
/// than its `w:trHeight` (wrapped text), and Word re-anchors a dragged shape to the
/// paragraph it is dropped on, so its anchor row is the better guess.
fn walk_rows(raw: &RawShape, host_row: usize, heights: &[Option<(f64, bool)>]) -> usize {
    if raw.v == VFrame::Page {
        return host_row;
    }
    let usable = |r: usize| match heights.get(r).copied().flatten() {
        Some((h, exact)) if exact || raw.grouped => Some(h),
        _ => None,
    };
    let mut row = host_row;
    let mut y = raw.rect.y + raw.rect.h / 2.0;
    let (lo, hi) = (
        host_row.saturating_sub(MAX_ROW_WALK),
        host_row.saturating_add(MAX_ROW_WALK),
    );
    while y >= 0.0 && row < hi {
        let Some(h) = usable(row) else {
            break;
        };
        if y < h || row + 1 >= heights.len() {
            break;
        }
        y -= h;
        row += 1;
    }
    while y < 0.0 && row > lo {
        let Some(h) = usable(row - 1) else {
            break;
        };
        y += h;
        row -= 1;
    }
    row
}

/// The shape's x in its frame, honouring `wp:align` when the position is aligned.
fn aligned(raw: &RawShape, x: f64, frame_w: f64) -> f64 {
    match raw.h_align.as_deref() {
        Some("center") => (frame_w - raw.rect.w) / 2.0,
        Some("right" | "outside") => frame_w - raw.rect.w,
        Some("left" | "inside") => 0.0,
        _ => x,
    }
}

fn free(raw: &RawShape, sect: &SectGeom) -> Shape {
    let r = raw.rect;
    let text_w = sect.page_w - sect.mar_left - sect.mar_right;
    let x = match raw.h {
        HFrame::Page => aligned(raw, r.x, sect.page_w) - sect.mar_left,
        _ => aligned(raw, r.x, text_w),
    };
    Shape {
        kind: raw.kind,
        geometry: raw.geometry.clone(),
        text: raw.text.clone(),
        text_box: raw.text_box,
        anchor: Anchor::Free,
        bbox: Some(rect(Box64 { x, ..r })),
        line: shifted_line(raw, x - r.x, 0.0),
        page: None,
        picture: None,
    }
}

fn shifted_line(raw: &RawShape, dx: f64, dy: f64) -> Option<(Point, Point)> {
    raw.line.map(|((x0, y0), (x1, y1))| {
        (
            Point {
                x: (x0 + dx) as f32,
                y: (y0 + dy) as f32,
            },
            Point {
                x: (x1 + dx) as f32,
                y: (y1 + dy) as f32,
            },
        )
    })
}

fn rect(b: Box64) -> Rect {
    Rect {
        x: b.x as f32,
        y: b.y as f32,
        w: b.w as f32,
        h: b.h as f32,
    }
}
