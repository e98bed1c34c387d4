//! The commands, end to end: parse → load → build → run → export. This is
//! glue; the work happens in the library modules it calls.

use crate::cli::{Cli, Command, ExplainArgs, ExplainFormat, InitArgs, RunArgs, ValidateArgs};
use crate::engine::{self, PathModel, RunConfig};
use crate::model::Economy;
use crate::output::{self, BreakevenInfo, EventInfo, Manifest, Report, ThresholdInfo};
use crate::progress::Progress;
use crate::scenario::{self, LoadError, Override};
use sha2::{Digest, Sha256};
use std::io::Write;
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

/// Runs the parsed command line.
pub fn run(cli: Cli) -> Result<(), AppError> {
    match cli.command {
        Command::Run(args) => run_scenario(&args),
        Command::Validate(args) => validate(&args),
        Command::Explain(args) => explain(&args),
        Command::Init(args) => init(&args),
    }
}

fn run_scenario(args: &RunArgs) -> Result<(), AppError> {
    let mut overrides = args.set.clone();
    if let Some(paths) = args.paths {
        overrides.push(Override::from_flag("--paths", "simulation.paths", paths));
    }
    if let Some(seed) = args.seed {
        overrides.push(Override::from_flag("--seed", "simulation.seed", seed));
    }
    let text = scenario::read_text(&args.scenario)?;
    let scenario = scenario::from_text(&args.scenario, &text, &overrides)
        .map_err(|d| AppError::Input(d.to_string()))?;
    let model = build_model(&args.scenario, &text, &scenario)?;
    let sim = &scenario.simulation;

    let threads = match args.threads {
        Some(0) => {
            return Err(AppError::Input(
                "--threads must be at least 1 (omit it to use every core)".into(),
            ));
        }
        Some(t) => t,
        None => 0,
    };
    if args.sample_paths > sim.n_paths {
        return Err(AppError::Input(format!(
            "--sample-paths {} is more than the {} paths being run",
            args.sample_paths, sim.n_paths
        )));
    }
    let n_cells = model.metrics().len() * model.n_quarters();
    let worker_threads = if threads == 0 {
        std::thread::available_parallelism().map_or(1, |n| n.get())
    } else {
        threads
    };
    let need = engine::memory_estimate(n_cells, worker_threads, args.sample_paths);
    if need > engine::MEMORY_LIMIT_BYTES {
        return Err(AppError::Input(format!(
            "this run would need about {:.1} GiB of memory ({} cells × {} threads, {} sample paths), above the {} GiB limit; lower --sample-paths or --threads",
            need as f64 / (1u64 << 30) as f64,
            n_cells,
            worker_threads,
            args.sample_paths,
            engine::MEMORY_LIMIT_BYTES >> 30
        )));
    }

    let cfg = RunConfig {
        n_paths: sim.n_paths,
        seed: sim.seed,
        antithetic: sim.antithetic,
        threads,
        sample_paths: args.sample_paths,
    };
    let progress = Progress::new(sim.n_paths, args.quiet);
    let result = engine::run(&model, &cfg, &|done| progress.set(done)).map_err(|e| match e {
        engine::EngineError::ThreadPool { .. } => AppError::Input(e.to_string()),
        engine::EngineError::Overflow { .. } => AppError::Input(e.to_string()),
        engine::EngineError::NonFinite { .. } => AppError::Internal(e.to_string()),
    })?;
    progress.finish();

    let seconds = result.elapsed.as_secs_f64();
    let manifest = Manifest {
        version: env!("CARGO_PKG_VERSION").to_string(),
        scenario: args.scenario.display().to_string(),
        scenario_sha256: Sha256::digest(text.as_bytes())
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect(),
        seed: sim.seed,
        paths: sim.n_paths,
        antithetic: sim.antithetic,
        start: sim.start.to_string(),
        quarters: sim.n_quarters,
        threads: result.threads,
        elapsed_seconds: seconds,
        paths_per_second: sim.n_paths as f64 / seconds.max(1e-9),
        overrides,
        sample_paths: args.sample_paths,
        generator: "Xoshiro256++ per path (rand_xoshiro), seeded by SplitMix64 from (seed, path)"
            .to_string(),
        chunk_paths: engine::CHUNK_PATHS,
        quantile_relative_error: crate::stats::histogram::RELATIVE_ERROR,
    };
    let quarters = sim.quarters();
    let thresholds: Vec<ThresholdInfo> = scenario
        .thresholds
        .iter()
        .zip(model.threshold_ids())
        .map(|(t, ids)| ThresholdInfo {
            name: t.name.clone(),
            metric: t.metric.clone(),
            window: t.window.name(),
            op: t.op.symbol(),
            value: t.value.to_string(),
            by_idx: t.by_idx,
            first_hit: ids.first_hit.0,
            hit_by: ids.hit_by.0,
        })
        .collect();
    let events: Vec<EventInfo> = model
        .events()
        .iter()
        .map(|e| EventInfo {
            entity: e.entity.clone(),
            event: e.event.to_string(),
            now: e.now.0,
            by: e.by.0,
        })
        .collect();
    let breakevens: Vec<BreakevenInfo> = model
        .breakevens()
        .into_iter()
        .map(|(e, cumulative)| BreakevenInfo {
            entity: e.entity,
            by: e.by.0,
            cumulative: cumulative.0,
        })
        .collect();
    let report = Report {
        quarters: &quarters,
        metrics: model.metrics(),
        result: &result,
        manifest: &manifest,
        sample_paths: args.sample_paths,
        thresholds: &thresholds,
        events: &events,
        breakevens: &breakevens,
    };
    let out_dir = args
        .out
        .clone()
        .unwrap_or_else(|| default_out_dir(&args.scenario));
    let written = output::write_report(&out_dir, &report).map_err(|e| {
        AppError::Io(format!(
            "cannot write results to {}: {e}",
            out_dir.display()
        ))
    })?;

    if !args.quiet {
        println!(
            "{} paths × {} quarters in {:.2} s ({:.0} paths/s, {} threads)",
            sim.n_paths, sim.n_quarters, seconds, manifest.paths_per_second, result.threads
        );
        print_headline(&report);
        for path in written {
            println!("wrote {}", path.display());
        }
    }
    Ok(())
}

/// A few horizon figures on standard output: what a user looks at first.
fn print_headline(report: &Report) {
    let nq = report.quarters.len();
    let last = report.quarters[nq - 1];
    println!("at {last} (median [p05, p95]):");
    for (m, name) in report.metrics.iter().enumerate() {
        let c = &report.result.cells[m * nq + nq - 1];
        if name.entity == "regime" {
            println!(
                "  P(regime = {}) = {:.3} ± {:.4} (SE)",
                name.metric, c.mean, c.mean_se
            );
        } else if name.entity == "market" && name.metric != "gpu_jumps" {
            println!(
                "  {}.{} = {:.4} [{:.4}, {:.4}]",
                name.entity, name.metric, c.quantiles[2], c.quantiles[0], c.quantiles[4]
            );
        }
    }
    // Events worth a headline: defaults, renegotiations and distress, by the horizon.
    for e in report.events {
        if !matches!(e.event.as_str(), "default" | "renegotiation" | "distress") {
            continue;
        }
        let c = &report.result.cells[e.by * nq + nq - 1];
        println!(
            "  P({} {} by {last}) = {:.3} ± {:.4} (SE)",
            e.entity, e.event, c.mean, c.mean_se
        );
    }
    for b in report.breakevens {
        let c = &report.result.cells[b.by * nq + nq - 1];
        println!(
            "  P({} AI break-even by {last}) = {:.3} ± {:.4} (SE)",
            b.entity, c.mean, c.mean_se
        );
    }
    for t in report.thresholds {
        let c = &report.result.cells[t.hit_by * nq + t.by_idx];
        println!(
            "  P({}: {} {} {} by {}) = {:.3} ± {:.4} (SE)",
            t.name, t.metric, t.op, t.value, report.quarters[t.by_idx], c.mean, c.mean_se
        );
    }
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

fn default_out_dir(scenario: &Path) -> PathBuf {
    let stem = scenario
        .file_stem()
        .map_or_else(|| "scenario".into(), |s| s.to_string_lossy().into_owned());
    Path::new("out").join(stem)
}

fn validate(args: &ValidateArgs) -> Result<(), AppError> {
    let text = scenario::read_text(&args.scenario)?;
    let scenario = scenario::from_text(&args.scenario, &text, &args.set)
        .map_err(|d| AppError::Input(d.to_string()))?;
    build_model(&args.scenario, &text, &scenario)?;
    print_warnings(&scenario);
    if args.strict {
        let unsourced = scenario::explain::unsourced(&scenario);
        let warnings = scenario.provenance.warnings.len();
        if warnings > 0 || !unsourced.is_empty() {
            let mut msg = format!(
                "{}: --strict: {warnings} warning(s) and {} number(s) citing no source",
                args.scenario.display(),
                unsourced.len()
            );
            for p in unsourced {
                msg.push_str(&format!("\n  {p}"));
            }
            msg.push_str("\n  help: cite a fact, a derivation or an assumption: { value = 0.3, fact = \"id\" } (see docs/scenario.md, \"Sources\")");
            return Err(AppError::Input(msg));
        }
    }
    println!("{}: ok", args.scenario.display());
    let rows = scenario::describe(&scenario);
    let width = rows.iter().map(|(k, _)| k.len()).max().unwrap_or(0);
    for (key, value) in rows {
        println!("  {key:width$}  {value}");
    }
    Ok(())
}

/// Prints the scenario's warnings (cited values that differ from their
/// facts, hurdles not reproduced) to standard error.
fn print_warnings(scenario: &scenario::Scenario) {
    for w in &scenario.provenance.warnings {
        eprintln!("warning: {w}");
    }
}

fn explain(args: &ExplainArgs) -> Result<(), AppError> {
    let text = scenario::read_text(&args.scenario)?;
    let scenario = scenario::from_text(&args.scenario, &text, &args.set)
        .map_err(|d| AppError::Input(d.to_string()))?;
    print_warnings(&scenario);
    let rows = scenario::explain::rows(&scenario);
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    let written = match args.format {
        ExplainFormat::Csv => output::write_explain_csv(&mut out, &rows),
        ExplainFormat::Text => {
            let p = &scenario.provenance;
            let facts = match &p.facts {
                Some(t) => format!("facts from {} ({} rows)", t.path.display(), t.len()),
                None => "no fact table".to_string(),
            };
            let sourced = rows
                .iter()
                .filter(|r| !matches!(r.source, scenario::explain::Origin::None))
                .count();
            writeln!(
                out,
                "{}: {} values, {sourced} with a source; {facts}\n",
                args.scenario.display(),
                rows.len()
            )
            .and_then(|_| output::write_explain_text(&mut out, &rows, &scenario.hurdles))
        }
    };
    written.and_then(|_| out.flush()).or_else(|e| {
        if e.kind() == std::io::ErrorKind::BrokenPipe {
            Ok(())
        } else {
            Err(AppError::Io(format!(
                "cannot write to standard output: {e}"
            )))
        }
    })
}

/// The starter scenario `sim init` writes: the shipped base scenario.
const STARTER: &str = include_str!("../scenarios/base.toml");
/// The fact table the starter cites, written beside it.
const STARTER_FACTS: &str = include_str!("../seeds/facts.csv");
const STARTER_FACTS_FILE: &str = "facts.csv";

fn init(args: &InitArgs) -> Result<(), AppError> {
    let name = if args.name.ends_with(".toml") {
        args.name.clone()
    } else {
        format!("{}.toml", args.name)
    };
    let path = PathBuf::from(&name);
    if path.exists() {
        return Err(AppError::Input(format!(
            "{name} already exists; choose another name or remove it first"
        )));
    }
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let file = path
        .file_name()
        .map(|f| f.to_string_lossy().into_owned())
        .unwrap_or(name.clone());
    // The starter cites the shipped fact table; it is written beside the
    // scenario (unless one is already there) and the reference rewritten.
    let starter = STARTER.replacen(
        "facts = \"../seeds/facts.csv\"",
        &format!("facts = \"{STARTER_FACTS_FILE}\""),
        1,
    );
    let mut files = vec![output::stage(dir, &file, |w| {
        w.write_all(starter.as_bytes())
    })];
    if !dir.join(STARTER_FACTS_FILE).exists() {
        files.push(output::stage(dir, STARTER_FACTS_FILE, |w| {
            w.write_all(STARTER_FACTS.as_bytes())
        }));
    }
    let staged = files
        .into_iter()
        .collect::<std::io::Result<Vec<_>>>()
        .and_then(output::commit)
        .map_err(|e| AppError::Io(format!("cannot write {name}: {e}")))?;
    for p in staged {
        if p.extension().is_some_and(|e| e == "csv") {
            println!("wrote {} (the facts the scenario cites)", p.display());
        } else {
            println!(
                "wrote {}; run it with: sim run {}",
                p.display(),
                p.display()
            );
        }
    }
    Ok(())
}
