//! The economy, one quarter at a time.
//!
//! `Economy` is built from a validated `Scenario` and implements the engine's
//! [`PathModel`]: given a path's random inputs it steps every entity through
//! the quarters in the order DESIGN.md §4 fixes, and records each metric.
//! Entities register their metrics with [`MetricRegistry`]; the engine and
//! the outputs learn the names from it, so a new kind of company adds a
//! module here and touches nothing else. The model knows nothing of files,
//! threads or how statistics are kept.

pub mod market;
mod metrics;

use crate::engine::{PathModel, Recorder};
use crate::process::draws::PathRandom;
use crate::scenario::Scenario;
pub use metrics::{MetricId, MetricName, MetricRegistry};

/// Everything simulated on a path.
#[derive(Debug, Clone)]
pub struct Economy {
    n_quarters: usize,
    metrics: Vec<MetricName>,
    market: market::MarketModel,
}

impl Economy {
    /// Builds the model from a validated scenario.
    pub fn new(scenario: &Scenario) -> Economy {
        let mut registry = MetricRegistry::default();
        let market = market::MarketModel::new(scenario, &mut registry);
        Economy {
            n_quarters: scenario.simulation.n_quarters,
            metrics: registry.into_names(),
            market,
        }
    }
}

/// Per-path working state, allocated once per chunk and reused.
#[derive(Debug, Clone)]
pub struct Scratch {
    market: market::MarketScratch,
}

impl PathModel for Economy {
    type Scratch = Scratch;

    fn metrics(&self) -> &[MetricName] {
        &self.metrics
    }

    fn n_quarters(&self) -> usize {
        self.n_quarters
    }

    fn scratch(&self) -> Scratch {
        Scratch {
            market: self.market.scratch(),
        }
    }

    fn simulate<R: Recorder>(&self, scratch: &mut Scratch, random: &mut PathRandom, rec: &mut R) {
        let mut market = self.market.start_path(&mut scratch.market, random);
        for q in 0..self.n_quarters {
            self.market.step(&mut market, &scratch.market, q, random);
            self.market.record(&market, &scratch.market, q, rec);
        }
    }
}
