//! A model's own account of one run, as data every front end can show without knowing the
//! model: sentences, a caption, a table of rounds, the JSON the output document carries under
//! the model's key, and typed data that only the model's own module reads.

use std::any::Any;
use std::sync::Arc;

/// One cell of a table for people: the core says what it holds, each front end draws it.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    /// Words, drawn left-aligned.
    Text(String),
    /// A number with this many decimals; `signed` draws a plus sign before positive values.
    Number {
        /// The value.
        value: f64,
        /// Decimals shown.
        decimals: u8,
        /// Whether a positive value gets a `+`.
        signed: bool,
    },
    /// A share, written as a percentage.
    Percent(f64),
    /// A number written with four significant digits.
    Value(f64),
    /// No value.
    Missing,
    /// A range `low..high`, or the word `empty` when low exceeds high.
    Range {
        /// Low end.
        low: f64,
        /// High end.
        high: f64,
        /// Decimals shown.
        decimals: u8,
    },
}

impl Cell {
    /// A number with `decimals` decimals.
    pub fn num(value: f64, decimals: u8) -> Cell {
        Cell::Number {
            value,
            decimals,
            signed: false,
        }
    }
}

/// A table for people, as data.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Table {
    /// A line above the table saying what it shows.
    pub title: String,
    /// Column headings.
    pub header: Vec<String>,
    /// Rows of cells, as many as the header has columns.
    pub rows: Vec<Vec<Cell>>,
}

/// A value a model hands to the run's JSON document, serialised with its own field order.
#[derive(Clone)]
pub struct Json(pub Arc<dyn erased_serde::Serialize + Send + Sync>);

impl Json {
    /// Wraps any serialisable value.
    pub fn new<T: serde::Serialize + Send + Sync + 'static>(value: T) -> Json {
        Json(Arc::new(value))
    }
}

impl serde::Serialize for Json {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        erased_serde::serialize(&*self.0, s)
    }
}

impl std::fmt::Debug for Json {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Json(..)")
    }
}

/// What a model says about one run beyond the outcome per issue.
#[derive(Debug, Clone)]
pub struct Detail {
    /// The key the run's JSON document carries [`json`](Self::json) under (`war`).
    pub key: &'static str,
    /// The model's findings, for programs (documented in `docs/output.md`).
    pub json: Json,
    /// The model's rounds, appended to the document's `rounds`.
    pub rounds: Vec<Json>,
    /// Sentences for a person, shown first; they are also the run's first notes.
    pub summary: Vec<String>,
    /// A line shown above the outcome table, saying what the outcomes are.
    pub caption: Option<String>,
    /// What a reader should keep in mind about the forecast of one run.
    pub caveat: Option<String>,
    /// The round-by-round table of `--trace`.
    pub trace: Option<Table>,
    /// Sections of the report about this run.
    pub sections: Vec<super::view::Section>,
    /// The model's typed findings, which only its own module reads.
    pub data: Arc<dyn Any + Send + Sync>,
}
