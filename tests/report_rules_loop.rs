//! Unknown procedure-table header words close the rules loop: the parser records each
//! header cell no rule knows as an `unknown-header` finding (its text quoted), the report's
//! "Kosakata baru" section lists it with the `rules/headers.toml` lines to add, and those
//! lines, added, teach the rules (the next run reads the column and reports nothing).

use crate::report_support;

use sopap::{Block, Cell, Document, Row, Rules, Section, Sop, Table, parse, write_all};

/// Where the generated unknown column stands in the header.
#[derive(Clone, Copy, Debug)]
enum Place {
    /// Before the No column.
    First,
    /// Between Output and Keterangan.
    BeforeNotes,
    /// After Keterangan.
    Last,
}

/// A one-row-header procedure table: No | Kegiatan | two actors | Kelengkapan | Waktu |
/// Output | Keterangan, with a column headed `extra` at `place`; three steps, each
/// marked in an actor column, with a value in the extra column.
fn table(extra: &str, place: Place) -> Table {
    let mut head: Vec<&str> = vec![
        "No",
        "Kegiatan",
        "Pengadministrasi Umum",
        "Kepala Sub Bagian Umum",
        "Kelengkapan",
        "Waktu",
        "Output",
        "Keterangan",
    ];
    let at = match place {
        Place::First => 0,
        Place::BeforeNotes => 7,
        Place::Last => 8,
    };
    head.insert(at, extra);
    let n_cols = head.len();
    let col = |name: &str| head.iter().position(|h| *h == name).unwrap();
    let mut rows = vec![Row {
        cells: head
            .iter()
            .enumerate()
            .map(|(c, t)| Cell::new(0, c, 1, 1, t))
            .collect(),
        ..Default::default()
    }];
    let steps = [
        ("Menerima surat masuk", "Pengadministrasi Umum", "10 menit"),
        ("Memeriksa surat", "Kepala Sub Bagian Umum", "15 menit"),
        ("Mengarsipkan surat", "Pengadministrasi Umum", "5 menit"),
    ];
    for (i, (act, actor, time)) in steps.iter().enumerate() {
        let r = i + 1;
        let mut values = [
            (col("No"), format!("{r}")),
            (col("Kegiatan"), act.to_string()),
            (col(actor), "√".to_string()),
            (col("Kelengkapan"), "Surat".to_string()),
            (col("Waktu"), time.to_string()),
            (col("Output"), "Berkas".to_string()),
            (col(extra), format!("v{r}")),
        ];
        values.sort();
        rows.push(Row {
            cells: values
                .iter()
                .map(|(c, t)| Cell::new(r, *c, 1, 1, t))
                .collect(),
            ..Default::default()
        });
    }
    Table {
        n_cols,
        rows,
        ..Default::default()
    }
}

fn document(extra: &str, place: Place) -> Document {
    Document {
        sections: vec![Section {
            blocks: vec![Block::Table(table(extra, place))],
            ..Default::default()
        }],
        ..Default::default()
    }
}

/// The SOP of a generated document, named as a file of Dinas Arsip.
fn read(extra: &str, place: Place, rules: &Rules) -> Sop {
    let mut sops = parse(&document(extra, place), rules);
    assert_eq!(sops.len(), 1, "{extra} {place:?}");
    let mut s = sops.remove(0);
    s.id = "dinas-arsip/surat.docx#1".into();
    s.source.path = "dinas-arsip/surat.docx".into();
    s.source.format = "docx".into();
    s.agency = Some("Dinas Arsip".into());
    s
}

fn unknown_headers(s: &Sop) -> Vec<&str> {
    s.findings
        .iter()
        .filter(|f| f.code == "unknown-header")
        .map(|f| f.message.as_str())
        .collect()
}

/// Header words no rule knows, made up for the test (no role spelling is near them).
const UNKNOWN: [&str; 4] = [
    "Paraf Petugas",
    "Kode Klasifikasi Arsip",
    "Tanda Tangan",
    "Zqv Blorp",
];

#[test]
fn an_unknown_header_word_is_a_finding_naming_it_wherever_the_column_stands() {
    let rules = report_support::rules();
    for extra in UNKNOWN {
        for place in [Place::First, Place::BeforeNotes, Place::Last] {
            let s = read(extra, place, &rules);
            // The procedure is still read whole.
            assert_eq!(s.steps.len(), 3, "{extra} {place:?}");
            assert_eq!(s.steps[1].activity, "Memeriksa surat");
            assert_eq!(s.steps[1].actors, ["Kepala Sub Bagian Umum"]);
            assert_eq!(s.steps[1].time.as_deref(), Some("15 menit"));
            // One finding, quoting the header as written; known headers and actor
            // names are never reported as unknown headers.
            let found = unknown_headers(&s);
            assert_eq!(found.len(), 1, "{extra} {place:?}: {found:?}");
            assert!(found[0].contains(&format!("\"{extra}\"")), "{}", found[0]);
            assert!(found[0].contains("rules/headers.toml"));
        }
    }
}

#[test]
fn a_table_of_known_headers_gives_no_unknown_header_finding() {
    let rules = report_support::rules();
    // "Keterangan" twice: both known, nothing unknown.
    let s = read("Catatan", Place::Last, &rules);
    assert!(unknown_headers(&s).is_empty(), "{:?}", s.findings);
}

#[test]
fn the_report_lists_the_unknown_header_with_its_toml_and_the_toml_teaches_it() {
    let rules = report_support::rules();
    let s = read("Paraf Petugas", Place::BeforeNotes, &rules);
    let dir = tempfile::tempdir().unwrap();
    write_all(dir.path(), 1, std::slice::from_ref(&s), &[], &rules).unwrap();
    let html = std::fs::read_to_string(dir.path().join("report.html")).unwrap();
    let section = &html[html.find("<section id=\"aturan\">").unwrap()..];
    let section = &section[..section.find("</section>").unwrap()];
    let row = section
        .split("<tr class=\"loop\" data-kind=\"unknown-header\">")
        .nth(1)
        .unwrap_or_else(|| panic!("no unknown-header row in {section}"));
    let row = &row[..row.find("</tr>").unwrap()];
    assert!(row.contains("<td>Judul kolom tidak dikenal</td><td>Paraf Petugas</td>"));
    assert!(row.contains("<td>Dinas Arsip</td><td>dinas-arsip/surat.docx#1</td>"));
    assert!(row.contains("<b>headers.toml</b>"), "{row}");
    assert!(
        row.contains("extend_defaults = true\n[roles]\nROLE = [&quot;Paraf Petugas&quot;]"),
        "{row}"
    );

    // The staff member adds the lines, ROLE replaced by the column's role: the column is
    // read (as Keterangan) and no longer reported.
    let rules_dir = tempfile::tempdir().unwrap();
    std::fs::write(
        rules_dir.path().join("headers.toml"),
        "extend_defaults = true\n[roles]\nnotes = [\"Paraf Petugas\"]\n",
    )
    .unwrap();
    let taught = Rules::load(Some(rules_dir.path())).unwrap();
    let s = read("Paraf Petugas", Place::Last, &taught);
    assert!(unknown_headers(&s).is_empty(), "{:?}", s.findings);
}
