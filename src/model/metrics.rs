//! The registry that numbers the model's metrics in output order.

pub use crate::engine::{MetricId, MetricKind, MetricName};

/// Hands out metric ids in registration order, which is output order.
#[derive(Debug, Default)]
pub struct MetricRegistry {
    names: Vec<MetricName>,
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

    /// The registered names, in id order.
    pub fn into_names(self) -> Vec<MetricName> {
        self.names
    }
}
