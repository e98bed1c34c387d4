//! A chunk's running sums for every cell at once, fed one path's row of
//! values at a time (path-major).
//!
//! The engine hands over a path's values as one row (every cell, in cell
//! order) and, two paths at a time, [`RowSums::push_pair`] updates each
//! cell's sums with a straight loop over contiguous arrays, one array per
//! accumulator, which the compiler vectorises across cells.
//!
//! Per cell the sums are of `x − s` and `(x − s)²`, with the shift `s` the
//! cell's value on the run's path 0 (the same for every chunk, so chunk
//! sums add exactly in [`CellSums`]): that keeps the cancellation in
//! `Σd² − (Σd)²/n` small (deviations of the order of the standard deviation,
//! not of the mean) and makes a zero-volatility cell's variance exactly
//! zero. The two members of a pair (paths 2k and 2k+1 of the chunk) go into
//! two lanes, and the squared pair sums are kept for the standard error
//! under antithetic sampling ([`super::Moments`]). Every [`BLOCK_PATHS`]
//! paths the lanes fold into the cell's totals. This is a fixed order of
//! operations, so a chunk's sums are a deterministic function of its values.

use super::CellSums;
use super::cell_sums::ChunkCell;

/// Paths whose lane sums are folded into the totals at once.
pub const BLOCK_PATHS: usize = 64;
/// Cells updated by every pair of a group before the next cells: 1,024
/// cells' eight accumulators and a group's eight rows are 128 KB, well
/// within L2.
pub const TILE_CELLS: usize = 1024;

/// Running sums of every cell over the paths of one chunk.
#[derive(Debug, Clone)]
pub struct RowSums {
    shift: Vec<f64>,
    sum: Vec<f64>,
    sum_sq: Vec<f64>,
    /// Σ over pairs of ((d₂ₖ + d₂ₖ₊₁)/2)².
    pair_sq: Vec<f64>,
    min: Vec<f64>,
    max: Vec<f64>,
    lanes: Lanes,
    /// Pairs pushed since the lanes were last folded.
    pairs_in_block: usize,
}

/// The current block's two-lane accumulators, one array each.
#[derive(Debug, Clone)]
struct Lanes {
    s0: Vec<f64>,
    s1: Vec<f64>,
    q0: Vec<f64>,
    q1: Vec<f64>,
    /// Σ (d₂ₖ + d₂ₖ₊₁)².
    pq: Vec<f64>,
}

impl RowSums {
    /// Sums for `n_cells` cells, empty until [`RowSums::start`].
    pub fn new(n_cells: usize) -> RowSums {
        let zeros = || vec![0.0; n_cells];
        RowSums {
            shift: zeros(),
            sum: zeros(),
            sum_sq: zeros(),
            pair_sq: zeros(),
            min: vec![f64::INFINITY; n_cells],
            max: vec![f64::NEG_INFINITY; n_cells],
            lanes: Lanes {
                s0: zeros(),
                s1: zeros(),
                q0: zeros(),
                q1: zeros(),
                pq: zeros(),
            },
            pairs_in_block: 0,
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

    /// Starts a chunk whose values are measured from `shift` (the run's
    /// path 0's row, the same for every chunk so that their sums add).
    pub fn start(&mut self, shift: &[f64]) {
        self.shift.copy_from_slice(shift);
        self.sum.fill(0.0);
        self.sum_sq.fill(0.0);
        self.pair_sq.fill(0.0);
        self.min.fill(f64::INFINITY);
        self.max.fill(f64::NEG_INFINITY);
        self.open_block();
    }

    fn open_block(&mut self) {
        let l = &mut self.lanes;
        for v in [&mut l.s0, &mut l.s1, &mut l.q0, &mut l.q1, &mut l.pq] {
            v.fill(0.0);
        }
        self.pairs_in_block = 0;
    }

    /// Adds the rows of paths 2k and 2k+1 of the chunk.
    #[inline]
    pub fn push_pair(&mut self, a: &[f64], b: &[f64]) {
        self.push_pairs(&[a, b]);
    }

    /// Adds several consecutive pairs' rows (`rows` = paths 2k, 2k+1,
    /// 2k+2, …), cells a tile of [`TILE_CELLS`] at a time: each tile's sums
    /// stay in cache while every pair updates them. Each cell still sees
    /// the pairs in order, so the bits are those of one pair at a time.
    /// The pairs must not cross a block of [`BLOCK_PATHS`] paths.
    pub fn push_pairs<R: AsRef<[f64]>>(&mut self, rows: &[R]) {
        let pairs = rows.len() / 2;
        debug_assert!(rows.len() % 2 == 0 && 2 * (self.pairs_in_block + pairs) <= BLOCK_PATHS);
        let n = self.shift.len();
        for lo in (0..n).step_by(TILE_CELLS) {
            let hi = (lo + TILE_CELLS).min(n);
            for pair in rows.chunks_exact(2) {
                self.update(pair[0].as_ref(), pair[1].as_ref(), lo..hi);
            }
        }
        self.pairs_in_block += pairs;
        if 2 * self.pairs_in_block == BLOCK_PATHS {
            self.close_block();
        }
    }

    /// One pair's update of the cells in `cells`.
    #[inline(always)]
    fn update(&mut self, a: &[f64], b: &[f64], cells: std::ops::Range<usize>) {
        let (a, b, shift) = (
            &a[cells.clone()],
            &b[cells.clone()],
            &self.shift[cells.clone()],
        );
        let l = &mut self.lanes;
        let n = shift.len();
        let (s0, s1, q0, q1, pq) = (
            &mut l.s0[cells.clone()][..n],
            &mut l.s1[cells.clone()][..n],
            &mut l.q0[cells.clone()][..n],
            &mut l.q1[cells.clone()][..n],
            &mut l.pq[cells.clone()][..n],
        );
        let (min, max) = (&mut self.min[cells.clone()][..n], &mut self.max[cells][..n]);
        let (a, b) = (&a[..n], &b[..n]);
        for c in 0..n {
            let (x, y) = (a[c], b[c]);
            let (dx, dy) = (x - shift[c], y - shift[c]);
            s0[c] += dx;
            s1[c] += dy;
            q0[c] += dx * dx;
            q1[c] += dy * dy;
            pq[c] += (dx + dy) * (dx + dy);
            // Comparisons rather than `f64::min`: one `minpd` each, since
            // non-finite values are rejected by the engine anyway. Extremes
            // are exact in any order (but for the sign of a zero).
            let (lo, hi) = if x < y { (x, y) } else { (y, x) };
            min[c] = if lo < min[c] { lo } else { min[c] };
            max[c] = if hi > max[c] { hi } else { max[c] };
        }
    }

    /// Folds the block's lanes into the totals and opens a new block.
    fn close_block(&mut self) {
        if self.pairs_in_block > 0 {
            let l = &self.lanes;
            for c in 0..self.shift.len() {
                self.sum[c] += l.s0[c] + l.s1[c];
                self.sum_sq[c] += l.q0[c] + l.q1[c];
                // The squared pair sums are four times the squared pair means.
                self.pair_sq[c] += 0.25 * l.pq[c];
            }
        }
        self.open_block();
    }

    /// Adds the row of a last, unpaired path (an odd path count).
    pub fn push_single(&mut self, a: &[f64]) {
        self.close_block();
        for (c, &x) in a[..self.shift.len()].iter().enumerate() {
            let d = x - self.shift[c];
            self.sum[c] += d;
            self.sum_sq[c] += d * d;
            self.pair_sq[c] += 0.25 * d * d;
            self.min[c] = self.min[c].min(x);
            self.max[c] = self.max[c].max(x);
        }
        self.open_block();
    }

    /// Adds the sums of the `n` paths pushed since [`RowSums::start`] to
    /// `into`, the cells at `positions` of a row in that order.
    pub fn add_to(&mut self, n: u64, positions: &[usize], into: &mut CellSums) {
        self.close_block();
        into.add_chunk(
            n,
            positions.iter().map(|&c| ChunkCell {
                shift: self.shift[c],
                sum: self.sum[c],
                sum_sq: self.sum_sq[c],
                pair_sq: self.pair_sq[c],
                min: self.min[c],
                max: self.max[c],
            }),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stats::Moments;

    /// The moments of the cells at `positions` over the `n` paths pushed.
    fn finish(s: &mut RowSums, n: u64, paired: bool, positions: &[usize]) -> Vec<Moments> {
        let mut into = CellSums::new(positions.len());
        s.add_to(n, positions, &mut into);
        into.moments(paired)
    }

    /// One cell's moments from a run of values pushed as rows of one.
    fn sums(xs: &[f64], paired: bool) -> Moments {
        let mut s = RowSums::new(1);
        s.start(&xs[..1]);
        let mut pairs = xs.chunks_exact(2);
        for p in &mut pairs {
            s.push_pair(&p[..1], &p[1..]);
        }
        if let [x] = pairs.remainder() {
            s.push_single(&[*x]);
        }
        finish(&mut s, xs.len() as u64, paired, &[0])[0]
    }

    #[test]
    fn row_sums_match_welford() {
        let xs = crate::stats::test_data();
        for len in [1000, 998, 997, 3, 1] {
            let m = sums(&xs[..len], false);
            let mut w = Moments::default();
            xs[..len].iter().for_each(|x| w.push(*x));
            assert_eq!(m.count(), len as u64);
            assert!((m.mean() - w.mean()).abs() < 1e-9, "{len}");
            assert!(
                (m.variance() - w.variance()).abs() <= 1e-9 * w.variance(),
                "{len}"
            );
            assert_eq!((m.min(), m.max()), (w.min(), w.max()));
            if len > 1 {
                assert!((m.std_error() / w.std_error() - 1.0).abs() < 1e-9);
            }
        }
    }

    #[test]
    fn cells_are_independent_and_restart_per_chunk() {
        let xs = crate::stats::test_data();
        let mut s = RowSums::new(2);
        // A first chunk of other values, then the chunk that counts.
        s.start(&[5.0, 6.0]);
        s.push_pair(&[1.0, 2.0], &[3.0, 4.0]);
        s.start(&[xs[0], -xs[0]]);
        for p in xs.chunks_exact(2) {
            s.push_pair(&[p[0], -p[0]], &[p[1], -p[1]]);
        }
        let m = finish(&mut s, 1000, false, &[0, 1]);
        let one = sums(&xs, false);
        assert_eq!(m[0], one);
        assert_eq!(m[1].mean(), -one.mean());
        assert_eq!(m[1].variance().to_bits(), one.variance().to_bits());
        assert_eq!((m[1].min(), m[1].max()), (-one.max(), -one.min()));
    }

    #[test]
    fn paired_standard_error_uses_pair_means() {
        // Pairs (1, 3), (2, 6), (0, 4): pair means 2, 4, 2, whose sample
        // variance is 4/3, so the standard error is sqrt(4/3 / 3).
        let xs = [1.0, 3.0, 2.0, 6.0, 0.0, 4.0];
        let m = sums(&xs, true);
        assert!((m.mean() - 8.0 / 3.0).abs() < 1e-15);
        assert!((m.std_error() - (4.0f64 / 3.0 / 3.0).sqrt()).abs() < 1e-12);
        // Perfectly mirrored pairs: no error at all.
        assert_eq!(sums(&[1.0, -1.0, 5.0, -5.0], true).std_error(), 0.0);
    }

    /// A group of pairs, tile by tile, gives the bits of one pair at a
    /// time (more cells than a tile, so tiles end mid-row).
    #[test]
    fn groups_of_pairs_equal_one_pair_at_a_time() {
        let n = 2 * TILE_CELLS + 37;
        let xs = crate::stats::test_data();
        let row = |p: usize| -> Vec<f64> {
            (0..n)
                .map(|c| xs[(p * 31 + c * 7) % 1000] * (1.0 + c as f64))
                .collect()
        };
        let rows: Vec<Vec<f64>> = (0..BLOCK_PATHS + 16).map(row).collect();
        let all: Vec<usize> = (0..n).collect();
        let mut single = RowSums::new(n);
        single.start(&rows[0]);
        for p in rows.chunks_exact(2) {
            single.push_pair(&p[0], &p[1]);
        }
        let mut grouped = RowSums::new(n);
        grouped.start(&rows[0]);
        for group in rows.chunks(8) {
            grouped.push_pairs(group);
        }
        let (a, b) = (
            finish(&mut single, rows.len() as u64, true, &all),
            finish(&mut grouped, rows.len() as u64, true, &all),
        );
        assert!(
            a.iter()
                .zip(&b)
                .all(|(x, y)| format!("{x:?}") == format!("{y:?}"))
        );
    }

    #[test]
    fn constant_values_have_zero_variance() {
        let m = sums(&[0.1; 100], false);
        assert_eq!(m.variance(), 0.0);
        assert_eq!(m.mean(), 0.1);
    }
}
