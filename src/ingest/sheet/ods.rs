//! .ods (OpenDocument spreadsheet): one guarded pass over `content.xml` for what
//! calamine does not give (spans, header rows, column widths and row heights, shapes
//! drawn in cells), then the cell values through calamine.
//!
//! In a LibreOffice sheet a cell-anchored shape is written inside its anchor
//! `table:table-cell` with `svg:x`/`svg:y` relative to that cell; connectors and lines
//! carry absolute `svg:x1..y2`; page-anchored shapes sit in `table:shapes` with
//! absolute positions.

use std::collections::{HashMap, HashSet};
use std::io::Cursor;

use calamine::{Dimensions, Ods, OdsError, Reader, open_workbook_from_rs};
use quick_xml::events::{BytesStart, Event};

use crate::error::IngestError;
use crate::ingest::limits::Budget;
use crate::ingest::sheet::drawing::kind_of_preset;
use crate::ingest::sheet::grid::{Axis, SheetExtras, build_table};
use crate::ingest::sheet::{check_dense, shielded};
use crate::ingest::xml::prescan;
use crate::ingest::xml::{GuardedReader, attr_local, attr_local_num, push_text};
use crate::ingest::zipped::Package;
use crate::model::{Anchor, Block, Document, PictureRef, Point, Rect, Section, Shape, ShapeKind};

/// The block a sheet's picture stands before: after the sheet's one table.
const PICTURE_BLOCK: usize = 1;

/// LibreOffice's default column width (2.258 cm) and row height (0.452 cm), in points.
const DEFAULT_COL_PT: f64 = 64.0;
const DEFAULT_ROW_PT: f64 = 12.8;

/// Column and row counts beyond which repeated trailing columns/rows are ignored
/// (LibreOffice pads every sheet to 16384 columns and 1048576 rows).
const MAX_COLS: u64 = 16_384;
const MAX_ROWS: u64 = 1_048_576;

fn map_err(e: OdsError, what: &str) -> IngestError {
    match e {
        OdsError::Password => {
            IngestError::Encrypted("the workbook is password-protected".to_string())
        }
        other => IngestError::corrupt(what, other),
    }
}

/// A length like `0.17in`, `1.2cm`, `3mm`, `12pt` in points.
pub fn length_pt(s: &str) -> Option<f64> {
    let s = s.trim();
    let split = s.find(|c: char| c.is_ascii_alphabetic()).unwrap_or(s.len());
    let (num, unit) = s.split_at(split);
    let v: f64 = num.trim().parse().ok()?;
    let k = match unit {
        "in" => 72.0,
        "cm" => 72.0 / 2.54,
        "mm" => 72.0 / 25.4,
        "pt" | "" => 1.0,
        "pc" => 12.0,
        "px" => 0.75,
        _ => return None,
    };
    let pt = v * k;
    pt.is_finite().then_some(pt)
}

/// Maps an ODF `draw:type` (LibreOffice names, or `ooxml-` prefixed DrawingML names).
pub(crate) fn kind_of_odf_type(t: &str) -> ShapeKind {
    if let Some(p) = t.strip_prefix("ooxml-") {
        return kind_of_preset(p);
    }
    match t {
        "flowchart-terminator" | "round-rectangle" | "flowchart-alternate-process" => {
            ShapeKind::Terminator
        }
        "flowchart-process" | "rectangle" | "flowchart-predefined-process" => ShapeKind::Process,
        "flowchart-decision" | "diamond" => ShapeKind::Decision,
        "flowchart-connector" | "ellipse" | "circle" => ShapeKind::Connector,
        "flowchart-off-page-connector" | "pentagon-right" => ShapeKind::OffPage,
        _ => ShapeKind::Other,
    }
}

/// A shape read from an ODF `content.xml` (spreadsheet or text), before placement.
pub(crate) struct RawShape {
    /// The symbol kind.
    pub(crate) kind: ShapeKind,
    /// The producer's geometry name.
    pub(crate) geometry: String,
    /// The shape's own text.
    pub(crate) text: String,
    /// True for a `draw:text-box`.
    pub(crate) text_box: bool,
    /// Rectangle in points: cell-relative when `cell` is set, else absolute.
    pub(crate) rect: Rect,
    /// The anchor cell (row, column), where the shape is anchored in one.
    pub(crate) cell: Option<(u32, u32)>,
    /// For `draw:line` and `draw:connector`: start and end points.
    pub(crate) line: Option<(Point, Point)>,
    /// For a `draw:image`: its `xlink:href`, the package part holding its pixels when
    /// the picture is embedded (`Pictures/….png`).
    pub(crate) image: Option<String>,
}

/// What `content.xml` says about one sheet.
#[derive(Default)]
struct OdsSheet {
    name: String,
    col_runs: Vec<(u32, u32, f64)>,
    row_runs: Vec<(u32, u32, f64)>,
    merges: Vec<Dimensions>,
    header_rows: Vec<(u32, u32)>,
    shapes: Vec<RawShape>,
    /// Own text of cells that hold shapes (calamine would mix the shapes' text in).
    own_text: HashMap<(u32, u32), String>,
    extent: Option<(u64, u64, u64, u64)>,
}

impl OdsSheet {
    fn extend(&mut self, r0: u64, c0: u64, r1: u64, c1: u64) {
        self.extent = Some(match self.extent {
            None => (r0, c0, r1, c1),
            Some((a, b, c, d)) => (a.min(r0), b.min(c0), c.max(r1), d.max(c1)),
        });
    }
}

/// The shape element being read.
struct ShapeBuild {
    depth: usize,
    shape: RawShape,
}

/// Reads a shape element's geometry attributes (`local` is the element's local name).
pub(crate) fn start_shape(e: &BytesStart<'_>, local: &str, cell: Option<(u32, u32)>) -> RawShape {
    let len = |n: &str| attr_local(e, n).and_then(|v| length_pt(&v)).unwrap_or(0.0);
    let (mut x, mut y) = (len("x"), len("y"));
    if attr_local(e, "x").is_none()
        && let Some(t) = attr_local(e, "transform")
        && let Some(i) = t.find("translate")
    {
        // `rotate (…) translate (x y)` for rotated shapes.
        let args = t.get(i + 9..).unwrap_or("");
        let args = args.trim_start().trim_start_matches('(');
        let mut it = args.split(|c: char| c == ')' || c.is_whitespace());
        let mut parts = it.by_ref().filter(|s| !s.is_empty());
        x = parts.next().and_then(length_pt).unwrap_or(0.0);
        y = parts.next().and_then(length_pt).unwrap_or(0.0);
    }
    let rect = Rect {
        x: x as f32,
        y: y as f32,
        w: len("width") as f32,
        h: len("height") as f32,
    };
    let (kind, geometry, line, cell) = match local {
        "line" | "connector" => {
            let (x1, y1, x2, y2) = (len("x1"), len("y1"), len("x2"), len("y2"));
            let a = Point {
                x: x1 as f32,
                y: y1 as f32,
            };
            let b = Point {
                x: x2 as f32,
                y: y2 as f32,
            };
            // Lines and connectors carry absolute sheet coordinates.
            (
                ShapeKind::Arrow,
                format!("draw:{local}"),
                Some((a, b)),
                None,
            )
        }
        "frame" => (ShapeKind::Other, "draw:frame".to_string(), None, cell),
        "rect" => (ShapeKind::Process, "draw:rect".to_string(), None, cell),
        "ellipse" | "circle" => (ShapeKind::Connector, format!("draw:{local}"), None, cell),
        _ => (ShapeKind::Other, format!("draw:{local}"), None, cell),
    };
    let rect = match line {
        Some((a, b)) => Rect {
            x: a.x.min(b.x),
            y: a.y.min(b.y),
            w: (a.x - b.x).abs(),
            h: (a.y - b.y).abs(),
        },
        None => rect,
    };
    RawShape {
        kind,
        geometry,
        text: String::new(),
        text_box: false,
        rect,
        cell,
        line,
        image: None,
    }
}

/// Walks `content.xml` once, guarded.
fn scan_content(xml: &[u8], budget: &Budget) -> Result<Vec<OdsSheet>, IngestError> {
    let part = "content.xml";
    let mut rd = GuardedReader::new(xml, budget, part);
    let mut col_styles: HashMap<String, f64> = HashMap::new();
    let mut row_styles: HashMap<String, f64> = HashMap::new();
    let mut style: Option<(String, String)> = None; // (name, family) being read
    let mut sheets: Vec<OdsSheet> = Vec::new();
    let mut cur: Option<OdsSheet> = None;
    let (mut row, mut col): (u64, u64) = (0, 0);
    let mut col_next: u64 = 0;
    let mut row_repeat: u64 = 1;
    let mut in_header = false;
    // The cell being read: (row, col, depth, has own text).
    let mut cell: Option<(u64, u64, usize)> = None;
    let mut cell_text: Option<(String, usize)> = None; // own text:p being read
    let mut cell_has_shape = false;
    let mut own_text = String::new();
    let mut shape: Option<ShapeBuild> = None;
    let mut shape_p: Option<usize> = None; // depth of a text:p inside the shape
    let mut depth = 0usize;
    loop {
        let ev = rd.next()?;
        match &ev {
            Event::Eof => break,
            Event::Start(e) | Event::Empty(e) => {
                let empty = matches!(ev, Event::Empty(_));
                depth += 1;
                let qn = e.name();
                let full = qn.as_ref();
                let local = e.local_name();
                let local = local.as_ref();
                let prefix = full.split_once(':').map(|(p, _)| p).unwrap_or("");
                match (prefix, local) {
                    ("style", "style") => {
                        style = Some((
                            attr_local(e, "name").unwrap_or_default(),
                            attr_local(e, "family").unwrap_or_default(),
                        ));
                    }
                    ("style", "table-column-properties") => {
                        if let (Some((n, _)), Some(w)) = (
                            style.as_ref(),
                            attr_local(e, "column-width").and_then(|v| length_pt(&v)),
                        ) {
                            col_styles.insert(n.clone(), w);
                        }
                    }
                    ("style", "table-row-properties") => {
                        if let (Some((n, _)), Some(h)) = (
                            style.as_ref(),
                            attr_local(e, "row-height").and_then(|v| length_pt(&v)),
                        ) {
                            row_styles.insert(n.clone(), h);
                        }
                    }
                    ("table", "table") => {
                        if let Some(s) = cur.take() {
                            sheets.push(s);
                        }
                        cur = Some(OdsSheet {
                            name: attr_local(e, "name").unwrap_or_default(),
                            ..Default::default()
                        });
                        (row, col_next) = (0, 0);
                    }
                    ("table", "table-column") => {
                        let n: u64 = attr_local_num(e, "number-columns-repeated")
                            .unwrap_or(1)
                            .max(1);
                        if let Some(s) = cur.as_mut()
                            && col_next < MAX_COLS
                        {
                            let last = (col_next + n - 1).min(MAX_COLS - 1);
                            let hidden =
                                attr_local(e, "visibility").is_some_and(|v| v != "visible");
                            let w = if hidden {
                                Some(0.0)
                            } else {
                                attr_local(e, "style-name")
                                    .and_then(|st| col_styles.get(&st).copied())
                            };
                            if let Some(w) = w {
                                s.col_runs.push((col_next as u32, last as u32, w));
                            }
                        }
                        col_next = col_next.saturating_add(n);
                    }
                    ("table", "table-header-rows") if !empty => in_header = true,
                    ("table", "table-row") => {
                        row_repeat = attr_local_num(e, "number-rows-repeated")
                            .unwrap_or(1)
                            .max(1);
                        col = 0;
                        if let Some(s) = cur.as_mut()
                            && row < MAX_ROWS
                        {
                            let last = (row + row_repeat - 1).min(MAX_ROWS - 1);
                            let hidden =
                                attr_local(e, "visibility").is_some_and(|v| v != "visible");
                            let h = if hidden {
                                Some(0.0)
                            } else {
                                attr_local(e, "style-name")
                                    .and_then(|st| row_styles.get(&st).copied())
                            };
                            if let Some(h) = h {
                                s.row_runs.push((row as u32, last as u32, h));
                            }
                            if in_header {
                                s.header_rows.push((row as u32, last as u32));
                            }
                        }
                        if empty {
                            row = row.saturating_add(row_repeat);
                        }
                    }
                    ("table", "table-cell" | "covered-table-cell") => {
                        let n: u64 = attr_local_num(e, "number-columns-repeated")
                            .unwrap_or(1)
                            .max(1);
                        let covered = local == "covered-table-cell";
                        if let Some(s) = cur.as_mut() {
                            let rs: u64 =
                                attr_local_num(e, "number-rows-spanned").unwrap_or(1).max(1);
                            let cs: u64 = attr_local_num(e, "number-columns-spanned")
                                .unwrap_or(1)
                                .max(1);
                            if !covered && (rs > 1 || cs > 1) && row < MAX_ROWS && col < MAX_COLS {
                                let er = (row + rs - 1).min(MAX_ROWS - 1);
                                let ec = (col + cs - 1).min(MAX_COLS - 1);
                                s.merges.push(Dimensions {
                                    start: (row as u32, col as u32),
                                    end: (er as u32, ec as u32),
                                });
                            }
                            let has_value = attr_local(e, "value-type").is_some();
                            if (has_value || !empty) && !covered {
                                let last_row = row.saturating_add(row_repeat - 1);
                                let last_col = col.saturating_add(n - 1);
                                s.extend(row, col, last_row, last_col);
                            }
                        }
                        if !empty {
                            cell = Some((row, col, depth));
                            cell_has_shape = false;
                            own_text.clear();
                        }
                        col = col.saturating_add(n);
                    }
                    ("text", "p") if cell.is_some_and(|(_, _, d)| depth == d + 1) => {
                        if !own_text.is_empty() {
                            own_text.push('\n');
                        }
                        if !empty {
                            cell_text = Some((String::new(), depth));
                        }
                    }
                    (
                        "draw",
                        "custom-shape" | "rect" | "ellipse" | "circle" | "frame" | "line"
                        | "connector" | "polygon" | "polyline" | "path",
                    ) if shape.is_none() => {
                        cell_has_shape = true;
                        let at = cell.map(|(r, c, _)| (r as u32, c as u32));
                        let s = start_shape(e, local, at);
                        if empty {
                            if let Some(sh) = cur.as_mut() {
                                sh.shapes.push(s);
                            }
                        } else {
                            shape = Some(ShapeBuild { depth, shape: s });
                        }
                    }
                    ("draw", "enhanced-geometry") => {
                        if let Some(b) = shape.as_mut()
                            && let Some(t) = attr_local(e, "type")
                        {
                            b.shape.kind = kind_of_odf_type(&t);
                            b.shape.geometry = t;
                        }
                    }
                    ("draw", "text-box") => {
                        if let Some(b) = shape.as_mut() {
                            b.shape.text_box = true;
                            b.shape.kind = ShapeKind::Process;
                            b.shape.geometry = "draw:text-box".to_string();
                        }
                    }
                    ("draw", "image") => {
                        if let Some(b) = shape.as_mut() {
                            b.shape.geometry = "draw:image".to_string();
                            b.shape.image = attr_local(e, "href");
                        }
                    }
                    ("text", "p") if shape.is_some() => {
                        if let Some(b) = shape.as_mut()
                            && !b.shape.text.is_empty()
                        {
                            b.shape.text.push('\n');
                        }
                        if !empty {
                            shape_p = Some(depth);
                        }
                    }
                    _ => {}
                }
                if empty {
                    depth -= 1;
                }
            }
            Event::End(e) => {
                let d = depth;
                depth = depth.saturating_sub(1);
                let local = e.local_name();
                match local.as_ref() {
                    "style" => style = None,
                    "table" => {
                        if let Some(s) = cur.take() {
                            sheets.push(s);
                        }
                    }
                    "table-header-rows" => in_header = false,
                    "table-row" => row = row.saturating_add(row_repeat),
                    _ => {}
                }
                if shape_p == Some(d) {
                    shape_p = None;
                }
                if cell_text.as_ref().is_some_and(|(_, td)| *td == d)
                    && let Some((t, _)) = cell_text.take()
                {
                    own_text.push_str(&t);
                }
                if shape.as_ref().is_some_and(|b| b.depth == d)
                    && let (Some(b), Some(s)) = (shape.take(), cur.as_mut())
                {
                    let mut sh = b.shape;
                    sh.text = sh.text.trim().to_string();
                    s.shapes.push(sh);
                }
                if cell.is_some_and(|(_, _, cd)| cd == d)
                    && let Some((r, c, _)) = cell.take()
                    && cell_has_shape
                    && let Some(s) = cur.as_mut()
                    && r < MAX_ROWS
                    && c < MAX_COLS
                {
                    s.own_text
                        .insert((r as u32, c as u32), std::mem::take(&mut own_text));
                }
            }
            ev => {
                if let Some(b) = shape.as_mut() {
                    if shape_p.is_some() {
                        push_text(&mut b.shape.text, ev);
                    }
                } else if let Some((t, _)) = cell_text.as_mut() {
                    push_text(t, ev);
                }
            }
        }
    }
    if let Some(s) = cur.take() {
        sheets.push(s);
    }
    Ok(sheets)
}

/// Checks the sheets' density and prescans every other XML part calamine may read;
/// gives the package's part names (those a picture's `xlink:href` may name).
fn check_parts(
    pkg: &mut Package<'_>,
    sheets: &[OdsSheet],
    budget: &Budget,
) -> Result<HashSet<String>, IngestError> {
    for s in sheets {
        if let Some((r0, c0, r1, c1)) = s.extent {
            let cells = (r1 - r0 + 1).saturating_mul(c1 - c0 + 1);
            check_dense(cells, &s.name)?;
        }
    }
    for name in pkg.names() {
        if name != "content.xml"
            && name.to_ascii_lowercase().ends_with(".xml")
            && let Some(xml) = pkg.read(&name, budget)?
        {
            prescan(&xml, budget, &name)?;
        }
    }
    Ok(pkg.names().into_iter().collect())
}

/// Reads an .ods workbook.
pub fn read(bytes: &[u8], budget: &Budget) -> Result<Document, IngestError> {
    let mut pkg = Package::open(bytes)?;
    let content = pkg.read_required("content.xml", budget)?;
    let mut sheets = scan_content(&content, budget)?;
    drop(content);
    let embedded = check_parts(&mut pkg, &sheets, budget)?;
    drop(pkg);

    shielded("content.xml", || {
        let mut wb: Ods<_> =
            open_workbook_from_rs(Cursor::new(bytes)).map_err(|e| map_err(e, "content.xml"))?;
        let mut doc = Document::default();
        for (i, name) in wb.sheet_names().into_iter().enumerate() {
            budget.check_time(&name)?;
            let range = wb
                .worksheet_range(&name)
                .map_err(|e| map_err(e, &format!("sheet {name:?}")))?;
            let info = match sheets.iter().position(|s| s.name == name) {
                Some(p) => sheets.get_mut(p).map(std::mem::take).unwrap_or_default(),
                None => sheets.get_mut(i).map(std::mem::take).unwrap_or_default(),
            };
            let cols = Axis::new(DEFAULT_COL_PT, info.col_runs);
            let rows = Axis::new(DEFAULT_ROW_PT, info.row_runs);
            let mut table = build_table(
                &range,
                &SheetExtras {
                    merges: &info.merges,
                    header_rows: &info.header_rows,
                    cols: Some(&cols),
                    rows: Some(&rows),
                },
                budget,
                &name,
            )?;
            // Cells holding shapes: keep only the cell's own paragraphs.
            for r in &mut table.rows {
                r.cells
                    .retain_mut(|c| match (u32::try_from(c.row), u32::try_from(c.col)) {
                        (Ok(rr), Ok(cc)) => match info.own_text.get(&(rr, cc)) {
                            Some(t) => {
                                c.text = t.clone();
                                !(t.trim().is_empty()
                                    && c.value.is_none()
                                    && c.row_span == 1
                                    && c.col_span == 1)
                            }
                            None => true,
                        },
                        _ => true,
                    });
            }
            let size = (table.rows.len(), table.n_cols);
            let shapes = info
                .shapes
                .into_iter()
                .map(|s| place(s, &cols, &rows, size, &embedded))
                .collect();
            doc.sections.push(Section {
                name: Some(name),
                blocks: vec![Block::Table(table)],
                shapes,
            });
        }
        Ok(doc)
    })
}

/// Places a raw shape on the sheet: cell-relative rectangles are moved by their cell's
/// position, and the shape stands in the cell holding its centre. A picture whose part
/// is in `embedded` keeps it, standing after the sheet's table.
fn place(
    s: RawShape,
    cols: &Axis,
    rows: &Axis,
    (n_rows, n_cols): (usize, usize),
    embedded: &HashSet<String>,
) -> Shape {
    let mut rect = s.rect;
    if let Some((r, c)) = s.cell {
        rect.x += cols.start(c) as f32;
        rect.y += rows.start(r) as f32;
    }
    let centre = rect.centre();
    let (row, col) = (
        rows.locate(f64::from(centre.y)) as usize,
        cols.locate(f64::from(centre.x)) as usize,
    );
    let anchor = if row < n_rows && col < n_cols {
        Anchor::Cell { block: 0, row, col }
    } else {
        Anchor::Free
    };
    Shape {
        kind: s.kind,
        geometry: s.geometry,
        text: s.text,
        text_box: s.text_box,
        anchor,
        bbox: Some(rect),
        line: s.line,
        page: None,
        picture: s
            .image
            .filter(|part| embedded.contains(part))
            .map(|part| PictureRef {
                part,
                block: PICTURE_BLOCK,
            }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lengths() {
        assert_eq!(length_pt("1in"), Some(72.0));
        assert!((length_pt("2.54cm").unwrap() - 72.0).abs() < 1e-9);
        assert_eq!(length_pt("12pt"), Some(12.0));
        assert_eq!(length_pt("x"), None);
    }

    #[test]
    fn odf_types() {
        assert_eq!(
            kind_of_odf_type("ooxml-flowChartTerminator"),
            ShapeKind::Terminator
        );
        assert_eq!(kind_of_odf_type("flowchart-decision"), ShapeKind::Decision);
        assert_eq!(kind_of_odf_type("ooxml-rect"), ShapeKind::Process);
    }
}
