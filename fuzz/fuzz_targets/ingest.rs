//! Fuzz target for the whole ingest stage: format detection and every reader (docx,
//! xlsx, xls, ods, pdf, doc) on arbitrary bytes, then the SOP parser on whatever model
//! comes out. It must return a document or a typed error, never panic or hang.
#![no_main]

use std::time::Duration;

use libfuzzer_sys::fuzz_target;
use sopap::ingest::{self, limits::Budget, limits::Limits};

fuzz_target!(|data: &[u8]| {
    let budget = Budget::new(Limits {
        time_budget: Duration::from_secs(5),
        ..Limits::default()
    });
    if let Ok(doc) = ingest::read(data, &budget)
        && let Ok(rules) = sopap::rules::Rules::defaults()
    {
        let _ = sopap::sop::parse(&doc, &rules);
    }
});
