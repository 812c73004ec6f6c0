//! The war-termination model, version 2: the bargaining model of war in continuous time.
//!
//! A drift-diffusion front, driven by the balance of strength, moves the line of contact; each
//! side values fighting on with closed-form discounted first passages over its normal belief
//! about the drift, and a ceasefire with the peace that follows it. The forum proposes the
//! package it prefers among those it expects both sides to accept; a side accepts when the
//! ceasefire beats fighting on and waiting for a better offer. Battles and channels teach the
//! sides about the drift (Kalman), answers teach the public about each side's costs (Bayes).
//! After a ceasefire either side may renew the war as the balance shifts. Every equation, with
//! its source, is in `docs/models/war.md`.

pub mod calc;
mod forum;
pub mod output;
mod peace;
mod sim;
pub mod view;

pub use calc::{Belief, Passage, passage, powell_margin, tioli_demand};
pub use peace::{MAX_HAZARD, PEACE_STEPS, RENEWAL_HORIZONS};

use super::{
    Column, Detail, Event, Model, ModelError, ModelInfo, Objective, Outputs, RunOptions, RunResult,
    StandIn,
};
use crate::scenario::Scenario;
use forum::war;

/// The war-termination model: a bargaining model of war run forward in time (`docs/models/war.md`).
pub struct WarModel;

static INFO: ModelInfo = ModelInfo {
    name: "war",
    summary: "bargaining model of war in continuous time: a drift-diffusion front, beliefs, package offers, a ceasefire valued with the peace after it, and its durability",
    source: "Fearon (1995); Slantchev (2003); Filson & Werner (2002); Powell (2004, 2006); Goemans (2000); \
             Fortna (2004); Hirshleifer (1989); Karlin & Taylor (1981)",
    dynamic: true,
};

impl Model for WarModel {
    fn info(&self) -> &'static ModelInfo {
        &INFO
    }

    fn run(&self, scenario: &Scenario, opts: &RunOptions) -> Result<RunResult, ModelError> {
        needs_war(scenario)?;
        let (outcomes, war) = simulate(scenario, opts.seed);
        Ok(RunResult {
            outcomes,
            rounds: Vec::new(),
            notes: Vec::new(),
            extra: Some(std::sync::Arc::new(war)),
        })
    }

    fn detail(
        &self,
        scenario: &Scenario,
        result: &RunResult,
        opts: &RunOptions,
    ) -> Result<Option<Detail>, crate::cancel::Stop> {
        let Some(w) = result
            .extra
            .as_ref()
            .and_then(|e| e.downcast_ref::<WarResult>())
        else {
            return Ok(None);
        };
        output::detail(scenario, w, opts.seed).map(Some)
    }

    fn is_default_for(&self, scenario: &Scenario) -> bool {
        scenario.war.is_some()
    }

    fn compare_view(
        &self,
        scenario: &Scenario,
        cmp: &super::view::Comparison,
    ) -> Option<Vec<super::view::Block>> {
        scenario.war.as_ref()?;
        Some(view::compare(scenario, cmp))
    }

    fn futures_view(
        &self,
        scenario: &Scenario,
        futures: &super::view::Futures,
    ) -> Vec<super::view::Block> {
        view::futures(scenario, futures)
    }

    fn outputs(&self, sc: &Scenario) -> Outputs {
        let mut o = Outputs::outcomes(sc);
        let Some(w) = &sc.war else { return o };
        let time = ceasefire_time_column(sc);
        let unit = unit(sc);
        let short = time.trim_start_matches("ceasefire_").to_string();
        let side = |k: usize| &sc.actors[w.belligerents[k]];
        o.columns.push(Column::flag(
            "ceasefire",
            format!("a ceasefire within the horizon of {} {unit}s", w.horizon),
        ));
        o.columns.push(Column {
            none: Some(StandIn {
                value: f64::from(w.horizon) + 1.0,
                why: "no ceasefire within the horizon: the horizon plus one".into(),
            }),
            ..Column::number(
                &time,
                format!("the time of the ceasefire, in {unit}s from the start"),
            )
        });
        o.columns.push(Column::number(
            "ceasefire_share",
            format!(
                "{}'s share of the stakes under the ceasefire, 0..1",
                side(0).display_name()
            ),
        ));
        for k in 0..2 {
            o.columns.push(Column::flag(
                format!("victory.{}", side(k).id),
                format!("{} wins militarily", side(k).display_name()),
            ));
        }
        o.columns
            .push(Column::flag("ongoing", "still fighting at the horizon"));
        for h in RENEWAL_HORIZONS {
            o.columns.push(Column::number(
                format!("renewed_{h}"),
                format!("probability of renewed war within {h} {unit}s of the ceasefire"),
            ));
        }
        o.columns.push(Column::flag(
            "renewed",
            format!(
                "this future's ceasefire was broken within {} {unit}s",
                w.after.horizon
            ),
        ));
        o.columns.push(Column::flag(
            "frozen",
            "the ceasefire held with violations: neither war nor peace",
        ));
        o.columns.push(Column::number(
            "duration",
            format!("{unit}s of war: to the ceasefire or victory, or the horizon"),
        ));
        o.events.push(Event {
            words: "a ceasefire".into(),
            condition: "`ceasefire` == 1".into(),
        });
        for h in EARLY {
            o.events.push(Event {
                words: format!("a ceasefire by {short} {h}"),
                condition: format!("`{time}` <= {h}"),
            });
        }
        for k in 0..2 {
            o.events.push(Event {
                words: format!("{} wins militarily", side(k).id),
                condition: format!("`victory.{}` == 1", side(k).id),
            });
        }
        o.events.push(Event {
            words: "still fighting at the horizon".into(),
            condition: "`ongoing` == 1".into(),
        });
        o.question = Some(Event {
            words: format!("a ceasefire within {} {unit}s", EARLY[0]),
            condition: format!("{time} <= {}", EARLY[0]),
        });
        o.paths = true;
        o.objective = Some(Objective {
            column: time,
            maximize: false,
        });
        o
    }

    fn record(
        &self,
        scenario: &Scenario,
        opts: &RunOptions,
        out: &mut Vec<f64>,
    ) -> Result<(), ModelError> {
        needs_war(scenario)?;
        let (outcomes, w) = simulate(scenario, opts.seed);
        out.extend(outcomes.iter().map(|o| o.unwrap_or(f64::NAN)));
        let bit = |b: bool| if b { 1.0 } else { 0.0 };
        match w.ending {
            Ending::Ceasefire { time, share, .. } => {
                out.extend([1.0, time, share, 0.0, 0.0, 0.0]);
            }
            Ending::Victory { side, .. } => {
                out.extend([0.0, f64::NAN, f64::NAN, bit(side == 0), bit(side == 1), 0.0]);
            }
            Ending::Ongoing => out.extend([0.0, f64::NAN, f64::NAN, 0.0, 0.0, 1.0]),
        }
        out.extend(w.renewal.iter().map(|p| p.unwrap_or(f64::NAN)));
        let ceasefire = matches!(w.ending, Ending::Ceasefire { .. });
        if ceasefire {
            out.extend([bit(w.broken.is_some()), bit(w.frozen)]);
        } else {
            out.extend([f64::NAN, f64::NAN]);
        }
        out.push(w.duration);
        Ok(())
    }
}

/// The model's refusal of a scenario without a `[war]` section.
fn needs_war(scenario: &Scenario) -> Result<(), ModelError> {
    if scenario.war.is_none() {
        return Err(ModelError {
                message: "the war model needs a [war] section, and this scenario has none".into(),
                help: Some(
                    "add [war] with `belligerents`, `stakes` and `forum`, and a [[war.side]] per belligerent \
                     (see docs/models/war.md), or run a stakeholder model such as `--model compromise`"
                        .into(),
                ),
            });
    }
    Ok(())
}

/// Time units within which a ceasefire counts as early in the summaries: the first is the default
/// question of scenario discovery.
pub const EARLY: [u32; 2] = [12, 24];

/// The scenario's unit of time, "round" when it names none.
fn unit(sc: &Scenario) -> String {
    sc.meta.time_unit.clone().unwrap_or_else(|| "round".into())
}

/// `ceasefire_month` when the scenario counts in months, else `ceasefire_round`.
pub fn ceasefire_time_column(sc: &Scenario) -> String {
    let unit = sc
        .meta
        .time_unit
        .as_deref()
        .map(|u| u.trim().to_lowercase())
        .filter(|u| !u.is_empty() && u.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'))
        .unwrap_or_else(|| "round".into());
    format!("ceasefire_{unit}")
}

// ---------------------------------------------------------------------------------------------
// The trace a run leaves: compact, no strings, so that many runs stay cheap.

/// Why a side refused an offer: the binding constraint.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Reason {
    /// The offer beat fighting on, but refusing promised a better one.
    Waiting,
    /// The offer beat fighting on but for the cost of the deal to the side's leader.
    Leader,
    /// By the truth about the battlefield the side would have accepted: its beliefs refused.
    Misperception,
    /// Even by the truth the offer is worth less than fighting on: the package gap.
    Gap,
}

impl Reason {
    /// All reasons, in the order the summaries list them.
    pub const ALL: [Reason; 4] = [
        Reason::Gap,
        Reason::Leader,
        Reason::Waiting,
        Reason::Misperception,
    ];

    /// The reason in words.
    pub fn words(self) -> &'static str {
        match self {
            Reason::Waiting => "waiting for a better offer",
            Reason::Leader => "a leader's terms",
            Reason::Misperception => "misperception of the battlefield",
            Reason::Gap => "the package gap",
        }
    }
}

/// One round of talks and the fighting after it, as the sides saw it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct WarStep {
    /// The round, counted from 1.
    pub round: u32,
    /// The time of the round's talks, in time units from the start.
    pub time: f64,
    /// A's share of the contested area at the talks (0 = B's victory, 1 = A's).
    pub front: f64,
    /// A's true share of the balance of strength.
    pub truth: f64,
    /// Each side's belief about its own share of the balance.
    pub belief: [f64; 2],
    /// Each side's value of fighting on (its ideal package held forever = 1).
    pub value: [f64; 2],
    /// The forum's estimates of those values (with the public view of each side's cost).
    pub public_value: [f64; 2],
    /// The proposal's stakes, as A's share.
    pub proposal: f64,
    /// Whether the forum expected both sides to accept it.
    pub feasible: bool,
    /// Whether A and B accept the proposal.
    pub accepted: [bool; 2],
    /// Whether both accepted, which ends the war.
    pub ceasefire: bool,
    /// Why each side that refused did so.
    pub reason: [Option<Reason>; 2],
    /// Each side's cost rate at the round.
    pub cost: [f64; 2],
    /// The public view of each side's cost at the start: the interval others believe it in.
    pub cost_view: [(f64, f64); 2],
    /// Open channels this round.
    pub channels_open: u32,
}

impl WarStep {
    /// Error of each side's belief about its share of the balance (> 0: overconfident).
    pub fn error(&self) -> [f64; 2] {
        [
            self.belief[0] - self.truth,
            self.belief[1] - (1.0 - self.truth),
        ]
    }

    /// Joint optimism: the two sides' beliefs in their own shares add to more than one by this
    /// much; 0 when they agree.
    pub fn gap(&self) -> f64 {
        self.belief[0] + self.belief[1] - 1.0
    }
}

/// How the war ended within the horizon.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Ending {
    /// Both sides accepted a proposal.
    Ceasefire {
        /// The round of the ceasefire.
        round: u32,
        /// Its time, in time units from the start.
        time: f64,
        /// A's share of the stakes under it, 0..1.
        share: f64,
    },
    /// A side won: the front reached its end, or the other side collapsed.
    Victory {
        /// The victor: 0 for A, 1 for B.
        side: usize,
        /// The round in which it came.
        round: u32,
        /// Its time.
        time: f64,
        /// Whether the loser collapsed under its burden (rather than lost all ground).
        collapse: bool,
    },
    /// Still at war at the horizon.
    Ongoing,
}

/// What a run of the war model found.
#[derive(Debug, Clone, PartialEq)]
pub struct WarResult {
    /// The rounds, in order, the last one included.
    pub steps: Vec<WarStep>,
    /// How it ended.
    pub ending: Ending,
    /// Probability of renewed war within 12, 24 and 60 time units of a ceasefire (`None`
    /// without one).
    pub renewal: [Option<f64>; 3],
    /// When (time units after the ceasefire) and by whom (0 = A) this run's ceasefire was
    /// broken within `after.horizon`; `None`: it held (or there was none).
    pub broken: Option<(f64, usize)>,
    /// The ceasefire held, but with violations: "neither war nor peace".
    pub frozen: bool,
    /// The peace on its grid.
    pub peace: Vec<PeaceStep>,
    /// Channels the other side refused: (channel index, round).
    pub refused: Vec<(usize, u32)>,
    /// Channels opened: (channel index, round).
    pub opened: Vec<(usize, u32)>,
    /// The terms' normalised values in 0..1: guarantees, forces, monitoring.
    pub terms: [Option<f64>; 3],
    /// How long the war lasted: to the ceasefire or victory, or the horizon.
    pub duration: f64,
    /// Leaders removed during the war: (side, time).
    pub leaders: Vec<(usize, f64)>,
}

/// One point of the peace after a ceasefire.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PeaceStep {
    /// Time units since the ceasefire, at the end of the step.
    pub time: f64,
    /// Hazard of renewal by A and by B, per time unit.
    pub hazard: [f64; 2],
    /// Each side's margin for renewing (> 0: renewing now beats keeping the peace).
    pub margin: [f64; 2],
    /// A's share of the balance against B and its guarantors.
    pub balance: f64,
    /// Intensity of violations, 0..1.
    pub violations: f64,
    /// Probability that war has resumed by the end of the step.
    pub renewal: f64,
}

impl WarResult {
    /// A war not yet fought: still going at the horizon, nothing recorded.
    fn empty(scenario: &Scenario) -> WarResult {
        WarResult {
            steps: Vec::with_capacity(war(scenario).horizon as usize),
            ending: Ending::Ongoing,
            renewal: [None; 3],
            broken: None,
            frozen: false,
            peace: Vec::new(),
            refused: Vec::new(),
            opened: Vec::new(),
            terms: [None; 3],
            duration: f64::from(war(scenario).horizon),
            leaders: Vec::new(),
        }
    }
}

/// Runs the war model on a scenario whose time-0 shocks are already applied.
/// One run of the war: the outcome per issue and the war's own record.
pub fn simulate(scenario: &Scenario, seed: u64) -> (Vec<Option<f64>>, WarResult) {
    let mut sim = sim::Sim::new(scenario, seed);
    let mut out = WarResult::empty(scenario);
    let y = sim::run(&mut sim, &mut out);
    match out.ending {
        Ending::Ceasefire { time, .. } => {
            out.duration = time;
            peace::after(&mut sim, &y, &mut out);
        }
        Ending::Victory { time, .. } => out.duration = time,
        Ending::Ongoing => {}
    }
    (y.into_iter().map(Some).collect(), out)
}

/// What a package is worth to each side at the start of the war, beside its value of fighting
/// on: the numbers a side's answer weighs (each in units of its ideal package held forever).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Valuation {
    /// Each side's value of a ceasefire on the package: the peace it leads to, less its
    /// leader's cost.
    pub deal: [f64; 2],
    /// Each side's value of fighting on, by its own beliefs and its true cost.
    pub war: [f64; 2],
    /// Each side's utility of the package itself.
    pub utility: [f64; 2],
    /// Each side's Powell margin for renewing the war at the moment of signing (> 0: renewing
    /// now beats keeping this peace).
    pub margin: [f64; 2],
    /// The hazards of renewal by A and by B at signing, per time unit.
    pub hazard: [f64; 2],
}

/// Values package `y` (a value per issue, in the scenario's issue order) for both sides at the
/// start of the war in `scenario` (with its time-0 shocks applied by the caller).
pub fn valuation(scenario: &Scenario, y: &[f64]) -> Valuation {
    let sim = sim::Sim::new(scenario, 0);
    let cost = [sim.cost_rate(0, 0.0), sim.cost_rate(1, 0.0)];
    let prospect = sim.prospect(y);
    let at = prospect.at(prospect.cost);
    Valuation {
        deal: [0, 1].map(|k| sim.deal_on(&prospect, k, cost[k])),
        war: [0, 1].map(|k| sim.value(k, false).at(cost[k])),
        utility: [0, 1].map(|k| sim.ep.utility(k, y)),
        margin: at.margin,
        hazard: at.hazard,
    }
}

/// How a war tends to end across many seeded runs of the same scenario.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Ensemble {
    /// The number of seeded runs.
    pub runs: u64,
    /// Seeds used: `first_seed .. first_seed + runs`.
    pub first_seed: u64,
    /// Share of the runs that end in a ceasefire, 0..1.
    pub ceasefire: f64,
    /// Share of the runs that A, and B, win outright.
    pub victory: [f64; 2],
    /// Share of the runs still at war at the horizon.
    pub ongoing: f64,
    /// Median time of the ceasefires, when there are any.
    pub median_ceasefire_time: Option<f64>,
    /// Median length of the war over all runs (the horizon for those still at war).
    pub median_duration: f64,
    /// Mean of A's share over the ceasefires.
    pub mean_share: Option<f64>,
    /// Mean probability of renewed war within 12, 24 and 60 time units, over the ceasefires.
    pub mean_renewal: [Option<f64>; 3],
    /// Share of the ceasefires broken within `after.horizon`, and the share of those A broke.
    pub broken: Option<f64>,
    /// Share of the broken ceasefires that A broke.
    pub broken_by_a: Option<f64>,
    /// Share of the ceasefires that froze into "neither war nor peace".
    pub frozen: Option<f64>,
    /// Share of the runs in which A's, and B's, leader was removed during the war.
    pub leader_removed: [f64; 2],
    /// Refusals over all rounds of all runs, by reason, in [`Reason::ALL`]'s order.
    pub refusals: [u64; 4],
    /// Mean absolute belief gap over all rounds of all runs.
    pub mean_abs_gap: f64,
}

/// Runs the scenario with `runs` consecutive seeds and summarises the endings; stops between
/// runs once the thread's [`crate::cancel`] token is stopped.
pub fn ensemble(
    scenario: &Scenario,
    first_seed: u64,
    runs: u64,
) -> Result<Ensemble, crate::cancel::Stop> {
    let (mut cf, mut vic, mut times, mut share, mut gap) = (0u64, [0u64; 2], Vec::new(), 0.0, 0.0);
    let mut renewal = [0.0; 3];
    let (mut broken, mut by_a, mut frozen) = (0u64, 0u64, 0u64);
    let mut refusals = [0u64; 4];
    let mut removed = [0u64; 2];
    let mut durations = Vec::with_capacity(runs as usize);
    for seed in first_seed..first_seed + runs {
        crate::cancel::check()?;
        let (_, w) = simulate(scenario, seed);
        durations.push(w.duration);
        for &(k, _) in &w.leaders {
            removed[k] += 1;
        }
        match w.ending {
            Ending::Ceasefire { time, share: x, .. } => {
                cf += 1;
                times.push(time);
                share += x;
                for (acc, r) in renewal.iter_mut().zip(w.renewal) {
                    *acc += r.unwrap_or(0.0);
                }
                if let Some((_, k)) = w.broken {
                    broken += 1;
                    by_a += u64::from(k == 0);
                }
                frozen += u64::from(w.frozen);
            }
            Ending::Victory { side, .. } => vic[side] += 1,
            Ending::Ongoing => {}
        }
        for s in &w.steps {
            for r in s.reason.iter().flatten() {
                let i = Reason::ALL.iter().position(|x| x == r).unwrap_or(0);
                refusals[i] += 1;
            }
        }
        if !w.steps.is_empty() {
            gap += w.steps.iter().map(|s| s.gap().abs()).sum::<f64>() / w.steps.len() as f64;
        }
    }
    let median = |v: &mut Vec<f64>| {
        v.sort_by(f64::total_cmp);
        v.get(v.len() / 2).copied()
    };
    let n = runs.max(1) as f64;
    let per = |x: u64| (cf > 0).then(|| x as f64 / cf as f64);
    Ok(Ensemble {
        runs,
        first_seed,
        ceasefire: cf as f64 / n,
        victory: [vic[0] as f64 / n, vic[1] as f64 / n],
        ongoing: (runs - cf - vic[0] - vic[1]) as f64 / n,
        median_ceasefire_time: median(&mut times),
        median_duration: median(&mut durations).unwrap_or(0.0),
        mean_share: (cf > 0).then(|| share / cf as f64),
        mean_renewal: renewal.map(|r| (cf > 0).then(|| r / cf as f64)),
        broken: per(broken),
        broken_by_a: (broken > 0).then(|| by_a as f64 / broken as f64),
        frozen: per(frozen),
        leader_removed: removed.map(|x| x as f64 / n),
        refusals,
        mean_abs_gap: gap / n,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reasons_are_listed_once() {
        let mut all = Reason::ALL.to_vec();
        all.dedup();
        assert_eq!(all.len(), 4);
    }
}
