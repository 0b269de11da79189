//! `sopap export OUT --format … --to DIR`: one file per SOP and format, in a folder per
//! agency, under stable names; an unknown format is refused.

use std::process::Command;

use sopap::sop::record::Sop;

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
        for f in std::fs::read_dir(&d).unwrap() {
            let f = f.unwrap().path();
            assert!(std::fs::metadata(&f).unwrap().len() > 200);
            out.push(f.strip_prefix(root).unwrap().to_string_lossy().into_owned());
        }
    }
    out
}
