//! Which agency (OPD) a file belongs to: the manifest `agencies.csv`, else the first
//! folder under the archive root read as a name.

use std::path::Path;

/// The manifest of an archive: `path_prefix,agency` rows.
#[derive(Clone, Debug, Default)]
pub struct AgencyMap {
    prefixes: Vec<(String, String)>,
}

impl AgencyMap {
    /// Reads `ARCHIVE/agencies.csv` when present; a missing manifest is an empty map.
    pub fn load(root: &Path) -> std::io::Result<Self> {
        let p = root.join("agencies.csv");
        if !p.exists() {
            return Ok(AgencyMap::default());
        }
        Ok(Self::parse(&std::fs::read_to_string(p)?))
    }

    /// Parses manifest text (a header line `path_prefix,agency` is skipped).
    pub fn parse(text: &str) -> Self {
        let mut prefixes = Vec::new();
        for line in text.lines() {
            let line = line.trim_start_matches('\u{feff}').trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let Some((prefix, agency)) = line.split_once(',') else {
                continue;
            };
            let prefix = prefix.trim().trim_matches('"').trim_end_matches('/');
            let agency = agency.trim().trim_matches('"');
            if prefix.eq_ignore_ascii_case("path_prefix") || prefix.is_empty() || agency.is_empty()
            {
                continue;
            }
            prefixes.push((prefix.replace('\\', "/"), agency.to_string()));
        }
        // Longest prefix first.
        prefixes.sort_by_key(|p| std::cmp::Reverse(p.0.len()));
        AgencyMap { prefixes }
    }

    /// A short hash of the manifest's rows: a file read under another manifest is read
    /// again (its SOPs carry the agency).
    pub fn fingerprint(&self) -> String {
        use sha2::{Digest, Sha256};
        let mut h = Sha256::new();
        for (prefix, agency) in &self.prefixes {
            h.update(prefix.as_bytes());
            h.update([0u8]);
            h.update(agency.as_bytes());
            h.update([1u8]);
        }
        crate::rules::hex(h.finalize().get(..6).unwrap_or(&[]))
    }

    /// The agency of a file at `rel_path` (relative, `/`-separated).
    pub fn resolve(&self, rel_path: &str) -> Option<String> {
        for (prefix, agency) in &self.prefixes {
            if rel_path == prefix
                || (rel_path.starts_with(prefix.as_str())
                    && rel_path[prefix.len()..].starts_with('/'))
            {
                return Some(agency.clone());
            }
        }
        let (first, rest) = rel_path.split_once('/')?;
        if rest.is_empty() || first.starts_with('_') || first.starts_with('.') {
            return None;
        }
        Some(folder_to_name(first))
    }
}

/// `kecamatan-tomohon-utara` → `Kecamatan Tomohon Utara` (connectives stay lower case).
pub fn folder_to_name(folder: &str) -> String {
    folder
        .split(['-', '_', ' '])
        .filter(|w| !w.is_empty())
        .enumerate()
        .map(|(i, w)| {
            let lw = w.to_lowercase();
            if i > 0 && matches!(lw.as_str(), "dan" | "dari" | "di" | "ke" | "untuk" | "atas") {
                lw
            } else if w.chars().any(char::is_uppercase) {
                w.to_string()
            } else {
                let mut cs = lw.chars();
                match cs.next() {
                    Some(f) => f.to_uppercase().chain(cs).collect(),
                    None => String::new(),
                }
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn manifest_then_folder() {
        let m = AgencyMap::parse(
            "path_prefix,agency\nDinkes,Dinas Kesehatan\nDinkes/UPT,UPT Puskesmas\n",
        );
        assert_eq!(
            m.resolve("Dinkes/a.docx").as_deref(),
            Some("Dinas Kesehatan")
        );
        assert_eq!(
            m.resolve("Dinkes/UPT/a.docx").as_deref(),
            Some("UPT Puskesmas")
        );
        assert_eq!(m.resolve("DinkesX/a.docx").as_deref(), Some("DinkesX"));
        assert_eq!(
            m.resolve("dinas-kependudukan-dan-pencatatan-sipil/x/a.pdf")
                .as_deref(),
            Some("Dinas Kependudukan dan Pencatatan Sipil")
        );
        assert_eq!(m.resolve("_hostile/a.pdf"), None);
        assert_eq!(m.resolve("a.pdf"), None);
    }
}
