//! `events.csv` and `breakeven.csv`: the probability of each entity's
//! events by quarter, and each hyperscaler's AI break-even.

use super::{Report, fmt_f64};
use std::io::{self, Write};

/// What the writers need to know of one event of one entity.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct EventInfo {
    pub entity: String,
    pub event: String,
    /// Metric indices of the "happens in the quarter" and "has happened by
    /// the quarter" indicators.
    pub now: usize,
    pub by: usize,
}

/// What `breakeven.csv` needs of one hyperscaler.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct BreakevenInfo {
    pub entity: String,
    /// Metric index of the "has broken even by the quarter" indicator.
    pub by: usize,
    /// Metric index of the cumulative AI cash flow.
    pub cumulative: usize,
}

/// Writes one row per entity, event and quarter.
pub fn write_events(w: &mut dyn Write, report: &Report) -> io::Result<()> {
    let mut csv = csv::Writer::from_writer(w);
    csv.write_record([
        "entity",
        "event",
        "quarter",
        "probability",
        "probability_se",
        "cumulative",
        "cumulative_se",
    ])?;
    let nq = report.meta.quarters.len();
    for e in &report.meta.events {
        for (q, quarter) in report.meta.quarters.iter().enumerate() {
            let now = &report.result.cells[e.now * nq + q];
            let by = &report.result.cells[e.by * nq + q];
            csv.write_record([
                e.entity.clone(),
                e.event.clone(),
                quarter.to_string(),
                fmt_f64(now.mean),
                fmt_f64(now.mean_se),
                fmt_f64(by.mean),
                fmt_f64(by.mean_se),
            ])?;
        }
    }
    csv.flush()
}

/// Writes one row per hyperscaler.
pub fn write_breakeven(w: &mut dyn Write, report: &Report) -> io::Result<()> {
    let mut csv = csv::Writer::from_writer(w);
    csv.write_record([
        "entity",
        "p_breakeven_by_horizon",
        "p_breakeven_by_horizon_se",
        "breakeven_p50",
        "cumulative_ai_fcf_p05",
        "cumulative_ai_fcf_p50",
        "cumulative_ai_fcf_p95",
    ])?;
    let nq = report.meta.quarters.len();
    for b in &report.meta.breakevens {
        let by = |q: usize| &report.result.cells[b.by * nq + q];
        let last = by(nq - 1);
        let median = first_quarter_reaching_half(nq, |q| by(q).mean)
            .map(|q| report.meta.quarters[q].to_string());
        let cum = &report.result.cells[b.cumulative * nq + nq - 1];
        csv.write_record([
            b.entity.clone(),
            fmt_f64(last.mean),
            fmt_f64(last.mean_se),
            median.unwrap_or_default(),
            fmt_f64(cum.quantiles[0]),
            fmt_f64(cum.quantiles[2]),
            fmt_f64(cum.quantiles[4]),
        ])?;
    }
    csv.flush()
}

/// The median time of a first occurrence, counting paths where it never
/// happens as "later than the horizon": the first quarter whose cumulative
/// probability reaches one half, or none when fewer than half ever get there.
pub(crate) fn first_quarter_reaching_half(
    n_quarters: usize,
    cumulative: impl Fn(usize) -> f64,
) -> Option<usize> {
    (0..n_quarters).find(|&q| cumulative(q) >= 0.5)
}
