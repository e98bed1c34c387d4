//! `charts/`: the pictures a run's reader looks at first, as SVG (plotters,
//! no external program):
//!
//! - `fan_<metric>.svg`: a fan chart per key and market metric, Bank of
//!   England style: the deciles as four bands and the median, by quarter
//!   (`fans.rs`);
//! - `histogram_<metric>.svg`: each key metric's distribution over the
//!   paths at the horizon (`fans.rs`);
//! - `defaults.svg`, `distress.svg`: each entity's cumulative probability by
//!   quarter;
//! - `thresholds.svg`: each threshold's probability of a hit by each quarter;
//! - `sensitivity_<output>.svg`: a tornado per headline output, its inputs'
//!   rank correlations, largest first (when there is a `sensitivity.csv`).
//!
//! Every chart is a function of the run's numbers alone, so the files are
//! byte-identical wherever `summary.csv` is.

use super::fans::{fan, fan_metrics, horizon_histogram};
use super::{Report, SensitivityPlan, sensitivity_plan};
use crate::quarter::Quarter;
use crate::stats::sensitivity::Measure;
use plotters::coord::Shift;
use plotters::prelude::*;
use std::io;
use std::path::Path;

const SIZE: (u32, u32) = (900, 500);
pub(super) const FONT: &str = "sans-serif";
/// Inputs a tornado shows.
pub(super) const TORNADO_BARS: usize = 12;

pub(super) fn fail<E: std::fmt::Display>(e: E) -> io::Error {
    io::Error::other(format!("drawing a chart: {e}"))
}

/// Writes every chart of `report` into `dir`; returns (name, SVG) of each.
pub fn write_charts(dir: &Path, report: &Report) -> io::Result<Vec<(String, String)>> {
    let charts = draw_charts(report)?;
    for (name, svg) in &charts {
        std::fs::write(dir.join(name), svg)?;
    }
    Ok(charts)
}

/// Every chart of `report`, as (file name, SVG).
pub fn draw_charts(report: &Report) -> io::Result<Vec<(String, String)>> {
    let meta = report.meta;
    let mut names = Vec::new();
    for (i, m) in fan_metrics(meta) {
        let name = format!("fan_{}.svg", slug(&format!("{}.{}", m.0, m.1)));
        names.push((name, render(|s| fan(s, report, i))?));
    }
    for &i in &meta.key_metrics {
        let m = &meta.metrics[i];
        if let Some(svg) = horizon_histogram(report, i)? {
            let name = format!(
                "histogram_{}.svg",
                slug(&format!("{}.{}", m.entity, m.metric))
            );
            names.push((name, svg));
        }
    }
    for (file, event, title) in [
        (
            "defaults.svg",
            "default",
            "Probability of default by each quarter",
        ),
        (
            "distress.svg",
            "distress",
            "Probability of distress by each quarter",
        ),
    ] {
        let series: Vec<(String, usize)> = meta
            .events
            .iter()
            .filter(|e| e.event == event)
            .map(|e| (e.entity.clone(), e.by))
            .collect();
        if !series.is_empty() {
            names.push((
                file.to_string(),
                render(|s| curves(s, report, title, &series))?,
            ));
        }
    }
    if !meta.thresholds.is_empty() {
        let series: Vec<(String, usize)> = meta
            .thresholds
            .iter()
            .map(|t| (t.name.clone(), t.hit_by))
            .collect();
        let title = "Probability each threshold is met by each quarter";
        names.push((
            "thresholds.svg".to_string(),
            render(|s| curves(s, report, title, &series))?,
        ));
    }
    if !report.result.sensitivity.is_empty()
        && let Some(plan) = sensitivity_plan(meta)
    {
        for (o, (output, quarter)) in plan.outputs.iter().enumerate() {
            let name = format!("sensitivity_{}.svg", slug(output));
            names.push((
                name,
                render(|s| tornado(s, report, &plan, o, output, quarter))?,
            ));
        }
    }
    Ok(names)
}

/// A file-name-safe form of a name.
pub(super) fn slug(name: &str) -> String {
    name.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '.' {
                c
            } else {
                '_'
            }
        })
        .collect()
}

/// The quarter at an axis position, labelled at each year's first quarter
/// (and the first) so labels never overlap.
pub(super) fn quarter_label(quarters: &[Quarter], x: f64) -> String {
    let i = x.round();
    if (x - i).abs() > 1e-9 || i < 0.0 {
        return String::new();
    }
    match quarters.get(i as usize) {
        Some(q) if i == 0.0 || q.to_string().ends_with("Q1") => q.to_string(),
        _ => String::new(),
    }
}

/// Pads a range so a flat series still gets an axis.
pub(super) fn padded(lo: f64, hi: f64) -> (f64, f64) {
    let span = (hi - lo).abs().max(hi.abs().max(lo.abs()) * 1e-3).max(1e-9);
    (lo - 0.05 * span, hi + 0.05 * span)
}

pub(super) fn area(svg: &mut String) -> DrawingArea<SVGBackend<'_>, Shift> {
    let root = SVGBackend::with_string(svg, SIZE).into_drawing_area();
    root.fill(&WHITE).ok();
    root
}

/// Draws one chart into a string.
fn render(draw: impl FnOnce(&mut String) -> io::Result<()>) -> io::Result<String> {
    let mut svg = String::new();
    draw(&mut svg)?;
    Ok(svg)
}

/// One line per series of an indicator's mean by quarter, on [0, 1].
fn curves(
    svg: &mut String,
    report: &Report,
    title: &str,
    series: &[(String, usize)],
) -> io::Result<()> {
    let meta = report.meta;
    let nq = meta.quarters.len();
    let root = area(svg);
    let mut chart = ChartBuilder::on(&root)
        .caption(title, (FONT, 22))
        .margin(15)
        .x_label_area_size(45)
        .y_label_area_size(70)
        .build_cartesian_2d(0f64..(nq.max(2) - 1) as f64, 0f64..1f64)
        .map_err(fail)?;
    chart
        .configure_mesh()
        .x_labels(nq.max(2))
        .x_label_formatter(&|x| quarter_label(&meta.quarters, *x))
        .y_desc("probability")
        .x_desc("quarter (end)")
        .draw()
        .map_err(fail)?;
    for (k, (name, metric)) in series.iter().enumerate() {
        let colour = Palette99::pick(k).to_rgba();
        let cells = &report.result.cells[metric * nq..(metric + 1) * nq];
        chart
            .draw_series(LineSeries::new(
                cells.iter().enumerate().map(|(q, c)| (q as f64, c.mean)),
                colour.stroke_width(2),
            ))
            .map_err(fail)?
            .label(name.clone())
            .legend(move |(x, y)| PathElement::new([(x, y), (x + 18, y)], colour.stroke_width(2)));
    }
    chart
        .configure_series_labels()
        .position(SeriesLabelPosition::UpperLeft)
        .background_style(WHITE.mix(0.85))
        .border_style(BLACK)
        .draw()
        .map_err(fail)?;
    root.present().map_err(fail)
}

/// A chart of horizontal bars, one row per label (`labels` top to bottom),
/// on an x range: the frame the tornados and Sobol charts share. Row k from
/// the top is segment `labels.len() − 1 − k`.
pub(super) type BarChart<'a, 'b> = ChartContext<
    'a,
    SVGBackend<'b>,
    Cartesian2d<
        plotters::coord::types::RangedCoordf64,
        plotters::coord::ranged1d::SegmentedCoord<plotters::coord::types::RangedCoordusize>,
    >,
>;

pub(super) fn bar_chart<'a, 'b>(
    root: &'a DrawingArea<SVGBackend<'b>, Shift>,
    caption: &str,
    caption_size: u32,
    x: std::ops::Range<f64>,
    labels: &[String],
    label_width: u32,
    x_desc: &str,
) -> io::Result<BarChart<'a, 'b>> {
    let n = labels.len().max(1);
    let mut chart = ChartBuilder::on(root)
        .caption(caption, (FONT, caption_size))
        .margin(15)
        .x_label_area_size(45)
        .y_label_area_size(label_width)
        .build_cartesian_2d(x, (0..n - 1).into_segmented())
        .map_err(fail)?;
    chart
        .configure_mesh()
        .disable_y_mesh()
        .y_labels(n)
        .y_label_formatter(&|v| match v {
            SegmentValue::CenterOf(r) => labels.get(n - 1 - r).cloned().unwrap_or_default(),
            _ => String::new(),
        })
        .x_desc(x_desc)
        .draw()
        .map_err(fail)?;
    Ok(chart)
}

/// The inputs' rank correlations with output `o`, largest first.
fn tornado(
    svg: &mut String,
    report: &Report,
    plan: &SensitivityPlan,
    o: usize,
    output: &str,
    quarter: &str,
) -> io::Result<()> {
    let rows = plan.of_output(o, &report.result.sensitivity);
    let spearman = |i: usize| rows[i * Measure::ALL.len()].value;
    let bars: Vec<(String, f64)> = plan
        .ranked(rows)
        .into_iter()
        .filter(|&i| spearman(i).is_finite())
        .take(TORNADO_BARS)
        .map(|i| (plan.inputs[i].0.clone(), spearman(i)))
        .collect();
    let n = bars.len().max(1);
    let root = area(svg);
    let labels: Vec<String> = bars.iter().map(|(name, _)| name.clone()).collect();
    let mut chart = bar_chart(
        &root,
        &format!("What moves {output} ({quarter})"),
        20,
        -1.0..1.0,
        &labels,
        300,
        "rank correlation with the output (Spearman)",
    )?;
    chart
        .draw_series(bars.iter().enumerate().map(|(k, (_, v))| {
            let row = n - 1 - k;
            let colour = if *v >= 0.0 {
                RGBColor(40, 90, 170)
            } else {
                RGBColor(200, 60, 40)
            };
            let (a, b) = if *v >= 0.0 { (0.0, *v) } else { (*v, 0.0) };
            Rectangle::new(
                [
                    (a, SegmentValue::Exact(row)),
                    (b, SegmentValue::Exact(row + 1)),
                ],
                colour.filled(),
            )
        }))
        .map_err(fail)?;
    root.present().map_err(fail)
}

/// `tornado_<output>.svg` for each output of a one-at-a-time tornado: the
/// output with each input at its low (red) and high (blue) value, around
/// the base (the line), the largest swings on top.
pub fn write_swing_charts(
    dir: &Path,
    table: &[super::SwingOutput],
    inputs: &[super::SwingInput],
) -> io::Result<()> {
    for o in table {
        if !o.base.is_finite() {
            continue;
        }
        let mut order = o.ranked();
        order.truncate(TORNADO_BARS);
        let n = order.len().max(1);
        let (mut lo, mut hi) = (o.base, o.base);
        for &i in &order {
            let (l, h, _, _) = o.swings[i];
            for v in [l, h].into_iter().filter(|v| v.is_finite()) {
                (lo, hi) = (lo.min(v), hi.max(v));
            }
        }
        let (lo, hi) = padded(lo, hi);
        let mut svg = String::new();
        let root = area(&mut svg);
        let label = |i: usize| {
            let x = &inputs[i];
            format!(
                "{} ({} / {})",
                x.path,
                crate::number::significant(x.low, 3),
                crate::number::significant(x.high, 3)
            )
        };
        let labels: Vec<String> = order.iter().map(|&i| label(i)).collect();
        let mut chart = bar_chart(
            &root,
            &format!(
                "{}: input at p10 (red) / p90 (blue), others at median",
                o.name
            ),
            18,
            lo..hi,
            &labels,
            330,
            &format!(
                "{} (base {})",
                o.name,
                crate::number::significant(o.base, 4)
            ),
        )?;
        let bars = order.iter().enumerate().flat_map(|(k, &i)| {
            let row = n - 1 - k;
            let (l, h, _, _) = o.swings[i];
            [(l, RGBColor(200, 60, 40)), (h, RGBColor(40, 90, 170))]
                .into_iter()
                .filter(|(v, _)| v.is_finite())
                .map(move |(v, colour)| {
                    Rectangle::new(
                        [
                            (o.base.min(v), SegmentValue::Exact(row)),
                            (o.base.max(v), SegmentValue::Exact(row + 1)),
                        ],
                        colour.mix(0.8).filled(),
                    )
                })
        });
        chart.draw_series(bars).map_err(fail)?;
        root.present().map_err(fail)?;
        drop(chart);
        drop(root);
        std::fs::write(dir.join(format!("tornado_{}.svg", slug(&o.name))), svg)?;
    }
    Ok(())
}
