//! Duplicate groups across agencies: identical and near, groups not pairs, the
//! same-agency rule, and purity at a few thousand SOPs.

use crate::report_support;

use report_support::{CUTI, SURAT_MASUK, sop};
use sopap::{DuplicateKind, DuplicateRules, Sop, internals::find_duplicates as find};

fn agency(i: usize) -> String {
    format!("Kecamatan {i:02}")
}

#[test]
fn forty_agencies_with_the_same_procedure_make_one_identical_group() {
    let mut sops: Vec<Sop> = (0..40)
        .map(|i| {
            let mut s = sop(
                &format!("kec{i:02}/surat-masuk.docx"),
                &agency(i),
                "Pengelolaan Surat Masuk",
                &format!("800/{i}/2024"),
                SURAT_MASUK,
            );
            // Case, punctuation and spacing differ; the steps are the same.
            if i % 3 == 0 {
                for st in &mut s.steps {
                    st.activity = format!("  {}.", st.activity.to_uppercase());
                }
            }
            s
        })
        .collect();
    sops.push(sop(
        "setda/cuti.docx",
        "Sekretariat Daerah",
        "Cuti",
        "1/2024",
        CUTI,
    ));
    let groups = find(&sops, &DuplicateRules::default());
    assert_eq!(groups.len(), 1, "{groups:#?}");
    let g = &groups[0];
    assert_eq!(g.kind, DuplicateKind::Identical);
    assert_eq!(g.similarity, 1.0);
    assert_eq!(g.sops.len(), 40);
    assert_eq!(g.agencies.len(), 40);
    assert_eq!(g.sops[0], "kec00/surat-masuk.docx#1");
    assert_eq!(g.variants, vec!["kec00/surat-masuk.docx#1".to_string()]);
    assert!(!g.sops.iter().any(|id| id.starts_with("setda")));
}

#[test]
fn wording_variations_make_one_near_group() {
    let base = sop(
        "a/surat.docx",
        "Dinas A",
        "Pengelolaan Surat Masuk",
        "1",
        SURAT_MASUK,
    );
    // One word changed in one step.
    let mut v1 = sop(
        "b/surat.docx",
        "Dinas B",
        "Pengelolaan Surat Masuk",
        "2",
        SURAT_MASUK,
    );
    v1.steps[1].activity = "Mencatat surat masuk dalam buku register".into();
    // An extra step at the end.
    let mut v2 = sop(
        "c/surat.docx",
        "Dinas C",
        "Pengelolaan Surat Masuk",
        "3",
        SURAT_MASUK,
    );
    let mut extra = v2.steps[5].clone();
    extra.no = 7;
    extra.activity = "Menyimpan arsip surat".into();
    v2.steps.push(extra);
    // An identical copy of the base in a fourth agency.
    let copy = sop(
        "d/surat.docx",
        "Dinas D",
        "Pengelolaan Surat Masuk",
        "4",
        SURAT_MASUK,
    );
    // Another procedure altogether.
    let other = sop(
        "e/cuti.docx",
        "Dinas E",
        "Pelayanan Cuti Pegawai",
        "5",
        CUTI,
    );
    let groups = find(&[base, v1, v2, copy, other], &DuplicateRules::default());
    // the near group, and the identical pair inside it listed on its own (SPEC)
    assert_eq!(groups.len(), 2, "{groups:#?}");
    let g = &groups[0];
    assert_eq!(g.kind, DuplicateKind::Near);
    let inner = &groups[1];
    assert_eq!(inner.kind, DuplicateKind::Identical);
    assert_eq!(inner.similarity, 1.0);
    assert_eq!(inner.sops, vec!["a/surat.docx#1", "d/surat.docx#1"]);
    assert_eq!(inner.agencies, vec!["Dinas A", "Dinas D"]);
    assert_eq!(inner.variants, vec!["a/surat.docx#1"]);
    assert_eq!(
        g.sops,
        vec![
            "a/surat.docx#1",
            "b/surat.docx#1",
            "c/surat.docx#1",
            "d/surat.docx#1"
        ]
    );
    assert!(
        g.similarity >= 0.8 && g.similarity < 1.0,
        "{}",
        g.similarity
    );
    // Three distinct step sequences: base (with its copy), v1, v2.
    assert_eq!(
        g.variants,
        vec!["a/surat.docx#1", "b/surat.docx#1", "c/surat.docx#1"]
    );
    assert_eq!(g.agencies, vec!["Dinas A", "Dinas B", "Dinas C", "Dinas D"]);

    // A stricter threshold splits the variants off; the identical pair stays.
    let strict = DuplicateRules {
        near_similarity: 0.99,
        ..DuplicateRules::default()
    };
    let base = sop(
        "a/surat.docx",
        "Dinas A",
        "Pengelolaan Surat Masuk",
        "1",
        SURAT_MASUK,
    );
    let mut v1 = sop(
        "b/surat.docx",
        "Dinas B",
        "Pengelolaan Surat Masuk",
        "2",
        SURAT_MASUK,
    );
    v1.steps[1].activity = "Mencatat surat masuk dalam buku register".into();
    let copy = sop(
        "d/surat.docx",
        "Dinas D",
        "Pengelolaan Surat Masuk",
        "4",
        SURAT_MASUK,
    );
    let groups = find(&[base, v1, copy], &strict);
    assert_eq!(groups.len(), 1);
    assert_eq!(groups[0].kind, DuplicateKind::Identical);
    assert_eq!(groups[0].sops, vec!["a/surat.docx#1", "d/surat.docx#1"]);
}

#[test]
fn same_agency_rule_decides_whether_a_docx_and_its_pdf_group() {
    let a = sop(
        "dinkes/surat.docx",
        "Dinas Kesehatan",
        "Surat Masuk",
        "1",
        SURAT_MASUK,
    );
    let mut b = a.clone();
    b.id = "dinkes/surat.pdf#1".into();
    b.source.path = "dinkes/surat.pdf".into();
    let groups = find(&[a.clone(), b.clone()], &DuplicateRules::default());
    assert_eq!(groups.len(), 1);
    assert_eq!(
        groups[0].sops,
        vec!["dinkes/surat.docx#1", "dinkes/surat.pdf#1"]
    );
    assert_eq!(groups[0].agencies, vec!["Dinas Kesehatan"]);

    let across_only = DuplicateRules {
        same_agency: false,
        ..DuplicateRules::default()
    };
    assert!(find(&[a.clone(), b.clone()], &across_only).is_empty());
    // With a third agency the whole group is reported, same-agency members included.
    let c = sop(
        "dishub/surat.docx",
        "Dinas Perhubungan",
        "Surat Masuk",
        "2",
        SURAT_MASUK,
    );
    let groups = find(&[a, b, c], &across_only);
    assert_eq!(groups.len(), 1);
    assert_eq!(groups[0].sops.len(), 3);
}

#[test]
fn sops_with_too_few_steps_do_not_group() {
    let a = sop("a/x.docx", "A", "Selesai", "1", &["Selesai"]);
    let b = sop("b/x.docx", "B", "Selesai", "2", &["Selesai"]);
    let e1 = sop("c/x.docx", "C", "Kosong", "3", &[]);
    let e2 = sop("d/x.docx", "D", "Kosong", "4", &[]);
    assert!(find(&[a, b, e1, e2], &DuplicateRules::default()).is_empty());
}

/// Word pools for synthetic procedure families: each family gets its own words, so
/// families are far apart while variants of one family stay close.
fn family_steps(f: usize, variant: usize) -> Vec<String> {
    let verbs = [
        "Menerima",
        "Memeriksa",
        "Mencatat",
        "Meneruskan",
        "Menyetujui",
        "Mengarsipkan",
        "Menyerahkan",
        "Memverifikasi",
    ];
    (0..8)
        .map(|k| {
            let mut s = format!(
                "{} berkas prosedur{f} tahap{k} objek{}x{k} dokumen{f}",
                verbs[(f + k) % verbs.len()],
                f * 31 + k
            );
            // Variant 1 rewords step 3; variant 2 adds a word to step 5.
            if variant == 1 && k == 3 {
                s = s.replace("berkas", "dokumen");
            }
            if variant == 2 && k == 5 {
                s.push_str(" segera");
            }
            s
        })
        .collect()
}

#[test]
fn groups_are_exactly_the_families_at_scale() {
    let families = 60;
    let agencies = 40;
    let mut sops = Vec::new();
    for f in 0..families {
        for a in 0..agencies {
            let acts = family_steps(f, (a + f) % 3);
            let refs: Vec<&str> = acts.iter().map(String::as_str).collect();
            sops.push(sop(
                &format!("opd{a:02}/f{f:03}.docx"),
                &agency(a),
                &format!("Prosedur {f}"),
                &format!("{f}/{a}"),
                &refs,
            ));
        }
    }
    sops.sort_by(|x, y| x.id.cmp(&y.id));
    let t = std::time::Instant::now();
    let groups = find(&sops, &DuplicateRules::default());
    eprintln!("{} SOPs grouped in {:?}", sops.len(), t.elapsed());
    let (near, identical): (Vec<_>, Vec<_>) =
        groups.iter().partition(|g| g.kind == DuplicateKind::Near);
    assert_eq!(
        near.len(),
        families,
        "{:?}",
        near.iter().map(|g| g.sops.len()).collect::<Vec<_>>()
    );
    let family_of = |g: &sopap::DuplicateGroup| {
        g.sops
            .iter()
            .map(|id| id.split('/').nth(1).unwrap_or("").to_string())
            .collect::<std::collections::HashSet<String>>()
    };
    for g in &near {
        assert_eq!(g.sops.len(), agencies);
        assert_eq!(g.variants.len(), 3);
        assert_eq!(
            family_of(g).len(),
            1,
            "a group mixes families: {:?}",
            g.sops
        );
    }
    // each family's three identical classes are listed on their own too
    assert_eq!(identical.len(), families * 3);
    let mut per_family: std::collections::HashMap<String, usize> = Default::default();
    for g in &identical {
        let fam = family_of(g);
        assert_eq!(
            fam.len(),
            1,
            "an identical group mixes families: {:?}",
            g.sops
        );
        assert_eq!(g.similarity, 1.0);
        assert_eq!(g.variants.len(), 1);
        for f in fam {
            *per_family.entry(f).or_default() += g.sops.len();
        }
    }
    assert!(
        per_family.values().all(|&n| n == agencies),
        "{per_family:?}"
    );
}
