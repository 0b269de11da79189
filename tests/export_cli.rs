//! `sopap export OUT --format … --to DIR`: one file per SOP and format, in a folder per
//! agency, under stable names; an unknown format is refused; `index.csv`/`index.json`
//! trace every file to its SOP and source, and an earlier export's stale files go.

use std::process::Command;

use sopap::Sop;

fn sop(id: &str, agency: Option<&str>, title: &str) -> Sop {
    let mut s = Sop {
        id: id.into(),
        agency: agency.map(str::to_string),
        ..Default::default()
    };
    s.identity.title = Some(title.into());
    s
}

#[test]
fn export_writes_one_file_per_sop_and_format_per_agency() {
    let out = tempfile::tempdir().unwrap();
    let to = tempfile::tempdir().unwrap();
    let sops = [
        sop(
            "a/cuti.docx#1",
            Some("Dinas Kesehatan"),
            "Pelayanan Cuti Pegawai",
        ),
        sop(
            "b/cuti.docx#1",
            Some("Dinas Kesehatan"),
            "Pelayanan Cuti Pegawai",
        ),
        sop("c/surat.xlsx#1", None, "Surat Masuk"),
    ];
    let jsonl: String = sops
        .iter()
        .map(|s| serde_json::to_string(s).unwrap() + "\n")
        .collect();
    std::fs::write(out.path().join("sops.jsonl"), jsonl).unwrap();
    let run = |format: &str| {
        Command::new(env!("CARGO_BIN_EXE_sopap"))
            .arg("export")
            .arg(out.path())
            .args(["--format", format, "--to"])
            .arg(to.path())
            .output()
            .unwrap()
    };
    let o = run("docx,bpmn");
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let mut names: Vec<String> = walk(to.path());
    names.sort();
    assert_eq!(names.len(), 6, "{names:?}");
    let kes: Vec<_> = names
        .iter()
        .filter(|n| n.starts_with("dinas-kesehatan/pelayanan-cuti-pegawai-"))
        .collect();
    assert_eq!(
        kes.len(),
        4,
        "two SOPs of the same title, two formats: {names:?}"
    );
    assert!(
        names
            .iter()
            .any(|n| n.starts_with("tanpa-instansi/surat-masuk-") && n.ends_with(".bpmn"))
    );
    // Stable: a second export writes the same names.
    assert!(run("docx,bpmn").status.success());
    let mut again = walk(to.path());
    again.sort();
    assert_eq!(names, again);
    let bad = run("pdf");
    assert!(!bad.status.success());
    assert!(String::from_utf8_lossy(&bad.stderr).contains("unknown export format"));
}

fn walk(root: &std::path::Path) -> Vec<String> {
    let mut out = Vec::new();
    for d in std::fs::read_dir(root).unwrap() {
        let d = d.unwrap().path();
        if d.is_file() {
            continue; // index.csv, index.json
        }
        for f in std::fs::read_dir(&d).unwrap() {
            let f = f.unwrap().path();
            assert!(std::fs::metadata(&f).unwrap().len() > 200);
            out.push(f.strip_prefix(root).unwrap().to_string_lossy().into_owned());
        }
    }
    out
}

#[test]
fn export_writes_an_index_and_removes_stale_files_of_an_earlier_export() {
    let out = tempfile::tempdir().unwrap();
    let to = tempfile::tempdir().unwrap();
    let write = |sops: &[Sop]| {
        let jsonl: String = sops
            .iter()
            .map(|s| serde_json::to_string(s).unwrap() + "\n")
            .collect();
        std::fs::write(out.path().join("sops.jsonl"), jsonl).unwrap();
    };
    let run = || {
        Command::new(env!("CARGO_BIN_EXE_sopap"))
            .arg("export")
            .arg(out.path())
            .args(["--format", "bpmn,docx", "--to"])
            .arg(to.path())
            .output()
            .unwrap()
    };
    let mut cuti = sop("a/cuti.docx#1", Some("Dinas Kesehatan"), "Pelayanan Cuti");
    cuti.source.path = "a/cuti.docx".into();
    cuti.identity.number = Some("800/12/2020".into());
    let surat = sop("c/surat.xlsx#1", None, "Surat Masuk, Keluar");
    write(&[cuti.clone(), surat]);
    assert!(run().status.success());
    let csv = std::fs::read_to_string(to.path().join("index.csv")).unwrap();
    let mut lines = csv.lines();
    assert_eq!(
        lines.next(),
        Some("sop_id,source,agency,number,title,files")
    );
    let first = lines.next().unwrap();
    assert!(first.starts_with("a/cuti.docx#1,a/cuti.docx,Dinas Kesehatan,800/12/2020,Pelayanan Cuti,dinas-kesehatan/pelayanan-cuti-"), "{first}");
    assert!(first.ends_with(".docx"), "{first}");
    assert!(csv.contains("\"Surat Masuk, Keluar\""));
    let index: serde_json::Value =
        serde_json::from_slice(&std::fs::read(to.path().join("index.json")).unwrap()).unwrap();
    let surat_files: Vec<String> = index[1]["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f.as_str().unwrap().to_string())
        .collect();
    assert_eq!(surat_files.len(), 2);
    // The Surat SOP is gone from the next run: its files are removed and reported.
    write(&[cuti]);
    let o = run();
    assert!(o.status.success());
    let err = String::from_utf8_lossy(&o.stderr);
    for f in &surat_files {
        assert!(!to.path().join(f).exists(), "{f} left behind");
        assert!(err.contains(f.as_str()), "{err}");
    }
    assert_eq!(walk(to.path()).len(), 2);
}
