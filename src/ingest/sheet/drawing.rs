//! SpreadsheetDrawingML (`xl/drawings/drawingN.xml`): flowchart shapes with their
//! anchors, placed in the sheet cell that holds each shape's centre.
//!
//! Anchors (`twoCellAnchor`, `oneCellAnchor`, `absoluteAnchor`) give a rectangle in
//! sheet points through the column and row [`Axis`]; a group (`grpSp`) maps its
//! children's coordinates onto its own rectangle with `chOff`/`chExt`.

use quick_xml::events::Event;

use crate::error::IngestError;
use crate::ingest::limits::Budget;
use crate::ingest::sheet::grid::{Axis, EMU_PER_PT};
use crate::ingest::sheet::outline::Outline;
use std::collections::HashMap;

use crate::ingest::xml::{GuardedReader, attr_local, attr_local_bool, attr_local_num, push_text};
use crate::model::{Anchor, PictureRef, Point, Rect, Shape, ShapeKind};

/// The block a sheet's picture stands before: after the sheet's one table.
const PICTURE_BLOCK: usize = 1;

/// Maps a preset geometry name to a symbol kind.
pub fn kind_of_preset(prst: &str) -> ShapeKind {
    ShapeKind::from_preset(prst)
}

/// Which part of an anchor a number belongs to.
#[derive(Clone, Copy, PartialEq)]
enum Marker {
    From,
    To,
}

/// A cell marker: column, column offset (EMU), row, row offset (EMU).
#[derive(Clone, Copy, Default)]
struct CellMarker {
    col: u32,
    col_off: i64,
    row: u32,
    row_off: i64,
}

/// The anchor being read.
#[derive(Default)]
struct AnchorState {
    from: Option<CellMarker>,
    to: Option<CellMarker>,
    pos: Option<(i64, i64)>,
    ext: Option<(i64, i64)>,
}

/// A 2-D affine map from a group's child coordinates (EMU) to sheet points.
#[derive(Clone, Copy)]
struct Transform {
    ox: f64,
    oy: f64,
    sx: f64,
    sy: f64,
    tx: f64,
    ty: f64,
}

impl Transform {
    fn apply(&self, x: f64, y: f64) -> (f64, f64) {
        (
            self.tx + (x - self.ox) * self.sx,
            self.ty + (y - self.oy) * self.sy,
        )
    }
}

/// `a:xfrm` of a shape or group.
#[derive(Clone, Copy, Default)]
struct Xfrm {
    off: Option<(f64, f64)>,
    ext: Option<(f64, f64)>,
    ch_off: Option<(f64, f64)>,
    ch_ext: Option<(f64, f64)>,
    flip_h: bool,
    flip_v: bool,
    rot: f64,
}

/// A drawing object being read (`sp`, `cxnSp`, `pic`, `grpSp`, `graphicFrame`).
#[derive(Default)]
struct Obj {
    tag: String,
    depth: usize,
    xfrm: Xfrm,
    prst: Option<String>,
    cust_geom: bool,
    /// Numeric path points of a `custGeom`, with counts of all points and whether the
    /// path curves.
    path_pts: Vec<(i64, i64)>,
    path_total: usize,
    path_curved: bool,
    text: String,
    text_box: bool,
    /// For groups: the transform its children use, once its xfrm is known.
    child_tf: Option<Transform>,
    /// For pictures: the relationship id of the part holding the pixels (`a:blip`).
    embed: Option<String>,
}

/// Reads a drawing part into shapes placed on the sheet by `cols`/`rows`; `table_size`
/// is the (rows, cols) of the sheet's table, outside which shapes are free. `pictures`
/// maps the drawing's relationship ids to the parts holding pictures' pixels: a picture
/// found there keeps its part and stands after the sheet's table (block 1).
pub fn read_drawing(
    xml: &[u8],
    cols: &Axis,
    rows: &Axis,
    table_size: (usize, usize),
    budget: &Budget,
    part: &str,
    pictures: &HashMap<String, String>,
) -> Result<Vec<Shape>, IngestError> {
    let mut rd = GuardedReader::new(xml, budget, part);
    let mut shapes = Vec::new();
    let mut anchor: Option<AnchorState> = None;
    let mut anchor_depth = 0usize;
    let mut marker: Option<(Marker, usize)> = None;
    // The marker child element being read (col, colOff, row, rowOff) and its text.
    let mut marker_field: Option<(String, String)> = None;
    let mut objs: Vec<Obj> = Vec::new();
    let mut in_text: Option<usize> = None; // depth of the a:t being read
    let mut xfrm_owner: Option<usize> = None; // index into objs of the xfrm being read
    let mut depth = 0usize;
    // Depth of an `mc:Fallback` being skipped (its content repeats the `mc:Choice`).
    let mut fallback: Option<usize> = None;
    loop {
        let ev = rd.next()?;
        if let Some(fd) = fallback {
            match &ev {
                Event::Start(_) => depth += 1,
                Event::End(_) => {
                    if depth == fd {
                        fallback = None;
                    }
                    depth = depth.saturating_sub(1);
                }
                Event::Eof => break,
                _ => {}
            }
            continue;
        }
        match &ev {
            Event::Eof => break,
            Event::Start(e) if e.local_name().as_ref() == "Fallback" => {
                depth += 1;
                fallback = Some(depth);
            }
            Event::Start(e) | Event::Empty(e) => {
                let empty = matches!(ev, Event::Empty(_));
                depth += 1;
                let local = e.local_name();
                let name = local.as_ref();
                match name {
                    "twoCellAnchor" | "oneCellAnchor" | "absoluteAnchor" if anchor.is_none() => {
                        anchor = Some(AnchorState::default());
                        anchor_depth = depth;
                        objs.clear();
                    }
                    "from" | "to" if anchor.is_some() && depth == anchor_depth + 1 => {
                        let m = if name == "from" {
                            Marker::From
                        } else {
                            Marker::To
                        };
                        marker = Some((m, depth));
                        if let Some(a) = anchor.as_mut() {
                            let slot = if m == Marker::From {
                                &mut a.from
                            } else {
                                &mut a.to
                            };
                            *slot = Some(CellMarker::default());
                        }
                    }
                    "col" | "colOff" | "row" | "rowOff"
                        if marker.is_some_and(|(_, d)| depth == d + 1) =>
                    {
                        marker_field = Some((name.to_string(), String::new()));
                    }
                    "ext" if anchor.is_some() && depth == anchor_depth + 1 => {
                        if let Some(a) = anchor.as_mut() {
                            a.ext = Some((
                                attr_local_num(e, "cx").unwrap_or(0),
                                attr_local_num(e, "cy").unwrap_or(0),
                            ));
                        }
                    }
                    "pos" if anchor.is_some() && depth == anchor_depth + 1 => {
                        if let Some(a) = anchor.as_mut() {
                            a.pos = Some((
                                attr_local_num(e, "x").unwrap_or(0),
                                attr_local_num(e, "y").unwrap_or(0),
                            ));
                        }
                    }
                    "sp" | "cxnSp" | "pic" | "grpSp" | "graphicFrame" if anchor.is_some() => {
                        // A group's children: fix the group's transform now that its
                        // grpSpPr (which precedes them) has been read.
                        if let (Some(a), Some(parent_i)) =
                            (anchor.as_ref(), objs.len().checked_sub(1))
                        {
                            let parent_tf = parent_i
                                .checked_sub(1)
                                .and_then(|g| objs.get(g))
                                .and_then(|g| g.child_tf);
                            let rect = anchor_rect(a, cols, rows);
                            if let Some(p) = objs.get_mut(parent_i)
                                && p.tag == "grpSp"
                                && p.child_tf.is_none()
                            {
                                p.child_tf = Some(group_transform(&p.xfrm, parent_tf, rect));
                            }
                        }
                        objs.push(Obj {
                            tag: name.to_string(),
                            depth,
                            ..Default::default()
                        });
                    }
                    "xfrm" if !objs.is_empty() => {
                        // Only the object's own xfrm (spPr/grpSpPr/xdr:xfrm), not text xfrm.
                        let i = objs.len() - 1;
                        if objs
                            .get(i)
                            .is_some_and(|o| depth == o.depth + 2 || depth == o.depth + 1)
                            && let Some(o) = objs.get_mut(i)
                        {
                            o.xfrm.flip_h = attr_local_bool(e, "flipH");
                            o.xfrm.flip_v = attr_local_bool(e, "flipV");
                            o.xfrm.rot = attr_local_num::<f64>(e, "rot").unwrap_or(0.0) / 60_000.0;
                            if !empty {
                                xfrm_owner = Some(i);
                            }
                        }
                    }
                    "off" | "ext" | "chOff" | "chExt" if xfrm_owner.is_some() => {
                        let pair = |x: &str, y: &str| {
                            (
                                attr_local_num::<f64>(e, x).unwrap_or(0.0),
                                attr_local_num::<f64>(e, y).unwrap_or(0.0),
                            )
                        };
                        if let Some(o) = xfrm_owner.and_then(|i| objs.get_mut(i)) {
                            match name {
                                "off" => o.xfrm.off = Some(pair("x", "y")),
                                "ext" => o.xfrm.ext = Some(pair("cx", "cy")),
                                "chOff" => o.xfrm.ch_off = Some(pair("x", "y")),
                                _ => o.xfrm.ch_ext = Some(pair("cx", "cy")),
                            }
                        }
                    }
                    "prstGeom" => {
                        if let Some(o) = objs.last_mut() {
                            o.prst = attr_local(e, "prst");
                        }
                    }
                    "custGeom" => {
                        if let Some(o) = objs.last_mut() {
                            o.cust_geom = true;
                        }
                    }
                    "blip" => {
                        if let Some(o) = objs.last_mut().filter(|o| o.tag == "pic") {
                            o.embed = attr_local(e, "embed");
                        }
                    }
                    "pt" => {
                        if let Some(o) = objs.last_mut()
                            && o.cust_geom
                            && o.path_total < 256
                        {
                            o.path_total += 1;
                            // Guide names (formulas) instead of numbers are skipped.
                            if let (Some(x), Some(y)) =
                                (attr_local_num(e, "x"), attr_local_num(e, "y"))
                            {
                                o.path_pts.push((x, y));
                            }
                        }
                    }
                    "arcTo" | "cubicBezTo" | "quadBezTo" => {
                        if let Some(o) = objs.last_mut() {
                            o.path_curved = true;
                        }
                    }
                    "cNvSpPr" => {
                        if let Some(o) = objs.last_mut() {
                            o.text_box = attr_local_bool(e, "txBox");
                        }
                    }
                    "p" if !objs.is_empty() => {
                        if let Some(o) = objs.last_mut()
                            && !o.text.is_empty()
                        {
                            o.text.push('\n');
                        }
                    }
                    "t" if !objs.is_empty() && !empty => in_text = Some(depth),
                    _ => {}
                }
                if empty {
                    close(
                        &mut depth,
                        name,
                        &mut ShapeState {
                            anchor: &mut anchor,
                            anchor_depth,
                            marker: &mut marker,
                            marker_field: &mut marker_field,
                            objs: &mut objs,
                            in_text: &mut in_text,
                            xfrm_owner: &mut xfrm_owner,
                            pictures,
                        },
                        &mut shapes,
                        (cols, rows, table_size),
                    );
                }
            }
            Event::End(e) => {
                let local = e.local_name();
                close(
                    &mut depth,
                    local.as_ref(),
                    &mut ShapeState {
                        anchor: &mut anchor,
                        anchor_depth,
                        marker: &mut marker,
                        marker_field: &mut marker_field,
                        objs: &mut objs,
                        in_text: &mut in_text,
                        xfrm_owner: &mut xfrm_owner,
                        pictures,
                    },
                    &mut shapes,
                    (cols, rows, table_size),
                );
            }
            ev => {
                if let Some((_, text)) = marker_field.as_mut() {
                    push_text(text, ev);
                } else if in_text.is_some()
                    && let Some(o) = objs.last_mut()
                {
                    push_text(&mut o.text, ev);
                }
            }
        }
    }
    Ok(shapes)
}

/// The mutable reading state [`close`] works on.
struct ShapeState<'s> {
    anchor: &'s mut Option<AnchorState>,
    anchor_depth: usize,
    marker: &'s mut Option<(Marker, usize)>,
    marker_field: &'s mut Option<(String, String)>,
    objs: &'s mut Vec<Obj>,
    in_text: &'s mut Option<usize>,
    xfrm_owner: &'s mut Option<usize>,
    /// Relationship id → part holding a picture's pixels.
    pictures: &'s HashMap<String, String>,
}

/// Handles the end of element `name` at the current `depth`.
fn close(
    depth: &mut usize,
    name: &str,
    st: &mut ShapeState<'_>,
    shapes: &mut Vec<Shape>,
    (cols, rows, table_size): (&Axis, &Axis, (usize, usize)),
) {
    let d = *depth;
    *depth = depth.saturating_sub(1);
    if st.in_text.is_some_and(|t| t == d) {
        *st.in_text = None;
    }
    if name == "xfrm" {
        *st.xfrm_owner = None;
    }
    if let Some((field, text)) = st.marker_field.take() {
        if field == name {
            let (kind, _) = st.marker.unwrap_or((Marker::From, 0));
            if let Some(a) = st.anchor.as_mut() {
                let m = if kind == Marker::From {
                    a.from.as_mut()
                } else {
                    a.to.as_mut()
                };
                if let Some(m) = m {
                    let v = text.trim();
                    match field.as_str() {
                        "col" => m.col = v.parse().unwrap_or(0),
                        "row" => m.row = v.parse().unwrap_or(0),
                        "colOff" => m.col_off = v.parse().unwrap_or(0),
                        _ => m.row_off = v.parse().unwrap_or(0),
                    }
                }
            }
        } else {
            *st.marker_field = Some((field, text));
        }
    }
    if st.marker.is_some_and(|(_, md)| md == d) {
        *st.marker = None;
    }
    if st.objs.last().is_some_and(|o| o.depth == d) {
        if let (Some(o), Some(a)) = (st.objs.pop(), st.anchor.as_ref())
            && let Some(mut shape) = finish(&o, st.objs, a, cols, rows, table_size)
        {
            shape.picture = o
                .embed
                .as_ref()
                .and_then(|id| st.pictures.get(id))
                .map(|part| PictureRef {
                    part: part.clone(),
                    block: PICTURE_BLOCK,
                });
            shapes.push(shape);
        }
        return;
    }
    if d == st.anchor_depth && st.anchor.is_some() {
        *st.anchor = None;
        st.objs.clear();
    }
}

/// The anchor's rectangle in sheet points.
fn anchor_rect(a: &AnchorState, cols: &Axis, rows: &Axis) -> Rect {
    let at = |m: &CellMarker| {
        (
            cols.start(m.col) + m.col_off as f64 / EMU_PER_PT,
            rows.start(m.row) + m.row_off as f64 / EMU_PER_PT,
        )
    };
    let (x0, y0) = match (a.from.as_ref(), a.pos) {
        (Some(m), _) => at(m),
        (None, Some((x, y))) => (x as f64 / EMU_PER_PT, y as f64 / EMU_PER_PT),
        (None, None) => (0.0, 0.0),
    };
    let (x1, y1) = match (a.to.as_ref(), a.ext) {
        (Some(m), _) => at(m),
        (None, Some((cx, cy))) => (x0 + cx as f64 / EMU_PER_PT, y0 + cy as f64 / EMU_PER_PT),
        (None, None) => (x0, y0),
    };
    Rect {
        x: x0.min(x1) as f32,
        y: y0.min(y1) as f32,
        w: (x1 - x0).abs() as f32,
        h: (y1 - y0).abs() as f32,
    }
}

/// The transform a group gives its children: its child extent (`chOff`/`chExt`) onto
/// its own rectangle, which is the anchor's for a top-level group or its `off`/`ext`
/// mapped through the parent group.
fn group_transform(x: &Xfrm, parent: Option<Transform>, anchor: Rect) -> Transform {
    let (own_x, own_y, own_w, own_h) = match parent {
        None => (
            f64::from(anchor.x),
            f64::from(anchor.y),
            f64::from(anchor.w),
            f64::from(anchor.h),
        ),
        Some(p) => {
            let (ox, oy) = x.off.unwrap_or((0.0, 0.0));
            let (cx, cy) = x.ext.unwrap_or((0.0, 0.0));
            let (px, py) = p.apply(ox, oy);
            (px, py, cx * p.sx, cy * p.sy)
        }
    };
    let (cho_x, cho_y) = x.ch_off.or(x.off).unwrap_or((0.0, 0.0));
    let (che_x, che_y) = x.ch_ext.or(x.ext).unwrap_or((0.0, 0.0));
    let scale = |own: f64, ch: f64| {
        if ch > 0.0 && own.is_finite() {
            own / ch
        } else {
            1.0 / EMU_PER_PT
        }
    };
    Transform {
        ox: cho_x,
        oy: cho_y,
        sx: scale(own_w, che_x),
        sy: scale(own_h, che_y),
        tx: own_x,
        ty: own_y,
    }
}

/// Turns a finished object into a shape: its rectangle (the anchor's, or through the
/// enclosing group), kind, text, line and the cell holding its centre.
fn finish(
    o: &Obj,
    parents: &[Obj],
    a: &AnchorState,
    cols: &Axis,
    rows: &Axis,
    (n_rows, n_cols): (usize, usize),
) -> Option<Shape> {
    let (kind, geometry) = match o.tag.as_str() {
        "grpSp" | "graphicFrame" => return None,
        "pic" => (ShapeKind::Other, "pic".to_string()),
        "cxnSp" => (
            ShapeKind::Arrow,
            o.prst.clone().unwrap_or_else(|| "cxnSp".into()),
        ),
        _ => match (&o.prst, o.cust_geom) {
            (Some(p), _) => (kind_of_preset(p), p.clone()),
            (None, true) => (ShapeKind::Other, "custGeom".to_string()),
            (None, false) => (ShapeKind::Other, "sp".to_string()),
        },
    };
    let rect = match parents.last().and_then(|g| g.child_tf) {
        None => anchor_rect(a, cols, rows),
        Some(tf) => {
            let (ox, oy) = o.xfrm.off.unwrap_or((0.0, 0.0));
            let (cx, cy) = o.xfrm.ext.unwrap_or((0.0, 0.0));
            let (x, y) = tf.apply(ox, oy);
            Rect {
                x: x as f32,
                y: y as f32,
                w: (cx * tf.sx).abs() as f32,
                h: (cy * tf.sy).abs() as f32,
            }
        }
    };
    let kind = match (kind, o.prst.is_none() && o.cust_geom) {
        (ShapeKind::Other, true) => {
            let curved = o.path_curved || o.path_pts.len() < o.path_total && o.path_total > 4;
            Outline::new(&o.path_pts, curved)
                .map(|g| g.kind(if rect.h > 0.0 { rect.w / rect.h } else { 1.0 }))
                .unwrap_or(ShapeKind::Other)
        }
        (k, _) => k,
    };
    let line = (kind == ShapeKind::Arrow).then(|| line_of(&rect, &o.xfrm));
    let c = rect.centre();
    let (row, col) = (
        rows.locate(f64::from(c.y)) as usize,
        cols.locate(f64::from(c.x)) as usize,
    );
    let anchor = if row < n_rows && col < n_cols {
        Anchor::Cell { block: 0, row, col }
    } else {
        Anchor::Free
    };
    Some(Shape {
        kind,
        geometry,
        text: o.text.trim().to_string(),
        text_box: o.text_box,
        anchor,
        bbox: Some(rect),
        line,
        page: None,
        picture: None,
    })
}

/// A connector's start and end: the rectangle's diagonal, flipped and rotated as the
/// xfrm says.
fn line_of(r: &Rect, x: &Xfrm) -> (Point, Point) {
    let (x0, x1) = if x.flip_h {
        (r.x + r.w, r.x)
    } else {
        (r.x, r.x + r.w)
    };
    let (y0, y1) = if x.flip_v {
        (r.y + r.h, r.y)
    } else {
        (r.y, r.y + r.h)
    };
    let mut a = Point { x: x0, y: y0 };
    let mut b = Point { x: x1, y: y1 };
    if x.rot.abs() > 0.01 {
        let c = r.centre();
        let (s, co) = (
            x.rot.to_radians().sin() as f32,
            x.rot.to_radians().cos() as f32,
        );
        let turn = |p: Point| Point {
            x: c.x + (p.x - c.x) * co - (p.y - c.y) * s,
            y: c.y + (p.x - c.x) * s + (p.y - c.y) * co,
        };
        a = turn(a);
        b = turn(b);
    }
    (a, b)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn presets_map_to_kinds() {
        assert_eq!(kind_of_preset("flowChartTerminator"), ShapeKind::Terminator);
        assert_eq!(kind_of_preset("roundRect"), ShapeKind::Terminator);
        assert_eq!(kind_of_preset("rect"), ShapeKind::Process);
        assert_eq!(kind_of_preset("diamond"), ShapeKind::Decision);
        assert_eq!(kind_of_preset("ellipse"), ShapeKind::Connector);
        assert_eq!(kind_of_preset("homePlate"), ShapeKind::OffPage);
        assert_eq!(kind_of_preset("bentConnector3"), ShapeKind::Arrow);
        assert_eq!(kind_of_preset("cloud"), ShapeKind::Other);
    }

    #[test]
    fn custom_geometry_paths_are_classified() {
        let shape = |path: &str| {
            format!(
                r#"<xdr:oneCellAnchor><xdr:from><xdr:col>1</xdr:col><xdr:colOff>0</xdr:colOff><xdr:row>1</xdr:row><xdr:rowOff>0</xdr:rowOff></xdr:from><xdr:ext cx="508000" cy="254000"/><xdr:sp><xdr:spPr><a:custGeom><a:pathLst><a:path w="100" h="50">{path}</a:path></a:pathLst></a:custGeom></xdr:spPr></xdr:sp><xdr:clientData/></xdr:oneCellAnchor>"#
            )
        };
        let xml = format!(
            r#"<xdr:wsDr xmlns:xdr="x" xmlns:a="a">{}{}{}</xdr:wsDr>"#,
            shape(
                r#"<a:moveTo><a:pt x="0" y="25"/></a:moveTo><a:lnTo><a:pt x="50" y="0"/></a:lnTo><a:lnTo><a:pt x="100" y="25"/></a:lnTo><a:lnTo><a:pt x="50" y="50"/></a:lnTo><a:close/>"#
            ),
            shape(
                r#"<a:moveTo><a:pt x="0" y="0"/></a:moveTo><a:lnTo><a:pt x="100" y="0"/></a:lnTo><a:lnTo><a:pt x="100" y="50"/></a:lnTo><a:lnTo><a:pt x="0" y="50"/></a:lnTo><a:close/>"#
            ),
            shape(
                r#"<a:moveTo><a:pt x="25" y="0"/></a:moveTo><a:lnTo><a:pt x="75" y="0"/></a:lnTo><a:arcTo wR="25" hR="25" stAng="16200000" swAng="10800000"/><a:lnTo><a:pt x="25" y="50"/></a:lnTo><a:arcTo wR="25" hR="25" stAng="5400000" swAng="10800000"/><a:close/>"#
            ),
        );
        let cols = Axis::new(50.0, vec![]);
        let rows = Axis::new(20.0, vec![]);
        let shapes = read_drawing(
            xml.as_bytes(),
            &cols,
            &rows,
            (10, 10),
            &Budget::default(),
            "d",
            &HashMap::new(),
        )
        .unwrap();
        let kinds: Vec<ShapeKind> = shapes.iter().map(|s| s.kind).collect();
        assert_eq!(
            kinds,
            vec![
                ShapeKind::Decision,
                ShapeKind::Process,
                ShapeKind::Terminator
            ]
        );
        assert!(shapes.iter().all(|s| s.geometry == "custGeom"));
    }

    #[test]
    fn group_children_are_placed_through_the_group() {
        let xml = br#"<xdr:wsDr xmlns:xdr="x" xmlns:a="a"><xdr:absoluteAnchor>
          <xdr:pos x="0" y="0"/><xdr:ext cx="1270000" cy="1270000"/>
          <xdr:grpSp><xdr:grpSpPr><a:xfrm><a:off x="0" y="0"/><a:ext cx="1270000" cy="1270000"/>
            <a:chOff x="1000" y="1000"/><a:chExt cx="2000" cy="2000"/></a:xfrm></xdr:grpSpPr>
            <xdr:sp><xdr:nvSpPr><xdr:cNvPr id="2" name="d"/><xdr:cNvSpPr/></xdr:nvSpPr>
              <xdr:spPr><a:xfrm><a:off x="2000" y="2000"/><a:ext cx="1000" cy="1000"/></a:xfrm>
              <a:prstGeom prst="diamond"/></xdr:spPr></xdr:sp>
            <xdr:cxnSp><xdr:spPr><a:xfrm flipV="1"><a:off x="1000" y="1000"/><a:ext cx="1000" cy="1000"/></a:xfrm>
              <a:prstGeom prst="straightConnector1"/></xdr:spPr></xdr:cxnSp>
          </xdr:grpSp><xdr:clientData/></xdr:absoluteAnchor></xdr:wsDr>"#;
        let cols = Axis::new(50.0, vec![]);
        let rows = Axis::new(20.0, vec![]);
        let budget = Budget::default();
        let shapes = read_drawing(
            xml,
            &cols,
            &rows,
            (10, 10),
            &budget,
            "d.xml",
            &HashMap::new(),
        )
        .unwrap();
        assert_eq!(shapes.len(), 2);
        let d = &shapes[0];
        assert_eq!(d.kind, ShapeKind::Decision);
        // The group is 100 pt square over a 2000-unit child space: the diamond sits at
        // (50, 50) with size 50.
        assert_eq!(
            d.bbox,
            Some(Rect {
                x: 50.0,
                y: 50.0,
                w: 50.0,
                h: 50.0
            })
        );
        assert_eq!(
            d.anchor,
            Anchor::Cell {
                block: 0,
                row: 3,
                col: 1
            }
        );
        let (p, q) = shapes[1].line.unwrap();
        assert_eq!((p.x, p.y, q.x, q.y), (0.0, 50.0, 50.0, 0.0));
    }
}
