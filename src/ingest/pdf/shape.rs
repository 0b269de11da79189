//! Path geometry: recognising flowchart symbols from the outline of a closed path.
//!
//! Works on the flattened outline (curves sampled) so that producers that write
//! Bézier curves (LibreOffice, Excel) and producers that flatten them into many short
//! segments (FPDF forms, FORMATS.md §4: 042, 111) are recognised alike. The features are
//! the number of corners left after merging nearly collinear edges, the ratio of the
//! polygon's area to its bounding box, axis alignment, and the spread of the radius.

use super::content::{Pt, SubPath};
use crate::model::{Rect, ShapeKind};

/// What one closed outline looks like.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Outline {
    /// A flowchart symbol.
    Symbol(ShapeKind, &'static str),
    /// A small triangle: an arrowhead.
    Triangle,
    /// Nothing recognised.
    Unknown,
}

/// Bounding box of points.
pub fn bbox(points: &[Pt]) -> Rect {
    let mut x0 = f32::MAX;
    let mut y0 = f32::MAX;
    let mut x1 = f32::MIN;
    let mut y1 = f32::MIN;
    for p in points {
        x0 = x0.min(p.x);
        y0 = y0.min(p.y);
        x1 = x1.max(p.x);
        y1 = y1.max(p.y);
    }
    if x0 > x1 {
        return Rect::default();
    }
    Rect {
        x: x0,
        y: y0,
        w: x1 - x0,
        h: y1 - y0,
    }
}

/// Absolute area of a polygon (shoelace).
pub fn area(points: &[Pt]) -> f32 {
    let n = points.len();
    let mut s = 0.0;
    for i in 0..n {
        let (Some(a), Some(b)) = (points.get(i), points.get((i + 1) % n)) else {
            continue;
        };
        s += a.x * b.y - b.x * a.y;
    }
    (s / 2.0).abs()
}

/// The outline's vertices with duplicates, the closing repeat and nearly collinear
/// vertices removed.
pub fn corners(points: &[Pt]) -> Vec<Pt> {
    let mut pts: Vec<Pt> = Vec::with_capacity(points.len());
    for p in points {
        if pts
            .last()
            .is_none_or(|q| (q.x - p.x).abs() > 0.3 || (q.y - p.y).abs() > 0.3)
        {
            pts.push(*p);
        }
    }
    while pts.len() > 2 {
        match (pts.first(), pts.last()) {
            (Some(a), Some(b)) if (a.x - b.x).abs() <= 0.3 && (a.y - b.y).abs() <= 0.3 => {
                pts.pop();
            }
            _ => break,
        }
    }
    // Drop vertices where the outline turns by less than ~10 degrees (never two
    // neighbours in one pass, so a gentle curve keeps its shape).
    for _ in 0..8 {
        let n = pts.len();
        if n <= 3 {
            break;
        }
        let mut keep = Vec::with_capacity(n);
        let mut dropped_prev = false;
        for i in 0..n {
            let (Some(a), Some(b), Some(c)) =
                (pts.get((i + n - 1) % n), pts.get(i), pts.get((i + 1) % n))
            else {
                continue;
            };
            let (ux, uy) = (b.x - a.x, b.y - a.y);
            let (vx, vy) = (c.x - b.x, c.y - b.y);
            let lu = (ux * ux + uy * uy).sqrt();
            let lv = (vx * vx + vy * vy).sqrt();
            let cos = if lu > 0.0 && lv > 0.0 {
                (ux * vx + uy * vy) / (lu * lv)
            } else {
                1.0
            };
            if cos > 0.985 && !dropped_prev {
                dropped_prev = true;
                continue;
            }
            dropped_prev = false;
            keep.push(*b);
        }
        if keep.len() == n {
            break;
        }
        pts = keep;
    }
    pts
}

/// True when the subpath ends where it starts (or was closed).
pub fn is_closed(sp: &SubPath) -> bool {
    if sp.closed {
        return true;
    }
    match (sp.points.first(), sp.points.last()) {
        (Some(a), Some(b)) => {
            sp.points.len() > 3 && (a.x - b.x).abs() < 0.5 && (a.y - b.y).abs() < 0.5
        }
        _ => false,
    }
}

/// True when every edge of the polygon is horizontal or vertical.
fn axis_aligned(c: &[Pt]) -> bool {
    let n = c.len();
    (0..n).all(|i| match (c.get(i), c.get((i + 1) % n)) {
        (Some(a), Some(b)) => (a.x - b.x).abs() < 0.6 || (a.y - b.y).abs() < 0.6,
        _ => true,
    })
}

/// Classifies one closed outline.
pub fn classify(sp: &SubPath) -> Outline {
    let b = bbox(&sp.points);
    if b.w < 2.0 || b.h < 2.0 || sp.points.len() > 4000 {
        return Outline::Unknown;
    }
    let c = corners(&sp.points);
    let ratio = area(&sp.points) / (b.w * b.h);
    let n = c.len();
    if n == 3 {
        return Outline::Triangle;
    }
    if n == 4 && sp.curves == 0 {
        if axis_aligned(&c) {
            return Outline::Symbol(ShapeKind::Process, "pdf:rect");
        }
        // Diamond: each vertex on the middle of a bbox edge.
        let cx = b.x + b.w / 2.0;
        let cy = b.y + b.h / 2.0;
        let tol_x = b.w * 0.12 + 0.5;
        let tol_y = b.h * 0.12 + 0.5;
        let on_mid = c
            .iter()
            .all(|p| (p.x - cx).abs() < tol_x || (p.y - cy).abs() < tol_y);
        if on_mid && (0.4..0.6).contains(&ratio) {
            return Outline::Symbol(ShapeKind::Decision, "pdf:diamond");
        }
        return Outline::Unknown;
    }
    if n == 5 && sp.curves == 0 && (0.7..0.97).contains(&ratio) {
        return Outline::Symbol(ShapeKind::OffPage, "pdf:pentagon");
    }
    if n >= 4 {
        // Circle: equal width and height, every point at the same distance.
        let cx = b.x + b.w / 2.0;
        let cy = b.y + b.h / 2.0;
        let r = (b.w + b.h) / 4.0;
        let max_dev = sp
            .points
            .iter()
            .map(|p| (((p.x - cx).powi(2) + (p.y - cy).powi(2)).sqrt() - r).abs())
            .fold(0.0f32, f32::max);
        if (b.w - b.h).abs() < 0.1 * b.w.max(b.h) && max_dev < 0.08 * r + 0.3 {
            return Outline::Symbol(ShapeKind::Connector, "pdf:circle");
        }
        if ratio > 0.975 && axis_aligned(&c) && sp.curves == 0 {
            return Outline::Symbol(ShapeKind::Process, "pdf:rect");
        }
        if ratio > 0.75 {
            let geometry = if sp.curves > 0 {
                "pdf:rounded-rect"
            } else {
                "pdf:rounded-rect-flat"
            };
            return Outline::Symbol(ShapeKind::Terminator, geometry);
        }
        if (0.4..0.62).contains(&ratio) {
            return Outline::Symbol(ShapeKind::Decision, "pdf:diamond");
        }
    }
    Outline::Unknown
}

/// True when rectangle `inner` lies within `outer` (with `tol` slack).
pub fn contains(outer: &Rect, inner: &Rect, tol: f32) -> bool {
    inner.x >= outer.x - tol
        && inner.y >= outer.y - tol
        && inner.x + inner.w <= outer.x + outer.w + tol
        && inner.y + inner.h <= outer.y + outer.h + tol
}

/// True when point `p` lies within `r` (with `tol` slack).
pub fn contains_pt(r: &Rect, x: f32, y: f32, tol: f32) -> bool {
    x >= r.x - tol && x <= r.x + r.w + tol && y >= r.y - tol && y <= r.y + r.h + tol
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sp(points: &[(f32, f32)], curves: u32) -> SubPath {
        SubPath {
            points: points.iter().map(|&(x, y)| Pt { x, y }).collect(),
            curves,
            closed: true,
        }
    }

    #[test]
    fn recognises_rect_diamond_triangle() {
        let r = sp(
            &[
                (0.0, 0.0),
                (40.0, 0.0),
                (40.0, 20.0),
                (0.0, 20.0),
                (0.0, 0.0),
            ],
            0,
        );
        assert_eq!(
            classify(&r),
            Outline::Symbol(ShapeKind::Process, "pdf:rect")
        );
        let d = sp(&[(20.0, 0.0), (40.0, 10.0), (20.0, 20.0), (0.0, 10.0)], 0);
        assert_eq!(
            classify(&d),
            Outline::Symbol(ShapeKind::Decision, "pdf:diamond")
        );
        let t = sp(&[(0.0, 0.0), (6.0, 0.0), (3.0, 5.0)], 0);
        assert_eq!(classify(&t), Outline::Triangle);
    }

    #[test]
    fn recognises_flattened_circle_and_stadium() {
        let circle: Vec<(f32, f32)> = (0..32)
            .map(|i| {
                let a = i as f32 / 32.0 * std::f32::consts::TAU;
                (10.0 + 10.0 * a.cos(), 10.0 + 10.0 * a.sin())
            })
            .collect();
        assert_eq!(
            classify(&sp(&circle, 0)),
            Outline::Symbol(ShapeKind::Connector, "pdf:circle")
        );
        // Stadium 60 x 20: two half circles joined by straight edges.
        let mut st = Vec::new();
        for i in 0..=12 {
            let a = -std::f32::consts::FRAC_PI_2 + i as f32 / 12.0 * std::f32::consts::PI;
            st.push((50.0 + 10.0 * a.cos(), 10.0 + 10.0 * a.sin()));
        }
        for i in 0..=12 {
            let a = std::f32::consts::FRAC_PI_2 + i as f32 / 12.0 * std::f32::consts::PI;
            st.push((10.0 + 10.0 * a.cos(), 10.0 + 10.0 * a.sin()));
        }
        assert_eq!(
            classify(&sp(&st, 0)),
            Outline::Symbol(ShapeKind::Terminator, "pdf:rounded-rect-flat")
        );
    }
}
