//! The models, behind one trait.
//!
//! A [`Model`] turns a validated [`Scenario`] into an outcome per issue and, for dynamic
//! models, a trajectory of rounds. Static models solve each issue on its own from the
//! actors' [`Stake`]s; the [`PerIssue`] trait and its blanket impl save them the plumbing.

mod compromise;
mod eum;
mod exchange;
mod median;
mod nash;
pub mod smp;
pub mod war;

use serde::Serialize;

use crate::scenario::{Scenario, Stake};

pub use crate::stats::num;
pub use crate::stats::{weighted_mean, weighted_median};
pub use compromise::Compromise;
pub use eum::Eum;
pub use exchange::Exchange;
pub use median::Median;
pub use nash::{Nash, nash_bargaining};
pub use smp::Smp;
pub use war::WarModel;

/// What a model is, for `detente models` and the output.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct ModelInfo {
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
    pub seed: u64,
}

/// A model's answer.
#[derive(Debug, Clone, PartialEq)]
pub struct RunResult {
    /// The outcome on each issue, in the scenario's issue order, on the issue's own scale;
    /// `None` where the model settles nothing (a war still going on, an issue with no status quo).
    pub outcomes: Vec<Option<f64>>,
    /// Per-round trajectory of the stakeholder models; empty for static models.
    pub rounds: Vec<Round>,
    /// Remarks a reader should see.
    pub notes: Vec<String>,
    /// The war model's trace and findings.
    pub war: Option<war::WarResult>,
}

/// One round of a dynamic stakeholder model.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Round {
    pub round: u32,
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
    pub issue: String,
    pub from: f64,
    pub to: f64,
    /// Model-specific: `conflict`, `compromise`, `capitulation` (eum), `exchange`.
    pub kind: String,
    /// The other actor involved: the challenger, or the exchange partner.
    pub counterpart: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RoundIssue {
    pub id: String,
    pub median: f64,
    pub mean: f64,
    /// Position per actor id.
    pub positions: std::collections::BTreeMap<String, f64>,
}

/// Why a model cannot run on a scenario.
#[derive(Debug, Clone, PartialEq)]
pub struct ModelError {
    pub message: String,
    pub help: Option<String>,
}

impl std::fmt::Display for ModelError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for ModelError {}

/// Every model implements this.
pub trait Model: Send + Sync {
    fn info(&self) -> &'static ModelInfo;
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
}

/// A static model that solves each issue from the stakes of the actors with a position on it.
pub trait PerIssue: Send + Sync {
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
            war: None,
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

/// Names of all models, for messages.
pub fn names() -> Vec<&'static str> {
    all().iter().map(|m| m.info().name).collect()
}
