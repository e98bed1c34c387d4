//! `events.csv` and `breakeven.csv`: the probability of each entity's
//! events by quarter, and each hyperscaler's AI break-even.

use super::{Report, fmt_f64, fmt_value};
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
    /// Metric index of the "AI NPV > 0 in the quarter" indicator
    /// (economic break-even, a state).
    pub above_water: usize,
    /// Metric index of the AI NPV.
    pub npv: usize,
    /// Metric index of the "cumulative AI cash flow has turned positive by
    /// the quarter" indicator (cash payback).
    pub payback_by: usize,
    /// Metric index of the cumulative AI cash flow.
    pub cumulative: usize,
}

/// Writes one row per entity, event and quarter.
pub fn write_events(w: &mut dyn Write, report: &Report) -> io::Result<()> {
    let mut csv = super::cells::Writer::from_writer(w);
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
    let mut csv = super::cells::Writer::from_writer(w);
    csv.write_record([
        "entity",
        "p_breakeven_at_horizon",
        "p_breakeven_at_horizon_se",
        "ai_npv_p05",
        "ai_npv_p50",
        "ai_npv_p95",
        "p_payback_by_horizon",
        "p_payback_by_horizon_se",
        "payback_p50",
        "payback_p50_if_paid",
        "cumulative_ai_fcf_p05",
        "cumulative_ai_fcf_p50",
        "cumulative_ai_fcf_p95",
    ])?;
    let nq = report.meta.quarters.len();
    let cell = |m: usize, q: usize| &report.result.cells[m * nq + q];
    // Probability by the horizon, its SE and the median first quarter.
    let by = |m: usize| {
        let quarter =
            |q: Option<usize>| q.map_or(String::new(), |q| report.meta.quarters[q].to_string());
        let median = first_quarter_reaching_half(nq, |q| cell(m, q).mean);
        let if_hit = median_among_hits(nq, |q| cell(m, q).mean);
        let last = cell(m, nq - 1);
        [
            fmt_f64(last.mean),
            fmt_f64(last.mean_se),
            quarter(median),
            quarter(if_hit),
        ]
    };
    let spread = |m: usize| {
        let c = cell(m, nq - 1);
        [0, 2, 4].map(|i| fmt_value(c.quantile(i)))
    };
    for b in &report.meta.breakevens {
        let last = cell(b.above_water, nq - 1);
        let mut row = vec![b.entity.clone(), fmt_f64(last.mean), fmt_f64(last.mean_se)];
        row.extend(spread(b.npv));
        row.extend(by(b.payback_by));
        row.extend(spread(b.cumulative));
        csv.write_record(row)?;
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

/// The median time of a first occurrence among the paths where it happens
/// within `n_quarters` (conditional timing): the first quarter whose
/// cumulative probability reaches half of the last quarter's; none when it
/// never happens.
pub(crate) fn median_among_hits(
    n_quarters: usize,
    cumulative: impl Fn(usize) -> f64,
) -> Option<usize> {
    let total = cumulative(n_quarters.checked_sub(1)?);
    (total > 0.0)
        .then(|| (0..n_quarters).find(|&q| cumulative(q) >= 0.5 * total))
        .flatten()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn conditional_timing_counts_only_the_paths_that_hit() {
        // 10% by q1, 30% by q3: overall there is no median; among hits,
        // half have hit by q2 (0.15 ≥ 0.5 × 0.3).
        let cumulative = [0.0, 0.1, 0.15, 0.3];
        assert_eq!(first_quarter_reaching_half(4, |q| cumulative[q]), None);
        assert_eq!(median_among_hits(4, |q| cumulative[q]), Some(2));
        assert_eq!(median_among_hits(4, |_| 0.0), None);
        assert_eq!(median_among_hits(0, |_| 1.0), None);
        assert_eq!(median_among_hits(2, |q| [0.6, 1.0][q]), Some(0));
    }
}
