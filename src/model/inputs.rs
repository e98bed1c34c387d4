//! A path's parameter draws, and the uncertain ones as `input` metrics.
//!
//! Every scenario parameter is drawn once per path, in a fixed order:
//! market, industry, companies, labs, contracts, thresholds ([`ParamDraws`]
//! logs each value as it is drawn). [`scenario_params`] lists the same
//! parameters in the same order with their key paths. Those the scenario
//! gives as a distribution are the run's *uncertain inputs*: [`Inputs`]
//! records each as entity `input`, metric = its key path (for example
//! `input` / `industry.price.slack_exponent`), with the path's drawn value
//! in every quarter. So `paths.csv` shows what each path drew, and the
//! sensitivity statistics rank these inputs.

use super::metrics::{MetricId, MetricRegistry};
use crate::engine::Recorder;
use crate::engine::seeding::parameter_random;
use crate::process::draws::ParamStreams;
use crate::scenario::Scenario;
use crate::scenario::param::{Param, Sampler};

/// The entity uncertain inputs are recorded under.
pub const INPUT_ENTITY: &str = "input";

/// Draws a path's parameters and logs each value. Each parameter draws
/// from its own stream (by its place in the draw order), so a parameter
/// pinned to a number leaves every other draw unchanged: runs that differ
/// only in a pinned parameter keep common random numbers.
pub struct ParamDraws<'a> {
    streams: ParamStreams,
    log: &'a mut Vec<f64>,
}

impl<'a> ParamDraws<'a> {
    /// Starts a path's draws from its parameter stream; `log` is emptied.
    pub fn new(streams: ParamStreams, log: &'a mut Vec<f64>) -> ParamDraws<'a> {
        log.clear();
        ParamDraws { streams, log }
    }

    /// Draws one parameter (a fixed one consumes no randomness).
    #[inline]
    pub fn draw(&mut self, sampler: &Sampler) -> f64 {
        let v = match sampler {
            Sampler::Fixed(v) => *v,
            _ => {
                let index = self.log.len() as u64;
                sampler.draw(&mut parameter_random(self.streams.base_of(index), index))
            }
        };
        self.log.push(v);
        v
    }
}

/// Every parameter the model draws on a path, in draw order, with its key
/// path (`market.demand.growth`, `hyperscaler.Oracle.capex.growth`,
/// `lab.OpenAI.funding.success.bust`, `lab.OpenAI.commitment.2.total`,
/// `contract.1.total`, `threshold.JPMorgan.value`).
pub fn scenario_params(s: &Scenario) -> Vec<(String, &Param)> {
    let mut out: Vec<(String, &Param)> = Vec::new();
    let mut add = |key: String, p| out.push((key, p));
    let m = &s.market;
    let states = &m.regime.states;
    for (k, p) in [
        ("rates.start", &m.rates.start),
        ("rates.mean", &m.rates.mean),
        ("rates.speed", &m.rates.speed),
        ("rates.vol", &m.rates.vol),
        ("gpu_price.start", &m.gpu_price.start),
        ("gpu_price.drift", &m.gpu_price.drift),
        ("gpu_price.vol", &m.gpu_price.vol),
    ] {
        add(format!("market.{k}"), p);
    }
    if let Some(j) = &m.gpu_price.jumps {
        for (k, p) in [("rate", &j.rate), ("mean", &j.mean), ("sd", &j.sd)] {
            add(format!("market.gpu_price.jumps.{k}"), p);
        }
    }
    let h = &m.hbm_price;
    for (k, p) in [
        ("start", &h.start),
        ("mean", &h.mean),
        ("speed", &h.speed),
        ("vol", &h.vol),
    ] {
        add(format!("market.hbm_price.{k}"), p);
    }
    if let Some(q) = &h.squeeze {
        add("market.hbm_price.squeeze.level".into(), &q.level);
    }
    add("market.rental_price.start".into(), &m.rental_price.start);
    add(
        "market.rental_price.gpus_per_gw".into(),
        &m.rental_price.gpus_per_gw,
    );
    if let Some(p) = &m.rental_price.pass_through {
        add("market.rental_price.pass_through".into(), p);
    }
    let d = &m.demand;
    for (k, p) in [
        ("start", &d.start),
        ("growth", &d.growth),
        ("vol", &d.vol),
        ("price_elasticity", &d.price_elasticity),
    ] {
        add(format!("market.demand.{k}"), p);
    }
    for (state, p) in states.iter().zip(&d.regime_scale) {
        add(format!("market.demand.regime_scale.{state}"), p);
    }
    // Industry and companies are drawn only when both are present.
    if let Some(industry) = s.industry.as_ref().filter(|_| !s.hyperscalers.is_empty()) {
        for (k, p) in industry.numbers.fields() {
            add(format!("industry.{k}"), p);
        }
        for c in &s.hyperscalers {
            for (k, p) in c.numbers.fields() {
                add(format!("hyperscaler.{}.{k}", c.name), p);
            }
            for (state, p) in states.iter().zip(&c.capex_regime) {
                add(format!("hyperscaler.{}.capex.regime.{state}", c.name), p);
            }
        }
    }
    for lab in &s.labs {
        let at = |k: &str| format!("lab.{}.{k}", lab.name);
        for (k, p) in lab.numbers.fields() {
            add(at(k), p);
        }
        for (state, p) in states.iter().zip(&lab.funding_success) {
            add(at(&format!("funding.success.{state}")), p);
        }
        for (provider, p) in &lab.funders {
            let name = &s.hyperscalers[*provider].name;
            add(at(&format!("funding.funders.{name}")), p);
        }
        for (state, p) in states.iter().zip(&lab.recovery) {
            add(at(&format!("recovery.{state}")), p);
        }
        for (k, c) in lab.commitments.iter().enumerate() {
            add(at(&format!("commitment.{}.total", k + 1)), &c.total);
        }
    }
    for (k, c) in s.contracts.iter().enumerate() {
        add(format!("contract.{}.total", k + 1), &c.terms.total);
    }
    for t in &s.thresholds {
        add(format!("threshold.{}.value", t.name), &t.value);
    }
    out
}

/// The uncertain inputs: where each sits in the draw log, and its metric.
#[derive(Debug, Clone, Default)]
pub struct Inputs {
    slots: Vec<(usize, MetricId)>,
    /// Draws per path (checked in debug builds).
    n_draws: usize,
}

impl Inputs {
    /// Registers an `input` metric for every parameter `s` gives as a
    /// distribution, in draw order, with the parameter's unit.
    pub fn new(s: &Scenario, registry: &mut MetricRegistry) -> Inputs {
        let params = scenario_params(s);
        let slots = params
            .iter()
            .enumerate()
            .filter(|(_, (_, p))| !p.is_fixed())
            .map(|(at, (key, _))| {
                let id = registry.add(INPUT_ENTITY, key);
                registry.set_unit(id, crate::scenario::explain::param_unit(s, key));
                (at, id)
            })
            .collect();
        Inputs {
            slots,
            n_draws: params.len(),
        }
    }

    /// Records the path's drawn inputs (`log`, in draw order) in quarter `q`.
    #[inline]
    pub fn record<R: Recorder>(&self, log: &[f64], q: usize, rec: &mut R) {
        debug_assert_eq!(log.len(), self.n_draws, "draw log out of step");
        for &(at, id) in &self.slots {
            rec.record(id, q, log[at]);
        }
    }

    /// Draws per path, for sizing the log.
    pub fn n_draws(&self) -> usize {
        self.n_draws
    }
}
