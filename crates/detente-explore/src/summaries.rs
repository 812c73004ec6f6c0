//! What the sweeps report, as typed values: `explore`'s column summaries and events,
//! `sensitivity`'s indices and `discover`'s boxes (`compare`'s are in [`crate::compare`]).
//!
//! Each serialises to the JSON a sweep prints with `--format json` and keeps in its run record.
//! The command line prints them through `serde_json::Value`, whose maps sort their keys, so
//! the order of the fields here is free.

use serde::Serialize;

use crate::explore::Plan;
use crate::prim::PrimBox;
use crate::sensitivity::{MorrisIndices, SobolIndices};
use crate::summary::{Column, QUANTILES, Stats};

/// Whether a row shows an event; `None` if the row cannot tell.
type Test = Box<dyn Fn(&[f64]) -> Option<bool> + Send>;

/// An event of interest: its words, whether a row shows it, and counts.
struct Tally {
    event: String,
    test: Test,
    yes: u64,
    n: u64,
}

/// Streaming summary of every column of an exploration and of the events of interest; memory
/// does not grow with the runs.
pub struct ExploreSummariser {
    names: Vec<String>,
    inputs: usize,
    columns: Vec<Column>,
    events: Vec<Tally>,
}

impl ExploreSummariser {
    /// A summary of the columns `names` (the plan's inputs, then its outputs).
    pub fn new(plan: &Plan, names: Vec<String>) -> ExploreSummariser {
        let inputs = plan.inputs().len();
        let mut events: Vec<Tally> = Vec::new();
        let mut event = |event: String, test: Test| {
            events.push(Tally {
                event,
                test,
                yes: 0,
                n: 0,
            });
        };
        // The events the model declares, read as conditions over the columns; one that
        // names a column this exploration lacks is left out.
        let refs: Vec<&str> = names.iter().map(String::as_str).collect();
        for e in plan.model.outputs(&plan.scenario).events {
            if let Ok(cond) = crate::expr::parse(&e.condition, &refs) {
                event(e.words, Box::new(move |r: &[f64]| Some(cond.eval(r))));
            }
        }
        ExploreSummariser {
            columns: vec![Column::default(); names.len()],
            names,
            inputs,
            events,
        }
    }

    /// Adds one run's row.
    pub fn push(&mut self, row: &[f64]) {
        for (c, &x) in self.columns.iter_mut().zip(row) {
            c.push(x);
        }
        for t in &mut self.events {
            if let Some(b) = (t.test)(row) {
                t.n += 1;
                t.yes += u64::from(b);
            }
        }
    }

    /// The summary so far (sorting each column's exact values: done once per report).
    pub fn summary(&self, run: ExploreRun) -> ExploreSummary {
        let columns = self
            .names
            .iter()
            .zip(&self.columns)
            .enumerate()
            .map(|(k, (n, c))| ColumnSummary {
                name: n.clone(),
                input: k < self.inputs,
                stats: c.stats(),
            })
            .collect();
        let events = self
            .events
            .iter()
            .map(|t| Event {
                event: t.event.clone(),
                probability: if t.n > 0 {
                    t.yes as f64 / t.n as f64
                } else {
                    f64::NAN
                },
                runs: t.n,
                yes: t.yes,
            })
            .collect();
        ExploreSummary {
            quantiles: QUANTILES,
            columns,
            events,
            run,
        }
    }
}

/// What `explore` reports.
#[derive(Clone, Debug, Serialize)]
pub struct ExploreSummary {
    /// The probabilities of every column's quantiles.
    pub quantiles: [f64; 5],
    /// Every column, inputs first.
    pub columns: Vec<ColumnSummary>,
    /// The events of interest.
    pub events: Vec<Event>,
    /// What was run.
    pub run: ExploreRun,
}

/// One column of an exploration.
#[derive(Clone, Debug, Serialize)]
pub struct ColumnSummary {
    /// The column's name.
    pub name: String,
    /// Whether it is a sampled input (else a model output).
    pub input: bool,
    /// Its statistics.
    #[serde(flatten)]
    pub stats: Stats,
}

/// An event of interest and how often it came.
#[derive(Clone, Debug, Serialize)]
pub struct Event {
    /// In words, e.g. `a ceasefire by month 12`.
    pub event: String,
    /// The share of the runs that tell in which it came (NaN if none tell).
    pub probability: f64,
    /// The runs that tell.
    pub runs: u64,
    /// The runs in which it came.
    #[serde(skip)]
    pub yes: u64,
}

/// What an exploration ran.
#[derive(Clone, Debug, Serialize)]
pub struct ExploreRun {
    /// The scenario file, as given.
    pub scenario: String,
    /// The model.
    pub model: String,
    /// The policy, if one was applied.
    pub policy: Option<String>,
    /// The master seed.
    pub seed: u64,
    /// The runs of the whole exploration (every shard).
    pub runs: u64,
    /// The sampling design.
    pub design: String,
    /// The runs computed here, `[start, end)`.
    pub range: [u64; 2],
}

/// What `sensitivity` reports.
#[derive(Clone, Debug, Serialize)]
pub struct SensitivitySummary {
    /// The scenario file, as given.
    pub scenario: String,
    /// The model.
    pub model: String,
    /// `sobol` or `morris`.
    pub method: String,
    /// Base samples (Sobol) or trajectories (Morris).
    pub samples: usize,
    /// The seed.
    pub seed: u64,
    /// One entry per series analysed.
    pub results: Vec<SensitivityResult>,
}

/// The analysis of one output series.
#[derive(Clone, Debug, Serialize)]
#[serde(untagged)]
pub enum SensitivityResult {
    /// Sobol indices.
    Sobol {
        /// The series.
        output: String,
        /// The indices, per input.
        indices: SobolIndices,
        /// The inputs' names.
        inputs: Vec<String>,
    },
    /// Morris elementary effects.
    Morris {
        /// The series.
        output: String,
        /// The effects, per input.
        indices: MorrisIndices,
        /// The inputs' names.
        inputs: Vec<String>,
    },
    /// A series the analysis refused (say, one that does not vary).
    Refused {
        /// The series.
        output: String,
        /// Why.
        error: String,
    },
}

/// What `discover` reports.
#[derive(Clone, Debug, Serialize)]
pub struct DiscoverSummary {
    /// The scenario file, as given.
    pub scenario: String,
    /// The model.
    pub model: String,
    /// The condition, as written.
    #[serde(rename = "where")]
    pub condition: String,
    /// The runs searched.
    pub runs: u64,
    /// The runs where the condition holds.
    pub hits: usize,
    /// The seed.
    pub seed: u64,
    /// The boxes found, best first.
    pub boxes: Vec<DiscoveredBox>,
}

/// One box PRIM found.
#[derive(Clone, Debug, Serialize)]
pub struct DiscoveredBox {
    /// The box in words.
    pub description: String,
    /// The share of the hits inside the box.
    pub coverage: f64,
    /// The share of the runs inside the box that are hits.
    pub density: f64,
    /// The share of all runs inside the box.
    pub mass: f64,
    /// The restricted inputs.
    pub restricted: Vec<Restriction>,
    /// The peeling trajectory, (coverage, density) pairs.
    pub tradeoff: Vec<(f64, f64)>,
}

/// One input's bounds in a box; `None` where the box leaves that side open.
#[derive(Clone, Debug, Serialize)]
pub struct Restriction {
    /// The input.
    pub input: String,
    /// Its lower bound.
    pub low: Option<f64>,
    /// Its upper bound.
    pub high: Option<f64>,
}

impl DiscoveredBox {
    /// The box `b` over the inputs `names`, described for `condition`.
    pub fn new(b: &PrimBox, tradeoff: Vec<(f64, f64)>, names: &[&str], condition: &str) -> Self {
        DiscoveredBox {
            description: b.describe_as(names, condition),
            coverage: b.coverage,
            density: b.density,
            mass: b.mass,
            restricted: b
                .restricted
                .iter()
                .map(|&(c, low, high)| Restriction {
                    input: names[c].to_string(),
                    low,
                    high,
                })
                .collect(),
            tradeoff,
        }
    }
}
