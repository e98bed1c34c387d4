//! `paths.csv`: every value of the first K paths, long format.

use super::{Report, fmt_f64};
use std::io::{self, Write};

/// Writes `path, quarter, entity, metric, value` rows.
pub fn write_paths(w: &mut dyn Write, report: &Report) -> io::Result<()> {
    let mut csv = super::cells::Writer::from_writer(w);
    csv.write_record(["path", "quarter", "entity", "metric", "value"])?;
    let nq = report.meta.quarters.len();
    let n_cells = report.meta.metrics.len() * nq;
    if n_cells == 0 {
        return csv.flush();
    }
    for (p, values) in report.result.samples.chunks_exact(n_cells).enumerate() {
        let path = p.to_string();
        for (q, quarter) in report.meta.quarters.iter().enumerate() {
            let quarter = quarter.to_string();
            for (m, name) in report.meta.metrics.iter().enumerate() {
                csv.write_record([
                    &path,
                    &quarter,
                    &name.entity,
                    &name.metric,
                    &fmt_f64(values[m * nq + q]),
                ])?;
            }
        }
    }
    csv.flush()
}
