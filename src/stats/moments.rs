//! Count, mean, variance, min, max and the standard error of the mean,
//! mergeable.
//!
//! Within a chunk the engine accumulates shifted sums for every cell at once
//! ([`super::RowSums`]); chunks' sums add exactly ([`super::CellSums`]) and
//! become [`Moments`] once, at the end ([`Moments::from_shifted`]). Moments
//! of separate samples also merge with Chan, Golub and LeVeque's pairwise
//! formula ([`Moments::merge`]).
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

    /// Merges another sample into this one (Chan et al.), for the path-level
    /// and the unit-level sums alike.
    pub fn merge(&mut self, other: &Moments) {
        if other.n == 0 {
            return;
        }
        if self.n == 0 {
            *self = *other;
            return;
        }
        let d = other.mean - self.mean;
        let n = self.n + other.n;
        let w = other.n as f64 / n as f64;
        let units = self.units + other.units;
        let wu = other.units as f64 / units as f64;
        self.m2 += other.m2 + d * d * self.n as f64 * w;
        self.m2_units += other.m2_units + d * d * self.units as f64 * wu;
        self.mean += d * w;
        self.n = n;
        self.units = units;
        self.min = self.min.min(other.min);
        self.max = self.max.max(other.max);
    }

    /// Every field as bits, so a shard's partial result stores it exactly.
    pub fn to_raw(&self) -> [u64; 7] {
        [
            self.n,
            self.mean.to_bits(),
            self.m2.to_bits(),
            self.min.to_bits(),
            self.max.to_bits(),
            self.units,
            self.m2_units.to_bits(),
        ]
    }

    /// The inverse of [`Moments::to_raw`].
    pub fn from_raw(r: [u64; 7]) -> Moments {
        Moments {
            n: r[0],
            mean: f64::from_bits(r[1]),
            m2: f64::from_bits(r[2]),
            min: f64::from_bits(r[3]),
            max: f64::from_bits(r[4]),
            units: r[5],
            m2_units: f64::from_bits(r[6]),
        }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn merge_at_every_split_equals_single_accumulator() {
        let xs = crate::stats::test_data();
        let mut whole = Moments::default();
        xs.iter().for_each(|x| whole.push(*x));
        for split in [1, 10, 333, 999] {
            let (mut a, mut b) = (Moments::default(), Moments::default());
            xs[..split].iter().for_each(|x| a.push(*x));
            xs[split..].iter().for_each(|x| b.push(*x));
            a.merge(&b);
            assert_eq!(a.count(), whole.count());
            assert!((a.mean() - whole.mean()).abs() <= 1e-12 * whole.mean().abs());
            assert!((a.variance() / whole.variance() - 1.0).abs() < 1e-9);
            assert!((a.std_error() / whole.std_error() - 1.0).abs() < 1e-9);
        }
    }
}
