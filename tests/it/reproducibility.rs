//! Same scenario and seed ⇒ identical output, whatever the thread count,
//! under either quantile rule.

use crate::common::{fixture, read, root, run};
use assert_cmd::Command;

#[test]
fn engine_results_identical_for_1_2_and_3_threads() {
    // 5,000 paths: several chunks, the last one partial.
    let s = fixture(&[
        "simulation.paths=5000",
        "market.gpu_price.vol=0.35",
        "market.hbm_price.vol=0.3",
        "market.demand.vol=0.2",
        "market.rates.vol=0.01",
        "market.regime.transition=[[0.9, 0.08, 0.02], [0.15, 0.75, 0.1], [0.05, 0.15, 0.8]]",
        "correlation.pairs=[[\"gpu_price\", \"demand\", -0.3]]",
    ]);
    let one = run(&s, 1);
    for threads in [2, 3] {
        let other = run(&s, threads);
        for (a, b) in one.result.cells.iter().zip(&other.result.cells) {
            assert_eq!(
                format!("{a:?}"),
                format!("{b:?}"),
                "{threads} threads differ"
            );
        }
    }
}

#[test]
fn summary_and_sensitivity_byte_identical_across_threads_and_runs() {
    let dir = tempfile::tempdir().unwrap();
    for policy in ["default", "all"] {
        let mut outputs = Vec::new();
        for (i, threads) in ["1", "2", "2", "3"].iter().enumerate() {
            let out = dir.path().join(format!("{policy}{i}"));
            Command::cargo_bin("sim")
                .unwrap()
                .args([
                    "run",
                    "scenarios/base.toml",
                    "--paths",
                    "6000",
                    "--quiet",
                    "--threads",
                    threads,
                    "--quantiles",
                    policy,
                ])
                .arg("--out")
                .arg(&out)
                .current_dir(root())
                .assert()
                .success();
            let sensitivity = read(&out.join("sensitivity.csv"));
            outputs.push(read(&out.join("summary.csv")) + &sensitivity);
        }
        assert_eq!(outputs[0], outputs[1], "{policy}: 1 thread vs 2 threads");
        assert_eq!(outputs[1], outputs[2], "{policy}: two runs with 2 threads");
        assert_eq!(outputs[0], outputs[3], "{policy}: 1 thread vs 3 threads");
    }
}

#[test]
fn different_seeds_differ() {
    let base = ["simulation.paths=2000", "market.gpu_price.vol=0.35"];
    let a = run(&fixture(&base), 2);
    let b = run(&fixture(&[base[0], base[1], "simulation.seed=8"]), 2);
    assert_ne!(
        a.cell("market", "gpu_price", 7).mean,
        b.cell("market", "gpu_price", 7).mean
    );
}
