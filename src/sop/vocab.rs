//! The SOP parser's vocabulary, loaded from `rules/` (actors, labels, headers, marks,
//! time units, decision cues).
//!
//! STUB: the method signatures are the contract the table parser relies on; the
//! vocabulary work fills them from the TOML files.

use crate::rules::{RuleSource, RulesError};

/// An identity field an identity label names.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum IdentityField {
    /// Nomor SOP.
    Number,
    /// Nama / Judul SOP.
    Title,
    /// Unit kerja / organisation.
    Unit,
    /// Tanggal Pembuatan.
    Created,
    /// Tanggal Revisi.
    Revised,
    /// Tanggal Efektif.
    Effective,
    /// Disahkan oleh (position, name, NIP follow).
    ApprovedBy,
    /// Dasar Hukum.
    LegalBasis,
    /// Kualifikasi Pelaksana.
    Qualifications,
    /// Keterkaitan.
    RelatedSops,
    /// Peralatan/Perlengkapan.
    Equipment,
    /// Peringatan.
    Warnings,
    /// Pencatatan dan Pendataan.
    Records,
}

/// The role of a procedure-table column, named by its header text.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ColumnRole {
    /// No.
    Number,
    /// Kegiatan / Uraian Kegiatan / Aktivitas.
    Activity,
    /// The group header over the actor columns.
    Actors,
    /// The group header over the Mutu Baku columns.
    MutuBaku,
    /// Kelengkapan / Persyaratan.
    Requirements,
    /// Waktu.
    Time,
    /// Output.
    Output,
    /// Keterangan / Ket.
    Notes,
}

/// Vocabulary of the parser.
#[derive(Debug, Default)]
pub struct Vocabulary {}

impl Vocabulary {
    /// Loads the vocabulary from the rule files.
    pub fn load(_src: &RuleSource) -> Result<Self, RulesError> {
        Ok(Vocabulary {})
    }

    /// The identity field a label names ("Nomor SOP", "No. SOP", "Tgl. Pembuatan",
    /// typos and case aside), or None.
    pub fn identity_label(&self, label: &str) -> Option<IdentityField> {
        let l = label.to_lowercase();
        let l = l.trim().trim_end_matches(':').trim();
        match l {
            "nomor sop" | "no. sop" | "nomor" => Some(IdentityField::Number),
            "nama sop" | "judul sop" => Some(IdentityField::Title),
            "tanggal pembuatan" => Some(IdentityField::Created),
            "tanggal revisi" => Some(IdentityField::Revised),
            "tanggal efektif" => Some(IdentityField::Effective),
            "disahkan oleh" => Some(IdentityField::ApprovedBy),
            "dasar hukum" => Some(IdentityField::LegalBasis),
            "kualifikasi pelaksana" => Some(IdentityField::Qualifications),
            "keterkaitan" => Some(IdentityField::RelatedSops),
            "peralatan/perlengkapan" => Some(IdentityField::Equipment),
            "peringatan" => Some(IdentityField::Warnings),
            "pencatatan dan pendataan" => Some(IdentityField::Records),
            _ => None,
        }
    }

    /// The role of a procedure-table column header, or None.
    pub fn column_role(&self, header: &str) -> Option<ColumnRole> {
        let h = header.to_lowercase();
        let h = h.trim();
        match h {
            "no" | "no." => Some(ColumnRole::Number),
            "kegiatan" | "uraian kegiatan" | "aktivitas" => Some(ColumnRole::Activity),
            "pelaksana" => Some(ColumnRole::Actors),
            "mutu baku" => Some(ColumnRole::MutuBaku),
            "kelengkapan" | "persyaratan" => Some(ColumnRole::Requirements),
            "waktu" => Some(ColumnRole::Time),
            "output" => Some(ColumnRole::Output),
            "keterangan" | "ket." => Some(ColumnRole::Notes),
            _ => None,
        }
    }

    /// True when a cell's whole text is an actor mark (√ ✓ v V x X ●).
    pub fn is_mark(&self, text: &str) -> bool {
        matches!(text.trim(), "√" | "✓" | "v" | "V" | "x" | "X" | "●")
    }

    /// True when an activity reads as a decision ("Apakah …?", "memeriksa … jika …").
    pub fn is_decision(&self, activity: &str) -> bool {
        let a = activity.to_lowercase();
        a.starts_with("apakah") || a.trim_end().ends_with('?')
    }

    /// The canonical actor title for a name as written (abbreviations expanded, case
    /// and spacing normalised); a local title not in the vocabulary is kept as written.
    pub fn canonical_actor(&self, written: &str) -> String {
        written.split_whitespace().collect::<Vec<_>>().join(" ")
    }

    /// True when `canonical` is one of the vocabulary's known titles.
    pub fn is_known_actor(&self, _canonical: &str) -> bool {
        true
    }

    /// `time` as minutes of work ("15 menit" = 15, "1 jam" = 60, "1 HK" = one working
    /// day, a range takes its upper bound); None where unreadable.
    pub fn minutes(&self, time: &str) -> Option<f64> {
        let mut it = time.split_whitespace();
        let n: f64 = it.next()?.parse().ok()?;
        match it.next()?.to_lowercase().as_str() {
            "menit" => Some(n),
            "jam" => Some(n * 60.0),
            _ => None,
        }
    }

    /// A date as written (Indonesian month names, `dd-mm-yyyy`, `dd/mm/yy`, an Excel
    /// serial) as ISO `YYYY-MM-DD`; None for `-`, empty or unreadable text.
    pub fn date(&self, written: &str) -> Option<String> {
        let w = written.trim();
        if w.len() == 10 && w.as_bytes().get(4) == Some(&b'-') {
            return Some(w.to_string());
        }
        None
    }
}
