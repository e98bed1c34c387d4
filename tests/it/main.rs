//! The integration tests, one binary. Modules:
//! - `closed_pipe`: every command exits 0 when nobody reads its standard output.
//! - `charts`: every chart is an SVG with its labels, identical across threads.
//! - `cli`: the `sim` binary end to end, exit codes and error messages (golden stderr).
//! - `compare`: `sim compare` shows each run's own figures; bad folders are located errors.
//! - `credit_direction`: stress never helps the stressed (common random numbers).
//! - `golden`: `summary.csv` of the shipped scenarios at a fixed seed (and the base under `--quantiles all`).
//! - `report`: report.html is self-contained and complete; with SIM_BROWSER_TESTS=1 it renders in Chromium.
//! - `reproducibility`: byte-identical output across thread counts and runs.
//! - `robustness`: mutated scenarios never panic; accepted ones run to finite output.
//! - `statistics`: closed forms the Monte Carlo must reproduce within 4 standard errors.
//! - `deterministic`: zero volatility reproduces hand arithmetic.
//! - `quantiles`: the histogram's error bound and merge identity.
//! - `quantile_rule`: quantiles kept exactly where the README's rule says, equal to `--quantiles all`'s.
//! - `shards`: `--shard K/N` then `sim merge` equals the unsharded output byte for byte.
//! - `sobol`: `sim sensitivity --sobol N`: known indices end to end, exact zeros, cost, threads, shards.
//! - `sweep`: `sim sweep` points equal `sim run --set`, designs, errors, monotonicity,
//!   and the README's GNU parallel and Slurm recipes.
//! - `inherit`: `extends`: shipped variants resolve to base but for their keys; errors at the setting file.
//! - `leftovers`: signals, killed runs and racing runs leave one run's files in `--out`.
//! - `schema`: the shipped JSON Schema is current, shipped scenarios validate, typos do not.
//! - `market_direction`: comparative statics of the compute market and capex under common random numbers.
//! - `tornado`: a swing is `sim run` with the input moved, and hand arithmetic without shocks; shards merge to the same table.
//! - `thresholds`: window arithmetic, first-hit timing, a closed-form probability, the CSV files.
//! - `value`: fleet value, AI NPV, economic depreciation and reported earnings; the accounting life.
//!
//! Golden files are regenerated with `SIM_UPDATE_GOLDEN=1 cargo test --release`
//! and reviewed like code. Slow tests run only with `SIM_SLOW_TESTS=1`.

mod balance_sheets;
mod charts;
mod cli;
mod closed_pipe;
mod common;
mod compare;
mod credit_direction;
mod deterministic;
mod golden;
mod hurdles;
mod inherit;
mod inputs;
mod leftovers;
mod market_direction;
mod plausibility;
mod provenance;
mod quantile_rule;
mod quantiles;
mod report;
mod reproducibility;
mod robustness;
mod schema;
mod shards;
mod sobol;
mod statistics;
mod sweep;
mod thresholds;
mod tornado;
mod value;
