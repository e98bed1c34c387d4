//! Correlated standard normals through a Cholesky factor (Gaussian copula).
//!
//! Owns the factorisation of a correlation matrix, the test for positive
//! semi-definiteness that validation relies on, and the mapping of
//! independent normals to correlated ones.

use ndarray::Array2;

/// Pivots below this are treated as zero, so a semi-definite matrix (for
/// example a correlation of exactly 1) factors instead of failing.
const PIVOT_TOLERANCE: f64 = 1e-10;

/// Lower-triangular `L` with `L Lᵀ = C`, or `None` when `C` is not positive
/// semi-definite. Works for singular matrices: a zero pivot gives a zero column.
pub fn cholesky_psd(c: &Array2<f64>) -> Option<Array2<f64>> {
    let n = c.nrows();
    let mut l = Array2::<f64>::zeros((n, n));
    for j in 0..n {
        let mut d = c[[j, j]];
        for k in 0..j {
            d -= l[[j, k]] * l[[j, k]];
        }
        if d < -PIVOT_TOLERANCE {
            return None;
        }
        let pivot = d.max(0.0).sqrt();
        l[[j, j]] = pivot;
        for i in j + 1..n {
            let mut s = c[[i, j]];
            for k in 0..j {
                s -= l[[i, k]] * l[[j, k]];
            }
            if pivot > PIVOT_TOLERANCE.sqrt() {
                l[[i, j]] = s / pivot;
            } else if s.abs() > 1e-8 {
                // A zero pivot with a non-zero off-diagonal residual: not PSD.
                return None;
            }
        }
    }
    Some(l)
}

/// A ready factor for drawing `N` correlated normals. `N` is a constant so
/// the product `L z` unrolls into straight-line multiply-adds.
#[derive(Debug, Clone)]
pub struct Correlator<const N: usize> {
    lower: [[f64; N]; N],
    identity: bool,
}

impl<const N: usize> Correlator<N> {
    /// Builds from an `N × N` lower-triangular factor.
    ///
    /// # Panics
    /// If the factor is not `N × N` (a programming error, not user input).
    pub fn new(factor: &Array2<f64>) -> Correlator<N> {
        assert_eq!(
            factor.dim(),
            (N, N),
            "correlation factor has the wrong size"
        );
        let mut lower = [[0.0; N]; N];
        for (i, row) in lower.iter_mut().enumerate() {
            for (j, cell) in row.iter_mut().enumerate().take(i + 1) {
                *cell = factor[[i, j]];
            }
        }
        let identity =
            (0..N).all(|i| (0..N).all(|j| lower[i][j] == if i == j { 1.0 } else { 0.0 }));
        Correlator { lower, identity }
    }

    /// Replaces the independent normals in `z` by correlated ones, in place.
    #[inline]
    pub fn apply(&self, z: &mut [f64; N]) {
        if self.identity {
            return;
        }
        let x = *z;
        for (out, row) in z.iter_mut().zip(&self.lower) {
            *out = row.iter().zip(&x).map(|(a, b)| a * b).sum();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::array;

    #[test]
    fn factors_and_reconstructs() {
        let c = array![[1.0, 0.5, 0.2], [0.5, 1.0, -0.3], [0.2, -0.3, 1.0]];
        let l = cholesky_psd(&c).unwrap();
        let back = l.dot(&l.t());
        for (a, b) in back.iter().zip(c.iter()) {
            assert!((a - b).abs() < 1e-12);
        }
    }

    #[test]
    fn semi_definite_and_indefinite() {
        assert!(cholesky_psd(&array![[1.0, 1.0], [1.0, 1.0]]).is_some());
        assert!(
            cholesky_psd(&array![[1.0, 0.9, 0.9], [0.9, 1.0, -0.9], [0.9, -0.9, 1.0]]).is_none()
        );
    }

    #[test]
    fn apply_matches_matrix_product() {
        let c = array![[1.0, 0.6], [0.6, 1.0]];
        let l = cholesky_psd(&c).unwrap();
        let corr = Correlator::<2>::new(&l);
        let mut z = [0.7, -1.3];
        let expect = l.dot(&array![0.7, -1.3]);
        corr.apply(&mut z);
        assert!((z[0] - expect[0]).abs() < 1e-15 && (z[1] - expect[1]).abs() < 1e-15);
    }
}
