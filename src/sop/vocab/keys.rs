//! Labels and headers matched by compact key: case, spacing and punctuation aside, with
//! spelling folds and a small typo allowance.

use std::collections::HashMap;

use super::{ColumnRole, IdentityField};
use crate::sop::normalise::{compact_key, edit_distance_within, strip_list_marker};

/// Texts matched by compact key (case, spacing, punctuation aside) with a small typo
/// allowance: labels and headers.
#[derive(Debug, Default)]
pub(super) struct KeyTable<T> {
    pub(super) exact: HashMap<String, T>,
    pub(super) all: Vec<(String, T)>,
    pub(super) folds: Vec<(String, String)>,
}

impl<T: Copy + PartialEq> KeyTable<T> {
    pub(super) fn new(folds: Vec<(String, String)>) -> Self {
        KeyTable {
            exact: HashMap::new(),
            all: Vec::new(),
            folds,
        }
    }

    pub(super) fn insert(&mut self, variant: &str, value: T) {
        let k = compact_key(variant, &self.folds);
        if k.is_empty() {
            return;
        }
        self.exact.entry(k.clone()).or_insert(value);
        self.all.push((k, value));
    }

    pub(super) fn lookup(&self, text: &str) -> Option<T> {
        if text.chars().count() > 60 {
            return None;
        }
        let t = strip_list_marker(text.trim());
        let k = compact_key(t, &self.folds);
        if k.is_empty() {
            return None;
        }
        if let Some(v) = self.exact.get(&k) {
            return Some(*v);
        }
        if let Some(v) = self.fuzzy(&k) {
            return Some(v);
        }
        // "Keterangan / Catatan", "Waktu/Durasi": slashed parts that all name one role.
        if t.contains('/') {
            let mut found: Option<T> = None;
            for part in t.split('/') {
                let pk = compact_key(part, &self.folds);
                if pk.is_empty() {
                    continue;
                }
                let v = self.exact.get(&pk).copied().or_else(|| self.fuzzy(&pk))?;
                if found.is_some_and(|f| f != v) {
                    return None;
                }
                found = Some(v);
            }
            return found;
        }
        None
    }

    /// The value whose variant is within the typo allowance of compact key `k`.
    pub(super) fn fuzzy(&self, k: &str) -> Option<T> {
        let len = k.chars().count();
        let allowed = typo_allowance(len);
        if allowed == 0 {
            return None;
        }
        let mut best: Option<(usize, T)> = None;
        let mut tie = false;
        for (vk, v) in &self.all {
            if typo_allowance(vk.chars().count()) == 0 {
                continue;
            }
            let Some(d) = edit_distance_within(k, vk, allowed) else {
                continue;
            };
            match best {
                Some((bd, bv)) if d == bd && bv != *v => tie = true,
                Some((bd, _)) if d < bd => {
                    best = Some((d, *v));
                    tie = false;
                }
                None => best = Some((d, *v)),
                _ => {}
            }
        }
        if tie { None } else { best.map(|(_, v)| v) }
    }
}

/// How many typos a compact key of `len` characters may carry.
pub(super) fn typo_allowance(len: usize) -> usize {
    match len {
        0..=7 => 0,
        8..=15 => 1,
        _ => 2,
    }
}

pub(super) fn identity_field(name: &str) -> Option<IdentityField> {
    Some(match name {
        "number" => IdentityField::Number,
        "title" => IdentityField::Title,
        "unit" => IdentityField::Unit,
        "created" => IdentityField::Created,
        "revised" => IdentityField::Revised,
        "effective" => IdentityField::Effective,
        "approved_by" => IdentityField::ApprovedBy,
        "legal_basis" => IdentityField::LegalBasis,
        "qualifications" => IdentityField::Qualifications,
        "related_sops" => IdentityField::RelatedSops,
        "equipment" => IdentityField::Equipment,
        "warnings" => IdentityField::Warnings,
        "records" => IdentityField::Records,
        _ => return None,
    })
}

pub(super) fn column_role_named(name: &str) -> Option<ColumnRole> {
    Some(match name {
        "number" => ColumnRole::Number,
        "activity" => ColumnRole::Activity,
        "actors" => ColumnRole::Actors,
        "mutu_baku" => ColumnRole::MutuBaku,
        "requirements" => ColumnRole::Requirements,
        "time" => ColumnRole::Time,
        "output" => ColumnRole::Output,
        "notes" => ColumnRole::Notes,
        _ => return None,
    })
}
