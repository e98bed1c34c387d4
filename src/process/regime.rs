//! A Markov chain over named regime states, stepped once a quarter.
//!
//! The next state is found by inverting the current row's CDF with one
//! uniform. `stationary` solves πP = π for the long-run occupancy the
//! simulated chain must reproduce.

/// The chain's cumulative transition rows.
#[derive(Debug, Clone, PartialEq)]
pub struct RegimeChain {
    n: usize,
    cumulative: Vec<f64>,
}

impl RegimeChain {
    /// From a row-stochastic matrix (rows validated to sum to 1).
    pub fn new(transition: &[Vec<f64>]) -> RegimeChain {
        let n = transition.len();
        let mut cumulative = Vec::with_capacity(n * n);
        for row in transition {
            let mut acc = 0.0;
            for p in row {
                acc += p;
                cumulative.push(acc);
            }
        }
        RegimeChain { n, cumulative }
    }

    /// Number of states.
    pub fn len(&self) -> usize {
        self.n
    }

    /// True for a chain without states.
    pub fn is_empty(&self) -> bool {
        self.n == 0
    }

    /// The next state from `state` for a uniform `u` in (0, 1).
    #[inline]
    pub fn step(&self, state: usize, u: f64) -> usize {
        let row = &self.cumulative[state * self.n..(state + 1) * self.n];
        // Rounding can leave the last cumulative entry a hair below 1.
        row.iter().position(|&c| u <= c).unwrap_or(self.n - 1)
    }
}

/// The stationary distribution π with πP = π, Σπ = 1, by Gaussian
/// elimination on (Pᵀ − I) with one equation replaced by the normalisation.
pub fn stationary(transition: &[Vec<f64>]) -> Vec<f64> {
    let n = transition.len();
    let mut a = vec![vec![0.0; n + 1]; n];
    for (i, row) in a.iter_mut().enumerate() {
        for (j, cell) in row.iter_mut().take(n).enumerate() {
            *cell = transition[j][i] - if i == j { 1.0 } else { 0.0 };
        }
    }
    a[n - 1] = vec![1.0; n + 1];
    for col in 0..n {
        let pivot = (col..n)
            .max_by(|&x, &y| a[x][col].abs().total_cmp(&a[y][col].abs()))
            .unwrap_or(col);
        a.swap(col, pivot);
        let pivot_row = {
            let p = a[col][col];
            a[col].iter().map(|x| x / p).collect::<Vec<f64>>()
        };
        for (r, row) in a.iter_mut().enumerate() {
            if r != col {
                let f = row[col];
                row.iter_mut()
                    .zip(&pivot_row)
                    .for_each(|(x, p)| *x -= f * p);
            }
        }
        a[col] = pivot_row;
    }
    a.iter().map(|row| row[n]).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn steps_by_inverse_cdf() {
        let c = RegimeChain::new(&[vec![0.9, 0.1], vec![0.5, 0.5]]);
        assert_eq!(c.step(0, 0.5), 0);
        assert_eq!(c.step(0, 0.95), 1);
        assert_eq!(c.step(1, 0.49), 0);
        assert_eq!(c.step(1, 0.999_999), 1);
    }

    #[test]
    fn two_state_stationary_closed_form() {
        let (a, b) = (0.1, 0.3);
        let pi = stationary(&[vec![1.0 - a, a], vec![b, 1.0 - b]]);
        assert!((pi[0] - b / (a + b)).abs() < 1e-12 && (pi[1] - a / (a + b)).abs() < 1e-12);
    }
}
