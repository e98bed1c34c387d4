//! The unit of every recorded metric, as `summary.csv`, `sim explain` and
//! the console print it. Flows are per quarter unless the name says a year
//! (`required_revenue`, `sequoia_required`, `compute_spend`); stocks are $B
//! at the end of the quarter; 0/1 indicators are read as probabilities
//! (their mean is the share of paths).

use crate::engine::MetricKind;

/// `$B/quarter`, `$B/year`, `$B`, `GW`, `$/GPU-hour`, `index`, `per year`,
/// `ratio`, `probability`, `count` …, for metric `metric` of an entity
/// whose path starts with its kind (`market`, `industry`, `lab.…`,
/// `hyperscaler.…`, `contract.…`, `regime`).
pub fn unit_of(entity: &str, metric: &str, kind: MetricKind) -> &'static str {
    if kind == MetricKind::Indicator {
        return "probability";
    }
    let kind_of = entity.split('.').next().unwrap_or(entity);
    match (kind_of, metric) {
        ("market", "short_rate") => "per year",
        ("market", "gpu_price" | "hbm_price") => "index (start = 1)",
        ("market", "rental_price") | ("industry", "long_run_cost") => "$/GPU-hour",
        ("market", "demand_gw" | "served_gw") => "GW (installed-fleet compute)",
        ("market", "compute_spend") => "$B/year",
        ("market", "gpu_jumps") => "count",
        (_, "capacity_gw") => "GW",
        (_, "compute") => "compute (installed-fleet GW = 1)",
        (_, "required_revenue" | "sequoia_required") => "$B/year",
        (_, "new_debt_rate" | "contagion_spread" | "ai_roic") => "per year",
        (
            _,
            "utilisation" | "tightness" | "revenue_coverage" | "sequoia_coverage"
            | "provider_share" | "lab_share" | "dscr" | "interest_cover" | "ebit_cover"
            | "commitment_scale",
        ) => "ratio",
        (_, "net_leverage" | "rating_turns") => "turns (net debt / EBITDA)",
        (
            _,
            "cash"
            | "debt"
            | "net_book"
            | "fleet_value"
            | "ai_npv"
            | "impairment"
            | "lease_liability"
            | "creditor_loss"
            | "cumulative_capex"
            | "cumulative_ai_cash_flow",
        ) => "$B",
        // The thresholds' windowed value: its unit is the window's.
        ("threshold", _) => "as the threshold's window",
        _ => "$B/quarter",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flows_stocks_prices_and_indicators_have_their_units() {
        let v = MetricKind::Value;
        assert_eq!(unit_of("industry", "capex", v), "$B/quarter");
        assert_eq!(unit_of("industry", "required_revenue", v), "$B/year");
        assert_eq!(unit_of("hyperscaler.Oracle", "cash", v), "$B");
        assert_eq!(unit_of("market", "rental_price", v), "$/GPU-hour");
        assert_eq!(unit_of("hyperscaler.Oracle", "capacity_gw", v), "GW");
        assert_eq!(unit_of("hyperscaler.Oracle", "dscr", v), "ratio");
        assert_eq!(
            unit_of("lab.OpenAI", "default_by", MetricKind::Indicator),
            "probability"
        );
    }
}
