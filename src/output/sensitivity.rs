//! `sensitivity.csv`: which uncertain inputs drive each headline output.
//!
//! The rule for what is related lives here, next to the file it fills:
//!
//! - **outputs** (the headlines): each threshold's "hit by its deadline";
//!   each lab's and company's `default_by`, and each company's
//!   `distress_by`, at the horizon; each company's economic break-even
//!   (AI NPV > 0) at the horizon; every key metric at the horizon.
//! - **inputs**: every parameter drawn from a distribution (entity `input`,
//!   kind `parameter`), then a few *drivers*, stochastic outcomes that are
//!   not parameters, so a reader sees what failing paths share: the GPU
//!   price index and compute demand at the horizon, and the quarters spent
//!   in the bust regime. Partial rank correlations control for the
//!   parameters only (a driver is partly made of them).

use super::{Report, ReportMeta, fmt_f64};
use crate::engine::SensitivitySpec;
use crate::stats::sensitivity::{Estimate, Measure};
use std::io::{self, Write};

/// What a run relates, with the names `sensitivity.csv` gives each part.
#[derive(Debug, Clone, PartialEq)]
pub struct SensitivityPlan {
    pub spec: SensitivitySpec,
    /// `(entity.metric, quarter)` of each output.
    pub outputs: Vec<(String, String)>,
    /// `(name, kind)` of each input: `parameter` or `driver`.
    pub inputs: Vec<(String, &'static str)>,
}

impl SensitivityPlan {
    /// Output `o`'s estimates: input by input, each input's measures in
    /// [`Measure::ALL`] order.
    pub fn of_output<'a>(&self, o: usize, all: &'a [Estimate]) -> &'a [Estimate] {
        let per_output = self.inputs.len() * Measure::ALL.len();
        &all[o * per_output..(o + 1) * per_output]
    }

    /// The inputs of one output's estimates (from [`Self::of_output`]) by
    /// the size of their rank correlation, largest first; undefined ones
    /// (a constant output) last, in input order.
    pub fn ranked(&self, rows: &[Estimate]) -> Vec<usize> {
        super::largest_first(self.inputs.len(), |i| {
            rows[i * Measure::ALL.len()].value.abs()
        })
    }
}

/// The entity whose metrics are the drawn parameters.
const INPUT: &str = "input";

/// The plan for a scenario's report; `None` when it draws no parameter
/// from a distribution (there is nothing uncertain to rank).
pub fn sensitivity_plan(meta: &ReportMeta) -> Option<SensitivityPlan> {
    let nq = meta.quarters.len();
    let h = nq.checked_sub(1)?;
    let cell = |metric: usize, q: usize| metric * nq + q;
    let name = |metric: usize| {
        let m = &meta.metrics[metric];
        format!("{}.{}", m.entity, m.metric)
    };
    let find = |entity: &str, metric: &str| {
        meta.metrics
            .iter()
            .position(|m| m.entity == entity && m.metric == metric)
    };
    let mut plan = SensitivityPlan {
        spec: SensitivitySpec::default(),
        outputs: Vec::new(),
        inputs: Vec::new(),
    };
    for (i, m) in meta.metrics.iter().enumerate() {
        if m.entity == INPUT {
            plan.spec.inputs.push(vec![cell(i, 0)]);
            plan.inputs.push((m.metric.clone(), "parameter"));
        }
    }
    if plan.inputs.is_empty() {
        return None;
    }
    plan.spec.partial = plan.inputs.len();
    let horizon = meta.quarters[h].to_string();
    for (entity, metric) in [("market", "gpu_price"), ("market", "demand_gw")] {
        if let Some(i) = find(entity, metric) {
            plan.spec.inputs.push(vec![cell(i, h)]);
            plan.inputs
                .push((format!("{entity}.{metric} at {horizon}"), "driver"));
        }
    }
    if let Some(i) = find("regime", "bust") {
        plan.spec.inputs.push((0..nq).map(|q| cell(i, q)).collect());
        plan.inputs.push(("quarters in bust".to_string(), "driver"));
    }
    let mut output = |metric: usize, q: usize| {
        plan.spec.outputs.push(vec![cell(metric, q)]);
        plan.outputs
            .push((name(metric), meta.quarters[q].to_string()));
    };
    for t in &meta.thresholds {
        output(t.hit_by, t.by_idx);
    }
    for e in &meta.events {
        if matches!(e.event.as_str(), "default" | "distress") {
            output(e.by, h);
        }
    }
    for b in &meta.breakevens {
        output(b.above_water, h);
    }
    for &k in &meta.key_metrics {
        output(k, h);
    }
    Some(plan)
}

/// Writes one row per output, input and measure: inputs ranked within each
/// output by the size of their rank correlation (`rank` 1 is the largest).
pub fn write_sensitivity(w: &mut dyn Write, report: &Report) -> io::Result<()> {
    let Some(plan) = sensitivity_plan(report.meta) else {
        return Ok(());
    };
    let mut csv = super::cells::Writer::from_writer(w);
    csv.write_record([
        "output", "quarter", "input", "kind", "rank", "measure", "value", "se",
    ])?;
    for (o, (output, quarter)) in plan.outputs.iter().enumerate() {
        let rows = plan.of_output(o, &report.result.sensitivity);
        for (rank, &i) in plan.ranked(rows).iter().enumerate() {
            let (input, kind) = &plan.inputs[i];
            for e in &rows[i * Measure::ALL.len()..(i + 1) * Measure::ALL.len()] {
                if e.measure == Measure::PartialRank && *kind == "driver" {
                    continue;
                }
                csv.write_record([
                    output.clone(),
                    quarter.clone(),
                    input.clone(),
                    kind.to_string(),
                    (rank + 1).to_string(),
                    e.measure.name().to_string(),
                    fmt_f64(e.value),
                    fmt_f64(e.se),
                ])?;
            }
        }
    }
    csv.flush()
}
