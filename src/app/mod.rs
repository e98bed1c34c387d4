//! The commands, end to end: parse → load → build → run → export. This is
//! glue; the work happens in the library modules it calls. One file per
//! command family; the helpers they share are here.

mod compare;
mod inspect;
mod merge;
mod run;
mod sensitivity;
mod sweep;
mod tornado;

use crate::cli::{Cli, Command};
use crate::engine::{self, MetricKind, PathModel};
use crate::model::Economy;
use crate::output::{
    BreakevenInfo, EventInfo, Manifest, QuantilePolicy, ReportMeta, ThresholdInfo,
};
use crate::scenario::{self, LoadError, Override};
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};

/// A failure, classified by who can fix it; the class picks the exit code.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// Bad scenario or flags: exit 1.
    #[error("{0}")]
    Input(String),
    /// Reading or writing failed: exit 2.
    #[error("{0}")]
    Io(String),
    /// A bug: exit 3.
    #[error("internal error: {0}")]
    Internal(String),
}

impl AppError {
    /// The process exit code for this error.
    pub fn exit_code(&self) -> u8 {
        match self {
            AppError::Input(_) => 1,
            AppError::Io(_) => 2,
            AppError::Internal(_) => 3,
        }
    }
}

impl From<LoadError> for AppError {
    fn from(e: LoadError) -> AppError {
        match e {
            LoadError::Io(..) => AppError::Io(e.to_string()),
            LoadError::Invalid(d) => AppError::Input(d.to_string()),
        }
    }
}

impl From<engine::EngineError> for AppError {
    fn from(e: engine::EngineError) -> AppError {
        match e {
            engine::EngineError::ThreadPool { .. } | engine::EngineError::Overflow { .. } => {
                AppError::Input(e.to_string())
            }
            engine::EngineError::NonFinite { .. } | engine::EngineError::Tiling(_) => {
                AppError::Internal(e.to_string())
            }
        }
    }
}

/// Runs the parsed command line.
pub fn run(cli: Cli) -> Result<(), AppError> {
    match cli.command {
        Command::Run(args) => run::run(&args),
        Command::Sweep(args) => sweep::sweep(&args),
        Command::Tornado(args) => tornado::tornado(&args),
        Command::Sensitivity(args) => sensitivity::sensitivity(&args),
        Command::Merge(args) => merge::merge(&args),
        Command::Validate(args) => inspect::validate(&args),
        Command::Explain(args) => inspect::explain(&args),
        Command::Init(args) => inspect::init(&args),
        Command::Compare(args) => compare::compare(&args),
        Command::Completions(args) => inspect::completions(&args),
        Command::Man(args) => inspect::man(&args),
        Command::Schema => to_stdout(|out| {
            use std::io::Write;
            out.write_all(scenario::schema::json().as_bytes())
        }),
    }
}

/// Writes to standard output through `write`; a reader that has gone away
/// (a closed pipe) is success.
fn to_stdout(
    write: impl FnOnce(&mut std::io::BufWriter<std::io::StdoutLock>) -> std::io::Result<()>,
) -> Result<(), AppError> {
    use std::io::Write;
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    write(&mut out).and_then(|_| out.flush()).or_else(|e| {
        if e.kind() == std::io::ErrorKind::BrokenPipe {
            Ok(())
        } else {
            Err(AppError::Io(format!(
                "cannot write to standard output: {e}"
            )))
        }
    })
}

/// Prints `lines` on standard output; a closed pipe is success.
fn say(lines: &[String]) -> Result<(), AppError> {
    use std::io::Write;
    to_stdout(|out| lines.iter().try_for_each(|l| writeln!(out, "{l}")))
}

/// A scenario file's text, validated under some overrides, and its model.
struct Loaded {
    text: String,
    scenario: scenario::Scenario,
    model: Economy,
}

/// Reads, validates and builds a scenario under `overrides`.
fn load(path: &Path, text: &str, overrides: &[Override]) -> Result<Loaded, AppError> {
    let scenario =
        scenario::from_text(path, text, overrides).map_err(|d| AppError::Input(d.to_string()))?;
    let model = build_model(path, text, &scenario)?;
    Ok(Loaded {
        text: text.to_string(),
        scenario,
        model,
    })
}

/// The overrides of `sim run`: every `--set`, then `--paths` and `--seed`.
fn run_overrides(set: &[Override], paths: Option<u64>, seed: Option<u64>) -> Vec<Override> {
    let mut overrides = set.to_vec();
    if let Some(paths) = paths {
        overrides.push(Override::from_flag("--paths", "simulation.paths", paths));
    }
    if let Some(seed) = seed {
        overrides.push(Override::from_flag("--seed", "simulation.seed", seed));
    }
    overrides
}

/// The most worker threads a run takes: far above any machine's cores,
/// far below what the operating system lets a process start.
pub const MAX_THREADS: usize = 1024;

/// `--threads` as the engine takes it (0: one per core); 0 and more than
/// [`MAX_THREADS`] are refused.
fn threads_flag(threads: Option<usize>) -> Result<usize, AppError> {
    match threads {
        Some(0) => Err(AppError::Input(
            "--threads must be at least 1 (omit it to use every core)".into(),
        )),
        Some(t) if t > MAX_THREADS => Err(AppError::Input(format!(
            "--threads {t} is more than sim runs (at most {MAX_THREADS}); this machine has {} cores: omit --threads to use them all",
            std::thread::available_parallelism().map_or(1, |n| n.get())
        ))),
        Some(t) => Ok(t),
        None => Ok(0),
    }
}

/// The number of worker threads `threads` (0: one per core) stands for.
fn worker_threads(threads: usize) -> usize {
    if threads == 0 {
        std::thread::available_parallelism().map_or(1, |n| n.get())
    } else {
        threads
    }
}

/// Refuses a run whose statistics would not fit in memory.
fn check_memory(
    model: &Economy,
    quantiles: &engine::Quantiles,
    threads: usize,
    sample_paths: u64,
) -> Result<(), AppError> {
    let n_cells = model.metrics().len() * model.n_quarters();
    let histograms = quantiles
        .histogram_cells(model.metrics(), model.n_quarters())
        .len();
    let worker_threads = worker_threads(threads);
    let need = engine::memory_estimate(n_cells, histograms, worker_threads, sample_paths);
    if need > engine::MEMORY_LIMIT_BYTES {
        return Err(AppError::Input(format!(
            "this run would need about {:.1} GiB of memory ({} cells × {} threads, {} sample paths), above the {} GiB limit; lower --sample-paths or --threads",
            need as f64 / (1u64 << 30) as f64,
            n_cells,
            worker_threads,
            sample_paths,
            engine::MEMORY_LIMIT_BYTES >> 30
        )));
    }
    Ok(())
}

/// Lower-case hex SHA-256.
fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// The manifest of a run of `loaded` under `overrides`; `threads` and
/// `seconds` describe how it went.
fn run_manifest(
    path: &Path,
    loaded: &Loaded,
    overrides: &[Override],
    sample_paths: u64,
    quantiles: QuantilePolicy,
    threads: usize,
    seconds: f64,
) -> Manifest {
    let sim = &loaded.scenario.simulation;
    Manifest {
        version: env!("CARGO_PKG_VERSION").to_string(),
        scenario: path.display().to_string(),
        scenario_sha256: sha256_hex(loaded.scenario.resolved_text(&loaded.text).as_bytes()),
        seed: sim.seed,
        paths: sim.n_paths,
        antithetic: sim.antithetic,
        start: sim.start.to_string(),
        quarters: sim.n_quarters,
        threads,
        elapsed_seconds: seconds,
        paths_per_second: sim.n_paths as f64 / seconds.max(1e-9),
        overrides: overrides.to_vec(),
        sample_paths,
        generator: "Xoshiro256++ per path (rand_xoshiro), seeded by SplitMix64 from (seed, path)"
            .to_string(),
        chunk_paths: engine::CHUNK_PATHS,
        quantile_relative_error: crate::stats::histogram::RELATIVE_ERROR,
        quantiles,
        shards: 1,
        sensitivity: false,
        sobol_rows: None,
    }
}

/// What the writers need besides the numbers (without the inputs' sources;
/// see [`report_meta_with_sources`]).
pub fn report_meta(scenario: &scenario::Scenario, model: &Economy) -> ReportMeta {
    let thresholds = scenario
        .thresholds
        .iter()
        .zip(model.threshold_ids())
        .map(|(t, ids)| ThresholdInfo {
            name: t.name.clone(),
            metric: t.metric.clone(),
            window: t.window.name().to_string(),
            op: t.op.symbol().to_string(),
            value: t.value.to_string(),
            from_idx: t.from_idx,
            by_idx: t.by_idx,
            first_hit: ids.first_hit.0,
            hit_by: ids.hit_by.0,
        })
        .collect();
    let events = model
        .events()
        .iter()
        .map(|e| EventInfo {
            entity: e.entity.clone(),
            event: e.event.to_string(),
            now: e.now.0,
            by: e.by.0,
        })
        .collect();
    let breakevens = model
        .breakevens()
        .into_iter()
        .map(|b| BreakevenInfo {
            entity: b.entity,
            above_water: b.breakeven.0,
            npv: b.npv.0,
            payback_by: b.payback.by.0,
            cumulative: b.cumulative.0,
        })
        .collect();
    let metrics = model.metrics().to_vec();
    let key_metrics = crate::model::KEY_METRICS
        .iter()
        .filter_map(|key| {
            metrics.iter().position(|m| {
                m.kind == MetricKind::Value && format!("{}.{}", m.entity, m.metric) == *key
            })
        })
        .collect();
    ReportMeta {
        assumptions: Vec::new(),
        quarters: scenario.simulation.quarters(),
        metrics,
        thresholds,
        events,
        breakevens,
        key_metrics,
    }
}

/// [`report_meta`] with the scenario's uncertain inputs and their sources,
/// which only `report.html` reads: a run (or its shard, which carries them
/// to `sim merge`) builds them once; a sweep's points, which draw no page,
/// skip the few milliseconds their sources take to resolve.
pub fn report_meta_with_sources(scenario: &scenario::Scenario, model: &Economy) -> ReportMeta {
    ReportMeta {
        assumptions: assumptions(scenario),
        ..report_meta(scenario, model)
    }
}

/// The scenario's uncertain inputs with their sources, for `report.html`.
fn assumptions(scenario: &scenario::Scenario) -> Vec<crate::output::Assumption> {
    use crate::scenario::explain::{Origin, rows};
    let uncertain: Vec<String> = crate::model::inputs::scenario_params(scenario)
        .into_iter()
        .filter(|(_, p)| !p.is_fixed())
        .map(|(k, _)| k)
        .collect();
    rows(scenario)
        .into_iter()
        .filter(|r| uncertain.contains(&r.path))
        .map(|r| {
            let (source, urls) = match &r.source {
                Origin::Fact(f) => (
                    format!("fact {}: {} ({})", f.id, f.source_title, f.as_of),
                    vec![f.source_url.clone()],
                ),
                Origin::Derived { how, from } => (
                    format!(
                        "derived: {how} (from {})",
                        from.iter()
                            .map(|f| f.id.as_str())
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                    from.iter().map(|f| f.source_url.clone()).collect(),
                ),
                Origin::Assumption(why) => (format!("assumption: {why}"), Vec::new()),
                Origin::Unchecked(id) => (format!("fact {id}"), Vec::new()),
                Origin::Override => ("set on the command line".to_string(), Vec::new()),
                Origin::None => (String::new(), Vec::new()),
            };
            let mut urls = urls;
            urls.dedup();
            crate::output::Assumption {
                key: r.path,
                value: r.value,
                unit: r.unit,
                source,
                urls,
            }
        })
        .collect()
}

/// Builds the model; a threshold on a metric nobody records is bad input,
/// reported at the threshold's `metric` key.
fn build_model(
    path: &Path,
    text: &str,
    scenario: &scenario::Scenario,
) -> Result<Economy, AppError> {
    Economy::new(scenario).map_err(|e| {
        let d = scenario::Diagnostic {
            file: path.to_path_buf(),
            position: e.position,
            key: format!("threshold.{}.metric", e.threshold),
            message: format!("no metric \"{}\" is recorded", e.metric),
            help: Some(match e.suggestion {
                Some(s) => format!("did you mean \"{s}\"? Metric paths are entity.metric, as in summary.csv"),
                None => "metric paths are entity.metric, as in summary.csv (e.g. \"market.compute_spend\")".into(),
            }),
            line_text: e.position.and_then(|(line, _)| text.lines().nth(line - 1)).map(str::to_string),
        };
        AppError::Input(d.to_string())
    })
}

/// `out/<scenario-stem><suffix>/`.
fn default_out_dir(scenario: &Path, suffix: &str) -> PathBuf {
    let stem = if scenario::is_stdin(scenario) {
        "stdin".into()
    } else {
        scenario
            .file_stem()
            .map_or_else(|| "scenario".into(), |s| s.to_string_lossy().into_owned())
    };
    Path::new("out").join(format!("{stem}{suffix}"))
}
