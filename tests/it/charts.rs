//! `charts/`: every chart a run promises is an SVG holding its labels,
//! and the folder is byte-identical for 1 and 2 threads.

use crate::common::run_base_into;
use crate::shards::files;

#[test]
fn charts_are_svg_with_their_labels_and_identical_across_threads() {
    let tmp = tempfile::tempdir().unwrap();
    let (one, two) = (tmp.path().join("one"), tmp.path().join("two"));
    run_base_into(&one, "1");
    run_base_into(&two, "2");
    let charts = files(&one.join("charts"));
    assert_eq!(charts, files(&two.join("charts")), "1 vs 2 threads");
    let text = |name: &str| {
        let (_, bytes) = charts
            .iter()
            .find(|(p, _)| p.to_str() == Some(name))
            .unwrap_or_else(|| panic!("no charts/{name}"));
        String::from_utf8(bytes.clone()).unwrap()
    };
    for (_, bytes) in &charts {
        let svg = String::from_utf8_lossy(bytes);
        assert!(svg.starts_with("<svg") && svg.trim_end().ends_with("</svg>"));
    }
    // A fan chart per key and market metric, with its unit and years.
    let fan = text("fan_industry.end_user_ai_revenue.svg");
    for label in [
        "$B/quarter",
        "2026Q1",
        "2030Q1",
        "quarter (end)",
        "deciles",
        "10–90",
    ] {
        assert!(fan.contains(label), "fan chart lacks {label}");
    }
    // Four decile bands and the median line.
    assert_eq!(fan.matches("<polygon").count(), 4, "four bands");
    // A histogram per key metric at the horizon.
    let histogram = text("histogram_industry.end_user_ai_revenue.svg");
    for label in ["2030Q4", "% of paths", "$B/quarter", "median"] {
        assert!(histogram.contains(label), "histogram lacks {label}");
    }
    assert!(text("fan_market.rental_price.svg").contains("$/GPU-hour"));
    // Default curves name every lab and company.
    let defaults = text("defaults.svg");
    for entity in ["lab.OpenAI", "hyperscaler.CoreWeave", "hyperscaler.Oracle"] {
        assert!(defaults.contains(entity), "defaults.svg lacks {entity}");
    }
    assert!(text("thresholds.svg").contains("JPMorgan"));
    // A tornado per headline output names its strongest inputs.
    let tornado = text("sensitivity_lab.OpenAI.default_by.svg");
    assert!(tornado.contains("lab.OpenAI.hazard") && tornado.contains("quarters in bust"));
    let n = |prefix: &str| {
        charts
            .iter()
            .filter(|(p, _)| p.to_str().unwrap().starts_with(prefix))
            .count()
    };
    assert_eq!(n("fan_"), 8 + 9, "8 market metrics and 9 key metrics");
    assert_eq!(n("histogram_"), 9, "the 9 key metrics");
    assert_eq!(
        n("sensitivity_"),
        3 + 2 + 12 + 6 + 9,
        "every headline output"
    );
}
