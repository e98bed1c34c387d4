//! Uncertain inputs: every parameter drawn on a path is logged in the
//! order `scenario_params` names them, and those given as distributions
//! are recorded as `input` metrics with the path's drawn value.

use crate::common::{Samples, read, root};
use sim::model::inputs::{INPUT_ENTITY, scenario_params};
use sim::scenario::{self, Override, Param};

/// Each addressable parameter of the base scenario becomes a narrow uniform
/// just below its own value; each recorded input must then lie in its own
/// range. A draw log out of step with the key list would record a
/// neighbour's value, outside the range.
#[test]
fn every_input_records_its_own_draw() {
    let path = root().join("scenarios/base.toml");
    let text = read(&path);
    let plain = scenario::from_text(&path, &text, &[]).unwrap();
    let mut sets = vec!["simulation.paths=64".to_string()];
    let mut ranges = Vec::new();
    for (key, p) in scenario_params(&plain) {
        // Commitments, contracts and thresholds are not addressed by key.
        let addressable = !key.contains(".commitment.")
            && !key.starts_with("contract.")
            && !key.starts_with("threshold.");
        let v = p.mean();
        if !addressable || v == 0.0 || !matches!(p, Param::Fixed(_)) {
            continue;
        }
        let (lo, hi) = (v - v.abs() * 1e-7, v);
        sets.push(format!(
            "{key}={{ dist = \"uniform\", min = {lo:e}, max = {hi:e} }}"
        ));
        ranges.push((key, lo, hi));
    }
    assert!(ranges.len() > 150, "{} parameters", ranges.len());
    let overrides: Vec<Override> = sets.iter().map(|s| s.parse().unwrap()).collect();
    let s = scenario::from_text(&path, &text, &overrides).unwrap_or_else(|e| panic!("{e}"));
    let samples = Samples::of(&s, 64);
    for (key, lo, hi) in ranges {
        for path in 0..64 {
            for q in [0, 19] {
                let x = samples.get(path, INPUT_ENTITY, &key, q);
                assert!(x >= lo && x <= hi, "{key}: drew {x}, outside [{lo}, {hi}]");
            }
        }
    }
}
