//! Stress never helps the stressed (DESIGN.md §4b, principle 1): under
//! common random numbers, a bust regime, a higher lab hazard, a worse
//! recovery, higher rates and a component squeeze never lower any company's
//! probability of distress or default, nor its creditors' expected loss,
//! by 2030Q4 beyond noise (4 standard
//! errors of the paired change, antithetic pairs as units). Worse
//! recoveries, higher rates and a squeeze never raise its probability of AI
//! break-even either. A bust and a lab's default do raise some break-even
//! probabilities, because break-even is still cash payback (cumulative AI
//! cash flow > 0): a company that stops building recovers its cash sooner,
//! and capacity freed by a defaulted contract priced below the market
//! re-lets above it. Break-even with the value of the capacity kept is
//! model v2 part 3; these two tests check distress and default only.

use crate::common::{BASE_COMPANIES as COMPANIES, Samples, base_samples, paired_change};

const PATHS: u64 = 2048;

fn samples(sets: &[&str]) -> Samples {
    base_samples(PATHS, sets)
}

/// Mean and standard error of `after − before` for an event by the horizon.
fn change(before: &Samples, after: &Samples, entity: &str, event: &str) -> (f64, f64) {
    let at_horizon = |s: &Samples| -> Vec<f64> {
        (0..PATHS as usize)
            .map(|p| s.get(p, entity, event, 19))
            .collect()
    };
    paired_change(&at_horizon(before), &at_horizon(after))
}

/// Runs the base scenario as it is and stressed by `stress`, and checks
/// every company's distress and default, and break-even when `breakeven`.
fn never_helps(what: &str, stress: &[&str], breakeven: bool) {
    let base = samples(&[]);
    let stressed = samples(stress);
    for company in COMPANIES {
        let e = format!("hyperscaler.{company}");
        for event in ["distress_by", "default_by", "creditor_loss"] {
            let (mean, se) = change(&base, &stressed, &e, event);
            assert!(
                mean >= -4.0 * se,
                "{what} lowers {company}'s {event}: change {mean} (SE {se})"
            );
        }
        if !breakeven {
            continue;
        }
        let (mean, se) = change(&base, &stressed, &e, "breakeven_by");
        assert!(
            mean <= 4.0 * se,
            "{what} raises {company}'s break-even: change {mean} (SE {se})"
        );
    }
}

#[test]
fn a_higher_lab_hazard_never_helps() {
    never_helps(
        "OpenAI's hazard 0.03 → 0.25",
        &["lab.OpenAI.hazard=0.25", "lab.Anthropic.hazard=0.15"],
        false,
    );
}

#[test]
fn a_worse_recovery_never_helps() {
    never_helps(
        "recoveries cut to a tenth",
        &[
            "lab.OpenAI.recovery.boom=0.05",
            "lab.OpenAI.recovery.digestion=0.05",
            "lab.OpenAI.recovery.bust=0.02",
            "lab.Anthropic.recovery.boom=0.05",
            "lab.Anthropic.recovery.digestion=0.05",
            "lab.Anthropic.recovery.bust=0.02",
        ],
        true,
    );
}

#[test]
fn a_bust_never_helps() {
    never_helps("starting in bust", &["market.regime.start=\"bust\""], false);
}

#[test]
fn higher_rates_never_help() {
    never_helps(
        "rates at 6%",
        &["market.rates.start=0.06", "market.rates.mean=0.06"],
        true,
    );
}

#[test]
fn a_component_squeeze_never_helps() {
    never_helps(
        "an HBM squeeze to 2.0",
        &["market.hbm_price.squeeze.level=2.0"],
        true,
    );
}

#[test]
fn creditors_lose_more_when_assets_fetch_less_and_nothing_else_moves() {
    let base = samples(&[]);
    let worse = samples(&["industry.credit.asset_recovery=0.2"]);
    let mut defaults = 0;
    for company in COMPANIES {
        let e = format!("hyperscaler.{company}");
        for p in 0..PATHS as usize {
            let (b, w) = (
                base.get(p, &e, "creditor_loss", 19),
                worse.get(p, &e, "creditor_loss", 19),
            );
            assert!(w >= b, "{company} path {p}: loss {w} < {b}");
            for m in ["default_by", "cash", "debt"] {
                assert_eq!(
                    base.get(p, &e, m, 19),
                    worse.get(p, &e, m, 19),
                    "{company} {m}"
                );
            }
            defaults += (b > 0.0) as usize;
        }
    }
    assert!(
        defaults > 0,
        "no default with a creditor loss among {PATHS} paths"
    );
}
