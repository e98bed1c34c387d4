//! What a company's AI fleet is worth, and whether its AI programme has
//! broken even economically (model v2, part 3).
//!
//! A vintage of compute is worth what it can still earn at the simulated
//! prices. A unit of compute earns the long-run cost of compute `R` (the
//! price at which new capacity repays its cost) plus the current premium
//! or discount `m − R` (`m`: the cleared price at the current utilisation),
//! which fades at `κ` as capacity catches up (`κ = 1 / ((gap_quarters +
//! build lag) · Δt)`: new orders arrive and close the gap); both fall at
//! the rate `g` the long-run cost assumes. Each GW costs `opex`. All of it
//! shrinks with obsolescence `δ`, is discounted at the cost of capital `r`,
//! and stops at the end of the economic life `L`:
//!
//! ```text
//! value of a vintage of age a = c · (R · A(r+δ+g, L−a) + (m − R) · A(r+δ+g+κ, L−a))
//!                               − opex · gw · A(r+δ, L−a)
//! A(k, T)                     = (1 − e^(−kT)) / k
//! fleet value                 = max(0, Σ over vintages) + capex not yet in service, at cost
//! ```
//!
//! The sum over vintages needs no vintage list: with
//! `S_k = Σ c_v · e^(k·a_v)`, `Σ c_v · A(k, L − a_v) = (Σ c_v − e^(−kL) · S_k) / k`,
//! and `S_k` grows by `keep · e^(k·Δt)` a quarter plus what arrives (age 0).
//! The fleet in service at the start is half-way through its economic life
//! and is valued on its own. Then, per company:
//!
//! ```text
//! ai_npv                 = PV at r of AI cash flows to date + PV of the fleet value − value at the start
//! value at the start     = the fleet in service valued the same way at the start's prices
//!                          + the pipeline at cost
//! economic_depreciation  = value last quarter + capex − value now
//! impairment             = max(0, net book − fleet value)   (the write-down a fair-value test finds)
//! ```
//!
//! `ai_npv > 0` (economic break-even) says the AI programme has earned its
//! cost of capital since the start on everything it held and built,
//! marking the fleet to what it can still earn. No accounting life enters
//! it. It is a state, not a first passage: a programme above water in 2027
//! can be under it in 2030, and the headline is the horizon's.

use super::compute::annuity;
use crate::process::DT_YEARS;

/// The rates a path's fleets are valued at (fixed for the path).
#[derive(Debug, Clone, Copy, Default)]
pub struct ValueRates {
    /// `r + δ + g`: the discount of revenue (cost of capital, obsolescence
    /// and the fall of the price of compute).
    pub revenue_k: f64,
    /// `r + δ`: the discount of operating cost.
    pub opex_k: f64,
    /// `r`: the cost of capital.
    pub discount: f64,
    /// `L`: the economic life, years.
    pub life: f64,
    /// `keep · e^(k·Δt)` for each `k`: how `S_k` grows in a quarter.
    revenue_growth: f64,
    opex_growth: f64,
    /// `e^(−kL)` for each `k`.
    revenue_tail: f64,
    opex_tail: f64,
    /// `e^(−g·Δt)`: the long-run cost of compute a quarter on.
    fall_quarter: f64,
}

impl ValueRates {
    /// The rates for cost of capital `r`, obsolescence rate `delta`
    /// (continuous), price fall `fall` (continuous) and life `life`.
    pub fn new(r: f64, delta: f64, fall: f64, life: f64) -> ValueRates {
        // A zero rate would divide by zero below; a tiny one is the limit.
        let nonzero = |k: f64| if k.abs() < 1e-9 { 1e-9 } else { k };
        let (revenue_k, opex_k) = (nonzero(r + delta + fall), nonzero(r + delta));
        let keep = (-delta * DT_YEARS).exp();
        ValueRates {
            revenue_k,
            opex_k,
            discount: r,
            life,
            revenue_growth: keep * (revenue_k * DT_YEARS).exp(),
            opex_growth: keep * (opex_k * DT_YEARS).exp(),
            revenue_tail: (-revenue_k * life).exp(),
            opex_tail: (-opex_k * life).exp(),
            fall_quarter: (-fall * DT_YEARS).exp(),
        }
    }

    /// What every company's valuation needs at the end of quarter `q`,
    /// computed once a path rather than once per company and quarter.
    pub fn quarter(&self, q: usize) -> QuarterFactors {
        let left = (self.life / 2.0 - (q + 1) as f64 * DT_YEARS).max(0.0);
        QuarterFactors {
            discount: (-self.discount * (q + 1) as f64 * DT_YEARS).exp(),
            left,
            legacy_revenue: annuity(self.revenue_k, left),
            legacy_opex: annuity(self.opex_k, left),
        }
    }
}

/// The valuation's factors at the end of one quarter.
#[derive(Debug, Clone, Copy, Default)]
pub struct QuarterFactors {
    /// The discount factor `e^(−r·t)`.
    pub discount: f64,
    /// Economic life left to the fleet in service at the start, years.
    left: f64,
    /// `A(r+δ+g, left)` and `A(r+δ, left)` for that fleet.
    legacy_revenue: f64,
    legacy_opex: f64,
}

/// One company's fleet, as its value needs it.
#[derive(Debug, Clone, Copy, Default)]
pub struct Fleet {
    /// Compute (= GW) of the fleet in service at the start, still surviving.
    legacy: f64,
    /// `S_k` of the vintages built since the start, for revenue, the fading
    /// premium and opex.
    revenue_sum: f64,
    premium_sum: f64,
    opex_sum: f64,
    /// The premium's rate `r + δ + g + κ`, its quarterly growth of `S_k`
    /// and its tail `e^(−kL)` (κ is the company's).
    premium_k: f64,
    premium_growth: f64,
    premium_tail: f64,
    /// `e^(−(g+κ)·Δt)`: the premium a quarter on.
    premium_fade: f64,
    /// Capex spent and not yet in service, at cost.
    pub in_progress: f64,
}

/// A fleet's earnings, per year and per unit of compute, $B: the long-run
/// cost of compute and the price it fetches now.
#[derive(Debug, Clone, Copy)]
pub struct Earnings {
    pub long_run: f64,
    pub now: f64,
    pub opex_per_gw: f64,
}

impl Fleet {
    /// The fleet at the start: `capacity` GW in service and `pipeline`
    /// already paid for (`pipeline_cost`); a price premium fades at
    /// `kappa` a year.
    pub fn start(rates: &ValueRates, kappa: f64, capacity: f64, pipeline_cost: f64) -> Fleet {
        let premium_k = rates.revenue_k + kappa;
        Fleet {
            premium_fade: rates.fall_quarter * (-kappa * DT_YEARS).exp(),
            legacy: capacity,
            revenue_sum: 0.0,
            premium_sum: 0.0,
            opex_sum: 0.0,
            premium_k,
            premium_growth: rates.revenue_growth * (kappa * DT_YEARS).exp(),
            premium_tail: (-premium_k * rates.life).exp(),
            in_progress: pipeline_cost,
        }
    }

    /// A quarter passes: everything ages and decays by `keep`, then
    /// `gw` holding `compute` arrive.
    #[inline]
    pub fn age(&mut self, rates: &ValueRates, keep: f64, gw: f64, compute: f64) {
        self.legacy *= keep;
        self.revenue_sum = self.revenue_sum * rates.revenue_growth + compute;
        self.premium_sum = self.premium_sum * self.premium_growth + compute;
        self.opex_sum = self.opex_sum * rates.opex_growth + gw;
    }

    /// The value at the start of the fleet in service and in progress
    /// then, with earnings `e`.
    pub fn start_value(&self, rates: &ValueRates, e: Earnings) -> f64 {
        let left = rates.life / 2.0;
        let per_unit = e.long_run * annuity(rates.revenue_k, left)
            + (e.now - e.long_run) * annuity(self.premium_k, left)
            - e.opex_per_gw * annuity(rates.opex_k, left);
        (self.legacy * per_unit).max(0.0) + self.in_progress
    }

    /// The value at the end of quarter `q` of a fleet of `compute` units
    /// and `gw` GW whose earnings were `e` in the quarter (so from the next
    /// quarter on the long-run cost is lower by `g` and the premium by
    /// `g + κ`), plus the capex in progress.
    #[inline]
    pub fn value(
        &self,
        rates: &ValueRates,
        at: &QuarterFactors,
        compute: f64,
        gw: f64,
        e: Earnings,
    ) -> f64 {
        let new_compute = (compute - self.legacy).max(0.0);
        let new_gw = (gw - self.legacy).max(0.0);
        // Σ c_v · A(k, L − a_v) over the vintages, and the start's fleet.
        let years = |k: f64, tail: f64, sum: f64, new: f64, legacy: f64| {
            (new - tail * sum) / k + self.legacy * legacy
        };
        let revenue_years = years(
            rates.revenue_k,
            rates.revenue_tail,
            self.revenue_sum,
            new_compute,
            at.legacy_revenue,
        );
        let premium_years = years(
            self.premium_k,
            self.premium_tail,
            self.premium_sum,
            new_compute,
            annuity(self.premium_k, at.left),
        );
        let opex_years = years(
            rates.opex_k,
            rates.opex_tail,
            self.opex_sum,
            new_gw,
            at.legacy_opex,
        );
        let earning = e.long_run * rates.fall_quarter * revenue_years
            + (e.now - e.long_run) * self.premium_fade * premium_years
            - e.opex_per_gw * opex_years;
        earning.max(0.0) + self.in_progress
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_vintage_sum_matches_valuing_each_vintage() {
        let rates = ValueRates::new(0.10, 0.05, 0.2, 6.0);
        let keep = (-0.05 * DT_YEARS).exp();
        let kappa = 0.5;
        let mut fleet = Fleet::start(&rates, kappa, 2.0, 0.0);
        let e = Earnings {
            long_run: 2.5,
            now: 3.0,
            opex_per_gw: 1.5,
        };
        // A quarter on: the long-run cost lower by g = 0.2, the premium by g + κ.
        let per_unit = |k_extra: f64, life: f64| {
            2.5 * (-0.2 * DT_YEARS).exp() * annuity(rates.revenue_k, life)
                + 0.5
                    * (-(0.2 + k_extra) * DT_YEARS).exp()
                    * annuity(rates.revenue_k + k_extra, life)
        };
        // Vintages (quarter of arrival, GW, compute per GW).
        let arrivals: Vec<(f64, f64)> = (0..12).map(|q| (0.5 + 0.1 * q as f64, 1.5)).collect();
        let (mut gw, mut compute) = (2.0, 2.0);
        for (q, &(g, per)) in arrivals.iter().enumerate() {
            fleet.age(&rates, keep, g, g * per);
            gw = gw * keep + g;
            compute = compute * keep + g * per;
            let got = fleet.value(&rates, &rates.quarter(q), compute, gw, e);
            // Each vintage by hand.
            let mut want = 0.0;
            for (v, &(g, per)) in arrivals[..=q].iter().enumerate() {
                let age = (q - v) as f64 * DT_YEARS;
                let alive = keep.powi((q - v) as i32);
                want += g * per * alive * per_unit(kappa, 6.0 - age)
                    - 1.5 * g * alive * annuity(rates.opex_k, 6.0 - age);
            }
            let left = 3.0 - (q + 1) as f64 * DT_YEARS;
            let legacy = 2.0 * keep.powi(q as i32 + 1);
            want += legacy * per_unit(kappa, left) - 1.5 * legacy * annuity(rates.opex_k, left);
            assert!((got - want.max(0.0)).abs() < 1e-9, "{q}: {got} vs {want}");
        }
    }

    #[test]
    fn worthless_compute_is_worth_nothing_but_work_in_progress_counts() {
        let rates = ValueRates::new(0.10, 0.05, 0.2, 6.0);
        let mut fleet = Fleet::start(&rates, 0.5, 1.0, 7.0);
        fleet.age(&rates, 1.0, 0.0, 0.0);
        let idle = Earnings {
            long_run: 0.0,
            now: 0.0,
            opex_per_gw: 1.5,
        };
        assert_eq!(fleet.value(&rates, &rates.quarter(0), 1.0, 1.0, idle), 7.0);
        // A zero rate is its limit, not a division by zero.
        let flat = ValueRates::new(0.0, 0.0, 0.0, 4.0);
        let e = Earnings {
            long_run: 1.0,
            now: 1.0,
            opex_per_gw: 0.0,
        };
        let v = Fleet::start(&flat, 0.0, 1.0, 0.0).value(&flat, &flat.quarter(0), 1.0, 1.0, e);
        assert!((v - 1.75).abs() < 1e-6, "{v}");
    }
}
