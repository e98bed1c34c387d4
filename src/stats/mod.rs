//! Streaming statistics whose memory does not grow with the number of paths.
//!
//! Per (entity, metric, quarter) cell the engine keeps exact sums
//! ([`CellSums`], [`ExactSum`]: integers, so merging is exact and
//! order-free) that become [`Moments`] (count, mean, variance, min, max) and a
//! [`LogHistogram`] (integer counts in fixed log-spaced buckets, so merging
//! is exact and order-free) from which the quantiles come with a stated
//! relative error bound. The moments also carry the standard error of the
//! mean, counting an antithetic pair as one sampling unit; a probability is
//! the mean of an indicator, so it gets its standard error the same way.
//! Nothing here draws random numbers or touches files or threads.

pub mod cell_sums;
pub mod exact_sum;
pub mod histogram;
pub mod moments;
pub mod row_sums;
pub mod sensitivity;
pub mod sobol;

pub use cell_sums::CellSums;
pub use exact_sum::ExactSum;
pub use histogram::LogHistogram;
pub use moments::Moments;
pub use row_sums::RowSums;

/// A thousand values near 10⁶ that differ in the fourth decimal: sums of
/// them round differently in different orders.
#[cfg(test)]
pub(crate) fn test_data() -> Vec<f64> {
    (0..1000)
        .map(|i| 1e6 + ((i * 7919) % 1000) as f64 * 0.01)
        .collect()
}

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
    /// p05, p25, p50, p75, p95; `None` for a cell that kept no histogram
    /// ([`crate::engine::Quantiles`]).
    pub quantiles: Option<[f64; 5]>,
    pub min: f64,
    pub max: f64,
}

impl CellSummary {
    /// Combines a cell's moments and histogram.
    pub fn new(m: &Moments, h: &LogHistogram) -> CellSummary {
        CellSummary {
            // Every path took the same value: it is every quantile exactly
            // (not the middle of its histogram bucket).
            quantiles: Some(if m.min() == m.max() {
                [m.min(); 5]
            } else {
                h.quantiles(&QUANTILES).map(|q| q.clamp(m.min(), m.max()))
            }),
            ..CellSummary::from_moments(m)
        }
    }

    /// The summary of a 0/1 indicator, whose quantiles follow exactly from
    /// its count of ones: sorted, the sample is `n − k` zeros then `k` ones,
    /// so the value at rank ⌈pn⌉ is 0 when that rank is at most `n − k`.
    /// No histogram is needed, and the quantiles carry no error at all.
    pub fn indicator(m: &Moments) -> CellSummary {
        let n = m.count();
        // Sums of 0/1 values are exact in f64 below 2^53, so this is exact.
        let ones = (m.mean() * n as f64).round() as u64;
        let quantile = |p: f64| {
            let rank = ((p * n as f64).ceil() as u64).clamp(1, n.max(1));
            if rank <= n - ones { 0.0 } else { 1.0 }
        };
        CellSummary {
            quantiles: Some(QUANTILES.map(quantile)),
            // k / n exactly, free of the rounding in the merged mean.
            mean: if n == 0 {
                f64::NAN
            } else {
                ones as f64 / n as f64
            },
            ..CellSummary::from_moments(m)
        }
    }

    /// Quantile `i` of [`QUANTILES`], or NaN (an empty CSV cell) when the
    /// cell kept none.
    pub fn quantile(&self, i: usize) -> f64 {
        self.quantiles.map_or(f64::NAN, |q| q[i])
    }

    /// The summary of a cell that kept no histogram: moments only.
    pub fn without_quantiles(m: &Moments) -> CellSummary {
        CellSummary::from_moments(m)
    }

    fn from_moments(m: &Moments) -> CellSummary {
        CellSummary {
            count: m.count(),
            mean: m.mean(),
            mean_se: m.std_error(),
            std: m.std(),
            quantiles: None,
            min: m.min(),
            max: m.max(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn indicator_quantiles_equal_exact_sample_quantiles() {
        for (n, ones) in [
            (10u64, 0u64),
            (10, 10),
            (10, 3),
            (1000, 50),
            (1000, 951),
            (7, 4),
        ] {
            let mut m = Moments::default();
            let mut h = LogHistogram::new();
            for i in 0..n {
                let x = if i < ones { 1.0 } else { 0.0 };
                m.push(x);
                h.insert(x);
            }
            let exact = CellSummary::indicator(&m);
            let from_histogram = CellSummary::new(&m, &h);
            assert_eq!(
                exact.quantiles, from_histogram.quantiles,
                "n {n}, ones {ones}"
            );
        }
    }
}
