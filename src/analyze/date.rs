//! A calendar date without a time zone, for the date checks of findings (`invalid-date`,
//! `stale`) and the as-of date of a run.
//!
//! The records hold dates as ISO `YYYY-MM-DD` strings; this type reads them strictly
//! (a real day of a real month) and compares them. No dependency: the proleptic
//! Gregorian day count is a few lines.

use std::fmt;
use std::str::FromStr;

/// A calendar date (proleptic Gregorian).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    /// Year, e.g. 2019.
    pub year: i32,
    /// Month, 1–12.
    pub month: u32,
    /// Day of the month, 1–31.
    pub day: u32,
}

/// Text that is not an ISO date of a real day.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("not an ISO date YYYY-MM-DD of a real day: {0:?}")]
pub struct DateError(pub String);

impl Date {
    /// The date if `year-month-day` is a real day.
    pub fn new(year: i32, month: u32, day: u32) -> Option<Date> {
        if !(1..=12).contains(&month) || day == 0 || day > days_in_month(year, month) {
            return None;
        }
        Some(Date { year, month, day })
    }

    /// Reads exactly `YYYY-MM-DD` (four-digit year, two-digit month and day).
    pub fn parse_iso(text: &str) -> Result<Date, DateError> {
        let bad = || DateError(text.to_string());
        let t = text.trim();
        let mut parts = t.split('-');
        let (Some(y), Some(m), Some(d), None) =
            (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return Err(bad());
        };
        let digits = |s: &str, n: usize| s.len() == n && s.bytes().all(|b| b.is_ascii_digit());
        if !digits(y, 4) || !digits(m, 2) || !digits(d, 2) {
            return Err(bad());
        }
        let year: i32 = y.parse().map_err(|_| bad())?;
        let month: u32 = m.parse().map_err(|_| bad())?;
        let day: u32 = d.parse().map_err(|_| bad())?;
        Date::new(year, month, day).ok_or_else(bad)
    }

    /// Reads `YYYY-MM-DD`, or a date the document gave without its day or month
    /// (`YYYY-MM`, `YYYY`: SPEC), as the first day of that month or year.
    pub fn parse_iso_partial(text: &str) -> Result<Date, DateError> {
        let t = text.trim();
        let digits = |s: &str, n: usize| s.len() == n && s.bytes().all(|b| b.is_ascii_digit());
        match t.split('-').collect::<Vec<_>>().as_slice() {
            [y, m] if digits(y, 4) && digits(m, 2) => Date::parse_iso(&format!("{t}-01")),
            [y] if digits(y, 4) => Date::parse_iso(&format!("{t}-01-01")),
            _ => Date::parse_iso(t),
        }
    }

    /// Today's date in UTC, from the system clock.
    pub fn today() -> Date {
        let secs = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_secs())
            .unwrap_or(0);
        Date::from_days((secs / 86_400) as i64)
    }

    /// Days since 1970-01-01 (negative before).
    pub fn days(self) -> i64 {
        // Howard Hinnant's days_from_civil.
        let y = i64::from(self.year) - i64::from(self.month <= 2);
        let era = y.div_euclid(400);
        let yoe = y - era * 400;
        let m = i64::from(self.month);
        let mp = if m > 2 { m - 3 } else { m + 9 };
        let doy = (153 * mp + 2) / 5 + i64::from(self.day) - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        era * 146_097 + doe - 719_468
    }

    /// The date `days` days after 1970-01-01.
    pub fn from_days(days: i64) -> Date {
        // Howard Hinnant's civil_from_days.
        let z = days + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z - era * 146_097;
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
        let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
        let year = (yoe + era * 400 + i64::from(month <= 2)) as i32;
        Date { year, month, day }
    }

    /// The same day `years` years earlier (29 February becomes 28 February).
    pub fn years_before(self, years: u32) -> Date {
        let year = self.year.saturating_sub(years as i32);
        let day = self.day.min(days_in_month(year, self.month));
        Date {
            year,
            month: self.month,
            day,
        }
    }
}

impl FromStr for Date {
    type Err = DateError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Date::parse_iso(s)
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

fn is_leap(year: i32) -> bool {
    (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
}

fn days_in_month(year: i32, month: u32) -> u32 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if is_leap(year) => 29,
        2 => 28,
        _ => 0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_real_days_only() {
        assert_eq!(
            Date::parse_iso("2019-02-01").unwrap(),
            Date::new(2019, 2, 1).unwrap()
        );
        assert!(Date::parse_iso("2019-02-29").is_err());
        assert!(Date::parse_iso("2020-02-29").is_ok());
        assert!(Date::parse_iso("2019-13-01").is_err());
        assert!(Date::parse_iso("19-02-01").is_err());
        assert!(Date::parse_iso("01-02-2019").is_err());
        assert!(Date::parse_iso("2019-2-1").is_err());
    }

    #[test]
    fn day_count_round_trips() {
        let d = Date::new(1970, 1, 1).unwrap();
        assert_eq!(d.days(), 0);
        for n in [-800_000_i64, -1, 0, 1, 10_957, 19_000, 20_000, 60_000] {
            assert_eq!(Date::from_days(n).days(), n);
        }
        assert_eq!(Date::new(2000, 3, 1).unwrap().days(), 11_017);
    }

    #[test]
    fn years_before_clamps_leap_day() {
        let d = Date::new(2024, 2, 29).unwrap();
        assert_eq!(d.years_before(3).to_string(), "2021-02-28");
        assert_eq!(d.years_before(4).to_string(), "2020-02-29");
    }
}
