//! SOP parsing of one development-corpus file per layout, checked against the corpus
//! truth: SOP count, step numbers and activities, symbols, times, branches, the column
//! of each step's actor, and identity fields.
//!
//! The SOP's actors are compared by canonical name; each step's actors by their column
//! (position in the SOP's actor list), i.e. where the parser found the symbol or mark.

use std::collections::HashMap;
use std::path::PathBuf;

use serde_json::Value;
use sopap::{Budget, Limits, Rules, Sop, Symbol, parse};

use crate::support;
use support::{CORPUS, FIXTURES};

/// Where a test file and its truth live: the development corpus or the fixtures.
#[derive(Clone, Copy)]
enum Set {
    Corpus,
    Fixtures,
}

impl Set {
    fn root(self) -> PathBuf {
        match self {
            Set::Corpus => PathBuf::from(CORPUS),
            Set::Fixtures => PathBuf::from(FIXTURES),
        }
    }

    fn truth(self) -> Option<Value> {
        let name = match self {
            Set::Corpus => "truth.json",
            Set::Fixtures => "expected.json",
        };
        let text = std::fs::read_to_string(self.root().join(name)).ok()?;
        serde_json::from_str(&text).ok()
    }
}

fn norm(s: &str) -> Vec<String> {
    s.to_lowercase()
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_string)
        .collect()
}

/// Token Dice similarity, as the corpus scorer computes it.
fn sim(a: &str, b: &str) -> f64 {
    let (ta, tb) = (norm(a), norm(b));
    if ta.is_empty() && tb.is_empty() {
        return 1.0;
    }
    let mut counts: HashMap<&str, i32> = HashMap::new();
    for t in &ta {
        *counts.entry(t).or_default() += 1;
    }
    let mut common = 0;
    for t in &tb {
        if let Some(c) = counts.get_mut(t.as_str())
            && *c > 0
        {
            *c -= 1;
            common += 1;
        }
    }
    2.0 * common as f64 / (ta.len() + tb.len()) as f64
}

fn parse_file(set: Set, rel: &str) -> Vec<Sop> {
    let p = set.root().join("archive").join(rel);
    let bytes = std::fs::read(&p).unwrap();
    let doc = sopap::read(&bytes, &Budget::new(Limits::default())).unwrap();
    parse(&doc, &Rules::defaults().unwrap())
}

fn symbol_name(s: Option<Symbol>) -> Value {
    match s {
        Some(Symbol::Terminator) => "terminator".into(),
        Some(Symbol::Process) => "process".into(),
        Some(Symbol::Decision) => "decision".into(),
        Some(Symbol::Connector) => "connector".into(),
        Some(Symbol::Offpage) => "offpage".into(),
        None => Value::Null,
    }
}

fn opt_u32(v: &Value) -> Option<u32> {
    v.as_u64().map(|x| x as u32)
}

/// Checks `rel` against truth; `check_actors` false for narratives (actor names come
/// from the sentence, not a column).
fn check(rel: &str, check_actors: bool) {
    check_in(Set::Corpus, rel, check_actors);
}

/// Checks fixture file `rel` against `fixtures/expected.json`.
fn fixture(rel: &str) {
    check_in(Set::Fixtures, rel, true);
}

fn check_in(set: Set, rel: &str, check_actors: bool) {
    if matches!(set, Set::Corpus) {
        shared_or_skip!(CORPUS);
    }
    let Some(truth) = set.truth() else {
        panic!("truth of {rel} not found under {}", set.root().display());
    };
    let file = &truth["files"][rel];
    let tsops = file["sops"].as_array().unwrap();
    let sops = parse_file(set, rel);
    assert_eq!(sops.len(), tsops.len(), "{rel}: SOP count");
    for (k, (t, o)) in tsops.iter().zip(&sops).enumerate() {
        let at = |what: &str| format!("{rel} SOP {}: {what}", k + 1);
        let tid = &t["identity"];
        assert_eq!(
            o.identity.number.as_deref().map(|s| s.replace(' ', "")),
            tid["number"].as_str().map(|s| s.replace(' ', "")),
            "{}",
            at("number")
        );
        assert_eq!(
            o.identity.title.as_deref().map(norm),
            tid["title"].as_str().map(norm),
            "{}",
            at("title")
        );
        let nip =
            |s: Option<&str>| s.map(|x| x.chars().filter(char::is_ascii_digit).collect::<String>());
        assert_eq!(
            nip(o
                .identity
                .approved_by
                .as_ref()
                .and_then(|a| a.nip.as_deref())),
            nip(tid["approved_by"]["nip"].as_str()),
            "{}",
            at("NIP")
        );
        let tsteps = t["steps"].as_array().unwrap();
        assert_eq!(o.steps.len(), tsteps.len(), "{}", at("step count"));
        let tactors: Vec<&str> = t["actors"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(Value::as_str)
            .collect();
        if check_actors {
            // canonical names, compared as the scorer does (case, spaces, punctuation)
            let key = |s: &str| {
                s.to_lowercase()
                    .chars()
                    .filter(|c| c.is_alphanumeric())
                    .collect::<String>()
            };
            let on: Vec<String> = o.actors.iter().map(|a| key(a)).collect();
            let tn: Vec<String> = tactors.iter().map(|a| key(a)).collect();
            assert_eq!(on, tn, "{}", at("actors"));
        }
        for (ts, os) in tsteps.iter().zip(&o.steps) {
            let no = ts["no"].as_u64().unwrap() as u32;
            let here = |w: &str| at(&format!("step {no} {w}"));
            assert_eq!(os.no, no, "{}", here("number"));
            let ta = ts["activity"].as_str().unwrap();
            assert!(
                sim(ta, &os.activity) >= 0.85,
                "{}: {:?} vs {:?}",
                here("activity"),
                os.activity,
                ta
            );
            assert_eq!(symbol_name(os.symbol), ts["symbol"], "{}", here("symbol"));
            assert_eq!(
                os.time.as_deref().map(norm),
                ts["time"].as_str().map(norm),
                "{}",
                here("time")
            );
            assert_eq!(os.if_yes, opt_u32(&ts["if_yes"]), "{}", here("if_yes"));
            assert_eq!(os.if_no, opt_u32(&ts["if_no"]), "{}", here("if_no"));
            let tnext: Vec<u32> = ts["next"]
                .as_array()
                .unwrap()
                .iter()
                .filter_map(opt_u32)
                .collect();
            assert_eq!(os.next, tnext, "{}", here("next"));
            if check_actors {
                let mut oi: Vec<usize> = os
                    .actors
                    .iter()
                    .filter_map(|a| o.actors.iter().position(|x| x == a))
                    .collect();
                let mut ti: Vec<usize> = ts["actors"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .filter_map(Value::as_str)
                    .filter_map(|a| tactors.iter().position(|x| *x == a))
                    .collect();
                oi.sort_unstable();
                ti.sort_unstable();
                assert_eq!(oi, ti, "{}: {:?}", here("actor columns"), os.actors);
            }
        }
    }
}

#[test]
fn drawingml_shapes_in_the_actor_cell() {
    check("BKPSDM/2021/SOP Cuti.docx", true);
}

#[test]
fn drawingml_shapes_offset_from_the_kegiatan_cell() {
    check("BPKAD/SOP_RENJA.docx", true);
}

#[test]
fn drawingml_group_of_all_shapes() {
    check("BPKAD/revisi/Pengadaan Langsung 2013.docx", true);
}

#[test]
fn vml_shapes() {
    check("BKPSDM/SOP Pengadaan Langsung.docx", true);
}

#[test]
fn excel_drawing_shapes_one_sop_per_sheet() {
    check("BPKAD/Bidang/SOP Surat Keluar.xlsx", true);
    check("BPKAD/SOP/buku_sop_bpkad_2020.xlsx", true);
}

#[test]
fn excel_identity_above_the_procedure_table() {
    check("bagian-organisasi/2021/buku_sop_org_2013.xlsx", true);
}

#[test]
fn mark_tables_in_word_and_excel() {
    check("bappeda/2021/SOP Pelayanan Cuti Pegawai.docx", true);
    check("Kel. Kakaskasen I/SOP/BUKU SOP KEL-KKS1 2023.xlsx", true);
}

#[test]
fn multi_sop_books() {
    check(
        "Kel. Kakaskasen I/Sekretariat/Kumpulan SOP Kelurahan Kakaskasen Satu.docx",
        true,
    );
    check("BPKAD/SOP 2019/buku_sop_bpkad_2023.docx", true);
    check("BPKAD/SOP 2019/buku_sop_bpkad_2023.pdf", true);
}

#[test]
fn table_continued_over_pages() {
    check(
        "dinas-kependudukan-dan-pencatatan-sipil/SOP_CUTI.docx",
        true,
    );
    check("dinas-kependudukan-dan-pencatatan-sipil/SOP_CUTI.pdf", true);
    check("bagian-organisasi/SOP SPPD.docx", true);
}

#[test]
fn narrative_numbered_list() {
    check("BPKAD/sop_kenaikan_pangkat_2021.docx", true);
}

#[test]
fn narrative_two_column_table() {
    check("bappeda/final/sop_renja_2017.docx", true);
}

#[test]
fn fixtures_flowchart_tables_in_word() {
    fixture("BAPENDA/Perencanaan/SOP Penyusunan Renja 2024.docx");
    fixture("dinas-sosial/2022/SOP Pelayanan Cuti Pegawai.docx");
    fixture("inspektorat/2020/SOP Pemeriksaan Reguler.docx");
    fixture("DPMPTSP/Bidang Perizinan/SOP Izin Usaha Mikro dan Kecil.docx");
    fixture("Disdukcapil/Sekretariat/sop_surat_masuk_2016.docx");
}

#[test]
fn fixtures_books_long_tables_and_pdf_exports() {
    fixture("DPMPTSP/BUKU SOP DPMPTSP 2023.docx");
    fixture("DPMPTSP/pdf/BUKU SOP DPMPTSP 2023.pdf");
    fixture("dinas-sosial/2023/SOP Pengadaan Langsung.docx");
    fixture("dinas-sosial/2023/pdf/SOP Pengadaan Langsung.pdf");
}

#[test]
fn fixtures_sheets_and_marks() {
    fixture("kecamatan-wenang/Buku SOP Kecamatan Wenang 2021.xlsx");
    fixture("Disdukcapil/Bidang/Kumpulan SOP Dafduk dan Capil.xlsx");
    fixture("Disdukcapil/Bidang/Kumpulan SOP Dafduk dan Capil.ods");
    fixture("dinas-sosial/SOP Surat Keluar (ceklis).docx");
}

#[test]
fn fixtures_narratives() {
    fixture("inspektorat/lama/SOP Cuti 2015.docx");
    fixture("Kel. Tikala/SOP SKTM.docx");
}
