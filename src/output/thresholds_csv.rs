//! `thresholds.csv` and `threshold_timing.csv`: each threshold's probability
//! of being met by its deadline, and the timing of its first hit.

use super::{Report, fmt_f64};
use std::io::{self, Write};

/// What the writers need to know of one threshold.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct ThresholdInfo {
    pub name: String,
    pub metric: String,
    pub window: String,
    pub op: String,
    /// The value as written in the scenario (a number or a distribution).
    pub value: String,
    /// Indices of the first and last quarters that count.
    pub from_idx: usize,
    pub by_idx: usize,
    /// Metric indices of the threshold's `first_hit` and `hit_by` indicators.
    pub first_hit: usize,
    pub hit_by: usize,
}

/// Writes one row per threshold.
pub fn write_thresholds(w: &mut dyn Write, report: &Report) -> io::Result<()> {
    let mut csv = super::cells::Writer::from_writer(w);
    csv.write_record([
        "name",
        "metric",
        "window",
        "op",
        "value",
        "from",
        "by",
        "probability",
        "std_error",
        "first_hit_p50",
        "first_hit_p50_if_hit",
        "never_share",
    ])?;
    let nq = report.meta.quarters.len();
    for t in &report.meta.thresholds {
        let hit_by = |q: usize| &report.result.cells[t.hit_by * nq + q];
        let at_deadline = hit_by(t.by_idx);
        // The median first-hit quarter counts paths that never hit as
        // "later than the deadline", so it exists only when at least half hit.
        let quarter =
            |q: Option<usize>| q.map_or(String::new(), |q| report.meta.quarters[q].to_string());
        let median =
            super::events_csv::first_quarter_reaching_half(t.by_idx + 1, |q| hit_by(q).mean);
        // Among the paths that hit by the deadline: exists whenever any does.
        let if_hit = super::events_csv::median_among_hits(t.by_idx + 1, |q| hit_by(q).mean);
        csv.write_record([
            t.name.clone(),
            t.metric.clone(),
            t.window.to_string(),
            t.op.to_string(),
            t.value.clone(),
            report.meta.quarters[t.from_idx].to_string(),
            report.meta.quarters[t.by_idx].to_string(),
            fmt_f64(at_deadline.mean),
            fmt_f64(at_deadline.mean_se),
            quarter(median),
            quarter(if_hit),
            // (n − hits) / n, so it is exactly 1 − probability.
            fmt_f64(
                at_deadline
                    .count
                    .saturating_sub((at_deadline.mean * at_deadline.count as f64).round() as u64)
                    as f64
                    / at_deadline.count as f64,
            ),
        ])?;
    }
    csv.flush()
}

/// Writes one row per threshold and quarter up to its deadline.
pub fn write_threshold_timing(w: &mut dyn Write, report: &Report) -> io::Result<()> {
    let mut csv = super::cells::Writer::from_writer(w);
    csv.write_record([
        "name",
        "quarter",
        "p_first_hit",
        "p_first_hit_se",
        "p_hit_by",
        "p_hit_by_se",
    ])?;
    let nq = report.meta.quarters.len();
    for t in &report.meta.thresholds {
        for q in 0..=t.by_idx {
            let first = &report.result.cells[t.first_hit * nq + q];
            let by = &report.result.cells[t.hit_by * nq + q];
            csv.write_record([
                t.name.clone(),
                report.meta.quarters[q].to_string(),
                fmt_f64(first.mean),
                fmt_f64(first.mean_se),
                fmt_f64(by.mean),
                fmt_f64(by.mean_se),
            ])?;
        }
    }
    csv.flush()
}
