//! The economy, one quarter at a time.
//!
//! `Economy` is built from a validated `Scenario` and implements the engine's
//! [`PathModel`]: given a path's random inputs it steps every entity through
//! the quarters in the order DESIGN.md §4 fixes, and records each metric.
//! Entities register their metrics with [`MetricRegistry`]; the engine and
//! the outputs learn the names from it, so a new kind of company adds a
//! module here and touches nothing else. The model knows nothing of files,
//! threads or how statistics are kept.

mod compute;
mod contracts;
mod credit;
mod hyperscalers;
mod industry;
pub mod inputs;
mod labs;
pub mod market;
mod metrics;
pub mod thresholds;
mod units;
mod value;

use crate::engine::{PathModel, Recorder};
use crate::process::draws::PathRandom;
use crate::scenario::companies::IndustryNumbers;
use crate::scenario::param::Sampler;
use crate::scenario::{BUST, Scenario};
pub use credit::RATIO_CAP;
use hyperscalers::{Conditions, Hyperscalers};
use inputs::{Inputs, ParamDraws};
use labs::Labs;
use market::{CORE_OCF, LAB_REVENUE};
pub use metrics::{EventIds, MetricId, MetricName, MetricRegistry, revenue_layer};
pub use thresholds::{ThresholdIds, UnknownMetric};
use value::Earnings;

/// The industry figures a sweep reports at the horizon (p05, p50, p95),
/// as `entity.metric`: the boom's size, what it earns, what it needs to
/// earn, and the stress it causes.
pub const KEY_METRICS: &[&str] = &[
    "industry.capex",
    "industry.cumulative_capex",
    "industry.recurring_ai_revenue",
    "industry.end_user_ai_revenue",
    "industry.required_revenue",
    "industry.revenue_coverage",
    "industry.lab_payments",
    "industry.utilisation",
    "industry.contagion_spread",
];

/// Everything simulated on a path.
#[derive(Debug, Clone)]
pub struct Economy {
    n_quarters: usize,
    metrics: Vec<MetricName>,
    events: Vec<EventIds>,
    market: market::MarketModel,
    /// The industry's constants and totals; present with hyperscalers.
    industry: Option<(IndustryNumbers<Sampler>, industry::Industry)>,
    hyperscalers: Hyperscalers,
    labs: Labs,
    contracts: contracts::Contracts,
    /// Index of the bust regime state, if the scenario has one.
    bust: Option<usize>,
    thresholds: thresholds::Thresholds,
    /// The parameters drawn from distributions, recorded as `input` metrics.
    inputs: Inputs,
}

impl Economy {
    /// Builds the model from a validated scenario. Fails only when a
    /// threshold names a metric that no entity records.
    pub fn new(scenario: &Scenario) -> Result<Economy, UnknownMetric> {
        let mut registry = MetricRegistry::default();
        let nq = scenario.simulation.n_quarters;
        let market = market::MarketModel::new(scenario, &mut registry);
        let labs = Labs::new(
            &scenario.labs,
            scenario.hyperscalers.len(),
            nq,
            &mut registry,
        );
        let hyperscalers = Hyperscalers::new(&scenario.hyperscalers, nq, &mut registry);
        let industry = match &scenario.industry {
            Some(i) if !hyperscalers.is_empty() => Some((
                i.numbers.map(|p| p.sampler()),
                industry::Industry::new(&mut registry),
            )),
            _ => None,
        };
        let inputs = Inputs::new(scenario, &mut registry);
        // Thresholds come last: they may watch any metric registered above.
        let thresholds = thresholds::Thresholds::new(&scenario.thresholds, &mut registry)?;
        let (metrics, events) = registry.into_parts();
        Ok(Economy {
            n_quarters: nq,
            metrics,
            events,
            market,
            industry,
            hyperscalers,
            labs,
            contracts: contracts::Contracts::new(&scenario.contracts, nq),
            bust: scenario.market.regime.states.iter().position(|s| s == BUST),
            thresholds,
            inputs,
        })
    }

    /// The ids each threshold records under, in scenario order.
    pub fn threshold_ids(&self) -> Vec<ThresholdIds> {
        self.thresholds.ids()
    }

    /// Every entity's events, in registration (output) order.
    pub fn events(&self) -> &[EventIds] {
        &self.events
    }

    /// Each hyperscaler's break-even event and cumulative AI cash flow metric.
    pub fn breakevens(&self) -> Vec<hyperscalers::BreakevenIds> {
        self.hyperscalers.breakeven_ids()
    }

    /// Steps every entity through quarter `q` and records its metrics, in
    /// the order of DESIGN.md §4: shocks, regime and market; labs (whose
    /// default may move the regime to bust this quarter); companies;
    /// industry.
    #[inline(always)]
    fn quarter<R: Recorder>(
        &self,
        state: &mut market::MarketState,
        s: &mut Entities,
        q: usize,
        random: &mut PathRandom,
        rec: &mut R,
    ) {
        let z = self.market.step(state, &s.market, q, random);
        let flows = &mut s.flows;
        self.labs.step(
            &mut s.labs,
            flows,
            state.regime,
            z[LAB_REVENUE],
            state.log_price_gap.exp(),
            &s.distressed,
            q,
            random,
            rec,
        );
        if flows.force_bust
            && let Some(bust) = self.bust
        {
            state.regime = bust;
        }
        let mut observed = self.market.observe(state, &s.market);
        let Some((_, industry)) = &self.industry else {
            self.market.record(state, &observed, q, rec);
            return;
        };
        let ind = &s.industry;
        let cp = &s.compute;
        let unit_cost = Conditions::unit_cost(ind, observed.gpu, observed.hbm);
        let (anchor, floor) = cp.anchor_and_floor(ind, unit_cost, q);
        let defaulted = |i: usize| Hyperscalers::defaulted(&s.companies, i);
        self.contracts.pay(
            &s.contract_due,
            defaulted,
            q,
            &mut s.contract_in,
            &mut s.contract_out,
        );
        for i in 0..s.backlog.len() {
            let arrival = q + self.hyperscalers.build_lag(i);
            let contracted = self.labs.scheduled(&s.labs, i, arrival)
                + self
                    .contracts
                    .scheduled_net(&s.contract_due, defaulted, i, arrival);
            s.backlog[i] = contracted * s.gw_per_payment;
            s.occupied[i] =
                (flows.paid[i] + s.contract_in[i] - s.contract_out[i]) * s.gw_per_payment;
        }
        let mut cond = Conditions {
            bust: Some(state.regime) == self.bust,
            regime: state.regime,
            short_rate: state.short_rate,
            unit_cost,
            unit_cost_start: s.unit_cost_start,
            compute_per_gw: cp.per_gw[q],
            revenue_per_unit: 0.0,
            demand_gw: observed.demand_gw,
            // `observed.rental` is still last quarter's cleared price.
            return_signal: (observed.rental / anchor).powf(ind.return_sensitivity),
            committed: q < cp.committed,
            power_gw: cp.power[q],
            keep: cp.keep,
            value: cp.value,
            value_at: cp.value_at[q],
            long_run_revenue: cp.revenue_per_unit(anchor),
            z_core: z[CORE_OCF],
            contagion_spread: flows.contagion_spread,
        };
        let (offered, power_bound) =
            self.hyperscalers
                .invest(&mut s.companies, ind, &cond, &s.occupied, &s.backlog, q);
        // Clear: the price from tightness, demand rationed to what is offered.
        let demand = observed.demand_gw;
        let tightness = if offered > 0.0 {
            demand / offered
        } else if demand > 0.0 {
            f64::INFINITY
        } else {
            1.0
        };
        let price = compute::clearing_price(anchor, floor, tightness, ind);
        let served = demand.min(offered);
        let utilisation = if offered > 0.0 { served / offered } else { 0.0 };
        state.log_price_gap = (price / self.market.rental_start(&s.market)).ln();
        state.log_price_seen += ind.demand_response * (state.log_price_gap - state.log_price_seen);
        observed.rental = price;
        observed.served_gw = served;
        self.market.record(state, &observed, q, rec);
        cond.revenue_per_unit = cp.revenue_per_unit(price);
        let totals = self.hyperscalers.operate(
            &mut s.companies,
            ind,
            &cond,
            utilisation,
            &flows.paid,
            (&s.contract_in, &s.contract_out),
            &flows.recovered,
            q,
            rec,
        );
        Hyperscalers::distressed(&s.companies, &mut s.distressed);
        let recoveries = flows.recovered.iter().sum::<f64>();
        let lab_payments = flows.paid.iter().sum::<f64>() + recoveries;
        let x = industry::Quarter {
            totals,
            lab_revenue: flows.revenue,
            lab_payments,
            recoveries,
            gpu: observed.gpu,
            hbm: observed.hbm,
            contagion_spread: flows.contagion_spread,
            long_run_cost: anchor,
            tightness,
            power_bound,
        };
        industry.record(ind, &x, &mut s.cumulative_capex, q, rec);
    }
}

/// Per-path working state, allocated once per chunk and reused.
#[derive(Debug, Clone)]
pub struct Scratch {
    entities: Entities,
    thresholds: thresholds::ThresholdScratch,
    /// The path's parameter draws, in draw order.
    drawn: Vec<f64>,
}

/// The entities' per-path state.
#[derive(Debug, Clone)]
struct Entities {
    market: market::MarketScratch,
    labs: Vec<labs::LabPath>,
    flows: labs::LabFlows,
    companies: Vec<hyperscalers::CompanyPath>,
    industry: IndustryNumbers<f64>,
    compute: compute::ComputePath,
    /// Compute each company's contracts take when its orders arrive.
    backlog: Vec<f64>,
    /// Compute each company's contracts take this quarter.
    occupied: Vec<f64>,
    /// Each company's distress at the end of the last quarter.
    distressed: Vec<bool>,
    /// Contracts between companies: schedules, and this quarter's payments
    /// received and made by each company.
    contract_due: Vec<f64>,
    contract_in: Vec<f64>,
    contract_out: Vec<f64>,
    unit_cost_start: f64,
    cumulative_capex: f64,
    gw_per_payment: f64,
}

impl PathModel for Economy {
    type Scratch = Scratch;

    fn metrics(&self) -> &[MetricName] {
        &self.metrics
    }

    fn n_quarters(&self) -> usize {
        self.n_quarters
    }

    fn scratch(&self) -> Scratch {
        Scratch {
            entities: Entities {
                market: self.market.scratch(),
                labs: self.labs.scratch(),
                flows: self.labs.flows(),
                companies: self.hyperscalers.scratch(),
                industry: IndustryNumbers::default(),
                compute: compute::ComputePath::default(),
                backlog: vec![0.0; self.hyperscalers.len()],
                occupied: vec![0.0; self.hyperscalers.len()],
                distressed: vec![false; self.hyperscalers.len()],
                contract_due: self.contracts.scratch(),
                contract_in: vec![0.0; self.hyperscalers.len()],
                contract_out: vec![0.0; self.hyperscalers.len()],
                unit_cost_start: 0.0,
                cumulative_capex: 0.0,
                gw_per_payment: 0.0,
            },
            thresholds: self.thresholds.scratch(),
            drawn: Vec::with_capacity(self.inputs.n_draws()),
        }
    }

    fn simulate<R: Recorder>(&self, scratch: &mut Scratch, random: &mut PathRandom, rec: &mut R) {
        let s = &mut scratch.entities;
        let mut draws = ParamDraws::new(random.param_streams(), &mut scratch.drawn);
        let mut market = self.market.start_path(&mut s.market, &mut draws);
        // Parameter draws in a fixed order: market, industry, companies,
        // labs, contracts, thresholds.
        if let Some((samplers, _)) = &self.industry {
            s.industry = samplers.map(|p| draws.draw(p));
            let start = self.market.observe(&market, &s.market);
            let gpu_drift = s.market.gpu_drift;
            s.compute
                .start(&s.industry, gpu_drift, start.gpus_per_gw, self.n_quarters);
            let cost0 = Conditions::unit_cost(&s.industry, start.gpu, start.hbm);
            s.unit_cost_start = cost0;
            let (anchor0, _) = s.compute.anchor_and_floor(&s.industry, cost0, 0);
            let start_earnings = Earnings {
                long_run: s.compute.revenue_per_unit(anchor0),
                now: s.compute.revenue_per_unit(start.rental),
                opex_per_gw: s.industry.opex_per_gw,
            };
            self.hyperscalers.start_path(
                &mut s.companies,
                cost0,
                &s.compute,
                s.industry.gap_quarters,
                start_earnings,
                self.market.demand_growth_dt(&s.market),
                &mut draws,
            );
            s.gw_per_payment = 4.0 / s.compute.revenue_per_unit(start.rental);
        }
        s.cumulative_capex = 0.0;
        s.distressed.fill(false);
        self.labs.start_path(&mut s.labs, &mut s.flows, &mut draws);
        self.contracts.start_path(&mut s.contract_due, &mut draws);
        let thresholds = &mut scratch.thresholds;
        self.thresholds.start_path(thresholds, &mut draws);
        for q in 0..self.n_quarters {
            self.quarter(&mut market, s, q, random, rec);
            self.inputs.record(&scratch.drawn, q, rec);
            // Reads the quarter's watched metrics back from the recorder.
            self.thresholds.step(thresholds, q, rec);
        }
    }
}
