//! The exported .docx and .xlsx open in LibreOffice: converted to PDF by headless
//! `soffice`, the PDF parsed by sopap gives the same steps and actors again. Runs only
//! where `soffice` is installed.

use std::path::Path;
use std::process::Command;

use sopap::{ExportFormat as Format, FileContext, Limits, Rules, Sop, process_bytes, render};

use crate::support;
use support::ARCHIVE;
/// Corpus files whose SOPs are exported: decisions with a back branch, four, five and
/// seven actors (long actor names in narrow columns), a narrative SOP.
const FILES: &[&str] = &[
    "bappeda/Arsip SOP/Surat Masuk 2023.docx",
    "BKPSDM/2021/SOP Cuti.docx",
    "kecamatan-tomohon-utara/Sekretariat/SOP SPPD.docx",
];

fn soffice() -> bool {
    Command::new("soffice")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success())
}

fn parse(rel: &str, bytes: &[u8]) -> Vec<Sop> {
    let rules = Rules::defaults().unwrap();
    let ctx = FileContext {
        rel_path: rel.to_string(),
        agency: None,
    };
    process_bytes(&ctx, bytes, &rules, &Limits::default()).unwrap()
}

/// Text with all whitespace removed: a PDF line wrap may split a word ("Kepegawai an").
fn squash(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

fn to_pdf(dir: &Path, file: &Path) -> Vec<u8> {
    let profile = format!("-env:UserInstallation=file://{}/lo-profile", dir.display());
    let st = Command::new("soffice")
        .arg(&profile)
        .args(["--headless", "--convert-to", "pdf", "--outdir"])
        .arg(dir)
        .arg(file)
        .output()
        .unwrap();
    assert!(st.status.success(), "soffice failed: {st:?}");
    std::fs::read(file.with_extension("pdf")).unwrap()
}

#[test]
fn exported_documents_survive_libreoffice_pdf() {
    shared_or_skip!(ARCHIVE);
    if !soffice() {
        eprintln!("soffice missing: skipped");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let mut checked = 0;
    for rel in FILES {
        let bytes = std::fs::read(Path::new(ARCHIVE).join(rel)).unwrap();
        for (k, sop) in parse(rel, &bytes).iter().enumerate() {
            for format in [Format::Docx, Format::Xlsx] {
                let file = dir
                    .path()
                    .join(format!("sop{checked}-{k}.{}", format.ext()));
                std::fs::write(&file, render(sop, format).unwrap()).unwrap();
                let pdf = to_pdf(dir.path(), &file);
                let back = parse("x.pdf", &pdf);
                let b = &back[0];
                let what = format!("{rel}#{} via {}", k + 1, format.ext());
                let actors: Vec<_> = sop.actors.iter().map(|a| squash(a)).collect();
                let actors_back: Vec<_> = b.actors.iter().map(|a| squash(a)).collect();
                assert_eq!(actors, actors_back, "{what}: actors");
                assert_eq!(sop.steps.len(), b.steps.len(), "{what}: step count");
                for (x, y) in sop.steps.iter().zip(&b.steps) {
                    assert_eq!(x.no, y.no, "{what}");
                    assert_eq!(squash(&x.activity), squash(&y.activity), "{what}");
                    assert_eq!(x.symbol, y.symbol, "{what}: step {} symbol", x.no);
                    let xa: Vec<_> = x.actors.iter().map(|a| squash(a)).collect();
                    let ya: Vec<_> = y.actors.iter().map(|a| squash(a)).collect();
                    assert_eq!(xa, ya, "{what}: step {} actors", x.no);
                }
                checked += 1;
            }
        }
    }
    assert!(checked >= 6, "only {checked} documents checked");
}
