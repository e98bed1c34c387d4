//! Thresholds: a test on any recorded metric, each quarter, on every path.
//!
//! A threshold watches one metric (`entity.metric`), combines its quarterly
//! values through a window (the quarter's value, ×4 annualized, the trailing
//! twelve months, or the cumulative sum), compares with `op value` and
//! records three metrics of its own under the entity `threshold.<name>`:
//! `window_value`, `first_hit` (1 in the first quarter the test passes, up to
//! `by`) and `hit_by` (1 from then on). Their means are the probabilities of
//! first hitting in, and of having hit by, each quarter, with standard
//! errors from the engine. It sees metrics only through the recorder, so it
//! works for any entity that records them.

use super::{MetricId, MetricName, MetricRegistry};
use crate::engine::Recorder;
use crate::model::inputs::ParamDraws;
use crate::scenario::param::Sampler;
use crate::scenario::{Op, Threshold, Window};

/// A threshold that names a metric the model does not record.
#[derive(Debug, Clone, PartialEq)]
pub struct UnknownMetric {
    pub threshold: String,
    pub metric: String,
    pub position: Option<(usize, usize)>,
    /// The closest recorded metric path, if any is close.
    pub suggestion: Option<String>,
}

/// The ids a threshold records under, for the outputs.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ThresholdIds {
    pub window_value: MetricId,
    pub first_hit: MetricId,
    pub hit_by: MetricId,
}

#[derive(Debug, Clone)]
struct Item {
    /// The watched metric.
    metric: MetricId,
    window: Window,
    op: Op,
    value: Sampler,
    from_idx: usize,
    by_idx: usize,
    ids: ThresholdIds,
}

/// All thresholds of a scenario.
#[derive(Debug, Clone, Default)]
pub struct Thresholds {
    items: Vec<Item>,
}

/// A threshold's state on one path.
#[derive(Debug, Clone, Copy, Default)]
struct PathState {
    value: f64,
    last_four: [f64; 4],
    cumulative: f64,
    hit: bool,
}

/// Per-path working memory.
#[derive(Debug, Clone)]
pub struct ThresholdScratch {
    states: Vec<PathState>,
}

impl Thresholds {
    /// Resolves each threshold's metric among those registered so far and
    /// registers the thresholds' own metrics.
    pub fn new(
        specs: &[Threshold],
        registry: &mut MetricRegistry,
    ) -> Result<Thresholds, UnknownMetric> {
        let mut items = Vec::with_capacity(specs.len());
        for t in specs {
            let names = registry.names();
            let path = |n: &MetricName| format!("{}.{}", n.entity, n.metric);
            let Some(metric) = names.iter().position(|n| path(n) == t.metric) else {
                let paths: Vec<String> = names.iter().map(path).collect();
                return Err(UnknownMetric {
                    threshold: t.name.clone(),
                    metric: t.metric.clone(),
                    position: t.metric_position,
                    suggestion: crate::scenario::diagnostic::suggest(
                        &t.metric,
                        paths.iter().map(String::as_str),
                    )
                    .map(str::to_string),
                });
            };
            let entity = format!("threshold.{}", t.name);
            let ids = ThresholdIds {
                window_value: registry.add(&entity, "window_value"),
                first_hit: registry.add_indicator(&entity, "first_hit"),
                hit_by: registry.add_indicator(&entity, "hit_by"),
            };
            // A quarterly flow read over a year is per year; summed since
            // the start it is a stock.
            let unit = match (registry.names()[metric].unit.as_str(), t.window) {
                ("$B/quarter", Window::Annualized | Window::Ttm) => "$B/year".to_string(),
                ("$B/quarter", Window::Cumulative) => "$B".to_string(),
                (unit, _) => unit.to_string(),
            };
            registry.set_unit(ids.window_value, unit);
            items.push(Item {
                metric: MetricId(metric),
                window: t.window,
                op: t.op,
                value: t.value.sampler(),
                from_idx: t.from_idx,
                by_idx: t.by_idx,
                ids,
            });
        }
        Ok(Thresholds { items })
    }

    /// True when the scenario has no thresholds.
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// The ids each threshold records under, in scenario order.
    pub fn ids(&self) -> Vec<ThresholdIds> {
        self.items.iter().map(|i| i.ids).collect()
    }

    /// Working memory for a chunk.
    pub fn scratch(&self) -> ThresholdScratch {
        ThresholdScratch {
            states: vec![PathState::default(); self.items.len()],
        }
    }

    /// Draws each threshold's value for a path and clears its state.
    pub fn start_path(&self, scratch: &mut ThresholdScratch, draws: &mut ParamDraws) {
        for (item, state) in self.items.iter().zip(&mut scratch.states) {
            *state = PathState {
                value: draws.draw(&item.value),
                ..PathState::default()
            };
        }
    }

    /// Evaluates every threshold at the end of quarter `q`, after all the
    /// metrics of the quarter have been recorded.
    pub fn step<R: Recorder>(&self, scratch: &mut ThresholdScratch, q: usize, rec: &mut R) {
        for (item, state) in self.items.iter().zip(&mut scratch.states) {
            let x = rec.recorded(item.metric, q);
            state.last_four[q % 4] = x;
            state.cumulative += x;
            let windowed = match item.window {
                Window::Quarter => x,
                Window::Annualized => 4.0 * x,
                Window::Ttm => state.last_four[..(q + 1).min(4)].iter().sum(),
                Window::Cumulative => state.cumulative,
            };
            let counts = (item.from_idx..=item.by_idx).contains(&q);
            let first = counts && !state.hit && item.op.holds(windowed, state.value);
            state.hit |= first;
            rec.record(item.ids.window_value, q, windowed);
            rec.record(item.ids.first_hit, q, if first { 1.0 } else { 0.0 });
            rec.record(item.ids.hit_by, q, if state.hit { 1.0 } else { 0.0 });
        }
    }
}
