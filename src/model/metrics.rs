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
            unit: super::units::unit_of(entity, metric, kind).to_string(),
        });
        MetricId(self.names.len() - 1)
    }

    /// Sets the unit of metric `id` (a threshold's window value reads in
    /// the unit of the metric it tests, through its window).
    pub fn set_unit(&mut self, id: MetricId, unit: String) {
        self.names[id.0].unit = unit;
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

/// The revenue layer an industry metric measures, for `sim explain` to say
/// what a threshold on it tests. Three layers: what end users pay for AI,
/// what the companies owning the compute earn, what hardware vendors sell.
pub fn revenue_layer(entity: &str, metric: &str) -> Option<&'static str> {
    if entity != "industry" {
        return None;
    }
    Some(match metric {
        "end_user_ai_revenue" => {
            "end-user layer: what consumers and enterprises pay for AI (labs' subscriptions and API, plus AI services and products: industry.ai_services_revenue), $B/quarter"
        }
        "ai_services_revenue" => {
            "end-user layer beyond the labs: cloud AI services, copilots and ads, per dollar of the market's compute ([industry.end_user]), $B/quarter"
        }
        "lab_revenue" => {
            "end-user layer, the labs' part: what their customers pay them, $B/quarter"
        }
        "ai_revenue" | "recurring_ai_revenue" => {
            "provider layer: what the companies owning the compute earn from labs' contracts and rental (recurring: without recoveries on defaulted contracts), $B/quarter"
        }
        "rental_revenue" | "lab_payments" => {
            "provider layer: what the companies owning the compute earn, $B/quarter"
        }
        "supplier_revenue" | "hbm_revenue" => {
            "supplier layer: accelerator and memory vendors' sales from the year's capex, $B/quarter"
        }
        "required_revenue" => {
            "provider layer's hurdle: opex, depreciation and the target return on net book capital, $B/year"
        }
        "revenue_coverage" => {
            "provider layer: a year of recurring AI revenue over required revenue on net book capital (ratio)"
        }
        "sequoia_required" => {
            "end-user layer's hurdle in Sequoia's form: sequoia_multiple × a year of accelerator spend, $B/year"
        }
        "sequoia_coverage" => {
            "end-user layer: a year of end-user AI revenue over Sequoia's required revenue (ratio)"
        }
        "provider_share" | "lab_share" => {
            "the provider layer's (or the labs') revenue as a share of end-user revenue (ratio)"
        }
        _ => return None,
    })
}
