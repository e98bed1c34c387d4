//! Hyperscalers and neoclouds: capex, capacity, AI revenue, the income
//! statement, debt service, issuance, distress and AI break-even
//! (DESIGN.md §4, step 5).
//!
//! A quarter runs in two passes because the price of compute depends on the
//! whole market's capacity. Pass 1 (`invest`), per company: market access
//! (closed when the rating band of `credit.rs` is above `max_leverage`, or for high-yield
//! issuers in bust), then capex by the rule below; capex buys GW at the
//! unit cost of the quarter, arriving `build_lag` quarters later with the
//! compute per GW of the quarter it was ordered in (`compute.rs`);
//! capacity and compute decay with obsolescence; the labs' contracts occupy
//! `4 × payments / (rental revenue of a unit of compute a year at the start)`
//! of the compute and the rest is offered to the market.
//!
//! Capex rule (model v2). For the first `committed_quarters` capex is
//! committed: the plan (`capex.start`, `growth`, `decay_years`) in GW at the
//! start's unit cost, so its dollars move with component prices. After it:
//!
//! ```text
//! desired  = confidence(regime) · (P_{q−1} / anchor_q)^θ · share · D_q · e^(g(regime) · lag)
//!            + contracted compute due at q + lag
//! have     = (compute + compute on order) · keep^lag
//! target   = max(0, (desired − have) / gap_quarters + compute · (1 − keep)) / e_q · K_q
//! capex_q  = capex_{q−1} + adjustment · (target − capex_{q−1})
//! ```
//!
//! `share` is the company's share of last quarter's compute offered to the
//! market, `g(regime)` the demand growth the regime leads it to expect, `θ`
//! `return_sensitivity` (a price above the long-run cost means new capacity
//! earns more than the cost of capital). Orders after the committed quarters
//! share the grid's power budget: when the industry's GW ordered in a
//! quarter would exceed it, every company's discretionary orders are scaled
//! down in proportion. Without cash above `min_cash` and without market
//! access, capex is cut to `maintenance` × its level (committed or not) and
//! `capex_cut` records it. Pass 2, per company, with the cleared price `P`
//! and utilisation `u = served demand / compute offered`:
//!
//! ```text
//! AI revenue    = lab payments + recoveries + P × GPUs/GW × hours × u × offered compute × Δt
//! EBITDA        = core OCF + AI revenue − opex_per_gw × capacity × Δt
//! interest      = Σ debt × coupon × Δt
//! principal     = the ladder's bonds maturing this quarter (start: an even ladder over
//!                 2 × maturity_years; new issues mature maturity_years later), or
//!                 debt / (4 · maturity_years) for amortising debt
//! lease         = leases.payment while leases.years last (leases and project finance)
//! taxes         = tax_rate × max(0, EBITDA − depreciation − interest − lease)
//! FCF           = EBITDA − taxes − capex
//! issuance      = min_cash − (cash + FCF − interest − principal − lease − dividends), if positive and the market is open
//! dividends     = payout.dividends × core / core₀; suspended without access and cash
//! buybacks      = min(payout.buybacks × core / core₀, cash above min_cash), never borrowed for
//! equity        = equity.raise / equity.quarters in each of the first equity.quarters, with access
//! cash'         = cash + FCF − interest − principal − lease − dividends + equity + issuance − buybacks
//! DSCR          = (EBITDA − taxes) / (interest + principal + lease)
//! net leverage  = (debt + PV of lease payments at the coupon − cash) / (4 × EBITDA)
//! ```
//!
//! New debt costs the short rate plus the company's spread, the rating
//! band's add-on, a bust add-on and contagion. On default, creditors are
//! repaid from the quarter's cash and `asset_recovery` × net book value
//! (book at the start + capex − depreciation); the rest is
//! `creditor_loss`. Depreciation is straight-line over the useful
//! life by vintage from the quarter capacity enters service, plus the
//! run-off of the assets in service at the start.

mod invest;
mod operate;

use super::compute::ComputePath;
use super::metrics::{EventIds, EventState};
use super::value::{Earnings, Fleet, QuarterFactors, ValueRates};
use super::{MetricId, MetricRegistry};
use crate::model::inputs::ParamDraws;
use crate::process::DT_YEARS;
use crate::scenario::Hyperscaler;
use crate::scenario::companies::{HyperscalerNumbers, IndustryNumbers};
use crate::scenario::param::Sampler;

#[derive(Debug, Clone)]
struct CompanyModel {
    samplers: HyperscalerNumbers<Sampler>,
    regime: Vec<Sampler>,
    high_yield: bool,
    amortising: bool,
    build_lag: usize,
    ids: Ids,
}

#[derive(Debug, Clone)]
struct Ids {
    capex: MetricId,
    capacity: MetricId,
    compute: MetricId,
    lab_revenue: MetricId,
    contract_revenue: MetricId,
    compute_purchases: MetricId,
    recoveries: MetricId,
    rental_revenue: MetricId,
    ai_revenue: MetricId,
    ai_opex: MetricId,
    core_ocf: MetricId,
    ebitda: MetricId,
    depreciation: MetricId,
    interest: MetricId,
    principal: MetricId,
    lease_payment: MetricId,
    lease_liability: MetricId,
    dividends: MetricId,
    buybacks: MetricId,
    equity_raised: MetricId,
    taxes: MetricId,
    fcf: MetricId,
    issuance: MetricId,
    new_debt_rate: MetricId,
    cash: MetricId,
    debt: MetricId,
    dscr: MetricId,
    interest_cover: MetricId,
    ebit_cover: MetricId,
    net_leverage: MetricId,
    rating_turns: MetricId,
    net_book: MetricId,
    creditor_loss: MetricId,
    fleet_value: MetricId,
    ai_npv: MetricId,
    economic_depreciation: MetricId,
    impairment: MetricId,
    ai_operating_income: MetricId,
    ai_roic: MetricId,
    ai_cash_flow: MetricId,
    cumulative_ai_cash_flow: MetricId,
    distress: EventIds,
    capex_cut: EventIds,
    /// 1 while the AI NPV is positive (economic break-even, a state).
    breakeven: MetricId,
    default: EventIds,
    payback: EventIds,
}

/// What `breakeven.csv` reads of one company.
#[derive(Debug, Clone)]
pub struct BreakevenIds {
    pub entity: String,
    /// The economic break-even indicator and the AI NPV.
    pub breakeven: MetricId,
    pub npv: MetricId,
    /// The cash payback event and the cumulative AI cash flow.
    pub payback: EventIds,
    pub cumulative: MetricId,
}

/// All hyperscalers of a scenario.
#[derive(Debug, Clone, Default)]
pub struct Hyperscalers {
    companies: Vec<CompanyModel>,
    n_quarters: usize,
}

/// One company's state on a path.
#[derive(Debug, Clone)]
pub struct CompanyPath {
    p: HyperscalerNumbers<f64>,
    regime: Vec<f64>,
    life_quarters: usize,
    /// GW ordered in each quarter (arriving `build_lag` later).
    ordered: Vec<f64>,
    /// Compute ordered in each quarter.
    ordered_compute: Vec<f64>,
    /// Compute ordered and not yet arrived.
    on_order: f64,
    /// Compute of the start's pipeline arriving in each of the first
    /// `build_lag` quarters.
    pipeline_arrival: f64,
    /// Compute in service (installed-fleet GW equivalents).
    compute: f64,
    /// `e^(g(regime) · lag)`: the demand growth expected over the build lag.
    ahead: Vec<f64>,
    /// `keep^lag`: what survives of today's compute by the time orders arrive.
    keep_lag: f64,
    /// Last quarter's capex (the partial adjustment's state).
    last_capex: f64,
    /// Capex spent in each quarter.
    spent: Vec<f64>,
    /// Capex value entering service in each quarter (for depreciation).
    in_service: Vec<f64>,
    log_plan: f64,
    plan_growth_dt: f64,
    plan_decay: f64,
    log_core: f64,
    capacity: f64,
    new_depreciation: f64,
    cash: f64,
    debt: f64,
    /// Σ over the debt of amount × coupon: interest per year.
    coupon_sum: f64,
    net_leverage: f64,
    /// Last quarter's rating band, in turns (`credit::band_turns`).
    band: f64,
    /// Net book value of the fleet: book at the start plus capex less
    /// depreciation.
    book: f64,
    /// What creditors lost when the company defaulted (0 before).
    creditor_loss: f64,
    /// The fleet as its value needs it.
    fleet: Fleet,
    /// Fleet value at the end of last quarter (the start investment before
    /// the first).
    last_value: f64,
    /// The fleet's value at the start (`value.rs`).
    start_investment: f64,
    /// Present value of AI cash flows to date.
    npv_cash: f64,
    /// Tax depreciation of the vintages since the start, per quarter.
    new_tax_depreciation: f64,
    low_dscr_run: u32,
    /// Quarters of lease payments left.
    lease_left: usize,
    /// Bullet debt maturing in each simulated quarter (the ladder).
    maturing: Vec<f64>,
    cumulative_ai: f64,
    /// This quarter's access, capex and compute offered to the market,
    /// from pass 1.
    access: bool,
    offered: f64,
    capex: f64,
    /// Capex that is committed (not subject to the power budget).
    committed: bool,
    cut: bool,
    /// Defaulted: absorbing; no investment, borrowing or debt service after.
    defaulted: bool,
    /// In distress at the end of the last quarter.
    distressed: bool,
    events: [EventState; 4],
}

/// The market as the companies see it in a quarter.
#[derive(Debug, Clone, Copy)]
pub struct Conditions {
    pub bust: bool,
    pub regime: usize,
    pub short_rate: f64,
    /// Capex per GW this quarter, $B (see [`Conditions::unit_cost`]).
    pub unit_cost: f64,
    /// Capex per GW at the start: committed GW are priced against it.
    pub unit_cost_start: f64,
    /// Compute per GW of capacity ordered this quarter.
    pub compute_per_gw: f64,
    /// Rental revenue per unit of compute sold, $B per year (set once the
    /// price has cleared).
    pub revenue_per_unit: f64,
    /// Demand for compute at last quarter's price.
    pub demand_gw: f64,
    /// `(P_{q−1} / long-run cost)^θ`: how far returns on new capacity are
    /// above the cost of capital.
    pub return_signal: f64,
    /// This quarter's capex is committed (before `committed_quarters`).
    pub committed: bool,
    /// GW the grid can connect this quarter.
    pub power_gw: f64,
    /// Share of capacity surviving a quarter's obsolescence.
    pub keep: f64,
    /// The rates fleets are valued at, and the revenue a year of a unit of
    /// compute at the long-run cost of compute ($B).
    pub value: ValueRates,
    pub value_at: QuarterFactors,
    pub long_run_revenue: f64,
    pub z_core: f64,
    pub contagion_spread: f64,
}

/// Totals over the companies for the industry.
#[derive(Debug, Clone, Copy, Default)]
pub struct Totals {
    pub capex: f64,
    pub capacity: f64,
    pub compute: f64,
    pub utilisation: f64,
    pub ai_revenue: f64,
    pub rental_revenue: f64,
    /// Payments between companies (in every provider's AI revenue).
    pub contract_payments: f64,
    /// AI opex (compute purchases included), depreciation and net book.
    pub ai_opex: f64,
    pub depreciation: f64,
    pub net_book: f64,
}

impl Conditions {
    /// Capex per GW this quarter: the accelerator share moves with the GPU
    /// and HBM indices, the rest (shell, power, networking) does not.
    pub fn unit_cost(ind: &IndustryNumbers<f64>, gpu: f64, hbm: f64) -> f64 {
        let accel = (1.0 - ind.hbm_share) * gpu + ind.hbm_share * hbm;
        ind.cost_per_gw * (1.0 - ind.gpu_share + ind.gpu_share * accel)
    }
}

impl Hyperscalers {
    /// Builds the companies and registers their metrics under `hyperscaler.<name>`.
    pub fn new(
        companies: &[Hyperscaler],
        n_quarters: usize,
        registry: &mut MetricRegistry,
    ) -> Hyperscalers {
        let companies = companies
            .iter()
            .map(|h| {
                let e = format!("hyperscaler.{}", h.name);
                let mut add = |m: &str| registry.add(&e, m);
                let ids = Ids {
                    capex: add("capex"),
                    capacity: add("capacity_gw"),
                    compute: add("compute"),
                    lab_revenue: add("lab_revenue"),
                    contract_revenue: add("contract_revenue"),
                    compute_purchases: add("compute_purchases"),
                    recoveries: add("recoveries"),
                    rental_revenue: add("rental_revenue"),
                    ai_revenue: add("ai_revenue"),
                    ai_opex: add("ai_opex"),
                    core_ocf: add("core_ocf"),
                    ebitda: add("ebitda"),
                    depreciation: add("depreciation"),
                    interest: add("interest"),
                    principal: add("principal"),
                    lease_payment: add("lease_payment"),
                    lease_liability: add("lease_liability"),
                    dividends: add("dividends"),
                    buybacks: add("buybacks"),
                    equity_raised: add("equity_raised"),
                    taxes: add("taxes"),
                    fcf: add("fcf"),
                    issuance: add("issuance"),
                    new_debt_rate: add("new_debt_rate"),
                    cash: add("cash"),
                    debt: add("debt"),
                    dscr: add("dscr"),
                    interest_cover: add("interest_cover"),
                    ebit_cover: add("ebit_cover"),
                    net_leverage: add("net_leverage"),
                    rating_turns: add("rating_turns"),
                    net_book: add("net_book"),
                    creditor_loss: add("creditor_loss"),
                    fleet_value: add("fleet_value"),
                    ai_npv: add("ai_npv"),
                    economic_depreciation: add("economic_depreciation"),
                    impairment: add("impairment"),
                    ai_operating_income: add("ai_operating_income"),
                    ai_roic: add("ai_roic"),
                    ai_cash_flow: add("ai_cash_flow"),
                    cumulative_ai_cash_flow: add("cumulative_ai_cash_flow"),
                    distress: registry.add_event(&e, "distress"),
                    capex_cut: registry.add_event(&e, "capex_cut"),
                    breakeven: registry.add_indicator(&e, "breakeven"),
                    default: registry.add_event(&e, "default"),
                    payback: registry.add_event(&e, "payback"),
                };
                CompanyModel {
                    samplers: h.numbers.map(|p| p.sampler()),
                    regime: h.capex_regime.iter().map(|p| p.sampler()).collect(),
                    high_yield: h.high_yield,
                    amortising: h.amortising,
                    build_lag: h.build_lag,
                    ids,
                }
            })
            .collect();
        Hyperscalers {
            companies,
            n_quarters,
        }
    }

    pub fn len(&self) -> usize {
        self.companies.len()
    }

    pub fn is_empty(&self) -> bool {
        self.companies.is_empty()
    }

    /// Each company's break-even metrics, in scenario order.
    pub fn breakeven_ids(&self) -> Vec<BreakevenIds> {
        self.companies
            .iter()
            .map(|c| BreakevenIds {
                entity: c.ids.payback.entity.clone(),
                breakeven: c.ids.breakeven,
                npv: c.ids.ai_npv,
                payback: c.ids.payback.clone(),
                cumulative: c.ids.cumulative_ai_cash_flow,
            })
            .collect()
    }

    /// Working state for a chunk of paths.
    pub fn scratch(&self) -> Vec<CompanyPath> {
        self.companies
            .iter()
            .map(|c| CompanyPath {
                p: HyperscalerNumbers::default(),
                regime: vec![0.0; c.regime.len()],
                life_quarters: 1,
                ordered: vec![0.0; self.n_quarters],
                ordered_compute: vec![0.0; self.n_quarters],
                on_order: 0.0,
                pipeline_arrival: 0.0,
                compute: 0.0,
                ahead: vec![1.0; c.regime.len()],
                keep_lag: 1.0,
                last_capex: 0.0,
                spent: vec![0.0; self.n_quarters],
                in_service: vec![0.0; self.n_quarters],
                log_plan: 0.0,
                plan_growth_dt: 0.0,
                plan_decay: 1.0,
                log_core: 0.0,
                capacity: 0.0,
                new_depreciation: 0.0,
                cash: 0.0,
                debt: 0.0,
                coupon_sum: 0.0,
                net_leverage: 0.0,
                band: 0.0,
                book: 0.0,
                creditor_loss: 0.0,
                fleet: Fleet::default(),
                last_value: 0.0,
                start_investment: 0.0,
                npv_cash: 0.0,
                new_tax_depreciation: 0.0,
                low_dscr_run: 0,
                lease_left: 0,
                maturing: vec![0.0; self.n_quarters],
                cumulative_ai: 0.0,
                access: true,
                offered: 0.0,
                capex: 0.0,
                committed: true,
                cut: false,
                defaulted: false,
                distressed: false,
                events: [EventState::default(); 4],
            })
            .collect()
    }

    /// The build lag of company `i`, in quarters.
    pub fn build_lag(&self, i: usize) -> usize {
        self.companies[i].build_lag
    }

    /// Draws each company's parameters and resets its state. `cost_per_gw`
    /// is the cost of a GW at the start (the pipeline's book value),
    /// `market` the path's compute market (compute per GW, obsolescence,
    /// value rates), `gap_quarters` the investment rule's, `start_earnings`
    /// what a unit of compute earns at the start and `growth_dt`
    /// the quarterly demand growth expected in each regime.
    #[allow(clippy::too_many_arguments)]
    pub fn start_path(
        &self,
        paths: &mut [CompanyPath],
        cost_per_gw: f64,
        market: &ComputePath,
        gap_quarters: f64,
        start_earnings: Earnings,
        growth_dt: &[f64],
        draws: &mut ParamDraws,
    ) {
        let (new_compute, keep) = (market.per_gw[0], market.keep);
        for (c, st) in self.companies.iter().zip(paths.iter_mut()) {
            st.p = c.samplers.map(|s| draws.draw(s));
            for (v, s) in st.regime.iter_mut().zip(&c.regime) {
                *v = draws.draw(s);
            }
            let p = &st.p;
            st.life_quarters = ((p.useful_life_years * 4.0).round() as usize).max(1);
            st.ordered.fill(0.0);
            st.ordered_compute.fill(0.0);
            st.spent.fill(0.0);
            // The pipeline enters service evenly over the build lag, at
            // today's cost per GW (already spent before the start).
            st.in_service.fill(0.0);
            let lag = c.build_lag.min(self.n_quarters);
            for x in &mut st.in_service[..lag] {
                *x = p.pipeline / c.build_lag as f64 * cost_per_gw;
            }
            st.on_order = p.pipeline * new_compute;
            st.pipeline_arrival = p.pipeline / c.build_lag as f64 * new_compute;
            st.compute = p.capacity;
            for (a, g) in st.ahead.iter_mut().zip(growth_dt) {
                *a = (g * c.build_lag as f64).exp();
            }
            st.keep_lag = keep.powi(c.build_lag as i32);
            st.last_capex = p.capex;
            st.log_plan = p.capex.max(f64::MIN_POSITIVE).ln();
            st.plan_growth_dt = p.capex_growth * DT_YEARS;
            st.plan_decay = (-DT_YEARS / p.capex_decay_years).exp();
            st.log_core = p.core_ocf.max(f64::MIN_POSITIVE).ln();
            st.capacity = p.capacity;
            st.offered = p.capacity;
            st.new_depreciation = 0.0;
            st.cash = p.cash;
            st.debt = p.debt;
            st.coupon_sum = p.debt * p.coupon;
            st.net_leverage = 0.0;
            st.band = 0.0;
            // Book at the start: what the legacy run-off has left to
            // depreciate, plus the pipeline already paid for.
            st.book =
                p.depreciation * (st.life_quarters as f64 + 1.0) / 2.0 + p.pipeline * cost_per_gw;
            st.creditor_loss = 0.0;
            // A price premium fades as orders placed now arrive and close
            // the gap.
            let kappa = 1.0 / ((gap_quarters + c.build_lag as f64) * DT_YEARS);
            st.fleet = Fleet::start(&market.value, kappa, p.capacity, p.pipeline * cost_per_gw);
            st.start_investment = st.fleet.start_value(&market.value, start_earnings);
            st.last_value = st.start_investment;
            st.npv_cash = 0.0;
            st.new_tax_depreciation = 0.0;
            st.low_dscr_run = 0;
            st.lease_left = (st.p.lease_years * 4.0).round() as usize;
            // The bonds at the start: an even ladder over twice the average
            // remaining maturity, so the average is `maturity_years`.
            let rungs = (8.0 * st.p.maturity_years).round().max(1.0);
            for (q, m) in st.maturing.iter_mut().enumerate() {
                *m = if (q as f64) < rungs {
                    st.p.debt / rungs
                } else {
                    0.0
                };
            }
            st.cumulative_ai = 0.0;
            st.defaulted = false;
            st.distressed = false;
            st.events = [EventState::default(); 4];
        }
    }

    /// Whether each company ended the last quarter in distress.
    pub fn distressed(paths: &[CompanyPath], out: &mut [bool]) {
        for (o, st) in out.iter_mut().zip(paths) {
            *o = st.distressed;
        }
    }

    /// Whether company `i` has defaulted on this path.
    pub fn defaulted(paths: &[CompanyPath], i: usize) -> bool {
        paths[i].defaulted
    }
}
