//! detente-explore: exploratory analysis over a scenario's uncertain numbers.
//!
//! Like the core, this crate does no I/O: it turns a scenario and a design into rows of
//! numbers and summaries, and the command line writes them.

pub mod claims;
pub mod compare;
pub mod eval;
pub mod explore;
pub mod expr;
pub mod prim;
pub mod run;
pub mod sample;
pub mod sensitivity;
pub mod sobol_seq;
pub mod summaries;
pub mod summary;
