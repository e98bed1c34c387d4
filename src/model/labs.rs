//! Labs: revenue, burn, compute commitments, funding rounds, renegotiation
//! and default (DESIGN.md §4, step 4).
//!
//! Each quarter, for each lab in scenario order: revenue grows by a growth
//! rate that decays towards maturity plus a shock (a loading on the common
//! `lab_revenue` shock, the rest the lab's own); non-compute opex is a share
//! of revenue; the commitments due this quarter are the schedule times the
//! lab's `scale` (1, lowered by a renegotiation haircut). When cash after
//! paying would cover fewer than `runway_quarters` of burn, the lab tries to
//! raise a round (success probability by regime, lowered by the share of
//! the round its modelled funders would have put in when they ended the
//! last quarter in distress). The exogenous hazard stands for what the
//! rounds do not capture. After a failed raise it
//! may renegotiate once (a haircut on everything still owed) and it defaults
//! if its cash is still negative; the exogenous hazard can also default it.
//! A defaulting lab pays nothing from that quarter on: its contracts end and
//! the capacity they held returns to the market. Each provider holds a claim
//! for damages, as a landlord does when a lease is rejected in bankruptcy
//! (11 U.S.C. § 502(b)(6)): the payments it loses over the greater of one
//! year or 15 % of the remaining term, at most three years, net of what the
//! freed compute earns at the market (`1 − P/P_start` of them, P the last
//! cleared price, the contracts being priced at the start's price); it
//! receives `recovery` (by regime) × the claim, in equal parts over
//! `recovery_workout` quarters from `recovery_lag` quarters later. The
//! default may move the regime to bust and widen credit spreads (contagion).
//!
//! Every draw is made every quarter, alive or not, so antithetic partners
//! stay aligned.

use super::metrics::{EventIds, EventState};
use super::{MetricId, MetricRegistry};
use crate::engine::Recorder;
use crate::model::inputs::ParamDraws;
use crate::process::DT_YEARS;
use crate::process::draws::PathRandom;
use crate::scenario::Lab;
use crate::scenario::companies::LabNumbers;
use crate::scenario::param::Sampler;

/// One lab's fixed structure.
#[derive(Debug, Clone)]
struct LabModel {
    samplers: LabNumbers<Sampler>,
    success: Vec<Sampler>,
    /// Funding companies and their share of each round.
    funders: Vec<(usize, Sampler)>,
    recovery: Vec<Sampler>,
    recovery_lag: usize,
    recovery_workout: usize,
    /// Multiplier of the hazard in each simulated year (the last repeats).
    hazard_profile: Vec<f64>,
    /// Per commitment: provider, total sampler, share of the total due in
    /// each simulated quarter, and the capped claim's share on a default in
    /// each simulated quarter (including payments after the horizon).
    commitments: Vec<CommitmentModel>,
    ids: Ids,
}

#[derive(Debug, Clone)]
struct CommitmentModel {
    provider: usize,
    total: Sampler,
    due_share: Vec<f64>,
    /// Share of the total a provider may claim on a default in each
    /// simulated quarter (the capped window of lost payments).
    claim_share: Vec<f64>,
}

/// Quarters of lost payments a claim may cover when `remaining` quarters
/// of the term are left: the greater of one year or 15 % of the remaining
/// term, at most three years (11 U.S.C. § 502(b)(6)), never beyond the term.
pub fn claim_quarters(remaining: usize) -> usize {
    let fifteen_percent = (0.15 * remaining as f64).ceil() as usize;
    fifteen_percent.clamp(4, 12).min(remaining)
}

#[derive(Debug, Clone)]
struct Ids {
    revenue: MetricId,
    opex: MetricId,
    due: MetricId,
    paid: MetricId,
    raised: MetricId,
    cash: MetricId,
    scale: MetricId,
    recovery_paid: MetricId,
    default: EventIds,
    renegotiation: EventIds,
    funding_failed: EventIds,
}

/// All labs of a scenario.
#[derive(Debug, Clone, Default)]
pub struct Labs {
    labs: Vec<LabModel>,
    n_providers: usize,
    n_quarters: usize,
}

/// One lab's state on a path.
#[derive(Debug, Clone)]
pub struct LabPath {
    p: LabNumbers<f64>,
    success: Vec<f64>,
    /// This path's share of each round from each funder.
    funder_share: Vec<f64>,
    recovery: Vec<f64>,
    /// Scheduled payments at scale 1, `[provider * n_quarters + q]`.
    due: Vec<f64>,
    /// The capped claim on a default in quarter q at scale 1, same layout.
    claim: Vec<f64>,
    log_revenue: f64,
    /// Quarterly log-growth this quarter, and its decay factor per quarter.
    growth_dt: f64,
    growth_decay: f64,
    /// Loading on the lab's own shock, √(1 − common²), and the chance the
    /// hazard fires in a quarter of each year, 1 − e^(−hazard·profile·Δt):
    /// fixed for the path.
    own_loading: f64,
    hazard_quarter: Vec<f64>,
    cash: f64,
    scale: f64,
    alive: bool,
    renegotiated: bool,
    /// Recovery paid to each provider in each quarter of the workout, from
    /// quarter `recovery_at` to `recovery_at + workout − 1`.
    recovery_due: Vec<f64>,
    recovery_at: usize,
    events: [EventState; 3],
}

/// What the labs did this quarter, as the providers and the market see it.
#[derive(Debug, Clone)]
pub struct LabFlows {
    /// Commitment payments received by each provider this quarter.
    pub paid: Vec<f64>,
    /// Recoveries received by each provider this quarter.
    pub recovered: Vec<f64>,
    /// Total revenue of the labs this quarter (end-user revenue).
    pub revenue: f64,
    /// A default this quarter moved the regime to bust.
    pub force_bust: bool,
    /// Spread added to new debt by defaults so far (annual).
    pub contagion_spread: f64,
}

impl LabFlows {
    fn clear(&mut self) {
        self.paid.fill(0.0);
        self.recovered.fill(0.0);
        self.revenue = 0.0;
        self.force_bust = false;
    }
}

impl Labs {
    /// Builds the labs and registers their metrics under `lab.<name>`.
    pub fn new(
        labs: &[Lab],
        n_providers: usize,
        n_quarters: usize,
        registry: &mut MetricRegistry,
    ) -> Labs {
        let labs = labs
            .iter()
            .map(|lab| {
                let entity = format!("lab.{}", lab.name);
                let ids = Ids {
                    revenue: registry.add(&entity, "revenue"),
                    opex: registry.add(&entity, "opex"),
                    due: registry.add(&entity, "commitments_due"),
                    paid: registry.add(&entity, "commitments_paid"),
                    raised: registry.add(&entity, "raised"),
                    cash: registry.add(&entity, "cash"),
                    scale: registry.add(&entity, "commitment_scale"),
                    recovery_paid: registry.add(&entity, "recovery_paid"),
                    default: registry.add_event(&entity, "default"),
                    renegotiation: registry.add_event(&entity, "renegotiation"),
                    funding_failed: registry.add_event(&entity, "funding_failed"),
                };
                let commitments = lab
                    .commitments
                    .iter()
                    .map(|c| {
                        let w = c.weights();
                        // Simulated quarter q is schedule quarter q − start_offset.
                        let k = |q: usize| q as i64 - c.start_offset;
                        let due_share = c.due_shares(n_quarters);
                        let claim_share = (0..n_quarters)
                            .map(|q| {
                                // The window starts now; the remaining term
                                // from the later of now and the first payment.
                                let from = k(q).clamp(0, w.len() as i64) as usize;
                                let window = claim_quarters(w.len() - from) as i64;
                                let (lo, hi) = (k(q).max(0), (k(q) + window).min(w.len() as i64));
                                if hi > lo {
                                    w[lo as usize..hi as usize].iter().sum()
                                } else {
                                    0.0
                                }
                            })
                            .collect();
                        CommitmentModel {
                            provider: c.provider,
                            total: c.total.sampler(),
                            due_share,
                            claim_share,
                        }
                    })
                    .collect();
                LabModel {
                    samplers: lab.numbers.map(|p| p.sampler()),
                    success: lab.funding_success.iter().map(|p| p.sampler()).collect(),
                    funders: lab.funders.iter().map(|(i, p)| (*i, p.sampler())).collect(),
                    recovery: lab.recovery.iter().map(|p| p.sampler()).collect(),
                    recovery_lag: lab.recovery_lag,
                    recovery_workout: lab.recovery_workout,
                    hazard_profile: lab.hazard_profile.clone(),
                    commitments,
                    ids,
                }
            })
            .collect();
        Labs {
            labs,
            n_providers,
            n_quarters,
        }
    }

    /// Working state for a chunk of paths.
    pub fn scratch(&self) -> Vec<LabPath> {
        let cells = self.n_providers * self.n_quarters;
        self.labs
            .iter()
            .map(|lab| LabPath {
                p: LabNumbers::default(),
                success: vec![0.0; lab.success.len()],
                funder_share: vec![0.0; lab.funders.len()],
                recovery: vec![0.0; lab.recovery.len()],
                due: vec![0.0; cells],
                claim: vec![0.0; cells],
                log_revenue: 0.0,
                growth_dt: 0.0,
                growth_decay: 1.0,
                own_loading: 0.0,
                hazard_quarter: vec![0.0; lab.hazard_profile.len()],
                cash: 0.0,
                scale: 1.0,
                alive: true,
                renegotiated: false,
                recovery_due: vec![0.0; self.n_providers],
                recovery_at: usize::MAX,
                events: [EventState::default(); 3],
            })
            .collect()
    }

    /// Flows for a chunk of paths.
    pub fn flows(&self) -> LabFlows {
        LabFlows {
            paid: vec![0.0; self.n_providers],
            recovered: vec![0.0; self.n_providers],
            revenue: 0.0,
            force_bust: false,
            contagion_spread: 0.0,
        }
    }

    /// Draws each lab's parameters and resets its state for a new path.
    pub fn start_path(&self, paths: &mut [LabPath], flows: &mut LabFlows, draws: &mut ParamDraws) {
        flows.contagion_spread = 0.0;
        let nq = self.n_quarters;
        for (lab, st) in self.labs.iter().zip(paths.iter_mut()) {
            st.p = lab.samplers.map(|s| draws.draw(s));
            for (v, s) in st.success.iter_mut().zip(&lab.success) {
                *v = draws.draw(s);
            }
            for (v, (_, s)) in st.funder_share.iter_mut().zip(&lab.funders) {
                *v = draws.draw(s);
            }
            for (v, s) in st.recovery.iter_mut().zip(&lab.recovery) {
                *v = draws.draw(s);
            }
            st.due.fill(0.0);
            st.claim.fill(0.0);
            for c in &lab.commitments {
                let total = draws.draw(&c.total);
                let row = c.provider * nq..(c.provider + 1) * nq;
                for (q, i) in row.enumerate() {
                    st.due[i] += total * c.due_share[q];
                    st.claim[i] += total * c.claim_share[q];
                }
            }
            st.log_revenue = st.p.revenue.max(f64::MIN_POSITIVE).ln();
            st.growth_dt = st.p.growth * DT_YEARS;
            st.growth_decay = (-DT_YEARS / st.p.decay_years).exp();
            st.own_loading = (1.0 - st.p.common * st.p.common).sqrt();
            for (h, w) in st.hazard_quarter.iter_mut().zip(&lab.hazard_profile) {
                *h = 1.0 - (-st.p.hazard * w * DT_YEARS).exp();
            }
            st.cash = st.p.cash;
            st.scale = 1.0;
            st.alive = true;
            st.renegotiated = false;
            st.recovery_due.fill(0.0);
            st.recovery_at = usize::MAX;
            st.events = [EventState::default(); 3];
        }
    }

    /// What the labs still alive are scheduled to pay `provider` in quarter
    /// `q` (the last simulated quarter's schedule beyond the horizon): the
    /// contracted backlog a provider builds for.
    pub fn scheduled(&self, paths: &[LabPath], provider: usize, q: usize) -> f64 {
        let nq = self.n_quarters;
        let q = q.min(nq.saturating_sub(1));
        paths
            .iter()
            .map(|st| st.scale * st.due[provider * nq + q])
            .sum()
    }

    /// Steps every lab through quarter `q` in regime `regime` with the
    /// common lab-revenue shock `z_common`, fills `flows` and records.
    /// `price_ratio` is the last cleared price of compute over the start's
    /// (what freed capacity re-lets at, relative to the contracts);
    /// `distressed[i]` says company i was in distress last quarter (its
    /// share of a round the lab funds through it is then missing).
    #[inline]
    #[allow(clippy::too_many_arguments)]
    pub fn step<R: Recorder>(
        &self,
        paths: &mut [LabPath],
        flows: &mut LabFlows,
        regime: usize,
        z_common: f64,
        price_ratio: f64,
        distressed: &[bool],
        q: usize,
        random: &mut PathRandom,
        rec: &mut R,
    ) {
        flows.clear();
        let nq = self.n_quarters;
        for (lab, st) in self.labs.iter().zip(paths.iter_mut()) {
            let own = random.normal();
            let [u_hazard, u_funding, u_renegotiate, u_contagion] =
                [(); 4].map(|_| random.uniform());
            let p = &st.p;
            let ids = &lab.ids;

            let (mut revenue, mut opex, mut due, mut paid, mut raised) = (0.0, 0.0, 0.0, 0.0, 0.0);
            let (mut defaulted, mut renegotiated, mut failed) = (false, false, false);
            if st.alive {
                let z = p.common * z_common + st.own_loading * own;
                st.log_revenue += st.growth_dt + p.vol * DT_YEARS.sqrt() * z;
                st.growth_dt *= st.growth_decay;
                revenue = st.log_revenue.exp() * DT_YEARS;
                opex = p.opex_ratio * revenue;
                let scheduled = |provider: usize| st.due[provider * nq + q];
                due = st.scale * (0..self.n_providers).map(scheduled).sum::<f64>();
                let operating = st.cash + revenue - opex;
                let mut after = operating - due;
                let burn = opex + due - revenue;
                let short = after < 0.0 || (burn > 0.0 && after < p.runway_quarters * burn);
                if short {
                    let missing: f64 = lab
                        .funders
                        .iter()
                        .zip(&st.funder_share)
                        .filter(|((i, _), _)| distressed.get(*i).copied().unwrap_or(false))
                        .map(|(_, share)| share)
                        .sum();
                    if u_funding < st.success[regime] * (1.0 - missing).max(0.0) {
                        raised = p.round;
                    } else {
                        failed = true;
                        if !st.renegotiated && due > 0.0 && u_renegotiate < p.renegotiate {
                            st.renegotiated = true;
                            renegotiated = true;
                            st.scale *= 1.0 - p.haircut;
                            due *= 1.0 - p.haircut;
                            after = operating - due;
                        }
                    }
                }
                after += raised;
                let year = (q / 4).min(st.hazard_quarter.len() - 1);
                defaulted = (failed && after < 0.0) || u_hazard < st.hazard_quarter[year];
                if defaulted {
                    // Nothing is paid from this quarter on; providers
                    // recover a share of their capped, mitigated claims.
                    st.alive = false;
                    st.cash = operating + raised;
                    let rate = st.recovery[regime];
                    let net = (1.0 - price_ratio).max(0.0);
                    let parts = lab.recovery_workout as f64;
                    for (provider, r) in st.recovery_due.iter_mut().enumerate() {
                        *r = rate * st.scale * st.claim[provider * nq + q] * net / parts;
                    }
                    st.recovery_at = q + lab.recovery_lag;
                    st.scale = 0.0;
                    flows.force_bust |= u_contagion < p.contagion_bust;
                    flows.contagion_spread += p.contagion_spread;
                } else {
                    st.cash = after;
                    for (provider, received) in flows.paid.iter_mut().enumerate() {
                        let x = st.scale * scheduled(provider);
                        *received += x;
                        paid += x;
                    }
                }
            }
            let mut recovery_paid = 0.0;
            if q >= st.recovery_at && q < st.recovery_at + lab.recovery_workout {
                for (received, r) in flows.recovered.iter_mut().zip(&st.recovery_due) {
                    *received += r;
                    recovery_paid += r;
                }
            }
            flows.revenue += revenue;

            rec.record(ids.revenue, q, revenue);
            rec.record(ids.opex, q, opex);
            rec.record(ids.due, q, due);
            rec.record(ids.paid, q, paid);
            rec.record(ids.raised, q, raised);
            rec.record(ids.cash, q, st.cash);
            rec.record(ids.scale, q, st.scale);
            rec.record(ids.recovery_paid, q, recovery_paid);
            let [d, r, f] = &mut st.events;
            ids.default.record(d, defaulted, q, rec);
            ids.renegotiation.record(r, renegotiated, q, rec);
            ids.funding_failed.record(f, failed, q, rec);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::claim_quarters;

    #[test]
    fn claims_cover_a_year_to_three_years_of_payments() {
        // The greater of one year or 15% of the remaining term…
        assert_eq!(claim_quarters(8), 4);
        assert_eq!(claim_quarters(40), 6);
        // …at most three years…
        assert_eq!(claim_quarters(200), 12);
        // …and never beyond the term.
        assert_eq!(claim_quarters(3), 3);
        assert_eq!(claim_quarters(0), 0);
    }
}
