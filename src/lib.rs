//! `sim`: a Monte Carlo simulator of the AI-infrastructure capital cycle.
//!
//! Dependencies run one way: `scenario` (TOML → validated `Scenario`) →
//! `model` (the economy, one quarter at a time, built on `process`) →
//! `engine` (paths, chunks, threads, seeding) → `stats` (streaming
//! accumulators) → `output` (CSV and manifest). `cli` and `app` glue them.
//! See `docs/ARCHITECTURE.md`.

pub mod app;
pub mod cli;
pub mod engine;
pub mod model;
pub mod number;
pub mod output;
pub mod process;
pub mod progress;
pub mod quarter;
pub mod scenario;
pub mod shard;
pub mod stats;
pub mod sweep;
