//! Findings per SOP and number collisions, over SOP records built here.

use crate::report_support;

use report_support::{CUTI, SURAT_MASUK, codes, rules, rules_with, sop};
use sopap::{
    Rules, RulesError, Severity, Symbol, cross_findings, internals::check_findings as check,
};

fn c(code: &str, step: Option<u32>) -> (String, Option<u32>) {
    (code.to_string(), step)
}

#[test]
fn complete_sop_has_no_findings() {
    let r = rules();
    let s = sop(
        "dinkes/a.docx",
        "Dinas Kesehatan",
        "Pengelolaan Surat Masuk",
        "800/1/2024",
        SURAT_MASUK,
    );
    assert_eq!(check(&s, &r), vec![]);
}

#[test]
fn missing_identity_fields_each_get_their_code() {
    let r = rules();
    let mut s = sop(
        "dinkes/a.docx",
        "Dinas Kesehatan",
        "Cuti",
        "800/2/2024",
        CUTI,
    );
    s.identity.number = Some("   ".into());
    s.identity.title = None;
    s.identity.legal_basis = vec!["".into()];
    s.identity.approved_by.as_mut().unwrap().name = None;
    s.identity.approved_by.as_mut().unwrap().position = None;
    s.identity.effective = None;
    s.identity.qualifications.clear();
    s.identity.related_sops.clear();
    s.identity.equipment.clear();
    s.identity.warnings.clear();
    s.identity.records.clear();
    s.findings = check(&s, &r);
    assert_eq!(
        codes(&s),
        vec![
            c("missing-number", None),
            c("missing-title", None),
            c("missing-approval", None),
            c("missing-effective-date", None),
            c("missing-legal-basis", None),
            c("missing-qualifications", None),
            c("missing-related-sops", None),
            c("missing-equipment", None),
            c("missing-warnings", None),
            c("missing-records", None),
        ]
    );
    let sev: Vec<Severity> = s.findings.iter().map(|f| f.severity).collect();
    assert_eq!(sev[0], Severity::Error);
    assert_eq!(sev[4], Severity::Warning);
    assert_eq!(sev[9], Severity::Info);
    assert!(s.findings[5].message.contains("Kualifikasi Pelaksana"));
}

#[test]
fn step_gaps_name_their_step() {
    let r = rules();
    let mut s = sop(
        "dinkes/a.docx",
        "Dinas Kesehatan",
        "Cuti",
        "800/2/2024",
        CUTI,
    );
    s.steps[1].actors.clear();
    s.steps[3].time = None;
    s.steps[2].output = Some(" ".into());
    // Step 2 becomes a decision without branches; step 3 a decision with its branches.
    s.steps[1].symbol = Some(Symbol::Decision);
    s.steps[2].symbol = Some(Symbol::Decision);
    s.steps[2].if_yes = Some(4);
    s.steps[2].if_no = Some(1);
    s.findings = check(&s, &r);
    assert_eq!(
        codes(&s),
        vec![
            c("step-without-actor", Some(2)),
            c("decision-without-branches", Some(2)),
            c("step-without-output", Some(3)),
            c("step-without-time", Some(4)),
        ]
    );
    assert_eq!(
        s.findings[3].message,
        "Langkah 4 belum memiliki mutu baku waktu."
    );
    assert_eq!(s.findings[0].severity, Severity::Error);
}

#[test]
fn start_and_end_terminators_are_checked_when_symbols_exist() {
    let r = rules();
    let mut s = sop("a/x.docx", "A", "Cuti", "1/2024", CUTI);
    s.steps[0].symbol = Some(Symbol::Process);
    s.steps[4].symbol = Some(Symbol::Process);
    s.findings = check(&s, &r);
    assert_eq!(
        codes(&s),
        vec![c("missing-start", Some(1)), c("missing-end", Some(5))]
    );

    // A mark table has no symbols: no start/end findings.
    for st in &mut s.steps {
        st.symbol = None;
    }
    assert_eq!(check(&s, &r), vec![]);
}

#[test]
fn narrative_question_without_branches_is_a_decision_gap() {
    let r = rules();
    let mut s = sop("a/x.docx", "A", "Cuti", "1/2024", CUTI);
    for st in &mut s.steps {
        st.symbol = None;
    }
    s.steps[1].activity = "Apakah berkas permohonan lengkap?".into();
    s.findings = check(&s, &r);
    assert_eq!(codes(&s), vec![c("decision-without-branches", Some(2))]);
}

#[test]
fn no_steps() {
    let r = rules();
    let mut s = sop("a/x.docx", "A", "Cuti", "1/2024", &[]);
    s.findings = check(&s, &r);
    assert_eq!(codes(&s), vec![c("no-steps", None)]);
}

#[test]
fn dates_in_the_future_before_1945_or_unreal_are_invalid() {
    let r = rules(); // as of 2026-06-01
    let mut s = sop("a/x.docx", "A", "Cuti", "1/2024", CUTI);
    s.identity.created = Some("1930-05-01".into());
    s.identity.revised = Some("2019-02-30".into());
    s.identity.effective = Some("2031-01-01".into());
    s.findings = check(&s, &r);
    assert_eq!(
        codes(&s),
        vec![
            c("invalid-date", None),
            c("invalid-date", None),
            c("invalid-date", None)
        ]
    );
    assert!(
        s.findings[0]
            .message
            .contains("Tanggal Pembuatan 1930-05-01")
    );
    assert!(s.findings[1].message.contains("\"2019-02-30\""));
    assert!(
        s.findings[2]
            .message
            .contains("2031-01-01 melewati tanggal acuan 2026-06-01")
    );
}

#[test]
fn stale_is_measured_against_the_as_of_date() {
    let mut r = rules(); // review period 3 years
    let mut s = sop("a/x.docx", "A", "Cuti", "1/2024", CUTI);
    s.identity.created = Some("2018-01-01".into());
    s.identity.effective = Some("2023-05-31".into());
    assert_eq!(
        codes(&{
            let mut t = s.clone();
            t.findings = check(&t, &r);
            t
        }),
        vec![c("stale", None)]
    );
    // Exactly three years before the as-of date is not yet stale.
    s.identity.effective = Some("2023-06-01".into());
    assert_eq!(check(&s, &r), vec![]);
    // A later revision keeps an old SOP current.
    s.identity.effective = Some("2015-01-01".into());
    s.identity.revised = Some("2025-01-01".into());
    assert_eq!(check(&s, &r), vec![]);
    // Moving the as-of date makes it stale.
    r.findings.as_of = sopap::Date::parse_iso("2030-01-01").unwrap();
    let f = check(&s, &r);
    assert_eq!(f.len(), 1);
    assert_eq!(f[0].code, "stale");
    assert!(f[0].message.contains("2025-01-01"), "{}", f[0].message);
}

#[test]
fn too_many_actors_uses_the_threshold() {
    let r = rules(); // max 7
    let mut s = sop("a/x.docx", "A", "Cuti", "1/2024", CUTI);
    s.actors = (1..=8).map(|i| format!("Pejabat {i}")).collect();
    let f = check(&s, &r);
    assert_eq!(f.len(), 1);
    assert_eq!(f[0].code, "too-many-actors");
    assert!(f[0].message.contains("8 pelaksana"));
    s.actors.truncate(7);
    assert_eq!(check(&s, &r), vec![]);
}

#[test]
fn unknown_actor_follows_vocabulary() {
    let r = Rules::defaults().unwrap();
    let mut s = sop("a/x.docx", "A", "Cuti", "1/2024", CUTI);
    s.actors.push("Juru Ketik Honorer Zzz".into());
    let f = check(&s, &r);
    let flagged: Vec<&str> = f
        .iter()
        .filter(|f| f.code == "unknown-actor")
        .map(|f| f.message.as_str())
        .collect();
    let expected: Vec<&String> = s
        .actors
        .iter()
        .filter(|a| !r.vocab.is_known_actor(a))
        .collect();
    assert_eq!(flagged.len(), expected.len());
    // The builder's actors are titles of the built-in vocabulary; the invented one is not.
    assert_eq!(expected, vec!["Juru Ketik Honorer Zzz"]);
    assert_eq!(f.len(), 1, "{f:?}");
    assert_eq!(f[0].severity, Severity::Info);
    for (m, a) in flagged.iter().zip(expected) {
        assert!(m.contains(&format!("\"{a}\"")), "{m}");
    }
}

#[test]
fn rules_file_sets_severity_thresholds_and_switches_codes_off() {
    let r = rules_with(
        "[severity]\nstep-without-time = \"off\"\nstep-without-output = \"error\"\n\
         unknown-actor = \"off\"\n[thresholds]\nmax_actors = 1\n",
    );
    let mut s = sop("a/x.docx", "A", "Cuti", "1/2024", CUTI);
    s.steps[0].time = None;
    s.steps[0].output = None;
    let f = check(&s, &r);
    let got: Vec<(&str, Severity)> = f.iter().map(|f| (f.code.as_str(), f.severity)).collect();
    assert_eq!(
        got,
        vec![
            ("step-without-output", Severity::Error),
            ("too-many-actors", Severity::Info)
        ]
    );
}

#[test]
fn unknown_code_or_severity_in_rules_is_invalid() {
    for text in [
        "[severity]\nmissing-nomor = \"error\"\n",
        "[severity]\nstale = \"fatal\"\n",
        "[duplicates]\nnear_similarity = 1.5\n",
    ] {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("findings.toml"), text).unwrap();
        let e = Rules::load(Some(dir.path())).unwrap_err();
        assert!(matches!(e, RulesError::Invalid { .. }), "{text}: {e}");
        assert!(e.to_string().contains("findings.toml"), "{e}");
    }
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("findings.toml"),
        "[thresholds]\nmax_aktor = 3\n",
    )
    .unwrap();
    let e = Rules::load(Some(dir.path())).unwrap_err();
    assert!(matches!(e, RulesError::Syntax { .. }), "{e}");
    assert!(e.to_string().contains("max_aktor"), "{e}");
}

#[test]
fn number_collisions_within_and_across_agencies() {
    let r = rules();
    let mut a = sop(
        "dinkes/surat.docx",
        "Dinas Kesehatan",
        "Pengelolaan Surat Masuk",
        "800/12/SOP/2024",
        SURAT_MASUK,
    );
    // The same SOP exported to PDF in the same agency: not a collision.
    let mut a_pdf = a.clone();
    a_pdf.id = "dinkes/surat.pdf#1".into();
    a_pdf.source.path = "dinkes/surat.pdf".into();
    // Another agency reuses the number (spacing differs) for a different SOP.
    let b = sop(
        "dispenda/cuti.docx",
        "Dinas Pendapatan",
        "Pelayanan Cuti Pegawai",
        "800 / 12 / sop / 2024",
        CUTI,
    );
    // Same agency, same number, another procedure.
    let c2 = sop(
        "dinkes/cuti.docx",
        "Dinas Kesehatan",
        "Pelayanan Cuti Pegawai",
        "800/13/SOP/2024",
        CUTI,
    );
    let mut c3 = sop(
        "dinkes/arsip.docx",
        "Dinas Kesehatan",
        "Pengarsipan",
        "800/13/SOP/2024",
        SURAT_MASUK,
    );
    c3.steps.pop();
    // A placeholder number is no number.
    let d1 = sop("x/1.docx", "X", "Satu", "-", CUTI);
    let d2 = sop("y/2.docx", "Y", "Dua", "-", SURAT_MASUK);
    a.findings.clear();
    let mut all = vec![a, a_pdf, b, c2, c3, d1, d2];
    all.sort_by(|x, y| x.id.cmp(&y.id));
    cross_findings(&mut all, &r);
    let with: Vec<&str> = all
        .iter()
        .filter(|s| s.findings.iter().any(|f| f.code == "number-collision"))
        .map(|s| s.id.as_str())
        .collect();
    assert_eq!(
        with,
        vec![
            "dinkes/arsip.docx#1",
            "dinkes/cuti.docx#1",
            "dinkes/surat.docx#1",
            "dinkes/surat.pdf#1",
            "dispenda/cuti.docx#1"
        ]
    );
    let b = all.iter().find(|s| s.id == "dispenda/cuti.docx#1").unwrap();
    let f = b
        .findings
        .iter()
        .find(|f| f.code == "number-collision")
        .unwrap();
    assert_eq!(f.severity, Severity::Error);
    assert!(
        f.message
            .starts_with("Nomor SOP 800 / 12 / sop / 2024 juga dipakai oleh"),
        "{}",
        f.message
    );
    assert!(
        f.message
            .contains("\"Pengelolaan Surat Masuk\" (Dinas Kesehatan, dinkes/surat.docx#1)")
    );
    assert!(f.message.contains("dinkes/surat.pdf#1"));
    // The own findings are computed too, and a second pass does not repeat a collision.
    cross_findings(&mut all, &r);
    let b = all.iter().find(|s| s.id == "dispenda/cuti.docx#1").unwrap();
    assert_eq!(codes(b), vec![c("number-collision", None)]);
}

#[test]
fn a_widely_shared_number_names_three_and_counts_the_rest() {
    let r = rules();
    let mut all: Vec<_> = (0..6)
        .map(|i| {
            let mut s = sop(
                &format!("opd{i}/x.docx"),
                &format!("OPD {i}"),
                &format!("Prosedur {i}"),
                "01/SOP/2020",
                CUTI,
            );
            s.identity.effective = Some("2025-01-01".into());
            s
        })
        .collect();
    cross_findings(&mut all, &r);
    for s in &all {
        assert_eq!(codes(s), vec![c("number-collision", None)]);
    }
    let m = &all[0].findings[0].message;
    assert_eq!(
        m,
        "Nomor SOP 01/SOP/2020 juga dipakai oleh \"Prosedur 1\" (OPD 1, opd1/x.docx#1), \
         \"Prosedur 2\" (OPD 2, opd2/x.docx#1), \"Prosedur 3\" (OPD 3, opd3/x.docx#1) dan 2 SOP \
         lainnya; beri nomor yang berbeda."
    );
}
