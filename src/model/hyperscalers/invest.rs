//! Pass 1 of a quarter, per company: market access, capex by the rule (or
//! the committed plan), the power budget shared among discretionary
//! orders, and the capacity and compute that arrive (see the parent
//! module's doc).

use super::{CompanyPath, Conditions, Hyperscalers};
use crate::scenario::companies::IndustryNumbers;

impl Hyperscalers {
    /// Pass 1: market access, capex, capacity and compute of every company
    /// (the rule in the module's doc). `backlog[i]` is the compute company
    /// `i`'s contracts will take when this quarter's orders arrive.
    /// `occupied[i]` is the compute its contracts take this quarter (labs'
    /// and other companies' purchases, less what it buys itself). Returns
    /// the compute offered to the market (compute less `occupied`) and
    /// whether the power budget bound.
    #[inline]
    pub fn invest(
        &self,
        paths: &mut [CompanyPath],
        ind: &IndustryNumbers<f64>,
        cond: &Conditions,
        occupied: &[f64],
        backlog: &[f64],
        q: usize,
    ) -> (f64, bool) {
        let keep = cond.keep;
        let market: f64 = paths.iter().map(|st| st.offered).sum();
        let n = paths.len() as f64;
        // Capex before the power budget, and the GW it orders.
        let (mut committed_gw, mut wanted_gw) = (0.0, 0.0);
        for ((c, st), backlog) in self.companies.iter().zip(paths.iter_mut()).zip(backlog) {
            let p = &st.p;
            st.access = !(st.defaulted || c.high_yield && cond.bust) && st.band <= p.max_leverage;
            st.log_plan += st.plan_growth_dt;
            st.plan_growth_dt *= st.plan_decay;
            st.committed = cond.committed || st.defaulted;
            let capex = if st.defaulted {
                0.0
            } else if cond.committed {
                st.log_plan.exp() * cond.unit_cost / cond.unit_cost_start
            } else {
                let share = if market > 0.0 {
                    st.offered / market
                } else {
                    1.0 / n
                };
                let expected = cond.demand_gw * st.ahead[cond.regime];
                let desired =
                    st.regime[cond.regime] * cond.return_signal * share * expected + backlog;
                let have = (st.compute + st.on_order) * st.keep_lag;
                let orders =
                    ((desired - have) / ind.gap_quarters + st.compute * (1.0 - keep)).max(0.0);
                let target = orders / cond.compute_per_gw * cond.unit_cost;
                st.last_capex + ind.adjustment * (target - st.last_capex)
            };
            st.cut = st.cash <= p.min_cash && !st.access && !st.defaulted;
            st.capex = if st.cut { p.maintenance * capex } else { capex };
            if st.committed {
                committed_gw += st.capex / cond.unit_cost;
            } else {
                wanted_gw += st.capex / cond.unit_cost;
            }
        }
        // Discretionary orders share what power the committed ones leave.
        let room = (cond.power_gw - committed_gw).max(0.0);
        let power_bound = wanted_gw > room;
        let scale = if power_bound { room / wanted_gw } else { 1.0 };
        let mut offered = 0.0;
        for ((c, st), occupied) in self.companies.iter().zip(paths.iter_mut()).zip(occupied) {
            let p = &st.p;
            if !st.committed {
                st.capex *= scale;
            }
            st.last_capex = st.capex;
            st.ordered[q] = st.capex / cond.unit_cost;
            st.ordered_compute[q] = st.ordered[q] * cond.compute_per_gw;
            st.spent[q] = st.capex;
            st.on_order += st.ordered_compute[q];
            let (arriving, arriving_compute) = if q >= c.build_lag {
                st.in_service[q] = st.spent[q - c.build_lag];
                (
                    st.ordered[q - c.build_lag],
                    st.ordered_compute[q - c.build_lag],
                )
            } else {
                let gw = p.pipeline / c.build_lag as f64;
                (gw, st.pipeline_arrival)
            };
            st.on_order = (st.on_order - arriving_compute).max(0.0);
            st.fleet.age(&cond.value, keep, arriving, arriving_compute);
            st.capacity = st.capacity * keep + arriving;
            st.compute = st.compute * keep + arriving_compute;
            st.offered = (st.compute - occupied).max(0.0);
            offered += st.offered;
        }
        (offered, power_bound)
    }
}
