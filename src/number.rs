//! How numbers are written for people and spreadsheets: the shortest
//! round-trip digits, with an exponent only when a number is very small or
//! very large (never three hundred zeros). Shared by the CSV writers and the
//! scenario's own messages so the two always agree.

/// Shortest round-trip form; exponent notation below 1e-5 or from 1e16;
/// zero (of either sign) as `0`.
pub fn shortest(x: f64) -> String {
    if x == 0.0 {
        "0".to_string()
    } else if !x.is_finite() || (1e-5..1e16).contains(&x.abs()) {
        format!("{x}")
    } else {
        format!("{x:e}")
    }
}

/// `x` to `digits` significant digits, written as [`shortest`] writes
/// the rounded number: `-545.992673992674` to 6 digits is `-545.993`.
pub fn significant(x: f64, digits: usize) -> String {
    if !x.is_finite() || x == 0.0 {
        return shortest(x);
    }
    let rounded: f64 = format!("{x:.*e}", digits.saturating_sub(1))
        .parse()
        .unwrap_or(x);
    shortest(rounded)
}

#[cfg(test)]
mod tests {
    use super::{shortest, significant};

    #[test]
    fn significant_digits() {
        assert_eq!(significant(-545.992673992674, 6), "-545.993");
        assert_eq!(significant(0.062296204566955574, 6), "0.0622962");
        assert_eq!(significant(263.0, 6), "263");
        assert_eq!(significant(1234567.0, 6), "1234570");
        assert_eq!(significant(0.0, 6), "0");
        assert_eq!(significant(1e-320, 6), "1e-320");
    }

    #[test]
    fn plain_and_exponent_forms() {
        assert_eq!(shortest(0.25), "0.25");
        assert_eq!(shortest(-0.0), "0");
        assert_eq!(shortest(650.0), "650");
        assert_eq!(shortest(1e-320), "1e-320");
        assert_eq!(shortest(1.5e300), "1.5e300");
    }
}
