//! `smp`: KTAB's spatial model of politics (KAPSARC's toolkit for behavioral analysis), reproduced
//! from KTAB's sources and checked against its reference logs. See `docs/models/smp.md`.
//!
//! Every issue of the scenario is one dimension. Each turn, every actor challenges the actor
//! it expects most to gain from, the two positions are interpolated into a bargain, and each
//! actor's queue of bargains (and its status quo) is settled by a probabilistic Condorcet
//! election among all actors. The run stops when a turn moves the actors less than a share of
//! what the first turn moved them.

pub mod engine;

use std::collections::BTreeMap;

use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

use super::{Model, ModelError, ModelInfo, Move, Round, RoundIssue, RunOptions, RunResult};
use super::{weighted_mean, weighted_median};
use crate::scenario::{Scale, Scenario, SmpOptions, Target};
pub use engine::{Actors, Assessment, Bargain, Challenge, Positions};

/// KTAB's spatial model of politics.
pub struct Smp;

static INFO: ModelInfo = ModelInfo {
    name: "smp",
    summary: "KTAB's spatial model: challenges, interpolated bargains and probabilistic Condorcet elections over all issues at once; outcome: the expected position of the final election",
    source: "KTAB (KAPSARC, 2015-2017): \"An Introduction to KTAB\" and \"Multidimensional Bargaining using KTAB\", KAPSARC discussion papers",
    dynamic: true,
};

impl Model for Smp {
    fn info(&self) -> &'static ModelInfo {
        &INFO
    }

    fn run(&self, scenario: &Scenario, opts: &RunOptions) -> Result<RunResult, ModelError> {
        let r = run(scenario, opts.seed);
        crate::cancel::check()?;
        Ok(r)
    }
}

/// The matrices KTAB prints for a state, for checking against its logs.
#[derive(Debug, Clone, PartialEq)]
pub struct Matrices {
    /// Risk-neutral utility of each actor for each actor's position.
    pub value: Vec<f64>,
    /// The risk-aware utility matrix, objective.
    pub utility: Vec<f64>,
    /// Each actor's estimate of the risk-aware utility matrix.
    pub perspectives: Vec<Vec<f64>>,
}

/// One state of a run.
#[derive(Debug, Clone, PartialEq)]
pub struct StateRecord {
    /// `n x dims`, in 0..1.
    pub positions: Vec<f64>,
    /// The risk attitudes used in the turn from this state.
    pub risk: Vec<f64>,
    /// The probability that each actor's position wins (KTAB's "winning probabilities"); with
    /// `record` for every state, else only for the last (the others are empty).
    pub probabilities: Vec<f64>,
    /// KTAB's matrices for this state, with `record`; else `None`.
    pub matrices: Option<Matrices>,
    /// What the turn from this state did; `None` for the last state.
    pub turn: Option<TurnRecord>,
}

/// What one turn did, as [`engine::TurnResult`] without the next state.
#[derive(Debug, Clone, PartialEq)]
pub struct TurnRecord {
    /// Each actor's best challenge, in model actor order.
    pub challenges: Vec<Challenge>,
    /// The bargain each actor adopted (`init == rcvr`: it kept its position).
    pub chosen: Vec<Bargain>,
}

/// A whole run.
#[derive(Debug, Clone, PartialEq)]
pub struct Trace {
    /// The number of actors.
    pub n: usize,
    /// The number of issues (dimensions).
    pub dims: usize,
    /// State 0 is the start; state t follows turn t.
    pub states: Vec<StateRecord>,
    /// Whether the stopping rule ended the run before `max_turns`.
    pub settled: bool,
}

/// Changes to apply before a turn: `(turn, actors, positions)`; returns whether any change is
/// still to come after that turn (the run does not stop while one is).
pub type Shocks<'a> = dyn FnMut(u32, &mut Actors, &mut Positions) -> bool + 'a;

/// Runs the model from `start`. With `record`, every state keeps KTAB's matrices (n^3 numbers
/// per state: for tests and small cases).
pub fn simulate(
    mut actors: Actors,
    start: Positions,
    opts: &SmpOptions,
    seed: u64,
    record: bool,
    shocks: &mut Shocks<'_>,
) -> Trace {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let dims = actors.dims;
    let mut state = start;
    let mut states: Vec<StateRecord> = Vec::new();
    let mut first_move = None;
    let mut turn = 0;
    let settled = loop {
        let pending = shocks(turn, &mut actors, &mut state);
        let a = Assessment::new(&actors, &state, opts);
        let mut rec = record_state(&actors, &state, &a, opts, record);
        if turn > 0 {
            let last = movement_since(&states, &state, dims);
            let first = *first_move.get_or_insert(last);
            let stop = !pending && engine::should_stop(opts, turn, first, last);
            // A stopped run's trace is cut short here; `Smp::run` turns it into an error.
            if stop || turn >= opts.max_turns || crate::cancel::stopped() {
                // The forecast needs the last state's probabilities even without `record`.
                if rec.probabilities.is_empty() {
                    rec.probabilities = probabilities(&actors, &state, &a, opts);
                }
                states.push(rec);
                break stop && turn < opts.max_turns;
            }
        }
        let t = engine::turn(&actors, &state, &a, opts, &mut rng);
        rec.turn = Some(TurnRecord {
            challenges: t.challenges,
            chosen: t.chosen,
        });
        states.push(rec);
        state = t.next;
        turn += 1;
    };
    Trace {
        n: actors.n,
        dims,
        states,
        settled,
    }
}

/// Each actor's winning probability, distinct positions represented in id order.
fn probabilities(
    actors: &Actors,
    state: &Positions,
    a: &Assessment,
    opts: &SmpOptions,
) -> Vec<f64> {
    let rank: Vec<usize> = (0..actors.n).collect();
    engine::position_probabilities(actors, state, a, opts, &rank)
}

fn movement_since(states: &[StateRecord], now: &Positions, dims: usize) -> f64 {
    let before = &states[states.len() - 1].positions;
    engine::movement(before, &now.position, dims)
}

fn record_state(
    actors: &Actors,
    state: &Positions,
    a: &Assessment,
    opts: &SmpOptions,
    record: bool,
) -> StateRecord {
    let matrices = record.then(|| Matrices {
        value: a.value_matrix(),
        utility: a.utility_matrix(None),
        perspectives: (0..actors.n).map(|h| a.utility_matrix(Some(h))).collect(),
    });
    StateRecord {
        positions: state.position.clone(),
        risk: a.risk.clone(),
        probabilities: if record {
            probabilities(actors, state, a, opts)
        } else {
            Vec::new()
        },
        matrices,
        turn: None,
    }
}

// ---------------------------------------------------------------------------------------------
// From a scenario and back.

/// The scenario in KTAB's units. Actors are taken in id order, so that no tie or sum depends on
/// the order of the file.
#[derive(Debug, Clone)]
pub struct Prepared {
    /// Scenario actor index of each model actor.
    pub order: Vec<usize>,
    /// Capabilities and saliences in KTAB's units.
    pub actors: Actors,
    /// The starting positions and ideals, in 0..1.
    pub start: Positions,
    /// `n x dims`: whether the actor has a stance on the issue (else its coordinate is filled in).
    pub has: Vec<bool>,
    /// Remarks for the output (filled-in coordinates, scaled capabilities).
    pub notes: Vec<String>,
    /// The power of two the capabilities were multiplied by (1 unless they are huge).
    pub capability_factor: f64,
}

/// The scenario's central values in KTAB's units.
pub fn prepare(sc: &Scenario) -> Prepared {
    let mut order: Vec<usize> = (0..sc.actors.len()).collect();
    order.sort_by(|&a, &b| sc.actors[a].id.cmp(&sc.actors[b].id));
    let (n, d) = (order.len(), sc.issues.len());
    let mut pos = vec![0.0; n * d];
    let mut sal = vec![0.0; n * d];
    let mut has = vec![false; n * d];
    let mut notes = Vec::new();
    for (i, &a) in order.iter().enumerate() {
        for (k, issue) in sc.issues.iter().enumerate() {
            if let Some(s) = &sc.actors[a].stances[k] {
                pos[i * d + k] = to_unit(issue.scale, s.position.value());
                sal[i * d + k] = s.salience.value();
                has[i * d + k] = true;
            }
        }
    }
    let factor = capability_factor(sc);
    let capability: Vec<f64> = order
        .iter()
        .map(|&a| sc.actors[a].capability.value() * factor)
        .collect();
    // An actor without a position on an issue is placed at the weighted mean of the others
    // there, with salience 0: it does not care, and others judge it by a neutral coordinate.
    let mut filled = 0;
    for k in 0..d {
        let mean = weighted_mean(
            (0..n)
                .filter(|&i| has[i * d + k])
                .map(|i| (pos[i * d + k], capability[i] * sal[i * d + k])),
        );
        let mean = if mean.is_finite() { mean } else { 0.5 };
        for i in (0..n).filter(|&i| !has[i * d + k]) {
            pos[i * d + k] = mean;
            filled += 1;
        }
    }
    if filled > 0 {
        notes.push(format!(
            "smp: {filled} missing position(s) placed at the weighted mean of the issue, with salience 0"
        ));
    }
    let scaled = normalise_saliences(&mut sal, d);
    if scaled > 0 {
        notes.push(format!(
            "smp: the saliences of {scaled} actor(s) sum to more than 1 over the issues and were scaled down \
             proportionally (KTAB reads an actor's total salience as the chance it resists)"
        ));
    }
    // The scenario's risk runs from -1 (averse) to 1 (acceptant); KTAB's R the other way
    // (R = 1 makes utility concave).
    let fixed_risk = order
        .iter()
        .map(|&a| sc.actors[a].risk.map(|r| -r.value()))
        .collect();
    Prepared {
        order,
        actors: Actors {
            n,
            dims: d,
            capability,
            salience: sal,
            fixed_risk,
        },
        start: Positions {
            ideal: pos.clone(),
            position: pos,
        },
        has,
        notes,
        capability_factor: factor,
    }
}

/// KTAB's sums of votes and its octic victory model overflow once the capabilities add up to
/// more than about 1e38; capabilities that large (the file's or a shock's) are brought down by
/// a power of two to a total below 2^100. Smaller ones are left as they are (factor 1): KTAB's
/// small constants (the 1e-10 floor of a side's strength) are in capability units.
fn capability_factor(sc: &Scenario) -> f64 {
    let max = sc
        .actors
        .iter()
        .map(|a| a.capability.value())
        .chain(sc.shocks.iter().filter_map(|s| match s.target {
            Target::Capability { .. } => Some(s.to.value()),
            _ => None,
        }))
        .fold(0.0, f64::max);
    let n = sc.actors.len().max(1);
    let bits = (usize::BITS - n.leading_zeros()) as i32;
    if max > 0.0 && max.is_finite() && super::num::exponent(max) + bits >= 100 {
        super::num::pow2(100 - bits - super::num::exponent(max) - 1)
    } else {
        1.0
    }
}

/// Where `x` lies on the scale, 0 at its low end and 1 at its high end. A scale wider than the
/// largest f64 (from -1.7e308 to 1.7e308, say) is measured in halves, which are exact.
fn to_unit(s: Scale, x: f64) -> f64 {
    let width = s.width();
    if width.is_finite() {
        (x - s.lo) / width
    } else {
        (x / 2.0 - s.lo / 2.0) / (s.hi / 2.0 - s.lo / 2.0)
    }
}

/// The inverse of `to_unit`.
fn from_unit(s: Scale, z: f64) -> f64 {
    let width = s.width();
    if width.is_finite() {
        s.lo + z * width
    } else {
        2.0 * (s.lo / 2.0 + z * (s.hi / 2.0 - s.lo / 2.0))
    }
}

/// Scales down every actor whose saliences sum to more than 1; returns how many.
fn normalise_saliences(sal: &mut [f64], d: usize) -> usize {
    let mut count = 0;
    for row in sal.chunks_mut(d.max(1)) {
        let total: f64 = row.iter().sum();
        if total > 1.0 {
            row.iter_mut().for_each(|s| *s /= total);
            count += 1;
        }
    }
    count
}

fn run(sc: &Scenario, seed: u64) -> RunResult {
    let opts = sc.models.smp;
    let Prepared {
        order,
        actors,
        start,
        has,
        mut notes,
        capability_factor,
    } = prepare(sc);
    let d = actors.dims;
    let model_index: BTreeMap<usize, usize> =
        order.iter().enumerate().map(|(i, &a)| (a, i)).collect();
    let last_shock = sc.shocks.iter().map(|s| s.at).max().unwrap_or(0);
    let mut ignored = 0;
    let mut apply = |turn: u32, actors: &mut Actors, state: &mut Positions| -> bool {
        for s in sc.shocks.iter().filter(|s| s.at == turn) {
            let v = s.to.value();
            match s.target {
                Target::Capability { actor } => {
                    actors.capability[model_index[&actor]] = v * capability_factor
                }
                Target::Risk { actor } => actors.fixed_risk[model_index[&actor]] = Some(-v),
                Target::Position { actor, issue } => {
                    let scale = sc.issues[issue].scale;
                    let x = to_unit(scale, v);
                    let i = model_index[&actor] * d + issue;
                    state.position[i] = x;
                    state.ideal[i] = x;
                }
                Target::Salience { actor, issue } => {
                    let i = model_index[&actor];
                    actors.salience[i * d + issue] = v;
                    normalise_saliences(&mut actors.salience[i * d..(i + 1) * d], d);
                }
                _ => ignored += 1,
            }
        }
        turn < last_shock
    };
    let trace = simulate(actors, start, &opts, seed, false, &mut apply);
    if ignored > 0 {
        notes.push(format!(
            "smp: {ignored} shock(s) change things the model does not read (status quo, war parameters) and have no effect"
        ));
    }
    let turns = trace.states.len() - 1;
    let late = sc.shocks.iter().filter(|s| s.at as usize > turns).count();
    if late > 0 {
        notes.push(format!(
            "smp: {late} dated shock(s) come after the last turn ({turns}) and have no effect"
        ));
    }
    if !trace.settled {
        notes.push(format!(
            "smp: the run did not settle within {} turns (movement never fell below {}% of the first turn's); \
             the forecast is the last state's",
            opts.max_turns,
            opts.stop_ratio * 100.0
        ));
    } else {
        notes.push(format!("smp: settled after {turns} turns"));
    }

    let ids: Vec<&str> = order.iter().map(|&a| sc.actors[a].id.as_str()).collect();
    let issue_at = |k: usize, x: f64| {
        let s = sc.issues[k].scale;
        from_unit(s, x).clamp(s.lo, s.hi)
    };
    let sal = |i: usize, k: usize| {
        sc.actors[order[i]].stances[k]
            .map(|s| s.salience.value())
            .unwrap_or(0.0)
    };
    let mut rounds = Vec::with_capacity(trace.states.len());
    for (t, st) in trace.states.iter().enumerate() {
        let mut issues = Vec::with_capacity(d);
        for (k, issue) in sc.issues.iter().enumerate() {
            let pts: Vec<(f64, f64)> = (0..trace.n)
                .filter(|&i| has[i * d + k])
                .map(|i| {
                    (
                        issue_at(k, st.positions[i * d + k]),
                        sc.actors[order[i]].capability.value() * sal(i, k),
                    )
                })
                .collect();
            issues.push(RoundIssue {
                id: issue.id.clone(),
                median: weighted_median(pts.iter().copied()),
                mean: weighted_mean(pts.iter().copied()),
                positions: (0..trace.n)
                    .filter(|&i| has[i * d + k])
                    .map(|i| (ids[i].to_string(), issue_at(k, st.positions[i * d + k])))
                    .collect(),
            });
        }
        let moves = if t == 0 {
            Vec::new()
        } else {
            moves_into(sc, &trace, t, &ids, &has, &issue_at)
        };
        rounds.push(Round {
            round: t as u32,
            issues,
            moves,
        });
    }

    // The forecast: the expected position under the last state's election, over all actors.
    let last = &trace.states[turns];
    let outcomes = distinct_expectation(last, d)
        .into_iter()
        .enumerate()
        .map(|(k, x)| Some(issue_at(k, x)))
        .collect();
    RunResult {
        outcomes,
        rounds,
        notes,
        extra: None,
    }
}

/// The expected position under the election among distinct positions: each distinct position
/// counted once, with its probability.
fn distinct_expectation(st: &StateRecord, d: usize) -> Vec<f64> {
    let n = st.probabilities.len();
    let unique = engine::distinct_positions(&st.positions, d, 0..n);
    let den: f64 = unique.iter().map(|&u| st.probabilities[u]).sum();
    (0..d)
        .map(|k| {
            if den > 0.0 {
                unique
                    .iter()
                    .map(|&u| st.probabilities[u] * st.positions[u * d + k])
                    .sum::<f64>()
                    / den
            } else {
                st.positions[k]
            }
        })
        .collect()
}

/// The moves of turn `t`: every actor whose position changed, on each issue where it did.
fn moves_into(
    sc: &Scenario,
    trace: &Trace,
    t: usize,
    ids: &[&str],
    has: &[bool],
    issue_at: &dyn Fn(usize, f64) -> f64,
) -> Vec<Move> {
    let d = trace.dims;
    let before = &trace.states[t - 1];
    let after = &trace.states[t];
    let Some(turn) = &before.turn else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for i in 0..trace.n {
        let b = &turn.chosen[i];
        if b.init == b.rcvr {
            continue;
        }
        let other = if b.init == i { b.rcvr } else { b.init };
        for k in 0..d {
            let (from, to) = (before.positions[i * d + k], after.positions[i * d + k]);
            if from != to && has[i * d + k] {
                out.push(Move {
                    actor: ids[i].to_string(),
                    issue: sc.issues[k].id.clone(),
                    from: issue_at(k, from),
                    to: issue_at(k, to),
                    kind: if b.init == i { "proposed" } else { "accepted" }.to_string(),
                    counterpart: Some(ids[other].to_string()),
                });
            }
        }
    }
    out
}
