//! DrawingML (`w:drawing`) and legacy VML (`w:pict`) shapes met by the body pass:
//! their kind, their text-box text, and their box in the anchor's frames (group and
//! canvas child coordinates mapped through the group transforms).

use quick_xml::events::BytesStart;

use crate::model::ShapeKind;

use super::super::shapes::{
    PT_PER_EMU, VmlStyle, drawingml_kind, int_pair, vml_element_kind, vml_point, vml_spt_kind,
    vml_style, vml_type_number,
};
use super::{Box64, HFrame, Host, Pass, RawShape, Tag, VFrame};
use crate::ingest::xml::{attr_qualified, attr_qualified_f64, attr_qualified_i64};

/// `X = sx * x + tx`, `Y = sy * y + ty`: child coordinates of a group to the frame.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(super) struct Affine {
    pub(super) sx: f64,
    pub(super) tx: f64,
    pub(super) sy: f64,
    pub(super) ty: f64,
}

impl Affine {
    pub(super) fn translate(tx: f64, ty: f64) -> Affine {
        Affine {
            sx: 1.0,
            tx,
            sy: 1.0,
            ty,
        }
    }
    pub(super) fn point(&self, x: f64, y: f64) -> (f64, f64) {
        (self.sx * x + self.tx, self.sy * y + self.ty)
    }
    /// `self` applied after `inner`.
    pub(super) fn then(&self, inner: &Affine) -> Affine {
        Affine {
            sx: self.sx * inner.sx,
            tx: self.sx * inner.tx + self.tx,
            sy: self.sy * inner.sy,
            ty: self.sy * inner.ty + self.ty,
        }
    }
    /// The map of a group frame: child box (`ch_off`, `ch_ext`) onto (`off`, `ext`).
    pub(super) fn group(
        off: (f64, f64),
        ext: (f64, f64),
        ch_off: (f64, f64),
        ch_ext: (f64, f64),
    ) -> Self {
        let sx = if ch_ext.0.abs() > f64::EPSILON {
            ext.0 / ch_ext.0
        } else {
            1.0
        };
        let sy = if ch_ext.1.abs() > f64::EPSILON {
            ext.1 / ch_ext.1
        } else {
            1.0
        };
        Affine {
            sx,
            tx: off.0 - ch_off.0 * sx,
            sy,
            ty: off.1 - ch_off.1 * sy,
        }
    }
}

/// A DrawingML shape being read.
#[derive(Debug, Default)]
pub(super) struct DmlShape {
    pub(super) prst: Option<String>,
    pub(super) custom: bool,
    pub(super) connector: bool,
    pub(super) txbox: bool,
    pub(super) picture: bool,
    pub(super) off: Option<(f64, f64)>,
    pub(super) ext: Option<(f64, f64)>,
    pub(super) flip_h: bool,
    pub(super) flip_v: bool,
    /// Clockwise rotation in degrees (`a:xfrm@rot`, 60 000ths of a degree).
    pub(super) rot: f64,
    /// The outline is not drawn (`a:ln/a:noFill`).
    pub(super) no_line: bool,
    pub(super) text: String,
    /// A picture's relationship id (`a:blip r:embed`) naming the part of its pixels.
    pub(super) embed: Option<String>,
}

/// A group's `a:xfrm` being read (EMU converted to points).
#[derive(Debug, Default, Clone, Copy)]
pub(super) struct GroupXfrm {
    pub(super) off: (f64, f64),
    pub(super) ext: (f64, f64),
    pub(super) ch_off: Option<(f64, f64)>,
    pub(super) ch_ext: Option<(f64, f64)>,
}

/// One `w:drawing` being read.
#[derive(Debug)]
pub(super) struct Drawing {
    pub(super) host: Option<Host>,
    pub(super) sect: usize,
    pub(super) inline: bool,
    pub(super) h: HFrame,
    pub(super) v: VFrame,
    pub(super) pos: (f64, f64),
    pub(super) h_align: Option<String>,
    pub(super) extent: Option<(f64, f64)>,
    pub(super) transforms: Vec<Affine>,
    /// One entry per open group: its xfrm while being read, and whether it pushed a
    /// transform.
    pub(super) groups: Vec<(GroupXfrm, bool)>,
    pub(super) shape: Option<DmlShape>,
    /// Number of body blocks before the drawing (where a picture of it stands).
    pub(super) block: usize,
}

/// A VML shape being read.
#[derive(Debug)]
pub(super) struct VmlShape {
    pub(super) kind: ShapeKind,
    pub(super) geometry: String,
    pub(super) style: VmlStyle,
    pub(super) from: Option<(f64, f64, bool)>,
    pub(super) to: Option<(f64, f64, bool)>,
    pub(super) text: String,
    pub(super) text_box: bool,
    /// `stroked="f"`: the outline is not drawn.
    pub(super) no_line: bool,
    /// A picture's relationship id (`v:imagedata r:id`) naming the part of its pixels.
    pub(super) embed: Option<String>,
}

/// One `w:pict` being read.
#[derive(Debug)]
pub(super) struct Pict {
    pub(super) host: Option<Host>,
    pub(super) sect: usize,
    /// Frames of the outermost group, which its children inherit.
    pub(super) frames: Option<(HFrame, VFrame)>,
    pub(super) transforms: Vec<Affine>,
    pub(super) shape: Option<VmlShape>,
    /// Element depth (stack length) at which the current shape started.
    pub(super) shape_depth: usize,
    /// Number of body blocks before the picture (where a picture of it stands).
    pub(super) block: usize,
}

/// `p` rotated clockwise (y downwards) by `deg` degrees about `c`.
pub(super) fn rotate(p: (f64, f64), c: (f64, f64), deg: f64) -> (f64, f64) {
    if deg.abs() < 1e-9 {
        return p;
    }
    let (sin, cos) = deg.to_radians().sin_cos();
    let (dx, dy) = (p.0 - c.0, p.1 - c.1);
    (c.0 + dx * cos - dy * sin, c.1 + dx * sin + dy * cos)
}

/// A rectangle with text and no drawn outline is a label ("Ya", "Tidak"), whether or
/// not the producer marked it as a text box (LibreOffice does not).
pub(super) fn is_label(kind: ShapeKind, no_line: bool, text: &str) -> bool {
    no_line && matches!(kind, ShapeKind::Process | ShapeKind::Other) && !text.trim().is_empty()
}

/// A VML shape's reference frames from its style.
pub(super) fn vml_frames(st: &VmlStyle, in_group: bool) -> (HFrame, VFrame) {
    if !st.absolute && !in_group {
        return (HFrame::Inline, VFrame::Inline);
    }
    let h = match st.h_rel.as_deref() {
        Some("margin") => HFrame::Margin,
        Some("page" | "left-margin-area" | "right-margin-area" | "inner-margin-area")
        | Some("outer-margin-area") => HFrame::Page,
        Some("char") => HFrame::Character,
        _ => HFrame::Column,
    };
    let v = match st.v_rel.as_deref() {
        Some("margin" | "page" | "top-margin-area" | "bottom-margin-area") => VFrame::Page,
        _ => VFrame::Paragraph,
    };
    (h, v)
}

impl Pass<'_> {
    pub(super) fn open_drawing(&mut self, e: &BytesStart<'_>, name: &str, empty: bool) {
        let parent = self.parent();
        let grandparent = self.grandparent();
        let Some(d) = self.drawing.as_mut() else {
            return;
        };
        match name {
            "wp:inline" => {
                d.inline = true;
                d.h = HFrame::Inline;
                d.v = VFrame::Inline;
            }
            "wp:anchor"
                if attr_qualified(e, "simplePos")
                    .as_deref()
                    .is_some_and(|v| v == "1" || v == "true") =>
            {
                d.h = HFrame::Page;
                d.v = VFrame::Page;
            }
            "wp:simplePos" if d.h == HFrame::Page && d.v == VFrame::Page => {
                d.pos = (
                    attr_qualified_f64(e, "x").unwrap_or(0.0) * PT_PER_EMU,
                    attr_qualified_f64(e, "y").unwrap_or(0.0) * PT_PER_EMU,
                );
            }
            "wp:positionH" => {
                d.h = match attr_qualified(e, "relativeFrom").as_deref() {
                    Some("margin") => HFrame::Margin,
                    Some("page" | "leftMargin" | "rightMargin" | "insideMargin")
                    | Some("outsideMargin") => HFrame::Page,
                    Some("character") => HFrame::Character,
                    _ => HFrame::Column,
                };
            }
            "wp:positionV" => {
                d.v = match attr_qualified(e, "relativeFrom").as_deref() {
                    Some("paragraph" | "line") | None => VFrame::Paragraph,
                    _ => VFrame::Page,
                };
            }
            "wp:extent" => {
                if let (Some(cx), Some(cy)) =
                    (attr_qualified_f64(e, "cx"), attr_qualified_f64(e, "cy"))
                {
                    d.extent = Some((cx * PT_PER_EMU, cy * PT_PER_EMU));
                }
            }
            "wps:wsp" | "pic:pic" => {
                d.shape = Some(DmlShape {
                    picture: name == "pic:pic",
                    ..Default::default()
                });
                if empty {
                    self.finish_dml_shape();
                }
            }
            "wps:cNvCnPr" => {
                if let Some(s) = d.shape.as_mut() {
                    s.connector = true;
                }
            }
            "wps:cNvSpPr" => {
                if let Some(s) = d.shape.as_mut() {
                    s.txbox = matches!(attr_qualified(e, "txBox").as_deref(), Some("1" | "true"));
                }
            }
            "a:blip" => {
                if let Some(s) = d.shape.as_mut().filter(|s| s.picture) {
                    s.embed = attr_qualified(e, "r:embed").map(|v| v.into_owned());
                }
            }
            "a:prstGeom" => {
                if let Some(s) = d.shape.as_mut() {
                    s.prst = attr_qualified(e, "prst").map(|v| v.into_owned());
                }
            }
            "a:noFill" if parent == Tag::Ln && grandparent == Tag::SpPr => {
                if let Some(s) = d.shape.as_mut() {
                    s.no_line = true;
                }
            }
            "a:custGeom" => {
                if let Some(s) = d.shape.as_mut() {
                    s.custom = true;
                }
            }
            "wpg:wgp" | "wpg:grpSp" => d.groups.push((GroupXfrm::default(), false)),
            "wpc:wpc" => {
                let base = Affine::translate(d.pos.0, d.pos.1);
                d.transforms.push(base);
            }
            "a:xfrm" if parent == Tag::SpPr => {
                if let Some(s) = d.shape.as_mut() {
                    s.flip_h = matches!(attr_qualified(e, "flipH").as_deref(), Some("1" | "true"));
                    s.flip_v = matches!(attr_qualified(e, "flipV").as_deref(), Some("1" | "true"));
                    s.rot = attr_qualified_f64(e, "rot").map_or(0.0, |r| r / 60_000.0);
                }
            }
            "a:off" | "a:ext" | "a:chOff" | "a:chExt" if parent == Tag::Xfrm => {
                let (kx, ky) = if name == "a:off" || name == "a:chOff" {
                    ("x", "y")
                } else {
                    ("cx", "cy")
                };
                let v = (
                    attr_qualified_f64(e, kx).unwrap_or(0.0) * PT_PER_EMU,
                    attr_qualified_f64(e, ky).unwrap_or(0.0) * PT_PER_EMU,
                );
                if grandparent == Tag::SpPr {
                    if let Some(s) = d.shape.as_mut() {
                        match name {
                            "a:off" => s.off = Some(v),
                            "a:ext" => s.ext = Some(v),
                            _ => {}
                        }
                    }
                } else if grandparent == Tag::GrpSpPr
                    && let Some((g, _)) = d.groups.last_mut()
                {
                    match name {
                        "a:off" => g.off = v,
                        "a:ext" => g.ext = v,
                        "a:chOff" => g.ch_off = Some(v),
                        _ => g.ch_ext = Some(v),
                    }
                }
            }
            _ => {}
        }
    }

    pub(super) fn open_pict(&mut self, e: &BytesStart<'_>, name: &str, empty: bool) {
        let depth = self.stack.len();
        let Some(p) = self.pict.as_mut() else {
            return;
        };
        match name {
            "v:shapetype" => {
                if let (Some(id), Some(spt)) =
                    (attr_qualified(e, "id"), attr_qualified_i64(e, "o:spt"))
                {
                    self.shapetypes
                        .insert(id.into_owned(), u32::try_from(spt).unwrap_or(0));
                }
            }
            "v:group" if p.shape.is_none() => {
                let st = vml_style(&attr_qualified(e, "style").unwrap_or_default());
                let (origin, size) = (
                    attr_qualified(e, "coordorigin")
                        .and_then(|s| int_pair(&s))
                        .unwrap_or((0.0, 0.0)),
                    attr_qualified(e, "coordsize").and_then(|s| int_pair(&s)),
                );
                if p.transforms.is_empty() {
                    p.frames = Some(vml_frames(&st, false));
                }
                // Bare numbers are pixels at the top level, parent units inside a group.
                let px = if p.transforms.is_empty() { 0.75 } else { 1.0 };
                let left = st.left.map_or(0.0, |(v, u)| if u { v } else { v * px });
                let top = st.top.map_or(0.0, |(v, u)| if u { v } else { v * px });
                let width = st.width.map_or(0.0, |(v, u)| if u { v } else { v * px });
                let height = st.height.map_or(0.0, |(v, u)| if u { v } else { v * px });
                let size = size.unwrap_or((width, height));
                let inner = Affine::group((left, top), (width, height), origin, size);
                let outer = p.transforms.last().copied();
                p.transforms.push(outer.map_or(inner, |o| o.then(&inner)));
            }
            "v:textbox" => {
                if let Some(s) = p.shape.as_mut()
                    && s.geometry == "202"
                {
                    s.text_box = true;
                }
            }
            "v:imagedata" => {
                if let Some(s) = p.shape.as_mut() {
                    s.kind = ShapeKind::Other;
                    s.geometry = "picture".into();
                    s.embed = attr_qualified(e, "r:id").map(|v| v.into_owned());
                }
            }
            _ if p.shape.is_none() && name.starts_with("v:") => {
                let kind = match vml_element_kind(name) {
                    Some(k) => Some((k, name.to_string())),
                    None if name == "v:shape" => {
                        let spt = attr_qualified_i64(e, "o:spt")
                            .and_then(|v| u32::try_from(v).ok())
                            .or_else(|| {
                                let t = attr_qualified(e, "type")?;
                                let id = t.trim().trim_start_matches('#').to_string();
                                self.shapetypes
                                    .get(&id)
                                    .copied()
                                    .or_else(|| vml_type_number(&t))
                            });
                        Some(match spt {
                            Some(n) => (vml_spt_kind(n), n.to_string()),
                            None => (ShapeKind::Other, "v:shape".to_string()),
                        })
                    }
                    None => None,
                };
                if let Some((kind, geometry)) = kind {
                    let shape = VmlShape {
                        kind,
                        text_box: geometry == "202",
                        geometry,
                        style: vml_style(&attr_qualified(e, "style").unwrap_or_default()),
                        from: attr_qualified(e, "from").and_then(|s| vml_point(&s)),
                        to: attr_qualified(e, "to").and_then(|s| vml_point(&s)),
                        no_line: matches!(
                            attr_qualified(e, "stroked").as_deref(),
                            Some("f" | "false")
                        ),
                        text: String::new(),
                        embed: None,
                    };
                    p.shape = Some(shape);
                    p.shape_depth = depth;
                    if empty {
                        self.finish_vml_shape();
                    }
                }
            }
            _ => {}
        }
    }

    pub(super) fn close_drawing(&mut self, name: &str) {
        match name {
            "wps:wsp" | "pic:pic" => self.finish_dml_shape(),
            "wpg:grpSpPr" => {
                let Some(d) = self.drawing.as_mut() else {
                    return;
                };
                let outer = d.transforms.last().copied();
                let pos = d.pos;
                if let Some((g, pushed)) = d.groups.last_mut() {
                    let inner = Affine::group(
                        g.off,
                        g.ext,
                        g.ch_off.unwrap_or(g.off),
                        g.ch_ext.unwrap_or(g.ext),
                    );
                    let full = match outer {
                        Some(o) => o.then(&inner),
                        // The outermost group sits where the anchor puts it.
                        None => Affine::translate(pos.0 - g.off.0, pos.1 - g.off.1).then(&inner),
                    };
                    d.transforms.push(full);
                    *pushed = true;
                }
            }
            "wpg:wgp" | "wpg:grpSp" => {
                if let Some(d) = self.drawing.as_mut()
                    && let Some((_, pushed)) = d.groups.pop()
                    && pushed
                {
                    d.transforms.pop();
                }
            }
            "wpc:wpc" => {
                if let Some(d) = self.drawing.as_mut() {
                    d.transforms.pop();
                }
            }
            _ => {}
        }
    }

    pub(super) fn close_pict(&mut self, name: &str) {
        let depth = self.stack.len();
        let Some(p) = self.pict.as_mut() else {
            return;
        };
        if p.shape.is_some() && depth == p.shape_depth {
            self.finish_vml_shape();
        } else if name == "v:group" && p.shape.is_none() {
            p.transforms.pop();
        }
    }

    pub(super) fn finish_dml_shape(&mut self) {
        let Some(d) = self.drawing.as_mut() else {
            return;
        };
        let Some(s) = d.shape.take() else {
            return;
        };
        let kind = if s.picture {
            ShapeKind::Other
        } else {
            drawingml_kind(s.prst.as_deref(), s.connector)
        };
        let geometry = if s.picture {
            "picture".to_string()
        } else if let Some(p) = s.prst {
            p
        } else if s.custom {
            "custGeom".to_string()
        } else {
            String::new()
        };
        let rect = match (d.transforms.last(), s.off, s.ext) {
            (Some(t), Some(off), Some(ext)) => {
                let (x, y) = t.point(off.0, off.1);
                Box64 {
                    x,
                    y,
                    w: ext.0 * t.sx,
                    h: ext.1 * t.sy,
                }
            }
            _ => {
                let ext = d.extent.or(s.ext).unwrap_or((0.0, 0.0));
                Box64 {
                    x: d.pos.0,
                    y: d.pos.1,
                    w: ext.0,
                    h: ext.1,
                }
            }
        };
        let line = (kind == ShapeKind::Arrow).then(|| {
            let (mut x0, mut x1) = (rect.x, rect.x + rect.w);
            let (mut y0, mut y1) = (rect.y, rect.y + rect.h);
            if s.flip_h {
                std::mem::swap(&mut x0, &mut x1);
            }
            if s.flip_v {
                std::mem::swap(&mut y0, &mut y1);
            }
            let c = (rect.x + rect.w / 2.0, rect.y + rect.h / 2.0);
            (rotate((x0, y0), c, s.rot), rotate((x1, y1), c, s.rot))
        });
        // The bounding box of a rotated shape: the bounds of its rotated corners.
        let rect = if s.rot.rem_euclid(360.0).abs() > 1e-6 {
            let c = (rect.x + rect.w / 2.0, rect.y + rect.h / 2.0);
            let corners = [
                (rect.x, rect.y),
                (rect.x + rect.w, rect.y),
                (rect.x, rect.y + rect.h),
                (rect.x + rect.w, rect.y + rect.h),
            ]
            .map(|p| rotate(p, c, s.rot));
            let (mut x0, mut y0, mut x1, mut y1) = (f64::MAX, f64::MAX, f64::MIN, f64::MIN);
            for (x, y) in corners {
                x0 = x0.min(x);
                y0 = y0.min(y);
                x1 = x1.max(x);
                y1 = y1.max(y);
            }
            Box64 {
                x: x0,
                y: y0,
                w: x1 - x0,
                h: y1 - y0,
            }
        } else {
            rect
        };
        let text_box = s.txbox || is_label(kind, s.no_line, &s.text);
        let grouped = !d.transforms.is_empty();
        let raw = RawShape {
            grouped,
            kind,
            geometry,
            text: s.text,
            text_box,
            host: d.host,
            sect: d.sect,
            h: d.h,
            v: d.v,
            h_align: d.h_align.clone(),
            rect: Box64 {
                w: rect.w.abs(),
                h: rect.h.abs(),
                ..rect
            },
            line,
            embed: s.embed,
            block: d.block,
        };
        self.body.shapes.push(raw);
    }

    pub(super) fn finish_vml_shape(&mut self) {
        let Some(p) = self.pict.as_mut() else {
            return;
        };
        let Some(s) = p.shape.take() else {
            return;
        };
        let in_group = !p.transforms.is_empty();
        let (h, v) = match p.frames {
            Some(f) if in_group => f,
            _ => vml_frames(&s.style, in_group),
        };
        // Inside a group, numbers are group coordinates; outside, lengths in points
        // (a bare number is a CSS pixel).
        let t = p.transforms.last().copied();
        let px = |v: f64, unit: bool| if unit { v } else { v * 0.75 };
        let pos = |x: (f64, bool), y: (f64, bool)| -> (f64, f64) {
            match t {
                Some(t) => t.point(x.0, y.0),
                None => (px(x.0, x.1), px(y.0, y.1)),
            }
        };
        let len = |w: (f64, bool), h: (f64, bool)| -> (f64, f64) {
            match t {
                Some(t) => (w.0 * t.sx, h.0 * t.sy),
                None => (px(w.0, w.1), px(h.0, h.1)),
            }
        };
        let (rect, line) = match (s.from, s.to) {
            (Some(f), Some(to)) if s.kind == ShapeKind::Arrow => {
                let a = pos((f.0, f.2), (f.1, f.2));
                let b = pos((to.0, to.2), (to.1, to.2));
                let rect = Box64 {
                    x: a.0.min(b.0),
                    y: a.1.min(b.1),
                    w: (a.0 - b.0).abs(),
                    h: (a.1 - b.1).abs(),
                };
                (rect, Some((a, b)))
            }
            _ => {
                let zero = (0.0, true);
                let (x, y) = pos(s.style.left.unwrap_or(zero), s.style.top.unwrap_or(zero));
                let (w, h) = len(
                    s.style.width.unwrap_or(zero),
                    s.style.height.unwrap_or(zero),
                );
                let rect = Box64 {
                    x: x.min(x + w),
                    y: y.min(y + h),
                    w: w.abs(),
                    h: h.abs(),
                };
                let line = (s.kind == ShapeKind::Arrow).then(|| {
                    let (mut x0, mut x1) = (rect.x, rect.x + rect.w);
                    let (mut y0, mut y1) = (rect.y, rect.y + rect.h);
                    if s.style.flip_x {
                        std::mem::swap(&mut x0, &mut x1);
                    }
                    if s.style.flip_y {
                        std::mem::swap(&mut y0, &mut y1);
                    }
                    ((x0, y0), (x1, y1))
                });
                (rect, line)
            }
        };
        let raw = RawShape {
            text_box: s.text_box || is_label(s.kind, s.no_line, &s.text),
            kind: s.kind,
            geometry: s.geometry,
            text: s.text,
            host: p.host,
            sect: p.sect,
            h,
            v,
            h_align: None,
            rect,
            line,
            grouped: in_group,
            embed: s.embed,
            block: p.block,
        };
        self.body.shapes.push(raw);
    }
}
