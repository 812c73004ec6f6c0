//! The numbers of KTAB's spatial model, on plain vectors in KTAB's units: positions and
//! saliences in 0..1, capabilities as given. Each function follows one KTAB routine (named in
//! its doc) in the same order of arithmetic, so that the reference logs are reproduced to the
//! printed digit. Matrices are row-major `Vec<f64>`, `m[i * n + j]`.

// Loops run over actor indices that address several arrays at once, as in KTAB.
#![allow(clippy::needless_range_loop)]

use rand::Rng;
use rand_chacha::ChaCha8Rng;

use crate::scenario::{
    BargainModel, Election, Interpolation, RiskAdjust, RiskRange, SmpOptions, ThirdParty,
    Transitions, VictoryModel, VotingRule,
};

/// The least coalition strength (KTAB `Model::coalitions`), so that no probability is 0/0.
const MIN_COALITION: f64 = 1e-8;
/// The least strength of a principal's side in a challenge (KTAB `probEduChlg`).
const MIN_SIDE: f64 = 1e-10;
/// An expected gain below this is no reason to challenge (KTAB `bestChallenge`).
const MIN_GAIN: f64 = 1e-5;
/// Positions closer than this (in 0..1 units) count as one option (KTAB `SMPModel::posTol`).
pub const SAME_POSITION: f64 = 1e-3;
/// Added to the first turn's movement before dividing by it (KTAB `minSigDelta`).
const MIN_FIRST_MOVE: f64 = 1e-4;
/// The Markov elections iterate to a fixed point; KTAB has no cap, detente stops here.
const MAX_MARKOV_STEPS: usize = 100_000;

/// The actors, fixed over a turn.
#[derive(Debug, Clone, PartialEq)]
pub struct Actors {
    /// The number of actors.
    pub n: usize,
    /// The number of issues (dimensions).
    pub dims: usize,
    /// One per actor, > 0.
    pub capability: Vec<f64>,
    /// `n x dims`, each row summing to at most 1.
    pub salience: Vec<f64>,
    /// A risk attitude the scenario fixes, replacing the inferred one.
    pub fixed_risk: Vec<Option<f64>>,
}

impl Actors {
    fn sal(&self, i: usize) -> &[f64] {
        &self.salience[i * self.dims..(i + 1) * self.dims]
    }

    /// KTAB `sum(vSal)`: how much the actor cares overall.
    fn total_salience(&self, i: usize) -> f64 {
        self.sal(i).iter().fold(0.0, |s, x| s + x)
    }
}

/// Positions and ideals, `n x dims` in 0..1.
#[derive(Debug, Clone, PartialEq)]
pub struct Positions {
    /// Where each actor stands.
    pub position: Vec<f64>,
    /// Where each actor would like to be; follows `position` at the rate `accommodation`.
    pub ideal: Vec<f64>,
}

/// KTAB `SMPModel::bvDiff`: salience-weighted Euclidean distance, in 0..1.
pub fn distance(from: &[f64], to: &[f64], sal: &[f64]) -> f64 {
    let (mut ds2, mut s2) = (0.0, 0.0);
    for k in 0..sal.len() {
        let ds = (from[k] - to[k]) * sal[k];
        ds2 += ds * ds;
        s2 += sal[k] * sal[k];
    }
    // An actor that cares about nothing is indifferent to every position (KTAB asserts).
    if s2 > 0.0 { (ds2 / s2).sqrt() } else { 0.0 }
}

/// KTAB `SMPModel::bsUtil`: utility of a position at distance `d` for risk attitude `r`.
pub fn utility(d: f64, r: f64) -> f64 {
    if d <= 1.0 {
        (1.0 - d) * (1.0 + d * r)
    } else {
        (1.0 - d) * (1.0 + r)
    }
}

/// KTAB `Model::vote`: the vote of weight `w` for option i over option j.
#[inline]
pub fn vote(rule: VotingRule, w: f64, ui: f64, uj: f64) -> f64 {
    let du = ui - uj;
    let binary = || (du / 1e-8).clamp(-1.0, 1.0);
    match rule {
        VotingRule::Binary => w * binary(),
        VotingRule::PropBin => w * (0.8 * du + 0.2 * binary()),
        VotingRule::Proportional => w * du,
        VotingRule::PropCbc => w * (0.5 * du + 0.5 * (du * du * du)),
        VotingRule::Cubic => w * (du * du * du),
        VotingRule::AsymProsp => {
            if du < 0.0 {
                w * du
            } else if du > 0.0 {
                (2.0 * w * du) / 3.0
            } else {
                0.0
            }
        }
    }
}

/// KTAB `Model::vProb`: probabilities that each of two coalitions prevails.
pub fn victory(model: VictoryModel, s1: f64, s2: f64) -> (f64, f64) {
    let (x1, x2) = match model {
        VictoryModel::Linear => (s1, s2),
        VictoryModel::Square => (s1 * s1, s2 * s2),
        VictoryModel::Quartic => (qrtc(s1), qrtc(s2)),
        VictoryModel::Octic => (qrtc(s1) * qrtc(s1), qrtc(s2) * qrtc(s2)),
        VictoryModel::Binary => {
            const THRESHOLD: f64 = 1.10;
            if s1 >= THRESHOLD * s2 {
                (1.0, 1e-6)
            } else if s2 >= THRESHOLD * s1 {
                (1e-6, 1.0)
            } else {
                let r12 = s1 / (s1 + s2);
                let p12 = (r12 * (THRESHOLD + 1.0) - 1.0) / (THRESHOLD - 1.0);
                (p12, 1.0 - p12)
            }
        }
    };
    let total = x1 + x2;
    if total.is_finite() && total >= f64::MIN_POSITIVE {
        return (x1 / total, x2 / total);
    }
    // The powers overflowed or vanished: the same odds from the ratio of the strengths, which
    // lies in 0..1 and so cannot overflow.
    let power = match model {
        VictoryModel::Linear => 1,
        VictoryModel::Square => 2,
        VictoryModel::Quartic => 4,
        VictoryModel::Octic => 8,
        // Binary's odds are already at most 1e6 to 1.
        VictoryModel::Binary => 1,
    };
    match (s1 > 0.0, s2 > 0.0) {
        (false, false) => (0.5, 0.5),
        (true, false) => (1.0, 0.0),
        (false, true) => (0.0, 1.0),
        _ if s1 >= s2 => {
            let r = (s2 / s1).powi(power);
            (1.0 / (1.0 + r), r / (1.0 + r))
        }
        _ => {
            let r = (s1 / s2).powi(power);
            (r / (1.0 + r), 1.0 / (1.0 + r))
        }
    }
}

fn qrtc(x: f64) -> f64 {
    let x2 = x * x;
    x2 * x2
}

/// KTAB `Model::coalitions`: `c[i][j]` is the strength of the coalition for option i against
/// option j; `vote(k, i, j)` is voter k's vote.
pub fn coalitions(
    voters: usize,
    options: usize,
    vote: impl Fn(usize, usize, usize) -> f64,
) -> Vec<f64> {
    let m = options;
    let mut c = vec![0.0; m * m];
    for i in 0..m {
        for j in 0..i {
            let (mut cij, mut cji) = (MIN_COALITION, MIN_COALITION);
            for k in 0..voters {
                let v = vote(k, i, j);
                if v > 0.0 {
                    cij += v;
                }
                if v < 0.0 {
                    cji -= v;
                }
            }
            c[i * m + j] = cij;
            c[j * m + i] = cji;
        }
        c[i * m + i] = MIN_COALITION;
    }
    c
}

/// KTAB `Model::vProb` over a coalition matrix: `p[i][j]` = P(option i beats option j).
pub fn victory_matrix(model: VictoryModel, c: &[f64], m: usize) -> Vec<f64> {
    let mut p = vec![0.0; m * m];
    for i in 0..m {
        for j in 0..i {
            let (pij, pji) = victory(model, c[i * m + j], c[j * m + i]);
            p[i * m + j] = pij;
            p[j * m + i] = pji;
        }
        p[i * m + i] = 0.5;
    }
    p
}

/// The probabilistic Condorcet election (KTAB `Model::probCE2`): the probability that each
/// option wins, given the coalition strengths `c` of `m` options.
pub fn election(kind: Election, model: VictoryModel, c: &[f64], m: usize) -> Vec<f64> {
    let pv = victory_matrix(model, c, m);
    match kind {
        Election::Conditional => conditional(&pv, m),
        Election::MarkovUniform => markov_uniform(&pv, m),
        Election::MarkovIncentive => markov_incentive(c, &pv, m),
    }
}

/// KTAB `Model::scalarPCE`: the election among `options` options when `voters` voters, of
/// weight `w`, vote by `rule` with their utilities `u(voter, option)`.
fn scalar_pce(
    opts: &SmpOptions,
    rule: VotingRule,
    w: &[f64],
    voters: usize,
    options: usize,
    u: impl Fn(usize, usize) -> f64,
) -> Vec<f64> {
    let c = coalitions(voters, options, |k, i, j| {
        vote(rule, w[k], u(k, i), u(k, j))
    });
    election(opts.election, opts.victory, &c, options)
}

/// KTAB `Model::condPCE`: p_i proportional to prod_j P(i > j).
fn conditional(pv: &[f64], m: usize) -> Vec<f64> {
    let mut p: Vec<f64> = (0..m)
        .map(|i| pv[i * m..(i + 1) * m].iter().fold(1.0, |a, x| a * x))
        .collect();
    let total = p.iter().fold(0.0, |s, x| s + x);
    if total > 0.0 && total.is_finite() {
        p.iter_mut().for_each(|x| *x /= total);
        return p;
    }
    // Every product underflowed (many options, each losing some contest badly): the same
    // ratios, computed from logarithms.
    let logs: Vec<f64> = (0..m)
        .map(|i| pv[i * m..(i + 1) * m].iter().map(|x| x.ln()).sum())
        .collect();
    let top = logs.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let e: Vec<f64> = logs.iter().map(|l| (l - top).exp()).collect();
    let total: f64 = e.iter().sum();
    e.iter().map(|x| x / total).collect()
}

/// KTAB `Model::markovUniformPCE`: every option challenges with probability 1/N; iterated, with
/// KTAB's half step, until no probability changes by more than 1e-6.
fn markov_uniform(pv: &[f64], m: usize) -> Vec<f64> {
    let mut p = vec![1.0 / m as f64; m];
    let mut q = p.clone();
    for _ in 0..MAX_MARKOV_STEPS {
        let mut change: f64 = 0.0;
        for i in 0..m {
            let mut pi = 0.0;
            for j in 0..m {
                pi += pv[i * m + j] * (p[i] + p[j]);
            }
            q[i] = pi / m as f64;
            change = change.max((q[i] - p[i]).abs());
        }
        for i in 0..m {
            p[i] = (p[i] + q[i]) / 2.0;
        }
        if change <= 1e-6 {
            break;
        }
    }
    p
}

/// KTAB `Model::markovIncentivePCE` (Wise, "Markov voting with incentives in KTAB"): option i
/// challenges the favourite j in proportion to its incentive C_ij P(i > j); iterated to 1e-8.
fn markov_incentive(c: &[f64], pv: &[f64], m: usize) -> Vec<f64> {
    let incentive = |i: usize, j: usize| {
        let x = c[i * m + j] * pv[i * m + j];
        if i == j { x + 1e-10 } else { x }
    };
    let column: Vec<f64> = (0..m)
        .map(|j| (0..m).fold(0.0, |s, k| s + incentive(k, j)))
        .collect();
    // challenge[i][j] = P(i challenges | j is the favourite)
    let challenge: Vec<f64> = (0..m * m)
        .map(|ij| incentive(ij / m, ij % m) / column[ij % m])
        .collect();
    let mut p = vec![1.0 / m as f64; m];
    let mut q = p.clone();
    let mut ct = vec![0.0; m * m];
    for _ in 0..MAX_MARKOV_STEPS {
        for i in 0..m {
            for j in 0..m {
                ct[i * m + j] = p[i] * challenge[j * m + i];
            }
        }
        let mut change: f64 = 0.0;
        for i in 0..m {
            let mut qi = 0.0;
            for j in 0..m {
                qi += pv[i * m + j] * (ct[i * m + j] + ct[j * m + i]);
            }
            q[i] = qi;
            change = change.max((q[i] - p[i]).abs());
        }
        for i in 0..m {
            p[i] = (p[i] + q[i]) / 2.0;
        }
        if change <= 1e-8 {
            break;
        }
    }
    p
}

/// KTAB `Model::bigRfromProb`: likely winners become risk averse, likely losers risk acceptant
/// ... in KTAB's sign convention, R = +1 is risk averse (utility (1-d)(1+dR) is concave).
/// All 0 when every option is equally likely (KTAB divides by zero).
pub fn risk_from_probability(p: &[f64], range: RiskRange) -> Vec<f64> {
    let (mut lo, mut hi) = (1.0_f64, 0.0_f64);
    for &x in p {
        lo = if x < lo { x } else { lo };
        hi = if x > hi { x } else { hi };
    }
    if (hi - lo).is_nan() || hi - lo <= 0.0 {
        return vec![0.0; p.len()];
    }
    p.iter()
        .map(|&x| match range {
            RiskRange::Min => (x - lo) / (hi - lo),
            RiskRange::Mid => (3.0 * x - (hi + 2.0 * lo)) / (2.0 * (hi - lo)),
            RiskRange::Max => (2.0 * x - (hi + lo)) / (hi - lo),
        })
        .collect()
}

/// KTAB `Model::estNRA`: h's estimate of i's risk attitude.
pub fn estimated_risk(rh: f64, ri: f64, adjust: RiskAdjust) -> f64 {
    match adjust {
        RiskAdjust::Full => ri,
        RiskAdjust::TwoThirds => (rh + (2.0 * ri)) / 3.0,
        RiskAdjust::Half => (rh + ri) / 2.0,
        RiskAdjust::OneThird => ((2.0 * rh) + ri) / 3.0,
        RiskAdjust::None => rh,
    }
}

/// KTAB `Actor::vProbLittle`: the chance i prevails in the little contest of i, j and third
/// party n alone.
fn little_contest(rule: VotingRule, wn: f64, uni: f64, unj: f64, ci: f64, cj: f64) -> f64 {
    let v = vote(rule, wn, uni, unj);
    let cni = if v > 0.0 { ci + v } else { ci };
    let cnj = if v < 0.0 { cj - v } else { cj };
    cni / (cni + cnj)
}

/// KTAB `Actor::thirdPartyVoteSU`: third party k's vote in i's challenge of j, comparing
/// "k joins i" with "k joins j" by the sum of the three positions' utilities.
#[allow(clippy::too_many_arguments)]
fn third_party_vote(
    wk: f64,
    rule: VotingRule,
    commit: ThirdParty,
    pik: f64,
    pjk: f64,
    uki: f64,
    ukj: f64,
    ukk: f64,
) -> f64 {
    let (ik_def_j, j_def_ik, i_def_jk, jk_def_i) = match commit {
        ThirdParty::FullCommit => (
            uki + uki + uki,
            ukj + ukj + ukj,
            uki + uki + uki,
            ukj + ukj + ukj,
        ),
        ThirdParty::SemiCommit => (
            uki + uki + ukk,
            ukj + ukj + ukj,
            uki + uki + uki,
            ukj + ukj + ukk,
        ),
        ThirdParty::NoCommit => (
            uki + uki + ukk,
            ukj + ukj + ukk,
            uki + uki + ukk,
            ukj + ukj + ukk,
        ),
    };
    let u_ik_j = (pik * ik_def_j) + (pjk * j_def_ik);
    let u_i_jk = (pik * i_def_jk) + (pjk * jk_def_i);
    vote(rule, wk, u_ik_j, u_i_jk)
}

/// One turn's assessment of a state: distances from ideals, risk attitudes and the election.
#[derive(Debug, Clone)]
pub struct Assessment {
    /// The number of actors.
    pub n: usize,
    /// `d[i][j]`: distance from i's ideal to j's position, with i's saliences.
    pub distance: Vec<f64>,
    /// The risk-neutral election over the actors' positions (one option per actor).
    pub neutral_probability: Vec<f64>,
    /// Risk attitudes, inferred or fixed.
    pub risk: Vec<f64>,
    adjust: RiskAdjust,
}

impl Assessment {
    /// KTAB `SMPState::setAllAUtil`, without storing the n perspective matrices: they are
    /// computed on demand by [`Assessment::util`].
    pub fn new(actors: &Actors, state: &Positions, opts: &SmpOptions) -> Assessment {
        let (n, d) = (actors.n, actors.dims);
        let mut distance = vec![0.0; n * n];
        for i in 0..n {
            let ideal = &state.ideal[i * d..(i + 1) * d];
            for j in 0..n {
                distance[i * n + j] =
                    self::distance(ideal, &state.position[j * d..(j + 1) * d], actors.sal(i));
            }
        }
        let neutral: Vec<f64> = distance.iter().map(|&x| utility(x, 0.0)).collect();
        let p = scalar_pce(opts, opts.voting, &actors.capability, n, n, |k, i| {
            neutral[k * n + i]
        });
        let mut risk = risk_from_probability(&p, opts.risk_range);
        for (r, fixed) in risk.iter_mut().zip(&actors.fixed_risk) {
            if let Some(f) = fixed {
                *r = *f;
            }
        }
        Assessment {
            n,
            distance,
            neutral_probability: p,
            risk,
            adjust: opts.risk_adjust,
        }
    }

    /// Perspective h's estimate of every actor's risk attitude.
    pub fn perspective(&self, h: usize) -> Vec<f64> {
        let rh = self.risk[h];
        self.risk
            .iter()
            .map(|&ri| estimated_risk(rh, ri, self.adjust))
            .collect()
    }

    /// `aUtil[h](i, j)` given h's risk estimates `rh` from [`Assessment::perspective`].
    #[inline]
    pub fn util(&self, rh: &[f64], i: usize, j: usize) -> f64 {
        utility(self.distance[i * self.n + j], rh[i])
    }

    /// Actor i's own utility for j's position, `aUtil[i](i, j)`. The risk is i's estimate of
    /// itself, which the perspective mix can change in the last bit (KTAB computes it so).
    #[inline]
    fn own(&self, i: usize, j: usize) -> f64 {
        let r = estimated_risk(self.risk[i], self.risk[i], self.adjust);
        utility(self.distance[i * self.n + j], r)
    }

    /// Writes perspective h's utility matrix into `out` (`n x n`).
    pub fn fill_perspective(&self, h: usize, out: &mut [f64]) {
        let n = self.n;
        let rh = self.perspective(h);
        for i in 0..n {
            let r = rh[i];
            let row = &self.distance[i * n..(i + 1) * n];
            for (o, &d) in out[i * n..(i + 1) * n].iter_mut().zip(row) {
                *o = utility(d, r);
            }
        }
    }

    /// The risk-neutral value matrix, as KTAB prints it.
    pub fn value_matrix(&self) -> Vec<f64> {
        self.distance.iter().map(|&x| utility(x, 0.0)).collect()
    }

    /// The risk-aware utility matrix of perspective h (`None`: the objective one).
    pub fn utility_matrix(&self, h: Option<usize>) -> Vec<f64> {
        let n = self.n;
        let rh = match h {
            Some(h) => self.perspective(h),
            None => self.risk.clone(),
        };
        (0..n * n)
            .map(|ij| self.util(&rh, ij / n, ij % n))
            .collect()
    }
}

/// KTAB `SMPState::probEduChlg`: h's estimate (utilities `u`, from perspective h) of the
/// probability that i beats j and of the change in k's utility if i challenges j.
#[allow(clippy::too_many_arguments)]
fn challenge(
    actors: &Actors,
    opts: &SmpOptions,
    u: impl Fn(usize, usize) -> f64,
    k: usize,
    i: usize,
    j: usize,
    s: &[f64],
) -> (f64, f64) {
    let rule = opts.voting;
    let (uii, uij, uji, ujj) = (u(i, i), u(i, j), u(j, i), u(j, j));
    let sq = u(k, i) + u(k, j);
    let k_if_i_wins = u(k, i) + u(k, i);
    let k_if_j_wins = u(k, j) + u(k, j);
    let (si, sj) = (s[i], s[j]);
    let (ci, cj) = (actors.capability[i], actors.capability[j]);

    let vi = vote(rule, si * ci, uii, uij);
    let vj = vote(rule, sj * cj, uji, ujj);
    let (mut chij, mut chji) = (MIN_SIDE, MIN_SIDE);
    if vi > 0.0 {
        chij += vi;
    }
    if vi < 0.0 {
        chji -= vi;
    }
    if vj > 0.0 {
        chij += vj;
    }
    if vj < 0.0 {
        chji -= vj;
    }
    // Each third party weighs in on the little contest of the principals and itself.
    let (base_i, base_j) = (chij, chji);
    for n in 0..actors.n {
        if n == i || n == j {
            continue;
        }
        let wn = s[n] * actors.capability[n];
        let (uni, unj, unn) = (u(n, i), u(n, j), u(n, n));
        let pin = little_contest(rule, wn, uni, unj, base_i, base_j);
        let v = third_party_vote(wn, rule, opts.third_party, pin, 1.0 - pin, uni, unj, unn);
        if v > 0.0 {
            chij += v;
        }
        if v < 0.0 {
            chji -= v;
        }
    }
    let pij = chij / (chij + chji);
    let pji = chji / (chij + chji);
    let contest = pij * k_if_i_wins + pji * k_if_j_wins;
    // j resists in proportion to how much it cares.
    let chlg = (1.0 - sj) * k_if_i_wins + sj * contest;
    (pij, chlg - sq)
}

/// KTAB `SMPActor::interpBrgnSnPm` on one dimension, rounded to 4 decimals as KTAB does.
#[allow(clippy::too_many_arguments)]
fn interpolate_snpm(
    n: f64,
    m: f64,
    ti: f64,
    si: f64,
    pi: f64,
    tj: f64,
    sj: f64,
    pj: f64,
) -> (f64, f64) {
    let round4 = |x: f64| ((0.5 + x * 10000.0) as i64) as f64 / 10000.0;
    let wi = si.powf(n) * pi.powf(m);
    let wj = sj.powf(n) * pj.powf(m);
    // The tiny weight keeps 0/0 away when neither cares nor can coerce (KTAB).
    const W: f64 = 1e-6;
    (
        round4(((wi + W) * ti + wj * tj) / (wi + W + wj)),
        round4((wi * ti + (W + wj) * tj) / (wi + W + wj)),
    )
}

/// KTAB `SMPActor::interpBrgnS2PMax` on one dimension.
fn interpolate_s2pmax(ti: f64, si: f64, pi: f64, tj: f64, sj: f64, pj: f64) -> (f64, f64) {
    let di = if pj > pi { pj - pi } else { 0.0 };
    let dj = if pi > pj { pi - pj } else { 0.0 };
    let (si2, sj2) = (si * si, sj * sj);
    const W: f64 = 1e-6;
    let dik = (di * sj2) / ((di * sj2) + W + ((1.0 - di) * si2));
    let djk = (dj * si2) / ((dj * si2) + W + ((1.0 - dj) * sj2));
    (ti + dik * (tj - ti), tj + djk * (ti - tj))
}

/// KTAB `SMPActor::interpolateBrgn`: the positions i and j would adopt, given i's chance `pi`.
#[allow(clippy::too_many_arguments)]
fn interpolate(
    actors: &Actors,
    how: Interpolation,
    i: usize,
    j: usize,
    pos_i: &[f64],
    pos_j: &[f64],
    pi: f64,
    pj: f64,
) -> (Vec<f64>, Vec<f64>) {
    let (si, sj) = (actors.sal(i), actors.sal(j));
    let mut bi = vec![0.0; actors.dims];
    let mut bj = vec![0.0; actors.dims];
    for k in 0..actors.dims {
        let (x, y) = match how {
            Interpolation::S1P1 => {
                interpolate_snpm(1.0, 1.0, pos_i[k], si[k], pi, pos_j[k], sj[k], pj)
            }
            Interpolation::S2P2 => {
                interpolate_snpm(2.0, 2.0, pos_i[k], si[k], pi, pos_j[k], sj[k], pj)
            }
            Interpolation::S2PMax => interpolate_s2pmax(pos_i[k], si[k], pi, pos_j[k], sj[k], pj),
        };
        bi[k] = x;
        bj[k] = y;
    }
    (bi, bj)
}

/// A proposed change of two positions (or, with `init == rcvr`, the status quo).
#[derive(Debug, Clone, PartialEq)]
pub struct Bargain {
    /// The initiator, an actor index.
    pub init: usize,
    /// The receiver, an actor index.
    pub rcvr: usize,
    /// The initiator's new position, one coordinate per issue, in 0..1.
    pub pos_init: Vec<f64>,
    /// The receiver's new position, one coordinate per issue, in 0..1.
    pub pos_rcvr: Vec<f64>,
}

/// Actor i's best challenge in a turn.
#[derive(Debug, Clone, PartialEq)]
pub struct Challenge {
    /// The challenger, an actor index.
    pub init: usize,
    /// The actor it challenges.
    pub target: usize,
    /// i's estimate that it prevails.
    pub probability: f64,
    /// i's expected gain.
    pub gain: f64,
}

/// What one turn did.
#[derive(Debug, Clone, PartialEq)]
pub struct TurnResult {
    /// Each actor's best challenge, in actor order.
    pub challenges: Vec<Challenge>,
    /// The bargain each actor adopted (`init == rcvr`: it kept its position).
    pub chosen: Vec<Bargain>,
    /// The positions and ideals after the turn.
    pub next: Positions,
}

/// KTAB `SMPState::doBCN`: every actor challenges its best target, bargains are interpolated,
/// and each actor's queue of bargains is settled by an election among all actors.
pub fn turn(
    actors: &Actors,
    state: &Positions,
    a: &Assessment,
    opts: &SmpOptions,
    rng: &mut ChaCha8Rng,
) -> TurnResult {
    let (n, d) = (actors.n, actors.dims);
    let pos = |i: usize| &state.position[i * d..(i + 1) * d];
    let s: Vec<f64> = (0..n).map(|i| actors.total_salience(i)).collect();
    let status_quo = |i: usize| Bargain {
        init: i,
        rcvr: i,
        pos_init: pos(i).to_vec(),
        pos_rcvr: pos(i).to_vec(),
    };
    let mut queues: Vec<Vec<usize>> = (0..n).map(|_| Vec::new()).collect();
    let mut bargains: Vec<Bargain> = Vec::new();
    for (i, q) in queues.iter_mut().enumerate() {
        q.push(bargains.len());
        bargains.push(status_quo(i));
    }
    let mut challenges = Vec::new();
    let mut ui = vec![0.0; n * n];
    for i in 0..n {
        // i's view of everyone's utilities, computed once for its n - 1 possible targets.
        a.fill_perspective(i, &mut ui);
        let u = |x: usize, y: usize| ui[x * n + y];
        let (mut best, mut best_p, mut best_gain) = (None, 0.0, -1.0);
        for j in (0..n).filter(|&j| j != i) {
            let (p, gain) = challenge(actors, opts, u, i, i, j, &s);
            if MIN_GAIN < gain && best_gain < gain {
                best = Some(j);
                best_p = p;
                best_gain = gain;
            }
        }
        let Some(j) = best else { continue };
        challenges.push(Challenge {
            init: i,
            target: j,
            probability: best_p,
            gain: best_gain,
        });
        let (ii, ij) = interpolate(
            actors,
            opts.interpolation,
            i,
            j,
            pos(i),
            pos(j),
            best_p,
            1.0 - best_p,
        );
        let from_i = Bargain {
            init: i,
            rcvr: j,
            pos_init: ii,
            pos_rcvr: ij,
        };
        let mut own = |b: Bargain, queues: &mut Vec<Vec<usize>>| {
            queues[i].push(bargains.len());
            queues[j].push(bargains.len());
            bargains.push(b);
        };
        if opts.bargain == BargainModel::InitOnly {
            own(from_i, &mut queues);
            continue;
        }
        // j's view of i's chance. KTAB passes j's estimate of i's expected *gain* here
        // (`get<1>` of probEduChlg) where its comment says "probability"; a gain can be
        // negative and push the bargain outside both positions, even off the scale, so detente
        // uses the probability (docs/models/smp.md).
        let rj = a.perspective(j);
        let (pji, _) = challenge(actors, opts, |x, y| a.util(&rj, x, y), i, i, j, &s);
        let (ji, jj) = interpolate(
            actors,
            opts.interpolation,
            i,
            j,
            pos(i),
            pos(j),
            pji,
            1.0 - pji,
        );
        let from_j = Bargain {
            init: i,
            rcvr: j,
            pos_init: ji,
            pos_rcvr: jj,
        };
        match opts.bargain {
            BargainModel::InitOnly => unreachable!("handled above"),
            BargainModel::InitRcvr => {
                queues[i].push(bargains.len());
                queues[i].push(bargains.len() + 1);
                queues[j].push(bargains.len());
                queues[j].push(bargains.len() + 1);
                bargains.push(from_i);
                bargains.push(from_j);
            }
            BargainModel::PwComp => {
                // Each side's interpolation weighs by its author's capability x salience (KTAB
                // takes the initiator's capability for both, `brgnJIJ->actInit->sCap`, against
                // its own comment; docs/models/smp.md).
                let wi = actors.capability[i] * s[i];
                let wj = actors.capability[j] * s[j];
                let mix = |x: &[f64], y: &[f64]| -> Vec<f64> {
                    x.iter()
                        .zip(y)
                        .map(|(a, b)| (wi * a + wj * b) / (wi + wj))
                        .collect()
                };
                own(
                    Bargain {
                        init: i,
                        rcvr: j,
                        pos_init: mix(&from_i.pos_init, &from_j.pos_init),
                        pos_rcvr: mix(&from_i.pos_rcvr, &from_j.pos_rcvr),
                    },
                    &mut queues,
                );
            }
        }
    }

    // Each actor's queue is settled by an election in which everyone votes on the states the
    // bargains would bring about, valued as the mean utility of all positions.
    // What each voter makes of each bargain, computed once though a bargain sits in two queues.
    let own: Vec<f64> = (0..n * n).map(|ij| a.own(ij / n, ij % n)).collect();
    let status_quo_value: Vec<f64> = (0..n)
        .map(|v| own[v * n..(v + 1) * n].iter().fold(0.0, |s, x| s + x) / n as f64)
        .collect();
    let mut value = vec![0.0; n * bargains.len()];
    for (m, b) in bargains.iter().enumerate() {
        for voter in 0..n {
            value[voter * bargains.len() + m] = if b.init == b.rcvr {
                status_quo_value[voter]
            } else {
                // KTAB values the moved positions from the voter's position, not its ideal.
                let (here, sal, r) = (pos(voter), actors.sal(voter), a.risk[voter]);
                let mut total = 0.0;
                total += utility(distance(here, &b.pos_init, sal), r);
                total += utility(distance(here, &b.pos_rcvr, sal), r);
                for (x, u) in own[voter * n..(voter + 1) * n].iter().enumerate() {
                    if x != b.init && x != b.rcvr {
                        total += u;
                    }
                }
                total / n as f64
            };
        }
    }
    let mut chosen = Vec::with_capacity(n);
    let mut next = state.clone();
    let mut u = Vec::new();
    for k in 0..n {
        let q = &queues[k];
        let nb = q.len();
        u.clear();
        for voter in 0..n {
            u.extend(q.iter().map(|&b| value[voter * bargains.len() + b]));
        }
        let p = scalar_pce(opts, opts.voting, &actors.capability, n, nb, |v, m| {
            u[v * nb + m]
        });
        let pick = match opts.transitions {
            Transitions::Deterministic => first_max(&p),
            Transitions::Stochastic => draw(&p, rng),
        };
        let b = &bargains[q[pick]];
        let to = if b.init == b.rcvr {
            pos(k)
        } else if b.init == k {
            &b.pos_init[..]
        } else {
            &b.pos_rcvr[..]
        };
        next.position[k * d..(k + 1) * d].copy_from_slice(to);
        chosen.push(b.clone());
    }
    // Ideals move towards the new positions (KTAB `newIdeals` with rate x identity).
    let rate = opts.accommodation;
    for (ideal, &p) in next.ideal.iter_mut().zip(&next.position) {
        *ideal = if rate == 1.0 {
            p
        } else {
            rate * p + (1.0 - rate) * *ideal
        };
    }
    TurnResult {
        challenges,
        chosen,
        next,
    }
}

/// KTAB `ndxMaxAbs`: the first largest.
fn first_max(p: &[f64]) -> usize {
    let mut best = 0;
    let mut top = -1.0;
    for (i, &x) in p.iter().enumerate() {
        if top < x.abs() {
            top = x.abs();
            best = i;
        }
    }
    best
}

/// A draw from `p` with detente's generator (KTAB uses its own, so stochastic runs match KTAB in
/// distribution only).
fn draw(p: &[f64], rng: &mut ChaCha8Rng) -> usize {
    let u: f64 = rng.random();
    let mut cum = 0.0;
    for (i, &x) in p.iter().enumerate() {
        cum += x;
        if u < cum {
            return i;
        }
    }
    p.len() - 1
}

/// KTAB `SMPModel::stateDist`: the sum over actors of how far each moved.
pub fn movement(a: &[f64], b: &[f64], dims: usize) -> f64 {
    a.chunks(dims)
        .zip(b.chunks(dims))
        .map(|(x, y)| euclid(x, y))
        .fold(0.0, |s, x| s + x)
}

/// KTAB's stopping rule (`smpStopFn`) after `turns` turns, given the first turn's movement and
/// the last one's.
pub fn should_stop(opts: &SmpOptions, turns: u32, first: f64, last: f64) -> bool {
    let ratio = last / (first + MIN_FIRST_MOVE);
    turns >= opts.max_turns || (turns >= opts.min_turns && ratio < opts.stop_ratio)
}

/// KTAB `SMPState::pDist(-1)`: the probability that each actor's position wins, from the
/// election among the distinct positions with each actor voting its own utilities. Positions
/// closer than [`SAME_POSITION`] are one option, represented by the first actor in `rank`
/// (KTAB: the first in its actor order).
pub fn position_probabilities(
    actors: &Actors,
    state: &Positions,
    a: &Assessment,
    opts: &SmpOptions,
    rank: &[usize],
) -> Vec<f64> {
    let (n, d) = (actors.n, actors.dims);
    let unique = distinct_positions(&state.position, d, rank.iter().copied());
    let m = unique.len();
    // KTAB votes these with the proportional rule whatever the scenario's.
    let p = scalar_pce(
        opts,
        VotingRule::Proportional,
        &actors.capability,
        n,
        m,
        |v, x| a.own(v, unique[x]),
    );
    (0..n)
        .map(|i| {
            // KTAB takes the last distinct position equivalent to i's.
            let k = (0..m)
                .rev()
                .find(|&k| same_position(&state.position, d, i, unique[k]))
                .unwrap_or(0);
            p[k]
        })
        .collect()
}

/// Euclidean distance between two positions.
fn euclid(x: &[f64], y: &[f64]) -> f64 {
    x.iter()
        .zip(y)
        .fold(0.0, |s, (p, q)| s + (p - q) * (p - q))
        .sqrt()
}

/// Whether actors i and j hold one option: positions closer than [`SAME_POSITION`] (KTAB
/// `equivNdx`). `position` is `n x dims`.
pub fn same_position(position: &[f64], dims: usize, i: usize, j: usize) -> bool {
    euclid(
        &position[i * dims..(i + 1) * dims],
        &position[j * dims..(j + 1) * dims],
    ) < SAME_POSITION
}

/// The actors that stand for the distinct positions, each the first of its group in `rank`
/// (KTAB `setUENdx`).
pub fn distinct_positions(
    position: &[f64],
    dims: usize,
    rank: impl IntoIterator<Item = usize>,
) -> Vec<usize> {
    let mut unique: Vec<usize> = Vec::new();
    for i in rank {
        if !unique.iter().any(|&u| same_position(position, dims, i, u)) {
            unique.push(i);
        }
    }
    unique
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn distance_and_utility_by_hand() {
        // Saliences (0.3, 0.4), differences (0.1, 0.2): sqrt((0.03^2 + 0.08^2) / 0.25).
        let d = distance(&[0.5, 0.5], &[0.4, 0.3], &[0.3, 0.4]);
        assert!((d - ((0.0009f64 + 0.0064) / 0.25).sqrt()).abs() < 1e-15);
        // u = (1 - d)(1 + d R): d = 0.5, R = 1 -> 0.75; R = -0.5 -> 0.375.
        assert_eq!(utility(0.5, 1.0), 0.75);
        assert_eq!(utility(0.5, -0.5), 0.375);
        assert_eq!(distance(&[0.1], &[0.9], &[0.0]), 0.0);
    }

    #[test]
    fn votes_by_hand() {
        assert_eq!(vote(VotingRule::Proportional, 2.0, 0.75, 0.5), 0.5);
        assert_eq!(vote(VotingRule::Binary, 2.0, 0.75, 0.5), 2.0);
        assert!(
            (vote(VotingRule::PropBin, 2.0, 0.75, 0.5) - 2.0 * (0.8 * 0.25 + 0.2)).abs() < 1e-15
        );
        assert_eq!(vote(VotingRule::Cubic, 2.0, 0.75, 0.5), 2.0 * 0.015625);
        assert_eq!(
            vote(VotingRule::PropCbc, 2.0, 0.75, 0.5),
            2.0 * (0.125 + 0.0078125)
        );
        assert!((vote(VotingRule::AsymProsp, 3.0, 0.75, 0.5) - 0.5).abs() < 1e-15);
        assert_eq!(vote(VotingRule::AsymProsp, 3.0, 0.5, 0.75), -0.75);
    }

    #[test]
    fn victory_models() {
        assert_eq!(victory(VictoryModel::Linear, 3.0, 1.0), (0.75, 0.25));
        assert_eq!(victory(VictoryModel::Square, 3.0, 1.0), (0.9, 0.1));
        // A 10% advantage is decisive; at 5% the binary model is halfway to certain.
        assert!(victory(VictoryModel::Binary, 1.1, 1.0).0 > 0.999_99);
        let (p, _) = victory(VictoryModel::Binary, 1.05, 1.0);
        let r = 1.05 / 2.05;
        assert!((p - (r * 2.1 - 1.0) / 0.1).abs() < 1e-12);
    }

    #[test]
    fn risk_ranges() {
        let p = [0.1, 0.2, 0.7];
        assert_eq!(risk_from_probability(&p, RiskRange::Min)[0], 0.0);
        let mid = risk_from_probability(&p, RiskRange::Mid);
        assert!((mid[0] + 0.5).abs() < 1e-12 && (mid[2] - 1.0).abs() < 1e-12);
        let max = risk_from_probability(&p, RiskRange::Max);
        assert!((max[0] + 1.0).abs() < 1e-12 && (max[2] - 1.0).abs() < 1e-12);
        assert_eq!(
            risk_from_probability(&[0.5, 0.5], RiskRange::Mid),
            vec![0.0, 0.0]
        );
    }

    #[test]
    fn elections_agree_on_a_clear_winner() {
        // Option 0 beats both others 9 to 1, option 1 beats 2 by 3 to 1.
        let c = [1e-8, 9.0, 9.0, 1.0, 1e-8, 3.0, 1.0, 1.0, 1e-8];
        for kind in Election::ALL {
            let p = election(*kind, VictoryModel::Linear, &c, 3);
            assert!((p.iter().sum::<f64>() - 1.0).abs() < 1e-6, "{kind:?}");
            assert!(p[0] > p[1] && p[1] > p[2], "{kind:?}: {p:?}");
        }
        // Conditional by hand: 0.5*0.9*0.9, 0.5*0.1*0.75, 0.5*0.1*0.25.
        let p = election(Election::Conditional, VictoryModel::Linear, &c, 3);
        let raw = [0.405, 0.0375, 0.0125];
        let t: f64 = raw.iter().sum();
        for k in 0..3 {
            assert!((p[k] - raw[k] / t).abs() < 1e-8);
        }
    }

    #[test]
    fn interpolation_leans_to_the_stronger_and_more_salient() {
        let (bi, bj) = interpolate_snpm(2.0, 2.0, 0.2, 0.5, 0.8, 0.6, 0.5, 0.2);
        // Equal saliences: weights 0.64 and 0.04 -> 0.2 + 0.4 * 0.04 / 0.68.
        let want = 0.2 + 0.4 * 0.04 / 0.68;
        assert!((bi - want).abs() <= 5e-5 && (bj - want).abs() <= 5e-5);
        // Nobody cares: each keeps its own position.
        let (bi, bj) = interpolate_snpm(2.0, 2.0, 0.2, 0.0, 0.8, 0.6, 0.0, 0.2);
        assert_eq!((bi, bj), (0.2, 0.6));
    }
}
