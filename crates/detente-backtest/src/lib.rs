//! detente-backtest: scoring models against real decisions. No I/O.

pub mod weights;
