//! The base scenario against the reported 2026 capex guidance: each
//! company's median 2026 capex and the big-4 sum sit inside the bands, so a
//! recalibration cannot drift away from them unnoticed.

use crate::common::{read, root};
use sim::engine::{self, PathModel, RunConfig};
use sim::model::Economy;
use sim::scenario;
use sim::scenario::facts::FactTable;

/// The median of the values (the lower middle for an even count).
fn median(mut xs: Vec<f64>) -> f64 {
    xs.sort_by(f64::total_cmp);
    xs[(xs.len() - 1) / 2]
}

#[test]
fn base_2026_capex_medians_sit_inside_the_guidance_bands() {
    let path = root().join("scenarios/base.toml");
    let s = scenario::from_text(&path, &read(&path), &[]).unwrap_or_else(|e| panic!("{e}"));
    let model = Economy::new(&s).unwrap();
    let n = 2000;
    let cfg = RunConfig {
        n_paths: n,
        seed: s.simulation.seed,
        antithetic: s.simulation.antithetic,
        threads: 2,
        sample_paths: n,
    };
    let result = engine::run(&model, &cfg, &|_| {}).unwrap();
    let nq = model.n_quarters();
    let cells = model.metrics().len() * nq;
    let year_2026: Vec<usize> = s
        .simulation
        .quarters()
        .iter()
        .enumerate()
        .filter(|(_, q)| q.to_string().starts_with("2026"))
        .map(|(i, _)| i)
        .collect();
    assert_eq!(year_2026.len(), 4);
    let capex_2026 = |company: &str| -> Vec<f64> {
        let m = model
            .metrics()
            .iter()
            .position(|x| x.entity == format!("hyperscaler.{company}") && x.metric == "capex")
            .unwrap();
        (0..n as usize)
            .map(|p| {
                year_2026
                    .iter()
                    .map(|q| result.samples[p * cells + m * nq + q])
                    .sum()
            })
            .collect()
    };
    let facts = FactTable::load(&root().join("seeds/facts.csv")).unwrap();
    let f = |id: &str| facts.get(id).unwrap_or_else(|| panic!("fact {id}")).value;
    // Amazon guided "~200"; read as ±10%. Microsoft's band is the fact
    // sheet's ~150–190 (calendar versus fiscal year unclear).
    let amazon = f("amzn.capex.guidance2026");
    let bands = [
        (
            "Microsoft",
            f("msft.capex.guidance2026.low"),
            f("msft.capex.guidance2026.high"),
        ),
        (
            "Alphabet",
            f("googl.capex.guidance2026.low"),
            f("googl.capex.guidance2026.high"),
        ),
        ("Amazon", 0.9 * amazon, 1.1 * amazon),
        (
            "Meta",
            f("meta.capex.guidance2026.low"),
            f("meta.capex.guidance2026.high"),
        ),
    ];
    let mut big4 = vec![0.0; n as usize];
    for (company, lo, hi) in bands {
        let xs = capex_2026(company);
        for (b, x) in big4.iter_mut().zip(&xs) {
            *b += x;
        }
        let m = median(xs);
        assert!(
            (lo..=hi).contains(&m),
            "{company}: median 2026 capex {m:.1} outside its guidance {lo}–{hi}"
        );
    }
    let m = median(big4);
    let (lo, hi) = (
        f("capex.big4.guidance2026.low"),
        f("capex.big4.guidance2026.high"),
    );
    assert!(
        (lo..=hi).contains(&m),
        "big-4 median 2026 capex {m:.1} outside the guidance tally {lo}–{hi}"
    );
}
