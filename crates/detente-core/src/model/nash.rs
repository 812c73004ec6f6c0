use super::{ModelError, ModelInfo, PerIssue};
use crate::param::fmt_num;
use crate::scenario::{Scale, Scenario, Stake};

/// The weighted Nash bargaining solution against the status quo.
///
/// Actor i's utility is the linear loss `-s_i |x - x_i|`; the disagreement point is the status
/// quo q. The solution maximises `prod_i (u_i(x) - u_i(q))^(c_i s_i)` over the points of the
/// scale that every actor weakly prefers to q. Salience cancels out of each gain's logarithm,
/// so it acts through the weights only. See `docs/models/static.md`.
pub struct Nash;

static INFO: ModelInfo = ModelInfo {
    name: "nash",
    summary: "weighted Nash bargaining solution against the status quo, linear loss utilities",
    source: "Nash (1950), Econometrica 18(2); asymmetric form: Kalai (1977); applied to the EU by Achen (2006)",
    dynamic: false,
};

impl PerIssue for Nash {
    fn info(&self) -> &'static ModelInfo {
        &INFO
    }

    fn solve(
        &self,
        scenario: &Scenario,
        issue: usize,
        stakes: &[Stake],
    ) -> Result<f64, ModelError> {
        let iss = &scenario.issues[issue];
        let Some(sq) = &iss.status_quo else {
            return Err(ModelError {
                message: format!(
                    "the nash model needs a status quo, and issue `{}` has none",
                    iss.id
                ),
                help: Some(format!(
                    "add `status_quo = <a value on {}..{}>` to the [[issue]] with id = \"{}\", \
                     or run a model that needs none: `--model compromise` or `--model median`",
                    fmt_num(iss.scale.lo),
                    fmt_num(iss.scale.hi),
                    iss.id
                )),
            });
        };
        let w = super::stake_weights(stakes);
        let points: Vec<(f64, f64)> = stakes.iter().map(|s| s.position).zip(w).collect();
        Ok(nash_bargaining(&points, sq.value(), iss.scale))
    }
}

/// Maximises `sum_i w_i ln(|q - x_i| - |x - x_i|)` over the agreeable part of the scale.
///
/// `points` are (position, weight); zero weights are ignored. The objective is concave, so its
/// derivative decreases and bisection finds the maximum; the optimum often sits exactly on a
/// position (a kink), which is checked for directly.
pub fn nash_bargaining(points: &[(f64, f64)], q: f64, scale: Scale) -> f64 {
    // Positions, status quo and scale times one power of two, weights times another: exact, so
    // ordinary inputs give the same bits, and on a scale as wide as the f64 range no distance
    // (|q - x_i| up to twice the largest position) overflows.
    let pts: Vec<(f64, f64)> = points.iter().copied().filter(|p| p.1 > 0.0).collect();
    let xmax = pts
        .iter()
        .map(|p| p.0.abs())
        .chain([q.abs(), scale.lo.abs(), scale.hi.abs()])
        .fold(0.0, f64::max);
    let sx = super::num::scale_for(xmax);
    let sw = super::num::scale_for(pts.iter().map(|p| p.1).fold(0.0, f64::max));
    let pts: Vec<(f64, f64)> = pts.iter().map(|&(x, w)| (x * sx, w * sw)).collect();
    let scale = Scale {
        lo: scale.lo * sx,
        hi: scale.hi * sx,
    };
    nash_scaled(&pts, q * sx, scale) / sx
}

/// `nash_bargaining` on positive weights, with every distance finite.
fn nash_scaled(pts: &[(f64, f64)], q: f64, scale: Scale) -> f64 {
    // Each actor accepts x iff |x - x_i| <= |q - x_i|: the interval between q and 2 x_i - q.
    let (mut lo, mut hi) = (scale.lo, scale.hi);
    for &(x, _) in pts {
        let mirror = 2.0 * x - q;
        lo = lo.max(q.min(mirror));
        hi = hi.min(q.max(mirror));
    }
    if pts.is_empty() || hi - lo <= 0.0 {
        // Someone sits at the status quo, or actors pull both ways: only q is agreeable.
        return q;
    }
    // One-sided derivatives of the objective at x. Inside the agreeable interval every gain is
    // positive; at its ends a gain of 0 gives the infinite slope of ln(0+).
    let slope = |x: f64, right: bool| -> f64 {
        pts.iter()
            .map(|&(xi, w)| {
                let gain = (q - xi).abs() - (x - xi).abs();
                let dir = if x > xi || (x == xi && right) {
                    -1.0
                } else {
                    1.0
                };
                w * dir / gain
            })
            .sum()
    };
    let finite = |x: f64| {
        pts.iter()
            .all(|&(xi, _)| (q - xi).abs() - (x - xi).abs() > 0.0)
    };
    let optimal = |x: f64| {
        finite(x) && (x == lo || slope(x, false) >= 0.0) && (x == hi || slope(x, true) <= 0.0)
    };
    // The maximum may sit on a kink (an actor's position) or on an end of the scale.
    for x in pts.iter().map(|p| p.0).chain([lo, hi]) {
        if (lo..=hi).contains(&x) && optimal(x) {
            return x;
        }
    }
    let (mut a, mut b) = (lo, hi);
    for _ in 0..200 {
        let m = 0.5 * (a + b);
        if m <= a || m >= b {
            break;
        }
        if slope(m, true) > 0.0 {
            a = m;
        } else {
            b = m;
        }
    }
    0.5 * (a + b)
}

#[cfg(test)]
mod tests {
    use super::*;

    const S: Scale = Scale { lo: 0.0, hi: 100.0 };

    #[test]
    fn hand_computed() {
        // q = 0; A at 60, B at 100, equal weights. On [60, 100] the objective is
        // ln(120 - x) + ln(x), whose derivative -1/(120 - x) + 1/x is 0 at x = 60.
        assert_eq!(nash_bargaining(&[(60.0, 1.0), (100.0, 1.0)], 0.0, S), 60.0);
        // Weight 2 on B: -1/(120 - x) + 2/x = 0 at x = 80.
        let x = nash_bargaining(&[(60.0, 1.0), (100.0, 2.0)], 0.0, S);
        assert!((x - 80.0).abs() < 1e-9, "{x}");
        // Weight 1 and 3: -1/(120 - x) + 3/x = 0 at x = 90.
        let x = nash_bargaining(&[(60.0, 1.0), (100.0, 3.0)], 0.0, S);
        assert!((x - 90.0).abs() < 1e-9, "{x}");
    }

    #[test]
    fn status_quo_when_actors_pull_both_ways() {
        assert_eq!(nash_bargaining(&[(20.0, 1.0), (80.0, 1.0)], 50.0, S), 50.0);
        // An actor at the status quo has a veto.
        assert_eq!(nash_bargaining(&[(50.0, 1.0), (80.0, 5.0)], 50.0, S), 50.0);
    }

    #[test]
    fn one_actor_gets_its_position() {
        assert_eq!(nash_bargaining(&[(70.0, 1.0)], 10.0, S), 70.0);
    }

    #[test]
    fn scale_end_can_bind() {
        // q = 0, A at 90 (accepts up to 180), B at 95 (accepts up to 190), heavy weight on B:
        // -1/(180 - x) + 9/x > 0 up to x = 162, so the optimum is B's position, 95.
        assert_eq!(nash_bargaining(&[(90.0, 1.0), (95.0, 9.0)], 0.0, S), 95.0);
    }
}
