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

use super::flowchart;
use super::json::Report;
use crate::analyze::Analysis;
use crate::analyze::Rules;
use crate::analyze::agencies::{
    AgencySummary, ERRORS_PER_SOP_HALF, NO_AGENCY, SeverityCounts, W_ERRORS, W_IDENTITY,
    W_READABLE, W_STEPS, W_WARNINGS, WARNINGS_PER_SOP_HALF, agency_name, sop_completeness,
};
use crate::analyze::duplicates::{DuplicateGroup, DuplicateKind, normalise};
use crate::analyze::rules_loop;
use crate::analyze::source::SopSource;
use crate::error::ErrorKind;
use crate::sop::record::{FindingCode, Severity, Sop, Step};

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

/// A short Indonesian description of a finding code: one arm per code, no fallback, so
/// a new code does not compile until it has its label.
pub fn code_label(code: FindingCode) -> &'static str {
    match code {
        FindingCode::MissingNumber => "Nomor SOP kosong",
        FindingCode::MissingTitle => "Nama SOP kosong",
        FindingCode::MissingLegalBasis => "Dasar Hukum kosong",
        FindingCode::MissingApproval => "Pengesahan kosong",
        FindingCode::MissingEffectiveDate => "Tanggal Efektif kosong",
        FindingCode::MissingQualifications => "Kualifikasi Pelaksana kosong",
        FindingCode::MissingRelatedSops => "Keterkaitan kosong",
        FindingCode::MissingEquipment => "Peralatan/Perlengkapan kosong",
        FindingCode::MissingWarnings => "Peringatan kosong",
        FindingCode::MissingRecords => "Pencatatan dan Pendataan kosong",
        FindingCode::InvalidDate => "Tanggal tidak sah",
        FindingCode::Stale => "Perlu direviu (kedaluwarsa)",
        FindingCode::NumberCollision => "Nomor SOP dipakai ganda",
        FindingCode::NoSteps => "Tanpa langkah kegiatan",
        FindingCode::StepWithoutActor => "Langkah tanpa pelaksana",
        FindingCode::StepWithoutTime => "Langkah tanpa mutu baku waktu",
        FindingCode::StepWithoutOutput => "Langkah tanpa mutu baku output",
        FindingCode::DecisionWithoutBranches => "Keputusan tanpa cabang Ya/Tidak",
        FindingCode::MissingStart => "Tanpa simbol mulai",
        FindingCode::MissingEnd => "Tanpa simbol selesai",
        FindingCode::UnknownActor => "Pelaksana tidak dikenal",
        FindingCode::TooManyActors => "Pelaksana terlalu banyak",
        FindingCode::UnreadLabel => "Label identitas tidak terbaca",
        FindingCode::UnknownHeader => "Judul kolom tidak dikenal",
        FindingCode::ProcedureAsImage => "Prosedur berupa gambar",
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

/// A share as an Indonesian percentage ("63,2 %").
pub fn percent(x: f64) -> String {
    format!("{} %", dec(x * 100.0, 1))
}

/// A whole number with Indonesian thousands separators ("1.706").
pub fn num(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push('.');
        }
        out.push(c);
    }
    out
}

/// A number with `places` decimals, Indonesian style ("1.706,5").
pub fn dec(x: f64, places: usize) -> String {
    let text = format!("{:.*}", places, x.abs());
    let (int, frac) = text.split_once('.').unwrap_or((text.as_str(), ""));
    let mut out = String::new();
    if x < 0.0 && text.chars().any(|c| c != '0' && c != '.') {
        out.push('-');
    }
    out.push_str(&num(int.parse::<usize>().unwrap_or(0)));
    if !frac.is_empty() {
        out.push(',');
        out.push_str(frac);
    }
    out
}

/// A longer Indonesian explanation of a failure kind, for the person who must act.
pub fn error_kind_help(k: ErrorKind) -> &'static str {
    match k {
        ErrorKind::Corrupt => "Berkas rusak atau terpotong; minta salinan asli dari OPD.",
        ErrorKind::Encrypted => {
            "Berkas dikunci kata sandi; minta OPD mengirim versi tanpa kata sandi."
        }
        ErrorKind::Unsupported => {
            "Format berkas tidak didukung (bukan Word, Excel, ODS atau PDF); simpan ulang \
             dalam salah satu format itu."
        }
        ErrorKind::TooLarge => "Berkas melebihi batas ukuran baca; periksa isinya.",
        ErrorKind::Timeout => "Pembacaan berkas melebihi batas waktu; periksa isinya.",
        ErrorKind::NoSopFound => {
            "Tidak ditemukan SOP: berkas hasil pindai tanpa teks, atau bukan dokumen SOP AP."
        }
    }
}

/// The flowchart rules of the stylesheet (colours and strokes of every SVG shape).
const FLOW_CSS: &str = flowchart::CSS;

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
.filter{margin:4px 0 8px;padding:5px 8px;width:280px;max-width:100%;box-sizing:border-box;border:1px solid #c6d0da;border-radius:4px}
.tw{overflow-x:auto;max-width:100%}
td,summary,p,li,dd{overflow-wrap:break-word}
td.opd{min-width:8em}
nav{display:flex;flex-wrap:wrap;gap:4px 0}
svg.flow{font-size:11px;font-family:inherit;display:block}
svg.flow text.br{font-size:10px;fill:#8a4b00;font-weight:600;text-anchor:start}
svg.chart{font-size:12px;font-family:inherit;display:block;max-width:100%;height:auto}
.sopbody>.tw{margin:8px 0}
dl.idn{display:grid;grid-template-columns:minmax(110px,max-content) 1fr;gap:2px 12px;margin:6px 0;font-size:14px}
dl.idn dt{color:#5b6b7b}dl.idn dd{margin:0}
.ocr{background:#7b4fa0;color:#fff;border-radius:3px;padding:0 5px;font-size:12px}
td.tm{font-size:13px}
td.tm div{margin:2px 0}
.formula{background:#f4f8fb;padding:8px 12px;border-radius:4px;font-size:14px}
.detail{font-size:12px;color:#6b7b8b}
pre{margin:2px 0;font-size:12px;background:#f0f3f6;padding:4px 6px;border-radius:3px;white-space:pre-wrap}
@media (max-width:640px){
 header,nav{padding-left:12px;padding-right:12px}
 main{padding:8px 8px 32px}
 section{padding:12px 10px}
 .bar{width:70px}
 details.sop{margin-left:4px}
 .card{flex-basis:100px;padding:6px 10px}
 .card b{font-size:20px}
 #tabel-opd th{white-space:nowrap;font-size:12px;padding:4px 6px}
}
@media print{
 body{background:#fff}
 nav,.filter{display:none}
 main{padding:0;max-width:none}
 section{box-shadow:none;padding:0}
 details.opd{break-before:page}
 details::details-content{content-visibility:visible;display:contents}
 .tw{overflow:visible}
 tr,svg.flow{break-inside:avoid}
}
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
function drawFlows(root){
  root.querySelectorAll('noscript.lazy').forEach(function(s){
    s.insertAdjacentHTML('afterend',s.textContent);s.parentNode.removeChild(s);});
}
document.addEventListener('toggle',function(e){
  var d=e.target;
  if(d.open&&d.classList&&d.classList.contains('sop'))drawFlows(d);
},true);
window.addEventListener('beforeprint',function(){
  drawFlows(document);
  document.querySelectorAll('details').forEach(function(d){d.open=true;});
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

/// Above this many SOPs in a run, the inside of each SOP's section (identity, steps
/// table, flowchart) is written in a `<noscript>`: with JavaScript on the browser keeps it
/// as inert text and the page builds it when the SOP opens (or before printing); with
/// JavaScript off it is ordinary markup. Building 5,000 SOPs' tables and SVGs with the
/// page held Chromium's DOMContentLoaded for seconds. Below it the page is fully built.
pub const LAZY_FLOWCHART_MIN_SOPS: usize = 1_000;

/// The class of the `<noscript>` holding an SOP's section until it opens.
pub const LAZY_CLASS: &str = "lazy";

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

/// Writes the head of the page, the summary (with the findings-by-code chart) and the
/// agency ranking.
pub fn begin(w: &mut dyn io::Write, report: &Report, analysis: &Analysis) -> io::Result<()> {
    let mut h = String::with_capacity(64 * 1024);
    let sm = &report.summary;
    let _ = write!(
        h,
        "<!DOCTYPE html>\n<html lang=\"id\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>Laporan SOP AP — {}</title>\n<style>{STYLE}{FLOW_CSS}</style>\n</head>\n<body>\n\
         <header><h1>Laporan Analisis SOP Administrasi Pemerintahan</h1>\
         <p>Tanggal acuan {} · {} OPD · {} SOP · {} berkas</p></header>\n\
         <nav><a href=\"#ringkasan\">Ringkasan</a><a href=\"#opd\">Peringkat OPD</a>\
         <a href=\"#temuan\">SOP per OPD</a><a href=\"#aturan\">Kosakata baru</a>\
         <a href=\"#duplikat\">Duplikat</a><a href=\"#gagal\">Berkas gagal</a></nav>\n<main>\n",
        esc(&sm.as_of),
        esc(&id_date(&sm.as_of)),
        num(sm.agencies),
        num(sm.sops),
        num(sm.files)
    );
    summary(&mut h, report, analysis);
    agencies(&mut h, report);
    w.write_all(h.as_bytes())
}

/// Writes every SOP per agency: the agency's findings by code, then each SOP as a
/// `<details>` that opens to its identity, its steps with their findings and its drawn
/// flowchart. The SOPs are read from `source` one agency at a time (their findings set
/// by `analysis`), and each is also handed to `each_sop` (the SOP sheet of report.xlsx).
pub fn findings(
    w: &mut dyn io::Write,
    r: &Report,
    analysis: &Analysis,
    source: &dyn SopSource,
    rules: &Rules,
    each_sop: &mut dyn FnMut(&Sop) -> io::Result<()>,
) -> io::Result<()> {
    let mut budget = MAX_FINDING_ROWS;
    let mut uid = 0usize;
    let lazy = r.summary.sops > LAZY_FLOWCHART_MIN_SOPS;
    let mut h = String::with_capacity(FLUSH_AT + 16 * 1024);
    h.push_str(
        "<section id=\"temuan\"><h2>SOP per OPD</h2>\
         <p class=\"muted\">Klik nama OPD untuk membuka daftar SOP-nya, lalu klik SOP untuk \
         melihat identitas, langkah kegiatan dengan temuannya, dan diagram alir yang dibaca \
         sopap. Bandingkan dengan dokumen aslinya.</p>\n",
    );
    for a in &r.agencies {
        let _ = write!(
            h,
            "<details class=\"opd\"><summary>{} {} — {} SOP, {} kesalahan, {} peringatan, {} \
             informasi</summary>",
            a.rank.map_or_else(|| "–".to_string(), |r| format!("{r}.")),
            esc(&a.agency),
            num(a.sops),
            num(a.findings.error),
            num(a.findings.warning),
            num(a.findings.info)
        );
        if let Some(per_code) = analysis.codes.get(&a.agency)
            && !per_code.is_empty()
        {
            h.push_str(
                "<div class=\"tw\"><table class=\"codes\"><thead><tr><th>Tingkat</th>\
                 <th>Jenis temuan</th><th>Kode</th><th class=\"n\">Jumlah</th></tr></thead><tbody>",
            );
            for ((sev, code), n) in per_code {
                let _ = write!(
                    h,
                    "<tr><td><span class=\"sev {}\">{}</span></td><td>{}</td><td><code>{}</code>\
                     </td><td class=\"n\">{}</td></tr>",
                    severity_class(*sev),
                    severity_label(*sev),
                    code_label(*code),
                    esc(code.as_str()),
                    num(*n)
                );
            }
            h.push_str("</tbody></table></div>\n");
        }
        if a.sops > 0 {
            source.each_of_agency(&a.agency, &mut |mut s: Sop| {
                analysis.apply(&mut s, rules);
                each_sop(&s)?;
                uid += 1;
                sop_details(&mut h, &s, uid, &mut budget, lazy);
                flush_if_full(&mut h, w)
            })?;
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
         {label}, kemiripan {}</summary>\n<div class=\"tw\"><table><thead><tr><th>SOP</th><th>OPD</th>\
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
    h.push_str("</tbody></table></div>\n");
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

/// Writes the end of the duplicates section, what the rules did not know, the failed
/// files and the end of the page.
pub fn end(w: &mut dyn io::Write, r: &Report, analysis: &Analysis) -> io::Result<()> {
    let mut h = String::from("</section>\n");
    rules_loop(&mut h, analysis);
    failed(&mut h, r);
    let _ = write!(h, "</main>\n<script>{SCRIPT}</script>\n</body>\n</html>\n");
    w.write_all(h.as_bytes())
}

fn summary(h: &mut String, r: &Report, analysis: &Analysis) {
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
            "<div class=\"card\"><b>{}</b><span>{label}</span></div>",
            num(n)
        );
    }
    h.push_str("</div>");
    let ranked: Vec<&AgencySummary> = r.agencies.iter().filter(|a| a.rank.is_some()).collect();
    if let (Some(best), Some(worst)) = (ranked.first(), ranked.last())
        && ranked.len() > 1
    {
        let _ = write!(
            h,
            "<p>Skor mutu tertinggi: <b>{}</b> ({}). Skor mutu terendah: <b>{}</b> ({}). \
             {} SOP termasuk dalam {} kelompok duplikat.</p>",
            esc(&best.agency),
            percent(best.score),
            esc(&worst.agency),
            percent(worst.score),
            num(s.duplicate_sops),
            num(s.duplicate_groups)
        );
    }
    trend(h, r);
    codes_chart(h, analysis);
    h.push_str("</section>\n");
}

/// Height of one row of the findings-by-code chart, px: its label line over its bar.
const CHART_ROW_H: u32 = 34;
/// Height of a bar of the findings-by-code chart, px.
const CHART_BAR_H: u32 = 12;
/// Width of the longest bar of a chart, px.
const CHART_BAR_W: u32 = 280;
/// Room right of the longest bar for its count, px. With [`CHART_BAR_W`] the chart is
/// 340 px wide: it fits a 390 px phone unscaled, so its 12 px labels stay 12 px.
const CHART_COUNT_W: u32 = 60;

/// The findings of the whole archive by code, as a horizontal bar chart, most frequent
/// first: each code's label on a line of its own above its bar (so the chart is narrow
/// enough for a phone), the count after the bar.
fn codes_chart(h: &mut String, analysis: &Analysis) {
    let mut by_code: std::collections::BTreeMap<FindingCode, (usize, Severity)> =
        Default::default();
    for per_code in analysis.codes.values() {
        for ((sev, code), n) in per_code {
            let e = by_code.entry(*code).or_insert((0, *sev));
            e.0 += n;
            e.1 = e.1.min(*sev);
        }
    }
    let mut rows: Vec<(FindingCode, usize, Severity)> =
        by_code.into_iter().map(|(c, (n, s))| (c, n, s)).collect();
    rows.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    h.push_str("<h3>Temuan menurut jenis</h3>");
    let Some(max) = rows.first().map(|r| r.1.max(1)) else {
        h.push_str("<p>Tidak ada temuan.</p>");
        return;
    };
    let width = CHART_BAR_W + CHART_COUNT_W;
    let height = CHART_ROW_H * rows.len() as u32 + 4;
    let _ = write!(
        h,
        "<div class=\"tw\"><svg class=\"chart codes\" xmlns=\"http://www.w3.org/2000/svg\" \
         width=\"{width}\" height=\"{height}\" viewBox=\"0 0 {width} {height}\" role=\"img\" \
         aria-label=\"Temuan menurut jenis\">"
    );
    for (i, (code, n, sev)) in rows.iter().enumerate() {
        let y = CHART_ROW_H * i as u32;
        let bw = ((*n as f64 / max as f64) * f64::from(CHART_BAR_W))
            .round()
            .max(1.0) as u32;
        let _ = write!(
            h,
            "<g class=\"code\" data-code=\"{}\" data-count=\"{n}\"><text y=\"{}\">{}</text>\
             <rect y=\"{}\" width=\"{bw}\" height=\"{CHART_BAR_H}\" fill=\"{}\">\
             <title>{}</title></rect><text x=\"{}\" y=\"{}\">{}</text></g>",
            esc(code.as_str()),
            y + 13,
            code_label(*code),
            y + 17,
            severity_color(*sev),
            esc(code.as_str()),
            bw + 5,
            y + 17 + CHART_BAR_H - 1,
            num(*n)
        );
    }
    h.push_str("</svg></div>");
}

fn severity_color(s: Severity) -> &'static str {
    match s {
        Severity::Error => "#c0392b",
        Severity::Warning => "#d99a1e",
        Severity::Info => "#5b7c99",
    }
}

/// Width of the stacked severity bar of the agency with the most findings, px.
const STACK_W: u32 = 160;

/// An agency's findings by severity as one stacked bar, scaled to `max` findings.
fn stacked(f: &SeverityCounts, max: usize) -> String {
    let mut out = format!(
        "<svg class=\"chart sev\" xmlns=\"http://www.w3.org/2000/svg\" width=\"{STACK_W}\" \
         height=\"14\" viewBox=\"0 0 {STACK_W} 14\" role=\"img\" aria-label=\"{} kesalahan, \
         {} peringatan, {} informasi\">",
        num(f.error),
        num(f.warning),
        num(f.info)
    );
    let mut x = 0.0;
    for (n, sev) in [
        (f.error, Severity::Error),
        (f.warning, Severity::Warning),
        (f.info, Severity::Info),
    ] {
        if n == 0 {
            continue;
        }
        let w = n as f64 / max.max(1) as f64 * f64::from(STACK_W);
        let _ = write!(
            out,
            "<rect class=\"{}\" x=\"{x:.1}\" y=\"0\" width=\"{w:.1}\" height=\"14\" fill=\"{}\">\
             <title>{} {}</title></rect>",
            severity_class(sev),
            severity_color(sev),
            num(n),
            severity_label(sev).to_lowercase()
        );
        x += w;
    }
    out.push_str("</svg>");
    out
}

/// Most agencies the summary names in the trend since the previous run.
const MAX_TREND_NAMED: usize = 10;

/// A change in findings in words: "12 temuan lebih sedikit", "3 temuan lebih banyak".
pub fn change_text(change: i64) -> String {
    match change {
        0 => "tidak berubah".to_string(),
        c if c < 0 => format!("{} temuan lebih sedikit", num(c.unsigned_abs() as usize)),
        c => format!("{} temuan lebih banyak", num(c as usize)),
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
            t if t < 0 => format!("berkurang {}", num(t.unsigned_abs() as usize)),
            t => format!("bertambah {}", num(t as usize)),
        }
    );
    let now = r.summary.findings.total();
    let before = (now as i64 - total).max(0) as usize;
    let max = now.max(before).max(1);
    let bar_w = |n: usize| (n as f64 / max as f64 * f64::from(CHART_BAR_W)).round() as u32;
    let _ = write!(
        h,
        "<svg class=\"chart trend\" xmlns=\"http://www.w3.org/2000/svg\" width=\"{w}\" \
         height=\"48\" viewBox=\"0 0 {w} 48\" role=\"img\" aria-label=\"Tren temuan\">\
         <text x=\"0\" y=\"15\">Sebelumnya</text><rect x=\"90\" y=\"4\" width=\"{}\" \
         height=\"15\" fill=\"#9fb3c8\"/><text x=\"{}\" y=\"15\">{}</text>\
         <text x=\"0\" y=\"39\">Sekarang</text><rect x=\"90\" y=\"28\" width=\"{}\" \
         height=\"15\" fill=\"#2b6cb0\"/><text x=\"{}\" y=\"39\">{}</text></svg>",
        bar_w(before),
        95 + bar_w(before),
        num(before),
        bar_w(now),
        95 + bar_w(now),
        num(now),
        w = 90 + CHART_BAR_W + 70
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
    let trend = r.summary.previous_run.is_some();
    agencies_head(h, trend);
    let max = r
        .agencies
        .iter()
        .map(|a| a.findings.total())
        .max()
        .unwrap_or(0);
    for a in &r.agencies {
        agency_row(h, a, max, trend);
    }
    h.push_str("</tbody></table></div></section>\n");
}

/// The section's heading, the score's formula with its weights, the filter and the
/// table's header (with the trend column when there is a previous run).
fn agencies_head(h: &mut String, trend: bool) {
    let _ = write!(
        h,
        "<section id=\"opd\"><h2>Peringkat OPD menurut skor mutu</h2>\
         <p class=\"formula\">Skor mutu = {} × kelengkapan identitas + {} × kelengkapan langkah \
         (pelaksana, waktu, output) + {} × 1 / (1 + kesalahan per SOP / {}) + {} × 1 / (1 + \
         peringatan per SOP / {}) + {} × (1 − bagian berkas yang tidak terbaca). OPD tanpa SOP \
         terbaca hanya mendapat bagian berkas terbaca. Berkas gagal dihitung untuk OPD yang \
         disebut folder atau manifesnya; berkas tanpa OPD tidak ikut peringkat dan tercantum di \
         <a href=\"#gagal\">Berkas gagal</a>.</p>\
         <input class=\"filter\" data-table=\"tabel-opd\" placeholder=\"Saring OPD…\" \
         aria-label=\"Saring OPD\"><div class=\"tw\">\
         <table id=\"tabel-opd\" class=\"sortable\"><thead><tr><th class=\"n\">#</th>\
         <th>OPD</th><th>Skor mutu</th><th class=\"n\">Identitas</th><th class=\"n\">Langkah</th>\
         <th class=\"n\">Kesalahan per SOP</th><th class=\"n\">Peringatan per SOP</th>\
         <th class=\"n\">Tak terbaca</th><th class=\"n\">Berkas</th><th class=\"n\">SOP</th>\
         <th>Temuan (kesalahan · peringatan · informasi)</th>",
        dec(W_IDENTITY, 2),
        dec(W_STEPS, 2),
        dec(W_ERRORS, 2),
        dec(ERRORS_PER_SOP_HALF, 0),
        dec(W_WARNINGS, 2),
        dec(WARNINGS_PER_SOP_HALF, 0),
        dec(W_READABLE, 2)
    );
    if trend {
        h.push_str("<th class=\"n\">Perubahan temuan</th>");
    }
    h.push_str("</tr></thead><tbody>\n");
}

/// The ranking's row of agency `a`; `max` is the most findings of any agency (the scale of
/// the stacked bar).
fn agency_row(h: &mut String, a: &AgencySummary, max: usize, trend: bool) {
    let _ = write!(
        h,
        "<tr class=\"opd-row\"><td class=\"n\" data-v=\"{}\">{}</td><td class=\"opd\">{}</td>\
         <td class=\"kel\" data-v=\"{}\">{}</td>\
         <td class=\"n\" data-v=\"{}\">{}</td><td class=\"n\" data-v=\"{}\">{}</td>\
         <td class=\"n\" data-v=\"{}\">{}</td><td class=\"n\" data-v=\"{}\">{}</td>\
         <td class=\"n\" data-v=\"{}\">{} <span class=\"muted\">({} dari {})</span></td>\
         <td class=\"n\" data-v=\"{}\">{}</td><td class=\"n\" data-v=\"{}\">{}</td>\
         <td data-v=\"{}\">{} <span class=\"muted\">{} · {} · {}</span></td>",
        a.rank.unwrap_or(usize::MAX),
        a.rank.map_or_else(|| "–".to_string(), |r| r.to_string()),
        esc(&a.agency),
        a.score,
        bar(a.score),
        a.identity_completeness,
        per_sop(a, percent(a.identity_completeness)),
        a.step_completeness,
        per_sop(a, percent(a.step_completeness)),
        a.errors_per_sop,
        per_sop(a, dec(a.errors_per_sop, 1)),
        a.warnings_per_sop,
        per_sop(a, dec(a.warnings_per_sop, 1)),
        a.unreadable_share,
        percent(a.unreadable_share),
        num(a.failed_files),
        num(a.files),
        a.files,
        num(a.files),
        a.sops,
        num(a.sops),
        a.findings.total(),
        stacked(&a.findings, max),
        num(a.findings.error),
        num(a.findings.warning),
        num(a.findings.info)
    );
    if trend {
        let c = a.findings_change.unwrap_or(0);
        let _ = write!(h, "<td class=\"n\" data-v=\"{c}\">{}</td>", change_text(c));
    }
    h.push_str("</tr>\n");
}

/// A per-SOP figure of an agency as shown, or a dash with a hint when the agency has no
/// SOP read (the figure would be 0 only because nothing was read, not because the SOPs are
/// poor).
fn per_sop(a: &AgencySummary, shown: String) -> String {
    if a.sops == 0 {
        "<span class=\"muted\" title=\"Belum ada SOP yang terbaca\">–</span>".to_string()
    } else {
        shown
    }
}

/// Whether the SOP was read by OCR: its record says so (`source.ocr`), or its format name
/// does (`pdf+ocr`, `ocr`).
pub fn read_by_ocr(s: &Sop) -> bool {
    s.source.ocr || s.source.format.to_ascii_lowercase().contains("ocr")
}

/// An ISO date (`YYYY-MM-DD`, `YYYY-MM` or `YYYY`) as the page writes dates: day, month
/// and year joined by hyphens (`05-12-2026`, `12-2026`); any other text as it is.
pub fn id_date(iso: &str) -> String {
    let t = iso.trim();
    let parts: Vec<&str> = t.split('-').collect();
    let digits = |p: &&str| !p.is_empty() && p.chars().all(|c| c.is_ascii_digit());
    let shaped = parts.iter().all(digits)
        && parts.first().is_some_and(|y| y.len() == 4)
        && parts.iter().skip(1).all(|p| p.len() == 2);
    if !shaped || parts.len() > 3 {
        return t.to_string();
    }
    parts.iter().rev().copied().collect::<Vec<_>>().join("-")
}

fn id_date_opt(iso: Option<&str>) -> String {
    iso.map(id_date).unwrap_or_default()
}

/// The identity fields shown in an SOP's section, with their Indonesian labels.
fn identity_rows(s: &Sop) -> Vec<(&'static str, String)> {
    let id = &s.identity;
    let list = |v: &[String]| v.join("; ");
    let mut rows = vec![
        ("Nomor SOP", id.number.clone().unwrap_or_default()),
        ("Nama SOP", id.title.clone().unwrap_or_default()),
        ("Unit", id.unit.clone().unwrap_or_default()),
        ("Tanggal pembuatan", id_date_opt(id.created.as_deref())),
        ("Tanggal revisi", id_date_opt(id.revised.as_deref())),
        ("Tanggal efektif", id_date_opt(id.effective.as_deref())),
    ];
    if let Some(a) = &id.approved_by {
        let who = [&a.position, &a.name, &a.nip]
            .iter()
            .filter_map(|x| x.as_deref())
            .collect::<Vec<_>>()
            .join(", ");
        rows.push(("Disahkan oleh", who));
    } else {
        rows.push(("Disahkan oleh", String::new()));
    }
    rows.extend([
        ("Dasar hukum", list(&id.legal_basis)),
        ("Kualifikasi pelaksana", list(&id.qualifications)),
        ("Keterkaitan", list(&id.related_sops)),
        ("Peralatan/perlengkapan", list(&id.equipment)),
        ("Peringatan", list(&id.warnings)),
        ("Pencatatan dan pendataan", list(&id.records)),
    ]);
    rows
}

/// One SOP's `<details>`: its summary line, identity, findings, steps table and flowchart
/// (drawn when it opens if `lazy`, see [`LAZY_FLOWCHART_MIN_SOPS`]).
fn sop_details(h: &mut String, s: &Sop, uid: usize, budget: &mut usize, lazy: bool) {
    let title = s.identity.title.as_deref().unwrap_or("(tanpa nama)");
    let count = |sev| s.findings.iter().filter(|f| f.severity == sev).count();
    let dates = [
        ("dibuat", &s.identity.created),
        ("revisi", &s.identity.revised),
        ("efektif", &s.identity.effective),
    ]
    .iter()
    .filter_map(|(l, d)| Some(format!("{l} {}", esc(&id_date(d.as_deref()?)))))
    .collect::<Vec<_>>()
    .join(", ");
    let _ = write!(
        h,
        "<details class=\"sop\" data-sop=\"{}\"><summary><b>{}</b> {}{} <span class=\"muted\">· \
         {} · {} langkah · {} temuan ({} kesalahan, {} peringatan) · {}</span></summary>",
        esc(&s.id),
        esc(s.identity.number.as_deref().unwrap_or("tanpa nomor")),
        esc(title),
        if read_by_ocr(s) {
            " <span class=\"ocr\">OCR</span>"
        } else {
            ""
        },
        if dates.is_empty() {
            "tanpa tanggal".to_string()
        } else {
            dates
        },
        num(s.steps.len()),
        num(s.findings.len()),
        num(count(Severity::Error)),
        num(count(Severity::Warning)),
        esc(&s.source.path)
    );
    if lazy {
        // Inert text while JavaScript runs (drawn when the SOP opens), ordinary markup
        // when it does not. Every text inside is escaped (no `<` of its own), so the
        // markup never holds `</noscript`.
        let _ = write!(h, "<noscript class=\"{LAZY_CLASS}\">");
        sop_body(h, s, uid, budget);
        h.push_str("</noscript>");
    } else {
        sop_body(h, s, uid, budget);
    }
    h.push_str("</details>\n");
}

/// The inside of an SOP's section: identity, general findings, steps table with the
/// findings of each step, and the drawn flowchart.
fn sop_body(h: &mut String, s: &Sop, uid: usize, budget: &mut usize) {
    identity_list(h, s);
    let show_findings = s.findings.len() <= *budget;
    *budget = budget.saturating_sub(s.findings.len());
    general_findings(h, s, show_findings);
    if s.steps.is_empty() {
        h.push_str("<p>Tidak ada langkah kegiatan yang terbaca.</p>");
        return;
    }
    h.push_str(
        "<div class=\"sopbody\"><div class=\"tw\"><table class=\"steps\"><thead><tr>\
         <th class=\"n\">No</th><th>Kegiatan</th><th>Pelaksana</th><th>Mutu Baku</th>\
         <th>Keterangan</th><th>Temuan</th></tr></thead><tbody>",
    );
    for st in &s.steps {
        step_row(h, s, st, show_findings);
    }
    h.push_str("</tbody></table></div><div class=\"tw\">");
    flowchart::svg(h, s, uid);
    h.push_str("</div></div>");
}

/// The SOP's identity as a definition list (one line when nothing was read), with the
/// source file, its format and the SOP's completeness.
fn identity_list(h: &mut String, s: &Sop) {
    h.push_str("<dl class=\"idn\">");
    let rows = identity_rows(s);
    let blank = rows.iter().all(|(_, v)| v.trim().is_empty());
    if blank {
        // One line instead of fourteen dashes (typically a piece of a document whose
        // identity page was not found with it).
        h.push_str(
            "<dt>Identitas</dt><dd><span class=\"muted\">tidak ada isian identitas yang \
             terbaca</span></dd>",
        );
    }
    for (label, value) in rows.iter().filter(|_| !blank) {
        let _ = write!(
            h,
            "<dt>{label}</dt><dd>{}</dd>",
            if value.trim().is_empty() {
                "<span class=\"muted\">—</span>".to_string()
            } else {
                esc(value)
            }
        );
    }
    let _ = write!(
        h,
        "<dt>Berkas</dt><dd>{} <span class=\"muted\">({}{}, kelengkapan {})</span></dd></dl>",
        esc(&s.source.path),
        esc(&s.source.format),
        if read_by_ocr(s) {
            ", dibaca dengan OCR"
        } else {
            ""
        },
        percent(sop_completeness(s))
    );
}

/// The findings of the SOP that concern no step, or (`show_findings` false, the page's
/// budget spent) a line saying where they are.
fn general_findings(h: &mut String, s: &Sop, show_findings: bool) {
    if show_findings {
        let general: Vec<_> = s.findings.iter().filter(|f| f.step.is_none()).collect();
        if !general.is_empty() {
            h.push_str("<ul class=\"fnd\">");
            for f in general {
                let _ = write!(
                    h,
                    "<li><span class=\"sev {}\">{}</span> {}</li>",
                    severity_class(f.severity),
                    severity_label(f.severity),
                    esc(&f.message)
                );
            }
            h.push_str("</ul>");
        }
    } else {
        h.push_str(
            "<p class=\"muted\">Rincian temuan SOP ini ada di report.xlsx (lembar Temuan) dan \
             report.json: halaman ini sudah memuat batas rincian.</p>",
        );
    }
}

/// The table row of step `st`: activity, actors, Mutu Baku, notes with the decision's
/// targets, and (`show_findings`) its findings.
fn step_row(h: &mut String, s: &Sop, st: &Step, show_findings: bool) {
    let mut mutu = Vec::new();
    for (label, v) in [
        ("Kelengkapan", &st.requirements),
        ("Waktu", &st.time),
        ("Output", &st.output),
    ] {
        if let Some(v) = v.as_deref().filter(|v| !v.trim().is_empty()) {
            mutu.push(format!("<b>{label}:</b> {}", esc(v)));
        }
    }
    let mut notes = esc(st.notes.as_deref().unwrap_or(""));
    for (label, target) in [("Ya", st.if_yes), ("Tidak", st.if_no)] {
        if let Some(t) = target {
            if !notes.is_empty() {
                notes.push_str("<br>");
            }
            let _ = write!(notes, "{label} → {t}");
        }
    }
    let _ = write!(
        h,
        "<tr data-step=\"{}\"><td class=\"n\">{}</td><td>{}</td><td class=\"act\">{}</td>\
         <td>{}</td><td>{}</td><td class=\"tm\">",
        st.no,
        st.no,
        esc(&st.activity),
        esc(&st.actors.join(", ")),
        mutu.join("<br>"),
        notes
    );
    if show_findings {
        for f in s.findings.iter().filter(|f| f.step == Some(st.no)) {
            let _ = write!(
                h,
                "<div><span class=\"sev {}\">{}</span> {}</div>",
                severity_class(f.severity),
                severity_label(f.severity),
                esc(&f.message)
            );
        }
    }
    h.push_str("</td></tr>");
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
    if na.len().saturating_mul(nb.len()) > MAX_ALIGN_CELLS {
        return align_by_position(&na, &nb);
    }
    let lcs = lcs_table(&na, &nb);
    pair_changes(&lcs_walk(&na, &nb, &lcs))
}

/// Rows by position, for lists too long for the LCS table: same where the activities at
/// one index match, changed where they differ, then the longer list's rest.
fn align_by_position(na: &[String], nb: &[String]) -> Vec<Row> {
    let (n, m) = (na.len(), nb.len());
    let mut raw: Vec<Row> = Vec::with_capacity(n.max(m));
    for i in 0..n.max(m) {
        raw.push(match (i < n, i < m) {
            (true, true) if na.get(i) == nb.get(i) => Row::Same(i, i),
            (true, true) => Row::Changed(i, i),
            (true, false) => Row::Removed(i),
            _ => Row::Added(i),
        });
    }
    raw
}

/// `lcs[i * (m + 1) + j]` = length of the longest common subsequence of `na[i..]` and
/// `nb[j..]` (`m` = `nb.len()`).
fn lcs_table(na: &[String], nb: &[String]) -> Vec<u32> {
    let (n, m) = (na.len(), nb.len());
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
    lcs
}

/// The same, removed and added rows along one longest common subsequence.
fn lcs_walk(na: &[String], nb: &[String], lcs: &[u32]) -> Vec<Row> {
    let (n, m) = (na.len(), nb.len());
    let w = m + 1;
    let mut raw: Vec<Row> = Vec::with_capacity(n.max(m));
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
    raw
}

/// Pairs the runs of removed and added steps between two same rows as changed rows.
fn pair_changes(raw: &[Row]) -> Vec<Row> {
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
         langkah berbeda</h3><div class=\"tw\"><table class=\"diff\"><thead><tr><th class=\"no\">No</th>\
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
    h.push_str("</tbody></table></div>\n");
}

/// Most entries the rules-loop section lists (report.xlsx, sheet Aturan, has them all).
const MAX_LOOP_SHOWN: usize = 200;

/// The Indonesian name of a rules-loop kind.
pub fn loop_kind_label(kind: &str) -> String {
    match kind {
        "unknown-actor" => "Pelaksana tidak dikenal".to_string(),
        "unread-label" => "Label identitas tidak terbaca".to_string(),
        rules_loop::UNREAD_TIME => "Waktu tidak terbaca".to_string(),
        "unknown-header" => "Judul kolom tidak dikenal".to_string(),
        other => FindingCode::parse(other)
            .map_or_else(|| other.to_string(), |c| code_label(c).to_string()),
    }
}

/// What the rules did not know, with the TOML lines that teach them.
fn rules_loop(h: &mut String, analysis: &Analysis) {
    let entries = &analysis.rules_loop;
    let _ = write!(
        h,
        "<section id=\"aturan\"><h2>Kosakata yang belum dikenal aturan ({})</h2>\
         <p class=\"muted\">Tambahkan baris TOML di bawah ke berkas bernama sama di folder \
         aturan lokal (dipakai dengan <code>--rules FOLDER</code>); proses malam berikutnya \
         membaca ulang semua berkas dengan aturan baru. Ganti kata berhuruf kapital (FIELD, \
         UNIT, ROLE) dengan nilai yang tepat.</p>",
        num(entries.len())
    );
    if entries.is_empty() {
        h.push_str("<p>Tidak ada kosakata baru.</p></section>\n");
        return;
    }
    h.push_str(
        "<div class=\"tw\"><table id=\"tabel-aturan\" class=\"sortable\"><thead><tr>\
         <th>Jenis</th><th>Teks dalam dokumen</th><th class=\"n\">Jumlah</th><th>OPD</th>\
         <th>Contoh SOP</th><th>Baris TOML</th></tr></thead><tbody>",
    );
    for e in entries.iter().take(MAX_LOOP_SHOWN) {
        let (file, lines) = rules_loop::toml_lines(e);
        let _ = write!(
            h,
            "<tr class=\"loop\" data-kind=\"{}\"><td>{}</td><td>{}</td>\
             <td class=\"n\" data-v=\"{}\">{}</td><td>{}</td><td>{}</td>\
             <td><b>{}</b><pre>{}</pre></td></tr>",
            esc(&e.kind),
            esc(&loop_kind_label(&e.kind)),
            esc(&e.text),
            e.count,
            num(e.count),
            esc(&e.agencies.iter().cloned().collect::<Vec<_>>().join("; ")),
            esc(&e.example),
            esc(file),
            esc(&lines)
        );
    }
    h.push_str("</tbody></table></div>");
    if entries.len() > MAX_LOOP_SHOWN {
        let _ = write!(
            h,
            "<p class=\"muted\">… dan {} lainnya di report.xlsx (lembar Aturan).</p>",
            num(entries.len() - MAX_LOOP_SHOWN)
        );
    }
    h.push_str("</section>\n");
}

fn failed(h: &mut String, r: &Report) {
    let _ = write!(
        h,
        "<section id=\"gagal\"><h2>Berkas gagal ({})</h2>",
        num(r.failed.len())
    );
    if r.failed.is_empty() {
        h.push_str("<p>Semua berkas terbaca.</p></section>\n");
        return;
    }
    h.push_str(
        "<p class=\"muted\">Setiap berkas dihitung untuk OPD yang disebut folder atau manifesnya; \
         berkas tanpa OPD tidak ikut peringkat. Pesan teknis (juga di errors.jsonl) ada di baris \
         rincian.</p><div class=\"tw\"><table id=\"tabel-gagal\" class=\"sortable\"><thead><tr>\
         <th>Berkas</th><th>OPD</th><th>Alasan</th></tr></thead><tbody>",
    );
    for e in &r.failed {
        let _ = write!(
            h,
            "<tr><td>{}</td><td>{}</td><td><b>{}</b>: {}<div class=\"detail\">Rincian teknis \
             (<code>{}</code>): {}</div></td></tr>",
            esc(&e.path),
            if e.agency == NO_AGENCY {
                "<span class=\"muted\">tanpa OPD</span>".to_string()
            } else {
                esc(&e.agency)
            },
            error_kind_label(e.kind),
            error_kind_help(e.kind),
            e.kind.name(),
            esc(&e.message)
        );
    }
    h.push_str("</tbody></table></div></section>\n");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn iso_dates_are_written_day_month_year() {
        assert_eq!(id_date("2026-12-05"), "05-12-2026");
        assert_eq!(id_date("2019-03"), "03-2019");
        assert_eq!(id_date("2019"), "2019");
        // Anything not an ISO date stays as written.
        assert_eq!(id_date("5 Desember 2026"), "5 Desember 2026");
        assert_eq!(id_date("2019-3-5"), "2019-3-5");
        assert_eq!(id_date(""), "");
    }

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
