//! `partial.json`: what a shard ran (its identity), which shard it was, and
//! what `sim merge` needs to write the report; plus the checks that a set
//! of partial folders are the shards of one job, each exactly once.

use super::Shard;
use crate::output::{Manifest, ReportMeta, SweepManifest};
use crate::scenario::Override;
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

/// The file naming a folder as a shard's partial result.
pub const PARTIAL_FILE: &str = "partial.json";
/// A run shard's statistics ([`super::state`]).
pub const STATE_FILE: &str = "state.bin";
/// Bumped whenever the partial files change meaning.
pub const FORMAT: u32 = 1;

/// A shard's job: equal for all the shards of one job and for nothing
/// else. Everything that changes the numbers is here.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Identity {
    /// `run`, `sweep` or `sobol`.
    pub kind: String,
    /// sim's version: another version may compute other numbers.
    pub version: String,
    pub scenario_sha256: String,
    /// Every `--set`, `--paths` and `--seed`, in order.
    pub overrides: Vec<Override>,
    pub seed: u64,
    pub paths: u64,
    pub sample_paths: u64,
    /// A sweep's design and the SHA-256 of its expanded points.
    pub design: Option<String>,
    pub design_sha256: Option<String>,
    pub points: Option<usize>,
    /// Number of shards the job was split into.
    pub shards: u64,
    /// Which cells report quantiles (`--quantiles`).
    pub quantiles: crate::output::QuantilePolicy,
    /// Whether sensitivity sums are kept (not `--no-sensitivity`).
    pub sensitivity: bool,
}

/// What a run shard adds.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RunPart {
    pub manifest: Manifest,
    pub meta: ReportMeta,
    /// The chunks this shard ran.
    pub chunks: [u64; 2],
    /// SHA-256 of `state.bin`, to catch a damaged or swapped file.
    pub state_sha256: String,
}

/// What a sweep shard adds.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SweepPart {
    pub manifest: SweepManifest,
    /// The points this shard ran, in order.
    pub points: Vec<usize>,
    /// Whether each point's full outputs are under `points/<index>/`.
    pub keep_points: bool,
}

/// What a shard of a `sim sensitivity --sobol N` design adds.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SobolPart {
    pub manifest: Manifest,
    /// Each output as (`entity.metric`, quarter).
    pub outputs: Vec<(String, String)>,
    /// Each input as (name, kind): the design's columns in order.
    pub inputs: Vec<(String, String)>,
    /// The design's chunks of rows this shard ran.
    pub chunks: [u64; 2],
    /// SHA-256 of `state.bin`.
    pub state_sha256: String,
}

/// The contents of `partial.json`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PartialInfo {
    pub format: u32,
    pub identity: Identity,
    pub shard: Shard,
    pub run: Option<RunPart>,
    pub sweep: Option<SweepPart>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sobol: Option<SobolPart>,
}

impl PartialInfo {
    /// Writes pretty JSON with a trailing newline.
    pub fn write(&self, w: &mut dyn std::io::Write) -> std::io::Result<()> {
        serde_json::to_writer_pretty(&mut *w, self)?;
        writeln!(w)
    }
}

/// Reads `dir/partial.json`.
pub fn read(dir: &Path) -> Result<PartialInfo, String> {
    let file = dir.join(PARTIAL_FILE);
    if !dir.is_dir() {
        return Err(format!("{} is not a folder", dir.display()));
    }
    let text = std::fs::read_to_string(&file).map_err(|e| {
        if e.kind() == std::io::ErrorKind::NotFound {
            format!(
                "{} is not a shard's output (no {PARTIAL_FILE}); give the folders written by `sim run`, `sim sweep`, `sim tornado` or `sim sensitivity` with `--shard K/N`",
                dir.display()
            )
        } else {
            format!("cannot read {}: {e}", file.display())
        }
    })?;
    let info: PartialInfo = serde_json::from_str(&text)
        .map_err(|e| format!("{} is damaged or from another tool: {e}", file.display()))?;
    if info.format != FORMAT {
        return Err(format!(
            "{} has partial format {}, but this sim reads format {FORMAT}; merge with the sim that wrote it",
            file.display(),
            info.format
        ));
    }
    Ok(info)
}

/// Checks that `parts` are the shards of one job, each exactly once, and
/// returns them ordered by shard index.
pub fn check_complete(
    mut parts: Vec<(PathBuf, PartialInfo)>,
) -> Result<Vec<(PathBuf, PartialInfo)>, String> {
    let Some((first_dir, first)) = parts.first().cloned() else {
        return Err("nothing to merge: give the shard folders".to_string());
    };
    for (dir, p) in &parts[1..] {
        if let Some(field) = first_difference(&first.identity, &p.identity) {
            return Err(format!(
                "{} and {} are not shards of the same job: they differ in {field}; merge only the shards of one command",
                first_dir.display(),
                dir.display()
            ));
        }
    }
    let count = first.identity.shards;
    parts.sort_by_key(|(_, p)| p.shard.index);
    for pair in parts.windows(2) {
        if pair[0].1.shard.index == pair[1].1.shard.index {
            return Err(format!(
                "shard {} is given twice ({} and {}); give each shard once",
                pair[0].1.shard,
                pair[0].0.display(),
                pair[1].0.display()
            ));
        }
    }
    let missing: Vec<String> = (0..count)
        .filter(|k| !parts.iter().any(|(_, p)| p.shard.index == *k))
        .map(|k| k.to_string())
        .collect();
    if !missing.is_empty() {
        return Err(format!(
            "missing shard(s) {} of {count} (have {}); run them with --shard K/{count} and merge all {count}",
            missing.join(", "),
            parts.len()
        ));
    }
    if let Some((dir, p)) = parts.iter().find(|(_, p)| p.shard.count != count) {
        return Err(format!(
            "{} says shard {} but its job has {count} shards; the file was edited",
            dir.display(),
            p.shard
        ));
    }
    Ok(parts)
}

/// The first identity field (by name, with both values) in which two
/// shards differ.
fn first_difference(a: &Identity, b: &Identity) -> Option<String> {
    let (serde_json::Value::Object(a), serde_json::Value::Object(b)) =
        (serde_json::to_value(a).ok()?, serde_json::to_value(b).ok()?)
    else {
        return None;
    };
    a.iter().find_map(|(k, va)| {
        let vb = b.get(k).unwrap_or(&serde_json::Value::Null);
        (va != vb).then(|| format!("{k} ({va} vs {vb})"))
    })
}
