//! Every CSV file `sim` writes goes through this writer, which keeps text
//! cells from being read as formulas by a spreadsheet (CSV injection).
//!
//! Following OWASP's guidance, a cell that starts with `=`, `+`, `-`, `@`,
//! a tab or a carriage return, and is not a number, is written with a
//! leading `'`: a threshold named `=HYPERLINK(…)` arrives as the text
//! `'=HYPERLINK(…)`. Numbers (`-0.5`, `-1e-3`, `-inf` is never written)
//! are left alone, so every numeric column still parses.

use std::borrow::Cow;
use std::io::Write;

/// A `csv::Writer` whose text cells cannot start a formula.
pub struct Writer<W: Write>(csv::Writer<W>);

impl<W: Write> Writer<W> {
    pub fn from_writer(w: W) -> Writer<W> {
        Writer(csv::Writer::from_writer(w))
    }

    /// Writes one record, each cell made safe; no cell is copied unless
    /// it needs its `'` (paths.csv writes millions).
    pub fn write_record<I, T>(&mut self, record: I) -> csv::Result<()>
    where
        I: IntoIterator<Item = T>,
        T: AsRef<str>,
    {
        for cell in record {
            self.0.write_field(safe(cell.as_ref()).as_bytes())?;
        }
        self.0.write_record(None::<&[u8]>)
    }

    pub fn flush(&mut self) -> std::io::Result<()> {
        self.0.flush()
    }
}

/// The cell as a spreadsheet should see it: with a leading `'` when it
/// would otherwise start a formula.
pub fn safe(cell: &str) -> Cow<'_, str> {
    let risky = cell.starts_with(['=', '+', '-', '@', '\t', '\r']);
    if risky && cell.parse::<f64>().is_err() {
        Cow::Owned(format!("'{cell}"))
    } else {
        Cow::Borrowed(cell)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formulas_are_quoted_and_numbers_are_not() {
        for (cell, want) in [
            (
                "=HYPERLINK(\"http://evil\",\"x\")",
                "'=HYPERLINK(\"http://evil\",\"x\")",
            ),
            ("+1+2", "'+1+2"),
            ("-2+3", "'-2+3"),
            ("@SUM(A1)", "'@SUM(A1)"),
            ("\tcmd", "'\tcmd"),
            ("\rcmd", "'\rcmd"),
            ("-0.5", "-0.5"),
            ("-1e-3", "-1e-3"),
            ("+3", "+3"),
            ("Oracle", "Oracle"),
            ("", ""),
        ] {
            assert_eq!(safe(cell), want, "{cell:?}");
        }
    }
}
