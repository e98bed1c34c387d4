//! A log-bucketed histogram with integer counts: the quantile structure.
//!
//! Buckets are log-linear, read straight off the bits of an `f64`: the
//! exponent and the top [`SUB_BITS`] bits of the mantissa, so each octave
//! holds 128 buckets and finding a value's bucket is a shift and a subtract.
//! Values with |x| < 2^-30 (about 1e-9; money is in billions, so a tenth of
//! a cent) share a zero bucket. Each histogram stores a dense window of
//! buckets that grows to cover the values seen; memory is a few kilobytes
//! per cell and never depends on the number of paths.
//!
//! **Error bound.** Reporting the value `2·lo·hi/(lo+hi)` of the bucket
//! `[lo, hi)` that holds the exact sample quantile `x₍⌈pn⌉₎` is off by at most
//! `α = 1/257 ≈ 0.39 %` of it, or by 2^-30 in the zero bucket:
//! `|q̂ − q| ≤ α|q| + 2^-30`. Callers also clamp to the exact min and max.
//!
//! Counts are integers, so merging is exact, associative and commutative:
//! per-thread histograms give the same result however chunks were scheduled.

/// Mantissa bits per bucket: 2^7 = 128 buckets per octave.
pub const SUB_BITS: u32 = 7;
/// Largest relative error of a reported quantile, 1 / (2·128 + 1).
pub const RELATIVE_ERROR: f64 = 1.0 / ((2u64 << SUB_BITS) + 1) as f64;
/// Values smaller in magnitude than this share the zero bucket.
pub const ZERO_THRESHOLD: f64 = 1.0 / (1u64 << 30) as f64;

const SHIFT: u32 = 52 - SUB_BITS;
/// `bits >> SHIFT` of [`ZERO_THRESHOLD`], less one: keys start at 1.
const KEY_OFFSET: i64 = ((1023 - 30) << SUB_BITS) as i64 - 1;
/// The key of the largest finite `f64`; NaN and infinities lie above it.
const MAX_FINITE_KEY: i64 = ((0x7FEF_FFFF_FFFF_FFFFu64 >> SHIFT) as i64) - KEY_OFFSET;
/// Extra buckets added on the growing side, so growth is rare.
const GROWTH_SLACK: i64 = 64;

/// The signed bucket key of a finite value: 0 for the zero bucket, positive
/// for positive values, mirrored for negative ones. Monotone in `x`.
#[inline]
pub fn key(x: f64) -> i64 {
    let bits = x.to_bits();
    let magnitude = ((bits & !(1u64 << 63)) >> SHIFT) as i64 - KEY_OFFSET;
    let magnitude = magnitude.max(0);
    if bits >> 63 == 1 {
        -magnitude
    } else {
        magnitude
    }
}

/// The value reported for a bucket key: the point of least relative error.
pub fn representative(key: i64) -> f64 {
    if key == 0 {
        return 0.0;
    }
    let k = (key.unsigned_abs() as i64 + KEY_OFFSET) as u64;
    let lo = f64::from_bits(k << SHIFT);
    let hi = f64::from_bits((k + 1) << SHIFT);
    // The top bucket's upper edge is infinity; its lower edge is the answer.
    let r = if hi.is_finite() {
        2.0 * lo * hi / (lo + hi)
    } else {
        lo
    };
    if key < 0 { -r } else { r }
}

/// Integer counts over a growing dense window of bucket keys.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct LogHistogram {
    lo: i64,
    counts: Vec<u32>,
    nonfinite: u64,
}

impl LogHistogram {
    /// An empty histogram (no allocation until the first value).
    pub fn new() -> LogHistogram {
        LogHistogram::default()
    }

    /// Counts one value. Non-finite values are counted apart, never bucketed.
    ///
    /// The hot path is a key, one bounds check and an increment. NaN and
    /// infinities have keys above every finite key and the window never
    /// grows past [`MAX_FINITE_KEY`], so they always reach the cold path.
    #[inline]
    pub fn insert(&mut self, x: f64) {
        let k = key(x);
        let i = k.wrapping_sub(self.lo) as u64;
        if i < self.counts.len() as u64 {
            self.counts[i as usize] += 1;
        } else {
            self.insert_outside(x, k);
        }
    }

    #[cold]
    fn insert_outside(&mut self, x: f64, k: i64) {
        if !x.is_finite() {
            self.nonfinite += 1;
            return;
        }
        self.grow_to(k, k);
        self.counts[(k - self.lo) as usize] += 1;
    }

    /// Widens the window to cover keys `lo..=hi`.
    #[cold]
    fn grow_to(&mut self, lo: i64, hi: i64) {
        // Slack never reaches past the finite keys (see `insert`).
        if self.counts.is_empty() {
            self.lo = (lo - GROWTH_SLACK / 2).max(-MAX_FINITE_KEY);
            let hi = (hi + GROWTH_SLACK / 2).min(MAX_FINITE_KEY);
            self.counts = vec![0; (hi - self.lo + 1) as usize];
            return;
        }
        let cur_hi = self.lo + self.counts.len() as i64 - 1;
        let new_lo = if lo < self.lo {
            (lo - GROWTH_SLACK).max(-MAX_FINITE_KEY)
        } else {
            self.lo
        };
        let new_hi = if hi > cur_hi {
            (hi + GROWTH_SLACK).min(MAX_FINITE_KEY)
        } else {
            cur_hi
        };
        let mut counts = vec![0; (new_hi - new_lo + 1) as usize];
        let off = (self.lo - new_lo) as usize;
        counts[off..off + self.counts.len()].copy_from_slice(&self.counts);
        self.lo = new_lo;
        self.counts = counts;
    }

    /// Adds another histogram's counts (exact).
    pub fn merge(&mut self, other: &LogHistogram) {
        self.nonfinite += other.nonfinite;
        let Some((first, last)) = other.occupied() else {
            return;
        };
        self.grow_to(other.lo + first as i64, other.lo + last as i64);
        let off = (other.lo - self.lo) as usize;
        for (dst, src) in self.counts[off + first..=off + last]
            .iter_mut()
            .zip(&other.counts[first..=last])
        {
            *dst += src;
        }
    }

    /// Index range of non-empty buckets.
    fn occupied(&self) -> Option<(usize, usize)> {
        let first = self.counts.iter().position(|&c| c > 0)?;
        let last = self.counts.iter().rposition(|&c| c > 0)?;
        Some((first, last))
    }

    /// Number of finite values counted.
    pub fn count(&self) -> u64 {
        self.counts.iter().map(|&c| c as u64).sum()
    }

    /// Number of NaN or infinite values seen (a model bug if ever non-zero).
    pub fn nonfinite(&self) -> u64 {
        self.nonfinite
    }

    /// The `p`-quantile: the representative of the bucket holding the
    /// `⌈p·n⌉`-th smallest value (NaN when empty). See the module's bound.
    pub fn quantile(&self, p: f64) -> f64 {
        self.quantiles(&[p])[0]
    }

    /// Several quantiles in one pass over the buckets; `ps` ascending.
    /// Each is exactly what [`LogHistogram::quantile`] gives.
    pub fn quantiles<const N: usize>(&self, ps: &[f64; N]) -> [f64; N] {
        debug_assert!(ps.windows(2).all(|w| w[0] <= w[1]), "ascending");
        let total = self.count();
        if total == 0 {
            return [f64::NAN; N];
        }
        let ranks = ps.map(|p| ((p * total as f64).ceil() as u64).clamp(1, total));
        let mut out = [f64::NAN; N];
        let mut next = 0;
        let mut seen = 0u64;
        for (i, &c) in self.counts.iter().enumerate() {
            seen += c as u64;
            while next < N && seen >= ranks[next] {
                out[next] = representative(self.lo + i as i64);
                next += 1;
            }
            if next == N {
                break;
            }
        }
        out
    }

    /// The first occupied key, the counts from there to the last occupied
    /// key, and the non-finite count: all a shard's partial result needs
    /// to store to give the same quantiles.
    pub fn to_raw(&self) -> (i64, &[u32], u64) {
        match self.occupied() {
            Some((first, last)) => (
                self.lo + first as i64,
                &self.counts[first..=last],
                self.nonfinite,
            ),
            None => (0, &[], self.nonfinite),
        }
    }

    /// The inverse of [`LogHistogram::to_raw`]; refuses a window outside
    /// the finite keys.
    pub fn from_raw(lo: i64, counts: Vec<u32>, nonfinite: u64) -> Result<LogHistogram, String> {
        let hi = lo
            .checked_add(counts.len() as i64)
            .ok_or("histogram window overflows")?;
        if !counts.is_empty() && (lo < -MAX_FINITE_KEY || hi - 1 > MAX_FINITE_KEY) {
            return Err(format!(
                "histogram window {lo}..{hi} is outside the finite keys"
            ));
        }
        Ok(LogHistogram {
            lo,
            counts,
            nonfinite,
        })
    }

    /// Bytes held by the bucket window.
    pub fn heap_bytes(&self) -> usize {
        self.counts.capacity() * std::mem::size_of::<u32>()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_monotone_and_representatives_within_bound() {
        let xs = [
            -1e6,
            -3.5,
            -1.0,
            -1e-9 * 0.5,
            0.0,
            1e-9 * 0.5,
            2e-9,
            0.013,
            1.0,
            1.0078125,
            7.25,
            1e12,
        ];
        for w in xs.windows(2) {
            assert!(key(w[0]) <= key(w[1]), "{} {}", w[0], w[1]);
        }
        for &x in &xs {
            let r = representative(key(x));
            assert!(
                (r - x).abs() <= RELATIVE_ERROR * x.abs() + ZERO_THRESHOLD,
                "{x} -> {r}"
            );
        }
        assert_eq!(key(0.0), 0);
        assert_eq!(key(-0.0), 0);
    }

    #[test]
    fn quantiles_of_a_small_sample() {
        let mut h = LogHistogram::new();
        for x in 1..=100 {
            h.insert(x as f64);
        }
        for (p, exact) in [(0.05, 5.0), (0.5, 50.0), (0.95, 95.0), (1.0, 100.0)] {
            let q = h.quantile(p);
            assert!(
                (q - exact).abs() <= RELATIVE_ERROR * exact,
                "p{p}: {q} vs {exact}"
            );
        }
    }

    #[test]
    fn nonfinite_values_are_counted_apart() {
        let mut h = LogHistogram::new();
        h.insert(f64::NAN);
        h.insert(f64::INFINITY);
        h.insert(1.0);
        h.insert(f64::NEG_INFINITY);
        h.insert(f64::MAX);
        h.insert(f64::NAN);
        assert_eq!((h.count(), h.nonfinite()), (2, 4));
        assert!(h.quantile(1.0).is_finite());
    }
}
