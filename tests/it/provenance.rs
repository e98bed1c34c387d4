//! Provenance: every shipped number cites a fact, a derivation or an
//! assumption; every cited fact exists and has a source URL and a date;
//! `sim validate` fails on an unknown fact id and warns on a mismatch;
//! `sim explain` prints each value's source.

use crate::common::{portable_scenario, read, root, succeeds};
use assert_cmd::Command;
use sim::scenario::{self, explain, facts::FactTable};

const SHIPPED: [&str; 7] = [
    "base.toml",
    "openai_default.toml",
    "bubble_burst.toml",
    "jevons_boom.toml",
    "hbm_squeeze.toml",
    "rates_higher_for_longer.toml",
    "back_of_envelope.toml",
];

#[test]
fn every_scenario_in_the_folder_is_tested() {
    let mut found: Vec<String> = std::fs::read_dir(root().join("scenarios"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".toml"))
        .collect();
    found.sort();
    let mut shipped: Vec<String> = SHIPPED.iter().map(|s| s.to_string()).collect();
    shipped.sort();
    assert_eq!(found, shipped);
}

#[test]
fn every_number_in_every_shipped_scenario_cites_a_source() {
    for name in SHIPPED {
        let path = root().join("scenarios").join(name);
        let s =
            scenario::from_text(&path, &read(&path), &[]).unwrap_or_else(|e| panic!("{name}: {e}"));
        let bare = explain::unsourced(&s);
        assert!(
            bare.is_empty(),
            "{name}: numbers without a source: {bare:?}"
        );
        assert!(
            s.provenance.warnings.is_empty(),
            "{name}: {:?}",
            s.provenance.warnings
        );
        // The walk sees the numbers: the base has hundreds, all sourced.
        let numeric = s.provenance.leaves.iter().filter(|l| l.numeric).count();
        assert!(numeric > 200, "{name}: only {numeric} numbers found");
    }
}

#[test]
fn the_fact_table_loads_and_every_row_has_a_url_and_a_date() {
    let t = FactTable::load(&root().join("seeds/facts.csv")).unwrap_or_else(|e| panic!("{e:?}"));
    assert!(t.len() > 100);
    for f in t.iter() {
        assert!(f.source_url.starts_with("http"), "{}", f.id);
        assert!(!f.as_of.is_empty(), "{}", f.id);
        assert!(f.problems().is_empty(), "{}: {:?}", f.id, f.problems());
    }
}

fn sim() -> Command {
    let mut c = Command::cargo_bin("sim").unwrap();
    c.current_dir(root());
    c
}

#[test]
fn an_unknown_fact_id_is_an_error_with_a_suggestion() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("s.toml");
    let text = portable_scenario("base.toml").replacen(
        "cash = { value = 89.5, fact = \"msft.cash.2025-12\" }",
        "cash = { value = 89.5, fact = \"msft.cash.2025-13\" }",
        1,
    );
    std::fs::write(&file, text).unwrap();
    let out = sim().arg("validate").arg(&file).output().unwrap();
    let err = String::from_utf8(out.stderr).unwrap();
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(
        err.contains(
            "`hyperscaler.Microsoft.cash`: cites fact `msft.cash.2025-13`, which is not in"
        ),
        "{err}"
    );
    assert!(err.contains("did you mean `msft.cash.2025-12`?"), "{err}");
    assert!(
        err.contains("cash = { value = 89.5, fact = \"msft.cash.2025-13\" }"),
        "{err}"
    );
}

#[test]
fn a_value_that_differs_from_its_fact_is_a_warning_and_strict_fails() {
    let set = "--set=hyperscaler.Microsoft.cash.value=90";
    let out = sim()
        .args(["validate", "scenarios/base.toml", set])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(
        err.contains("warning: scenarios/base.toml:")
            && err.contains(
                "the value 90 differs from fact `msft.cash.2025-12` (89.5 $B, 2025-12-31)"
            ),
        "{err}"
    );
    let out = sim()
        .args(["validate", "--strict", "scenarios/base.toml", set])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
}

#[test]
fn strict_validation_fails_on_a_bare_number() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("s.toml");
    let text = portable_scenario("base.toml").replacen(
        "cash = { value = 89.5, fact = \"msft.cash.2025-12\" }",
        "cash = 89.5",
        1,
    );
    std::fs::write(&file, text).unwrap();
    sim().arg("validate").arg(&file).assert().success();
    let out = sim()
        .args(["validate", "--strict"])
        .arg(&file)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(
        err.contains("1 number(s) citing no source\n  ")
            && err.contains("s.toml:142:8: `hyperscaler.Microsoft.cash`"),
        "{err}"
    );
}

#[test]
fn explain_prints_value_unit_and_source() {
    let text = succeeds(sim().args(["explain", "scenarios/base.toml"]));
    for expected in [
        "hyperscaler.Microsoft.cash = 89.5  [$B]\n    fact msft.cash.2025-12 = 89.5 $B (Microsoft cash and short-term investments, 2025-12-31) [P]\n         Microsoft balance sheet (StockAnalysis): https://stockanalysis.com/",
        "market.rates.speed = 0.5  [per year (reversion speed)]\n    assumption: half-life",
        "hyperscaler.Microsoft.depreciation = 5.6  [$B/quarter]\n    derived: capacity × 45 / useful life / 4 per quarter\n      from capex.per_gw = 45 $B/GW",
        "lab.OpenAI.commitment.Oracle.total = 300.0  [$B]\n    fact openai.commit.oracle",
        // Each hurdle says which revenue layer it tests.
        "threshold.JPMorgan $650B hurdle.metric = \"industry.end_user_ai_revenue\"\n    tests the end-user layer:",
        "threshold.Sequoia's question answered.metric = \"industry.sequoia_coverage\"\n    tests the end-user layer:",
        "threshold.Required revenue covered.metric = \"industry.revenue_coverage\"\n    tests the provider layer:",
        // A range, shown as written (without the comma its lifted citation left).
        "industry.price.slack_exponent = { dist = \"pert\", min = 2.0, mode = 3.0, max = 4.0 }  [exponent]\n    assumption: price falls slowly",
    ] {
        assert!(
            text.contains(expected),
            "missing:\n{expected}\n--- in ---\n{text}"
        );
    }
    let set = succeeds(sim().args([
        "explain",
        "scenarios/base.toml",
        "--set",
        "market.gpu_price.vol=0.4",
    ]));
    assert!(
        set.contains(
            "market.gpu_price.vol = 0.4  [per year (volatility)]\n    set on the command line"
        ),
        "{set}"
    );
}

#[test]
fn explain_csv_has_one_row_per_value() {
    let csv = succeeds(sim().args(["explain", "scenarios/base.toml", "--format", "csv"]));
    let mut lines = csv.lines();
    assert_eq!(
        lines.next(),
        Some("path,value,unit,source,fact_ids,fact_values,as_of,source_url,reason,set_in,note")
    );
    let rows: Vec<&str> = lines.collect();
    assert!(
        rows.iter().any(|r| r.starts_with(
            "hyperscaler.Microsoft.cash,89.5,$B,fact,msft.cash.2025-12,89.5,2025-12-31,https://"
        )),
        "{csv}"
    );
    assert!(rows.len() > 250);
}

#[test]
fn init_writes_a_scenario_and_its_facts_that_validate_strictly() {
    let dir = tempfile::tempdir().unwrap();
    let bin = || {
        let mut c = Command::cargo_bin("sim").unwrap();
        c.current_dir(dir.path());
        c
    };
    bin().args(["init", "mine"]).assert().success();
    assert_eq!(
        read(&dir.path().join("facts.csv")),
        read(&root().join("seeds/facts.csv"))
    );
    bin()
        .args(["validate", "--strict", "mine.toml"])
        .assert()
        .success();
}

#[test]
fn a_scenario_copied_away_from_its_fact_table_runs_with_a_warning_and_strict_fails() {
    let dir = tempfile::tempdir().unwrap();
    for name in ["base.toml", "openai_default.toml"] {
        std::fs::copy(root().join("scenarios").join(name), dir.path().join(name)).unwrap();
    }
    let variant = dir.path().join("openai_default.toml");
    let out = dir.path().join("out");
    let run = sim()
        .args(["run", variant.to_str().unwrap(), "--paths", "8", "--quiet"])
        .args(["--out", out.to_str().unwrap()])
        .output()
        .unwrap();
    let stderr = String::from_utf8(run.stderr).unwrap();
    assert_eq!(run.status.code(), Some(0), "{stderr}");
    assert!(out.join("summary.csv").exists());
    assert!(
        stderr.contains("base.toml:17:9: `facts`: fact table ")
            && stderr.contains("seeds/facts.csv not found: the scenario runs"),
        "{stderr}"
    );
    // Explain still says which fact each value cites.
    let explained = succeeds(sim().args(["explain", variant.to_str().unwrap()]));
    assert!(
        explained.contains(
            "industry.cost_per_gw = 45.0  [$B per GW]\n    fact capex.per_gw (not checked"
        ),
        "{explained}"
    );
    let strict = sim()
        .args(["validate", "--strict", variant.to_str().unwrap()])
        .output()
        .unwrap();
    let stderr = String::from_utf8(strict.stderr).unwrap();
    assert_eq!(strict.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("--strict: 1 warning(s) and 0 number(s) citing no source"),
        "{stderr}"
    );

    // No `facts` key at all: one warning, not one error per citation.
    let bare = dir.path().join("bare.toml");
    let text =
        read(&root().join("scenarios/base.toml")).replacen("facts = \"../seeds/facts.csv\"", "", 1);
    std::fs::write(&bare, text).unwrap();
    let v = sim()
        .args(["validate", bare.to_str().unwrap()])
        .output()
        .unwrap();
    let stderr = String::from_utf8(v.stderr).unwrap();
    assert_eq!(v.status.code(), Some(0), "{stderr}");
    assert_eq!(stderr.matches("warning:").count(), 1, "{stderr}");
    assert!(
        stderr.contains("but the scenario names no fact table"),
        "{stderr}"
    );
}
