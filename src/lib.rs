//! sopap: a batch pipeline for legacy SOP AP documents of Indonesian local government.
//!
//! The stages, each a private module of this crate:
//!
//! 1. ingest: bytes of .docx, .doc, .odt, .xlsx, .xls, .ods or PDF → one [`Document`]
//!    (format detected from the bytes): [`read`].
//! 2. sop: the document model → normalised [`Sop`] records in the standard structure of
//!    PermenPANRB 35/2012, with vocabulary read into [`Rules`]: [`parse`].
//! 3. analyze: gap findings per SOP and duplicates across agencies: [`cross_findings`].
//! 4. report: `report.json`, `report.html`, `report.xlsx`: [`write_all`], [`rebuild`].
//! 5. export: SOPs back to clean standard-format documents: [`render`], [`export_run`].
//!
//! [`process_bytes`] runs one file through stages 1–3; [`run`] runs an archive in parallel.
//! What the binary, the tests, the benches and the fuzz targets use is re-exported below
//! in one block; everything else stays inside the crate.
//!
//! Read one file and parse its SOPs (stages 1 and 2; [`process_bytes`] adds the findings):
//!
//! ```
//! use sopap::{Budget, Rules, parse, read};
//!
//! let rules = Rules::defaults()?;
//! let bytes = std::fs::read("fixtures/archive/BAPENDA/Perencanaan/SOP Penyusunan Renja 2024.docx")?;
//! let doc = read(&bytes, &Budget::default())?;
//! let sops = parse(&doc, &rules);
//! assert_eq!(sops.len(), 1);
//! assert_eq!(sops[0].identity.number.as_deref(), Some("050/06/SOP/BAPENDA/2024"));
//! assert_eq!(sops[0].steps[0].actors, ["Kepala Sub Bagian Perencanaan"]);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

#![warn(missing_docs)]

mod analyze;
mod batch;
mod error;
mod export;
#[doc(hidden)]
pub mod fuzzing;
mod ingest;
mod model;
mod output;
mod pipeline;
mod report;
mod rules;
mod sop;

// The public API, by stage. Each name is here because the binary, a test, a bench or a
// fuzz target calls it; a name nothing outside the crate needs stays private.
pub use crate::{
    // Vocabulary: the rules files and their loading.
    analyze::Rules,
    // 3. Analyse: findings and duplicates.
    analyze::{
        cross_findings,
        date::{Date, DateError},
        duplicates::{DuplicateGroup, DuplicateKind},
        policy::DuplicateRules,
    },
    // An archive: the batch run and its outputs.
    batch::{BatchError, OUTPUTS, ProgressMode, RunOptions, RunResult, StopFlag, run},
    // 1. Ingest: bytes → document model.
    error::{ErrorKind, IngestError},
    // 5. Export.
    export::{
        ExportError, ExportMeta, ExportSummary, Format as ExportFormat, export_run, render,
        render_with,
    },
    ingest::{
        detect::detect,
        limits::{Budget, Limits},
        read,
    },
    model::{
        Anchor, Block, Cell, CellValue, Document, Format, ListInfo, Paragraph, Rect, Row, Section,
        Shape, ShapeKind, Table,
    },
    // One file through stages 1–3.
    pipeline::{FileContext, OcrPass, Processed, process_bytes, process_pass, read_document},
    // 4. Report.
    report::{ReportContext, ReportError, rebuild, write_all, write_all_with},
    rules::{RuleSource, RulesError},
    // 2. Parse: document model → SOP records.
    sop::{
        SopRules, parse,
        record::{
            Approver, FileError, Finding, FindingCode, Identity, Layout, Severity, Sop, Source,
            Step, Symbol,
        },
    },
};

/// The worker process that reads one file at a time for a batch run under isolation:
/// its configuration, its errors and the loop the `worker` subcommand serves.
pub mod worker {
    pub use crate::batch::worker::{
        DEFAULT_MEMORY_BYTES, DEFAULT_WALL_TIME, Isolation, WorkerConfig, WorkerError, serve,
    };
}

/// Parts of the stages that the integration tests and benches check one at a time.
/// Not a stable API: a name here may change with the stage it belongs to.
#[doc(hidden)]
pub mod internals {
    pub use crate::{
        analyze::{
            Analysis,
            agencies::{AgencySummary, score as score_agency},
            agency::AgencyMap,
            analysis::AnalysisInput,
            duplicates::find as find_duplicates,
            findings::check as check_findings,
            source::SliceSource,
        },
        batch::{
            lock::lock_out,
            process_guarded,
            state::{FileState, Store},
        },
        export::{
            bpmn::{decision_targets, to_bpmn},
            bpmn_geom::{Point, Rect, segments},
            names::Namer,
        },
        ingest::{
            doc::read_streams,
            raster::{
                PxRect, RasterLayout,
                layout::{analyse, bitmap::Ink, clean, segments},
                ocr::Engine,
            },
        },
        report::{flowchart::lanes, html::LAZY_FLOWCHART_MIN_SOPS},
        rules::{DEFAULT_FILES, hex},
        sop::{
            identity::{split_items, split_label_line, whole_label},
            narrative::{parse_paragraphs, parse_table, sentence_actor},
            text::Dewrap,
            vocab::{ColumnRole, IdentityField, Vocabulary},
        },
    };
}
