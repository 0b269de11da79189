//! The symbol a custom-geometry outline draws. Converters (LibreOffice to .xls, some
//! producers to DrawingML `custGeom`) write flowchart presets as free paths; the
//! points of the path tell a rectangle from a diamond, and curves a rounded shape.

use crate::model::ShapeKind;

/// The outline of a custom-geometry shape.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Outline {
    /// The path has curves or arcs.
    pub curved: bool,
    /// Distinct plain vertices, normalised to their bounding box (0..1); at most 8.
    vertices: [(f32, f32); 8],
    n_vertices: usize,
}

impl Outline {
    /// An outline from its plain vertices (in any unit) and whether it curves.
    pub fn new(points: &[(i64, i64)], curved: bool) -> Option<Outline> {
        if points.is_empty() {
            // Only computed points: a rounded outline still says something.
            return curved.then_some(Outline {
                curved,
                vertices: [(0.0, 0.0); 8],
                n_vertices: 0,
            });
        }
        let (minx, maxx) = (
            points.iter().map(|p| p.0).min()?,
            points.iter().map(|p| p.0).max()?,
        );
        let (miny, maxy) = (
            points.iter().map(|p| p.1).min()?,
            points.iter().map(|p| p.1).max()?,
        );
        let (w, h) = (
            maxx.saturating_sub(minx).max(1) as f32,
            maxy.saturating_sub(miny).max(1) as f32,
        );
        let mut vertices = [(0.0f32, 0.0f32); 8];
        let mut n = 0;
        for &(x, y) in points {
            let p = (
                x.saturating_sub(minx) as f32 / w,
                y.saturating_sub(miny) as f32 / h,
            );
            let seen = vertices
                .iter()
                .take(n)
                .any(|q| (q.0 - p.0).abs() < 0.01 && (q.1 - p.1).abs() < 0.01);
            if seen {
                continue;
            }
            let Some(slot) = vertices.get_mut(n) else {
                // More than 8 distinct points: no preset we map.
                return Some(Outline {
                    curved,
                    vertices,
                    n_vertices: 9,
                });
            };
            *slot = p;
            n += 1;
        }
        Some(Outline {
            curved,
            vertices,
            n_vertices: n,
        })
    }

    /// The symbol: curves on a wide (or tall) box are a terminator, on a round box a
    /// connector; four corner points a process; four edge midpoints a decision.
    pub fn kind(&self, aspect: f32) -> ShapeKind {
        if self.curved {
            return if !(0.77..=1.3).contains(&aspect) {
                ShapeKind::Terminator
            } else {
                ShapeKind::Connector
            };
        }
        let pts = self.vertices.get(..self.n_vertices).unwrap_or(&[]);
        let near = |a: f32, b: f32| (a - b).abs() < 0.05;
        let edge = |v: f32| near(v, 0.0) || near(v, 1.0);
        let corner = |p: &(f32, f32)| edge(p.0) && edge(p.1);
        let midpoint =
            |p: &(f32, f32)| (near(p.0, 0.5) && edge(p.1)) || (near(p.1, 0.5) && edge(p.0));
        if pts.len() == 4 && pts.iter().all(corner) {
            ShapeKind::Process
        } else if pts.len() == 4 && pts.iter().all(midpoint) {
            ShapeKind::Decision
        } else {
            ShapeKind::Other
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn outlines_map_to_symbols() {
        let rect = Outline::new(&[(0, 0), (10, 0), (10, 5), (0, 5), (0, 0)], false).unwrap();
        let diamond = Outline::new(&[(0, 1), (1, 0), (2, 1), (1, 2)], false).unwrap();
        assert_eq!(rect.kind(2.0), ShapeKind::Process);
        assert_eq!(diamond.kind(1.2), ShapeKind::Decision);
        let round = Outline::new(&[(3475, 0), (18125, 0)], true).unwrap();
        assert_eq!(round.kind(2.6), ShapeKind::Terminator);
        assert_eq!(round.kind(1.0), ShapeKind::Connector);
        let tri = Outline::new(&[(0, 2), (1, 0), (2, 2)], false).unwrap();
        assert_eq!(tri.kind(1.0), ShapeKind::Other);
        assert!(Outline::new(&[], false).is_none());
        assert_eq!(
            Outline::new(&[], true).unwrap().kind(3.0),
            ShapeKind::Terminator
        );
    }
}
