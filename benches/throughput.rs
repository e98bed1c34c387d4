//! Paths per second on the base scenario, against the floor of merely
//! drawing the same normals.
//!
//! `engine/base/Q quantiles/T threads/N paths`: a full `engine::run` of
//! `scenarios/base.toml` (market, six companies, two labs, industry and
//! three thresholds; streaming statistics included), with quantiles where
//! `sim run` keeps them by default or everywhere (`--quantiles all`), and
//! with the sensitivity sums `sim run` keeps (or without, to see their cost).
//! `sobol/base/1 thread/1024 rows`: a `sim sensitivity --sobol 1024` design
//! (23,553 paths through the model, pick-freeze sums, no quantiles).
//! `engine/quarters/1 thread[, with sensitivity]/Q`: the same at 20 and at
//! 80 quarters, without the sensitivity sums and with them (as `sim run`).
//! `engine/market_only`: the same scenario with its market layer alone,
//! for comparison. `model/no statistics`: the same paths through the model
//! with a recorder that only keeps the path's row, on one thread: the
//! simulation without the statistics. `floor/normals`: seeding one Xoshiro256++ per path and drawing the
//! normals and uniforms the base scenario consumes per path (20 quarters ×
//! 9 normals and 10 uniforms), on one thread. The ratio of the two
//! one-thread figures is what the engine costs above its random numbers.
//!
//! Run: `cargo bench --bench throughput`. Throughput is reported in paths.

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use sim::engine::pick_freeze::{PickFreezeSpec, pick_freeze};
use sim::engine::seeding::path_random;
use sim::engine::{self, MetricId, PathModel, Quantiles, Recorder, RunConfig};
use sim::model::Economy;
use sim::model::inputs::scenario_params;
use sim::output::QuantilePolicy;
use sim::scenario::{self, Override};
use std::hint::black_box;
use std::path::Path;

fn base_scenario() -> scenario::Scenario {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    scenario::load(&root.join("scenarios/base.toml"), &[]).expect("base scenario loads")
}

fn base_model() -> (Economy, u64) {
    let s = base_scenario();
    (
        Economy::new(&s).expect("base scenario's thresholds resolve"),
        s.simulation.seed,
    )
}

/// The base scenario's market layer alone: no companies, labs or thresholds.
fn market_only(c: &mut Criterion) {
    let mut s = base_scenario();
    s.hyperscalers.clear();
    s.labs.clear();
    s.industry = None;
    s.thresholds.clear();
    let model = Economy::new(&s).expect("market layer builds");
    let paths = 131_072u64;
    let mut group = c.benchmark_group("engine/market_only");
    group.sample_size(10);
    group.throughput(Throughput::Elements(paths));
    let cfg = config(paths, s.simulation.seed, 1, Quantiles::All);
    group.bench_function("1 threads/131072", |b| {
        b.iter(|| black_box(engine::run(&model, &cfg, &|_| {}).expect("run")))
    });
    group.finish();
}

/// An antithetic run of `paths` paths without sample paths.
fn config(paths: u64, seed: u64, threads: usize, quantiles: Quantiles) -> RunConfig {
    RunConfig {
        n_paths: paths,
        seed,
        antithetic: true,
        threads,
        sample_paths: 0,
        quantiles,
        sensitivity: None,
        distributions: Vec::new(),
    }
}

/// The cells `sim run` keeps quantiles for under `policy`.
fn quantiles(s: &scenario::Scenario, model: &Economy, policy: QuantilePolicy) -> Quantiles {
    policy.cells(&sim::app::report_meta(s, model))
}

fn engine_throughput(c: &mut Criterion) {
    let s = base_scenario();
    let (model, seed) = base_model();
    let mut group = c.benchmark_group("engine/base");
    group.sample_size(10);
    let meta = sim::app::report_meta(&s, &model);
    let plan = sim::output::sensitivity_plan(&meta).map(|p| p.spec);
    for (policy, sensitivity, threads, paths) in [
        (QuantilePolicy::Default, true, 1, 8_192u64),
        (QuantilePolicy::Default, true, 1, 32_768),
        (QuantilePolicy::Default, false, 1, 32_768),
        (QuantilePolicy::Default, true, 2, 8_192),
        (QuantilePolicy::Default, true, 2, 32_768),
        (QuantilePolicy::Default, true, 2, 131_072),
        (QuantilePolicy::All, true, 1, 32_768),
    ] {
        group.throughput(Throughput::Elements(paths));
        let cfg = RunConfig {
            sensitivity: plan.clone().filter(|_| sensitivity),
            distributions: Vec::new(),
            ..config(paths, seed, threads, quantiles(&s, &model, policy))
        };
        let label = if sensitivity { "" } else { ", no sensitivity" };
        group.bench_with_input(
            BenchmarkId::new(
                format!("{} quantiles{label}/{threads} threads", policy.name()),
                paths,
            ),
            &cfg,
            |b, cfg| b.iter(|| black_box(engine::run(&model, cfg, &|_| {}).expect("run"))),
        );
    }
    group.finish();
}

/// Cost against the horizon: the base scenario at 20 and at 80 quarters,
/// default quantiles, one thread.
fn quarters(c: &mut Criterion) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut group = c.benchmark_group("engine/quarters");
    group.sample_size(10);
    let paths = 8_192u64;
    group.throughput(Throughput::Elements(paths));
    for sensitivity in [false, true] {
        for n in [20, 80] {
            let set = [Override::from_flag(
                "--set",
                "simulation.quarters",
                n.to_string(),
            )];
            let s = scenario::load(&root.join("scenarios/base.toml"), &set).expect("loads");
            let model = Economy::new(&s).expect("builds");
            let quantiles = quantiles(&s, &model, QuantilePolicy::Default);
            let meta = sim::app::report_meta(&s, &model);
            let cfg = RunConfig {
                sensitivity: sim::output::sensitivity_plan(&meta)
                    .map(|p| p.spec)
                    .filter(|_| sensitivity),
                ..config(paths, s.simulation.seed, 1, quantiles)
            };
            let name = if sensitivity {
                "1 thread, with sensitivity"
            } else {
                "1 thread"
            };
            group.bench_with_input(BenchmarkId::new(name, n), &cfg, |b, cfg| {
                b.iter(|| black_box(engine::run(&model, cfg, &|_| {}).expect("run")))
            });
        }
    }
    group.finish();
}

/// What the base scenario draws each quarter: 6 correlated shocks and a
/// jump size; one idiosyncratic revenue shock per lab (2).
const NORMALS_PER_QUARTER: usize = 6 + 1 + 2;
/// The regime step and the jump count; four per lab (hazard, funding,
/// renegotiation, contagion).
const UNIFORMS_PER_QUARTER: usize = 2 + 4 * 2;

fn normal_floor(c: &mut Criterion) {
    let (model, seed) = base_model();
    let quarters = model.n_quarters();
    let paths = 131_072u64;
    let mut group = c.benchmark_group("floor");
    group.sample_size(10);
    group.throughput(Throughput::Elements(paths));
    group.bench_function("normals", |b| {
        b.iter(|| {
            let mut acc = 0.0;
            for p in 0..paths {
                let mut r = path_random(seed, p, true);
                for _ in 0..quarters {
                    for _ in 0..NORMALS_PER_QUARTER {
                        acc += r.normal();
                    }
                    for _ in 0..UNIFORMS_PER_QUARTER {
                        acc += r.uniform();
                    }
                }
            }
            black_box(acc)
        })
    });
    group.finish();
}

/// Keeps a path's values in a row (metric-major), the least a recorder
/// can do; the rows' sum keeps the model's work from being optimised away.
struct RowOnly {
    n_quarters: usize,
    row: Vec<f64>,
}

impl Recorder for RowOnly {
    #[inline]
    fn record(&mut self, metric: MetricId, quarter: usize, value: f64) {
        self.row[metric.0 * self.n_quarters + quarter] = value;
    }
    #[inline]
    fn recorded(&self, metric: MetricId, quarter: usize) -> f64 {
        self.row[metric.0 * self.n_quarters + quarter]
    }
}

fn model_without_statistics(c: &mut Criterion) {
    let (model, seed) = base_model();
    let paths = 131_072u64;
    let mut group = c.benchmark_group("model");
    group.sample_size(10);
    group.throughput(Throughput::Elements(paths));
    group.bench_function("no statistics", |b| {
        let mut scratch = model.scratch();
        let n_quarters = model.n_quarters();
        let mut rec = RowOnly {
            n_quarters,
            row: vec![0.0; model.metrics().len() * n_quarters],
        };
        b.iter(|| {
            let mut sum = 0.0;
            for p in 0..paths {
                let mut random = path_random(seed, p, true);
                model.simulate(&mut scratch, &mut random, &mut rec);
                sum += rec.row[p as usize % rec.row.len()];
            }
            black_box(sum)
        })
    });
    group.finish();
}

/// A `sim sensitivity --sobol 1024` design on the base scenario, one
/// thread: paths per second of a design that keeps no statistics.
fn sobol_design(c: &mut Criterion) {
    let s = base_scenario();
    let model = Economy::new(&s).expect("base scenario's thresholds resolve");
    let meta = sim::app::report_meta(&s, &model);
    let plan = sim::output::sensitivity_plan(&meta).expect("the base has uncertain inputs");
    let params = scenario_params(&s);
    let parameters = plan
        .inputs
        .iter()
        .filter(|(_, kind)| *kind == "parameter")
        .map(|(name, _)| params.iter().position(|(k, _)| k == name).unwrap() as u64)
        .collect();
    let spec = PickFreezeSpec {
        rows: 1024,
        seed: s.simulation.seed,
        parameters,
        shocks: true,
        outputs: plan.spec.outputs,
        threads: 1,
    };
    let mut group = c.benchmark_group("sobol/base");
    group.sample_size(10);
    group.throughput(Throughput::Elements(spec.paths()));
    group.bench_function("1 thread/1024 rows", |b| {
        b.iter(|| black_box(pick_freeze(&model, &spec, &|_| {}).unwrap().sums.rows()))
    });
    group.finish();
}

criterion_group!(
    benches,
    engine_throughput,
    sobol_design,
    quarters,
    market_only,
    model_without_statistics,
    normal_floor
);
criterion_main!(benches);
