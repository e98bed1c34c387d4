//! Ornstein–Uhlenbeck (and so Vasicek) processes, stepped exactly.
//!
//! `dx = κ(θ − x)dt + σ dW` has the exact transition
//! `x(t+Δ) = θ + (x − θ)e^{−κΔ} + σ √((1 − e^{−2κΔ}) / 2κ) Z`,
//! whose stationary law is normal(θ, σ²/2κ). The short rate (Vasicek) is
//! this process on the rate; the HBM index is this process on its log.

/// The exact one-step transition of an OU process with a given speed.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct OuStep {
    decay: f64,
    noise: f64,
}

impl OuStep {
    /// `speed` κ ≥ 0 and `vol` σ ≥ 0 annual; `dt` in years. κ = 0 is a
    /// random walk (the limit of the formula).
    pub fn new(speed: f64, vol: f64, dt: f64) -> OuStep {
        let decay = (-speed * dt).exp();
        let var = if speed * dt < 1e-12 {
            dt
        } else {
            (1.0 - decay * decay) / (2.0 * speed)
        };
        OuStep {
            decay,
            noise: vol * var.sqrt(),
        }
    }

    /// Next value from `x`, reverting towards `mean`, with standard normal `z`.
    #[inline]
    pub fn step(&self, x: f64, mean: f64, z: f64) -> f64 {
        mean + (x - mean) * self.decay + self.noise * z
    }
}

/// Stationary variance σ²/2κ of an OU process (infinite when κ = 0).
pub fn stationary_variance(speed: f64, vol: f64) -> f64 {
    vol * vol / (2.0 * speed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zero_vol_decays_geometrically() {
        let s = OuStep::new(0.5, 0.0, 0.25);
        let x = s.step(1.0, 0.0, 3.0);
        assert!((x - (-0.125f64).exp()).abs() < 1e-15);
    }

    #[test]
    fn zero_speed_is_random_walk() {
        let s = OuStep::new(0.0, 0.2, 0.25);
        assert!((s.step(1.0, 5.0, 1.0) - 1.1).abs() < 1e-12);
    }
}
