//! The format-neutral document model.
//!
//! Every reader in [`crate::ingest`] turns its format into a [`Document`]; every later
//! stage (SOP parsing, findings, duplicates) reads only this model and never a file
//! format. The model keeps what an SOP parser needs and nothing more: ordered sections of
//! paragraphs and tables, the grid position of every cell, and the flowchart shapes with
//! the table cell each one stands in.

use serde::Serialize;

/// The file formats the pipeline recognises, detected from the bytes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, PartialOrd, Ord)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    /// Office Open XML word processing document.
    Docx,
    /// Word 97-2003 binary document (OLE2 container).
    Doc,
    /// Office Open XML spreadsheet.
    Xlsx,
    /// Excel 97-2003 binary workbook (OLE2 container).
    Xls,
    /// OpenDocument spreadsheet.
    Ods,
    /// OpenDocument text.
    Odt,
    /// Portable Document Format.
    Pdf,
}

impl Format {
    /// The short lower-case name used in `sops.jsonl` (`source.format`).
    pub fn name(self) -> &'static str {
        match self {
            Format::Docx => "docx",
            Format::Doc => "doc",
            Format::Xlsx => "xlsx",
            Format::Xls => "xls",
            Format::Ods => "ods",
            Format::Odt => "odt",
            Format::Pdf => "pdf",
        }
    }
}

impl std::fmt::Display for Format {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// One document read into the model.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Document {
    /// The detected format (None only for documents built by hand in tests).
    pub format: Option<Format>,
    /// Sections in reading order: a Word body, a spreadsheet sheet, or a PDF document.
    pub sections: Vec<Section>,
    /// True when any part of the document was read from pixels by OCR (SPEC: `source.ocr`).
    pub ocr: bool,
}

/// An ordered part of a document: the body of a Word document, one sheet of a workbook,
/// or the pages of a PDF.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Section {
    /// The sheet name for spreadsheets; None for a Word body.
    pub name: Option<String>,
    /// Paragraphs and tables in reading order.
    pub blocks: Vec<Block>,
    /// Every flowchart shape of the section, each placed in a table cell where it
    /// stands in one (see [`Anchor`]).
    pub shapes: Vec<Shape>,
}

/// A paragraph or a table.
#[derive(Clone, Debug, Serialize)]
#[serde(tag = "type", rename_all = "lowercase")]
pub enum Block {
    /// A paragraph outside any table.
    Paragraph(Paragraph),
    /// A table (for a spreadsheet: the used range of the sheet).
    Table(Table),
}

/// A paragraph of text.
#[derive(Clone, Debug, Default, Serialize, PartialEq)]
pub struct Paragraph {
    /// The paragraph's text, runs joined, without shape or text-box content.
    pub text: String,
    /// List numbering, where the format stores it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub list: Option<ListInfo>,
    /// True when a page (or section) break comes before this paragraph.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub page_break_before: bool,
    /// The paragraph style name, where the format has one (e.g. `Heading1`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub style: Option<String>,
    /// 1-based page number, where the format knows it (PDF).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub page: Option<u32>,
}

/// List numbering of a paragraph.
#[derive(Clone, Debug, Default, Serialize, PartialEq, Eq)]
pub struct ListInfo {
    /// The numbering definition id (Word `w:numId`), where known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub num_id: Option<u32>,
    /// Nesting level, 0 for the outermost.
    pub level: u8,
    /// The shown number or bullet when the format stores it as text ("1.", "a)").
    #[serde(skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
}

/// A table with its grid resolved.
///
/// `rows[r].cells` hold only the cells that start at a grid position; a cell spanning
/// several rows or columns appears once, at its top-left, with `row_span`/`col_span`.
/// [`Table::cell_at`] resolves any grid position to the cell covering it.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Table {
    /// Rows from top to bottom.
    pub rows: Vec<Row>,
    /// Number of grid columns.
    pub n_cols: usize,
    /// Grid column widths in points, where the format gives them.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub col_widths: Vec<f32>,
    /// 1-based page the table starts on, where the format knows it (PDF).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub page: Option<u32>,
}

/// One table row.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Row {
    /// The cells that start in this row, in grid-column order.
    pub cells: Vec<Cell>,
    /// True when the format marks the row as a header repeated on each page
    /// (Word `w:tblHeader`, Excel print titles).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub repeat_header: bool,
    /// Row height in points, where known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub height: Option<f32>,
    /// 1-based page number of the row, where known (PDF); a page break inside a table
    /// shows as a change of page between rows.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub page: Option<u32>,
}

/// One table cell.
#[derive(Clone, Debug, Default, Serialize, PartialEq)]
pub struct Cell {
    /// Grid row of the cell's top-left corner (its index in [`Table::rows`]).
    pub row: usize,
    /// Grid column of the cell's top-left corner.
    pub col: usize,
    /// Number of grid rows the cell covers (1 for an unmerged cell).
    pub row_span: usize,
    /// Number of grid columns the cell covers (1 for an unmerged cell).
    pub col_span: usize,
    /// The cell's text: paragraphs joined with `\n`, no shape or text-box content.
    pub text: String,
    /// A typed value where the format has one (spreadsheet dates and numbers).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value: Option<CellValue>,
}

/// A typed spreadsheet value, kept next to the shown text.
#[derive(Clone, Debug, Serialize, PartialEq)]
#[serde(tag = "type", content = "value", rename_all = "lowercase")]
pub enum CellValue {
    /// A number.
    Number(f64),
    /// A calendar date as ISO `YYYY-MM-DD`.
    Date(String),
    /// A boolean.
    Bool(bool),
}

impl Cell {
    /// A cell at grid (`row`, `col`) covering `row_span` × `col_span` grid positions,
    /// with no typed value: how readers and tests build cells.
    pub fn new(row: usize, col: usize, row_span: usize, col_span: usize, text: &str) -> Self {
        Cell {
            row,
            col,
            row_span,
            col_span,
            text: text.to_string(),
            value: None,
        }
    }
}

impl Table {
    /// The cell covering grid position (`row`, `col`), following merges.
    ///
    /// Walks up from `row` to the first row that has a cell over column `col`: in a grid
    /// cells do not overlap, so that cell covers the spot or nothing does. A lookup costs
    /// the rows between the spot and its cell, not the whole table.
    pub fn cell_at(&self, row: usize, col: usize) -> Option<&Cell> {
        let last = row.min(self.rows.len().checked_sub(1)?);
        for r in (0..=last).rev() {
            let over_col = self
                .rows
                .get(r)?
                .cells
                .iter()
                .find(|c| c.col <= col && col < c.col + c.col_span.max(1));
            if let Some(c) = over_col {
                return (c.row + c.row_span.max(1) > row).then_some(c);
            }
        }
        None
    }

    /// The distinct cells above (`row`, `col`) in rows `0..row`, top first: the header
    /// cells a cell stands under, once the caller knows how many rows the header has.
    pub fn cells_above(&self, row: usize, col: usize) -> Vec<&Cell> {
        let mut out: Vec<&Cell> = Vec::new();
        for r in 0..row.min(self.rows.len()) {
            if let Some(c) = self.cell_at(r, col)
                && !out.iter().any(|o| std::ptr::eq(*o, c))
                && c.row + c.row_span.max(1) <= row
            {
                out.push(c);
            }
        }
        out
    }

    /// The texts of row `row` by grid column (a merged cell's text at its first column,
    /// empty strings elsewhere).
    pub fn row_texts(&self, row: usize) -> Vec<&str> {
        let mut out = vec![""; self.n_cols];
        if let Some(r) = self.rows.get(row) {
            for c in &r.cells {
                if let Some(slot) = out.get_mut(c.col) {
                    *slot = c.text.as_str();
                }
            }
        }
        out
    }
}

/// The kind of a flowchart shape, mapped from every producer's geometry names.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ShapeKind {
    /// Rounded rectangle / stadium: start or end.
    Terminator,
    /// Rectangle: a process step (or, with text only, a label text box).
    Process,
    /// Diamond: a decision.
    Decision,
    /// Circle: an on-page connector.
    Connector,
    /// Pentagon / home plate: an off-page connector.
    OffPage,
    /// An arrow or connector line between symbols.
    Arrow,
    /// Anything else (pictures, free forms).
    Other,
}

impl ShapeKind {
    /// The kind of a DrawingML preset geometry (`a:prstGeom@prst`) as Word, Excel and
    /// LibreOffice write it: `flowChart*` names, `roundRect`/`rect`/`diamond`/`ellipse`/
    /// `homePlate`, lines, connectors and block arrows. The one mapping every OOXML
    /// reader uses.
    pub fn from_preset(prst: &str) -> ShapeKind {
        match prst {
            "flowChartTerminator" | "roundRect" | "flowChartAlternateProcess" => {
                ShapeKind::Terminator
            }
            "flowChartProcess" | "rect" | "flowChartPredefinedProcess" => ShapeKind::Process,
            "flowChartDecision" | "diamond" => ShapeKind::Decision,
            "flowChartConnector" | "ellipse" => ShapeKind::Connector,
            "flowChartOffpageConnector" | "homePlate" => ShapeKind::OffPage,
            "line" | "rightArrow" | "leftArrow" | "upArrow" | "downArrow" | "leftRightArrow"
            | "upDownArrow" => ShapeKind::Arrow,
            p if p.starts_with("straightConnector")
                || p.starts_with("bentConnector")
                || p.starts_with("curvedConnector") =>
            {
                ShapeKind::Arrow
            }
            _ => ShapeKind::Other,
        }
    }

    /// The kind of an OfficeArt / VML shape type number (MSOSPT: VML `o:spt` or
    /// `#_x0000_tNNN`, the FSP type in .doc and .xls drawings). The one mapping the VML,
    /// .doc and .xls readers use.
    pub fn from_office_type(spt: u32) -> ShapeKind {
        match spt {
            1 | 109 | 111 | 202 => ShapeKind::Process,
            2 | 116 | 176 => ShapeKind::Terminator,
            4 | 110 => ShapeKind::Decision,
            3 | 120 => ShapeKind::Connector,
            15 | 177 => ShapeKind::OffPage,
            13 | 20 | 32..=40 | 66..=70 => ShapeKind::Arrow,
            _ => ShapeKind::Other,
        }
    }
}

/// A flowchart shape.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct Shape {
    /// The symbol kind.
    pub kind: ShapeKind,
    /// The producer's geometry name as written (`flowChartTerminator`, `roundRect`,
    /// `v:roundrect`, `116`, `pdf:rounded-rect` ...), for diagnostics.
    pub geometry: String,
    /// The shape's own text (text box or shape text), empty when it has none.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub text: String,
    /// True when the producer marks it as a text box (DrawingML `txBox="1"`, a label).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub text_box: bool,
    /// Where the shape stands.
    pub anchor: Anchor,
    /// Bounding box in points in the section's coordinate space (Word: from the table's
    /// left edge and the anchor paragraph; Excel: from the sheet's top-left; PDF: from
    /// the page's top-left, y downwards), where it could be computed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bbox: Option<Rect>,
    /// For arrows and lines: start and end points in the same space as `bbox`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<(Point, Point)>,
    /// 1-based page, where known (PDF).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub page: Option<u32>,
    /// For a picture embedded in a package (.docx, .xlsx, .odt, .ods): the part holding
    /// its pixels and the block it stands before, so OCR can read it in place.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub picture: Option<PictureRef>,
}

/// The pixels of a picture embedded in a package, and where it stands in its section.
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct PictureRef {
    /// The package part holding the encoded pixels (`word/media/image1.png`,
    /// `Pictures/….png`).
    pub part: String,
    /// Index into the section's blocks of the block the picture stands before
    /// (`blocks.len()` when it stands after them all), as the reader built the section.
    pub block: usize,
}

/// A picture the pixel reader is asked to read, as the model recorded it.
#[derive(Clone, Debug, PartialEq)]
pub enum PictureSite {
    /// An image placed on a PDF page.
    Page {
        /// 1-based page.
        page: u32,
        /// Its box on the page, in points.
        bbox: Rect,
    },
    /// A picture part of a package.
    Part {
        /// Index of the section the picture stands in.
        section: usize,
        /// The part and block position.
        picture: PictureRef,
        /// Its box in the section's points.
        bbox: Rect,
    },
}

impl PictureSite {
    /// The picture's page, where the format has pages (PDF).
    pub fn page(&self) -> Option<u32> {
        match self {
            PictureSite::Page { page, .. } => Some(*page),
            PictureSite::Part { .. } => None,
        }
    }
}

/// Where a shape stands: in a table cell (by the shape's centre), or free.
#[derive(Clone, Copy, Debug, Serialize, PartialEq)]
#[serde(tag = "in", rename_all = "lowercase")]
pub enum Anchor {
    /// In table `block` (index into [`Section::blocks`]), grid `row` and `col`.
    Cell {
        /// Index of the table in the section's blocks.
        block: usize,
        /// Grid row.
        row: usize,
        /// Grid column.
        col: usize,
    },
    /// Outside any table; the position is in the shape's `bbox`.
    Free,
}

/// A point in points.
#[derive(Clone, Copy, Debug, Default, Serialize, PartialEq)]
pub struct Point {
    /// Horizontal position.
    pub x: f32,
    /// Vertical position (downwards).
    pub y: f32,
}

/// An axis-aligned rectangle in points.
#[derive(Clone, Copy, Debug, Default, Serialize, PartialEq)]
pub struct Rect {
    /// Left edge.
    pub x: f32,
    /// Top edge (y grows downwards).
    pub y: f32,
    /// Width.
    pub w: f32,
    /// Height.
    pub h: f32,
}

impl Rect {
    /// The rectangle's centre.
    pub fn centre(&self) -> Point {
        Point {
            x: self.x + self.w / 2.0,
            y: self.y + self.h / 2.0,
        }
    }
}

impl Document {
    /// All tables of all sections with their section and block index.
    pub fn tables(&self) -> impl Iterator<Item = (usize, usize, &Table)> {
        self.sections.iter().enumerate().flat_map(|(s, sec)| {
            sec.blocks
                .iter()
                .enumerate()
                .filter_map(move |(b, bl)| match bl {
                    Block::Table(t) => Some((s, b, t)),
                    Block::Paragraph(_) => None,
                })
        })
    }

    /// The whole text of the document (paragraphs and cells), for diagnostics and for
    /// telling an SOP from another kind of document.
    pub fn plain_text(&self) -> String {
        let mut s = String::new();
        for sec in &self.sections {
            for b in &sec.blocks {
                match b {
                    Block::Paragraph(p) => {
                        s.push_str(&p.text);
                        s.push('\n');
                    }
                    Block::Table(t) => {
                        for r in &t.rows {
                            for c in &r.cells {
                                s.push_str(&c.text);
                                s.push('\t');
                            }
                            s.push('\n');
                        }
                    }
                }
            }
        }
        s
    }
}

impl Section {
    /// The shapes standing in table `block`, row `row`.
    pub fn shapes_in_row(&self, block: usize, row: usize) -> impl Iterator<Item = &Shape> {
        self.shapes.iter().filter(move |s| {
            matches!(s.anchor, Anchor::Cell { block: b, row: r, .. } if b == block && r == row)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cell(row: usize, col: usize, rs: usize, cs: usize, t: &str) -> Cell {
        Cell::new(row, col, rs, cs, t)
    }

    #[test]
    fn cell_at_follows_merges() {
        let t = Table {
            n_cols: 4,
            rows: vec![
                Row {
                    cells: vec![
                        cell(0, 0, 2, 1, "No"),
                        cell(0, 1, 1, 2, "Pelaksana"),
                        cell(0, 3, 1, 1, "Waktu"),
                    ],
                    ..Default::default()
                },
                Row {
                    cells: vec![cell(1, 1, 1, 1, "Kasubbag"), cell(1, 2, 1, 1, "Sekretaris")],
                    ..Default::default()
                },
                Row {
                    cells: vec![cell(2, 0, 1, 1, "1"), cell(2, 2, 1, 1, "v")],
                    ..Default::default()
                },
            ],
            ..Default::default()
        };
        assert_eq!(t.cell_at(1, 0).map(|c| c.text.as_str()), Some("No"));
        assert_eq!(t.cell_at(0, 2).map(|c| c.text.as_str()), Some("Pelaksana"));
        let above: Vec<&str> = t
            .cells_above(2, 2)
            .iter()
            .map(|c| c.text.as_str())
            .collect();
        assert_eq!(above, vec!["Pelaksana", "Sekretaris"]);
        assert_eq!(t.row_texts(2), vec!["1", "", "v", ""]);
    }
}
