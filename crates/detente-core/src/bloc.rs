//! A bloc's voice: its position on an issue, made from its members' by its rule.

use crate::scenario::{Member, Rule, Scenario};
use crate::stats::{num, weighted_mean, weighted_median};

/// A bloc's position and cohesion on one issue.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BlocStance {
    /// `None` when no member takes a position, or the rule is unanimity and the issue has no
    /// status quo to measure reluctance against.
    pub position: Option<f64>,
    /// Weighted standard deviation of the members' positions (0 = one voice).
    pub spread: f64,
    /// How many members take a position.
    pub members: usize,
}

/// The stance of bloc `b` on `issue`. Nested blocs are flattened to their actors, each counted
/// once; members are weighted by capability x salience.
pub fn bloc_stance(scenario: &Scenario, b: usize, issue: usize) -> BlocStance {
    let bloc = &scenario.blocs[b];
    let mut raw = Vec::new();
    let mut xs = Vec::new();
    for a in scenario.member_actors(Member::Bloc(b)) {
        let actor = &scenario.actors[a];
        if let Some(s) = actor.stances[issue] {
            xs.push(s.position.value());
            raw.push((actor.capability.value(), s.salience.value()));
        }
    }
    // Weights times one power of two, so that neither huge nor tiny capabilities overflow or
    // vanish (exact: ordinary inputs keep every bit).
    let mut w = Vec::new();
    num::weights(raw, &mut w);
    let pts: Vec<(f64, f64)> = xs.into_iter().zip(w).collect();
    let members = pts.len();
    if members == 0 {
        return BlocStance {
            position: None,
            spread: 0.0,
            members,
        };
    }
    let mean = weighted_mean(pts.iter().copied());
    let spread = if mean.is_nan() {
        0.0
    } else {
        // Deviations times a power of two, so that their squares stay finite on a scale as
        // wide as the f64 range; the square root undoes it exactly.
        let sx = num::scale_for(pts.iter().map(|p| p.0.abs()).fold(mean.abs(), f64::max));
        let w: f64 = pts.iter().map(|p| p.1).sum();
        (pts.iter()
            .map(|&(x, wi)| wi * (x * sx - mean * sx).powi(2))
            .sum::<f64>()
            / w)
            .sqrt()
            / sx
    };
    let position = match bloc.rule {
        Rule::Consensus => Some(mean).filter(|x| !x.is_nan()),
        Rule::Qmv => Some(weighted_median(pts.iter().copied())).filter(|x| !x.is_nan()),
        Rule::Unanimity => scenario.issues[issue].status_quo.map(|sq| {
            let q = sq.value();
            // The most reluctant member is the one who would move least from the status quo.
            pts.iter()
                .map(|p| p.0)
                .min_by(|a, b| (a - q).abs().total_cmp(&(b - q).abs()).then(a.total_cmp(b)))
                .unwrap_or(q)
        }),
    };
    BlocStance {
        position,
        spread,
        members,
    }
}
