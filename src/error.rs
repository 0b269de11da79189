//! Error types shared by the pipeline's stages.
//!
//! Each stage has its own error type; every error that ends a file's processing maps to
//! one [`ErrorKind`], the `kind` written to `errors.jsonl` (SPEC.md).

use serde::{Deserialize, Serialize};

/// The kinds of per-file failure that `errors.jsonl` records (SPEC.md).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum ErrorKind {
    /// The file is damaged or not what its container says.
    Corrupt,
    /// The file is protected by a password we do not have.
    Encrypted,
    /// The bytes are not a format the pipeline reads.
    Unsupported,
    /// The file (or something inside it) exceeds a size limit.
    TooLarge,
    /// Reading took longer than the per-file time budget.
    Timeout,
    /// The file was read but holds no SOP.
    NoSopFound,
}

impl ErrorKind {
    /// The kebab-case name as written in `errors.jsonl`.
    pub fn name(self) -> &'static str {
        match self {
            ErrorKind::Corrupt => "corrupt",
            ErrorKind::Encrypted => "encrypted",
            ErrorKind::Unsupported => "unsupported",
            ErrorKind::TooLarge => "too-large",
            ErrorKind::Timeout => "timeout",
            ErrorKind::NoSopFound => "no-sop-found",
        }
    }
}

impl std::fmt::Display for ErrorKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// An error of the ingest stage: reading a file's bytes into the document model.
#[derive(Debug, thiserror::Error)]
pub enum IngestError {
    /// The bytes are in no format we read.
    #[error("unsupported format: {0}")]
    Unsupported(String),
    /// The file is password-protected.
    #[error("encrypted: {0}")]
    Encrypted(String),
    /// The file is damaged; `part` names what was being read.
    #[error("corrupt {part}: {message}")]
    Corrupt {
        /// The part, stream or object being read (`word/document.xml`, `xref`, ...).
        part: String,
        /// What is wrong.
        message: String,
    },
    /// A size, ratio, depth or count limit was exceeded.
    #[error("too large: {0}")]
    TooLarge(String),
    /// The per-file time budget ran out.
    #[error("timed out while reading {0}")]
    Timeout(String),
    /// The file could not be read from disk.
    #[error("cannot read file: {0}")]
    Io(#[from] std::io::Error),
}

impl IngestError {
    /// A [`IngestError::Corrupt`] for `part` with a message.
    pub fn corrupt(part: impl Into<String>, message: impl std::fmt::Display) -> Self {
        IngestError::Corrupt {
            part: part.into(),
            message: message.to_string(),
        }
    }

    /// The `errors.jsonl` kind of this error.
    pub fn kind(&self) -> ErrorKind {
        match self {
            IngestError::Unsupported(_) => ErrorKind::Unsupported,
            IngestError::Encrypted(_) => ErrorKind::Encrypted,
            IngestError::Corrupt { .. } => ErrorKind::Corrupt,
            IngestError::TooLarge(_) => ErrorKind::TooLarge,
            IngestError::Timeout(_) => ErrorKind::Timeout,
            IngestError::Io(_) => ErrorKind::Corrupt,
        }
    }
}
