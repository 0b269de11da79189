//! Gap findings of one SOP: missing identity fields, bad dates, stale SOPs and gaps in the
//! procedure, each with a severity from the rules and a message in Bahasa Indonesia that
//! says what to fix.
//!
//! Decisions (documented in `rules/findings.toml` too):
//! - A field counts as present when it holds non-blank text (a list: one non-blank item).
//!   The approval is present when the approver's name or position is.
//! - `invalid-date`: a created/revised/effective value that is not an ISO date of a real
//!   day, lies after the as-of date, or lies before 1 January of `earliest_year` (1945).
//! - `stale`: the latest valid effective or revision date is more than `review_years`
//!   before the as-of date. An SOP with neither gets no `stale` (it gets
//!   `missing-effective-date`).
//! - `missing-start` / `missing-end` are checked only when at least one step carries a
//!   flowchart symbol: the first step must be a terminator; some later step must be a
//!   terminator (the last step, or one that leads nowhere).
//! - A step is a decision when its symbol is `decision`, or it has no symbol and the
//!   vocabulary reads its activity as a question. It lacks branches when it has neither
//!   `if_yes` nor `if_no` and fewer than two `next` steps.

use super::Rules;
use crate::sop::record::{Finding, FindingCode, Sop, Step, Symbol};

use super::date::Date;

/// Identity list fields checked for presence: (code, label in the SOP form).
const LIST_FIELDS: &[(FindingCode, &str)] = &[
    (FindingCode::MissingLegalBasis, "Dasar Hukum"),
    (FindingCode::MissingQualifications, "Kualifikasi Pelaksana"),
    (FindingCode::MissingRelatedSops, "Keterkaitan"),
    (FindingCode::MissingEquipment, "Peralatan/Perlengkapan"),
    (FindingCode::MissingWarnings, "Peringatan"),
    (FindingCode::MissingRecords, "Pencatatan dan Pendataan"),
];

/// Collects findings, dropping codes the rules switch off.
struct Out<'a> {
    rules: &'a Rules,
    list: Vec<Finding>,
}

impl Out<'_> {
    fn push(&mut self, code: FindingCode, step: Option<u32>, message: String) {
        if let Some(severity) = self.rules.findings.severity(code) {
            self.list.push(Finding {
                code,
                severity,
                step,
                message,
            });
        }
    }
}

/// True when `s` holds non-blank text.
pub fn present(s: Option<&str>) -> bool {
    s.is_some_and(|t| !t.trim().is_empty())
}

/// True when a list holds at least one non-blank item.
pub fn present_list(items: &[String]) -> bool {
    items.iter().any(|t| !t.trim().is_empty())
}

/// True when the SOP names who approved it (name or position).
pub fn approval_present(sop: &Sop) -> bool {
    sop.identity
        .approved_by
        .as_ref()
        .is_some_and(|a| present(a.name.as_deref()) || present(a.position.as_deref()))
}

/// Presence of the ten mandatory identity fields that have a `missing-*` code, in the
/// order number, title, legal basis, approval, effective date, qualifications, related
/// SOPs, equipment, warnings, records.
pub fn identity_presence(sop: &Sop) -> [bool; 10] {
    let id = &sop.identity;
    [
        present(id.number.as_deref()),
        present(id.title.as_deref()),
        present_list(&id.legal_basis),
        approval_present(sop),
        present(id.effective.as_deref()),
        present_list(&id.qualifications),
        present_list(&id.related_sops),
        present_list(&id.equipment),
        present_list(&id.warnings),
        present_list(&id.records),
    ]
}

/// The findings of one SOP, by the rules' codes, severities and thresholds.
///
/// `number-collision` needs every SOP of the run and is added by
/// [`cross_findings`](super::cross_findings).
pub fn check(sop: &Sop, rules: &Rules) -> Vec<Finding> {
    let mut out = Out {
        rules,
        list: Vec::new(),
    };
    for f in sop
        .findings
        .iter()
        .filter(|f| super::policy::READING_CODES.contains(&f.code))
    {
        out.push(f.code, f.step, f.message.clone());
    }
    check_identity(sop, &mut out);
    check_dates(sop, &mut out);
    check_procedure(sop, &mut out);
    out.list
}

fn check_identity(sop: &Sop, out: &mut Out<'_>) {
    let id = &sop.identity;
    if !present(id.number.as_deref()) {
        out.push(
            FindingCode::MissingNumber,
            None,
            "Nomor SOP belum diisi; isi Nomor SOP sesuai penomoran naskah dinas.".into(),
        );
    }
    if !present(id.title.as_deref()) {
        out.push(
            FindingCode::MissingTitle,
            None,
            "Nama SOP belum diisi; tuliskan nama prosedur pada halaman identitas.".into(),
        );
    }
    if !approval_present(sop) {
        out.push(
            FindingCode::MissingApproval,
            None,
            "Pengesahan (Disahkan oleh: jabatan, nama, NIP) belum diisi.".into(),
        );
    }
    if !present(id.effective.as_deref()) {
        out.push(
            FindingCode::MissingEffectiveDate,
            None,
            "Tanggal Efektif belum diisi; cantumkan tanggal mulai berlakunya SOP.".into(),
        );
    }
    let lists = [
        &id.legal_basis,
        &id.qualifications,
        &id.related_sops,
        &id.equipment,
        &id.warnings,
        &id.records,
    ];
    for ((code, label), items) in LIST_FIELDS.iter().zip(lists) {
        if !present_list(items) {
            out.push(
                *code,
                None,
                format!("Bagian \"{label}\" pada halaman identitas SOP belum diisi."),
            );
        }
    }
}

fn check_dates(sop: &Sop, out: &mut Out<'_>) {
    let id = &sop.identity;
    let fr = &out.rules.findings;
    let as_of = fr.as_of;
    let earliest = Date {
        year: fr.earliest_year,
        month: 1,
        day: 1,
    };
    let fields = [
        ("Tanggal Pembuatan", id.created.as_deref()),
        ("Tanggal Revisi", id.revised.as_deref()),
        ("Tanggal Efektif", id.effective.as_deref()),
    ];
    let mut valid: [Option<Date>; 3] = [None; 3];
    for (i, (label, value)) in fields.iter().enumerate() {
        let Some(text) = value.filter(|t| !t.trim().is_empty()) else {
            continue;
        };
        match Date::parse_iso_partial(text) {
            Err(_) => out.push(
                FindingCode::InvalidDate,
                None,
                format!("{label} \"{text}\" bukan tanggal yang sah; tulis ulang tanggalnya."),
            ),
            Ok(d) if d > as_of => out.push(
                FindingCode::InvalidDate,
                None,
                format!("{label} {d} melewati tanggal acuan {as_of}; periksa kembali tanggalnya."),
            ),
            Ok(d) if d < earliest => out.push(
                FindingCode::InvalidDate,
                None,
                format!(
                    "{label} {d} lebih awal dari tahun {}; periksa kembali tanggalnya.",
                    fr.earliest_year
                ),
            ),
            Ok(d) => {
                if let Some(slot) = valid.get_mut(i) {
                    *slot = Some(d);
                }
            }
        }
    }
    let latest = valid
        .get(1..)
        .into_iter()
        .flatten()
        .flatten()
        .max()
        .copied();
    if let Some(latest) = latest {
        let limit = as_of.years_before(fr.review_years);
        if latest < limit {
            out.push(
                FindingCode::Stale,
                None,
                format!(
                    "SOP terakhir berlaku/direvisi {latest}, lebih dari {} tahun sebelum {as_of}; \
                     lakukan reviu dan revisi SOP.",
                    fr.review_years
                ),
            );
        }
    }
}

fn is_decision(step: &Step, rules: &Rules) -> bool {
    match step.symbol {
        Some(Symbol::Decision) => true,
        Some(_) => false,
        None => rules.vocab.is_decision(&step.activity),
    }
}

fn check_procedure(sop: &Sop, out: &mut Out<'_>) {
    let rules = out.rules;
    if sop.steps.is_empty() {
        out.push(
            FindingCode::NoSteps,
            None,
            "SOP tidak memiliki langkah kegiatan; lengkapi tabel prosedur (Kegiatan, \
             Pelaksana, Mutu Baku)."
                .into(),
        );
    }
    for step in &sop.steps {
        let n = step.no;
        if step.actors.iter().all(|a| a.trim().is_empty()) {
            out.push(
                FindingCode::StepWithoutActor,
                Some(n),
                format!("Langkah {n} belum memiliki pelaksana; tandai kolom pelaksananya."),
            );
        }
        if !present(step.time.as_deref()) {
            out.push(
                FindingCode::StepWithoutTime,
                Some(n),
                format!("Langkah {n} belum memiliki mutu baku waktu."),
            );
        }
        if !present(step.output.as_deref()) {
            out.push(
                FindingCode::StepWithoutOutput,
                Some(n),
                format!("Langkah {n} belum memiliki mutu baku output."),
            );
        }
        if is_decision(step, rules)
            && step.if_yes.is_none()
            && step.if_no.is_none()
            && step.next.len() < 2
        {
            out.push(
                FindingCode::DecisionWithoutBranches,
                Some(n),
                format!(
                    "Langkah {n} adalah keputusan tetapi belum menunjukkan langkah lanjutan \
                     untuk \"Ya\" dan \"Tidak\"."
                ),
            );
        }
    }
    check_terminators(sop, out);
    check_actors(sop, out);
}

fn check_terminators(sop: &Sop, out: &mut Out<'_>) {
    if !sop.steps.iter().any(|s| s.symbol.is_some()) {
        return;
    }
    let Some(first) = sop.steps.first() else {
        return;
    };
    if first.symbol != Some(Symbol::Terminator) {
        out.push(
            FindingCode::MissingStart,
            Some(first.no),
            format!(
                "Langkah {} (awal prosedur) tidak digambar dengan simbol terminator (mulai).",
                first.no
            ),
        );
    }
    let last_index = sop.steps.len() - 1;
    let has_end = sop.steps.iter().enumerate().skip(1).any(|(i, s)| {
        s.symbol == Some(Symbol::Terminator) && (i == last_index || s.next.is_empty())
    }) || (sop.steps.len() == 1 && first.symbol == Some(Symbol::Terminator));
    if !has_end {
        let last = sop.steps.last().map(|s| s.no);
        out.push(
            FindingCode::MissingEnd,
            last,
            "Prosedur tidak diakhiri simbol terminator (selesai); gambarkan akhir prosedur.".into(),
        );
    }
}

fn check_actors(sop: &Sop, out: &mut Out<'_>) {
    let rules = out.rules;
    let mut seen = std::collections::HashSet::new();
    let all = sop
        .actors
        .iter()
        .chain(sop.steps.iter().flat_map(|s| s.actors.iter()));
    for actor in all {
        let a = actor.trim();
        if a.is_empty() || !seen.insert(a) {
            continue;
        }
        if !rules.vocab.is_known_actor(a) {
            out.push(
                FindingCode::UnknownActor,
                None,
                format!(
                    "Pelaksana \"{a}\" tidak ada dalam daftar jabatan; periksa penulisannya \
                     atau tambahkan ke rules/actors.toml."
                ),
            );
        }
    }
    let max = rules.findings.max_actors;
    if sop.actors.len() > max {
        out.push(
            FindingCode::TooManyActors,
            None,
            format!(
                "SOP melibatkan {} pelaksana (lebih dari {max}); pertimbangkan memecah \
                 prosedur atau menggabungkan peran.",
                sop.actors.len()
            ),
        );
    }
}
