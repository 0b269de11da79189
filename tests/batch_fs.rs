//! The file system as it is: symlinks, FIFOs and unreadable entries get error lines and
//! never block the run; names differing only in undecodable bytes are distinct ids; a
//! rerun with nothing changed reads nothing.

use std::ffi::OsStr;
use std::os::unix::ffi::OsStrExt;
use std::path::Path;

use sopap::{ErrorKind, Rules, RunOptions, run};

fn good() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/archive/Kel. Tikala/SOP SKTM.docx")
}

#[test]
fn special_entries_get_lines_and_odd_names_stay_distinct() {
    let tmp = tempfile::tempdir().unwrap();
    let archive = tmp.path().join("archive");
    let dir = archive.join("kelurahan");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::copy(good(), dir.join("sktm.docx")).unwrap();
    std::os::unix::fs::symlink(dir.join("sktm.docx"), dir.join("link.docx")).unwrap();
    let fifo = dir.join("pipe.docx");
    let status = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap();
    assert!(status.success());
    for raw in [&b"lama-\xff.docx"[..], &b"lama-\xfe.docx"[..]] {
        std::fs::copy(good(), dir.join(OsStr::from_bytes(raw))).unwrap();
    }

    let out = tmp.path().join("out");
    let mut rules = Rules::defaults().unwrap();
    rules.findings.as_of = sopap::Date::parse_iso("2026-12-01").unwrap();
    let opts = RunOptions::new(&archive, &out);
    let res = run(&opts, &rules).unwrap();
    assert_eq!(res.files, 5);

    let kind_of = |p: &str| {
        res.errors
            .iter()
            .find(|e| e.path == p)
            .map(|e| (e.kind, e.message.clone()))
    };
    let (k, m) = kind_of("kelurahan/link.docx").expect("symlink line");
    assert_eq!(k, ErrorKind::Unsupported);
    assert!(m.contains("symbolic link"), "{m}");
    let (k, m) = kind_of("kelurahan/pipe.docx").expect("fifo line");
    assert_eq!(k, ErrorKind::Unsupported);
    assert!(m.contains("FIFO"), "{m}");
    assert_eq!(res.errors.len(), 2, "{:?}", res.errors);

    let sops = std::fs::read_to_string(out.join("sops.jsonl")).unwrap();
    let ids: Vec<String> = sops
        .lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap()["id"].to_string())
        .collect();
    assert_eq!(ids.len(), 3, "{ids:?}");
    assert!(
        ids.iter().any(|i| i.contains("lama-\\\\xFF.docx#1")),
        "{ids:?}"
    );
    assert!(
        ids.iter().any(|i| i.contains("lama-\\\\xFE.docx#1")),
        "{ids:?}"
    );
    assert!(sops.contains("Pelayanan Surat Keterangan Tidak Mampu"));

    let again = run(&opts, &rules).unwrap();
    assert_eq!(again.read, 0);
    assert!(!again.outputs_written);
}

#[test]
fn unreadable_folder_gets_a_line_and_the_rest_is_read() {
    use std::os::unix::fs::PermissionsExt;
    // SAFETY: geteuid has no preconditions.
    if unsafe { libc::geteuid() } == 0 {
        eprintln!("NOTICE: running as root, permissions do not apply: skipping");
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let archive = tmp.path().join("archive");
    let locked = archive.join("kunci");
    std::fs::create_dir_all(&locked).unwrap();
    std::fs::create_dir_all(archive.join("buka")).unwrap();
    std::fs::copy(good(), archive.join("buka/sktm.docx")).unwrap();
    std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o000)).unwrap();
    let rules = Rules::defaults().unwrap();
    let res = run(&RunOptions::new(&archive, tmp.path().join("out")), &rules);
    std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o755)).unwrap();
    let res = res.unwrap();
    assert!(
        res.errors.iter().any(|e| e.path == "kunci"),
        "{:?}",
        res.errors
    );
    assert_eq!(res.sops, 1);
}
