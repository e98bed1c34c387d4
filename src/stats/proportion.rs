//! A probability estimate with its standard error.
//!
//! The sampling unit is a path, or an antithetic pair when pairs are used:
//! each unit contributes the share of its members for which the event
//! happened (0 or 1 for a path; 0, ½ or 1 for a pair). The estimate is the
//! mean over units and its standard error is the unit-level standard
//! deviation over √units, which is the correct error under antithetic
//! sampling (paths within a pair are not independent). Merging is integer
//! arithmetic, so it is exact in any order.

/// Hits counted per unit, as sufficient statistics in integers.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Proportion {
    /// Members per unit: 1 for plain paths, 2 for antithetic pairs.
    members: u64,
    units: u64,
    /// Σ hits over units.
    hits: u64,
    /// Σ hits² over units.
    hits_sq: u64,
}

impl Proportion {
    /// An empty estimate whose units have `members` paths each (1 or 2).
    pub fn new(members: u64) -> Proportion {
        Proportion {
            members: members.max(1),
            ..Proportion::default()
        }
    }

    /// Records one unit in which `hits` of its members saw the event.
    pub fn push_unit(&mut self, hits: u64) {
        debug_assert!(hits <= self.members);
        self.units += 1;
        self.hits += hits;
        self.hits_sq += hits * hits;
    }

    /// Adds another estimate's counts.
    pub fn merge(&mut self, other: &Proportion) {
        self.units += other.units;
        self.hits += other.hits;
        self.hits_sq += other.hits_sq;
    }

    /// The estimated probability.
    pub fn probability(&self) -> f64 {
        if self.units == 0 {
            f64::NAN
        } else {
            self.hits as f64 / (self.units * self.members) as f64
        }
    }

    /// Standard error of [`probability`](Self::probability).
    pub fn std_error(&self) -> f64 {
        if self.units < 2 {
            return f64::NAN;
        }
        let n = self.units as f64;
        let m = self.members as f64;
        let mean = self.hits as f64 / n;
        let var_unit = (self.hits_sq as f64 - n * mean * mean) / (n - 1.0);
        (var_unit.max(0.0) / n).sqrt() / m
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bernoulli_standard_error() {
        let mut p = Proportion::new(1);
        for i in 0..1000 {
            p.push_unit(u64::from(i % 4 == 0));
        }
        assert_eq!(p.probability(), 0.25);
        let expect = (0.25 * 0.75 / 999.0f64).sqrt();
        assert!((p.std_error() - expect).abs() < 1e-12);
    }

    #[test]
    fn perfectly_negatively_correlated_pairs_have_zero_error() {
        let mut p = Proportion::new(2);
        for _ in 0..100 {
            p.push_unit(1);
        }
        assert_eq!(p.probability(), 0.5);
        assert_eq!(p.std_error(), 0.0);
    }
}
