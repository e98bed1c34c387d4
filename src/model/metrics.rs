//! The registry that numbers the model's metrics in output order.

pub use crate::engine::{MetricId, MetricKind, MetricName};

/// Hands out metric ids in registration order, which is output order.
#[derive(Debug, Default)]
pub struct MetricRegistry {
    names: Vec<MetricName>,
    events: Vec<EventIds>,
}

/// An event (default, distress, …) of an entity, recorded as two 0/1
/// metrics: `<event>` (it happens in the quarter) and `<event>_by` (it has
/// happened at least once by the end of the quarter). Their means are the
/// probabilities in `events.csv`.
#[derive(Debug, Clone, PartialEq)]
pub struct EventIds {
    pub entity: String,
    pub event: &'static str,
    pub now: MetricId,
    pub by: MetricId,
}

/// An event's state on a path: whether it has happened yet.
#[derive(Debug, Clone, Copy, Default)]
pub struct EventState {
    pub happened: bool,
}

impl EventIds {
    /// Records whether the event happens in quarter `q` and whether it has
    /// happened by then.
    #[inline]
    pub fn record<R: crate::engine::Recorder>(
        &self,
        state: &mut EventState,
        now: bool,
        q: usize,
        rec: &mut R,
    ) {
        state.happened |= now;
        rec.record(self.now, q, if now { 1.0 } else { 0.0 });
        rec.record(self.by, q, if state.happened { 1.0 } else { 0.0 });
    }
}

impl MetricRegistry {
    /// Registers a metric taking any finite value and returns its id.
    pub fn add(&mut self, entity: &str, metric: &str) -> MetricId {
        self.register(entity, metric, MetricKind::Value)
    }

    /// Registers a 0/1 metric (a state or an event) and returns its id.
    pub fn add_indicator(&mut self, entity: &str, metric: &str) -> MetricId {
        self.register(entity, metric, MetricKind::Indicator)
    }

    /// Registers an event's two indicators (see [`EventIds`]).
    pub fn add_event(&mut self, entity: &str, event: &'static str) -> EventIds {
        let ids = EventIds {
            entity: entity.to_string(),
            event,
            now: self.add_indicator(entity, event),
            by: self.add_indicator(entity, &format!("{event}_by")),
        };
        self.events.push(ids.clone());
        ids
    }

    /// The events registered so far, in registration order.
    pub fn events(&self) -> &[EventIds] {
        &self.events
    }

    fn register(&mut self, entity: &str, metric: &str, kind: MetricKind) -> MetricId {
        debug_assert!(
            !self
                .names
                .iter()
                .any(|n| n.entity == entity && n.metric == metric),
            "{entity}.{metric} twice"
        );
        self.names.push(MetricName {
            entity: entity.to_string(),
            metric: metric.to_string(),
            kind,
        });
        MetricId(self.names.len() - 1)
    }

    /// The names registered so far, in id order.
    pub fn names(&self) -> &[MetricName] {
        &self.names
    }

    /// The registered names (in id order) and events.
    pub fn into_parts(self) -> (Vec<MetricName>, Vec<EventIds>) {
        (self.names, self.events)
    }
}
