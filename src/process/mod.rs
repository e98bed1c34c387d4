//! Stochastic processes and the random numbers that drive them.
//!
//! Each process is a small value type holding its exact one-step transition
//! (GBM, Ornstein–Uhlenbeck/Vasicek, compound-Poisson jumps, a Markov regime
//! chain) and a pure function from the current state and the step's random
//! inputs to the next state. Nothing here knows about companies, files or
//! threads; `draws` is the only source of randomness and the engine builds it.

pub mod correlation;
pub mod draws;
pub mod gbm;
pub mod jumps;
pub mod ou;
pub mod regime;

/// One simulated step is a quarter; rates in scenarios are annual.
pub const DT_YEARS: f64 = 0.25;
