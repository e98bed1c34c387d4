//! Economic value and reported earnings (model v2, part 3): identities of
//! the fleet value, AI NPV, economic depreciation, impairment and reported
//! AI operating income on every path of the base scenario, and the
//! comparative statics of the accounting life under common random numbers.

use crate::common::{BASE_COMPANIES as COMPANIES, Samples, base_samples};

const PATHS: usize = 512;
const QUARTERS: usize = 20;

fn same(what: &str, got: f64, want: f64) {
    assert!(
        (got - want).abs() <= 1e-9 * want.abs().max(1.0),
        "{what}: {got} vs {want}"
    );
}

#[test]
fn value_identities_hold_on_every_path_of_the_base_scenario() {
    let x = base_samples(PATHS as u64, &[]);
    // The base's cost of capital (fixed): the discount factor at the end
    // of quarter q.
    let disc = |q: usize| (-0.10 * (q + 1) as f64 * 0.25).exp();
    for company in COMPANIES {
        let e = format!("hyperscaler.{company}");
        for p in 0..PATHS {
            let g = |m: &str, q: usize| x.get(p, &e, m, q);
            for q in 0..QUARTERS {
                let (value, npv) = (g("fleet_value", q), g("ai_npv", q));
                assert!(value >= 0.0, "{e} value {value} at {q}");
                same(
                    &format!("{e} impairment at {q}"),
                    g("impairment", q),
                    (g("net_book", q) - value).max(0.0),
                );
                same(
                    &format!("{e} reported AI income at {q}"),
                    g("ai_operating_income", q),
                    g("ai_revenue", q) + g("recoveries", q)
                        - g("ai_opex", q)
                        - g("depreciation", q),
                );
                assert_eq!(g("breakeven", q), if npv > 0.0 { 1.0 } else { 0.0 });
                if q == 0 {
                    continue;
                }
                // The fleet loses what it does not earn: value last quarter
                // plus capex less value now.
                same(
                    &format!("{e} economic depreciation at {q}"),
                    g("economic_depreciation", q),
                    g("fleet_value", q - 1) + g("capex", q) - value,
                );
                // The NPV moves by the quarter's discounted cash flow and
                // the change in the discounted value of the fleet.
                same(
                    &format!("{e} AI NPV at {q}"),
                    npv,
                    g("ai_npv", q - 1) + disc(q) * (g("ai_cash_flow", q) + value)
                        - disc(q - 1) * g("fleet_value", q - 1),
                );
            }
        }
    }
}

/// Every path's value of `metric` at every quarter, for company `e`.
fn all(x: &Samples, e: &str, metric: &str) -> Vec<f64> {
    (0..PATHS)
        .flat_map(|p| (0..QUARTERS).map(move |q| (p, q)))
        .map(|(p, q)| x.get(p, e, metric, q))
        .collect()
}

#[test]
fn a_longer_accounting_life_raises_reported_earnings_and_changes_nothing_economic() {
    // Microsoft's servers over 8 years instead of 6, its starting
    // depreciation scaled to match (the scenario derives it from the life).
    let base = base_samples(PATHS as u64, &[]);
    let longer = base_samples(
        PATHS as u64,
        &[
            "hyperscaler.Microsoft.useful_life_years=8",
            "hyperscaler.Microsoft.depreciation=4.2",
        ],
    );
    let e = "hyperscaler.Microsoft";
    // The start's fleet cost 5.6 × 24 = 4.2 × 32 quarters either way, so
    // tax, cash and everything economic agree to rounding.
    for metric in [
        "cash",
        "debt",
        "fleet_value",
        "ai_npv",
        "creditor_loss",
        "capex",
    ] {
        for (b, l) in all(&base, e, metric).iter().zip(all(&longer, e, metric)) {
            same(metric, l, *b);
        }
    }
    for event in ["distress_by", "default_by"] {
        assert_eq!(all(&base, e, event), all(&longer, e, event), "{event}");
    }
    for p in 0..PATHS {
        let total = |x: &Samples| -> f64 {
            (0..QUARTERS)
                .map(|q| x.get(p, e, "ai_operating_income", q))
                .sum()
        };
        let (b, l) = (total(&base), total(&longer));
        assert!(l > b, "path {p}: reported AI income {l} not above {b}");
        // New vintages depreciate more slowly from the first quarter.
        let first = |x: &Samples| x.get(p, e, "depreciation", 0);
        assert!(first(&longer) < first(&base));
        // A bigger book against the same value: impairments never shrink.
        for q in 0..QUARTERS {
            assert!(longer.get(p, e, "impairment", q) >= base.get(p, e, "impairment", q) - 1e-9);
        }
    }
}
