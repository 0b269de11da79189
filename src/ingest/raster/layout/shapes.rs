//! Flowchart symbols in a table: outlined symbols are the closed paper regions inside a
//! cell (what a symbol's outline encloses), filled symbols are the solid ink left after
//! thin strokes are eroded away; each is classified by the profile of its region.
//! Connector lines are the strokes that are neither ruling lines nor symbol edges.

use imageproc::region_labelling::Connectivity;

use super::bitmap::{self, Component, Ink, components, grow};
use super::grid::Grid;
use super::segments::Seg;
use crate::ingest::raster::{PxRect, RasterShape};
use crate::model::ShapeKind;

/// A symbol is at least this many letter heights wide …
const MIN_SYMBOL_WIDTH: f32 = 1.5;
/// … and this many letter heights tall (letter counters, the holes of "o", are smaller).
const MIN_SYMBOL_HEIGHT: f32 = 0.8;
/// A symbol stays in its column: at most this share of the column's width sticks out.
const COLUMN_OVERHANG: f32 = 0.15;
/// Side of a corner probe, as a share of the symbol's smaller side.
const CORNER_SHARE: f32 = 0.15;
/// A corner is cut (rounded, or the point of a diamond) when this share of its probe
/// lies outside the symbol.
const CORNER_CUT: f32 = 0.3;
/// A diamond fills about half its box; rectangles, stadiums and circles fill more.
const DIAMOND_FILL: f32 = 0.7;
/// A circle's box is about square: width over height within 1/this..this.
const ROUND_ASPECT: f32 = 1.4;
/// A pentagon's point: the row 90 % down is at most this share of the width.
const POINT_WIDTH: f32 = 0.6;
/// Erosion radius for filled symbols, as a share of the letter height (text strokes are
/// thinner than twice this and vanish).
const SOLID_ERODE: f32 = 0.2;
/// A filled symbol's eroded core fills at least this share of its box.
const SOLID_FILL: f32 = 0.6;
/// An arrowhead's ink around a line's end fills at least this share of its probe.
const HEAD_INK: f32 = 0.15;

/// Symbols and connector lines of one table. `rest` is the ink without ruling lines.
pub fn find(rest: &Ink, grid: &Grid, strokes: &[Seg], th: f32) -> Vec<RasterShape> {
    let area = grid.table.bbox;
    let crop = rest.crop(area);
    let mut shapes = outlined(&crop, th);
    for s in solid(&crop, th) {
        if !shapes.iter().any(|o| overlap(o.bbox, s.bbox)) {
            shapes.push(s);
        }
    }
    for s in &mut shapes {
        s.bbox.x += area.x;
        s.bbox.y += area.y;
    }
    shapes.retain(|s| fits_column(s.bbox, grid));
    let lines = connectors(rest, grid, strokes, &shapes, th);
    shapes.extend(lines);
    shapes
}

/// Symbols of a picture that holds no grid of its own (flowchart symbols pasted as a
/// picture over a text table's columns): outlined ones, then filled ones not already
/// found. Coordinates are `ink`'s.
pub fn free_symbols(ink: &Ink, th: f32) -> Vec<RasterShape> {
    let mut shapes = outlined(ink, th);
    for s in solid(ink, th) {
        if !shapes.iter().any(|o| overlap(o.bbox, s.bbox)) {
            shapes.push(s);
        }
    }
    shapes
}

fn overlap(a: PxRect, b: PxRect) -> bool {
    a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h
}

/// Whether a symbol stays in the column holding its centre.
fn fits_column(b: PxRect, grid: &Grid) -> bool {
    let cx = b.x as f32 + b.w as f32 / 2.0;
    let Some(c) = grid
        .xs
        .windows(2)
        .find(|w| matches!(w, [l, r] if cx >= *l && cx < *r))
    else {
        return false;
    };
    let (l, r) = match c {
        [l, r] => (*l, *r),
        _ => return false,
    };
    let over = (r - l) * COLUMN_OVERHANG;
    b.x as f32 >= l - over && (b.x + b.w) as f32 <= r + over
}

/// Symbols drawn as outlines: paper regions enclosed by ink, symbol-sized.
fn outlined(crop: &Ink, th: f32) -> Vec<RasterShape> {
    let (regions, labels) = components(crop, false, Connectivity::Four);
    let mut out: Vec<RasterShape> = Vec::new();
    for r in regions.iter().filter(|r| symbol_sized(r, crop, th)) {
        let inside = |x: u32, y: u32| labels.at(r.bbox.x + x, r.bbox.y + y) == r.label;
        if let Some(kind) = classify(r.bbox.w, r.bbox.h, inside) {
            out.push(RasterShape {
                kind,
                bbox: outline(crop, r.bbox, th),
                line: None,
            });
        }
    }
    // A region holding another symbol is the space a connector loop encloses.
    let all = out.clone();
    out.retain(|s| !all.iter().any(|o| o != s && inside_rect(o.bbox, s.bbox)));
    out
}

/// A ring's pixels are the outline's while at least this share of them is ink.
const OUTLINE_RING: f32 = 0.15;

/// The box of a symbol's outline around its inside `hole`: grown ring by ring while the
/// ring is still mostly the outline's ink (a bold or scanned outline is thick).
fn outline(crop: &Ink, hole: PxRect, th: f32) -> PxRect {
    let max = ((th * 0.6).round() as u32).max(3);
    let mut d = 1;
    while d < max {
        let r = grow(hole, d + 1);
        let ring = crop.count(r).saturating_sub(crop.count(grow(hole, d)));
        let perimeter = 2 * (r.w + r.h);
        if (ring as f32) < OUTLINE_RING * perimeter as f32 {
            break;
        }
        d += 1;
    }
    grow(hole, d + 1)
}

fn inside_rect(inner: PxRect, outer: PxRect) -> bool {
    inner.x >= outer.x
        && inner.y >= outer.y
        && inner.x + inner.w <= outer.x + outer.w
        && inner.y + inner.h <= outer.y + outer.h
}

fn symbol_sized(r: &Component, crop: &Ink, th: f32) -> bool {
    let b = r.bbox;
    let touches_edge = b.x == 0 || b.y == 0 || b.x + b.w >= crop.w || b.y + b.h >= crop.h;
    !touches_edge && b.w as f32 >= MIN_SYMBOL_WIDTH * th && b.h as f32 >= MIN_SYMBOL_HEIGHT * th
}

/// Symbols drawn filled: what survives eroding the thin strokes away.
fn solid(crop: &Ink, th: f32) -> Vec<RasterShape> {
    let radius = (th * SOLID_ERODE).round().clamp(2.0, 20.0) as u8;
    let mask = crop.eroded(u32::from(radius));
    let (comps, labels) = components(&mask, true, Connectivity::Eight);
    let pad = u32::from(radius);
    comps
        .iter()
        .filter(|c| {
            let (w, h) = ((c.bbox.w + 2 * pad) as f32, (c.bbox.h + 2 * pad) as f32);
            w >= MIN_SYMBOL_WIDTH * th
                && h >= MIN_SYMBOL_HEIGHT * th
                && c.area as f32 >= SOLID_FILL * (c.bbox.w * c.bbox.h) as f32 * 0.5
        })
        .filter_map(|c| {
            let inside = |x: u32, y: u32| labels.at(c.bbox.x + x, c.bbox.y + y) == c.label;
            let kind = classify(c.bbox.w, c.bbox.h, inside)?;
            Some(RasterShape {
                kind,
                bbox: grow(c.bbox, pad),
                line: None,
            })
        })
        .collect()
}

/// The symbol kind of a region of `w` × `h` pixels given by `inside`, read from its
/// row profile: how much of its box it fills and which corners are cut.
pub fn classify(w: u32, h: u32, inside: impl Fn(u32, u32) -> bool) -> Option<ShapeKind> {
    if w == 0 || h == 0 {
        return None;
    }
    // Row spans (first and last inside pixel per row), holes from text ignored.
    let spans: Vec<Option<(u32, u32)>> = (0..h)
        .map(|y| {
            let first = (0..w).find(|&x| inside(x, y))?;
            let last = (0..w).rev().find(|&x| inside(x, y))?;
            Some((first, last))
        })
        .collect();
    let width_at = |share: f32| -> f32 {
        let y = ((h as f32 - 1.0) * share).round() as usize;
        spans
            .get(y)
            .copied()
            .flatten()
            .map(|(a, b)| (b - a + 1) as f32)
            .unwrap_or(0.0)
    };
    let filled: f32 = spans
        .iter()
        .flatten()
        .map(|(a, b)| (b - a + 1) as f32)
        .sum();
    let fill = filled / (w * h) as f32;
    let s = ((w.min(h) as f32 * CORNER_SHARE).round() as u32).max(2);
    let cut = |right: bool, bottom: bool| -> bool {
        let mut outside = 0u32;
        for dy in 0..s.min(h) {
            let y = if bottom { h - 1 - dy } else { dy };
            for dx in 0..s.min(w) {
                let x = if right { w - 1 - dx } else { dx };
                let inn = spans
                    .get(y as usize)
                    .copied()
                    .flatten()
                    .is_some_and(|(a, b)| x >= a && x <= b);
                outside += u32::from(!inn);
            }
        }
        outside as f32 >= CORNER_CUT * (s.min(h) * s.min(w)) as f32
    };
    let (tl, tr, bl, br) = (
        cut(false, false),
        cut(true, false),
        cut(false, true),
        cut(true, true),
    );
    let fw = w as f32;
    let aspect = fw / h as f32;
    if fill < DIAMOND_FILL && width_at(0.5) >= 0.75 * fw && width_at(0.1) <= 0.45 * fw {
        return Some(ShapeKind::Decision);
    }
    if tl && tr && bl && br {
        let round = (1.0 / ROUND_ASPECT..=ROUND_ASPECT).contains(&aspect);
        return Some(if round {
            ShapeKind::Connector
        } else {
            ShapeKind::Terminator
        });
    }
    if !tl && !tr && bl && br && width_at(0.9) <= POINT_WIDTH * fw {
        return Some(ShapeKind::OffPage);
    }
    Some(ShapeKind::Process)
}

/// Connector lines: strokes in the table that are not ruling lines and not a symbol's
/// edge, each with its arrowhead end last when one is seen.
fn connectors(
    rest: &Ink,
    grid: &Grid,
    strokes: &[Seg],
    symbols: &[RasterShape],
    th: f32,
) -> Vec<RasterShape> {
    let mut free = rest.clone();
    for s in symbols {
        free.clear_rect(grow(s.bbox, 1));
    }
    let area = grid.table.bbox;
    let probe = ((th * 0.8).round() as u32).max(4);
    let tol = (th * 0.35).max(3.0);
    let candidates: Vec<&Seg> = strokes
        .iter()
        .filter(|s| !grid.lines.contains(s))
        .filter(|s| {
            let r = s.rect();
            let (cx, cy) = (r.x + r.w / 2, r.y + r.h / 2);
            bitmap::contains(area, cx, cy)
                && !symbols
                    .iter()
                    .any(|k| bitmap::contains(grow(k.bbox, 2), cx, cy))
        })
        .collect();
    let chosen = chained(&candidates, symbols, tol);
    candidates
        .iter()
        .zip(chosen)
        .filter(|(_, ok)| *ok)
        .map(|(s, _)| {
            let (a, b) = ends(s);
            let head = |p: (u32, u32)| {
                let r = PxRect {
                    x: p.0.saturating_sub(probe / 2),
                    y: p.1.saturating_sub(probe / 2),
                    w: probe,
                    h: probe,
                };
                let own = s.thick * probe / 2;
                free.count(r).saturating_sub(own) as f32 / (probe * probe) as f32
            };
            let (ha, hb) = (head(a), head(b));
            let line = if ha > hb && ha >= HEAD_INK {
                [b, a]
            } else {
                [a, b]
            };
            RasterShape {
                kind: ShapeKind::Arrow,
                bbox: s.rect(),
                line: Some(line),
            }
        })
        .collect()
}

/// Which strokes are connectors: those reaching a symbol, then those reaching a
/// connector already found (a bent or branching line), until nothing more joins. A
/// stroke of text touches neither.
fn chained(candidates: &[&Seg], symbols: &[RasterShape], tol: f32) -> Vec<bool> {
    let t = tol.round() as u32;
    let reaches_symbol = |s: &Seg| {
        let (a, b) = ends(s);
        symbols
            .iter()
            .filter(|k| k.kind != ShapeKind::Arrow)
            .any(|k| {
                let g = grow(k.bbox, t);
                bitmap::contains(g, a.0, a.1) || bitmap::contains(g, b.0, b.1)
            })
    };
    let mut ok: Vec<bool> = candidates.iter().map(|s| reaches_symbol(s)).collect();
    loop {
        let mut grown = false;
        for (i, s) in candidates.iter().enumerate() {
            if ok.get(i).copied().unwrap_or(true) {
                continue;
            }
            let joins = candidates
                .iter()
                .zip(&ok)
                .any(|(o, &yes)| yes && meets(s, o, tol));
            if joins {
                if let Some(slot) = ok.get_mut(i) {
                    *slot = true;
                }
                grown = true;
            }
        }
        if !grown {
            break;
        }
    }
    ok
}

/// Whether an end of `s` meets `o` (its body, for a perpendicular stroke; its end, for
/// a collinear one).
fn meets(s: &Seg, o: &Seg, tol: f32) -> bool {
    let (a, b) = ends(s);
    let near = |p: (u32, u32)| {
        let r = grow(o.rect(), tol.round() as u32);
        bitmap::contains(r, p.0, p.1)
    };
    near(a) || near(b)
}

/// A stroke's two end points (at its middle across).
fn ends(s: &Seg) -> ((u32, u32), (u32, u32)) {
    let p = s.pos.max(0.0) as u32;
    if s.horiz {
        ((s.lo, p), (s.hi, p))
    } else {
        ((p, s.lo), (p, s.hi))
    }
}
