//! Stokman & van Oosten's equal-gain exchange model: pairs of actors trade voting positions
//! across pairs of issues, and each issue's outcome is the compromise of the moved positions.
//!
//! The equations, their sources and every interpretive choice are in `docs/models/exchange.md`.
//! In short, with weights w_ap = c_a s_ap and the compromise O_p = sum w x / sum w:
//! - i and j can trade on issues p and q when they sit on opposite sides of O_p and of O_q and
//!   s_ip s_jq > s_iq s_jp: i cares relatively more about p, j about q;
//! - j moves on p towards x_ip, i moves on q towards x_jq; the outcome shifts are
//!   dO = w d / W, and each side's expected gain is s (own demand issue) dO - s (own supply
//!   issue) dO;
//! - the rate dO_q / dO_p = (s_ip + s_jp) / (s_iq + s_jq) makes the two gains equal, and the
//!   exchange is as large as it can be without anyone moving past the partner's position or an
//!   outcome moving past the position of the actor who asked for it;
//! - per round, the exchange with the largest gain is made first, the rest are recomputed, and
//!   an actor takes part in at most one exchange per round.

use std::collections::BTreeMap;

use super::{
    Model, ModelError, ModelInfo, Move, Round, RoundIssue, RunOptions, RunResult, weighted_mean,
    weighted_median,
};
use crate::scenario::{Scale, Scenario, Target};

/// The equal-gain exchange model.
pub struct Exchange;

static INFO: ModelInfo = ModelInfo {
    name: "exchange",
    summary: "pairs of actors trade moves across issues at equal expected gain, largest gain first, over rounds; \
              outcome: the compromise of the moved positions",
    source: "Stokman & van Oosten (1994), in Bueno de Mesquita & Stokman (eds.), European Community Decision Making",
    dynamic: true,
};

/// An actor within this fraction of an issue's width from the outcome sits on it: it is on
/// neither side, so it neither asks for nor offers a move there. Rounding in the outcome is far
/// smaller, so no actor is put on a side by noise.
const SIDE_TOL: f64 = 1e-12;

/// An exchange whose gain is below this fraction of (largest salience of the pair x widest of
/// the two scales) is noise, not a deal: such gains are at the level where recomputing the
/// outcomes in another order could change their sign.
const MIN_GAIN: f64 = 1e-9;

impl Model for Exchange {
    fn info(&self) -> &'static ModelInfo {
        &INFO
    }

    fn run(&self, scenario: &Scenario, _opts: &RunOptions) -> Result<RunResult, ModelError> {
        let r = run(scenario);
        crate::cancel::check()?;
        Ok(r)
    }
}

/// One actor's numbers on one issue as an exchange reads them.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Stand {
    x: f64,
    s: f64,
    /// Weight c s, rescaled per issue (see [`State::weights`]).
    w: f64,
}

/// One issue at the moment: its outcome, its total weight and its scale's width.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Now {
    outcome: f64,
    total: f64,
    width: f64,
}

/// The terms of one exchange: i asked for a move on p and gave one on q; j the other way round.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Deal {
    /// How far the outcomes of p and q move (both > 0).
    dp: f64,
    dq: f64,
    /// j's position on p and i's on q, before and after.
    jp_from: f64,
    jp_to: f64,
    iq_from: f64,
    iq_to: f64,
    /// Each side's expected gain; equal by construction.
    gain: f64,
}

/// Which side of the outcome `x` is on: -1, 0 (on it) or 1.
fn side(x: f64, now: &Now) -> i8 {
    let d = x - now.outcome;
    let tol = SIDE_TOL * now.width;
    if d > tol {
        1
    } else if d < -tol {
        -1
    } else {
        0
    }
}

/// The equal-gain rate dO_q / dO_p when i demands p and j demands q.
///
/// From E_i = s_ip dO_p - s_iq dO_q = E_j = s_jq dO_q - s_jp dO_p. Callers guarantee
/// s_iq + s_jq > 0.
fn equal_gain_rate(s_ip: f64, s_jp: f64, s_iq: f64, s_jq: f64) -> f64 {
    (s_ip + s_jp) / (s_iq + s_jq)
}

/// Moves `from` towards `target` by `by`, stopping at `target`.
fn toward(from: f64, target: f64, by: f64) -> f64 {
    let gap = target - from;
    if by >= gap.abs() {
        target
    } else {
        from + by.copysign(gap)
    }
}

/// The exchange in which j moves on p towards i and i moves on q towards j, if both gain.
///
/// `ip` is i's stand on p, and so on; `p` and `q` are the issues now.
fn deal(ip: Stand, iq: Stand, jp: Stand, jq: Stand, p: &Now, q: &Now) -> Option<Deal> {
    // Each wants the other to move only if they pull the outcome in opposite directions.
    if side(ip.x, p) * side(jp.x, p) != -1 || side(iq.x, q) * side(jq.x, q) != -1 {
        return None;
    }
    // A move by an actor without weight on its supply issue would shift nothing.
    if !(jp.w > 0.0 && iq.w > 0.0 && p.total > 0.0 && q.total > 0.0) {
        return None;
    }
    // i must value p relative to q more than j does, or one of them loses at every rate.
    let cross = ip.s * jq.s - iq.s * jp.s;
    if cross.is_nan() || cross <= 0.0 {
        return None;
    }
    // The largest outcome shifts: the supplier reaches the demander's position, or the outcome
    // reaches the demander's position (beyond it the demander would start to lose again, and
    // the linear gain formula would no longer hold).
    let max_dp = (jp.w / p.total * (ip.x - jp.x).abs()).min((ip.x - p.outcome).abs());
    let max_dq = (iq.w / q.total * (jq.x - iq.x).abs()).min((jq.x - q.outcome).abs());
    // jp.w > 0 and iq.w > 0 imply jp.s > 0 and iq.s > 0, so the rate is finite and positive.
    let rate = equal_gain_rate(ip.s, jp.s, iq.s, jq.s);
    let dp = max_dp.min(max_dq / rate);
    let dq = rate * dp;
    // E_i = s_ip dp - s_iq dq = dp (s_ip s_jq - s_iq s_jp) / (s_iq + s_jq) = E_j.
    let gain = dp * cross / (iq.s + jq.s);
    let smax = ip.s.max(iq.s).max(jp.s).max(jq.s);
    if gain.is_nan() || gain <= MIN_GAIN * smax * p.width.max(q.width) {
        return None;
    }
    Some(Deal {
        dp,
        dq,
        jp_from: jp.x,
        jp_to: toward(jp.x, ip.x, dp * p.total / jp.w),
        iq_from: iq.x,
        iq_to: toward(iq.x, jq.x, dq * q.total / iq.w),
        gain,
    })
}

/// A possible exchange between two actors (indices in the canonical order) on two issues:
/// `j` moves on `p` towards `i`, `i` moves on `q` towards `j`.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Candidate {
    i: usize,
    j: usize,
    p: usize,
    q: usize,
    deal: Deal,
}

impl Candidate {
    /// Breaks ties in gain by names (through the canonical order), never by input order.
    fn key(&self) -> (usize, usize, usize, usize) {
        (
            self.i.min(self.j),
            self.i.max(self.j),
            self.p.min(self.q),
            self.p.max(self.q),
        )
    }
}

/// The largest gain; among equal gains the smallest key.
fn best(cands: &[Candidate]) -> Option<Candidate> {
    cands
        .iter()
        .copied()
        .reduce(|a, b| match b.deal.gain.total_cmp(&a.deal.gain) {
            std::cmp::Ordering::Greater => b,
            std::cmp::Ordering::Less => a,
            std::cmp::Ordering::Equal => {
                if b.key() < a.key() {
                    b
                } else {
                    a
                }
            }
        })
}

/// What the rounds change. Actors are held in the order of their ids, so that every sum and
/// every tie runs the same way whatever order the scenario lists them in.
struct State {
    ids: Vec<String>,
    /// Canonical index of each scenario actor.
    rank: Vec<usize>,
    cap: Vec<f64>,
    /// (position, salience) per actor and issue.
    stance: Vec<Vec<Option<(f64, f64)>>>,
    scales: Vec<Scale>,
}

impl State {
    fn new(sc: &Scenario) -> State {
        let mut order: Vec<usize> = (0..sc.actors.len()).collect();
        order.sort_by(|&a, &b| sc.actors[a].id.cmp(&sc.actors[b].id));
        let mut rank = vec![0; order.len()];
        for (r, &a) in order.iter().enumerate() {
            rank[a] = r;
        }
        State {
            ids: order.iter().map(|&a| sc.actors[a].id.clone()).collect(),
            rank,
            cap: order
                .iter()
                .map(|&a| sc.actors[a].capability.value())
                .collect(),
            stance: order
                .iter()
                .map(|&a| {
                    sc.actors[a]
                        .stances
                        .iter()
                        .map(|s| s.map(|s| (s.position.value(), s.salience.value())))
                        .collect()
                })
                .collect(),
            scales: sc.issues.iter().map(|i| i.scale).collect(),
        }
    }

    /// Weights c s on each issue, divided by the largest capability among the actors with some
    /// salience there. Only ratios of weights on one issue enter the model, so this changes
    /// nothing but keeps sums of huge capabilities finite and the largest weight positive.
    fn weights(&self) -> Vec<Vec<f64>> {
        let cmax: Vec<f64> = (0..self.scales.len())
            .map(|k| {
                (0..self.ids.len())
                    .filter(|&a| self.stance[a][k].is_some_and(|(_, s)| s > 0.0))
                    .map(|a| self.cap[a])
                    .fold(0.0, f64::max)
            })
            .collect();
        self.stance
            .iter()
            .zip(&self.cap)
            .map(|(stances, &c)| {
                stances
                    .iter()
                    .zip(&cmax)
                    .map(|(st, &cm)| match st {
                        Some((_, s)) if cm > 0.0 => c / cm * s,
                        _ => 0.0,
                    })
                    .collect()
            })
            .collect()
    }

    fn points(&self, w: &[Vec<f64>], k: usize) -> Vec<(f64, f64)> {
        (0..self.ids.len())
            .filter_map(|a| self.stance[a][k].map(|(x, _)| (x, w[a][k])))
            .collect()
    }

    fn now(&self, w: &[Vec<f64>], k: usize) -> Now {
        let pts = self.points(w, k);
        Now {
            outcome: weighted_mean(pts.iter().copied()),
            total: pts.iter().map(|p| p.1).sum(),
            width: self.scales[k].width(),
        }
    }

    fn stand(&self, w: &[Vec<f64>], a: usize, k: usize) -> Option<Stand> {
        self.stance[a][k].map(|(x, s)| Stand { x, s, w: w[a][k] })
    }

    /// The exchange between actors a and b on issues p and q, if there is one: the actor that
    /// cares relatively more about p asks for a move there.
    fn candidate(
        &self,
        w: &[Vec<f64>],
        now: &[Now],
        (a, b): (usize, usize),
        (p, q): (usize, usize),
    ) -> Option<Candidate> {
        let (ap, aq) = (self.stand(w, a, p)?, self.stand(w, a, q)?);
        let (bp, bq) = (self.stand(w, b, p)?, self.stand(w, b, q)?);
        let cross = ap.s * bq.s - aq.s * bp.s;
        let (i, j, [ip, iq, jp, jq]) = if cross > 0.0 {
            (a, b, [ap, aq, bp, bq])
        } else if cross < 0.0 {
            (b, a, [bp, bq, ap, aq])
        } else {
            return None;
        };
        deal(ip, iq, jp, jq, &now[p], &now[q]).map(|deal| Candidate { i, j, p, q, deal })
    }

    /// Every exchange among the free actors on issue pairs that `touches` accepts.
    fn candidates(
        &self,
        w: &[Vec<f64>],
        now: &[Now],
        free: &[bool],
        touches: impl Fn(usize, usize) -> bool,
    ) -> Vec<Candidate> {
        let (n, m) = (self.ids.len(), self.scales.len());
        let mut out = Vec::new();
        for p in 0..m {
            for q in p + 1..m {
                if !touches(p, q) {
                    continue;
                }
                for a in (0..n).filter(|&a| free[a]) {
                    for b in (a + 1..n).filter(|&b| free[b]) {
                        out.extend(self.candidate(w, now, (a, b), (p, q)));
                    }
                }
            }
        }
        out
    }

    /// Sets a position and returns it as stored.
    fn set_position(&mut self, a: usize, k: usize, x: f64) -> f64 {
        let sc = self.scales[k];
        // Moves go between two positions on the scale; this only absorbs rounding.
        let x = x.max(sc.lo).min(sc.hi);
        if let Some(st) = &mut self.stance[a][k] {
            st.0 = x;
        }
        x
    }

    /// Applies a dated shock; false if the model has no use for its target.
    fn apply(&mut self, target: Target, to: f64) -> bool {
        match target {
            Target::Capability { actor } => self.cap[self.rank[actor]] = to,
            Target::Position { actor, issue } => {
                self.set_position(self.rank[actor], issue, to);
            }
            Target::Salience { actor, issue } => {
                if let Some(st) = &mut self.stance[self.rank[actor]][issue] {
                    st.1 = to;
                }
            }
            _ => return false,
        }
        true
    }

    fn round_issues(&self, sc: &Scenario, w: &[Vec<f64>]) -> Vec<RoundIssue> {
        (0..self.scales.len())
            .map(|k| {
                let pts = self.points(w, k);
                RoundIssue {
                    id: sc.issues[k].id.clone(),
                    median: weighted_median(pts.iter().copied()),
                    mean: weighted_mean(pts.iter().copied()),
                    positions: (0..self.ids.len())
                        .filter_map(|a| self.stance[a][k].map(|(x, _)| (self.ids[a].clone(), x)))
                        .collect::<BTreeMap<_, _>>(),
                }
            })
            .collect()
    }
}

fn run(sc: &Scenario) -> RunResult {
    let mut st = State::new(sc);
    let m = sc.issues.len();
    let n = st.ids.len();
    let max_rounds = sc.models.exchange.rounds;
    let initial: Vec<f64> = {
        let w = st.weights();
        (0..m).map(|k| st.now(&w, k).outcome).collect()
    };

    let mut rounds = Vec::new();
    let mut notes = Vec::new();
    let mut exchanges = 0usize;
    let mut unused_shocks = 0usize;
    let mut w = st.weights();
    // Round 0 is the start, as in the expected utility model, so that round k is after k rounds.
    rounds.push(Round {
        round: 0,
        issues: st.round_issues(sc, &w),
        moves: Vec::new(),
    });
    for k in 1..=max_rounds {
        if crate::cancel::stopped() {
            break;
        }
        // Shocks apply at the start of their round; `at = 0` ones are normally applied before
        // the model runs, and count as round 1's when a caller has not done so.
        let mut shocked = false;
        for s in sc
            .shocks
            .iter()
            .filter(|s| s.at == k || (k == 1 && s.at == 0))
        {
            if st.apply(s.target, s.to.value()) {
                shocked = true;
            } else {
                unused_shocks += 1;
            }
        }
        if shocked {
            w = st.weights();
        }

        let mut now: Vec<Now> = (0..m).map(|q| st.now(&w, q)).collect();
        let mut free = vec![true; n];
        let mut cands = st.candidates(&w, &now, &free, |_, _| true);
        let mut moves = Vec::new();
        while let Some(c) = best(&cands) {
            let iq_to = st.set_position(c.i, c.q, c.deal.iq_to);
            let jp_to = st.set_position(c.j, c.p, c.deal.jp_to);
            moves.push(Move {
                actor: st.ids[c.i].clone(),
                issue: sc.issues[c.q].id.clone(),
                from: c.deal.iq_from,
                to: iq_to,
                kind: "exchange".into(),
                counterpart: Some(st.ids[c.j].clone()),
            });
            moves.push(Move {
                actor: st.ids[c.j].clone(),
                issue: sc.issues[c.p].id.clone(),
                from: c.deal.jp_from,
                to: jp_to,
                kind: "exchange".into(),
                counterpart: Some(st.ids[c.i].clone()),
            });
            exchanges += 1;
            // Committed actors sit out the rest of the round; the two issues' outcomes moved,
            // so every exchange on them is priced again.
            free[c.i] = false;
            free[c.j] = false;
            now[c.p] = st.now(&w, c.p);
            now[c.q] = st.now(&w, c.q);
            let moved = |k: usize| k == c.p || k == c.q;
            cands.retain(|d| free[d.i] && free[d.j] && !moved(d.p) && !moved(d.q));
            cands.extend(st.candidates(&w, &now, &free, |p, q| moved(p) || moved(q)));
        }
        let quiet = moves.is_empty();
        rounds.push(Round {
            round: k,
            issues: st.round_issues(sc, &w),
            moves,
        });
        let shocks_ahead = sc.shocks.iter().any(|s| s.at > k && s.at <= max_rounds);
        if quiet && !shocks_ahead {
            if k < max_rounds {
                notes.push(format!(
                    "no exchange was possible in round {k}, so the run stopped there ({max_rounds} rounds allowed)"
                ));
            }
            break;
        }
    }

    let w = st.weights();
    let outcomes: Vec<Option<f64>> = (0..m)
        .map(|k| Some(st.now(&w, k).outcome).filter(|x| x.is_finite()))
        .collect();

    notes.insert(
        0,
        format!(
            "{exchanges} exchange(s) in {} round(s); an actor takes part in at most one exchange per round",
            rounds.len() - 1
        ),
    );
    if m < 2 {
        notes.push("an exchange needs two issues; with one, the outcome is the compromise".into());
    }
    let shifts: Vec<String> = (0..m)
        .filter_map(|k| {
            let (a, b) = (initial[k], outcomes[k]?);
            ((b - a).abs() > SIDE_TOL * sc.issues[k].scale.width())
                .then(|| format!("{} {a:.3} -> {b:.3} ({:+.3})", sc.issues[k].id, b - a))
        })
        .collect();
    if !shifts.is_empty() {
        notes.push(format!(
            "outcomes moved from the initial compromise: {}",
            shifts.join(", ")
        ));
    }
    let late = sc.shocks.iter().filter(|s| s.at > max_rounds).count();
    if late > 0 {
        notes.push(format!(
            "{late} shock(s) dated after the last round ({max_rounds}) had no effect"
        ));
    }
    if unused_shocks > 0 {
        notes.push(format!(
            "{unused_shocks} shock(s) set parameters the exchange model does not use (only capability, position and salience matter to it)"
        ));
    }

    RunResult {
        outcomes,
        rounds,
        notes,
        extra: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const WIDE: Now = Now {
        outcome: 0.0,
        total: 0.0,
        width: 100.0,
    };

    fn now(outcome: f64, total: f64) -> Now {
        Now {
            outcome,
            total,
            ..WIDE
        }
    }

    fn stand(x: f64, c: f64, s: f64) -> Stand {
        Stand { x, s, w: c * s }
    }

    #[test]
    fn equal_gain_rate_equalises_the_gains() {
        // i: s_ip 0.8, s_iq 0.2; j: s_jp 0.4, s_jq 0.8. Rate (0.8 + 0.4) / (0.2 + 0.8) = 1.2.
        let r = equal_gain_rate(0.8, 0.4, 0.2, 0.8);
        assert!((r - 1.2).abs() < 1e-15);
        // With dO_p = 1: E_i = 0.8 - 0.2 * 1.2 = 0.56, E_j = 0.8 * 1.2 - 0.4 = 0.56.
        assert!((0.8 - 0.2 * r - (0.8 * r - 0.4)).abs() < 1e-15);
    }

    #[test]
    fn toward_stops_at_the_target() {
        assert_eq!(toward(10.0, 50.0, 15.0), 25.0);
        assert_eq!(toward(50.0, 10.0, 15.0), 35.0);
        assert_eq!(toward(10.0, 50.0, 60.0), 50.0);
    }

    #[test]
    fn sides_of_the_outcome() {
        let p = now(40.0, 2.0);
        assert_eq!(side(0.0, &p), -1);
        assert_eq!(side(100.0, &p), 1);
        assert_eq!(side(40.0, &p), 0);
        assert_eq!(side(40.0 + 1e-12, &p), 0, "rounding noise is not a side");
    }

    /// The hand case of `docs/models/exchange.md`, round 1: i = a, j = b, p = p1, q = p2.
    /// W_p = W_q = 2, O_p = 40, O_q = 65.
    #[test]
    fn deal_hand_computed() {
        let (p, q) = (now(40.0, 2.0), now(65.0, 2.0));
        let ip = stand(0.0, 1.0, 0.8);
        let iq = stand(0.0, 1.0, 0.2);
        let jp = stand(100.0, 1.0, 0.4);
        let jq = stand(100.0, 1.0, 0.8);
        let d = deal(ip, iq, jp, jq, &p, &q).unwrap();
        // Largest shifts: b all the way on p1: 0.4 * 100 / 2 = 20 (the outcome would stop at
        // a's 0 only after 40); a all the way on p2: 0.2 * 100 / 2 = 10. Rate 1.2, so
        // dO_p = min(20, 10 / 1.2) = 25/3 and dO_q = 10: a moves fully, b part of the way.
        assert!((d.dp - 25.0 / 3.0).abs() < 1e-12);
        assert!((d.dq - 10.0).abs() < 1e-12);
        assert_eq!(d.iq_to, 100.0);
        // b moves dO_p W / w = (25/3) * 2 / 0.4 = 125/3: from 100 to 175/3.
        assert!((d.jp_to - 175.0 / 3.0).abs() < 1e-12);
        // Gain (25/3) * (0.8 * 0.8 - 0.2 * 0.4) / (0.2 + 0.8) = 14/3 for each.
        assert!((d.gain - 14.0 / 3.0).abs() < 1e-12);
        // The roles reversed: b would lose at any rate.
        assert!(deal(jp, jq, ip, iq, &p, &q).is_none());
    }

    #[test]
    fn no_deal_on_the_same_side_or_without_weight() {
        let (p, q) = (now(40.0, 2.0), now(65.0, 2.0));
        let ip = stand(0.0, 1.0, 0.8);
        let iq = stand(0.0, 1.0, 0.2);
        // j on i's side of p.
        assert!(
            deal(
                ip,
                iq,
                stand(10.0, 1.0, 0.4),
                stand(100.0, 1.0, 0.8),
                &p,
                &q
            )
            .is_none()
        );
        // j on i's side of q.
        assert!(
            deal(
                ip,
                iq,
                stand(100.0, 1.0, 0.4),
                stand(10.0, 1.0, 0.8),
                &p,
                &q
            )
            .is_none()
        );
        // j does not care about p: its move there would shift nothing.
        assert!(
            deal(
                ip,
                iq,
                stand(100.0, 1.0, 0.0),
                stand(100.0, 1.0, 0.8),
                &p,
                &q
            )
            .is_none()
        );
        // Equal salience ratios: no rate leaves both better off.
        assert!(
            deal(
                ip,
                iq,
                stand(100.0, 1.0, 0.4),
                stand(100.0, 1.0, 0.1),
                &p,
                &q
            )
            .is_none()
        );
        // i sits on the outcome of p: it has nothing to ask for.
        assert!(
            deal(
                stand(40.0, 1.0, 0.8),
                iq,
                stand(100.0, 1.0, 0.4),
                stand(100.0, 1.0, 0.8),
                &p,
                &q
            )
            .is_none()
        );
    }

    #[test]
    fn the_outcome_stops_at_the_demanders_position() {
        // `deal` reads only these numbers, so they need not come from one scenario. On p the
        // outcome is 45, just above i at 40; j at 100 holds 0.9 of the total weight 2, so its
        // full move would carry the outcome 0.9 * 60 / 2 = 27 down, far past 40.
        let (p, q) = (now(45.0, 2.0), now(50.0, 2.0));
        let ip = stand(40.0, 1.0, 0.9);
        let iq = stand(0.0, 1.0, 0.5);
        let jp = stand(100.0, 1.0, 0.9);
        let jq = stand(100.0, 1.0, 1.0);
        let d = deal(ip, iq, jp, jq, &p, &q).unwrap();
        // Rate (0.9 + 0.9) / (0.5 + 1) = 1.2. On q, i's full move gives 0.5 * 100 / 2 = 25
        // (under j's distance to the outcome, 50), so dO_p <= 25 / 1.2 = 20.8; on p the outcome
        // may move only 45 - 40 = 5. So dO_p = 5 and dO_q = 6.
        assert!((d.dp - 5.0).abs() < 1e-12);
        assert!((d.dq - 6.0).abs() < 1e-12);
        // j moves 5 * 2 / 0.9 = 11.11 towards 40; i moves 6 * 2 / 0.5 = 24 towards 100.
        assert!((d.jp_to - (100.0 - 10.0 / 0.9)).abs() < 1e-12);
        assert!((d.iq_to - 24.0).abs() < 1e-12);
        // Gain 5 * (0.9 * 1 - 0.5 * 0.9) / 1.5 = 1.5; each side directly: 0.9 * 5 - 0.5 * 6
        // and 1 * 6 - 0.9 * 5.
        assert!((d.gain - 1.5).abs() < 1e-12);
        assert!((0.9 * d.dp - 0.5 * d.dq - d.gain).abs() < 1e-12);
        assert!((1.0 * d.dq - 0.9 * d.dp - d.gain).abs() < 1e-12);
    }

    #[test]
    fn best_prefers_gain_then_names() {
        let deal = |gain| Deal {
            dp: 1.0,
            dq: 1.0,
            jp_from: 0.0,
            jp_to: 0.0,
            iq_from: 0.0,
            iq_to: 0.0,
            gain,
        };
        let c = |i, j, gain| Candidate {
            i,
            j,
            p: 0,
            q: 1,
            deal: deal(gain),
        };
        assert_eq!(best(&[c(0, 1, 1.0), c(2, 3, 2.0)]).unwrap().i, 2);
        assert_eq!(best(&[c(3, 2, 1.0), c(1, 0, 1.0)]).unwrap().i, 1);
        assert!(best(&[]).is_none());
    }
}
