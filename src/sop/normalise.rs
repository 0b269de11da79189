//! Text helpers behind the vocabulary: word keys for actor names, compact keys for
//! labels and headers, bounded edit distance, title case, list numbers and calendar
//! arithmetic. They hold no vocabulary themselves; the words come from `rules/`.

/// Whitespace collapsed to single spaces, trimmed.
pub fn collapse_ws(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// One word of a name: as written and as a lookup key.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NameWord {
    /// The word as written, trailing `:`/`;`/`,` removed.
    pub raw: String,
    /// Lower case, dots, hyphens and apostrophes removed (`Ka.Bid` → `kabid`); `&`, `/`,
    /// `(` and `)` are words of their own with themselves as key.
    pub key: String,
}

/// Cuts a name into words: whitespace separates words, and `&`, `/`, `(`, `)` and `,`
/// stand alone (`,` is dropped). Words whose key is empty (a lone dot or dash) are
/// dropped.
pub fn name_words(s: &str) -> Vec<NameWord> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let flush = |cur: &mut String, out: &mut Vec<NameWord>| {
        if cur.is_empty() {
            return;
        }
        let raw = cur.trim_end_matches([':', ';', ',']).to_string();
        let key: String = raw
            .chars()
            .filter(|c| !matches!(c, '.' | '-' | '\'' | '’' | ':' | ';' | '"'))
            .flat_map(char::to_lowercase)
            .collect();
        if !key.is_empty() {
            out.push(NameWord { raw, key });
        }
        cur.clear();
    };
    for ch in s.chars() {
        match ch {
            c if c.is_whitespace() => flush(&mut cur, &mut out),
            '&' | '/' | '(' | ')' => {
                flush(&mut cur, &mut out);
                out.push(NameWord {
                    raw: ch.to_string(),
                    key: ch.to_string(),
                });
            }
            ',' => flush(&mut cur, &mut out),
            c => cur.push(c),
        }
    }
    flush(&mut cur, &mut out);
    out
}

/// The lookup key of a whole name: its words' keys joined by single spaces.
pub fn name_key(s: &str) -> String {
    name_words(s)
        .iter()
        .map(|w| w.key.as_str())
        .collect::<Vec<_>>()
        .join(" ")
}

/// A list marker at the start of a text (`1.`, `2)`, `a.`, `-`, `•`), removed.
pub fn strip_list_marker(s: &str) -> &str {
    let t = s.trim_start();
    if let Some(rest) = t.strip_prefix(['-', '•', '*', '–', '·', '▪', '◦']) {
        return rest.trim_start();
    }
    let digits = t.chars().take_while(char::is_ascii_digit).count();
    let letter = t.chars().next().is_some_and(|c| {
        c.is_ascii_alphabetic() && t.chars().nth(1).is_some_and(|d| d == '.' || d == ')')
    });
    let n = if (1..=3).contains(&digits) {
        digits
    } else if letter {
        1
    } else {
        return t;
    };
    match t.get(n..) {
        Some(rest) if rest.starts_with(['.', ')']) => rest.get(1..).unwrap_or("").trim_start(),
        _ => t,
    }
}

/// The compact key of a label or header: lower case, only letters and digits kept,
/// `folds` applied (each `(from, to)` in order; a fold from `&` reads the sign as a word,
/// `rules/labels.toml`), doubled letters written once. `"Tgl. Pembuatan :"` →
/// `tglpembuatan`; `"Kelengkapa n"` → `kelengkapan`.
pub fn compact_key(s: &str, folds: &[(String, String)]) -> String {
    let mut k = String::with_capacity(s.len());
    for ch in s.chars() {
        if ch == '&' || ch.is_alphanumeric() {
            k.extend(ch.to_lowercase());
        }
    }
    for (from, to) in folds {
        if !from.is_empty() && k.contains(from.as_str()) {
            k = k.replace(from.as_str(), to);
        }
    }
    let mut out = String::with_capacity(k.len());
    let mut prev: Option<char> = None;
    for ch in k.chars().filter(|c| c.is_alphanumeric()) {
        if Some(ch) == prev && ch.is_alphabetic() {
            continue;
        }
        out.push(ch);
        prev = Some(ch);
    }
    out
}

/// Levenshtein distance between `a` and `b` when it is at most `max`, else None.
/// Linear memory, stops early once every cell of a row exceeds `max`.
pub fn edit_distance_within(a: &str, b: &str, max: usize) -> Option<usize> {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    if a.len().abs_diff(b.len()) > max {
        return None;
    }
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    let mut cur = vec![0usize; b.len() + 1];
    for (i, ca) in a.iter().enumerate() {
        if let Some(c0) = cur.first_mut() {
            *c0 = i + 1;
        }
        let mut row_min = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let sub = prev.get(j).copied().unwrap_or(usize::MAX / 2) + usize::from(ca != cb);
            let del = prev.get(j + 1).copied().unwrap_or(usize::MAX / 2) + 1;
            let ins = cur.get(j).copied().unwrap_or(usize::MAX / 2) + 1;
            let v = sub.min(del).min(ins);
            if let Some(slot) = cur.get_mut(j + 1) {
                *slot = v;
            }
            row_min = row_min.min(v);
        }
        if row_min > max {
            return None;
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    prev.last().copied().filter(|d| *d <= max)
}

/// A word in title case (`KEPALA` → `Kepala`); a small word (`is_small`: "dan") in
/// lower case unless `first`.
pub fn title_case_word(w: &str, first: bool, is_small: impl Fn(&str) -> bool) -> String {
    let lower = w.to_lowercase();
    if !first && is_small(&lower) {
        return lower;
    }
    let mut cs = lower.chars();
    match cs.next() {
        Some(c) => c.to_uppercase().chain(cs).collect(),
        None => String::new(),
    }
}

/// True when every letter of `s` is upper case and it has at least two letters.
pub fn is_all_caps(s: &str) -> bool {
    let mut n = 0;
    for c in s.chars().filter(|c| c.is_alphabetic()) {
        if c.is_lowercase() {
            return false;
        }
        n += 1;
    }
    n >= 2
}

/// The step number a list item starts with (`1.`, `1)`, `(1)`, `1 .`) and the rest of
/// the text; None when the text does not start with a number of 1–3 digits followed by
/// `.` or `)`.
pub fn split_number(text: &str) -> Option<(u32, &str)> {
    let t = text.trim_start();
    let (t, paren) = match t.strip_prefix('(') {
        Some(r) => (r, true),
        None => (t, false),
    };
    let digits = t.chars().take_while(char::is_ascii_digit).count();
    if !(1..=3).contains(&digits) {
        return None;
    }
    let n: u32 = t.get(..digits)?.parse().ok()?;
    let rest = t.get(digits..)?.trim_start();
    let rest = if paren {
        rest.strip_prefix(')')?
    } else {
        rest.strip_prefix(['.', ')'])?
    };
    // "1.5 jam" is a number, not an item.
    if rest.starts_with(|c: char| c.is_ascii_digit()) {
        return None;
    }
    Some((n, rest.trim()))
}

/// Days in `month` (1–12) of `year`, or 0 for a month out of range.
pub fn days_in_month(year: i32, month: u32) -> u32 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        2 => 28,
        _ => 0,
    }
}

/// `YYYY-MM-DD` for a valid calendar date, else None.
pub fn iso_date(year: i32, month: u32, day: u32) -> Option<String> {
    if !(1900..=2199).contains(&year) || day == 0 || day > days_in_month(year, month) {
        return None;
    }
    Some(format!("{year:04}-{month:02}-{day:02}"))
}

/// The ISO date of an Excel date serial (days since 1899-12-30, the 1900 date system);
/// None outside 1900–2199.
pub fn excel_serial_date(serial: f64) -> Option<String> {
    if !serial.is_finite() || !(1.0..=110_000.0).contains(&serial) {
        return None;
    }
    // Days since 1970-01-01 (serial 25569), then the civil-from-days algorithm.
    let days = serial.floor() as i64 - 25_569;
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    iso_date(
        i32::try_from(y).ok()?,
        u32::try_from(m).ok()?,
        u32::try_from(d).ok()?,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn name_words_keys() {
        let w = name_words("Ka.Sub.Bag Umum & Kepeg.");
        let keys: Vec<&str> = w.iter().map(|w| w.key.as_str()).collect();
        assert_eq!(keys, vec!["kasubbag", "umum", "&", "kepeg"]);
        assert_eq!(name_key("Pelaksana/Staf"), "pelaksana / staf");
        assert_eq!(name_key("K-BUD"), "kbud");
    }

    #[test]
    fn compact_keys_fold_and_join() {
        let folds = vec![("c".to_string(), "k".to_string())];
        assert_eq!(compact_key("Tgl. Pembuatan :", &folds), "tglpembuatan");
        assert_eq!(compact_key("Kelengkapa n", &folds), "kelengkapan");
        assert_eq!(
            compact_key("Tangal", &folds),
            compact_key("Tanggal", &folds)
        );
        // the sign is read as a word only through a fold (the rules' vocabulary)
        let and = vec![("&".to_string(), "and".to_string())];
        assert_eq!(
            compact_key("Pencatatan & Pendataan", &and),
            "pencatatanandpendatan"
        );
        assert_eq!(
            compact_key("Pencatatan & Pendataan", &[]),
            "pencatatanpendatan"
        );
    }

    #[test]
    fn edit_distance_bounds() {
        assert_eq!(
            edit_distance_within("kualifiksi", "kualifikasi", 2),
            Some(1)
        );
        assert_eq!(
            edit_distance_within("kepala badan", "kepala bidang", 1),
            None
        );
        assert_eq!(edit_distance_within("abc", "abc", 0), Some(0));
    }

    #[test]
    fn numbers_and_markers() {
        assert_eq!(
            split_number("12. Staf menerima"),
            Some((12, "Staf menerima"))
        );
        assert_eq!(
            split_number("3) Kadis menandatangani"),
            Some((3, "Kadis menandatangani"))
        );
        assert_eq!(split_number("(4) Camat"), Some((4, "Camat")));
        assert_eq!(split_number("1.5 jam"), None);
        assert_eq!(split_number("2019 laporan"), None);
        assert_eq!(strip_list_marker("1. Dasar Hukum"), "Dasar Hukum");
        assert_eq!(strip_list_marker("a. Komputer"), "Komputer");
        assert_eq!(strip_list_marker("- Printer"), "Printer");
        assert_eq!(strip_list_marker("Nomor SOP"), "Nomor SOP");
    }

    #[test]
    fn calendar() {
        assert_eq!(excel_serial_date(43467.0).as_deref(), Some("2019-01-02"));
        assert_eq!(excel_serial_date(44197.0).as_deref(), Some("2021-01-01"));
        assert_eq!(iso_date(2019, 2, 29), None);
        assert_eq!(iso_date(2020, 2, 29).as_deref(), Some("2020-02-29"));
    }

    #[test]
    fn title_case() {
        let small = |w: &str| w == "dan";
        assert_eq!(title_case_word("KEPALA", true, small), "Kepala");
        assert_eq!(title_case_word("DAN", false, small), "dan");
        assert_eq!(title_case_word("DAN", true, small), "Dan");
        assert!(is_all_caps("PRAMU BAKTI"));
        assert!(!is_all_caps("Pramu BAKTI"));
    }
}
