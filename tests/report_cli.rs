//! `sopap report OUT --as-of DATE`: the subcommand rebuilds the reports from sops.jsonl.

use crate::report_support;

use std::process::Command;

use report_support::{SURAT_MASUK, sop};

#[test]
fn report_subcommand_takes_an_as_of_date() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = sop(
        "dinkes/a.docx",
        "Dinas Kesehatan",
        "Pengelolaan Surat Masuk",
        "800/1/2024",
        SURAT_MASUK,
    );
    s.identity.created = Some("2019-12-01".into());
    s.identity.effective = Some("2020-01-15".into());
    std::fs::write(
        dir.path().join("sops.jsonl"),
        serde_json::to_string(&s).unwrap() + "\n",
    )
    .unwrap();
    let bin = env!("CARGO_BIN_EXE_sopap");

    let out = Command::new(bin)
        .args(["report", "--as-of", "2022-01-01"])
        .arg(dir.path())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.path().join("report.json")).unwrap()).unwrap();
    assert_eq!(v["summary"]["as_of"], "2022-01-01");
    let stale = |v: &serde_json::Value| -> Vec<serde_json::Value> {
        v["findings"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| f["code"] == "stale")
            .cloned()
            .collect()
    };
    assert!(stale(&v).is_empty(), "{}", v["findings"]);

    let out = Command::new(bin)
        .args(["report", "--as-of", "2024-06-01"])
        .arg(dir.path())
        .output()
        .unwrap();
    assert!(out.status.success());
    let v: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.path().join("report.json")).unwrap()).unwrap();
    let st = stale(&v);
    assert_eq!(st.len(), 1, "{}", v["findings"]);
    assert_eq!(st[0]["sop"], "dinkes/a.docx#1");

    let out = Command::new(bin)
        .args(["report", "--as-of", "2024-13-01"])
        .arg(dir.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--as-of"));
}
