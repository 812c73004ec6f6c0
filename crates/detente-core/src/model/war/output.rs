//! The war model's account of one run: the findings for a program (`war` in the JSON
//! document, `docs/output.md`), the sentences and the round-by-round table for a person, and
//! the ensemble over seeds that says how typical the run is.

use std::collections::BTreeMap;
use std::sync::Arc;

use serde::Serialize;

use super::{Ending, WarResult};
use crate::model::{Cell, Detail, Json, Table};
use crate::scenario::Scenario;

/// Seeded runs behind the war model's ensemble summary.
pub const ENSEMBLE_RUNS: u64 = 1000;

/// The sentences on the ensemble, which lead the account: ending shares, when, terms,
/// renewal, what was held fixed, and why no deal was struck while the war went on.
fn ensemble_sentences(sc: &Scenario, e: &crate::model::war::Ensemble) -> Vec<String> {
    let war = sc
        .war
        .as_ref()
        .expect("an ensemble comes from a scenario with a war");
    let name = |k: usize| sc.actors[war.belligerents[k]].display_name().to_string();
    let unit = unit(sc);
    let pct = |x: f64| format!("{:.0}%", 100.0 * x);
    let mut out = Vec::new();
    let mut s = format!(
        "Across {} seeded futures (seeds {}..{}): a ceasefire within {} {unit}s in {}",
        e.runs,
        e.first_seed,
        e.first_seed + e.runs - 1,
        war.horizon,
        pct(e.ceasefire)
    );
    if let Some(t) = e.median_ceasefire_time {
        s.push_str(&format!(
            " (median {unit} {}",
            crate::param::fmt_num(round1(t))
        ));
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
        "; {} wins militarily in {}, {} in {}; still fighting at the horizon in {}.",
        name(0),
        pct(e.victory[0]),
        name(1),
        pct(e.victory[1]),
        pct(e.ongoing)
    ));
    out.push(s);
    if let [Some(a), Some(b), Some(c)] = e.mean_renewal {
        let mut s = format!(
            "After a ceasefire, renewed war within 12 {unit}s: {}, 24: {}, 60: {} on average",
            pct(a),
            pct(b),
            pct(c)
        );
        if let (Some(br), Some(by_a)) = (e.broken, e.broken_by_a) {
            s.push_str(&format!(
                "; {} of the ceasefires broken within {} {unit}s, {} of them by {}",
                pct(br),
                war.after.horizon,
                pct(by_a),
                name(0)
            ));
        }
        if let Some(f) = e.frozen {
            s.push_str(&format!("; {} frozen (neither war nor peace)", pct(f)));
        }
        s.push('.');
        out.push(s);
    }
    if e.leader_removed.iter().any(|&x| x > 0.0) {
        out.push(format!(
            "A new leader took office during the war in {} of futures for {} and {} for {}.",
            pct(e.leader_removed[0]),
            name(0),
            pct(e.leader_removed[1]),
            name(1)
        ));
    }
    let sampled = sc.uncertain_slots().len();
    out.push(if sampled == 0 {
        "The scenario writes no number as a range: only the seeds vary.".to_string()
    } else {
        format!(
            "These futures vary the seeds only: the scenario's {sampled} numbers written as ranges are held at their most likely values (`detente explore` samples them)."
        )
    });
    let total: u64 = e.refusals.iter().sum();
    if total > 0 {
        let parts: Vec<String> = super::Reason::ALL
            .iter()
            .zip(e.refusals)
            .filter(|(_, n)| *n > 0)
            .map(|(r, n)| format!("{} {}", r.words(), pct(n as f64 / total as f64)))
            .collect();
        out.push(format!(
            "Why offers were refused while the war went on: {}.",
            parts.join(", ")
        ));
    }
    out
}

fn round1(x: f64) -> f64 {
    (x * 10.0).round() / 10.0
}

fn unit(sc: &Scenario) -> String {
    sc.meta.time_unit.clone().unwrap_or_else(|| "round".into())
}

/// One round of talks (see `docs/output.md`). Maps are keyed by the belligerents' ids.
#[derive(Debug, Clone, Serialize)]
pub struct WarRoundOutput {
    /// The round, counted from 1.
    pub round: u32,
    /// The time of its talks, in time units from the start.
    pub time: f64,
    /// A's share of the contested area (0 = B's military victory, 1 = A's).
    pub front: f64,
    /// Each side's true share of the balance of strength.
    pub truth: BTreeMap<String, f64>,
    /// Each side's belief about its share of the balance.
    pub belief: BTreeMap<String, f64>,
    /// Belief minus truth.
    pub error: BTreeMap<String, f64>,
    /// Joint optimism: the two beliefs add to more than one by this much.
    pub gap: f64,
    /// Each side's value of fighting on (its ideal package held forever = 1).
    pub value: BTreeMap<String, f64>,
    /// The forum's estimate of each side's value.
    pub public_value: BTreeMap<String, f64>,
    /// The proposal's stakes as A's share.
    pub proposal: f64,
    /// The proposal's stakes as a position on the stakes issue's scale.
    pub proposal_value: f64,
    /// Whether the forum expected both sides to accept the proposal.
    pub feasible: bool,
    /// Each side's answer to the proposal.
    pub accepted: BTreeMap<String, bool>,
    /// Why a side refused (`gap`, `leader`, `waiting`, `misperception`); absent if it accepted.
    pub reason: BTreeMap<String, super::Reason>,
    /// Whether both accepted.
    pub ceasefire: bool,
    /// Each side's cost rate, per time unit.
    pub cost: BTreeMap<String, f64>,
    /// The interval others believe each side's starting cost rate lies in.
    pub cost_believed: BTreeMap<String, [f64; 2]>,
    /// The number of channels open this round.
    pub channels_open: u32,
}

/// What the war model found, for a person and a program.
#[derive(Debug, Clone, Serialize)]
pub struct WarOutput {
    /// The ids of A and B.
    pub belligerents: [String; 2],
    /// The id of the issue fought over.
    pub stakes: String,
    /// Who sits at the table at the start: the forum's ids.
    pub forum: Vec<String>,
    /// `ceasefire`, `victory` or `ongoing` (neither within the horizon).
    pub ending: String,
    /// The round of the ceasefire or the victory; `None` while ongoing.
    pub round: Option<u32>,
    /// Its time, in time units from the start.
    pub time: Option<f64>,
    /// The winner's id after a military victory.
    pub victor: Option<String>,
    /// Whether the loser collapsed (rather than lost all its ground).
    pub collapse: Option<bool>,
    /// A's share of the stakes under the ceasefire.
    pub share: Option<f64>,
    /// Probability of renewed war within 12, 24 and 60 time units of the ceasefire.
    pub renewed_war: BTreeMap<String, Option<f64>>,
    /// When this path's ceasefire was broken and by whom, within `after.horizon`.
    pub broken: Option<(f64, String)>,
    /// Whether it froze into "neither war nor peace".
    pub frozen: bool,
    /// The terms' values on 0..1 that shape the peace.
    pub terms: BTreeMap<String, Option<f64>>,
    /// Which side's value of fighting on fell most between the first round and the last.
    pub moved: Option<Moved>,
    /// Leaders removed on this path during the war: (id of the side, time).
    pub leaders_removed: Vec<(String, f64)>,
    /// This path's refusals by reason.
    pub refusals: BTreeMap<String, u32>,
    /// How far the sides' beliefs were from the truth.
    pub misperception: Misperception,
    /// Channels opened: (id, round).
    pub channels_opened: Vec<(String, u32)>,
    /// Channels the other side refused: (id, round).
    pub channels_refused: Vec<(String, u32)>,
    /// The distribution over futures: endings over many seeds (see `ENSEMBLE_RUNS`).
    pub ensemble: Option<crate::model::war::Ensemble>,
    /// Sentences for a person, the ensemble's first; they also appear in `notes`.
    pub summary: Vec<String>,
    /// The rounds, which the run document shows under `rounds`.
    #[serde(skip)]
    pub timeline: Vec<WarRoundOutput>,
}

/// The side whose value of fighting on fell most over the war.
#[derive(Debug, Clone, Serialize)]
pub struct Moved {
    /// Its id.
    pub side: String,
    /// Its value of fighting on in the first round.
    pub value_first: f64,
    /// The same in the last round.
    pub value_last: f64,
}

/// How far the sides' beliefs were from the truth, over the rounds.
#[derive(Debug, Clone, Serialize)]
pub struct Misperception {
    /// Joint optimism in the first round: beliefs in their own shares summed, minus one.
    pub gap_first: f64,
    /// The same in the last round.
    pub gap_last: f64,
    /// The mean absolute gap over all rounds.
    pub mean_abs_gap: f64,
    /// Each side's belief minus truth in the first round.
    pub error_first: BTreeMap<String, f64>,
    /// The same in the last round.
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
        .map(|st| WarRoundOutput {
            round: st.round,
            time: st.time,
            front: st.front,
            truth: pair([st.truth, 1.0 - st.truth]),
            belief: pair(st.belief),
            error: pair(st.error()),
            gap: st.gap(),
            value: pair(st.value),
            public_value: pair(st.public_value),
            proposal: st.proposal,
            proposal_value: pb + st.proposal * (pa - pb),
            feasible: st.feasible,
            accepted: BTreeMap::from([
                (ids[0].clone(), st.accepted[0]),
                (ids[1].clone(), st.accepted[1]),
            ]),
            reason: (0..2)
                .filter_map(|k| st.reason[k].map(|r| (ids[k].clone(), r)))
                .collect(),
            ceasefire: st.ceasefire,
            cost: pair(st.cost),
            cost_believed: BTreeMap::from([
                (ids[0].clone(), [st.cost_view[0].0, st.cost_view[0].1]),
                (ids[1].clone(), [st.cost_view[1].0, st.cost_view[1].1]),
            ]),
            channels_open: st.channels_open,
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
    let mut refusals = BTreeMap::new();
    for st in &w.steps {
        for r in st.reason.iter().flatten() {
            *refusals
                .entry(
                    serde_json::to_value(r)
                        .ok()
                        .and_then(|v| v.as_str().map(String::from))
                        .unwrap_or_default(),
                )
                .or_insert(0u32) += 1;
        }
    }
    let unit = unit(sc);
    let (ending, round, time, victor, collapse, share) = match w.ending {
        Ending::Ceasefire { round, time, share } => (
            "ceasefire",
            Some(round),
            Some(time),
            None,
            None,
            Some(share),
        ),
        Ending::Victory {
            side,
            round,
            time,
            collapse,
        } => (
            "victory",
            Some(round),
            Some(time),
            Some(ids[side].clone()),
            Some(collapse),
            None,
        ),
        Ending::Ongoing => ("ongoing", None, None, None, None, None),
    };
    let pct = |x: f64| format!("{:.0}%", 100.0 * x);
    let t1 = |x: f64| crate::param::fmt_num(round1(x));
    let forum: Vec<String> = war
        .forum
        .iter()
        .map(|&m| sc.member_id(m).to_string())
        .collect();
    let mut summary = vec![format!("At the table: {}.", forum.join(", "))];
    let example = format!("One path, as an example (seed {seed}):");
    match w.ending {
        Ending::Ceasefire { time, share, .. } => summary.push(format!(
            "{example} a ceasefire in {unit} {}; {} gets {} of the stakes (`{}` = {:.1} on its {}..{} scale).",
            t1(time),
            names[0],
            pct(share),
            stakes.id,
            pb + share * (pa - pb),
            crate::param::fmt_num(stakes.scale.lo),
            crate::param::fmt_num(stakes.scale.hi),
        )),
        Ending::Victory {
            side,
            time,
            collapse,
            ..
        } => summary.push(format!(
            "{example} {} wins militarily in {unit} {}{}; no ceasefire.",
            names[side],
            t1(time),
            if collapse {
                format!(", {} collapsing under the war's burden", names[1 - side])
            } else {
                String::new()
            }
        )),
        Ending::Ongoing => summary.push(format!(
            "{example} no ceasefire within the horizon of {} {unit}s; the war goes on.",
            war.horizon
        )),
    }
    if let [Some(a), Some(b), Some(c)] = w.renewal {
        let mut s = format!(
            "On this path, the probability of renewed war: {} within 12 {unit}s, {} within 24, {} within 60",
            pct(a),
            pct(b),
            pct(c)
        );
        match w.broken {
            Some((t, k)) => s.push_str(&format!(
                "; here {} breaks the ceasefire after {} {unit}s.",
                names[k],
                t1(t)
            )),
            None if w.frozen => {
                s.push_str("; here it holds, with violations: neither war nor peace.")
            }
            None => s.push_str("; here it holds."),
        }
        summary.push(s);
    }
    for &(k, t) in &w.leaders {
        summary.push(format!(
            "On this path {}'s leader is removed in {unit} {}; a successor takes over.",
            names[k],
            t1(t)
        ));
    }
    for &(c, r) in &w.refused {
        summary.push(format!(
            "Channel `{}` was refused in round {r}.",
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
        forum,
        ending: ending.into(),
        round,
        time,
        victor,
        collapse,
        share,
        renewed_war,
        broken: w.broken.map(|(t, k)| (t, ids[k].clone())),
        frozen: w.frozen,
        terms,
        moved,
        leaders_removed: w
            .leaders
            .iter()
            .map(|&(k, t)| (ids[k].clone(), t))
            .collect(),
        refusals,
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

/// The war model's [`Detail`] of one run: its findings, and an ensemble of
/// [`ENSEMBLE_RUNS`] seeds from `seed` on, since one run is one path of a random war.
pub fn detail(sc: &Scenario, w: &WarResult, seed: u64) -> Result<Detail, crate::cancel::Stop> {
    let mut out = war_output(sc, w, seed);
    let e = super::ensemble(sc, seed, ENSEMBLE_RUNS)?;
    let mut summary = ensemble_sentences(sc, &e);
    summary.append(&mut out.summary);
    out.summary = summary;
    out.ensemble = Some(e);
    let rounds = out.timeline.iter().cloned().map(Json::new).collect();
    let summary = out.summary.clone();
    let caption = format!(
        "{} per issue (the settlement if there is a ceasefire, the line of contact and status quo if not)",
        if out.ending == "ceasefire" {
            "Terms"
        } else {
            "Outcome"
        }
    );
    let trace = trace(&out);
    let sections = super::view::section(sc, &out, seed).into_iter().collect();
    let out = Arc::new(out);
    Ok(Detail {
        key: "war",
        json: Json(out.clone()),
        rounds,
        summary,
        caption: Some(caption),
        caveat: Some(
            "The war model's figures are a distribution over seeded futures at the scenario's central values; the table and the example are one of those paths."
                .into(),
        ),
        trace,
        sections,
        data: out,
    })
}

/// The round-by-round table of the example path: beliefs and values are each side's own, the
/// front and the proposal are the first belligerent's share.
fn trace(w: &WarOutput) -> Option<Table> {
    if w.timeline.is_empty() {
        return None;
    }
    let [a, b] = &w.belligerents;
    let n = |x: f64| Cell::num(x, 3);
    Some(Table {
        title: format!(
            "One path, round by round (beliefs and values are each side's own; front and proposal are {a}'s share)"
        ),
        header: vec![
            "round".to_string(),
            "time".into(),
            "front".into(),
            format!("truth {a}"),
            format!("belief {a}"),
            format!("belief {b}"),
            format!("value {a}"),
            format!("value {b}"),
            "proposal".into(),
            "answers".into(),
            "why not".into(),
        ],
        rows: w
            .timeline
            .iter()
            .map(|x| {
                let yes = |id: &str| if x.accepted[id] { "yes" } else { "no" };
                let why: Vec<&str> = [a, b]
                    .iter()
                    .filter_map(|id| x.reason.get(*id).map(|r| r.words()))
                    .collect();
                vec![
                    Cell::num(f64::from(x.round), 0),
                    Cell::num(x.time, 1),
                    n(x.front),
                    n(x.truth[a]),
                    n(x.belief[a]),
                    n(x.belief[b]),
                    n(x.value[a]),
                    n(x.value[b]),
                    n(x.proposal),
                    Cell::Text(format!("{} / {}", yes(a), yes(b))),
                    Cell::Text(if why.is_empty() {
                        "-".into()
                    } else {
                        why.join("; ")
                    }),
                ]
            })
            .collect(),
    })
}
