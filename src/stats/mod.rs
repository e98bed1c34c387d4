//! Streaming statistics whose memory does not grow with the number of paths.
//!
//! Per (entity, metric, quarter) cell the engine keeps [`Moments`] (count,
//! mean, variance, min, max; merged with Chan's formula in chunk order) and a
//! [`LogHistogram`] (integer counts in fixed log-spaced buckets, so merging
//! is exact and order-free) from which the quantiles come with a stated
//! relative error bound. The moments also carry the standard error of the
//! mean, counting an antithetic pair as one sampling unit; a probability is
//! the mean of an indicator, so it gets its standard error the same way.
//! Nothing here draws random numbers or touches files or threads.

pub mod histogram;
pub mod moments;

pub use histogram::LogHistogram;
pub use moments::{Moments, ShiftedSums};

/// The quantiles reported for every cell, in column order.
pub const QUANTILES: [f64; 5] = [0.05, 0.25, 0.50, 0.75, 0.95];

/// What is reported for one cell.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CellSummary {
    pub count: u64,
    pub mean: f64,
    /// Standard error of `mean` (pairs as units under antithetic sampling).
    pub mean_se: f64,
    pub std: f64,
    /// p05, p25, p50, p75, p95.
    pub quantiles: [f64; 5],
    pub min: f64,
    pub max: f64,
}

impl CellSummary {
    /// Combines a cell's moments and histogram.
    pub fn new(m: &Moments, h: &LogHistogram) -> CellSummary {
        CellSummary {
            count: m.count(),
            mean: m.mean(),
            mean_se: m.std_error(),
            std: m.std(),
            quantiles: QUANTILES.map(|p| h.quantile(p).clamp(m.min(), m.max())),
            min: m.min(),
            max: m.max(),
        }
    }
}
