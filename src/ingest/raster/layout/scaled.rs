//! Bringing a layout found at a picture's own size to the enlarged picture the engine
//! reads: every box, point and grid boundary multiplied by the reading scale.

use crate::ingest::raster::{PxRect, RasterLayout, RasterShape, RasterTable};

/// `layout` (its geometry in the picture's own pixels, its `image` already enlarged by
/// `scale`) with every box in `image`'s pixels.
pub fn layout(mut layout: RasterLayout, scale: f32) -> RasterLayout {
    if scale == 1.0 {
        return layout;
    }
    for t in &mut layout.tables {
        table(t, scale);
    }
    for s in &mut layout.shapes {
        shape(s, scale);
    }
    for r in &mut layout.free_text {
        *r = rect(*r, scale);
    }
    layout
}

/// `r` multiplied by `scale` (its far edges rounded, so touching boxes stay touching).
pub fn rect(r: PxRect, scale: f32) -> PxRect {
    let x0 = coord(r.x, scale);
    let y0 = coord(r.y, scale);
    let x1 = coord(r.x.saturating_add(r.w), scale);
    let y1 = coord(r.y.saturating_add(r.h), scale);
    PxRect {
        x: x0,
        y: y0,
        w: x1.saturating_sub(x0),
        h: y1.saturating_sub(y0),
    }
}

fn coord(v: u32, scale: f32) -> u32 {
    (v as f32 * scale).round() as u32
}

fn table(t: &mut RasterTable, scale: f32) {
    t.bbox = rect(t.bbox, scale);
    for v in t.xs.iter_mut().chain(t.ys.iter_mut()) {
        *v *= scale;
    }
    for c in &mut t.cells {
        c.bbox = rect(c.bbox, scale);
        c.text_box = c.text_box.map(|b| rect(b, scale));
    }
}

fn shape(s: &mut RasterShape, scale: f32) {
    s.bbox = rect(s.bbox, scale);
    s.line = s
        .line
        .map(|ends| ends.map(|(x, y)| (coord(x, scale), coord(y, scale))));
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::raster::RasterCell;

    fn r(x: u32, y: u32, w: u32, h: u32) -> PxRect {
        PxRect { x, y, w, h }
    }

    #[test]
    fn boxes_points_and_boundaries_double() {
        let cell = RasterCell {
            row: 0,
            col: 1,
            row_span: 1,
            col_span: 1,
            bbox: r(10, 5, 20, 7),
            text_box: Some(r(12, 6, 3, 4)),
        };
        let layout = RasterLayout {
            tables: vec![RasterTable {
                rows: 1,
                cols: 2,
                cells: vec![cell],
                bbox: r(1, 2, 30, 11),
                xs: vec![1.0, 10.0, 31.0],
                ys: vec![2.0, 13.0],
            }],
            shapes: vec![RasterShape {
                kind: crate::model::ShapeKind::Arrow,
                bbox: r(3, 4, 1, 9),
                line: Some([(3, 4), (3, 12)]),
            }],
            free_text: vec![r(0, 20, 5, 3)],
            ..RasterLayout::default()
        };
        let big = super::layout(layout, 2.0);
        let t = &big.tables[0];
        assert_eq!(t.bbox, r(2, 4, 60, 22));
        assert_eq!(t.xs, vec![2.0, 20.0, 62.0]);
        assert_eq!(t.cells[0].bbox, r(20, 10, 40, 14));
        assert_eq!(t.cells[0].text_box, Some(r(24, 12, 6, 8)));
        assert_eq!(big.shapes[0].line, Some([(6, 8), (6, 24)]));
        assert_eq!(big.free_text, vec![r(0, 40, 10, 6)]);
    }
}
