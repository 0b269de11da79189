//! The outputs of a run as one set: `sops.jsonl`, `errors.jsonl`, `report.json`,
//! `report.html` and `report.xlsx` change together or not at all.
//!
//! A new set is written whole into a staging folder `OUT/.sets/<name>/`, then published
//! with one atomic step: the symbolic link `OUT/.current` is renamed over to point at it.
//! Each SPEC path `OUT/<output>` is then a plain file, a hard link to (or, where links
//! fail, a copy of) the published set's file, each replaced by one rename, so tools that
//! copy or archive OUT see ordinary files. A run that fails while writing (disk full) or
//! is killed before `.current` moves leaves the old set; one killed after it has its SPEC
//! paths brought up to the published set at the next start (roll forward), and the next
//! start removes unfinished folders.
//!
//! Output folders written before sets existed hold plain files and no `.current`; they are
//! taken over at the next start: the plain files are hard-linked into a first set and
//! `.current` is pointed at it (same content before and after).
//!
//! A reader wanting two outputs of one run while a run may publish resolves
//! `OUT/.current` once and reads both files under the folder it names.

use std::path::{Path, PathBuf};

use super::OutputError;

/// The outputs a run writes into OUT (SPEC.md); all must exist for a rerun to keep them.
pub const OUTPUTS: [&str; 5] = [
    "sops.jsonl",
    "errors.jsonl",
    "report.json",
    "report.html",
    "report.xlsx",
];

/// Folder of the sets, under OUT.
pub const SETS_DIR: &str = ".sets";
/// The link naming the published set, under OUT.
pub const CURRENT: &str = ".current";
/// Temporary name of the next `.current` link while it is made.
const CURRENT_NEW: &str = ".current.new";
/// Prefix of the temporary name of an output's link while it is made.
const LINK_TMP_PREFIX: &str = ".link.";
/// Name prefix of a set that takes over plain files left by an earlier version.
const ADOPTED_PREFIX: &str = "adopted";

/// Test hook: names an output (`errors.jsonl`, `report.html`, ...) whose write fails as
/// a full disk would, after its bytes were written. Lets tests prove that a failed write
/// leaves the published set untouched.
pub const FAIL_WRITE_ENV: &str = "SOPAP_TEST_FAIL_WRITE";

fn io_err(path: &Path) -> impl Fn(std::io::Error) -> OutputError + '_ {
    move |source| OutputError {
        path: path.to_path_buf(),
        source,
    }
}

/// A set being written: the folder the outputs go into before [`publish`](Self::publish).
#[derive(Debug)]
pub struct Staged {
    out: PathBuf,
    name: String,
    dir: PathBuf,
}

impl Staged {
    /// Starts a new set in `OUT/.sets/`. Call it holding the output folder's lock, after
    /// [`recover`].
    pub fn begin(out: &Path) -> Result<Self, OutputError> {
        let sets = out.join(SETS_DIR);
        std::fs::create_dir_all(&sets).map_err(io_err(&sets))?;
        let name = unique_name("set");
        let dir = sets.join(&name);
        std::fs::create_dir(&dir).map_err(io_err(&dir))?;
        Ok(Staged {
            out: out.to_path_buf(),
            name,
            dir,
        })
    }

    /// The folder to write the outputs into.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Puts into the folder `dir` the output `name` as the set published in `out` has it
    /// (a hard link, or a copy across file systems). Returns false when there is none.
    pub fn carry_into(out: &Path, dir: &Path, name: &str) -> Result<bool, OutputError> {
        let Ok(real) = std::fs::canonicalize(out.join(name)) else {
            return Ok(false);
        };
        link_or_copy(&real, &dir.join(name))?;
        Ok(true)
    }

    /// Publishes the set: checks it is whole, makes it durable, points `.current` at it
    /// in one rename, and removes the set it replaces. On error the published set is
    /// unchanged and this one is removed.
    pub fn publish(self) -> Result<(), OutputError> {
        let r = self.publish_inner();
        if r.is_err() {
            let _ = std::fs::remove_dir_all(&self.dir);
        }
        r
    }

    fn publish_inner(&self) -> Result<(), OutputError> {
        for name in OUTPUTS {
            let p = self.dir.join(name);
            if !p.is_file() {
                return Err(OutputError {
                    path: p,
                    source: std::io::Error::new(
                        std::io::ErrorKind::NotFound,
                        "the new output set is incomplete",
                    ),
                });
            }
        }
        sync_dir(&self.dir)?;
        adopt_plain_outputs(&self.out)?;
        point_current(&self.out, &format!("{SETS_DIR}/{}", self.name))?;
        ensure_links(&self.out)?;
        prune_sets(&self.out);
        Ok(())
    }

    /// Abandons the set (the published one stays).
    pub fn discard(self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// Brings OUT to a consistent state at the start of a run (holding the lock): finishes
/// an interrupted take-over of plain outputs, removes half-made links and every set
/// but the published one (a run killed or failed while writing leaves its set behind).
pub fn recover(out: &Path) -> Result<(), OutputError> {
    remove_temp_links(out);
    adopt_plain_outputs(out)?;
    if out.join(CURRENT).symlink_metadata().is_ok() {
        ensure_links(out)?;
    }
    prune_sets(out);
    Ok(())
}

/// An output folder without a published set whose outputs are plain files (written
/// before sets existed): gathers them into a first set and publishes it. Readers see
/// the same content throughout.
fn adopt_plain_outputs(out: &Path) -> Result<(), OutputError> {
    if out.join(CURRENT).symlink_metadata().is_ok()
        || !OUTPUTS.iter().any(|n| out.join(n).is_file())
    {
        return Ok(());
    }
    let name = unique_name(ADOPTED_PREFIX);
    let dir = out.join(SETS_DIR).join(&name);
    std::fs::create_dir_all(&dir).map_err(io_err(&dir))?;
    for name in OUTPUTS {
        let shown = out.join(name);
        if shown.is_file() {
            link_or_copy(&shown, &dir.join(name))?;
        }
    }
    sync_dir(&dir)?;
    point_current(out, &format!("{SETS_DIR}/{name}"))?;
    ensure_links(out)
}

/// A set name no other set of this folder has: `prefix-<nanoseconds>-<process id>`.
fn unique_name(prefix: &str) -> String {
    let stamp = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or(0);
    format!("{prefix}-{stamp}-{}", std::process::id())
}

/// Hard-links `src` (a file, not a link) as `dst`, or copies it where links fail.
fn link_or_copy(src: &Path, dst: &Path) -> Result<(), OutputError> {
    if std::fs::hard_link(src, dst).is_err() {
        std::fs::copy(src, dst).map_err(io_err(dst))?;
    }
    Ok(())
}

/// Whether `OUT/name` already is the published set's file (the same file on disk).
#[cfg(unix)]
fn is_published(out: &Path, name: &str) -> bool {
    use std::os::unix::fs::MetadataExt;
    let (Ok(shown), Ok(published)) = (
        std::fs::symlink_metadata(out.join(name)),
        std::fs::metadata(out.join(CURRENT).join(name)),
    ) else {
        return false;
    };
    shown.is_file() && shown.dev() == published.dev() && shown.ino() == published.ino()
}

#[cfg(not(unix))]
fn is_published(_out: &Path, _name: &str) -> bool {
    false
}

/// Makes every SPEC path the published set's file, each by one rename (a name the set
/// lacks is left alone: the run sees it missing and writes the outputs again).
fn ensure_links(out: &Path) -> Result<(), OutputError> {
    for name in OUTPUTS {
        let published = out.join(CURRENT).join(name);
        if is_published(out, name) || !published.is_file() {
            continue;
        }
        let tmp = out.join(format!("{LINK_TMP_PREFIX}{name}"));
        let _ = std::fs::remove_file(&tmp);
        link_or_copy(&published, &tmp)?;
        let dst = out.join(name);
        std::fs::rename(&tmp, &dst).map_err(io_err(&dst))?;
    }
    sync_dir(out)
}

/// Points `.current` at `target` (relative to OUT) with one rename, durably.
fn point_current(out: &Path, target: &str) -> Result<(), OutputError> {
    let tmp = out.join(CURRENT_NEW);
    let _ = std::fs::remove_file(&tmp);
    symlink(Path::new(target), &tmp)?;
    let cur = out.join(CURRENT);
    std::fs::rename(&tmp, &cur).map_err(io_err(&cur))?;
    sync_dir(out)
}

/// Removes every set folder but the published one.
fn prune_sets(out: &Path) {
    let keep = std::fs::read_link(out.join(CURRENT))
        .ok()
        .and_then(|t| t.file_name().map(|n| n.to_os_string()));
    let Ok(rd) = std::fs::read_dir(out.join(SETS_DIR)) else {
        return;
    };
    for e in rd.flatten() {
        if Some(e.file_name()) != keep {
            let _ = std::fs::remove_dir_all(e.path());
        }
    }
}

/// Removes links a killed publish left half-made.
fn remove_temp_links(out: &Path) {
    let _ = std::fs::remove_file(out.join(CURRENT_NEW));
    for name in OUTPUTS {
        let _ = std::fs::remove_file(out.join(format!("{LINK_TMP_PREFIX}{name}")));
    }
}

#[cfg(unix)]
fn symlink(target: &Path, link: &Path) -> Result<(), OutputError> {
    std::os::unix::fs::symlink(target, link).map_err(io_err(link))
}

#[cfg(not(unix))]
fn symlink(target: &Path, link: &Path) -> Result<(), OutputError> {
    Err(OutputError {
        path: link.to_path_buf(),
        source: std::io::Error::new(
            std::io::ErrorKind::Unsupported,
            format!("output sets need symbolic links ({})", target.display()),
        ),
    })
}

/// Flushes a folder's entries to disk (a rename is durable only once its folder is).
fn sync_dir(dir: &Path) -> Result<(), OutputError> {
    #[cfg(unix)]
    {
        let f = std::fs::File::open(dir).map_err(io_err(dir))?;
        f.sync_all().map_err(io_err(dir))?;
    }
    #[cfg(not(unix))]
    let _ = dir;
    Ok(())
}

/// Fails like a full disk when the test hook [`FAIL_WRITE_ENV`] names this output.
pub(crate) fn injected_failure(path: &Path) -> Result<(), std::io::Error> {
    let Some(want) = std::env::var_os(FAIL_WRITE_ENV) else {
        return Ok(());
    };
    if path.file_name() == Some(want.as_os_str()) {
        return Err(std::io::Error::new(
            std::io::ErrorKind::StorageFull,
            format!("{FAIL_WRITE_ENV}: simulated full disk"),
        ));
    }
    Ok(())
}
