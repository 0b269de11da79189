//! bpmn-js, the modeler of bpmn.io, imports every exported .bpmn of the development
//! corpus and of `../shared/real` without a warning. bpmn-js comes from the npm registry
//! (`tests/bpmn_js/setup.sh`, pinned by its package-lock.json, installed into
//! `target/bpmn-js` or `$SOPAP_BPMN_JS_DIR`; `.ci/run` calls it) and runs in headless
//! Chromium: one browser, one page load that imports every diagram in turn into one
//! viewer (`tests/bpmn_js/import_all.html`). A deliberately broken diagram goes along, so
//! the test also shows that a warning would be seen. Skipped with one line where
//! Chromium or the installed bpmn-js is missing; under `CI=true` that is a failure.

use crate::support;

use std::path::{Path, PathBuf};
use std::process::Command;

use sopap::{Rules, RunOptions, Sop, internals::to_bpmn};

const CHROMIUM: &str = "/usr/bin/chromium";
const PAGE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/bpmn_js/import_all.html");
/// The viewer bundle inside the installed bpmn-js.
const VIEWER: &str = "node_modules/bpmn-js/dist/bpmn-viewer.production.min.js";
/// Virtual time the page may take to import every diagram, ms (real runs take ~10 s).
const VIRTUAL_TIME_MS: u32 = 600_000;
/// Name of the broken diagram sent along as a control.
const CONTROL: &str = "control/broken.bpmn";

/// Where setup.sh installed bpmn-js.
fn bpmn_js_dir() -> PathBuf {
    std::env::var_os("SOPAP_BPMN_JS_DIR").map_or_else(
        || PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/bpmn-js"),
        PathBuf::from,
    )
}

/// The viewer's JavaScript, or `None` (after one line) when Chromium or bpmn-js is
/// missing outside CI.
fn viewer_or_skip() -> Option<String> {
    let viewer = bpmn_js_dir().join(VIEWER);
    let missing = if !Path::new(CHROMIUM).exists() {
        Some(format!("{CHROMIUM} not found"))
    } else if !viewer.is_file() {
        Some(format!(
            "{} not found (run tests/bpmn_js/setup.sh, needs npm)",
            viewer.display()
        ))
    } else {
        None
    };
    if let Some(why) = missing {
        assert!(!support::under_ci(), "{why}, and CI=true requires it");
        eprintln!("skipping the bpmn-js import: {why}");
        return None;
    }
    Some(std::fs::read_to_string(viewer).unwrap())
}

/// Every SOP of `archive` as (name, BPMN XML).
fn exported(archive: &str, tag: &str) -> Vec<(String, String)> {
    let out = tempfile::tempdir().unwrap();
    let rules = Rules::defaults().unwrap();
    sopap::run(&RunOptions::new(archive, out.path()), &rules).unwrap();
    let text = std::fs::read_to_string(out.path().join("sops.jsonl")).unwrap();
    text.lines()
        .map(|line| {
            let sop: Sop = serde_json::from_str(line).unwrap();
            (format!("{tag}/{}", sop.id), to_bpmn(&sop))
        })
        .collect()
}

/// A diagram bpmn-js must warn about: a flow whose target does not exist.
fn broken_control() -> String {
    let sop: Sop = serde_json::from_str(
        &std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/bpmn_js/control_sop.json"
        ))
        .unwrap(),
    )
    .unwrap();
    let xml = to_bpmn(&sop);
    assert!(
        xml.contains("targetRef=\"End_1\""),
        "control has no End_1 flow"
    );
    xml.replacen("targetRef=\"End_1\"", "targetRef=\"Nowhere_1\"", 1)
}

/// The page with the viewer and `files` filled in.
fn page(viewer: &str, files: &[(String, String)]) -> String {
    // `</script>` inside the JSON would end the script element.
    let json = serde_json::to_string(files).unwrap().replace("</", "<\\/");
    std::fs::read_to_string(PAGE)
        .unwrap()
        .replacen("/*SOPAP_VIEWER*/", viewer, 1)
        .replacen("/*SOPAP_FILES*/", &json, 1)
}

/// Loads `html` in headless Chromium and returns the result object the page wrote.
fn run_page(html: &str) -> serde_json::Value {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("import_all.html");
    std::fs::write(&file, html).unwrap();
    let profile = dir.path().join("profile");
    std::fs::create_dir(&profile).unwrap();
    let o = Command::new(CHROMIUM)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .arg(format!("--virtual-time-budget={VIRTUAL_TIME_MS}"))
        .arg("--dump-dom")
        .arg(format!("file://{}", file.display()))
        .output()
        .unwrap();
    let dom = String::from_utf8_lossy(&o.stdout);
    let result = dom
        .split("<pre id=\"out\">RESULT ")
        .nth(1)
        .and_then(|t| t.split("</pre>").next())
        .unwrap_or_else(|| {
            panic!(
                "the page wrote no result; chromium said:\n{}",
                String::from_utf8_lossy(&o.stderr)
            )
        });
    let text = result
        .replace("&quot;", "\"")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&");
    serde_json::from_str(&text).unwrap()
}

#[test]
fn bpmn_js_imports_every_exported_diagram_without_a_warning() {
    shared_or_skip!(support::ARCHIVE, support::REAL);
    let Some(viewer) = viewer_or_skip() else {
        return;
    };
    let mut files = exported(support::ARCHIVE, "corpus");
    let corpus = files.len();
    files.extend(exported(support::REAL, "real"));
    assert!(corpus >= 150, "only {corpus} corpus SOPs");
    assert!(
        files.len() - corpus >= 20,
        "only {} real SOPs",
        files.len() - corpus
    );
    files.push((CONTROL.to_string(), broken_control()));

    let result = run_page(&page(&viewer, &files));
    let problems: Vec<(String, String)> =
        serde_json::from_value(result["problems"].clone()).unwrap();
    // The control is seen, with a warning about its dangling flow.
    assert!(
        problems
            .iter()
            .any(|(name, m)| name == CONTROL && m.contains("Nowhere_1")),
        "the broken control diagram raised no warning: {problems:?}"
    );
    let real: Vec<_> = problems.iter().filter(|(n, _)| n != CONTROL).collect();
    assert!(real.is_empty(), "bpmn-js warnings: {real:#?}");
    assert_eq!(
        result["imported"],
        files.len(),
        "not every diagram imported"
    );
}
