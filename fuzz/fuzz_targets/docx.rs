//! Fuzz target for the .docx reader: arbitrary bytes read as .docx (format detection
//! bypassed, so the fuzzer reaches the reader itself). Seed it with the corpus files.
#![no_main]

use std::time::Duration;

use libfuzzer_sys::fuzz_target;
use sopap::ingest::{self, limits::Budget, limits::Limits};
use sopap::model::Format;

fuzz_target!(|data: &[u8]| {
    let budget = Budget::new(Limits {
        time_budget: Duration::from_secs(5),
        ..Limits::default()
    });
    let _ = ingest::read_as(Format::Docx, data, &budget);
});
