//! `report.html`: one self-contained page a person opens after a run (no
//! script, no network; the charts inline as SVG): the headline
//! probabilities with their standard errors and a plain reading, the
//! charts, the top drivers of each headline, the uncertain inputs with
//! their sources, and how the run was made. Nothing on it depends on the
//! thread count or the time taken, so it is as reproducible as the CSV.

use super::{Report, sensitivity_plan};
use crate::stats::sensitivity::Measure;
use std::io::{self, Write};

/// Escapes text for HTML.
fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// A probability as a percentage with its standard error in points.
fn percent(p: f64, se: f64) -> String {
    if se.is_finite() {
        format!("{:.1} % <small>± {:.2} pp</small>", 100.0 * p, 100.0 * se)
    } else {
        format!("{:.1} %", 100.0 * p)
    }
}

/// A probability read in words.
fn reading(p: f64) -> &'static str {
    match p {
        p if p < 0.005 => "practically never",
        p if p < 0.1 => "rarely",
        p if p < 0.33 => "on a minority of paths",
        p if p < 0.5 => "on somewhat fewer than half of paths",
        p if p < 0.67 => "on somewhat more than half of paths",
        p if p < 0.9 => "on most paths",
        _ => "almost always",
    }
}

const STYLE: &str = "body{font-family:sans-serif;max-width:1000px;margin:2em auto;color:#222;line-height:1.4}\
table{border-collapse:collapse;margin:1em 0}td,th{border-bottom:1px solid #ddd;padding:4px 10px;text-align:left;vertical-align:top}\
th{background:#f4f4f4}small{color:#666}figure{margin:1.5em 0}svg{max-width:100%;height:auto}code{background:#f4f4f4;padding:0 3px}";

/// Writes the page; `charts` are the run's (file name, SVG) pairs.
pub fn write_report_html(
    w: &mut dyn Write,
    report: &Report,
    charts: &[(String, String)],
) -> io::Result<()> {
    let meta = report.meta;
    let m = report.manifest;
    let nq = meta.quarters.len();
    let horizon = meta
        .quarters
        .last()
        .map_or(String::new(), |q| q.to_string());
    let cell = |metric: usize, q: usize| &report.result.cells[metric * nq + q];
    writeln!(
        w,
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
    )?;
    writeln!(
        w,
        "<title>sim report: {}</title><style>{STYLE}</style></head><body>",
        esc(&m.scenario)
    )?;
    writeln!(
        w,
        "<h1>What the run says: <code>{}</code></h1>",
        esc(&m.scenario)
    )?;
    writeln!(
        w,
        "<p>{} paths of {} quarters from {} to {horizon}. Probabilities are shares of paths; ± is one standard error.</p>",
        m.paths, nq, m.start
    )?;

    writeln!(
        w,
        "<h2>Headlines by {horizon}</h2><table><tr><th>what</th><th>probability</th><th>reading</th></tr>"
    )?;
    let mut row = |what: String, metric: usize, q: usize| -> io::Result<()> {
        let c = cell(metric, q);
        writeln!(
            w,
            "<tr><td>{}</td><td>{}</td><td>{}</td></tr>",
            esc(&what),
            percent(c.mean, c.mean_se),
            reading(c.mean)
        )
    };
    for t in &meta.thresholds {
        row(
            format!("{} ({} {} {})", t.name, t.metric, t.op, t.value),
            t.hit_by,
            t.by_idx,
        )?;
    }
    for e in meta
        .events
        .iter()
        .filter(|e| e.event == "default" || e.event == "distress")
    {
        row(format!("{} {}", e.entity, e.event), e.by, nq - 1)?;
    }
    for b in &meta.breakevens {
        row(
            format!("{}: AI programme above water (AI NPV > 0)", b.entity),
            b.above_water,
            nq - 1,
        )?;
    }
    writeln!(w, "</table>")?;

    if let Some(plan) = sensitivity_plan(meta).filter(|_| !report.result.sensitivity.is_empty()) {
        writeln!(
            w,
            "<h2>What drives them</h2><p>The three inputs with the largest rank correlation with each headline, over the run's own paths (<code>sensitivity.csv</code> has every measure).</p>"
        )?;
        writeln!(
            w,
            "<table><tr><th>output</th><th>top drivers (Spearman ρ)</th></tr>"
        )?;
        for (o, (output, quarter)) in plan.outputs.iter().enumerate() {
            let rows = plan.of_output(o, &report.result.sensitivity);
            let spearman = |i: usize| rows[i * Measure::ALL.len()].value;
            let top: Vec<(usize, f64)> = plan
                .ranked(rows)
                .into_iter()
                .map(|i| (i, spearman(i)))
                .filter(|(_, r)| r.is_finite())
                .collect();
            let words: Vec<String> = top
                .iter()
                .take(3)
                .map(|(i, r)| {
                    let way = if *r >= 0.0 { "raises it" } else { "lowers it" };
                    format!("{} ({r:+.2}: more {way})", esc(&plan.inputs[*i].0))
                })
                .collect();
            let drivers = if words.is_empty() {
                "<small>the same on every path: nothing drives it</small>".to_string()
            } else {
                words.join("<br>")
            };
            writeln!(
                w,
                "<tr><td>{} <small>{}</small></td><td>{drivers}</td></tr>",
                esc(output),
                esc(quarter)
            )?;
        }
        writeln!(w, "</table>")?;
    }

    writeln!(w, "<h2>Charts</h2>")?;
    for (name, svg) in charts {
        if name.starts_with("fan_") || !name.starts_with("sensitivity_") {
            writeln!(
                w,
                "<figure>{svg}<figcaption><small>charts/{}</small></figcaption></figure>",
                esc(name)
            )?;
        }
    }
    writeln!(
        w,
        "<p><small>Tornado charts of every headline are in <code>charts/sensitivity_*.svg</code>.</small></p>"
    )?;

    if !meta.assumptions.is_empty() {
        writeln!(
            w,
            "<h2>What we do not know</h2><p>Each of these is drawn once per path from its range; <code>--set KEY=VALUE</code> pins one.</p>"
        )?;
        writeln!(
            w,
            "<table><tr><th>input</th><th>range</th><th>source</th></tr>"
        )?;
        for a in &meta.assumptions {
            let links: Vec<String> = a
                .urls
                .iter()
                .map(|u| format!("<a href=\"{0}\">{0}</a>", esc(u)))
                .collect();
            writeln!(
                w,
                "<tr><td><code>{}</code></td><td>{} <small>{}</small></td><td>{}<br><small>{}</small></td></tr>",
                esc(&a.key),
                esc(&a.value),
                esc(&a.unit),
                esc(&a.source),
                links.join("<br>")
            )?;
        }
        writeln!(w, "</table>")?;
    }

    writeln!(w, "<h2>How it was run</h2><table>")?;
    for (k, v) in [
        ("sim version", m.version.clone()),
        ("scenario", m.scenario.clone()),
        ("scenario SHA-256", m.scenario_sha256.clone()),
        ("seed", m.seed.to_string()),
        ("paths", m.paths.to_string()),
        ("antithetic pairs", m.antithetic.to_string()),
        ("generator", m.generator.clone()),
        (
            "overrides",
            m.overrides
                .iter()
                .map(|o| format!("{}={}", o.path, o.value))
                .collect::<Vec<_>>()
                .join(" "),
        ),
    ] {
        writeln!(w, "<tr><th>{k}</th><td><code>{}</code></td></tr>", esc(&v))?;
    }
    writeln!(w, "</table></body></html>")
}
