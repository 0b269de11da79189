//! SOP parsing on hand-built document models: segmentation, identity, procedure tables.

use sopap::{
    Anchor, Block, Cell, CellValue, Document, Layout, Paragraph, Row, Rules, Section, Shape,
    ShapeKind, Symbol, Table, parse,
};

fn cell(row: usize, col: usize, rs: usize, cs: usize, t: &str) -> Cell {
    Cell::new(row, col, rs, cs, t)
}

fn table(n_cols: usize, rows: Vec<Vec<Cell>>) -> Table {
    Table {
        n_cols,
        rows: rows
            .into_iter()
            .map(|cells| Row {
                cells,
                ..Default::default()
            })
            .collect(),
        ..Default::default()
    }
}

fn para(t: &str) -> Block {
    Block::Paragraph(Paragraph {
        text: t.into(),
        ..Default::default()
    })
}

fn shape(kind: ShapeKind, block: usize, row: usize, col: usize) -> Shape {
    Shape {
        kind,
        geometry: "test".into(),
        text: String::new(),
        text_box: false,
        anchor: Anchor::Cell { block, row, col },
        bbox: None,
        line: None,
        page: None,
        picture: None,
    }
}

/// No | Kegiatan | Pelaksana (3) | Mutu Baku (3) | Keterangan, then `steps` rows of
/// (no, activity, actor column 0..3 or None, mark, requirements, time, output, notes).
#[allow(clippy::type_complexity)]
fn procedure(actors: [&str; 3], steps: &[(&str, &str, Option<usize>, &str, &str, &str)]) -> Table {
    let mut rows = vec![
        vec![
            cell(0, 0, 2, 1, "NO"),
            cell(0, 1, 2, 1, "Uraian Kegiatan"),
            cell(0, 2, 1, 3, "Pelaksana"),
            cell(0, 5, 1, 3, "Mutu Baku"),
            cell(0, 8, 2, 1, "Keterangan"),
        ],
        vec![
            cell(1, 2, 1, 1, actors[0]),
            cell(1, 3, 1, 1, actors[1]),
            cell(1, 4, 1, 1, actors[2]),
            cell(1, 5, 1, 1, "Kelengkapan"),
            cell(1, 6, 1, 1, "Waktu"),
            cell(1, 7, 1, 1, "Output"),
        ],
    ];
    for (i, (no, act, mark_col, time, out, notes)) in steps.iter().enumerate() {
        let r = rows.len();
        let mut cells = vec![cell(r, 0, 1, 1, no), cell(r, 1, 1, 1, act)];
        if let Some(c) = mark_col {
            cells.push(cell(r, 2 + c, 1, 1, "√"));
        }
        cells.push(cell(r, 5, 1, 1, &format!("Berkas {}", i + 1)));
        cells.push(cell(r, 6, 1, 1, time));
        cells.push(cell(r, 7, 1, 1, out));
        if !notes.is_empty() {
            cells.push(cell(r, 8, 1, 1, notes));
        }
        rows.push(cells);
    }
    table(9, rows)
}

/// A one-section document of `blocks` without shapes.
fn doc_of(blocks: Vec<Block>) -> Document {
    crate::support::one_section(blocks, Vec::new())
}

fn rules() -> Rules {
    Rules::defaults().unwrap()
}

#[test]
fn flowchart_table_with_shapes_and_two_col_identity() {
    // Identity: label | value rows, then lists as label row over value row.
    let ident = table(
        2,
        vec![
            vec![
                cell(0, 0, 1, 1, "Nomor SOP"),
                cell(0, 1, 1, 1, "800/12/SOP/2019"),
            ],
            vec![
                cell(1, 0, 1, 1, "Nama SOP"),
                cell(1, 1, 1, 1, "Pelayanan Cuti"),
            ],
            vec![
                cell(2, 0, 1, 1, "Tanggal Efektif"),
                cell(2, 1, 1, 1, "2019-02-01"),
            ],
            vec![
                cell(3, 0, 1, 1, "Disahkan oleh"),
                cell(
                    3,
                    1,
                    1,
                    1,
                    "Kepala Dinas Kesehatan\n\nDr. Budi, M.Kes\nNIP. 19700101 199503 2 001",
                ),
            ],
            vec![
                cell(4, 0, 1, 1, "Dasar Hukum:"),
                cell(4, 1, 1, 1, "Peralatan/Perlengkapan:"),
            ],
            vec![
                cell(
                    5,
                    0,
                    1,
                    1,
                    "1. Undang-Undang Nomor 5 Tahun 2014;\n2. PP 11/2017",
                ),
                cell(5, 1, 1, 1, "• Komputer\n• Printer"),
            ],
        ],
    );
    let proc = procedure(
        ["Pegawai", "Sekretaris", "Kepala Dinas"],
        &[
            (
                "1.",
                "Mengajukan permohonan cuti",
                None,
                "1 jam",
                "Surat",
                "",
            ),
            (
                "2",
                "Memeriksa berkas, apakah lengkap?",
                None,
                "15 menit",
                "Berkas",
                "Tidak: kembali ke no. 1",
            ),
            (
                "3",
                "Menandatangani surat",
                None,
                "30 menit",
                "Surat izin",
                "",
            ),
            ("4", "Menerima surat izin", None, "5 menit", "Diterima", ""),
        ],
    );
    let shapes = vec![
        shape(ShapeKind::Terminator, 3, 2, 2),
        shape(ShapeKind::Decision, 3, 3, 3),
        Shape {
            text: "Ya".into(),
            text_box: true,
            ..shape(ShapeKind::Process, 3, 3, 4)
        },
        shape(ShapeKind::Arrow, 3, 3, 3),
        shape(ShapeKind::Process, 3, 4, 4),
        shape(ShapeKind::Terminator, 3, 5, 2),
    ];
    let doc = Document {
        format: None,
        ocr: false,
        sections: vec![Section {
            name: None,
            blocks: vec![
                para("PEMERINTAH KOTA TOMOHON"),
                para("DINAS KESEHATAN"),
                Block::Table(ident),
                Block::Table(proc),
            ],
            shapes,
        }],
    };
    let sops = parse(&doc, &rules());
    assert_eq!(sops.len(), 1);
    let s = &sops[0];
    assert_eq!(s.layout, Layout::FlowchartTable);
    assert_eq!(s.agency.as_deref(), Some("Dinas Kesehatan"));
    assert_eq!(s.identity.number.as_deref(), Some("800/12/SOP/2019"));
    assert_eq!(s.identity.title.as_deref(), Some("Pelayanan Cuti"));
    assert_eq!(s.identity.effective.as_deref(), Some("2019-02-01"));
    let ap = s.identity.approved_by.as_ref().unwrap();
    assert_eq!(ap.position.as_deref(), Some("Kepala Dinas Kesehatan"));
    assert_eq!(ap.name.as_deref(), Some("Dr. Budi, M.Kes"));
    assert_eq!(ap.nip.as_deref(), Some("19700101 199503 2 001"));
    assert_eq!(
        s.identity.legal_basis,
        vec!["Undang-Undang Nomor 5 Tahun 2014", "PP 11/2017"]
    );
    assert_eq!(s.identity.equipment, vec!["Komputer", "Printer"]);
    assert_eq!(s.actors, vec!["Pegawai", "Sekretaris", "Kepala Dinas"]);
    assert_eq!(s.steps.len(), 4);
    let st = &s.steps;
    assert_eq!(st[0].actors, vec!["Pegawai"]);
    assert_eq!(st[0].symbol, Some(Symbol::Terminator));
    assert_eq!(st[0].time.as_deref(), Some("1 jam"));
    assert_eq!(st[0].minutes, Some(60.0));
    assert_eq!(st[0].requirements.as_deref(), Some("Berkas 1"));
    assert_eq!(st[1].actors, vec!["Sekretaris"]);
    assert_eq!(st[1].symbol, Some(Symbol::Decision));
    assert_eq!((st[1].if_yes, st[1].if_no), (Some(3), Some(1)));
    assert_eq!(st[1].next, vec![3, 1]);
    assert_eq!(st[1].notes.as_deref(), Some("Tidak: kembali ke no. 1"));
    assert_eq!(st[2].actors, vec!["Kepala Dinas"]);
    assert_eq!(st[2].symbol, Some(Symbol::Process));
    assert_eq!(st[2].next, vec![4]);
    assert_eq!(st[3].symbol, Some(Symbol::Terminator));
    assert!(st[3].next.is_empty());
}

#[test]
fn book_of_two_sops_and_a_continued_table() {
    let p1a = procedure(
        ["Pegawai", "Sekretaris", "Kepala Dinas"],
        &[
            ("1", "Mengajukan usulan", Some(0), "1 jam", "Usulan", ""),
            ("2", "Memeriksa usulan", Some(1), "1 jam", "Paraf", ""),
        ],
    );
    // The same SOP's table continued after a page break (header repeated).
    let p1b = procedure(
        ["Pegawai", "Sekretaris", "Kepala Dinas"],
        &[("3", "Menandatangani usulan", Some(2), "1 jam", "Usulan", "")],
    );
    let p2 = procedure(
        ["Pegawai", "Sekretaris", "Kepala Dinas"],
        &[
            ("1", "Menyusun laporan", Some(1), "2 jam", "Laporan", ""),
            ("2", "Menyetujui laporan", Some(2), "1 jam", "Laporan", ""),
        ],
    );
    let doc = doc_of(vec![
        para("PEMERINTAH KOTA TOMOHON"),
        para("BADAN KEUANGAN"),
        para("Nomor SOP : 900/1/2020"),
        para("Nama SOP : Usulan Pertama"),
        Block::Table(p1a),
        para("USULAN PERTAMA (LANJUTAN)"),
        Block::Table(p1b),
        para("PEMERINTAH KOTA TOMOHON"),
        para("BADAN KEUANGAN"),
        para("Nomor SOP : 900/2/2020"),
        para("Nama SOP : Laporan Kedua"),
        para("Dasar Hukum:"),
        para("1. Peraturan Satu;"),
        para("2. Peraturan Dua"),
        Block::Table(p2),
    ]);
    let sops = parse(&doc, &rules());
    assert_eq!(sops.len(), 2, "{sops:#?}");
    assert_eq!(sops[0].identity.number.as_deref(), Some("900/1/2020"));
    assert_eq!(sops[0].identity.title.as_deref(), Some("Usulan Pertama"));
    assert_eq!(sops[0].layout, Layout::MarkTable);
    let nos: Vec<u32> = sops[0].steps.iter().map(|s| s.no).collect();
    assert_eq!(nos, vec![1, 2, 3]);
    assert_eq!(sops[0].steps[2].actors, vec!["Kepala Dinas"]);
    assert_eq!(sops[0].steps[1].next, vec![3]);
    assert_eq!(sops[0].steps[0].symbol, Some(Symbol::Terminator));
    assert_eq!(sops[0].steps[1].symbol, Some(Symbol::Process));
    assert_eq!(sops[1].identity.number.as_deref(), Some("900/2/2020"));
    assert_eq!(
        sops[1].identity.legal_basis,
        vec!["Peraturan Satu", "Peraturan Dua"]
    );
    assert_eq!(sops[1].steps.len(), 2);
    assert_eq!(sops[1].steps[0].actors, vec!["Sekretaris"]);
    assert_eq!(sops[1].steps[0].minutes, Some(120.0));
}

#[test]
fn sheets_with_identity_above_the_table_are_one_sop_each() {
    let sheet = |n: &str, title: &str| {
        let mut t = procedure(
            ["Pegawai", "Sekretaris", "Kepala Dinas"],
            &[
                ("1", "Mengajukan", Some(0), "1 jam", "A", ""),
                ("2", "Menyetujui", Some(2), "1 jam", "B", ""),
            ],
        );
        // identity rows above: shift the procedure rows down by 3
        for (i, row) in t.rows.iter_mut().enumerate() {
            for c in row.cells.iter_mut() {
                c.row = i + 3;
            }
        }
        let mut rows = vec![
            Row {
                cells: vec![
                    cell(
                        0,
                        0,
                        3,
                        4,
                        "PEMERINTAH KOTA TOMOHON\nDINAS PENDIDIKAN\n\nSub Bagian Umum",
                    ),
                    cell(0, 4, 1, 2, "NOMOR SOP"),
                    cell(0, 6, 1, 3, n),
                ],
                ..Default::default()
            },
            Row {
                cells: vec![
                    cell(1, 4, 1, 2, "Tanggal Pembuatan"),
                    Cell {
                        value: Some(CellValue::Date("2021-06-20".into())),
                        ..cell(1, 6, 1, 3, "20 Juni 2021")
                    },
                ],
                ..Default::default()
            },
            Row {
                cells: vec![cell(2, 4, 1, 2, "Judul SOP"), cell(2, 6, 1, 3, title)],
                ..Default::default()
            },
        ];
        rows.append(&mut t.rows);
        Section {
            name: Some(n.into()),
            blocks: vec![Block::Table(Table {
                n_cols: 9,
                rows,
                ..Default::default()
            })],
            shapes: vec![],
        }
    };
    let doc = Document {
        format: None,
        ocr: false,
        sections: vec![sheet("SOP/1", "Satu"), sheet("SOP/2", "Dua")],
    };
    let sops = parse(&doc, &rules());
    assert_eq!(sops.len(), 2, "{sops:#?}");
    assert_eq!(sops[0].identity.number.as_deref(), Some("SOP/1"));
    assert_eq!(sops[1].identity.title.as_deref(), Some("Dua"));
    assert_eq!(sops[0].identity.created.as_deref(), Some("2021-06-20"));
    assert_eq!(sops[0].identity.unit.as_deref(), Some("Sub Bagian Umum"));
    assert_eq!(sops[0].agency.as_deref(), Some("Dinas Pendidikan"));
    assert_eq!(sops[1].steps[1].actors, vec!["Kepala Dinas"]);
    assert_eq!(sops[1].steps[1].activity, "Menyetujui");
}

#[test]
fn numbered_paragraphs_after_prosedur_are_a_narrative() {
    let doc = doc_of(vec![
        para("STANDAR OPERASIONAL PROSEDUR"),
        para("USULAN KENAIKAN PANGKAT"),
        para("Nomor SOP : 900/45/2021"),
        para("PERINGATAN:"),
        para("Berkas yang tidak lengkap dikembalikan"),
        para("PROSEDUR"),
        para("1. Berkas usulan disampaikan oleh Pegawai."),
        para(
            "2. Pelaksana memverifikasi berkas, apakah berkas lengkap? Jika ya, lanjut ke langkah 3; jika tidak, kembali ke langkah 1.",
        ),
        para("3. Sekretaris memaraf surat pengantar."),
    ]);
    let sops = parse(&doc, &rules());
    assert_eq!(sops.len(), 1);
    let s = &sops[0];
    assert_eq!(s.layout, Layout::Narrative);
    assert_eq!(s.identity.title.as_deref(), Some("USULAN KENAIKAN PANGKAT"));
    assert_eq!(s.identity.number.as_deref(), Some("900/45/2021"));
    assert_eq!(
        s.identity.warnings,
        vec!["Berkas yang tidak lengkap dikembalikan"]
    );
    assert_eq!(s.steps.len(), 3);
    assert_eq!(
        s.steps[0].activity,
        "Berkas usulan disampaikan oleh Pegawai."
    );
    assert_eq!(s.steps[1].symbol, Some(Symbol::Decision));
    assert_eq!((s.steps[1].if_yes, s.steps[1].if_no), (Some(3), Some(1)));
    assert_eq!(s.steps[2].symbol, Some(Symbol::Terminator));
    assert_eq!(s.steps[0].time, None);
}

#[test]
fn a_letter_is_not_an_sop() {
    let doc = doc_of(vec![
        para("Kepada Yth. Bapak Kepala Dinas"),
        para("Dengan hormat, bersama ini kami sampaikan laporan."),
    ]);
    assert!(parse(&doc, &rules()).is_empty());
}

#[test]
fn a_value_under_a_list_label_is_its_value_even_when_it_reads_as_a_label() {
    // The list grid of the standard's identity page: a row of two list labels over a
    // row of their values. A value that reads like a label (an OCR-read warning
    // "PENCATATAN DAN PENDATAAN :", a numbered label, a label in title case) is still
    // the value of the label above it, in either column.
    let shapes_of = |v: &str| {
        [
            format!("{} :", v.to_uppercase()),
            format!("1. {}", v.to_uppercase()),
            v.to_string(),
        ]
    };
    for odd in shapes_of("Pencatatan dan Pendataan")
        .into_iter()
        .chain(shapes_of("Peringatan"))
    {
        for odd_left in [true, false] {
            let (left, right) = if odd_left {
                (odd.as_str(), "Buku register")
            } else {
                ("Berkas tidak lengkap", odd.as_str())
            };
            let ident = table(
                2,
                vec![
                    vec![
                        cell(0, 0, 1, 1, "Nomor SOP"),
                        cell(0, 1, 1, 1, "800/12/SOP/2019"),
                    ],
                    vec![
                        cell(1, 0, 1, 1, "Nama SOP"),
                        cell(1, 1, 1, 1, "Pelayanan Cuti"),
                    ],
                    vec![
                        cell(2, 0, 1, 1, "Tanggal Efektif"),
                        cell(2, 1, 1, 1, "2019-02-01"),
                    ],
                    vec![
                        cell(3, 0, 1, 1, "Dasar Hukum"),
                        cell(3, 1, 1, 1, "Kualifikasi Pelaksana"),
                    ],
                    vec![
                        cell(4, 0, 1, 1, "1. PP 11/2017"),
                        cell(4, 1, 1, 1, "1. Sarjana"),
                    ],
                    vec![
                        cell(5, 0, 1, 1, "Peringatan"),
                        cell(5, 1, 1, 1, "Pencatatan dan Pendataan"),
                    ],
                    vec![cell(6, 0, 1, 1, left), cell(6, 1, 1, 1, right)],
                ],
            );
            let proc = procedure(
                ["Pegawai", "Sekretaris", "Kepala Dinas"],
                &[
                    ("1", "Mengajukan permohonan", Some(0), "1 jam", "Surat", ""),
                    ("2", "Menandatangani surat", Some(2), "1 jam", "Izin", ""),
                ],
            );
            let doc = Document {
                format: None,
                ocr: false,
                sections: vec![Section {
                    name: None,
                    blocks: vec![Block::Table(ident), Block::Table(proc)],
                    shapes: Vec::new(),
                }],
            };
            let sops = parse(&doc, &rules());
            assert_eq!(sops.len(), 1, "value {odd:?}");
            let id = &sops[0].identity;
            let strip = |t: &str| t.trim_start_matches("1. ").to_string();
            assert_eq!(id.warnings, vec![strip(left)], "value {odd:?}");
            assert_eq!(id.records, vec![strip(right)], "value {odd:?}");
            assert_eq!(id.legal_basis, vec!["PP 11/2017"]);
            assert_eq!(id.qualifications, vec!["Sarjana"]);
            assert_eq!(sops[0].steps.len(), 2);
        }
    }
}

#[test]
fn a_colon_inside_a_parenthesis_splits_no_label_from_its_value() {
    use sopap::SopRules;
    use sopap::internals::IdentityField;
    use sopap::internals::split_label_line;
    let rules = rules();
    let vocab = rules.vocab();
    // A sentence quoting labels (a finding of the export's Catatan Migrasi page) is no
    // label line, whichever label it quotes.
    for label in ["Disahkan oleh", "Nomor SOP", "Dasar Hukum"] {
        let line = format!("Pengesahan ({label}: jabatan, nama, NIP) belum diisi.");
        assert_eq!(split_label_line(&line, vocab), None, "{line}");
    }
    // A label line still is one.
    assert_eq!(
        split_label_line("Disahkan oleh : Kepala Dinas", vocab),
        Some((IdentityField::ApprovedBy, "Kepala Dinas".to_string()))
    );
}

/// The identity of a text-only page whose law list wraps a line into words that spell a
/// heading or a title: `wrapped` is the line after `cut`, `next` the line after that.
fn law_list_doc(bullet: &str, cut: &str, wrapped: &str, next: &str) -> Document {
    doc_of(vec![
        para("STANDAR OPERASIONAL PROSEDUR"),
        para("Nomor SOP : 800/7/SOP/2019"),
        para("Nama SOP : Pengelolaan Arsip Inaktif"),
        para("Dasar Hukum :"),
        para(&format!(
            "{bullet} Undang-Undang Nomor 43 Tahun 2009 tentang Kearsipan"
        )),
        para(&format!("{bullet} {cut}")),
        para(wrapped),
        para(&format!("{bullet} {next}")),
        para("Peringatan :"),
        para(&format!("{bullet} Arsip rusak bila tidak disimpan")),
        para("PROSEDUR"),
        para("1. Pelaksana menerima berkas arsip."),
        para("2. Pelaksana mencatat berkas arsip."),
    ])
}

#[test]
fn a_law_wrapped_into_words_that_spell_a_heading_stays_one_item() {
    // The wrapped rest spells the document-type heading of rules/document.toml, or an
    // ordinary title-case phrase; bullets of several kinds.
    let cases = [
        (
            "-",
            "Peraturan Menteri Pendayagunaan Aparatur Negara dan Reformasi Birokrasi Nomor 35 Tahun 2012 tentang Pedoman Penyusunan",
            "Standar Operasional Prosedur Administrasi Pemerintahan",
        ),
        (
            "1.",
            "Peraturan Bupati Minahasa Nomor 12 Tahun 2015 tentang Penyusunan",
            "Standar Operasional Prosedur Administrasi Pemerintahan Daerah",
        ),
        (
            "\u{2022}",
            "Peraturan Kepala Arsip Nasional Nomor 9 Tahun 2018 tentang Pedoman",
            "Penyusutan Arsip Inaktif di Lingkungan Pemerintah Daerah",
        ),
    ];
    let next = "Peraturan Daerah Nomor 3 Tahun 2021 tentang Perangkat Daerah";
    for (bullet, cut, wrapped) in cases {
        let sops = parse(&law_list_doc(bullet, cut, wrapped, next), &rules());
        assert_eq!(sops.len(), 1, "{wrapped}");
        let laws = &sops[0].identity.legal_basis;
        assert_eq!(laws.len(), 3, "{laws:?}");
        assert_eq!(laws[1], format!("{cut} {wrapped}"));
        assert_eq!(laws[2], next);
        assert_eq!(
            sops[0].identity.warnings,
            vec!["Arsip rusak bila tidak disimpan"]
        );
    }
}

#[test]
fn a_finished_item_or_a_heading_in_capitals_is_not_a_wrapped_line() {
    // After an item closed by its punctuation, the heading-shaped line is no part of it.
    let closed = "Peraturan Daerah Nomor 3 Tahun 2021 tentang Perangkat Daerah;";
    let sops = parse(
        &law_list_doc(
            "-",
            closed,
            "Standar Operasional Prosedur Administrasi",
            "x",
        ),
        &rules(),
    );
    assert!(
        sops.iter()
            .flat_map(|s| &s.identity.legal_basis)
            .all(|l| !l.contains("Standar Operasional")),
        "{sops:?}"
    );
    // A line in capitals after an unfinished item is a heading, not the item's rest.
    let open = "Peraturan Daerah Nomor 3 Tahun 2021 tentang Perangkat Daerah";
    let sops = parse(
        &law_list_doc("-", open, "STANDAR OPERASIONAL PROSEDUR", "x"),
        &rules(),
    );
    assert!(
        sops.iter()
            .flat_map(|s| &s.identity.legal_basis)
            .all(|l| !l.contains("STANDAR")),
        "{sops:?}"
    );
}

/// An identity grid whose labels are typed one per line into one cell beside as many
/// value lines (or whose row rulings a scan lost): each label takes the value at its
/// line; where the counts differ the lines stay unpaired.
fn stacked_identity(values: &str) -> Document {
    let ident = table(
        3,
        vec![
            vec![
                cell(0, 0, 2, 1, "PEMERINTAH KOTA TOMOHON"),
                cell(0, 1, 1, 1, "Nomor SOP\nTanggal Pembuatan\nTanggal Efektif"),
                cell(0, 2, 1, 1, values),
            ],
            vec![
                cell(1, 1, 1, 1, "Nama SOP"),
                cell(1, 2, 1, 1, "Pelayanan Cuti"),
            ],
        ],
    );
    let proc = procedure(
        ["Pegawai", "Sekretaris", "Kepala Dinas"],
        &[
            (
                "1",
                "Mengajukan permohonan cuti",
                Some(0),
                "1 jam",
                "Surat",
                "",
            ),
            (
                "2",
                "Menandatangani surat",
                Some(2),
                "30 menit",
                "Surat izin",
                "",
            ),
        ],
    );
    doc_of(vec![Block::Table(ident), Block::Table(proc)])
}

#[test]
fn labels_stacked_in_one_cell_take_the_value_lines_beside_them() {
    let doc = stacked_identity("800/12/SOP/2019\n2 Januari 2019\n1 Februari 2019");
    let sops = parse(&doc, &rules());
    let id = &sops[0].identity;
    assert_eq!(id.number.as_deref(), Some("800/12/SOP/2019"));
    assert_eq!(id.created.as_deref(), Some("2019-01-02"));
    assert_eq!(id.effective.as_deref(), Some("2019-02-01"));
    assert_eq!(id.title.as_deref(), Some("Pelayanan Cuti"));
    // Two value lines for three labels: which is which is unknown, so no number is
    // made up from them.
    let sops = parse(
        &stacked_identity("800/12/SOP/2019\n1 Februari 2019"),
        &rules(),
    );
    assert_eq!(sops[0].identity.title.as_deref(), Some("Pelayanan Cuti"));
    let id = &sops[0].identity;
    assert_eq!(
        (id.number.as_deref(), id.effective.as_deref()),
        (None, None)
    );
}

/// A row with neither activity nor symbol is no step, numbered or not: here the
/// column-number row of a pictured table whose numbers the OCR engine lost but "(1)" in
/// the No column and a speck read as a mark in an actor column.
#[test]
fn a_numbered_row_without_activity_or_symbol_is_no_step() {
    let t = procedure(
        ["Kepala Dinas", "Sekretaris", "Staf"],
        &[
            ("(1)", "", Some(1), "", "", ""),
            (
                "1",
                "Menerima surat masuk",
                Some(2),
                "10 menit",
                "Surat",
                "",
            ),
            (
                "2",
                "Mendisposisikan surat",
                Some(0),
                "1 jam",
                "Disposisi",
                "",
            ),
        ],
    );
    let sops = parse(
        &doc_of(vec![para("SOP Pengelolaan Surat Masuk"), Block::Table(t)]),
        &rules(),
    );
    let steps: Vec<(u32, &str)> = sops
        .iter()
        .flat_map(|s| &s.steps)
        .map(|s| (s.no, s.activity.as_str()))
        .collect();
    assert_eq!(
        steps,
        [(1, "Menerima surat masuk"), (2, "Mendisposisikan surat")]
    );
    let first = &sops[0].steps[0];
    assert_eq!(first.actors, ["Pelaksana"], "{first:#?}");
    assert_eq!(first.time.as_deref(), Some("10 menit"));
}
