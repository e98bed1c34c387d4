//! Writing results: tidy CSV and a JSON manifest, atomically.
//!
//! Every file is first written to a temporary name in the output folder and
//! renamed into place only when all of them are complete, so an interrupted
//! or failed run leaves nothing partial behind. Output knows nothing of
//! random numbers or threads: it turns a results record into bytes.

mod atomic;
pub mod cells;
mod charts;
pub mod compare;
mod events_csv;
mod explain;
mod fans;
mod manifest;
mod paths_csv;
mod quantile_rule;
mod report_html;
mod sensitivity;
mod sobol;
mod summary_csv;
mod sweep_csv;
mod thresholds_csv;
mod tornado;

pub use atomic::{
    OUTPUT_NAMES, Staged, commit, commit_run, remove_staged_on_signal, stage, stage_dir,
};
pub use charts::write_swing_charts;
pub use events_csv::{BreakevenInfo, EventInfo, write_breakeven, write_events};
pub use explain::{EXPLAIN_COLUMNS, write_explain_csv, write_explain_text};
pub use fans::chart_cells;
pub use manifest::Manifest;
pub use paths_csv::write_paths;
pub use quantile_rule::{QuantilePolicy, sweep_cells};
pub use sensitivity::{SensitivityPlan, sensitivity_plan, write_sensitivity};
pub use sobol::{SobolTable, with_interval, write_sobol, write_sobol_charts};
pub use summary_csv::write_summary;
pub use sweep_csv::{
    SweepColumn, SweepManifest, is_headline_event, sweep_columns, sweep_header, sweep_values,
    write_table,
};
pub use thresholds_csv::{ThresholdInfo, write_threshold_timing, write_thresholds};
pub use tornado::{SwingInput, SwingOutput, swing_table, write_swings};

use crate::engine::{MetricName, RunResult};
use crate::quarter::Quarter;
use std::io;
use std::path::{Path, PathBuf};

/// What the writers need to know of a scenario's outputs besides the
/// numbers: the quarters, metrics, thresholds, events and break-evens. It
/// is data (serialisable), so a shard's partial result can carry it and
/// `sim merge` can write the report without the scenario or the model.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct ReportMeta {
    pub quarters: Vec<Quarter>,
    pub metrics: Vec<MetricName>,
    pub thresholds: Vec<ThresholdInfo>,
    pub events: Vec<EventInfo>,
    pub breakevens: Vec<BreakevenInfo>,
    /// Metric indices whose horizon quantiles head a sweep's table.
    pub key_metrics: Vec<usize>,
    /// The scenario's uncertain inputs, for `report.html`.
    #[serde(default)]
    pub assumptions: Vec<Assumption>,
}

/// An uncertain input as the scenario states it, with its source.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Assumption {
    /// Its key path (`market.demand.growth`).
    pub key: String,
    /// The distribution as written.
    pub value: String,
    pub unit: String,
    /// `fact …`, `derived: …` or `assumption: …`.
    pub source: String,
    /// The web addresses of the facts it rests on.
    pub urls: Vec<String>,
}

/// Everything a run writes, by reference.
pub struct Report<'a> {
    pub meta: &'a ReportMeta,
    pub result: &'a RunResult,
    pub manifest: &'a Manifest,
    pub sample_paths: u64,
    /// Whether to draw `charts/`.
    pub charts: bool,
}

/// Writes `summary.csv`, `paths.csv` (when sample paths were kept), the
/// threshold, event and break-even files (when the scenario has any),
/// `sensitivity.csv` (when computed), `charts/` and `report.html` (when
/// asked) and
/// `manifest.json` into `dir`, creating it. Returns the files written.
pub fn write_report(dir: &Path, report: &Report) -> io::Result<Vec<PathBuf>> {
    std::fs::create_dir_all(dir)?;
    let mut staged = vec![stage(dir, "summary.csv", |w| write_summary(w, report))?];
    if report.sample_paths > 0 {
        staged.push(stage(dir, "paths.csv", |w| write_paths(w, report))?);
    }
    if !report.meta.thresholds.is_empty() {
        staged.push(stage(dir, "thresholds.csv", |w| {
            write_thresholds(w, report)
        })?);
        staged.push(stage(dir, "threshold_timing.csv", |w| {
            write_threshold_timing(w, report)
        })?);
    }
    if !report.meta.events.is_empty() {
        staged.push(stage(dir, "events.csv", |w| write_events(w, report))?);
    }
    if !report.meta.breakevens.is_empty() {
        staged.push(stage(dir, "breakeven.csv", |w| write_breakeven(w, report))?);
    }
    if !report.result.sensitivity.is_empty() {
        staged.push(stage(dir, "sensitivity.csv", |w| {
            write_sensitivity(w, report)
        })?);
    }
    if report.charts {
        let folder = stage_dir(dir, "charts")?;
        let drawn = charts::write_charts(folder.path(), report)?;
        staged.push(folder);
        staged.push(stage(dir, "report.html", |w| {
            report_html::write_report_html(w, report, &drawn)
        })?);
    }
    staged.push(stage(dir, "manifest.json", |w| report.manifest.write(w))?);
    commit_run(dir, staged)
}

/// Formats a float for CSV: shortest round-trip form. The engine rejects
/// non-finite metric values, so a non-finite number here is an undefined
/// statistic (a standard error from a single path) and is left empty.
/// Significant digits of a value statistic (mean, standard deviation,
/// quantile, extreme) in the CSV files: one more than the quantiles' error
/// bound (0.39 %) and a mean's standard error at any path count `sim` runs
/// support, so no digit that carries information is lost. Probabilities and
/// standard errors are written in full: a probability is an exact fraction.
pub const VALUE_DIGITS: usize = 6;

/// A value statistic as written: [`VALUE_DIGITS`] significant digits;
/// empty when not finite.
pub(crate) fn fmt_value(x: f64) -> String {
    if x.is_finite() {
        crate::number::significant(x, VALUE_DIGITS)
    } else {
        String::new()
    }
}

/// Indices `0..n` by `size`, largest first; NaN sizes last; ties in index
/// order. How every table of inputs ranks them.
pub(crate) fn largest_first(n: usize, size: impl Fn(usize) -> f64) -> Vec<usize> {
    let key = |i: usize| {
        let s = size(i);
        if s.is_nan() { f64::NEG_INFINITY } else { s }
    };
    let mut order: Vec<usize> = (0..n).collect();
    order.sort_by(|&a, &b| key(b).total_cmp(&key(a)).then(a.cmp(&b)));
    order
}

pub(crate) fn fmt_f64(x: f64) -> String {
    if x.is_finite() {
        crate::number::shortest(x)
    } else {
        String::new()
    }
}
