//! `summary.csv`: one row per entity × metric × quarter.

use super::{Report, fmt_value};
use std::io::{self, Write};

/// Column order is part of the file format; change it only with the docs.
pub const SUMMARY_COLUMNS: [&str; 13] = [
    "entity", "metric", "quarter", "mean", "std", "p05", "p25", "p50", "p75", "p95", "min", "max",
    "unit",
];

/// Writes the summary table.
pub fn write_summary(w: &mut dyn Write, report: &Report) -> io::Result<()> {
    let mut csv = super::cells::Writer::from_writer(w);
    csv.write_record(SUMMARY_COLUMNS)?;
    let nq = report.meta.quarters.len();
    for (m, name) in report.meta.metrics.iter().enumerate() {
        for (q, quarter) in report.meta.quarters.iter().enumerate() {
            let c = &report.result.cells[m * nq + q];
            let mut row = vec![
                name.entity.clone(),
                name.metric.clone(),
                quarter.to_string(),
            ];
            row.extend(
                [c.mean, c.std]
                    .into_iter()
                    .chain((0..5).map(|i| c.quantile(i)))
                    .chain([c.min, c.max])
                    .map(fmt_value),
            );
            row.push(name.unit.clone());
            csv.write_record(&row)?;
        }
    }
    csv.flush()
}
