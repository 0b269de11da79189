//! Identity fields of an SOP: recognising `Label : value` lines and label cells, and
//! turning a collected value into the [`Identity`] record's typed fields (dates, the
//! approver, list items).
//!
//! Labels are recognised only through [`Vocabulary::identity_label`]; this module knows
//! the shapes values come in (one line, several lines, numbered or bulleted items), not
//! the spellings of labels.

use std::sync::LazyLock;

use regex::Regex;

use super::normalise::strip_list_marker;
use super::record::{Approver, Identity};
use super::vocab::{Context, IdentityField, Vocabulary};

/// A value collected for one identity field: its text lines in order, and a typed date
/// where the source cell carried one (a spreadsheet date cell).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct FieldValue {
    /// The value's lines as written (label removed).
    pub lines: Vec<String>,
    /// An ISO date the source stored as a typed date value.
    pub date: Option<String>,
}

impl FieldValue {
    /// A value from a block of text (split into lines).
    pub fn from_text(text: &str) -> Self {
        FieldValue {
            lines: text.lines().map(str::to_string).collect(),
            date: None,
        }
    }

    /// True when the value holds no text and no date.
    pub fn is_empty(&self) -> bool {
        self.date.is_none() && self.lines.iter().all(|l| l.trim().is_empty())
    }
}

/// Normalises a label candidate: whitespace collapsed, surrounding `:` and spaces removed.
fn clean_label(s: &str) -> String {
    let s = s.trim().trim_end_matches([':', ' ', '\u{a0}']).trim();
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The identity field a whole text names when it is nothing but a label
/// (`"Dasar Hukum:"`, `"NOMOR SOP"`), or None.
pub fn whole_label(text: &str, vocab: &Vocabulary) -> Option<IdentityField> {
    whole_label_in(text, vocab, Context::Alone)
}

/// Most lines a label may wrap over inside its cell ("Tanggal" / "Pembuatan").
const MAX_LABEL_LINES: usize = 3;
/// Longest label, in characters (a combined label "Peralatan/Perlengkapan / Sarana dan
/// Prasarana" included).
const MAX_LABEL_LEN: usize = 60;

/// [`whole_label`] in `ctx`; a label wrapped over a few lines of its cell (lines
/// without digits: never a label followed by its value) is read joined.
pub fn whole_label_in(text: &str, vocab: &Vocabulary, ctx: Context) -> Option<IdentityField> {
    let trimmed = text.trim();
    let t = if trimmed.contains('\n') {
        let lines: Vec<&str> = trimmed
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .collect();
        if lines.len() > MAX_LABEL_LINES
            || trimmed.chars().any(|c| c.is_ascii_digit())
            || lines
                .iter()
                .take(lines.len().saturating_sub(1))
                .any(|l| l.ends_with(':'))
        {
            return None;
        }
        if value_below_label(&lines, vocab, ctx) {
            return None;
        }
        clean_label(&lines.join(" "))
    } else {
        clean_label(text)
    };
    if t.is_empty() || t.chars().count() > MAX_LABEL_LEN {
        return None;
    }
    if vocab.is_approver_sublabel(&t) {
        return None;
    }
    vocab.identity_label_in(&t, ctx)
}

/// Most words of a line continuing a label wrapped in its cell ("Unit" / "Kerja",
/// "Keterkaitan dengan" / "SOP lain"); a longer line under a label is its value.
const MAX_LABEL_WRAP_WORDS: usize = 2;

/// True when the first of a cell's lines is a label by itself and a later line reads as
/// its value, not as the label's wrap: a list item (a bullet, a dash, a letter or number
/// before a dot) or more words than a wrap has ("Keterkaitan" / "SOP Penanganan
/// Pengaduan Masyarakat").
fn value_below_label(lines: &[&str], vocab: &Vocabulary, ctx: Context) -> bool {
    let Some((first, rest)) = lines.split_first() else {
        return false;
    };
    vocab.identity_label_in(&clean_label(first), ctx).is_some()
        && rest.iter().any(|l| {
            strip_list_marker(l) != l.trim_start()
                || l.split_whitespace().count() > MAX_LABEL_WRAP_WORDS
        })
}

/// Splits a `Label : value` line whose label the vocabulary knows: the field and the
/// rest of the line after the first `:` (possibly empty). A line that is only a label
/// (with or without the colon) gives an empty rest. A colon inside an open parenthesis
/// ("… (Disahkan oleh: jabatan, nama, NIP) …", a sentence quoting a label) splits no
/// label from its value.
pub fn split_label_line(line: &str, vocab: &Vocabulary) -> Option<(IdentityField, String)> {
    if let Some((label, rest)) = line.split_once(':')
        && label.matches('(').count() <= label.matches(')').count()
        && let Some(f) = whole_label_in(label, vocab, Context::Supported)
    {
        return Some((f, rest.trim().to_string()));
    }
    whole_label(line, vocab).map(|f| (f, String::new()))
}

/// True when `field` holds one value that a single line completes (number, title,
/// unit, dates); lists and the approver take continuation lines.
pub fn is_scalar(field: IdentityField) -> bool {
    matches!(
        field,
        IdentityField::Number
            | IdentityField::Title
            | IdentityField::Unit
            | IdentityField::Created
            | IdentityField::Revised
            | IdentityField::Effective
    )
}

/// True when `identity` already holds a value for `field`.
pub fn is_set(identity: &Identity, field: IdentityField) -> bool {
    match field {
        IdentityField::Number => identity.number.is_some(),
        IdentityField::Title => identity.title.is_some(),
        IdentityField::Unit => identity.unit.is_some(),
        IdentityField::Created => identity.created.is_some(),
        IdentityField::Revised => identity.revised.is_some(),
        IdentityField::Effective => identity.effective.is_some(),
        IdentityField::ApprovedBy => identity.approved_by.is_some(),
        IdentityField::LegalBasis => !identity.legal_basis.is_empty(),
        IdentityField::Qualifications => !identity.qualifications.is_empty(),
        IdentityField::RelatedSops => !identity.related_sops.is_empty(),
        IdentityField::Equipment => !identity.equipment.is_empty(),
        IdentityField::Warnings => !identity.warnings.is_empty(),
        IdentityField::Records => !identity.records.is_empty(),
    }
}

/// Writes `value` into `identity` as `field` (dates read to ISO, the approver split into
/// position, name and NIP, lists split into items).
pub fn apply(
    identity: &mut Identity,
    field: IdentityField,
    value: &FieldValue,
    vocab: &Vocabulary,
) {
    match field {
        IdentityField::Number => identity.number = first_line(value),
        IdentityField::Title => identity.title = title_of(value, vocab),
        IdentityField::Unit => identity.unit = joined(value),
        IdentityField::Created => identity.created = date_of(value, vocab),
        IdentityField::Revised => identity.revised = date_of(value, vocab),
        IdentityField::Effective => identity.effective = date_of(value, vocab),
        IdentityField::ApprovedBy => identity.approved_by = parse_approver(&value.lines, vocab),
        IdentityField::LegalBasis => identity.legal_basis = split_items(&value.lines, vocab),
        IdentityField::Qualifications => identity.qualifications = split_items(&value.lines, vocab),
        IdentityField::RelatedSops => identity.related_sops = split_items(&value.lines, vocab),
        IdentityField::Equipment => identity.equipment = split_items(&value.lines, vocab),
        IdentityField::Warnings => identity.warnings = split_items(&value.lines, vocab),
        IdentityField::Records => identity.records = split_items(&value.lines, vocab),
    }
}

/// True for a value that means "nothing" (`-`, `–`, empty).
fn is_blank(s: &str) -> bool {
    let t = s.trim();
    t.is_empty() || t.chars().all(|c| matches!(c, '-' | '–' | '—' | '.' | ' '))
}

fn first_line(value: &FieldValue) -> Option<String> {
    value
        .lines
        .iter()
        .map(|l| l.trim())
        .find(|l| !l.is_empty())
        .filter(|l| !is_blank(l))
        .map(str::to_string)
}

fn joined(value: &FieldValue) -> Option<String> {
    let s = value
        .lines
        .iter()
        .map(|l| l.trim())
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join(" ");
    (!is_blank(&s)).then_some(s)
}

/// A title: its lines joined (a title wrapped in its cell), signature lines dropped,
/// the document-type prefix removed.
fn title_of(value: &FieldValue, vocab: &Vocabulary) -> Option<String> {
    let lines: Vec<String> = value
        .lines
        .iter()
        .filter(|l| !vocab.is_signature_line(l))
        .cloned()
        .collect();
    let t = joined(&FieldValue { lines, date: None })?;
    Some(vocab.strip_title_prefix(&t))
}

fn date_of(value: &FieldValue, vocab: &Vocabulary) -> Option<String> {
    if let Some(d) = &value.date {
        return Some(d.clone());
    }
    let s = joined(value)?;
    vocab.date(&s)
}

static ENUM: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^\s*(?:\(?\d{1,2}[.)]\s*|\(?[a-zA-Z][.)]\s+|[-\u{2013}\u{2014}\u{2022}*\u{b7}\u{25cf}\u{25aa}\u{25e6}>\u{f0b7}]\s*)")
        .expect("static regex")
});

/// Splits list lines into items: one item per numbered / lettered / bulleted line,
/// numbering, a trailing `;` and a closing conjunction ("; dan", `rules/document.toml`)
/// dropped, `-` and empty lines skipped. An unnumbered line after a numbered item
/// continues that item (a wrapped line).
pub fn split_items(lines: &[String], vocab: &Vocabulary) -> Vec<String> {
    let mut items: Vec<String> = Vec::new();
    let mut last_enumerated = false;
    for line in lines {
        let t = line.trim();
        if t.is_empty() {
            continue;
        }
        let (enumerated, body) = match ENUM.find(t) {
            Some(m) => (true, t.get(m.end()..).unwrap_or("")),
            None => (false, t),
        };
        let body = body.trim();
        if is_blank(body) {
            continue;
        }
        match items.last_mut() {
            Some(prev) if !enumerated && (last_enumerated || wraps(prev, body)) => {
                prev.push(' ');
                prev.push_str(body);
            }
            _ => {
                items.push(body.to_string());
                last_enumerated = enumerated;
            }
        }
    }
    items
        .iter()
        .map(|i| clean_item(i, vocab))
        .filter(|i| !is_blank(i))
        .collect()
}

/// Words an item needs before its missing closing punctuation says it is cut by a wrap.
const UNFINISHED_MIN_WORDS: usize = 4;

/// True when the list line starts with a number, letter or bullet of its own.
pub fn is_enumerated(line: &str) -> bool {
    ENUM.is_match(line)
}

/// True when the list line is an enumerated item that reads as cut by a line wrap: more
/// than [`UNFINISHED_MIN_WORDS`] words and no closing mark (`;` `.` `:` `,` `)`) at its end.
pub fn unfinished_item(line: &str) -> bool {
    let t = line.trim_end();
    is_enumerated(t)
        && t.split_whitespace().count() > UNFINISHED_MIN_WORDS
        && !t.ends_with([';', '.', ':', ',', ')'])
}

/// True when `next` reads as the wrapped rest of the sentence `prev` (it starts in lower
/// case and `prev` is a sentence that does not end its item).
fn wraps(prev: &str, next: &str) -> bool {
    next.chars().next().is_some_and(char::is_lowercase)
        && prev.split_whitespace().count() >= 4
        && !prev.trim_end().ends_with([';', '.'])
}

/// An item without trailing `;` `,` and without a closing conjunction ("…; dan").
fn clean_item(s: &str, vocab: &Vocabulary) -> String {
    let mut t = s.trim();
    loop {
        let before = t;
        t = t.trim_end_matches([';', ',', ' ']).trim();
        if let Some((head, last)) = t.rsplit_once(' ')
            && vocab.is_list_conjunction(last)
        {
            t = head.trim();
        }
        if t == before {
            break;
        }
    }
    t.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Reads the approver block: position line(s), the name (a `Nama :` line or the line
/// just before the NIP), and the NIP (`NIP : …`, `NIP.…`). None when the block is empty.
pub fn parse_approver(lines: &[String], vocab: &Vocabulary) -> Option<Approver> {
    let mut nip = None;
    let mut name = None;
    let mut others: Vec<String> = Vec::new();
    for line in lines {
        let t = line.trim();
        if t.is_empty() {
            continue;
        }
        if let Some(v) = vocab.approver_nip_value(t) {
            let v = v.trim_end_matches('.').trim();
            nip = (!v.is_empty()).then(|| v.to_string());
            continue;
        }
        if let Some(v) = vocab.approver_name_value(t) {
            if !v.is_empty() {
                name = Some(v.to_string());
            }
            continue;
        }
        if is_blank(t) {
            continue;
        }
        others.push(t.to_string());
    }
    if name.is_none() && others.len() >= 2 {
        name = others.pop();
    }
    let position = (!others.is_empty()).then(|| others.join(" "));
    if position.is_none() && name.is_none() && nip.is_none() {
        return None;
    }
    Some(Approver {
        name,
        nip,
        position,
    })
}

/// An organisation header block: the agency (the line after `PEMERINTAH …`) and, when
/// the block goes on below the agency, its last line as the unit.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct OrgHeader {
    /// The agency line, title-cased.
    pub agency: Option<String>,
    /// The unit line (the block's last line when it has one below the agency).
    pub unit: Option<String>,
}

/// True when a line can continue an organisation header block (not a label line, not
/// the "STANDAR OPERASIONAL PROSEDUR" heading, not a numbered item).
pub fn continues_org(line: &str, vocab: &Vocabulary) -> bool {
    let t = line.trim();
    !t.contains(':')
        && !vocab.starts_heading(t)
        && !t.starts_with(|c: char| c.is_ascii_digit())
        && t.split_whitespace().count() <= 10
}

/// Reads an organisation header from the lines of one block (a cell or consecutive
/// paragraphs); None when the first line is not a `PEMERINTAH …` line. The agency runs
/// from the line after `PEMERINTAH …` up to a line naming a unit (`SUB BAGIAN …`,
/// `BIDANG …`, `SEKSI …`), which with the lines after it is the unit; wrapped lines are
/// joined. The block ends at a label line or the SOP heading.
pub fn org_header(lines: &[&str], vocab: &Vocabulary) -> Option<OrgHeader> {
    let mut it = lines.iter().map(|l| l.trim()).filter(|l| !l.is_empty());
    let first = it.next()?;
    if !vocab.is_gov_line(first) {
        return None;
    }
    let rest: Vec<&str> = it.take_while(|l| continues_org(l, vocab)).take(6).collect();
    let unit_start = rest
        .iter()
        .enumerate()
        .skip(1)
        .rev()
        .find(|(_, l)| vocab.is_unit_line(l))
        .map(|(i, _)| i);
    let (agency_lines, unit_lines) = match unit_start {
        Some(i) => rest.split_at(i),
        None => (rest.as_slice(), &[][..]),
    };
    let agency = (!agency_lines.is_empty()).then(|| title_case(&agency_lines.join(" "), vocab));
    let unit = (!unit_lines.is_empty()).then(|| unit_lines.join(" "));
    Some(OrgHeader { agency, unit })
}

/// Title case for an upper-case agency name, Indonesian conjunctions kept lower case.
pub fn title_case(s: &str, vocab: &Vocabulary) -> String {
    s.split_whitespace()
        .enumerate()
        .map(|(i, w)| {
            let lw = w.to_lowercase();
            if i > 0 && vocab.is_small_word(&lw) {
                return lw;
            }
            let mut cs = lw.chars();
            match cs.next() {
                Some(c) => c.to_uppercase().chain(cs).collect(),
                None => String::new(),
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(s: &[&str]) -> Vec<String> {
        s.iter().map(|x| x.to_string()).collect()
    }

    #[test]
    fn items_drop_numbering_bullets_and_semicolons() {
        let v = split_items(
            &lines(&[
                "",
                "1. Undang-Undang Nomor 23 Tahun 2014;",
                "2) Peraturan Pemerintah Nomor 11; dan",
                "• Kartu kendali",
                "- Buku agenda",
                "a. Map arsip",
            ]),
            &Vocabulary::default(),
        );
        assert_eq!(
            v,
            vec![
                "Undang-Undang Nomor 23 Tahun 2014",
                "Peraturan Pemerintah Nomor 11",
                "Kartu kendali",
                "Buku agenda",
                "Map arsip"
            ]
        );
        assert!(split_items(&lines(&["-"]), &Vocabulary::default()).is_empty());
        assert!(split_items(&lines(&["–"]), &Vocabulary::default()).is_empty());
    }

    #[test]
    fn wrapped_item_line_continues_the_item() {
        let v = split_items(
            &lines(&[
                "1. Peraturan Menteri Dalam Negeri Nomor 54 Tahun 2009 tentang",
                "Tata Naskah Dinas",
                "2. Undang-Undang Nomor 43 Tahun 2009",
            ]),
            &Vocabulary::default(),
        );
        assert_eq!(v.len(), 2);
        assert_eq!(
            v[0],
            "Peraturan Menteri Dalam Negeri Nomor 54 Tahun 2009 tentang Tata Naskah Dinas"
        );
    }

    #[test]
    fn unnumbered_sentence_wrapped_in_two_lines_is_one_item() {
        let v = split_items(
            &lines(&[
                "Apabila SOP ini tidak dilaksanakan, pelayanan administrasi menjadi",
                "terhambat",
            ]),
            &Vocabulary::default(),
        );
        assert_eq!(
            v,
            vec!["Apabila SOP ini tidak dilaksanakan, pelayanan administrasi menjadi terhambat"]
        );
    }

    #[test]
    fn approver_with_labels_and_without() {
        let v = Vocabulary::default();
        let a = parse_approver(
            &lines(&[
                "Lurah Kakaskasen Satu",
                "Nama :  Rudy Mandagi",
                "NIP :  19740120 200101 1 002",
            ]),
            &v,
        )
        .unwrap();
        assert_eq!(a.position.as_deref(), Some("Lurah Kakaskasen Satu"));
        assert_eq!(a.name.as_deref(), Some("Rudy Mandagi"));
        assert_eq!(a.nip.as_deref(), Some("19740120 200101 1 002"));

        let b = parse_approver(
            &lines(&[
                "Kepala Badan Pengelolaan Keuangan",
                "",
                "",
                "Ir. Rahmawati Lengkong, SE",
                "NIP.19810819 200909 2 006",
            ]),
            &v,
        )
        .unwrap();
        assert_eq!(
            b.position.as_deref(),
            Some("Kepala Badan Pengelolaan Keuangan")
        );
        assert_eq!(b.name.as_deref(), Some("Ir. Rahmawati Lengkong, SE"));
        assert_eq!(b.nip.as_deref(), Some("19810819 200909 2 006"));
        assert_eq!(parse_approver(&lines(&["", " "]), &v), None);
    }

    #[test]
    fn label_lines_split() {
        let v = Vocabulary::default();
        assert_eq!(
            split_label_line("Nomor SOP :  800/1/2019", &v),
            Some((IdentityField::Number, "800/1/2019".into()))
        );
        assert_eq!(
            split_label_line("Dasar Hukum:", &v),
            Some((IdentityField::LegalBasis, String::new()))
        );
        assert_eq!(split_label_line("Nama : Rudy", &v), None);
        assert_eq!(split_label_line("Tidak: kembali ke no. 1", &v), None);
    }

    #[test]
    fn org_header_gives_agency_and_unit() {
        let v = Vocabulary::default();
        let h = org_header(
            &[
                "PEMERINTAH KOTA TOMOHON",
                "BAGIAN ORGANISASI SEKRETARIAT DAERAH",
                "",
                "Sub Bagian Tata Laksana",
            ],
            &v,
        )
        .unwrap();
        let w = org_header(
            &[
                "PEMERINTAH KOTA MANADO",
                "DINAS PENANAMAN MODAL DAN PELAYANAN",
                "TERPADU SATU PINTU",
                "BIDANG PENGADUAN DAN",
                "INFORMASI",
                "Nomor SOP : 1/2/3",
            ],
            &v,
        )
        .unwrap();
        assert_eq!(
            w.agency.as_deref(),
            Some("Dinas Penanaman Modal dan Pelayanan Terpadu Satu Pintu")
        );
        assert_eq!(w.unit.as_deref(), Some("BIDANG PENGADUAN DAN INFORMASI"));
        assert_eq!(
            h.agency.as_deref(),
            Some("Bagian Organisasi Sekretariat Daerah")
        );
        assert_eq!(h.unit.as_deref(), Some("Sub Bagian Tata Laksana"));
        assert!(org_header(&["Nomor SOP"], &v).is_none());
        assert_eq!(
            title_case("BADAN KEPEGAWAIAN DAN PENGEMBANGAN", &v),
            "Badan Kepegawaian dan Pengembangan"
        );
    }
}
