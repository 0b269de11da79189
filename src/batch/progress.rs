//! Progress of a run: an indicatif bar on a terminal, a summary line otherwise, or JSON
//! lines for scheduler logs.

use std::io::IsTerminal;
use std::sync::atomic::{AtomicU64, Ordering};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use super::{ProgressMode, RunResult};
use crate::sop::record::FileError;

/// Progress reporting for one run; shared by the worker threads.
pub struct Progress {
    mode: ProgressMode,
    bar: Option<ProgressBar>,
    failed: AtomicU64,
}

impl Progress {
    /// Progress over `total` files to read.
    pub fn new(mode: ProgressMode, total: u64) -> Self {
        let bar = (mode == ProgressMode::Auto && std::io::stderr().is_terminal()).then(|| {
            let b = ProgressBar::with_draw_target(Some(total), ProgressDrawTarget::stderr());
            if let Some(style) = files_style() {
                b.set_style(style);
            }
            b
        });
        Progress {
            mode,
            bar,
            failed: AtomicU64::new(0),
        }
    }

    /// One more file done.
    pub fn inc(&self) {
        if let Some(b) = &self.bar {
            b.inc(1);
        }
    }

    /// The files are read; the outputs are being written (a spinner with `what`).
    pub fn stage(&self, what: &str) {
        if let Some(b) = &self.bar {
            b.set_length(0);
            if let Ok(style) = ProgressStyle::with_template("{spinner} {msg} {elapsed}") {
                b.set_style(style);
            }
            b.set_message(what.to_string());
            b.enable_steady_tick(std::time::Duration::from_millis(120));
        }
    }

    /// A new pass over `total` files begins (the OCR pass), named by `what`.
    pub fn reset(&self, total: u64, what: &str) {
        if let Some(b) = &self.bar {
            b.disable_steady_tick();
            if let Some(style) = files_style() {
                b.set_style(style);
            }
            b.reset();
            b.set_length(total);
            b.set_message(what.to_string());
        }
    }

    /// A file failed.
    pub fn failed(&self, e: &FileError) {
        let n = self.failed.fetch_add(1, Ordering::Relaxed) + 1;
        if let Some(b) = &self.bar {
            b.set_message(format!("{n} failed"));
        }
        if self.mode == ProgressMode::JsonLog
            && let Ok(line) = serde_json::to_string(&serde_json::json!({
                "event": "file-failed", "path": e.path, "kind": e.kind, "message": e.message
            }))
        {
            eprintln!("{line}");
        }
    }

    /// The run is over: clear the bar and print the summary line.
    pub fn finish(&self, res: &RunResult) {
        if let Some(b) = &self.bar {
            b.finish_and_clear();
        }
        match self.mode {
            ProgressMode::Quiet => {}
            ProgressMode::Auto => eprintln!(
                "sopap: {} files ({} read, {} unchanged, {} removed), {} SOPs, {} files failed{}{}; \
                 report.html, report.xlsx, report.json, sops.jsonl, errors.jsonl",
                res.files,
                res.read,
                res.skipped,
                res.deleted,
                res.sops,
                res.errors.len(),
                if res.internal_errors > 0 {
                    format!(
                        " ({} of them internal errors: bugs in sopap, please report)",
                        res.internal_errors
                    )
                } else {
                    String::new()
                },
                if res.outputs_written {
                    ""
                } else {
                    "; nothing changed, outputs kept"
                }
            ),
            ProgressMode::JsonLog => {
                let line = serde_json::json!({
                    "event": "run-finished", "files": res.files, "read": res.read,
                    "skipped": res.skipped, "deleted": res.deleted,
                    "sops": res.sops, "failed": res.errors.len(),
                    "internal_errors": res.internal_errors,
                    "outputs_written": res.outputs_written,
                    "stopped_by_signal": res.stopped, "not_reached": res.not_reached,
                });
                eprintln!("{line}");
            }
        }
        if let (Some(sig), ProgressMode::Auto) = (res.stopped, self.mode) {
            eprintln!(
                "sopap: stopped by signal {sig}: {} files not read (listed in errors.jsonl as \
                 timeout); the next run reads them",
                res.not_reached
            );
        }
    }
}

/// The bar of a pass over files: done/total, files per second, time left.
fn files_style() -> Option<ProgressStyle> {
    let style =
        ProgressStyle::with_template("{bar:40} {pos}/{len} files  {rate}  ETA {eta}  {msg}")
            .ok()?;
    // The rate as a whole number of files per second.
    Some(style.with_key(
        "rate",
        |st: &indicatif::ProgressState, w: &mut dyn std::fmt::Write| {
            let _ = write!(w, "{:.0} files/s", st.per_sec());
        },
    ))
}
