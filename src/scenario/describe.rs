//! The resolved parameters of a scenario (and its thresholds) as (dotted
//! path, value) rows, for `sim validate` and, later, `sim explain`.

use super::{Param, Scenario};

/// Every parameter of the scenario with its dotted path, in file order.
pub fn describe(s: &Scenario) -> Vec<(String, String)> {
    let mut rows: Vec<(String, String)> = Vec::new();
    let mut p = |path: &str, v: &Param| rows.push((path.to_string(), v.to_string()));
    let m = &s.market;
    p("market.rates.start", &m.rates.start);
    p("market.rates.mean", &m.rates.mean);
    p("market.rates.speed", &m.rates.speed);
    p("market.rates.vol", &m.rates.vol);
    p("market.gpu_price.start", &m.gpu_price.start);
    p("market.gpu_price.drift", &m.gpu_price.drift);
    p("market.gpu_price.vol", &m.gpu_price.vol);
    if let Some(j) = &m.gpu_price.jumps {
        p("market.gpu_price.jumps.rate", &j.rate);
        p("market.gpu_price.jumps.mean", &j.mean);
        p("market.gpu_price.jumps.sd", &j.sd);
    }
    p("market.hbm_price.start", &m.hbm_price.start);
    p("market.hbm_price.mean", &m.hbm_price.mean);
    p("market.hbm_price.speed", &m.hbm_price.speed);
    p("market.hbm_price.vol", &m.hbm_price.vol);
    if let Some(q) = &m.hbm_price.squeeze {
        p("market.hbm_price.squeeze.level", &q.level);
    }
    p("market.rental_price.start", &m.rental_price.start);
    if let Some(pass_through) = &m.rental_price.pass_through {
        p("market.rental_price.pass_through", pass_through);
    }
    p(
        "market.rental_price.gpus_per_gw",
        &m.rental_price.gpus_per_gw,
    );
    p("market.demand.start", &m.demand.start);
    p("market.demand.growth", &m.demand.growth);
    p("market.demand.vol", &m.demand.vol);
    p("market.demand.price_elasticity", &m.demand.price_elasticity);
    for (state, scale) in m.regime.states.iter().zip(&m.demand.regime_scale) {
        p(&format!("market.demand.regime_scale.{state}"), scale);
    }
    if let Some(i) = &s.industry {
        for (key, v) in i.numbers.fields() {
            p(&format!("industry.{key}"), v);
        }
    }
    let states = &m.regime.states;
    for h in &s.hyperscalers {
        let e = format!("hyperscaler.{}", h.name);
        for (key, v) in h.numbers.fields() {
            p(&format!("{e}.{key}"), v);
        }
        for (state, v) in states.iter().zip(&h.capex_regime) {
            p(&format!("{e}.capex.regime.{state}"), v);
        }
    }
    for l in &s.labs {
        let e = format!("lab.{}", l.name);
        for (key, v) in l.numbers.fields() {
            p(&format!("{e}.{key}"), v);
        }
        for (state, v) in states.iter().zip(&l.funding_success) {
            p(&format!("{e}.funding.success.{state}"), v);
        }
        for (i, share) in &l.funders {
            let funder = &s.hyperscalers[*i].name;
            p(&format!("{e}.funding.funders.{funder}"), share);
        }
        for (state, v) in states.iter().zip(&l.recovery) {
            p(&format!("{e}.recovery.{state}"), v);
        }
    }
    let sim = &s.simulation;
    let mut out = vec![
        ("simulation.start".to_string(), sim.start.to_string()),
        (
            "simulation.quarters".to_string(),
            sim.n_quarters.to_string(),
        ),
        ("simulation.paths".to_string(), sim.n_paths.to_string()),
        ("simulation.seed".to_string(), sim.seed.to_string()),
        (
            "simulation.antithetic".to_string(),
            sim.antithetic.to_string(),
        ),
    ];
    out.append(&mut rows);
    out.push((
        "market.regime.states".to_string(),
        format!("{:?}", m.regime.states),
    ));
    out.push((
        "market.regime.start".to_string(),
        m.regime.states[m.regime.start].clone(),
    ));
    out.push((
        "market.regime.transition".to_string(),
        format!("{:?}", m.regime.transition),
    ));
    for h in &s.hyperscalers {
        out.push((
            format!("hyperscaler.{}.build_lag_quarters", h.name),
            h.build_lag.to_string(),
        ));
        out.push((
            format!("hyperscaler.{}.high_yield", h.name),
            h.high_yield.to_string(),
        ));
        out.push((
            format!("hyperscaler.{}.amortising", h.name),
            h.amortising.to_string(),
        ));
    }
    for l in &s.labs {
        out.push((
            format!("lab.{}.recovery_lag_quarters", l.name),
            l.recovery_lag.to_string(),
        ));
        out.push((
            format!("lab.{}.recovery_workout_quarters", l.name),
            l.recovery_workout.to_string(),
        ));
        out.push((
            format!("lab.{}.hazard_profile", l.name),
            format!("{:?}", l.hazard_profile),
        ));
        for c in &l.commitments {
            let key = format!(
                "lab.{}.commitment.{}",
                l.name, s.hyperscalers[c.provider].name
            );
            out.push((key, terms(s, c)));
        }
    }
    for c in &s.contracts {
        let (payer, provider) = (
            &s.hyperscalers[c.payer].name,
            &s.hyperscalers[c.terms.provider].name,
        );
        out.push((format!("contract.{payer}.{provider}"), terms(s, &c.terms)));
    }
    for t in &s.thresholds {
        let by = s.simulation.start.plus(t.by_idx as i64);
        let from = match t.from_idx {
            0 => String::new(),
            i => format!(" from {}", s.simulation.start.plus(i as i64)),
        };
        out.push((
            format!("threshold.{}", t.name),
            format!(
                "{} {} {} {}{from} by {by}",
                t.window.name(),
                t.metric,
                t.op.symbol(),
                t.value
            ),
        ));
    }
    out
}

/// A payment schedule in words.
fn terms(s: &Scenario, c: &crate::scenario::companies::Commitment) -> String {
    let start = s.simulation.start.plus(c.start_offset);
    format!(
        "{} over {} quarters from {start}, ramp {}",
        c.total, c.quarters, c.ramp_quarters
    )
}
