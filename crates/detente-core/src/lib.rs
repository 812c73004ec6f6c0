//! detente-core: the domain types, scenario parsing and validation, and the models.
//!
//! The core takes text and values and returns values: it reads no files, writes nothing and
//! never prints. Front ends (the `detente` command line, later a web server) do the I/O.
//!
//! The flow of a run: text -> [`validate::parse_toml`] (or an importer in [`import`]) ->
//! [`Scenario`] -> [`output::run`] with a [`model::Model`] -> [`output::RunOutput`].

pub mod bloc;
pub mod cancel;
pub mod diag;
pub mod emit;
pub mod import;
pub mod model;
pub mod output;
pub mod param;
pub mod raw;
pub mod scenario;
pub mod slots;
pub mod stats;
pub mod validate;

pub use diag::{Diagnostic, Severity};
pub use param::{Dist, Param};
pub use scenario::*;
pub use validate::{parse_toml, validate};

/// Files larger than this are refused before they are read (16 MiB).
pub const MAX_INPUT_BYTES: u64 = 16 * 1024 * 1024;

/// The JSON Schema of the scenario format, generated from [`raw::RawScenario`].
pub fn json_schema() -> String {
    let schema = schemars::schema_for!(raw::RawScenario);
    // The schema is plain data; serialising it cannot fail.
    serde_json::to_string_pretty(&schema).unwrap_or_default() + "\n"
}
