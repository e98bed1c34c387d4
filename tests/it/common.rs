//! Helpers shared by the integration tests.

use sim::engine::{self, PathModel, Quantiles, RunConfig, RunResult};
use sim::model::Economy;
use sim::scenario::{self, Override, Scenario};
use sim::stats::CellSummary;
use std::path::{Path, PathBuf};

/// The repository root.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The deterministic fixture with `path=value` overrides applied.
pub fn fixture(sets: &[&str]) -> Scenario {
    let path = root().join("tests/data/deterministic.toml");
    let text = read(&path);
    let overrides: Vec<Override> = sets.iter().map(|s| s.parse().unwrap()).collect();
    scenario::from_text(&path, &text, &overrides).unwrap_or_else(|e| panic!("{e}"))
}

/// The two-company, one-lab fixture (`tests/data/companies.toml`: every
/// volatility zero, regime frozen in boom) with overrides.
pub fn companies(sets: &[&str]) -> Scenario {
    let path = root().join("tests/data/companies.toml");
    let text = read(&path);
    let overrides: Vec<Override> = sets.iter().map(|s| s.parse().unwrap()).collect();
    scenario::from_text(&path, &text, &overrides).unwrap_or_else(|e| panic!("{e}"))
}

/// Exact up to the rounding of one addition chain.
pub fn same(what: &str, got: f64, want: f64) {
    assert!(
        (got - want).abs() <= 1e-9 * want.abs().max(1.0),
        "{what}: {got} vs {want}"
    );
}

/// The position of `entity.metric` among the model's metrics.
fn metric_index(model: &Economy, entity: &str, metric: &str) -> usize {
    model
        .metrics()
        .iter()
        .position(|n| n.entity == entity && n.metric == metric)
        .unwrap_or_else(|| panic!("no metric {entity}.{metric}"))
}

/// A finished run and the model that produced it.
pub struct Run {
    pub model: Economy,
    pub result: RunResult,
}

impl Run {
    /// The summary of `entity.metric` at quarter index `q`.
    pub fn cell(&self, entity: &str, metric: &str, q: usize) -> CellSummary {
        let m = metric_index(&self.model, entity, metric);
        self.result.cells[m * self.model.n_quarters() + q]
    }
}

/// Runs a scenario in-process.
pub fn run(s: &Scenario, threads: usize) -> Run {
    let model = Economy::new(s).unwrap_or_else(|e| panic!("{e:?}"));
    let cfg = RunConfig {
        n_paths: s.simulation.n_paths,
        seed: s.simulation.seed,
        antithetic: s.simulation.antithetic,
        threads,
        sample_paths: 0,
        quantiles: Quantiles::All,
        sensitivity: None,
        distributions: Vec::new(),
    };
    let result = engine::run(&model, &cfg, &|_| {}).unwrap();
    Run { model, result }
}

/// Sample paths of a run: `value(path, metric, q)`.
pub struct Samples {
    model: Economy,
    pub values: Vec<f64>,
    n_cells: usize,
}

impl Samples {
    pub fn of(s: &Scenario, paths: u64) -> Samples {
        let model = Economy::new(s).unwrap();
        let cfg = RunConfig {
            n_paths: paths,
            seed: s.simulation.seed,
            antithetic: s.simulation.antithetic,
            threads: 2,
            sample_paths: paths,
            quantiles: Quantiles::All,
            sensitivity: None,
            distributions: Vec::new(),
        };
        let result = engine::run(&model, &cfg, &|_| {}).unwrap();
        let n_cells = model.metrics().len() * model.n_quarters();
        Samples {
            model,
            values: result.samples,
            n_cells,
        }
    }

    pub fn get(&self, path: usize, entity: &str, metric: &str, q: usize) -> f64 {
        let m = metric_index(&self.model, entity, metric);
        self.values[path * self.n_cells + m * self.model.n_quarters() + q]
    }
}

/// The base scenario's companies.
pub const BASE_COMPANIES: [&str; 6] = [
    "Microsoft",
    "Alphabet",
    "Amazon",
    "Meta",
    "Oracle",
    "CoreWeave",
];

/// Sample paths of the base scenario with `paths` paths and `sets`
/// overrides, at its own seed: runs with different overrides share their
/// random numbers (common random numbers).
pub fn base_samples(paths: u64, sets: &[&str]) -> Samples {
    let path = root().join("scenarios/base.toml");
    let text = read(&path);
    let n = format!("simulation.paths={paths}");
    let overrides: Vec<Override> = std::iter::once(n.as_str())
        .chain(sets.iter().copied())
        .map(|s| s.parse().unwrap())
        .collect();
    let s = scenario::from_text(&path, &text, &overrides).unwrap_or_else(|e| panic!("{e}"));
    Samples::of(&s, paths)
}

/// Mean and standard error of `after − before`, path by path, with
/// antithetic pairs as the sampling units.
pub fn paired_change(before: &[f64], after: &[f64]) -> (f64, f64) {
    let d: Vec<f64> = before
        .chunks(2)
        .zip(after.chunks(2))
        .map(|(b, a)| (a.iter().sum::<f64>() - b.iter().sum::<f64>()) / 2.0)
        .collect();
    let n = d.len() as f64;
    let mean = d.iter().sum::<f64>() / n;
    let var = d.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1.0);
    (mean, (var / n).sqrt())
}

/// Asserts `|estimate − expected| ≤ 4 · se`, with a readable message.
pub fn within_4se(what: &str, estimate: f64, expected: f64, se: f64) {
    assert!(se.is_finite() && se > 0.0, "{what}: standard error {se}");
    let z = (estimate - expected) / se;
    assert!(
        z.abs() <= 4.0,
        "{what}: estimate {estimate}, closed form {expected}, se {se}, z = {z:.2}"
    );
}

/// Reads a file to a string.
/// A shipped scenario's text, made to run from another folder: its
/// relative `facts = "../seeds/facts.csv"` becomes an absolute path.
pub fn portable_scenario(name: &str) -> String {
    let facts = root().join("seeds/facts.csv");
    read(&root().join("scenarios").join(name)).replacen(
        "facts = \"../seeds/facts.csv\"",
        &format!("facts = {:?}", facts.display().to_string()),
        1,
    )
}

pub fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Compares `actual` with the golden file, or rewrites it with SIM_UPDATE_GOLDEN=1.
pub fn golden(name: &str, actual: &str) {
    let path = root().join("tests/golden").join(name);
    if std::env::var_os("SIM_UPDATE_GOLDEN").is_some() {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, actual).unwrap();
        return;
    }
    let expected = read(&path);
    assert!(
        expected == actual,
        "{} differs from the new output; if the change is intended, rerun with SIM_UPDATE_GOLDEN=1 and review the diff\n--- expected\n{expected}\n--- actual\n{actual}",
        path.display()
    );
}

/// `sim run` of the base scenario, 4,096 paths on `threads` threads, into `out`.
pub fn run_base_into(out: &Path, threads: &str) {
    assert_cmd::Command::cargo_bin("sim")
        .unwrap()
        .args(["run", "scenarios/base.toml", "--paths", "4096", "--quiet"])
        .args(["--threads", threads, "--out"])
        .arg(out)
        .current_dir(root())
        .assert()
        .success();
}

/// Runs a command that must succeed and returns its standard output.
pub fn succeeds(cmd: &mut assert_cmd::Command) -> String {
    let out = cmd.assert().success().get_output().stdout.clone();
    String::from_utf8(out).expect("stdout is UTF-8")
}
