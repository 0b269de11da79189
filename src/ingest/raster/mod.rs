//! Reading pixels: scanned pages and pictured flowcharts (a pasted screenshot of the
//! procedure table) turned into the same document model as a vector page — a table grid
//! of cells with text, and flowchart symbols anchored to their cells.
//!
//! Stages: [`source`] decodes the pictures and [`stitch`] joins the strips of one table
//! pasted as several pictures; [`layout`] cleans the picture (binarise, squiggle removal, deskew) and finds
//! the table grid, its cells and the closed shapes in them; [`ocr`] reads the text of the
//! cells with the tesseract engine, all cells of one picture in one engine call; [`build`]
//! places the result in the page's own coordinates as model tables and shapes.

pub mod build;
pub mod layout;
pub mod ocr;
pub mod read;
pub mod source;
pub mod stitch;

use crate::model::ShapeKind;

/// An axis-aligned rectangle in pixels of the (cleaned, deskewed) picture.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct PxRect {
    /// Left edge.
    pub x: u32,
    /// Top edge.
    pub y: u32,
    /// Width.
    pub w: u32,
    /// Height.
    pub h: u32,
}

/// One cell of a table found in a picture.
#[derive(Clone, Debug, PartialEq)]
pub struct RasterCell {
    /// 0-based first grid row.
    pub row: usize,
    /// 0-based first grid column.
    pub col: usize,
    /// Rows spanned (≥ 1).
    pub row_span: usize,
    /// Columns spanned (≥ 1).
    pub col_span: usize,
    /// The cell's inside, without its ruling lines.
    pub bbox: PxRect,
    /// Where the cell's text is, if any ink remains after the symbols are masked out
    /// (what OCR reads; empty cells have none).
    pub text_box: Option<PxRect>,
}

/// A table grid found in a picture.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct RasterTable {
    /// Number of grid rows.
    pub rows: usize,
    /// Number of grid columns.
    pub cols: usize,
    /// Its cells, row by row.
    pub cells: Vec<RasterCell>,
    /// The table's outline.
    pub bbox: PxRect,
    // (added by A: column widths and row heights for the model's table)
    /// Column boundaries in pixels, left to right (`cols + 1` values).
    pub xs: Vec<f32>,
    /// Row boundaries in pixels, top to bottom (`rows + 1` values).
    pub ys: Vec<f32>,
}

/// A closed flowchart shape (or a connector line) found in a picture.
#[derive(Clone, Debug, PartialEq)]
pub struct RasterShape {
    /// Terminator, process, decision, connector, off-page, document (model kinds).
    pub kind: ShapeKind,
    /// Its outline's bounding box.
    pub bbox: PxRect,
    /// For a connector line: its two end points; the second is the arrowhead's end when
    /// one was seen.
    pub line: Option<[(u32, u32); 2]>,
}

/// What the geometry stage finds in one picture.
#[derive(Clone, Debug, Default)]
pub struct RasterLayout {
    /// The cleaned (squiggle-free, deskewed, upscaled where text is small) picture that
    /// all boxes refer to, binarised for reading (black ink 0, paper 255) at a threshold
    /// lighter than the geometry's, its table ruling lines painted as paper: what the
    /// OCR engine reads.
    pub image: image::GrayImage,
    /// Factor from the original picture's pixels to `image`'s (2.0 after a 2× upscale).
    pub scale: f32,
    /// Rotation applied to deskew, in degrees.
    pub skew_degrees: f32,
    /// Tables, top to bottom.
    pub tables: Vec<RasterTable>,
    /// Flowchart shapes and connectors inside the tables.
    pub shapes: Vec<RasterShape>,
    /// Text lines outside every table (an organisation header above the identity table,
    /// a title line, a signature block), top to bottom.
    pub free_text: Vec<PxRect>,
}

/// The text OCR read from one box.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct OcrText {
    /// The text, lines joined with '\n', with the rules' OCR confusion folds applied.
    pub text: String,
    /// Mean word confidence 0–100 as the engine reports it (None when no word was read).
    pub confidence: Option<f32>,
    /// The left and right ends of each line of `text`, in order, in the picture's pixels
    /// (where a word broken at a cell's edge is told from a break between words).
    pub spans: Vec<(f32, f32)>,
}
