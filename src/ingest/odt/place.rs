//! Placement of .odt shapes: an offset from the anchor cell's left edge becomes a
//! position from the table's left edge (the column widths summed), and the shape
//! stands in the column holding its centre, and in the row holding it when every row
//! has a known height (else in its anchor row).

use std::collections::HashSet;

use crate::model::{Anchor, PictureRef, Point, Rect, Shape, ShapeKind};

use super::walk::{Body, Placed};

/// Places every raw shape of `body`; a picture whose part is in `embedded` keeps it
/// (a picture in a table cell stands after its table; outside, where it was met).
pub(super) fn place(body: &Body, embedded: &HashSet<String>) -> Vec<Shape> {
    body.shapes
        .iter()
        .map(|p| {
            let mut shape = place_one(p, body);
            let block = p.host.map_or(p.block, |(block, _, _)| block + 1);
            shape.picture = p
                .raw
                .image
                .as_ref()
                .filter(|part| embedded.contains(*part))
                .map(|part| PictureRef {
                    part: part.clone(),
                    block,
                });
            shape
        })
        .collect()
}

/// One shape: moved into its table's frame when anchored in a cell, else kept as read.
fn place_one(p: &Placed, body: &Body) -> Shape {
    let s = &p.raw;
    let geom = p.host.and_then(|(block, _, _)| body.geoms.get(&block));
    let (anchor, dx, dy) = match (p.host, geom) {
        (Some((block, row, col)), Some(g)) => {
            let dx = g.col_start(col);
            let dy = g.row_start(row);
            let centre_x = f64::from(s.rect.x + s.rect.w / 2.0) + dx;
            let col = g.locate_col(centre_x).unwrap_or(col);
            let centre_y = f64::from(s.rect.y + s.rect.h / 2.0) + dy;
            let row = g.locate_row(centre_y, row);
            (Anchor::Cell { block, row, col }, dx as f32, dy as f32)
        }
        _ => (Anchor::Free, 0.0, 0.0),
    };
    let rect = Rect {
        x: s.rect.x + dx,
        y: s.rect.y + dy,
        ..s.rect
    };
    let shift = |q: Point| Point {
        x: q.x + dx,
        y: q.y + dy,
    };
    let line = match s.line {
        Some((a, b)) if p.host.is_some() => Some((shift(a), shift(b))),
        Some(l) => Some(l),
        None if s.kind == ShapeKind::Arrow => Some(diagonal(&rect, p.mirror)),
        None => None,
    };
    Shape {
        kind: s.kind,
        geometry: s.geometry.clone(),
        text: s.text.clone(),
        text_box: s.text_box,
        anchor,
        bbox: Some(rect),
        line,
        page: None,
        picture: None,
    }
}

/// The line a connector drawn as a custom shape runs along: its box's diagonal from the
/// top-left, mirrored as the geometry says (horizontal, vertical).
fn diagonal(r: &Rect, (mirror_h, mirror_v): (bool, bool)) -> (Point, Point) {
    let (x0, x1) = if mirror_h {
        (r.x + r.w, r.x)
    } else {
        (r.x, r.x + r.w)
    };
    let (y0, y1) = if mirror_v {
        (r.y + r.h, r.y)
    } else {
        (r.y, r.y + r.h)
    };
    (Point { x: x0, y: y0 }, Point { x: x1, y: y1 })
}
