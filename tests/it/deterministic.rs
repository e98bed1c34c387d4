//! Zero volatility: every path is identical and equals hand arithmetic.

use crate::common::{fixture, run};

fn close(what: &str, got: f64, want: f64) {
    assert!(
        (got - want).abs() <= 1e-12 * want.abs().max(1.0),
        "{what}: got {got}, hand arithmetic {want}"
    );
}

#[test]
fn zero_volatility_matches_hand_arithmetic() {
    // Pass-through 1 takes the model's no-`exp` shortcut for the rental price.
    for (regime, pass_through) in [("boom", 0.8), ("bust", 0.8), ("boom", 1.0)] {
        let start = format!("market.regime.start=\"{regime}\"");
        let pt = format!("market.rental_price.pass_through={pass_through}");
        let s = fixture(&[&start, &pt]);
        let r = run(&s, 2);
        let scale = if regime == "boom" { 1.0 } else { -1.0 };
        let (dt, theta, r0, kappa) = (0.25f64, 0.03, 0.04, 0.5);
        let mut log_hbm = 0.0f64;
        let mut log_demand = 10.0f64.ln();
        for q in 0..8 {
            let t = (q + 1) as f64 * dt;
            let rate = theta + (r0 - theta) * (-kappa * t).exp();
            let gpu = 0.75f64.powf(t);
            let target = if (1..=2).contains(&q) {
                1.5f64.ln()
            } else {
                0.8f64.ln()
            };
            log_hbm = target + (log_hbm - target) * (-dt).exp();
            let rental = 2.0 * gpu.powf(pass_through);
            log_demand += 0.4 * scale * dt - 1.5 * pass_through * 0.75f64.ln() * dt;
            let demand = log_demand.exp();
            let spend = demand * 1e6 * rental * 8760.0 / 1e9;
            for (metric, want) in [
                ("short_rate", rate),
                ("gpu_price", gpu),
                ("gpu_jumps", 0.0),
                ("hbm_price", log_hbm.exp()),
                ("rental_price", rental),
                ("demand_gw", demand),
                ("compute_spend", spend),
            ] {
                let c = r.cell("market", metric, q);
                close(&format!("{regime} {metric} q{q}"), c.mean, want);
                assert_eq!(c.std, 0.0, "{metric} q{q} std");
                assert_eq!(c.min, c.max, "{metric} q{q}: paths differ");
                assert!(
                    c.quantiles.is_some_and(|q| q.iter().all(|x| *x == c.min)),
                    "{metric} q{q}: quantiles {:?}",
                    c.quantiles
                );
            }
            assert_eq!(r.cell("regime", regime, q).mean, 1.0);
        }
    }
}

#[test]
fn uncertain_parameter_is_drawn_once_per_path() {
    // A uniform starting rate with no speed and no vol stays put on each
    // path, so every quarter shows the same spread of drawn values.
    let s = fixture(&[
        "market.rates.start={ dist = \"uniform\", min = 0.01, max = 0.05 }",
        "market.rates.speed=0",
        "simulation.paths=20000",
    ]);
    let r = run(&s, 2);
    let first = r.cell("market", "short_rate", 0);
    let last = r.cell("market", "short_rate", 7);
    assert_eq!(first, last);
    let sd = 0.04 / 12f64.sqrt();
    crate::common::within_4se(
        "uniform start mean",
        first.mean,
        0.03,
        sd / (20000f64).sqrt(),
    );
    assert!(first.min >= 0.01 && first.max < 0.05);
}
