//! Paths, the corpus walks and the `../shared` guard shared by the integration tests and
//! the benches (`mod support;` in a test, `#[path = "../tests/support/mod.rs"] mod
//! support;` in a bench).
//!
//! The development corpus (`../shared/corpus`) and the real documents (`../shared/real`)
//! live next to the checkout, not in it. A test that needs one starts with
//! `shared_or_skip!(support::ARCHIVE);`: where the folder is absent the test prints one
//! line and passes, so `cargo test` works on a fresh clone; under `CI=true` the absence
//! is a failure, so CI cannot go green by skipping.
#![allow(dead_code, unused_macros)]

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// A one-section document of `blocks` and `shapes`, as a reader would give it (the
/// hand-built models of the parser tests).
pub fn one_section(blocks: Vec<sopap::Block>, shapes: Vec<sopap::Shape>) -> sopap::Document {
    sopap::Document {
        format: None,
        ocr: false,
        sections: vec![sopap::Section {
            name: None,
            blocks,
            shapes,
        }],
    }
}

/// The development corpus: `archive/`, `truth.json` and `score.py`.
pub const CORPUS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/corpus");
/// The development corpus archive (agency folders of SOP documents).
pub const ARCHIVE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/corpus/archive");
/// The corpus ground truth, per file and SOP.
pub const TRUTH: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/corpus/truth.json");
/// The real documents of other producers, with `expected.json` and `score_real.py`.
pub const REAL: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/real");
/// The repository's own fixtures (always present in a checkout).
pub const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures");
/// The fixture archive.
pub const FIXTURE_ARCHIVE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/archive");
/// The fixture ground truth, in the corpus truth's format.
pub const FIXTURE_TRUTH: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/expected.json");

/// Starts a test that needs a part of `../shared`: returns from the test (after one
/// printed line) when `$path` is absent, and fails under `CI=true`. See
/// [`shared_or_skip`].
macro_rules! shared_or_skip {
    ($($path:expr),+ $(,)?) => {
        if !($(support::shared_or_skip($path))&&+) {
            return;
        }
    };
}

/// Whether CI is set (`CI=true` as GitHub, GitLab and `.ci/run` set it; `0`, `false` and
/// empty count as unset).
pub fn under_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| !matches!(v.trim(), "" | "0" | "false"))
}

/// Whether `path` (a file or folder under `../shared`) exists. When it does not, prints
/// one line per test binary and folder ("skipping: ../shared/corpus not found next to
/// the checkout") and returns false; under `CI=true` panics instead.
pub fn shared_or_skip(path: &str) -> bool {
    if Path::new(path).exists() {
        return true;
    }
    let shown = shown_path(path);
    assert!(
        !under_ci(),
        "{shown} not found next to the checkout, and CI=true requires it"
    );
    static TOLD: Mutex<Vec<String>> = Mutex::new(Vec::new());
    let mut told = TOLD.lock().unwrap_or_else(|e| e.into_inner());
    if !told.contains(&shown) {
        // Straight to stderr, past the test harness's capture: the line is meant to be seen.
        let _ = writeln!(
            std::io::stderr(),
            "skipping: {shown} not found next to the checkout"
        );
        told.push(shown);
    }
    false
}

/// `path` as the user knows it: `../shared/...` relative to the checkout, cut at the
/// first missing folder.
fn shown_path(path: &str) -> String {
    let mut missing = Path::new(path);
    while let Some(parent) = missing.parent() {
        if parent.exists() {
            break;
        }
        missing = parent;
    }
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    // CARGO_MANIFEST_DIR + "/../shared/...": relative to the checkout it is "../shared/...".
    match missing.strip_prefix(manifest) {
        Ok(rel) => rel.display().to_string(),
        Err(_) => missing.display().to_string(),
    }
}

/// Every file under `dir`, sorted, recursively, leaving out `_hostile/` folders (the
/// corpus's refusal cases); empty when `dir` is absent.
pub fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    walk(dir, &mut out);
    out
}

/// Every file under `dir`, sorted, recursively, `_hostile/` folders included (tests that
/// want the refusal cases too); empty when `dir` is absent.
pub fn all_files_under(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    walk_with(dir, true, &mut out);
    out
}

/// The paths of `files` relative to `root`, with `/` separators.
pub fn relative_names(root: &Path, files: &[PathBuf]) -> Vec<String> {
    files
        .iter()
        .filter_map(|p| p.strip_prefix(root).ok())
        .map(|p| p.to_string_lossy().replace('\\', "/"))
        .collect()
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
    walk_with(dir, false, out);
}

fn walk_with(dir: &Path, hostile: bool, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut entries: Vec<PathBuf> = entries.flatten().map(|e| e.path()).collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            if hostile || !p.ends_with("_hostile") {
                walk_with(&p, hostile, out);
            }
        } else if p.is_file() {
            out.push(p);
        }
    }
}

/// Copies the folder `src` to `dst` recursively (`dst` created).
pub fn copy_dir(src: &Path, dst: &Path) {
    std::fs::create_dir_all(dst).unwrap();
    for e in std::fs::read_dir(src).unwrap() {
        let e = e.unwrap();
        let (p, d) = (e.path(), dst.join(e.file_name()));
        if p.is_dir() {
            copy_dir(&p, &d);
        } else {
            std::fs::copy(&p, &d).unwrap();
        }
    }
}

/// A ground-truth file (`truth.json`, `expected.json`) as JSON.
pub fn truth(path: &str) -> serde_json::Value {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{path}: {e}"));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// True when the OCR engine (tesseract with the rules' languages) is installed;
/// otherwise prints one line and returns false, or panics when `SOPAP_REQUIRE_OCR` is
/// set (CI installs the engine).
pub fn ocr_engine_or_skip() -> bool {
    match sopap::internals::Engine::detect() {
        Ok(_) => true,
        Err(e) => {
            assert!(
                std::env::var_os("SOPAP_REQUIRE_OCR").is_none(),
                "SOPAP_REQUIRE_OCR is set but {e}"
            );
            eprintln!("skipping: {e}");
            false
        }
    }
}
