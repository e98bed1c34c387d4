//! The charts drawn from whole distributions: fan charts by quarter (the
//! deciles, Bank of England style) and each key metric's histogram at the
//! horizon. Both read the histograms a run hands back for
//! [`chart_cells`]; a fan falls back to the five reported quantiles where
//! a cell's histogram is missing.

use super::charts::{FONT, area, fail, padded, quarter_label};
use super::{Report, ReportMeta};
use crate::engine::MetricKind;
use crate::stats::LogHistogram;
use plotters::prelude::*;
use std::io;

/// The deciles a fan draws: four bands (10–90, 20–80, 30–70, 40–60 %) and
/// the median.
const DECILES: [f64; 9] = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9];
/// Bars of a horizon histogram.
const BINS: usize = 40;
/// A histogram spans the middle of the paths: from this quantile to its
/// complement, so a few extreme paths do not squash the picture.
const TAIL: f64 = 0.01;

/// The metrics with a fan chart: every market metric and the key metrics
/// (those keep quantiles in every quarter), as (index, (entity, metric)).
pub(super) fn fan_metrics(meta: &ReportMeta) -> Vec<(usize, (&str, &str))> {
    meta.metrics
        .iter()
        .enumerate()
        .filter(|(i, m)| {
            m.kind == MetricKind::Value && (m.entity == "market" || meta.key_metrics.contains(i))
        })
        .map(|(i, m)| (i, (m.entity.as_str(), m.metric.as_str())))
        .collect()
}

/// The cells whose histograms the charts read: every quarter of every
/// fan metric (the key metrics' horizons among them), ascending.
pub fn chart_cells(meta: &ReportMeta) -> Vec<usize> {
    let nq = meta.quarters.len();
    fan_metrics(meta)
        .into_iter()
        .flat_map(|(i, _)| i * nq..(i + 1) * nq)
        .collect()
}

fn distribution<'a>(report: &'a Report, cell: usize) -> Option<&'a LogHistogram> {
    let d = &report.result.distributions;
    d.binary_search_by_key(&cell, |(c, _)| *c)
        .ok()
        .map(|i| &d[i].1)
}

/// A fan's bands at one cell, widest first, and its median.
fn bands(report: &Report, cell: usize) -> (Vec<(f64, f64)>, f64) {
    let c = &report.result.cells[cell];
    match distribution(report, cell) {
        Some(h) if h.count() > 0 => {
            let d = h.quantiles(&DECILES).map(|q| q.clamp(c.min, c.max));
            ((0..4).map(|k| (d[k], d[8 - k])).collect(), d[4])
        }
        _ => {
            let q = c.quantiles.unwrap_or([c.mean; 5]);
            (vec![(q[0], q[4]), (q[1], q[3])], q[2])
        }
    }
}

pub(super) fn fan(svg: &mut String, report: &Report, metric: usize) -> io::Result<()> {
    let meta = report.meta;
    let m = &meta.metrics[metric];
    let nq = meta.quarters.len();
    let fans: Vec<(Vec<(f64, f64)>, f64)> =
        (0..nq).map(|q| bands(report, metric * nq + q)).collect();
    let deciles = fans.iter().all(|(b, _)| b.len() == 4);
    let lo = fans
        .iter()
        .map(|(b, _)| b[0].0)
        .fold(f64::INFINITY, f64::min);
    let hi = fans
        .iter()
        .map(|(b, _)| b[0].1)
        .fold(f64::NEG_INFINITY, f64::max);
    let (lo, hi) = padded(lo, hi);
    let root = area(svg);
    let title = if deciles {
        format!("{}.{}: median and deciles", m.entity, m.metric)
    } else {
        format!("{}.{}: median and 50 % / 90 % bands", m.entity, m.metric)
    };
    let mut chart = ChartBuilder::on(&root)
        .caption(title, (FONT, 22))
        .margin(15)
        .x_label_area_size(45)
        .y_label_area_size(80)
        .build_cartesian_2d(0f64..(nq.max(2) - 1) as f64, lo..hi)
        .map_err(fail)?;
    chart
        .configure_mesh()
        .x_labels(nq.max(2))
        .x_label_formatter(&|x| quarter_label(&meta.quarters, *x))
        .y_desc(&m.unit)
        .x_desc(if deciles {
            "quarter (end); bands 10–90, 20–80, 30–70 and 40–60 % of paths"
        } else {
            "quarter (end); bands 5–95 and 25–75 % of paths"
        })
        .light_line_style(WHITE)
        .draw()
        .map_err(fail)?;
    let n_bands = fans.first().map_or(0, |(b, _)| b.len());
    for k in 0..n_bands {
        let shade = 0.15 + 0.45 * k as f64 / n_bands.max(2) as f64;
        let mut points: Vec<(f64, f64)> = (0..nq).map(|q| (q as f64, fans[q].0[k].1)).collect();
        points.extend((0..nq).rev().map(|q| (q as f64, fans[q].0[k].0)));
        chart
            .draw_series(std::iter::once(Polygon::new(
                points,
                RGBColor(200, 30, 30).mix(shade).filled(),
            )))
            .map_err(fail)?;
    }
    chart
        .draw_series(LineSeries::new(
            (0..nq).map(|q| (q as f64, fans[q].1)),
            RGBColor(140, 0, 0).stroke_width(2),
        ))
        .map_err(fail)?;
    root.present().map_err(fail)
}

/// Metric `metric`'s distribution over the paths at the horizon: the
/// share of paths in each of [`BINS`] equal bins between its 1st and 99th
/// percentiles, the median marked. `None` when the run kept no histogram
/// for the cell or every path took one value.
pub(super) fn horizon_histogram(report: &Report, metric: usize) -> io::Result<Option<String>> {
    let meta = report.meta;
    let nq = meta.quarters.len();
    let Some(h) = nq
        .checked_sub(1)
        .and_then(|last| distribution(report, metric * nq + last))
    else {
        return Ok(None);
    };
    let total = h.count();
    let [lo, median, hi] = h.quantiles(&[TAIL, 0.5, 1.0 - TAIL]);
    if total == 0 || hi.partial_cmp(&lo) != Some(std::cmp::Ordering::Greater) {
        return Ok(None);
    }
    let width = (hi - lo) / BINS as f64;
    let mut shares = [0.0f64; BINS];
    for (value, count) in h.buckets() {
        if (lo..=hi).contains(&value) {
            let bin = (((value - lo) / width) as usize).min(BINS - 1);
            shares[bin] += 100.0 * count as f64 / total as f64;
        }
    }
    let top = shares.iter().copied().fold(0.0, f64::max) * 1.08;
    let m = &meta.metrics[metric];
    let mut svg = String::new();
    let root = area(&mut svg);
    let mut chart = ChartBuilder::on(&root)
        .caption(
            format!(
                "{}.{} at {}: the paths' distribution (middle 98 %)",
                m.entity,
                m.metric,
                meta.quarters[nq - 1]
            ),
            (FONT, 20),
        )
        .margin(15)
        .x_label_area_size(45)
        .y_label_area_size(70)
        .build_cartesian_2d(lo..hi, 0.0..top)
        .map_err(fail)?;
    chart
        .configure_mesh()
        .x_desc(format!(
            "{} (median {}, line)",
            m.unit,
            crate::number::significant(median, 4)
        ))
        .y_desc("% of paths")
        .light_line_style(WHITE)
        .draw()
        .map_err(fail)?;
    chart
        .draw_series(shares.iter().enumerate().map(|(k, &share)| {
            let x0 = lo + k as f64 * width;
            Rectangle::new(
                [(x0, 0.0), (x0 + width, share)],
                RGBColor(40, 90, 170).mix(0.75).filled(),
            )
        }))
        .map_err(fail)?;
    chart
        .draw_series(LineSeries::new(
            [(median, 0.0), (median, top)],
            RGBColor(140, 0, 0).stroke_width(2),
        ))
        .map_err(fail)?;
    root.present().map_err(fail)?;
    drop(chart);
    drop(root);
    Ok(Some(svg))
}
