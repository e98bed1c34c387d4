//! Golden `summary.csv`, `thresholds.csv`, `events.csv` and `breakeven.csv` for the shipped scenarios at a fixed seed and a
//! modest path count. A change in any number is a change in behaviour:
//! regenerate with SIM_UPDATE_GOLDEN=1 and review the diff.

use crate::common::{golden, read, root};
use assert_cmd::Command;

#[test]
fn base_scenario_outputs() {
    let dir = tempfile::tempdir().unwrap();
    Command::cargo_bin("sim")
        .unwrap()
        .current_dir(root())
        .args([
            "run",
            "scenarios/base.toml",
            "--paths",
            "4096",
            "--seed",
            "20260129",
            "--quiet",
            "--out",
        ])
        .arg(dir.path())
        .assert()
        .success();
    for file in ["summary", "thresholds", "events", "breakeven"] {
        golden(
            &format!("base_{file}.csv"),
            &read(&dir.path().join(format!("{file}.csv"))),
        );
    }
}
