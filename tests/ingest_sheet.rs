//! Spreadsheet reader tests on files from real producers: the corpus (openpyxl wrote
//! the .xlsx, LibreOffice the .xls/.ods) and LibreOffice round trips in
//! `fixtures/sheet/`.

use std::collections::HashMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use sopap::{
    Anchor, Block, Budget, CellValue, Document, ErrorKind, Format, Section, Shape, ShapeKind, Table,
};

use crate::support;
use support::{ARCHIVE, FIXTURE_ARCHIVE, FIXTURE_TRUTH, TRUTH};
const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/sheet");

fn read_path(path: &Path) -> Result<Document, sopap::IngestError> {
    let bytes = std::fs::read(path).unwrap();
    sopap::read(&bytes, &Budget::default())
}

fn corpus(rel: &str) -> Document {
    read_path(&Path::new(ARCHIVE).join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

fn table(sec: &Section) -> &Table {
    match sec.blocks.first() {
        Some(Block::Table(t)) => t,
        other => panic!("section {:?} has no table: {other:?}", sec.name),
    }
}

fn text_at(t: &Table, row: usize, col: usize) -> &str {
    t.cell_at(row, col).map(|c| c.text.as_str()).unwrap_or("")
}

/// A label's text, whether it is a text box, and its cell.
type Label<'a> = (&'a str, bool, Option<(usize, usize)>);

fn cell_of(s: &Shape) -> Option<(usize, usize)> {
    match s.anchor {
        Anchor::Cell { row, col, .. } => Some((row, col)),
        Anchor::Free => None,
    }
}

/// Every cell as (row, col, row_span, col_span, text), for comparing two readings.
fn cells(doc: &Document) -> Vec<(String, usize, usize, usize, usize, String)> {
    let mut out = Vec::new();
    for sec in &doc.sections {
        for r in &table(sec).rows {
            for c in &r.cells {
                if c.text.is_empty() && c.row_span == 1 && c.col_span == 1 {
                    continue;
                }
                out.push((
                    sec.name.clone().unwrap_or_default(),
                    c.row,
                    c.col,
                    c.row_span,
                    c.col_span,
                    c.text.clone(),
                ));
            }
        }
    }
    out
}

#[test]
fn surat_keluar_xlsx_cells_dates_merges_and_print_titles() {
    shared_or_skip!(ARCHIVE);
    let doc = corpus("BPKAD/Bidang/SOP Surat Keluar.xlsx");
    assert_eq!(doc.format, Some(Format::Xlsx));
    assert_eq!(doc.sections.len(), 1);
    let sec = &doc.sections[0];
    assert_eq!(sec.name.as_deref(), Some("SOP 1"));
    let t = table(sec);
    // Sheet coordinates: A1 is (0, 0); the used range ends at J28.
    assert_eq!(text_at(t, 0, 0), "PEMERINTAH KOTA TOMOHON");
    assert_eq!(t.n_cols, 10);
    assert_eq!(t.rows.len(), 28);
    // Identity: merged label A6:B6, value C6:J6; a date cell read as ISO.
    let nomor = t.cell_at(5, 2).unwrap();
    assert_eq!(nomor.text, "SOP/BPKAD/029/2021");
    assert_eq!((nomor.col, nomor.col_span), (2, 8));
    let created = t.cell_at(6, 2).unwrap();
    assert_eq!(created.text, "2021-06-20");
    assert_eq!(created.value, Some(CellValue::Date("2021-06-20".into())));
    assert_eq!(t.cell_at(8, 2).unwrap().text, "2021-07-23");
    // Header: "Pelaksana" spans the four actor columns C..F, No spans two rows.
    let pel = t.cell_at(19, 4).unwrap();
    assert_eq!(pel.text, "Pelaksana");
    assert_eq!(
        (pel.row, pel.col, pel.row_span, pel.col_span),
        (19, 2, 1, 4)
    );
    let no = t.cell_at(20, 0).unwrap();
    assert_eq!((no.text.as_str(), no.row, no.row_span), ("No", 19, 2));
    assert_eq!(text_at(t, 20, 2), "PELAKSANA");
    assert_eq!(text_at(t, 20, 5), "Kaban");
    // Print titles $20:$21 → rows 19 and 20 repeat.
    let repeats: Vec<usize> = (0..t.rows.len())
        .filter(|&r| t.rows[r].repeat_header)
        .collect();
    assert_eq!(repeats, vec![19, 20]);
    // Steps: text, time as written, the Keterangan arrow text.
    assert_eq!(text_at(t, 21, 0), "1.");
    assert_eq!(
        text_at(t, 21, 1),
        "Menyusun konsep surat keluar sesuai disposisi pimpinan"
    );
    assert_eq!(text_at(t, 25, 7), "10-15 menit");
    assert_eq!(text_at(t, 23, 9), "Tidak → 1, Ya → 4");
    // Geometry: widths (38 characters → 266 px) and heights in points.
    assert!((t.col_widths[1] - 199.5).abs() < 0.01, "{:?}", t.col_widths);
    assert_eq!(t.rows[23].height, Some(48.0));
    assert_eq!(t.rows[2].height, Some(15.0));
}

#[test]
fn surat_keluar_xlsx_shapes_stand_in_actor_cells() {
    shared_or_skip!(ARCHIVE);
    let doc = corpus("BPKAD/Bidang/SOP Surat Keluar.xlsx");
    let sec = &doc.sections[0];
    let symbols: Vec<(ShapeKind, Option<(usize, usize)>)> = sec
        .shapes
        .iter()
        .filter(|s| {
            matches!(
                s.kind,
                ShapeKind::Terminator | ShapeKind::Process | ShapeKind::Decision
            ) && s.text.is_empty()
        })
        .map(|s| (s.kind, cell_of(s)))
        .collect();
    assert_eq!(
        symbols,
        vec![
            (ShapeKind::Terminator, Some((21, 2))),
            (ShapeKind::Process, Some((22, 3))),
            (ShapeKind::Decision, Some((23, 4))),
            (ShapeKind::Process, Some((24, 5))),
            (ShapeKind::Process, Some((25, 2))),
            (ShapeKind::Process, Some((26, 2))),
            (ShapeKind::Terminator, Some((27, 2))),
        ]
    );
    // The logo picture in the header, the two branch labels as text boxes.
    let pic = sec.shapes.iter().find(|s| s.geometry == "pic").unwrap();
    assert_eq!(pic.kind, ShapeKind::Other);
    assert_eq!(cell_of(pic).map(|c| c.0), Some(0));
    let labels: Vec<Label> = sec
        .shapes
        .iter()
        .filter(|s| !s.text.is_empty())
        .map(|s| (s.text.as_str(), s.text_box, cell_of(s)))
        .collect();
    assert_eq!(
        labels,
        vec![("Ya", true, Some((23, 5))), ("Tidak", true, Some((23, 3)))]
    );
    // Connectors are arrows with end points; the last one runs straight down column C
    // from the process in row 26 to the terminator in row 27.
    let arrows: Vec<&Shape> = sec
        .shapes
        .iter()
        .filter(|s| s.kind == ShapeKind::Arrow)
        .collect();
    assert_eq!(arrows.len(), 7);
    let (a, b) = arrows.last().unwrap().line.unwrap();
    assert!((a.x - b.x).abs() < 0.01 && b.y > a.y, "{a:?} {b:?}");
    let end = sec
        .shapes
        .iter()
        .rfind(|s| s.kind == ShapeKind::Terminator)
        .unwrap()
        .bbox
        .unwrap();
    assert!(
        (b.y - end.y).abs() < 0.5,
        "arrow ends on the terminator's top"
    );
    // A flipped elbow connector (flipH/flipV) runs from the decision back up to step 1.
    let back = arrows
        .iter()
        .find(|s| s.line.is_some_and(|(p, q)| q.y < p.y))
        .unwrap();
    let (p, q) = back.line.unwrap();
    assert!(
        p.x > q.x,
        "flipped back-arrow goes right to left: {p:?} {q:?}"
    );
}

#[test]
fn satpol_pp_geometry_names_and_labels() {
    shared_or_skip!(ARCHIVE);
    let doc = corpus("satpol-pp/2021/buku_sop_satpolpp_2022.xlsx");
    assert_eq!(doc.sections.len(), 2);
    assert_eq!(
        doc.sections[0].name.as_deref(),
        Some("Pengadaan Barang Melalui Pen")
    );
    let sec = &doc.sections[0];
    let t = table(sec);
    assert!(t.rows[30].repeat_header && t.rows[31].repeat_header);
    assert!(!t.rows[32].repeat_header);
    let pel = t.cell_at(30, 2).unwrap();
    assert_eq!((pel.text.as_str(), pel.col_span), ("Pelaksana", 5));
    let geoms: Vec<(&str, Option<(usize, usize)>)> = sec
        .shapes
        .iter()
        .filter(|s| s.kind != ShapeKind::Arrow && s.text.is_empty() && s.geometry != "pic")
        .map(|s| (s.geometry.as_str(), cell_of(s)))
        .collect();
    assert_eq!(
        geoms,
        vec![
            ("roundRect", Some((32, 2))),
            ("rect", Some((33, 3))),
            ("rect", Some((34, 4))),
            ("diamond", Some((35, 4))),
            ("rect", Some((36, 4))),
            ("rect", Some((37, 5))),
            ("roundRect", Some((38, 6))),
        ]
    );
    let kinds: Vec<ShapeKind> = sec
        .shapes
        .iter()
        .filter(|s| s.geometry == "roundRect" || s.geometry == "diamond")
        .map(|s| s.kind)
        .collect();
    assert_eq!(
        kinds,
        vec![
            ShapeKind::Terminator,
            ShapeKind::Decision,
            ShapeKind::Terminator
        ]
    );
    // Labels: rect with text, marked as text boxes, kind kept as Process.
    let labels: Vec<(&str, ShapeKind, bool)> = sec
        .shapes
        .iter()
        .filter(|s| !s.text.is_empty())
        .map(|s| (s.text.as_str(), s.kind, s.text_box))
        .collect();
    assert_eq!(
        labels,
        vec![
            ("Ya", ShapeKind::Process, true),
            ("Tidak", ShapeKind::Process, true)
        ]
    );
}

#[test]
fn organisation_book_has_a_section_per_sheet() {
    shared_or_skip!(ARCHIVE);
    let doc = corpus("bagian-organisasi/2021/buku_sop_org_2013.xlsx");
    let names: Vec<&str> = doc
        .sections
        .iter()
        .map(|s| s.name.as_deref().unwrap())
        .collect();
    assert_eq!(names, vec!["SOP 1", "SOP 2", "SOP 3"]);
    let t = table(&doc.sections[1]);
    // Actor header row under the merged "Pelaksana" (C15:G15).
    assert_eq!(t.cell_at(14, 2).unwrap().col_span, 5);
    let actors: Vec<&str> = (2..7).map(|c| text_at(t, 15, c)).collect();
    assert_eq!(
        actors,
        vec![
            "Pegawai",
            "Pelaksana",
            "Kasubag Tata Laksana",
            "Asisten III",
            "KABAG ORGANISASI"
        ]
    );
    // Sheet 2: the decision stands in the "Pelaksana" column on step 2's row, its
    // "Sesuai" label next to it.
    let sec = &doc.sections[1];
    let dec = sec
        .shapes
        .iter()
        .find(|s| s.kind == ShapeKind::Decision)
        .unwrap();
    assert_eq!(dec.geometry, "diamond");
    assert_eq!(cell_of(dec), Some((17, 3)));
    assert!(text_at(t, 17, 0).starts_with('2'));
    let sesuai = sec.shapes.iter().find(|s| s.text == "Sesuai").unwrap();
    assert!(sesuai.text_box);
}

/// Normalises text for matching a truth activity with a cell.
fn norm(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Is `kind` the truth symbol `sym`?
fn is_symbol(kind: ShapeKind, sym: &str) -> bool {
    matches!(
        (kind, sym),
        (ShapeKind::Terminator, "terminator")
            | (ShapeKind::Process, "process")
            | (ShapeKind::Decision, "decision")
            | (ShapeKind::Connector, "connector")
            | (ShapeKind::OffPage, "offpage")
    )
}

/// One truth step located in a read document.
struct Located {
    no: i64,
    section: usize,
    row: usize,
    /// Grid columns of the step's actors.
    cols: Vec<usize>,
    symbol: Option<String>,
}

/// Finds every step of every SOP of one file in the document: the step's row by its
/// activity text (after the previous step's row), its actors' columns under the merged
/// "Pelaksana" header (actors in truth column order).
fn locate_steps(rel: &str, truth: &serde_json::Value, doc: &Document) -> Vec<Located> {
    let mut out = Vec::new();
    let mut cursor = (0usize, 0usize); // (section, row) after the previous SOP
    for sop in truth["sops"].as_array().unwrap() {
        let steps = sop["steps"].as_array().unwrap();
        let actors: Vec<&str> = sop["actors"]
            .as_array()
            .unwrap()
            .iter()
            .map(|a| a.as_str().unwrap())
            .collect();
        let first = norm(steps[0]["activity"].as_str().unwrap());
        let mut found = None;
        'outer: for (si, sec) in doc.sections.iter().enumerate().skip(cursor.0) {
            let t = table(sec);
            let start = if si == cursor.0 { cursor.1 } else { 0 };
            for r in start..t.rows.len() {
                if t.rows[r].cells.iter().any(|c| norm(&c.text) == first) {
                    found = Some((si, r));
                    break 'outer;
                }
            }
        }
        let (si, first_row) = found.unwrap_or_else(|| panic!("{rel}: step 1 {first:?} not found"));
        let t = table(&doc.sections[si]);
        let header = (0..first_row)
            .rev()
            .flat_map(|r| t.rows[r].cells.iter())
            .find(|c| norm(&c.text).eq_ignore_ascii_case("pelaksana") && c.col_span == actors.len())
            .unwrap_or_else(|| panic!("{rel}: no Pelaksana header over {} actors", actors.len()));
        let mut next_row = first_row;
        for step in steps {
            let act = norm(step["activity"].as_str().unwrap());
            let row = (next_row..t.rows.len())
                .find(|&r| t.rows[r].cells.iter().any(|c| norm(&c.text) == act))
                .unwrap_or_else(|| panic!("{rel}: step {act:?} not found"));
            next_row = row + 1;
            let cols = step["actors"]
                .as_array()
                .unwrap()
                .iter()
                .map(|a| {
                    let a = a.as_str().unwrap();
                    header.col + actors.iter().position(|x| *x == a).unwrap()
                })
                .collect();
            out.push(Located {
                no: step["no"].as_i64().unwrap(),
                section: si,
                row,
                cols,
                symbol: step["symbol"].as_str().map(str::to_string),
            });
        }
        cursor = (si, next_row);
    }
    out
}

/// Checks that every step's shape stands in the step's row and one of its actors'
/// columns, and that no other symbol shapes exist. Returns the number of steps checked.
fn check_shapes(rel: &str, steps: &[Located], doc: &Document) -> usize {
    let mut expected: HashMap<usize, usize> = HashMap::new();
    for st in steps {
        let sym = st.symbol.as_deref().unwrap_or("");
        let sec = &doc.sections[st.section];
        let ok = sec.shapes.iter().any(|s| {
            is_symbol(s.kind, sym)
                && s.text.is_empty()
                && matches!(s.anchor, Anchor::Cell { block: 0, row: r, col: c }
                    if r == st.row && st.cols.contains(&c))
        });
        assert!(
            ok,
            "{rel}: step {} ({sym}) has no shape at row {}, cols {:?}; shapes in row: {:?}",
            st.no,
            st.row,
            st.cols,
            sec.shapes_in_row(0, st.row)
                .map(|s| (s.kind, s.anchor))
                .collect::<Vec<_>>()
        );
        *expected.entry(st.section).or_default() += 1;
    }
    for (si, sec) in doc.sections.iter().enumerate() {
        let n = sec
            .shapes
            .iter()
            .filter(|s| {
                matches!(
                    s.kind,
                    ShapeKind::Terminator
                        | ShapeKind::Process
                        | ShapeKind::Decision
                        | ShapeKind::Connector
                        | ShapeKind::OffPage
                ) && s.text.is_empty()
            })
            .count();
        assert_eq!(
            n,
            expected.get(&si).copied().unwrap_or(0),
            "{rel}: symbol shapes in sheet {:?}",
            sec.name
        );
    }
    steps.len()
}

/// Checks that every step's actors are marked in its row (a short mark such as "X" or
/// "V"), and no other actor is.
fn check_marks(rel: &str, steps: &[Located], doc: &Document) -> usize {
    for st in steps {
        let t = table(&doc.sections[st.section]);
        for &c in &st.cols {
            let m = text_at(t, st.row, c).trim();
            assert!(
                !m.is_empty() && m.chars().count() <= 3,
                "{rel}: step {} has no mark in column {c}: {m:?}",
                st.no
            );
        }
    }
    steps.len()
}

fn truth_files(formats: &[&str]) -> Vec<(String, serde_json::Value)> {
    truth_files_in(TRUTH, formats)
}

fn truth_files_in(truth: &str, formats: &[&str]) -> Vec<(String, serde_json::Value)> {
    let truth: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(truth).unwrap()).unwrap();
    let mut out: Vec<(String, serde_json::Value)> = truth["files"]
        .as_object()
        .unwrap()
        .iter()
        .filter(|(_, v)| formats.contains(&v["format"].as_str().unwrap_or("")))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    out.sort_by(|a, b| a.0.cmp(&b.0));
    out
}

#[test]
fn every_corpus_xlsx_step_shape_lands_in_its_row_and_actor_column() {
    shared_or_skip!(ARCHIVE, TRUTH);
    let mut files = 0;
    let mut steps = 0;
    for (rel, t) in truth_files(&["xlsx"]) {
        if t["layout"].as_str() != Some("flowchart-table") {
            continue;
        }
        let doc = corpus(&rel);
        let located = locate_steps(&rel, &t, &doc);
        steps += check_shapes(&rel, &located, &doc);
        files += 1;
    }
    println!("{files} flowchart .xlsx files, {steps} step shapes in place");
    assert!(files >= 15, "only {files} flowchart .xlsx files");
    assert!(steps >= 150, "only {steps} steps checked");
}

#[test]
fn every_corpus_xls_step_shape_lands_in_its_row_and_actor_column() {
    shared_or_skip!(ARCHIVE, TRUTH);
    // LibreOffice kept the shapes as OfficeArt (116/109/110 ...) with client anchors.
    let mut steps = 0;
    for (rel, t) in truth_files(&["xls"]) {
        if t["layout"].as_str() != Some("flowchart-table") {
            continue;
        }
        let doc = corpus(&rel);
        let located = locate_steps(&rel, &t, &doc);
        steps += check_shapes(&rel, &located, &doc);
        let geoms: Vec<&str> = doc.sections[0]
            .shapes
            .iter()
            .map(|s| s.geometry.as_str())
            .collect();
        assert!(
            geoms.contains(&"116") && geoms.contains(&"109"),
            "{rel}: {geoms:?}"
        );
    }
    println!("{steps} .xls step shapes in place");
    assert!(steps >= 15, "only {steps} steps");
}

#[test]
fn fixture_archive_sheets_place_every_step() {
    // The project's own fixture archive (another generator, LibreOffice conversions):
    // the .xls keeps its step shapes only as OfficeArt custom geometry.
    let (mut shapes, mut marks) = (0, 0);
    for (rel, t) in truth_files_in(FIXTURE_TRUTH, &["xlsx", "xls", "ods"]) {
        let res = read_path(&Path::new(FIXTURE_ARCHIVE).join(&rel));
        if let Some(kind) = t["error"].as_str() {
            assert_eq!(res.unwrap_err().kind().name(), kind, "{rel}");
            continue;
        }
        let doc = res.unwrap_or_else(|e| panic!("{rel}: {e}"));
        let located = locate_steps(&rel, &t, &doc);
        match t["layout"].as_str() {
            Some("flowchart-table") => shapes += check_shapes(&rel, &located, &doc),
            Some("mark-table") => marks += check_marks(&rel, &located, &doc),
            _ => {}
        }
    }
    println!("fixtures: {shapes} step shapes and {marks} marked steps in place");
    assert!(
        shapes >= 20 && marks >= 10,
        "{shapes} shapes, {marks} marks"
    );
}

#[test]
fn every_corpus_sheet_reads_and_mark_tables_mark_their_actors() {
    shared_or_skip!(ARCHIVE, TRUTH);
    let mut marked = 0;
    for (rel, t) in truth_files(&["xlsx", "ods", "xls"]) {
        let res = read_path(&Path::new(ARCHIVE).join(&rel));
        if let Some(kind) = t["error"].as_str() {
            assert_eq!(res.unwrap_err().kind().name(), kind, "{rel}");
            continue;
        }
        let doc = res.unwrap_or_else(|e| panic!("{rel}: {e}"));
        assert!(!doc.sections.is_empty(), "{rel}");
        if t["layout"].as_str() == Some("mark-table") {
            let located = locate_steps(&rel, &t, &doc);
            marked += check_marks(&rel, &located, &doc);
        }
    }
    println!("{marked} marked steps in place");
    assert!(marked >= 100, "only {marked} marked steps");
}

#[test]
fn xls_gives_the_same_cells_as_its_xlsx() {
    shared_or_skip!(ARCHIVE);
    for (xls, xlsx) in [
        (
            "BPKAD/Bidang/SOP Surat Keluar.xls",
            "BPKAD/Bidang/SOP Surat Keluar.xlsx",
        ),
        (
            "dinas-kependudukan-dan-pencatatan-sipil/revisi/xls/SOP_SPPD.xls",
            "dinas-kependudukan-dan-pencatatan-sipil/revisi/SOP_SPPD.xlsx",
        ),
        (
            "kecamatan-tomohon-utara/SOP 2019/xls/SOP Pengelolaan Surat Masuk.xls",
            "kecamatan-tomohon-utara/SOP 2019/SOP Pengelolaan Surat Masuk.xlsx",
        ),
    ] {
        let a = corpus(xls);
        let b = corpus(xlsx);
        assert_eq!(a.format, Some(Format::Xls));
        assert_eq!(cells(&a), cells(&b), "{xls}");
        // Print titles survive in the .xls too.
        let ra: Vec<bool> = table(&a.sections[0])
            .rows
            .iter()
            .map(|r| r.repeat_header)
            .collect();
        let rb: Vec<bool> = table(&b.sections[0])
            .rows
            .iter()
            .map(|r| r.repeat_header)
            .collect();
        assert_eq!(ra, rb, "{xls}");
        assert!(ra.iter().any(|&h| h));
    }
    let t = corpus("BPKAD/Bidang/SOP Surat Keluar.xls");
    let c = table(&t.sections[0]).cell_at(6, 2).unwrap().clone();
    assert_eq!(c.value, Some(CellValue::Date("2021-06-20".into())));
    // Geometry from COLINFO and ROW records, as in the .xlsx.
    let tx = table(&t.sections[0]);
    assert!(
        (tx.col_widths[1] - 199.5).abs() < 0.01,
        "{:?}",
        tx.col_widths
    );
    assert_eq!(tx.rows[23].height, Some(48.0));
    // The branch labels keep their TXO text.
    let mut labels: Vec<&str> = t.sections[0]
        .shapes
        .iter()
        .filter(|s| !s.text.is_empty())
        .map(|s| s.text.as_str())
        .collect();
    labels.sort();
    assert_eq!(labels, vec!["Tidak", "Ya"]);
}

#[test]
fn ods_marks_spans_and_numbers() {
    shared_or_skip!(ARCHIVE);
    let rel = "DISDIKBUD/SOP 2019/Kumpulan SOP Dinas Pendidikan dan Kebudayaan";
    let ods = corpus(&format!("{rel}.ods"));
    let xlsx = corpus(&format!("{rel}.xlsx"));
    assert_eq!(ods.format, Some(Format::Ods));
    assert_eq!(cells(&ods), cells(&xlsx));
    let sec = &ods.sections[0];
    assert_eq!(sec.name.as_deref(), Some("Pengadaan Barang Melalui Pen"));
    let t = table(sec);
    let pel = t.cell_at(22, 2).unwrap();
    assert_eq!((pel.text.as_str(), pel.col_span), ("Pelaksana", 6));
    assert!(t.rows[22].repeat_header && t.rows[23].repeat_header);
    // Step 1: the number cell is a number shown without ".0", its mark "X" stands in
    // the first actor column; step 5 marks two actors.
    let no = t.cell_at(24, 0).unwrap();
    assert_eq!(no.text, "1");
    assert_eq!(no.value, Some(CellValue::Number(1.0)));
    assert_eq!(text_at(t, 24, 2), "X");
    assert_eq!(text_at(t, 23, 2), "Kabid Kebudayaan");
    let marked: Vec<usize> = (2..8).filter(|&c| text_at(t, 28, c) == "X").collect();
    assert_eq!(marked, vec![4, 5]);
    // Geometry from the column and row styles.
    assert_eq!(t.col_widths.len(), t.n_cols);
    assert!(t.col_widths[1] > t.col_widths[0]);
}

#[test]
fn libreoffice_ods_shapes_stand_in_the_same_cells() {
    let doc = read_path(&Path::new(FIXTURES).join("surat-keluar-libreoffice.ods")).unwrap();
    let sec = &doc.sections[0];
    let t = table(sec);
    assert_eq!(text_at(t, 19, 2), "Pelaksana");
    let syms: Vec<(ShapeKind, Option<(usize, usize)>)> = sec
        .shapes
        .iter()
        .filter(|s| {
            matches!(
                s.kind,
                ShapeKind::Terminator | ShapeKind::Process | ShapeKind::Decision
            ) && s.text.is_empty()
        })
        .map(|s| (s.kind, cell_of(s)))
        .collect();
    assert_eq!(
        syms,
        vec![
            (ShapeKind::Terminator, Some((21, 2))),
            (ShapeKind::Process, Some((22, 3))),
            (ShapeKind::Decision, Some((23, 4))),
            (ShapeKind::Process, Some((24, 5))),
            (ShapeKind::Process, Some((25, 2))),
            (ShapeKind::Process, Some((26, 2))),
            (ShapeKind::Terminator, Some((27, 2))),
        ]
    );
    let g: Vec<&str> = sec.shapes.iter().map(|s| s.geometry.as_str()).collect();
    assert!(g.contains(&"ooxml-flowChartDecision"));
    // The labels keep their own text, and the cells they stand in keep theirs.
    let mut labels: Vec<(&str, Option<(usize, usize)>)> = sec
        .shapes
        .iter()
        .filter(|s| !s.text.is_empty())
        .map(|s| (s.text.as_str(), cell_of(s)))
        .collect();
    labels.sort();
    assert_eq!(
        labels,
        vec![("Tidak", Some((23, 3))), ("Ya", Some((23, 4)))]
    );
    assert_eq!(text_at(t, 23, 3), "");
    assert_eq!(text_at(t, 0, 0), "PEMERINTAH KOTA TOMOHON");
    // ODS date cells (office:date-value) come out as ISO dates.
    let created = t.cell_at(6, 2).unwrap();
    assert_eq!(created.text, "2021-06-20");
    assert_eq!(created.value, Some(CellValue::Date("2021-06-20".into())));
    let arrows = sec
        .shapes
        .iter()
        .filter(|s| s.kind == ShapeKind::Arrow && s.line.is_some())
        .count();
    assert_eq!(arrows, 7);
}

#[test]
fn libreoffice_xlsx_with_shared_strings_reads_alike() {
    shared_or_skip!(ARCHIVE);
    let doc = read_path(&Path::new(FIXTURES).join("surat-keluar-libreoffice.xlsx")).unwrap();
    let orig = corpus("BPKAD/Bidang/SOP Surat Keluar.xlsx");
    assert_eq!(cells(&doc), cells(&orig));
    let pos = |d: &Document| -> Vec<(ShapeKind, Option<(usize, usize)>)> {
        d.sections[0]
            .shapes
            .iter()
            .filter(|s| s.kind != ShapeKind::Arrow)
            .map(|s| (s.kind, cell_of(s)))
            .collect()
    };
    let mut a = pos(&doc);
    let mut b = pos(&orig);
    a.sort_by_key(|x| format!("{x:?}"));
    b.sort_by_key(|x| format!("{x:?}"));
    assert_eq!(a, b);
}

#[test]
fn hostile_sheets_fail_fast_with_the_right_kind() {
    shared_or_skip!(ARCHIVE);
    let t0 = Instant::now();
    let err = read_path(&Path::new(ARCHIVE).join("_hostile/deep-nesting.xlsx")).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Corrupt, "{err}");
    assert!(t0.elapsed() < Duration::from_secs(1));
    let err = read_path(&Path::new(ARCHIVE).join("_hostile/plain-text.xlsx")).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Unsupported);
}

/// Builds an .xlsx from parts (stored, no compression).
fn make_xlsx(parts: &[(&str, &str)]) -> Vec<u8> {
    let mut buf = std::io::Cursor::new(Vec::new());
    {
        let mut zw = zip::ZipWriter::new(&mut buf);
        let opts = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Stored);
        for (name, body) in parts {
            zw.start_file(*name, opts).unwrap();
            zw.write_all(body.as_bytes()).unwrap();
        }
        zw.finish().unwrap();
    }
    buf.into_inner()
}

const WB: &str = r#"<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="S" sheetId="1" r:id="rId1"/></sheets></workbook>"#;
const WB_RELS: &str = r#"<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>"#;
const ROOT_RELS: &str = r#"<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#;
const CT: &str = r#"<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>"#;

fn sheet_xml(data: &str) -> String {
    format!(
        r#"<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>{data}</sheetData></worksheet>"#
    )
}

#[test]
fn a_sheet_spanning_the_whole_grid_is_too_large_not_an_allocation() {
    let sheet = sheet_xml(
        r#"<row r="1"><c r="A1" t="inlineStr"><is><t>a</t></is></c></row><row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>z</t></is></c></row>"#,
    );
    let bytes = make_xlsx(&[
        ("[Content_Types].xml", CT),
        ("_rels/.rels", ROOT_RELS),
        ("xl/workbook.xml", WB),
        ("xl/_rels/workbook.xml.rels", WB_RELS),
        ("xl/worksheets/sheet1.xml", &sheet),
    ]);
    let t0 = Instant::now();
    let err = sopap::read(&bytes, &Budget::default()).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::TooLarge, "{err}");
    assert!(t0.elapsed() < Duration::from_secs(1));
}

#[test]
fn numbers_bools_and_doctype() {
    let sheet = sheet_xml(
        r#"<row r="2"><c r="B2"><v>15</v></c><c r="C2"><v>2.5</v></c><c r="D2" t="b"><v>1</v></c><c r="E2" t="inlineStr"><is><t>a &amp; b</t></is></c></row>"#,
    );
    let bytes = make_xlsx(&[
        ("[Content_Types].xml", CT),
        ("_rels/.rels", ROOT_RELS),
        ("xl/workbook.xml", WB),
        ("xl/_rels/workbook.xml.rels", WB_RELS),
        ("xl/worksheets/sheet1.xml", &sheet),
    ]);
    let doc = sopap::read(&bytes, &Budget::default()).unwrap();
    let t = table(&doc.sections[0]);
    assert_eq!(t.rows.len(), 2);
    assert!(t.rows[0].cells.is_empty());
    let c = t.cell_at(1, 1).unwrap();
    assert_eq!(
        (c.text.as_str(), c.value.clone()),
        ("15", Some(CellValue::Number(15.0)))
    );
    assert_eq!(text_at(t, 1, 2), "2.5");
    assert_eq!(t.cell_at(1, 3).unwrap().value, Some(CellValue::Bool(true)));
    assert_eq!(text_at(t, 1, 4), "a & b");
    // A DTD in any part is refused before calamine sees it.
    let evil = format!("<?xml version=\"1.0\"?><!DOCTYPE x [<!ENTITY a \"b\">]>{sheet}");
    let bytes = make_xlsx(&[
        ("[Content_Types].xml", CT),
        ("_rels/.rels", ROOT_RELS),
        ("xl/workbook.xml", WB),
        ("xl/_rels/workbook.xml.rels", WB_RELS),
        ("xl/worksheets/sheet1.xml", &evil),
    ]);
    let err = sopap::read(&bytes, &Budget::default()).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Corrupt);
}

#[test]
fn damaged_workbooks_never_panic() {
    shared_or_skip!(ARCHIVE);
    // Truncations and byte flips of real files: every outcome is Ok or a typed error.
    for rel in [
        "BPKAD/Bidang/SOP Surat Keluar.xlsx",
        "BPKAD/Bidang/SOP Surat Keluar.xls",
        "DISDIKBUD/SOP 2019/Kumpulan SOP Dinas Pendidikan dan Kebudayaan.ods",
    ] {
        let bytes = std::fs::read(Path::new(ARCHIVE).join(rel)).unwrap();
        let n = bytes.len();
        for cut in [n / 2, n - 100, 600] {
            let r = sopap::read(&bytes[..cut], &Budget::default());
            assert!(r.is_err() || r.is_ok());
        }
        let mut seed: u64 = 0x9E37_79B9_7F4A_7C15;
        for _ in 0..40 {
            let mut b = bytes.clone();
            for _ in 0..8 {
                seed ^= seed << 13;
                seed ^= seed >> 7;
                seed ^= seed << 17;
                let i = (seed % n as u64) as usize;
                b[i] ^= (seed >> 32) as u8 | 1;
            }
            let _ = sopap::read(&b, &Budget::default());
        }
    }
}

/// Read speed over the corpus spreadsheets: `cargo test --release --test integration
/// ingest_sheet::speed -- --ignored --nocapture`.
#[test]
#[ignore]
fn speed_of_corpus_xlsx() {
    shared_or_skip!(ARCHIVE, TRUTH);
    let files: Vec<PathBuf> = truth_files(&["xlsx"])
        .into_iter()
        .filter(|(_, t)| t["error"].is_null())
        .map(|(rel, _)| Path::new(ARCHIVE).join(rel))
        .collect();
    let data: Vec<Vec<u8>> = files.iter().map(|p| std::fs::read(p).unwrap()).collect();
    let bytes: usize = data.iter().map(|d| d.len()).sum();
    let rounds = 20;
    let t0 = Instant::now();
    for _ in 0..rounds {
        for d in &data {
            sopap::read(d, &Budget::default()).unwrap();
        }
    }
    let secs = t0.elapsed().as_secs_f64();
    let n = (rounds * data.len()) as f64;
    println!(
        "{} files, {:.0} KB average: {:.0} files/s, {:.2} ms/file",
        data.len(),
        bytes as f64 / data.len() as f64 / 1024.0,
        n / secs,
        secs * 1000.0 / n
    );
    // Baseline: calamine alone, cells of every sheet, nothing else.
    use calamine::Reader;
    let t0 = Instant::now();
    for _ in 0..rounds {
        for d in &data {
            let mut wb: calamine::Xlsx<_> =
                calamine::open_workbook_from_rs(std::io::Cursor::new(d.as_slice())).unwrap();
            for name in wb.sheet_names() {
                wb.worksheet_range(&name).unwrap();
            }
        }
    }
    let base = t0.elapsed().as_secs_f64();
    println!(
        "calamine cells alone: {:.0} files/s ({:.0}% of the reader's time)",
        n / base,
        base / secs * 100.0
    );
}

#[test]
fn a_password_protected_xls_is_encrypted() {
    shared_or_skip!(ARCHIVE);
    // Put a FILEPASS record (RC4 encryption) right after the globals' BOF, as Excel
    // does when a workbook has an opening password.
    let bytes =
        std::fs::read(Path::new(ARCHIVE).join("BPKAD/Bidang/SOP Surat Keluar.xls")).unwrap();
    let mut src = cfb::CompoundFile::open(std::io::Cursor::new(bytes)).unwrap();
    let mut wb = Vec::new();
    std::io::Read::read_to_end(&mut src.open_stream("/Workbook").unwrap(), &mut wb).unwrap();
    let bof_len = u16::from_le_bytes([wb[2], wb[3]]) as usize + 4;
    let mut patched = wb[..bof_len].to_vec();
    patched.extend_from_slice(&[0x2F, 0x00, 0x06, 0x00, 0x01, 0x00, 0x01, 0x00, 0x01, 0x00]);
    patched.extend_from_slice(&wb[bof_len..]);
    let mut out =
        cfb::CompoundFile::create_with_version(cfb::Version::V3, std::io::Cursor::new(Vec::new()))
            .unwrap();
    out.create_stream("/Workbook")
        .unwrap()
        .write_all(&patched)
        .unwrap();
    out.flush().unwrap();
    let bytes = out.into_inner().into_inner();
    let err = sopap::read(&bytes, &Budget::default()).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Encrypted, "{err}");
}

/// Rewrites the corpus .xls with `patch` applied to every BIFF record (type, data).
fn patched_xls(patch: impl Fn(u16, &mut [u8])) -> Vec<u8> {
    let bytes =
        std::fs::read(Path::new(ARCHIVE).join("BPKAD/Bidang/SOP Surat Keluar.xls")).unwrap();
    let mut src = cfb::CompoundFile::open(std::io::Cursor::new(bytes)).unwrap();
    let mut wb = Vec::new();
    std::io::Read::read_to_end(&mut src.open_stream("/Workbook").unwrap(), &mut wb).unwrap();
    let mut pos = 0;
    while pos + 4 <= wb.len() {
        let rt = u16::from_le_bytes([wb[pos], wb[pos + 1]]);
        let len = u16::from_le_bytes([wb[pos + 2], wb[pos + 3]]) as usize;
        patch(rt, &mut wb[pos + 4..pos + 4 + len]);
        pos += 4 + len;
    }
    let mut out =
        cfb::CompoundFile::create_with_version(cfb::Version::V3, std::io::Cursor::new(Vec::new()))
            .unwrap();
    out.create_stream("/Workbook")
        .unwrap()
        .write_all(&wb)
        .unwrap();
    out.flush().unwrap();
    out.into_inner().into_inner()
}

#[test]
fn xls_dimensions_claiming_the_whole_grid_are_refused_before_calamine() {
    shared_or_skip!(ARCHIVE);
    // BIFF8 DIMENSIONS: rwMic u32, rwMac u32, colMic u16, colMac u16.
    let huge = patched_xls(|rt, d| {
        if rt == 0x0200 && d.len() >= 12 {
            d[0..4].copy_from_slice(&0u32.to_le_bytes());
            d[4..8].copy_from_slice(&65_536u32.to_le_bytes());
            d[8..10].copy_from_slice(&0u16.to_le_bytes());
            d[10..12].copy_from_slice(&256u16.to_le_bytes());
        }
    });
    let err = sopap::read(&huge, &Budget::default()).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::TooLarge, "{err}");
    let backwards = patched_xls(|rt, d| {
        if rt == 0x0200 && d.len() >= 12 {
            d[0..4].copy_from_slice(&50u32.to_le_bytes());
            d[4..8].copy_from_slice(&10u32.to_le_bytes());
        }
    });
    let err = sopap::read(&backwards, &Budget::default()).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Corrupt, "{err}");
    // Unpatched, the rebuilt container reads as before.
    let same = patched_xls(|_, _| {});
    let doc = sopap::read(&same, &Budget::default()).unwrap();
    assert_eq!(
        cells(&doc),
        cells(&corpus("BPKAD/Bidang/SOP Surat Keluar.xls"))
    );
}

#[test]
fn xls_values_spread_over_the_whole_grid_are_refused_before_calamine() {
    shared_or_skip!(ARCHIVE);
    // Move the string cells to IV65536, far from the date numbers near A1: calamine
    // would hold 16.7 million cells.
    let far = patched_xls(|rt, d| {
        if rt == 0x00FD && d.len() >= 4 {
            d[0..2].copy_from_slice(&65_535u16.to_le_bytes());
            d[2..4].copy_from_slice(&255u16.to_le_bytes());
        }
    });
    let err = sopap::read(&far, &Budget::default()).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::TooLarge, "{err}");
}

#[test]
fn dump_prints_the_sheet_model_as_json() {
    shared_or_skip!(ARCHIVE);
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_sopap"))
        .arg("dump")
        .arg(Path::new(ARCHIVE).join("BPKAD/Bidang/SOP Surat Keluar.xlsx"))
        .output()
        .unwrap();
    assert!(out.status.success());
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["format"], "xlsx");
    let sec = &v["sections"][0];
    assert_eq!(sec["name"], "SOP 1");
    assert_eq!(sec["blocks"][0]["type"], "table");
    let shapes = sec["shapes"].as_array().unwrap();
    let first = shapes.iter().find(|s| s["kind"] == "terminator").unwrap();
    assert_eq!(first["anchor"]["in"], "cell");
    assert_eq!(first["anchor"]["row"], 21);
    assert_eq!(first["anchor"]["col"], 2);
    assert_eq!(first["geometry"], "flowChartTerminator");
}

/// A used range inflated by styled empty cells (and a dimension claiming the whole grid)
/// is measured by the cells with content: the sheet is read, not refused.
#[test]
fn a_used_range_inflated_by_styled_empty_cells_is_read() {
    let sheet = r#"<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><dimension ref="A1:XFD1048576"/><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>Menerima berkas</t></is></c><c r="B1" t="inlineStr"><is><t>Petugas</t></is></c><c r="XFD1" s="1"></c></row><row r="1048576"><c r="XFD1048576" s="1"/></row></sheetData></worksheet>"#;
    let bytes = make_xlsx(&[
        ("[Content_Types].xml", CT),
        ("_rels/.rels", ROOT_RELS),
        ("xl/workbook.xml", WB),
        ("xl/_rels/workbook.xml.rels", WB_RELS),
        ("xl/worksheets/sheet1.xml", sheet),
    ]);
    let doc = sopap::read(&bytes, &Budget::default()).unwrap();
    let t = table(&doc.sections[0]);
    assert_eq!((t.rows.len(), t.n_cols), (1, 2));
    assert_eq!(text_at(t, 0, 0), "Menerima berkas");
    assert_eq!(text_at(t, 0, 1), "Petugas");
}

const CELL_ROW: &str =
    r#"<row r="1"><c r="A1" t="inlineStr"><is><t>Menerima berkas</t></is></c></row>"#;

fn sheet_with(data: &str, extra: &str) -> String {
    format!(
        r#"<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheetData>{data}</sheetData>{extra}</worksheet>"#
    )
}

/// An .xlsm whose first sheet is an Excel 4 macro sheet reads its ordinary sheet.
#[test]
fn xlsm_with_an_excel4_macro_sheet_reads_its_ordinary_sheets() {
    let wb = r#"<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Macro1" sheetId="2" r:id="rId2"/><sheet name="S" sheetId="1" r:id="rId1"/></sheets></workbook>"#;
    let rels = r#"<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.microsoft.com/office/2006/relationships/xlMacrosheet" Target="macrosheets/sheet1.xml"/></Relationships>"#;
    let macro_sheet = r#"<xm:macrosheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:xm="http://schemas.microsoft.com/office/excel/2006/main"><sheetData><row r="1"><c r="A1" t="str"><f>HALT()</f><v>1</v></c></row></sheetData></xm:macrosheet>"#;
    let sheet = sheet_with(CELL_ROW, "");
    let bytes = make_xlsx(&[
        ("[Content_Types].xml", CT),
        ("_rels/.rels", ROOT_RELS),
        ("xl/workbook.xml", wb),
        ("xl/_rels/workbook.xml.rels", rels),
        ("xl/worksheets/sheet1.xml", &sheet),
        ("xl/macrosheets/sheet1.xml", macro_sheet),
    ]);
    let doc = sopap::read(&bytes, &Budget::default()).unwrap();
    let names: Vec<_> = doc.sections.iter().map(|s| s.name.clone()).collect();
    assert_eq!(names, vec![Some("S".to_string())]);
    assert_eq!(text_at(table(&doc.sections[0]), 0, 0), "Menerima berkas");
}

/// A malformed legacy VML drawing drops that drawing, not the workbook.
#[test]
fn a_malformed_vml_drawing_drops_the_drawing_not_the_workbook() {
    let sheet = sheet_with(CELL_ROW, r#"<legacyDrawing r:id="rId1"/>"#);
    let sheet_rels = r#"<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/vmlDrawing" Target="../drawings/vmlDrawing1.vml"/></Relationships>"#;
    let bytes = make_xlsx(&[
        ("[Content_Types].xml", CT),
        ("_rels/.rels", ROOT_RELS),
        ("xl/workbook.xml", WB),
        ("xl/_rels/workbook.xml.rels", WB_RELS),
        ("xl/worksheets/sheet1.xml", &sheet),
        ("xl/worksheets/_rels/sheet1.xml.rels", sheet_rels),
        (
            "xl/drawings/vmlDrawing1.vml",
            r#"<xml xmlns:v="urn:schemas-microsoft-com:vml"><v:shape id="a"><br><v:textbox></xml>"#,
        ),
    ]);
    let doc = sopap::read(&bytes, &Budget::default()).unwrap();
    assert_eq!(text_at(table(&doc.sections[0]), 0, 0), "Menerima berkas");
}

/// A worksheet part written in UTF-16 is read (as its UTF-8 twin would be).
#[test]
fn a_utf16_sheet_part_is_read() {
    let sheet = format!(
        r#"<?xml version="1.0" encoding="UTF-16"?>{}"#,
        sheet_with(CELL_ROW, "")
    );
    for little in [true, false] {
        let mut utf16: Vec<u8> = if little {
            vec![0xFF, 0xFE]
        } else {
            vec![0xFE, 0xFF]
        };
        for u in sheet.encode_utf16() {
            utf16.extend(if little {
                u.to_le_bytes()
            } else {
                u.to_be_bytes()
            });
        }
        let mut buf = std::io::Cursor::new(Vec::new());
        {
            let mut zw = zip::ZipWriter::new(&mut buf);
            let opts = zip::write::SimpleFileOptions::default()
                .compression_method(zip::CompressionMethod::Deflated);
            for (name, body) in [
                ("[Content_Types].xml", CT.as_bytes()),
                ("_rels/.rels", ROOT_RELS.as_bytes()),
                ("xl/workbook.xml", WB.as_bytes()),
                ("xl/_rels/workbook.xml.rels", WB_RELS.as_bytes()),
                ("xl/worksheets/sheet1.xml", utf16.as_slice()),
            ] {
                zw.start_file(name, opts).unwrap();
                zw.write_all(body).unwrap();
            }
            zw.finish().unwrap();
        }
        let doc = sopap::read(&buf.into_inner(), &Budget::default()).unwrap();
        assert_eq!(text_at(table(&doc.sections[0]), 0, 0), "Menerima berkas");
    }
}

/// A zip whose end record points the central directory at the wrong offset is
/// `corrupt` with a message saying so.
#[test]
fn a_wrong_central_directory_offset_is_named() {
    let sheet = sheet_with(CELL_ROW, "");
    let mut bytes = make_xlsx(&[
        ("[Content_Types].xml", CT),
        ("_rels/.rels", ROOT_RELS),
        ("xl/workbook.xml", WB),
        ("xl/_rels/workbook.xml.rels", WB_RELS),
        ("xl/worksheets/sheet1.xml", &sheet),
    ]);
    let end = bytes.windows(4).rposition(|w| w == b"PK\x05\x06").unwrap();
    let at = end + 16;
    let off = u32::from_le_bytes(bytes[at..at + 4].try_into().unwrap());
    bytes[at..at + 4].copy_from_slice(&(off + 7).to_le_bytes());
    let err = sopap::read(&bytes, &Budget::default()).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Corrupt, "{err}");
    let msg = err.to_string();
    assert!(
        msg.contains("central directory") && msg.contains("offset is wrong"),
        "{msg}"
    );
}

/// The plain fixture workbook and LibreOffice's copies of it encrypted with Excel's
/// built-in password and with another one (`fixtures/tools/encrypt_xls.py`).
const PLAIN_XLS: &str = "kecamatan-wenang/xls/Buku SOP Kecamatan Wenang 2021.xls";
const XLS_FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/xls");

/// (activity, actors, symbol) of every step of every SOP read from `doc`.
fn steps_of(doc: &Document) -> Vec<(String, Vec<String>, String)> {
    let rules = sopap::Rules::defaults().unwrap();
    sopap::parse(doc, &rules)
        .iter()
        .flat_map(|s| s.steps.iter())
        .map(|st| {
            let v = serde_json::to_value(st).unwrap();
            let actors = v["actors"]
                .as_array()
                .map(|a| {
                    a.iter()
                        .filter_map(|x| x.as_str().map(String::from))
                        .collect()
                })
                .unwrap_or_default();
            (
                v["activity"].as_str().unwrap_or("").to_string(),
                actors,
                v["symbol"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect()
}

/// RC4 with MD5 keys (LibreOffice's writer) and RC4 CryptoAPI with 128- and 40-bit keys
/// (`fixtures/tools/encrypt_xls_cryptoapi.py`, checked with msoffcrypto-tool), all with
/// Excel's built-in password, read as the plain workbook reads.
#[test]
fn xls_encrypted_with_excels_default_key_is_read() {
    let plain = read_path(&Path::new(FIXTURE_ARCHIVE).join(PLAIN_XLS)).unwrap();
    for name in [
        "velvet-sweatshop.xls",
        "cryptoapi-128-velvet-sweatshop.xls",
        "cryptoapi-40-velvet-sweatshop.xls",
    ] {
        default_key_workbook_reads_as(name, &plain);
    }
}

fn default_key_workbook_reads_as(name: &str, plain: &Document) {
    let doc = read_path(&Path::new(XLS_FIXTURES).join(name))
        .unwrap_or_else(|e| panic!("{name}: the default-key workbook is not read: {e}"));
    assert_eq!(doc.format, Some(Format::Xls));
    // Every sheet's cells and shapes come back deciphered: the same as the plain file.
    assert_eq!(doc.sections.len(), plain.sections.len());
    for (a, b) in doc.sections.iter().zip(&plain.sections) {
        assert_eq!(a.name, b.name);
        let (ta, tb) = (table(a), table(b));
        assert_eq!(ta.rows.len(), tb.rows.len(), "sheet {:?}", a.name);
        for (ra, rb) in ta.rows.iter().zip(&tb.rows) {
            let texts = |r: &sopap::Row| r.cells.iter().map(|c| c.text.clone()).collect::<Vec<_>>();
            assert_eq!(texts(ra), texts(rb), "sheet {:?}", a.name);
        }
        let kinds = |s: &Section| s.shapes.iter().map(|x| x.kind).collect::<Vec<_>>();
        assert_eq!(kinds(a), kinds(b), "sheet {:?}", a.name);
    }
    // The SOP reads: its first step, its actor and its drawn symbol.
    let steps = steps_of(&doc);
    assert_eq!(steps, steps_of(plain), "{name}");
    let first = steps.first().expect("no step read");
    assert_eq!(
        first.0,
        "Mengajukan permohonan izin dengan melampirkan persyaratan"
    );
    assert_eq!(first.1, vec!["Pemohon".to_string()]);
    assert_eq!(first.2, "terminator");
    assert!(steps.iter().any(|s| s.2 == "decision"), "{steps:?}");
}

#[test]
fn xls_encrypted_with_another_password_stays_encrypted() {
    let bytes = std::fs::read(Path::new(XLS_FIXTURES).join("other-password.xls")).unwrap();
    for _ in 0..3 {
        let err = sopap::read(&bytes, &Budget::default()).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Encrypted, "{err}");
        assert!(err.to_string().contains("password"), "{err}");
    }
}
