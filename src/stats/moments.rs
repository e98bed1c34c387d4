//! Count, mean, variance, min, max and the standard error of the mean.
//!
//! Within a chunk the engine accumulates shifted sums for every cell at once
//! ([`super::RowSums`]); chunks' sums add exactly ([`super::CellSums`]) and
//! become [`Moments`] once, at the end ([`Moments::from_shifted`]).
//!
//! **Standard error.** The sampling unit is a path, or an antithetic pair
//! when pairs are used: the two members of a pair are not independent, so
//! the error of the mean is the standard deviation of *pair means* over
//! √pairs. The chunk sums also hold squared pair means so that [`Moments::std_error`]
//! is right in both cases. A probability is the mean of a 0/1 indicator, so
//! this is also every probability's standard error.

/// Count, mean, sum of squared deviations, min and max of a sample, with
/// the unit-level sum of squares behind the standard error of the mean.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Moments {
    n: u64,
    mean: f64,
    m2: f64,
    min: f64,
    max: f64,
    /// Independent sampling units: paths, or antithetic pairs.
    units: u64,
    /// Σ (unit mean − mean)².
    m2_units: f64,
}

impl Default for Moments {
    fn default() -> Self {
        Moments {
            n: 0,
            mean: 0.0,
            m2: 0.0,
            min: f64::INFINITY,
            max: f64::NEG_INFINITY,
            units: 0,
            m2_units: 0.0,
        }
    }
}

impl Moments {
    /// A chunk's moments from its shifted sums ([`super::RowSums`]): `n`
    /// values whose deviations from `shift` sum to `sum`, their squares to
    /// `sum_sq` and their squared pair means to `pair_sq`; `paired` when
    /// the paths are antithetic pairs (then `n` is even).
    pub fn from_shifted(
        n: u64,
        paired: bool,
        shift: f64,
        sum: f64,
        sum_sq: f64,
        pair_sq: f64,
        (min, max): (f64, f64),
    ) -> Moments {
        if n == 0 {
            return Moments::default();
        }
        let mean_d = sum / n as f64;
        let m2 = (sum_sq - sum * mean_d).max(0.0);
        let (units, m2_units) = if paired {
            (n / 2, (pair_sq - 0.5 * sum * mean_d).max(0.0))
        } else {
            (n, m2)
        };
        Moments {
            n,
            mean: shift + mean_d,
            m2,
            min,
            max,
            units,
            m2_units,
        }
    }

    /// Adds one independent value (Welford's update).
    pub fn push(&mut self, x: f64) {
        self.n += 1;
        let d = x - self.mean;
        self.mean += d / self.n as f64;
        self.m2 += d * (x - self.mean);
        self.units = self.n;
        self.m2_units = self.m2;
        self.min = self.min.min(x);
        self.max = self.max.max(x);
    }

    pub fn count(&self) -> u64 {
        self.n
    }
    pub fn mean(&self) -> f64 {
        self.mean
    }
    /// Sample variance across paths (n − 1 denominator); zero below two values.
    pub fn variance(&self) -> f64 {
        if self.n < 2 {
            0.0
        } else {
            self.m2 / (self.n - 1) as f64
        }
    }
    /// Sample standard deviation across paths.
    pub fn std(&self) -> f64 {
        self.variance().sqrt()
    }
    /// Standard error of the mean: the standard deviation of unit means
    /// over √units (NaN with fewer than two units).
    pub fn std_error(&self) -> f64 {
        if self.units < 2 {
            return f64::NAN;
        }
        let u = self.units as f64;
        (self.m2_units / (u - 1.0) / u).sqrt()
    }
    pub fn min(&self) -> f64 {
        self.min
    }
    pub fn max(&self) -> f64 {
        self.max
    }
}
