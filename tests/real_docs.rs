//! SOPs from other hands: the real documents of `../shared/real` (kaltim-ppid ISO-style
//! SOPs with an appendix flowchart, BPS hybrids whose flowchart is a pasted picture, a
//! decree and a manual that are no SOP), and fixtures built in the same styles with
//! other words (an ISO-style SOP of another office, numbered symbol boxes beside framed
//! branch labels, a letter citing laws).
//!
//! The real-document tests need `../shared/real`: without it they print one line and
//! pass, except under `CI=true`, where a missing folder is a failure.

use std::path::PathBuf;

use crate::support;

use sopap::{
    Anchor, Block, Cell, Document, ErrorKind, FileContext, Format, Limits, Paragraph, Rect, Row,
    Rules, Section, Shape, ShapeKind, Sop, Symbol, Table, process_bytes,
};

// ------------------------------------------------------------------ real documents

/// The real-document folder, or None (with one printed line, through the shared test
/// support) when it is absent outside CI. Under `CI=true` a missing folder fails the test.
fn real_dir() -> Option<PathBuf> {
    support::shared_or_skip(support::REAL).then(|| PathBuf::from(support::REAL))
}

/// The SOPs of one real file through the whole pipeline (findings included), or its
/// error.
fn run(dir: &std::path::Path, rel: &str) -> Result<Vec<Sop>, sopap::FileError> {
    let bytes = std::fs::read(dir.join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"));
    let rules = Rules::defaults().unwrap();
    let ctx = FileContext {
        rel_path: rel.to_string(),
        agency: None,
    };
    process_bytes(&ctx, &bytes, &rules, &Limits::default())
}

/// Lower case, letters and digits only, single spaces.
fn norm(s: &str) -> String {
    s.to_lowercase()
        .chars()
        .map(|c| if c.is_alphanumeric() { c } else { ' ' })
        .collect::<String>()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// The actors of step `no`, normalised (a hyphen a header kept from its wrap, as in
/// "DOKUMEN-TASI", joins the word as the scorer reads it).
fn actors_of(sop: &Sop, no: u32) -> Vec<String> {
    let step = sop.steps.iter().find(|s| s.no == no).unwrap();
    let mut a: Vec<String> = step
        .actors
        .iter()
        .map(|x| norm(&x.replace('-', "")))
        .collect();
    a.sort();
    a
}

/// True when a step's activity cites a law (the Dasar Hukum list read as steps).
fn is_law(activity: &str) -> bool {
    let a = norm(activity);
    (a.starts_with("undang undang") || a.starts_with("peraturan") || a.starts_with("keputusan"))
        && a.contains("nomor")
}

#[test]
fn kaltim_appendix_flowchart_after_narrative_sections() {
    let Some(dir) = real_dir() else { return };
    let sops = run(&dir, "kaltim-ppid/SOP Uji Konsekuensi Publik 2022.pdf").unwrap();
    assert_eq!(
        sops.len(),
        1,
        "one SOP: the narrative sections and the LAMPIRAN table"
    );
    let sop = &sops[0];
    let id = &sop.identity;
    assert_eq!(id.number.as_deref(), Some("SOP-PPID-03"));
    assert_eq!(
        id.title.as_deref(),
        Some("UJI KONSEKUENSI INFORMASI PUBLIK")
    );
    // B. DASAR HUKUM is the legal basis (18 items, wrapped lines joined), never steps.
    assert!(id.legal_basis.len() >= 17, "{:?}", id.legal_basis);
    assert!(
        id.legal_basis
            .iter()
            .any(|l| norm(l).contains("undang undang nomor 14 tahun 2008")),
        "{:?}",
        id.legal_basis
    );
    assert!(!id.related_sops.is_empty() && !id.warnings.is_empty());
    assert!(!id.qualifications.is_empty() && !id.records.is_empty());
    assert!(sop.steps.iter().all(|s| !is_law(&s.activity)));
    // URAIAN PROSES | PN. JAWAB PELAKSANA: five steps over two pages.
    let nos: Vec<u32> = sop.steps.iter().map(|s| s.no).collect();
    assert_eq!(nos, [1, 2, 3, 4, 5]);
    let first = &sop.steps[0];
    assert!(norm(&first.activity).starts_with("melakukan kajian atas informasi"));
    assert_eq!(first.symbol, Some(Symbol::Terminator));
    assert_eq!(actors_of(sop, 1), ["ppid kaltim dan ppid pelaksana"]);
    assert_eq!(sop.steps[1].symbol, Some(Symbol::Decision));
    assert_eq!(actors_of(sop, 2), ["tim pertimbangan pelayanan informasi"]);
    // step 3 has a box in three columns
    assert_eq!(
        actors_of(sop, 3),
        [
            "komponen atau perangkat daerah",
            "ppid kaltim dan ppid pelaksana",
            "tim pertimbangan pelayanan informasi"
        ]
    );
    // "do-" / "kumen": the printer's hyphen is undone
    assert!(norm(&sop.steps[1].activity).contains("atau dokumen yang dimaksud"));
    // step 5 stands on the second page, under the repeated header
    assert_eq!(actors_of(sop, 5), ["ppid kaltim dan ppid pelaksana"]);
}

#[test]
fn kaltim_steps_over_page_breaks_stay_one_step() {
    let Some(dir) = real_dir() else { return };
    let sops = run(&dir, "kaltim-ppid/SOP Pelayanan Informasi Publik 2022.pdf").unwrap();
    assert_eq!(sops.len(), 1);
    let sop = &sops[0];
    assert_eq!(sop.identity.number.as_deref(), Some("SOP-PPID-02"));
    assert_eq!(sop.steps.len(), 8, "steps 3 and 6 run over page breaks");
    // The actor header is printed at about 5 pt: still the header, not branch labels.
    assert_eq!(sop.actors.len(), 6, "{:?}", sop.actors);
    assert_eq!(actors_of(sop, 1), ["pemohon informasi"]);
    // Step 3: its items a. and b. on page 11, item c. under "Lanjutan ..." on page 12.
    let s3 = norm(&sop.steps[2].activity);
    assert!(s3.contains("a jika informasi yang diminta"), "{s3}");
    assert!(s3.contains("c jika informasi yg diminta terkait"), "{s3}");
    assert_eq!(
        actors_of(sop, 3),
        [
            "bidang klarifikasi ppid",
            "petugas layanan informasi publik"
        ]
    );
    // Step 6 ends on page 13 above a connector: the text joins, no step of its own.
    let s6 = norm(&sop.steps[5].activity);
    assert!(
        s6.ends_with("desk layanan untuk diserahkan ke pemohon"),
        "{s6}"
    );
    assert_eq!(actors_of(sop, 6), ["bidang layanan dokumentasi ppid"]);
    assert_eq!(sop.steps[7].symbol, Some(Symbol::Terminator));
}

#[test]
fn kaltim_flowchart_printed_twice_is_one_sop() {
    let Some(dir) = real_dir() else { return };
    for (rel, number, steps) in [
        (
            "kaltim-ppid/SOP Penanganan Keberatan Informasi Publik 2022.pdf",
            "SOP-PPID-04",
            6,
        ),
        (
            "kaltim-ppid/SOP Pendokumentasian Informasi Publik 2022.pdf",
            "SOP-PPID-06",
            7,
        ),
    ] {
        let sops = run(&dir, rel).unwrap();
        assert_eq!(sops.len(), 1, "{rel}");
        assert_eq!(sops[0].identity.number.as_deref(), Some(number), "{rel}");
        let nos: Vec<u32> = sops[0].steps.iter().map(|s| s.no).collect();
        assert_eq!(nos, (1..=steps).collect::<Vec<u32>>(), "{rel}");
        assert!(sops[0].steps.iter().all(|s| !s.actors.is_empty()), "{rel}");
    }
}

#[test]
fn kaltim_text_cover_and_law_list_never_steps() {
    let Some(dir) = real_dir() else { return };
    let sops = run(
        &dir,
        "kaltim-ppid/SOP Penyusunan dan Pemukhtahiran DIP 2022.pdf",
    )
    .unwrap();
    assert_eq!(sops.len(), 1);
    let sop = &sops[0];
    assert_eq!(sop.identity.number.as_deref(), Some("SOP-PPID-01"));
    // the line under "STANDAR OPERASIONAL PROSEDUR" on the text cover
    assert_eq!(
        norm(sop.identity.title.as_deref().unwrap_or("")),
        "penyusunan dan pemutakhiran daftar informasi publik"
    );
    assert_eq!(sop.steps.len(), 6);
    assert!(sop.steps.iter().all(|s| !is_law(&s.activity)));
    assert_eq!(actors_of(sop, 1), ["sekretaris ppid"]);
}

#[test]
fn pictured_flowchart_keeps_its_identity() {
    let Some(dir) = real_dir() else { return };
    let rel = "bps-bengkulu/213. SOP Perencanaan Survei Pertanian Hortikultura signed.pdf";
    let sops = run(&dir, rel).unwrap();
    assert_eq!(sops.len(), 1);
    let sop = &sops[0];
    // The flowchart is a JPEG: no steps without the OCR engine, its 4 steps with it.
    let ocr = sopap::internals::Engine::detect().is_ok();
    if ocr {
        assert_eq!(sop.steps.len(), 4, "read by OCR");
        return;
    }
    assert!(sop.steps.is_empty(), "no steps without OCR");
    assert_eq!(sop.identity.number.as_deref(), Some("SOP-213/17000/2025"));
    assert_eq!(
        sop.identity.title.as_deref(),
        Some("Perencanaan Survei Pertanian Hortikultura")
    );
    assert_eq!(sop.identity.created.as_deref(), Some("2014-01-02"));
    assert_eq!(sop.identity.effective.as_deref(), Some("2025-01-10"));
    let codes: Vec<&str> = sop.findings.iter().map(|f| f.code.as_str()).collect();
    assert!(codes.contains(&"no-steps"), "{codes:?}");
    let picture = sop
        .findings
        .iter()
        .find(|f| f.code == "procedure-as-image")
        .expect("procedure-as-image");
    assert!(picture.message.contains("OCR"), "{}", picture.message);
    // The second hybrid, whose picture is split over two pages, too.
    let rel = "bps-bengkulu/202. SOP Persiapan Pendataan KSA Padi-Jagung signed.pdf";
    let sops = run(&dir, rel).unwrap();
    assert_eq!(sops.len(), 1);
    assert_eq!(
        sops[0].identity.number.as_deref(),
        Some("SOP-202/17000/2025")
    );
    assert!(
        sops[0]
            .findings
            .iter()
            .any(|f| f.code == "procedure-as-image")
    );
}

#[test]
fn decree_and_manual_are_no_sop() {
    let Some(dir) = real_dir() else { return };
    for rel in [
        "bapenda-tabalong/SOP SIMATA.docx",
        "sumut-ppid/SOP PPID.pdf",
    ] {
        let err = run(&dir, rel).expect_err(rel);
        assert_eq!(err.kind, ErrorKind::NoSopFound, "{rel}");
        assert!(!err.message.is_empty());
    }
}

#[test]
fn bps_vector_pdfs_unchanged_by_the_new_readers() {
    let Some(dir) = real_dir() else { return };
    let sops = run(
        &dir,
        "bps-bengkulu/025. SOP Pengelolaan Surat-Masuk signed.pdf",
    )
    .unwrap();
    assert_eq!(sops.len(), 1);
    assert_eq!(sops[0].steps.len(), 11);
    assert_eq!(
        sops[0].identity.title.as_deref(),
        Some("Pengelolaan Surat Masuk")
    );
    // "Standar Operasional Prosedur Pengumpulan Data SERUTI": the prefix is no title
    let sops = run(
        &dir,
        "bps-bengkulu/077. SOP Pengumpulan Data Seruti signed.pdf",
    )
    .unwrap();
    assert_eq!(
        sops[0].identity.title.as_deref(),
        Some("Pengumpulan Data SERUTI")
    );
}

/// BPS 005: the flowchart symbols are one picture pasted over the actor columns, and
/// two actor columns have no ruling between them (only the column-number row "3 4"
/// shows it). The picture's boxes give each step its actor, the numbers split the
/// column, and the three pages stay one SOP of 17 steps.
#[test]
fn bps_symbols_pasted_as_a_picture_give_the_actors() {
    let Some(dir) = real_dir() else { return };
    let sops = run(
        &dir,
        "bps-bengkulu/005. SOP Pelaporan Barang Persediaan signed.pdf",
    )
    .unwrap();
    assert_eq!(sops.len(), 1, "one SOP over three flowchart pages");
    let sop = &sops[0];
    assert_eq!(sop.steps.len(), 17);
    assert_eq!(sop.actors.len(), 3, "{:?}", sop.actors);
    let with_actor = sop.steps.iter().filter(|s| !s.actors.is_empty()).count();
    assert!(with_actor >= 16, "{with_actor} of 17 steps carry an actor");
    // step 5 (Menyusun Berita Acara) is the first actor column's alone; step 8
    // (verification) is the approver's decision
    let gudang = actors_of(sop, 5);
    assert_eq!(gudang.len(), 1);
    assert!(gudang[0].contains("gudang"), "{gudang:?}");
    let approver = actors_of(sop, 8);
    assert_eq!(approver.len(), 1);
    assert!(approver[0].contains("approver"), "{approver:?}");
    let step8 = sop.steps.iter().find(|s| s.no == 8).unwrap();
    assert_eq!(step8.symbol, Some(Symbol::Decision));
}

// -------------------------------------------------------- fixtures in the same styles

fn para(text: &str) -> Block {
    Block::Paragraph(Paragraph {
        text: text.to_string(),
        ..Paragraph::default()
    })
}

fn table(n_cols: usize, rows: Vec<Vec<Cell>>) -> Block {
    Block::Table(Table {
        rows: rows
            .into_iter()
            .map(|cells| Row {
                cells,
                ..Row::default()
            })
            .collect(),
        n_cols,
        col_widths: Vec::new(),
        page: None,
    })
}

fn cell(row: usize, col: usize, rs: usize, cs: usize, text: &str) -> Cell {
    Cell::new(row, col, rs, cs, text)
}

fn shape(kind: ShapeKind, text: &str, block: usize, row: usize, col: usize, h: f32) -> Shape {
    Shape {
        kind,
        geometry: "fixture".into(),
        text: text.to_string(),
        text_box: false,
        anchor: Anchor::Cell { block, row, col },
        bbox: Some(Rect {
            x: 100.0 * col as f32,
            y: 40.0 * row as f32,
            w: 40.0,
            h,
        }),
        line: None,
        page: Some(1),
        picture: None,
    }
}

/// An ISO-style SOP of a city transport office: a cover block, lettered narrative
/// sections (aims with a numbered list, legal basis as a numbered list of regulations,
/// warnings), then an appendix table "URAIAN PROSES | PN. JAWAB PELAKSANA" whose boxes
/// carry the step number, with a framed "Ya" beside the decision.
fn iso_style_fixture() -> Document {
    let mut blocks = vec![
        para("DINAS PERHUBUNGAN KOTA TOMOHON"),
        para("STANDAR OPERASIONAL PROSEDUR"),
        para("PENERBITAN IZIN TRAYEK ANGKUTAN KOTA"),
        table(
            3,
            vec![
                vec![
                    cell(0, 0, 1, 1, "NO DOKUMEN"),
                    cell(0, 1, 1, 1, ":"),
                    cell(0, 2, 1, 1, "SOP-DISHUB-04"),
                ],
                vec![
                    cell(1, 0, 1, 1, "TANGGAL PENGESAHAN"),
                    cell(1, 1, 1, 1, ":"),
                    cell(1, 2, 1, 1, "3 Maret 2021"),
                ],
            ],
        ),
        para("A. MAKSUD DAN TUJUAN"),
        para("1. Menjadi pedoman petugas loket dalam melayani permohonan izin trayek."),
        para("2. Menjamin kepastian waktu pelayanan bagi pengusaha angkutan."),
        para("B. LANDASAN HUKUM / ACUAN"),
        para("1. Undang-Undang Nomor 22 Tahun 2009 tentang Lalu Lintas dan Angkutan"),
        para("Jalan."),
        para("2. Peraturan Daerah Kota Tomohon Nomor 5 Tahun 2016 tentang Penyelenggaraan"),
        para("Perhubungan."),
        para("C. PERINGATAN"),
        para("Izin yang terlambat diterbitkan menghambat operasi angkutan kota."),
        para("D. PROSES DAN MEKANISME"),
        para("Alur pelayanan terlampir."),
    ];
    let appendix = blocks.len();
    blocks.push(table(
        7,
        vec![
            vec![
                cell(0, 0, 2, 2, "URAIAN PROSES"),
                cell(0, 2, 1, 3, "PN. JAWAB PELAKSANA"),
                cell(0, 5, 1, 2, "MUTU BAKU / PENDUKUNG"),
            ],
            vec![
                cell(1, 2, 1, 1, "PEMOHON"),
                cell(1, 3, 1, 1, "PETUGAS LOKET"),
                cell(1, 4, 1, 1, "KEPALA BIDANG ANGKUTAN"),
                cell(1, 5, 1, 1, "WAKTU"),
                cell(1, 6, 1, 1, "OUTPUT"),
            ],
            vec![
                cell(
                    2,
                    0,
                    1,
                    2,
                    "1. Mengajukan permohonan izin trayek dengan berkas lengkap",
                ),
                cell(2, 2, 1, 1, ""),
                cell(2, 3, 1, 1, ""),
                cell(2, 4, 1, 1, ""),
                cell(2, 5, 1, 1, "10 menit"),
                cell(2, 6, 1, 1, "Berkas permohonan"),
            ],
            vec![
                cell(3, 0, 1, 2, "2. Memeriksa kelengkapan berkas permohonan"),
                cell(3, 2, 1, 1, ""),
                cell(3, 3, 1, 1, ""),
                cell(3, 4, 1, 1, ""),
                cell(3, 5, 1, 1, "30 menit"),
                cell(3, 6, 1, 1, "Berkas diperiksa"),
            ],
            vec![
                cell(4, 0, 1, 2, "3. Menandatangani surat izin trayek"),
                cell(4, 2, 1, 1, ""),
                cell(4, 3, 1, 1, ""),
                cell(4, 4, 1, 1, ""),
                cell(4, 5, 1, 1, "1 hari"),
                cell(4, 6, 1, 1, "Surat izin"),
            ],
        ],
    ));
    let shapes = vec![
        // every box carries its step number; sizes as drawn by the producer
        shape(ShapeKind::Terminator, "1", appendix, 2, 2, 20.0),
        shape(ShapeKind::Process, "2", appendix, 3, 3, 20.0),
        // a framed "Ya" one text line tall beside the connector in the next column
        shape(ShapeKind::Process, "Ya", appendix, 3, 4, 9.0),
        shape(ShapeKind::Process, "3", appendix, 4, 4, 20.0),
    ];
    Document {
        format: Some(Format::Pdf),
        ocr: false,
        sections: vec![Section {
            name: None,
            blocks,
            shapes,
        }],
    }
}

#[test]
fn fixture_iso_style_sop_with_numbered_boxes() {
    let rules = Rules::defaults().unwrap();
    let sops = sopap::parse(&iso_style_fixture(), &rules);
    assert_eq!(sops.len(), 1, "{sops:#?}");
    let sop = &sops[0];
    let id = &sop.identity;
    assert_eq!(id.number.as_deref(), Some("SOP-DISHUB-04"));
    assert_eq!(
        id.title.as_deref(),
        Some("PENERBITAN IZIN TRAYEK ANGKUTAN KOTA")
    );
    // an approval-date label feeds the effective date
    assert_eq!(id.effective.as_deref(), Some("2021-03-03"));
    assert_eq!(id.legal_basis.len(), 2, "{:?}", id.legal_basis);
    assert!(norm(&id.legal_basis[0]).ends_with("lalu lintas dan angkutan jalan"));
    assert_eq!(id.warnings.len(), 1);
    // the aims' numbered list and the law list are no steps
    assert_eq!(sop.steps.len(), 3, "{:#?}", sop.steps);
    assert!(norm(&sop.steps[0].activity).starts_with("mengajukan permohonan izin trayek"));
    // a box with a number inside is the step's symbol; the framed "Ya" is a label
    assert_eq!(actors_of(sop, 1), ["pemohon"]);
    assert_eq!(sop.steps[0].symbol, Some(Symbol::Terminator));
    assert_eq!(actors_of(sop, 2), ["petugas loket"]);
    assert_eq!(sop.steps[1].symbol, Some(Symbol::Process));
    assert_eq!(actors_of(sop, 3), ["kepala bidang angkutan"]);
    assert_eq!(sop.steps[2].time.as_deref(), Some("1 hari"));
}

/// A letter citing regulations in a numbered list: no identity block, no procedure.
#[test]
fn fixture_letter_with_a_law_list_is_no_sop() {
    let rules = Rules::defaults().unwrap();
    let doc = Document {
        format: Some(Format::Pdf),
        ocr: false,
        sections: vec![Section {
            name: None,
            blocks: vec![
                para("PEMERINTAH KOTA TOMOHON"),
                para("DINAS PERHUBUNGAN"),
                para("Nomor : 551/212/DISHUB/2021"),
                para("Perihal : Penyampaian Standar Pelayanan"),
                para("Menindaklanjuti ketentuan berikut:"),
                para("1. Undang-Undang Nomor 25 Tahun 2009 tentang Pelayanan Publik;"),
                para("2. Peraturan Pemerintah Nomor 96 Tahun 2012 tentang Pelaksanaan UU 25/2009;"),
                para(
                    "3. Peraturan Wali Kota Tomohon Nomor 7 Tahun 2019 tentang Standar Pelayanan;",
                ),
                para("bersama ini kami sampaikan standar pelayanan dinas."),
            ],
            shapes: Vec::new(),
        }],
    };
    let sops = sopap::parse(&doc, &rules);
    assert!(sops.is_empty(), "{sops:#?}");
}

/// An identity table whose procedure is missing: the SOP is kept, with no steps.
#[test]
fn fixture_identity_only_sop_is_kept() {
    let rules = Rules::defaults().unwrap();
    let doc = Document {
        format: Some(Format::Docx),
        ocr: false,
        sections: vec![Section {
            name: None,
            blocks: vec![table(
                2,
                vec![
                    vec![
                        cell(0, 0, 1, 1, "Nomor SOP"),
                        cell(0, 1, 1, 1, "065/14/SOP/2020"),
                    ],
                    vec![
                        cell(1, 0, 1, 1, "Tanggal Pembuatan"),
                        cell(1, 1, 1, 1, "Juni 2019"),
                    ],
                    vec![
                        cell(2, 0, 1, 1, "Tanggal Revisi"),
                        cell(2, 1, 1, 1, "03/2020"),
                    ],
                    vec![
                        cell(3, 0, 1, 1, "Tanggal Efektif"),
                        cell(3, 1, 1, 1, "1 Juli 2020"),
                    ],
                    vec![
                        cell(4, 0, 1, 1, "Disahkan oleh"),
                        cell(4, 1, 1, 1, "Kepala Dinas Perhubungan\nIr. Stevie Lumowa"),
                    ],
                    vec![
                        cell(5, 0, 1, 1, "Nama SOP"),
                        cell(5, 1, 1, 1, "Pengujian Berkala Kendaraan Bermotor"),
                    ],
                ],
            )],
            shapes: Vec::new(),
        }],
    };
    let sops = sopap::parse(&doc, &rules);
    assert_eq!(sops.len(), 1);
    assert!(sops[0].steps.is_empty());
    assert_eq!(sops[0].identity.number.as_deref(), Some("065/14/SOP/2020"));
    assert_eq!(
        sops[0].identity.title.as_deref(),
        Some("Pengujian Berkala Kendaraan Bermotor")
    );
    assert_eq!(sops[0].identity.effective.as_deref(), Some("2020-07-01"));
    // month and year only: YYYY-MM, never an invented day
    assert_eq!(sops[0].identity.created.as_deref(), Some("2019-06"));
    assert_eq!(sops[0].identity.revised.as_deref(), Some("2020-03"));
    let v = &rules.vocab;
    assert_eq!(v.date("Bulan Juni 2019").as_deref(), Some("2019-06"));
    // an impossible day is no date at all, not its month
    assert_eq!(v.date("31 Februari 2019"), None);
    assert_eq!(v.date("13/2019"), None);
}

/// A narrative procedure whose check returns the file to an earlier actor: the branch
/// the narrative reader works out reaches the output.
#[test]
fn fixture_narrative_branch_back_to_an_earlier_actor() {
    let rules = Rules::defaults().unwrap();
    let doc = Document {
        format: Some(Format::Docx),
        ocr: false,
        sections: vec![Section {
            name: None,
            blocks: vec![
                para("Nomor SOP : 503/07/SOP/DPMPTSP/2022"),
                para("Nama SOP : Pelayanan Izin Reklame"),
                para("PROSEDUR"),
                para("1. Pemohon menyerahkan berkas permohonan izin reklame kepada Petugas Loket."),
                para(
                    "2. Petugas Loket memeriksa kelengkapan berkas; apabila tidak lengkap berkas \
                     dikembalikan kepada Pemohon.",
                ),
                para("3. Kepala Bidang Perizinan menandatangani surat izin reklame."),
                para("4. Petugas Loket menyerahkan surat izin kepada Pemohon."),
            ],
            shapes: Vec::new(),
        }],
    };
    let sops = sopap::parse(&doc, &rules);
    assert_eq!(sops.len(), 1);
    let steps = &sops[0].steps;
    assert_eq!(steps.len(), 4);
    let check = &steps[1];
    assert_eq!(check.symbol, Some(Symbol::Decision));
    assert_eq!(check.if_no, Some(1), "{check:#?}");
    assert_eq!(check.if_yes, Some(3));
    assert!(check.next.contains(&1) && check.next.contains(&3));
}
