//! Geometric Brownian motion, stepped exactly in logs.
//!
//! `S(t+Δ) = S(t) · exp((μ − σ²/2)Δ + σ√Δ Z)` is the exact transition, so
//! `E[S(T)] = S(0) e^{μT}` and `Var[S(T)] = S(0)² e^{2μT}(e^{σ²T} − 1)` hold
//! for any step size (tested against the Monte Carlo in `tests/`).

/// The exact one-step log increment of a GBM.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct GbmStep {
    drift_dt: f64,
    vol_sqrt_dt: f64,
}

impl GbmStep {
    /// `mu` is the continuously-compounded drift of `E[S]` and `vol` the
    /// volatility, both annual; `dt` in years.
    pub fn new(mu: f64, vol: f64, dt: f64) -> GbmStep {
        GbmStep {
            drift_dt: (mu - 0.5 * vol * vol) * dt,
            vol_sqrt_dt: vol * dt.sqrt(),
        }
    }

    /// The log increment for a standard normal `z`.
    #[inline]
    pub fn log_increment(&self, z: f64) -> f64 {
        self.drift_dt + self.vol_sqrt_dt * z
    }
}

/// Continuously-compounded drift for an expected annual change `annual`
/// (−0.25 means prices are expected to fall 25% a year).
pub fn log_drift(annual: f64) -> f64 {
    annual.ln_1p()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zero_vol_is_deterministic_growth() {
        let s = GbmStep::new(log_drift(-0.25), 0.0, 1.0);
        assert!(((s.log_increment(1.3)).exp() - 0.75).abs() < 1e-15);
    }
}
