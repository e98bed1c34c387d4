//! Which cells report quantiles: the cells people read.
//!
//! Every cell of `summary.csv` reports count-based statistics (mean, std,
//! min, max, and the mean's standard error). Quantiles need a histogram per
//! cell, which is most of a run's cost, so by default a value cell keeps
//! one only when it is read:
//!
//! - at the horizon and at every year end (Q4), for every metric;
//! - at every quarter, for the key metrics (those at the head of a sweep's
//!   table), every `market` metric, every metric a threshold watches and
//!   every threshold's window value.
//!
//! `--quantiles all` keeps one in every value cell. Indicator cells (0/1)
//! always report quantiles: they follow exactly from the mean. A sweep
//! without `--keep-points` keeps only the quantiles its table reports.

use super::{ReportMeta, SweepColumn};
use crate::engine::Quantiles;

/// Which quantiles a run keeps (`--quantiles`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum QuantilePolicy {
    /// The cells people read (the rule above).
    #[default]
    Default,
    /// Every value cell.
    All,
}

impl QuantilePolicy {
    /// The flag's value, as written in the manifest.
    pub fn name(self) -> &'static str {
        match self {
            QuantilePolicy::Default => "default",
            QuantilePolicy::All => "all",
        }
    }

    /// The cells of `meta`'s metrics × quarters that keep quantiles.
    pub fn cells(self, meta: &ReportMeta) -> Quantiles {
        match self {
            QuantilePolicy::All => Quantiles::All,
            QuantilePolicy::Default => Quantiles::Cells(read_cells(meta)),
        }
    }
}

/// One flag per cell (metric-major): true where the default rule keeps
/// quantiles.
fn read_cells(meta: &ReportMeta) -> Vec<bool> {
    let nq = meta.quarters.len();
    let path = |m: usize| {
        let name = &meta.metrics[m];
        format!("{}.{}", name.entity, name.metric)
    };
    let every_quarter = |m: usize| {
        let name = &meta.metrics[m];
        meta.key_metrics.contains(&m)
            || name.entity == "market"
            || (name.entity.starts_with("threshold.") && name.metric == "window_value")
            || meta.thresholds.iter().any(|t| t.metric == path(m))
    };
    let read_quarter = |q: usize| q + 1 == nq || meta.quarters[q].quarter() == 4;
    (0..meta.metrics.len())
        .flat_map(|m| {
            let all = every_quarter(m);
            (0..nq).map(move |q| all || read_quarter(q))
        })
        .collect()
}

/// The cells a sweep's table reads quantiles from.
pub fn sweep_cells(meta: &ReportMeta, columns: &[SweepColumn]) -> Quantiles {
    let mut keep = vec![false; meta.metrics.len() * meta.quarters.len()];
    for cell in columns.iter().filter_map(SweepColumn::quantile_cell) {
        keep[cell] = true;
    }
    Quantiles::Cells(keep)
}
