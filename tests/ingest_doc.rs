//! The Word 97-2003 (.doc) reader on the corpus: text, tables, shapes, hostile files.
//!
//! The corpus .doc files are LibreOffice conversions of .docx sources (`derived_from` in
//! truth.json); their text, table grids and shape columns must match the source's.

use std::io::{Cursor, Read, Write};

use sopap::{Anchor, Block, Budget, Document, ErrorKind, Format, Paragraph, ShapeKind, Table};

use crate::support;
use support::{ARCHIVE, TRUTH};

const PENGADAAN: &str = "BKPSDM/doc/SOP Pengadaan Langsung.doc";
const BOOK: &str = "BPKAD/SOP 2019/doc/buku_sop_bpkad_2023.doc";
const CUTI: &str = "dinas-kependudukan-dan-pencatatan-sipil/SOP Cuti.doc";
const SPPD: &str = "kecamatan-tomohon-utara/Sekretariat/doc/SOP SPPD.doc";
const VML_DOCS: [&str; 4] = [
    PENGADAAN,
    "Kel. Kakaskasen I/SOP/SOP Penanganan Pengaduan Masyarakat.doc",
    "Kel. Kakaskasen I/sop/LKjIP 2016.doc",
    "kecamatan-tomohon-utara/2021/SOP_PENGADUAN.doc",
];

fn bytes(rel: &str) -> Vec<u8> {
    std::fs::read(format!("{ARCHIVE}/{rel}")).unwrap()
}

fn read(rel: &str) -> Document {
    let d = sopap::read(&bytes(rel), &Budget::default()).unwrap();
    assert_eq!(d.format, Some(Format::Doc));
    d
}

fn truth() -> serde_json::Value {
    serde_json::from_str(&std::fs::read_to_string(TRUTH).unwrap()).unwrap()
}

fn paragraphs(d: &Document) -> Vec<&Paragraph> {
    d.sections
        .iter()
        .flat_map(|s| s.blocks.iter())
        .filter_map(|b| match b {
            Block::Paragraph(p) => Some(p),
            Block::Table(_) => None,
        })
        .collect()
}

/// The procedure tables: those whose first row has an "Uraian Kegiatan"-like header.
fn procedure_tables(d: &Document) -> Vec<(usize, &Table)> {
    d.tables()
        .filter(|(_, _, t)| {
            t.row_texts(0).iter().any(|c| {
                let c = c.to_lowercase();
                c.contains("kegiatan") || c.contains("aktivitas")
            })
        })
        .map(|(_, b, t)| (b, t))
        .collect()
}

#[test]
fn procedure_table_grid_and_cells_match_the_source() {
    shared_or_skip!(ARCHIVE);
    let d = read(PENGADAAN);
    let procs = procedure_tables(&d);
    assert_eq!(procs.len(), 1);
    let t = procs[0].1;
    assert_eq!(t.n_cols, 11);
    assert_eq!(t.rows.len(), 10);
    assert_eq!(t.col_widths.len(), 11);
    assert!(t.rows[0].repeat_header && t.rows[1].repeat_header && !t.rows[2].repeat_header);
    // Row 1: No | URAIAN KEGIATAN | Pelaksana (5 cols) | Mutu Baku (3 cols) | Keterangan.
    let no = t.cell_at(1, 0).unwrap();
    assert_eq!((no.text.as_str(), no.row_span), ("No.", 2));
    assert_eq!(t.cell_at(0, 1).unwrap().text, "URAIAN KEGIATAN");
    let pel = t.cell_at(0, 4).unwrap();
    assert_eq!(
        (pel.text.as_str(), pel.col, pel.col_span),
        ("Pelaksana", 2, 5)
    );
    let mutu = t.cell_at(0, 8).unwrap();
    assert_eq!(
        (mutu.text.as_str(), mutu.col, mutu.col_span),
        ("Mutu Baku", 7, 3)
    );
    assert_eq!(t.cell_at(1, 10).unwrap().text, "Keterangan");
    // Actor headers in their own columns.
    let actors: Vec<&str> = t.row_texts(1)[2..7].to_vec();
    assert_eq!(
        actors,
        [
            "Kabid Mutasi dan Promosi",
            "Pejabat Pembuat Komitmen",
            "PEJABAT PENGADAAN",
            "Penyedia Barang/Jasa",
            "PENGURUS BARANG"
        ]
    );
    // A step row: number, activity, requirement, time, output; decision with its note.
    let r2 = t.row_texts(2);
    assert_eq!(r2[0], "1.");
    assert_eq!(r2[1], "Mengajukan permintaan kebutuhan barang");
    assert_eq!(r2[7], "Nota dinas kebutuhan");
    assert_eq!(r2[8], "25-30 menit");
    assert_eq!(r2[9], "Daftar kebutuhan barang");
    let r5 = t.row_texts(5);
    assert_eq!(
        r5[1],
        "Mengevaluasi penawaran, apakah penawaran memenuhi syarat?"
    );
    assert_eq!(r5[10], "Tidak → 3, Ya → 5");
    assert_eq!(t.row_texts(4)[8], "1 x 24 jam");
}

#[test]
fn identity_cells_keep_labels_and_lines() {
    shared_or_skip!(ARCHIVE);
    let d = read(PENGADAAN);
    let (_, _, ident) = d.tables().next().unwrap();
    assert_eq!(ident.n_cols, 1);
    assert_eq!(ident.row_texts(0)[0], "No. SOP :  125/SOP/BKPSDM/2021");
    assert_eq!(ident.row_texts(3)[0], "Tanggal Efektif :  13/02/21");
    let approval = ident.row_texts(6)[0];
    assert_eq!(
        approval.lines().collect::<Vec<_>>(),
        [
            "Disahkan oleh :  Kepala Badan Kepegawaian dan Pengembangan Sumber Daya Manusia",
            "Nama :  Budi Rumondor",
            "NIP :  19770714 200403 1 010"
        ]
    );
    let texts: Vec<&str> = paragraphs(&d).iter().map(|p| p.text.as_str()).collect();
    assert_eq!(
        &texts[..2],
        [
            "PEMERINTAH KOTA TOMOHON",
            "BADAN KEPEGAWAIAN DAN PENGEMBANGAN SUMBER DAYA MANUSIA"
        ]
    );
    // The paragraph LibreOffice adds after a final table is not kept.
    assert!(matches!(d.sections[0].blocks.last(), Some(Block::Table(_))));
}

#[test]
fn standard_identity_table_has_merged_organisation_cell() {
    shared_or_skip!(ARCHIVE);
    let d = read(BOOK);
    let (_, _, ident) = d.tables().next().unwrap();
    assert_eq!(ident.n_cols, 3);
    let org = ident.cell_at(3, 0).unwrap();
    assert_eq!(org.row_span, 7);
    assert!(
        org.text
            .starts_with("PEMERINTAH KOTA TOMOHON\nBADAN PENGELOLAAN")
    );
    assert_eq!(
        ident.row_texts(0)[1..],
        ["NOMOR SOP", "900/036/SOP-BPKAD/XI/2023"]
    );
    assert_eq!(ident.row_texts(3)[1..], ["TANGGAL EFEKTIF", "28-03-2023"]);
}

#[test]
fn book_has_four_mark_tables_and_page_breaks() {
    shared_or_skip!(ARCHIVE);
    let d = read(BOOK);
    let procs = procedure_tables(&d);
    assert_eq!(procs.len(), 4);
    let t = procs[0].1;
    assert_eq!(t.row_texts(0)[1], "Uraian Kegiatan");
    assert_eq!(t.row_texts(1)[2], "Pelaksana");
    // Step 5 is marked by two actors.
    let r6 = t.row_texts(6);
    assert_eq!(r6[0], "5");
    assert_eq!(r6[2..4], ["X", "X"]);
    assert_eq!(r6[7], "1 jam");
    assert_eq!(procs[1].1.row_texts(2)[2], "●");
    // Each SOP after the first starts on a new page.
    let breaks: Vec<&str> = paragraphs(&d)
        .iter()
        .filter(|p| p.page_break_before)
        .map(|p| p.text.as_str())
        .collect();
    assert!(breaks.contains(&"PEMERINTAH KOTA TOMOHON"), "{breaks:?}");
    assert!(breaks.contains(&"PENGELOLAAN SURAT KELUAR"), "{breaks:?}");
}

#[test]
fn narrative_list_paragraphs_keep_their_numbers() {
    shared_or_skip!(ARCHIVE, TRUTH);
    let d = read(CUTI);
    assert_eq!(d.tables().count(), 0);
    let texts: Vec<&str> = paragraphs(&d).iter().map(|p| p.text.as_str()).collect();
    assert_eq!(texts[4], "Nomor SOP : 470/36/DUKCAPIL/2014");
    assert_eq!(texts[7], "Tgl. Efektif : 07/04/14");
    assert!(texts.contains(&"DASAR HUKUM:"));
    assert!(
        texts.contains(&"    1. Undang-Undang Nomor 5 Tahun 2014 tentang Aparatur Sipil Negara")
    );
    assert!(texts.contains(&"Pencatatan & Pendataan:"));
    assert!(texts.contains(&"1. PEGAWAI mengajukan permohonan cuti dengan mengisi formulir cuti."));
    assert_eq!(
        texts.last(),
        Some(&"12. Surat izin cuti diterima oleh PEGAWAI.")
    );

    let d = read(SPPD);
    let texts: Vec<&str> = paragraphs(&d).iter().map(|p| p.text.as_str()).collect();
    assert!(texts.contains(&"5. Camat menandatangani SPT dan SPPD."));
    assert!(texts.contains(&"No. SOP : 140/064/SOP-KEC.TU/V/2018"));
}

/// Every truth step's activity (the Kegiatan cell or the numbered item) appears exactly
/// in the .doc's text, and so does every SOP's number.
#[test]
fn every_truth_activity_is_in_the_doc_text() {
    shared_or_skip!(ARCHIVE, TRUTH);
    let t = truth();
    let files = t["files"].as_object().unwrap();
    let mut checked = 0;
    for (path, f) in files {
        if !path.ends_with(".doc") || f["derived_from"].is_null() {
            continue;
        }
        let d = read(path);
        let text = d.plain_text();
        for sop in f["sops"].as_array().unwrap() {
            if let Some(n) = sop["identity"]["number"].as_str() {
                assert!(text.contains(n), "{path}: number {n}");
            }
            for step in sop["steps"].as_array().unwrap() {
                let a = step["activity"].as_str().unwrap();
                assert!(text.contains(a), "{path}: activity {a:?}");
                checked += 1;
            }
        }
    }
    assert!(checked > 60, "only {checked} steps checked");
}

/// The VML-origin .doc files: each step's symbol stands in the step's row, in the column
/// of its actor (truth.json actors are in column order from grid column 2).
#[test]
fn vml_shapes_stand_in_their_actor_columns() {
    shared_or_skip!(ARCHIVE, TRUTH);
    let t = truth();
    for path in VML_DOCS {
        let f = &t["files"][path];
        let sop = &f["sops"][0];
        let actors: Vec<&str> = sop["actors"]
            .as_array()
            .unwrap()
            .iter()
            .map(|a| a.as_str().unwrap())
            .collect();
        let d = read(path);
        let (block, table) = procedure_tables(&d)[0];
        let header_rows = table.rows.iter().filter(|r| r.repeat_header).count();
        assert_eq!(header_rows, 2, "{path}");
        let sec = &d.sections[0];
        let steps = sop["steps"].as_array().unwrap();
        for (i, step) in steps.iter().enumerate() {
            let row = header_rows + i;
            let symbols: Vec<_> = sec
                .shapes_in_row(block, row)
                .filter(|s| {
                    matches!(
                        s.kind,
                        ShapeKind::Terminator | ShapeKind::Process | ShapeKind::Decision
                    )
                })
                .collect();
            assert_eq!(symbols.len(), 1, "{path} step {}", i + 1);
            let s = symbols[0];
            let want_kind = match step["symbol"].as_str().unwrap() {
                "terminator" => ShapeKind::Terminator,
                "decision" => ShapeKind::Decision,
                _ => ShapeKind::Process,
            };
            assert_eq!(s.kind, want_kind, "{path} step {}", i + 1);
            let actor = step["actors"][0].as_str().unwrap();
            let col = 2 + actors.iter().position(|a| *a == actor).unwrap();
            assert_eq!(
                s.anchor,
                Anchor::Cell { block, row, col },
                "{path} step {} ({actor})",
                i + 1
            );
        }
        // Arrows are read too, as lines.
        let arrows = sec
            .shapes
            .iter()
            .filter(|s| s.kind == ShapeKind::Arrow)
            .count();
        assert!(arrows >= steps.len() - 1, "{path}: {arrows} arrows");
    }
}

#[test]
fn mark_and_narrative_docs_have_no_shapes() {
    shared_or_skip!(ARCHIVE);
    assert!(read(BOOK).sections[0].shapes.is_empty());
    assert!(read(CUTI).sections[0].shapes.is_empty());
}

#[test]
fn encrypted_fib_is_encrypted() {
    shared_or_skip!(ARCHIVE);
    let e = sopap::read(&bytes("_hostile/encrypted-fib.doc"), &Budget::default()).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Encrypted);
}

#[test]
fn truncated_doc_is_corrupt() {
    shared_or_skip!(ARCHIVE);
    let b = bytes(PENGADAAN);
    for cut in [b.len() / 2, b.len() - 600, 4096, 1000] {
        let e = sopap::read(&b[..cut], &Budget::default()).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Corrupt, "cut at {cut}: {e}");
    }
}

/// Rebuilds the container of `rel` with its WordDocument stream changed by `f`.
fn with_word_stream(rel: &str, f: impl Fn(&mut Vec<u8>)) -> Vec<u8> {
    let src = bytes(rel);
    let mut cfb = cfb::CompoundFile::open(Cursor::new(&src[..])).unwrap();
    let names: Vec<String> = cfb
        .walk()
        .filter(|e| e.is_stream())
        .map(|e| e.path().to_string_lossy().into_owned())
        .collect();
    let mut out = cfb::CompoundFile::create(Cursor::new(Vec::new())).unwrap();
    for n in names {
        let mut data = Vec::new();
        cfb.open_stream(&n).unwrap().read_to_end(&mut data).unwrap();
        if n == "/WordDocument" {
            f(&mut data);
        }
        let parent = std::path::Path::new(&n).parent().unwrap().to_path_buf();
        if parent.to_string_lossy() != "/" && !out.exists(&parent) {
            out.create_storage_all(&parent).unwrap();
        }
        out.create_stream(&n).unwrap().write_all(&data).unwrap();
    }
    out.flush().unwrap();
    out.into_inner().into_inner()
}

#[test]
fn damaged_fib_and_piece_table_are_corrupt() {
    shared_or_skip!(ARCHIVE);
    // Unchanged rebuild still reads (the helper itself is sound).
    let same = with_word_stream(PENGADAAN, |_| {});
    assert!(sopap::read(&same, &Budget::default()).is_ok());
    // fcClx (pair 33) pointed past the table stream.
    let bad_clx = with_word_stream(PENGADAAN, |wd| {
        let at = 154 + 33 * 8;
        wd[at..at + 4].copy_from_slice(&0x7FFF_FFF0u32.to_le_bytes());
    });
    let e = sopap::read(&bad_clx, &Budget::default()).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Corrupt, "{e}");
    // Not a Word FIB at all.
    let bad_ident = with_word_stream(PENGADAAN, |wd| wd[0] = 0);
    let e = sopap::read(&bad_ident, &Budget::default()).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Corrupt, "{e}");
    // A text length far beyond the stream: capped, never a huge allocation or a panic.
    let long_text = with_word_stream(PENGADAAN, |wd| {
        let at = 64 + 3 * 4;
        wd[at..at + 4].copy_from_slice(&u32::MAX.to_le_bytes());
    });
    let e = sopap::read(&long_text, &Budget::default()).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Corrupt, "{e}");
}

/// A minimal Word 97 document built in memory: `text` as one 8-bit piece, and one
/// paragraph property run per paragraph (`grpprls[i]` for the i-th paragraph, ended by
/// 0x0D, 0x07 or a section-ending 0x0C). Returns (WordDocument, 1Table).
fn tiny_doc(text: &str, grpprls: &[Vec<u8>]) -> (Vec<u8>, Vec<u8>) {
    const TEXT_AT: u32 = 1024;
    const FKP_PN: u32 = 1;
    let bytes: Vec<u8> = text.chars().map(|c| c as u32 as u8).collect();
    let n = bytes.len() as u32;
    let mut table = Vec::new();
    // Clx at 0: one piece, 8-bit text at TEXT_AT.
    table.push(0x02);
    table.extend_from_slice(&16u32.to_le_bytes());
    table.extend_from_slice(&0u32.to_le_bytes());
    table.extend_from_slice(&n.to_le_bytes());
    table.extend_from_slice(&[0, 0]);
    table.extend_from_slice(&((TEXT_AT * 2) | 0x4000_0000).to_le_bytes());
    table.extend_from_slice(&[0, 0]);
    let clx_len = table.len() as u32;
    // PlcBtePapx: one FKP for the whole text.
    let bte_at = table.len() as u32;
    table.extend_from_slice(&TEXT_AT.to_le_bytes());
    table.extend_from_slice(&(TEXT_AT + n).to_le_bytes());
    table.extend_from_slice(&FKP_PN.to_le_bytes());
    let bte_len = table.len() as u32 - bte_at;

    // Paragraph ends.
    let ends: Vec<u32> = bytes
        .iter()
        .enumerate()
        .filter(|(_, b)| matches!(b, 0x0D | 0x07))
        .map(|(i, _)| i as u32 + 1)
        .collect();
    assert_eq!(ends.len(), grpprls.len());
    let mut page = vec![0u8; 512];
    let crun = ends.len();
    page[511] = crun as u8;
    let mut start = TEXT_AT;
    let mut papx_end = 511usize;
    for (i, (&end, g)) in ends.iter().zip(grpprls).enumerate() {
        page[i * 4..i * 4 + 4].copy_from_slice(&start.to_le_bytes());
        start = TEXT_AT + end;
        // PAPX: cb = 0, cb', then istd (2 bytes) + grpprl, padded to even length.
        let mut body = vec![0u8, 0];
        body.extend_from_slice(g);
        if body.len() % 2 == 1 {
            body.push(0);
        }
        let mut papx = vec![0u8, (body.len() / 2) as u8];
        papx.extend_from_slice(&body);
        let at = (papx_end - papx.len()) & !1;
        page[at..at + papx.len()].copy_from_slice(&papx);
        papx_end = at;
        page[(crun + 1) * 4 + i * 13] = (at / 2) as u8;
    }
    page[crun * 4..crun * 4 + 4].copy_from_slice(&start.to_le_bytes());

    let mut wd = vec![0u8; 512];
    wd[0..2].copy_from_slice(&0xA5ECu16.to_le_bytes());
    wd[2..4].copy_from_slice(&0x0101u16.to_le_bytes());
    wd[0x0A..0x0C].copy_from_slice(&0x0200u16.to_le_bytes());
    wd[32..34].copy_from_slice(&14u16.to_le_bytes());
    wd[62..64].copy_from_slice(&22u16.to_le_bytes());
    wd[76..80].copy_from_slice(&n.to_le_bytes());
    wd[152..154].copy_from_slice(&93u16.to_le_bytes());
    let mut pair = |i: usize, fc: u32, lcb: u32| {
        let at = 154 + i * 8;
        wd[at..at + 4].copy_from_slice(&fc.to_le_bytes());
        wd[at + 4..at + 8].copy_from_slice(&lcb.to_le_bytes());
    };
    pair(33, 0, clx_len);
    pair(13, bte_at, bte_len);
    wd.extend_from_slice(&page);
    wd.extend_from_slice(&bytes);
    (wd, table)
}

fn sprm(id: u16, operand: &[u8]) -> Vec<u8> {
    let mut v = id.to_le_bytes().to_vec();
    v.extend_from_slice(operand);
    v
}

fn row_end(centers: &[i16], extra: &[Vec<u8>]) -> Vec<u8> {
    let mut g = sprm(0x2416, &[1]);
    g.extend(sprm(0x2417, &[1]));
    let mut op = Vec::new();
    let body = 1 + centers.len() * 2 + (centers.len() - 1) * 20;
    op.extend_from_slice(&((body + 1) as u16).to_le_bytes());
    op.push((centers.len() - 1) as u8);
    for c in centers {
        op.extend_from_slice(&c.to_le_bytes());
    }
    op.extend(vec![0u8; (centers.len() - 1) * 20]);
    g.extend(sprm(0xD608, &op));
    for e in extra {
        g.extend_from_slice(e);
    }
    g
}

#[test]
fn fields_breaks_and_special_characters() {
    let text = "Judul \x13HYPERLINK \"x\" \x14SOP\x15 satu\x0bdua\r\x0cBaru\x01\r\x13PAGE\x15Akhir\rAtas\x0cBawah\r";
    let none = Vec::new();
    let (wd, table) = tiny_doc(text, &[none.clone(), none.clone(), none.clone(), none]);
    let d = sopap::internals::read_streams(&wd, &table, &[], &Budget::default()).unwrap();
    let ps = paragraphs(&d);
    assert_eq!(ps[0].text, "Judul SOP satu\ndua");
    assert_eq!(ps[1].text, "Baru");
    assert!(ps[1].page_break_before && !ps[0].page_break_before);
    assert_eq!(ps[2].text, "Akhir");
    // A page break inside a paragraph splits it; the rest starts the new page.
    assert_eq!(
        (ps[3].text.as_str(), ps[3].page_break_before),
        ("Atas", false)
    );
    assert_eq!(
        (ps[4].text.as_str(), ps[4].page_break_before),
        ("Bawah", true)
    );
}

#[test]
fn table_rows_from_cell_marks_and_row_ends() {
    // Two rows: "No | Kegiatan" header (repeated), then "1 | Dua\nbaris" with the first
    // cell merged down from a restart in row 0 via sprmTVertMerge.
    let text = "No\x07Kegiatan\x07\x07\x07Dua\rbaris\x07\x07Setelah\r";
    let cell = sprm(0x2416, &[1]);
    let header = sprm(0x3404, &[1]);
    let vm_restart = sprm(0xD62B, &[2, 0, 3]);
    let vm_continue = sprm(0xD62B, &[2, 0, 1]);
    let g = vec![
        cell.clone(),
        cell.clone(),
        row_end(&[-108, 500, 3000], &[header, vm_restart]),
        cell.clone(),
        cell.clone(),
        cell.clone(),
        row_end(&[-108, 500, 3000], &[vm_continue]),
        Vec::new(),
    ];
    let (wd, table) = tiny_doc(text, &g);
    let d = sopap::internals::read_streams(&wd, &table, &[], &Budget::default()).unwrap();
    let blocks = &d.sections[0].blocks;
    assert_eq!(blocks.len(), 2);
    let Block::Table(t) = &blocks[0] else {
        panic!("not a table")
    };
    assert_eq!(t.n_cols, 2);
    assert_eq!(t.rows.len(), 2);
    assert!(t.rows[0].repeat_header && !t.rows[1].repeat_header);
    assert_eq!(t.cell_at(1, 0).unwrap().text, "No");
    assert_eq!(t.cell_at(1, 0).unwrap().row_span, 2);
    assert_eq!(t.cell_at(1, 1).unwrap().text, "Dua\nbaris");
    assert_eq!(t.col_widths, vec![30.4, 125.0]);
    assert_eq!(paragraphs(&d)[0].text, "Setelah");
}

/// Paragraph texts, table grids and cell texts of a document, normalised for comparing
/// a .doc with its .docx source (trailing spaces dropped: LibreOffice trims them).
fn outline(d: &Document) -> Vec<String> {
    let norm = |s: &str| {
        s.split('\n')
            .map(str::trim_end)
            .collect::<Vec<_>>()
            .join("\n")
            .trim_end()
            .to_string()
    };
    let mut out = Vec::new();
    for b in d.sections.iter().flat_map(|s| s.blocks.iter()) {
        match b {
            Block::Paragraph(p) => out.push(format!("P {}", norm(&p.text))),
            Block::Table(t) => {
                out.push(format!("T {} cols, {} rows", t.n_cols, t.rows.len()));
                for r in &t.rows {
                    for c in &r.cells {
                        out.push(format!(
                            "  ({},{}) {}x{} {}",
                            c.row,
                            c.col,
                            c.row_span,
                            c.col_span,
                            norm(&c.text)
                        ));
                    }
                }
            }
        }
    }
    out
}

/// The symbols (terminator, process, decision) with their cells, in order.
fn symbol_cells(d: &Document) -> Vec<(ShapeKind, Anchor)> {
    let mut v: Vec<(ShapeKind, Anchor)> = d
        .sections
        .iter()
        .flat_map(|s| s.shapes.iter())
        .filter(|s| {
            matches!(
                s.kind,
                ShapeKind::Terminator | ShapeKind::Process | ShapeKind::Decision
            ) && !s.text_box
                && s.text.is_empty()
        })
        .map(|s| (s.kind, s.anchor))
        .collect();
    v.sort_by_key(|(_, a)| match a {
        Anchor::Cell { block, row, col } => (*block, *row, *col),
        Anchor::Free => (usize::MAX, 0, 0),
    });
    v
}

#[test]
fn doc_reads_like_its_docx_source() {
    shared_or_skip!(ARCHIVE, TRUTH);
    let t = truth();
    let mut compared = 0;
    for (path, f) in t["files"].as_object().unwrap() {
        let Some(src) = f["derived_from"].as_str() else {
            continue;
        };
        if !path.ends_with(".doc") {
            continue;
        }
        let doc = read(path);
        let docx = sopap::read(&bytes(src), &Budget::default()).unwrap();
        let (a, b) = (outline(&doc), outline(&docx));
        for (i, (x, y)) in a.iter().zip(&b).enumerate() {
            assert_eq!(x, y, "{path} line {i}");
        }
        assert_eq!(a.len(), b.len(), "{path}");
        if f["variant"] == "vml" {
            assert_eq!(symbol_cells(&doc), symbol_cells(&docx), "{path}");
        }
        compared += 1;
    }
    assert_eq!(compared, 7);
}

/// The WordDocument, table and Data streams of a corpus .doc.
fn streams(rel: &str) -> (Vec<u8>, Vec<u8>, Vec<u8>) {
    let src = bytes(rel);
    let mut cfb = cfb::CompoundFile::open(Cursor::new(&src[..])).unwrap();
    let mut get = |n: &str| {
        let mut v = Vec::new();
        if let Ok(mut s) = cfb.open_stream(n) {
            s.read_to_end(&mut v).unwrap();
        }
        v
    };
    let wd = get("/WordDocument");
    let t1 = get("/1Table");
    let table = if t1.is_empty() { get("/0Table") } else { t1 };
    (wd, table, get("/Data"))
}

/// Deterministic byte mutations of the streams of every corpus .doc: the reader
/// returns a document or an error, never panics (overflow checks are on in tests).
#[test]
fn mutated_streams_never_panic() {
    shared_or_skip!(ARCHIVE);
    let mut seed = 0x9E37_79B9_7F4A_7C15u64;
    let mut next = move || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    let mut errors = 0;
    let mut runs = 0;
    for path in VML_DOCS.iter().chain([&BOOK, &CUTI, &SPPD]) {
        let (wd, table, data) = streams(path);
        for _ in 0..150 {
            let (mut w, mut t) = (wd.clone(), table.clone());
            for _ in 0..(1 + next() % 8) {
                let target = if next() % 2 == 0 { &mut w } else { &mut t };
                let i = (next() % target.len() as u64) as usize;
                target[i] = next() as u8;
            }
            if next() % 4 == 0 {
                let target = if next() % 2 == 0 { &mut w } else { &mut t };
                let keep = (next() % target.len() as u64) as usize;
                target.truncate(keep);
            }
            runs += 1;
            if sopap::internals::read_streams(&w, &t, &data, &Budget::default()).is_err() {
                errors += 1;
            }
        }
    }
    assert!(errors < runs, "{errors} of {runs} mutated inputs failed");
}

#[test]
fn nested_table_text_stays_in_the_outer_cell() {
    // Outer cell 1 holds a 2-cell inner table; outer cell 2 is plain.
    let text = "a\rb\r\rsesudah\x07Waktu\x07\x07";
    let itap = |n: u32| sprm(0x6649, &n.to_le_bytes());
    let inner_cell = {
        let mut g = sprm(0x2416, &[1]);
        g.extend(itap(2));
        g.extend(sprm(0x244B, &[1]));
        g
    };
    let inner_row_end = {
        let mut g = sprm(0x2416, &[1]);
        g.extend(itap(2));
        g.extend(sprm(0x244B, &[1]));
        g.extend(sprm(0x244C, &[1]));
        g
    };
    let outer_cell = {
        let mut g = sprm(0x2416, &[1]);
        g.extend(itap(1));
        g
    };
    let g = vec![
        inner_cell.clone(),
        inner_cell,
        inner_row_end,
        outer_cell.clone(),
        outer_cell,
        row_end(&[0, 2000, 3000], &[itap(1)]),
    ];
    let (wd, table) = tiny_doc(text, &g);
    let d = sopap::internals::read_streams(&wd, &table, &[], &Budget::default()).unwrap();
    let (_, _, t) = d.tables().next().unwrap();
    assert_eq!(d.tables().count(), 1);
    assert_eq!(t.rows.len(), 1);
    assert_eq!(t.row_texts(0), ["a\nb\nsesudah", "Waktu"]);
}

/// An OLE container holding `streams` (path, bytes).
fn ole_file(streams: &[(&str, &[u8])]) -> Vec<u8> {
    let mut out = cfb::CompoundFile::create(Cursor::new(Vec::new())).unwrap();
    for (name, data) in streams {
        out.create_stream(name).unwrap().write_all(data).unwrap();
    }
    out.flush().unwrap();
    out.into_inner().into_inner()
}

/// Real Word output marks the unused entries of its FAT end-of-chain rather than free:
/// the document is read all the same.
#[test]
fn ole_fat_with_end_of_chain_for_unused_entries_is_read() {
    let text = "Menerima berkas permohonan\rMemeriksa kelengkapan\r";
    let none = Vec::new();
    let (wd, table) = tiny_doc(text, &[none.clone(), none]);
    let mut doc = ole_file(&[
        ("/WordDocument", &wd),
        ("/0Table", &table),
        ("/1Table", &table),
    ]);
    let control = sopap::read(&doc, &Budget::default()).unwrap();
    assert!(control.plain_text().contains("Memeriksa kelengkapan"));
    // The first FAT sector: every free entry becomes end-of-chain.
    let sector = 1usize << u16::from_le_bytes([doc[30], doc[31]]);
    let fat_sid = u32::from_le_bytes(doc[76..80].try_into().unwrap()) as usize;
    let at = sector * (fat_sid + 1);
    let end = (at + sector).min(doc.len());
    let mut changed = 0;
    for e in doc[at..end].chunks_exact_mut(4) {
        if e == [0xFF; 4] {
            e.copy_from_slice(&0xFFFF_FFFEu32.to_le_bytes());
            changed += 1;
        }
    }
    assert!(changed > 0);
    let d = sopap::read(&doc, &Budget::default()).unwrap();
    let ps = paragraphs(&d);
    assert_eq!(ps[0].text, "Menerima berkas permohonan");
    assert_eq!(ps[1].text, "Memeriksa kelengkapan");
}

/// Word 6.0 and Word 95 documents are `unsupported`, the message naming the version.
#[test]
fn word6_and_word95_are_unsupported_naming_the_version() {
    for (n_fib, version) in [(0x0065u16, "Word 6.0"), (0x0068, "Word 95")] {
        let mut wd = vec![0u8; 4096];
        wd[0..2].copy_from_slice(&0xA5ECu16.to_le_bytes());
        wd[2..4].copy_from_slice(&n_fib.to_le_bytes());
        let doc = ole_file(&[("/WordDocument", &wd)]);
        let err = sopap::read(&doc, &Budget::default()).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Unsupported, "{err}");
        assert!(err.to_string().contains(version), "{err}");
    }
}
