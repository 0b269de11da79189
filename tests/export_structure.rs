//! The exported packages hold what the standard layout needs: landscape pages, repeated
//! two-row header, DrawingML flowchart presets in the actor cells, connectors, Ya/Tidak
//! text boxes, an empty field left empty, the findings on "Catatan Migrasi"; the BPMN has
//! lanes, events, tasks and a gateway with named flows.

use std::io::Read;

use sopap::{Approver, ExportFormat as Format, Finding, Severity, Sop, Step, Symbol, render};

fn sample() -> Sop {
    let step = |no: u32, actor: &str, symbol, activity: &str, next: Vec<u32>| Step {
        no,
        activity: activity.to_string(),
        actors: vec![actor.to_string()],
        symbol: Some(symbol),
        time: Some(format!("{} menit", no * 5)),
        minutes: Some(f64::from(no * 5)),
        output: Some(format!("Hasil {no}")),
        next,
        ..Default::default()
    };
    let mut steps = vec![
        step(
            1,
            "Pegawai",
            Symbol::Terminator,
            "Mengajukan permohonan cuti",
            vec![2],
        ),
        step(
            2,
            "Kepala Sub Bagian Umum",
            Symbol::Decision,
            "Memeriksa berkas, lengkap?",
            vec![3, 1],
        ),
        step(
            3,
            "Sekretaris",
            Symbol::Process,
            "Memaraf konsep & surat <izin>",
            vec![4],
        ),
        step(
            4,
            "Pegawai",
            Symbol::Terminator,
            "Menerima surat izin cuti",
            vec![],
        ),
    ];
    steps[1].if_yes = Some(3);
    steps[1].if_no = Some(1);
    let mut sop = Sop {
        id: "dinas-kesehatan/cuti.docx#1".into(),
        agency: Some("Dinas Kesehatan".into()),
        actors: vec![
            "Pegawai".into(),
            "Kepala Sub Bagian Umum".into(),
            "Sekretaris".into(),
        ],
        steps,
        findings: vec![Finding {
            code: sopap::FindingCode::MissingLegalBasis,
            severity: Severity::Warning,
            step: None,
            message: "Dasar Hukum belum diisi.".into(),
        }],
        ..Default::default()
    };
    sop.identity.number = Some("800/12/SOP/DINKES/2019".into());
    sop.identity.title = Some("Pelayanan Cuti Pegawai".into());
    sop.identity.created = Some("2019-01-02".into());
    sop.identity.approved_by = Some(Approver {
        name: Some("dr. Ani".into()),
        nip: Some("197001012000032001".into()),
        position: Some("Kepala Dinas Kesehatan".into()),
    });
    sop.identity.equipment = vec!["Komputer".into(), "Printer".into()];
    sop
}

fn part(bytes: &[u8], name: &str) -> String {
    let mut z = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let mut s = String::new();
    z.by_name(name).unwrap().read_to_string(&mut s).unwrap();
    s
}

#[test]
fn docx_has_standard_layout_and_drawingml_flowchart() {
    let doc = part(
        &render(&sample(), Format::Docx).unwrap(),
        "word/document.xml",
    );
    assert!(doc.contains("w:orient=\"landscape\""));
    assert_eq!(doc.matches("<w:tblHeader />").count(), 2, "two header rows");
    assert!(doc.contains("2 Januari 2019"));
    assert!(doc.contains("NIP. 197001012000032001"));
    assert!(doc.contains("1. Komputer") && doc.contains("2. Printer"));
    for prst in [
        "flowChartTerminator",
        "flowChartDecision",
        "flowChartProcess",
    ] {
        assert!(doc.contains(&format!("prst=\"{prst}\"")), "{prst}");
    }
    assert_eq!(doc.matches("prst=\"flowChartTerminator\"").count(), 2);
    assert!(doc.contains("straightConnector1") || doc.contains("bentConnector"));
    assert_eq!(
        doc.matches("<wps:cNvCnPr/>").count(),
        4,
        "1→2, 2→3, 2→1, 3→4"
    );
    assert_eq!(doc.matches("txBox=\"1\"").count(), 2);
    assert!(doc.contains("<w:t>Ya</w:t>") && doc.contains("<w:t>Tidak</w:t>"));
    // Escaped activity text; no marker left behind.
    assert!(doc.contains("Memaraf konsep &amp; surat &lt;izin&gt;"));
    assert!(!doc.contains("SOPAPSHAPE"));
    assert!(doc.contains("CATATAN MIGRASI") && doc.contains("missing-legal-basis"));
    // The header names the actors, "Pelaksana" spans them, "Mutu Baku" spans three.
    assert!(doc.contains("<w:gridSpan w:val=\"3\" />"));
    assert!(doc.contains("Kepala Sub Bagian Umum"));
}

/// The `n`-th `<w:tbl>` of `doc` (0-based), and its rows.
fn table(doc: &str, n: usize) -> (String, Vec<String>) {
    let t = doc
        .split("<w:tbl>")
        .nth(n + 1)
        .and_then(|t| t.split("</w:tbl>").next())
        .unwrap()
        .to_string();
    let rows = t
        .split("<w:tr>")
        .skip(1)
        .map(|r| r.split("</w:tr>").next().unwrap_or("").to_string())
        .collect();
    (t, rows)
}

#[test]
fn docx_identity_page_is_org_block_label_grid_and_two_column_lists() {
    let mut sop = sample();
    sop.identity.legal_basis = vec!["Undang-Undang Nomor 5 Tahun 2014".into()];
    sop.identity.warnings = vec!["Berkas tidak lengkap dikembalikan".into()];
    sop.identity.revised = Some("2020-04".into());
    sop.agency = Some("BKPSDM Kota Tomohon".into());
    let doc = part(&render(&sop, Format::Docx).unwrap(), "word/document.xml");
    // First table: organisation block (merged down the rows) | label | value.
    let (head, rows) = table(&doc, 0);
    assert_eq!(head.matches("<w:gridCol ").count(), 3);
    assert_eq!(rows.len(), 7);
    assert!(rows[0].contains("<w:vMerge w:val=\"restart\" />"));
    // The agency as the archive names it, acronym kept, in the first row's left cell.
    assert!(rows[0].contains("<w:t xml:space=\"preserve\">BKPSDM Kota Tomohon</w:t>"));
    assert!(!doc.contains("BKPSDM KOTA TOMOHON"));
    let labels = [
        ("Nomor SOP", "800/12/SOP/DINKES/2019"),
        ("Tanggal Pembuatan", "2 Januari 2019"),
        ("Tanggal Revisi", "April 2020"),
        ("Tanggal Efektif", ""),
        ("Disahkan oleh", "dr. Ani"),
        ("Nama SOP", "Pelayanan Cuti Pegawai"),
    ];
    for (row, (label, value)) in rows.iter().zip(labels) {
        assert!(row.contains(label) && row.contains(value), "{label}: {row}");
        assert!(row.contains("<w:vMerge"), "{label} row beside the block");
    }
    // Second table: the list fields two by two, each label above its list.
    let (lists, rows) = table(&doc, 1);
    assert_eq!(lists.matches("<w:gridCol ").count(), 2);
    assert_eq!(rows.len(), 6);
    let pairs = [
        ("Dasar Hukum", "Kualifikasi Pelaksana"),
        ("Keterkaitan", "Peralatan/Perlengkapan"),
        ("Peringatan", "Pencatatan dan Pendataan"),
    ];
    for (k, (left, right)) in pairs.iter().enumerate() {
        let labels = &rows[2 * k];
        assert!(labels.find(left) < labels.find(right), "{left} | {right}");
    }
    assert!(rows[1].contains("1. Undang-Undang Nomor 5 Tahun 2014"));
    assert!(rows[3].contains("1. Komputer") && rows[3].contains("2. Printer"));
    assert!(rows[5].contains("1. Berkas tidak lengkap dikembalikan"));
}

#[test]
fn xlsx_has_identity_table_and_drawing() {
    let bytes = render(&sample(), Format::Xlsx).unwrap();
    let drawing = part(&bytes, "xl/drawings/drawing1.xml");
    assert_eq!(drawing.matches("<xdr:cxnSp").count(), 4);
    assert_eq!(drawing.matches("prst=\"flowChartDecision\"").count(), 1);
    assert!(drawing.contains("<a:t>Ya</a:t>") && drawing.contains("<a:t>Tidak</a:t>"));
    let wb = part(&bytes, "xl/workbook.xml");
    assert!(wb.contains("Catatan Migrasi"));
    assert!(wb.contains("_xlnm.Print_Titles"));
    let sheet = part(&bytes, "xl/worksheets/sheet1.xml");
    assert!(sheet.contains("orientation=\"landscape\""));
    assert!(sheet.contains("fitToHeight=\"0\""));
}

#[test]
fn xlsx_procedure_table_starts_a_printed_page_under_its_title() {
    let bytes = render(&sample(), Format::Xlsx).unwrap();
    // The header rows repeated on every page: `'Sheet'!$R1:$R2` (1-based).
    let wb = part(&bytes, "xl/workbook.xml");
    let titles = wb
        .split("_xlnm.Print_Titles")
        .nth(1)
        .and_then(|s| s.split("!$").nth(1))
        .and_then(|s| s.split(':').next())
        .and_then(|r| r.parse::<u32>().ok())
        .expect("print titles");
    // A manual break after row N (1-based) starts the next page at row N + 1: the row
    // of the SOP's title, just above the header.
    let sheet = part(&bytes, "xl/worksheets/sheet1.xml");
    let brk = sheet
        .split("<rowBreaks")
        .nth(1)
        .and_then(|s| s.split("<brk id=\"").nth(1))
        .and_then(|s| s.split('"').next())
        .and_then(|n| n.parse::<u32>().ok())
        .expect("a row break");
    assert_eq!(
        brk + 2,
        titles,
        "break after row {brk}, header at row {titles}"
    );
    assert!(part(&bytes, "xl/sharedStrings.xml").contains("PELAYANAN CUTI PEGAWAI"));
}

#[test]
fn bpmn_has_lanes_events_tasks_and_gateway() {
    let x = String::from_utf8(render(&sample(), Format::Bpmn).unwrap()).unwrap();
    assert_eq!(x.matches("<bpmn:lane ").count(), 3);
    // Every step is a task (terminators too) between a start and an end event.
    assert!(x.contains("<bpmn:startEvent id=\"Start_1\" name=\"Mulai\">"));
    assert!(x.contains("<bpmn:task id=\"Step_1\" name=\"Mengajukan permohonan cuti\">"));
    assert!(x.contains("<bpmn:task id=\"Step_4\""));
    assert!(x.contains("sourceRef=\"Step_4\" targetRef=\"End_1\""));
    assert!(x.contains("<bpmn:exclusiveGateway id=\"Step_2\""));
    assert!(x.contains("name=\"Ya\" sourceRef=\"Step_2\" targetRef=\"Step_3\""));
    assert!(x.contains("name=\"Tidak\" sourceRef=\"Step_2\" targetRef=\"Step_1\""));
    assert!(x.contains("Waktu: 15 menit"));
    assert!(x.contains("bpmnElement=\"Step_3\""));
}

#[test]
fn xlsx_connectors_reference_their_shapes() {
    let bytes = render(&sample(), Format::Xlsx).unwrap();
    let drawing = part(&bytes, "xl/drawings/drawing1.xml");
    // Every connector names the shape it starts at and the one it ends at, and those
    // ids are symbols of the same drawing.
    let ids: Vec<&str> = drawing
        .split("<xdr:sp ")
        .skip(1)
        .filter_map(|s| s.split("cNvPr id=\"").nth(1))
        .filter_map(|s| s.split('"').next())
        .collect();
    let cxns: Vec<&str> = drawing.split("<xdr:cxnSp").skip(1).collect();
    assert_eq!(cxns.len(), 4);
    for c in cxns {
        for tag in ["<a:stCxn id=\"", "<a:endCxn id=\""] {
            let id = c
                .split(tag)
                .nth(1)
                .and_then(|s| s.split('"').next())
                .unwrap_or_else(|| panic!("{tag} missing in {c}"));
            assert!(ids.contains(&id), "{tag}{id} is not a shape");
        }
    }
    // Down to a column on the right: right site of the source, left site of the target.
    assert!(drawing.contains("idx=\"3\"/><a:endCxn"));
    assert!(drawing.contains("idx=\"1\"/></xdr:cNvCxnSpPr>"));
}

#[test]
fn documents_carry_title_number_source_and_as_of_in_their_properties() {
    let mut sop = sample();
    sop.source.path = "dinas-kesehatan/cuti.docx".into();
    let meta = sopap::ExportMeta {
        as_of: Some("2026-12-01".into()),
    };
    let docx = sopap::render_with(&sop, Format::Docx, &meta).unwrap();
    let core = part(&docx, "docProps/core.xml");
    assert!(core.contains("<dc:title>Pelayanan Cuti Pegawai</dc:title>"));
    assert!(core.contains("<dc:subject>800/12/SOP/DINKES/2019</dc:subject>"));
    assert!(core.contains("<dc:creator>Dinas Kesehatan (sopap)</dc:creator>"));
    assert!(core.contains("2026-12-01T00:00:00Z</dcterms:created>"));
    assert!(core.contains("dinas-kesehatan/cuti.docx"));
    let xlsx = sopap::render_with(&sop, Format::Xlsx, &meta).unwrap();
    let core = part(&xlsx, "docProps/core.xml");
    assert!(core.contains("Pelayanan Cuti Pegawai</dc:title>"));
    assert!(core.contains("800/12/SOP/DINKES/2019</dc:subject>"));
    assert!(core.contains("2026-12-01T00:00:00Z</dcterms:created>"));
    assert!(core.contains("dinas-kesehatan/cuti.docx"));
}

/// A long SOP whose flow runs over several pages: `n` steps going round three actors,
/// step 6 a decision looping back to step 2.
fn long_sop(n: u32) -> Sop {
    let actors = [
        "Pengadministrasi Umum",
        "Kepala Sub Bagian Umum",
        "Sekretaris",
    ];
    let mut steps: Vec<Step> = (1..=n)
        .map(|no| Step {
            no,
            activity: format!("Kegiatan nomor {no} yang cukup panjang untuk dua baris teks"),
            actors: vec![actors[(no as usize / 2) % 3].to_string()],
            symbol: Some(match no {
                1 => Symbol::Terminator,
                6 => Symbol::Decision,
                x if x == n => Symbol::Terminator,
                _ => Symbol::Process,
            }),
            next: if no < n { vec![no + 1] } else { vec![] },
            ..Default::default()
        })
        .collect();
    steps[5].if_yes = Some(7);
    steps[5].if_no = Some(2);
    steps[5].next = vec![7, 2];
    Sop {
        id: "x/panjang.docx#1".into(),
        actors: actors.iter().map(|a| a.to_string()).collect(),
        steps,
        ..Default::default()
    }
}

/// The off-page marks (number) in each step row of each procedure-table page.
fn marks_per_page(doc: &str) -> Vec<Vec<Vec<String>>> {
    // Tables: the two identity tables first (label grid, list fields), then one per
    // procedure page (the last table, Catatan Migrasi, has no step rows with drawings and
    // is dropped by the caller).
    doc.split("<w:tbl>")
        .skip(3)
        .map(|t| {
            t.split("<w:tr>")
                .skip(3) // before the first row, two header rows
                .map(|row| {
                    row.split("name=\"Off-page Connector")
                        .skip(1)
                        .filter_map(|m| {
                            let t = m.split("<w:t>").nth(1)?;
                            Some(t.split('<').next()?.to_string())
                        })
                        .collect()
                })
                .collect()
        })
        .collect()
}

#[test]
fn docx_flow_over_pages_ends_and_restarts_at_numbered_off_page_pairs() {
    let sop = long_sop(24);
    let doc = part(&render(&sop, Format::Docx).unwrap(), "word/document.xml");
    let pages: Vec<_> = marks_per_page(&doc)
        .into_iter()
        .filter(|p| !p.is_empty())
        .collect();
    assert!(pages.len() >= 2, "24 steps fill more than one page");
    assert_eq!(
        pages.iter().map(Vec::len).sum::<usize>(),
        24,
        "every step on one page"
    );
    // Every page ends with an outgoing mark in its last row and the next page starts
    // with the incoming mark of the same number in its first row.
    for (i, pair) in pages.windows(2).enumerate() {
        let last = pair[0].last().unwrap();
        let first = pair[1].first().unwrap();
        assert_eq!(last.len(), 1, "page {i}: one mark under its last step");
        assert_eq!(first, last, "page {}: starts at mark {last:?}", i + 1);
    }
    let numbers: Vec<String> = pages.iter().flatten().flatten().cloned().collect();
    let mut distinct = numbers.clone();
    distinct.dedup();
    assert_eq!(numbers.len(), 2 * (pages.len() - 1), "one pair per break");
    assert_eq!(distinct.len(), numbers.len() / 2);
    assert_eq!(numbers.first().map(String::as_str), Some("1"));
    // Each page is its own table with the header; the later ones start on a new page.
    assert_eq!(doc.matches("<w:tblHeader />").count(), 2 * pages.len());
    assert_eq!(
        doc.matches("<w:pageBreakBefore />").count(),
        pages.len() - 1
    );
    // A short SOP has no mark at all.
    let short = part(
        &render(&long_sop(7), Format::Docx).unwrap(),
        "word/document.xml",
    );
    assert!(!short.contains("Off-page Connector"));
}

#[test]
fn decision_without_a_named_no_branch_gets_its_assumed_arrow_and_note_in_docx_and_xlsx() {
    // The SOP names only the "Ya" target: the "Tidak" arrow goes back to step 1 (the
    // BPMN's rule) and the Catatan Migrasi page says so.
    let mut sop = sample();
    sop.steps[1].if_no = None;
    sop.steps[1].next = vec![3];
    let doc = part(&render(&sop, Format::Docx).unwrap(), "word/document.xml");
    assert_eq!(
        doc.matches("<wps:cNvCnPr/>").count(),
        4,
        "1→2, 2→3, 2→1 (assumed), 3→4"
    );
    assert!(doc.contains("<w:t>Ya</w:t>") && doc.contains("<w:t>Tidak</w:t>"));
    assert!(doc.contains("branch-assumed"));
    assert!(doc.contains("kembali ke langkah 1"));
    let bytes = render(&sop, Format::Xlsx).unwrap();
    let drawing = part(&bytes, "xl/drawings/drawing1.xml");
    assert_eq!(drawing.matches("<xdr:cxnSp").count(), 4);
    assert!(drawing.contains("<a:t>Tidak</a:t>"));
    let strings = part(&bytes, "xl/sharedStrings.xml");
    assert!(strings.contains("kembali ke langkah 1"), "no Asumsi note");
    // Without the assumption nothing of the kind is noted.
    let doc = part(
        &render(&sample(), Format::Docx).unwrap(),
        "word/document.xml",
    );
    assert!(!doc.contains("branch-assumed"));
}
