//! Latin hypercube designs: `n` points over ranges, each axis cut into `n`
//! equal strata and every stratum of every axis hit exactly once.

use super::{Axis, AxisValues};
use rand::RngExt;
use rand::seq::SliceRandom;

/// Positions within a stratum are drawn on a lattice of this many cells
/// and placed at cell centres, so no point lies within rounding distance
/// of a stratum's edge: inverting a value always finds its stratum. Each
/// value is written with the decimals a tenth of a cell needs, and no more
/// (`0.0622962`, not `0.062296204566955574`): the rounding moves it less
/// than a twentieth of a cell, so it stays in its cell.
const LATTICE: u64 = 1000;

/// `n` points, each a value per axis (every axis must be a range `LO:HI`).
/// Axis `d`'s strata are a random permutation; within its stratum a point
/// sits at a random lattice position. Values are written in the shortest
/// form that reads back as the same `f64`.
pub fn latin_hypercube(
    axes: &[Axis],
    n: usize,
    rng: &mut impl rand::Rng,
) -> Result<Vec<Vec<String>>, String> {
    let mut points = vec![Vec::with_capacity(axes.len()); n];
    for axis in axes {
        let (lo, hi) = match &axis.values {
            AxisValues::Range {
                lo,
                hi,
                steps: None,
            } => (lo.to_string().parse::<f64>(), hi.to_string().parse::<f64>()),
            _ => {
                return Err(format!(
                    "--lhs samples ranges: give {} as LO:HI (e.g. {}=0.02:0.2), not `{}`",
                    axis.path,
                    axis.path,
                    axis.to_string().split_once('=').map_or("", |(_, s)| s)
                ));
            }
        };
        let (Ok(lo), Ok(hi)) = (lo, hi) else {
            return Err(format!("the range for {} is beyond f64", axis.path));
        };
        let cell_width = ((hi - lo) / (n as f64 * LATTICE as f64)).abs();
        let decimals = (-(cell_width / 10.0).log10()).ceil().clamp(0.0, 300.0) as usize;
        let mut strata: Vec<usize> = (0..n).collect();
        strata.shuffle(rng);
        for (point, k) in points.iter_mut().zip(strata) {
            let cell = rng.random_range(0..LATTICE);
            let u = (cell as f64 + 0.5) / LATTICE as f64;
            let x = lo + (hi - lo) * ((k as f64 + u) / n as f64);
            let rounded: f64 = format!("{x:.decimals$}").parse().unwrap_or(x);
            point.push(crate::number::shortest(rounded));
        }
    }
    Ok(points)
}

#[cfg(test)]
mod tests {
    use super::super::Design;
    use super::*;
    use rand::SeedableRng;

    #[test]
    fn every_stratum_is_hit_exactly_once() {
        let axes: Vec<Axis> = ["a.x=0.02:0.2", "a.y=-0.45:-0.1", "a.z=6:3"]
            .iter()
            .map(|s| s.parse().unwrap())
            .collect();
        for n in [1, 2, 7, 100, 1000] {
            let mut rng = rand_xoshiro::Xoshiro256PlusPlus::seed_from_u64(n as u64);
            let design = Design {
                axes: axes.clone(),
                lhs: Some(n),
                list: None,
            };
            let points = design.expand(10_000, &mut rng).unwrap();
            assert_eq!(points.len(), n);
            for (d, (lo, hi)) in [(0.02, 0.2), (-0.45, -0.1), (6.0, 3.0)]
                .into_iter()
                .enumerate()
            {
                let mut hit = vec![0; n];
                for p in &points {
                    let x: f64 = p[d].parse().unwrap();
                    let t = (x - lo) / (hi - lo);
                    assert!((0.0..1.0).contains(&t), "{x} outside {lo}:{hi}");
                    hit[(t * n as f64).floor() as usize] += 1;
                }
                assert!(hit.iter().all(|&h| h == 1), "axis {d}, n {n}: {hit:?}");
            }
        }
    }

    #[test]
    fn lists_and_stepped_ranges_are_refused() {
        let mut rng = rand_xoshiro::Xoshiro256PlusPlus::seed_from_u64(1);
        for spec in ["a.x=1,2", "a.x=0:1:5"] {
            let design = Design {
                axes: vec![spec.parse().unwrap()],
                lhs: Some(5),
                list: None,
            };
            let e = design.expand(100, &mut rng).unwrap_err();
            assert!(e.contains("LO:HI"), "{e}");
        }
        let design = Design {
            axes: vec!["a.x=0:1".parse().unwrap()],
            lhs: Some(500),
            list: None,
        };
        assert!(design.expand(100, &mut rng).unwrap_err().contains("cap"));
    }
}
