//! `sim merge`'s inputs: one shard folder holds fuzzed `partial.json` and
//! `state.bin` (the input split at its first NUL byte), the other a real
//! shard; merging them is exit 1 or 2 with a message, never a panic.
#![no_main]

use clap::Parser;
use libfuzzer_sys::fuzz_target;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

/// A real shard 1 of 2 of the companies fixture, written once.
fn real_shard() -> &'static Path {
    static DIR: OnceLock<(tempfile::TempDir, PathBuf)> = OnceLock::new();
    &DIR.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("shard1");
        let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/data/companies.toml");
        let cli = sim::cli::Cli::parse_from([
            "sim".as_ref(),
            "run".as_ref(),
            fixture.as_os_str(),
            "--quiet".as_ref(),
            "--paths".as_ref(),
            "8".as_ref(),
            "--shard".as_ref(),
            "1/2".as_ref(),
            "--out".as_ref(),
            out.as_os_str(),
        ]);
        sim::app::run(cli).unwrap();
        (dir, out)
    })
    .1
}

fuzz_target!(|data: &[u8]| {
    let split = data.iter().position(|&b| b == 0).unwrap_or(data.len());
    let (json, state) = (&data[..split], data.get(split + 1..).unwrap_or(&[]));
    let dir = tempfile::tempdir().unwrap();
    let shard0 = dir.path().join("shard0");
    std::fs::create_dir(&shard0).unwrap();
    std::fs::write(shard0.join("partial.json"), json).unwrap();
    std::fs::write(shard0.join("state.bin"), state).unwrap();
    let out = dir.path().join("merged");
    let cli = sim::cli::Cli::parse_from([
        "sim".as_ref(),
        "merge".as_ref(),
        shard0.as_os_str(),
        real_shard().as_os_str(),
        "--out".as_ref(),
        out.as_os_str(),
    ]);
    let _ = sim::app::run(cli);
});
