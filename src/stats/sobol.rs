//! First-order and total Sobol indices from a pick-freeze design, as
//! flat sums that stream and merge, and their standard errors.
//!
//! Row j of the design evaluates the model at two independent points A_j
//! and B_j and, for each column i, at A_j with input i taken from B_j
//! (A_B^i). With f centred by a fixed shift, the estimators are Saltelli's
//! (2010) first-order and Jansen's (1999) total effect:
//!
//! - S_i  = mean_j[ f(B_j) · (f(A_B^i_j) − f(A_j)) ] / V
//! - ST_i = mean_j[ (f(A_j) − f(A_B^i_j))² / 2 ] / V
//!
//! where V is the variance of the 2N values f(A_j), f(B_j). The first-order
//! numerator is centred at their mean f̄ after the fact (f(B) − f̄ in place
//! of f(B), which removes the variance a far-off mean adds), from the sums
//! of d = f(A_B^i) − f(A) kept beside it. Each index is a ratio of row
//! means, so its standard error comes from the delta method: the variance
//! over rows of the ratio's influence function, from sums of the row
//! terms, their squares and cross-products with V's two row terms (f̄'s
//! own error adds nothing to first order, as E[d] = 0).

/// Sums per output (m̄, ū and their second moments), then per (output,
/// column) the first-order and total row terms with theirs.
const PER_OUTPUT: usize = 5;
const PER_COLUMN: usize = 13;

/// The shape of a design's sums: `m` outputs, `columns` swapped inputs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SobolLayout {
    pub m: usize,
    pub columns: usize,
}

impl SobolLayout {
    fn output_at(&self, o: usize) -> usize {
        1 + o * (PER_OUTPUT + PER_COLUMN * self.columns)
    }

    fn column_at(&self, o: usize, c: usize) -> usize {
        self.output_at(o) + PER_OUTPUT + PER_COLUMN * c
    }

    /// Length of the flat sums.
    pub fn len(&self) -> usize {
        self.output_at(self.m)
    }

    pub fn is_empty(&self) -> bool {
        self.m == 0
    }
}

/// A design's running sums: plain `f64` additions in row order, so the
/// same rows added in the same order give the same bits.
#[derive(Debug, Clone, PartialEq)]
pub struct SobolSums {
    pub layout: SobolLayout,
    pub sums: Vec<f64>,
}

impl SobolSums {
    pub fn new(layout: SobolLayout) -> SobolSums {
        SobolSums {
            layout,
            sums: vec![0.0; layout.len()],
        }
    }

    /// Adds one row: each output's value at A and B, and at each column's
    /// A_B (column-major: column c's outputs at `ab[c * m..]`), each
    /// centred by its output's `shift`.
    pub fn push_row(&mut self, shift: &[f64], a: &[f64], b: &[f64], ab: &[f64]) {
        let layout = self.layout;
        let s = &mut self.sums;
        s[0] += 1.0;
        for o in 0..layout.m {
            let (fa, fb) = (a[o] - shift[o], b[o] - shift[o]);
            let (mo, uo) = ((fa + fb) / 2.0, (fa * fa + fb * fb) / 2.0);
            let at = layout.output_at(o);
            for (k, v) in [mo, uo, mo * mo, uo * uo, mo * uo].into_iter().enumerate() {
                s[at + k] += v;
            }
            for c in 0..layout.columns {
                let fc = ab[c * layout.m + o] - shift[o];
                let first = fb * (fc - fa);
                let total = (fa - fc) * (fa - fc) / 2.0;
                let at = layout.column_at(o, c);
                let d = fc - fa;
                let terms = [
                    first,
                    first * first,
                    first * mo,
                    first * uo,
                    total,
                    total * total,
                    total * mo,
                    total * uo,
                    d,
                    d * d,
                    first * d,
                    d * mo,
                    d * uo,
                ];
                for (k, v) in terms.into_iter().enumerate() {
                    s[at + k] += v;
                }
            }
        }
    }

    /// Adds another design's sums (rows that follow these).
    pub fn add(&mut self, other: &SobolSums) {
        for (a, b) in self.sums.iter_mut().zip(&other.sums) {
            *a += b;
        }
    }

    /// Rows added.
    pub fn rows(&self) -> u64 {
        self.sums[0] as u64
    }

    /// Each output's indices, column by column.
    pub fn indices(&self) -> Vec<SobolIndex> {
        let n = self.sums[0];
        let mut out = Vec::with_capacity(self.layout.m * self.layout.columns);
        for o in 0..self.layout.m {
            let at = self.layout.output_at(o);
            let mean = |k: usize| self.sums[at + k] / n;
            let v = Variance {
                m: mean(0),
                u: mean(1),
                var_m: mean(2) - mean(0) * mean(0),
                var_u: mean(3) - mean(1) * mean(1),
                cov_mu: mean(4) - mean(0) * mean(1),
            };
            for c in 0..self.layout.columns {
                let at = self.layout.column_at(o, c);
                let mean = |k: usize| self.sums[at + k] / n;
                let term = |k: usize| {
                    let x = mean(k);
                    RowTerm {
                        mean: x,
                        var: mean(k + 1) - x * x,
                        cov_m: mean(k + 2) - x * v.m,
                        cov_u: mean(k + 3) - x * v.u,
                    }
                };
                // The first-order term centred at f̄ = m̄: (f(B) − f̄)·d.
                let (first, f) = (term(0), v.m);
                let d = mean(8);
                let var_d = mean(9) - d * d;
                let cov_first_d = mean(10) - first.mean * d;
                let centred = RowTerm {
                    mean: first.mean - f * d,
                    var: first.var - 2.0 * f * cov_first_d + f * f * var_d,
                    cov_m: first.cov_m - f * (mean(11) - d * v.m),
                    cov_u: first.cov_u - f * (mean(12) - d * v.u),
                };
                out.push(SobolIndex {
                    output: o,
                    column: c,
                    first: v.ratio(centred, n),
                    total: v.ratio(term(4), n),
                });
            }
        }
        out
    }
}

/// V's row terms: m̄ and ū (V = ū − m̄²), their variances and covariance.
struct Variance {
    m: f64,
    u: f64,
    var_m: f64,
    var_u: f64,
    cov_mu: f64,
}

/// A numerator's row term: its mean, variance and covariances with m and u.
struct RowTerm {
    mean: f64,
    var: f64,
    cov_m: f64,
    cov_u: f64,
}

impl Variance {
    /// `term.mean / V` and its standard error over `n` rows. V's influence
    /// on a row is (u − ū) − 2m̄(m − m̄); the ratio's is
    /// ((x − x̄) − S · V's) / V.
    fn ratio(&self, term: RowTerm, n: f64) -> Estimate {
        let total = self.u - self.m * self.m;
        if total.partial_cmp(&0.0) != Some(std::cmp::Ordering::Greater) || n < 2.0 {
            return Estimate {
                value: f64::NAN,
                se: f64::NAN,
            };
        }
        let s = term.mean / total;
        let var_v = self.var_u + 4.0 * self.m * self.m * self.var_m - 4.0 * self.m * self.cov_mu;
        let cov_xv = term.cov_u - 2.0 * self.m * term.cov_m;
        let var = (term.var + s * s * var_v - 2.0 * s * cov_xv) / (total * total);
        Estimate {
            value: s,
            se: (var.max(0.0) / n).sqrt(),
        }
    }
}

/// An index and its standard error (a 95 % interval is ± 1.96 se).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Estimate {
    pub value: f64,
    pub se: f64,
}

/// Output `output`'s first-order and total index for column `column`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SobolIndex {
    pub output: usize,
    pub column: usize,
    pub first: Estimate,
    pub total: Estimate,
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::{RngExt, SeedableRng};
    use rand_xoshiro::Xoshiro256PlusPlus;
    use std::f64::consts::PI;

    fn ishigami(x: &[f64; 3]) -> f64 {
        x[0].sin() + 7.0 * x[1].sin().powi(2) + 0.1 * x[2].powi(4) * x[0].sin()
    }

    /// Ishigami's indices (a = 7, b = 0.1), from its closed-form variances.
    fn ishigami_indices() -> ([f64; 3], [f64; 3]) {
        let (a, b) = (7.0, 0.1);
        let pi4 = PI.powi(4);
        let v1 = 0.5 * (1.0 + b * pi4 / 5.0).powi(2);
        let v2 = a * a / 8.0;
        let v13 = b * b * PI.powi(8) * (1.0 / 18.0 - 1.0 / 50.0);
        let v = v1 + v2 + v13;
        ([v1 / v, v2 / v, 0.0], [(v1 + v13) / v, v2 / v, v13 / v])
    }

    fn design(rows: usize, seed: u64, shift: f64) -> SobolSums {
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(seed);
        let mut draw = || [0; 3].map(|_| rng.random_range(-PI..PI));
        let mut sums = SobolSums::new(SobolLayout { m: 1, columns: 3 });
        let shift = [shift];
        for _ in 0..rows {
            let (a, b) = (draw(), draw());
            let ab: Vec<f64> = (0..3)
                .map(|i| {
                    let mut x = a;
                    x[i] = b[i];
                    ishigami(&x)
                })
                .collect();
            sums.push_row(&shift, &[ishigami(&a)], &[ishigami(&b)], &ab);
        }
        sums
    }

    #[test]
    fn ishigami_indices_within_their_standard_errors() {
        let sums = design(200_000, 1, 3.5);
        let (first, total) = ishigami_indices();
        for ix in sums.indices() {
            let c = ix.column;
            for (est, exact) in [(ix.first, first[c]), (ix.total, total[c])] {
                assert!(
                    (est.value - exact).abs() < 4.0 * est.se,
                    "column {c}: {est:?} against {exact}"
                );
                assert!(est.se > 0.0 && est.se < 0.02, "{est:?}");
            }
        }
    }

    /// The stated standard errors match the spread of the estimates over
    /// independent designs.
    #[test]
    fn standard_errors_match_the_spread_over_seeds() {
        let runs: Vec<Vec<SobolIndex>> = (0..40)
            .map(|s| design(4_000, 100 + s, 3.5).indices())
            .collect();
        for k in 0..3 {
            for pick in [|i: &SobolIndex| i.first, |i: &SobolIndex| i.total] {
                let values: Vec<f64> = runs.iter().map(|r| pick(&r[k]).value).collect();
                let mean = values.iter().sum::<f64>() / values.len() as f64;
                let spread = (values.iter().map(|v| (v - mean).powi(2)).sum::<f64>()
                    / (values.len() - 1) as f64)
                    .sqrt();
                let stated = runs.iter().map(|r| pick(&r[k]).se).sum::<f64>() / runs.len() as f64;
                let ratio = stated / spread;
                assert!(
                    (0.6..1.6).contains(&ratio),
                    "column {k}: stated {stated}, spread {spread}"
                );
            }
        }
    }

    /// Centring at the mean makes the indices independent of the shift
    /// (up to rounding), however far it is from the outputs.
    #[test]
    fn indices_do_not_depend_on_the_shift() {
        let near = design(2_000, 5, 3.5).indices();
        let far = design(2_000, 5, -40.0).indices();
        for (a, b) in near.iter().zip(&far) {
            for (x, y) in [(a.first, b.first), (a.total, b.total)] {
                assert!((x.value - y.value).abs() < 1e-9, "{x:?} {y:?}");
                assert!((x.se - y.se).abs() < 1e-9 * (1.0 + x.se), "{x:?} {y:?}");
            }
        }
    }

    #[test]
    fn rows_are_counted_and_a_constant_output_has_no_index() {
        let whole = design(100, 9, 3.5);
        let mut halves = SobolSums::new(whole.layout);
        halves.add(&whole);
        assert_eq!(halves.rows(), 100);
        let mut flat = SobolSums::new(SobolLayout { m: 1, columns: 1 });
        for _ in 0..10 {
            flat.push_row(&[0.0], &[2.0], &[2.0], &[2.0]);
        }
        let ix = flat.indices()[0];
        assert!(ix.first.value.is_nan() && ix.total.value.is_nan());
    }
}
