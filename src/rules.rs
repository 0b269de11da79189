//! The parsers' and analysers' vocabulary, loaded from TOML files in `rules/`.
//!
//! Every rule file is embedded in the binary as the default; `--rules DIR` overrides any
//! of them by file name, so a Bagian Organisasi can add a local title, a label variant
//! or a time unit without recompiling. A malformed file is a [`RulesError`] naming the
//! file, the line and what is wrong.

use std::path::{Path, PathBuf};

use serde::de::DeserializeOwned;
use sha2::{Digest, Sha256};

/// The rule files and their embedded defaults.
pub const DEFAULT_FILES: &[(&str, &str)] = &[
    ("actors.toml", include_str!("../rules/actors.toml")),
    ("labels.toml", include_str!("../rules/labels.toml")),
    ("headers.toml", include_str!("../rules/headers.toml")),
    ("marks.toml", include_str!("../rules/marks.toml")),
    ("time.toml", include_str!("../rules/time.toml")),
    ("decisions.toml", include_str!("../rules/decisions.toml")),
    ("findings.toml", include_str!("../rules/findings.toml")),
    ("document.toml", include_str!("../rules/document.toml")),
    ("agencies.toml", include_str!("../rules/agencies.toml")),
    ("ocr.toml", include_str!("../rules/ocr.toml")),
];

/// A malformed or unreadable rules file.
#[derive(Debug, thiserror::Error)]
pub enum RulesError {
    /// The override file exists but cannot be read.
    #[error("cannot read rules file {path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
    /// The file is not valid TOML or does not fit the expected shape.
    #[error("rules file {file}, line {line}: {message}")]
    Syntax {
        /// The file (override path or `rules/<name> (built in)`).
        file: String,
        /// 1-based line of the problem (0 when unknown).
        line: usize,
        /// What is wrong.
        message: String,
    },
    /// The file parsed but a value is unusable (a bad regex, an unknown code...).
    #[error("rules file {file}: {message}")]
    Invalid {
        /// The file.
        file: String,
        /// What is wrong.
        message: String,
    },
    /// A pattern the crate builds for a rules file does not compile.
    #[error("rules file {file}: {source}")]
    Pattern {
        /// The file (`rules/<name>`).
        file: String,
        /// The regex error.
        source: regex::Error,
    },
    /// The `--rules` folder does not exist, or holds a file that is no rules file (a
    /// misspelt override would otherwise be ignored without a word).
    #[error("rules folder {path}: {message}")]
    Folder {
        /// The folder or the unknown file.
        path: PathBuf,
        /// What is wrong.
        message: String,
    },
    /// The `--rules` folder cannot be listed.
    #[error("rules folder {path}: {source}")]
    FolderIo {
        /// The folder.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
}

/// Checks an override folder: it exists, and every file in it (hidden files aside) is
/// named like one of the rule files.
pub fn check_rules_dir(dir: &Path) -> Result<(), RulesError> {
    let folder_err = |path: &Path, message: String| RulesError::Folder {
        path: path.to_path_buf(),
        message,
    };
    let io_err = |source: std::io::Error| RulesError::FolderIo {
        path: dir.to_path_buf(),
        source,
    };
    let rd = std::fs::read_dir(dir).map_err(io_err)?;
    for entry in rd {
        let entry = entry.map_err(io_err)?;
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.starts_with('.') || DEFAULT_FILES.iter().any(|(n, _)| *n == name) {
            continue;
        }
        let known: Vec<&str> = DEFAULT_FILES.iter().map(|(n, _)| *n).collect();
        return Err(folder_err(
            &entry.path(),
            format!("not a rules file (the rule files are {})", known.join(", ")),
        ));
    }
    Ok(())
}

/// Where rule files come from: an optional override folder over the embedded defaults.
#[derive(Clone, Debug, Default)]
pub struct RuleSource {
    dir: Option<PathBuf>,
    texts: Vec<(String, String)>,
}

impl RuleSource {
    /// Rules from the embedded defaults, overridden by files in `dir` where present.
    pub fn new(dir: Option<&Path>) -> Self {
        RuleSource {
            dir: dir.map(Path::to_path_buf),
            texts: Vec::new(),
        }
    }

    /// Overrides rule file `name` with `text` held in memory (tests, fuzzing, callers
    /// that keep rules elsewhere); it wins over the folder and the defaults.
    pub fn with_text(mut self, name: &str, text: impl Into<String>) -> Self {
        self.texts.retain(|(n, _)| n != name);
        self.texts.push((name.to_string(), text.into()));
        self
    }

    /// The text of rule file `name` and a label naming where it came from.
    pub fn text(&self, name: &str) -> Result<(String, String), RulesError> {
        if let Some((_, t)) = self.texts.iter().find(|(n, _)| n == name) {
            return Ok((format!("rules/{name} (in memory)"), t.clone()));
        }
        if let Some(dir) = &self.dir {
            let p = dir.join(name);
            if p.exists() {
                let text = std::fs::read_to_string(&p).map_err(|source| RulesError::Io {
                    path: p.clone(),
                    source,
                })?;
                return Ok((p.display().to_string(), text));
            }
        }
        let text = DEFAULT_FILES
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, t)| t.to_string())
            .unwrap_or_default();
        Ok((format!("rules/{name} (built in)"), text))
    }

    /// Parses rule file `name` into `T`, with the file and line in any error.
    pub fn parse<T: DeserializeOwned>(&self, name: &str) -> Result<T, RulesError> {
        let (label, text) = self.text(name)?;
        toml::from_str(&text).map_err(|e| {
            let line = e
                .span()
                .map(|s| {
                    text.as_bytes()[..s.start.min(text.len())]
                        .iter()
                        .filter(|&&b| b == b'\n')
                        .count()
                        + 1
                })
                .unwrap_or(0);
            RulesError::Syntax {
                file: label,
                line,
                message: e.message().to_string(),
            }
        })
    }

    /// A hash over every rule file's effective text: a change of rules changes it.
    pub fn fingerprint(&self) -> Result<String, RulesError> {
        let mut h = Sha256::new();
        for (name, _) in DEFAULT_FILES {
            let (_, text) = self.text(name)?;
            h.update(name.as_bytes());
            h.update([0]);
            h.update(text.as_bytes());
            h.update([0]);
        }
        Ok(hex(&h.finalize()))
    }
}

/// Lower-case hex of bytes.
pub fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write;
    bytes
        .iter()
        .fold(String::with_capacity(bytes.len() * 2), |mut s, b| {
            let _ = write!(s, "{b:02x}");
            s
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn malformed_override_names_file_and_line() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("marks.toml"), "a = 1\nb = [\n").unwrap();
        let src = RuleSource::new(Some(dir.path()));
        let e = src.parse::<toml::Table>("marks.toml").unwrap_err();
        let msg = e.to_string();
        assert!(msg.contains("marks.toml"), "{msg}");
        assert!(
            matches!(e, RulesError::Syntax { line, .. } if line >= 2),
            "{msg}"
        );
    }
}
