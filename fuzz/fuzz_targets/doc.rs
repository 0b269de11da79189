//! Fuzz target for the Word 97-2003 (.doc) reader.
//!
//! An input that starts with the OLE2 signature goes through the whole reader
//! (container included). Any other input is split into the three streams the Word
//! parser reads: two little-endian u32 lengths (WordDocument, table stream) and then
//! the streams' bytes, the rest being the `Data` stream. Either way the reader must
//! return a document or an error, never panic or hang.
#![no_main]

use std::time::Duration;

use libfuzzer_sys::fuzz_target;
use sopap::ingest::doc;
use sopap::ingest::limits::{Budget, Limits};

const OLE_MAGIC: [u8; 8] = [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];

fuzz_target!(|data: &[u8]| {
    let budget = Budget::new(Limits {
        time_budget: Duration::from_secs(5),
        ..Limits::default()
    });
    if data.starts_with(&OLE_MAGIC) {
        let _ = doc::read(data, &budget);
        return;
    }
    let len = |at: usize| -> usize {
        data.get(at..at + 4)
            .map(|b| u32::from_le_bytes([b[0], b[1], b[2], b[3]]) as usize)
            .unwrap_or(0)
    };
    let rest = data.get(8..).unwrap_or(&[]);
    let wd_len = len(0).min(rest.len());
    let (word, rest) = rest.split_at(wd_len);
    let table_len = len(4).min(rest.len());
    let (table, extra) = rest.split_at(table_len);
    let _ = doc::read_streams(word, table, extra, &budget);
});
