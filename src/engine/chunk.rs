//! One chunk of paths: seed each path, run the model, feed the statistics.

use super::{CHUNK_PATHS, PathModel, Recorder, RunConfig, seeding};
use crate::engine::MetricId;
use crate::stats::{LogHistogram, Moments, ShiftedSums};

/// Paths whose values are buffered before they are folded into the
/// statistics. The model's writes become plain stores; the statistics then
/// run over each cell's values contiguously, which is what keeps the cost
/// per recorded value near one nanosecond.
const BUFFER_PATHS: usize = 64;

/// A worker thread's reusable state: model scratch, its histograms, the
/// chunk's running sums and the value buffer.
pub(super) struct Worker<S> {
    scratch: S,
    pub(super) histograms: Vec<LogHistogram>,
    /// Per cell: false for indicator cells, whose quantiles need no histogram.
    needs_histogram: Vec<bool>,
    sums: Vec<ShiftedSums>,
    buffer: Vec<f64>,
}

impl<S> Worker<S> {
    pub(super) fn new(scratch: S, needs_histogram: Vec<bool>) -> Worker<S> {
        let n_cells = needs_histogram.len();
        Worker {
            scratch,
            histograms: vec![LogHistogram::new(); n_cells],
            needs_histogram,
            sums: vec![ShiftedSums::default(); n_cells],
            buffer: vec![0.0; n_cells * BUFFER_PATHS],
        }
    }
}

/// What a chunk hands back for ordered merging.
pub(super) struct ChunkOutput {
    pub(super) moments: Vec<Moments>,
    pub(super) samples: Vec<f64>,
}

/// Writes one path's values into its column of the buffer.
struct BufferRecorder<'a> {
    n_quarters: usize,
    slot: usize,
    buffer: &'a mut [f64],
}

impl Recorder for BufferRecorder<'_> {
    #[inline(always)]
    fn record(&mut self, metric: MetricId, quarter: usize, value: f64) {
        let cell = metric.0 * self.n_quarters + quarter;
        self.buffer[cell * BUFFER_PATHS + self.slot] = value;
    }
}

/// Folds the first `n` buffered paths of every cell into the statistics.
fn flush(
    buffer: &[f64],
    n: usize,
    first: bool,
    sums: &mut [ShiftedSums],
    histograms: &mut [LogHistogram],
    needs_histogram: &[bool],
) {
    for (((values, s), h), &needs_histogram) in buffer
        .chunks_exact(BUFFER_PATHS)
        .zip(sums.iter_mut())
        .zip(histograms.iter_mut())
        .zip(needs_histogram)
    {
        let values = &values[..n];
        if first {
            s.start(values[0]);
        }
        // Blocks hold an even number of paths from an even offset, so
        // antithetic pairs never straddle two calls.
        s.extend(values);
        if needs_histogram {
            for &x in values {
                h.insert(x);
            }
        } else {
            debug_assert!(
                values.iter().all(|&x| x == 0.0 || x == 1.0),
                "indicator not 0/1"
            );
        }
    }
}

pub(super) fn run_chunk<M: PathModel>(
    model: &M,
    cfg: &RunConfig,
    chunk: u64,
    worker: &mut Worker<M::Scratch>,
) -> ChunkOutput {
    let n_cells = worker.histograms.len();
    let start = chunk * CHUNK_PATHS;
    let end = (start + CHUNK_PATHS).min(cfg.n_paths);
    let n_sampled = cfg.sample_paths.clamp(start, end) - start;
    let mut samples = vec![0.0; n_sampled as usize * n_cells];
    let Worker {
        scratch,
        histograms,
        needs_histogram,
        sums,
        buffer,
    } = worker;
    let mut block_start = start;
    while block_start < end {
        let block_end = (block_start + BUFFER_PATHS as u64).min(end);
        for path in block_start..block_end {
            let mut random = seeding::path_random(cfg.seed, path, cfg.antithetic);
            let slot = (path - block_start) as usize;
            let mut rec = BufferRecorder {
                n_quarters: model.n_quarters(),
                slot,
                buffer,
            };
            model.simulate(scratch, &mut random, &mut rec);
            if path < cfg.sample_paths {
                let k = (path - start) as usize;
                let row = &mut samples[k * n_cells..(k + 1) * n_cells];
                for (cell, v) in row.iter_mut().enumerate() {
                    *v = buffer[cell * BUFFER_PATHS + slot];
                }
            }
        }
        flush(
            buffer,
            (block_end - block_start) as usize,
            block_start == start,
            sums,
            histograms,
            needs_histogram,
        );
        block_start = block_end;
    }
    ChunkOutput {
        moments: sums
            .iter()
            .map(|s| s.finish(end - start, cfg.antithetic))
            .collect(),
        samples,
    }
}
