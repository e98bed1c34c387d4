//! Global sensitivity from the run's own paths: which uncertain inputs
//! drive each headline output, as streaming sums that merge like moments.
//!
//! Ranks need the whole sample, which a streaming run never holds. So a
//! value's rank is read off a *pilot* (the run's first paths, the same on
//! every machine): its [`Grader`] maps a value to its mid-rank share in the
//! pilot, linear between the pilot's distinct values. Grades then enter
//! plain sums ([`SensSums`]): Σg, Σg², Σgᵢgⱼ between inputs and Σgᵢg_y with
//! each output, and per input bin (20 equal-count bins of its grade) the
//! count and each output's Σy and Σy². From these, per (output, input),
//! [`estimates`] gives:
//!
//! - `spearman`: the rank correlation, corr(gᵢ, g_y);
//! - `partial_rank`: the partial rank correlation, controlling for the
//!   other inputs (from the inverse of the rank correlation matrix);
//! - `decile_change`: the output's mean over the input's top decile less
//!   its mean over the bottom decile (@RISK's "change in output mean");
//! - `sobol_first`: the first-order Sobol index Var(E[Y | input]) / Var(Y),
//!   estimated by the between-bin variance over 20 bins with the usual
//!   ANOVA bias correction (for a linear effect, binning loses 1/400 of
//!   it; what bias remains is of order 20 / paths).
//!
//! Standard errors are large-sample formulas (Fieller's for rank
//! correlations; the delta method for the rest), with an antithetic pair
//! as one unit, since both paths of a pair draw the same inputs. Sums are
//! plain additions, so a fixed merge order gives the same bits.

use super::ExactSum;
/// Bins per input for the decile change and the Sobol index.
pub const BINS: usize = 20;

/// Maps a value to its grade: its mid-rank share among the pilot's values.
#[derive(Debug, Clone, PartialEq)]
pub struct Grader {
    /// The pilot's distinct values, ascending.
    values: Vec<f64>,
    /// Each one's mid-rank share: (values below + half those equal) / n.
    grades: Vec<f64>,
    /// The grade's slope from each value to the next.
    slopes: Vec<f64>,
    /// The pilot's median, a shift that keeps Σy² well conditioned.
    centre: f64,
}

impl Grader {
    /// Builds the grade map of a pilot sample (non-finite values ignored).
    pub fn from_pilot(mut xs: Vec<f64>) -> Grader {
        xs.retain(|x| x.is_finite());
        xs.sort_by(f64::total_cmp);
        let n = xs.len().max(1) as f64;
        let (mut values, mut grades) = (Vec::new(), Vec::new());
        let mut i = 0;
        while i < xs.len() {
            let j = xs[i..].partition_point(|&x| x == xs[i]) + i;
            values.push(xs[i]);
            grades.push((i as f64 + (j - i) as f64 / 2.0) / n);
            i = j;
        }
        let centre = xs.get(xs.len() / 2).copied().unwrap_or(0.0);
        let slopes = values
            .windows(2)
            .zip(grades.windows(2))
            .map(|(v, g)| (g[1] - g[0]) / (v[1] - v[0]))
            .collect();
        Grader {
            values,
            grades,
            slopes,
            centre,
        }
    }

    /// The grade of `x` in [0, 1]: linear between the pilot's values,
    /// that of the nearest end outside them.
    #[inline]
    pub fn grade(&self, x: f64) -> f64 {
        let v = &self.values;
        let k = v.partition_point(|&p| p < x);
        if k == v.len() {
            return self.grades.last().copied().unwrap_or(0.5);
        }
        if v[k] == x || k == 0 {
            return self.grades[k];
        }
        self.grades[k - 1] + (x - v[k - 1]) * self.slopes[k - 1]
    }

    /// The pilot's median.
    pub fn centre(&self) -> f64 {
        self.centre
    }

    /// True when the pilot saw a single value (a constant has no rank).
    pub fn is_constant(&self) -> bool {
        self.values.len() < 2
    }
}

/// Where each sum sits in the flat vector, for `k` inputs and `m`
/// outputs; partial rank correlations control for the first `partial`
/// inputs only.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Layout {
    pub k: usize,
    pub m: usize,
    pub partial: usize,
}

impl Layout {
    const N: usize = 0;
    fn sg(&self) -> usize {
        1
    }
    fn sgg(&self) -> usize {
        self.sg() + self.k + self.m
    }
    fn sxx(&self) -> usize {
        self.sgg() + self.k + self.m
    }
    fn sxy(&self) -> usize {
        self.sxx() + self.k * self.k
    }
    fn count(&self) -> usize {
        self.sxy() + self.m * self.k
    }
    fn sy(&self) -> usize {
        self.count() + self.k * BINS
    }
    fn syy(&self) -> usize {
        self.sy() + self.m * self.k * BINS
    }
    /// Length of the flat vector.
    pub fn len(&self) -> usize {
        self.syy() + self.m * self.k * BINS
    }
    /// True for a layout with nothing to relate.
    pub fn is_empty(&self) -> bool {
        self.k == 0 || self.m == 0
    }
}

/// A chunk's sensitivity sums, fed one path at a time.
#[derive(Debug, Clone)]
pub struct SensSums {
    layout: Layout,
    sums: Vec<f64>,
    grades: Vec<f64>,
    /// The values the grades are of.
    last: Vec<f64>,
    bins: Vec<usize>,
}

impl SensSums {
    pub fn new(layout: Layout) -> SensSums {
        SensSums {
            layout,
            sums: vec![0.0; layout.len()],
            grades: vec![0.0; layout.k + layout.m],
            last: vec![f64::NAN; layout.k + layout.m],
            bins: vec![0; layout.k],
        }
    }

    /// Adds one path: its inputs' and outputs' values, graded by
    /// `graders` (inputs first, then outputs).
    pub fn push(&mut self, inputs: &[f64], outputs: &[f64], graders: &[Grader]) {
        let Layout { k, m, .. } = self.layout;
        let l = self.layout;
        let s = &mut self.sums;
        s[Layout::N] += 1.0;
        // Both paths of an antithetic pair draw the same parameters: a
        // value seen on the last path keeps its grade.
        for ((v, last), (g, grader)) in inputs
            .iter()
            .chain(outputs)
            .zip(&mut self.last)
            .zip(self.grades.iter_mut().zip(graders))
        {
            if v.to_bits() != last.to_bits() {
                *g = grader.grade(*v);
                *last = *v;
            }
        }
        for (j, &g) in self.grades.iter().enumerate() {
            s[l.sg() + j] += g;
            s[l.sgg() + j] += g * g;
        }
        let (gx, gy) = self.grades.split_at(k);
        for i in 0..k {
            // The upper triangle (j ≥ i) of Σ gᵢ gⱼ.
            let row = &mut s[l.sxx() + i * k + i..l.sxx() + (i + 1) * k];
            for (r, &gj) in row.iter_mut().zip(&gx[i..]) {
                *r += gx[i] * gj;
            }
            let b = ((gx[i] * BINS as f64) as usize).min(BINS - 1);
            self.bins[i] = b;
            s[l.count() + i * BINS + b] += 1.0;
        }
        for o in 0..m {
            let row = &mut s[l.sxy() + o * k..l.sxy() + (o + 1) * k];
            for (r, &gi) in row.iter_mut().zip(gx) {
                *r += gi * gy[o];
            }
            let y = outputs[o] - graders[k + o].centre();
            let base = (o * k) * BINS;
            for (i, &b) in self.bins.iter().enumerate() {
                let at = base + i * BINS + b;
                s[l.sy() + at] += y;
                s[l.syy() + at] += y * y;
            }
        }
    }

    /// Number of sums (the layout's length).
    pub fn len(&self) -> usize {
        self.sums.len()
    }

    /// True when there are no sums.
    pub fn is_empty(&self) -> bool {
        self.sums.is_empty()
    }

    /// Adds the sums so far to `into` exactly, and starts afresh.
    pub fn add_to(&mut self, into: &mut [ExactSum]) {
        for (acc, x) in into.iter_mut().zip(&mut self.sums) {
            acc.add(*x);
            *x = 0.0;
        }
    }
}

/// One sensitivity measure.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Measure {
    Spearman,
    PartialRank,
    DecileChange,
    SobolFirst,
}

impl Measure {
    pub const ALL: [Measure; 4] = [
        Measure::Spearman,
        Measure::PartialRank,
        Measure::DecileChange,
        Measure::SobolFirst,
    ];

    /// The name written to `sensitivity.csv`.
    pub fn name(self) -> &'static str {
        match self {
            Measure::Spearman => "spearman",
            Measure::PartialRank => "partial_rank",
            Measure::DecileChange => "decile_change",
            Measure::SobolFirst => "sobol_first",
        }
    }
}

/// A measure of one (output, input) pair; NaN where it does not exist
/// (a constant output or input).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Estimate {
    pub output: usize,
    pub input: usize,
    pub measure: Measure,
    pub value: f64,
    pub se: f64,
}

/// Every measure of every (output, input) pair from merged sums, output
/// by output, inputs in order. `pairs`: an antithetic pair is one unit.
pub fn estimates(layout: Layout, sums: &[f64], pairs: bool) -> Vec<Estimate> {
    let Layout { k, m, partial } = layout;
    let l = layout;
    let n = sums[Layout::N];
    let units = if pairs { (n / 2.0).ceil() } else { n };
    // Variance inflation for means over paths when pairs share inputs.
    let design = n / units;
    let mean = |j: usize| sums[l.sg() + j] / n;
    let var = |j: usize| (sums[l.sgg() + j] / n - mean(j) * mean(j)).max(0.0);
    let cov_xx = |i: usize, j: usize| {
        let (a, b) = (i.min(j), i.max(j));
        sums[l.sxx() + a * k + b] / n - mean(a) * mean(b)
    };
    let mut out = Vec::with_capacity(m * k * Measure::ALL.len());
    for o in 0..m {
        let cov_xy = |i: usize| sums[l.sxy() + o * k + i] / n - mean(i) * mean(k + o);
        // Rank correlation matrix of the inputs and this output (index k).
        let corr = |i: usize, j: usize| {
            let c = match (i < k, j < k) {
                (true, true) => cov_xx(i, j),
                (true, false) => cov_xy(i),
                (false, true) => cov_xy(j),
                (false, false) => var(k + o),
            };
            let vi = var(if i < k { i } else { k + o });
            let vj = var(if j < k { j } else { k + o });
            c / (vi * vj).sqrt()
        };
        // Of the first `partial` inputs and the output, which sits last.
        let vars: Vec<usize> = (0..partial).chain([k]).collect();
        let precision = invert(
            vars.iter()
                .map(|&i| vars.iter().map(|&j| corr(i, j)).collect())
                .collect(),
        );
        for i in 0..k {
            let rho = corr(i, k);
            let fieller = |r: f64, dof: f64| (1.0 - r * r) * (1.06 / dof).sqrt();
            let prcc = match &precision {
                Some(p) if i < partial => -p[i][partial] / (p[i][i] * p[partial][partial]).sqrt(),
                // Singular: the output is a monotone function of an input.
                None if i < partial && rho.abs() > 1.0 - 1e-9 => rho,
                _ => f64::NAN,
            };
            let (dc, dc_se) = decile_change(l, sums, o, i, design);
            let (s1, s1_se) = sobol_first(l, sums, o, i, design);
            for (measure, value, se) in [
                (Measure::Spearman, rho, fieller(rho, units - 3.0)),
                (
                    Measure::PartialRank,
                    prcc,
                    fieller(prcc, units - 3.0 - (partial as f64 - 1.0)),
                ),
                (Measure::DecileChange, dc, dc_se),
                (Measure::SobolFirst, s1, s1_se),
            ] {
                out.push(Estimate {
                    output: o,
                    input: i,
                    measure,
                    value,
                    se,
                });
            }
        }
    }
    out
}

/// (count, Σy, Σy²) of output `o` over input `i`'s bin `b` (y shifted).
fn bin(l: Layout, sums: &[f64], o: usize, i: usize, b: usize) -> (f64, f64, f64) {
    let at = (o * l.k + i) * BINS + b;
    (
        sums[l.count() + i * BINS + b],
        sums[l.sy() + at],
        sums[l.syy() + at],
    )
}

/// Mean of the top decile (the top two bins) less that of the bottom one,
/// and its standard error. An input with ties (a discrete one) may leave
/// those bins empty: each side then widens to the nearest bin holding
/// paths, so a 0/1 input gives mean(Y | 1) − mean(Y | 0).
fn decile_change(l: Layout, sums: &[f64], o: usize, i: usize, design: f64) -> (f64, f64) {
    let pool = |bins: &mut dyn Iterator<Item = usize>| {
        let (mut c, mut s, mut ss) = (0.0, 0.0, 0.0);
        for (taken, b) in bins.enumerate() {
            if taken >= BINS / 10 && c > 0.0 {
                break;
            }
            let (bc, bs, bss) = bin(l, sums, o, i, b);
            (c, s, ss) = (c + bc, s + bs, ss + bss);
        }
        let mean = s / c;
        let var = ((ss - s * mean) / (c - 1.0)).max(0.0);
        (mean, var / c * design)
    };
    let (top, top_v) = pool(&mut (0..BINS).rev());
    let (bottom, bottom_v) = pool(&mut (0..BINS));
    (top - bottom, (top_v + bottom_v).sqrt())
}

/// The binned first-order Sobol index with its standard error.
fn sobol_first(l: Layout, sums: &[f64], o: usize, i: usize, design: f64) -> (f64, f64) {
    let bins: Vec<(f64, f64, f64)> = (0..BINS).map(|b| bin(l, sums, o, i, b)).collect();
    let n: f64 = bins.iter().map(|b| b.0).sum();
    let total: f64 = bins.iter().map(|b| b.1).sum();
    let mean = total / n;
    let sst: f64 = bins.iter().map(|b| b.2).sum::<f64>() - total * mean;
    let filled: Vec<&(f64, f64, f64)> = bins.iter().filter(|b| b.0 > 0.0).collect();
    let ssb: f64 = filled
        .iter()
        .map(|(c, s, _)| c * (s / c - mean).powi(2))
        .sum();
    let ssw = (sst - ssb).max(0.0);
    let groups = filled.len() as f64;
    let msw = ssw / (n - groups);
    if sst <= 0.0 || groups < 2.0 {
        return (f64::NAN, f64::NAN);
    }
    // The ANOVA bias correction treats paths as independent: with pairs
    // the remaining bias is of order bins / paths.
    let value = (ssb - (groups - 1.0) * msw) / sst;
    // Delta method on S = B / (B + W), B and W the between- and
    // within-bin variances: dS = ((1 − S) dB − S dW) / V. Each bin mean's
    // error moves B by 2 p (m_b − m); W's error is normal theory's
    // 2 σ_w⁴ / n; near zero the χ² term (groups − 1 degrees) dominates.
    let v = sst / n;
    let between: f64 = filled
        .iter()
        .map(|(c, s, ss)| {
            let m_b = s / c;
            let var_b = ((ss - s * m_b) / (c - 1.0).max(1.0)).max(0.0);
            let p = c / n;
            (2.0 * p * (m_b - mean)).powi(2) * var_b / c * design
        })
        .sum();
    let within = 2.0 * (ssw / n).powi(2) / n * design;
    let chi = 2.0 * (groups - 1.0) * (msw * design / n).powi(2);
    let s = value.clamp(0.0, 1.0);
    let var = (1.0 - s).powi(2) * between + s * s * within + chi;
    (value, var.sqrt() / v)
}

/// The inverse of a small symmetric matrix (Gauss–Jordan with partial
/// pivoting); `None` when it is singular.
fn invert(mut a: Vec<Vec<f64>>) -> Option<Vec<Vec<f64>>> {
    let n = a.len();
    let mut inv: Vec<Vec<f64>> = (0..n)
        .map(|i| (0..n).map(|j| if i == j { 1.0 } else { 0.0 }).collect())
        .collect();
    for col in 0..n {
        let pivot = (col..n).max_by(|&x, &y| a[x][col].abs().total_cmp(&a[y][col].abs()))?;
        if a[pivot][col].abs() <= 1e-12 || a[pivot][col].is_nan() {
            return None;
        }
        a.swap(col, pivot);
        inv.swap(col, pivot);
        let d = a[col][col];
        for j in 0..n {
            a[col][j] /= d;
            inv[col][j] /= d;
        }
        for r in 0..n {
            if r != col {
                let f = a[r][col];
                if f != 0.0 {
                    for j in 0..n {
                        a[r][j] -= f * a[col][j];
                        inv[r][j] -= f * inv[col][j];
                    }
                }
            }
        }
    }
    Some(inv)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grades_are_mid_ranks_linear_between() {
        let g = Grader::from_pilot(vec![3.0, 1.0, 2.0, 2.0]);
        assert_eq!(g.grade(1.0), 0.125);
        assert_eq!(g.grade(2.0), 0.5);
        assert_eq!(g.grade(3.0), 0.875);
        assert_eq!(g.grade(1.5), 0.3125);
        assert_eq!(g.grade(-7.0), 0.125);
        assert_eq!(g.grade(9.0), 0.875);
        assert!(Grader::from_pilot(vec![4.0; 5]).is_constant());
    }

    #[test]
    fn inverse_of_a_correlation_matrix() {
        let a = vec![vec![1.0, 0.5], vec![0.5, 1.0]];
        let inv = invert(a).unwrap();
        let want = [[4.0 / 3.0, -2.0 / 3.0], [-2.0 / 3.0, 4.0 / 3.0]];
        for i in 0..2 {
            for j in 0..2 {
                assert!((inv[i][j] - want[i][j]).abs() < 1e-12);
            }
        }
        assert!(invert(vec![vec![1.0, 1.0], vec![1.0, 1.0]]).is_none());
    }
}
