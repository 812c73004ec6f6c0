//! One run, end to end, and its output document (`--format json`, see `docs/output.md`).

use std::collections::BTreeMap;

use serde::Serialize;

use crate::bloc::bloc_stance;
use crate::cancel::{self, Stop};
use crate::model::{Detail, Json, Model, ModelError, Round, RunOptions};
use crate::scenario::{Scenario, UnknownPolicy};

/// The result of `detente run`, as the JSON output shows it.
#[derive(Debug, Clone, Serialize)]
pub struct RunOutput {
    /// `[scenario].name`, or the file name without extension.
    pub scenario: String,
    /// The model that ran.
    pub model: String,
    /// The seed given (`--seed`, 0 by default); static models do not use it.
    pub seed: u64,
    /// The policy applied, if any.
    pub policy: Option<String>,
    /// One entry per issue, in file order.
    pub issues: Vec<IssueOutput>,
    /// The trajectory of a dynamic model, round by round; empty for static models.
    pub rounds: Vec<RoundOutput>,
    /// The model's findings under its own key (`war`), for a model that has a
    /// [`Detail`]; nothing for the others.
    #[serde(flatten)]
    pub details: BTreeMap<String, Json>,
    /// The model's account of the run, for front ends that show it to people.
    #[serde(skip)]
    pub detail: Option<Detail>,
    /// Each bloc's position on each issue, in file order.
    pub blocs: Vec<BlocOutput>,
    /// Uncertain numbers and the central value this run used for each.
    pub central_values: Vec<CentralValue>,
    /// Remarks a reader should see (dated shocks a static model ignored, uncertain numbers).
    pub notes: Vec<String>,
}

/// The outcome on one issue.
#[derive(Debug, Clone, Serialize)]
pub struct IssueOutput {
    /// The issue's id.
    pub id: String,
    /// The issue's name.
    pub name: Option<String>,
    /// The model's outcome on the issue's scale; `None` where the war model settles nothing.
    pub outcome: Option<f64>,
    /// The issue's scale, low and high.
    pub scale: [f64; 2],
    /// The status quo used (its central value if uncertain).
    pub status_quo: Option<f64>,
    /// The observed outcome, when the scenario records one.
    pub observed: Option<f64>,
}

/// A bloc's voice on every issue.
#[derive(Debug, Clone, Serialize)]
pub struct BlocOutput {
    /// The bloc's id.
    pub id: String,
    /// Its rule's name (`consensus`).
    pub rule: String,
    /// One entry per issue, in file order.
    pub issues: Vec<BlocIssueOutput>,
}

/// A bloc's voice on one issue.
#[derive(Debug, Clone, Serialize)]
pub struct BlocIssueOutput {
    /// The issue's id.
    pub id: String,
    /// Its position on the issue's scale; `None` when no member takes one, or a `unanimity`
    /// bloc's issue has no status quo.
    pub position: Option<f64>,
    /// Weighted standard deviation of the members' positions (0 = one voice).
    pub spread: f64,
    /// How many members take a position.
    pub members: usize,
}

/// An uncertain number and the value a plain run used for it.
#[derive(Debug, Clone, Serialize)]
pub struct CentralValue {
    /// The field's path (`ukraine.capability`).
    pub field: String,
    /// The distribution as written (`triangular(30, 40, 60)`).
    pub distribution: String,
    /// Its central value, the one this run used.
    pub value: f64,
}

/// Why a run could not be made.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum RunError {
    /// The policy named is not the scenario's.
    #[error(transparent)]
    UnknownPolicy(UnknownPolicy),
    /// The model refused the scenario.
    #[error(transparent)]
    Model(ModelError),
    /// The thread's [`crate::cancel`] token stopped the run before it ended.
    #[error(transparent)]
    Stopped(Stop),
}

impl RunError {
    /// What to do about it, where there is something to say.
    pub fn help(&self) -> Option<String> {
        match self {
            RunError::UnknownPolicy(e) => Some(e.help()),
            RunError::Model(e) => e.help.clone(),
            RunError::Stopped(_) => None,
        }
    }
}

/// Runs `model` on `scenario`, with a policy applied if one is named.
///
/// `name` is what the output calls the scenario when its file gives no name.
pub fn run(
    scenario: &Scenario,
    name: &str,
    model: &dyn Model,
    policy: Option<&str>,
    opts: &RunOptions,
) -> Result<RunOutput, RunError> {
    let base = scenario
        .apply_policy(policy)
        .map_err(RunError::UnknownPolicy)?;
    let sc = base.at_start();
    let result = model.run(&sc, opts).map_err(|e| match cancel::check() {
        Err(s) => RunError::Stopped(s),
        Ok(()) => RunError::Model(e),
    })?;
    let info = model.info();

    let detail = model
        .detail(&sc, &result, opts)
        .map_err(RunError::Stopped)?;
    let mut notes = result.notes;
    if !info.dynamic && !sc.shocks.is_empty() {
        notes.push(format!(
            "{} dated shock(s) have no effect: `{}` is a static model and sees the scenario at its start",
            sc.shocks.len(),
            info.name
        ));
    }
    let central_values: Vec<CentralValue> = sc
        .uncertain()
        .into_iter()
        .map(|(field, p)| CentralValue {
            field,
            distribution: p.dist().map(|d| d.to_string()).unwrap_or_default(),
            value: p.value(),
        })
        .collect();
    if !central_values.is_empty() {
        notes.push(format!(
            "{} number(s) are uncertain; this run uses their central values (the mean, or the mode for a \
             triangular distribution)",
            central_values.len()
        ));
    }

    let issues = sc
        .issues
        .iter()
        .zip(&result.outcomes)
        .map(|(i, &outcome)| IssueOutput {
            id: i.id.clone(),
            name: i.name.clone(),
            outcome,
            scale: [i.scale.lo, i.scale.hi],
            status_quo: i.status_quo.map(|p| p.value()),
            observed: i.observed,
        })
        .collect();
    let blocs = (0..sc.blocs.len())
        .map(|b| BlocOutput {
            id: sc.blocs[b].id.clone(),
            rule: sc.blocs[b].rule.name().to_string(),
            issues: (0..sc.issues.len())
                .map(|k| {
                    let st = bloc_stance(&sc, b, k);
                    BlocIssueOutput {
                        id: sc.issues[k].id.clone(),
                        position: st.position,
                        spread: st.spread,
                        members: st.members,
                    }
                })
                .collect(),
        })
        .collect();
    let mut rounds: Vec<RoundOutput> = result
        .rounds
        .into_iter()
        .map(RoundOutput::Stakeholder)
        .collect();
    let mut details = BTreeMap::new();
    if let Some(d) = &detail {
        notes.extend(d.summary.iter().cloned());
        rounds.extend(d.rounds.iter().cloned().map(RoundOutput::Model));
        details.insert(d.key.to_string(), d.json.clone());
    }
    Ok(RunOutput {
        scenario: sc.meta.name.clone().unwrap_or_else(|| name.to_string()),
        model: info.name.to_string(),
        seed: opts.seed,
        policy: policy.map(str::to_string),
        issues,
        rounds,
        details,
        detail,
        blocs,
        central_values,
        notes,
    })
}

/// One element of `rounds`: a stakeholder model's round, or a round as a model's
/// [`Detail`] gives it.
#[derive(Debug, Clone, Serialize)]
#[serde(untagged)]
pub enum RoundOutput {
    /// A round of a stakeholder model.
    Stakeholder(Round),
    /// A round of a model with its own kind of rounds.
    Model(Json),
}
