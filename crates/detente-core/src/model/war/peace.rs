//! After a ceasefire: both sides rearm; force limits slow B's rearmament; guarantees add the
//! guarantors' force to B against an attack by A and raise A's cost of renewing; monitoring
//! lowers the baseline hazard and violations. Each side weighs renewing the war now against
//! keeping the peace while the balance shifts (Powell 2006), and the hazard of renewal rises
//! with its margin. Equations and sources: `docs/models/war.md`.

use rand::Rng;

use super::calc::{Passage, passage};
use super::forum::war;
use super::sim::{Sim, Value, normalised, war_value_from};
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

/// The state of the peace at one moment, for given cost rates.
#[derive(Debug, Clone, Copy)]
pub(super) struct At {
    /// Hazard of renewal by A and by B, per time unit.
    pub hazard: [f64; 2],
    /// Powell margins of A and B (> 0: renewing now beats keeping the peace).
    pub margin: [f64; 2],
    /// Intensity of violations, 0..1.
    pub violations: f64,
}

/// The peace some time after a ceasefire, apart from the sides' cost rates: every war value is
/// linear in its side's cost rate, so one set of first passages serves any costs
/// ([`Prospect::at`]); a root search over a cost costs no further passage.
#[derive(Debug, Clone)]
pub(super) struct Prospect {
    /// A's share of the line the ceasefire leaves.
    pub share: f64,
    /// Each side's utility of the package.
    pub u: [f64; 2],
    /// `renew[k][j]`: side k's value of a war that j renews now (the cross values j != k are
    /// zero unless asked for).
    pub renew: [[Value; 2]; 2],
    /// Each side's value of the war it could renew `ahead` later.
    later: [Value; 2],
    /// Discount over the look-ahead, e^{-r ahead}.
    keep: f64,
    base: f64,
    kappa: f64,
    damp: f64,
    /// A's share of the balance when A attacks (the guarantors fighting for B).
    pub balance: f64,
    /// Each side's true cost rate at the time of the valuation.
    pub cost: [f64; 2],
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

    /// The peace `u` time units after the ceasefire on a line giving A `share`, valued with
    /// each side's beliefs about the balance; `cross` asks for the values of a war the other
    /// side renews, which only a side weighing a deal needs.
    pub(super) fn prospect(&self, sim: &Sim, u: f64, share: f64, cross: bool) -> Prospect {
        let w = war(&sim.sc);
        let g = w.decisiveness.value();
        let (s, r) = (sim.ep.s, sim.ep.r);
        let grown =
            |t: f64| [0, 1].map(|k| sim.ep.strength[k] * (self.rearm[k] * t).exp().min(1e300));
        let now = grown(u);
        let later = grown(u + self.ahead);
        let stakes = [sim.stakes(0), sim.stakes(1)];
        // Each side's error about the balance carries over into the peace.
        let bias = [0, 1].map(|k| sim.belief[k].mean - sim.ep.mu);
        let drift = |attacker: usize, m: [f64; 2]| {
            let b = m[1] + if attacker == 0 { self.guarantee } else { 0.0 };
            sim.ep.drift(m[0], b, g)
        };
        // Passages already computed, by drift: sides with the same belief share them.
        let mut seen: [(f64, Passage); 6] = [(f64::NAN, Passage { a: 0.0, b: 0.0 }); 6];
        let mut n = 0;
        let mut value = |k: usize, attacker: usize, m: [f64; 2]| {
            let mu = drift(attacker, m) + bias[k];
            let pass = match seen[..n].iter().find(|e| e.0 == mu) {
                Some(e) => e.1,
                None => {
                    let p = passage(share, mu, s, r);
                    seen[n] = (mu, p);
                    n += 1;
                    p
                }
            };
            let v = war_value_from(k, share, mu, s, r, &stakes[k], pass);
            if attacker == 0 && k == 0 {
                // Guarantees raise A's cost of a war it renews.
                Value {
                    p: v.p - self.extra_cost * v.k,
                    k: v.k,
                }
            } else {
                v
            }
        };
        let zero = Value::default();
        let renew = [
            [
                value(0, 0, now),
                if cross { value(0, 1, now) } else { zero },
            ],
            [
                if cross { value(1, 0, now) } else { zero },
                value(1, 1, now),
            ],
        ];
        let later = [value(0, 0, later), value(1, 1, later)];
        Prospect {
            share,
            u: self.u,
            renew,
            later,
            keep: (-r * self.ahead).exp(),
            base: self.base,
            kappa: self.kappa,
            damp: self.damp,
            balance: super::calc::balance(now[0], now[1] + self.guarantee, g),
            cost: [sim.cost_rate(0, sim.t), sim.cost_rate(1, sim.t)],
        }
    }
}

impl Prospect {
    /// Margins, hazards and violations when the sides' cost rates are `cost`.
    pub(super) fn at(&self, cost: [f64; 2]) -> At {
        let own = [self.renew[0][0].at(cost[0]), self.renew[1][1].at(cost[1])];
        let later = [self.later[0].at(cost[0]), self.later[1].at(cost[1])];
        let margin = [0, 1].map(|k| {
            let o = 1 - k;
            let (uk, uo) = (self.u[k], self.u[o]);
            // Later the stronger side can press for more, down to what the other could then
            // win by war, but no lower.
            let pressed = uk - (later[o] - uo).max(0.0);
            let later_k = uk.min(later[k].max(pressed));
            own[k] - ((1.0 - self.keep) * uk + self.keep * later_k)
        });
        let hazard = margin.map(|m| (0.5 * self.base * (self.kappa * m).exp()).min(MAX_HAZARD));
        let top = margin[0].max(margin[1]);
        At {
            hazard,
            margin,
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
    let cost = [sim.cost_rate(0, sim.t), sim.cost_rate(1, sim.t)];
    let draw: f64 = -(1.0 - sim.rng.random::<f64>()).ln();
    let pick: f64 = sim.rng.random();
    let mut cum = 0.0;
    let mut violations = 0.0;
    out.peace.reserve(PEACE_STEPS as usize);
    for i in 0..PEACE_STEPS {
        let u0 = du * f64::from(i);
        let prospect = terms.prospect(sim, u0 + 0.5 * du, share, false);
        let at = prospect.at(cost);
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
            balance: prospect.balance,
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
