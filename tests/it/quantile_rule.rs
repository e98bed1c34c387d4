//! Quantiles are kept exactly where the README's rule says, and the cells
//! that keep them hold the same numbers as under `--quantiles all`.

use crate::common::{read, root};
use assert_cmd::Command;
use std::collections::BTreeSet;
use std::path::Path;

/// The key metrics at the head of a sweep's table (README, "Quantiles").
const KEY_METRICS: [&str; 9] = [
    "industry.capex",
    "industry.cumulative_capex",
    "industry.recurring_ai_revenue",
    "industry.end_user_ai_revenue",
    "industry.required_revenue",
    "industry.revenue_coverage",
    "industry.lab_payments",
    "industry.utilisation",
    "industry.contagion_spread",
];

fn run(out: &Path, extra: &[&str]) -> Vec<csv::StringRecord> {
    Command::cargo_bin("sim")
        .unwrap()
        .current_dir(root())
        .args(["run", "scenarios/base.toml", "--paths", "2048", "--quiet"])
        .args(extra)
        .arg("--out")
        .arg(out)
        .assert()
        .success();
    csv::Reader::from_path(out.join("summary.csv"))
        .unwrap()
        .records()
        .map(Result::unwrap)
        .collect()
}

/// Under the default rule, quantiles are blank exactly where the rule says
/// (probabilities always keep theirs), and every other figure equals the
/// `--quantiles all` run's. Checked at 20 quarters (horizon 2030Q4, a year
/// end) and 22 (horizon 2031Q2, not one).
#[test]
fn quantiles_are_kept_where_the_rule_says() {
    let tmp = tempfile::tempdir().unwrap();
    for quarters in ["20", "22"] {
        let set = format!("simulation.quarters={quarters}");
        let default = run(&tmp.path().join("default"), &["--set", &set]);
        let all = run(
            &tmp.path().join("all"),
            &["--set", &set, "--quantiles", "all"],
        );
        let thresholds = read(&tmp.path().join("default/thresholds.csv"));
        let watched: BTreeSet<String> = csv::Reader::from_reader(thresholds.as_bytes())
            .records()
            .map(|r| r.unwrap()[1].to_string())
            .collect();
        assert!(
            watched.contains("industry.end_user_ai_revenue"),
            "{watched:?}"
        );
        let horizon = default.last().unwrap()[2].to_string();
        assert_eq!(default.len(), all.len());
        let mut blank = 0;
        for (d, a) in default.iter().zip(&all) {
            let (entity, metric, quarter, unit) = (&d[0], &d[1], &d[2], &d[12]);
            let path = format!("{entity}.{metric}");
            let kept = unit == "probability"
                || quarter.ends_with("Q4")
                || quarter == horizon
                || entity == "market"
                || (entity.starts_with("threshold.") && metric == "window_value")
                || KEY_METRICS.contains(&path.as_str())
                || watched.contains(&path);
            for i in 0..13 {
                let quantile = (5..10).contains(&i);
                if quantile && !kept {
                    assert_eq!(&d[i], "", "{d:?}");
                } else {
                    assert_eq!(&d[i], &a[i], "column {i}: {d:?} vs {a:?}");
                }
            }
            blank += usize::from(!kept);
        }
        // The rule drops most cells: what makes the default cheap.
        assert!(blank * 2 > default.len(), "{blank} of {}", default.len());
    }
}

/// The manifest says which rule a run used; a bad value is a usage error.
#[test]
fn the_manifest_records_the_rule() {
    let tmp = tempfile::tempdir().unwrap();
    for (flag, want) in [(None, "default"), (Some("all"), "all")] {
        let out = tmp.path().join(want);
        let extra: Vec<&str> = flag.map_or(vec![], |f| vec!["--quantiles", f]);
        run(&out, &extra);
        let m: serde_json::Value = serde_json::from_str(&read(&out.join("manifest.json"))).unwrap();
        assert_eq!(m["quantiles"], want);
    }
    let out = Command::cargo_bin("sim")
        .unwrap()
        .current_dir(root())
        .args(["run", "scenarios/base.toml", "--quantiles", "some"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("possible values: default, all"), "{stderr}");
}

/// A sweep's kept points follow `--quantiles` as `sim run` does: each
/// point's summary.csv equals the run of that point under the same rule.
/// Without `--keep-points` the flag would change nothing, so it is refused.
#[test]
fn sweep_points_follow_the_rule_and_the_flag_needs_kept_points() {
    let tmp = tempfile::tempdir().unwrap();
    let sweep = |extra: &[&str]| {
        Command::cargo_bin("sim")
            .unwrap()
            .current_dir(root())
            .args(["sweep", "scenarios/base.toml", "--quiet"])
            .args(["--vary", "market.demand.growth=0.3,0.5", "--paths", "2048"])
            .args(extra)
            .arg("--out")
            .arg(tmp.path().join("sweep"))
            .output()
            .unwrap()
    };
    let refused = sweep(&["--quantiles", "all"]);
    assert_eq!(refused.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&refused.stderr);
    assert!(stderr.contains("--keep-points"), "{stderr}");
    assert!(
        sweep(&["--quantiles", "all", "--keep-points"])
            .status
            .success()
    );
    let point = read(&tmp.path().join("sweep/points/1/summary.csv"));
    let set = "market.demand.growth=0.5";
    run(
        &tmp.path().join("run"),
        &["--set", set, "--quantiles", "all"],
    );
    assert_eq!(point, read(&tmp.path().join("run/summary.csv")));
}
