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
use crate::model::{Block, ListInfo, Paragraph, ShapeKind};

use super::numbering::Numbering;
use super::shapes::{PT_PER_EMU, PT_PER_TWIP, SymbolFont, map_symbol_text, sym_char};
use crate::ingest::xml::{
    attr_qualified, attr_qualified_f64, attr_qualified_i64, resolve_ref, word_on_off,
};

mod drawing;
mod table;

use drawing::{Drawing, Pict};
use table::{TableB, finish_cell, finish_row};

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
    /// A picture's relationship id (to the part holding its pixels).
    pub embed: Option<String>,
    /// Number of body blocks before the drawing: where a picture outside any table
    /// stands in the block flow.
    pub block: usize,
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
    /// A floating table's horizontal position (`w:tblpPr`), and whether it counts from
    /// the page edge (else from the text area).
    pub float_x: Option<(FloatX, bool)>,
    /// Row heights in points (`w:trHeight`) where given, and whether the height is
    /// `exact` (else a minimum: the row may be taller).
    pub heights: Vec<Option<(f64, bool)>>,
    /// Section index of the table.
    pub sect: usize,
}

/// Horizontal position of a floating table.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) enum FloatX {
    /// Left edge at this many points from the anchor edge.
    At(f64),
    /// Centred.
    Center,
    /// Right-aligned.
    Right,
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
                    .find_map(|k| attr_qualified(e, k).and_then(|f| SymbolFont::of(&f)));
            }
            _ => {}
        }
        match name {
            // Markup compatibility: read the first Choice we understand, else the Fallback.
            "mc:AlternateContent" => self.alt.push(false),
            "mc:Choice" => {
                let taken = self.alt.last().copied().unwrap_or(false);
                let understood = attr_qualified(e, "Requires").is_none_or(|r| requires_ok(&r));
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
                    block: self.body.blocks.len(),
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
                    block: self.body.blocks.len(),
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
                    p.style = attr_qualified(e, "w:val").map(|v| v.into_owned());
                }
            }
            "w:ilvl" if parent == Tag::NumPr => {
                if let Some(p) = self.para.as_mut() {
                    p.ilvl = attr_qualified_i64(e, "w:val")
                        .and_then(|v| u8::try_from(v).ok())
                        .unwrap_or(0);
                }
            }
            "w:numId" if parent == Tag::NumPr => {
                if let Some(p) = self.para.as_mut() {
                    p.num_id = attr_qualified_i64(e, "w:val").and_then(|v| u32::try_from(v).ok());
                }
            }
            "w:pageBreakBefore" if parent == Tag::PPr => {
                if word_on_off(e)
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
                if let (Some(s), Some(w)) = (self.sect.as_mut(), attr_qualified_f64(e, "w:w")) {
                    s.page_w = w * PT_PER_TWIP;
                }
            }
            "w:pgMar" if parent == Tag::SectPr => {
                if let Some(s) = self.sect.as_mut() {
                    if let Some(l) = attr_qualified_f64(e, "w:left") {
                        s.mar_left = l * PT_PER_TWIP;
                    }
                    if let Some(r) = attr_qualified_f64(e, "w:right") {
                        s.mar_right = r * PT_PER_TWIP;
                    }
                }
            }
            "w:type" if parent == Tag::SectPr => {
                self.sect_continuous = attr_qualified(e, "w:val").as_deref() == Some("continuous");
            }
            "w:br" if parent == Tag::R => {
                if attr_qualified(e, "w:type").as_deref() == Some("page") {
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

/// The text a run-level element stands for (`w:tab`, `w:cr`, `w:sym`, hyphens).
fn run_char(e: &BytesStart<'_>, name: &str) -> Option<CharText> {
    match name {
        "w:tab" => Some(CharText::Static("\t")),
        "w:cr" | "w:br" => Some(CharText::Static("\n")),
        "w:noBreakHyphen" => Some(CharText::Static("-")),
        "w:sym" => {
            let font = attr_qualified(e, "w:font");
            let c = sym_char(font.as_deref(), &attr_qualified(e, "w:char")?)?;
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
