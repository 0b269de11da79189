//! A procedure drawn as a picture: a pasted screenshot of the flowchart table or a
//! scanned page, which a text reader cannot turn into steps.
//!
//! An SOP whose identity block was read but whose procedure was not is still written
//! (SPEC: identity-only SOPs); this module tells whether the document holds a picture
//! large enough to be that procedure, so the finding can say why there are no steps.

use crate::ingest::raster::stitch::continues;
use crate::model::{Document, PictureSite, Rect, Shape, ShapeKind};

/// Smallest width in points of a picture that can hold a procedure table (a logo, a QR
/// code or a signature stamp is narrower).
const MIN_PICTURE_WIDTH: f32 = 200.0;
/// Smallest height in points of such a picture (two table rows of a flowchart).
const MIN_PICTURE_HEIGHT: f32 = 80.0;

/// Geometry of a placed PDF image.
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

/// The pictures of `doc` whose pixels the pixel reader can reach and that may hold the
/// procedure: PDF images ([`procedure_pdf_pictures`]) by page and box, then package
/// pictures (.docx, .xlsx, ODF) large enough to be a procedure table, by section, part
/// and block position, in document order. Boxes are in points in every format, so one
/// size test serves them all.
pub fn procedure_pictures(doc: &Document) -> Vec<PictureSite> {
    let pdf = procedure_pdf_pictures(doc)
        .into_iter()
        .map(|(page, bbox)| PictureSite::Page { page, bbox });
    let parts = doc
        .sections
        .iter()
        .enumerate()
        .flat_map(|(i, s)| s.shapes.iter().map(move |shape| (i, shape)))
        .filter(|(_, s)| is_procedure_picture(s))
        .filter_map(|(section, s)| part_site(section, s));
    pdf.chain(parts).collect()
}

/// The PDF pictures of `doc` large enough to be a procedure table (a scanned page, a
/// pasted flowchart screenshot), and the strips that continue one of them however short
/// (the table's last row pasted at the top of the next page): their page and box, as
/// the pixel reader wants them.
pub fn procedure_pdf_pictures(doc: &Document) -> Vec<(u32, Rect)> {
    let placed: Vec<(&Shape, (u32, Rect))> = doc
        .sections
        .iter()
        .flat_map(|s| &s.shapes)
        .filter(|s| s.geometry == PDF_IMAGE && s.kind == ShapeKind::Other)
        .filter_map(|s| Some((s, (s.page?, s.bbox?))))
        .collect();
    let mut wanted: Vec<(u32, Rect)> = placed
        .iter()
        .filter(|(s, _)| is_procedure_picture(s))
        .map(|(_, at)| *at)
        .collect();
    // A strip continuing a wanted picture is wanted too; so is one continuing that strip.
    let mut i = 0;
    while let Some(&picture) = wanted.get(i) {
        for &(_, at) in &placed {
            if !wanted.contains(&at) && continues(picture, at) {
                wanted.push(at);
            }
        }
        i += 1;
    }
    wanted.sort_by(|a, b| a.0.cmp(&b.0).then(a.1.y.total_cmp(&b.1.y)));
    wanted
}

/// Where the pixels of package picture `s` of section `section` are, if recorded.
fn part_site(section: usize, s: &Shape) -> Option<PictureSite> {
    Some(PictureSite::Part {
        section,
        picture: s.picture.clone()?,
        bbox: s.bbox?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Anchor, PictureRef, Rect, Section, Shape};

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
            picture: None,
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

    fn placed(page: u32, x: f32, y: f32, w: f32, h: f32) -> Shape {
        Shape {
            page: Some(page),
            bbox: Some(Rect { x, y, w, h }),
            ..picture(w, h)
        }
    }

    #[test]
    fn a_short_strip_continuing_a_pasted_flowchart_on_the_next_page_is_read_too() {
        let shapes = vec![
            // A logo on page 1, the flowchart low on page 1, its last row atop page 2,
            // a signature stamp on page 2.
            placed(1, 191.8, 88.8, 52.6, 38.9),
            placed(1, 50.4, 373.7, 667.1, 147.7),
            placed(2, 50.4, 80.5, 667.1, 59.8),
            placed(2, 11.3, 566.6, 34.0, 34.0),
        ];
        let got = procedure_pdf_pictures(&doc(shapes));
        let pages_and_tops: Vec<(u32, f32)> = got.iter().map(|(p, r)| (*p, r.y)).collect();
        assert_eq!(pages_and_tops, vec![(1, 373.7), (2, 80.5)]);
        // Alone, the short strip is no procedure picture.
        assert!(procedure_pdf_pictures(&doc(vec![placed(2, 50.4, 80.5, 667.1, 59.8)])).is_empty());
    }

    #[test]
    fn a_pasted_flowchart_is_a_procedure_picture_a_logo_is_not() {
        assert!(has_procedure_picture(&doc(vec![picture(700.0, 320.0)])));
        assert!(!has_procedure_picture(&doc(vec![picture(60.0, 60.0)])));
        assert!(!has_procedure_picture(&doc(vec![])));
    }

    #[test]
    fn pdf_images_and_package_pictures_are_both_listed_in_document_order() {
        let mut pasted = picture(450.0, 300.0);
        pasted.geometry = "picture".into();
        pasted.page = None;
        pasted.picture = Some(PictureRef {
            part: "word/media/image1.png".into(),
            block: 2,
        });
        let mut unreachable = pasted.clone();
        unreachable.picture = None;
        let sites = procedure_pictures(&doc(vec![
            picture(700.0, 320.0),
            picture(60.0, 60.0),
            unreachable,
            pasted,
        ]));
        assert_eq!(sites.len(), 2);
        assert!(matches!(sites[0], PictureSite::Page { page: 1, .. }));
        assert!(matches!(
            &sites[1],
            PictureSite::Part { section: 0, picture, .. }
                if picture.part == "word/media/image1.png" && picture.block == 2
        ));
    }
}
