//! The procedure (flowchart) table: finding its header, mapping columns to roles and
//! actors, and reading each step row's activity, actors, symbol and Mutu Baku.
//!
//! A header row is a row with a Kegiatan column and at least one other procedure
//! column (No, Pelaksana, Mutu Baku, Waktu, Output …), often two merged rows: a group
//! header ("Pelaksana" over the actor columns, "Mutu Baku" over Kelengkapan, Waktu,
//! Output) over the sub-headers. Column roles come only from
//! [`Vocabulary::column_role`].

use super::grid::Grid;
use super::record::Symbol;
use super::text::Dewrap;
use super::vocab::{ColumnRole, Context, Vocabulary};
use crate::model::{Cell, Section, Shape, ShapeKind};

/// The column layout of one procedure table header.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Header {
    /// First header row.
    pub first_row: usize,
    /// The row after the last header row.
    pub end_row: usize,
    /// The No column.
    pub no_col: Option<usize>,
    /// The Kegiatan column.
    pub act_col: usize,
    /// Actor columns with their canonical actor names, in column order.
    pub actor_cols: Vec<(usize, String)>,
    /// Kelengkapan / Persyaratan column.
    pub req_col: Option<usize>,
    /// Waktu column.
    pub time_col: Option<usize>,
    /// Output column.
    pub out_col: Option<usize>,
    /// Keterangan column.
    pub notes_col: Option<usize>,
    /// A Pelaksana column that holds actor names as text (a two-column Kegiatan |
    /// Pelaksana narrative table) rather than one column per actor.
    pub actor_text_col: Option<usize>,
    /// Header cells no rule names, as written (one line each): neither a known header
    /// nor an actor column's name. Reported so staff can add them to `rules/headers.toml`.
    pub unknown: Vec<String>,
}

impl Header {
    /// The distinct canonical actor names of the header, in column order.
    pub fn actors(&self) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        for (_, a) in &self.actor_cols {
            if !out.contains(a) {
                out.push(a.clone());
            }
        }
        out
    }
}

/// How a step's actors were found.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ActorSource {
    /// From flowchart symbols standing in actor columns.
    Shape,
    /// From marks (√, X …) in actor columns.
    Mark,
    /// From other text in actor columns, or a Pelaksana text column.
    Text,
    /// Not found.
    None,
}

/// One step as read from a table row, before flow (next / branches) is worked out.
#[derive(Clone, Debug, PartialEq)]
pub struct RawStep {
    /// The step number written in the No column, if any.
    pub no: Option<u32>,
    /// Kegiatan text.
    pub activity: String,
    /// Canonical actor names.
    pub actors: Vec<String>,
    /// How the actors were found.
    pub source: ActorSource,
    /// Symbol from a shape, if any.
    pub symbol: Option<Symbol>,
    /// Kelengkapan / Persyaratan.
    pub requirements: Option<String>,
    /// Waktu as written.
    pub time: Option<String>,
    /// Output.
    pub output: Option<String>,
    /// Keterangan.
    pub notes: Option<String>,
    /// Branch cues from connector labels: (label is yes, target row's step) — filled by
    /// the caller where shapes allow.
    pub label_branches: Vec<(bool, u32)>,
}

/// The text of a header cell as one line (wrapped lines joined).
fn header_text(c: &Cell) -> String {
    c.text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Known header roles a row needs before its other cells are read loosely
/// (abbreviations, one typo in short words): "No", "Kegiatan" and "Wkt" make a header.
const MIN_ROLES_FOR_SUPPORT: usize = 2;

/// Longest text read as a column header, in characters: a longer cell is prose (a title
/// or a note spanning the table), not a header.
const MAX_HEADER_CHARS: usize = 60;

/// A column ruling read as text by OCR: the separator left between the headers of
/// several columns that came out as one cell.
const CELL_JOIN: char = '|';

fn role_of(text: &str, vocab: &Vocabulary) -> Option<ColumnRole> {
    role_in(text, vocab, Context::Alone)
}

/// The role of a header text in `ctx`.
fn role_in(text: &str, vocab: &Vocabulary, ctx: Context) -> Option<ColumnRole> {
    let t = text.trim().trim_end_matches(':').trim();
    if t.is_empty() || t.chars().count() > MAX_HEADER_CHARS {
        return None;
    }
    vocab.column_role_in(t, ctx).or_else(|| {
        // A header that wrapped in the middle of a word ("Kelengkapa\nn").
        let joined: String = text.split_whitespace().collect();
        (joined != t)
            .then(|| vocab.column_role_in(&joined, ctx))
            .flatten()
    })
}

/// The context the cells of a row stand in: supported when enough of them name a
/// role on their own.
fn row_context(cells: &[Cell], vocab: &Vocabulary) -> Context {
    let known = cells
        .iter()
        .filter(|c| role_of(&header_text(c), vocab).is_some())
        .take(MIN_ROLES_FOR_SUPPORT)
        .count();
    if known >= MIN_ROLES_FOR_SUPPORT {
        Context::Supported
    } else {
        Context::Alone
    }
}

/// True when a header reads "No" then "Kegiatan" (two headers in one merged cell).
fn is_no_and_activity(text: &str, vocab: &Vocabulary) -> bool {
    let words: Vec<&str> = text.split_whitespace().collect();
    (1..words.len()).any(|k| {
        let left = words.get(..k).map(|w| w.join(" ")).unwrap_or_default();
        let right = words.get(k..).map(|w| w.join(" ")).unwrap_or_default();
        role_of(&left, vocab) == Some(ColumnRole::Number)
            && role_of(&right, vocab) == Some(ColumnRole::Activity)
    })
}

fn is_mutu(role: Option<ColumnRole>) -> bool {
    matches!(
        role,
        Some(
            ColumnRole::MutuBaku
                | ColumnRole::Requirements
                | ColumnRole::Time
                | ColumnRole::Output
                | ColumnRole::Notes
        )
    )
}

/// Distinct cells covering row `r`, left to right.
fn row_cells<'t>(table: &Grid<'t>, r: usize) -> Vec<&'t Cell> {
    let mut out: Vec<&Cell> = Vec::new();
    for c in 0..table.n_cols {
        if let Some(cell) = table.cell_at(r, c)
            && !out.iter().any(|o| std::ptr::eq(*o, cell))
        {
            out.push(cell);
        }
    }
    out
}

/// The canonical actor for a header as written. A name that wrapped in the middle of a
/// word in a narrow column ("Kasubb" / "ag Umum") is tried with each line break glued
/// or spaced, fewest glues first, until the vocabulary knows the name.
pub fn actor_name(written: &str, vocab: &Vocabulary) -> String {
    let lines: Vec<&str> = written
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect();
    let spaced = lines.join(" ");
    let canon = vocab.canonical_actor(&spaced);
    let breaks = lines.len().saturating_sub(1);
    if breaks == 0 || breaks > 6 || vocab.is_known_actor(&canon) {
        return canon;
    }
    let mut masks: Vec<u32> = (1..(1u32 << breaks)).collect();
    masks.sort_by_key(|m| m.count_ones());
    for mask in masks {
        let mut s = String::new();
        for (i, l) in lines.iter().enumerate() {
            if i > 0 && mask & (1 << (i - 1)) == 0 {
                s.push(' ');
            }
            s.push_str(l);
        }
        let c = vocab.canonical_actor(&s);
        if vocab.is_known_actor(&c) {
            return c;
        }
    }
    match glue_wrapped_words(&lines, vocab) {
        Some(glued) => vocab.canonical_actor(&glued),
        None => canon,
    }
}

/// A local title wrapped in the middle of a word without a hyphen ("Pelak" / "sana
/// Teknis", "Kepala Sub" / "bagian Data"): each line break is glued when the word it
/// would make is a position word of the actor rules and the two halves are not both
/// words of their own. None when no break glues.
fn glue_wrapped_words(lines: &[&str], vocab: &Vocabulary) -> Option<String> {
    let mut out = String::new();
    let mut glued_any = false;
    for (i, line) in lines.iter().enumerate() {
        if i > 0 {
            let tail = out.split_whitespace().last().unwrap_or("");
            let head = line.split_whitespace().next().unwrap_or("");
            let joined = format!("{tail}{head}");
            let halves_are_words = vocab.is_position_word(tail) && vocab.is_position_word(head);
            if !tail.is_empty() && vocab.is_position_word(&joined) && !halves_are_words {
                glued_any = true;
            } else {
                out.push(' ');
            }
        }
        out.push_str(line);
    }
    glued_any.then_some(out)
}

/// Reads a procedure header starting at row `r`, or None when row `r` is not one.
pub fn detect_header(table: &Grid, r: usize, vocab: &Vocabulary) -> Option<Header> {
    // Cheap test first: a header row starts a Kegiatan cell of its own.
    let row = table.rows.get(r)?;
    let ctx = row_context(&row.cells, vocab);
    if !row.cells.iter().any(|c| {
        let t = header_text(c);
        role_in(&t, vocab, ctx) == Some(ColumnRole::Activity)
            || (c.col_span > 1 && is_no_and_activity(&t, vocab))
    }) {
        return None;
    }
    let cells = row_cells(table, r);
    // Only cells that start in this row can open a header.
    let roles: Vec<(&Cell, Option<ColumnRole>)> = cells
        .iter()
        .filter(|c| c.row == r)
        .map(|c| {
            let t = header_text(c);
            let role = role_in(&t, vocab, ctx).or_else(|| {
                // "No. Kegiatan" in one cell over two columns (no ruling between them)
                (c.col_span > 1 && is_no_and_activity(&t, vocab)).then_some(ColumnRole::Activity)
            });
            (*c, role)
        })
        .collect();
    let act = roles
        .iter()
        .find(|(_, ro)| *ro == Some(ColumnRole::Activity))?
        .0;
    let others = roles
        .iter()
        .filter(|(_, ro)| ro.is_some() && *ro != Some(ColumnRole::Activity))
        .count();
    if others == 0 {
        return None;
    }
    let has_no_col = roles.iter().any(|(_, ro)| *ro == Some(ColumnRole::Number));
    // An activity header over two columns with no No column of its own: the first
    // column holds the numbers, the last the text.
    let (merged_no, act_col) = if act.col_span > 1 && !has_no_col {
        (Some(act.col), act.col + act.col_span - 1)
    } else {
        (None, act.col)
    };
    // Header depth: the tallest cell of the row, or two rows when a group header spans
    // several columns (actor names / Mutu Baku parts below it).
    let mut end = r + 1;
    for (c, ro) in &roles {
        // Only named header cells set the depth (a blank cell merged down the margin
        // does not), and a header is never more than three rows deep.
        if ro.is_some() {
            end = end.max((c.row + c.row_span.max(1)).min(r + 3));
        }
        if c.col_span > 1 && matches!(ro, Some(ColumnRole::Actors | ColumnRole::MutuBaku)) {
            end = end.max(r + 2);
        }
    }
    // A following row of sub-headers (Waktu / Output …) with no spans belongs too.
    if end == r + 1 && r + 1 < table.rows.len() {
        let next_roles = row_cells(table, r + 1)
            .iter()
            .filter(|c| c.row == r + 1)
            .filter(|c| {
                matches!(
                    role_of(&header_text(c), vocab),
                    Some(ColumnRole::Requirements | ColumnRole::Time | ColumnRole::Output)
                )
            })
            .count();
        if next_roles >= 2 {
            end = r + 2;
        }
    }
    end = end.min(table.rows.len().max(r + 1));
    let sub_row = end.saturating_sub(1);

    let mut h = Header {
        first_row: r,
        end_row: end,
        act_col,
        no_col: merged_no,
        ..Default::default()
    };
    // Per grid column: the top cell's role and the lowest header cell below it.
    let mut first_mutu = table.n_cols;
    let mut col_info: Vec<(Option<ColumnRole>, Option<&Cell>, Option<&Cell>)> = Vec::new();
    for col in 0..table.n_cols {
        let top = table.cell_at(r, col);
        let top_role = top.and_then(|c| role_in(&header_text(c), vocab, ctx));
        let sub = if sub_row > r {
            table
                .cell_at(sub_row, col)
                .filter(|s| top.is_none_or(|t| !std::ptr::eq(*s, t)) && s.row > r)
        } else {
            None
        };
        let sub_role = sub
            .and_then(|c| role_of(&header_text(c), vocab))
            .or_else(|| {
                // a Mutu Baku sub-header under a known header row reads loosely
                sub.filter(|_| is_mutu(top_role))
                    .and_then(|c| role_in(&header_text(c), vocab, Context::Supported))
            });
        let role = sub_role.or(top_role);
        if col > act.col && first_mutu == table.n_cols && (is_mutu(top_role) || is_mutu(sub_role)) {
            first_mutu = col;
        }
        col_info.push((role, top, sub));
        let is_top_start = top.is_some_and(|t| t.col == col);
        let is_sub_start = sub.is_some_and(|s| s.col == col);
        match role {
            Some(ColumnRole::Number) if h.no_col.is_none() && col < act.col + 1 => {
                h.no_col = Some(col)
            }
            Some(ColumnRole::Requirements)
                if h.req_col.is_none() && (is_sub_start || is_top_start) =>
            {
                h.req_col = Some(col)
            }
            Some(ColumnRole::Time) if h.time_col.is_none() && (is_sub_start || is_top_start) => {
                h.time_col = Some(col)
            }
            Some(ColumnRole::Output) if h.out_col.is_none() && (is_sub_start || is_top_start) => {
                h.out_col = Some(col)
            }
            Some(ColumnRole::Notes) if h.notes_col.is_none() && (is_sub_start || is_top_start) => {
                h.notes_col = Some(col)
            }
            _ => {}
        }
    }
    if h.no_col.is_none() {
        h.no_col = unlabelled_number_column(table, r, end, act.col);
    }
    // An unnamed last column after the Mutu Baku columns is the Keterangan column.
    if h.notes_col.is_none() && first_mutu < table.n_cols {
        let last = table.n_cols - 1;
        if let Some((None, Some(top), _)) = col_info.get(last)
            && last > first_mutu
            && top.col == last
            && top.row == r
            && !top.text.trim().is_empty()
            && Some(last) != h.req_col
            && Some(last) != h.time_col
            && Some(last) != h.out_col
        {
            h.notes_col = Some(last);
        }
    }
    // Actor columns: between Kegiatan and the first Mutu Baku column.
    let act_end = act.col + act.col_span.max(1);
    let mut group_named: Vec<(usize, String)> = Vec::new();
    for col in act_end..first_mutu {
        let Some((_, top, sub)) = col_info.get(col) else {
            continue;
        };
        let top_role = top.and_then(|c| role_in(&header_text(c), vocab, ctx));
        let name_cell = match sub {
            Some(s) => Some(*s),
            None if top_role != Some(ColumnRole::Actors) || sub_row == r => *top,
            None => None,
        };
        let Some(nc) = name_cell else { continue };
        if nc.col != col {
            continue; // a merged name cell counts once, at its first column
        }
        let text = header_text(nc);
        if text.is_empty() || role_of(&text, vocab).is_some_and(|ro| ro != ColumnRole::Actors) {
            continue;
        }
        if top_role == Some(ColumnRole::Actors) && sub.is_none() {
            // "Pelaksana" with nothing below: a column of actor names as text, unless
            // it stands among actor columns (below).
            group_named.push((col, actor_name(&nc.text, vocab)));
            continue;
        }
        h.actor_cols.push((col, actor_name(&nc.text, vocab)));
    }
    // A column headed by the group word itself beside columns headed by actor names is
    // one more actor column (a position literally called "Pelaksana"); alone, it is the
    // column of actor names written as text.
    if h.actor_cols.is_empty() {
        h.actor_text_col = group_named.first().map(|(col, _)| *col);
    } else {
        h.actor_cols.extend(group_named);
        h.actor_cols.sort_by_key(|(col, _)| *col);
    }
    h.unknown = unknown_headers(table, r, end, act_end..first_mutu, vocab, ctx);
    Some(h)
}

/// Share of a column's body rows with text that must hold a step number ("1", "2.")
/// for the column before Kegiatan to be read as the No column although its header cell
/// is blank (an OCR engine that drops a short bold "No", a header never written).
const NUMBERED_SHARE: f32 = 0.6;

/// The column just before the Kegiatan column (`act_col`) as the No column when its
/// header cell (from row `r`) is blank and most of its body cells below `end` hold
/// step numbers.
fn unlabelled_number_column(table: &Grid, r: usize, end: usize, act_col: usize) -> Option<usize> {
    let col = act_col.checked_sub(1)?;
    let blank_header = (r..end)
        .filter_map(|row| table.cell_at(row, col))
        .all(|c| c.col != col || header_text(c).is_empty());
    if !blank_header {
        return None;
    }
    let (mut filled, mut numbered) = (0usize, 0usize);
    for row in end..table.rows.len() {
        let Some(c) = table
            .cell_at(row, col)
            .filter(|c| c.row == row && c.col == col)
        else {
            continue;
        };
        let t = header_text(c);
        if !t.is_empty() {
            filled += 1;
            numbered += usize::from(step_number(&t).is_some());
        }
    }
    (filled > 0 && numbered as f32 >= NUMBERED_SHARE * filled as f32).then_some(col)
}

/// The texts of the header cells in rows `first..end` that no rule names in any
/// context, leaving out the actor columns (`actor_cols`: their names are actors, which
/// `unknown-actor` reports) and column-number cells.
fn unknown_headers(
    table: &Grid,
    first: usize,
    end: usize,
    actor_cols: std::ops::Range<usize>,
    vocab: &Vocabulary,
    ctx: Context,
) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for r in first..end {
        for c in row_cells(table, r).into_iter().filter(|c| c.row == r) {
            let t = header_text(c);
            let named = |part: &str| {
                [ctx, Context::Alone, Context::Supported]
                    .into_iter()
                    .any(|x| role_in(part, vocab, x).is_some())
            };
            // Several known headers in one cell (columns merged by OCR, "A | B | C")
            // are no unknown word either.
            let known = named(&t)
                || (c.col_span > 1 && is_no_and_activity(&t, vocab))
                || (t.contains(CELL_JOIN) && t.split(CELL_JOIN).all(named));
            if t.is_empty()
                || t.chars().count() > MAX_HEADER_CHARS
                || known
                || is_column_number(&t)
                || actor_cols.contains(&c.col)
                || out.contains(&t)
            {
                continue;
            }
            out.push(t);
        }
    }
    out
}

/// True when a cell text is a column-number cell ("1", "(2)", "3.").
fn is_column_number(t: &str) -> bool {
    let t = t
        .trim()
        .trim_start_matches('(')
        .trim_end_matches([')', '.']);
    !t.is_empty() && t.len() <= 3 && t.chars().all(|c| c.is_ascii_digit())
}

/// Fewest cells of a row, all column numbers, that make it a table's column-number row
/// ("(1) (2) (3) …" under the header; a continued table on the next page may repeat it
/// alone, without the header above it).
const MIN_COLUMN_NUMBER_CELLS: usize = 3;

/// Whether row `r` of `table` is its column-number row: at least
/// [`MIN_COLUMN_NUMBER_CELLS`] cells starting on it, every one empty or a column number,
/// the numbers rising from left to right.
pub fn is_column_number_row(table: &Grid, r: usize) -> bool {
    let mut numbers = Vec::new();
    for c in row_cells(table, r).iter().filter(|c| c.row == r) {
        let t = c.text.trim();
        if t.is_empty() {
            continue;
        }
        if !is_column_number(t) {
            return false;
        }
        numbers.extend(step_number(t));
    }
    numbers.len() >= MIN_COLUMN_NUMBER_CELLS && numbers.windows(2).all(|w| w[0] < w[1])
}

/// Reads a step number written as "1", "1.", "(1)", "1)".
pub fn step_number(t: &str) -> Option<u32> {
    let t = t.trim().trim_start_matches('(');
    let digits: String = t.chars().take_while(|c| c.is_ascii_digit()).collect();
    if digits.is_empty() || digits.len() > 4 {
        return None;
    }
    let rest = t.get(digits.len()..).unwrap_or("").trim();
    if !rest.is_empty() && !matches!(rest, "." | ")" | ".)") {
        return None;
    }
    digits.parse().ok()
}

/// What a table row below a header is.
#[derive(Clone, Debug, PartialEq)]
pub enum RowKind {
    /// A step.
    Step(RawStep),
    /// Text continuing the previous step (a row split over a page break).
    Continuation(String),
    /// A row to skip (column-number row, repeated header, empty row).
    Skip,
}

/// Share of the table's usual box height below which a box holding text is a label
/// box ("Ya" / "Tidak" framed beside a connector: one line of text tall), not a symbol.
const LABEL_HEIGHT_RATIO: f32 = 0.8;

/// True when a shape is a label (Ya / Tidak …) rather than a step symbol, judged by
/// geometry, never by its words: a text box without an outline of its own, or a box
/// holding text that is clearly lower than the table's usual process and terminator
/// boxes. A box carrying the step number, a letter or "Mulai" is the step's symbol.
fn is_label_shape(s: &Shape, usual_height: Option<f32>) -> bool {
    if s.text_box {
        return true;
    }
    if s.kind != ShapeKind::Process || s.text.trim().is_empty() {
        return false;
    }
    match (s.bbox, usual_height) {
        (Some(b), Some(h)) => b.h < h * LABEL_HEIGHT_RATIO,
        _ => false,
    }
}

/// The median height of the process and terminator boxes of table `block` (None when
/// it has none with a size).
fn usual_box_height(section: &Section, block: usize) -> Option<f32> {
    let mut hs: Vec<f32> = section
        .shapes
        .iter()
        .filter(|s| matches!(s.anchor, crate::model::Anchor::Cell { block: b, .. } if b == block))
        .filter(|s| matches!(s.kind, ShapeKind::Process | ShapeKind::Terminator) && !s.text_box)
        .filter_map(|s| s.bbox.map(|b| b.h))
        .collect();
    hs.sort_by(f32::total_cmp);
    hs.get(hs.len() / 2).copied()
}

/// The step symbol a shape kind stands for.
pub fn symbol_of(kind: ShapeKind) -> Option<Symbol> {
    match kind {
        ShapeKind::Terminator => Some(Symbol::Terminator),
        ShapeKind::Process => Some(Symbol::Process),
        ShapeKind::Decision => Some(Symbol::Decision),
        ShapeKind::Connector => Some(Symbol::Connector),
        ShapeKind::OffPage => Some(Symbol::Offpage),
        ShapeKind::Arrow | ShapeKind::Other => None,
    }
}

/// The step shapes (symbols, not arrows or labels) standing in `rows` of table `block`.
pub fn step_shapes(section: &Section, block: usize, rows: std::ops::Range<usize>) -> Vec<&Shape> {
    let usual = usual_box_height(section, block);
    rows.flat_map(|r| section.shapes_in_row(block, r))
        .filter(|s| symbol_of(s.kind).is_some() && !is_label_shape(s, usual))
        .collect()
}

fn cell_text_at(table: &Grid, r: usize, col: Option<usize>, dw: &Dewrap) -> Option<String> {
    let c = table.cell_at(r, col?)?;
    if c.row != r {
        return None; // merged from above: not this row's value
    }
    let fixed = dw.fix(&c.text);
    let t = fixed
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join(" ");
    (!t.is_empty()).then_some(t)
}

/// Reads row `r` of a procedure table under `header`.
pub fn read_row(
    section: &Section,
    block: usize,
    table: &Grid,
    header: &Header,
    r: usize,
    vocab: &Vocabulary,
    dw: &Dewrap,
) -> RowKind {
    let act_cell = table.cell_at(r, header.act_col).filter(|c| c.row == r);
    let activity = cell_text_at(table, r, Some(header.act_col), dw).unwrap_or_default();
    let no_text = cell_text_at(table, r, header.no_col, dw).unwrap_or_default();
    // Repeated header or a column-number row.
    if role_of(&activity, vocab) == Some(ColumnRole::Activity)
        || (is_column_number(&activity) && (no_text.is_empty() || is_column_number(&no_text)))
    {
        return RowKind::Skip;
    }
    let no = step_number(&no_text);
    let span = act_cell.map(|c| c.row_span.max(1)).unwrap_or(1);
    let shapes = step_shapes(section, block, r..r + span);
    // A step is its activity or its symbol: a row with neither is no step, numbered or
    // not (an empty template row; a column-number row whose other numbers the OCR
    // engine lost, "(1)" left in the No column).
    if activity.is_empty() && shapes.is_empty() {
        return RowKind::Skip;
    }
    if no.is_none() && header.no_col.is_some() && shapes.is_empty() && !activity.is_empty() {
        // No number and no symbol: either a wrapped row or a mark-table step without
        // a number; marks decide.
        let marked = header
            .actor_cols
            .iter()
            .any(|(c, _)| cell_text_at(table, r, Some(*c), dw).is_some_and(|t| vocab.is_mark(&t)));
        if !marked {
            return RowKind::Continuation(activity);
        }
    }
    if activity.is_empty() && no.is_none() {
        return RowKind::Skip;
    }

    let mut actors: Vec<String> = Vec::new();
    let mut source = ActorSource::None;
    let mut symbol = None;
    let push = |actors: &mut Vec<String>, a: &str| {
        if !actors.iter().any(|x| x == a) {
            actors.push(a.to_string());
        }
    };
    // 1. symbols in actor columns; connectors (on-page / off-page) only when the row
    // has no other symbol, since a page-break connector sits beside the step's symbol
    // in a neighbouring column.
    let is_connector = |s: &Shape| matches!(s.kind, ShapeKind::Connector | ShapeKind::OffPage);
    let in_actor_col = |s: &Shape| {
        matches!(s.anchor, crate::model::Anchor::Cell { col, .. }
            if header.actor_cols.iter().any(|(c, _)| *c == col))
    };
    let has_step_symbol = shapes.iter().any(|s| !is_connector(s) && in_actor_col(s));
    for s in shapes
        .iter()
        .filter(|s| !(has_step_symbol && is_connector(s)))
    {
        if let crate::model::Anchor::Cell { col, .. } = s.anchor
            && let Some((_, a)) = header.actor_cols.iter().find(|(c, _)| *c == col)
        {
            push(&mut actors, a);
            source = ActorSource::Shape;
            if symbol.is_none() {
                symbol = symbol_of(s.kind);
            }
        }
    }
    // 2. marks
    if actors.is_empty() {
        for (c, a) in &header.actor_cols {
            if cell_text_at(table, r, Some(*c), dw).is_some_and(|t| vocab.is_mark(&t)) {
                push(&mut actors, a);
                source = ActorSource::Mark;
            }
        }
    }
    // 3. text in actor columns, or a Pelaksana text column
    if actors.is_empty() {
        for (c, a) in &header.actor_cols {
            if cell_text_at(table, r, Some(*c), dw).is_some_and(|t| !vocab.is_branch_label(&t)) {
                push(&mut actors, a);
                source = ActorSource::Text;
            }
        }
        if let Some(t) = cell_text_at(table, r, header.actor_text_col, dw) {
            for part in t.split(['\n', ';']) {
                let p = part.trim();
                if !p.is_empty() {
                    push(&mut actors, &actor_name(p, vocab));
                    source = ActorSource::Text;
                }
            }
        }
    }
    RowKind::Step(RawStep {
        no,
        activity,
        actors,
        source,
        symbol,
        requirements: cell_text_at(table, r, header.req_col, dw),
        time: cell_text_at(table, r, header.time_col, dw),
        output: cell_text_at(table, r, header.out_col, dw),
        notes: cell_text_at(table, r, header.notes_col, dw),
        label_branches: Vec::new(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Row, Table};

    fn cell(row: usize, col: usize, rs: usize, cs: usize, t: &str) -> Cell {
        Cell::new(row, col, rs, cs, t)
    }

    fn two_row_header() -> Table {
        Table {
            n_cols: 8,
            rows: vec![
                Row {
                    cells: vec![
                        cell(0, 0, 2, 1, "No"),
                        cell(0, 1, 2, 1, "Kegiatan"),
                        cell(0, 2, 1, 3, "Pelaksana"),
                        cell(0, 5, 1, 2, "Mutu Baku"),
                        cell(0, 7, 2, 1, "Keterangan"),
                    ],
                    ..Default::default()
                },
                Row {
                    cells: vec![
                        cell(1, 2, 1, 1, "Pegawai"),
                        cell(1, 3, 1, 1, "Kasubbag"),
                        cell(1, 4, 1, 1, "Sekretaris"),
                        cell(1, 5, 1, 1, "Waktu"),
                        cell(1, 6, 1, 1, "Output"),
                    ],
                    ..Default::default()
                },
                Row {
                    cells: vec![
                        cell(2, 0, 1, 1, "(1)"),
                        cell(2, 1, 1, 1, "(2)"),
                        cell(2, 2, 1, 1, "(3)"),
                    ],
                    ..Default::default()
                },
                Row {
                    cells: vec![
                        cell(3, 0, 1, 1, "1."),
                        cell(3, 1, 1, 1, "Mengajukan cuti"),
                        cell(3, 3, 1, 1, "√"),
                        cell(3, 5, 1, 1, "15 menit"),
                    ],
                    ..Default::default()
                },
            ],
            ..Default::default()
        }
    }

    #[test]
    fn a_blank_header_over_a_column_of_step_numbers_is_the_no_column() {
        // As an OCR engine leaves a short bold "No" unread: the header cell is blank.
        let v = Vocabulary::default();
        let mut t = two_row_header();
        if let Some(c) = t.rows.first_mut().and_then(|r| r.cells.first_mut()) {
            c.text.clear();
        }
        let g = Grid::new(&t);
        assert_eq!(detect_header(&g, 0, &v).unwrap().no_col, Some(0));
        // A blank-headed column of other text stays unread.
        if let Some(c) = t.rows.get_mut(3).and_then(|r| r.cells.first_mut()) {
            c.text = "Berkas".into();
        }
        let g = Grid::new(&t);
        assert_eq!(detect_header(&g, 0, &v).unwrap().no_col, None);
    }

    #[test]
    fn two_row_header_maps_columns() {
        let v = Vocabulary::default();
        let t = two_row_header();
        let t = Grid::new(&t);
        assert!(detect_header(&t, 1, &v).is_none());
        let h = detect_header(&t, 0, &v).unwrap();
        assert_eq!(h.end_row, 2);
        assert_eq!(h.no_col, Some(0));
        assert_eq!(h.act_col, 1);
        let names: Vec<&str> = h.actor_cols.iter().map(|(_, a)| a.as_str()).collect();
        assert_eq!(names, vec!["Pegawai", "Kepala Sub Bagian", "Sekretaris"]);
        assert_eq!(h.time_col, Some(5));
        assert_eq!(h.out_col, Some(6));
        assert_eq!(h.notes_col, Some(7));
        let sec = Section::default();
        assert_eq!(
            read_row(&sec, 0, &t, &h, 2, &v, &Dewrap::default()),
            RowKind::Skip
        );
        let RowKind::Step(s) = read_row(&sec, 0, &t, &h, 3, &v, &Dewrap::default()) else {
            panic!("not a step")
        };
        assert_eq!(s.no, Some(1));
        assert_eq!(s.activity, "Mengajukan cuti");
        assert_eq!(s.actors, vec!["Kepala Sub Bagian"]);
        assert_eq!(s.source, ActorSource::Mark);
        assert_eq!(s.time.as_deref(), Some("15 menit"));
    }

    fn flat_header(actor_heads: &[&str], mark_col: usize) -> Table {
        let mut head = vec![cell(0, 0, 1, 1, "No"), cell(0, 1, 1, 1, "Kegiatan")];
        let n = actor_heads.len();
        for (i, a) in actor_heads.iter().enumerate() {
            head.push(cell(0, 2 + i, 1, 1, a));
        }
        head.push(cell(0, 2 + n, 1, 1, "Waktu"));
        head.push(cell(0, 3 + n, 1, 1, "Output"));
        Table {
            n_cols: 4 + n,
            rows: vec![
                Row {
                    cells: head,
                    ..Default::default()
                },
                Row {
                    cells: vec![
                        cell(1, 0, 1, 1, "1"),
                        cell(1, 1, 1, 1, "Memeriksa berkas"),
                        cell(1, mark_col, 1, 1, "√"),
                        cell(1, 2 + n, 1, 1, "10 menit"),
                    ],
                    ..Default::default()
                },
            ],
            ..Default::default()
        }
    }

    #[test]
    fn a_column_headed_by_the_group_word_among_actor_columns_is_an_actor() {
        let v = Vocabulary::default();
        // Beside columns headed by actor names, "Pelaksana" names one more actor.
        let t = flat_header(&["Kepala Balai", "Pelaksana", "Sekretaris"], 3);
        let t = Grid::new(&t);
        let h = detect_header(&t, 0, &v).unwrap();
        let names: Vec<&str> = h.actor_cols.iter().map(|(_, a)| a.as_str()).collect();
        assert_eq!(names, ["Kepala Balai", "Pelaksana", "Sekretaris"]);
        assert_eq!(h.actor_text_col, None);
        let sec = Section::default();
        let RowKind::Step(s) = read_row(&sec, 0, &t, &h, 1, &v, &Dewrap::default()) else {
            panic!("not a step")
        };
        assert_eq!(s.actors, ["Pelaksana"]);
        // Alone between Kegiatan and Waktu it is the column of actor names as text.
        let t = flat_header(&["Pelaksana"], 2);
        let h = detect_header(&Grid::new(&t), 0, &v).unwrap();
        assert!(h.actor_cols.is_empty());
        assert_eq!(h.actor_text_col, Some(2));
    }

    #[test]
    fn local_titles_wrapped_mid_word_are_glued() {
        let v = Vocabulary::default();
        // the glued word is a position word, one half is not a word: glued
        assert_eq!(
            actor_name("Pelak\nsana Seksi Pendataan", &v),
            "Pelaksana Seksi Pendataan"
        );
        assert_eq!(
            actor_name("Opera\ntor Aplikasi\nSekre\ntaris Desa", &v),
            "Operator Aplikasi Sekretaris Desa"
        );
        // both halves are words of their own: the break stays a space
        assert_eq!(
            actor_name("Kepala Sub\nBagian Data Desa", &v),
            actor_name("Kepala Sub Bagian Data Desa", &v)
        );
        // the glued form is no position word: a space
        assert_eq!(actor_name("Tim\nHukum", &v), "Tim Hukum");
    }

    #[test]
    fn step_numbers() {
        assert_eq!(step_number("1."), Some(1));
        assert_eq!(step_number("(12)"), Some(12));
        assert_eq!(step_number(" 3 "), Some(3));
        assert_eq!(step_number("1. Menerima"), None);
        assert_eq!(step_number(""), None);
    }
}
