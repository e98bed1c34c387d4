//! Contracts between companies (model v2): a company buys capacity from
//! another — a hyperscaler renting a neocloud's GPUs — on a payment
//! schedule, with its own credit.
//!
//! Each quarter the payer pays what the schedule says while it has not
//! defaulted; the provider books it as AI revenue (`contract_revenue`), the
//! payer as a cost of AI (`compute_purchases`), so every dollar paid
//! arrives. The compute the payments buy (at the start's price, as for the
//! labs' contracts) leaves the provider's market offer and joins the
//! payer's, which resells it. A payer's default ends its contracts: the
//! provider's capacity returns to the market. Industry totals net the
//! payments out.

use crate::model::inputs::ParamDraws;
use crate::scenario::companies::Contract;
use crate::scenario::param::Sampler;

#[derive(Debug, Clone)]
struct ContractModel {
    payer: usize,
    provider: usize,
    total: Sampler,
    due_share: Vec<f64>,
}

/// All contracts of a scenario.
#[derive(Debug, Clone, Default)]
pub struct Contracts {
    contracts: Vec<ContractModel>,
    n_quarters: usize,
}

impl Contracts {
    pub fn new(contracts: &[Contract], n_quarters: usize) -> Contracts {
        let contracts = contracts
            .iter()
            .map(|c| ContractModel {
                payer: c.payer,
                provider: c.terms.provider,
                total: c.terms.total.sampler(),
                due_share: c.terms.due_shares(n_quarters),
            })
            .collect();
        Contracts {
            contracts,
            n_quarters,
        }
    }

    /// A path's schedules, `[contract * n_quarters + q]`.
    pub fn scratch(&self) -> Vec<f64> {
        vec![0.0; self.contracts.len() * self.n_quarters]
    }

    /// Draws each contract's total and fills the path's schedules.
    pub fn start_path(&self, due: &mut [f64], draws: &mut ParamDraws) {
        for (c, row) in self
            .contracts
            .iter()
            .zip(due.chunks_mut(self.n_quarters.max(1)))
        {
            let total = draws.draw(&c.total);
            for (d, share) in row.iter_mut().zip(&c.due_share) {
                *d = total * share;
            }
        }
    }

    /// This quarter's payments: adds to `received[provider]` and
    /// `paid[payer]` for every contract whose payer has not defaulted.
    pub fn pay(
        &self,
        due: &[f64],
        defaulted: impl Fn(usize) -> bool,
        q: usize,
        received: &mut [f64],
        paid: &mut [f64],
    ) {
        received.fill(0.0);
        paid.fill(0.0);
        for (k, c) in self.contracts.iter().enumerate() {
            if !defaulted(c.payer) {
                let x = due[k * self.n_quarters + q];
                received[c.provider] += x;
                paid[c.payer] += x;
            }
        }
    }

    /// What company `i` is scheduled to receive less what it is scheduled
    /// to pay in quarter `q` (the last simulated quarter's beyond the
    /// horizon), on the contracts whose payer stands.
    pub fn scheduled_net(
        &self,
        due: &[f64],
        defaulted: impl Fn(usize) -> bool,
        i: usize,
        q: usize,
    ) -> f64 {
        let q = q.min(self.n_quarters.saturating_sub(1));
        let mut net = 0.0;
        for (k, c) in self.contracts.iter().enumerate() {
            if defaulted(c.payer) {
                continue;
            }
            let x = due[k * self.n_quarters + q];
            if c.provider == i {
                net += x;
            }
            if c.payer == i {
                net -= x;
            }
        }
        net
    }
}
