//! What a sweep saves over separate runs: the per-point overhead of a
//! 200-point `sim sweep` against 200 `sim run --set` processes.
//!
//! All three cases run the same 200 points of the base scenario
//! (`lab.OpenAI.hazard` = 0.001 … 0.2, 256 paths each, one thread, so the
//! comparison is of overhead, not parallelism):
//! - `sweep_overhead/engine only`: `engine::run` of each point in-process,
//!   the model built beforehand: the work itself, no overhead.
//! - `sweep_overhead/sim sweep`: one `sim sweep` process (validating every
//!   point, building each model, writing sweep.csv).
//! - `sweep_overhead/200 sim runs`: 200 `sim run --set` processes, each
//!   writing its full outputs.
//!
//! Per-point overhead = (case − engine only) / 200.
//!
//! `sweep_vs_run`: what a sweep of many small points costs against the
//! same paths run once, both as `sim` processes on every core:
//! - `1000 points × 1000 paths`: `sim sweep` over 1,000 values of
//!   `market.demand.growth`;
//! - `one run of 1000000 paths`: `sim run --paths 1000000`.
//!
//! Run: `cargo bench --bench sweep` (the second group takes about five
//! minutes on two cores).

use criterion::{Criterion, criterion_group, criterion_main};
use sim::engine::{self, Quantiles, RunConfig};
use sim::model::Economy;
use sim::scenario::{self, Override};
use std::hint::black_box;
use std::path::Path;
use std::process::Command;

const POINTS: usize = 200;
const PATHS: &str = "256";

fn hazards() -> Vec<String> {
    (1..=POINTS)
        .map(|i| format!("{}", i as f64 / 1000.0))
        .collect()
}

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn sweep_overhead(c: &mut Criterion) {
    let base = root().join("scenarios/base.toml");
    let sim = env!("CARGO_BIN_EXE_sim");
    let tmp = tempfile::tempdir().expect("temp dir");
    let models: Vec<Economy> = hazards()
        .iter()
        .map(|h| {
            let o = [
                Override::from_flag("--set", "lab.OpenAI.hazard", h),
                Override::from_flag("--paths", "simulation.paths", PATHS),
            ];
            let s = scenario::load(&base, &o).expect("point loads");
            Economy::new(&s).expect("point builds")
        })
        .collect();
    let s = scenario::load(&base, &[]).expect("base loads");
    let cfg = RunConfig {
        n_paths: PATHS.parse().expect("paths"),
        seed: s.simulation.seed,
        antithetic: s.simulation.antithetic,
        threads: 1,
        sample_paths: 0,
        quantiles: Quantiles::All,
        sensitivity: None,
        distributions: Vec::new(),
    };

    let mut group = c.benchmark_group("sweep_overhead");
    group.sample_size(10);
    group.bench_function("engine only", |b| {
        b.iter(|| {
            for m in &models {
                black_box(engine::run(m, &cfg, &|_| {}).expect("run"));
            }
        })
    });
    let grid = format!("lab.OpenAI.hazard={}", hazards().join(","));
    group.bench_function("sim sweep", |b| {
        b.iter(|| {
            let status = Command::new(sim)
                .args([
                    "sweep",
                    "--quiet",
                    "--threads",
                    "1",
                    "--paths",
                    PATHS,
                    "--vary",
                    &grid,
                ])
                .arg(&base)
                .arg("--out")
                .arg(tmp.path().join("sweep"))
                .status()
                .expect("sim sweep starts");
            assert!(status.success());
        })
    });
    group.bench_function("200 sim runs", |b| {
        b.iter(|| {
            for (i, h) in hazards().iter().enumerate() {
                let status = Command::new(sim)
                    .args(["run", "--quiet", "--threads", "1", "--paths", PATHS])
                    .args(["--set", &format!("lab.OpenAI.hazard={h}")])
                    .arg(&base)
                    .arg("--out")
                    .arg(tmp.path().join(format!("run{i}")))
                    .status()
                    .expect("sim run starts");
                assert!(status.success());
            }
        })
    });
    group.finish();
}

fn sweep_vs_run(c: &mut Criterion) {
    let base = root().join("scenarios/base.toml");
    let sim = env!("CARGO_BIN_EXE_sim");
    let tmp = tempfile::tempdir().expect("temp dir");
    let mut group = c.benchmark_group("sweep_vs_run");
    group.sample_size(10);
    let run = |args: &[&str], out: &str| {
        let status = Command::new(sim)
            .args(args)
            .arg(&base)
            .arg("--out")
            .arg(tmp.path().join(out))
            .status()
            .expect("sim starts");
        assert!(status.success());
    };
    group.bench_function("1000 points × 1000 paths", |b| {
        b.iter(|| {
            run(
                &[
                    "sweep",
                    "--quiet",
                    "--paths",
                    "1000",
                    "--vary",
                    "market.demand.growth=0.3:0.7:1000",
                ],
                "sweep",
            )
        })
    });
    group.bench_function("one run of 1000000 paths", |b| {
        b.iter(|| run(&["run", "--quiet", "--paths", "1000000"], "run"))
    });
    group.finish();
}

criterion_group!(benches, sweep_overhead, sweep_vs_run);
criterion_main!(benches);
