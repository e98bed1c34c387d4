//! The engine's side of sensitivity: which parts of a path's row are a
//! run's inputs and outputs, the pilot that grades them, and the per-path
//! feed of a chunk's sums ([`crate::stats::sensitivity`]).
//!
//! The pilot is the run's first [`pilot_paths`] paths (a sixty-fourth of
//! the run, at least 256 and at most 2,048), simulated again in path order
//! before the run: a function of the scenario, seed and path count alone,
//! so every shard and thread count grades alike.

use super::chunk::{RowRecorder, row_position};
use super::{CHUNK_PATHS, PathModel, RunConfig, seeding};
use crate::stats::sensitivity::{Grader, Layout, SensSums};
use rayon::prelude::*;

/// Paths in the pilot that grades the values of a run of `n_paths`: a
/// sixty-fourth of them, at least 256 (or all) and at most 2,048, so it
/// adds about 1.6 % to a run of more than 16,384 paths.
pub fn pilot_paths(n_paths: u64) -> u64 {
    (n_paths / 64).clamp(256, 2048).min(n_paths)
}

/// What a run relates: each variable is the sum of some cells of a path
/// (metric-major cell indices), e.g. one input's cell in quarter 0, an
/// output's cell at the horizon, or a metric summed over its quarters.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SensitivitySpec {
    pub inputs: Vec<Vec<usize>>,
    pub outputs: Vec<Vec<usize>>,
    /// Partial rank correlations control for the first this-many inputs.
    pub partial: usize,
}

impl SensitivitySpec {
    /// Where the sums sit.
    pub fn layout(&self) -> Layout {
        Layout {
            k: self.inputs.len(),
            m: self.outputs.len(),
            partial: self.partial.min(self.inputs.len()),
        }
    }
}

/// A run's sensitivity set-up: the variables' row positions and graders.
#[derive(Debug, Clone)]
pub(super) struct Prepared {
    pub layout: Layout,
    /// Row positions of each variable's cells, inputs then outputs.
    positions: Vec<Vec<usize>>,
    pub graders: Vec<Grader>,
}

impl Prepared {
    /// Runs the pilot (in parallel on the current pool when `threads > 1`).
    pub fn new<M: PathModel>(
        model: &M,
        cfg: &RunConfig,
        spec: &SensitivitySpec,
        threads: usize,
    ) -> Prepared {
        let (n_metrics, n_quarters) = (model.metrics().len(), model.n_quarters());
        let position = |cell: usize| row_position(cell, n_metrics, n_quarters);
        let positions: Vec<Vec<usize>> = spec
            .inputs
            .iter()
            .chain(&spec.outputs)
            .map(|cells| cells.iter().map(|&c| position(c)).collect())
            .collect();
        let n_pilot = pilot_paths(cfg.n_paths);
        let piece = |start: u64| -> Vec<f64> {
            let mut scratch = model.scratch();
            let mut row = vec![0.0; n_metrics * n_quarters];
            let end = (start + CHUNK_PATHS).min(n_pilot);
            let mut values = Vec::with_capacity((end - start) as usize * positions.len());
            for path in start..end {
                let mut random = seeding::path_random(cfg.seed, path, cfg.antithetic);
                let mut rec = RowRecorder {
                    n_metrics,
                    row: &mut row,
                };
                model.simulate(&mut scratch, &mut random, &mut rec);
                values.extend(positions.iter().map(|p| value(&row, p)));
            }
            values
        };
        let starts: Vec<u64> = (0..n_pilot).step_by(CHUNK_PATHS as usize).collect();
        let pieces: Vec<Vec<f64>> = if threads > 1 {
            starts.into_par_iter().map(piece).collect()
        } else {
            starts.into_iter().map(piece).collect()
        };
        let values = pieces.concat();
        let n_vars = positions.len();
        let graders = (0..n_vars)
            .map(|v| Grader::from_pilot(values.iter().skip(v).step_by(n_vars).copied().collect()))
            .collect();
        Prepared {
            layout: spec.layout(),
            positions,
            graders,
        }
    }

    /// Adds one path's row to `sums`; `buffer` holds the variables' values.
    #[inline]
    pub fn push(&self, row: &[f64], buffer: &mut Vec<f64>, sums: &mut SensSums) {
        buffer.clear();
        buffer.extend(self.positions.iter().map(|p| value(row, p)));
        let (inputs, outputs) = buffer.split_at(self.layout.k);
        sums.push(inputs, outputs, &self.graders);
    }
}

/// A variable's value on a path: the sum of its cells.
#[inline]
pub(super) fn value(row: &[f64], positions: &[usize]) -> f64 {
    positions.iter().map(|&p| row[p]).sum()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::{MetricKind, MetricName, Quantiles, Recorder, run};
    use crate::process::draws::PathRandom;
    use crate::stats::sensitivity::{Estimate, Measure};

    /// Three uniform inputs drawn once per path and an output `y = f(x)`
    /// plus `noise` × a normal shock, over one quarter.
    struct Synthetic {
        names: Vec<MetricName>,
        f: fn([f64; 3]) -> f64,
        noise: f64,
    }

    impl Synthetic {
        fn new(f: fn([f64; 3]) -> f64, noise: f64) -> Synthetic {
            let names = ["x1", "x2", "x3", "y"]
                .map(|m| MetricName {
                    entity: "t".into(),
                    metric: m.into(),
                    kind: MetricKind::Value,
                    unit: String::new(),
                })
                .to_vec();
            Synthetic { names, f, noise }
        }
    }

    impl PathModel for Synthetic {
        type Scratch = ();
        fn metrics(&self) -> &[MetricName] {
            &self.names
        }
        fn n_quarters(&self) -> usize {
            1
        }
        fn scratch(&self) {}
        fn simulate<R: Recorder>(&self, _: &mut (), random: &mut PathRandom, rec: &mut R) {
            let x = [0; 3].map(|_| random.param_uniform());
            for (i, v) in x.iter().enumerate() {
                rec.record(crate::engine::MetricId(i), 0, *v);
            }
            let y = (self.f)(x) + self.noise * random.normal();
            rec.record(crate::engine::MetricId(3), 0, y);
        }
    }

    fn estimates(model: &Synthetic, paths: u64, seed: u64, antithetic: bool) -> Vec<Estimate> {
        let cfg = RunConfig {
            n_paths: paths,
            seed,
            antithetic,
            threads: 1,
            sample_paths: 0,
            quantiles: Quantiles::Cells(vec![false; 4]),
            sensitivity: Some(SensitivitySpec {
                inputs: vec![vec![0], vec![1], vec![2]],
                outputs: vec![vec![3]],
                partial: 3,
            }),
            distributions: Vec::new(),
        };
        run(model, &cfg, &|_| {}).unwrap().sensitivity
    }

    /// Whatever its number of chunks, a range's partial is one block of
    /// exact sums (memory does not grow with paths), and partials finish
    /// to the whole run's bits in any order and any split.
    #[test]
    fn partials_hold_one_block_and_finish_in_any_order() {
        use crate::engine::{finish, n_chunks, run_range};
        let model = Synthetic::new(|x| x[0] * x[1].exp() + 1e6, 0.3);
        let cfg = RunConfig {
            n_paths: 40 * 1024 + 7,
            seed: 11,
            antithetic: true,
            threads: 2,
            sample_paths: 3,
            quantiles: Quantiles::All,
            sensitivity: Some(SensitivitySpec {
                inputs: vec![vec![0], vec![1], vec![2]],
                outputs: vec![vec![3]],
                partial: 3,
            }),
            distributions: Vec::new(),
        };
        let n = n_chunks(cfg.n_paths);
        let part = |r: std::ops::Range<u64>| run_range(&model, &cfg, r, &|_| {}).unwrap().0;
        let whole = part(0..n);
        assert_eq!(whole.blocks.len(), 1);
        assert_eq!(whole.blocks[0].cells.count(), cfg.n_paths);
        let bits = |f: crate::engine::Finished| {
            let cells: Vec<u64> = f
                .cells
                .iter()
                .flat_map(|c| [c.mean.to_bits(), c.std.to_bits(), c.mean_se.to_bits()])
                .collect();
            let sens: Vec<u64> = f.sensitivity.iter().map(|e| e.value.to_bits()).collect();
            (cells, sens, f.samples)
        };
        let want = bits(finish(model.metrics(), 1, &cfg, vec![whole]).unwrap());
        for cuts in [vec![0, 1, n], vec![0, 13, 14, 39, n], vec![0, n - 1, n]] {
            let mut parts: Vec<_> = cuts.windows(2).map(|w| part(w[0]..w[1])).collect();
            assert!(parts.iter().all(|p| p.blocks.len() == 1));
            parts.reverse();
            assert_eq!(bits(finish(model.metrics(), 1, &cfg, parts).unwrap()), want);
        }
    }

    fn get(e: &[Estimate], input: usize, m: Measure) -> Estimate {
        *e.iter()
            .find(|x| x.input == input && x.measure == m)
            .unwrap()
    }

    /// y = x1 + 2 x2 with uniform inputs: first-order indices 1/5, 4/5 and
    /// 0, less the 1/400 that 20 bins lose of a linear effect.
    #[test]
    fn linear_model_reproduces_its_sobol_indices() {
        let model = Synthetic::new(|x| x[0] + 2.0 * x[1], 0.0);
        for antithetic in [false, true] {
            let e = estimates(&model, 40_000, 7, antithetic);
            for (i, s) in [0.2, 0.8, 0.0].into_iter().enumerate() {
                let got = get(&e, i, Measure::SobolFirst);
                let want = s * (1.0 - 1.0 / 400.0);
                assert!(
                    (got.value - want).abs() <= 4.0 * got.se + 1e-4,
                    "S{i}: {} ± {} vs {want}",
                    got.value,
                    got.se
                );
            }
            // The decile change of x2: 2 × (0.95 − 0.05) = 1.8.
            let dc = get(&e, 1, Measure::DecileChange);
            assert!((dc.value - 1.8).abs() <= 4.0 * dc.se, "{dc:?}");
            // Partial rank correlations rank x2 above x1 above x3.
            let p = |i| get(&e, i, Measure::PartialRank).value;
            assert!(p(1) > p(0) && p(0) > 0.5 && p(2).abs() < 0.05);
        }
    }

    /// Rank correlations see through a monotone transform.
    #[test]
    fn a_monotone_transform_has_rank_correlation_one() {
        let model = Synthetic::new(|x| (6.0 * x[0]).exp(), 0.0);
        let e = estimates(&model, 20_000, 3, false);
        let rho = get(&e, 0, Measure::Spearman).value;
        assert!(rho > 0.999, "{rho}");
        assert!(get(&e, 0, Measure::PartialRank).value > 0.999);
        assert!(get(&e, 1, Measure::Spearman).value.abs() < 0.05);
    }

    /// A 0/1 output: Spearman with a uniform input is corr(u, 1[u > ½]) =
    /// √3 / 2, and the decile change is exactly 1.
    #[test]
    fn an_indicator_output_has_its_closed_form() {
        let model = Synthetic::new(|x| if x[0] > 0.5 { 1.0 } else { 0.0 }, 0.0);
        let e = estimates(&model, 40_000, 11, true);
        let rho = get(&e, 0, Measure::Spearman);
        assert!(
            (rho.value - 3f64.sqrt() / 2.0).abs() <= 4.0 * rho.se + 0.002,
            "{rho:?}"
        );
        assert_eq!(get(&e, 0, Measure::DecileChange).value, 1.0);
    }

    /// The stated standard errors match the spread of the estimates over
    /// independent seeds (within what 30 seeds can tell).
    #[test]
    fn standard_errors_match_the_spread_over_seeds() {
        let model = Synthetic::new(|x| x[0] + 2.0 * x[1], 0.5);
        let runs: Vec<Vec<Estimate>> = (0..30).map(|s| estimates(&model, 4096, s, false)).collect();
        for (input, measure) in [
            (0, Measure::SobolFirst),
            (1, Measure::SobolFirst),
            (1, Measure::Spearman),
            (0, Measure::DecileChange),
        ] {
            let values: Vec<f64> = runs.iter().map(|e| get(e, input, measure).value).collect();
            let mean = values.iter().sum::<f64>() / 30.0;
            let sd = (values.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / 29.0).sqrt();
            let se = runs.iter().map(|e| get(e, input, measure).se).sum::<f64>() / 30.0;
            let ratio = sd / se;
            assert!(
                (0.6..1.5).contains(&ratio),
                "{measure:?} of x{input}: spread {sd}, stated {se}"
            );
        }
    }
}
