//! What a run of a model records, declared by the model before any run, so that sweeps, the
//! report, the web page and the command line work from the declaration and never from the
//! model's name.

use serde::Serialize;

use crate::scenario::Scenario;

/// Whether a recorded value is a number or a yes/no event.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ColumnKind {
    /// Any number (NaN where the run has no value).
    Number,
    /// 1 when the event happened in the run, 0 when not; a results file stores it as a boolean.
    Flag,
}

/// What a run without a value counts as where "none" has a place on the column's scale: the
/// time of an event that had not come when the run ended is the horizon plus one
/// (right-censoring, as in survival analysis).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StandIn {
    /// The value that stands for "none".
    pub value: f64,
    /// Why, in words: "no ceasefire within the horizon: the horizon plus one".
    pub why: String,
}

/// One value each run records, in the order the model appends them.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Column {
    /// Column name in results files and conditions (`territory.outcome`, `ceasefire_month`).
    pub name: String,
    /// Number or yes/no.
    pub kind: ColumnKind,
    /// What it means, in one line for people.
    pub meaning: String,
    /// What "none" counts as, where the column can lack a value and one value means "none".
    pub none: Option<StandIn>,
}

impl Column {
    /// A number column that every run fills.
    pub fn number(name: impl Into<String>, meaning: impl Into<String>) -> Column {
        Column {
            name: name.into(),
            kind: ColumnKind::Number,
            meaning: meaning.into(),
            none: None,
        }
    }

    /// A yes/no column.
    pub fn flag(name: impl Into<String>, meaning: impl Into<String>) -> Column {
        Column {
            kind: ColumnKind::Flag,
            ..Column::number(name, meaning)
        }
    }
}

/// An event whose share of runs the sweep summaries report.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Event {
    /// How a person says it: "a ceasefire by month 12".
    pub words: String,
    /// The condition over the columns, in the language of `discover --where`.
    pub condition: String,
}

/// The output a user compares policies on by default, and which way is better.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Objective {
    /// A column name of [`Outputs::columns`].
    pub column: String,
    /// Whether more is better.
    pub maximize: bool,
}

/// Everything a run of a model records, and what a user asks of it by default.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Outputs {
    /// The recorded values, in the order [`super::Model::record`] appends them.
    pub columns: Vec<Column>,
    /// Events the sweep summaries count, in this order.
    pub events: Vec<Event>,
    /// The event scenario discovery explains, and a tornado measures, when the user names
    /// none; without one, each issue's outcome is asked about.
    pub question: Option<Event>,
    /// A run is one path of the model's dice, not a central forecast: summaries of a point
    /// average over seeds, and a single run's outcome is not shown as the forecast.
    pub paths: bool,
    /// What `compare` measures regret on when the user names nothing.
    pub objective: Option<Objective>,
}

impl Outputs {
    /// The outcome on each issue, as every model records it first.
    pub fn outcomes(sc: &Scenario) -> Outputs {
        Outputs {
            columns: sc
                .issues
                .iter()
                .map(|i| {
                    Column::number(
                        format!("{}.outcome", i.id),
                        format!(
                            "outcome on `{}`, on its {}..{} scale",
                            i.id,
                            crate::param::fmt_num(i.scale.lo),
                            crate::param::fmt_num(i.scale.hi)
                        ),
                    )
                })
                .collect(),
            events: Vec::new(),
            question: None,
            paths: false,
            objective: None,
        }
    }

    /// The column names, in order.
    pub fn names(&self) -> Vec<String> {
        self.columns.iter().map(|c| c.name.clone()).collect()
    }

    /// The column of this name.
    pub fn column(&self, name: &str) -> Option<&Column> {
        self.columns.iter().find(|c| c.name == name)
    }
}
