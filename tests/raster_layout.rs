//! The raster geometry stage (`ingest::raster::layout::analyse`) on pictures drawn here
//! and on the real scans and pasted flowcharts of `../shared/real`.

use image::{Rgb, RgbImage};
use sopap::{ShapeKind, internals::PxRect, internals::RasterLayout, internals::analyse};

/// Draws `layout` over its cleaned picture (cells green, text boxes blue, symbols red,
/// connectors magenta) into `out`.
fn overlay(layout: &RasterLayout, out: &str) {
    let img = &layout.image;
    let mut rgb = RgbImage::from_fn(img.width(), img.height(), |x, y| {
        let v = img.get_pixel(x, y).0[0];
        Rgb([v, v, v])
    });
    let mut frame = |r: PxRect, c: [u8; 3]| {
        for x in r.x..r.x + r.w {
            for y in [r.y, r.y + r.h.saturating_sub(1)] {
                if x < rgb.width() && y < rgb.height() {
                    rgb.put_pixel(x, y, Rgb(c));
                }
            }
        }
        for y in r.y..r.y + r.h {
            for x in [r.x, r.x + r.w.saturating_sub(1)] {
                if x < rgb.width() && y < rgb.height() {
                    rgb.put_pixel(x, y, Rgb(c));
                }
            }
        }
    };
    for t in &layout.tables {
        for c in &t.cells {
            frame(c.bbox, [0, 200, 0]);
            if let Some(b) = c.text_box {
                frame(b, [0, 0, 255]);
            }
        }
    }
    for s in &layout.shapes {
        let c = if s.kind == ShapeKind::Arrow {
            [255, 0, 255]
        } else {
            [255, 0, 0]
        };
        frame(s.bbox, c);
    }
    for b in &layout.free_text {
        frame(*b, [255, 160, 0]);
    }
    let _ = rgb.save(out);
}

/// A one-line summary per table and the symbol counts.
fn summary(layout: &RasterLayout) -> String {
    let mut s = format!("scale {} skew {:.2}; ", layout.scale, layout.skew_degrees);
    for t in &layout.tables {
        s += &format!(
            "table {}x{} ({} cells) at {:?}; ",
            t.rows,
            t.cols,
            t.cells.len(),
            t.bbox
        );
    }
    for k in [
        ShapeKind::Terminator,
        ShapeKind::Process,
        ShapeKind::Decision,
        ShapeKind::Connector,
        ShapeKind::OffPage,
        ShapeKind::Arrow,
    ] {
        let n = layout.shapes.iter().filter(|s| s.kind == k).count();
        s += &format!("{k:?} {n} ");
    }
    s += &format!("; free lines {}", layout.free_text.len());
    s
}

/// Development aid: `RASTER_DUMP="a.jpg b.png" cargo test --release --test integration
/// raster_layout::dump -- --ignored --nocapture` prints each picture's layout and writes an overlay
/// of it into `$RASTER_OUT` (default /tmp).
#[test]
#[ignore = "development aid: dumps the layout of the pictures named in RASTER_DUMP"]
fn dump() {
    let Ok(list) = std::env::var("RASTER_DUMP") else {
        return;
    };
    for arg in list.split_whitespace() {
        let (path, turn) = arg.split_once('@').unwrap_or((arg, ""));
        let Ok(img) = image::open(path) else {
            println!("{path}: cannot open");
            continue;
        };
        let img = match turn {
            "90" => img.rotate90(),
            "270" => img.rotate270(),
            _ => img,
        };
        let t = std::time::Instant::now();
        let layout = analyse(&img.to_rgb8());
        println!(
            "{path}: {} ({:.2}s)",
            summary(&layout),
            t.elapsed().as_secs_f32()
        );
        if std::env::var_os("RASTER_GRID").is_some() {
            for t in &layout.tables {
                let r = |v: &[f32]| v.iter().map(|x| x.round() as i64).collect::<Vec<_>>();
                println!("  xs {:?}\n  ys {:?}", r(&t.xs), r(&t.ys));
            }
        }
        let name = std::path::Path::new(path)
            .file_stem()
            .map(|s| s.to_string_lossy().to_string())
            .unwrap_or_default();
        let dir = std::env::var("RASTER_OUT").unwrap_or_else(|_| "/tmp".into());
        overlay(&layout, &format!("{dir}/ov_{name}.png"));
    }
}

/// Development aid: stroke statistics of the pictures in RASTER_DUMP.
#[test]
#[ignore = "development aid"]
fn strokes() {
    use sopap::{internals::Ink, internals::clean, internals::segments};
    let Ok(list) = std::env::var("RASTER_DUMP") else {
        return;
    };
    for path in list.split_whitespace() {
        let Ok(img) = image::open(path) else { continue };
        let gray = clean::gray_without_squiggles(&img.to_rgb8());
        let thr = clean::threshold(&gray);
        let ink = Ink::from_gray(&gray, thr);
        let th = clean::text_height(&ink);
        if let Ok(c) = std::env::var("RASTER_CROP") {
            let v: Vec<u32> = c.split(',').filter_map(|x| x.parse().ok()).collect();
            if let [x, y, w, h] = v[..] {
                let g = ink.to_gray();
                let _ = image::imageops::crop_imm(&g, x, y, w, h)
                    .to_image()
                    .save("/tmp/i16a/crop.png");
                let _ = image::imageops::crop_imm(&gray, x, y, w, h)
                    .to_image()
                    .save("/tmp/i16a/cropg.png");
            }
        }
        let s = segments::strokes(&ink, th as u32, (th * 0.45) as u32, (th * 0.25) as u32);
        let s = segments::join_collinear(s, th * 0.35, (th * 0.5) as u32);
        let mut hs: Vec<u32> = s.iter().filter(|s| s.horiz).map(|s| s.len()).collect();
        let mut vs: Vec<u32> = s.iter().filter(|s| !s.horiz).map(|s| s.len()).collect();
        hs.sort_unstable();
        vs.sort_unstable();
        hs.reverse();
        vs.reverse();
        println!(
            "{path}: thr {thr} th {th} H {} {:?} V {} {:?}",
            hs.len(),
            &hs[..hs.len().min(12)],
            vs.len(),
            &vs[..vs.len().min(12)]
        );
    }
}

/// Development aid: the strokes the geometry stage finds (lighting evened, deskewed,
/// split pairs joined, as `analyse` does) inside the window `RASTER_WIN="x,y,w,h"` of the
/// pictures in RASTER_DUMP, and that window's line ink saved as `$RASTER_OUT/win.png`.
#[test]
#[ignore = "development aid"]
fn window_strokes() {
    use sopap::{internals::Ink, internals::clean, internals::segments};
    let (Ok(list), Ok(win)) = (std::env::var("RASTER_DUMP"), std::env::var("RASTER_WIN")) else {
        return;
    };
    let v: Vec<u32> = win.split(',').filter_map(|x| x.parse().ok()).collect();
    let [x0, y0, w, h] = v[..] else { return };
    let dir = std::env::var("RASTER_OUT").unwrap_or_else(|_| "/tmp".into());
    for path in list.split_whitespace() {
        let Ok(img) = image::open(path) else { continue };
        let mut gray = clean::even_lighting(&clean::gray_without_squiggles(&img.to_rgb8()));
        let thr = clean::threshold(&gray);
        let skew = clean::skew(&gray, thr, &Default::default());
        if clean::worth_deskewing(skew) {
            gray = clean::deskew(&gray, skew);
        }
        let th = clean::text_height(&Ink::from_gray(&gray, thr));
        let ink = clean::ink_with_split_pairs(&gray, thr, clean::reading_threshold(&gray, thr));
        let _ = image::imageops::crop_imm(&ink.to_gray(), x0, y0, w, h)
            .to_image()
            .save(format!("{dir}/win.png"));
        let s = segments::strokes(
            &ink,
            (th.round() as u32).max(6),
            ((th * 0.45).round() as u32).max(3),
            ((th * 0.25).round() as u32).max(1),
        );
        let s = segments::join_collinear(s, (th * 0.35).max(3.0), (th * 0.5) as u32);
        println!("{path}: thr {thr} th {th} skew {skew:.2}");
        for g in s.iter().filter(|g| {
            let r = g.rect();
            r.x < x0 + w && r.x + r.w > x0 && r.y < y0 + h && r.y + r.h > y0
        }) {
            println!("  {g:?}");
        }
    }
}

/// A picture drawn here: a 3×4 grid, a terminator, a process box and a diamond in
/// the actor columns, a connector between them, and text-like blobs in the first column.
fn drawn_flowchart() -> RgbImage {
    let mut img = RgbImage::from_pixel(900, 420, Rgb([255, 255, 255]));
    let mut ink = |x0: u32, y0: u32, x1: u32, y1: u32| {
        for y in y0..=y1 {
            for x in x0..=x1 {
                img.put_pixel(x, y, Rgb([0, 0, 0]));
            }
        }
    };
    // Grid: columns at 20, 300, 500, 700, 880; rows at 20, 80, 250, 400.
    for x in [20, 300, 500, 700, 878] {
        ink(x, 20, x + 2, 402);
    }
    for y in [20, 80, 250, 400] {
        ink(20, y, 880, y + 2);
    }
    // Letters: small blocks in the first column of every row.
    for (row_y, n) in [(40, 6), (110, 10), (280, 8)] {
        for i in 0..n {
            let x = 40 + i * 18;
            ink(x, row_y, x + 10, row_y + 14);
            ink(x + 3, row_y + 4, x + 7, row_y + 10);
        }
    }
    // Process box in column 1, row 1 (outline 3 px).
    ink(340, 130, 460, 132);
    ink(340, 190, 460, 192);
    ink(340, 130, 342, 192);
    ink(458, 130, 460, 192);
    // Diamond in column 2, row 2.
    let (cx, cy, r) = (600i32, 325i32, 45i32);
    for y in (cy - r)..=(cy + r) {
        let half = r - (y - cy).abs();
        for x in [cx - half, cx + half] {
            ink((x - 1).max(0) as u32, y as u32, (x + 1) as u32, y as u32);
        }
    }
    // Connector: from the box's right edge to above the diamond, then down.
    ink(461, 160, 600, 161);
    ink(599, 160, 600, 278);
    img
}

#[test]
fn a_drawn_flowchart_gives_its_grid_symbols_and_connector() {
    let layout = analyse(&drawn_flowchart());
    let [table] = &layout.tables[..] else {
        panic!("one table expected, got {}", layout.tables.len());
    };
    assert_eq!((table.rows, table.cols), (3, 4));
    assert_eq!(table.cells.len(), 12);
    let kinds: Vec<ShapeKind> = layout
        .shapes
        .iter()
        .filter(|s| s.kind != ShapeKind::Arrow)
        .map(|s| s.kind)
        .collect();
    assert!(kinds.contains(&ShapeKind::Process), "{kinds:?}");
    assert!(kinds.contains(&ShapeKind::Decision), "{kinds:?}");
    assert!(
        layout.shapes.iter().any(|s| s.kind == ShapeKind::Arrow),
        "the connector is found"
    );
    // The first column's cells hold text; the box's cell does not.
    let first = table.cells.iter().find(|c| c.row == 1 && c.col == 0);
    assert!(first.and_then(|c| c.text_box).is_some());
    let boxed = table.cells.iter().find(|c| c.row == 1 && c.col == 1);
    assert!(boxed.is_some_and(|c| c.text_box.is_none()));
}

/// The gray of the faint stroke of [`tight_cells_picture`].
const FAINT: u8 = 150;

/// A grid whose bottom frame is drawn thicker than its other lines (as a scan's wobbling
/// frame joins into one thick stroke), with letter blobs right under a row line; and a
/// faint gray stroke (a blurred scan's i) beside them. Returns the picture and the top
/// of the blobs.
fn tight_cells_picture() -> (RgbImage, u32) {
    let mut img = RgbImage::from_pixel(900, 420, Rgb([255, 255, 255]));
    let mut paint = |x0: u32, y0: u32, x1: u32, y1: u32, v: u8| {
        for y in y0..=y1 {
            for x in x0..=x1 {
                img.put_pixel(x, y, Rgb([v, v, v]));
            }
        }
    };
    for x in [20, 300, 500, 700, 878] {
        paint(x, 20, x + 2, 402, 0);
    }
    for y in [20, 80, 250] {
        paint(20, y, 880, y + 2, 0);
    }
    // The bottom frame, 6 px thick.
    paint(20, 397, 880, 402, 0);
    // Letters one pixel under the row line at 80..82, and in the other rows.
    let top = 84;
    for (row_y, n) in [(40, 6), (top, 10), (280, 8)] {
        for i in 0..n {
            let x = 40 + i * 18;
            paint(x, row_y, x + 10, row_y + 14, 0);
            paint(x + 3, row_y + 4, x + 7, row_y + 10, 255);
        }
    }
    // A faint stroke after the second row's letters.
    paint(230, top, 231, top + 14, FAINT);
    (img, top)
}

#[test]
fn letters_touching_a_ruling_line_are_boxed_whole_and_faint_strokes_stay_ink() {
    let (img, top) = tight_cells_picture();
    let layout = analyse(&img);
    let [table] = &layout.tables[..] else {
        panic!("one table expected, got {}", layout.tables.len());
    };
    let cell = table.cells.iter().find(|c| c.row == 1 && c.col == 0);
    let Some(tb) = cell.and_then(|c| c.text_box) else {
        panic!("the second row's first cell holds text: {cell:?}");
    };
    assert!(
        tb.y <= top && tb.y + tb.h >= top + 15,
        "the letters' tops and bottoms are inside the text box {tb:?} (letters {top}..{})",
        top + 14
    );
    // The row line the box reaches into is paper in the picture the engine reads.
    let line_ink = (tb.y..top)
        .flat_map(|y| (tb.x..tb.x + tb.w).map(move |x| (x, y)))
        .filter(|&(x, y)| layout.image.get_pixel(x, y).0[0] == 0)
        .count();
    assert_eq!(
        line_ink, 0,
        "no ruling-line ink above the letters in {tb:?}"
    );
    // The reading picture keeps the faint stroke as ink (scale 1: the letters are big),
    // a stroke the geometry's own threshold counts as paper.
    let gray = image::DynamicImage::ImageRgb8(img).to_luma8();
    let thr = sopap::internals::clean::threshold(&gray);
    assert!(
        FAINT >= thr,
        "the stroke ({FAINT}) is lighter than the ink threshold {thr}"
    );
    assert_eq!(layout.scale, 1.0);
    assert_eq!(
        layout.image.get_pixel(230, top + 7).0[0],
        0,
        "faint stroke kept"
    );
    assert_eq!(
        layout.image.get_pixel(250, top + 7).0[0],
        255,
        "paper stays paper"
    );
}

#[test]
fn a_table_cut_by_the_pictures_edge_keeps_its_columns_and_cut_row() {
    // The drawn flowchart cut through its last row (a table continued on the next
    // picture or page): its column lines run into the bottom edge.
    let full = drawn_flowchart();
    for cut in [320, 360] {
        let img = image::imageops::crop_imm(&full, 0, 0, full.width(), cut).to_image();
        let layout = analyse(&img);
        let [table] = &layout.tables[..] else {
            panic!(
                "cut at {cut}: one table expected, got {}",
                layout.tables.len()
            );
        };
        assert_eq!((table.rows, table.cols), (3, 4), "cut at {cut}");
        let cut_row = table.cells.iter().find(|c| c.row == 2 && c.col == 0);
        assert!(
            cut_row.and_then(|c| c.text_box).is_some(),
            "cut at {cut}: the cut row's first cell keeps its text"
        );
    }
}
