//! Bounded reading of zip containers (OOXML and ODF packages).
//!
//! Every part is inflated through a cap: the declared size and inflate ratio are checked
//! before inflating, and the inflated stream is cut at the cap in case the directory
//! lies. A zip bomb ends as `too-large` in milliseconds, never as an out-of-memory.

use std::io::{Cursor, Read};

use zip::ZipArchive;

use crate::error::IngestError;
use crate::ingest::limits::Budget;

/// An open zip package over borrowed bytes.
pub struct Package<'a> {
    archive: ZipArchive<Cursor<&'a [u8]>>,
    bytes: &'a [u8],
    /// XML parts read so far that were written in UTF-16 (given out as UTF-8).
    transcoded: Vec<String>,
}

/// Signature opening a zip local file header.
const LOCAL_HEADER_SIG: &[u8; 4] = b"PK\x03\x04";
/// Offset of the name length in a local file header (then the extra length, then the
/// name at [`LOCAL_NAME_AT`]).
const LOCAL_NAME_LEN_AT: usize = 26;
/// Offset of the file name in a local file header.
const LOCAL_NAME_AT: usize = 30;

impl<'a> Package<'a> {
    /// Opens the zip directory; a damaged directory, or one listing a part name twice
    /// (which of the two is the part is anyone's guess), is `corrupt`.
    pub fn open(bytes: &'a [u8]) -> Result<Self, IngestError> {
        let archive = ZipArchive::new(Cursor::new(bytes)).map_err(|e| {
            IngestError::corrupt(
                "zip directory",
                directory_trouble(bytes).unwrap_or(e.to_string()),
            )
        })?;
        if archive.has_duplicate_names() {
            return Err(IngestError::corrupt(
                "zip directory",
                "two entries have the same name",
            ));
        }
        Ok(Package {
            archive,
            bytes,
            transcoded: Vec::new(),
        })
    }

    /// True when the package has a part of that name.
    pub fn has(&self, name: &str) -> bool {
        self.archive.index_for_name(name).is_some()
    }

    /// The names of all parts.
    pub fn names(&self) -> Vec<String> {
        self.archive
            .file_names()
            .filter_map(|n| n.ok().map(|c| c.into_owned()))
            .collect()
    }

    /// Inflates part `name` within the budget's limits; `Ok(None)` when there is no such
    /// part.
    pub fn read(&mut self, name: &str, budget: &Budget) -> Result<Option<Vec<u8>>, IngestError> {
        let Some(idx) = self.archive.index_for_name(name) else {
            return Ok(None);
        };
        let limits = &budget.limits;
        let mut f = self
            .archive
            .by_index(idx)
            .map_err(|e| IngestError::corrupt(name, e))?;
        check_local_name(self.bytes, f.header_start(), f.name_raw(), name)?;
        let declared = f.size();
        let compressed = f.compressed_size().max(1);
        if declared > limits.max_part_bytes {
            return Err(IngestError::TooLarge(format!(
                "{name} inflates to {} MiB (limit {} MiB)",
                declared >> 20,
                limits.max_part_bytes >> 20
            )));
        }
        if declared > limits.ratio_floor && declared / compressed > limits.max_ratio {
            return Err(IngestError::TooLarge(format!(
                "{name} inflates {}:1 ({} KiB to {} MiB): a zip bomb",
                declared / compressed,
                compressed >> 10,
                declared >> 20
            )));
        }
        budget.add_inflated(declared, name)?;
        let cap = limits.max_part_bytes.min(declared.saturating_add(1));
        let mut out = Vec::with_capacity(declared.min(64 << 20) as usize);
        let mut taken = (&mut f).take(cap);
        let mut buf = [0u8; 64 * 1024];
        loop {
            let n = taken
                .read(&mut buf)
                .map_err(|e| IngestError::corrupt(name, e))?;
            if n == 0 {
                break;
            }
            out.extend_from_slice(&buf[..n]);
            if out.len() as u64 > declared {
                return Err(IngestError::TooLarge(format!(
                    "{name} inflates past its declared size of {declared} bytes"
                )));
            }
            budget.check_time(name)?;
        }
        let lower = name.to_ascii_lowercase();
        if [".xml", ".rels", ".vml"].iter().any(|x| lower.ends_with(x)) {
            let (text, was_utf16) = utf8_part(out, name)?;
            if was_utf16 {
                self.transcoded.push(name.to_string());
            }
            return Ok(Some(text));
        }
        Ok(Some(out))
    }

    /// The XML parts read so far that were written in UTF-16 (and given out as UTF-8).
    pub fn transcoded(&self) -> &[String] {
        &self.transcoded
    }

    /// A copy of the package with the parts named in `replaced` holding the content
    /// given there instead (the other parts copied as they are, still compressed): what
    /// a library that reads the package itself is given when parts must be presented
    /// otherwise.
    pub fn with_parts_replaced(
        &mut self,
        replaced: &[(String, Vec<u8>)],
    ) -> Result<Vec<u8>, IngestError> {
        let rezip = |e: zip::result::ZipError| IngestError::corrupt("zip directory", e);
        let mut w = zip::ZipWriter::new(Cursor::new(Vec::with_capacity(self.bytes.len())));
        for i in 0..self.archive.len() {
            let f = self.archive.by_index_raw(i).map_err(rezip)?;
            let this = f.name().map_err(rezip)?.into_owned();
            if let Some((name, content)) = replaced.iter().find(|(n, _)| *n == this) {
                drop(f);
                let opts = zip::write::SimpleFileOptions::default()
                    .compression_method(zip::CompressionMethod::Stored);
                w.start_file(name, opts).map_err(rezip)?;
                std::io::Write::write_all(&mut w, content)
                    .map_err(|e| IngestError::corrupt(name, e))?;
            } else {
                w.raw_copy_file(f).map_err(rezip)?;
            }
        }
        Ok(w.finish().map_err(rezip)?.into_inner())
    }

    /// Like [`Package::read`], but a missing part is `corrupt`.
    pub fn read_required(&mut self, name: &str, budget: &Budget) -> Result<Vec<u8>, IngestError> {
        self.read(name, budget)?
            .ok_or_else(|| IngestError::corrupt(name, "part missing from the package"))
    }
}

/// Signature of the end-of-central-directory record.
const END_RECORD_SIG: &[u8; 4] = b"PK\x05\x06";
/// Signature of a central-directory file header.
const CENTRAL_HEADER_SIG: &[u8; 4] = b"PK\x01\x02";
/// Offset of the central directory's size in the end record (its offset follows).
const END_DIR_SIZE_AT: usize = 12;
/// Offset of the central directory's start offset in the end record.
const END_DIR_OFFSET_AT: usize = 16;

/// What is wrong with the end record's account of the central directory, when that is
/// what the zip library stumbled on: a directory said to lie past the end record or
/// where no directory entry starts.
pub(crate) fn directory_trouble(bytes: &[u8]) -> Option<String> {
    let end = bytes.windows(4).rposition(|w| w == END_RECORD_SIG)?;
    let field = |at: usize| {
        bytes
            .get(end + at..end + at + 4)
            .and_then(|b| <[u8; 4]>::try_from(b).ok())
            .map(u32::from_le_bytes)
    };
    let (size, offset) = (field(END_DIR_SIZE_AT)?, field(END_DIR_OFFSET_AT)?);
    // Zip64 archives keep the real values elsewhere.
    if size == u32::MAX || offset == u32::MAX {
        return None;
    }
    let (size, offset) = (size as usize, offset as usize);
    if offset.saturating_add(size) > end {
        return Some(format!(
            "the end record places the central directory at byte {offset} ({size} bytes), \
             past the end record at byte {end}: the directory offset is wrong"
        ));
    }
    if !bytes
        .get(offset..)
        .is_some_and(|b| b.starts_with(CENTRAL_HEADER_SIG))
    {
        let found = bytes
            .get(..end)
            .and_then(|b| b.windows(4).position(|w| w == CENTRAL_HEADER_SIG));
        let hint = found.map_or(String::new(), |at| {
            format!(" (the first entry is at byte {at})")
        });
        return Some(format!(
            "the end record places the central directory at byte {offset}, where no \
             directory entry starts{hint}: the directory offset is wrong"
        ));
    }
    None
}

/// UTF-16 byte order marks: little-endian, big-endian.
const UTF16_LE_BOM: &[u8; 2] = b"\xFF\xFE";
const UTF16_BE_BOM: &[u8; 2] = b"\xFE\xFF";

/// An XML part written in UTF-16 (with its byte order mark) as UTF-8, its encoding
/// declaration dropped: the XML readers read UTF-8 only, and would see nothing in it.
/// Other parts are returned as they are.
/// Returns the text and whether it was UTF-16.
fn utf8_part(bytes: Vec<u8>, name: &str) -> Result<(Vec<u8>, bool), IngestError> {
    let little = bytes.starts_with(UTF16_LE_BOM);
    if !little && !bytes.starts_with(UTF16_BE_BOM) {
        return Ok((bytes, false));
    }
    let units: Vec<u16> = bytes
        .get(2..)
        .unwrap_or_default()
        .chunks_exact(2)
        .map(|c| match c {
            [a, b] if little => u16::from_le_bytes([*a, *b]),
            [a, b] => u16::from_be_bytes([*a, *b]),
            _ => 0,
        })
        .collect();
    let text = String::from_utf16(&units).map_err(|_| {
        IngestError::corrupt(
            name,
            "the part is UTF-16 XML (it starts with a UTF-16 byte order mark) but holds \
             invalid UTF-16",
        )
    })?;
    // The declaration names UTF-16, which the text no longer is.
    let body = match text.strip_prefix("<?xml") {
        Some(rest) => rest.split_once("?>").map_or(text.as_str(), |(_, b)| b),
        None => text.as_str(),
    };
    Ok((body.as_bytes().to_vec(), true))
}

/// The local header of a part must carry the name the central directory gives it: a
/// package whose two directories disagree was damaged or forged (readers that walk the
/// local headers would see another document), so it is `corrupt`.
fn check_local_name(
    bytes: &[u8],
    header_start: u64,
    central: &[u8],
    name: &str,
) -> Result<(), IngestError> {
    let at = usize::try_from(header_start).unwrap_or(usize::MAX);
    let Some(header) = bytes.get(at..) else {
        return Err(IngestError::corrupt(
            name,
            "local header past the end of the file",
        ));
    };
    if !header.starts_with(LOCAL_HEADER_SIG) {
        return Err(IngestError::corrupt(
            name,
            "no local header where the central directory points",
        ));
    }
    let len = header
        .get(LOCAL_NAME_LEN_AT..LOCAL_NAME_LEN_AT + 2)
        .and_then(|b| <[u8; 2]>::try_from(b).ok())
        .map(|b| usize::from(u16::from_le_bytes(b)))
        .unwrap_or(0);
    match header.get(LOCAL_NAME_AT..LOCAL_NAME_AT + len) {
        Some(local) if local == central => Ok(()),
        // A non-ASCII name may be given again in a Unicode extra field, which the
        // central name already reflects: compare plain names only.
        Some(local) if !local.is_ascii() || !central.is_ascii() => Ok(()),
        Some(local) => Err(IngestError::corrupt(
            name,
            format!(
                "the local header names the part {:?}: it disagrees with the central directory",
                String::from_utf8_lossy(local)
            ),
        )),
        None => Err(IngestError::corrupt(name, "local header cut short")),
    }
}
