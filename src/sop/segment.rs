//! Segmentation: walking a document in reading order and cutting it into SOPs.
//!
//! A new SOP starts at an organisation header, an identity block or an SOP title that
//! comes after the current SOP's steps; a procedure table that continues the step
//! numbering of the one before it, with the same actors, continues that SOP; a
//! spreadsheet sheet ends the SOP it holds. Identity values, procedure tables and
//! numbered paragraphs are read by [`identity`](super::identity),
//! [`procedure`](super::procedure) and the narrative reader.

use std::sync::LazyLock;

use regex::Regex;

use super::grid::Grid;
use super::identity::{self, FieldValue, OrgHeader};
use super::procedure::{self, ActorSource, Header, RawStep, RowKind};
use super::record::{Identity, Symbol};
use super::text::Dewrap;
use super::vocab::{Context, IdentityField, Vocabulary};
use crate::model::{Block, Cell, CellValue, Document, Paragraph, Section, Table};

/// One SOP as found in the document, before it becomes a record.
#[derive(Clone, Debug, Default)]
pub struct Draft {
    /// Identity fields read so far.
    pub identity: Identity,
    /// A title seen as a heading (used when the identity has no Nama SOP).
    pub title_hint: Option<String>,
    /// A unit from the organisation header (used when the identity names none).
    pub unit_hint: Option<String>,
    /// The agency from the organisation header.
    pub agency: Option<String>,
    /// Canonical actors in column order.
    pub actors: Vec<String>,
    /// Steps read so far.
    pub steps: Vec<RawStep>,
    /// True when the steps came from numbered paragraphs or a Kegiatan | Pelaksana table.
    pub narrative: bool,
    /// True when any identity field was set.
    has_identity: bool,
    /// How many identity values were read.
    identity_fields: usize,
    /// Label-shaped lines of the identity block that no rule knows, as written.
    pub unread_labels: Vec<String>,
    /// Procedure-table header cells that no rule knows, as written.
    pub unknown_headers: Vec<String>,
    /// Every identity value read, as written: the same label and value printed again
    /// (a page header repeated on every page) is no new SOP, whatever the field.
    values_seen: Vec<(IdentityField, FieldValue)>,
}

/// Fewest identity values read before numbered paragraphs count as the SOP's steps
/// without a procedure heading: an identity block, not a lone "Nomor : …" of a letter
/// whose numbered list cites laws.
const MIN_IDENTITY_BLOCK: usize = 3;

/// Fewest identity values (besides a number or title) that make a draft without steps
/// an SOP of its own: an identity block whose procedure is a picture or missing. A lone
/// label line ("Nomor: …" in a letter) is not an identity block.
const MIN_IDENTITY_ONLY_FIELDS: usize = 4;

impl Draft {
    fn has_steps(&self) -> bool {
        !self.steps.is_empty()
    }

    /// True when the draft holds a readable SOP identity block (a number or a title
    /// read from its label, and enough other identity values) though no steps.
    pub fn is_identity_only(&self) -> bool {
        let id = &self.identity;
        !self.has_steps()
            && self.has_identity
            && (id.number.is_some() || id.title.is_some())
            && self.identity_fields >= MIN_IDENTITY_ONLY_FIELDS
    }

    /// True when `steps` (with `actors`) open with this draft's last step again: the
    /// same number and the same actors (a step carried over a page break and repeated).
    fn repeated_by(&self, actors: &[String], steps: &[RawStep]) -> bool {
        let (Some(last), Some(first)) = (self.steps.last(), steps.first()) else {
            return false;
        };
        let same_actors = actors.is_empty() || self.actors.is_empty() || actors == self.actors;
        last.no.is_some() && first.no == last.no && same_actors
    }

    /// True when `steps` continue this draft's numbering under as many actor columns,
    /// whatever the columns are called.
    fn renumbered_by(&self, actors: &[String], steps: &[RawStep]) -> bool {
        actors.len() == self.actors.len() && self.continued_by(&[], steps)
    }

    /// True when `steps` (with `actors`) continue this draft's numbering.
    fn continued_by(&self, actors: &[String], steps: &[RawStep]) -> bool {
        let (Some(last), Some(first)) = (self.steps.last(), steps.first()) else {
            return false;
        };
        let last_no = last.no.unwrap_or(self.steps.len() as u32);
        let numbering = first.no == Some(last_no.saturating_add(1));
        let same_actors = actors.is_empty() || self.actors.is_empty() || actors == self.actors;
        numbering && same_actors
    }
}

static NUMBERED: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^\s*\(?(\d{1,3})[.)]\s*(\S.*)$").expect("static regex"));

static SECTION_HEADING: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^\s*(?:[A-Z]|[IVXL]{1,5})[.)]\s+(\S.*)$").expect("static regex"));

/// The heading text of a lettered narrative section ("B. DASAR HUKUM / REFERENSI",
/// "IV. PERINGATAN"): a letter or Roman numeral, then a short upper-case heading.
fn section_heading(t: &str) -> Option<&str> {
    let rest = SECTION_HEADING.captures(t)?.get(1)?.as_str().trim();
    let words = rest.split_whitespace().count();
    let letters: Vec<char> = rest.chars().filter(|c| c.is_alphabetic()).collect();
    let upper = letters.iter().filter(|c| c.is_uppercase()).count();
    let heading = (1..=14).contains(&words)
        && letters.len() >= 4
        && upper * 10 >= letters.len() * 8
        && !rest.ends_with(':');
    heading.then_some(rest)
}

/// The identity field a narrative section heading names: the whole heading, or one of
/// its parts split at `/` or `,` ("KOMPETENSI / KUALIFIKASI PELAKSANA").
fn section_field(heading: &str, vocab: &Vocabulary) -> Option<IdentityField> {
    identity::whole_label(heading, vocab).or_else(|| {
        heading
            .split(['/', ','])
            .find_map(|part| identity::whole_label(part.trim(), vocab))
    })
}

/// True when a short line reads as a heading / SOP title (mostly upper case, a few
/// words, no label colon, not a marker).
fn looks_like_title(t: &str, vocab: &Vocabulary) -> bool {
    let t = t.trim();
    let words = t.split_whitespace().count();
    if !(2..=14).contains(&words) || t.ends_with(':') || t.contains(" : ") {
        return false;
    }
    if vocab.is_sop_heading(t) || vocab.is_procedure_heading(t) || vocab.is_gov_line(t) {
        return false;
    }
    let letters: Vec<char> = t.chars().filter(|c| c.is_alphabetic()).collect();
    if letters.len() < 6 {
        return false;
    }
    let upper = letters.iter().filter(|c| c.is_uppercase()).count();
    upper * 10 >= letters.len() * 8
}

/// Share of upper-case letters (tenths) from which a line reads as set in capitals.
const CAPITALS_TENTHS: usize = 8;

/// True when at least [`CAPITALS_TENTHS`] of the line's letters are capitals (a
/// heading's way of standing out).
fn mostly_upper(t: &str) -> bool {
    let letters: Vec<char> = t.chars().filter(|c| c.is_alphabetic()).collect();
    let upper = letters.iter().filter(|c| c.is_uppercase()).count();
    !letters.is_empty() && upper * 10 >= letters.len() * CAPITALS_TENTHS
}

/// The SOP builder: receives what the walk finds, in reading order.
struct Builder<'v> {
    vocab: &'v Vocabulary,
    dewrap: Dewrap,
    cur: Draft,
    done: Vec<Draft>,
    /// A paragraph identity field still taking continuation lines.
    open: Option<(IdentityField, FieldValue)>,
    /// Paragraph lines of an organisation header being collected.
    org: Option<Vec<String>>,
    /// Numbered paragraphs waiting to become narrative steps.
    narrative: Vec<Paragraph>,
    /// True after a "PROSEDUR" heading: numbered paragraphs are steps.
    in_procedure: bool,
    /// True while the lines of a table cell are read (never narrative steps).
    in_cell: bool,
    /// The column layout of the last procedure table, for a continuation table on a
    /// later page that does not repeat the header.
    last_layout: Option<TableLayout>,
    /// The identity list a lettered narrative section is filling ("B. DASAR HUKUM"),
    /// with its lines so far: it takes lines again after a page header interrupts it.
    section: Option<(IdentityField, FieldValue)>,
    /// True inside a lettered narrative section that is neither an identity field nor
    /// the procedure: its numbered lists (aims, definitions) are never steps.
    in_prose_section: bool,
    /// True right after a cover's title line: a title-like line next continues it.
    title_more: bool,
    /// True while a table drawn on the previous procedure table's grid is read.
    same_grid: bool,
    /// True right after the "STANDAR OPERASIONAL PROSEDUR" heading line: a title-like
    /// line next is the SOP's name.
    title_next: bool,
}

/// A procedure table's header with the grid it was read from (column count and widths).
#[derive(Clone, Debug)]
struct TableLayout {
    header: Header,
    n_cols: usize,
    widths: Vec<f32>,
}

/// Largest difference in points between two column widths that still counts as the same
/// column (page-break continuations are drawn with the same grid, give or take rounding).
const WIDTH_TOLERANCE: f32 = 2.0;

impl TableLayout {
    /// The header re-indexed for `table` when `table` is drawn on the same column grid:
    /// the same total width, and every column boundary of `table` is one of this
    /// layout's (a continuation may merge neighbouring columns that the header row had
    /// split, e.g. under a Mutu Baku sub-header). None when the grids differ or two actor
    /// columns would fall into one.
    fn header_for(&self, table: &Table) -> Option<Header> {
        let old = starts(&self.widths)?;
        let new = starts(&table.col_widths)?;
        if new.len() != table.n_cols || old.len() != self.n_cols {
            return None;
        }
        let close = |a: f32, b: f32| (a - b).abs() <= WIDTH_TOLERANCE;
        let (old_total, new_total) = (total(&self.widths), total(&table.col_widths));
        if !close(old_total, new_total) || !new.iter().all(|n| old.iter().any(|o| close(*o, *n))) {
            return None;
        }
        // old column -> the new column it lies in (the last one starting at or before it)
        let map = |c: usize| -> Option<usize> {
            let x = *old.get(c)?;
            new.iter().rposition(|n| *n <= x + WIDTH_TOLERANCE)
        };
        let opt = |c: Option<usize>| -> Option<Option<usize>> {
            match c {
                Some(c) => map(c).map(Some),
                None => Some(None),
            }
        };
        let h = &self.header;
        let mut actor_cols: Vec<(usize, String)> = Vec::with_capacity(h.actor_cols.len());
        for (c, a) in &h.actor_cols {
            let nc = map(*c)?;
            if actor_cols.iter().any(|(x, b)| *x == nc && b != a) {
                return None;
            }
            actor_cols.push((nc, a.clone()));
        }
        Some(Header {
            first_row: 0,
            end_row: 0,
            no_col: opt(h.no_col)?,
            act_col: map(h.act_col)?,
            actor_cols,
            req_col: opt(h.req_col)?,
            time_col: opt(h.time_col)?,
            out_col: opt(h.out_col)?,
            notes_col: opt(h.notes_col)?,
            actor_text_col: opt(h.actor_text_col)?,
            unknown: Vec::new(),
        })
    }
}

/// A header repeated on a later page with some actor names missing (printed faintly,
/// over a shape, or cut): the columns the previous header named on the same grid keep
/// their names. Only when every actor column `h` names is one of the previous header's.
fn fill_actor_gaps(h: &mut Header, prev: &Header) {
    if h.actor_cols.is_empty()
        || !h
            .actor_cols
            .iter()
            .all(|(c, _)| prev.actor_cols.iter().any(|(p, _)| p == c))
    {
        return;
    }
    let taken = [
        h.no_col,
        h.req_col,
        h.time_col,
        h.out_col,
        h.notes_col,
        h.actor_text_col,
    ];
    for (c, a) in &prev.actor_cols {
        let free = *c != h.act_col
            && !taken.contains(&Some(*c))
            && !h.actor_cols.iter().any(|(x, _)| x == c);
        if free {
            h.actor_cols.push((*c, a.clone()));
        }
    }
    h.actor_cols.sort_by_key(|(c, _)| *c);
}

/// The x offset of each column from the table's left edge, or None without widths.
fn starts(widths: &[f32]) -> Option<Vec<f32>> {
    if widths.is_empty() {
        return None;
    }
    let mut x = 0.0f32;
    Some(
        widths
            .iter()
            .map(|w| {
                let s = x;
                x += w;
                s
            })
            .collect(),
    )
}

/// The table's total width in points.
fn total(widths: &[f32]) -> f32 {
    widths.iter().sum()
}

impl<'v> Builder<'v> {
    fn new(vocab: &'v Vocabulary, dewrap: Dewrap) -> Self {
        Builder {
            vocab,
            dewrap,
            cur: Draft::default(),
            done: Vec::new(),
            open: None,
            org: None,
            narrative: Vec::new(),
            in_procedure: false,
            in_cell: false,
            last_layout: None,
            section: None,
            in_prose_section: false,
            title_next: false,
            title_more: false,
            same_grid: false,
        }
    }

    fn finish(&mut self) {
        let d = std::mem::take(&mut self.cur);
        if d.has_steps() || d.is_identity_only() {
            self.done.push(d);
        }
        self.in_procedure = false;
        self.section = None;
        self.in_prose_section = false;
    }

    fn org_header(&mut self, h: OrgHeader) {
        if self.cur.has_steps() {
            self.finish();
        }
        if self.cur.agency.is_none() {
            self.cur.agency = h.agency;
        }
        if h.unit.is_some() {
            self.cur.unit_hint = h.unit;
        }
    }

    fn identity(&mut self, field: IdentityField, value: FieldValue) {
        if !value.is_empty()
            && self
                .cur
                .values_seen
                .iter()
                .any(|(f, v)| *f == field && *v == value)
        {
            return;
        }
        self.cur.values_seen.push((field, value.clone()));
        if identity::is_scalar(field) && identity::is_set(&self.cur.identity, field) {
            // The same value again (a page header repeated on every page) is no new SOP.
            let mut again = self.cur.identity.clone();
            identity::apply(&mut again, field, &value, self.vocab);
            if again == self.cur.identity {
                return;
            }
        }
        let list_after_steps = !identity::is_scalar(field)
            && field != IdentityField::ApprovedBy
            && !identity::is_set(&self.cur.identity, field);
        if (self.cur.has_steps() && !list_after_steps)
            || (identity::is_set(&self.cur.identity, field) && !value.is_empty())
        {
            self.finish();
        }
        identity::apply(&mut self.cur.identity, field, &value, self.vocab);
        self.cur.has_identity = true;
        self.cur.identity_fields += 1;
    }

    fn title(&mut self, t: &str) {
        if self.cur.has_steps() {
            self.finish();
        }
        if self.cur.title_hint.is_none() {
            self.cur.title_hint = Some(self.vocab.strip_title_prefix(t));
        }
    }

    fn steps(&mut self, actors: Vec<String>, mut steps: Vec<RawStep>, narrative: bool) {
        if steps.is_empty() {
            return;
        }
        if self.cur.repeated_by(&actors, &steps) && !steps.is_empty() {
            // The last step printed again at the top of the next page ("continued …"):
            // one step, whose missing parts the repeat may fill.
            let again = steps.remove(0);
            if let Some(last) = self.cur.steps.last_mut() {
                merge_repeat(last, again);
            }
            if steps.is_empty() {
                return;
            }
        }
        if self.cur.has_steps() {
            if self.cur.continued_by(&actors, &steps) {
                self.cur.steps.extend(steps);
                return;
            }
            if self.same_grid && self.cur.renumbered_by(&actors, &steps) {
                // The same table on the next page with an actor header printed
                // differently (a stray glyph, a renamed column): the first page's names.
                let names = self.cur.actors.clone();
                self.cur
                    .steps
                    .extend(steps.into_iter().map(|s| rename_actors(s, &actors, &names)));
                return;
            }
            self.finish();
            // A procedure that starts with no identity block of its own (the flowchart
            // printed again, a later part of it): the page header its pages repeat is
            // the SOP's before it, no new SOP.
            if let Some(prev) = self.done.last() {
                self.cur.values_seen = prev.values_seen.clone();
            }
        } else if !self.cur.has_identity
            && let Some(last) = self.done.last_mut()
            && last.continued_by(&actors, &steps)
        {
            last.steps.extend(steps);
            self.cur.title_hint = None;
            return;
        }
        self.cur.actors = actors;
        self.cur.steps = steps;
        self.cur.narrative = narrative;
        self.section = None;
    }

    /// True when `text` is the wrapped rest of the last item of the open identity list:
    /// that item reads as an unfinished sentence (enumerated, long enough, no closing
    /// punctuation), and `text` is neither an item of its own, nor a label line, nor set
    /// in capitals as a heading is.
    fn continues_open_item(&self, text: &str) -> bool {
        let Some((field, value)) = self.open.as_ref() else {
            return false;
        };
        if identity::is_scalar(*field) || self.in_procedure {
            return false;
        }
        let Some(prev) = value.lines.last() else {
            return false;
        };
        identity::unfinished_item(prev)
            && !identity::is_enumerated(text)
            && !mostly_upper(text)
            && identity::split_label_line(text, self.vocab).is_none()
            && identity::whole_label(text, self.vocab).is_none()
    }

    fn close_open(&mut self) {
        if let Some((f, v)) = self.open.take() {
            if self.section.as_ref().is_some_and(|(sf, _)| *sf == f) {
                // A narrative section's list, whole so far (it may have been cut by a
                // page header): replaces what the section gave before.
                identity::apply(&mut self.cur.identity, f, &v, self.vocab);
                self.cur.has_identity = true;
                self.cur.identity_fields += 1;
                self.section = Some((f, v));
            } else {
                self.identity(f, v);
            }
        }
    }

    /// A lettered narrative section heading: an identity list field opens, any other
    /// section (aims, definitions, scope) ends the field and holds no steps.
    fn section_start(&mut self, heading: &str) {
        self.close_open();
        self.flush_narrative();
        self.in_procedure = self.vocab.is_procedure_heading(heading);
        match section_field(heading, self.vocab) {
            Some(f) if !identity::is_scalar(f) && f != IdentityField::ApprovedBy => {
                if self.cur.has_steps() {
                    self.finish();
                }
                self.in_prose_section = false;
                self.section = Some((f, FieldValue::default()));
                self.open = Some((f, FieldValue::default()));
            }
            _ => {
                self.section = None;
                self.in_prose_section = !self.in_procedure;
            }
        }
    }

    fn end_org(&mut self) {
        if let Some(lines) = self.org.take() {
            let refs: Vec<&str> = lines.iter().map(String::as_str).collect();
            if let Some(h) = identity::org_header(&refs, self.vocab) {
                self.org_header(h);
            }
        }
    }

    fn flush_narrative(&mut self) {
        if self.narrative.is_empty() {
            return;
        }
        let paras = std::mem::take(&mut self.narrative);
        if paras.len() < 2 {
            return; // one numbered line is a note, not a procedure
        }
        let steps = narrative_steps(&paras, self.vocab);
        let mut actors: Vec<String> = Vec::new();
        for s in &steps {
            for a in &s.actors {
                if !actors.contains(a) {
                    actors.push(a.clone());
                }
            }
        }
        self.steps(actors, steps, true);
    }

    /// Everything pending closed before a table or a section end.
    fn settle(&mut self) {
        self.end_org();
        self.close_open();
        self.flush_narrative();
    }

    fn paragraph(&mut self, p: &Paragraph) {
        let text = p.text.trim();
        if text.is_empty() {
            return;
        }
        if self.vocab.is_gov_line(text) {
            self.close_open();
            self.flush_narrative();
            self.end_org();
            self.org = Some(vec![text.to_string()]);
            return;
        }
        if let Some(lines) = self.org.as_mut() {
            let org_like = self.vocab.is_unit_line(text)
                || self.vocab.is_org_line(text)
                || !looks_like_sentence(text);
            if identity::continues_org(text, self.vocab) && org_like && lines.len() < 6 {
                lines.push(text.to_string());
                return;
            }
            self.end_org();
        }
        let title_next = std::mem::take(&mut self.title_next);
        let title_more = std::mem::take(&mut self.title_more);
        if self.continues_open_item(text) {
            // The wrapped rest of a list item ("... tentang Pedoman Penyusunan" /
            // "Standar Operasional Prosedur Administrasi Pemerintahan"), whatever
            // heading or title its words happen to spell.
            if let Some((_, v)) = self.open.as_mut() {
                v.lines.push(text.to_string());
            }
            return;
        }
        if self.vocab.is_sop_heading(text) {
            self.close_open();
            self.title_next = !self.in_cell;
            return;
        }
        if self.vocab.is_procedure_heading(text) {
            self.close_open();
            self.flush_narrative();
            self.in_procedure = true;
            self.in_prose_section = false;
            self.section = None;
            return;
        }
        if !self.in_cell
            && let Some(heading) = section_heading(text)
        {
            self.section_start(heading);
            return;
        }
        if let Some((f, rest)) = identity::split_label_line(text, self.vocab) {
            self.flush_narrative();
            self.close_open();
            self.in_procedure = false;
            if !self.in_cell {
                // a label line of a page header cell does not end the narrative section
                self.in_prose_section = false;
                self.section = None;
            }
            let v = FieldValue::from_text(&rest);
            if identity::is_scalar(f) && !rest.trim().is_empty() {
                self.identity(f, v);
            } else {
                self.open = Some((f, v));
            }
            return;
        }
        if !self.in_procedure
            && !self.in_prose_section
            && self.section.is_none()
            && !self.cur.has_steps()
            && (self.open.is_some() || self.cur.has_identity)
            && let Some(label) = unknown_label(text, self.vocab)
        {
            // A label no rule knows starts a field of its own: it is reported, and
            // its value is not appended to the field before it.
            self.close_open();
            if !self.cur.unread_labels.iter().any(|l| l == label) {
                self.cur.unread_labels.push(label.to_string());
            }
            return;
        }
        let numbered = p.list.is_some() || NUMBERED.is_match(text);
        if self.open.is_none()
            && !self.in_cell
            && !self.in_procedure
            && let Some((f, v)) = self.section.clone()
        {
            // the section's list goes on after a page header
            self.open = Some((f, v));
        }
        if let Some((f, v)) = self.open.as_mut()
            && !self.in_procedure
        {
            let scalar = identity::is_scalar(*f);
            v.lines.push(text.to_string());
            if scalar {
                self.close_open();
            }
            return;
        }
        // Numbered paragraphs are a procedure only under a PROSEDUR heading or in an
        // SOP whose identity has been read; elsewhere they are an ordinary list.
        let heading = NUMBERED
            .captures(text)
            .and_then(|c| c.get(2))
            .is_some_and(|m| looks_like_title(m.as_str(), self.vocab));
        if numbered
            && !heading
            && !self.in_cell
            && (self.in_procedure
                || (!self.in_prose_section && self.cur.identity_fields >= MIN_IDENTITY_BLOCK))
        {
            self.narrative.push(p.clone());
            return;
        }
        self.flush_narrative();
        if looks_like_title(text, self.vocab) {
            let cover = !self.cur.has_steps() && !self.in_cell;
            if title_more && cover {
                // the cover's name wrapped onto another line
                if let Some(t) = self.cur.title_hint.as_mut() {
                    t.push(' ');
                    t.push_str(&text.split_whitespace().collect::<Vec<_>>().join(" "));
                }
                self.title_more = true;
                return;
            }
            if title_next && cover {
                // The line under the "STANDAR OPERASIONAL PROSEDUR" heading of a cover
                // names the SOP, whatever heading came before it.
                self.cur.title_hint = None;
                self.title(text);
                self.title_more = true;
                return;
            }
            self.title(text);
        }
    }

    /// The header of the previous procedure table when `table` continues it without
    /// repeating the header (a page break): same column grid, no header in its first
    /// row, and its first step number follows the current SOP's last step. The
    /// column-number row may stand first (repeated without the header), and a row split
    /// by the page break may come next: one row with an empty No cell before it.
    fn continuation_header(&self, table: &Table, grid: &Grid) -> Option<Header> {
        let layout = self.last_layout.as_ref()?;
        if procedure::detect_header(grid, 0, self.vocab).is_some() {
            return None;
        }
        let header = layout.header_for(table)?;
        let last = self.cur.steps.last()?;
        let last_no = last.no?;
        let no_col = header.no_col?;
        let no_text = |r: usize| {
            grid.cell_at(r, no_col)
                .filter(|c| c.row == r)
                .map_or("", |c| c.text.trim())
        };
        let top = usize::from(procedure::is_column_number_row(grid, 0));
        let first_no = match procedure::step_number(no_text(top)) {
            Some(n) => n,
            None if no_text(top).is_empty() => procedure::step_number(no_text(top + 1))?,
            None => return None,
        };
        (first_no == last_no.checked_add(1)?).then_some(header)
    }

    fn table(&mut self, section: &Section, block: usize, table: &Table) {
        self.settle();
        self.title_more = false;
        let grid = Grid::new(table);
        let continued = self.continuation_header(table, &grid);
        let joined = continued.is_some();
        // Drawn on the previous procedure table's grid (a later page of it, header
        // repeated or not): its top rows may still belong to that table's last step.
        let same_grid = self
            .last_layout
            .as_ref()
            .is_some_and(|l| l.header_for(table).is_some());
        self.same_grid = same_grid;
        let raw = table;
        let table = &grid;
        let mut consumed = vec![false; table.rows.len()];
        let mut current: Option<(Header, Vec<RawStep>)> = continued.map(|h| (h, Vec::new()));
        let mut r = 0;
        while r < table.rows.len() {
            if consumed.get(r).copied().unwrap_or(false) {
                r += 1;
                continue;
            }
            if let Some(mut h) = procedure::detect_header(table, r, self.vocab) {
                if let Some(prev) = self.last_layout.as_ref().and_then(|l| l.header_for(raw)) {
                    fill_actor_gaps(&mut h, &prev);
                }
                if let Some((ph, st)) = current.take() {
                    self.emit_table(&ph, st);
                }
                if h.actor_cols.is_empty()
                    && h.actor_text_col.is_some()
                    && h.first_row == 0
                    && let Some((actors, steps)) =
                        super::narrative_bridge::parse_table(table, self.vocab)
                {
                    // A two-column Kegiatan | Pelaksana table: the narrative reader's.
                    self.steps(actors, steps, true);
                    return;
                }
                let next = h.end_row.max(r + 1);
                self.last_layout = Some(TableLayout {
                    header: h.clone(),
                    n_cols: raw.n_cols,
                    widths: raw.col_widths.clone(),
                });
                current = Some((h, Vec::new()));
                r = next;
                continue;
            }
            let label_row = if let Some((h, _)) = current.as_ref() {
                // a numbered row of a procedure table is a step, whatever its words: a
                // number in the No column, or leading the Kegiatan text
                let numbered = h
                    .no_col
                    .and_then(|c| table.cell_at(r, c))
                    .is_some_and(|c| c.row == r && procedure::step_number(&c.text).is_some())
                    || table
                        .cell_at(r, h.act_col)
                        .is_some_and(|c| c.row == r && NUMBERED.is_match(&c.text));
                !numbered && row_has_label(table, r, self.vocab)
            } else {
                row_has_label(table, r, self.vocab) || has_label_line(table, r, self.vocab)
            };
            if label_row {
                if let Some((ph, st)) = current.take() {
                    self.emit_table(&ph, st);
                }
                self.identity_row(table, r, &mut consumed);
                r += 1;
                continue;
            }
            if let Some((h, steps)) = current.as_mut() {
                match procedure::read_row(section, block, table, h, r, self.vocab, &self.dewrap) {
                    RowKind::Step(mut s) => {
                        // No number column, or the number column merged into the
                        // Kegiatan cell of this row: the number leads the text.
                        let merged_no = h.no_col.is_some_and(|nc| {
                            let at = |c: usize| table.cell_at(r, c).map(|x| (x.row, x.col));
                            at(nc).is_some() && at(nc) == at(h.act_col)
                        });
                        if (h.no_col.is_none() || merged_no) && s.no.is_none() {
                            split_leading_number(&mut s);
                            if s.no.is_none()
                                && let Some(c) = table.cell_at(r, h.act_col)
                            {
                                renumber_after_heading(&mut s, &c.text);
                            }
                        }
                        // A row without a number at the top of a later page of a numbered
                        // table (a No column, or numbers leading the Kegiatan text): the
                        // rest of the last step, cut by the page break (its symbol too,
                        // unless that is only the page's connector). The last step's own
                        // number (checked below) says the table is numbered.
                        let carries_on = s.no.is_none() && steps.is_empty() && same_grid;
                        let header_actors = h.actors();
                        match self.cur.steps.last_mut() {
                            Some(last) if carries_on && last.no.is_some() => {
                                let s = if header_actors.len() == self.cur.actors.len() {
                                    rename_actors(s, &header_actors, &self.cur.actors)
                                } else {
                                    s
                                };
                                carry_over(last, s, &self.dewrap);
                            }
                            _ => steps.push(s),
                        }
                    }
                    RowKind::Continuation(t) => {
                        // A numbered Kegiatan text with no symbol in its row: the next
                        // step, whose symbol the page break moved to the next page.
                        let last_no = steps
                            .last()
                            .or_else(|| {
                                (joined || same_grid)
                                    .then(|| self.cur.steps.last())
                                    .flatten()
                            })
                            .and_then(|s| s.no);
                        if let Some(step) = next_numbered(&t, last_no) {
                            steps.push(with_mutu_baku(step, table, h, r, &self.dewrap));
                            r += 1;
                            continue;
                        }
                        // The top of a continuation table may end the previous page's
                        // last step (a row split by the page break).
                        let last = match steps.last_mut() {
                            Some(last) => Some(last),
                            None if joined || same_grid => self.cur.steps.last_mut(),
                            None => None,
                        };
                        if let Some(last) = last {
                            last.activity.push(' ');
                            last.activity.push_str(&t);
                        }
                    }
                    RowKind::Skip => {}
                }
            } else {
                self.other_row(table, r);
            }
            r += 1;
        }
        if let Some((ph, st)) = current.take() {
            self.emit_table(&ph, st);
        }
        self.same_grid = false;
    }

    fn emit_table(&mut self, h: &Header, steps: Vec<RawStep>) {
        let narrative = h.actor_cols.is_empty() && h.actor_text_col.is_some();
        let actors = if narrative {
            let mut a: Vec<String> = Vec::new();
            for s in &steps {
                for x in &s.actors {
                    if !a.contains(x) {
                        a.push(x.clone());
                    }
                }
            }
            a
        } else {
            h.actors()
        };
        if steps.is_empty() {
            return;
        }
        self.steps(actors, steps, narrative);
        // The draft the steps went to: the current one, else (a continuation) the last.
        let target = if self.cur.has_steps() {
            Some(&mut self.cur)
        } else {
            self.done.last_mut()
        };
        if let Some(d) = target {
            for t in &h.unknown {
                if !d.unknown_headers.contains(t) {
                    d.unknown_headers.push(t.clone());
                }
            }
        }
    }

    /// A row outside a procedure table that holds no identity label: an organisation
    /// block, a title, or nothing of use.
    fn other_row(&mut self, table: &Grid, r: usize) {
        let Some(row) = table.rows.get(r) else { return };
        let texts: Vec<&Cell> = row
            .cells
            .iter()
            .filter(|c| !c.text.trim().is_empty())
            .collect();
        let mut used = false;
        for c in &texts {
            if c.text.lines().any(|l| self.vocab.is_gov_line(l)) {
                let fixed = self.dewrap.fix(&c.text).into_owned();
                self.text_lines(&fixed);
                used = true;
            }
        }
        if used {
            return;
        }
        if let [only] = texts.as_slice() {
            let t = only.text.trim();
            if self.vocab.is_procedure_heading(t) {
                self.in_procedure = true;
            } else if looks_like_title(t, self.vocab) && !t.contains('\n') {
                self.title(t);
            }
        }
    }

    /// The lines of one cell read like paragraphs: an organisation header, the SOP
    /// heading, a title, `Label : value` lines with their continuation lines.
    fn text_lines(&mut self, text: &str) {
        self.settle();
        self.in_cell = true;
        for line in text.lines() {
            let p = Paragraph {
                text: line.to_string(),
                ..Default::default()
            };
            self.paragraph(&p);
        }
        self.in_cell = false;
        self.end_org();
        self.close_open();
    }

    /// Reads the identity labels and values of row `r`: label | value pairs, a label
    /// whose value is in the cell below, and `Label : value` lines inside one cell.
    fn identity_row(&mut self, table: &Grid, r: usize, consumed: &mut [bool]) {
        let Some(row) = table.rows.get(r) else { return };
        if self.list_label_row(table, r, consumed) {
            return;
        }
        // A cell holding only the colon between a label and its value is no value.
        let cells: Vec<&Cell> = row.cells.iter().filter(|c| c.text.trim() != ":").collect();
        let mut skip_next = false;
        for (i, c) in cells.iter().enumerate() {
            if std::mem::take(&mut skip_next) {
                continue;
            }
            let right = cells.get(i + 1).copied();
            if let Some(pairs) = stacked_labels(c, right, self.vocab, in_label_column(&cells, i)) {
                // Several labels one per line beside as many value lines.
                skip_next = true;
                for (f, value) in pairs {
                    self.identity(f, FieldValue::from_text(&value));
                }
                continue;
            }
            if let Some(f) = cell_label(c, self.vocab, in_label_column(&cells, i)) {
                // The cell to the right is another label (two label | label halves)
                // only when it says so with a colon or both name list fields;
                // otherwise it is this label's value.
                let right_is_label = right.is_some_and(|x| {
                    is_label_cell(x, self.vocab)
                        && (x.text.trim().ends_with(':')
                            || (is_list_field(f)
                                && identity::whole_label(&x.text, self.vocab)
                                    .is_some_and(is_list_field)))
                });
                let value = match right {
                    Some(x) if !right_is_label && c.row_span > 1 => {
                        // A label merged over several rows: one value cell per row.
                        skip_next = true;
                        let mut v = cell_value(x, &self.dewrap);
                        for rr in c.row + 1..c.row + c.row_span {
                            if let Some(more) = table.cell_at(rr, x.col).filter(|m| m.row == rr) {
                                v.lines.extend(
                                    self.dewrap.fix(&more.text).lines().map(str::to_string),
                                );
                            }
                            if !row_has_label(table, rr, self.vocab)
                                && let Some(slot) = consumed.get_mut(rr)
                            {
                                *slot = true;
                            }
                        }
                        Some(v)
                    }
                    Some(x) if !right_is_label && !x.text.trim().is_empty() => {
                        skip_next = true;
                        Some(cell_value(x, &self.dewrap))
                    }
                    Some(x) if !right_is_label && x.value.is_some() => {
                        skip_next = true;
                        Some(cell_value(x, &self.dewrap))
                    }
                    _ => None,
                };
                let value = match value {
                    Some(v) => v,
                    None if right.is_none() || right_is_label => {
                        let below_row = c.row + c.row_span.max(1);
                        match table.cell_at(below_row, c.col) {
                            Some(b)
                                if b.row == below_row
                                    && !is_label_cell(b, self.vocab)
                                    && !b.text.trim().is_empty() =>
                            {
                                if let Some(slot) = consumed.get_mut(below_row) {
                                    // the row below holds values only if no label sits in it
                                    if !row_has_label(table, below_row, self.vocab) {
                                        *slot = true;
                                    }
                                }
                                cell_value(b, &self.dewrap)
                            }
                            _ => FieldValue::default(),
                        }
                    }
                    None => {
                        skip_next = right.is_some();
                        FieldValue::default()
                    }
                };
                self.identity(f, value);
                continue;
            }
            if let Some((f, value)) = label_then_value(&c.text, self.vocab) {
                // The label on the first line, its value on the lines below, one cell.
                self.identity(f, FieldValue::from_text(&self.dewrap.fix(value)));
                continue;
            }
            if let Some(part) = approver_part(&c.text, self.vocab) {
                // "Nama" / "NIP" in their own rows under "Disahkan oleh"
                if let Some(x) = cells.get(i + 1).copied() {
                    skip_next = true;
                    self.approver_part(part, x.text.trim());
                }
                continue;
            }
            let fixed = self.dewrap.fix(&c.text).into_owned();
            let joined = fixed.split_whitespace().collect::<Vec<_>>().join(" ");
            if fixed.trim().contains('\n')
                && looks_like_title(&joined, self.vocab)
                && !fixed.lines().any(|l| {
                    self.vocab.is_gov_line(l) || identity::split_label_line(l, self.vocab).is_some()
                })
            {
                // A title wrapped over lines in a header block cell.
                self.title(&joined);
                continue;
            }
            self.text_lines(&fixed);
        }
    }

    /// Reads row `r` when it is a row of list labels side by side ("Peringatan" |
    /// "Pencatatan dan Pendataan") over their values: the cell under each label is that
    /// label's value by its place, whatever its text looks like (an OCR-read value can
    /// read "PENCATATAN DAN PENDATAAN :"). The row of values is consumed. False (nothing
    /// read) for any other row.
    fn list_label_row(&mut self, table: &Grid, r: usize, consumed: &mut [bool]) -> bool {
        let Some(labels) = list_labels(table, r, self.vocab) else {
            return false;
        };
        let Some(below) = labels
            .first()
            .map(|&(_, b, _)| b)
            .filter(|&b| b < table.rows.len())
        else {
            return false;
        };
        if labels.iter().any(|&(_, b, _)| b != below)
            || list_labels(table, below, self.vocab).is_some()
        {
            // Labels of different heights, or a second label row under this one.
            return false;
        }
        for (col, _, f) in labels {
            let value = table
                .cell_at(below, col)
                .filter(|b| b.row == below)
                .map(|b| cell_value(b, &self.dewrap))
                .unwrap_or_default();
            self.identity(f, value);
        }
        if let Some(slot) = consumed.get_mut(below) {
            *slot = true;
        }
        true
    }

    /// A name or NIP given in its own row under "Disahkan oleh".
    fn approver_part(&mut self, part: ApproverPart, value: &str) {
        if value.is_empty() {
            return;
        }
        let ap = self
            .cur
            .identity
            .approved_by
            .get_or_insert_with(Default::default);
        match part {
            ApproverPart::Name => ap.name = Some(value.to_string()),
            ApproverPart::Nip => ap.nip = Some(value.to_string()),
        }
        self.cur.has_identity = true;
    }

    fn section_end(&mut self) {
        self.settle();
        if self.cur.has_steps() || self.cur.is_identity_only() {
            self.finish();
        }
        self.in_procedure = false;
    }

    fn into_drafts(mut self) -> Vec<Draft> {
        self.section_end();
        self.done
    }
}

/// A part of the approver block that has a row of its own.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum ApproverPart {
    Name,
    Nip,
}

fn approver_part(text: &str, vocab: &Vocabulary) -> Option<ApproverPart> {
    if vocab.is_approver_name_label(text) {
        Some(ApproverPart::Name)
    } else if vocab.is_approver_nip_label(text) {
        Some(ApproverPart::Nip)
    } else {
        None
    }
}

/// Fewest list labels side by side that make a row of list labels (the two-column
/// list grid of the standard's identity page).
const MIN_LIST_LABELS: usize = 2;

/// The list labels of row `r` as (column, first row below the label, field), when
/// every cell of the row is a list label alone and there are at least
/// [`MIN_LIST_LABELS`] of them; None otherwise.
fn list_labels(
    table: &Table,
    r: usize,
    vocab: &Vocabulary,
) -> Option<Vec<(usize, usize, IdentityField)>> {
    let row = table.rows.get(r)?;
    let mut labels = Vec::new();
    for c in &row.cells {
        // An empty cell or a lone colon beside a label is a value slot: a label | value
        // row, not a row of labels.
        let f = identity::whole_label(c.text.trim(), vocab).filter(|&f| is_list_field(f))?;
        labels.push((c.col, c.row + c.row_span.max(1), f));
    }
    (labels.len() >= MIN_LIST_LABELS).then_some(labels)
}

fn is_list_field(f: IdentityField) -> bool {
    !identity::is_scalar(f) && f != IdentityField::ApprovedBy
}

/// A table cell as a field value (its lines, and its date when typed).
fn cell_value(c: &Cell, dw: &Dewrap) -> FieldValue {
    let mut v = FieldValue::from_text(&dw.fix(&c.text));
    if let Some(CellValue::Date(d)) = &c.value {
        v.date = Some(d.clone());
    }
    v
}

/// The identity field a cell's whole text names; a cell ending in a colon, or standing
/// in the label column (`in_label_column`), is a label cell by its shape or place, so
/// its words are read loosely (abbreviations, one typo).
fn cell_label(c: &Cell, vocab: &Vocabulary, in_label_column: bool) -> Option<IdentityField> {
    let ctx = if in_label_column || c.text.trim().ends_with(':') {
        Context::Supported
    } else {
        Context::Alone
    };
    identity::whole_label_in(&c.text, vocab, ctx)
}

/// A label cell holding several identity labels one per line ("Nomor SOP" / "Tanggal
/// Pembuatan": labels typed into one cell, or rows whose ruling a scan lost) beside a
/// value cell with as many lines: each label's field with the value line at its height.
/// None when any line is not a label of one value by itself or the line counts differ
/// (a value that wraps or a blank value leaves the lines unpaired: the cell is read as
/// before).
fn stacked_labels(
    c: &Cell,
    right: Option<&Cell>,
    vocab: &Vocabulary,
    in_label_column: bool,
) -> Option<Vec<(IdentityField, String)>> {
    let lines = |t: &str| -> Vec<String> {
        t.lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .map(str::to_string)
            .collect()
    };
    let labels = lines(&c.text);
    if labels.len() < 2 {
        return None;
    }
    let ctx = if in_label_column {
        Context::Supported
    } else {
        Context::Alone
    };
    let fields = labels
        .iter()
        .map(|l| identity::whole_label_in(l, vocab, ctx).filter(|&f| identity::is_scalar(f)))
        .collect::<Option<Vec<_>>>()?;
    let values = lines(&right?.text);
    (values.len() == fields.len()).then(|| fields.into_iter().zip(values).collect())
}

/// True when `cells[i]` stands where a label stands in an identity grid: the first
/// non-empty cell of its row, with a value cell (non-empty, not a lone colon) beside it.
/// Taller cells before it (an organisation header or a logo merged down the grid's
/// rows) stand beside the grid, not in it.
fn in_label_column(cells: &[&Cell], i: usize) -> bool {
    let filled = |c: &&Cell| !c.text.trim().is_empty() && c.text.trim() != ":";
    let Some(cell) = cells.get(i) else {
        return false;
    };
    let first = cells
        .iter()
        .position(|c| filled(c) && c.row_span <= cell.row_span);
    first == Some(i)
        && cells
            .get(i + 1..)
            .is_some_and(|rest| rest.iter().any(filled))
}

/// True when a cell's text is an identity label (alone, or opening `Label : value`).
fn is_label_cell(c: &Cell, vocab: &Vocabulary) -> bool {
    let first = c.text.lines().find(|l| !l.trim().is_empty()).unwrap_or("");
    let t = c.text.trim();
    // A short single line ending in a colon reads as a label even when the vocabulary
    // does not know it: it is never a value.
    let label_like = t.ends_with(':') && !t.contains('\n') && t.split_whitespace().count() <= 5;
    // A label on the first line with its value on the lines below, in one cell.
    let label_then_value = t.contains('\n') && identity::whole_label(first, vocab).is_some();
    label_like
        || label_then_value
        || identity::whole_label(&c.text, vocab).is_some()
        || (first.contains(':') && identity::split_label_line(first, vocab).is_some())
}

/// A cell holding a label alone on its first line and its value on the lines below
/// ("Peralatan" / "Komputer" / "Printer"): the field and the value's text. None when any
/// later line is itself a label line or a government line (a whole identity block
/// written in one cell is read line by line instead).
fn label_then_value<'t>(text: &'t str, vocab: &Vocabulary) -> Option<(IdentityField, &'t str)> {
    let t = text.trim();
    let (first, rest) = t.split_once('\n')?;
    if first.contains(':') || rest.trim().is_empty() {
        return None;
    }
    let f = identity::whole_label(first, vocab)?;
    let plain = rest.lines().all(|l| {
        identity::split_label_line(l, vocab).is_none()
            && !vocab.is_gov_line(l)
            && approver_part(l, vocab).is_none()
    });
    plain.then_some((f, rest))
}

/// True when a row has an identity label cell.
fn row_has_label(table: &Table, r: usize, vocab: &Vocabulary) -> bool {
    table.rows.get(r).is_some_and(|row| {
        let cells: Vec<&Cell> = row.cells.iter().collect();
        cells.iter().enumerate().any(|(i, c)| {
            is_label_cell(c, vocab)
                || approver_part(&c.text, vocab).is_some()
                || (in_label_column(&cells, i) && cell_label(c, vocab, true).is_some())
        })
    })
}

/// True when a cell holds `Label : value` lines anywhere in it (a whole identity block
/// written in one cell).
fn has_label_line(table: &Table, r: usize, vocab: &Vocabulary) -> bool {
    table.rows.get(r).is_some_and(|row| {
        row.cells.iter().any(|c| {
            c.text
                .lines()
                .filter(|l| l.contains(':'))
                .any(|l| identity::split_label_line(l, vocab).is_some())
        })
    })
}

/// Most words of a label-shaped text before a colon ("Kode Klasifikasi :").
const MAX_UNKNOWN_LABEL_WORDS: usize = 4;
/// Longest label-shaped text before a colon, in characters.
const MAX_UNKNOWN_LABEL_CHARS: usize = 40;

/// The label of a `Label : value` line shaped like an identity label (a capitalised
/// word or few, no digits, before a colon) that the rules do not know; None for known
/// labels, approver sub-labels ("Nama :") and branch cues ("Tidak : …").
fn unknown_label<'t>(line: &'t str, vocab: &Vocabulary) -> Option<&'t str> {
    let (label, _) = line.split_once(':')?;
    let label = label.trim();
    let words = label.split_whitespace().count();
    let shaped = (1..=MAX_UNKNOWN_LABEL_WORDS).contains(&words)
        && label.chars().count() <= MAX_UNKNOWN_LABEL_CHARS
        && label.chars().next().is_some_and(char::is_uppercase)
        && label.chars().all(|c| {
            c.is_alphabetic() || c.is_whitespace() || matches!(c, '.' | '/' | '-' | '(' | ')')
        });
    let known = identity::whole_label_in(label, vocab, Context::Supported).is_some()
        || vocab.is_approver_sublabel(label)
        || vocab.is_branch_label(label)
        || vocab.column_role(label).is_some();
    (shaped && !known).then_some(label)
}

/// True when a line reads as a sentence (mostly lower case), not a header line.
fn looks_like_sentence(t: &str) -> bool {
    let letters: Vec<char> = t.chars().filter(|c| c.is_alphabetic()).collect();
    let lower = letters.iter().filter(|c| c.is_lowercase()).count();
    letters.len() >= 6 && lower * 2 > letters.len()
}

/// Most words of a short line heading a Kegiatan cell before the step's number (a
/// "continued ..." note on the page after a break).
const MAX_CELL_HEADING_WORDS: usize = 3;

/// A Kegiatan cell whose first line is a short note and whose second line starts with
/// the step number ("Lanjutan ..." / "3. Menerima …"): the number and the text after it.
fn renumber_after_heading(s: &mut RawStep, cell_text: &str) {
    let mut lines = cell_text.lines().map(str::trim).filter(|l| !l.is_empty());
    let (Some(first), Some(second)) = (lines.next(), lines.next()) else {
        return;
    };
    if first.split_whitespace().count() > MAX_CELL_HEADING_WORDS || NUMBERED.is_match(first) {
        return;
    }
    let Some(c) = NUMBERED.captures(second) else {
        return;
    };
    let Some(no) = c.get(1).and_then(|m| m.as_str().parse().ok()) else {
        return;
    };
    let rest: Vec<&str> = std::iter::once(c.get(2).map_or("", |m| m.as_str()))
        .chain(lines)
        .collect();
    s.no = Some(no);
    s.activity = rest.join(" ");
}

/// A row's text that opens with the step number after `last_no`: that step, with no
/// actor and no symbol yet.
fn next_numbered(text: &str, last_no: Option<u32>) -> Option<RawStep> {
    let c = NUMBERED.captures(text)?;
    let no: u32 = c.get(1)?.as_str().parse().ok()?;
    if Some(no) != last_no.and_then(|n| n.checked_add(1)) {
        return None;
    }
    Some(RawStep {
        no: Some(no),
        activity: c.get(2)?.as_str().to_string(),
        actors: Vec::new(),
        source: ActorSource::None,
        symbol: None,
        requirements: None,
        time: None,
        output: None,
        notes: None,
        label_branches: Vec::new(),
    })
}

/// `s` with the Mutu Baku and Keterangan cells of row `r` under `h`.
fn with_mutu_baku(mut s: RawStep, table: &Grid, h: &Header, r: usize, dw: &Dewrap) -> RawStep {
    let text = |col: Option<usize>| -> Option<String> {
        let c = table.cell_at(r, col?).filter(|c| c.row == r)?;
        let t = dw
            .fix(&c.text)
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ");
        (!t.is_empty()).then_some(t)
    };
    s.requirements = text(h.req_col);
    s.time = text(h.time_col);
    s.output = text(h.out_col);
    s.notes = text(h.notes_col);
    s
}

/// `s` with each actor named in `from` renamed to the name at the same position of `to`.
fn rename_actors(mut s: RawStep, from: &[String], to: &[String]) -> RawStep {
    for a in &mut s.actors {
        if let Some(name) = from.iter().position(|f| f == a).and_then(|i| to.get(i)) {
            *a = name.clone();
        }
    }
    s
}

/// The part of a step printed on the next page (`rest`) joined to the step: its text
/// appended; its symbol and actors added unless the symbol is only a connector.
fn carry_over(last: &mut RawStep, rest: RawStep, dw: &Dewrap) {
    if !rest.activity.trim().is_empty() {
        // the page break is a line break: a word it hyphenated is one word again
        let both = format!("{}\n{}", last.activity.trim_end(), rest.activity.trim());
        last.activity = dw.fix(&both).replace('\n', " ");
    }
    if matches!(
        rest.symbol,
        None | Some(Symbol::Connector) | Some(Symbol::Offpage)
    ) {
        return;
    }
    if last.symbol.is_none() {
        last.symbol = rest.symbol;
    }
    for a in rest.actors {
        if !last.actors.contains(&a) {
            last.actors.push(a);
        }
    }
}

/// Folds a repeated step into the one it repeats: actors joined, empty Mutu Baku parts
/// filled; of the repeat's text, what follows the words it repeats (the step's opening
/// sentence) is appended: the items the first page had no room for.
fn merge_repeat(last: &mut RawStep, again: RawStep) {
    let old: Vec<&str> = last.activity.split_whitespace().collect();
    let new: Vec<&str> = again.activity.split_whitespace().collect();
    let common = old.iter().zip(&new).take_while(|(a, b)| a == b).count();
    if common > 0 && common < new.len() {
        let rest = new.get(common..).unwrap_or_default().join(" ");
        if !last.activity.contains(&rest) {
            last.activity.push(' ');
            last.activity.push_str(&rest);
        }
    }
    for a in again.actors {
        if !last.actors.contains(&a) {
            last.actors.push(a);
        }
    }
    for (slot, v) in [
        (&mut last.requirements, again.requirements),
        (&mut last.time, again.time),
        (&mut last.output, again.output),
        (&mut last.notes, again.notes),
    ] {
        if slot.is_none() {
            *slot = v;
        }
    }
    if last.symbol.is_none() {
        last.symbol = again.symbol;
    }
}

/// "1. Menetapkan …" in a Kegiatan cell with no No column: the number moves to `no`.
fn split_leading_number(s: &mut RawStep) {
    if let Some(c) = NUMBERED.captures(&s.activity) {
        let no = c.get(1).and_then(|m| m.as_str().parse().ok());
        let rest = c.get(2).map(|m| m.as_str().to_string());
        if let (Some(no), Some(rest)) = (no, rest) {
            s.no = Some(no);
            s.activity = rest;
        }
    }
}

/// Numbered paragraphs as steps: number and text; actors found by the narrative reader.
fn narrative_steps(paras: &[Paragraph], vocab: &Vocabulary) -> Vec<RawStep> {
    let refs: Vec<&Paragraph> = paras.iter().collect();
    super::narrative_bridge::parse_paragraphs(&refs, vocab)
}

/// Cuts `doc` into SOP drafts in reading order.
pub fn segment(doc: &Document, vocab: &Vocabulary) -> Vec<Draft> {
    let mut b = Builder::new(vocab, Dewrap::for_document(doc, vocab));
    for section in &doc.sections {
        for (i, block) in section.blocks.iter().enumerate() {
            match block {
                Block::Paragraph(p) => b.paragraph(p),
                Block::Table(t) => b.table(section, i, t),
            }
        }
        b.section_end();
    }
    fold_reprints(b.into_drafts())
}

/// Fewest leading words of two first steps that must agree for one procedure to be a
/// reprint of the other.
const REPRINT_WORDS: usize = 6;

/// The first words of a step's text, lower case, without punctuation.
fn lead_words(s: &RawStep) -> Vec<String> {
    s.activity
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .take(REPRINT_WORDS)
        .map(str::to_lowercase)
        .collect()
}

/// A procedure printed twice in one file (a corrected copy appended after the first):
/// a draft with no identity of its own whose steps open with the same first step as
/// the draft before it is that draft's procedure again. The longer printing is kept,
/// under the first draft's identity.
fn fold_reprints(drafts: Vec<Draft>) -> Vec<Draft> {
    let mut out: Vec<Draft> = Vec::with_capacity(drafts.len());
    for d in drafts {
        let reprint = !d.has_identity
            && out.last().is_some_and(|prev| {
                let (Some(a), Some(b)) = (prev.steps.first(), d.steps.first()) else {
                    return false;
                };
                let lead = lead_words(a);
                lead.len() >= REPRINT_WORDS && lead == lead_words(b)
            });
        match out.last_mut() {
            Some(prev) if reprint => {
                if d.steps.len() > prev.steps.len() {
                    prev.steps = d.steps;
                    prev.actors = d.actors;
                }
            }
            _ => out.push(d),
        }
    }
    out
}

/// True when any step of `draft` found its actors from the given source.
pub fn any_source(draft: &Draft, src: ActorSource) -> bool {
    draft.steps.iter().any(|s| s.source == src)
}
