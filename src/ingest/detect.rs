//! Format detection from the bytes, never from the file name.

use std::io::Cursor;

use crate::error::IngestError;
use crate::model::Format;

/// Detects the format of `bytes`.
///
/// A zip holding `word/document.xml` is .docx, `xl/workbook.xml` .xlsx, `content.xml`
/// ODF (spreadsheet or text by its mimetype); an OLE2 container is .doc or .xls by its
/// streams, or `encrypted` when it wraps an encrypted OOXML package; `%PDF` is PDF.
/// Anything else is `unsupported`.
pub fn detect(bytes: &[u8]) -> Result<Format, IngestError> {
    if bytes.is_empty() {
        return Err(IngestError::Unsupported("empty file (0 bytes)".into()));
    }
    if is_pdf(bytes) {
        return Ok(Format::Pdf);
    }
    if bytes.starts_with(b"PK\x03\x04") || bytes.starts_with(b"PK\x05\x06") {
        return detect_zip(bytes);
    }
    if bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]) {
        return detect_ole(bytes);
    }
    if let Some(version) = flat_word_version(bytes) {
        return Err(IngestError::Unsupported(format!(
            "{version} document: versions older than Word 97 are not read; save it as .docx"
        )));
    }
    Err(IngestError::Unsupported(describe_unknown(bytes)))
}

/// True for `%PDF-` within the first KiB (some producers put junk before the header).
fn is_pdf(bytes: &[u8]) -> bool {
    let head = &bytes[..bytes.len().min(1024)];
    head.windows(5).any(|w| w == b"%PDF-")
}

/// A Word for Windows 1.x/2.0 file is no OLE container: its FIB starts the file, with
/// `wIdent` 0xA59B (Word 1.x) or 0xA5DB (Word 2.0).
fn flat_word_version(bytes: &[u8]) -> Option<&'static str> {
    match bytes.get(..2)? {
        [0x9B, 0xA5] => Some("Word for Windows 1.x"),
        [0xDB, 0xA5] => Some("Word for Windows 2.0"),
        _ => None,
    }
}

/// The most bytes of `META-INF/manifest.xml` read to look for encryption data.
const MAX_MANIFEST_BYTES: u64 = 4 << 20;

/// True when an ODF package's manifest declares encrypted parts
/// (`manifest:encryption-data`): the parts are unreadable without the password.
fn odf_encrypted(zip: &mut zip::ZipArchive<Cursor<&[u8]>>) -> bool {
    use std::io::Read;
    let Ok(f) = zip.by_name("META-INF/manifest.xml") else {
        return false;
    };
    let mut head = Vec::new();
    if f.take(MAX_MANIFEST_BYTES).read_to_end(&mut head).is_err() {
        return false;
    }
    const MARK: &[u8] = b"encryption-data";
    head.windows(MARK.len()).any(|w| w == MARK)
}

fn detect_zip(bytes: &[u8]) -> Result<Format, IngestError> {
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes))
        .map_err(|e| IngestError::corrupt("zip directory", e))?;
    let has = |n: &str| zip.index_for_name(n).is_some();
    if has("word/document.xml") {
        return Ok(Format::Docx);
    }
    if has("xl/workbook.xml") {
        return Ok(Format::Xlsx);
    }
    if has("content.xml") {
        if odf_encrypted(&mut zip) {
            return Err(IngestError::Encrypted(
                "an OpenDocument file whose parts are encrypted (password-protected)".into(),
            ));
        }
        // The mimetype part is stored uncompressed first; its text sits in the raw bytes.
        let head = &bytes[..bytes.len().min(256)];
        const TEXT_MIME: &[u8] = b"application/vnd.oasis.opendocument.text";
        let is_text = head.windows(TEXT_MIME.len()).any(|w| w == TEXT_MIME);
        return Ok(if is_text { Format::Odt } else { Format::Ods });
    }
    // An OOXML package whose main part has another name: follow [Content_Types].xml.
    if has("[Content_Types].xml") {
        let names: Vec<String> = zip
            .file_names()
            .filter_map(|n| n.ok().map(|c| c.into_owned()))
            .collect();
        if names.iter().any(|n| n.starts_with("word/")) {
            return Ok(Format::Docx);
        }
        if names.iter().any(|n| n.starts_with("xl/")) {
            return Ok(Format::Xlsx);
        }
    }
    Err(IngestError::Unsupported(
        "a zip archive that is neither an Office Open XML nor an OpenDocument file".into(),
    ))
}

fn detect_ole(bytes: &[u8]) -> Result<Format, IngestError> {
    let cfb = cfb::CompoundFile::open(Cursor::new(bytes))
        .map_err(|e| IngestError::corrupt("OLE2 container", e))?;
    let has = |n: &str| cfb.exists(n);
    if has("/EncryptedPackage") || has("/EncryptionInfo") {
        return Err(IngestError::Encrypted(
            "an encrypted Office Open XML package (password-protected)".into(),
        ));
    }
    if has("/WordDocument") {
        return Ok(Format::Doc);
    }
    if has("/Workbook") || has("/Book") {
        return Ok(Format::Xls);
    }
    Err(IngestError::Unsupported(
        "an OLE2 container with neither a WordDocument nor a Workbook stream".into(),
    ))
}

fn describe_unknown(bytes: &[u8]) -> String {
    let head = &bytes[..bytes.len().min(512)];
    let printable = head
        .iter()
        .filter(|b| b.is_ascii_graphic() || b.is_ascii_whitespace())
        .count();
    if std::str::from_utf8(head).is_ok() && printable * 10 >= head.len() * 9 {
        "plain text, not a Word, Excel or PDF document".into()
    } else {
        format!(
            "unknown binary format (starts with {})",
            head.iter()
                .take(8)
                .map(|b| format!("{b:02X}"))
                .collect::<Vec<_>>()
                .join(" ")
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn detects_by_magic() {
        assert_eq!(detect(b"%PDF-1.7\n...").ok(), Some(Format::Pdf));
        assert!(matches!(detect(b""), Err(IngestError::Unsupported(_))));
        assert!(matches!(
            detect(b"hello\r\nworld\r\n"),
            Err(IngestError::Unsupported(m)) if m.contains("plain text")
        ));
    }
}
