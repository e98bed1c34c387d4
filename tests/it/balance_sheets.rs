//! Labs, companies and industry: identities on every path, the constant-
//! hazard closed form, a zero-volatility run against hand arithmetic, and
//! contagion from a lab default.

use crate::common::{Run, Samples, companies, root, run, same, within_4se};
use sim::scenario::{self, Override};

/// The value on a deterministic run (every path identical).
fn value(r: &Run, entity: &str, metric: &str, q: usize) -> f64 {
    let c = r.cell(entity, metric, q);
    assert_eq!(
        c.min, c.max,
        "{entity}.{metric} at {q} differs between paths"
    );
    c.mean
}

/// Money agrees to the cent.
fn cents(what: &str, got: f64, want: f64) {
    assert!(
        (got - want).abs() < 0.005,
        "{what}: model {got}, hand arithmetic {want}"
    );
}

/// S&P's core-ratio table read by hand: the debt/EBITDA that sits with an
/// EBITDA/interest, linear between the bands' boundaries.
fn cover_turns(cover: f64) -> f64 {
    let pts = [(2.0, 5.0), (4.0, 4.0), (6.0, 3.0), (9.0, 2.0), (13.0, 1.5)];
    let k = pts
        .iter()
        .position(|p| cover < p.0)
        .unwrap_or(5)
        .clamp(1, 4);
    let ((c0, t0), (c1, t1)) = (pts[k - 1], pts[k]);
    (t0 + (cover - c0) * (t1 - t0) / (c1 - c0)).clamp(0.0, 1000.0)
}

#[test]
fn identities_hold_on_every_path_of_the_base_scenario() {
    let path = root().join("scenarios/base.toml");
    let s = scenario::load(&path, &[]).unwrap();
    let n = 1000;
    let x = Samples::of(&s, n as u64);
    let nq = s.simulation.n_quarters;
    assert!(x.values.iter().all(|v| v.is_finite()));
    let start = |p: &sim::scenario::Param| match p {
        sim::scenario::Param::Fixed(v) => *v,
        other => panic!("base starts from fixed balances, found {other}"),
    };
    for path in 0..n {
        for q in 0..nq {
            let mut paid_out = 0.0;
            let mut recovered_out = 0.0;
            for lab in &s.labs {
                let e = format!("lab.{}", lab.name);
                let g = |m: &str| x.get(path, &e, m, q);
                let before = if q == 0 {
                    start(&lab.numbers.cash)
                } else {
                    x.get(path, &e, "cash", q - 1)
                };
                same(
                    &format!("{e} cash at {q}"),
                    g("cash"),
                    before + g("revenue") - g("opex") - g("commitments_paid") + g("raised"),
                );
                paid_out += g("commitments_paid");
                recovered_out += g("recovery_paid");
            }
            let mut paid_in = 0.0;
            let mut recovered_in = 0.0;
            let (mut contracts_in, mut contracts_out) = (0.0, 0.0);
            for h in &s.hyperscalers {
                let e = format!("hyperscaler.{}", h.name);
                let g = |m: &str| x.get(path, &e, m, q);
                let (cash0, debt0) = if q == 0 {
                    (start(&h.numbers.cash), start(&h.numbers.debt))
                } else {
                    (
                        x.get(path, &e, "cash", q - 1),
                        x.get(path, &e, "debt", q - 1),
                    )
                };
                same(
                    &format!("{e} cash at {q}"),
                    g("cash"),
                    cash0 + g("fcf")
                        - g("interest")
                        - g("principal")
                        - g("lease_payment")
                        - g("dividends")
                        - g("buybacks")
                        + g("equity_raised")
                        + g("issuance"),
                );
                same(
                    &format!("{e} debt at {q}"),
                    g("debt"),
                    debt0 - g("principal") + g("issuance"),
                );
                same(
                    &format!("{e} AI revenue at {q}"),
                    g("ai_revenue"),
                    g("lab_revenue") + g("contract_revenue") + g("rental_revenue"),
                );
                assert!(g("capacity_gw") >= 0.0 && g("debt") >= -1e-9, "{e} at {q}");
                // The fleet's book moves by capex less depreciation.
                if q > 0 {
                    same(
                        &format!("{e} net book at {q}"),
                        g("net_book"),
                        x.get(path, &e, "net_book", q - 1) + g("capex") - g("depreciation"),
                    );
                }
                assert!(g("net_book") >= -1e-6, "{e} net book at {q}");
                // Creditors lose nothing before a default, then a fixed
                // amount, never more than the debt and leases they held.
                let loss = g("creditor_loss");
                if g("default_by") == 0.0 {
                    assert_eq!(loss, 0.0, "{e} creditor loss at {q} before default");
                } else if q > 0 && g("default") == 0.0 {
                    assert_eq!(loss, x.get(path, &e, "creditor_loss", q - 1), "{e} at {q}");
                } else if q > 0 {
                    // Defaulting now: the claims are the debt and the
                    // lease payments left (valued as last quarter).
                    let claims = g("debt") + x.get(path, &e, "lease_liability", q - 1);
                    assert!(
                        (0.0..=claims + 1e-9).contains(&loss),
                        "{e} loss {loss} at {q}"
                    );
                }
                paid_in += g("lab_revenue");
                recovered_in += g("recoveries");
                contracts_in += g("contract_revenue");
                contracts_out += g("compute_purchases");
                // Default is absorbing: no investment, borrowing or debt
                // service after it, and never negative cash without it.
                if g("default_by") == 1.0 {
                    // Capex of the default quarter was spent before it.
                    let after = g("default") == 0.0;
                    for m in [
                        "capex",
                        "issuance",
                        "interest",
                        "principal",
                        "lease_payment",
                        "dividends",
                        "buybacks",
                    ] {
                        if m != "capex" || after {
                            assert_eq!(g(m), 0.0, "{e} {m} at {q} after default");
                        }
                    }
                    assert_eq!(g("distress"), 1.0, "{e} distress at {q} after default");
                } else if g("issuance") == 0.0 && g("cash") < 0.0 {
                    panic!("{e} at {q}: negative cash without default or borrowing");
                }
            }
            // Every dollar a company pays another arrives there.
            same(
                &format!("contract payments at {q}"),
                contracts_in,
                contracts_out,
            );
            // Every dollar a lab pays arrives at a provider, and recoveries too.
            same(&format!("lab payments at {q}"), paid_in, paid_out);
            same(&format!("recoveries at {q}"), recovered_in, recovered_out);
            same(
                &format!("industry lab payments at {q}"),
                x.get(path, "industry", "lab_payments", q),
                paid_out + recovered_out,
            );
        }
    }
}

#[test]
fn constant_hazard_gives_exponential_default_times() {
    let lambda = 0.3;
    let hazard = format!("lab.Lab.hazard={lambda}");
    let s = companies(&[&hazard, "lab.Lab.cash=1000", "simulation.paths=20000"]);
    let r = run(&s, 2);
    let n = s.simulation.n_paths as f64;
    for q in 0..s.simulation.n_quarters {
        let p = 1.0 - (-lambda * 0.25 * (q + 1) as f64).exp();
        let c = r.cell("lab.Lab", "default_by", q);
        within_4se(
            &format!("P(default by quarter {q})"),
            c.mean,
            p,
            (p * (1.0 - p) / n).sqrt(),
        );
    }
}

#[test]
fn a_hazard_profile_scales_the_hazard_year_by_year() {
    // No hazard in the first year, twice the level from the second on.
    let lambda = 0.3;
    let hazard = format!("lab.Lab.hazard={lambda}");
    let s = companies(&[
        &hazard,
        "lab.Lab.hazard_profile=[0.0, 2.0]",
        "lab.Lab.cash=1000",
        "simulation.paths=20000",
    ]);
    let r = run(&s, 2);
    let n = s.simulation.n_paths as f64;
    for q in 0..s.simulation.n_quarters {
        let c = r.cell("lab.Lab", "default_by", q);
        if q < 4 {
            assert_eq!(c.mean, 0.0, "a default in the first year, quarter {q}");
            continue;
        }
        let p = 1.0 - (-2.0 * lambda * 0.25 * (q - 3) as f64).exp();
        within_4se(
            &format!("P(default by quarter {q})"),
            c.mean,
            p,
            (p * (1.0 - p) / n).sqrt(),
        );
    }
}

/// The lab's quarterly revenue and opex, by hand.
fn lab_income(q: usize) -> (f64, f64) {
    // log R grows by 0.5·Δt·e^(−t/2) per quarter, t at the quarter's start.
    let growth: f64 = (0..=q)
        .map(|k| 0.5 * 0.25 * (-(k as f64) * 0.25 / 2.0).exp())
        .sum();
    let revenue = 8.0 * growth.exp() * 0.25;
    (revenue, 0.5 * revenue)
}

/// The lab's payments due in quarter q: Big 40/8 a quarter from 2026Q1;
/// Neo 12 over 6 quarters from 2026Q2, ramping 1/3, 2/3, then 1.
fn lab_due(q: usize) -> (f64, f64) {
    let neo_weights = [1.0 / 3.0, 2.0 / 3.0, 1.0, 1.0, 1.0, 1.0];
    let sum: f64 = neo_weights.iter().sum();
    let neo = if (1..=6).contains(&q) {
        12.0 * neo_weights[q - 1] / sum
    } else {
        0.0
    };
    (5.0, neo)
}

#[test]
#[allow(clippy::needless_range_loop)] // q is a quarter, used for much more than indexing
fn zero_volatility_companies_and_lab_match_hand_arithmetic() {
    let s = companies(&[]);
    let r = run(&s, 2);
    let market = |m: &str, q: usize| value(&r, "market", m, q);

    // The lab: funding always succeeds, so it never defaults.
    let mut lab_cash = 12.0;
    let mut paid = [[0.0; 2]; 8];
    for q in 0..8 {
        let (revenue, opex) = lab_income(q);
        let (big, neo) = lab_due(q);
        let mut after = lab_cash + revenue - opex - big - neo;
        let burn = opex + big + neo - revenue;
        if after < 0.0 || (burn > 0.0 && after < 2.0 * burn) {
            after += 10.0;
        }
        lab_cash = after;
        paid[q] = [big, neo];
        cents("lab cash", value(&r, "lab.Lab", "cash", q), lab_cash);
    }

    // The companies, quarter by quarter, as src/model/hyperscalers.rs documents them.
    struct Co {
        name: &'static str,
        cash: f64,
        min_cash: f64,
        debt: f64,
        coupon_sum: f64,
        maturity: f64,
        spread: f64,
        max_leverage: f64,
        core: f64,
        core_growth: f64,
        plan: f64,
        plan_growth: f64,
        plan_decay_years: f64,
        capacity: f64,
        pipeline: f64,
        lag: usize,
        life: usize,
        legacy: f64,
        leverage: f64,
        band: f64,
        low_dscr: u32,
        cumulative_ai: f64,
        breakeven: Option<usize>,
        spent: Vec<f64>,
        ordered: Vec<f64>,
        ordered_compute: Vec<f64>,
        compute: f64,
        on_order: f64,
        last_capex: f64,
        offered: f64,
    }
    let mut cos = [
        Co {
            name: "Big",
            cash: 50.0,
            min_cash: 20.0,
            debt: 30.0,
            coupon_sum: 30.0 * 0.04,
            maturity: 5.0,
            spread: 0.01,
            max_leverage: 3.0,
            core: 10.0,
            core_growth: 0.08,
            plan: 12.0,
            plan_growth: 0.3,
            plan_decay_years: 2.0,
            capacity: 2.0,
            pipeline: 1.0,
            lag: 2,
            life: 8,
            legacy: 1.0,
            leverage: 0.0,
            band: 0.0,
            low_dscr: 0,
            cumulative_ai: 0.0,
            breakeven: None,
            spent: vec![],
            ordered: vec![],
            ordered_compute: vec![],
            compute: 2.0,
            on_order: 1.5,
            last_capex: 12.0,
            offered: 2.0,
        },
        Co {
            name: "Neo",
            cash: 3.0,
            min_cash: 2.0,
            debt: 10.0,
            coupon_sum: 10.0 * 0.09,
            maturity: 2.0,
            spread: 0.05,
            max_leverage: 6.0,
            core: 0.0,
            core_growth: 0.0,
            plan: 2.0,
            plan_growth: 0.4,
            plan_decay_years: 2.0,
            capacity: 0.5,
            pipeline: 0.0,
            lag: 3,
            life: 16,
            legacy: 0.2,
            leverage: 0.0,
            band: 0.0,
            low_dscr: 0,
            cumulative_ai: 0.0,
            breakeven: None,
            spent: vec![],
            ordered: vec![],
            ordered_compute: vec![],
            compute: 0.5,
            on_order: 0.0,
            last_capex: 2.0,
            offered: 0.5,
        },
    ];
    // The compute market of src/model/compute.rs with the fixture's
    // [industry] numbers: compute per GW 1.5 growing 20%/yr, life 5, cost of
    // capital 10%, slack exponent 2, scarcity exponent 1, premium cap 3,
    // demand response 0.5, power 10 GW/yr growing 20%, two committed
    // quarters, adjustment 0.5 over a 4-quarter gap, return sensitivity 1.
    let cost0 = 40.0 * (1.0 - 0.5 + 0.5 * (0.6 * 1.0 + 0.4 * 1.0));
    let hours = 1e6 * 8760.0 / 1e9; // GPU-hours (bn) a year per unit of compute
    let per_unit_payment = 4.0 / (2.0 * hours);
    let keep = 0.9f64.powf(0.25);
    let delta = -(0.9f64.ln());
    let fall = 1.2f64.ln() - 0.75f64.ln();
    let annuity = |k: f64| (1.0 - (-k * 5.0).exp()) / k;
    let (opex_pv, revenue_pv) = (annuity(0.1 + delta), annuity(0.1 + delta + fall));
    let (mut price_prev, mut seen) = (2.0f64, 0.0f64);
    for q in 0..8 {
        let (gpu, hbm) = (market("gpu_price", q), market("hbm_price", q));
        let unit_cost = 40.0 * (1.0 - 0.5 + 0.5 * (0.6 * gpu + 0.4 * hbm));
        let per_gw = 1.5 * 1.2f64.powf(q as f64 / 4.0);
        let anchor = (unit_cost + 2.0 * opex_pv) / revenue_pv / (per_gw * hours);
        let floor = 2.0 / (per_gw * hours);
        let demand = (2.0f64.ln() + 0.4 * 0.25 * (q + 1) as f64 - 0.5 * seen).exp();
        let power = 10.0 * 0.25 * 1.2f64.powf(q as f64 / 4.0);
        let market_offered: f64 = cos.iter().map(|c| c.offered).sum();
        let mut capex = [0.0; 2];
        for (i, c) in cos.iter_mut().enumerate() {
            // The market is open (leverage below the limit), so nothing is cut.
            assert!(c.band <= c.max_leverage);
            capex[i] = if q < 2 {
                // Committed: the plan's GW at the start's cost.
                let g: f64 = (0..=q)
                    .map(|k| c.plan_growth * 0.25 * (-(k as f64) * 0.25 / c.plan_decay_years).exp())
                    .sum();
                c.plan * g.exp() * unit_cost / cost0
            } else {
                let arrival = (q + c.lag).min(7);
                let backlog = [lab_due(arrival).0, lab_due(arrival).1][i] * per_unit_payment;
                let share = c.offered / market_offered;
                let expected = demand * (0.4 * 0.25 * c.lag as f64).exp();
                let desired = price_prev / anchor * share * expected + backlog;
                let have = (c.compute + c.on_order) * keep.powi(c.lag as i32);
                let orders = ((desired - have) / 4.0 + c.compute * (1.0 - keep)).max(0.0);
                let target = orders / per_gw * unit_cost;
                c.last_capex + 0.5 * (target - c.last_capex)
            };
        }
        if q >= 2 {
            let wanted = (capex[0] + capex[1]) / unit_cost;
            if wanted > power {
                capex = capex.map(|x| x * power / wanted);
            }
        }
        for (i, c) in cos.iter_mut().enumerate() {
            c.last_capex = capex[i];
            c.spent.push(capex[i]);
            c.ordered.push(capex[i] / unit_cost);
            c.ordered_compute.push(capex[i] / unit_cost * per_gw);
            c.on_order += c.ordered_compute[q];
            let (arriving, arriving_compute) = if q >= c.lag {
                (c.ordered[q - c.lag], c.ordered_compute[q - c.lag])
            } else {
                (c.pipeline / c.lag as f64, c.pipeline / c.lag as f64 * 1.5)
            };
            c.on_order -= arriving_compute;
            c.capacity = c.capacity * keep + arriving;
            c.compute = c.compute * keep + arriving_compute;
            c.offered = (c.compute - paid[q][i] * per_unit_payment).max(0.0);
        }
        let supply = cos[0].offered + cos[1].offered;
        let x = demand / supply;
        let price = if x <= 1.0 {
            floor + (anchor - floor) * x * x
        } else {
            anchor * x.min(3.0)
        };
        let utilisation = demand.min(supply) / supply;
        cents(&format!("demand at {q}"), market("demand_gw", q), demand);
        cents(&format!("price at {q}"), market("rental_price", q), price);
        cents(
            &format!("long-run cost at {q}"),
            value(&r, "industry", "long_run_cost", q),
            anchor,
        );
        price_prev = price;
        seen += 0.5 * ((price / 2.0).ln() - seen);
        let revenue_per_unit = price * hours;
        for (i, c) in cos.iter_mut().enumerate() {
            let e = format!("hyperscaler.{}", c.name);
            let rental = revenue_per_unit * utilisation * c.offered * 0.25;
            let ai_revenue = paid[q][i] + rental;
            let ai_opex = 2.0 * c.capacity * 0.25;
            let core = c.core * (c.core_growth * 0.25 * (q + 1) as f64).exp();
            let ebitda = core + ai_revenue - ai_opex;
            // Vintages in service: the pipeline (at the start cost) for the
            // first `lag` quarters, then capex `lag` quarters old.
            let in_service = |k: usize| {
                if k < c.lag {
                    c.pipeline / c.lag as f64 * cost0
                } else {
                    c.spent[k - c.lag]
                }
            };
            let first = (q + 1).saturating_sub(c.life);
            let new_dep: f64 = (first..=q).map(|k| in_service(k) / c.life as f64).sum();
            let legacy = c.legacy * (1.0 - q as f64 / c.life as f64).max(0.0);
            let depreciation = legacy + new_dep;
            // Tax writes everything off over the fixture's 5-year tax life
            // (20 quarters), whatever the accounting life.
            let tax_first = (q + 1).saturating_sub(20);
            let legacy_cost = c.legacy * c.life as f64;
            let tax_depreciation = legacy_cost / 20.0 * (1.0 - q as f64 / 20.0).max(0.0)
                + (tax_first..=q).map(|k| in_service(k) / 20.0).sum::<f64>();
            let interest = c.coupon_sum * 0.25;
            let principal = c.debt / (4.0 * c.maturity);
            let taxes = 0.2 * (ebitda - tax_depreciation - interest).max(0.0);
            let fcf = ebitda - taxes - capex[i];
            let before = c.cash + fcf - interest - principal;
            let rate = market("short_rate", q)
                + c.spread
                + 0.01 * (c.band - 1.0).clamp(0.0, c.max_leverage - 1.0);
            let issuance = (c.min_cash - before).max(0.0);
            c.coupon_sum = c.coupon_sum * (1.0 - principal / c.debt) + issuance * rate;
            c.debt += issuance - principal;
            c.cash = before + issuance;
            let dscr = ((ebitda - taxes) / (interest + principal)).min(1000.0);
            c.leverage = (c.debt - c.cash) / (4.0 * ebitda);
            let cover = if interest > 0.0 {
                ebitda / interest
            } else {
                1000.0
            };
            c.band = c.leverage.max(cover_turns(cover));
            c.low_dscr = if dscr < 1.0 { c.low_dscr + 1 } else { 0 };
            c.cumulative_ai += ai_revenue - ai_opex - capex[i];
            if c.breakeven.is_none() && c.cumulative_ai > 0.0 {
                c.breakeven = Some(q);
            }
            let v = |m: &str| value(&r, &e, m, q);
            cents(&format!("{e} capex at {q}"), v("capex"), capex[i]);
            cents(
                &format!("{e} capacity at {q}"),
                v("capacity_gw"),
                c.capacity,
            );
            cents(&format!("{e} compute at {q}"), v("compute"), c.compute);
            cents(&format!("{e} rental at {q}"), v("rental_revenue"), rental);
            cents(
                &format!("{e} depreciation at {q}"),
                v("depreciation"),
                depreciation,
            );
            cents(&format!("{e} interest at {q}"), v("interest"), interest);
            cents(&format!("{e} taxes at {q}"), v("taxes"), taxes);
            cents(&format!("{e} issuance at {q}"), v("issuance"), issuance);
            cents(&format!("{e} cash at {q}"), v("cash"), c.cash);
            cents(&format!("{e} debt at {q}"), v("debt"), c.debt);
            cents(
                &format!("{e} rating band at {q}"),
                v("rating_turns"),
                c.band,
            );
            assert!(
                (v("dscr") - dscr).abs() < 1e-9 * dscr.abs().max(1.0),
                "{e} DSCR at {q}: {} vs {dscr}",
                v("dscr")
            );
            assert!((v("new_debt_rate") - rate).abs() < 1e-12, "{e} rate at {q}");
            let distress = c.low_dscr >= 2 || c.cash < 0.0;
            assert_eq!(v("distress") == 1.0, distress, "{e} distress at {q}");
            assert_eq!(
                v("payback_by") == 1.0,
                c.breakeven.is_some(),
                "{e} break-even by {q}"
            );
        }
    }
}

/// With no growth (revenue 2 a quarter, opex 1) and no funding, cash falls
/// by opex + payments − revenue every quarter; the lab defaults in the first
/// quarter its cash after paying would be negative.
fn hand_default_quarter(mut cash: f64) -> Option<usize> {
    for q in 0..8 {
        let (big, neo) = lab_due(q);
        let after = cash + 2.0 - 1.0 - big - neo;
        if after < 0.0 {
            return Some(q);
        }
        cash = after;
    }
    None
}

#[test]
fn a_failed_raise_with_no_cash_defaults_in_the_hand_computed_quarter_with_contagion() {
    let s = companies(&[
        "lab.Lab.cash=3",
        "lab.Lab.funding.success.boom=0",
        "lab.Lab.revenue.growth=0",
    ]);
    let r = run(&s, 2);
    let d = hand_default_quarter(3.0).expect("the fixture defaults");
    assert_eq!(d, 0, "3 + 2 − 1 − 5 < 0: the lab defaults at once");
    for q in 0..8 {
        let by = value(&r, "lab.Lab", "default_by", q);
        assert_eq!(by, if q >= d { 1.0 } else { 0.0 }, "default by {q}");
        // Contagion: the regime moves to bust in the default quarter and
        // spreads widen by the lab's 2 points from then on.
        assert_eq!(
            value(&r, "regime", "bust", q),
            if q >= d { 1.0 } else { 0.0 }
        );
        let widening = if q >= d { 0.02 } else { 0.0 };
        assert_eq!(value(&r, "industry", "contagion_spread", q), widening);
        let band = if q == 0 {
            0.0
        } else {
            let g = |m: &str| value(&r, "hyperscaler.Big", m, q - 1);
            g("net_leverage").max(cover_turns(g("interest_cover")))
        };
        let rate = value(&r, "market", "short_rate", q)
            + 0.01
            + 0.01 * (band - 1.0).clamp(0.0, 2.0)
            + if q >= d { 0.02 + widening } else { 0.0 };
        let got = value(&r, "hyperscaler.Big", "new_debt_rate", q);
        assert!(
            (got - rate).abs() < 1e-12,
            "Big's new-debt rate at {q}: {got} vs {rate}"
        );
        // Payments stop. Defaulting in the first quarter, when the last
        // price is the contracts' own, the freed compute re-lets at the
        // contract price: no damages, so no recovery.
        assert_eq!(value(&r, "hyperscaler.Big", "lab_revenue", q), 0.0);
        assert_eq!(value(&r, "hyperscaler.Big", "recoveries", q), 0.0);
        assert_eq!(value(&r, "hyperscaler.Neo", "recoveries", q), 0.0);
    }
    // In bust the high-yield Neo loses market access.
    assert_eq!(value(&r, "hyperscaler.Neo", "issuance", 1), 0.0);
}

#[test]
fn a_default_later_in_the_horizon_cuts_the_provider_revenue_in_that_quarter() {
    // With more cash the lab pays for a while; by hand it runs out when the
    // cumulative shortfall of 4 a quarter (plus Neo's payments) exceeds 10.
    let s = companies(&[
        "lab.Lab.cash=10",
        "lab.Lab.funding.success.boom=0",
        "lab.Lab.revenue.growth=0",
    ]);
    let r = run(&s, 2);
    let d = hand_default_quarter(10.0).expect("the fixture defaults");
    assert!(d > 0);
    for q in 0..8 {
        let revenue = value(&r, "hyperscaler.Big", "lab_revenue", q);
        assert_eq!(
            revenue,
            if q < d { 5.0 } else { 0.0 },
            "Big's lab revenue at {q}"
        );
        assert_eq!(
            value(&r, "regime", "bust", q),
            if q >= d { 1.0 } else { 0.0 }
        );
        assert_eq!(
            value(&r, "lab.Lab", "default", q),
            if q == d { 1.0 } else { 0.0 }
        );
    }
    // The claim: Big's lost payments over the capped window (the greater of
    // a year or 15% of the 8 − d quarters left, at most 12, within the term)
    // net of re-letting the compute at the last price, 50% recovered (boom
    // at the default) in two equal parts two and three quarters later.
    let window = (((8 - d) as f64 * 0.15).ceil() as usize)
        .clamp(4, 12)
        .min(8 - d);
    let lost = 5.0 * window as f64;
    let ratio = value(&r, "market", "rental_price", d - 1) / 2.0;
    assert!(ratio < 1.0, "the price fell below the contracts' by then");
    let part = 0.5 * lost * (1.0 - ratio) / 2.0;
    for q in 0..8 {
        let want = if q == d + 2 || q == d + 3 { part } else { 0.0 };
        cents(
            &format!("Big's recovery at {q}"),
            value(&r, "hyperscaler.Big", "recoveries", q),
            want,
        );
    }
    // Far below what was still owed (5 a quarter for 8 − d quarters).
    assert!(2.0 * part < 0.5 * 5.0 * (8 - d) as f64);
}

#[test]
fn a_refinancing_wall_without_market_access_defaults_in_the_hand_computed_quarter() {
    // Neo's 10 of bonds mature as a ladder over 8 quarters (1.25 a quarter);
    // the regime is frozen in bust, so the high-yield Neo never has market
    // access: it must pay each maturity from cash.
    let s = companies(&[
        "market.regime.start=\"bust\"",
        "hyperscaler.Neo.amortising=false",
        "hyperscaler.Neo.maturity_years=1",
    ]);
    let r = run(&s, 2);
    let e = "hyperscaler.Neo";
    let v = |m: &str, q: usize| value(&r, e, m, q);
    let (mut cash, mut debt, mut coupon_sum) = (3.0, 10.0, 10.0 * 0.09);
    let mut defaulted = None;
    for q in 0..8 {
        assert_eq!(v("issuance", q), 0.0, "no access in bust");
        let accrued = coupon_sum * 0.25;
        let maturing = 1.25f64.min(debt);
        let after = cash + v("fcf", q) - accrued - maturing - v("lease_payment", q);
        if defaulted.is_none() && after < 0.0 {
            defaulted = Some(q);
        }
        if defaulted.is_some() {
            // Nothing is paid on the debt from the default on.
            assert_eq!(v("interest", q), 0.0);
            assert_eq!(v("principal", q), 0.0);
            cash += v("fcf", q);
        } else {
            cents(
                &format!("Neo's principal at {q}"),
                v("principal", q),
                maturing,
            );
            cents(&format!("Neo's interest at {q}"), v("interest", q), accrued);
            coupon_sum *= 1.0 - maturing / debt;
            debt -= maturing;
            cash = after;
        }
        cents(&format!("Neo's cash at {q}"), v("cash", q), cash);
        cents(&format!("Neo's debt at {q}"), v("debt", q), debt);
        let by = defaulted.is_some_and(|d| q >= d);
        assert_eq!(v("default_by", q) == 1.0, by, "Neo default by {q}");
    }
    let d = defaulted.expect("the wall is too high for Neo's cash");
    // Creditors hold the debt left; they get the cash the quarter leaves
    // (none: that is why Neo defaulted) and 40% of the fleet's value.
    let before = value(&r, e, "cash", d - 1) + v("fcf", d);
    let debt_left = v("debt", d);
    let want = (debt_left - before.max(0.0) - 0.4 * v("fleet_value", d)).max(0.0);
    cents("Neo's creditors' loss", v("creditor_loss", d), want);
    assert!(
        want > 0.0,
        "the fixture's default should cost its creditors"
    );
    for q in d..8 {
        assert_eq!(v("creditor_loss", q), v("creditor_loss", d));
    }
    // Defaulted, Neo builds nothing more.
    for q in d + 1..8 {
        assert_eq!(v("capex", q), 0.0, "Neo capex at {q}");
    }
}

#[test]
fn a_lab_cannot_raise_the_share_of_a_round_its_distressed_funder_would_have_put_in() {
    // The fixture's lab raised wholly from Neo (share 1); in bust the
    // high-yield Neo loses access and hits its refinancing wall, so from the
    // quarter after its distress every raise the lab attempts fails, though
    // rounds otherwise always succeed.
    let path = root().join("tests/data/companies.toml");
    let text = std::fs::read_to_string(&path).unwrap().replacen(
        "success = { boom = 1.0, digestion = 1.0, bust = 1.0 } }",
        "success = { boom = 1.0, digestion = 1.0, bust = 1.0 }, funders = { Neo = 1.0 } }",
        1,
    );
    let overrides: Vec<Override> = [
        "market.regime.start=\"bust\"",
        "hyperscaler.Neo.amortising=false",
        "hyperscaler.Neo.maturity_years=1",
        "lab.Lab.cash=1",
    ]
    .iter()
    .map(|s| s.parse().unwrap())
    .collect();
    let s = scenario::from_text(&path, &text, &overrides).unwrap_or_else(|e| panic!("{e}"));
    let r = run(&s, 2);
    let (mut tried_after_distress, mut before) = (0, 0);
    for q in 1..8 {
        let distressed = value(&r, "hyperscaler.Neo", "distress", q - 1) == 1.0;
        let raised = value(&r, "lab.Lab", "raised", q);
        let failed = value(&r, "lab.Lab", "funding_failed", q) == 1.0;
        let alive = value(&r, "lab.Lab", "default_by", q - 1) == 0.0;
        if distressed && alive && (raised > 0.0 || failed) {
            tried_after_distress += 1;
            assert!(
                failed && raised == 0.0,
                "quarter {q}: raised {raised} from a distressed funder"
            );
        }
        if !distressed && failed {
            before += 1;
        }
    }
    assert!(
        tried_after_distress > 0,
        "the lab tried to raise while Neo was in distress"
    );
    assert_eq!(before, 0, "rounds always close while the funder stands");
}
