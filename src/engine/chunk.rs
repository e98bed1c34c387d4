//! One chunk of paths: seed each path, run the model, feed the statistics.
//!
//! Path-major: the model writes a path's values into one row (every cell
//! in cell order, a few tens of kilobytes that stay in cache), and each
//! pair of rows then updates every cell's sums in one vectorised pass
//! ([`RowSums`]) and the histograms of the cells that keep quantiles.

use super::{CHUNK_PATHS, PathModel, Recorder, RunConfig, seeding};
use crate::engine::MetricId;
use crate::stats::{LogHistogram, Moments, RowSums};

/// A worker thread's reusable state: model scratch, the histograms of the
/// cells that keep quantiles, the chunk's running sums and two rows.
pub(super) struct Worker<S> {
    scratch: S,
    /// The cells with a histogram, ascending.
    pub(super) histogram_cells: Vec<usize>,
    /// One per entry of `histogram_cells`.
    pub(super) histograms: Vec<LogHistogram>,
    sums: RowSums,
    /// The rows of the current pair of paths.
    rows: [Vec<f64>; 2],
}

impl<S> Worker<S> {
    pub(super) fn new(scratch: S, n_cells: usize, histogram_cells: Vec<usize>) -> Worker<S> {
        Worker {
            scratch,
            histograms: vec![LogHistogram::new(); histogram_cells.len()],
            histogram_cells,
            sums: RowSums::new(n_cells),
            rows: [vec![0.0; n_cells], vec![0.0; n_cells]],
        }
    }
}

/// What a chunk hands back for ordered merging.
pub(super) struct ChunkOutput {
    pub(super) moments: Vec<Moments>,
    pub(super) samples: Vec<f64>,
}

/// Writes one path's values into its row.
struct RowRecorder<'a> {
    n_quarters: usize,
    row: &'a mut [f64],
}

impl Recorder for RowRecorder<'_> {
    #[inline(always)]
    fn record(&mut self, metric: MetricId, quarter: usize, value: f64) {
        self.row[metric.0 * self.n_quarters + quarter] = value;
    }
}

pub(super) fn run_chunk<M: PathModel>(
    model: &M,
    cfg: &RunConfig,
    chunk: u64,
    worker: &mut Worker<M::Scratch>,
) -> ChunkOutput {
    let Worker {
        scratch,
        histogram_cells,
        histograms,
        sums,
        rows,
    } = worker;
    let n_cells = sums.len();
    let start = chunk * CHUNK_PATHS;
    let end = (start + CHUNK_PATHS).min(cfg.n_paths);
    let n_sampled = cfg.sample_paths.clamp(start, end) - start;
    let mut samples = Vec::with_capacity(n_sampled as usize * n_cells);
    // Paths 2k and 2k+1 of the chunk form a pair (chunks start even).
    let mut pair_start = start;
    while pair_start < end {
        let pair_end = (pair_start + 2).min(end);
        for (path, row) in (pair_start..pair_end).zip(rows.iter_mut()) {
            let mut random = seeding::path_random(cfg.seed, path, cfg.antithetic);
            let mut rec = RowRecorder {
                n_quarters: model.n_quarters(),
                row,
            };
            model.simulate(scratch, &mut random, &mut rec);
            if path < cfg.sample_paths {
                samples.extend_from_slice(row);
            }
            for (&cell, h) in histogram_cells.iter().zip(histograms.iter_mut()) {
                h.insert(row[cell]);
            }
        }
        if pair_start == start {
            sums.start(&rows[0]);
        }
        if pair_end - pair_start == 2 {
            sums.push_pair(&rows[0], &rows[1]);
        } else {
            sums.push_single(&rows[0]);
        }
        pair_start = pair_end;
    }
    ChunkOutput {
        moments: sums.finish(end - start, cfg.antithetic),
        samples,
    }
}
