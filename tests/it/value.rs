//! Economic value and reported earnings (model v2, part 3): identities of
//! the fleet value, AI NPV, economic depreciation, impairment and reported
//! AI operating income on every path of the base scenario, and the
//! comparative statics of the accounting life under common random numbers;
//! the end-user revenue layer (labs plus monetised compute, Sequoia's form)
//! on every path.

use crate::common::{BASE_COMPANIES as COMPANIES, Samples, base_samples};

const PATHS: usize = 512;
const QUARTERS: usize = 20;
/// The base's tax rate, every company's.
const TAX: f64 = 0.18;

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
                // ROIC: a year of reported AI income after tax over the
                // net book (capped like every ratio).
                let book = g("net_book", q);
                if book > 1.0 {
                    same(
                        &format!("{e} AI ROIC at {q}"),
                        g("ai_roic", q),
                        (4.0 * g("ai_operating_income", q) * (1.0 - TAX) / book)
                            .clamp(-1000.0, 1000.0),
                    );
                }
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
        // A bigger book against the same value: impairments never shrink;
        // a covenant on reported earnings reads a better interest cover.
        for q in 0..QUARTERS {
            assert!(longer.get(p, e, "ebit_cover", q) >= base.get(p, e, "ebit_cover", q));
            assert!(longer.get(p, e, "impairment", q) >= base.get(p, e, "impairment", q) - 1e-9);
        }
    }
}

#[test]
fn the_end_user_layer_is_labs_plus_monetised_compute_on_every_path() {
    // Hand numbers instead of the base's: a ratio of 0.5 that doubles
    // every year, so 2027Q1 (q = 4) pays 1.0 per dollar of compute.
    let x = base_samples(
        PATHS as u64,
        &[
            "industry.end_user.services_per_compute=0.5",
            "industry.end_user.monetisation_growth=0.6931471805599453",
        ],
    );
    let i = "industry";
    for p in 0..PATHS {
        let g = |m: &str, q: usize| x.get(p, i, m, q);
        for q in 0..QUARTERS {
            let per_compute = 0.5 * (std::f64::consts::LN_2 * q as f64 / 4.0).exp();
            let services = g("rental_revenue", q) * per_compute;
            same("services", g("ai_services_revenue", q), services);
            let end_user = g("lab_revenue", q) + services;
            same("end-user revenue", g("end_user_ai_revenue", q), end_user);
            same(
                "provider share",
                g("provider_share", q),
                g("recurring_ai_revenue", q) / end_user,
            );
            same(
                "lab share",
                g("lab_share", q),
                g("lab_revenue", q) / end_user,
            );
            // Sequoia: 2 × 2 × a year of accelerator spend.
            let sequoia = 16.0 * g("supplier_revenue", q);
            same(
                "Sequoia's required revenue",
                g("sequoia_required", q),
                sequoia,
            );
            same(
                "Sequoia coverage",
                g("sequoia_coverage", q),
                (4.0 * end_user / sequoia).min(1000.0),
            );
        }
        assert!((g("ai_services_revenue", 4) - g("rental_revenue", 4)).abs() < 1e-9);
    }
}

#[test]
fn end_user_revenue_rises_with_monetisation_and_nothing_the_companies_earn_moves() {
    let base = base_samples(PATHS as u64, &[]);
    let richer = base_samples(
        PATHS as u64,
        &["industry.end_user.services_per_compute=0.6"],
    );
    let i = "industry";
    for p in 0..PATHS {
        for q in 0..QUARTERS {
            let (b, r) = (
                base.get(p, i, "end_user_ai_revenue", q),
                richer.get(p, i, "end_user_ai_revenue", q),
            );
            assert!(r >= b, "path {p} q {q}: {r} < {b}");
            for m in ["recurring_ai_revenue", "required_revenue", "capex"] {
                assert_eq!(base.get(p, i, m, q), richer.get(p, i, m, q), "{m}");
            }
        }
    }
}
