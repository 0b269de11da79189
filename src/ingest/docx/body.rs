//! The one streaming pass over `word/document.xml`.
//!
//! Paragraphs, tables and shapes come out of the same walk, because a shape must be
//! placed in the table cell whose paragraph anchors it. Shapes are collected with their
//! raw geometry (offsets in their frame, in points) and the cell that anchors them;
//! [`super::place`] turns them into model shapes once the page geometry (the last
//! `w:sectPr`) is known.

use quick_xml::events::{BytesStart, Event};

use crate::error::IngestError;
use crate::ingest::limits::Budget;
use crate::ingest::xml::XmlGuard;
use crate::model::{Block, Cell, ListInfo, Paragraph, Row, ShapeKind, Table};

use super::numbering::Numbering;
use super::shapes::{
    PT_PER_EMU, PT_PER_TWIP, SymbolFont, VmlStyle, drawingml_kind, int_pair, map_symbol_text,
    sym_char, vml_element_kind, vml_point, vml_spt_kind, vml_style, vml_type_number,
};
use super::styles::dxa;
use super::xmlutil::{attr, attr_f64, attr_i64, on_off, resolve_ref};

const PART: &str = "word/document.xml";

/// Horizontal reference frame of a floating shape's offset.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum HFrame {
    /// The text column: inside a table, the anchor cell's text area.
    Column,
    /// The character the shape is anchored to: treated like `Column`.
    Character,
    /// The page margin (the text area's left edge).
    Margin,
    /// The page's left edge.
    Page,
    /// Inline with the text: at the start of the anchor paragraph.
    Inline,
}

/// Vertical reference frame of a floating shape's offset.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum VFrame {
    /// The anchor paragraph (or line): rows can be walked from the anchor row.
    Paragraph,
    /// The page or its margin: rows cannot be told without a layout.
    Page,
    /// Inline with the text.
    Inline,
}

/// The table cell whose paragraph anchors a shape.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Host {
    /// Ordinal of the top-level table (index into [`Body::tables`]).
    pub table: usize,
    /// Grid row of the anchor cell.
    pub row: usize,
    /// First grid column of the anchor cell.
    pub col: usize,
}

/// An axis-aligned box in points.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub(crate) struct Box64 {
    pub x: f64,
    pub y: f64,
    pub w: f64,
    pub h: f64,
}

/// A shape as read, before placement.
#[derive(Clone, Debug)]
pub(crate) struct RawShape {
    pub kind: ShapeKind,
    pub geometry: String,
    pub text: String,
    pub text_box: bool,
    pub host: Option<Host>,
    /// Index of the section (`w:sectPr`, in document order) the shape belongs to.
    pub sect: usize,
    pub h: HFrame,
    pub v: VFrame,
    /// `wp:align` of the horizontal position, when given instead of an offset.
    pub h_align: Option<String>,
    /// Box in the frames' coordinates, points.
    pub rect: Box64,
    /// Start and end of a line or connector, in the same coordinates.
    pub line: Option<((f64, f64), (f64, f64))>,
    /// A child of a group or canvas: one anchor for many shapes, so its row must be
    /// found from its offset.
    pub grouped: bool,
}

/// What placement needs to know about a top-level table.
#[derive(Clone, Debug, Default)]
pub(crate) struct TableGeom {
    /// Index of the table in the section's blocks.
    pub block: usize,
    /// Grid column edges in points from the table's left edge (`n_cols + 1` values).
    pub col_edges: Vec<f64>,
    /// `w:tblInd` in points.
    pub ind: Option<f64>,
    /// Left cell margin set on the table (`w:tblCellMar`), points.
    pub cell_mar_left: Option<f64>,
    /// Table style id.
    pub style: Option<String>,
    /// Table alignment (`w:jc`).
    pub jc: Option<String>,
    /// Row heights in points (`w:trHeight`) where given, and whether the height is
    /// `exact` (else a minimum: the row may be taller).
    pub heights: Vec<Option<(f64, bool)>>,
    /// Section index of the table.
    pub sect: usize,
}

/// Page geometry of one section, points.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct SectGeom {
    pub page_w: f64,
    pub mar_left: f64,
    pub mar_right: f64,
}

impl Default for SectGeom {
    fn default() -> Self {
        // Word's defaults: US Letter, 1-inch margins.
        SectGeom {
            page_w: 612.0,
            mar_left: 72.0,
            mar_right: 72.0,
        }
    }
}

/// The result of the pass.
#[derive(Debug, Default)]
pub(crate) struct Body {
    pub blocks: Vec<Block>,
    pub shapes: Vec<RawShape>,
    pub tables: Vec<TableGeom>,
    pub sects: Vec<SectGeom>,
}

/// Element names the pass needs to recognise as parents.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Tag {
    P,
    PPr,
    NumPr,
    R,
    RPr,
    T,
    Tbl,
    TblPr,
    TblGrid,
    TblCellMar,
    TrPr,
    TcPr,
    SectPr,
    SpPr,
    GrpSpPr,
    Xfrm,
    Ln,
    PositionH,
    PositionV,
    PosOffset,
    Align,
    Other,
}

fn tag(name: &str) -> Tag {
    match name {
        "w:p" => Tag::P,
        "w:pPr" => Tag::PPr,
        "w:numPr" => Tag::NumPr,
        "w:r" => Tag::R,
        "w:rPr" => Tag::RPr,
        "w:t" => Tag::T,
        "w:tbl" => Tag::Tbl,
        "w:tblPr" => Tag::TblPr,
        "w:tblGrid" => Tag::TblGrid,
        "w:tblCellMar" => Tag::TblCellMar,
        "w:trPr" => Tag::TrPr,
        "w:tcPr" => Tag::TcPr,
        "w:sectPr" => Tag::SectPr,
        "wps:spPr" | "pic:spPr" => Tag::SpPr,
        "wpg:grpSpPr" => Tag::GrpSpPr,
        "a:xfrm" => Tag::Xfrm,
        "a:ln" => Tag::Ln,
        "wp:positionH" => Tag::PositionH,
        "wp:positionV" => Tag::PositionV,
        "wp:posOffset" => Tag::PosOffset,
        "wp:align" => Tag::Align,
        _ => Tag::Other,
    }
}

/// `X = sx * x + tx`, `Y = sy * y + ty`: child coordinates of a group to the frame.
#[derive(Clone, Copy, Debug, PartialEq)]
struct Affine {
    sx: f64,
    tx: f64,
    sy: f64,
    ty: f64,
}

impl Affine {
    fn translate(tx: f64, ty: f64) -> Affine {
        Affine {
            sx: 1.0,
            tx,
            sy: 1.0,
            ty,
        }
    }
    fn point(&self, x: f64, y: f64) -> (f64, f64) {
        (self.sx * x + self.tx, self.sy * y + self.ty)
    }
    /// `self` applied after `inner`.
    fn then(&self, inner: &Affine) -> Affine {
        Affine {
            sx: self.sx * inner.sx,
            tx: self.sx * inner.tx + self.tx,
            sy: self.sy * inner.sy,
            ty: self.sy * inner.ty + self.ty,
        }
    }
    /// The map of a group frame: child box (`ch_off`, `ch_ext`) onto (`off`, `ext`).
    fn group(off: (f64, f64), ext: (f64, f64), ch_off: (f64, f64), ch_ext: (f64, f64)) -> Self {
        let sx = if ch_ext.0.abs() > f64::EPSILON {
            ext.0 / ch_ext.0
        } else {
            1.0
        };
        let sy = if ch_ext.1.abs() > f64::EPSILON {
            ext.1 / ch_ext.1
        } else {
            1.0
        };
        Affine {
            sx,
            tx: off.0 - ch_off.0 * sx,
            sy,
            ty: off.1 - ch_off.1 * sy,
        }
    }
}

#[derive(Debug, Default)]
struct ParaB {
    text: String,
    style: Option<String>,
    num_id: Option<u32>,
    ilvl: u8,
    page_break_before: bool,
    /// A `w:sectPr` in this paragraph's properties ends a section after it; true when
    /// that break starts a new page.
    section_break: bool,
}

#[derive(Debug, Default)]
struct CellB {
    col: usize,
    span: usize,
    vmerge: VMerge,
    hmerge_continue: bool,
    width: Option<f64>,
    text: String,
}

#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
enum VMerge {
    #[default]
    None,
    Restart,
    Continue,
}

#[derive(Debug, Default)]
struct RowB {
    cells: Vec<Cell>,
    cursor: usize,
    grid_after: usize,
    repeat_header: bool,
    height: Option<f64>,
    exact: bool,
}

#[derive(Debug, Default)]
struct TableB {
    block: usize,
    ordinal: usize,
    sect: usize,
    grid: Vec<f64>,
    rows: Vec<Row>,
    heights: Vec<Option<(f64, bool)>>,
    /// Per grid column: the vertical-merge origin cell (row, index in row) still open.
    vopen: Vec<Option<(usize, usize)>>,
    /// Per grid column: a `w:tcW` seen for a one-column cell there (twips).
    tcw: Vec<Option<f64>>,
    max_cols: usize,
    row: Option<RowB>,
    cell: Option<CellB>,
    ind: Option<f64>,
    cell_mar_left: Option<f64>,
    style: Option<String>,
    jc: Option<String>,
}

/// A DrawingML shape being read.
#[derive(Debug, Default)]
struct DmlShape {
    prst: Option<String>,
    custom: bool,
    connector: bool,
    txbox: bool,
    picture: bool,
    off: Option<(f64, f64)>,
    ext: Option<(f64, f64)>,
    flip_h: bool,
    flip_v: bool,
    /// Clockwise rotation in degrees (`a:xfrm@rot`, 60 000ths of a degree).
    rot: f64,
    /// The outline is not drawn (`a:ln/a:noFill`).
    no_line: bool,
    text: String,
}

/// A group's `a:xfrm` being read (EMU converted to points).
#[derive(Debug, Default, Clone, Copy)]
struct GroupXfrm {
    off: (f64, f64),
    ext: (f64, f64),
    ch_off: Option<(f64, f64)>,
    ch_ext: Option<(f64, f64)>,
}

/// One `w:drawing` being read.
#[derive(Debug)]
struct Drawing {
    host: Option<Host>,
    sect: usize,
    inline: bool,
    h: HFrame,
    v: VFrame,
    pos: (f64, f64),
    h_align: Option<String>,
    extent: Option<(f64, f64)>,
    transforms: Vec<Affine>,
    /// One entry per open group: its xfrm while being read, and whether it pushed a
    /// transform.
    groups: Vec<(GroupXfrm, bool)>,
    shape: Option<DmlShape>,
}

/// A VML shape being read.
#[derive(Debug)]
struct VmlShape {
    kind: ShapeKind,
    geometry: String,
    style: VmlStyle,
    from: Option<(f64, f64, bool)>,
    to: Option<(f64, f64, bool)>,
    text: String,
    text_box: bool,
    /// `stroked="f"`: the outline is not drawn.
    no_line: bool,
}

/// One `w:pict` being read.
#[derive(Debug)]
struct Pict {
    host: Option<Host>,
    sect: usize,
    /// Frames of the outermost group, which its children inherit.
    frames: Option<(HFrame, VFrame)>,
    transforms: Vec<Affine>,
    shape: Option<VmlShape>,
    /// Element depth (stack length) at which the current shape started.
    shape_depth: usize,
}

struct Pass<'n> {
    numbering: &'n mut Numbering,
    body: Body,
    stack: Vec<Tag>,
    skip_until: Option<usize>,
    alt: Vec<bool>,
    para: Option<ParaB>,
    pending_break: bool,
    table: Option<TableB>,
    tbl_depth: usize,
    txbx_depth: usize,
    txbx_text: String,
    drawing: Option<Drawing>,
    pict: Option<Pict>,
    shapetypes: std::collections::HashMap<String, u32>,
    sect: Option<SectGeom>,
    sect_continuous: bool,
    tables_done: usize,
    /// The symbol font of the current run (`w:rPr/w:rFonts`), if any.
    run_font: Option<SymbolFont>,
}

/// Reads `word/document.xml` into blocks and raw shapes.
pub(crate) fn read(
    xml: &[u8],
    numbering: &mut Numbering,
    budget: &Budget,
) -> Result<Body, IngestError> {
    let mut reader = quick_xml::Reader::from_reader(xml);
    let mut guard = XmlGuard::new(budget, PART);
    let mut pass = Pass {
        numbering,
        body: Body::default(),
        stack: Vec::with_capacity(64),
        skip_until: None,
        alt: Vec::new(),
        para: None,
        pending_break: false,
        table: None,
        tbl_depth: 0,
        txbx_depth: 0,
        txbx_text: String::new(),
        drawing: None,
        pict: None,
        shapetypes: std::collections::HashMap::new(),
        sect: None,
        sect_continuous: false,
        tables_done: 0,
        run_font: None,
    };
    loop {
        let ev = reader
            .read_event()
            .map_err(|e| IngestError::corrupt(PART, e))?;
        guard.check(&ev)?;
        match ev {
            Event::Start(e) => pass.start(&e, false),
            Event::Empty(e) => pass.start(&e, true),
            Event::End(e) => pass.end(e.name().0),
            Event::Text(t) if pass.skip_until.is_none() => pass.text(&t.xml10_content()),
            Event::CData(t) if pass.skip_until.is_none() => pass.text(&t.xml10_content()),
            Event::GeneralRef(r) if pass.skip_until.is_none() => {
                if let Some(s) = resolve_ref(&r) {
                    pass.text(&s);
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    if !pass.stack.is_empty() {
        return Err(IngestError::corrupt(
            PART,
            format!("the XML ends inside {} open elements", pass.stack.len()),
        ));
    }
    Ok(pass.body)
}

impl Pass<'_> {
    fn parent(&self) -> Tag {
        self.stack.last().copied().unwrap_or(Tag::Other)
    }

    fn grandparent(&self) -> Tag {
        let n = self.stack.len();
        n.checked_sub(2)
            .and_then(|i| self.stack.get(i))
            .copied()
            .unwrap_or(Tag::Other)
    }

    /// Starts skipping the subtree of the element being opened (not for empty ones).
    fn skip(&mut self, empty: bool) {
        if !empty {
            self.skip_until = Some(self.stack.len());
            self.stack.push(Tag::Other);
        }
    }

    fn start(&mut self, e: &BytesStart<'_>, empty: bool) {
        if self.skip_until.is_some() {
            if !empty {
                self.stack.push(Tag::Other);
            }
            return;
        }
        let name = e.name().0;
        if self.open(e, name, empty) {
            // `open` took over the element (skipped it).
            return;
        }
        if empty {
            self.close(name);
        } else {
            self.stack.push(tag(name));
        }
    }

    fn end(&mut self, name: &str) {
        self.stack.pop();
        if let Some(depth) = self.skip_until {
            if self.stack.len() == depth {
                self.skip_until = None;
            }
            return;
        }
        self.close(name);
    }

    /// Handles an opening (or empty) element; returns true when the element's subtree
    /// is skipped.
    fn open(&mut self, e: &BytesStart<'_>, name: &str, empty: bool) -> bool {
        if is_revision_history(name) {
            self.skip(empty);
            return true;
        }
        match name {
            "w:r" => self.run_font = None,
            "w:rFonts" if self.parent() == Tag::RPr && self.grandparent() == Tag::R => {
                self.run_font = ["w:ascii", "w:hAnsi", "w:cs"]
                    .iter()
                    .find_map(|k| attr(e, k).and_then(|f| SymbolFont::of(&f)));
            }
            _ => {}
        }
        match name {
            // Markup compatibility: read the first Choice we understand, else the Fallback.
            "mc:AlternateContent" => self.alt.push(false),
            "mc:Choice" => {
                let taken = self.alt.last().copied().unwrap_or(false);
                let understood = attr(e, "Requires").is_none_or(|r| requires_ok(&r));
                if taken || !understood {
                    self.skip(empty);
                    return true;
                }
                if let Some(t) = self.alt.last_mut() {
                    *t = true;
                }
            }
            "mc:Fallback" => {
                if self.alt.last().copied().unwrap_or(false) {
                    self.skip(empty);
                    return true;
                }
                if let Some(t) = self.alt.last_mut() {
                    *t = true;
                }
            }
            "w:txbxContent" => {
                if self.txbx_depth == 0 {
                    self.txbx_text.clear();
                }
                self.txbx_depth += 1;
            }
            "w:drawing" | "w:pict" | "w:object" if self.txbx_depth > 0 => {
                // Drawings inside text boxes are not flowchart symbols of the table.
                self.skip(empty);
                return true;
            }
            "w:drawing" if !empty && self.drawing.is_none() => {
                self.drawing = Some(Drawing {
                    host: self.host(),
                    sect: self.body.sects.len(),
                    inline: false,
                    h: HFrame::Column,
                    v: VFrame::Paragraph,
                    pos: (0.0, 0.0),
                    h_align: None,
                    extent: None,
                    transforms: Vec::new(),
                    groups: Vec::new(),
                    shape: None,
                });
            }
            "w:pict" if !empty && self.pict.is_none() => {
                self.pict = Some(Pict {
                    host: self.host(),
                    sect: self.body.sects.len(),
                    frames: None,
                    transforms: Vec::new(),
                    shape: None,
                    shape_depth: 0,
                });
            }
            "w:object" => {
                // OLE objects show a picture of themselves: not flowchart shapes.
                self.skip(empty);
                return true;
            }
            _ if self.txbx_depth > 0 => self.open_in_txbx(e, name),
            _ if self.drawing.is_some() => self.open_drawing(e, name, empty),
            _ if self.pict.is_some() => self.open_pict(e, name, empty),
            _ => self.open_body(e, name, empty),
        }
        false
    }

    /// Elements inside a text box: only their text counts (for the shape).
    fn open_in_txbx(&mut self, e: &BytesStart<'_>, name: &str) {
        if self.parent() == Tag::R
            && let Some(s) = run_char(e, name)
        {
            self.txbx_text.push_str(s.as_str());
        }
    }

    fn open_body(&mut self, e: &BytesStart<'_>, name: &str, empty: bool) {
        let parent = self.parent();
        match name {
            // An empty `<w:p/>` is closed right away by `close`.
            "w:p" => self.para = Some(ParaB::default()),
            "w:pStyle" if parent == Tag::PPr && self.grandparent() == Tag::P => {
                if let Some(p) = self.para.as_mut() {
                    p.style = attr(e, "w:val").map(|v| v.into_owned());
                }
            }
            "w:ilvl" if parent == Tag::NumPr => {
                if let Some(p) = self.para.as_mut() {
                    p.ilvl = attr_i64(e, "w:val")
                        .and_then(|v| u8::try_from(v).ok())
                        .unwrap_or(0);
                }
            }
            "w:numId" if parent == Tag::NumPr => {
                if let Some(p) = self.para.as_mut() {
                    p.num_id = attr_i64(e, "w:val").and_then(|v| u32::try_from(v).ok());
                }
            }
            "w:pageBreakBefore" if parent == Tag::PPr => {
                if on_off(e)
                    && self.tbl_depth == 0
                    && let Some(p) = self.para.as_mut()
                {
                    p.page_break_before = true;
                }
            }
            "w:sectPr" if !empty => {
                self.sect = Some(SectGeom::default());
                self.sect_continuous = false;
            }
            "w:pgSz" if parent == Tag::SectPr => {
                if let (Some(s), Some(w)) = (self.sect.as_mut(), attr_f64(e, "w:w")) {
                    s.page_w = w * PT_PER_TWIP;
                }
            }
            "w:pgMar" if parent == Tag::SectPr => {
                if let Some(s) = self.sect.as_mut() {
                    if let Some(l) = attr_f64(e, "w:left") {
                        s.mar_left = l * PT_PER_TWIP;
                    }
                    if let Some(r) = attr_f64(e, "w:right") {
                        s.mar_right = r * PT_PER_TWIP;
                    }
                }
            }
            "w:type" if parent == Tag::SectPr => {
                self.sect_continuous = attr(e, "w:val").as_deref() == Some("continuous");
            }
            "w:br" if parent == Tag::R => {
                if attr(e, "w:type").as_deref() == Some("page") {
                    self.page_break_in_run();
                } else {
                    self.push_text("\n");
                }
            }
            _ if parent == Tag::R => {
                if let Some(s) = run_char(e, name) {
                    self.push_text(s.as_str());
                }
            }
            "w:tbl" => self.open_table(),
            _ if self.tbl_depth == 1 => self.open_table_part(e, name, parent, empty),
            _ => {}
        }
    }

    fn open_table(&mut self) {
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

    fn open_table_part(&mut self, e: &BytesStart<'_>, name: &str, parent: Tag, empty: bool) {
        let grandparent = self.grandparent();
        let Some(t) = self.table.as_mut() else {
            return;
        };
        match name {
            "w:tblStyle" if parent == Tag::TblPr => {
                t.style = attr(e, "w:val").map(|v| v.into_owned());
            }
            "w:tblInd" if parent == Tag::TblPr => t.ind = dxa(e),
            "w:jc" if parent == Tag::TblPr => t.jc = attr(e, "w:val").map(|v| v.into_owned()),
            "w:left" | "w:start" if parent == Tag::TblCellMar && grandparent == Tag::TblPr => {
                t.cell_mar_left = dxa(e);
            }
            "w:gridCol" if parent == Tag::TblGrid && grandparent == Tag::Tbl => {
                t.grid.push(attr_f64(e, "w:w").unwrap_or(0.0).max(0.0));
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
                    r.repeat_header = on_off(e);
                }
            }
            "w:trHeight" if parent == Tag::TrPr => {
                let rule = attr(e, "w:hRule");
                if let Some(r) = t.row.as_mut()
                    && rule.as_deref() != Some("auto")
                {
                    r.height = attr_f64(e, "w:val").map(|v| v * PT_PER_TWIP);
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
                    c.vmerge = match attr(e, "w:val").as_deref() {
                        Some("restart") => VMerge::Restart,
                        _ => VMerge::Continue,
                    };
                }
            }
            "w:hMerge" if parent == Tag::TcPr => {
                if let Some(c) = t.cell.as_mut() {
                    c.hmerge_continue = attr(e, "w:val").as_deref() != Some("restart");
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

    fn open_drawing(&mut self, e: &BytesStart<'_>, name: &str, empty: bool) {
        let parent = self.parent();
        let grandparent = self.grandparent();
        let Some(d) = self.drawing.as_mut() else {
            return;
        };
        match name {
            "wp:inline" => {
                d.inline = true;
                d.h = HFrame::Inline;
                d.v = VFrame::Inline;
            }
            "wp:anchor"
                if attr(e, "simplePos")
                    .as_deref()
                    .is_some_and(|v| v == "1" || v == "true") =>
            {
                d.h = HFrame::Page;
                d.v = VFrame::Page;
            }
            "wp:simplePos" if d.h == HFrame::Page && d.v == VFrame::Page => {
                d.pos = (
                    attr_f64(e, "x").unwrap_or(0.0) * PT_PER_EMU,
                    attr_f64(e, "y").unwrap_or(0.0) * PT_PER_EMU,
                );
            }
            "wp:positionH" => {
                d.h = match attr(e, "relativeFrom").as_deref() {
                    Some("margin") => HFrame::Margin,
                    Some("page" | "leftMargin" | "rightMargin" | "insideMargin")
                    | Some("outsideMargin") => HFrame::Page,
                    Some("character") => HFrame::Character,
                    _ => HFrame::Column,
                };
            }
            "wp:positionV" => {
                d.v = match attr(e, "relativeFrom").as_deref() {
                    Some("paragraph" | "line") | None => VFrame::Paragraph,
                    _ => VFrame::Page,
                };
            }
            "wp:extent" => {
                if let (Some(cx), Some(cy)) = (attr_f64(e, "cx"), attr_f64(e, "cy")) {
                    d.extent = Some((cx * PT_PER_EMU, cy * PT_PER_EMU));
                }
            }
            "wps:wsp" | "pic:pic" => {
                d.shape = Some(DmlShape {
                    picture: name == "pic:pic",
                    ..Default::default()
                });
                if empty {
                    self.finish_dml_shape();
                }
            }
            "wps:cNvCnPr" => {
                if let Some(s) = d.shape.as_mut() {
                    s.connector = true;
                }
            }
            "wps:cNvSpPr" => {
                if let Some(s) = d.shape.as_mut() {
                    s.txbox = matches!(attr(e, "txBox").as_deref(), Some("1" | "true"));
                }
            }
            "a:prstGeom" => {
                if let Some(s) = d.shape.as_mut() {
                    s.prst = attr(e, "prst").map(|v| v.into_owned());
                }
            }
            "a:noFill" if parent == Tag::Ln && grandparent == Tag::SpPr => {
                if let Some(s) = d.shape.as_mut() {
                    s.no_line = true;
                }
            }
            "a:custGeom" => {
                if let Some(s) = d.shape.as_mut() {
                    s.custom = true;
                }
            }
            "wpg:wgp" | "wpg:grpSp" => d.groups.push((GroupXfrm::default(), false)),
            "wpc:wpc" => {
                let base = Affine::translate(d.pos.0, d.pos.1);
                d.transforms.push(base);
            }
            "a:xfrm" if parent == Tag::SpPr => {
                if let Some(s) = d.shape.as_mut() {
                    s.flip_h = matches!(attr(e, "flipH").as_deref(), Some("1" | "true"));
                    s.flip_v = matches!(attr(e, "flipV").as_deref(), Some("1" | "true"));
                    s.rot = attr_f64(e, "rot").map_or(0.0, |r| r / 60_000.0);
                }
            }
            "a:off" | "a:ext" | "a:chOff" | "a:chExt" if parent == Tag::Xfrm => {
                let (kx, ky) = if name == "a:off" || name == "a:chOff" {
                    ("x", "y")
                } else {
                    ("cx", "cy")
                };
                let v = (
                    attr_f64(e, kx).unwrap_or(0.0) * PT_PER_EMU,
                    attr_f64(e, ky).unwrap_or(0.0) * PT_PER_EMU,
                );
                if grandparent == Tag::SpPr {
                    if let Some(s) = d.shape.as_mut() {
                        match name {
                            "a:off" => s.off = Some(v),
                            "a:ext" => s.ext = Some(v),
                            _ => {}
                        }
                    }
                } else if grandparent == Tag::GrpSpPr
                    && let Some((g, _)) = d.groups.last_mut()
                {
                    match name {
                        "a:off" => g.off = v,
                        "a:ext" => g.ext = v,
                        "a:chOff" => g.ch_off = Some(v),
                        _ => g.ch_ext = Some(v),
                    }
                }
            }
            _ => {}
        }
    }

    fn open_pict(&mut self, e: &BytesStart<'_>, name: &str, empty: bool) {
        let depth = self.stack.len();
        let Some(p) = self.pict.as_mut() else {
            return;
        };
        match name {
            "v:shapetype" => {
                if let (Some(id), Some(spt)) = (attr(e, "id"), attr_i64(e, "o:spt")) {
                    self.shapetypes
                        .insert(id.into_owned(), u32::try_from(spt).unwrap_or(0));
                }
            }
            "v:group" if p.shape.is_none() => {
                let st = vml_style(&attr(e, "style").unwrap_or_default());
                let (origin, size) = (
                    attr(e, "coordorigin")
                        .and_then(|s| int_pair(&s))
                        .unwrap_or((0.0, 0.0)),
                    attr(e, "coordsize").and_then(|s| int_pair(&s)),
                );
                if p.transforms.is_empty() {
                    p.frames = Some(vml_frames(&st, false));
                }
                // Bare numbers are pixels at the top level, parent units inside a group.
                let px = if p.transforms.is_empty() { 0.75 } else { 1.0 };
                let left = st.left.map_or(0.0, |(v, u)| if u { v } else { v * px });
                let top = st.top.map_or(0.0, |(v, u)| if u { v } else { v * px });
                let width = st.width.map_or(0.0, |(v, u)| if u { v } else { v * px });
                let height = st.height.map_or(0.0, |(v, u)| if u { v } else { v * px });
                let size = size.unwrap_or((width, height));
                let inner = Affine::group((left, top), (width, height), origin, size);
                let outer = p.transforms.last().copied();
                p.transforms.push(outer.map_or(inner, |o| o.then(&inner)));
            }
            "v:textbox" => {
                if let Some(s) = p.shape.as_mut()
                    && s.geometry == "202"
                {
                    s.text_box = true;
                }
            }
            "v:imagedata" => {
                if let Some(s) = p.shape.as_mut() {
                    s.kind = ShapeKind::Other;
                    s.geometry = "picture".into();
                }
            }
            _ if p.shape.is_none() && name.starts_with("v:") => {
                let kind = match vml_element_kind(name) {
                    Some(k) => Some((k, name.to_string())),
                    None if name == "v:shape" => {
                        let spt = attr_i64(e, "o:spt")
                            .and_then(|v| u32::try_from(v).ok())
                            .or_else(|| {
                                let t = attr(e, "type")?;
                                let id = t.trim().trim_start_matches('#').to_string();
                                self.shapetypes
                                    .get(&id)
                                    .copied()
                                    .or_else(|| vml_type_number(&t))
                            });
                        Some(match spt {
                            Some(n) => (vml_spt_kind(n), n.to_string()),
                            None => (ShapeKind::Other, "v:shape".to_string()),
                        })
                    }
                    None => None,
                };
                if let Some((kind, geometry)) = kind {
                    let shape = VmlShape {
                        kind,
                        text_box: geometry == "202",
                        geometry,
                        style: vml_style(&attr(e, "style").unwrap_or_default()),
                        from: attr(e, "from").and_then(|s| vml_point(&s)),
                        to: attr(e, "to").and_then(|s| vml_point(&s)),
                        no_line: matches!(attr(e, "stroked").as_deref(), Some("f" | "false")),
                        text: String::new(),
                    };
                    p.shape = Some(shape);
                    p.shape_depth = depth;
                    if empty {
                        self.finish_vml_shape();
                    }
                }
            }
            _ => {}
        }
    }

    /// The cell a drawing starting now is anchored in.
    fn host(&self) -> Option<Host> {
        let t = self.table.as_ref()?;
        let c = t.cell.as_ref()?;
        Some(Host {
            table: t.ordinal,
            row: t.rows.len(),
            col: c.col,
        })
    }

    fn close(&mut self, name: &str) {
        match name {
            "mc:AlternateContent" => {
                self.alt.pop();
            }
            "w:txbxContent" => {
                self.txbx_depth = self.txbx_depth.saturating_sub(1);
                if self.txbx_depth == 0 {
                    let text = std::mem::take(&mut self.txbx_text);
                    let text = text.trim();
                    if let Some(s) = self.drawing.as_mut().and_then(|d| d.shape.as_mut()) {
                        s.text.push_str(text);
                    } else if let Some(s) = self.pict.as_mut().and_then(|p| p.shape.as_mut()) {
                        s.text.push_str(text);
                    }
                }
            }
            "w:p"
                if self.txbx_depth > 0
                    && !self.txbx_text.is_empty()
                    && !self.txbx_text.ends_with('\n') =>
            {
                self.txbx_text.push('\n');
            }
            _ if self.txbx_depth > 0 => {}
            "w:drawing" => self.drawing = None,
            "w:pict" => self.pict = None,
            _ if self.drawing.is_some() => self.close_drawing(name),
            _ if self.pict.is_some() => self.close_pict(name),
            "w:p" => self.finish_para(),
            "w:sectPr" => {
                let s = self.sect.take().unwrap_or_default();
                self.body.sects.push(s);
                if self.parent() == Tag::PPr
                    && let Some(p) = self.para.as_mut()
                {
                    p.section_break = !self.sect_continuous;
                }
            }
            "w:tbl" => self.close_table(),
            "w:tc" if self.tbl_depth == 1 => {
                if let Some(t) = self.table.as_mut() {
                    finish_cell(t);
                }
            }
            "w:tr" if self.tbl_depth == 1 => {
                if let Some(t) = self.table.as_mut() {
                    finish_row(t);
                }
            }
            _ => {}
        }
    }

    fn close_drawing(&mut self, name: &str) {
        match name {
            "wps:wsp" | "pic:pic" => self.finish_dml_shape(),
            "wpg:grpSpPr" => {
                let Some(d) = self.drawing.as_mut() else {
                    return;
                };
                let outer = d.transforms.last().copied();
                let pos = d.pos;
                if let Some((g, pushed)) = d.groups.last_mut() {
                    let inner = Affine::group(
                        g.off,
                        g.ext,
                        g.ch_off.unwrap_or(g.off),
                        g.ch_ext.unwrap_or(g.ext),
                    );
                    let full = match outer {
                        Some(o) => o.then(&inner),
                        // The outermost group sits where the anchor puts it.
                        None => Affine::translate(pos.0 - g.off.0, pos.1 - g.off.1).then(&inner),
                    };
                    d.transforms.push(full);
                    *pushed = true;
                }
            }
            "wpg:wgp" | "wpg:grpSp" => {
                if let Some(d) = self.drawing.as_mut()
                    && let Some((_, pushed)) = d.groups.pop()
                    && pushed
                {
                    d.transforms.pop();
                }
            }
            "wpc:wpc" => {
                if let Some(d) = self.drawing.as_mut() {
                    d.transforms.pop();
                }
            }
            _ => {}
        }
    }

    fn close_pict(&mut self, name: &str) {
        let depth = self.stack.len();
        let Some(p) = self.pict.as_mut() else {
            return;
        };
        if p.shape.is_some() && depth == p.shape_depth {
            self.finish_vml_shape();
        } else if name == "v:group" && p.shape.is_none() {
            p.transforms.pop();
        }
    }

    fn finish_dml_shape(&mut self) {
        let Some(d) = self.drawing.as_mut() else {
            return;
        };
        let Some(s) = d.shape.take() else {
            return;
        };
        let kind = if s.picture {
            ShapeKind::Other
        } else {
            drawingml_kind(s.prst.as_deref(), s.connector)
        };
        let geometry = if s.picture {
            "picture".to_string()
        } else if let Some(p) = s.prst {
            p
        } else if s.custom {
            "custGeom".to_string()
        } else {
            String::new()
        };
        let rect = match (d.transforms.last(), s.off, s.ext) {
            (Some(t), Some(off), Some(ext)) => {
                let (x, y) = t.point(off.0, off.1);
                Box64 {
                    x,
                    y,
                    w: ext.0 * t.sx,
                    h: ext.1 * t.sy,
                }
            }
            _ => {
                let ext = d.extent.or(s.ext).unwrap_or((0.0, 0.0));
                Box64 {
                    x: d.pos.0,
                    y: d.pos.1,
                    w: ext.0,
                    h: ext.1,
                }
            }
        };
        let line = (kind == ShapeKind::Arrow).then(|| {
            let (mut x0, mut x1) = (rect.x, rect.x + rect.w);
            let (mut y0, mut y1) = (rect.y, rect.y + rect.h);
            if s.flip_h {
                std::mem::swap(&mut x0, &mut x1);
            }
            if s.flip_v {
                std::mem::swap(&mut y0, &mut y1);
            }
            let c = (rect.x + rect.w / 2.0, rect.y + rect.h / 2.0);
            (rotate((x0, y0), c, s.rot), rotate((x1, y1), c, s.rot))
        });
        // The bounding box of a rotated shape: the bounds of its rotated corners.
        let rect = if s.rot.rem_euclid(360.0).abs() > 1e-6 {
            let c = (rect.x + rect.w / 2.0, rect.y + rect.h / 2.0);
            let corners = [
                (rect.x, rect.y),
                (rect.x + rect.w, rect.y),
                (rect.x, rect.y + rect.h),
                (rect.x + rect.w, rect.y + rect.h),
            ]
            .map(|p| rotate(p, c, s.rot));
            let (mut x0, mut y0, mut x1, mut y1) = (f64::MAX, f64::MAX, f64::MIN, f64::MIN);
            for (x, y) in corners {
                x0 = x0.min(x);
                y0 = y0.min(y);
                x1 = x1.max(x);
                y1 = y1.max(y);
            }
            Box64 {
                x: x0,
                y: y0,
                w: x1 - x0,
                h: y1 - y0,
            }
        } else {
            rect
        };
        let text_box = s.txbox || is_label(kind, s.no_line, &s.text);
        let grouped = !d.transforms.is_empty();
        let raw = RawShape {
            grouped,
            kind,
            geometry,
            text: s.text,
            text_box,
            host: d.host,
            sect: d.sect,
            h: d.h,
            v: d.v,
            h_align: d.h_align.clone(),
            rect: Box64 {
                w: rect.w.abs(),
                h: rect.h.abs(),
                ..rect
            },
            line,
        };
        self.body.shapes.push(raw);
    }

    fn finish_vml_shape(&mut self) {
        let Some(p) = self.pict.as_mut() else {
            return;
        };
        let Some(s) = p.shape.take() else {
            return;
        };
        let in_group = !p.transforms.is_empty();
        let (h, v) = match p.frames {
            Some(f) if in_group => f,
            _ => vml_frames(&s.style, in_group),
        };
        // Inside a group, numbers are group coordinates; outside, lengths in points
        // (a bare number is a CSS pixel).
        let t = p.transforms.last().copied();
        let px = |v: f64, unit: bool| if unit { v } else { v * 0.75 };
        let pos = |x: (f64, bool), y: (f64, bool)| -> (f64, f64) {
            match t {
                Some(t) => t.point(x.0, y.0),
                None => (px(x.0, x.1), px(y.0, y.1)),
            }
        };
        let len = |w: (f64, bool), h: (f64, bool)| -> (f64, f64) {
            match t {
                Some(t) => (w.0 * t.sx, h.0 * t.sy),
                None => (px(w.0, w.1), px(h.0, h.1)),
            }
        };
        let (rect, line) = match (s.from, s.to) {
            (Some(f), Some(to)) if s.kind == ShapeKind::Arrow => {
                let a = pos((f.0, f.2), (f.1, f.2));
                let b = pos((to.0, to.2), (to.1, to.2));
                let rect = Box64 {
                    x: a.0.min(b.0),
                    y: a.1.min(b.1),
                    w: (a.0 - b.0).abs(),
                    h: (a.1 - b.1).abs(),
                };
                (rect, Some((a, b)))
            }
            _ => {
                let zero = (0.0, true);
                let (x, y) = pos(s.style.left.unwrap_or(zero), s.style.top.unwrap_or(zero));
                let (w, h) = len(
                    s.style.width.unwrap_or(zero),
                    s.style.height.unwrap_or(zero),
                );
                let rect = Box64 {
                    x: x.min(x + w),
                    y: y.min(y + h),
                    w: w.abs(),
                    h: h.abs(),
                };
                let line = (s.kind == ShapeKind::Arrow).then(|| {
                    let (mut x0, mut x1) = (rect.x, rect.x + rect.w);
                    let (mut y0, mut y1) = (rect.y, rect.y + rect.h);
                    if s.style.flip_x {
                        std::mem::swap(&mut x0, &mut x1);
                    }
                    if s.style.flip_y {
                        std::mem::swap(&mut y0, &mut y1);
                    }
                    ((x0, y0), (x1, y1))
                });
                (rect, line)
            }
        };
        let raw = RawShape {
            text_box: s.text_box || is_label(s.kind, s.no_line, &s.text),
            kind: s.kind,
            geometry: s.geometry,
            text: s.text,
            host: p.host,
            sect: p.sect,
            h,
            v,
            h_align: None,
            rect,
            line,
            grouped: in_group,
        };
        self.body.shapes.push(raw);
    }

    fn text(&mut self, s: &str) {
        match self.parent() {
            Tag::T => {
                let font = self.run_font;
                let out = if self.txbx_depth > 0 {
                    Some(&mut self.txbx_text)
                } else if self.drawing.is_none() && self.pict.is_none() {
                    self.para.as_mut().map(|p| &mut p.text)
                } else {
                    None
                };
                if let Some(out) = out {
                    match font {
                        Some(f) => map_symbol_text(f, s, out),
                        None => out.push_str(s),
                    }
                }
            }
            Tag::PosOffset => {
                let axis = self.grandparent();
                if let Some(d) = self.drawing.as_mut()
                    && let Ok(v) = s.trim().parse::<f64>()
                    && v.is_finite()
                {
                    match axis {
                        Tag::PositionH => d.pos.0 = v * PT_PER_EMU,
                        Tag::PositionV => d.pos.1 = v * PT_PER_EMU,
                        _ => {}
                    }
                }
            }
            Tag::Align => {
                if self.grandparent() == Tag::PositionH
                    && let Some(d) = self.drawing.as_mut()
                {
                    d.h_align = Some(s.trim().to_string());
                }
            }
            _ => {}
        }
    }

    fn push_text(&mut self, s: &str) {
        if self.drawing.is_some() || self.pict.is_some() {
            return;
        }
        if let Some(p) = self.para.as_mut() {
            p.text.push_str(s);
        }
    }

    fn page_break_in_run(&mut self) {
        if self.tbl_depth > 0 {
            self.push_text("\n");
            return;
        }
        let Some(p) = self.para.as_mut() else {
            return;
        };
        if p.text.trim().is_empty() {
            p.page_break_before = true;
            return;
        }
        // Text before the break stays on the old page: split the paragraph.
        // The list number shows once, before the first part.
        let rest = ParaB {
            style: p.style.clone(),
            page_break_before: true,
            ..Default::default()
        };
        let done = std::mem::replace(p, rest);
        self.emit_para(done);
    }

    fn finish_para(&mut self) {
        let Some(p) = self.para.take() else {
            return;
        };
        let section_break = p.section_break;
        if self.tbl_depth > 0 {
            // Cells have no list field: an automatic number or bullet is shown text
            // (a "No" column numbered by Word holds its step numbers only this way).
            let label = p
                .num_id
                .filter(|&n| n != 0)
                .and_then(|n| self.numbering.label(n, p.ilvl));
            if let Some(c) = self.table.as_mut().and_then(|t| t.cell.as_mut()) {
                let text = p.text.trim_end();
                let label = label.as_deref().unwrap_or("");
                if !text.trim().is_empty() || !label.trim().is_empty() {
                    if !c.text.is_empty() {
                        c.text.push('\n');
                    }
                    if label.is_empty() {
                        c.text.push_str(text);
                    } else {
                        c.text.push_str(label);
                        let text = text.trim_start();
                        if !text.is_empty() {
                            c.text.push(' ');
                            c.text.push_str(text);
                        }
                    }
                }
            }
        } else {
            self.emit_para(p);
        }
        if section_break {
            self.pending_break = true;
        }
    }

    /// Emits a body paragraph; an empty one only passes its page break on.
    fn emit_para(&mut self, p: ParaB) {
        if p.text.trim().is_empty() {
            self.pending_break |= p.page_break_before;
            return;
        }
        let list = p.num_id.filter(|&n| n != 0).map(|n| ListInfo {
            num_id: Some(n),
            level: p.ilvl,
            label: self.numbering.label(n, p.ilvl),
        });
        self.body.blocks.push(Block::Paragraph(Paragraph {
            text: p.text,
            list,
            page_break_before: p.page_break_before || self.pending_break,
            style: p.style,
            page: None,
        }));
        self.pending_break = false;
    }

    fn close_table(&mut self) {
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
}

/// `p` rotated clockwise (y downwards) by `deg` degrees about `c`.
fn rotate(p: (f64, f64), c: (f64, f64), deg: f64) -> (f64, f64) {
    if deg.abs() < 1e-9 {
        return p;
    }
    let (sin, cos) = deg.to_radians().sin_cos();
    let (dx, dy) = (p.0 - c.0, p.1 - c.1);
    (c.0 + dx * cos - dy * sin, c.1 + dx * sin + dy * cos)
}

/// A rectangle with text and no drawn outline is a label ("Ya", "Tidak"), whether or
/// not the producer marked it as a text box (LibreOffice does not).
fn is_label(kind: ShapeKind, no_line: bool, text: &str) -> bool {
    no_line && matches!(kind, ShapeKind::Process | ShapeKind::Other) && !text.trim().is_empty()
}

/// Tracked changes that are not the document's current state: deleted or moved-away
/// content, and the former properties kept by `w:*PrChange` (whose old `w:tcPr` or
/// `w:pPr` would otherwise override the current spans and numbering).
fn is_revision_history(name: &str) -> bool {
    matches!(
        name,
        "w:del" | "w:moveFrom" | "w:tblGridChange" | "w:numberingChange"
    ) || (name.starts_with("w:") && name.ends_with("PrChange"))
}

/// True when every namespace prefix a `mc:Choice` requires is one we read.
fn requires_ok(requires: &str) -> bool {
    requires.split_whitespace().all(|p| {
        matches!(
            p,
            "wps" | "wpg" | "wpc" | "wpi" | "wp14" | "w14" | "w15" | "a14" | "v" | "o" | "w10"
        ) || p.starts_with("w16")
    })
}

/// A VML shape's reference frames from its style.
fn vml_frames(st: &VmlStyle, in_group: bool) -> (HFrame, VFrame) {
    if !st.absolute && !in_group {
        return (HFrame::Inline, VFrame::Inline);
    }
    let h = match st.h_rel.as_deref() {
        Some("margin") => HFrame::Margin,
        Some("page" | "left-margin-area" | "right-margin-area" | "inner-margin-area")
        | Some("outer-margin-area") => HFrame::Page,
        Some("char") => HFrame::Character,
        _ => HFrame::Column,
    };
    let v = match st.v_rel.as_deref() {
        Some("margin" | "page" | "top-margin-area" | "bottom-margin-area") => VFrame::Page,
        _ => VFrame::Paragraph,
    };
    (h, v)
}

/// The text a run-level element stands for (`w:tab`, `w:cr`, `w:sym`, hyphens).
fn run_char(e: &BytesStart<'_>, name: &str) -> Option<CharText> {
    match name {
        "w:tab" => Some(CharText::Static("\t")),
        "w:cr" | "w:br" => Some(CharText::Static("\n")),
        "w:noBreakHyphen" => Some(CharText::Static("-")),
        "w:sym" => {
            let font = attr(e, "w:font");
            let c = sym_char(font.as_deref(), &attr(e, "w:char")?)?;
            Some(CharText::Char(c.to_string()))
        }
        _ => None,
    }
}

/// Text produced by a run-level element.
enum CharText {
    Static(&'static str),
    Char(String),
}

impl CharText {
    fn as_str(&self) -> &str {
        match self {
            CharText::Static(s) => s,
            CharText::Char(s) => s,
        }
    }
}

/// A `w:val` count attribute (`gridSpan`, `gridBefore`), bounded to keep hostile
/// values from blowing the grid up.
fn count_attr(e: &BytesStart<'_>) -> usize {
    attr_i64(e, "w:val")
        .and_then(|v| usize::try_from(v).ok())
        .unwrap_or(0)
        .min(MAX_GRID_COLS)
}

/// The widest grid we build; wider tables are cut (Word itself stops at 63 columns).
const MAX_GRID_COLS: usize = 1024;

fn finish_cell(t: &mut TableB) {
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

fn finish_row(t: &mut TableB) {
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
