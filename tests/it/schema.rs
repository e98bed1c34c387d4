//! The scenario's JSON Schema: the shipped file is what `sim schema`
//! prints, every shipped scenario and fixture validates against it, and it
//! catches a misspelt key and a wrong type.

use crate::common::{read, root, succeeds};
use assert_cmd::Command;

fn schema() -> jsonschema::Validator {
    let text = read(&root().join("docs/scenario.schema.json"));
    let schema: serde_json::Value = serde_json::from_str(&text).unwrap();
    jsonschema::validator_for(&schema).unwrap()
}

fn as_json(toml_text: &str) -> serde_json::Value {
    let table: toml::Table = toml::from_str(toml_text).unwrap();
    serde_json::to_value(table).unwrap()
}

#[test]
fn the_shipped_schema_is_what_sim_schema_prints() {
    let printed = succeeds(Command::cargo_bin("sim").unwrap().arg("schema"));
    assert_eq!(
        printed,
        read(&root().join("docs/scenario.schema.json")),
        "docs/scenario.schema.json is stale: run `sim schema > docs/scenario.schema.json`"
    );
}

#[test]
fn every_shipped_scenario_and_fixture_validates_and_typos_do_not() {
    let v = schema();
    let mut files: Vec<_> = ["scenarios", "tests/data", "tests/data/inherit"]
        .iter()
        .flat_map(|d| std::fs::read_dir(root().join(d)).unwrap())
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
        .collect();
    files.sort();
    assert!(files.len() >= 13, "{files:?}");
    for file in &files {
        let text = read(file);
        let errors: Vec<String> = v
            .iter_errors(&as_json(&text))
            .map(|e| format!("{e} at {}", e.instance_path()))
            .collect();
        assert!(errors.is_empty(), "{}: {errors:?}", file.display());
    }
    for file in files
        .iter()
        .filter(|f| f.starts_with(root().join("scenarios")))
    {
        let first = read(file).lines().next().unwrap().to_string();
        assert_eq!(
            first,
            "#:schema ../docs/scenario.schema.json",
            "{}",
            file.display()
        );
    }
    let base = read(&root().join("scenarios/base.toml"));
    for (from, to) in [
        ("[market.gpu_price]", "[market.gpu_prices]"),
        ("drift = ", "drfit = "),
        (
            "quarters = { value = 20,",
            "quarters = { value = \"twenty\",",
        ),
        ("cash = { value = 89.5, fact", "cash = { value = 89.5, fakt"),
    ] {
        assert!(base.contains(from), "{from}");
        let bad = as_json(&base.replacen(from, to, 1));
        assert!(!v.is_valid(&bad), "{to} passed the schema");
    }
}
