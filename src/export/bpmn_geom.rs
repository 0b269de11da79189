//! Plane geometry of an exported BPMN diagram: boxes, the segments of orthogonal paths,
//! and the placement of a flow's name ("Ya"/"Tidak") beside its path where it touches
//! no shape, no label and no other line.
//!
//! The stages of [`place_label`]: [`label_candidates`] lists the positions beside each
//! segment of the path, first segment first and the preferred side first; the first
//! one that is clear of every box and every other line wins.

/// A point of the diagram (pixels).
pub type Point = (i64, i64);

/// A straight piece of a drawn line, from one point to the next.
pub type Segment = (Point, Point);

/// An axis-aligned box of the diagram (pixels): the export's one rectangle type.
pub use super::layout::Rect;

impl Rect {
    /// Whether the interiors of the two boxes share a point.
    pub fn intersects(&self, o: &Rect) -> bool {
        self.x < o.x + o.w && o.x < self.x + self.w && self.y < o.y + o.h && o.y < self.y + self.h
    }

    /// Whether the segment from `a` to `b` passes through the box's interior (touching
    /// an edge or a corner does not count): Liang–Barsky clipping against the box
    /// shrunk by a hair, so a line along an edge stays outside.
    pub fn crossed_by(&self, (a, b): Segment) -> bool {
        const HAIR: f64 = 0.5;
        let (x0, y0) = (a.0 as f64, a.1 as f64);
        let (dx, dy) = ((b.0 - a.0) as f64, (b.1 - a.1) as f64);
        let (left, right) = (self.x as f64 + HAIR, (self.x + self.w) as f64 - HAIR);
        let (top, bottom) = (self.y as f64 + HAIR, (self.y + self.h) as f64 - HAIR);
        if left > right || top > bottom {
            return false;
        }
        let mut t0 = 0.0f64;
        let mut t1 = 1.0f64;
        for (p, q) in [
            (-dx, x0 - left),
            (dx, right - x0),
            (-dy, y0 - top),
            (dy, bottom - y0),
        ] {
            if p == 0.0 {
                if q < 0.0 {
                    return false;
                }
            } else {
                let r = q / p;
                if p < 0.0 {
                    t0 = t0.max(r);
                } else {
                    t1 = t1.min(r);
                }
            }
        }
        t0 < t1
    }
}

/// The segments of a path through `points`.
pub fn segments(points: &[Point]) -> Vec<Segment> {
    points.windows(2).map(|w| (w[0], w[1])).collect()
}

/// What a flow's name must stay clear of: the boxes of shapes, labels and notes, and
/// the lines of the other flows and associations.
#[derive(Default)]
pub struct Obstacles {
    /// Shapes, labels, notes and the names placed so far.
    pub boxes: Vec<Rect>,
    /// Lines of the diagram (flows and associations), each with the index of the flow
    /// it belongs to (`usize::MAX` for an association), so a name ignores its own flow.
    pub lines: Vec<(usize, Segment)>,
}

impl Obstacles {
    /// Whether `r` is clear of every box and of every line not of flow `own`.
    pub fn clear(&self, r: &Rect, own: usize) -> bool {
        !self.boxes.iter().any(|b| b.intersects(r))
            && !self
                .lines
                .iter()
                .any(|(k, s)| *k != own && r.crossed_by(*s))
    }
}

/// Gap between a line and the name written beside it (pixels).
pub const LABEL_GAP: i64 = 4;

/// Which side of its line a name prefers: above a horizontal segment and right of a
/// vertical one (`First`), or below and left (`Second`), so that the two answers of
/// one gateway leaving on one side stay apart.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Side {
    /// Above / right.
    First,
    /// Below / left.
    Second,
}

/// The positions a name of `size` may take beside the segments of `path`, in order of
/// preference: segment by segment from the source, on the preferred side then the
/// other, near the segment's start then at its middle. A position is listed only where
/// the segment is long enough to hold the name beside it.
pub fn label_candidates(path: &[Point], size: (i64, i64), side: Side) -> Vec<Rect> {
    let (w, h) = size;
    let g = LABEL_GAP;
    let sides = match side {
        Side::First => [Side::First, Side::Second],
        Side::Second => [Side::Second, Side::First],
    };
    let mut out = Vec::new();
    for (a, b) in segments(path) {
        let horizontal = a.1 == b.1;
        let len = if horizontal {
            (b.0 - a.0).abs()
        } else {
            (b.1 - a.1).abs()
        };
        let room = if horizontal { w } else { h };
        if len < room + 2 * g {
            continue;
        }
        for s in sides {
            for near_start in [true, false] {
                out.push(if horizontal {
                    let x = match (near_start, b.0 > a.0) {
                        (true, true) => a.0 + g,
                        (true, false) => a.0 - g - w,
                        (false, _) => (a.0 + b.0) / 2 - w / 2,
                    };
                    let y = match s {
                        Side::First => a.1 - g - h,
                        Side::Second => a.1 + g,
                    };
                    Rect { x, y, w, h }
                } else {
                    let y = match (near_start, b.1 > a.1) {
                        (true, true) => a.1 + g,
                        (true, false) => a.1 - g - h,
                        (false, _) => (a.1 + b.1) / 2 - h / 2,
                    };
                    let x = match s {
                        Side::First => a.0 + g,
                        Side::Second => a.0 - g - w,
                    };
                    Rect { x, y, w, h }
                });
            }
        }
    }
    out
}

/// The box of flow `own`'s name beside `path`: the first candidate
/// ([`label_candidates`]) clear of `obstacles`, else the first candidate, else a box
/// at the path's start.
pub fn place_label(
    path: &[Point],
    size: (i64, i64),
    side: Side,
    own: usize,
    obstacles: &Obstacles,
) -> Rect {
    let candidates = label_candidates(path, size, side);
    if let Some(r) = candidates.iter().find(|r| obstacles.clear(r, own)) {
        return *r;
    }
    if let Some(r) = candidates.first() {
        return *r;
    }
    let (x, y) = path.first().copied().unwrap_or((0, 0));
    Rect {
        x: x + LABEL_GAP,
        y: y - LABEL_GAP - size.1,
        w: size.0,
        h: size.1,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn r(x: i64, y: i64, w: i64, h: i64) -> Rect {
        Rect { x, y, w, h }
    }

    #[test]
    fn a_segment_crosses_a_box_only_through_its_interior() {
        let b = r(10, 10, 20, 20);
        assert!(b.crossed_by(((0, 20), (40, 20))));
        assert!(b.crossed_by(((20, 0), (20, 15))));
        assert!(b.crossed_by(((0, 0), (40, 40))));
        // Along an edge, ending on an edge, or beside it: outside.
        assert!(!b.crossed_by(((0, 10), (40, 10))));
        assert!(!b.crossed_by(((20, 0), (20, 10))));
        assert!(!b.crossed_by(((31, 0), (31, 40))));
    }

    #[test]
    fn a_name_moves_past_a_box_on_its_first_choice() {
        // A horizontal exit to the right; a box sits above its start.
        let path = [(100, 100), (200, 100)];
        let mut obstacles = Obstacles::default();
        obstacles.boxes.push(r(100, 70, 40, 28));
        let got = place_label(&path, (34, 14), Side::First, 0, &obstacles);
        assert!(!got.intersects(&r(100, 70, 40, 28)));
        // The preferred side is blocked near the start: it goes below, near the start.
        assert_eq!(got, r(104, 104, 34, 14));
    }

    #[test]
    fn a_name_skips_a_segment_crossed_by_another_line() {
        let path = [(100, 100), (100, 20), (300, 20)];
        let mut obstacles = Obstacles::default();
        // Another flow runs down just left and right of the vertical segment.
        obstacles.lines.push((1, ((90, 0), (90, 200))));
        obstacles.lines.push((1, ((110, 0), (110, 200))));
        let got = place_label(&path, (34, 14), Side::First, 0, &obstacles);
        // Beside the second, horizontal segment, above it.
        assert_eq!(got.y, 20 - LABEL_GAP - 14);
        assert!(got.x > 110);
    }
}
