//! Reports a Bagian Organisasi reads: `report.json` (for programs), `report.html` (for
//! people, in Bahasa Indonesia, one self-contained file) and `report.xlsx` (for the
//! spreadsheet they keep working in). Every file is written atomically.

pub mod flowchart;
pub mod html;
pub mod json;
pub mod jsonl;
pub mod xlsx;

use std::collections::{BTreeMap, HashMap};
use std::io::{BufRead, Write};
use std::path::{Path, PathBuf};

use serde::de::DeserializeOwned;

use crate::analyze::Analysis;
use crate::analyze::Rules;
use crate::analyze::agency::AgencyMap;
use crate::analyze::analysis::AnalysisInput;
use crate::analyze::source::{SliceSource, SopSource};
use crate::output::{AtomicFile, OutputError};
use crate::sop::record::{FileError, Sop};

/// A failure to write or rebuild the reports.
#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    /// A file could not be read or written.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: std::path::PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
    /// `sops.jsonl` or `errors.jsonl` has a line that is not a record.
    #[error("{path}, line {line}: {source}")]
    BadRecord {
        /// The file.
        path: std::path::PathBuf,
        /// 1-based line.
        line: usize,
        /// The JSON error.
        source: serde_json::Error,
    },
    /// The workbook could not be built.
    #[error("{path}: cannot build the workbook: {source}")]
    Xlsx {
        /// The file.
        path: std::path::PathBuf,
        /// The XLSX writer's error.
        source: rust_xlsxwriter::XlsxError,
    },
}

impl From<OutputError> for ReportError {
    fn from(e: OutputError) -> Self {
        ReportError::Io {
            path: e.path,
            source: e.source,
        }
    }
}

/// Up to this many findings `report.json` is indented; above it, compact.
pub const PRETTY_JSON_MAX_FINDINGS: usize = 100_000;

/// What the reports know beyond the records: how failed files map to agencies, and the
/// previous run for the trend.
#[derive(Clone, Debug, Default)]
pub struct ReportContext {
    /// The archive's manifest (`agencies.csv`), empty when unknown.
    pub manifest: AgencyMap,
    /// Agencies already known for failed files, by path (e.g. from an earlier report).
    pub failed_agencies: HashMap<String, String>,
    /// The previous run, whose findings per agency the report compares with.
    pub previous: Option<PreviousRun>,
}

/// The run a report's trend compares with.
#[derive(Clone, Debug, Default)]
pub struct PreviousRun {
    /// When it finished, UTC, `YYYY-MM-DD HH:MM`.
    pub finished: String,
    /// Its findings per agency.
    pub findings_by_agency: BTreeMap<String, u64>,
}

/// Which outputs [`write_from`] writes besides the three reports.
#[derive(Clone, Copy, Debug, Default)]
pub struct WriteOptions {
    /// Also write `sops.jsonl`: every SOP with its findings for this run, in id order.
    pub sops_jsonl: bool,
}

/// Writes `report.json`, `report.html` and `report.xlsx` into `out` for a run that read
/// `files` input files. Findings (own and `number-collision`) are computed here and
/// measured against `rules.findings.as_of`; duplicates and per-agency figures too. Failed
/// files count for the agency of their first folder; see [`write_all_with`] to give the
/// archive's manifest.
pub fn write_all(
    out: &Path,
    files: usize,
    sops: &[Sop],
    errors: &[FileError],
    rules: &Rules,
) -> Result<(), ReportError> {
    write_all_with(out, files, sops, errors, rules, &ReportContext::default())
}

/// [`write_all`] with what the caller knows of the archive (its manifest).
pub fn write_all_with(
    out: &Path,
    files: usize,
    sops: &[Sop],
    errors: &[FileError],
    rules: &Rules,
    ctx: &ReportContext,
) -> Result<(), ReportError> {
    let source = SliceSource::new(sops);
    write_from(
        out,
        files,
        &source,
        errors,
        rules,
        ctx,
        WriteOptions::default(),
    )
    .map(|_| ())
}

/// Writes the reports (and, as `opts` asks, `sops.jsonl`) of the SOPs of `source`, which
/// is read a few times and never held in memory: once for the analysis, once for the
/// findings (report.json, Temuan, sops.jsonl), once per agency for the page, and one SOP at
/// a time for the duplicate groups. Every file is written under a temporary name and
/// renamed when complete. Returns the analysis (its figures feed the run record).
pub fn write_from(
    out: &Path,
    files: usize,
    source: &dyn SopSource,
    errors: &[FileError],
    rules: &Rules,
    ctx: &ReportContext,
    opts: WriteOptions,
) -> Result<Analysis, ReportError> {
    let input = AnalysisInput {
        errors,
        manifest: ctx.manifest.clone(),
        failed_agencies: ctx.failed_agencies.clone(),
        previous: ctx.previous.as_ref().map(|p| &p.findings_by_agency),
    };
    let analysis = Analysis::run(source, &input, rules).map_err(io_err(out, "state"))?;
    let frame = json::frame(
        files,
        &analysis,
        rules,
        ctx.previous.as_ref().map(|p| p.finished.clone()),
    );
    let pass = Pass {
        out,
        source,
        rules,
        analysis: &analysis,
        frame: &frame,
    };
    let mut book = xlsx::Book::new(&frame, out).map_err(xlsx_err(out))?;
    let (json_file, sops_file) = pass.findings(&mut book, opts)?;
    let page = pass.page(&mut book)?;
    let xlsx_tmp = pass.workbook(book)?;

    json_file.commit().map_err(ReportError::from)?;
    if let Some(f) = sops_file {
        f.commit().map_err(ReportError::from)?;
    }
    page.commit().map_err(ReportError::from)?;
    std::fs::rename(&xlsx_tmp, out.join("report.xlsx")).map_err(io_err(out, "report.xlsx"))?;
    Ok(analysis)
}

/// The I/O error of the file `what` in `out` as a [`ReportError`].
fn io_err(out: &Path, what: &str) -> impl Fn(std::io::Error) -> ReportError {
    let path = out.join(what);
    move |source| ReportError::Io {
        path: path.clone(),
        source,
    }
}

/// An error of the workbook writer as a [`ReportError`] on `out/report.xlsx`.
fn xlsx_err(out: &Path) -> impl Fn(rust_xlsxwriter::XlsxError) -> ReportError {
    let path = out.join("report.xlsx");
    move |source| ReportError::Xlsx {
        path: path.clone(),
        source,
    }
}

/// What the passes of [`write_from`] over the SOPs share.
struct Pass<'a> {
    /// The output folder.
    out: &'a Path,
    /// The SOPs, read once per pass.
    source: &'a dyn SopSource,
    /// The rules the findings are measured against.
    rules: &'a Rules,
    /// The run's analysis.
    analysis: &'a Analysis,
    /// `report.json` without its findings: summary, agencies, duplicates.
    frame: &'a json::Report,
}

impl Pass<'_> {
    /// The findings pass, in id order: `report.json`, the Temuan sheet and (as `opts`
    /// asks) `sops.jsonl` together. Returns the two files, complete but not committed.
    fn findings(
        &self,
        book: &mut xlsx::Book,
        opts: WriteOptions,
    ) -> Result<(AtomicFile, Option<AtomicFile>), ReportError> {
        let (out, analysis, rules) = (self.out, self.analysis, self.rules);
        let json_file = AtomicFile::create(&out.join("report.json")).map_err(ReportError::from)?;
        // Indented for people while small; compact when large (a province-sized run has
        // millions of findings, and indentation would add a third to the file).
        let pretty = analysis.findings.total() <= PRETTY_JSON_MAX_FINDINGS;
        let mut jw = json::Writer::begin(json_file, self.frame, pretty)
            .map_err(io_err(out, "report.json"))?;
        let mut sops_file = if opts.sops_jsonl {
            Some(AtomicFile::create(&out.join("sops.jsonl")).map_err(ReportError::from)?)
        } else {
            None
        };
        let mut temuan = book.findings().map_err(xlsx_err(out))?;
        self.source
            .each(&mut |mut s: Sop| {
                analysis.apply(&mut s, rules);
                if let Some(f) = sops_file.as_mut() {
                    serde_json::to_writer(&mut *f, &s).map_err(std::io::Error::other)?;
                    f.write_all(b"\n")?;
                }
                for row in json::rows(&s) {
                    jw.finding(&row)?;
                    temuan
                        .row(&row, s.identity.title.as_deref())
                        .map_err(std::io::Error::other)?;
                }
                Ok(())
            })
            .map_err(io_err(out, "report.json"))?;
        temuan.finish().map_err(xlsx_err(out))?;
        let json_file = jw.end(self.frame).map_err(io_err(out, "report.json"))?;
        Ok((json_file, sops_file))
    }

    /// The page pass: `report.html` with the findings per agency (filling the SOP sheet
    /// as it walks the SOPs agency by agency), then the duplicate groups. Returns the
    /// page, complete but not committed.
    fn page(&self, book: &mut xlsx::Book) -> Result<AtomicFile, ReportError> {
        let (out, frame, analysis) = (self.out, self.frame, self.analysis);
        let html_err = io_err(out, "report.html");
        let mut page = AtomicFile::create(&out.join("report.html")).map_err(ReportError::from)?;
        html::begin(&mut page, frame, analysis).map_err(&html_err)?;
        let mut sop_sheet = book.sops().map_err(xlsx_err(out))?;
        html::findings(
            &mut page,
            frame,
            analysis,
            self.source,
            self.rules,
            &mut |s: &Sop| sop_sheet.row(s).map_err(std::io::Error::other),
        )
        .map_err(&html_err)?;
        sop_sheet.finish().map_err(xlsx_err(out))?;
        html::duplicates_begin(&mut page, frame).map_err(&html_err)?;
        self.duplicate_groups(&mut page, book)?;
        html::end(&mut page, frame, analysis).map_err(&html_err)?;
        Ok(page)
    }

    /// The duplicate groups, on the page and in the Duplikat sheet, one SOP at a time.
    fn duplicate_groups(
        &self,
        page: &mut AtomicFile,
        book: &mut xlsx::Book,
    ) -> Result<(), ReportError> {
        let html_err = io_err(self.out, "report.html");
        let mut dup_sheet = book.duplicates().map_err(xlsx_err(self.out))?;
        for (g, d) in self.frame.duplicates.iter().enumerate() {
            let mut members = Vec::with_capacity(d.sops.len());
            for id in &d.sops {
                let sop = self.source.get(id).map_err(&html_err)?;
                members.push(html::Member::of(id, sop.as_ref()));
            }
            let mut variants = Vec::new();
            for id in d.variants.iter().take(html::VARIANTS_FETCHED) {
                variants.push(self.source.get(id).map_err(&html_err)?);
            }
            html::duplicate_group(page, g, d, &members, &variants).map_err(&html_err)?;
            dup_sheet
                .group(g, d, &members)
                .map_err(xlsx_err(self.out))?;
        }
        dup_sheet.finish().map_err(xlsx_err(self.out))
    }

    /// The workbook's last sheet and its save beside its final name (renamed at the
    /// commit, like the other files). Returns the temporary path.
    fn workbook(&self, mut book: xlsx::Book) -> Result<PathBuf, ReportError> {
        let xlsx_tmp = self.out.join(".report.xlsx.partial");
        book.rules_loop(&self.analysis.rules_loop)
            .map_err(xlsx_err(self.out))?;
        book.finish(self.frame, &xlsx_tmp)
            .map_err(xlsx_err(self.out))?;
        Ok(xlsx_tmp)
    }
}

/// Reads a JSON-lines file of records; a missing file is an empty list when `optional`.
fn read_jsonl<T: DeserializeOwned>(path: &Path, optional: bool) -> Result<Vec<T>, ReportError> {
    let file = match std::fs::File::open(path) {
        Ok(f) => f,
        Err(e) if optional && e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(source) => {
            return Err(ReportError::Io {
                path: path.to_path_buf(),
                source,
            });
        }
    };
    let mut out = Vec::new();
    for (i, line) in std::io::BufReader::new(file).lines().enumerate() {
        let line = line.map_err(|source| ReportError::Io {
            path: path.to_path_buf(),
            source,
        })?;
        if line.trim().is_empty() {
            continue;
        }
        let rec = serde_json::from_str(&line).map_err(|source| ReportError::BadRecord {
            path: PathBuf::from(path),
            line: i + 1,
            source,
        })?;
        out.push(rec);
    }
    Ok(out)
}

/// Rebuilds the reports from `out/sops.jsonl` and `out/errors.jsonl` (optional) without
/// reading the archive again, and without loading the SOPs: `sops.jsonl` is indexed and
/// read line by line ([`jsonl::JsonlSource`]).
///
/// Findings are computed again with `rules` (a new as-of date or changed severities take
/// effect); `sops.jsonl` itself is left as the run wrote it. The file count is the number
/// of distinct source files of the SOPs plus the failed files. Failed files keep the
/// agency the previous `report.json` gave them (the run knew the manifest).
pub fn rebuild(out: &Path, rules: &Rules) -> Result<(), ReportError> {
    // The rebuilt reports are published with the run's sops.jsonl and errors.jsonl as
    // one new set (`output::set`), so the five outputs still change together.
    let _lock = crate::output::try_lock_out(out)?.ok_or_else(|| OutputError {
        path: out.join(".sopap.lock"),
        source: std::io::Error::new(
            std::io::ErrorKind::WouldBlock,
            "another sopap run is writing this folder",
        ),
    })?;
    crate::output::set::recover(out).map_err(ReportError::from)?;
    let staged = crate::output::set::Staged::begin(out).map_err(ReportError::from)?;
    let written = rebuild_into(out, staged.dir(), rules);
    match written {
        Ok(()) => staged.publish().map_err(ReportError::from),
        Err(e) => {
            staged.discard();
            Err(e)
        }
    }
}

/// Writes the rebuilt reports of `out` into `dir`, with `out`'s sops.jsonl and
/// errors.jsonl (an empty one when there is none).
fn rebuild_into(out: &Path, dir: &Path, rules: &Rules) -> Result<(), ReportError> {
    let source = jsonl::JsonlSource::open(&out.join("sops.jsonl"))?;
    let errors: Vec<FileError> = read_jsonl(&out.join("errors.jsonl"), true)?;
    let n = source.files() + errors.len();
    let ctx = ReportContext {
        failed_agencies: previous_failed_agencies(&out.join("report.json")),
        ..Default::default()
    };
    let staged = crate::output::set::Staged::carry_into;
    for name in ["sops.jsonl", "errors.jsonl"] {
        if !staged(out, dir, name)? {
            std::fs::write(dir.join(name), b"").map_err(|source| ReportError::Io {
                path: dir.join(name),
                source,
            })?;
        }
    }
    write_from(
        dir,
        n,
        &source,
        &errors,
        rules,
        &ctx,
        WriteOptions::default(),
    )
    .map(|_| ())
}

/// The agencies of failed files in an earlier `report.json` (the run knew the archive's
/// manifest; a rebuild does not). Empty when the file is absent or unreadable.
fn previous_failed_agencies(path: &Path) -> HashMap<String, String> {
    #[derive(serde::Deserialize)]
    struct Prev {
        #[serde(default)]
        failed: Vec<PrevFailed>,
    }
    #[derive(serde::Deserialize)]
    struct PrevFailed {
        path: String,
        agency: Option<String>,
    }
    let Ok(bytes) = std::fs::read(path) else {
        return HashMap::new();
    };
    let Ok(prev) = serde_json::from_slice::<Prev>(&bytes) else {
        return HashMap::new();
    };
    prev.failed
        .into_iter()
        .filter_map(|f| Some((f.path, f.agency?)))
        .collect()
}
