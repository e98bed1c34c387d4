//! Industry totals and the endogenous required revenue (DESIGN.md §4, step 6).
//!
//! ```text
//! ai_revenue           = Σ providers' AI revenue (lab payments + recoveries + rental)
//! recurring_ai_revenue = ai_revenue − recoveries: without the one-off recoveries on
//!                        defaulted contracts, so a default's lump does not count
//!                        as a year of revenue against the hurdles
//! ai_services_revenue  = rental_revenue × services_per_compute × e^(monetisation_growth · t):
//!                        what end users pay for AI services and products run on
//!                        the market's compute (cloud AI, copilots, ads), t in years
//!                        from the start; it moves with the compute market's price,
//!                        demand, regime and shocks, and with monetisation
//! end_user_ai_revenue  = Σ labs' revenue + ai_services_revenue: what consumers and
//!                        enterprises pay for AI (the layer JPMorgan and Sequoia mean)
//! provider_share       = recurring_ai_revenue / end_user_ai_revenue: providers' revenue
//!                        as a share of it (above 1 when the compute's value exceeds
//!                        what end users pay for it: Sequoia's hole)
//! lab_share            = Σ labs' revenue / end_user_ai_revenue
//! sequoia_required     = sequoia_multiple × 4 × supplier_revenue: Sequoia's form, end-user
//!                        revenue needed a year = 2 (GPUs are half the cost of a data
//!                        centre) × 2 (a 50% end-user margin) × annual accelerator spend
//! sequoia_coverage     = 4 × end_user_ai_revenue / sequoia_required
//! supplier_revenue     = capex × accelerator share of the cost of a GW at today's prices
//! hbm_revenue          = capex × HBM share of the cost of a GW × (1 − supplier_margin):
//!                        memory makers sell to the accelerator vendors, so their
//!                        revenue is a share of the vendors' cost of goods, not of
//!                        the accelerators' selling price
//! compute              = Σ companies' compute in service (installed-fleet GW)
//! long_run_cost        = the price of compute at which a new GW repays its cost ($/GPU-hour)
//! tightness            = demand / compute offered to the market
//! power_bound          = 1 when the power budget cut discretionary orders this quarter
//! required_revenue     = 4 × (AI opex + depreciation) + target_return × net book capital:
//!                        the revenue a year that pays the fleet's running cost, its
//!                        accounting depreciation and the target return on what is
//!                        still on the books (Σ companies' net_book)
//! net_book             = Σ companies' net book: book at the start + capex − depreciation
//! revenue_coverage     = 4 × recurring_ai_revenue / required_revenue
//! ```
//!
//! Flows are per quarter ($B); `required_revenue` is per year, like the
//! published hurdles it is compared with (JPMorgan's $650B, Sequoia's $600B).

use super::credit::{RATIO_CAP, ratio};
use super::hyperscalers::Totals;
use super::{MetricId, MetricRegistry};
use crate::engine::Recorder;
use crate::process::DT_YEARS;
use crate::scenario::companies::IndustryNumbers;

#[derive(Debug, Clone)]
pub struct Industry {
    ids: Ids,
}

#[derive(Debug, Clone)]
struct Ids {
    capex: MetricId,
    cumulative_capex: MetricId,
    capacity: MetricId,
    compute: MetricId,
    utilisation: MetricId,
    long_run_cost: MetricId,
    tightness: MetricId,
    power_bound: MetricId,
    ai_revenue: MetricId,
    recurring_ai_revenue: MetricId,
    end_user_ai_revenue: MetricId,
    ai_services_revenue: MetricId,
    provider_share: MetricId,
    lab_share: MetricId,
    sequoia_required: MetricId,
    sequoia_coverage: MetricId,
    lab_revenue: MetricId,
    lab_payments: MetricId,
    rental_revenue: MetricId,
    supplier_revenue: MetricId,
    hbm_revenue: MetricId,
    required_revenue: MetricId,
    net_book: MetricId,
    revenue_coverage: MetricId,
    contagion_spread: MetricId,
}

/// Everything the industry adds up in a quarter.
#[derive(Debug, Clone, Copy)]
pub struct Quarter {
    pub totals: Totals,
    pub lab_revenue: f64,
    /// Labs' payments, recoveries included.
    pub lab_payments: f64,
    /// The recoveries on defaulted contracts among them.
    pub recoveries: f64,
    pub gpu: f64,
    pub hbm: f64,
    pub contagion_spread: f64,
    /// The long-run cost of compute this quarter ($/GPU-hour).
    pub long_run_cost: f64,
    /// Demand over compute offered to the market.
    pub tightness: f64,
    pub power_bound: bool,
}

impl Industry {
    pub fn new(registry: &mut MetricRegistry) -> Industry {
        let mut add = |m: &str| match m {
            "power_bound" => registry.add_indicator("industry", m),
            _ => registry.add("industry", m),
        };
        Industry {
            ids: Ids {
                capex: add("capex"),
                cumulative_capex: add("cumulative_capex"),
                capacity: add("capacity_gw"),
                compute: add("compute"),
                utilisation: add("utilisation"),
                long_run_cost: add("long_run_cost"),
                tightness: add("tightness"),
                power_bound: add("power_bound"),
                ai_revenue: add("ai_revenue"),
                recurring_ai_revenue: add("recurring_ai_revenue"),
                end_user_ai_revenue: add("end_user_ai_revenue"),
                ai_services_revenue: add("ai_services_revenue"),
                provider_share: add("provider_share"),
                lab_share: add("lab_share"),
                sequoia_required: add("sequoia_required"),
                sequoia_coverage: add("sequoia_coverage"),
                lab_revenue: add("lab_revenue"),
                lab_payments: add("lab_payments"),
                rental_revenue: add("rental_revenue"),
                supplier_revenue: add("supplier_revenue"),
                hbm_revenue: add("hbm_revenue"),
                required_revenue: add("required_revenue"),
                net_book: add("net_book"),
                revenue_coverage: add("revenue_coverage"),
                contagion_spread: add("contagion_spread"),
            },
        }
    }

    /// Records the quarter's totals; `cumulative_capex` is carried by the caller.
    #[inline]
    pub fn record<R: Recorder>(
        &self,
        ind: &IndustryNumbers<f64>,
        x: &Quarter,
        cumulative_capex: &mut f64,
        q: usize,
        rec: &mut R,
    ) {
        let ids = &self.ids;
        let t = &x.totals;
        *cumulative_capex += t.capex;
        let accel = (1.0 - ind.hbm_share) * x.gpu + ind.hbm_share * x.hbm;
        let accel_cost = ind.gpu_share * accel;
        let accel_share = accel_cost / (1.0 - ind.gpu_share + accel_cost);
        let hbm_share = ind.gpu_share * ind.hbm_share * x.hbm / (1.0 - ind.gpu_share + accel_cost)
            * (1.0 - ind.supplier_margin);
        // Payments between companies cancel in the industry, in revenue
        // and in opex alike.
        let required = 4.0 * (t.ai_opex - t.contract_payments + t.depreciation)
            + ind.target_return * t.net_book;
        // Companies' AI revenue leaves out recoveries on defaulted
        // contracts.
        let recurring = t.ai_revenue - t.contract_payments;
        let coverage = ratio(4.0 * recurring, required);
        let years = q as f64 * DT_YEARS;
        let services =
            t.rental_revenue * ind.services_per_compute * (ind.monetisation_growth * years).exp();
        let end_user = x.lab_revenue + services;
        let supplier = t.capex * accel_share;
        let sequoia = ind.sequoia_multiple * 4.0 * supplier;
        rec.record(ids.capex, q, t.capex);
        rec.record(ids.cumulative_capex, q, *cumulative_capex);
        rec.record(ids.capacity, q, t.capacity);
        rec.record(ids.compute, q, t.compute);
        rec.record(ids.utilisation, q, t.utilisation);
        rec.record(ids.long_run_cost, q, x.long_run_cost);
        rec.record(ids.tightness, q, x.tightness.min(RATIO_CAP));
        rec.record(ids.power_bound, q, if x.power_bound { 1.0 } else { 0.0 });
        rec.record(ids.ai_revenue, q, recurring + x.recoveries);
        rec.record(ids.recurring_ai_revenue, q, recurring);
        rec.record(ids.end_user_ai_revenue, q, end_user);
        rec.record(ids.ai_services_revenue, q, services);
        rec.record(ids.provider_share, q, ratio(recurring, end_user));
        rec.record(ids.lab_share, q, ratio(x.lab_revenue, end_user));
        rec.record(ids.sequoia_required, q, sequoia);
        rec.record(ids.sequoia_coverage, q, ratio(4.0 * end_user, sequoia));
        rec.record(ids.lab_revenue, q, x.lab_revenue);
        rec.record(ids.lab_payments, q, x.lab_payments);
        rec.record(ids.rental_revenue, q, t.rental_revenue);
        rec.record(ids.supplier_revenue, q, supplier);
        rec.record(ids.hbm_revenue, q, t.capex * hbm_share);
        rec.record(ids.required_revenue, q, required);
        rec.record(ids.net_book, q, t.net_book);
        rec.record(ids.revenue_coverage, q, coverage);
        rec.record(ids.contagion_spread, q, x.contagion_spread);
    }
}
