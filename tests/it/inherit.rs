//! Scenario inheritance (`extends`): the shipped variants are short files
//! that resolve to base except the keys they set; errors point at the file
//! and line that set the value; cycles and missing parents are errors.

use crate::common::{read, root};
use assert_cmd::Command;
use std::collections::BTreeMap;

fn sim() -> Command {
    let mut cmd = Command::cargo_bin("sim").unwrap();
    cmd.current_dir(root()).env_remove("RUST_BACKTRACE");
    cmd
}

/// `sim explain --format csv` as path → (the row without `set_in`, `set_in`).
fn explain(scenario: &str) -> BTreeMap<String, (String, String)> {
    let out = sim()
        .args(["explain", scenario, "--format", "csv"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{scenario}");
    let mut r = csv::Reader::from_reader(out.stdout.as_slice());
    let header = r.headers().unwrap().clone();
    let set_in = header.iter().position(|h| h == "set_in").unwrap();
    r.records()
        .map(|rec| {
            let rec = rec.unwrap();
            let row: Vec<&str> = (0..rec.len())
                .filter(|&i| i != set_in)
                .map(|i| &rec[i])
                .collect();
            (rec[0].to_string(), (row.join("|"), rec[set_in].to_string()))
        })
        .collect()
}

#[test]
fn shipped_variants_extend_base_and_differ_only_where_they_say() {
    let base = explain("scenarios/base.toml");
    let base_lines = read(&root().join("scenarios/base.toml")).lines().count();
    for variant in [
        "bubble_burst",
        "hbm_squeeze",
        "jevons_boom",
        "openai_default",
        "rates_higher_for_longer",
        "back_of_envelope",
    ] {
        let file = format!("scenarios/{variant}.toml");
        let text = read(&root().join(&file));
        assert!(text.contains("\nextends = \"base.toml\"\n"), "{file}");
        assert!(text.lines().count() < base_lines / 2, "{file} is not short");
        let rows = explain(&file);
        let mut differ = 0;
        for (path, (row, set_in)) in &rows {
            let own = set_in.starts_with(&file);
            match base.get(path) {
                // Not set by the variant: exactly base's value and source.
                Some((b, _)) if !own => assert_eq!(row, b, "{file}: {path} drifted from base"),
                Some((b, _)) => differ += (row != b) as usize,
                None => assert!(own, "{file}: {path} is neither base's nor the variant's"),
            }
        }
        assert!(differ > 0, "{file} changes nothing");
    }
}

#[test]
fn a_child_changes_only_its_keys_and_says_where_each_came_from() {
    let parent = explain("tests/data/companies.toml");
    let child = explain("tests/data/inherit/child.toml");
    let changed: Vec<&String> = child
        .iter()
        .filter(|(p, (row, _))| parent.get(*p).map(|(r, _)| r) != Some(row))
        .map(|(p, _)| p)
        .collect();
    assert_eq!(changed, ["hyperscaler.Neo.cash", "market.regime.start"]);
    assert_eq!(
        child["hyperscaler.Neo.cash"].1,
        "tests/data/inherit/child.toml:9"
    );
    assert!(
        child["hyperscaler.Big.cash"]
            .1
            .ends_with("companies.toml:92")
    );
    // The resolved document: the parent with the child merged in.
    let out = sim()
        .args(["validate", "tests/data/inherit/child.toml", "--resolved"])
        .output()
        .unwrap();
    let resolved = String::from_utf8(out.stdout).unwrap();
    let doc: toml_edit::DocumentMut = resolved.parse().unwrap();
    assert!(doc.get("extends").is_none());
    assert_eq!(doc["market"]["regime"]["start"].as_str(), Some("bust"));
    let plain = sim()
        .args(["validate", "tests/data/inherit/child.toml"])
        .output()
        .unwrap();
    let plain = String::from_utf8(plain.stdout).unwrap();
    assert!(
        plain.contains(
            "resolved from tests/data/inherit/../companies.toml ← tests/data/inherit/child.toml"
        ),
        "{plain}"
    );
}

#[test]
fn errors_point_at_the_file_and_line_that_set_the_value() {
    let fails = |file: &str, expected: &str| {
        for cmd in ["validate", "run"] {
            let scenario = format!("tests/data/inherit/{file}.toml");
            let mut args = vec![cmd, scenario.as_str()];
            if cmd == "run" {
                args.extend(["--paths", "2", "--out", "/nonexistent/never"]);
            }
            let out = sim().args(&args).output().unwrap();
            let stderr = String::from_utf8(out.stderr).unwrap();
            assert_eq!(out.status.code(), Some(1), "{file} {cmd}: {stderr}");
            assert!(
                stderr.contains(expected),
                "{file} {cmd}: {expected} not in\n{stderr}"
            );
            assert!(!stderr.contains("panicked"));
        }
    };
    // Set in the grandchild, two files down the chain.
    fails(
        "grandchild_bad",
        "tests/data/inherit/grandchild_bad.toml:5:8: `hyperscaler.Big.cash`",
    );
    // Set in the parent, which the child does not touch.
    fails(
        "bad_parent",
        "tests/data/inherit/../bad/negative_cash.toml:92:8: `hyperscaler.Big.cash`",
    );
    fails(
        "cycle_a",
        "scenarios extend each other in a cycle: cycle_a.toml → cycle_b.toml → cycle_a.toml",
    );
    fails(
        "missing_parent",
        "missing_parent.toml:1:11: `extends`: cannot read the parent scenario",
    );
}
