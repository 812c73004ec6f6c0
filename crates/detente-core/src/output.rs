//! One run, end to end, and its output document (`--format json`, see `docs/output.md`).

use std::collections::BTreeMap;

use serde::Serialize;

use crate::bloc::bloc_stance;
use crate::cancel::{self, Stop};
use crate::model::war::{Ending, WarResult};
use crate::model::{Model, ModelError, Round, RunOptions};
use crate::scenario::{Scenario, UnknownPolicy};

/// The result of `detente run`, as the JSON output shows it.
#[derive(Debug, Clone, Serialize)]
pub struct RunOutput {
    pub scenario: String,
    pub model: String,
    pub seed: u64,
    pub policy: Option<String>,
    pub issues: Vec<IssueOutput>,
    pub rounds: Vec<RoundOutput>,
    /// The war model's findings; absent for the other models.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub war: Option<WarOutput>,
    pub blocs: Vec<BlocOutput>,
    /// Uncertain numbers and the central value this run used for each.
    pub central_values: Vec<CentralValue>,
    pub notes: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct IssueOutput {
    pub id: String,
    pub name: Option<String>,
    pub outcome: Option<f64>,
    pub scale: [f64; 2],
    pub status_quo: Option<f64>,
    pub observed: Option<f64>,
}

#[derive(Debug, Clone, Serialize)]
pub struct BlocOutput {
    pub id: String,
    pub rule: String,
    pub issues: Vec<BlocIssueOutput>,
}

#[derive(Debug, Clone, Serialize)]
pub struct BlocIssueOutput {
    pub id: String,
    pub position: Option<f64>,
    pub spread: f64,
    pub members: usize,
}

#[derive(Debug, Clone, Serialize)]
pub struct CentralValue {
    pub field: String,
    pub distribution: String,
    pub value: f64,
}

/// Why a run could not be made.
#[derive(Debug, Clone, PartialEq)]
pub enum RunError {
    /// The policy named is not the scenario's.
    UnknownPolicy(UnknownPolicy),
    /// The model refused the scenario.
    Model(ModelError),
    /// The thread's [`crate::cancel`] token stopped the run before it ended.
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

impl std::fmt::Display for RunError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            RunError::UnknownPolicy(e) => e.fmt(f),
            RunError::Model(e) => e.fmt(f),
            RunError::Stopped(s) => s.fmt(f),
        }
    }
}

impl std::error::Error for RunError {}

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
    let mut war = match result.war.as_ref() {
        Some(w) => {
            let mut out = war_output(&sc, w, opts.seed);
            // One run is one path of a random war; the ensemble says how typical it is.
            let e = crate::model::war::ensemble(&sc, opts.seed, ENSEMBLE_RUNS)
                .map_err(RunError::Stopped)?;
            out.summary.push(ensemble_sentence(&sc, &e));
            out.ensemble = Some(e);
            Some(out)
        }
        None => None,
    };
    let mut rounds: Vec<RoundOutput> = result
        .rounds
        .into_iter()
        .map(RoundOutput::Stakeholder)
        .collect();
    if let Some(w) = &mut war {
        notes.extend(w.summary.iter().cloned());
        // The timeline moves into `rounds`; the war summary keeps the rest.
        let timeline = std::mem::take(&mut w.timeline);
        rounds.extend(timeline.into_iter().map(|r| RoundOutput::War(Box::new(r))));
    }
    Ok(RunOutput {
        scenario: sc.meta.name.clone().unwrap_or_else(|| name.to_string()),
        model: info.name.to_string(),
        seed: opts.seed,
        policy: policy.map(str::to_string),
        issues,
        rounds,
        war,
        blocs,
        central_values,
        notes,
    })
}

/// Seeded runs behind the war model's ensemble summary.
pub const ENSEMBLE_RUNS: u64 = 1000;

fn ensemble_sentence(sc: &Scenario, e: &crate::model::war::Ensemble) -> String {
    let war = sc
        .war
        .as_ref()
        .expect("an ensemble comes from a scenario with a war");
    let name = |k: usize| sc.actors[war.belligerents[k]].display_name().to_string();
    let unit = sc.meta.time_unit.clone().unwrap_or_else(|| "round".into());
    let pct = |x: f64| format!("{:.0}%", 100.0 * x);
    let mut s = format!(
        "Across {} seeded runs (seeds {}..{}): a ceasefire within {} {unit}s in {}",
        e.runs,
        e.first_seed,
        e.first_seed + e.runs - 1,
        war.horizon,
        pct(e.ceasefire)
    );
    if let Some(r) = e.median_ceasefire_round {
        s.push_str(&format!(" (median {unit} {r}"));
        if let Some(x) = e.mean_share {
            s.push_str(&format!(
                ", {} gets {} of the stakes on average",
                name(0),
                pct(x)
            ));
        }
        s.push(')');
    }
    s.push_str(&format!(
        "; {} wins militarily in {}, {} in {}; still fighting in {}.",
        name(0),
        pct(e.victory[0]),
        name(1),
        pct(e.victory[1]),
        pct(e.ongoing)
    ));
    if let Some(r) = e.mean_renewal_60 {
        s.push_str(&format!(
            " After a ceasefire, renewed war within 60 {unit}s: {} on average.",
            pct(r)
        ));
    }
    s
}

/// One element of `rounds`: a stakeholder model's round or a round of war.
#[derive(Debug, Clone, Serialize)]
#[serde(untagged)]
pub enum RoundOutput {
    Stakeholder(Round),
    War(Box<WarRoundOutput>),
}

/// One round of war (see `docs/output.md`). Maps are keyed by the belligerents' ids.
#[derive(Debug, Clone, Serialize)]
pub struct WarRoundOutput {
    pub round: u32,
    pub front: u32,
    /// Each side's true chance of winning this round's battle.
    pub truth: BTreeMap<String, f64>,
    /// Each side's belief that it wins a battle.
    pub belief: BTreeMap<String, f64>,
    /// Belief minus truth.
    pub error: BTreeMap<String, f64>,
    /// Joint optimism: the two beliefs add to more than one by this much.
    pub gap: f64,
    /// Each side's value of fighting on (share of the stakes).
    pub value: BTreeMap<String, f64>,
    /// The forum's estimate of each side's value.
    pub public_value: BTreeMap<String, f64>,
    /// Bargaining range as A's share: [W_A, 1 - W_B]; empty when low > high.
    pub range: [f64; 2],
    pub range_width: f64,
    /// Proposal as A's share, and as a value on the stakes issue.
    pub proposal: f64,
    pub proposal_value: f64,
    pub accepted: BTreeMap<String, bool>,
    pub ceasefire: bool,
    /// Winner of this round's battle.
    pub battle: Option<String>,
    pub cost: BTreeMap<String, f64>,
    /// The interval others believe each side's cost per round lies in.
    pub cost_believed: BTreeMap<String, [f64; 2]>,
    pub channels_open: u32,
}

/// What the war model found, for a person and a program.
#[derive(Debug, Clone, Serialize)]
pub struct WarOutput {
    pub belligerents: [String; 2],
    pub stakes: String,
    /// `ceasefire`, `victory` or `ongoing` (neither within the horizon).
    pub ending: String,
    pub round: Option<u32>,
    pub victor: Option<String>,
    /// A's share of the stakes under the ceasefire.
    pub share: Option<f64>,
    /// Probability of renewed war within 12, 24 and 60 rounds of the ceasefire.
    pub renewed_war: BTreeMap<String, Option<f64>>,
    /// The terms' values on 0..1 that shape the peace.
    pub terms: BTreeMap<String, Option<f64>>,
    /// Which side's value of fighting on fell most between the first round and the last.
    pub moved: Option<Moved>,
    /// First round at which the bargaining range was not empty.
    pub range_opened: Option<u32>,
    pub misperception: Misperception,
    pub channels_opened: Vec<(String, u32)>,
    pub channels_refused: Vec<(String, u32)>,
    /// How typical this run is: endings over many seeds (see `ENSEMBLE_RUNS`).
    pub ensemble: Option<crate::model::war::Ensemble>,
    /// Sentences for a person; they also appear in `notes`.
    pub summary: Vec<String>,
    #[serde(skip)]
    pub timeline: Vec<WarRoundOutput>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Moved {
    pub side: String,
    pub value_first: f64,
    pub value_last: f64,
}

#[derive(Debug, Clone, Serialize)]
pub struct Misperception {
    pub gap_first: f64,
    pub gap_last: f64,
    pub mean_abs_gap: f64,
    pub error_first: BTreeMap<String, f64>,
    pub error_last: BTreeMap<String, f64>,
}

fn war_output(sc: &Scenario, w: &WarResult, seed: u64) -> WarOutput {
    let war = sc
        .war
        .as_ref()
        .expect("a war result comes from a scenario with a war");
    let ids = [
        sc.actors[war.belligerents[0]].id.clone(),
        sc.actors[war.belligerents[1]].id.clone(),
    ];
    let names = [
        sc.actors[war.belligerents[0]].display_name().to_string(),
        sc.actors[war.belligerents[1]].display_name().to_string(),
    ];
    let pair = |v: [f64; 2]| BTreeMap::from([(ids[0].clone(), v[0]), (ids[1].clone(), v[1])]);
    let stakes = &sc.issues[war.stakes];
    let pos = |k: usize| {
        sc.actors[war.belligerents[k]].stances[war.stakes].map_or(0.0, |s| s.position.value())
    };
    let (pa, pb) = (pos(0), pos(1));
    let timeline: Vec<WarRoundOutput> = w
        .steps
        .iter()
        .map(|st| {
            let (lo, hi) = st.range();
            WarRoundOutput {
                round: st.round,
                front: st.front,
                truth: pair([st.truth, 1.0 - st.truth]),
                belief: pair(st.belief),
                error: pair(st.error()),
                gap: st.gap(),
                value: pair(st.value),
                public_value: pair(st.public_value),
                range: [lo, hi],
                range_width: hi - lo,
                proposal: st.proposal,
                proposal_value: pb + st.proposal * (pa - pb),
                accepted: BTreeMap::from([
                    (ids[0].clone(), st.accepted[0]),
                    (ids[1].clone(), st.accepted[1]),
                ]),
                ceasefire: st.ceasefire,
                battle: st.battle.map(|k| ids[k].clone()),
                cost: pair(st.cost),
                cost_believed: BTreeMap::from([
                    (ids[0].clone(), [st.cost_view[0].0, st.cost_view[0].1]),
                    (ids[1].clone(), [st.cost_view[1].0, st.cost_view[1].1]),
                ]),
                channels_open: st.channels_open,
            }
        })
        .collect();
    let (first, last) = (w.steps.first(), w.steps.last());
    let moved = first
        .zip(last)
        .filter(|(f, l)| f.round < l.round)
        .map(|(f, l)| {
            let drop = [f.value[0] - l.value[0], f.value[1] - l.value[1]];
            let k = if drop[0] >= drop[1] { 0 } else { 1 };
            Moved {
                side: ids[k].clone(),
                value_first: f.value[k],
                value_last: l.value[k],
            }
        });
    let range_opened = w
        .steps
        .iter()
        .find(|s| s.range().0 <= s.range().1)
        .map(|s| s.round);
    let gaps: Vec<f64> = w.steps.iter().map(|s| s.gap()).collect();
    let misperception = Misperception {
        gap_first: first.map_or(0.0, |s| s.gap()),
        gap_last: last.map_or(0.0, |s| s.gap()),
        mean_abs_gap: if gaps.is_empty() {
            0.0
        } else {
            gaps.iter().map(|g| g.abs()).sum::<f64>() / gaps.len() as f64
        },
        error_first: pair(first.map_or([0.0; 2], |s| s.error())),
        error_last: pair(last.map_or([0.0; 2], |s| s.error())),
    };
    let unit = sc.meta.time_unit.clone().unwrap_or_else(|| "round".into());
    let (ending, round, victor, share) = match w.ending {
        Ending::Ceasefire { round, share } => ("ceasefire", Some(round), None, Some(share)),
        Ending::Victory { side, round } => ("victory", Some(round), Some(ids[side].clone()), None),
        Ending::Ongoing => ("ongoing", None, None, None),
    };
    let pct = |x: f64| format!("{:.0}%", 100.0 * x);
    let mut summary = Vec::new();
    match w.ending {
        Ending::Ceasefire { round, share } => summary.push(format!(
            "This run (seed {seed}): a ceasefire in {unit} {round}; {} gets {} of the stakes (`{}` = {:.1} on its {}..{} scale).",
            names[0],
            pct(share),
            stakes.id,
            pb + share * (pa - pb),
            crate::param::fmt_num(stakes.scale.lo),
            crate::param::fmt_num(stakes.scale.hi),
        )),
        Ending::Victory { side, round } => {
            summary.push(format!("This run (seed {seed}): {} wins militarily in {unit} {round}; no ceasefire.", names[side]))
        }
        Ending::Ongoing => summary.push(format!(
            "This run (seed {seed}): no ceasefire within the horizon of {} {unit}s; the war goes on.",
            war.horizon
        )),
    }
    if let Some(m) = &moved {
        let k = if m.side == ids[0] { 0 } else { 1 };
        summary.push(format!(
            "{}'s value of fighting on moved most: from {:.2} to {:.2} of the stakes{}.",
            names[k],
            m.value_first,
            m.value_last,
            match range_opened {
                Some(r) => format!("; the bargaining range first opened in {unit} {r}"),
                None => String::from("; the bargaining range never opened"),
            }
        ));
    }
    if let [Some(a), Some(b), Some(c)] = w.renewal {
        summary.push(format!(
            "Probability of renewed war: {} within 12 {unit}s, {} within 24, {} within 60.",
            pct(a),
            pct(b),
            pct(c)
        ));
    }
    if !w.steps.is_empty() {
        summary.push(format!(
            "Misperception: the sides' beliefs in their own victory summed to {:+.2} above one at the start and {:+.2} at the end.",
            misperception.gap_first, misperception.gap_last
        ));
    }
    for &(c, r) in &w.refused {
        summary.push(format!(
            "Channel `{}` was refused in {unit} {r}.",
            war.channels[c].id
        ));
    }
    let renewed_war = ["12", "24", "60"]
        .iter()
        .zip(w.renewal)
        .map(|(h, p)| (format!("within_{h}"), p))
        .collect();
    let terms = ["guarantees", "forces", "monitoring"]
        .iter()
        .zip(w.terms)
        .map(|(n, v)| (n.to_string(), v))
        .collect();
    WarOutput {
        belligerents: ids.clone(),
        stakes: stakes.id.clone(),
        ending: ending.into(),
        round,
        victor,
        share,
        renewed_war,
        terms,
        moved,
        range_opened,
        misperception,
        channels_opened: w
            .opened
            .iter()
            .map(|&(c, r)| (war.channels[c].id.clone(), r))
            .collect(),
        channels_refused: w
            .refused
            .iter()
            .map(|&(c, r)| (war.channels[c].id.clone(), r))
            .collect(),
        ensemble: None,
        summary,
        timeline,
    }
}
