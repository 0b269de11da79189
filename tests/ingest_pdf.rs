//! The PDF reader on LibreOffice exports of the corpus, real BPS PDFs, hostile files
//! and small synthetic PDFs.

use std::time::{Duration, Instant};

use sopap::{Anchor, Block, Budget, Document, ErrorKind, Section, ShapeKind, Table};

use crate::support;
use support::{CORPUS, REAL};

fn read_path(path: &str) -> Result<Document, sopap::IngestError> {
    let bytes = std::fs::read(path).unwrap_or_else(|e| panic!("{path}: {e}"));
    sopap::read(&bytes, &Budget::default())
}

fn corpus(rel: &str) -> Document {
    read_path(&format!("{CORPUS}/archive/{rel}")).unwrap()
}

fn real(rel: &str) -> Document {
    read_path(&format!("{REAL}/{rel}")).unwrap()
}

fn norm(s: &str) -> String {
    s.to_lowercase()
        .chars()
        .map(|c| if c.is_alphanumeric() { c } else { ' ' })
        .collect::<String>()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

fn section(doc: &Document) -> &Section {
    assert_eq!(doc.sections.len(), 1, "one section for the whole PDF");
    &doc.sections[0]
}

/// (block index, table) pairs.
fn tables(doc: &Document) -> Vec<(usize, &Table)> {
    section(doc)
        .blocks
        .iter()
        .enumerate()
        .filter_map(|(i, b)| match b {
            Block::Table(t) => Some((i, t)),
            Block::Paragraph(_) => None,
        })
        .collect()
}

/// The (block, row) of the first table row holding a cell whose text starts with `text`.
fn row_with(doc: &Document, text: &str) -> Option<(usize, usize)> {
    let want = norm(text);
    for (bi, t) in tables(doc) {
        for (ri, r) in t.rows.iter().enumerate() {
            if r.cells.iter().any(|c| norm(&c.text).starts_with(&want)) {
                return Some((bi, ri));
            }
        }
    }
    None
}

/// The grid column of the first cell (in any table) whose text is `text`.
fn col_of(doc: &Document, text: &str) -> Option<usize> {
    let want = norm(text);
    tables(doc)
        .iter()
        .flat_map(|(_, t)| t.rows.iter().flat_map(|r| r.cells.iter()))
        .find(|c| norm(&c.text) == want)
        .map(|c| c.col)
}

/// Symbols (not arrows, not labels) anchored in (block, row), as (col, kind), sorted.
fn symbols_in_row(doc: &Document, block: usize, row: usize) -> Vec<(usize, ShapeKind)> {
    let mut v: Vec<(usize, ShapeKind)> = section(doc)
        .shapes_in_row(block, row)
        .filter(|s| s.kind != ShapeKind::Arrow && !s.text_box)
        .filter_map(|s| match s.anchor {
            Anchor::Cell { col, .. } => Some((col, s.kind)),
            Anchor::Free => None,
        })
        .collect();
    v.sort_by_key(|(c, k)| (*c, format!("{k:?}")));
    v
}

fn symbol_kind(name: &str) -> ShapeKind {
    match name {
        "terminator" => ShapeKind::Terminator,
        "decision" => ShapeKind::Decision,
        "connector" => ShapeKind::Connector,
        "offpage" => ShapeKind::OffPage,
        _ => ShapeKind::Process,
    }
}

/// Checks every truth step of `rel`: its activity row holds its symbol in exactly
/// its actors' columns (actor columns start at grid column 2, in truth order).
fn check_against_truth(rel: &str) -> usize {
    let truth: serde_json::Value =
        serde_json::from_slice(&std::fs::read(format!("{CORPUS}/truth.json")).unwrap()).unwrap();
    let file = &truth["files"][rel];
    let doc = corpus(rel);
    let mut checked = 0;
    for sop in file["sops"].as_array().unwrap() {
        let actors: Vec<&str> = sop["actors"]
            .as_array()
            .unwrap()
            .iter()
            .map(|a| a.as_str().unwrap())
            .collect();
        for step in sop["steps"].as_array().unwrap() {
            let activity = step["activity"].as_str().unwrap();
            let prefix: String = norm(activity).chars().take(40).collect();
            // The first table row whose Kegiatan cell starts like the activity and holds
            // symbols (activities may repeat in a book, so try every match).
            let mut found = false;
            let mut seen = Vec::new();
            for (bi, t) in tables(&doc) {
                for (ri, r) in t.rows.iter().enumerate() {
                    if !r.cells.iter().any(|c| norm(&c.text).starts_with(&prefix)) {
                        continue;
                    }
                    let got = symbols_in_row(&doc, bi, ri);
                    let mut want: Vec<(usize, ShapeKind)> = step["actors"]
                        .as_array()
                        .unwrap()
                        .iter()
                        .map(|a| {
                            let i = actors
                                .iter()
                                .position(|x| *x == a.as_str().unwrap())
                                .unwrap();
                            (2 + i, symbol_kind(step["symbol"].as_str().unwrap()))
                        })
                        .collect();
                    want.sort_by_key(|(c, k)| (*c, format!("{k:?}")));
                    if got == want {
                        found = true;
                    }
                    seen.push(got);
                }
            }
            assert!(found, "{rel}: step {activity:?}: rows hold {seen:?}");
            checked += 1;
        }
    }
    checked
}

#[test]
fn writer_export_surat_masuk_cells_spans_and_shapes() {
    shared_or_skip!(CORPUS);
    let rel = "bappeda/Arsip SOP/lama/Surat Masuk 2023.pdf";
    let doc = corpus(rel);
    let (bi, t) = tables(&doc)
        .into_iter()
        .find(|(_, t)| {
            t.rows
                .iter()
                .any(|r| r.cells.iter().any(|c| c.text == "Uraian Kegiatan"))
        })
        .expect("procedure table");
    assert_eq!(t.page, Some(2));
    let head = &t.rows[0].cells;
    let uraian = head.iter().find(|c| c.text == "Uraian Kegiatan").unwrap();
    assert_eq!((uraian.row, uraian.col, uraian.row_span), (0, 1, 2));
    let pelaksana = head.iter().find(|c| c.text == "Pelaksana").unwrap();
    assert_eq!((pelaksana.col, pelaksana.col_span), (2, 4));
    let mutu = head.iter().find(|c| c.text == "Mutu Baku").unwrap();
    assert_eq!((mutu.col, mutu.col_span), (6, 3));
    assert_eq!(t.row_texts(1)[2], "Staff");
    assert_eq!(t.row_texts(1)[4], "Sekretaris");
    assert_eq!(t.row_texts(1)[5], "KABAN");
    assert_eq!(
        norm(t.row_texts(2)[1]),
        "menerima surat masuk dan mencatat dalam buku agenda surat masuk"
    );
    assert_eq!(t.row_texts(2)[7], "10\nMenit");
    // Step 2 is a decision in the Staff column; its Ya/Tidak labels are label text
    // boxes, not cell text.
    assert_eq!(symbols_in_row(&doc, bi, 3), vec![(2, ShapeKind::Decision)]);
    let labels: Vec<&str> = section(&doc)
        .shapes
        .iter()
        .filter(|s| s.text_box)
        .map(|s| s.text.as_str())
        .collect();
    assert!(
        labels.contains(&"Ya") && labels.contains(&"Tidak"),
        "{labels:?}"
    );
    assert!(
        t.rows
            .iter()
            .all(|r| r.cells.iter().all(|c| c.text != "Ya"))
    );
    // Every shape has a page and a bbox inside the A4 page.
    for s in &section(&doc).shapes {
        let b = s.bbox.unwrap();
        assert_eq!(s.page, Some(2));
        assert!(b.x >= 0.0 && b.y >= 0.0 && b.x + b.w <= 596.0 && b.y + b.h <= 842.0);
    }
    assert_eq!(check_against_truth(rel), 8);
}

#[test]
fn vml_origin_export_pengadaan_langsung_matches_truth() {
    shared_or_skip!(CORPUS);
    let rel = "BKPSDM/SOP Pengadaan Langsung.pdf";
    assert_eq!(check_against_truth(rel), 8);
    let doc = corpus(rel);
    // The rounded VML rectangles come out as terminators (Bézier corners).
    let terms = section(&doc)
        .shapes
        .iter()
        .filter(|s| s.kind == ShapeKind::Terminator)
        .count();
    assert_eq!(terms, 2);
}

#[test]
fn calc_export_buku_sop_bappeda_matches_truth() {
    shared_or_skip!(CORPUS);
    let rel = "bappeda/BUKU SOP BAPPEDA 2022.pdf";
    assert_eq!(check_against_truth(rel), 19);
    let doc = corpus(rel);
    // Type1 URW fonts decode to readable text.
    let text = doc.plain_text();
    assert!(
        text.contains("Pengelolaan Surat Keluar"),
        "{}",
        &text[..400.min(text.len())]
    );
}

#[test]
fn header_repeats_on_each_page_of_a_long_table() {
    shared_or_skip!(CORPUS);
    let doc = corpus("dinas-kependudukan-dan-pencatatan-sipil/SOP_CUTI.pdf");
    let pages: Vec<u32> = tables(&doc)
        .iter()
        .filter(|(_, t)| {
            t.rows
                .iter()
                .take(2)
                .any(|r| r.cells.iter().any(|c| norm(&c.text) == "uraian kegiatan"))
        })
        .filter_map(|(_, t)| t.page)
        .collect();
    assert!(pages.contains(&2) && pages.contains(&3), "{pages:?}");
    for (_, t) in tables(&doc) {
        assert!(t.rows.iter().all(|r| r.page == t.page));
        if t.page == Some(3) {
            // The repeated two header rows are marked; the steps are not.
            let marks: Vec<bool> = t.rows.iter().map(|r| r.repeat_header).collect();
            assert_eq!(&marks[..3], &[true, true, false]);
        }
    }
}

#[test]
fn real_025_excel_origin_texts_and_shapes_per_column() {
    shared_or_skip!(REAL);
    let rel = "bps-bengkulu/025. SOP Pengelolaan Surat-Masuk signed.pdf";
    let doc = real(rel);
    let text = doc.plain_text();
    assert!(text.contains("SOP-025/17000/2025"));
    assert!(
        !text.contains("ditandatangani secara elektronik"),
        "footer dropped"
    );
    assert!(!text.contains("Pindai kode QR"));
    let expected: serde_json::Value =
        serde_json::from_slice(&std::fs::read(format!("{REAL}/expected.json")).unwrap()).unwrap();
    let entry = expected["documents"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["file"] == rel)
        .unwrap();
    let mut checked = 0;
    for step in entry["steps"].as_array().unwrap() {
        let Some(shapes) = step["shapes"].as_object() else {
            continue;
        };
        let (bi, ri) = row_with(&doc, step["activity"].as_str().unwrap()).unwrap();
        let mut want: Vec<(usize, ShapeKind)> = shapes
            .iter()
            .map(|(actor, kind)| {
                let kind = kind.as_str().unwrap().split_whitespace().next().unwrap();
                (col_of(&doc, actor).unwrap(), symbol_kind(kind))
            })
            .collect();
        want.sort_by_key(|(c, k)| (*c, format!("{k:?}")));
        assert_eq!(symbols_in_row(&doc, bi, ri), want, "step {}", step["no"]);
        checked += 1;
    }
    assert_eq!(checked, 11);
    // Text inside a symbol belongs to the symbol.
    assert!(
        section(&doc)
            .shapes
            .iter()
            .any(|s| s.kind == ShapeKind::Decision && s.text == "Perlu disposisi?")
    );
    assert!(
        section(&doc)
            .shapes
            .iter()
            .any(|s| s.kind == ShapeKind::Terminator && s.text == "Via Email")
    );
}

#[test]
fn real_042_flipped_ctm_and_cid_fonts() {
    shared_or_skip!(REAL);
    let doc = real("bps-bengkulu/042. SOP Pemeliharaan PC dan Perangkat TI signed.pdf");
    let pjk = col_of(&doc, "PJK TI").expect("actor header decoded through ToUnicode");
    assert_eq!(col_of(&doc, "Anggota tim TIP"), Some(pjk + 1));
    let (bi, ri) = row_with(&doc, "Mengecek Jadwal Pemeliharaan").unwrap();
    assert_eq!(
        symbols_in_row(&doc, bi, ri),
        vec![(pjk, ShapeKind::Terminator)]
    );
    let (bi, ri) = row_with(&doc, "Mengecek Identitas Perangkat").unwrap();
    assert_eq!(
        symbols_in_row(&doc, bi, ri),
        vec![(pjk, ShapeKind::Process)]
    );
    // Flattened outlines: three diamonds are recognised without any curve operator.
    let decisions = section(&doc)
        .shapes
        .iter()
        .filter(|s| s.kind == ShapeKind::Decision)
        .count();
    assert_eq!(decisions, 3);
}

#[test]
fn real_077_sloppy_grid_keeps_actor_columns_apart() {
    shared_or_skip!(REAL);
    // Identity block and flowchart share one grid, and the actor borders stop short
    // of the header row; each actor still gets its own column.
    let doc = real("bps-bengkulu/077. SOP Pengumpulan Data Seruti signed.pdf");
    let first = col_of(&doc, "Ketua Tim Statistik Sosial").unwrap();
    assert_eq!(
        col_of(&doc, "Anggota Tim Statistik Sosial"),
        Some(first + 1)
    );
    assert_eq!(col_of(&doc, "Kepala Bagian Umum"), Some(first + 2));
    assert_eq!(col_of(&doc, "BPS Kabupaten/Kota"), Some(first + 3));
    let (bi, ri) = row_with(&doc, "Monitoring Pelaksanaan Lapangan").unwrap();
    assert_eq!(
        symbols_in_row(&doc, bi, ri),
        vec![
            (first, ShapeKind::Terminator),
            (first + 1, ShapeKind::Process),
            (first + 2, ShapeKind::Process),
            (first + 3, ShapeKind::Process)
        ]
    );
}

#[test]
fn real_nitro_303_and_290() {
    shared_or_skip!(REAL);
    let doc = real(
        "bps-bengkulu/303. SOP PELAKSANAAN KONTRAK JASA KONSULTANSI KONSTRUKSI PEKERJAAN KONSTRUKSI signed.pdf",
    );
    let ppk = col_of(&doc, "PPK").unwrap();
    assert_eq!(col_of(&doc, "Penyedia"), Some(ppk + 1));
    let (bi, ri) = row_with(&doc, "PPK menerima Laporan Hasil Pemilihan").unwrap();
    assert_eq!(
        symbols_in_row(&doc, bi, ri),
        vec![(ppk, ShapeKind::Terminator)]
    );
    let offpage = section(&doc)
        .shapes
        .iter()
        .filter(|s| s.kind == ShapeKind::OffPage)
        .count();
    assert!(offpage >= 4, "{offpage}");

    let doc = real("bps-bengkulu/290. SOP PERSIAPAN PENGADAAN PEKERJAAN KONSTRUKSI signed.pdf");
    assert!(doc.plain_text().contains("SOP-290/17000/2025"));
    let anchored = section(&doc)
        .shapes
        .iter()
        .filter(|s| {
            matches!(s.kind, ShapeKind::Terminator | ShapeKind::Process)
                && matches!(s.anchor, Anchor::Cell { .. })
        })
        .count();
    assert!(anchored >= 5, "{anchored}");
}

#[test]
fn hostile_pdfs_end_with_the_right_kind_quickly() {
    shared_or_skip!(CORPUS);
    let cases: [(&str, Option<ErrorKind>); 7] = [
        ("broken-xref.pdf", None),
        ("owner-password-only.pdf", None),
        ("renamed-pdf.docx", None),
        ("encrypted-user-password.pdf", Some(ErrorKind::Encrypted)),
        ("pages-cycle.pdf", Some(ErrorKind::Corrupt)),
        ("truncated.pdf", Some(ErrorKind::Corrupt)),
        ("scanned.pdf", None),
    ];
    for (name, kind) in cases {
        let start = Instant::now();
        let got = read_path(&format!("{CORPUS}/archive/_hostile/{name}"));
        // One second in a release build; debug builds run AES-256 key derivation and
        // the interpreter several times slower, and tests run in parallel.
        let limit = Duration::from_secs(if cfg!(debug_assertions) { 4 } else { 1 });
        assert!(start.elapsed() < limit, "{name} took {:?}", start.elapsed());
        match (got, kind) {
            (Ok(doc), None) => {
                let text = doc.plain_text();
                if name == "scanned.pdf" {
                    assert!(text.trim().is_empty(), "a scan has no text layer");
                } else {
                    // The mark-table SOP is there.
                    assert!(text.contains("Penanganan Pengaduan Masyarakat"), "{name}");
                    assert!(!tables(&doc).is_empty(), "{name}");
                }
            }
            (Err(e), Some(k)) => assert_eq!(e.kind(), k, "{name}: {e}"),
            (other, k) => panic!("{name}: expected {k:?}, got {:?}", other.map(|_| ())),
        }
    }
}

#[test]
fn real_scans_have_no_text() {
    shared_or_skip!(REAL);
    for entry in std::fs::read_dir(format!("{REAL}/satpolpp-kalbar")).unwrap() {
        let path = entry.unwrap().path();
        let doc = read_path(path.to_str().unwrap()).unwrap();
        assert!(doc.plain_text().trim().is_empty(), "{}", path.display());
    }
}

// ---- Synthetic PDFs built with lopdf -------------------------------------------

mod synth {
    use lopdf::{Dictionary, Document, Object, Stream, dictionary};

    /// A one-page PDF with Helvetica as /F1, the given content and page attributes,
    /// plus optional XObjects (name, stream dictionary, content).
    pub fn pdf(content: &str, rotate: i64, xobjects: &[(&str, &str)]) -> Vec<u8> {
        let mut doc = Document::with_version("1.5");
        let pages_id = doc.new_object_id();
        let font_id = doc.add_object(dictionary! {
            "Type" => "Font",
            "Subtype" => "Type1",
            "BaseFont" => "Helvetica",
            "Encoding" => "WinAnsiEncoding",
        });
        let mut xdict = Dictionary::new();
        let mut ids = Vec::new();
        for (name, _) in xobjects {
            let id = doc.new_object_id();
            ids.push(id);
            xdict.set(name.as_bytes().to_vec(), Object::Reference(id));
        }
        let resources = dictionary! {
            "Font" => dictionary! { "F1" => font_id },
            "XObject" => xdict,
        };
        let res_id = doc.add_object(resources);
        for ((_, body), id) in xobjects.iter().zip(&ids) {
            let s = Stream::new(
                dictionary! {
                    "Type" => "XObject",
                    "Subtype" => "Form",
                    "BBox" => vec![0.into(), 0.into(), 600.into(), 800.into()],
                    "Resources" => res_id,
                },
                body.as_bytes().to_vec(),
            );
            doc.objects.insert(*id, Object::Stream(s));
        }
        let mut content_stream = Stream::new(dictionary! {}, content.as_bytes().to_vec());
        content_stream.compress().unwrap();
        let content_id = doc.add_object(content_stream);
        let page_id = doc.add_object(dictionary! {
            "Type" => "Page",
            "Parent" => pages_id,
            "Contents" => content_id,
            "Resources" => res_id,
            "MediaBox" => vec![0.into(), 0.into(), 600.into(), 800.into()],
            "Rotate" => rotate,
        });
        doc.objects.insert(
            pages_id,
            Object::Dictionary(dictionary! {
                "Type" => "Pages",
                "Kids" => vec![page_id.into()],
                "Count" => 1,
            }),
        );
        let catalog_id = doc.add_object(dictionary! { "Type" => "Catalog", "Pages" => pages_id });
        doc.trailer.set("Root", catalog_id);
        let mut out = Vec::new();
        doc.save_to(&mut out).unwrap();
        out
    }
}

/// A PDF whose single page hangs `depth` levels deep in the page tree.
fn deep_tree_pdf(depth: usize) -> Vec<u8> {
    use lopdf::{Document as PdfDoc, Object, dictionary};
    let mut doc = PdfDoc::with_version("1.5");
    let root = doc.new_object_id();
    let mut parent = root;
    let mut nodes = Vec::new();
    for _ in 0..depth {
        let id = doc.new_object_id();
        nodes.push((parent, id));
        parent = id;
    }
    let page = doc.add_object(dictionary! {
        "Type" => "Page",
        "Parent" => parent,
        "MediaBox" => vec![0.into(), 0.into(), 600.into(), 800.into()],
    });
    let mut kids = std::collections::HashMap::new();
    for (p, c) in &nodes {
        kids.insert(*p, *c);
    }
    kids.insert(parent, page);
    for (node, kid) in kids {
        doc.objects.insert(
            node,
            Object::Dictionary(dictionary! {
                "Type" => "Pages",
                "Kids" => vec![kid.into()],
                "Count" => 1,
            }),
        );
    }
    let catalog = doc.add_object(dictionary! { "Type" => "Catalog", "Pages" => root });
    doc.trailer.set("Root", catalog);
    let mut out = Vec::new();
    doc.save_to(&mut out).unwrap();
    out
}

#[test]
fn synthetic_deep_page_tree_and_content_bomb() {
    let err = sopap::read(&deep_tree_pdf(200), &Budget::default()).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Corrupt, "{err}");
    // 8 MiB of spaces deflate to a few KiB; with a 1 MiB part limit it is too large.
    let content = " ".repeat(8 << 20);
    let bytes = synth::pdf(&content, 0, &[]);
    assert!(bytes.len() < 200_000);
    let limits = sopap::Limits {
        max_part_bytes: 1 << 20,
        ..Default::default()
    };
    let err = sopap::read(&bytes, &Budget::new(limits)).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::TooLarge, "{err}");
}

/// A 3 × 2 ruled grid drawn with stroked segments, with text and a diamond.
const GRID: &str = "0.5 w \
    100 700 m 400 700 l S 100 650 m 400 650 l S 100 600 m 400 600 l S \
    100 700 m 100 600 l S 250 700 m 250 600 l S 400 700 m 400 600 l S \
    BT /F1 10 Tf 110 680 Td (No) Tj ET \
    BT /F1 10 Tf 110 630 Td [(Mene)-20(rima)] TJ ( surat) Tj ET \
    300 640 m 320 625 l 300 610 l 280 625 l h S";

#[test]
fn synthetic_grid_text_and_diamond() {
    let doc = sopap::read(&synth::pdf(GRID, 0, &[]), &Budget::default()).unwrap();
    let (bi, t) = tables(&doc)[0];
    assert_eq!((t.rows.len(), t.n_cols), (2, 2));
    assert_eq!(t.row_texts(0)[0], "No");
    assert_eq!(t.row_texts(1)[0], "Menerima surat");
    let s = &section(&doc).shapes[0];
    assert_eq!(s.kind, ShapeKind::Decision);
    assert_eq!(
        s.anchor,
        Anchor::Cell {
            block: bi,
            row: 1,
            col: 1
        }
    );
    let b = s.bbox.unwrap();
    // y downwards from the page's top-left: the diamond spans 610..640 in PDF units.
    assert!(
        (b.y - 160.0).abs() < 0.5 && (b.h - 30.0).abs() < 0.5,
        "{b:?}"
    );
}

#[test]
fn synthetic_rotated_page_and_form_xobject() {
    // The grid drawn through a Form XObject on a page rotated by 90 degrees, with a
    // CTM that makes it upright on the displayed page (as landscape producers do).
    let bytes = synth::pdf("q 0 1 -1 0 700 0 cm /Fm1 Do Q", 90, &[("Fm1", GRID)]);
    let doc = sopap::read(&bytes, &Budget::default()).unwrap();
    let (_, t) = tables(&doc)[0];
    assert_eq!((t.rows.len(), t.n_cols), (2, 2));
    assert_eq!(t.row_texts(1)[0], "Menerima surat");
    let s = &section(&doc).shapes[0];
    assert_eq!(s.kind, ShapeKind::Decision);
    // Displayed page: x from the left of the rotated page, y down from its top.
    let b = s.bbox.unwrap();
    assert!(
        (b.x - 280.0).abs() < 0.5 && (b.y - 60.0).abs() < 0.5,
        "{b:?}"
    );
}

#[test]
fn synthetic_form_drawing_itself_is_skipped_not_a_hang() {
    // Issue 15: a form drawing itself is skipped, not the whole file.
    let bytes = synth::pdf(
        "/Fm1 Do BT /F1 12 Tf 72 700 Td (Menerima berkas) Tj ET",
        0,
        &[("Fm1", "/Fm1 Do")],
    );
    let start = Instant::now();
    let doc = sopap::read(&bytes, &Budget::default()).unwrap();
    assert!(doc.plain_text().contains("Menerima berkas"));
    assert!(start.elapsed() < Duration::from_secs(1));
}

/// A flowchart table whose two actor columns share one ruled column (only the
/// column-number row "3 4" tells them apart), with the step's box pasted as a picture
/// over them: black outline on a transparent ground (an /SMask, colours pre-multiplied
/// against black, as Word writes grouped shapes).
const OVERLAY_TABLE: &str = "0.5 w \
    50 700 m 450 700 l S 50 680 m 450 680 l S 50 665 m 450 665 l S 50 600 m 450 600 l S \
    50 700 m 50 600 l S 80 700 m 80 600 l S 250 700 m 250 600 l S 450 700 m 450 600 l S \
    BT /F1 9 Tf 55 686 Td (No) Tj ET BT /F1 9 Tf 90 686 Td (Kegiatan) Tj ET \
    BT /F1 9 Tf 260 686 Td (Petugas) Tj ET BT /F1 9 Tf 370 686 Td (Verifikator) Tj ET \
    BT /F1 9 Tf 62 668 Td (1) Tj ET BT /F1 9 Tf 160 668 Td (2) Tj ET \
    BT /F1 9 Tf 295 668 Td (3) Tj ET BT /F1 9 Tf 395 668 Td (4) Tj ET \
    BT /F1 9 Tf 62 630 Td (1) Tj ET BT /F1 9 Tf 90 630 Td (Memeriksa berkas) Tj ET \
    q 200 0 0 55 250 605 cm /Im1 Do Q";

/// The overlay picture: `w` × `h` RGB (all black) and its soft mask, opaque only on a
/// 2-pixel outline of the box `x0..x1` × `y0..y1` (rows from the top).
fn overlay_picture(w: usize, h: usize, b: (usize, usize, usize, usize)) -> (Vec<u8>, Vec<u8>) {
    let (x0, x1, y0, y1) = b;
    let rgb = vec![0u8; w * h * 3];
    let mut alpha = vec![0u8; w * h];
    for y in y0..y1 {
        for x in x0..x1 {
            if x < x0 + 2 || x + 2 >= x1 || y < y0 + 2 || y + 2 >= y1 {
                alpha[y * w + x] = 255;
            }
        }
    }
    (rgb, alpha)
}

fn overlay_pdf() -> Vec<u8> {
    use lopdf::{Document as PdfDoc, Object, Stream, dictionary};
    let (w, h) = (200usize, 55usize);
    let (rgb, alpha) = overlay_picture(w, h, (130, 185, 12, 42));
    let mut doc = PdfDoc::with_version("1.5");
    let pages_id = doc.new_object_id();
    let font_id = doc.add_object(dictionary! {
        "Type" => "Font", "Subtype" => "Type1", "BaseFont" => "Helvetica",
        "Encoding" => "WinAnsiEncoding",
    });
    let mask_id = doc.add_object(Stream::new(
        dictionary! {
            "Type" => "XObject", "Subtype" => "Image", "Width" => w as i64, "Height" => h as i64,
            "ColorSpace" => "DeviceGray", "BitsPerComponent" => 8,
            "Matte" => vec![0.into(), 0.into(), 0.into()],
        },
        alpha,
    ));
    let image_id = doc.add_object(Stream::new(
        dictionary! {
            "Type" => "XObject", "Subtype" => "Image", "Width" => w as i64, "Height" => h as i64,
            "ColorSpace" => "DeviceRGB", "BitsPerComponent" => 8, "SMask" => mask_id,
        },
        rgb,
    ));
    let res_id = doc.add_object(dictionary! {
        "Font" => dictionary! { "F1" => font_id },
        "XObject" => dictionary! { "Im1" => image_id },
    });
    let content_id = doc.add_object(Stream::new(
        dictionary! {},
        OVERLAY_TABLE.as_bytes().to_vec(),
    ));
    let page_id = doc.add_object(dictionary! {
        "Type" => "Page", "Parent" => pages_id, "Contents" => content_id,
        "Resources" => res_id,
        "MediaBox" => vec![0.into(), 0.into(), 600.into(), 800.into()],
    });
    doc.objects.insert(
        pages_id,
        Object::Dictionary(dictionary! {
            "Type" => "Pages", "Kids" => vec![page_id.into()], "Count" => 1,
        }),
    );
    let catalog_id = doc.add_object(dictionary! { "Type" => "Catalog", "Pages" => pages_id });
    doc.trailer.set("Root", catalog_id);
    let mut out = Vec::new();
    doc.save_to(&mut out).unwrap();
    out
}

#[test]
fn synthetic_column_numbers_split_a_column_and_a_pictured_box_is_a_symbol() {
    let doc = sopap::read(&overlay_pdf(), &Budget::default()).unwrap();
    let (bi, t) = tables(&doc)[0];
    assert_eq!(t.n_cols, 4, "the \"3 4\" cell splits the actor column");
    assert_eq!(t.row_texts(0)[2], "Petugas");
    assert_eq!(t.row_texts(0)[3], "Verifikator");
    let boxes: Vec<_> = section(&doc)
        .shapes
        .iter()
        .filter(|s| s.kind == ShapeKind::Process)
        .collect();
    assert_eq!(boxes.len(), 1, "{:?}", section(&doc).shapes);
    assert_eq!(
        boxes[0].anchor,
        Anchor::Cell {
            block: bi,
            row: 2,
            col: 3
        },
        "the box stands in the second actor's column"
    );
}

/// The texts of a synthetic page's free paragraphs, top to bottom.
fn paragraphs(content: &str) -> Vec<String> {
    let doc = sopap::read(&synth::pdf(content, 0, &[]), &Budget::default()).unwrap();
    section(&doc)
        .blocks
        .iter()
        .filter_map(|b| match b {
            Block::Paragraph(p) => Some(p.text.clone()),
            Block::Table(_) => None,
        })
        .collect()
}

#[test]
fn synthetic_word_gaps_follow_the_line_spacing() {
    // Letter-spaced headings (character spacing 3 and 4.5 at size 10, words apart by a
    // space glyph or by a TJ shift), tightly kerned text with TJ word shifts and no
    // space glyph (plain and horizontally scaled), justified text with word spacing.
    // Text state carries over from one text object to the next, as in a real stream.
    let texts = paragraphs(
        "BT /F1 10 Tf 3 Tc 100 700 Td (PELAKSANA) Tj ET \
         BT /F1 10 Tf 4.5 Tc 100 680 Td (KEPALA BIDANG) Tj ET \
         BT /F1 10 Tf 3 Tc 100 660 Td [(MUTU) -900 (BAKU)] TJ ET \
         BT /F1 10 Tf 0 Tc 100 640 Td [(Mene) 40 (rima) -250 (surat) -260 (ma) 30 (suk)] TJ ET \
         BT /F1 10 Tf 80 Tz 100 620 Td [(Arsip) -300 (dinas)] TJ ET \
         BT /F1 10 Tf 100 Tz 12 Tw 100 600 Td (Data diolah tim) Tj ET \
         BT /F1 10 Tf 0 Tw 100 580 Td [(1) -280 (-) -280 (5) -280 (hari)] TJ ET",
    );
    assert_eq!(
        texts,
        [
            "PELAKSANA",
            "KEPALA BIDANG",
            "MUTU BAKU",
            "Menerima surat masuk",
            "Arsip dinas",
            "Data diolah tim",
            "1 - 5 hari",
        ]
    );
}

/// The advance the reader gives every glyph of a standard font printed without
/// /Widths, as the synthetic Helvetica is (556/1000 em at size 10).
const SYNTH_ADVANCE: f32 = 5.56;

/// `word` at size 10 from `x` on baseline `y`, every glyph placed on its own (a text
/// object per glyph), as some producers write text.
fn glyph_by_glyph(word: &str, x: f32, y: f32) -> String {
    let mut out = String::new();
    for (i, c) in word.chars().enumerate() {
        let at = x + i as f32 * SYNTH_ADVANCE;
        out.push_str(&format!("BT /F1 10 Tf {at:.2} {y} Td ({c}) Tj ET "));
    }
    out
}

#[test]
fn synthetic_header_wider_than_its_column_keeps_to_its_cell() {
    // Three header rows over columns 100-160-220-280. "Pemerintahan" (66.7 pt at size
    // 10) starts at 105 and runs 11.7 pt past its column into the next one, where the
    // next column's word starts: touching it at 171.72 (row 1), printed over it from 163
    // (row 2, sorting the glyphs by x would interleave the two words), and with every
    // glyph placed on its own (row 3, no neighbour: the word stays whole).
    let grid = "0.5 w 100 700 m 280 700 l S 100 660 m 280 660 l S 100 620 m 280 620 l S \
        100 580 m 280 580 l S 100 700 m 100 580 l S 160 700 m 160 580 l S \
        220 700 m 220 580 l S 280 700 m 280 580 l S \
        BT /F1 10 Tf 105 680 Td (Pemerintahan) Tj ET BT /F1 10 Tf 171.72 680 Td (Loket) Tj ET \
        BT /F1 10 Tf 105 640 Td (Pemerintahan) Tj ET BT /F1 10 Tf 163 640 Td (Pengadaan) Tj ET \
        BT /F1 10 Tf 225 640 Td (Staf) Tj ET ";
    let content = format!("{grid}{}", glyph_by_glyph("Pemerintahan", 105.0, 600.0));
    let doc = sopap::read(&synth::pdf(&content, 0, &[]), &Budget::default()).unwrap();
    let (_, t) = tables(&doc)[0];
    assert_eq!((t.rows.len(), t.n_cols), (3, 3));
    assert_eq!(t.row_texts(0), ["Pemerintahan", "Loket", ""]);
    assert_eq!(t.row_texts(1), ["Pemerintahan", "Pengadaan", "Staf"]);
    assert_eq!(t.row_texts(2), ["Pemerintahan", "", ""]);
}

#[test]
fn synthetic_overprinted_words_read_once() {
    // "Kegiatan" printed three times with a small shift (fake bold), "Output" twice on
    // the same spot, next to a word printed once: each word once, double letters kept.
    let texts = paragraphs(
        "BT /F1 10 Tf 100 700 Td (Kegiatan) Tj ET \
         BT /F1 10 Tf 100.4 700.2 Td (Kegiatan) Tj ET \
         BT /F1 10 Tf 100.8 700 Td (Kegiatan) Tj ET \
         BT /F1 10 Tf 200 700 Td (Output) Tj ET BT /F1 10 Tf 200 700 Td (Output) Tj ET \
         BT /F1 10 Tf 100 680 Td (Sukses ditelaah) Tj ET",
    );
    assert_eq!(texts, ["Kegiatan Output", "Sukses ditelaah"]);
}

#[test]
fn synthetic_wrapped_cell_lines_rejoin_cut_words() {
    // A two-row grid of three columns whose first row holds an actor name cut at a
    // hyphen, a reduplication cut at its hyphen, and two plain lines that stay two lines.
    let grid = "0.5 w 100 700 m 400 700 l S 100 640 m 400 640 l S 100 610 m 400 610 l S \
        100 700 m 100 610 l S 200 700 m 200 610 l S 300 700 m 300 610 l S 400 700 m 400 610 l S \
        BT /F1 9 Tf 104 620 Td (Satu) Tj ET \
        BT /F1 9 Tf 104 688 Td (Kepala Sub-) Tj 0 -11 Td (bagian Umum) Tj ET \
        BT /F1 9 Tf 204 688 Td (Data masing-) Tj 0 -11 Td (masing bidang) Tj ET \
        BT /F1 9 Tf 304 688 Td (Pengaduan) Tj 0 -11 Td (tercatat) Tj ET";
    let doc = sopap::read(&synth::pdf(grid, 0, &[]), &Budget::default()).unwrap();
    let (_, t) = tables(&doc)[0];
    assert_eq!(
        t.row_texts(0),
        [
            "Kepala Subbagian Umum",
            "Data masing-masing bidang",
            "Pengaduan\ntercatat"
        ]
    );
}

#[test]
fn synthetic_wrapped_narrative_step_stays_one_step() {
    use sopap::SopRules;
    let doc = sopap::read(
        &synth::pdf(
            "BT /F1 10 Tf 100 700 Td (1. Pemohon mengajukan permohonan informasi kepada) Tj ET \
             BT /F1 10 Tf 112 686 Td (petugas layanan secara tertulis.) Tj ET \
             BT /F1 10 Tf 100 672 Td (2. Petugas mencatat permohonan dalam buku register.) Tj ET",
            0,
            &[],
        ),
        &Budget::default(),
    )
    .unwrap();
    let paras: Vec<&sopap::Paragraph> = section(&doc)
        .blocks
        .iter()
        .filter_map(|b| match b {
            Block::Paragraph(p) => Some(p),
            Block::Table(_) => None,
        })
        .collect();
    let rules = sopap::Rules::defaults().unwrap();
    let steps = sopap::internals::parse_paragraphs(&paras, rules.vocab());
    assert_eq!(steps.len(), 2, "{steps:?}");
    assert_eq!(
        steps[0].activity,
        "Pemohon mengajukan permohonan informasi kepada petugas layanan secara tertulis."
    );
    assert_eq!(steps[0].actors, ["Pemohon"]);
    assert_eq!(steps[1].actors, ["Petugas"]);
}

#[test]
fn synthetic_letters_typed_with_real_spaces_read_as_words() {
    // Headings typed letter by letter with space glyphs between the letters (one space
    // inside a word, three between words; a run after an ordinary word on the same line,
    // "Uraian K E G I A T A N", is not joined yet), next to text whose one-letter words and
    // initials must stay apart.
    let texts = paragraphs(
        "BT /F1 10 Tf 100 700 Td (P E L A K S A N A) Tj ET \
         BT /F1 10 Tf 100 680 Td (K E P A L A   S E K S I   D A T A) Tj ET \
         BT /F1 10 Tf 100 640 Td (Ya a b atau T) Tj ET \
         BT /F1 10 Tf 100 620 Td (Dr. A. B. C. Wijaya) Tj ET \
         BT /F1 10 Tf 100 600 Td (Langkah 1 2 3 4) Tj ET",
    );
    assert_eq!(
        texts,
        [
            "PELAKSANA",
            "KEPALA SEKSI DATA",
            "Ya a b atau T",
            "Dr. A. B. C. Wijaya",
            "Langkah 1 2 3 4",
        ]
    );
}

#[test]
fn synthetic_letter_spaced_actor_header_names_its_column() {
    // A procedure table whose group header and one actor header are typed letter by
    // letter with spaces; the step's shape sits under that actor.
    let grid = "0.5 w \
        100 700 m 500 700 l S 100 680 m 500 680 l S 100 650 m 500 650 l S 100 610 m 500 610 l S \
        100 700 m 100 610 l S 130 700 m 130 610 l S 300 680 m 300 610 l S \
        400 680 m 400 610 l S 500 700 m 500 610 l S 300 700 m 300 680 l S \
        BT /F1 8 Tf 104 660 Td (No) Tj ET \
        BT /F1 8 Tf 134 660 Td (K E G I A T A N) Tj ET \
        BT /F1 8 Tf 320 688 Td (P E L A K S A N A) Tj ET \
        BT /F1 8 Tf 304 660 Td (O P E R A T O R) Tj ET \
        BT /F1 8 Tf 404 660 Td (Sekretaris) Tj ET \
        BT /F1 8 Tf 110 625 Td (1) Tj ET \
        BT /F1 8 Tf 134 625 Td (Mengunggah berkas usulan) Tj ET \
        320 620 m 380 620 l 380 640 l 320 640 l h S";
    let doc = sopap::read(&synth::pdf(grid, 0, &[]), &Budget::default()).unwrap();
    let rules = sopap::Rules::defaults().unwrap();
    let sops = sopap::parse(&doc, &rules);
    let sop = sops.first().expect("one SOP");
    assert_eq!(sop.actors, ["Operator", "Sekretaris"]);
    let step = sop.steps.first().expect("one step");
    assert_eq!(step.activity, "Mengunggah berkas usulan");
    assert_eq!(step.actors, ["Operator"]);
}
