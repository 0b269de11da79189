//! Time in minutes of work: amounts, units, ranges, fractions, spelled-out numbers and
//! working days, from `rules/time.toml`.

use std::collections::HashMap;

use super::files::{TimeFile, invalid};
use crate::rules::RulesError;

/// A time unit: minutes per unit, and whether it is the hour (for "N x 24 jam").
#[derive(Clone, Copy, Debug)]
pub(super) struct Unit {
    pub(super) minutes: f64,
    pub(super) hour: bool,
}

/// A word class of a Waktu text.
#[derive(Clone, Copy, Debug)]
pub(super) enum TimeWord {
    Unit(Unit),
    Number(f64),
    Range,
    Times,
    Skip,
}

/// The largest time read as minutes (about 90 years of working days); more is a misread.
pub(super) const MAX_MINUTES: f64 = 10_000_000.0;

/// The time vocabulary, precomputed.
#[derive(Debug, Default)]
pub(super) struct TimeVocab {
    pub(super) workday: f64,
    pub(super) calendar_day_hours: f64,
    pub(super) one_prefix: String,
    /// Phrase (words joined by spaces) → class.
    pub(super) phrases: HashMap<String, TimeWord>,
    pub(super) max_phrase: usize,
    pub(super) months: HashMap<String, u32>,
}

/// A token of a Waktu text.
#[derive(Clone, Debug)]
pub(super) enum TimeTok {
    Num(f64),
    Word(String),
    Dash,
    Sep,
}

impl TimeVocab {
    pub(super) fn build(f: TimeFile) -> Result<Self, RulesError> {
        let workday = f.workday_minutes.unwrap_or(450.0);
        if !(workday.is_finite() && workday > 0.0) {
            return Err(invalid("time.toml", "workday_minutes must be > 0".into()));
        }
        let mut v = TimeVocab {
            workday,
            calendar_day_hours: f.calendar_day_hours.max(0.0),
            one_prefix: f.one_prefix.to_lowercase(),
            ..TimeVocab::default()
        };
        let add = |v: &mut TimeVocab, w: &str, class: TimeWord| {
            let k = time_phrase_key(w);
            if !k.is_empty() {
                v.max_phrase = v.max_phrase.max(k.split(' ').count());
                v.phrases.insert(k, class);
            }
        };
        for u in &f.units {
            let minutes = match (u.minutes, u.workdays) {
                (Some(m), None) => m,
                (None, Some(d)) => d * workday,
                _ => {
                    return Err(invalid(
                        "time.toml",
                        format!(
                            "unit {:?}: give exactly one of `minutes` or `workdays`",
                            u.words
                        ),
                    ));
                }
            };
            if !(minutes.is_finite() && minutes >= 0.0) {
                return Err(invalid(
                    "time.toml",
                    format!("unit {:?}: bad amount", u.words),
                ));
            }
            let unit = Unit {
                minutes,
                hour: (minutes - 60.0).abs() < f64::EPSILON,
            };
            for w in &u.words {
                add(&mut v, w, TimeWord::Unit(unit));
            }
        }
        for w in &f.approximate {
            add(&mut v, w, TimeWord::Skip);
        }
        for w in &f.range {
            add(&mut v, w, TimeWord::Range);
        }
        for w in &f.times {
            add(&mut v, w, TimeWord::Times);
        }
        for (w, n) in &f.numbers {
            add(&mut v, w, TimeWord::Number(*n));
        }
        for (m, n) in &f.months {
            if !(1..=12).contains(n) {
                return Err(invalid("time.toml", format!("month {m:?} = {n}: not 1-12")));
            }
            v.months
                .insert(m.to_lowercase().trim_end_matches('.').to_string(), *n);
        }
        Ok(v)
    }

    /// The class of the phrase `words` (already keyed), if any.
    pub(super) fn class(&self, words: &str) -> Option<TimeWord> {
        if let Some(c) = self.phrases.get(words) {
            return Some(*c);
        }
        None
    }

    pub(super) fn minutes(&self, text: &str) -> Option<f64> {
        // "1 hari (7,5 jam)": a parenthesis restating the time is not added to it.
        if text.contains('(') {
            let mut outside = String::with_capacity(text.len());
            let mut depth = 0usize;
            for ch in text.chars() {
                match ch {
                    '(' => depth += 1,
                    ')' => depth = depth.saturating_sub(1),
                    c if depth == 0 => outside.push(c),
                    _ => outside.push(' '),
                }
            }
            if let Some(m) = self.minutes_of(&outside) {
                return Some(m);
            }
        }
        self.minutes_of(text)
    }

    pub(super) fn minutes_of(&self, text: &str) -> Option<f64> {
        let toks = time_tokens(text);
        // Classify: numbers, units, ranges, multipliers.
        let mut items: Vec<TimeWord> = Vec::with_capacity(toks.len());
        let mut i = 0;
        while i < toks.len() {
            match toks.get(i) {
                Some(TimeTok::Num(n)) => {
                    items.push(TimeWord::Number(*n));
                    i += 1;
                }
                Some(TimeTok::Dash) => {
                    items.push(TimeWord::Range);
                    i += 1;
                }
                Some(TimeTok::Sep) => i += 1,
                Some(TimeTok::Word(_)) => {
                    // Longest phrase of consecutive words.
                    let mut words: Vec<&str> = Vec::new();
                    while let Some(TimeTok::Word(w)) = toks.get(i + words.len()) {
                        if words.len() >= self.max_phrase.max(1) {
                            break;
                        }
                        words.push(w);
                    }
                    let mut hit = None;
                    for n in (1..=words.len()).rev() {
                        let k = words.get(..n).map(|p| p.join(" ")).unwrap_or_default();
                        if let Some(c) = self.class(&k) {
                            hit = Some((n, c));
                            break;
                        }
                    }
                    match hit {
                        Some((n, c)) => {
                            items.push(c);
                            i += n;
                        }
                        None => {
                            // "sehari", "seminggu": one of a unit.
                            let w = words.first().copied().unwrap_or("");
                            let one = (!self.one_prefix.is_empty())
                                .then(|| w.strip_prefix(self.one_prefix.as_str()))
                                .flatten()
                                .and_then(|rest| self.class(rest));
                            if let Some(TimeWord::Unit(u)) = one {
                                items.push(TimeWord::Number(1.0));
                                items.push(TimeWord::Unit(u));
                            }
                            i += 1;
                        }
                    }
                }
                None => break,
            }
        }
        self.evaluate(&items)
    }

    /// Sums amount × unit pairs on each side of a range; the largest side wins.
    pub(super) fn evaluate(&self, items: &[TimeWord]) -> Option<f64> {
        #[derive(Default)]
        struct Side {
            total: f64,
            has_unit: bool,
            pending: Option<f64>,
            mult: Option<f64>,
            bare: Option<f64>,
            first_unit: Option<Unit>,
        }
        let mut sides: Vec<Side> = vec![Side::default()];
        for it in items {
            let Some(side) = sides.last_mut() else { break };
            match *it {
                TimeWord::Number(n) => {
                    if side.pending.is_none() {
                        side.pending = Some(n);
                    }
                }
                TimeWord::Times => {
                    if let Some(p) = side.pending.take() {
                        side.mult = Some(p);
                    }
                }
                TimeWord::Unit(u) => {
                    if side.first_unit.is_none() {
                        side.first_unit = Some(u);
                    }
                    if let Some(amount) = side.pending.take() {
                        let mult = side.mult.take().unwrap_or(1.0);
                        side.total += self.amount_minutes(amount, u) * mult;
                        side.has_unit = true;
                    }
                }
                TimeWord::Range => {
                    side.bare = side.pending.take();
                    sides.push(Side::default());
                }
                TimeWord::Skip => {}
            }
        }
        if let Some(last) = sides.last_mut() {
            last.bare = last.pending.take();
        }
        let mut best: Option<f64> = None;
        for (i, s) in sides.iter().enumerate() {
            let value = if s.has_unit {
                Some(s.total)
            } else if let Some(n) = s.bare {
                // "10-15 menit": a bare amount takes the next side's unit.
                sides
                    .get(i + 1..)
                    .and_then(|rest| rest.iter().find_map(|r| r.first_unit))
                    .map(|u| self.amount_minutes(n, u))
            } else {
                None
            };
            if let Some(v) = value {
                best = Some(best.map_or(v, |b: f64| b.max(v)));
            }
        }
        // Beyond any working time a step could take: a misread, not a time.
        best.filter(|v| v.is_finite() && *v <= MAX_MINUTES)
            .map(|v| (v * 1000.0).round() / 1000.0)
    }

    /// `amount` of unit `u` in minutes; whole multiples of a calendar day of hours are
    /// working days.
    pub(super) fn amount_minutes(&self, amount: f64, u: Unit) -> f64 {
        let cal = self.calendar_day_hours;
        if u.hour && cal > 0.0 && amount >= cal && (amount / cal).fract() == 0.0 {
            return amount / cal * self.workday;
        }
        amount * u.minutes
    }
}

/// The key of a time phrase from the rules: lower case, words split as in Waktu texts.
pub(super) fn time_phrase_key(s: &str) -> String {
    let toks = time_tokens(s);
    let words: Vec<String> = toks
        .into_iter()
        .filter_map(|t| match t {
            TimeTok::Word(w) => Some(w),
            _ => None,
        })
        .collect();
    if words.is_empty() {
        // A rule made only of punctuation ("+/-", "-") keys on itself.
        return s.trim().to_lowercase();
    }
    words.join(" ")
}

/// Cuts a Waktu text into numbers, words, range dashes and separators. Parenthesised
/// text without a digit (a number spelled out: "2 (dua) hari") is dropped; `s/d` and
/// `s.d.` become the word `sd`; a comma between digits is a decimal point; ½ ¼ ¾ are
/// fractions; `'` `’` `′` are words (minutes).
pub(super) fn time_tokens(text: &str) -> Vec<TimeTok> {
    let lower = text
        .to_lowercase()
        .replace("s/d", " sd ")
        .replace("s.d.", " sd ")
        .replace("s.d", " sd ")
        .replace("+/-", " ± ");
    let chars: Vec<char> = lower.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    let frac = |c: char| match c {
        '½' => Some(0.5),
        '¼' => Some(0.25),
        '¾' => Some(0.75),
        _ => None,
    };
    // For every position: the next ')' at or after it, and digits seen before it; one
    // pass each, so parenthesised groups are skipped in linear time.
    let mut next_close: Vec<Option<usize>> = vec![None; chars.len() + 1];
    for k in (0..chars.len()).rev() {
        let here = (chars.get(k) == Some(&')')).then_some(k);
        let after = next_close.get(k + 1).copied().flatten();
        if let Some(slot) = next_close.get_mut(k) {
            *slot = here.or(after);
        }
    }
    let mut digits_before: Vec<usize> = Vec::with_capacity(chars.len() + 1);
    digits_before.push(0);
    for c in &chars {
        let last = digits_before.last().copied().unwrap_or(0);
        digits_before.push(last + usize::from(c.is_ascii_digit()));
    }
    while let Some(&c) = chars.get(i) {
        if c == '(' {
            // Skip a parenthesised group without digits.
            if let Some(end) = next_close.get(i).copied().flatten() {
                let digits = digits_before
                    .get(end)
                    .zip(digits_before.get(i + 1))
                    .map_or(1, |(a, b)| a.saturating_sub(*b));
                if digits == 0 {
                    i = end + 1;
                    continue;
                }
            }
            out.push(TimeTok::Sep);
            i += 1;
        } else if c.is_ascii_digit() {
            let mut s = String::new();
            while let Some(&d) = chars.get(i) {
                if d.is_ascii_digit() {
                    s.push(d);
                    i += 1;
                } else if (d == '.' || d == ',')
                    && chars.get(i + 1).is_some_and(char::is_ascii_digit)
                    && !s.contains('.')
                {
                    s.push('.');
                    i += 1;
                } else {
                    break;
                }
            }
            let mut n: f64 = s.parse().unwrap_or(0.0);
            if let Some(f) = chars.get(i).and_then(|&x| frac(x)) {
                n += f;
                i += 1;
            }
            // "1/2 jam", "1 1/2 jam": a fraction with a slash.
            if chars.get(i) == Some(&'/') {
                let den: String = chars
                    .get(i + 1..)
                    .unwrap_or(&[])
                    .iter()
                    .take_while(|c| c.is_ascii_digit())
                    .collect();
                let after = chars.get(i + 1 + den.len()).copied();
                if let Ok(d) = den.parse::<f64>()
                    && d > 0.0
                    && after != Some('/')
                {
                    let f = n / d;
                    i += 1 + den.len();
                    if f < 1.0
                        && let Some(TimeTok::Num(prev)) = out.last_mut()
                        && prev.fract() == 0.0
                    {
                        *prev += f;
                        continue;
                    }
                    out.push(TimeTok::Num(f));
                    continue;
                }
            }
            out.push(TimeTok::Num(n));
        } else if let Some(f) = frac(c) {
            out.push(TimeTok::Num(f));
            i += 1;
        } else if c.is_alphabetic() {
            let mut w = String::new();
            while let Some(&d) = chars.get(i) {
                let hyphen_inside = d == '-'
                    && !w.is_empty()
                    && chars.get(i + 1).is_some_and(|x| x.is_alphabetic());
                if d.is_alphabetic() || hyphen_inside {
                    w.push(d);
                    i += 1;
                } else {
                    break;
                }
            }
            if chars.get(i) == Some(&'.') {
                i += 1;
            }
            out.push(TimeTok::Word(w));
        } else if matches!(c, '\'' | '’' | '′' | '±' | '×' | '→') {
            out.push(TimeTok::Word(c.to_string()));
            i += 1;
        } else if matches!(c, '-' | '–' | '—' | '~') {
            out.push(TimeTok::Dash);
            i += 1;
        } else if c.is_whitespace() {
            i += 1;
        } else {
            out.push(TimeTok::Sep);
            i += 1;
        }
    }
    out
}
