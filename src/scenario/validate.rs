//! Raw scenario → domain `Scenario`, collecting every problem with its
//! location, the key, what was expected and how to fix it.

use super::diagnostic::{Diagnostic, Diagnostics, Source, suggest};
use super::overrides::Override;
use super::param::Param;
use super::raw::{self, P};
use super::*;
use crate::process::correlation::cholesky_psd;
use crate::sweep::{Axis, Design};
use std::collections::BTreeMap;
use toml::Spanned;

mod companies;

/// Rows of a transition matrix must sum to 1 within this.
const ROW_SUM_TOLERANCE: f64 = 1e-9;

pub(super) fn validate(src: &Source, overrides: &[Override]) -> Result<Scenario, Diagnostics> {
    let raw: raw::RawScenario = toml::from_str(&src.text).map_err(|e| {
        let mut d = parse_error(src, &e);
        if let Some(o) = overrides.iter().find(|o| o.path == d.key) {
            d.message
                .push_str(&format!(" (value set by {})", o.as_typed()));
        }
        Diagnostics(vec![d])
    })?;
    let mut v = Validator {
        src,
        overrides,
        errors: Vec::new(),
        units: BTreeMap::new(),
    };
    let scenario = v.scenario(raw);
    if v.errors.is_empty() {
        Ok(scenario)
    } else {
        Err(Diagnostics(v.errors))
    }
}

/// Turns a TOML syntax or type error into a diagnostic naming the key.
fn parse_error(src: &Source, e: &toml::de::Error) -> Diagnostic {
    let span = e.span();
    let key = span
        .as_ref()
        .map(|s| src.key_at(s.start))
        .unwrap_or_default();
    let message = e.message().trim().to_string();
    let mut d = src.at(span.clone(), &key, message.clone());
    if let Some(rest) = message.strip_prefix("unknown field `") {
        if let Some((word, expected)) = rest.split_once('`') {
            let candidates: Vec<&str> = expected.split('`').skip(1).step_by(2).collect();
            d.message = format!(
                "unknown key `{word}`; {}",
                expected.trim_start_matches(',').trim()
            );
            d.help = Some(match suggest(word, candidates.iter().copied()) {
                Some(best) => format!("did you mean `{best}`?"),
                None => {
                    "remove it, or check the scenario reference in docs/scenario.md".to_string()
                }
            });
        }
    } else if let Some(rest) = message.strip_prefix("unknown variant `") {
        if let Some((word, expected)) = rest.split_once('`') {
            let candidates: Vec<&str> = expected.split('`').skip(1).step_by(2).collect();
            if let Some(best) = suggest(word, candidates.iter().copied()) {
                d.help = Some(format!("did you mean `{best}`?"));
            }
        }
    } else if message.starts_with("missing field") {
        d.help = Some("add the key; `sim init` writes a complete example scenario".to_string());
    } else if message.starts_with("invalid type") {
        d.help =
            Some("numbers are written without quotes, quarters and names with quotes".to_string());
    }
    if key.is_empty() && span.is_none() {
        d.key = String::new();
    }
    d
}

struct Validator<'a> {
    src: &'a Source,
    overrides: &'a [Override],
    errors: Vec<Diagnostic>,
    /// The unit of every parameter checked, by dotted path.
    units: BTreeMap<String, &'static str>,
}

/// What a parameter's values must satisfy, and how to say it.
struct Rule {
    lo: f64,
    hi: f64,
    expected: &'static str,
    /// The unit `sim explain` prints next to the value.
    unit: &'static str,
}

const VOLATILITY: Rule = Rule {
    lo: 0.0,
    hi: 5.0,
    expected: "a volatility between 0 and 5 (annual, 0.35 = 35%)",
    unit: "per year (volatility)",
};
/// Index levels (1.0 = today): positive and within a factor of 1,000.
const INDEX: Rule = Rule {
    lo: 1e-3,
    hi: 1e3,
    expected: "an index level between 0.001 and 1000 (1.0 = today)",
    unit: "index, 1 = today",
};
const RENTAL: Rule = Rule {
    lo: 1e-3,
    hi: 1e3,
    expected: "a rental price between 0.001 and 1000 $ per GPU-hour",
    unit: "$ per GPU-hour",
};
const GPUS_PER_GW: Rule = Rule {
    lo: 1e3,
    hi: 1e8,
    expected: "between 1,000 and 100,000,000 GPUs per GW of IT load",
    unit: "GPUs per GW",
};
const DEMAND_GW: Rule = Rule {
    lo: 1e-3,
    hi: 1e5,
    expected: "a demand between 0.001 and 100,000 GW",
    unit: "GW of IT load",
};
const DRIFT: Rule = Rule {
    lo: -0.99,
    hi: 10.0,
    expected: "an expected annual change above -100% (-0.25 = -25%/yr)",
    unit: "expected change per year",
};
const SPEED: Rule = Rule {
    lo: 0.0,
    hi: 100.0,
    expected: "a mean-reversion speed between 0 and 100 per year",
    unit: "per year (reversion speed)",
};
const RATE: Rule = Rule {
    lo: -0.2,
    hi: 1.0,
    expected: "an annual rate between -0.2 and 1 (0.037 = 3.7%)",
    unit: "per year (rate)",
};

impl Validator<'_> {
    fn error(
        &mut self,
        span: Option<std::ops::Range<usize>>,
        key: &str,
        message: String,
        help: Option<String>,
    ) {
        let mut d = self.src.at(span, key, message);
        d.help = help;
        if let Some(o) = self.overrides.iter().find(|o| o.path == key) {
            d.message
                .push_str(&format!(" (value set by {})", o.as_typed()));
        }
        self.errors.push(d);
    }

    fn param(&mut self, key: &str, p: &P, rule: &Rule) -> Param {
        self.units.insert(key.to_string(), rule.unit);
        let value = p.get_ref().clone();
        if let Err(msg) = value.check() {
            self.error(Some(p.span()), key, msg, None);
            return value;
        }
        let (lo, hi) = value.support();
        if lo < rule.lo || hi > rule.hi {
            let found = if value.is_fixed() {
                format!("found {value}")
            } else {
                format!(
                    "found {value}, which can draw values in [{}, {}]",
                    crate::number::shortest(lo),
                    crate::number::shortest(hi)
                )
            };
            let help = (!value.is_fixed())
                .then(|| "choose a distribution whose range stays inside the allowed values (uniform, triangular, pert, beta or discrete are bounded)".to_string());
            self.error(
                Some(p.span()),
                key,
                format!("expected {}, {found}", rule.expected),
                help,
            );
        }
        value
    }

    fn quarter(&mut self, key: &str, s: &Spanned<String>) -> Option<Quarter> {
        match s.get_ref().parse::<Quarter>() {
            Ok(q) => Some(q),
            Err(e) => {
                self.error(
                    Some(s.span()),
                    key,
                    e.to_string(),
                    Some("write the year, Q and the quarter number: \"2027Q4\"".into()),
                );
                None
            }
        }
    }

    fn scenario(&mut self, raw: raw::RawScenario) -> Scenario {
        let simulation = self.simulation(&raw.simulation);
        let regime = self.regime(&raw.market.regime);
        let clears = raw.industry.is_some() && !raw.hyperscaler.is_empty();
        let market = self.market(&raw.market, &simulation, regime, clears);
        let correlation = self.correlation(raw.correlation.as_ref());
        let states = &market.regime.states;
        let hyperscalers = self.hyperscalers(&raw.hyperscaler, states);
        let industry = self.industry(raw.industry.as_ref(), !hyperscalers.is_empty());
        let labs = self.labs(&raw.lab, states, &hyperscalers, &simulation);
        let contracts = self.contracts(&raw.contract, &hyperscalers, &simulation);
        self.bust_state_needed(&raw, states);
        let thresholds = raw
            .threshold
            .iter()
            .enumerate()
            .map(|(i, t)| self.threshold(i, t, &raw.threshold, &simulation))
            .collect();
        let hurdles = self.hurdles(&raw.hurdle);
        let sweep = raw.sweep.as_ref().map(|s| self.sweep(s));
        let provenance = Provenance {
            facts_key: raw.facts.as_ref().map(|f| (f.get_ref().clone(), f.span())),
            units: std::mem::take(&mut self.units),
            ..Provenance::default()
        };
        Scenario {
            simulation,
            market,
            correlation,
            industry,
            hyperscalers,
            labs,
            contracts,
            thresholds,
            hurdles,
            sweep,
            provenance,
        }
    }

    /// `[sweep]` as a design; each axis is checked as `--vary` would be.
    fn sweep(&mut self, raw: &raw::RawSweep) -> Design {
        let mut axes = Vec::new();
        for (i, v) in raw.vary.iter().enumerate() {
            let key = format!("sweep.vary.{i}");
            let spec = match (&v.values, &v.range) {
                (Some(values), None) => {
                    let texts: Vec<String> = values
                        .get_ref()
                        .iter()
                        .map(|x| match x {
                            toml::Value::Float(f) => crate::number::shortest(*f),
                            other => other.to_string(),
                        })
                        .collect();
                    Ok((values.span(), format!("{key}.values"), texts.join(",")))
                }
                (None, Some(range)) => Ok((
                    range.span(),
                    format!("{key}.range"),
                    range.get_ref().clone(),
                )),
                _ => Err(()),
            };
            let Ok((span, key, spec)) = spec else {
                self.error(
                    Some(v.path.span()),
                    &key,
                    "expected exactly one of `values` and `range`".to_string(),
                    Some("values = [0.02, 0.05, 0.1], or range = \"0.02:0.2:10\" (\"LO:HI\" with lhs)".into()),
                );
                continue;
            };
            match Axis::parse(v.path.get_ref(), &spec) {
                Ok(axis) => axes.push(axis),
                Err(e) => self.error(Some(span), &key, e, None),
            }
        }
        let lhs = raw.lhs.as_ref().map(|n| {
            if *n.get_ref() == 0 {
                self.error(
                    Some(n.span()),
                    "sweep.lhs",
                    "expected at least 1 point".to_string(),
                    None,
                );
            }
            *n.get_ref() as usize
        });
        Design {
            axes,
            lhs,
            list: None,
        }
    }

    fn hurdles(&mut self, raw: &[raw::RawHurdle]) -> Vec<Hurdle> {
        let names: Vec<&Spanned<String>> = raw.iter().map(|h| &h.name).collect();
        self.unique_names("hurdle", &names);
        raw.iter()
            .map(|h| {
                let key = format!("hurdle.{}", h.name.get_ref());
                let factors = h.factors.get_ref();
                if factors.is_empty() || factors.iter().any(|f| !f.is_finite()) {
                    self.error(
                        Some(h.factors.span()),
                        &format!("{key}.factors"),
                        "expected a non-empty list of finite numbers".to_string(),
                        Some("the published figure is the product of the factors: factors = [150, 2, 2]".into()),
                    );
                }
                if !h.published.get_ref().is_finite() {
                    self.error(
                        Some(h.published.span()),
                        &format!("{key}.published"),
                        "expected a finite number".to_string(),
                        None,
                    );
                }
                Hurdle {
                    name: h.name.get_ref().clone(),
                    factors: factors.clone(),
                    published: *h.published.get_ref(),
                    unit: h.unit.clone().unwrap_or_default(),
                    span: h.published.span(),
                }
            })
            .collect()
    }

    /// Contagion and high-yield market access refer to the state named
    /// "bust"; a scenario that uses them must have one.
    fn bust_state_needed(&mut self, raw: &raw::RawScenario, states: &[String]) {
        if states.iter().any(|s| s == BUST) {
            return;
        }
        let user = raw
            .lab
            .iter()
            .map(|l| {
                (
                    format!("lab.{}.contagion", l.name.get_ref()),
                    l.contagion.bust.span(),
                )
            })
            .chain(raw.hyperscaler.iter().filter(|h| h.high_yield).map(|h| {
                (
                    format!("hyperscaler.{}.high_yield", h.name.get_ref()),
                    h.name.span(),
                )
            }))
            .next();
        if let Some((key, span)) = user {
            self.error(
                Some(span),
                &key,
                format!("lab contagion and high-yield market access need a regime state named \"{BUST}\"; the states are {states:?}"),
                Some(format!("rename the worst state of [market.regime] to \"{BUST}\"")),
            );
        }
    }

    fn simulation(&mut self, s: &raw::RawSimulation) -> Simulation {
        let start = self
            .quarter("simulation.start", &s.start)
            .unwrap_or(Quarter::new(2026, 1).expect("valid"));
        let quarters = *s.quarters.get_ref();
        if !(1..=400).contains(&quarters) {
            self.error(
                Some(s.quarters.span()),
                "simulation.quarters",
                format!("expected a horizon of 1 to 400 quarters, found {quarters}"),
                Some("20 quarters is five years".into()),
            );
        }
        let paths = *s.paths.get_ref();
        if paths < 1 {
            self.error(
                Some(s.paths.span()),
                "simulation.paths",
                format!("expected at least 1 path, found {paths}"),
                Some("10_000 paths give probabilities to about ±0.5 percentage points".into()),
            );
        } else if paths as u64 > MAX_PATHS {
            self.error(
                Some(s.paths.span()),
                "simulation.paths",
                format!("{paths} paths is beyond the limit of {MAX_PATHS} (the histogram counters are 32-bit)"),
                Some("split the work into several runs with different seeds".into()),
            );
        }
        let seed = *s.seed.get_ref();
        if seed < 0 {
            self.error(
                Some(s.seed.span()),
                "simulation.seed",
                format!("expected a seed ≥ 0, found {seed}"),
                None,
            );
        }
        if s.antithetic && paths > 0 && paths % 2 == 1 {
            self.error(
                Some(s.paths.span()),
                "simulation.paths",
                format!(
                    "antithetic sampling pairs paths, so the count must be even, found {paths}"
                ),
                Some(format!("use {} paths", paths + 1)),
            );
        }
        Simulation {
            start,
            n_quarters: quarters.clamp(1, 400) as usize,
            n_paths: paths.max(1) as u64,
            seed: seed.max(0) as u64,
            antithetic: s.antithetic,
        }
    }

    fn regime(&mut self, r: &raw::RawRegime) -> Regime {
        let states: Vec<String> = r
            .states
            .get_ref()
            .iter()
            .map(|s| s.get_ref().clone())
            .collect();
        if states.is_empty() {
            self.error(
                Some(r.states.span()),
                "market.regime.states",
                "expected at least one state name".into(),
                Some("for example [\"boom\", \"digestion\", \"bust\"]".into()),
            );
        }
        for (i, s) in r.states.get_ref().iter().enumerate() {
            if states[..i].contains(s.get_ref()) {
                self.error(
                    Some(s.span()),
                    "market.regime.states",
                    format!("state \"{}\" is listed twice", s.get_ref()),
                    None,
                );
            }
        }
        let start = match states.iter().position(|s| s == r.start.get_ref()) {
            Some(i) => i,
            None => {
                let help = suggest(r.start.get_ref(), states.iter().map(String::as_str))
                    .map(|b| format!("did you mean \"{b}\"?"));
                self.error(
                    Some(r.start.span()),
                    "market.regime.start",
                    format!(
                        "\"{}\" is not one of the states {:?}",
                        r.start.get_ref(),
                        states
                    ),
                    help,
                );
                0
            }
        };
        let rows = r.transition.get_ref();
        let n = states.len();
        if rows.len() != n {
            self.error(
                Some(r.transition.span()),
                "market.regime.transition",
                format!("expected {n} rows (one per state), found {}", rows.len()),
                None,
            );
        }
        for (i, row) in rows.iter().enumerate() {
            let name = states.get(i).map_or("?", String::as_str);
            if row.get_ref().len() != n {
                self.error(
                    Some(row.span()),
                    "market.regime.transition",
                    format!(
                        "row {} (from \"{name}\") has {} entries, expected {n}",
                        i + 1,
                        row.get_ref().len()
                    ),
                    None,
                );
                continue;
            }
            if let Some(p) = row.get_ref().iter().find(|p| !(0.0..=1.0).contains(*p)) {
                self.error(
                    Some(row.span()),
                    "market.regime.transition",
                    format!(
                        "row {} (from \"{name}\") has probability {p}, expected values in [0, 1]",
                        i + 1
                    ),
                    None,
                );
                continue;
            }
            let sum: f64 = row.get_ref().iter().sum();
            if (sum - 1.0).abs() > ROW_SUM_TOLERANCE {
                self.error(
                    Some(row.span()),
                    "market.regime.transition",
                    format!("row {} (from \"{name}\") sums to {sum}, expected 1", i + 1),
                    Some(format!("each row lists the probabilities of moving from \"{name}\" to each state next quarter; adjust them to add up to 1")),
                );
            }
        }
        Regime {
            states,
            start,
            transition: rows.iter().map(|r| r.get_ref().clone()).collect(),
        }
    }

    /// `clears`: the scenario models capacity (`[industry]` and at least one
    /// `[[hyperscaler]]`), so the price of compute clears supply and demand
    /// and `pass_through` has no meaning.
    fn market(
        &mut self,
        m: &raw::RawMarket,
        sim: &Simulation,
        regime: Regime,
        clears: bool,
    ) -> Market {
        let r = &m.rates;
        let rates = Rates {
            start: self.param("market.rates.start", &r.start, &RATE),
            mean: self.param("market.rates.mean", &r.mean, &RATE),
            speed: self.param("market.rates.speed", &r.speed, &SPEED),
            vol: self.param("market.rates.vol", &r.vol, &VOLATILITY),
        };
        let g = &m.gpu_price;
        let gpu_price = GpuPrice {
            start: self.param("market.gpu_price.start", &g.start, &INDEX),
            drift: self.param("market.gpu_price.drift", &g.drift, &DRIFT),
            vol: self.param("market.gpu_price.vol", &g.vol, &VOLATILITY),
            jumps: g.jumps.as_ref().map(|j| Jumps {
                rate: self.param(
                    "market.gpu_price.jumps.rate",
                    &j.rate,
                    &Rule {
                        lo: 0.0,
                        hi: 50.0,
                        expected: "a jump rate between 0 and 50 per year",
                        unit: "jumps per year",
                    },
                ),
                mean: self.param(
                    "market.gpu_price.jumps.mean",
                    &j.mean,
                    &Rule {
                        lo: -5.0,
                        hi: 5.0,
                        expected: "a mean log jump between -5 and 5",
                        unit: "log size",
                    },
                ),
                sd: self.param("market.gpu_price.jumps.sd", &j.sd, &VOLATILITY),
            }),
        };
        let h = &m.hbm_price;
        let squeeze = h.squeeze.as_ref().map(|s| {
            let from = self.quarter("market.hbm_price.squeeze.from", &s.from);
            let to = self.quarter("market.hbm_price.squeeze.to", &s.to);
            let level = self.param("market.hbm_price.squeeze.level", &s.level, &INDEX);
            let end = sim.start.plus(sim.n_quarters as i64 - 1);
            let (mut from_idx, mut to_idx) = (0, 0);
            if let (Some(f), Some(t)) = (from, to) {
                if t < f {
                    self.error(
                        Some(s.to.span()),
                        "market.hbm_price.squeeze.to",
                        format!("the squeeze ends ({t}) before it starts ({f})"),
                        None,
                    );
                }
                for (q, sp, key) in [
                    (f, &s.from, "market.hbm_price.squeeze.from"),
                    (t, &s.to, "market.hbm_price.squeeze.to"),
                ] {
                    if q < sim.start || q > end {
                        self.error(
                            Some(sp.span()),
                            key,
                            format!("{q} is outside the simulated horizon {}–{end}", sim.start),
                            None,
                        );
                    }
                }
                from_idx = f.since(sim.start).max(0) as usize;
                to_idx = t.since(sim.start).max(0) as usize;
            }
            Squeeze {
                from_idx,
                to_idx,
                level,
            }
        });
        let hbm_price = HbmPrice {
            start: self.param("market.hbm_price.start", &h.start, &INDEX),
            mean: self.param("market.hbm_price.mean", &h.mean, &INDEX),
            speed: self.param("market.hbm_price.speed", &h.speed, &SPEED),
            vol: self.param("market.hbm_price.vol", &h.vol, &VOLATILITY),
            squeeze,
        };
        let rp = &m.rental_price;
        let rental_price = RentalPrice {
            start: self.param("market.rental_price.start", &rp.start, &RENTAL),
            pass_through: self.pass_through(rp.pass_through.as_ref(), clears),
            gpus_per_gw: self.param(
                "market.rental_price.gpus_per_gw",
                &rp.gpus_per_gw,
                &GPUS_PER_GW,
            ),
        };
        let d = &m.demand;
        let mut regime_scale = vec![Param::Fixed(1.0); regime.states.len()];
        if let Some(scales) = &d.regime_scale {
            for (name, p) in scales.get_ref() {
                let key = format!("market.demand.regime_scale.{name}");
                let value = self.param(
                    &key,
                    p,
                    &Rule {
                        lo: -10.0,
                        hi: 10.0,
                        expected: "a growth multiplier between -10 and 10",
                        unit: "multiple of growth",
                    },
                );
                match regime.states.iter().position(|s| s == name) {
                    Some(i) => regime_scale[i] = value,
                    None => {
                        let help = suggest(name, regime.states.iter().map(String::as_str))
                            .map(|b| format!("did you mean `{b}`?"));
                        self.error(
                            Some(p.span()),
                            &key,
                            format!(
                                "\"{name}\" is not a regime state (states are {:?})",
                                regime.states
                            ),
                            help,
                        );
                    }
                }
            }
        }
        let demand = Demand {
            start: self.param("market.demand.start", &d.start, &DEMAND_GW),
            growth: self.param(
                "market.demand.growth",
                &d.growth,
                &Rule {
                    lo: -3.0,
                    hi: 3.0,
                    expected: "an annual log-growth between -3 and 3 (0.47 ≈ +60%/yr)",
                    unit: "log-growth per year",
                },
            ),
            vol: self.param("market.demand.vol", &d.vol, &VOLATILITY),
            price_elasticity: self.param(
                "market.demand.price_elasticity",
                &d.price_elasticity,
                &Rule {
                    lo: 0.0,
                    hi: 10.0,
                    expected: "an elasticity between 0 and 10",
                    unit: "elasticity",
                },
            ),
            regime_scale,
        };
        Market {
            rates,
            gpu_price,
            hbm_price,
            rental_price,
            demand,
            regime,
        }
    }

    /// `market.rental_price.pass_through`: required without capacity (the
    /// price then follows the GPU index), refused with it (the price clears).
    fn pass_through(&mut self, p: Option<&P>, clears: bool) -> Option<Param> {
        const KEY: &str = "market.rental_price.pass_through";
        match (p, clears) {
            (Some(p), false) => Some(self.param(KEY, p, &Rule {
                lo: 0.0,
                hi: 2.0,
                expected: "a pass-through between 0 and 2 (1 = the rental price moves one for one with the GPU index)",
                unit: "elasticity to GPU index",
            })),
            (None, false) => {
                self.error(
                    None,
                    KEY,
                    "missing: without [industry] and [[hyperscaler]] tables the rental price follows the GPU index with this pass-through".into(),
                    Some("add `pass_through = 1.0` to [market.rental_price]".into()),
                );
                None
            }
            (Some(p), true) => {
                self.error(
                    Some(p.span()),
                    KEY,
                    "not used when the scenario models capacity: the price of compute clears supply and demand (docs/scenario.md, \"The compute market\")".into(),
                    Some("remove this key; [industry.price] sets how the price moves".into()),
                );
                None
            }
            (None, true) => None,
        }
    }

    fn threshold(
        &mut self,
        i: usize,
        t: &raw::RawThreshold,
        all: &[raw::RawThreshold],
        sim: &Simulation,
    ) -> Threshold {
        let name = t.name.get_ref().trim().to_string();
        let key = format!("threshold.{name}");
        if name.is_empty() {
            self.error(
                Some(t.name.span()),
                "threshold.name",
                "a threshold needs a non-empty name".into(),
                None,
            );
        } else if all[..i].iter().any(|o| o.name.get_ref().trim() == name) {
            self.error(
                Some(t.name.span()),
                &format!("{key}.name"),
                format!("two thresholds are named \"{name}\""),
                Some("give each threshold its own name".into()),
            );
        }
        let metric = t.metric.get_ref().trim().to_string();
        if !metric.contains('.') || metric.starts_with('.') || metric.ends_with('.') {
            self.error(Some(t.metric.span()), &format!("{key}.metric"), format!("expected a metric path such as \"market.compute_spend\" (entity.metric), found \"{metric}\""), None);
        }
        let window = match &t.window {
            None => Window::Quarter,
            Some(w) => match Window::NAMES.iter().position(|n| n == w.get_ref()) {
                Some(i) => [
                    Window::Quarter,
                    Window::Annualized,
                    Window::Ttm,
                    Window::Cumulative,
                ][i],
                None => {
                    let help = suggest(w.get_ref(), Window::NAMES)
                        .map(|b| format!("did you mean \"{b}\"?"));
                    self.error(
                        Some(w.span()),
                        &format!("{key}.window"),
                        format!(
                            "expected one of {:?}, found \"{}\"",
                            Window::NAMES,
                            w.get_ref()
                        ),
                        help,
                    );
                    Window::Quarter
                }
            },
        };
        let op = match Op::SYMBOLS.iter().position(|s| s == t.op.get_ref()) {
            Some(i) => [Op::Ge, Op::Gt, Op::Le, Op::Lt][i],
            None => {
                self.error(
                    Some(t.op.span()),
                    &format!("{key}.op"),
                    format!(
                        "expected one of {:?}, found \"{}\"",
                        Op::SYMBOLS,
                        t.op.get_ref()
                    ),
                    None,
                );
                Op::Ge
            }
        };
        let value = self.param(
            &format!("{key}.value"),
            &t.value,
            &Rule {
                lo: f64::MIN,
                hi: f64::MAX,
                expected: "a finite number",
                unit: "as the metric",
            },
        );
        let last = sim.n_quarters - 1;
        let mut index = |field: &str, at: &Option<Spanned<String>>, default: usize| match at {
            None => default,
            Some(at) => match self.quarter(&format!("{key}.{field}"), at) {
                Some(q) => {
                    let idx = q.since(sim.start);
                    if idx < 0 || idx > last as i64 {
                        self.error(
                            Some(at.span()),
                            &format!("{key}.{field}"),
                            format!(
                                "{q} is outside the simulated horizon {}–{}",
                                sim.start,
                                sim.start.plus(last as i64)
                            ),
                            None,
                        );
                    }
                    idx.clamp(0, last as i64) as usize
                }
                None => default,
            },
        };
        let by_idx = index("by", &t.by, last);
        let from_idx = index("from", &t.from, 0);
        if let (Some(from), true) = (&t.from, from_idx > by_idx) {
            self.error(
                Some(from.span()),
                &format!("{key}.from"),
                format!(
                    "{} is after `by` ({})",
                    sim.start.plus(from_idx as i64),
                    sim.start.plus(by_idx as i64)
                ),
                Some("`from` is the first quarter that counts and `by` the last".into()),
            );
        }
        Threshold {
            name,
            metric,
            metric_position: Some(self.src.line_col(t.metric.span().start)),
            window,
            op,
            value,
            from_idx,
            by_idx,
        }
    }

    fn correlation(&mut self, c: Option<&raw::RawCorrelation>) -> Correlation {
        let n = SHOCKS.len();
        let mut matrix = Array2::<f64>::eye(n);
        let identity = Correlation {
            matrix: matrix.clone(),
            factor: matrix.clone(),
        };
        let Some(c) = c else { return identity };
        let key = "correlation.pairs";
        let mut ok = true;
        for pair in &c.pairs {
            let (a, b, rho) = pair.get_ref();
            let mut index = |name: &str| match SHOCKS.iter().position(|s| *s == name) {
                Some(i) => Some(i),
                None => {
                    let help = Some(match suggest(name, SHOCKS) {
                        Some(best) => format!("did you mean \"{best}\"? The shocks are {SHOCKS:?}"),
                        None => format!("the shocks are {SHOCKS:?}"),
                    });
                    self.error(
                        Some(pair.span()),
                        key,
                        format!("unknown shock \"{name}\""),
                        help,
                    );
                    None
                }
            };
            let (Some(i), Some(j)) = (index(a), index(b)) else {
                ok = false;
                continue;
            };
            if i == j {
                self.error(
                    Some(pair.span()),
                    key,
                    format!("a shock cannot be paired with itself (\"{a}\")"),
                    None,
                );
                ok = false;
            } else if !(-1.0..=1.0).contains(rho) {
                self.error(
                    Some(pair.span()),
                    key,
                    format!(
                        "correlation of \"{a}\" and \"{b}\" is {rho}, expected a value in [-1, 1]"
                    ),
                    None,
                );
                ok = false;
            } else if matrix[[i, j]] != 0.0 {
                self.error(
                    Some(pair.span()),
                    key,
                    format!("the pair \"{a}\", \"{b}\" is given twice"),
                    None,
                );
                ok = false;
            } else {
                matrix[[i, j]] = *rho;
                matrix[[j, i]] = *rho;
                if ok && cholesky_psd(&matrix).is_none() {
                    self.error(
                        Some(pair.span()),
                        key,
                        format!("the correlation matrix is not positive semi-definite: adding [\"{a}\", \"{b}\", {rho}] makes it inconsistent with the pairs before it"),
                        Some(format!("no joint distribution has these correlations; reduce |{rho}| or revisit the other pairs involving \"{a}\" and \"{b}\"")),
                    );
                    ok = false;
                }
            }
        }
        if !ok {
            return identity;
        }
        let factor = cholesky_psd(&matrix).unwrap_or_else(|| matrix.clone());
        Correlation { matrix, factor }
    }
}
