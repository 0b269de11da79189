//! Fuzz target for the whole ingest stage: format detection and every reader (docx,
//! xlsx, xls, ods, pdf, doc) on arbitrary bytes, then the SOP parser on whatever model
//! comes out. It must return a document or a typed error, never panic or hang.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = sopap::fuzzing::ingest(data);
});
