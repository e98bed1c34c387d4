//! The random inputs of one path: standard normals and uniforms for the
//! shocks, and a separate stream for the once-per-path parameter draws.
//!
//! Antithetic sampling lives here: the mirrored member of a pair sees `-z`
//! for every normal and `1 - u` for every uniform, and the same parameter
//! draws as its partner. Every process consumes a fixed number of inputs per
//! step, so the two members of a pair stay aligned draw for draw.

use rand::{Rng, RngExt};
use rand_distr::StandardNormal;
use rand_xoshiro::Xoshiro256PlusPlus;

/// The random inputs for one path. Built by `engine::seeding` only.
#[derive(Debug, Clone)]
pub struct PathRandom {
    shocks: Xoshiro256PlusPlus,
    params: Xoshiro256PlusPlus,
    mirror: bool,
}

/// 2^-53, the spacing of the uniform lattice.
const UNIT: f64 = 1.0 / (1u64 << 53) as f64;

impl PathRandom {
    /// Wraps two independent generators; `mirror` selects the antithetic member.
    pub fn new(shocks: Xoshiro256PlusPlus, params: Xoshiro256PlusPlus, mirror: bool) -> PathRandom {
        PathRandom {
            shocks,
            params,
            mirror,
        }
    }

    /// A standard normal (ziggurat), negated on the mirrored path.
    #[inline(always)]
    pub fn normal(&mut self) -> f64 {
        let z: f64 = self.shocks.sample(StandardNormal);
        if self.mirror { -z } else { z }
    }

    /// Fills `out` with standard normals.
    #[inline]
    pub fn normals(&mut self, out: &mut [f64]) {
        for z in out {
            *z = self.normal();
        }
    }

    /// A uniform on the open interval (0, 1), `1 - u` on the mirrored path.
    /// The lattice `(k + 1/2) 2^-53` is symmetric, so mirroring is exact and
    /// never yields 0 or 1.
    #[inline]
    pub fn uniform(&mut self) -> f64 {
        let k = self.shocks.next_u64() >> 11;
        let k = if self.mirror { (1u64 << 53) - 1 - k } else { k };
        (k as f64 + 0.5) * UNIT
    }

    /// The generator for once-per-path parameter draws (shared by a pair).
    pub fn params(&mut self) -> &mut Xoshiro256PlusPlus {
        &mut self.params
    }

    /// A raw uniform in [0, 1) from the parameter stream (for tests of draws).
    pub fn param_uniform(&mut self) -> f64 {
        self.params.random()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;

    #[test]
    fn mirror_negates_normals_and_flips_uniforms() {
        let mk = |m| {
            PathRandom::new(
                Xoshiro256PlusPlus::seed_from_u64(7),
                Xoshiro256PlusPlus::seed_from_u64(8),
                m,
            )
        };
        let (mut a, mut b) = (mk(false), mk(true));
        for _ in 0..1000 {
            assert_eq!(a.normal(), -b.normal());
            let (u, v) = (a.uniform(), b.uniform());
            assert!(u > 0.0 && u < 1.0);
            assert_eq!(u + v, 1.0);
        }
        assert_eq!(a.param_uniform(), b.param_uniform());
    }
}
