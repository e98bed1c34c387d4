//! The compute market (model v2, DESIGN.md §4b): compute per GW by build
//! vintage, the long-run cost of new capacity, and the price that clears
//! supply and demand each quarter.
//!
//! Units: compute is counted in GW of the installed fleet at the start
//! (H100-class), so one GW of it is one unit; the price of compute is in $
//! per GPU-hour of that fleet. A GW ordered in quarter `q` holds
//! `e_q = new_per_gw · (1 + efficiency_growth)^(q·Δt)` units.
//!
//! ```text
//! long-run cost   R = (K_q + opex · A(r + δ, L)) / A(r + δ + g, L)     $B per GW-year of a new GW
//!                 A(k, L) = (1 − e^(−kL)) / k                          (continuous annuity)
//!                 anchor = R / (e_q · GPUs per GW · 8,760 h)            $ per GPU-hour
//! cash floor      c = opex / (e_q · GPUs per GW · 8,760 h)              (operating cost of the newest GW)
//! tightness       x = demand / compute offered to the market
//! price           P = c + (anchor − c) · x^β               x ≤ 1   (slack: down towards cash cost)
//!                 P = anchor · min(x^σ, max_premium)       x > 1   (scarcity: demand rationed)
//! served          min(demand, offered);  utilisation = served / offered
//! ```
//!
//! `K_q` is the cost of a GW ordered this quarter, `r` the cost of capital,
//! `δ` physical obsolescence, `L` the economic life, and `g` the expected
//! fall of the price of compute per year (`ln(1 + efficiency_growth) −
//! ln(1 + GPU index drift)`): a new GW must repay its cost while the price
//! its compute fetches falls as better vintages arrive. Demand answers the
//! previous quarter's price with the scenario's elasticity
//! (`ln D = ln D* − ε · ln(P_{q−1} / P_start)`), so cheaper compute raises
//! the quantity demanded (Jevons) and scarcity rations it.

use super::value::{QuarterFactors, ValueRates};
use crate::process::DT_YEARS;
use crate::scenario::companies::IndustryNumbers;

/// Hours in a year, for turning $/GPU-hour into $/year.
pub const HOURS_PER_YEAR: f64 = 8760.0;

/// `(1 − e^(−kL)) / k`: the present value of 1 a year for `life` years,
/// discounted continuously at `k` (its limit `life` as k → 0).
pub fn annuity(k: f64, life: f64) -> f64 {
    if (k * life).abs() < 1e-9 {
        life
    } else {
        -(-k * life).exp_m1() / k
    }
}

/// The price of compute as a multiple-weighted function of tightness `x`
/// (demand / supply): `floor + (anchor − floor)·x^β` when slack,
/// `anchor · min(x^σ, cap)` when tight. Continuous at x = 1 and
/// non-decreasing in `x`.
#[inline]
pub fn clearing_price(anchor: f64, floor: f64, x: f64, p: &IndustryNumbers<f64>) -> f64 {
    if x <= 1.0 {
        let floor = floor.min(anchor);
        floor + (anchor - floor) * x.max(0.0).powf(p.slack_exponent)
    } else {
        anchor * x.powf(p.scarcity_exponent).min(p.max_premium)
    }
}

/// A path's fixed constants of the compute market.
#[derive(Debug, Clone, Default)]
pub struct ComputePath {
    /// Compute per GW of capacity ordered in each quarter.
    pub per_gw: Vec<f64>,
    /// `A(r + δ, L)`: the present value factor of opex over the life.
    opex_factor: f64,
    /// `A(r + δ + g, L)`: the present value factor of revenue over the life.
    revenue_factor: f64,
    /// GPU-hours a year per GW of the installed fleet, in billions.
    gpu_hours_bn: f64,
    /// GW the grid can connect in each quarter.
    pub power: Vec<f64>,
    /// Quarters whose capex was committed at the start.
    pub committed: usize,
    /// Share of capacity surviving a quarter's obsolescence.
    pub keep: f64,
    /// The rates a fleet's future earnings are valued at (`value.rs`),
    /// and their factors at the end of each quarter.
    pub value: ValueRates,
    pub value_at: Vec<QuarterFactors>,
}

impl ComputePath {
    /// Sets the path's constants from its industry draws, the GPU index's
    /// expected annual change `gpu_drift` and the fleet's GPUs per GW.
    pub fn start(
        &mut self,
        ind: &IndustryNumbers<f64>,
        gpu_drift: f64,
        gpus_per_gw: f64,
        nq: usize,
    ) {
        let efficiency = (1.0 + ind.efficiency_growth).ln();
        self.per_gw.clear();
        self.per_gw.extend(
            (0..nq).map(|q| ind.new_compute_per_gw * (efficiency * q as f64 * DT_YEARS).exp()),
        );
        let delta = -(1.0 - ind.obsolescence).ln();
        self.keep = (-delta * DT_YEARS).exp();
        let fall = efficiency - (1.0 + gpu_drift).ln();
        let life = ind.economic_life_years;
        self.opex_factor = annuity(ind.cost_of_capital + delta, life);
        self.revenue_factor = annuity(ind.cost_of_capital + delta + fall, life);
        self.value = ValueRates::new(ind.cost_of_capital, delta, fall, life);
        self.value_at.clear();
        self.value_at.extend((0..nq).map(|q| self.value.quarter(q)));
        self.gpu_hours_bn = gpus_per_gw * HOURS_PER_YEAR / 1e9;
        let power_growth = (1.0 + ind.power_growth).ln();
        self.power.clear();
        self.power.extend(
            (0..nq)
                .map(|q| ind.power_budget * DT_YEARS * (power_growth * q as f64 * DT_YEARS).exp()),
        );
        self.committed = ind.committed_quarters.round() as usize;
    }

    /// Revenue of one unit of compute sold for a year at `price` ($/GPU-hour), $B.
    #[inline]
    pub fn revenue_per_unit(&self, price: f64) -> f64 {
        price * self.gpu_hours_bn
    }

    /// The long-run cost of compute in quarter `q` ($ per GPU-hour of the
    /// installed fleet) when a new GW costs `unit_cost`, and the cash
    /// operating cost of the newest GW (the price floor).
    #[inline]
    pub fn anchor_and_floor(
        &self,
        ind: &IndustryNumbers<f64>,
        unit_cost: f64,
        q: usize,
    ) -> (f64, f64) {
        let per_unit = self.per_gw[q] * self.gpu_hours_bn;
        let required = (unit_cost + ind.opex_per_gw * self.opex_factor) / self.revenue_factor;
        (required / per_unit, ind.opex_per_gw / per_unit)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn numbers() -> IndustryNumbers<f64> {
        IndustryNumbers {
            cost_per_gw: 45.0,
            opex_per_gw: 1.5,
            obsolescence: 0.05,
            new_compute_per_gw: 1.5,
            efficiency_growth: 0.25,
            economic_life_years: 6.0,
            cost_of_capital: 0.10,
            slack_exponent: 3.0,
            scarcity_exponent: 1.0,
            max_premium: 3.0,
            power_budget: 14.0,
            power_growth: 0.25,
            committed_quarters: 4.0,
            ..IndustryNumbers::default()
        }
    }

    #[test]
    fn annuity_matches_its_sum_and_its_limit() {
        // A fine Riemann sum of e^(−kt) over [0, L].
        let (k, life) = (0.3, 6.0);
        let n = 600_000;
        let h = life / n as f64;
        let sum: f64 = (0..n).map(|i| (-k * (i as f64 + 0.5) * h).exp() * h).sum();
        assert!((annuity(k, life) - sum).abs() < 1e-9);
        assert_eq!(annuity(0.0, life), life);
        assert!((annuity(1e-12, life) - life).abs() < 1e-9);
    }

    #[test]
    fn a_new_gw_at_the_anchor_repays_its_cost_at_the_cost_of_capital() {
        // Revenue R·e^(−(δ+g)t) and opex e^(−δt) per surviving GW, discounted
        // at r, have a present value equal to the cost of the GW.
        let ind = numbers();
        let mut c = ComputePath::default();
        c.start(&ind, -0.0625, 780_000.0, 20);
        let (anchor, _) = c.anchor_and_floor(&ind, 45.0, 0);
        let revenue = anchor * c.per_gw[0] * c.gpu_hours_bn;
        let delta = -(0.95f64).ln();
        let fall = (1.25f64).ln() - (0.9375f64).ln();
        let n = 600_000;
        let h = 6.0 / n as f64;
        let npv: f64 = (0..n)
            .map(|i| {
                let t = (i as f64 + 0.5) * h;
                let survive = (-delta * t).exp();
                (revenue * (-fall * t).exp() - 1.5) * survive * (-0.10 * t).exp() * h
            })
            .sum();
        assert!((npv - 45.0).abs() < 1e-6, "npv {npv}");
        // The base calibration: about $2.35 per H100-hour at the start.
        assert!((anchor - 2.35).abs() < 0.05, "anchor {anchor}");
    }

    #[test]
    fn price_is_continuous_and_rises_with_tightness() {
        let ind = numbers();
        let (anchor, floor) = (2.0, 0.2);
        let mut last = 0.0;
        for i in 0..=400 {
            let x = i as f64 / 100.0;
            let p = clearing_price(anchor, floor, x, &ind);
            assert!(p >= last, "price fell at x = {x}");
            last = p;
        }
        assert_eq!(clearing_price(anchor, floor, 0.0, &ind), floor);
        assert_eq!(clearing_price(anchor, floor, 1.0, &ind), anchor);
        let above = clearing_price(anchor, floor, 1.0 + 1e-12, &ind);
        assert!((above - anchor).abs() < 1e-10);
        assert_eq!(clearing_price(anchor, floor, 100.0, &ind), anchor * 3.0);
    }

    #[test]
    fn compute_per_gw_and_power_grow_at_their_rates() {
        let ind = numbers();
        let mut c = ComputePath::default();
        c.start(&ind, 0.0, 780_000.0, 9);
        assert!((c.per_gw[4] / c.per_gw[0] - 1.25).abs() < 1e-12);
        assert!((c.power[8] / c.power[0] - 1.5625).abs() < 1e-12);
        assert_eq!(c.power[0], 3.5);
        assert_eq!(c.committed, 4);
    }
}
