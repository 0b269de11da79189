//! `report.xlsx`: sheets Ringkasan, OPD, Temuan, Duplikat and Gagal, each with a bold
//! header row, an autofilter, frozen headers and column widths.
//!
//! Every piece of text is written with `write_string`, so a cell whose text starts with
//! `=`, `+`, `-` or `@` is a string cell, never a formula. Text longer than Excel's cell
//! limit is cut; a sheet with more rows than Excel allows ends with a note row.

use std::collections::HashMap;

use rust_xlsxwriter::{Format, Workbook, Worksheet, XlsxError};

use super::html::{code_label, error_kind_label, severity_label};
use super::json::Report;
use crate::analyze::agencies::agency_name;
use crate::sop::record::Sop;

/// Excel's limit on the characters of one cell.
const MAX_CELL_CHARS: usize = 32_767;
/// Excel's limit on rows per sheet.
const MAX_ROWS: u32 = 1_048_576;

/// Cuts text to Excel's cell limit.
fn cell_text(s: &str) -> &str {
    match s.char_indices().nth(MAX_CELL_CHARS) {
        Some((i, _)) => s.get(..i).unwrap_or(s),
        None => s,
    }
}

/// One worksheet being filled row by row.
struct Sheet<'a> {
    ws: &'a mut Worksheet,
    row: u32,
    cols: u16,
    truncated: bool,
}

impl<'a> Sheet<'a> {
    fn new(
        ws: &'a mut Worksheet,
        name: &str,
        headers: &[(&str, f64)],
        bold: &Format,
    ) -> Result<Self, XlsxError> {
        ws.set_name(name)?;
        for (c, (h, w)) in headers.iter().enumerate() {
            let c = c as u16;
            ws.write_string_with_format(0, c, *h, bold)?;
            ws.set_column_width(c, *w)?;
        }
        ws.set_freeze_panes(1, 0)?;
        Ok(Sheet {
            ws,
            row: 1,
            cols: headers.len() as u16,
            truncated: false,
        })
    }

    /// Starts a new row; false (and a note row) when the sheet is full.
    fn next_row(&mut self) -> Result<bool, XlsxError> {
        if self.truncated {
            return Ok(false);
        }
        if self.row >= MAX_ROWS - 1 {
            self.ws.write_string(
                self.row,
                0,
                "… baris berikutnya tidak muat di lembar ini; lihat report.json",
            )?;
            self.truncated = true;
            return Ok(false);
        }
        Ok(true)
    }

    fn text(&mut self, col: u16, s: &str) -> Result<(), XlsxError> {
        self.ws.write_string(self.row, col, cell_text(s))?;
        Ok(())
    }

    fn num(&mut self, col: u16, n: f64) -> Result<(), XlsxError> {
        self.ws.write_number(self.row, col, n)?;
        Ok(())
    }

    fn end_row(&mut self) {
        self.row += 1;
    }

    fn finish(self) -> Result<(), XlsxError> {
        let last = self.row.saturating_sub(1).max(1);
        self.ws
            .autofilter(0, 0, last, self.cols.saturating_sub(1))?;
        Ok(())
    }
}

/// Builds the workbook and returns its bytes.
pub fn render(report: &Report, sops: &[Sop]) -> Result<Vec<u8>, XlsxError> {
    let by_id: HashMap<&str, &Sop> = sops.iter().map(|s| (s.id.as_str(), s)).collect();
    let mut wb = Workbook::new();
    let bold = Format::new().set_bold();
    let pct = Format::new().set_num_format("0.0%");

    // Ringkasan
    {
        let mut s = Sheet::new(
            wb.add_worksheet(),
            "Ringkasan",
            &[("Uraian", 36.0), ("Nilai", 16.0)],
            &bold,
        )?;
        let sm = &report.summary;
        let rows: [(&str, f64); 10] = [
            ("Berkas dibaca", sm.files as f64),
            ("SOP ditemukan", sm.sops as f64),
            ("Langkah kegiatan", sm.steps as f64),
            ("Berkas gagal dibaca", sm.errors as f64),
            ("OPD", sm.agencies as f64),
            ("Temuan tingkat kesalahan", sm.findings.error as f64),
            ("Temuan tingkat peringatan", sm.findings.warning as f64),
            ("Temuan tingkat informasi", sm.findings.info as f64),
            ("Kelompok duplikat", sm.duplicate_groups as f64),
            ("SOP dalam kelompok duplikat", sm.duplicate_sops as f64),
        ];
        for (label, v) in rows {
            s.text(0, label)?;
            s.num(1, v)?;
            s.end_row();
        }
        s.text(0, "Tanggal acuan")?;
        s.text(1, &sm.as_of)?;
        s.end_row();
        s.finish()?;
    }

    // OPD
    {
        let mut s = Sheet::new(
            wb.add_worksheet(),
            "OPD",
            &[
                ("Peringkat", 10.0),
                ("OPD", 40.0),
                ("Berkas", 9.0),
                ("Berkas gagal", 12.0),
                ("SOP", 8.0),
                ("Langkah", 10.0),
                ("SOP dengan kesalahan", 20.0),
                ("Kesalahan", 11.0),
                ("Peringatan", 11.0),
                ("Informasi", 11.0),
                ("Kelengkapan", 13.0),
            ],
            &bold,
        )?;
        for a in &report.agencies {
            if !s.next_row()? {
                break;
            }
            s.num(0, a.rank as f64)?;
            s.text(1, &a.agency)?;
            s.num(2, a.files as f64)?;
            s.num(3, a.failed_files as f64)?;
            s.num(4, a.sops as f64)?;
            s.num(5, a.steps as f64)?;
            s.num(6, a.sops_with_errors as f64)?;
            s.num(7, a.findings.error as f64)?;
            s.num(8, a.findings.warning as f64)?;
            s.num(9, a.findings.info as f64)?;
            s.ws.write_number_with_format(s.row, 10, a.completeness, &pct)?;
            s.end_row();
        }
        s.finish()?;
    }

    // Temuan
    {
        let mut s = Sheet::new(
            wb.add_worksheet(),
            "Temuan",
            &[
                ("OPD", 32.0),
                ("SOP", 44.0),
                ("Nama SOP", 40.0),
                ("Kode", 26.0),
                ("Jenis temuan", 34.0),
                ("Tingkat", 12.0),
                ("Langkah", 9.0),
                ("Pesan", 80.0),
            ],
            &bold,
        )?;
        for f in &report.findings {
            if !s.next_row()? {
                break;
            }
            s.text(0, &f.agency)?;
            s.text(1, &f.sop)?;
            let title = by_id
                .get(f.sop.as_str())
                .and_then(|s| s.identity.title.as_deref());
            s.text(2, title.unwrap_or(""))?;
            s.text(3, &f.code)?;
            s.text(4, code_label(&f.code))?;
            s.text(5, severity_label(f.severity))?;
            if let Some(n) = f.step {
                s.num(6, f64::from(n))?;
            }
            s.text(7, &f.message)?;
            s.end_row();
        }
        s.finish()?;
    }

    // Duplikat
    {
        let mut s = Sheet::new(
            wb.add_worksheet(),
            "Duplikat",
            &[
                ("Kelompok", 10.0),
                ("Jenis", 12.0),
                ("Kemiripan", 11.0),
                ("Jumlah SOP", 11.0),
                ("Jumlah OPD", 11.0),
                ("SOP", 48.0),
                ("OPD", 32.0),
                ("Nama SOP", 40.0),
                ("Nomor SOP", 26.0),
            ],
            &bold,
        )?;
        'groups: for (g, d) in report.duplicates.iter().enumerate() {
            let kind = match d.kind {
                crate::analyze::duplicates::DuplicateKind::Identical => "identik",
                crate::analyze::duplicates::DuplicateKind::Near => "mirip",
            };
            for id in &d.sops {
                if !s.next_row()? {
                    break 'groups;
                }
                s.num(0, (g + 1) as f64)?;
                s.text(1, kind)?;
                s.ws.write_number_with_format(s.row, 2, d.similarity, &pct)?;
                s.num(3, d.sops.len() as f64)?;
                s.num(4, d.agencies.len() as f64)?;
                s.text(5, id)?;
                if let Some(sop) = by_id.get(id.as_str()) {
                    s.text(6, agency_name(sop))?;
                    s.text(7, sop.identity.title.as_deref().unwrap_or(""))?;
                    s.text(8, sop.identity.number.as_deref().unwrap_or(""))?;
                }
                s.end_row();
            }
        }
        s.finish()?;
    }

    // Gagal
    {
        let mut s = Sheet::new(
            wb.add_worksheet(),
            "Gagal",
            &[
                ("Berkas", 60.0),
                ("Jenis", 14.0),
                ("Keterangan jenis", 28.0),
                ("Pesan", 80.0),
                ("OPD", 32.0),
            ],
            &bold,
        )?;
        for e in &report.failed {
            if !s.next_row()? {
                break;
            }
            s.text(0, &e.path)?;
            s.text(1, e.kind.name())?;
            s.text(2, error_kind_label(e.kind))?;
            s.text(3, &e.message)?;
            s.text(4, &e.agency)?;
            s.end_row();
        }
        s.finish()?;
    }

    wb.save_to_buffer()
}
