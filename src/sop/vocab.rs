//! The SOP parser's vocabulary, loaded from `rules/` (actors, labels, headers, marks,
//! time units, decision cues).
//!
//! Every word list lives in a TOML file under `rules/` (each file's header comment
//! explains its shape); [`Vocabulary::load`] reads them once, compiles every regular
//! expression and builds every lookup map, so the methods below are cheap lookups.
//! An override file may set `extend_defaults = true` to add to the built-in file
//! instead of replacing it.
//!
//! One submodule per concern: `files` (rule-file shapes and loading), `keys` (labels
//! and headers), `actors` (titles), `time` (minutes), `decisions` (cues and branches);
//! dates and marks live here.

mod actors;
mod agencies;
mod decisions;
mod document;
mod files;
mod keys;
mod time;

use std::collections::HashSet;

use regex::Regex;

use super::normalise::{collapse_ws, excel_serial_date, iso_date, name_key};
use crate::rules::{RuleSource, RulesError};
use actors::ActorVocab;
use agencies::AgenciesFile;
pub use agencies::AgencyNames;
use decisions::{DecisionVocab, alternation};
use document::{DocumentFile, DocumentVocab, norm, starts_with_word};
use files::{HeadersFile, LabelsFile, MarksFile, invalid, load_file};
pub use keys::Context;
use keys::{KeyTable, column_role_named, identity_field};
use time::TimeVocab;

/// An identity field an identity label names.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum IdentityField {
    /// Nomor SOP.
    Number,
    /// Nama / Judul SOP.
    Title,
    /// Unit kerja / organisation.
    Unit,
    /// Tanggal Pembuatan.
    Created,
    /// Tanggal Revisi.
    Revised,
    /// Tanggal Efektif.
    Effective,
    /// Disahkan oleh (position, name, NIP follow).
    ApprovedBy,
    /// Dasar Hukum.
    LegalBasis,
    /// Kualifikasi Pelaksana.
    Qualifications,
    /// Keterkaitan.
    RelatedSops,
    /// Peralatan/Perlengkapan.
    Equipment,
    /// Peringatan.
    Warnings,
    /// Pencatatan dan Pendataan.
    Records,
}

/// The role of a procedure-table column, named by its header text.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ColumnRole {
    /// No.
    Number,
    /// Kegiatan / Uraian Kegiatan / Aktivitas.
    Activity,
    /// The group header over the actor columns.
    Actors,
    /// The group header over the Mutu Baku columns.
    MutuBaku,
    /// Kelengkapan / Persyaratan.
    Requirements,
    /// Waktu.
    Time,
    /// Output.
    Output,
    /// Keterangan / Ket.
    Notes,
}

// ------------------------------------------------------------------------ vocabulary

/// Vocabulary of the parser.
#[derive(Debug)]
pub struct Vocabulary {
    labels: KeyTable<IdentityField>,
    headers: KeyTable<ColumnRole>,
    marks: HashSet<String>,
    actors: ActorVocab,
    time: TimeVocab,
    decisions: DecisionVocab,
    doc: DocumentVocab,
    agencies: AgencyNames,
    approver_name: Option<Regex>,
    approver_nip: Option<Regex>,
    date_named: Option<Regex>,
    date_month_first: Option<Regex>,
    date_numeric: Option<Regex>,
    date_iso: Option<Regex>,
    /// A month name and a year with no day ("Juni 2019").
    date_month_year: Option<Regex>,
}

impl Default for Vocabulary {
    /// The built-in vocabulary (the embedded `rules/` files).
    fn default() -> Self {
        Vocabulary::load(&RuleSource::default()).unwrap_or_else(|_| Vocabulary::empty())
    }
}

/// Most words of a line that opens an organisation header (`PEMERINTAH KOTA …`): a
/// longer line is a sentence that happens to start with the word.
const MAX_GOV_LINE_WORDS: usize = 8;

/// Day-first numeric dates: `02-01-2019`, `02/01/19`, `2.1.2019`.
const DATE_NUMERIC: &str = r"\b(\d{1,2})\s*[-/.]\s*(\d{1,2})\s*[-/.]\s*(\d{4}|\d{2})\b";
/// ISO dates: `2019-01-02`, `2019/01/02`.
const DATE_ISO: &str = r"\b(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})\b";

impl Vocabulary {
    /// A vocabulary that knows no word (used only if the built-in rules cannot load).
    fn empty() -> Self {
        Vocabulary {
            labels: KeyTable::new(Vec::new()),
            headers: KeyTable::new(Vec::new()),
            marks: HashSet::new(),
            actors: ActorVocab::default(),
            time: TimeVocab {
                workday: 450.0,
                ..TimeVocab::default()
            },
            decisions: DecisionVocab::default(),
            doc: DocumentVocab::default(),
            agencies: AgencyNames::default(),
            approver_name: None,
            approver_nip: None,
            date_named: None,
            date_month_first: None,
            date_numeric: Regex::new(DATE_NUMERIC).ok(),
            date_iso: Regex::new(DATE_ISO).ok(),
            date_month_year: None,
        }
    }

    /// Loads the vocabulary from the rule files.
    pub fn load(src: &RuleSource) -> Result<Self, RulesError> {
        let labels_file: LabelsFile = load_file(src, "labels.toml")?;
        let mut labels = KeyTable::new(labels_file.fold.clone())
            .with_words(&labels_file.qualifiers, &labels_file.joiners);
        for (name, variants) in &labels_file.fields {
            let f = identity_field(name).ok_or_else(|| {
                invalid("labels.toml", format!("unknown identity field {name:?}"))
            })?;
            for v in variants {
                labels.insert(v, f);
            }
        }
        let headers_file: HeadersFile = load_file(src, "headers.toml")?;
        let mut headers = KeyTable::new(labels_file.fold.clone())
            .with_words(&labels_file.qualifiers, &labels_file.joiners);
        for (name, variants) in &headers_file.roles {
            let r = column_role_named(name)
                .ok_or_else(|| invalid("headers.toml", format!("unknown column role {name:?}")))?;
            for v in variants {
                headers.insert(v, r);
            }
        }
        let marks_file: MarksFile = load_file(src, "marks.toml")?;
        let marks = marks_file
            .marks
            .iter()
            .map(|m| m.trim().to_string())
            .filter(|m| !m.is_empty())
            .collect();
        let actors = ActorVocab::build(load_file(src, "actors.toml")?)?;
        let time = TimeVocab::build(load_file(src, "time.toml")?)?;
        let decisions = DecisionVocab::build(load_file(src, "decisions.toml")?)?;
        let doc = DocumentVocab::build(load_file::<DocumentFile>(src, "document.toml")?);
        let agencies = AgencyNames::build(load_file::<AgenciesFile>(src, "agencies.toml")?);
        let approver_name = (!doc.approver_name_labels.is_empty())
            .then(|| {
                Regex::new(&format!(
                    r"(?i)^\s*(?:{})\s*[:.]?\s*(.*)$",
                    alternation(&doc.approver_name_labels)
                ))
            })
            .transpose()
            .map_err(|e| invalid("document.toml", format!("approver_name_labels: {e}")))?;
        let approver_nip = (!doc.approver_nip_labels.is_empty())
            .then(|| {
                Regex::new(&format!(
                    r"(?i)^\s*(?:{})[\s.:]*([0-9][0-9 .]*)",
                    alternation(&doc.approver_nip_labels)
                ))
            })
            .transpose()
            .map_err(|e| invalid("document.toml", format!("approver_nip_labels: {e}")))?;
        let date_month_first = if time.months.is_empty() {
            None
        } else {
            let months: Vec<String> = time.months.keys().cloned().collect();
            Some(
                Regex::new(&format!(
                    r"(?i)({})\.?\s+(\d{{1,2}}),?\s+(\d{{4}})\b",
                    alternation(&months)
                ))
                .map_err(|e| invalid("time.toml", format!("month names: {e}")))?,
            )
        };
        let date_named = if time.months.is_empty() {
            None
        } else {
            let months: Vec<String> = time.months.keys().cloned().collect();
            Some(
                Regex::new(&format!(
                    r"(?i)\b(\d{{1,2}})\s*[-./ ]?\s*({})\.?\s*[-./ ,]?\s*(\d{{4}}|\d{{2}})\b",
                    alternation(&months)
                ))
                .map_err(|e| invalid("time.toml", format!("month names: {e}")))?,
            )
        };
        let date_month_year = if time.months.is_empty() {
            None
        } else {
            let months: Vec<String> = time.months.keys().cloned().collect();
            Some(
                Regex::new(&format!(
                    r"(?i)\b({})\.?\s*[-./ ,]?\s*(\d{{4}})\b",
                    alternation(&months)
                ))
                .map_err(|e| invalid("time.toml", format!("month names: {e}")))?,
            )
        };
        let pattern = |source| RulesError::Pattern {
            file: "rules/time.toml".to_string(),
            source,
        };
        let date_numeric = Some(Regex::new(DATE_NUMERIC).map_err(pattern)?);
        let date_iso = Some(Regex::new(DATE_ISO).map_err(pattern)?);
        Ok(Vocabulary {
            labels,
            headers,
            marks,
            actors,
            time,
            decisions,
            doc,
            agencies,
            approver_name,
            approver_nip,
            date_named,
            date_month_first,
            date_numeric,
            date_iso,
            date_month_year,
        })
    }

    /// The identity field a label names ("Nomor SOP", "No. SOP", "Tgl. Pembuatan",
    /// typos and case aside), or None.
    pub fn identity_label(&self, label: &str) -> Option<IdentityField> {
        self.labels.lookup(label)
    }

    /// The identity field a label names where its place supports a loose reading (a
    /// label column, a label before its colon): abbreviations and one typo in words of
    /// any length are read too.
    pub fn identity_label_in(&self, label: &str, ctx: Context) -> Option<IdentityField> {
        self.labels.lookup_in(label, ctx)
    }

    /// The role of a procedure-table column header, or None.
    pub fn column_role(&self, header: &str) -> Option<ColumnRole> {
        self.headers.lookup(header)
    }

    /// The role of a header in `ctx` ([`Context::Supported`] inside a header row with
    /// other known roles).
    pub fn column_role_in(&self, header: &str, ctx: Context) -> Option<ColumnRole> {
        self.headers.lookup_in(header, ctx)
    }

    /// True when a line is the document-type heading ("STANDAR OPERASIONAL PROSEDUR"),
    /// not a title (rules/document.toml `sop_headings`).
    pub fn is_sop_heading(&self, line: &str) -> bool {
        let l = norm(line);
        self.doc.sop_headings.contains(&l)
            || self
                .doc
                .sop_heading_prefixes
                .iter()
                .any(|p| l.starts_with(p))
    }

    /// True when a line heads the procedure part ("PROSEDUR", "URAIAN PROSEDUR").
    pub fn is_procedure_heading(&self, line: &str) -> bool {
        let l = norm(line.trim().trim_end_matches(':'));
        self.doc.procedure_headings.contains(&l)
            || self
                .doc
                .procedure_heading_prefixes
                .iter()
                .any(|p| l.starts_with(p))
    }

    /// True when a line opens an organisation header (`PEMERINTAH KOTA …`).
    pub fn is_gov_line(&self, line: &str) -> bool {
        let l = norm(line);
        starts_with_word(&l, &self.doc.government_prefixes, false)
            && l.split_whitespace().count() <= MAX_GOV_LINE_WORDS
    }

    /// True when a line names an organisation (`DINAS …`, `KELURAHAN …`).
    pub fn is_org_line(&self, line: &str) -> bool {
        starts_with_word(&norm(line), &self.doc.org_words, false)
    }

    /// True when a line names a unit inside an agency (`SUB BAGIAN …`, `BIDANG …`).
    pub fn is_unit_line(&self, line: &str) -> bool {
        starts_with_word(&norm(line), &self.doc.unit_words, false)
    }

    /// True when a line starts a heading that ends an organisation header
    /// ("STANDAR OPERASIONAL PROSEDUR", "SOP …").
    pub fn starts_heading(&self, line: &str) -> bool {
        starts_with_word(&norm(line), &self.doc.heading_words, true)
    }

    /// True when a text is only a sub-label of the approver block ("Nama", "NIP",
    /// "Pangkat"), never an identity label.
    pub fn is_approver_sublabel(&self, text: &str) -> bool {
        self.doc
            .approver_sublabels
            .contains(&norm(text.trim().trim_end_matches([':', '.'])))
    }

    /// True when a text is the approver's name sub-label ("Nama").
    pub fn is_approver_name_label(&self, text: &str) -> bool {
        self.doc
            .approver_name_labels
            .contains(&norm(text.trim().trim_end_matches([':', '.'])))
    }

    /// True when a text is the approver's NIP sub-label ("NIP").
    pub fn is_approver_nip_label(&self, text: &str) -> bool {
        self.doc
            .approver_nip_labels
            .contains(&norm(text.trim().trim_end_matches([':', '.'])))
    }

    /// The name after a name sub-label on one line ("Nama : Rudy" → "Rudy").
    pub fn approver_name_value<'a>(&self, line: &'a str) -> Option<&'a str> {
        let c = self.approver_name.as_ref()?.captures(line)?;
        Some(c.get(1).map_or("", |m| m.as_str()).trim())
    }

    /// The NIP after a NIP sub-label on one line ("NIP. 1974 …" → "1974 …").
    pub fn approver_nip_value<'a>(&self, line: &'a str) -> Option<&'a str> {
        let c = self.approver_nip.as_ref()?.captures(line)?;
        Some(c.get(1).map_or("", |m| m.as_str()).trim())
    }

    /// A title without its document-type prefix ("SOP Pelayanan Cuti" → "Pelayanan
    /// Cuti", "Standar Operasional Prosedur (SOP): Pelayanan Cuti" → "Pelayanan Cuti");
    /// spaces collapsed. A title that is nothing but the prefix is kept.
    pub fn strip_title_prefix(&self, title: &str) -> String {
        let words: Vec<&str> = title.split_whitespace().collect();
        let seps = [':', '-', '–', '—', ','];
        for prefix in &self.doc.title_prefixes {
            let Some(head) = words.get(..prefix.len()) else {
                continue;
            };
            let last = prefix.len().saturating_sub(1);
            let matches = head.iter().zip(prefix).enumerate().all(|(i, (w, p))| {
                let w = w.to_lowercase();
                let w = if i == last {
                    w.trim_end_matches(seps)
                } else {
                    w.as_str()
                };
                w == p.as_str()
            });
            if !matches {
                continue;
            }
            let rest = words.get(prefix.len()..).unwrap_or(&[]).join(" ");
            let rest = rest.trim_start_matches(seps).trim();
            if rest.chars().any(char::is_alphabetic) {
                return rest.to_string();
            }
        }
        words.join(" ")
    }

    /// True when a line of a title cell is a signature line (a name or NIP sub-label
    /// with its value), never part of the title.
    pub fn is_signature_line(&self, line: &str) -> bool {
        self.approver_nip_value(line).is_some_and(|v| !v.is_empty())
            || self
                .approver_name_value(line)
                .is_some_and(|v| !v.is_empty())
    }

    /// How archive folder names are read as agency names (`rules/agencies.toml`).
    pub fn agency_names(&self) -> &AgencyNames {
        &self.agencies
    }

    /// Short words that may start a wrapped line on their own ("dan", "ke"), lower case
    /// (`rules/document.toml` `wrap_words`).
    pub fn wrap_words(&self) -> &std::collections::HashSet<String> {
        &self.doc.wrap_words
    }

    /// True when a word stays in lower case inside a title-cased name ("dan").
    pub fn is_small_word(&self, word: &str) -> bool {
        self.doc.small_words.contains(&word.to_lowercase())
    }

    /// True when a word closes a list item before the last one ("…; dan"),
    /// `rules/document.toml` `list_conjunctions`.
    pub fn is_list_conjunction(&self, word: &str) -> bool {
        self.doc.list_conjunctions.contains(&word.to_lowercase())
    }

    /// True when a word comes before the agent of a passive sentence ("oleh"),
    /// `rules/actors.toml` `agent_words`.
    pub fn is_agent_word(&self, word: &str) -> bool {
        self.actors.agent_words.contains(&word.to_lowercase())
    }

    /// True when a word starts like an active verb (`rules/actors.toml`
    /// `active_verb_prefixes`), and is not one of `not_verbs`.
    pub fn has_active_verb_prefix(&self, word: &str) -> bool {
        self.verb_prefixed(word, &self.actors.active_verb_prefixes)
    }

    /// True when a word starts like a passive verb (`rules/actors.toml`
    /// `passive_verb_prefixes`), and is not one of `not_verbs`.
    pub fn has_passive_verb_prefix(&self, word: &str) -> bool {
        self.verb_prefixed(word, &self.actors.passive_verb_prefixes)
    }

    fn verb_prefixed(&self, word: &str, prefixes: &[String]) -> bool {
        let l = word.to_lowercase();
        prefixes.iter().any(|p| l.starts_with(p.as_str()))
            && !self
                .actors
                .not_verbs
                .iter()
                .any(|n| l.starts_with(n.as_str()))
    }

    /// True when a cell's whole text is an actor mark (√ ✓ v V x X ●).
    pub fn is_mark(&self, text: &str) -> bool {
        let t = text.trim();
        if self.marks.contains(t) {
            return true;
        }
        // "✔️": the emoji variation selectors do not change the mark.
        let bare: String = t
            .chars()
            .filter(|c| !matches!(c, '\u{fe0e}' | '\u{fe0f}'))
            .collect();
        bare != t && self.marks.contains(bare.trim())
    }

    /// True when an activity reads as a decision ("Apakah …?", "memeriksa … jika …").
    pub fn is_decision(&self, activity: &str) -> bool {
        self.decisions
            .questions
            .iter()
            .any(|q| q.is_match(activity))
    }

    /// The step numbers a text sends the "Ya" and the "Tidak" branch to:
    /// `"Tidak → 2, Ya → 4"` → `(Some(4), Some(2))`; `"Jika tidak, kembali ke langkah
    /// 2"` → `(None, Some(2))`. The first of each wins; a "kembali ke langkah N" without
    /// a yes/no word is the "Tidak" branch.
    pub fn branch_targets(&self, text: &str) -> (Option<u32>, Option<u32>) {
        let (mut yes, mut no) = (None, None);
        if let Some(re) = &self.decisions.branch {
            for c in re.captures_iter(text) {
                let (Some(w), Some(to)) = (c.name("w"), c.name("to")) else {
                    continue;
                };
                let Ok(n) = to.as_str().parse::<u32>() else {
                    continue;
                };
                if self.decisions.no_words.contains(&w.as_str().to_lowercase()) {
                    no = no.or(Some(n));
                } else {
                    yes = yes.or(Some(n));
                }
            }
        }
        if no.is_none()
            && let Some(re) = &self.decisions.returns
        {
            no = re
                .captures(text)
                .and_then(|c| c.name("to"))
                .and_then(|m| m.as_str().parse().ok());
        }
        (yes, no)
    }

    /// Branch targets stated in free text without a pointer word: (yes, no).
    /// `"Tidak: kembali ke no. 1"` → `(None, Some(1))`; `"Tidak → 3, Ya → 6"` →
    /// `(Some(6), Some(3))`. A yes word after a negation is not a yes.
    pub fn text_branches(&self, text: &str) -> (Option<u32>, Option<u32>) {
        let d = &self.decisions;
        let number = |re: &Option<Regex>| {
            re.as_ref()
                .and_then(|re| re.captures(text))
                .and_then(|c| c.get(1))
                .and_then(|m| m.as_str().parse::<u32>().ok())
        };
        let no = number(&d.text_no).or_else(|| number(&d.text_back));
        let yes = d.text_yes.as_ref().and_then(|re| {
            re.captures_iter(text)
                .filter(|c| {
                    let start = c.get(0).map_or(0, |m| m.start());
                    let before = text.get(..start).unwrap_or("").to_lowercase();
                    let b = before.trim_end();
                    !d.negations.iter().any(|n| b.ends_with(n.as_str()))
                })
                .filter_map(|c| c.get(1))
                .find_map(|m| m.as_str().parse().ok())
        });
        (yes, no)
    }

    /// True for a branch label written as text in a cell ("Ya", "Tidak", "Sesuai").
    pub fn is_branch_label(&self, text: &str) -> bool {
        let t = text.trim().trim_end_matches(['.', ':']).to_lowercase();
        self.decisions.branch_labels.contains(&t)
    }

    /// The known actor a "Tidak" branch returns to when the text names an actor rather
    /// than a step: `"jika tidak lengkap, berkas dikembalikan kepada Pemohon"` →
    /// `Pemohon`. None when no return phrase is followed by a known title.
    pub fn branch_actor(&self, text: &str) -> Option<String> {
        let re = self.decisions.return_to.as_ref()?;
        re.find_iter(text).find_map(|m| {
            let rest = text.get(m.end()..)?;
            self.actor_at_start(rest).map(|(a, _)| a)
        })
    }

    /// The canonical actor title for a name as written (abbreviations expanded, case
    /// and spacing normalised); a local title not in the vocabulary is kept as written.
    pub fn canonical_actor(&self, written: &str) -> String {
        let text = collapse_ws(written);
        if text.is_empty() {
            return text;
        }
        let whole = self.actors.resolve(&text, true);
        if let Some(k) = whole.known {
            return k;
        }
        if text.contains(['(', '/', ')']) {
            // "Pegawai ybs (yang bersangkutan)": the name without the parenthesis.
            let mut outside = String::new();
            let mut depth = 0usize;
            for ch in text.chars() {
                match ch {
                    '(' => depth += 1,
                    ')' => depth = depth.saturating_sub(1),
                    c if depth == 0 => outside.push(c),
                    _ => {}
                }
            }
            if let Some(k) = self.actors.resolve(&outside, true).known {
                return k;
            }
            for part in text.split(['(', ')', '/']) {
                if let Some(k) = self.actors.resolve(part, true).known {
                    return k;
                }
            }
        }
        if let Some(k) = self.rejoined_actor(&text) {
            return k;
        }
        if let Some(k) = self.dotted_actor(&text) {
            return k;
        }
        whole.display
    }

    /// A name whose words were cut by wrapping in a narrow column ("Kasubb ag Perenca
    /// naan", "Staf Pelaksa na"): the known title spelt by joining some neighbouring
    /// fragments, fewest joins first (at most four joins, names of at most ten pieces).
    fn rejoined_actor(&self, text: &str) -> Option<String> {
        let words: Vec<&str> = text.split_whitespace().collect();
        let gaps = words.len().checked_sub(1)?;
        if gaps == 0 || gaps > 9 {
            return None;
        }
        for joins in 1..=gaps.min(4) {
            for mask in 1u32..(1u32 << gaps) {
                if mask.count_ones() as usize != joins {
                    continue;
                }
                let mut s = String::with_capacity(text.len());
                for (i, w) in words.iter().enumerate() {
                    if i > 0 && mask & (1 << (i - 1)) == 0 {
                        s.push(' ');
                    }
                    s.push_str(w);
                }
                if let Some(k) = self.actors.resolve(&s, false).known {
                    return Some(k);
                }
            }
        }
        None
    }

    /// A name whose abbreviations are joined by a dot without a space
    /// ("Kasubbag.Umum", "Kasi.Pelayanan"): split at each such dot and read again.
    fn dotted_actor(&self, text: &str) -> Option<String> {
        let mut split = String::with_capacity(text.len() + 4);
        let mut chars = text.chars().peekable();
        let mut changed = false;
        while let Some(c) = chars.next() {
            split.push(c);
            if c == '.' && chars.peek().is_some_and(|n| n.is_alphabetic()) {
                split.push(' ');
                changed = true;
            }
        }
        if !changed {
            return None;
        }
        self.actors.resolve(&split, true).known
    }

    /// True when `word` is a word the actor rules write: a word of a title, of an
    /// abbreviation's meaning or an agency word, or a one-word abbreviation itself
    /// ("Pelaksana", "Subbagian"). Case, dots and hyphens aside.
    pub fn is_position_word(&self, word: &str) -> bool {
        let key = name_key(word);
        !key.is_empty()
            && !key.contains(' ')
            && (self.actors.rule_words.contains(&key) || self.actors.abbrev.contains_key(&key))
    }

    /// True when `canonical` is one of the vocabulary's known titles.
    pub fn is_known_actor(&self, canonical: &str) -> bool {
        self.actors.titles.contains_key(&name_key(canonical))
    }

    /// The known actor title a text starts with ("Kasubbag Umum menerima …" → Kepala Sub
    /// Bagian Umum …), the longest such prefix of up to 12 words, and the number of
    /// words it takes. No typo matching: the words must spell a title, an alias or an
    /// abbreviation.
    pub fn actor_at_start(&self, text: &str) -> Option<(String, usize)> {
        let words: Vec<&str> = text.split_whitespace().collect();
        for n in (1..=words.len().min(12)).rev() {
            let prefix = words.get(..n)?.join(" ");
            if let Some(k) = self.known_with_alternatives(&prefix) {
                return Some((k, n));
            }
        }
        None
    }

    /// The known title a name spells (no typo matching), trying a parenthesised or
    /// slashed alternative ("Masyarakat/Pemohon") when the whole is not known.
    fn known_with_alternatives(&self, name: &str) -> Option<String> {
        if let Some(k) = self.actors.resolve(name, false).known {
            return Some(k);
        }
        // Only a name that is itself "X/Y" or "X (Y)": the alternative closes the text
        // or is slashed, and what comes before it is short.
        let t = name.trim_end_matches(['.', ',', ';', ':']);
        let head_words = t
            .split(['(', '/'])
            .next()
            .map_or(0, |h| h.split_whitespace().count());
        if !(t.ends_with(')') || t.contains('/')) || head_words > 4 {
            return None;
        }
        name.split(['(', ')', '/'])
            .filter(|p| !p.trim().is_empty())
            .find_map(|p| self.actors.resolve(p, false).known)
    }

    /// `time` as minutes of work ("15 menit" = 15, "1 jam" = 60, "1 HK" = one working
    /// day, a range takes its upper bound); None where unreadable.
    pub fn minutes(&self, time: &str) -> Option<f64> {
        self.time.minutes(time)
    }

    /// Minutes in one working day (rules/time.toml `workday_minutes`).
    pub fn workday_minutes(&self) -> f64 {
        self.time.workday
    }

    /// A date as written (Indonesian month names, `dd-mm-yyyy`, `dd/mm/yy`, an Excel
    /// serial) as ISO `YYYY-MM-DD`; None for `-`, empty or unreadable text.
    pub fn date(&self, written: &str) -> Option<String> {
        let w = written.trim();
        if w.is_empty() || w.len() > 200 || !w.chars().any(|c| c.is_ascii_digit()) {
            return None;
        }
        for c in self.date_iso.iter().flat_map(|re| re.captures_iter(w)) {
            let y = c.get(1)?.as_str().parse().ok()?;
            let m = c.get(2)?.as_str().parse().ok()?;
            let d = c.get(3)?.as_str().parse().ok()?;
            if let Some(iso) = iso_date(y, m, d) {
                return Some(iso);
            }
        }
        if let Some(re) = &self.date_named {
            for c in re.captures_iter(w) {
                let Some(d) = c.get(1).and_then(|m| m.as_str().parse::<u32>().ok()) else {
                    continue;
                };
                let month_word = c
                    .get(2)
                    .map(|m| m.as_str().to_lowercase())
                    .unwrap_or_default();
                let Some(m) = self.time.months.get(month_word.trim_end_matches('.')) else {
                    continue;
                };
                let Some(y) = c.get(3).and_then(|m| year_of(m.as_str())) else {
                    continue;
                };
                if let Some(iso) = iso_date(y, *m, d) {
                    return Some(iso);
                }
            }
        }
        for c in self
            .date_month_first
            .iter()
            .flat_map(|re| re.captures_iter(w))
        {
            let month_word = c
                .get(1)
                .map(|m| m.as_str().to_lowercase())
                .unwrap_or_default();
            let (Some(m), Some(d), Some(y)) = (
                self.time.months.get(month_word.trim_end_matches('.')),
                c.get(2).and_then(|m| m.as_str().parse::<u32>().ok()),
                c.get(3).and_then(|m| year_of(m.as_str())),
            ) else {
                continue;
            };
            if let Some(iso) = iso_date(y, *m, d) {
                return Some(iso);
            }
        }
        for c in self.date_numeric.iter().flat_map(|re| re.captures_iter(w)) {
            let (Some(a), Some(b), Some(y)) = (
                c.get(1).and_then(|m| m.as_str().parse::<u32>().ok()),
                c.get(2).and_then(|m| m.as_str().parse::<u32>().ok()),
                c.get(3).and_then(|m| year_of(m.as_str())),
            ) else {
                continue;
            };
            // Day first; a "month" above 12 means the writer put the month first.
            let (d, m) = if b > 12 && a <= 12 { (b, a) } else { (a, b) };
            if let Some(iso) = iso_date(y, m, d) {
                return Some(iso);
            }
        }
        // A month and a year without a day: `YYYY-MM` (SPEC), never an invented day.
        if let Some(ym) = self.month_year(w) {
            return Some(ym);
        }
        // An Excel date serial written as a number.
        if let Ok(serial) = w.parse::<f64>()
            && (20_000.0..=80_000.0).contains(&serial)
        {
            return excel_serial_date(serial);
        }
        None
    }
}

/// Numeric month and year: `06/2019`, `6-2019`.
const DATE_MONTH_YEAR_NUMERIC: &str = r"^\s*(\d{1,2})\s*[-/.]\s*(\d{4})\s*$";

/// [`DATE_MONTH_YEAR_NUMERIC`] compiled once.
static MONTH_YEAR_NUMERIC: std::sync::LazyLock<Option<Regex>> =
    std::sync::LazyLock::new(|| Regex::new(DATE_MONTH_YEAR_NUMERIC).ok());

impl Vocabulary {
    /// A date written as month and year only ("Juni 2019", "06/2019") as `YYYY-MM`.
    fn month_year(&self, w: &str) -> Option<String> {
        let named = self.date_month_year.as_ref().and_then(|re| {
            re.captures_iter(w).find_map(|c| {
                // a day written before the month ("31 Februari 2019") is a full date,
                // which was not a real day: no month-year either
                let start = c.get(0)?.start();
                let before = w.get(..start)?.trim_end();
                if before.ends_with(|ch: char| ch.is_ascii_digit()) {
                    return None;
                }
                let word = c.get(1)?.as_str().to_lowercase();
                let m = *self.time.months.get(word.trim_end_matches('.'))?;
                let y = year_of(c.get(2)?.as_str())?;
                Some((y, m))
            })
        });
        let numeric = || {
            let c = MONTH_YEAR_NUMERIC.as_ref()?.captures(w)?;
            let m: u32 = c.get(1)?.as_str().parse().ok()?;
            let y = year_of(c.get(2)?.as_str())?;
            Some((y, m))
        };
        let (y, m) = named.or_else(numeric)?;
        (1..=12).contains(&m).then(|| format!("{y:04}-{m:02}"))
    }
}

/// A year as written: four digits, or two digits meaning 20yy.
fn year_of(s: &str) -> Option<i32> {
    let y: i32 = s.parse().ok()?;
    match s.len() {
        2 => Some(2000 + y),
        4 => Some(y),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v() -> Vocabulary {
        Vocabulary::load(&RuleSource::default()).unwrap()
    }

    #[test]
    fn builtin_rules_load() {
        let v = v();
        assert!(v.is_known_actor("Kepala Dinas"));
        assert!(v.is_mark("√"));
    }

    #[test]
    fn actor_expansion_and_heads() {
        let v = v();
        assert_eq!(
            v.canonical_actor("Kasubbag Umum & Kepeg."),
            "Kepala Sub Bagian Umum dan Kepegawaian"
        );
        assert_eq!(v.canonical_actor("Kepala Dinas Kesehatan"), "Kepala Dinas");
        assert_eq!(v.canonical_actor("Masyarakat (Pemohon)"), "Pemohon");
        assert_eq!(v.canonical_actor("Bpk. Camat"), "Camat");
        assert_eq!(v.canonical_actor("PRAMU  BAKTI"), "Pramu Bakti");
        assert_eq!(v.canonical_actor("Kasubbag Umum"), "Kepala Sub Bagian Umum");
    }

    #[test]
    fn time_units() {
        let v = v();
        assert_eq!(v.minutes("1 jam 30 menit"), Some(90.0));
        assert_eq!(v.minutes("10-15 menit"), Some(15.0));
        assert_eq!(v.minutes("1 x 24 jam"), Some(450.0));
        assert_eq!(v.minutes("Sebelum periode revisi bulan berjalan"), None);
    }

    #[test]
    fn branches() {
        let v = v();
        assert_eq!(v.branch_targets("Tidak → 2, Ya → 4"), (Some(4), Some(2)));
        assert_eq!(v.branch_targets("Tidak: kembali ke no. 1"), (None, Some(1)));
        assert_eq!(v.branch_targets("Ya Tidak"), (None, None));
    }
}
