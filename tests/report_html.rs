//! report.html as headless Chromium renders it: every SOP with its steps and drawn
//! flowchart, the quality ranking as documented, failed files charged to their own OPD,
//! no sideways scroll on a 390 px phone, the findings-by-code chart; and the SOP sheet of
//! report.xlsx re-read with calamine.

use crate::report_support;

use std::collections::BTreeMap;
use std::io::Cursor;
use std::path::Path;
use std::process::Command;

use calamine::{Data, Reader, Xlsx, open_workbook_from_rs};
use report_support::{CUTI, SURAT_MASUK, rules, sop};
use serde_json::Value;
use sopap::{
    ErrorKind, FileError, Sop, Symbol, internals::AgencySummary, internals::score_agency as score,
    write_all,
};

/// Dinas Kesehatan: two complete SOPs (one with a decision). Dinas Pendidikan: one SOP
/// without identity and with steps lacking actors, and one failed file. Kecamatan Baru:
/// only a failed file. One failed file at the archive root (no OPD).
fn archive() -> (Vec<Sop>, Vec<FileError>) {
    let s1 = sop(
        "dinas-kesehatan/surat.docx",
        "Dinas Kesehatan",
        "Pengelolaan Surat Masuk",
        "800/1/2024",
        SURAT_MASUK,
    );
    let mut s2 = sop(
        "dinas-kesehatan/cuti.docx",
        "Dinas Kesehatan",
        "Pelayanan Cuti Pegawai",
        "800/2/2024",
        CUTI,
    );
    if let Some(st) = s2.steps.get_mut(1) {
        st.symbol = Some(Symbol::Decision);
        st.if_yes = Some(3);
        st.if_no = Some(1);
        st.next.clear();
    }
    let mut s3 = sop(
        "dinas-pendidikan/cuti.xlsx",
        "Dinas Pendidikan",
        "Cuti",
        "",
        CUTI,
    );
    s3.source.format = "xlsx".into();
    s3.identity.number = None;
    s3.identity.legal_basis.clear();
    s3.identity.approved_by = None;
    for st in s3.steps.iter_mut().take(3) {
        st.actors.clear();
    }
    let mut sops = vec![s1, s2, s3];
    sops.sort_by(|a, b| a.id.cmp(&b.id));
    let errors = vec![
        FileError {
            path: "dinas-pendidikan/rusak.docx".into(),
            kind: ErrorKind::Corrupt,
            message: "zip: invalid central directory".into(),
            failure: Default::default(),
        },
        FileError {
            path: "kecamatan-baru/scan.pdf".into(),
            kind: ErrorKind::NoSopFound,
            message: "the PDF has no text layer: it is a scan and needs OCR before it can be read"
                .into(),
            failure: Default::default(),
        },
        FileError {
            path: "lepas.pdf".into(),
            kind: ErrorKind::Encrypted,
            message: "the PDF is encrypted".into(),
            failure: Default::default(),
        },
    ];
    (sops, errors)
}

fn write(dir: &Path) -> (Vec<Sop>, Vec<FileError>) {
    let (sops, errors) = archive();
    write_all(dir, 6, &sops, &errors, &rules()).unwrap();
    (sops, errors)
}

/// Headless Chromium, or None (with a notice) when it is absent outside CI.
fn chromium() -> Option<&'static str> {
    let bin = "/usr/bin/chromium";
    if Path::new(bin).exists() {
        return Some(bin);
    }
    if std::env::var_os("CI").is_some() {
        panic!("{bin} is missing under CI: install chromium (see .ci/run)");
    }
    eprintln!("NOTICE: {bin} is absent and CI is unset: skipping the Chromium render test");
    None
}

/// Runs headless Chromium on `url` with `args` and gives the dumped DOM.
fn dump(bin: &str, url: &str, args: &[&str]) -> String {
    let profile = tempfile::tempdir().unwrap();
    let out = Command::new("timeout")
        .arg("120")
        .arg(bin)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--hide-scrollbars",
        ])
        .args(args)
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .arg("--dump-dom")
        .arg(url)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "chromium failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// The DOM of `page` after Chromium loaded it.
fn rendered(bin: &str, page: &Path) -> String {
    dump(
        bin,
        &format!("file://{}", page.display()),
        &["--window-size=1280,900"],
    )
}

/// What a phone shows of a page: viewport width, page scroll width, the drawn width of
/// the findings-by-code chart and the height of the ranking's header row, px.
struct Phone {
    viewport: String,
    scroll: String,
    chart: f64,
    rank_head: f64,
}

/// [`Phone`] figures of `page` shown `width` px wide. Headless Chromium's window is at
/// least 500 px wide, so the page is shown in an iframe of that width (its own viewport,
/// media queries included).
fn widths(bin: &str, page: &Path, width: u32) -> Phone {
    let wrapper = page.with_file_name("phone.html");
    let name = page.file_name().unwrap().to_str().unwrap();
    std::fs::write(
        &wrapper,
        format!(
            "<html><body style=\"margin:0\"><iframe src=\"{name}\" \
             style=\"width:{width}px;height:900px;border:0\" onload=\"var d=this.contentDocument\
             .documentElement;document.documentElement.setAttribute('data-vw',\
             this.contentWindow.innerWidth);document.documentElement.setAttribute('data-sw',\
             d.scrollWidth);var q=function(s){{return this.contentDocument.querySelector(s)\
             .getBoundingClientRect()}}.bind(this);document.documentElement.setAttribute(\
             'data-cw',q('svg.chart.codes').width);document.documentElement.setAttribute(\
             'data-th',q('#tabel-opd thead').height)\"></iframe></body></html>"
        ),
    )
    .unwrap();
    let dom = dump(
        bin,
        &format!("file://{}", wrapper.display()),
        &["--window-size=800,1000", "--allow-file-access-from-files"],
    );
    Phone {
        viewport: html_attr(&dom, "data-vw"),
        scroll: html_attr(&dom, "data-sw"),
        chart: html_attr(&dom, "data-cw").parse().unwrap(),
        rank_head: html_attr(&dom, "data-th").parse().unwrap(),
    }
}

/// The attribute `name` of the `<html>` element of a dumped DOM.
fn html_attr(dom: &str, name: &str) -> String {
    let start = dom.find("<html").unwrap();
    let head = &dom[start..start + dom[start..].find('>').unwrap()];
    let at = head
        .find(&format!("{name}=\""))
        .unwrap_or_else(|| panic!("no {name} in {head}"))
        + name.len()
        + 2;
    head[at..].split('"').next().unwrap().to_string()
}

/// The section of one SOP in a page.
fn sop_section<'a>(dom: &'a str, id: &str) -> &'a str {
    let start = dom
        .find(&format!("<details class=\"sop\" data-sop=\"{id}\""))
        .unwrap_or_else(|| panic!("no section for {id}"));
    let len = dom[start..].find("</details>").unwrap();
    &dom[start..start + len]
}

#[test]
fn every_sop_shows_its_steps_actors_and_swimlane_flowchart() {
    let Some(bin) = chromium() else { return };
    let dir = tempfile::tempdir().unwrap();
    let (sops, _) = write(dir.path());
    let dom = rendered(bin, &dir.path().join("report.html"));
    for s in &sops {
        let sec = sop_section(&dom, &s.id);
        // Its steps and actors in the steps table.
        for st in &s.steps {
            assert!(sec.contains(&st.activity), "{}: {}", s.id, st.activity);
            for a in &st.actors {
                assert!(sec.contains(a), "{}: {a}", s.id);
            }
        }
        // One shape per step, in the lane of its actor.
        assert_eq!(sec.matches("<g class=\"step ").count(), s.steps.len());
        let lanes = sopap::internals::lanes(s);
        for st in &s.steps {
            let lane = match st.actors.first() {
                Some(a) => lanes.iter().position(|l| l == a).unwrap(),
                None => lanes.len() - 1,
            };
            assert!(
                sec.contains(&format!("data-step=\"{}\" data-lane=\"{lane}\"", st.no)),
                "{} step {} lane {lane}",
                s.id,
                st.no
            );
        }
    }
    let surat = sop_section(&dom, "dinas-kesehatan/surat.docx#1");
    // Dates as the page writes them: day-month-year (created 2024-01-02, effective
    // 2024-02-01), in the list line and the identity.
    let line = &surat[..surat.find("</summary>").unwrap()];
    assert!(
        line.contains("dibuat 02-01-2024, efektif 01-02-2024"),
        "{line}"
    );
    assert!(surat.contains("<dt>Tanggal efektif</dt><dd>01-02-2024</dd>"));
    assert!(surat.contains("<g class=\"step terminator\" data-step=\"1\" data-lane=\"0\""));
    assert!(surat.contains("<g class=\"step process\" data-step=\"2\" data-lane=\"1\""));
    assert!(surat.contains(">Kepala Sub Bagian<"), "lane header");
    let cuti = sop_section(&dom, "dinas-kesehatan/cuti.docx#1");
    assert!(cuti.contains("<g class=\"step decision\" data-step=\"2\""));
    assert!(cuti.contains(">Ya</text>") && cuti.contains(">Tidak</text>"));
    // Findings next to their steps: step 1 of the Pendidikan SOP has no actor.
    let pend = sop_section(&dom, "dinas-pendidikan/cuti.xlsx#1");
    let row = &pend[pend.find("<tr data-step=\"1\">").unwrap()..];
    let row = &row[..row.find("</tr>").unwrap()];
    assert!(row.contains("Kesalahan"), "{row}");
    assert!(pend.contains("tanpa nomor"));
}

#[test]
fn ranking_follows_the_documented_score_and_failed_files_stay_with_their_opd() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path());
    let v: Value =
        serde_json::from_slice(&std::fs::read(dir.path().join("report.json")).unwrap()).unwrap();
    let agencies: Vec<AgencySummary> = serde_json::from_value(v["agencies"].clone()).unwrap();
    let names: Vec<&str> = agencies.iter().map(|a| a.agency.as_str()).collect();
    // No pseudo-agency for the root file: it is only a failed file.
    assert_eq!(
        names,
        ["Dinas Kesehatan", "Dinas Pendidikan", "Kecamatan Baru"]
    );
    for (i, a) in agencies.iter().enumerate() {
        assert_eq!(a.rank, Some(i + 1));
        assert!((a.score - score(a)).abs() < 1e-3, "{}", a.agency);
    }
    assert!(agencies[0].score > agencies[1].score && agencies[1].score > agencies[2].score);
    // Components: Dinas Pendidikan has 1 of 2 files unreadable; Kecamatan Baru 1 of 1.
    assert_eq!(agencies[1].unreadable_share, 0.5);
    assert_eq!(agencies[1].failed_files, 1);
    assert_eq!(agencies[2].unreadable_share, 1.0);
    assert_eq!(agencies[2].score, 0.0);
    assert_eq!(agencies[0].errors_per_sop, 0.0);
    // Each failed file with its own folder's OPD, the root one with none.
    let failed: BTreeMap<&str, &str> = v["failed"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| (f["path"].as_str().unwrap(), f["agency"].as_str().unwrap()))
        .collect();
    assert_eq!(failed["dinas-pendidikan/rusak.docx"], "Dinas Pendidikan");
    assert_eq!(failed["kecamatan-baru/scan.pdf"], "Kecamatan Baru");
    assert_eq!(failed["lepas.pdf"], "(tanpa OPD)");

    let html = std::fs::read_to_string(dir.path().join("report.html")).unwrap();
    let gagal = &html[html.find("id=\"gagal\"").unwrap()..];
    assert!(gagal.contains("<td>lepas.pdf</td><td><span class=\"muted\">tanpa OPD</span>"));
    assert!(gagal.contains("terkunci kata sandi"));
    assert!(
        gagal.contains("the PDF is encrypted"),
        "technical detail kept"
    );
    // The ranking rows show the components.
    let rows: Vec<&str> = html.split("<tr class=\"opd-row\">").skip(1).collect();
    assert_eq!(rows.len(), 3);
    assert!(rows[1].contains("50,0 %"), "{}", rows[1]);
}

/// The score as the README documents it, with its published weights and halves.
fn documented_score(a: &AgencySummary) -> f64 {
    let with_sops = |x: f64| if a.sops > 0 { x } else { 0.0 };
    with_sops(0.25 * a.identity_completeness)
        + with_sops(0.25 * a.step_completeness)
        + with_sops(0.2 / (1.0 + a.errors_per_sop / 1.0))
        + with_sops(0.1 / (1.0 + a.warnings_per_sop / 5.0))
        + 0.2 * (1.0 - a.unreadable_share)
}

#[test]
fn the_rendered_ranking_orders_the_opds_by_the_documented_score() {
    let Some(bin) = chromium() else { return };
    // Four OPDs, each worse in one component: Dinas A complete; Dinas B its steps
    // without time and output (warnings); Dinas C two SOPs without number (errors);
    // Dinas D complete but 2 of its 3 files unreadable.
    let mut sops = vec![sop(
        "dinas-a/1.docx",
        "Dinas A",
        "Surat Masuk",
        "1/A",
        SURAT_MASUK,
    )];
    let mut b = sop("dinas-b/1.docx", "Dinas B", "Cuti", "1/B", CUTI);
    for st in &mut b.steps {
        st.time = None;
        st.minutes = None;
        st.output = None;
    }
    sops.push(b);
    for i in 0..2 {
        let mut c = sop(&format!("dinas-c/{i}.docx"), "Dinas C", "Cuti", "", CUTI);
        c.identity.number = None;
        c.identity.title = None;
        sops.push(c);
    }
    sops.push(sop(
        "dinas-d/1.docx",
        "Dinas D",
        "Surat Masuk",
        "1/D",
        SURAT_MASUK,
    ));
    sops.sort_by(|a, b| a.id.cmp(&b.id));
    let errors: Vec<FileError> = (0..2)
        .map(|i| FileError {
            path: format!("dinas-d/rusak-{i}.docx"),
            kind: ErrorKind::Corrupt,
            message: "zip: invalid central directory".into(),
            failure: Default::default(),
        })
        .collect();
    let dir = tempfile::tempdir().unwrap();
    write_all(dir.path(), 7, &sops, &errors, &rules()).unwrap();
    let v: Value =
        serde_json::from_slice(&std::fs::read(dir.path().join("report.json")).unwrap()).unwrap();
    let agencies: Vec<AgencySummary> = serde_json::from_value(v["agencies"].clone()).unwrap();
    let mut want: Vec<(f64, &str)> = agencies
        .iter()
        .map(|a| (documented_score(a), a.agency.as_str()))
        .collect();
    want.sort_by(|x, y| y.0.total_cmp(&x.0).then_with(|| x.1.cmp(y.1)));
    for a in &agencies {
        assert!((a.score - documented_score(a)).abs() < 1e-3, "{}", a.agency);
    }
    let want: Vec<&str> = want.iter().map(|w| w.1).collect();
    let d = agencies.iter().find(|a| a.agency == "Dinas D").unwrap();
    assert_eq!((d.failed_files, d.files), (2, 3));
    // Each component lowers its OPD: complete first, the unreadable files, the errors,
    // then the steps without time and output.
    assert_eq!(want, ["Dinas A", "Dinas D", "Dinas C", "Dinas B"]);

    // The page as Chromium renders it lists the OPDs in that order, ranks 1..4.
    let dom = rendered(bin, &dir.path().join("report.html"));
    let table = &dom[dom.find("id=\"tabel-opd\"").unwrap()..];
    let table = &table[..table.find("</table>").unwrap()];
    let rows: Vec<&str> = table.split("<tr class=\"opd-row\">").skip(1).collect();
    let shown: Vec<&str> = rows
        .iter()
        .map(|r| {
            let at = r.find("<td class=\"opd\">").unwrap() + "<td class=\"opd\">".len();
            r[at..].split('<').next().unwrap()
        })
        .collect();
    assert_eq!(shown, want);
    for (i, r) in rows.iter().enumerate() {
        assert!(r.contains(&format!(">{}</td>", i + 1)), "{r}");
    }
    // Dinas D's two failed files are its own: 2 of 3 files unreadable.
    let d = rows.iter().find(|r| r.contains(">Dinas D<")).unwrap();
    assert!(
        d.contains("66,7 % <span class=\"muted\">(2 dari 3)</span>"),
        "{d}"
    );
}

#[test]
fn phone_width_and_findings_by_code_chart() {
    let Some(bin) = chromium() else { return };
    let dir = tempfile::tempdir().unwrap();
    write(dir.path());
    let page = dir.path().join("report.html");
    let phone = widths(bin, &page, 390);
    assert_eq!(phone.viewport, "390");
    assert_eq!(phone.scroll, "390", "sideways scroll at 390 px");
    // The chart is drawn at its own size (340 px), not shrunk: its 12 px labels stay
    // 12 px. The ranking's header is one line of 12 px text, not a column of wrapped words.
    assert_eq!(
        phone.chart, 340.0,
        "findings-by-code chart scaled on a phone"
    );
    assert!(
        phone.rank_head < 40.0,
        "ranking header {} px tall",
        phone.rank_head
    );
    let dom = rendered(bin, &page);

    // The chart lists every code with its count, most frequent first.
    let v: Value =
        serde_json::from_slice(&std::fs::read(dir.path().join("report.json")).unwrap()).unwrap();
    let mut want: BTreeMap<String, usize> = BTreeMap::new();
    for f in v["findings"].as_array().unwrap() {
        *want
            .entry(f["code"].as_str().unwrap().to_string())
            .or_default() += 1;
    }
    let mut got: BTreeMap<String, usize> = BTreeMap::new();
    let mut order = Vec::new();
    for part in dom.split("<g class=\"code\" data-code=\"").skip(1) {
        let code = part.split('"').next().unwrap().to_string();
        let count: usize = part
            .split("data-count=\"")
            .nth(1)
            .unwrap()
            .split('"')
            .next()
            .unwrap()
            .parse()
            .unwrap();
        order.push(count);
        got.insert(code, count);
    }
    assert!(!want.is_empty());
    assert_eq!(got, want);
    assert!(order.windows(2).all(|w| w[0] >= w[1]), "{order:?}");
}

#[test]
fn report_xlsx_has_the_sop_sheet_with_real_dates() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path());
    let bytes = std::fs::read(dir.path().join("report.xlsx")).unwrap();
    let mut wb: Xlsx<_> = open_workbook_from_rs(Cursor::new(bytes)).unwrap();
    assert!(wb.sheet_names().contains(&"SOP".to_string()));
    assert!(wb.sheet_names().contains(&"Aturan".to_string()));
    let r = wb.worksheet_range("SOP").unwrap();
    assert_eq!(r.height(), 4, "header and one row per SOP");
    let text = |row: u32, col: u32| match r.get_value((row, col)) {
        Some(Data::String(s)) => s.clone(),
        other => format!("{other:?}"),
    };
    assert_eq!(text(0, 0), "OPD");
    let mut rows: Vec<(String, String)> = (1..4).map(|i| (text(i, 0), text(i, 2))).collect();
    rows.sort();
    assert_eq!(
        rows,
        [
            ("Dinas Kesehatan".into(), "Pelayanan Cuti Pegawai".into()),
            ("Dinas Kesehatan".into(), "Pengelolaan Surat Masuk".into()),
            ("Dinas Pendidikan".into(), "Cuti".into()),
        ]
    );
    // Created 2024-01-02 and effective 2024-02-01 are date cells.
    for row in 1..4 {
        match r.get_value((row, 3)) {
            // Excel's serial day of 2024-01-02.
            Some(Data::DateTime(d)) => assert_eq!(d.as_f64(), 45_293.0),
            other => panic!("created is not a date: {other:?}"),
        }
        assert!(matches!(r.get_value((row, 5)), Some(Data::DateTime(_))));
        assert_eq!(text(row, 13), "tidak");
    }
    let steps: Vec<f64> = (1..4)
        .map(|i| match r.get_value((i, 6)) {
            Some(Data::Float(f)) => *f,
            other => panic!("{other:?}"),
        })
        .collect();
    assert_eq!(
        steps.iter().sum::<f64>(),
        (SURAT_MASUK.len() + 2 * CUTI.len()) as f64
    );
    // The as-of date of Ringkasan is a date.
    let s = wb.worksheet_range("Ringkasan").unwrap();
    let as_of = (0..s.height() as u32)
        .find(|&i| matches!(s.get_value((i, 0)), Some(Data::String(t)) if t == "Tanggal acuan"))
        .unwrap();
    assert!(matches!(s.get_value((as_of, 1)), Some(Data::DateTime(_))));
}

#[test]
fn an_sop_read_by_ocr_is_marked_in_its_section_its_list_line_and_the_sop_sheet() {
    let dir = tempfile::tempdir().unwrap();
    let (mut sops, errors) = archive();
    // The format stays "docx": the record's own flag is what marks it.
    let scanned = sops
        .iter_mut()
        .find(|s| s.id == "dinas-kesehatan/cuti.docx#1")
        .unwrap();
    scanned.source.ocr = true;
    write_all(dir.path(), 6, &sops, &errors, &rules()).unwrap();
    let html = std::fs::read_to_string(dir.path().join("report.html")).unwrap();
    let cuti = sop_section(&html, "dinas-kesehatan/cuti.docx#1");
    let summary = &cuti[..cuti.find("</summary>").unwrap()];
    assert!(
        summary.contains("<span class=\"ocr\">OCR</span>"),
        "{summary}"
    );
    assert!(cuti.contains("(docx, dibaca dengan OCR"), "{cuti}");
    let surat = sop_section(&html, "dinas-kesehatan/surat.docx#1");
    assert!(!surat.contains("OCR"), "only the OCR-read SOP is marked");

    let bytes = std::fs::read(dir.path().join("report.xlsx")).unwrap();
    let mut wb: Xlsx<_> = open_workbook_from_rs(Cursor::new(bytes)).unwrap();
    let r = wb.worksheet_range("SOP").unwrap();
    let ocr: BTreeMap<String, String> = (1..r.height() as u32)
        .map(|i| {
            let cell = |c: u32| match r.get_value((i, c)) {
                Some(Data::String(s)) => s.clone(),
                other => format!("{other:?}"),
            };
            (cell(2), cell(13))
        })
        .collect();
    assert_eq!(ocr["Pelayanan Cuti Pegawai"], "ya");
    assert_eq!(ocr["Pengelolaan Surat Masuk"], "tidak");
}

#[test]
fn sops_without_an_agency_are_not_ranked_and_their_rank_is_null() {
    let dir = tempfile::tempdir().unwrap();
    let (mut sops, errors) = archive();
    let mut loose = sop("lepas.docx", "x", "Tanpa OPD", "1/2024", SURAT_MASUK);
    loose.agency = None;
    sops.push(loose);
    write_all(dir.path(), 7, &sops, &errors, &rules()).unwrap();
    let v: Value =
        serde_json::from_slice(&std::fs::read(dir.path().join("report.json")).unwrap()).unwrap();
    let agencies = v["agencies"].as_array().unwrap();
    let last = agencies.last().unwrap();
    assert_eq!(last["agency"], "(tanpa OPD)");
    assert!(last["rank"].is_null(), "{last}");
    let ranks: Vec<u64> = agencies.iter().filter_map(|a| a["rank"].as_u64()).collect();
    assert_eq!(ranks, [1, 2, 3]);
    // The page shows a dash, never 0, and the all-failed OPD's per-SOP figures as dashes.
    let html = std::fs::read_to_string(dir.path().join("report.html")).unwrap();
    let rows: Vec<&str> = html.split("<tr class=\"opd-row\">").skip(1).collect();
    assert!(
        rows[3].starts_with("<td class=\"n\" data-v=\""),
        "{}",
        rows[3]
    );
    assert!(rows[3].contains(">–</td>"), "{}", rows[3]);
    assert!(rows[2].contains("Kecamatan Baru"));
    assert!(
        rows[2].contains("Belum ada SOP yang terbaca"),
        "{}",
        rows[2]
    );
    // The xlsx OPD sheet leaves the rank cell empty.
    let bytes = std::fs::read(dir.path().join("report.xlsx")).unwrap();
    let mut wb: Xlsx<_> = open_workbook_from_rs(Cursor::new(bytes)).unwrap();
    let r = wb.worksheet_range("OPD").unwrap();
    let row = (1..r.height() as u32)
        .find(|&i| matches!(r.get_value((i, 1)), Some(Data::String(s)) if s == "(tanpa OPD)"))
        .unwrap();
    assert!(matches!(r.get_value((row, 0)), None | Some(Data::Empty)));
    assert!(matches!(r.get_value((1, 0)), Some(Data::Float(f)) if *f == 1.0));
}

/// A run larger than the lazy threshold: generated SOPs over a few OPDs.
fn large_run() -> Vec<Sop> {
    let n = sopap::internals::LAZY_FLOWCHART_MIN_SOPS + 1;
    (0..n)
        .map(|i| {
            let opd = format!("Dinas Uji {}", i % 7);
            let acts = if i % 2 == 0 { SURAT_MASUK } else { CUTI };
            sop(
                &format!("uji-{}/sop-{i}.docx", i % 7),
                &opd,
                &format!("Prosedur Uji {i}"),
                &format!("{i}/2025"),
                acts,
            )
        })
        .collect()
}

#[test]
fn a_large_run_draws_each_flowchart_when_its_sop_opens() {
    let dir = tempfile::tempdir().unwrap();
    let sops = large_run();
    write_all(dir.path(), sops.len(), &sops, &[], &rules()).unwrap();
    let page = dir.path().join("report.html");
    let html = std::fs::read_to_string(&page).unwrap();
    // Every SOP's section is in a noscript: markup without JavaScript, built on opening
    // with it.
    let first = sop_section(&html, "uji-0/sop-0.docx#1");
    assert!(first.contains("</summary><noscript class=\"lazy\"><dl class=\"idn\">"));
    assert_eq!(
        html.matches("<noscript class=\"lazy\">").count(),
        sops.len()
    );
    // JavaScript off, a noscript is ordinary markup: the steps, actors and flowchart.
    // (Headless Chromium cannot dump a page with scripts disabled, so it is read as
    // written.)
    for a in SURAT_MASUK {
        assert!(first.contains(a), "{a}");
    }
    assert!(first.contains("<td class=\"act\">Kepala Sub Bagian Umum dan Kepegawaian</td>"));
    assert!(first.contains("<g class=\"step terminator\" data-step=\"1\" data-lane=\"0\""));
    assert!(first.ends_with("</noscript>"), "{first}");
    let Some(bin) = chromium() else { return };
    // Open one OPD and one of its SOPs as a person would; the SVG is built on opening.
    let mut opened = html.clone();
    opened.push_str(
        "<script>var d=document.querySelector('details.sop[data-sop=\"uji-1/sop-1.docx#1\"]');\
         d.parentElement.open=true;d.open=true;</script>",
    );
    let page2 = dir.path().join("opened.html");
    std::fs::write(&page2, opened).unwrap();
    let dom = dump(
        bin,
        &format!("file://{}", page2.display()),
        &["--window-size=1280,900", "--virtual-time-budget=5000"],
    );
    let sec = sop_section(&dom, "uji-1/sop-1.docx#1");
    assert!(!sec.contains("<noscript"), "built on opening");
    assert_eq!(sec.matches("<g class=\"step ").count(), CUTI.len());
    assert!(sec.contains("<g class=\"step terminator\" data-step=\"1\" data-lane=\"0\""));
    assert!(sec.contains("<g class=\"step process\" data-step=\"2\" data-lane=\"1\""));
    assert!(sec.contains("Menerbitkan surat izin cuti pegawai"));
    // A closed SOP stays inert text.
    assert!(sop_section(&dom, "uji-2/sop-2.docx#1").contains("<noscript class=\"lazy\">"));
}

#[test]
fn an_sop_without_any_identity_shows_one_line_instead_of_a_column_of_dashes() {
    let dir = tempfile::tempdir().unwrap();
    let (mut sops, errors) = archive();
    let piece = sops
        .iter_mut()
        .find(|s| s.id == "dinas-kesehatan/surat.docx#1")
        .unwrap();
    piece.identity = Default::default();
    write_all(dir.path(), 6, &sops, &errors, &rules()).unwrap();
    let html = std::fs::read_to_string(dir.path().join("report.html")).unwrap();
    let sec = sop_section(&html, "dinas-kesehatan/surat.docx#1");
    assert!(sec.contains("<dt>Identitas</dt><dd><span class=\"muted\">tidak ada isian"));
    assert!(!sec.contains("<dt>Nomor SOP</dt>"));
    assert!(sec.contains("<dt>Berkas</dt><dd>dinas-kesehatan/surat.docx"));
    // Its steps are still all there.
    assert_eq!(sec.matches("<tr data-step=").count(), SURAT_MASUK.len());
    // A complete SOP keeps every identity row.
    let cuti = sop_section(&html, "dinas-kesehatan/cuti.docx#1");
    assert!(cuti.contains("<dt>Nomor SOP</dt><dd>"));
}
