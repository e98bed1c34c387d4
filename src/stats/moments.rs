//! Count, mean, variance, min and max, mergeable.
//!
//! Within a chunk the engine accumulates [`ShiftedSums`]: sums of `x − s`
//! and `(x − s)²` with the shift `s` taken from the chunk's first path, which
//! keeps the cancellation in `Σd² − (Σd)²/n` small (the deviations are of the
//! order of the standard deviation, not of the mean) and makes a
//! zero-volatility cell's variance exactly zero. Chunks become [`Moments`]
//! and merge with Chan, Golub and LeVeque's pairwise formula in chunk order,
//! so the result is the same for any thread count.

/// Per-chunk accumulator for one cell. Costs a subtract, two adds, a
/// multiply and a min/max per value.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ShiftedSums {
    shift: f64,
    sum: f64,
    sum_sq: f64,
    min: f64,
    max: f64,
}

impl Default for ShiftedSums {
    fn default() -> Self {
        ShiftedSums {
            shift: 0.0,
            sum: 0.0,
            sum_sq: 0.0,
            min: f64::INFINITY,
            max: f64::NEG_INFINITY,
        }
    }
}

impl ShiftedSums {
    /// Starts the chunk at its first value.
    #[inline]
    pub fn first(&mut self, x: f64) {
        *self = ShiftedSums {
            shift: x,
            sum: 0.0,
            sum_sq: 0.0,
            min: x,
            max: x,
        };
    }

    /// Adds a later value.
    #[inline]
    pub fn push(&mut self, x: f64) {
        let d = x - self.shift;
        self.sum += d;
        // Not `mul_add`: without a target FMA unit it is a slow libm call.
        self.sum_sq += d * d;
        self.min = self.min.min(x);
        self.max = self.max.max(x);
    }

    /// Adds a run of later values. Four fixed lanes let the compiler keep
    /// four independent sums in flight; the lane order is fixed, so the
    /// result is still a deterministic function of the values.
    #[inline]
    pub fn extend(&mut self, values: &[f64]) {
        let mut sum = [0.0; 4];
        let mut sum_sq = [0.0; 4];
        let mut lo = [self.min; 4];
        let mut hi = [self.max; 4];
        let mut quads = values.chunks_exact(4);
        for q in &mut quads {
            let d = [
                q[0] - self.shift,
                q[1] - self.shift,
                q[2] - self.shift,
                q[3] - self.shift,
            ];
            for i in 0..4 {
                sum[i] += d[i];
                sum_sq[i] += d[i] * d[i];
            }
            // Comparisons rather than `f64::min`: one `minpd` each, since
            // non-finite values are rejected by the engine anyway.
            for i in 0..4 {
                lo[i] = if q[i] < lo[i] { q[i] } else { lo[i] };
                hi[i] = if q[i] > hi[i] { q[i] } else { hi[i] };
            }
        }
        self.sum += (sum[0] + sum[1]) + (sum[2] + sum[3]);
        self.sum_sq += (sum_sq[0] + sum_sq[1]) + (sum_sq[2] + sum_sq[3]);
        self.min = lo[0].min(lo[1]).min(lo[2].min(lo[3]));
        self.max = hi[0].max(hi[1]).max(hi[2].max(hi[3]));
        for &x in quads.remainder() {
            self.push(x);
        }
    }

    /// The chunk's moments, given how many values it saw.
    pub fn finish(&self, n: u64) -> Moments {
        if n == 0 {
            return Moments::default();
        }
        let nf = n as f64;
        let mean_d = self.sum / nf;
        Moments {
            n,
            mean: self.shift + mean_d,
            m2: (self.sum_sq - self.sum * mean_d).max(0.0),
            min: self.min,
            max: self.max,
        }
    }
}

/// Count, mean, sum of squared deviations, min and max of a sample.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Moments {
    n: u64,
    mean: f64,
    m2: f64,
    min: f64,
    max: f64,
}

impl Default for Moments {
    fn default() -> Self {
        Moments {
            n: 0,
            mean: 0.0,
            m2: 0.0,
            min: f64::INFINITY,
            max: f64::NEG_INFINITY,
        }
    }
}

impl Moments {
    /// Adds one value (Welford's update); used where values arrive singly.
    pub fn push(&mut self, x: f64) {
        self.n += 1;
        let d = x - self.mean;
        self.mean += d / self.n as f64;
        self.m2 += d * (x - self.mean);
        self.min = self.min.min(x);
        self.max = self.max.max(x);
    }

    /// Merges another sample into this one (Chan et al.).
    pub fn merge(&mut self, other: &Moments) {
        if other.n == 0 {
            return;
        }
        if self.n == 0 {
            *self = *other;
            return;
        }
        let n = self.n + other.n;
        let d = other.mean - self.mean;
        let w = other.n as f64 / n as f64;
        self.mean += d * w;
        self.m2 += other.m2 + d * d * self.n as f64 * w;
        self.n = n;
        self.min = self.min.min(other.min);
        self.max = self.max.max(other.max);
    }

    pub fn count(&self) -> u64 {
        self.n
    }
    pub fn mean(&self) -> f64 {
        self.mean
    }
    /// Sample variance (n − 1 denominator); zero for fewer than two values.
    pub fn variance(&self) -> f64 {
        if self.n < 2 {
            0.0
        } else {
            self.m2 / (self.n - 1) as f64
        }
    }
    pub fn std(&self) -> f64 {
        self.variance().sqrt()
    }
    /// Standard error of the mean for independent values.
    pub fn std_error(&self) -> f64 {
        if self.n == 0 {
            f64::NAN
        } else {
            (self.variance() / self.n as f64).sqrt()
        }
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

    #[test]
    fn shifted_sums_match_welford() {
        let xs = data();
        let mut w = Moments::default();
        xs.iter().for_each(|x| w.push(*x));
        let mut s = ShiftedSums::default();
        s.first(xs[0]);
        xs[1..].iter().for_each(|x| s.push(*x));
        let m = s.finish(xs.len() as u64);
        assert!((m.mean() - w.mean()).abs() < 1e-9);
        assert!((m.variance() / w.variance() - 1.0).abs() < 1e-9);
        assert_eq!((m.min(), m.max()), (w.min(), w.max()));
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
        }
    }

    #[test]
    fn extend_matches_push() {
        let xs = data();
        let (mut a, mut b) = (ShiftedSums::default(), ShiftedSums::default());
        a.first(xs[0]);
        b.first(xs[0]);
        xs[1..].iter().for_each(|x| a.push(*x));
        b.extend(&xs[1..]);
        let (ma, mb) = (a.finish(1000), b.finish(1000));
        assert!(
            (ma.mean() - mb.mean()).abs() < 1e-9
                && (ma.variance() / mb.variance() - 1.0).abs() < 1e-9
        );
        assert_eq!((ma.min(), ma.max()), (mb.min(), mb.max()));
    }

    #[test]
    fn constant_values_have_zero_variance() {
        let mut s = ShiftedSums::default();
        s.first(0.1);
        (0..99).for_each(|_| s.push(0.1));
        let m = s.finish(100);
        assert_eq!(m.variance(), 0.0);
        assert_eq!(m.mean(), 0.1);
    }
}
