//! Count, mean, variance, min, max and the standard error of the mean,
//! mergeable.
//!
//! Within a chunk the engine accumulates [`ShiftedSums`]: sums of `x − s`
//! and `(x − s)²` with the shift `s` taken from the chunk's first path, which
//! keeps the cancellation in `Σd² − (Σd)²/n` small (the deviations are of the
//! order of the standard deviation, not of the mean) and makes a
//! zero-volatility cell's variance exactly zero. Chunks become [`Moments`]
//! and merge with Chan, Golub and LeVeque's pairwise formula in chunk order,
//! so the result is the same for any thread count.
//!
//! **Standard error.** The sampling unit is a path, or an antithetic pair
//! when pairs are used: the two members of a pair are not independent, so
//! the error of the mean is the standard deviation of *pair means* over
//! √pairs. `ShiftedSums` also sums squared pair means so that [`Moments::std_error`]
//! is right in both cases. A probability is the mean of a 0/1 indicator, so
//! this is also every probability's standard error.

/// Per-chunk accumulator for one cell.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ShiftedSums {
    shift: f64,
    sum: f64,
    sum_sq: f64,
    /// Σ over consecutive pairs (x₂ₖ, x₂ₖ₊₁) of ((d₂ₖ + d₂ₖ₊₁)/2)².
    pair_sq: f64,
    min: f64,
    max: f64,
}

impl Default for ShiftedSums {
    fn default() -> Self {
        ShiftedSums {
            shift: 0.0,
            sum: 0.0,
            sum_sq: 0.0,
            pair_sq: 0.0,
            min: f64::INFINITY,
            max: f64::NEG_INFINITY,
        }
    }
}

impl ShiftedSums {
    /// Starts a chunk whose values will be measured from `shift` (use the
    /// chunk's first value).
    #[inline]
    pub fn start(&mut self, shift: f64) {
        *self = ShiftedSums {
            shift,
            ..ShiftedSums::default()
        };
    }

    /// Adds a run of values, two at a time: the two lanes are the members
    /// of a pair (x₂ₖ, x₂ₖ₊₁), so a run must start on a pair boundary. The
    /// lane order is fixed, so the result is a deterministic function of the
    /// values; two lanes keep every accumulator in a register.
    #[inline]
    pub fn extend(&mut self, values: &[f64]) {
        let (mut s0, mut s1) = (0.0, 0.0);
        let (mut q0, mut q1) = (0.0, 0.0);
        let mut pair_sq = 0.0;
        let (mut lo0, mut lo1) = (self.min, self.min);
        let (mut hi0, mut hi1) = (self.max, self.max);
        let mut pairs = values.chunks_exact(2);
        for p in &mut pairs {
            let (a, b) = (p[0], p[1]);
            let (da, db) = (a - self.shift, b - self.shift);
            s0 += da;
            s1 += db;
            q0 += da * da;
            q1 += db * db;
            pair_sq += (da + db) * (da + db);
            // Comparisons rather than `f64::min`: one `minsd` each, since
            // non-finite values are rejected by the engine anyway.
            lo0 = if a < lo0 { a } else { lo0 };
            lo1 = if b < lo1 { b } else { lo1 };
            hi0 = if a > hi0 { a } else { hi0 };
            hi1 = if b > hi1 { b } else { hi1 };
        }
        self.sum += s0 + s1;
        self.sum_sq += q0 + q1;
        // The squared pair sums are four times the squared pair means.
        self.pair_sq += 0.25 * pair_sq;
        self.min = lo0.min(lo1);
        self.max = hi0.max(hi1);
        if let [x] = pairs.remainder() {
            let d = x - self.shift;
            self.sum += d;
            self.sum_sq += d * d;
            self.pair_sq += 0.25 * d * d;
            self.min = self.min.min(*x);
            self.max = self.max.max(*x);
        }
    }

    /// The chunk's moments, given how many values it saw and whether its
    /// paths come in antithetic pairs (then `n` is even).
    pub fn finish(&self, n: u64, paired: bool) -> Moments {
        if n == 0 {
            return Moments::default();
        }
        let mean_d = self.sum / n as f64;
        let m2 = (self.sum_sq - self.sum * mean_d).max(0.0);
        let (units, m2_units) = if paired {
            (n / 2, (self.pair_sq - 0.5 * self.sum * mean_d).max(0.0))
        } else {
            (n, m2)
        };
        Moments {
            n,
            mean: self.shift + mean_d,
            m2,
            min: self.min,
            max: self.max,
            units,
            m2_units,
        }
    }
}

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

    fn data() -> Vec<f64> {
        (0..1000)
            .map(|i| 1e6 + ((i * 7919) % 1000) as f64 * 0.01)
            .collect()
    }

    fn sums(xs: &[f64]) -> ShiftedSums {
        let mut s = ShiftedSums::default();
        s.start(xs[0]);
        s.extend(xs);
        s
    }

    #[test]
    fn shifted_sums_match_welford() {
        let xs = data();
        let mut w = Moments::default();
        xs.iter().for_each(|x| w.push(*x));
        for len in [1000, 998, 997, 3] {
            let m = sums(&xs[..len]).finish(len as u64, false);
            let mut w = Moments::default();
            xs[..len].iter().for_each(|x| w.push(*x));
            assert!((m.mean() - w.mean()).abs() < 1e-9, "{len}");
            assert!(
                (m.variance() - w.variance()).abs() <= 1e-9 * w.variance(),
                "{len}"
            );
            assert_eq!((m.min(), m.max()), (w.min(), w.max()));
            assert!((m.std_error() / w.std_error() - 1.0).abs() < 1e-9);
        }
    }

    #[test]
    fn merge_at_every_split_equals_single_accumulator() {
        let xs = data();
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

    #[test]
    fn paired_standard_error_uses_pair_means() {
        // Pairs (1, 3), (2, 6), (0, 4): pair means 2, 4, 2, whose sample
        // variance is 4/3, so the standard error is sqrt(4/3 / 3).
        let xs = [1.0, 3.0, 2.0, 6.0, 0.0, 4.0];
        let m = sums(&xs).finish(6, true);
        assert!((m.mean() - 8.0 / 3.0).abs() < 1e-15);
        assert!((m.std_error() - (4.0f64 / 3.0 / 3.0).sqrt()).abs() < 1e-12);
        // Perfectly mirrored pairs: no error at all.
        let m = sums(&[1.0, -1.0, 5.0, -5.0]).finish(4, true);
        assert_eq!(m.std_error(), 0.0);
        // Merging two paired halves equals the whole.
        let (a, b) = (
            sums(&xs[..2]).finish(2, true),
            sums(&xs[2..]).finish(4, true),
        );
        let mut merged = a;
        merged.merge(&b);
        assert!((merged.std_error() - (4.0f64 / 3.0 / 3.0).sqrt()).abs() < 1e-12);
    }

    #[test]
    fn constant_values_have_zero_variance() {
        let m = sums(&[0.1; 100]).finish(100, false);
        assert_eq!(m.variance(), 0.0);
        assert_eq!(m.mean(), 0.1);
    }
}
