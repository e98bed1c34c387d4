//! Closed forms the Monte Carlo must reproduce within 4 standard errors.
//! Every tolerance is derived from n and the closed-form (or, for sample
//! variances, the sample fourth-moment) standard error; none is hand-picked.

use crate::common::{fixture, run, within_4se};
use sim::engine::seeding::path_random;
use sim::process::correlation::Correlator;
use sim::process::regime::stationary;
use sim::scenario::Param;
use sim::stats::Moments;

/// Raw moment E[S^k] of S = exp(Y), Y ~ N(a, b2).
fn lognormal_raw(a: f64, b2: f64, k: f64) -> f64 {
    (k * a + k * k * b2 / 2.0).exp()
}

/// Mean, variance and the standard error of a sample variance of n draws of exp(N(a, b2)).
fn lognormal_moments(a: f64, b2: f64, n: f64) -> (f64, f64, f64) {
    let m = lognormal_raw(a, b2, 1.0);
    let [e2, e3, e4] = [2.0, 3.0, 4.0].map(|k| lognormal_raw(a, b2, k));
    let var = e2 - m * m;
    let mu4 = e4 - 4.0 * e3 * m + 6.0 * e2 * m * m - 3.0 * m.powi(4);
    (m, var, ((mu4 - var * var) / n).sqrt())
}

const N: usize = 100_000;

#[test]
fn gbm_mean_and_variance_at_horizon() {
    let s = fixture(&["simulation.paths=100000", "market.gpu_price.vol=0.35"]);
    let r = run(&s, 2);
    let (t, sigma) = (2.0, 0.35f64);
    let mu = 0.75f64.ln();
    let (mean, var, se_var) =
        lognormal_moments((mu - sigma * sigma / 2.0) * t, sigma * sigma * t, N as f64);
    let c = r.cell("market", "gpu_price", 7);
    within_4se("GBM mean", c.mean, mean, (var / N as f64).sqrt());
    within_4se("GBM variance", c.std * c.std, var, se_var);
}

#[test]
fn jumps_keep_the_expected_path_and_counts_are_poisson() {
    let s = fixture(&[
        "simulation.paths=100000",
        "market.gpu_price.vol=0.2",
        "market.gpu_price.jumps.rate=2.0",
        "market.gpu_price.jumps.mean=-0.1",
        "market.gpu_price.jumps.sd=0.05",
    ]);
    let r = run(&s, 2);
    // The compensated drift keeps E[S_T] = S_0 (1 + drift)^T with jumps on.
    let c = r.cell("market", "gpu_price", 7);
    within_4se(
        "jump-diffusion mean",
        c.mean,
        0.75f64.powf(2.0),
        c.std / (N as f64).sqrt(),
    );
    // Jumps per quarter ~ Poisson(λΔ = 0.5): mean 0.5, variance 0.5, and
    // the sample variance has variance (μ4 − σ⁴)/n with μ4 = λ(1 + 3λ).
    let lambda = 0.5;
    for q in [0, 3, 7] {
        let j = r.cell("market", "gpu_jumps", q);
        within_4se("Poisson mean", j.mean, lambda, (lambda / N as f64).sqrt());
        let mu4 = lambda * (1.0 + 3.0 * lambda);
        within_4se(
            "Poisson variance",
            j.std * j.std,
            lambda,
            ((mu4 - lambda * lambda) / N as f64).sqrt(),
        );
    }
}

#[test]
fn ou_stationary_mean_and_variance_in_logs() {
    // Speed 2 over ten years: e^{-2κT} = e^{-40}, the stationary law.
    let s = fixture(&[
        "simulation.paths=100000",
        "simulation.quarters=40",
        "market.hbm_price.speed=2",
        "market.hbm_price.vol=0.3",
        "market.hbm_price.squeeze.level=0.8",
    ]);
    let r = run(&s, 2);
    let v = 0.3f64 * 0.3 / (2.0 * 2.0);
    let (mean, var, se_var) = lognormal_moments(0.8f64.ln(), v, N as f64);
    let c = r.cell("market", "hbm_price", 39);
    within_4se("OU stationary mean", c.mean, mean, (var / N as f64).sqrt());
    within_4se("OU stationary variance", c.std * c.std, var, se_var);
}

#[test]
fn vasicek_mean_and_variance() {
    let s = fixture(&["simulation.paths=100000", "market.rates.vol=0.01"]);
    let r = run(&s, 2);
    let (theta, r0, kappa, sigma, t) = (0.03, 0.04, 0.5f64, 0.01f64, 2.0);
    let mean = theta + (r0 - theta) * (-kappa * t).exp();
    let var = sigma * sigma * (1.0 - (-2.0 * kappa * t).exp()) / (2.0 * kappa);
    let c = r.cell("market", "short_rate", 7);
    within_4se("Vasicek mean", c.mean, mean, (var / N as f64).sqrt());
    within_4se(
        "Vasicek variance",
        c.std * c.std,
        var,
        var * (2.0 / (N as f64 - 1.0)).sqrt(),
    );
}

#[test]
fn regime_occupancy_matches_stationary_distribution() {
    let transition = vec![
        vec![0.9, 0.08, 0.02],
        vec![0.15, 0.75, 0.1],
        vec![0.05, 0.15, 0.8],
    ];
    let s = fixture(&[
        "simulation.paths=40000",
        "simulation.quarters=100",
        "market.regime.transition=[[0.9, 0.08, 0.02], [0.15, 0.75, 0.1], [0.05, 0.15, 0.8]]",
    ]);
    let r = run(&s, 2);
    let pi = stationary(&transition);
    for (i, state) in ["boom", "digestion", "bust"].iter().enumerate() {
        let p = r.cell("regime", state, 99).mean;
        within_4se(
            &format!("occupancy of {state}"),
            p,
            pi[i],
            (pi[i] * (1.0 - pi[i]) / 40_000.0).sqrt(),
        );
    }
}

#[test]
fn antithetic_pairs_are_unbiased() {
    let s = fixture(&[
        "simulation.paths=20000",
        "simulation.antithetic=true",
        "market.gpu_price.vol=0.35",
    ]);
    let r = run(&s, 2);
    let c = r.cell("market", "gpu_price", 7);
    // The plain-path standard error over-states the antithetic one for a
    // monotone function of the shocks, so 4 of it is a conservative bound.
    within_4se(
        "antithetic GBM mean",
        c.mean,
        0.75f64.powf(2.0),
        c.std / 20_000f64.sqrt(),
    );
}

fn check_distribution(toml: &str) {
    let p: Param = toml::from_str::<toml::Table>(&format!("p = {toml}")).unwrap()["p"]
        .clone()
        .try_into()
        .unwrap();
    p.check().unwrap();
    let Param::Dist(d) = &p else {
        panic!("{toml} is not a distribution")
    };
    let sampler = p.sampler();
    let mut random = path_random(99, 0, false);
    let mut m = Moments::default();
    let mut xs = Vec::with_capacity(N * 2);
    for _ in 0..N * 2 {
        let x = sampler.draw(random.params());
        xs.push(x);
        m.push(x);
    }
    let n = xs.len() as f64;
    let mean = m.mean();
    let m4 = xs.iter().map(|x| (x - mean).powi(4)).sum::<f64>() / n;
    let (lo, hi) = p.support();
    assert!(
        m.min() >= lo && m.max() <= hi,
        "{toml}: draws outside [{lo}, {hi}]"
    );
    within_4se(
        &format!("{toml} mean"),
        mean,
        d.mean(),
        (d.variance() / n).sqrt(),
    );
    let var = m.variance();
    within_4se(
        &format!("{toml} variance"),
        var,
        d.variance(),
        ((m4 - var * var) / n).sqrt(),
    );
}

#[test]
fn every_distribution_matches_its_mean_and_variance() {
    for d in [
        r#"{ dist = "normal", mean = 0.05, sd = 0.02 }"#,
        r#"{ dist = "lognormal", mu = -1.0, sigma = 0.4 }"#,
        r#"{ dist = "uniform", min = 0.02, max = 0.2 }"#,
        r#"{ dist = "triangular", min = 0.02, mode = 0.06, max = 0.2 }"#,
        r#"{ dist = "pert", min = 0.02, mode = 0.06, max = 0.2 }"#,
        r#"{ dist = "pert", min = 1.0, mode = 1.5, max = 4.0, shape = 6.0 }"#,
        r#"{ dist = "beta", alpha = 2.0, beta = 5.0 }"#,
        r#"{ dist = "beta", alpha = 0.5, beta = 0.5, min = -1.0, max = 3.0 }"#,
        r#"{ dist = "discrete", values = [0.1, 0.5, 0.9], weights = [1, 2, 7] }"#,
        r#"{ dist = "discrete", values = [3, 4] }"#,
    ] {
        check_distribution(d);
    }
}

#[test]
fn correlated_shocks_match_the_matrix() {
    let s = fixture(&[
        "correlation.pairs=[[\"gpu_price\", \"demand\", -0.3], [\"hbm_price\", \"gpu_price\", 0.6], [\"rates\", \"demand\", 0.2]]",
    ]);
    const K: usize = sim::scenario::SHOCKS.len();
    let corr = Correlator::<K>::new(&s.correlation.factor);
    let k = K;
    let mut sums = vec![0.0; k * k];
    for i in 0..N as u64 {
        let mut random = path_random(5, i, false);
        let mut z = [0.0; K];
        random.normals(&mut z);
        corr.apply(&mut z);
        for a in 0..k {
            for b in 0..k {
                sums[a * k + b] += z[a] * z[b];
            }
        }
    }
    let n = N as f64;
    for a in 0..k {
        for b in 0..a {
            let rho = s.correlation.matrix[[a, b]];
            let var_a = sums[a * k + a] / n;
            let var_b = sums[b * k + b] / n;
            let r = sums[a * k + b] / n / (var_a * var_b).sqrt();
            // Large-sample standard error of a normal sample correlation.
            within_4se(
                &format!("corr({a},{b})"),
                r,
                rho,
                (1.0 - rho * rho) / n.sqrt(),
            );
        }
    }
}

#[test]
fn reported_standard_error_matches_the_spread_of_replicated_means() {
    // 100 independent runs (seeds 0–99) of 2,000 paths: the standard
    // deviation of their means is what each run's `mean_se` claims. The
    // sample sd of 100 values has a relative standard error of about
    // 1/√(2·99), which sets the tolerance. Checked with and without
    // antithetic pairs, whose SE must come from pair means to pass.
    for antithetic in [false, true] {
        let mut means = Moments::default();
        let mut se_sum = 0.0;
        for seed in 0..100 {
            let s = fixture(&[
                "simulation.paths=2000",
                &format!("simulation.antithetic={antithetic}"),
                &format!("simulation.seed={seed}"),
                "market.gpu_price.vol=0.35",
            ]);
            let c = run(&s, 1).cell("market", "gpu_price", 7);
            means.push(c.mean);
            se_sum += c.mean_se;
        }
        let reported = se_sum / 100.0;
        within_4se(
            &format!("replicated sd / reported SE (antithetic {antithetic})"),
            means.std() / reported,
            1.0,
            1.0 / (2.0f64 * 99.0).sqrt(),
        );
    }
}
