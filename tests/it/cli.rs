//! The `sim` binary end to end: success paths, exit codes, and every bad
//! input named in the issue, with golden stderr files in `tests/golden/errors/`.

use crate::common::{golden, read, root, succeeds};
use assert_cmd::Command;
use std::path::Path;

fn sim() -> Command {
    let mut cmd = Command::cargo_bin("sim").unwrap();
    cmd.current_dir(root()).env_remove("RUST_BACKTRACE");
    cmd
}

/// Runs `sim args…`, expects `code`, checks stderr against the golden file
/// `name` and that it names `key`. Returns stderr.
fn fails(name: &str, args: &[&str], code: i32, key: &str) -> String {
    let out = sim().args(args).output().unwrap();
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert_eq!(
        out.status.code(),
        Some(code),
        "{name}: exit code; stderr:\n{stderr}"
    );
    assert!(
        !stderr.contains("panicked") && !stderr.contains("backtrace"),
        "{name} panicked:\n{stderr}"
    );
    assert!(
        stderr.contains(key),
        "{name}: stderr does not name `{key}`:\n{stderr}"
    );
    golden(&format!("errors/{name}.txt"), &stderr);
    stderr
}

fn bad(name: &str) -> String {
    format!("tests/data/bad/{name}.toml")
}

#[test]
fn bad_scenarios_exit_1_with_located_messages() {
    let cases = [
        ("syntax", "market.gpu_price.drift"),
        ("unknown_key", "did you mean `drift`?"),
        ("wrong_type", "market.demand.price_elasticity"),
        ("negative_vol", "market.gpu_price.vol"),
        ("uncertain_vol", "market.gpu_price.vol"),
        ("transition_row", "row 2 (from \"digestion\") sums to 0.95"),
        ("not_psd", "not positive semi-definite"),
        ("unknown_shock", "did you mean \"gpu_price\"?"),
        ("zero_paths", "simulation.paths"),
        ("bad_quarter", "simulation.start"),
        ("unknown_state", "market.regime.start"),
        ("missing_key", "missing field `speed`"),
        (
            "threshold_unknown_metric",
            "did you mean \"market.gpu_price\"?",
        ),
        ("threshold_bad_window", "did you mean \"quarter\"?"),
        ("threshold_bad_op", "threshold.cheap GPUs.op"),
        ("threshold_by_outside", "outside the simulated horizon"),
        ("threshold_duplicate", "two thresholds are named"),
        ("unknown_provider", "did you mean \"Neo\"?"),
        ("missing_regime_state", "missing [\"digestion\"]"),
        ("negative_cash", "hyperscaler.Big.cash"),
        ("hazard_profile", "lab.Lab.hazard_profile"),
        (
            "duplicate_company",
            "two [[hyperscaler]] tables are named \"Big\"",
        ),
    ];
    for (name, key) in cases {
        let path = bad(name);
        let stderr = fails(name, &["validate", &path], 1, key);
        // file:line:column on every scenario error.
        let located = format!("{path}:");
        assert!(
            stderr.contains(&located),
            "{name}: no file:line:col in\n{stderr}"
        );
        // `run` refuses the same input the same way, and writes nothing.
        let out = tempfile::tempdir().unwrap();
        let run = sim()
            .args(["run", &path, "--quiet", "--out"])
            .arg(out.path().join("o"))
            .output()
            .unwrap();
        assert_eq!(run.status.code(), Some(1), "{name}: run exit code");
        assert!(
            !out.path().join("o").exists(),
            "{name}: run left output behind"
        );
    }
}

#[test]
fn bad_flags_exit_1() {
    let fixture = "tests/data/deterministic.toml";
    fails(
        "set_missing_path",
        &[
            "run",
            fixture,
            "--quiet",
            "--set",
            "market.gpu_price.vl=0.3",
        ],
        1,
        "did you mean `market.gpu_price.vol`?",
    );
    fails(
        "set_bad_value",
        &["validate", fixture, "--set", "market.gpu_price.vol=-1"],
        1,
        "value set by --set market.gpu_price.vol=-1",
    );
    fails(
        "absurd_paths",
        &["run", fixture, "--quiet", "--paths", "1000000000000"],
        1,
        "--paths 1000000000000",
    );
    fails(
        "zero_paths_flag",
        &["run", fixture, "--quiet", "--paths", "0"],
        1,
        "simulation.paths",
    );
    fails(
        "memory",
        &[
            "run",
            fixture,
            "--quiet",
            "--paths",
            "4000000000",
            "--sample-paths",
            "100000000",
            "--threads",
            "2",
        ],
        1,
        "GiB of memory",
    );
    fails(
        "threads_zero",
        &["run", fixture, "--quiet", "--threads", "0"],
        1,
        "--threads",
    );
    fails(
        "unknown_flag",
        &["run", fixture, "--pahts", "10"],
        1,
        "--pahts",
    );
    fails(
        "overflow",
        &[
            "run",
            fixture,
            "--quiet",
            "--set",
            "simulation.quarters=400",
            "--set",
            "market.demand.growth=3",
            "--set",
            "market.demand.price_elasticity=10",
            "--set",
            "market.gpu_price.drift=-0.99",
        ],
        1,
        "overflows floating point",
    );
    fails(
        "set_syntax",
        &["run", fixture, "--set", "novalue"],
        1,
        "PATH=VALUE",
    );
}

#[test]
fn missing_file_exits_2() {
    fails(
        "missing_file",
        &["run", "tests/data/no_such_file.toml", "--quiet"],
        2,
        "no_such_file.toml",
    );
}

#[test]
fn validate_prints_resolved_parameters() {
    let out = sim()
        .args(["validate", "scenarios/base.toml"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let out = String::from_utf8(out).unwrap();
    assert!(
        out.contains("market.gpu_price.drift")
            && out.contains("-0.0625")
            && out.contains("industry.price.max_premium"),
        "{out}"
    );
}

#[test]
fn run_writes_tidy_csv_and_manifest_atomically() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("result");
    let stdout = succeeds(
        sim()
            .args([
                "run",
                "scenarios/base.toml",
                "--paths",
                "2048",
                "--sample-paths",
                "3",
                "--seed",
                "42",
            ])
            .arg("--out")
            .arg(&out),
    );
    assert!(
        stdout.contains("paths/s") && stdout.contains("P(regime = boom)"),
        "{stdout}"
    );

    let summary = read(&out.join("summary.csv"));
    let mut lines = summary.lines();
    assert_eq!(
        lines.next(),
        Some("entity,metric,quarter,mean,std,p05,p25,p50,p75,p95,min,max,unit")
    );
    let rows: Vec<Vec<&str>> = lines.map(|l| l.split(',').collect()).collect();
    // Every metric has one row per quarter, 20 quarters.
    assert_eq!(rows.len() % 20, 0);
    assert!(rows.len() > 200, "{}", rows.len());
    assert_eq!(rows[0][..3], ["market", "short_rate", "2026Q1"]);
    assert_eq!(rows[19][2], "2030Q4");
    let known = [
        "$B/quarter",
        "$B/year",
        "$B",
        "ratio",
        "probability",
        "per year",
        "$/GPU-hour",
    ];
    for row in &rows {
        let unit = row[12];
        assert!(!unit.is_empty(), "{row:?}");
        // Quantiles are kept at the horizon (and where the rule says;
        // tests/it/quantile_rule.rs), blank or all five elsewhere.
        let kept = !row[5].is_empty();
        assert!(kept || row[2] != "2030Q4", "{row:?}");
        assert!(row[5..10].iter().all(|x| x.is_empty() != kept), "{row:?}");
        let v: Vec<f64> = row[3..12]
            .iter()
            .filter(|x| !x.is_empty())
            .map(|x| x.parse().unwrap())
            .collect();
        assert!(v.iter().all(|x| x.is_finite()), "{row:?}");
        // min ≤ p05 ≤ … ≤ p95 ≤ max.
        let ordered: Vec<f64> = [
            &v[v.len() - 2..v.len() - 1],
            &v[2..v.len() - 2],
            &v[v.len() - 1..],
        ]
        .concat();
        assert!(ordered.windows(2).all(|w| w[0] <= w[1]), "{row:?}");
    }
    // Flows say their period; stocks, ratios and indicators theirs.
    let unit_of = |entity: &str, metric: &str| {
        rows.iter()
            .find(|r| r[0] == entity && r[1] == metric)
            .unwrap()[12]
    };
    assert_eq!(unit_of("industry", "recurring_ai_revenue"), known[0]);
    assert_eq!(unit_of("industry", "required_revenue"), known[1]);
    assert_eq!(unit_of("hyperscaler.Oracle", "cash"), known[2]);
    assert_eq!(unit_of("industry", "revenue_coverage"), known[3]);
    assert_eq!(unit_of("lab.OpenAI", "default_by"), known[4]);
    assert_eq!(unit_of("market", "short_rate"), known[5]);
    assert_eq!(unit_of("market", "rental_price"), known[6]);
    assert_eq!(
        unit_of("threshold.JPMorgan $650B hurdle", "window_value"),
        known[1]
    );

    let paths = read(&out.join("paths.csv"));
    assert_eq!(
        paths.lines().next(),
        Some("path,quarter,entity,metric,value")
    );
    assert_eq!(paths.lines().count(), 1 + 3 * rows.len());

    let manifest: serde_json::Value =
        serde_json::from_str(&read(&out.join("manifest.json"))).unwrap();
    assert_eq!(manifest["seed"], 42);
    assert_eq!(manifest["paths"], 2048);
    assert_eq!(manifest["scenario_sha256"].as_str().unwrap().len(), 64);
    assert!(manifest["paths_per_second"].as_f64().unwrap() > 0.0);
    assert_eq!(manifest["overrides"][0]["path"], "simulation.paths");

    // Nothing but the expected files: no temporary files left behind.
    let mut names: Vec<String> = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(
        names,
        [
            "breakeven.csv",
            "charts",
            "events.csv",
            "manifest.json",
            "paths.csv",
            "report.html",
            "sensitivity.csv",
            "summary.csv",
            "threshold_timing.csv",
            "thresholds.csv"
        ]
    );
}

#[test]
fn init_writes_a_scenario_that_runs() {
    let dir = tempfile::tempdir().unwrap();
    let mut cmd = Command::cargo_bin("sim").unwrap();
    cmd.current_dir(dir.path())
        .args(["init", "mine"])
        .assert()
        .success();
    assert!(Path::new(&dir.path().join("mine.toml")).exists());
    let mut cmd = Command::cargo_bin("sim").unwrap();
    cmd.current_dir(dir.path())
        .args(["run", "mine.toml", "--paths", "1024", "--quiet"])
        .assert()
        .success();
    assert!(dir.path().join("out/mine/summary.csv").exists());
    // A second init refuses to overwrite.
    let mut cmd = Command::cargo_bin("sim").unwrap();
    cmd.current_dir(dir.path())
        .args(["init", "mine"])
        .assert()
        .code(1);
}

#[test]
fn non_utf8_file_is_bad_input_and_every_problem_is_reported() {
    let dir = tempfile::tempdir().unwrap();
    let binary = dir.path().join("binary.toml");
    std::fs::write(&binary, [0xff, 0xfe, 0x00]).unwrap();
    let out = sim().arg("validate").arg(&binary).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("not UTF-8"));

    // Two states but a three-state matrix and scale table: each problem gets its own `error:` line.
    let out = sim()
        .args([
            "validate",
            "scenarios/base.toml",
            "--set",
            "market.regime.states=[\"boom\", \"bust\"]",
        ])
        .output()
        .unwrap();
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr.matches("error: scenarios/base.toml:").count() >= 3,
        "{stderr}"
    );
    assert!(
        stderr.contains("`market.demand.regime_scale.digestion`"),
        "{stderr}"
    );
}

#[test]
fn a_thread_count_no_machine_can_use_is_refused_at_once() {
    for cmd in ["run", "sweep"] {
        let mut args = vec![cmd, "scenarios/base.toml", "--paths", "8"];
        if cmd == "sweep" {
            args.extend(["--vary", "lab.OpenAI.hazard=0.1"]);
        }
        for threads in ["18446744073709551615", "1025"] {
            let started = std::time::Instant::now();
            let out = sim()
                .args(&args)
                .args(["--threads", threads, "--out", "/nonexistent/never"])
                .output()
                .unwrap();
            let stderr = String::from_utf8(out.stderr).unwrap();
            assert_eq!(out.status.code(), Some(1), "{cmd} {threads}: {stderr}");
            assert!(
                stderr.contains(&format!(
                    "--threads {threads} is more than sim runs (at most 1024)"
                )),
                "{stderr}"
            );
            // Refused before any thread is spawned (the bug spawned them until the
            // process limit); a generous bound for a loaded machine.
            assert!(started.elapsed().as_secs() < 10);
        }
    }
}

#[test]
fn a_scenario_file_above_the_size_limit_is_refused_before_it_is_read() {
    let dir = tempfile::tempdir().unwrap();
    let big = dir.path().join("big.toml");
    let base = read(&root().join("scenarios/base.toml"));
    let padding = format!("#{}\n", "x".repeat(99)).repeat(45_000);
    std::fs::write(&big, base + &padding).unwrap();
    for cmd in ["validate", "run", "explain"] {
        let out = sim().arg(cmd).arg(&big).output().unwrap();
        let stderr = String::from_utf8(out.stderr).unwrap();
        assert_eq!(out.status.code(), Some(1), "{cmd}: {stderr}");
        assert!(
            stderr.contains("MiB; a scenario may be at most 4 MiB"),
            "{cmd}: {stderr}"
        );
    }
}

#[test]
fn a_deterministic_run_prints_no_nan_standard_errors() {
    let dir = tempfile::tempdir().unwrap();
    let out = sim()
        .args(["run", "scenarios/back_of_envelope.toml", "--out"])
        .arg(dir.path())
        .output()
        .unwrap();
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(out.status.success());
    assert!(
        stdout.contains("P(lab.OpenAI default by 2030Q4) = 0.000\n"),
        "{stdout}"
    );
    assert!(!stdout.contains("NaN"), "{stdout}");
}

#[test]
fn a_scenario_from_standard_input_validates_and_runs() {
    let dir = tempfile::tempdir().unwrap();
    let base = std::fs::read_to_string(root().join("scenarios/base.toml")).unwrap();
    // Paths it names resolve from the current folder, here `scenarios/`.
    let mut validate = Command::cargo_bin("sim").unwrap();
    validate
        .current_dir(root().join("scenarios"))
        .args(["validate", "--strict", "-"])
        .write_stdin(
            std::fs::read_to_string(root().join("scenarios/openai_default.toml")).unwrap(),
        );
    let out = validate.output().unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).starts_with("-: ok"));

    let mut run = Command::cargo_bin("sim").unwrap();
    run.current_dir(root().join("scenarios"))
        .args(["run", "-", "--paths", "8", "--quiet", "--out"])
        .arg(dir.path().join("out"))
        .write_stdin(base);
    let out = run.output().unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(dir.path().join("out/summary.csv").exists());

    let mut bad = Command::cargo_bin("sim").unwrap();
    bad.args(["validate", "-"]).write_stdin("simulation = 3\n");
    let out = bad.output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.starts_with("error: <stdin>:1:14: `simulation`"),
        "{stderr}"
    );
}

/// The example lines (`  sim …`) at the end of a command's help, each cut
/// at a pipe, redirection or `&&`.
fn examples(help: &str) -> Vec<Vec<String>> {
    let (_, tail) = help
        .split_once("\nExamples:\n")
        .unwrap_or_else(|| panic!("no examples in\n{help}"));
    tail.lines()
        .filter_map(|l| l.strip_prefix("  sim "))
        .map(|l| {
            let cut = l.find(['|', '>', '&']).unwrap_or(l.len());
            l[..cut].split_whitespace().map(str::to_string).collect()
        })
        .collect()
}

#[test]
fn every_command_s_help_ends_with_examples_that_parse_and_says_what_it_writes() {
    use clap::Parser;
    let commands = [
        "run",
        "validate",
        "explain",
        "sweep",
        "merge",
        "init",
        "compare",
        "completions",
        "man",
    ];
    for cmd in commands {
        let help = succeeds(sim().args([cmd, "--help"]));
        assert!(help.contains("Writes") || cmd == "compare", "{cmd}: {help}");
        let found = examples(&help);
        assert!(found.len() >= 2, "{cmd}: {found:?}");
        for ex in found {
            let argv = std::iter::once("sim".to_string()).chain(ex.iter().cloned());
            if let Err(e) = sim::cli::Cli::try_parse_from(argv) {
                panic!("{cmd} example `sim {}` does not parse: {e}", ex.join(" "));
            }
            // A --vary path in an example exists in the scenario.
            for (i, arg) in ex.iter().enumerate() {
                if arg == "--vary" {
                    let (path, values) = ex[i + 1].split_once('=').unwrap();
                    let first = values.split([',', ':']).next().unwrap();
                    succeeds(sim().args(["validate", &ex[1], "--set", &format!("{path}={first}")]));
                }
            }
        }
    }
}

#[test]
fn completions_and_man_pages_are_generated() {
    let bash = succeeds(sim().args(["completions", "bash"]));
    assert!(
        bash.contains("_sim()") && bash.contains("validate") && bash.contains("--sample-paths")
    );
    let zsh = succeeds(sim().args(["completions", "zsh"]));
    assert!(zsh.starts_with("#compdef sim"), "{zsh}");
    let page = succeeds(sim().args(["man"]));
    assert!(
        page.contains(".TH sim 1") && page.contains("sim\\-run(1)"),
        "{page}"
    );
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("man1");
    succeeds(sim().args(["man", "--out", out.to_str().unwrap()]));
    let mut pages: Vec<String> = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    pages.sort();
    assert!(pages.contains(&"sim.1".to_string()) && pages.contains(&"sim-run.1".to_string()));
    let run = std::fs::read_to_string(out.join("sim-run.1")).unwrap();
    assert!(run.contains("Examples:"), "{run}");
    let bad = sim().args(["completions", "nosh"]).output().unwrap();
    assert_eq!(bad.status.code(), Some(1));
}

/// `sim validate` on `text` written to a file: its exit code and stderr.
fn validate_text(text: &[u8]) -> (Option<i32>, String) {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("s.toml");
    std::fs::write(&file, text).unwrap();
    let out = sim().args(["validate"]).arg(&file).output().unwrap();
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn errors_on_huge_inputs_stay_short() {
    let base = read(&root().join("tests/data/companies.toml"));
    let long_name = base.replacen(
        "name = \"Neo\"",
        &format!("name = \"{}\"", "N".repeat(200_000)),
        1,
    );
    let long_line = base.replacen("seed = 7", &format!("seed = 7 {}", "x".repeat(4_000)), 1);
    let deep = base.replacen(
        "seed = 7",
        &format!("seed = {}{}", "[".repeat(10_000), "]".repeat(10_000)),
        1,
    );
    // Forty bad values: twenty listed, the rest counted.
    let many = base
        .replace("vol = 0.0", "vol = -1.0")
        .replace("growth = 0.", "growth = -90.");
    for (what, text) in [
        ("name", long_name),
        ("line", long_line),
        ("nesting", deep),
        ("many", many),
    ] {
        let (code, stderr) = validate_text(text.as_bytes());
        assert_eq!(code, Some(1), "{what}: {stderr}");
        assert!(stderr.len() < 12_000, "{what}: {} bytes", stderr.len());
        assert!(
            stderr.lines().all(|l| l.chars().count() < 500),
            "{what}: {stderr}"
        );
        assert!(!stderr.contains("panicked"), "{what}");
    }
}

#[test]
fn the_parser_s_own_error_is_reported_at_its_own_place() {
    let base = read(&root().join("scenarios/base.toml"));
    for (from, to, at, says) in [
        (
            "quarters = { value = 20,",
            "quarters = { value = 99999999999999999999,",
            "s.toml:21:22: `simulation.quarters`:",
            "integer number overflowed",
        ),
        (
            "cash = { value = 89.5,",
            "cash = { value = 1e400,",
            "s.toml:142:18: `hyperscaler.",
            "floating-point number overflowed",
        ),
    ] {
        assert!(base.contains(from), "{from}");
        let text = base.replacen(from, to, 1);
        let (code, stderr) = validate_text(text.as_bytes());
        assert_eq!(code, Some(1), "{stderr}");
        assert!(stderr.contains(says) && stderr.contains(at), "{stderr}");
    }
    // Not UTF-8: where the first bad byte is.
    let (code, stderr) = validate_text(b"[simulation]\nstart = \"20\xff26Q1\"\n");
    assert_eq!(code, Some(1));
    assert!(
        stderr.contains("s.toml:2:12: the file is not UTF-8 text here"),
        "{stderr}"
    );
}

#[test]
fn strict_says_where_each_unsourced_number_is() {
    let out = sim()
        .args(["validate", "--strict", "tests/data/companies.toml"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr.contains("\n  tests/data/companies.toml:6:12: `simulation.quarters`"),
        "{stderr}"
    );
    assert!(stderr.contains("… and 103 more"), "{stderr}");
    // In a scenario that extends another, the file and line that set it.
    let out = sim()
        .args(["validate", "--strict", "tests/data/inherit/child.toml"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("tests/data/inherit/../companies.toml:6: `simulation.quarters`"),
        "{stderr}"
    );
}
