//! Fuzz target for the Word 97-2003 (.doc) reader: a whole OLE2 file, or the three
//! streams the Word parser reads behind two length words (see `sopap::fuzzing::doc`).
//! The reader must return a document or a typed error, never panic or hang.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = sopap::fuzzing::doc(data);
});
