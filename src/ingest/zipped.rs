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
}

impl<'a> Package<'a> {
    /// Opens the zip directory; a damaged directory is `corrupt`.
    pub fn open(bytes: &'a [u8]) -> Result<Self, IngestError> {
        let archive = ZipArchive::new(Cursor::new(bytes))
            .map_err(|e| IngestError::corrupt("zip directory", e))?;
        Ok(Package { archive })
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
