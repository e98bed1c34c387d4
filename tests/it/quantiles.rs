//! The histogram's quantiles: within the stated bound of exact sample
//! quantiles, and merging chunks equals one accumulator.

use sim::engine::seeding::path_random;
use sim::stats::histogram::{LogHistogram, RELATIVE_ERROR, ZERO_THRESHOLD};

fn exact_quantile(sorted: &[f64], p: f64) -> f64 {
    let n = sorted.len();
    let rank = ((p * n as f64).ceil() as usize).clamp(1, n);
    sorted[rank - 1]
}

fn samples(kind: &str, n: usize) -> Vec<f64> {
    let mut r = path_random(11, 0, false);
    (0..n)
        .map(|_| match kind {
            "normal" => r.normal() * 30.0 - 5.0,
            "lognormal" => (r.normal() * 1.5 + 2.0).exp(),
            "uniform" => r.uniform() * 1e-6,
            "mixed" => {
                if r.uniform() < 0.3 {
                    0.0
                } else {
                    -1e3 * r.uniform().ln()
                }
            }
            _ => unreachable!(),
        })
        .collect()
}

#[test]
fn quantiles_within_stated_bound() {
    for kind in ["normal", "lognormal", "uniform", "mixed"] {
        let xs = samples(kind, 50_000);
        let mut h = LogHistogram::new();
        xs.iter().for_each(|x| h.insert(*x));
        let mut sorted = xs.clone();
        sorted.sort_by(f64::total_cmp);
        for i in 1..1000 {
            let p = i as f64 / 1000.0;
            let q = exact_quantile(&sorted, p);
            let got = h.quantile(p);
            assert!(
                (got - q).abs() <= RELATIVE_ERROR * q.abs() + ZERO_THRESHOLD,
                "{kind} p={p}: histogram {got}, exact {q}"
            );
        }
    }
}

#[test]
fn merging_chunks_equals_a_single_accumulator() {
    let xs = samples("normal", 20_000);
    let mut whole = LogHistogram::new();
    xs.iter().for_each(|x| whole.insert(*x));
    for chunk in [1, 7, 1024, 5000] {
        let parts: Vec<LogHistogram> = xs
            .chunks(chunk)
            .map(|c| {
                let mut h = LogHistogram::new();
                c.iter().for_each(|x| h.insert(*x));
                h
            })
            .collect();
        // Merge in two different orders: counts are integers, so both equal `whole`.
        let mut forward = LogHistogram::new();
        parts.iter().for_each(|p| forward.merge(p));
        let mut backward = LogHistogram::new();
        parts.iter().rev().for_each(|p| backward.merge(p));
        for i in 0..=200 {
            let p = i as f64 / 200.0;
            assert_eq!(
                forward.quantile(p),
                whole.quantile(p),
                "chunk {chunk} p {p}"
            );
            assert_eq!(
                backward.quantile(p),
                whole.quantile(p),
                "chunk {chunk} p {p} reversed"
            );
        }
        assert_eq!(forward.count(), whole.count());
    }
}
