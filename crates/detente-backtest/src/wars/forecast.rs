//! The seam every war forecaster plugs into: fit on training wars, then predict a war from
//! its [`WarInputs`] alone.
//!
//! A forecaster is fitted once per fold ([`WarForecaster::fit`] may be slow: a simulation
//! model calibrates there) and the fitted value predicts every war of the fold's test part.
//! Fits of different folds may run on different threads, so both traits are `Send + Sync`;
//! a simulating forecaster draws from [`WarInputs::seed`], which is the same for a war in
//! every fold and on every thread, so results do not depend on the thread count.

use super::cases::{WarCase, WarInputs};

/// The forecast of a war's duration, on the natural log of days.
#[derive(Debug, Clone, PartialEq)]
pub enum Duration {
    /// log days ~ Normal(mu, sigma), sigma > 0.
    LogNormal {
        /// Mean of log days.
        mu: f64,
        /// Standard deviation of log days.
        sigma: f64,
    },
    /// Draws of log days, e.g. one per simulated run (at least one, all finite).
    Sample(Vec<f64>),
}

/// A forecast of one war.
#[derive(Debug, Clone, PartialEq)]
pub struct WarForecast {
    /// P(initiator wins), P(initiator loses), P(other), in the order of
    /// [`super::cases::Outcome::ALL`]; non-negative, summing to 1.
    pub outcome: [f64; 3],
    /// How long it lasts.
    pub duration: Duration,
}

impl WarForecast {
    /// Why the forecast cannot be scored, if it cannot: probabilities that are negative, not
    /// finite or do not sum to 1 (within 1e-6), a sigma that is not positive and finite, or a
    /// sample that is empty or holds a value that is not finite.
    pub fn problem(&self) -> Option<String> {
        let p = &self.outcome;
        if p.iter().any(|x| !x.is_finite() || *x < 0.0) {
            return Some(format!(
                "outcome probabilities {p:?} are not all finite and >= 0"
            ));
        }
        let sum: f64 = p.iter().sum();
        if (sum - 1.0).abs() > 1e-6 {
            return Some(format!("outcome probabilities {p:?} sum to {sum}, not 1"));
        }
        match &self.duration {
            Duration::LogNormal { mu, sigma } => {
                if !mu.is_finite() || !sigma.is_finite() || *sigma <= 0.0 {
                    return Some(format!(
                        "log-normal duration mu {mu}, sigma {sigma}: mu must be finite, sigma finite and > 0"
                    ));
                }
            }
            Duration::Sample(xs) => {
                if xs.is_empty() {
                    return Some("the duration sample is empty".into());
                }
                if xs.iter().any(|x| !x.is_finite()) {
                    return Some("the duration sample holds a value that is not finite".into());
                }
            }
        }
        None
    }
}

/// A forecast that cannot be scored: which forecaster, which war, why.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("`{forecaster}` gave war {war} a forecast that cannot be scored: {problem}")]
pub struct InvalidForecast {
    /// The forecaster's name.
    pub forecaster: String,
    /// The war's COW number.
    pub war: u32,
    /// What is wrong ([`WarForecast::problem`]).
    pub problem: String,
}

/// A forecaster before fitting.
pub trait WarForecaster: Send + Sync {
    /// Its name in the leaderboard, e.g. `base-rates`.
    fn name(&self) -> &str;
    /// One line on what it does, for the documentation.
    fn summary(&self) -> &str;
    /// Fits it on training wars (their inputs and truths). Called once per fold, with the
    /// training part only.
    fn fit(&self, train: &[WarCase]) -> Box<dyn FittedWar>;
}

/// A fitted forecaster.
pub trait FittedWar: Send + Sync {
    /// The forecast of a war it was not fitted on, from what may be seen before it starts.
    fn predict(&self, x: &WarInputs) -> WarForecast;
}
