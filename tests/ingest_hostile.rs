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
