//! Odd and hostile files made in the test: each gets its deterministic kind, and none
//! reaches a library that would allocate without bound.

use std::io::{Cursor, Write};

use sopap::{Budget, ErrorKind};

/// One BIFF record.
fn record(rt: u16, data: &[u8]) -> Vec<u8> {
    let mut r = rt.to_le_bytes().to_vec();
    r.extend_from_slice(&(data.len() as u16).to_le_bytes());
    r.extend_from_slice(data);
    r
}

/// A BIFF8 BOF record of the workbook globals.
fn bof() -> Vec<u8> {
    let mut d = vec![0u8; 16];
    d[0..2].copy_from_slice(&0x0600u16.to_le_bytes());
    d[2..4].copy_from_slice(&0x0005u16.to_le_bytes());
    record(0x0809, &d)
}

/// An OLE2 file holding `stream` as its `Workbook`.
fn ole_with_workbook(stream: &[u8]) -> Vec<u8> {
    let mut comp = cfb::CompoundFile::create(Cursor::new(Vec::new())).unwrap();
    comp.create_stream("/Workbook")
        .unwrap()
        .write_all(stream)
        .unwrap();
    comp.flush().unwrap();
    comp.into_inner().into_inner()
}

/// Globals with a FILEPASS record (RC4 CryptoAPI header), then EOF, padded past the
/// mini-stream cutoff.
fn encrypted_workbook() -> Vec<u8> {
    let mut s = bof();
    let mut filepass = vec![0x01, 0x00, 0x02, 0x00, 0x02, 0x00];
    filepass.extend_from_slice(&[0xA5; 48]);
    s.extend(record(0x002F, &filepass));
    s.extend(record(0x000A, &[]));
    s.resize(8192, 0);
    s
}

#[test]
fn encrypted_xls_is_encrypted_every_time() {
    let bytes = ole_with_workbook(&encrypted_workbook());
    for _ in 0..5 {
        let err = sopap::read(&bytes, &Budget::default()).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Encrypted, "{err}");
        assert!(err.to_string().contains("password"), "{err}");
    }
}

#[test]
fn xls_stream_declaring_more_than_the_file_is_corrupt_before_calamine() {
    let mut stream = bof();
    stream.extend(record(0x000A, &[]));
    stream.resize(8192, 0);
    let mut bytes = ole_with_workbook(&stream);
    // Patch the Workbook directory entry's stream size to 2^40 bytes.
    let name: Vec<u8> = "Workbook"
        .encode_utf16()
        .flat_map(|u| u.to_le_bytes())
        .collect();
    let at = bytes
        .windows(name.len())
        .position(|w| w == name.as_slice())
        .expect("directory entry");
    bytes[at + 120..at + 128].copy_from_slice(&(1u64 << 40).to_le_bytes());
    let err = sopap::read(&bytes, &Budget::default()).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Corrupt, "{err}");
}

/// A small .docx made here: a body paragraph and, as a second part, `extra` (same
/// length as the document part's name, so the name can be patched in place).
fn small_docx(extra: &str) -> Vec<u8> {
    let mut w = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let opts =
        zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    let parts = [
        (
            "[Content_Types].xml",
            "<?xml version=\"1.0\"?><Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\"><Override PartName=\"/word/document.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml\"/></Types>",
        ),
        (
            "word/document.xml",
            "<?xml version=\"1.0\"?><w:document xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\"><w:body><w:p><w:r><w:t>Prosedur pelayanan</w:t></w:r></w:p></w:body></w:document>",
        ),
        (
            extra,
            "<?xml version=\"1.0\"?><w:document xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\"><w:body/></w:document>",
        ),
    ];
    for (name, body) in parts {
        w.start_file(name, opts).unwrap();
        w.write_all(body.as_bytes()).unwrap();
    }
    w.finish().unwrap().into_inner()
}

/// Replaces the `nth` occurrence of `from` after a record signature `sig` by `to`.
fn patch_name(bytes: &mut [u8], sig: &[u8; 4], from: &str, to: &str) {
    let (from, to) = (from.as_bytes(), to.as_bytes());
    assert_eq!(from.len(), to.len());
    let mut at = 0;
    loop {
        let rec = bytes[at..]
            .windows(4)
            .position(|w| w == sig)
            .map(|p| p + at)
            .expect("record");
        let name_at = rec + if sig == b"PK\x01\x02" { 46 } else { 30 };
        if bytes[name_at..].starts_with(from) {
            bytes[name_at..name_at + from.len()].copy_from_slice(to);
            return;
        }
        at = rec + 4;
    }
}

#[test]
fn zip_well_formed_control_is_read() {
    let bytes = small_docx("word/documenX.xml");
    let doc = sopap::read(&bytes, &Budget::default()).unwrap();
    assert!(format!("{doc:?}").contains("Prosedur pelayanan"));
}

#[test]
fn zip_with_two_entries_of_one_name_is_corrupt() {
    let mut bytes = small_docx("word/documenX.xml");
    // The central directory names the second document part like the first.
    patch_name(
        &mut bytes,
        b"PK\x01\x02",
        "word/documenX.xml",
        "word/document.xml",
    );
    let err = sopap::read(&bytes, &Budget::default()).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Corrupt, "{err}");
    assert!(err.to_string().contains("same name"), "{err}");
}

#[test]
fn zip_local_header_disagreeing_with_the_directory_is_corrupt() {
    let mut bytes = small_docx("word/documenX.xml");
    // The local header of the document part says another name than the directory.
    patch_name(
        &mut bytes,
        b"PK\x03\x04",
        "word/document.xml",
        "word/documenY.xml",
    );
    let err = sopap::read(&bytes, &Budget::default()).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Corrupt, "{err}");
    let msg = err.to_string();
    assert!(
        msg.contains("local header") && msg.contains("documenY"),
        "{msg}"
    );
}

/// A PDF whose page tree lists one page object `times` times in /Kids (and, with
/// `self_kid`, lists the tree node itself among its kids: a real loop).
fn pdf_with_repeated_page(times: usize, self_kid: bool) -> Vec<u8> {
    use lopdf::{Object, Stream, dictionary};
    let mut doc = lopdf::Document::with_version("1.5");
    let pages_id = doc.new_object_id();
    let font_id = doc.add_object(dictionary! {
        "Type" => "Font", "Subtype" => "Type1", "BaseFont" => "Helvetica",
    });
    let content = b"BT /F1 12 Tf 72 700 Td (Menerima berkas permohonan) Tj ET".to_vec();
    let content_id = doc.add_object(Stream::new(dictionary! {}, content));
    let page_id = doc.add_object(dictionary! {
        "Type" => "Page",
        "Parent" => pages_id,
        "MediaBox" => vec![0.into(), 0.into(), 595.into(), 842.into()],
        "Contents" => content_id,
        "Resources" => dictionary! { "Font" => dictionary! { "F1" => font_id } },
    });
    let mut kids: Vec<Object> = vec![page_id.into(); times];
    if self_kid {
        kids.push(pages_id.into());
    }
    doc.objects.insert(
        pages_id,
        Object::Dictionary(dictionary! {
            "Type" => "Pages", "Kids" => kids, "Count" => times as i64,
        }),
    );
    let catalog_id = doc.add_object(dictionary! { "Type" => "Catalog", "Pages" => pages_id });
    doc.trailer.set("Root", catalog_id);
    let mut out = Vec::new();
    doc.save_to(&mut out).unwrap();
    out
}

#[test]
fn pdf_page_listed_twice_in_kids_is_a_repeated_page_not_a_cycle() {
    let bytes = pdf_with_repeated_page(2, false);
    let doc = sopap::read(&bytes, &Budget::default()).unwrap();
    let text = doc.plain_text();
    assert_eq!(
        text.matches("Menerima berkas permohonan").count(),
        2,
        "{text}"
    );
    // A node among its own kids is still a loop, and corrupt.
    let bytes = pdf_with_repeated_page(1, true);
    let err = sopap::read(&bytes, &Budget::default()).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Corrupt, "{err}");
    assert!(err.to_string().contains("cycle"), "{err}");
}

/// A PDF declaring millions of objects — packed in an object stream's `/N`, or in a
/// cross-reference `/Size` — is `too-large` before the PDF library loads it.
#[test]
fn pdf_declaring_millions_of_objects_is_too_large_before_loading() {
    let control = pdf_with_repeated_page(1, false);
    let doc = sopap::read(&control, &Budget::default()).unwrap();
    assert!(doc.plain_text().contains("Menerima berkas permohonan"));

    // Object streams saying they pack 3,000,000 objects (1,000 streams of 3,000 each),
    // written before the cross-reference offset.
    let at = control.windows(9).rposition(|w| w == b"startxref").unwrap();
    let mut bytes = control[..at].to_vec();
    for i in 0..1_000 {
        bytes.extend_from_slice(
            format!(
                "{} 0 obj\n<< /Type /ObjStm /N 3000 /First 8 /Length 8 >>\nstream\n1 0 2 4 \nendstream\nendobj\n",
                100 + i
            )
            .as_bytes(),
        );
    }
    bytes.extend_from_slice(&control[at..]);
    let err = sopap::read(&bytes, &Budget::default()).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::TooLarge, "{err}");
    let msg = err.to_string();
    assert!(msg.contains("3000000 packed in object streams"), "{msg}");

    // A cross-reference size of 2^40 entries.
    let at = control.windows(6).rposition(|w| w == b"/Size ").unwrap() + "/Size ".len();
    let digits = control[at..]
        .iter()
        .take_while(|b| b.is_ascii_digit())
        .count();
    let mut huge = control[..at].to_vec();
    huge.extend_from_slice(b"1099511627776");
    huge.extend_from_slice(&control[at + digits..]);
    let err = sopap::read(&huge, &Budget::default()).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::TooLarge, "{err}");
    assert!(
        err.to_string()
            .contains("cross-reference size 1099511627776"),
        "{err}"
    );
}

/// A PDF whose only encrypted parts are its attachments (`/StmF` and `/StrF` Identity,
/// `/EFF` a crypt filter needing a password) is read; one whose streams are encrypted
/// with a password it does not have stays `encrypted`.
#[test]
fn pdf_with_only_its_attachments_encrypted_is_read() {
    use lopdf::{Object, StringFormat, dictionary};
    let make = |stream_filter: &str| {
        let mut doc = lopdf::Document::load_mem(&pdf_with_repeated_page(1, false)).unwrap();
        let key = |b: u8| Object::String(vec![b; 32], StringFormat::Hexadecimal);
        let enc = doc.add_object(dictionary! {
            "Filter" => "Standard", "V" => 4i64, "R" => 4i64, "Length" => 128i64,
            "P" => -4i64, "O" => key(0x5A), "U" => key(0xA5),
            "CF" => dictionary! { "StdCF" => dictionary! {
                "CFM" => "AESV2", "AuthEvent" => "EFOpen", "Length" => 16i64 } },
            "StmF" => stream_filter, "StrF" => "Identity", "EFF" => "StdCF",
        });
        doc.trailer.set("Encrypt", enc);
        doc.trailer.set(
            "ID",
            vec![
                Object::String(vec![7; 16], StringFormat::Hexadecimal),
                Object::String(vec![7; 16], StringFormat::Hexadecimal),
            ],
        );
        let mut out = Vec::new();
        doc.save_to(&mut out).unwrap();
        out
    };
    let doc = sopap::read(&make("Identity"), &Budget::default()).unwrap();
    assert!(doc.plain_text().contains("Menerima berkas permohonan"));
    let err = sopap::read(&make("StdCF"), &Budget::default()).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Encrypted, "{err}");
}

/// A Form XObject that draws itself (and one nested past any sane depth) is skipped,
/// not the whole file: the page's own text is read.
#[test]
fn self_drawing_form_xobject_is_skipped_not_the_file() {
    use lopdf::{Object, Stream, dictionary};
    let mut doc = lopdf::Document::load_mem(&pdf_with_repeated_page(1, false)).unwrap();
    let page_id = doc.get_pages().into_values().next().unwrap();
    // Form 1 draws itself; forms 2.. form a chain 40 deep.
    let self_id = doc.new_object_id();
    let form = |name: &str, target: lopdf::ObjectId| {
        Stream::new(
            dictionary! {
                "Type" => "XObject", "Subtype" => "Form",
                "BBox" => vec![0.into(), 0.into(), 595.into(), 842.into()],
                "Resources" => dictionary! { "XObject" => dictionary! { name => target } },
            },
            format!("/{name} Do 0 0 m 10 10 l S").into_bytes(),
        )
    };
    doc.objects
        .insert(self_id, Object::Stream(form("Me", self_id)));
    let mut next = doc.add_object(Stream::new(
        dictionary! { "Type" => "XObject", "Subtype" => "Form",
        "BBox" => vec![0.into(), 0.into(), 595.into(), 842.into()] },
        b"0 0 m 1 1 l S".to_vec(),
    ));
    for _ in 0..40 {
        next = doc.add_object(form("Deeper", next));
    }
    let content = b"q /Me Do Q q /Chain Do Q BT /F1 12 Tf 72 650 Td (Memeriksa kelengkapan) Tj ET";
    let content_id = doc.add_object(Stream::new(dictionary! {}, content.to_vec()));
    let page = doc.get_object_mut(page_id).unwrap().as_dict_mut().unwrap();
    let mut contents = match page.get(b"Contents").unwrap().clone() {
        Object::Array(a) => a,
        other => vec![other],
    };
    contents.push(content_id.into());
    page.set("Contents", contents);
    let res = page.get_mut(b"Resources").unwrap().as_dict_mut().unwrap();
    res.set("XObject", dictionary! { "Me" => self_id, "Chain" => next });
    let mut bytes = Vec::new();
    doc.save_to(&mut bytes).unwrap();
    let read = sopap::read(&bytes, &Budget::default()).unwrap();
    let text = read.plain_text();
    assert!(text.contains("Menerima berkas permohonan"), "{text}");
    assert!(text.contains("Memeriksa kelengkapan"), "{text}");
}

/// A Type0 font whose CMap declares one-byte codes gives its text (read as one-byte
/// codes, not pairs); the same font with Identity-H stays two-byte.
#[test]
fn type0_font_with_a_one_byte_cmap_gives_its_text() {
    use lopdf::{Object, Stream, dictionary};
    let cmap = |ranges: &str, map: &str| {
        format!(
            "/CIDInit /ProcSet findresource begin 12 dict begin begincmap\n\
             1 begincodespacerange {ranges} endcodespacerange\n{map}\nendcmap end end"
        )
        .into_bytes()
    };
    let to_unicode = cmap("<00> <FF>", "1 beginbfrange <20> <7E> <0020> endbfrange");
    let mut doc = lopdf::Document::load_mem(&pdf_with_repeated_page(1, false)).unwrap();
    let encoding = doc.add_object(Stream::new(
        dictionary! { "Type" => "CMap", "CMapName" => "OneByte" },
        cmap("<00> <FF>", "1 begincidrange <00> <FF> 0 endcidrange"),
    ));
    let tu = doc.add_object(Stream::new(dictionary! {}, to_unicode));
    let cid_font = doc.add_object(dictionary! {
        "Type" => "Font", "Subtype" => "CIDFontType2", "BaseFont" => "Arial",
        "CIDSystemInfo" => dictionary! { "Registry" => Object::string_literal("Adobe"),
            "Ordering" => Object::string_literal("Identity"), "Supplement" => 0i64 },
        "DW" => 500i64,
    });
    let font = doc.add_object(dictionary! {
        "Type" => "Font", "Subtype" => "Type0", "BaseFont" => "Arial",
        "Encoding" => encoding, "DescendantFonts" => vec![cid_font.into()], "ToUnicode" => tu,
    });
    let page_id = doc.get_pages().into_values().next().unwrap();
    let content = b"BT /T0 12 Tf 72 600 Td (Memeriksa kelengkapan) Tj ET".to_vec();
    let content_id = doc.add_object(Stream::new(dictionary! {}, content));
    let page = doc.get_object_mut(page_id).unwrap().as_dict_mut().unwrap();
    page.set("Contents", content_id);
    let res = page.get_mut(b"Resources").unwrap().as_dict_mut().unwrap();
    let fonts = res.get_mut(b"Font").unwrap().as_dict_mut().unwrap();
    fonts.set("T0", font);
    let mut bytes = Vec::new();
    doc.save_to(&mut bytes).unwrap();
    let read = sopap::read(&bytes, &Budget::default()).unwrap();
    let text = read.plain_text();
    assert!(text.contains("Memeriksa kelengkapan"), "{text}");
}

/// Path construction operators that are never painted count against the page's budget:
/// a page building millions of vertices it never paints is `too-large`.
#[test]
fn unpainted_path_construction_counts_against_the_budget() {
    use lopdf::{Stream, dictionary};
    let mut doc = lopdf::Document::load_mem(&pdf_with_repeated_page(1, false)).unwrap();
    let page_id = doc.get_pages().into_values().next().unwrap();
    let content = "0 0 m 1 1 l ".repeat(1_000_001).into_bytes();
    let mut stream = Stream::new(dictionary! {}, content);
    stream.compress().unwrap();
    let content_id = doc.add_object(stream);
    let page = doc.get_object_mut(page_id).unwrap().as_dict_mut().unwrap();
    page.set("Contents", content_id);
    let mut bytes = Vec::new();
    doc.save_to(&mut bytes).unwrap();
    let err = sopap::read(&bytes, &Budget::default()).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::TooLarge, "{err}");
    assert!(err.to_string().contains("painted or not"), "{err}");
}

/// An OpenDocument presentation or drawing (or their templates) is `unsupported`, named
/// by its mimetype — not a spreadsheet read as `corrupt`.
#[test]
fn odf_presentations_and_drawings_are_unsupported_by_name() {
    for mime in [
        "application/vnd.oasis.opendocument.presentation-template",
        "application/vnd.oasis.opendocument.graphics",
    ] {
        let mut buf = Cursor::new(Vec::new());
        {
            let mut zw = zip::ZipWriter::new(&mut buf);
            let stored = zip::write::SimpleFileOptions::default()
                .compression_method(zip::CompressionMethod::Stored);
            zw.start_file("mimetype", stored).unwrap();
            zw.write_all(mime.as_bytes()).unwrap();
            zw.start_file("content.xml", stored).unwrap();
            zw.write_all(b"<office:document-content xmlns:office=\"urn:oasis:names:tc:opendocument:xmlns:office:1.0\"/>").unwrap();
            zw.finish().unwrap();
        }
        let err = sopap::read(&buf.into_inner(), &Budget::default()).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Unsupported, "{err}");
        assert!(err.to_string().contains(mime), "{err}");
    }
}
