//! Table building for the body pass: grid columns, row properties, cell spans and
//! vertical merges, and the finished [`Table`] with the geometry placement needs.

use quick_xml::events::BytesStart;

use crate::model::{Block, Cell, Paragraph, Row, Table};

use super::super::shapes::PT_PER_TWIP;
use super::super::styles::dxa;
use super::{FloatX, Pass, TableGeom, Tag};
use crate::ingest::xml::{attr_qualified, attr_qualified_f64, attr_qualified_i64, word_on_off};

#[derive(Debug, Default)]
pub(super) struct CellB {
    pub(super) col: usize,
    pub(super) span: usize,
    pub(super) vmerge: VMerge,
    pub(super) hmerge_continue: bool,
    pub(super) width: Option<f64>,
    pub(super) text: String,
}

#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub(super) enum VMerge {
    #[default]
    None,
    Restart,
    Continue,
}

#[derive(Debug, Default)]
pub(super) struct RowB {
    pub(super) cells: Vec<Cell>,
    pub(super) cursor: usize,
    pub(super) grid_after: usize,
    pub(super) repeat_header: bool,
    pub(super) height: Option<f64>,
    pub(super) exact: bool,
}

#[derive(Debug, Default)]
pub(super) struct TableB {
    pub(super) block: usize,
    pub(super) ordinal: usize,
    pub(super) sect: usize,
    pub(super) grid: Vec<f64>,
    pub(super) rows: Vec<Row>,
    pub(super) heights: Vec<Option<(f64, bool)>>,
    /// Per grid column: the vertical-merge origin cell (row, index in row) still open.
    pub(super) vopen: Vec<Option<(usize, usize)>>,
    /// Per grid column: a `w:tcW` seen for a one-column cell there (twips).
    pub(super) tcw: Vec<Option<f64>>,
    pub(super) max_cols: usize,
    pub(super) row: Option<RowB>,
    pub(super) cell: Option<CellB>,
    pub(super) ind: Option<f64>,
    pub(super) cell_mar_left: Option<f64>,
    pub(super) style: Option<String>,
    pub(super) jc: Option<String>,
    /// A floating table's position (`w:tblpPr`): `tblpX` in twips, or its
    /// `tblpXSpec` alignment, and whether it counts from the page edge.
    pub(super) float_x: Option<(FloatX, bool)>,
}

/// A `w:val` count attribute (`gridSpan`, `gridBefore`), bounded to keep hostile
/// values from blowing the grid up.
pub(super) fn count_attr(e: &BytesStart<'_>) -> usize {
    attr_qualified_i64(e, "w:val")
        .and_then(|v| usize::try_from(v).ok())
        .unwrap_or(0)
        .min(MAX_GRID_COLS)
}

/// The widest grid we build; wider tables are cut (Word itself stops at 63 columns).
pub(super) const MAX_GRID_COLS: usize = 1024;

pub(super) fn finish_cell(t: &mut TableB) {
    let Some(c) = t.cell.take() else {
        return;
    };
    let row_idx = t.rows.len();
    let Some(r) = t.row.as_mut() else {
        return;
    };
    let span = c.span.max(1);
    r.cursor = r.cursor.saturating_add(span).min(MAX_GRID_COLS * 2);
    if c.hmerge_continue
        && let Some(prev) = r.cells.last_mut()
    {
        prev.col_span += span;
        return;
    }
    if span == 1
        && let Some(w) = c.width
    {
        if t.tcw.len() <= c.col {
            t.tcw.resize(c.col.min(MAX_GRID_COLS) + 1, None);
        }
        if let Some(slot) = t.tcw.get_mut(c.col)
            && slot.is_none()
        {
            *slot = Some(w);
        }
    }
    if t.vopen.len() <= c.col {
        t.vopen.resize(c.col.min(MAX_GRID_COLS) + 1, None);
    }
    if c.vmerge == VMerge::Continue
        && let Some(Some((r0, i0))) = t.vopen.get(c.col).copied()
        && let Some(origin) = t.rows.get_mut(r0).and_then(|rw| rw.cells.get_mut(i0))
    {
        origin.row_span = row_idx.saturating_sub(r0) + 1;
        if !c.text.trim().is_empty() {
            if !origin.text.is_empty() {
                origin.text.push('\n');
            }
            origin.text.push_str(&c.text);
        }
        return;
    }
    let idx = r.cells.len();
    r.cells.push(Cell {
        row: row_idx,
        col: c.col,
        row_span: 1,
        col_span: span,
        text: c.text,
        value: None,
    });
    if let Some(slot) = t.vopen.get_mut(c.col) {
        *slot = (c.vmerge == VMerge::Restart).then_some((row_idx, idx));
    }
}

pub(super) fn finish_row(t: &mut TableB) {
    if t.cell.is_some() {
        finish_cell(t);
    }
    let Some(r) = t.row.take() else {
        return;
    };
    t.max_cols = t
        .max_cols
        .max(r.cursor.saturating_add(r.grid_after).min(MAX_GRID_COLS));
    t.heights.push(r.height.map(|h| (h, r.exact)));
    t.rows.push(Row {
        cells: r.cells,
        repeat_header: r.repeat_header,
        height: r.height.map(|h| h as f32),
        page: None,
    });
}

impl Pass<'_> {
    pub(super) fn open_table(&mut self) {
        self.tbl_depth += 1;
        if self.tbl_depth > 1 {
            return;
        }
        if self.pending_break {
            self.body.blocks.push(Block::Paragraph(Paragraph {
                page_break_before: true,
                ..Default::default()
            }));
            self.pending_break = false;
        }
        self.table = Some(TableB {
            block: self.body.blocks.len(),
            ordinal: self.tables_done,
            sect: self.body.sects.len(),
            ..Default::default()
        });
    }

    pub(super) fn close_table(&mut self) {
        self.tbl_depth = self.tbl_depth.saturating_sub(1);
        if self.tbl_depth > 0 {
            return;
        }
        let Some(t) = self.table.take() else {
            return;
        };
        self.tables_done += 1;
        let n_cols = t.max_cols.max(t.grid.len());
        let known: Vec<f64> = t.grid.iter().copied().filter(|w| *w > 0.0).collect();
        let mean = if known.is_empty() {
            0.0
        } else {
            known.iter().sum::<f64>() / known.len() as f64
        };
        let widths: Vec<f64> = (0..n_cols)
            .map(|i| {
                let g = t.grid.get(i).copied().filter(|w| *w > 0.0);
                let w = t.tcw.get(i).copied().flatten();
                g.or(w).unwrap_or(if mean > 0.0 { mean } else { 1440.0 }) * PT_PER_TWIP
            })
            .collect();
        let mut edges = Vec::with_capacity(n_cols + 1);
        let mut x = 0.0;
        edges.push(x);
        for w in &widths {
            x += w;
            edges.push(x);
        }
        self.body.tables.push(TableGeom {
            block: t.block,
            col_edges: edges,
            ind: t.ind.map(|v| v * PT_PER_TWIP),
            cell_mar_left: t.cell_mar_left.map(|v| v * PT_PER_TWIP),
            style: t.style,
            jc: t.jc,
            float_x: t.float_x,
            heights: t.heights,
            sect: t.sect,
        });
        let table = Table {
            rows: t.rows,
            n_cols,
            col_widths: widths.iter().map(|w| *w as f32).collect(),
            page: None,
        };
        self.body.blocks.push(Block::Table(table));
    }

    pub(super) fn open_table_part(
        &mut self,
        e: &BytesStart<'_>,
        name: &str,
        parent: Tag,
        empty: bool,
    ) {
        let grandparent = self.grandparent();
        let Some(t) = self.table.as_mut() else {
            return;
        };
        match name {
            "w:tblStyle" if parent == Tag::TblPr => {
                t.style = attr_qualified(e, "w:val").map(|v| v.into_owned());
            }
            "w:tblInd" if parent == Tag::TblPr => t.ind = dxa(e),
            "w:tblpPr" if parent == Tag::TblPr => {
                let page = attr_qualified(e, "w:horzAnchor").as_deref() == Some("page");
                let x = match attr_qualified(e, "w:tblpXSpec").as_deref() {
                    Some("center") => Some(FloatX::Center),
                    Some("right" | "outside") => Some(FloatX::Right),
                    Some("left" | "inside") => Some(FloatX::At(0.0)),
                    _ => attr_qualified_f64(e, "w:tblpX").map(|v| FloatX::At(v * PT_PER_TWIP)),
                };
                t.float_x = x.map(|x| (x, page));
            }
            "w:jc" if parent == Tag::TblPr => {
                t.jc = attr_qualified(e, "w:val").map(|v| v.into_owned())
            }
            "w:left" | "w:start" if parent == Tag::TblCellMar && grandparent == Tag::TblPr => {
                t.cell_mar_left = dxa(e);
            }
            "w:gridCol" if parent == Tag::TblGrid && grandparent == Tag::Tbl => {
                t.grid
                    .push(attr_qualified_f64(e, "w:w").unwrap_or(0.0).max(0.0));
            }
            "w:tr" => {
                t.row = Some(RowB::default());
                if empty {
                    finish_row(t);
                }
            }
            "w:gridBefore" if parent == Tag::TrPr => {
                if let Some(r) = t.row.as_mut() {
                    r.cursor = r.cursor.saturating_add(count_attr(e));
                }
            }
            "w:gridAfter" if parent == Tag::TrPr => {
                if let Some(r) = t.row.as_mut() {
                    r.grid_after = count_attr(e);
                }
            }
            "w:tblHeader" if parent == Tag::TrPr => {
                if let Some(r) = t.row.as_mut() {
                    r.repeat_header = word_on_off(e);
                }
            }
            "w:trHeight" if parent == Tag::TrPr => {
                let rule = attr_qualified(e, "w:hRule");
                if let Some(r) = t.row.as_mut()
                    && rule.as_deref() != Some("auto")
                {
                    r.height = attr_qualified_f64(e, "w:val").map(|v| v * PT_PER_TWIP);
                    r.exact = rule.as_deref() == Some("exact");
                }
            }
            "w:tc" => {
                let col = t.row.as_ref().map_or(0, |r| r.cursor);
                t.cell = Some(CellB {
                    col,
                    span: 1,
                    ..Default::default()
                });
                if empty {
                    finish_cell(t);
                }
            }
            "w:gridSpan" if parent == Tag::TcPr => {
                if let Some(c) = t.cell.as_mut() {
                    c.span = count_attr(e).max(1);
                }
            }
            "w:vMerge" if parent == Tag::TcPr => {
                if let Some(c) = t.cell.as_mut() {
                    c.vmerge = match attr_qualified(e, "w:val").as_deref() {
                        Some("restart") => VMerge::Restart,
                        _ => VMerge::Continue,
                    };
                }
            }
            "w:hMerge" if parent == Tag::TcPr => {
                if let Some(c) = t.cell.as_mut() {
                    c.hmerge_continue = attr_qualified(e, "w:val").as_deref() != Some("restart");
                }
            }
            "w:tcW" if parent == Tag::TcPr => {
                if let Some(c) = t.cell.as_mut() {
                    c.width = dxa(e);
                }
            }
            _ => {}
        }
    }
}
