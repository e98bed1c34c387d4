//! Uncertain parameters: a scenario scalar that is either a number or a
//! distribution drawn once per path.
//!
//! This module owns the TOML form of a parameter (`0.3` or
//! `{ dist = "pert", min = 0.02, mode = 0.06, max = 0.20 }`), the support and
//! moments of every distribution (used by validation and by the statistical
//! tests), and the draw itself. It knows nothing of where a parameter sits in
//! the scenario.

use rand::distr::weighted::WeightedIndex;
use rand::{Rng, RngExt};
use rand_distr::{Beta, Distribution, LogNormal, Normal, Pert, Triangular, Uniform};
use serde::Deserialize;
use serde::de::{self, Deserializer, MapAccess, Visitor};
use std::fmt;

/// A scenario scalar: fixed, or a distribution drawn once per path.
#[derive(Debug, Clone, PartialEq)]
pub enum Param {
    /// A plain number.
    Fixed(f64),
    /// A distribution; see [`Dist`].
    Dist(Dist),
}

/// The distributions a parameter may follow. Field names are the TOML keys.
#[derive(Debug, Clone, PartialEq, Deserialize, schemars::JsonSchema)]
#[serde(tag = "dist", rename_all = "lowercase", deny_unknown_fields)]
pub enum Dist {
    /// Normal with mean and standard deviation.
    Normal { mean: f64, sd: f64 },
    /// Lognormal: the log is normal with mean `mu` and standard deviation `sigma`.
    Lognormal { mu: f64, sigma: f64 },
    /// Uniform on `[min, max)`.
    Uniform { min: f64, max: f64 },
    /// Triangular on `[min, max]` with its peak at `mode`.
    Triangular { min: f64, mode: f64, max: f64 },
    /// PERT (a scaled beta) on `[min, max]` with mode `mode`; `shape` defaults to 4.
    Pert {
        min: f64,
        mode: f64,
        max: f64,
        #[serde(default = "default_pert_shape")]
        shape: f64,
    },
    /// Beta(alpha, beta) scaled to `[min, max]` (default `[0, 1]`).
    Beta {
        alpha: f64,
        beta: f64,
        #[serde(default)]
        min: f64,
        #[serde(default = "one")]
        max: f64,
    },
    /// One of `values`, with probabilities proportional to `weights` (equal if omitted).
    Discrete {
        values: Vec<f64>,
        #[serde(default)]
        weights: Vec<f64>,
    },
}

fn default_pert_shape() -> f64 {
    4.0
}
fn one() -> f64 {
    1.0
}

impl Param {
    /// The smallest and largest value a draw can take (infinite when unbounded).
    pub fn support(&self) -> (f64, f64) {
        match self {
            Param::Fixed(v) => (*v, *v),
            Param::Dist(d) => d.support(),
        }
    }

    /// The mean of the parameter (the value itself when fixed).
    pub fn mean(&self) -> f64 {
        match self {
            Param::Fixed(v) => *v,
            Param::Dist(d) => d.mean(),
        }
    }

    /// True when the parameter is a plain number.
    pub fn is_fixed(&self) -> bool {
        matches!(self, Param::Fixed(_))
    }

    /// Checks the distribution's own parameters (sd ≥ 0, min < max, …).
    pub fn check(&self) -> Result<(), String> {
        match self {
            Param::Fixed(v) if !v.is_finite() => {
                Err(format!("expected a finite number, found {v}"))
            }
            Param::Fixed(_) => Ok(()),
            Param::Dist(d) => d.check(),
        }
    }

    /// Builds the sampler once, so a path draws without re-validating.
    pub fn sampler(&self) -> Sampler {
        match self {
            Param::Fixed(v) => Sampler::Fixed(*v),
            Param::Dist(d) => d.sampler(),
        }
    }
}

impl Dist {
    fn name(&self) -> &'static str {
        match self {
            Dist::Normal { .. } => "normal",
            Dist::Lognormal { .. } => "lognormal",
            Dist::Uniform { .. } => "uniform",
            Dist::Triangular { .. } => "triangular",
            Dist::Pert { .. } => "pert",
            Dist::Beta { .. } => "beta",
            Dist::Discrete { .. } => "discrete",
        }
    }

    /// Support `[lo, hi]` of the distribution.
    pub fn support(&self) -> (f64, f64) {
        match self {
            Dist::Normal { sd, mean } if *sd == 0.0 => (*mean, *mean),
            Dist::Normal { .. } => (f64::NEG_INFINITY, f64::INFINITY),
            Dist::Lognormal { .. } => (0.0, f64::INFINITY),
            Dist::Uniform { min, max }
            | Dist::Triangular { min, max, .. }
            | Dist::Pert { min, max, .. }
            | Dist::Beta { min, max, .. } => (*min, *max),
            Dist::Discrete { values, .. } => values
                .iter()
                .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), v| {
                    (lo.min(*v), hi.max(*v))
                }),
        }
    }

    /// Closed-form mean.
    pub fn mean(&self) -> f64 {
        match self {
            Dist::Normal { mean, .. } => *mean,
            Dist::Lognormal { mu, sigma } => (mu + sigma * sigma / 2.0).exp(),
            Dist::Uniform { min, max } => (min + max) / 2.0,
            Dist::Triangular { min, mode, max } => (min + mode + max) / 3.0,
            Dist::Pert {
                min,
                mode,
                max,
                shape,
            } => (min + shape * mode + max) / (shape + 2.0),
            Dist::Beta {
                alpha,
                beta,
                min,
                max,
            } => min + (max - min) * alpha / (alpha + beta),
            Dist::Discrete { values, weights } => {
                let w = normalised_weights(values.len(), weights);
                values.iter().zip(&w).map(|(v, p)| v * p).sum()
            }
        }
    }

    /// Closed-form variance.
    pub fn variance(&self) -> f64 {
        match self {
            Dist::Normal { sd, .. } => sd * sd,
            Dist::Lognormal { mu, sigma } => {
                let s2 = sigma * sigma;
                (s2.exp() - 1.0) * (2.0 * mu + s2).exp()
            }
            Dist::Uniform { min, max } => (max - min).powi(2) / 12.0,
            Dist::Triangular {
                min: a,
                mode: c,
                max: b,
            } => (a * a + b * b + c * c - a * b - a * c - b * c) / 18.0,
            Dist::Pert { .. } | Dist::Beta { .. } => {
                let (a, b, min, max) = self.as_beta().expect("a beta law");
                (max - min).powi(2) * a * b / ((a + b).powi(2) * (a + b + 1.0))
            }
            Dist::Discrete { values, weights } => {
                let w = normalised_weights(values.len(), weights);
                let m: f64 = values.iter().zip(&w).map(|(v, p)| v * p).sum();
                values
                    .iter()
                    .zip(&w)
                    .map(|(v, p)| p * (v - m).powi(2))
                    .sum()
            }
        }
    }

    /// A PERT or beta law as (α, β, min, max) of `min + (max − min) ·
    /// Beta(α, β)`; PERT's α = 1 + shape · (mode − min) / (max − min).
    fn as_beta(&self) -> Option<(f64, f64, f64, f64)> {
        match *self {
            Dist::Pert {
                min,
                mode,
                max,
                shape,
            } => {
                let r = max - min;
                Some((
                    1.0 + shape * (mode - min) / r,
                    1.0 + shape * (max - mode) / r,
                    min,
                    max,
                ))
            }
            Dist::Beta {
                alpha,
                beta,
                min,
                max,
            } => Some((alpha, beta, min, max)),
            _ => None,
        }
    }

    /// The `p`-quantile (0 < p < 1): the value a share `p` of draws fall
    /// at or below (for a discrete law, the smallest value reaching `p`).
    pub fn quantile(&self, p: f64) -> f64 {
        use statrs::distribution::{
            Beta as SBeta, ContinuousCDF, LogNormal as SLog, Normal as SNormal,
        };
        let beta = |a: f64, b: f64| SBeta::new(a, b).map_or(f64::NAN, |d| d.inverse_cdf(p));
        match self {
            Dist::Normal { mean, sd } if *sd == 0.0 => *mean,
            Dist::Normal { mean, sd } => {
                SNormal::new(*mean, *sd).map_or(f64::NAN, |d| d.inverse_cdf(p))
            }
            Dist::Lognormal { mu, sigma } if *sigma == 0.0 => mu.exp(),
            Dist::Lognormal { mu, sigma } => {
                SLog::new(*mu, *sigma).map_or(f64::NAN, |d| d.inverse_cdf(p))
            }
            Dist::Uniform { min, max } => min + p * (max - min),
            Dist::Triangular {
                min: a,
                mode: c,
                max: b,
            } => {
                if p < (c - a) / (b - a) {
                    a + (p * (b - a) * (c - a)).sqrt()
                } else {
                    b - ((1.0 - p) * (b - a) * (b - c)).sqrt()
                }
            }
            Dist::Pert { .. } | Dist::Beta { .. } => {
                let (a, b, min, max) = self.as_beta().expect("a beta law");
                min + (max - min) * beta(a, b)
            }
            Dist::Discrete { values, weights } => {
                let w = normalised_weights(values.len(), weights);
                let mut pairs: Vec<(f64, f64)> = values.iter().copied().zip(w).collect();
                pairs.sort_by(|x, y| x.0.total_cmp(&y.0));
                let mut total = 0.0;
                for (v, w) in &pairs {
                    total += w;
                    if total >= p - 1e-12 {
                        return *v;
                    }
                }
                pairs.last().map_or(f64::NAN, |x| x.0)
            }
        }
    }

    fn check(&self) -> Result<(), String> {
        let name = self.name();
        let finite = |xs: &[f64]| xs.iter().all(|x| x.is_finite());
        match self {
            Dist::Normal { mean, sd } => ensure(finite(&[*mean, *sd]) && *sd >= 0.0, || {
                format!("{name}: `sd` must be ≥ 0, found {sd}")
            }),
            Dist::Lognormal { mu, sigma } => {
                ensure(finite(&[*mu, *sigma]) && *sigma >= 0.0, || {
                    format!("{name}: `sigma` must be ≥ 0, found {sigma}")
                })
            }
            Dist::Uniform { min, max } => ensure(finite(&[*min, *max]) && min < max, || {
                format!("{name}: needs `min` < `max`, found min = {min}, max = {max}")
            }),
            Dist::Triangular { min, mode, max } | Dist::Pert { min, mode, max, .. } => {
                ensure(
                    finite(&[*min, *mode, *max]) && min < max && min <= mode && mode <= max,
                    || {
                        format!(
                            "{name}: needs `min` ≤ `mode` ≤ `max` and `min` < `max`, found min = {min}, mode = {mode}, max = {max}"
                        )
                    },
                )?;
                if let Dist::Pert { shape, .. } = self {
                    ensure(shape.is_finite() && *shape > 0.0, || {
                        format!("{name}: `shape` must be > 0, found {shape}")
                    })?;
                }
                Ok(())
            }
            Dist::Beta {
                alpha,
                beta,
                min,
                max,
            } => {
                ensure(
                    finite(&[*alpha, *beta]) && *alpha > 0.0 && *beta > 0.0,
                    || {
                        format!(
                            "{name}: `alpha` and `beta` must be > 0, found alpha = {alpha}, beta = {beta}"
                        )
                    },
                )?;
                ensure(finite(&[*min, *max]) && min < max, || {
                    format!("{name}: needs `min` < `max`, found min = {min}, max = {max}")
                })
            }
            Dist::Discrete { values, weights } => {
                ensure(!values.is_empty() && finite(values), || {
                    format!("{name}: `values` must be a non-empty list of finite numbers")
                })?;
                ensure(weights.is_empty() || weights.len() == values.len(), || {
                    format!(
                        "{name}: `weights` has {} entries but `values` has {}",
                        weights.len(),
                        values.len()
                    )
                })?;
                ensure(
                    weights.iter().all(|w| w.is_finite() && *w >= 0.0)
                        && (weights.is_empty() || weights.iter().sum::<f64>() > 0.0),
                    || format!("{name}: `weights` must be ≥ 0 with a positive sum"),
                )
            }
        }
    }

    fn sampler(&self) -> Sampler {
        // `check` has run during validation; the constructors cannot fail here.
        let bad =
            |e: &dyn fmt::Debug| -> ! { unreachable!("validated distribution rejected: {e:?}") };
        match self {
            Dist::Normal { mean, sd } => {
                Sampler::Normal(Normal::new(*mean, *sd).unwrap_or_else(|e| bad(&e)))
            }
            Dist::Lognormal { mu, sigma } => {
                Sampler::Lognormal(LogNormal::new(*mu, *sigma).unwrap_or_else(|e| bad(&e)))
            }
            Dist::Uniform { min, max } => {
                Sampler::Uniform(Uniform::new(*min, *max).unwrap_or_else(|e| bad(&e)))
            }
            Dist::Triangular { min, mode, max } => {
                Sampler::Triangular(Triangular::new(*min, *max, *mode).unwrap_or_else(|e| bad(&e)))
            }
            Dist::Pert {
                min,
                mode,
                max,
                shape,
            } => Sampler::Pert(
                Pert::new(*min, *max)
                    .with_shape(*shape)
                    .with_mode(*mode)
                    .unwrap_or_else(|e| bad(&e)),
            ),
            Dist::Beta {
                alpha,
                beta,
                min,
                max,
            } => Sampler::Beta {
                beta: Beta::new(*alpha, *beta).unwrap_or_else(|e| bad(&e)),
                min: *min,
                width: max - min,
            },
            Dist::Discrete { values, weights } => Sampler::Discrete {
                index: WeightedIndex::new(normalised_weights(values.len(), weights))
                    .unwrap_or_else(|e| bad(&e)),
                values: values.clone(),
            },
        }
    }
}

fn ensure(ok: bool, msg: impl FnOnce() -> String) -> Result<(), String> {
    if ok { Ok(()) } else { Err(msg()) }
}

fn normalised_weights(n: usize, weights: &[f64]) -> Vec<f64> {
    if weights.is_empty() {
        return vec![1.0 / n as f64; n];
    }
    let total: f64 = weights.iter().sum();
    weights.iter().map(|w| w / total).collect()
}

/// A ready-to-draw parameter.
#[derive(Debug, Clone)]
pub enum Sampler {
    Fixed(f64),
    Normal(Normal<f64>),
    Lognormal(LogNormal<f64>),
    Uniform(Uniform<f64>),
    Triangular(Triangular<f64>),
    Pert(Pert<f64>),
    Beta {
        beta: Beta<f64>,
        min: f64,
        width: f64,
    },
    Discrete {
        index: WeightedIndex<f64>,
        values: Vec<f64>,
    },
}

impl Sampler {
    /// Draws one value. A fixed parameter consumes no randomness.
    pub fn draw<R: Rng + ?Sized>(&self, rng: &mut R) -> f64 {
        match self {
            Sampler::Fixed(v) => *v,
            Sampler::Normal(d) => rng.sample(d),
            Sampler::Lognormal(d) => rng.sample(d),
            Sampler::Uniform(d) => rng.sample(d),
            Sampler::Triangular(d) => rng.sample(d),
            Sampler::Pert(d) => rng.sample(d),
            Sampler::Beta { beta, min, width } => min + width * beta.sample(rng),
            Sampler::Discrete { index, values } => values[index.sample(rng)],
        }
    }
}

impl<'de> Deserialize<'de> for Param {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct ParamVisitor;
        impl<'de> Visitor<'de> for ParamVisitor {
            type Value = Param;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a number or a distribution such as { dist = \"pert\", min = 0.02, mode = 0.06, max = 0.2 }")
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Param, E> {
                Ok(Param::Fixed(v))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Param, E> {
                Ok(Param::Fixed(v as f64))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Param, E> {
                Ok(Param::Fixed(v as f64))
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Param, A::Error> {
                Dist::deserialize(de::value::MapAccessDeserializer::new(map)).map(Param::Dist)
            }
        }
        deserializer.deserialize_any(ParamVisitor)
    }
}

/// A number, or a distribution table (`{ dist = "pert", … }`).
impl schemars::JsonSchema for Param {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Param".into()
    }

    fn json_schema(generator: &mut schemars::SchemaGenerator) -> schemars::Schema {
        let dist = generator.subschema_for::<Dist>();
        schemars::json_schema!({
            "description": "a number, or a distribution drawn once per path",
            "anyOf": [{ "type": "number" }, dist]
        })
    }
}

impl fmt::Display for Param {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Param::Fixed(v) => f.write_str(&crate::number::shortest(*v)),
            Param::Dist(d) => match d {
                Dist::Normal { mean, sd } => write!(f, "normal(mean {mean}, sd {sd})"),
                Dist::Lognormal { mu, sigma } => write!(f, "lognormal(mu {mu}, sigma {sigma})"),
                Dist::Uniform { min, max } => write!(f, "uniform({min}, {max})"),
                Dist::Triangular { min, mode, max } => {
                    write!(f, "triangular({min}, {mode}, {max})")
                }
                Dist::Pert {
                    min,
                    mode,
                    max,
                    shape,
                } => write!(f, "pert({min}, {mode}, {max}; shape {shape})"),
                Dist::Beta {
                    alpha,
                    beta,
                    min,
                    max,
                } => write!(f, "beta({alpha}, {beta}) on [{min}, {max}]"),
                Dist::Discrete { values, weights } => {
                    write!(f, "discrete {values:?} weights {weights:?}")
                }
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(s: &str) -> Result<Param, toml::de::Error> {
        #[derive(Deserialize)]
        struct W {
            p: Param,
        }
        toml::from_str::<W>(&format!("p = {s}")).map(|w| w.p)
    }

    #[test]
    fn numbers_and_distributions_parse() {
        assert_eq!(parse("3").unwrap(), Param::Fixed(3.0));
        assert_eq!(parse("-0.25").unwrap(), Param::Fixed(-0.25));
        let p = parse(r#"{ dist = "pert", min = 0.02, mode = 0.06, max = 0.2 }"#).unwrap();
        assert_eq!(p.support(), (0.02, 0.2));
        assert!(
            parse(r#"{ dist = "pertt", min = 0 }"#)
                .unwrap_err()
                .to_string()
                .contains("pertt")
        );
        assert!(
            parse(r#"{ dist = "normal", mean = 0, sdd = 1 }"#)
                .unwrap_err()
                .to_string()
                .contains("sdd")
        );
    }

    /// Quantiles against closed forms and a large sample.
    #[test]
    fn quantiles_match_closed_forms_and_draws() {
        let q = |s: &str, p: f64| match parse(s).unwrap() {
            Param::Dist(d) => d.quantile(p),
            Param::Fixed(_) => unreachable!(),
        };
        let near = |a: f64, b: f64, tol: f64| assert!((a - b).abs() <= tol, "{a} vs {b}");
        near(
            q(r#"{ dist = "uniform", min = 2, max = 4 }"#, 0.1),
            2.2,
            1e-12,
        );
        near(
            q(r#"{ dist = "normal", mean = 1, sd = 2 }"#, 0.9),
            1.0 + 2.0 * 1.2815515655446004,
            1e-9,
        );
        near(
            q(
                r#"{ dist = "triangular", min = 0, mode = 1, max = 1 }"#,
                0.25,
            ),
            0.5,
            1e-12,
        );
        near(
            q(r#"{ dist = "discrete", values = [3, 1, 2] }"#, 0.5),
            2.0,
            0.0,
        );
        // PERT(0, 0.5, 1) is Beta(3, 3), symmetric about 0.5.
        near(
            q(r#"{ dist = "pert", min = 0, mode = 0.5, max = 1 }"#, 0.5),
            0.5,
            1e-9,
        );
        // Against 200,000 draws of an asymmetric PERT.
        let s = r#"{ dist = "pert", min = 0.1, mode = 0.3, max = 0.8 }"#;
        let sampler = parse(s).unwrap().sampler();
        let mut rng = <rand_xoshiro::Xoshiro256PlusPlus as rand::SeedableRng>::seed_from_u64(5);
        let mut xs: Vec<f64> = (0..200_000).map(|_| sampler.draw(&mut rng)).collect();
        xs.sort_by(f64::total_cmp);
        for p in [0.1, 0.5, 0.9] {
            near(q(s, p), xs[(p * 200_000.0) as usize], 0.003);
        }
    }

    #[test]
    fn check_rejects_bad_shapes() {
        assert!(
            parse(r#"{ dist = "uniform", min = 1, max = 0 }"#)
                .unwrap()
                .check()
                .is_err()
        );
        assert!(
            parse(r#"{ dist = "triangular", min = 0, mode = 2, max = 1 }"#)
                .unwrap()
                .check()
                .is_err()
        );
        assert!(
            parse(r#"{ dist = "discrete", values = [1, 2], weights = [1] }"#)
                .unwrap()
                .check()
                .is_err()
        );
        assert!(
            parse(r#"{ dist = "beta", alpha = 0, beta = 1 }"#)
                .unwrap()
                .check()
                .is_err()
        );
    }
}
