//! `sops.jsonl` as a [`SopSource`]: `sopap report` rebuilds the reports of a large run
//! without loading its SOPs, through an index of where each line starts.

use std::collections::{HashMap, HashSet};
use std::fs::File;
use std::io::{self, BufRead, BufReader, Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use super::ReportError;
use crate::analyze::agencies::agency_name;
use crate::analyze::source::{SopSource, Visit};
use crate::sop::record::Sop;

/// A line of `sops.jsonl` that was a record when indexed and no longer is: the file
/// changed while the reports were written.
#[derive(Debug, thiserror::Error)]
#[error("{}: the record of {id} changed while the reports were written: {source}", path.display())]
pub struct ChangedRecord {
    /// The file.
    pub path: PathBuf,
    /// The SOP id of the line.
    pub id: String,
    /// The JSON error.
    #[source]
    pub source: serde_json::Error,
}

/// Where one SOP's line is.
struct Entry {
    id: Box<str>,
    agency: u32,
    offset: u64,
    len: u32,
}

/// The SOPs of a `sops.jsonl` file, read line by line on demand, in id order.
pub struct JsonlSource {
    path: PathBuf,
    file: Mutex<File>,
    /// Entries sorted by id.
    entries: Vec<Entry>,
    agencies: Vec<String>,
    by_id: HashMap<Box<str>, usize>,
    files: usize,
}

impl JsonlSource {
    /// Indexes `path`: every line must be one SOP record (checked here, with its line
    /// number in the error).
    pub fn open(path: &Path) -> Result<Self, ReportError> {
        let io_err = |source| ReportError::Io {
            path: path.to_path_buf(),
            source,
        };
        let file = File::open(path).map_err(io_err)?;
        let mut reader = BufReader::with_capacity(1 << 20, file.try_clone().map_err(io_err)?);
        let mut entries = Vec::new();
        let mut agencies: Vec<String> = Vec::new();
        let mut agency_index: HashMap<String, u32> = HashMap::new();
        let mut paths: HashSet<String> = HashSet::new();
        let (mut offset, mut line_no) = (0u64, 0usize);
        let mut line = String::new();
        loop {
            line.clear();
            let n = reader.read_line(&mut line).map_err(io_err)?;
            if n == 0 {
                break;
            }
            line_no += 1;
            let start = offset;
            offset += n as u64;
            if line.trim().is_empty() {
                continue;
            }
            let sop: Sop =
                serde_json::from_str(&line).map_err(|source| ReportError::BadRecord {
                    path: path.to_path_buf(),
                    line: line_no,
                    source,
                })?;
            let name = agency_name(&sop);
            let next = agencies.len() as u32;
            let a = *agency_index.entry(name.to_string()).or_insert(next);
            if a == next {
                agencies.push(name.to_string());
            }
            if !paths.contains(&sop.source.path) {
                paths.insert(sop.source.path.clone());
            }
            entries.push(Entry {
                id: sop.id.into(),
                agency: a,
                offset: start,
                len: u32::try_from(n).unwrap_or(u32::MAX),
            });
        }
        entries.sort_by(|a, b| a.id.cmp(&b.id));
        let by_id = entries
            .iter()
            .enumerate()
            .map(|(i, e)| (e.id.clone(), i))
            .collect();
        Ok(JsonlSource {
            path: path.to_path_buf(),
            file: Mutex::new(file),
            entries,
            agencies,
            by_id,
            files: paths.len(),
        })
    }

    /// Distinct source files of the SOPs.
    pub fn files(&self) -> usize {
        self.files
    }

    fn read(&self, e: &Entry) -> io::Result<Sop> {
        let mut buf = vec![0u8; e.len as usize];
        {
            let mut f = self
                .file
                .lock()
                .map_err(|_| io::Error::other("sops.jsonl reader poisoned"))?;
            f.seek(SeekFrom::Start(e.offset))?;
            f.read_exact(&mut buf)?;
        }
        serde_json::from_slice(&buf).map_err(|source| {
            io::Error::other(ChangedRecord {
                path: self.path.clone(),
                id: e.id.to_string(),
                source,
            })
        })
    }
}

impl SopSource for JsonlSource {
    fn each(&self, f: &mut Visit<'_>) -> io::Result<()> {
        self.entries.iter().try_for_each(|e| f(self.read(e)?))
    }

    fn each_of_agency(&self, agency: &str, f: &mut Visit<'_>) -> io::Result<()> {
        let Some(a) = self.agencies.iter().position(|x| x == agency) else {
            return Ok(());
        };
        self.entries
            .iter()
            .filter(|e| e.agency as usize == a)
            .try_for_each(|e| f(self.read(e)?))
    }

    fn get(&self, id: &str) -> io::Result<Option<Sop>> {
        match self.by_id.get(id).and_then(|&i| self.entries.get(i)) {
            Some(e) => self.read(e).map(Some),
            None => Ok(None),
        }
    }
}
