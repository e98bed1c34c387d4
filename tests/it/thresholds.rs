//! Thresholds: window arithmetic and first-hit timing against hand
//! arithmetic, a closed-form probability, and the CSV files.

use crate::common::{Run, portable_scenario, read, root, run, succeeds, within_4se};
use assert_cmd::Command;
use sim::scenario::{self, Override, Scenario};

/// The deterministic fixture plus `extra` TOML (threshold tables) and overrides.
fn with_thresholds(extra: &str, sets: &[&str]) -> Scenario {
    let path = root().join("tests/data/deterministic.toml");
    let text = format!("{}\n{extra}", read(&path));
    let overrides: Vec<Override> = sets.iter().map(|s| s.parse().unwrap()).collect();
    scenario::from_text(&path, &text, &overrides).unwrap_or_else(|e| panic!("{e}"))
}

/// Hand arithmetic for the fixture's compute spend in quarter q (0-based).
fn spend(q: usize) -> f64 {
    let t = (q + 1) as f64 * 0.25;
    let rental = 2.0 * 0.75f64.powf(t).powf(0.8);
    let demand =
        (10.0f64.ln() + (q + 1) as f64 * (0.4 * 0.25 - 1.5 * 0.8 * 0.75f64.ln() * 0.25)).exp();
    demand * 1e6 * rental * 8760.0 / 1e9
}

fn series(r: &Run, entity: &str, metric: &str) -> Vec<f64> {
    (0..8).map(|q| r.cell(entity, metric, q).mean).collect()
}

#[test]
fn windows_and_first_hits_match_hand_arithmetic() {
    let cum: Vec<f64> = (0..8)
        .scan(0.0, |acc, q| {
            *acc += spend(q);
            Some(*acc)
        })
        .collect();
    let cumulative_bar = (cum[2] + cum[3]) / 2.0;
    let extra = format!(
        r#"
[[threshold]]
name = "gpu"
metric = "market.gpu_price"
op = "<="
value = 0.8

[[threshold]]
name = "cumulative"
metric = "market.compute_spend"
window = "cumulative"
op = ">="
value = {cumulative_bar}

[[threshold]]
name = "ttm"
metric = "market.compute_spend"
window = "ttm"
op = ">"
value = 1e12

[[threshold]]
name = "annualized"
metric = "market.compute_spend"
window = "annualized"
op = "<"
value = 0

[[threshold]]
name = "too late"
metric = "market.gpu_price"
op = "<="
value = 0.8
by = "2026Q3"

[[threshold]]
name = "window"
metric = "market.gpu_price"
op = "<="
value = 0.8
from = "2027Q2"
by = "2027Q3"

[[threshold]]
name = "on a threshold"
metric = "threshold.cumulative.window_value"
op = ">="
value = {cumulative_bar}
"#
    );
    let r = run(&with_thresholds(&extra, &[]), 2);
    // 0.75^(t) <= 0.8 first at t = 1 year: quarter index 3.
    let onehot = |k: usize| {
        (0..8)
            .map(|q| if q == k { 1.0 } else { 0.0 })
            .collect::<Vec<_>>()
    };
    let from = |k: usize| {
        (0..8)
            .map(|q| if q >= k { 1.0 } else { 0.0 })
            .collect::<Vec<_>>()
    };
    assert_eq!(series(&r, "threshold.gpu", "first_hit"), onehot(3));
    assert_eq!(series(&r, "threshold.gpu", "hit_by"), from(3));
    assert_eq!(series(&r, "threshold.cumulative", "first_hit"), onehot(3));
    // A threshold may test an earlier threshold's window, read back from
    // the recorder in the same quarter.
    assert_eq!(
        series(&r, "threshold.on a threshold", "window_value"),
        series(&r, "threshold.cumulative", "window_value")
    );
    assert_eq!(
        series(&r, "threshold.on a threshold", "first_hit"),
        onehot(3)
    );
    assert_eq!(
        series(&r, "threshold.too late", "hit_by"),
        vec![0.0; 8],
        "hits after `by` do not count"
    );
    assert_eq!(series(&r, "threshold.ttm", "hit_by"), vec![0.0; 8]);
    // The price is below 0.8 from 2026Q4 on; only 2027Q2–2027Q3 count.
    assert_eq!(series(&r, "threshold.window", "first_hit"), onehot(5));
    assert_eq!(series(&r, "threshold.window", "hit_by"), from(5));
    for (q, cum_q) in cum.iter().enumerate() {
        let close = |got: f64, want: f64, what: &str| {
            assert!(
                (got - want).abs() <= 1e-9 * want.abs(),
                "{what} q{q}: {got} vs {want}"
            );
        };
        let ttm: f64 = (q.saturating_sub(3)..=q).map(spend).sum();
        close(r.cell("threshold.ttm", "window_value", q).mean, ttm, "ttm");
        close(
            r.cell("threshold.cumulative", "window_value", q).mean,
            *cum_q,
            "cumulative",
        );
        close(
            r.cell("threshold.annualized", "window_value", q).mean,
            4.0 * spend(q),
            "annualized",
        );
    }
}

/// Standard normal CDF (Abramowitz & Stegun 26.2.17, error below 7.5e-8,
/// far inside the Monte Carlo standard errors it is compared with).
fn phi(x: f64) -> f64 {
    let t = 1.0 / (1.0 + 0.2316419 * x.abs());
    let poly = t
        * (0.319381530
            + t * (-0.356563782 + t * (1.781477937 + t * (-1.821255978 + t * 1.330274429))));
    let tail = (-x * x / 2.0).exp() / (2.0 * std::f64::consts::PI).sqrt() * poly;
    if x >= 0.0 { 1.0 - tail } else { tail }
}

#[test]
fn a_window_that_ends_before_it_starts_is_refused_at_from() {
    let path = root().join("tests/data/deterministic.toml");
    let text = format!(
        "{}\n[[threshold]]\nname = \"w\"\nmetric = \"market.gpu_price\"\nop = \"<=\"\nvalue = 1\nfrom = \"2027Q3\"\nby = \"2027Q1\"\n",
        read(&path)
    );
    let err = scenario::from_text(&path, &text, &[])
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("`threshold.w.from`: 2027Q3 is after `by` (2027Q1)"),
        "{err}"
    );
}

#[test]
fn probability_matches_the_lognormal_closed_form() {
    // Only the first quarter counts, so P = P(S(¼) ≤ 0.95) for the GBM.
    let extra = r#"
[[threshold]]
name = "cheap"
metric = "market.gpu_price"
op = "<="
value = 0.95
by = "2026Q1"
"#;
    let r = run(
        &with_thresholds(
            extra,
            &["simulation.paths=100000", "market.gpu_price.vol=0.35"],
        ),
        2,
    );
    let (sigma, dt) = (0.35f64, 0.25f64);
    let z = (0.95f64.ln() - (0.75f64.ln() - sigma * sigma / 2.0) * dt) / (sigma * dt.sqrt());
    let p = phi(z);
    let c = r.cell("threshold.cheap", "hit_by", 0);
    within_4se("P(S ≤ 0.95)", c.mean, p, (p * (1.0 - p) / 100_000.0).sqrt());
    assert!(
        (c.mean_se / (p * (1.0 - p) / 100_000.0).sqrt() - 1.0).abs() < 0.05,
        "reported SE {}",
        c.mean_se
    );
    // Later quarters cannot add hits after `by`.
    assert_eq!(r.cell("threshold.cheap", "hit_by", 7).mean, c.mean);
}

#[test]
fn threshold_files_are_written() {
    let dir = tempfile::tempdir().unwrap();
    let scenario = dir.path().join("with_threshold.toml");
    let text = format!(
        "{}\n[[threshold]]\nname = \"GPU index halves\"\nmetric = \"market.gpu_price\"\nop = \"<=\"\nvalue = 0.5\nby = \"2029Q4\"\n",
        portable_scenario("base.toml")
    );
    std::fs::write(&scenario, text).unwrap();
    let out = dir.path().join("out");
    let stdout = succeeds(
        Command::cargo_bin("sim")
            .unwrap()
            .arg("run")
            .arg(&scenario)
            .args(["--paths", "4096", "--out"])
            .arg(&out),
    );
    assert!(stdout.contains("P(GPU index halves"));
    let table = read(&out.join("thresholds.csv"));
    let mut lines = table.lines();
    assert_eq!(
        lines.next(),
        Some(
            "name,metric,window,op,value,from,by,probability,std_error,first_hit_p50,first_hit_p50_if_hit,never_share"
        )
    );
    // The base scenario's own thresholds come first; ours is the last row.
    let row: Vec<&str> = lines.last().unwrap().split(',').collect();
    assert_eq!(
        row[..7],
        [
            "GPU index halves",
            "market.gpu_price",
            "quarter",
            "<=",
            "0.5",
            "2026Q1",
            "2029Q4"
        ]
    );
    let (p, se, never): (f64, f64, f64) = (
        row[7].parse().unwrap(),
        row[8].parse().unwrap(),
        row[11].parse().unwrap(),
    );
    assert!(p > 0.5 && p < 1.0 && se > 0.0 && (p + never - 1.0).abs() < 1e-12);
    // Among the paths that hit, the median first hit is no later than
    // over all paths (which counts misses as after the deadline).
    assert!(!row[10].is_empty() && row[10] <= row[9], "{row:?}");
    // The base's "Required revenue covered" is met on fewer than half of
    // the paths: no overall median, but a conditional one (its only
    // quarter, 2030Q4).
    let required: Vec<&str> = table
        .lines()
        .find(|l| l.starts_with("Required revenue covered,"))
        .unwrap()
        .split(',')
        .collect();
    assert_eq!((required[9], required[10]), ("", "2030Q4"), "{required:?}");
    let timing = read(&out.join("threshold_timing.csv"));
    // Ours: 2026Q1 … 2029Q4, 16 quarters up to the deadline, after the
    // base scenario's three thresholds of 20 quarters each.
    let ours: Vec<&str> = timing
        .lines()
        .filter(|l| l.starts_with("GPU index halves,"))
        .collect();
    assert_eq!(ours.len(), 16);
    assert_eq!(timing.lines().count(), 1 + 3 * 20 + 16);
    let last: Vec<&str> = ours.last().unwrap().split(',').collect();
    assert_eq!(last[1], "2029Q4");
    assert_eq!(last[4].parse::<f64>().unwrap(), p);
}

#[test]
fn a_threshold_named_like_a_formula_is_text_in_every_csv() {
    let dir = tempfile::tempdir().unwrap();
    let evil = r#"=HYPERLINK("http://evil","x")"#;
    let text = portable_scenario("base.toml").replacen(
        "name = \"JPMorgan $650B hurdle\"",
        &format!("name = {evil:?}"),
        1,
    );
    let file = dir.path().join("s.toml");
    std::fs::write(&file, text).unwrap();
    let out = dir.path().join("out");
    succeeds(
        Command::cargo_bin("sim")
            .unwrap()
            .args(["run", file.to_str().unwrap(), "--paths", "8", "--quiet"])
            .args(["--out", out.to_str().unwrap()]),
    );
    let mut seen = 0;
    for entry in std::fs::read_dir(&out).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_none_or(|e| e != "csv") {
            continue;
        }
        let mut rows = csv::Reader::from_path(&path).unwrap();
        for row in rows.records() {
            for cell in row.unwrap().iter() {
                assert!(
                    !cell.starts_with(['=', '@'])
                        && !cell.starts_with("+H")
                        && !cell.starts_with("-H"),
                    "{}: {cell}",
                    path.display()
                );
                // At the start of a cell it is quoted; inside an entity
                // name (`threshold.=HYPERLINK…`) it starts no formula.
                if cell.contains("HYPERLINK") && !cell.starts_with("threshold.") {
                    assert_eq!(cell, format!("'{evil}"), "{}", path.display());
                    seen += 1;
                }
            }
        }
    }
    // thresholds.csv and threshold_timing.csv (one row a quarter).
    assert!(seen >= 21, "the name was written {seen} times");
}
