//! detente-store: where detente keeps what its sweeps compute.
//!
//! - [`results`]: results files, one row per run, written and read as streams in CSV or
//!   Parquet (with a content hash), and shards merged into the file one unsharded run writes.
//! - [`table`]: tables of rows from any CSV or Parquet file (`detente eval`'s input rows).
//! - [`records`]: the run records, an SQLite database of every sweep (command line, scenario
//!   hash, seed, version, summary), so that a reported figure can be traced and re-run.
//!
//! The crate writes the files it is given and nothing else: it prints nothing, parses no
//! arguments, installs no signal handler and knows no progress bar. Callers that want a file
//! to appear whole pass a temporary path and rename it themselves (the command line does, and
//! removes its temporary files on SIGINT and SIGTERM). Errors are typed ([`ResultsError`],
//! [`RecordsError`]) and their `Display` is the message a person reads.

pub mod records;
pub mod results;
pub mod table;

pub use records::RecordsError;
pub use results::ResultsError;
