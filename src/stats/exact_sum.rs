//! Exact sums of `f64`s: the accumulator that makes merging chunks' sums
//! associative, so a run needs no merge tree and no memory per chunk.
//!
//! Every finite `f64` is an integer multiple of 2^-1074, so a sum of them is
//! one too: an [`ExactSum`] holds that integer in base-2^32 digits (each an
//! `i64`, so carries can wait), over the window of digits its addends
//! reached. Adding is a shift and three integer additions; the sum's value
//! is rounded once, to nearest-even, when read. Integer addition is exact,
//! associative and commutative, so the value does not depend on the order
//! of the additions or on how they were split and merged — whichever thread
//! or machine added which part. Memory is a few digits per sum, whatever
//! the number of addends.

/// Digit `j` weighs 2^(32·j − 1074); an `f64`'s bits reach digit 65.
const DIGIT_BITS: u32 = 32;
/// Additions (or merges) a digit can take before its carries must move:
/// each adds less than 2^32 in magnitude, and an `i64` holds 2^63.
const CARRY_ROOM: u32 = 1 << 29;
/// Digits an `f64` can reach: positions up to 2045 + 84 bits.
const MAX_DIGITS: u32 = 67;

/// The exact sum of the finite `f64`s added to it.
#[derive(Debug, Clone, Default)]
pub struct ExactSum {
    /// The index of `digits[0]`.
    base: u32,
    digits: Vec<i64>,
    /// Additions since the carries last moved.
    pending: u32,
    /// The float sum of the non-finite values added (0 when none): an
    /// infinity, or NaN, which the sum then is.
    special: f64,
}

impl ExactSum {
    /// Zero.
    pub fn new() -> ExactSum {
        ExactSum::default()
    }

    /// Adds `x` exactly. A non-finite `x` makes the sum that infinity, or
    /// NaN (infinities of both signs, or a NaN), whatever else is added.
    #[inline]
    pub fn add(&mut self, x: f64) {
        if x == 0.0 {
            return;
        }
        if !x.is_finite() {
            self.special += x;
            return;
        }
        let bits = x.to_bits();
        let field = ((bits >> 52) & 0x7FF) as u32;
        let frac = bits & ((1 << 52) - 1);
        // x = mantissa × 2^(position − 1074).
        let (mantissa, position) = if field == 0 {
            (frac, 0)
        } else {
            (frac | (1 << 52), field - 1)
        };
        let first = position / DIGIT_BITS;
        let wide = u128::from(mantissa) << (position % DIGIT_BITS);
        self.cover(first, first + 2);
        let at = (first - self.base) as usize;
        let negative = bits >> 63 == 1;
        for (k, digit) in self.digits[at..at + 3].iter_mut().enumerate() {
            let part = ((wide >> (DIGIT_BITS * k as u32)) & 0xFFFF_FFFF) as i64;
            *digit += if negative { -part } else { part };
        }
        self.bump(1);
    }

    /// Adds every value of `other` exactly.
    pub fn merge(&mut self, other: &ExactSum) {
        self.special += other.special;
        if other.digits.is_empty() {
            return;
        }
        let last = other.base + other.digits.len() as u32 - 1;
        self.cover(other.base, last);
        let at = (other.base - self.base) as usize;
        for (d, x) in self.digits[at..].iter_mut().zip(&other.digits) {
            *d += x;
        }
        // Both had fewer than CARRY_ROOM additions pending, so no digit is
        // past 2^62 yet; the carries move once the total says so.
        self.bump(other.pending + 1);
    }

    /// Counts additions, moving the carries before they could overflow.
    #[inline]
    fn bump(&mut self, n: u32) {
        self.pending = self.pending.saturating_add(n);
        if self.pending >= CARRY_ROOM {
            self.carry();
        }
    }

    /// Widens the window to cover digits `lo..=hi`.
    #[inline]
    fn cover(&mut self, lo: u32, hi: u32) {
        if self.digits.is_empty() {
            self.base = lo;
            self.digits.resize((hi - lo + 1) as usize, 0);
            return;
        }
        if lo < self.base {
            let extra = (self.base - lo) as usize;
            self.digits.splice(0..0, std::iter::repeat_n(0, extra));
            self.base = lo;
        }
        let end = self.base + self.digits.len() as u32;
        if hi >= end {
            self.digits.resize((hi - self.base + 1) as usize, 0);
        }
    }

    /// Moves carries up into the canonical form: every digit but the top
    /// in `0..2^32`, no zero digit at either end, and the top either in
    /// `1..2^32` (a positive sum) or in `-2^31..0` and as short as that
    /// allows (a negative one). Equal sums have equal canonical digits.
    fn carry(&mut self) {
        let d = &mut self.digits;
        for i in 0..d.len().saturating_sub(1) {
            let c = d[i] >> DIGIT_BITS;
            d[i] -= c << DIGIT_BITS;
            d[i + 1] += c;
        }
        while let Some(&top) = d.last()
            && !(-(1 << 31)..(1 << 32)).contains(&top)
        {
            let c = top >> DIGIT_BITS;
            *d.last_mut().expect("a top digit") -= c << DIGIT_BITS;
            d.push(c);
        }
        loop {
            match d.as_slice() {
                [.., 0] => {
                    d.pop();
                }
                [.., next, -1] if *next >= 1 << 31 => {
                    d.pop();
                    *d.last_mut().expect("a digit below") -= 1 << DIGIT_BITS;
                }
                _ => break,
            }
        }
        let zeros = d.iter().take_while(|&&x| x == 0).count();
        d.drain(..zeros);
        self.base = if d.is_empty() {
            0
        } else {
            self.base + zeros as u32
        };
        self.pending = 0;
    }

    /// The sum, rounded once to the nearest `f64` (ties to even); ±infinity
    /// when it lies beyond the largest finite `f64`.
    pub fn value(&self) -> f64 {
        if self.special != 0.0 || self.special.is_nan() {
            return self.special;
        }
        let mut s = self.clone();
        s.carry();
        let Some(&top) = s.digits.last() else {
            return 0.0;
        };
        let negative = top < 0;
        if negative {
            s.digits.iter_mut().for_each(|d| *d = -*d);
            s.carry();
        }
        let magnitude = round_magnitude(s.base, &s.digits);
        if negative { -magnitude } else { magnitude }
    }

    /// The non-finite part, the canonical digits (carries moved, trimmed)
    /// and their base: what a shard stores. Equal sums give equal raw forms.
    pub fn to_raw(&self) -> (f64, u32, Vec<i64>) {
        let mut s = self.clone();
        s.carry();
        (s.special, s.base, s.digits)
    }

    /// The inverse of [`ExactSum::to_raw`]; refuses digits no sum of
    /// `f64`s has.
    pub fn from_raw(special: f64, base: u32, digits: Vec<i64>) -> Result<ExactSum, String> {
        let lower_ok = |ds: &[i64]| ds.iter().all(|d| (0..1 << 32).contains(d));
        let canonical = match digits.as_slice() {
            [] => true,
            [0, ..] => false,
            [.., next, -1] if *next >= 1 << 31 => false,
            [lower @ .., top] => {
                lower_ok(lower) && *top != 0 && (-(1 << 31)..(1 << 32)).contains(top)
            }
        };
        if !canonical || base as usize + digits.len() > (MAX_DIGITS as usize) + 1 {
            return Err(format!(
                "an exact sum's digits are out of range (base {base}, {} digits)",
                digits.len()
            ));
        }
        if special.is_finite() && special != 0.0 {
            return Err(format!("an exact sum's non-finite part is {special}"));
        }
        Ok(ExactSum {
            base: if digits.is_empty() { 0 } else { base },
            digits,
            pending: 0,
            special,
        })
    }
}

impl From<f64> for ExactSum {
    /// The sum of `x` alone.
    fn from(x: f64) -> ExactSum {
        let mut s = ExactSum::new();
        s.add(x);
        s
    }
}

impl PartialEq for ExactSum {
    /// The same sum, however it was added up.
    fn eq(&self, other: &ExactSum) -> bool {
        let ((sa, ba, da), (sb, bb, db)) = (self.to_raw(), other.to_raw());
        sa.to_bits() == sb.to_bits() && (ba, da) == (bb, db)
    }
}

/// Rounds the non-negative integer Σ digits[i]·2^(32·(base+i)) × 2^-1074
/// (carried: every digit in `0..2^32`, the top one non-zero) to an `f64`.
fn round_magnitude(base: u32, digits: &[i64]) -> f64 {
    let len = digits.len();
    let digit = |i: usize| digits[i] as u64 as u128;
    // The top three digits, and whether anything lies below them.
    let window_base = (base + len as u32).saturating_sub(3);
    let mut t: u128 = 0;
    for i in (0..len).rev().take(3) {
        t |= digit(i) << (DIGIT_BITS * (base + i as u32 - window_base));
    }
    let mut sticky = digits[..len.saturating_sub(3)].iter().any(|&d| d != 0);
    let top_bit = 127 - t.leading_zeros();
    // Absolute bit position of the leading one, counted from 2^-1074.
    let h = DIGIT_BITS * window_base + top_bit;
    if h < 53 {
        // Under 2^53 units of 2^-1074: exact, and so is the scaling.
        return t as u64 as f64 * f64::from_bits(1);
    }
    let top64 = if top_bit >= 63 {
        let cut = top_bit - 63;
        sticky |= t & ((1u128 << cut) - 1) != 0;
        (t >> cut) as u64
    } else {
        (t << (63 - top_bit)) as u64
    };
    let (mut mantissa, rest) = (top64 >> 11, top64 & 0x7FF);
    let mut h = h;
    if rest > 0x400 || (rest == 0x400 && (sticky || mantissa & 1 == 1)) {
        mantissa += 1;
        if mantissa == 1 << 53 {
            mantissa >>= 1;
            h += 1;
        }
    }
    let exponent = h as i64 - 1074;
    if exponent > 1023 {
        return f64::INFINITY;
    }
    f64::from_bits((((exponent + 1023) as u64) << 52) | (mantissa & ((1 << 52) - 1)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn sum(xs: &[f64]) -> f64 {
        let mut s = ExactSum::new();
        xs.iter().for_each(|&x| s.add(x));
        s.value()
    }

    /// Multiples of 2^-40 under 2^22 in magnitude, whose exact sum an
    /// `i128` holds; Rust rounds `i128 as f64` to nearest-even, so this is
    /// the correctly rounded sum by other means.
    fn fixed_point() -> impl Strategy<Value = f64> {
        (-(1i64 << 62)..(1i64 << 62), 0u32..62).prop_map(|(k, s)| (k >> s) as f64 * 2f64.powi(-40))
    }

    fn reference(xs: &[f64]) -> f64 {
        let units: i128 = xs.iter().map(|&x| (x * 2f64.powi(40)) as i128).sum();
        units as f64 * 2f64.powi(-40)
    }

    #[test]
    fn hand_cases() {
        let tiny = f64::from_bits(1);
        let cases: &[(&[f64], f64)] = &[
            (&[], 0.0),
            (&[1.0, 2.0, 3.0], 6.0),
            (&[1e308, 1e308, -1e308], 1e308),
            (&[1.0, 1e-300, -1.0], 1e-300),
            (&[tiny, tiny, tiny], 3.0 * tiny),
            (&[f64::MAX, f64::MAX], f64::INFINITY),
            (&[-f64::MAX, -f64::MAX], f64::NEG_INFINITY),
            // Ties go to even; anything beyond the tie rounds up.
            (&[1.0, 2f64.powi(-53)], 1.0),
            (
                &[1.0 + 2f64.powi(-52), 2f64.powi(-53)],
                1.0 + 2.0 * 2f64.powi(-52),
            ),
            (
                &[1.0, 2f64.powi(-53), 2f64.powi(-300)],
                1.0 + 2f64.powi(-52),
            ),
            (
                &[-1.0, -(2f64.powi(-53)), -(2f64.powi(-300))],
                -1.0 - 2f64.powi(-52),
            ),
            (&[0.1, 0.2, -0.3], 2.7755575615628914e-17),
            (&[2f64.powi(53), 1.0], 2f64.powi(53)),
            (&[2f64.powi(53), 1.0, 1.0], 2f64.powi(53) + 2.0),
        ];
        for (xs, want) in cases {
            assert_eq!(sum(xs).to_bits(), want.to_bits(), "{xs:?}");
        }
    }

    #[test]
    fn many_additions_move_their_carries() {
        let mut s = ExactSum::new();
        let x = 4294967295.0 * 2f64.powi(-1074 + 32 * 40);
        for _ in 0..(CARRY_ROOM as u64 + 10) / 1000 {
            for _ in 0..1000 {
                s.add(x);
            }
        }
        let n = ((CARRY_ROOM as u64 + 10) / 1000 * 1000) as f64;
        assert_eq!(s.value(), x * n);
    }

    fn value() -> impl Strategy<Value = f64> {
        prop_oneof![
            any::<f64>().prop_filter("finite", |x| x.is_finite()),
            (-1e6f64..1e6),
            (-30i32..30, -1.0f64..1.0).prop_map(|(e, m)| m * 2f64.powi(e)),
        ]
    }

    proptest! {
        /// Correctly rounded where an `i128` can check it.
        #[test]
        fn correctly_rounded(xs in prop::collection::vec(fixed_point(), 0..60)) {
            prop_assert_eq!(sum(&xs).to_bits(), reference(&xs).to_bits());
        }

        /// The same bits for every order and split, at any magnitude.
        #[test]
        fn the_same_in_any_order(xs in prop::collection::vec(value(), 0..60), cut in 0usize..60) {
            let want = sum(&xs);
            let mut rev = xs.clone();
            rev.reverse();
            prop_assert_eq!(sum(&rev).to_bits(), want.to_bits());
            let (mut f, mut r) = (ExactSum::new(), ExactSum::new());
            xs.iter().for_each(|&x| f.add(x));
            rev.iter().for_each(|&x| r.add(x));
            prop_assert!(f == r, "the same canonical digits in any order");
            let cut = cut.min(xs.len());
            let (mut a, mut b) = (ExactSum::new(), ExactSum::new());
            xs[..cut].iter().for_each(|&x| a.add(x));
            xs[cut..].iter().for_each(|&x| b.add(x));
            b.merge(&a);
            prop_assert_eq!(b.value().to_bits(), want.to_bits());
            let (special, base, digits) = b.to_raw();
            let back = ExactSum::from_raw(special, base, digits).unwrap();
            prop_assert_eq!(back.value().to_bits(), want.to_bits());
            prop_assert!(back == b);
        }
    }

    #[test]
    fn damaged_raw_forms_are_refused() {
        assert!(ExactSum::from_raw(0.0, 0, vec![1 << 32, 1]).is_err());
        assert!(ExactSum::from_raw(0.0, 0, vec![-1, 1]).is_err());
        // -1 has one canonical form.
        assert!(ExactSum::from_raw(0.0, 0, vec![(1 << 32) - 1, -1]).is_err());
        assert!(ExactSum::from_raw(0.0, 0, vec![-1]).is_ok());
        assert!(ExactSum::from_raw(0.0, 0, vec![0, 1]).is_err());
        assert!(ExactSum::from_raw(0.0, 60, vec![1; 10]).is_err());
        assert!(ExactSum::from_raw(0.0, 3, vec![5, -2]).is_ok());
        assert_eq!(ExactSum::from_raw(0.0, 9, vec![]).unwrap().value(), 0.0);
        assert!(ExactSum::from_raw(1.0, 0, vec![]).is_err());
        assert!(
            ExactSum::from_raw(f64::NAN, 0, vec![])
                .unwrap()
                .value()
                .is_nan()
        );
    }

    #[test]
    fn non_finite_values_stay_visible() {
        assert_eq!(sum(&[1.0, f64::INFINITY, 2.0]), f64::INFINITY);
        assert!(sum(&[f64::INFINITY, 1.0, f64::NEG_INFINITY]).is_nan());
        assert!(sum(&[f64::NAN, 1.0]).is_nan());
        let mut a = ExactSum::new();
        a.add(f64::NEG_INFINITY);
        let mut b = ExactSum::new();
        b.add(3.0);
        b.merge(&a);
        assert_eq!(b.value(), f64::NEG_INFINITY);
    }
}
