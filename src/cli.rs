//! Command-line definitions (clap). Parsing only: no work happens here.

use crate::scenario::Override;
use crate::shard::Shard;
use crate::sweep::Axis;
use clap::{Args, Parser, Subcommand};
use std::path::PathBuf;

/// Monte Carlo simulator of the AI-infrastructure capital cycle.
///
/// Exit codes: 0 success, 1 bad input (scenario or flags), 2 I/O failure,
/// 3 internal error.
#[derive(Debug, Parser)]
#[command(name = "sim", version, about, long_about = None)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run a scenario's Monte Carlo and write summary.csv and manifest.json.
    Run(RunArgs),
    /// Check a scenario and print its resolved parameters (exit 0 or 1).
    Validate(ValidateArgs),
    /// Print every value of a scenario with its unit and source (fact, derivation or assumption).
    Explain(ExplainArgs),
    /// Run a scenario over a grid or Latin hypercube of parameter values; write sweep.csv.
    Sweep(SweepArgs),
    /// Combine the folders of `--shard K/N` runs or sweeps into the unsharded output.
    Merge(MergeArgs),
    /// Write a commented starter scenario that runs.
    Init(InitArgs),
    /// Put the headline probabilities (with standard errors) and horizon medians of several runs side by side.
    Compare(CompareArgs),
}

#[derive(Debug, Args)]
pub struct RunArgs {
    /// The scenario file (TOML); `-` reads it from standard input.
    pub scenario: PathBuf,
    /// Number of paths (overrides simulation.paths).
    #[arg(long, value_name = "N")]
    pub paths: Option<u64>,
    /// Master seed (overrides simulation.seed).
    #[arg(long, value_name = "S")]
    pub seed: Option<u64>,
    /// Output folder [default: out/<scenario-stem>/].
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Override a scenario value by dotted path, e.g. market.gpu_price.vol=0.4 (repeatable).
    #[arg(long = "set", value_name = "PATH=VALUE")]
    pub set: Vec<Override>,
    /// Worker threads [default: one per core]. Results do not depend on it.
    #[arg(long, value_name = "T")]
    pub threads: Option<usize>,
    /// Also write paths.csv with every value of the first K paths (memory: K × cells × 8 bytes).
    #[arg(long, value_name = "K", default_value_t = 0)]
    pub sample_paths: u64,
    /// Run only shard K of N (K from 0) of the paths, writing a partial result for `sim merge`.
    #[arg(long, value_name = "K/N")]
    pub shard: Option<Shard>,
    /// No progress bar and no summary on standard output.
    #[arg(long, short)]
    pub quiet: bool,
}

#[derive(Debug, Args)]
pub struct SweepArgs {
    /// The scenario file (TOML); `-` reads it from standard input.
    pub scenario: PathBuf,
    /// A swept value: PATH=v1,v2,v3 or PATH=LO:HI:STEPS (LO:HI with --lhs); repeatable, cross product. Replaces the scenario's [sweep] table.
    #[arg(long, value_name = "PATH=VALUES")]
    pub vary: Vec<Axis>,
    /// A Latin hypercube of N points over the ranges instead of a grid.
    #[arg(long, value_name = "N")]
    pub lhs: Option<usize>,
    /// Refuse designs of more points than this.
    #[arg(long, value_name = "N", default_value_t = crate::sweep::DEFAULT_MAX_POINTS)]
    pub max_points: usize,
    /// Paths per point (overrides simulation.paths).
    #[arg(long, value_name = "N")]
    pub paths: Option<u64>,
    /// Master seed, the same for every point (overrides simulation.seed).
    #[arg(long, value_name = "S")]
    pub seed: Option<u64>,
    /// Override a scenario value at every point (repeatable).
    #[arg(long = "set", value_name = "PATH=VALUE")]
    pub set: Vec<Override>,
    /// Output folder [default: out/<scenario-stem>-sweep/].
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Also write each point's full outputs under points/<index>/.
    #[arg(long)]
    pub keep_points: bool,
    /// Run only the points of shard K of N (point i goes to shard i mod N), for `sim merge`.
    #[arg(long, value_name = "K/N")]
    pub shard: Option<Shard>,
    /// Worker threads [default: one per core]. Results do not depend on it.
    #[arg(long, value_name = "T")]
    pub threads: Option<usize>,
    /// No progress bar and no summary on standard output.
    #[arg(long, short)]
    pub quiet: bool,
}

#[derive(Debug, Args)]
pub struct MergeArgs {
    /// The shard folders (every shard of one job, each once, in any order).
    #[arg(required = true, value_name = "DIR")]
    pub dirs: Vec<PathBuf>,
    /// Where to write the combined output.
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
    /// No summary on standard output.
    #[arg(long, short)]
    pub quiet: bool,
}

#[derive(Debug, Args)]
pub struct ValidateArgs {
    /// The scenario file (TOML); `-` reads it from standard input.
    pub scenario: PathBuf,
    /// Override a scenario value by dotted path (repeatable).
    #[arg(long = "set", value_name = "PATH=VALUE")]
    pub set: Vec<Override>,
    /// Also fail on warnings and on numbers that cite no source.
    #[arg(long)]
    pub strict: bool,
    /// Print the resolved scenario as TOML (for one that `extends` another:
    /// the parent with the child's keys merged in) instead of its parameters.
    #[arg(long)]
    pub resolved: bool,
}

#[derive(Debug, Args)]
pub struct ExplainArgs {
    /// The scenario file (TOML); `-` reads it from standard input.
    pub scenario: PathBuf,
    /// Override a scenario value by dotted path (repeatable).
    #[arg(long = "set", value_name = "PATH=VALUE")]
    pub set: Vec<Override>,
    /// `text` for reading, `csv` for a spreadsheet.
    #[arg(long, value_enum, default_value_t = ExplainFormat::Text)]
    pub format: ExplainFormat,
}

/// Output format of `sim explain`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ExplainFormat {
    Text,
    Csv,
}

#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  sim run scenarios/base.toml --out out/base\n  sim run scenarios/bubble_burst.toml --out out/bust\n  sim compare out/base out/bust\n  sim compare out/base out/bust --format csv > comparison.csv"
)]
pub struct CompareArgs {
    /// Output folders of `sim run` or `sim merge`, one column each.
    #[arg(required = true, value_name = "DIR")]
    pub dirs: Vec<PathBuf>,
    /// `text` for reading, `csv` (measure, run, scenario, value, se) for a spreadsheet.
    #[arg(long, value_enum, default_value_t = ExplainFormat::Text)]
    pub format: ExplainFormat,
}

#[derive(Debug, Args)]
pub struct InitArgs {
    /// Name of the scenario file to write (".toml" is added if missing).
    #[arg(default_value = "scenario")]
    pub name: String,
}
