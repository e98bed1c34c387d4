//! `sobol.csv`: each headline output's first-order and total Sobol indices
//! over the uncertain inputs (and the paths' own randomness), from
//! `sim sensitivity --sobol N`.
//!
//! First-order: the share of the output's variance an input explains
//! alone. Total: the share it explains with all its interactions, which
//! is what would vanish if the input were known. An input whose total is
//! near zero can be pinned without changing the answer. Both are plain
//! Monte Carlo estimates: they can come out a little below 0 or above 1,
//! and are reported as estimated, with a standard error and a 95 %
//! interval (± 1.96 SE).

use super::charts::{TORNADO_BARS, area, bar_chart, fail, slug};
use super::fmt_f64;
use crate::stats::sobol::{Estimate, SobolIndex};
use plotters::prelude::*;
use std::io::{self, Write};
use std::path::Path;

/// The z of a two-sided 95 % normal interval.
const Z95: f64 = 1.959_963_984_540_054;

/// A design's names: outputs as `(entity.metric, quarter)`, inputs as
/// `(name, kind)` with kind `parameter` or `randomness`, and the indices
/// output-major, input by input.
#[derive(Debug, Clone)]
pub struct SobolTable<'a> {
    pub outputs: &'a [(String, String)],
    pub inputs: &'a [(String, &'static str)],
    pub indices: &'a [SobolIndex],
}

impl SobolTable<'_> {
    /// Output `o`'s indices, input by input.
    pub fn of_output(&self, o: usize) -> &[SobolIndex] {
        let k = self.inputs.len();
        &self.indices[o * k..(o + 1) * k]
    }

    /// Output `o`'s inputs by total effect, largest first; undefined ones
    /// (a constant output) last, in input order.
    pub fn ranked(&self, o: usize) -> Vec<usize> {
        let rows = self.of_output(o);
        super::largest_first(rows.len(), |i| rows[i].total.value)
    }
}

/// Writes one row per output, input and measure (`first`, `total`),
/// inputs ranked within each output by total effect.
pub fn write_sobol(w: &mut dyn Write, table: &SobolTable, rows: u64) -> io::Result<()> {
    let mut csv = super::cells::Writer::from_writer(w);
    csv.write_record([
        "output", "quarter", "input", "kind", "rank", "measure", "value", "se", "ci_low",
        "ci_high", "rows",
    ])?;
    for (o, (output, quarter)) in table.outputs.iter().enumerate() {
        let indices = table.of_output(o);
        for (rank, &i) in table.ranked(o).iter().enumerate() {
            let (input, kind) = &table.inputs[i];
            let ix = indices[i];
            for (measure, e) in [("first", ix.first), ("total", ix.total)] {
                csv.write_record([
                    output.clone(),
                    quarter.clone(),
                    input.clone(),
                    kind.to_string(),
                    (rank + 1).to_string(),
                    measure.to_string(),
                    fmt_f64(e.value),
                    fmt_f64(e.se),
                    fmt_f64(e.value - Z95 * e.se),
                    fmt_f64(e.value + Z95 * e.se),
                    rows.to_string(),
                ])?;
            }
        }
    }
    csv.flush()
}

/// The widest 95 % half-width a chart's bars may have.
const MAX_HALF_WIDTH: f64 = 0.2;

/// `sobol_<output>.svg` for each output whose indices are known to
/// ± [`MAX_HALF_WIDTH`] (95 %): each input's total effect (light)
/// with its first-order index inside it (dark), the largest totals on top.
pub fn write_sobol_charts(dir: &Path, table: &SobolTable) -> io::Result<()> {
    for (o, (output, quarter)) in table.outputs.iter().enumerate() {
        let rows = table.of_output(o);
        let mut order = table.ranked(o);
        order.retain(|&i| rows[i].total.value.is_finite());
        order.truncate(TORNADO_BARS);
        // No picture of noise: an output that varies on too few paths
        // (a rare default) has indices known to worse than ± 0.2.
        let vague = order
            .iter()
            .any(|&i| Z95 * rows[i].total.se.max(rows[i].first.se) > MAX_HALF_WIDTH);
        if order.is_empty() || vague {
            continue;
        }
        let n = order.len();
        let hi = order
            .iter()
            .flat_map(|&i| [rows[i].first.value, rows[i].total.value])
            .fold(1.0f64, f64::max);
        let lo = order
            .iter()
            .flat_map(|&i| [rows[i].first.value, rows[i].total.value])
            .fold(0.0f64, f64::min);
        let mut svg = String::new();
        let root = area(&mut svg);
        let labels: Vec<String> = order.iter().map(|&i| table.inputs[i].0.clone()).collect();
        let mut chart = bar_chart(
            &root,
            &format!("Sobol indices of {output} ({quarter}): total (light), first-order (dark)"),
            17,
            lo..hi,
            &labels,
            300,
            "share of the output's variance",
        )?;
        let bars = order.iter().enumerate().flat_map(|(k, &i)| {
            let row = n - 1 - k;
            let bar = |v: f64, inset: i32, colour: RGBColor| {
                let mut r = Rectangle::new(
                    [
                        (v.min(0.0), SegmentValue::Exact(row)),
                        (v.max(0.0), SegmentValue::Exact(row + 1)),
                    ],
                    colour.filled(),
                );
                r.set_margin(inset as u32, inset as u32, 0, 0);
                r
            };
            [
                bar(rows[i].total.value, 2, RGBColor(160, 190, 230)),
                bar(rows[i].first.value, 9, RGBColor(30, 70, 150)),
            ]
        });
        chart.draw_series(bars).map_err(fail)?;
        root.present().map_err(fail)?;
        drop(chart);
        drop(root);
        let name = format!("sobol_{}.svg", slug(&format!("{output} {quarter}")));
        std::fs::write(dir.join(name), svg)?;
    }
    Ok(())
}

/// An estimate as `0.31 ± 0.02` (the 95 % half-width).
pub fn with_interval(e: Estimate) -> String {
    if e.value.is_nan() {
        return "undefined (the output does not vary)".to_string();
    }
    format!("{:.2} ± {:.2}", e.value, Z95 * e.se)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_are_ranked_by_total_effect_with_intervals() {
        let e = |value, se| Estimate { value, se };
        let ix = |column, first, total| SobolIndex {
            output: 0,
            column,
            first,
            total,
        };
        let indices = [
            ix(0, e(0.1, 0.01), e(0.2, 0.01)),
            ix(1, e(0.5, 0.02), e(0.7, 0.05)),
        ];
        let outputs = [("lab.OpenAI.default_by".to_string(), "2030Q4".to_string())];
        let inputs = [
            ("a".to_string(), "parameter"),
            ("b".to_string(), "randomness"),
        ];
        let table = SobolTable {
            outputs: &outputs,
            inputs: &inputs,
            indices: &indices,
        };
        let mut out = Vec::new();
        write_sobol(&mut out, &table, 64).unwrap();
        let text = String::from_utf8(out).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), 5);
        assert!(
            lines[1].starts_with("lab.OpenAI.default_by,2030Q4,b,randomness,1,first,0.5,0.02,")
        );
        assert!(
            lines[2].contains(",b,randomness,1,total,0.7,0.05,0.60200"),
            "{}",
            lines[2]
        );
        assert!(lines[3].contains(",a,parameter,2,first,"));
        assert_eq!(with_interval(e(0.7, 0.05)), "0.70 ± 0.10");
    }
}
