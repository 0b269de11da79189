//! Sheet geometry (column widths, row heights, positions in points) and the conversion
//! of calamine cells and merged regions into a [`Table`].

use calamine::{Data, Dimensions, Range};

use crate::error::IngestError;
use crate::ingest::limits::Budget;
use crate::model::{Cell, CellValue, Row, Table};

/// EMU per point (FORMATS.md §0).
pub const EMU_PER_PT: f64 = 12_700.0;

/// Excel's maximum digit width of the default font (Calibri 11), in pixels.
const MAX_DIGIT_WIDTH_PX: f64 = 7.0;

/// Points per Excel pixel at 96 dpi.
const PT_PER_PX: f64 = 0.75;

/// A column width in characters (`<col width>`) as points, by the ECMA-376 formula
/// `Truncate(((256 * width + Truncate(128 / mdw)) / 256) * mdw)` pixels.
pub fn col_chars_to_pt(width: f64) -> f64 {
    if !width.is_finite() || width <= 0.0 {
        return 0.0;
    }
    let px = ((256.0 * width + (128.0 / MAX_DIGIT_WIDTH_PX).trunc()) / 256.0 * MAX_DIGIT_WIDTH_PX)
        .trunc();
    px * PT_PER_PX
}

/// The default column width in points when a sheet gives only `baseColWidth` (in
/// characters): base digits plus 5 px of padding, rounded up to a multiple of 8 px
/// (8 → 64 px, Excel's familiar default).
pub fn base_col_width_pt(base_chars: f64) -> f64 {
    if !base_chars.is_finite() || base_chars <= 0.0 {
        return 64.0 * PT_PER_PX;
    }
    let px = base_chars * MAX_DIGIT_WIDTH_PX + 5.0;
    (px / 8.0).ceil() * 8.0 * PT_PER_PX
}

/// One run of equally sized columns or rows that differ from the default.
#[derive(Clone, Debug)]
struct Run {
    first: u32,
    last: u32,
    size: f64,
    /// Position of `first`'s leading edge, in points.
    offset: f64,
}

/// Positions along one axis of a sheet (columns or rows): a default size with sorted
/// runs of explicit sizes, answering "where does index i start" and "which index holds
/// position p" in logarithmic time.
#[derive(Clone, Debug)]
pub struct Axis {
    default: f64,
    runs: Vec<Run>,
}

impl Axis {
    /// An axis with `default` size (points) and explicit `(first, last, size)` runs;
    /// overlapping runs keep the earlier one.
    pub fn new(default: f64, mut overrides: Vec<(u32, u32, f64)>) -> Axis {
        let default = if default.is_finite() && default > 0.0 {
            default
        } else {
            1.0
        };
        overrides.sort_by_key(|o| o.0);
        let mut runs: Vec<Run> = Vec::with_capacity(overrides.len());
        let mut end_pos = 0.0f64; // position after the previous run
        let mut next_index: u64 = 0; // first index after the previous run
        for (first, last, size) in overrides {
            let first = u64::from(first).max(next_index);
            let last = u64::from(last);
            if last < first {
                continue;
            }
            let size = if size.is_finite() && size >= 0.0 {
                size
            } else {
                default
            };
            let offset = end_pos + (first - next_index) as f64 * default;
            end_pos = offset + (last - first + 1) as f64 * size;
            next_index = last + 1;
            runs.push(Run {
                first: first as u32,
                last: last as u32,
                size,
                offset,
            });
        }
        Axis { default, runs }
    }

    /// The size of index `i` in points.
    pub fn size(&self, i: u32) -> f64 {
        let k = self.runs.partition_point(|r| r.first <= i);
        match k.checked_sub(1).and_then(|k| self.runs.get(k)) {
            Some(r) if i <= r.last => r.size,
            _ => self.default,
        }
    }

    /// The leading edge of index `i` in points.
    pub fn start(&self, i: u32) -> f64 {
        let k = self.runs.partition_point(|r| r.first <= i);
        match k.checked_sub(1).and_then(|k| self.runs.get(k)) {
            None => f64::from(i) * self.default,
            Some(r) if i <= r.last => r.offset + f64::from(i - r.first) * r.size,
            Some(r) => {
                let end = r.offset + f64::from(r.last - r.first + 1) * r.size;
                end + f64::from(i - r.last - 1) * self.default
            }
        }
    }

    /// The index whose extent holds position `p` (points); negative positions give 0.
    pub fn locate(&self, p: f64) -> u32 {
        if !p.is_finite() || p <= 0.0 {
            return 0;
        }
        let k = self.runs.partition_point(|r| r.offset <= p);
        let idx = match k.checked_sub(1).and_then(|k| self.runs.get(k)) {
            None => (p / self.default).floor(),
            Some(r) => {
                let n = f64::from(r.last - r.first + 1);
                let end = r.offset + n * r.size;
                if p < end && r.size > 0.0 {
                    f64::from(r.first) + ((p - r.offset) / r.size).floor().min(n - 1.0)
                } else {
                    f64::from(r.last) + 1.0 + ((p - end) / self.default).floor()
                }
            }
        };
        if idx >= f64::from(u32::MAX) {
            u32::MAX
        } else {
            idx as u32
        }
    }
}

/// A cell value turned into the model's text and typed value.
pub fn convert_value(d: &Data) -> (String, Option<CellValue>) {
    match d {
        Data::Empty => (String::new(), None),
        Data::String(s) => (normalise_text(s), None),
        Data::Int(i) => (i.to_string(), Some(CellValue::Number(*i as f64))),
        Data::Float(f) => (format_number(*f), Some(CellValue::Number(*f))),
        Data::Bool(b) => (
            if *b { "TRUE" } else { "FALSE" }.to_string(),
            Some(CellValue::Bool(*b)),
        ),
        Data::DateTime(dt) => {
            let serial = dt.as_f64();
            if dt.is_duration() {
                return (format_clock(serial), None);
            }
            let (y, mo, da, h, mi, s, _) = dt.to_ymd_hms_milli();
            if serial.abs() < 1.0 {
                // A time of day without a date ("08:00", a duration typed as a time).
                return (format_hms(h, mi, s), None);
            }
            let date = format!("{y:04}-{mo:02}-{da:02}");
            let text = if h == 0 && mi == 0 && s == 0 {
                date.clone()
            } else {
                format!("{date} {}", format_hms(h, mi, s))
            };
            (text, Some(CellValue::Date(date)))
        }
        Data::DateTimeIso(s) => iso_datetime(s),
        Data::DurationIso(s) => (s.clone(), None),
        Data::Error(e) => (e.to_string(), None),
    }
}

/// An ISO date or date-time string (ODS) as text and value: a date value when it starts
/// with `YYYY-MM-DD`.
fn iso_datetime(s: &str) -> (String, Option<CellValue>) {
    let date = s.get(..10).filter(|d| {
        let b = d.as_bytes();
        b.len() == 10
            && b.get(4) == Some(&b'-')
            && b.get(7) == Some(&b'-')
            && b.iter()
                .enumerate()
                .all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit())
    });
    match date {
        Some(d) => {
            let rest = s.get(10..).unwrap_or("");
            let midnight = rest.is_empty()
                || rest
                    .trim_start_matches('T')
                    .trim_start_matches(' ')
                    .chars()
                    .all(|c| c == '0' || c == ':' || c == '.');
            let text = if midnight {
                d.to_string()
            } else {
                s.replacen('T', " ", 1)
            };
            (text, Some(CellValue::Date(d.to_string())))
        }
        None => (s.to_string(), None),
    }
}

fn format_hms(h: u8, mi: u8, s: u8) -> String {
    if s == 0 {
        format!("{h:02}:{mi:02}")
    } else {
        format!("{h:02}:{mi:02}:{s:02}")
    }
}

/// A duration in days as `[h]:mm(:ss)`.
fn format_clock(days: f64) -> String {
    let secs = (days * 86_400.0).round();
    if !secs.is_finite() || secs.abs() > 1e12 {
        return format_number(days);
    }
    let secs = secs as i64;
    let (h, m, s) = (secs / 3600, (secs / 60) % 60, secs % 60);
    if s == 0 {
        format!("{h}:{m:02}")
    } else {
        format!("{h}:{m:02}:{s:02}")
    }
}

/// A number as people read it: integers without `.0`, fractions to at most 10
/// decimals without binary noise (`0.1 + 0.2` shows as `0.3`, as in Excel).
pub fn format_number(f: f64) -> String {
    if !f.is_finite() || f.abs() >= 1e15 {
        return format!("{f}");
    }
    if f.fract() == 0.0 {
        return format!("{}", f as i64);
    }
    let s = format!("{f:.10}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    if s == "-0" || s.is_empty() {
        "0".to_string()
    } else {
        s.to_string()
    }
}

/// Line breaks as `\n` (cells may carry `\r\n` or `_x000D_` artefacts).
fn normalise_text(s: &str) -> String {
    if s.contains('\r') || s.contains("_x000D_") {
        s.replace("_x000D_", "")
            .replace("\r\n", "\n")
            .replace('\r', "\n")
    } else {
        s.to_string()
    }
}

/// What one sheet contributes to its table beside the cells.
#[derive(Default)]
pub struct SheetExtras<'a> {
    /// Merged regions (0-based, inclusive).
    pub merges: &'a [Dimensions],
    /// 0-based inclusive row ranges repeated as headers (print titles).
    pub header_rows: &'a [(u32, u32)],
    /// Column geometry, where known.
    pub cols: Option<&'a Axis>,
    /// Row geometry, where known.
    pub rows: Option<&'a Axis>,
}

/// Builds the table of one sheet: grid coordinates are the sheet's own (row 0 = sheet
/// row 1, col 0 = column A); trailing empty rows and columns are trimmed; merged regions
/// become spans, and the cells they cover are dropped.
pub fn build_table(
    range: &Range<Data>,
    extras: &SheetExtras<'_>,
    budget: &Budget,
    part: &str,
) -> Result<Table, IngestError> {
    let (r0, c0) = range.start().unwrap_or((0, 0));
    // Non-empty cells in row-major order, with absolute coordinates.
    let mut cells: Vec<Cell> = Vec::new();
    for (i, (r, c, d)) in range.used_cells().enumerate() {
        if i % 65_536 == 65_535 {
            budget.check_time(part)?;
        }
        let (text, value) = convert_value(d);
        if text.trim().is_empty() && value.is_none() {
            continue;
        }
        let (Some(row), Some(col)) = (
            u32::try_from(r).ok().and_then(|r| r.checked_add(r0)),
            u32::try_from(c).ok().and_then(|c| c.checked_add(c0)),
        ) else {
            continue;
        };
        cells.push(Cell {
            row: row as usize,
            col: col as usize,
            row_span: 1,
            col_span: 1,
            text,
            value,
        });
    }
    // The extent: every non-empty cell, and every merge starting inside that box.
    let mut max_row = cells.iter().map(|c| c.row).max();
    let mut max_col = cells.iter().map(|c| c.col).max();
    if let (Some(mr), Some(mc)) = (max_row, max_col) {
        for m in extras.merges {
            let (sr, sc) = (m.start.0 as usize, m.start.1 as usize);
            if sr <= mr && sc <= mc {
                max_row = max_row.max(Some(m.end.0 as usize));
                max_col = max_col.max(Some(m.end.1 as usize));
            }
        }
    }
    let (Some(max_row), Some(max_col)) = (max_row, max_col) else {
        return Ok(Table::default());
    };
    let n_rows = max_row + 1;
    let n_cols = max_col + 1;

    // Apply merges: span the top-left cell (adding it when empty), drop covered cells.
    let mut covered = vec![false; cells.len()];
    let mut added: Vec<Cell> = Vec::new();
    for m in extras.merges {
        budget.check_time(part)?;
        let (sr, sc) = (m.start.0 as usize, m.start.1 as usize);
        if sr > max_row || sc > max_col {
            continue;
        }
        let er = (m.end.0 as usize).min(max_row).max(sr);
        let ec = (m.end.1 as usize).min(max_col).max(sc);
        if er == sr && ec == sc {
            continue;
        }
        let mut has_top_left = false;
        for r in sr..=er {
            let lo = cells.partition_point(|c| (c.row, c.col) < (r, sc));
            let hi = cells.partition_point(|c| (c.row, c.col) <= (r, ec));
            for i in lo..hi {
                let Some(cell) = cells.get_mut(i) else {
                    continue;
                };
                if cell.row == sr && cell.col == sc {
                    if cell.row_span == 1 && cell.col_span == 1 {
                        cell.row_span = er - sr + 1;
                        cell.col_span = ec - sc + 1;
                    }
                    has_top_left = true;
                } else if let Some(cv) = covered.get_mut(i) {
                    *cv = true;
                }
            }
        }
        if !has_top_left {
            added.push(Cell {
                row: sr,
                col: sc,
                row_span: er - sr + 1,
                col_span: ec - sc + 1,
                text: String::new(),
                value: None,
            });
        }
    }

    let mut rows: Vec<Row> = Vec::with_capacity(n_rows);
    for r in 0..n_rows {
        let height = extras
            .rows
            .and_then(|a| u32::try_from(r).ok().map(|r| a.size(r) as f32));
        rows.push(Row {
            cells: Vec::new(),
            repeat_header: extras
                .header_rows
                .iter()
                .any(|&(a, b)| (a as usize) <= r && r <= b as usize),
            height,
            page: None,
        });
    }
    let kept = cells
        .into_iter()
        .zip(covered)
        .filter_map(|(c, cov)| (!cov).then_some(c));
    for c in kept.chain(added) {
        if let Some(row) = rows.get_mut(c.row) {
            row.cells.push(c);
        }
    }
    for row in &mut rows {
        row.cells.sort_by_key(|c| c.col);
    }
    let col_widths = match extras.cols {
        Some(a) => (0..n_cols)
            .map(|c| u32::try_from(c).map(|c| a.size(c) as f32).unwrap_or(0.0))
            .collect(),
        None => Vec::new(),
    };
    Ok(Table {
        rows,
        n_cols,
        col_widths,
        page: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn column_width_formula() {
        // Excel stores its 8.43-character default as 9.140625 (padding included):
        // 64 px; a stored 13 is 91 px.
        assert!((col_chars_to_pt(9.140625) - 48.0).abs() < 1e-9);
        assert!((col_chars_to_pt(13.0) - 91.0 * 0.75).abs() < 1e-9);
        assert!((base_col_width_pt(8.0) - 48.0).abs() < 1e-9);
    }

    #[test]
    fn axis_positions_and_lookup() {
        let a = Axis::new(15.0, vec![(2, 2, 30.0), (5, 6, 0.0), (8, 9, 40.0)]);
        assert_eq!(a.start(0), 0.0);
        assert_eq!(a.start(2), 30.0);
        assert_eq!(a.start(3), 60.0);
        assert_eq!(a.start(5), 90.0);
        assert_eq!(a.start(7), 90.0);
        assert_eq!(a.start(8), 105.0);
        assert_eq!(a.start(10), 185.0);
        assert_eq!(a.start(11), 200.0);
        assert_eq!(a.locate(29.9), 1);
        assert_eq!(a.locate(30.0), 2);
        assert_eq!(a.locate(59.0), 2);
        assert_eq!(a.locate(61.0), 3);
        assert_eq!(a.locate(95.0), 7);
        assert_eq!(a.locate(150.0), 9);
        assert_eq!(a.locate(190.0), 10);
        assert_eq!(a.locate(-3.0), 0);
        assert_eq!(a.size(5), 0.0);
        assert_eq!(a.size(4), 15.0);
    }

    #[test]
    fn numbers_and_dates_as_text() {
        assert_eq!(format_number(5.0), "5");
        assert_eq!(format_number(2.5), "2.5");
        assert_eq!(format_number(0.1 + 0.2), "0.3");
        assert_eq!(format_number(-1.25), "-1.25");
        assert_eq!(format_number(1e-12), "0");
        let (t, v) = iso_datetime("2021-06-20T00:00:00");
        assert_eq!(t, "2021-06-20");
        assert_eq!(v, Some(CellValue::Date("2021-06-20".into())));
        assert_eq!(iso_datetime("PT1H").1, None);
    }
}
