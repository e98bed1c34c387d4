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

#[cfg(test)]
mod tests {
    use super::shortest;

    #[test]
    fn plain_and_exponent_forms() {
        assert_eq!(shortest(0.25), "0.25");
        assert_eq!(shortest(-0.0), "0");
        assert_eq!(shortest(650.0), "650");
        assert_eq!(shortest(1e-320), "1e-320");
        assert_eq!(shortest(1.5e300), "1.5e300");
    }
}
