//! `report.xlsx`: sheets Ringkasan, OPD, Temuan, Duplikat and Gagal, each with a bold
//! header row, an autofilter, frozen headers and column widths.
//!
//! Every piece of text is written with `write_string`, so a cell whose text starts with
//! `=`, `+`, `-` or `@` is a string cell, never a formula. Text longer than Excel's cell
//! limit is cut; a sheet with more rows than Excel allows ends with a note row.

use std::path::Path;

use rust_xlsxwriter::{DocProperties, ExcelDateTime, Format, Workbook, Worksheet, XlsxError};

use super::html::{Member, code_label, error_kind_label, severity_label};
use super::html::{loop_kind_label, read_by_ocr};
use super::json::{FindingRow, Report};
use crate::analyze::agencies::agency_name;
use crate::analyze::date::Date;
use crate::analyze::duplicates::{DuplicateGroup, DuplicateKind};
use crate::analyze::rules_loop::{LoopEntry, toml_lines};
use crate::sop::record::{Severity, Sop};

/// Excel's limit on the characters of one cell.
const MAX_CELL_CHARS: usize = 32_767;
/// rust_xlsxwriter's paper size code of A4.
const PAPER_A4: u8 = 9;
/// The number format of date cells (day-month-year, as written in Indonesia).
const DATE_FORMAT: &str = "dd-mm-yyyy";

/// An ISO date (`YYYY-MM-DD`) as an Excel date, None when the text is not one.
fn excel_date(text: &str) -> Option<ExcelDateTime> {
    let d = Date::parse_iso(text.trim()).ok()?;
    ExcelDateTime::from_ymd(
        u16::try_from(d.year).ok()?,
        u8::try_from(d.month).ok()?,
        u8::try_from(d.day).ok()?,
    )
    .ok()
}

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
        // Prints legibly: landscape, one page wide, the header row on every page.
        ws.set_landscape();
        ws.set_print_fit_to_pages(1, 0);
        ws.set_repeat_rows(0, 0)?;
        ws.set_paper_size(PAPER_A4);
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

/// The workbook being written: Ringkasan and OPD at once, then Temuan row by row while
/// the SOPs stream, then Duplikat group by group, then Gagal. Every sheet is in constant
/// memory mode: its rows go to a temporary file in the output folder as they are written.
pub struct Book {
    wb: Workbook,
    bold: Format,
    pct: Format,
    date: Format,
}

/// The SOP sheet, open while the page walks the SOPs: one row per SOP.
pub struct SopSheet<'a> {
    s: Sheet<'a>,
    date: &'a Format,
}

impl SopSheet<'_> {
    /// Writes the row of one SOP whose findings are set.
    pub fn row(&mut self, sop: &Sop) -> Result<(), XlsxError> {
        let s = &mut self.s;
        if !s.next_row()? {
            return Ok(());
        }
        let id = &sop.identity;
        s.text(0, agency_name(sop))?;
        s.text(1, id.number.as_deref().unwrap_or(""))?;
        s.text(2, id.title.as_deref().unwrap_or(""))?;
        for (col, d) in [(3u16, &id.created), (4, &id.revised), (5, &id.effective)] {
            let Some(text) = d.as_deref() else { continue };
            match excel_date(text) {
                Some(date) => {
                    s.ws.write_datetime_with_format(s.row, col, &date, self.date)?;
                }
                None => s.text(col, text)?,
            }
        }
        s.num(6, sop.steps.len() as f64)?;
        s.num(7, sop.actors.len() as f64)?;
        s.text(8, &sop.actors.join("; "))?;
        for (col, sev) in [
            (9u16, Severity::Error),
            (10, Severity::Warning),
            (11, Severity::Info),
        ] {
            let n = sop.findings.iter().filter(|f| f.severity == sev).count();
            s.num(col, n as f64)?;
        }
        s.text(12, &sop.source.path)?;
        s.text(13, if read_by_ocr(sop) { "ya" } else { "tidak" })?;
        s.text(14, &sop.id)?;
        s.end_row();
        Ok(())
    }

    /// Ends the sheet (its autofilter).
    pub fn finish(self) -> Result<(), XlsxError> {
        self.s.finish()
    }
}

/// The Temuan sheet, open while the SOPs stream.
pub struct FindingsSheet<'a> {
    s: Sheet<'a>,
}

impl FindingsSheet<'_> {
    /// Writes one finding row; `title` is the SOP's title.
    pub fn row(&mut self, f: &FindingRow, title: Option<&str>) -> Result<(), XlsxError> {
        let s = &mut self.s;
        if !s.next_row()? {
            return Ok(());
        }
        s.text(0, &f.agency)?;
        s.text(1, &f.sop)?;
        s.text(2, title.unwrap_or(""))?;
        s.text(3, f.code.as_str())?;
        s.text(4, code_label(f.code))?;
        s.text(5, severity_label(f.severity))?;
        if let Some(n) = f.step {
            s.num(6, f64::from(n))?;
        }
        s.text(7, &f.message)?;
        s.end_row();
        Ok(())
    }

    /// Ends the sheet (its autofilter).
    pub fn finish(self) -> Result<(), XlsxError> {
        self.s.finish()
    }
}

/// The Duplikat sheet, open while the groups are written.
pub struct DuplicatesSheet<'a> {
    s: Sheet<'a>,
    pct: &'a Format,
}

impl DuplicatesSheet<'_> {
    /// Writes the rows of group `g` (0-based), one per member.
    pub fn group(
        &mut self,
        g: usize,
        d: &DuplicateGroup,
        members: &[Member],
    ) -> Result<(), XlsxError> {
        let s = &mut self.s;
        let kind = match d.kind {
            DuplicateKind::Identical => "identik",
            DuplicateKind::Near => "mirip",
        };
        for m in members {
            if !s.next_row()? {
                return Ok(());
            }
            s.num(0, (g + 1) as f64)?;
            s.text(1, kind)?;
            s.ws.write_number_with_format(s.row, 2, d.similarity, self.pct)?;
            s.num(3, d.sops.len() as f64)?;
            s.num(4, d.agencies.len() as f64)?;
            s.text(5, &m.id)?;
            if let Some((agency, title, number)) = &m.shown {
                s.text(6, agency)?;
                s.text(7, title)?;
                s.text(8, number)?;
            }
            s.end_row();
        }
        Ok(())
    }

    /// Ends the sheet (its autofilter).
    pub fn finish(self) -> Result<(), XlsxError> {
        self.s.finish()
    }
}

impl Book {
    /// Starts the workbook with its Ringkasan and OPD sheets; temporary files go to `tmp`.
    pub fn new(report: &Report, tmp: &Path) -> Result<Self, XlsxError> {
        let mut wb = Workbook::new();
        wb.set_tempdir(tmp)?;
        // Dated by the as-of date, not the clock: the same run writes the same bytes.
        let mut parts = report.summary.as_of.splitn(3, '-').map(str::parse::<u16>);
        if let (Some(Ok(y)), Some(Ok(m)), Some(Ok(d))) = (parts.next(), parts.next(), parts.next())
            && let Ok(date) = ExcelDateTime::from_ymd(y, m as u8, d as u8)
        {
            wb.set_properties(&DocProperties::new().set_creation_datetime(&date));
        }
        let mut book = Book {
            wb,
            bold: Format::new().set_bold(),
            pct: Format::new().set_num_format("0.0%"),
            date: Format::new().set_num_format(DATE_FORMAT),
        };
        book.summary(report)?;
        book.agencies(report)?;
        Ok(book)
    }

    fn summary(&mut self, report: &Report) -> Result<(), XlsxError> {
        let mut s = Sheet::new(
            self.wb.add_worksheet_with_constant_memory()?,
            "Ringkasan",
            &[("Uraian", 36.0), ("Nilai", 16.0)],
            &self.bold,
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
        match excel_date(&sm.as_of) {
            Some(d) => {
                s.ws.write_datetime_with_format(s.row, 1, &d, &self.date)?;
            }
            None => s.text(1, &sm.as_of)?,
        }
        s.end_row();
        if let Some(prev) = &sm.previous_run {
            s.text(0, "Proses sebelumnya")?;
            s.text(1, prev)?;
            s.end_row();
        }
        s.finish()
    }

    fn agencies(&mut self, report: &Report) -> Result<(), XlsxError> {
        let trend = report.summary.previous_run.is_some();
        let mut headers = vec![
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
            ("Skor mutu", 11.0),
            ("Kelengkapan identitas", 13.0),
            ("Kelengkapan langkah", 13.0),
            ("Kesalahan per SOP", 11.0),
            ("Peringatan per SOP", 11.0),
            ("Berkas tak terbaca", 11.0),
        ];
        if trend {
            headers.push(("Perubahan temuan", 18.0));
        }
        let mut s = Sheet::new(
            self.wb.add_worksheet_with_constant_memory()?,
            "OPD",
            &headers,
            &self.bold,
        )?;
        for a in &report.agencies {
            if !s.next_row()? {
                break;
            }
            if let Some(rank) = a.rank {
                s.num(0, rank as f64)?;
            }
            s.text(1, &a.agency)?;
            s.num(2, a.files as f64)?;
            s.num(3, a.failed_files as f64)?;
            s.num(4, a.sops as f64)?;
            s.num(5, a.steps as f64)?;
            s.num(6, a.sops_with_errors as f64)?;
            s.num(7, a.findings.error as f64)?;
            s.num(8, a.findings.warning as f64)?;
            s.num(9, a.findings.info as f64)?;
            s.ws.write_number_with_format(s.row, 10, a.completeness, &self.pct)?;
            for (col, v) in [
                (11u16, a.score),
                (12, a.identity_completeness),
                (13, a.step_completeness),
                (16, a.unreadable_share),
            ] {
                s.ws.write_number_with_format(s.row, col, v, &self.pct)?;
            }
            s.num(14, a.errors_per_sop)?;
            s.num(15, a.warnings_per_sop)?;
            if let Some(c) = a.findings_change {
                s.num(17, c as f64)?;
            }
            s.end_row();
        }
        s.finish()
    }

    /// Opens the Temuan sheet.
    pub fn findings(&mut self) -> Result<FindingsSheet<'_>, XlsxError> {
        let s = Sheet::new(
            self.wb.add_worksheet_with_constant_memory()?,
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
            &self.bold,
        )?;
        Ok(FindingsSheet { s })
    }

    /// Opens the SOP sheet.
    pub fn sops(&mut self) -> Result<SopSheet<'_>, XlsxError> {
        let s = Sheet::new(
            self.wb.add_worksheet_with_constant_memory()?,
            "SOP",
            &[
                ("OPD", 32.0),
                ("Nomor SOP", 24.0),
                ("Nama SOP", 44.0),
                ("Tanggal pembuatan", 14.0),
                ("Tanggal revisi", 14.0),
                ("Tanggal efektif", 14.0),
                ("Langkah", 9.0),
                ("Jumlah pelaksana", 10.0),
                ("Pelaksana", 44.0),
                ("Kesalahan", 10.0),
                ("Peringatan", 10.0),
                ("Informasi", 10.0),
                ("Berkas", 50.0),
                ("OCR", 7.0),
                ("ID SOP", 44.0),
            ],
            &self.bold,
        )?;
        Ok(SopSheet {
            s,
            date: &self.date,
        })
    }

    /// Opens the Duplikat sheet.
    pub fn duplicates(&mut self) -> Result<DuplicatesSheet<'_>, XlsxError> {
        let s = Sheet::new(
            self.wb.add_worksheet_with_constant_memory()?,
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
            &self.bold,
        )?;
        Ok(DuplicatesSheet { s, pct: &self.pct })
    }

    /// Writes the Aturan sheet: what the rules did not know, with the TOML lines to add.
    pub fn rules_loop(&mut self, entries: &[LoopEntry]) -> Result<(), XlsxError> {
        let mut s = Sheet::new(
            self.wb.add_worksheet_with_constant_memory()?,
            "Aturan",
            &[
                ("Jenis", 28.0),
                ("Teks dalam dokumen", 40.0),
                ("Jumlah", 9.0),
                ("OPD", 40.0),
                ("Contoh SOP", 44.0),
                ("Berkas aturan", 14.0),
                ("Baris TOML", 60.0),
            ],
            &self.bold,
        )?;
        for e in entries {
            if !s.next_row()? {
                break;
            }
            let (file, lines) = toml_lines(e);
            s.text(0, &loop_kind_label(&e.kind))?;
            s.text(1, &e.text)?;
            s.num(2, e.count as f64)?;
            s.text(
                3,
                &e.agencies.iter().cloned().collect::<Vec<_>>().join("; "),
            )?;
            s.text(4, &e.example)?;
            s.text(5, file)?;
            s.text(6, &lines)?;
            s.end_row();
        }
        s.finish()
    }

    /// Writes the Gagal sheet and saves the workbook to `path`.
    pub fn finish(mut self, report: &Report, path: &Path) -> Result<(), XlsxError> {
        let mut s = Sheet::new(
            self.wb.add_worksheet_with_constant_memory()?,
            "Gagal",
            &[
                ("Berkas", 60.0),
                ("Jenis", 14.0),
                ("Keterangan jenis", 28.0),
                ("Pesan", 80.0),
                ("OPD", 32.0),
            ],
            &self.bold,
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
        self.wb.save(path)
    }
}
