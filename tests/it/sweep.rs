//! `sim sweep`: a point is exactly `sim run --set …`; designs from the
//! command line and from `[sweep]`; every bad design or point is refused
//! before anything runs; raising OpenAI's hazard never lowers its default
//! probability (common random numbers); and the README's batch recipes
//! (GNU parallel, Slurm) run as written.

use crate::common::{portable_scenario, read, root};
use crate::shards::{assert_same_outputs, sim};
use std::path::Path;

/// Rows of a CSV file as (header, rows of fields).
fn table(path: &Path) -> (Vec<String>, Vec<Vec<String>>) {
    let mut r = csv::Reader::from_path(path).unwrap();
    let header = r.headers().unwrap().iter().map(String::from).collect();
    let rows = r
        .records()
        .map(|x| x.unwrap().iter().map(String::from).collect())
        .collect();
    (header, rows)
}

fn column(header: &[String], name: &str) -> usize {
    header
        .iter()
        .position(|h| h == name)
        .unwrap_or_else(|| panic!("no column {name} in {header:?}"))
}

#[test]
fn a_sweep_point_is_byte_identical_to_sim_run_with_the_same_set() {
    let tmp = tempfile::tempdir().unwrap();
    let (sweep, run) = (tmp.path().join("sweep"), tmp.path().join("run"));
    sim()
        .args([
            "sweep",
            "scenarios/base.toml",
            "--paths",
            "2048",
            "--seed",
            "7",
        ])
        .args([
            "--set",
            "market.gpu_price.vol=0.4",
            "--vary",
            "lab.OpenAI.hazard=0.05",
        ])
        .args(["--keep-points", "--quiet", "--out"])
        .arg(&sweep)
        .assert()
        .success();
    sim()
        .args([
            "run",
            "scenarios/base.toml",
            "--paths",
            "2048",
            "--seed",
            "7",
        ])
        .args([
            "--set",
            "market.gpu_price.vol=0.4",
            "--set",
            "lab.OpenAI.hazard=0.05",
        ])
        // A sweep's points keep no sensitivity sums.
        .args(["--no-sensitivity", "--no-charts", "--quiet", "--out"])
        .arg(&run)
        .assert()
        .success();
    assert_same_outputs(&run, &sweep.join("points/0"));
    // The sweep row reads the same cells as the run's own files.
    let (h, rows) = table(&sweep.join("sweep.csv"));
    assert_eq!(rows.len(), 1);
    assert_eq!(&h[..2], ["point", "param_lab.OpenAI.hazard"]);
    assert_eq!(rows[0][1], "0.05");
    let (eh, events) = table(&run.join("events.csv"));
    let last = events
        .iter()
        .rfind(|e| e[0] == "lab.OpenAI" && e[1] == "default")
        .unwrap();
    assert_eq!(
        rows[0][column(&h, "lab.OpenAI.default.probability")],
        last[column(&eh, "cumulative")]
    );
    let (th, thresholds) = table(&run.join("thresholds.csv"));
    assert_eq!(
        rows[0][column(&h, "threshold.JPMorgan $650B hurdle.probability")],
        thresholds[0][column(&th, "probability")]
    );
    for key in [
        "industry.recurring_ai_revenue.p50",
        "hyperscaler.Oracle.distress.std_error",
        "hyperscaler.Oracle.breakeven.probability",
    ] {
        column(&h, key);
    }
}

#[test]
fn raising_openai_hazard_never_lowers_its_default_probability() {
    let tmp = tempfile::tempdir().unwrap();
    sim()
        .args(["sweep", "scenarios/base.toml", "--paths", "4096"])
        .args(["--vary", "lab.OpenAI.hazard=0:0.3:7", "--quiet", "--out"])
        .arg(tmp.path())
        .assert()
        .success();
    let (h, rows) = table(&tmp.path().join("sweep.csv"));
    let hazard: Vec<&str> = rows.iter().map(|r| r[1].as_str()).collect();
    assert_eq!(hazard, ["0", "0.05", "0.1", "0.15", "0.2", "0.25", "0.3"]);
    let p: Vec<f64> = rows
        .iter()
        .map(|r| {
            r[column(&h, "lab.OpenAI.default.probability")]
                .parse()
                .unwrap()
        })
        .collect();
    // With common random numbers a path that defaults at a lower hazard
    // defaults at every higher one, so the probabilities cannot fall, not
    // even by sampling noise.
    assert!(p.windows(2).all(|w| w[0] <= w[1]), "{p:?}");
    assert!(p[6] > p[0] + 0.2, "{p:?}");
}

#[test]
fn the_sweep_table_of_a_scenario_is_a_design() {
    let tmp = tempfile::tempdir().unwrap();
    let scenario = tmp.path().join("s.toml");
    let table_text = "\n[sweep]\n[[sweep.vary]]\npath = \"lab.OpenAI.hazard\"\nvalues = [0.02, 0.1]\n[[sweep.vary]]\npath = \"market.gpu_price.drift\"\nrange = \"-0.45:-0.1:3\"\n";
    std::fs::write(&scenario, portable_scenario("base.toml") + table_text).unwrap();
    // `sim run` and `validate --strict` ignore the table (its values need no source).
    sim()
        .args(["validate", "--strict"])
        .arg(&scenario)
        .assert()
        .success();
    let out = tmp.path().join("out");
    sim()
        .arg("sweep")
        .arg(&scenario)
        .args(["--paths", "1024", "--quiet", "--out"])
        .arg(&out)
        .assert()
        .success();
    let (h, rows) = table(&out.join("sweep.csv"));
    assert_eq!(
        &h[1..3],
        ["param_lab.OpenAI.hazard", "param_market.gpu_price.drift"]
    );
    let params: Vec<String> = rows.iter().map(|r| r[1..3].join(" ")).collect();
    assert_eq!(
        params,
        [
            "0.02 -0.45",
            "0.02 -0.275",
            "0.02 -0.1",
            "0.1 -0.45",
            "0.1 -0.275",
            "0.1 -0.1"
        ]
    );
    // --lhs over the table's axes wants ranges without steps.
    let err = sim()
        .arg("sweep")
        .arg(&scenario)
        .args(["--lhs", "4"])
        .assert()
        .code(1)
        .get_output()
        .stderr
        .clone();
    assert!(String::from_utf8(err).unwrap().contains("LO:HI"));

    // A bad range in the table is located in the file.
    std::fs::write(
        &scenario,
        portable_scenario("base.toml") + &table_text.replace("-0.45:-0.1:3", "-0.45:-0.1:0"),
    )
    .unwrap();
    let err = sim()
        .args(["validate"])
        .arg(&scenario)
        .assert()
        .code(1)
        .get_output()
        .stderr
        .clone();
    let err = String::from_utf8(err).unwrap();
    assert!(
        err.contains("s.toml:") && err.contains("sweep.vary.1.range") && err.contains("zero steps"),
        "{err}"
    );
}

#[test]
fn latin_hypercube_hits_every_stratum_once() {
    let tmp = tempfile::tempdir().unwrap();
    sim()
        .args([
            "sweep",
            "scenarios/base.toml",
            "--paths",
            "1024",
            "--lhs",
            "6",
        ])
        .args([
            "--vary",
            "lab.OpenAI.hazard=0.02:0.2",
            "--vary",
            "market.gpu_price.drift=-0.45:-0.1",
        ])
        .args(["--quiet", "--out"])
        .arg(tmp.path())
        .assert()
        .success();
    let (_, rows) = table(&tmp.path().join("sweep.csv"));
    assert_eq!(rows.len(), 6);
    for (col, lo, hi) in [(1, 0.02, 0.2), (2, -0.45, -0.1)] {
        let mut strata: Vec<usize> = rows
            .iter()
            .map(|r| ((r[col].parse::<f64>().unwrap() - lo) / (hi - lo) * 6.0).floor() as usize)
            .collect();
        strata.sort();
        assert_eq!(strata, [0, 1, 2, 3, 4, 5]);
    }
}

fn sweep_fails(args: &[&str]) -> String {
    let tmp = tempfile::tempdir().unwrap();
    let out = sim()
        .args(["sweep", "scenarios/base.toml", "--paths", "1024"])
        .args(args)
        .arg("--out")
        .arg(tmp.path())
        .assert()
        .code(1)
        .get_output()
        .clone();
    assert_eq!(
        std::fs::read_dir(tmp.path()).unwrap().count(),
        0,
        "something was written"
    );
    String::from_utf8(out.stderr).unwrap()
}

#[test]
fn bad_designs_and_invalid_points_are_refused_before_anything_runs() {
    let e = sweep_fails(&["--vary", "lab.OpenAI.hazard=0.1,5.5,0.2,-1"]);
    assert!(e.contains("2 of the 4 points are invalid"), "{e}");
    assert!(
        e.contains("point 1 (lab.OpenAI.hazard=5.5)")
            && e.contains("point 3 (lab.OpenAI.hazard=-1)"),
        "{e}"
    );
    // The line of OpenAI's hazard (the first lab's) in base.toml, wherever it is.
    let base = std::fs::read_to_string(root().join("scenarios/base.toml")).unwrap();
    let line = 1 + base
        .lines()
        .position(|l| l.starts_with("hazard = { "))
        .expect("OpenAI's hazard in base.toml");
    assert!(
        e.contains(&format!("base.toml:{line}:10"))
            && e.contains("set by --vary lab.OpenAI.hazard=5.5"),
        "{e}"
    );
    let e = sweep_fails(&["--vary", "lab.OpenAI.hazzard=0.1"]);
    assert!(e.contains("hazard"), "{e}");
    let e = sweep_fails(&["--vary", "a.b=0:1:200", "--vary", "c.d=0:1:200"]);
    assert!(
        e.contains("40000 points") && e.contains("--max-points"),
        "{e}"
    );
    let e = sweep_fails(&["--vary", "lab.OpenAI.hazard=0.1:0.3:0"]);
    assert!(e.contains("zero steps"), "{e}");
    let e = sweep_fails(&[
        "--vary",
        "lab.OpenAI.hazard=0.1",
        "--set",
        "lab.OpenAI.hazard=0.2",
    ]);
    assert!(e.contains("both set"), "{e}");
    let e = sweep_fails(&[]);
    assert!(e.contains("nothing to sweep"), "{e}");
}

/// The fenced block after `<!-- recipe: NAME -->` in the README.
fn recipe(name: &str) -> String {
    let readme = read(&root().join("README.md"));
    let marker = format!("<!-- recipe: {name} -->");
    let start = readme
        .find(&marker)
        .unwrap_or_else(|| panic!("README has no {marker}"));
    let rest = &readme[start..];
    let open = rest.find("```").unwrap();
    let body = &rest[open..];
    let body = &body[body.find('\n').unwrap() + 1..];
    body[..body.find("```").unwrap()].to_string()
}

/// A folder holding the scenarios and seeds, as a user's checkout would.
fn workspace() -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    for dir in ["scenarios", "seeds"] {
        std::fs::create_dir(tmp.path().join(dir)).unwrap();
        for e in std::fs::read_dir(root().join(dir)).unwrap() {
            let p = e.unwrap().path();
            std::fs::copy(&p, tmp.path().join(dir).join(p.file_name().unwrap())).unwrap();
        }
    }
    tmp
}

/// Runs shell text with `sim` on the PATH, in `dir`.
fn bash(dir: &Path, script: &str, env: &[(&str, String)]) {
    let bin = Path::new(env!("CARGO_BIN_EXE_sim")).parent().unwrap();
    let path = format!(
        "{}:{}",
        bin.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let out = std::process::Command::new("bash")
        .args(["-euo", "pipefail", "-c", script])
        .current_dir(dir)
        .env("PATH", path)
        .envs(env.iter().map(|(k, v)| (k, v)))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{script}\nfailed: {}\n{}",
        String::from_utf8_lossy(&out.stderr),
        String::from_utf8_lossy(&out.stdout)
    );
}

#[test]
fn readme_gnu_parallel_recipe_runs_and_equals_one_run() {
    assert!(
        std::process::Command::new("parallel")
            .arg("--version")
            .output()
            .is_ok(),
        "GNU parallel is not installed; `bash .ci/run` installs it (apt-get install parallel)"
    );
    let ws = workspace();
    let script = recipe("parallel");
    assert!(
        script.contains("parallel ") && script.contains("sim merge"),
        "{script}"
    );
    bash(ws.path(), &script, &[]);
    let merged = ws.path().join("out/base-merged");
    let whole = ws.path().join("whole");
    sim()
        .current_dir(ws.path())
        .args([
            "run",
            "scenarios/base.toml",
            "--paths",
            "40000",
            "--quiet",
            "--out",
        ])
        .arg(&whole)
        .assert()
        .success();
    assert_same_outputs(&whole, &merged);
}

#[test]
fn readme_slurm_array_script_runs_as_an_array_then_merges() {
    let ws = workspace();
    let script = recipe("slurm");
    assert!(script.contains("#SBATCH --array=") && script.contains("SLURM_ARRAY_TASK_ID"));
    // The array's tasks, run one after another with Slurm's variables;
    // three tasks and few paths keep the test quick.
    for k in 0..3 {
        bash(
            ws.path(),
            &script,
            &[
                ("SLURM_ARRAY_TASK_ID", k.to_string()),
                ("SLURM_ARRAY_TASK_COUNT", "3".to_string()),
                ("PATHS", "1024".to_string()),
            ],
        );
    }
    bash(ws.path(), &recipe("slurm-merge"), &[]);
    let (h, rows) = table(&ws.path().join("out/sweep/merged/sweep.csv"));
    assert_eq!(h[1], "param_lab.OpenAI.hazard");
    let points: Vec<String> = rows.iter().map(|r| r[0].clone()).collect();
    let expected: Vec<String> = (0..rows.len()).map(|i| i.to_string()).collect();
    assert_eq!(points, expected);
    assert_eq!(rows.len(), 80);
}
