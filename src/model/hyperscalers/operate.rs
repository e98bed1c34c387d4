//! Pass 2 of a quarter, per company (the income statement, debt service,
//! issuance, default, the fleet's value and the break-even measures): see
//! the equations in the parent module's doc.

use super::{CompanyPath, Conditions, Hyperscalers, Totals};
use crate::engine::Recorder;
use crate::model::credit::{self, RATIO_CAP, ratio};
use crate::model::value::Earnings;
use crate::process::DT_YEARS;
use crate::scenario::companies::IndustryNumbers;

impl Hyperscalers {
    /// Pass 2: revenue, income statement, debt and cash of every company,
    /// given the market's `utilisation` and the labs' payments.
    #[inline]
    #[allow(clippy::too_many_arguments)]
    pub fn operate<R: Recorder>(
        &self,
        paths: &mut [CompanyPath],
        ind: &IndustryNumbers<f64>,
        cond: &Conditions,
        utilisation: f64,
        lab_paid: &[f64],
        contracts: (&[f64], &[f64]),
        recovered: &[f64],
        q: usize,
        rec: &mut R,
    ) -> Totals {
        let (contract_in, contract_out) = contracts;
        let mut totals = Totals {
            utilisation,
            ..Totals::default()
        };
        for (i, (c, st)) in self.companies.iter().zip(paths.iter_mut()).enumerate() {
            let p = &st.p;
            let ids = &c.ids;
            let rental = cond.revenue_per_unit * utilisation * st.offered * DT_YEARS;
            // Recoveries on defaulted contracts are compensation, not
            // revenue: in EBITDA and AI cash flow, never in AI revenue.
            let ai_revenue = lab_paid[i] + contract_in[i] + rental;
            let ai_opex = ind.opex_per_gw * st.capacity * DT_YEARS + contract_out[i];
            st.log_core += p.core_growth * DT_YEARS + p.core_vol * DT_YEARS.sqrt() * cond.z_core;
            let core = if p.core_ocf > 0.0 {
                st.log_core.exp()
            } else {
                0.0
            };
            let ebitda = core + ai_revenue + recovered[i] - ai_opex;

            // Depreciation: new vintages over their life, plus the run-off
            // of the assets in service at the start.
            let life = st.life_quarters;
            st.new_depreciation += st.in_service[q] / life as f64;
            if q >= life {
                st.new_depreciation -= st.in_service[q - life] / life as f64;
            }
            let legacy = p.depreciation * (1.0 - q as f64 / life as f64).max(0.0);
            let depreciation = legacy + st.new_depreciation;
            st.book += st.capex - depreciation;
            // Tax depreciation follows the tax life, not the accounting
            // one: new vintages are written off over it, and so is the
            // start's fleet, whose cost (depreciation × accounting life)
            // runs off as if half-way through the tax life.
            let tax_life = ((ind.tax_life_years * 4.0).round() as usize).max(1) as f64;
            st.new_tax_depreciation += st.in_service[q] / tax_life;
            if q as f64 >= tax_life {
                st.new_tax_depreciation -= st.in_service[q - tax_life as usize] / tax_life;
            }
            let legacy_cost = p.depreciation * life as f64;
            let tax_depreciation = legacy_cost / tax_life * (1.0 - q as f64 / tax_life).max(0.0)
                + st.new_tax_depreciation;
            // What the fleet can still earn, plus the capex not yet in service.
            st.fleet.in_progress += st.capex - st.in_service[q];
            let earnings = Earnings {
                long_run: cond.long_run_revenue,
                now: cond.revenue_per_unit * utilisation,
                opex_per_gw: ind.opex_per_gw,
            };
            let value = st.fleet.value(
                &cond.value,
                &cond.value_at,
                st.compute,
                st.capacity,
                earnings,
            );

            // Debt service falls due; a company that cannot pay it and
            // cannot borrow defaults (absorbing) and pays none of it.
            let accrued = st.coupon_sum * DT_YEARS;
            let lease_due = if st.lease_left > 0 {
                p.lease_payment
            } else {
                0.0
            };
            st.lease_left = st.lease_left.saturating_sub(1);
            let taxes = p.tax_rate * (ebitda - tax_depreciation - accrued - lease_due).max(0.0);
            let fcf = ebitda - taxes - st.capex;
            let mut interest = if st.defaulted { 0.0 } else { accrued };
            let mut principal = if st.defaulted {
                0.0
            } else if c.amortising {
                st.debt / (4.0 * p.maturity_years)
            } else {
                st.maturing[q].min(st.debt)
            };
            let mut lease = if st.defaulted { 0.0 } else { lease_due };
            // Dividends grow with the core business and are sticky: cut
            // only when the company has no access and not the cash for them.
            let payout_scale = if p.core_ocf > 0.0 {
                core / p.core_ocf
            } else {
                1.0
            };
            let mut dividends = if st.defaulted {
                0.0
            } else {
                p.dividends * payout_scale
            };
            if !st.access && st.cash + fcf - interest - principal - lease - dividends < p.min_cash {
                dividends = 0.0;
            }
            let defaults_now =
                !st.defaulted && !st.access && st.cash + fcf - interest - principal - lease < 0.0;
            if defaults_now {
                // Creditors (bonds and leases) are repaid from what cash
                // the quarter leaves and the sale of the fleet.
                let claims = st.debt + credit::annuity_pv(lease_due, st.lease_left + 1, p.coupon);
                st.creditor_loss =
                    credit::creditor_loss(claims, st.cash + fcf, value, ind.asset_recovery);
                st.defaulted = true;
                (interest, principal, lease) = (0.0, 0.0, 0.0);
            }
            // Announced equity raises come in while the market is open.
            let equity_quarters = p.equity_quarters.round();
            let equity = if st.access && (q as f64) < equity_quarters {
                p.equity_raise / equity_quarters
            } else {
                0.0
            };
            let before = st.cash + fcf - interest - principal - lease - dividends + equity;
            // Rating bands: the add-on stops at the worst band the market
            // still lends to (beyond it the company has no access).
            let band_addon =
                credit::band_addon(st.band, ind.free_turns, p.max_leverage, ind.spread_per_turn);
            let bust_addon = if cond.bust { ind.spread_bust } else { 0.0 };
            let new_rate =
                cond.short_rate + p.spread + band_addon + bust_addon + cond.contagion_spread;
            let issuance = if before < p.min_cash && st.access {
                p.min_cash - before
            } else {
                0.0
            };
            if st.debt > 0.0 {
                st.coupon_sum *= 1.0 - principal / st.debt;
            }
            st.coupon_sum += issuance * new_rate;
            // New bonds mature `maturity_years` on, as bullets.
            let matures = q + (4.0 * p.maturity_years).round() as usize;
            if !c.amortising && matures < st.maturing.len() {
                st.maturing[matures] += issuance;
            }
            st.debt += issuance - principal;
            // Buybacks only from cash above the floor, never borrowed for.
            let buybacks = if st.defaulted {
                0.0
            } else {
                (p.buybacks * payout_scale).min((before - p.min_cash).max(0.0))
            };
            st.cash = before + issuance - buybacks;

            // Leases count as debt service and, at their present value at
            // the company's coupon, as debt in leverage.
            let service = interest + principal + lease;
            let lease_liability = if st.defaulted {
                0.0
            } else {
                credit::annuity_pv(p.lease_payment, st.lease_left, p.coupon)
            };
            let dscr = ratio(ebitda - taxes, service);
            let interest_cover = ratio(ebitda, interest);
            // The cover a covenant on reported earnings reads: the AI
            // fleet's accounting depreciation comes off (the core
            // business's is inside `core_ocf`).
            let ebit_cover = ratio(ebitda - depreciation, interest);
            let net_debt = st.debt + lease_liability - st.cash;
            st.net_leverage = if ebitda > 0.0 {
                (net_debt / (4.0 * ebitda)).clamp(-RATIO_CAP, RATIO_CAP)
            } else if net_debt > 0.0 {
                RATIO_CAP
            } else {
                0.0
            };
            // Next quarter's band, on the interest the debt accrues (paid
            // or not).
            st.band = credit::band_turns(st.net_leverage, ratio(ebitda, accrued));
            st.low_dscr_run = if dscr < 1.0 { st.low_dscr_run + 1 } else { 0 };
            let distress = st.defaulted || st.low_dscr_run >= 2 || (st.cash < 0.0 && !st.access);
            st.distressed = distress;
            let ai_cash_flow = ai_revenue + recovered[i] - ai_opex - st.capex;
            st.cumulative_ai += ai_cash_flow;
            let disc = cond.value_at.discount;
            st.npv_cash += disc * ai_cash_flow;
            let ai_npv = st.npv_cash + disc * value - st.start_investment;
            let economic_depreciation = st.last_value + st.capex - value;
            st.last_value = value;
            let impairment = (st.book - value).max(0.0);
            let ai_income = ai_revenue + recovered[i] - ai_opex - depreciation;
            let roic = ratio(4.0 * ai_income * (1.0 - p.tax_rate), st.book);
            let payback = !st.events[2].happened && st.cumulative_ai > 0.0;

            totals.capex += st.capex;
            totals.capacity += st.capacity;
            totals.compute += st.compute;
            totals.ai_revenue += ai_revenue;
            totals.rental_revenue += rental;
            totals.contract_payments += contract_in[i];
            totals.ai_opex += ai_opex;
            totals.depreciation += depreciation;
            totals.net_book += st.book;

            rec.record(ids.capex, q, st.capex);
            rec.record(ids.capacity, q, st.capacity);
            rec.record(ids.compute, q, st.compute);
            rec.record(ids.lab_revenue, q, lab_paid[i]);
            rec.record(ids.contract_revenue, q, contract_in[i]);
            rec.record(ids.compute_purchases, q, contract_out[i]);
            rec.record(ids.recoveries, q, recovered[i]);
            rec.record(ids.rental_revenue, q, rental);
            rec.record(ids.ai_revenue, q, ai_revenue);
            rec.record(ids.ai_opex, q, ai_opex);
            rec.record(ids.core_ocf, q, core);
            rec.record(ids.ebitda, q, ebitda);
            rec.record(ids.depreciation, q, depreciation);
            rec.record(ids.interest, q, interest);
            rec.record(ids.principal, q, principal);
            rec.record(ids.lease_payment, q, lease);
            rec.record(ids.lease_liability, q, lease_liability);
            rec.record(ids.dividends, q, dividends);
            rec.record(ids.buybacks, q, buybacks);
            rec.record(ids.equity_raised, q, equity);
            rec.record(ids.taxes, q, taxes);
            rec.record(ids.fcf, q, fcf);
            rec.record(ids.issuance, q, issuance);
            rec.record(ids.new_debt_rate, q, new_rate);
            rec.record(ids.cash, q, st.cash);
            rec.record(ids.debt, q, st.debt);
            rec.record(ids.dscr, q, dscr);
            rec.record(ids.interest_cover, q, interest_cover);
            rec.record(ids.ebit_cover, q, ebit_cover);
            rec.record(ids.net_leverage, q, st.net_leverage);
            rec.record(ids.rating_turns, q, st.band);
            rec.record(ids.net_book, q, st.book);
            rec.record(ids.creditor_loss, q, st.creditor_loss);
            rec.record(ids.fleet_value, q, value);
            rec.record(ids.ai_npv, q, ai_npv);
            rec.record(ids.economic_depreciation, q, economic_depreciation);
            rec.record(ids.impairment, q, impairment);
            rec.record(ids.ai_operating_income, q, ai_income);
            rec.record(ids.ai_roic, q, roic);
            rec.record(ids.ai_cash_flow, q, ai_cash_flow);
            rec.record(ids.cumulative_ai_cash_flow, q, st.cumulative_ai);
            rec.record(ids.breakeven, q, if ai_npv > 0.0 { 1.0 } else { 0.0 });
            let [d, cut, pb, x] = &mut st.events;
            ids.default.record(x, defaults_now, q, rec);
            ids.distress.record(d, distress, q, rec);
            ids.capex_cut.record(cut, st.cut, q, rec);
            ids.payback.record(pb, payback, q, rec);
        }
        totals
    }
}
