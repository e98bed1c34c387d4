//! `sim compare`: the figures it shows are the runs' own, in text and CSV,
//! and a folder that is not a run's, or a tampered file, is an error that
//! names the file and line (exit 1).

use crate::common::{read, root};
use assert_cmd::Command;
use std::path::Path;

fn sim() -> Command {
    let mut cmd = Command::cargo_bin("sim").unwrap();
    cmd.current_dir(root()).env_remove("RUST_BACKTRACE");
    cmd
}

fn run_into(scenario: &str, out: &Path) {
    sim()
        .args(["run", scenario, "--paths", "512", "-q", "--out"])
        .arg(out)
        .assert()
        .success();
}

/// `events.csv`'s cumulative probability and its SE for an entity's event
/// at the horizon, as written.
fn horizon_event(dir: &Path, entity: &str, event: &str) -> (String, String) {
    let text = read(&dir.join("events.csv"));
    let row = text
        .lines()
        .rfind(|l| l.starts_with(&format!("{entity},{event},")))
        .unwrap()
        .to_string();
    let cells: Vec<&str> = row.split(',').collect();
    (cells[5].to_string(), cells[6].to_string())
}

#[test]
fn compare_shows_each_runs_own_figures_side_by_side() {
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = (dir.path().join("base"), dir.path().join("default"));
    run_into("scenarios/base.toml", &a);
    run_into("scenarios/openai_default.toml", &b);

    let out = sim().arg("compare").arg(&a).arg(&b).output().unwrap();
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    let row = text
        .lines()
        .find(|l| l.starts_with("P(lab.OpenAI default by 2030Q4)"))
        .unwrap_or_else(|| panic!("{text}"));
    for d in [&a, &b] {
        let (p, se) = horizon_event(d, "lab.OpenAI", "default");
        let shown = format!(
            "{:.3} ± {:.4}",
            p.parse::<f64>().unwrap(),
            se.parse::<f64>().unwrap()
        );
        assert!(row.contains(&shown), "{shown} not in {row}");
    }
    assert!(
        text.contains("P(Required revenue covered in 2030Q4)"),
        "{text}"
    );
    assert!(text.contains("industry.capex median at 2030Q4"), "{text}");

    // CSV: tidy, one row per measure and run, the values exactly as written.
    let out = sim()
        .arg("compare")
        .arg(&a)
        .arg(&b)
        .args(["--format", "csv"])
        .output()
        .unwrap();
    let csv = String::from_utf8(out.stdout).unwrap();
    assert_eq!(csv.lines().next(), Some("measure,run,scenario,value,se"));
    let (p, se) = horizon_event(&b, "lab.OpenAI", "default");
    let want = format!(
        "P(lab.OpenAI default by 2030Q4),{},scenarios/openai_default.toml,{p},{se}",
        b.display()
    );
    assert!(csv.lines().any(|l| l == want), "{want} not in\n{csv}");
}

#[test]
fn compare_refuses_what_is_not_a_run_with_the_file_and_line() {
    let dir = tempfile::tempdir().unwrap();
    let a = dir.path().join("base");
    run_into("scenarios/base.toml", &a);
    let fails = |dirs: &[&Path], expected: &str| {
        let out = sim().arg("compare").args(dirs).output().unwrap();
        let stderr = String::from_utf8(out.stderr).unwrap();
        assert_eq!(out.status.code(), Some(1), "{stderr}");
        assert!(stderr.contains(expected), "{expected} not in {stderr}");
        assert!(!stderr.contains("panicked"));
    };
    let missing = dir.path().join("nothing");
    fails(&[&a, &missing], "manifest.json: not found; is");
    // A horizon probability that is not a number, on the line that holds it.
    let events = a.join("events.csv");
    let text = read(&events);
    let mut lines: Vec<String> = text.lines().map(String::from).collect();
    let last = lines.len();
    let mut cells: Vec<String> = lines[last - 1].split(',').map(String::from).collect();
    cells[5] = "abc".into();
    lines[last - 1] = cells.join(",");
    std::fs::write(&events, lines.join("\n") + "\n").unwrap();
    fails(
        &[&a],
        &format!("events.csv:{last}: `cumulative` is `abc`, not a number"),
    );
    // A column removed.
    let header_gone = text.replacen("cumulative_se", "other", 1);
    std::fs::write(&events, header_gone).unwrap();
    fails(&[&a], "events.csv: no column `cumulative_se`");
}
