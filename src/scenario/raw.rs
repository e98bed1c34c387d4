//! The serde mirror of the scenario TOML: every table rejects unknown keys,
//! every value keeps its span so validation can point at it.
//!
//! Defaults live here and only here. Nothing in this module checks meaning;
//! that is `validate`'s job.

use super::param::Param;
use serde::Deserialize;
use std::collections::BTreeMap;
use toml::Spanned;

/// A scalar that may be uncertain, with its position in the file.
pub type P = Spanned<Param>;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawScenario {
    /// The fact table cited values refer to, relative to the scenario file.
    #[serde(default)]
    pub facts: Option<Spanned<String>>,
    pub simulation: RawSimulation,
    pub market: RawMarket,
    #[serde(default)]
    pub correlation: Option<RawCorrelation>,
    #[serde(default)]
    pub industry: Option<RawIndustry>,
    #[serde(default)]
    pub hyperscaler: Vec<RawHyperscaler>,
    #[serde(default)]
    pub lab: Vec<RawLab>,
    #[serde(default)]
    pub contract: Vec<RawContract>,
    #[serde(default)]
    pub threshold: Vec<RawThreshold>,
    #[serde(default)]
    pub hurdle: Vec<RawHurdle>,
    /// What `sim sweep` varies when no `--vary` is given; `sim run` ignores it.
    #[serde(default)]
    pub sweep: Option<RawSweep>,
}

/// `[sweep]`: the axes of `sim sweep`, and optionally a Latin hypercube.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawSweep {
    #[serde(default)]
    pub vary: Vec<RawVary>,
    #[serde(default)]
    pub lhs: Option<Spanned<u64>>,
}

/// `[[sweep.vary]]`: a path and either its values or a range.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawVary {
    pub path: Spanned<String>,
    #[serde(default)]
    pub values: Option<Spanned<Vec<toml::Value>>>,
    /// `"LO:HI:STEPS"`, or `"LO:HI"` for a Latin hypercube.
    #[serde(default)]
    pub range: Option<Spanned<String>>,
}

/// `[[hurdle]]`: a published back-of-envelope figure as a product of factors.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawHurdle {
    pub name: Spanned<String>,
    pub factors: Spanned<Vec<f64>>,
    pub published: Spanned<f64>,
    #[serde(default)]
    pub unit: Option<String>,
}

/// A value given per regime state: `{ boom = 0.9, digestion = 0.6, bust = 0.15 }`.
pub type ByRegime = Spanned<BTreeMap<String, P>>;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawIndustry {
    pub cost_per_gw: P,
    pub gpu_share: P,
    pub hbm_share: P,
    pub obsolescence: P,
    pub opex_per_gw: P,
    pub tax_life_years: P,
    pub credit: RawCredit,
    pub required_revenue: RawRequiredRevenue,
    pub compute: RawCompute,
    pub price: RawPrice,
    pub power: RawPower,
    pub investment: RawInvestment,
    pub supplier_margin: P,
    pub end_user: RawEndUser,
}

/// `[industry.end_user]`: what end users pay for AI beyond the labs.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawEndUser {
    pub services_per_compute: P,
    pub monetisation_growth: P,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawCompute {
    pub new_per_gw: P,
    pub efficiency_growth: P,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawPrice {
    pub economic_life_years: P,
    pub cost_of_capital: P,
    pub slack_exponent: P,
    pub scarcity_exponent: P,
    pub max_premium: P,
    pub demand_response: P,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawPower {
    pub budget_gw: P,
    pub growth: P,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawInvestment {
    pub committed_quarters: P,
    pub adjustment: P,
    pub gap_quarters: P,
    pub return_sensitivity: P,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawCredit {
    pub spread_per_turn: P,
    pub free_turns: P,
    pub bust: P,
    pub asset_recovery: P,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawRequiredRevenue {
    pub target_return: P,
    pub sequoia_multiple: P,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawHyperscaler {
    pub name: Spanned<String>,
    pub cash: P,
    pub min_cash: P,
    pub debt: P,
    pub coupon: P,
    pub maturity_years: P,
    pub spread: P,
    #[serde(default)]
    pub high_yield: bool,
    /// `true`: the debt amortises evenly (term loans); `false` (default):
    /// a ladder of bullet maturities refinanced at maturity (bonds).
    #[serde(default)]
    pub amortising: bool,
    pub max_leverage: P,
    pub tax_rate: P,
    pub core: RawCore,
    pub capex: RawCapex,
    pub capacity: P,
    #[serde(default = "zero")]
    pub pipeline: P,
    pub build_lag_quarters: Spanned<i64>,
    pub useful_life_years: P,
    pub depreciation: P,
    /// Leases and project finance: fixed quarterly payments (default none).
    #[serde(default)]
    pub leases: RawLeases,
    /// Dividends and buybacks a quarter (default none).
    #[serde(default)]
    pub payout: RawPayout,
    /// Equity raised over the first quarters (default none).
    #[serde(default)]
    pub equity: RawEquity,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawEquity {
    #[serde(default = "zero")]
    pub raise: P,
    #[serde(default = "zero")]
    pub quarters: P,
}

impl Default for RawEquity {
    fn default() -> RawEquity {
        RawEquity {
            raise: zero(),
            quarters: zero(),
        }
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawPayout {
    #[serde(default = "zero")]
    pub dividends: P,
    #[serde(default = "zero")]
    pub buybacks: P,
}

impl Default for RawPayout {
    fn default() -> RawPayout {
        RawPayout {
            dividends: zero(),
            buybacks: zero(),
        }
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawLeases {
    #[serde(default = "zero")]
    pub payment: P,
    #[serde(default = "zero")]
    pub years: P,
}

impl Default for RawLeases {
    fn default() -> RawLeases {
        RawLeases {
            payment: zero(),
            years: zero(),
        }
    }
}

fn zero() -> P {
    Spanned::new(0..0, Param::Fixed(0.0))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawCore {
    pub ocf: P,
    pub growth: P,
    pub vol: P,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawCapex {
    pub start: P,
    pub growth: P,
    pub decay_years: P,
    pub maintenance: P,
    #[serde(default)]
    pub regime: Option<ByRegime>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawLab {
    pub name: Spanned<String>,
    pub revenue: RawLabRevenue,
    pub opex_ratio: P,
    pub cash: P,
    pub runway_quarters: P,
    pub funding: RawFunding,
    pub hazard: P,
    /// Multiplier of `hazard` in each simulated year (the last repeats);
    /// default 1 throughout.
    #[serde(default)]
    pub hazard_profile: Option<Spanned<Vec<f64>>>,
    pub recovery: ByRegime,
    pub recovery_lag_quarters: Spanned<i64>,
    /// Quarters over which a recovery is paid (default 1: one payment).
    #[serde(default)]
    pub recovery_workout_quarters: Option<Spanned<i64>>,
    pub renegotiation: RawRenegotiation,
    pub contagion: RawContagion,
    #[serde(default)]
    pub commitment: Vec<RawCommitment>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawLabRevenue {
    pub start: P,
    pub growth: P,
    pub decay_years: P,
    pub vol: P,
    pub common: P,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawFunding {
    pub round: P,
    pub success: ByRegime,
    /// Modelled companies that fund the lab: name = share of each round.
    #[serde(default)]
    pub funders: Option<Spanned<BTreeMap<String, P>>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawRenegotiation {
    pub probability: P,
    pub haircut: P,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawContagion {
    pub bust: P,
    pub spread: P,
}

/// `[[contract]]`: `payer` buys capacity from `provider` on a schedule.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawContract {
    pub payer: Spanned<String>,
    pub provider: Spanned<String>,
    pub total: P,
    pub start: Spanned<String>,
    pub quarters: Spanned<i64>,
    #[serde(default)]
    pub ramp_quarters: Option<Spanned<i64>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawCommitment {
    pub provider: Spanned<String>,
    pub total: P,
    pub start: Spanned<String>,
    pub quarters: Spanned<i64>,
    #[serde(default)]
    pub ramp_quarters: Option<Spanned<i64>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawThreshold {
    pub name: Spanned<String>,
    pub metric: Spanned<String>,
    #[serde(default)]
    pub window: Option<Spanned<String>>,
    pub op: Spanned<String>,
    pub value: P,
    /// First quarter that counts (default: the start).
    #[serde(default)]
    pub from: Option<Spanned<String>>,
    #[serde(default)]
    pub by: Option<Spanned<String>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawSimulation {
    pub start: Spanned<String>,
    pub quarters: Spanned<i64>,
    pub paths: Spanned<i64>,
    pub seed: Spanned<i64>,
    #[serde(default)]
    pub antithetic: bool,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawMarket {
    pub rates: RawRates,
    pub gpu_price: RawGpuPrice,
    pub hbm_price: RawHbmPrice,
    pub rental_price: RawRentalPrice,
    pub demand: RawDemand,
    pub regime: RawRegime,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawRates {
    pub start: P,
    pub mean: P,
    pub speed: P,
    pub vol: P,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawGpuPrice {
    pub start: P,
    pub drift: P,
    pub vol: P,
    #[serde(default)]
    pub jumps: Option<RawJumps>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawJumps {
    pub rate: P,
    pub mean: P,
    pub sd: P,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawHbmPrice {
    pub start: P,
    pub mean: P,
    pub speed: P,
    pub vol: P,
    #[serde(default)]
    pub squeeze: Option<RawSqueeze>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawSqueeze {
    pub from: Spanned<String>,
    pub to: Spanned<String>,
    pub level: P,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawRentalPrice {
    pub start: P,
    /// Only without `[industry]`: with capacity modelled the price clears.
    #[serde(default)]
    pub pass_through: Option<P>,
    pub gpus_per_gw: P,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawDemand {
    pub start: P,
    pub growth: P,
    pub vol: P,
    pub price_elasticity: P,
    #[serde(default)]
    pub regime_scale: Option<Spanned<BTreeMap<String, P>>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawRegime {
    pub states: Spanned<Vec<Spanned<String>>>,
    pub start: Spanned<String>,
    pub transition: Spanned<Vec<Spanned<Vec<f64>>>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawCorrelation {
    #[serde(default)]
    pub pairs: Vec<Spanned<(String, String, f64)>>,
}
