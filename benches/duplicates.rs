//! Duplicate detection at archive scale: 100,000 generated SOPs from ~40 agencies and
//! ~200 procedure families, with per-agency wording variations and per-copy noise.
//!
//! Run: `cargo bench --bench duplicates` (optionally `-- N` for another SOP count).
//! Prints the time of `analyze::duplicates::find` and the groups it found.

use std::time::Instant;

use sopap::{
    DuplicateKind, DuplicateRules, Identity, Rules, Sop, Source, Step,
    internals::find_duplicates as find,
};

const AGENCIES: usize = 40;
const FAMILIES: usize = 200;

/// xorshift64*: a small deterministic generator.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

const VERBS: &[&str] = &[
    "Menerima",
    "Memeriksa",
    "Mencatat",
    "Meneruskan",
    "Menyetujui",
    "Mengarsipkan",
    "Menyerahkan",
    "Memverifikasi",
    "Memproses",
    "Menandatangani",
    "Mengajukan",
    "Menelaah",
    "Mendistribusikan",
    "Menginput",
    "Mengoreksi",
    "Membuat",
    "Menyusun",
    "Mengirimkan",
];
const OBJECTS: &[&str] = &[
    "surat masuk",
    "surat keluar",
    "permohonan cuti",
    "surat perintah tugas",
    "SPPD",
    "usulan kenaikan pangkat",
    "berkas pensiun",
    "izin belajar",
    "laporan keuangan",
    "nota dinas",
    "daftar hadir",
    "rencana kerja",
    "dokumen pengadaan",
    "aset daerah",
    "pengaduan masyarakat",
    "data kependudukan",
    "surat keterangan domisili",
    "rekomendasi izin usaha",
    "arsip inaktif",
    "laporan kinerja",
    "anggaran kegiatan",
    "kartu pegawai",
    "surat tugas",
    "gaji berkala",
    "uji kompetensi",
];
const QUALIFIERS: &[&str] = &[
    "tahunan",
    "bulanan",
    "elektronik",
    "manual",
    "mendesak",
    "rutin",
    "khusus",
    "berkala",
];
const DETAILS: &[&str] = &[
    "sesuai ketentuan yang berlaku",
    "dalam buku agenda",
    "kepada pejabat berwenang",
    "melalui aplikasi",
    "beserta lampiran",
    "untuk ditindaklanjuti",
    "secara lengkap",
    "dengan teliti",
    "ke unit terkait",
    "sebagai bahan laporan",
];
const SYNONYMS: &[(&str, &str)] = &[
    ("Menerima", "Menerima dan membuka"),
    ("Mencatat", "Meregistrasi"),
    ("Meneruskan", "Menyampaikan"),
    ("Memeriksa", "Meneliti"),
    ("kepada pejabat berwenang", "kepada atasan"),
    ("dalam buku agenda", "dalam register"),
    ("melalui aplikasi", "melalui sistem informasi"),
];

/// The template of one procedure family: a title and 7–12 activities.
fn family(f: usize) -> (String, Vec<String>) {
    let mut r = Rng(0x9e37_79b9_7f4a_7c15 ^ ((f as u64 + 1) * 0x1000_0001));
    let object = OBJECTS[f % OBJECTS.len()];
    let qual = QUALIFIERS[(f / OBJECTS.len()) % QUALIFIERS.len()];
    let title = format!("Pengelolaan {object} {qual}");
    let n = 7 + r.below(6);
    let steps = (0..n)
        .map(|k| {
            format!(
                "{} {object} {qual} tahap {k} {}",
                VERBS[r.below(VERBS.len())],
                DETAILS[r.below(DETAILS.len())]
            )
        })
        .collect();
    (title, steps)
}

/// One agency's wording of a family: synonyms in one or two steps, sometimes an extra
/// step naming the agency's own unit.
fn agency_variant(steps: &[String], a: usize, f: usize) -> Vec<String> {
    let mut r = Rng(((a as u64 + 7) << 32) ^ (f as u64 + 3) ^ 0xdead_beef);
    let mut out = steps.to_vec();
    for _ in 0..r.below(3) {
        let k = r.below(out.len());
        let (from, to) = SYNONYMS[r.below(SYNONYMS.len())];
        out[k] = out[k].replacen(from, to, 1);
    }
    if r.below(4) == 0 {
        out.push(format!("Melaporkan hasil kepada Kepala Dinas {a}"));
    }
    out
}

fn make_sop(id: usize, a: usize, title: &str, acts: &[String]) -> Sop {
    let path = format!("opd-{a:02}/sop-{id:06}.docx");
    Sop {
        id: format!("{path}#1"),
        source: Source {
            path,
            format: "docx".into(),
            sha256: String::new(),
            index: 1,
            ocr: false,
        },
        agency: Some(format!("OPD {a:02}")),
        identity: Identity {
            title: Some(title.to_string()),
            ..Default::default()
        },
        steps: acts
            .iter()
            .enumerate()
            .map(|(i, t)| Step {
                no: i as u32 + 1,
                activity: t.clone(),
                ..Default::default()
            })
            .collect(),
        ..Default::default()
    }
}

/// CPU time (user + system) of this process in seconds, from /proc (Linux); None
/// elsewhere. On a shared machine it tells the work apart from the waiting.
fn cpu_seconds() -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    let rest = stat.rsplit_once(')')?.1;
    let f: Vec<&str> = rest.split_whitespace().collect();
    // After the command name: state is field 3, utime 14, stime 15 (1-based, whole line).
    let utime: f64 = f.get(11)?.parse().ok()?;
    let stime: f64 = f.get(12)?.parse().ok()?;
    Some((utime + stime) / 100.0)
}

fn main() {
    let n: usize = std::env::args()
        .skip(1)
        .find_map(|a| a.parse().ok())
        .unwrap_or(100_000);
    let t = Instant::now();
    let families: Vec<(String, Vec<String>)> = (0..FAMILIES).map(family).collect();
    let mut r = Rng(42);
    let mut sops = Vec::with_capacity(n);
    for id in 0..n {
        let f = r.below(FAMILIES);
        let a = r.below(AGENCIES);
        let (title, steps) = &families[f];
        let mut acts = agency_variant(steps, a, f);
        // Per-copy noise: a dropped step or a typo-level change in one of four copies.
        match r.below(8) {
            0 if acts.len() > 3 => {
                let k = r.below(acts.len());
                acts.remove(k);
            }
            1 => {
                let k = r.below(acts.len());
                acts[k] = acts[k].to_uppercase();
            }
            _ => {}
        }
        sops.push(make_sop(id, a, title, &acts));
    }
    sops.sort_by(|x, y| x.id.cmp(&y.id));
    eprintln!("generated {} SOPs in {:.2?}", sops.len(), t.elapsed());

    let rules = DuplicateRules::default();
    let cpu0 = cpu_seconds();
    let t = Instant::now();
    let groups = find(&sops, &rules);
    let took = t.elapsed();
    let cpu = cpu_seconds().zip(cpu0).map(|(b, a)| b - a);
    let grouped: usize = groups.iter().map(|g| g.sops.len()).sum();
    let near = groups
        .iter()
        .filter(|g| g.kind == DuplicateKind::Near)
        .count();
    let largest = groups.iter().map(|g| g.sops.len()).max().unwrap_or(0);
    let agencies_max = groups.iter().map(|g| g.agencies.len()).max().unwrap_or(0);
    // Purity: a group whose SOPs come from several families would be a false merge.
    let mixed = groups
        .iter()
        .filter(|g| {
            let titles: std::collections::HashSet<&str> = g
                .sops
                .iter()
                .filter_map(|id| sops.binary_search_by(|s| s.id.as_str().cmp(id)).ok())
                .filter_map(|i| sops[i].identity.title.as_deref())
                .collect();
            titles.len() > 1
        })
        .count();
    // Families found as more than one group (variants below the threshold, or missed).
    let mut per_title: std::collections::BTreeMap<&str, Vec<usize>> = Default::default();
    for g in &groups {
        if let Some(t) = g
            .sops
            .first()
            .and_then(|id| sops.binary_search_by(|s| s.id.as_str().cmp(id)).ok())
            .and_then(|i| sops[i].identity.title.as_deref())
        {
            per_title.entry(t).or_default().push(g.sops.len());
        }
    }
    let split: Vec<_> = per_title.iter().filter(|(_, v)| v.len() > 1).collect();
    if !split.is_empty() {
        eprintln!("families split over several groups: {split:?}");
    }
    println!(
        "duplicates::find over {} SOPs ({AGENCIES} agencies, {FAMILIES} families): {:.2?} \
         wall, {} CPU; \
         {} groups ({near} near), {grouped} SOPs grouped, largest {largest} SOPs from \
         {agencies_max} agencies, {mixed} groups mixing families",
        sops.len(),
        took,
        cpu.map(|c| format!("{c:.2}s"))
            .unwrap_or_else(|| "?".into()),
        groups.len()
    );

    // The whole report stage over the same SOPs: findings, duplicates, the three files.
    let Ok(rules) = Rules::defaults() else {
        return;
    };
    let Ok(dir) = tempfile::tempdir() else {
        return;
    };
    let t = Instant::now();
    sopap::cross_findings(&mut sops, &rules);
    let t_findings = t.elapsed();
    // The analysis alone (findings, collisions, duplicates, agencies), one streaming pass.
    let t = Instant::now();
    let source = sopap::internals::SliceSource::new(&sops);
    let input = sopap::internals::AnalysisInput::default();
    match sopap::internals::Analysis::run(&source, &input, &rules) {
        Ok(a) => println!(
            "analysis pass: {:.2?} ({} SOPs, {} duplicate groups)",
            t.elapsed(),
            a.sops,
            a.duplicates.len()
        ),
        Err(e) => eprintln!("analysis failed: {e}"),
    }
    let t = Instant::now();
    if let Err(e) = sopap::write_all(dir.path(), sops.len(), &sops, &[], &rules) {
        eprintln!("write_all failed: {e}");
        return;
    }
    let size = |n: &str| {
        std::fs::metadata(dir.path().join(n))
            .map(|m| m.len() >> 20)
            .unwrap_or(0)
    };
    let findings: usize = sops.iter().map(|s| s.findings.len()).sum();
    println!(
        "report stage: findings {:.2?} ({findings} findings), write_all {:.2?} \
         (report.json {} MiB, report.html {} MiB, report.xlsx {} MiB)",
        t_findings,
        t.elapsed(),
        size("report.json"),
        size("report.html"),
        size("report.xlsx")
    );
}
