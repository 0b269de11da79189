//! Vocabulary is data: each rules file is replaced in turn by a copy whose every word is
//! nonsense (same shape, same numbers), and what the file governs stops being
//! recognised, while the built-in file recognises it. A word the parser still knew
//! under a nonsense file would be a word hidden in Rust.

use sopap::{RuleSource, Rules, internals::DEFAULT_FILES, internals::Vocabulary};

/// Nonsense words, one per distinct string of a file (the same string gets the same
/// word, so an alias still points at a title).
#[derive(Default)]
struct Nonsense(std::collections::HashMap<String, String>);

impl Nonsense {
    /// The nonsense word for `s`: letters and digits, no Indonesian word.
    fn word(&mut self, s: &str) -> String {
        let n = self.0.len();
        self.0
            .entry(s.trim().to_lowercase())
            .or_insert_with(|| format!("zqx{n}vq"))
            .clone()
    }
}

/// Where a value sits in a rules file.
#[derive(Clone, Copy, PartialEq)]
enum Place {
    /// The file's root table: its keys are the shape.
    Root,
    /// A table directly under the root: a map of words (abbreviations, month names)
    /// when its values are strings or numbers, a map of roles to lists otherwise.
    TopTable,
    /// Anywhere else (inside lists, deeper tables): keys are the shape.
    Inner,
}

/// Every string of `v` replaced by nonsense; the keys of word maps (a top-level table's
/// keys whose values are strings or numbers) too.
fn scramble(v: toml::Value, counter: &mut Nonsense, place: Place) -> toml::Value {
    match v {
        toml::Value::String(s) => toml::Value::String(counter.word(&s)),
        toml::Value::Array(a) => toml::Value::Array(
            a.into_iter()
                .map(|x| scramble(x, counter, Place::Inner))
                .collect(),
        ),
        toml::Value::Table(t) => {
            let mut out = toml::Table::new();
            for (k, x) in t {
                let scalar = matches!(
                    x,
                    toml::Value::String(_) | toml::Value::Integer(_) | toml::Value::Float(_)
                );
                let key = if place == Place::TopTable && scalar {
                    counter.word(&k)
                } else {
                    k
                };
                let child = if place == Place::Root {
                    Place::TopTable
                } else {
                    Place::Inner
                };
                out.insert(key, scramble(x, counter, child));
            }
            toml::Value::Table(out)
        }
        other => other,
    }
}

/// The built-in file `name` with every word replaced by nonsense.
fn nonsense_file(name: &str) -> String {
    let text = DEFAULT_FILES
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(_, t)| *t)
        .unwrap_or_else(|| panic!("no built-in rules file {name}"));
    let table: toml::Value = toml::from_str(text).unwrap();
    let mut words = Nonsense::default();
    toml::to_string(&scramble(table, &mut words, Place::Root)).unwrap()
}

fn vocab_with_nonsense(name: &str) -> Vocabulary {
    let src = RuleSource::default().with_text(name, nonsense_file(name));
    match Rules::from_source(&src) {
        Ok(r) => r.vocab,
        Err(e) => panic!("nonsense {name} does not load: {e}"),
    }
}

/// One governed recognition: true when the vocabulary recognises it.
type Probe = fn(&Vocabulary) -> bool;

/// What each vocabulary file governs, as probes that hold under the built-in rules.
fn probes(name: &str) -> Vec<(&'static str, Probe)> {
    match name {
        "actors.toml" => vec![
            ("Kasubbag Umum expands", |v| {
                v.canonical_actor("Kasubbag Umum") == "Kepala Sub Bagian Umum"
            }),
            ("Kepala Dinas is a known title", |v| {
                v.is_known_actor("Kepala Dinas")
            }),
            ("dan stays lower case in a name written in capitals", |v| {
                v.canonical_actor("PETUGAS LOKET DAN ARSIP") == "Petugas Loket dan Arsip"
            }),
            (
                "the agent after oleh is the actor of a passive sentence",
                |v| {
                    sopap::internals::sentence_actor("Berkas diperiksa oleh Tim Teknis.", v)
                        .as_deref()
                        == Some("Tim Teknis")
                },
            ),
            ("the words before an active verb are the actor", |v| {
                sopap::internals::sentence_actor("Petugas Jaga menerima berkas", v).as_deref()
                    == Some("Petugas Jaga")
            }),
        ],
        "labels.toml" => vec![
            ("Nomor SOP is a label", |v| {
                v.identity_label("Nomor SOP").is_some()
            }),
            ("Dasar Hukum is a label", |v| {
                v.identity_label("Dasar Hukum").is_some()
            }),
            ("Sarana & Prasarana is a label", |v| {
                v.identity_label("Sarana & Prasarana").is_some()
            }),
        ],
        "headers.toml" => vec![
            ("Kegiatan is a header", |v| {
                v.column_role("Kegiatan").is_some()
            }),
            ("Waktu is a header", |v| v.column_role("Waktu").is_some()),
        ],
        "marks.toml" => vec![("√ is a mark", |v| v.is_mark("√"))],
        "time.toml" => vec![
            ("15 menit is read", |v| v.minutes("15 menit") == Some(15.0)),
            ("a named month is read", |v| {
                v.date("21 Juni 2022").as_deref() == Some("2022-06-21")
            }),
        ],
        "decisions.toml" => vec![
            ("Apakah … ? is a decision", |v| {
                v.is_decision("Apakah berkas lengkap")
            }),
            ("pointer branches are read", |v| {
                v.branch_targets("Tidak ke langkah 2, Ya ke langkah 4") != (None, None)
            }),
            ("free-text branches are read", |v| {
                v.text_branches("Tidak: kembali 1") != (None, None)
            }),
            ("Ya is a branch label", |v| v.is_branch_label("Ya")),
        ],
        "document.toml" => vec![
            ("the SOP heading is known", |v| {
                v.is_sop_heading("STANDAR OPERASIONAL PROSEDUR")
            }),
            ("the government line is known", |v| {
                v.is_gov_line("PEMERINTAH KOTA TOMOHON")
            }),
            ("the procedure heading is known", |v| {
                v.is_procedure_heading("URAIAN PROSEDUR")
            }),
            ("a wrapped line starting with dan is not glued", |v| {
                let doc = sopap::Document {
                    format: Some(sopap::Format::Pdf),
                    ..Default::default()
                };
                sopap::internals::Dewrap::for_document(&doc, v).fix("Surat\ndan berkas")
                    == "Surat\ndan berkas"
            }),
            ("Nama is an approver sub-label", |v| {
                v.is_approver_name_label("Nama")
            }),
            ("a closing dan is dropped from a list item", |v| {
                let lines =
                    ["1. Undang-Undang Nomor 5; dan", "2. Peraturan Daerah"].map(str::to_string);
                sopap::internals::split_items(&lines, v)
                    == ["Undang-Undang Nomor 5", "Peraturan Daerah"]
            }),
        ],
        "agencies.toml" => vec![
            ("an acronym folder is written out", |v| {
                v.agency_names().folder_name("BPKAD").name
                    == "Badan Pengelolaan Keuangan dan Aset Daerah"
            }),
            ("an abbreviated unit type is written out", |v| {
                v.agency_names().folder_name("Kec. Wenang").name == "Kecamatan Wenang"
            }),
            ("a small word stays lower case in a folder name", |v| {
                v.agency_names()
                    .folder_name("dinas-pemuda-dan-olahraga-kota")
                    .name
                    .contains(" dan ")
            }),
            ("a roman numeral is a number in words", |v| {
                v.agency_names()
                    .abbreviates("Kel Kakaskasen I", "Kelurahan Kakaskasen Satu")
            }),
        ],
        _ => Vec::new(),
    }
}

#[test]
fn every_vocabulary_file_governs_what_it_names() {
    let defaults = Rules::defaults().unwrap().vocab;
    let mut checked = 0;
    for (name, _) in DEFAULT_FILES {
        if *name == "findings.toml" || *name == "ocr.toml" {
            continue; // not the parser's vocabulary: severities and OCR, checked below
        }
        let ps = probes(name);
        assert!(!ps.is_empty(), "no probe for rules file {name}");
        let scrambled = vocab_with_nonsense(name);
        for (what, probe) in ps {
            assert!(probe(&defaults), "{name}: built-in rules fail: {what}");
            assert!(
                !probe(&scrambled),
                "{name} replaced by nonsense, yet still: {what} (a word hidden in Rust?)"
            );
            checked += 1;
        }
    }
    assert!(checked >= 15);
}

#[test]
fn nonsense_findings_file_is_refused_not_ignored() {
    // Severities are a closed set: a nonsense findings file is an error naming the
    // file, never a silent change of what is reported.
    let src = RuleSource::default().with_text("findings.toml", nonsense_file("findings.toml"));
    let e = Rules::from_source(&src).expect_err("nonsense severities accepted");
    assert!(e.to_string().contains("findings.toml"), "{e}");
}

#[test]
fn ocr_file_governs_the_confusion_folds() {
    // Built in: a confused reading of a domain word is folded back to it.
    let defaults = Rules::defaults().unwrap().ocr;
    assert_eq!(defaults.fold("PeIaksana"), "Pelaksana");
    assert_eq!(defaults.fold("l."), "1.");
    assert_eq!(defaults.languages, "ind+eng");
    // Nonsense words: the same reading stays as read (no word hidden in Rust).
    let src = RuleSource::default().with_text("ocr.toml", nonsense_file("ocr.toml"));
    let scrambled = Rules::from_source(&src).unwrap().ocr;
    assert_eq!(scrambled.fold("PeIaksana"), "PeIaksana");
    assert_eq!(scrambled.fold("l."), "l.");
    assert_ne!(scrambled.languages, "ind+eng");
}
