//! `sim merge`: combines the partial results of `--shard K/N` runs or
//! sweeps into exactly the output of the unsharded job.

use super::AppError;
use super::run::headline;
use super::say;
use crate::cli::MergeArgs;
use crate::engine::{self, RunResult};
use crate::output::{self, Report};
use crate::shard::partial::{self, PartialInfo};
use crate::shard::state;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

pub(super) fn merge(args: &MergeArgs) -> Result<(), AppError> {
    let parts = args
        .dirs
        .iter()
        .map(|d| partial::read(d).map(|p| (d.clone(), p)))
        .collect::<Result<Vec<_>, _>>()
        .map_err(AppError::Input)?;
    let parts = partial::check_complete(parts).map_err(AppError::Input)?;
    let written = match parts[0].1.identity.kind.as_str() {
        "run" => merge_run(&parts, &args.out, args.quiet)?,
        "sweep" => merge_sweep(&parts, &args.out)?,
        "sobol" => merge_sobol(&parts, &args.out)?,
        other => {
            return Err(AppError::Input(format!(
                "{} holds a partial result of kind `{other}`, which this sim cannot merge",
                parts[0].0.display()
            )));
        }
    };
    if !args.quiet {
        let mut lines = vec![format!("merged {} shards", parts.len())];
        lines.extend(written.iter().map(|p| format!("wrote {}", p.display())));
        say(&lines)?;
    }
    Ok(())
}

/// A shard's `state.bin`, checked against what its `partial.json` says
/// (the file's SHA-256 and the chunks it covers).
fn read_state(
    dir: &Path,
    info: &PartialInfo,
    sha256: &str,
    chunks: [u64; 2],
) -> Result<engine::Partial, AppError> {
    let file = dir.join(partial::STATE_FILE);
    let bytes = std::fs::read(&file)
        .map_err(|e| AppError::Input(format!("cannot read {}: {e}", file.display())))?;
    if super::sha256_hex(&bytes) != sha256 {
        return Err(AppError::Input(format!(
            "{} does not match its partial.json (damaged, or copied from another shard); rerun shard {}",
            file.display(),
            info.shard
        )));
    }
    let p =
        state::decode(&bytes).map_err(|e| AppError::Input(format!("{}: {e}", file.display())))?;
    if [p.chunks.start, p.chunks.end] != chunks {
        return Err(AppError::Input(format!(
            "{} covers chunks {:?}, but its partial.json says {:?}",
            file.display(),
            p.chunks,
            chunks
        )));
    }
    Ok(p)
}

fn missing_part(dir: &Path, what: &str) -> AppError {
    AppError::Input(format!(
        "{}: partial.json has no {what} section; the file was edited or damaged",
        dir.display()
    ))
}

/// Each shard's `partial.json` must describe its `state.bin` (as many
/// cells as metrics × quarters) and the job's paths must be the chunks the
/// shards cover: a file edited by hand is named with what disagrees.
fn check_shapes(
    parts: &[(PathBuf, PartialInfo)],
    partials: &[engine::Partial],
    n_paths: u64,
) -> Result<(), AppError> {
    for ((dir, info), p) in parts.iter().zip(partials) {
        let Some(run) = info.run.as_ref() else {
            return Err(missing_part(dir, "run"));
        };
        let (metrics, quarters) = (run.meta.metrics.len(), run.meta.quarters.len());
        let held = p.histograms.len();
        if metrics * quarters != held || p.blocks.iter().any(|b| b.cells.len() != held) {
            return Err(AppError::Input(format!(
                "{}: partial.json lists {metrics} metrics × {quarters} quarters = {} cells, but {} holds {held}; the file was edited or damaged, rerun shard {}",
                dir.display(),
                metrics * quarters,
                partial::STATE_FILE,
                info.shard
            )));
        }
    }
    let covered = partials.iter().map(|p| p.chunks.end).max().unwrap_or(0);
    let expected = engine::n_chunks(n_paths);
    if covered != expected {
        return Err(AppError::Input(format!(
            "{}: identity.paths = {n_paths} makes {expected} chunks of {} paths, but the shards' results cover {covered}; the files were edited or come from different runs",
            parts[0].0.display(),
            engine::CHUNK_PATHS
        )));
    }
    Ok(())
}

fn merge_run(
    parts: &[(PathBuf, PartialInfo)],
    out: &Path,
    quiet: bool,
) -> Result<Vec<PathBuf>, AppError> {
    let mut partials = Vec::with_capacity(parts.len());
    let (mut threads, mut seconds) = (0, 0.0);
    for (dir, info) in parts {
        let run = info.run.as_ref().ok_or_else(|| missing_part(dir, "run"))?;
        let p = read_state(dir, info, &run.state_sha256, run.chunks)?;
        threads = threads.max(run.manifest.threads);
        seconds += run.manifest.elapsed_seconds;
        partials.push(p);
    }
    let first = parts[0]
        .1
        .run
        .as_ref()
        .ok_or_else(|| missing_part(&parts[0].0, "run"))?;
    let meta = &first.meta;
    let n_paths = parts[0].1.identity.paths;
    check_shapes(parts, &partials, n_paths)?;
    // Anything else inconsistent is in the files merge was given.
    let identity = &parts[0].1.identity;
    let cfg = engine::RunConfig {
        n_paths,
        seed: identity.seed,
        antithetic: first.manifest.antithetic,
        threads: 1,
        sample_paths: identity.sample_paths,
        quantiles: identity.quantiles.cells(meta),
        sensitivity: identity
            .sensitivity
            .then(|| output::sensitivity_plan(meta).map(|p| p.spec))
            .flatten(),
        distributions: output::chart_cells(meta),
    };
    let engine::Finished {
        cells,
        samples,
        sensitivity,
        distributions,
    } = engine::finish(&meta.metrics, meta.quarters.len(), &cfg, partials).map_err(|e| {
        AppError::Input(format!(
            "the shards' partial results do not fit together: {e}; rerun the shards"
        ))
    })?;
    let result = RunResult {
        cells,
        samples,
        sensitivity,
        distributions,
        n_paths,
        threads,
        elapsed: Duration::from_secs_f64(seconds),
    };
    let mut manifest = first.manifest.clone();
    manifest.threads = threads;
    manifest.elapsed_seconds = seconds;
    manifest.paths_per_second = n_paths as f64 / seconds.max(1e-9);
    manifest.shards = parts.len() as u64;
    let report = Report {
        meta,
        result: &result,
        manifest: &manifest,
        sample_paths: manifest.sample_paths,
        charts: true,
    };
    let written = output::write_report(out, &report)
        .map_err(|e| AppError::Io(format!("cannot write results to {}: {e}", out.display())))?;
    if !quiet {
        say(&headline(&report))?;
    }
    Ok(written)
}

fn merge_sweep(parts: &[(PathBuf, PartialInfo)], out: &Path) -> Result<Vec<PathBuf>, AppError> {
    let n_points = parts[0].1.identity.points.unwrap_or(0);
    let mut header: Option<(PathBuf, csv::StringRecord)> = None;
    let mut rows: BTreeMap<usize, Vec<String>> = BTreeMap::new();
    let (mut threads, mut seconds) = (0, 0.0);
    for (dir, info) in parts {
        let sweep = info
            .sweep
            .as_ref()
            .ok_or_else(|| missing_part(dir, "sweep"))?;
        let first_keeps = parts[0].1.sweep.as_ref().is_some_and(|s| s.keep_points);
        if sweep.keep_points != first_keeps {
            return Err(AppError::Input(format!(
                "{} and {} differ in --keep-points; run every shard with the same flags",
                parts[0].0.display(),
                dir.display()
            )));
        }
        threads = threads.max(sweep.manifest.threads);
        seconds += sweep.manifest.elapsed_seconds;
        let file = dir.join("sweep.csv");
        let bad = |e: String| AppError::Input(format!("{}: {e}", file.display()));
        let mut reader = csv::Reader::from_path(&file).map_err(|e| bad(e.to_string()))?;
        let h = reader.headers().map_err(|e| bad(e.to_string()))?.clone();
        match &header {
            None => header = Some((file.clone(), h.clone())),
            Some((first, fh)) if *fh != h => {
                return Err(bad(format!(
                    "its columns differ from {}'s; the shards are not of one sweep",
                    first.display()
                )));
            }
            Some(_) => {}
        }
        let mut seen = Vec::new();
        for record in reader.records() {
            let record = record.map_err(|e| bad(e.to_string()))?;
            let point: usize = record
                .get(0)
                .and_then(|p| p.parse().ok())
                .ok_or_else(|| bad("a row does not start with its point index".to_string()))?;
            // Statistics are numbers (or empty: a statistic that does not
            // exist); a point's parameters may be any text.
            for (name, cell) in h.iter().zip(record.iter()).skip(1) {
                if !name.starts_with("param_") && !cell.is_empty() && cell.parse::<f64>().is_err() {
                    return Err(bad(format!(
                        "point {point}'s `{name}` is `{}`, not a number; the file was edited or damaged: rerun shard {}",
                        crate::scenario::diagnostic::clip(cell, 40),
                        info.shard
                    )));
                }
            }
            if rows
                .insert(point, record.iter().map(str::to_string).collect())
                .is_some()
            {
                return Err(bad(format!("point {point} appears in two shards")));
            }
            seen.push(point);
        }
        if seen != sweep.points {
            return Err(bad(format!(
                "it holds points {seen:?} but its partial.json says {:?}; rerun shard {}",
                sweep.points, info.shard
            )));
        }
    }
    if rows.len() != n_points || rows.keys().copied().ne(0..n_points) {
        return Err(AppError::Input(format!(
            "the shards hold {} of the sweep's {n_points} points",
            rows.len()
        )));
    }
    let (_, header) = header.expect("at least one shard");
    let header: Vec<String> = header.iter().map(str::to_string).collect();
    let rows: Vec<Vec<String>> = rows.into_values().collect();
    let first = parts[0]
        .1
        .sweep
        .as_ref()
        .ok_or_else(|| missing_part(&parts[0].0, "sweep"))?;
    let mut manifest = first.manifest.clone();
    manifest.threads = threads;
    manifest.elapsed_seconds = seconds;
    manifest.paths_per_second = (n_points as u64 * manifest.paths) as f64 / seconds.max(1e-9);
    manifest.shards = parts.len() as u64;

    let io = |e: std::io::Error| {
        AppError::Io(format!("cannot write the sweep to {}: {e}", out.display()))
    };
    std::fs::create_dir_all(out).map_err(io)?;
    let mut staged = vec![
        output::stage(out, "sweep.csv", |w| output::write_table(w, &header, &rows)).map_err(io)?,
        output::stage(out, "manifest.json", |w| manifest.write(w)).map_err(io)?,
    ];
    if first.keep_points {
        let dir = output::stage_dir(out, "points").map_err(io)?;
        for (src, info) in parts {
            let points = info.sweep.as_ref().map_or(&[][..], |s| &s.points[..]);
            for p in points {
                let from = src.join("points").join(p.to_string());
                copy_dir(&from, &dir.path().join(p.to_string())).map_err(|e| {
                    AppError::Input(format!(
                        "cannot copy point {p}'s outputs from {}: {e}",
                        from.display()
                    ))
                })?;
            }
        }
        staged.push(dir);
    }
    output::commit_run(out, staged).map_err(io)
}

/// Copies the files of folder `from` (no subfolders) into a new folder `to`.
fn copy_dir(from: &Path, to: &Path) -> std::io::Result<()> {
    std::fs::create_dir_all(to)?;
    for entry in std::fs::read_dir(from)? {
        let entry = entry?;
        if entry.file_type()?.is_file() {
            std::fs::copy(entry.path(), to.join(entry.file_name()))?;
        }
    }
    Ok(())
}

/// Combines the shards of a `sim sensitivity --sobol N` design into the
/// design's `sobol.csv`, charts and manifest, the bytes one run writes.
fn merge_sobol(parts: &[(PathBuf, PartialInfo)], out: &Path) -> Result<Vec<PathBuf>, AppError> {
    let mut blocks = Vec::new();
    let (mut seconds, mut threads) = (0.0, 0);
    for (dir, info) in parts {
        let part = info
            .sobol
            .as_ref()
            .ok_or_else(|| missing_part(dir, "sobol"))?;
        let p = read_state(dir, info, &part.state_sha256, part.chunks)?;
        blocks.extend(p.blocks);
        seconds += part.manifest.elapsed_seconds;
        threads = threads.max(part.manifest.threads);
    }
    let first = parts[0]
        .1
        .sobol
        .as_ref()
        .ok_or_else(|| missing_part(&parts[0].0, "sobol"))?;
    let rows = parts[0].1.identity.paths;
    let layout = crate::stats::sobol::SobolLayout {
        m: first.outputs.len(),
        columns: first.inputs.len(),
    };
    let sums = engine::pick_freeze::finish(rows, layout, blocks).map_err(|e| {
        AppError::Input(format!(
            "the shards' partial results do not fit together: {e}; rerun the shards"
        ))
    })?;
    let inputs: Vec<(String, &'static str)> = first
        .inputs
        .iter()
        .map(|(name, kind)| {
            let kind = if kind == "parameter" {
                "parameter"
            } else {
                "randomness"
            };
            (name.clone(), kind)
        })
        .collect();
    let mut manifest = first.manifest.clone();
    manifest.threads = threads;
    manifest.elapsed_seconds = seconds;
    manifest.paths_per_second = manifest.paths as f64 / seconds.max(1e-9);
    manifest.shards = parts.len() as u64;
    let table = output::SobolTable {
        outputs: &first.outputs,
        inputs: &inputs,
        indices: &sums.indices(),
    };
    super::sensitivity::write_outputs(out, &table, rows, &manifest)
}
