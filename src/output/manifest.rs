//! `manifest.json`: what was run, with which inputs, how fast.

use crate::scenario::Override;
use serde::{Deserialize, Serialize};
use std::io::{self, Write};

/// The record of a run, serialised as JSON.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Manifest {
    pub version: String,
    pub scenario: String,
    pub scenario_sha256: String,
    pub seed: u64,
    pub paths: u64,
    pub antithetic: bool,
    pub start: String,
    pub quarters: usize,
    pub threads: usize,
    pub elapsed_seconds: f64,
    pub paths_per_second: f64,
    pub overrides: Vec<Override>,
    pub sample_paths: u64,
    pub generator: String,
    pub chunk_paths: u64,
    pub quantile_relative_error: f64,
    /// Which cells report quantiles (`--quantiles`).
    pub quantiles: super::QuantilePolicy,
    /// Shards the run was split into (`sim run --shard`, then `sim merge`).
    pub shards: u64,
    /// Whether `sensitivity.csv` was computed (off with `--no-sensitivity`,
    /// or when the scenario draws no parameter from a distribution).
    pub sensitivity: bool,
    /// Rows of a `sim sensitivity --sobol N` design (its `paths` are the
    /// design's, N × (k + 3) + 1).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sobol_rows: Option<u64>,
}

impl Manifest {
    /// Writes pretty JSON with a trailing newline.
    pub fn write(&self, w: &mut dyn Write) -> io::Result<()> {
        serde_json::to_writer_pretty(&mut *w, self)?;
        writeln!(w)
    }
}
