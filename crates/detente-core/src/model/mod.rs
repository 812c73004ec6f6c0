//! The models, behind one trait.
//!
//! A [`Model`] turns a validated [`Scenario`] into an outcome per issue and, for dynamic
//! models, a trajectory of rounds. Static models solve each issue on its own from the
//! actors' [`Stake`]s; the [`PerIssue`] trait and its blanket impl save them the plumbing.

mod compromise;
pub mod detail;
mod eum;
mod exchange;
mod median;
mod nash;
pub mod outputs;
pub mod smp;
pub mod view;
pub mod war;

use serde::Serialize;

use crate::scenario::{Scenario, Stake};

pub use crate::stats::num;
pub use crate::stats::{weighted_mean, weighted_median};
pub use compromise::Compromise;
pub use detail::{Cell, Detail, Json, Table};
pub use eum::Eum;
pub use exchange::Exchange;
pub use median::Median;
pub use nash::{Nash, nash_bargaining};
pub use outputs::{Column, ColumnKind, Event, Objective, Outputs, StandIn};
pub use smp::Smp;
pub use war::WarModel;

/// What a model is, for `detente models` and the output.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct ModelInfo {
    /// The name `--model` takes and the output shows (`eum`).
    pub name: &'static str,
    /// One line: what the model computes.
    pub summary: &'static str,
    /// The published source, author and year.
    pub source: &'static str,
    /// Whether the model runs over rounds (and so reads dated shocks).
    pub dynamic: bool,
}

/// Options of one run.
#[derive(Debug, Clone, Copy, Default)]
pub struct RunOptions {
    /// The master seed of the run's random draws; deterministic models ignore it.
    pub seed: u64,
}

/// A model's answer.
#[derive(Debug, Clone)]
pub struct RunResult {
    /// The outcome on each issue, in the scenario's issue order, on the issue's own scale;
    /// `None` where the model settles nothing (a war still going on, an issue with no status quo).
    pub outcomes: Vec<Option<f64>>,
    /// Per-round trajectory of the stakeholder models; empty for static models.
    pub rounds: Vec<Round>,
    /// Remarks a reader should see.
    pub notes: Vec<String>,
    /// The model's own record of the run, which only its module reads (see [`Model::detail`]).
    pub extra: Option<std::sync::Arc<dyn std::any::Any + Send + Sync>>,
}

/// One round of a dynamic stakeholder model.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Round {
    /// 0 for the start, k for the state after k rounds.
    pub round: u32,
    /// The state of each issue, in the scenario's issue order.
    pub issues: Vec<RoundIssue>,
    /// The moves made in the round: who moved where, and why.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub moves: Vec<Move>,
}

/// One actor's move on one issue in a round, e.g. a capitulation to a challenger (`eum`) or its
/// half of an exchange (`exchange`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Move {
    /// The actor that moves.
    pub actor: String,
    /// The issue's id.
    pub issue: String,
    /// The position before the move, on the issue's scale.
    pub from: f64,
    /// The position after it.
    pub to: f64,
    /// Model-specific: `conflict`, `compromise`, `capitulation` (eum), `exchange`.
    pub kind: String,
    /// The other actor involved: the challenger, or the exchange partner.
    pub counterpart: Option<String>,
}

/// One issue's state in a round.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RoundIssue {
    /// The issue's id.
    pub id: String,
    /// The weighted median of the actors' positions, on the issue's scale.
    pub median: f64,
    /// The weighted mean of the actors' positions, on the issue's scale.
    pub mean: f64,
    /// Position per actor id.
    pub positions: std::collections::BTreeMap<String, f64>,
}

/// Why a model cannot run on a scenario.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{message}")]
pub struct ModelError {
    /// What is wrong, in one sentence.
    pub message: String,
    /// What to do about it, where there is something to say.
    pub help: Option<String>,
}

/// Every model implements this.
pub trait Model: Send + Sync {
    /// Its name, summary, source and whether it is dynamic.
    fn info(&self) -> &'static ModelInfo;
    /// Runs on a scenario whose `at = 0` shocks are applied (see [`crate::output::run`]).
    fn run(&self, scenario: &Scenario, opts: &RunOptions) -> Result<RunResult, ModelError>;

    /// Appends `run`'s outcomes to `out`, NaN for `None`, bit for bit. Sweeps read nothing else
    /// of most runs, so a model may override this to skip building the rounds and notes.
    fn outcomes(
        &self,
        scenario: &Scenario,
        opts: &RunOptions,
        out: &mut Vec<f64>,
    ) -> Result<(), ModelError> {
        let r = self.run(scenario, opts)?;
        out.extend(r.outcomes.iter().map(|o| o.unwrap_or(f64::NAN)));
        Ok(())
    }

    /// What a run records and what a user asks of it by default. The outcome per issue comes
    /// first for every model; a model that records more declares it here.
    fn outputs(&self, scenario: &Scenario) -> Outputs {
        Outputs::outcomes(scenario)
    }

    /// Appends one run's values of [`outputs`](Self::outputs)' columns, in order, NaN where the
    /// run has none. By default the outcomes alone.
    fn record(
        &self,
        scenario: &Scenario,
        opts: &RunOptions,
        out: &mut Vec<f64>,
    ) -> Result<(), ModelError> {
        self.outcomes(scenario, opts, out)
    }

    /// The model's account of a run made by [`run`](Self::run), for a person and a program;
    /// `None` for a model whose outcomes say everything. May run the model more (the war
    /// model adds an ensemble over seeds); stops when the thread's [`crate::cancel`] token does.
    fn detail(
        &self,
        _scenario: &Scenario,
        _result: &RunResult,
        _opts: &RunOptions,
    ) -> Result<Option<Detail>, crate::cancel::Stop> {
        Ok(None)
    }

    /// The report's comparison of policies, where the model has its own (the war model's
    /// endings); `None` compares the outcome on each issue.
    fn compare_view(
        &self,
        _scenario: &Scenario,
        _cmp: &view::Comparison,
    ) -> Option<Vec<view::Block>> {
        None
    }

    /// What the report shows of the baseline's sampled futures before the distribution of
    /// each column (the war model: how the war ends).
    fn futures_view(&self, _scenario: &Scenario, _futures: &view::Futures) -> Vec<view::Block> {
        Vec::new()
    }

    /// Whether a scenario that names no model should run this one: a scenario written for this
    /// model (with its own section) says so. [`choose`] asks every model in [`all`]'s order.
    fn is_default_for(&self, _scenario: &Scenario) -> bool {
        false
    }
}

/// A static model that solves each issue from the stakes of the actors with a position on it.
pub trait PerIssue: Send + Sync {
    /// Its name, summary, source and whether it is dynamic.
    fn info(&self) -> &'static ModelInfo;
    /// `stakes` is never empty and has positive total weight (validation guarantees it).
    fn solve(&self, scenario: &Scenario, issue: usize, stakes: &[Stake])
    -> Result<f64, ModelError>;
}

impl<T: PerIssue> Model for T {
    fn info(&self) -> &'static ModelInfo {
        PerIssue::info(self)
    }

    fn run(&self, scenario: &Scenario, _opts: &RunOptions) -> Result<RunResult, ModelError> {
        let outcomes = (0..scenario.issues.len())
            .map(|k| self.solve(scenario, k, &scenario.stakes(k)).map(Some))
            .collect::<Result<_, _>>()?;
        Ok(RunResult {
            outcomes,
            rounds: Vec::new(),
            notes: Vec::new(),
            extra: None,
        })
    }

    fn outcomes(
        &self,
        scenario: &Scenario,
        _opts: &RunOptions,
        out: &mut Vec<f64>,
    ) -> Result<(), ModelError> {
        let start = out.len();
        for k in 0..scenario.issues.len() {
            match self.solve(scenario, k, &scenario.stakes(k)) {
                Ok(x) => out.push(x),
                Err(e) => {
                    out.truncate(start);
                    return Err(e);
                }
            }
        }
        Ok(())
    }
}

/// Each stake's weight, capability x salience, all times one power of two (see
/// [`num::weights`]): the static models read only their ratios.
pub fn stake_weights(stakes: &[Stake]) -> Vec<f64> {
    let mut w = Vec::with_capacity(stakes.len());
    num::weights(stakes.iter().map(|s| (s.capability, s.salience)), &mut w);
    w
}

/// All models, in the order `detente models` lists them.
pub fn all() -> &'static [&'static dyn Model] {
    &[
        &Compromise,
        &Median,
        &Nash,
        &WarModel,
        &Exchange,
        &Eum,
        &Smp,
    ]
}

/// The model with this name.
pub fn by_name(name: &str) -> Option<&'static dyn Model> {
    all().iter().copied().find(|m| m.info().name == name)
}

/// The model a run of `scenario` uses: the one named, else the first whose
/// [`Model::is_default_for`] claims the scenario, else `compromise`. The one place that rule
/// lives; a wrong name gets the one diagnostic every front end shows.
pub fn choose(scenario: &Scenario, name: Option<&str>) -> Result<&'static dyn Model, UnknownModel> {
    match name {
        Some(n) => by_name(n).ok_or_else(|| UnknownModel {
            name: n.to_string(),
        }),
        None => Ok(all()
            .iter()
            .copied()
            .find(|m| m.is_default_for(scenario))
            .unwrap_or(&Compromise)),
    }
}

/// A model name that no model has.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown model `{name}`")]
pub struct UnknownModel {
    /// The name given.
    pub name: String,
}

impl UnknownModel {
    /// What to do about it.
    pub fn help(&self) -> String {
        let names = names();
        match crate::diag::suggest(&self.name, names.iter().copied()) {
            Some(s) => format!(
                "did you mean `{s}`? The models are {}",
                crate::diag::list(&names)
            ),
            None => format!(
                "the models are {} (`detente models` describes them)",
                crate::diag::list(&names)
            ),
        }
    }
}

/// Names of all models, for messages.
pub fn names() -> Vec<&'static str> {
    all().iter().map(|m| m.info().name).collect()
}
