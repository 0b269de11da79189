//! Traceability of an export: `index.csv` and `index.json` in the target folder name,
//! per SOP, its id, source path, agency, number, title and the files written; and the
//! clean-up of an earlier export's files that this export did not write again.
//!
//! The index of an earlier export into the same folder says which files are ours: those
//! not written again are removed (they belong to SOPs that are gone or were renamed);
//! export files that no index lists are only reported.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::sop::record::Sop;

/// File name of the JSON index.
pub const INDEX_JSON: &str = "index.json";
/// File name of the CSV index.
pub const INDEX_CSV: &str = "index.csv";
/// Extensions of the files an export writes.
const EXPORT_EXTS: [&str; 3] = ["docx", "xlsx", "bpmn"];

/// Why the index stage failed: the clean-up of an earlier export or the writing of the
/// index files, each with the path and the cause.
#[derive(Debug, thiserror::Error)]
pub enum IndexError {
    /// A stale file of an earlier export cannot be removed.
    #[error("cannot write {path}: {source}")]
    Remove {
        /// The file.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
    /// The target folder cannot be created.
    #[error("cannot write {path}: {source}")]
    Folder {
        /// The folder.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
    /// The entries cannot be serialised as JSON.
    #[error("cannot write {path}: {source}")]
    Json {
        /// The JSON index file.
        path: PathBuf,
        /// The JSON error.
        source: serde_json::Error,
    },
    /// An index file cannot be written.
    #[error(transparent)]
    Write(#[from] crate::output::OutputError),
}

/// One SOP of an export.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Entry {
    /// The SOP id (`<source path>#<index>`).
    pub sop_id: String,
    /// The source file, relative to the archive root.
    pub source: String,
    /// The agency (OPD).
    pub agency: Option<String>,
    /// Nomor SOP.
    pub number: Option<String>,
    /// Nama SOP.
    pub title: Option<String>,
    /// Files written for this SOP, relative to the target folder, with `/`.
    pub files: Vec<String>,
}

impl Entry {
    /// The entry of `sop` with the `files` written for it.
    pub fn new(sop: &Sop, files: Vec<PathBuf>) -> Entry {
        Entry {
            sop_id: sop.id.clone(),
            source: sop.source.path.clone(),
            agency: sop.agency.clone(),
            number: sop.identity.number.clone(),
            title: sop.identity.title.clone(),
            files: files.iter().map(|f| slash(f)).collect(),
        }
    }
}

/// A relative path with `/` separators.
fn slash(p: &Path) -> String {
    p.components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect::<Vec<_>>()
        .join("/")
}

/// The files an earlier export into `to` listed in its `index.json` (empty when there
/// is none or it cannot be read).
pub fn read_earlier(to: &Path) -> Vec<PathBuf> {
    let Ok(bytes) = std::fs::read(to.join(INDEX_JSON)) else {
        return Vec::new();
    };
    serde_json::from_slice::<Vec<Entry>>(&bytes)
        .map(|entries| {
            entries
                .into_iter()
                .flat_map(|e| e.files)
                .filter(|f| safe_relative(f))
                .map(PathBuf::from)
                .collect()
        })
        .unwrap_or_default()
}

/// True for a relative path that stays inside the folder (no `..`, not absolute): an
/// index edited by hand must not make the export delete files elsewhere.
fn safe_relative(p: &str) -> bool {
    let path = Path::new(p);
    !path.is_absolute()
        && path
            .components()
            .all(|c| matches!(c, std::path::Component::Normal(_)))
}

/// Removes the `earlier` files not in `written`, and lists the export files under `to`
/// that neither list names. Returns (removed, unknown).
pub fn clean_stale(
    to: &Path,
    earlier: &[PathBuf],
    written: &[PathBuf],
) -> Result<(Vec<PathBuf>, Vec<PathBuf>), IndexError> {
    let now: HashSet<&PathBuf> = written.iter().collect();
    let mut removed = Vec::new();
    for f in earlier {
        if now.contains(f) {
            continue;
        }
        let path = to.join(f);
        match std::fs::remove_file(&path) {
            Ok(()) => removed.push(f.clone()),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(source) => return Err(IndexError::Remove { path, source }),
        }
    }
    let known: HashSet<&PathBuf> = written.iter().chain(earlier.iter()).collect();
    let mut unknown = Vec::new();
    let mut stack = vec![PathBuf::new()];
    while let Some(rel) = stack.pop() {
        let Ok(dir) = std::fs::read_dir(to.join(&rel)) else {
            continue;
        };
        for e in dir.flatten() {
            let r = rel.join(e.file_name());
            match e.file_type() {
                Ok(t) if t.is_dir() => stack.push(r),
                Ok(t) if t.is_file() => {
                    let ours = r
                        .extension()
                        .and_then(|x| x.to_str())
                        .is_some_and(|x| EXPORT_EXTS.contains(&x));
                    if ours && !known.contains(&r) {
                        unknown.push(r);
                    }
                }
                _ => {}
            }
        }
    }
    unknown.sort();
    Ok((removed, unknown))
}

/// One CSV field, quoted per RFC 4180 where it holds a comma, quote or line break.
fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

/// The CSV index: a header line, then one line per SOP (files joined by `;`).
pub fn to_csv(entries: &[Entry]) -> String {
    let mut out = String::from("sop_id,source,agency,number,title,files\r\n");
    for e in entries {
        let fields = [
            e.sop_id.as_str(),
            e.source.as_str(),
            e.agency.as_deref().unwrap_or(""),
            e.number.as_deref().unwrap_or(""),
            e.title.as_deref().unwrap_or(""),
            &e.files.join(";"),
        ];
        let line: Vec<String> = fields.iter().map(|f| csv_field(f)).collect();
        out.push_str(&line.join(","));
        out.push_str("\r\n");
    }
    out
}

/// Writes `index.json` and `index.csv` into `to`, atomically.
pub fn write(to: &Path, entries: &[Entry]) -> Result<(), IndexError> {
    std::fs::create_dir_all(to).map_err(|source| IndexError::Folder {
        path: to.to_path_buf(),
        source,
    })?;
    let json = serde_json::to_vec_pretty(entries).map_err(|source| IndexError::Json {
        path: to.join(INDEX_JSON),
        source,
    })?;
    for (name, bytes) in [
        (INDEX_JSON, json),
        (INDEX_CSV, to_csv(entries).into_bytes()),
    ] {
        crate::output::write_atomic(&to.join(name), &bytes)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_quotes_commas_and_quotes() {
        let e = Entry {
            sop_id: "a/x.docx#1".into(),
            source: "a/x.docx".into(),
            agency: Some("Dinas A".into()),
            number: Some("800/12".into()),
            title: Some("Cuti, \"Tahunan\"".into()),
            files: vec!["dinas-a/cuti.docx".into(), "dinas-a/cuti.bpmn".into()],
        };
        let csv = to_csv(&[e]);
        assert!(csv.contains("\"Cuti, \"\"Tahunan\"\"\""));
        assert!(csv.contains("dinas-a/cuti.docx;dinas-a/cuti.bpmn"));
    }

    #[test]
    fn unsafe_index_paths_are_ignored() {
        assert!(safe_relative("dinas/a.docx"));
        assert!(!safe_relative("../a.docx"));
        assert!(!safe_relative("/etc/passwd"));
    }
}
