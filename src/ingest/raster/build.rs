//! From a picture's layout and OCR text to the document model, in page coordinates:
//! tables of cells with text and spans, symbols anchored to the cell holding their
//! centre (as the vector PDF reader anchors them), and paragraphs for text outside the
//! tables, all in top-to-bottom order.

use super::{OcrText, PxRect, RasterLayout, RasterShape, RasterTable};
use crate::ingest::broken::{self, Edges, SpanLine};
use crate::model::{
    Anchor, Block, Cell, Paragraph, Point, Rect, Row, Section, Shape, ShapeKind, Table,
};

/// Text in an actor column below the first symbol is a branch label ("Ya", "Tidak")
/// when it has at most this many characters (longer text is a cell's real content).
const MAX_LABEL_CHARS: usize = 24;

/// From the picture's pixels to page points.
#[derive(Clone, Copy, Debug)]
struct Placement {
    x: f32,
    y: f32,
    sx: f32,
    sy: f32,
}

impl Placement {
    fn new(layout: &RasterLayout, at: Rect) -> Placement {
        let w = layout.image.width().max(1) as f32;
        let h = layout.image.height().max(1) as f32;
        Placement {
            x: at.x,
            y: at.y,
            sx: at.w / w,
            sy: at.h / h,
        }
    }

    fn rect(&self, r: PxRect) -> Rect {
        Rect {
            x: self.x + r.x as f32 * self.sx,
            y: self.y + r.y as f32 * self.sy,
            w: r.w as f32 * self.sx,
            h: r.h as f32 * self.sy,
        }
    }

    fn point(&self, p: (u32, u32)) -> Point {
        Point {
            x: self.x + p.0 as f32 * self.sx,
            y: self.y + p.1 as f32 * self.sy,
        }
    }
}

/// Pushes the picture's tables, symbols and free text lines into `section`:
/// `cell_text` holds the OCR text of every cell, table by table in the layout's order;
/// `free_text` that of `layout.free_text`; `placement` is the picture's box on the page
/// in points; `page` its page where the format has pages (PDF), else None.
pub fn to_model(
    layout: &RasterLayout,
    cell_text: &[OcrText],
    free_text: &[OcrText],
    placement: Rect,
    page: Option<u32>,
    section: &mut Section,
) {
    let at = Placement::new(layout, placement);
    let mut texts = cell_text.iter();
    let mut lines = layout.free_text.iter().zip(free_text).peekable();
    let mut labels: Vec<Shape> = Vec::new();
    let mut blocks_of_tables: Vec<usize> = Vec::new();
    for table in &layout.tables {
        while let Some((b, t)) = lines.next_if(|(b, _)| b.y < table.bbox.y) {
            push_line(section, &at, *b, t, page);
        }
        let own: Vec<&OcrText> = texts.by_ref().take(table.cells.len()).collect();
        let symbol_cols = symbol_columns(table, &layout.shapes);
        let (model, table_labels) = table_model(table, &own, &symbol_cols, &at, page);
        blocks_of_tables.push(section.blocks.len());
        labels.extend(
            table_labels
                .into_iter()
                .map(|(row, col, text, bbox)| Shape {
                    kind: ShapeKind::Process,
                    geometry: "raster:label".into(),
                    text,
                    text_box: true,
                    anchor: Anchor::Cell {
                        block: section.blocks.len(),
                        row,
                        col,
                    },
                    bbox: Some(bbox),
                    line: None,
                    page,
                    picture: None,
                }),
        );
        section.blocks.push(Block::Table(model));
    }
    for (b, t) in lines {
        push_line(section, &at, *b, t, page);
    }
    for s in &layout.shapes {
        let anchor = anchor_of(layout, &blocks_of_tables, s);
        section.shapes.push(shape(s, anchor, &at, page));
    }
    section.shapes.extend(labels);
}

fn push_line(section: &mut Section, _at: &Placement, _b: PxRect, t: &OcrText, page: Option<u32>) {
    let text = t.text.trim();
    if text.is_empty() {
        return;
    }
    section.blocks.push(Block::Paragraph(Paragraph {
        text: text.to_string(),
        page,
        ..Paragraph::default()
    }));
}

/// Per column: whether a symbol (not a connector line) stands in it, and the first
/// row holding one.
fn symbol_columns(table: &RasterTable, shapes: &[RasterShape]) -> (Vec<bool>, usize) {
    let mut cols = vec![false; table.cols];
    let mut first = usize::MAX;
    for s in shapes.iter().filter(|s| s.kind != ShapeKind::Arrow) {
        if let Some(c) = cell_at(table, centre(s.bbox)) {
            if let Some(slot) = cols.get_mut(c.1) {
                *slot = true;
            }
            if !matches!(s.kind, ShapeKind::Connector | ShapeKind::OffPage) {
                first = first.min(c.0);
            }
        }
    }
    (cols, first)
}

/// The grid cell (row, col) of the table's cell holding `p`.
fn cell_at(table: &RasterTable, p: (f32, f32)) -> Option<(usize, usize)> {
    let slot = |edges: &[f32], v: f32| {
        edges
            .windows(2)
            .position(|w| matches!(w, [a, b] if v >= *a && v < *b))
    };
    let r = slot(&table.ys, p.1)?;
    let c = slot(&table.xs, p.0)?;
    table
        .cells
        .iter()
        .find(|k| r >= k.row && r < k.row + k.row_span && c >= k.col && c < k.col + k.col_span)
        .map(|k| (k.row, k.col))
}

fn centre(r: PxRect) -> (f32, f32) {
    (r.x as f32 + r.w as f32 / 2.0, r.y as f32 + r.h as f32 / 2.0)
}

/// A label found in a cell: (row, col, text, box in points).
type Label = (usize, usize, String, Rect);

/// The model table of `table` with its cells' text, and the branch labels taken out of
/// actor columns.
fn table_model(
    table: &RasterTable,
    texts: &[&OcrText],
    symbols: &(Vec<bool>, usize),
    at: &Placement,
    page: Option<u32>,
) -> (Table, Vec<Label>) {
    let (cols, first) = symbols;
    let edge = |v: &[f32], i: usize| v.get(i).copied().unwrap_or(0.0);
    let mut rows: Vec<Row> = (0..table.rows)
        .map(|r| Row {
            height: Some((edge(&table.ys, r + 1) - edge(&table.ys, r)) * at.sy),
            page,
            ..Row::default()
        })
        .collect();
    let mut labels: Vec<Label> = Vec::new();
    let cell_texts = cell_texts(table, texts);
    for (c, text) in table.cells.iter().zip(cell_texts) {
        let in_actor_col = c.col_span == 1 && cols.get(c.col).copied().unwrap_or(false);
        let label = in_actor_col
            && c.row >= *first
            && !text.is_empty()
            && text.chars().count() <= MAX_LABEL_CHARS;
        let text = if label {
            let bbox = at.rect(c.text_box.unwrap_or(c.bbox));
            labels.push((c.row, c.col, text, bbox));
            String::new()
        } else {
            text
        };
        if let Some(row) = rows.get_mut(c.row) {
            row.cells.push(Cell {
                row: c.row,
                col: c.col,
                row_span: c.row_span,
                col_span: c.col_span,
                text,
                value: None,
            });
        }
    }
    let model = Table {
        rows,
        n_cols: table.cols,
        col_widths: table
            .xs
            .windows(2)
            .map(|w| match w {
                [a, b] => (b - a) * at.sx,
                _ => 0.0,
            })
            .collect(),
        page,
    };
    (model, labels)
}

/// The text of each cell of `table`, in its cells' order (`texts` as read): its lines
/// joined where a word was broken at the cell's edge ([`broken::join`]), with the
/// table's cell padding measured from all its cells.
fn cell_texts(table: &RasterTable, texts: &[&OcrText]) -> Vec<String> {
    let lines: Vec<Vec<SpanLine>> = (0..table.cells.len())
        .map(|i| texts.get(i).map_or_else(Vec::new, |t| span_lines(t)))
        .collect();
    let gaps = table
        .cells
        .iter()
        .zip(&lines)
        .filter_map(|(c, ls)| broken::left_gap(ls, edges(c.bbox)))
        .collect();
    let pad = broken::padding(gaps);
    table
        .cells
        .iter()
        .zip(&lines)
        .enumerate()
        .map(|(i, (c, ls))| match texts.get(i) {
            Some(t) if ls.is_empty() => t.text.trim().to_string(),
            Some(_) => broken::join(ls, edges(c.bbox), pad).trim().to_string(),
            None => String::new(),
        })
        .collect()
}

/// The lines of `t` with their extents; none when the extents are unknown (or do not
/// match the lines).
fn span_lines(t: &OcrText) -> Vec<SpanLine<'_>> {
    let lines: Vec<&str> = t.text.lines().collect();
    if lines.len() != t.spans.len() {
        return Vec::new();
    }
    lines
        .into_iter()
        .zip(&t.spans)
        .map(|(text, &(x0, x1))| SpanLine {
            text: text.trim(),
            x0,
            x1,
        })
        .collect()
}

/// A cell's inner left and right edges.
fn edges(b: PxRect) -> Edges {
    Edges {
        left: b.x as f32,
        right: (b.x + b.w) as f32,
    }
}

/// The anchor of a symbol: the cell holding its centre, in the table's block.
fn anchor_of(layout: &RasterLayout, blocks: &[usize], s: &RasterShape) -> Anchor {
    let c = match s.line {
        Some([a, b]) => ((a.0 + b.0) as f32 / 2.0, (a.1 + b.1) as f32 / 2.0),
        None => centre(s.bbox),
    };
    for (t, block) in layout.tables.iter().zip(blocks) {
        if let Some((row, col)) = cell_at(t, c) {
            return Anchor::Cell {
                block: *block,
                row,
                col,
            };
        }
    }
    Anchor::Free
}

/// The geometry name of a symbol read from pixels, for diagnostics.
fn geometry(kind: ShapeKind) -> &'static str {
    match kind {
        ShapeKind::Terminator => "raster:rounded-rect",
        ShapeKind::Process => "raster:rect",
        ShapeKind::Decision => "raster:diamond",
        ShapeKind::Connector => "raster:circle",
        ShapeKind::OffPage => "raster:pentagon",
        ShapeKind::Arrow => "raster:line",
        ShapeKind::Other => "raster:other",
    }
}

fn shape(s: &RasterShape, anchor: Anchor, at: &Placement, page: Option<u32>) -> Shape {
    Shape {
        kind: s.kind,
        geometry: geometry(s.kind).to_string(),
        text: String::new(),
        text_box: false,
        anchor,
        bbox: Some(at.rect(s.bbox)),
        line: s.line.map(|[a, b]| (at.point(a), at.point(b))),
        page,
        picture: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::raster::RasterCell;

    fn cell(col: usize, x: u32, w: u32) -> RasterCell {
        RasterCell {
            row: 0,
            col,
            row_span: 1,
            col_span: 1,
            bbox: PxRect { x, y: 0, w, h: 40 },
            text_box: None,
        }
    }

    /// OCR text of `lines`, each (text, left end, right end) in picture pixels.
    fn read(lines: &[(&str, f32, f32)]) -> OcrText {
        OcrText {
            text: lines.iter().map(|l| l.0).collect::<Vec<_>>().join("\n"),
            confidence: Some(90.0),
            spans: lines.iter().map(|l| (l.1, l.2)).collect(),
        }
    }

    /// A word broken at its narrow cell's edge is read whole; a short word wrapped before
    /// the next word keeps its break. The padding (4 px) is the table's, measured from a
    /// left-aligned cell beside them.
    #[test]
    fn a_word_broken_at_the_cell_edge_reads_whole() {
        let table = RasterTable {
            rows: 1,
            cols: 3,
            cells: vec![cell(0, 0, 100), cell(1, 100, 80), cell(2, 180, 80)],
            ..RasterTable::default()
        };
        let body = read(&[("Berkas", 4.0, 52.0)]);
        // "Koordinat" fills the 72 px text width of its 80 px cell (8 px a letter).
        let broken = read(&[("Koordinat", 104.0, 176.0), ("or Lapangan", 120.0, 160.0)]);
        // "Kepala" centred with two letters' room on either side.
        let wrapped = read(&[("Kepala", 196.0, 244.0), ("Seksi", 200.0, 240.0)]);
        let texts = cell_texts(&table, &[&body, &broken, &wrapped]);
        assert_eq!(
            texts,
            vec!["Berkas", "Koordinator Lapangan", "Kepala\nSeksi"]
        );
        // Without line extents (an engine that gave none) the lines stay as read.
        let unknown = OcrText {
            spans: Vec::new(),
            ..broken.clone()
        };
        let texts = cell_texts(&table, &[&body, &unknown, &wrapped]);
        assert_eq!(texts[1], "Koordinat\nor Lapangan");
    }
}
