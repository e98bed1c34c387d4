//! Bad input never panics, and what validation accepts runs to finite output.
//!
//! Property test: take the base scenario, replace one line's value with an
//! awkward token (or delete or duplicate the line), then load it. Loading
//! must return a result, never panic; a scenario it accepts must build and
//! run without producing NaN (a model bug); values outgrowing floating point
//! are reported as bad input, which is allowed here.

use crate::common::{read, root};
use proptest::prelude::*;
use sim::engine::{self, EngineError, Quantiles, RunConfig};
use sim::model::Economy;
use sim::scenario;

const TOKENS: &[&str] = &[
    "",
    "0",
    "-1",
    "1e308",
    "-1e308",
    "1e-320",
    "nan",
    "inf",
    "-inf",
    "\"x\"",
    "[1, 2]",
    "[]",
    "{}",
    "true",
    "\"2026Q9\"",
    "\"2031Q1\"",
    "{ dist = \"normal\", mean = 0, sd = 1 }",
    "{ dist = \"uniform\", min = 0, max = 1e300 }",
    "{ dist = \"lognormal\", mu = 700, sigma = 1 }",
    "{ dist = \"discrete\", values = [] }",
    "{ dist = \"pert\", min = 1, mode = 0, max = 2 }",
    "400",
    "4294967296",
    "[[0.5, 0.5, 0.0], [0.0, 1.0, 0.0], [0.0, 0.0, 1.0]]",
    "[[\"gpu_price\", \"demand\", 1.0], [\"demand\", \"rates\", -1.0], [\"rates\", \"gpu_price\", 1.0]]",
];

fn mutate(text: &str, line: usize, action: usize, token: &str) -> String {
    let lines: Vec<&str> = text.lines().collect();
    let i = line % lines.len();
    let mut out: Vec<String> = lines.iter().map(|l| l.to_string()).collect();
    match action % 3 {
        0 => {
            if let Some((key, _)) = lines[i].split_once('=') {
                out[i] = format!("{key}= {token}");
            } else {
                out[i] = token.to_string();
            }
        }
        1 => {
            out.remove(i);
        }
        _ => out.insert(i, lines[i].to_string()),
    }
    out.join("\n")
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 1000, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn mutated_scenarios_never_panic(line in 0usize..200, action in 0usize..3, token in 0usize..TOKENS.len()) {
        let path = root().join("scenarios/base.toml");
        let text = mutate(&read(&path), line, action, TOKENS[token]);
        let Ok(s) = scenario::from_text(&path, &text, &[]) else { return Ok(()) };
        let Ok(model) = Economy::new(&s) else { return Ok(()) };
        let cfg = RunConfig {
            n_paths: s.simulation.n_paths.min(256) & !1,
            seed: s.simulation.seed,
            antithetic: s.simulation.antithetic,
            threads: 2,
            sample_paths: 0,
            quantiles: Quantiles::All,
            sensitivity: None,
            distributions: Vec::new(),
        };
        // Overflow is a clear bad-input error; a NaN would be a model bug.
        let result = engine::run(&model, &cfg, &|_| {});
        prop_assert!(
            !matches!(result, Err(EngineError::NonFinite { .. } | EngineError::ThreadPool { .. })),
            "accepted scenario failed to run: {:?}\n{}", result.err(), text
        );
    }
}

/// Every accepted extreme gets the same exit code at 2 paths as at 200
/// (issue 15: overflow once depended on the path count), and it is 0 or 1.
#[test]
fn extreme_settings_exit_alike_at_any_path_count() {
    // Every bound at once, upward and downward (each run pays the fixed
    // cost of 400 quarters' statistics, so the extremes share runs).
    let extremes: &[&[&str]] = &[
        &[
            "market.gpu_price.vol=5",
            "market.gpu_price.drift=3",
            "market.gpu_price.jumps.rate=50",
            "market.gpu_price.jumps.mean=5",
            "market.gpu_price.jumps.sd=5",
            "market.demand.growth=3",
            "market.demand.vol=5",
            "market.hbm_price.vol=5",
            "market.rates.vol=5",
            "lab.OpenAI.revenue.growth=3",
            "lab.OpenAI.revenue.vol=5",
            "lab.OpenAI.revenue.decay_years=100",
            "hyperscaler.Microsoft.core.growth=3",
            "hyperscaler.Microsoft.core.vol=5",
            "hyperscaler.Microsoft.capex.growth=3",
            "hyperscaler.Microsoft.capex.decay_years=100",
            "industry.compute.efficiency_growth=3",
            "industry.end_user.monetisation_growth=1",
        ],
        &[
            "market.gpu_price.vol=5",
            "market.gpu_price.drift=-0.99",
            "market.gpu_price.jumps.rate=50",
            "market.gpu_price.jumps.mean=-5",
            "market.demand.growth=-3",
            "market.demand.vol=5",
            "lab.OpenAI.revenue.growth=-3",
            "hyperscaler.Microsoft.core.growth=-3",
            "industry.end_user.monetisation_growth=-1",
        ],
        // The two settings the reliability review reported.
        &["market.gpu_price.vol=5"],
        &[
            "market.gpu_price.jumps.rate=50",
            "market.gpu_price.jumps.mean=-5",
        ],
    ];
    let dir = tempfile::tempdir().unwrap();
    for sets in extremes {
        let code = |paths: &str| {
            let mut cmd = std::process::Command::new(assert_cmd::cargo::cargo_bin("sim"));
            cmd.current_dir(root())
                .args(["run", "scenarios/base.toml", "--quiet", "--paths", paths])
                .args(["--set", "simulation.quarters=400", "--out"])
                .arg(dir.path().join("out"));
            for s in *sets {
                cmd.args(["--set", s]);
            }
            let out = cmd.output().unwrap();
            (
                out.status.code(),
                String::from_utf8_lossy(&out.stderr).into_owned(),
            )
        };
        let (few, many) = (code("2"), code("200"));
        assert_eq!(few.0, many.0, "{sets:?}: {} / {}", few.1, many.1);
        assert!(matches!(many.0, Some(0 | 1)), "{sets:?}: {}", many.1);
    }
}
