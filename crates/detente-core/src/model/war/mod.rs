//! The war-termination model: the bargaining model of war run forward in time.
//!
//! Each round the forum (or a belligerent) proposes a split of the stakes; each side compares it
//! with its value of fighting on, computed from its beliefs about the battlefield and its costs.
//! Rejections reveal something about a side's costs (negotiating signals); battles and dialogue
//! channels reveal something about the balance of forces (battlefield signals). After a
//! ceasefire, power shifts as both rearm and the terms shape the risk that war resumes.
//! Every equation, with its source, is in `docs/models/war.md`.

use std::borrow::Cow;

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rand_distr::{Distribution, StandardNormal};

pub mod calc;
pub mod output;
pub mod view;

use super::{
    Column, Detail, Event, Model, ModelError, ModelInfo, Objective, Outputs, RunOptions, RunResult,
    StandIn, nash_bargaining,
};
use crate::bloc::bloc_stance;
use crate::scenario::{ForumModel, Member, Rule, Scale, Scenario, Target, War};
use crate::stats::{weighted_mean, weighted_median};

/// The war-termination model: a bargaining model of war run forward in time (`docs/models/war.md`).
pub struct WarModel;

static INFO: ModelInfo = ModelInfo {
    name: "war",
    summary: "bargaining model of war run forward in time: battles, costs, beliefs, forum proposals, ceasefire and its durability",
    source: "Fearon (1995); Slantchev (2003); Filson & Werner (2002); Smith & Stam (2004); Powell (2006); \
             Goemans (2000); Fortna (2004); Hirshleifer (1989)",
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
            ..Column::number(&time, format!("the {unit} of the ceasefire"))
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
            Ending::Ceasefire { round, share } => {
                out.extend([1.0, round as f64, share, 0.0, 0.0, 0.0]);
            }
            Ending::Victory { side, .. } => {
                out.extend([0.0, f64::NAN, f64::NAN, bit(side == 0), bit(side == 1), 0.0]);
            }
            Ending::Ongoing => out.extend([0.0, f64::NAN, f64::NAN, 0.0, 0.0, 1.0]),
        }
        out.extend(w.renewal.iter().map(|p| p.unwrap_or(f64::NAN)));
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

/// Rounds within which a ceasefire counts as early in the summaries: the first is the default
/// question of scenario discovery.
pub const EARLY: [u32; 2] = [12, 24];

/// Rounds after a ceasefire at which the risk of renewed war is reported.
pub const RENEWAL_HORIZONS: [u32; 3] = [12, 24, 60];

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
// Closed forms.

/// Probability that A reaches `n` before 0 from front `k` when it wins each battle with
/// probability `p` (gambler's ruin).
pub fn ruin_win(p: f64, k: u32, n: u32) -> f64 {
    let p = p.clamp(1e-12, 1.0 - 1e-12);
    if (p - 0.5).abs() < 1e-9 {
        return k as f64 / n as f64;
    }
    let q = (1.0 - p) / p;
    if q < 1.0 {
        let qk = q.powi(k as i32);
        (1.0 - qk) / (1.0 - qk * q.powi((n - k) as i32))
    } else {
        // The same ratio in powers of 1/q < 1, which cannot overflow.
        let r = 1.0 / q;
        let rnk = r.powi((n - k) as i32);
        let rn = rnk * r.powi(k as i32);
        (rnk - rn) / (1.0 - rn)
    }
}

/// Expected number of battles until one side wins outright, from front `k`.
pub fn ruin_duration(p: f64, k: u32, n: u32) -> f64 {
    ruin(p, k, n).1
}

/// Both: (probability that A wins outright, expected number of battles).
pub fn ruin(p: f64, k: u32, n: u32) -> (f64, f64) {
    let win = ruin_win(p, k, n);
    let p = p.clamp(1e-12, 1.0 - 1e-12);
    let drift = 1.0 - 2.0 * p;
    let duration = if drift.abs() < 1e-6 {
        (k * (n - k)) as f64
    } else {
        ((k as f64 - n as f64 * win) / drift).max(0.0)
    };
    (win, duration)
}

/// The most that compounding cost growth can multiply a cost by. A cost of 1e100 times the
/// stakes a round is a war no side fights on; capping it there keeps every value finite for
/// costs up to their validated bound of 1e6 (otherwise 1.05^15000 overflows).
pub const MAX_COST_FACTOR: f64 = 1e100;

/// A's chance of winning a battle at strengths a and b with decisiveness g: a^g / (a^g + b^g)
/// (Hirshleifer's ratio form), 1/2 when both are 0. When the powers overflow or vanish (g of
/// 200, say), the same number from the ratio of the weaker to the stronger, which is in 0..1.
pub fn battle_odds(a: f64, b: f64, g: f64) -> f64 {
    let (ag, bg) = if g == 1.0 {
        (a, b)
    } else {
        (a.powf(g), b.powf(g))
    };
    let total = ag + bg;
    if total.is_finite() && total >= f64::MIN_POSITIVE {
        return ag / total;
    }
    if !(a > 0.0 || b > 0.0) {
        return 0.5;
    }
    if a >= b {
        let r = (b / a).powf(g);
        1.0 / (1.0 + r)
    } else {
        let r = (a / b).powf(g);
        r / (1.0 + r)
    }
}

/// E[f(pi)] for pi ~ Beta(a, b), by the three-point rule at the mean and mean +- sqrt(3) sd
/// (weights 1/6, 2/3, 1/6): it matches the mean and variance, so it is exact for quadratics.
pub fn beta_expect(a: f64, b: f64, f: impl Fn(f64) -> f64) -> f64 {
    let (m, h) = beta_nodes(a, b);
    let at = |x: f64| f(x.clamp(1e-9, 1.0 - 1e-9));
    (at(m - h) + 4.0 * at(m) + at(m + h)) / 6.0
}

/// The mean of Beta(a, b) and the half-spacing sqrt(3) sd of the three-point rule.
fn beta_nodes(a: f64, b: f64) -> (f64, f64) {
    let s = a + b;
    (a / s, 3f64.sqrt() * (a * b / (s * s * (s + 1.0))).sqrt())
}

/// sum_{j=0}^{d-1} r^j for a real number of rounds d >= 0.
pub fn geometric(r: f64, d: f64) -> f64 {
    if (r - 1.0).abs() < 1e-12 {
        d
    } else {
        (1.0 - r.powf(d)) / (1.0 - r)
    }
}

/// Powell (2006): in two periods, a side whose chance of winning falls from p1 to p2 fights now
/// iff delta (p1 - p2) > (1 - p1) + (1 - delta) c. Returns the margin (> 0: it fights).
pub fn powell_margin(p1: f64, p2: f64, delta: f64, c: f64) -> f64 {
    delta * (p1 - p2) - (1.0 - p1) - (1.0 - delta) * c
}

/// The optimal take-it-or-leave-it demand x (the proposer's share) when the other side accepts
/// iff its cost is at least (k0 - (1 - x)) / k1 and the proposer believes that cost uniform on
/// [lo, hi]. `w_self` is the proposer's value of war. With Fearon's one-battle war (k0 = 1 - p,
/// k1 = 1, lo = 0, hi = c_bar, w_self = p - c_A) this is p + (c_bar - c_A) / 2.
pub fn tioli_demand(w_self: f64, k0: f64, k1: f64, lo: f64, hi: f64) -> f64 {
    // Demands between these two are accepted by some types: x_lo by all, x_hi by none.
    let x_lo = k1 * lo - k0 + 1.0;
    let x_hi = k1 * hi - k0 + 1.0;
    if hi - lo <= 1e-15 {
        return x_lo.clamp(0.0, 1.0);
    }
    // The expected payoff x P(accept) + w_self P(reject) is concave in x on [x_lo, x_hi].
    let interior = (x_hi + w_self) / 2.0;
    let x = interior.clamp(x_lo, x_hi);
    let payoff = |x: f64| {
        let accept = ((x_hi - x) / (x_hi - x_lo)).clamp(0.0, 1.0);
        x * accept + w_self * (1.0 - accept)
    };
    // Never demand more than everything, nor settle below the value of war when certain.
    let x = x.clamp(0.0, 1.0);
    if payoff(x) >= w_self {
        x
    } else {
        x_hi.clamp(0.0, 1.0)
    }
}

// ---------------------------------------------------------------------------------------------
// The trace a run leaves: compact, no strings, so that many runs stay cheap.

/// One round of war, as the sides saw it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct WarStep {
    /// The round, counted from 1.
    pub round: u32,
    /// Front at the start of the round (0 = B's victory, front_steps = A's).
    pub front: u32,
    /// True probability that A wins this round's battle.
    pub truth: f64,
    /// Each side's belief that *it* wins a battle (A: mean of its Beta; B: 1 - mean of its).
    pub belief: [f64; 2],
    /// Each side's value of fighting on, as a share of the stakes.
    pub value: [f64; 2],
    /// The forum's estimates of those values (with the public view of each side's cost).
    pub public_value: [f64; 2],
    /// The proposal: A's share of the stakes.
    pub proposal: f64,
    /// Whether A and B accept the proposal.
    pub accepted: [bool; 2],
    /// Whether both accepted, which ends the war.
    pub ceasefire: bool,
    /// Who won this round's battle (none when a ceasefire came first).
    pub battle: Option<usize>,
    /// Cost of this round to each side.
    pub cost: [f64; 2],
    /// The public view of each side's cost: the interval others believe it lies in.
    pub cost_view: [(f64, f64); 2],
    /// Open channels this round.
    pub channels_open: u32,
}

impl WarStep {
    /// The bargaining range in A's share: [W_A, 1 - W_B]; empty when the low end is above.
    pub fn range(&self) -> (f64, f64) {
        (self.value[0], 1.0 - self.value[1])
    }

    /// Error of each side's belief: belief - truth (> 0: overconfident).
    pub fn error(&self) -> [f64; 2] {
        [
            self.belief[0] - self.truth,
            self.belief[1] - (1.0 - self.truth),
        ]
    }

    /// Joint optimism: the two sides' beliefs in their own victory add to more than one by this
    /// much; 0 when they agree on the odds.
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
        /// A's share of the stakes under it, 0..1.
        share: f64,
    },
    /// A side pushed the front to its end.
    Victory {
        /// The victor: 0 for A, 1 for B.
        side: usize,
        /// The round of the victory.
        round: u32,
    },
    /// Still at war at the horizon.
    Ongoing,
}

/// What a run of the war model found.
#[derive(Debug, Clone, PartialEq)]
pub struct WarResult {
    /// The rounds fought, in order, the last one included.
    pub steps: Vec<WarStep>,
    /// How it ended.
    pub ending: Ending,
    /// Probability of renewed war within 12, 24 and 60 rounds of a ceasefire (`None` past the
    /// examined horizon or without a ceasefire).
    pub renewal: [Option<f64>; 3],
    /// Per round of peace: the hazard of renewed war and A's chance in a renewed war.
    pub peace: Vec<PeaceStep>,
    /// Channels the other side refused: (channel index, round).
    pub refused: Vec<(usize, u32)>,
    /// Channels opened: (channel index, round).
    pub opened: Vec<(usize, u32)>,
    /// The terms' normalised values in 0..1: guarantees, forces, monitoring.
    pub terms: [Option<f64>; 3],
}

/// One round of the peace after a ceasefire.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PeaceStep {
    /// Rounds since the ceasefire, from 1.
    pub round: u32,
    /// A's probability of winning a renewed war now, as A sees it (guarantors fight for B) and
    /// as B sees it (they do not back B's own attack).
    pub p_now: [f64; 2],
    /// The same once the shift in power has run its course.
    pub p_later: [f64; 2],
    /// Each side's one-off cost of a renewed war.
    pub cost: [f64; 2],
    /// Powell's margin for A attacking and for B attacking (> 0: it attacks).
    pub margin: [f64; 2],
    /// Probability that war resumes in this round, 0..1.
    pub hazard: f64,
}

// ---------------------------------------------------------------------------------------------
// The simulation.

struct Channel {
    /// Requested open by the scenario or a shock.
    requested: bool,
    open: bool,
    /// The last request was refused; a new request (a shock) is needed.
    refused: bool,
    /// Belligerents that receive its signal.
    recipients: [bool; 2],
}

struct Sim<'a> {
    /// The scenario as shocks leave it; copied only when a shock changes it.
    sc: Cow<'a, Scenario>,
    rng: ChaCha8Rng,
    /// Military strength of A and B, in capability units times `strength_scale`.
    strength: [f64; 2],
    /// 1, or the power of two that kept huge capabilities' strengths finite.
    strength_scale: f64,
    /// Share of the stakes the forum gives A of the surplus of peace.
    lambda: f64,
    /// True chance that A wins a battle, from the strengths.
    pi: f64,
    /// Beta(a, b) beliefs about pi, the chance that A wins a battle.
    belief: [(f64, f64); 2],
    /// Public belief about each side's cost per round: uniform on [lo, hi].
    cost_view: [(f64, f64); 2],
    channels: Vec<Channel>,
    front: u32,
}

fn war(sc: &Scenario) -> &War {
    sc.war
        .as_ref()
        .expect("the war model runs only on scenarios with a war")
}

/// Capability a member can bring: an actor's, or the sum of a bloc's actors'.
fn capability(sc: &Scenario, m: Member) -> f64 {
    match m {
        Member::Actor(a) => sc.actors[a].capability.value(),
        Member::Bloc(_) => sc
            .member_actors(m)
            .iter()
            .map(|&a| sc.actors[a].capability.value())
            .sum(),
    }
}

/// How much of a supporter's aid arrives: 1 for an actor; for a bloc, 1 minus its spread on the
/// stakes relative to half the scale, and nothing under unanimity if a member leans to the
/// other side.
fn cohesion(sc: &Scenario, m: Member, side: usize) -> f64 {
    let Member::Bloc(b) = m else { return 1.0 };
    let w = war(sc);
    let scale = sc.issues[w.stakes].scale;
    let st = bloc_stance(sc, b, w.stakes);
    let mut c = (1.0 - 2.0 * st.spread / scale.width()).clamp(0.0, 1.0);
    if sc.blocs[b].rule == Rule::Unanimity {
        let pos =
            |k: usize| sc.actors[w.belligerents[k]].stances[w.stakes].map(|s| s.position.value());
        if let (Some(own), Some(other)) = (pos(side), pos(1 - side)) {
            let leans_away = sc.member_actors(m).iter().any(|&a| {
                sc.actors[a].stances[w.stakes].is_some_and(|s| {
                    let x = s.position.value();
                    (x - other).abs() < (x - own).abs()
                })
            });
            if leans_away {
                c = 0.0;
            }
        }
    }
    c
}

/// The belligerent camp of every actor: 0 = A's (A or one of its supporters), 1 = B's,
/// `None` = neither.
fn actor_camps(sc: &Scenario) -> Vec<Option<usize>> {
    let w = war(sc);
    let mut camps = vec![None; sc.actors.len()];
    for s in &w.supports {
        for a in sc.member_actors(s.member) {
            camps[a].get_or_insert(s.side);
        }
    }
    for (k, &b) in w.belligerents.iter().enumerate() {
        camps[b] = Some(k);
    }
    camps
}

/// The camp of a member: a bloc that supports a side is in its camp; otherwise a bloc is in a
/// camp only if all its actors are.
fn camp(sc: &Scenario, camps: &[Option<usize>], m: Member) -> Option<usize> {
    match m {
        Member::Actor(a) => camps[a],
        Member::Bloc(_) => {
            if let Some(s) = war(sc).supports.iter().find(|s| s.member == m) {
                return Some(s.side);
            }
            let members = sc.member_actors(m);
            let first = members.first().and_then(|&a| camps[a]);
            members
                .iter()
                .all(|&a| camps[a] == first)
                .then_some(first)
                .flatten()
        }
    }
}

/// A member's stance on an issue as the forum hears it: (capability, position, salience).
fn voice(sc: &Scenario, m: Member, issue: usize) -> Option<(f64, f64, f64)> {
    match m {
        Member::Actor(a) => {
            let actor = &sc.actors[a];
            actor.stances[issue].map(|s| {
                (
                    actor.capability.value(),
                    s.position.value(),
                    s.salience.value(),
                )
            })
        }
        Member::Bloc(b) => {
            let position = bloc_stance(sc, b, issue).position?;
            let members: Vec<(f64, f64)> = sc
                .member_actors(m)
                .into_iter()
                .filter_map(|a| {
                    sc.actors[a].stances[issue]
                        .map(|s| (sc.actors[a].capability.value(), s.salience.value()))
                })
                .collect();
            let cap: f64 = members.iter().map(|x| x.0).sum();
            let sal = members.iter().map(|x| x.0 * x.1).sum::<f64>() / cap;
            Some((cap, position, sal))
        }
    }
}

/// The forum's outcome on an issue, its members weighted by capability (times `power` for the
/// belligerents) and salience. `None` when no member takes a position.
fn forum_outcome(sc: &Scenario, issue: usize, power: [f64; 2]) -> Option<f64> {
    let w = war(sc);
    let pts: Vec<(f64, f64)> = w
        .forum
        .iter()
        .filter_map(|&m| {
            let (cap, x, sal) = voice(sc, m, issue)?;
            let boost = match m {
                Member::Actor(a) => w
                    .belligerents
                    .iter()
                    .position(|&b| b == a)
                    .map_or(1.0, |k| power[k]),
                Member::Bloc(_) => 1.0,
            };
            Some((x, cap * boost * sal))
        })
        .collect();
    if pts.iter().all(|p| p.1 <= 0.0) {
        return None;
    }
    let iss = &sc.issues[issue];
    Some(match w.forum_model {
        ForumModel::Compromise => weighted_mean(pts),
        ForumModel::Median => weighted_median(pts),
        ForumModel::Nash => match iss.status_quo {
            Some(q) => nash_bargaining(&pts, q.value(), iss.scale),
            None => weighted_mean(pts),
        },
    })
}

fn stakes_ends(sc: &Scenario) -> (f64, f64) {
    let w = war(sc);
    let pos = |k: usize| {
        sc.actors[w.belligerents[k]].stances[w.stakes].map_or(0.0, |s| s.position.value())
    };
    (pos(0), pos(1))
}

/// A value on the stakes issue as A's share: 0 at B's position, 1 at A's.
fn share_of(sc: &Scenario, x: f64) -> f64 {
    let (pa, pb) = stakes_ends(sc);
    ((x - pb) / (pa - pb)).clamp(0.0, 1.0)
}

fn normalised(scale: Scale, x: f64) -> f64 {
    ((x - scale.lo) / scale.width()).clamp(0.0, 1.0)
}

/// A side's value of war, linear in its cost per round c0: W = k0 - c0 k1.
#[derive(Debug, Clone, Copy)]
struct Value {
    k0: f64,
    k1: f64,
}

impl Value {
    fn at(&self, c0: f64) -> f64 {
        self.k0 - c0 * self.k1
    }

    /// The cost below which the side prefers war to a settlement worth `u` to it.
    fn cost_threshold(&self, u: f64) -> f64 {
        (self.k0 - u) / self.k1
    }
}

impl<'a> Sim<'a> {
    fn new(sc: &'a Scenario, seed: u64) -> Sim<'a> {
        let w = war(sc);
        let channels = w
            .channels
            .iter()
            .map(|c| Channel {
                requested: c.open,
                open: false,
                refused: false,
                recipients: [false; 2],
            })
            .collect();
        let mut sim = Sim {
            sc: Cow::Borrowed(sc),
            rng: ChaCha8Rng::seed_from_u64(seed),
            strength: [0.0; 2],
            strength_scale: 1.0,
            lambda: 0.5,
            pi: 0.5,
            belief: [(1.0, 1.0); 2],
            cost_view: [(0.0, 0.0); 2],
            channels,
            front: w.front,
        };
        sim.refresh();
        let truth = sim.truth();
        let w = war(&sim.sc);
        for k in 0..2 {
            let side = &w.sides[k];
            let s = side.belief_strength.value();
            // Each side's belief that it wins, turned into a belief about A's chance.
            let own = side.win_belief.map(|b| b.value()).unwrap_or(if k == 0 {
                truth
            } else {
                1.0 - truth
            });
            let m = if k == 0 { own } else { 1.0 - own };
            sim.belief[k] = (m * s, (1.0 - m) * s);
            let c = side.cost.value();
            sim.cost_view[k] = side.cost_believed.unwrap_or((c, c));
        }
        sim
    }

    /// Recomputes what depends on parameters that shocks can change.
    fn refresh(&mut self) {
        let sc = &self.sc;
        let w = war(sc);
        let strengths = |f: f64| {
            let mut strength = [0, 1].map(|k| {
                w.sides[k].commitment.value()
                    * (sc.actors[w.belligerents[k]].capability.value() * f)
            });
            for s in &w.supports {
                strength[s.side] += s.share.value()
                    * (capability(sc, s.member) * f)
                    * cohesion(sc, s.member, s.side);
            }
            strength
        };
        let mut strength = strengths(1.0);
        self.strength_scale = 1.0;
        if !(strength[0].is_finite() && strength[1].is_finite()) {
            // Capabilities near the f64 limit: only the ratio of strengths matters, so all of
            // them are taken in units of 2^1023 (exact).
            self.strength_scale = super::num::pow2(-1023);
            strength = strengths(self.strength_scale);
        }
        self.strength = strength;
        self.pi = battle_odds(strength[0], strength[1], w.decisiveness.value());
        self.lambda = forum_outcome(sc, w.stakes, [1.0, 1.0]).map_or(0.5, |x| share_of(sc, x));
        let actor_camps = if w.channels.is_empty() {
            Vec::new()
        } else {
            actor_camps(sc)
        };
        for (c, ch) in w.channels.iter().enumerate() {
            let camps = [
                camp(sc, &actor_camps, ch.between[0]),
                camp(sc, &actor_camps, ch.between[1]),
            ];
            let mut rec = [false; 2];
            if camps[0] != camps[1] {
                for k in camps.into_iter().flatten() {
                    rec[k] = true;
                }
            }
            self.channels[c].recipients = rec;
        }
    }

    fn truth(&self) -> f64 {
        self.pi
    }

    /// Side k's value of fighting on at round t, by its own beliefs.
    fn value(&self, k: usize, t: u32) -> Value {
        let w = war(&self.sc);
        let n = w.front_steps;
        let (a, b) = self.belief[k];
        // beta_expect's three-point rule, sharing the mean's evaluation with the duration.
        let (m, h) = beta_nodes(a, b);
        let (win_m, d) = ruin(m, self.front, n);
        let p_a =
            (ruin_win(m - h, self.front, n) + 4.0 * win_m + ruin_win(m + h, self.front, n)) / 6.0;
        let prize = if k == 0 { p_a } else { 1.0 - p_a };
        let side = &w.sides[k];
        let delta = w.discount.value();
        let g = side.cost_growth.value();
        let growth_now = g.powi(t as i32 - 1).min(MAX_COST_FACTOR);
        // W = P - C (Fearon 1995), C the discounted costs over the expected remaining war.
        Value {
            k0: prize - side.sanctions.value() * geometric(delta, d),
            k1: growth_now * geometric(delta * g, d).min(MAX_COST_FACTOR),
        }
    }

    fn cost_now(&self, k: usize, t: u32) -> f64 {
        let side = &war(&self.sc).sides[k];
        side.cost.value()
            * side
                .cost_growth
                .value()
                .powi(t as i32 - 1)
                .min(MAX_COST_FACTOR)
            + side.sanctions.value()
    }

    /// A settlement's worth to side k: its share, less its leader's penalty for a losing deal.
    fn utility(&self, k: usize, share: f64) -> f64 {
        let side = &war(&self.sc).sides[k];
        if share < side.leader_threshold.value() {
            share - side.leader_penalty.value()
        } else {
            share
        }
    }

    fn apply_shocks(&mut self, t: u32) -> bool {
        let due: Vec<(Target, crate::Param)> = self
            .sc
            .shocks
            .iter()
            .filter(|s| s.at == t)
            .map(|s| (s.target, s.to))
            .collect();
        if due.is_empty() {
            return false;
        }
        for (target, to) in due {
            if let Target::ChannelOpen { channel } = target {
                let want = to.value() >= 0.5;
                // Every request is a new one: the other side decides again.
                if want {
                    self.channels[channel].refused = false;
                }
                self.channels[channel].requested = want;
            }
            self.sc.to_mut().set(target, to);
        }
        true
    }

    /// Opens requested channels (the other side may refuse) and closes withdrawn ones.
    fn update_channels(&mut self, t: u32, out: &mut WarResult) -> bool {
        let mut changed = false;
        for c in 0..self.channels.len() {
            let (requested, open, refused) = {
                let ch = &self.channels[c];
                (ch.requested, ch.open, ch.refused)
            };
            if requested && !open && !refused {
                let ch = &war(&self.sc).channels[c];
                let accept = ch.acceptance.value();
                let draw: f64 = self.rng.random();
                if draw < accept {
                    self.channels[c].open = true;
                    out.opened.push((c, t));
                    if let Some((issue, price)) = ch.price {
                        self.pay_price(c, issue, price.value());
                        changed = true;
                    }
                } else {
                    self.channels[c].refused = true;
                    out.refused.push((c, t));
                }
            } else if !requested && open {
                self.channels[c].open = false;
            }
        }
        changed
    }

    /// The opener concedes: its actors move `price` towards the other end on `issue`.
    fn pay_price(&mut self, c: usize, issue: usize, price: f64) {
        let ch = war(&self.sc).channels[c].clone();
        let Some((_, target, _)) = voice(&self.sc, ch.between[1], issue) else {
            return;
        };
        for a in self.sc.member_actors(ch.between[0]) {
            if let Some(s) = &mut self.sc.to_mut().actors[a].stances[issue] {
                let x = s.position.value();
                let moved = if target > x {
                    (x + price).min(target)
                } else {
                    (x - price).max(target)
                };
                s.position = crate::Param::Fixed(moved);
            }
        }
    }

    fn proposal(&self, value: &[Value; 2], public: &[f64; 2]) -> f64 {
        let w = war(&self.sc);
        match w.proposer {
            None => {
                // With a surplus, A gets its value plus the forum's share lambda of the surplus.
                // Without one, no split satisfies both; the forum leans towards the side it
                // favours, so that a higher lambda always means more for A.
                let surplus = 1.0 - public[0] - public[1];
                let tilt = if surplus >= 0.0 {
                    self.lambda
                } else {
                    1.0 - self.lambda
                };
                (public[0] + tilt * surplus).clamp(0.0, 1.0)
            }
            Some(k) => {
                // The proposer demands; the other's acceptance depends on its cost, which the
                // proposer sees as the public interval.
                let other = 1 - k;
                let own = value[k].at(war(&self.sc).sides[k].cost.value());
                let (lo, hi) = self.cost_view[other];
                let demand = tioli_demand(own, value[other].k0, value[other].k1, lo, hi);
                if k == 0 { demand } else { 1.0 - demand }
            }
        }
    }

    /// After a rejection, everyone learns that the side's cost is below the level at which it
    /// would have accepted (Bayes on a uniform belief: truncation). A rejection no type in the
    /// belief would make is put down to a tremble and teaches nothing.
    fn learn_from_rejection(&mut self, k: usize, value: &Value, offered_share: f64) {
        let threshold = value.cost_threshold(offered_share);
        let (lo, hi) = self.cost_view[k];
        if threshold > lo && threshold < hi {
            self.cost_view[k] = (lo, threshold);
        }
    }

    fn battle(&mut self) -> usize {
        let pi = self.truth();
        let draw: f64 = self.rng.random();
        let winner = if draw < pi { 0 } else { 1 };
        for b in &mut self.belief {
            if winner == 0 {
                b.0 += 1.0;
            } else {
                b.1 += 1.0;
            }
        }
        if winner == 0 {
            self.front += 1;
        } else {
            self.front -= 1;
        }
        winner
    }

    /// Open channels carry a noisy reading of the balance of forces to the belligerents they
    /// connect, worth `weight` battles of evidence.
    fn talk(&mut self) {
        let pi = self.truth();
        for c in 0..self.channels.len() {
            if !self.channels[c].open {
                continue;
            }
            let ch = &war(&self.sc).channels[c];
            let (noise, weight) = (ch.noise.value(), ch.weight.value());
            for k in 0..2 {
                if self.channels[c].recipients[k] {
                    let z: f64 = StandardNormal.sample(&mut self.rng);
                    let y = (pi + noise * z).clamp(0.0, 1.0);
                    self.belief[k].0 += weight * y;
                    self.belief[k].1 += weight * (1.0 - y);
                }
            }
        }
    }
}

/// Runs the war model on a scenario whose round-0 shocks are already applied.
/// One run of the war: the outcome per issue and the war's own record.
pub fn simulate(scenario: &Scenario, seed: u64) -> (Vec<Option<f64>>, WarResult) {
    let mut sim = Sim::new(scenario, seed);
    let (n, horizon) = (war(scenario).front_steps, war(scenario).horizon);
    let mut out = WarResult {
        steps: Vec::with_capacity(horizon as usize),
        ending: Ending::Ongoing,
        renewal: [None; 3],
        peace: Vec::new(),
        refused: Vec::new(),
        opened: Vec::new(),
        terms: [None; 3],
    };
    let mut last_values = [Value { k0: 0.0, k1: 0.0 }; 2];
    for t in 1..=horizon {
        let mut changed = sim.apply_shocks(t);
        changed |= sim.update_channels(t, &mut out);
        if changed || t == 1 {
            sim.refresh();
        }
        let w = war(&sim.sc);
        let value = [sim.value(0, t), sim.value(1, t)];
        last_values = value;
        let own = [
            value[0].at(w.sides[0].cost.value()),
            value[1].at(w.sides[1].cost.value()),
        ];
        let mid = |k: usize| 0.5 * (sim.cost_view[k].0 + sim.cost_view[k].1);
        let public = [value[0].at(mid(0)), value[1].at(mid(1))];
        let x = sim.proposal(&value, &public);
        let accepted = [
            sim.utility(0, x) >= own[0] - 1e-12,
            sim.utility(1, 1.0 - x) >= own[1] - 1e-12,
        ];
        let cost = [sim.cost_now(0, t), sim.cost_now(1, t)];
        let truth = sim.truth();
        let belief = {
            let m = |k: usize| sim.belief[k].0 / (sim.belief[k].0 + sim.belief[k].1);
            [m(0), 1.0 - m(1)]
        };
        let mut step = WarStep {
            round: t,
            front: sim.front,
            truth,
            belief,
            value: own,
            public_value: public,
            proposal: x,
            accepted,
            ceasefire: accepted[0] && accepted[1],
            battle: None,
            cost,
            cost_view: sim.cost_view,
            channels_open: sim.channels.iter().filter(|c| c.open).count() as u32,
        };
        if step.ceasefire {
            out.steps.push(step);
            out.ending = Ending::Ceasefire { round: t, share: x };
            break;
        }
        if !accepted[0] {
            sim.learn_from_rejection(0, &value[0], x);
        }
        if !accepted[1] {
            sim.learn_from_rejection(1, &value[1], 1.0 - x);
        }
        step.battle = Some(sim.battle());
        sim.talk();
        out.steps.push(step);
        if sim.front == n {
            out.ending = Ending::Victory { side: 0, round: t };
            break;
        }
        if sim.front == 0 {
            out.ending = Ending::Victory { side: 1, round: t };
            break;
        }
    }

    let sc = &sim.sc;
    let w = war(sc);
    let (pa, pb) = stakes_ends(sc);
    let outcomes: Vec<Option<f64>> = match out.ending {
        Ending::Ceasefire { share, round } => {
            // The forum settles the other issues, the belligerents weighted by their bargaining
            // power: their values of fighting on at the ceasefire.
            let wv = [
                last_values[0].at(w.sides[0].cost.value()),
                last_values[1].at(w.sides[1].cost.value()),
            ];
            let plus = [wv[0].max(0.01), wv[1].max(0.01)];
            let power = [
                2.0 * plus[0] / (plus[0] + plus[1]),
                2.0 * plus[1] / (plus[0] + plus[1]),
            ];
            let outcomes: Vec<Option<f64>> = (0..sc.issues.len())
                .map(|k| {
                    if k == w.stakes {
                        Some(pb + share * (pa - pb))
                    } else {
                        forum_outcome(sc, k, power).or(sc.issues[k].status_quo.map(|q| q.value()))
                    }
                })
                .collect();
            durability(&mut sim, &outcomes, round, &mut out);
            outcomes
        }
        Ending::Victory { side, .. } => {
            // The victor imposes its positions where it has them.
            let victor = &sc.actors[w.belligerents[side]];
            (0..sc.issues.len())
                .map(|k| {
                    victor.stances[k]
                        .map(|s| s.position.value())
                        .or(sc.issues[k].status_quo.map(|q| q.value()))
                })
                .collect()
        }
        Ending::Ongoing => (0..sc.issues.len())
            .map(|k| {
                if k == w.stakes {
                    // The line of contact.
                    Some(pb + (sim.front as f64 / n as f64) * (pa - pb))
                } else {
                    sc.issues[k].status_quo.map(|q| q.value())
                }
            })
            .collect(),
    };
    (outcomes, out)
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
    /// Median round of the ceasefires, when there are any.
    pub median_ceasefire_round: Option<u32>,
    /// Mean of A's share over the ceasefires.
    pub mean_share: Option<f64>,
    /// Mean probability of renewed war within 60 rounds, over the ceasefires.
    pub mean_renewal_60: Option<f64>,
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
    let (mut cf, mut vic, mut rounds, mut share, mut renewal, mut gap) =
        (0u64, [0u64; 2], Vec::new(), 0.0, 0.0, 0.0);
    let mut renewals = 0u64;
    for seed in first_seed..first_seed + runs {
        crate::cancel::check()?;
        let (_, w) = simulate(scenario, seed);
        match w.ending {
            Ending::Ceasefire { round, share: x } => {
                cf += 1;
                rounds.push(round);
                share += x;
                if let Some(r) = w.renewal[2] {
                    renewal += r;
                    renewals += 1;
                }
            }
            Ending::Victory { side, .. } => vic[side] += 1,
            Ending::Ongoing => {}
        }
        if !w.steps.is_empty() {
            gap += w.steps.iter().map(|s| s.gap().abs()).sum::<f64>() / w.steps.len() as f64;
        }
    }
    rounds.sort_unstable();
    let n = runs.max(1) as f64;
    Ok(Ensemble {
        runs,
        first_seed,
        ceasefire: cf as f64 / n,
        victory: [vic[0] as f64 / n, vic[1] as f64 / n],
        ongoing: (runs - cf - vic[0] - vic[1]) as f64 / n,
        median_ceasefire_round: rounds.get(rounds.len() / 2).copied(),
        mean_share: (cf > 0).then(|| share / cf as f64),
        mean_renewal_60: (renewals > 0).then(|| renewal / renewals as f64),
        mean_abs_gap: gap / n,
    })
}

/// The peace after a ceasefire: both rearm, the terms cap the shift and raise the cost of
/// renewed war, and each round the declining side weighs attacking by Powell's condition.
fn durability(sim: &mut Sim, outcomes: &[Option<f64>], ceasefire_round: u32, out: &mut WarResult) {
    let sc = &sim.sc;
    let w = war(sc);
    let term = |issue: Option<usize>| {
        issue.and_then(|k| outcomes[k].map(|x| normalised(sc.issues[k].scale, x)))
    };
    let g = term(w.terms.guarantees);
    let f = term(w.terms.forces);
    let m = term(w.terms.monitoring);
    out.terms = [g, f, m];
    let (g, f, m) = (g.unwrap_or(0.0), f.unwrap_or(1.0), m.unwrap_or(0.0));
    let guarantors: Vec<Member> = match &w.terms.guarantors {
        Some(list) => list.clone(),
        None => w
            .supports
            .iter()
            .filter(|s| s.side == 1)
            .map(|s| s.member)
            .collect(),
    };
    let guarantee = g
        * w.terms.guarantee_share.map_or(0.1, |p| p.value())
        * guarantors.iter().map(|&m| capability(sc, m)).sum::<f64>();
    let extra_cost = g * w.terms.guarantee_cost.map_or(0.5, |p| p.value());
    let delta = w.discount.value();
    let gamma = w.decisiveness.value();
    let n = w.front_steps;
    let front = sim.front;
    let rate = [w.sides[0].rearm.value(), w.sides[1].rearm.value() * f];
    let cost_rate = [
        sim.cost_now(0, ceasefire_round),
        sim.cost_now(1, ceasefire_round),
    ];
    let base = w.after.baseline_hazard.value() * (1.0 - 0.5 * m);
    let kappa = w.after.sensitivity.value();
    let mut start = sim.strength;
    let mut guarantee = guarantee * sim.strength_scale;
    // A's chance in a renewed war, and its expected length, at strengths (a, b). Guarantors
    // fight for B only if A attacks, so A's view adds them to B's strength and B's does not.
    let chance = |a: f64, b: f64| -> (f64, f64) { ruin(battle_odds(a, b, gamma), front, n) };
    // Powell's two periods: now, and the balance once the shift has run its course (the end of
    // the examined horizon).
    let h = w.after.horizon;
    out.peace.reserve(h as usize);
    let grow = [1.0 + rate[0], 1.0 + rate[1]];
    // Rearmament compounds over the horizon (at most 2^1000 by validation): strengths near the
    // f64 limit are first brought into 1..2 by a power of two, which keeps their ratios.
    let top = start[0].max(start[1]).max(guarantee);
    if !(top * 2.0 * grow[0].max(grow[1]).powi(h as i32)).is_finite() {
        let f = super::num::scale_for(top);
        start = start.map(|x| x * f);
        guarantee *= f;
    }
    let (a_h, b_h) = (
        start[0] * grow[0].powi(h as i32),
        start[1] * grow[1].powi(h as i32),
    );
    let later_a = chance(a_h, b_h + guarantee).0;
    let later_b = chance(a_h, b_h).0;
    let (mut a, mut b) = (start[0], start[1]);
    let mut survive = 1.0;
    for s in 1..=h {
        let (p_a, d_a) = chance(a, b + guarantee);
        let (p_b, d_b) = chance(a, b);
        // One-off costs of a renewed war: the cost rate over its expected length; guarantees
        // add to the attacker A's.
        let cost = [cost_rate[0] * d_a + extra_cost, cost_rate[1] * d_b];
        let margin_a = powell_margin(p_a, later_a, delta, cost[0]);
        let margin_b = powell_margin(1.0 - p_b, 1.0 - later_b, delta, cost[1]);
        let margin = margin_a.max(margin_b);
        let hazard = if margin > 0.0 {
            1.0
        } else {
            (base * (kappa * margin).exp()).min(1.0)
        };
        survive *= 1.0 - hazard;
        out.peace.push(PeaceStep {
            round: s,
            p_now: [p_a, p_b],
            p_later: [later_a, later_b],
            cost,
            margin: [margin_a, margin_b],
            hazard,
        });
        a *= grow[0];
        b *= grow[1];
        for (slot, mark) in [12, 24, 60].iter().enumerate() {
            if s == *mark {
                out.renewal[slot] = Some(1.0 - survive);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gamblers_ruin_closed_forms() {
        // Fair battles: k / N and k (N - k).
        assert!((ruin_win(0.5, 3, 10) - 0.3).abs() < 1e-12);
        assert!((ruin_duration(0.5, 3, 10) - 21.0).abs() < 1e-9);
        // p = 2/3, q = 1/2, N = 2, k = 1: (1 - 1/2) / (1 - 1/4) = 2/3 (one battle decides).
        assert!((ruin_win(2.0 / 3.0, 1, 2) - 2.0 / 3.0).abs() < 1e-12);
        assert!((ruin_duration(2.0 / 3.0, 1, 2) - 1.0).abs() < 1e-12);
        // The two forms of the ratio agree and are symmetric: P_A(p, k) = 1 - P_A(1-p, N-k).
        for &(p, k, n) in &[(0.3, 4, 10), (0.7, 6, 10), (0.55, 1, 30), (0.01, 15, 20)] {
            let a = ruin_win(p, k, n);
            let b = 1.0 - ruin_win(1.0 - p, n - k, n);
            assert!((a - b).abs() < 1e-12, "{p} {k} {n}: {a} vs {b}");
        }
        // No overflow far from 1/2.
        let x = ruin_win(1e-6, 500, 1000);
        assert!(x.is_finite() && (0.0..=1.0).contains(&x));
    }

    #[test]
    fn tioli_matches_fearon() {
        // p = 0.5, c_A = 0.1, c_bar = 0.4: x* = 0.5 + 0.15 = 0.65.
        let x = tioli_demand(0.5 - 0.1, 1.0 - 0.5, 1.0, 0.0, 0.4);
        assert!((x - 0.65).abs() < 1e-12, "{x}");
        // Known cost: demand exactly the other's reservation.
        assert!((tioli_demand(0.4, 0.5, 1.0, 0.2, 0.2) - 0.7).abs() < 1e-12);
    }

    #[test]
    fn three_point_rule_is_exact_for_quadratics() {
        // Beta(2, 3): E[pi] = 0.4, E[pi^2] = a(a+1)/((a+b)(a+b+1)) = 6/30 = 0.2.
        assert!((beta_expect(2.0, 3.0, |x| x) - 0.4).abs() < 1e-12);
        assert!((beta_expect(2.0, 3.0, |x| x * x) - 0.2).abs() < 1e-12);
    }
}
