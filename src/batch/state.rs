//! The incremental state store: an embedded SQLite database in `OUT/state.sqlite`.
//!
//! It records, per input file, its size, mtime, content hash and the engine + rules
//! version that read it, with the file's SOPs (as JSON) or its error. A rerun re-reads
//! only new or changed files, drops the SOPs of deleted files, and rebuilds the outputs
//! from the store, which it walks one SOP at a time as a [`SopSource`] (by id, or by
//! agency through an index). Results are committed per batch of files, so a run killed
//! at any moment loses at most the batch in flight. The `meta` table remembers what the
//! outputs were written from ([`OUTPUTS_KEY`]); the runs table keeps each run's figures
//! (findings per agency for the next report's trend).

use std::collections::HashMap;
use std::io;
use std::path::{Path, PathBuf};

use rusqlite::{Connection, OptionalExtension, params};

use crate::analyze::agencies::agency_name;
use crate::analyze::source::{SopSource, Visit};
use crate::sop::record::{FileError, Sop};

/// The layout of the tables; a store of another layout is emptied (its files are read
/// again) when opened.
const SCHEMA_VERSION: i64 = 2;

/// The `meta` key under which the store keeps what the outputs in OUT were written from;
/// every change of the files' records removes it in the same transaction, so outputs
/// are only ever kept when they match the store.
pub const OUTPUTS_KEY: &str = "outputs";

/// SOPs decoded together (in parallel) while walking the store.
const WALK_CHUNK: usize = 256;

/// A failure of the state store.
#[derive(Debug, thiserror::Error)]
#[error("state store {path}: {source}")]
pub struct StoreError {
    /// The database file.
    pub path: PathBuf,
    /// The SQLite error.
    #[source]
    pub source: rusqlite::Error,
}

/// What the store knows of one input file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FileState {
    /// Size in bytes.
    pub size: u64,
    /// Modification time, nanoseconds since the epoch.
    pub mtime_ns: i64,
    /// SHA-256 of the content, hex.
    pub sha256: String,
    /// Engine and rules version that read it.
    pub version: String,
}

/// One file's result as saved: relative path, state, and its SOPs or its error.
pub type FileResult = (String, FileState, Result<Vec<Sop>, FileError>);

/// One run as recorded in the store.
#[derive(Clone, Debug, Default, serde::Serialize, serde::Deserialize)]
pub struct RunRecord {
    /// When the run finished (seconds since the epoch).
    pub finished_at: i64,
    /// Files in the archive.
    pub files: u64,
    /// Files read in this run.
    pub read: u64,
    /// Files skipped because unchanged.
    pub skipped: u64,
    /// Files that gave no SOP.
    pub failed: u64,
    /// Files whose records were dropped because they left the archive.
    pub deleted: u64,
    /// Findings per agency after the run.
    pub findings_by_agency: std::collections::BTreeMap<String, u64>,
    /// Whether the run wrote the outputs (false: nothing had changed, they were kept).
    #[serde(default = "yes")]
    pub wrote_outputs: bool,
}

fn yes() -> bool {
    true
}

/// The open store.
pub struct Store {
    conn: Connection,
    path: PathBuf,
}

impl Store {
    /// Opens (creating if needed) `OUT/state.sqlite`.
    pub fn open(out: &Path) -> Result<Self, StoreError> {
        let path = out.join("state.sqlite");
        let err = |source| StoreError {
            path: path.clone(),
            source,
        };
        let conn = Connection::open(&path).map_err(err)?;
        let schema: i64 = conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .map_err(err)?;
        if schema != SCHEMA_VERSION {
            // An older layout: forget the files (they are read again) but keep the runs.
            conn.execute_batch(&format!(
                "DROP TABLE IF EXISTS sops; DROP TABLE IF EXISTS files; DROP TABLE IF EXISTS meta;
                 PRAGMA user_version = {SCHEMA_VERSION};"
            ))
            .map_err(err)?;
        }
        conn.execute_batch(
            "PRAGMA journal_mode=WAL;
             PRAGMA synchronous=NORMAL;
             CREATE TABLE IF NOT EXISTS files (
                path TEXT PRIMARY KEY,
                size INTEGER NOT NULL,
                mtime_ns INTEGER NOT NULL,
                sha256 TEXT NOT NULL,
                version TEXT NOT NULL,
                error_json TEXT
             );
             CREATE TABLE IF NOT EXISTS sops (
                id TEXT PRIMARY KEY,
                path TEXT NOT NULL,
                agency TEXT NOT NULL,
                json TEXT NOT NULL
             );
             CREATE INDEX IF NOT EXISTS sops_path ON sops(path);
             CREATE INDEX IF NOT EXISTS sops_agency ON sops(agency, id);
             CREATE TABLE IF NOT EXISTS meta (
                key TEXT PRIMARY KEY,
                value TEXT NOT NULL
             );
             CREATE TABLE IF NOT EXISTS runs (
                n INTEGER PRIMARY KEY AUTOINCREMENT,
                json TEXT NOT NULL
             );",
        )
        .map_err(err)?;
        Ok(Store { conn, path })
    }

    fn err(&self, source: rusqlite::Error) -> StoreError {
        StoreError {
            path: self.path.clone(),
            source,
        }
    }

    /// Every file the store knows, by relative path.
    pub fn known_files(&self) -> Result<HashMap<String, FileState>, StoreError> {
        let mut st = self
            .conn
            .prepare("SELECT path, size, mtime_ns, sha256, version FROM files")
            .map_err(|e| self.err(e))?;
        let rows = st
            .query_map([], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    FileState {
                        size: r.get::<_, i64>(1)? as u64,
                        mtime_ns: r.get(2)?,
                        sha256: r.get(3)?,
                        version: r.get(4)?,
                    },
                ))
            })
            .map_err(|e| self.err(e))?;
        let mut out = HashMap::new();
        for r in rows {
            let (p, s) = r.map_err(|e| self.err(e))?;
            out.insert(p, s);
        }
        Ok(out)
    }

    /// Saves a batch of results in one transaction: each file's state and its SOPs or
    /// error, replacing what the store had for that path.
    pub fn save_batch(&mut self, batch: &[FileResult]) -> Result<(), StoreError> {
        let path = self.path.clone();
        let err = |source| StoreError {
            path: path.clone(),
            source,
        };
        let tx = self.conn.transaction().map_err(err)?;
        if !batch.is_empty() {
            // The outputs no longer match the store, in the same transaction.
            tx.execute("DELETE FROM meta WHERE key = ?1", params![OUTPUTS_KEY])
                .map_err(err)?;
        }
        {
            let mut del = tx
                .prepare_cached("DELETE FROM sops WHERE path = ?1")
                .map_err(err)?;
            let mut put_file = tx
                .prepare_cached(
                    "INSERT OR REPLACE INTO files (path, size, mtime_ns, sha256, version, error_json)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                )
                .map_err(err)?;
            let mut put_sop = tx
                .prepare_cached(
                    "INSERT OR REPLACE INTO sops (id, path, agency, json) VALUES (?1, ?2, ?3, ?4)",
                )
                .map_err(err)?;
            for (rel, st, outcome) in batch {
                del.execute(params![rel]).map_err(err)?;
                let error_json = match outcome {
                    Ok(_) => None,
                    Err(e) => serde_json::to_string(e).ok(),
                };
                put_file
                    .execute(params![
                        rel,
                        st.size as i64,
                        st.mtime_ns,
                        st.sha256,
                        st.version,
                        error_json
                    ])
                    .map_err(err)?;
                if let Ok(sops) = outcome {
                    for s in sops {
                        let json = serde_json::to_string(s).unwrap_or_default();
                        put_sop
                            .execute(params![s.id, rel, agency_name(s), json])
                            .map_err(err)?;
                    }
                }
            }
        }
        tx.commit().map_err(err)
    }

    /// How many SOPs each file holds per agency: `(path, agency, count)` rows.
    pub fn agencies_by_path(&self) -> Result<Vec<(String, String, usize)>, StoreError> {
        let mut st = self
            .conn
            .prepare("SELECT path, agency, COUNT(*) FROM sops GROUP BY path, agency ORDER BY path")
            .map_err(|e| self.err(e))?;
        let rows = st
            .query_map([], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, i64>(2)?.max(0) as usize,
                ))
            })
            .map_err(|e| self.err(e))?;
        rows.collect::<Result<Vec<_>, _>>().map_err(|e| self.err(e))
    }

    /// Sets the agency of the SOPs of `path` whose agency is `from` to `to` (the stored
    /// record too); the number of SOPs changed.
    pub fn rename_agency(&mut self, path: &str, from: &str, to: &str) -> Result<usize, StoreError> {
        let path_buf = self.path.clone();
        let err = |source| StoreError {
            path: path_buf.clone(),
            source,
        };
        let tx = self.conn.transaction().map_err(err)?;
        let rows: Vec<(String, String)> = {
            let mut st = tx
                .prepare("SELECT id, json FROM sops WHERE path = ?1 AND agency = ?2")
                .map_err(err)?;
            let q = st
                .query_map(params![path, from], |r| Ok((r.get(0)?, r.get(1)?)))
                .map_err(err)?;
            q.collect::<Result<Vec<_>, _>>().map_err(err)?
        };
        let mut changed = 0;
        for (id, json) in rows {
            let Ok(mut sop) = serde_json::from_str::<Sop>(&json) else {
                continue;
            };
            sop.agency = Some(to.to_string());
            let Ok(json) = serde_json::to_string(&sop) else {
                continue;
            };
            tx.execute(
                "UPDATE sops SET agency = ?1, json = ?2 WHERE id = ?3",
                params![to, json, id],
            )
            .map_err(err)?;
            tx.execute("DELETE FROM meta WHERE key = ?1", params![OUTPUTS_KEY])
                .map_err(err)?;
            changed += 1;
        }
        tx.commit().map_err(err)?;
        Ok(changed)
    }

    /// Updates only the mtime of a file whose content is unchanged.
    pub fn touch(&self, rel: &str, mtime_ns: i64) -> Result<(), StoreError> {
        self.conn
            .execute(
                "UPDATE files SET mtime_ns = ?2 WHERE path = ?1",
                params![rel, mtime_ns],
            )
            .map_err(|e| self.err(e))?;
        Ok(())
    }

    /// Drops the records of files no longer in the archive; returns how many.
    pub fn drop_missing(
        &mut self,
        present: &std::collections::HashSet<&str>,
    ) -> Result<u64, StoreError> {
        let gone: Vec<String> = self
            .known_files()?
            .into_keys()
            .filter(|p| !present.contains(p.as_str()))
            .collect();
        let path = self.path.clone();
        let err = |source| StoreError {
            path: path.clone(),
            source,
        };
        let tx = self.conn.transaction().map_err(err)?;
        if !gone.is_empty() {
            tx.execute("DELETE FROM meta WHERE key = ?1", params![OUTPUTS_KEY])
                .map_err(err)?;
        }
        for p in &gone {
            tx.execute("DELETE FROM sops WHERE path = ?1", params![p])
                .map_err(err)?;
            tx.execute("DELETE FROM files WHERE path = ?1", params![p])
                .map_err(err)?;
        }
        tx.commit().map_err(err)?;
        Ok(gone.len() as u64)
    }

    /// How many SOPs the store holds.
    pub fn sop_count(&self) -> Result<usize, StoreError> {
        self.conn
            .query_row("SELECT COUNT(*) FROM sops", [], |r| r.get::<_, i64>(0))
            .map(|n| n as usize)
            .map_err(|e| self.err(e))
    }

    /// Walks the SOPs of one query in order, one at a time (a row that is not an SOP,
    /// written by another version, is skipped).
    fn walk(&self, sql: &str, args: &[&dyn rusqlite::ToSql], f: &mut Visit<'_>) -> io::Result<()> {
        use rayon::prelude::*;
        let io_err = |e: rusqlite::Error| io::Error::other(self.err(e));
        let mut st = self.conn.prepare(sql).map_err(io_err)?;
        let mut rows = st.query(args).map_err(io_err)?;
        // Rows are decoded a chunk at a time on every core, then handed on in order: the
        // JSON decoding is most of a walk's time, and a chunk bounds what is in flight.
        let mut chunk: Vec<String> = Vec::with_capacity(WALK_CHUNK);
        let mut flush = |chunk: &mut Vec<String>| -> io::Result<()> {
            let sops: Vec<Option<Sop>> = chunk
                .par_iter()
                .map(|text| serde_json::from_str::<Sop>(text).ok())
                .collect();
            chunk.clear();
            sops.into_iter().flatten().try_for_each(&mut *f)
        };
        while let Some(row) = rows.next().map_err(io_err)? {
            let json = row.get_ref(0).map_err(io_err)?;
            let Ok(text) = json.as_str() else { continue };
            chunk.push(text.to_string());
            if chunk.len() >= WALK_CHUNK {
                flush(&mut chunk)?;
            }
        }
        flush(&mut chunk)
    }

    /// A stored value of the `meta` table.
    pub fn meta(&self, key: &str) -> Result<Option<String>, StoreError> {
        self.conn
            .query_row("SELECT value FROM meta WHERE key = ?1", params![key], |r| {
                r.get(0)
            })
            .optional()
            .map_err(|e| self.err(e))
    }

    /// Sets a value of the `meta` table.
    pub fn set_meta(&self, key: &str, value: &str) -> Result<(), StoreError> {
        self.conn
            .execute(
                "INSERT OR REPLACE INTO meta (key, value) VALUES (?1, ?2)",
                params![key, value],
            )
            .map_err(|e| self.err(e))?;
        Ok(())
    }

    /// Every stored file error, ordered by path.
    pub fn errors(&self) -> Result<Vec<FileError>, StoreError> {
        self.json_rows("SELECT error_json FROM files WHERE error_json IS NOT NULL ORDER BY path")
    }

    /// The rows of a one-column query of JSON texts, each read as a `T` (a row that is
    /// not one, written by another version, is skipped).
    fn json_rows<T: serde::de::DeserializeOwned>(&self, sql: &str) -> Result<Vec<T>, StoreError> {
        let mut st = self.conn.prepare(sql).map_err(|e| self.err(e))?;
        let rows = st
            .query_map([], |r| r.get::<_, String>(0))
            .map_err(|e| self.err(e))?;
        let mut out = Vec::new();
        for r in rows {
            let json = r.map_err(|e| self.err(e))?;
            if let Ok(v) = serde_json::from_str::<T>(&json) {
                out.push(v);
            }
        }
        Ok(out)
    }

    /// Records a finished run.
    pub fn record_run(&self, run: &RunRecord) -> Result<(), StoreError> {
        let json = serde_json::to_string(run).unwrap_or_default();
        self.conn
            .execute("INSERT INTO runs (json) VALUES (?1)", params![json])
            .map_err(|e| self.err(e))?;
        Ok(())
    }

    /// The most recent recorded run that wrote the outputs: the run the next report's
    /// trend compares with.
    pub fn last_written_run(&self) -> Result<Option<RunRecord>, StoreError> {
        let mut st = self
            .conn
            .prepare("SELECT json FROM runs ORDER BY n DESC")
            .map_err(|e| self.err(e))?;
        let mut rows = st.query([]).map_err(|e| self.err(e))?;
        while let Some(row) = rows.next().map_err(|e| self.err(e))? {
            let json: String = row.get(0).map_err(|e| self.err(e))?;
            if let Ok(r) = serde_json::from_str::<RunRecord>(&json)
                && r.wrote_outputs
            {
                return Ok(Some(r));
            }
        }
        Ok(None)
    }

    /// The most recent recorded run, if any.
    pub fn last_run(&self) -> Result<Option<RunRecord>, StoreError> {
        let json: Option<String> = self
            .conn
            .query_row("SELECT json FROM runs ORDER BY n DESC LIMIT 1", [], |r| {
                r.get(0)
            })
            .optional()
            .map_err(|e| self.err(e))?;
        Ok(json.and_then(|j| serde_json::from_str(&j).ok()))
    }
}

impl SopSource for Store {
    fn each(&self, f: &mut Visit<'_>) -> io::Result<()> {
        self.walk("SELECT json FROM sops ORDER BY id", &[], f)
    }

    fn each_of_agency(&self, agency: &str, f: &mut Visit<'_>) -> io::Result<()> {
        self.walk(
            "SELECT json FROM sops WHERE agency = ?1 ORDER BY id",
            &[&agency],
            f,
        )
    }

    fn get(&self, id: &str) -> io::Result<Option<Sop>> {
        let io_err = |e: rusqlite::Error| io::Error::other(self.err(e));
        let mut st = self
            .conn
            .prepare_cached("SELECT json FROM sops WHERE id = ?1")
            .map_err(io_err)?;
        let json: Option<String> = st
            .query_row(params![id], |r| r.get(0))
            .optional()
            .map_err(io_err)?;
        Ok(json.and_then(|j| serde_json::from_str(&j).ok()))
    }
}
