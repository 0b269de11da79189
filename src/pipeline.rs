//! One file through the whole pipeline: bytes → document model → SOPs with findings.
//!
//! This is the unit of work the batch runs in parallel; it never panics on document
//! data and reports every failure as a [`FileError`].

use sha2::{Digest, Sha256};

use crate::error::ErrorKind;
use crate::ingest::{self, limits::Budget, limits::Limits};
use crate::rules::{Rules, hex};
use crate::sop::{self, record::FileError, record::Sop};

/// What the pipeline knows of a file before reading it.
#[derive(Clone, Debug)]
pub struct FileContext {
    /// Path relative to the archive root, with `/`.
    pub rel_path: String,
    /// The agency from the manifest or the first folder, if any.
    pub agency: Option<String>,
}

/// Reads one file's bytes and returns its SOPs (ids, source, agency and findings
/// filled), or the error that explains why it gave none.
pub fn process_bytes(
    ctx: &FileContext,
    bytes: &[u8],
    rules: &Rules,
    limits: &Limits,
) -> Result<Vec<Sop>, FileError> {
    let fail = |kind: ErrorKind, message: String| FileError {
        path: ctx.rel_path.clone(),
        kind,
        message,
    };
    let sha = hex(&Sha256::digest(bytes));
    let budget = Budget::new(limits.clone());
    let doc = ingest::read(bytes, &budget).map_err(|e| fail(e.kind(), e.to_string()))?;
    let format = doc.format.map(|f| f.name()).unwrap_or("unknown");
    let mut sops = sop::parse(&doc, rules);
    if sops.is_empty() {
        return Err(fail(ErrorKind::NoSopFound, sop::explain_no_sop(&doc)));
    }
    let pictured = sop::picture::has_procedure_picture(&doc);
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
        if s.steps.is_empty() && pictured {
            push_finding(s, rules, PROCEDURE_AS_IMAGE, PICTURE_NOT_READ);
        }
    }
    Ok(sops)
}

/// The finding of an SOP whose procedure is a picture.
const PROCEDURE_AS_IMAGE: &str = "procedure-as-image";

/// Its message when no OCR engine read the picture.
const PICTURE_NOT_READ: &str = "Tabel prosedur (diagram alir) berupa gambar, bukan teks; \
     langkah-langkahnya belum terbaca karena gambar tidak dibaca dengan OCR. Ketik ulang \
     tabel prosedur sebagai teks atau baca berkas ini dengan OCR.";

/// Adds finding `code` to `sop` with the rules' severity (none when the rules switch it
/// off).
fn push_finding(sop: &mut Sop, rules: &Rules, code: &str, message: &str) {
    if let Some(severity) = rules.findings.severity(code) {
        sop.findings.push(sop::record::Finding {
            code: code.to_string(),
            severity,
            step: None,
            message: message.to_string(),
        });
    }
}
