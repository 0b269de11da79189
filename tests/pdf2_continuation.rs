//! A procedure table continued on a later page without its header (a page break in a
//! PDF), and page-break connectors beside a step's symbol.

use sopap::{
    Anchor, Block, Budget, Cell, Document, Row, Rules, Shape, ShapeKind, Symbol, Table, parse,
};

use crate::support;
use support::REAL;

fn cell(row: usize, col: usize, rs: usize, cs: usize, t: &str) -> Cell {
    Cell::new(row, col, rs, cs, t)
}

const WIDTHS: [f32; 7] = [20.0, 150.0, 60.0, 60.0, 60.0, 50.0, 70.0];

fn table(rows: Vec<Vec<Cell>>, widths: &[f32]) -> Table {
    Table {
        n_cols: widths.len(),
        col_widths: widths.to_vec(),
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

/// Step rows `first..first+n` starting at grid row `r0`.
fn step_rows(r0: usize, first: u32, n: u32) -> Vec<Vec<Cell>> {
    (0..n)
        .map(|i| {
            let r = r0 + i as usize;
            let no = (first + i).to_string();
            vec![
                cell(r, 0, 1, 1, &no),
                cell(r, 1, 1, 1, &format!("Kegiatan nomor {no}")),
                cell(r, 5, 1, 1, "1 Hari"),
                cell(r, 6, 1, 1, "Dokumen"),
            ]
        })
        .collect()
}

fn header_rows() -> Vec<Vec<Cell>> {
    vec![
        vec![
            cell(0, 0, 2, 1, "No"),
            cell(0, 1, 2, 1, "Kegiatan"),
            cell(0, 2, 1, 3, "Pelaksana"),
            cell(0, 5, 1, 2, "Mutu Baku"),
        ],
        vec![
            cell(1, 2, 1, 1, "Kepala"),
            cell(1, 3, 1, 1, "Kasubbag Umum"),
            cell(1, 4, 1, 1, "Staf"),
            cell(1, 5, 1, 1, "Waktu"),
            cell(1, 6, 1, 1, "Output"),
        ],
    ]
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

fn doc(blocks: Vec<Block>, shapes: Vec<Shape>) -> Document {
    support::one_section(blocks, shapes)
}

fn first_table() -> Table {
    let mut rows = header_rows();
    rows.extend(step_rows(2, 1, 3));
    table(rows, &WIDTHS)
}

fn first_shapes() -> Vec<Shape> {
    vec![
        shape(ShapeKind::Terminator, 0, 2, 2),
        shape(ShapeKind::Process, 0, 3, 3),
        shape(ShapeKind::Process, 0, 4, 4),
        // the page-break connector beside step 3's symbol
        shape(ShapeKind::OffPage, 0, 4, 3),
    ]
}

/// The one SOP of a procedure table `first` (steps 1-3) continued by `cont` (steps 4-5)
/// on the next page, its steps checked numbered 1-5 with step 4's activity.
fn continued_sop(first: Table, cont: Table, shapes: Vec<Shape>) -> sopap::Sop {
    let d = doc(vec![Block::Table(first), Block::Table(cont)], shapes);
    let mut sops = parse(&d, &Rules::defaults().unwrap());
    assert_eq!(sops.len(), 1);
    let s = sops.remove(0);
    let nos: Vec<u32> = s.steps.iter().map(|x| x.no).collect();
    assert_eq!(nos, vec![1, 2, 3, 4, 5]);
    assert_eq!(s.steps[3].activity, "Kegiatan nomor 4");
    s
}

#[test]
fn headerless_table_on_the_same_grid_continues_the_steps() {
    let cont = table(step_rows(0, 4, 2), &WIDTHS);
    let mut shapes = first_shapes();
    shapes.push(shape(ShapeKind::OffPage, 1, 0, 3));
    shapes.push(shape(ShapeKind::Process, 1, 0, 4));
    shapes.push(shape(ShapeKind::Terminator, 1, 1, 2));
    let s = &continued_sop(first_table(), cont, shapes);
    assert_eq!(s.steps[3].output.as_deref(), Some("Dokumen"));
    // the off-page connector in the second actor column is not an actor of step 3 or 4
    assert_eq!(s.actors.len(), 3);
    let third = vec![s.actors[2].clone()];
    assert_eq!(s.steps[2].actors, third);
    assert_eq!(s.steps[3].actors, third);
    assert_eq!(s.steps[3].symbol, Some(Symbol::Process));
    assert_eq!(s.steps[4].actors, vec![s.actors[0].clone()]);
    assert_eq!(s.steps[4].symbol, Some(Symbol::Terminator));
}

/// The column-number row ("(1) (2) … (7)") of a table's header, at grid row `r`.
fn column_number_row(r: usize) -> Vec<Cell> {
    (0..WIDTHS.len())
        .map(|c| cell(r, c, 1, 1, &format!("({})", c + 1)))
        .collect()
}

#[test]
fn a_page_repeating_only_the_column_number_row_continues_the_steps() {
    // Page 1: header, column-number row, steps 1-3; page 2 repeats only the numbers row.
    let mut first = header_rows();
    first.push(column_number_row(2));
    first.extend(step_rows(3, 1, 3));
    let mut cont = vec![column_number_row(0)];
    cont.extend(step_rows(1, 4, 2));
    let shapes = vec![
        shape(ShapeKind::Terminator, 0, 3, 2),
        shape(ShapeKind::Process, 0, 4, 3),
        shape(ShapeKind::Process, 0, 5, 4),
        shape(ShapeKind::Process, 1, 1, 3),
        shape(ShapeKind::Terminator, 1, 2, 2),
    ];
    let s = &continued_sop(table(first, &WIDTHS), table(cont, &WIDTHS), shapes);
    assert_eq!(s.steps[3].actors, vec![s.actors[1].clone()]);
    assert_eq!(s.steps[4].actors, vec![s.actors[0].clone()]);
    assert_eq!(s.steps[4].symbol, Some(Symbol::Terminator));
    // A numbers row whose numbers do not rise left to right is no column-number row.
    let mut odd = vec![
        (0..WIDTHS.len())
            .map(|c| cell(0, c, 1, 1, &format!("{}", 7 - c)))
            .collect::<Vec<_>>(),
    ];
    odd.extend(step_rows(1, 4, 2));
    let mut first = header_rows();
    first.push(column_number_row(2));
    first.extend(step_rows(3, 1, 3));
    let d = doc(
        vec![
            Block::Table(table(first, &WIDTHS)),
            Block::Table(table(odd, &WIDTHS)),
        ],
        Vec::new(),
    );
    let steps: usize = parse(&d, &Rules::defaults().unwrap())
        .iter()
        .map(|s| s.steps.len())
        .sum();
    assert_eq!(steps, 3, "only the headed table's steps");
}

#[test]
fn headerless_table_on_another_grid_or_numbering_is_not_joined() {
    let other_widths = [20.0, 150.0, 90.0, 30.0, 60.0, 50.0, 70.0];
    for (cont, why) in [
        (table(step_rows(0, 4, 2), &other_widths), "other grid"),
        (table(step_rows(0, 7, 2), &WIDTHS), "numbering gap"),
    ] {
        let d = doc(
            vec![Block::Table(first_table()), Block::Table(cont)],
            first_shapes(),
        );
        let sops = parse(&d, &Rules::defaults().unwrap());
        let steps: usize = sops.iter().map(|s| s.steps.len()).sum();
        assert_eq!(steps, 3, "{why}: only the headed table's steps");
    }
}

#[test]
fn real_pdf_with_a_headerless_page_three_has_all_twelve_steps() {
    shared_or_skip!(REAL);
    let dir = format!("{REAL}/bps-bengkulu");
    let path = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| {
            p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with("048.") && n.ends_with(".pdf"))
        })
        .unwrap();
    let bytes = std::fs::read(&path).unwrap();
    let d = sopap::read(&bytes, &Budget::default()).unwrap();
    let sops = parse(&d, &Rules::defaults().unwrap());
    assert_eq!(sops.len(), 1);
    let s = &sops[0];
    assert_eq!(s.steps.len(), 12);
    assert_eq!(s.steps[8].no, 9);
    assert_eq!(s.steps[8].time.as_deref(), Some("2 hari"));
    assert_eq!(s.steps[8].actors, vec!["PJK Terkait".to_string()]);
    assert_eq!(s.steps[11].symbol, Some(Symbol::Terminator));
}

#[test]
fn continuation_that_merges_columns_split_by_the_header_is_remapped() {
    // Page 1: Kelengkapan spans two narrow grid columns (5, 6); page 2 draws them as
    // one column, so Waktu and Output move one column left.
    let wide = [20.0, 150.0, 60.0, 60.0, 50.0, 30.0, 50.0, 70.0];
    let merged = [20.0, 150.0, 60.0, 60.0, 80.0, 50.0, 70.0];
    let mut rows = vec![
        vec![
            cell(0, 0, 2, 1, "No."),
            cell(0, 1, 2, 1, "Aktivitas/Kegiatan"),
            cell(0, 2, 2, 1, "Kepala"),
            cell(0, 3, 2, 1, "Penyedia"),
            cell(0, 4, 1, 4, "Mutu Baku"),
        ],
        vec![
            cell(1, 4, 1, 2, "Kelengkapan"),
            cell(1, 6, 1, 1, "Waktu"),
            cell(1, 7, 1, 1, "Output"),
        ],
    ];
    for (r, no) in [(2usize, "1."), (3, "2.")] {
        rows.push(vec![
            cell(r, 0, 1, 1, no),
            cell(r, 1, 1, 1, &format!("Langkah {no}")),
            cell(r, 4, 1, 2, "Formulir"),
            cell(r, 6, 1, 1, "1 hari kerja"),
            cell(r, 7, 1, 1, "Berkas"),
        ]);
    }
    let first = table(rows, &wide);
    let cont = table(
        vec![vec![
            cell(0, 0, 1, 1, "3."),
            cell(0, 1, 1, 1, "Langkah terakhir"),
            cell(0, 4, 1, 1, "Berkas"),
            cell(0, 5, 1, 1, "2 hari kerja"),
            cell(0, 6, 1, 1, "Kontrak"),
        ]],
        &merged,
    );
    let shapes = vec![
        shape(ShapeKind::Terminator, 0, 2, 2),
        shape(ShapeKind::Process, 0, 3, 3),
        shape(ShapeKind::Terminator, 1, 0, 3),
    ];
    let d = doc(vec![Block::Table(first), Block::Table(cont)], shapes);
    let sops = parse(&d, &Rules::defaults().unwrap());
    assert_eq!(sops.len(), 1);
    let s = &sops[0];
    assert_eq!(s.steps.len(), 3);
    let last = &s.steps[2];
    assert_eq!(last.no, 3);
    assert_eq!(last.activity, "Langkah terakhir");
    assert_eq!(last.requirements.as_deref(), Some("Berkas"));
    assert_eq!(last.time.as_deref(), Some("2 hari kerja"));
    assert_eq!(last.output.as_deref(), Some("Kontrak"));
    assert_eq!(last.actors, vec![s.actors[1].clone()]);
}

#[test]
fn a_row_split_by_the_page_break_ends_the_previous_step() {
    let mut rows = vec![vec![
        cell(0, 1, 1, 1, "dan menyerahkan berkas"),
        cell(0, 6, 1, 1, ""),
    ]];
    rows.extend(step_rows(1, 4, 1));
    let cont = table(rows, &WIDTHS);
    let mut shapes = first_shapes();
    shapes.push(shape(ShapeKind::Terminator, 1, 1, 2));
    let d = doc(
        vec![Block::Table(first_table()), Block::Table(cont)],
        shapes,
    );
    let sops = parse(&d, &Rules::defaults().unwrap());
    assert_eq!(sops.len(), 1);
    let s = &sops[0];
    let nos: Vec<u32> = s.steps.iter().map(|x| x.no).collect();
    assert_eq!(nos, vec![1, 2, 3, 4]);
    assert_eq!(
        s.steps[2].activity,
        "Kegiatan nomor 3 dan menyerahkan berkas"
    );
    assert_eq!(s.steps[3].activity, "Kegiatan nomor 4");
    assert_eq!(s.steps[3].symbol, Some(Symbol::Terminator));
}
