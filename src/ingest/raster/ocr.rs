//! The OCR engine: tesseract's command line, all boxes of one picture in one call.
//!
//! Each box is cropped (with a white margin) to a PNG in a temporary folder; a list file
//! names them, and ONE `tesseract LIST OUT -l LANGS --psm N tsv` process reads them all
//! as the pages of one batch (the engine's start-up and language load are paid once per
//! picture, not once per cell). The TSV output is grouped by page number back into one
//! [`OcrText`] per box: its lines, and the mean confidence of its words. The child runs
//! under a wall-time limit and is killed past it.
//!
//! Why the command line and not the C API: see the README ("OCR"); the measured cost of
//! the process start is small against the recognition itself, and the default build
//! stays cargo-only (no libtesseract headers needed to compile).

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::{Mutex, OnceLock};
use std::time::{Duration, Instant};

use image::GrayImage;

use super::{OcrText, PxRect};

/// The Debian packages that provide the engine and its Indonesian model.
pub const ENGINE_PACKAGES: &str = "apt-get install tesseract-ocr tesseract-ocr-ind";

/// Environment variable naming the engine's program (default `tesseract` on the PATH).
pub const ENGINE_ENV: &str = "SOPAP_TESSERACT";

/// How often a running engine is polled for its end (milliseconds).
const POLL_MS: u64 = 5;

/// Why OCR could not read a picture.
#[derive(Debug, thiserror::Error)]
pub enum OcrError {
    /// The engine is not installed (or not runnable).
    #[error("OCR engine tesseract not found ({cause}); install it: {ENGINE_PACKAGES}")]
    Missing {
        /// What failed when looking for it.
        cause: String,
    },
    /// The engine runs but lacks a language model the rules ask for.
    #[error("OCR language model {lang} not installed; install it: {ENGINE_PACKAGES}")]
    MissingLanguage {
        /// The missing language code.
        lang: String,
    },
    /// The engine did not finish within the time limit and was stopped.
    #[error("OCR engine stopped after {0:?} (time limit)")]
    Timeout(Duration),
    /// The engine failed on this input.
    #[error("OCR engine failed: {0}")]
    Failed(String),
    /// A temporary file could not be written or read.
    #[error("OCR temporary files: {0}")]
    Io(#[from] std::io::Error),
}

/// The confusion folds of `rules/ocr.toml` `[folds]`.
#[derive(Clone, Debug, Default, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FoldRules {
    /// Letter-group confusions `[read, meant]` inside words.
    #[serde(default)]
    pub confusions: Vec<[String; 2]>,
    /// Groups of single characters that compare equal.
    #[serde(default)]
    pub confusable: Vec<String>,
    /// Domain words a confused reading is folded back to.
    #[serde(default)]
    pub words: Vec<String>,
    /// Character confusions `[read, meant]` inside numbers.
    #[serde(default)]
    pub number_confusions: Vec<[String; 2]>,
}

/// Everything `rules/ocr.toml` holds: how the engine is called, and its folds.
#[derive(Clone, Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OcrRules {
    /// Language packs joined with '+'.
    pub languages: String,
    /// Page segmentation mode.
    pub psm: u8,
    /// Resolution the crops are declared to have.
    pub dpi: u32,
    /// Mean word confidence under which a box is reported as doubtful.
    pub min_confidence: f32,
    /// Wall-time limit of one engine call, in seconds.
    pub timeout_seconds: u64,
    /// White margin in pixels around each crop.
    pub margin: u32,
    /// How the engine's confusions are folded.
    #[serde(default)]
    pub folds: FoldRules,
}

impl Default for OcrRules {
    fn default() -> Self {
        OcrRules {
            languages: "eng".into(),
            psm: 6,
            dpi: 300,
            min_confidence: 70.0,
            timeout_seconds: 60,
            margin: 8,
            folds: FoldRules::default(),
        }
    }
}

impl OcrRules {
    /// Folds the engine's confusions in `text` back into the domain's words and numbers.
    pub fn fold(&self, text: &str) -> String {
        text.lines()
            .map(|line| {
                line.split(' ')
                    .map(|tok| self.fold_token(tok))
                    .collect::<Vec<_>>()
                    .join(" ")
            })
            .collect::<Vec<_>>()
            .join("\n")
    }

    /// One whitespace-free token: its letters folded to a domain word, or its digits
    /// restored, keeping the punctuation around it.
    fn fold_token(&self, tok: &str) -> String {
        let start = tok.find(|c: char| c.is_alphanumeric() || c == '|');
        let end = tok.rfind(|c: char| c.is_alphanumeric() || c == '|');
        let (Some(s), Some(e)) = (start, end) else {
            return tok.to_string();
        };
        let e = e + tok[e..].chars().next().map_or(1, char::len_utf8);
        let (pre, core, post) = (&tok[..s], &tok[s..e], &tok[e..]);
        let folded = self
            .fold_word(core)
            .or_else(|| self.fold_number(core, post))
            .unwrap_or_else(|| core.to_string());
        format!("{pre}{folded}{post}")
    }

    /// `s` with every letter-group confusion replaced by its meant form and every
    /// confusable character by the first of its group, lower-cased.
    fn confusion_key(&self, s: &str) -> String {
        let mut out = s.to_string();
        for [read, meant] in &self.folds.confusions {
            out = out.replace(read.as_str(), meant);
        }
        out.chars()
            .map(|c| {
                self.folds
                    .confusable
                    .iter()
                    .find(|g| g.contains(c))
                    .and_then(|g| g.chars().next())
                    .unwrap_or(c)
            })
            .flat_map(char::to_lowercase)
            .collect()
    }

    fn fold_word(&self, core: &str) -> Option<String> {
        if core.chars().count() < 3 || !core.chars().any(char::is_alphabetic) {
            return None;
        }
        let key = self.confusion_key(core);
        let word = self
            .folds
            .words
            .iter()
            .find(|w| !w.eq_ignore_ascii_case(core) && self.confusion_key(w) == key)?;
        let upper = core
            .chars()
            .filter(|c| c.is_alphabetic())
            .all(char::is_uppercase);
        Some(if upper {
            word.to_uppercase()
        } else {
            word.clone()
        })
    }

    fn fold_number(&self, core: &str, post: &str) -> Option<String> {
        let has_digit = core.chars().any(|c| c.is_ascii_digit());
        // A lone numbering mark: "l." or "I)" heading a step cell.
        let lone_mark = core.chars().count() == 1 && post.starts_with(['.', ')']);
        if !has_digit && !lone_mark {
            return None;
        }
        let mut out = core.to_string();
        for [read, meant] in &self.folds.number_confusions {
            out = out.replace(read.as_str(), meant);
        }
        (out != core
            && out
                .chars()
                .all(|c| c.is_ascii_digit() || c == '.' || c == ','))
        .then_some(out)
    }
}

/// A usable tesseract engine.
#[derive(Clone, Debug)]
pub struct Engine {
    program: PathBuf,
    langs: Vec<String>,
    rules: OcrRules,
}

impl Engine {
    /// Finds the engine (`$SOPAP_TESSERACT` or `tesseract` on the PATH) with default
    /// settings; an error names the packages to install.
    pub fn detect() -> Result<Engine, OcrError> {
        Engine::detect_with(OcrRules::default())
    }

    /// Finds the engine and checks it has the languages `rules` ask for. The engine's
    /// language list is asked once per program and process (a process start saved on
    /// every later file).
    pub fn detect_with(rules: OcrRules) -> Result<Engine, OcrError> {
        let program = std::env::var_os(ENGINE_ENV)
            .map(PathBuf::from)
            .unwrap_or_else(|| PathBuf::from("tesseract"));
        let probe = cached_probe(&program)?;
        let langs: Vec<String> = rules
            .languages
            .split('+')
            .map(|l| l.trim().to_string())
            .filter(|l| !l.is_empty())
            .collect();
        if let Some(lang) = langs.iter().find(|l| !probe.langs.contains(l)) {
            return Err(OcrError::MissingLanguage { lang: lang.clone() });
        }
        Ok(Engine {
            program,
            langs,
            rules,
        })
    }

    /// The rules the engine reads with.
    pub fn rules(&self) -> &OcrRules {
        &self.rules
    }

    /// Reads the text of every box of `img`, in order, in one engine call; a box with
    /// no area or no ink reads as empty text without confidence.
    pub fn read_boxes(&self, img: &GrayImage, boxes: &[PxRect]) -> Result<Vec<OcrText>, OcrError> {
        let limit = Duration::from_secs(self.rules.timeout_seconds.max(1));
        self.read_boxes_within(img, boxes, limit)
    }

    /// [`Engine::read_boxes`] stopping the engine after `limit` (at most the rules'
    /// time limit): the time left of a file's budget.
    pub fn read_boxes_within(
        &self,
        img: &GrayImage,
        boxes: &[PxRect],
        limit: Duration,
    ) -> Result<Vec<OcrText>, OcrError> {
        let mut all = self.read_pictures(&[(img, boxes)], limit)?;
        Ok(all.pop().unwrap_or_default())
    }

    /// Reads the boxes of several pictures (the pictures of one file) in ONE engine
    /// call: the engine's start and model load are paid once per file. Returns the
    /// texts picture by picture, box by box.
    pub fn read_pictures(
        &self,
        jobs: &[(&GrayImage, &[PxRect])],
        limit: Duration,
    ) -> Result<Vec<Vec<OcrText>>, OcrError> {
        let limit = limit.min(Duration::from_secs(self.rules.timeout_seconds.max(1)));
        let mut out: Vec<Vec<OcrText>> = jobs
            .iter()
            .map(|(_, boxes)| vec![OcrText::default(); boxes.len()])
            .collect();
        let batch = Batch::write(jobs, self.rules.margin)?;
        if batch.page_box.is_empty() {
            return Ok(out);
        }
        let tsv = self.run(batch.dir.path(), &batch.list, limit)?;
        keep_for_benchmark(batch.dir.path());
        for (page, words) in parse_tsv(&tsv) {
            let Some(&(p, i)) = page.checked_sub(1).and_then(|k| batch.page_box.get(k)) else {
                continue;
            };
            // The crop's left edge in the picture: its word boxes' origin.
            let origin = jobs.get(p).and_then(|(img, boxes)| {
                let b = boxes.get(i)?;
                Some(b.x.min(img.width()) as f32 - self.rules.margin as f32)
            });
            if let Some(slot) = out.get_mut(p).and_then(|v| v.get_mut(i)) {
                *slot = words.into_text(&self.rules, origin.unwrap_or(0.0));
            }
        }
        Ok(out)
    }

    /// Runs the engine on the list file under the time limit; returns its TSV.
    fn run(&self, dir: &Path, list: &Path, limit: Duration) -> Result<String, OcrError> {
        let base = dir.join("out");
        let mut child = Command::new(&self.program)
            .arg(list)
            .arg(&base)
            .arg("-l")
            .arg(self.langs.join("+"))
            .arg("--psm")
            .arg(self.rules.psm.to_string())
            .arg("--dpi")
            .arg(self.rules.dpi.to_string())
            .arg("tsv")
            // One thread per engine: files are already read in parallel.
            .env("OMP_THREAD_LIMIT", "1")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(|e| OcrError::Missing {
                cause: format!("{}: {e}", self.program.display()),
            })?;
        let start = Instant::now();
        let status = loop {
            if let Some(status) = child.try_wait()? {
                break status;
            }
            if start.elapsed() > limit {
                // The child may have ended in between: either way it is reaped.
                let _ = child.kill();
                let _ = child.wait();
                return Err(OcrError::Timeout(limit));
            }
            std::thread::sleep(Duration::from_millis(POLL_MS));
        };
        let tsv = std::fs::read_to_string(base.with_extension("tsv")).unwrap_or_default();
        if !status.success() && tsv.is_empty() {
            let mut err = String::new();
            if let Some(mut e) = child.stderr.take() {
                use std::io::Read;
                let _ = e.read_to_string(&mut err);
            }
            return Err(OcrError::Failed(format!(
                "{status}: {}",
                err.lines().last().unwrap_or("").trim()
            )));
        }
        Ok(tsv)
    }
}

/// A folder of RAM-backed temporary files, where the system has one: the crops are
/// written, read once by the engine and deleted, and there a file costs no inode
/// allocation on a disk (on a journal-less ext4 each new file scans past the inodes
/// deleted in the last half minute: a third of a scanned page's own time went there).
const MEMORY_TMP: &str = "/dev/shm";

/// The crops of one engine call, written as the pages of its batch.
struct Batch {
    /// The temporary folder holding the crops and the list (deleted on drop).
    dir: tempfile::TempDir,
    /// The list file naming the crops, one a line.
    list: PathBuf,
    /// Pages of the batch → (picture, box) they hold.
    page_box: Vec<(usize, usize)>,
}

impl Batch {
    /// Writes the crops of `jobs` (each box with a white `margin`) and their list into a
    /// new temporary folder: in [`MEMORY_TMP`] when `TMPDIR` names no other place and
    /// the folder is there, else (or when writing there fails: a small RAM disk full)
    /// in the system's temporary folder.
    fn write(jobs: &[(&GrayImage, &[PxRect])], margin: u32) -> Result<Batch, OcrError> {
        let builder = || {
            let mut b = tempfile::Builder::new();
            b.prefix("sopap-ocr");
            b
        };
        let memory = Path::new(MEMORY_TMP);
        if std::env::var_os("TMPDIR").is_none() && memory.is_dir() {
            let written = builder()
                .tempdir_in(memory)
                .map_err(OcrError::from)
                .and_then(|dir| Batch::write_in(dir, jobs, margin));
            if let Ok(batch) = written {
                return Ok(batch);
            }
        }
        Batch::write_in(builder().tempdir()?, jobs, margin)
    }

    /// Writes the crops of `jobs` and their list into `dir`.
    fn write_in(
        dir: tempfile::TempDir,
        jobs: &[(&GrayImage, &[PxRect])],
        margin: u32,
    ) -> Result<Batch, OcrError> {
        let mut page_box: Vec<(usize, usize)> = Vec::new();
        let mut list = String::new();
        for (p, (img, boxes)) in jobs.iter().enumerate() {
            for (i, b) in boxes.iter().enumerate() {
                let Some(crop) = crop_with_margin(img, b, margin) else {
                    continue;
                };
                let path = dir.path().join(format!("p{p:03}b{i:05}.png"));
                crop.save(&path)
                    .map_err(|e| OcrError::Failed(format!("writing crop {p}/{i}: {e}")))?;
                list.push_str(&path.to_string_lossy());
                list.push('\n');
                page_box.push((p, i));
            }
        }
        let list_path = dir.path().join(LIST_NAME);
        if !page_box.is_empty() {
            std::fs::write(&list_path, list)?;
        }
        Ok(Batch {
            dir,
            list: list_path,
            page_box,
        })
    }
}

/// What asking an engine program about itself gave: the language models it has.
#[derive(Clone, Debug)]
struct Probe {
    langs: Vec<String>,
}

/// The probes of the engine programs asked so far in this process (successful ones:
/// a missing engine is asked again, so installing it mid-run is seen).
static PROBES: OnceLock<Mutex<HashMap<PathBuf, Probe>>> = OnceLock::new();

/// `program`'s probe, asked once per process.
fn cached_probe(program: &Path) -> Result<Probe, OcrError> {
    let cache = PROBES.get_or_init(|| Mutex::new(HashMap::new()));
    if let Some(p) = cache.lock().ok().and_then(|c| c.get(program).cloned()) {
        return Ok(p);
    }
    let probe = probe(program)?;
    if let Ok(mut c) = cache.lock() {
        c.insert(program.to_path_buf(), probe.clone());
    }
    Ok(probe)
}

/// Asks `program` for its language models (`--list-langs`): one process start, which
/// also shows the program runs (a missing or broken program fails to start or fails).
fn probe(program: &Path) -> Result<Probe, OcrError> {
    let listed = Command::new(program)
        .arg("--list-langs")
        .stdin(Stdio::null())
        .output()
        .map_err(|e| OcrError::Missing {
            cause: format!("{}: {e}", program.display()),
        })?;
    if !listed.status.success() {
        return Err(OcrError::Missing {
            cause: format!("{} --list-langs failed", program.display()),
        });
    }
    let langs: Vec<String> = String::from_utf8_lossy(&listed.stdout)
        .lines()
        .skip(1)
        .map(|l| l.trim().to_string())
        .collect();
    Ok(Probe { langs })
}

/// Environment variable naming a folder where each engine call's crops and list file
/// are kept (for `benches/ocr_bench.py`, which times the engine alone on them).
pub const KEEP_ENV: &str = "SOPAP_OCR_KEEP";

/// The name of an engine call's list file (the bench reads it again).
const LIST_NAME: &str = "boxes.txt";

/// Links the call's crops and copies its list (paths rewritten) into a new folder under
/// `$SOPAP_OCR_KEEP`, when it is set; best effort.
fn keep_for_benchmark(dir: &Path) {
    let Some(keep) = std::env::var_os(KEEP_ENV).map(PathBuf::from) else {
        return;
    };
    let stamp = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    let to = keep.join(format!("call-{}-{stamp}", std::process::id()));
    if std::fs::create_dir_all(&to).is_err() {
        return;
    }
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let name = e.file_name();
        if name == LIST_NAME {
            continue;
        }
        // A link, not a copy (the bench's instrument, not sopap's cost); a copy where the
        // folders lie on different file systems.
        let (from, at) = (e.path(), to.join(&name));
        if std::fs::hard_link(&from, &at).is_err() {
            let _ = std::fs::copy(&from, &at);
        }
    }
    let from = dir.to_string_lossy().to_string();
    if let Ok(list) = std::fs::read_to_string(dir.join(LIST_NAME)) {
        let _ = std::fs::write(
            to.join(LIST_NAME),
            list.replace(&from, &to.to_string_lossy()),
        );
    }
}

/// `b` cut out of `img` with a white margin around it, or None for an empty box.
fn crop_with_margin(img: &GrayImage, b: &PxRect, margin: u32) -> Option<GrayImage> {
    let x0 = b.x.min(img.width());
    let y0 = b.y.min(img.height());
    let w = b.w.min(img.width() - x0);
    let h = b.h.min(img.height() - y0);
    if w == 0 || h == 0 {
        return None;
    }
    let mut out = GrayImage::from_pixel(w + 2 * margin, h + 2 * margin, image::Luma([255]));
    let view = image::imageops::crop_imm(img, x0, y0, w, h).to_image();
    image::imageops::replace(&mut out, &view, i64::from(margin), i64::from(margin));
    Some(out)
}

/// The words of one TSV page, keyed by (block, paragraph, line, word): text,
/// confidence, and left and right edge in the crop's pixels.
#[derive(Default)]
struct PageWords {
    words: BTreeMap<(u32, u32, u32, u32), TsvWord>,
}

/// One word of the engine's TSV.
struct TsvWord {
    text: String,
    conf: f32,
    left: f32,
    right: f32,
}

impl PageWords {
    /// The box's text, lines joined with '\n', and each line's extent moved by `origin`
    /// (the crop's left edge in the picture).
    fn into_text(self, rules: &OcrRules, origin: f32) -> OcrText {
        let mut lines: Vec<(String, f32, f32)> = Vec::new();
        let mut last: Option<(u32, u32, u32)> = None;
        let mut confs = Vec::new();
        for ((b, p, l, _), w) in self.words {
            if last != Some((b, p, l)) {
                lines.push((String::new(), f32::MAX, f32::MIN));
                last = Some((b, p, l));
            }
            if let Some((line, x0, x1)) = lines.last_mut() {
                if !line.is_empty() {
                    line.push(' ');
                }
                line.push_str(&w.text);
                *x0 = x0.min(origin + w.left);
                *x1 = x1.max(origin + w.right);
            }
            if w.conf >= 0.0 {
                confs.push(w.conf);
            }
        }
        let joined: Vec<&str> = lines.iter().map(|(t, _, _)| t.as_str()).collect();
        let text = rules.fold(&joined.join("\n"));
        let confidence =
            (!confs.is_empty()).then(|| confs.iter().sum::<f32>() / confs.len() as f32);
        let spans = lines.iter().map(|&(_, x0, x1)| (x0, x1)).collect();
        OcrText {
            text,
            confidence,
            spans,
        }
    }
}

/// Tesseract TSV → the words of each page (1-based page numbers).
fn parse_tsv(tsv: &str) -> BTreeMap<usize, PageWords> {
    let mut pages: BTreeMap<usize, PageWords> = BTreeMap::new();
    for line in tsv.lines().skip(1) {
        let f: Vec<&str> = line.split('\t').collect();
        let [
            level,
            page,
            block,
            par,
            ln,
            word,
            left,
            _,
            width,
            _,
            conf,
            text,
        ] = f.as_slice()
        else {
            continue;
        };
        let text = text.trim();
        if *level != "5" || text.is_empty() {
            continue;
        }
        let n = |s: &str| s.trim().parse::<u32>().unwrap_or(0);
        let Ok(page) = page.trim().parse::<usize>() else {
            continue;
        };
        let conf = conf.trim().parse::<f32>().unwrap_or(-1.0);
        let left = n(left) as f32;
        let word_box = TsvWord {
            text: text.to_string(),
            conf,
            left,
            right: left + n(width) as f32,
        };
        pages
            .entry(page)
            .or_default()
            .words
            .insert((n(block), n(par), n(ln), n(word)), word_box);
    }
    pages
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rules() -> OcrRules {
        toml::from_str(include_str!("../../../rules/ocr.toml")).unwrap()
    }

    #[test]
    fn tsv_pages_become_box_texts_with_mean_confidence() {
        let tsv = "level\tpage_num\tblock_num\tpar_num\tline_num\tword_num\tleft\ttop\twidth\theight\tconf\ttext\n\
            1\t1\t0\t0\t0\t0\t0\t0\t10\t10\t-1\t\n\
            5\t1\t1\t1\t1\t1\t10\t0\t30\t5\t90\tKetua\n\
            5\t1\t1\t1\t1\t2\t45\t0\t15\t5\t80\tTim\n\
            5\t1\t1\t1\t2\t1\t12\t0\t40\t5\t70\tProduksi\n\
            5\t2\t1\t1\t1\t1\t0\t0\t5\t5\t50\t2.\n";
        let pages = parse_tsv(tsv);
        let r = rules();
        let mut it = pages.into_iter();
        let (p1, w1) = it.next().unwrap();
        let t1 = w1.into_text(&r, 100.0);
        assert_eq!(p1, 1);
        assert_eq!(t1.text, "Ketua Tim\nProduksi");
        assert_eq!(t1.confidence, Some(80.0));
        // Each line's ink from its first word's left to its last word's right, in the
        // picture (the crop's origin 100 added).
        assert_eq!(t1.spans, vec![(110.0, 160.0), (112.0, 152.0)]);
        let (p2, w2) = it.next().unwrap();
        assert_eq!((p2, w2.into_text(&r, 0.0).text.as_str()), (2, "2."));
    }

    #[test]
    fn confusions_fold_to_domain_words_and_numbers_only() {
        let r = rules();
        assert_eq!(r.fold("PeIaksana"), "Pelaksana");
        assert_eq!(r.fold("Forrnulir (Keg1atan)"), "Formulir (Kegiatan)");
        assert_eq!(r.fold("PELAKSANA"), "PELAKSANA");
        assert_eq!(r.fold("KEG1ATAN"), "KEGIATAN");
        assert_eq!(r.fold("l."), "1.");
        assert_eq!(r.fold("1O menit"), "10 menit");
        // Ordinary words and names are left alone.
        assert_eq!(r.fold("Iwan lalu"), "Iwan lalu");
    }

    /// The engine is asked about itself with one process start (`--list-langs`, which
    /// also shows it runs), and once per program and process.
    #[test]
    fn the_engine_is_probed_once_with_one_process_start() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let log = dir.path().join("calls.log");
        let program = dir.path().join("fake-engine");
        std::fs::write(
            &program,
            format!(
                "#!/bin/sh\necho \"$@\" >> '{}'\necho 'List of available languages (2):'\necho eng\necho ind\n",
                log.display()
            ),
        )
        .unwrap();
        std::fs::set_permissions(&program, std::fs::Permissions::from_mode(0o755)).unwrap();
        let first = cached_probe(&program).unwrap();
        let again = cached_probe(&program).unwrap();
        assert_eq!(first.langs, vec!["eng", "ind"]);
        assert_eq!(again.langs, first.langs);
        assert_eq!(std::fs::read_to_string(&log).unwrap(), "--list-langs\n");
        // A program that fails when asked is a missing engine.
        let broken = dir.path().join("broken-engine");
        std::fs::write(&broken, "#!/bin/sh\nexit 3\n").unwrap();
        std::fs::set_permissions(&broken, std::fs::Permissions::from_mode(0o755)).unwrap();
        assert!(matches!(probe(&broken), Err(OcrError::Missing { .. })));
    }

    /// A batch holds one crop per box with area, margin included, listed in order; the
    /// empty box is left out of the pages; its folder is RAM-backed where the system
    /// has one and TMPDIR names no other place, and is gone when the batch is.
    #[test]
    fn a_batch_writes_one_crop_per_box_and_lists_them_in_order() {
        let img = GrayImage::from_fn(40, 30, |x, _| image::Luma([if x < 20 { 0 } else { 255 }]));
        let boxes = [
            PxRect {
                x: 2,
                y: 3,
                w: 10,
                h: 5,
            },
            PxRect {
                x: 5,
                y: 5,
                w: 0,
                h: 4,
            },
            PxRect {
                x: 30,
                y: 20,
                w: 20,
                h: 20,
            },
        ];
        let batch = Batch::write(&[(&img, &boxes[..]), (&img, &boxes[..1])], 4).unwrap();
        assert_eq!(batch.page_box, vec![(0, 0), (0, 2), (1, 0)]);
        let list = std::fs::read_to_string(&batch.list).unwrap();
        let names: Vec<&str> = list.lines().collect();
        assert_eq!(names.len(), 3);
        assert!(names[1].ends_with("p000b00002.png"), "{list}");
        let first = image::open(names[0]).unwrap().to_luma8();
        assert_eq!(first.dimensions(), (18, 13));
        assert_eq!(
            (first.get_pixel(0, 0).0[0], first.get_pixel(4, 4).0[0]),
            (255, 0)
        );
        // The third box is clipped to the picture: 10 x 10 plus the margins.
        let clipped = image::open(names[1]).unwrap().to_luma8();
        assert_eq!(clipped.dimensions(), (18, 18));
        let memory = std::env::var_os("TMPDIR").is_none() && Path::new(MEMORY_TMP).is_dir();
        assert_eq!(batch.dir.path().starts_with(MEMORY_TMP), memory);
        let dir = batch.dir.path().to_path_buf();
        drop(batch);
        assert!(!dir.exists());
    }

    #[test]
    fn a_missing_engine_names_the_packages() {
        let e = OcrError::Missing {
            cause: "no such file".into(),
        };
        assert!(e.to_string().contains(ENGINE_PACKAGES), "{e}");
    }
}
