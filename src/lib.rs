//! sopap: a batch pipeline for legacy SOP AP documents of Indonesian local government.
//!
//! The stages, each a module:
//!
//! 1. [`ingest`]: bytes of .docx, .doc, .xlsx, .xls, .ods or PDF → one
//!    [`model::Document`] (format detected from the bytes).
//! 2. [`sop`]: the document model → normalised [`sop::record::Sop`] records in the
//!    standard structure of PermenPANRB 35/2012, with vocabulary from [`rules`].
//! 3. [`analyze`]: gap findings per SOP and duplicates across agencies.
//! 4. [`report`]: `report.json`, `report.html`, `report.xlsx`.
//! 5. [`export`]: SOPs back to clean standard-format documents.
//!
//! [`pipeline`] runs one file through stages 1–3; [`batch`] runs an archive in parallel.

pub mod analyze;
pub mod batch;
pub mod error;
pub mod export;
#[doc(hidden)]
pub mod fuzzing;
pub mod ingest;
pub mod model;
pub mod pipeline;
pub mod report;
pub mod rules;
pub mod sop;
