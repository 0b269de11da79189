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

/// One change of the folder vote: the SOPs of `path` named `from` are named `to`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rename {
    /// The file (relative path).
    pub path: String,
    /// The agency its SOPs carry now.
    pub from: String,
    /// The agency the folder settled on.
    pub to: String,
}

impl AgencyMap {
    /// The agency each folder settles on, once for all its files: where the folder
    /// abbreviates an organisation header that its documents print (so their SOPs carry
    /// it, [`AgencyMap::settle`]), the header printed by the most documents names every
    /// SOP of the folder, those whose documents print none included. `counts` are
    /// `(path, agency, SOPs)` rows; files under the manifest are left as they are.
    pub fn folder_vote(&self, counts: &[(String, String, usize)]) -> Vec<Rename> {
        use std::collections::BTreeMap;
        // folder → header agency → documents printing it
        let mut votes: BTreeMap<&str, BTreeMap<&str, usize>> = BTreeMap::new();
        let mut files: BTreeMap<&str, Vec<(&str, &str)>> = BTreeMap::new();
        for (path, agency, _) in counts {
            if self.manifest_agency(path).is_some() {
                continue;
            }
            let Some(folder) = Self::folder_of(path) else {
                continue;
            };
            files.entry(folder).or_default().push((path, agency));
            let named = self.names.folder_name(folder);
            if named.abbreviated && *agency != named.name {
                *votes
                    .entry(folder)
                    .or_default()
                    .entry(agency.as_str())
                    .or_default() += 1;
            }
        }
        let mut out = Vec::new();
        for (folder, tally) in votes {
            // most documents first; a tie goes to the longer (more complete) name
            let Some((winner, _)) = tally
                .iter()
                .max_by_key(|(name, n)| (**n, name.chars().count(), std::cmp::Reverse(**name)))
            else {
                continue;
            };
            for (path, agency) in files.get(folder).map(Vec::as_slice).unwrap_or(&[]) {
                if agency != winner {
                    out.push(Rename {
                        path: path.to_string(),
                        from: agency.to_string(),
                        to: winner.to_string(),
                    });
                }
            }
        }
        out
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

    fn row(path: &str, agency: &str, n: usize) -> (String, String, usize) {
        (path.to_string(), agency.to_string(), n)
    }

    #[test]
    fn a_folder_settles_on_the_header_most_documents_print() {
        let m = map("");
        for folder in ["Kel Kakaskasen I", "KEL. KAKASKASEN I", "kel-kakaskasen-i"] {
            let plain = m.names.folder_name(folder).name;
            let header = "Kelurahan Kakaskasen Satu";
            let counts = vec![
                row(&format!("{folder}/a.xlsx"), header, 3),
                row(&format!("{folder}/b.xlsx"), &plain, 2),
                row(&format!("{folder}/2021/c.xlsx"), header, 1),
                row(&format!("{folder}/d.docx"), "Kelurahan Kakaskasen", 1),
            ];
            let renames = m.folder_vote(&counts);
            let to: Vec<(&str, &str)> = renames
                .iter()
                .map(|r| (r.path.as_str(), r.to.as_str()))
                .collect();
            assert_eq!(
                to,
                vec![
                    (format!("{folder}/b.xlsx").as_str(), header),
                    (format!("{folder}/d.docx").as_str(), header)
                ],
                "{folder}"
            );
        }
        // a folder written out, a manifest folder and a root file are not voted on
        let m = map("path_prefix,agency\nDinkes,Dinas Kesehatan\n");
        let counts = vec![
            row("dinas-sosial/a.docx", "Dinas Sosial", 1),
            row("dinas-sosial/b.docx", "Dinas Sosial Kota X", 1),
            row("Dinkes/a.docx", "Dinas Kesehatan", 1),
            row("Dinkes/b.docx", "Dinas Kesehatan Kota", 1),
            row("a.docx", "Dinas Sosial", 1),
        ];
        assert!(m.folder_vote(&counts).is_empty());
    }
}
