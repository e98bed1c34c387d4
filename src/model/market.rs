//! The market layer: short rate, GPU and HBM price indices, the rental price
//! of compute, market demand for compute, and the regime.
//!
//! Each quarter (DESIGN.md §4, steps 1–3): draw the correlated shocks, step
//! the regime chain, then the short rate (exact Vasicek), the GPU index
//! (exact GBM plus compound-Poisson jumps), the HBM index (exact OU in logs,
//! towards the squeeze level while a squeeze lasts) and underlying demand
//! (`Δ ln D* = growth · scale(regime) · Δt + σ√Δt z`).
//!
//! Where the scenario models capacity, the price of compute clears supply
//! and demand (`compute.rs`) and demand answers the price it has adjusted
//! to: `ln D = ln D* − elasticity · ln(P̄_{q−1} / P_start)`. Without capacity the
//! rental price is the reduced form `start × (gpu / gpu₀)^pass_through` and
//! its change enters demand the same way. Values are recorded at the end of
//! each quarter, once the price is known.

use super::{MetricId, MetricRegistry};
use crate::engine::Recorder;
use crate::model::inputs::ParamDraws;
use crate::process::DT_YEARS;
use crate::process::correlation::Correlator;
use crate::process::draws::PathRandom;
use crate::process::gbm::{GbmStep, log_drift};
use crate::process::jumps::JumpStep;
use crate::process::ou::OuStep;
use crate::process::regime::RegimeChain;
use crate::scenario::param::Sampler;
use crate::scenario::{SHOCKS, Scenario};

use super::compute::HOURS_PER_YEAR;

// Positions of the shocks in `SHOCKS` (checked by a test below).
const RATES: usize = 0;
const GPU: usize = 1;
const HBM: usize = 2;
const DEMAND: usize = 3;
/// Position of the common lab-revenue shock in `SHOCKS`.
pub const LAB_REVENUE: usize = 4;
/// Position of the common shock to hyperscalers' non-AI cash flow.
pub const CORE_OCF: usize = 5;

/// The correlated shocks of a quarter, in `SHOCKS` order.
pub type Shocks = [f64; SHOCKS.len()];

/// The market's levels at the end of a quarter, as the companies see them.
#[derive(Debug, Clone, Copy)]
pub struct Observed {
    pub gpu: f64,
    pub hbm: f64,
    /// $ per GPU-hour.
    pub rental: f64,
    /// Demand for compute at last quarter's price, GW of the installed fleet.
    pub demand_gw: f64,
    /// Demand served (all of it unless capacity rations it).
    pub served_gw: f64,
    pub gpus_per_gw: f64,
}

/// Once-per-path draws of every market parameter.
#[derive(Debug, Clone)]
struct Samplers {
    rate: [Sampler; 4],
    gpu: [Sampler; 3],
    jumps: Option<[Sampler; 3]>,
    hbm: [Sampler; 4],
    squeeze: Option<(usize, usize, Sampler)>,
    rental: [Sampler; 2],
    pass_through: Option<Sampler>,
    demand: [Sampler; 4],
    regime_scale: Vec<Sampler>,
}

#[derive(Debug, Clone)]
struct Ids {
    short_rate: MetricId,
    gpu_price: MetricId,
    gpu_jumps: MetricId,
    hbm_price: MetricId,
    rental_price: MetricId,
    demand: MetricId,
    served: MetricId,
    compute_spend: MetricId,
    regime: Vec<MetricId>,
}

/// The market layer's fixed structure (built once per run).
#[derive(Debug, Clone)]
pub struct MarketModel {
    samplers: Samplers,
    chain: RegimeChain,
    regime_start: usize,
    correlator: Correlator<{ SHOCKS.len() }>,
    ids: Ids,
}

/// A path's drawn parameters and derived step constants.
#[derive(Debug, Clone)]
pub struct MarketScratch {
    rate_step: OuStep,
    rate_mean: f64,
    gpu_step: GbmStep,
    jump: Option<JumpStep>,
    log_gpu0: f64,
    hbm_step: OuStep,
    hbm_log_mean: f64,
    hbm_log_squeeze: f64,
    squeeze: (usize, usize),
    rental_start: f64,
    /// `rental_start / gpu₀`: the rental price per unit of the GPU index at full pass-through.
    rental_per_index: f64,
    /// `None` where the price clears (capacity is modelled).
    pass_through: Option<f64>,
    /// Expected annual change of the GPU index (its drift).
    pub gpu_drift: f64,
    gpus_per_gw: f64,
    /// Quarterly log-growth of demand in each regime state.
    demand_growth_dt: Vec<f64>,
    demand_noise: f64,
    elasticity: f64,
}

/// The market's state on a path at the end of a quarter.
#[derive(Debug, Clone, Copy)]
pub struct MarketState {
    pub regime: usize,
    pub short_rate: f64,
    pub log_gpu: f64,
    pub jumps: u32,
    pub log_hbm: f64,
    /// ln D*: underlying demand, before its answer to the price.
    pub log_demand: f64,
    /// ln(P_{q−1} / P_start) where the price clears; 0 otherwise.
    pub log_price_gap: f64,
    /// The price demand has adjusted to, ln(P̄ / P_start): it moves a share
    /// of the way to each quarter's price (0 where the price does not clear).
    pub log_price_seen: f64,
}

impl MarketState {
    pub fn gpu_price(&self) -> f64 {
        self.log_gpu.exp()
    }
}

impl MarketModel {
    /// Builds the market from the scenario and registers its metrics.
    pub fn new(s: &Scenario, registry: &mut MetricRegistry) -> MarketModel {
        let m = &s.market;
        let samplers = Samplers {
            rate: [&m.rates.start, &m.rates.mean, &m.rates.speed, &m.rates.vol]
                .map(|p| p.sampler()),
            gpu: [&m.gpu_price.start, &m.gpu_price.drift, &m.gpu_price.vol].map(|p| p.sampler()),
            jumps: m
                .gpu_price
                .jumps
                .as_ref()
                .map(|j| [&j.rate, &j.mean, &j.sd].map(|p| p.sampler())),
            hbm: [
                &m.hbm_price.start,
                &m.hbm_price.mean,
                &m.hbm_price.speed,
                &m.hbm_price.vol,
            ]
            .map(|p| p.sampler()),
            squeeze: m
                .hbm_price
                .squeeze
                .as_ref()
                .map(|q| (q.from_idx, q.to_idx, q.level.sampler())),
            rental: [&m.rental_price.start, &m.rental_price.gpus_per_gw].map(|p| p.sampler()),
            pass_through: m.rental_price.pass_through.as_ref().map(|p| p.sampler()),
            demand: [
                &m.demand.start,
                &m.demand.growth,
                &m.demand.vol,
                &m.demand.price_elasticity,
            ]
            .map(|p| p.sampler()),
            regime_scale: m.demand.regime_scale.iter().map(|p| p.sampler()).collect(),
        };
        let ids = Ids {
            short_rate: registry.add("market", "short_rate"),
            gpu_price: registry.add("market", "gpu_price"),
            gpu_jumps: registry.add("market", "gpu_jumps"),
            hbm_price: registry.add("market", "hbm_price"),
            rental_price: registry.add("market", "rental_price"),
            demand: registry.add("market", "demand_gw"),
            served: registry.add("market", "served_gw"),
            compute_spend: registry.add("market", "compute_spend"),
            regime: m
                .regime
                .states
                .iter()
                .map(|state| registry.add_indicator("regime", state))
                .collect(),
        };
        MarketModel {
            samplers,
            chain: RegimeChain::new(&m.regime.transition),
            regime_start: m.regime.start,
            correlator: Correlator::new(&s.correlation.factor),
            ids,
        }
    }

    /// Working state for one chunk of paths.
    pub fn scratch(&self) -> MarketScratch {
        MarketScratch {
            rate_step: OuStep::new(0.0, 0.0, DT_YEARS),
            rate_mean: 0.0,
            gpu_step: GbmStep::new(0.0, 0.0, DT_YEARS),
            jump: None,
            log_gpu0: 0.0,
            hbm_step: OuStep::new(0.0, 0.0, DT_YEARS),
            hbm_log_mean: 0.0,
            hbm_log_squeeze: 0.0,
            squeeze: (usize::MAX, 0),
            rental_start: 0.0,
            rental_per_index: 0.0,
            pass_through: None,
            gpu_drift: 0.0,
            gpus_per_gw: 0.0,
            demand_growth_dt: vec![0.0; self.samplers.regime_scale.len()],
            demand_noise: 0.0,
            elasticity: 0.0,
        }
    }

    /// Draws the path's parameters into `scratch` and returns the start state.
    /// The order of draws is [`super::inputs::scenario_params`]'s.
    pub fn start_path(&self, scratch: &mut MarketScratch, draws: &mut ParamDraws) -> MarketState {
        let s = &self.samplers;
        let [r0, r_mean, r_speed, r_vol] = s.rate.each_ref().map(|p| draws.draw(p));
        let [g0, g_drift, g_vol] = s.gpu.each_ref().map(|p| draws.draw(p));
        let jumps = s
            .jumps
            .as_ref()
            .map(|j| j.each_ref().map(|p| draws.draw(p)));
        let [h0, h_mean, h_speed, h_vol] = s.hbm.each_ref().map(|p| draws.draw(p));
        let squeeze = s
            .squeeze
            .as_ref()
            .map(|(from, to, level)| (*from, *to, draws.draw(level)));
        let [p0, gpus_per_gw] = s.rental.each_ref().map(|p| draws.draw(p));
        let pass_through = s.pass_through.as_ref().map(|p| draws.draw(p));
        let [d0, growth, d_vol, elasticity] = s.demand.each_ref().map(|p| draws.draw(p));
        for (g, scale) in scratch.demand_growth_dt.iter_mut().zip(&s.regime_scale) {
            *g = growth * draws.draw(scale) * DT_YEARS;
        }

        scratch.rate_step = OuStep::new(r_speed, r_vol, DT_YEARS);
        scratch.rate_mean = r_mean;
        let compensator = jumps.map_or(0.0, |[rate, mean, sd]| {
            JumpStep::compensator(rate, mean, sd)
        });
        scratch.gpu_step = GbmStep::new(log_drift(g_drift) - compensator, g_vol, DT_YEARS);
        scratch.jump = jumps.map(|[rate, mean, sd]| JumpStep::new(rate, mean, sd, DT_YEARS));
        scratch.log_gpu0 = g0.ln();
        scratch.hbm_step = OuStep::new(h_speed, h_vol, DT_YEARS);
        scratch.hbm_log_mean = h_mean.ln();
        match squeeze {
            Some((from, to, level)) => {
                scratch.squeeze = (from, to);
                scratch.hbm_log_squeeze = level.ln();
            }
            None => scratch.squeeze = (usize::MAX, 0),
        }
        scratch.rental_start = p0;
        scratch.rental_per_index = p0 / g0;
        scratch.pass_through = pass_through;
        scratch.gpu_drift = g_drift;
        scratch.gpus_per_gw = gpus_per_gw;
        scratch.demand_noise = d_vol * DT_YEARS.sqrt();
        scratch.elasticity = elasticity;

        MarketState {
            regime: self.regime_start,
            short_rate: r0,
            log_gpu: g0.ln(),
            jumps: 0,
            log_hbm: h0.ln(),
            log_demand: d0.ln(),
            log_price_gap: 0.0,
            log_price_seen: 0.0,
        }
    }

    /// Advances the market by quarter `q` (0-based) and returns the
    /// quarter's correlated shocks (the other entities use theirs).
    #[inline(always)]
    pub fn step(
        &self,
        st: &mut MarketState,
        c: &MarketScratch,
        q: usize,
        random: &mut PathRandom,
    ) -> Shocks {
        // 1. Shocks: a fixed number of draws every quarter keeps antithetic
        //    partners aligned.
        let mut z = [0.0; SHOCKS.len()];
        random.normals(&mut z);
        self.correlator.apply(&mut z);
        let u_regime = random.uniform();

        // 2. Regime.
        st.regime = self.chain.step(st.regime, u_regime);

        // 3. Market.
        st.short_rate = c.rate_step.step(st.short_rate, c.rate_mean, z[RATES]);

        let mut d_log_gpu = c.gpu_step.log_increment(z[GPU]);
        st.jumps = 0;
        if let Some(jump) = &c.jump {
            let (u, zj) = (random.uniform(), random.normal());
            st.jumps = jump.count(u);
            d_log_gpu += jump.log_jump(st.jumps, zj);
        }
        st.log_gpu += d_log_gpu;

        let in_squeeze = q >= c.squeeze.0 && q <= c.squeeze.1;
        let hbm_target = if in_squeeze {
            c.hbm_log_squeeze
        } else {
            c.hbm_log_mean
        };
        st.log_hbm = c.hbm_step.step(st.log_hbm, hbm_target, z[HBM]);

        let d_log_rental = c.pass_through.map_or(0.0, |pt| pt * d_log_gpu);
        st.log_demand += c.demand_growth_dt[st.regime] - c.elasticity * d_log_rental
            + c.demand_noise * z[DEMAND];
        z
    }

    /// The rental price of compute in $ per GPU-hour, given the GPU index
    /// level `gpu` (= exp(log_gpu)). With full pass-through (the common
    /// case) it is proportional to the index and needs no second `exp`.
    #[inline]
    pub fn rental_price(&self, st: &MarketState, c: &MarketScratch, gpu: f64) -> f64 {
        match c.pass_through {
            Some(1.0) => c.rental_per_index * gpu,
            Some(pt) => c.rental_start * (pt * (st.log_gpu - c.log_gpu0)).exp(),
            // Set by the clearing step; last quarter's until then.
            None => c.rental_start * st.log_price_gap.exp(),
        }
    }

    /// The rental price at the start ($ per GPU-hour), the reference of
    /// demand's answer to the price.
    pub fn rental_start(&self, c: &MarketScratch) -> f64 {
        c.rental_start
    }

    /// The path's quarterly log-growth of underlying demand in each regime.
    pub fn demand_growth_dt<'a>(&self, c: &'a MarketScratch) -> &'a [f64] {
        &c.demand_growth_dt
    }

    /// The end-of-quarter levels.
    #[inline]
    pub fn observe(&self, st: &MarketState, c: &MarketScratch) -> Observed {
        let gpu = st.gpu_price();
        let demand_gw = (st.log_demand - c.elasticity * st.log_price_seen).exp();
        Observed {
            gpu,
            hbm: st.log_hbm.exp(),
            rental: self.rental_price(st, c, gpu),
            demand_gw,
            served_gw: demand_gw,
            gpus_per_gw: c.gpus_per_gw,
        }
    }

    /// Records the end-of-quarter values.
    #[inline]
    pub fn record<R: Recorder>(&self, st: &MarketState, x: &Observed, q: usize, rec: &mut R) {
        let ids = &self.ids;
        rec.record(ids.short_rate, q, st.short_rate);
        rec.record(ids.gpu_price, q, x.gpu);
        rec.record(ids.gpu_jumps, q, st.jumps as f64);
        rec.record(ids.hbm_price, q, x.hbm);
        rec.record(ids.rental_price, q, x.rental);
        rec.record(ids.demand, q, x.demand_gw);
        rec.record(ids.served, q, x.served_gw);
        rec.record(
            ids.compute_spend,
            q,
            x.served_gw * x.gpus_per_gw * x.rental * HOURS_PER_YEAR / 1e9,
        );
        for (i, id) in ids.regime.iter().enumerate() {
            rec.record(*id, q, if st.regime == i { 1.0 } else { 0.0 });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shock_positions_match_names() {
        assert_eq!(SHOCKS[RATES], "rates");
        assert_eq!(SHOCKS[GPU], "gpu_price");
        assert_eq!(SHOCKS[HBM], "hbm_price");
        assert_eq!(SHOCKS[DEMAND], "demand");
        assert_eq!(SHOCKS[LAB_REVENUE], "lab_revenue");
        assert_eq!(SHOCKS[CORE_OCF], "core_ocf");
    }
}
