//! `sim sensitivity --sobol N`: first-order and total Sobol indices of the
//! headline outputs (the outputs of `sensitivity.csv`) over the scenario's
//! uncertain inputs, from a pick-freeze design run by the engine
//! ([`crate::engine::pick_freeze`]), plus the paths' own randomness.

use super::{
    AppError, default_out_dir, load, report_meta, run_manifest, run_overrides, say, sha256_hex,
    threads_flag,
};
use crate::cli::SensitivityArgs;
use crate::engine;
use crate::engine::pick_freeze::{self, PickFreezeSpec, pick_freeze};
use crate::model::inputs::scenario_params;
use crate::output::{self, Manifest, QuantilePolicy, SobolTable};
use crate::progress::Progress;
use crate::scenario;
use crate::shard::partial::{self, Identity, PartialInfo, SobolPart};
use crate::shard::state;
use std::path::{Path, PathBuf};

/// The name of the column that swaps a path's shocks.
const RANDOMNESS: &str = "path randomness";

pub(super) fn sensitivity(args: &SensitivityArgs) -> Result<(), AppError> {
    if args.sobol < 2 {
        return Err(AppError::Input(format!(
            "--sobol {}: the design needs at least 2 rows (a standard error needs two); try --sobol 1024",
            args.sobol
        )));
    }
    let overrides = run_overrides(&args.set, None, args.seed);
    let text = scenario::read_text(&args.scenario)?;
    let loaded = load(&args.scenario, &text, &overrides)?;
    super::inspect::print_warnings(&loaded.scenario);
    let threads = threads_flag(args.threads)?;
    let meta = report_meta(&loaded.scenario, &loaded.model);
    let Some(plan) = output::sensitivity_plan(&meta) else {
        return Err(AppError::Input(format!(
            "{}: nothing is uncertain: the scenario draws no parameter from a distribution, so every path has the same inputs; give one a range, e.g. growth = {{ dist = \"pert\", min = 0.3, mode = 0.55, max = 1.0 }}",
            args.scenario.display()
        )));
    };
    // The parameters among the plan's inputs (the drivers are outcomes of
    // a path, not inputs a design can set), by their place in the draws.
    let params = scenario_params(&loaded.scenario);
    let mut inputs: Vec<(String, &'static str)> = Vec::new();
    let mut places = Vec::new();
    for (name, kind) in &plan.inputs {
        if *kind != "parameter" {
            continue;
        }
        let place = params.iter().position(|(k, _)| k == name).ok_or_else(|| {
            AppError::Internal(format!("input {name} is not among the scenario's draws"))
        })?;
        places.push(place as u64);
        inputs.push((name.clone(), "parameter"));
    }
    inputs.push((RANDOMNESS.to_string(), "randomness"));
    let sim = &loaded.scenario.simulation;
    let spec = PickFreezeSpec {
        rows: args.sobol,
        seed: sim.seed,
        parameters: places,
        shocks: true,
        outputs: plan.spec.outputs.clone(),
        threads,
    };
    let per_row = spec.columns().len() as u64 + 2;
    if spec
        .rows
        .checked_mul(per_row)
        .is_none_or(|p| p >= u64::MAX / 2)
    {
        return Err(AppError::Input(format!(
            "--sobol {}: the design would simulate more than 2^63 paths ({per_row} a row); ask for fewer rows",
            spec.rows
        )));
    }
    let manifest = |threads: usize, seconds: f64, paths: u64| {
        let m = run_manifest(
            &args.scenario,
            &loaded,
            &overrides,
            0,
            QuantilePolicy::Default,
            threads,
            seconds,
        );
        Manifest {
            paths: spec.paths(),
            paths_per_second: paths as f64 / seconds.max(1e-9),
            antithetic: false,
            sensitivity: true,
            sobol_rows: Some(spec.rows),
            ..m
        }
    };
    if let Some(shard) = args.shard {
        let started = std::time::Instant::now();
        let chunks = shard.chunks(pick_freeze::n_chunks(spec.rows));
        let rows = (chunks.start * pick_freeze::ROWS_PER_CHUNK).min(spec.rows)
            ..(chunks.end * pick_freeze::ROWS_PER_CHUNK).min(spec.rows);
        let paths = (rows.end - rows.start) * per_row + 1;
        let progress = Progress::new(paths, args.quiet);
        let (blocks, threads) =
            pick_freeze::pick_freeze_range(&loaded.model, &spec, chunks.clone(), &|done| {
                progress.set(done)
            })?;
        progress.finish();
        let manifest = Manifest {
            shards: shard.count,
            ..manifest(threads, started.elapsed().as_secs_f64(), paths)
        };
        let state = state::encode(&engine::Partial {
            chunks: chunks.clone(),
            blocks,
            histograms: Vec::new(),
            samples: Vec::new(),
        });
        let info = PartialInfo {
            format: partial::FORMAT,
            identity: Identity {
                kind: "sobol".to_string(),
                version: manifest.version.clone(),
                scenario_sha256: manifest.scenario_sha256.clone(),
                overrides: overrides.to_vec(),
                seed: spec.seed,
                paths: spec.rows,
                sample_paths: 0,
                design: Some(format!("sobol {}", spec.rows)),
                design_sha256: None,
                points: None,
                shards: shard.count,
                quantiles: QuantilePolicy::Default,
                sensitivity: true,
            },
            shard,
            run: None,
            sweep: None,
            sobol: Some(SobolPart {
                manifest,
                outputs: plan.outputs.clone(),
                inputs: inputs
                    .iter()
                    .map(|(n, k)| (n.clone(), k.to_string()))
                    .collect(),
                chunks: [chunks.start, chunks.end],
                state_sha256: sha256_hex(&state),
            }),
        };
        let out = args
            .out
            .clone()
            .unwrap_or_else(|| default_out_dir(&args.scenario, "-sobol").join(shard.dir_name()));
        let io = |e: std::io::Error| {
            AppError::Io(format!(
                "cannot write the shard's result to {}: {e}",
                out.display()
            ))
        };
        std::fs::create_dir_all(&out).map_err(io)?;
        let staged = vec![
            output::stage(&out, partial::STATE_FILE, |w| w.write_all(&state)).map_err(io)?,
            output::stage(&out, partial::PARTIAL_FILE, |w| info.write(w)).map_err(io)?,
        ];
        output::commit(staged).map_err(io)?;
        if !args.quiet {
            say(&[
                format!(
                    "shard {shard}: rows {}..{} of {}; wrote {}",
                    rows.start,
                    rows.end,
                    spec.rows,
                    out.display()
                ),
                format!(
                    "when all {} shards are done: sim merge <their folders> --out DIR",
                    shard.count
                ),
            ])?;
        }
        return Ok(());
    }
    let progress = Progress::new(spec.paths(), args.quiet);
    let result = pick_freeze(&loaded.model, &spec, &|done| progress.set(done))?;
    progress.finish();
    let seconds = result.elapsed.as_secs_f64();
    let manifest = manifest(result.threads, seconds, spec.paths());
    let out = args
        .out
        .clone()
        .unwrap_or_else(|| default_out_dir(&args.scenario, "-sobol"));
    let table = SobolTable {
        outputs: &plan.outputs,
        inputs: &inputs,
        indices: &result.sums.indices(),
    };
    let written = write_outputs(&out, &table, spec.rows, &manifest)?;
    if !args.quiet {
        let mut lines = vec![format!(
            "{} rows × ({} inputs + path randomness + A and B) + 1 = {} paths in {:.2} s ({:.0} paths/s, {} threads)",
            spec.rows,
            inputs.len() - 1,
            spec.paths(),
            seconds,
            manifest.paths_per_second,
            result.threads
        )];
        lines.extend(headline(&table, meta.thresholds.len() + 2));
        lines.extend(written.iter().map(|p| format!("wrote {}", p.display())));
        say(&lines)?;
    }
    Ok(())
}

/// Writes `sobol.csv`, `charts/sobol_*.svg` and `manifest.json` into
/// `out` (a whole design, or the merge of its shards).
pub(super) fn write_outputs(
    out: &Path,
    table: &SobolTable,
    rows: u64,
    manifest: &Manifest,
) -> Result<Vec<PathBuf>, AppError> {
    let io = |e: std::io::Error| AppError::Io(format!("cannot write to {}: {e}", out.display()));
    std::fs::create_dir_all(out).map_err(io)?;
    let mut staged = vec![
        output::stage(out, "sobol.csv", |w| output::write_sobol(w, table, rows)).map_err(io)?,
        output::stage(out, "manifest.json", |w| manifest.write(w)).map_err(io)?,
    ];
    let charts = output::stage_dir(out, "charts").map_err(io)?;
    output::write_sobol_charts(charts.path(), table).map_err(io)?;
    staged.push(charts);
    output::commit(staged).map_err(io)
}

/// The first `n` outputs' three largest total effects, with first-order.
fn headline(table: &SobolTable, n: usize) -> Vec<String> {
    let mut lines = Vec::new();
    for (o, (output, quarter)) in table.outputs.iter().enumerate().take(n) {
        lines.push(format!("{output} ({quarter}), total / first-order:"));
        let rows = table.of_output(o);
        if rows.iter().all(|r| r.total.value.is_nan()) {
            lines.push("  the same on every path: no index".to_string());
            continue;
        }
        for &i in table.ranked(o).iter().take(3) {
            lines.push(format!(
                "  {:<44} {} / {}",
                table.inputs[i].0,
                output::with_interval(rows[i].total),
                output::with_interval(rows[i].first)
            ));
        }
    }
    lines
}
