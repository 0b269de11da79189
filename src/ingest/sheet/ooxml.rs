//! The SpreadsheetML parts calamine does not give us: the workbook's sheet list and
//! relationships, print titles, and per sheet its geometry (`<cols>`, row heights,
//! `sheetFormatPr`), merged regions, used extent and drawing relationship. Every part is
//! read through the bounded [`Package`] and walked with an XML guard.

use std::collections::HashMap;

use calamine::Dimensions;
use quick_xml::events::Event;

use crate::error::IngestError;
use crate::ingest::limits::Budget;
use crate::ingest::sheet::grid::{Axis, base_col_width_pt, col_chars_to_pt};
use crate::ingest::xml::{GuardedReader, attr_local, attr_local_bool, attr_local_num, push_text};
use crate::ingest::zipped::Package;

/// Relationship type suffix of a drawing part.
const REL_DRAWING: &str = "/drawing";

/// Rows of an Excel sheet (1,048,576).
const MAX_ROWS: u32 = 1 << 20;
/// Columns of an Excel sheet (A to XFD).
const MAX_COLS: u32 = 1 << 14;

/// One worksheet as the workbook lists it.
#[derive(Clone, Debug)]
pub struct SheetRef {
    /// The sheet's name (the tab).
    pub name: String,
    /// The zip part holding the sheet (`xl/worksheets/sheet1.xml`), when resolved.
    pub path: Option<String>,
    /// 0-based header row ranges from `_xlnm.Print_Titles`.
    pub header_rows: Vec<(u32, u32)>,
}

/// One package relationship with its target resolved to a part name.
#[derive(Clone, Debug)]
pub struct Rel {
    /// `Id`.
    pub id: String,
    /// `Type` URI.
    pub kind: String,
    /// The target part name (no leading `/`), or the raw target for external links.
    pub target: String,
}

/// The directory of a part name (`xl/worksheets/sheet1.xml` → `xl/worksheets`).
fn dir_of(part: &str) -> &str {
    part.rsplit_once('/').map(|(d, _)| d).unwrap_or("")
}

/// Resolves a relationship target against the directory of its source part: absolute
/// targets (`/xl/...`) are taken from the package root, `..` and `.` are folded.
pub fn resolve(base_dir: &str, target: &str) -> String {
    let mut parts: Vec<&str> = Vec::new();
    let joined;
    let path = if let Some(abs) = target.strip_prefix('/') {
        abs
    } else {
        joined = if base_dir.is_empty() {
            target.to_string()
        } else {
            format!("{base_dir}/{target}")
        };
        joined.as_str()
    };
    for seg in path.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            s => parts.push(s),
        }
    }
    parts.join("/")
}

/// The relationships part of `part` (`xl/workbook.xml` → `xl/_rels/workbook.xml.rels`).
pub fn rels_path(part: &str) -> String {
    match part.rsplit_once('/') {
        Some((dir, file)) => format!("{dir}/_rels/{file}.rels"),
        None => format!("_rels/{part}.rels"),
    }
}

/// Reads the relationships of `part`; none when the package has no rels part for it.
pub fn read_rels(
    pkg: &mut Package<'_>,
    part: &str,
    budget: &Budget,
) -> Result<Vec<Rel>, IngestError> {
    let rp = rels_path(part);
    let Some(xml) = pkg.read(&rp, budget)? else {
        return Ok(Vec::new());
    };
    let base = dir_of(part);
    let mut rd = GuardedReader::new(&xml, budget, &rp);
    let mut out = Vec::new();
    loop {
        match rd.next()? {
            Event::Eof => break,
            Event::Start(e) | Event::Empty(e) if e.local_name().as_ref() == "Relationship" => {
                let (Some(id), Some(target)) = (attr_local(&e, "Id"), attr_local(&e, "Target"))
                else {
                    continue;
                };
                let external = attr_local(&e, "TargetMode").as_deref() == Some("External");
                out.push(Rel {
                    id,
                    kind: attr_local(&e, "Type").unwrap_or_default(),
                    target: if external {
                        target
                    } else {
                        resolve(base, &target)
                    },
                });
            }
            _ => {}
        }
    }
    Ok(out)
}

/// The workbook part's name: the package's `officeDocument` relationship, else
/// `xl/workbook.xml`.
pub(crate) fn workbook_part(pkg: &mut Package<'_>, budget: &Budget) -> Result<String, IngestError> {
    let rels = read_rels(pkg, "", budget)?;
    Ok(rels
        .into_iter()
        .find(|r| r.kind.ends_with("/officeDocument") && pkg.has(&r.target))
        .map(|r| r.target)
        .unwrap_or_else(|| "xl/workbook.xml".to_string()))
}

/// Reads the workbook's sheets in tab order with their parts and print titles.
pub fn read_workbook(pkg: &mut Package<'_>, budget: &Budget) -> Result<Vec<SheetRef>, IngestError> {
    let wb = workbook_part(pkg, budget)?;
    let xml = pkg.read_required(&wb, budget)?;
    let rels = read_rels(pkg, &wb, budget)?;
    let targets: HashMap<&str, &str> = rels
        .iter()
        .map(|r| (r.id.as_str(), r.target.as_str()))
        .collect();

    let mut sheets: Vec<SheetRef> = Vec::new();
    // (localSheetId, formula) of each print-titles name.
    let mut titles: Vec<(Option<usize>, String)> = Vec::new();
    let mut in_title: Option<(Option<usize>, String)> = None;
    let mut rd = GuardedReader::new(&xml, budget, &wb);
    loop {
        let ev = rd.next()?;
        match &ev {
            Event::Eof => break,
            Event::Start(e) | Event::Empty(e) if e.local_name().as_ref() == "sheet" => {
                let name = attr_local(e, "name").unwrap_or_default();
                let path = attr_local(e, "id")
                    .and_then(|id| targets.get(id.as_str()).map(|t| t.to_string()));
                sheets.push(SheetRef {
                    name,
                    path,
                    header_rows: Vec::new(),
                });
            }
            Event::Start(e) if e.local_name().as_ref() == "definedName" => {
                let name = attr_local(e, "name").unwrap_or_default();
                if name.eq_ignore_ascii_case("_xlnm.Print_Titles") {
                    in_title = Some((attr_local_num(e, "localSheetId"), String::new()));
                }
            }
            Event::End(e) if e.local_name().as_ref() == "definedName" => {
                if let Some(t) = in_title.take() {
                    titles.push(t);
                }
            }
            ev => {
                if let Some((_, text)) = in_title.as_mut() {
                    push_text(text, ev);
                }
            }
        }
    }
    for (local, formula) in titles {
        for (sheet, first, last) in parse_print_titles(&formula) {
            let idx = sheet
                .and_then(|n| sheets.iter().position(|s| s.name == n))
                .or(local);
            if let Some(s) = idx.and_then(|i| sheets.get_mut(i)) {
                s.header_rows.push((first, last));
            }
        }
    }
    Ok(sheets)
}

/// Parses a print-titles formula (`'SOP 1'!$20:$21`, `Sheet1!$A:$B,Sheet1!$1:$2`,
/// `'SOP 1'!$A$20:$IV$21`) into `(sheet name, first row, last row)`, 0-based; column
/// ranges give nothing.
pub fn parse_print_titles(formula: &str) -> Vec<(Option<String>, u32, u32)> {
    let mut out = Vec::new();
    let mut rest = formula.trim().trim_start_matches('=');
    while !rest.is_empty() {
        // Optional sheet name: quoted ('' escapes a quote) or bare up to '!'.
        let mut sheet = None;
        if let Some(q) = rest.strip_prefix('\'') {
            let mut name = String::new();
            let mut chars = q.char_indices().peekable();
            let mut end = None;
            while let Some((i, ch)) = chars.next() {
                if ch == '\'' {
                    if matches!(chars.peek(), Some((_, '\''))) {
                        name.push('\'');
                        chars.next();
                    } else {
                        end = Some(i + 1);
                        break;
                    }
                } else {
                    name.push(ch);
                }
            }
            let Some(end) = end else { break };
            rest = q.get(end..).unwrap_or("").trim_start_matches('!');
            sheet = Some(name);
        } else if let Some((name, r)) = rest.split_once('!')
            && !name.contains(',')
        {
            sheet = Some(name.to_string());
            rest = r;
        }
        let (area, tail) = rest.split_once(',').unwrap_or((rest, ""));
        rest = tail.trim_start();
        let mut rows = area.split(':').filter_map(ref_row);
        if let Some(first) = rows.next() {
            let last = rows.next().unwrap_or(first);
            out.push((sheet, first.min(last), first.max(last)));
        }
    }
    out
}

/// The 0-based row of a reference like `$20`, `A20`, `$A$20`; None for a column (`$A`).
fn ref_row(r: &str) -> Option<u32> {
    let digits: String = r.chars().filter(|c| c.is_ascii_digit()).collect();
    digits.parse::<u32>().ok()?.checked_sub(1)
}

/// Parses a cell reference `AB12` into 0-based (row, col).
pub fn parse_cell_ref(r: &str) -> Option<(u32, u32)> {
    let r = r.trim().trim_start_matches('$');
    let split = r.find(|c: char| !c.is_ascii_alphabetic())?;
    let (letters, digits) = r.split_at(split);
    if letters.is_empty() || letters.len() > 3 {
        return None;
    }
    let mut col: u32 = 0;
    for b in letters.bytes() {
        col = col * 26 + u32::from(b.to_ascii_uppercase().checked_sub(b'A')?) + 1;
    }
    let row: u32 = digits.trim_start_matches('$').parse().ok()?;
    Some((row.checked_sub(1)?, col.checked_sub(1)?))
}

/// What the sheet part tells beside its cell values.
#[derive(Debug)]
pub struct SheetMeta {
    /// Column geometry in points.
    pub cols: Axis,
    /// Row geometry in points.
    pub rows: Axis,
    /// Merged regions.
    pub merges: Vec<Dimensions>,
    /// The number of grid positions between the first and last cell with content (a
    /// styled empty cell holds none): what a dense reader would allocate.
    pub dense_cells: u64,
    /// The relationship id of the sheet's drawing.
    pub drawing_rid: Option<String>,
}

/// Walks a worksheet part once, guarded: geometry, merges, extent and drawing.
pub fn scan_sheet(xml: &[u8], budget: &Budget, part: &str) -> Result<SheetMeta, IngestError> {
    let mut rd = GuardedReader::new(xml, budget, part);
    let mut default_row = 15.0f64;
    let mut default_col: Option<f64> = None;
    let mut base_col = 8.0f64;
    let mut col_runs: Vec<(u32, u32, f64)> = Vec::new();
    let mut row_runs: Vec<(u32, u32, f64)> = Vec::new();
    let mut merges = Vec::new();
    let mut drawing_rid = None;
    let (mut min_r, mut min_c, mut max_r, mut max_c) = (u32::MAX, u32::MAX, 0u32, 0u32);
    let mut any_cell = false;
    let mut next_row: u32 = 0;
    let mut cur_row: u32 = 0;
    let mut next_col: u32 = 0;
    // The cell element open now, until its first value child counts it.
    let mut open_cell: Option<(u32, u32)> = None;
    loop {
        let ev = rd.next()?;
        let (Event::Start(e) | Event::Empty(e)) = &ev else {
            if matches!(ev, Event::Eof) {
                break;
            }
            continue;
        };
        match e.local_name().as_ref() {
            "sheetFormatPr" => {
                if let Some(h) = attr_local_num::<f64>(e, "defaultRowHeight") {
                    default_row = h;
                }
                default_col = attr_local_num(e, "defaultColWidth");
                if let Some(b) = attr_local_num(e, "baseColWidth") {
                    base_col = b;
                }
            }
            "col" => {
                let (Some(min), Some(max)) = (
                    attr_local_num::<u32>(e, "min"),
                    attr_local_num::<u32>(e, "max"),
                ) else {
                    continue;
                };
                let (Some(first), Some(last)) = (min.checked_sub(1), max.checked_sub(1)) else {
                    continue;
                };
                let width = if attr_local_bool(e, "hidden") {
                    0.0
                } else {
                    match attr_local_num::<f64>(e, "width") {
                        Some(w) => col_chars_to_pt(w),
                        None => continue,
                    }
                };
                col_runs.push((first, last.min(16_383), width));
            }
            "dimension" => check_refs(e, "ref", part, valid_range)?,
            "row" => {
                check_refs(e, "r", part, |v| {
                    v.parse::<u32>().is_ok_and(|r| (1..=MAX_ROWS).contains(&r))
                })?;
                cur_row = attr_local_num::<u32>(e, "r")
                    .and_then(|r| r.checked_sub(1))
                    .unwrap_or(next_row);
                next_row = cur_row.saturating_add(1);
                next_col = 0;
                if attr_local_bool(e, "hidden") {
                    row_runs.push((cur_row, cur_row, 0.0));
                } else if let Some(h) = attr_local_num::<f64>(e, "ht") {
                    row_runs.push((cur_row, cur_row, h));
                }
            }
            "c" => {
                check_refs(e, "r", part, |v| cell_in_sheet(v).is_some())?;
                let (r, c) = attr_local(e, "r")
                    .and_then(|r| parse_cell_ref(&r))
                    .unwrap_or((cur_row, next_col));
                next_col = c.saturating_add(1);
                // A cell element without children (styled, empty) holds nothing: the
                // extent is measured by cells with content, as calamine keeps them.
                open_cell = matches!(ev, Event::Start(_)).then_some((r, c));
            }
            "v" | "is" | "f" => {
                if let Some((r, c)) = open_cell.take() {
                    any_cell = true;
                    min_r = min_r.min(r);
                    min_c = min_c.min(c);
                    max_r = max_r.max(r);
                    max_c = max_c.max(c);
                }
            }
            "mergeCell" => {
                let Some(rf) = attr_local(e, "ref") else {
                    continue;
                };
                let (a, b) = rf.split_once(':').unwrap_or((&rf, &rf));
                if let (Some(s), Some(t)) = (parse_cell_ref(a), parse_cell_ref(b)) {
                    merges.push(Dimensions {
                        start: (s.0.min(t.0), s.1.min(t.1)),
                        end: (s.0.max(t.0), s.1.max(t.1)),
                    });
                }
            }
            "drawing" => drawing_rid = attr_local(e, "id"),
            _ => {}
        }
    }
    let default_col_pt = match default_col {
        Some(w) => col_chars_to_pt(w),
        None => base_col_width_pt(base_col),
    };
    let dense_cells = if any_cell {
        u64::from(max_r - min_r + 1) * u64::from(max_c - min_c + 1)
    } else {
        0
    };
    Ok(SheetMeta {
        cols: Axis::new(default_col_pt, col_runs),
        rows: Axis::new(default_row, row_runs),
        merges,
        dense_cells,
        drawing_rid,
    })
}

/// Fails with `corrupt` when any attribute `name` of `e` is not `valid`, reading the
/// attributes as calamine does (see [`raw_attrs`]), every copy of a repeated one.
///
/// calamine turns cell and row references into numbers without checking for overflow,
/// so `<c r="AAAAAAAA1">` panics in a debug build and wraps in a release build; and a
/// reference this pre-pass cannot place (`<c r="AAAAAA1">`, column 321 million) would
/// let calamine allocate a dense grid far past what [`SheetMeta::dense_cells`] allowed;
/// a reversed `<dimension>` underflows. Excel writes none of them: references stay
/// within its grid.
fn check_refs(
    e: &quick_xml::events::BytesStart<'_>,
    name: &str,
    part: &str,
    valid: impl Fn(&str) -> bool,
) -> Result<(), IngestError> {
    for (key, value) in raw_attrs(e.attributes_raw().as_bytes()) {
        if key != name.as_bytes() {
            continue;
        }
        let value = String::from_utf8_lossy(value);
        if !valid(&value) {
            let shown: String = value.chars().take(24).collect();
            return Err(IngestError::corrupt(
                part,
                format!("{name}=\"{shown}\" is not a cell reference within a sheet"),
            ));
        }
    }
    Ok(())
}

/// The attributes of an element as calamine's own scanner reads them, before any
/// unescaping: the key is everything up to `=` (trailing blanks cut), the value runs
/// from its quote to the same quote or to the end of the tag. Stops where calamine
/// stops with an error (no `=`, no quote).
fn raw_attrs(raw: &[u8]) -> impl Iterator<Item = (&[u8], &[u8])> {
    let mut rest = raw;
    std::iter::from_fn(move || {
        let start = rest.iter().position(|b| !b.is_ascii_whitespace())?;
        let tail = rest.get(start..)?;
        let eq = tail.iter().position(|&b| b == b'=')?;
        let key = tail.get(..eq)?.trim_ascii_end();
        let after = tail.get(eq + 1..)?.trim_ascii_start();
        let quote = *after.first().filter(|&&q| q == b'"' || q == b'\'')?;
        let body = after.get(1..)?;
        let end = body.iter().position(|&b| b == quote).unwrap_or(body.len());
        let value = body.get(..end)?;
        rest = body.get(end + 1..).unwrap_or(&[]);
        Some((key, value))
    })
}

/// The 0-based (row, column) of a plain reference (`B7`, no `$`) within Excel's grid.
fn cell_in_sheet(r: &str) -> Option<(u32, u32)> {
    parse_cell_ref(r).filter(|&(row, col)| !r.contains('$') && row < MAX_ROWS && col < MAX_COLS)
}

/// True for a `<dimension ref>` calamine can size without overflow: one cell or a
/// range of two, each within the grid, the first above and left of the second.
fn valid_range(r: &str) -> bool {
    let mut sides = r.split(':').map(cell_in_sheet);
    match (sides.next(), sides.next(), sides.next()) {
        (Some(Some(_)), None, None) => true,
        (Some(Some(a)), Some(Some(b)), None) => a.0 <= b.0 && a.1 <= b.1,
        _ => false,
    }
}

/// The drawing part of a sheet, from its relationships.
pub fn drawing_part(
    pkg: &mut Package<'_>,
    sheet_part: &str,
    rid: Option<&str>,
    budget: &Budget,
) -> Result<Option<String>, IngestError> {
    let rels = read_rels(pkg, sheet_part, budget)?;
    let by_id = rid.and_then(|id| rels.iter().find(|r| r.id == id));
    let found = by_id.or_else(|| rels.iter().find(|r| r.kind.ends_with(REL_DRAWING)));
    Ok(found
        .filter(|r| r.kind.ends_with(REL_DRAWING))
        .map(|r| r.target.clone()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resolves_targets() {
        assert_eq!(
            resolve("xl/worksheets", "../drawings/drawing1.xml"),
            "xl/drawings/drawing1.xml"
        );
        assert_eq!(
            resolve("xl", "/xl/worksheets/sheet1.xml"),
            "xl/worksheets/sheet1.xml"
        );
        assert_eq!(
            resolve("xl", "worksheets/sheet2.xml"),
            "xl/worksheets/sheet2.xml"
        );
        assert_eq!(rels_path("xl/workbook.xml"), "xl/_rels/workbook.xml.rels");
        assert_eq!(rels_path(""), "_rels/.rels");
    }

    #[test]
    fn print_titles_forms() {
        assert_eq!(
            parse_print_titles("'SOP 1'!$20:$21"),
            vec![(Some("SOP 1".to_string()), 19, 20)]
        );
        assert_eq!(
            parse_print_titles("Data!$A:$B,Data!$1:$2"),
            vec![(Some("Data".to_string()), 0, 1)]
        );
        assert_eq!(
            parse_print_titles("'it''s'!$A$5:$IV$6"),
            vec![(Some("it's".to_string()), 4, 5)]
        );
    }

    #[test]
    fn raw_attrs_read_as_calamine_does() {
        let attrs: Vec<(&[u8], &[u8])> = raw_attrs(b" r = 'A1' s=\"2\" t=\"AAAAAAAA1").collect();
        assert_eq!(
            attrs,
            vec![(&b"r"[..], &b"A1"[..]), (b"s", b"2"), (b"t", b"AAAAAAAA1")]
        );
        assert_eq!(raw_attrs(b"x r").count(), 0);
    }

    #[test]
    fn refs_outside_the_grid_are_corrupt() {
        let sheet = |body: &str| {
            let xml = format!("<worksheet><sheetData>{body}</sheetData></worksheet>");
            scan_sheet(
                xml.as_bytes(),
                &Budget::default(),
                "xl/worksheets/sheet1.xml",
            )
        };
        assert!(sheet(r#"<row r="3"><c r="XFD3"/></row>"#).is_ok());
        for bad in [
            r#"<row r="1"><c r="AAAAAA1"/></row>"#,
            r#"<row r="1"><c r="A1" r="IIIIIIIIIIIIII1"/></row>"#,
            r#"<row r="1"><c r="A4294967296"/></row>"#,
            r#"<row r="AAAAAAAAB5"/>"#,
            r#"<row r="1048577"/>"#,
        ] {
            let err = sheet(bad).unwrap_err();
            assert_eq!(err.kind(), crate::error::ErrorKind::Corrupt, "{bad}");
            assert!(
                err.to_string().contains("not a cell reference"),
                "{bad}: {err}"
            );
        }
        let dim = |r: &str| {
            let xml = format!(r#"<worksheet><dimension ref="{r}"/></worksheet>"#);
            scan_sheet(xml.as_bytes(), &Budget::default(), "s.xml").is_ok()
        };
        assert!(dim("A1") && dim("B2:XFD1048576"));
        assert!(!dim("B2:A1") && !dim("A1:AAAAAAAAA9") && !dim("A1:B2:C3"));
    }

    #[test]
    fn cell_refs() {
        assert_eq!(parse_cell_ref("A1"), Some((0, 0)));
        assert_eq!(parse_cell_ref("$AB$12"), Some((11, 27)));
        assert_eq!(parse_cell_ref("12"), None);
        assert_eq!(parse_cell_ref("A0"), None);
    }
}
