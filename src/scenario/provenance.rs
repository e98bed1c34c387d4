//! Where a scenario's values come from.
//!
//! Any value may carry its source in an inline table:
//!
//! ```toml
//! cash = { value = 89.5, fact = "msft.cash.2025q4" }
//! depreciation_rate = { value = 0.18, derived = "1 / 5.5 years", from = ["depreciation.life.central"] }
//! speed = { value = 0.5, assumption = "half-life of 1.4 years, typical of fitted Vasicek models" }
//! vol = { dist = "pert", min = 0.25, mode = 0.35, max = 0.5, fact = "gpu.rental.vol" }
//! ```
//!
//! This module owns that notation. [`lift`] takes the citations out of the
//! text and leaves every other byte where it was (the removed characters
//! become spaces), so the rest of validation sees plain values and still
//! reports the user's line and column. [`check`] holds the citations against
//! the fact table, and [`leaves`] lists every value with its path for
//! `sim explain`. Nothing here knows what a value means.

use super::diagnostic::{Diagnostic, Source, array_label};
use super::facts::FactTable;
use super::param::Param;
use std::ops::Range;
use toml_edit::{Document, InlineTable, Item, Table, Value};

/// The keys that make an inline table a citation.
pub const CITE_KEYS: [&str; 4] = ["fact", "derived", "from", "assumption"];

/// Whether an inline table is a citation: it names a source, or it is a
/// `value` with `from`. (`from` alone is also a key of `[market.hbm_price]`'s
/// squeeze.)
fn is_citation(t: &InlineTable) -> bool {
    ["fact", "derived", "assumption"]
        .iter()
        .any(|k| t.contains_key(k))
        || (t.contains_key("value") && t.contains_key("from"))
}

/// A value's source.
#[derive(Debug, Clone, PartialEq)]
pub enum Cite {
    /// The value is the fact's value, in the fact's unit.
    Fact(String),
    /// Computed from facts: how, and which.
    Derived { how: String, from: Vec<String> },
    /// A judgement, with its one-line reason.
    Assumption(String),
}

/// One cited value.
#[derive(Debug, Clone)]
pub struct Cited {
    /// Dotted path, as `--set` and `sim explain` write it.
    pub path: String,
    pub cite: Cite,
    /// The citation's inline table in the file, for errors.
    pub span: Range<usize>,
    /// The value as written, once the citation keys are gone (a number, a
    /// distribution table, an array, …).
    pub value: String,
}

impl Cited {
    /// The fact ids the citation names.
    pub fn fact_ids(&self) -> Vec<&str> {
        match &self.cite {
            Cite::Fact(id) => vec![id.as_str()],
            Cite::Derived { from, .. } => from.iter().map(String::as_str).collect(),
            Cite::Assumption(_) => Vec::new(),
        }
    }
}

/// Scenario text with the citations lifted out, and the citations.
#[derive(Debug)]
pub struct Lifted {
    /// Same length and line breaks as the input; values stay in place.
    pub text: String,
    pub cited: Vec<Cited>,
    /// Malformed citations (both `fact` and `assumption`, `from` without
    /// `derived`, …), located in the input.
    pub errors: Vec<Diagnostic>,
}

/// Lifts the citations out of `src`'s text. Text that does not parse is
/// returned unchanged: validation reports the syntax error.
pub fn lift(src: &Source) -> Lifted {
    let mut out = Lifted {
        text: src.text.clone(),
        cited: Vec::new(),
        errors: Vec::new(),
    };
    let doc = match Document::parse(src.text.as_str()) {
        Ok(doc) => doc,
        // The document is not TOML: the parser's own error, at its own
        // place, is the diagnosis (serde would fail later, elsewhere).
        Err(e) => {
            let key = e.span().map(|s| src.key_at(s.start)).unwrap_or_default();
            let mut d = src.at(e.span(), &key, e.message().trim_end().to_string());
            d.help = Some("the file is not valid TOML at this place".to_string());
            out.errors.push(d);
            return out;
        }
    };
    let mut blanks: Vec<Range<usize>> = Vec::new();
    let mut lifter = Lifter {
        src,
        out: &mut out,
        blanks: &mut blanks,
        path: Vec::new(),
    };
    lifter.table(doc.as_table());
    let mut bytes = out.text.clone().into_bytes();
    for r in blanks {
        for b in &mut bytes[r] {
            if *b != b'\n' && *b != b'\r' {
                *b = b' ';
            }
        }
    }
    // Only whole characters inside spans that toml parsed are blanked, and
    // every byte of a multi-byte character lies inside the same span.
    out.text = String::from_utf8(bytes).unwrap_or_else(|_| src.text.clone());
    out
}

/// A walk over a document's tables: arrays of tables are named by
/// [`array_label`], the top-level `facts` key (where the sources are) is
/// skipped, and every other key's value is handed to [`Walk::value`] with
/// [`Walk::path`] set to its dotted path.
trait Walk {
    fn path(&mut self) -> &mut Vec<String>;
    fn value(&mut self, v: &Value);

    fn table(&mut self, t: &Table) {
        for (k, item) in t.iter() {
            if self.path().is_empty() && k == "facts" {
                continue;
            }
            self.path().push(k.to_string());
            match item {
                Item::Table(sub) => self.table(sub),
                Item::ArrayOfTables(a) => {
                    for (i, sub) in a.iter().enumerate() {
                        self.path().push(array_label(sub, i));
                        self.table(sub);
                        self.path().pop();
                    }
                }
                Item::Value(v) => self.value(v),
                Item::None => {}
            }
            self.path().pop();
        }
    }
}

struct Lifter<'a> {
    src: &'a Source,
    out: &'a mut Lifted,
    blanks: &'a mut Vec<Range<usize>>,
    path: Vec<String>,
}

impl Walk for Lifter<'_> {
    fn path(&mut self) -> &mut Vec<String> {
        &mut self.path
    }

    fn value(&mut self, v: &Value) {
        match v {
            Value::InlineTable(t) if is_citation(t) => self.cited(t),
            Value::InlineTable(t) => {
                for (k, inner) in t.iter() {
                    self.path.push(k.to_string());
                    self.value(inner);
                    self.path.pop();
                }
            }
            Value::Array(a) => {
                for (i, inner) in a.iter().enumerate() {
                    self.path.push(i.to_string());
                    self.value(inner);
                    self.path.pop();
                }
            }
            _ => {}
        }
    }
}

impl Lifter<'_> {
    fn error(&mut self, span: Option<Range<usize>>, message: String, help: &str) {
        let mut d = self.src.at(span, &self.path.join("."), message);
        d.help = Some(help.to_string());
        self.out.errors.push(d);
    }

    fn cited(&mut self, t: &InlineTable) {
        let Some(span) = t.span() else { return };
        let text = |key: &str| -> Option<Result<String, Option<Range<usize>>>> {
            t.get(key).map(|v| match v {
                Value::String(s) => Ok(s.value().trim().to_string()),
                other => Err(other.span()),
            })
        };
        const HELP: &str = "write { value = 0.3, fact = \"id\" }, { value = 0.3, derived = \"how\", from = [\"id\", …] } or { value = 0.3, assumption = \"why\" }";
        let mut strings = Vec::new();
        for key in ["fact", "derived", "assumption"] {
            match text(key) {
                None => strings.push(None),
                Some(Ok(s)) if !s.is_empty() => strings.push(Some(s)),
                Some(Ok(_)) => {
                    let span = t.get(key).and_then(Value::span);
                    self.error(span, format!("`{key}` is empty"), HELP);
                    return;
                }
                Some(Err(span)) => {
                    self.error(span, format!("`{key}` must be a string"), HELP);
                    return;
                }
            }
        }
        let from: Option<Vec<String>> = match t.get("from") {
            None => None,
            Some(Value::Array(a)) if a.iter().all(|v| v.as_str().is_some()) && !a.is_empty() => {
                Some(
                    a.iter()
                        .filter_map(|v| v.as_str())
                        .map(str::to_string)
                        .collect(),
                )
            }
            Some(other) => {
                self.error(
                    other.span(),
                    "`from` must be a non-empty list of fact ids".to_string(),
                    HELP,
                );
                return;
            }
        };
        let cite = match (&strings[..], from) {
            ([Some(fact), None, None], None) => Cite::Fact(fact.clone()),
            ([None, Some(how), None], Some(from)) => Cite::Derived {
                how: how.clone(),
                from,
            },
            ([None, Some(_), None], None) => {
                return self.error(
                    Some(span),
                    "`derived` needs `from`, the fact ids it is computed from".to_string(),
                    "add from = [\"id\", …]; a value computed from no fact is an `assumption`",
                );
            }
            ([None, None, Some(why)], None) => Cite::Assumption(why.clone()),
            _ => {
                return self.error(
                    Some(span),
                    "a value cites exactly one source: `fact`, `derived` with `from`, or `assumption`"
                        .to_string(),
                    HELP,
                );
            }
        };
        let value = if let Some(v) = t.get("value") {
            if t.iter().count() > CITE_KEYS.iter().filter(|k| t.contains_key(k)).count() + 1 {
                return self.error(
                    Some(span),
                    "a cited `value` table takes no other keys".to_string(),
                    "put the distribution's keys in the table itself, without `value`: { dist = \"pert\", min = …, fact = \"id\" }",
                );
            }
            let Some(keep) = v.span() else { return };
            self.blanks.push(span.start..keep.start);
            self.blanks.push(keep.end..span.end);
            self.src.text[keep].to_string()
        } else if t.contains_key("dist") {
            for key in CITE_KEYS {
                if let (Some(k), Some(v)) = (t.key(key), t.get(key)) {
                    if let (Some(ks), Some(vs)) = (k.span(), v.span()) {
                        let end = self.trailing_comma(vs.end, span.end);
                        self.blanks.push(ks.start..end);
                    }
                }
            }
            let kept: Vec<String> = t
                .iter()
                .filter(|(k, _)| !CITE_KEYS.contains(k))
                .map(|(k, v)| format!("{k} = {}", v.to_string().trim()))
                .collect();
            format!("{{ {} }}", kept.join(", "))
        } else {
            return self.error(
                Some(span),
                "a cited value needs `value = …` (or is a distribution with `dist = …`)"
                    .to_string(),
                HELP,
            );
        };
        self.out.cited.push(Cited {
            path: self.path.join("."),
            cite,
            span,
            value,
        });
    }

    /// The end of a key-value pair in an inline table, including the comma
    /// that follows it, if any (a comma left before it is a trailing comma,
    /// which TOML 1.1 allows).
    fn trailing_comma(&self, from: usize, limit: usize) -> usize {
        let rest = &self.src.text[from..limit];
        let skipped = rest.len() - rest.trim_start().len();
        if rest[skipped..].starts_with(',') {
            from + skipped + 1
        } else {
            from
        }
    }
}

/// One value of the scenario, for `sim explain`.
#[derive(Debug, Clone, PartialEq)]
pub struct Leaf {
    pub path: String,
    /// As written, whitespace collapsed.
    pub value: String,
    /// Numbers (or a distribution, or an array holding numbers): these need a source.
    pub numeric: bool,
    /// Where the value is in the text it was read from.
    pub span: Option<Range<usize>>,
}

/// Every value of (lifted) scenario text in file order. Tables and inline
/// tables are walked; a distribution table is one leaf, and so is an array of
/// plain values unless its elements are cited one by one.
pub fn leaves(text: &str, cited: &[Cited]) -> Vec<Leaf> {
    let mut out = Vec::new();
    if let Ok(doc) = Document::parse(text) {
        let mut walk = Leaves {
            cited,
            path: Vec::new(),
            out: &mut out,
        };
        walk.table(doc.as_table());
    }
    // A sweep's values are a design, not parameters: they need no source.
    out.retain(|l| l.path != "sweep" && !l.path.starts_with("sweep."));
    out
}

struct Leaves<'a> {
    cited: &'a [Cited],
    path: Vec<String>,
    out: &'a mut Vec<Leaf>,
}

impl Walk for Leaves<'_> {
    fn path(&mut self) -> &mut Vec<String> {
        &mut self.path
    }

    fn value(&mut self, v: &Value) {
        let nested = |v: &Value| matches!(v, Value::Array(_) | Value::InlineTable(_));
        let here = self.path.join(".");
        let cited_inside = |cited: &[Cited]| {
            let prefix = format!("{here}.");
            cited.iter().any(|c| c.path.starts_with(&prefix))
        };
        match v {
            Value::InlineTable(t) if !t.contains_key("dist") => {
                for (k, inner) in t.iter() {
                    self.path.push(k.to_string());
                    self.value(inner);
                    self.path.pop();
                }
            }
            Value::Array(a) if a.iter().any(nested) || cited_inside(self.cited) => {
                for (i, inner) in a.iter().enumerate() {
                    self.path.push(i.to_string());
                    self.value(inner);
                    self.path.pop();
                }
            }
            _ => {
                let numeric = match v {
                    Value::Integer(_) | Value::Float(_) | Value::InlineTable(_) => true,
                    Value::Array(a) => a
                        .iter()
                        .any(|x| matches!(x, Value::Integer(_) | Value::Float(_))),
                    _ => false,
                };
                self.out.push(Leaf {
                    path: here,
                    value: v
                        .to_string()
                        .split_whitespace()
                        .collect::<Vec<_>>()
                        .join(" "),
                    numeric,
                    span: v.span(),
                });
            }
        }
    }
}

/// The citation that covers `path`: its own, or the nearest enclosing one.
pub fn cite_for<'a>(cited: &'a [Cited], path: &str) -> Option<&'a Cited> {
    cited
        .iter()
        .filter(|c| path == c.path || path.starts_with(&format!("{}.", c.path)))
        .max_by_key(|c| c.path.len())
}

/// Checks citations against the fact table: an unknown fact id is an error;
/// a value that differs from the fact it cites is a warning. Without a
/// table nothing can be checked: one warning says so (none when the
/// scenario `named` a table that is missing, which has its own warning).
/// Returns (errors, warnings).
pub fn check(
    src: &Source,
    cited: &[Cited],
    facts: Option<&FactTable>,
    named: bool,
) -> (Vec<Diagnostic>, Vec<Diagnostic>) {
    let mut errors = Vec::new();
    let mut warnings = Vec::new();
    let Some(table) = facts else {
        let first = cited.iter().find(|c| !c.fact_ids().is_empty());
        if let (Some(c), false) = (first, named) {
            let mut d = src.at(
                Some(c.span.clone()),
                &c.path,
                format!(
                    "cites fact `{}` but the scenario names no fact table: citations are not checked",
                    c.fact_ids()[0]
                ),
            );
            d.help = Some(
                "add `facts = \"../seeds/facts.csv\"` (the path from this file) at the top of the scenario"
                    .to_string(),
            );
            warnings.push(d);
        }
        return (errors, warnings);
    };
    for c in cited {
        let ids = c.fact_ids();
        if ids.is_empty() {
            continue;
        }
        for id in &ids {
            if table.get(id).is_none() {
                let mut d = src.at(
                    Some(c.span.clone()),
                    &c.path,
                    format!(
                        "cites fact `{id}`, which is not in {}",
                        table.path.display()
                    ),
                );
                d.help = Some(match table.suggest(id) {
                    Some(best) => format!("did you mean `{best}`?"),
                    None => {
                        "add the fact to the table (see seeds/README.md) or cite an existing id"
                            .to_string()
                    }
                });
                errors.push(d);
            }
        }
        if let (Cite::Fact(id), Some(fact)) = (&c.cite, ids.first().and_then(|id| table.get(id))) {
            if let Some(message) = mismatch(&c.value, fact.value) {
                let mut d = src.at(
                    Some(c.span.clone()),
                    &c.path,
                    format!(
                        "{message} fact `{id}` ({} {}, {})",
                        crate::number::shortest(fact.value),
                        fact.unit,
                        fact.as_of
                    ),
                );
                d.help = Some(
                    "if the value is computed from the fact, cite it as { value = …, derived = \"how\", from = [\"id\"] }"
                        .to_string(),
                );
                warnings.push(d);
            }
        }
    }
    (errors, warnings)
}

/// Why a cited value does not match its fact's value, if it does not.
fn mismatch(value: &str, fact: f64) -> Option<String> {
    let parsed: Option<Param> = toml::from_str::<toml::Table>(&format!("x = {value}"))
        .ok()
        .and_then(|t| t.get("x").cloned())
        .and_then(|v| serde::Deserialize::deserialize(v).ok());
    let tol = 1e-9 * fact.abs().max(1.0);
    let close = |x: f64| (x - fact).abs() <= tol;
    match parsed {
        Some(Param::Fixed(x)) if close(x) => None,
        Some(Param::Fixed(x)) => Some(format!(
            "the value {} differs from",
            crate::number::shortest(x)
        )),
        Some(p) => {
            let (lo, hi) = p.support();
            (fact < lo - tol || fact > hi + tol)
                .then(|| format!("the distribution {p} cannot draw the value of"))
        }
        None => Some("a value that is not a number cites".to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    fn lifted(text: &str) -> Lifted {
        lift(&Source::new(Path::new("s.toml"), text.to_string()))
    }

    #[test]
    fn lifting_keeps_every_value_in_place() {
        let text = "a = { value = 1.5, fact = \"x\" } # c\nc = [ { value = [\"p\", 2], assumption = \"z\" }, 3 ]\n[t]\nb = { dist = \"pert\", fact = \"y\", min = 1, mode = 2, max = 3 }\n";
        let l = lifted(text);
        assert!(l.errors.is_empty(), "{:?}", l.errors);
        assert_eq!(l.text.len(), text.len());
        assert_eq!(l.text.find("1.5"), text.find("1.5"));
        assert_eq!(l.text.lines().count(), text.lines().count());
        let t: toml::Table = toml::from_str(&l.text).unwrap();
        assert_eq!(t["a"].as_float(), Some(1.5));
        assert_eq!(
            t["t"]["b"].as_table().unwrap().keys().collect::<Vec<_>>(),
            ["dist", "max", "min", "mode"]
        );
        assert_eq!(t["c"][0][1].as_integer(), Some(2));
        let paths: Vec<_> = l.cited.iter().map(|c| c.path.as_str()).collect();
        assert_eq!(paths, ["a", "c.0", "t.b"]);
        assert_eq!(l.cited[0].cite, Cite::Fact("x".into()));
        assert_eq!(l.cited[0].value, "1.5");
    }

    #[test]
    fn a_citation_last_in_a_distribution_leaves_a_trailing_comma() {
        let l = lifted("b = { dist = \"normal\", mean = 1, sd = 0, assumption = \"w\" }\n");
        let t: toml::Table = toml::from_str(&l.text).unwrap();
        assert_eq!(t["b"].as_table().unwrap().len(), 3);
    }

    #[test]
    fn malformed_citations_are_errors() {
        for bad in [
            "a = { value = 1, fact = \"x\", assumption = \"y\" }",
            "a = { value = 1, derived = \"x\" }",
            "a = { value = 1, from = [\"x\"] }",
            "a = { value = 1, fact = 3 }",
            "a = { value = 1, fact = \"\" }",
            "a = { fact = \"x\" }",
            "a = { value = 1, min = 2, fact = \"x\" }",
        ] {
            assert_eq!(lifted(bad).errors.len(), 1, "{bad}");
        }
    }

    #[test]
    fn leaves_walk_tables_and_name_arrays_of_tables() {
        let text = "[[lab]]\nname = \"L\"\nv = 1\nd = { dist = \"uniform\", min = 0, max = 1 }\nm = [[0.5, 0.5], [1, 0]]\nc = { a = 2 }\n";
        let got: Vec<_> = leaves(text, &[]).into_iter().map(|l| l.path).collect();
        assert_eq!(
            got,
            [
                "lab.L.name",
                "lab.L.v",
                "lab.L.d",
                "lab.L.m.0",
                "lab.L.m.1",
                "lab.L.c.a"
            ]
        );
    }

    #[test]
    fn mismatches() {
        assert_eq!(mismatch("1.5", 1.5), None);
        assert!(mismatch("1.6", 1.5).is_some());
        assert_eq!(
            mismatch("{ dist = \"uniform\", min = 1, max = 2 }", 1.5),
            None
        );
        assert!(mismatch("{ dist = \"uniform\", min = 1, max = 2 }", 2.5).is_some());
        assert!(mismatch("\"text\"", 1.0).is_some());
    }
}
