//! Every cell's exact sums over any set of chunks, which merge in any order
//! to the same bits.
//!
//! A chunk's [`super::RowSums`] hand over, per cell, the sums of `d = x − s`,
//! of `d²` and of squared pair means, where the shift `s` is the cell's value
//! on path 0 of the run (the same for every chunk, so their sums add). Here
//! they are added exactly ([`ExactSum`]), with the count and the extremes,
//! and become [`Moments`] only when read: the mean is `s + Σd/n` and the sum
//! of squared deviations `Σd² − (Σd)²/n`, from the correctly rounded sums.
//! So the result is a function of the chunks alone — not of which thread or
//! shard added which, nor of their order — and a run holds one set of sums
//! per worker whatever its number of paths.

use super::{ExactSum, Moments};

/// Exact per-cell sums over some chunks of a run.
#[derive(Debug, Clone, PartialEq)]
pub struct CellSums {
    /// Values per cell (paths) so far.
    pub(crate) n: u64,
    /// Per cell, the value sums are measured from (path 0's); NaN until
    /// the first chunk arrives.
    pub(crate) shift: Vec<f64>,
    pub(crate) sum: Vec<ExactSum>,
    pub(crate) sum_sq: Vec<ExactSum>,
    /// Σ over pairs of the squared pair mean of `d`.
    pub(crate) pair_sq: Vec<ExactSum>,
    pub(crate) min: Vec<f64>,
    pub(crate) max: Vec<f64>,
}

/// One chunk's sums of one cell, as [`super::RowSums`] computed them.
#[derive(Debug, Clone, Copy)]
pub struct ChunkCell {
    pub shift: f64,
    pub sum: f64,
    pub sum_sq: f64,
    pub pair_sq: f64,
    pub min: f64,
    pub max: f64,
}

impl CellSums {
    /// No values yet, for `n_cells` cells.
    pub fn new(n_cells: usize) -> CellSums {
        CellSums {
            n: 0,
            shift: vec![f64::NAN; n_cells],
            sum: vec![ExactSum::new(); n_cells],
            sum_sq: vec![ExactSum::new(); n_cells],
            pair_sq: vec![ExactSum::new(); n_cells],
            min: vec![f64::INFINITY; n_cells],
            max: vec![f64::NEG_INFINITY; n_cells],
        }
    }

    /// Number of cells.
    pub fn len(&self) -> usize {
        self.shift.len()
    }

    /// True when there are no cells.
    pub fn is_empty(&self) -> bool {
        self.shift.is_empty()
    }

    /// Values per cell so far.
    pub fn count(&self) -> u64 {
        self.n
    }

    /// Adds a chunk of `n` paths whose sums `cells` gives, cell by cell.
    pub fn add_chunk(&mut self, n: u64, cells: impl Iterator<Item = ChunkCell>) {
        let first = self.n == 0;
        for (c, x) in cells.enumerate() {
            if first {
                self.shift[c] = x.shift;
            }
            debug_assert_eq!(self.shift[c].to_bits(), x.shift.to_bits());
            self.sum[c].add(x.sum);
            self.sum_sq[c].add(x.sum_sq);
            self.pair_sq[c].add(x.pair_sq);
            self.min[c] = lesser(self.min[c], x.min);
            self.max[c] = greater(self.max[c], x.max);
        }
        self.n += n;
    }

    /// Adds another set of sums of the same run; refuses sums measured
    /// from other shifts (another run's) or of another shape.
    pub fn merge(&mut self, other: &CellSums) -> Result<(), String> {
        if other.len() != self.len() {
            return Err(format!(
                "sums of {} cells cannot join sums of {}",
                other.len(),
                self.len()
            ));
        }
        if other.n == 0 {
            return Ok(());
        }
        if self.n == 0 {
            self.shift.clone_from(&other.shift);
        } else if self
            .shift
            .iter()
            .zip(&other.shift)
            .any(|(a, b)| a.to_bits() != b.to_bits())
        {
            return Err("the sums are measured from different values (another run's)".into());
        }
        for c in 0..self.len() {
            self.sum[c].merge(&other.sum[c]);
            self.sum_sq[c].merge(&other.sum_sq[c]);
            self.pair_sq[c].merge(&other.pair_sq[c]);
            self.min[c] = lesser(self.min[c], other.min[c]);
            self.max[c] = greater(self.max[c], other.max[c]);
        }
        self.n += other.n;
        Ok(())
    }

    /// Every cell's moments; `paired` when the paths are antithetic pairs.
    pub fn moments(&self, paired: bool) -> Vec<Moments> {
        (0..self.len())
            .map(|c| {
                Moments::from_shifted(
                    self.n,
                    paired,
                    self.shift[c],
                    self.sum[c].value(),
                    self.sum_sq[c].value(),
                    self.pair_sq[c].value(),
                    (self.min[c], self.max[c]),
                )
            })
            .collect()
    }
}

/// The smaller in IEEE total order (−0 below +0), so extremes do not
/// depend on the order they are combined in, even for the sign of a zero.
fn lesser(a: f64, b: f64) -> f64 {
    if b.total_cmp(&a).is_lt() { b } else { a }
}

/// The larger in IEEE total order.
fn greater(a: f64, b: f64) -> f64 {
    if b.total_cmp(&a).is_gt() { b } else { a }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chunk(xs: &[f64], shift: f64) -> ChunkCell {
        let d = |x: f64| x - shift;
        ChunkCell {
            shift,
            sum: xs.iter().map(|&x| d(x)).sum(),
            sum_sq: xs.iter().map(|&x| d(x) * d(x)).sum(),
            pair_sq: xs.iter().map(|&x| 0.25 * d(x) * d(x)).sum(),
            min: xs.iter().copied().fold(f64::INFINITY, f64::min),
            max: xs.iter().copied().fold(f64::NEG_INFINITY, f64::max),
        }
    }

    /// Chunks added in any order, or split between two sets that merge,
    /// give the same bits.
    #[test]
    fn any_order_and_split_gives_the_same_bits() {
        let xs = crate::stats::test_data();
        let parts: Vec<&[f64]> = xs.chunks(37).collect();
        let shift = xs[0];
        let mut forward = CellSums::new(1);
        for p in &parts {
            forward.add_chunk(p.len() as u64, std::iter::once(chunk(p, shift)));
        }
        let mut backward = CellSums::new(1);
        for p in parts.iter().rev() {
            backward.add_chunk(p.len() as u64, std::iter::once(chunk(p, shift)));
        }
        assert_eq!(forward, backward);
        for cut in [0, 1, 13, parts.len()] {
            let (mut a, mut b) = (CellSums::new(1), CellSums::new(1));
            for p in &parts[..cut] {
                a.add_chunk(p.len() as u64, std::iter::once(chunk(p, shift)));
            }
            for p in &parts[cut..] {
                b.add_chunk(p.len() as u64, std::iter::once(chunk(p, shift)));
            }
            b.merge(&a).unwrap();
            assert_eq!(b, forward);
        }
        let m = forward.moments(false)[0];
        let mut w = Moments::default();
        xs.iter().for_each(|&x| w.push(x));
        assert_eq!(m.count(), 1000);
        assert!((m.mean() - w.mean()).abs() < 1e-9);
        assert!((m.variance() / w.variance() - 1.0).abs() < 1e-9);
        assert_eq!((m.min(), m.max()), (w.min(), w.max()));
    }

    #[test]
    fn signed_zeros_and_other_runs() {
        let mut a = CellSums::new(1);
        a.add_chunk(1, std::iter::once(chunk(&[0.0], 0.0)));
        let mut b = CellSums::new(1);
        b.add_chunk(1, std::iter::once(chunk(&[-0.0], 0.0)));
        let mut ab = a.clone();
        ab.merge(&b).unwrap();
        b.merge(&a).unwrap();
        assert_eq!(ab.min[0].to_bits(), (-0.0f64).to_bits());
        assert_eq!(ab.max[0].to_bits(), 0.0f64.to_bits());
        assert_eq!(ab, b);
        let mut other = CellSums::new(1);
        other.add_chunk(1, std::iter::once(chunk(&[1.0], 1.0)));
        assert!(other.merge(&a).is_err());
        assert!(CellSums::new(2).merge(&a).is_err());
    }
}
