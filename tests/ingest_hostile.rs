//! Odd and hostile files made in the test: each gets its deterministic kind, and none
//! reaches a library that would allocate without bound.

use std::io::{Cursor, Write};

use sopap::error::ErrorKind;
use sopap::ingest;
use sopap::ingest::limits::Budget;

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
        let err = ingest::read(&bytes, &Budget::default()).unwrap_err();
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
    let err = ingest::read(&bytes, &Budget::default()).unwrap_err();
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
    let doc = ingest::read(&bytes, &Budget::default()).unwrap();
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
    let err = ingest::read(&bytes, &Budget::default()).unwrap_err();
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
    let err = ingest::read(&bytes, &Budget::default()).unwrap_err();
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
    let doc = ingest::read(&bytes, &Budget::default()).unwrap();
    let text = doc.plain_text();
    assert_eq!(
        text.matches("Menerima berkas permohonan").count(),
        2,
        "{text}"
    );
    // A node among its own kids is still a loop, and corrupt.
    let bytes = pdf_with_repeated_page(1, true);
    let err = ingest::read(&bytes, &Budget::default()).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Corrupt, "{err}");
    assert!(err.to_string().contains("cycle"), "{err}");
}
