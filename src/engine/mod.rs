//! The Monte Carlo engine: paths, chunks, threads, seeding and streaming
//! statistics, for any model that implements [`PathModel`].
//!
//! Paths are split into fixed chunks of [`CHUNK_PATHS`] (independent of the
//! thread count), run with rayon in batches of [`BATCH_CHUNKS`]. Each path's
//! random stream comes from (seed, path index) alone. Each chunk's per-cell
//! sums (measured from path 0's values) are added exactly into its worker's
//! [`CellSums`], and histogram counts are integers kept per worker; both
//! are summed at the end, which is exact in any order ([`fold`] checks that
//! shards' ranges tile the run). So a run is bit-identical for any
//! `--threads`, and a run split into shards ([`run_range`], one range of
//! chunks each, possibly on different machines) combines with [`finish`]
//! into the same bits as the whole. Memory is bounded by the cells, the
//! threads and the sample paths kept, never by the number of paths.
//! The engine knows nothing of hyperscalers, labs or files.

mod chunk;
pub mod fold;
pub mod pick_freeze;
pub mod seeding;
pub mod sensitivity;

use crate::process::draws::PathRandom;
use crate::stats::sensitivity::{Estimate, SensSums, estimates};
use crate::stats::{CellSummary, CellSums, ExactSum, LogHistogram};
pub use fold::{Block, Fold, TilingError};
use rayon::prelude::*;
pub use sensitivity::SensitivitySpec;
use std::ops::Range;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Paths per chunk: the unit of parallel work and of ordered merging.
pub const CHUNK_PATHS: u64 = 1024;
/// Chunks run in parallel between progress reports (and before their
/// sample paths' values are appended in chunk order).
pub const BATCH_CHUNKS: u64 = 32;
/// Runs whose estimated memory exceeds this are refused.
pub const MEMORY_LIMIT_BYTES: u64 = 8 << 30;
/// Typical bytes of histogram per cell per thread (a few octaves of buckets).
const HISTOGRAM_BYTES_ESTIMATE: u64 = 4 << 10;

/// An (entity, metric) pair such as (`market`, `gpu_price`), and its kind.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct MetricName {
    pub entity: String,
    pub metric: String,
    pub kind: MetricKind,
    /// How its values read (`$B/quarter`, `ratio`, …); the model says.
    #[serde(default)]
    pub unit: String,
}

/// What values a metric takes, which decides how its quantiles are kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum MetricKind {
    /// Any finite number: quantiles from a log-bucket histogram.
    Value,
    /// Only 0 or 1 (a state, an event): quantiles follow exactly from the
    /// mean, so no histogram is kept.
    Indicator,
}

/// Index of a metric; a cell is `metric × quarters + quarter`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MetricId(pub usize);

/// Receives a path's metric values as the model produces them, and holds
/// them for the rest of the path.
pub trait Recorder {
    /// Records `value` of `metric` at quarter index `quarter`. Every metric
    /// must be recorded exactly once per quarter on every path.
    fn record(&mut self, metric: MetricId, quarter: usize, value: f64);
    /// The value recorded for `metric` at `quarter` on this path (what a
    /// model reads back, e.g. a threshold testing another entity's metric).
    /// Unspecified before it is recorded.
    fn recorded(&self, metric: MetricId, quarter: usize) -> f64;
}

/// What the engine needs of a model: names, horizon, and one path at a time.
pub trait PathModel: Sync {
    /// Per-path working memory, allocated once per chunk and reused.
    type Scratch: Send;
    /// The recorded metrics in output order.
    fn metrics(&self) -> &[MetricName];
    /// Number of simulated quarters.
    fn n_quarters(&self) -> usize;
    /// Fresh working memory.
    fn scratch(&self) -> Self::Scratch;
    /// Simulates one path, recording every metric in every quarter.
    fn simulate<R: Recorder>(
        &self,
        scratch: &mut Self::Scratch,
        random: &mut PathRandom,
        rec: &mut R,
    );
}

/// How to run.
#[derive(Debug, Clone)]
pub struct RunConfig {
    pub n_paths: u64,
    pub seed: u64,
    pub antithetic: bool,
    /// Worker threads; 0 means one per core.
    pub threads: usize,
    /// Keep every value of the first this-many paths.
    pub sample_paths: u64,
    /// Which cells keep quantiles.
    pub quantiles: Quantiles,
    /// Inputs and outputs to relate (global sensitivity); `None` for none.
    pub sensitivity: Option<SensitivitySpec>,
    /// Cells whose whole distribution (their histogram) the caller wants
    /// back, e.g. to draw it; only cells that keep quantiles have one.
    pub distributions: Vec<usize>,
}

/// Which cells keep a histogram, and so report quantiles. Every cell keeps
/// its moments (count, mean, standard deviation and error, min, max); a
/// histogram costs a cache miss per value, so a caller asks only for the
/// quantiles it will read. Indicator cells need none: their quantiles
/// follow from the mean.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Quantiles {
    /// Every value cell.
    #[default]
    All,
    /// The value cells marked `true`, one flag per cell (metric-major).
    Cells(Vec<bool>),
}

impl Quantiles {
    /// The cells among `metrics × n_quarters` that keep a histogram.
    pub fn histogram_cells(&self, metrics: &[MetricName], n_quarters: usize) -> Vec<usize> {
        (0..metrics.len() * n_quarters)
            .filter(|&cell| {
                metrics[cell / n_quarters].kind == MetricKind::Value
                    && match self {
                        Quantiles::All => true,
                        Quantiles::Cells(keep) => keep.get(cell).copied().unwrap_or(false),
                    }
            })
            .collect()
    }
}

/// What a run produces.
#[derive(Debug, Clone)]
pub struct RunResult {
    /// One summary per cell, metric-major then quarter.
    pub cells: Vec<CellSummary>,
    /// Values of the first `sample_paths` paths, path-major, then cell.
    pub samples: Vec<f64>,
    /// Every sensitivity measure, output by output (empty without).
    pub sensitivity: Vec<Estimate>,
    /// The histograms of `RunConfig::distributions`' cells that keep one.
    pub distributions: Vec<(usize, LogHistogram)>,
    pub n_paths: u64,
    pub threads: usize,
    pub elapsed: Duration,
}

/// Why a run failed.
#[derive(Debug, thiserror::Error)]
pub enum EngineError {
    #[error(
        "the model produced {count} non-finite value(s) for {entity}.{metric} in quarter index {quarter}; this is a bug in the model"
    )]
    NonFinite {
        entity: String,
        metric: String,
        quarter: usize,
        count: u64,
    },
    #[error(
        "{entity}.{metric} overflows floating point in quarter index {quarter}: the scenario's growth, drift, volatility or levels are too extreme for its horizon; lower them or shorten the horizon"
    )]
    Overflow {
        entity: String,
        metric: String,
        quarter: usize,
    },
    #[error("cannot start {threads} worker threads: {reason}")]
    ThreadPool { threads: usize, reason: String },
    #[error("{0}")]
    Tiling(TilingError),
}

/// Bytes a run will hold at its peak, roughly, with a histogram for each
/// of `histogram_cells` of its `n_cells` cells.
pub fn memory_estimate(
    n_cells: usize,
    histogram_cells: usize,
    threads: usize,
    sample_paths: u64,
) -> u64 {
    // Saturating: a huge flag gives a huge estimate, never a wrapped small one.
    let cells = n_cells as u64;
    let histograms = (threads.max(1) as u64)
        .saturating_add(1)
        .saturating_mul(histogram_cells as u64)
        .saturating_mul(HISTOGRAM_BYTES_ESTIMATE);
    // Each worker's running sums (11 accumulators), a group's eight rows
    // and path 0's row per cell, its exact sums (three of some 64 bytes
    // per cell), and its staged histogram values (256 paths' worth); one
    // more set of exact sums for the total.
    let sums = (threads.max(1) as u64)
        .saturating_mul(
            cells
                .saturating_mul(20 * 8)
                .saturating_add((histogram_cells as u64).saturating_mul(256 * 8)),
        )
        .saturating_add(
            (threads.max(1) as u64)
                .saturating_add(1)
                .saturating_mul(cells)
                .saturating_mul(3 * 64),
        );
    let samples = sample_paths.saturating_mul(cells).saturating_mul(16);
    histograms.saturating_add(sums).saturating_add(samples)
}

/// What one shard of a run produces: the exact sums of its chunk range
/// ([`fold`]), the histogram counts of its paths and the values of the
/// sample paths it ran. [`finish`] combines the partials of all shards.
#[derive(Debug, Clone, PartialEq)]
pub struct Partial {
    /// The chunks this partial covers.
    pub chunks: Range<u64>,
    /// One block covering `chunks` (none when the range is empty).
    pub blocks: Vec<Block>,
    /// Per cell; empty for cells that keep no quantiles.
    pub histograms: Vec<LogHistogram>,
    /// Values of the sample paths among `chunks`, path-major, then cell.
    pub samples: Vec<f64>,
}

/// The chunks of a run of `n_paths` paths.
pub fn n_chunks(n_paths: u64) -> u64 {
    n_paths.div_ceil(CHUNK_PATHS)
}

/// Runs the Monte Carlo. `progress` is called with the paths done so far.
pub fn run<M: PathModel>(
    model: &M,
    cfg: &RunConfig,
    progress: &(dyn Fn(u64) + Sync),
) -> Result<RunResult, EngineError> {
    let started = Instant::now();
    let (partial, threads) = run_range(model, cfg, 0..n_chunks(cfg.n_paths), progress)?;
    let Finished {
        cells,
        samples,
        sensitivity,
        distributions,
    } = finish(model.metrics(), model.n_quarters(), cfg, vec![partial])?;
    Ok(RunResult {
        cells,
        samples,
        sensitivity,
        distributions,
        n_paths: cfg.n_paths,
        threads,
        elapsed: started.elapsed(),
    })
}

/// Runs the chunks in `chunks` only (one shard of a run) and returns their
/// partial result and the threads used. With `cfg.threads == 1` the chunks
/// run on the calling thread, with no pool of its own (a sweep runs small
/// points side by side this way); otherwise on a new pool of `cfg.threads`
/// (0: one per core). `progress` gets the paths done within the range.
pub fn run_range<M: PathModel>(
    model: &M,
    cfg: &RunConfig,
    chunks: Range<u64>,
    progress: &(dyn Fn(u64) + Sync),
) -> Result<(Partial, usize), EngineError> {
    in_pool(cfg.threads, |threads| {
        collect_range(model, cfg, chunks, threads, progress)
    })
}

/// Runs `work` (given the thread count) on the calling thread when
/// `threads == 1`, otherwise on a new pool of `threads` (0: one per core).
fn in_pool<T: Send>(
    threads: usize,
    work: impl FnOnce(usize) -> T + Send,
) -> Result<(T, usize), EngineError> {
    if threads == 1 {
        return Ok((work(1), 1));
    }
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .map_err(|e| EngineError::ThreadPool {
            threads,
            reason: e.to_string(),
        })?;
    let threads = pool.current_num_threads();
    Ok((pool.install(|| work(threads)), threads))
}

/// Runs `chunks` in batches (in parallel on the current pool when
/// `threads > 1`); each worker adds its chunks' sums exactly, and the
/// workers' sums make the range's one block.
fn collect_range<M: PathModel>(
    model: &M,
    cfg: &RunConfig,
    chunks: Range<u64>,
    threads: usize,
    progress: &(dyn Fn(u64) + Sync),
) -> Partial {
    let n_chunks_total = n_chunks(cfg.n_paths);
    let chunks = chunks.start.min(n_chunks_total)..chunks.end.min(n_chunks_total);
    // One histogram set and one scratch per worker thread: integer counts,
    // so which thread ran which chunk does not change the sums.
    let n_cells = model.metrics().len() * model.n_quarters();
    let histogram_cells = cfg
        .quantiles
        .histogram_cells(model.metrics(), model.n_quarters());
    let prepared = cfg
        .sensitivity
        .as_ref()
        .filter(|s| !s.layout().is_empty())
        .map(|spec| sensitivity::Prepared::new(model, cfg, spec, threads));
    let sens_len = prepared.as_ref().map_or(0, |p| p.layout.len());
    // Every chunk's sums are measured from path 0's values.
    let shift = if chunks.is_empty() {
        vec![0.0; n_cells]
    } else {
        chunk::shift_row(model, cfg)
    };
    let workers: Vec<Mutex<chunk::Worker<M::Scratch>>> = (0..threads)
        .map(|_| {
            Mutex::new(chunk::Worker::new(
                model.scratch(),
                shift.clone(),
                model.metrics().len(),
                model.n_quarters(),
                histogram_cells.clone(),
                prepared.as_ref().map(|p| SensSums::new(p.layout)),
            ))
        })
        .collect();
    let run_one = |c: u64| {
        let me = rayon::current_thread_index().unwrap_or(0) % workers.len();
        let mut worker = workers[me].lock().unwrap_or_else(|p| p.into_inner());
        chunk::run_chunk(model, cfg, c, &mut worker, prepared.as_ref())
    };

    // Only the sample paths' values come back in chunk order; each
    // worker keeps the exact sums of the chunks it ran.
    let mut samples = Vec::new();
    let mut batch_start = chunks.start;
    while batch_start < chunks.end {
        let batch_end = (batch_start + BATCH_CHUNKS).min(chunks.end);
        let outputs: Vec<chunk::ChunkOutput> = if threads > 1 {
            (batch_start..batch_end)
                .into_par_iter()
                .map(run_one)
                .collect()
        } else {
            (batch_start..batch_end).map(run_one).collect()
        };
        for out in outputs {
            samples.extend_from_slice(&out.samples);
        }
        progress((batch_end * CHUNK_PATHS).min(cfg.n_paths) - chunks.start * CHUNK_PATHS);
        batch_start = batch_end;
    }

    // Exact sums: adding the workers' in any order gives the same bits.
    let mut block = Block {
        start: chunks.start,
        end: chunks.end,
        cells: CellSums::new(n_cells),
        sens: vec![ExactSum::new(); sens_len],
    };
    let mut histogram_sets = Vec::with_capacity(workers.len());
    for w in workers {
        let w = w.into_inner().unwrap_or_else(|p| p.into_inner());
        block
            .add(&w.cells, &w.sens_total)
            .expect("every worker measures from path 0");
        // Per cell, empty where no quantiles are kept.
        let mut per_cell = vec![LogHistogram::new(); n_cells];
        for (cell, h) in w.histogram_cells.into_iter().zip(w.histograms) {
            per_cell[cell] = h;
        }
        histogram_sets.push(per_cell);
    }
    Partial {
        blocks: if chunks.is_empty() {
            Vec::new()
        } else {
            vec![block]
        },
        chunks,
        histograms: sum_histograms(histogram_sets.into_iter()).unwrap_or_default(),
        samples,
    }
}

/// Adds sets of per-cell histograms (the first is moved, not copied);
/// `None` when there are none.
fn sum_histograms(sets: impl Iterator<Item = Vec<LogHistogram>>) -> Option<Vec<LogHistogram>> {
    sets.reduce(|mut total, part| {
        for (t, p) in total.iter_mut().zip(&part) {
            t.merge(p);
        }
        total
    })
}

/// What [`finish`] gives back.
#[derive(Debug, Clone)]
pub struct Finished {
    /// One summary per cell, metric-major then quarter.
    pub cells: Vec<CellSummary>,
    /// The sample paths' values, path-major, then cell.
    pub samples: Vec<f64>,
    /// Every sensitivity measure (empty when `cfg.sensitivity` is `None`).
    pub sensitivity: Vec<Estimate>,
    /// The histograms asked for in `cfg.distributions` (cells that keep one).
    pub distributions: Vec<(usize, LogHistogram)>,
}

/// Combines the partials of every shard of the run `cfg` describes (in
/// any order) into per-cell summaries, the sample paths' values and the
/// sensitivity measures; the cells `cfg.quantiles` names report
/// quantiles. The partials' blocks must tile the run's chunks exactly.
/// Fails on values the model should never produce (NaN, infinity).
pub fn finish(
    metrics: &[MetricName],
    n_quarters: usize,
    cfg: &RunConfig,
    mut partials: Vec<Partial>,
) -> Result<Finished, EngineError> {
    let (n_paths, quantiles) = (cfg.n_paths, &cfg.quantiles);
    let layout = cfg
        .sensitivity
        .as_ref()
        .map(|s| s.layout())
        .filter(|l| !l.is_empty());
    let sens_len = layout.map_or(0, |l| l.len());
    let n_cells = metrics.len() * n_quarters;
    partials.sort_by_key(|p| p.chunks.start);
    let mut fold = Fold::new(0);
    let mut histogram_sets = Vec::new();
    let mut samples = Vec::new();
    for p in partials {
        if p.histograms.len() != n_cells
            || p.blocks
                .iter()
                .any(|b| b.cells.len() != n_cells || b.sens.len() != sens_len)
        {
            return Err(EngineError::Tiling(TilingError(format!(
                "a partial for chunks {:?} has the wrong number of cells",
                p.chunks
            ))));
        }
        for b in p.blocks {
            fold.push(b).map_err(EngineError::Tiling)?;
        }
        histogram_sets.push(p.histograms);
        samples.extend_from_slice(&p.samples);
    }
    if fold.next() != n_chunks(n_paths) {
        return Err(EngineError::Tiling(TilingError(format!(
            "the partials cover chunks 0..{} of 0..{}",
            fold.next(),
            n_chunks(n_paths)
        ))));
    }
    let histograms = sum_histograms(histogram_sets.into_iter())
        .unwrap_or_else(|| vec![LogHistogram::new(); n_cells]);
    let (sums, sens) = fold.total(n_cells);
    if sums.count() != n_paths {
        return Err(EngineError::Tiling(TilingError(format!(
            "the partials' sums count {} of {n_paths} paths",
            sums.count()
        ))));
    }
    let moments = sums.moments(cfg.antithetic);
    let sens: Vec<f64> = sens.iter().map(ExactSum::value).collect();
    // A non-finite value shows as a non-finite mean (and a histogram's
    // non-finite count, where there is one). The earliest quarter is the
    // useful one to report.
    let bad = (0..n_cells)
        .filter(|&cell| histograms[cell].nonfinite() > 0 || !moments[cell].mean().is_finite())
        .min_by_key(|&cell| (cell % n_quarters, cell / n_quarters));
    if let Some(cell) = bad {
        let name = &metrics[cell / n_quarters];
        let (entity, metric, quarter) =
            (name.entity.clone(), name.metric.clone(), cell % n_quarters);
        let m = &moments[cell];
        // Infinity (not NaN) means the values outgrew floating point: the
        // scenario's inputs are too extreme, not a fault of the model.
        return Err(if m.max().is_infinite() || m.min().is_infinite() {
            EngineError::Overflow {
                entity,
                metric,
                quarter,
            }
        } else {
            EngineError::NonFinite {
                entity,
                metric,
                quarter,
                count: histograms[cell].nonfinite().max(1),
            }
        });
    }
    let mut with_quantiles = vec![false; n_cells];
    for cell in quantiles.histogram_cells(metrics, n_quarters) {
        // Every path went into the histogram of a cell that reports quantiles.
        let counted = histograms[cell].count() + histograms[cell].nonfinite();
        if counted != n_paths {
            return Err(EngineError::Tiling(TilingError(format!(
                "the histogram of cell {cell} counts {counted} of {n_paths} paths"
            ))));
        }
        with_quantiles[cell] = true;
    }
    let cells = moments
        .iter()
        .zip(&histograms)
        .enumerate()
        .map(|(cell, (m, h))| match metrics[cell / n_quarters].kind {
            MetricKind::Value if with_quantiles[cell] => CellSummary::new(m, h),
            MetricKind::Value => CellSummary::without_quantiles(m),
            MetricKind::Indicator => CellSummary::indicator(m),
        })
        .collect();
    let sensitivity = layout.map_or_else(Vec::new, |l| estimates(l, &sens, cfg.antithetic));
    let distributions = cfg
        .distributions
        .iter()
        .filter(|&&cell| with_quantiles.get(cell) == Some(&true))
        .map(|&cell| (cell, histograms[cell].clone()))
        .collect();
    Ok(Finished {
        cells,
        samples,
        sensitivity,
        distributions,
    })
}

#[cfg(test)]
mod memory_tests {
    #[test]
    fn the_memory_estimate_saturates_instead_of_wrapping() {
        assert_eq!(
            super::memory_estimate(7180, 7180, usize::MAX, u64::MAX),
            u64::MAX
        );
        let two_threads = super::memory_estimate(7180, 7180, 2, 0);
        assert!(two_threads > 0 && two_threads < super::MEMORY_LIMIT_BYTES);
    }
}
