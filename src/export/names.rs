//! Stable, collision-free file names for exported SOPs.
//!
//! A name is `<agency slug>/<title slug>-<8 hex digits of SHA-256 of the SOP id>`: the
//! same SOP gets the same name on every run whatever else the archive holds, two SOPs
//! with the same title (the same procedure in two files) get different names, and the
//! [`Namer`] adds `-2`, `-3` … should two ids ever share the 8 digits.

use std::collections::HashSet;
use std::path::PathBuf;

use sha2::{Digest, Sha256};

use crate::sop::record::Sop;

/// Longest slug kept from a title or agency, in bytes (ASCII).
const MAX_SLUG: usize = 60;

/// Lower-case ASCII slug: letters and digits kept, everything else one `-`, accents
/// folded (é → e), trimmed to [`MAX_SLUG`] at a word boundary where possible.
pub fn slug(text: &str) -> String {
    let mut out = String::with_capacity(text.len().min(MAX_SLUG + 8));
    let mut dash = false;
    for c in text.chars().flat_map(fold) {
        if c.is_ascii_alphanumeric() {
            if dash && !out.is_empty() {
                out.push('-');
            }
            dash = false;
            out.push(c.to_ascii_lowercase());
            if out.len() >= MAX_SLUG {
                break;
            }
        } else {
            dash = true;
        }
    }
    if out.len() >= MAX_SLUG
        && let Some(cut) = out.rfind('-').filter(|&c| c > MAX_SLUG / 2)
    {
        out.truncate(cut);
    }
    out
}

/// Folds common Latin accented letters to ASCII; other characters pass through.
fn fold(c: char) -> Option<char> {
    Some(match c {
        'à'..='å' | 'À'..='Å' => 'a',
        'è'..='ë' | 'È'..='Ë' => 'e',
        'ì'..='ï' | 'Ì'..='Ï' => 'i',
        'ò'..='ö' | 'Ò'..='Ö' => 'o',
        'ù'..='ü' | 'Ù'..='Ü' => 'u',
        'ç' | 'Ç' => 'c',
        'ñ' | 'Ñ' => 'n',
        _ => c,
    })
}

/// The 8 hex digits naming an SOP id.
fn id_digest(id: &str) -> String {
    let d = Sha256::digest(id.as_bytes());
    d.iter().take(4).map(|b| format!("{b:02x}")).collect()
}

/// Hands out unique relative paths (without extension) for SOPs of one export.
#[derive(Debug, Default)]
pub struct Namer {
    used: HashSet<PathBuf>,
}

impl Namer {
    /// The relative path (folder per agency, no extension) for `sop`, unique within
    /// this namer.
    pub fn name_for(&mut self, sop: &Sop) -> PathBuf {
        let agency = sop
            .agency
            .as_deref()
            .map(slug)
            .filter(|s| !s.is_empty())
            .unwrap_or_else(|| "tanpa-instansi".to_string());
        let title = sop
            .identity
            .title
            .as_deref()
            .or(sop.identity.number.as_deref())
            .map(slug)
            .filter(|s| !s.is_empty())
            .unwrap_or_else(|| "sop".to_string());
        let base = format!("{title}-{}", id_digest(&sop.id));
        let mut candidate = PathBuf::from(&agency).join(&base);
        let mut n = 2u32;
        while !self.used.insert(candidate.clone()) {
            candidate = PathBuf::from(&agency).join(format!("{base}-{n}"));
            n = n.saturating_add(1);
        }
        candidate
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slug_folds_and_dashes() {
        assert_eq!(slug("Pelayanan Cuti Pegawai"), "pelayanan-cuti-pegawai");
        assert_eq!(slug("  SOP/12: Café & Co. "), "sop-12-cafe-co");
        assert_eq!(slug("///"), "");
    }

    #[test]
    fn slug_is_bounded() {
        let long = "kata ".repeat(40);
        let s = slug(&long);
        assert!(s.len() <= MAX_SLUG, "{s}");
        assert!(!s.ends_with('-'));
    }

    #[test]
    fn same_title_different_ids_differ_and_names_are_stable() {
        let mut a = Sop {
            id: "a/x.docx#1".into(),
            agency: Some("Dinas Kesehatan".into()),
            ..Default::default()
        };
        a.identity.title = Some("Cuti".into());
        let mut b = a.clone();
        b.id = "a/y.docx#1".into();
        let mut n = Namer::default();
        let na = n.name_for(&a);
        let nb = n.name_for(&b);
        assert_ne!(na, nb);
        assert!(na.starts_with("dinas-kesehatan"));
        assert_eq!(Namer::default().name_for(&a), na);
        // The same SOP twice in one export still gets two names.
        assert_ne!(n.name_for(&a), na);
    }
}
