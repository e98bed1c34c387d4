//! `sim explain`: every value of a scenario with its path, unit and source.
//!
//! Builds the rows from the scenario's provenance (its values in file order,
//! their citations, the fact table and the command-line overrides); printing
//! them is the caller's job.

use super::Scenario;
use super::facts::Fact;
use super::provenance::{Cite, cite_for};

/// One value and where it comes from.
#[derive(Debug, Clone)]
pub struct Row {
    pub path: String,
    pub value: String,
    pub unit: String,
    pub source: Origin,
    /// `file:line` that set the value, for a scenario that `extends` another.
    pub set_in: Option<String>,
    /// What the value means beyond its unit, filled in by the caller that
    /// knows the model (the revenue layer a threshold's metric measures).
    pub note: Option<String>,
}

/// The source of a value, resolved against the fact table.
#[derive(Debug, Clone)]
pub enum Origin {
    Fact(Fact),
    /// A fact cited by id that cannot be looked up: the scenario's fact
    /// table is missing or does not hold the id.
    Unchecked(String),
    Derived {
        how: String,
        from: Vec<Fact>,
    },
    Assumption(String),
    /// Set on the command line (`--set`, `--paths`, `--seed`).
    Override,
    /// No source given: a plain value in a structural key (a name, a
    /// quarter, a metric) or a bare number.
    None,
}

impl Origin {
    /// `fact`, `derived`, `assumption`, `override` or `none`.
    pub fn kind(&self) -> &'static str {
        match self {
            Origin::Fact(_) | Origin::Unchecked(_) => "fact",
            Origin::Derived { .. } => "derived",
            Origin::Assumption(_) => "assumption",
            Origin::Override => "override",
            Origin::None => "none",
        }
    }
}

/// Every value of the scenario in file order, with its source.
pub fn rows(s: &Scenario) -> Vec<Row> {
    let p = &s.provenance;
    let fact = |id: &str| p.facts.as_ref().and_then(|t| t.get(id)).cloned();
    p.leaves
        .iter()
        .map(|leaf| {
            let overridden = p
                .overridden
                .iter()
                .any(|o| leaf.path == *o || leaf.path.starts_with(&format!("{o}.")));
            let source = if overridden {
                Origin::Override
            } else {
                match cite_for(&p.cited, &leaf.path).map(|c| &c.cite) {
                    Some(Cite::Fact(id)) => {
                        fact(id).map_or_else(|| Origin::Unchecked(id.clone()), Origin::Fact)
                    }
                    Some(Cite::Derived { how, from }) => Origin::Derived {
                        how: how.clone(),
                        from: from.iter().filter_map(|id| fact(id)).collect(),
                    },
                    Some(Cite::Assumption(why)) => Origin::Assumption(why.clone()),
                    None => Origin::None,
                }
            };
            Row {
                path: leaf.path.clone(),
                // A citation lifted from the end of a distribution table
                // leaves its comma in the text (offsets are kept); not shown.
                value: leaf.value.replace(" ,}", " }"),
                unit: param_unit(s, &leaf.path),
                source,
                set_in: p
                    .inherited
                    .as_ref()
                    .and_then(|r| r.origins.where_set(&leaf.path)),
                note: None,
            }
        })
        .collect()
}

/// The unit recorded by validation for a path, or for its parent (a
/// distribution's keys share their parameter's unit).
pub fn param_unit(s: &Scenario, path: &str) -> String {
    let units = &s.provenance.units;
    let mut p = path;
    loop {
        if let Some(u) = units.get(p) {
            return u.to_string();
        }
        match p.rsplit_once('.') {
            Some((parent, _)) => p = parent,
            None => return String::new(),
        }
    }
}

/// Where each of [`unsourced`]'s values was written: `file:line:col`, or
/// `file:line` of the file that set it in a scenario that `extends`
/// another (`text` is the text the scenario was read from).
pub fn unsourced_at(s: &Scenario, file: &std::path::Path, text: &str) -> Vec<(String, String)> {
    let src = super::diagnostic::Source::new(file, text.to_string());
    let p = &s.provenance;
    unsourced(s)
        .into_iter()
        .map(|path| {
            let inherited = p
                .inherited
                .as_ref()
                .and_then(|r| r.origins.where_set(&path));
            let here = || {
                let leaf = p.leaves.iter().find(|l| l.path == path)?;
                let (line, col) = src.line_col(leaf.span.as_ref()?.start);
                Some(format!("{}:{line}:{col}", file.display()))
            };
            let at = inherited
                .or_else(here)
                .unwrap_or_else(|| file.display().to_string());
            (path, at)
        })
        .collect()
}

/// The values that are numbers (or distributions) but cite no source, and
/// were not set on the command line.
pub fn unsourced(s: &Scenario) -> Vec<String> {
    let numeric: std::collections::BTreeSet<&str> = s
        .provenance
        .leaves
        .iter()
        .filter(|l| l.numeric)
        .map(|l| l.path.as_str())
        .collect();
    rows(s)
        .into_iter()
        .filter(|r| numeric.contains(r.path.as_str()) && matches!(r.source, Origin::None))
        .map(|r| r.path)
        .collect()
}
