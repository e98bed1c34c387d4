//! Compound-Poisson jumps in the log of a price.
//!
//! In a step of length Δ the number of jumps is Poisson(λΔ), drawn by
//! inverting its CDF with one uniform, and the total log jump given `k`
//! jumps is normal(k·m, k·s²), drawn with one normal. Both inputs are drawn
//! every step, jump or not, so antithetic partners stay aligned.

/// Jumps in one step.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct JumpStep {
    /// P(no jump) = e^{−λΔ}.
    p0: f64,
    lambda_dt: f64,
    mean: f64,
    sd: f64,
}

/// Above this many jumps in one quarter the CDF inversion stops (the tail
/// beyond it has probability below 1e-30 for any validated rate).
const MAX_JUMPS: u32 = 200;

impl JumpStep {
    /// `rate` jumps per year; each jump multiplies the price by `exp(N(mean, sd²))`.
    pub fn new(rate: f64, mean: f64, sd: f64, dt: f64) -> JumpStep {
        JumpStep {
            p0: (-rate * dt).exp(),
            lambda_dt: rate * dt,
            mean,
            sd,
        }
    }

    /// The number of jumps for a uniform `u` in (0, 1) (inverse CDF).
    #[inline]
    pub fn count(&self, u: f64) -> u32 {
        let mut k = 0;
        let mut p = self.p0;
        let mut cdf = p;
        while u > cdf && k < MAX_JUMPS {
            k += 1;
            p *= self.lambda_dt / k as f64;
            cdf += p;
        }
        k
    }

    /// The total log jump for `k` jumps and a standard normal `z`.
    #[inline]
    pub fn log_jump(&self, k: u32, z: f64) -> f64 {
        if k == 0 {
            0.0
        } else {
            k as f64 * self.mean + (k as f64).sqrt() * self.sd * z
        }
    }

    /// `E[e^J] − 1` for one jump: what the diffusion drift must give back so
    /// that jumps do not change the expected price path.
    pub fn compensator(rate: f64, mean: f64, sd: f64) -> f64 {
        rate * ((mean + 0.5 * sd * sd).exp() - 1.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inverse_cdf_boundaries() {
        let j = JumpStep::new(4.0, -0.1, 0.0, 0.25);
        let p0 = (-1.0f64).exp();
        assert_eq!(j.count(p0 * 0.999), 0);
        assert_eq!(j.count(p0 * 1.001), 1);
        assert_eq!(j.count(p0 * 1.999), 1);
        assert_eq!(j.count(p0 * 2.001), 2);
        assert_eq!(j.log_jump(3, 5.0), -0.30000000000000004);
    }
}
