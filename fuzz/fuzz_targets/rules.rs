//! Fuzz target for the rules parser: arbitrary text as one of the rule files (chosen by
//! the first byte) over the built-in others. Loading must give rules or a RulesError,
//! never panic; loaded rules must survive normalising a few phrases.
#![no_main]

use libfuzzer_sys::fuzz_target;
use sopap::rules::{DEFAULT_FILES, RuleSource, Rules};

fuzz_target!(|data: &[u8]| {
    let Some((&pick, rest)) = data.split_first() else {
        return;
    };
    let name = DEFAULT_FILES[pick as usize % DEFAULT_FILES.len()].0;
    let text = String::from_utf8_lossy(rest);
    let src = RuleSource::new(None).with_text(name, text.into_owned());
    if let Ok(rules) = Rules::from_source(&src) {
        let v = &rules.vocab;
        let _ = v.canonical_actor("Kasubbag Umum & Kepeg.");
        let _ = v.minutes("1 jam 30 menit");
        let _ = v.date("2 Januari 2019");
        let _ = v.identity_label("Tgl. Pembuatan");
        let _ = v.column_role("Uraian Kegiatan");
    }
});
