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
    if bytes.starts_with(&OLE_SIGNATURE) {
        return detect_ole(ole_fat_tidied(bytes).as_deref().unwrap_or(bytes));
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
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|e| {
        let why = crate::ingest::zipped::directory_trouble(bytes).unwrap_or(e.to_string());
        IngestError::corrupt("zip directory", why)
    })?;
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
        let has_mime = |m: &[u8]| head.windows(m.len()).any(|w| w == m);
        if has_mime(ODF_TEXT_MIME) {
            return Ok(Format::Odt);
        }
        if has_mime(ODF_SHEET_MIME) {
            return Ok(Format::Ods);
        }
        // Another OpenDocument kind (presentation, drawing, chart ...) is named; a
        // package without a readable mimetype is tried as a spreadsheet.
        if let Some(at) = head
            .windows(ODF_MIME_PREFIX.len())
            .position(|w| w == ODF_MIME_PREFIX)
        {
            let kind: String = head
                .get(at..)
                .unwrap_or_default()
                .iter()
                .take_while(|b| b.is_ascii_alphanumeric() || b"/.-+".contains(b))
                .map(|&b| char::from(b))
                .collect();
            return Err(IngestError::Unsupported(format!(
                "an OpenDocument file of another kind ({kind}): only text documents and \
                 spreadsheets are read"
            )));
        }
        return Ok(Format::Ods);
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

/// The mimetype every OpenDocument kind starts with, and those of the kinds read (their
/// templates' mimetypes extend them: `…text-template`).
const ODF_MIME_PREFIX: &[u8] = b"application/vnd.oasis.opendocument.";
const ODF_TEXT_MIME: &[u8] = b"application/vnd.oasis.opendocument.text";
const ODF_SHEET_MIME: &[u8] = b"application/vnd.oasis.opendocument.spreadsheet";

/// Signature opening an OLE2 compound file.
const OLE_SIGNATURE: [u8; 8] = [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
/// Offset of the sector shift (9: 512-byte sectors, 12: 4096) in the OLE2 header.
const OLE_SECTOR_SHIFT_AT: usize = 30;
/// Offset of the first DIFAT sector and, after it, of the number of DIFAT sectors.
const OLE_FIRST_DIFAT_AT: usize = 68;
const OLE_DIFAT_COUNT_AT: usize = 72;
/// Offset of the header's own DIFAT (the first 109 FAT sector numbers).
const OLE_HEADER_DIFAT_AT: usize = 76;
const OLE_HEADER_DIFAT_LEN: usize = 109;
/// FAT entry ending a chain, and FAT entry of a free sector.
const END_OF_CHAIN: u32 = 0xFFFF_FFFE;
const FREE_SECT: u32 = 0xFFFF_FFFF;
/// Most DIFAT sectors followed (each lists 127 or 1023 FAT sectors: far past any file
/// under the size cap).
const MAX_DIFAT_SECTORS: u32 = 4096;

/// An OLE2 file whose FAT marks entries past the file's last sector end-of-chain instead
/// of free — as real Word output does — with those entries marked free, which the OLE
/// library requires; `None` when nothing needed changing (or the header is not one).
pub(crate) fn ole_fat_tidied(bytes: &[u8]) -> Option<Vec<u8>> {
    let u32_at = |b: &[u8], at: usize| {
        b.get(at..at + 4)
            .and_then(|s| <[u8; 4]>::try_from(s).ok())
            .map(u32::from_le_bytes)
    };
    if !bytes.starts_with(&OLE_SIGNATURE) {
        return None;
    }
    let shift = bytes.get(OLE_SECTOR_SHIFT_AT).copied()?;
    if shift != 9 && shift != 12 {
        return None;
    }
    let sector = 1usize << shift;
    let in_file = bytes.len().saturating_sub(sector).div_ceil(sector);
    let valid = |sid: u32| (sid as usize) < in_file;
    let per_sector = sector / 4;
    // The FAT sectors: the header's DIFAT, then the DIFAT chain.
    let mut fat_sectors: Vec<u32> = (0..OLE_HEADER_DIFAT_LEN)
        .filter_map(|i| u32_at(bytes, OLE_HEADER_DIFAT_AT + 4 * i))
        .take_while(|&sid| valid(sid))
        .collect();
    let mut difat = u32_at(bytes, OLE_FIRST_DIFAT_AT)?;
    let count = u32_at(bytes, OLE_DIFAT_COUNT_AT)?.min(MAX_DIFAT_SECTORS);
    for _ in 0..count {
        if !valid(difat) {
            break;
        }
        let base = sector * (difat as usize + 1);
        fat_sectors.extend(
            (0..per_sector - 1)
                .filter_map(|j| u32_at(bytes, base + 4 * j))
                .take_while(|&sid| valid(sid)),
        );
        difat = u32_at(bytes, base + sector - 4)?;
    }
    let mut out: Option<Vec<u8>> = None;
    for (k, sid) in fat_sectors.iter().enumerate() {
        let base = sector * (*sid as usize + 1);
        for j in 0..per_sector {
            let entry = k * per_sector + j;
            let at = base + 4 * j;
            if entry >= in_file && u32_at(bytes, at) == Some(END_OF_CHAIN) {
                let copy = out.get_or_insert_with(|| bytes.to_vec());
                if let Some(slot) = copy.get_mut(at..at + 4) {
                    slot.copy_from_slice(&FREE_SECT.to_le_bytes());
                }
            }
        }
    }
    out
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
