//! Duplicate procedures across agencies: groups of SOPs whose steps are the same
//! (`identical`) or nearly the same (`near`).
//!
//! The method, near-linear in the number of SOPs (never an all-pairs loop):
//! 1. Each SOP with at least `min_steps` steps gets a key: its activities, normalised
//!    (lower case, letters and digits only, single spaces), in order. SOPs with equal keys
//!    form one *class* (identical steps); one hash map, linear.
//! 2. Each class's first SOP gets a set of shingles: the words and word pairs of its title
//!    and of each activity (pairs never cross a step boundary), hashed to 64 bits.
//! 3. A MinHash signature of [`NUM_HASHES`] values per class; LSH banding
//!    ([`BANDS`] bands of [`ROWS`] rows) puts classes whose signatures agree on a whole band
//!    in one bucket. With 20×5 a pair at similarity 0.8 shares a bucket with probability
//!    0.9996, a pair at 0.3 with probability 0.05.
//! 4. Candidates in a bucket are checked exactly (Jaccard similarity of the shingle sets)
//!    against the bucket's *leaders*, at most [`MAX_LEADERS`] per bucket; a pair already in
//!    one group is not checked again. Pairs at or above the threshold are joined in a
//!    union-find, so a group is a connected component: 40 OPDs with the same "Pengelolaan
//!    Surat Masuk" make one group of 40, not 780 pairs.
//!
//! A group of one class is `identical` with similarity 1; a group of several classes is
//! `near`, and its similarity is the lowest similarity of the checked pairs that joined
//! it (every member is at least that similar to another member).
//!
//! Same-agency SOPs: they may group by default (`same_agency = true` in
//! `rules/findings.toml`): the same SOP kept as .docx and as its PDF export, or copied
//! between two units of one OPD, is a duplicate the Bagian Organisasi wants to clean up
//! too. With `same_agency = false` a group is reported only when its SOPs come from two
//! or more agencies (SOPs without an agency count as one agency, "").

use std::collections::HashMap;

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use super::policy::DuplicateRules;
use crate::sop::record::Sop;

/// Length of a MinHash signature.
pub const NUM_HASHES: usize = BANDS * ROWS;
/// LSH bands.
pub const BANDS: usize = 20;
/// Rows (signature values) per band.
pub const ROWS: usize = 5;
/// Most leaders a bucket keeps: bounds the exact checks per bucket member.
pub const MAX_LEADERS: usize = 16;

/// How alike the SOPs of a group are.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum DuplicateKind {
    /// Equal steps after normalisation.
    Identical,
    /// Similar title and steps, above the rules' threshold.
    Near,
}

/// One group of duplicate SOPs.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DuplicateGroup {
    /// Ids of the SOPs in the group, sorted.
    pub sops: Vec<String>,
    /// 1 for `identical`; for `near` the lowest similarity of the pairs that joined it.
    pub similarity: f64,
    /// `identical` or `near`.
    pub kind: DuplicateKind,
    /// The distinct agencies of the group, sorted.
    pub agencies: Vec<String>,
    /// One SOP id per distinct step sequence in the group (the first is the reference the
    /// report compares the others with).
    pub variants: Vec<String>,
}

/// Normalises text for comparison: lower case, letters and digits only, single spaces.
pub fn normalise(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut space = false;
    for ch in text.chars() {
        if ch.is_alphanumeric() {
            if space && !out.is_empty() {
                out.push(' ');
            }
            space = false;
            out.extend(ch.to_lowercase());
        } else {
            space = true;
        }
    }
    out
}

/// The identical-steps key of an SOP: its normalised activities in order.
pub fn step_key(sop: &Sop) -> String {
    let mut key = String::new();
    for s in &sop.steps {
        key.push_str(&normalise(&s.activity));
        key.push('\n');
    }
    key
}

/// 64-bit finaliser (splitmix64): spreads the bits of `x`.
fn mix(mut x: u64) -> u64 {
    x = x.wrapping_add(0x9e37_79b9_7f4a_7c15);
    x = (x ^ (x >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    x ^ (x >> 31)
}

/// FNV-1a over a word, finalised.
fn word_hash(word: &str) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in word.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    mix(h)
}

/// The shingles of an SOP: hashed words and word pairs of the title and of each
/// activity, sorted and without repeats. 32 bits a shingle: an SOP has a few hundred, so
/// two distinct shingles share a hash with odds of about 1 in 10⁷ per SOP pair, and the
/// analysis keeps half the memory per class of identical steps.
pub fn shingles(sop: &Sop) -> Vec<u32> {
    let mut out = Vec::new();
    let mut add = |text: &str, salt: u64| {
        let norm = normalise(text);
        let mut prev: Option<u64> = None;
        for w in norm.split(' ').filter(|w| !w.is_empty()) {
            let h = word_hash(w) ^ salt;
            out.push(mix(h));
            if let Some(p) = prev {
                out.push(mix(p.rotate_left(17) ^ h));
            }
            prev = Some(h);
        }
    };
    if let Some(t) = &sop.identity.title {
        add(t, 0x0054_4954_4c45);
    }
    for s in &sop.steps {
        add(&s.activity, 0);
    }
    let mut out: Vec<u32> = out.into_iter().map(|h| (h >> 32) as u32).collect();
    out.sort_unstable();
    out.dedup();
    out.shrink_to_fit();
    out
}

/// Jaccard similarity of two sorted sets.
pub fn jaccard<T: Ord>(a: &[T], b: &[T]) -> f64 {
    if a.is_empty() && b.is_empty() {
        return 1.0;
    }
    let (mut i, mut j, mut inter) = (0, 0, 0usize);
    while let (Some(x), Some(y)) = (a.get(i), b.get(j)) {
        match x.cmp(y) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                inter += 1;
                i += 1;
                j += 1;
            }
        }
    }
    let union = a.len() + b.len() - inter;
    inter as f64 / union as f64
}

/// The MinHash signature of a shingle set.
fn signature(sh: &[u32]) -> [u64; NUM_HASHES] {
    let mut sig = [u64::MAX; NUM_HASHES];
    for &x in sh {
        let x = mix(u64::from(x));
        let a = x;
        let b = mix(x ^ 0x2545_f491_4f6c_dd1d) | 1;
        let mut h = a;
        for slot in sig.iter_mut() {
            h = h.wrapping_add(b);
            let v = mix(h);
            if v < *slot {
                *slot = v;
            }
        }
    }
    sig
}

/// Union-find with the lowest joining similarity per root.
struct Groups {
    parent: Vec<u32>,
    min_sim: Vec<f64>,
}

impl Groups {
    fn new(n: usize) -> Self {
        Groups {
            parent: (0..n as u32).collect(),
            min_sim: vec![1.0; n],
        }
    }

    fn find(&mut self, mut x: u32) -> u32 {
        let mut root = x;
        while let Some(&p) = self.parent.get(root as usize) {
            if p == root {
                break;
            }
            root = p;
        }
        while let Some(p) = self.parent.get_mut(x as usize) {
            if *p == root {
                break;
            }
            let next = *p;
            *p = root;
            x = next;
        }
        root
    }

    fn union(&mut self, a: u32, b: u32, sim: f64) {
        let (ra, rb) = (self.find(a), self.find(b));
        if ra == rb {
            return;
        }
        let m = self
            .min_sim
            .get(ra as usize)
            .copied()
            .unwrap_or(1.0)
            .min(self.min_sim.get(rb as usize).copied().unwrap_or(1.0))
            .min(sim);
        let (keep, drop) = if ra < rb { (ra, rb) } else { (rb, ra) };
        if let Some(p) = self.parent.get_mut(drop as usize) {
            *p = keep;
        }
        if let Some(s) = self.min_sim.get_mut(keep as usize) {
            *s = m;
        }
    }
}

/// Finds the duplicate groups among `sops`, largest first.
pub fn find(sops: &[Sop], rules: &DuplicateRules) -> Vec<DuplicateGroup> {
    let mut index = DuplicateIndex::new(rules);
    for s in sops {
        index.add(s);
    }
    index.finish()
}

/// A 128-bit hash of texts taken as one sequence (a 0 byte between them): stands in
/// for a key that need not be kept (steps, title and steps), collisions being out of
/// reach at archive scale.
pub fn hash128(parts: &[&str]) -> u128 {
    use sha2::{Digest, Sha256};
    let mut h = Sha256::new();
    for (i, p) in parts.iter().enumerate() {
        if i > 0 {
            h.update([0u8]);
        }
        h.update(p.as_bytes());
    }
    let d = h.finalize();
    let mut b = [0u8; 16];
    b.copy_from_slice(d.get(..16).unwrap_or(&[0; 16]));
    u128::from_le_bytes(b)
}

/// Strings given small numbers in order of first appearance.
#[derive(Debug, Default)]
pub struct Interner {
    names: Vec<String>,
    index: HashMap<String, u32>,
}

impl Interner {
    /// The number of `name`, given it if new.
    pub fn intern(&mut self, name: &str) -> u32 {
        if let Some(&i) = self.index.get(name) {
            return i;
        }
        let i = self.names.len() as u32;
        self.names.push(name.to_string());
        self.index.insert(name.to_string(), i);
        i
    }

    /// The string numbered `i`.
    pub fn name(&self, i: u32) -> &str {
        self.names.get(i as usize).map(String::as_str).unwrap_or("")
    }
}

/// Duplicate detection fed one SOP at a time (see the module docs): keeps, per SOP, its
/// id and agency; per class of identical steps, its members and the shingles of its first
/// SOP — never the SOPs themselves.
pub struct DuplicateIndex<'r> {
    rules: &'r DuplicateRules,
    /// Ids by ordinal.
    ids: Vec<Box<str>>,
    /// Agency (number in `agencies`) by ordinal.
    agency: Vec<u32>,
    agencies: Interner,
    class_of_key: HashMap<u128, u32>,
    /// Member ordinals per class, in order of appearance.
    classes: Vec<Vec<u32>>,
    /// Shingles of each class's first SOP.
    shingle_sets: Vec<Vec<u32>>,
}

impl<'r> DuplicateIndex<'r> {
    /// An empty index under `rules`.
    pub fn new(rules: &'r DuplicateRules) -> Self {
        DuplicateIndex {
            rules,
            ids: Vec::new(),
            agency: Vec::new(),
            agencies: Interner::default(),
            class_of_key: HashMap::new(),
            classes: Vec::new(),
            shingle_sets: Vec::new(),
        }
    }

    /// Adds the next SOP.
    pub fn add(&mut self, sop: &Sop) {
        self.add_keyed(sop, &step_key(sop));
    }

    /// Adds the next SOP whose [`step_key`] the caller already has.
    pub fn add_keyed(&mut self, sop: &Sop, key: &str) {
        let ord = self.ids.len() as u32;
        self.ids.push(sop.id.as_str().into());
        let a = self.agencies.intern(sop.agency.as_deref().unwrap_or(""));
        self.agency.push(a);
        if sop.steps.len() < self.rules.min_steps.max(1) || key.trim().is_empty() {
            return;
        }
        let next = self.classes.len() as u32;
        let c = *self.class_of_key.entry(hash128(&[key])).or_insert(next);
        if c == next {
            self.classes.push(Vec::new());
            self.shingle_sets.push(shingles(sop));
        }
        if let Some(members) = self.classes.get_mut(c as usize) {
            members.push(ord);
        }
    }

    /// The duplicate groups among the SOPs added, largest first.
    pub fn finish(self) -> Vec<DuplicateGroup> {
        let DuplicateIndex {
            rules,
            ids,
            agency,
            agencies: names,
            classes,
            shingle_sets,
            ..
        } = self;
        let bands = band_keys(&shingle_sets);
        let mut groups = join_buckets(&bands, &shingle_sets, rules.near_similarity, classes.len());
        drop(shingle_sets);
        let comp = components(&mut groups, classes.len());
        let grouper = Grouper {
            rules,
            ids: &ids,
            agency: &agency,
            names: &names,
        };
        let mut out = Vec::new();
        for (root, cls) in comp {
            let min_sim = groups.min_sim.get(root as usize).copied().unwrap_or(1.0);
            grouper.component(&cls, &classes, min_sim, &mut out);
        }
        out.sort_by(|a, b| {
            b.sops
                .len()
                .cmp(&a.sops.len())
                .then_with(|| a.sops.cmp(&b.sops))
        });
        out
    }
}

/// Stage 5 of [`DuplicateIndex::finish`]: the classes of each component of the joined
/// buckets, by the component's root.
fn components(groups: &mut Groups, classes: usize) -> HashMap<u32, Vec<u32>> {
    let mut comp: HashMap<u32, Vec<u32>> = HashMap::new();
    for c in 0..classes as u32 {
        let r = groups.find(c);
        comp.entry(r).or_default().push(c);
    }
    comp
}

/// Stage 6 of [`DuplicateIndex::finish`]: turns components of classes into groups, with
/// what the SOPs' ordinals stand for.
struct Grouper<'a> {
    /// The rules (same-agency groups kept or not).
    rules: &'a DuplicateRules,
    /// SOP id by ordinal.
    ids: &'a [Box<str>],
    /// Interned agency by ordinal.
    agency: &'a [u32],
    /// The agency names.
    names: &'a Interner,
}

impl Grouper<'_> {
    /// The SOP id of ordinal `o`.
    fn id_of(&self, o: u32) -> Option<String> {
        self.ids.get(o as usize).map(|s| s.to_string())
    }

    /// The groups of one component `cls` (classes of identical SOPs) into `out`: one
    /// identical group for a single class; for several, the near group (its similarity
    /// the least pair's, `min_sim`) and each identical class inside it on its own too
    /// (SPEC).
    fn component(
        &self,
        cls: &[u32],
        classes: &[Vec<u32>],
        min_sim: f64,
        out: &mut Vec<DuplicateGroup>,
    ) {
        let members: Vec<u32> = cls
            .iter()
            .filter_map(|&c| classes.get(c as usize))
            .flatten()
            .copied()
            .collect();
        let variants = cls
            .iter()
            .filter_map(|&c| classes.get(c as usize)?.first())
            .filter_map(|&o| self.id_of(o))
            .collect();
        if cls.len() == 1 {
            out.extend(self.group(members, variants, DuplicateKind::Identical, 1.0));
            return;
        }
        let similarity = (min_sim * 1000.0).floor() / 1000.0;
        out.extend(self.group(members, variants, DuplicateKind::Near, similarity));
        for &c in cls {
            let Some(class) = classes.get(c as usize) else {
                continue;
            };
            let variant = class
                .first()
                .and_then(|&o| self.id_of(o))
                .into_iter()
                .collect();
            out.extend(self.group(class.clone(), variant, DuplicateKind::Identical, 1.0));
        }
    }

    /// A group of `members`: their agencies, and None when the rules leave it out (fewer
    /// than two members, or one agency when same-agency groups are not kept).
    fn group(
        &self,
        mut members: Vec<u32>,
        variants: Vec<String>,
        kind: DuplicateKind,
        similarity: f64,
    ) -> Option<DuplicateGroup> {
        if members.len() < 2 {
            return None;
        }
        members.sort_unstable();
        let agency_of = |o: u32| {
            self.agency
                .get(o as usize)
                .map_or("", |&a| self.names.name(a))
        };
        let mut agencies: Vec<&str> = members.iter().map(|&o| agency_of(o)).collect();
        agencies.sort_unstable();
        agencies.dedup();
        if !self.rules.same_agency && agencies.len() < 2 {
            return None;
        }
        Some(DuplicateGroup {
            sops: members.iter().filter_map(|&o| self.id_of(o)).collect(),
            similarity,
            kind,
            agencies: agencies
                .into_iter()
                .filter(|a| !a.is_empty())
                .map(str::to_string)
                .collect(),
            variants,
        })
    }
}

/// Stage 3 of [`DuplicateIndex::finish`]: the MinHash signature of every class's shingle
/// set cut into bands, as sorted (band key, class) pairs; classes sharing a key are
/// candidates.
fn band_keys(shingle_sets: &[Vec<u32>]) -> Vec<(u64, u32)> {
    let mut bands: Vec<(u64, u32)> = shingle_sets
        .par_iter()
        .enumerate()
        .filter(|(_, sh)| !sh.is_empty())
        .flat_map_iter(|(c, sh)| {
            let sig = signature(sh);
            (0..BANDS).map(move |b| {
                let mut h = mix(b as u64 + 1);
                for v in sig.get(b * ROWS..(b + 1) * ROWS).unwrap_or(&[]) {
                    h = mix(h ^ v);
                }
                (h, c as u32)
            })
        })
        .collect();
    bands.par_sort_unstable();
    bands
}

/// Stage 4 of [`DuplicateIndex::finish`]: the members of each band bucket checked exactly
/// (Jaccard at least `t`) against the bucket's leaders and joined into groups.
fn join_buckets(bands: &[(u64, u32)], shingle_sets: &[Vec<u32>], t: f64, classes: usize) -> Groups {
    let mut groups = Groups::new(classes);
    let mut leaders: Vec<u32> = Vec::with_capacity(MAX_LEADERS);
    let set = |c: u32| {
        shingle_sets
            .get(c as usize)
            .map(Vec::as_slice)
            .unwrap_or(&[])
    };
    for bucket in bands.chunk_by(|a, b| a.0 == b.0) {
        if bucket.len() < 2 {
            continue;
        }
        leaders.clear();
        for &(_, c) in bucket {
            let sc = set(c);
            let mut joined = false;
            for &l in &leaders {
                if groups.find(l) == groups.find(c) {
                    joined = true;
                    break;
                }
                let sl = set(l);
                let (small, big) = (sc.len().min(sl.len()), sc.len().max(sl.len()));
                if big == 0 || (small as f64) < t * big as f64 {
                    continue;
                }
                let sim = jaccard(sc, sl);
                if sim >= t {
                    groups.union(l, c, sim);
                    joined = true;
                    break;
                }
            }
            if !joined && leaders.len() < MAX_LEADERS {
                leaders.push(c);
            }
        }
    }
    groups
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalise_keeps_letters_and_digits() {
        assert_eq!(
            normalise("  Menerima  Surat-Masuk (SPT), 2x! "),
            "menerima surat masuk spt 2x"
        );
    }

    #[test]
    fn jaccard_of_sorted_sets() {
        assert_eq!(jaccard(&[1, 2, 3, 4], &[2, 3, 4, 5]), 0.6);
        assert_eq!(jaccard(&[1], &[2]), 0.0);
    }

    #[test]
    fn union_find_keeps_lowest_similarity() {
        let mut g = Groups::new(4);
        g.union(0, 1, 0.9);
        g.union(2, 3, 0.95);
        g.union(1, 3, 0.85);
        let r = g.find(3);
        assert_eq!(r, 0);
        assert_eq!(g.min_sim[0], 0.85);
    }
}
