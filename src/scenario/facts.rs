//! The fact table (`seeds/facts.csv`): sourced figures a scenario cites by id.
//!
//! Owns the CSV's columns and the rules every row keeps: a unique id made of
//! lower-case letters, digits, `.`, `_` and `-`; a finite value; a date; a
//! source title and an http(s) URL; reliability P, S or T (as in
//! `calibration/facts.md`). Reading never panics: every problem is reported
//! with the row's line.

use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// One sourced figure.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Fact {
    pub id: String,
    pub entity: String,
    pub metric: String,
    pub value: f64,
    pub unit: String,
    /// `YYYY-MM-DD`, `YYYY-MM` or `YYYY`.
    pub as_of: String,
    pub source_title: String,
    pub source_url: String,
    /// P primary, S major outlet, T third party (unconfirmed).
    pub reliability: String,
    pub note: String,
}

/// The columns, in order.
pub const COLUMNS: [&str; 10] = [
    "id",
    "entity",
    "metric",
    "value",
    "unit",
    "as_of",
    "source_title",
    "source_url",
    "reliability",
    "note",
];

/// All facts of one file, by id.
#[derive(Debug, Clone)]
pub struct FactTable {
    pub path: PathBuf,
    facts: BTreeMap<String, Fact>,
}

impl FactTable {
    /// Reads and checks a fact table. Errors name the line.
    pub fn load(path: &Path) -> Result<FactTable, Vec<String>> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| vec![format!("cannot read fact table {}: {e}", path.display())])?;
        FactTable::parse(path, &text)
    }

    /// Parses fact-table text as if read from `path`.
    pub fn parse(path: &Path, text: &str) -> Result<FactTable, Vec<String>> {
        let at = |line: u64, msg: String| format!("{}:{line}: {msg}", path.display());
        let mut reader = csv::Reader::from_reader(text.as_bytes());
        let mut errors = Vec::new();
        match reader.headers() {
            Ok(h) if h.iter().eq(COLUMNS) => {}
            Ok(h) => errors.push(at(
                1,
                format!(
                    "expected the columns {}, found {}",
                    COLUMNS.join(","),
                    h.iter().collect::<Vec<_>>().join(",")
                ),
            )),
            Err(e) => errors.push(at(1, e.to_string())),
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        let mut facts = BTreeMap::new();
        let headers = reader.headers().cloned().unwrap_or_default();
        for record in reader.records() {
            let record = match record {
                Ok(r) => r,
                Err(e) => {
                    let line = e.position().map_or(0, |p| p.line());
                    errors.push(at(line, format!("not a fact row: {e}")));
                    continue;
                }
            };
            let line = record.position().map_or(0, |p| p.line());
            let fact: Fact = match record.deserialize(Some(&headers)) {
                Ok(f) => f,
                Err(e) => {
                    errors.push(at(line, format!("not a fact row: {e}")));
                    continue;
                }
            };
            for problem in fact.problems() {
                errors.push(at(line, format!("fact `{}`: {problem}", fact.id)));
            }
            if let Some(old) = facts.insert(fact.id.clone(), fact) {
                errors.push(at(line, format!("fact id `{}` appears twice", old.id)));
            }
        }
        if errors.is_empty() {
            Ok(FactTable {
                path: path.to_path_buf(),
                facts,
            })
        } else {
            Err(errors)
        }
    }

    pub fn get(&self, id: &str) -> Option<&Fact> {
        self.facts.get(id)
    }

    pub fn iter(&self) -> impl Iterator<Item = &Fact> {
        self.facts.values()
    }

    pub fn len(&self) -> usize {
        self.facts.len()
    }

    pub fn is_empty(&self) -> bool {
        self.facts.is_empty()
    }

    /// The closest id to a misspelt one.
    pub fn suggest(&self, id: &str) -> Option<&str> {
        super::diagnostic::suggest(id, self.facts.keys().map(String::as_str))
    }
}

impl Fact {
    /// What is wrong with the row, if anything.
    pub fn problems(&self) -> Vec<String> {
        let mut out = Vec::new();
        let id_ok = !self.id.is_empty()
            && self
                .id
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || "._-".contains(c));
        if !id_ok {
            out.push("the id must be lower-case letters, digits, `.`, `_` or `-`".to_string());
        }
        if !self.value.is_finite() {
            out.push("the value must be a finite number".to_string());
        }
        if !is_date(&self.as_of) {
            out.push(format!(
                "as_of `{}` is not a date (YYYY-MM-DD, YYYY-MM or YYYY)",
                self.as_of
            ));
        }
        for (name, v) in [
            ("entity", &self.entity),
            ("metric", &self.metric),
            ("unit", &self.unit),
            ("source_title", &self.source_title),
        ] {
            if v.trim().is_empty() {
                out.push(format!("`{name}` is empty"));
            }
        }
        if !(self.source_url.starts_with("https://") || self.source_url.starts_with("http://"))
            || self.source_url.contains(char::is_whitespace)
        {
            out.push(format!(
                "source_url `{}` is not an http(s) URL",
                self.source_url
            ));
        }
        if !["P", "S", "T"].contains(&self.reliability.as_str()) {
            out.push(format!(
                "reliability `{}` must be P, S or T",
                self.reliability
            ));
        }
        out
    }
}

fn is_date(s: &str) -> bool {
    let parts: Vec<&str> = s.split('-').collect();
    let num = |p: &str, len: usize, lo: u32, hi: u32| {
        p.len() == len && p.parse::<u32>().is_ok_and(|n| (lo..=hi).contains(&n))
    };
    match parts[..] {
        [y] => num(y, 4, 1900, 2100),
        [y, m] => num(y, 4, 1900, 2100) && num(m, 2, 1, 12),
        [y, m, d] => num(y, 4, 1900, 2100) && num(m, 2, 1, 12) && num(d, 2, 1, 31),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEADER: &str =
        "id,entity,metric,value,unit,as_of,source_title,source_url,reliability,note\n";

    #[test]
    fn a_good_row_loads() {
        let text = format!(
            "{HEADER}msft.cash,Microsoft,cash,89.5,$B,2025-12-31,Balance sheet,https://example.com/a,P,\n"
        );
        let t = FactTable::parse(Path::new("f.csv"), &text).unwrap();
        assert_eq!(t.get("msft.cash").unwrap().value, 89.5);
    }

    #[test]
    fn bad_rows_are_reported_with_their_line() {
        let text = format!(
            "{HEADER}Bad Id,E,m,1,$B,2025-13,T,ftp://x,Q,\nok,E,m,x,$B,2025,T,https://x,P,\nok2,E,m,1,$B,2025,T,https://x,P,\nok2,E,m,1,$B,2025,T,https://x,P,\n"
        );
        let errors = FactTable::parse(Path::new("f.csv"), &text).unwrap_err();
        let joined = errors.join("\n");
        assert!(
            joined.contains("f.csv:2: fact `Bad Id`: the id"),
            "{joined}"
        );
        assert!(joined.contains("as_of `2025-13`"), "{joined}");
        assert!(joined.contains("not an http(s) URL"), "{joined}");
        assert!(joined.contains("must be P, S or T"), "{joined}");
        assert!(joined.contains("f.csv:3: not a fact row"), "{joined}");
        assert!(
            joined.contains("f.csv:5: fact id `ok2` appears twice"),
            "{joined}"
        );
    }

    #[test]
    fn wrong_columns_are_named() {
        let errors = FactTable::parse(Path::new("f.csv"), "id,value\n").unwrap_err();
        assert!(
            errors[0].contains("expected the columns id,entity"),
            "{errors:?}"
        );
    }
}
