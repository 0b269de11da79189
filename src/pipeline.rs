//! One file through the whole pipeline: bytes → document model → SOPs with findings.
//!
//! This is the unit of work the batch runs in parallel; it never panics on document
//! data and reports every failure as a [`FileError`].

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::analyze::Rules;
use crate::error::{ErrorKind, IngestError};
use crate::ingest::raster::read::{NotRead, PictureReport, read_pictures};
use crate::ingest::{self, limits::Budget, limits::Limits};
use crate::model::Document;
use crate::rules::hex;
use crate::sop::{self, record::FileError, record::FindingCode, record::Sop};

/// What the pipeline knows of a file before reading it.
#[derive(Clone, Debug)]
pub struct FileContext {
    /// Path relative to the archive root, with `/`.
    pub rel_path: String,
    /// The agency from the manifest or the first folder, if any.
    pub agency: Option<String>,
}

/// When a file's pictures are read by OCR, the one slow stage of the pipeline.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum OcrPass {
    /// While reading the file.
    #[default]
    Now,
    /// In a later pass: the file is read from its text alone, and its result says that
    /// the pictures are still to be read ([`Processed::ocr_deferred`]). A batch reads
    /// every file's text first, so a run stopped early has the cheap files all read.
    Later,
}

/// One file's result, and whether its pictures were left for a later OCR pass.
#[derive(Debug, Serialize, Deserialize)]
pub struct Processed {
    /// The file's SOPs, or why it gave none.
    pub result: Result<Vec<Sop>, FileError>,
    /// The file holds pictures to read by OCR that this pass left out
    /// ([`OcrPass::Later`]): the result is the file's text-only reading.
    #[serde(default)]
    pub ocr_deferred: bool,
}

impl Processed {
    /// A file that failed with `error` (nothing left for a later pass).
    pub fn failed(error: FileError) -> Self {
        Processed {
            result: Err(error),
            ocr_deferred: false,
        }
    }
}

/// Reads one file's bytes and returns its SOPs (ids, source, agency and findings
/// filled), or the error that explains why it gave none.
pub fn process_bytes(
    ctx: &FileContext,
    bytes: &[u8],
    rules: &Rules,
    limits: &Limits,
) -> Result<Vec<Sop>, FileError> {
    process_pass(ctx, bytes, rules, limits, OcrPass::Now).result
}

/// [`process_bytes`] with the file's pictures read by OCR now or left for later.
pub fn process_pass(
    ctx: &FileContext,
    bytes: &[u8],
    rules: &Rules,
    limits: &Limits,
    pass: OcrPass,
) -> Processed {
    let mut ocr_deferred = false;
    let result = process_with(ctx, bytes, rules, limits, pass, &mut ocr_deferred);
    Processed {
        result,
        ocr_deferred,
    }
}

/// The stages of [`process_pass`]; sets `ocr_deferred` when pictures were left out.
fn process_with(
    ctx: &FileContext,
    bytes: &[u8],
    rules: &Rules,
    limits: &Limits,
    pass: OcrPass,
    ocr_deferred: &mut bool,
) -> Result<Vec<Sop>, FileError> {
    let fail = |kind: ErrorKind, message: String| FileError::input(&ctx.rel_path, kind, message);
    let sha = hex(&Sha256::digest(bytes));
    let budget = Budget::new(limits.clone());
    let (doc, mut sops, ocr) = read_document_pass(bytes, rules, &budget, pass)
        .map_err(|e| fail(e.kind(), e.to_string()))?;
    *ocr_deferred = ocr.as_ref().is_some_and(|r| r.deferred);
    let format = doc.format.map(|f| f.name()).unwrap_or("unknown");
    let pictured = sop::picture::has_procedure_picture(&doc);
    if sops.is_empty() {
        let why = sop::explain_no_sop(&doc);
        let why = match ocr.as_ref().and_then(|r| r.not_read.as_ref()) {
            Some(not_read) => format!("{why}; {not_read}"),
            None if doc.ocr => format!("{why} (pictures read by OCR)"),
            None => why,
        };
        return Err(fail(ErrorKind::NoSopFound, why));
    }
    for (i, s) in sops.iter_mut().enumerate() {
        let index = i as u32 + 1;
        s.id = format!("{}#{}", ctx.rel_path, index);
        s.source = sop::record::Source {
            path: ctx.rel_path.clone(),
            format: format.to_string(),
            sha256: sha.clone(),
            index,
            ocr: doc.ocr,
        };
        if ctx.agency.is_some() || s.agency.is_none() {
            s.agency = ctx.agency.clone();
        }
        s.findings = crate::analyze::findings::check(s, rules);
        if pictured && (s.steps.is_empty() || doc.ocr) {
            let message = picture_message(!s.steps.is_empty(), ocr.as_ref());
            push_finding(s, rules, PROCEDURE_AS_IMAGE, &message);
        }
    }
    Ok(sops)
}

/// Reads `bytes` into the document model and its SOPs; where the text gives no steps
/// but the document holds a picture the size of a procedure table, the pictures are
/// read by OCR into the model and the SOPs parsed again (with what OCR reported).
pub fn read_document(
    bytes: &[u8],
    rules: &Rules,
    budget: &Budget,
) -> Result<(Document, Vec<Sop>, Option<PictureReport>), IngestError> {
    read_document_pass(bytes, rules, budget, OcrPass::Now)
}

/// [`read_document`] with the OCR stage now or left for later (then the report says
/// [`PictureReport::deferred`] when there were pictures to read).
pub fn read_document_pass(
    bytes: &[u8],
    rules: &Rules,
    budget: &Budget,
    pass: OcrPass,
) -> Result<(Document, Vec<Sop>, Option<PictureReport>), IngestError> {
    let mut doc = ingest::read(bytes, budget)?;
    let mut sops = sop::parse(&doc, rules);
    let pictured = sop::picture::has_procedure_picture(&doc);
    if !pictured || sops.iter().any(|s| !s.steps.is_empty()) {
        return Ok((doc, sops, None));
    }
    // PDF images and pictures embedded in a package (.docx, .xlsx, ODF) alike.
    let wanted = sop::picture::procedure_pictures(&doc);
    if pass == OcrPass::Later && !wanted.is_empty() {
        let report = PictureReport {
            not_read: Some(NotRead::Deferred),
            deferred: true,
            ..Default::default()
        };
        return Ok((doc, sops, Some(report)));
    }
    let report = read_pictures(&mut doc, bytes, &wanted, &rules.ocr, budget)?;
    if report.read > 0 {
        sops = sop::parse(&doc, rules);
    }
    Ok((doc, sops, Some(report)))
}

/// The finding of an SOP whose procedure is a picture.
const PROCEDURE_AS_IMAGE: FindingCode = FindingCode::ProcedureAsImage;

/// Its message when no OCR engine read the picture.
const PICTURE_NOT_READ: &str = "Tabel prosedur (diagram alir) berupa gambar, bukan teks; \
     langkah-langkahnya belum terbaca karena gambar tidak dibaca dengan OCR. Ketik ulang \
     tabel prosedur sebagai teks atau baca berkas ini dengan OCR.";

/// Its message's opening when OCR read the picture into steps.
const PICTURE_READ: &str = "Tabel prosedur (diagram alir) berupa gambar, bukan teks; \
     langkah-langkahnya dibaca dengan OCR";

/// Its message's opening when OCR read the picture but found no steps in it.
const PICTURE_READ_NO_STEPS: &str = "Tabel prosedur (diagram alir) berupa gambar, bukan \
     teks; gambar dibaca dengan OCR, tetapi langkah-langkahnya tidak ditemukan";

/// Introduces why a picture was not read.
const CAUSE: &str = "Penyebab";

/// The reason given when the OCR engine is not installed.
const ENGINE_MISSING: &str = "mesin OCR tidak terpasang";

/// The reason given when the run stopped before its OCR pass reached the picture.
const OCR_PENDING: &str = "proses berhenti sebelum gambar dibaca dengan OCR; \
     gambar dibaca pada proses berikutnya";

/// The reason given when the picture's pixels could not be decoded.
const PICTURE_UNDECODED: &str = "gambar tidak dapat diurai";

/// Advice closing a message on a picture read by OCR.
const CHECK_OCR: &str = "Periksa hasil baca OCR terhadap dokumen aslinya.";

/// Introduces the cells read with low confidence.
const DOUBTFUL_CELLS: &str = "Hasil OCR kurang yakin pada";

/// Names a table cell: row then column.
const CELL_AT: [&str; 2] = ["baris", "kolom"];

/// Names a page.
const PAGE: &str = "halaman";

/// Names the confidence figure.
const CONFIDENCE: &str = "keyakinan";

/// Joins a count of further items ("dan 3 lainnya").
const AND_MORE: [&str; 2] = ["dan", "lainnya"];

/// The `procedure-as-image` message: read by OCR (with its confidence and the cells it
/// doubts) or not, and why not.
fn picture_message(has_steps: bool, ocr: Option<&PictureReport>) -> String {
    let Some(report) = ocr.filter(|r| r.read > 0) else {
        return match ocr.and_then(|r| r.not_read.as_ref()) {
            Some(NotRead::Engine(detail)) => {
                format!("{PICTURE_NOT_READ} {CAUSE}: {ENGINE_MISSING} ({detail}).")
            }
            Some(NotRead::Picture(detail)) => {
                format!("{PICTURE_NOT_READ} {CAUSE}: {PICTURE_UNDECODED} ({detail}).")
            }
            Some(NotRead::Deferred) => format!("{PICTURE_NOT_READ} {CAUSE}: {OCR_PENDING}."),
            None => PICTURE_NOT_READ.to_string(),
        };
    };
    let opening = if has_steps {
        PICTURE_READ
    } else {
        PICTURE_READ_NO_STEPS
    };
    let mut out = opening.to_string();
    if let Some(c) = report.confidence {
        out.push_str(&format!(" ({CONFIDENCE} rata-rata {})", percent(c)));
    }
    out.push('.');
    if !report.doubtful.is_empty() {
        let named: Vec<String> = report
            .doubtful
            .iter()
            .map(|d| {
                let page = d.page.map(|p| format!("{PAGE} {p}"));
                let cell = d
                    .cell
                    .map(|(r, c)| format!("{} {r}, {} {c}", CELL_AT[0], CELL_AT[1]));
                // A picture of a .docx has no page, a line outside a table no cell.
                let place: Vec<String> = [page, cell].into_iter().flatten().collect();
                let read = format!("«{}» ({CONFIDENCE} {})", d.text, percent(d.confidence));
                if place.is_empty() {
                    read
                } else {
                    format!("{} {read}", place.join(", "))
                }
            })
            .collect();
        out.push_str(&format!(" {DOUBTFUL_CELLS}: {}", named.join("; ")));
        if report.doubtful_more > 0 {
            out.push_str(&format!(
                " {} {} {}",
                AND_MORE[0], report.doubtful_more, AND_MORE[1]
            ));
        }
        out.push('.');
    }
    out.push(' ');
    out.push_str(CHECK_OCR);
    out
}

/// A confidence 0–100 the Indonesian way ("87,5 %").
fn percent(x: f32) -> String {
    format!("{:.1} %", x).replace('.', ",")
}

/// Adds finding `code` to `sop` with the rules' severity (none when the rules switch it
/// off).
fn push_finding(sop: &mut Sop, rules: &Rules, code: FindingCode, message: &str) {
    if let Some(severity) = rules.findings.severity(code) {
        sop.findings.push(sop::record::Finding {
            code,
            severity,
            step: None,
            message: message.to_string(),
        });
    }
}
