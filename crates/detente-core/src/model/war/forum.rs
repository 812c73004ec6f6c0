//! Who sits at the table and what they want: capabilities, the cohesion of blocs, the camps of
//! the parties to a channel, and the forum's own preferred package.

use crate::bloc::bloc_stance;
use crate::model::nash_bargaining;
use crate::scenario::{ForumModel, Member, Rule, Scenario, War};
use crate::stats::{weighted_mean, weighted_median};

/// The scenario's war; the model runs only on scenarios that have one.
pub(super) fn war(sc: &Scenario) -> &War {
    sc.war
        .as_ref()
        .expect("the war model runs only on scenarios with a war")
}

/// Capability a member can bring: an actor's, or the sum of a bloc's actors'.
pub(super) fn capability(sc: &Scenario, m: Member) -> f64 {
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
/// stakes relative to half the scale, and under unanimity also the lean of its member nearest
/// the other side: 1 at the supported side's position, 1/2 halfway, 0 at the other side's. Every
/// part is continuous in every position, so a one-point move never drops the aid at once.
pub(super) fn cohesion(sc: &Scenario, m: Member, side: usize) -> f64 {
    let Member::Bloc(b) = m else { return 1.0 };
    let w = war(sc);
    let scale = sc.issues[w.stakes].scale;
    let st = bloc_stance(sc, b, w.stakes);
    let mut c = (1.0 - 2.0 * st.spread / scale.width()).clamp(0.0, 1.0);
    if sc.blocs[b].rule == Rule::Unanimity {
        let pos =
            |k: usize| sc.actors[w.belligerents[k]].stances[w.stakes].map(|s| s.position.value());
        if let (Some(own), Some(other)) = (pos(side), pos(1 - side)) {
            let lean = sc
                .member_actors(m)
                .iter()
                .filter_map(|&a| sc.actors[a].stances[w.stakes])
                .map(|s| {
                    let x = s.position.value();
                    (0.5 + ((x - other).abs() - (x - own).abs()) / (2.0 * (own - other).abs()))
                        .clamp(0.0, 1.0)
                })
                .fold(1.0, f64::min);
            c *= lean;
        }
    }
    c
}

/// The belligerent camp of every actor: 0 = A's (A or one of its supporters), 1 = B's,
/// `None` = neither.
pub(super) fn actor_camps(sc: &Scenario) -> Vec<Option<usize>> {
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
pub(super) fn camp(sc: &Scenario, camps: &[Option<usize>], m: Member) -> Option<usize> {
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
pub(super) fn voice(sc: &Scenario, m: Member, issue: usize) -> Option<(f64, f64, f64)> {
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

/// The forum's outcome on an issue, its members weighted by capability times salience, with the
/// stakeholder model it proposes with; `None` when no member takes a position. Its sum of
/// weights is the forum's weight on the issue.
pub(super) fn forum_point(sc: &Scenario, issue: usize) -> Option<(f64, f64)> {
    let w = war(sc);
    let pts: Vec<(f64, f64)> = w
        .forum
        .iter()
        .filter_map(|&m| {
            let (cap, x, sal) = voice(sc, m, issue)?;
            Some((x, cap * sal))
        })
        .collect();
    let total: f64 = pts.iter().map(|p| p.1).sum();
    if total.is_nan() || total <= 0.0 {
        return None;
    }
    let iss = &sc.issues[issue];
    let x = match w.forum_model {
        ForumModel::Compromise => weighted_mean(pts),
        ForumModel::Median => weighted_median(pts),
        ForumModel::Nash => match iss.status_quo {
            Some(q) => nash_bargaining(&pts, q.value(), iss.scale),
            None => weighted_mean(pts),
        },
    };
    Some((x, total))
}
