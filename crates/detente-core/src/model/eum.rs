//! Bueno de Mesquita's expected utility model, as reconstructed by Scholz, Calbert & Smith
//! (2011).
//!
//! One issue at a time, actors challenge one another's positions. Each round every actor
//! weighs, in its own eyes, what it and each rival would expect from a challenge; the offers
//! that follow (give way after a lost conflict, compromise, capitulate) move the positions, all
//! at once. The forecast is the weighted median of the positions after the last round. Every
//! equation, with the paper's number, and every interpretive choice, with the Table 2 figures it
//! reproduces, is in `docs/models/eum.md`.

use std::cmp::Ordering;

use super::{Model, ModelError, ModelInfo, Move, Round, RoundIssue, RunOptions, RunResult};
use crate::cancel;
use crate::scenario::{EumOptions, Scale, Scenario, Shock, Stop, Target};

/// Bueno de Mesquita's expected utility model (Scholz et al. 2011), `docs/models/eum.md`.
pub struct Eum;

static INFO: ModelInfo = ModelInfo {
    name: "eum",
    summary: "Bueno de Mesquita's expected utility model: rounds of challenges, compromises and capitulations; outcome: the median after the last round",
    source: "Bueno de Mesquita (1994); Scholz, Calbert & Smith (2011), J. Theoretical Politics 23(4)",
    dynamic: true,
};

impl Model for Eum {
    fn info(&self) -> &'static ModelInfo {
        &INFO
    }

    fn run(&self, scenario: &Scenario, _opts: &RunOptions) -> Result<RunResult, ModelError> {
        // The model draws no random numbers, so the seed does not matter.
        let r = run(scenario);
        cancel::check()?;
        Ok(r)
    }

    fn outcomes(
        &self,
        scenario: &Scenario,
        _opts: &RunOptions,
        out: &mut Vec<f64>,
    ) -> Result<(), ModelError> {
        let start = out.len();
        outcomes(scenario, out);
        if let Err(s) = cancel::check() {
            out.truncate(start);
            return Err(s.into());
        }
        Ok(())
    }
}

// ---------------------------------------------------------------------------------------------
// The pieces, as free functions of plain numbers.

/// The utilities of eqs. (5)-(9) for actor i facing j, in i's risk exponent `r`.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Utilities {
    success: f64,
    failure: f64,
    better: f64,
    worse: f64,
    status_quo: f64,
}

/// `d` = |x_i - x_j| / R and `d_mu` = |x_i - mu| / R, both in 0..1, so every base is in 0..1 and
/// every utility in -2..2. With `drift` false, U_b and U_w are left at 0: at Q = 1 they carry no
/// weight, and the powers are what the model spends its time on.
fn utilities(d: f64, d_mu: f64, r: f64, drift: bool) -> Utilities {
    utilities_given(d, d_mu, r, drift, utility(0.5, r))
}

/// `utilities` with U_sq, which depends on the exponent alone, computed once by the caller.
fn utilities_given(d: f64, d_mu: f64, r: f64, drift: bool, status_quo: f64) -> Utilities {
    let (better, worse) = if drift {
        let shift = 0.25 * (d_mu + d);
        (utility(0.5 - shift, r), utility(0.5 + shift, r))
    } else {
        (0.0, 0.0)
    };
    Utilities {
        success: utility(0.5 - 0.5 * d, r),
        failure: utility(0.5 + 0.5 * d, r),
        better,
        worse,
        status_quo,
    }
}

/// 2 - 4 z^r, the form of eqs. (5)-(9).
fn utility(z: f64, r: f64) -> f64 {
    // The clamp only absorbs rounding: a negative base would make a fractional power NaN.
    2.0 - 4.0 * power(z.clamp(0.0, 1.0), r)
}

/// z^r, skipping `powf` where it is exact without it: the risk-neutral exponent with which
/// exposure is measured every round, and the ends of the unit interval (the positions at the
/// ends of the scale, and the voter's own position), which are common.
fn power(z: f64, r: f64) -> f64 {
    if r == 1.0 || z == 1.0 {
        z
    } else if z.to_bits() == 0 && r > 0.0 {
        // +0 only: (-0)^r is -0 for odd integer r.
        0.0
    } else {
        z.powf(r)
    }
}

/// Whether a challenger surely expects nothing from a challenge (and so makes no offer), told
/// without the powers of eqs. (5)-(9), which most challenges then need not compute. At Q = 1,
/// eq. (4) is (1 - f) U_s + f U_f - U_sq, with f = s_j (1 - P) the chance that the target resists
/// and wins; that is 4 (1/2)^r (1 - h(r)) with h(r) = (1 - f) (1 - d)^r + f (1 + d)^r. h is
/// convex in r with h(0) = 1 (at d = 1, h = f 2^r rises), so once h >= 1 at some r0 it stays at
/// least h(r0) for every r >= r0: h(1) = 1 + d (2f - 1), and h(1/2) takes only square roots. As
/// r <= 2, a margin of 1e-9 on h puts eq. (4) at most -1e-9, far beyond its rounding errors
/// (~1e-15): the shortcut never decides differently from the computation it spares.
fn surely_no_gain(d: f64, f: f64, r: f64) -> bool {
    const MARGIN: f64 = 1e-9;
    (r >= 1.0 && d * (2.0 * f - 1.0) >= MARGIN)
        || (r >= 0.5 && (1.0 - f) * (1.0 - d).sqrt() + f * (1.0 + d).sqrt() >= 1.0 + MARGIN)
}

/// Eq. (4): what i expects from challenging j. `p` is i's probability of prevailing, `s_j` the
/// chance that j resists (its salience), `t` the chance that, unchallenged, things get better
/// for i.
#[cfg(test)]
fn expected_utility(p: f64, s_j: f64, u: &Utilities, q: f64, t: f64) -> f64 {
    Challenge::new(p, u, q, t).expected_utility(s_j)
}

/// Eq. (4) with everything but the target's salience filled in: the rest depends only on the
/// two positions and the viewer's exponent, so challenges between the same two positions share
/// it.
#[derive(Debug, Clone, Copy)]
struct Challenge {
    contest: f64,
    success: f64,
    status_quo: f64,
    drift: f64,
}

impl Challenge {
    fn new(p: f64, u: &Utilities, q: f64, t: f64) -> Challenge {
        Challenge {
            contest: p * u.success + (1.0 - p) * u.failure,
            success: u.success,
            status_quo: q * u.status_quo,
            drift: (1.0 - q) * (t * u.better + (1.0 - t) * u.worse),
        }
    }

    /// Eq. (4) against a target of salience `s_j`, term by term in the order of the formula.
    fn expected_utility(&self, s_j: f64) -> f64 {
        s_j * self.contest + (1.0 - s_j) * self.success - self.status_quo - self.drift
    }
}

/// T of eq. (4), as i sees it: unchallenged, j drifts towards the median `mu`; that helps i when
/// i lies on the median's side of j. At the median j has no drift, and either is as likely.
fn drift_helps(x_i: f64, x_j: f64, mu: f64) -> f64 {
    match (mu.total_cmp(&x_j), x_i.total_cmp(&x_j)) {
        (Ordering::Equal, _) => 0.5,
        (towards, side) if towards == side => 1.0,
        _ => 0.0,
    }
}

/// Eq. (11): the risk exponent from a risk attitude R in -1 (averse) .. 1 (acceptant): 2 .. 0.5.
fn risk_exponent(attitude: f64) -> f64 {
    let a = attitude.clamp(-1.0, 1.0) / 3.0;
    (1.0 - a) / (1.0 + a)
}

/// Eq. (10): each actor's risk attitude from its exposure, the sum of what the others expect
/// from challenging it: the most exposed is the most risk acceptant (1), the least exposed the
/// most averse (-1). All 0 when everyone is equally exposed. In place: exposures in, attitudes
/// out.
fn risk_attitudes_in_place(v: &mut [f64]) {
    let max = v.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let min = v.iter().copied().fold(f64::INFINITY, f64::min);
    let spread = max - min;
    for e in v {
        *e = if spread > 0.0 && spread.is_finite() {
            ((2.0 * *e - max - min) / spread).clamp(-1.0, 1.0)
        } else {
            0.0
        };
    }
}

#[cfg(test)]
fn risk_attitudes(exposure: &[f64]) -> Vec<f64> {
    let mut v = exposure.to_vec();
    risk_attitudes_in_place(&mut v);
    v
}

/// The distinct positions of a round and which one each player holds. Apart from saliences and
/// weights, eqs. (3)-(9) see the players only through their positions, and players often share
/// one (a conflict or a capitulation moves the receiver onto its challenger's position), so the
/// powers, probabilities and utilities are computed once per position, not once per player.
/// Positions are told apart by their bits, as `total_cmp` (and so `drift_helps`) tells them apart.
#[derive(Debug, Default)]
struct Positions {
    /// The distinct positions, in `total_cmp` order.
    at: Vec<f64>,
    /// The players by position, in id order at each: those at `at[a]` are
    /// `members[start[a]..start[a + 1]]`.
    members: Vec<usize>,
    start: Vec<usize>,
    /// Each player's, as an index into `at`.
    of: Vec<usize>,
    /// The shares |x_a - x_b| / R, `d[a * m + b]` for m positions.
    d: Vec<f64>,
    /// Whether two positions are equal, so that there is no contest between them (only 0.0 and
    /// -0.0 are equal and yet two positions here).
    same: Vec<bool>,
    /// From each position c, every position, the nearest first: `near[c * m..][..m]`.
    near: Vec<usize>,
}

impl Positions {
    fn update(&mut self, x: &[f64], unit: Unit) {
        let n = x.len();
        self.members.clear();
        self.members.extend(0..n);
        self.members.sort_by(|&i, &j| x[i].total_cmp(&x[j]));
        self.at.clear();
        self.start.clear();
        // Every entry of `of`, `d`, `same` and `near` is written below: resizing keeps whatever
        // was there rather than filling it first.
        self.of.resize(n, 0);
        for (k, &i) in self.members.iter().enumerate() {
            if self.at.last().is_none_or(|a| a.to_bits() != x[i].to_bits()) {
                self.at.push(x[i]);
                self.start.push(k);
            }
            self.of[i] = self.at.len() - 1;
        }
        self.start.push(n);
        let m = self.at.len();
        self.d.resize(m * m, 0.0);
        self.same.resize(m * m, false);
        // Both are symmetric, to the bit.
        for (a, &x) in self.at.iter().enumerate() {
            for (b, &y) in self.at.iter().enumerate().skip(a) {
                (self.d[a * m + b], self.same[a * m + b]) = (unit.share(x, y), x == y);
                (self.d[b * m + a], self.same[b * m + a]) = (self.d[a * m + b], x == y);
            }
        }
        self.order_by_distance();
    }

    /// Fills `near`. Outwards from c the distances grow on each side, so merging the two sides
    /// orders them (a hint only: nothing relies on it for its result).
    fn order_by_distance(&mut self) {
        let m = self.len();
        // Written in place: a push per entry costs a capacity check each.
        self.near.resize(m * m, 0);
        for (c, (near, d)) in self
            .near
            .chunks_exact_mut(m.max(1))
            .zip(self.d.chunks_exact(m.max(1)))
            .enumerate()
        {
            near[0] = c;
            let (mut left, mut right) = (c, c + 1);
            for slot in &mut near[1..] {
                // Selects rather than branches: which side comes next is a coin toss.
                let l = if left > 0 { d[left - 1] } else { f64::INFINITY };
                let r = d.get(right).copied().unwrap_or(f64::INFINITY);
                let take_left = left > 0 && (right == m || l <= r);
                left -= usize::from(take_left);
                *slot = if take_left { left } else { right };
                right += usize::from(!take_left);
            }
        }
    }

    fn len(&self) -> usize {
        self.at.len()
    }

    /// The players at `at[a]`.
    fn members(&self, a: usize) -> &[usize] {
        &self.members[self.start[a]..self.start[a + 1]]
    }
}

/// Scratch space of `probabilities_into`.
#[derive(Debug, Default)]
struct Scratch {
    g: Vec<f64>,
    sorted: Vec<(f64, usize)>,
    first: Vec<usize>,
    pairs: Vec<f64>,
}

/// Eq. (3) for every ordered pair, flattened: `p[i * n + j]` is i's probability of prevailing
/// over j. With every player at a position of its own, as `probabilities_into` sees it.
#[cfg(test)]
fn probabilities(d: &[f64], same: &[bool], w: &[f64], r: &[f64]) -> Vec<f64> {
    let n = w.len();
    let mut pos = Positions {
        at: vec![0.0; n],
        members: (0..n).collect(),
        start: (0..=n).collect(),
        of: (0..n).collect(),
        d: d.to_vec(),
        same: same.to_vec(),
        near: Vec::new(),
    };
    pos.order_by_distance();
    let mut p = Vec::new();
    probabilities_into(&pos, w, r, &mut Scratch::default(), &mut p);
    p
}

/// Eq. (3) for every ordered pair of positions, flattened: `p[a * m + b]` is the probability
/// that a player at position a prevails over one at b. Actor k votes for a over b with
/// w_k (g_k(x_b) - g_k(x_a)), where g_k(x) = (|x_k - x| / R)^r_k is how far x is from k in k's
/// own risk exponent; a's chance is the votes for a over the sum of the absolute votes of every
/// actor over every ordered pair of actors' positions. That denominator is Scholz et al.'s (their
/// program's, as the public replications report it); the per-pair one, which makes P_i + P_j =
/// 1, does not reproduce their Table 2 (docs/models/eum.md). P = 0 between equal positions
/// (there is no contest).
fn probabilities_into(
    pos: &Positions,
    w: &[f64],
    r: &[f64],
    scratch: &mut Scratch,
    p: &mut Vec<f64>,
) {
    let (n, m) = (w.len(), pos.len());
    let Scratch {
        g,
        sorted,
        first,
        pairs,
    } = scratch;
    // Voters at the same position with the same exponent (at r = 1, every voter at a position)
    // see every position alike: each such row is computed once, for the first of them.
    first.clear();
    first.extend(0..n);
    for a in 0..m {
        let at = pos.members(a);
        for (i, &k) in at.iter().enumerate() {
            if let Some(&j) = at[..i].iter().find(|&&j| r[j].to_bits() == r[k].to_bits()) {
                first[k] = j;
            }
        }
    }
    // g_k(x_a) at `g[k * stride + a]`: voter-major, so that the votes below run over
    // contiguous positions, LANES at a time; the padding is never read as a vote.
    const LANES: usize = 4;
    let stride = m + LANES - 1;
    // Every g_k(x_a) is written below; what the padding holds only reaches discarded lanes.
    g.resize(n * stride, 0.0);
    // Each voter's sum over ordered pairs of players of |g_a - g_b|, which is
    // 2 sum_m g_(m) (2m - n + 1) for the n players' g sorted: O(n log n) instead of O(n^2).
    pairs.clear();
    pairs.resize(n, 0.0);
    sorted.resize(m, (0.0, 0));
    for k in 0..n {
        let f = first[k];
        if f != k {
            // f < k: its row is done.
            g.copy_within(f * stride..(f + 1) * stride, k * stride);
            continue;
        }
        // The row in the order of the positions nearest first, which mostly sorts it already
        // (g grows with the distance from the voter); the sort then only checks. The sorted
        // values are the same whatever order they come in.
        let c = pos.of[k];
        let (d, row) = (&pos.d[c * m..][..m], &mut g[k * stride..][..m]);
        for (v, &a) in sorted.iter_mut().zip(&pos.near[c * m..][..m]) {
            let ga = power(d[a], r[k]);
            row[a] = ga;
            *v = (ga, pos.start[a + 1] - pos.start[a]);
        }
        // Without a sign bit, `total_cmp` orders as the bits do; the last value is the largest.
        let plain = sorted.is_sorted_by_key(|v| v.0.to_bits())
            && sorted.last().is_none_or(|v| v.0.to_bits() >> 63 == 0);
        if !plain {
            sorted.sort_unstable_by(|a, b| a.0.total_cmp(&b.0));
        }
        // Term by term, as `Iterator::sum` over the n players would add them. The factor
        // 2 rank - n + 1 is a small integer, so stepping it by 2 is exact: the same numbers
        // as converting each rank.
        let (mut sum, mut factor) = (-0.0, 0.0 - (n as f64 - 1.0));
        for &(v, count) in sorted.iter() {
            for _ in 0..count {
                sum += v * factor;
                factor += 2.0;
            }
        }
        pairs[k] = sum;
    }
    let mut denominator = 0.0;
    for k in 0..n {
        if w[k] <= 0.0 {
            continue;
        }
        denominator += w[k] * 2.0 * pairs[first[k]];
    }
    p.clear();
    p.resize(m * m, 0.0);
    if denominator <= 0.0 {
        return;
    }
    for a in 0..m {
        // The votes for a over the next LANES positions b and for them over a, each summed over
        // the voters in order; a voter's vote for a over b is minus its vote for b over a.
        // Adding 0 for the votes that go the other way leaves each sum (never -0) as it was.
        for b0 in (a + 1..m).step_by(LANES) {
            let (mut fa, mut fb) = ([0.0; LANES], [0.0; LANES]);
            for (&wk, row) in w.iter().zip(g.chunks_exact(stride)) {
                let ga = row[a];
                let gb: &[f64; LANES] = row[b0..b0 + LANES].try_into().unwrap_or(&[0.0; LANES]);
                for l in 0..LANES {
                    let vote = wk * (gb[l] - ga);
                    let up = vote > 0.0;
                    fa[l] += if up { vote } else { 0.0 };
                    fb[l] -= if up { 0.0 } else { vote };
                }
            }
            for (l, (&fa, &fb)) in fa.iter().zip(&fb).enumerate().take(m - b0) {
                let b = b0 + l;
                if pos.same[a * m + b] {
                    continue;
                }
                p[a * m + b] = (fa / denominator).clamp(0.0, 1.0);
                p[b * m + a] = (fb / denominator).clamp(0.0, 1.0);
            }
        }
    }
}

/// What an offer asks of its receiver.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Kind {
    /// Both would challenge and the challenger expects more: the receiver gives way fully.
    Conflict,
    /// The receiver would lose less than the challenger gains: it moves part of the way.
    Compromise,
    /// The receiver would lose more than the challenger gains: it moves all the way.
    Capitulation,
}

impl Kind {
    fn name(self) -> &'static str {
        match self {
            Kind::Conflict => "conflict",
            Kind::Compromise => "compromise",
            Kind::Capitulation => "capitulation",
        }
    }
}

/// The receiver's reading of a challenge, in its own eyes: `own` is what it expects from
/// challenging the challenger, `theirs` what the challenger expects from challenging it.
/// Returns the kind and the share of the way to the challenger's position the receiver moves;
/// `None` when it does not move (the challenger gains nothing, or the receiver would win).
fn classify(own: f64, theirs: f64) -> Option<(Kind, f64)> {
    if theirs.is_nan() || theirs <= 0.0 {
        return None;
    }
    if own > 0.0 {
        (theirs > own).then_some((Kind::Conflict, 1.0))
    } else if own < 0.0 {
        let share = -own / theirs;
        Some(if share <= 1.0 {
            (Kind::Compromise, share)
        } else {
            (Kind::Capitulation, 1.0)
        })
    } else {
        None
    }
}

/// The point a share `f` of the way from `from` to `to`. The convex form cannot overflow on a
/// scale as wide as the f64 range; the clamp keeps rounding from leaving the segment.
fn toward(from: f64, to: f64, f: f64) -> f64 {
    if f >= 1.0 {
        to
    } else if f <= 0.0 {
        from
    } else {
        (from * (1.0 - f) + to * f).clamp(from.min(to), from.max(to))
    }
}

/// The position where neither side holds more than half of the weight `w`: on one dimension
/// with the linear votes of eq. (1), the position that beats every other in a pairwise vote
/// (eq. 2). An exact half split gives the midpoint of the two positions; positions with zero
/// weight count only when all weights are zero.
#[cfg(test)]
fn median(x: &[f64], w: &[f64]) -> f64 {
    median_in(x, w, &mut Vec::new())
}

/// `median` in `buf`: `weighted_median` step by step, without its two allocations a round (the
/// test `median_is_weighted_median` holds the two together).
fn median_in(x: &[f64], w: &[f64], buf: &mut Vec<(f64, f64)>) -> f64 {
    let weighted = w.iter().any(|&v| v > 0.0);
    buf.clear();
    buf.extend(
        x.iter()
            .zip(w)
            .map(|(&x, &w)| (x, if weighted { w } else { 1.0 }))
            .filter(|p| p.1 > 0.0),
    );
    // Stable, and equal positions merged in order, so that ties do not depend on the order of
    // the actors.
    buf.sort_by(|a, b| a.0.total_cmp(&b.0));
    let mut len = 0;
    for k in 0..buf.len() {
        let (x, w) = buf[k];
        if len > 0 && buf[len - 1].0 == x {
            buf[len - 1].1 += w;
        } else {
            buf[len] = (x, w);
            len += 1;
        }
    }
    buf.truncate(len);
    let total: f64 = buf.iter().map(|p| p.1).sum();
    if total <= 0.0 {
        return f64::NAN;
    }
    let half = 0.5 * total;
    let eps = 1e-12 * total;
    let mut cum = 0.0;
    for (k, &(x, w)) in buf.iter().enumerate() {
        cum += w;
        if cum >= half - eps {
            if (cum - half).abs() <= eps && k + 1 < buf.len() {
                let next = buf[k + 1].0;
                return (x / 2.0 + next / 2.0).clamp(x, next);
            }
            return x;
        }
    }
    buf.last().map_or(f64::NAN, |p| p.0)
}

/// Distances as shares of the issue's scale: the R of eqs. (1) and (5)-(9).
#[derive(Debug, Clone, Copy)]
struct Unit {
    lo_half: f64,
    half_width: f64,
}

impl Unit {
    fn new(scale: Scale) -> Unit {
        // Halving first keeps a scale as wide as the f64 range finite. Halving is exact, so on
        // every ordinary scale the shares are the very numbers |a - b| / (hi - lo) gives.
        let half_width = scale.hi / 2.0 - scale.lo / 2.0;
        Unit {
            lo_half: scale.lo / 2.0,
            half_width: if half_width > 0.0 {
                half_width
            } else {
                f64::MIN_POSITIVE
            },
        }
    }

    fn share(&self, a: f64, b: f64) -> f64 {
        ((a / 2.0 - b / 2.0).abs() / self.half_width).min(1.0)
    }

    /// How far along the scale `x` lies, 0 at its low end and 1 at its high end.
    fn along(&self, x: f64) -> f64 {
        ((x / 2.0 - self.lo_half) / self.half_width).clamp(0.0, 1.0)
    }

    /// The position `z` of the way along the scale.
    fn at(&self, z: f64) -> f64 {
        2.0 * (self.lo_half + z * self.half_width)
    }
}

/// The weighted mean of positions (weights c s), computed on the unit scale so that it cannot
/// overflow, and kept within the weighted positions.
fn mean(x: &[f64], w: &[f64], unit: Unit) -> f64 {
    let any = w.iter().any(|&v| v > 0.0);
    let (mut num, mut den) = (0.0, 0.0);
    let (mut lo, mut hi) = (f64::INFINITY, f64::NEG_INFINITY);
    for (&x, &w) in x.iter().zip(w) {
        let w = if any { w } else { 1.0 };
        if w > 0.0 {
            num += w * unit.along(x);
            den += w;
            lo = lo.min(x);
            hi = hi.max(x);
        }
    }
    if den > 0.0 {
        unit.at(num / den).clamp(lo, hi)
    } else {
        f64::NAN
    }
}

// ---------------------------------------------------------------------------------------------
// One issue, round by round.

/// One actor's numbers on the issue; they change with moves and dated shocks.
#[derive(Debug, Clone)]
struct Player {
    actor: usize,
    capability: f64,
    salience: f64,
    position: f64,
    /// The scenario's risk attitude, -1..1; when given it replaces eq. (10).
    risk: Option<f64>,
}

/// How a shock changes a player.
type SetField = fn(&mut Player, f64);

/// An offer a receiver holds.
#[derive(Debug, Clone, Copy)]
struct Offer {
    kind: Kind,
    to: f64,
    /// The challenger's expected utility, in the receiver's eyes.
    credibility: f64,
    /// The challenger's index among the players.
    from: usize,
    /// How far the receiver would move, as a share of the scale.
    distance: f64,
}

/// Whether `a` is the offer a receiver takes over `b`: the most pressing kind first (conflict,
/// then compromise, then capitulation); among conflicts and capitulations the one that moves it
/// least (BDM 1994); among compromises the most credible, the one whose challenger expects most
/// (the choice that reproduces Scholz et al.'s Table 2, see docs/models/eum.md), then the least
/// move. Remaining ties go to the lower position, then to the challenger first in id order, so
/// the choice never depends on the order of the actors.
fn prefer(a: &Offer, b: &Offer) -> bool {
    let order = a.kind.cmp(&b.kind).then_with(|| {
        let least = a.distance.total_cmp(&b.distance);
        if a.kind == Kind::Compromise {
            b.credibility.total_cmp(&a.credibility).then(least)
        } else {
            least
        }
    });
    order
        .then_with(|| a.to.total_cmp(&b.to))
        .then_with(|| a.from.cmp(&b.from))
        == Ordering::Less
}

/// A round's state of one issue, for the output.
struct Snapshot {
    issue: RoundIssue,
    moves: Vec<Move>,
}

struct IssueRun {
    snapshots: Vec<Snapshot>,
    forecast: f64,
    notes: Vec<String>,
}

struct Sim<'a> {
    sc: &'a Scenario,
    issue: usize,
    unit: Unit,
    q: f64,
    work: &'a mut Work,
}

/// A round's working memory, kept from round to round so that a round allocates only what it
/// reports; and, for sweeps, from run to run (`WORK`).
#[derive(Debug, Default)]
struct Work {
    /// In id order, so that no sum or tie depends on the order of the actors in the file.
    players: Vec<Player>,
    /// Per player: position, weight c s, salience.
    x: Vec<f64>,
    w: Vec<f64>,
    s: Vec<f64>,
    pos: Positions,
    /// Per position: its share of the scale from the median.
    d_mu: Vec<f64>,
    /// Per player: first all 1 (risk neutral), then its risk exponent.
    r: Vec<f64>,
    /// Per player: its exposure, then its risk attitude.
    exposure: Vec<f64>,
    /// Eq. (3) between positions.
    p: Vec<f64>,
    scratch: Scratch,
    /// Per player and position: what a challenger there expects from challenging the player,
    /// risk neutral.
    eu: Vec<f64>,
    /// Per player: the offer it takes.
    chosen: Vec<Option<Offer>>,
    /// Scratch space of the median.
    median: Vec<(f64, f64)>,
}

impl<'a> Sim<'a> {
    fn new(sc: &'a Scenario, issue: usize, q: f64, work: &'a mut Work) -> Sim<'a> {
        let players = &mut work.players;
        players.clear();
        // `Scenario::stakes`, without its allocation.
        players.extend(sc.actors.iter().enumerate().filter_map(|(i, a)| {
            a.stances[issue].map(|s| Player {
                actor: i,
                capability: a.capability.value(),
                salience: s.salience.value(),
                position: s.position.value(),
                risk: a.risk.map(|p| p.value()),
            })
        }));
        players.sort_by(|a, b| sc.actors[a.actor].id.cmp(&sc.actors[b.actor].id));
        Sim {
            sc,
            issue,
            unit: Unit::new(sc.issues[issue].scale),
            q,
            work,
        }
    }

    /// The player a shock changes on this issue, and how; `None` for shocks this model does not
    /// read or that belong to another issue.
    fn target(&self, shock: &Shock) -> Option<(usize, SetField)> {
        let (actor, set): (usize, SetField) = match shock.target {
            Target::Capability { actor } => (actor, |p, v| p.capability = v),
            Target::Salience { actor, issue } if issue == self.issue => {
                (actor, |p, v| p.salience = v)
            }
            Target::Position { actor, issue } if issue == self.issue => {
                (actor, |p, v| p.position = v)
            }
            Target::Risk { actor } => (actor, |p, v| p.risk = Some(v)),
            _ => return None,
        };
        let k = self.work.players.iter().position(|p| p.actor == actor)?;
        Some((k, set))
    }

    /// Applies the shocks dated `round`.
    fn shock(&mut self, round: u32) {
        for s in self.sc.shocks.iter().filter(|s| s.at == round) {
            if let Some((k, set)) = self.target(s) {
                set(&mut self.work.players[k], s.to.value());
            }
        }
    }

    /// Whether a shock to this issue is due after `round` and by `last`.
    fn shock_pending(&self, round: u32, last: u32) -> bool {
        self.sc
            .shocks
            .iter()
            .any(|s| s.at > round && s.at <= last && self.target(s).is_some())
    }

    /// Loads the players' positions, weights and saliences into the working memory. Weights
    /// are c s, with capabilities divided by the largest so that no product overflows; the
    /// model only uses ratios of weights.
    fn load(&mut self) {
        let Work {
            players, x, w, s, ..
        } = &mut *self.work;
        let cmax = players.iter().map(|p| p.capability).fold(0.0, f64::max);
        x.clear();
        x.extend(players.iter().map(|p| p.position));
        w.clear();
        w.extend(players.iter().map(|p| {
            if cmax > 0.0 {
                p.capability / cmax * p.salience
            } else {
                0.0
            }
        }));
        s.clear();
        s.extend(players.iter().map(|p| p.salience));
    }

    /// The weighted median of the present positions: the forecast after the last round.
    fn median(&mut self) -> f64 {
        self.load();
        let Work { x, w, median, .. } = &mut *self.work;
        median_in(x, w, median)
    }

    /// The state after a round; `previous` is the state before it.
    fn snapshot(&mut self, moves: Vec<Move>, previous: Option<&Snapshot>) -> Snapshot {
        self.load();
        let Work {
            players,
            x,
            w,
            median,
            ..
        } = &mut *self.work;
        let positions = match previous.map(|s| &s.issue.positions) {
            // With unique ids (as validation makes them), the map has the players' ids in the
            // players' order: a copy with the new positions costs less than a new map.
            Some(map) if map.len() == players.len() => {
                let mut map = map.clone();
                for (x, p) in map.values_mut().zip(players.iter()) {
                    *x = p.position;
                }
                map
            }
            _ => players
                .iter()
                .map(|p| (self.sc.actors[p.actor].id.clone(), p.position))
                .collect(),
        };
        Snapshot {
            issue: RoundIssue {
                id: self.sc.issues[self.issue].id.clone(),
                median: median_in(x, w, median),
                mean: mean(x, w, self.unit),
                positions,
            },
            moves,
        }
    }

    /// One round: risk exponents, offers, and every actor's move at once. Returns the largest
    /// distance moved, as a share of the scale, and whether anyone moved; appends the moves to
    /// `record` if given.
    fn step(&mut self, record: Option<&mut Vec<Move>>) -> (f64, bool) {
        self.load();
        let Sim {
            sc,
            issue,
            unit,
            q,
            work,
            ..
        } = self;
        let (unit, q) = (*unit, *q);
        let Work {
            players,
            x,
            w,
            s,
            pos,
            d_mu,
            r,
            exposure,
            p,
            scratch,
            eu,
            chosen,
            median,
        } = &mut **work;
        let n = players.len();
        let mu = median_in(x, w, median);
        pos.update(x, unit);
        let m = pos.len();
        d_mu.clear();
        d_mu.extend(pos.at.iter().map(|&a| unit.share(a, mu)));
        let drift = q < 1.0;
        // T for a challenger at position a and a target at b. Without drift (Q = 1) its terms
        // are 0 x 0 whatever T is.
        let t = |a: usize, b: usize| {
            if drift {
                drift_helps(pos.at[a], pos.at[b], mu)
            } else {
                0.5
            }
        };

        // Eqs. (10)-(11): exposure is measured with risk-neutral actors (r = 1) every round, so
        // that the exponents describe the present positions and do not feed on last round's.
        // Risk attitudes given for every actor leave nothing to measure.
        r.clear();
        r.resize(n, 1.0);
        exposure.clear();
        exposure.resize(n, 0.0);
        if players.iter().any(|p| p.risk.is_none()) {
            probabilities_into(pos, w, r, scratch, p);
            // What a challenger at position a expects from challenging player i, at
            // `eu[a * n + i]`.
            // Every entry is written: each player is at some position.
            eu.resize(m * n, 0.0);
            for b in 0..m {
                for a in 0..m {
                    let u = utilities(pos.d[a * m + b], d_mu[a], 1.0, drift);
                    let challenge = Challenge::new(p[a * m + b], &u, q, t(a, b));
                    for &i in pos.members(b) {
                        eu[a * n + i] = challenge.expected_utility(s[i]);
                    }
                }
            }
            // Each sum over the challengers in id order, as `Iterator::sum` adds; all at once,
            // so that the additions of different sums overlap. Adding -0 in place of a player's
            // challenge to itself leaves a sum as it was.
            exposure.fill(-0.0);
            for (j, &a) in pos.of.iter().enumerate() {
                let row = &eu[a * n..][..n];
                for (i, (e, &v)) in exposure.iter_mut().zip(row).enumerate() {
                    *e += if i != j { v } else { -0.0 };
                }
            }
        }
        risk_attitudes_in_place(exposure);
        for ((r, player), &computed) in r.iter_mut().zip(players.iter()).zip(exposure.iter()) {
            *r = risk_exponent(player.risk.unwrap_or(computed));
        }
        probabilities_into(pos, w, r, scratch, p);

        // Every receiver judges each challenge in its own eyes (its own exponent for both sides'
        // utilities; the votes behind P use each voter's exponent) and keeps its best offer.
        chosen.clear();
        chosen.resize(n, None);
        for (j, best) in chosen.iter_mut().enumerate() {
            let (b, rj) = (pos.of[j], r[j]);
            // U_sq in j's exponent, once j has a challenger that may gain.
            let mut status_quo = None;
            // The nearest challengers first (outwards from j's position, the distances grow on
            // each side): once j holds a conflict, only a conflict that moves it less can take
            // its place, and no challenger farther away can offer one, so the powers of their
            // challenges are spared. Which offer j takes does not depend on the order in which
            // they come: `prefer` ranks any two.
            for &a in &pos.near[b * m..][..m] {
                if pos.same[a * m + b] {
                    continue;
                }
                let (d, p_ab) = (pos.d[a * m + b], p[a * m + b]);
                if best
                    .as_ref()
                    .is_some_and(|o| o.kind == Kind::Conflict && o.distance < d)
                {
                    continue;
                }
                // The challenger gains nothing: no offer (see `classify`), and no need for the
                // powers.
                if !drift && surely_no_gain(d, s[j] * (1.0 - p_ab), rj) {
                    continue;
                }
                let status_quo = *status_quo.get_or_insert_with(|| utility(0.5, rj));
                let yours = utilities_given(d, d_mu[a], rj, drift, status_quo);
                let theirs = Challenge::new(p_ab, &yours, q, t(a, b)).expected_utility(s[j]);
                if theirs.is_nan() || theirs <= 0.0 {
                    continue;
                }
                // Same distance, same exponent: the two sides' utilities differ only in the
                // drift terms, which Q = 1 leaves out.
                let mine = if drift {
                    utilities_given(pos.d[b * m + a], d_mu[b], rj, drift, status_quo)
                } else {
                    yours
                };
                let mine = Challenge::new(p[b * m + a], &mine, q, t(b, a));
                for &i in pos.members(a).iter().filter(|&&i| i != j) {
                    let own = mine.expected_utility(s[i]);
                    let Some((kind, share)) = classify(own, theirs) else {
                        continue;
                    };
                    let to = toward(x[j], x[i], share);
                    if to == x[j] {
                        continue;
                    }
                    let offer = Offer {
                        kind,
                        to,
                        credibility: theirs,
                        from: i,
                        distance: unit.share(x[j], to),
                    };
                    if best.as_ref().is_none_or(|b| prefer(&offer, b)) {
                        *best = Some(offer);
                    }
                }
            }
        }

        if let Some(moves) = record {
            let issue = &sc.issues[*issue].id;
            let actors = &sc.actors;
            moves.reserve_exact(chosen.iter().flatten().count());
            for (j, offer) in chosen.iter().enumerate() {
                let Some(o) = offer else { continue };
                moves.push(Move {
                    actor: actors[players[j].actor].id.clone(),
                    issue: issue.clone(),
                    from: x[j],
                    to: o.to,
                    kind: o.kind.name().to_string(),
                    counterpart: Some(actors[players[o.from].actor].id.clone()),
                });
            }
        }
        let (mut largest, mut moved): (f64, bool) = (0.0, false);
        for (j, offer) in chosen.iter().enumerate() {
            let Some(o) = offer else { continue };
            largest = largest.max(o.distance);
            players[j].position = o.to;
            moved = true;
        }
        (largest, moved)
    }

    /// Whether to stop after `round` under `stop = "converged"`, given the largest move.
    fn settled(&self, opts: &EumOptions, round: u32, largest: f64) -> bool {
        // Settled positions can still be unsettled by a shock to come.
        opts.stop == Stop::Converged
            && largest <= opts.tolerance
            && !self.shock_pending(round, opts.rounds)
    }

    /// `run`'s forecast alone: the same rounds, without the snapshots, moves and notes.
    fn forecast(mut self, opts: &EumOptions) -> f64 {
        self.shock(0);
        for round in 1..=opts.rounds {
            if cancel::stopped() {
                break;
            }
            self.shock(round);
            let (largest, moved) = self.step(None);
            // Where nobody moved, every later round repeats this one, unless a shock is to come.
            if self.settled(opts, round, largest)
                || (!moved && !self.shock_pending(round, opts.rounds))
            {
                break;
            }
        }
        self.median()
    }

    fn run(mut self, opts: &EumOptions) -> IssueRun {
        let id = self.sc.issues[self.issue].id.clone();
        let mut notes = Vec::new();
        // Round 0 is the start; `output::run` has already applied round-0 shocks, and a direct
        // caller gets them here.
        self.shock(0);
        let mut snapshots = vec![self.snapshot(Vec::new(), None)];
        let mut converged = None;
        for round in 1..=opts.rounds {
            if cancel::stopped() {
                break;
            }
            self.shock(round);
            let mut moves = Vec::new();
            let (largest, _) = self.step(Some(&mut moves));
            let snapshot = self.snapshot(moves, snapshots.last());
            snapshots.push(snapshot);
            if self.settled(opts, round, largest) {
                converged = Some(round);
                break;
            }
        }
        let last = snapshots.len() - 1;
        let forecast = snapshots[last].issue.median;
        match (opts.stop, converged) {
            (Stop::Converged, Some(k)) => notes.push(format!(
                "eum: issue `{id}` converged in round {k} (no position moved more than {} of the scale)",
                share_words(opts.tolerance)
            )),
            (Stop::Converged, None) => notes.push(format!(
                "eum: issue `{id}` did not converge within {} rounds; the forecast is the median after the last",
                opts.rounds
            )),
            (Stop::Rounds, _) if last > 0 => {
                let before = snapshots[last - 1].issue.median;
                if self.unit.share(before, forecast) > opts.tolerance {
                    notes.push(format!(
                        "eum: on issue `{id}` the median still moved in the last round ({} -> {}); the model \
                         need not settle (Scholz et al. 2011), so read the rounds, not only the forecast",
                        num(before),
                        num(forecast)
                    ));
                }
            }
            (Stop::Rounds, _) => {}
        }
        IssueRun {
            snapshots,
            forecast,
            notes,
        }
    }
}

fn num(x: f64) -> String {
    format!("{x:.3}")
}

/// A share as a percentage, without the binary noise of 100 x 0.003.
fn share_words(t: f64) -> String {
    format!("{}%", (t * 1e8).round() / 1e6)
}

thread_local! {
    /// Working memory of `outcomes`, reused from run to run of a sweep.
    static WORK: std::cell::RefCell<Work> = std::cell::RefCell::default();
}

/// The forecast per issue, as `run` gives it, appended to `out`.
fn outcomes(sc: &Scenario, out: &mut Vec<f64>) {
    let opts = sc.models.eum;
    WORK.with_borrow_mut(|work| {
        out.extend((0..sc.issues.len()).map(|k| Sim::new(sc, k, opts.q, work).forecast(&opts)));
    });
}

fn run(sc: &Scenario) -> RunResult {
    let opts = sc.models.eum;
    let mut work = Work::default();
    let mut runs: Vec<IssueRun> = (0..sc.issues.len())
        .map(|k| Sim::new(sc, k, opts.q, &mut work).run(&opts))
        .collect();
    let mut notes: Vec<String> = runs.iter_mut().flat_map(|r| r.notes.drain(..)).collect();
    let last = runs.iter().map(|r| r.snapshots.len()).max().unwrap_or(1) - 1;
    let late = sc.shocks.iter().filter(|s| s.at as usize > last).count();
    if late > 0 {
        notes.push(format!(
            "eum: {late} dated shock(s) come after the last round ({last}) and have no effect"
        ));
    }
    let outcomes = runs.iter().map(|r| Some(r.forecast)).collect();
    let mut trails: Vec<_> = runs.into_iter().map(|r| r.snapshots.into_iter()).collect();
    let rounds = (0..=last)
        .map(|t| {
            let mut round = Round {
                round: t as u32,
                issues: Vec::new(),
                moves: Vec::new(),
            };
            // An issue that converged early is absent from the later rounds.
            for snap in trails.iter_mut().filter_map(Iterator::next) {
                round.issues.push(snap.issue);
                if round.moves.is_empty() {
                    // The first issue's moves as they are, without a copy.
                    round.moves = snap.moves;
                } else {
                    round.moves.extend(snap.moves);
                }
            }
            round
        })
        .collect();
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
    use crate::model::weighted_median;

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 1e-12
    }

    #[test]
    fn utilities_by_hand() {
        // r = 1, d = 0.5, d_mu = 0.5: 2 - 4 (0.25) = 1, 2 - 4 (0.75) = -1, drift 0.25.
        let u = utilities(0.5, 0.5, 1.0, true);
        assert!(close(u.success, 1.0) && close(u.failure, -1.0));
        assert!(close(u.better, 1.0) && close(u.worse, -1.0));
        assert!(close(u.status_quo, 0.0));
        // r = 2: 2 - 4 (0.0625) = 1.75, 2 - 4 (0.5625) = -0.25, 2 - 4 (0.25) = 1.
        let u = utilities(0.5, 0.5, 2.0, true);
        assert!(close(u.success, 1.75) && close(u.failure, -0.25));
        assert!(close(u.status_quo, 1.0));
        // r = 0.5: U_sq = 2 - 4 sqrt(0.5) = 2 - 2 sqrt(2).
        assert!(close(
            utilities(0.0, 0.0, 0.5, true).status_quo,
            2.0 - 2.0 * 2f64.sqrt()
        ));
        // d = 1: success is the whole scale (2), failure the opposite (-2); nothing is NaN at the
        // ends of the scale.
        let u = utilities(1.0, 1.0, 0.5, true);
        assert!(close(u.success, 2.0) && close(u.failure, -2.0));
        assert!(close(u.better, 2.0) && close(u.worse, -2.0));
        // No distance: success, failure and the status quo are the same.
        let u = utilities(0.0, 0.0, 1.7, false);
        assert!(close(u.success, u.status_quo) && close(u.failure, u.status_quo));
    }

    #[test]
    fn expected_utility_by_hand() {
        let u = utilities(0.5, 0.5, 1.0, true); // 1, -1, 1, -1, 0
        // Q = 1: 0.5 (0.25 - 0.75) + 0.5 (1) - 0 = 0.25.
        assert!(close(expected_utility(0.25, 0.5, &u, 1.0, 1.0), 0.25));
        // Q = 0.5, T = 1: 0.25 - 0.5 (1) = -0.25; T = 0: 0.25 - 0.5 (-1) = 0.75.
        assert!(close(expected_utility(0.25, 0.5, &u, 0.5, 1.0), -0.25));
        assert!(close(expected_utility(0.25, 0.5, &u, 0.5, 0.0), 0.75));
        // A target that never resists (s = 0) is a sure success: U_s - U_sq = 1.
        assert!(close(expected_utility(0.0, 0.0, &u, 1.0, 1.0), 1.0));
    }

    #[test]
    fn drift() {
        // mu to the right of j at 5; i at 8 is on that side, i at 2 is not.
        assert_eq!(drift_helps(8.0, 5.0, 7.0), 1.0);
        assert_eq!(drift_helps(2.0, 5.0, 7.0), 0.0);
        // Sharing j's position, any move of j hurts i.
        assert_eq!(drift_helps(5.0, 5.0, 7.0), 0.0);
        assert_eq!(drift_helps(2.0, 5.0, 5.0), 0.5);
    }

    #[test]
    fn risk_exponents_by_hand() {
        assert!(close(risk_exponent(0.0), 1.0));
        assert!(close(risk_exponent(1.0), 0.5));
        assert!(close(risk_exponent(-1.0), 2.0));
        // (1 - 1/6) / (1 + 1/6) = 5/7
        assert!(close(risk_exponent(0.5), 5.0 / 7.0));
        assert!(close(risk_exponent(7.0), 0.5));
        assert_eq!(risk_attitudes(&[1.0, 2.0, 3.0]), [-1.0, 0.0, 1.0]);
        // (2 * 1.5 - 4 - 1) / 3 = -2/3
        let a = risk_attitudes(&[1.0, 1.5, 4.0]);
        assert!(close(a[1], -2.0 / 3.0));
        assert_eq!(risk_attitudes(&[0.3, 0.3]), [0.0, 0.0]);
        assert!(risk_attitudes(&[]).is_empty());
    }

    #[test]
    fn probability_by_hand() {
        // A at 0, B at 10 on 0..10, weights 1 and 1, r = 1. A votes 1 for A over B, B votes 1
        // for B over A. Denominator: each voter's |votes| over the ordered pairs (A,B) and
        // (B,A): 2 + 2 = 4. So P_A = P_B = 1/4 (the per-pair reading would give 1/2).
        let d = [0.0, 1.0, 1.0, 0.0];
        let same = [true, false, false, true];
        let p = probabilities(&d, &same, &[1.0, 1.0], &[1.0, 1.0]);
        assert!(close(p[1], 0.25) && close(p[2], 0.25));
        assert_eq!((p[0], p[3]), (0.0, 0.0));
        // Weight 3 on A: numerator 3 for A, 1 for B; denominator 2 * 3 + 2 * 1 = 8.
        let p = probabilities(&d, &same, &[3.0, 1.0], &[1.0, 1.0]);
        assert!(close(p[1], 3.0 / 8.0) && close(p[2], 1.0 / 8.0));
        // C at 5 with weight 2 and r = 2 sits between: g_C = (0.5^2, 0.5^2, 0) = 0.25 for A and
        // B, so C votes for neither; its pairs add 2 * (0.25 + 0.25) = 1 to the denominator.
        // A, B: distances 0, 1, 0.5 and 1, 0, 0.5, sum over ordered pairs 2 (1 + 0.5 + 0.5) = 4 each.
        let d = [0.0, 1.0, 0.5, 1.0, 0.0, 0.5, 0.5, 0.5, 0.0];
        let same = [true, false, false, false, true, false, false, false, true];
        let p = probabilities(&d, &same, &[1.0, 1.0, 2.0], &[1.0, 1.0, 2.0]);
        // A over B: A votes 1, C votes 0 -> 1 / (4 + 4 + 2) = 0.1.
        assert!(close(p[1], 0.1), "{}", p[1]);
        // A over C: only A votes for A (0.5 - 0); B is nearer C (0.5 < 1), and C prefers itself.
        // So 0.5 / 10.
        assert!(close(p[2], 0.05), "{}", p[2]);
        // No weight at all: no contest anywhere.
        let p = probabilities(&d, &same, &[0.0, 0.0, 0.0], &[1.0; 3]);
        assert!(p.iter().all(|&v| v == 0.0));
    }

    #[test]
    fn classification() {
        assert_eq!(classify(0.5, 1.0), Some((Kind::Conflict, 1.0)));
        // The receiver expects to win the conflict: it does not move.
        assert_eq!(classify(1.0, 0.5), None);
        assert_eq!(classify(-0.25, 1.0), Some((Kind::Compromise, 0.25)));
        assert_eq!(classify(-1.0, 1.0), Some((Kind::Compromise, 1.0)));
        assert_eq!(classify(-2.0, 1.0), Some((Kind::Capitulation, 1.0)));
        // Stalemate, and a challenger that gains nothing.
        assert_eq!(classify(-1.0, -1.0), None);
        assert_eq!(classify(0.3, -0.1), None);
        assert_eq!(classify(0.0, 1.0), None);
        assert_eq!(classify(-0.5, 0.0), None);
    }

    #[test]
    fn offers_are_chosen_by_kind_then_rule() {
        let o = |kind, to: f64, credibility, from| Offer {
            kind,
            to,
            credibility,
            from,
            distance: (to - 5.0).abs() / 10.0,
        };
        // Any conflict beats any compromise.
        assert!(prefer(
            &o(Kind::Conflict, 10.0, 0.1, 0),
            &o(Kind::Compromise, 5.5, 9.0, 1)
        ));
        // Conflicts: the least move.
        assert!(prefer(
            &o(Kind::Conflict, 6.0, 0.1, 0),
            &o(Kind::Conflict, 9.0, 9.0, 1)
        ));
        // Compromises: the most credible, even if it moves more.
        assert!(prefer(
            &o(Kind::Compromise, 1.0, 0.8, 1),
            &o(Kind::Compromise, 5.1, 0.1, 0)
        ));
        // Equal offers: the lower position, then the first challenger.
        assert!(prefer(
            &o(Kind::Conflict, 4.0, 0.1, 1),
            &o(Kind::Conflict, 6.0, 0.1, 0)
        ));
        assert!(prefer(
            &o(Kind::Conflict, 4.0, 0.1, 0),
            &o(Kind::Conflict, 4.0, 0.1, 1)
        ));
    }

    #[test]
    fn median_and_mean() {
        let unit = Unit::new(Scale { lo: 4.0, hi: 10.0 });
        // EC case: weights 0.248 at 4, 0.093 at 7, 0.336 at 10: the median is 7.
        let x = [4.0, 7.0, 10.0];
        let w = [0.248, 0.093, 0.336];
        assert_eq!(median(&x, &w), 7.0);
        assert!((mean(&x, &w, unit) - 5.003 / 0.677).abs() < 1e-12);
        assert_eq!(median(&[4.0, 10.0], &[1.0, 1.0]), 7.0);
        // Zero weights everywhere: every actor counts alike.
        assert_eq!(median(&[4.0, 6.0, 10.0], &[0.0; 3]), 6.0);
        assert!((mean(&[4.0, 6.0, 8.0], &[0.0; 3], unit) - 6.0).abs() < 1e-12);
        // A scale as wide as f64 allows: nothing overflows.
        let wide = Unit::new(Scale {
            lo: -f64::MAX,
            hi: f64::MAX,
        });
        let x = [-f64::MAX, f64::MAX];
        assert_eq!(median(&x, &[1.0, 1.0]), 0.0);
        assert_eq!(mean(&x, &[1.0, 1.0], wide), 0.0);
        assert_eq!(wide.share(-f64::MAX, f64::MAX), 1.0);
        assert_eq!(toward(-f64::MAX, f64::MAX, 0.5), 0.0);
    }

    #[test]
    fn median_is_weighted_median() {
        // Ties, exact half splits, zero weights, 0.0 and -0.0, scattered and sorted positions.
        let cases: [(&[f64], &[f64]); 8] = [
            (&[4.0, 7.0, 10.0, 7.0, 4.0], &[0.2, 0.1, 0.3, 0.0, 0.1]),
            (&[4.0, 10.0], &[1.0, 1.0]),
            (&[1.0, 2.0, 3.0, 4.0], &[0.25, 0.25, 0.25, 0.25]),
            (&[3.0, 1.0, 2.0, 1.0], &[0.1, 0.3, 0.2, 0.4]),
            (&[0.0, -0.0, 1.0, -1.0], &[0.3, 0.2, 0.25, 0.25]),
            (&[5.0, 6.0], &[0.0, 0.0]),
            (&[2.0], &[0.7]),
            (&[], &[]),
        ];
        for (x, w) in cases {
            let expected = if w.iter().any(|&v| v > 0.0) {
                weighted_median(x.iter().copied().zip(w.iter().copied()))
            } else {
                weighted_median(x.iter().map(|&x| (x, 1.0)))
            };
            assert_eq!(median(x, w).to_bits(), expected.to_bits(), "{x:?} {w:?}");
        }
    }

    #[test]
    fn shares_match_plain_division() {
        let unit = Unit::new(Scale { lo: 4.0, hi: 10.0 });
        for (a, b) in [(4.0, 7.0), (8.415932315426764, 10.0), (9.9, 4.3)] {
            assert_eq!(unit.share(a, b), (a - b).abs() / 6.0);
        }
    }
}
