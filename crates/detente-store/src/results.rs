//! Results files of a sweep (`detente explore`): one row per run, written as a stream, read back as a
//! stream, and merged from shards.
//!
//! A results file has a `run` column (the 0-based run index, increasing) followed by named
//! `f64` columns (sampled inputs and model outputs), each a number or a flag ([`Kind`]). NaN
//! means "no value".
//!
//! # Formats
//!
//! The format follows the file name's extension: `.csv` or `.parquet` (any case).
//!
//! - **CSV**: a header line `run,<columns>` and one line per run, `\n`-terminated, fields
//!   quoted by the `csv` crate only where needed (a column name holding a comma or a quote).
//!   The run is a decimal integer. A number is written in Rust's shortest round-trip form,
//!   so it reads back to the same `f64` bit for bit: plain decimal (`Display`, e.g. `0.25`,
//!   `3`, `-0`) when `1e-5 <= |x| < 1e16` or `x == 0`, scientific (`LowerExp`, e.g. `1e300`,
//!   `2.5e-7`) otherwise; infinities as `inf` and `-inf`. NaN is written as an **empty
//!   field**, and an empty field reads back as NaN. A flag is `1` or `0`. CSV carries no
//!   metadata: just the header and the rows, so a damaged digit cannot be detected.
//! - **Parquet** (layout 2): schema `run: INT64 (required)` then one column per name, an
//!   `optional DOUBLE` for a number and an `optional BOOLEAN` for a flag, NaN written as a
//!   **null** (never a stored NaN, which pandas skips but polars sorts above every number).
//!   Uncompressed, plain encoding, no dictionary, writer version 1.0, `created_by` =
//!   `detente <version>`, and key-value metadata from [`Meta`] (keys `detente.*`) followed by
//!   the content hash (`detente.content_xxh64`, an XXH64 of the columns, the metadata and the
//!   rows as they read back). Row groups are aligned on absolute run indices: a row group
//!   holds the runs of one block
//!   `[k * ROW_GROUP_RUNS, (k + 1) * ROW_GROUP_RUNS)`. Nothing in the file depends on time,
//!   randomness or on how the caller split the rows into calls: the bytes are a function of
//!   the columns, the metadata and the rows alone (and of detente's version, through
//!   `created_by`: merge shards with the version that wrote them to get the very bytes of an
//!   unsharded run). Layout 1 files (required DOUBLE columns, NaN stored, no hash) are read too.
//!
//! # Sharding and merging
//!
//! A shard holds the runs of one contiguous slice ([`shard_runs`]). [`merge`] reads the
//! shards as streams, checks that together they hold every run exactly once, and writes
//! the rows through the same [`ResultsWriter`], so the merged file equals, byte for byte,
//! the file that one unsharded run writes. Each Parquet shard is checked against its
//! content hash before its rows are used; a damaged one is named. Parquet shards carry the
//! total run count in their metadata, so a missing shard is always found; CSV has no
//! metadata, so in CSV the total is taken as the largest run index + 1 and a missing *last*
//! shard cannot be seen.
//!
//! Memory stays flat: CSV is written and read one row at a time; Parquet buffers one row
//! group (at most `ROW_GROUP_RUNS` rows) while writing or reading.

use std::fmt::Write as _;
use std::fs::File;
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use parquet::basic::{Compression, Encoding, Repetition, Type as PhysicalType};
use parquet::column::reader::get_typed_column_reader;
use parquet::data_type::{BoolType, DataType, DoubleType, Int64Type};
use parquet::file::metadata::KeyValue;
use parquet::file::properties::{EnabledStatistics, WriterProperties, WriterVersion};
use parquet::file::reader::{FileReader, RowGroupReader, SerializedFileReader};
use parquet::file::writer::SerializedFileWriter;
use parquet::schema::types::Type as SchemaType;
use twox_hash::XxHash64;

/// Why a results file could not be written, read or merged. `Display` is the message for a
/// person: it names the file and, where there is one, what to do.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ResultsError {
    /// A file could not be created, read or written (the operating system's, the CSV or the
    /// Parquet library's error).
    #[error("cannot {action} {}: {source}", path.display())]
    Io {
        /// `create`, `read` or `write`.
        action: &'static str,
        /// The file.
        path: PathBuf,
        /// What failed underneath.
        #[source]
        source: Box<dyn std::error::Error + Send + Sync>,
    },
    /// A file is not readable as Parquet at all.
    #[error("cannot read {} as Parquet: {source}", path.display())]
    NotParquet {
        /// The file.
        path: PathBuf,
        /// The Parquet library's reason.
        #[source]
        source: parquet::errors::ParquetError,
    },
    /// The Parquet schema of the columns could not be built.
    #[error("cannot build the Parquet schema: {0}")]
    Schema(#[source] parquet::errors::ParquetError),
    /// The Parquet writer could not start.
    #[error("cannot start the Parquet file: {0}")]
    Start(#[source] parquet::errors::ParquetError),
    /// A file name whose extension names no results format.
    #[error("{message}")]
    Format {
        /// The file.
        path: PathBuf,
        /// What is wrong and what to do.
        message: String,
    },
    /// A file that is not a detente results file (header, schema, metadata or a field).
    #[error("{message}")]
    Invalid {
        /// The file.
        path: PathBuf,
        /// What is wrong, where.
        message: String,
    },
    /// A results file whose bytes do not decode to what it recorded (its content hash, a
    /// truncated or damaged page): it must be written again.
    #[error("{message}")]
    Damaged {
        /// The file.
        path: PathBuf,
        /// What is damaged and what to do.
        message: String,
    },
    /// Files given to [`merge`] that are not the shards of one exploration, together: other
    /// formats, columns or metadata, a run missing or held twice.
    #[error("{message}")]
    Mismatch {
        /// Which files disagree, and how.
        message: String,
    },
    /// Columns or rows handed to a [`ResultsWriter`] that it cannot write (a caller's fault).
    #[error("{message}")]
    Rows {
        /// What is wrong.
        message: String,
    },
}

pub(crate) fn io(
    action: &'static str,
    path: &Path,
    source: impl Into<Box<dyn std::error::Error + Send + Sync>>,
) -> ResultsError {
    ResultsError::Io {
        action,
        path: path.to_path_buf(),
        source: source.into(),
    }
}

fn bad_format(path: &Path, message: String) -> ResultsError {
    ResultsError::Format {
        path: path.to_path_buf(),
        message,
    }
}

pub(crate) fn invalid(path: &Path, message: String) -> ResultsError {
    ResultsError::Invalid {
        path: path.to_path_buf(),
        message,
    }
}

pub(crate) fn damaged(path: &Path, message: String) -> ResultsError {
    ResultsError::Damaged {
        path: path.to_path_buf(),
        message,
    }
}

fn mismatch(message: String) -> ResultsError {
    ResultsError::Mismatch { message }
}

fn rows(message: String) -> ResultsError {
    ResultsError::Rows { message }
}

/// Runs per Parquet row group. Row group `k` holds the runs in
/// `[k * ROW_GROUP_RUNS, (k + 1) * ROW_GROUP_RUNS)`, whoever writes them.
pub const ROW_GROUP_RUNS: u64 = 65_536;

/// The name of the first column.
pub const RUN_COLUMN: &str = "run";

/// Version of the layout of detente's results files, stored in the Parquet metadata. Layout 1
/// stored every value column as a required DOUBLE with NaN for "no value"; layout 2 stores
/// nulls and BOOLEAN flags, and a content hash. Layout 1 files are still read.
const LAYOUT_VERSION: &str = "2";

const KEY_LAYOUT: &str = "detente.layout";
const KEY_SCENARIO_HASH: &str = "detente.scenario_hash";
const KEY_SEED: &str = "detente.seed";
const KEY_RUNS: &str = "detente.runs";
const KEY_DESIGN: &str = "detente.design";
const KEY_MODEL: &str = "detente.model";
const KEY_POLICY: &str = "detente.policy";
const KEY_ROW_GROUP_RUNS: &str = "detente.row_group_runs";
/// The content hash, written last (see [`ContentHash`]).
const KEY_CONTENT_HASH: &str = "detente.content_xxh64";

/// What a value column holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// A number; NaN is "no value" (Parquet: an optional DOUBLE, null for NaN).
    Number,
    /// A yes/no event, 1 or 0 (Parquet: an optional BOOLEAN; CSV: `1` or `0`).
    Flag,
}

impl Kind {
    /// The value as it reads back from a Parquet file: NaN of any payload or sign becomes the
    /// one quiet NaN; a flag is 1 or 0.
    fn stored(self, v: f64) -> f64 {
        match self {
            _ if v.is_nan() => f64::NAN,
            Kind::Number => v,
            Kind::Flag => f64::from(u8::from(v == 1.0)),
        }
    }

    fn byte(self) -> u8 {
        match self {
            Kind::Number => b'n',
            Kind::Flag => b'f',
        }
    }
}

/// A hash of what a Parquet results file says, as it reads back: the column names and kinds,
/// the key-value metadata (but this hash), then every row (run, then the values' bits, each
/// little-endian). The writer records it under [`KEY_CONTENT_HASH`]; a reader recomputes it
/// and refuses a file whose bytes decode to anything else (a flipped bit in a value, a
/// truncated page). XXH64: not against forgery, against damage.
struct ContentHash {
    hasher: XxHash64,
    kinds: Vec<Kind>,
    row: Vec<u8>,
}

impl ContentHash {
    fn new(columns: &[String], kinds: &[Kind], key_values: &[KeyValue]) -> ContentHash {
        use std::hash::Hasher as _;
        let mut hasher = XxHash64::with_seed(0);
        let mut text = |t: &str| {
            hasher.write(&(t.len() as u64).to_le_bytes());
            hasher.write(t.as_bytes());
        };
        for (c, k) in columns.iter().zip(kinds) {
            text(c);
            text(std::str::from_utf8(&[k.byte()]).unwrap_or_default());
        }
        for kv in key_values.iter().filter(|kv| kv.key != KEY_CONTENT_HASH) {
            text(&kv.key);
            text(kv.value.as_deref().unwrap_or_default());
        }
        ContentHash {
            hasher,
            kinds: kinds.to_vec(),
            row: Vec::new(),
        }
    }

    fn row(&mut self, run: u64, values: &[f64]) {
        use std::hash::Hasher as _;
        self.row.clear();
        self.row.extend_from_slice(&run.to_le_bytes());
        for (&v, k) in values.iter().zip(&self.kinds) {
            self.row
                .extend_from_slice(&k.stored(v).to_bits().to_le_bytes());
        }
        self.hasher.write(&self.row);
    }

    fn hex(&self) -> String {
        use std::hash::Hasher as _;
        format!("{:016x}", self.hasher.finish())
    }
}

/// The format of a results file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// `.csv`: a header and one line per run.
    Csv,
    /// `.parquet`: typed columns, metadata and a content hash.
    Parquet,
}

impl Format {
    /// The format named by `path`'s extension: `.csv` or `.parquet`, in any case.
    pub fn from_path(path: &Path) -> Result<Format, ResultsError> {
        let ext = path.extension().map(|e| e.to_string_lossy().into_owned());
        match ext.as_deref() {
            Some(e) if e.eq_ignore_ascii_case("csv") => Ok(Format::Csv),
            Some(e) if e.eq_ignore_ascii_case("parquet") => Ok(Format::Parquet),
            Some(e) => Err(bad_format(
                path,
                format!(
                    "{}: unknown results format `.{e}`; use a file name ending in .csv or .parquet",
                    path.display()
                ),
            )),
            None => Err(bad_format(
                path,
                format!(
                    "{}: no extension to choose the results format from; use a file name ending in \
                 .csv or .parquet",
                    path.display()
                ),
            )),
        }
    }

    /// `"CSV"` or `"Parquet"`.
    pub fn name(self) -> &'static str {
        match self {
            Format::Csv => "CSV",
            Format::Parquet => "Parquet",
        }
    }
}

/// What a results file was computed from, embedded in Parquet files (CSV has no metadata).
///
/// Every shard of one exploration must carry the same `Meta`, so it holds only what is
/// common to all of them: never the shard.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Meta {
    /// Hash of the scenario the model ran on.
    pub scenario_hash: String,
    /// The sampling seed.
    pub seed: u64,
    /// Total number of runs `R` of the exploration (all shards together).
    pub runs: u64,
    /// The sampling design, e.g. `"sobol"`.
    pub design: String,
    /// The model.
    pub model: String,
    /// The policy explored.
    pub policy: String,
}

impl Meta {
    fn key_values(&self, row_group_runs: u64) -> Vec<KeyValue> {
        [
            (KEY_LAYOUT, LAYOUT_VERSION.to_string()),
            (KEY_SCENARIO_HASH, self.scenario_hash.clone()),
            (KEY_SEED, self.seed.to_string()),
            (KEY_RUNS, self.runs.to_string()),
            (KEY_DESIGN, self.design.clone()),
            (KEY_MODEL, self.model.clone()),
            (KEY_POLICY, self.policy.clone()),
            (KEY_ROW_GROUP_RUNS, row_group_runs.to_string()),
        ]
        .into_iter()
        .map(|(k, v)| KeyValue::new(k.to_string(), v))
        .collect()
    }

    fn from_key_values(kvs: &[KeyValue], path: &Path) -> Result<Meta, ResultsError> {
        let get = |key: &str| -> Result<String, ResultsError> {
            kvs.iter()
                .find(|kv| kv.key == key)
                .and_then(|kv| kv.value.clone())
                .ok_or_else(|| {
                    invalid(
                        path,
                        format!(
                            "{}: not a detente results file (no `{key}` in its metadata)",
                            path.display()
                        ),
                    )
                })
        };
        let number = |key: &str| -> Result<u64, ResultsError> {
            let text = get(key)?;
            text.parse().map_err(|_| {
                invalid(
                    path,
                    format!(
                        "{}: metadata `{key}` is `{text}`, not a whole number",
                        path.display()
                    ),
                )
            })
        };
        Ok(Meta {
            scenario_hash: get(KEY_SCENARIO_HASH)?,
            seed: number(KEY_SEED)?,
            runs: number(KEY_RUNS)?,
            design: get(KEY_DESIGN)?,
            model: get(KEY_MODEL)?,
            policy: get(KEY_POLICY)?,
        })
    }
}

/// The runs of shard `k` of `n` (1-based `k`) of an exploration of `runs` runs:
/// `[floor((k-1) * runs / n), floor(k * runs / n))`.
///
/// # Panics
///
/// If `k` is not in `1..=n`.
pub fn shard_runs(k: u64, n: u64, runs: u64) -> Range<u64> {
    assert!(k >= 1 && k <= n, "shard {k}/{n} does not exist");
    let at = |i: u64| (u128::from(i) * u128::from(runs) / u128::from(n)) as u64;
    at(k - 1)..at(k)
}

/// Writes a results file row by row. Rows must come in increasing run order; they need not
/// start at 0 nor be contiguous (a shard starts where its slice starts).
pub struct ResultsWriter {
    sink: Sink,
    path: PathBuf,
    columns: Vec<String>,
    kinds: Vec<Kind>,
    last_run: Option<u64>,
}

enum Sink {
    Csv(Box<CsvSink>),
    Parquet(Box<ParquetSink>),
}

struct CsvSink {
    out: csv::Writer<File>,
    /// The text of one field, reused.
    field: String,
}

impl ResultsWriter {
    /// Creates (or truncates) `path_for_writing` and writes the header. `columns` are the
    /// value columns, without `run`. The format is given, not taken from the path, so the
    /// caller may write to a temporary file; `meta` is used by Parquet only. Every column
    /// holds numbers.
    pub fn create(
        path_for_writing: &Path,
        format: Format,
        columns: &[String],
        meta: &Meta,
    ) -> Result<ResultsWriter, ResultsError> {
        let kinds = vec![Kind::Number; columns.len()];
        Self::create_typed(path_for_writing, format, columns, &kinds, meta)
    }

    /// [`create`](Self::create) with the kind of each column.
    pub fn create_typed(
        path_for_writing: &Path,
        format: Format,
        columns: &[String],
        kinds: &[Kind],
        meta: &Meta,
    ) -> Result<ResultsWriter, ResultsError> {
        Self::create_with(
            path_for_writing,
            format,
            columns,
            kinds,
            meta.key_values(ROW_GROUP_RUNS),
            ROW_GROUP_RUNS,
        )
    }

    fn create_with(
        path: &Path,
        format: Format,
        columns: &[String],
        kinds: &[Kind],
        key_values: Vec<KeyValue>,
        row_group_runs: u64,
    ) -> Result<ResultsWriter, ResultsError> {
        check_columns(columns)?;
        if kinds.len() != columns.len() {
            return Err(rows(format!(
                "{} column kinds for {} columns",
                kinds.len(),
                columns.len()
            )));
        }
        let file = File::create(path).map_err(|e| io("create", path, e))?;
        let sink = match format {
            Format::Csv => {
                let mut out = csv::WriterBuilder::new()
                    .terminator(csv::Terminator::Any(b'\n'))
                    .from_writer(file);
                out.write_record(std::iter::once(RUN_COLUMN).chain(columns.iter().map(|c| &**c)))
                    .map_err(|e| io("write", path, e))?;
                Sink::Csv(Box::new(CsvSink {
                    out,
                    field: String::new(),
                }))
            }
            Format::Parquet => Sink::Parquet(Box::new(ParquetSink::new(
                file,
                columns,
                kinds,
                key_values,
                row_group_runs,
            )?)),
        };
        Ok(ResultsWriter {
            sink,
            path: path.to_path_buf(),
            columns: columns.to_vec(),
            kinds: kinds.to_vec(),
            last_run: None,
        })
    }

    /// Appends run `run` with one value per column.
    pub fn write_row(&mut self, run: u64, values: &[f64]) -> Result<(), ResultsError> {
        if values.len() != self.columns.len() {
            return Err(rows(format!(
                "run {run}: {} values for {} columns",
                values.len(),
                self.columns.len()
            )));
        }
        for ((&v, kind), name) in values.iter().zip(&self.kinds).zip(&self.columns) {
            if *kind == Kind::Flag && !(v == 0.0 || v == 1.0 || v.is_nan()) {
                return Err(rows(format!(
                    "run {run}: `{name}` is a yes/no column but holds {v}, not 1, 0 or no value"
                )));
            }
        }
        if let Some(last) = self.last_run
            && run <= last
        {
            return Err(rows(format!(
                "run {run} written after run {last}: runs must be written in increasing order"
            )));
        }
        self.last_run = Some(run);
        match &mut self.sink {
            Sink::Csv(sink) => {
                let CsvSink { out, field } = &mut **sink;
                field.clear();
                let _ = write!(field, "{run}");
                out.write_field(&*field)
                    .map_err(|e| io("write", &self.path, e))?;
                for &v in values {
                    format_f64(field, v);
                    out.write_field(&*field)
                        .map_err(|e| io("write", &self.path, e))?;
                }
                out.write_record(None::<&[u8]>)
                    .map_err(|e| io("write", &self.path, e))
            }
            Sink::Parquet(sink) => sink.push(run, values, &self.path),
        }
    }

    /// Appends the consecutive runs `first_run, first_run + 1, ...`, one per row of
    /// `values` (row-major, one value per column).
    pub fn write_block(&mut self, first_run: u64, values: &[f64]) -> Result<(), ResultsError> {
        let width = self.columns.len();
        if width == 0 {
            return Err(rows(
                "write_block needs at least one column; use write_row".to_string(),
            ));
        }
        if values.len() % width != 0 {
            return Err(rows(format!(
                "block of {} values is not a whole number of rows of {width} columns",
                values.len(),
            )));
        }
        for (i, row) in values.chunks_exact(width).enumerate() {
            self.write_row(first_run + i as u64, row)?;
        }
        Ok(())
    }

    /// Writes what is buffered and the file's footer, and flushes the file.
    pub fn finish(self) -> Result<(), ResultsError> {
        match self.sink {
            Sink::Csv(sink) => {
                let file = sink
                    .out
                    .into_inner()
                    .map_err(|e| io("write", &self.path, e.into_error()))?;
                file.sync_all().map_err(|e| io("write", &self.path, e))
            }
            Sink::Parquet(sink) => sink.finish(&self.path),
        }
    }
}

fn check_columns(columns: &[String]) -> Result<(), ResultsError> {
    for (i, c) in columns.iter().enumerate() {
        if c == RUN_COLUMN {
            return Err(rows(format!(
                "a value column cannot be named `{RUN_COLUMN}`"
            )));
        }
        if c.is_empty() {
            return Err(rows(format!("value column {} has an empty name", i + 1)));
        }
        if columns[..i].contains(c) {
            return Err(rows(format!("column `{c}` appears twice")));
        }
    }
    Ok(())
}

/// Writes `x` into `out` (cleared first) as described in the module documentation.
fn format_f64(out: &mut String, x: f64) {
    out.clear();
    if x.is_nan() {
        return;
    }
    let a = x.abs();
    if a == 0.0 || a.is_infinite() || (1e-5..1e16).contains(&a) {
        let _ = write!(out, "{x}");
    } else {
        let _ = write!(out, "{x:e}");
    }
}

/// One row group's worth of rows, column by column, then the Parquet writer.
struct ParquetSink {
    writer: SerializedFileWriter<File>,
    row_group_runs: u64,
    /// The block (`run / row_group_runs`) of the buffered rows.
    block: u64,
    runs: Vec<i64>,
    kinds: Vec<Kind>,
    columns: Vec<Vec<f64>>,
    hash: ContentHash,
    /// Scratch for one column's definition levels and non-null values.
    levels: Vec<i16>,
    doubles: Vec<f64>,
    bools: Vec<bool>,
}

impl ParquetSink {
    fn new(
        file: File,
        columns: &[String],
        kinds: &[Kind],
        key_values: Vec<KeyValue>,
        row_group_runs: u64,
    ) -> Result<ParquetSink, ResultsError> {
        assert!(row_group_runs > 0, "row groups must hold at least one run");
        let key_values: Vec<KeyValue> = key_values
            .into_iter()
            .filter(|kv| kv.key != KEY_CONTENT_HASH)
            .collect();
        let hash = ContentHash::new(columns, kinds, &key_values);
        let field = |name: &str, physical, repetition| {
            SchemaType::primitive_type_builder(name, physical)
                .with_repetition(repetition)
                .build()
                .map(Arc::new)
        };
        let mut fields = vec![field(RUN_COLUMN, PhysicalType::INT64, Repetition::REQUIRED)];
        fields.extend(columns.iter().zip(kinds).map(|(c, k)| {
            let physical = match k {
                Kind::Number => PhysicalType::DOUBLE,
                Kind::Flag => PhysicalType::BOOLEAN,
            };
            field(c, physical, Repetition::OPTIONAL)
        }));
        let fields = fields
            .into_iter()
            .collect::<Result<Vec<_>, _>>()
            .map_err(ResultsError::Schema)?;
        let schema = SchemaType::group_type_builder("detente_results")
            .with_fields(fields)
            .build()
            .map_err(ResultsError::Schema)?;
        // Pin every setting that shapes the bytes, so that a change of the library's
        // defaults cannot make two writes of the same rows differ.
        let props = WriterProperties::builder()
            .set_created_by(format!("detente {}", env!("CARGO_PKG_VERSION")))
            .set_writer_version(WriterVersion::PARQUET_1_0)
            .set_compression(Compression::UNCOMPRESSED)
            .set_dictionary_enabled(false)
            .set_encoding(Encoding::PLAIN)
            .set_statistics_enabled(EnabledStatistics::Chunk)
            .set_write_page_header_statistics(false)
            .set_offset_index_disabled(false)
            .set_data_page_size_limit(1024 * 1024)
            .set_data_page_row_count_limit(20_000)
            .set_write_batch_size(1024)
            .set_max_row_group_size(row_group_runs as usize)
            .set_bloom_filter_enabled(false)
            .set_key_value_metadata(Some(key_values))
            .build();
        let writer = SerializedFileWriter::new(file, Arc::new(schema), Arc::new(props))
            .map_err(ResultsError::Start)?;
        let cap = row_group_runs.min(8192) as usize;
        Ok(ParquetSink {
            writer,
            row_group_runs,
            block: 0,
            runs: Vec::with_capacity(cap),
            kinds: kinds.to_vec(),
            columns: columns.iter().map(|_| Vec::with_capacity(cap)).collect(),
            hash,
            levels: Vec::with_capacity(cap),
            doubles: Vec::with_capacity(cap),
            bools: Vec::new(),
        })
    }

    fn push(&mut self, run: u64, values: &[f64], path: &Path) -> Result<(), ResultsError> {
        let run_i64 = i64::try_from(run)
            .map_err(|_| rows(format!("run {run} is too large for a Parquet INT64 column")))?;
        let block = run / self.row_group_runs;
        if block != self.block && !self.runs.is_empty() {
            self.flush(path)?;
        }
        self.block = block;
        self.hash.row(run, values);
        self.runs.push(run_i64);
        for (column, &v) in self.columns.iter_mut().zip(values) {
            column.push(v);
        }
        Ok(())
    }

    /// Writes the buffered rows as one row group, each column in one batch.
    fn flush(&mut self, path: &Path) -> Result<(), ResultsError> {
        let fail = |e: parquet::errors::ParquetError| io("write", path, e);
        let mut group = self.writer.next_row_group().map_err(fail)?;
        let mut column = group
            .next_column()
            .map_err(fail)?
            .expect("the schema has a run column");
        column
            .typed::<Int64Type>()
            .write_batch(&self.runs, None, None)
            .map_err(fail)?;
        column.close().map_err(fail)?;
        for (values, kind) in self.columns.iter().zip(&self.kinds) {
            let mut column = group
                .next_column()
                .map_err(fail)?
                .expect("the schema has one column per value");
            // NaN is "no value": a null (definition level 0), not a stored NaN.
            self.levels.clear();
            self.levels
                .extend(values.iter().map(|v| i16::from(!v.is_nan())));
            let present = values.iter().filter(|v| !v.is_nan());
            match kind {
                Kind::Number => {
                    self.doubles.clear();
                    self.doubles.extend(present);
                    column
                        .typed::<DoubleType>()
                        .write_batch(&self.doubles, Some(&self.levels), None)
                        .map_err(fail)?;
                }
                Kind::Flag => {
                    self.bools.clear();
                    self.bools.extend(present.map(|&v| v == 1.0));
                    column
                        .typed::<BoolType>()
                        .write_batch(&self.bools, Some(&self.levels), None)
                        .map_err(fail)?;
                }
            }
            column.close().map_err(fail)?;
        }
        group.close().map_err(fail)?;
        self.runs.clear();
        self.columns.iter_mut().for_each(Vec::clear);
        Ok(())
    }

    fn finish(mut self, path: &Path) -> Result<(), ResultsError> {
        if !self.runs.is_empty() {
            self.flush(path)?;
        }
        self.writer.append_key_value_metadata(KeyValue::new(
            KEY_CONTENT_HASH.to_string(),
            self.hash.hex(),
        ));
        let file = self.writer.into_inner().map_err(|e| io("write", path, e))?;
        file.sync_all().map_err(|e| io("write", path, e))
    }
}

/// A results file read as a stream of rows.
struct Source {
    path: PathBuf,
    columns: Vec<String>,
    kinds: Vec<Kind>,
    rows: Rows,
}

enum Rows {
    Csv {
        reader: csv::Reader<File>,
        record: csv::ByteRecord,
    },
    Parquet(Box<ParquetRows>),
}

struct ParquetRows {
    reader: SerializedFileReader<File>,
    /// The key-value metadata without the content hash, which differs from shard to shard.
    key_values: Vec<KeyValue>,
    /// The content hash the file records (layout 1 files have none), and the one its rows give.
    recorded_hash: Option<String>,
    hash: ContentHash,
    /// Whether each value column may hold nulls (layout 1's are all required).
    optional: Vec<bool>,
    next_group: usize,
    runs: Vec<i64>,
    columns: Vec<Vec<f64>>,
    at: usize,
    levels: Vec<i16>,
    bools: Vec<bool>,
}

impl Source {
    fn open(path: &Path) -> Result<Source, ResultsError> {
        guard(path, || Self::open_unguarded(path))
    }

    fn open_unguarded(path: &Path) -> Result<Source, ResultsError> {
        let format = Format::from_path(path)?;
        let shown = path.display();
        let file = File::open(path).map_err(|e| io("read", path, e))?;
        match format {
            Format::Csv => {
                let mut reader = csv::ReaderBuilder::new().from_reader(file);
                let header = reader.headers().map_err(|e| io("read", path, e))?;
                if header.is_empty() {
                    return Err(invalid(
                        path,
                        format!("{shown} is empty: it has no header line"),
                    ));
                }
                if &header[0] != RUN_COLUMN {
                    return Err(invalid(
                        path,
                        format!(
                            "{shown}: the first column is `{}`, not `{RUN_COLUMN}`; \
                         not a detente results file",
                            &header[0]
                        ),
                    ));
                }
                let columns: Vec<String> = header.iter().skip(1).map(str::to_string).collect();
                Ok(Source {
                    path: path.to_path_buf(),
                    // CSV does not say: a flag reads as the number 1 or 0.
                    kinds: vec![Kind::Number; columns.len()],
                    columns,
                    rows: Rows::Csv {
                        reader,
                        record: csv::ByteRecord::new(),
                    },
                })
            }
            Format::Parquet => {
                let reader =
                    SerializedFileReader::new(file).map_err(|source| ResultsError::NotParquet {
                        path: path.to_path_buf(),
                        source,
                    })?;
                let meta = reader.metadata().file_metadata();
                let descr = meta.schema_descr();
                let mut columns = Vec::with_capacity(descr.num_columns().saturating_sub(1));
                let mut kinds = Vec::with_capacity(columns.capacity());
                let mut optional = Vec::with_capacity(columns.capacity());
                for (i, c) in descr.columns().iter().enumerate() {
                    let plain = c.path().parts().len() == 1 && c.max_rep_level() == 0;
                    let kind = match (c.physical_type(), c.max_def_level()) {
                        _ if !plain => None,
                        (PhysicalType::INT64, 0) if i == 0 && c.name() == RUN_COLUMN => {
                            Some((Kind::Number, false))
                        }
                        _ if i == 0 => None,
                        (PhysicalType::DOUBLE, d @ (0 | 1)) => Some((Kind::Number, d == 1)),
                        (PhysicalType::BOOLEAN, 1) => Some((Kind::Flag, true)),
                        _ => None,
                    };
                    let Some((kind, opt)) = kind else {
                        return Err(invalid(
                            path,
                            format!(
                                "{shown}: column {} `{}` is not {}; not a detente results file",
                                i + 1,
                                c.path(),
                                if i == 0 {
                                    "a required INT64 column named `run`"
                                } else {
                                    "an optional DOUBLE or BOOLEAN column"
                                },
                            ),
                        ));
                    };
                    if i > 0 {
                        columns.push(c.name().to_string());
                        kinds.push(kind);
                        optional.push(opt);
                    }
                }
                if descr.num_columns() == 0 {
                    return Err(invalid(
                        path,
                        format!("{shown}: no columns; not a detente results file"),
                    ));
                }
                let mut key_values = meta.key_value_metadata().cloned().unwrap_or_default();
                let recorded_hash = key_values
                    .iter()
                    .find(|kv| kv.key == KEY_CONTENT_HASH)
                    .map(|kv| kv.value.clone().unwrap_or_default());
                key_values.retain(|kv| kv.key != KEY_CONTENT_HASH);
                let hash = ContentHash::new(&columns, &kinds, &key_values);
                Ok(Source {
                    path: path.to_path_buf(),
                    rows: Rows::Parquet(Box::new(ParquetRows {
                        reader,
                        key_values,
                        recorded_hash,
                        hash,
                        optional,
                        next_group: 0,
                        runs: Vec::new(),
                        columns: columns.iter().map(|_| Vec::new()).collect(),
                        at: 0,
                        levels: Vec::new(),
                        bools: Vec::new(),
                    })),
                    columns,
                    kinds,
                })
            }
        }
    }

    fn key_values(&self) -> &[KeyValue] {
        match &self.rows {
            Rows::Csv { .. } => &[],
            Rows::Parquet(p) => &p.key_values,
        }
    }

    /// The next row: its run, with its values in `values` (one per column).
    fn next_row(&mut self, values: &mut [f64]) -> Result<Option<u64>, ResultsError> {
        let shown = self.path.display();
        match &mut self.rows {
            Rows::Csv { reader, record } => {
                let more = reader
                    .read_byte_record(record)
                    .map_err(|e| io("read", &self.path, e))?;
                if !more {
                    return Ok(None);
                }
                let line = record.position().map_or(0, |p| p.line());
                if record.len() != values.len() + 1 {
                    return Err(invalid(
                        &self.path,
                        format!(
                            "{shown}, line {line}: {} fields, but the header has {}",
                            record.len(),
                            values.len() + 1
                        ),
                    ));
                }
                let run = std::str::from_utf8(&record[0])
                    .ok()
                    .and_then(|s| s.parse::<u64>().ok())
                    .ok_or_else(|| {
                        invalid(
                            &self.path,
                            format!(
                                "{shown}, line {line}: run `{}` is not a run index",
                                String::from_utf8_lossy(&record[0])
                            ),
                        )
                    })?;
                for (i, v) in values.iter_mut().enumerate() {
                    let field = &record[i + 1];
                    *v = parse_f64(field).ok_or_else(|| {
                        invalid(
                            &self.path,
                            format!(
                                "{shown}, line {line}: `{}` in column `{}` is not a number",
                                String::from_utf8_lossy(field),
                                self.columns[i]
                            ),
                        )
                    })?;
                }
                Ok(Some(run))
            }
            Rows::Parquet(p) => {
                while p.at == p.runs.len() {
                    if p.next_group == p.reader.num_row_groups() {
                        p.verify(&self.path)?;
                        return Ok(None);
                    }
                    let path = &self.path;
                    guard(path, || p.load_group(path))?;
                }
                let run = p.runs[p.at];
                for (v, column) in values.iter_mut().zip(&p.columns) {
                    *v = column[p.at];
                }
                p.at += 1;
                let run = u64::try_from(run).map_err(|_| {
                    damaged(
                        &self.path,
                        format!("{shown} is damaged: negative run index {run}"),
                    )
                })?;
                p.hash.row(run, values);
                Ok(Some(run))
            }
        }
    }

    /// The first run, read without loading the rest of the file; `None` for no rows.
    fn first_run(&mut self) -> Result<Option<u64>, ResultsError> {
        let path = self.path.clone();
        guard(&path, || self.first_run_unguarded())
    }

    fn first_run_unguarded(&mut self) -> Result<Option<u64>, ResultsError> {
        match &mut self.rows {
            Rows::Csv { .. } => {
                let mut values = vec![0.0; self.columns.len()];
                self.next_row(&mut values)
            }
            Rows::Parquet(p) => {
                let shown = self.path.display();
                let fail = |e: parquet::errors::ParquetError| io("read", &self.path, e);
                for g in 0..p.reader.num_row_groups() {
                    if p.reader.metadata().row_group(g).num_rows() == 0 {
                        continue;
                    }
                    let group = p.reader.get_row_group(g).map_err(fail)?;
                    let mut runs = Vec::with_capacity(1);
                    read_column::<Int64Type>(&*group, 0, 1, None, &mut runs).map_err(fail)?;
                    return match runs.first() {
                        Some(&run) => u64::try_from(run).map(Some).map_err(|_| {
                            damaged(
                                &self.path,
                                format!("{shown} is damaged: negative run index {run}"),
                            )
                        }),
                        None => Err(damaged(
                            &self.path,
                            format!("{shown} is damaged: row group {g} has no run values"),
                        )),
                    };
                }
                Ok(None)
            }
        }
    }
}

impl ParquetRows {
    /// At the end of the rows: the hash they give must be the one the file records.
    fn verify(&self, path: &Path) -> Result<(), ResultsError> {
        match &self.recorded_hash {
            Some(recorded) if *recorded != self.hash.hex() => Err(damaged(
                path,
                format!(
                    "{} is damaged: its content does not match the hash in its metadata \
                 (`{KEY_CONTENT_HASH}` is {recorded}, the content gives {}); write this file \
                 again (for a shard: rerun `detente explore ... --shard K/N`)",
                    path.display(),
                    self.hash.hex()
                ),
            )),
            _ => Ok(()),
        }
    }

    fn load_group(&mut self, path: &Path) -> Result<(), ResultsError> {
        let shown = path.display();
        let fail = |e: parquet::errors::ParquetError| io("read", path, e);
        let g = self.next_group;
        self.next_group += 1;
        let n = usize::try_from(self.reader.metadata().row_group(g).num_rows()).map_err(|_| {
            damaged(
                path,
                format!("{shown} is damaged: row group {g} has a negative row count"),
            )
        })?;
        let group = self.reader.get_row_group(g).map_err(fail)?;
        self.runs.clear();
        read_column::<Int64Type>(&*group, 0, n, None, &mut self.runs).map_err(fail)?;
        let mut ok = self.runs.len() == n;
        for (i, column) in self.columns.iter_mut().enumerate() {
            column.clear();
            let levels = self.optional[i].then_some(&mut self.levels);
            let nulls = match self.hash.kinds[i] {
                Kind::Number => {
                    read_column::<DoubleType>(&*group, i + 1, n, levels, column).map_err(fail)?
                }
                Kind::Flag => {
                    self.bools.clear();
                    let nulls = read_column::<BoolType>(&*group, i + 1, n, levels, &mut self.bools)
                        .map_err(fail)?;
                    column.extend(self.bools.iter().map(|&b| f64::from(u8::from(b))));
                    nulls
                }
            };
            ok &= spread_nulls(column, &self.levels, nulls) && column.len() == n;
        }
        if !ok {
            return Err(damaged(
                path,
                format!(
                    "{shown} is damaged: row group {g} holds fewer values than its {n} rows; write it again"
                ),
            ));
        }
        self.at = 0;
        Ok(())
    }
}

thread_local! {
    /// Set while [`guard`] runs: the panic hook then stays silent.
    static QUIET: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Runs `f`, which reads a results file, turning a panic into an error naming the file. The
/// parquet crate panics on some damaged files (an unknown page type is `unimplemented!`);
/// a damaged input must be an error like any other, without a panic message.
pub(crate) fn guard<T>(
    path: &Path,
    f: impl FnOnce() -> Result<T, ResultsError>,
) -> Result<T, ResultsError> {
    static HOOK: std::sync::Once = std::sync::Once::new();
    HOOK.call_once(|| {
        let default = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if !QUIET.with(std::cell::Cell::get) {
                default(info);
            }
        }));
    });
    let was = QUIET.with(|q| q.replace(true));
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(f));
    QUIET.with(|q| q.set(was));
    result.unwrap_or_else(|payload| {
        let why = payload
            .downcast_ref::<String>()
            .map(String::as_str)
            .or_else(|| payload.downcast_ref::<&str>().copied())
            .unwrap_or("unreadable data");
        Err(damaged(
            path,
            format!(
                "cannot read {} as Parquet: {why}; the file is damaged, write it again",
                path.display()
            ),
        ))
    })
}

/// Appends the values of up to `n` rows of column `i` of `group` to `out`; for an optional
/// column, puts their definition levels in `levels` (cleared first) and returns how many rows
/// are null (the non-null values only are appended).
pub(crate) fn read_column<T: DataType>(
    group: &dyn RowGroupReader,
    i: usize,
    n: usize,
    mut levels: Option<&mut Vec<i16>>,
    out: &mut Vec<T::T>,
) -> parquet::errors::Result<usize> {
    let mut reader = get_typed_column_reader::<T>(group.get_column_reader(i)?);
    if let Some(l) = levels.as_deref_mut() {
        l.clear();
    }
    let mut read = 0;
    while read < n {
        let (records, _, _) = reader.read_records(n - read, levels.as_deref_mut(), None, out)?;
        if records == 0 {
            break;
        }
        read += records;
    }
    Ok(levels.map_or(0, |l| l.iter().filter(|&&d| d == 0).count()))
}

/// Puts a NaN in `column` (its non-null values, in order) where `levels` says null; `false`
/// if the two do not fit together (a damaged page).
fn spread_nulls(column: &mut Vec<f64>, levels: &[i16], nulls: usize) -> bool {
    if nulls == 0 {
        return levels.iter().all(|&d| d == 1) || levels.is_empty();
    }
    if column.len() + nulls != levels.len() || levels.iter().any(|&d| d > 1) {
        return false;
    }
    let mut present = column.len();
    column.resize(levels.len(), f64::NAN);
    // From the end, so each value moves at most once and never over one not yet moved.
    for (slot, &d) in levels.iter().enumerate().rev() {
        if d == 1 {
            present -= 1;
            column[slot] = column[present];
        } else {
            column[slot] = f64::NAN;
        }
    }
    true
}

/// Reads a CSV number: empty is NaN.
pub(crate) fn parse_f64(field: &[u8]) -> Option<f64> {
    if field.is_empty() {
        return Some(f64::NAN);
    }
    std::str::from_utf8(field).ok()?.parse().ok()
}

/// What [`merge`] did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MergeSummary {
    /// The format of the inputs and the output.
    pub format: Format,
    /// Number of input files.
    pub inputs: usize,
    /// Number of runs written (`R`).
    pub runs: u64,
    /// Number of value columns (without `run`).
    pub columns: usize,
}

/// Joins shard files into `output_for_writing`, in the inputs' format (the caller should
/// check that the final output name has the same extension: [`Format::from_path`]).
///
/// The inputs may come in any order; they must share the format, the columns and (Parquet)
/// the metadata, and together hold every run `0..R` exactly once, where `R` is the metadata's
/// run count (Parquet) or the largest run index + 1 (CSV: a missing last shard goes
/// unnoticed there). Rows are streamed: one input is open at a time.
///
/// Some faults (a gap, an overlap) are found only while the rows are copied: on error the
/// output holds a partial file, which the caller discards (it writes to a temporary file).
pub fn merge(inputs: &[PathBuf], output_for_writing: &Path) -> Result<MergeSummary, ResultsError> {
    let Some(first_path) = inputs.first() else {
        return Err(mismatch("no files to merge".to_string()));
    };
    let format = Format::from_path(first_path)?;
    for path in &inputs[1..] {
        let other = Format::from_path(path)?;
        if other != format {
            return Err(mismatch(format!(
                "{} is {} but {} is {}: merge files of one format",
                first_path.display(),
                format.name(),
                path.display(),
                other.name()
            )));
        }
    }

    // First pass: headers, metadata, first runs and (Parquet) content hashes; one file open at
    // a time.
    let mut columns: Vec<String> = Vec::new();
    let mut kinds: Vec<Kind> = Vec::new();
    let mut key_values: Vec<KeyValue> = Vec::new();
    let mut order: Vec<(u64, usize)> = Vec::with_capacity(inputs.len());
    for (i, path) in inputs.iter().enumerate() {
        let mut source = Source::open(path)?;
        if let Rows::Parquet(p) = &source.rows
            && p.recorded_hash.is_none()
        {
            return Err(mismatch(format!(
                "{} has no content hash (`{KEY_CONTENT_HASH}`), so its values cannot be \
                 checked: it was written by a detente older than results layout \
                 {LAYOUT_VERSION}; write it again with this version",
                path.display()
            )));
        }
        // A Parquet shard is read whole and checked against its content hash before any of
        // it is used, so that damage is reported as such, not as the gap or overlap it makes.
        let first = match &source.rows {
            Rows::Csv { .. } => source.first_run()?,
            Rows::Parquet(_) => {
                let mut values = vec![0.0; source.columns.len()];
                let first = source.next_row(&mut values)?;
                while source.next_row(&mut values)?.is_some() {}
                first
            }
        };
        if i == 0 {
            columns = source.columns.clone();
            kinds = source.kinds.clone();
            key_values = source.key_values().to_vec();
        } else {
            check_same_columns(first_path, &columns, path, &source.columns)?;
            if source.kinds != kinds {
                return Err(mismatch(format!(
                    "{} and {} store their columns differently (numbers or yes/no): they are \
                     not shards of one exploration",
                    first_path.display(),
                    path.display()
                )));
            }
            check_same_meta(first_path, &key_values, path, source.key_values())?;
        }
        if let Some(run) = first {
            order.push((run, i));
        }
    }
    let total_runs = match format {
        Format::Csv => None,
        Format::Parquet => Some(Meta::from_key_values(&key_values, first_path)?.runs),
    };
    let row_group_runs = match format {
        Format::Csv => ROW_GROUP_RUNS,
        Format::Parquet => key_values
            .iter()
            .find(|kv| kv.key == KEY_ROW_GROUP_RUNS)
            .and_then(|kv| kv.value.as_deref()?.parse().ok())
            .filter(|&n| n > 0)
            .ok_or_else(|| {
                invalid(
                    first_path,
                    format!(
                        "{}: metadata `{KEY_ROW_GROUP_RUNS}` is missing or not a positive number",
                        first_path.display()
                    ),
                )
            })?,
    };
    order.sort();

    // Second pass: stream the rows in run order, checking that each run comes exactly once.
    let mut writer = ResultsWriter::create_with(
        output_for_writing,
        format,
        &columns,
        &kinds,
        key_values,
        row_group_runs,
    )?;
    let mut values = vec![0.0; columns.len()];
    // The inputs read so far, with the runs each held: together exactly `0..expected`.
    let mut done: Vec<(&Path, Range<u64>)> = Vec::with_capacity(order.len());
    let mut expected = 0u64;
    for &(_, i) in &order {
        let path = inputs[i].as_path();
        let mut source = Source::open(path)?;
        let start = expected;
        while let Some(run) = source.next_row(&mut values)? {
            if run > expected {
                return Err(missing(expected, run - 1));
            }
            if run < expected {
                return Err(match done.iter().find(|(_, held)| held.contains(&run)) {
                    Some((other, _)) => mismatch(format!(
                        "run {run} appears in both {} and {}",
                        other.display(),
                        path.display()
                    )),
                    None => mismatch(format!("run {run} appears twice in {}", path.display())),
                });
            }
            if let Some(total) = total_runs
                && run >= total
            {
                return Err(mismatch(format!(
                    "{}: run {run} is beyond the {total} runs of the exploration",
                    path.display()
                )));
            }
            writer.write_row(run, &values)?;
            expected = run + 1;
        }
        done.push((path, start..expected));
    }
    if let Some(total) = total_runs
        && expected < total
    {
        return Err(missing(expected, total - 1));
    }
    writer.finish()?;
    Ok(MergeSummary {
        format,
        inputs: inputs.len(),
        runs: expected,
        columns: columns.len(),
    })
}

fn missing(from: u64, to: u64) -> ResultsError {
    if from == to {
        mismatch(format!("run {from} is missing (no input holds it)"))
    } else {
        mismatch(format!(
            "runs {from}..{to} are missing (no input holds them)"
        ))
    }
}

fn check_same_columns(
    first: &Path,
    expected: &[String],
    path: &Path,
    found: &[String],
) -> Result<(), ResultsError> {
    if expected == found {
        return Ok(());
    }
    let detail = match expected.iter().zip(found).position(|(a, b)| a != b) {
        Some(i) => format!(
            "column {} is `{}` in {} but `{}` in {}",
            i + 2,
            found[i],
            path.display(),
            expected[i],
            first.display()
        ),
        None => format!(
            "{} has {} columns but {} has {}",
            path.display(),
            found.len() + 1,
            first.display(),
            expected.len() + 1
        ),
    };
    Err(mismatch(format!(
        "{} and {} have different columns ({detail}): they are not shards of one exploration",
        first.display(),
        path.display()
    )))
}

fn check_same_meta(
    first: &Path,
    expected: &[KeyValue],
    path: &Path,
    found: &[KeyValue],
) -> Result<(), ResultsError> {
    if expected == found {
        return Ok(());
    }
    let value = |kvs: &[KeyValue], key: &str| {
        kvs.iter()
            .find(|kv| kv.key == key)
            .map_or("(none)".to_string(), |kv| {
                kv.value.clone().unwrap_or_default()
            })
    };
    let keys = expected.iter().chain(found).map(|kv| kv.key.as_str());
    let detail = keys
        .filter(|k| value(expected, k) != value(found, k))
        .map(|k| {
            format!(
                "{k} is `{}` in {} but `{}` in {}",
                value(found, k),
                path.display(),
                value(expected, k),
                first.display()
            )
        })
        .next()
        .unwrap_or_else(|| "their metadata differ".to_string());
    Err(mismatch(format!(
        "{} and {} come from different explorations ({detail})",
        first.display(),
        path.display()
    )))
}

/// A whole results file in memory: the value columns (without `run`), the runs, and the
/// values row-major (`values[row * columns.len() + column]`).
pub type Table = (Vec<String>, Vec<u64>, Vec<f64>);

/// Reads a whole results file: the value columns (without `run`), the runs, and the values
/// row-major (`values[row * columns.len() + column]`).
pub fn read_all(path: &Path) -> Result<Table, ResultsError> {
    let mut source = Source::open(path)?;
    let columns = source.columns.clone();
    let mut runs = Vec::new();
    let mut values = Vec::new();
    let mut row = vec![0.0; columns.len()];
    while let Some(run) = source.next_row(&mut row)? {
        runs.push(run);
        values.extend_from_slice(&row);
    }
    Ok((columns, runs, values))
}

/// The metadata of a Parquet results file; `None` for CSV, which has none.
pub fn read_meta(path: &Path) -> Result<Option<Meta>, ResultsError> {
    let source = Source::open(path)?;
    match source.rows {
        Rows::Csv { .. } => Ok(None),
        Rows::Parquet(p) => Meta::from_key_values(&p.key_values, path).map(Some),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn meta(runs: u64) -> Meta {
        Meta {
            scenario_hash: "c0ffee".to_string(),
            seed: 42,
            runs,
            design: "sobol".to_string(),
            model: "territory".to_string(),
            policy: "sanctions".to_string(),
        }
    }

    fn names() -> Vec<String> {
        ["russia.cost_growth", "territory.outcome", "ceasefire_round"]
            .map(String::from)
            .to_vec()
    }

    /// Deterministic values for run `run`: a uniform-looking number, a small integer, and a
    /// round that is NaN for one run in five.
    fn row(run: u64) -> [f64; 3] {
        let h = run.wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ (run >> 7);
        let u = (h >> 11) as f64 / (1u64 << 53) as f64;
        let round = if run % 5 == 0 {
            f64::NAN
        } else {
            (h % 40) as f64
        };
        [u * 3.0 - 1.0, (h % 3) as f64, round]
    }

    fn ext(format: Format) -> &'static str {
        match format {
            Format::Csv => "csv",
            Format::Parquet => "parquet",
        }
    }

    /// Writes runs `runs` of an exploration of `total` runs, in blocks of uneven sizes.
    fn write(path: &Path, format: Format, total: u64, runs: Range<u64>, row_group_runs: u64) {
        let mut w = ResultsWriter::create_with(
            path,
            format,
            &names(),
            &[Kind::Number; 3],
            meta(total).key_values(row_group_runs),
            row_group_runs,
        )
        .unwrap();
        let mut run = runs.start;
        let mut block = 1;
        while run < runs.end {
            let n = block.min(runs.end - run);
            let values: Vec<f64> = (run..run + n).flat_map(row).collect();
            w.write_block(run, &values).unwrap();
            run += n;
            block = block * 3 % 1000 + 1;
        }
        w.finish().unwrap();
    }

    /// Writes `total` runs as one file and as `shards` shards, merges the shards given in a
    /// shuffled order, and checks that the merged file is the unsharded one, byte for byte.
    fn merge_matches(format: Format, total: u64, shards: u64, row_group_runs: u64) {
        let dir = tempfile::tempdir().unwrap();
        let e = ext(format);
        let whole = dir.path().join(format!("whole.{e}"));
        write(&whole, format, total, 0..total, row_group_runs);
        let mut parts: Vec<PathBuf> = (1..=shards)
            .map(|k| {
                let p = dir.path().join(format!("shard{k}.{e}"));
                write(
                    &p,
                    format,
                    total,
                    shard_runs(k, shards, total),
                    row_group_runs,
                );
                p
            })
            .collect();
        // A fixed shuffle: reversed, then rotated.
        parts.reverse();
        parts.rotate_left(shards as usize / 2);
        let merged = dir.path().join("merged.tmp");
        let summary = merge(&parts, &merged).unwrap();
        assert_eq!(
            summary,
            MergeSummary {
                format,
                inputs: shards as usize,
                runs: total,
                columns: 3
            }
        );
        let (a, b) = (
            std::fs::read(&whole).unwrap(),
            std::fs::read(&merged).unwrap(),
        );
        assert!(
            a == b,
            "{format:?} R={total} N={shards}: merged bytes differ"
        );
        let (columns, runs, values) = read_all(&whole).unwrap();
        assert_eq!(columns, names());
        assert_eq!(runs, (0..total).collect::<Vec<_>>());
        for (run, got) in runs.iter().zip(values.chunks_exact(3)) {
            let want = row(*run);
            for (g, w) in got.iter().zip(want) {
                assert!(g.to_bits() == w.to_bits() || (g.is_nan() && w.is_nan()));
            }
        }
    }

    #[test]
    fn csv_merge_of_shards_is_the_unsharded_file() {
        for shards in [1, 3, 7] {
            merge_matches(Format::Csv, 1_000, shards, ROW_GROUP_RUNS);
        }
    }

    #[test]
    fn parquet_merge_of_shards_is_the_unsharded_file() {
        for shards in [1, 3, 7] {
            merge_matches(Format::Parquet, 1_000, shards, ROW_GROUP_RUNS);
        }
    }

    #[test]
    fn parquet_merge_with_several_row_groups() {
        // 200,000 runs: four row groups of the real size, the last one partial.
        merge_matches(Format::Parquet, 200_000, 7, ROW_GROUP_RUNS);
    }

    #[test]
    fn parquet_merge_with_several_row_groups_in_three_shards() {
        // Shard boundaries fall inside row groups.
        merge_matches(Format::Parquet, 140_000, 3, ROW_GROUP_RUNS);
    }

    #[test]
    fn parquet_merge_with_many_small_row_groups() {
        merge_matches(Format::Parquet, 20_000, 7, 1_000);
    }

    #[test]
    fn csv_merge_of_many_runs() {
        merge_matches(Format::Csv, 50_000, 7, ROW_GROUP_RUNS);
    }

    #[test]
    fn merge_with_empty_shards() {
        merge_matches(Format::Csv, 3, 7, ROW_GROUP_RUNS);
        merge_matches(Format::Parquet, 3, 7, ROW_GROUP_RUNS);
        merge_matches(Format::Parquet, 0, 2, ROW_GROUP_RUNS);
    }

    #[test]
    fn parquet_row_groups_follow_absolute_run_indices() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("shard.parquet");
        write(&path, Format::Parquet, 10_000, 2_500..7_200, 1_000);
        let reader = SerializedFileReader::new(File::open(&path).unwrap()).unwrap();
        let sizes: Vec<i64> = reader
            .metadata()
            .row_groups()
            .iter()
            .map(|g| g.num_rows())
            .collect();
        assert_eq!(sizes, [500, 1000, 1000, 1000, 1000, 200]);
    }

    #[test]
    fn parquet_reads_back_with_the_plain_reader() {
        use parquet::record::RowAccessor;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("r.parquet");
        write(&path, Format::Parquet, 1_000, 0..1_000, ROW_GROUP_RUNS);
        let reader = SerializedFileReader::new(File::open(&path).unwrap()).unwrap();
        let file_meta = reader.metadata().file_metadata();
        assert_eq!(
            file_meta.created_by(),
            Some(concat!("detente ", env!("CARGO_PKG_VERSION")))
        );
        assert_eq!(file_meta.num_rows(), 1_000);
        let kv = file_meta.key_value_metadata().unwrap();
        assert!(kv.contains(&KeyValue::new(KEY_SEED.to_string(), "42".to_string())));
        assert!(kv.contains(&KeyValue::new(KEY_RUNS.to_string(), "1000".to_string())));
        let mut n = 0;
        for (i, r) in reader.get_row_iter(None).unwrap().enumerate() {
            let r = r.unwrap();
            assert_eq!(r.get_long(0).unwrap(), i as i64);
            let want = row(i as u64);
            for (c, w) in want.iter().enumerate() {
                let (_, got) = r.get_column_iter().nth(c + 1).unwrap();
                match got {
                    // No value is a null, never a stored NaN.
                    parquet::record::Field::Null => assert!(w.is_nan()),
                    parquet::record::Field::Double(x) => assert_eq!(x.to_bits(), w.to_bits()),
                    other => panic!("{other:?}"),
                }
            }
            n += 1;
        }
        assert_eq!(n, 1_000);
        assert_eq!(read_meta(&path).unwrap(), Some(meta(1_000)));
    }

    #[test]
    fn special_values_round_trip() {
        let specials = [
            f64::NAN,
            -f64::NAN,
            0.0,
            -0.0,
            f64::INFINITY,
            f64::NEG_INFINITY,
            f64::MIN_POSITIVE,
            5e-324,
            f64::MAX,
            f64::MIN,
            1e300,
            1e-300,
            0.1,
            1.0 / 3.0,
            2.5e-7,
            1e16,
            9_999_999_999_999_998.0,
            1e-5,
            123_456.789,
            -1.0,
        ];
        let dir = tempfile::tempdir().unwrap();
        let columns = vec!["x".to_string()];
        for format in [Format::Csv, Format::Parquet] {
            let path = dir.path().join(format!("s.{}", ext(format)));
            let mut w = ResultsWriter::create(&path, format, &columns, &meta(20)).unwrap();
            for (i, v) in specials.iter().enumerate() {
                w.write_row(i as u64, &[*v]).unwrap();
            }
            w.finish().unwrap();
            let (_, runs, values) = read_all(&path).unwrap();
            assert_eq!(runs.len(), specials.len());
            for (got, want) in values.iter().zip(specials) {
                if want.is_nan() {
                    // No value (an empty field, a null) reads back as NaN, not its payload.
                    assert!(got.is_nan());
                } else {
                    assert_eq!(got.to_bits(), want.to_bits(), "{format:?} {want}");
                }
            }
        }
    }

    #[test]
    fn csv_text_is_plain() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t.csv");
        let columns = ["a", "b,c", "ceasefire_round"].map(String::from);
        let mut w = ResultsWriter::create(&path, Format::Csv, &columns, &meta(3)).unwrap();
        w.write_row(0, &[0.5, f64::NAN, 3.0]).unwrap();
        w.write_row(1, &[1e300, -0.0, f64::NAN]).unwrap();
        w.write_row(2, &[f64::NEG_INFINITY, 2.5e-7, 1e15]).unwrap();
        w.finish().unwrap();
        assert_eq!(
            std::fs::read_to_string(&path).unwrap(),
            "run,a,\"b,c\",ceasefire_round\n\
             0,0.5,,3\n\
             1,1e300,-0,\n\
             2,-inf,2.5e-7,1000000000000000\n"
        );
        assert_eq!(read_meta(&path).unwrap(), None);
    }

    /// Columns of each kind, with no value in some runs: what `explore` of a war writes.
    fn typed_columns() -> (Vec<String>, Vec<Kind>) {
        (
            ["x", "ceasefire", "ceasefire_month", "ongoing"]
                .map(String::from)
                .to_vec(),
            vec![Kind::Number, Kind::Flag, Kind::Number, Kind::Flag],
        )
    }

    fn typed_row(run: u64) -> [f64; 4] {
        let cease = run % 3 == 0;
        [
            row(run)[0],
            f64::from(u8::from(cease)),
            if cease { (run % 17) as f64 } else { f64::NAN },
            f64::from(u8::from(run % 7 == 1 && !cease)),
        ]
    }

    fn write_typed(path: &Path, total: u64, runs: Range<u64>) {
        let (columns, kinds) = typed_columns();
        let mut w =
            ResultsWriter::create_typed(path, Format::Parquet, &columns, &kinds, &meta(total))
                .unwrap();
        for run in runs {
            w.write_row(run, &typed_row(run)).unwrap();
        }
        w.finish().unwrap();
    }

    #[test]
    fn parquet_stores_nulls_and_booleans() {
        use parquet::basic::Type;
        use parquet::record::Field;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t.parquet");
        write_typed(&path, 300, 0..300);
        let reader = SerializedFileReader::new(File::open(&path).unwrap()).unwrap();
        let descr = reader.metadata().file_metadata().schema_descr_ptr();
        let shape: Vec<(String, Type, i16)> = descr
            .columns()
            .iter()
            .map(|c| (c.name().to_string(), c.physical_type(), c.max_def_level()))
            .collect();
        assert_eq!(
            shape,
            [
                ("run".to_string(), Type::INT64, 0),
                ("x".to_string(), Type::DOUBLE, 1),
                ("ceasefire".to_string(), Type::BOOLEAN, 1),
                ("ceasefire_month".to_string(), Type::DOUBLE, 1),
                ("ongoing".to_string(), Type::BOOLEAN, 1),
            ]
        );
        let (mut nulls, mut nans) = (0, 0);
        for (i, r) in reader.get_row_iter(None).unwrap().enumerate() {
            let want = typed_row(i as u64);
            let got: Vec<Field> = r
                .unwrap()
                .get_column_iter()
                .map(|(_, f)| f.clone())
                .collect();
            assert_eq!(got[1], Field::Double(want[0]));
            assert_eq!(got[2], Field::Bool(want[1] == 1.0));
            match &got[3] {
                Field::Null => nulls += 1,
                Field::Double(x) if x.is_nan() => nans += 1,
                Field::Double(x) => assert_eq!(*x, want[2]),
                other => panic!("{other:?}"),
            }
            assert_eq!(got[4], Field::Bool(want[3] == 1.0));
        }
        assert_eq!(
            (nulls, nans),
            (200, 0),
            "a run without a ceasefire has a null month"
        );
        // detente reads the nulls back as NaN, the flags as 1 and 0.
        let (_, runs, values) = read_all(&path).unwrap();
        assert_eq!(runs.len(), 300);
        for (run, got) in runs.iter().zip(values.chunks_exact(4)) {
            for (g, w) in got.iter().zip(typed_row(*run)) {
                assert!(g.to_bits() == w.to_bits() || (g.is_nan() && w.is_nan()));
            }
        }
        // A flag holds 1, 0 or no value.
        let (columns, kinds) = typed_columns();
        let mut w = ResultsWriter::create_typed(&path, Format::Parquet, &columns, &kinds, &meta(3))
            .unwrap();
        assert_eq!(
            w.write_row(0, &[0.0, 0.5, 1.0, 0.0])
                .unwrap_err()
                .to_string(),
            "run 0: `ceasefire` is a yes/no column but holds 0.5, not 1, 0 or no value"
        );
    }

    #[test]
    fn typed_shards_merge_to_the_unsharded_file() {
        let dir = tempfile::tempdir().unwrap();
        let whole = dir.path().join("whole.parquet");
        write_typed(&whole, 1_000, 0..1_000);
        let parts: Vec<PathBuf> = (1..=3)
            .map(|k| {
                let p = dir.path().join(format!("s{k}.parquet"));
                write_typed(&p, 1_000, shard_runs(k, 3, 1_000));
                p
            })
            .collect();
        let merged = dir.path().join("m.tmp");
        merge(&parts, &merged).unwrap();
        assert!(std::fs::read(&whole).unwrap() == std::fs::read(&merged).unwrap());
    }

    /// Every Parquet shard records a hash of its content; a shard whose bytes decode to other
    /// values is refused by name. Flips one byte at a time over the whole file: a merge either
    /// fails naming the shard or gives the very bytes of the undamaged merge (a byte that no
    /// reader uses, such as a column statistic).
    #[test]
    #[allow(clippy::print_stderr)] // a figure for whoever runs the test
    fn a_damaged_parquet_shard_is_refused_by_name() {
        let dir = tempfile::tempdir().unwrap();
        let a = dir.path().join("a.parquet");
        let b = dir.path().join("b.parquet");
        write_typed(&a, 200, 0..100);
        write_typed(&b, 200, 100..200);
        let good = dir.path().join("good.tmp");
        merge(&[a.clone(), b.clone()], &good).unwrap();
        let good = std::fs::read(&good).unwrap();
        let bytes = std::fs::read(&b).unwrap();
        let out = dir.path().join("out.tmp");
        let (mut refused, mut same) = (0, 0);
        for at in 0..bytes.len() {
            let mut bad = bytes.clone();
            bad[at] ^= 0x10;
            std::fs::write(&b, &bad).unwrap();
            match merge(&[a.clone(), b.clone()], &out) {
                Err(e) => {
                    let e = e.to_string();
                    assert!(e.contains(&b.display().to_string()), "byte {at}: {e}");
                    assert!(
                        [
                            "is damaged",
                            "cannot read",
                            "not a detente results file",
                            "no content hash"
                        ]
                        .iter()
                        .any(|w| e.contains(w)),
                        "byte {at}: the damage is not named: {e}"
                    );
                    refused += 1;
                }
                Ok(_) => {
                    assert!(
                        std::fs::read(&out).unwrap() == good,
                        "byte {at}: a changed value passed"
                    );
                    same += 1;
                }
            }
        }
        assert!(
            refused > bytes.len() / 2,
            "{refused} refused, {same} harmless"
        );
        eprintln!(
            "{} bytes: {refused} flips refused, {same} harmless",
            bytes.len()
        );
        // The message for a changed value.
        let mut bad = bytes.clone();
        let x = typed_row(150)[0].to_le_bytes();
        let at = bytes.windows(8).position(|w| w == x).unwrap();
        bad[at] ^= 1;
        std::fs::write(&b, &bad).unwrap();
        let e = merge(&[a.clone(), b.clone()], &out)
            .unwrap_err()
            .to_string();
        assert!(
            e.starts_with(&format!(
                "{} is damaged: its content does not match the hash in its metadata",
                b.display()
            )),
            "{e}"
        );
        // discover --from-results reads through the same check.
        assert!(read_all(&b).unwrap_err().to_string().contains("is damaged"));
    }

    /// Writes shards `ks` of `n` of `total` runs; returns their paths.
    fn shards(dir: &Path, format: Format, total: u64, n: u64, ks: &[u64]) -> Vec<PathBuf> {
        ks.iter()
            .map(|&k| {
                let p = dir.join(format!("s{k}.{}", ext(format)));
                write(&p, format, total, shard_runs(k, n, total), ROW_GROUP_RUNS);
                p
            })
            .collect()
    }

    #[test]
    fn gaps_are_refused() {
        for format in [Format::Csv, Format::Parquet] {
            let dir = tempfile::tempdir().unwrap();
            let out = dir.path().join("out");
            // Shard 3 of 4 (runs 500..749) is missing.
            let parts = shards(dir.path(), format, 1_000, 4, &[4, 1, 2]);
            assert_eq!(
                merge(&parts, &out).unwrap_err().to_string(),
                "runs 500..749 are missing (no input holds them)"
            );
            // The first shard is missing.
            let parts = shards(dir.path(), format, 1_000, 4, &[2, 3, 4]);
            assert_eq!(
                merge(&parts, &out).unwrap_err().to_string(),
                "runs 0..249 are missing (no input holds them)"
            );
            // The last shard is missing: Parquet knows R, CSV cannot tell.
            let parts = shards(dir.path(), format, 1_000, 4, &[1, 2, 3]);
            match format {
                Format::Parquet => assert_eq!(
                    merge(&parts, &out).unwrap_err().to_string(),
                    "runs 750..999 are missing (no input holds them)"
                ),
                Format::Csv => assert_eq!(merge(&parts, &out).unwrap().runs, 750),
            }
            // A single missing run.
            let a = dir.path().join(format!("a.{}", ext(format)));
            let b = dir.path().join(format!("b.{}", ext(format)));
            write(&a, format, 10, 0..4, ROW_GROUP_RUNS);
            write(&b, format, 10, 5..10, ROW_GROUP_RUNS);
            assert_eq!(
                merge(&[b, a], &out).unwrap_err().to_string(),
                "run 4 is missing (no input holds it)"
            );
        }
    }

    #[test]
    fn overlaps_are_refused() {
        for format in [Format::Csv, Format::Parquet] {
            let dir = tempfile::tempdir().unwrap();
            let out = dir.path().join("out");
            let e = ext(format);
            let a = dir.path().join(format!("a.{e}"));
            let b = dir.path().join(format!("b.{e}"));
            let c = dir.path().join(format!("c.{e}"));
            write(&a, format, 1_000, 0..313, ROW_GROUP_RUNS);
            write(&b, format, 1_000, 312..700, ROW_GROUP_RUNS);
            write(&c, format, 1_000, 700..1_000, ROW_GROUP_RUNS);
            let err = merge(&[c.clone(), b.clone(), a.clone()], &out)
                .unwrap_err()
                .to_string();
            assert_eq!(
                err,
                format!(
                    "run 312 appears in both {} and {}",
                    a.display(),
                    b.display()
                )
            );
            // The same shard given twice.
            let err = merge(&[a.clone(), c.clone(), b.clone(), c.clone()], &out)
                .unwrap_err()
                .to_string();
            assert!(err.starts_with("run 312 appears in both"), "{err}");
            let err = merge(&[b.clone(), c.clone(), c.clone()], &out);
            assert_eq!(
                err.unwrap_err().to_string(),
                "runs 0..311 are missing (no input holds them)"
            );
        }
        // A duplicate inside one file (only a hand-made CSV can hold one).
        let dir = tempfile::tempdir().unwrap();
        let a = dir.path().join("a.csv");
        std::fs::write(&a, "run,x\n0,1\n1,2\n1,3\n2,4\n").unwrap();
        assert_eq!(
            merge(std::slice::from_ref(&a), &dir.path().join("out"))
                .unwrap_err()
                .to_string(),
            format!("run 1 appears twice in {}", a.display())
        );
    }

    #[test]
    fn different_headers_and_metadata_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("out");
        for format in [Format::Csv, Format::Parquet] {
            let e = ext(format);
            let a = dir.path().join(format!("a.{e}"));
            let b = dir.path().join(format!("b.{e}"));
            write(&a, format, 10, 0..5, ROW_GROUP_RUNS);
            let other =
                ["russia.cost_growth", "territory.outcome", "ceasefire_day"].map(String::from);
            let mut w = ResultsWriter::create(&b, format, &other, &meta(10)).unwrap();
            for run in 5..10 {
                w.write_row(run, &row(run)).unwrap();
            }
            w.finish().unwrap();
            let err = merge(&[a.clone(), b.clone()], &out)
                .unwrap_err()
                .to_string();
            assert!(
                err.contains("different columns") && err.contains("column 4 is `ceasefire_day`"),
                "{err}"
            );
            let fewer = ["russia.cost_growth", "territory.outcome"].map(String::from);
            let mut w = ResultsWriter::create(&b, format, &fewer, &meta(10)).unwrap();
            w.write_row(5, &[1.0, 2.0]).unwrap();
            w.finish().unwrap();
            let err = merge(&[a.clone(), b.clone()], &out)
                .unwrap_err()
                .to_string();
            assert!(err.contains("has 3 columns"), "{err}");
        }
        // Parquet shards of another exploration.
        let a = dir.path().join("a.parquet");
        let b = dir.path().join("b.parquet");
        let mut other = meta(10);
        other.seed = 7;
        let mut w = ResultsWriter::create(&b, Format::Parquet, &names(), &other).unwrap();
        for run in 5..10 {
            w.write_row(run, &row(run)).unwrap();
        }
        w.finish().unwrap();
        let err = merge(&[a, b], &out).unwrap_err().to_string();
        assert!(err.contains("detente.seed is `7`"), "{err}");
        // Mixed formats.
        let err = merge(
            &[dir.path().join("a.csv"), dir.path().join("a.parquet")],
            &out,
        )
        .unwrap_err()
        .to_string();
        assert!(err.contains("merge files of one format"), "{err}");
    }

    #[test]
    fn unknown_extensions_are_refused() {
        assert_eq!(Format::from_path(Path::new("r.csv")).unwrap(), Format::Csv);
        assert_eq!(
            Format::from_path(Path::new("r.PARQUET")).unwrap(),
            Format::Parquet
        );
        assert_eq!(
            Format::from_path(Path::new("r.xlsx"))
                .unwrap_err()
                .to_string(),
            "r.xlsx: unknown results format `.xlsx`; use a file name ending in .csv or .parquet"
        );
        assert!(Format::from_path(Path::new("results")).is_err());
        let err = merge(&[PathBuf::from("a.tsv")], Path::new("out"))
            .unwrap_err()
            .to_string();
        assert!(err.contains("`.tsv`"), "{err}");
        assert_eq!(
            merge(&[], Path::new("out")).unwrap_err().to_string(),
            "no files to merge"
        );
    }

    #[test]
    fn writer_refuses_bad_rows_and_columns() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("w.csv");
        let mut w = ResultsWriter::create(&path, Format::Csv, &names(), &meta(9)).unwrap();
        w.write_row(3, &row(3)).unwrap();
        assert!(
            w.write_row(3, &row(3))
                .unwrap_err()
                .to_string()
                .contains("increasing order")
        );
        assert!(
            w.write_row(4, &[1.0])
                .unwrap_err()
                .to_string()
                .contains("1 values for 3 columns")
        );
        let bad = ["x", "run"].map(String::from);
        assert!(ResultsWriter::create(&path, Format::Csv, &bad, &meta(9)).is_err());
        let bad = ["x", "x"].map(String::from);
        assert!(ResultsWriter::create(&path, Format::Parquet, &bad, &meta(9)).is_err());
    }

    #[test]
    fn shard_slices_cover_the_runs() {
        assert_eq!(shard_runs(1, 3, 1_000), 0..333);
        assert_eq!(shard_runs(2, 3, 1_000), 333..666);
        assert_eq!(shard_runs(3, 3, 1_000), 666..1_000);
        assert_eq!(shard_runs(1, 7, 3), 0..0);
        assert_eq!(shard_runs(7, 7, 3), 2..3);
        assert_eq!(shard_runs(2, 2, u64::MAX), u64::MAX / 2..u64::MAX);
    }

    /// Throughput of the writers: `cargo test -p detente-cli --release -- --ignored
    /// write_speed` and time it (1,000,000 rows of 10 columns per format).
    #[test]
    #[ignore]
    fn write_speed_csv() {
        write_speed(Format::Csv);
    }

    #[test]
    #[ignore]
    fn write_speed_parquet() {
        write_speed(Format::Parquet);
    }

    fn write_speed(format: Format) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(format!("speed.{}", ext(format)));
        let columns: Vec<String> = (0..10).map(|i| format!("c{i}")).collect();
        let runs = 1_000_000;
        let mut w = ResultsWriter::create(&path, format, &columns, &meta(runs)).unwrap();
        let mut values = [0.0; 10];
        for run in 0..runs {
            for (i, v) in values.iter_mut().enumerate() {
                let r = row(run * 10 + i as u64);
                *v = r[0] + r[1];
            }
            w.write_row(run, &values).unwrap();
        }
        w.finish().unwrap();
    }
}
