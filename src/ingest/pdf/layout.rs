//! One page put together: rulings → tables, closed outlines → shapes, glyphs → the
//! text of cells, shapes and paragraphs, appended to the PDF's single section.
//!
//! Lines: stroked segments, thin filled bars and rectangle edges are ruling
//! candidates; pieces that carry or reach an arrowhead (and the pieces joined to them
//! end to end) are connectors and become `Arrow` shapes; a rectangle is a table cell
//! only when it shares edges with its neighbours, otherwise a Process symbol.
//!
//! Text placement works word by word (a word never straddles two cells): a word whose
//! centre lies inside a flowchart symbol (inside the diamond itself for a decision)
//! belongs to the symbol (`Shape::text`), never to the cell. In a table that holds
//! symbols, a word at or below the first symbol's row is a branch label ("Ya",
//! "Tidak", "Y/T") when it is small (below 80 % of the table's usual text size) or
//! when it stands in an actor column (a column holding symbols); header rows above the
//! first symbol keep their text however small it is printed; each label line becomes a
//! `Shape` of kind Process with `text_box: true` and geometry `pdf:label`, anchored
//! by its centre, and stays out of the cell text. A small box drawn tight around
//! label-size text is likewise a text box (`pdf:label-box`). The FPDF e-signature
//! footer and its QR caption are dropped.

use std::collections::HashMap;

use super::content::{Glyph, PageContent, PathObj, PlacedImage, Pt};
use super::shape::{self, Outline};
use super::table::{self, Grid, Seg};
use super::text::{self, Line};
use crate::error::IngestError;
use crate::ingest::limits::Budget;
use crate::model::{
    Anchor, Block, Cell, Paragraph, Point, Rect, Row, Section, Shape, ShapeKind, Table,
};

/// Thickness up to which a filled rectangle is a ruling line.
const THIN: f32 = 3.0;
/// Size ratio below which text in a flowchart table is a branch label.
const LABEL_RATIO: f32 = 0.8;
/// Points above a symbol's lower edge where the row it ends in is read.
const STRADDLE_MARGIN: f32 = 1.0;
/// Most ruling candidates per page; beyond that the page is a drawing, not a table.
const MAX_SEGMENTS: usize = 20_000;
/// Most shape candidates per page.
const MAX_SHAPES: usize = 5_000;
/// Texts that mark the FPDF e-signature footer.
const FOOTER_MARKS: [&str; 3] = [
    "ditandatangani secara elektronik",
    "balai sertifikasi elektronik",
    "pindai kode qr",
];

/// A shape found on the page, before placement.
#[derive(Clone, Debug)]
struct Cand {
    kind: ShapeKind,
    geometry: &'static str,
    bbox: Rect,
    line: Option<(Pt, Pt)>,
}

/// An open polyline or thin filled bar that may be a ruling or a connector.
struct Stroke {
    source: usize,
    from: Pt,
    to: Pt,
}

#[derive(Default)]
struct Found {
    segs: Vec<Seg>,
    rect_sources: HashMap<usize, usize>,
    open: Vec<Stroke>,
    shapes: Vec<Cand>,
    heads: Vec<Rect>,
    /// Sources known to be connectors (slanted, or in a path with an arrowhead).
    connectors: std::collections::HashSet<usize>,
}

/// Lays out one page and appends its blocks and shapes to `section`.
pub fn add_page(
    section: &mut Section,
    drawn: PageContent,
    page: u32,
    page_width: f32,
    pictures: &PictureReader<'_>,
    budget: &Budget,
) -> Result<(), IngestError> {
    let mut found = Found::default();
    let mut source = 0usize;
    for p in &drawn.paths {
        collect_path(p, &mut found, &mut source);
    }
    budget.check_time("pdf page layout")?;
    if found.segs.len() > MAX_SEGMENTS || found.open.len() > MAX_SEGMENTS {
        // A drawing, not a form: no tables and no connectors on this page.
        found.segs.clear();
        found.open.clear();
    }
    found.shapes.truncate(MAX_SHAPES);
    found.heads.truncate(MAX_SHAPES);

    // Strokes ending at an arrowhead are connectors.
    for st in &found.open {
        let near = |p: Pt| {
            found
                .heads
                .iter()
                .any(|h| shape::contains_pt(h, p.x, p.y, 3.0))
        };
        if near(st.from) || near(st.to) {
            found.connectors.insert(st.source);
        }
    }
    // Pieces of a bent connector meet end to end: spread connector-ness along them.
    for _ in 0..6 {
        let ends: Vec<Pt> = found
            .open
            .iter()
            .filter(|st| found.connectors.contains(&st.source))
            .flat_map(|st| [st.from, st.to])
            .collect();
        let touches = |p: Pt| {
            ends.iter()
                .any(|e| (e.x - p.x).abs() <= 1.5 && (e.y - p.y).abs() <= 1.5)
        };
        let mut grown = false;
        for st in &found.open {
            if !found.connectors.contains(&st.source) && (touches(st.from) || touches(st.to)) {
                found.connectors.insert(st.source);
                grown = true;
            }
        }
        if !grown {
            break;
        }
    }
    let connectors = std::mem::take(&mut found.connectors);
    // Rulings: validated segments, then the boxes that are table cells.
    let (box_edges, segs): (Vec<Seg>, Vec<Seg>) = std::mem::take(&mut found.segs)
        .into_iter()
        .filter(|s| !connectors.contains(&s.source))
        .partition(|s| found.rect_sources.contains_key(&s.source));
    let (mut rulings, rejected) = table::validate(segs);
    let mut bad_sources = connectors;
    bad_sources.extend(rejected.iter().map(|s| s.source));
    // An open stroke with any rejected piece is a connector, not a ruling.
    rulings.retain(|s| !bad_sources.contains(&s.source));
    let cells = table::validate_boxes(box_edges, &rulings);
    rulings.extend(cells);
    let all: Vec<&Glyph> = drawn.glyphs.iter().collect();
    let words = text::words(&all);
    let word_boxes: Vec<Rect> = words.iter().map(|w| word_box(w)).collect();
    let mut grids = table::grids(rulings, &word_boxes);
    for g in &mut grids {
        split_by_column_numbers(g, &words);
    }
    let words = split_across_cells(words, &grids);

    let sizes = grid_text_sizes(&drawn.glyphs, &grids);
    // Shapes: symbols (deduplicated, minus boxes that are really table cells), symbols
    // pasted as a picture over a table's columns, and arrows.
    let mut shapes: Vec<Cand> = Vec::new();
    for c in found.shapes {
        if c.bbox.w > page_width * 0.6 || is_grid_box(&grids, &c.bbox) {
            continue;
        }
        let dup = shapes.iter().any(|k| {
            k.kind == c.kind
                && (k.bbox.x - c.bbox.x).abs() < 2.0
                && (k.bbox.y - c.bbox.y).abs() < 2.0
                && (k.bbox.w - c.bbox.w).abs() < 2.5
                && (k.bbox.h - c.bbox.h).abs() < 2.5
        });
        if !dup {
            shapes.push(c);
        }
    }
    shapes.extend(pictured_symbols(&grids, &sizes, &drawn.images, pictures));
    for st in found.open {
        if !bad_sources.contains(&st.source) {
            continue;
        }
        let (mut a, mut b) = (st.from, st.to);
        let near = |p: Pt| {
            found
                .heads
                .iter()
                .any(|h| shape::contains_pt(h, p.x, p.y, 3.0))
        };
        if near(a) && !near(b) {
            std::mem::swap(&mut a, &mut b);
        }
        shapes.push(Cand {
            kind: ShapeKind::Arrow,
            geometry: "pdf:line",
            bbox: shape::bbox(&[a, b]),
            line: Some((a, b)),
        });
    }

    // Text: into shapes, cells, labels or free lines.
    // Per grid: the columns holding symbols and the first row holding one. Actor
    // columns hold only symbols in step rows, so text there is a branch label. A
    // connector circle does not start the step rows: a page's continuation connector
    // may be drawn over the repeated header.
    let symbol_cols: Vec<(Vec<bool>, usize)> = grids
        .iter()
        .map(|g| {
            let mut cols = vec![false; g.n_cols()];
            let mut first = usize::MAX;
            for s in shapes.iter().filter(|s| s.kind != ShapeKind::Arrow) {
                let c = s.bbox.centre();
                if let Some(cell) = g.cell_index_at(c.x, c.y).and_then(|i| g.cells.get(i)) {
                    if let Some(slot) = cols.get_mut(cell.col) {
                        *slot = true;
                    }
                    // The row holding the symbol's lower edge: a continuation mark
                    // drawn across the header's bottom ruling does not make the
                    // header a step row.
                    let low = s.bbox.y + s.bbox.h - STRADDLE_MARGIN;
                    let row = g
                        .cell_index_at(c.x, low)
                        .and_then(|i| g.cells.get(i))
                        .map_or(cell.row, |l| l.row.max(cell.row));
                    if !matches!(s.kind, ShapeKind::Connector | ShapeKind::OffPage) {
                        first = first.min(row);
                    }
                }
            }
            (cols, first)
        })
        .collect();
    // A symbol standing above its grid's first step row lies over the header: the
    // header's words are not its text.
    let over_header = |s: &Cand| {
        let c = s.bbox.centre();
        grids.iter().zip(&symbol_cols).any(|(g, (_, first))| {
            g.cell_index_at(c.x, c.y)
                .and_then(|i| g.cells.get(i))
                .is_some_and(|cell| cell.row < *first)
        })
    };
    let symbols: Vec<usize> = shapes
        .iter()
        .enumerate()
        .filter(|(_, s)| s.kind != ShapeKind::Arrow && !over_header(s))
        .map(|(i, _)| i)
        .collect();
    let mut in_shape: HashMap<usize, Vec<&Glyph>> = HashMap::new();
    let mut in_cell: HashMap<(usize, usize), Vec<&Glyph>> = HashMap::new();
    let mut labels: HashMap<usize, Vec<&Glyph>> = HashMap::new();
    let mut free: Vec<&Glyph> = Vec::new();
    // Words standing in an actor column: labels, unless they continue the text of
    // the cell above (a header overflowing its row).
    let mut column_words: Vec<(usize, usize, Pt, Vec<&Glyph>)> = Vec::new();
    for (n, word) in words.into_iter().enumerate() {
        if n % 1024 == 1023 {
            budget.check_time("pdf page text")?;
        }
        let c = word_centre(&word);
        let size = word.iter().map(|g| g.size).fold(0.0f32, f32::max);
        let host = symbols
            .iter()
            .filter_map(|&i| shapes.get(i).map(|s| (i, s)))
            .filter(|(_, s)| inside_symbol(s, c))
            .min_by(|a, b| (a.1.bbox.w * a.1.bbox.h).total_cmp(&(b.1.bbox.w * b.1.bbox.h)))
            .map(|(i, _)| i);
        if let Some(i) = host {
            in_shape.entry(i).or_default().extend(word);
            continue;
        }
        match grid_cell_at(&grids, c) {
            Some((gi, ci)) => {
                let usual = sizes.get(gi).copied().unwrap_or(0.0);
                let (cols, first) = symbol_cols
                    .get(gi)
                    .map(|(c, f)| (c.as_slice(), *f))
                    .unwrap_or((&[], usize::MAX));
                let grid_cell = grids.get(gi).and_then(|g| g.cells.get(ci));
                // Rows above the first symbol are the header, whatever its text size.
                let below_first = grid_cell.is_some_and(|cell| cell.row >= first);
                let in_symbol_column = grid_cell.is_some_and(|cell| {
                    below_first
                        && (cell.col..cell.col + cell.col_span)
                            .all(|k| cols.get(k).copied().unwrap_or(false))
                });
                let small = size < usual * LABEL_RATIO;
                if first != usize::MAX && small && below_first {
                    labels.entry(gi).or_default().extend(word);
                } else if first != usize::MAX && in_symbol_column {
                    column_words.push((gi, ci, c, word));
                } else {
                    in_cell.entry((gi, ci)).or_default().extend(word);
                }
            }
            None => free.extend(word),
        }
    }
    column_words.sort_by(|a, b| a.2.y.total_cmp(&b.2.y));
    for (gi, ci, c, word) in column_words {
        let above = grids.get(gi).and_then(|g| {
            let top = g.cell_rect(ci)?.y;
            g.cell_index_at(c.x, top - 0.5).filter(|&a| a != ci)
        });
        let wb = word_box(&word);
        let base = word.iter().map(|g| g.y).fold(f32::MIN, f32::max);
        let size = word.iter().map(|g| g.size).fold(0.0f32, f32::max);
        let continues = above.is_some_and(|a| {
            in_cell.get(&(gi, a)).is_some_and(|gs| {
                gs.iter().any(|g| {
                    g.y < base - 0.3 * size
                        && g.y >= base - 1.8 * size
                        && g.x1 > wb.x - size
                        && g.x0 < wb.x + wb.w + size
                })
            })
        });
        match above {
            Some(a) if continues => in_cell.entry((gi, a)).or_default().extend(word),
            _ => labels.entry(gi).or_default().extend(word),
        }
    }

    // Blocks in reading order (by top edge).
    enum Item {
        Grid(usize),
        Line(Line),
    }
    let mut items: Vec<(f32, Item)> = Vec::new();
    for (gi, g) in grids.iter().enumerate() {
        items.push((g.rect().y, Item::Grid(gi)));
    }
    for l in text::lines(&free) {
        let low = l.text.to_lowercase();
        if FOOTER_MARKS.iter().any(|m| low.contains(m)) {
            continue;
        }
        items.push((l.top(), Item::Line(l)));
    }
    items.sort_by(|a, b| a.0.total_cmp(&b.0));
    let mut block_of_grid: Vec<usize> = vec![0; grids.len()];
    let first_block = section.blocks.len();
    for (_, item) in items {
        match item {
            Item::Line(l) => {
                let page_break_before = page > 1 && section.blocks.len() == first_block;
                section.blocks.push(Block::Paragraph(Paragraph {
                    text: l.text,
                    page: Some(page),
                    page_break_before,
                    ..Paragraph::default()
                }))
            }
            Item::Grid(gi) => {
                let Some(grid) = grids.get(gi) else { continue };
                if let Some(slot) = block_of_grid.get_mut(gi) {
                    *slot = section.blocks.len();
                }
                section
                    .blocks
                    .push(Block::Table(build_table(grid, gi, &mut in_cell, page)));
            }
        }
    }

    // Shapes with their text and anchors.
    let anchor_of = |p: Point| -> Anchor {
        for (gi, g) in grids.iter().enumerate() {
            if let Some(ci) = g.cell_index_at(p.x, p.y)
                && let Some(cell) = g.cells.get(ci)
            {
                return Anchor::Cell {
                    block: block_of_grid.get(gi).copied().unwrap_or(0),
                    row: cell.row,
                    col: cell.col,
                };
            }
        }
        Anchor::Free
    };
    for (i, s) in shapes.iter().enumerate() {
        let glyphs = in_shape.remove(&i).unwrap_or_default();
        let text = join(&text::lines(&glyphs), " ");
        // A small box tight around label-size text is a label text box ("Tidak").
        let text_size = glyphs.iter().map(|g| g.size).fold(0.0f32, f32::max);
        let centre = s.bbox.centre();
        let usual = grids
            .iter()
            .position(|g| shape::contains_pt(&g.rect(), centre.x, centre.y, 0.0))
            .and_then(|gi| sizes.get(gi).copied())
            .unwrap_or(0.0);
        let text_box = s.kind == ShapeKind::Process
            && !text.is_empty()
            && text_size < usual * LABEL_RATIO
            && s.bbox.h < 2.2 * text_size;
        section.shapes.push(Shape {
            kind: s.kind,
            geometry: if text_box {
                "pdf:label-box".to_string()
            } else {
                s.geometry.to_string()
            },
            text,
            text_box,
            anchor: anchor_of(s.bbox.centre()),
            bbox: Some(s.bbox),
            line: s.line.map(|(a, b)| (point(a), point(b))),
            page: Some(page),
            picture: None,
        });
    }
    let mut label_keys: Vec<usize> = labels.keys().copied().collect();
    label_keys.sort_unstable();
    for key in label_keys {
        let Some(gs) = labels.get(&key) else { continue };
        for l in text::lines(gs) {
            let bbox = Rect {
                x: l.x0,
                y: l.top(),
                w: l.x1 - l.x0,
                h: l.size,
            };
            section.shapes.push(Shape {
                kind: ShapeKind::Process,
                geometry: "pdf:label".into(),
                text: l.text,
                text_box: true,
                anchor: anchor_of(bbox.centre()),
                bbox: Some(bbox),
                line: None,
                page: Some(page),
                picture: None,
            });
        }
    }
    add_images(section, &drawn.images, page, anchor_of);
    Ok(())
}

/// Rows from a table's top searched for its row of column numbers (1 2 3 …).
const COLUMN_NUMBER_ROWS: usize = 6;

/// Fewest numbers a row of column numbers holds.
const MIN_COLUMN_NUMBERS: usize = 3;

/// The value of a column-number word ("3", "(3)", "3.").
fn column_number(word: &[&Glyph]) -> Option<u32> {
    let t: String = word.iter().map(|g| g.text.as_str()).collect();
    let t = t
        .trim()
        .trim_start_matches('(')
        .trim_end_matches([')', '.']);
    if t.is_empty() || t.len() > 2 || !t.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    t.parse().ok()
}

/// The column numbers of one cell: each number's centre x and value, left to right.
type NumbersAt = Vec<(f32, u32)>;

/// Splits the columns of `grid` that a row of column numbers (1 2 3 … under the header)
/// shows to be two or more columns drawn without a ruling between them: a cell holding
/// "3 4" is split midway between the two numbers, down the whole table.
fn split_by_column_numbers(grid: &mut Grid, words: &[Vec<&Glyph>]) {
    for r in 0..grid.n_rows().min(COLUMN_NUMBER_ROWS) {
        // Per cell of the row, left to right: the numbers' centres and values.
        let mut per_cell: Vec<(usize, usize, NumbersAt)> = Vec::new();
        let mut plain = true;
        for (ci, cell) in grid.cells.iter().enumerate() {
            if cell.row != r || cell.row_span != 1 {
                continue;
            }
            let Some(rect) = grid.cell_rect(ci) else {
                continue;
            };
            let mut nums = Vec::new();
            for w in words {
                let c = word_centre(w);
                if shape::contains_pt(&rect, c.x, c.y, 0.0) {
                    match column_number(w) {
                        Some(n) => nums.push((c.x, n)),
                        None => plain = false,
                    }
                }
            }
            nums.sort_by(|a, b| a.0.total_cmp(&b.0));
            per_cell.push((cell.col, cell.col_span, nums));
        }
        per_cell.sort_by_key(|(col, _, _)| *col);
        let all: Vec<u32> = per_cell
            .iter()
            .flat_map(|(_, _, n)| n.iter().map(|(_, v)| *v))
            .collect();
        let consecutive = all.windows(2).all(|w| matches!(w, [a, b] if *b == a + 1));
        let merged = per_cell
            .iter()
            .any(|(_, span, n)| *span == 1 && n.len() > 1);
        if !plain || !consecutive || all.len() < MIN_COLUMN_NUMBERS || !merged {
            continue;
        }
        // Right to left, so the columns still to split keep their index.
        for (col, _, nums) in per_cell.iter().rev().filter(|(_, span, _)| *span == 1) {
            for pair in nums.windows(2).rev() {
                if let [a, b] = pair {
                    grid.split_column(*col, (a.0 + b.0) / 2.0);
                }
            }
        }
        return;
    }
}

/// Decodes a placed picture to upright pixels (None when it cannot be decoded).
pub type PictureReader<'a> = dyn Fn(&PlacedImage) -> Option<image::RgbImage> + 'a;

/// Largest share of a table's width a picture lying over the table may cover and still
/// be flowchart symbols pasted over some of its columns (wider, it is the table itself,
/// read by OCR as a pictured procedure).
const OVERLAY_MAX_WIDTH_SHARE: f32 = 0.6;

/// Share of a font size that a letter's height takes (what the pixel symbol finder
/// measures its smallest symbol in).
const LETTER_HEIGHT_SHARE: f32 = 0.7;

/// How far, in points, a picture may stick out of the table it lies over.
const OVERLAY_SLACK: f32 = 2.0;

/// Flowchart symbols drawn as a picture laid over the body of a text table (a group of
/// shapes pasted as one picture over the actor columns): the picture is decoded and its
/// closed outlines found by the pixel reader, then placed on the page like drawn
/// symbols, so they are anchored to the cells they stand in.
fn pictured_symbols(
    grids: &[Grid],
    sizes: &[f32],
    images: &[PlacedImage],
    pictures: &PictureReader<'_>,
) -> Vec<Cand> {
    let mut out = Vec::new();
    for image in images {
        let bb = shape::bbox(&image.corners);
        if bb.w < MIN_IMAGE_SIDE || bb.h < MIN_IMAGE_SIDE {
            continue;
        }
        // Over a table, narrower than it, and across its cells (a logo stays in one).
        let Some(size) = grids.iter().zip(sizes).find_map(|(g, size)| {
            let r = g.rect();
            let first = g.cell_index_at(bb.x + OVERLAY_SLACK, bb.y + OVERLAY_SLACK);
            let last = g.cell_index_at(bb.x + bb.w - OVERLAY_SLACK, bb.y + bb.h - OVERLAY_SLACK);
            (shape::contains(&r, &bb, OVERLAY_SLACK)
                && bb.w <= r.w * OVERLAY_MAX_WIDTH_SHARE
                && first != last)
                .then_some(*size)
        }) else {
            continue;
        };
        let Some(pic) = pictures(image) else { continue };
        let (sx, sy) = (pic.width() as f32 / bb.w, pic.height() as f32 / bb.h);
        let text_px = size * LETTER_HEIGHT_SHARE * sy;
        let found: Vec<Cand> = crate::ingest::raster::layout::picture_symbols(&pic, text_px)
            .into_iter()
            .filter(|s| s.line.is_none() && s.kind != ShapeKind::Arrow)
            .map(|s| Cand {
                kind: s.kind,
                geometry: pictured_geometry(s.kind),
                bbox: Rect {
                    x: bb.x + s.bbox.x as f32 / sx,
                    y: bb.y + s.bbox.y as f32 / sy,
                    w: s.bbox.w as f32 / sx,
                    h: s.bbox.h as f32 / sy,
                },
                line: None,
            })
            .collect();
        if ruled_grid(&found) {
            continue;
        }
        out.extend(found);
    }
    out
}

/// Largest gap, in points, between two outlines that share an edge: the width of the
/// ruling between two cells of a pictured table.
const SHARED_EDGE_GAP: f32 = 3.0;

/// Share of the shorter side two outlines must overlap along a shared edge.
const SHARED_EDGE_OVERLAP: f32 = 0.8;

/// True when a picture's outlines form a ruled grid (a pictured table, such as a
/// signature table): at least two of them, and at least half of them, share an edge
/// with another. Flowchart symbols stand apart, joined only by connectors.
fn ruled_grid(found: &[Cand]) -> bool {
    let boxes: Vec<&Rect> = found
        .iter()
        .filter(|c| c.kind == ShapeKind::Process)
        .map(|c| &c.bbox)
        .collect();
    let adjoining = boxes
        .iter()
        .enumerate()
        .filter(|(i, a)| {
            boxes
                .iter()
                .enumerate()
                .any(|(j, b)| *i != j && share_edge(a, b))
        })
        .count();
    adjoining >= 2 && adjoining * 2 >= found.len()
}

/// True when two boxes lie side by side or one above the other with only a ruling
/// between them, overlapping along that edge.
fn share_edge(a: &Rect, b: &Rect) -> bool {
    let overlap = |a0: f32, a1: f32, b0: f32, b1: f32| {
        let len = (a1.min(b1) - a0.max(b0)).max(0.0);
        len >= SHARED_EDGE_OVERLAP * (a1 - a0).min(b1 - b0)
    };
    let near = |x: f32, y: f32| (x - y).abs() <= SHARED_EDGE_GAP;
    let side =
        (near(a.x + a.w, b.x) || near(b.x + b.w, a.x)) && overlap(a.y, a.y + a.h, b.y, b.y + b.h);
    let stacked =
        (near(a.y + a.h, b.y) || near(b.y + b.h, a.y)) && overlap(a.x, a.x + a.w, b.x, b.x + b.w);
    side || stacked
}

/// The geometry name of a symbol found in a picture laid over a table.
fn pictured_geometry(kind: ShapeKind) -> &'static str {
    match kind {
        ShapeKind::Terminator => "pdf:picture-rounded-rect",
        ShapeKind::Process => "pdf:picture-rect",
        ShapeKind::Decision => "pdf:picture-diamond",
        ShapeKind::Connector => "pdf:picture-circle",
        ShapeKind::OffPage => "pdf:picture-pentagon",
        ShapeKind::Arrow | ShapeKind::Other => "pdf:picture-other",
    }
}

/// Smallest side, in points, of a placed image worth keeping in the model (icons, QR
/// codes and bullets below it are decoration).
const MIN_IMAGE_SIDE: f32 = 24.0;

/// Placed raster images as shapes of kind Other with geometry `pdf:image` (a pasted
/// screenshot of a flowchart, a scanned page), so the SOP reader can tell a procedure
/// drawn as a picture from a missing one.
fn add_images(
    section: &mut Section,
    images: &[PlacedImage],
    page: u32,
    anchor_of: impl Fn(Point) -> Anchor,
) {
    for image in images {
        let bbox = shape::bbox(&image.corners);
        if bbox.w < MIN_IMAGE_SIDE || bbox.h < MIN_IMAGE_SIDE {
            continue;
        }
        section.shapes.push(Shape {
            kind: ShapeKind::Other,
            geometry: "pdf:image".into(),
            text: String::new(),
            text_box: false,
            anchor: anchor_of(bbox.centre()),
            bbox: Some(bbox),
            line: None,
            page: Some(page),
            picture: None,
        });
    }
}

/// The box of a word (from the top of its em to its baseline).
fn word_box(word: &[&Glyph]) -> Rect {
    let x0 = word.iter().map(|g| g.x0).fold(f32::MAX, f32::min);
    let x1 = word.iter().map(|g| g.x1).fold(f32::MIN, f32::max);
    let top = word.iter().map(|g| g.y - g.size).fold(f32::MAX, f32::min);
    let base = word.iter().map(|g| g.y).fold(f32::MIN, f32::max);
    Rect {
        x: x0,
        y: top,
        w: (x1 - x0).max(0.0),
        h: (base - top).max(0.0),
    }
}

/// Fewest printed glyphs each of two text runs must hold for a word joining them to be
/// split at a cell border: a producer placing every glyph on its own keeps a word
/// overflowing its cell whole.
const MIN_RUN_GLYPHS: usize = 2;

/// Splits a word made of two text runs (see [`Glyph::run`]) that stand in two cells: a
/// header wider than its column touches the next column's word with no gap between
/// them ("PemerintahanLoket"), and each half belongs to its own cell.
fn split_across_cells<'g>(words: Vec<Vec<&'g Glyph>>, grids: &[Grid]) -> Vec<Vec<&'g Glyph>> {
    let mut out = Vec::with_capacity(words.len());
    for word in words {
        // The word's parts, one per run, in reading order.
        let mut parts: Vec<Vec<&'g Glyph>> = Vec::new();
        for g in word {
            match parts.last_mut() {
                Some(part) if part.last().is_some_and(|p| p.run == g.run) => part.push(g),
                _ => parts.push(vec![g]),
            }
        }
        let mut piece: Vec<&'g Glyph> = Vec::new();
        let mut last_run_len = 0usize;
        for part in parts {
            let apart = !piece.is_empty()
                && last_run_len >= MIN_RUN_GLYPHS
                && part.len() >= MIN_RUN_GLYPHS
                && matches!(
                    (
                        grid_cell_at(grids, word_centre(&piece)),
                        grid_cell_at(grids, word_centre(&part))
                    ),
                    (Some(a), Some(b)) if a != b
                );
            if apart {
                out.push(std::mem::take(&mut piece));
            }
            last_run_len = part.len();
            piece.extend(part);
        }
        if !piece.is_empty() {
            out.push(piece);
        }
    }
    out
}

/// The first grid holding `c` and the index of its cell there.
fn grid_cell_at(grids: &[Grid], c: Pt) -> Option<(usize, usize)> {
    grids
        .iter()
        .enumerate()
        .find_map(|(gi, g)| g.cell_index_at(c.x, c.y).map(|ci| (gi, ci)))
}

/// The centre of a word's box.
fn word_centre(word: &[&Glyph]) -> Pt {
    let x0 = word.iter().map(|g| g.x0).fold(f32::MAX, f32::min);
    let x1 = word.iter().map(|g| g.x1).fold(f32::MIN, f32::max);
    let y = word.iter().map(|g| g.centre().y).sum::<f32>() / word.len().max(1) as f32;
    Pt {
        x: (x0 + x1) / 2.0,
        y,
    }
}

/// True when `c` lies inside the symbol's outline (a diamond by its own shape).
fn inside_symbol(s: &Cand, c: Pt) -> bool {
    if !shape::contains_pt(&s.bbox, c.x, c.y, 0.5) {
        return false;
    }
    if s.kind == ShapeKind::Decision {
        let m = s.bbox.centre();
        let (hw, hh) = (s.bbox.w / 2.0, s.bbox.h / 2.0);
        if hw > 0.0 && hh > 0.0 {
            return (c.x - m.x).abs() / hw + (c.y - m.y).abs() / hh <= 1.1;
        }
    }
    true
}

fn point(p: Pt) -> Point {
    Point { x: p.x, y: p.y }
}

fn join(lines: &[Line], sep: &str) -> String {
    lines
        .iter()
        .map(|l| l.text.as_str())
        .collect::<Vec<_>>()
        .join(sep)
}

/// Sorts one painted path into ruling candidates, symbols, arrowheads and strokes.
fn collect_path(p: &PathObj, f: &mut Found, source: &mut usize) {
    let n_sub = p.subpaths.len();
    let boxes: Vec<Rect> = if n_sub <= 64 {
        p.subpaths.iter().map(|s| shape::bbox(&s.points)).collect()
    } else {
        Vec::new()
    };
    // A path that carries an arrowhead is a connector as a whole.
    let has_head = p.fill
        && n_sub <= 64
        && p.subpaths.iter().any(|sp| {
            let b = shape::bbox(&sp.points);
            b.w.max(b.h) <= 15.0 && shape::corners(&sp.points).len() == 3
        });
    for (k, sp) in p.subpaths.iter().enumerate() {
        *source += 1;
        let sid = *source;
        let closed = shape::is_closed(sp) || (p.fill && sp.points.len() > 2);
        let bb = shape::bbox(&sp.points);
        if has_head && !(closed && shape::corners(&sp.points).len() == 3) {
            f.connectors.insert(sid);
        }
        if !closed {
            if !p.stroke {
                continue;
            }
            for w in sp.points.windows(2) {
                if let [a, b] = w {
                    push_axis_seg(f, *a, *b, sid);
                }
            }
            if let (Some(a), Some(b)) = (sp.points.first(), sp.points.last()) {
                f.open.push(Stroke {
                    source: sid,
                    from: *a,
                    to: *b,
                });
            }
            continue;
        }
        // The inner outline of a filled ring belongs to its outer outline.
        let inner = boxes
            .iter()
            .enumerate()
            .any(|(j, o)| j != k && o.w * o.h > bb.w * bb.h && shape::contains(o, &bb, 0.5));
        if inner {
            continue;
        }
        let ring = boxes
            .iter()
            .enumerate()
            .any(|(j, o)| j != k && o.w * o.h < bb.w * bb.h && shape::contains(&bb, o, 0.5));
        let corners = shape::corners(&sp.points);
        let is_rect = sp.curves == 0
            && corners.len() == 4
            && corners.windows(2).all(|w| match w {
                [a, b] => (a.x - b.x).abs() < 0.6 || (a.y - b.y).abs() < 0.6,
                _ => true,
            });
        let is_bar = sp.curves == 0
            && sp.points.len() <= 6
            && bb.w.min(bb.h) <= THIN
            && bb.w.max(bb.h) > THIN
            && (corners.len() < 3 || is_rect);
        if is_bar {
            // A bar: a ruling drawn as a thin filled rectangle (or a connector).
            let (a, b) = if bb.w >= bb.h {
                let y = bb.y + bb.h / 2.0;
                (Pt { x: bb.x, y }, Pt { x: bb.x + bb.w, y })
            } else {
                let x = bb.x + bb.w / 2.0;
                (Pt { x, y: bb.y }, Pt { x, y: bb.y + bb.h })
            };
            push_axis_seg(f, a, b, sid);
            f.open.push(Stroke {
                source: sid,
                from: a,
                to: b,
            });
            continue;
        }
        if is_rect && bb.w.min(bb.h) > THIN {
            if p.stroke || ring {
                // Box edges may be cell borders (`re S` tables) or a process box.
                let before = f.segs.len();
                for (a, b) in [
                    (bb.x, bb.y, bb.x + bb.w, bb.y),
                    (bb.x, bb.y + bb.h, bb.x + bb.w, bb.y + bb.h),
                    (bb.x, bb.y, bb.x, bb.y + bb.h),
                    (bb.x + bb.w, bb.y, bb.x + bb.w, bb.y + bb.h),
                ]
                .map(|(x0, y0, x1, y1)| (Pt { x: x0, y: y0 }, Pt { x: x1, y: y1 }))
                {
                    push_axis_seg(f, a, b, sid);
                }
                f.rect_sources.insert(sid, f.segs.len() - before);
                f.shapes.push(Cand {
                    kind: ShapeKind::Process,
                    geometry: "pdf:rect",
                    bbox: bb,
                    line: None,
                });
            }
            continue;
        }
        match shape::classify(sp) {
            Outline::Symbol(kind, geometry) => f.shapes.push(Cand {
                kind,
                geometry,
                bbox: bb,
                line: None,
            }),
            Outline::Triangle => {
                if bb.w.max(bb.h) <= 15.0 {
                    f.heads.push(bb);
                }
            }
            Outline::Unknown => {
                if p.fill && bb.w.min(bb.h) <= THIN && bb.w.max(bb.h) > THIN {
                    let (a, b) = if bb.w >= bb.h {
                        let y = bb.y + bb.h / 2.0;
                        (Pt { x: bb.x, y }, Pt { x: bb.x + bb.w, y })
                    } else {
                        let x = bb.x + bb.w / 2.0;
                        (Pt { x, y: bb.y }, Pt { x, y: bb.y + bb.h })
                    };
                    f.open.push(Stroke {
                        source: sid,
                        from: a,
                        to: b,
                    });
                    f.connectors.insert(sid);
                }
            }
        }
    }
}

fn push_axis_seg(f: &mut Found, a: Pt, b: Pt, source: usize) {
    let segs = &mut f.segs;
    let (dx, dy) = ((a.x - b.x).abs(), (a.y - b.y).abs());
    if dy < 0.6 && dx > 1.0 {
        segs.push(Seg {
            horizontal: true,
            at: (a.y + b.y) / 2.0,
            a: a.x.min(b.x),
            b: a.x.max(b.x),
            source,
        });
    } else if dx < 0.6 && dy > 1.0 {
        segs.push(Seg {
            horizontal: false,
            at: (a.x + b.x) / 2.0,
            a: a.y.min(b.y),
            b: a.y.max(b.y),
            source,
        });
    } else if dx > 1.0 || dy > 1.0 {
        // A slanted piece: never a ruling, marks its stroke as a connector.
        f.connectors.insert(source);
    }
}

/// True when a box's four edges lie on grid lines of a table: a cell, not a symbol.
fn is_grid_box(grids: &[Grid], b: &Rect) -> bool {
    let on = |v: &[f32], x: f32| v.iter().any(|g| (g - x).abs() <= 2.5);
    grids
        .iter()
        .any(|g| on(&g.xs, b.x) && on(&g.xs, b.x + b.w) && on(&g.ys, b.y) && on(&g.ys, b.y + b.h))
}

/// The usual (median) glyph size inside each grid.
fn grid_text_sizes(glyphs: &[Glyph], grids: &[Grid]) -> Vec<f32> {
    let mut per: Vec<Vec<f32>> = vec![Vec::new(); grids.len()];
    for g in glyphs {
        if g.text == " " {
            continue;
        }
        let c = g.centre();
        if let Some(gi) = grids
            .iter()
            .position(|grid| shape::contains_pt(&grid.rect(), c.x, c.y, 0.0))
            && let Some(v) = per.get_mut(gi)
        {
            v.push(g.size);
        }
    }
    per.into_iter()
        .map(|mut v| {
            v.sort_by(f32::total_cmp);
            v.get(v.len() / 2).copied().unwrap_or(0.0)
        })
        .collect()
}

fn build_table(
    grid: &Grid,
    gi: usize,
    in_cell: &mut HashMap<(usize, usize), Vec<&Glyph>>,
    page: u32,
) -> Table {
    let mut rows: Vec<Row> = (0..grid.n_rows())
        .map(|r| Row {
            cells: Vec::new(),
            repeat_header: false,
            height: match (grid.ys.get(r), grid.ys.get(r + 1)) {
                (Some(a), Some(b)) => Some(b - a),
                _ => None,
            },
            page: Some(page),
        })
        .collect();
    for (ci, c) in grid.cells.iter().enumerate() {
        let text = in_cell
            .remove(&(gi, ci))
            .map(|gs| text::join_wrapped(&text::lines(&gs)))
            .unwrap_or_default();
        if let Some(row) = rows.get_mut(c.row) {
            row.cells.push(Cell {
                row: c.row,
                col: c.col,
                row_span: c.row_span,
                col_span: c.col_span,
                text,
                value: None,
            });
        }
    }
    Table {
        rows,
        n_cols: grid.n_cols(),
        col_widths: grid
            .xs
            .windows(2)
            .map(|w| match w {
                [a, b] => b - a,
                _ => 0.0,
            })
            .collect(),
        page: Some(page),
    }
}
