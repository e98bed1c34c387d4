//! `sim sweep`: one scenario over many parameter values (a grid or a Latin
//! hypercube), one `sweep.csv` row per point; whole or one shard of the
//! points.
//!
//! **Common random numbers.** Every point runs with the same seed, and a
//! path's random stream depends only on (seed, path index), so path `i`
//! sees the same shocks at every point: differences between points are the
//! parameters' effect, not sampling noise. A point is run exactly as
//! `sim run --set PATH=VALUE …` with the same `--set`, `--paths` and
//! `--seed`, so its outputs are byte-identical to that run's.

use super::{
    AppError, check_memory, default_out_dir, load, report_meta, run_manifest, run_overrides, say,
    sha256_hex, threads_flag, worker_threads,
};
use crate::cli::SweepArgs;
use crate::engine::{self, RunConfig, seeding};
use crate::output::{self, QuantilePolicy, Report, SweepManifest};
use crate::progress::Progress;
use crate::scenario::{self, Override};
use crate::shard::Shard;
use crate::shard::partial::{self, Identity, PartialInfo, SweepPart};
use crate::sweep::Design;
use rayon::prelude::*;
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

/// How sweep.csv explains common random numbers in the manifest.
const CRN: &str = "every point runs with the same seed and path streams (path i draws from (seed, i) at every point), so differences between points are not sampling noise";

/// Invalid points listed before the rest are counted.
const LIST_INVALID: usize = 20;

pub(super) fn sweep(args: &SweepArgs) -> Result<(), AppError> {
    run_design(args, None)
}

/// Runs a sweep of `given` (or of the design `args` and the scenario
/// describe) and writes its outputs into the sweep's folder.
pub(super) fn run_design(args: &SweepArgs, given: Option<Design>) -> Result<(), AppError> {
    let started = Instant::now();
    let base_overrides = run_overrides(&args.set, args.paths, args.seed);
    let text = scenario::read_text(&args.scenario)?;
    let base = load(&args.scenario, &text, &base_overrides)?;
    super::inspect::print_warnings(&base.scenario);
    let design = match given {
        Some(d) => d,
        None => design(args, base.scenario.sweep.as_ref())?,
    };
    for axis in &design.axes {
        if args.set.iter().any(|o| o.path == axis.path) {
            return Err(AppError::Input(format!(
                "{} is both set (--set) and swept (--vary); drop one",
                axis.path
            )));
        }
    }
    let sim = &base.scenario.simulation;
    let (seed, n_paths) = (sim.seed, sim.n_paths);
    let points = design
        .expand(args.max_points, &mut seeding::design_random(seed))
        .map_err(AppError::Input)?;
    let point_overrides = |values: &[String]| -> Vec<Override> {
        let mut o = args.set.clone();
        o.extend(design.axes.iter().zip(values).map(|(a, v)| Override {
            path: a.path.clone(),
            value: v.clone(),
            flag: "--vary".to_string(),
        }));
        o.extend(run_overrides(&[], args.paths, args.seed));
        o
    };
    let coordinates = |values: &[String]| -> String {
        design
            .axes
            .iter()
            .zip(values)
            .map(|(a, v)| format!("{}={v}", a.path))
            .collect::<Vec<_>>()
            .join(" ")
    };

    let threads = threads_flag(args.threads)?;
    let workers = worker_threads(threads);
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(workers)
        .build()
        .map_err(|e| AppError::Input(format!("cannot start {workers} threads: {e}")))?;

    // Every point is a full scenario, validated before anything runs.
    let invalid: Vec<String> = pool.install(|| {
        points
            .par_iter()
            .enumerate()
            .filter_map(|(i, values)| {
                load(&args.scenario, &text, &point_overrides(values))
                    .err()
                    .map(|e| format!("point {i} ({}): {e}", coordinates(values)))
            })
            .collect()
    });
    if !invalid.is_empty() {
        let mut msg = format!(
            "{} of the {} points are invalid; nothing was run",
            invalid.len(),
            points.len()
        );
        for e in invalid.iter().take(LIST_INVALID) {
            msg.push_str(&format!("\n{e}"));
        }
        if invalid.len() > LIST_INVALID {
            msg.push_str(&format!("\n… and {} more", invalid.len() - LIST_INVALID));
        }
        return Err(AppError::Input(msg));
    }

    let shard = args.shard.unwrap_or(Shard::WHOLE);
    let mine: Vec<usize> = (0..points.len()).filter(|&i| shard.owns_point(i)).collect();
    // Small points run side by side, one thread each; large ones one after
    // another on every thread. The numbers are the same either way.
    let side_by_side = engine::n_chunks(n_paths) < 4 * workers as u64 && mine.len() > 1;
    let point_threads = if side_by_side { 1 } else { threads };
    // A point keeps the quantiles sweep.csv reports, and with --keep-points
    // those of its own summary.csv, as `sim run` would.
    let policy = QuantilePolicy::from(args.quantiles);
    let quantiles_of = |meta: &output::ReportMeta, columns: &[output::SweepColumn]| {
        if args.keep_points {
            policy.cells(meta)
        } else {
            output::sweep_cells(meta, columns)
        }
    };
    check_memory(
        &base.model,
        &{
            let meta = report_meta(&base.scenario, &base.model);
            quantiles_of(&meta, &output::sweep_columns(&meta))
        },
        if side_by_side { workers } else { point_threads },
        0,
    )?;

    let out_dir = args.out.clone().unwrap_or_else(|| {
        let dir = default_out_dir(&args.scenario, "-sweep");
        if args.shard.is_some() {
            dir.join(shard.dir_name())
        } else {
            dir
        }
    });
    let io = |e: std::io::Error| {
        AppError::Io(format!(
            "cannot write the sweep to {}: {e}",
            out_dir.display()
        ))
    };
    std::fs::create_dir_all(&out_dir).map_err(io)?;
    let points_dir = if args.keep_points {
        Some(output::stage_dir(&out_dir, "points").map_err(io)?)
    } else {
        None
    };

    let axis_paths: Vec<String> = design.axes.iter().map(|a| a.path.clone()).collect();
    let progress = Progress::sweep(mine.len() as u64 * n_paths, mine.len() as u64, args.quiet);
    let run_point = |i: usize| -> Result<(Vec<String>, Vec<String>), AppError> {
        let overrides = point_overrides(&points[i]);
        let loaded = load(&args.scenario, &text, &overrides)?;
        let sim = &loaded.scenario.simulation;
        let meta = report_meta(&loaded.scenario, &loaded.model);
        let columns = output::sweep_columns(&meta);
        let cfg = RunConfig {
            n_paths: sim.n_paths,
            seed: sim.seed,
            antithetic: sim.antithetic,
            threads: point_threads,
            sample_paths: 0,
            quantiles: quantiles_of(&meta, &columns),
            sensitivity: None,
            distributions: Vec::new(),
        };
        let seen = AtomicU64::new(0);
        let result = engine::run(&loaded.model, &cfg, &|done| {
            progress.add(done - seen.swap(done, Ordering::Relaxed));
        })?;
        let header = output::sweep_header(&axis_paths, &columns);
        let mut row = vec![i.to_string()];
        row.extend(points[i].iter().cloned());
        row.extend(output::sweep_values(&columns, &result.cells));
        if let Some(dir) = &points_dir {
            let manifest = run_manifest(
                &args.scenario,
                &loaded,
                &overrides,
                0,
                policy,
                result.threads,
                result.elapsed.as_secs_f64(),
            );
            let report = Report {
                meta: &meta,
                result: &result,
                manifest: &manifest,
                sample_paths: 0,
                charts: false,
            };
            let dest = dir.path().join(i.to_string());
            output::write_report(&dest, &report)
                .map_err(|e| AppError::Io(format!("cannot write point {i}'s outputs: {e}")))?;
        }
        progress.point_done();
        Ok((header, row))
    };
    let results: Vec<(Vec<String>, Vec<String>)> = if side_by_side {
        pool.install(|| {
            mine.par_iter()
                .map(|&i| run_point(i))
                .collect::<Result<Vec<_>, _>>()
        })
    } else {
        mine.iter()
            .map(|&i| run_point(i))
            .collect::<Result<Vec<_>, _>>()
    }?;
    progress.finish();

    let header = match results.first() {
        Some((h, _)) => h.clone(),
        // A shard with no points still writes its (empty) table.
        None => {
            let meta = report_meta(&base.scenario, &base.model);
            output::sweep_header(&axis_paths, &output::sweep_columns(&meta))
        }
    };
    if let Some((i, _)) = results.iter().enumerate().find(|(_, (h, _))| *h != header) {
        return Err(AppError::Input(format!(
            "point {} ({}) changes the outputs' columns (thresholds, events or companies); a sweep may only vary values",
            mine[i],
            coordinates(&points[mine[i]])
        )));
    }
    let rows: Vec<Vec<String>> = results.into_iter().map(|(_, r)| r).collect();
    let seconds = started.elapsed().as_secs_f64();
    let paths_run = mine.len() as u64 * n_paths;
    let manifest = SweepManifest {
        version: env!("CARGO_PKG_VERSION").to_string(),
        scenario: args.scenario.display().to_string(),
        scenario_sha256: sha256_hex(base.scenario.resolved_text(&text).as_bytes()),
        seed,
        paths: n_paths,
        overrides: base_overrides.clone(),
        design: design.to_string(),
        points: points.len(),
        common_random_numbers: CRN.to_string(),
        shards: shard.count,
        threads: workers,
        elapsed_seconds: seconds,
        paths_per_second: paths_run as f64 / seconds.max(1e-9),
    };

    let mut staged = vec![
        output::stage(&out_dir, "sweep.csv", |w| {
            output::write_table(w, &header, &rows)
        })
        .map_err(io)?,
    ];
    if let Some(s) = args.shard {
        let info = PartialInfo {
            format: partial::FORMAT,
            identity: Identity {
                kind: "sweep".to_string(),
                version: manifest.version.clone(),
                scenario_sha256: manifest.scenario_sha256.clone(),
                overrides: base_overrides,
                seed,
                paths: n_paths,
                sample_paths: 0,
                design: Some(manifest.design.clone()),
                design_sha256: Some(sha256_hex(
                    points
                        .iter()
                        .map(|p| p.join("\u{1f}"))
                        .collect::<Vec<_>>()
                        .join("\u{1e}")
                        .as_bytes(),
                )),
                points: Some(points.len()),
                shards: s.count,
                quantiles: policy,
                sensitivity: false,
            },
            shard: s,
            run: None,
            sweep: Some(SweepPart {
                manifest: manifest.clone(),
                points: mine.clone(),
                keep_points: args.keep_points,
            }),
            sobol: None,
        };
        staged.push(output::stage(&out_dir, partial::PARTIAL_FILE, |w| info.write(w)).map_err(io)?);
    } else {
        staged.push(output::stage(&out_dir, "manifest.json", |w| manifest.write(w)).map_err(io)?);
    }
    staged.extend(points_dir);
    let written = output::commit_run(&out_dir, staged).map_err(io)?;
    if !args.quiet {
        report_done(&manifest, &mine, args.shard, seconds, &written, &out_dir)?;
    }
    Ok(())
}

/// The design to run: `--vary` (with `--lhs`) when given, else the
/// scenario's `[sweep]` table (with `--lhs`, if given, replacing its own).
fn design(args: &SweepArgs, table: Option<&Design>) -> Result<Design, AppError> {
    if !args.vary.is_empty() {
        return Ok(Design {
            axes: args.vary.clone(),
            lhs: args.lhs,
            list: None,
        });
    }
    match table {
        Some(d) => Ok(Design {
            axes: d.axes.clone(),
            lhs: args.lhs.or(d.lhs),
            list: None,
        }),
        None => Err(AppError::Input(format!(
            "nothing to sweep: give --vary PATH=VALUES (e.g. --vary lab.OpenAI.hazard=0.02:0.2:10), or add a [sweep] table to {} (see docs/scenario.md)",
            args.scenario.display()
        ))),
    }
}

fn report_done(
    manifest: &SweepManifest,
    mine: &[usize],
    shard: Option<Shard>,
    seconds: f64,
    written: &[std::path::PathBuf],
    out_dir: &Path,
) -> Result<(), AppError> {
    let mut lines = Vec::new();
    let which = match shard {
        Some(s) => format!("shard {s}: {} of {} points", mine.len(), manifest.points),
        None => format!("{} points", manifest.points),
    };
    lines.push(format!(
        "{which} × {} paths in {seconds:.2} s ({:.0} paths/s, {} threads); {}",
        manifest.paths, manifest.paths_per_second, manifest.threads, manifest.design
    ));
    for p in written {
        lines.push(format!("wrote {}", p.display()));
    }
    if let Some(s) = shard {
        lines.push(format!(
            "when all {} shards are done: sim merge <their folders> --out DIR (this one is {})",
            s.count,
            out_dir.display()
        ));
    }
    say(&lines)
}
