//! detente-backtest: scoring models against real decisions (the DEU data set) and war
//! forecasters against real wars. No I/O.
//!
//! The flow: [`cases::build`] turns an imported DEU file into cases (one per issue with an
//! outcome); [`capability::apply`] gives the actors their capabilities under a scheme;
//! [`backtest::run`] runs every forecaster on every case and scores it ([`score`]: MAE, median
//! error, shares within 10 and 20 points, bootstrap intervals over proposals, paired differences
//! against `compromise`); [`cv`] cross-validates `fitted-mean`; [`doc`] writes the Markdown of
//! `docs/BACKTEST.md`.
//!
//! [`wars`] is the war backtest: real wars read from text, forecasters fitted and scored out of
//! sample against statistical baselines (`docs/WAR-BACKTEST.md`).

pub mod backtest;
pub mod capability;
pub mod cases;
pub mod cv;
pub mod doc;
pub mod score;
pub mod wars;
pub mod weights;

pub use backtest::{Entry, Forecaster, Reference, Report, Settings, run};
pub use capability::Scheme;
