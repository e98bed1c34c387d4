//! The published arithmetic, reproduced to the dollar by
//! `scenarios/back_of_envelope.toml`, which also has no randomness left.

use crate::common::{read, root, run};
use sim::scenario::{self, Hurdle, Scenario};

fn back_of_envelope() -> Scenario {
    let path = root().join("scenarios/back_of_envelope.toml");
    scenario::from_text(&path, &read(&path), &[]).unwrap_or_else(|e| panic!("{e}"))
}

fn hurdle<'a>(s: &'a Scenario, prefix: &str) -> &'a Hurdle {
    s.hurdles
        .iter()
        .find(|h| h.name.starts_with(prefix))
        .unwrap_or_else(|| panic!("no hurdle {prefix}"))
}

/// The factors as written, the product to the dollar ($B, so ±5e-10), and
/// the published figure.
fn reproduces(h: &Hurdle, factors: &[f64], published: f64) {
    assert_eq!(h.factors, factors, "{}", h.name);
    assert_eq!(h.published, published, "{}", h.name);
    assert!(
        (h.computed() - published).abs() <= 5e-10,
        "{}: {} ≠ {published}",
        h.name,
        h.computed()
    );
    assert!(h.reproduced());
}

#[test]
fn sequoia_600_is_150_times_2_times_2() {
    let s = back_of_envelope();
    reproduces(hurdle(&s, "Sequoia"), &[150.0, 2.0, 2.0], 600.0);
}

#[test]
fn jpmorgan_650_is_10_percent_of_6500_and_13_percent_of_5000() {
    let s = back_of_envelope();
    reproduces(hurdle(&s, "JPMorgan: 10%"), &[6500.0, 0.10], 650.0);
    reproduces(hurdle(&s, "JPMorgan: 13%"), &[5000.0, 0.13], 650.0);
}

#[test]
fn forty_gw_thirty_gw_of_it_load_435_a_year() {
    let s = back_of_envelope();
    reproduces(hurdle(&s, "$1T"), &[1000.0, 0.04], 40.0);
    let h = hurdle(&s, "40 GW");
    reproduces(h, &[40.0, 0.75, 14.5], 435.0);
    assert_eq!(h.factors[0] * h.factors[1], 30.0, "30 GW of IT load");
}

#[test]
fn no_warnings_and_every_hurdle_reproduced() {
    let s = back_of_envelope();
    assert_eq!(s.hurdles.len(), 5);
    assert!(
        s.provenance.warnings.is_empty(),
        "{:?}",
        s.provenance.warnings
    );
}

#[test]
fn a_hurdle_that_does_not_multiply_out_is_a_warning() {
    let path = root().join("scenarios/back_of_envelope.toml");
    let set: Vec<_> = ["hurdle.Sequoia: AI's $600B question.factors=[150, 2, 2.5]"]
        .iter()
        .map(|s| s.parse().unwrap())
        .collect();
    let s = scenario::from_text(&path, &read(&path), &set).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(s.provenance.warnings.len(), 1);
    let w = s.provenance.warnings[0].to_string();
    assert!(w.contains("multiply to 750, not the published 600"), "{w}");
}

#[test]
fn back_of_envelope_has_no_randomness_left() {
    let mut s = back_of_envelope();
    s.simulation.n_paths = 64;
    let r = run(&s, 2);
    for (i, c) in r.result.cells.iter().enumerate() {
        assert_eq!(c.std, 0.0, "cell {i} varies across paths");
    }
}
