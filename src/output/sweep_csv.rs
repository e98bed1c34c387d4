//! `sweep.csv`: one row per sweep point, its parameters first, then the
//! headline figures of its run; and the sweep's `manifest.json`.

use super::{ReportMeta, fmt_f64, fmt_value};
use crate::scenario::Override;
use crate::stats::CellSummary;
use serde::{Deserialize, Serialize};
use std::io::{self, Write};

/// The events that make headlines: a lab's default or renegotiation and a
/// company's distress (also printed by `sim run`).
pub fn is_headline_event(event: &str) -> bool {
    matches!(event, "default" | "renegotiation" | "distress")
}

/// Which statistic of a cell a column shows.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Stat {
    Mean,
    StdError,
    /// Index into [`crate::stats::QUANTILES`].
    Quantile(usize),
}

/// One headline column: a name and the cell statistic it reads.
#[derive(Debug, Clone, PartialEq)]
pub struct SweepColumn {
    pub name: String,
    cell: usize,
    stat: Stat,
}

impl SweepColumn {
    /// The cell whose quantile this column shows, if it shows one.
    pub fn quantile_cell(&self) -> Option<usize> {
        matches!(self.stat, Stat::Quantile(_)).then_some(self.cell)
    }
}

/// The headline columns of a scenario's sweep, in order: each threshold's
/// probability and standard error (at its deadline); each headline event's
/// probability by the horizon and its standard error; each break-even's;
/// then p05, p50 and p95 at the horizon of each key metric.
pub fn sweep_columns(meta: &ReportMeta) -> Vec<SweepColumn> {
    let nq = meta.quarters.len();
    let last = nq - 1;
    let mut cols = Vec::new();
    let mut probability = |name: String, cell: usize| {
        cols.push(SweepColumn {
            name: format!("{name}.probability"),
            cell,
            stat: Stat::Mean,
        });
        cols.push(SweepColumn {
            name: format!("{name}.std_error"),
            cell,
            stat: Stat::StdError,
        });
    };
    for t in &meta.thresholds {
        probability(format!("threshold.{}", t.name), t.hit_by * nq + t.by_idx);
    }
    for e in meta.events.iter().filter(|e| is_headline_event(&e.event)) {
        probability(format!("{}.{}", e.entity, e.event), e.by * nq + last);
    }
    for b in &meta.breakevens {
        probability(format!("{}.breakeven", b.entity), b.above_water * nq + last);
        probability(format!("{}.payback", b.entity), b.payback_by * nq + last);
    }
    for &m in &meta.key_metrics {
        let name = &meta.metrics[m];
        for (i, q) in [(0, "p05"), (2, "p50"), (4, "p95")] {
            cols.push(SweepColumn {
                name: format!("{}.{}.{q}", name.entity, name.metric),
                cell: m * nq + last,
                stat: Stat::Quantile(i),
            });
        }
    }
    cols
}

/// A point's headline values, as written, in the order of `columns`.
pub fn sweep_values(columns: &[SweepColumn], cells: &[CellSummary]) -> Vec<String> {
    columns
        .iter()
        .map(|c| {
            let cell = &cells[c.cell];
            match c.stat {
                Stat::Mean => fmt_f64(cell.mean),
                Stat::StdError => fmt_f64(cell.mean_se),
                Stat::Quantile(i) => fmt_value(cell.quantile(i)),
            }
        })
        .collect()
}

/// The header of `sweep.csv`: `point`, a `param_<path>` per axis, then the
/// headline columns.
pub fn sweep_header(paths: &[String], columns: &[SweepColumn]) -> Vec<String> {
    std::iter::once("point".to_string())
        .chain(paths.iter().map(|p| format!("param_{p}")))
        .chain(columns.iter().map(|c| c.name.clone()))
        .collect()
}

/// Writes a header and rows as CSV.
pub fn write_table(w: &mut dyn Write, header: &[String], rows: &[Vec<String>]) -> io::Result<()> {
    let mut csv = super::cells::Writer::from_writer(w);
    csv.write_record(header)?;
    for row in rows {
        csv.write_record(row)?;
    }
    csv.flush()
}

/// The record of a sweep, serialised as JSON.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SweepManifest {
    pub version: String,
    pub scenario: String,
    pub scenario_sha256: String,
    pub seed: u64,
    pub paths: u64,
    /// `--set`, `--paths` and `--seed` applied to every point.
    pub overrides: Vec<Override>,
    pub design: String,
    pub points: usize,
    pub common_random_numbers: String,
    pub shards: u64,
    pub threads: usize,
    pub elapsed_seconds: f64,
    pub paths_per_second: f64,
}

impl SweepManifest {
    /// Writes pretty JSON with a trailing newline.
    pub fn write(&self, w: &mut dyn Write) -> io::Result<()> {
        serde_json::to_writer_pretty(&mut *w, self)?;
        writeln!(w)
    }
}
