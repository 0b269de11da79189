//! The integration tests, one test binary: each `tests/NAME.rs` is a module here, so the
//! crate and its dependencies are linked once instead of once per file (`autotests =
//! false` in Cargo.toml). Run one file's tests with a filter on its module path:
//! `cargo test --release --test integration ingest_sheet::`.
//!
//! A new test file is one more `mod NAME;` line below. The files share one process:
//! a test must not change process-wide state (environment variables, the current
//! folder); it hands such settings to the child processes it starts instead.

#[macro_use]
mod support;
mod report_support;

mod batch_fs;
mod batch_incremental;
mod batch_isolation;
mod batch_kill;
mod batch_output_set;
mod batch_stop;
mod bpmn_import;
mod cli_edges;
mod corpus_floor;
mod export_bpmn;
mod export_cli;
mod export_roundtrip;
mod export_soffice;
mod export_structure;
mod fixtures_expected;
mod fuzz_regressions;
mod ingest_doc;
mod ingest_docx;
mod ingest_hostile;
mod ingest_pdf;
mod ingest_sheet;
mod ocr_package;
mod ocr_raster;
mod pdf2_continuation;
mod perturb;
mod raster_layout;
mod real_docs;
mod report_cli;
mod report_duplicates;
mod report_findings;
mod report_html;
mod report_outputs;
mod report_rules_loop;
mod rules_nonsense;
mod sopt_layouts;
mod sopt_parse;
mod sopt_scale;
mod vocab;
