//! sopap: a batch pipeline for legacy SOP AP documents of Indonesian local government.
//!
//! The stages, each a module:
//!
//! 1. [`ingest`]: bytes of .docx, .doc, .xlsx, .xls, .ods or PDF → one
//!    [`model::Document`] (format detected from the bytes).
//! 2. [`sop`]: the document model → normalised [`sop::record::Sop`] records in the
//!    standard structure of PermenPANRB 35/2012, with vocabulary read by [`rules`].
//! 3. [`analyze`]: gap findings per SOP and duplicates across agencies.
//! 4. [`report`]: `report.json`, `report.html`, `report.xlsx`.
//! 5. [`export`]: SOPs back to clean standard-format documents.
//!
//! [`pipeline`] runs one file through stages 1–3; [`batch`] runs an archive in parallel.
//!
//! Read one file and parse its SOPs (stages 1 and 2; [`pipeline::process_bytes`] adds
//! the findings):
//!
//! ```
//! use sopap::ingest::{self, limits::Budget};
//!
//! let rules = sopap::Rules::defaults()?;
//! let bytes = std::fs::read("fixtures/archive/BAPENDA/Perencanaan/SOP Penyusunan Renja 2024.docx")?;
//! let doc = ingest::read(&bytes, &Budget::default())?;
//! let sops = sopap::sop::parse(&doc, &rules);
//! assert_eq!(sops.len(), 1);
//! assert_eq!(sops[0].identity.number.as_deref(), Some("050/06/SOP/BAPENDA/2024"));
//! assert_eq!(sops[0].steps[0].actors, ["Kepala Sub Bagian Perencanaan"]);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

#![warn(missing_docs)]

pub mod analyze;
pub mod batch;
pub mod error;
pub mod export;
#[doc(hidden)]
pub mod fuzzing;
pub mod ingest;
pub mod model;
pub mod output;
pub mod pipeline;
pub mod report;
pub mod rules;
pub mod sop;

pub use analyze::Rules;
