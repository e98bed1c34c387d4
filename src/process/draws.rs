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
    /// One parameter's stream taken from another path: (place in the draw
    /// order, that path's base). A pick-freeze design's mixed paths only.
    swapped: Option<(u64, u64)>,
}

/// Where a path's parameters come from: each parameter draws from its own
/// stream, seeded from `base` and its place in the draw order, except the
/// one `swapped` in from another path (see [`PathRandom::with_parameter_of`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ParamStreams {
    pub base: u64,
    pub swapped: Option<(u64, u64)>,
}

impl ParamStreams {
    /// The base of the parameter in place `index` of the draw order.
    #[inline]
    pub fn base_of(&self, index: u64) -> u64 {
        match self.swapped {
            Some((at, base)) if at == index => base,
            _ => self.base,
        }
    }
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
            swapped: None,
        }
    }

    /// This path with the parameter in place `index` of the draw order
    /// drawn as `other` draws it: the rest of its parameters and all its
    /// shocks stay its own (pick-freeze's A with column i from B).
    pub fn with_parameter_of(mut self, index: u64, other: &PathRandom) -> PathRandom {
        self.swapped = Some((index, other.params.clone().next_u64()));
        self
    }

    /// This path's shocks with `other`'s parameters (pick-freeze's B with
    /// every parameter from A: only the path's randomness differs).
    pub fn with_parameters_of(mut self, other: &PathRandom) -> PathRandom {
        self.params = other.params.clone();
        self.swapped = other.swapped;
        self
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

    /// The path's parameter streams: one number from its parameter
    /// generator, and the parameter swapped in, if any.
    pub fn param_streams(&mut self) -> ParamStreams {
        ParamStreams {
            base: self.params.next_u64(),
            swapped: self.swapped,
        }
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
