//! Paragraphs and tables from the main text and its paragraph properties.
//!
//! Walks the main document text character by character: paragraph marks (0x0D) end
//! paragraphs, cell marks (0x07) end table cells, and a cell mark whose PAPX has
//! `sprmPFTtp` ends a table row, carrying the row's cell boundaries (`sprmTDefTable`).
//! Fields (0x13 … 0x14 … 0x15) are reduced to their shown result; page breaks (0x0C)
//! become `page_break_before` of the next paragraph. Tables get their grid from the
//! union of all rows' cell boundaries, so cells of different widths in different rows
//! land in the right grid columns with their spans.

use std::collections::HashMap;

use super::props::{CellMerge, PapxIndex, ParaProps};
use super::text::{Clx, MainText, piece_of};
use crate::error::IngestError;
use crate::ingest::limits::Budget;
use crate::model::{Block, Cell, ListInfo, Paragraph, Row, Table};

/// Boundaries closer than this (twips) are one grid line: converters round widths.
const GRID_TOLERANCE: i32 = 10;
/// Default left cell margin in twips (Word's 0.19 cm), when a row sets no gap.
pub(crate) const DEFAULT_GAP_HALF: i32 = 108;
/// Most cells one table row may have (Word allows 63).
const MAX_CELLS_PER_ROW: usize = 64;
/// Most grid lines a table may have; past this the boundaries are ignored and cells
/// are laid out one per column (a hostile file could otherwise make a huge grid).
const MAX_GRID_LINES: usize = 256;

/// The geometry of one table row, for placing shapes.
#[derive(Debug, Clone, Default)]
pub(crate) struct RowGeom {
    /// Cell boundaries in twips (`sprmTDefTable` centers); empty when unknown.
    pub centers: Vec<i32>,
    /// Half the gap between cells: the left text margin of a cell, twips.
    pub gap_half: i32,
    /// Row height in twips and whether it is exact.
    pub height: Option<(i32, bool)>,
}

/// The geometry of one table.
#[derive(Debug, Clone, Default)]
pub(crate) struct TableGeom {
    /// Grid lines in twips, left to right (`n_cols + 1` values); empty when unknown.
    pub grid: Vec<i32>,
    /// Per row.
    pub rows: Vec<RowGeom>,
}

impl TableGeom {
    /// The grid column holding horizontal position `x` (twips, same space as `grid`).
    pub fn col_at(&self, x: i32) -> Option<usize> {
        if self.grid.len() < 2 {
            return None;
        }
        let i = self.grid.partition_point(|g| *g <= x);
        // i = number of lines at or left of x; column i - 1, clamped into the table.
        Some(i.saturating_sub(1).min(self.grid.len() - 2))
    }
}

/// Where a run of CPs sits inside a table.
#[derive(Debug, Clone, Copy)]
pub(crate) struct CellRange {
    /// First CP of the cell's text.
    pub cp_start: u32,
    /// CP of the cell mark.
    pub cp_end: u32,
    /// Index of the table in the section's blocks.
    pub block: usize,
    /// Row index in the table.
    pub row: usize,
    /// Index of the cell in its row (before merges), as in `sprmTDefTable`.
    pub itc: usize,
    /// Grid column of the cell.
    pub col: usize,
}

/// The blocks of the main text plus what shape placement needs.
#[derive(Debug, Default)]
pub(crate) struct Built {
    /// Paragraphs and tables in order.
    pub blocks: Vec<Block>,
    /// Geometry per table block index.
    pub tables: HashMap<usize, TableGeom>,
    /// Table cells by CP range, in CP order.
    pub cells: Vec<CellRange>,
}

impl Built {
    /// The table cell holding `cp`, if any.
    pub fn cell_of(&self, cp: u32) -> Option<&CellRange> {
        let i = self.cells.partition_point(|c| c.cp_end < cp);
        self.cells.get(i).filter(|c| c.cp_start <= cp)
    }
}

#[derive(Debug, Default)]
struct RawCell {
    paras: Vec<String>,
    cp_start: u32,
    cp_end: u32,
}

#[derive(Debug, Default)]
struct RawRow {
    cells: Vec<RawCell>,
    props: ParaProps,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum FieldPart {
    Instruction,
    Result,
}

struct Builder {
    out: Built,
    para: Vec<u16>,
    para_start: u32,
    page_break_next: bool,
    /// Where in `para` the first page break (0x0C) of the paragraph stands.
    split_at: Option<usize>,
    fields: Vec<FieldPart>,
    /// How many entries of `fields` are instructions (text is hidden while > 0).
    in_instruction: usize,
    cell: RawCell,
    row: Vec<RawCell>,
    rows: Vec<RawRow>,
}

/// Builds the blocks of the main text.
pub(crate) fn build(
    text: &MainText,
    clx: &Clx,
    papx: &mut PapxIndex<'_>,
    section_ends: &[u32],
    budget: &Budget,
) -> Result<Built, IngestError> {
    let mut b = Builder {
        out: Built::default(),
        para: Vec::new(),
        para_start: 0,
        page_break_next: false,
        split_at: None,
        fields: Vec::new(),
        in_instruction: 0,
        cell: RawCell::default(),
        row: Vec::new(),
        rows: Vec::new(),
    };
    let props_of = |papx: &mut PapxIndex<'_>, cp: u32| -> ParaProps {
        let Some(piece) = piece_of(&clx.pieces, cp) else {
            return ParaProps::default();
        };
        let mut p = piece
            .fc_of(cp)
            .map(|fc| papx.props_at(fc))
            .unwrap_or_default();
        // Prm1: a grpprl of the Clx applies to the whole piece.
        if piece.prm & 1 == 1
            && let Some(g) = clx.grpprls.get((piece.prm >> 1) as usize)
        {
            p.apply(g);
        }
        p
    };
    for (i, &u) in text.main().iter().enumerate() {
        if i % 4096 == 0 {
            budget.check_time("Word document text")?;
        }
        let cp = i as u32;
        match u {
            0x0D | 0x07 => {
                let props = props_of(papx, cp);
                b.end_paragraph(cp, u, &props);
            }
            0x0C => {
                if section_ends.binary_search(&(cp + 1)).is_ok() {
                    let props = props_of(papx, cp);
                    b.end_paragraph(cp, 0x0D, &props);
                    b.page_break_next = true;
                } else if b.split_at.is_none() {
                    b.split_at = Some(b.para.len());
                }
            }
            0x13 => {
                b.fields.push(FieldPart::Instruction);
                b.in_instruction += 1;
            }
            0x14 => {
                if let Some(top) = b.fields.last_mut()
                    && *top == FieldPart::Instruction
                {
                    *top = FieldPart::Result;
                    b.in_instruction -= 1;
                }
            }
            0x15 => {
                if b.fields.pop() == Some(FieldPart::Instruction) {
                    b.in_instruction -= 1;
                }
            }
            _ => {
                if b.in_instruction > 0 {
                    continue;
                }
                match u {
                    0x0B => b.para.push(u16::from(b'\n')),
                    0x09 => b.para.push(u),
                    0x1E => b.para.push(u16::from(b'-')),
                    // Soft hyphen marks, object anchors and other control characters.
                    0x00..=0x1F => {}
                    _ => b.para.push(u),
                }
            }
        }
    }
    b.flush_table();
    Ok(b.out)
}

impl Builder {
    fn end_paragraph(&mut self, cp: u32, mark: u16, props: &ParaProps) {
        let depth = props.depth();
        let split = self.split_at.take();
        let start = self.para_start;
        self.para_start = cp + 1;
        if depth <= 0 {
            self.flush_table();
            // Like the .docx reader: text before a page break stays on the old page, the
            // rest becomes a new paragraph that starts the next page.
            let units = std::mem::take(&mut self.para);
            let (first, second) = match split {
                Some(k) => (units.get(..k).unwrap_or(&units), units.get(k..)),
                None => (&units[..], None),
            };
            let break_before = self.page_break_next || props.page_break_before;
            self.emit_paragraph(String::from_utf16_lossy(first), break_before, props);
            if let Some(rest) = second {
                self.page_break_next = true;
                self.emit_paragraph(String::from_utf16_lossy(rest), true, props);
            }
            return;
        }
        if let Some(k) = split
            && k <= self.para.len()
        {
            self.para.insert(k, u16::from(b'\n'));
        }
        let text = String::from_utf16_lossy(&self.para);
        self.para.clear();
        let table_starts =
            self.rows.is_empty() && self.row.is_empty() && self.cell.paras.is_empty();
        if table_starts && (self.page_break_next || props.page_break_before) {
            // A page break before a table: an empty paragraph carries it, as in .docx.
            self.out.blocks.push(Block::Paragraph(Paragraph {
                page_break_before: true,
                ..Default::default()
            }));
            self.page_break_next = false;
        }
        if self.cell.paras.is_empty() {
            self.cell.cp_start = start;
        }
        let row_end = props.ttp && (mark == 0x07 || depth == 1);
        if row_end {
            // The row-end mark holds no text; close any cell left open.
            if !self.cell.paras.is_empty() {
                self.cell.cp_end = cp;
                let c = std::mem::take(&mut self.cell);
                self.row.push(c);
            }
            self.cell = RawCell::default();
            let cells = std::mem::take(&mut self.row);
            self.rows.push(RawRow {
                cells,
                props: props.clone(),
            });
            return;
        }
        if depth > 1 && props.inner_ttp {
            // End of a nested row: nested cells are already paragraphs of the outer cell.
            return;
        }
        self.cell.paras.push(text);
        if mark == 0x07 {
            self.cell.cp_end = cp;
            let c = std::mem::take(&mut self.cell);
            if self.row.len() < MAX_CELLS_PER_ROW {
                self.row.push(c);
            }
        }
    }

    /// Adds a body paragraph; an empty one only passes its page break on.
    fn emit_paragraph(&mut self, text: String, page_break_before: bool, props: &ParaProps) {
        if text.trim().is_empty() {
            self.page_break_next = page_break_before;
            return;
        }
        self.page_break_next = false;
        let list = props.ilfo.filter(|f| *f != 0).map(|f| ListInfo {
            num_id: Some(u32::from(f)),
            level: props.ilvl.unwrap_or(0),
            label: None,
        });
        self.out.blocks.push(Block::Paragraph(Paragraph {
            text,
            list,
            page_break_before,
            style: None,
            page: None,
        }));
    }

    fn flush_table(&mut self) {
        if !self.cell.paras.is_empty() {
            let c = std::mem::take(&mut self.cell);
            self.row.push(c);
        }
        if !self.row.is_empty() {
            let cells = std::mem::take(&mut self.row);
            self.rows.push(RawRow {
                cells,
                props: ParaProps::default(),
            });
        }
        if self.rows.is_empty() {
            return;
        }
        let rows = std::mem::take(&mut self.rows);
        let block = self.out.blocks.len();
        let (table, geom, ranges) = resolve_table(rows, block);
        self.out.blocks.push(Block::Table(table));
        self.out.tables.insert(block, geom);
        self.out.cells.extend(ranges);
    }
}

/// Clusters boundary positions into grid lines.
fn grid_lines(rows: &[RawRow]) -> Vec<i32> {
    let mut all: Vec<i32> = rows
        .iter()
        .filter_map(|r| r.props.table_def.as_ref())
        .flat_map(|d| d.centers.iter().map(|c| i32::from(*c)))
        .collect();
    all.sort_unstable();
    let mut lines: Vec<i32> = Vec::new();
    for x in all {
        match lines.last() {
            Some(&l) if x - l <= GRID_TOLERANCE => {}
            _ => lines.push(x),
        }
    }
    if lines.len() > MAX_GRID_LINES {
        lines.clear();
    }
    lines
}

/// The grid line index nearest to `x`.
fn line_index(lines: &[i32], x: i32) -> usize {
    let i = lines.partition_point(|l| *l < x);
    let after = lines.get(i).map(|l| (l - x).abs());
    let before = i
        .checked_sub(1)
        .and_then(|j| lines.get(j))
        .map(|l| (x - l).abs());
    match (before, after) {
        (Some(b), Some(a)) if b <= a => i - 1,
        (Some(_), None) => i - 1,
        _ => i,
    }
}

fn resolve_table(rows: Vec<RawRow>, block: usize) -> (Table, TableGeom, Vec<CellRange>) {
    let lines = grid_lines(&rows);
    let mut table = Table::default();
    let mut geom = TableGeom {
        grid: lines.clone(),
        rows: Vec::with_capacity(rows.len()),
    };
    let mut ranges = Vec::new();
    // Last cell starting at each grid column: (row, index in row.cells).
    let mut last_at_col: HashMap<usize, (usize, usize)> = HashMap::new();
    let mut n_cols = lines.len().saturating_sub(1);
    for (r, raw) in rows.into_iter().enumerate() {
        let def = raw.props.table_def.as_ref();
        let centers: Vec<i32> = def
            .map(|d| d.centers.iter().map(|c| i32::from(*c)).collect())
            .unwrap_or_default();
        let mut merges: Vec<CellMerge> = def.map(|d| d.merges.clone()).unwrap_or_default();
        for &(itc, flags) in &raw.props.vert_merge {
            let itc = itc as usize;
            if merges.len() <= itc && itc < MAX_CELLS_PER_ROW {
                merges.resize(itc + 1, CellMerge::default());
            }
            if let Some(m) = merges.get_mut(itc) {
                m.v_continue = flags == 1;
            }
        }
        geom.rows.push(RowGeom {
            centers: centers.clone(),
            gap_half: raw
                .props
                .gap_half
                .map(i32::from)
                .unwrap_or(DEFAULT_GAP_HALF),
            height: raw
                .props
                .row_height
                .filter(|h| *h != 0)
                .map(|h| (i32::from(h).abs(), h < 0)),
        });
        let mut row = Row {
            cells: Vec::new(),
            repeat_header: raw.props.header,
            height: raw
                .props
                .row_height
                .filter(|h| *h != 0)
                .map(|h| f32::from(h).abs() / 20.0),
            page: None,
        };
        let mut next_col = 0usize;
        for (itc, rc) in raw.cells.into_iter().enumerate() {
            let (col, span) = match (centers.get(itc), centers.get(itc + 1)) {
                (Some(&a), Some(&b)) if !lines.is_empty() => {
                    let s = line_index(&lines, a);
                    let e = line_index(&lines, b);
                    (s, e.saturating_sub(s).max(1))
                }
                _ => (next_col, 1),
            };
            next_col = col + span;
            n_cols = n_cols.max(next_col);
            let text = cell_text(&rc.paras);
            ranges.push(CellRange {
                cp_start: rc.cp_start,
                cp_end: rc.cp_end,
                block,
                row: r,
                itc,
                col,
            });
            let merge = merges.get(itc).copied().unwrap_or_default();
            if merge.h_continue
                && let Some(prev) = row.cells.last_mut()
            {
                prev.col_span = (col + span).saturating_sub(prev.col).max(1);
                append_text(&mut prev.text, &text);
                continue;
            }
            if merge.v_continue
                && let Some(&(pr, pi)) = last_at_col.get(&col)
                && let Some(above) = table.rows.get_mut(pr).and_then(|x| x.cells.get_mut(pi))
                && above.row + above.row_span == r
            {
                above.row_span += 1;
                append_text(&mut above.text, &text);
                continue;
            }
            last_at_col.insert(col, (r, row.cells.len()));
            row.cells.push(Cell {
                row: r,
                col,
                row_span: 1,
                col_span: span,
                text,
                value: None,
            });
        }
        table.rows.push(row);
    }
    table.n_cols = n_cols;
    table.col_widths = lines
        .windows(2)
        .map(|w| match w {
            [a, b] => (b - a) as f32 / 20.0,
            _ => 0.0,
        })
        .collect();
    ranges.sort_by_key(|c| c.cp_start);
    (table, geom, ranges)
}

/// A cell's text: its paragraphs without trailing spaces, blank ones left out, joined
/// with `\n` (the .docx reader's convention).
fn cell_text(paras: &[String]) -> String {
    let mut out = String::new();
    for p in paras.iter().map(|p| p.trim_end()).filter(|p| !p.is_empty()) {
        if !out.is_empty() {
            out.push('\n');
        }
        out.push_str(p);
    }
    out
}

fn append_text(into: &mut String, more: &str) {
    if more.trim().is_empty() {
        return;
    }
    if !into.is_empty() {
        into.push('\n');
    }
    into.push_str(more);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::doc::props::TableDef;

    fn raw_row(texts: &[&str], centers: &[i16], merges: &[CellMerge]) -> RawRow {
        RawRow {
            cells: texts
                .iter()
                .map(|t| RawCell {
                    paras: vec![t.to_string()],
                    cp_start: 0,
                    cp_end: 0,
                })
                .collect(),
            props: ParaProps {
                table_def: Some(TableDef {
                    centers: centers.to_vec(),
                    merges: merges.to_vec(),
                }),
                ..Default::default()
            },
        }
    }

    #[test]
    fn grid_spans_and_vertical_merges() {
        let v = CellMerge {
            h_continue: false,
            v_continue: true,
        };
        let n = CellMerge::default();
        let rows = vec![
            raw_row(&["No", "Pelaksana", "Waktu"], &[0, 500, 2500, 3000], &[]),
            raw_row(
                &["", "A", "B", ""],
                &[0, 500, 1500, 2505, 3000],
                &[v, n, n, v],
            ),
            raw_row(&["1", "x", "", "5 menit"], &[0, 500, 1498, 2500, 3000], &[]),
        ];
        let (t, g, _) = resolve_table(rows, 0);
        assert_eq!(t.n_cols, 4);
        assert_eq!(g.grid, vec![0, 500, 1498, 2500, 3000]);
        assert_eq!(t.cell_at(1, 0).unwrap().text, "No");
        assert_eq!(t.cell_at(0, 0).unwrap().row_span, 2);
        assert_eq!(t.cell_at(0, 2).unwrap().text, "Pelaksana");
        assert_eq!(t.cell_at(0, 2).unwrap().col_span, 2);
        assert_eq!(t.cell_at(1, 3).unwrap().text, "Waktu");
        assert_eq!(t.row_texts(2), vec!["1", "x", "", "5 menit"]);
        assert_eq!(g.col_at(1600), Some(2));
        assert_eq!(g.col_at(-50), Some(0));
        assert_eq!(g.col_at(9999), Some(3));
    }
}
