//! `sim tornado`: one-at-a-time swings (Crystal Ball's tornado). Every
//! uncertain input is pinned at its median; then each in turn goes to its
//! p10 and its p90 (or to `--range PATH=LO:HI`), the others staying put,
//! all under the same seed (common random numbers). The runs are a sweep
//! over an explicit list of points (`sweep.csv`, shardable like any
//! sweep); `tornado.csv` and `charts/` read the swings off it.

use super::{AppError, default_out_dir, load, run_overrides, say, sweep::run_design};
use crate::cli::{SweepArgs, TornadoArgs};
use crate::model::inputs::scenario_params;
use crate::output;
use crate::scenario::{self, Param};
use crate::sweep::{Axis, AxisValues, DEFAULT_MAX_POINTS, Design};
use std::path::{Path, PathBuf};

/// The quantiles an input swings to.
const LOW: f64 = 0.1;
const HIGH: f64 = 0.9;

/// One swung input: its path, and its base, low and high values.
#[derive(Debug, Clone)]
struct Swing {
    path: String,
    base: f64,
    low: f64,
    high: f64,
}

pub(super) fn tornado(args: &TornadoArgs) -> Result<(), AppError> {
    let overrides = run_overrides(&args.set, args.paths, args.seed);
    let text = scenario::read_text(&args.scenario)?;
    let loaded = load(&args.scenario, &text, &overrides)?;
    let (pinned, swings) = design_inputs(&loaded.scenario, &args.range)?;
    let design = one_at_a_time(&pinned, &swings);
    let out = args
        .out
        .clone()
        .unwrap_or_else(|| default_out_dir(&args.scenario, "-tornado"));
    if let Some(from) = &args.from {
        return summarise(from, &design, &swings, args.quiet);
    }
    let sweep_args = SweepArgs {
        scenario: args.scenario.clone(),
        vary: Vec::new(),
        lhs: None,
        max_points: DEFAULT_MAX_POINTS,
        paths: args.paths,
        seed: args.seed,
        set: args.set.clone(),
        out: Some(out.clone()),
        keep_points: false,
        quantiles: crate::cli::QuantilesArg::Default,
        shard: args.shard,
        threads: args.threads,
        quiet: args.quiet,
    };
    run_design(&sweep_args, Some(design.clone()))?;
    if args.shard.is_some() {
        if !args.quiet {
            say(&[
                "a shard of the tornado's sweep; when every shard is done: sim merge DIRS --out DIR, then sim tornado SCENARIO (same flags) --from DIR".to_string(),
            ])?;
        }
        return Ok(());
    }
    summarise(&out, &design, &swings, args.quiet)
}

/// Each pinned input's path and median.
type Pinned = Vec<(String, f64)>;

/// The inputs every point pins at their median (each uncertain parameter,
/// and each `--range` path), and those that swing.
fn design_inputs(
    s: &scenario::Scenario,
    ranges: &[Axis],
) -> Result<(Pinned, Vec<Swing>), AppError> {
    let params = scenario_params(s);
    let value_of = |path: &str| params.iter().find(|(k, _)| k == path).map(|(_, p)| *p);
    let median = |p: &Param| match p {
        Param::Fixed(v) => *v,
        Param::Dist(d) => rounded(d.quantile(0.5)),
    };
    // Commitments, contracts and thresholds are not addressed by key.
    let addressable = |k: &str| {
        !k.contains(".commitment.") && !k.starts_with("contract.") && !k.starts_with("threshold.")
    };
    let mut pinned: Vec<(String, f64)> = params
        .iter()
        .filter(|(k, p)| !p.is_fixed() && addressable(k))
        .map(|(k, p)| (k.clone(), median(p)))
        .collect();
    let swings = if ranges.is_empty() {
        params
            .iter()
            .filter_map(|(k, p)| match p {
                Param::Dist(d) if addressable(k) => Some(Swing {
                    path: k.clone(),
                    base: median(p),
                    low: rounded(d.quantile(LOW)),
                    high: rounded(d.quantile(HIGH)),
                }),
                _ => None,
            })
            .collect()
    } else {
        let mut out = Vec::new();
        for axis in ranges {
            let (lo, hi) = match &axis.values {
                AxisValues::Range {
                    lo,
                    hi,
                    steps: None,
                } => (
                    lo.to_string().parse::<f64>().unwrap_or(f64::NAN),
                    hi.to_string().parse::<f64>().unwrap_or(f64::NAN),
                ),
                _ => {
                    return Err(AppError::Input(format!(
                        "--range {axis}: give PATH=LO:HI, two numbers (no steps, no list)"
                    )));
                }
            };
            let Some(p) = value_of(&axis.path).filter(|_| addressable(&axis.path)) else {
                return Err(AppError::Input(format!(
                    "--range {axis}: {} is not a parameter of the scenario that --set can address",
                    axis.path
                )));
            };
            if !pinned.iter().any(|(k, _)| *k == axis.path) {
                pinned.push((axis.path.clone(), median(p)));
            }
            out.push(Swing {
                path: axis.path.clone(),
                base: median(p),
                low: lo,
                high: hi,
            });
        }
        out
    };
    if swings.is_empty() {
        return Err(AppError::Input(
            "nothing to swing: the scenario draws no parameter from a distribution; name inputs with --range PATH=LO:HI".to_string(),
        ));
    }
    Ok((pinned, swings))
}

/// Point 0 pins every input at its median; points 2i + 1 and 2i + 2 move
/// input i to its low and its high value.
fn one_at_a_time(pinned: &[(String, f64)], swings: &[Swing]) -> Design {
    let base: Vec<String> = pinned.iter().map(|(_, v)| number(*v)).collect();
    let mut points = vec![base.clone()];
    for s in swings {
        let at = pinned
            .iter()
            .position(|(k, _)| *k == s.path)
            .expect("pinned");
        for v in [s.low, s.high] {
            let mut p = base.clone();
            p[at] = number(v);
            points.push(p);
        }
    }
    Design {
        axes: pinned
            .iter()
            .map(|(k, _)| Axis {
                path: k.clone(),
                values: AxisValues::List(Vec::new()),
            })
            .collect(),
        lhs: None,
        list: Some(points),
    }
}

/// A quantile to six significant digits: a point's coordinate needs no
/// more, and the table reads cleanly.
fn rounded(v: f64) -> f64 {
    crate::number::significant(v, 6).parse().unwrap_or(v)
}

/// A value as a `--set` would write it: the shortest exact form.
fn number(v: f64) -> String {
    crate::number::shortest(v)
}

/// Reads the sweep's table in `dir` and writes `tornado.csv` and
/// `charts/tornado_*.svg` there.
fn summarise(dir: &Path, design: &Design, swings: &[Swing], quiet: bool) -> Result<(), AppError> {
    let file = dir.join("sweep.csv");
    let bad = |why: String| AppError::Input(format!("{}: {why}", file.display()));
    let mut reader = csv::Reader::from_path(&file).map_err(|e| bad(e.to_string()))?;
    let header: Vec<String> = reader
        .headers()
        .map_err(|e| bad(e.to_string()))?
        .iter()
        .map(String::from)
        .collect();
    let rows: Vec<Vec<String>> = reader
        .records()
        .map(|r| r.map(|r| r.iter().map(String::from).collect()))
        .collect::<Result<_, _>>()
        .map_err(|e| bad(e.to_string()))?;
    let points = design.list.as_deref().unwrap_or_default();
    // The table must be this design's, point for point.
    let n_axes = design.axes.len();
    let same = rows.len() == points.len()
        && rows
            .iter()
            .zip(points)
            .all(|(r, p)| r.len() > n_axes && r[1..=n_axes] == p[..]);
    if !same {
        return Err(bad(
            "it is not this tornado's sweep (other points, or not merged yet); rerun sim tornado with the same scenario and flags".to_string(),
        ));
    }
    let table = output::swing_table(&header, &rows, swings.len()).map_err(bad)?;
    let inputs: Vec<output::SwingInput> = swings
        .iter()
        .map(|s| output::SwingInput {
            path: s.path.clone(),
            base: s.base,
            low: s.low,
            high: s.high,
        })
        .collect();
    let io = |e: std::io::Error| AppError::Io(format!("cannot write to {}: {e}", dir.display()));
    let mut staged = vec![
        output::stage(dir, "tornado.csv", |w| {
            output::write_swings(w, &table, &inputs)
        })
        .map_err(io)?,
    ];
    let charts = output::stage_dir(dir, "charts").map_err(io)?;
    output::write_swing_charts(charts.path(), &table, &inputs).map_err(io)?;
    staged.push(charts);
    let written = output::commit(staged).map_err(io)?;
    if !quiet {
        let mut lines = vec![format!(
            "{} inputs swung to their p10 and p90 (others at their median), {} points",
            swings.len(),
            points.len()
        )];
        lines.extend(
            written
                .iter()
                .map(|p: &PathBuf| format!("wrote {}", p.display())),
        );
        say(&lines)?;
    }
    Ok(())
}
