//! Builders of SOP records for the report tests (no parser needed).
#![allow(dead_code)]

use sopap::{Approver, Date, Identity, Layout, Rules, Sop, Source, Step, Symbol};

/// Default rules with a fixed as-of date, with `unknown-actor` switched off (the actor
/// vocabulary is another module's; `unknown_actor_follows_vocabulary` tests that code).
pub fn rules() -> Rules {
    rules_with("[severity]\nunknown-actor = \"off\"\n")
}

/// Rules with `findings.toml` replaced by `text`, as-of 2026-06-01.
pub fn rules_with(text: &str) -> Rules {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("findings.toml"), text).unwrap();
    let mut r = Rules::load(Some(dir.path())).unwrap();
    r.findings.as_of = Date::parse_iso("2026-06-01").unwrap();
    r
}

/// A complete SOP: every identity field, every step with actor, time and output, a start
/// and an end terminator.
pub fn sop(path: &str, agency: &str, title: &str, number: &str, acts: &[&str]) -> Sop {
    let n = acts.len();
    let steps = acts
        .iter()
        .enumerate()
        .map(|(i, a)| Step {
            no: i as u32 + 1,
            activity: a.to_string(),
            actors: vec![
                if i % 2 == 0 {
                    "Pelaksana"
                } else {
                    "Kepala Sub Bagian Umum dan Kepegawaian"
                }
                .into(),
            ],
            symbol: Some(if i == 0 || i + 1 == n {
                Symbol::Terminator
            } else {
                Symbol::Process
            }),
            requirements: Some("Berkas".into()),
            time: Some("10 menit".into()),
            minutes: Some(10.0),
            output: Some("Dokumen".into()),
            notes: None,
            next: if i + 1 < n {
                vec![i as u32 + 2]
            } else {
                vec![]
            },
            if_yes: None,
            if_no: None,
        })
        .collect();
    Sop {
        id: format!("{path}#1"),
        source: Source {
            path: path.into(),
            format: "docx".into(),
            sha256: "0".repeat(64),
            index: 1,
            ocr: false,
        },
        agency: Some(agency.into()),
        layout: Layout::FlowchartTable,
        identity: Identity {
            number: Some(number.into()),
            title: Some(title.into()),
            unit: Some("Sub Bagian Umum".into()),
            created: Some("2024-01-02".into()),
            revised: None,
            effective: Some("2024-02-01".into()),
            approved_by: Some(Approver {
                name: Some("Drs. Budi Santoso, M.Si".into()),
                nip: Some("196801011990031001".into()),
                position: Some("Kepala Dinas".into()),
            }),
            legal_basis: vec!["Peraturan Menteri PANRB Nomor 35 Tahun 2012".into()],
            qualifications: vec!["Memahami tata naskah dinas".into()],
            related_sops: vec!["SOP Pengarsipan".into()],
            equipment: vec!["Komputer".into()],
            warnings: vec!["Surat rahasia tidak boleh dibuka".into()],
            records: vec!["Buku agenda".into()],
        },
        actors: vec![
            "Pelaksana".into(),
            "Kepala Sub Bagian Umum dan Kepegawaian".into(),
        ],
        steps,
        findings: vec![],
    }
}

/// The activities of "Pengelolaan Surat Masuk".
pub const SURAT_MASUK: &[&str] = &[
    "Menerima surat masuk dari pengantar surat",
    "Mencatat surat masuk dalam buku agenda",
    "Meneruskan surat kepada Sekretaris untuk diberi disposisi",
    "Memberikan disposisi surat kepada pejabat yang berwenang",
    "Menindaklanjuti surat sesuai disposisi pimpinan",
    "Mengarsipkan surat yang telah ditindaklanjuti",
];

/// The activities of "Pelayanan Cuti Pegawai".
pub const CUTI: &[&str] = &[
    "Mengajukan permohonan cuti dengan mengisi formulir",
    "Memeriksa kelengkapan berkas permohonan cuti",
    "Memberikan paraf persetujuan atasan langsung",
    "Menerbitkan surat izin cuti pegawai",
    "Menyerahkan surat izin cuti kepada pegawai",
];

/// Codes of a list of findings, with their steps.
pub fn codes(sop: &Sop) -> Vec<(String, Option<u32>)> {
    sop.findings
        .iter()
        .map(|f| (f.code.to_string(), f.step))
        .collect()
}
