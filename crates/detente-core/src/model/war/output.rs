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

/// One round of war (see `docs/output.md`). Maps are keyed by the belligerents' ids.
#[derive(Debug, Clone, Serialize)]
pub struct WarRoundOutput {
    /// The round, counted from 1.
    pub round: u32,
    /// The front at the start of the round (0 = B's victory, `front_steps` = A's).
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
    /// `range[1] - range[0]`; negative when the range is empty.
    pub range_width: f64,
    /// Proposal as A's share, and as a value on the stakes issue.
    pub proposal: f64,
    /// The proposal as a position on the stakes issue's scale.
    pub proposal_value: f64,
    /// Each side's answer to the proposal.
    pub accepted: BTreeMap<String, bool>,
    /// Whether both accepted.
    pub ceasefire: bool,
    /// Winner of this round's battle.
    pub battle: Option<String>,
    /// Each side's cost this round, in units of the whole stakes.
    pub cost: BTreeMap<String, f64>,
    /// The interval others believe each side's cost per round lies in.
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
    /// `ceasefire`, `victory` or `ongoing` (neither within the horizon).
    pub ending: String,
    /// The round of the ceasefire or the victory; `None` while ongoing.
    pub round: Option<u32>,
    /// The winner's id after a military victory.
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
    /// How far the sides' beliefs were from the truth.
    pub misperception: Misperception,
    /// Channels opened: (id, round).
    pub channels_opened: Vec<(String, u32)>,
    /// Channels the other side refused: (id, round).
    pub channels_refused: Vec<(String, u32)>,
    /// How typical this run is: endings over many seeds (see `ENSEMBLE_RUNS`).
    pub ensemble: Option<crate::model::war::Ensemble>,
    /// Sentences for a person; they also appear in `notes`.
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
    /// Its value of fighting on in the first round, as a share of the stakes.
    pub value_first: f64,
    /// The same in the last round.
    pub value_last: f64,
}

/// How far the sides' beliefs were from the truth, over the rounds.
#[derive(Debug, Clone, Serialize)]
pub struct Misperception {
    /// Joint optimism in the first round: beliefs in their own victory summed, minus one.
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

/// The war model's [`Detail`] of one run: its findings, and an ensemble of
/// [`ENSEMBLE_RUNS`] seeds from `seed` on, since one run is one path of a random war.
pub fn detail(sc: &Scenario, w: &WarResult, seed: u64) -> Result<Detail, crate::cancel::Stop> {
    let mut out = war_output(sc, w, seed);
    let e = super::ensemble(sc, seed, ENSEMBLE_RUNS)?;
    out.summary.push(ensemble_sentence(sc, &e));
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
            "The war model's forecast is one seeded path of the war; the last sentence below says how typical it is."
                .into(),
        ),
        trace,
        sections,
        data: out,
    })
}

/// The round-by-round table: beliefs and values are each side's own, the range and the
/// proposal are the first belligerent's share.
fn trace(w: &WarOutput) -> Option<Table> {
    if w.timeline.is_empty() {
        return None;
    }
    let [a, b] = &w.belligerents;
    let n = |x: f64| Cell::num(x, 3);
    Some(Table {
        title: format!(
            "Round by round (beliefs and values are each side's own; range and proposal are {a}'s share)"
        ),
        header: vec![
            "round".to_string(),
            "front".into(),
            format!("truth {a}"),
            format!("belief {a}"),
            format!("belief {b}"),
            "gap".into(),
            format!("value {a}"),
            format!("value {b}"),
            "range".into(),
            "proposal".into(),
            "answers".into(),
            "battle".into(),
        ],
        rows: w
            .timeline
            .iter()
            .map(|x| {
                let yes = |id: &str| if x.accepted[id] { "yes" } else { "no" };
                vec![
                    Cell::num(f64::from(x.round), 0),
                    Cell::num(f64::from(x.front), 0),
                    n(x.truth[a]),
                    n(x.belief[a]),
                    n(x.belief[b]),
                    Cell::Number {
                        value: x.gap,
                        decimals: 3,
                        signed: true,
                    },
                    n(x.value[a]),
                    n(x.value[b]),
                    Cell::Range {
                        low: x.range[0],
                        high: x.range[1],
                        decimals: 3,
                    },
                    n(x.proposal),
                    Cell::Text(format!("{} / {}", yes(a), yes(b))),
                    Cell::Text(x.battle.clone().unwrap_or_else(|| "-".into())),
                ]
            })
            .collect(),
    })
}
