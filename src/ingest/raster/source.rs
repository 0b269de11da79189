//! Getting the pictures out of a document: PDF image XObjects with their placement on
//! the page, decoded to pixels and turned upright; pictures embedded in a package
//! (.docx, .xlsx, .odt, .ods) from their part, decoded by their own encoding.
//!
//! Package pictures: PNG, JPEG, TIFF and BMP are decoded (transparency laid on white
//! paper); any other encoding (EMF and WMF from older Word, GIF, SVG…) is reported as not
//! read, naming it. Parts are inflated through [`Package`] within the file's budget.
//!
//! Decoded: DCT (JPEG, through the `image` crate) and any filter chain lopdf inflates
//! (Flate, LZW, RunLength, ASCII…) holding 1, 2, 4 or 8-bit Gray, RGB, CMYK, ICC-based
//! or Indexed samples, with `/Decode` inversion and image masks. A picture with an `/SMask`
//! is laid on white paper through it. JPX, JBIG2 and CCITT pictures are reported as not
//! read, naming their encoding.

use image::RgbImage;
use lopdf::{Dictionary, Document as PdfDoc, Object, ObjectId};

use crate::error::IngestError;
use crate::ingest::limits::Budget;
use crate::ingest::pdf::content::{Interpreter, PlacedImage};
use crate::ingest::pdf::font::{deref, num};
use crate::ingest::zipped::Package;
use crate::model::{PictureSite, Rect};

/// Largest side in pixels of a picture worth decoding (a bigger one is refused as
/// hostile; an A3 page scanned at 600 dpi is about 10 000 px).
const MAX_SIDE: u32 = 20_000;

/// A placed picture is the one wanted when its box is within this many points of the
/// box the model recorded for it.
const PLACEMENT_TOLERANCE: f32 = 1.0;

/// One picture of a document, decoded and upright as it appears on the page.
#[derive(Debug)]
pub struct Picture {
    /// Where it is: its PDF page, or its package part and place in the block flow.
    pub site: PictureSite,
    /// Where the picture lies, in points (PDF: on its page from the top-left; package:
    /// its box in its section's coordinates).
    pub placement: Rect,
    /// Its pixels, rotated so that up on the page is up in the image.
    pub image: RgbImage,
}

/// A picture that could not be decoded, and why (for the finding).
#[derive(Debug)]
pub struct Undecoded {
    /// Where it is.
    pub site: PictureSite,
    /// What stopped it: the encoding, a broken stream.
    pub reason: String,
}

impl std::fmt::Display for Undecoded {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.site {
            PictureSite::Page { page, .. } => write!(f, "page {page}: {}", self.reason),
            PictureSite::Part { picture, .. } => write!(f, "{}: {}", picture.part, self.reason),
        }
    }
}

/// The pictures of a document at the wanted sites (as the model recorded them),
/// decoded, in the order wanted; a picture that cannot be decoded is listed with its
/// reason. PDF sites are looked up in the PDF `bytes`, part sites in the package.
pub fn pictures(
    bytes: &[u8],
    wanted: &[PictureSite],
    budget: &Budget,
) -> Result<(Vec<Picture>, Vec<Undecoded>), IngestError> {
    let pages: Vec<(u32, Rect)> = wanted
        .iter()
        .filter_map(|w| match w {
            PictureSite::Page { page, bbox } => Some((*page, *bbox)),
            PictureSite::Part { .. } => None,
        })
        .collect();
    let (mut out, mut failed) = if pages.is_empty() {
        (Vec::new(), Vec::new())
    } else {
        pdf_pictures(bytes, &pages, budget)?
    };
    if wanted.iter().any(|w| matches!(w, PictureSite::Part { .. })) {
        let (parts, part_failed) = package_pictures(bytes, wanted, budget)?;
        out.extend(parts);
        failed.extend(part_failed);
    }
    Ok((out, failed))
}

/// The package pictures among `wanted`, read from their parts and decoded.
fn package_pictures(
    bytes: &[u8],
    wanted: &[PictureSite],
    budget: &Budget,
) -> Result<(Vec<Picture>, Vec<Undecoded>), IngestError> {
    let mut pkg = Package::open(bytes)?;
    let mut out = Vec::new();
    let mut failed = Vec::new();
    for site in wanted {
        let PictureSite::Part { picture, bbox, .. } = site else {
            continue;
        };
        budget.check_time("package pictures")?;
        let decoded = match pkg.read(&picture.part, budget)? {
            Some(data) => decode_encoded(&data, &picture.part, budget),
            None => Err("picture part missing from the package".to_string()),
        };
        match decoded {
            Ok(image) => out.push(Picture {
                site: site.clone(),
                placement: *bbox,
                image,
            }),
            Err(reason) => failed.push(Undecoded {
                site: site.clone(),
                reason,
            }),
        }
    }
    Ok((out, failed))
}

/// Decodes a picture file's bytes (PNG, JPEG, TIFF, BMP) to RGB on white paper, or says
/// why not, naming the encoding.
fn decode_encoded(data: &[u8], part: &str, budget: &Budget) -> Result<RgbImage, String> {
    let format = match image::guess_format(data) {
        Ok(f) if DECODED.contains(&f) => f,
        _ => {
            return Err(format!(
                "picture encoded as {} (not read)",
                encoding_name(data, part)
            ));
        }
    };
    let name = format!("{format:?}").to_uppercase();
    let (w, h) = bounded_reader(data, format)
        .into_dimensions()
        .map_err(|e| format!("{name} picture: {e}"))?;
    budget
        .add_inflated(u64::from(w) * u64::from(h) * 4, part)
        .map_err(|e| e.to_string())?;
    let img = bounded_reader(data, format)
        .decode()
        .map_err(|e| format!("{name} picture: {e}"))?;
    Ok(if img.color().has_alpha() {
        rgba_on_white(&img.into_rgba8())
    } else {
        img.into_rgb8()
    })
}

/// A decoder of `data` refusing a picture with a side over [`MAX_SIDE`].
fn bounded_reader(
    data: &[u8],
    format: image::ImageFormat,
) -> image::ImageReader<std::io::Cursor<&[u8]>> {
    let mut reader = image::ImageReader::with_format(std::io::Cursor::new(data), format);
    let mut limits = image::Limits::default();
    limits.max_image_width = Some(MAX_SIDE);
    limits.max_image_height = Some(MAX_SIDE);
    reader.limits(limits);
    reader
}

/// The encodings of package pictures the `image` crate is built to decode.
const DECODED: [image::ImageFormat; 4] = [
    image::ImageFormat::Png,
    image::ImageFormat::Jpeg,
    image::ImageFormat::Tiff,
    image::ImageFormat::Bmp,
];

/// Offset of the ` EMF` signature in an enhanced metafile's header record.
const EMF_SIGNATURE_AT: usize = 40;

/// The name of a picture's encoding, from its opening bytes (the metafiles older Word
/// pastes, the raster formats) or else its part's extension.
fn encoding_name(data: &[u8], part: &str) -> String {
    if data.get(EMF_SIGNATURE_AT..EMF_SIGNATURE_AT + 4) == Some(b" EMF".as_slice()) {
        return "EMF".into();
    }
    let wmf = [
        [0xD7, 0xCD, 0xC6, 0x9A],
        [0x01, 0x00, 0x09, 0x00],
        [0x02, 0x00, 0x09, 0x00],
    ];
    if wmf.iter().any(|m| data.starts_with(m)) {
        return "WMF".into();
    }
    if let Ok(f) = image::guess_format(data) {
        return format!("{f:?}").to_uppercase();
    }
    match part.rsplit_once('.') {
        Some((_, ext)) if !ext.is_empty() && !ext.contains('/') => ext.to_uppercase(),
        _ => "an unknown encoding".into(),
    }
}

/// A picture with transparency laid on white paper (see-through is paper, not ink).
fn rgba_on_white(img: &image::RgbaImage) -> RgbImage {
    RgbImage::from_fn(img.width(), img.height(), |x, y| {
        let [r, g, b, a] = img.get_pixel(x, y).0;
        let alpha = u32::from(a);
        let blend = |c: u8| ((u32::from(c) * alpha + 255 * (255 - alpha)) / 255) as u8;
        image::Rgb([blend(r), blend(g), blend(b)])
    })
}

/// The pictures of a PDF at the wanted places (`(page, box)` as the model recorded
/// them), decoded; a picture that cannot be decoded is listed with its reason.
fn pdf_pictures(
    bytes: &[u8],
    wanted: &[(u32, Rect)],
    budget: &Budget,
) -> Result<(Vec<Picture>, Vec<Undecoded>), IngestError> {
    let doc = crate::ingest::pdf::load(bytes, budget)?;
    let pages = crate::ingest::pdf::page_list(&doc, budget)?;
    let mut interp = Interpreter::new(&doc, budget);
    let mut out = Vec::new();
    let mut failed = Vec::new();
    let mut page_nos: Vec<u32> = wanted.iter().map(|(p, _)| *p).collect();
    page_nos.dedup();
    for page_no in page_nos {
        budget.check_time("pdf pictures")?;
        let Some(&page_id) = usize::try_from(page_no)
            .ok()
            .and_then(|p| p.checked_sub(1))
            .and_then(|p| pages.get(p))
        else {
            continue;
        };
        let info = crate::ingest::pdf::page_info(&doc, page_id);
        let content = crate::ingest::pdf::page_content(&doc, page_id, budget)?;
        let drawn = interp.run_page(&content, info.resources, info.base)?;
        for placed in &drawn.images {
            let placement = crate::ingest::pdf::shape::bbox(&placed.corners);
            let is_wanted = wanted
                .iter()
                .any(|(p, r)| *p == page_no && same_box(r, &placement));
            if !is_wanted {
                continue;
            }
            match decode(&doc, placed.id, budget) {
                Ok(img) => out.push(Picture {
                    site: PictureSite::Page {
                        page: page_no,
                        bbox: placement,
                    },
                    placement,
                    image: upright(img, placed),
                }),
                Err(reason) => failed.push(Undecoded {
                    site: PictureSite::Page {
                        page: page_no,
                        bbox: placement,
                    },
                    reason,
                }),
            }
        }
    }
    Ok((out, failed))
}

fn same_box(a: &Rect, b: &Rect) -> bool {
    (a.x - b.x).abs() <= PLACEMENT_TOLERANCE
        && (a.y - b.y).abs() <= PLACEMENT_TOLERANCE
        && (a.w - b.w).abs() <= PLACEMENT_TOLERANCE
        && (a.h - b.h).abs() <= PLACEMENT_TOLERANCE
}

/// Turns the decoded pixels so that the image's top row is at the top of the page: the
/// direction its rows run on the page (its "right") decides the quarter turn.
pub fn upright(img: RgbImage, placed: &PlacedImage) -> RgbImage {
    let [_, _, top_left, top_right] = placed.corners;
    let (dx, dy) = (top_right.x - top_left.x, top_right.y - top_left.y);
    if dx.abs() >= dy.abs() {
        if dx >= 0.0 {
            img
        } else {
            image::imageops::rotate180(&img)
        }
    } else if dy > 0.0 {
        // Rows run down the page: the picture is turned a quarter clockwise.
        quarter_turn(&img, true)
    } else {
        quarter_turn(&img, false)
    }
}

/// `img` turned a quarter clockwise (as `image::imageops::rotate90`) or anticlockwise
/// (`rotate270`): the same pixels, moved row slice by row slice rather than through the
/// generic per-pixel accessors (a tenth of a turned scan's own time).
fn quarter_turn(img: &RgbImage, clockwise: bool) -> RgbImage {
    let (w, h) = img.dimensions();
    let (wu, hu) = (w as usize, h as usize);
    let mut out = vec![0u8; wu * hu * 3];
    for (y, row) in img.as_raw().chunks_exact(wu.max(1) * 3).enumerate() {
        for (x, px) in row.chunks_exact(3).enumerate() {
            // The turned picture is h wide and w tall.
            let (ox, oy) = if clockwise {
                (hu - 1 - y, x)
            } else {
                (y, wu - 1 - x)
            };
            let at = (oy * hu + ox) * 3;
            if let Some(dst) = out.get_mut(at..at + 3) {
                dst.copy_from_slice(px);
            }
        }
    }
    RgbImage::from_raw(h, w, out).unwrap_or_else(|| RgbImage::new(h, w))
}

/// Decodes image XObject `id` to RGB pixels, or says why not.
pub fn decode(doc: &PdfDoc, id: ObjectId, budget: &Budget) -> Result<RgbImage, String> {
    decode_layer(doc, id, budget, true)
}

/// Decodes image XObject `id`; `with_mask` lays it on white through its soft mask (a
/// mask itself is decoded without, so a mask naming a mask never recurses).
fn decode_layer(
    doc: &PdfDoc,
    id: ObjectId,
    budget: &Budget,
    with_mask: bool,
) -> Result<RgbImage, String> {
    let stream = doc
        .get_object(id)
        .and_then(|o| o.as_stream())
        .map_err(|e| format!("image object {} {}: {e}", id.0, id.1))?;
    let dict = &stream.dict;
    let filters: Vec<Vec<u8>> = stream
        .filters()
        .map(|f| f.into_iter().map(<[u8]>::to_vec).collect())
        .unwrap_or_default();
    let int = |key: &[u8]| deref(doc, dict.get(key).ok()).and_then(num);
    let width = int(b"Width").unwrap_or(0.0) as u32;
    let height = int(b"Height").unwrap_or(0.0) as u32;
    if width == 0 || height == 0 || width > MAX_SIDE || height > MAX_SIDE {
        return Err(format!("image of {width}×{height} pixels"));
    }
    budget
        .add_inflated(u64::from(width) * u64::from(height) * 3, "pdf picture")
        .map_err(|e| e.to_string())?;
    match filters.last().map(Vec::as_slice) {
        Some(b"DCTDecode") if filters.len() == 1 => {
            image::load_from_memory_with_format(&stream.content, image::ImageFormat::Jpeg)
                .map(image::DynamicImage::into_rgb8)
                .map_err(|e| format!("JPEG picture: {e}"))
        }
        Some(f @ (b"DCTDecode" | b"JPXDecode" | b"JBIG2Decode" | b"CCITTFaxDecode")) => {
            Err(format!(
                "picture encoded as {} (not read)",
                String::from_utf8_lossy(f)
            ))
        }
        _ => {
            let limit = usize::try_from(budget.limits.max_part_bytes).unwrap_or(usize::MAX);
            let raw = stream
                .decompressed_content_with_limit(limit)
                .map_err(|e| format!("picture stream: {e}"))?;
            let img = samples_to_rgb(doc, dict, &raw, width, height)?;
            Ok(if with_mask {
                on_white_paper(doc, dict, img, budget)
            } else {
                img
            })
        }
    }
}

/// The picture laid on white paper through its `/SMask` (soft mask): a picture pasted
/// with transparency (a PNG of grouped shapes) stores black where it is see-through,
/// which read without its mask would be all ink. A mask that cannot be decoded, or of
/// another size, leaves the picture as it is. With `/Matte` the colours were
/// pre-multiplied against that colour and are un-multiplied first.
fn on_white_paper(doc: &PdfDoc, dict: &Dictionary, img: RgbImage, budget: &Budget) -> RgbImage {
    let Some(mask_id) = dict.get(b"SMask").ok().and_then(|o| o.as_reference().ok()) else {
        return img;
    };
    let Ok(mask) = decode_layer(doc, mask_id, budget, false) else {
        return img;
    };
    if mask.dimensions() != img.dimensions() {
        return img;
    }
    let matte: Option<Vec<f32>> = doc
        .get_object(mask_id)
        .and_then(|o| o.as_stream())
        .ok()
        .and_then(|s| s.dict.get(b"Matte").ok())
        .and_then(|o| o.as_array().ok())
        .map(|a| a.iter().filter_map(num).map(|v| v * 255.0).collect());
    let mut out = img;
    for (px, m) in out.pixels_mut().zip(mask.pixels()) {
        let alpha = f32::from(m.0[0]) / 255.0;
        for (k, v) in px.0.iter_mut().enumerate() {
            let mut c = f32::from(*v);
            if let Some(mt) = matte.as_ref().and_then(|mt| mt.get(k))
                && alpha > 0.0
            {
                c = (mt + (c - mt) / alpha).clamp(0.0, 255.0);
            }
            *v = (c * alpha + 255.0 * (1.0 - alpha))
                .round()
                .clamp(0.0, 255.0) as u8;
        }
    }
    out
}

/// Raw samples (after the stream's filters) to RGB, following the image dictionary's
/// colour space, bit depth and /Decode.
fn samples_to_rgb(
    doc: &PdfDoc,
    dict: &Dictionary,
    raw: &[u8],
    width: u32,
    height: u32,
) -> Result<RgbImage, String> {
    let is_mask = matches!(dict.get(b"ImageMask"), Ok(Object::Boolean(true)));
    let bpc = if is_mask {
        1
    } else {
        deref(doc, dict.get(b"BitsPerComponent").ok())
            .and_then(num)
            .unwrap_or(8.0) as u32
    };
    if !matches!(bpc, 1 | 2 | 4 | 8) {
        return Err(format!("{bpc} bits per sample"));
    }
    let space = if is_mask {
        Space::Gray
    } else {
        colour_space(doc, deref(doc, dict.get(b"ColorSpace").ok()))?
    };
    let comps = space.components();
    let invert = is_mask
        || deref(doc, dict.get(b"Decode").ok())
            .and_then(|o| o.as_array().ok())
            .and_then(|a| a.first())
            .and_then(num)
            .is_some_and(|first| first > 0.5);
    let row_bits = width as usize * comps * bpc as usize;
    let row_bytes = row_bits.div_ceil(8);
    if raw.len() < row_bytes * height as usize {
        return Err("picture stream shorter than its size".into());
    }
    let max = (1u32 << bpc) - 1;
    let sample = |row: &[u8], i: usize| -> u8 {
        let bit = i * bpc as usize;
        let byte = row.get(bit / 8).copied().unwrap_or(0);
        let v = if bpc == 8 {
            u32::from(byte)
        } else {
            let shift = 8 - bpc as usize - bit % 8;
            (u32::from(byte) >> shift) & max
        };
        (v * 255 / max) as u8
    };
    let mut img = RgbImage::new(width, height);
    for (y, row) in raw.chunks(row_bytes).take(height as usize).enumerate() {
        for x in 0..width as usize {
            let s: Vec<u8> = (0..comps).map(|c| sample(row, x * comps + c)).collect();
            let mut px = space.to_rgb(&s, bpc);
            if invert {
                px = px.map(|v| 255 - v);
            }
            img.put_pixel(x as u32, y as u32, image::Rgb(px));
        }
    }
    Ok(img)
}

/// The colour spaces a picture's samples can be in.
enum Space {
    Gray,
    Rgb,
    Cmyk,
    /// A palette of RGB triples, indexed by the sample.
    Indexed(Vec<[u8; 3]>),
}

impl Space {
    fn components(&self) -> usize {
        match self {
            Space::Gray | Space::Indexed(_) => 1,
            Space::Rgb => 3,
            Space::Cmyk => 4,
        }
    }

    /// One pixel's samples (each scaled to 0–255) to RGB.
    fn to_rgb(&self, s: &[u8], bpc: u32) -> [u8; 3] {
        let at = |i: usize| s.get(i).copied().unwrap_or(0);
        match self {
            Space::Gray => [at(0); 3],
            Space::Rgb => [at(0), at(1), at(2)],
            Space::Cmyk => {
                let k = 255 - u32::from(at(3));
                let c = |v: u8| ((255 - u32::from(v)) * k / 255) as u8;
                [c(at(0)), c(at(1)), c(at(2))]
            }
            Space::Indexed(palette) => {
                // The sample was scaled to 0–255: back to the palette index.
                let max = (1u32 << bpc) - 1;
                let idx = (u32::from(at(0)) * max / 255) as usize;
                palette.get(idx).copied().unwrap_or([255; 3])
            }
        }
    }
}

fn colour_space(doc: &PdfDoc, obj: Option<&Object>) -> Result<Space, String> {
    let Some(obj) = obj else {
        return Ok(Space::Gray);
    };
    if let Ok(name) = obj.as_name() {
        return match name {
            b"DeviceGray" | b"CalGray" | b"G" => Ok(Space::Gray),
            b"DeviceRGB" | b"CalRGB" | b"RGB" => Ok(Space::Rgb),
            b"DeviceCMYK" | b"CMYK" => Ok(Space::Cmyk),
            other => Err(format!(
                "colour space {} (not read)",
                String::from_utf8_lossy(other)
            )),
        };
    }
    let arr = obj.as_array().map_err(|_| "colour space".to_string())?;
    let kind = arr.first().and_then(|o| o.as_name().ok()).unwrap_or(b"");
    match kind {
        b"ICCBased" => {
            let n = arr
                .get(1)
                .and_then(|o| deref(doc, Some(o)))
                .and_then(|o| o.as_stream().ok())
                .and_then(|s| s.dict.get(b"N").ok())
                .and_then(num)
                .unwrap_or(3.0) as u32;
            Ok(match n {
                1 => Space::Gray,
                4 => Space::Cmyk,
                _ => Space::Rgb,
            })
        }
        b"CalRGB" | b"Lab" => Ok(Space::Rgb),
        b"CalGray" => Ok(Space::Gray),
        b"Indexed" | b"I" => {
            let base = colour_space(doc, arr.get(1).and_then(|o| deref(doc, Some(o))))?;
            let lookup: Vec<u8> = match arr.get(3).and_then(|o| deref(doc, Some(o))) {
                Some(Object::String(s, _)) => s.clone(),
                Some(Object::Stream(s)) => s.decompressed_content().unwrap_or_default(),
                _ => Vec::new(),
            };
            let n = base.components();
            let palette = lookup
                .chunks(n)
                .filter(|c| c.len() == n)
                .map(|c| base.to_rgb(c, 8))
                .collect();
            Ok(Space::Indexed(palette))
        }
        other => Err(format!(
            "colour space {} (not read)",
            String::from_utf8_lossy(other)
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::pdf::content::Pt;

    fn placed(corners: [(f32, f32); 4]) -> PlacedImage {
        PlacedImage {
            corners: corners.map(|(x, y)| Pt { x, y }),
            id: (1, 0),
        }
    }

    #[test]
    fn a_picture_placed_turned_is_turned_upright() {
        let mut img = RgbImage::new(4, 2);
        img.put_pixel(0, 0, image::Rgb([0, 0, 0]));
        // Upright: (0,0)→bottom-left … (1,1)→top-right, y down the page.
        let up = upright(
            img.clone(),
            &placed([(0., 20.), (40., 20.), (0., 0.), (40., 0.)]),
        );
        assert_eq!(up.dimensions(), (4, 2));
        // Rows running down the page: a quarter turn clockwise.
        let turned = upright(img, &placed([(0., 0.), (0., 40.), (20., 0.), (20., 40.)]));
        assert_eq!(turned.dimensions(), (2, 4));
        assert_eq!(turned.get_pixel(1, 0), &image::Rgb([0, 0, 0]));
    }

    /// Quarter turns move every pixel where the image crate's rotations put it.
    #[test]
    fn quarter_turns_are_the_image_crates_rotations() {
        for (w, h) in [(7, 3), (1, 5), (4, 1)] {
            let img = RgbImage::from_fn(w, h, |x, y| {
                image::Rgb([(x * 31) as u8, (y * 17) as u8, (x * y + 5) as u8])
            });
            assert_eq!(quarter_turn(&img, true), image::imageops::rotate90(&img));
            assert_eq!(quarter_turn(&img, false), image::imageops::rotate270(&img));
        }
    }

    #[test]
    fn one_bit_gray_samples_with_decode_inverted() {
        let doc = PdfDoc::with_version("1.5");
        let mut dict = Dictionary::new();
        dict.set("BitsPerComponent", 1);
        dict.set("ColorSpace", Object::Name(b"DeviceGray".to_vec()));
        dict.set("Decode", vec![Object::Integer(1), Object::Integer(0)]);
        // 8 pixels: 1 0 0 0 0 0 0 1 → inverted: black … black.
        let img = samples_to_rgb(&doc, &dict, &[0b1000_0001], 8, 1).unwrap();
        assert_eq!(img.get_pixel(0, 0), &image::Rgb([0, 0, 0]));
        assert_eq!(img.get_pixel(1, 0), &image::Rgb([255, 255, 255]));
        assert_eq!(img.get_pixel(7, 0), &image::Rgb([0, 0, 0]));
    }
}
