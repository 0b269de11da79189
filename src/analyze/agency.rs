//! Which agency (OPD) a file belongs to: the manifest `agencies.csv`, else the first
//! folder under the archive root read as a name (`rules/agencies.toml`: acronyms and
//! abbreviated unit types written out). Where the folder is an acronym or abbreviation
//! of the organisation header a document prints, the header names the agency.

use std::path::Path;

use crate::sop::record::Sop;
use crate::sop::vocab::AgencyNames;

/// The manifest of an archive: `path_prefix,agency` rows, and how folder names are read.
#[derive(Clone, Debug, Default)]
pub struct AgencyMap {
    prefixes: Vec<(String, String)>,
    names: AgencyNames,
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
        AgencyMap {
            prefixes,
            names: AgencyNames::default(),
        }
    }

    /// The same manifest reading folder names with `names` (the rules' agency table).
    pub fn with_names(mut self, names: AgencyNames) -> Self {
        self.names = names;
        self
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

    /// The agency the manifest gives a file at `rel_path` (relative, `/`-separated).
    pub fn manifest_agency(&self, rel_path: &str) -> Option<String> {
        self.prefixes
            .iter()
            .find(|(prefix, _)| {
                rel_path == prefix
                    || rel_path
                        .strip_prefix(prefix.as_str())
                        .is_some_and(|rest| rest.starts_with('/'))
            })
            .map(|(_, agency)| agency.clone())
    }

    /// The first folder of `rel_path` when it names an agency (not `_…` or `.…`).
    fn folder_of(rel_path: &str) -> Option<&str> {
        let (first, rest) = rel_path.split_once('/')?;
        if rest.is_empty() || first.starts_with('_') || first.starts_with('.') {
            return None;
        }
        Some(first)
    }

    /// The agency of a file at `rel_path` (relative, `/`-separated): the manifest, else
    /// its first folder read as a name.
    pub fn resolve(&self, rel_path: &str) -> Option<String> {
        self.manifest_agency(rel_path)
            .or_else(|| Self::folder_of(rel_path).map(|f| self.names.folder_name(f).name))
    }

    /// Sets the agency of the SOPs read from `rel_path`: the manifest's; else, where the
    /// first folder is an acronym or abbreviation of the organisation header the SOP
    /// itself printed (its `agency` as read), that header; else the folder read as a
    /// name. Without a folder, the header (if any) stays.
    pub fn settle(&self, rel_path: &str, sops: &mut [Sop]) {
        if let Some(a) = self.manifest_agency(rel_path) {
            for s in sops {
                s.agency = Some(a.clone());
            }
            return;
        }
        let Some(folder) = Self::folder_of(rel_path) else {
            return;
        };
        let named = self.names.folder_name(folder);
        for s in sops {
            let header = s
                .agency
                .take()
                .filter(|h| named.abbreviated && self.names.abbreviates(folder, h))
                .map(|h| self.names.written_out(&h));
            s.agency = Some(header.unwrap_or_else(|| named.name.clone()));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn manifest_then_folder() {
        let m = AgencyMap::parse(
            "path_prefix,agency\nDinkes,Dinas Kesehatan\nDinkes/UPT,UPT Puskesmas\n",
        )
        .with_names(
            crate::sop::vocab::Vocabulary::default()
                .agency_names()
                .clone(),
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

#[cfg(test)]
mod settle_tests {
    use super::*;
    use crate::sop::vocab::Vocabulary;

    fn map(manifest: &str) -> AgencyMap {
        AgencyMap::parse(manifest).with_names(Vocabulary::default().agency_names().clone())
    }

    fn settled(m: &AgencyMap, path: &str, header: Option<&str>) -> Option<String> {
        let mut sops = vec![Sop {
            agency: header.map(str::to_string),
            ..Default::default()
        }];
        m.settle(path, &mut sops);
        sops.into_iter().next().and_then(|s| s.agency)
    }

    #[test]
    fn folder_abbreviations_yield_to_the_documents_header() {
        let m = map("");
        let header = "Dinas Penanaman Modal dan Pelayanan Terpadu Satu Pintu Kota Manado";
        // generated spellings of one acronym folder
        for folder in ["DPMPTSP", "dpmptsp", "D.P.M.P.T.S.P", "DPM-PTSP"] {
            assert_eq!(
                settled(&m, &format!("{folder}/a.docx"), Some(header)).as_deref(),
                Some(header),
                "{folder}"
            );
        }
        // abbreviated unit types, with or without the dot
        for folder in ["Kec. Wenang", "Kec Wenang", "kec-wenang", "KEC.WENANG"] {
            assert_eq!(
                settled(&m, &format!("{folder}/x/a.pdf"), None).as_deref(),
                Some("Kecamatan Wenang"),
                "{folder}"
            );
            assert_eq!(
                settled(
                    &m,
                    &format!("{folder}/a.pdf"),
                    Some("Kecamatan Wenang Kota Manado")
                )
                .as_deref(),
                Some("Kecamatan Wenang Kota Manado"),
                "{folder}"
            );
        }
        // a folder written out wins over the header; so does a header of another agency
        assert_eq!(
            settled(&m, "dinas-sosial/a.pdf", Some("Dinas Sosial Kota X")).as_deref(),
            Some("Dinas Sosial")
        );
        assert_eq!(
            settled(&m, "BPKAD/a.pdf", Some("Dinas Kesehatan")).as_deref(),
            Some("Badan Pengelolaan Keuangan dan Aset Daerah")
        );
        // the manifest wins over everything
        let m = map("path_prefix,agency\nDPMPTSP,DPMPTSP Kota\n");
        assert_eq!(
            settled(&m, "DPMPTSP/a.docx", Some(header)).as_deref(),
            Some("DPMPTSP Kota")
        );
        // a file at the root keeps its header
        assert_eq!(
            settled(&map(""), "a.docx", Some("Dinas Sosial")).as_deref(),
            Some("Dinas Sosial")
        );
    }
}
