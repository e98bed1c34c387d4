//! `sim run`: one scenario's Monte Carlo, whole or one shard of it.

use super::{
    AppError, Loaded, check_memory, default_out_dir, load, report_meta_with_sources, run_manifest,
    run_overrides, say, sha256_hex, threads_flag,
};
use crate::cli::RunArgs;
use crate::engine::{self, RunConfig};
use crate::output::{self, Manifest, QuantilePolicy, Report, is_headline_event};
use crate::progress::Progress;
use crate::scenario;
use crate::shard::partial::{self, Identity, PartialInfo, RunPart};
use crate::shard::{Shard, state};
use std::time::Instant;

pub(super) fn run(args: &RunArgs) -> Result<(), AppError> {
    let overrides = run_overrides(&args.set, args.paths, args.seed);
    let text = scenario::read_text(&args.scenario)?;
    let loaded = load(&args.scenario, &text, &overrides)?;
    super::inspect::print_warnings(&loaded.scenario);
    let sim = &loaded.scenario.simulation;
    let threads = threads_flag(args.threads)?;
    if args.sample_paths > sim.n_paths {
        return Err(AppError::Input(format!(
            "--sample-paths {} is more than the {} paths being run",
            args.sample_paths, sim.n_paths
        )));
    }
    let policy = QuantilePolicy::from(args.quantiles);
    let meta = report_meta_with_sources(&loaded.scenario, &loaded.model);
    let quantiles = policy.cells(&meta);
    let sensitivity = if args.no_sensitivity {
        None
    } else {
        output::sensitivity_plan(&meta).map(|p| p.spec)
    };
    check_memory(&loaded.model, &quantiles, threads, args.sample_paths)?;
    let cfg = RunConfig {
        n_paths: sim.n_paths,
        seed: sim.seed,
        antithetic: sim.antithetic,
        threads,
        sample_paths: args.sample_paths,
        quantiles,
        sensitivity,
        distributions: if args.no_charts {
            Vec::new()
        } else {
            output::chart_cells(&meta)
        },
    };
    match args.shard {
        Some(shard) => run_shard(args, &loaded, &overrides, &cfg, meta, shard),
        None => run_whole(args, &loaded, &overrides, &cfg, &meta),
    }
}

fn run_whole(
    args: &RunArgs,
    loaded: &Loaded,
    overrides: &[scenario::Override],
    cfg: &RunConfig,
    meta: &output::ReportMeta,
) -> Result<(), AppError> {
    let progress = Progress::new(cfg.n_paths, args.quiet);
    let result = engine::run(&loaded.model, cfg, &|done| progress.set(done))?;
    progress.finish();
    let seconds = result.elapsed.as_secs_f64();
    let manifest = run_manifest(
        &args.scenario,
        loaded,
        overrides,
        args.sample_paths,
        args.quantiles.into(),
        result.threads,
        seconds,
    );
    let manifest = Manifest {
        sensitivity: cfg.sensitivity.is_some(),
        ..manifest
    };
    let report = Report {
        meta,
        result: &result,
        manifest: &manifest,
        sample_paths: args.sample_paths,
        charts: !args.no_charts,
    };
    let out_dir = args
        .out
        .clone()
        .unwrap_or_else(|| default_out_dir(&args.scenario, ""));
    let written = output::write_report(&out_dir, &report).map_err(|e| {
        AppError::Io(format!(
            "cannot write results to {}: {e}",
            out_dir.display()
        ))
    })?;
    if !args.quiet {
        let mut lines = vec![format!(
            "{} paths × {} quarters in {:.2} s ({:.0} paths/s, {} threads)",
            cfg.n_paths,
            meta.quarters.len(),
            seconds,
            manifest.paths_per_second,
            result.threads
        )];
        lines.extend(headline(&report));
        lines.extend(written.iter().map(|p| format!("wrote {}", p.display())));
        say(&lines)?;
    }
    Ok(())
}

/// Runs shard `shard`'s chunks and writes its partial result.
fn run_shard(
    args: &RunArgs,
    loaded: &Loaded,
    overrides: &[scenario::Override],
    cfg: &RunConfig,
    meta: output::ReportMeta,
    shard: Shard,
) -> Result<(), AppError> {
    let started = Instant::now();
    let chunks = shard.chunks(engine::n_chunks(cfg.n_paths));
    let first_path = chunks.start * engine::CHUNK_PATHS;
    let last_path = (chunks.end * engine::CHUNK_PATHS).min(cfg.n_paths);
    let progress = Progress::new(last_path.saturating_sub(first_path), args.quiet);
    let (partial, threads) = engine::run_range(&loaded.model, cfg, chunks.clone(), &|done| {
        progress.set(done)
    })?;
    progress.finish();
    let seconds = started.elapsed().as_secs_f64();
    let state = state::encode(&partial);
    let mut manifest = run_manifest(
        &args.scenario,
        loaded,
        overrides,
        args.sample_paths,
        args.quantiles.into(),
        threads,
        seconds,
    );
    manifest.paths_per_second = (last_path - first_path) as f64 / seconds.max(1e-9);
    manifest.shards = shard.count;
    manifest.sensitivity = cfg.sensitivity.is_some();
    let info = PartialInfo {
        format: partial::FORMAT,
        identity: Identity {
            kind: "run".to_string(),
            version: manifest.version.clone(),
            scenario_sha256: manifest.scenario_sha256.clone(),
            overrides: overrides.to_vec(),
            seed: cfg.seed,
            paths: cfg.n_paths,
            sample_paths: args.sample_paths,
            design: None,
            design_sha256: None,
            points: None,
            shards: shard.count,
            quantiles: args.quantiles.into(),
            sensitivity: cfg.sensitivity.is_some(),
        },
        shard,
        run: Some(RunPart {
            manifest,
            meta,
            chunks: [chunks.start, chunks.end],
            state_sha256: sha256_hex(&state),
        }),
        sweep: None,
        sobol: None,
    };
    let out_dir = args
        .out
        .clone()
        .unwrap_or_else(|| default_out_dir(&args.scenario, "").join(shard.dir_name()));
    let io = |e: std::io::Error| {
        AppError::Io(format!(
            "cannot write the shard's result to {}: {e}",
            out_dir.display()
        ))
    };
    std::fs::create_dir_all(&out_dir).map_err(io)?;
    let staged = vec![
        output::stage(&out_dir, partial::STATE_FILE, |w| w.write_all(&state)).map_err(io)?,
        output::stage(&out_dir, partial::PARTIAL_FILE, |w| info.write(w)).map_err(io)?,
    ];
    output::commit_run(&out_dir, staged).map_err(io)?;
    if !args.quiet {
        say(&[
            format!(
                "shard {shard}: paths {first_path}..{last_path} of {} in {seconds:.2} s; wrote {}",
                cfg.n_paths,
                out_dir.display()
            ),
            format!(
                "when all {} shards are done: sim merge <their folders> --out DIR",
                shard.count
            ),
        ])?;
    }
    Ok(())
}

/// ` ± SE (SE)`, or nothing when the standard error does not exist (a
/// run of one antithetic pair, as a deterministic scenario uses).
fn se(se: f64) -> String {
    if se.is_finite() {
        format!(" ± {se:.4} (SE)")
    } else {
        String::new()
    }
}

/// A few horizon figures for standard output: what a user looks at first.
pub(super) fn headline(report: &Report) -> Vec<String> {
    let mut lines = Vec::new();
    let meta = report.meta;
    let nq = meta.quarters.len();
    let last = meta.quarters[nq - 1];
    let cells = &report.result.cells;
    lines.push(format!("at {last} (median [p05, p95]):"));
    for (m, name) in meta.metrics.iter().enumerate() {
        let c = &cells[m * nq + nq - 1];
        if name.entity == "regime" {
            lines.push(format!(
                "  P(regime = {}) = {:.3}{}",
                name.metric,
                c.mean,
                se(c.mean_se)
            ));
        } else if name.entity == "market" && name.metric != "gpu_jumps" {
            lines.push(format!(
                "  {}.{} = {:.4} [{:.4}, {:.4}] {}",
                name.entity,
                name.metric,
                c.quantile(2),
                c.quantile(0),
                c.quantile(4),
                name.unit
            ));
        }
    }
    for e in meta.events.iter().filter(|e| is_headline_event(&e.event)) {
        let c = &cells[e.by * nq + nq - 1];
        lines.push(format!(
            "  P({} {} by {last}) = {:.3}{}",
            e.entity,
            e.event,
            c.mean,
            se(c.mean_se)
        ));
    }
    for b in &meta.breakevens {
        let c = &cells[b.above_water * nq + nq - 1];
        lines.push(format!(
            "  P({} AI NPV > 0 at {last}) = {:.3}{}",
            b.entity,
            c.mean,
            se(c.mean_se)
        ));
        let c = &cells[b.payback_by * nq + nq - 1];
        lines.push(format!(
            "  P({} AI cash payback by {last}) = {:.3}{}",
            b.entity,
            c.mean,
            se(c.mean_se)
        ));
    }
    for t in &meta.thresholds {
        let c = &cells[t.hit_by * nq + t.by_idx];
        let by = meta.quarters[t.by_idx];
        let when = match t.from_idx {
            0 => format!("by {by}"),
            i if i == t.by_idx => format!("in {by}"),
            i => format!("from {} by {by}", meta.quarters[i]),
        };
        lines.push(format!(
            "  P({}: {} {} {} {when}) = {:.3}{}",
            t.name,
            t.metric,
            t.op,
            t.value,
            c.mean,
            se(c.mean_se)
        ));
    }
    lines
}
