//! The engine's side of total-effect sensitivity: a pick-freeze (Saltelli)
//! design run over a model's paths, streamed into [`SobolSums`].
//!
//! Row r of the design is a run's paths 2r (A) and 2r + 1 (B), then one
//! path per column: A with one parameter drawn as B draws it (the model
//! draws each parameter from its own stream, so swapping the stream swaps
//! the value and nothing else), and optionally B's shocks under A's
//! parameters, which measures the path's own randomness as one more input.
//! Parameter draws are plain random (no quasi-random sequence). A design of
//! N rows and c columns costs N × (c + 2) paths, plus one path that fixes
//! each output's centring shift.
//!
//! Rows run in chunks of [`ROWS_PER_CHUNK`] on rayon; chunk sums add
//! exactly ([`Fold`], [`crate::stats::ExactSum`]), so the result is
//! bit-identical for any thread count and any split into shards (each
//! shard also simulates the one centring path).

use super::chunk::{RowRecorder, row_position};
use super::seeding::{DesignPath, design_path_random};
use super::sensitivity::value;
use super::{Block, EngineError, Fold, PathModel, TilingError, in_pool};
use crate::stats::sobol::{SobolLayout, SobolSums};
use crate::stats::{CellSums, ExactSum};
use rayon::prelude::*;
use std::ops::Range;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

/// Rows per chunk: the unit of parallel work and of ordered adding.
pub const ROWS_PER_CHUNK: u64 = 16;
/// Chunks run in parallel before their sums are added (bounds memory).
const BATCH_CHUNKS: u64 = 64;

/// A pick-freeze design over a model.
#[derive(Debug, Clone)]
pub struct PickFreezeSpec {
    /// N, the rows (base samples).
    pub rows: u64,
    pub seed: u64,
    /// The swapped parameters: each one's place in the model's draw order.
    pub parameters: Vec<u64>,
    /// Add a column that swaps the path's shocks (its own randomness).
    pub shocks: bool,
    /// Each output: the sum of these cells (metric-major) of a path.
    pub outputs: Vec<Vec<usize>>,
    /// Worker threads; 0 means one per core.
    pub threads: usize,
}

impl PickFreezeSpec {
    /// The design's columns: the parameters, then the shocks if swapped.
    pub fn columns(&self) -> Vec<DesignPath> {
        let mut columns: Vec<DesignPath> = self
            .parameters
            .iter()
            .map(|&p| DesignPath::Parameter(p))
            .collect();
        if self.shocks {
            columns.push(DesignPath::Shocks);
        }
        columns
    }

    /// Paths the design simulates: N × (columns + 2) + 1.
    pub fn paths(&self) -> u64 {
        self.rows * (self.columns().len() as u64 + 2) + 1
    }
}

/// A finished design.
#[derive(Debug, Clone)]
pub struct PickFreezeResult {
    pub sums: SobolSums,
    pub threads: usize,
    pub elapsed: Duration,
}

/// The chunks of a design of `rows` rows.
pub fn n_chunks(rows: u64) -> u64 {
    rows.div_ceil(ROWS_PER_CHUNK)
}

/// The shape of the design's sums.
pub fn layout(spec: &PickFreezeSpec) -> SobolLayout {
    SobolLayout {
        m: spec.outputs.len(),
        columns: spec.columns().len(),
    }
}

/// Runs the design; `progress` gets the paths simulated so far.
pub fn pick_freeze<M: PathModel>(
    model: &M,
    spec: &PickFreezeSpec,
    progress: &(dyn Fn(u64) + Sync),
) -> Result<PickFreezeResult, EngineError> {
    let started = Instant::now();
    let (blocks, threads) = pick_freeze_range(model, spec, 0..n_chunks(spec.rows), progress)?;
    Ok(PickFreezeResult {
        sums: finish(spec.rows, layout(spec), blocks)?,
        threads,
        elapsed: started.elapsed(),
    })
}

/// Runs the design's chunks in `chunks` only (one shard of it): their exact
/// sums as one block ([`Fold`]), with the threads used. Each chunk's sums
/// travel as a block's `sens`.
pub fn pick_freeze_range<M: PathModel>(
    model: &M,
    spec: &PickFreezeSpec,
    chunks: Range<u64>,
    progress: &(dyn Fn(u64) + Sync),
) -> Result<(Vec<Block>, usize), EngineError> {
    let columns = spec.columns();
    let layout = layout(spec);
    let eval = Evaluator::new(model, spec);
    let mut scratch = model.scratch();
    let mut row = eval.row();
    let mut shift = Vec::with_capacity(layout.m);
    eval.outputs(&mut scratch, &mut row, 0, DesignPath::A, &mut shift)?;
    let done = AtomicU64::new(1);
    let per_row = columns.len() as u64 + 2;
    let chunk_sums = |chunk: u64| -> Result<SobolSums, EngineError> {
        let mut scratch = model.scratch();
        let mut row = eval.row();
        let mut sums = SobolSums::new(layout);
        let (mut a, mut b) = (Vec::with_capacity(layout.m), Vec::with_capacity(layout.m));
        let mut ab = Vec::with_capacity(layout.m * layout.columns);
        let rows = chunk * ROWS_PER_CHUNK..((chunk + 1) * ROWS_PER_CHUNK).min(spec.rows);
        for r in rows {
            a.clear();
            b.clear();
            ab.clear();
            eval.outputs(&mut scratch, &mut row, r, DesignPath::A, &mut a)?;
            eval.outputs(&mut scratch, &mut row, r, DesignPath::B, &mut b)?;
            for &c in &columns {
                eval.outputs(&mut scratch, &mut row, r, c, &mut ab)?;
            }
            sums.push_row(&shift, &a, &b, &ab);
            progress(done.fetch_add(per_row, Ordering::Relaxed) + per_row);
        }
        Ok(sums)
    };
    let chunks = chunks.start.min(n_chunks(spec.rows))..chunks.end.min(n_chunks(spec.rows));
    let (fold, threads) = in_pool(spec.threads, |threads| {
        let mut fold = Fold::new(chunks.start);
        for batch in (chunks.start..chunks.end).step_by(BATCH_CHUNKS as usize) {
            let batch = batch..(batch + BATCH_CHUNKS).min(chunks.end);
            let parts: Vec<Result<SobolSums, EngineError>> = if threads > 1 {
                batch.clone().into_par_iter().map(chunk_sums).collect()
            } else {
                batch.clone().map(chunk_sums).collect()
            };
            for (c, part) in batch.zip(parts) {
                fold.push(Block {
                    start: c,
                    end: c + 1,
                    cells: CellSums::new(0),
                    sens: part?.sums.into_iter().map(ExactSum::from).collect(),
                })
                .expect("chunks arrive in order");
            }
        }
        Ok::<_, EngineError>(fold)
    })?;
    Ok((fold?.into_blocks(), threads))
}

/// Combines the blocks of every shard of a design (in any order) into its
/// sums, exactly as one run would; refuses blocks that do not tile the
/// design's chunks or have the wrong length.
pub fn finish(
    rows: u64,
    layout: SobolLayout,
    mut blocks: Vec<Block>,
) -> Result<SobolSums, EngineError> {
    blocks.sort_by_key(|b| b.start);
    let mut fold = Fold::new(0);
    for b in blocks {
        if b.sens.len() != layout.len() || !b.cells.is_empty() {
            return Err(EngineError::Tiling(TilingError(format!(
                "a block of chunks {}.. has the wrong length",
                b.start
            ))));
        }
        fold.push(b).map_err(EngineError::Tiling)?;
    }
    if fold.next() != n_chunks(rows) {
        return Err(EngineError::Tiling(TilingError(format!(
            "the blocks cover chunks 0..{} of 0..{}",
            fold.next(),
            n_chunks(rows)
        ))));
    }
    let (_, sums) = fold.total(0);
    Ok(SobolSums {
        layout,
        sums: sums.iter().map(ExactSum::value).collect(),
    })
}

/// Simulates one design path and reads its outputs.
struct Evaluator<'a, M> {
    model: &'a M,
    spec: &'a PickFreezeSpec,
    n_metrics: usize,
    n_quarters: usize,
    /// Each output's positions in the quarter-major row.
    positions: Vec<Vec<usize>>,
}

impl<'a, M: PathModel> Evaluator<'a, M> {
    fn new(model: &'a M, spec: &'a PickFreezeSpec) -> Self {
        let (n_metrics, n_quarters) = (model.metrics().len(), model.n_quarters());
        let positions = spec
            .outputs
            .iter()
            .map(|cells| {
                cells
                    .iter()
                    .map(|&c| row_position(c, n_metrics, n_quarters))
                    .collect()
            })
            .collect();
        Evaluator {
            model,
            spec,
            n_metrics,
            n_quarters,
            positions,
        }
    }

    fn row(&self) -> Vec<f64> {
        vec![0.0; self.n_metrics * self.n_quarters]
    }

    /// Simulates design path `which` of row `r` and appends its outputs
    /// to `into`.
    fn outputs(
        &self,
        scratch: &mut M::Scratch,
        row: &mut [f64],
        r: u64,
        which: DesignPath,
        into: &mut Vec<f64>,
    ) -> Result<(), EngineError> {
        let mut random = design_path_random(self.spec.seed, r, which);
        let mut rec = RowRecorder {
            n_metrics: self.n_metrics,
            row,
        };
        self.model.simulate(scratch, &mut random, &mut rec);
        for at in &self.positions {
            let v = value(row, at);
            if !v.is_finite() {
                let p = at
                    .iter()
                    .copied()
                    .find(|&p| !row[p].is_finite())
                    .unwrap_or(at[0]);
                let metric = &self.model.metrics()[p % self.n_metrics];
                return Err(EngineError::NonFinite {
                    entity: metric.entity.clone(),
                    metric: metric.metric.clone(),
                    quarter: p / self.n_metrics,
                    count: 1,
                });
            }
            into.push(v);
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::seeding::parameter_random;
    use crate::engine::{MetricId, MetricKind, MetricName, Recorder};
    use crate::process::draws::PathRandom;
    use rand::RngExt;
    use std::f64::consts::PI;

    /// Ishigami's function of three parameters, uniform on (−π, π) and
    /// drawn from the parameter streams in places 0, 2 and 3 (place 1 is a
    /// fixed parameter, which draws nothing), plus σ times a shock.
    struct Ishigami {
        metrics: Vec<MetricName>,
        sigma: f64,
        calls: AtomicU64,
    }

    const NOISE: f64 = 2.0;

    impl Ishigami {
        fn new(sigma: f64) -> Ishigami {
            Ishigami {
                metrics: vec![MetricName {
                    entity: "test".into(),
                    metric: "y".into(),
                    kind: MetricKind::Value,
                    unit: String::new(),
                }],
                sigma,
                calls: AtomicU64::new(0),
            }
        }
    }

    impl PathModel for Ishigami {
        type Scratch = ();
        fn metrics(&self) -> &[MetricName] {
            &self.metrics
        }
        fn n_quarters(&self) -> usize {
            1
        }
        fn scratch(&self) {}
        fn simulate<R: Recorder>(&self, _: &mut (), random: &mut PathRandom, rec: &mut R) {
            self.calls.fetch_add(1, Ordering::Relaxed);
            let streams = random.param_streams();
            let x =
                [0u64, 2, 3].map(|i| parameter_random(streams.base_of(i), i).random_range(-PI..PI));
            let y = x[0].sin() + 7.0 * x[1].sin().powi(2) + 0.1 * x[2].powi(4) * x[0].sin();
            rec.record(MetricId(0), 0, y + self.sigma * random.normal());
        }
    }

    fn spec(rows: u64, threads: usize) -> PickFreezeSpec {
        PickFreezeSpec {
            rows,
            seed: 42,
            parameters: vec![0, 2, 3],
            shocks: true,
            outputs: vec![vec![0]],
            threads,
        }
    }

    /// Ishigami's variances (a = 7, b = 0.1): V1, V2 and V13.
    fn parts() -> (f64, f64, f64) {
        let b = 0.1;
        let v1 = 0.5 * (1.0 + b * PI.powi(4) / 5.0).powi(2);
        (
            v1,
            49.0 / 8.0,
            b * b * PI.powi(8) * (1.0 / 18.0 - 1.0 / 50.0),
        )
    }

    #[test]
    fn ishigami_with_noise_reproduces_its_indices() {
        let model = Ishigami::new(NOISE);
        let s = spec(40_000, 2);
        let result = pick_freeze(&model, &s, &|_| {}).unwrap();
        let (v1, v2, v13) = parts();
        let v = v1 + v2 + v13 + NOISE * NOISE;
        let noise = NOISE * NOISE / v;
        let first = [v1 / v, v2 / v, 0.0, noise];
        let total = [(v1 + v13) / v, v2 / v, v13 / v, noise];
        for ix in result.sums.indices() {
            let c = ix.column;
            for (est, exact) in [(ix.first, first[c]), (ix.total, total[c])] {
                assert!(
                    (est.value - exact).abs() < 4.0 * est.se && est.se < 0.03,
                    "column {c}: {est:?} against {exact}"
                );
            }
        }
        // It costs what the design says, and no more.
        assert_eq!(model.calls.load(Ordering::Relaxed), s.paths());
        assert_eq!(s.paths(), 40_000 * 6 + 1);
    }

    #[test]
    fn shards_finish_to_the_same_bits() {
        let model = Ishigami::new(NOISE);
        let s = spec(1000, 2);
        let whole = pick_freeze(&model, &s, &|_| {}).unwrap().sums;
        let n = n_chunks(s.rows);
        let mut blocks = Vec::new();
        for range in [0..7, 7..40, 40..n] {
            blocks.extend(pick_freeze_range(&model, &s, range, &|_| {}).unwrap().0);
        }
        blocks.reverse();
        assert_eq!(finish(s.rows, layout(&s), blocks.clone()).unwrap(), whole);
        blocks.pop();
        assert!(
            finish(s.rows, layout(&s), blocks).is_err(),
            "a missing shard is refused"
        );
    }

    #[test]
    fn any_thread_count_gives_the_same_bits() {
        let model = Ishigami::new(NOISE);
        let one = pick_freeze(&model, &spec(1000, 1), &|_| {}).unwrap();
        let three = pick_freeze(&model, &spec(1000, 3), &|_| {}).unwrap();
        assert_eq!(one.sums, three.sums);
        assert_eq!(one.sums.rows(), 1000);
    }
}
