//! `report.html`: self-contained (no script, no fetched resource), holding
//! the headlines, drivers, inputs with sources and the run's identity;
//! byte-identical across threads. With SIM_BROWSER_TESTS=1 it is also
//! opened in headless Chromium, which must render it without a console
//! error (install: `apt-get install chromium`).

use crate::common::{read, run_base_into};

#[test]
fn the_report_is_self_contained_and_says_what_it_must() {
    let tmp = tempfile::tempdir().unwrap();
    let (one, two) = (tmp.path().join("one"), tmp.path().join("two"));
    run_base_into(&one, "1");
    run_base_into(&two, "2");
    let html = read(&one.join("report.html"));
    assert_eq!(html, read(&two.join("report.html")), "1 vs 2 threads");
    for banned in ["<script", "<link", "src=\"http", "<iframe", "@import"] {
        assert!(!html.contains(banned), "report.html holds {banned}");
    }
    for needed in [
        "Headlines by 2030Q4",
        "JPMorgan $650B hurdle",
        "hyperscaler.CoreWeave distress",
        "What drives them",
        "What we do not know",
        "market.demand.growth",
        "compute.demand.growth",
        "How it was run",
        "20260129",
    ] {
        assert!(
            html.contains(&needed.replace('&', "&amp;")),
            "report.html lacks {needed}"
        );
    }
    assert!(html.matches("<svg").count() >= 20, "charts inline");
}

#[test]
fn the_report_renders_in_a_browser() {
    if std::env::var_os("SIM_BROWSER_TESTS").is_none() {
        eprintln!(
            "skipped: set SIM_BROWSER_TESTS=1 (needs chromium) to open report.html in a browser"
        );
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("r");
    run_base_into(&out, "2");
    let page = format!("file://{}", out.join("report.html").display());
    let shot = tmp.path().join("report.png");
    let browser = std::process::Command::new("chromium")
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--enable-logging=stderr",
            "--v=0",
        ])
        .arg(format!("--screenshot={}", shot.display()))
        .args(["--window-size=1100,1600", &page])
        .output()
        .expect("chromium runs (apt-get install chromium)");
    let log = String::from_utf8_lossy(&browser.stderr);
    assert!(browser.status.success(), "chromium failed: {log}");
    assert!(
        !log.contains("CONSOLE") && !log.contains("Uncaught"),
        "console: {log}"
    );
    assert!(
        std::fs::metadata(&shot).unwrap().len() > 50_000,
        "a blank screenshot"
    );
    let dom = std::process::Command::new("chromium")
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--dump-dom",
            &page,
        ])
        .output()
        .unwrap();
    let dom = String::from_utf8_lossy(&dom.stdout);
    assert!(dom.contains("What the run says") && dom.matches("<svg").count() >= 20);
}
