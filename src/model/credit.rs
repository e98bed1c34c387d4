//! Credit arithmetic shared by the companies: the rating band that prices
//! new debt and closes the market, the present value of lease payments,
//! and what creditors recover when a company defaults.
//!
//! The rating band is counted in turns of net debt/EBITDA. A company's
//! band is the weaker of its net leverage and the leverage its interest
//! cover implies in S&P's table of core ratios (corporate methodology,
//! standard volatility): EBITDA/interest above 13× sits with leverage below
//! 1.5×, 9–13× with 1.5–2×, 6–9× with 2–3×, 4–6× with 3–4×, 2–4× with 4–5×
//! and below 2× with more than 5×. Between the table's points the
//! equivalence is linear; beyond its ends it continues the nearest slope.
//! New debt pays `spread_per_turn` for each turn of band above
//! `free_turns`, up to the company's `max_leverage`; beyond it the market
//! is closed, so a spread never runs away.

use crate::process::DT_YEARS;

/// Ratios (DSCR, interest cover, leverage) are capped at this magnitude, so
/// a company without debt service records a large finite number.
pub const RATIO_CAP: f64 = 1000.0;

/// S&P's core-ratio bands as (EBITDA/interest, debt/EBITDA) at each
/// boundary, weakest first.
const COVER_BANDS: [(f64, f64); 5] = [(2.0, 5.0), (4.0, 4.0), (6.0, 3.0), (9.0, 2.0), (13.0, 1.5)];

/// The net leverage (turns) that an interest cover implies.
pub fn cover_turns(cover: f64) -> f64 {
    let segment =
        |(c0, t0): (f64, f64), (c1, t1): (f64, f64)| t0 + (cover - c0) * (t1 - t0) / (c1 - c0);
    let turns = match COVER_BANDS.iter().position(|&(c, _)| cover < c) {
        // Weaker than the weakest boundary: the first segment's slope.
        Some(0) => segment(COVER_BANDS[0], COVER_BANDS[1]),
        Some(k) => segment(COVER_BANDS[k - 1], COVER_BANDS[k]),
        None => segment(COVER_BANDS[3], COVER_BANDS[4]),
    };
    turns.clamp(0.0, RATIO_CAP)
}

/// The company's rating band in turns: the weaker of its net leverage and
/// the leverage its interest cover implies.
pub fn band_turns(net_leverage: f64, interest_cover: f64) -> f64 {
    net_leverage.max(cover_turns(interest_cover))
}

/// The spread add-on of a band: `per_turn` for each turn above `free`, up
/// to `max` (the worst band the market still lends to).
pub fn band_addon(band: f64, free: f64, max: f64, per_turn: f64) -> f64 {
    per_turn * (band - free).clamp(0.0, (max - free).max(0.0))
}

/// Present value of `quarters` level quarterly `payment`s at the annual
/// `rate` (compounded quarterly), the first a quarter from now.
pub fn annuity_pv(payment: f64, quarters: usize, rate: f64) -> f64 {
    let r = rate * DT_YEARS;
    let n = quarters as i32;
    if r > 0.0 {
        payment * (1.0 - (1.0 + r).powi(-n)) / r
    } else {
        payment * n as f64
    }
}

/// What the creditors of a defaulting company lose: their claims (debt
/// and lease liability) less what its cash and the sale of its assets
/// (`asset_recovery` × net book value) repay, never below zero.
pub fn creditor_loss(claims: f64, cash: f64, net_book: f64, asset_recovery: f64) -> f64 {
    let value = cash.max(0.0) + asset_recovery * net_book.max(0.0);
    (claims - value).max(0.0)
}

/// `num / den`, capped at ±[`RATIO_CAP`], and the cap when `den` is zero.
pub fn ratio(num: f64, den: f64) -> f64 {
    if den > 0.0 {
        (num / den).clamp(-RATIO_CAP, RATIO_CAP)
    } else {
        RATIO_CAP
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cover_turns_meets_the_table_at_its_boundaries() {
        for (cover, turns) in COVER_BANDS {
            assert!((cover_turns(cover) - turns).abs() < 1e-12, "{cover}");
        }
        // Inside a band and beyond both ends.
        assert!((cover_turns(5.0) - 3.5).abs() < 1e-12);
        assert!((cover_turns(1.0) - 5.5).abs() < 1e-12);
        assert!((cover_turns(0.0) - 6.0).abs() < 1e-12);
        assert!((cover_turns(17.0) - 1.0).abs() < 1e-12);
        assert_eq!(cover_turns(RATIO_CAP), 0.0);
        assert!(cover_turns(-RATIO_CAP) > 100.0);
    }

    #[test]
    fn weaker_cover_never_improves_the_band() {
        let mut last = f64::INFINITY;
        for i in -200..=400 {
            let t = cover_turns(i as f64 / 10.0);
            assert!(t <= last, "cover {}", i as f64 / 10.0);
            last = t;
        }
        assert_eq!(band_turns(4.5, 20.0), 4.5);
        assert_eq!(band_turns(1.0, 3.0), 4.5);
    }

    #[test]
    fn the_addon_is_bounded_by_the_worst_band() {
        assert_eq!(band_addon(1.0, 2.0, 5.0, 0.01), 0.0);
        assert!((band_addon(3.0, 2.0, 5.0, 0.01) - 0.01).abs() < 1e-15);
        assert!((band_addon(50.0, 2.0, 5.0, 0.01) - 0.03).abs() < 1e-15);
    }

    #[test]
    fn annuity_and_creditor_loss_by_hand() {
        assert_eq!(annuity_pv(2.0, 3, 0.0), 6.0);
        let pv = annuity_pv(1.0, 2, 0.04);
        assert!((pv - (1.0 / 1.01 + 1.0 / 1.01f64.powi(2))).abs() < 1e-12);
        // 100 of claims, 5 of cash, 200 of book at 40%: 85 repaid, 15 lost.
        assert!((creditor_loss(100.0, 5.0, 200.0, 0.4) - 15.0).abs() < 1e-12);
        assert_eq!(creditor_loss(100.0, -5.0, 500.0, 0.4), 0.0);
        assert_eq!(creditor_loss(100.0, -5.0, 0.0, 0.4), 100.0);
    }
}
