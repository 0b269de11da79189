//! Fuzz target for the PDF reader: arbitrary bytes read as PDF (format detection
//! bypassed, so the fuzzer reaches the reader itself), then the SOP parser on the
//! document that comes out. Seed it with the corpus files.
#![no_main]

use libfuzzer_sys::fuzz_target;
use sopap::Format;

fuzz_target!(|data: &[u8]| {
    let _ = sopap::fuzzing::read_as(Format::Pdf, data);
});
