//! Exact decimal arithmetic for range steps (rust_decimal: 28 digits).

use rust_decimal::Decimal;
use std::str::FromStr;

/// Significant digits kept of a step that does not terminate; an `f64`
/// holds any 15-digit decimal exactly as written.
const DIGITS: u32 = 15;

/// Parses `0.1`, `-45`, `1e-3` or `2.5E2`.
pub(super) fn parse(s: &str) -> Result<Decimal, String> {
    Decimal::from_str(s)
        .or_else(|_| Decimal::from_scientific(s))
        .map_err(|e| e.to_string())
}

/// `steps` values from `lo` to `hi`, both included, evenly spaced, each
/// computed as `lo + (hi − lo)·i/(steps − 1)` in decimal and written in
/// its shortest form.
pub(super) fn steps(lo: Decimal, hi: Decimal, steps: u64) -> Result<Vec<String>, String> {
    if steps == 1 {
        return Ok(vec![show(lo)]);
    }
    let overflow = || format!("the range {lo}:{hi}:{steps} is beyond 28-digit decimals");
    let span = hi.checked_sub(lo).ok_or_else(overflow)?;
    let last = Decimal::from(steps - 1);
    (0..steps)
        .map(|i| {
            let v = span
                .checked_mul(Decimal::from(i))
                .and_then(|x| x.checked_div(last))
                .and_then(|x| x.checked_add(lo))
                .and_then(|x| x.round_sf(DIGITS))
                .ok_or_else(overflow)?;
            Ok(show(v))
        })
        .collect()
}

/// Shortest text: no trailing zeros, no negative zero.
fn show(d: Decimal) -> String {
    let d = d.normalize();
    if d.is_zero() {
        "0".to_string()
    } else {
        d.to_string()
    }
}
