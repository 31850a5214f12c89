//! Calendar dates as documents print them: `YYMMDD` in an MRZ, `YYYY.MM.DD`
//! on a Chinese resident ID. No clock: "today" is always an argument.

use serde::{Serialize, Serializer};
use std::fmt;

/// A day of the Gregorian calendar.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    pub year: i32,
    pub month: u32,
    pub day: u32,
}

impl Date {
    /// The date, or `None` when it does not exist (month 13, 30 February).
    pub fn new(year: i32, month: u32, day: u32) -> Option<Date> {
        if !(1..=12).contains(&month) || day == 0 || day > days_in_month(year, month) {
            return None;
        }
        Some(Date { year, month, day })
    }

    /// `YYYY-MM-DD`.
    pub fn parse_iso(s: &str) -> Option<Date> {
        let mut it = s.trim().splitn(3, '-');
        let y = it.next()?.parse().ok()?;
        let m = it.next()?.parse().ok()?;
        let d = it.next()?.parse().ok()?;
        Date::new(y, m, d)
    }

    /// The same day `months` later (or earlier when negative), clamped to the
    /// last day of a shorter month (31 August + 6 months = 28/29 February).
    pub fn add_months(self, months: i32) -> Date {
        let total = self.year * 12 + self.month as i32 - 1 + months;
        let year = total.div_euclid(12);
        let month = total.rem_euclid(12) as u32 + 1;
        let day = self.day.min(days_in_month(year, month));
        Date { year, month, day }
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

impl Serialize for Date {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

fn is_leap(y: i32) -> bool {
    (y % 4 == 0 && y % 100 != 0) || y % 400 == 0
}

fn days_in_month(y: i32, m: u32) -> u32 {
    match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if is_leap(y) => 29,
        2 => 28,
        _ => 0,
    }
}

/// What an MRZ date is, which decides its century.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DateKind {
    /// Never in the future: `YY` after this year's is last century.
    Birth,
    /// Documents run at most a few decades: `YY` more than
    /// [`EXPIRY_MAX_YEARS_AHEAD`] years ahead of today is last century.
    Expiry,
}

/// How far ahead an expiry date may lie before its two-digit year is read as
/// last century's. Passports run 10 years, some ID cards 15, a Chinese card
/// for people over 46 "long term"; 50 leaves room for all of them and reads
/// a visa's `97` as 1997, not 2097.
pub const EXPIRY_MAX_YEARS_AHEAD: i32 = 50;

/// `YYMMDD` as an MRZ writes it; `None` unless six digits of an existing day.
pub fn parse_yymmdd(s: &str, kind: DateKind, today: Date) -> Option<Date> {
    let b = s.as_bytes();
    if b.len() != 6 || !b.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let n = |i: usize| (b[i] - b'0') as i32 * 10 + (b[i + 1] - b'0') as i32;
    let (yy, mm, dd) = (n(0), n(2) as u32, n(4) as u32);
    let this_century = today.year - today.year.rem_euclid(100);
    let mut year = this_century + yy;
    match kind {
        DateKind::Birth => {
            let d = Date::new(year, mm, dd)?;
            if d > today {
                year -= 100;
            }
        }
        DateKind::Expiry => {
            if year > today.year + EXPIRY_MAX_YEARS_AHEAD {
                year -= 100;
            } else if year < today.year - (100 - EXPIRY_MAX_YEARS_AHEAD) {
                year += 100;
            }
        }
    }
    Date::new(year, mm, dd)
}

/// Whether a document is still good on `today`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ExpiryStatus {
    Valid,
    /// Valid today but not [`EXPIRES_SOON_MONTHS`] from now.
    ExpiresSoon,
    /// The expiry date is before today (a document is valid through its
    /// expiry day).
    Expired,
}

/// Months of validity below which a document "expires soon": many KYC
/// services, and most visa and entry rules, refuse a document with less
/// than six months left.
pub const EXPIRES_SOON_MONTHS: i32 = 6;

pub fn expiry_status(expiry: Date, today: Date) -> ExpiryStatus {
    if expiry < today {
        ExpiryStatus::Expired
    } else if expiry < today.add_months(EXPIRES_SOON_MONTHS) {
        ExpiryStatus::ExpiresSoon
    } else {
        ExpiryStatus::Valid
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> Date {
        Date::new(y, m, day).expect("a real date")
    }

    #[test]
    fn dates_exist_or_not() {
        assert!(Date::new(2024, 2, 29).is_some());
        assert!(Date::new(2023, 2, 29).is_none());
        assert!(Date::new(1900, 2, 29).is_none());
        assert!(Date::new(2000, 2, 29).is_some());
        assert!(Date::new(2026, 13, 1).is_none());
        assert!(Date::new(2026, 4, 31).is_none());
        assert_eq!(Date::parse_iso("2026-12-02"), Some(d(2026, 12, 2)));
        assert_eq!(Date::parse_iso("2026-02-30"), None);
        assert_eq!(d(2012, 4, 15).to_string(), "2012-04-15");
    }

    #[test]
    fn months_are_added_with_clamping() {
        assert_eq!(d(2026, 12, 2).add_months(6), d(2027, 6, 2));
        assert_eq!(d(2026, 8, 31).add_months(6), d(2027, 2, 28));
        assert_eq!(d(2027, 8, 31).add_months(6), d(2028, 2, 29));
        assert_eq!(d(2026, 1, 15).add_months(-2), d(2025, 11, 15));
    }

    #[test]
    fn two_digit_years_get_their_century() {
        let today = d(2026, 12, 2);
        assert_eq!(
            parse_yymmdd("740812", DateKind::Birth, today),
            Some(d(1974, 8, 12))
        );
        assert_eq!(
            parse_yymmdd("190101", DateKind::Birth, today),
            Some(d(2019, 1, 1))
        );
        // Born later this month than today: last century.
        assert_eq!(
            parse_yymmdd("261203", DateKind::Birth, today),
            Some(d(1926, 12, 3))
        );
        assert_eq!(
            parse_yymmdd("120415", DateKind::Expiry, today),
            Some(d(2012, 4, 15))
        );
        assert_eq!(
            parse_yymmdd("970801", DateKind::Expiry, today),
            Some(d(1997, 8, 1))
        );
        assert_eq!(
            parse_yymmdd("360101", DateKind::Expiry, today),
            Some(d(2036, 1, 1))
        );
        assert_eq!(parse_yymmdd("7408I2", DateKind::Birth, today), None);
        assert_eq!(parse_yymmdd("741312", DateKind::Birth, today), None);
        assert_eq!(parse_yymmdd("74081", DateKind::Birth, today), None);
    }

    #[test]
    fn expiry_codes() {
        let today = d(2026, 12, 2);
        assert_eq!(expiry_status(d(2012, 4, 15), today), ExpiryStatus::Expired);
        assert_eq!(expiry_status(d(2026, 12, 1), today), ExpiryStatus::Expired);
        assert_eq!(
            expiry_status(d(2026, 12, 2), today),
            ExpiryStatus::ExpiresSoon
        );
        assert_eq!(
            expiry_status(d(2027, 6, 1), today),
            ExpiryStatus::ExpiresSoon
        );
        assert_eq!(expiry_status(d(2027, 6, 2), today), ExpiryStatus::Valid);
        assert_eq!(expiry_status(d(2031, 1, 1), today), ExpiryStatus::Valid);
    }
}
