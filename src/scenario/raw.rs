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

#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawScenario {
    /// The fact table cited values refer to, relative to the scenario file.
    #[serde(default)]
    #[schemars(with = "Option<String>")]
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
#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawSweep {
    #[serde(default)]
    pub vary: Vec<RawVary>,
    #[serde(default)]
    #[schemars(with = "Option<u64>")]
    pub lhs: Option<Spanned<u64>>,
}

/// `[[sweep.vary]]`: a path and either its values or a range.
#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawVary {
    #[schemars(with = "String")]
    pub path: Spanned<String>,
    #[serde(default)]
    #[schemars(with = "Option<Vec<serde_json::Value>>")]
    pub values: Option<Spanned<Vec<toml::Value>>>,
    /// `"LO:HI:STEPS"`, or `"LO:HI"` for a Latin hypercube.
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub range: Option<Spanned<String>>,
}

/// `[[hurdle]]`: a published back-of-envelope figure as a product of factors.
#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawHurdle {
    #[schemars(with = "String")]
    pub name: Spanned<String>,
    #[schemars(with = "Vec<f64>")]
    pub factors: Spanned<Vec<f64>>,
    #[schemars(with = "f64")]
    pub published: Spanned<f64>,
    #[serde(default)]
    pub unit: Option<String>,
}

/// A value given per regime state: `{ boom = 0.9, digestion = 0.6, bust = 0.15 }`.
pub type ByRegime = Spanned<BTreeMap<String, P>>;

#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawIndustry {
    #[schemars(with = "Param")]
    pub cost_per_gw: P,
    #[schemars(with = "Param")]
    pub gpu_share: P,
    #[schemars(with = "Param")]
    pub hbm_share: P,
    #[schemars(with = "Param")]
    pub obsolescence: P,
    #[schemars(with = "Param")]
    pub opex_per_gw: P,
    #[schemars(with = "Param")]
    pub tax_life_years: P,
    pub credit: RawCredit,
    pub required_revenue: RawRequiredRevenue,
    pub compute: RawCompute,
    pub price: RawPrice,
    pub power: RawPower,
    pub investment: RawInvestment,
    #[schemars(with = "Param")]
    pub supplier_margin: P,
    pub end_user: RawEndUser,
}

/// `[industry.end_user]`: what end users pay for AI beyond the labs.
#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawEndUser {
    #[schemars(with = "Param")]
    pub services_per_compute: P,
    #[schemars(with = "Param")]
    pub monetisation_growth: P,
}

#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawCompute {
    #[schemars(with = "Param")]
    pub new_per_gw: P,
    #[schemars(with = "Param")]
    pub efficiency_growth: P,
}

#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawPrice {
    #[schemars(with = "Param")]
    pub economic_life_years: P,
    #[schemars(with = "Param")]
    pub cost_of_capital: P,
    #[schemars(with = "Param")]
    pub slack_exponent: P,
    #[schemars(with = "Param")]
    pub scarcity_exponent: P,
    #[schemars(with = "Param")]
    pub max_premium: P,
    #[schemars(with = "Param")]
    pub demand_response: P,
}

#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawPower {
    #[schemars(with = "Param")]
    pub budget_gw: P,
    #[schemars(with = "Param")]
    pub growth: P,
}

#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawInvestment {
    #[schemars(with = "Param")]
    pub committed_quarters: P,
    #[schemars(with = "Param")]
    pub adjustment: P,
    #[schemars(with = "Param")]
    pub gap_quarters: P,
    #[schemars(with = "Param")]
    pub return_sensitivity: P,
}

#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawCredit {
    #[schemars(with = "Param")]
    pub spread_per_turn: P,
    #[schemars(with = "Param")]
    pub free_turns: P,
    #[schemars(with = "Param")]
    pub bust: P,
    #[schemars(with = "Param")]
    pub asset_recovery: P,
}

#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawRequiredRevenue {
    #[schemars(with = "Param")]
    pub target_return: P,
    #[schemars(with = "Param")]
    pub sequoia_multiple: P,
}

#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawHyperscaler {
    #[schemars(with = "String")]
    pub name: Spanned<String>,
    #[schemars(with = "Param")]
    pub cash: P,
    #[schemars(with = "Param")]
    pub min_cash: P,
    #[schemars(with = "Param")]
    pub debt: P,
    #[schemars(with = "Param")]
    pub coupon: P,
    #[schemars(with = "Param")]
    pub maturity_years: P,
    #[schemars(with = "Param")]
    pub spread: P,
    #[serde(default)]
    pub high_yield: bool,
    /// `true`: the debt amortises evenly (term loans); `false` (default):
    /// a ladder of bullet maturities refinanced at maturity (bonds).
    #[serde(default)]
    pub amortising: bool,
    #[schemars(with = "Param")]
    pub max_leverage: P,
    #[schemars(with = "Param")]
    pub tax_rate: P,
    pub core: RawCore,
    pub capex: RawCapex,
    #[schemars(with = "Param")]
    pub capacity: P,
    #[serde(default = "zero")]
    #[schemars(with = "Param")]
    pub pipeline: P,
    #[schemars(with = "i64")]
    pub build_lag_quarters: Spanned<i64>,
    #[schemars(with = "Param")]
    pub useful_life_years: P,
    #[schemars(with = "Param")]
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

#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawEquity {
    #[serde(default = "zero")]
    #[schemars(with = "Param")]
    pub raise: P,
    #[serde(default = "zero")]
    #[schemars(with = "Param")]
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

#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawPayout {
    #[serde(default = "zero")]
    #[schemars(with = "Param")]
    pub dividends: P,
    #[serde(default = "zero")]
    #[schemars(with = "Param")]
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

#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawLeases {
    #[serde(default = "zero")]
    #[schemars(with = "Param")]
    pub payment: P,
    #[serde(default = "zero")]
    #[schemars(with = "Param")]
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

#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawCore {
    #[schemars(with = "Param")]
    pub ocf: P,
    #[schemars(with = "Param")]
    pub growth: P,
    #[schemars(with = "Param")]
    pub vol: P,
}

#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawCapex {
    #[schemars(with = "Param")]
    pub start: P,
    #[schemars(with = "Param")]
    pub growth: P,
    #[schemars(with = "Param")]
    pub decay_years: P,
    #[schemars(with = "Param")]
    pub maintenance: P,
    #[serde(default)]
    #[schemars(with = "Option<BTreeMap<String, Param>>")]
    pub regime: Option<ByRegime>,
}

#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawLab {
    #[schemars(with = "String")]
    pub name: Spanned<String>,
    pub revenue: RawLabRevenue,
    #[schemars(with = "Param")]
    pub opex_ratio: P,
    #[schemars(with = "Param")]
    pub cash: P,
    #[schemars(with = "Param")]
    pub runway_quarters: P,
    pub funding: RawFunding,
    #[schemars(with = "Param")]
    pub hazard: P,
    /// Multiplier of `hazard` in each simulated year (the last repeats);
    /// default 1 throughout.
    #[serde(default)]
    #[schemars(with = "Option<Vec<f64>>")]
    pub hazard_profile: Option<Spanned<Vec<f64>>>,
    #[schemars(with = "BTreeMap<String, Param>")]
    pub recovery: ByRegime,
    #[schemars(with = "i64")]
    pub recovery_lag_quarters: Spanned<i64>,
    /// Quarters over which a recovery is paid (default 1: one payment).
    #[serde(default)]
    #[schemars(with = "Option<i64>")]
    pub recovery_workout_quarters: Option<Spanned<i64>>,
    pub renegotiation: RawRenegotiation,
    pub contagion: RawContagion,
    #[serde(default)]
    pub commitment: Vec<RawCommitment>,
}

#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawLabRevenue {
    #[schemars(with = "Param")]
    pub start: P,
    #[schemars(with = "Param")]
    pub growth: P,
    #[schemars(with = "Param")]
    pub decay_years: P,
    #[schemars(with = "Param")]
    pub vol: P,
    #[schemars(with = "Param")]
    pub common: P,
}

#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawFunding {
    #[schemars(with = "Param")]
    pub round: P,
    #[schemars(with = "BTreeMap<String, Param>")]
    pub success: ByRegime,
    /// Modelled companies that fund the lab: name = share of each round.
    #[serde(default)]
    #[schemars(with = "Option<BTreeMap<String, Param>>")]
    pub funders: Option<Spanned<BTreeMap<String, P>>>,
}

#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawRenegotiation {
    #[schemars(with = "Param")]
    pub probability: P,
    #[schemars(with = "Param")]
    pub haircut: P,
}

#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawContagion {
    #[schemars(with = "Param")]
    pub bust: P,
    #[schemars(with = "Param")]
    pub spread: P,
}

/// `[[contract]]`: `payer` buys capacity from `provider` on a schedule.
#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawContract {
    #[schemars(with = "String")]
    pub payer: Spanned<String>,
    #[schemars(with = "String")]
    pub provider: Spanned<String>,
    #[schemars(with = "Param")]
    pub total: P,
    #[schemars(with = "String")]
    pub start: Spanned<String>,
    #[schemars(with = "i64")]
    pub quarters: Spanned<i64>,
    #[serde(default)]
    #[schemars(with = "Option<i64>")]
    pub ramp_quarters: Option<Spanned<i64>>,
}

#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawCommitment {
    #[schemars(with = "String")]
    pub provider: Spanned<String>,
    #[schemars(with = "Param")]
    pub total: P,
    #[schemars(with = "String")]
    pub start: Spanned<String>,
    #[schemars(with = "i64")]
    pub quarters: Spanned<i64>,
    #[serde(default)]
    #[schemars(with = "Option<i64>")]
    pub ramp_quarters: Option<Spanned<i64>>,
}

#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawThreshold {
    #[schemars(with = "String")]
    pub name: Spanned<String>,
    #[schemars(with = "String")]
    pub metric: Spanned<String>,
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub window: Option<Spanned<String>>,
    #[schemars(with = "String")]
    pub op: Spanned<String>,
    #[schemars(with = "Param")]
    pub value: P,
    /// First quarter that counts (default: the start).
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub from: Option<Spanned<String>>,
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub by: Option<Spanned<String>>,
}

#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawSimulation {
    #[schemars(with = "String")]
    pub start: Spanned<String>,
    #[schemars(with = "i64")]
    pub quarters: Spanned<i64>,
    #[schemars(with = "i64")]
    pub paths: Spanned<i64>,
    #[schemars(with = "i64")]
    pub seed: Spanned<i64>,
    #[serde(default)]
    pub antithetic: bool,
}

#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawMarket {
    pub rates: RawRates,
    pub gpu_price: RawGpuPrice,
    pub hbm_price: RawHbmPrice,
    pub rental_price: RawRentalPrice,
    pub demand: RawDemand,
    pub regime: RawRegime,
}

#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawRates {
    #[schemars(with = "Param")]
    pub start: P,
    #[schemars(with = "Param")]
    pub mean: P,
    #[schemars(with = "Param")]
    pub speed: P,
    #[schemars(with = "Param")]
    pub vol: P,
}

#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawGpuPrice {
    #[schemars(with = "Param")]
    pub start: P,
    #[schemars(with = "Param")]
    pub drift: P,
    #[schemars(with = "Param")]
    pub vol: P,
    #[serde(default)]
    pub jumps: Option<RawJumps>,
}

#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawJumps {
    #[schemars(with = "Param")]
    pub rate: P,
    #[schemars(with = "Param")]
    pub mean: P,
    #[schemars(with = "Param")]
    pub sd: P,
}

#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawHbmPrice {
    #[schemars(with = "Param")]
    pub start: P,
    #[schemars(with = "Param")]
    pub mean: P,
    #[schemars(with = "Param")]
    pub speed: P,
    #[schemars(with = "Param")]
    pub vol: P,
    #[serde(default)]
    pub squeeze: Option<RawSqueeze>,
}

#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawSqueeze {
    #[schemars(with = "String")]
    pub from: Spanned<String>,
    #[schemars(with = "String")]
    pub to: Spanned<String>,
    #[schemars(with = "Param")]
    pub level: P,
}

#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawRentalPrice {
    #[schemars(with = "Param")]
    pub start: P,
    /// Only without `[industry]`: with capacity modelled the price clears.
    #[serde(default)]
    #[schemars(with = "Option<Param>")]
    pub pass_through: Option<P>,
    #[schemars(with = "Param")]
    pub gpus_per_gw: P,
}

#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawDemand {
    #[schemars(with = "Param")]
    pub start: P,
    #[schemars(with = "Param")]
    pub growth: P,
    #[schemars(with = "Param")]
    pub vol: P,
    #[schemars(with = "Param")]
    pub price_elasticity: P,
    #[serde(default)]
    #[schemars(with = "Option<BTreeMap<String, Param>>")]
    pub regime_scale: Option<Spanned<BTreeMap<String, P>>>,
}

#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawRegime {
    #[schemars(with = "Vec<String>")]
    pub states: Spanned<Vec<Spanned<String>>>,
    #[schemars(with = "String")]
    pub start: Spanned<String>,
    #[schemars(with = "Vec<Vec<f64>>")]
    pub transition: Spanned<Vec<Spanned<Vec<f64>>>>,
}

#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawCorrelation {
    #[serde(default)]
    #[schemars(with = "Vec<(String, String, f64)>")]
    pub pairs: Vec<Spanned<(String, String, f64)>>,
}
