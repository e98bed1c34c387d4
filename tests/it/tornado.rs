//! `sim tornado`: each swing is what `sim run` gives with that input moved
//! and the others at their medians; shards merge to the same table; bad
//! requests are clear errors.

use crate::common::read;
use crate::shards::{assert_same_outputs, sim};
use std::path::Path;

fn table(path: &Path) -> Vec<Vec<String>> {
    let mut r = csv::Reader::from_path(path).unwrap();
    let mut rows = vec![r.headers().unwrap().iter().map(String::from).collect()];
    rows.extend(
        r.records()
            .map(|x| x.unwrap().iter().map(String::from).collect()),
    );
    rows
}

#[test]
fn a_swing_is_sim_run_with_the_input_moved_and_the_rest_at_median() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("t");
    sim()
        .args([
            "tornado",
            "scenarios/base.toml",
            "--paths",
            "2048",
            "--quiet",
        ])
        .args(["--range", "market.demand.growth=0.4:0.7", "--out"])
        .arg(&out)
        .assert()
        .success();
    // Point 1 is the low end: its coordinates, as --set, in sim run.
    let sweep = table(&out.join("sweep.csv"));
    let header = &sweep[0];
    let sets: Vec<String> = header
        .iter()
        .zip(&sweep[2])
        .filter_map(|(h, v)| h.strip_prefix("param_").map(|p| format!("{p}={v}")))
        .collect();
    assert!(
        sets.contains(&"market.demand.growth=0.4".to_string()),
        "{sets:?}"
    );
    assert_eq!(sets.len(), 20, "every uncertain input pinned");
    let run = tmp.path().join("r");
    let mut cmd = sim();
    cmd.args(["run", "scenarios/base.toml", "--paths", "2048", "--quiet"]);
    for s in &sets {
        cmd.args(["--set", s]);
    }
    cmd.arg("--out").arg(&run).assert().success();
    let thresholds = table(&run.join("thresholds.csv"));
    let p = thresholds[0]
        .iter()
        .position(|h| h == "probability")
        .unwrap();
    let jpm_run = &thresholds[1][p];
    let tornado = table(&out.join("tornado.csv"));
    let col = |name: &str| tornado[0].iter().position(|h| h == name).unwrap();
    let row = tornado
        .iter()
        .find(|r| r[0] == "threshold.JPMorgan $650B hurdle.probability")
        .unwrap();
    assert_eq!(row[col("input")], "market.demand.growth");
    assert_eq!(row[col("input_low")], "0.4");
    assert_eq!(
        row[col("output_low")].parse::<f64>().unwrap(),
        jpm_run.parse::<f64>().unwrap()
    );
    // More demand growth raises the chance of the hurdle.
    let (lo, hi): (f64, f64) = (
        row[col("output_low")].parse().unwrap(),
        row[col("output_high")].parse().unwrap(),
    );
    assert!(hi > lo, "{lo} → {hi}");
    assert!(
        out.join("charts/tornado_threshold.JPMorgan__650B_hurdle.probability.svg")
            .exists()
    );
}

#[test]
fn sharded_tornado_merges_to_the_same_table() {
    let tmp = tempfile::tempdir().unwrap();
    let whole = tmp.path().join("whole");
    let args = [
        "tornado",
        "scenarios/base.toml",
        "--paths",
        "1024",
        "--quiet",
    ];
    let range = [
        "--range",
        "lab.OpenAI.hazard=0.05:0.2",
        "--range",
        "industry.price.slack_exponent=2:4",
    ];
    sim()
        .args(args)
        .args(range)
        .arg("--out")
        .arg(&whole)
        .assert()
        .success();
    let mut dirs = Vec::new();
    for k in 0..2 {
        let d = tmp.path().join(format!("s{k}"));
        sim()
            .args(args)
            .args(range)
            .args(["--shard", &format!("{k}/2"), "--out"])
            .arg(&d)
            .assert()
            .success();
        dirs.push(d);
    }
    let merged = tmp.path().join("merged");
    sim()
        .arg("merge")
        .args(&dirs)
        .arg("--out")
        .arg(&merged)
        .arg("--quiet")
        .assert()
        .success();
    sim()
        .args(args)
        .args(range)
        .arg("--from")
        .arg(&merged)
        .assert()
        .success();
    assert_eq!(
        read(&whole.join("tornado.csv")),
        read(&merged.join("tornado.csv"))
    );
    assert_same_outputs(&whole.join("charts"), &merged.join("charts"));
}

#[test]
fn bad_requests_are_clear_errors() {
    let e = sim()
        .args([
            "tornado",
            "scenarios/base.toml",
            "--range",
            "market.nope=1:2",
        ])
        .assert()
        .code(1)
        .get_output()
        .stderr
        .clone();
    let e = String::from_utf8(e).unwrap();
    assert!(
        e.contains("market.nope") && e.contains("not a parameter"),
        "{e}"
    );
    let e = sim()
        .args(["tornado", "scenarios/back_of_envelope.toml"])
        .assert()
        .code(1)
        .get_output()
        .stderr
        .clone();
    assert!(String::from_utf8(e).unwrap().contains("nothing to swing"));
}
