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
///
/// A bucket's count is split in two arrays: its low 8 bits, which every
/// insertion touches, and the rest, touched once per 256 insertions into
/// the bucket. The hot array is a quarter of the size of whole counts, so
/// the buckets a path touches in a thousand histograms stay in cache.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct LogHistogram {
    lo: i64,
    /// Each bucket's count modulo 256.
    low: Vec<u8>,
    /// Each bucket's count divided by 256.
    high: Vec<u32>,
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
        if i < self.low.len() as u64 {
            self.bump(i as usize);
        } else {
            self.insert_outside(x, k);
        }
    }

    /// Adds one to bucket `i`'s count.
    #[inline(always)]
    fn bump(&mut self, i: usize) {
        let low = &mut self.low[i];
        *low = low.wrapping_add(1);
        if *low == 0 {
            self.high[i] += 1;
        }
    }

    /// Bucket `i`'s count.
    #[inline]
    fn at(&self, i: usize) -> u64 {
        ((self.high[i] as u64) << 8) | self.low[i] as u64
    }

    /// Sets bucket `i`'s count.
    fn set(&mut self, i: usize, count: u64) {
        self.low[i] = count as u8;
        self.high[i] = u32::try_from(count >> 8).expect("a bucket holds under 2^40 values");
    }

    #[cold]
    fn insert_outside(&mut self, x: f64, k: i64) {
        if !x.is_finite() {
            self.nonfinite += 1;
            return;
        }
        self.grow_to(k, k);
        self.bump((k - self.lo) as usize);
    }

    /// Widens the window to cover keys `lo..=hi`.
    #[cold]
    fn grow_to(&mut self, lo: i64, hi: i64) {
        // Slack never reaches past the finite keys (see `insert`).
        if self.low.is_empty() {
            self.lo = (lo - GROWTH_SLACK / 2).max(-MAX_FINITE_KEY);
            let hi = (hi + GROWTH_SLACK / 2).min(MAX_FINITE_KEY);
            self.low = vec![0; (hi - self.lo + 1) as usize];
            self.high = vec![0; self.low.len()];
            return;
        }
        let cur_hi = self.lo + self.low.len() as i64 - 1;
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
        let len = (new_hi - new_lo + 1) as usize;
        let off = (self.lo - new_lo) as usize;
        let mut low = vec![0; len];
        low[off..off + self.low.len()].copy_from_slice(&self.low);
        let mut high = vec![0; len];
        high[off..off + self.high.len()].copy_from_slice(&self.high);
        self.lo = new_lo;
        self.low = low;
        self.high = high;
    }

    /// Adds another histogram's counts (exact).
    pub fn merge(&mut self, other: &LogHistogram) {
        self.nonfinite += other.nonfinite;
        let Some((first, last)) = other.occupied() else {
            return;
        };
        self.grow_to(other.lo + first as i64, other.lo + last as i64);
        let off = (other.lo - self.lo) as usize;
        for i in first..=last {
            self.set(off + i, self.at(off + i) + other.at(i));
        }
    }

    /// Index range of non-empty buckets.
    fn occupied(&self) -> Option<(usize, usize)> {
        let empty = |i: &usize| self.low[*i] == 0 && self.high[*i] == 0;
        let first = (0..self.low.len()).find(|i| !empty(i))?;
        let last = (0..self.low.len()).rev().find(|i| !empty(i))?;
        Some((first, last))
    }

    /// Number of finite values counted.
    pub fn count(&self) -> u64 {
        (0..self.low.len()).map(|i| self.at(i)).sum()
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
        for i in 0..self.low.len() {
            seen += self.at(i);
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

    /// Each occupied bucket's reported value and count, ascending.
    pub fn buckets(&self) -> impl Iterator<Item = (f64, u64)> + '_ {
        (0..self.low.len())
            .map(|i| (representative(self.lo + i as i64), self.at(i)))
            .filter(|&(_, n)| n > 0)
    }

    /// The first occupied key, the counts from there to the last occupied
    /// key, and the non-finite count: all a shard's partial result needs
    /// to store to give the same quantiles.
    pub fn to_raw(&self) -> (i64, Vec<u64>, u64) {
        match self.occupied() {
            Some((first, last)) => (
                self.lo + first as i64,
                (first..=last).map(|i| self.at(i)).collect(),
                self.nonfinite,
            ),
            None => (0, Vec::new(), self.nonfinite),
        }
    }

    /// The inverse of [`LogHistogram::to_raw`]; refuses a window outside
    /// the finite keys.
    pub fn from_raw(lo: i64, counts: &[u64], nonfinite: u64) -> Result<LogHistogram, String> {
        let hi = lo
            .checked_add(counts.len() as i64)
            .ok_or("histogram window overflows")?;
        if !counts.is_empty() && (lo < -MAX_FINITE_KEY || hi - 1 > MAX_FINITE_KEY) {
            return Err(format!(
                "histogram window {lo}..{hi} is outside the finite keys"
            ));
        }
        if counts.iter().any(|&c| c >= 1 << 40) {
            return Err("a histogram bucket counts 2^40 values or more".into());
        }
        let mut h = LogHistogram {
            lo,
            low: vec![0; counts.len()],
            high: vec![0; counts.len()],
            nonfinite,
        };
        for (i, &c) in counts.iter().enumerate() {
            h.set(i, c);
        }
        Ok(h)
    }

    /// Bytes held by the bucket window.
    pub fn heap_bytes(&self) -> usize {
        self.low.capacity() + self.high.capacity() * std::mem::size_of::<u32>()
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
