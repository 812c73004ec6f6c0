//! The war backtest (issue 15): real inter-state wars, leaders after war and civil-war
//! cease-fires, read from text, forecast out of sample by statistical baselines (and, later,
//! the war model), and scored. No I/O: the command line reads the files.
//!
//! The flow: [`data`] parses the five files; [`cases::build`] makes one [`cases::WarCase`]
//! per war, keeping what a forecaster may see ([`cases::WarInputs`]) apart from the truth;
//! forecasters implement [`forecast::WarForecaster`] (fit on training wars) and
//! [`forecast::FittedWar`] (predict a war); [`baselines`] are the yardsticks; [`cv`] makes the
//! forecasts out of sample (k folds by war, or a fit on another file); [`score`] scores them
//! (Brier, log, CRPS, calibration); [`backtest::run`] puts it together with paired bootstrap
//! intervals over wars and adds [`leaders`] (Archigos) and [`ceasefires`] (Fortna); [`doc`]
//! writes `docs/WAR-BACKTEST.md`.

pub mod backtest;
pub mod baselines;
pub mod cases;
pub mod ceasefires;
pub mod cv;
pub mod data;
pub mod doc;
pub mod forecast;
pub mod leaders;
pub mod model;
pub mod score;

pub use backtest::{Settings, WarReport, run};
pub use cases::{Outcome, WarCase, WarInputs};
pub use forecast::{Duration, FittedWar, InvalidForecast, WarForecast, WarForecaster};
