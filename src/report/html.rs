//! `report.html`: the report for people, in Bahasa Indonesia, in one self-contained file
//! (inline CSS, no fonts, images or scripts from elsewhere).
//!
//! Sections: a summary; agencies ranked by completeness with a bar each; findings per
//! agency and per SOP (native `<details>`, so it reads with JavaScript off); duplicate
//! groups with the differing steps of each variant side by side with the reference; the
//! files that failed and why. Every piece of document text goes through [`esc`]. A small
//! inline script only adds sorting by column header and a filter box.

use std::fmt::Write;
use std::io;

use super::json::Report;
use crate::analyze::Analysis;
use crate::analyze::agencies::{agency_name, sop_completeness};
use crate::analyze::duplicates::{DuplicateGroup, DuplicateKind, normalise};
use crate::analyze::source::SopSource;
use crate::error::ErrorKind;
use crate::rules::Rules;
use crate::sop::record::{Severity, Sop, Step};

/// Most variants of one duplicate group compared side by side with the reference.
const MAX_VARIANTS_SHOWN: usize = 5;
/// Most finding rows the page shows in per-SOP tables; past it an SOP shows its counts
/// only (report.xlsx and report.json hold every finding). Keeps the page openable for a
/// province-sized archive.
const MAX_FINDING_ROWS: usize = 50_000;
/// Above this many cells the step alignment falls back to pairing steps by position.
const MAX_ALIGN_CELLS: usize = 250_000;

/// Escapes text for HTML element content and attribute values.
pub fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// The Indonesian name of a severity.
pub fn severity_label(s: Severity) -> &'static str {
    match s {
        Severity::Error => "Kesalahan",
        Severity::Warning => "Peringatan",
        Severity::Info => "Informasi",
    }
}

fn severity_class(s: Severity) -> &'static str {
    match s {
        Severity::Error => "err",
        Severity::Warning => "warn",
        Severity::Info => "info",
    }
}

/// A short Indonesian description of a finding code.
pub fn code_label(code: &str) -> &'static str {
    match code {
        "missing-number" => "Nomor SOP kosong",
        "missing-title" => "Nama SOP kosong",
        "missing-legal-basis" => "Dasar Hukum kosong",
        "missing-approval" => "Pengesahan kosong",
        "missing-effective-date" => "Tanggal Efektif kosong",
        "missing-qualifications" => "Kualifikasi Pelaksana kosong",
        "missing-related-sops" => "Keterkaitan kosong",
        "missing-equipment" => "Peralatan/Perlengkapan kosong",
        "missing-warnings" => "Peringatan kosong",
        "missing-records" => "Pencatatan dan Pendataan kosong",
        "invalid-date" => "Tanggal tidak sah",
        "stale" => "Perlu direviu (kedaluwarsa)",
        "number-collision" => "Nomor SOP dipakai ganda",
        "no-steps" => "Tanpa langkah kegiatan",
        "step-without-actor" => "Langkah tanpa pelaksana",
        "step-without-time" => "Langkah tanpa mutu baku waktu",
        "step-without-output" => "Langkah tanpa mutu baku output",
        "decision-without-branches" => "Keputusan tanpa cabang Ya/Tidak",
        "missing-start" => "Tanpa simbol mulai",
        "missing-end" => "Tanpa simbol selesai",
        "unknown-actor" => "Pelaksana tidak dikenal",
        "too-many-actors" => "Pelaksana terlalu banyak",
        _ => "Temuan lain",
    }
}

/// The Indonesian description of a failure kind.
pub fn error_kind_label(k: ErrorKind) -> &'static str {
    match k {
        ErrorKind::Corrupt => "berkas rusak",
        ErrorKind::Encrypted => "terkunci kata sandi",
        ErrorKind::Unsupported => "format tidak didukung",
        ErrorKind::TooLarge => "terlalu besar",
        ErrorKind::Timeout => "waktu baca habis",
        ErrorKind::NoSopFound => "tidak ditemukan SOP",
    }
}

/// A share as an Indonesian percentage ("63,2%").
pub fn percent(x: f64) -> String {
    format!("{:.1}%", x * 100.0).replace('.', ",")
}

const STYLE: &str = r#"
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,Arial,sans-serif;margin:0;color:#1d2733;background:#f4f6f8;line-height:1.45}
header{background:#123a5e;color:#fff;padding:20px 32px}
header h1{margin:0 0 4px;font-size:24px}
header p{margin:0;opacity:.85}
nav{background:#0d2b46;padding:8px 32px}
nav a{color:#cfe3f7;margin-right:18px;text-decoration:none;font-size:14px}
main{padding:16px 32px 48px;max-width:1400px}
section{background:#fff;border-radius:8px;padding:16px 20px;margin:18px 0;box-shadow:0 1px 3px rgba(0,0,0,.08)}
h2{margin-top:0;font-size:20px;color:#123a5e}
h3{font-size:16px;margin:14px 0 6px}
.cards{display:flex;flex-wrap:wrap;gap:12px}
.card{flex:1 1 140px;border:1px solid #dde3ea;border-radius:6px;padding:10px 14px}
.card b{display:block;font-size:26px;color:#123a5e}
.card span{font-size:13px;color:#5b6b7b}
table{border-collapse:collapse;width:100%;font-size:14px;margin:6px 0 12px}
th,td{border-bottom:1px solid #e3e8ee;padding:5px 8px;text-align:left;vertical-align:top}
th{background:#eef2f6;font-weight:600}
table.sortable th{cursor:pointer}
td.n,th.n{text-align:right;font-variant-numeric:tabular-nums}
td.kel{white-space:nowrap}
.bar{background:#e6ebf0;border-radius:3px;height:14px;width:180px;display:inline-block;vertical-align:middle;margin-right:8px}
.bar span{display:block;height:100%;border-radius:3px;background:#2e8b57}
.bar.mid span{background:#d99a1e}
.bar.low span{background:#c0392b}
.sev{display:inline-block;border-radius:3px;padding:0 6px;font-size:12px;font-weight:600;color:#fff}
.sev.err{background:#c0392b}.sev.warn{background:#d99a1e}.sev.info{background:#5b7c99}
details{margin:4px 0}
summary{cursor:pointer;padding:3px 0}
details.opd>summary{font-weight:600;font-size:15px}
details.sop{margin-left:18px}
.muted{color:#6b7b8b}
.trend{background:#f4f8fb;border-left:4px solid #2b6cb0;padding:4px 12px;margin:12px 0}
.trend ul{margin:4px 0}
.diff td{width:45%}
.diff td.no{width:5%;color:#6b7b8b}
.diff tr.same td{color:#8a97a3}
.diff tr.chg td.txt{background:#fff4d6}
.diff tr.del td.a{background:#fde2e0}
.diff tr.add td.b{background:#dff3e4}
.diff tr.add td.a,.diff tr.del td.b{background:#f3f4f6}
.filter{margin:4px 0 8px;padding:5px 8px;width:280px;border:1px solid #c6d0da;border-radius:4px}
code{font-size:13px;background:#f0f3f6;padding:0 3px;border-radius:3px}
"#;

const SCRIPT: &str = r#"
document.querySelectorAll('table.sortable').forEach(function(t){
  t.querySelectorAll('th').forEach(function(th,i){
    th.title='Klik untuk mengurutkan';
    th.addEventListener('click',function(){
      var b=t.tBodies[0],rows=Array.prototype.slice.call(b.rows),asc=th.dataset.asc!=='1';
      th.dataset.asc=asc?'1':'0';
      rows.sort(function(x,y){
        var a=x.cells[i],c=y.cells[i];
        var p=a.dataset.v!==undefined?parseFloat(a.dataset.v):NaN,q=c.dataset.v!==undefined?parseFloat(c.dataset.v):NaN;
        var r=(!isNaN(p)&&!isNaN(q))?p-q:a.textContent.localeCompare(c.textContent,'id');
        return asc?r:-r;});
      rows.forEach(function(r){b.appendChild(r);});
    });
  });
});
document.querySelectorAll('input.filter').forEach(function(inp){
  var t=document.getElementById(inp.dataset.table);
  inp.addEventListener('input',function(){
    var q=inp.value.toLowerCase();
    Array.prototype.forEach.call(t.tBodies[0].rows,function(r){
      r.style.display=r.textContent.toLowerCase().indexOf(q)<0?'none':'';});
  });
});
"#;

fn bar(x: f64) -> String {
    let class = if x >= 0.8 {
        "bar"
    } else if x >= 0.5 {
        "bar mid"
    } else {
        "bar low"
    };
    format!(
        "<span class=\"{class}\"><span style=\"width:{:.1}%\"></span></span>{}",
        (x * 100.0).clamp(0.0, 100.0),
        percent(x)
    )
}

/// Flushes the page buffer to the file once it holds this much.
const FLUSH_AT: usize = 256 * 1024;

/// Writes the buffer out when it has grown past [`FLUSH_AT`].
fn flush_if_full(h: &mut String, w: &mut dyn io::Write) -> io::Result<()> {
    if h.len() >= FLUSH_AT {
        w.write_all(h.as_bytes())?;
        h.clear();
    }
    Ok(())
}

/// Writes the head of the page, the summary and the agency ranking.
pub fn begin(w: &mut dyn io::Write, report: &Report) -> io::Result<()> {
    let mut h = String::with_capacity(64 * 1024);
    let sm = &report.summary;
    let _ = write!(
        h,
        "<!DOCTYPE html>\n<html lang=\"id\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>Laporan SOP AP — {}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n\
         <header><h1>Laporan Analisis SOP Administrasi Pemerintahan</h1>\
         <p>Tanggal acuan {} · {} OPD · {} SOP · {} berkas</p></header>\n\
         <nav><a href=\"#ringkasan\">Ringkasan</a><a href=\"#opd\">Peringkat OPD</a>\
         <a href=\"#temuan\">Temuan</a><a href=\"#duplikat\">Duplikat</a>\
         <a href=\"#gagal\">Berkas gagal</a></nav>\n<main>\n",
        esc(&sm.as_of),
        esc(&sm.as_of),
        sm.agencies,
        sm.sops,
        sm.files
    );
    summary(&mut h, report);
    agencies(&mut h, report);
    w.write_all(h.as_bytes())
}

/// Writes the findings per agency and per SOP, reading each agency's SOPs from `source`
/// (their findings set by `analysis`).
pub fn findings(
    w: &mut dyn io::Write,
    r: &Report,
    analysis: &Analysis,
    source: &dyn SopSource,
    rules: &Rules,
) -> io::Result<()> {
    let mut budget = MAX_FINDING_ROWS;
    let mut h = String::with_capacity(FLUSH_AT + 16 * 1024);
    h.push_str(
        "<section id=\"temuan\"><h2>Temuan per OPD dan per SOP</h2>\
         <p class=\"muted\">Klik nama OPD untuk membuka daftar SOP-nya, lalu klik SOP untuk \
         melihat temuannya.</p>\n",
    );
    for a in &r.agencies {
        let _ = write!(
            h,
            "<details class=\"opd\"><summary>{}. {} — {} SOP, {} kesalahan, {} peringatan, {} \
             informasi</summary>",
            a.rank,
            esc(&a.agency),
            a.sops,
            a.findings.error,
            a.findings.warning,
            a.findings.info
        );
        if let Some(per_code) = analysis.codes.get(&a.agency)
            && !per_code.is_empty()
        {
            h.push_str(
                "<table class=\"codes\"><thead><tr><th>Tingkat</th><th>Jenis temuan</th>\
                 <th>Kode</th><th class=\"n\">Jumlah</th></tr></thead><tbody>",
            );
            for ((sev, code), n) in per_code {
                let _ = write!(
                    h,
                    "<tr><td><span class=\"sev {}\">{}</span></td><td>{}</td><td><code>{}</code>\
                     </td><td class=\"n\">{n}</td></tr>",
                    severity_class(*sev),
                    severity_label(*sev),
                    code_label(code),
                    esc(code)
                );
            }
            h.push_str("</tbody></table>\n");
        }
        let mut clean = 0usize;
        let mut clean_list = String::new();
        if a.sops > 0 {
            source.each_of_agency(&a.agency, &mut |mut s: Sop| {
                analysis.apply(&mut s, rules);
                if s.findings.is_empty() {
                    if clean > 0 {
                        clean_list.push_str("; ");
                    }
                    clean += 1;
                    let _ = write!(
                        clean_list,
                        "{} <span>({})</span>",
                        esc(s.identity.title.as_deref().unwrap_or("(tanpa nama)")),
                        esc(&s.id)
                    );
                } else {
                    sop_details(&mut h, &s, &mut budget);
                }
                flush_if_full(&mut h, w)
            })?;
        }
        if clean > 0 {
            let _ = write!(
                h,
                "<p class=\"muted\">{clean} SOP tanpa temuan: {clean_list}</p>"
            );
        }
        h.push_str("</details>\n");
        flush_if_full(&mut h, w)?;
    }
    h.push_str("</section>\n");
    w.write_all(h.as_bytes())
}

/// One SOP of a duplicate group as the report shows it.
#[derive(Clone, Debug, Default)]
pub struct Member {
    /// The SOP id.
    pub id: String,
    /// Agency, title and number; None when the SOP is not in the source.
    pub shown: Option<(String, String, String)>,
}

impl Member {
    /// The member `id` as found in `sop`.
    pub fn of(id: &str, sop: Option<&Sop>) -> Self {
        Member {
            id: id.to_string(),
            shown: sop.map(|s| {
                (
                    agency_name(s).to_string(),
                    s.identity.title.clone().unwrap_or_default(),
                    s.identity.number.clone().unwrap_or_default(),
                )
            }),
        }
    }
}

/// Writes the head of the duplicates section.
pub fn duplicates_begin(w: &mut dyn io::Write, r: &Report) -> io::Result<()> {
    let mut h = String::new();
    let _ = write!(
        h,
        "<section id=\"duplikat\"><h2>Kelompok duplikat ({})</h2>\
         <p class=\"muted\">Identik: langkah-langkahnya sama setelah dinormalkan. Mirip: judul \
         dan kegiatan mirip di atas ambang aturan. Setiap varian dibandingkan berdampingan \
         dengan SOP acuan (baris berwarna = berbeda).</p>",
        r.duplicates.len()
    );
    if r.duplicates.is_empty() {
        h.push_str("<p>Tidak ada kelompok duplikat.</p>");
    }
    w.write_all(h.as_bytes())
}

/// Writes group `g` (0-based) of the duplicates: its members, then each variant beside
/// the reference (`variants[0]`; missing ones are None).
pub fn duplicate_group(
    w: &mut dyn io::Write,
    g: usize,
    d: &DuplicateGroup,
    members: &[Member],
    variants: &[Option<Sop>],
) -> io::Result<()> {
    let mut h = String::new();
    let (kind, label) = match d.kind {
        DuplicateKind::Identical => ("identical", "identik"),
        DuplicateKind::Near => ("near", "mirip"),
    };
    let reference = variants.first().and_then(Option::as_ref);
    let title = reference
        .and_then(|s| s.identity.title.as_deref())
        .unwrap_or("(tanpa nama)");
    let _ = write!(
        h,
        "<details class=\"dup {kind}\"><summary><b>Kelompok {}</b>: {} — {} SOP dari {} OPD, \
         {label}, kemiripan {}</summary>\n<table><thead><tr><th>SOP</th><th>OPD</th>\
         <th>Nama SOP</th><th>Nomor</th></tr></thead><tbody>",
        g + 1,
        esc(title),
        d.sops.len(),
        d.agencies.len(),
        percent(d.similarity)
    );
    for m in members {
        let (agency, title, number) = match &m.shown {
            Some((a, t, n)) => (a.as_str(), t.as_str(), n.as_str()),
            None => ("", "", ""),
        };
        let _ = write!(
            h,
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            esc(&m.id),
            esc(agency),
            esc(title),
            esc(number)
        );
        flush_if_full(&mut h, w)?;
    }
    h.push_str("</tbody></table>\n");
    if let Some(reference) = reference {
        for v in variants.iter().skip(1).take(MAX_VARIANTS_SHOWN) {
            let Some(v) = v else { continue };
            side_by_side(&mut h, reference, v);
        }
        let more = d.variants.len().saturating_sub(1 + MAX_VARIANTS_SHOWN);
        if more > 0 {
            let _ = write!(
                h,
                "<p class=\"muted\">… dan {more} varian lain (lihat report.json).</p>"
            );
        }
    }
    h.push_str("</details>\n");
    w.write_all(h.as_bytes())
}

/// Most variants of a group the page compares with the reference (the caller fetches
/// the reference and this many more).
pub const VARIANTS_FETCHED: usize = 1 + MAX_VARIANTS_SHOWN;

/// Writes the end of the duplicates section, the failed files and the end of the page.
pub fn end(w: &mut dyn io::Write, r: &Report) -> io::Result<()> {
    let mut h = String::from("</section>\n");
    failed(&mut h, r);
    let _ = write!(h, "</main>\n<script>{SCRIPT}</script>\n</body>\n</html>\n");
    w.write_all(h.as_bytes())
}

fn summary(h: &mut String, r: &Report) {
    let s = &r.summary;
    let cards: [(usize, &str); 9] = [
        (s.files, "berkas dibaca"),
        (s.sops, "SOP ditemukan"),
        (s.steps, "langkah kegiatan"),
        (s.errors, "berkas gagal dibaca"),
        (s.agencies, "OPD"),
        (s.findings.error, "temuan kesalahan"),
        (s.findings.warning, "temuan peringatan"),
        (s.findings.info, "temuan informasi"),
        (s.duplicate_groups, "kelompok duplikat"),
    ];
    h.push_str("<section id=\"ringkasan\"><h2>Ringkasan</h2><div class=\"cards\">");
    for (n, label) in cards {
        let _ = write!(
            h,
            "<div class=\"card\"><b>{n}</b><span>{label}</span></div>"
        );
    }
    h.push_str("</div>");
    if let (Some(best), Some(worst)) = (r.agencies.first(), r.agencies.last())
        && r.agencies.len() > 1
    {
        let _ = write!(
            h,
            "<p>Kelengkapan tertinggi: <b>{}</b> ({}). Kelengkapan terendah: <b>{}</b> ({}). \
             {} SOP termasuk dalam {} kelompok duplikat.</p>",
            esc(&best.agency),
            percent(best.completeness),
            esc(&worst.agency),
            percent(worst.completeness),
            s.duplicate_sops,
            s.duplicate_groups
        );
    }
    trend(h, r);
    h.push_str(
        "<p class=\"muted\">Kelengkapan = rata-rata per SOP dari (a) bagian identitas wajib yang \
         terisi dan (b) atribut langkah (pelaksana, waktu, output) yang terisi.</p></section>\n",
    );
}

/// Most agencies the summary names in the trend since the previous run.
const MAX_TREND_NAMED: usize = 10;

/// A change in findings in words: "12 temuan lebih sedikit", "3 temuan lebih banyak".
pub fn change_text(change: i64) -> String {
    match change {
        0 => "tidak berubah".to_string(),
        c if c < 0 => format!("{} temuan lebih sedikit", c.unsigned_abs()),
        c => format!("{c} temuan lebih banyak"),
    }
}

/// The trend since the previous run: the total and the agencies that changed most.
fn trend(h: &mut String, r: &Report) {
    let Some(prev) = &r.summary.previous_run else {
        return;
    };
    let total: i64 = r.agencies.iter().filter_map(|a| a.findings_change).sum();
    let _ = write!(
        h,
        "<div class=\"trend\"><p>Sejak proses sebelumnya ({}): jumlah temuan {}.</p>",
        esc(prev),
        match total {
            0 => "tidak berubah".to_string(),
            t if t < 0 => format!("berkurang {}", t.unsigned_abs()),
            t => format!("bertambah {t}"),
        }
    );
    let mut changed: Vec<(&str, i64)> = r
        .agencies
        .iter()
        .filter_map(|a| Some((a.agency.as_str(), a.findings_change?)))
        .filter(|(_, c)| *c != 0)
        .collect();
    changed.sort_by(|a, b| {
        b.1.unsigned_abs()
            .cmp(&a.1.unsigned_abs())
            .then_with(|| a.0.cmp(b.0))
    });
    if !changed.is_empty() {
        h.push_str("<ul>");
        for (agency, c) in changed.iter().take(MAX_TREND_NAMED) {
            let _ = write!(h, "<li><b>{}</b>: {}</li>", esc(agency), change_text(*c));
        }
        if changed.len() > MAX_TREND_NAMED {
            let _ = write!(
                h,
                "<li>… dan {} OPD lain (lihat kolom Perubahan di peringkat OPD)</li>",
                changed.len() - MAX_TREND_NAMED
            );
        }
        h.push_str("</ul>");
    }
    h.push_str("</div>");
}

fn agencies(h: &mut String, r: &Report) {
    h.push_str(
        "<section id=\"opd\"><h2>Peringkat OPD menurut kelengkapan</h2>\
         <input class=\"filter\" data-table=\"tabel-opd\" placeholder=\"Saring OPD…\" \
         aria-label=\"Saring OPD\">\
         <table id=\"tabel-opd\" class=\"sortable\"><thead><tr><th class=\"n\">#</th>\
         <th>OPD</th><th class=\"n\">Berkas</th><th class=\"n\">Gagal</th><th class=\"n\">SOP</th>\
         <th class=\"n\">Langkah</th><th class=\"n\">Kesalahan</th><th class=\"n\">Peringatan</th>\
         <th class=\"n\">Informasi</th><th>Kelengkapan</th>",
    );
    let trend = r.summary.previous_run.is_some();
    if trend {
        h.push_str("<th class=\"n\">Perubahan temuan</th>");
    }
    h.push_str("</tr></thead><tbody>\n");
    for a in &r.agencies {
        let _ = write!(
            h,
            "<tr class=\"opd-row\"><td class=\"n\" data-v=\"{}\">{}</td><td>{}</td>\
             <td class=\"n\" data-v=\"{}\">{}</td><td class=\"n\" data-v=\"{}\">{}</td>\
             <td class=\"n\" data-v=\"{}\">{}</td><td class=\"n\" data-v=\"{}\">{}</td>\
             <td class=\"n\" data-v=\"{}\">{}</td><td class=\"n\" data-v=\"{}\">{}</td>\
             <td class=\"n\" data-v=\"{}\">{}</td><td class=\"kel\" data-v=\"{}\">{}</td>",
            a.rank,
            a.rank,
            esc(&a.agency),
            a.files,
            a.files,
            a.failed_files,
            a.failed_files,
            a.sops,
            a.sops,
            a.steps,
            a.steps,
            a.findings.error,
            a.findings.error,
            a.findings.warning,
            a.findings.warning,
            a.findings.info,
            a.findings.info,
            a.completeness,
            bar(a.completeness)
        );
        if trend {
            let c = a.findings_change.unwrap_or(0);
            let _ = write!(h, "<td class=\"n\" data-v=\"{c}\">{}</td>", change_text(c));
        }
        h.push_str("</tr>\n");
    }
    h.push_str("</tbody></table></section>\n");
}

fn sop_details(h: &mut String, s: &Sop, budget: &mut usize) {
    let title = s.identity.title.as_deref().unwrap_or("(tanpa nama)");
    let count = |sev| s.findings.iter().filter(|f| f.severity == sev).count();
    let _ = write!(
        h,
        "<details class=\"sop\"><summary><b>{}</b> <span class=\"muted\">{} · {} · \
         kelengkapan {}</span> — {} kesalahan, {} peringatan, {} informasi</summary>",
        esc(title),
        esc(&s.id),
        esc(s.identity.number.as_deref().unwrap_or("tanpa nomor")),
        percent(sop_completeness(s)),
        count(Severity::Error),
        count(Severity::Warning),
        count(Severity::Info)
    );
    if s.findings.len() > *budget {
        *budget = 0;
        h.push_str(
            "<p class=\"muted\">Rincian temuan SOP ini ada di report.xlsx (lembar Temuan) dan \
             report.json: halaman ini sudah memuat batas rincian.</p></details>\n",
        );
        return;
    }
    *budget -= s.findings.len();
    h.push_str(
        "<table><thead><tr><th>Tingkat</th><th class=\"n\">Langkah</th><th>Jenis</th>\
         <th>Pesan</th></tr></thead><tbody>",
    );
    for f in &s.findings {
        let _ = write!(
            h,
            "<tr><td><span class=\"sev {}\">{}</span></td><td class=\"n\">{}</td><td>{}</td>\
             <td>{}</td></tr>",
            severity_class(f.severity),
            severity_label(f.severity),
            f.step.map(|n| n.to_string()).unwrap_or_default(),
            code_label(&f.code),
            esc(&f.message)
        );
    }
    h.push_str("</tbody></table>");
    h.push_str("</details>\n");
}

/// One row of a side-by-side comparison: a step of the reference, of the variant, or both.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Row {
    /// The same activity in both.
    Same(usize, usize),
    /// Different activities at the same place.
    Changed(usize, usize),
    /// Only in the reference.
    Removed(usize),
    /// Only in the variant.
    Added(usize),
}

/// Aligns two step lists by their normalised activities (longest common subsequence),
/// pairing removed and added steps at the same place as changed rows.
pub fn align(a: &[Step], b: &[Step]) -> Vec<Row> {
    let na: Vec<String> = a.iter().map(|s| normalise(&s.activity)).collect();
    let nb: Vec<String> = b.iter().map(|s| normalise(&s.activity)).collect();
    let (n, m) = (na.len(), nb.len());
    let mut raw: Vec<Row> = Vec::with_capacity(n.max(m));
    if n.saturating_mul(m) > MAX_ALIGN_CELLS {
        for i in 0..n.max(m) {
            raw.push(match (i < n, i < m) {
                (true, true) if na.get(i) == nb.get(i) => Row::Same(i, i),
                (true, true) => Row::Changed(i, i),
                (true, false) => Row::Removed(i),
                _ => Row::Added(i),
            });
        }
        return raw;
    }
    // lcs[i][j] = LCS length of na[i..] and nb[j..], flattened.
    let w = m + 1;
    let mut lcs = vec![0u32; (n + 1) * w];
    for i in (0..n).rev() {
        for j in (0..m).rev() {
            let v = if na.get(i) == nb.get(j) {
                lcs.get((i + 1) * w + j + 1).copied().unwrap_or(0) + 1
            } else {
                let down = lcs.get((i + 1) * w + j).copied().unwrap_or(0);
                let right = lcs.get(i * w + j + 1).copied().unwrap_or(0);
                down.max(right)
            };
            if let Some(c) = lcs.get_mut(i * w + j) {
                *c = v;
            }
        }
    }
    let (mut i, mut j) = (0, 0);
    while i < n || j < m {
        if i < n && j < m && na.get(i) == nb.get(j) {
            raw.push(Row::Same(i, j));
            i += 1;
            j += 1;
        } else if j < m
            && (i >= n
                || lcs.get(i * w + j + 1).copied().unwrap_or(0)
                    >= lcs.get((i + 1) * w + j).copied().unwrap_or(0))
        {
            raw.push(Row::Added(j));
            j += 1;
        } else {
            raw.push(Row::Removed(i));
            i += 1;
        }
    }
    // Pair runs of removed and added steps between two same rows.
    let mut out = Vec::with_capacity(raw.len());
    let mut k = 0;
    while k < raw.len() {
        if matches!(raw.get(k), Some(Row::Same(..))) {
            out.extend(raw.get(k).copied());
            k += 1;
            continue;
        }
        let start = k;
        while matches!(raw.get(k), Some(Row::Removed(_) | Row::Added(_))) {
            k += 1;
        }
        let run = raw.get(start..k).unwrap_or(&[]);
        let dels: Vec<usize> = run
            .iter()
            .filter_map(|r| match r {
                Row::Removed(x) => Some(*x),
                _ => None,
            })
            .collect();
        let adds: Vec<usize> = run
            .iter()
            .filter_map(|r| match r {
                Row::Added(y) => Some(*y),
                _ => None,
            })
            .collect();
        for t in 0..dels.len().max(adds.len()) {
            out.push(match (dels.get(t), adds.get(t)) {
                (Some(&x), Some(&y)) => Row::Changed(x, y),
                (Some(&x), None) => Row::Removed(x),
                (None, Some(&y)) => Row::Added(y),
                (None, None) => continue,
            });
        }
    }
    out
}

fn step_cells(s: Option<&Step>) -> (String, String) {
    match s {
        Some(s) => (s.no.to_string(), esc(&s.activity)),
        None => (String::new(), String::new()),
    }
}

fn side_by_side(h: &mut String, a: &Sop, b: &Sop) {
    let rows = align(&a.steps, &b.steps);
    let differing = rows.iter().filter(|r| !matches!(r, Row::Same(..))).count();
    let _ = write!(
        h,
        "<h3>{} <span class=\"muted\">({})</span> ↔ {} <span class=\"muted\">({})</span>: {} \
         langkah berbeda</h3><table class=\"diff\"><thead><tr><th class=\"no\">No</th>\
         <th>Acuan: {}</th><th class=\"no\">No</th><th>Varian: {}</th></tr></thead><tbody>",
        esc(&a.id),
        esc(agency_name(a)),
        esc(&b.id),
        esc(agency_name(b)),
        differing,
        esc(agency_name(a)),
        esc(agency_name(b))
    );
    for row in rows {
        let (class, x, y) = match row {
            Row::Same(i, j) => ("same", a.steps.get(i), b.steps.get(j)),
            Row::Changed(i, j) => ("chg", a.steps.get(i), b.steps.get(j)),
            Row::Removed(i) => ("del", a.steps.get(i), None),
            Row::Added(j) => ("add", None, b.steps.get(j)),
        };
        let (xn, xt) = step_cells(x);
        let (yn, yt) = step_cells(y);
        let _ = write!(
            h,
            "<tr class=\"{class}\"><td class=\"no\">{xn}</td><td class=\"txt a\">{xt}</td>\
             <td class=\"no\">{yn}</td><td class=\"txt b\">{yt}</td></tr>"
        );
    }
    h.push_str("</tbody></table>\n");
}

fn failed(h: &mut String, r: &Report) {
    let _ = write!(
        h,
        "<section id=\"gagal\"><h2>Berkas yang gagal dibaca ({})</h2>",
        r.failed.len()
    );
    if r.failed.is_empty() {
        h.push_str("<p>Semua berkas terbaca.</p></section>\n");
        return;
    }
    h.push_str(
        "<table id=\"tabel-gagal\" class=\"sortable\"><thead><tr><th>Berkas</th><th>OPD</th>\
         <th>Jenis</th><th>Keterangan</th></tr></thead><tbody>",
    );
    for e in &r.failed {
        let _ = write!(
            h,
            "<tr><td>{}</td><td>{}</td><td>{} <code>{}</code></td><td>{}</td></tr>",
            esc(&e.path),
            esc(&e.agency),
            error_kind_label(e.kind),
            e.kind.name(),
            esc(&e.message)
        );
    }
    h.push_str("</tbody></table></section>\n");
}

#[cfg(test)]
mod tests {
    use super::*;

    fn steps(acts: &[&str]) -> Vec<Step> {
        acts.iter()
            .enumerate()
            .map(|(i, a)| Step {
                no: i as u32 + 1,
                activity: a.to_string(),
                ..Default::default()
            })
            .collect()
    }

    #[test]
    fn escapes_markup() {
        assert_eq!(
            esc("<script>alert('x')</script> & \"q\""),
            "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;q&quot;"
        );
    }

    #[test]
    fn align_pairs_changes_and_keeps_insertions() {
        let a = steps(&["Terima surat", "Catat agenda", "Disposisi", "Arsip"]);
        let b = steps(&[
            "Terima surat",
            "Catat di buku agenda",
            "Disposisi",
            "Teruskan",
            "Arsip",
        ]);
        let rows = align(&a, &b);
        assert_eq!(
            rows,
            vec![
                Row::Same(0, 0),
                Row::Changed(1, 1),
                Row::Same(2, 2),
                Row::Added(3),
                Row::Same(3, 4)
            ]
        );
    }
}
