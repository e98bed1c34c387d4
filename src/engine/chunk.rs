//! One chunk of paths: seed each path, run the model, feed the statistics.

use super::{CHUNK_PATHS, PathModel, Recorder, RunConfig, seeding};
use crate::engine::MetricId;
use crate::stats::{LogHistogram, Moments, ShiftedSums};

/// A worker thread's reusable state: model scratch and its histograms.
pub(super) struct Worker<S> {
    scratch: S,
    pub(super) histograms: Vec<LogHistogram>,
    sums: Vec<ShiftedSums>,
}

impl<S> Worker<S> {
    pub(super) fn new(scratch: S, n_cells: usize) -> Worker<S> {
        Worker {
            scratch,
            histograms: vec![LogHistogram::new(); n_cells],
            sums: vec![ShiftedSums::default(); n_cells],
        }
    }
}

/// What a chunk hands back for ordered merging.
pub(super) struct ChunkOutput {
    pub(super) moments: Vec<Moments>,
    pub(super) samples: Vec<f64>,
}

struct ChunkRecorder<'a> {
    n_quarters: usize,
    first: bool,
    sums: &'a mut [ShiftedSums],
    histograms: &'a mut [LogHistogram],
    sample: Option<&'a mut [f64]>,
}

impl Recorder for ChunkRecorder<'_> {
    #[inline]
    fn record(&mut self, metric: MetricId, quarter: usize, value: f64) {
        let cell = metric.0 * self.n_quarters + quarter;
        if self.first {
            self.sums[cell].first(value);
        } else {
            self.sums[cell].push(value);
        }
        self.histograms[cell].insert(value);
        if let Some(sample) = self.sample.as_deref_mut() {
            sample[cell] = value;
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
        sums,
    } = worker;
    for path in start..end {
        let mut random = seeding::path_random(cfg.seed, path, cfg.antithetic);
        let k = (path - start) as usize;
        let mut rec = ChunkRecorder {
            n_quarters: model.n_quarters(),
            first: path == start,
            sums,
            histograms,
            sample: (path < cfg.sample_paths).then(|| &mut samples[k * n_cells..(k + 1) * n_cells]),
        };
        model.simulate(scratch, &mut random, &mut rec);
    }
    ChunkOutput {
        moments: sums.iter().map(|s| s.finish(end - start)).collect(),
        samples,
    }
}
