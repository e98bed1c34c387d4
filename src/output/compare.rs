//! `sim compare`: the headline figures of several runs side by side, read
//! back from their output folders — each threshold's probability, each
//! event's probability by the horizon, each company's economic break-even
//! at the horizon (all with standard errors) and the horizon medians of
//! chosen metrics. Everything read is input: a missing file, a missing
//! column or a cell that is not a number is an error naming the file and
//! line.

use std::collections::HashMap;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

/// One figure of one run.
#[derive(Debug, Clone, PartialEq)]
pub struct Figure {
    pub measure: String,
    pub value: f64,
    /// Standard error, where the run has one (medians have none).
    pub se: Option<f64>,
}

/// One run's figures, in the order its files list them.
#[derive(Debug, Clone)]
pub struct RunFigures {
    pub dir: PathBuf,
    pub scenario: String,
    pub paths: u64,
    pub figures: Vec<Figure>,
}

/// Why a run folder cannot be read; the message names the file.
#[derive(Debug, thiserror::Error)]
pub enum CompareError {
    /// The file is missing or malformed: the user's to fix.
    #[error("{0}")]
    Input(String),
    /// The file exists but cannot be read.
    #[error("{0}")]
    Io(String),
}

/// A CSV file read as rows of named cells, with its line numbers.
struct Table {
    path: PathBuf,
    header: Vec<String>,
    rows: Vec<(u64, csv::StringRecord)>,
}

impl Table {
    fn read(path: &Path) -> Result<Table, CompareError> {
        let bytes = read_file(path)?;
        let mut r = csv::Reader::from_reader(bytes.as_slice());
        let bad = |e: csv::Error| {
            let line = e
                .position()
                .map(|p| format!(":{}", p.line()))
                .unwrap_or_default();
            CompareError::Input(format!("{}{line}: not a CSV table: {e}", path.display()))
        };
        let header = r.headers().map_err(bad)?.iter().map(String::from).collect();
        let mut rows = Vec::new();
        for rec in r.records() {
            let rec = rec.map_err(bad)?;
            let line = rec.position().map_or(0, |p| p.line());
            rows.push((line, rec));
        }
        Ok(Table {
            path: path.to_path_buf(),
            header,
            rows,
        })
    }

    fn column(&self, name: &str) -> Result<usize, CompareError> {
        self.header.iter().position(|h| h == name).ok_or_else(|| {
            CompareError::Input(format!(
                "{}: no column `{name}` (columns: {})",
                self.path.display(),
                self.header.join(", ")
            ))
        })
    }

    fn text<'a>(&self, row: &'a csv::StringRecord, col: usize) -> &'a str {
        row.get(col).unwrap_or("")
    }

    /// The cell as a number; `None` when empty (a statistic that does not exist).
    fn number(
        &self,
        line: u64,
        row: &csv::StringRecord,
        col: usize,
    ) -> Result<Option<f64>, CompareError> {
        let cell = self.text(row, col);
        if cell.is_empty() {
            return Ok(None);
        }
        cell.parse::<f64>().map(Some).map_err(|_| {
            CompareError::Input(format!(
                "{}:{line}: `{}` is `{cell}`, not a number",
                self.path.display(),
                self.header[col]
            ))
        })
    }

    /// The cell as a number that must be there.
    fn required(
        &self,
        line: u64,
        row: &csv::StringRecord,
        col: usize,
    ) -> Result<f64, CompareError> {
        self.number(line, row, col)?.ok_or_else(|| {
            CompareError::Input(format!(
                "{}:{line}: `{}` is empty",
                self.path.display(),
                self.header[col]
            ))
        })
    }
}

fn read_file(path: &Path) -> Result<Vec<u8>, CompareError> {
    std::fs::read(path).map_err(|e| match e.kind() {
        io::ErrorKind::NotFound => CompareError::Input(format!(
            "{}: not found; is {} the output folder of `sim run` or `sim merge`?",
            path.display(),
            path.parent().unwrap_or(path).display()
        )),
        _ => CompareError::Io(format!("{}: cannot read: {e}", path.display())),
    })
}

/// Reads a run's folder: `manifest.json` and `summary.csv` always,
/// `thresholds.csv`, `events.csv` and `breakeven.csv` when present;
/// `medians` are the `entity.metric` names whose horizon median to show.
pub fn read_run(dir: &Path, medians: &[&str]) -> Result<RunFigures, CompareError> {
    let manifest_path = dir.join("manifest.json");
    let manifest: serde_json::Value = serde_json::from_slice(&read_file(&manifest_path)?)
        .map_err(|e| CompareError::Input(format!("{}: not JSON: {e}", manifest_path.display())))?;
    let field = |key: &str| {
        manifest
            .get(key)
            .cloned()
            .ok_or_else(|| CompareError::Input(format!("{}: no `{key}`", manifest_path.display())))
    };
    let scenario = field("scenario")?.as_str().unwrap_or_default().to_string();
    let start = field("start")?.as_str().unwrap_or_default().to_string();
    let paths = field("paths")?.as_u64().ok_or_else(|| {
        CompareError::Input(format!(
            "{}: `paths` is not a count",
            manifest_path.display()
        ))
    })?;
    let mut figures = Vec::new();
    let optional = |name: &str| -> Result<Option<Table>, CompareError> {
        let path = dir.join(name);
        if path.exists() {
            Table::read(&path).map(Some)
        } else {
            Ok(None)
        }
    };
    if let Some(t) = optional("thresholds.csv")? {
        let (name, from, by, p, se) = (
            t.column("name")?,
            t.column("from")?,
            t.column("by")?,
            t.column("probability")?,
            t.column("std_error")?,
        );
        for (line, row) in &t.rows {
            let (from, by) = (t.text(row, from), t.text(row, by));
            let when = if from == by {
                format!("in {by}")
            } else if from == start {
                format!("by {by}")
            } else {
                format!("from {from} by {by}")
            };
            figures.push(Figure {
                measure: format!("P({} {when})", t.text(row, name)),
                value: t.required(*line, row, p)?,
                se: t.number(*line, row, se)?,
            });
        }
    }
    if let Some(t) = optional("events.csv")? {
        let (entity, event, quarter) = (
            t.column("entity")?,
            t.column("event")?,
            t.column("quarter")?,
        );
        let (p, se) = (t.column("cumulative")?, t.column("cumulative_se")?);
        // The last row of each entity and event is its horizon.
        let mut last: Vec<(String, u64, &csv::StringRecord)> = Vec::new();
        let mut at: HashMap<String, usize> = HashMap::new();
        for (line, row) in &t.rows {
            let key = format!("{} {}", t.text(row, entity), t.text(row, event));
            let measure = format!("P({key} by {})", t.text(row, quarter));
            match at.get(&key) {
                Some(&i) => last[i] = (measure, *line, row),
                None => {
                    at.insert(key, last.len());
                    last.push((measure, *line, row));
                }
            }
        }
        for (measure, line, row) in last {
            figures.push(Figure {
                measure,
                value: t.required(line, row, p)?,
                se: t.number(line, row, se)?,
            });
        }
    }
    if let Some(t) = optional("breakeven.csv")? {
        let (entity, p, se) = (
            t.column("entity")?,
            t.column("p_breakeven_at_horizon")?,
            t.column("p_breakeven_at_horizon_se")?,
        );
        for (line, row) in &t.rows {
            figures.push(Figure {
                measure: format!("P({} AI NPV > 0 at the horizon)", t.text(row, entity)),
                value: t.required(*line, row, p)?,
                se: t.number(*line, row, se)?,
            });
        }
    }
    let t = Table::read(&dir.join("summary.csv"))?;
    let (entity, metric, quarter, p50) = (
        t.column("entity")?,
        t.column("metric")?,
        t.column("quarter")?,
        t.column("p50")?,
    );
    let mut horizon: HashMap<String, (String, u64, &csv::StringRecord)> = HashMap::new();
    for (line, row) in &t.rows {
        let name = format!("{}.{}", t.text(row, entity), t.text(row, metric));
        if medians.contains(&name.as_str()) {
            horizon.insert(name, (t.text(row, quarter).to_string(), *line, row));
        }
    }
    for name in medians {
        if let Some((q, line, row)) = horizon.get(*name) {
            figures.push(Figure {
                measure: format!("{name} median at {q}"),
                value: t.required(*line, row, p50)?,
                se: None,
            });
        }
    }
    Ok(RunFigures {
        dir: dir.to_path_buf(),
        scenario,
        paths,
        figures,
    })
}

/// Every measure of any run, in the order first met.
fn measures(runs: &[RunFigures]) -> Vec<&str> {
    let mut seen = Vec::new();
    for r in runs {
        for f in &r.figures {
            if !seen.contains(&f.measure.as_str()) {
                seen.push(f.measure.as_str());
            }
        }
    }
    seen
}

fn find<'a>(run: &'a RunFigures, measure: &str) -> Option<&'a Figure> {
    run.figures.iter().find(|f| f.measure == measure)
}

/// A figure as the table shows it: probabilities to 3 places with their
/// standard error, other values to 4 significant figures.
fn cell(f: &Figure) -> String {
    match f.se {
        Some(se) => format!("{:.3} ± {:.4}", f.value, se),
        None => significant(f.value, 4),
    }
}

/// `x` with `digits` significant figures (no exponent: these are money
/// and ratios of ordinary size).
fn significant(x: f64, digits: i32) -> String {
    if x == 0.0 || !x.is_finite() {
        return format!("{x}");
    }
    let magnitude = x.abs().log10().floor() as i32;
    let places = (digits - 1 - magnitude).max(0) as usize;
    format!("{x:.places$}")
}

/// Writes the side-by-side table: a row per measure, a column per run,
/// `—` where a run does not have the measure.
pub fn write_text(w: &mut dyn Write, runs: &[RunFigures]) -> io::Result<()> {
    let rows = measures(runs);
    let mut table: Vec<Vec<String>> = vec![
        std::iter::once("run".to_string())
            .chain(runs.iter().map(|r| r.dir.display().to_string()))
            .collect(),
        std::iter::once("scenario".to_string())
            .chain(runs.iter().map(|r| r.scenario.clone()))
            .collect(),
        std::iter::once("paths".to_string())
            .chain(runs.iter().map(|r| r.paths.to_string()))
            .collect(),
    ];
    for m in &rows {
        table.push(
            std::iter::once(m.to_string())
                .chain(
                    runs.iter()
                        .map(|r| find(r, m).map_or("—".to_string(), cell)),
                )
                .collect(),
        );
    }
    let widths: Vec<usize> = (0..=runs.len())
        .map(|c| {
            table
                .iter()
                .map(|row| row[c].chars().count())
                .max()
                .unwrap_or(0)
        })
        .collect();
    for row in &table {
        let mut line = String::new();
        for (c, text) in row.iter().enumerate() {
            let pad = widths[c] - text.chars().count();
            if c == 0 {
                line.push_str(text);
                line.push_str(&" ".repeat(pad));
            } else {
                line.push_str("  ");
                line.push_str(&" ".repeat(pad));
                line.push_str(text);
            }
        }
        writeln!(w, "{}", line.trim_end())?;
    }
    Ok(())
}

/// Writes the same figures as tidy CSV: `measure, run, scenario, value, se`.
pub fn write_csv(w: &mut dyn Write, runs: &[RunFigures]) -> io::Result<()> {
    let mut csv = super::cells::Writer::from_writer(w);
    csv.write_record(["measure", "run", "scenario", "value", "se"])?;
    for m in measures(runs) {
        for r in runs {
            if let Some(f) = find(r, m) {
                csv.write_record([
                    m.to_string(),
                    r.dir.display().to_string(),
                    r.scenario.clone(),
                    super::fmt_f64(f.value),
                    f.se.map(super::fmt_f64).unwrap_or_default(),
                ])?;
            }
        }
    }
    csv.flush()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_show_probabilities_with_errors_and_values_to_four_figures() {
        let p = Figure {
            measure: "p".into(),
            value: 0.33388,
            se: Some(0.00149),
        };
        assert_eq!(cell(&p), "0.334 ± 0.0015");
        for (x, want) in [
            (881.995, "882.0"),
            (0.84179, "0.8418"),
            (-120.24, "-120.2"),
            (52311.0, "52311"),
        ] {
            let f = Figure {
                measure: "m".into(),
                value: x,
                se: None,
            };
            assert_eq!(cell(&f), want);
        }
    }

    #[test]
    fn measures_are_the_union_in_first_seen_order() {
        let run = |names: &[&str]| RunFigures {
            dir: PathBuf::from("d"),
            scenario: "s".into(),
            paths: 1,
            figures: names
                .iter()
                .map(|n| Figure {
                    measure: n.to_string(),
                    value: 1.0,
                    se: None,
                })
                .collect(),
        };
        let runs = [run(&["a", "b"]), run(&["c", "a"])];
        assert_eq!(measures(&runs), ["a", "b", "c"]);
        let mut out = Vec::new();
        write_text(&mut out, &runs).unwrap();
        let text = String::from_utf8(out).unwrap();
        assert!(
            text.lines().any(|l| l.starts_with('b') && l.ends_with('—')),
            "{text}"
        );
    }
}
