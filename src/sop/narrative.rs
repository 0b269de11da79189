//! Narrative SOPs: the older PermenPAN 21/2008 style, where the procedure is a plain
//! numbered list ("1. Kasubbag Umum menerima berkas …") or a two-column Kegiatan |
//! Pelaksana table, without flowchart symbols or Mutu Baku.
//!
//! Each numbered item is a step; its activity is the item's whole text without its
//! number; its actor is the sentence's subject ("Kasubbag Umum menerima …") or its agent
//! ("… ditandatangani oleh Sekretaris"), canonicalised. The first and last steps are
//! terminators, a step that asks a question is a decision, the others processes;
//! branches come from the text ("Jika tidak, kembali ke langkah 2"), else "Ya" goes to
//! the next step.

use super::normalise::{collapse_ws, split_number};
use super::record::{Step, Symbol};
use super::vocab::{ColumnRole, Vocabulary};
use crate::model::{Paragraph, Table};

/// One numbered item before symbols and branches are worked out.
#[derive(Clone, Debug, Default, PartialEq)]
struct Item {
    no: u32,
    text: String,
    actors: Vec<String>,
}

/// Steps from numbered paragraphs. The number comes from the text ("1.", "1)") or the
/// paragraph's list numbering (its label, else one more than the step before); a
/// paragraph without a number, or a nested list item, continues the step before it
/// when it reads as its rest (a wrapped line, a branch sentence), and is ignored
/// otherwise, as are paragraphs before the first numbered one.
pub fn parse_paragraphs(paras: &[&Paragraph], vocab: &Vocabulary) -> Vec<Step> {
    let mut items: Vec<Item> = Vec::new();
    for p in paras {
        let text = collapse_ws(&p.text);
        if text.is_empty() {
            continue;
        }
        let last_no = items.last().map_or(0, |i| i.no);
        if let Some((no, rest)) = split_number(&text)
            && !rest.is_empty()
        {
            items.push(Item {
                no,
                text: rest.to_string(),
                actors: Vec::new(),
            });
            continue;
        }
        if let Some(list) = &p.list
            && (list.level == 0 || items.is_empty())
        {
            let no = list
                .label
                .as_deref()
                .and_then(|l| split_number(l).map(|(n, _)| n))
                .unwrap_or(last_no + 1);
            items.push(Item {
                no,
                text,
                actors: Vec::new(),
            });
            continue;
        }
        if let Some(last) = items.last_mut()
            && continues(&last.text, &text, vocab)
        {
            last.text.push(' ');
            last.text.push_str(&text);
        }
    }
    for it in &mut items {
        it.actors = sentence_actor(&it.text, vocab).into_iter().collect();
    }
    finish(items, vocab)
}

/// True when an unnumbered paragraph reads as the rest of the item before it: that item
/// stops mid-sentence, or the paragraph starts in lower case, or it states a branch
/// ("Jika tidak, kembali ke langkah 2"). A date line or a signature block after the
/// last step does not.
fn continues(prev: &str, text: &str, vocab: &Vocabulary) -> bool {
    let open = !prev.trim_end().ends_with(['.', '?', '!', ';', ':']);
    let lower = text.chars().next().is_some_and(char::is_lowercase);
    let (yes, no) = vocab.branch_targets(text);
    open || lower || yes.is_some() || no.is_some()
}

/// A two-column Kegiatan | Pelaksana table (possibly with a No column) as (actors in
/// first-appearance order, steps); None when the table has no such header or no step.
/// A table whose Pelaksana header spans several columns, or that has Mutu Baku columns,
/// is a procedure table, not a narrative one.
pub fn parse_table(table: &Table, vocab: &Vocabulary) -> Option<(Vec<String>, Vec<Step>)> {
    let (header_row, cols) = find_header(table, vocab)?;
    let mut items: Vec<Item> = Vec::new();
    for r in header_row + 1..table.rows.len() {
        let texts = table.row_texts(r);
        let activity_raw = collapse_ws(texts.get(cols.activity).copied().unwrap_or(""));
        if activity_raw.is_empty() {
            continue;
        }
        // A header repeated after a page break.
        if vocab.column_role(&activity_raw) == Some(ColumnRole::Activity) {
            continue;
        }
        let no_cell = cols
            .number
            .and_then(|c| texts.get(c).copied())
            .and_then(|t| t.trim().trim_end_matches(['.', ')']).parse::<u32>().ok());
        let (no, activity) = match (no_cell, split_number(&activity_raw)) {
            (Some(n), Some((_, rest))) if !rest.is_empty() => (Some(n), rest.to_string()),
            (Some(n), _) => (Some(n), activity_raw.clone()),
            (None, Some((n, rest))) if !rest.is_empty() => (Some(n), rest.to_string()),
            (None, _) => (None, activity_raw.clone()),
        };
        let actor_text = table
            .cell_at(r, cols.actor)
            .filter(|c| c.col == cols.actor || c.col_span <= 1)
            .map(|c| c.text.as_str())
            .unwrap_or("");
        let mut actors = actor_cell(actor_text, vocab);
        let Some(no) = no else {
            // No number anywhere and no actor: the step before it continues.
            if actors.is_empty()
                && let Some(last) = items.last_mut()
            {
                last.text.push(' ');
                last.text.push_str(&activity);
                continue;
            }
            let no = items.last().map_or(1, |i| i.no + 1);
            if actors.is_empty() {
                actors = sentence_actor(&activity, vocab).into_iter().collect();
            }
            items.push(Item {
                no,
                text: activity,
                actors,
            });
            continue;
        };
        if actors.is_empty() {
            actors = sentence_actor(&activity, vocab).into_iter().collect();
        }
        items.push(Item {
            no,
            text: activity,
            actors,
        });
    }
    if items.is_empty() {
        return None;
    }
    let mut all: Vec<String> = Vec::new();
    for it in &items {
        for a in &it.actors {
            if !all.contains(a) {
                all.push(a.clone());
            }
        }
    }
    Some((all, finish(items, vocab)))
}

/// Column positions of a narrative table.
struct Columns {
    number: Option<usize>,
    activity: usize,
    actor: usize,
}

/// The header row (among the first six) holding a Kegiatan and a single Pelaksana
/// column and no Mutu Baku columns.
fn find_header(table: &Table, vocab: &Vocabulary) -> Option<(usize, Columns)> {
    for r in 0..table.rows.len().min(6) {
        let row = table.rows.get(r)?;
        let mut number = None;
        let mut activity = None;
        let mut actor = None;
        let mut mutu = false;
        for c in &row.cells {
            match vocab.column_role(&c.text) {
                Some(ColumnRole::Number) => number = number.or(Some(c.col)),
                Some(ColumnRole::Activity) => activity = activity.or(Some(c.col)),
                Some(ColumnRole::Actors) => {
                    if c.col_span > 1 {
                        return None;
                    }
                    actor = actor.or(Some(c.col));
                }
                Some(
                    ColumnRole::MutuBaku
                    | ColumnRole::Requirements
                    | ColumnRole::Time
                    | ColumnRole::Output,
                ) => mutu = true,
                _ => {}
            }
        }
        if let (Some(activity), Some(actor)) = (activity, actor) {
            if mutu {
                return None;
            }
            return Some((
                r,
                Columns {
                    number,
                    activity,
                    actor,
                },
            ));
        }
    }
    None
}

/// The actors a Pelaksana cell names: one name, or one per line (or `;`/`,` part) when
/// every part is a known title.
fn actor_cell(text: &str, vocab: &Vocabulary) -> Vec<String> {
    let whole = collapse_ws(text);
    if whole.is_empty() || whole == "-" {
        return Vec::new();
    }
    let canon = vocab.canonical_actor(&whole);
    if vocab.is_known_actor(&canon) {
        return vec![canon];
    }
    let parts: Vec<&str> = text
        .split(['\n', ';', ','])
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .collect();
    if parts.len() > 1 {
        let canons: Vec<String> = parts.iter().map(|p| vocab.canonical_actor(p)).collect();
        if canons.iter().all(|c| vocab.is_known_actor(c)) {
            let mut out: Vec<String> = Vec::new();
            for c in canons {
                if !out.contains(&c) {
                    out.push(c);
                }
            }
            return out;
        }
    }
    vec![canon]
}

/// The actor of a narrative sentence: a known title it starts with (the subject), else
/// the known title after "oleh" (the agent of a passive sentence), else the words before
/// an active verb (me-/ber-) as a local title, else the capitalised words after "oleh"
/// up to a punctuation mark (at most four) as a local title.
pub fn sentence_actor(text: &str, vocab: &Vocabulary) -> Option<String> {
    if let Some((actor, _)) = vocab.actor_at_start(text) {
        return Some(actor);
    }
    let words: Vec<&str> = text.split_whitespace().collect();
    let oleh = words
        .iter()
        .position(|w| vocab.is_agent_word(w.trim_matches(|c: char| !c.is_alphabetic())));
    if let Some(i) = oleh {
        let rest = words.get(i + 1..).unwrap_or(&[]).join(" ");
        if let Some((actor, _)) = vocab.actor_at_start(&rest) {
            return Some(actor);
        }
    }
    if let Some(actor) = trailing_actor(text, vocab) {
        return Some(actor);
    }
    // An unknown subject before the first verb.
    let verb = words.iter().position(|w| is_verb(w, vocab));
    if let Some(k) = verb
        && (1..=5).contains(&k)
        && oleh.is_none()
        && !is_passive(words.get(k).copied().unwrap_or(""), vocab)
    {
        let subject = words.get(..k)?.join(" ");
        return Some(vocab.canonical_actor(&subject));
    }
    if let Some(i) = oleh {
        let mut agent: Vec<&str> = Vec::new();
        for w in words.get(i + 1..).unwrap_or(&[]).iter().take(4) {
            let stop = w.ends_with(['.', ',', ';', ':']);
            agent.push(w.trim_end_matches(['.', ',', ';', ':']));
            if stop {
                break;
            }
        }
        // An unknown agent must be written as a title ("oleh Tim Teknis"), not as a
        // common word ("oleh karena itu").
        let titled = agent
            .first()
            .and_then(|w| w.chars().next())
            .is_some_and(char::is_uppercase);
        if titled {
            return Some(vocab.canonical_actor(&agent.join(" ")));
        }
    }
    None
}

/// A known actor named at the end of an item: in a last parenthesis ("Menerima berkas
/// (Petugas Loket)", "(Pelaksana: Staf)") or after a final dash or colon ("Menerima
/// berkas – Petugas Loket").
fn trailing_actor(text: &str, vocab: &Vocabulary) -> Option<String> {
    let t = text.trim().trim_end_matches(['.', ';']).trim_end();
    let tail = if let Some(inner) = t.strip_suffix(')') {
        inner.rfind('(').and_then(|i| inner.get(i + 1..))?
    } else {
        let i = t.rfind([':', '–', '—']).or_else(|| t.rfind(" - "))?;
        t.get(i..)?.trim_start_matches([':', '–', '—', '-', ' '])
    };
    // "Pelaksana: Staf" names the actor after its label.
    let tail = match tail.split_once(':') {
        Some((label, rest)) if vocab.column_role(label) == Some(ColumnRole::Actors) => rest,
        _ => tail,
    };
    let name = collapse_ws(tail);
    if name.is_empty() || name.split(' ').count() > 8 {
        return None;
    }
    let canon = vocab.canonical_actor(&name);
    vocab.is_known_actor(&canon).then_some(canon)
}

/// Fewest letters of an active verb: a shorter word with the prefix is a noun or a name.
const MIN_ACTIVE_VERB_CHARS: usize = 5;
/// Fewest letters of a passive verb ("dibuat"): a shorter one is a preposition or a noun.
const MIN_PASSIVE_VERB_CHARS: usize = 6;

/// A word that reads as a verb: an active or a passive verb prefix
/// (`rules/actors.toml`) on a word long enough to carry one.
fn is_verb(w: &str, vocab: &Vocabulary) -> bool {
    (w.chars().count() >= MIN_ACTIVE_VERB_CHARS && vocab.has_active_verb_prefix(w))
        || is_passive(w, vocab)
}

/// A passive verb ("ditandatangani").
fn is_passive(w: &str, vocab: &Vocabulary) -> bool {
    w.chars().count() >= MIN_PASSIVE_VERB_CHARS && vocab.has_passive_verb_prefix(w)
}

/// Symbols, branches and `next` for numbered items (corpus conventions): first and last
/// terminator; a question or a stated branch makes a decision whose "Ya" goes to the
/// stated step or the next one; every other step leads to the next; the last to none.
fn finish(items: Vec<Item>, vocab: &Vocabulary) -> Vec<Step> {
    let n = items.len();
    let nos: Vec<u32> = items.iter().map(|i| i.no).collect();
    let mut out = Vec::with_capacity(n);
    for (i, it) in items.into_iter().enumerate() {
        let next_no = nos.get(i + 1).copied();
        let (yes, no) = vocab.branch_targets(&it.text);
        let decision = vocab.is_decision(&it.text) || yes.is_some() || no.is_some();
        let symbol = if i == 0 || i + 1 == n {
            Symbol::Terminator
        } else if decision {
            Symbol::Decision
        } else {
            Symbol::Process
        };
        let mut step = Step {
            no: it.no,
            activity: it.text,
            actors: it.actors,
            symbol: Some(symbol),
            ..Step::default()
        };
        if symbol == Symbol::Decision {
            step.if_yes = yes.or(next_no);
            step.if_no = no.or_else(|| {
                // "dikembalikan kepada Pemohon": that actor's latest step before this one.
                let actor = vocab.branch_actor(&step.activity)?;
                out.iter()
                    .rev()
                    .find(|s: &&Step| s.actors.contains(&actor))
                    .map(|s| s.no)
            });
            for t in [step.if_yes, step.if_no].into_iter().flatten() {
                if !step.next.contains(&t) {
                    step.next.push(t);
                }
            }
        } else {
            step.next = next_no.into_iter().collect();
        }
        out.push(step);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn verbs() {
        let v = Vocabulary::default();
        assert!(is_verb("menerima", &v));
        assert!(is_verb("ditandatangani", &v));
        assert!(is_verb("Berkoordinasi", &v));
        assert!(!is_verb("Dinas", &v));
        assert!(!is_verb("Tim", &v));
        assert!(!is_verb("Meja", &v));
    }

    #[test]
    fn finish_sets_branches() {
        let v = Vocabulary::default();
        let items = vec![
            Item {
                no: 1,
                text: "Pemohon mengajukan".into(),
                actors: vec![],
            },
            Item {
                no: 2,
                text: "Apakah lengkap? Jika tidak, kembali ke langkah 1".into(),
                actors: vec![],
            },
            Item {
                no: 3,
                text: "Selesai".into(),
                actors: vec![],
            },
        ];
        let s = finish(items, &v);
        assert_eq!(s[1].symbol, Some(Symbol::Decision));
        assert_eq!((s[1].if_yes, s[1].if_no), (Some(3), Some(1)));
        assert_eq!(s[1].next, vec![3, 1]);
        assert!(s[2].next.is_empty());
    }
}
