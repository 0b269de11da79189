//! A procedure drawn as a picture: a pasted screenshot of the flowchart table or a
//! scanned page, which a text reader cannot turn into steps.
//!
//! An SOP whose identity block was read but whose procedure was not is still written
//! (SPEC: identity-only SOPs); this module tells whether the document holds a picture
//! large enough to be that procedure, so the finding can say why there are no steps.

use crate::model::{Document, Rect, Shape, ShapeKind};

/// Smallest width in points of a picture that can hold a procedure table (a logo, a QR
/// code or a signature stamp is narrower).
const MIN_PICTURE_WIDTH: f32 = 200.0;
/// Smallest height in points of such a picture (two table rows of a flowchart).
const MIN_PICTURE_HEIGHT: f32 = 80.0;

/// Geometry of a placed PDF image (the only pictures the pixel reader decodes yet).
const PDF_IMAGE: &str = "pdf:image";

/// True when `doc` holds a picture (a shape of kind Other with a box: a PDF image, an
/// embedded picture) at least the size of a procedure table.
pub fn has_procedure_picture(doc: &Document) -> bool {
    doc.sections
        .iter()
        .flat_map(|s| &s.shapes)
        .any(is_procedure_picture)
}

fn is_procedure_picture(s: &Shape) -> bool {
    s.kind == ShapeKind::Other
        && s.bbox
            .is_some_and(|b| b.w >= MIN_PICTURE_WIDTH && b.h >= MIN_PICTURE_HEIGHT)
}

/// The PDF pictures of `doc` large enough to be a procedure table (a scanned page, a
/// pasted flowchart screenshot): their page and box, as the pixel reader wants them.
pub fn procedure_pdf_pictures(doc: &Document) -> Vec<(u32, Rect)> {
    doc.sections
        .iter()
        .flat_map(|s| &s.shapes)
        .filter(|s| is_procedure_picture(s) && s.geometry == PDF_IMAGE)
        .filter_map(|s| Some((s.page?, s.bbox?)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Anchor, Rect, Section, Shape};

    fn picture(w: f32, h: f32) -> Shape {
        Shape {
            kind: ShapeKind::Other,
            geometry: "pdf:image".into(),
            text: String::new(),
            text_box: false,
            anchor: Anchor::Free,
            bbox: Some(Rect {
                x: 10.0,
                y: 10.0,
                w,
                h,
            }),
            line: None,
            page: Some(1),
        }
    }

    fn doc(shapes: Vec<Shape>) -> Document {
        Document {
            format: None,
            ocr: false,
            sections: vec![Section {
                shapes,
                ..Section::default()
            }],
        }
    }

    #[test]
    fn a_pasted_flowchart_is_a_procedure_picture_a_logo_is_not() {
        assert!(has_procedure_picture(&doc(vec![picture(700.0, 320.0)])));
        assert!(!has_procedure_picture(&doc(vec![picture(60.0, 60.0)])));
        assert!(!has_procedure_picture(&doc(vec![])));
    }
}
