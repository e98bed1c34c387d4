//! `sim sensitivity --sobol N`: known answers end to end (one uncertain
//! input in a world without shocks explains everything; an input an output
//! cannot depend on has a total effect of exactly zero), the design's cost,
//! byte-identity across threads, and clear errors.

use crate::common::read;
use crate::shards::{assert_same_outputs, sim};
use std::collections::HashMap;
use std::path::Path;

/// sobol.csv as (output, input, measure) → (value, se).
fn indices(dir: &Path) -> HashMap<(String, String, String), (f64, f64)> {
    let mut r = csv::Reader::from_path(dir.join("sobol.csv")).unwrap();
    let h: Vec<String> = r.headers().unwrap().iter().map(String::from).collect();
    let col = |name: &str| h.iter().position(|x| x == name).unwrap();
    let (o, i, m, v, s) = (
        col("output"),
        col("input"),
        col("measure"),
        col("value"),
        col("se"),
    );
    r.records()
        .map(|row| {
            let row = row.unwrap();
            let num = |k: usize| row[k].parse::<f64>().unwrap_or(f64::NAN);
            (
                (row[o].to_string(), row[i].to_string(), row[m].to_string()),
                (num(v), num(s)),
            )
        })
        .collect()
}

fn sobol(scenario: &str, rows: &str, threads: &str, out: &Path, extra: &[&str]) {
    sim()
        .args([
            "sensitivity",
            scenario,
            "--sobol",
            rows,
            "--threads",
            threads,
        ])
        .args(extra)
        .arg("--quiet")
        .arg("--out")
        .arg(out)
        .assert()
        .success();
}

#[test]
fn one_uncertain_input_in_a_world_without_shocks_explains_everything() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("s");
    sobol(
        "scenarios/back_of_envelope.toml",
        "512",
        "2",
        &out,
        &[
            "--set",
            r#"market.demand.growth={ dist = "pert", min = 0.3, mode = 0.5, max = 0.8 }"#,
        ],
    );
    let ix = indices(&out);
    let mut checked = 0;
    for ((output, input, measure), (value, se)) in &ix {
        if value.is_nan() {
            continue; // an output that does not vary
        }
        if input == "path randomness" {
            assert_eq!(*value, 0.0, "{output}: shocks are all zero");
        } else {
            assert_eq!(input, "market.demand.growth");
            assert!(
                (value - 1.0).abs() < 4.0 * se && *se < 0.25,
                "{output} {measure}: {value} ± {se}, not 1"
            );
            checked += 1;
        }
    }
    assert!(checked >= 20, "only {checked} defined indices");
}

#[test]
fn an_output_that_cannot_depend_on_an_input_has_no_total_effect() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("s");
    sobol("scenarios/base.toml", "2048", "2", &out, &[]);
    let ix = indices(&out);
    let total = |o: &str, i: &str| ix[&(o.to_string(), i.to_string(), "total".to_string())];
    // What creditors recover after a default is paid after it: it cannot
    // change whether the default happens (exactly, path by path).
    for (o, i) in [
        ("lab.OpenAI.default_by", "lab.OpenAI.recovery.bust"),
        ("lab.OpenAI.default_by", "industry.credit.asset_recovery"),
        (
            "hyperscaler.CoreWeave.default_by",
            "industry.credit.asset_recovery",
        ),
    ] {
        assert_eq!(total(o, i), (0.0, 0.0), "{o} / {i}");
    }
    // A lab's own hazard does move its default, and its provider's distress.
    let (t, se) = total("lab.OpenAI.default_by", "lab.OpenAI.hazard");
    assert!(t > 4.0 * se, "{t} ± {se}");
    let (t, _) = total("hyperscaler.Oracle.distress_by", "lab.OpenAI.hazard");
    assert!(t > 0.0);
    // Every total is a mean of squares: never below zero.
    for ((o, i, m), (v, _)) in &ix {
        if m == "total" {
            assert!(v.is_nan() || *v >= 0.0, "{o} / {i}: {v}");
        }
    }
}

#[test]
fn the_design_costs_what_it_says_and_threads_change_no_byte() {
    let tmp = tempfile::tempdir().unwrap();
    let (one, two) = (tmp.path().join("one"), tmp.path().join("two"));
    sobol("scenarios/base.toml", "40", "1", &one, &[]);
    sobol("scenarios/base.toml", "40", "2", &two, &[]);
    assert_eq!(read(&one.join("sobol.csv")), read(&two.join("sobol.csv")));
    assert_same_outputs(&one.join("charts"), &two.join("charts"));
    let manifest: serde_json::Value =
        serde_json::from_str(&read(&one.join("manifest.json"))).unwrap();
    // 20 uncertain inputs, the path randomness, A and B: 23 paths a row.
    assert_eq!(manifest["paths"], 40 * 23 + 1);
    assert_eq!(manifest["sobol_rows"], 40);
    let rows = read(&one.join("sobol.csv")).lines().count() - 1;
    let outputs = indices(&one)
        .keys()
        .map(|(o, _, _)| o.clone())
        .collect::<std::collections::HashSet<_>>()
        .len();
    assert_eq!(rows, outputs * 21 * 2);
}

#[test]
fn bad_requests_are_clear_errors() {
    let stderr = |args: &[&str]| {
        let e = sim()
            .args(args)
            .assert()
            .code(1)
            .get_output()
            .stderr
            .clone();
        String::from_utf8(e).unwrap()
    };
    let e = stderr(&["sensitivity", "scenarios/base.toml", "--sobol", "1"]);
    assert!(e.contains("--sobol 1") && e.contains("at least 2"), "{e}");
    let e = stderr(&[
        "sensitivity",
        "scenarios/back_of_envelope.toml",
        "--sobol",
        "64",
    ]);
    assert!(e.contains("nothing is uncertain"), "{e}");
    let e = stderr(&[
        "sensitivity",
        "scenarios/base.toml",
        "--sobol",
        "18446744073709551615",
    ]);
    assert!(e.contains("fewer rows"), "{e}");
    let e = stderr(&["sensitivity", "scenarios/base.toml"]);
    assert!(e.contains("--sobol"), "{e}");
}

/// Two independent estimators of the same first-order indices agree: the
/// run's binned one (`sensitivity.csv`, from its own paths) and the
/// design's pick-freeze one, within their combined standard errors.
#[test]
fn the_design_and_the_run_agree_on_first_order_indices() {
    let tmp = tempfile::tempdir().unwrap();
    let (run, design) = (tmp.path().join("run"), tmp.path().join("design"));
    sim()
        .args(["run", "scenarios/base.toml", "--paths", "16384", "--quiet"])
        .args(["--no-charts", "--out"])
        .arg(&run)
        .assert()
        .success();
    sobol("scenarios/base.toml", "2048", "2", &design, &[]);
    let pick = indices(&design);
    let mut r = csv::Reader::from_path(run.join("sensitivity.csv")).unwrap();
    let h: Vec<String> = r.headers().unwrap().iter().map(String::from).collect();
    let col = |name: &str| h.iter().position(|x| x == name).unwrap();
    let mut z = Vec::new();
    for row in r.records() {
        let row = row.unwrap();
        if &row[col("measure")] != "sobol_first" {
            continue;
        }
        let key = (
            row[col("output")].to_string(),
            row[col("input")].to_string(),
            "first".to_string(),
        );
        let (Some(&(w, sw)), Ok(v), Ok(se)) = (
            pick.get(&key),
            row[col("value")].parse::<f64>(),
            row[col("se")].parse::<f64>(),
        ) else {
            continue;
        };
        if w.is_finite() && v.is_finite() && se + sw > 0.0 {
            z.push((v - w).abs() / (se * se + sw * sw).sqrt());
        }
    }
    assert!(z.len() >= 500, "only {} pairs", z.len());
    let mean = z.iter().sum::<f64>() / z.len() as f64;
    let far = z.iter().filter(|&&z| z > 3.5).count();
    // |N(0, 1)| has mean 0.80; beyond 3.5 one time in 2,000.
    assert!(mean < 1.1, "mean |z| {mean}");
    assert!(far <= z.len() / 100, "{far} of {} beyond 3.5 SE", z.len());
}

#[test]
fn shards_merge_to_the_whole_design() {
    let tmp = tempfile::tempdir().unwrap();
    let whole = tmp.path().join("whole");
    sobol("scenarios/base.toml", "100", "2", &whole, &[]);
    let mut dirs = Vec::new();
    for k in 0..3 {
        let d = tmp.path().join(format!("s{k}"));
        sobol(
            "scenarios/base.toml",
            "100",
            "1",
            &d,
            &["--shard", &format!("{k}/3")],
        );
        dirs.push(d);
    }
    let merged = tmp.path().join("merged");
    sim()
        .arg("merge")
        .args(dirs.iter().rev())
        .arg("--out")
        .arg(&merged)
        .arg("--quiet")
        .assert()
        .success();
    assert_same_outputs(&whole, &merged);
    // A shard of another design is refused.
    let other = tmp.path().join("other");
    sobol(
        "scenarios/base.toml",
        "64",
        "1",
        &other,
        &["--shard", "2/3"],
    );
    let e = sim()
        .arg("merge")
        .args([&dirs[0], &dirs[1], &other])
        .arg("--out")
        .arg(tmp.path().join("bad"))
        .assert()
        .code(1)
        .get_output()
        .stderr
        .clone();
    assert!(
        String::from_utf8(e)
            .unwrap()
            .contains("not shards of the same job")
    );
}
