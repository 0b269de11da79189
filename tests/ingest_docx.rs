//! The .docx reader on real producers' files: the corpus (python-docx), LibreOffice
//! round trips of corpus files (`fixtures/docx/`), the hostile files, and small
//! hand-written documents for the constructs the corpus lacks.

use std::collections::BTreeMap;
use std::io::Write;
use std::time::{Duration, Instant};

use sopap::{Anchor, Block, Budget, Document, ErrorKind, Section, Shape, ShapeKind, Table};

use crate::support;
use support::{ARCHIVE, FIXTURE_ARCHIVE, FIXTURE_TRUTH, TRUTH};
const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/docx");

fn read_path(path: &str) -> Document {
    let bytes = std::fs::read(path).unwrap_or_else(|e| panic!("{path}: {e}"));
    sopap::read(&bytes, &Budget::default()).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn corpus(rel: &str) -> Document {
    read_path(&format!("{ARCHIVE}/{rel}"))
}

fn body(doc: &Document) -> &Section {
    assert_eq!(doc.sections.len(), 1, "a Word body is one section");
    &doc.sections[0]
}

fn table(sec: &Section, block: usize) -> &Table {
    match &sec.blocks[block] {
        Block::Table(t) => t,
        Block::Paragraph(p) => panic!("block {block} is a paragraph: {p:?}"),
    }
}

/// The block index of the first table whose first row has a cell reading `text`
/// (case aside).
fn table_with(sec: &Section, text: &str) -> usize {
    sec.blocks
        .iter()
        .position(|b| match b {
            Block::Table(t) => t.rows.first().is_some_and(|r| {
                r.cells
                    .iter()
                    .any(|c| c.text.trim().eq_ignore_ascii_case(text))
            }),
            Block::Paragraph(_) => false,
        })
        .unwrap_or_else(|| panic!("no table with {text:?}"))
}

fn is_step(s: &Shape) -> bool {
    !s.text_box
        && matches!(
            s.kind,
            ShapeKind::Terminator
                | ShapeKind::Process
                | ShapeKind::Decision
                | ShapeKind::Connector
                | ShapeKind::OffPage
        )
}

fn cell_of(s: &Shape) -> (usize, usize, usize) {
    match s.anchor {
        Anchor::Cell { block, row, col } => (block, row, col),
        Anchor::Free => panic!("shape is free: {s:?}"),
    }
}

/// The step number written in grid column 0 of `row` ("3", "3.").
fn step_no(t: &Table, row: usize) -> Option<u64> {
    t.cell_at(row, 0)?
        .text
        .trim()
        .trim_end_matches('.')
        .parse()
        .ok()
}

/// (kind, table ordinal, row, col) of every step shape, sorted.
fn step_cells(doc: &Document) -> Vec<(String, usize, usize, usize)> {
    let sec = body(doc);
    let tables: Vec<usize> = doc.tables().map(|(_, b, _)| b).collect();
    let mut v: Vec<_> = sec
        .shapes
        .iter()
        .filter(|s| is_step(s))
        .map(|s| {
            let (b, r, c) = cell_of(s);
            let ord = tables.iter().position(|&x| x == b).unwrap();
            (format!("{:?}", s.kind), ord, r, c)
        })
        .collect();
    v.sort();
    v
}

fn labels(doc: &Document) -> Vec<String> {
    let mut v: Vec<String> = body(doc)
        .shapes
        .iter()
        .filter(|s| s.text_box)
        .map(|s| s.text.clone())
        .collect();
    v.sort();
    v
}

/// Every step shape of every corpus flowchart .docx stands in the column of its truth
/// actor (actor columns start at grid column 2, in the order of `actors`), in the row
/// of its step number, with its truth symbol; and every truth step has its shape.
///
/// Returns (files checked, step shapes checked).
fn check_against_truth(archive: &str, truth_path: &str) -> (usize, usize) {
    let truth: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(truth_path).unwrap()).unwrap();
    let files = truth["files"].as_object().unwrap();
    let (mut checked, mut files_checked) = (0usize, 0usize);
    let mut errors = Vec::new();
    for (path, f) in files {
        if f["format"] != "docx" || !f["error"].is_null() || f["layout"] != "flowchart-table" {
            continue;
        }
        files_checked += 1;
        let doc = read_path(&format!("{archive}/{path}"));
        let sec = body(&doc);
        let sops = f["sops"].as_array().unwrap();
        // Step shapes by table, in document order.
        let mut by_table: BTreeMap<usize, Vec<&Shape>> = BTreeMap::new();
        for s in sec.shapes.iter().filter(|s| is_step(s)) {
            by_table.entry(cell_of(s).0).or_default().push(s);
        }
        let mut sop_idx: Option<usize> = None;
        let mut found = std::collections::HashSet::new();
        for (block, shapes) in &by_table {
            let t = table(sec, *block);
            let nums: Vec<Option<u64>> = shapes.iter().map(|s| step_no(t, cell_of(s).1)).collect();
            // A table whose numbering starts at 1 starts the next SOP; any other
            // continues the current one (a procedure split over two tables).
            if nums.iter().flatten().min() == Some(&1) {
                sop_idx = Some(sop_idx.map_or(0, |i| i + 1));
            }
            let si = sop_idx.expect("a procedure table starting at step 1");
            let sop = &sops[si];
            let actors: Vec<&str> = sop["actors"]
                .as_array()
                .unwrap()
                .iter()
                .map(|a| a.as_str().unwrap())
                .collect();
            for (s, n) in shapes.iter().zip(&nums) {
                checked += 1;
                let (_, row, col) = cell_of(s);
                let Some(n) = n else {
                    errors.push(format!("{path}: shape in row {row} has no step number"));
                    continue;
                };
                let step = sop["steps"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .find(|st| st["no"].as_u64() == Some(*n))
                    .unwrap_or_else(|| panic!("{path}: no truth step {n}"));
                let want: Vec<usize> = step["actors"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|a| 2 + actors.iter().position(|x| a == x).unwrap())
                    .collect();
                let symbol = format!("{:?}", s.kind).to_lowercase();
                if !want.contains(&col) || step["symbol"] != symbol.as_str() {
                    errors.push(format!(
                        "{path}: step {n} {symbol} in col {col}, truth cols {want:?} {}",
                        step["symbol"]
                    ));
                }
                found.insert((si, *n));
            }
        }
        for (si, sop) in sops.iter().enumerate() {
            for st in sop["steps"].as_array().unwrap() {
                let n = st["no"].as_u64().unwrap();
                if !found.contains(&(si, n)) {
                    errors.push(format!("{path}: SOP {si} step {n} has no shape"));
                }
            }
        }
    }
    assert!(
        errors.is_empty(),
        "{} misplaced:\n{}",
        errors.len(),
        errors.join("\n")
    );
    (files_checked, checked)
}

#[test]
fn every_corpus_step_shape_lands_in_its_truth_column() {
    shared_or_skip!(ARCHIVE, TRUTH);
    let (files, shapes) = check_against_truth(ARCHIVE, TRUTH);
    assert!(files >= 30, "only {files} files");
    assert!(shapes >= 381, "only {shapes} step shapes checked");
}

/// The same over the fixture archive (another writer, `fixtures/tools/docxw.py`).
#[test]
fn every_fixture_step_shape_lands_in_its_expected_column() {
    let (files, shapes) = check_against_truth(FIXTURE_ARCHIVE, FIXTURE_TRUTH);
    assert!(files >= 8, "only {files} files");
    assert!(shapes >= 87, "only {shapes} step shapes checked");
}

/// drawingml-in-cell: the procedure table's grid, merges, header rows and texts, and
/// the shapes in the actor cells.
#[test]
fn in_cell_table_and_shapes() {
    shared_or_skip!(ARCHIVE);
    let doc = corpus("bappeda/Arsip SOP/Surat Masuk 2023.docx");
    let sec = body(&doc);
    let b = table_with(sec, "Pelaksana");
    let t = table(sec, b);
    assert_eq!(t.n_cols, 10);
    assert_eq!(t.col_widths.len(), 10);
    assert!((t.col_widths[0] - 22.65).abs() < 0.01, "{:?}", t.col_widths);
    assert!(t.rows[0].repeat_header && t.rows[1].repeat_header);
    assert!(!t.rows[2].repeat_header);
    assert_eq!(t.rows[2].height, Some(43.35));
    // Merges: No and Uraian Kegiatan over two header rows, Pelaksana over 4 actors.
    let no = t.cell_at(1, 0).unwrap();
    assert_eq!((no.text.as_str(), no.row_span, no.col_span), ("No.", 2, 1));
    let pel = t.cell_at(0, 4).unwrap();
    assert_eq!(
        (pel.text.as_str(), pel.col, pel.col_span),
        ("Pelaksana", 2, 4)
    );
    assert_eq!(t.cell_at(0, 7).unwrap().text, "Mutu Baku");
    let above: Vec<&str> = t
        .cells_above(2, 5)
        .iter()
        .map(|c| c.text.as_str())
        .collect();
    assert_eq!(above, vec!["Pelaksana", "KABAN"]);
    assert_eq!(
        t.row_texts(2)[..3],
        [
            "1",
            "Menerima surat masuk dan mencatat dalam buku agenda surat masuk",
            ""
        ]
    );
    assert_eq!(t.row_texts(2)[7], "10 Menit");
    // Anchor offsets never leak into cell text (the terminator's cell is empty).
    assert!(
        !doc.plain_text().contains("14400"),
        "posOffset digits leaked into text"
    );
    let steps: Vec<&Shape> = sec.shapes.iter().filter(|s| is_step(s)).collect();
    assert_eq!(steps[0].kind, ShapeKind::Terminator);
    assert_eq!(steps[0].geometry, "flowChartTerminator");
    assert_eq!(cell_of(steps[0]), (b, 2, 2));
    assert_eq!(steps[1].kind, ShapeKind::Decision);
    assert_eq!(cell_of(steps[1]), (b, 3, 2));
    let bbox = steps[0].bbox.unwrap();
    assert!((bbox.w - 39.685).abs() < 0.01);
    assert_eq!(labels(&doc), vec!["Tidak", "Ya"]);
    let arrows: Vec<&Shape> = sec
        .shapes
        .iter()
        .filter(|s| s.kind == ShapeKind::Arrow)
        .collect();
    assert_eq!(arrows.len(), 7);
    assert!(arrows.iter().all(|a| a.line.is_some()));
}

/// Choice + Fallback: every shape is read once, from the Choice.
#[test]
fn fallback_shapes_are_counted_once() {
    shared_or_skip!(ARCHIVE);
    let doc = corpus("Kel. Kakaskasen I/final/Cuti 2018.docx");
    let sec = body(&doc);
    // 15 mc:Choice drawings, 7 of them with a VML Fallback.
    assert_eq!(sec.shapes.len(), 15);
    assert!(sec.shapes.iter().all(|s| !s.geometry.starts_with("v:")));
    let b = table_with(sec, "Pelaksana");
    let t = table(sec, b);
    let mut rows: Vec<usize> = sec
        .shapes
        .iter()
        .filter(|s| is_step(s))
        .map(|s| cell_of(s).1)
        .collect();
    rows.sort();
    let n_steps = (2..t.rows.len())
        .filter(|&r| step_no(t, r).is_some())
        .count();
    assert_eq!(rows.len(), n_steps, "one symbol per step row");
    rows.dedup();
    assert_eq!(rows.len(), n_steps, "no row holds two symbols");
}

/// drawingml-offset: shapes anchored in the Kegiatan cell stand in the actor columns.
#[test]
fn offset_shapes_leave_the_kegiatan_cell() {
    shared_or_skip!(ARCHIVE);
    let doc = corpus("BPKAD/SOP_RENJA.docx");
    let sec = body(&doc);
    let b = table_with(sec, "Pelaksana");
    let steps: Vec<(usize, usize, usize)> = sec
        .shapes
        .iter()
        .filter(|s| is_step(s))
        .map(cell_of)
        .collect();
    assert_eq!(steps.len(), 7);
    assert!(
        steps.iter().all(|&(bb, _, c)| bb == b && c >= 2),
        "{steps:?}"
    );
    assert_eq!(
        steps[0],
        (b, 2, 5),
        "the first terminator is Kepala Badan's"
    );
    assert_eq!(labels(&doc), vec!["Tdk", "Ya"]);
}

/// drawingml-group: one group anchored in the first step row; rows come from
/// `w:trHeight`, columns from the child offsets.
#[test]
fn group_children_walk_rows_and_columns() {
    shared_or_skip!(ARCHIVE);
    let doc = corpus("BPKAD/revisi/Pengadaan Langsung 2013.docx");
    let sec = body(&doc);
    let b = table_with(sec, "Pelaksana");
    let got: Vec<(ShapeKind, usize, usize)> = sec
        .shapes
        .iter()
        .filter(|s| is_step(s))
        .map(|s| {
            let (bb, r, c) = cell_of(s);
            assert_eq!(bb, b);
            (s.kind, r, c)
        })
        .collect();
    use ShapeKind::*;
    assert_eq!(
        got,
        vec![
            (Terminator, 2, 2),
            (Process, 3, 3),
            (Process, 4, 4),
            (Decision, 5, 4),
            (Process, 6, 4),
            (Process, 7, 3),
            (Process, 8, 5),
            (Terminator, 9, 6),
        ]
    );
}

/// Legacy VML: rect/roundrect/diamond shapes and `v:line` arrows with end points.
#[test]
fn vml_shapes_and_lines() {
    shared_or_skip!(ARCHIVE);
    let doc = corpus("BKPSDM/SOP Pengadaan Langsung.docx");
    let sec = body(&doc);
    let b = table_with(sec, "Pelaksana");
    let first = sec.shapes.iter().find(|s| is_step(s)).unwrap();
    assert_eq!(first.geometry, "v:roundrect");
    assert_eq!(cell_of(first), (b, 2, 2));
    let decision = sec
        .shapes
        .iter()
        .find(|s| s.kind == ShapeKind::Decision)
        .unwrap();
    assert_eq!(decision.geometry, "4", "v:shape type #_x0000_t4 (diamond)");
    let line = sec
        .shapes
        .iter()
        .find(|s| s.kind == ShapeKind::Arrow)
        .unwrap();
    let (a, z) = line.line.unwrap();
    assert!((z.x - a.x - 23.5).abs() < 0.01, "{a:?} -> {z:?}");
    assert_eq!(a.y, z.y);
}

/// A book: page breaks before every SOP page, carried over empty paragraphs.
#[test]
fn book_page_breaks() {
    shared_or_skip!(ARCHIVE);
    let doc = corpus("BPKAD/SOP 2019/buku_sop_bpkad_2022.docx");
    let sec = body(&doc);
    let breaks: Vec<&Block> = sec
        .blocks
        .iter()
        .filter(|b| matches!(b, Block::Paragraph(p) if p.page_break_before))
        .collect();
    assert_eq!(breaks.len(), 5, "3 SOPs, identity and procedure pages each");
    let titles = breaks
        .iter()
        .filter(|b| matches!(b, Block::Paragraph(p) if p.text == "PEMERINTAH KOTA TOMOHON"))
        .count();
    assert_eq!(titles, 2, "SOPs 2 and 3 start on a new page");
    // Every paragraph kept has text.
    assert!(sec.blocks.iter().all(
        |b| !matches!(b, Block::Paragraph(p) if p.text.trim().is_empty() && !p.page_break_before)
    ));
}

/// LibreOffice round trips place the same shapes in the same cells and keep the
/// labels as labels.
#[test]
fn libreoffice_round_trips_match_their_sources() {
    shared_or_skip!(ARCHIVE);
    let pairs = [
        (
            "lo_incell_surat_masuk_2023.docx",
            "bappeda/Arsip SOP/Surat Masuk 2023.docx",
        ),
        (
            "lo_fallback_cuti_2018.docx",
            "Kel. Kakaskasen I/final/Cuti 2018.docx",
        ),
        ("lo_offset_sop_renja.docx", "BPKAD/SOP_RENJA.docx"),
        (
            "lo_group_pengadaan_langsung_2013.docx",
            "BPKAD/revisi/Pengadaan Langsung 2013.docx",
        ),
        (
            "lo_vml_sop_pengadaan_langsung.docx",
            "BKPSDM/SOP Pengadaan Langsung.docx",
        ),
    ];
    for (fixture, source) in pairs {
        let lo = read_path(&format!("{FIXTURES}/{fixture}"));
        let orig = corpus(source);
        let cells = step_cells(&lo);
        assert!(!cells.is_empty(), "{fixture}: no step shapes");
        assert_eq!(cells, step_cells(&orig), "{fixture}");
        assert_eq!(labels(&lo), labels(&orig), "{fixture}");
        // No VML fallback was read twice.
        assert!(
            body(&lo)
                .shapes
                .iter()
                .all(|s| !s.geometry.starts_with("v:")),
            "{fixture}"
        );
    }
    // LibreOffice turns VML into DrawingML with plain preset names.
    let lo = read_path(&format!("{FIXTURES}/lo_vml_sop_pengadaan_langsung.docx"));
    let geoms: Vec<&str> = body(&lo)
        .shapes
        .iter()
        .map(|s| s.geometry.as_str())
        .collect();
    assert!(geoms.contains(&"roundRect") && geoms.contains(&"diamond"));
}

/// Hostile files end with the right kind, fast.
#[test]
fn hostile_files_fail_fast_with_their_kind() {
    shared_or_skip!(ARCHIVE);
    let cases = [
        ("billion-laughs.docx", Some(ErrorKind::Corrupt)),
        ("malformed-xml.docx", Some(ErrorKind::Corrupt)),
        ("truncated.docx", Some(ErrorKind::Corrupt)),
        ("zipbomb.docx", Some(ErrorKind::TooLarge)),
        ("zipbomb-ratio.docx", Some(ErrorKind::TooLarge)),
        ("encrypted.docx", Some(ErrorKind::Encrypted)),
        ("letter.docx", None),
    ];
    for (name, want) in cases {
        let bytes = std::fs::read(format!("{ARCHIVE}/_hostile/{name}")).unwrap();
        let t0 = Instant::now();
        let got = sopap::read(&bytes, &Budget::default());
        let took = t0.elapsed();
        assert!(took < Duration::from_secs(1), "{name} took {took:?}");
        match (got, want) {
            (Err(e), Some(k)) => assert_eq!(e.kind(), k, "{name}: {e}"),
            (Ok(doc), None) => assert!(doc.plain_text().trim().len() > 20, "{name}"),
            (got, want) => panic!("{name}: got {:?}, want {want:?}", got.map(|_| "a document")),
        }
    }
}

// ---- Hand-written documents for what the corpus lacks -------------------------------

const NS: &str = r#"xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing" xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape" xmlns:wpg="http://schemas.microsoft.com/office/word/2010/wordprocessingGroup" xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" xmlns:v="urn:schemas-microsoft-com:vml" xmlns:o="urn:schemas-microsoft-com:office:office""#;

/// A .docx package with `body` as the content of `w:body`, plus extra parts.
fn docx(body: &str, extra: &[(&str, &str)]) -> Vec<u8> {
    let mut z = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default();
    z.start_file("[Content_Types].xml", opts).unwrap();
    z.write_all(br#"<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>"#)
        .unwrap();
    z.start_file("word/document.xml", opts).unwrap();
    write!(
        z,
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document {NS}><w:body>{body}</w:body></w:document>"#
    )
    .unwrap();
    for (name, text) in extra {
        z.start_file(*name, opts).unwrap();
        z.write_all(text.as_bytes()).unwrap();
    }
    z.finish().unwrap().into_inner()
}

fn read_bytes(bytes: &[u8]) -> Document {
    sopap::read(bytes, &Budget::default()).unwrap()
}

fn para(text: &str) -> String {
    format!("<w:p><w:r><w:t xml:space=\"preserve\">{text}</w:t></w:r></w:p>")
}

/// A DrawingML shape anchored with `h` (`relativeFrom`, offset EMU), vertical offset
/// `y` EMU, size `cx` × `cy` EMU.
fn dml(prst: &str, h: (&str, i64), y: i64, cx: i64, cy: i64) -> String {
    format!(
        r#"<w:r><mc:AlternateContent><mc:Choice Requires="wps"><w:drawing><wp:anchor layoutInCell="1"><wp:simplePos x="0" y="0"/><wp:positionH relativeFrom="{}"><wp:posOffset>{}</wp:posOffset></wp:positionH><wp:positionV relativeFrom="paragraph"><wp:posOffset>{y}</wp:posOffset></wp:positionV><wp:extent cx="{cx}" cy="{cy}"/><wp:wrapNone/><wp:docPr id="1" name="s"/><a:graphic><a:graphicData uri="http://schemas.microsoft.com/office/word/2010/wordprocessingShape"><wps:wsp><wps:cNvSpPr/><wps:spPr><a:xfrm><a:off x="0" y="0"/><a:ext cx="{cx}" cy="{cy}"/></a:xfrm><a:prstGeom prst="{prst}"/></wps:spPr><wps:bodyPr/></wps:wsp></a:graphicData></a:graphic></wp:anchor></w:drawing></mc:Choice><mc:Fallback><w:pict><v:rect style="position:absolute"/></w:pict></mc:Fallback></mc:AlternateContent></w:r>"#,
        h.0, h.1
    )
}

/// A 4-column table (1440 twips each) with an indent; `cells[r][c]` is the inner XML
/// of each cell's paragraph runs.
fn grid_table(ind: i64, rows: &[[&str; 4]]) -> String {
    let mut s = format!(
        r#"<w:tbl><w:tblPr><w:tblInd w:w="{ind}" w:type="dxa"/><w:tblCellMar><w:left w:w="100" w:type="dxa"/></w:tblCellMar></w:tblPr><w:tblGrid><w:gridCol w:w="1440"/><w:gridCol w:w="1440"/><w:gridCol w:w="1440"/><w:gridCol w:w="1440"/></w:tblGrid>"#
    );
    for r in rows {
        s.push_str(r#"<w:tr><w:trPr><w:trHeight w:val="600" w:hRule="exact"/></w:trPr>"#);
        for c in r {
            s.push_str(&format!("<w:tc><w:p>{c}</w:p></w:tc>"));
        }
        s.push_str("</w:tr>");
    }
    s.push_str("</w:tbl>");
    s
}

const SECT: &str = r#"<w:sectPr><w:pgSz w:w="11906" w:h="16838"/><w:pgMar w:left="1000" w:right="1000" w:top="850" w:bottom="850"/></w:sectPr>"#;

/// Text runs: tabs, breaks, symbols, entities; page breaks split paragraphs; list
/// numbering labels; styles.
#[test]
fn paragraph_text_breaks_and_lists() {
    let numbering = r#"<w:numbering xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:abstractNum w:abstractNumId="7"><w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="%1."/></w:lvl><w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="lowerLetter"/><w:lvlText w:val="%2)"/></w:lvl></w:abstractNum><w:num w:numId="2"><w:abstractNumId w:val="7"/></w:num></w:numbering>"#;
    let item = |lvl: u8, t: &str| {
        format!(
            r#"<w:p><w:pPr><w:pStyle w:val="ListParagraph"/><w:numPr><w:ilvl w:val="{lvl}"/><w:numId w:val="2"/></w:numPr><w:tabs><w:tab w:val="left" w:pos="720"/></w:tabs></w:pPr><w:r><w:t>{t}</w:t></w:r></w:p>"#
        )
    };
    let body = [
        r#"<w:p><w:pPr><w:pStyle w:val="Heading1"/></w:pPr><w:r><w:t>A</w:t><w:tab/><w:t>B &amp; C</w:t><w:br/><w:t>D</w:t><w:sym w:font="Wingdings" w:char="F0FC"/></w:r></w:p>"#.to_string(),
        r#"<w:p><w:r><w:t>before</w:t><w:br w:type="page"/><w:t>after</w:t></w:r></w:p>"#.to_string(),
        "<w:p><w:r><w:br w:type=\"page\"/></w:r></w:p>".to_string(),
        para("next page"),
        item(0, "Satu"),
        item(1, "Sub"),
        item(0, "Dua"),
        format!("<w:p><w:pPr>{}</w:pPr></w:p>", SECT.replace("<w:pgSz", "<w:type w:val=\"nextPage\"/><w:pgSz")),
        para("section two"),
        SECT.to_string(),
    ]
    .concat();
    let doc = read_bytes(&docx(&body, &[("word/numbering.xml", numbering)]));
    let paras: Vec<&sopap::Paragraph> = body_paras(&doc);
    let texts: Vec<&str> = paras.iter().map(|p| p.text.as_str()).collect();
    assert_eq!(
        texts,
        vec![
            "A\tB & C\nD✓",
            "before",
            "after",
            "next page",
            "Satu",
            "Sub",
            "Dua",
            "section two"
        ]
    );
    assert_eq!(paras[0].style.as_deref(), Some("Heading1"));
    let breaks: Vec<bool> = paras.iter().map(|p| p.page_break_before).collect();
    assert_eq!(
        breaks,
        vec![false, false, true, true, false, false, false, true]
    );
    let labels: Vec<Option<&str>> = paras[4..7]
        .iter()
        .map(|p| p.list.as_ref().and_then(|l| l.label.as_deref()))
        .collect();
    assert_eq!(labels, vec![Some("1."), Some("a)"), Some("2.")]);
    assert_eq!(paras[5].list.as_ref().unwrap().level, 1);
    assert_eq!(paras[5].list.as_ref().unwrap().num_id, Some(2));
}

fn body_paras(doc: &Document) -> Vec<&sopap::Paragraph> {
    body(doc)
        .blocks
        .iter()
        .filter_map(|b| match b {
            Block::Paragraph(p) => Some(p),
            Block::Table(_) => None,
        })
        .collect()
}

/// gridBefore, gridSpan, vMerge, nested tables, text-box text kept out of cells.
#[test]
fn table_grid_merges_and_nested_text() {
    let body = format!(
        r#"<w:tbl><w:tblGrid><w:gridCol w:w="1000"/><w:gridCol w:w="2000"/><w:gridCol w:w="3000"/></w:tblGrid>
        <w:tr><w:trPr><w:tblHeader/></w:trPr>
          <w:tc><w:tcPr><w:vMerge w:val="restart"/></w:tcPr>{a}</w:tc>
          <w:tc><w:tcPr><w:gridSpan w:val="2"/></w:tcPr>{b}{b2}</w:tc></w:tr>
        <w:tr><w:trPr><w:tblHeader w:val="false"/></w:trPr>
          <w:tc><w:tcPr><w:vMerge/></w:tcPr><w:p/></w:tc>
          <w:tc><w:p><w:r><w:t>x</w:t></w:r><w:r><w:pict><v:rect style="position:absolute;margin-left:0;width:20pt;height:10pt"><v:textbox><w:txbxContent><w:p><w:r><w:t>inside box</w:t></w:r></w:p></w:txbxContent></v:textbox></v:rect></w:pict></w:r></w:p></w:tc>
          <w:tc><w:tbl><w:tr><w:tc>{n1}</w:tc><w:tc>{n2}</w:tc></w:tr></w:tbl></w:tc></w:tr>
        <w:tr><w:trPr><w:gridBefore w:val="1"/></w:trPr><w:tc><w:tcPr><w:gridSpan w:val="2"/></w:tcPr>{c}</w:tc></w:tr>
        </w:tbl>{SECT}"#,
        a = para("No"),
        b = para("Pelaksana"),
        b2 = para(""),
        n1 = para("nested 1"),
        n2 = para("nested 2"),
        c = para("tail"),
    );
    let doc = read_bytes(&docx(&body, &[]));
    let sec = body_of(&doc);
    let t = table(sec, 0);
    assert_eq!(t.n_cols, 3);
    assert_eq!(t.col_widths, vec![50.0, 100.0, 150.0]);
    assert!(t.rows[0].repeat_header && !t.rows[1].repeat_header);
    let no = t.cell_at(1, 0).unwrap();
    assert_eq!((no.text.as_str(), no.row, no.row_span), ("No", 0, 2));
    assert_eq!(t.cell_at(0, 2).unwrap().text, "Pelaksana");
    assert_eq!(t.cell_at(1, 1).unwrap().text, "x");
    assert_eq!(t.cell_at(1, 2).unwrap().text, "nested 1\nnested 2");
    let tail = t.cell_at(2, 2).unwrap();
    assert_eq!(
        (tail.col, tail.col_span, tail.text.as_str()),
        (1, 2, "tail")
    );
    assert!(
        t.cell_at(2, 0).is_none(),
        "gridBefore leaves column 0 empty"
    );
    let boxed = &sec.shapes[0];
    assert_eq!(boxed.text, "inside box");
    assert_eq!(
        boxed.anchor,
        Anchor::Cell {
            block: 0,
            row: 1,
            col: 1
        }
    );
}

fn body_of(doc: &Document) -> &Section {
    body(doc)
}

/// Frames: column (cell text start), margin (minus tblInd), page (minus the page
/// margin), a shape offset into the next column, rows walked by exact heights, an
/// unknown Choice falling back to VML, inline shapes, and free shapes.
#[test]
fn frames_and_placement_rules() {
    // Columns of 72 pt; cell margin 5 pt; tblInd 36 pt; page margin 50 pt.
    let pt = |v: f64| (v * 12_700.0) as i64;
    let rows = [
        [
            "",
            // column: 5 + 70 + 10 = centre at 85 pt from column 1's start (72) → col 2.
            &dml(
                "flowChartProcess",
                ("column", pt(70.0)),
                0,
                pt(20.0),
                pt(10.0),
            ),
            "",
            "",
        ],
        [
            // margin: 36 (tblInd) + 200 = table x 164..184 → centre 174 → col 2.
            &dml(
                "flowChartDecision",
                ("margin", pt(200.0)),
                0,
                pt(20.0),
                pt(10.0),
            ),
            "",
            "",
            "",
        ],
        [
            // page: 50 + 36 + 230 → table x 230..250, centre 240 → col 3; offset down
            // one row (30 pt rows) → row 3.
            &dml(
                "flowChartTerminator",
                ("page", pt(316.0)),
                pt(35.0),
                pt(20.0),
                pt(10.0),
            ),
            "",
            "",
            "",
        ],
        ["", "", "", ""],
    ];
    let cells: Vec<[&str; 4]> = rows.iter().map(|r| [r[0], r[1], r[2], r[3]]).collect();
    let unknown_choice = r#"<w:r><mc:AlternateContent><mc:Choice Requires="cx1"><w:drawing/></mc:Choice><mc:Fallback><w:pict><v:oval style="position:absolute;margin-left:10pt;margin-top:0;width:20pt;height:20pt;mso-position-horizontal-relative:margin"/></w:pict></mc:Fallback></mc:AlternateContent></w:r>"#;
    let inline = r#"<w:r><w:drawing><wp:inline><wp:extent cx="127000" cy="127000"/><wp:docPr id="9" name="p"/><a:graphic><a:graphicData uri="x"><wps:wsp><wps:spPr><a:prstGeom prst="ellipse"/></wps:spPr></wps:wsp></a:graphicData></a:graphic></wp:inline></w:drawing></w:r>"#;
    let xml = format!(
        "<w:p>{unknown_choice}<w:r><w:t>free</w:t></w:r></w:p>{}{SECT}",
        grid_table(720, &cells).replace(
            "<w:tc><w:p></w:p></w:tc></w:tr></w:tbl>",
            &format!("<w:tc><w:p>{inline}</w:p></w:tc></w:tr></w:tbl>")
        )
    );
    let doc = read_bytes(&docx(&xml, &[]));
    let sec = body(&doc);
    let placed: Vec<(ShapeKind, Anchor)> = sec.shapes.iter().map(|s| (s.kind, s.anchor)).collect();
    let cell = |row, col| Anchor::Cell { block: 1, row, col };
    assert_eq!(
        placed,
        vec![
            (ShapeKind::Connector, Anchor::Free),
            (ShapeKind::Process, cell(0, 2)),
            (ShapeKind::Decision, cell(1, 2)),
            (ShapeKind::Terminator, cell(3, 3)),
            (ShapeKind::Connector, cell(3, 3)),
        ]
    );
    let free = sec.shapes[0].bbox.unwrap();
    assert!((free.x - 10.0).abs() < 0.01, "{free:?}");
    let process = sec.shapes[1].bbox.unwrap();
    assert!((process.x - 147.0).abs() < 0.01, "{process:?}");
    // The free paragraph's text holds no shape content.
    assert_eq!(body_paras(&doc)[0].text, "free");
}

/// A DrawingML group with a scaled child frame and a nested group.
#[test]
fn group_transforms_scale_and_nest() {
    let emu = |v: f64| (v * 12_700.0) as i64;
    let wsp = |prst: &str, x: i64, y: i64, cx: i64, cy: i64| {
        format!(
            r#"<wps:wsp><wps:cNvSpPr/><wps:spPr><a:xfrm><a:off x="{x}" y="{y}"/><a:ext cx="{cx}" cy="{cy}"/></a:xfrm><a:prstGeom prst="{prst}"/></wps:spPr></wps:wsp>"#
        )
    };
    // Group at margin offset 0, 288 pt wide showing a child frame 2× as wide (scale ½).
    let group = format!(
        r#"<w:r><w:drawing><wp:anchor><wp:positionH relativeFrom="margin"><wp:posOffset>0</wp:posOffset></wp:positionH><wp:positionV relativeFrom="paragraph"><wp:posOffset>0</wp:posOffset></wp:positionV><wp:extent cx="{gx}" cy="{gy}"/><a:graphic><a:graphicData uri="g"><wpg:wgp><wpg:grpSpPr><a:xfrm><a:off x="1000" y="1000"/><a:ext cx="{gx}" cy="{gy}"/><a:chOff x="0" y="0"/><a:chExt cx="{cx2}" cy="{cy2}"/></a:xfrm></wpg:grpSpPr>{a}<wpg:grpSp><wpg:grpSpPr><a:xfrm><a:off x="{nx}" y="0"/><a:ext cx="{nw}" cy="{nh}"/><a:chOff x="0" y="0"/><a:chExt cx="{nw}" cy="{nh}"/></a:xfrm></wpg:grpSpPr>{b}</wpg:grpSp></wpg:wgp></a:graphicData></a:graphic></wp:anchor></w:drawing></w:r>"#,
        gx = emu(288.0),
        gy = emu(60.0),
        cx2 = emu(576.0),
        cy2 = emu(120.0),
        // Child (in child units): x 300..340 → 150..170 pt → col 2.
        a = wsp("flowChartProcess", emu(300.0), 0, emu(40.0), emu(20.0)),
        // Nested group at child x 400 (→ 200 pt); its child at 40..80 → 220..240 pt
        // → col 3; y 70..90 child units → 35..45 pt → second row.
        nx = emu(400.0),
        nw = emu(100.0),
        nh = emu(100.0),
        b = wsp(
            "flowChartDecision",
            emu(40.0),
            emu(70.0),
            emu(40.0),
            emu(20.0)
        ),
    );
    let rows = [[group.as_str(), "", "", ""], ["", "", "", ""]];
    let xml = format!("{}{SECT}", grid_table(0, &rows));
    let doc = read_bytes(&docx(&xml, &[]));
    let sec = body(&doc);
    let placed: Vec<(ShapeKind, Anchor)> = sec.shapes.iter().map(|s| (s.kind, s.anchor)).collect();
    assert_eq!(
        placed,
        vec![
            (
                ShapeKind::Process,
                Anchor::Cell {
                    block: 0,
                    row: 0,
                    col: 2
                }
            ),
            (
                ShapeKind::Decision,
                Anchor::Cell {
                    block: 0,
                    row: 1,
                    col: 3
                }
            ),
        ]
    );
    let b = sec.shapes[0].bbox.unwrap();
    assert!(
        (b.x - 150.0).abs() < 0.01 && (b.w - 20.0).abs() < 0.01,
        "{b:?}"
    );
}

/// Word's automatic numbering in a "No" column is the cell's shown text; a rotated
/// connector's end points and box follow the rotation.
#[test]
fn numbered_cells_and_rotated_connectors() {
    let numbering = r#"<w:numbering xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:abstractNum w:abstractNumId="1"><w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="%1."/></w:lvl></w:abstractNum><w:num w:numId="5"><w:abstractNumId w:val="1"/></w:num></w:numbering>"#;
    let numbered = |t: &str| {
        format!(
            r#"<w:pPr><w:numPr><w:ilvl w:val="0"/><w:numId w:val="5"/></w:numPr></w:pPr><w:r><w:t>{t}</w:t></w:r>"#
        )
    };
    // A 90° connector 100 pt long, anchored at column offset 0 of cell (0, 1).
    let connector = r#"<w:r><w:drawing><wp:anchor><wp:positionH relativeFrom="column"><wp:posOffset>0</wp:posOffset></wp:positionH><wp:positionV relativeFrom="paragraph"><wp:posOffset>0</wp:posOffset></wp:positionV><wp:extent cx="1270000" cy="0"/><a:graphic><a:graphicData uri="s"><wps:wsp><wps:cNvCnPr/><wps:spPr><a:xfrm rot="5400000"><a:off x="0" y="0"/><a:ext cx="1270000" cy="0"/></a:xfrm><a:prstGeom prst="straightConnector1"/></wps:spPr></wps:wsp></a:graphicData></a:graphic></wp:anchor></w:drawing></w:r>"#;
    let n1 = numbered("");
    let n2 = numbered("");
    let k1 = format!("<w:r><w:t>Kegiatan</w:t></w:r>{connector}");
    let rows = [
        [n1.as_str(), k1.as_str(), "", ""],
        [n2.as_str(), "", "", ""],
    ];
    let xml = format!("{}{SECT}", grid_table(0, &rows));
    let doc = read_bytes(&docx(&xml, &[("word/numbering.xml", numbering)]));
    let sec = body(&doc);
    let t = table(sec, 0);
    assert_eq!(t.row_texts(0)[..2], ["1.", "Kegiatan"]);
    assert_eq!(t.row_texts(1)[0], "2.");
    let arrow = &sec.shapes[0];
    assert_eq!(arrow.kind, ShapeKind::Arrow);
    let (a, z) = arrow.line.unwrap();
    // Cell (0, 1) text starts at 72 + 5 pt; the line turns about its centre.
    assert!(
        (a.x - 127.0).abs() < 0.01 && (z.x - 127.0).abs() < 0.01,
        "{a:?} {z:?}"
    );
    assert!(
        (a.y + 50.0).abs() < 0.01 && (z.y - 50.0).abs() < 0.01,
        "{a:?} {z:?}"
    );
    let b = arrow.bbox.unwrap();
    assert!(b.w.abs() < 0.01 && (b.h - 100.0).abs() < 0.01, "{b:?}");
}

/// Tracked changes: deleted and moved-away runs are not text, and the former
/// properties of a `w:tcPrChange` / `w:pPrChange` do not override the current ones.
#[test]
fn tracked_changes_show_the_current_state() {
    let xml = format!(
        r#"<w:p><w:pPr><w:pStyle w:val="Now"/><w:pPrChange w:id="1"><w:pPr><w:pStyle w:val="Before"/></w:pPr></w:pPrChange></w:pPr><w:r><w:t>kept </w:t></w:r><w:del w:id="2"><w:r><w:delText>gone</w:delText></w:r></w:del><w:ins w:id="3"><w:r><w:t>added</w:t></w:r></w:ins><w:moveFrom w:id="4"><w:r><w:t>moved away</w:t></w:r></w:moveFrom></w:p>
        <w:tbl><w:tblGrid><w:gridCol w:w="1000"/><w:gridCol w:w="1000"/></w:tblGrid><w:tr>
          <w:tc><w:tcPr><w:gridSpan w:val="2"/><w:tcPrChange w:id="5"><w:tcPr><w:gridSpan w:val="1"/></w:tcPr></w:tcPrChange></w:tcPr>{}</w:tc>
        </w:tr></w:tbl>{SECT}"#,
        para("wide")
    );
    let doc = read_bytes(&docx(&xml, &[]));
    let p = body_paras(&doc)[0];
    assert_eq!(p.text, "kept added");
    assert_eq!(p.style.as_deref(), Some("Now"));
    let t = table(body(&doc), 1);
    assert_eq!(t.rows[0].cells[0].col_span, 2);
    assert_eq!(t.rows[0].cells[0].text, "wide");
}

/// A single shape offset below its anchor row walks only across rows of exact height;
/// an `atLeast` row may be taller than written, so the shape stays in its anchor row.
/// Group children always walk.
#[test]
fn single_shapes_walk_only_exact_rows() {
    let pt = |v: f64| (v * 12_700.0) as i64;
    // 30 pt rows; the shape's centre is 40 pt below the anchor paragraph.
    let shape = dml(
        "flowChartProcess",
        ("column", 0),
        pt(35.0),
        pt(20.0),
        pt(10.0),
    );
    let rows = [["", shape.as_str(), "", ""], ["", "", "", ""]];
    let exact = format!("{}{SECT}", grid_table(0, &rows));
    let at_least = exact.replace("w:hRule=\"exact\"", "w:hRule=\"atLeast\"");
    let row_of = |xml: &str| cell_of(&body(&read_bytes(&docx(xml, &[]))).shapes[0]).1;
    assert_eq!(row_of(&exact), 1);
    assert_eq!(row_of(&at_least), 0);
}

/// A real document.xml cut at many points, or with bytes overwritten by markup
/// characters and digits, reads to a document or a typed error: never a panic, never
/// slow. A cut that leaves elements open is `corrupt`.
#[test]
fn mangled_document_xml_never_panics() {
    shared_or_skip!(ARCHIVE);
    let bytes = std::fs::read(format!(
        "{ARCHIVE}/BPKAD/revisi/Pengadaan Langsung 2013.docx"
    ))
    .unwrap();
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let mut xml = String::new();
    std::io::Read::read_to_string(&mut zip.by_name("word/document.xml").unwrap(), &mut xml)
        .unwrap();
    let inner = |x: &str| {
        x.split_once("<w:body>")
            .and_then(|(_, b)| b.rsplit_once("</w:body>"))
            .map(|(b, _)| b.to_string())
            .unwrap()
    };
    let body_xml = inner(&xml);
    let t0 = Instant::now();
    // Cuts at char boundaries across the whole body.
    let step = (body_xml.len() / 97).max(1);
    for cut in (1..body_xml.len()).step_by(step) {
        let Some(part) = body_xml.get(..cut) else {
            continue;
        };
        let r = sopap::read(&docx(part, &[]), &Budget::default());
        if let Err(e) = r {
            assert_eq!(e.kind(), ErrorKind::Corrupt, "cut at {cut}: {e}");
        }
    }
    // Overwrites with a fixed pseudo-random sequence (an LCG: reproducible).
    let mut seed: u64 = 0x5eed;
    let subst = [b'<', b'>', b'"', b'/', b'9', b'-', b'&', b' '];
    for _ in 0..150 {
        let mut b = body_xml.clone().into_bytes();
        for _ in 0..4 {
            seed = seed
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            let at = (seed >> 33) as usize % b.len();
            if b[at].is_ascii() {
                b[at] = subst[(seed >> 20) as usize % subst.len()];
            }
        }
        let Ok(s) = String::from_utf8(b) else {
            continue;
        };
        let _ = sopap::read(&docx(&s, &[]), &Budget::default());
    }
    assert!(t0.elapsed() < Duration::from_secs(20), "{:?}", t0.elapsed());
}

/// Marks typed as letters in a symbol font read as what they show.
#[test]
fn symbol_font_marks_read_as_marks() {
    let run = |font: &str, t: &str| {
        format!(
            r#"<w:r><w:rPr><w:rFonts w:ascii="{font}" w:hAnsi="{font}"/></w:rPr><w:t>{t}</w:t></w:r>"#
        )
    };
    let (a, b, c, d) = (
        run("Wingdings", "ü"),
        run("Wingdings 2", "P"),
        run("Calibri", "ü"),
        run("Symbol", "Ö"),
    );
    let rows = [[a.as_str(), b.as_str(), c.as_str(), d.as_str()]];
    let xml = format!("{}{SECT}", grid_table(0, &rows));
    let doc = read_bytes(&docx(&xml, &[]));
    assert_eq!(table(body(&doc), 0).row_texts(0), vec!["✓", "✓", "ü", "√"]);
}

/// A floating table (`w:tblpPr`) starts at `tblpX`: margin-relative shapes are placed
/// from there.
#[test]
fn floating_table_offsets_margin_shapes() {
    let pt = |v: f64| (v * 12_700.0) as i64;
    // Table at 72 pt from the margin; the shape at 170..190 pt from the margin is at
    // 98..118 pt in the table: column 1 (72..144), not column 2.
    let shape = dml(
        "flowChartProcess",
        ("margin", pt(170.0)),
        0,
        pt(20.0),
        pt(10.0),
    );
    let rows = [[shape.as_str(), "", "", ""]];
    let xml = format!("{}{SECT}", grid_table(0, &rows)).replace(
        "<w:tblPr>",
        r#"<w:tblPr><w:tblpPr w:horzAnchor="margin" w:tblpX="1440" w:tblpY="200"/>"#,
    );
    let doc = read_bytes(&docx(&xml, &[]));
    let s = &body(&doc).shapes[0];
    assert_eq!(cell_of(s), (0, 0, 1));
    assert!((s.bbox.unwrap().x - 98.0).abs() < 0.01, "{:?}", s.bbox);
    // Anchored to the page edge (page margin 50 pt), the table starts 22 pt from the
    // margin: the shape is at 148..168 pt, column 2.
    let page = xml.replace("w:horzAnchor=\"margin\"", "w:horzAnchor=\"page\" ");
    let doc = read_bytes(&docx(&page, &[]));
    assert_eq!(cell_of(&body(&doc).shapes[0]), (0, 0, 2));
}

// ---- OpenDocument text (.odt), read like .docx -------------------------------------

/// True where LibreOffice is installed (the .odt documents are made with it).
fn soffice_installed() -> bool {
    std::process::Command::new("soffice")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success())
}

/// (activity, actors, symbol) of every step of every SOP of `doc`.
fn step_signature(doc: &Document) -> Vec<(String, Vec<String>, String)> {
    let rules = sopap::Rules::defaults().unwrap();
    sopap::parse(doc, &rules)
        .iter()
        .flat_map(|s| s.steps.iter())
        .map(|st| {
            let v = serde_json::to_value(st).unwrap();
            (
                v["activity"].as_str().unwrap_or("").to_string(),
                v["actors"]
                    .as_array()
                    .map(|a| a.iter().map(|x| x.to_string()).collect())
                    .unwrap_or_default(),
                v["symbol"].to_string(),
            )
        })
        .collect()
}

#[test]
fn odt_from_libreoffice_reads_like_its_docx() {
    if !soffice_installed() {
        eprintln!("skipped: soffice not installed");
        return;
    }
    let dir = std::env::temp_dir().join(format!("sopap-odt-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    for name in [
        "lo_incell_surat_masuk_2023",
        "lo_group_pengadaan_langsung_2013",
    ] {
        let src = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("fixtures/docx")
            .join(format!("{name}.docx"));
        let st = std::process::Command::new("soffice")
            .args(["--headless", "--convert-to", "odt", "--outdir"])
            .arg(&dir)
            .arg(&src)
            .output()
            .unwrap();
        assert!(st.status.success(), "soffice failed: {st:?}");
        let odt = std::fs::read(dir.join(format!("{name}.odt"))).unwrap();
        let docx = std::fs::read(&src).unwrap();
        let a = sopap::read(&docx, &Budget::default()).unwrap();
        let b = sopap::read(&odt, &Budget::default()).unwrap();
        assert_eq!(b.format, Some(sopap::Format::Odt));
        // The flowchart's shapes are read from the cells.
        assert!(
            b.sections[0]
                .shapes
                .iter()
                .any(|s| s.kind == ShapeKind::Decision)
        );
        let (sa, sb) = (step_signature(&a), step_signature(&b));
        assert!(sa.len() >= 7, "{name}: {sa:?}");
        assert_eq!(sa, sb, "{name}: steps, actors and symbols differ");
    }
    let _ = std::fs::remove_dir_all(&dir);
}

/// An ODF package: the stored mimetype first, then `content.xml` and extra parts.
fn odf(mime: &str, content: &str, extra: &[(&str, &str)]) -> Vec<u8> {
    let mut z = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let stored =
        zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    z.start_file("mimetype", stored).unwrap();
    z.write_all(mime.as_bytes()).unwrap();
    z.start_file("content.xml", stored).unwrap();
    z.write_all(content.as_bytes()).unwrap();
    for (name, text) in extra {
        z.start_file(*name, stored).unwrap();
        z.write_all(text.as_bytes()).unwrap();
    }
    z.finish().unwrap().into_inner()
}

const ODT_MIME: &str = "application/vnd.oasis.opendocument.text";
const ODT_NS: &str = r#"xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" xmlns:draw="urn:oasis:names:tc:opendocument:xmlns:drawing:1.0" xmlns:svg="urn:oasis:names:tc:opendocument:xmlns:svg-compatible:1.0" xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0""#;

#[test]
fn odt_tables_spans_paragraphs_and_shapes() {
    let body = r#"<text:p>Judul <text:s text:c="2"/>satu</text:p><text:p/>
      <table:table table:name="T"><table:table-column table:style-name="C1" table:number-columns-repeated="3"/>
      <table:table-header-rows><table:table-row>
        <table:table-cell table:number-columns-spanned="2"><text:p>Kepala</text:p></table:table-cell><table:covered-table-cell/>
        <table:table-cell><text:p>X</text:p></table:table-cell></table:table-row></table:table-header-rows>
      <table:table-row><table:table-cell><text:p>a</text:p><text:p>b</text:p></table:table-cell>
        <table:table-cell><text:p><draw:custom-shape svg:x="1in" svg:y="0.1in" svg:width="0.4in" svg:height="0.2in"><text:p>Ya</text:p><draw:enhanced-geometry draw:type="flowchart-decision"/></draw:custom-shape></text:p></table:table-cell>
        <table:table-cell/></table:table-row></table:table>"#;
    let content = format!(
        r#"<?xml version="1.0" encoding="UTF-8"?><office:document-content {ODT_NS}><office:automatic-styles><style:style style:name="C1" style:family="table-column"><style:table-column-properties style:column-width="1in"/></style:style></office:automatic-styles><office:body><office:text>{body}</office:text></office:body></office:document-content>"#
    );
    let doc = sopap::read(&odf(ODT_MIME, &content, &[]), &Budget::default()).unwrap();
    let sec = &doc.sections[0];
    assert!(
        matches!(&sec.blocks[0], Block::Paragraph(p) if p.text == "Judul   satu"),
        "{:?}",
        sec.blocks[0]
    );
    let Block::Table(t) = &sec.blocks[1] else {
        panic!("no table: {:?}", sec.blocks)
    };
    assert_eq!(t.n_cols, 3);
    assert!(t.rows[0].repeat_header);
    assert_eq!(t.rows[0].cells[0].col_span, 2);
    assert_eq!(t.rows[0].cells[1].col, 2);
    assert_eq!(t.rows[1].cells[0].text, "a\nb");
    assert_eq!(
        t.rows[1].cells[1].text, "",
        "shape text stays out of the cell"
    );
    // Offset 1 in from column 1's left edge (1 in): the centre stands in column 2.
    let s = &sec.shapes[0];
    assert_eq!((s.kind, s.text.as_str()), (ShapeKind::Decision, "Ya"));
    assert!(
        matches!(
            s.anchor,
            Anchor::Cell {
                block: 1,
                row: 1,
                col: 2
            }
        ),
        "{:?}",
        s.anchor
    );
}

#[test]
fn encrypted_odf_is_encrypted() {
    let manifest = r#"<?xml version="1.0"?><manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"><manifest:file-entry manifest:full-path="content.xml"><manifest:encryption-data manifest:checksum-type="SHA1/1K"/></manifest:file-entry></manifest:manifest>"#;
    for mime in [ODT_MIME, "application/vnd.oasis.opendocument.spreadsheet"] {
        let bytes = odf(
            mime,
            "\u{1}\u{2}garbage",
            &[("META-INF/manifest.xml", manifest)],
        );
        let err = sopap::read(&bytes, &Budget::default()).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Encrypted, "{mime}: {err}");
    }
}

#[test]
fn doctype_without_entities_is_read_with_entities_refused() {
    let ok = format!(
        r#"<?xml version="1.0"?><!DOCTYPE office:document-content PUBLIC "-//OpenOffice.org//DTD OfficeDocument 1.0//EN" "office.dtd"><office:document-content {ODT_NS}><office:body><office:text><text:p>Isi</text:p></office:text></office:body></office:document-content>"#
    );
    let doc = sopap::read(&odf(ODT_MIME, &ok, &[]), &Budget::default()).unwrap();
    assert!(matches!(&doc.sections[0].blocks[0], Block::Paragraph(p) if p.text == "Isi"));
    let evil = ok.replace(r#""office.dtd">"#, r#""office.dtd" [<!ENTITY a "aaaa">]>"#);
    let err = sopap::read(&odf(ODT_MIME, &evil, &[]), &Budget::default()).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Corrupt);
    assert!(err.to_string().contains("entity"), "{err}");
}

#[test]
fn word_1_and_2_files_name_their_version() {
    let mut w2 = vec![0xDB, 0xA5, 0x2D, 0x00];
    w2.resize(512, 0);
    let err = sopap::read(&w2, &Budget::default()).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Unsupported);
    assert!(err.to_string().contains("Word for Windows 2.0"), "{err}");
}

/// Headers typed letter by letter with real spaces read as words in a .docx (the
/// reader-independent tidy pass): one space inside a word, two between words; a
/// one-letter word and initials stay apart.
#[test]
fn letters_typed_with_real_spaces_read_as_words() {
    let run = |t: &str| format!("<w:r><w:t xml:space=\"preserve\">{t}</w:t></w:r>");
    let (a, b, c, d) = (
        run("K E G I A T A N"),
        run("P E N A N G G U N G  J A W A B"),
        run("Ya a b atau T"),
        run("A. B. C. Wijaya"),
    );
    let rows = [[a.as_str(), b.as_str(), c.as_str(), d.as_str()]];
    let xml = format!(
        "{}{}{SECT}",
        para("S E K S I  D A T A"),
        grid_table(0, &rows)
    );
    let doc = read_bytes(&docx(&xml, &[]));
    let texts: Vec<String> = table(body(&doc), 1)
        .row_texts(0)
        .iter()
        .map(|t| t.split_whitespace().collect::<Vec<_>>().join(" "))
        .collect();
    assert_eq!(
        texts,
        [
            "KEGIATAN",
            "PENANGGUNG JAWAB",
            "Ya a b atau T",
            "A. B. C. Wijaya"
        ]
    );
    let Some(Block::Paragraph(p)) = body(&doc).blocks.first() else {
        panic!("a paragraph first")
    };
    assert_eq!(
        p.text.split_whitespace().collect::<Vec<_>>(),
        ["SEKSI", "DATA"]
    );
}
