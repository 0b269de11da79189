//! One guarded pass over an .odt `content.xml`: automatic styles (column widths, row
//! heights, page breaks), then the body's paragraphs, tables and draw shapes.

use std::collections::{HashMap, HashSet};

use quick_xml::events::{BytesStart, Event};

use crate::error::IngestError;
use crate::ingest::limits::Budget;
use crate::ingest::sheet::{RawShape, kind_of_odf_type, length_pt, start_shape};
use crate::ingest::xml::{GuardedReader, attr_local, attr_local_num, push_text};
use crate::model::{Block, Cell, ListInfo, Paragraph, Row, ShapeKind, Table};

/// The most grid columns a table may declare or reach; cells past it are dropped.
const MAX_COLS: usize = 1024;

/// The most spaces one `text:s` element may stand for.
const MAX_SPACES: usize = 256;

/// Column widths and row heights of one body table, in points.
#[derive(Default)]
pub(super) struct Geom {
    /// Width of each grid column.
    cols: Vec<f64>,
    /// Minimum height of each row (0 when the style gives none).
    rows: Vec<f64>,
}

impl Geom {
    /// Left edge of grid column `col` from the table's left edge.
    pub(super) fn col_start(&self, col: usize) -> f64 {
        self.cols.iter().take(col).sum()
    }

    /// Top edge of row `row` from the table's top edge (minimum heights).
    pub(super) fn row_start(&self, row: usize) -> f64 {
        self.rows.iter().take(row).sum()
    }

    /// The row holding `y`, walked from the rows' heights; `anchor` when some row has
    /// no known height or `y` lies outside the table.
    pub(super) fn locate_row(&self, y: f64, anchor: usize) -> usize {
        if self.rows.iter().any(|h| *h <= 0.0) {
            return anchor;
        }
        let mut edge = 0.0;
        for (i, h) in self.rows.iter().enumerate() {
            edge += h;
            if y < edge {
                return if y >= 0.0 { i } else { anchor };
            }
        }
        anchor
    }

    /// The grid column holding `x`, when `x` lies within the table.
    pub(super) fn locate_col(&self, x: f64) -> Option<usize> {
        let mut edge = 0.0;
        for (i, w) in self.cols.iter().enumerate() {
            edge += w;
            if x < edge {
                return (x >= 0.0).then_some(i);
            }
        }
        None
    }
}

/// A shape with where it was anchored.
pub(super) struct Placed {
    /// The shape as read (offsets relative to its anchor).
    pub(super) raw: RawShape,
    /// The body table (block index), row and column of the cell it was anchored in.
    pub(super) host: Option<(usize, usize, usize)>,
    /// `draw:mirror-horizontal` and `draw:mirror-vertical` of its geometry.
    pub(super) mirror: (bool, bool),
    /// Number of body blocks before the shape (where a picture outside a table stands).
    pub(super) block: usize,
}

/// What the walk yields.
#[derive(Default)]
pub(super) struct Body {
    /// Paragraphs and tables in reading order.
    pub(super) blocks: Vec<Block>,
    /// Every shape, unplaced.
    pub(super) shapes: Vec<Placed>,
    /// Geometry of each body table, by block index.
    pub(super) geoms: HashMap<usize, Geom>,
}

/// Styles that matter to the model.
#[derive(Default)]
struct Styles {
    col_width: HashMap<String, f64>,
    row_height: HashMap<String, f64>,
    page_break: HashSet<String>,
    /// The style element being read: its name.
    current: Option<String>,
}

/// A table being read.
#[derive(Default)]
struct TableBuild {
    rows: Vec<Row>,
    geom: Geom,
    col: usize,
    in_header: bool,
    /// The block index a body table will have (None for a nested table).
    block: Option<usize>,
    cell: Option<CellBuild>,
}

/// A cell being read.
struct CellBuild {
    row: usize,
    col: usize,
    row_span: usize,
    col_span: usize,
    paras: Vec<String>,
    depth: usize,
}

/// A paragraph (or heading) being read.
struct ParaBuild {
    text: String,
    depth: usize,
    heading: Option<u8>,
    page_break: bool,
}

/// A shape being read.
struct ShapeBuild {
    depth: usize,
    placed: Placed,
    /// Depth of a `text:p` inside the shape being read.
    para: Option<usize>,
}

/// The walk's state.
#[derive(Default)]
struct Walker {
    body: Body,
    styles: Styles,
    tables: Vec<TableBuild>,
    para: Option<ParaBuild>,
    shape: Option<ShapeBuild>,
    /// List nesting depth.
    lists: usize,
    /// Depth of an element whose content is skipped (annotations, change history).
    skip: Option<usize>,
    pending_break: bool,
    depth: usize,
}

/// Walks `content.xml` once, guarded, into a [`Body`].
pub(super) fn read(xml: &[u8], budget: &Budget) -> Result<Body, IngestError> {
    let mut rd = GuardedReader::new(xml, budget, super::CONTENT_PART);
    let mut w = Walker::default();
    loop {
        let ev = rd.next()?;
        match &ev {
            Event::Eof => break,
            Event::Start(e) => {
                w.depth += 1;
                if w.skip.is_none() {
                    w.open(e, false);
                }
            }
            Event::Empty(e) => {
                w.depth += 1;
                if w.skip.is_none() {
                    w.open(e, true);
                }
                w.depth -= 1;
            }
            Event::End(_) => {
                let d = w.depth;
                w.depth = w.depth.saturating_sub(1);
                if w.skip == Some(d) {
                    w.skip = None;
                } else if w.skip.is_none() {
                    w.close(ev_local(&ev).as_deref().unwrap_or(""), d);
                }
            }
            other => {
                if w.skip.is_none()
                    && let Some(t) = w.text_sink()
                {
                    push_text(t, other);
                }
            }
        }
    }
    Ok(w.body)
}

/// The local name of an end event.
fn ev_local(ev: &Event<'_>) -> Option<String> {
    match ev {
        Event::End(e) => Some(e.local_name().as_ref().to_string()),
        _ => None,
    }
}

impl Walker {
    /// Where text goes now: the shape's paragraph, else the body or cell paragraph.
    fn text_sink(&mut self) -> Option<&mut String> {
        if let Some(s) = self.shape.as_mut() {
            return s.para.is_some().then_some(&mut s.placed.raw.text);
        }
        self.para.as_mut().map(|p| &mut p.text)
    }

    /// An opening (or empty) element.
    fn open(&mut self, e: &BytesStart<'_>, empty: bool) {
        let qn = e.name();
        let prefix = qn.as_ref().split_once(':').map(|(p, _)| p).unwrap_or("");
        let local = e.local_name().as_ref().to_string();
        match (prefix, local.as_str()) {
            ("style", _) => self.style(e, &local),
            ("table", _) => self.table(e, &local, empty),
            ("draw", _) | ("svg", _) => self.draw(e, &local, empty),
            ("text", "tracked-changes" | "note") | ("office", "annotation" | "forms") if !empty => {
                self.skip = Some(self.depth);
            }
            ("text", _) => self.text(e, &local, empty),
            _ => {}
        }
    }

    /// Automatic styles: column widths, row heights, paragraph page breaks.
    fn style(&mut self, e: &BytesStart<'_>, local: &str) {
        let st = &mut self.styles;
        match local {
            "style" => st.current = attr_local(e, "name"),
            "table-column-properties" => {
                if let (Some(n), Some(w)) = (
                    st.current.clone(),
                    attr_local(e, "column-width").and_then(|v| length_pt(&v)),
                ) {
                    st.col_width.insert(n, w);
                }
            }
            "table-row-properties" => {
                let h = attr_local(e, "row-height").or_else(|| attr_local(e, "min-row-height"));
                if let (Some(n), Some(h)) = (st.current.clone(), h.and_then(|v| length_pt(&v))) {
                    st.row_height.insert(n, h);
                }
            }
            "paragraph-properties" => {
                if attr_local(e, "break-before").as_deref() == Some("page")
                    && let Some(n) = st.current.clone()
                {
                    st.page_break.insert(n);
                }
            }
            _ => {}
        }
    }

    /// Table structure: tables, columns, header rows, rows, cells.
    fn table(&mut self, e: &BytesStart<'_>, local: &str, empty: bool) {
        match local {
            "table" if !empty => {
                let block = self.tables.is_empty().then_some(self.body.blocks.len());
                self.tables.push(TableBuild {
                    block,
                    ..Default::default()
                });
            }
            "table-column" => {
                let n: usize = attr_local_num(e, "number-columns-repeated")
                    .unwrap_or(1)
                    .max(1);
                let w = attr_local(e, "style-name")
                    .and_then(|s| self.styles.col_width.get(&s).copied())
                    .unwrap_or(0.0);
                if let Some(t) = self.tables.last_mut() {
                    let n = n.min(MAX_COLS.saturating_sub(t.geom.cols.len()));
                    t.geom.cols.extend(std::iter::repeat_n(w, n));
                }
            }
            "table-header-rows" if !empty => {
                if let Some(t) = self.tables.last_mut() {
                    t.in_header = true;
                }
            }
            "table-row" => {
                let h = attr_local(e, "style-name")
                    .and_then(|s| self.styles.row_height.get(&s).copied());
                if let Some(t) = self.tables.last_mut() {
                    t.rows.push(Row {
                        repeat_header: t.in_header,
                        height: h.map(|h| h as f32),
                        ..Default::default()
                    });
                    t.geom.rows.push(h.unwrap_or(0.0));
                    t.col = 0;
                }
            }
            "table-cell" => self.open_cell(e, empty),
            "covered-table-cell" => {
                let n: usize = attr_local_num(e, "number-columns-repeated")
                    .unwrap_or(1)
                    .max(1);
                if let Some(t) = self.tables.last_mut() {
                    t.col = t.col.saturating_add(n);
                }
            }
            _ => {}
        }
    }

    /// A `table:table-cell`: an empty element is an empty cell; a full one is read.
    fn open_cell(&mut self, e: &BytesStart<'_>, empty: bool) {
        let repeat: usize = attr_local_num(e, "number-columns-repeated")
            .unwrap_or(1)
            .max(1);
        let row_span: usize = attr_local_num(e, "number-rows-spanned").unwrap_or(1).max(1);
        let col_span: usize = attr_local_num(e, "number-columns-spanned")
            .unwrap_or(1)
            .max(1);
        let depth = self.depth;
        let Some(t) = self.tables.last_mut() else {
            return;
        };
        let row = t.rows.len().saturating_sub(1);
        if empty {
            for _ in 0..repeat.min(MAX_COLS) {
                if t.col < MAX_COLS
                    && let Some(r) = t.rows.last_mut()
                {
                    r.cells.push(Cell {
                        row,
                        col: t.col,
                        row_span,
                        col_span,
                        ..Default::default()
                    });
                }
                t.col = t.col.saturating_add(1);
            }
            return;
        }
        t.cell = Some(CellBuild {
            row,
            col: t.col,
            row_span,
            col_span,
            paras: Vec::new(),
            depth,
        });
        // The columns a span covers come as `table:covered-table-cell` elements.
        t.col = t.col.saturating_add(repeat);
    }

    /// Draw elements: a shape opens (unless one is already being read); its geometry
    /// names its kind; a text box makes it a label.
    fn draw(&mut self, e: &BytesStart<'_>, local: &str, empty: bool) {
        match local {
            "custom-shape" | "rect" | "ellipse" | "circle" | "frame" | "line" | "connector"
            | "polygon" | "polyline" | "path"
                if self.shape.is_none() =>
            {
                let host = self.host();
                let placed = Placed {
                    raw: start_shape(e, local, host.map(|(_, r, c)| (r as u32, c as u32))),
                    host,
                    mirror: (false, false),
                    block: self.body.blocks.len(),
                };
                if empty {
                    self.body.shapes.push(placed);
                } else {
                    self.shape = Some(ShapeBuild {
                        depth: self.depth,
                        placed,
                        para: None,
                    });
                }
            }
            "enhanced-geometry" => {
                if let Some(b) = self.shape.as_mut() {
                    if let Some(t) = attr_local(e, "type") {
                        b.placed.raw.kind = kind_of_odf_type(&t);
                        b.placed.raw.geometry = t;
                    }
                    b.placed.mirror = (
                        attr_local(e, "mirror-horizontal").as_deref() == Some("true"),
                        attr_local(e, "mirror-vertical").as_deref() == Some("true"),
                    );
                }
            }
            "text-box" => {
                if let Some(b) = self.shape.as_mut() {
                    b.placed.raw.text_box = true;
                    b.placed.raw.kind = ShapeKind::Process;
                    b.placed.raw.geometry = "draw:text-box".to_string();
                }
            }
            "image" => {
                if let Some(b) = self.shape.as_mut() {
                    b.placed.raw.geometry = "draw:image".to_string();
                    b.placed.raw.image = attr_local(e, "href");
                }
            }
            _ => {}
        }
    }

    /// The body table, row and column of the innermost body-table cell being read.
    fn host(&self) -> Option<(usize, usize, usize)> {
        let outer = self.tables.first()?;
        let cell = outer.cell.as_ref()?;
        Some((outer.block?, cell.row, cell.col))
    }

    /// Text elements: paragraphs, headings, lists, spaces, tabs, line breaks.
    fn text(&mut self, e: &BytesStart<'_>, local: &str, empty: bool) {
        if let Some(s) = self.shape.as_mut() {
            if local == "p" || local == "h" {
                if !s.placed.raw.text.is_empty() {
                    s.placed.raw.text.push('\n');
                }
                if !empty {
                    s.para = Some(self.depth);
                }
                return;
            }
        } else if local == "p" || local == "h" {
            let page_break =
                attr_local(e, "style-name").is_some_and(|s| self.styles.page_break.contains(&s));
            let heading = (local == "h").then(|| attr_local_num(e, "outline-level").unwrap_or(1));
            if empty {
                self.pending_break |= page_break;
            } else {
                self.para = Some(ParaBuild {
                    text: String::new(),
                    depth: self.depth,
                    heading,
                    page_break,
                });
            }
            return;
        }
        match local {
            "list" if !empty => self.lists += 1,
            "s" => {
                let n: usize = attr_local_num(e, "c").unwrap_or(1).clamp(1, MAX_SPACES);
                if let Some(t) = self.text_sink() {
                    t.extend(std::iter::repeat_n(' ', n));
                }
            }
            "tab" => {
                if let Some(t) = self.text_sink() {
                    t.push('\t');
                }
            }
            "line-break" => {
                if let Some(t) = self.text_sink() {
                    t.push('\n');
                }
            }
            _ => {}
        }
    }

    /// A closing element at depth `d`.
    fn close(&mut self, local: &str, d: usize) {
        if let Some(s) = self.shape.as_mut() {
            if s.para == Some(d) {
                s.para = None;
            }
            if s.depth == d
                && let Some(b) = self.shape.take()
            {
                let mut placed = b.placed;
                placed.raw.text = placed.raw.text.trim().to_string();
                self.body.shapes.push(placed);
            }
            return;
        }
        match local {
            "style" => self.styles.current = None,
            "list" => self.lists = self.lists.saturating_sub(1),
            "p" | "h" if self.para.as_ref().is_some_and(|p| p.depth == d) => self.end_para(),
            "table-header-rows" => {
                if let Some(t) = self.tables.last_mut() {
                    t.in_header = false;
                }
            }
            "table-cell" => self.end_cell(d),
            "table" => self.end_table(),
            _ => {}
        }
    }

    /// A paragraph ends: into its cell, or the body as a block.
    fn end_para(&mut self) {
        let Some(p) = self.para.take() else {
            return;
        };
        let text = p.text.trim().to_string();
        if let Some(cell) = self.tables.last_mut().and_then(|t| t.cell.as_mut()) {
            if !text.is_empty() {
                cell.paras.push(text);
            }
            return;
        }
        if text.is_empty() {
            self.pending_break |= p.page_break;
            return;
        }
        let list = (self.lists > 0).then(|| ListInfo {
            num_id: None,
            level: u8::try_from(self.lists - 1).unwrap_or(u8::MAX),
            label: None,
        });
        self.body.blocks.push(Block::Paragraph(Paragraph {
            text,
            list,
            page_break_before: std::mem::take(&mut self.pending_break) || p.page_break,
            style: p.heading.map(|l| format!("Heading{l}")),
            page: None,
        }));
    }

    /// A cell ends: a nested table's cell folds its text into the enclosing cell.
    fn end_cell(&mut self, d: usize) {
        let nested = self.tables.len() > 1;
        let Some(t) = self.tables.last_mut() else {
            return;
        };
        if t.cell.as_ref().is_none_or(|c| c.depth != d) {
            return;
        }
        let Some(c) = t.cell.take() else {
            return;
        };
        if nested {
            let outer = self.tables.len() - 2;
            if let Some(oc) = self.tables.get_mut(outer).and_then(|o| o.cell.as_mut()) {
                oc.paras.extend(c.paras);
            }
            return;
        }
        if c.col >= MAX_COLS {
            return;
        }
        let Some(t) = self.tables.last_mut() else {
            return;
        };
        if let Some(r) = t.rows.last_mut() {
            r.cells.push(Cell {
                row: c.row,
                col: c.col,
                row_span: c.row_span,
                col_span: c.col_span,
                text: c.paras.join("\n"),
                value: None,
            });
        }
    }

    /// A table ends: a body table becomes a block with its geometry kept for placement.
    fn end_table(&mut self) {
        let Some(t) = self.tables.pop() else {
            return;
        };
        let Some(block) = t.block else {
            return;
        };
        let reached = t
            .rows
            .iter()
            .flat_map(|r| r.cells.iter().map(|c| c.col.saturating_add(c.col_span)))
            .max()
            .unwrap_or(0);
        let n_cols = reached.max(t.geom.cols.len()).min(MAX_COLS);
        let table = Table {
            rows: t.rows,
            n_cols,
            col_widths: t.geom.cols.iter().map(|w| *w as f32).collect(),
            page: None,
        };
        self.body.geoms.insert(block, t.geom);
        if std::mem::take(&mut self.pending_break) {
            self.body.blocks.push(Block::Paragraph(Paragraph {
                page_break_before: true,
                ..Default::default()
            }));
        }
        let at = self.body.blocks.len();
        self.body.blocks.push(Block::Table(table));
        if at != block {
            // A page-break paragraph went first: the table's shapes follow it.
            for s in self.body.shapes.iter_mut() {
                if let Some((b, _, _)) = s.host.as_mut()
                    && *b == block
                {
                    *b = at;
                }
            }
            if let Some(g) = self.body.geoms.remove(&block) {
                self.body.geoms.insert(at, g);
            }
        }
    }
}
