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
        let archive = ZipArchive::new(Cursor::new(bytes))
            .map_err(|e| IngestError::corrupt("zip directory", e))?;
        if archive.has_duplicate_names() {
            return Err(IngestError::corrupt(
                "zip directory",
                "two entries have the same name",
            ));
        }
        Ok(Package { archive, bytes })
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
        Ok(Some(out))
    }

    /// Like [`Package::read`], but a missing part is `corrupt`.
    pub fn read_required(&mut self, name: &str, budget: &Budget) -> Result<Vec<u8>, IngestError> {
        self.read(name, budget)?
            .ok_or_else(|| IngestError::corrupt(name, "part missing from the package"))
    }
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
