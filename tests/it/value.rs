//! Economic value and reported earnings (model v2, part 3): identities of
//! the fleet value, AI NPV, economic depreciation, impairment and reported
//! AI operating income on every path of the base scenario, and the
//! comparative statics of the accounting life under common random numbers;
//! the end-user revenue layer (labs plus monetised compute, Sequoia's form)
//! on every path; and on the zero-volatility fixture, the start fleet's value,
//! the AI NPV with its terminal value, economic depreciation and the book
//! by hand.

use crate::common::{BASE_COMPANIES as COMPANIES, Samples, base_samples, companies, same};

const PATHS: usize = 512;
const QUARTERS: usize = 20;
/// The base's tax rate, every company's.
const TAX: f64 = 0.18;

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

#[test]
fn zero_volatility_npv_with_terminal_value_matches_hand_arithmetic() {
    // Every volatility zero: every path is the same.
    let x = Samples::of(&companies(&[]), 2);
    let e = "hyperscaler.Big";
    // The fixture's numbers: cost of capital 10 %, obsolescence 10 %/yr,
    // compute per GW +20 %/yr, GPU index −25 %/yr, economic life 5 years,
    // opex $2B per GW-year, $40B a GW at today's prices (indices at 1),
    // 1.5 units of compute per new GW, 1M GPUs per GW, rental $2/GPU-hour.
    let (r, life, opex, cost) = (0.10, 5.0, 2.0, 40.0);
    let delta = -(0.9f64).ln();
    let fall = 1.2f64.ln() - 0.75f64.ln();
    let a = |k: f64, t: f64| (1.0 - (-k * t).exp()) / k;
    let hours = 1e6 * 8760.0 / 1e9; // billions of GPU-hours a GW-year
    // The long-run cost of compute: a new GW's cost and opex repaid over
    // its life, per unit of its compute.
    let anchor = (cost + opex * a(r + delta, life)) / a(r + delta + fall, life) / (1.5 * hours);
    let (long_run, now) = (anchor * hours, 2.0 * hours);
    // Big: 2 GW in service half-way through their life, 1 GW in the
    // pipeline at cost; its premium fades over (4 + 2 quarters of lag).
    let kappa = 1.0 / ((4.0 + 2.0) * 0.25);
    let per_unit = long_run * a(r + delta + fall, life / 2.0)
        + (now - long_run) * a(r + delta + fall + kappa, life / 2.0)
        - opex * a(r + delta, life / 2.0);
    let start_value = (2.0 * per_unit).max(0.0) + 1.0 * cost;
    // AI NPV at each quarter end: the discounted cash flows to date plus
    // the discounted value of the fleet, less what it was worth at the start.
    let mut cash = 0.0;
    for q in 0..8 {
        let disc = (-r * (q + 1) as f64 * 0.25).exp();
        cash += disc * x.get(0, e, "ai_cash_flow", q);
        let want = cash + disc * x.get(0, e, "fleet_value", q) - start_value;
        let got = x.get(0, e, "ai_npv", q);
        assert!(
            (got - want).abs() < 1e-9 * want.abs().max(1.0),
            "{q}: {got} vs {want}"
        );
        assert_eq!(got, x.get(1, e, "ai_npv", q), "paths differ at {q}");
    }
    // Economic depreciation in the first quarter: what the fleet was worth
    // at the start plus the quarter's capex, less what it is worth now.
    let g = |m: &str, q: usize| x.get(0, e, m, q);
    let economic = start_value + g("capex", 0) - g("fleet_value", 0);
    assert!(
        (g("economic_depreciation", 0) - economic).abs() < 1e-9,
        "{economic}"
    );
    // Reported: the book at the start is what a $1B-a-quarter run-off over
    // a 2-year life (8 quarters, falling linearly) has left, (8 + 1) / 2,
    // plus the pipeline at cost; it is written off from $1B in the first
    // quarter beside the new vintages.
    let book = 1.0 * (8.0 + 1.0) / 2.0 + 1.0 * cost + g("capex", 0) - g("depreciation", 0);
    assert!((g("net_book", 0) - book).abs() < 1e-9, "{book}");
    assert!(g("depreciation", 0) >= 1.0);
    // The impairment in each quarter is the book above the value.
    for q in 0..8 {
        let gap = (g("net_book", q) - g("fleet_value", q)).max(0.0);
        assert!((g("impairment", q) - gap).abs() < 1e-9, "{q}");
    }
}
