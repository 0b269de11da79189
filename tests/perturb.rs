//! Perturbation (metamorphic) tests: every document of the development corpus and of
//! the fixtures is read once into the document model, then each perturbation class
//! rewrites the model the way other writers spell the same document (a qualifier after
//! a header, a vowel-dropped abbreviation, a combined label, a label wrapped in its
//! cell, a typo, a spacer column, Mutu Baku columns in another order …), and the parsed
//! SOPs must stay exactly the same. Working on the model covers every input format.
//!
//! The corpus (`../shared/corpus`) is skipped with one printed line when absent, and
//! its absence is a failure under `CI`. The per-class invariance shares are printed (and
//! reported in the README).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde_json::Value;
use sopap::{
    Anchor, Block, Budget, Cell, Document, Paragraph, Rules, Table,
    internals::{Vocabulary, split_label_line, whole_label},
};

use crate::support;

const FIXTURES: &str = support::FIXTURE_ARCHIVE;
const CORPUS: &str = support::ARCHIVE;

/// The perturbation classes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Class {
    HeaderQualifier,
    VowelDrop,
    CombinedLabel,
    WrappedLabel,
    LabelValueOneCell,
    TitlePrefixWrap,
    CasePunctuation,
    OneTypo,
    DottedAbbreviation,
    SpacerColumn,
    SpacerRow,
    MutuBakuOrder,
    LabelColumn,
}

const CLASSES: &[Class] = &[
    Class::HeaderQualifier,
    Class::VowelDrop,
    Class::CombinedLabel,
    Class::WrappedLabel,
    Class::LabelValueOneCell,
    Class::TitlePrefixWrap,
    Class::CasePunctuation,
    Class::OneTypo,
    Class::DottedAbbreviation,
    Class::SpacerColumn,
    Class::SpacerRow,
    Class::MutuBakuOrder,
    Class::LabelColumn,
];

/// The spellings the rules give each role, for combined labels ("X / Y").
struct Synonyms {
    headers: Vec<Vec<String>>,
    labels: Vec<Vec<String>>,
    abbreviations: Vec<String>,
}

fn synonyms() -> Synonyms {
    let read = |name: &str, table: &str| -> Vec<Vec<String>> {
        let text = std::fs::read_to_string(
            Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("rules")
                .join(name),
        )
        .unwrap();
        let v: toml::Table = toml::from_str(&text).unwrap();
        v.get(table)
            .and_then(|t| t.as_table())
            .map(|t| {
                t.values()
                    .filter_map(|l| l.as_array())
                    .map(|l| {
                        l.iter()
                            .filter_map(|s| s.as_str().map(str::to_string))
                            .collect()
                    })
                    .collect()
            })
            .unwrap_or_default()
    };
    let text =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("rules/actors.toml"))
            .unwrap();
    let actors: toml::Table = toml::from_str(&text).unwrap();
    let abbreviations = ["abbreviations", "word_abbreviations"]
        .iter()
        .filter_map(|t| actors.get(*t).and_then(|x| x.as_table()))
        .flat_map(|t| t.keys().cloned())
        .filter(|k| !k.ends_with('.'))
        .collect();
    Synonyms {
        headers: read("headers.toml", "roles"),
        labels: read("labels.toml", "fields"),
        abbreviations,
    }
}

/// Another spelling of the role `text` is spelled in (shortest first), for "X / Y".
fn synonym_of(text: &str, lists: &[Vec<String>]) -> Option<String> {
    let key = |s: &str| {
        s.chars()
            .filter(|c| c.is_alphanumeric())
            .flat_map(char::to_lowercase)
            .collect::<String>()
    };
    let k = key(text);
    let list = lists.iter().find(|l| l.iter().any(|s| key(s) == k))?;
    let mut others: Vec<&String> = list
        .iter()
        .filter(|s| key(s) != k && !key(s).contains(&k) && !k.contains(&key(s)))
        .collect();
    others.sort_by_key(|s| s.len());
    others.first().map(|s| s.to_string())
}

/// A word with its vowels dropped after the first letter ("Waktu" → "Wkt").
fn skeleton(word: &str) -> String {
    let mut out = String::new();
    let mut last = None;
    for (i, c) in word.chars().enumerate() {
        let vowel = matches!(c.to_ascii_lowercase(), 'a' | 'e' | 'i' | 'o' | 'u');
        if (i == 0 || !vowel) && Some(c.to_ascii_lowercase()) != last {
            out.push(c);
            last = Some(c.to_ascii_lowercase());
        }
    }
    out
}

/// The longest word of a text (letters only) and its byte range.
fn longest_word(text: &str) -> Option<(usize, usize)> {
    let mut best: Option<(usize, usize)> = None;
    let mut start = None;
    for (i, c) in text
        .char_indices()
        .chain(std::iter::once((text.len(), ' ')))
    {
        if c.is_alphabetic() {
            start.get_or_insert(i);
        } else if let Some(s) = start.take() {
            let better = best.is_none_or(|(bs, be)| i - s > be - bs);
            if better {
                best = Some((s, i));
            }
        }
    }
    best
}

/// Replaces the longest word of `text` by `f(word)` when it has at least `min` letters.
fn on_longest(text: &str, min: usize, f: impl Fn(&str) -> String) -> Option<String> {
    let (s, e) = longest_word(text)?;
    let w = text.get(s..e)?;
    if w.chars().count() < min {
        return None;
    }
    Some(format!("{}{}{}", text.get(..s)?, f(w), text.get(e..)?))
}

/// One substituted letter in the middle of a word.
fn typo(word: &str) -> String {
    let chars: Vec<char> = word.chars().collect();
    let mid = chars.len() / 2;
    chars
        .iter()
        .enumerate()
        .map(|(i, c)| {
            if i == mid {
                if *c == 'x' { 'z' } else { 'x' }
            } else {
                *c
            }
        })
        .collect()
}

/// Where a text stands, for the perturbations that need a supporting context.
#[derive(Clone, Copy, PartialEq)]
enum Place {
    /// A header cell of a procedure-table header row with at least three header cells.
    Header,
    /// An identity label cell that is nothing but the label.
    LabelCell,
}

/// Header cells (rows with three or more cells naming a column role) and label cells
/// of a table, as (row index, cell index, place).
fn places(t: &Table, v: &Vocabulary) -> Vec<(usize, usize, Place)> {
    let mut out = Vec::new();
    for (ri, row) in t.rows.iter().enumerate() {
        let header_cells: Vec<usize> = row
            .cells
            .iter()
            .enumerate()
            .filter(|(_, c)| !c.text.contains('\n') && v.column_role(c.text.trim()).is_some())
            .map(|(i, _)| i)
            .collect();
        if header_cells.len() >= 3 {
            out.extend(header_cells.into_iter().map(|i| (ri, i, Place::Header)));
            continue;
        }
        for (ci, c) in row.cells.iter().enumerate() {
            if whole_label(&c.text, v).is_some() && !c.text.contains('\n') {
                out.push((ri, ci, Place::LabelCell));
            }
        }
    }
    out
}

/// Rewrites the `Label : value` lines of a text whose label the rules know.
fn on_label_lines(text: &str, v: &Vocabulary, f: &dyn Fn(&str) -> Option<String>) -> String {
    text.lines()
        .map(|l| match l.split_once(':') {
            Some((label, rest)) if whole_label(label, v).is_some() => match f(label.trim()) {
                Some(nl) => format!("{nl} :{rest}"),
                None => l.to_string(),
            },
            _ => l.to_string(),
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Applies `f` to every header / label cell and every label line; true when anything
/// changed.
fn on_texts(
    doc: &mut Document,
    v: &Vocabulary,
    f: &dyn Fn(&str, Place) -> Option<String>,
    lines: bool,
) -> bool {
    let mut changed = false;
    for sec in &mut doc.sections {
        for b in &mut sec.blocks {
            match b {
                Block::Table(t) => {
                    let ps = places(t, v);
                    let mut done = vec![false; t.rows.iter().map(|r| r.cells.len()).sum()];
                    for (ri, ci, place) in ps {
                        if let Some(c) = t.rows.get_mut(ri).and_then(|r| r.cells.get_mut(ci))
                            && let Some(n) = f(c.text.trim(), place)
                        {
                            c.text = n;
                            changed = true;
                            if let Some(d) = done.get_mut(ri) {
                                *d = true;
                            }
                        }
                    }
                    if lines {
                        for row in &mut t.rows {
                            for c in &mut row.cells {
                                let n = on_label_lines(&c.text, v, &|l| f(l, Place::LabelCell));
                                if n != c.text {
                                    c.text = n;
                                    changed = true;
                                }
                            }
                        }
                    }
                }
                Block::Paragraph(p) if lines => {
                    let n = on_label_lines(&p.text, v, &|l| f(l, Place::LabelCell));
                    if n != p.text {
                        p.text = n;
                        changed = true;
                    }
                }
                Block::Paragraph(_) => {}
            }
        }
    }
    changed
}

/// Inserts an empty grid column at `at` into table `block` of a section (cells and
/// shapes right of it move over, cells across it widen).
fn spacer_column(doc: &mut Document, at: usize) -> bool {
    let mut changed = false;
    for sec in &mut doc.sections {
        let mut moved: Vec<usize> = Vec::new();
        for (bi, b) in sec.blocks.iter_mut().enumerate() {
            let Block::Table(t) = b else { continue };
            if t.n_cols < 3 {
                continue;
            }
            for row in &mut t.rows {
                for c in &mut row.cells {
                    if c.col >= at {
                        c.col += 1;
                    } else if c.col + c.col_span.max(1) > at {
                        c.col_span += 1;
                    }
                }
            }
            t.n_cols += 1;
            if t.col_widths.len() >= at {
                t.col_widths.insert(at, 4.0);
            }
            moved.push(bi);
            changed = true;
        }
        for s in &mut sec.shapes {
            if let Anchor::Cell { block, col, .. } = &mut s.anchor
                && moved.contains(block)
                && *col >= at
            {
                *col += 1;
            }
        }
    }
    changed
}

/// Inserts an empty row at the top of every table.
fn spacer_row(doc: &mut Document) -> bool {
    let mut changed = false;
    for sec in &mut doc.sections {
        let mut moved: Vec<usize> = Vec::new();
        for (bi, b) in sec.blocks.iter_mut().enumerate() {
            let Block::Table(t) = b else { continue };
            for row in &mut t.rows {
                for c in &mut row.cells {
                    c.row += 1;
                }
            }
            t.rows.insert(0, Default::default());
            moved.push(bi);
            changed = true;
        }
        for s in &mut sec.shapes {
            if let Anchor::Cell { block, row, .. } = &mut s.anchor
                && moved.contains(block)
            {
                *row += 1;
            }
        }
    }
    changed
}

/// Swaps the Waktu and Output columns of procedure tables where both are single grid
/// columns from top to bottom.
fn swap_mutu(doc: &mut Document, v: &Vocabulary) -> bool {
    use sopap::internals::ColumnRole;
    let mut changed = false;
    for sec in &mut doc.sections {
        for b in &mut sec.blocks {
            let Block::Table(t) = b else { continue };
            let mut cols = (None, None);
            for row in &t.rows {
                for c in &row.cells {
                    match v.column_role(c.text.trim()) {
                        Some(ColumnRole::Time) if cols.0.is_none() => cols.0 = Some(c.col),
                        Some(ColumnRole::Output) if cols.1.is_none() => cols.1 = Some(c.col),
                        _ => {}
                    }
                }
            }
            let (Some(a), Some(z)) = cols else { continue };
            let touches = |c: &Cell, x: usize| c.col <= x && x < c.col + c.col_span.max(1);
            // every cell over either column is one column wide, or a group header
            // ("Mutu Baku") over both
            let simple = t.rows.iter().flat_map(|r| &r.cells).all(|c| {
                !(touches(c, a) || touches(c, z))
                    || c.col_span.max(1) == 1
                    || (touches(c, a) && touches(c, z))
            });
            if !simple || a == z {
                continue;
            }
            for row in &mut t.rows {
                for c in &mut row.cells {
                    if c.col == a {
                        c.col = z;
                    } else if c.col == z {
                        c.col = a;
                    }
                }
                row.cells.sort_by_key(|c| c.col);
            }
            if a < t.col_widths.len() && z < t.col_widths.len() {
                t.col_widths.swap(a, z);
            }
            changed = true;
        }
    }
    changed
}

/// Moves the value cell right of each label cell into the label cell ("Label\nvalue").
fn label_value_one_cell(doc: &mut Document, v: &Vocabulary) -> bool {
    let mut changed = false;
    for sec in &mut doc.sections {
        for b in &mut sec.blocks {
            let Block::Table(t) = b else { continue };
            for row in &mut t.rows {
                let n = row.cells.len();
                for i in 0..n.saturating_sub(1) {
                    let (left, right) = row.cells.split_at_mut(i + 1);
                    let (Some(l), Some(r)) = (left.last_mut(), right.first_mut()) else {
                        continue;
                    };
                    if l.row_span > 1
                        || l.text.contains('\n')
                        || whole_label(&l.text, v).is_none()
                        || r.text.trim().is_empty()
                        || r.value.is_some()
                        || whole_label(&r.text, v).is_some()
                        || r.text.lines().any(|x| split_label_line(x, v).is_some())
                    {
                        continue;
                    }
                    l.text = format!("{}\n{}", l.text.trim(), r.text);
                    r.text = String::new();
                    changed = true;
                }
            }
        }
    }
    changed
}

/// Label cells of the identity grid's label column (the first cell of a row with a
/// value cell beside it) written without a colon and loosely: the longest word of every
/// other one vowel-dropped ("Nomor SOP" → "Nmr SOP"), of the rest one letter mistyped.
fn label_column(doc: &mut Document, v: &Vocabulary) -> bool {
    let mut changed = false;
    let mut k = 0usize;
    for sec in &mut doc.sections {
        for b in &mut sec.blocks {
            let Block::Table(t) = b else { continue };
            for row in &mut t.rows {
                let filled = |c: &sopap::Cell| !c.text.trim().is_empty() && c.text.trim() != ":";
                let Some(i) = row.cells.iter().position(filled) else {
                    continue;
                };
                let beside = row.cells.get(i + 1..).is_some_and(|r| r.iter().any(filled));
                let Some(c) = row.cells.get_mut(i) else {
                    continue;
                };
                let t = c.text.trim();
                if !beside || t.contains('\n') || t.ends_with(':') || whole_label(t, v).is_none() {
                    continue;
                }
                k += 1;
                let new = if k % 2 == 1 {
                    on_longest(t, 5, skeleton)
                } else {
                    on_longest(t, 5, typo)
                };
                if let Some(n) = new {
                    c.text = n;
                    changed = true;
                }
            }
        }
    }
    changed
}

/// The title value: "SOP " before it and the value wrapped in the middle.
fn title_prefix_wrap(doc: &mut Document, v: &Vocabulary) -> bool {
    use sopap::internals::IdentityField;
    let wrap = |s: &str| {
        let words: Vec<&str> = s.split_whitespace().collect();
        let mid = words.len() / 2;
        if words.len() < 3 {
            return format!("SOP {}", words.join(" "));
        }
        format!(
            "SOP {}\n{}",
            words.get(..mid).unwrap_or(&[]).join(" "),
            words.get(mid..).unwrap_or(&[]).join(" ")
        )
    };
    let mut changed = false;
    for sec in &mut doc.sections {
        for b in &mut sec.blocks {
            match b {
                Block::Table(t) => {
                    for row in &mut t.rows {
                        let n = row.cells.len();
                        for i in 0..n.saturating_sub(1) {
                            let (left, right) = row.cells.split_at_mut(i + 1);
                            let (Some(l), Some(r)) = (left.last_mut(), right.first_mut()) else {
                                continue;
                            };
                            if whole_label(&l.text, v) == Some(IdentityField::Title)
                                && !r.text.trim().is_empty()
                                && !r.text.contains('\n')
                            {
                                r.text = wrap(r.text.trim());
                                changed = true;
                            }
                        }
                        for c in &mut row.cells {
                            let text = prefix_title_line(&c.text, v);
                            if text != c.text {
                                c.text = text;
                                changed = true;
                            }
                        }
                    }
                }
                Block::Paragraph(Paragraph { text, .. }) => {
                    let n = prefix_title_line(text, v);
                    if n != *text {
                        *text = n;
                        changed = true;
                    }
                }
            }
        }
    }
    changed
}

/// "Nama SOP : X" → "Nama SOP : SOP X".
fn prefix_title_line(text: &str, v: &Vocabulary) -> String {
    use sopap::internals::IdentityField;
    text.lines()
        .map(|l| match split_label_line(l, v) {
            Some((IdentityField::Title, rest)) if !rest.is_empty() && l.contains(':') => {
                let (label, _) = l.split_once(':').unwrap_or((l, ""));
                format!("{label}: Standar Operasional Prosedur {rest}")
            }
            _ => l.to_string(),
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Actor header names that start with an abbreviation ("Kasubbag Umum") joined to the
/// next word by a dot ("Kasubbag.Umum").
fn dotted(doc: &mut Document, syn: &Synonyms) -> bool {
    let mut changed = false;
    for sec in &mut doc.sections {
        for b in &mut sec.blocks {
            let Block::Table(t) = b else { continue };
            for row in &mut t.rows {
                for c in &mut row.cells {
                    let words: Vec<&str> = c.text.split_whitespace().collect();
                    if words.len() < 2 || words.len() > 6 {
                        continue;
                    }
                    let Some(first) = words.first() else { continue };
                    if !syn
                        .abbreviations
                        .iter()
                        .any(|a| a.eq_ignore_ascii_case(first))
                    {
                        continue;
                    }
                    let rest = words.get(1..).unwrap_or(&[]).join(" ");
                    c.text = format!("{first}.{rest}");
                    changed = true;
                }
            }
        }
    }
    changed
}

/// Applies `class` to `doc`; false when the document has nothing it applies to.
fn perturb(doc: &mut Document, class: Class, v: &Vocabulary, syn: &Synonyms) -> bool {
    match class {
        Class::HeaderQualifier => on_texts(
            doc,
            v,
            &|t, p| match p {
                Place::Header => Some(format!("{t} (diisi)")),
                Place::LabelCell => None,
            },
            false,
        ),
        Class::VowelDrop => {
            on_texts(
                doc,
                v,
                &|t, p| {
                    use sopap::internals::ColumnRole;
                    match p {
                        Place::Header => match v.column_role(t) {
                            Some(
                                ColumnRole::Time
                                | ColumnRole::Output
                                | ColumnRole::Notes
                                | ColumnRole::Requirements,
                            ) => on_longest(t, 5, skeleton),
                            _ => None,
                        },
                        Place::LabelCell if t.ends_with(':') => on_longest(t, 5, skeleton),
                        Place::LabelCell => None,
                    }
                },
                false,
            ) | on_label_lines_everywhere(doc, v, &|l| on_longest(l, 5, skeleton))
        }
        Class::CombinedLabel => on_texts(
            doc,
            v,
            &|t, p| {
                let lists = match p {
                    Place::Header => &syn.headers,
                    Place::LabelCell => &syn.labels,
                };
                synonym_of(t.trim_end_matches(':').trim(), lists)
                    .map(|s| format!("{} / {s}", t.trim_end_matches(':').trim()))
            },
            true,
        ),
        Class::WrappedLabel => on_texts(
            doc,
            v,
            &|t, _| t.contains(' ').then(|| t.replacen(' ', "\n", 1)),
            false,
        ),
        Class::LabelValueOneCell => label_value_one_cell(doc, v),
        Class::TitlePrefixWrap => title_prefix_wrap(doc, v),
        Class::CasePunctuation => on_texts(
            doc,
            v,
            &|t, _| {
                let spaced = t.split_whitespace().collect::<Vec<_>>().join("  ");
                Some(if t.chars().any(char::is_lowercase) {
                    spaced.to_uppercase()
                } else {
                    spaced.to_lowercase()
                })
            },
            true,
        ),
        Class::OneTypo => {
            on_texts(
                doc,
                v,
                &|t, p| {
                    let letters = t.chars().filter(|c| c.is_alphabetic()).count();
                    match p {
                        Place::Header => on_longest(t, 4, typo),
                        Place::LabelCell if letters >= 8 || t.ends_with(':') => {
                            on_longest(t, 4, typo)
                        }
                        Place::LabelCell => None,
                    }
                },
                false,
            ) | on_label_lines_everywhere(doc, v, &|l| on_longest(l, 4, typo))
        }
        Class::DottedAbbreviation => dotted(doc, syn),
        Class::SpacerColumn => spacer_column(doc, 1),
        Class::SpacerRow => spacer_row(doc),
        Class::MutuBakuOrder => swap_mutu(doc, v),
        Class::LabelColumn => label_column(doc, v),
    }
}

/// Rewrites the label of every `Label : value` line in paragraphs and cells.
fn on_label_lines_everywhere(
    doc: &mut Document,
    v: &Vocabulary,
    f: &dyn Fn(&str) -> Option<String>,
) -> bool {
    let mut changed = false;
    for sec in &mut doc.sections {
        for b in &mut sec.blocks {
            let texts: Vec<&mut String> = match b {
                Block::Table(t) => t
                    .rows
                    .iter_mut()
                    .flat_map(|r| r.cells.iter_mut().map(|c| &mut c.text))
                    .collect(),
                Block::Paragraph(p) => vec![&mut p.text],
            };
            for text in texts {
                let n = on_label_lines(text, v, f);
                if n != *text {
                    *text = n;
                    changed = true;
                }
            }
        }
    }
    changed
}

/// The parsed SOPs of a document without what depends on the run (findings).
fn parsed(doc: &Document, rules: &Rules) -> Vec<Value> {
    sopap::parse(doc, rules)
        .into_iter()
        .map(|s| {
            let mut v = serde_json::to_value(&s).unwrap_or(Value::Null);
            if let Some(o) = v.as_object_mut() {
                o.remove("findings");
            }
            v
        })
        .collect()
}

/// The first difference between two parses, for the failure message.
fn first_difference(a: &[Value], b: &[Value]) -> String {
    if a.len() != b.len() {
        return format!("{} SOPs became {}", a.len(), b.len());
    }
    for (x, y) in a.iter().zip(b) {
        if let (Some(xo), Some(yo)) = (x.as_object(), y.as_object()) {
            for (k, xv) in xo {
                if yo.get(k) != Some(xv) {
                    let s = |v: Option<&Value>| {
                        let t = v.map(|v| v.to_string()).unwrap_or_default();
                        t.chars().take(300).collect::<String>()
                    };
                    if let (Some(xi), Some(yi)) =
                        (xv.as_object(), yo.get(k).and_then(|y| y.as_object()))
                    {
                        for (kk, xx) in xi {
                            if yi.get(kk) != Some(xx) {
                                return format!("{k}.{kk}: {} => {}", s(Some(xx)), s(yi.get(kk)));
                            }
                        }
                    }
                    if let (Some(xa), Some(ya)) =
                        (xv.as_array(), yo.get(k).and_then(|y| y.as_array()))
                    {
                        for (xx, yy) in xa.iter().zip(ya) {
                            if xx != yy {
                                return format!("{k}[]: {} => {}", s(Some(xx)), s(Some(yy)));
                            }
                        }
                    }
                    return format!("{k}: {} => {}", s(Some(xv)), s(yo.get(k)));
                }
            }
        }
    }
    "same".into()
}

#[test]
fn parsed_sops_are_invariant_under_every_perturbation_class() {
    let mut roots = vec![PathBuf::from(FIXTURES)];
    // Without ../shared the fixtures alone are perturbed (one line says so; a failure
    // under CI=true).
    if support::shared_or_skip(CORPUS) {
        roots.push(PathBuf::from(CORPUS));
    }
    let rules = Rules::defaults().unwrap();
    let v = &rules.vocab;
    let syn = synonyms();
    let mut docs: Vec<(String, Document, Vec<Value>)> = Vec::new();
    for root in &roots {
        let list = support::all_files_under(root);
        for p in list {
            let Ok(bytes) = std::fs::read(&p) else {
                continue;
            };
            let Ok(doc) = sopap::read(&bytes, &Budget::default()) else {
                continue;
            };
            let base = parsed(&doc, &rules);
            if !base.is_empty() {
                docs.push((p.display().to_string(), doc, base));
            }
        }
    }
    assert!(docs.len() >= 5, "too few documents read: {}", docs.len());
    let mut table: BTreeMap<Class, (usize, usize)> = BTreeMap::new();
    let mut failures: Vec<String> = Vec::new();
    for &class in CLASSES {
        let entry = table.entry(class).or_default();
        for (name, doc, base) in &docs {
            let mut d = doc.clone();
            if !perturb(&mut d, class, v, &syn) {
                continue;
            }
            entry.0 += 1;
            let got = parsed(&d, &rules);
            if got == *base {
                entry.1 += 1;
            } else {
                failures.push(format!(
                    "{class:?} {name}: {}",
                    first_difference(base, &got)
                ));
            }
        }
    }
    eprintln!("{} documents with SOPs", docs.len());
    eprintln!(
        "{:<20} {:>8} {:>10} {:>7}",
        "class", "applied", "invariant", "share"
    );
    for (class, (applied, same)) in &table {
        let share = if *applied == 0 {
            1.0
        } else {
            *same as f64 / *applied as f64
        };
        eprintln!(
            "{:<20} {:>8} {:>10} {:>7.3}",
            format!("{class:?}"),
            applied,
            same,
            share
        );
    }
    let mut shown: BTreeMap<String, usize> = BTreeMap::new();
    for f in &failures {
        let class = f.split(' ').next().unwrap_or("").to_string();
        let n = shown.entry(class).or_default();
        *n += 1;
        if *n <= 6 {
            eprintln!("{f}");
        }
    }
    assert!(
        failures.is_empty(),
        "{} perturbed documents parse differently (first: {})",
        failures.len(),
        failures.first().cloned().unwrap_or_default()
    );
}
