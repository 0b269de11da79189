//! Fuzz target for the zip-package readers (.docx, .xlsx, .ods) past the zip layer: the
//! input lists parts as text (`@@ word/document.xml` then the part's bytes), which are
//! stored uncompressed in a zip that goes through detection, the reader and the SOP
//! parser (see `sopap::fuzzing::package`). Mutations so land in the XML itself rather
//! than in a deflate stream whose CRC then fails. Seed it with `fuzz/seed_package.py`.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = sopap::fuzzing::package_input(data);
});
