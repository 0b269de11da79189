//! Entry points shared by the fuzz targets (`fuzz/fuzz_targets/`) and their replay in the
//! normal test suite (`tests/fuzz_regressions.rs`), so that a crash input kept as a
//! regression file runs through exactly the code the fuzzer ran. Not part of the
//! pipeline's API.
//!
//! Every entry point takes the raw fuzz input, reads it under a [`budget`] of
//! [`TIME_BUDGET`], runs the SOP parser on whatever document comes out, and returns a
//! [`Summary`] of what was read or the typed error it ended with.

use std::io::{Cursor, Write};
use std::sync::OnceLock;
use std::time::Duration;

use crate::analyze::Rules;
use crate::error::IngestError;
use crate::ingest::{self, doc, limits::Budget, limits::Limits};
use crate::model::{Block, Document, Format};
use crate::rules::{DEFAULT_FILES, RuleSource, RulesError};

/// The per-input time budget of the fuzz targets (shorter than the batch default, so a
/// reader that ignores its budget shows up as a libFuzzer timeout, not a slow run).
pub const TIME_BUDGET: Duration = Duration::from_secs(5);

/// The OLE2 signature: a `doc` input with it is a whole .doc file.
const OLE_MAGIC: [u8; 8] = [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];

/// The line that starts a part in a [`package`] input: `@@ word/document.xml`.
const PART_MARK: &[u8] = b"@@ ";

/// Most parts a [`package`] input may name (the rest is ignored).
const MAX_PARTS: usize = 64;

/// A fresh budget for one fuzz input: the default limits with [`TIME_BUDGET`].
pub fn budget() -> Budget {
    Budget::new(Limits {
        time_budget: TIME_BUDGET,
        ..Limits::default()
    })
}

/// What one input came to when it was read without error.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Summary {
    /// The format the document was read as.
    pub format: Option<Format>,
    /// Paragraphs in all sections.
    pub paragraphs: usize,
    /// Tables in all sections.
    pub tables: usize,
    /// Shapes in all sections.
    pub shapes: usize,
    /// SOPs the parser found with the built-in rules.
    pub sops: usize,
}

impl Summary {
    /// Counts what `doc` holds and parses it for SOPs with the built-in rules.
    fn of(doc: &Document) -> Self {
        let mut s = Summary {
            format: doc.format,
            ..Summary::default()
        };
        for section in &doc.sections {
            s.shapes += section.shapes.len();
            for block in &section.blocks {
                match block {
                    Block::Paragraph(_) => s.paragraphs += 1,
                    Block::Table(_) => s.tables += 1,
                }
            }
        }
        if let Some(rules) = default_rules() {
            s.sops = crate::sop::parse(doc, rules).len();
        }
        s
    }
}

/// The built-in rules, parsed once per process.
fn default_rules() -> Option<&'static Rules> {
    static RULES: OnceLock<Option<Rules>> = OnceLock::new();
    RULES.get_or_init(|| Rules::defaults().ok()).as_ref()
}

/// The `ingest` target: format detection and the detected reader, as the batch does.
pub fn ingest(data: &[u8]) -> Result<Summary, IngestError> {
    ingest::read(data, &budget()).map(|d| Summary::of(&d))
}

/// The `docx`, `xlsx` and `pdf` targets: `data` read as `format`, detection bypassed so
/// that every input reaches the reader.
pub fn read_as(format: Format, data: &[u8]) -> Result<Summary, IngestError> {
    ingest::read_as(format, data, &budget()).map(|d| Summary::of(&d))
}

/// The `doc` target. An input that starts with the OLE2 signature is a whole .doc file;
/// any other is two little-endian u32 lengths (WordDocument, table stream) followed by
/// those streams' bytes, the rest being the `Data` stream, so that the fuzzer reaches the
/// Word parser without building a container.
pub fn doc(data: &[u8]) -> Result<Summary, IngestError> {
    let budget = budget();
    if data.starts_with(&OLE_MAGIC) {
        return doc::read(data, &budget).map(|d| Summary::of(&d));
    }
    let len = |at: usize| -> usize {
        data.get(at..at.saturating_add(4))
            .and_then(|b| <[u8; 4]>::try_from(b).ok())
            .map(|b| u32::from_le_bytes(b) as usize)
            .unwrap_or(0)
    };
    let rest = data.get(8..).unwrap_or(&[]);
    let (word, rest) = rest.split_at(len(0).min(rest.len()));
    let (table, extra) = rest.split_at(len(4).min(rest.len()));
    doc::read_streams(word, table, extra, &budget).map(|d| Summary::of(&d))
}

/// The `package` target: `data` is a list of zip parts in plain text, each starting
/// with a line `@@ NAME` (see [`package`]); the parts are stored uncompressed in a zip
/// that goes through format detection and the detected reader (.docx, .xlsx, .ods).
/// Because the parts are stored, not deflated, the fuzzer's mutations land in the XML
/// itself instead of breaking a deflate stream or its CRC.
pub fn package_input(data: &[u8]) -> Result<Summary, IngestError> {
    ingest(&package(data))
}

/// Builds a zip of stored parts from `data`: every part starts with a line
/// `@@ NAME`, its content running up to the next such line (the newline before the
/// mark belongs to the mark). Bytes before the first mark, parts with an empty or
/// repeated name and parts past [`MAX_PARTS`] are ignored.
pub fn package(data: &[u8]) -> Vec<u8> {
    let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Stored)
        .large_file(false);
    for part in split_parts(data).take(MAX_PARTS) {
        let (name, body) = match part.iter().position(|&b| b == b'\n') {
            Some(nl) => (
                part.get(..nl).unwrap_or(&[]),
                part.get(nl + 1..).unwrap_or(&[]),
            ),
            None => (part, &[][..]),
        };
        let name = String::from_utf8_lossy(name).trim().to_string();
        if name.is_empty() || zip.start_file(name, options).is_err() {
            continue;
        }
        // Writing to a Vec cannot fail short of allocation failure; a part that does is
        // simply cut.
        let _ = zip.write_all(body);
    }
    zip.finish().map(Cursor::into_inner).unwrap_or_default()
}

/// The parts of a [`package`] input, each without its `@@ ` mark.
fn split_parts(data: &[u8]) -> impl Iterator<Item = &[u8]> {
    let mut starts = Vec::new();
    if data.starts_with(PART_MARK) {
        starts.push(0);
    }
    let mut i = 0;
    while let Some(off) = data
        .get(i..)
        .and_then(|rest| rest.windows(PART_MARK.len() + 1).position(is_mark_line))
    {
        starts.push(i + off + 1);
        i += off + 1;
    }
    let ends: Vec<usize> = starts
        .iter()
        .skip(1)
        .map(|&s| s.saturating_sub(1))
        .chain(std::iter::once(data.len()))
        .collect();
    starts
        .into_iter()
        .zip(ends)
        .filter_map(move |(s, e)| data.get(s + PART_MARK.len()..e.max(s + PART_MARK.len())))
}

/// True for `\n@@ `: a newline followed by the part mark.
fn is_mark_line(w: &[u8]) -> bool {
    w.first() == Some(&b'\n') && w.get(1..) == Some(PART_MARK)
}

/// The `rules` target: the first byte picks one of the rule files, the rest (as lossy
/// UTF-8) replaces its text over the built-in others. Loaded rules normalise a few
/// phrases. Returns how many of those phrases the vocabulary recognised.
pub fn rules(data: &[u8]) -> Result<usize, RulesError> {
    let Some((&pick, rest)) = data.split_first() else {
        return Ok(0);
    };
    let Some((name, _)) = DEFAULT_FILES.get(pick as usize % DEFAULT_FILES.len().max(1)) else {
        return Ok(0);
    };
    let text = String::from_utf8_lossy(rest).into_owned();
    let src = RuleSource::new(None).with_text(name, text);
    let rules = Rules::from_source(&src)?;
    let v = &rules.vocab;
    let hits = [
        !v.canonical_actor("Kasubbag Umum & Kepeg.").is_empty(),
        v.minutes("1 jam 30 menit").is_some(),
        v.date("2 Januari 2019").is_some(),
        v.identity_label("Tgl. Pembuatan").is_some(),
        v.column_role("Uraian Kegiatan").is_some(),
    ];
    Ok(hits.iter().filter(|&&h| h).count())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn package_splits_parts_on_marks() {
        let parts: Vec<&[u8]> =
            split_parts(b"junk\n@@ a.xml\n<a/>\n@@ b.xml\n<b>\n</b>\n@@ \n").collect();
        assert_eq!(parts, vec![&b"a.xml\n<a/>"[..], b"b.xml\n<b>\n</b>", b"\n"]);
        let parts: Vec<&[u8]> = split_parts(b"@@ mimetype\nx").collect();
        assert_eq!(parts, vec![&b"mimetype\nx"[..]]);
    }

    #[test]
    fn package_builds_a_zip_the_detector_reads() {
        let zip = package(b"@@ word/document.xml\n<w:document/>\n@@ word/document.xml\nX");
        assert_eq!(ingest::detect::detect(&zip).ok(), Some(Format::Docx));
        let mut archive = zip::ZipArchive::new(Cursor::new(&zip[..])).unwrap();
        assert_eq!(archive.len(), 1);
        let mut s = String::new();
        std::io::Read::read_to_string(&mut archive.by_index(0).unwrap(), &mut s).unwrap();
        assert_eq!(s, "<w:document/>");
    }
}
