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

/// In a world without shocks every path is the same, so a tornado's swing
/// is hand arithmetic: thresholds 1 % either side of the hand-computed
/// demand at each swung growth flip exactly where that arithmetic says.
#[test]
fn zero_volatility_swings_equal_hand_arithmetic() {
    let tmp = tempfile::tempdir().unwrap();
    // Demand after 8 quarters in boom: log D = ln 10 + 2 g − 2 · 1.5 · 0.8 · ln 0.75.
    let demand = |g: f64| 10.0 * (2.0 * g - 2.4 * 0.75f64.ln()).exp();
    let mut text = read(&crate::common::root().join("tests/data/deterministic.toml"));
    let levels = [("low", 0.2), ("base", 0.4), ("high", 0.6)];
    for (name, g) in levels {
        for (side, factor) in [("below", 0.99), ("above", 1.01)] {
            text += &format!(
                "\n[[threshold]]\nname = \"{side} {name}\"\nmetric = \"market.demand_gw\"\nwindow = \"quarter\"\nop = \">=\"\nvalue = {}\nfrom = \"2027Q4\"\nby = \"2027Q4\"\n",
                factor * demand(g)
            );
        }
    }
    let scenario = tmp.path().join("still.toml");
    std::fs::write(&scenario, text).unwrap();
    let out = tmp.path().join("t");
    sim()
        .arg("tornado")
        .arg(&scenario)
        .args(["--range", "market.demand.growth=0.2:0.6", "--paths", "16"])
        .args(["--quiet", "--out"])
        .arg(&out)
        .assert()
        .success();
    let tornado = table(&out.join("tornado.csv"));
    let col = |name: &str| tornado[0].iter().position(|h| h == name).unwrap();
    for (k, (name, _)) in levels.iter().enumerate() {
        for side in ["below", "above"] {
            let row = tornado
                .iter()
                .find(|r| r[0] == format!("threshold.{side} {name}.probability"))
                .expect("the threshold's row");
            let got: Vec<f64> = ["output_low", "output_base", "output_high"]
                .iter()
                .map(|c| row[col(c)].parse().unwrap())
                .collect();
            // Hit at every swung level at or above this one (below it by 1 %),
            // or strictly above it (above it by 1 %).
            let want: Vec<f64> = (0..3)
                .map(|j| f64::from(u8::from(if side == "below" { j >= k } else { j > k })))
                .collect();
            assert_eq!(got, want, "{side} {name}");
        }
    }
}
