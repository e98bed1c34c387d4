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
    /// Run a scenario's Monte Carlo and write its statistics as CSV.
    #[command(after_help = RUN_HELP)]
    Run(RunArgs),
    /// Check a scenario and print its resolved parameters (exit 0 or 1).
    #[command(after_help = VALIDATE_HELP)]
    Validate(ValidateArgs),
    /// Print every value of a scenario with its unit and source (fact, derivation or assumption).
    #[command(after_help = EXPLAIN_HELP)]
    Explain(ExplainArgs),
    /// Run a scenario over a grid or Latin hypercube of parameter values; write sweep.csv.
    #[command(after_help = SWEEP_HELP)]
    Sweep(SweepArgs),
    /// Swing each uncertain input to its p10 and p90, the others at their median; rank the swings.
    #[command(after_help = TORNADO_HELP)]
    Tornado(TornadoArgs),
    /// First-order and total Sobol indices of each headline output (a pick-freeze design of N rows).
    #[command(after_help = SENSITIVITY_HELP)]
    Sensitivity(SensitivityArgs),
    /// Combine the folders of `--shard K/N` runs, sweeps or Sobol designs into the unsharded output.
    #[command(after_help = MERGE_HELP)]
    Merge(MergeArgs),
    /// Write a commented starter scenario that runs.
    #[command(after_help = INIT_HELP)]
    Init(InitArgs),
    /// Put the headline probabilities (with standard errors) and horizon medians of several runs side by side.
    Compare(CompareArgs),
    /// Print a shell completion script for sim.
    #[command(after_help = COMPLETIONS_HELP)]
    Completions(CompletionsArgs),
    /// Print the JSON Schema of scenario files, for editors.
    #[command(after_help = SCHEMA_HELP)]
    Schema,
    /// Print sim's man page, or write one page per command into a folder.
    #[command(after_help = MAN_HELP)]
    Man(ManArgs),
}

const RUN_HELP: &str = "\
Writes into --out: summary.csv (every entity × metric × quarter: mean, std, quantiles),
events.csv, breakeven.csv, thresholds.csv, threshold_timing.csv, sensitivity.csv (when
the scenario has uncertain inputs: which drive each headline output), charts/ (SVG),
manifest.json, and
paths.csv with --sample-paths; with --shard, partial.json and state.bin for sim merge.

Examples:
  sim run scenarios/base.toml
  sim run scenarios/base.toml --paths 20000 --set market.gpu_price.drift=-0.4 --out out/deflation
  sim run scenarios/base.toml --shard 0/4 --out out/shard0";

const TORNADO_HELP: &str = "\
Writes into --out: sweep.csv (point 0 with every uncertain input at its median; points
2i+1 and 2i+2 with input i at its p10 and p90), tornado.csv (per headline output and input:
the output at low, base and high, the swing and a bound on its standard error, ranked) and
charts/tornado_<output>.svg. Every point uses the same seed (common random numbers).

Examples:
  sim tornado scenarios/base.toml --paths 20000
  sim tornado scenarios/base.toml --range market.demand.growth=0.3:0.8 --range industry.price.slack_exponent=2:4
  sim tornado scenarios/base.toml --shard 0/2 --out t0   (then sim merge t0 t1 --out t; sim tornado scenarios/base.toml --from t)";

const SENSITIVITY_HELP: &str = "\
Writes into --out: sobol.csv (per headline output and uncertain input: the first-order and
total Sobol index, each with its standard error and 95 % interval, inputs ranked by total
effect), charts/sobol_<output>.svg and manifest.json. sim run's sensitivity.csv ranks the
same inputs from a run's own paths (rank correlations, first-order only); this design also
finds what an input does through its interactions.

The design (Saltelli's pick-freeze with Jansen's total effect, plain random base samples)
has N rows. Each row simulates paths A and B, A with each input in turn drawn as B draws it,
and B's shocks under A's parameters: the row 'path randomness' is what the paths' own
shocks and events explain. It costs N × (k + 3) + 1 paths for k uncertain inputs (the base
scenario's 20: 23,553 paths at N = 1,024). Standard errors shrink as 1/√N.

Examples:
  sim sensitivity scenarios/base.toml --sobol 1024
  sim sensitivity scenarios/base.toml --sobol 4096 --set market.demand.vol=0.2 --out out/sobol-vol
  sim sensitivity scenarios/base.toml --sobol 65536 --shard 0/2 --out s0   (then sim merge s0 s1 --out s)";

const VALIDATE_HELP: &str = "\
Writes nothing; prints the resolved parameters, or with --resolved the merged TOML of a
scenario that extends another.

Examples:
  sim validate scenarios/base.toml
  sim validate --strict scenarios/openai_default.toml
  sim validate --resolved scenarios/bubble_burst.toml > resolved.toml";

const EXPLAIN_HELP: &str = "\
Writes nothing; prints every value with its unit and source, or CSV with --format csv.

Examples:
  sim explain scenarios/base.toml | less
  sim explain scenarios/base.toml --format csv > sources.csv";

const SWEEP_HELP: &str = "\
Writes into --out: sweep.csv (one row per point: its values, headline probabilities with
standard errors, horizon quantiles of key metrics), manifest.json, and points/<i>/ with
--keep-points; with --shard, partial.json for sim merge.

Examples:
  sim sweep scenarios/base.toml --vary market.demand.growth=0.3:0.7:5 --paths 10000
  sim sweep scenarios/base.toml --vary lab.OpenAI.hazard=0.05,0.1 --vary industry.credit.asset_recovery=0.3,0.6
  sim sweep scenarios/base.toml --lhs 64 --vary market.demand.growth=0.3:0.7 --shard 1/2";

const MERGE_HELP: &str = "\
Writes into --out exactly what the unsharded run or sweep would have written.

Examples:
  sim merge out/shard0 out/shard1 out/shard2 out/shard3 --out out/base
  sim merge out/sweep-* --out out/sweep";

const INIT_HELP: &str = "\
Writes NAME.toml (the base scenario, commented) and facts.csv beside it.

Examples:
  sim init my_scenario
  sim init && sim run scenario.toml";

const COMPLETIONS_HELP: &str = "\
Writes the script to standard output.

Examples:
  sim completions bash > ~/.local/share/bash-completion/completions/sim
  sim completions zsh > ~/.zfunc/_sim
  sim completions fish > ~/.config/fish/completions/sim.fish";

const SCHEMA_HELP: &str = "\
Writes the schema to standard output (the repository ships it as docs/scenario.schema.json;
a scenario's first line `#:schema PATH` points Even Better TOML or Taplo at it). It checks key
names and types; `sim validate` checks completeness, ranges and meaning.

Examples:
  sim schema > scenario.schema.json
  sim schema | head";

const MAN_HELP: &str = "\
Writes sim(1) to standard output, or with --out sim.1 and sim-<command>.1 into the folder.

Examples:
  sim man | man -l -
  sim man --out /usr/local/share/man/man1";

#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell to complete for.
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

#[derive(Debug, Args)]
pub struct ManArgs {
    /// Folder to write every page into (created if missing).
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
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
    /// Which cells report quantiles: `default` (every metric at each year end and the horizon; key, market and thresholded metrics every quarter) or `all` (every cell; about twice the run time).
    #[arg(long, value_enum, default_value_t = QuantilesArg::Default, value_name = "WHICH")]
    pub quantiles: QuantilesArg,
    /// Skip sensitivity.csv (ranking the uncertain inputs by what they do to each headline output).
    #[arg(long)]
    pub no_sensitivity: bool,
    /// Skip charts/ (SVG fan charts, default and threshold curves, sensitivity tornados).
    #[arg(long)]
    pub no_charts: bool,
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
    /// With --keep-points: which cells of each point's summary.csv report quantiles (as in `sim run`). sweep.csv's own quantiles are always kept.
    #[arg(long, value_enum, default_value_t = QuantilesArg::Default, value_name = "WHICH", requires = "keep_points")]
    pub quantiles: QuantilesArg,
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
pub struct TornadoArgs {
    /// The scenario file (TOML).
    pub scenario: PathBuf,
    /// Swing only these inputs, to LO and HI (repeatable), e.g. market.demand.growth=0.3:0.8.
    #[arg(long = "range", value_name = "PATH=LO:HI")]
    pub range: Vec<Axis>,
    /// Paths per point (overrides simulation.paths).
    #[arg(long, value_name = "N")]
    pub paths: Option<u64>,
    /// Master seed, the same for every point (overrides simulation.seed).
    #[arg(long, value_name = "S")]
    pub seed: Option<u64>,
    /// Override a scenario value by dotted path, at every point (repeatable).
    #[arg(long = "set", value_name = "PATH=VALUE")]
    pub set: Vec<Override>,
    /// Output folder [default: out/<scenario-stem>-tornado/].
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Run only shard K of N of the points (a sweep's shard, for `sim merge`).
    #[arg(long, value_name = "K/N", conflicts_with = "from")]
    pub shard: Option<Shard>,
    /// Run nothing: read the merged sweep.csv in DIR and write tornado.csv and charts there.
    #[arg(long, value_name = "DIR")]
    pub from: Option<PathBuf>,
    /// Worker threads [default: one per core]. Results do not depend on it.
    #[arg(long, value_name = "T")]
    pub threads: Option<usize>,
    /// No progress bar and no summary on standard output.
    #[arg(long, short)]
    pub quiet: bool,
}

#[derive(Debug, Args)]
pub struct SensitivityArgs {
    /// The scenario file (TOML).
    pub scenario: PathBuf,
    /// Rows N of the pick-freeze design (at least 2): N × (k + 3) + 1 paths for k inputs.
    #[arg(long, value_name = "N", required = true)]
    pub sobol: u64,
    /// Master seed (overrides simulation.seed).
    #[arg(long, value_name = "S")]
    pub seed: Option<u64>,
    /// Override a scenario value by dotted path (repeatable).
    #[arg(long = "set", value_name = "PATH=VALUE")]
    pub set: Vec<Override>,
    /// Output folder [default: out/<scenario-stem>-sobol/].
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Run only shard K of N of the design's rows (then `sim merge`).
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

/// `--quantiles`: which cells keep a histogram.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum QuantilesArg {
    /// The cells people read: every metric at each year end and the horizon; key, market and thresholded metrics every quarter.
    Default,
    /// Every value cell.
    All,
}

impl From<QuantilesArg> for crate::output::QuantilePolicy {
    fn from(q: QuantilesArg) -> Self {
        match q {
            QuantilesArg::Default => crate::output::QuantilePolicy::Default,
            QuantilesArg::All => crate::output::QuantilePolicy::All,
        }
    }
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
