//! One SOP as a .docx in the standard layout of PermenPANRB 35/2012.
//!
//! docx-rs builds the document (landscape A4, identity table, procedure table with a
//! two-row merged header, the "Catatan Migrasi" page). docx-rs has no API for
//! DrawingML shapes or for `w:tblHeader`, so the writer leaves a marker run in each cell
//! that gets a drawing and marks header rows with `w:cantSplit`; [`finish_document`]
//! then replaces the markers in `word/document.xml` with `wps:wsp` anchors (symbols,
//! connectors, branch labels) and adds `w:tblHeader` to the header rows.

use std::io::{Cursor, Read, Write};

use docx_rs::{
    AlignmentType, BreakType, Docx, HeightRule, LineSpacing, LineSpacingType, PageMargin,
    PageOrientationType, Paragraph, Run, RunFonts, Table, TableCell, TableCellMargins,
    TableLayoutType, TableRow, VAlignType, VMergeType, WidthType,
};

use super::layout::{
    self, EMU_PER_TWIP, FlowPlan, PlacedConnector, PlacedShape, Rect, identity_rows, preset,
    xml_escape,
};
use super::{ExportError, ExportMeta, offpage};
use crate::sop::record::{Sop, Step};

/// Why a .docx could not be built, by stage: docx-rs packing the document, or our
/// rewrite of the package that adds the drawings.
#[derive(Debug, thiserror::Error)]
pub enum DocxError {
    /// docx-rs could not pack the document. Its error is from the zip crate version
    /// docx-rs depends on (not ours), so it is kept boxed.
    #[error("package: {0}")]
    Package(#[source] Box<dyn std::error::Error + Send + Sync>),
    /// The packed document could not be rewritten with the drawings.
    #[error("drawings: {0}")]
    Drawings(#[from] PackageError),
}

/// Why the rewrite of a packed .docx ([`finish_document`]) failed.
#[derive(Debug, thiserror::Error)]
pub enum PackageError {
    /// The package cannot be read or written as a zip archive.
    #[error("zip: {0}")]
    Zip(#[from] zip::result::ZipError),
    /// A part cannot be read or written.
    #[error("part: {0}")]
    Io(#[from] std::io::Error),
    /// `word/document.xml` is not UTF-8.
    #[error("word/document.xml: {0}")]
    Utf8(#[from] std::string::FromUtf8Error),
}

/// Page width and height, landscape A4, in twips.
const PAGE_W: i64 = 16_838;
const PAGE_H: i64 = 11_906;
/// Page margin, twips.
const MARGIN: i64 = 720;
/// Distance of the (empty) header and footer from the page edge, twips.
const HEADER_FOOTER: i32 = 360;
/// Left and right cell margin, twips (set on every table, so readers need no style).
const CELL_MAR: i64 = 108;
/// Fixed columns of the procedure table, twips.
const W_NO: i64 = 500;
const W_ACT: i64 = 3_300;
const W_MUTU: [i64; 3] = [1_600, 1_000, 1_600];
const W_KET: i64 = 1_400;
/// Narrowest actor column, twips.
const W_ACTOR_MIN: i64 = 700;
/// Font size of table text, half-points (8 pt).
const FONT: usize = 16;
/// Height of one line of 8 pt text, twips (generous).
const LINE_TW: i64 = 200;
/// Lowest step row, twips (room for a symbol).
const MIN_ROW: i64 = 900;
/// Header rows' heights, twips: the first row's, and the least of the second (which
/// grows with the longest actor name).
const HEAD_ROWS: [i64; 2] = [400, 600];
/// Height of one line of 7 pt text, twips (actor names).
const SMALL_LINE_TW: i64 = 180;

/// Narrowest Kegiatan column, twips: what it may give up so that actor names fit.
const W_ACT_MIN: i64 = 2_000;
/// Actor-name font sizes tried in turn, half-points (7 pt down to 5 pt): the largest at
/// which every word of the name fits its column is used.
const ACTOR_FONTS: [usize; 5] = [14, 13, 12, 11, 10];
/// Width of an average bold glyph, in em (generous, so that a word judged to fit does).
const BOLD_EM: f64 = 0.62;

/// Width in twips the longest word of `name` takes at `half_pt`.
fn longest_word_tw(name: &str, half_pt: usize) -> i64 {
    let chars = name
        .split_whitespace()
        .map(|w| w.chars().count())
        .max()
        .unwrap_or(0);
    // half-points × 10 = twips per em.
    (chars as f64 * BOLD_EM * half_pt as f64 * 10.0).ceil() as i64
}

/// The font (half-points) of an actor name in a column `width` twips wide: the largest
/// of [`ACTOR_FONTS`] at which no word is broken, else the smallest.
fn actor_font(name: &str, width: i64) -> usize {
    let room = width - 2 * CELL_MAR;
    ACTOR_FONTS
        .iter()
        .copied()
        .find(|&f| longest_word_tw(name, f) <= room)
        .unwrap_or(ACTOR_FONTS[ACTOR_FONTS.len() - 1])
}

/// Height of the second header row: room for the longest actor name, wrapped at word
/// boundaries in its font.
fn actor_header_height(sop: &Sop, widths: &[i64]) -> i64 {
    let lines = sop
        .actors
        .iter()
        .enumerate()
        .map(|(i, a)| {
            let w = widths.get(2 + i).copied().unwrap_or(W_ACTOR_MIN);
            let font = actor_font(a, w) as f64 / 2.0;
            let pt = (w - 2 * CELL_MAR) as f64 / 20.0;
            // estimate_lines takes 0.55 em per glyph; bold needs BOLD_EM.
            i64::from(layout::estimate_lines(a, pt, font * BOLD_EM / 0.55))
        })
        .max()
        .unwrap_or(1);
    (lines * SMALL_LINE_TW + 120).max(HEAD_ROWS[1])
}

/// The procedure table's column widths (twips): No, Kegiatan, actors…, Mutu Baku ×3,
/// Keterangan. The actor columns share what is left; when a word of an actor name
/// would not fit even at the largest actor font, Kegiatan gives up width (down to
/// [`W_ACT_MIN`]) so that names wrap between words.
pub fn column_widths(actors: &[String]) -> Vec<i64> {
    let usable = PAGE_W - 2 * MARGIN;
    let others = W_NO + W_MUTU.iter().sum::<i64>() + W_KET;
    let n = actors.len().max(1) as i64;
    let need = actors
        .iter()
        .map(|a| longest_word_tw(a, ACTOR_FONTS[0]) + 2 * CELL_MAR)
        .max()
        .unwrap_or(0);
    let share = |act: i64| ((usable - others - act) / n).max(W_ACTOR_MIN);
    let mut act = W_ACT;
    if share(act) < need {
        act = (usable - others - need * n).clamp(W_ACT_MIN, W_ACT);
    }
    let actor = share(act);
    let mut w = vec![W_NO, act];
    w.extend(std::iter::repeat_n(actor, actors.len().max(1)));
    w.extend(W_MUTU);
    w.push(W_KET);
    w
}

/// Each step row's height in twips, from the longest text it holds.
fn row_heights(sop: &Sop, widths: &[i64]) -> Vec<i64> {
    let n = sop.actors.len().max(1);
    let pt = |tw: i64| tw as f64 / 20.0 - (2 * CELL_MAR) as f64 / 20.0;
    sop.steps
        .iter()
        .map(|s| {
            let t = layout::step_texts(s);
            let cols = [
                (s.activity.as_str(), widths.get(1)),
                (t[0], widths.get(2 + n)),
                (t[1], widths.get(3 + n)),
                (t[2], widths.get(4 + n)),
                (t[3], widths.get(5 + n)),
            ];
            let lines = cols
                .iter()
                .map(|(text, w)| layout::estimate_lines(text, pt(w.copied().unwrap_or(1000)), 8.0))
                .max()
                .unwrap_or(1) as i64;
            (lines * LINE_TW + 160).max(MIN_ROW)
        })
        .collect()
}

fn text_par(text: &str) -> Paragraph {
    Paragraph::new()
        .line_spacing(LineSpacing::new().before(0).after(0))
        .add_run(Run::new().add_text(text).size(FONT))
}

fn bold_par(text: &str, align: AlignmentType) -> Paragraph {
    Paragraph::new()
        .line_spacing(LineSpacing::new().before(0).after(0))
        .align(align)
        .add_run(Run::new().add_text(text).size(FONT).bold())
}

fn cell(width: i64) -> TableCell {
    TableCell::new().width(width.max(0) as usize, WidthType::Dxa)
}

/// A cell holding `text` (one paragraph per line; one empty paragraph when empty).
fn text_cell(width: i64, text: &str) -> TableCell {
    let mut c = cell(width);
    let mut any = false;
    for line in text.split('\n') {
        c = c.add_paragraph(text_par(line));
        any = true;
    }
    if !any {
        c = c.add_paragraph(Paragraph::new());
    }
    c
}

/// The marker text that [`finish_document`] replaces with the drawing runs of cell
/// (`step`, `col`).
fn marker(step: usize, col: usize) -> String {
    format!("\u{00a7}SOPAPSHAPE-{step}-{col}\u{00a7}")
}

fn margins() -> TableCellMargins {
    TableCellMargins::new().margin(0, CELL_MAR as usize, 0, CELL_MAR as usize)
}

/// The document properties (`docProps/core.xml`): title, subject (the SOP number),
/// creator, created (the run's as-of date) and a description naming the source file.
pub fn core_properties(sop: &Sop, meta: &ExportMeta) -> String {
    let mut x = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<cp:coreProperties \
         xmlns:cp=\"http://schemas.openxmlformats.org/package/2006/metadata/core-properties\" \
         xmlns:dc=\"http://purl.org/dc/elements/1.1/\" xmlns:dcterms=\"http://purl.org/dc/terms/\" \
         xmlns:dcmitype=\"http://purl.org/dc/dcmitype/\" \
         xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\">",
    );
    if let Some(t) = &sop.identity.title {
        x.push_str(&format!("<dc:title>{}</dc:title>", xml_escape(t)));
    }
    if let Some(n) = &sop.identity.number {
        x.push_str(&format!("<dc:subject>{}</dc:subject>", xml_escape(n)));
    }
    x.push_str(&format!(
        "<dc:creator>{}</dc:creator>",
        xml_escape(&creator(sop))
    ));
    x.push_str(&format!(
        "<dc:description>{}</dc:description><dc:language>id-ID</dc:language>",
        xml_escape(&description(sop))
    ));
    if let Some(d) = &meta.as_of {
        x.push_str(&format!(
            "<dcterms:created xsi:type=\"dcterms:W3CDTF\">{}T00:00:00Z</dcterms:created>\
             <dcterms:modified xsi:type=\"dcterms:W3CDTF\">{}T00:00:00Z</dcterms:modified>",
            xml_escape(d),
            xml_escape(d)
        ));
    }
    x.push_str("</cp:coreProperties>");
    x
}

/// The documents' creator: the agency where known, and the tool.
pub fn creator(sop: &Sop) -> String {
    match &sop.agency {
        Some(a) => format!("{a} (sopap)"),
        None => "sopap".to_string(),
    }
}

/// The documents' description: where the SOP was read from.
pub fn description(sop: &Sop) -> String {
    format!(
        "Dimigrasikan oleh sopap dari berkas sumber {} (SOP ke-{} dalam berkas).",
        sop.source.path, sop.source.index
    )
}

/// Renders `sop` as a .docx, with the run's `meta` in the document properties.
pub fn to_docx_with(sop: &Sop, meta: &ExportMeta) -> Result<Vec<u8>, ExportError> {
    let err = |source: DocxError| ExportError::Docx {
        sop: sop.id.clone(),
        source,
    };
    let usable = PAGE_W - 2 * MARGIN;
    let widths = column_widths(&sop.actors);
    let paging = Paging::of(sop, &widths);
    let doc = page_setup();
    let doc = identity_page(doc, sop, usable);
    let doc = procedure_pages(doc, sop, &widths, &paging);
    let doc = migration_notes(doc, sop, usable);

    let mut raw = Cursor::new(Vec::new());
    doc.build()
        .pack(&mut raw)
        .map_err(|e| err(DocxError::Package(Box::new(e))))?;

    let cols = actor_cols(sop, &widths);
    let (rows, bands) = paging.rows();
    let mut plan = layout::plan_flow(sop, &cols, &bands);
    plan.marks = offpage::split_at_pages(&mut plan, &paging.pages);
    let core = core_properties(sop, meta);
    finish_document(raw.into_inner(), &plan, &cols, &rows, &core)
        .map_err(|e| err(DocxError::Drawings(e)))
}

/// An empty document: default font and size, landscape A4 with its margins.
fn page_setup() -> Docx {
    Docx::new()
        .default_fonts(RunFonts::new().ascii("Arial").hi_ansi("Arial").cs("Arial"))
        .default_size(FONT)
        .page_size(PAGE_W as u32, PAGE_H as u32)
        .page_orient(PageOrientationType::Landscape)
        .page_margin(
            PageMargin::new()
                .top(MARGIN as i32)
                .bottom(MARGIN as i32)
                .left(MARGIN as i32)
                .right(MARGIN as i32)
                .header(HEADER_FOOTER)
                .footer(HEADER_FOOTER),
        )
}

/// `doc` with the identity page in the standard layout (`usable`: text width, twips).
fn identity_page(doc: Docx, sop: &Sop, usable: i64) -> Docx {
    let (head, lists) = identity_tables(sop, usable);
    doc.add_table(head)
        .add_paragraph(text_par(""))
        .add_table(lists)
}

/// `doc` with the procedure table on a new page, one table per page (see [`Paging`]).
fn procedure_pages(mut doc: Docx, sop: &Sop, widths: &[i64], paging: &Paging) -> Docx {
    doc = doc.add_paragraph(Paragraph::new().add_run(Run::new().add_break(BreakType::Page)));
    if let Some(t) = &sop.identity.title {
        doc = doc.add_paragraph(bold_par(&t.to_uppercase(), AlignmentType::Center));
    }
    let n_pages = paging.pages.last().map_or(1, |p| p + 1);
    for page in 0..n_pages {
        if page > 0 {
            doc = doc.add_paragraph(page_start());
        }
        doc = doc.add_table(procedure_table(sop, widths, paging, page));
    }
    doc
}

/// `doc` with the "Catatan Migrasi" page: the SOP's findings as a table, or a line
/// saying there are none (`usable`: text width, twips).
fn migration_notes(mut doc: Docx, sop: &Sop, usable: i64) -> Docx {
    doc = doc
        .add_paragraph(Paragraph::new().add_run(Run::new().add_break(BreakType::Page)))
        .add_paragraph(bold_par("CATATAN MIGRASI", AlignmentType::Center))
        .add_paragraph(text_par(
            "Catatan hasil pemeriksaan otomatis atas SOP ini (isian yang kosong sengaja \
             dibiarkan kosong, tidak dikarang).",
        ));
    let notes = layout::findings_lines(sop);
    if notes.is_empty() {
        doc = doc.add_paragraph(text_par("Tidak ada catatan."));
    } else {
        let w = [2_600, 1_200, 900, usable - 4_700];
        let mut rows = vec![TableRow::new(
            ["Kode", "Tingkat", "Langkah", "Pesan"]
                .iter()
                .zip(w)
                .map(|(h, w)| cell(w).add_paragraph(bold_par(h, AlignmentType::Left)))
                .collect(),
        )];
        for n in &notes {
            rows.push(TableRow::new(
                n.iter().zip(w).map(|(t, w)| text_cell(w, t)).collect(),
            ));
        }
        doc = doc.add_table(
            Table::new(rows)
                .set_grid(w.iter().map(|&x| x as usize).collect())
                .layout(TableLayoutType::Fixed)
                .margins(margins()),
        );
    }

    doc
}

/// Width of the organisation block (logo and agency) left of the identity grid, twips.
const W_ORG: i64 = 5_000;
/// Width of the identity grid's label column, twips.
const W_ID_LABEL: i64 = 2_600;
/// How many of [`identity_rows`] stand in the label/value grid right of the
/// organisation block (Nomor SOP … Nama SOP and Unit Kerja); the rest are the list
/// fields of the two-column grid below.
const ID_GRID_ROWS: usize = 7;
/// Height left for the logo above the agency name in the organisation block, twips.
const LOGO_ROOM: i64 = 1_100;

/// The identity page of PermenPANRB 35/2012: the organisation block on the left (room
/// for the logo, the agency) beside the label/value grid (Nomor SOP, Tanggal
/// Pembuatan, Tanggal Revisi, Tanggal Efektif, Disahkan oleh, Nama SOP, Unit Kerja);
/// below it the six list fields two by two, each label above its list (Dasar Hukum |
/// Kualifikasi Pelaksana, Keterkaitan | Peralatan/Perlengkapan, Peringatan |
/// Pencatatan dan Pendataan).
fn identity_tables(sop: &Sop, usable: i64) -> (Table, Table) {
    let rows = identity_rows(sop);
    let value_w = usable - W_ORG - W_ID_LABEL;
    let font = identity_font(&rows, usable, value_w);
    let grid_rows: Vec<TableRow> = rows
        .iter()
        .take(ID_GRID_ROWS)
        .enumerate()
        .map(|(i, r)| {
            TableRow::new(vec![
                organisation_cell(sop, i == 0),
                cell(W_ID_LABEL).add_paragraph(bold_par(r.label, AlignmentType::Left)),
                identity_value_cell(value_w, &r.lines, font),
            ])
        })
        .collect();
    let head = Table::new(grid_rows)
        .set_grid(vec![W_ORG as usize, W_ID_LABEL as usize, value_w as usize])
        .layout(TableLayoutType::Fixed)
        .margins(margins());
    let lists: Vec<&layout::IdentityRow> = rows.iter().skip(ID_GRID_ROWS).collect();
    (head, identity_lists_table(&lists, usable, font))
}

/// One cell of the organisation block beside the identity grid: the first row's cell
/// holds the room for the logo and the agency and is merged down over the others.
fn organisation_cell(sop: &Sop, first: bool) -> TableCell {
    if !first {
        return cell(W_ORG)
            .vertical_merge(VMergeType::Continue)
            .add_paragraph(Paragraph::new());
    }
    let mut c = cell(W_ORG)
        .vertical_merge(VMergeType::Restart)
        .vertical_align(VAlignType::Center)
        .add_paragraph(
            Paragraph::new().line_spacing(LineSpacing::new().before(0).after(LOGO_ROOM as u32)),
        );
    // The agency as the archive names it: acronyms and capitalisation kept (and,
    // upper-cased, it would read as the title of an SOP that has none).
    if let Some(agency) = &sop.agency {
        c = c.add_paragraph(bold_par(agency, AlignmentType::Center));
    }
    c
}

/// A value cell of the identity page, `w` twips wide: one paragraph per line at `font`
/// half-points (one empty paragraph for an empty value).
fn identity_value_cell(w: i64, lines: &[String], font: usize) -> TableCell {
    let par = |t: &str| {
        Paragraph::new()
            .line_spacing(LineSpacing::new().before(0).after(0))
            .add_run(Run::new().add_text(t).size(font))
    };
    let mut c = cell(w);
    if lines.is_empty() {
        c = c.add_paragraph(par(""));
    }
    for l in lines {
        c = c.add_paragraph(par(l));
    }
    c
}

/// The six list fields of the identity page two by two, each label above its list.
fn identity_lists_table(lists: &[&layout::IdentityRow], usable: i64, font: usize) -> Table {
    let half = usable / 2;
    let widths = [half, usable - half];
    let mut list_rows = Vec::new();
    for pair in lists.chunks(2) {
        list_rows.push(TableRow::new(
            widths
                .iter()
                .enumerate()
                .map(|(k, &w)| {
                    let label = pair.get(k).map_or("", |r| r.label);
                    cell(w).add_paragraph(bold_par(label, AlignmentType::Left))
                })
                .collect(),
        ));
        list_rows.push(TableRow::new(
            widths
                .iter()
                .enumerate()
                .map(|(k, &w)| {
                    identity_value_cell(w, pair.get(k).map_or(&[][..], |r| &r.lines), font)
                })
                .collect(),
        ));
    }
    Table::new(list_rows)
        .set_grid(widths.iter().map(|&w| w as usize).collect())
        .layout(TableLayoutType::Fixed)
        .margins(margins())
}

/// Value font sizes of the identity page tried in turn, half-points (8 pt down to 6 pt):
/// the largest at which the page's estimated height fits one page is used.
const IDENTITY_FONTS: [usize; 3] = [16, 14, 12];
/// Height of one text line per half-point of font size, twips (12 pt lines for 10 pt
/// text, generous like [`LINE_TW`]).
const LINE_TW_PER_HALF_PT: f64 = 12.5;
/// Height a table row adds to its lines (cell padding and borders), twips.
const ROW_PAD_TW: i64 = 40;

/// The font (half-points) of the identity page's values: the largest of
/// [`IDENTITY_FONTS`] at which the grid and the list grid together are estimated to fit
/// on the page (a long law list would otherwise spill a line onto the next page), else
/// the smallest.
fn identity_font(rows: &[layout::IdentityRow], usable: i64, value_w: i64) -> usize {
    let page = PAGE_H - 2 * MARGIN;
    let half = usable / 2;
    let height = |font: usize| {
        let pt = font as f64 / 2.0;
        let line = (font as f64 * LINE_TW_PER_HALF_PT).ceil() as i64;
        let label_line = (FONT as f64 * LINE_TW_PER_HALF_PT).ceil() as i64;
        let lines = |ls: &[String], w: i64| {
            i64::from(layout::estimate_lines(
                &ls.join("\n"),
                (w - 2 * CELL_MAR) as f64 / 20.0,
                pt,
            ))
        };
        let grid: i64 = rows
            .iter()
            .take(ID_GRID_ROWS)
            .map(|r| lines(&r.lines, value_w) * line + ROW_PAD_TW)
            .sum::<i64>()
            .max(LOGO_ROOM + 2 * label_line);
        let lists: i64 = rows
            .get(ID_GRID_ROWS..)
            .unwrap_or(&[])
            .chunks(2)
            .map(|pair| {
                let most = pair
                    .iter()
                    .map(|r| lines(&r.lines, half))
                    .max()
                    .unwrap_or(1);
                label_line + most * line + 2 * ROW_PAD_TW
            })
            .sum();
        // The empty paragraph between the two tables.
        grid + label_line + lists
    };
    IDENTITY_FONTS
        .iter()
        .copied()
        .find(|&f| height(f) <= page)
        .unwrap_or(IDENTITY_FONTS[IDENTITY_FONTS.len() - 1])
}

/// The paragraph that starts each later page of the procedure table: a forced break,
/// one point high, so that the page holds exactly the rows [`Paging`] gave it.
fn page_start() -> Paragraph {
    Paragraph::new()
        .page_break_before(true)
        .line_spacing(
            LineSpacing::new()
                .before(0)
                .after(0)
                .line_rule(LineSpacingType::Exact)
                .line(20),
        )
        .size(2)
}

/// The actor columns' (left, width), EMU from the procedure table's left edge.
fn actor_cols(sop: &Sop, widths: &[i64]) -> Vec<(i64, i64)> {
    let n = sop.actors.len();
    let mut x = widths.iter().take(2).sum::<i64>();
    let mut cols = Vec::with_capacity(n);
    for w in widths.iter().skip(2).take(n) {
        cols.push((x * EMU_PER_TWIP, w * EMU_PER_TWIP));
        x += w;
    }
    cols
}

/// (top, height) spans of rows, EMU.
type Spans = Vec<(i64, i64)>;

/// Room left on a page for rows, kept back from the page's full height, twips: what an
/// estimate of row heights may miss (borders, a renderer's rounding).
const PAGE_SAFETY: i64 = 400;
/// Most rounds of growing rows for off-page marks and paginating again.
const PAGING_ROUNDS: usize = 6;

/// The procedure table cut into pages: every step row's height (twips, with room for
/// off-page marks), its page, and the marks' room.
struct Paging {
    /// Header rows' height, twips.
    head: i64,
    /// Row heights, twips.
    heights: Vec<i64>,
    /// Page of each row (0 = the table's first page).
    pages: Vec<usize>,
    /// Room for off-page marks in each row.
    room: Vec<offpage::MarkRoom>,
}

impl Paging {
    /// Paginates `sop`'s rows, growing the rows that get an off-page mark until the
    /// pages stand still (rooms only grow, so this ends).
    fn of(sop: &Sop, widths: &[i64]) -> Paging {
        let base = row_heights(sop, widths);
        let head = HEAD_ROWS[0] + actor_header_height(sop, widths);
        let title = sop.identity.title.as_deref().map_or(0, |t| {
            let pt = (PAGE_W - 2 * MARGIN) as f64 / 20.0;
            i64::from(layout::estimate_lines(&t.to_uppercase(), pt, 8.0)) * LINE_TW
        });
        let page = PAGE_H - 2 * MARGIN - PAGE_SAFETY - head;
        let (first, next) = (page - title - LINE_TW, page - LINE_TW);
        let cols = actor_cols(sop, widths);
        let mut p = Paging {
            head,
            heights: base.clone(),
            pages: Vec::new(),
            room: vec![offpage::MarkRoom::default(); base.len()],
        };
        for _ in 0..PAGING_ROUNDS {
            // No row stands taller than a page's room: an estimate beyond it (a long
            // text in a narrow column) would push its table part past a blank page.
            p.heights = base
                .iter()
                .zip(&p.room)
                .map(|(h, r)| {
                    (h + (r.above + r.below + EMU_PER_TWIP - 1) / EMU_PER_TWIP).min(first)
                })
                .collect();
            p.pages = offpage::paginate(&p.heights, first, next);
            let (_, bands) = p.rows();
            let plan = layout::plan_flow(sop, &cols, &bands);
            let need = offpage::room_for(base.len(), &offpage::crossings(&plan, &p.pages));
            let grown: Vec<offpage::MarkRoom> = p
                .room
                .iter()
                .zip(&need)
                .map(|(a, b)| offpage::MarkRoom {
                    above: a.above.max(b.above),
                    below: a.below.max(b.below),
                })
                .collect();
            if grown == p.room {
                break;
            }
            p.room = grown;
        }
        p
    }

    /// Each row's (top, height) and the band inside it where its symbol stands (the
    /// row less the marks' room), EMU. Rows of one page are contiguous; every page
    /// starts below its header.
    fn rows(&self) -> (Spans, Spans) {
        let mut rows = Vec::with_capacity(self.heights.len());
        let mut bands = Vec::with_capacity(self.heights.len());
        let mut y = self.head;
        for (i, h) in self.heights.iter().enumerate() {
            let (top, h) = (y * EMU_PER_TWIP, h * EMU_PER_TWIP);
            let r = self.room.get(i).copied().unwrap_or_default();
            rows.push((top, h));
            bands.push((top + r.above, (h - r.above - r.below).max(0)));
            y += self.heights.get(i).copied().unwrap_or(0);
        }
        (rows, bands)
    }
}

/// The procedure table's part on `page`: two header rows (merged "Pelaksana" and "Mutu
/// Baku"), one row per step of that page with marker runs in the actor cells that get
/// a symbol.
fn procedure_table(sop: &Sop, widths: &[i64], paging: &Paging, page: usize) -> Table {
    let mut rows = header_rows(sop, widths);
    for (si, s) in sop.steps.iter().enumerate() {
        if paging.pages.get(si) != Some(&page) {
            continue;
        }
        let h = paging.heights.get(si).copied().unwrap_or(MIN_ROW);
        rows.push(
            step_row(sop, widths, si, s)
                .row_height(h as f32)
                .height_rule(HeightRule::AtLeast),
        );
    }
    Table::new(rows)
        .set_grid(widths.iter().map(|&x| x.max(0) as usize).collect())
        .layout(TableLayoutType::Fixed)
        .margins(margins())
}

/// The two header rows of the procedure table, repeated on every page: "Pelaksana" and
/// "Mutu Baku" merged over the actor names and the three Mutu Baku columns.
fn header_rows(sop: &Sop, widths: &[i64]) -> Vec<TableRow> {
    let n = sop.actors.len().max(1);
    let w = |i: usize| widths.get(i).copied().unwrap_or(W_ACTOR_MIN);
    let actor_total: i64 = (0..n).map(|i| w(2 + i)).sum();
    let mutu_total: i64 = W_MUTU.iter().sum();
    let head = |text: &str, width: i64| {
        cell(width)
            .vertical_align(VAlignType::Center)
            .add_paragraph(bold_par(text, AlignmentType::Center))
    };
    let row1 = TableRow::new(vec![
        head("No", w(0)).vertical_merge(VMergeType::Restart),
        head("Kegiatan", w(1)).vertical_merge(VMergeType::Restart),
        head("Pelaksana", actor_total).grid_span(n),
        head("Mutu Baku", mutu_total).grid_span(3),
        head("Keterangan", W_KET).vertical_merge(VMergeType::Restart),
    ])
    .row_height(HEAD_ROWS[0] as f32)
    .height_rule(HeightRule::Exact)
    .cant_split();
    let mut cells2 = vec![
        cell(w(0))
            .vertical_merge(VMergeType::Continue)
            .add_paragraph(Paragraph::new()),
        cell(w(1))
            .vertical_merge(VMergeType::Continue)
            .add_paragraph(Paragraph::new()),
    ];
    for i in 0..n {
        // Actor names smaller than the table text, small enough that no word breaks.
        let name = sop.actors.get(i).map(String::as_str).unwrap_or("");
        let font = actor_font(name, w(2 + i));
        cells2.push(
            cell(w(2 + i))
                .vertical_align(VAlignType::Center)
                .add_paragraph(
                    Paragraph::new()
                        .line_spacing(LineSpacing::new().before(0).after(0))
                        .align(AlignmentType::Center)
                        .add_run(Run::new().add_text(name).size(font).bold()),
                ),
        );
    }
    for (i, h) in ["Kelengkapan", "Waktu", "Output"].iter().enumerate() {
        cells2.push(head(h, w(2 + n + i)));
    }
    cells2.push(
        cell(W_KET)
            .vertical_merge(VMergeType::Continue)
            .add_paragraph(Paragraph::new()),
    );
    let row2 = TableRow::new(cells2)
        .row_height(actor_header_height(sop, widths) as f32)
        .height_rule(HeightRule::AtLeast)
        .cant_split();
    vec![row1, row2]
}

/// The row of step `s` (the `si`-th): number, activity, a marker run in each actor cell
/// that gets a symbol, then Mutu Baku and notes.
fn step_row(sop: &Sop, widths: &[i64], si: usize, s: &Step) -> TableRow {
    let n = sop.actors.len().max(1);
    let w = |i: usize| widths.get(i).copied().unwrap_or(W_ACTOR_MIN);
    let mut cells = vec![
        cell(w(0)).add_paragraph(bold_par(&s.no.to_string(), AlignmentType::Center)),
        text_cell(w(1), &s.activity),
    ];
    for i in 0..n {
        let drawn = sop
            .actors
            .get(i)
            .is_some_and(|a| s.actors.iter().any(|x| x == a));
        let mut c = cell(w(2 + i));
        c = if drawn {
            c.add_paragraph(Paragraph::new().add_run(Run::new().add_text(marker(si, i))))
        } else {
            c.add_paragraph(Paragraph::new())
        };
        cells.push(c);
    }
    for (i, t) in layout::step_texts(s).iter().enumerate() {
        cells.push(text_cell(w(2 + n + i), t));
    }
    TableRow::new(cells)
}

/// Rewrites `word/document.xml` of the package `bytes`: markers become drawings, header
/// rows get `w:tblHeader`.
fn finish_document(
    bytes: Vec<u8>,
    plan: &FlowPlan,
    cols: &[(i64, i64)],
    rows: &[(i64, i64)],
    core: &str,
) -> Result<Vec<u8>, PackageError> {
    let mut zin = zip::ZipArchive::new(Cursor::new(bytes))?;
    let mut out = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .last_modified_time(zip::DateTime::default());
    for i in 0..zin.len() {
        let mut f = zin.by_index(i)?;
        let name = f.name()?.to_string();
        let mut data = Vec::new();
        f.read_to_end(&mut data)?;
        if name == "word/document.xml" {
            let xml = String::from_utf8(data)?;
            data = rewrite_document(&xml, plan, cols, rows).into_bytes();
        } else if name == "docProps/core.xml" {
            data = core.as_bytes().to_vec();
        }
        out.start_file(name, opts)?;
        out.write_all(&data)?;
    }
    Ok(out.finish()?.into_inner())
}

/// The rewritten document XML (see [`finish_document`]).
fn rewrite_document(
    xml: &str,
    plan: &FlowPlan,
    cols: &[(i64, i64)],
    rows: &[(i64, i64)],
) -> String {
    // Drawing runs per (step, col), in z-order: symbols, then connectors and labels.
    let mut runs: std::collections::HashMap<(usize, usize), String> =
        std::collections::HashMap::new();
    let mut id = 1000u32;
    // Every drawing of a step row is anchored in the cell of the row's first symbol (the
    // step's first actor), in the plan's order: a reader meets the symbols in the order
    // of the step's actors, and each stands in its own column by its offset.
    let mut host: std::collections::HashMap<usize, usize> = std::collections::HashMap::new();
    for s in &plan.shapes {
        host.entry(s.step).or_insert(s.col);
    }
    let key = |step: usize, col: usize| (step, host.get(&step).copied().unwrap_or(col));
    let origin = |(step, col): (usize, usize)| {
        let (cx, _) = cols.get(col).copied().unwrap_or((0, 0));
        let (ry, _) = rows.get(step).copied().unwrap_or((0, 0));
        (cx + CELL_MAR * EMU_PER_TWIP, ry)
    };
    for s in &plan.shapes {
        id += 1;
        let k = key(s.step, s.col);
        let o = origin(k);
        runs.entry(k).or_default().push_str(&symbol_run(s, o, id));
    }
    for c in &plan.connectors {
        id += 1;
        let k = key(c.step, c.col);
        let o = origin(k);
        let entry = runs.entry(k).or_default();
        entry.push_str(&connector_run(c, o, id));
        if let Some((text, rect)) = c.label {
            id += 1;
            entry.push_str(&label_run(text, rect, o, id));
        }
    }
    for m in &plan.marks {
        id += 1;
        let k = key(m.step, m.col);
        let o = origin(k);
        runs.entry(k).or_default().push_str(&mark_run(m, o, id));
    }
    let mut out = String::with_capacity(xml.len() + runs.values().map(String::len).sum::<usize>());
    let mut rest = xml;
    // Markers: `<w:r>…<w:t …>§SOPAPSHAPE-s-c§</w:t></w:r>` → drawing runs.
    while let Some(pos) = rest.find("\u{00a7}SOPAPSHAPE-") {
        let Some(r_start) = rest.get(..pos).and_then(|h| h.rfind("<w:r>")) else {
            break;
        };
        let Some(r_end) = rest
            .get(pos..)
            .and_then(|t| t.find("</w:r>"))
            .map(|e| pos + e + 6)
        else {
            break;
        };
        let key = rest
            .get(pos..)
            .and_then(|t| t.split('\u{00a7}').nth(1))
            .and_then(|m| m.strip_prefix("SOPAPSHAPE-"))
            .and_then(|m| m.split_once('-'))
            .and_then(|(a, b)| Some((a.parse::<usize>().ok()?, b.parse::<usize>().ok()?)));
        out.push_str(rest.get(..r_start).unwrap_or(""));
        if let Some(r) = key.and_then(|k| runs.get(&k)) {
            out.push_str(r);
        }
        rest = rest.get(r_end..).unwrap_or("");
    }
    out.push_str(rest);
    // Header rows: docx-rs writes `<w:cantSplit />` only on them.
    out.replace("<w:cantSplit />", "<w:cantSplit /><w:tblHeader />")
}

/// `wp:anchor` opening for a shape at `rect` relative to the cell origin `o`.
fn anchor_open(rect: Rect, o: (i64, i64), id: u32, name: &str) -> String {
    format!(
        "<w:r><w:drawing><wp:anchor distT=\"0\" distB=\"0\" distL=\"0\" distR=\"0\" \
         simplePos=\"0\" relativeHeight=\"{z}\" behindDoc=\"0\" locked=\"0\" layoutInCell=\"1\" \
         allowOverlap=\"1\"><wp:simplePos x=\"0\" y=\"0\"/><wp:positionH relativeFrom=\"column\">\
         <wp:posOffset>{x}</wp:posOffset></wp:positionH><wp:positionV relativeFrom=\"paragraph\">\
         <wp:posOffset>{y}</wp:posOffset></wp:positionV><wp:extent cx=\"{w}\" cy=\"{h}\"/>\
         <wp:effectExtent l=\"0\" t=\"0\" r=\"0\" b=\"0\"/><wp:wrapNone/>\
         <wp:docPr id=\"{id}\" name=\"{name} {id}\"/><wp:cNvGraphicFramePr/>\
         <a:graphic xmlns:a=\"http://schemas.openxmlformats.org/drawingml/2006/main\">\
         <a:graphicData uri=\"http://schemas.microsoft.com/office/word/2010/wordprocessingShape\">\
         <wps:wsp>",
        z = 251_660_000u32.saturating_add(id),
        x = rect.x - o.0,
        y = rect.y - o.1,
        w = rect.w,
        h = rect.h,
    )
}

const ANCHOR_CLOSE: &str = "</wps:wsp></a:graphicData></a:graphic></wp:anchor></w:drawing></w:r>";

fn symbol_run(s: &PlacedShape, o: (i64, i64), id: u32) -> String {
    let mut x = anchor_open(s.rect, o, id, "Flowchart");
    x.push_str(&format!(
        "<wps:cNvSpPr/><wps:spPr><a:xfrm><a:off x=\"0\" y=\"0\"/><a:ext cx=\"{}\" cy=\"{}\"/>\
         </a:xfrm><a:prstGeom prst=\"{}\"><a:avLst/></a:prstGeom><a:solidFill>\
         <a:srgbClr val=\"FFFFFF\"/></a:solidFill><a:ln w=\"9525\"><a:solidFill>\
         <a:srgbClr val=\"000000\"/></a:solidFill></a:ln></wps:spPr><wps:bodyPr rot=\"0\" \
         vert=\"horz\" wrap=\"square\" lIns=\"0\" tIns=\"0\" rIns=\"0\" bIns=\"0\" anchor=\"ctr\"/>",
        s.rect.w,
        s.rect.h,
        preset(s.symbol)
    ));
    x.push_str(ANCHOR_CLOSE);
    x
}

/// An off-page connector symbol with its pair's number inside.
fn mark_run(m: &offpage::OffPageMark, o: (i64, i64), id: u32) -> String {
    let mut x = anchor_open(m.rect, o, id, "Off-page Connector");
    x.push_str(&format!(
        "<wps:cNvSpPr/><wps:spPr><a:xfrm><a:off x=\"0\" y=\"0\"/><a:ext cx=\"{w}\" cy=\"{h}\"/>\
         </a:xfrm><a:prstGeom prst=\"{prst}\"><a:avLst/></a:prstGeom><a:solidFill>\
         <a:srgbClr val=\"FFFFFF\"/></a:solidFill><a:ln w=\"9525\"><a:solidFill>\
         <a:srgbClr val=\"000000\"/></a:solidFill></a:ln></wps:spPr><wps:txbx><w:txbxContent>\
         <w:p><w:pPr><w:spacing w:before=\"0\" w:after=\"0\"/><w:jc w:val=\"center\"/></w:pPr>\
         <w:r><w:rPr><w:sz w:val=\"12\"/></w:rPr><w:t>{n}</w:t></w:r></w:p></w:txbxContent>\
         </wps:txbx><wps:bodyPr rot=\"0\" vert=\"horz\" wrap=\"square\" lIns=\"0\" tIns=\"0\" \
         rIns=\"0\" bIns=\"0\" anchor=\"t\"/>",
        w = m.rect.w,
        h = m.rect.h,
        prst = preset(crate::sop::record::Symbol::Offpage),
        n = m.number,
    ));
    x.push_str(ANCHOR_CLOSE);
    x
}

fn connector_run(c: &PlacedConnector, o: (i64, i64), id: u32) -> String {
    let mut x = anchor_open(c.rect, o, id, "Connector");
    let flips = format!(
        "{}{}",
        if c.flip_h { " flipH=\"1\"" } else { "" },
        if c.flip_v { " flipV=\"1\"" } else { "" }
    );
    let av = match c.adj {
        Some(a) => format!("<a:avLst><a:gd name=\"adj1\" fmla=\"val {a}\"/></a:avLst>"),
        None => "<a:avLst/>".to_string(),
    };
    x.push_str(&format!(
        "<wps:cNvCnPr/><wps:spPr><a:xfrm{flips}><a:off x=\"0\" y=\"0\"/><a:ext cx=\"{}\" \
         cy=\"{}\"/></a:xfrm><a:prstGeom prst=\"{}\">{av}</a:prstGeom><a:noFill/>\
         <a:ln w=\"9525\"><a:solidFill><a:srgbClr val=\"000000\"/></a:solidFill>\
         <a:tailEnd type=\"triangle\" w=\"med\" len=\"med\"/></a:ln></wps:spPr>\
         <wps:bodyPr/>",
        c.rect.w, c.rect.h, c.prst
    ));
    x.push_str(ANCHOR_CLOSE);
    x
}

fn label_run(text: &str, rect: Rect, o: (i64, i64), id: u32) -> String {
    let mut x = anchor_open(rect, o, id, "Text Box");
    x.push_str(&format!(
        "<wps:cNvSpPr txBox=\"1\"/><wps:spPr><a:xfrm><a:off x=\"0\" y=\"0\"/><a:ext cx=\"{}\" \
         cy=\"{}\"/></a:xfrm><a:prstGeom prst=\"rect\"><a:avLst/></a:prstGeom><a:noFill/>\
         <a:ln><a:noFill/></a:ln></wps:spPr><wps:txbx><w:txbxContent><w:p><w:pPr>\
         <w:spacing w:before=\"0\" w:after=\"0\"/></w:pPr><w:r><w:rPr><w:sz w:val=\"12\"/>\
         </w:rPr><w:t>{}</w:t></w:r></w:p></w:txbxContent></wps:txbx><wps:bodyPr rot=\"0\" \
         vert=\"horz\" wrap=\"square\" lIns=\"0\" tIns=\"0\" rIns=\"0\" bIns=\"0\" anchor=\"ctr\"/>",
        rect.w,
        rect.h,
        xml_escape(text)
    ));
    x.push_str(ANCHOR_CLOSE);
    x
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn eight_actor_names_fit_their_columns_without_breaking_a_word() {
        let actors: Vec<String> = [
            "Pemohon",
            "Petugas Loket",
            "Kepala Seksi Pelayanan Umum",
            "Pelaksana",
            "Kepala Sub Bagian Umum dan Kepegawaian",
            "Sekretaris Camat",
            "Camat",
            "Bendahara Pengeluaran",
        ]
        .map(String::from)
        .to_vec();
        let w = column_widths(&actors);
        assert_eq!(w.len(), 2 + 8 + 4);
        assert!(w[1] < W_ACT, "Kegiatan gave width to the actors");
        let total = w.iter().sum::<i64>();
        assert!(total <= PAGE_W - 2 * MARGIN && total > PAGE_W - 2 * MARGIN - 8);
        for (i, a) in actors.iter().enumerate() {
            let f = actor_font(a, w[2 + i]);
            assert!(
                longest_word_tw(a, f) <= w[2 + i] - 2 * CELL_MAR,
                "{a} at {f}"
            );
        }
        // Few actors: full Kegiatan width and the largest actor font.
        let two = column_widths(&actors[..2]);
        assert_eq!(two[1], W_ACT);
        assert_eq!(actor_font("Kepegawaian", two[2]), ACTOR_FONTS[0]);
    }

    #[test]
    fn a_long_law_list_takes_a_smaller_identity_font_so_the_page_holds_it() {
        let usable = PAGE_W - 2 * MARGIN;
        let value_w = usable - W_ORG - W_ID_LABEL;
        let mut sop = Sop::default();
        sop.identity.title = Some("Pelayanan Informasi Publik".into());
        sop.identity.legal_basis = vec!["Undang-Undang Nomor 14 Tahun 2008".into(); 3];
        let short = identity_rows(&sop);
        assert_eq!(identity_font(&short, usable, value_w), IDENTITY_FONTS[0]);
        // Eighteen laws of two lines each, and long lists beside them.
        let law = "Peraturan Gubernur Kalimantan Timur Nomor 11 Tahun 2017 tentang \
                   Penyelenggaraan Website di Lingkungan Pemerintah Provinsi Kalimantan \
                   Timur dan Perangkat Daerah";
        sop.identity.legal_basis = vec![law.into(); 18];
        sop.identity.qualifications = vec![law.into(); 10];
        sop.identity.warnings = vec![law.into(); 4];
        sop.identity.records = vec!["Buku register".into(); 7];
        let long = identity_rows(&sop);
        let f = identity_font(&long, usable, value_w);
        assert!(f < IDENTITY_FONTS[0], "font {f}");
    }

    #[test]
    fn a_row_estimated_taller_than_a_page_is_held_to_the_page() {
        use crate::sop::record::{Step, Symbol};
        // Six actor columns; step 2's activity runs to ~2000
        // characters (twice a scanned provincial SOP's longest), step 3's to ~300.
        let actors: Vec<String> = (1..=6).map(|k| format!("Pelaksana Bidang {k}")).collect();
        let words = "Menerima dan memeriksa kelengkapan dan kejelasan permohonan data ";
        let step = |no: u32, repeat: usize| Step {
            no,
            activity: words.repeat(repeat),
            actors: vec![actors[no as usize % 6].clone()],
            symbol: Some(Symbol::Process),
            next: vec![no + 1],
            ..Default::default()
        };
        let sop = Sop {
            actors: actors.clone(),
            steps: vec![step(1, 2), step(2, 30), step(3, 5)],
            ..Default::default()
        };
        let widths = column_widths(&sop.actors);
        let raw = row_heights(&sop, &widths);
        let room = PAGE_H - 2 * MARGIN - PAGE_SAFETY;
        assert!(raw[1] > room, "the estimate {} is not over a page", raw[1]);
        let p = Paging::of(&sop, &widths);
        // The long row has a page of its own and fits it below the header.
        assert_eq!(p.pages, vec![0, 1, 2]);
        for (i, h) in p.heights.iter().enumerate() {
            assert!(p.head + h <= room, "row {i}: {} + {h} > {room}", p.head);
        }
    }
}
