//! After a ceasefire: both sides rearm; force limits slow B's rearmament; guarantees add the
//! guarantors' force to B against an attack by A and raise A's cost of renewing; monitoring
//! lowers the baseline hazard and violations. Each side weighs renewing the war now against
//! keeping the peace while the balance shifts (Powell 2006), and the hazard of renewal rises
//! with its margin. Equations and sources: `docs/models/war.md`.

use rand::Rng;

use super::forum::war;
use super::sim::{Sim, normalised, war_value};
use super::{PeaceStep, WarResult};

/// Steps of the grid the peace is examined on, whatever its length.
pub const PEACE_STEPS: u32 = 60;

/// The highest hazard of renewal, per time unit: renewal at once, for all practical purposes.
pub const MAX_HAZARD: f64 = 1e6;

/// Time units after a ceasefire at which the chance of renewed war is reported.
pub const RENEWAL_HORIZONS: [u32; 3] = [12, 24, 60];

/// What a settlement package sets for the peace.
pub(super) struct Terms {
    /// Normalised guarantees, force limits (1 = none) and monitoring of the package.
    pub levels: [Option<f64>; 3],
    /// Strength the guarantors add to B against an attack by A.
    guarantee: f64,
    /// What guarantees add to A's cost rate of a renewed war.
    extra_cost: f64,
    /// Baseline hazard rate per side pair, lowered by monitoring.
    base: f64,
    kappa: f64,
    /// Growth rates of A's and B's strength in peace.
    rearm: [f64; 2],
    /// How far ahead a side looks at the shift of power (`after.horizon`).
    ahead: f64,
    /// Each side's utility of the package.
    u: [f64; 2],
    /// Monitoring's damping of violations.
    damp: f64,
}

/// The state of the peace at one moment.
#[derive(Debug, Clone, Copy)]
pub(super) struct At {
    /// Hazard of renewal by A and by B, per time unit.
    pub hazard: [f64; 2],
    /// Powell margins of A and B (> 0: renewing now beats keeping the peace).
    pub margin: [f64; 2],
    /// `renew[k][j]`: side k's value of a war that j renews now.
    pub renew: [[f64; 2]; 2],
    /// A's share of the balance when A attacks (the guarantors fighting for B).
    pub balance: f64,
    /// Intensity of violations, 0..1.
    pub violations: f64,
}

impl Terms {
    pub(super) fn new(sim: &Sim, y: &[f64]) -> Terms {
        let sc = &sim.sc;
        let w = war(sc);
        let level = |issue: Option<usize>| issue.map(|k| normalised(sc.issues[k].scale, y[k]));
        let levels = [
            level(w.terms.guarantees),
            level(w.terms.forces),
            level(w.terms.monitoring),
        ];
        let (g, f, m) = (
            levels[0].unwrap_or(0.0),
            levels[1].unwrap_or(1.0),
            levels[2].unwrap_or(0.0),
        );
        let guarantee = g * w.terms.guarantee_share.map_or(0.1, |p| p.value()) * sim.ep.guarantors;
        let p = w.after.baseline_hazard.value();
        Terms {
            levels,
            guarantee,
            extra_cost: g * w.terms.guarantee_cost.map_or(0.0, |p| p.value()),
            base: -(-p).ln_1p() * (1.0 - 0.5 * m),
            kappa: w.after.sensitivity.value(),
            rearm: [w.sides[0].rearm.value(), w.sides[1].rearm.value() * f],
            ahead: f64::from(w.after.horizon),
            u: [sim.ep.utility(0, y), sim.ep.utility(1, y)],
            damp: 1.0 - 0.5 * m,
        }
    }

    /// The peace `u` time units after the ceasefire on a line giving A `share`; `cost[k]`
    /// overrides side k's cost rate (the forum values a side at its public estimate).
    /// `renew[k][j]` for j != k is computed only for the side `valued` (the rest is 0).
    pub(super) fn at(
        &self,
        sim: &Sim,
        u: f64,
        share: f64,
        cost: [Option<f64>; 2],
        valued: Option<usize>,
    ) -> At {
        let w = war(&sim.sc);
        let g = w.decisiveness.value();
        let (s, r) = (sim.ep.s, sim.ep.r);
        let grown =
            |t: f64| [0, 1].map(|k| sim.ep.strength[k] * (self.rearm[k] * t).exp().min(1e300));
        let now = grown(u);
        let later = grown(u + self.ahead);
        let cost = [0, 1].map(|k| cost[k].unwrap_or_else(|| sim.cost_rate(k, sim.t)));
        // Each side's error about the balance carries over into the peace.
        let bias = [0, 1].map(|k| sim.belief[k].mean - sim.ep.mu);
        let value = |k: usize, attacker: usize, m: [f64; 2]| {
            let b = m[1] + if attacker == 0 { self.guarantee } else { 0.0 };
            let mu = sim.ep.drift(m[0], b, g) + bias[k];
            let extra = if attacker == 0 && k == 0 {
                self.extra_cost
            } else {
                0.0
            };
            war_value(k, share, mu, s, r, &sim.stakes(k)).at(cost[k] + extra)
        };
        let renew = [0, 1].map(|k| {
            [0, 1].map(|j| {
                if j == k || valued == Some(k) {
                    value(k, j, now)
                } else {
                    0.0
                }
            })
        });
        let later_own = [value(0, 0, later), value(1, 1, later)];
        let keep = (-r * self.ahead).exp();
        let margin = [0, 1].map(|k| {
            let o = 1 - k;
            let (uk, uo) = (self.u[k], self.u[o]);
            // Later the stronger side can press for more, down to what the other could then
            // win by war, but no lower.
            let pressed = uk - (later_own[o] - uo).max(0.0);
            let later_k = uk.min(later_own[k].max(pressed));
            renew[k][k] - ((1.0 - keep) * uk + keep * later_k)
        });
        let hazard = margin.map(|m| (0.5 * self.base * (self.kappa * m).exp()).min(MAX_HAZARD));
        let top = margin[0].max(margin[1]);
        At {
            hazard,
            margin,
            renew,
            balance: super::calc::balance(now[0], now[1] + self.guarantee, g),
            violations: self.damp / (1.0 + (-self.kappa * top).exp()),
        }
    }
}

/// The peace after a ceasefire on package y: hazards on a grid of [`PEACE_STEPS`] over
/// `after.horizon`, the exact chance of renewal within each of [`RENEWAL_HORIZONS`] (the last
/// hazard held beyond the grid), and one draw of when, and by whom, it is broken.
pub(super) fn after(sim: &mut Sim, y: &[f64], out: &mut WarResult) {
    let w = war(&sim.sc);
    let share = sim.ep.share_of(y[w.stakes]);
    let terms = Terms::new(sim, y);
    out.terms = terms.levels;
    let horizon = f64::from(w.after.horizon);
    let du = horizon / f64::from(PEACE_STEPS);
    let draw: f64 = -(1.0 - sim.rng.random::<f64>()).ln();
    let pick: f64 = sim.rng.random();
    let mut cum = 0.0;
    let mut violations = 0.0;
    out.peace.reserve(PEACE_STEPS as usize);
    for i in 0..PEACE_STEPS {
        let u0 = du * f64::from(i);
        let at = terms.at(sim, u0 + 0.5 * du, share, [None, None], None);
        let h = at.hazard[0] + at.hazard[1];
        for (slot, &mark) in RENEWAL_HORIZONS.iter().enumerate() {
            let mark = f64::from(mark);
            if mark > u0 && mark <= u0 + du {
                out.renewal[slot] = Some(-(-(cum + h * (mark - u0))).exp_m1());
            }
        }
        if out.broken.is_none() && cum + h * du >= draw {
            let when = u0 + (draw - cum) / h;
            let breaker = if pick * h < at.hazard[0] { 0 } else { 1 };
            out.broken = Some((when, breaker));
        }
        cum += h * du;
        violations += at.violations / f64::from(PEACE_STEPS);
        out.peace.push(PeaceStep {
            time: u0 + du,
            hazard: at.hazard,
            margin: at.margin,
            balance: at.balance,
            violations: at.violations,
            renewal: -(-cum).exp_m1(),
        });
    }
    // Beyond the examined horizon the last hazard holds.
    let last = out.peace.last().map_or(0.0, |p| p.hazard[0] + p.hazard[1]);
    for (slot, &mark) in RENEWAL_HORIZONS.iter().enumerate() {
        let mark = f64::from(mark);
        if mark > horizon {
            out.renewal[slot] = Some(-(-(cum + last * (mark - horizon))).exp_m1());
        }
    }
    out.frozen = out.broken.is_none() && violations >= 0.5;
}
