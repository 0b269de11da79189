//! Content-stream interpreter: operators and the graphics state → positioned glyphs
//! and painted paths, in page space (points from the page's top-left, y downwards).
//!
//! Honours the CTM (`q`/`Q`/`cm`), the text state and matrices (`BT` `Tm` `Td` `TD`
//! `T*` `Tc` `Tw` `Tz` `TL` `Ts` `Tf`, `TJ` `Tj` `'` `"`), path construction
//! (`m` `l` `c` `v` `y` `re` `h`) and painting (`S` `s` `f` `F` `f*` `B` `B*` `b` `b*`
//! `n`), and follows Form XObjects through `Do` with their `/Matrix` and resources.
//! Marked content and clipping are ignored.

use std::collections::{HashMap, HashSet};
use std::rc::Rc;

use lopdf::content::Content;
use lopdf::{Dictionary, Document as PdfDoc, Object, ObjectId};

use super::font::{Font, deref, num};
use crate::error::IngestError;
use crate::ingest::limits::Budget;

/// Most path construction operators (`m`, `l`, `c`, `v`, `y`, `re`) one page may run,
/// painted or never painted: measures the vertices a page may hold in memory before a
/// painting operator (or none) consumes them. A busy real flowchart page runs some
/// tens of thousands.
const MAX_PATH_OPS: usize = 2_000_000;
/// The operators that add to the current path.
const PATH_CONSTRUCTION: [&str; 6] = ["m", "l", "c", "v", "y", "re"];
/// Deepest nesting of Form XObjects followed.
const MAX_FORM_DEPTH: usize = 12;
/// Most glyphs kept for one page.
const MAX_GLYPHS: usize = 400_000;
/// Most painted paths kept for one page.
const MAX_PATHS: usize = 200_000;
/// Samples per Bézier curve when flattening.
const CURVE_STEPS: usize = 6;

/// A 2-D affine matrix `[a b c d e f]` as PDF writes it.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Matrix(pub [f32; 6]);

impl Matrix {
    /// The identity.
    pub const IDENTITY: Matrix = Matrix([1.0, 0.0, 0.0, 1.0, 0.0, 0.0]);

    /// `self` then `other` (PDF's `self × other`).
    pub fn then(&self, other: &Matrix) -> Matrix {
        let [a, b, c, d, e, f] = self.0;
        let [a2, b2, c2, d2, e2, f2] = other.0;
        Matrix([
            a * a2 + b * c2,
            a * b2 + b * d2,
            c * a2 + d * c2,
            c * b2 + d * d2,
            e * a2 + f * c2 + e2,
            e * b2 + f * d2 + f2,
        ])
    }

    /// Applies the matrix to a point.
    pub fn apply(&self, x: f32, y: f32) -> Pt {
        let [a, b, c, d, e, f] = self.0;
        Pt {
            x: a * x + c * y + e,
            y: b * x + d * y + f,
        }
    }

    /// Applies the linear part to a vector.
    pub fn apply_vec(&self, x: f32, y: f32) -> Pt {
        let [a, b, c, d, ..] = self.0;
        Pt {
            x: a * x + c * y,
            y: b * x + d * y,
        }
    }

    fn translate(tx: f32, ty: f32) -> Matrix {
        Matrix([1.0, 0.0, 0.0, 1.0, tx, ty])
    }
}

/// A point in page space.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Pt {
    /// Horizontal position.
    pub x: f32,
    /// Vertical position (downwards on the page).
    pub y: f32,
}

/// One shown glyph in page space.
#[derive(Clone, Debug)]
pub struct Glyph {
    /// Left edge (the smaller x of origin and advance end).
    pub x0: f32,
    /// Right edge.
    pub x1: f32,
    /// Baseline y.
    pub y: f32,
    /// Font size in page units (height of the em).
    pub size: f32,
    /// Unicode text; whitespace glyphs are kept as `" "`.
    pub text: String,
    /// The text run the glyph was shown in: a text object (`BT` … `ET`) or a piece of one
    /// placed anew with `Tm`. Relative moves (`Td`, `TD`, `T*`) stay in the run: producers
    /// use them for kerning inside a word. Two runs printed over each other (a header
    /// wider than its column running into the next column's) are told apart by it.
    pub run: u32,
}

impl Glyph {
    /// The centre of the glyph's box (baseline minus a third of the size).
    pub fn centre(&self) -> Pt {
        Pt {
            x: (self.x0 + self.x1) / 2.0,
            y: self.y - self.size * 0.33,
        }
    }
}

/// One subpath: its vertices (curves flattened) and how it was built.
#[derive(Clone, Debug, Default)]
pub struct SubPath {
    /// Vertices in page space; curves contribute sampled points.
    pub points: Vec<Pt>,
    /// Number of Bézier curves in it.
    pub curves: u32,
    /// True when closed by `h`, `re` or a closing paint operator.
    pub closed: bool,
}

/// A painted path.
#[derive(Clone, Debug, Default)]
pub struct PathObj {
    /// The subpaths.
    pub subpaths: Vec<SubPath>,
    /// Stroked.
    pub stroke: bool,
    /// Filled.
    pub fill: bool,
}

/// Everything drawn on one page.
#[derive(Debug, Default)]
pub struct PageContent {
    /// Glyphs in drawing order.
    pub glyphs: Vec<Glyph>,
    /// Painted paths in drawing order.
    pub paths: Vec<PathObj>,
    /// Placed raster images (image XObjects) in drawing order.
    pub images: Vec<PlacedImage>,
}

/// One image XObject drawn on a page: where it lands and which object holds its pixels
/// (for a reader that decodes them, such as OCR).
#[derive(Clone, Copy, Debug)]
pub struct PlacedImage {
    /// The image's unit square mapped to page space: (0,0), (1,0), (0,1), (1,1).
    pub corners: [Pt; 4],
    /// The image XObject's object id.
    pub id: lopdf::ObjectId,
}

#[derive(Clone)]
struct GState {
    ctm: Matrix,
    font: Option<Rc<Font>>,
    font_size: f32,
    char_spacing: f32,
    word_spacing: f32,
    h_scale: f32,
    leading: f32,
    rise: f32,
}

/// Interprets content streams of one document, caching fonts across pages.
pub struct Interpreter<'d> {
    doc: &'d PdfDoc,
    budget: &'d Budget,
    fonts: HashMap<ObjectId, Rc<Font>>,
    ops: u64,
}

struct Run<'r> {
    out: &'r mut PageContent,
    stack: Vec<GState>,
    gs: GState,
    tm: Matrix,
    tlm: Matrix,
    path: Vec<SubPath>,
    current: Option<SubPath>,
    forms_open: HashSet<ObjectId>,
    /// Path construction operators run on the page, painted or not.
    built: usize,
    /// The current text run (see [`Glyph::run`]), counted up at `BT` and `Tm`.
    text_run: u32,
}

impl<'d> Interpreter<'d> {
    /// An interpreter for `doc`.
    pub fn new(doc: &'d PdfDoc, budget: &'d Budget) -> Self {
        Interpreter {
            doc,
            budget,
            fonts: HashMap::new(),
            ops: 0,
        }
    }

    /// Runs a page's content (already concatenated) with its resources, starting from
    /// `base` (the matrix from default user space to page space).
    pub fn run_page(
        &mut self,
        content: &[u8],
        resources: Option<&'d Dictionary>,
        base: Matrix,
    ) -> Result<PageContent, IngestError> {
        let mut out = PageContent::default();
        let gs = GState {
            ctm: base,
            font: None,
            font_size: 0.0,
            char_spacing: 0.0,
            word_spacing: 0.0,
            h_scale: 1.0,
            leading: 0.0,
            rise: 0.0,
        };
        let mut run = Run {
            out: &mut out,
            stack: Vec::new(),
            gs,
            tm: Matrix::IDENTITY,
            tlm: Matrix::IDENTITY,
            path: Vec::new(),
            current: None,
            forms_open: HashSet::new(),
            built: 0,
            text_run: 0,
        };
        self.exec(&mut run, content, resources, 0)?;
        Ok(out)
    }

    fn exec(
        &mut self,
        run: &mut Run<'_>,
        content: &[u8],
        resources: Option<&'d Dictionary>,
        depth: usize,
    ) -> Result<(), IngestError> {
        for op in Content::decode_iter(content) {
            let Ok(op) = op else { break };
            self.ops += 1;
            if self.ops.is_multiple_of(4096) {
                self.budget.check_time("pdf content stream")?;
            }
            if run.out.glyphs.len() > MAX_GLYPHS || run.out.paths.len() > MAX_PATHS {
                return Err(IngestError::TooLarge(
                    "pdf page draws more than the allowed number of glyphs or paths".into(),
                ));
            }
            if PATH_CONSTRUCTION.contains(&op.operator.as_str()) {
                run.built += 1;
                if run.built > MAX_PATH_OPS {
                    return Err(IngestError::TooLarge(format!(
                        "pdf page builds paths with more than {MAX_PATH_OPS} operators \
                         (painted or not)"
                    )));
                }
            }
            let o = &op.operands;
            let n = |i: usize| o.get(i).and_then(num).unwrap_or(0.0);
            match op.operator.as_str() {
                "q" if run.stack.len() < 256 => run.stack.push(run.gs.clone()),
                "Q" => {
                    if let Some(g) = run.stack.pop() {
                        run.gs = g;
                    }
                }
                "cm" => {
                    let m = Matrix([n(0), n(1), n(2), n(3), n(4), n(5)]);
                    run.gs.ctm = m.then(&run.gs.ctm);
                }
                // Text state.
                "BT" => {
                    run.tm = Matrix::IDENTITY;
                    run.tlm = Matrix::IDENTITY;
                    run.text_run += 1;
                }
                "ET" => {}
                "Tc" => run.gs.char_spacing = n(0),
                "Tw" => run.gs.word_spacing = n(0),
                "Tz" => run.gs.h_scale = n(0) / 100.0,
                "TL" => run.gs.leading = n(0),
                "Ts" => run.gs.rise = n(0),
                "Tf" => {
                    run.gs.font_size = n(1);
                    run.gs.font = o
                        .first()
                        .and_then(|f| f.as_name().ok())
                        .and_then(|name| self.font(resources, name));
                }
                "Td" => {
                    run.tlm = Matrix::translate(n(0), n(1)).then(&run.tlm);
                    run.tm = run.tlm;
                }
                "TD" => {
                    run.gs.leading = -n(1);
                    run.tlm = Matrix::translate(n(0), n(1)).then(&run.tlm);
                    run.tm = run.tlm;
                }
                "Tm" => {
                    run.tlm = Matrix([n(0), n(1), n(2), n(3), n(4), n(5)]);
                    run.tm = run.tlm;
                    run.text_run += 1;
                }
                "T*" => next_line(run),
                "Tj" => {
                    if let Some(Object::String(s, _)) = o.first() {
                        show(run, s);
                    }
                }
                "'" => {
                    next_line(run);
                    if let Some(Object::String(s, _)) = o.first() {
                        show(run, s);
                    }
                }
                "\"" => {
                    run.gs.word_spacing = n(0);
                    run.gs.char_spacing = n(1);
                    next_line(run);
                    if let Some(Object::String(s, _)) = o.get(2) {
                        show(run, s);
                    }
                }
                "TJ" => {
                    if let Some(Object::Array(items)) = o.first() {
                        for it in items {
                            match it {
                                Object::String(s, _) => show(run, s),
                                other => {
                                    if let Some(adj) = num(other) {
                                        let tx = -adj / 1000.0 * run.gs.font_size * run.gs.h_scale;
                                        run.tm = Matrix::translate(tx, 0.0).then(&run.tm);
                                    }
                                }
                            }
                        }
                    }
                }
                // Path construction.
                "m" => {
                    finish_subpath(run, false);
                    let p = run.gs.ctm.apply(n(0), n(1));
                    run.current = Some(SubPath {
                        points: vec![p],
                        ..SubPath::default()
                    });
                }
                "l" => {
                    let p = run.gs.ctm.apply(n(0), n(1));
                    run.current
                        .get_or_insert_with(SubPath::default)
                        .points
                        .push(p);
                }
                "c" | "v" | "y" => {
                    let ctm = run.gs.ctm;
                    let sp = run.current.get_or_insert_with(SubPath::default);
                    let p0 = sp.points.last().copied().unwrap_or_default();
                    let (p1, p2, p3) = match op.operator.as_str() {
                        "c" => (
                            ctm.apply(n(0), n(1)),
                            ctm.apply(n(2), n(3)),
                            ctm.apply(n(4), n(5)),
                        ),
                        "v" => (p0, ctm.apply(n(0), n(1)), ctm.apply(n(2), n(3))),
                        _ => {
                            let p3 = ctm.apply(n(2), n(3));
                            (ctm.apply(n(0), n(1)), p3, p3)
                        }
                    };
                    for k in 1..=CURVE_STEPS {
                        let t = k as f32 / CURVE_STEPS as f32;
                        sp.points.push(bezier(p0, p1, p2, p3, t));
                    }
                    sp.curves += 1;
                }
                "re" => {
                    finish_subpath(run, false);
                    let (x, y, w, h) = (n(0), n(1), n(2), n(3));
                    let ctm = run.gs.ctm;
                    run.path.push(SubPath {
                        points: vec![
                            ctm.apply(x, y),
                            ctm.apply(x + w, y),
                            ctm.apply(x + w, y + h),
                            ctm.apply(x, y + h),
                        ],
                        curves: 0,
                        closed: true,
                    });
                }
                "h" => finish_subpath(run, true),
                // Painting.
                "S" => paint(run, true, false, false),
                "s" => paint(run, true, false, true),
                "f" | "F" | "f*" => paint(run, false, true, true),
                "B" | "B*" => paint(run, true, true, true),
                "b" | "b*" => paint(run, true, true, true),
                "n" => {
                    run.current = None;
                    run.path.clear();
                }
                "Do" => {
                    if let Some(name) = o.first().and_then(|f| f.as_name().ok()) {
                        self.do_xobject(run, resources, name, depth)?;
                    }
                }
                _ => {}
            }
        }
        Ok(())
    }

    fn font(&mut self, resources: Option<&'d Dictionary>, name: &[u8]) -> Option<Rc<Font>> {
        let fonts = deref(self.doc, resources?.get(b"Font").ok())?
            .as_dict()
            .ok()?;
        let entry = fonts.get(name).ok()?;
        if let Object::Reference(id) = entry {
            if let Some(f) = self.fonts.get(id) {
                return Some(f.clone());
            }
            let dict = deref(self.doc, Some(entry))?.as_dict().ok()?;
            let f = Rc::new(Font::from_dict(self.doc, dict));
            self.fonts.insert(*id, f.clone());
            return Some(f);
        }
        let dict = entry.as_dict().ok()?;
        Some(Rc::new(Font::from_dict(self.doc, dict)))
    }

    fn do_xobject(
        &mut self,
        run: &mut Run<'_>,
        resources: Option<&'d Dictionary>,
        name: &[u8],
        depth: usize,
    ) -> Result<(), IngestError> {
        let Some(xobjs) = resources
            .and_then(|r| deref(self.doc, r.get(b"XObject").ok()))
            .and_then(|o| o.as_dict().ok())
        else {
            return Ok(());
        };
        let Ok(Object::Reference(id)) = xobjs.get(name) else {
            return Ok(());
        };
        let id = *id;
        let Ok(stream) = self.doc.get_object(id).and_then(|o| o.as_stream()) else {
            return Ok(());
        };
        let is_form = matches!(stream.dict.get(b"Subtype"), Ok(Object::Name(n)) if n == b"Form");
        if !is_form {
            let is_image =
                matches!(stream.dict.get(b"Subtype"), Ok(Object::Name(n)) if n == b"Image");
            if is_image && run.out.images.len() < MAX_PATHS {
                // An image fills the unit square of the current matrix.
                let m = run.gs.ctm;
                run.out.images.push(PlacedImage {
                    corners: [
                        m.apply(0.0, 0.0),
                        m.apply(1.0, 0.0),
                        m.apply(0.0, 1.0),
                        m.apply(1.0, 1.0),
                    ],
                    id,
                });
            }
            return Ok(());
        }
        if depth >= MAX_FORM_DEPTH || run.forms_open.contains(&id) {
            // A form nested too deep or drawing itself is skipped, not the page.
            return Ok(());
        }
        let limit = self.budget.limits.max_part_bytes as usize;
        let bytes = stream
            .decompressed_content_with_limit(limit)
            .or_else(|_| stream.get_plain_content_with_limit(limit))
            .map_err(|e| IngestError::corrupt(format!("form xobject {} {}", id.0, id.1), e))?;
        self.budget
            .add_inflated(bytes.len() as u64, "pdf form xobject")?;
        let matrix = match stream.dict.get(b"Matrix") {
            Ok(Object::Array(a)) => {
                let v: Vec<f32> = a.iter().map(|x| num(x).unwrap_or(0.0)).collect();
                match v.as_slice() {
                    [a, b, c, d, e, f] => Matrix([*a, *b, *c, *d, *e, *f]),
                    _ => Matrix::IDENTITY,
                }
            }
            _ => Matrix::IDENTITY,
        };
        let form_res = deref(self.doc, stream.dict.get(b"Resources").ok())
            .and_then(|o| o.as_dict().ok())
            .or(resources);
        // A form runs in its own graphics state, like q ... Q.
        let saved = run.gs.clone();
        let saved_tm = (run.tm, run.tlm);
        run.gs.ctm = matrix.then(&run.gs.ctm);
        run.forms_open.insert(id);
        let r = self.exec(run, &bytes, form_res, depth + 1);
        run.forms_open.remove(&id);
        run.gs = saved;
        (run.tm, run.tlm) = saved_tm;
        r
    }
}

fn next_line(run: &mut Run<'_>) {
    run.tlm = Matrix::translate(0.0, -run.gs.leading).then(&run.tlm);
    run.tm = run.tlm;
}

fn show(run: &mut Run<'_>, bytes: &[u8]) {
    let Some(font) = run.gs.font.clone() else {
        return;
    };
    let gs = &run.gs;
    let fs = gs.font_size;
    for g in font.decode(bytes) {
        let trm = run.tm.then(&gs.ctm);
        let adv = g.width / 1000.0 * fs * gs.h_scale;
        let o = trm.apply(0.0, gs.rise);
        let e = trm.apply(adv, gs.rise);
        let up = trm.apply_vec(0.0, fs);
        let size = (up.x * up.x + up.y * up.y).sqrt();
        if !g.text.is_empty() && size > 0.0 {
            let text = if g.text.chars().all(char::is_whitespace) {
                " ".to_string()
            } else {
                g.text
            };
            run.out.glyphs.push(Glyph {
                x0: o.x.min(e.x),
                x1: o.x.max(e.x),
                y: o.y,
                size,
                text,
                run: run.text_run,
            });
        }
        let mut tx = adv + gs.char_spacing * gs.h_scale;
        if g.is_space_code {
            tx += gs.word_spacing * gs.h_scale;
        }
        run.tm = Matrix::translate(tx, 0.0).then(&run.tm);
    }
}

fn finish_subpath(run: &mut Run<'_>, close: bool) {
    if let Some(mut sp) = run.current.take() {
        if close {
            sp.closed = true;
        }
        if !sp.points.is_empty() {
            let start = sp.points.first().copied();
            run.path.push(sp);
            if close && let Some(p) = start {
                // After h the current point is the subpath's start.
                run.current = Some(SubPath {
                    points: vec![p],
                    ..SubPath::default()
                });
            }
        }
    }
}

fn paint(run: &mut Run<'_>, stroke: bool, fill: bool, close: bool) {
    if let Some(mut sp) = run.current.take() {
        if close {
            sp.closed = true;
        }
        if sp.points.len() > 1 {
            run.path.push(sp);
        }
    }
    let subpaths: Vec<SubPath> = std::mem::take(&mut run.path)
        .into_iter()
        .filter(|s| s.points.len() > 1)
        .collect();
    if subpaths.is_empty() {
        return;
    }
    run.out.paths.push(PathObj {
        subpaths,
        stroke,
        fill,
    });
}

fn bezier(p0: Pt, p1: Pt, p2: Pt, p3: Pt, t: f32) -> Pt {
    let u = 1.0 - t;
    let (a, b, c, d) = (u * u * u, 3.0 * u * u * t, 3.0 * u * t * t, t * t * t);
    Pt {
        x: a * p0.x + b * p1.x + c * p2.x + d * p3.x,
        y: a * p0.y + b * p1.y + c * p2.y + d * p3.y,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matrices_compose_in_pdf_order() {
        let flip = Matrix([1.0, 0.0, 0.0, -1.0, 0.0, 100.0]);
        let t = Matrix::translate(10.0, 20.0);
        let p = t.then(&flip).apply(0.0, 0.0);
        assert_eq!((p.x, p.y), (10.0, 80.0));
    }
}
