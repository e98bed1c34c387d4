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
    pub simulation: RawSimulation,
    pub market: RawMarket,
    #[serde(default)]
    pub correlation: Option<RawCorrelation>,
    #[serde(default)]
    pub threshold: Vec<RawThreshold>,
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
    pub pass_through: P,
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
