//! One chunk of paths: seed each path, run the model, feed the statistics.
//!
//! Path-major: the model writes a path's values into one row (every cell,
//! a few tens of kilobytes that stay in cache); every eight rows (four
//! pairs) then update every cell's sums in vectorised passes over tiles of
//! cells, so a tile's sums stay in cache for all four pairs ([`RowSums`]).
//! The values of the cells that keep quantiles are staged for 256 paths
//! and then inserted eight histograms at a time, so a histogram's buckets
//! are fetched once per batch, not once per path. A row is laid out quarter
//! by quarter (position `quarter × metrics + metric`), the order the model
//! records in, so a quarter's writes fall on neighbouring cache lines;
//! results leave in cell order (metric-major), each cell's arithmetic
//! untouched by the layout. At the end of a chunk its sums (measured from
//! path 0's row) are added exactly into the worker's [`CellSums`], so a
//! chunk hands back only its sample paths' values.

use super::sensitivity::Prepared;
use super::{CHUNK_PATHS, PathModel, Recorder, RunConfig, seeding};
use crate::engine::MetricId;
use crate::stats::sensitivity::SensSums;
use crate::stats::{CellSums, ExactSum, LogHistogram, RowSums};

/// A worker thread's reusable state: model scratch, the histograms of the
/// cells that keep quantiles, the chunk's running sums and a group's rows,
/// and the exact sums of every chunk it ran.
pub(super) struct Worker<S> {
    scratch: S,
    /// Path 0's row: what every chunk's sums are measured from.
    shift: Vec<f64>,
    /// The exact sums of the chunks this worker ran, per cell.
    pub(super) cells: CellSums,
    /// Their sensitivity sums (empty without sensitivity).
    pub(super) sens_total: Vec<ExactSum>,
    n_metrics: usize,
    /// The cells with a histogram, in row order.
    pub(super) histogram_cells: Vec<usize>,
    /// Their positions in a row, ascending.
    histogram_positions: Vec<usize>,
    /// Each cell's position in a row, in cell order.
    positions: Vec<usize>,
    /// One per entry of `histogram_cells`.
    pub(super) histograms: Vec<LogHistogram>,
    sums: RowSums,
    /// The rows of the current group of paths.
    rows: Vec<Vec<f64>>,
    /// The histogram cells' values of up to [`HISTOGRAM_BATCH`] paths,
    /// path-major.
    staged: Vec<f64>,
    /// The chunk's sensitivity sums, when the run relates inputs to outputs.
    sens: Option<SensSums>,
    /// A path's sensitivity variables.
    sens_values: Vec<f64>,
}

/// Paths whose histogram values are inserted together.
const HISTOGRAM_BATCH: usize = 256;
/// Paths simulated before the sums take them: four pairs, whose eight
/// rows the sums read tile by tile (`RowSums::push_pairs`). Divides
/// `BLOCK_PATHS` and `HISTOGRAM_BATCH`.
const GROUP_PATHS: u64 = 8;

impl<S> Worker<S> {
    pub(super) fn new(
        scratch: S,
        shift: Vec<f64>,
        n_metrics: usize,
        n_quarters: usize,
        histogram_cells: Vec<usize>,
        sens: Option<SensSums>,
    ) -> Worker<S> {
        let n_cells = n_metrics * n_quarters;
        let position = |cell: usize| row_position(cell, n_metrics, n_quarters);
        // In row order, so a path's insertions read its row front to back.
        let mut histogram_cells = histogram_cells;
        histogram_cells.sort_by_key(|&c| position(c));
        Worker {
            scratch,
            shift,
            cells: CellSums::new(n_cells),
            sens_total: vec![ExactSum::new(); sens.as_ref().map_or(0, SensSums::len)],
            n_metrics,
            histograms: vec![LogHistogram::new(); histogram_cells.len()],
            histogram_positions: histogram_cells.iter().map(|&c| position(c)).collect(),
            histogram_cells,
            positions: (0..n_cells).map(position).collect(),
            sums: RowSums::new(n_cells),
            rows: vec![vec![0.0; n_cells]; GROUP_PATHS as usize],
            staged: Vec::new(),
            sens,
            sens_values: Vec::new(),
        }
    }
}

/// The values of a chunk's sample paths (its sums stay with the worker).
pub(super) struct ChunkOutput {
    pub(super) samples: Vec<f64>,
}

/// Path 0's row, quarter-major: the shift every chunk's sums use.
pub(super) fn shift_row<M: PathModel>(model: &M, cfg: &RunConfig) -> Vec<f64> {
    let n_metrics = model.metrics().len();
    let mut row = vec![0.0; n_metrics * model.n_quarters()];
    let mut random = seeding::path_random(cfg.seed, 0, cfg.antithetic);
    let mut rec = RowRecorder {
        n_metrics,
        row: &mut row,
    };
    model.simulate(&mut model.scratch(), &mut random, &mut rec);
    row
}

/// Where cell `cell` (metric-major: `metric × quarters + quarter`) sits in
/// a path's row, which is quarter-major.
#[inline]
pub(super) fn row_position(cell: usize, n_metrics: usize, n_quarters: usize) -> usize {
    (cell % n_quarters) * n_metrics + cell / n_quarters
}

/// Writes one path's values into its row, quarter-major.
pub(super) struct RowRecorder<'a> {
    pub(super) n_metrics: usize,
    pub(super) row: &'a mut [f64],
}

impl Recorder for RowRecorder<'_> {
    #[inline(always)]
    fn record(&mut self, metric: MetricId, quarter: usize, value: f64) {
        self.row[quarter * self.n_metrics + metric.0] = value;
    }
    #[inline(always)]
    fn recorded(&self, metric: MetricId, quarter: usize) -> f64 {
        self.row[quarter * self.n_metrics + metric.0]
    }
}

pub(super) fn run_chunk<M: PathModel>(
    model: &M,
    cfg: &RunConfig,
    chunk: u64,
    worker: &mut Worker<M::Scratch>,
    prepared: Option<&Prepared>,
) -> ChunkOutput {
    let Worker {
        scratch,
        shift,
        cells,
        sens_total,
        n_metrics,
        histogram_positions,
        histograms,
        sums,
        rows,
        staged,
        positions,
        sens,
        sens_values,
        ..
    } = worker;
    let n_metrics = *n_metrics;
    let n_cells = sums.len();
    let start = chunk * CHUNK_PATHS;
    let end = (start + CHUNK_PATHS).min(cfg.n_paths);
    let n_sampled = cfg.sample_paths.clamp(start, end) - start;
    let mut samples = Vec::with_capacity(n_sampled as usize * n_cells);
    // Paths 2k and 2k+1 of the chunk form a pair (chunks start even); the
    // sums take a group of pairs at a time, cells tile by tile.
    let mut group_start = start;
    while group_start < end {
        let group_end = (group_start + GROUP_PATHS).min(end);
        for (path, row) in (group_start..group_end).zip(rows.iter_mut()) {
            let mut random = seeding::path_random(cfg.seed, path, cfg.antithetic);
            let mut rec = RowRecorder { n_metrics, row };
            model.simulate(scratch, &mut random, &mut rec);
            if path < cfg.sample_paths {
                samples.extend(positions.iter().map(|&at| row[at]));
            }
            staged.extend(histogram_positions.iter().map(|&at| row[at]));
            if let (Some(p), Some(s)) = (prepared, sens.as_mut()) {
                p.push(row, sens_values, s);
            }
        }
        if staged.len() >= HISTOGRAM_BATCH * histogram_positions.len() {
            insert_staged(staged, histograms);
        }
        if group_start == start {
            sums.start(shift);
        }
        let n = (group_end - group_start) as usize;
        if n >= 2 {
            sums.push_pairs(&rows[..n - n % 2]);
        }
        if n % 2 == 1 {
            sums.push_single(&rows[n - 1]);
        }
        group_start = group_end;
    }
    insert_staged(staged, histograms);
    sums.add_to(end - start, positions, cells);
    if let Some(s) = sens.as_mut() {
        s.add_to(sens_total);
    }
    ChunkOutput { samples }
}

/// Inserts the staged rows into the histograms, eight histograms at a
/// time, and empties the stage.
fn insert_staged(staged: &mut Vec<f64>, histograms: &mut [LogHistogram]) {
    let n = histograms.len();
    // Eight histograms at a time: one cache line of each staged row.
    for (t, tile) in histograms.chunks_mut(8).enumerate() {
        let j = 8 * t;
        for row in staged.chunks_exact(n) {
            for (h, &x) in tile.iter_mut().zip(&row[j..]) {
                h.insert(x);
            }
        }
    }
    staged.clear();
}
