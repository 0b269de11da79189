//! OCR end to end: a .docx flowchart printed to pictures (LibreOffice → PDF → pdftoppm at
//! 150 and 300 dpi), turned by 0.5°, a red spell-check squiggle drawn under a line of
//! text, each page wrapped as a JPEG in an image-only PDF, and fed to sopap: the steps,
//! their actors and their symbols come back as the text reader reads them from the
//! .docx itself. Also the real pictured pages of `../shared/real`, and a run without the
//! engine (the SOP keeps its identity; the finding names the missing engine).
//!
//! Where tesseract (or soffice/pdftoppm for the rendered pages) is absent the tests print
//! one line and pass; with `SOPAP_REQUIRE_OCR` set (CI installs the engine) an absent
//! engine fails them.

use crate::support;

use std::path::{Path, PathBuf};
use std::process::Command;

use image::{Rgb, RgbImage};
use lopdf::{Document as PdfDoc, Object, Stream, dictionary};
use sopap::{FileContext, Limits, Rules, Sop, process_bytes};

/// Steps, actors and symbols a rendered page must give back (share of the text
/// reader's).
const FLOOR: f64 = 0.9;
/// The page is turned by this much (a phone photo, a skewed scan).
const TURN_DEGREES: f32 = 0.5;

/// True when `program` runs (asked for its version with `version_flag`); otherwise
/// prints one line and returns false, or panics when `SOPAP_REQUIRE_OCR` is set: CI
/// installs the engine and the tools that render the pictures these tests read.
fn tool_or_skip(program: &str, version_flag: &str) -> bool {
    let ok = Command::new(program)
        .arg(version_flag)
        .output()
        .is_ok_and(|o| o.status.success());
    if !ok {
        assert!(
            std::env::var_os("SOPAP_REQUIRE_OCR").is_none(),
            "SOPAP_REQUIRE_OCR is set but {program} is not installed"
        );
        eprintln!("skipping: {program} not installed");
    }
    ok
}

/// soffice and pdftoppm, which print the fixtures to pictures.
fn renderers_or_skip() -> bool {
    tool_or_skip("soffice", "--version") && tool_or_skip("pdftoppm", "-v")
}

pub(crate) fn parse(name: &str, bytes: &[u8]) -> Vec<Sop> {
    let rules = Rules::defaults().unwrap();
    let ctx = FileContext {
        rel_path: name.into(),
        agency: None,
    };
    match process_bytes(&ctx, bytes, &rules, &Limits::default()) {
        Ok(s) => s,
        Err(e) => panic!("{name}: {} {}", e.kind, e.message),
    }
}

/// The SOPs of `file` of `../shared/real` (a path below it).
fn parse_real(file: &str) -> Vec<Sop> {
    let bytes = std::fs::read(Path::new(support::REAL).join(file)).unwrap();
    parse(file, &bytes)
}

/// The docx printed to PNG pages at `dpi`.
fn render(docx: &Path, dpi: u32, dir: &Path) -> Vec<PathBuf> {
    let st = Command::new("soffice")
        .args(["--headless", "--convert-to", "pdf", "--outdir"])
        .arg(dir)
        .arg(docx)
        .env("HOME", dir)
        .output()
        .unwrap();
    assert!(st.status.success(), "soffice: {st:?}");
    let pdf = dir.join(docx.with_extension("pdf").file_name().unwrap());
    let prefix = dir.join(format!("p{dpi}"));
    let st = Command::new("pdftoppm")
        .args(["-r", &dpi.to_string(), "-png"])
        .arg(&pdf)
        .arg(&prefix)
        .status()
        .unwrap();
    assert!(st.success());
    let mut pages: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with(&format!("p{dpi}-")) && n.ends_with(".png"))
        })
        .collect();
    pages.sort();
    pages
}

/// Turns `page` by [`TURN_DEGREES`] and draws a red squiggle under the darkest text row
/// of its middle third (where a spell checker marks a word).
fn spoil(page: RgbImage) -> RgbImage {
    let white = Rgb([255u8, 255, 255]);
    let mut img = imageproc::geometric_transformations::rotate_about_center(
        &page,
        TURN_DEGREES.to_radians(),
        imageproc::geometric_transformations::Interpolation::Bilinear,
        imageproc::geometric_transformations::Border::Constant(white),
    );
    let (w, h) = img.dimensions();
    let ink_row = (h / 3..2 * h / 3)
        .max_by_key(|&y| (0..w).filter(|&x| img.get_pixel(x, y)[0] < 128).count())
        .unwrap_or(h / 2);
    let y0 = (ink_row + h / 200).min(h - 3) as f32;
    let amp = (h as f32 / 800.0).max(1.0);
    let (x0, x1) = (w as f32 * 0.15, w as f32 * 0.35);
    let mut x = x0;
    while x < x1 {
        let y = y0 + amp * (x / (2.0 * amp)).sin();
        let y2 = y0 + amp * ((x + 1.0) / (2.0 * amp)).sin();
        imageproc::drawing::draw_line_segment_mut(
            &mut img,
            (x, y),
            (x + 1.0, y2),
            Rgb([230, 20, 20]),
        );
        x += 1.0;
    }
    img
}

/// An image-only PDF: each picture a page of its size at `dpi`, as a JPEG XObject.
fn image_pdf(pages: &[RgbImage], dpi: u32) -> Vec<u8> {
    let pt = |px: u32| px as f32 * 72.0 / dpi as f32;
    let placed: Vec<PlacedPage> = pages
        .iter()
        .map(|img| {
            let (w, h) = (pt(img.width()), pt(img.height()));
            PlacedPage {
                size: (w, h),
                pictures: vec![(img.clone(), 0.0, 0.0, w, h)],
            }
        })
        .collect();
    placed_pdf(&placed)
}

/// A PDF page of `size` points holding pictures at (x, y from the top, w, h) points.
struct PlacedPage {
    size: (f32, f32),
    pictures: Vec<(RgbImage, f32, f32, f32, f32)>,
}

/// A PDF of pages holding JPEG pictures where they are placed, and no text.
fn placed_pdf(pages: &[PlacedPage]) -> Vec<u8> {
    let mut doc = PdfDoc::with_version("1.5");
    let pages_id = doc.new_object_id();
    let mut kids = Vec::new();
    for page in pages {
        let (pw, ph) = page.size;
        let mut xobjects = lopdf::Dictionary::new();
        let mut content = String::new();
        for (i, (img, x, y, w, h)) in page.pictures.iter().enumerate() {
            let mut jpeg = Vec::new();
            image::codecs::jpeg::JpegEncoder::new_with_quality(&mut jpeg, 90)
                .encode_image(img)
                .unwrap();
            let xobj = doc.add_object(Stream::new(
                dictionary! {
                    "Type" => "XObject", "Subtype" => "Image",
                    "Width" => img.width() as i64, "Height" => img.height() as i64,
                    "ColorSpace" => "DeviceRGB", "BitsPerComponent" => 8,
                    "Filter" => "DCTDecode",
                },
                jpeg,
            ));
            let name = format!("Im{i}");
            xobjects.set(name.as_bytes(), xobj);
            content.push_str(&format!(
                "q {w} 0 0 {h} {x} {} cm /{name} Do Q\n",
                ph - y - h
            ));
        }
        let content = doc.add_object(Stream::new(dictionary! {}, content.into_bytes()));
        let page = doc.add_object(dictionary! {
            "Type" => "Page", "Parent" => pages_id,
            "MediaBox" => vec![0.into(), 0.into(), Object::Real(pw), Object::Real(ph)],
            "Resources" => dictionary! { "XObject" => xobjects },
            "Contents" => content,
        });
        kids.push(Object::Reference(page));
    }
    let count = kids.len() as i64;
    doc.objects.insert(
        pages_id,
        Object::Dictionary(dictionary! { "Type" => "Pages", "Kids" => kids, "Count" => count }),
    );
    let catalog = doc.add_object(dictionary! { "Type" => "Catalog", "Pages" => pages_id });
    doc.trailer.set("Root", catalog);
    let mut out = Vec::new();
    doc.save_to(&mut out).unwrap();
    out
}

fn norm(s: &str) -> String {
    s.to_lowercase()
        .chars()
        .filter(|c| c.is_alphanumeric())
        .collect()
}

/// Edit distance of `a` and `b` over their length: 0 same, 1 nothing in common.
fn distance(a: &str, b: &str) -> f64 {
    let (a, b): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.iter().enumerate() {
        let mut cur = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            let sub = prev[j] + usize::from(ca != cb);
            cur.push(sub.min(prev[j + 1] + 1).min(cur[j] + 1));
        }
        prev = cur;
    }
    prev[b.len()] as f64 / a.len().max(b.len()).max(1) as f64
}

/// Shares of the truth's steps found (same number, activity within 15 % edits), with
/// the same actors, with the same symbol.
pub(crate) fn compare(truth: &Sop, got: &[Sop]) -> (f64, f64, f64, String) {
    let steps: Vec<_> = got.iter().flat_map(|s| &s.steps).collect();
    let (mut found, mut actors, mut symbols) = (0, 0, 0);
    let mut log = String::new();
    for t in &truth.steps {
        let Some(g) = steps
            .iter()
            .find(|g| g.no == t.no && distance(&norm(&g.activity), &norm(&t.activity)) < 0.15)
        else {
            log.push_str(&format!("missing step {:?}: {}\n", t.no, t.activity));
            continue;
        };
        found += 1;
        let set = |v: &[String]| {
            let mut v: Vec<String> = v.iter().map(|a| norm(a)).collect();
            v.sort();
            v
        };
        if set(&g.actors) == set(&t.actors) {
            actors += 1;
        } else {
            log.push_str(&format!(
                "step {:?} actors {:?} ≠ {:?}\n",
                t.no, g.actors, t.actors
            ));
        }
        if g.symbol == t.symbol {
            symbols += 1;
        } else {
            log.push_str(&format!(
                "step {:?} symbol {:?} ≠ {:?}\n",
                t.no, g.symbol, t.symbol
            ));
        }
    }
    let n = truth.steps.len().max(1) as f64;
    let f = found.max(1) as f64;
    (found as f64 / n, actors as f64 / f, symbols as f64 / f, log)
}

/// The fixture .docx `fixture` and its SOP as the text reader reads it (the truth a
/// picture of it is read against).
fn fixture_truth(fixture: &str) -> (PathBuf, Sop) {
    let docx = Path::new(support::FIXTURES).join("docx").join(fixture);
    let sops = parse(fixture, &std::fs::read(&docx).unwrap());
    let truth = sops.into_iter().next().expect("the fixture's own SOP");
    (docx, truth)
}

fn rendered_flowchart_reads_back(fixture: &str, dpi: u32) {
    if !(support::ocr_engine_or_skip() && renderers_or_skip()) {
        return;
    }
    let (docx, truth) = fixture_truth(fixture);
    let truth = &truth;
    assert!(
        truth.steps.len() >= 5,
        "fixture has {} steps",
        truth.steps.len()
    );
    let dir = tempfile::tempdir().unwrap();
    let pages: Vec<RgbImage> = render(&docx, dpi, dir.path())
        .iter()
        .map(|p| spoil(image::open(p).unwrap().to_rgb8()))
        .collect();
    let pdf = image_pdf(&pages, dpi);
    let got = parse("rendered.pdf", &pdf);
    assert!(got.iter().all(|s| s.source.ocr), "source.ocr not set");
    let (steps, actors, symbols, log) = compare(truth, &got);
    eprintln!(
        "{fixture} at {dpi} dpi: steps {steps:.3} actors {actors:.3} symbols {symbols:.3}\n{log}"
    );
    assert!(
        steps >= FLOOR,
        "{fixture} {dpi} dpi steps {steps:.3}\n{log}"
    );
    assert!(
        actors >= FLOOR,
        "{fixture} {dpi} dpi actors {actors:.3}\n{log}"
    );
    assert!(
        symbols >= FLOOR,
        "{fixture} {dpi} dpi symbols {symbols:.3}\n{log}"
    );
    let finding = got[0]
        .findings
        .iter()
        .find(|f| f.code == "procedure-as-image")
        .expect("a procedure-as-image finding");
    assert!(finding.message.contains("OCR"), "{}", finding.message);
}

#[test]
fn group_flowchart_at_150_dpi_turned_and_squiggled_reads_back() {
    rendered_flowchart_reads_back("lo_group_pengadaan_langsung_2013.docx", 150);
}

#[test]
fn group_flowchart_at_300_dpi_turned_and_squiggled_reads_back() {
    rendered_flowchart_reads_back("lo_group_pengadaan_langsung_2013.docx", 300);
}

#[test]
fn in_cell_flowchart_at_150_dpi_turned_and_squiggled_reads_back() {
    rendered_flowchart_reads_back("lo_incell_surat_masuk_2023.docx", 150);
}

#[test]
fn without_the_engine_the_sop_keeps_its_identity_and_the_finding_names_the_engine() {
    shared_or_skip!(support::REAL);
    let path = Path::new(support::REAL)
        .join("bps-bengkulu/213. SOP Perencanaan Survei Pertanian Hortikultura signed.pdf");
    without_the_engine_keeps_the_identity(&path, "SOP-213/17000/2025");
}

/// `sopap parse FILE` with a PATH holding no OCR engine (the binary in its own
/// process): FILE gives its identity-only SOP numbered `number`, no steps, `source.ocr`
/// false, and a `procedure-as-image` finding naming the missing engine and its package.
pub(crate) fn without_the_engine_keeps_the_identity(file: &Path, number: &str) {
    let empty = tempfile::tempdir().unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_sopap"))
        .arg("parse")
        .arg(file)
        .env("PATH", empty.path())
        .env_remove("SOPAP_TESSERACT")
        .output()
        .unwrap();
    let sops: Vec<serde_json::Value> = serde_json::from_slice(&out.stdout).unwrap();
    let sop = sops.first().expect("the identity-only SOP");
    assert_eq!(sop["identity"]["number"], number);
    assert_eq!(sop["steps"].as_array().map(Vec::len), Some(0));
    assert_eq!(sop["source"]["ocr"], false);
    let finding = sop["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["code"] == "procedure-as-image")
        .expect("procedure-as-image");
    let msg = finding["message"].as_str().unwrap();
    assert!(msg.contains("tesseract-ocr-ind"), "{msg}");
    assert!(msg.contains("tidak terpasang"), "{msg}");
}

/// The real pictured pages with hand truth (`"ocr": true` in expected.json: the pasted
/// JPEG flowcharts of BPS 213 and 202, the satpolpp-kalbar scans): steps found by number
/// and activity, and their actor sets, over all of them.
#[test]
fn real_pictured_pages_read_their_steps_and_actors() {
    shared_or_skip!(support::REAL);
    if !support::ocr_engine_or_skip() {
        return;
    }
    let expected: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(Path::new(support::REAL).join("expected.json")).unwrap(),
    )
    .unwrap();
    let docs = expected["documents"].as_array().unwrap();
    let (mut total, mut found, mut actors) = (0usize, 0usize, 0usize);
    let mut log = String::new();
    for doc in docs.iter().filter(|d| d["ocr"] == true) {
        let file = doc["file"].as_str().unwrap();
        let bytes = std::fs::read(Path::new(support::REAL).join(file)).unwrap();
        let rules = Rules::defaults().unwrap();
        let ctx = FileContext {
            rel_path: file.into(),
            agency: None,
        };
        let got = process_bytes(&ctx, &bytes, &rules, &Limits::default()).unwrap_or_default();
        let steps: Vec<_> = got.iter().flat_map(|s| &s.steps).collect();
        for t in doc["steps"].as_array().unwrap() {
            total += 1;
            let no = t["no"].as_u64().unwrap_or(0) as u32;
            let activity = norm(t["activity"].as_str().unwrap_or(""));
            let Some(g) = steps
                .iter()
                .find(|g| g.no == no && distance(&norm(&g.activity), &activity) < 0.15)
            else {
                log.push_str(&format!("{file}: missing step {no}\n"));
                continue;
            };
            found += 1;
            let mut want: Vec<String> = t["actors"]
                .as_array()
                .unwrap()
                .iter()
                .map(|a| norm(a.as_str().unwrap_or("")))
                .collect();
            let mut have: Vec<String> = g.actors.iter().map(|a| norm(a)).collect();
            want.sort();
            have.sort();
            if want == have {
                actors += 1;
            } else {
                log.push_str(&format!("{file} step {no}: actors {have:?} ≠ {want:?}\n"));
            }
        }
    }
    let steps = found as f64 / total.max(1) as f64;
    let actors = actors as f64 / found.max(1) as f64;
    eprintln!("real pictured pages: steps {found}/{total} ({steps:.3}), actors {actors:.3}\n{log}");
    assert!(total >= 25, "expected.json holds {total} pictured steps");
    assert!(steps >= FLOOR, "steps {steps:.3}\n{log}");
    assert!(actors >= FLOOR, "actors {actors:.3}\n{log}");
}

/// The sumut-ppid DIDP scan (CamScanner, 150 dpi) draws its procedure table with
/// rulings that fade in stretches: the one between NO and KEGIATAN for 17 px, the one
/// between Kelengkapan and Waktu for 43 px, the header's line under Pelaksana and
/// Pendukung for 22 px. Each is read whole (its pieces chained over the faded ink), so
/// page 2 gives steps 1–4 with their activities, the actor columns their dots stand
/// in, and Kelengkapan apart from Waktu; page 3's table, which repeats only the
/// column-number row, continues with step 5. (Without them the file gave no step at all.)
#[test]
fn a_scan_whose_rulings_fade_in_stretches_reads_its_procedure_table() {
    shared_or_skip!(support::REAL);
    if !support::ocr_engine_or_skip() {
        return;
    }
    let file = "sumut-ppid/SOP_Penyusunan_DIDP.pdf";
    let sops = parse_real(file);
    let [sop] = sops.as_slice() else {
        panic!("one SOP expected: {sops:#?}");
    };
    let names: Vec<String> = sop.actors.iter().map(|a| norm(a)).collect();
    assert_eq!(names, ["ppidpembantu", "ppidutama", "atasanppid"]);
    // Step 5 stands on page 3, whose table repeats only the column-number row.
    let numbers: Vec<u32> = sop.steps.iter().map(|s| s.no).collect();
    assert_eq!(numbers, [1, 2, 3, 4, 5]);
    let starts = [
        "mengumpulkaninformasidandokumentasi",
        "mengklasifikasikanseluruhinformasi",
        "mendokumentasikaninformasipublik",
        "menetapkandidpsecararesmi",
        "mengunggahdidpkewebsiteresmi",
    ];
    for (step, start) in sop.steps.iter().zip(starts) {
        assert!(norm(&step.activity).starts_with(start), "{step:#?}");
    }
    let actors =
        |i: usize| -> Vec<String> { sop.steps[i].actors.iter().map(|a| norm(a)).collect() };
    assert!(
        actors(1).contains(&"ppidpembantu".to_string()),
        "{:?}",
        actors(1)
    );
    assert_eq!(actors(2), ["ppidutama"]);
    assert_eq!(actors(3), ["atasanppid"]);
    assert_eq!(actors(4), ["ppidutama"]);
    let first = &sop.steps[0];
    let requirements = norm(first.requirements.as_deref().unwrap_or(""));
    assert!(requirements.starts_with("1uu14tahun2008"), "{first:#?}");
    let time = norm(first.time.as_deref().unwrap_or(""));
    assert_eq!(time, "secaraberkalasertamertadansetiapsaat", "{first:#?}");
    let fourth = norm(sop.steps[3].time.as_deref().unwrap_or(""));
    assert!(
        fourth.starts_with("setelahdidpterkumpul"),
        "{:#?}",
        sop.steps[3]
    );
}

/// BPS 202 pastes its flowchart as two JPEG strips: rows 1–3 low on page 1, the tail of
/// row 3 and row 4 at the top of page 2 (59 points tall, a decision cut by the page
/// break). The strips are read as one picture, so step 4 comes back with its actors,
/// its time and its terminator.
#[test]
fn a_flowchart_pasted_as_two_strips_over_a_page_break_reads_as_one_table() {
    shared_or_skip!(support::REAL);
    if !support::ocr_engine_or_skip() {
        return;
    }
    let file = "bps-bengkulu/202. SOP Persiapan Pendataan KSA Padi-Jagung signed.pdf";
    let sops = parse_real(file);
    let steps: Vec<_> = sops.iter().flat_map(|s| &s.steps).collect();
    let numbers: Vec<u32> = steps.iter().map(|s| s.no).collect();
    assert_eq!(numbers, vec![1, 2, 3, 4], "{steps:#?}");
    let last = steps[3];
    assert!(
        norm(&last.activity).starts_with("pelatihanbriefingpetugas"),
        "{last:#?}"
    );
    let actors: Vec<String> = last.actors.iter().map(|a| norm(a)).collect();
    assert!(actors.contains(&"petugas".to_string()), "{actors:?}");
    assert_eq!(last.time.as_deref(), Some("2 hari efektif"));
    assert_eq!(last.symbol, Some(sopap::Symbol::Terminator));
    // Step 3's decision diamond is cut by the page break, and the strip repeats the
    // cut's last rows: laid once, the diamond closes again in the Petugas column.
    let third = steps[2];
    assert_eq!(third.symbol, Some(sopap::Symbol::Decision), "{third:#?}");
    let actors: Vec<String> = third.actors.iter().map(|a| norm(a)).collect();
    assert_eq!(actors, vec!["petugas".to_string()], "{third:#?}");
    // The page-1 rows keep their reading.
    assert_eq!(norm(&steps[0].activity), "pendistribusianaplikasi");
    assert!(sops.iter().all(|s| s.source.ocr));
}

/// The middle row of the first decision step's table row: the table's last rows are
/// its steps, one between each two rulings (a thick ruling is one line).
fn decision_row_middle(rulings: &[u32], truth: &Sop) -> u32 {
    let mut lines: Vec<u32> = Vec::new();
    for &r in rulings {
        if lines.last().is_none_or(|&l| r > l + 3) {
            lines.push(r);
        }
    }
    let n = truth.steps.len();
    let decision = truth
        .steps
        .iter()
        .position(|s| s.symbol == Some(sopap::Symbol::Decision))
        .expect("the fixture has a decision");
    let row = lines.len() - 1 - n + decision;
    (lines[row] + lines[row + 1]) / 2
}

/// Rows of `img` that are a table's horizontal ruling: ink over half the width.
fn ruling_rows(img: &RgbImage) -> Vec<u32> {
    let (w, h) = img.dimensions();
    (0..h)
        .filter(|&y| (0..w).filter(|&x| img.get_pixel(x, y)[0] < 128).count() as u32 > w / 2)
        .collect()
}

/// A rendered flowchart page cut in two through the middle of its table (through a
/// row, not on a ruling), the upper strip left where it stood on its page and the lower
/// pasted at the top of the next page, each as its own picture: read back as one table.
/// With `repeat` rows the cut goes through the middle of the first decision's row (its
/// diamond), and the lower strip starts `repeat` rows above the cut (a screenshot cut
/// twice, the second a little higher), so those rows are in both pictures.
fn flowchart_cut_over_a_page_break_reads_back(fixture: &str, dpi: u32, repeat: u32) {
    if !(support::ocr_engine_or_skip() && renderers_or_skip()) {
        return;
    }
    let (docx, truth) = fixture_truth(fixture);
    let truth = &truth;
    let dir = tempfile::tempdir().unwrap();
    let pages: Vec<RgbImage> = render(&docx, dpi, dir.path())
        .iter()
        .map(|p| image::open(p).unwrap().to_rgb8())
        .collect();
    // The fixture prints its identity first and its flowchart on the last page.
    let flow_at = pages.len() - 1;
    let flow = &pages[flow_at];
    let rulings = ruling_rows(flow);
    let cut = if repeat == 0 {
        let (top, bottom) = (rulings[0], *rulings.last().unwrap());
        let mut cut = (top + bottom) / 2;
        while rulings.iter().any(|&r| r.abs_diff(cut) < 4) {
            cut += 4;
        }
        cut
    } else {
        decision_row_middle(&rulings, truth)
    };
    let (w, h) = flow.dimensions();
    let upper = image::imageops::crop_imm(flow, 0, 0, w, cut).to_image();
    let lower = image::imageops::crop_imm(flow, 0, cut - repeat, w, h - cut + repeat).to_image();
    let pt = |px: u32| px as f32 * 72.0 / dpi as f32;
    let size = (pt(w), pt(h));
    let mut placed: Vec<PlacedPage> = pages
        .iter()
        .take(flow_at)
        .map(|p| PlacedPage {
            size,
            pictures: vec![(p.clone(), 0.0, 0.0, size.0, size.1)],
        })
        .collect();
    placed.push(PlacedPage {
        size,
        pictures: vec![(upper, 0.0, 0.0, size.0, pt(cut))],
    });
    placed.push(PlacedPage {
        size,
        pictures: vec![(lower, 0.0, 36.0, size.0, pt(h - cut + repeat))],
    });
    let got = parse("strips.pdf", &placed_pdf(&placed));
    let (steps, actors, symbols, log) = compare(truth, &got);
    eprintln!(
        "{fixture} cut at {cut} px of {h}: steps {steps:.3} actors {actors:.3} symbols {symbols:.3}\n{log}"
    );
    let numbers: Vec<u32> = got.iter().flat_map(|s| &s.steps).map(|s| s.no).collect();
    let want: Vec<u32> = truth.steps.iter().map(|s| s.no).collect();
    assert_eq!(numbers, want, "{log}");
    assert!(
        steps >= FLOOR && actors >= FLOOR && symbols >= FLOOR,
        "{log}"
    );
}

#[test]
fn a_flowchart_cut_by_a_page_break_into_two_pictures_reads_as_one_table() {
    flowchart_cut_over_a_page_break_reads_back("lo_group_pengadaan_langsung_2013.docx", 150, 0);
}

#[test]
fn a_flowchart_cut_twice_with_rows_in_both_pictures_reads_as_one_table() {
    flowchart_cut_over_a_page_break_reads_back("lo_incell_surat_masuk_2023.docx", 200, 9);
}
