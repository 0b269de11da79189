//! Fuzz target for the rules parser: arbitrary text as one of the rule files (chosen by
//! the first byte) over the built-in others. Loading must give rules or a RulesError,
//! never panic; loaded rules must survive normalising a few phrases.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = sopap::fuzzing::rules(data);
});
