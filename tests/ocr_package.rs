//! OCR of pictures pasted into office documents (issue #16): a .docx, .xlsx, .odt or .ods
//! whose identity is text and whose procedure table is a pasted screenshot.
//!
//! The documents in `tests/pictured/` are made by `fixtures/tools/pictured_office.py`
//! from `fixtures/docx/lo_group_pengadaan_langsung_2013.docx`: the procedure table
//! rendered alone (LibreOffice → PDF → pdftoppm at 150 or 300 dpi), cropped to its ink
//! and pasted as an inline DrawingML picture (PNG, JPEG), a VML `v:imagedata` picture, a
//! picture anchored over a sheet under the identity rows, the same saved as .odt/.ods by
//! LibreOffice, and an EMF picture nothing decodes. The steps, their actors and symbols
//! must come back as the text reader reads them from the original .docx, and the
//! identity as text.
//!
//! Where tesseract is absent the OCR tests print one line and pass (an absent engine
//! fails them with `SOPAP_REQUIRE_OCR` set).

use crate::ocr_raster::{compare, parse, without_the_engine_keeps_the_identity};
use crate::support;

use std::path::{Path, PathBuf};

use sopap::{FileContext, Limits, OcrPass, Rules, Sop, process_pass};

/// Steps, actors and symbols a pasted picture must give back (share of the text
/// reader's).
const FLOOR: f64 = 0.9;
/// The fixture the pictured documents were made from.
const SOURCE: &str = "lo_group_pengadaan_langsung_2013";
/// The finding of an SOP whose procedure is a picture.
const PROCEDURE_AS_IMAGE: &str = "procedure-as-image";

fn pictured(suffix: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/pictured")
        .join(format!("{SOURCE}{suffix}"))
}

/// The text reader's SOP of the original .docx.
fn truth() -> Sop {
    let docx = Path::new(support::FIXTURES)
        .join("docx")
        .join(format!("{SOURCE}.docx"));
    let sops = parse("source.docx", &std::fs::read(docx).unwrap());
    let sop = sops.into_iter().next().expect("the fixture's own SOP");
    assert!(
        sop.steps.len() >= 5,
        "fixture has {} steps",
        sop.steps.len()
    );
    sop
}

fn finding(sop: &Sop) -> String {
    sop.findings
        .iter()
        .find(|f| f.code == PROCEDURE_AS_IMAGE)
        .map(|f| f.message.clone())
        .unwrap_or_else(|| panic!("no {PROCEDURE_AS_IMAGE} finding: {:?}", sop.findings))
}

/// The pictured document reads back: identity as text, steps by OCR.
fn pasted_picture_reads_back(suffix: &str) {
    if !support::ocr_engine_or_skip() {
        return;
    }
    let truth = truth();
    let path = pictured(suffix);
    let got = parse(suffix, &std::fs::read(&path).unwrap());
    let sop = got.first().expect("an SOP");
    assert_eq!(sop.identity.number, truth.identity.number, "{suffix}");
    assert_eq!(sop.identity.title, truth.identity.title, "{suffix}");
    assert!(sop.source.ocr, "{suffix}: source.ocr not set");
    let (steps, actors, symbols, log) = compare(&truth, &got);
    eprintln!("{suffix}: steps {steps:.3} actors {actors:.3} symbols {symbols:.3}\n{log}");
    assert!(steps >= FLOOR, "{suffix} steps {steps:.3}\n{log}");
    assert!(actors >= FLOOR, "{suffix} actors {actors:.3}\n{log}");
    assert!(symbols >= FLOOR, "{suffix} symbols {symbols:.3}\n{log}");
    let message = finding(sop);
    assert!(message.contains("dibaca dengan OCR"), "{message}");
}

#[test]
fn docx_with_a_png_pasted_at_150_dpi_reads_its_steps() {
    pasted_picture_reads_back("-png150.docx");
}

#[test]
fn docx_with_a_png_pasted_at_300_dpi_reads_its_steps() {
    pasted_picture_reads_back("-png300.docx");
}

#[test]
fn docx_with_a_jpeg_pasted_reads_its_steps() {
    pasted_picture_reads_back("-jpeg.docx");
}

#[test]
fn docx_with_a_vml_imagedata_picture_reads_its_steps() {
    pasted_picture_reads_back("-vml.docx");
}

#[test]
fn xlsx_with_a_picture_under_the_identity_rows_reads_its_steps() {
    pasted_picture_reads_back(".xlsx");
}

#[test]
fn odt_and_ods_saved_by_libreoffice_read_their_steps() {
    pasted_picture_reads_back("-png150.odt");
    pasted_picture_reads_back(".ods");
}

#[test]
fn a_docx_picture_read_lands_after_the_identity_in_document_order() {
    if !support::ocr_engine_or_skip() {
        return;
    }
    let bytes = std::fs::read(pictured("-png150.docx")).unwrap();
    let (doc, sops, report) =
        sopap::read_document(&bytes, &Rules::defaults().unwrap(), &Default::default()).unwrap();
    assert_eq!(report.map(|r| r.read), Some(1));
    assert!(doc.ocr);
    let tables: Vec<usize> = doc.sections[0]
        .blocks
        .iter()
        .filter_map(|b| match b {
            sopap::Block::Table(t) => Some(t.rows.len()),
            sopap::Block::Paragraph(_) => None,
        })
        .collect();
    // The two identity tables as the .docx holds them, then the table read from the
    // picture (header rows and eight steps), with no page (a .docx has none).
    assert_eq!(&tables[..2], &[7, 6], "{tables:?}");
    assert!(tables.len() == 3 && tables[2] >= 10, "{tables:?}");
    assert!(
        doc.sections[0]
            .shapes
            .iter()
            .all(|s| s.page.is_none() || s.picture.is_some())
    );
    assert_eq!(sops[0].steps.len(), truth().steps.len());
}

#[test]
fn an_emf_picture_is_named_undecoded_and_the_sop_keeps_its_identity() {
    if !support::ocr_engine_or_skip() {
        return;
    }
    let truth = truth();
    let got = parse("emf.docx", &std::fs::read(pictured("-emf.docx")).unwrap());
    let sop = got.first().expect("the identity-only SOP");
    assert_eq!(sop.identity.number, truth.identity.number);
    assert_eq!(sop.identity.title, truth.identity.title);
    assert!(sop.steps.is_empty());
    assert!(!sop.source.ocr);
    let message = finding(sop);
    assert!(message.contains("tidak dapat diurai"), "{message}");
    assert!(message.contains("EMF"), "{message}");
    assert!(message.contains("word/media/pasted1.emf"), "{message}");
}

#[test]
fn without_the_engine_a_pasted_docx_picture_names_the_missing_engine() {
    without_the_engine_keeps_the_identity(&pictured("-png150.docx"), "900/BPKAD/2013");
}

#[test]
fn a_later_ocr_pass_defers_package_pictures_too() {
    let bytes = std::fs::read(pictured("-png150.docx")).unwrap();
    let ctx = FileContext {
        rel_path: "pasted.docx".into(),
        agency: None,
    };
    let rules = Rules::defaults().unwrap();
    let done = process_pass(&ctx, &bytes, &rules, &Limits::default(), OcrPass::Later);
    assert!(done.ocr_deferred, "the picture is left for the OCR pass");
    let sops = done.result.unwrap();
    let sop = sops.first().expect("the identity-only SOP");
    assert_eq!(sop.identity.number.as_deref(), Some("900/BPKAD/2013"));
    assert!(sop.steps.is_empty());
    assert!(finding(sop).contains("proses berhenti sebelum gambar dibaca"));
}
