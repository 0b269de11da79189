//! Consistency of the project's own fixtures: `fixtures/expected.json` against
//! `fixtures/archive`. The parser tests proper live with the readers; this only makes sure
//! the ground truth they are measured against is complete and self-consistent.

use std::collections::BTreeSet;
use std::fs::File;
use std::io::Read;
use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::support;

const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures");
const SYMBOLS: [&str; 5] = ["terminator", "process", "decision", "connector", "offpage"];
const ERROR_KINDS: [&str; 6] = [
    "corrupt",
    "encrypted",
    "unsupported",
    "too-large",
    "timeout",
    "no-sop-found",
];

fn expected() -> Value {
    let text = std::fs::read_to_string(Path::new(FIXTURES).join("expected.json")).unwrap();
    serde_json::from_str(&text).unwrap()
}

fn archive() -> PathBuf {
    Path::new(FIXTURES).join("archive")
}

fn files(v: &Value) -> &serde_json::Map<String, Value> {
    v["files"].as_object().unwrap()
}

fn zip_part(rel: &str, part: &str) -> String {
    let file = File::open(archive().join(rel)).unwrap();
    let mut zip = zip::ZipArchive::new(file).unwrap();
    let mut text = String::new();
    zip.by_name(part)
        .unwrap()
        .read_to_string(&mut text)
        .unwrap();
    text
}

#[test]
fn every_listed_file_exists_and_every_file_is_listed() {
    let v = expected();
    let mut on_disk: BTreeSet<String> =
        support::relative_names(&archive(), &support::all_files_under(&archive()))
            .into_iter()
            .collect();
    on_disk.remove("agencies.csv");
    let listed: BTreeSet<String> = files(&v).keys().cloned().collect();
    assert_eq!(listed, on_disk);
    assert!(listed.len() >= 20, "only {} fixture files", listed.len());
}

#[test]
fn steps_are_consistent_with_their_sop() {
    let v = expected();
    let mut sops = 0;
    for (path, f) in files(&v) {
        let list = f["sops"].as_array().unwrap();
        if let Some(kind) = f["error"].as_str() {
            assert!(ERROR_KINDS.contains(&kind), "{path}: error kind {kind}");
            assert!(list.is_empty(), "{path}: a failing file lists SOPs");
            continue;
        }
        assert!(!list.is_empty(), "{path}: no SOP");
        for sop in list {
            sops += 1;
            let actors: Vec<&str> = sop["actors"]
                .as_array()
                .unwrap()
                .iter()
                .map(|a| a.as_str().unwrap())
                .collect();
            let steps = sop["steps"].as_array().unwrap();
            let n = steps.len() as u64;
            for (i, step) in steps.iter().enumerate() {
                let no = step["no"].as_u64().unwrap();
                assert_eq!(no, i as u64 + 1, "{path}: step numbering");
                let step_actors = step["actors"].as_array().unwrap();
                assert!(!step_actors.is_empty(), "{path} step {no}: no actor");
                for a in step_actors {
                    let a = a.as_str().unwrap();
                    assert!(
                        actors.contains(&a),
                        "{path} step {no}: {a} not in {actors:?}"
                    );
                }
                let symbol = step["symbol"].as_str().unwrap();
                assert!(
                    SYMBOLS.contains(&symbol),
                    "{path} step {no}: symbol {symbol}"
                );
                let next: Vec<u64> = step["next"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|x| x.as_u64().unwrap())
                    .collect();
                assert!(
                    next.iter().all(|&t| (1..=n).contains(&t)),
                    "{path} step {no}"
                );
                if symbol == "decision" {
                    let yes = step["if_yes"].as_u64().unwrap();
                    let no_ = step["if_no"].as_u64().unwrap();
                    assert_eq!(next, vec![yes, no_], "{path} step {no}: decision next");
                } else {
                    assert!(step["if_yes"].is_null() && step["if_no"].is_null());
                    let want: Vec<u64> = if no == n { vec![] } else { vec![no + 1] };
                    assert_eq!(next, want, "{path} step {no}: next");
                }
                assert_eq!(
                    step["time"].is_null(),
                    step["minutes"].is_null(),
                    "{path} {no}"
                );
            }
        }
    }
    assert!(sops >= 30, "only {sops} SOPs");
}

#[test]
fn converted_files_share_the_truth_of_their_source() {
    let v = expected();
    let all = files(&v);
    let mut converted = 0;
    for (path, f) in all {
        if let Some(src) = f["derived_from"].as_str() {
            converted += 1;
            assert_eq!(f["producer"], "LibreOffice", "{path}");
            assert_eq!(f["sops"], all[src]["sops"], "{path} differs from {src}");
        }
    }
    assert!(converted >= 8);
}

#[test]
fn manifest_names_the_agencies_of_abbreviated_folders() {
    let csv = std::fs::read_to_string(archive().join("agencies.csv")).unwrap();
    let mut lines = csv.lines();
    assert_eq!(lines.next(), Some("path_prefix,agency"));
    let rows: Vec<(&str, &str)> = lines.map(|l| l.split_once(',').unwrap()).collect();
    assert!(rows.contains(&("Disdukcapil", "Dinas Kependudukan dan Pencatatan Sipil")));
    let v = expected();
    let f = &files(&v)["Disdukcapil/Sekretariat/sop_surat_masuk_2016.docx"];
    assert_eq!(
        f["sops"][0]["agency"],
        "Dinas Kependudukan dan Pencatatan Sipil"
    );
    let f = &files(&v)["kecamatan-wenang/SOP/SOP Penanganan Pengaduan.docx"];
    assert_eq!(f["sops"][0]["agency"], "Kecamatan Wenang");
}

#[test]
fn fixture_documents_hold_the_structures_they_claim() {
    // DrawingML in-cell shapes with a VML fallback repeating them
    let xml = zip_part(
        "dinas-sosial/2022/SOP Pelayanan Cuti Pegawai.docx",
        "word/document.xml",
    );
    assert_eq!(xml.matches("<mc:Fallback>").count(), 7);
    assert!(xml.contains("prst=\"flowChartDecision\"") && xml.contains("<w:tblHeader/>"));
    // legacy VML only
    let xml = zip_part(
        "Disdukcapil/Sekretariat/sop_surat_masuk_2016.docx",
        "word/document.xml",
    );
    assert!(xml.contains("<v:roundrect") && xml.contains("o:spt=\"4\""));
    assert!(!xml.contains("<wps:wsp>"));
    // one group holding every shape
    let xml = zip_part(
        "DPMPTSP/Bidang Perizinan/SOP Izin Usaha Mikro dan Kecil.docx",
        "word/document.xml",
    );
    assert_eq!(xml.matches("<wpg:wgp>").count(), 1);
    // Excel drawing with both anchor kinds and connectors
    let xml = zip_part(
        "kecamatan-wenang/Buku SOP Kecamatan Wenang 2021.xlsx",
        "xl/drawings/drawing2.xml",
    );
    assert!(xml.contains("<xdr:oneCellAnchor>") && xml.contains("<xdr:twoCellAnchor"));
    assert!(xml.contains("<xdr:cxnSp"));
    // a step marked in two columns
    let v = expected();
    let f = &files(&v)["dinas-sosial/SOP Surat Keluar (ceklis).docx"];
    assert_eq!(
        f["sops"][0]["steps"][2]["actors"],
        serde_json::json!(["Kepala Sub Bagian Umum dan Kepegawaian", "Sekretaris"])
    );
}
