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
pub mod thresholds;

use crate::engine::{PathModel, Recorder};
use crate::process::draws::PathRandom;
use crate::scenario::Scenario;
pub use metrics::{MetricId, MetricName, MetricRegistry};
pub use thresholds::{ThresholdIds, UnknownMetric};

/// Everything simulated on a path.
#[derive(Debug, Clone)]
pub struct Economy {
    n_quarters: usize,
    metrics: Vec<MetricName>,
    market: market::MarketModel,
    thresholds: thresholds::Thresholds,
}

impl Economy {
    /// Builds the model from a validated scenario. Fails only when a
    /// threshold names a metric that no entity records.
    pub fn new(scenario: &Scenario) -> Result<Economy, UnknownMetric> {
        let mut registry = MetricRegistry::default();
        let market = market::MarketModel::new(scenario, &mut registry);
        // Thresholds come last: they may watch any metric registered above.
        let thresholds = thresholds::Thresholds::new(&scenario.thresholds, &mut registry)?;
        Ok(Economy {
            n_quarters: scenario.simulation.n_quarters,
            metrics: registry.into_names(),
            market,
            thresholds,
        })
    }

    /// The ids each threshold records under, in scenario order.
    pub fn threshold_ids(&self) -> Vec<ThresholdIds> {
        self.thresholds.ids()
    }

    /// Steps every entity through quarter `q` and records its metrics.
    #[inline(always)]
    fn quarter<R: Recorder>(
        &self,
        state: &mut market::MarketState,
        market: &market::MarketScratch,
        q: usize,
        random: &mut PathRandom,
        rec: &mut R,
    ) {
        self.market.step(state, market, q, random);
        self.market.record(state, market, q, rec);
    }
}

/// Per-path working state, allocated once per chunk and reused.
#[derive(Debug, Clone)]
pub struct Scratch {
    market: market::MarketScratch,
    thresholds: thresholds::ThresholdScratch,
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
            thresholds: self.thresholds.scratch(),
        }
    }

    fn simulate<R: Recorder>(&self, scratch: &mut Scratch, random: &mut PathRandom, rec: &mut R) {
        let mut market = self.market.start_path(&mut scratch.market, random);
        if self.thresholds.is_empty() {
            for q in 0..self.n_quarters {
                self.quarter(&mut market, &scratch.market, q, random, rec);
            }
            return;
        }
        self.thresholds
            .start_path(&mut scratch.thresholds, random.params());
        for q in 0..self.n_quarters {
            let mut watch = self.thresholds.watching(&mut scratch.thresholds, rec);
            self.quarter(&mut market, &scratch.market, q, random, &mut watch);
            self.thresholds.step(&mut scratch.thresholds, q, rec);
        }
    }
}
