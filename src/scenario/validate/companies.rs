//! Validation of `[industry]`, `[[hyperscaler]]` and `[[lab]]`: ranges of
//! every number, names, regime maps, and commitments to known providers.

use super::super::companies::*;
use super::super::param::Param;
use super::super::raw::{self, ByRegime};
use super::{Rule, VOLATILITY, Validator};
use crate::quarter::Quarter;
use crate::scenario::Simulation;
use crate::scenario::diagnostic::suggest;
use toml::Spanned;

const MONEY: Rule = Rule {
    lo: 0.0,
    hi: 1e5,
    expected: "an amount between 0 and 100,000 ($ billions)",
    unit: "$B",
};
/// A flow per quarter (cash flow, capex, depreciation, payouts, leases).
const QUARTERLY: Rule = Rule {
    unit: "$B/quarter",
    ..MONEY
};
/// A flow per year (a lab's revenue run-rate).
const YEARLY: Rule = Rule {
    unit: "$B/year",
    ..MONEY
};
const SHARE: Rule = Rule {
    lo: 0.0,
    hi: 1.0,
    expected: "a share between 0 and 1",
    unit: "share",
};
const LOG_GROWTH: Rule = Rule {
    lo: -3.0,
    hi: 3.0,
    expected: "an annual log-growth between -3 and 3 (0.47 ≈ +60%/yr)",
    unit: "log-growth per year",
};
const DECAY_YEARS: Rule = Rule {
    lo: 0.1,
    hi: 1000.0,
    expected: "a decay time between 0.1 and 1000 years",
    unit: "years",
};
const SPREAD: Rule = Rule {
    lo: 0.0,
    hi: 0.5,
    expected: "an annual spread between 0 and 0.5 (0.008 = 80bp)",
    unit: "per year (spread)",
};
const COUPON: Rule = Rule {
    lo: 0.0,
    hi: 1.0,
    expected: "an annual coupon between 0 and 1 (0.045 = 4.5%)",
    unit: "per year (coupon)",
};
const GW: Rule = Rule {
    lo: 0.0,
    hi: 1e4,
    expected: "a capacity between 0 and 10,000 GW",
    unit: "GW",
};

const LAB_RULES: LabNumbers<Rule> = LabNumbers {
    revenue: YEARLY,
    growth: LOG_GROWTH,
    decay_years: DECAY_YEARS,
    vol: VOLATILITY,
    common: Rule {
        lo: -1.0,
        hi: 1.0,
        expected: "a loading between -1 and 1 (1 = the lab moves with the common lab_revenue shock only)",
        unit: "loading",
    },
    opex_ratio: Rule {
        lo: 0.0,
        hi: 10.0,
        expected: "a ratio of cost to revenue between 0 and 10",
        unit: "cost / revenue",
    },
    cash: MONEY,
    runway_quarters: Rule {
        lo: 0.0,
        hi: 100.0,
        expected: "a runway between 0 and 100 quarters",
        unit: "quarters",
    },
    round: MONEY,
    hazard: Rule {
        lo: 0.0,
        hi: 5.0,
        expected: "an annual default intensity between 0 and 5 (0.06 ≈ 6%/yr)",
        unit: "per year (intensity)",
    },
    renegotiate: SHARE,
    haircut: SHARE,
    contagion_bust: SHARE,
    contagion_spread: SPREAD,
};

const HYPERSCALER_RULES: HyperscalerNumbers<Rule> = HyperscalerNumbers {
    cash: MONEY,
    min_cash: MONEY,
    debt: MONEY,
    coupon: COUPON,
    maturity_years: Rule {
        lo: 1.0,
        hi: 100.0,
        expected: "an average maturity between 1 and 100 years",
        unit: "years",
    },
    spread: SPREAD,
    max_leverage: Rule {
        lo: 0.0,
        hi: 1000.0,
        expected: "a net debt / EBITDA ratio between 0 and 1000",
        unit: "net debt / EBITDA",
    },
    tax_rate: SHARE,
    core_ocf: QUARTERLY,
    core_growth: LOG_GROWTH,
    core_vol: VOLATILITY,
    capex: QUARTERLY,
    capex_growth: LOG_GROWTH,
    capex_decay_years: DECAY_YEARS,
    maintenance: SHARE,
    capacity: GW,
    pipeline: GW,
    useful_life_years: Rule {
        lo: 1.0,
        hi: 50.0,
        expected: "a useful life between 1 and 50 years",
        unit: "years",
    },
    depreciation: QUARTERLY,
    lease_payment: QUARTERLY,
    dividends: QUARTERLY,
    buybacks: QUARTERLY,
    equity_raise: MONEY,
    equity_quarters: Rule {
        lo: 0.0,
        hi: 400.0,
        expected: "a number of quarters between 0 and 400",
        unit: "quarters",
    },
    lease_years: Rule {
        lo: 0.0,
        hi: 100.0,
        expected: "a remaining lease term between 0 and 100 years",
        unit: "years",
    },
};

const INDUSTRY_RULES: IndustryNumbers<Rule> = IndustryNumbers {
    cost_per_gw: Rule {
        lo: 0.1,
        hi: 1e4,
        expected: "a cost between 0.1 and 10,000 $B per GW",
        unit: "$B per GW",
    },
    gpu_share: SHARE,
    hbm_share: SHARE,
    obsolescence: Rule {
        lo: 0.0,
        hi: 0.99,
        expected: "an annual loss of capacity between 0 and 0.99",
        unit: "per year (share)",
    },
    opex_per_gw: Rule {
        lo: 0.0,
        hi: 1e3,
        expected: "a cost between 0 and 1,000 $B per GW-year",
        unit: "$B per GW-year",
    },
    spread_per_turn: Rule {
        lo: 0.0,
        hi: 0.1,
        expected: "an annual spread per turn of leverage between 0 and 0.1",
        unit: "per year per turn",
    },
    free_turns: Rule {
        lo: 0.0,
        hi: 100.0,
        expected: "a net debt / EBITDA ratio between 0 and 100",
        unit: "net debt / EBITDA",
    },
    spread_bust: SPREAD,
    asset_recovery: SHARE,
    target_return: Rule {
        lo: -0.5,
        hi: 1.0,
        expected: "an annual return between -0.5 and 1",
        unit: "per year (return)",
    },
    tax_life_years: Rule {
        lo: 0.25,
        hi: 50.0,
        expected: "a tax depreciation life between 0.25 and 50 years",
        unit: "years",
    },
    new_compute_per_gw: Rule {
        lo: 0.01,
        hi: 100.0,
        expected: "compute per GW between 0.01 and 100 (1 = a GW of the installed fleet)",
        unit: "compute per GW (installed fleet = 1)",
    },
    efficiency_growth: Rule {
        lo: -0.5,
        hi: 3.0,
        expected: "an annual growth between -0.5 and 3 (0.25 = +25%/yr)",
        unit: "per year (growth)",
    },
    economic_life_years: Rule {
        lo: 0.5,
        hi: 50.0,
        expected: "an economic life between 0.5 and 50 years",
        unit: "years",
    },
    cost_of_capital: Rule {
        lo: 0.0,
        hi: 1.0,
        expected: "an annual return between 0 and 1 (0.10 = 10%)",
        unit: "per year (return)",
    },
    slack_exponent: Rule {
        lo: 0.1,
        hi: 20.0,
        expected: "an exponent between 0.1 and 20",
        unit: "exponent",
    },
    scarcity_exponent: Rule {
        lo: 0.0,
        hi: 20.0,
        expected: "an exponent between 0 and 20",
        unit: "exponent",
    },
    max_premium: Rule {
        lo: 1.0,
        hi: 100.0,
        expected: "a multiple of the long-run cost between 1 and 100",
        unit: "multiple of long-run cost",
    },
    demand_response: Rule {
        lo: 0.01,
        hi: 1.0,
        expected: "a share of the price gap closed per quarter between 0.01 and 1",
        unit: "share per quarter",
    },
    power_budget: Rule {
        lo: 0.0,
        hi: 1e4,
        expected: "GW connectable per year between 0 and 10,000",
        unit: "GW per year",
    },
    power_growth: Rule {
        lo: -0.9,
        hi: 5.0,
        expected: "an annual growth between -0.9 and 5 (0.25 = +25%/yr)",
        unit: "per year (growth)",
    },
    committed_quarters: Rule {
        lo: 0.0,
        hi: 400.0,
        expected: "a number of quarters between 0 and 400",
        unit: "quarters",
    },
    adjustment: Rule {
        lo: 0.01,
        hi: 1.0,
        expected: "a share of the gap closed per quarter between 0.01 and 1",
        unit: "share per quarter",
    },
    gap_quarters: Rule {
        lo: 1.0,
        hi: 400.0,
        expected: "a number of quarters between 1 and 400",
        unit: "quarters",
    },
    return_sensitivity: Rule {
        lo: 0.0,
        hi: 10.0,
        expected: "an elasticity between 0 and 10",
        unit: "elasticity",
    },
    supplier_margin: Rule {
        lo: 0.0,
        hi: 0.99,
        expected: "a gross margin between 0 and 0.99",
        unit: "share of revenue",
    },
    services_per_compute: Rule {
        lo: 0.0,
        hi: 10.0,
        expected: "end-user revenue per dollar of compute between 0 and 10",
        unit: "$ end-user revenue per $ of compute",
    },
    monetisation_growth: Rule {
        lo: -1.0,
        hi: 1.0,
        expected: "an annual log growth between -1 and 1",
        unit: "per year (log growth)",
    },
    sequoia_multiple: Rule {
        lo: 0.0,
        hi: 100.0,
        expected: "a multiple of accelerator spend between 0 and 100",
        unit: "× annual accelerator spend",
    },
};

impl Validator<'_> {
    pub(super) fn industry(
        &mut self,
        raw: Option<&raw::RawIndustry>,
        needed: bool,
    ) -> Option<Industry> {
        let Some(i) = raw else {
            if needed {
                self.error(
                    None,
                    "industry",
                    "a scenario with [[hyperscaler]] tables needs an [industry] table (unit cost of capacity, credit conditions, required revenue)".into(),
                    Some("copy the [industry] table from scenarios/base.toml".into()),
                );
            }
            return None;
        };
        let refs = IndustryNumbers {
            cost_per_gw: &i.cost_per_gw,
            gpu_share: &i.gpu_share,
            hbm_share: &i.hbm_share,
            obsolescence: &i.obsolescence,
            opex_per_gw: &i.opex_per_gw,
            spread_per_turn: &i.credit.spread_per_turn,
            free_turns: &i.credit.free_turns,
            spread_bust: &i.credit.bust,
            asset_recovery: &i.credit.asset_recovery,
            target_return: &i.required_revenue.target_return,
            tax_life_years: &i.tax_life_years,
            new_compute_per_gw: &i.compute.new_per_gw,
            efficiency_growth: &i.compute.efficiency_growth,
            economic_life_years: &i.price.economic_life_years,
            cost_of_capital: &i.price.cost_of_capital,
            slack_exponent: &i.price.slack_exponent,
            scarcity_exponent: &i.price.scarcity_exponent,
            max_premium: &i.price.max_premium,
            demand_response: &i.price.demand_response,
            power_budget: &i.power.budget_gw,
            power_growth: &i.power.growth,
            committed_quarters: &i.investment.committed_quarters,
            adjustment: &i.investment.adjustment,
            gap_quarters: &i.investment.gap_quarters,
            return_sensitivity: &i.investment.return_sensitivity,
            supplier_margin: &i.supplier_margin,
            services_per_compute: &i.end_user.services_per_compute,
            monetisation_growth: &i.end_user.monetisation_growth,
            sequoia_multiple: &i.required_revenue.sequoia_multiple,
        };
        let numbers = refs.zip(&INDUSTRY_RULES, |key, p, rule| {
            self.param(&format!("industry.{key}"), p, rule)
        });
        Some(Industry { numbers })
    }

    pub(super) fn hyperscalers(
        &mut self,
        raw: &[raw::RawHyperscaler],
        states: &[String],
    ) -> Vec<Hyperscaler> {
        let names: Vec<&Spanned<String>> = raw.iter().map(|h| &h.name).collect();
        self.unique_names("hyperscaler", &names);
        raw.iter()
            .map(|h| {
                let name = h.name.get_ref().trim().to_string();
                let prefix = format!("hyperscaler.{name}");
                let refs = HyperscalerNumbers {
                    cash: &h.cash,
                    min_cash: &h.min_cash,
                    debt: &h.debt,
                    coupon: &h.coupon,
                    maturity_years: &h.maturity_years,
                    spread: &h.spread,
                    max_leverage: &h.max_leverage,
                    tax_rate: &h.tax_rate,
                    core_ocf: &h.core.ocf,
                    core_growth: &h.core.growth,
                    core_vol: &h.core.vol,
                    capex: &h.capex.start,
                    capex_growth: &h.capex.growth,
                    capex_decay_years: &h.capex.decay_years,
                    maintenance: &h.capex.maintenance,
                    capacity: &h.capacity,
                    pipeline: &h.pipeline,
                    useful_life_years: &h.useful_life_years,
                    depreciation: &h.depreciation,
                    lease_payment: &h.leases.payment,
                    lease_years: &h.leases.years,
                    dividends: &h.payout.dividends,
                    buybacks: &h.payout.buybacks,
                    equity_raise: &h.equity.raise,
                    equity_quarters: &h.equity.quarters,
                };
                let numbers = refs.zip(&HYPERSCALER_RULES, |key, p, rule| {
                    self.param(&format!("{prefix}.{key}"), p, rule)
                });
                let build_lag = self.count(
                    &format!("{prefix}.build_lag_quarters"),
                    &h.build_lag_quarters,
                    1,
                    40,
                    "a build lag between 1 and 40 quarters",
                );
                let capex_regime = self.by_regime(
                    &format!("{prefix}.capex.regime"),
                    h.capex.regime.as_ref(),
                    &Rule {
                        lo: 0.0,
                        hi: 10.0,
                        expected: "a multiplier of expected demand between 0 and 10",
                        unit: "multiple of expected demand",
                    },
                    states,
                    Some(1.0),
                );
                Hyperscaler {
                    name,
                    numbers,
                    high_yield: h.high_yield,
                    amortising: h.amortising,
                    build_lag,
                    capex_regime,
                }
            })
            .collect()
    }

    pub(super) fn labs(
        &mut self,
        raw: &[raw::RawLab],
        states: &[String],
        providers: &[Hyperscaler],
        sim: &Simulation,
    ) -> Vec<Lab> {
        let names: Vec<&Spanned<String>> = raw.iter().map(|l| &l.name).collect();
        self.unique_names("lab", &names);
        raw.iter()
            .map(|l| {
                let name = l.name.get_ref().trim().to_string();
                let prefix = format!("lab.{name}");
                let refs = LabNumbers {
                    revenue: &l.revenue.start,
                    growth: &l.revenue.growth,
                    decay_years: &l.revenue.decay_years,
                    vol: &l.revenue.vol,
                    common: &l.revenue.common,
                    opex_ratio: &l.opex_ratio,
                    cash: &l.cash,
                    runway_quarters: &l.runway_quarters,
                    round: &l.funding.round,
                    hazard: &l.hazard,
                    renegotiate: &l.renegotiation.probability,
                    haircut: &l.renegotiation.haircut,
                    contagion_bust: &l.contagion.bust,
                    contagion_spread: &l.contagion.spread,
                };
                let numbers = refs.zip(&LAB_RULES, |key, p, rule| {
                    self.param(&format!("{prefix}.{key}"), p, rule)
                });
                let funding_success = self.by_regime(
                    &format!("{prefix}.funding.success"),
                    Some(&l.funding.success),
                    &SHARE,
                    states,
                    None,
                );
                let funders = match &l.funding.funders {
                    None => vec![],
                    Some(map) => map
                        .get_ref()
                        .iter()
                        .map(|(name, share)| {
                            let key = format!("{prefix}.funding.funders.{name}");
                            let who = Spanned::new(map.span(), name.clone());
                            let i = self.company(&key, &who, providers);
                            (i, self.param(&key, share, &SHARE))
                        })
                        .collect(),
                };
                let recovery = self.by_regime(
                    &format!("{prefix}.recovery"),
                    Some(&l.recovery),
                    &SHARE,
                    states,
                    None,
                );
                let recovery_lag = self.count(
                    &format!("{prefix}.recovery_lag_quarters"),
                    &l.recovery_lag_quarters,
                    0,
                    40,
                    "a lag between 0 and 40 quarters",
                );
                let recovery_workout = match &l.recovery_workout_quarters {
                    Some(w) => self.count(
                        &format!("{prefix}.recovery_workout_quarters"),
                        w,
                        1,
                        40,
                        "a workout between 1 and 40 quarters",
                    ),
                    None => 1,
                };
                let hazard_profile = match &l.hazard_profile {
                    None => vec![1.0],
                    Some(v) => {
                        let xs = v.get_ref();
                        let ok = |x: &f64| x.is_finite() && (0.0..=100.0).contains(x);
                        if xs.is_empty() || xs.len() > 100 || !xs.iter().all(ok) {
                            self.error(
                                Some(v.span()),
                                &format!("{prefix}.hazard_profile"),
                                "expected 1 to 100 multipliers of the hazard, one a year, each between 0 and 100".to_string(),
                                Some("hazard_profile = [0.3, 1.0, 1.0, 1.0, 0.6] scales the hazard in the first five years; the last value repeats".into()),
                            );
                        }
                        xs.clone()
                    }
                };
                let commitments = l
                    .commitment
                    .iter()
                    .map(|c| self.commitment(&prefix, c, providers, sim))
                    .collect();
                Lab {
                    name,
                    numbers,
                    funding_success,
                    funders,
                    recovery,
                    recovery_lag,
                    hazard_profile,
                    recovery_workout,
                    commitments,
                }
            })
            .collect()
    }

    fn commitment(
        &mut self,
        lab: &str,
        c: &raw::RawCommitment,
        providers: &[Hyperscaler],
        sim: &Simulation,
    ) -> Commitment {
        let provider_name = c.provider.get_ref().trim();
        let prefix = format!("{lab}.commitment.{provider_name}");
        let provider = self.company(&format!("{prefix}.provider"), &c.provider, providers);
        let terms = (&c.total, &c.start, &c.quarters, c.ramp_quarters.as_ref());
        self.schedule(&prefix, provider, terms, sim)
    }

    /// `[[contract]]`: a company buying capacity from another.
    pub(super) fn contracts(
        &mut self,
        raw: &[raw::RawContract],
        companies: &[Hyperscaler],
        sim: &Simulation,
    ) -> Vec<Contract> {
        raw.iter()
            .map(|c| {
                let (payer_name, provider_name) =
                    (c.payer.get_ref().trim(), c.provider.get_ref().trim());
                let prefix = format!("contract.{payer_name}.{provider_name}");
                let payer = self.company(&format!("{prefix}.payer"), &c.payer, companies);
                let provider = self.company(&format!("{prefix}.provider"), &c.provider, companies);
                if payer_name == provider_name {
                    self.error(
                        Some(c.provider.span()),
                        &format!("{prefix}.provider"),
                        format!("\"{payer_name}\" cannot buy capacity from itself"),
                        Some("name another [[hyperscaler]] as the provider".into()),
                    );
                }
                let terms = (&c.total, &c.start, &c.quarters, c.ramp_quarters.as_ref());
                Contract {
                    payer,
                    terms: self.schedule(&prefix, provider, terms, sim),
                }
            })
            .collect()
    }

    /// The index of the `[[hyperscaler]]` a commitment or contract names.
    fn company(&mut self, key: &str, name: &Spanned<String>, companies: &[Hyperscaler]) -> usize {
        let wanted = name.get_ref().trim();
        if let Some(i) = companies.iter().position(|p| p.name == wanted) {
            return i;
        }
        let names: Vec<&str> = companies.iter().map(|p| p.name.as_str()).collect();
        let help = match suggest(wanted, names.iter().copied()) {
            Some(best) => format!("did you mean \"{best}\"?"),
            None if names.is_empty() => "add a [[hyperscaler]] table for the provider".into(),
            None => {
                format!("the providers are {names:?}; add a [[hyperscaler]] table for a new one")
            }
        };
        self.error(
            Some(name.span()),
            key,
            format!("no [[hyperscaler]] is named \"{wanted}\""),
            Some(help),
        );
        0
    }

    /// A payment schedule: `total` over `quarters` from `start`, ramping up
    /// over `ramp_quarters`.
    fn schedule(
        &mut self,
        prefix: &str,
        provider: usize,
        (total, start, quarters, ramp): (
            &raw::P,
            &Spanned<String>,
            &Spanned<i64>,
            Option<&Spanned<i64>>,
        ),
        sim: &Simulation,
    ) -> Commitment {
        let total = self.param(&format!("{prefix}.total"), total, &MONEY);
        let start_span = start.span();
        let start = self.quarter(&format!("{prefix}.start"), start);
        let quarters = self.count(
            &format!("{prefix}.quarters"),
            quarters,
            1,
            400,
            "a schedule of 1 to 400 quarters",
        );
        let ramp_quarters = match ramp {
            None => 0,
            Some(r) => self.count(
                &format!("{prefix}.ramp_quarters"),
                r,
                0,
                quarters as i64,
                "a ramp of 0 quarters up to the length of the schedule",
            ),
        };
        let start_offset = start.map_or(0, |q: Quarter| q.since(sim.start));
        let end = sim.start.plus(sim.n_quarters as i64 - 1);
        if let Some(q) = start
            && q > end
        {
            self.error(
                Some(start_span),
                &format!("{prefix}.start"),
                format!(
                    "{q} is after the simulated horizon {}–{end}; the commitment would never fall due",
                    sim.start
                ),
                None,
            );
        }
        Commitment {
            provider,
            total,
            start_offset,
            quarters,
            ramp_quarters,
        }
    }

    /// An integer count within `lo..=hi`.
    fn count(&mut self, key: &str, v: &Spanned<i64>, lo: i64, hi: i64, expected: &str) -> usize {
        self.units.insert(key.to_string(), "quarters");
        let x = *v.get_ref();
        if x < lo || x > hi {
            self.error(
                Some(v.span()),
                key,
                format!("expected {expected}, found {x}"),
                None,
            );
        }
        x.clamp(lo, hi) as usize
    }

    pub(super) fn unique_names(&mut self, table: &str, names: &[&Spanned<String>]) {
        for (i, n) in names.iter().enumerate() {
            let name = n.get_ref().trim();
            if name.is_empty() || name.contains('.') {
                self.error(
                    Some(n.span()),
                    &format!("{table}.name"),
                    format!("expected a non-empty name without dots, found \"{name}\""),
                    Some("names appear in metric paths such as lab.OpenAI.cash".into()),
                );
            } else if names[..i].iter().any(|o| o.get_ref().trim() == name) {
                self.error(
                    Some(n.span()),
                    &format!("{table}.{name}.name"),
                    format!("two [[{table}]] tables are named \"{name}\""),
                    Some("give each its own name".into()),
                );
            }
        }
    }

    /// A value per regime state; a missing state takes `default`, or is an
    /// error when there is none.
    fn by_regime(
        &mut self,
        key: &str,
        map: Option<&ByRegime>,
        rule: &Rule,
        states: &[String],
        default: Option<f64>,
    ) -> Vec<Param> {
        let mut out: Vec<Option<Param>> = vec![default.map(Param::Fixed); states.len()];
        let Some(map) = map else {
            return out
                .into_iter()
                .map(|p| p.unwrap_or(Param::Fixed(0.0)))
                .collect();
        };
        for (name, p) in map.get_ref() {
            let k = format!("{key}.{name}");
            let value = self.param(&k, p, rule);
            match states.iter().position(|s| s == name) {
                Some(i) => out[i] = Some(value),
                None => {
                    let help = suggest(name, states.iter().map(String::as_str))
                        .map(|b| format!("did you mean `{b}`?"));
                    self.error(
                        Some(p.span()),
                        &k,
                        format!("\"{name}\" is not a regime state (states are {states:?})"),
                        help,
                    );
                }
            }
        }
        let missing: Vec<&str> = states
            .iter()
            .zip(&out)
            .filter(|(_, p)| p.is_none())
            .map(|(s, _)| s.as_str())
            .collect();
        if !missing.is_empty() {
            self.error(
                Some(map.span()),
                key,
                format!("expected a value for every regime state, missing {missing:?}"),
                Some(format!(
                    "write one value per state: {{ {} }}",
                    states
                        .iter()
                        .map(|s| format!("{s} = …"))
                        .collect::<Vec<_>>()
                        .join(", ")
                )),
            );
        }
        out.into_iter()
            .map(|p| p.unwrap_or(Param::Fixed(0.0)))
            .collect()
    }
}
