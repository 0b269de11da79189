//! The vocabulary from `rules/`: actor titles, identity labels, column headers, marks,
//! time in minutes, dates, decision cues and branches, `--rules` overrides, and the
//! narrative reader on hand-built paragraphs and tables.

use sopap::{
    Cell, ListInfo, Paragraph, Row, RuleSource, Rules, RulesError, Symbol, Table,
    internals::ColumnRole, internals::IdentityField, internals::Vocabulary,
    internals::parse_paragraphs, internals::parse_table, internals::sentence_actor,
};

fn vocab() -> Vocabulary {
    Vocabulary::load(&RuleSource::default()).unwrap()
}

// ------------------------------------------------------------------------------ actors

#[test]
fn abbreviation_table_every_row() {
    let v = vocab();
    let rows: &[(&str, &str)] = &[
        // Ka., Kpl., Kep. = Kepala
        ("Ka. Bidang Anggaran", "Kepala Bidang Anggaran"),
        ("Kpl. Badan", "Kepala Badan"),
        ("Kep. Dinas", "Kepala Dinas"),
        ("Kadis", "Kepala Dinas"),
        ("Kadin", "Kepala Dinas"),
        ("Kaban", "Kepala Badan"),
        ("Kabid Anggaran", "Kepala Bidang Anggaran"),
        ("Ka.Bid Perbendaharaan", "Kepala Bidang Perbendaharaan"),
        ("Kabag Organisasi", "Kepala Bagian Organisasi"),
        ("Ka.Bag Organisasi", "Kepala Bagian Organisasi"),
        ("Kasubbag Keuangan", "Kepala Sub Bagian Keuangan"),
        ("Kasubag Perencanaan", "Kepala Sub Bagian Perencanaan"),
        ("Ka. Subbag. Tata Laksana", "Kepala Sub Bagian Tata Laksana"),
        ("Ka.Sub.Bag Keuangan", "Kepala Sub Bagian Keuangan"),
        ("Kasub Bag Perencanaan", "Kepala Sub Bagian Perencanaan"),
        ("Kasi Pemerintahan", "Kepala Seksi Pemerintahan"),
        ("Kasie Pelayanan Umum", "Kepala Seksi Pelayanan Umum"),
        ("Ka.Si Pemerintahan", "Kepala Seksi Pemerintahan"),
        ("Ka.Sie Kesos", "Kepala Seksi Kesejahteraan Sosial"),
        ("Sek.", "Sekretaris"),
        ("Sekr.", "Sekretaris"),
        ("Sekdis", "Sekretaris"),
        ("Sekretaris Dinas", "Sekretaris"),
        ("Sekban", "Sekretaris"),
        ("Sekretaris Badan", "Sekretaris"),
        ("Sekcam", "Sekretaris Camat"),
        ("Sekretaris Kecamatan", "Sekretaris Camat"),
        ("Seklur", "Sekretaris Lurah"),
        ("Sekel", "Sekretaris Lurah"),
        ("Sekretaris Kelurahan", "Sekretaris Lurah"),
        ("Sekda", "Sekretaris Daerah"),
        ("Asisten III", "Asisten Administrasi Umum"),
        ("Kasat Pol PP", "Kepala Satuan Polisi Pamong Praja"),
        ("Kasatpol PP", "Kepala Satuan Polisi Pamong Praja"),
        ("Kasubbag Umpeg", "Kepala Sub Bagian Umum dan Kepegawaian"),
        (
            "Kasubbag Umum & Kepeg.",
            "Kepala Sub Bagian Umum dan Kepegawaian",
        ),
        (
            "Kasubbag Umum dan Kepeg.",
            "Kepala Sub Bagian Umum dan Kepegawaian",
        ),
        ("Kasubbag Keu", "Kepala Sub Bagian Keuangan"),
        ("Kasubbag Renc.", "Kepala Sub Bagian Perencanaan"),
        ("Kabid Yankes", "Kepala Bidang Pelayanan Kesehatan"),
        ("Kasi Yanum", "Kepala Seksi Pelayanan Umum"),
        (
            "Kabid P2P",
            "Kepala Bidang Pencegahan dan Pengendalian Penyakit",
        ),
        ("Kabid Dikdas", "Kepala Bidang Pendidikan Dasar"),
        ("Kabid Dafduk", "Kepala Bidang Pendaftaran Penduduk"),
        ("Kabid Capil", "Kepala Bidang Pencatatan Sipil"),
        ("Kasi IDP", "Kepala Seksi Identitas Penduduk"),
        ("Kabid Gakda", "Kepala Bidang Penegakan Peraturan Daerah"),
        ("Kasi Trantib", "Kepala Seksi Ketentraman dan Ketertiban"),
        ("Kasi Kesos", "Kepala Seksi Kesejahteraan Sosial"),
        ("Kasi Pem", "Kepala Seksi Pemerintahan"),
        (
            "Kasubbag Kelembagaan & Anjab",
            "Kepala Sub Bagian Kelembagaan dan Analisis Jabatan",
        ),
        ("Kasubbag Tatalaksana", "Kepala Sub Bagian Tata Laksana"),
        (
            "Kasi Ketentraman & Ketertiban",
            "Kepala Seksi Ketentraman dan Ketertiban",
        ),
        ("JFU", "Jabatan Fungsional Umum"),
        ("J.F.U", "Jabatan Fungsional Umum"),
        ("Fungsional Umum", "Jabatan Fungsional Umum"),
        ("Staf", "Pelaksana"),
        ("Staff", "Pelaksana"),
        ("Staf Pelaksana", "Pelaksana"),
        ("PNS", "Pegawai"),
        ("ASN", "Pegawai"),
        ("Pegawai ybs", "Pegawai"),
        ("Pegawai ybs (yang bersangkutan)", "Pegawai"),
        ("BPP", "Bendahara Pengeluaran"),
        ("Bend. Pengeluaran", "Bendahara Pengeluaran"),
        ("Ptgs. Loket", "Petugas Loket"),
        ("Opr.", "Operator"),
        ("Pengurus Brg", "Pengurus Barang"),
        ("PPK", "Pejabat Pembuat Komitmen"),
        ("Kuasa BUD", "Kuasa Bendahara Umum Daerah"),
        ("K-BUD", "Kuasa Bendahara Umum Daerah"),
        ("Anggota Pol PP", "Anggota Satuan Polisi Pamong Praja"),
        ("Personil Satpol PP", "Anggota Satuan Polisi Pamong Praja"),
        (
            "Kasi Yan. Kes. Rujukan",
            "Kepala Seksi Pelayanan Kesehatan Rujukan",
        ),
        ("Pelaks.", "Pelaksana"),
        ("Bend. Pengel.", "Bendahara Pengeluaran"),
        ("Pjbt. Pengadaan", "Pejabat Pengadaan"),
        ("Bendaharawan", "Bendahara"),
        ("Rekanan", "Penyedia"),
        ("Penyedia Barang/Jasa", "Penyedia"),
        ("Petugas Front Office", "Petugas Loket"),
        ("Bpk. Camat", "Camat"),
        ("Masyarakat (Pemohon)", "Pemohon"),
        ("Pelaksana/Staf", "Pelaksana"),
    ];
    for (written, means) in rows {
        assert_eq!(v.canonical_actor(written), *means, "{written}");
        assert!(v.is_known_actor(means), "{means}");
    }
}

/// An alias misread by OCR by a character or two (a slash read as "!") still names its
/// title; a name nowhere near an alias stays as written.
#[test]
fn an_alias_with_an_ocr_typo_still_names_its_title() {
    let v = vocab();
    assert_eq!(v.canonical_actor("Penyedia Barang! Jasa"), "Penyedia");
    assert_eq!(v.canonical_actor("Penyedia Barang/Jasa"), "Penyedia");
    assert_eq!(
        v.canonical_actor("Pemasok Barang Impor"),
        "Pemasok Barang Impor"
    );
}

#[test]
fn actor_case_spacing_and_heads() {
    let v = vocab();
    assert_eq!(
        v.canonical_actor("KASUBAG UMUM & KEPEGAWAIAN"),
        "Kepala Sub Bagian Umum dan Kepegawaian"
    );
    assert_eq!(
        v.canonical_actor("  Ka. Subbag.   Umum dan\nKepeg. "),
        "Kepala Sub Bagian Umum dan Kepegawaian"
    );
    assert_eq!(v.canonical_actor("Kepala Dinas Kesehatan"), "Kepala Dinas");
    assert_eq!(
        v.canonical_actor("Kepala Badan Kepegawaian dan Pengembangan Sumber Daya Manusia"),
        "Kepala Badan"
    );
    assert_eq!(v.canonical_actor("Camat Tomohon Utara"), "Camat");
    assert_eq!(
        v.canonical_actor("Kepala Subbagian Umum dan Kepegawaian"),
        "Kepala Sub Bagian Umum dan Kepegawaian"
    );
    assert_eq!(
        v.canonical_actor("Kabag Organisasi Setda"),
        "Kepala Bagian Organisasi"
    );
    assert_eq!(
        v.canonical_actor("Kepala Dinas selaku Pengguna Anggaran"),
        "Kepala Dinas"
    );
    assert_eq!(
        v.canonical_actor("Pejabat Pembuat Komitmen (PPK)"),
        "Pejabat Pembuat Komitmen"
    );
    assert_eq!(
        v.canonical_actor("Sekretaris Dinas Kependudukan dan Pencatatan Sipil"),
        "Sekretaris"
    );
    // A typo in a long title.
    assert_eq!(
        v.canonical_actor("Kepala Sub Bagian Umum dan Kepegawain"),
        "Kepala Sub Bagian Umum dan Kepegawaian"
    );
    // Kepala Badan and Kepala Bidang are not one typo apart.
    assert_eq!(v.canonical_actor("Kepala Bidang"), "Kepala Bidang");
    assert_eq!(v.canonical_actor("Kepala Badan"), "Kepala Badan");
}

#[test]
fn local_titles_are_kept_as_written() {
    let v = vocab();
    assert_eq!(v.canonical_actor("PRAMU BAKTI"), "Pramu Bakti");
    assert_eq!(v.canonical_actor("Tim  Verifikasi"), "Tim Verifikasi");
    assert_eq!(v.canonical_actor("Petugas Arsip"), "Petugas Arsip");
    // Word abbreviations only serve to recognise known titles.
    assert_eq!(v.canonical_actor("Admin Anggaran"), "Admin Anggaran");
    assert_eq!(v.canonical_actor("PNS yang bersangkutan"), "Pegawai");
    assert_eq!(
        v.canonical_actor("BPS Kabupaten/Kota"),
        "BPS Kabupaten/Kota"
    );
    assert_eq!(v.canonical_actor("Kasubbag Umum"), "Kepala Sub Bagian Umum");
    assert!(!v.is_known_actor("Pramu Bakti"));
    assert_eq!(v.canonical_actor(""), "");
}

// -------------------------------------------------------------------- labels, headers

#[test]
fn identity_label_variants_and_typos() {
    let v = vocab();
    let cases: &[(&str, IdentityField)] = &[
        ("Nomor SOP", IdentityField::Number),
        ("No. SOP", IdentityField::Number),
        ("NOMOR SOP :", IdentityField::Number),
        ("Nomor", IdentityField::Number),
        ("Tanggal Pembuatan", IdentityField::Created),
        ("Tgl. Pembuatan", IdentityField::Created),
        ("Tgl Pembuatan", IdentityField::Created),
        ("Tangal Pembuatan", IdentityField::Created),
        ("TANGGAL REVISI", IdentityField::Revised),
        ("Tgl. Revisi", IdentityField::Revised),
        ("Tanggal Efektif", IdentityField::Effective),
        ("Tanggal Efective", IdentityField::Effective),
        ("Tgl. Efektif", IdentityField::Effective),
        ("Disahkan oleh", IdentityField::ApprovedBy),
        ("DISAHKAN OLEH", IdentityField::ApprovedBy),
        ("Nama SOP", IdentityField::Title),
        ("Judul SOP", IdentityField::Title),
        ("Unit Kerja", IdentityField::Unit),
        ("UNIT", IdentityField::Unit),
        ("Dasar Hukum:", IdentityField::LegalBasis),
        ("1. Dasar Hukum", IdentityField::LegalBasis),
        ("Kualifikasi Pelaksana", IdentityField::Qualifications),
        ("Kualifiksi Pelaksana", IdentityField::Qualifications),
        ("Kualifikasi Pelaksanaan:", IdentityField::Qualifications),
        ("Keterkaitan", IdentityField::RelatedSops),
        ("Keterkaitan SOP", IdentityField::RelatedSops),
        // a shortened qualifier word after the role word
        ("Keterkaitan dg SOP lain", IdentityField::RelatedSops),
        ("Keterkaitan dgn SOP Lainnya", IdentityField::RelatedSops),
        (
            "Kualifikasi Pelaksana yg diperlukan",
            IdentityField::Qualifications,
        ),
        ("Sarana & Prasarana", IdentityField::Equipment),
        ("Peralatan/Perlengkapan", IdentityField::Equipment),
        ("PERALATAN / PERLENGKAPAN:", IdentityField::Equipment),
        ("Peralatan/Perlengapan", IdentityField::Equipment),
        ("Peralatan dan Perlengkapan", IdentityField::Equipment),
        ("Peringatan", IdentityField::Warnings),
        ("Peringtan", IdentityField::Warnings),
        ("Pencatatan dan Pendataan", IdentityField::Records),
        ("Pencatatan & Pendataan:", IdentityField::Records),
    ];
    for (label, field) in cases {
        assert_eq!(v.identity_label(label), Some(*field), "{label}");
    }
    for not_label in [
        "Nama",
        "NIP",
        "Kegiatan",
        "Mengajukan permohonan cuti",
        "No",
        "",
    ] {
        assert_eq!(v.identity_label(not_label), None, "{not_label}");
    }
}

#[test]
fn column_roles() {
    let v = vocab();
    let cases: &[(&str, ColumnRole)] = &[
        ("No", ColumnRole::Number),
        ("NO.", ColumnRole::Number),
        ("Kegiatan", ColumnRole::Activity),
        ("URAIAN KEGIATAN", ColumnRole::Activity),
        ("Aktivitas", ColumnRole::Activity),
        ("Uraian Prosedur", ColumnRole::Activity),
        ("Pelaksana", ColumnRole::Actors),
        ("MUTU BAKU", ColumnRole::MutuBaku),
        ("Mutu Buku", ColumnRole::MutuBaku),
        ("Kelengkapan", ColumnRole::Requirements),
        ("Kelengkapa n", ColumnRole::Requirements),
        ("Kelengkapan/Persyaratan", ColumnRole::Requirements),
        ("Persyaratan/ Kelengkapan", ColumnRole::Requirements),
        ("Perlengkapan", ColumnRole::Requirements),
        ("Sumber Data", ColumnRole::Requirements),
        ("Input", ColumnRole::Requirements),
        ("WAKTU", ColumnRole::Time),
        ("Output", ColumnRole::Output),
        ("OUTPUT", ColumnRole::Output),
        ("Keterangan", ColumnRole::Notes),
        ("Keterngan", ColumnRole::Notes),
        ("Ket.", ColumnRole::Notes),
        ("KET", ColumnRole::Notes),
    ];
    for (h, role) in cases {
        assert_eq!(v.column_role(h), Some(*role), "{h}");
    }
    assert_eq!(
        v.column_role("Keterangan / Catatan"),
        Some(ColumnRole::Notes)
    );
    assert_eq!(v.column_role("Waktu/Output"), None);
    // Synonyms of one role combined in one label (issue 13): "Staf" is an alias of
    // "Pelaksana", so the combination names the actor group.
    assert_eq!(v.column_role("Pelaksana/Staf"), Some(ColumnRole::Actors));
    assert_eq!(v.column_role("Kepala Dinas"), None);
    assert_eq!(v.column_role("15 menit"), None);
}

#[test]
fn marks() {
    let v = vocab();
    for m in [
        "√",
        "✓",
        "v",
        "V",
        "x",
        "X",
        "●",
        " √ ",
        "✔\u{fe0f}",
        "\u{f0fc}",
    ] {
        assert!(v.is_mark(m), "{m}");
    }
    for m in ["", "Ya", "vv", "Kepala"] {
        assert!(!v.is_mark(m), "{m}");
    }
}

// ---------------------------------------------------------------------- time, dates

#[test]
fn minutes_table_rows() {
    let v = vocab();
    let rows: &[(&str, f64)] = &[
        ("15 menit", 15.0),
        ("15 Menit", 15.0),
        ("15'", 15.0),
        ("10-15 menit", 15.0),
        ("1 jam", 60.0),
        ("2 Jam", 120.0),
        ("60 menit", 60.0),
        ("1 hari", 450.0),
        ("1 HK", 450.0),
        ("1 hari kerja", 450.0),
        ("1 Hari", 450.0),
        ("2 hari", 900.0),
        ("5 HK", 2250.0),
        ("1 x 24 jam", 450.0),
        ("1 minggu", 2250.0),
    ];
    for (t, m) in rows {
        assert_eq!(v.minutes(t), Some(*m), "{t}");
    }
    assert_eq!(v.minutes(""), None);
}

#[test]
fn minutes_everyday_phrasings() {
    let v = vocab();
    let rows: &[(&str, f64)] = &[
        ("30 mnt", 30.0),
        ("30 Mnt.", 30.0),
        ("1 jm", 60.0),
        ("½ jam", 30.0),
        ("1½ jam", 90.0),
        ("1/2 jam", 30.0),
        ("1 1/2 jam", 90.0),
        ("± 1 jam", 60.0),
        ("4 jam", 240.0),
        ("1,5 jam", 90.0),
        ("1.5 jam", 90.0),
        ("2 (dua) hari", 900.0),
        ("3 (tiga) hari kerja", 1350.0),
        ("± 30 menit", 30.0),
        ("+/- 10 menit", 10.0),
        ("kurang lebih 20 menit", 20.0),
        ("maks. 2 jam", 120.0),
        ("Maksimal 1 hari", 450.0),
        ("1 jam 30 menit", 90.0),
        ("2 x 24 jam", 900.0),
        ("3 - 5 hari kerja", 2250.0),
        ("1 s/d 2 hari", 900.0),
        ("10 sampai 15 menit", 15.0),
        ("10–15 menit", 15.0),
        ("15menit", 15.0),
        ("15 menit/berkas", 15.0),
        ("setengah jam", 30.0),
        ("dua hari", 900.0),
        ("seminggu", 2250.0),
        ("sehari", 450.0),
        ("2 minggu", 4500.0),
        ("1 jam - 2 jam", 120.0),
        ("3x24 jam", 1350.0),
        ("15 s.d 30 menit", 30.0),
        ("1 hari (7,5 jam)", 450.0),
        ("0,5 jam", 30.0),
        ("1 (satu) jam", 60.0),
        ("2 jam/hari", 120.0),
    ];
    for (t, m) in rows {
        assert_eq!(v.minutes(t), Some(*m), "{t}");
    }
    for t in [
        "-",
        "Segera",
        "menit",
        "15",
        "Sebelum periode revisi bulan berjalan",
    ] {
        assert_eq!(v.minutes(t), None, "{t}");
    }
}

#[test]
fn dates_each_written_form() {
    let v = vocab();
    let rows: &[(&str, &str)] = &[
        ("2 Januari 2019", "2019-01-02"),
        ("02 JANUARI 2019", "2019-01-02"),
        ("17 Agustus 2020", "2020-08-17"),
        ("1 Pebruari 2016", "2016-02-01"),
        ("5 Okt. 2021", "2021-10-05"),
        ("Tomohon, 12 Desember 2021", "2021-12-12"),
        ("02-01-2019", "2019-01-02"),
        ("02/01/2019", "2019-01-02"),
        ("02/01/19", "2019-01-02"),
        ("2.1.2019", "2019-01-02"),
        ("2019-01-02", "2019-01-02"),
        ("43467", "2019-01-02"),
        ("Januari 2, 2019", "2019-01-02"),
    ];
    for (w, iso) in rows {
        assert_eq!(v.date(w).as_deref(), Some(*iso), "{w}");
    }
    for w in [
        "-",
        "",
        "–",
        "........",
        "31 Februari 2019",
        "800/12/SOP/2019",
    ] {
        assert_eq!(v.date(w), None, "{w}");
    }
}

// ------------------------------------------------------------------ decisions, branches

#[test]
fn decisions_and_branches() {
    let v = vocab();
    assert!(v.is_decision("Apakah berkas lengkap?"));
    assert!(v.is_decision("Sesuai?"));
    assert!(v.is_decision("Lengkap?"));
    assert!(v.is_decision(
        "Memeriksa kelengkapan berkas, jika tidak lengkap dikembalikan kepada pemohon"
    ));
    assert!(!v.is_decision("Memeriksa dan memaraf konsep surat"));
    assert!(!v.is_decision("Menandatangani surat izin cuti"));

    assert_eq!(v.branch_targets("Tidak → 2, Ya → 4"), (Some(4), Some(2)));
    assert_eq!(v.branch_targets("Tidak -> 1, Ya -> 3"), (Some(3), Some(1)));
    assert_eq!(
        v.branch_targets("Jika tidak, kembali ke langkah 2"),
        (None, Some(2))
    );
    assert_eq!(v.branch_targets("Tidak: kembali ke no. 1"), (None, Some(1)));
    assert_eq!(
        v.branch_targets(
            "apakah penawaran memenuhi syarat? Jika ya, lanjut ke langkah 5; jika tidak, kembali ke langkah 3."
        ),
        (Some(5), Some(3))
    );
    assert_eq!(
        v.branch_targets("Berkas kurang, dikembalikan ke langkah 1"),
        (None, Some(1))
    );
    assert_eq!(
        v.branch_targets("Tidak lengkap: berkas dikembalikan kepada pemohon (langkah 1)"),
        (None, Some(1))
    );
    assert_eq!(
        v.branch_actor("Jika tidak lengkap, berkas dikembalikan kepada Masyarakat/Pemohon.")
            .as_deref(),
        Some("Pemohon")
    );
    assert_eq!(
        v.branch_actor("Jika tidak lengkap, berkas dikembalikan kepada Pemohon.")
            .as_deref(),
        Some("Pemohon")
    );
    assert_eq!(v.branch_targets("Ya Tidak"), (None, None));
    assert_eq!(v.branch_targets("Menyerahkan 2 berkas"), (None, None));
}

// ------------------------------------------------------------------------ overrides

#[test]
fn rules_override_adds_a_local_title() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("actors.toml"),
        "# local additions\nextend_defaults = true\ntitles = [\"Pengelola Arsip\"]\n\n[abbreviations]\n\"Pglola\" = \"Pengelola\"\n",
    )
    .unwrap();
    let rules = Rules::load(Some(dir.path())).unwrap();
    let v = &rules.vocab;
    assert_eq!(v.canonical_actor("PGLOLA ARSIP"), "Pengelola Arsip");
    assert!(v.is_known_actor("Pengelola Arsip"));
    // The built-in titles are still there.
    assert_eq!(v.canonical_actor("Kadis"), "Kepala Dinas");
}

#[test]
fn rules_override_replaces_a_file() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("actors.toml"),
        "titles = [\"Juru Ketik\"]\n[aliases]\n\"Pengetik\" = \"Juru Ketik\"\n",
    )
    .unwrap();
    let src = RuleSource::new(Some(dir.path()));
    let v = Vocabulary::load(&src).unwrap();
    assert_eq!(v.canonical_actor("pengetik"), "Juru Ketik");
    assert!(!v.is_known_actor("Kepala Dinas"));
    // Other files keep their built-in defaults.
    assert_eq!(v.minutes("1 jam"), Some(60.0));
}

#[test]
fn malformed_rules_file_names_file_and_line() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("time.toml"),
        "workday_minutes = 450\n\n[[units]]\nwords = [\"menit\"\nminutes = 1\n",
    )
    .unwrap();
    let err = Vocabulary::load(&RuleSource::new(Some(dir.path()))).unwrap_err();
    let msg = err.to_string();
    assert!(msg.contains("time.toml"), "{msg}");
    assert!(
        matches!(err, RulesError::Syntax { line, .. } if line >= 4),
        "{msg}"
    );

    // An unknown key is a shape error with its line too.
    std::fs::write(
        dir.path().join("time.toml"),
        "workday_minutes = 450\nworkday_hours = 7\n",
    )
    .unwrap();
    let err = Vocabulary::load(&RuleSource::new(Some(dir.path()))).unwrap_err();
    assert!(matches!(err, RulesError::Syntax { line: 2, .. }), "{err}");
}

#[test]
fn bad_regex_and_bad_values_are_invalid() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("decisions.toml"),
        "questions = ['apakah (']\n",
    )
    .unwrap();
    let err = Vocabulary::load(&RuleSource::new(Some(dir.path()))).unwrap_err();
    assert!(
        matches!(&err, RulesError::Invalid { file, .. } if file.contains("decisions.toml")),
        "{err}"
    );

    std::fs::remove_file(dir.path().join("decisions.toml")).unwrap();
    std::fs::write(
        dir.path().join("actors.toml"),
        "titles = [\"Camat\"]\n[aliases]\n\"Pak Camat\" = \"Bupati\"\n",
    )
    .unwrap();
    let err = Vocabulary::load(&RuleSource::new(Some(dir.path()))).unwrap_err();
    assert!(err.to_string().contains("Bupati"), "{err}");

    std::fs::remove_file(dir.path().join("actors.toml")).unwrap();
    std::fs::write(
        dir.path().join("labels.toml"),
        "[fields]\nnomer = [\"Nomer\"]\n",
    )
    .unwrap();
    let err = Vocabulary::load(&RuleSource::new(Some(dir.path()))).unwrap_err();
    assert!(err.to_string().contains("nomer"), "{err}");
}

#[test]
fn workday_is_a_rule() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("time.toml"),
        "extend_defaults = true\nworkday_minutes = 480\n",
    )
    .unwrap();
    let v = Vocabulary::load(&RuleSource::new(Some(dir.path()))).unwrap();
    assert_eq!(v.minutes("1 hari"), Some(480.0));
    assert_eq!(v.minutes("1 HK"), Some(480.0));
    assert_eq!(v.minutes("1 jam"), Some(60.0));
    assert_eq!(v.workday_minutes(), 480.0);
}

// ------------------------------------------------------------------------ narratives

fn para(text: &str) -> Paragraph {
    Paragraph {
        text: text.into(),
        ..Default::default()
    }
}

#[test]
fn narrative_list_subjects_agents_and_branches() {
    let v = vocab();
    let ps = [
        para("1. Berkas permohonan izin disampaikan oleh Masyarakat (Pemohon)."),
        para("2. Petugas Front Office menerima dan memeriksa berkas, apakah berkas lengkap?"),
        para("Jika ya, lanjut ke langkah 3; jika tidak, kembali ke langkah 1."),
        para("3. Kasi Yanum memverifikasi data pemohon."),
        para("4) Surat izin diparaf oleh Sekcam Tomohon Utara."),
        para("5. CAMAT menandatangani surat izin."),
        para("6. Ptgs. Arsip mengarsipkan salinan surat izin."),
        para("Tomohon, 2 Januari 2019"),
        para("Kepala Dinas,"),
    ];
    let refs: Vec<&Paragraph> = ps.iter().collect();
    let steps = parse_paragraphs(&refs, &v);
    let nos: Vec<u32> = steps.iter().map(|s| s.no).collect();
    assert_eq!(nos, vec![1, 2, 3, 4, 5, 6]);
    let actors: Vec<&str> = steps
        .iter()
        .map(|s| s.actors.first().map_or("", String::as_str))
        .collect();
    assert_eq!(
        actors,
        vec![
            "Pemohon",
            "Petugas Loket",
            "Kepala Seksi Pelayanan Umum",
            "Sekretaris Camat",
            "Camat",
            "Ptgs. Arsip"
        ]
    );
    assert_eq!(
        steps[0].activity,
        "Berkas permohonan izin disampaikan oleh Masyarakat (Pemohon)."
    );
    // The wrapped line belongs to step 2, which is a decision.
    assert!(steps[1].activity.ends_with("kembali ke langkah 1."));
    assert_eq!(steps[1].symbol, Some(Symbol::Decision));
    assert_eq!((steps[1].if_yes, steps[1].if_no), (Some(3), Some(1)));
    assert_eq!(steps[1].next, vec![3, 1]);
    assert_eq!(steps[0].symbol, Some(Symbol::Terminator));
    assert_eq!(steps[2].symbol, Some(Symbol::Process));
    assert_eq!(steps[5].symbol, Some(Symbol::Terminator));
    assert_eq!(steps[2].next, vec![4]);
    assert!(steps[5].next.is_empty());
    // The date and signature lines after the last step are not part of it.
    assert_eq!(
        steps[5].activity,
        "Ptgs. Arsip mengarsipkan salinan surat izin."
    );
    assert!(steps.iter().all(|s| s.time.is_none()
        && s.minutes.is_none()
        && s.output.is_none()
        && s.requirements.is_none()));
}

#[test]
fn narrative_list_from_word_numbering() {
    let v = vocab();
    let item = |t: &str| Paragraph {
        text: t.into(),
        list: Some(ListInfo {
            num_id: Some(3),
            level: 0,
            label: None,
        }),
        ..Default::default()
    };
    let ps = [
        item("Pegawai ybs mengajukan permohonan cuti."),
        item("Kasubbag Umpeg memeriksa berkas, jika tidak lengkap dikembalikan ke langkah 1."),
        item("Surat izin cuti ditandatangani oleh Kepala Dinas Kesehatan."),
    ];
    let refs: Vec<&Paragraph> = ps.iter().collect();
    let steps = parse_paragraphs(&refs, &v);
    assert_eq!(steps.len(), 3);
    assert_eq!(steps[1].no, 2);
    assert_eq!(steps[0].actors, vec!["Pegawai"]);
    assert_eq!(
        steps[1].actors,
        vec!["Kepala Sub Bagian Umum dan Kepegawaian"]
    );
    assert_eq!(steps[2].actors, vec!["Kepala Dinas"]);
    assert_eq!(steps[1].symbol, Some(Symbol::Decision));
    assert_eq!((steps[1].if_yes, steps[1].if_no), (Some(3), Some(1)));
}

#[test]
fn narrative_branch_back_to_an_actor() {
    let v = vocab();
    let ps = [
        para("1. Pemohon menyerahkan berkas permohonan."),
        para("2. Staf mencatat berkas dalam register."),
        para("3. Kasi Pem memeriksa berkas, jika tidak lengkap dikembalikan kepada Pemohon."),
        para("4. Camat menandatangani surat."),
    ];
    let refs: Vec<&Paragraph> = ps.iter().collect();
    let steps = parse_paragraphs(&refs, &v);
    assert_eq!(steps[2].symbol, Some(Symbol::Decision));
    assert_eq!((steps[2].if_yes, steps[2].if_no), (Some(4), Some(1)));
    assert_eq!(steps[2].next, vec![4, 1]);
}

#[test]
fn sentence_actor_forms() {
    let v = vocab();
    assert_eq!(
        sentence_actor("Kasubbag Umum & Kepeg. menerima berkas", &v).as_deref(),
        Some("Kepala Sub Bagian Umum dan Kepegawaian")
    );
    assert_eq!(
        sentence_actor("Nota dinas diteruskan oleh Sekretaris kepada Kadis.", &v).as_deref(),
        Some("Sekretaris")
    );
    assert_eq!(
        sentence_actor("Tim Verifikasi memeriksa lokasi.", &v).as_deref(),
        Some("Tim Verifikasi")
    );
    assert_eq!(sentence_actor("Surat diarsipkan.", &v), None);
    assert_eq!(
        sentence_actor("Laporan disusun oleh Tim Teknis, lalu dikirim.", &v).as_deref(),
        Some("Tim Teknis")
    );
    assert_eq!(sentence_actor("Berkas ditolak oleh karena itu.", &v), None);
    assert_eq!(
        sentence_actor("Menerima berkas permohonan (Petugas Loket).", &v).as_deref(),
        Some("Petugas Loket")
    );
    assert_eq!(
        sentence_actor("Memaraf konsep surat (Pelaksana: Sekdis)", &v).as_deref(),
        Some("Sekretaris")
    );
    assert_eq!(
        sentence_actor("Menandatangani surat izin – Kadis", &v).as_deref(),
        Some("Kepala Dinas")
    );
    assert_eq!(sentence_actor("Mencetak dokumen (rangkap 2)", &v), None);
}

fn cell(row: usize, col: usize, text: &str) -> Cell {
    Cell {
        row,
        col,
        row_span: 1,
        col_span: 1,
        text: text.into(),
        value: None,
    }
}

fn table(rows: &[&[&str]]) -> Table {
    let n_cols = rows.iter().map(|r| r.len()).max().unwrap_or(0);
    Table {
        rows: rows
            .iter()
            .enumerate()
            .map(|(r, cells)| Row {
                cells: cells
                    .iter()
                    .enumerate()
                    .map(|(c, t)| cell(r, c, t))
                    .collect(),
                ..Default::default()
            })
            .collect(),
        n_cols,
        ..Default::default()
    }
}

#[test]
fn narrative_table_two_columns() {
    let v = vocab();
    let t = table(&[
        &["Kegiatan", "Pelaksana"],
        &[
            "1. Menyampaikan pengaduan secara tertulis",
            "MASYARAKAT (PEMOHON)",
        ],
        &["2. Menerima dan mencatat pengaduan", "Staf"],
        &[
            "3. Menelaah pengaduan, apakah dapat ditindaklanjuti? Jika tidak, kembali ke langkah 2.",
            "Sekcam",
        ],
        &["4. Mendisposisi penanganan pengaduan", "Camat"],
        &["5. Menyampaikan jawaban kepada pengadu", "Staf Pelaksana"],
    ]);
    let (actors, steps) = parse_table(&t, &v).unwrap();
    assert_eq!(
        actors,
        vec!["Pemohon", "Pelaksana", "Sekretaris Camat", "Camat"]
    );
    assert_eq!(steps.len(), 5);
    assert_eq!(steps[0].activity, "Menyampaikan pengaduan secara tertulis");
    assert_eq!(steps[2].symbol, Some(Symbol::Decision));
    assert_eq!((steps[2].if_yes, steps[2].if_no), (Some(4), Some(2)));
    assert_eq!(steps[4].actors, vec!["Pelaksana"]);
    assert_eq!(steps[4].symbol, Some(Symbol::Terminator));
}

#[test]
fn narrative_table_with_number_column_and_repeated_header() {
    let v = vocab();
    let t = table(&[
        &["NO", "URAIAN KEGIATAN", "PELAKSANA"],
        &["1", "Mengajukan nota dinas", "KABID CAPIL"],
        &[
            "2",
            "Memeriksa dan memaraf konsep",
            "Kasubbag Keu\nSekretaris",
        ],
        &["NO", "URAIAN KEGIATAN", "PELAKSANA"],
        &[
            "3",
            "Menandatangani SPT",
            "Kepala Dinas Kependudukan dan Pencatatan Sipil",
        ],
    ]);
    let (actors, steps) = parse_table(&t, &v).unwrap();
    assert_eq!(
        steps.iter().map(|s| s.no).collect::<Vec<_>>(),
        vec![1, 2, 3]
    );
    assert_eq!(
        steps[1].actors,
        vec!["Kepala Sub Bagian Keuangan", "Sekretaris"]
    );
    assert_eq!(
        actors,
        vec![
            "Kepala Bidang Pencatatan Sipil",
            "Kepala Sub Bagian Keuangan",
            "Sekretaris",
            "Kepala Dinas"
        ]
    );
}

#[test]
fn procedure_tables_are_not_narrative() {
    let v = vocab();
    let t = table(&[
        &["No", "Kegiatan", "Pelaksana", "Waktu", "Output"],
        &["1", "Mengajukan", "Pegawai", "10 menit", "Surat"],
    ]);
    assert!(parse_table(&t, &v).is_none());
    let t = table(&[&["Nomor SOP", "123"], &["Nama SOP", "Cuti"]]);
    assert!(parse_table(&t, &v).is_none());
}

#[test]
fn names_cut_by_wrapping_are_rejoined() {
    let v = vocab();
    let rows: &[(&str, &str)] = &[
        ("Staf Pelaksa na", "Pelaksana"),
        ("Kasubb ag Perenca naan", "Kepala Sub Bagian Perencanaan"),
        ("KASUBBAG TATAL AKSAN A", "Kepala Sub Bagian Tata Laksana"),
        ("Sekreta ris Dinas", "Sekretaris"),
        ("Penyedi a Barang/Jasa", "Penyedia"),
        (
            "Kasuba g Umum dan Kepega waian",
            "Kepala Sub Bagian Umum dan Kepegawaian",
        ),
    ];
    for (written, means) in rows {
        assert_eq!(v.canonical_actor(written), *means, "{written}");
    }
    // A local title stays as written.
    assert_eq!(v.canonical_actor("Tim Teknis"), "Tim Teknis");
}

#[test]
fn hostile_inputs_stay_bounded() {
    let v = vocab();
    let long = "Kepala ".repeat(5000);
    assert!(v.canonical_actor(&long).starts_with("Kepala Kepala"));
    assert_eq!(v.identity_label(&long), None);
    assert_eq!(v.column_role(&long), None);
    let parens = "(".repeat(20_000) + "1 jam";
    assert_eq!(v.minutes(&parens), Some(60.0));
    assert_eq!(v.minutes(&"(dua) ".repeat(5000)), None);
    assert_eq!(v.date(&"9".repeat(300)), None);
    assert_eq!(v.date("99999999999999999999"), None);
    assert_eq!(v.minutes("99999999999999999999999 jam"), None);
    assert_eq!(v.minutes("1 tahun"), Some(240.0 * 450.0));
    assert!(v.branch_targets(&"tidak ".repeat(3000)).1.is_none());
    assert!(sentence_actor(&"oleh ".repeat(3000), &v).is_none());
}

#[test]
fn narrative_wrapped_lines_join_their_item() {
    let v = vocab();
    let ps = [
        para("URAIAN PROSEDUR"),
        para("1. Pegawai mengajukan permohonan cuti dengan"),
        para("mengisi formulir cuti."),
        para("2. Kasubbag Umum dan Kepegawaian memeriksa"),
        para("Berkas Permohonan Cuti."),
        para("3. Kadis menandatangani surat izin cuti."),
    ];
    let refs: Vec<&Paragraph> = ps.iter().collect();
    let steps = parse_paragraphs(&refs, &v);
    assert_eq!(steps.len(), 3);
    assert_eq!(
        steps[0].activity,
        "Pegawai mengajukan permohonan cuti dengan mengisi formulir cuti."
    );
    assert_eq!(
        steps[1].activity,
        "Kasubbag Umum dan Kepegawaian memeriksa Berkas Permohonan Cuti."
    );
    assert_eq!(
        steps[1].actors,
        vec!["Kepala Sub Bagian Umum dan Kepegawaian"]
    );
    assert_eq!(steps[2].actors, vec!["Kepala Dinas"]);
}

#[test]
fn label_with_its_value_below_in_one_cell_is_no_wrapped_label() {
    use sopap::internals::whole_label;
    let v = vocab();
    // a label wrapped in its cell is still the label
    assert_eq!(whole_label("Unit\nKerja", &v), Some(IdentityField::Unit));
    assert_eq!(
        whole_label("Keterkaitan dengan\nSOP lain", &v),
        Some(IdentityField::RelatedSops)
    );
    // a list item or a phrase under the label is its value, not part of the label
    assert_eq!(
        whole_label("Peralatan/Perlengkapan\n- Komputer\n- Printer", &v),
        None
    );
    assert_eq!(
        whole_label("Keterkaitan\nSOP Penanganan Pengaduan Masyarakat", &v),
        None
    );
}

#[test]
fn english_ive_ending_and_a_typo_on_top() {
    let v = vocab();
    // "-ive" reads as "-if"; one typo more is still one typo away
    for l in ["Tanggal Efective", "Tanggal Effective", "Tanggal Efecxive"] {
        assert_eq!(v.identity_label(l), Some(IdentityField::Effective), "{l}");
    }
    assert_eq!(v.identity_label("Nomer SOP"), Some(IdentityField::Number));
}

#[test]
fn acronyms_in_actor_names_keep_their_capitals() {
    let v = vocab();
    // a name in capitals: acronyms stay, words are title-cased
    assert_eq!(v.canonical_actor("KPA"), "KPA");
    assert_eq!(v.canonical_actor("PPTK"), "PPTK");
    assert_eq!(v.canonical_actor("OPERATOR SPPD"), "Operator SPPD");
    // a syllable acronym in a name in capitals reads as a word ("Simda")
    assert_eq!(v.canonical_actor("OPERATOR SIMDA"), "Operator Simda");
    assert_eq!(v.canonical_actor("ADMIN"), "Admin");
    // two capitals are an acronym whatever their vowels; a small word is not
    assert_eq!(v.canonical_actor("TU"), "TU");
    assert_eq!(v.canonical_actor("BPS RI"), "BPS RI");
    assert_eq!(v.canonical_actor("PJK TI"), "PJK TI");
    assert_eq!(
        v.canonical_actor("PETUGAS DI LOKET SATU"),
        "Petugas di Loket Satu"
    );
    // the document's own mixed capitalisation is kept
    assert_eq!(v.canonical_actor("Operator SIMDA"), "Operator SIMDA");
    assert_eq!(v.canonical_actor("Petugas eKinerja"), "Petugas eKinerja");
}
