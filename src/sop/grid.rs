//! A grid index over a table: the cell covering each grid position in constant time.
//!
//! [`Table::cell_at`] walks up from the spot to the cell over it, which on a long
//! sheet under a tall merged cell is still a walk per lookup; the parser reads every
//! cell of every row, so it builds this index once per table.

use crate::model::{Cell, Table};

/// Grid positions above this count are not indexed (lookups fall back to the table).
const MAX_INDEXED: usize = 20_000_000;

/// The cell covering each grid position of one table.
#[derive(Debug)]
pub struct Grid<'t> {
    table: &'t Table,
    cells: Vec<&'t Cell>,
    /// `rows × n_cols` indexes into `cells`, `u32::MAX` where no cell covers.
    index: Vec<u32>,
    n_cols: usize,
}

impl<'t> Grid<'t> {
    /// Indexes `table`.
    pub fn new(table: &'t Table) -> Self {
        let n_rows = table.rows.len();
        let n_cols = table.n_cols;
        let size = n_rows.saturating_mul(n_cols);
        let mut g = Grid {
            table,
            cells: Vec::new(),
            index: Vec::new(),
            n_cols,
        };
        if size == 0 || size > MAX_INDEXED {
            return g;
        }
        g.index = vec![u32::MAX; size];
        for row in &table.rows {
            for c in &row.cells {
                let Ok(i) = u32::try_from(g.cells.len()) else {
                    return g;
                };
                g.cells.push(c);
                let r_end = c.row.saturating_add(c.row_span.max(1)).min(n_rows);
                let c_end = c.col.saturating_add(c.col_span.max(1)).min(n_cols);
                for rr in c.row..r_end {
                    for cc in c.col..c_end {
                        if let Some(slot) = g.index.get_mut(rr * n_cols + cc) {
                            *slot = i;
                        }
                    }
                }
            }
        }
        g
    }

    /// The cell covering grid position (`row`, `col`), following merges.
    pub fn cell_at(&self, row: usize, col: usize) -> Option<&'t Cell> {
        if self.index.is_empty() {
            return self.table.cell_at(row, col);
        }
        if col >= self.n_cols {
            return None;
        }
        let i = *self
            .index
            .get(row.checked_mul(self.n_cols)?.checked_add(col)?)?;
        self.cells.get(i as usize).copied()
    }
}

impl std::ops::Deref for Grid<'_> {
    type Target = Table;

    fn deref(&self) -> &Table {
        self.table
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Row;

    #[test]
    fn index_follows_merges_like_the_table() {
        let c = |row, col, rs, cs, t: &str| Cell {
            row,
            col,
            row_span: rs,
            col_span: cs,
            text: t.into(),
            value: None,
        };
        let t = Table {
            n_cols: 3,
            rows: vec![
                Row {
                    cells: vec![c(0, 0, 2, 1, "No"), c(0, 1, 1, 2, "Pelaksana")],
                    ..Default::default()
                },
                Row {
                    cells: vec![c(1, 1, 1, 1, "A"), c(1, 2, 1, 1, "B")],
                    ..Default::default()
                },
            ],
            ..Default::default()
        };
        let g = Grid::new(&t);
        for r in 0..3 {
            for col in 0..4 {
                assert_eq!(g.cell_at(r, col), t.cell_at(r, col), "({r},{col})");
            }
        }
        assert_eq!(g.cell_at(1, 0).map(|c| c.text.as_str()), Some("No"));
    }
}
