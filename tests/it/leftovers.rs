//! A run's `--out` holds exactly one run's files: a signal removes what is
//! staged, a later run removes what a killed one left and what it does not
//! write itself, and two runs racing on one folder do not mix.

use crate::common::root;
use assert_cmd::Command;
use std::path::Path;

fn sim() -> std::process::Command {
    let mut c = std::process::Command::new(assert_cmd::cargo::cargo_bin("sim"));
    c.current_dir(root());
    c
}

/// `sim run` of the base scenario on `paths` paths into `out`, succeeding.
fn run_base(paths: &str, out: &Path, extra: &[&str]) {
    Command::cargo_bin("sim")
        .unwrap()
        .current_dir(root())
        .args([
            "run",
            "scenarios/base.toml",
            "--quiet",
            "--paths",
            paths,
            "--out",
        ])
        .arg(out)
        .args(extra)
        .assert()
        .success();
}

fn names(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

#[test]
fn sigterm_and_sigint_in_the_write_phase_leave_nothing_staged() {
    for signal in ["TERM", "INT"] {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("out");
        // paths.csv of 600 paths is ~100 MB: seconds of writing.
        let mut child = sim()
            .args(["run", "scenarios/base.toml", "--quiet", "--paths", "600"])
            .args(["--sample-paths", "600", "--out"])
            .arg(&out)
            .spawn()
            .unwrap();
        // Wait until files are being staged, then signal.
        let staging = || out.exists() && names(&out).iter().any(|n| n.contains(".tmp-"));
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(120);
        while !staging() {
            assert!(std::time::Instant::now() < deadline, "nothing was staged");
            assert!(
                child.try_wait().unwrap().is_none(),
                "the run ended before staging was seen"
            );
            std::thread::sleep(std::time::Duration::from_millis(5));
        }
        let kill = std::process::Command::new("kill")
            .args([format!("-{signal}"), child.id().to_string()])
            .status()
            .unwrap();
        assert!(kill.success());
        let status = child.wait().unwrap();
        let left = names(&out);
        // Either the signal came first (130, nothing left) or the commit
        // had begun and finished whole (the signal waits for it).
        assert_eq!(status.code(), Some(130), "SIG{signal}: left {left:?}");
        let whole = left.contains(&"manifest.json".to_string()) && left.len() == 7;
        assert!(left.is_empty() || whole, "SIG{signal} left {left:?}");
    }
}

#[test]
fn a_rerun_clears_what_a_killed_run_left_and_what_it_does_not_write() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let run = |extra: &[&str]| run_base("16", &out, extra);
    run(&["--sample-paths", "2"]);
    assert!(out.join("paths.csv").exists());
    // What a SIGKILL leaves: staged files of a process that is gone, and
    // its lock.
    let gone = 4_000_000_000u32;
    std::fs::write(out.join(format!(".paths.csv.tmp-{gone}")), "x").unwrap();
    std::fs::create_dir(out.join(format!(".points.tmp-{gone}"))).unwrap();
    std::fs::write(out.join(".sim.lock"), gone.to_string()).unwrap();
    std::fs::write(out.join("my_notes.txt"), "mine").unwrap();
    run(&[]);
    assert_eq!(
        names(&out),
        [
            "breakeven.csv",
            "charts",
            "events.csv",
            "manifest.json",
            "my_notes.txt",
            "report.html",
            "sensitivity.csv",
            "summary.csv",
            "threshold_timing.csv",
            "thresholds.csv"
        ]
    );
    let manifest = std::fs::read_to_string(out.join("manifest.json")).unwrap();
    assert!(manifest.contains("\"sample_paths\": 0"), "{manifest}");
}

#[test]
fn two_runs_racing_on_one_folder_leave_one_run_whole() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let start = |paths: &str| {
        sim()
            .args(["run", "scenarios/base.toml", "--quiet", "--threads", "1"])
            .args(["--paths", paths, "--out"])
            .arg(&out)
            .spawn()
            .unwrap()
    };
    let (mut a, mut b) = (start("2000"), start("2002"));
    assert!(a.wait().unwrap().success() && b.wait().unwrap().success());
    let manifest = std::fs::read_to_string(out.join("manifest.json")).unwrap();
    let paths = if manifest.contains("\"paths\": 2000,") {
        "2000"
    } else {
        "2002"
    };
    assert!(
        manifest.contains(&format!("\"paths\": {paths},")),
        "{manifest}"
    );
    let reference = dir.path().join("ref");
    run_base(paths, &reference, &[]);
    for file in ["summary.csv", "events.csv", "thresholds.csv"] {
        assert_eq!(
            std::fs::read(out.join(file)).unwrap(),
            std::fs::read(reference.join(file)).unwrap(),
            "{file} is not the {paths}-path run's"
        );
    }
    assert!(
        !names(&out).iter().any(|n| n.starts_with('.')),
        "{:?}",
        names(&out)
    );
}
