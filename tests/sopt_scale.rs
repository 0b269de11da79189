//! SOP parsing stays linear on large tables with tall merged cells.

use std::time::Instant;

use sopap::{Block, Cell, Document, Row, Rules, Section, Table, parse};

fn cell(row: usize, col: usize, rs: usize, cs: usize, t: &str) -> Cell {
    Cell::new(row, col, rs, cs, t)
}

fn doc(n: usize) -> Document {
    let mut rows = vec![
        Row {
            cells: vec![
                cell(0, 0, 2, 1, "No"),
                cell(0, 1, 2, 1, "Kegiatan"),
                cell(0, 2, 1, 2, "Pelaksana"),
                cell(0, 4, 1, 1, "Waktu"),
                // a merged cell down the whole right margin
                cell(0, 5, n + 2, 1, ""),
            ],
            ..Default::default()
        },
        Row {
            cells: vec![cell(1, 2, 1, 1, "Pegawai"), cell(1, 3, 1, 1, "Sekretaris")],
            ..Default::default()
        },
    ];
    for i in 0..n {
        let r = i + 2;
        rows.push(Row {
            cells: vec![
                cell(r, 0, 1, 1, &(i + 1).to_string()),
                cell(r, 1, 1, 1, &format!("Kegiatan nomor {}", i + 1)),
                cell(r, 2 + i % 2, 1, 1, "v"),
                cell(r, 4, 1, 1, "5 menit"),
            ],
            ..Default::default()
        });
    }
    Document {
        format: None,
        ocr: false,
        sections: vec![Section {
            name: None,
            blocks: vec![Block::Table(Table {
                n_cols: 6,
                rows,
                ..Default::default()
            })],
            shapes: vec![],
        }],
    }
}

#[test]
fn a_long_mark_table_under_a_tall_merged_cell_parses_in_linear_time() {
    let rules = Rules::defaults().unwrap();
    let mut times = Vec::new();
    for n in [600, 2400] {
        let d = doc(n);
        let t = Instant::now();
        let sops = parse(&d, &rules);
        times.push(t.elapsed().as_secs_f64());
        assert_eq!(sops.len(), 1);
        assert_eq!(sops[0].steps.len(), n);
        assert_eq!(sops[0].steps[n - 1].actors, vec!["Sekretaris"]);
        assert_eq!(sops[0].steps[n - 2].actors, vec!["Pegawai"]);
    }
    // Four times the rows: linear work takes about four times as long, quadratic work
    // sixteen times.
    let ratio = times[1] / times[0].max(1e-6);
    assert!(ratio < 9.0 || times[1] < 0.5, "times {times:?}");
}
