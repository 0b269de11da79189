//! One SOP as a .xlsx: sheet "SOP" with the identity block above the procedure table
//! and the flowchart as a drawing, sheet "Catatan Migrasi" with the findings.
//!
//! rust_xlsxwriter writes cells, merges, sizes and print setup. Its shape API has text
//! boxes only, so one placeholder text box makes it create the drawing part and its
//! relationships, and [`replace_drawing`] then swaps `xl/drawings/drawing1.xml` for our
//! own: `xdr:sp` symbols with flowchart presets, `xdr:cxnSp` connectors and text-box
//! branch labels, each in a `twoCellAnchor` computed from the column widths and row
//! heights we set.

use std::io::{Cursor, Read, Write};

use rust_xlsxwriter::{
    DocProperties, ExcelDateTime, Format, FormatAlign, FormatBorder, Shape, Workbook, Worksheet,
    XlsxError,
};

use super::layout::{self, FlowPlan, Rect, identity_rows, preset, xml_escape};
use super::{ExportError, ExportMeta};
use crate::sop::record::Sop;

/// EMU per Excel pixel.
const EMU_PER_PX: i64 = 9_525;
/// Column widths in pixels: No, Kegiatan, an actor, Kelengkapan, Waktu, Output,
/// Keterangan.
const PX_NO: u16 = 36;
const PX_ACT: u16 = 260;
const PX_ACTOR: u16 = 104;
const PX_MUTU: [u16; 3] = [130, 70, 130];
const PX_KET: u16 = 120;
/// Lowest step row and one text line, pixels.
const MIN_ROW_PX: u16 = 64;
const LINE_PX: u16 = 16;
/// Header rows' heights, pixels (the second grows with the longest actor name).
const HEAD_PX: [u16; 2] = [24, 48];

/// The workbook properties: the same title, subject, creator, creation date and
/// description as the .docx ([`super::docx::core_properties`]).
fn properties(sop: &Sop, meta: &ExportMeta) -> DocProperties {
    let mut p = DocProperties::new()
        .set_author(super::docx::creator(sop))
        .set_comment(super::docx::description(sop));
    if let Some(t) = &sop.identity.title {
        p = p.set_title(t);
    }
    if let Some(n) = &sop.identity.number {
        p = p.set_subject(n);
    }
    if let Some(d) = meta
        .as_of
        .as_deref()
        .and_then(|d| ExcelDateTime::parse_from_str(d).ok())
    {
        p = p.set_creation_datetime(&d);
    }
    p
}

/// Why a .xlsx export failed, with its cause.
#[derive(Debug, thiserror::Error)]
pub enum XlsxExportError {
    /// rust_xlsxwriter refused a sheet, a cell or the package.
    #[error(transparent)]
    Writer(#[from] XlsxError),
    /// The written package cannot be read back or rewritten as a zip archive.
    #[error("zip: {0}")]
    Zip(#[from] zip::result::ZipError),
    /// A part cannot be read or written.
    #[error("part: {0}")]
    Io(#[from] std::io::Error),
    /// The written package has no drawing part for the flowchart.
    #[error("the workbook has no drawing part to replace")]
    NoDrawing,
}

/// Renders `sop` as a .xlsx, with the run's `meta` in the workbook properties.
pub fn to_xlsx_with(sop: &Sop, meta: &ExportMeta) -> Result<Vec<u8>, ExportError> {
    let mut wb = Workbook::new();
    wb.set_properties(&properties(sop, meta));
    let ws = wb.add_worksheet();
    ws.set_name("SOP").map_err(failed(sop, "sheet"))?;
    let geo = write_sop_sheet(ws, sop).map_err(failed(sop, "sheet SOP"))?;
    let notes = wb.add_worksheet();
    write_notes_sheet(notes, sop).map_err(failed(sop, "sheet Catatan Migrasi"))?;
    let bytes = wb.save_to_buffer().map_err(failed(sop, "package"))?;
    let plan = layout::plan_flow(sop, &geo.actor_cols, &geo.step_rows);
    replace_drawing(bytes, &drawing_xml(&plan, &geo)).map_err(failed(sop, "drawing"))
}

/// The export error of `sop` for a failure while writing `what`.
fn failed<E: Into<XlsxExportError>>(
    sop: &Sop,
    what: &'static str,
) -> impl FnOnce(E) -> ExportError {
    let sop = sop.id.clone();
    move |e| ExportError::Xlsx {
        sop,
        what,
        source: e.into(),
    }
}

/// Where things stand on the SOP sheet, in pixels from the sheet's top-left.
struct Geometry {
    /// Left edge of every column, and the right edge of the last.
    col_edges: Vec<i64>,
    /// Top edge of every row up to the last step row, and its bottom edge.
    row_edges: Vec<i64>,
    /// Actor columns (left, width) in EMU from the sheet's top-left.
    actor_cols: Vec<(i64, i64)>,
    /// Step rows (top, height) in EMU from the sheet's top-left.
    step_rows: Vec<(i64, i64)>,
}

fn rows_for(lines: u32) -> u16 {
    (lines.min(200) as u16)
        .saturating_mul(LINE_PX)
        .saturating_add(8)
}

/// Share of the sheet's width the organisation block (logo and agency) takes, left of
/// the identity grid.
const ORG_SHARE: f64 = 0.30;
/// Share of the sheet's width the identity grid's label column takes.
const LABEL_SHARE: f64 = 0.18;
/// How many of [`identity_rows`] stand in the label/value grid right of the
/// organisation block (Nomor SOP … Nama SOP and Unit Kerja); the rest are the list
/// fields of the two-column grid below (as in the .docx).
const ID_GRID_ROWS: usize = 7;
/// Least height of an identity row, pixels.
const ID_ROW_PX: u16 = 20;
/// Height left for the logo above the agency name in the organisation block, pixels.
const LOGO_ROOM_PX: u16 = 80;

/// The index of the column edge (0 = the sheet's left edge) nearest to `target` pixels
/// among the edges strictly between `lo` and `hi` (indexes into `edges`), or None when
/// there is none.
fn nearest_edge(edges: &[i64], target: f64, lo: usize, hi: usize) -> Option<usize> {
    (lo + 1..hi).min_by(|&a, &b| {
        let d = |i: usize| (edges.get(i).copied().unwrap_or(0) as f64 - target).abs();
        d(a).total_cmp(&d(b))
    })
}

/// Where the identity page's parts start, as column indexes: the label column, the
/// value column (the organisation block spans the columns before the label), and the
/// right half of the list grid. Each part keeps at least one column.
fn identity_columns(widths: &[u16]) -> (u16, u16, u16) {
    let mut edges = vec![0i64];
    for w in widths {
        edges.push(edges.last().copied().unwrap_or(0) + i64::from(*w));
    }
    let n = widths.len();
    let total = edges.last().copied().unwrap_or(0) as f64;
    let label = nearest_edge(&edges, total * ORG_SHARE, 0, n.saturating_sub(1)).unwrap_or(1);
    let value =
        nearest_edge(&edges, total * (ORG_SHARE + LABEL_SHARE), label, n).unwrap_or(label + 1);
    let half = nearest_edge(&edges, total / 2.0, 0, n).unwrap_or(1);
    (label as u16, value as u16, half as u16)
}

/// Sum of the widths of columns `from..to`, points.
fn span_pt(widths: &[u16], from: u16, to: u16) -> f64 {
    widths
        .iter()
        .take(usize::from(to))
        .skip(usize::from(from))
        .map(|&w| f64::from(w))
        .sum::<f64>()
        * 0.75
}

/// Writes `first..=last` of `row` as one cell (merged when it spans columns).
fn write_span(
    ws: &mut Worksheet,
    row: u32,
    (first, last): (u16, u16),
    text: &str,
    format: &Format,
) -> Result<(), XlsxError> {
    if first < last {
        ws.merge_range(row, first, row, last, text, format)?;
    } else {
        ws.write_string_with_format(row, first, text, format)?;
    }
    Ok(())
}

/// The identity page of PermenPANRB 35/2012, from the sheet's first row: the
/// organisation block on the left (room for the logo above the agency) beside the
/// label/value grid (Nomor SOP, Tanggal Pembuatan, Tanggal Revisi, Tanggal Efektif,
/// Disahkan oleh, Nama SOP, Unit Kerja); below it the six list fields two by two, each
/// label above its list (Dasar Hukum | Kualifikasi Pelaksana, Keterkaitan |
/// Peralatan/Perlengkapan, Peringatan | Pencatatan dan Pendataan). Returns the first
/// row after it.
fn identity_block(
    ws: &mut Worksheet,
    sop: &Sop,
    widths: &[u16],
    text: &Format,
    bold: &Format,
    set_h: &mut impl FnMut(&mut Worksheet, u32, u16) -> Result<(), XlsxError>,
) -> Result<u32, XlsxError> {
    let last = widths.len().saturating_sub(1) as u16;
    let (label_col, value_col, half_col) = identity_columns(widths);
    let rows = identity_rows(sop);
    let label_pt = span_pt(widths, label_col, value_col);
    let value_pt = span_pt(widths, value_col, last + 1);

    // The label/value grid, each row as tall as its value (or its wrapped label).
    let mut row = 0u32;
    let mut grid_px = 0u16;
    let mut first_px = ID_ROW_PX;
    for r in rows.iter().take(ID_GRID_ROWS) {
        let value = r.lines.join("\n");
        write_span(ws, row, (label_col, value_col - 1), r.label, bold)?;
        write_span(ws, row, (value_col, last), &value, text)?;
        let lines = layout::estimate_lines(&value, value_pt, 9.0)
            .max(layout::estimate_lines(r.label, label_pt, 9.0));
        let px = rows_for(lines).max(ID_ROW_PX);
        set_h(ws, row, px)?;
        if row == 0 {
            first_px = px;
        }
        grid_px = grid_px.saturating_add(px);
        row += 1;
    }
    // The organisation block beside it: the logo's room, then the agency as the
    // archive names it (acronyms kept; not read back as a title).
    let org = text
        .clone()
        .set_bold()
        .set_align(FormatAlign::Center)
        .set_align(FormatAlign::Bottom);
    let agency = sop.agency.as_deref().unwrap_or("");
    if row > 1 || label_col > 1 {
        ws.merge_range(0, 0, row.saturating_sub(1), label_col - 1, agency, &org)?;
    } else {
        ws.write_string_with_format(0, 0, agency, &org)?;
    }
    let org_lines = layout::estimate_lines(agency, span_pt(widths, 0, label_col), 9.0);
    let need = rows_for(org_lines).saturating_add(LOGO_ROOM_PX);
    if grid_px < need {
        // Too short for the logo and the agency: the first row grows.
        set_h(ws, 0, first_px.saturating_add(need - grid_px))?;
    }

    // The list fields two by two: a row of labels over a row of values.
    let halves = [(0, half_col - 1), (half_col, last)];
    let half_pt = [
        span_pt(widths, 0, half_col),
        span_pt(widths, half_col, last + 1),
    ];
    for pair in rows.get(ID_GRID_ROWS..).unwrap_or(&[]).chunks(2) {
        let mut lines = 1;
        for (k, cols) in halves.iter().enumerate() {
            let r = pair.get(k);
            write_span(ws, row, *cols, r.map_or("", |r| r.label), bold)?;
            let value = r.map(|r| r.lines.join("\n")).unwrap_or_default();
            write_span(ws, row + 1, *cols, &value, text)?;
            let w = half_pt.get(k).copied().unwrap_or(value_pt);
            lines = lines.max(layout::estimate_lines(&value, w, 9.0));
        }
        set_h(ws, row, ID_ROW_PX)?;
        set_h(ws, row + 1, rows_for(lines).max(ID_ROW_PX))?;
        row += 2;
    }
    Ok(row)
}

fn write_sop_sheet(ws: &mut Worksheet, sop: &Sop) -> Result<Geometry, XlsxError> {
    let n = sop.actors.len().max(1) as u16;
    let mut widths: Vec<u16> = vec![PX_NO, PX_ACT];
    widths.extend(std::iter::repeat_n(PX_ACTOR, n as usize));
    widths.extend(PX_MUTU);
    widths.push(PX_KET);
    let last = (widths.len() - 1) as u16;
    for (c, w) in widths.iter().enumerate() {
        ws.set_column_width_pixels(c as u16, u32::from(*w))?;
    }
    let text = Format::new()
        .set_font_size(9)
        .set_text_wrap()
        .set_align(FormatAlign::Top)
        .set_border(FormatBorder::Thin);
    let bold = text.clone().set_bold();
    let head = bold
        .clone()
        .set_align(FormatAlign::Center)
        .set_align(FormatAlign::VerticalCenter);
    let title = Format::new()
        .set_bold()
        .set_font_size(11)
        .set_align(FormatAlign::Center);

    let mut heights: Vec<u16> = Vec::new();
    let mut set_h = |ws: &mut Worksheet, r: u32, px: u16| -> Result<(), XlsxError> {
        ws.set_row_height_pixels(r, u32::from(px))?;
        let idx = r as usize;
        if heights.len() <= idx {
            heights.resize(idx + 1, 20);
        }
        if let Some(h) = heights.get_mut(idx) {
            *h = px;
        }
        Ok(())
    };
    // Identity page in the standard layout (see [`identity_block`]).
    let mut row = identity_block(ws, sop, &widths, &text, &bold, &mut set_h)?;
    set_h(ws, row, 20)?;
    row += 1;
    // The procedure table starts a printed page of its own, under its title.
    let table_page = row;
    if let Some(t) = &sop.identity.title {
        ws.merge_range(row, 0, row, last, &t.to_uppercase(), &title)?;
    }
    set_h(ws, row, 24)?;
    row += 1;

    // Procedure table header (two rows, repeated on every printed page).
    let h1 = row;
    let h2 = row + 1;
    ws.merge_range(h1, 0, h2, 0, "No", &head)?;
    ws.merge_range(h1, 1, h2, 1, "Kegiatan", &head)?;
    if n > 1 {
        ws.merge_range(h1, 2, h1, 1 + n, "Pelaksana", &head)?;
    } else {
        ws.write_string_with_format(h1, 2, "Pelaksana", &head)?;
    }
    ws.merge_range(h1, 2 + n, h1, 4 + n, "Mutu Baku", &head)?;
    ws.merge_range(h1, 5 + n, h2, 5 + n, "Keterangan", &head)?;
    for i in 0..n {
        let name = sop.actors.get(i as usize).map(String::as_str).unwrap_or("");
        ws.write_string_with_format(h2, 2 + i, name, &head)?;
    }
    for (i, h) in ["Kelengkapan", "Waktu", "Output"].iter().enumerate() {
        ws.write_string_with_format(h2, 2 + n + i as u16, *h, &head)?;
    }
    set_h(ws, h1, HEAD_PX[0])?;
    // The actor names' row grows with the longest name, wrapped in its column.
    let name_lines = sop
        .actors
        .iter()
        .map(|a| layout::estimate_lines(a, f64::from(PX_ACTOR) * 0.75 - 4.0, 9.0))
        .max()
        .unwrap_or(1);
    set_h(ws, h2, rows_for(name_lines).max(HEAD_PX[1]))?;
    ws.set_repeat_rows(h1, h2)?;
    row = h2 + 1;
    let first_step_row = row;
    for s in &sop.steps {
        ws.write_string_with_format(row, 0, s.no.to_string(), &head)?;
        ws.write_string_with_format(row, 1, &s.activity, &text)?;
        for i in 0..n {
            ws.write_blank(row, 2 + i, &text)?;
        }
        let mut lines = layout::estimate_lines(&s.activity, f64::from(PX_ACT) * 0.75, 9.0);
        for (i, t) in layout::step_texts(s).iter().enumerate() {
            let col = 2 + n + i as u16;
            ws.write_string_with_format(row, col, *t, &text)?;
            let w = widths.get(col as usize).copied().unwrap_or(PX_KET);
            lines = lines.max(layout::estimate_lines(t, f64::from(w) * 0.75, 9.0));
        }
        set_h(ws, row, rows_for(lines).max(MIN_ROW_PX))?;
        row += 1;
    }

    // Print setup: A4 landscape, one page wide.
    ws.set_landscape();
    ws.set_paper_size(9);
    ws.set_print_fit_to_pages(1, 0);
    ws.set_margins(0.4, 0.4, 0.5, 0.5, 0.3, 0.3);
    ws.set_page_breaks(&[table_page])?;

    // Placeholder shape: makes rust_xlsxwriter write the drawing part we replace.
    ws.insert_shape(0, 0, &Shape::textbox().set_width(1).set_height(1))?;

    // Geometry.
    let mut col_edges = Vec::with_capacity(widths.len() + 1);
    let mut x = 0i64;
    for w in &widths {
        col_edges.push(x);
        x += i64::from(*w);
    }
    col_edges.push(x);
    let mut row_edges = Vec::with_capacity(heights.len() + 1);
    let mut y = 0i64;
    for h in &heights {
        row_edges.push(y);
        y += i64::from(*h);
    }
    row_edges.push(y);
    let actor_cols = (0..n as usize)
        .map(|i| {
            let l = col_edges.get(2 + i).copied().unwrap_or(0);
            let r = col_edges.get(3 + i).copied().unwrap_or(l);
            (l * EMU_PER_PX, (r - l) * EMU_PER_PX)
        })
        .collect();
    let step_rows = (0..sop.steps.len())
        .map(|i| {
            let r = first_step_row as usize + i;
            let t = row_edges.get(r).copied().unwrap_or(0);
            let b = row_edges.get(r + 1).copied().unwrap_or(t);
            (t * EMU_PER_PX, (b - t) * EMU_PER_PX)
        })
        .collect();
    Ok(Geometry {
        col_edges,
        row_edges,
        actor_cols,
        step_rows,
    })
}

fn write_notes_sheet(ws: &mut Worksheet, sop: &Sop) -> Result<(), XlsxError> {
    ws.set_name("Catatan Migrasi")?;
    let bold = Format::new().set_bold().set_border(FormatBorder::Thin);
    let text = Format::new()
        .set_text_wrap()
        .set_align(FormatAlign::Top)
        .set_border(FormatBorder::Thin);
    ws.write_string_with_format(0, 0, "CATATAN MIGRASI", &Format::new().set_bold())?;
    ws.write_string(
        1,
        0,
        "Catatan hasil pemeriksaan otomatis atas SOP ini (isian yang kosong sengaja \
         dibiarkan kosong, tidak dikarang).",
    )?;
    for (c, (h, w)) in [
        ("Kode", 24.0),
        ("Tingkat", 12.0),
        ("Langkah", 9.0),
        ("Pesan", 90.0),
    ]
    .iter()
    .enumerate()
    {
        ws.set_column_width(c as u16, *w)?;
        ws.write_string_with_format(3, c as u16, *h, &bold)?;
    }
    let notes = layout::findings_lines(sop);
    if notes.is_empty() {
        ws.write_string(4, 0, "Tidak ada catatan.")?;
    }
    for (r, n) in notes.iter().enumerate() {
        for (c, t) in n.iter().enumerate() {
            ws.write_string_with_format(4 + r as u32, c as u16, t, &text)?;
        }
    }
    ws.set_landscape();
    ws.set_paper_size(9);
    ws.set_print_fit_to_pages(1, 0);
    Ok(())
}

/// (index, offset in EMU) of the edge interval holding `px_emu`.
fn locate(edges: &[i64], emu: i64) -> (usize, i64) {
    let px = emu.div_euclid(EMU_PER_PX);
    let i = edges
        .partition_point(|&e| e <= px)
        .saturating_sub(1)
        .min(edges.len().saturating_sub(2));
    let start = edges.get(i).copied().unwrap_or(0) * EMU_PER_PX;
    (i, (emu - start).max(0))
}

fn anchor(geo: &Geometry, r: Rect) -> String {
    let (c1, co1) = locate(&geo.col_edges, r.x);
    let (r1, ro1) = locate(&geo.row_edges, r.y);
    let (c2, co2) = locate(&geo.col_edges, r.x + r.w);
    let (r2, ro2) = locate(&geo.row_edges, r.y + r.h);
    format!(
        "<xdr:twoCellAnchor editAs=\"oneCell\"><xdr:from><xdr:col>{c1}</xdr:col><xdr:colOff>{co1}</xdr:colOff>\
         <xdr:row>{r1}</xdr:row><xdr:rowOff>{ro1}</xdr:rowOff></xdr:from><xdr:to><xdr:col>{c2}</xdr:col>\
         <xdr:colOff>{co2}</xdr:colOff><xdr:row>{r2}</xdr:row><xdr:rowOff>{ro2}</xdr:rowOff></xdr:to>"
    )
}

const LINE: &str = "<a:ln w=\"9525\"><a:solidFill><a:srgbClr val=\"000000\"/></a:solidFill></a:ln>";

/// The drawing part holding the plan's symbols, connectors and labels.
fn drawing_xml(plan: &FlowPlan, geo: &Geometry) -> String {
    let mut x = String::with_capacity(1024 + plan.shapes.len() * 900);
    x.push_str(
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<xdr:wsDr \
         xmlns:xdr=\"http://schemas.openxmlformats.org/drawingml/2006/spreadsheetDrawing\" \
         xmlns:a=\"http://schemas.openxmlformats.org/drawingml/2006/main\">",
    );
    let mut id = 1u32;
    // Shape id of each step's first symbol, for the connectors' connection references.
    let mut shape_ids: std::collections::HashMap<(usize, usize), u32> =
        std::collections::HashMap::new();
    for s in &plan.shapes {
        id += 1;
        shape_ids.entry((s.step, s.col)).or_insert(id);
        x.push_str(&anchor(geo, s.rect));
        x.push_str(&format!(
            "<xdr:sp macro=\"\" textlink=\"\"><xdr:nvSpPr><xdr:cNvPr id=\"{id}\" name=\"Flowchart {id}\"/>\
             <xdr:cNvSpPr/></xdr:nvSpPr><xdr:spPr><a:xfrm><a:off x=\"{}\" y=\"{}\"/><a:ext cx=\"{}\" cy=\"{}\"/></a:xfrm>\
             <a:prstGeom prst=\"{}\"><a:avLst/></a:prstGeom><a:solidFill><a:srgbClr val=\"FFFFFF\"/></a:solidFill>{LINE}</xdr:spPr>\
             </xdr:sp><xdr:clientData/></xdr:twoCellAnchor>",
            s.rect.x, s.rect.y, s.rect.w, s.rect.h, preset(s.symbol)
        ));
    }
    let rects: std::collections::HashMap<(usize, usize), Rect> = plan
        .shapes
        .iter()
        .map(|s| ((s.step, s.col), s.rect))
        .collect();
    for c in &plan.connectors {
        id += 1;
        let side = side_to_side(c, &rects);
        let c = side.as_ref().unwrap_or(c);
        let flips = format!(
            "{}{}",
            if c.flip_h { " flipH=\"1\"" } else { "" },
            if c.flip_v { " flipV=\"1\"" } else { "" }
        );
        let av = match c.adj {
            Some(a) => format!("<a:avLst><a:gd name=\"adj1\" fmla=\"val {a}\"/></a:avLst>"),
            None => "<a:avLst/>".to_string(),
        };
        // Attached to its shapes: Excel and LibreOffice keep the ends on the sites.
        let mut links = String::new();
        if let Some(sid) = shape_ids.get(&(c.step, c.col)) {
            links.push_str(&format!("<a:stCxn id=\"{sid}\" idx=\"{}\"/>", c.sites.0));
        }
        if let Some(eid) = shape_ids.get(&c.to) {
            links.push_str(&format!("<a:endCxn id=\"{eid}\" idx=\"{}\"/>", c.sites.1));
        }
        x.push_str(&anchor(geo, c.rect));
        x.push_str(&format!(
            "<xdr:cxnSp macro=\"\"><xdr:nvCxnSpPr><xdr:cNvPr id=\"{id}\" name=\"Connector {id}\"/>\
             <xdr:cNvCxnSpPr>{links}</xdr:cNvCxnSpPr></xdr:nvCxnSpPr><xdr:spPr><a:xfrm{flips}><a:off x=\"{}\" y=\"{}\"/>\
             <a:ext cx=\"{}\" cy=\"{}\"/></a:xfrm><a:prstGeom prst=\"{}\">{av}</a:prstGeom>\
             <a:ln w=\"9525\"><a:solidFill><a:srgbClr val=\"000000\"/></a:solidFill>\
             <a:tailEnd type=\"triangle\" w=\"med\" len=\"med\"/></a:ln></xdr:spPr></xdr:cxnSp>\
             <xdr:clientData/></xdr:twoCellAnchor>",
            c.rect.x, c.rect.y, c.rect.w, c.rect.h, c.prst
        ));
        if let Some((text, r)) = c.label {
            id += 1;
            x.push_str(&anchor(geo, r));
            x.push_str(&format!(
                "<xdr:sp macro=\"\" textlink=\"\"><xdr:nvSpPr><xdr:cNvPr id=\"{id}\" name=\"Label {id}\"/>\
                 <xdr:cNvSpPr txBox=\"1\"/></xdr:nvSpPr><xdr:spPr><a:xfrm><a:off x=\"{}\" y=\"{}\"/>\
                 <a:ext cx=\"{}\" cy=\"{}\"/></a:xfrm><a:prstGeom prst=\"rect\"><a:avLst/></a:prstGeom>\
                 <a:noFill/><a:ln><a:noFill/></a:ln></xdr:spPr><xdr:txBody><a:bodyPr lIns=\"0\" tIns=\"0\" \
                 rIns=\"0\" bIns=\"0\" anchor=\"ctr\"/><a:lstStyle/><a:p><a:r><a:rPr lang=\"id-ID\" sz=\"700\"/>\
                 <a:t>{}</a:t></a:r></a:p></xdr:txBody></xdr:sp><xdr:clientData/></xdr:twoCellAnchor>",
                r.x,
                r.y,
                r.w,
                r.h,
                xml_escape(text)
            ));
        }
    }
    x.push_str("</xdr:wsDr>");
    x
}

/// A connector down to another column as LibreOffice Calc draws it: it reroutes every
/// attached bent connector as out of one side, across at half way, into the facing side
/// (Excel's `bentConnector3`), so an elbow into the target's top would arrive sideways.
/// The same route is drawn here, for both programs to agree. `None` for other
/// connectors (straight, loops, up to a higher row), which keep the plan's geometry.
fn side_to_side(
    c: &layout::PlacedConnector,
    rects: &std::collections::HashMap<(usize, usize), Rect>,
) -> Option<layout::PlacedConnector> {
    if c.prst != "bentConnector2" || c.flip_v {
        return None;
    }
    let src = rects.get(&(c.step, c.col))?;
    let dst = rects.get(&c.to)?;
    let right = dst.cx() > src.cx();
    let (x1, x2) = if right {
        (src.x + src.w, dst.x)
    } else {
        (src.x, dst.x + dst.w)
    };
    let (y1, y2) = (src.cy(), dst.cy());
    let mut out = c.clone();
    out.prst = "bentConnector3";
    out.adj = None;
    out.flip_h = !right;
    out.flip_v = false;
    out.rect = Rect {
        x: x1.min(x2),
        y: y1.min(y2),
        w: (x2 - x1).abs().max(1),
        h: (y2 - y1).abs(),
    };
    out.sites = if right {
        (layout::SITE_RIGHT, layout::SITE_LEFT)
    } else {
        (layout::SITE_LEFT, layout::SITE_RIGHT)
    };
    Some(out)
}

/// Copies the package `bytes`, with `xl/drawings/drawing1.xml` replaced by `drawing`.
fn replace_drawing(bytes: Vec<u8>, drawing: &str) -> Result<Vec<u8>, XlsxExportError> {
    let mut zin = zip::ZipArchive::new(Cursor::new(bytes))?;
    let mut out = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .last_modified_time(zip::DateTime::default());
    let mut found = false;
    for i in 0..zin.len() {
        let mut f = zin.by_index(i)?;
        let name = f.name()?.to_string();
        let mut data = Vec::new();
        f.read_to_end(&mut data)?;
        if name == "xl/drawings/drawing1.xml" {
            data = drawing.as_bytes().to_vec();
            found = true;
        }
        out.start_file(name, opts)?;
        out.write_all(&data)?;
    }
    if !found {
        return Err(XlsxExportError::NoDrawing);
    }
    Ok(out.finish()?.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The SOP sheet's column widths for `n` actors, as [`write_sop_sheet`] sets them.
    fn widths(n: usize) -> Vec<u16> {
        let mut w = vec![PX_NO, PX_ACT];
        w.extend(std::iter::repeat_n(PX_ACTOR, n));
        w.extend(PX_MUTU);
        w.push(PX_KET);
        w
    }

    #[test]
    fn identity_parts_keep_their_columns_for_any_number_of_actors() {
        for n in 1..=12 {
            let w = widths(n);
            let (label, value, half) = identity_columns(&w);
            let total: f64 = w.iter().map(|&x| f64::from(x)).sum();
            let left = |c: u16| span_pt(&w, 0, c) / 0.75;
            // The organisation block, the label and the value each keep a column.
            assert!(
                label >= 1 && value > label && usize::from(value) < w.len(),
                "{n}"
            );
            // The organisation block takes about a third of the width, the value the
            // most of the rest; the list grid splits near the middle.
            assert!(
                left(label) / total > 0.15 && left(label) / total < 0.45,
                "{n}"
            );
            assert!(total - left(value) > left(value) - left(label), "{n}");
            assert!((left(half) / total - 0.5).abs() < 0.2, "{n}");
        }
    }
}
