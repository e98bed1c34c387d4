//! Calendar quarters (`2026Q1`): parsing, display and arithmetic.
//!
//! Owns the one place where a quarter string becomes a number, so every
//! module agrees on what `2026Q1` means and on how quarters are counted.

use std::fmt;
use std::str::FromStr;

/// A calendar quarter such as `2026Q3`.
///
/// ```
/// use sim::quarter::Quarter;
/// let q: Quarter = "2026Q3".parse().unwrap();
/// assert_eq!(q.plus(2).to_string(), "2027Q1");
/// ```
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize,
)]
#[serde(into = "String", try_from = "String")]
pub struct Quarter {
    /// Quarters since year 0 quarter 1 (`year * 4 + quarter - 1`).
    ordinal: i64,
}

impl Quarter {
    /// Builds a quarter from a year and a quarter number 1–4.
    pub fn new(year: i32, quarter: u8) -> Option<Quarter> {
        (1..=4).contains(&quarter).then(|| Quarter {
            ordinal: year as i64 * 4 + quarter as i64 - 1,
        })
    }

    /// The calendar year.
    pub fn year(self) -> i64 {
        self.ordinal.div_euclid(4)
    }

    /// The quarter within the year, 1–4.
    pub fn quarter(self) -> u8 {
        (self.ordinal.rem_euclid(4) + 1) as u8
    }

    /// The quarter `n` quarters later.
    pub fn plus(self, n: i64) -> Quarter {
        Quarter {
            ordinal: self.ordinal + n,
        }
    }

    /// Quarters from `earlier` to `self` (negative when `self` is earlier).
    pub fn since(self, earlier: Quarter) -> i64 {
        self.ordinal - earlier.ordinal
    }
}

impl fmt::Display for Quarter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}Q{}", self.year(), self.quarter())
    }
}

/// Why a quarter string did not parse.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QuarterParseError(pub String);

impl fmt::Display for QuarterParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "expected a quarter like \"2026Q1\" (year, Q, 1-4), found \"{}\"",
            self.0
        )
    }
}

impl From<Quarter> for String {
    fn from(q: Quarter) -> String {
        q.to_string()
    }
}

impl TryFrom<String> for Quarter {
    type Error = QuarterParseError;
    fn try_from(s: String) -> Result<Quarter, QuarterParseError> {
        s.parse()
    }
}

impl FromStr for Quarter {
    type Err = QuarterParseError;
    fn from_str(s: &str) -> Result<Quarter, QuarterParseError> {
        let err = || QuarterParseError(s.to_string());
        let t = s.trim();
        let (y, q) = t.split_once(['Q', 'q']).ok_or_else(err)?;
        let y = y.trim_end_matches('-');
        if y.len() != 4 || !y.bytes().all(|b| b.is_ascii_digit()) || q.len() != 1 {
            return Err(err());
        }
        let year: i32 = y.parse().map_err(|_| err())?;
        let quarter: u8 = q.parse().map_err(|_| err())?;
        Quarter::new(year, quarter).ok_or_else(err)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_prints() {
        for s in ["2026Q1", "2030Q4", "1999Q3"] {
            assert_eq!(s.parse::<Quarter>().unwrap().to_string(), s);
        }
        assert_eq!("2026-q2".parse::<Quarter>().unwrap().to_string(), "2026Q2");
        for bad in [
            "2026Q5", "2026Q0", "26Q1", "2026", "Q1", "2026Q12", "abcdQ1",
        ] {
            assert!(bad.parse::<Quarter>().is_err(), "{bad}");
        }
    }

    #[test]
    fn arithmetic() {
        let q: Quarter = "2026Q1".parse().unwrap();
        assert_eq!(q.plus(19).to_string(), "2030Q4");
        assert_eq!(q.plus(-1).to_string(), "2025Q4");
        assert_eq!(q.plus(19).since(q), 19);
    }
}
