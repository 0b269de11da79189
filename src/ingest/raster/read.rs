//! Reading the pictures of a document into its model: the hook between a text reader
//! that found a procedure drawn as a picture and the pixel reader.
//!
//! Stages per picture: decode and turn upright ([`source`](super::source)), strips of
//! one table joined ([`stitch`](super::stitch)); find its
//! grid, cells and shapes ([`layout`](super::layout)); read every cell's text in one
//! engine call ([`ocr`](super::ocr)); place tables, shapes and text lines in the page's
//! coordinates ([`build`](super::build)), spliced into the document where the picture
//! stands, so every later stage runs unchanged: a PDF picture into the first section
//! after the blocks of the pages before it, a package picture (.docx, .xlsx, ODF) into
//! its own section at its block position (a Word identity table, then the procedure
//! table read from the picture pasted below it).

use crate::error::IngestError;
use crate::ingest::limits::Budget;
use crate::model::{Anchor, Block, Document, Paragraph, PictureSite, Section};

use super::ocr::{Engine, OcrError, OcrRules};
use super::source::{self, Picture};
use super::{OcrText, PxRect, RasterLayout};

/// Most doubtful cells named in one report (the rest are counted).
const MAX_DOUBTFUL_NAMED: usize = 5;
/// Longest excerpt of a doubtful cell's text in the report, in characters.
const DOUBTFUL_EXCERPT_CHARS: usize = 40;

/// What reading the pictures of one document gave (the finding's material).
#[derive(Clone, Debug, Default)]
pub struct PictureReport {
    /// Pictures whose text was read.
    pub read: usize,
    /// Mean word confidence over every box read (0–100), if any word was read.
    pub confidence: Option<f32>,
    /// Boxes read below the rules' confidence threshold: where, what, how sure.
    pub doubtful: Vec<Doubtful>,
    /// Doubtful boxes beyond the ones named.
    pub doubtful_more: usize,
    /// Why some or all pictures were not read.
    pub not_read: Option<NotRead>,
    /// Seconds spent inside the OCR engine.
    pub engine_seconds: f64,
    /// The pictures were left for a later OCR pass (`pipeline::OcrPass::Later`).
    pub deferred: bool,
}

/// Why a picture was not read.
#[derive(Clone, Debug)]
pub enum NotRead {
    /// The OCR engine (or its language model) is not installed: the detail names the
    /// packages.
    Engine(String),
    /// The picture's pixels could not be decoded: the detail names the encoding.
    Picture(String),
    /// The pictures were left for a later pass of the run, which has not read them.
    Deferred,
}

impl std::fmt::Display for NotRead {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            NotRead::Engine(d) | NotRead::Picture(d) => f.write_str(d),
            NotRead::Deferred => f.write_str(
                "the run stopped before its OCR pass read the pictures (the next run reads them)",
            ),
        }
    }
}

/// A box the engine read with low confidence.
#[derive(Clone, Debug)]
pub struct Doubtful {
    /// Page of the picture, where the format has pages (PDF).
    pub page: Option<u32>,
    /// 1-based grid row and column when the box is a table cell.
    pub cell: Option<(usize, usize)>,
    /// The start of the text read.
    pub text: String,
    /// Its mean word confidence.
    pub confidence: f32,
}

/// Reads the pictures at `wanted` (PDF images by page and box, package pictures by part
/// and block, as the model recorded them) of the file `bytes` into `doc`, each where it
/// stands; `doc.ocr` is set when any was read. All pictures' boxes are read in one
/// engine call. A missing engine or an undecodable picture is reported, not an error;
/// the engine running past the file's time budget is (`timeout`, for this file only).
pub fn read_pictures(
    doc: &mut Document,
    bytes: &[u8],
    wanted: &[PictureSite],
    rules: &OcrRules,
    budget: &Budget,
) -> Result<PictureReport, IngestError> {
    let mut report = PictureReport::default();
    if wanted.is_empty() {
        return Ok(report);
    }
    let engine = match Engine::detect_with(rules.clone()) {
        Ok(e) => e,
        Err(e) => {
            report.not_read = Some(NotRead::Engine(e.to_string()));
            return Ok(report);
        }
    };
    let (pictures, undecoded) = source::pictures(bytes, wanted, budget)?;
    let pictures = super::stitch::join(pictures);
    if let Some(u) = undecoded.first() {
        report.not_read = Some(NotRead::Picture(u.to_string()));
    }
    let mut confs: Vec<f32> = Vec::new();
    let plans: Vec<Plan> = pictures
        .iter()
        .map(|p| {
            budget.check_time("ocr layout")?;
            Ok(Plan::of(p))
        })
        .collect::<Result<_, IngestError>>()?;
    let jobs: Vec<(&image::GrayImage, &[PxRect])> = plans
        .iter()
        .map(|p| (&p.layout.image, p.boxes.as_slice()))
        .collect();
    let started = std::time::Instant::now();
    let engine_min = engine.rules().min_confidence;
    // The engine's CPU time counts against the file's budget; it may take the wall
    // time left before the file's ceiling (a busy machine slows it, not its cost).
    let texts = budget
        .count_children(|| engine.read_pictures(&jobs, budget.wall_remaining()))
        .map_err(|e| engine_error(e, budget))?;
    report.engine_seconds += started.elapsed().as_secs_f64();
    let mut spliced = Spliced::default();
    for ((picture, plan), texts) in pictures.iter().zip(&plans).zip(&texts) {
        let page = picture.site.page();
        note_confidence(&mut report, &mut confs, page, plan, texts, engine_min);
        spliced.put(doc, &picture.site, plan.section(picture, texts));
        report.read += 1;
    }
    report.confidence = (!confs.is_empty()).then(|| confs.iter().sum::<f32>() / confs.len() as f32);
    doc.ocr |= report.read > 0;
    Ok(report)
}

/// One picture's geometry and the boxes its engine call reads.
struct Plan {
    layout: RasterLayout,
    /// Grid row and column of each table cell, in the boxes' order.
    cells: Vec<(usize, usize)>,
    /// Cell text boxes, then free text lines, then (with neither) the whole picture.
    boxes: Vec<PxRect>,
    /// Whether the whole picture is read as one box.
    whole: bool,
}

impl Plan {
    fn of(picture: &Picture) -> Plan {
        let layout = super::layout::analyse(&picture.image);
        let cell_list: Vec<&super::RasterCell> =
            layout.tables.iter().flat_map(|t| &t.cells).collect();
        let cells = cell_list.iter().map(|c| (c.row, c.col)).collect();
        let whole = whole_picture_box(&layout);
        let mut boxes: Vec<PxRect> = cell_list
            .iter()
            .map(|c| c.text_box.unwrap_or_default())
            .collect();
        boxes.extend(layout.free_text.iter().copied());
        boxes.extend(whole);
        Plan {
            layout,
            cells,
            boxes,
            whole: whole.is_some(),
        }
    }

    /// The model section of the picture read as `texts`.
    fn section(&self, picture: &Picture, texts: &[OcrText]) -> Section {
        let mut section = Section::default();
        if self.whole {
            push_lines(&mut section, texts, picture.site.page());
        } else {
            let (cell_text, free_text) = texts.split_at(self.cells.len().min(texts.len()));
            super::build::to_model(
                &self.layout,
                cell_text,
                free_text,
                picture.placement,
                picture.site.page(),
                &mut section,
            );
        }
        section
    }
}

/// Adds the picture's word confidences to `confs` and its doubtful boxes to `report`.
fn note_confidence(
    report: &mut PictureReport,
    confs: &mut Vec<f32>,
    page: Option<u32>,
    plan: &Plan,
    texts: &[OcrText],
    min: f32,
) {
    for (i, t) in texts.iter().enumerate() {
        let Some(c) = t.confidence else { continue };
        confs.push(c);
        if c < min && !t.text.trim().is_empty() {
            let cell = plan.cells.get(i).map(|(r, c)| (r + 1, c + 1));
            note_doubtful(report, page, cell, t);
        }
    }
}

/// With neither a table nor a text line found, the whole picture is read as one box
/// (its lines become paragraphs): the reading is then at least searchable.
fn whole_picture_box(layout: &RasterLayout) -> Option<PxRect> {
    (layout.tables.is_empty() && layout.free_text.is_empty()).then(|| PxRect {
        x: 0,
        y: 0,
        w: layout.image.width(),
        h: layout.image.height(),
    })
}

/// The engine's failure as the file's error: a time limit is `timeout`.
fn engine_error(e: OcrError, budget: &Budget) -> IngestError {
    match e {
        OcrError::Timeout(_) => IngestError::Timeout(format!("ocr: {e}")),
        other => {
            // Any other failure of one picture is the file's: the budget check names
            // a run-out time first.
            budget
                .check_time("ocr")
                .err()
                .unwrap_or_else(|| IngestError::corrupt("ocr", other))
        }
    }
}

fn note_doubtful(
    report: &mut PictureReport,
    page: Option<u32>,
    cell: Option<(usize, usize)>,
    t: &OcrText,
) {
    if report.doubtful.len() >= MAX_DOUBTFUL_NAMED {
        report.doubtful_more += 1;
        return;
    }
    let text: String = t
        .text
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .chars()
        .take(DOUBTFUL_EXCERPT_CHARS)
        .collect();
    report.doubtful.push(Doubtful {
        page,
        cell,
        text,
        confidence: t.confidence.unwrap_or(0.0),
    });
}

/// Text lines read outside any table, as paragraphs of `page`.
fn push_lines(section: &mut Section, texts: &[OcrText], page: Option<u32>) {
    for line in texts.iter().flat_map(|t| t.text.lines()) {
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        section.blocks.push(Block::Paragraph(Paragraph {
            text: line.to_string(),
            page,
            ..Paragraph::default()
        }));
    }
}

/// The read sections put into the document so far: where (section, block position as
/// the reader built it) and how many blocks, so a later picture's position in the same
/// section moves past the blocks put before it.
#[derive(Default)]
struct Spliced {
    done: Vec<(usize, usize, usize)>,
}

impl Spliced {
    /// Puts `read` where the picture at `site` stands: a PDF picture into the first
    /// section after the blocks of its page, a package picture into its own section
    /// before the block it stood before.
    fn put(&mut self, doc: &mut Document, site: &PictureSite, read: Section) {
        let n = read.blocks.len();
        match site {
            PictureSite::Page { page, .. } => {
                if let Some(target) = doc.sections.first_mut() {
                    let at = after_page(target, *page);
                    splice(target, read, at);
                }
            }
            PictureSite::Part {
                section, picture, ..
            } => {
                let moved: usize = self
                    .done
                    .iter()
                    .filter(|(s, b, _)| s == section && *b <= picture.block)
                    .map(|(_, _, n)| n)
                    .sum();
                if let Some(target) = doc.sections.get_mut(*section) {
                    let at = (picture.block + moved).min(target.blocks.len());
                    splice(target, read, at);
                    self.done.push((*section, picture.block, n));
                }
            }
        }
    }
}

/// The block position after the blocks of pages up to `page` (before those of later
/// pages).
fn after_page(target: &Section, page: u32) -> usize {
    target
        .blocks
        .iter()
        .rposition(|b| block_page(b).is_some_and(|p| p <= page))
        .map_or_else(
            || {
                target
                    .blocks
                    .iter()
                    .position(|b| block_page(b).is_some_and(|p| p > page))
                    .unwrap_or(target.blocks.len())
            },
            |i| i + 1,
        )
}

/// Puts `read`'s blocks into `target` at block position `at`, and its shapes with their
/// cell anchors moved along; anchors of `target`'s shapes in blocks after the insertion
/// point move too.
fn splice(target: &mut Section, read: Section, at: usize) {
    let n = read.blocks.len();
    for s in &mut target.shapes {
        if let Anchor::Cell { block, .. } = &mut s.anchor
            && *block >= at
        {
            *block += n;
        }
    }
    target.blocks.splice(at..at, read.blocks);
    target.shapes.extend(read.shapes.into_iter().map(|mut s| {
        if let Anchor::Cell { block, .. } = &mut s.anchor {
            *block += at;
        }
        s
    }));
}

fn block_page(b: &Block) -> Option<u32> {
    match b {
        Block::Paragraph(p) => p.page,
        Block::Table(t) => t.page,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Shape, ShapeKind, Table};

    fn para(text: &str, page: u32) -> Block {
        Block::Paragraph(Paragraph {
            text: text.into(),
            page: Some(page),
            ..Paragraph::default()
        })
    }

    fn table(page: u32) -> Block {
        Block::Table(Table {
            page: Some(page),
            ..Table::default()
        })
    }

    fn shape_in(block: usize) -> Shape {
        Shape {
            kind: ShapeKind::Process,
            geometry: String::new(),
            text: String::new(),
            text_box: false,
            anchor: Anchor::Cell {
                block,
                row: 0,
                col: 0,
            },
            bbox: None,
            line: None,
            page: None,
            picture: None,
        }
    }

    #[test]
    fn a_read_picture_lands_after_its_page_and_anchors_follow() {
        let mut target = Section {
            blocks: vec![
                para("identitas", 1),
                table(1),
                para("halaman dua", 2),
                table(2),
            ],
            shapes: vec![shape_in(1), shape_in(3)],
            ..Section::default()
        };
        let read = Section {
            blocks: vec![table(1)],
            shapes: vec![shape_in(0)],
            ..Section::default()
        };
        let at = after_page(&target, 1);
        splice(&mut target, read, at);
        assert_eq!(target.blocks.len(), 5);
        assert!(matches!(&target.blocks[2], Block::Table(t) if t.page == Some(1)));
        let anchors: Vec<usize> = target
            .shapes
            .iter()
            .filter_map(|s| match s.anchor {
                Anchor::Cell { block, .. } => Some(block),
                Anchor::Free => None,
            })
            .collect();
        // The page-1 table keeps 1, the page-2 table moves to 4, the new one is 2.
        assert_eq!(anchors, vec![1, 4, 2]);
    }

    fn part_site(block: usize) -> PictureSite {
        PictureSite::Part {
            section: 0,
            picture: crate::model::PictureRef {
                part: "word/media/image1.png".into(),
                block,
            },
            bbox: crate::model::Rect::default(),
        }
    }

    fn titled(title: &str) -> Block {
        Block::Paragraph(Paragraph {
            text: title.into(),
            ..Paragraph::default()
        })
    }

    #[test]
    fn package_pictures_land_at_their_blocks_in_document_order() {
        // Identity table, a picture, a heading, another picture at the end.
        let mut doc = Document {
            sections: vec![Section {
                blocks: vec![Block::Table(Table::default()), titled("lampiran")],
                shapes: vec![shape_in(0)],
                ..Section::default()
            }],
            ..Document::default()
        };
        let mut spliced = Spliced::default();
        let read = |t: &str| Section {
            blocks: vec![titled(t), Block::Table(Table::default())],
            shapes: vec![shape_in(1)],
            ..Section::default()
        };
        spliced.put(&mut doc, &part_site(1), read("satu"));
        spliced.put(&mut doc, &part_site(2), read("dua"));
        let texts: Vec<&str> = doc.sections[0]
            .blocks
            .iter()
            .map(|b| match b {
                Block::Paragraph(p) => p.text.as_str(),
                Block::Table(_) => "#",
            })
            .collect();
        assert_eq!(texts, vec!["#", "satu", "#", "lampiran", "dua", "#"]);
        let anchors: Vec<Anchor> = doc.sections[0].shapes.iter().map(|s| s.anchor).collect();
        let block = |b: usize| Anchor::Cell {
            block: b,
            row: 0,
            col: 0,
        };
        assert_eq!(anchors, vec![block(0), block(2), block(5)]);
    }
}
