//! Closed forms of the war model: discounted first passage of a drift-diffusion front, the
//! discounted flow of a quadratic utility along it, Gauss-Hermite expectations over a normal
//! belief, the Kalman update of that belief, and the two textbook checks (Fearon's
//! take-it-or-leave-it demand, Powell's shift-of-power margin). Equations and sources are in
//! `docs/models/war.md`.

/// Discounted chances of each military victory for a front z in (0, 1) with dz = mu dt + s dW,
/// absorbed at 1 (A wins) and 0 (B wins), discounted at rate r >= 0.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Passage {
    /// E[exp(-r tau); A wins].
    pub a: f64,
    /// E[exp(-r tau); B wins].
    pub b: f64,
}

impl Passage {
    /// E[1 - exp(-r tau)]: the discounted weight of the war itself (the annuity factor times r).
    pub fn during(&self) -> f64 {
        (1.0 - self.a - self.b).max(0.0)
    }
}

/// The roots theta+ > 0 >= theta- of (s^2/2) theta^2 + mu theta - r = 0, written so that neither
/// cancels when r is small next to mu^2 / s^2.
fn roots(mu: f64, s: f64, r: f64) -> (f64, f64) {
    let s2 = s * s;
    let big = (mu * mu + 2.0 * r * s2).sqrt();
    if mu >= 0.0 {
        let d = mu + big;
        (if d > 0.0 { 2.0 * r / d } else { 0.0 }, -d / s2)
    } else {
        let d = big - mu;
        ((-mu + big) / s2, -2.0 * r / d)
    }
}

/// Discounted first passage from z (Karlin & Taylor 1981, ch. 7; Borodin & Salminen 2002,
/// 3.0.5): with theta the roots above and D = theta+ - theta-,
/// a = e^{theta+ (z-1)} (1 - e^{-D z}) / (1 - e^{-D}) and b = e^{theta- z} (1 - e^{-D (1-z)}) /
/// (1 - e^{-D}), every exponent non-positive so that nothing overflows.
pub fn passage(z: f64, mu: f64, s: f64, r: f64) -> Passage {
    if z >= 1.0 {
        return Passage { a: 1.0, b: 0.0 };
    }
    if z <= 0.0 {
        return Passage { a: 0.0, b: 1.0 };
    }
    let (tp, tm) = roots(mu, s, r);
    let d = tp - tm;
    if d.is_nan() || d <= 1e-12 {
        // No drift and no discounting: the chances of a fair gamble.
        return Passage { a: z, b: 1.0 - z };
    }
    // e^{-D} - 1 from the two factors, (1 + q1)(1 + q2) - 1, without a fifth exponential.
    let (q1, q2) = (expm1_neg(-d * z), expm1_neg(-d * (1.0 - z)));
    let den = q1 + q2 + q1 * q2;
    let a = exp_neg(tp * (z - 1.0)) * q1 / den;
    let b = exp_neg(tm * z) * q2 / den;
    Passage {
        a: a.clamp(0.0, 1.0),
        b: b.clamp(0.0, 1.0),
    }
}

/// e^x - 1 for x <= 0. Below -38, e^x is less than half the spacing of doubles just below 1,
/// so the correctly rounded answer is exactly -1: returned without the call, which is the
/// costliest in a passage and on most fronts has that answer.
fn expm1_neg(x: f64) -> f64 {
    if x < -38.0 { -1.0 } else { x.exp_m1() }
}

/// e^x for x <= 0, with 0 below -708.4, where e^x is smaller than the smallest normal double
/// (an absolute error under 2.3e-308): the library reaches those answers only through its slow
/// underflow path, and a front far from an edge asks for them at every step.
fn exp_neg(x: f64) -> f64 {
    if x < -708.4 { 0.0 } else { x.exp() }
}

/// r E[int_0^tau e^{-rt} g(z_t) dt] for g(z) = g[0] + g[1] z + g[2] z^2: the flow utility of the
/// line of contact while the war lasts, in units of a package held forever (Slantchev 2003 lets
/// sides hold what they occupy while fighting). It solves (s^2/2) f'' + mu f' - r f = -g with
/// f(0) = f(1) = 0: a quadratic particular solution p minus p(1) a(z) and p(0) b(z).
pub fn line_flow(z: f64, mu: f64, s: f64, r: f64, g: [f64; 3], pass: Passage) -> f64 {
    // q = r p: q2 = g2, q1 = g1 + 2 mu g2 / r, q0 = g0 + (s^2 g2 + mu q1) / r.
    let q2 = g[2];
    let q1 = g[1] + 2.0 * mu * g[2] / r;
    let q0 = g[0] + (s * s * g[2] + mu * q1) / r;
    let at = |x: f64| q0 + x * (q1 + x * q2);
    at(z) - at(1.0) * pass.a - at(0.0) * pass.b
}

/// Nodes and weights of the five-point Gauss-Hermite rule for E[f(X)], X ~ N(0, 1): exact for
/// polynomials up to degree 9 (Abramowitz & Stegun 1964, table 25.10, rescaled).
pub const HERMITE: [(f64, f64); 5] = [
    (-2.856_970_013_872_806, 0.011_257_411_327_720_69),
    (-1.355_626_179_974_266, 0.222_075_922_005_612_6),
    (0.0, 0.533_333_333_333_333_4),
    (1.355_626_179_974_266, 0.222_075_922_005_612_6),
    (2.856_970_013_872_806, 0.011_257_411_327_720_69),
];

/// E[f(X)] for X ~ N(mean, var) by [`HERMITE`]; one evaluation when the variance is negligible.
/// `T` is a number or a vector of them (the war model takes two expectations in one pass).
pub fn normal_expect<T>(mean: f64, var: f64, mut f: impl FnMut(f64) -> T) -> T
where
    T: Default + std::ops::Add<Output = T> + std::ops::Mul<f64, Output = T>,
{
    if var <= 1e-18 {
        return f(mean);
    }
    let sd = var.sqrt();
    HERMITE
        .iter()
        .fold(T::default(), |acc, &(x, w)| acc + f(mean + sd * x) * w)
}

/// A normal belief about the front's drift mu.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Belief {
    /// Mean.
    pub mean: f64,
    /// Variance.
    pub var: f64,
}

impl Belief {
    /// The conjugate update after observing `y`, a reading of mu with variance `noise_var`:
    /// precisions add and the mean is their weighted average.
    pub fn observe(&mut self, y: f64, noise_var: f64) {
        // A certain belief, or a reading without information, changes nothing.
        if !(noise_var.is_finite() && noise_var > 0.0 && self.var > 0.0) {
            return;
        }
        let p0 = 1.0 / self.var;
        let p1 = 1.0 / noise_var;
        self.mean = (self.mean * p0 + y * p1) / (p0 + p1);
        self.var = 1.0 / (p0 + p1);
    }

    /// The update after watching the front move by `dz` over `dt` with volatility `s`: the
    /// observed drift dz / dt has variance s^2 / dt (the Kalman-Bucy filter for a constant drift).
    pub fn watch(&mut self, dz: f64, dt: f64, s: f64) {
        self.observe(dz / dt, s * s / dt);
    }
}

/// The probability that a Brownian path with volatility `s` over a time `h` that starts at
/// `x0 > edge` and ends at `x1 > edge` touched `edge` in between (the Brownian bridge; the
/// same with both below): exp(-2 (x0 - edge)(x1 - edge) / (s^2 h)). It lets a coarse grid see
/// the crossings a fine one would.
pub fn bridge_crossing(x0: f64, x1: f64, edge: f64, s: f64, h: f64) -> f64 {
    let prod = (x0 - edge) * (x1 - edge);
    if prod <= 0.0 {
        return 1.0;
    }
    exp_neg(-2.0 * prod / (s * s * h))
}

/// A's share of the balance, a^g / (a^g + b^g) (Hirshleifer's ratio form), 1/2 when both are 0;
/// computed from the ratio of the weaker to the stronger, one power that cannot overflow.
pub fn balance(a: f64, b: f64, g: f64) -> f64 {
    if !(a > 0.0 || b > 0.0) {
        return 0.5;
    }
    let pow = |x: f64| if g == 1.0 { x } else { x.powf(g) };
    if a >= b {
        1.0 / (1.0 + pow(b / a))
    } else {
        let q = pow(a / b);
        q / (1.0 + q)
    }
}

/// Powell (2006), two periods: a side whose chance of winning falls from p1 to p2 fights now
/// iff delta (p1 - p2) > (1 - p1) + (1 - delta) c. Returns the margin (> 0: it fights).
pub fn powell_margin(p1: f64, p2: f64, delta: f64, c: f64) -> f64 {
    delta * (p1 - p2) - (1.0 - p1) - (1.0 - delta) * c
}

/// The optimal take-it-or-leave-it demand x (the proposer's share) when the other side accepts
/// iff its cost is at least (k0 - (1 - x)) / k1 and the proposer believes that cost uniform on
/// [lo, hi]; `w_self` is the proposer's value of war. With Fearon's one-battle war (k0 = 1 - p,
/// k1 = 1, lo = 0, hi = c_bar, w_self = p - c_A) it is p + (c_bar - c_A) / 2 (Fearon 1995).
pub fn tioli_demand(w_self: f64, k0: f64, k1: f64, lo: f64, hi: f64) -> f64 {
    let x_lo = k1 * lo - k0 + 1.0;
    let x_hi = k1 * hi - k0 + 1.0;
    if hi - lo <= 1e-15 {
        return x_lo.clamp(0.0, 1.0);
    }
    let payoff = |x: f64| {
        let accept = ((x_hi - x) / (x_hi - x_lo)).clamp(0.0, 1.0);
        x * accept + w_self * (1.0 - accept)
    };
    let x = ((x_hi + w_self) / 2.0).clamp(x_lo, x_hi).clamp(0.0, 1.0);
    if payoff(x) >= w_self {
        x
    } else {
        x_hi.clamp(0.0, 1.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;
    use rand_chacha::ChaCha8Rng;
    use rand_distr::{Distribution, StandardNormal};

    #[test]
    fn passage_limits() {
        // No drift, no discounting: a fair gamble, P(A) = z.
        let p = passage(0.3, 0.0, 0.2, 0.0);
        assert!((p.a - 0.3).abs() < 1e-12 && (p.b - 0.7).abs() < 1e-12);
        // Drift, no discounting: P(A) = (1 - e^{-2 mu z / s^2}) / (1 - e^{-2 mu / s^2})
        // (Karlin & Taylor 1975, 7.5).
        let (mu, s, z) = (0.1_f64, 0.5_f64, 0.4_f64);
        let k = 2.0 * mu / (s * s);
        let want = (1.0 - (-k * z).exp()) / (1.0 - (-k).exp());
        let p = passage(z, mu, s, 0.0);
        assert!((p.a - want).abs() < 1e-12, "{} vs {want}", p.a);
        assert!((p.a + p.b - 1.0).abs() < 1e-12);
        // No drift, discounting: a = sinh(k z) / sinh(k), k = sqrt(2 r) / s.
        let (r, s) = (0.05_f64, 0.3_f64);
        let k = (2.0 * r).sqrt() / s;
        let p = passage(0.25, 0.0, s, r);
        assert!(((k * 0.25).sinh() / k.sinh() - p.a).abs() < 1e-12);
        assert!(((k * 0.75).sinh() / k.sinh() - p.b).abs() < 1e-12);
        // Symmetry: A's chance from z with drift mu is B's from 1 - z with -mu.
        let (x, y) = (passage(0.2, 0.3, 0.4, 0.1), passage(0.8, -0.3, 0.4, 0.1));
        assert!((x.a - y.b).abs() < 1e-14 && (x.b - y.a).abs() < 1e-14);
        // Almost no noise: the front arrives at (1 - z) / mu, without overflow.
        let p = passage(0.5, 0.01, 1e-4, 0.01);
        assert!(
            (p.a - (-0.5f64).exp()).abs() < 1e-3 && p.b < 1e-100,
            "{p:?}"
        );
    }

    /// Simulated discounted passage and line flow agree with the closed forms (20,000 paths).
    #[test]
    fn closed_forms_agree_with_simulation() {
        let (z0, mu, s, r) = (0.6, 0.05, 0.25, 0.08);
        let g = [0.2, 0.5, -0.3];
        let pass = passage(z0, mu, s, r);
        let flow = line_flow(z0, mu, s, r, g, pass);
        let mut rng = ChaCha8Rng::seed_from_u64(7);
        let (n, h) = (20_000, 0.005);
        let (mut a, mut b, mut f) = (Vec::new(), Vec::new(), Vec::new());
        for _ in 0..n {
            let (mut z, mut t, mut acc) = (z0, 0.0_f64, 0.0);
            let (mut wa, mut wb) = (0.0, 0.0);
            while t < 200.0 {
                acc += r * (-r * t).exp() * (g[0] + g[1] * z + g[2] * z * z) * h;
                let x: f64 = StandardNormal.sample(&mut rng);
                z += mu * h + s * h.sqrt() * x;
                t += h;
                if z >= 1.0 {
                    wa = (-r * t).exp();
                    break;
                }
                if z <= 0.0 {
                    wb = (-r * t).exp();
                    break;
                }
            }
            a.push(wa);
            b.push(wb);
            f.push(acc);
        }
        let mean_se = |v: &[f64]| {
            let m = v.iter().sum::<f64>() / v.len() as f64;
            let var = v.iter().map(|x| (x - m).powi(2)).sum::<f64>() / (v.len() - 1) as f64;
            (m, (var / v.len() as f64).sqrt())
        };
        // The Euler grid misses some crossings: a bias of order sqrt(h) s in the barrier,
        // about 0.02 here, on top of 4 standard errors.
        for (name, v, want) in [("a", &a, pass.a), ("b", &b, pass.b), ("flow", &f, flow)] {
            let (m, se) = mean_se(v);
            assert!(
                (m - want).abs() < 4.0 * se + 0.02,
                "{name}: {m} ± {se} vs {want}"
            );
        }
    }

    /// The short cuts give the library's own answers: exactly where they skip the call, and
    /// within the smallest normal double where the exponential underflows.
    #[test]
    fn short_cuts_agree_with_the_library() {
        let mut x = 0.0f64;
        while x > -800.0 {
            assert_eq!(expm1_neg(x).to_bits(), x.exp_m1().to_bits(), "expm1 at {x}");
            assert!(
                (exp_neg(x) - x.exp()).abs() < f64::MIN_POSITIVE,
                "exp at {x}"
            );
            if x > -708.4 {
                assert_eq!(exp_neg(x).to_bits(), x.exp().to_bits(), "exp at {x}");
            }
            x -= 0.013;
        }
    }

    #[test]
    fn line_flow_limits() {
        // A constant flow g0 lasts until the war ends: g0 (1 - E e^{-r tau}).
        let p = passage(0.5, 0.02, 0.3, 0.1);
        let f = line_flow(0.5, 0.02, 0.3, 0.1, [0.7, 0.0, 0.0], p);
        assert!((f - 0.7 * p.during()).abs() < 1e-12);
        // A front that never moves: the flow of today's line forever, g(z).
        let p = passage(0.3, 0.0, 1e-6, 0.05);
        let f = line_flow(0.3, 0.0, 1e-6, 0.05, [0.1, 0.4, 0.5], p);
        assert!((f - (0.1 + 0.4 * 0.3 + 0.5 * 0.09)).abs() < 1e-9, "{f}");
    }

    #[test]
    fn hermite_moments() {
        // E[X^2] = var, E[X^4] = 3 var^2, E[X^8] = 105 var^4 for a centred normal.
        let m2 = normal_expect(1.0, 0.25, |x| (x - 1.0).powi(2));
        let m4 = normal_expect(1.0, 0.25, |x| (x - 1.0).powi(4));
        let m8 = normal_expect(0.0, 2.0, |x| x.powi(8));
        assert!((m2 - 0.25).abs() < 1e-12 && (m4 - 3.0 * 0.0625).abs() < 1e-12);
        assert!((m8 - 105.0 * 16.0).abs() < 1e-9, "{m8}");
        let total: f64 = HERMITE.iter().map(|n| n.1).sum();
        assert!((total - 1.0).abs() < 1e-15);
    }

    #[test]
    fn kalman_precisions_add() {
        let mut b = Belief {
            mean: 0.0,
            var: 1.0,
        };
        b.observe(2.0, 1.0);
        assert!((b.mean - 1.0).abs() < 1e-15 && (b.var - 0.5).abs() < 1e-15);
        // Watching a front: n steps of dt with the true drift give precision 1 + n dt / s^2.
        let mut b = Belief {
            mean: 0.0,
            var: 1.0,
        };
        for _ in 0..100 {
            b.watch(0.3 * 0.1, 0.1, 0.5);
        }
        assert!((1.0 / b.var - (1.0 + 100.0 * 0.1 / 0.25)).abs() < 1e-9);
        assert!((b.mean - 0.3 * 40.0 / 41.0).abs() < 1e-12, "{}", b.mean);
    }

    #[test]
    fn textbook_checks() {
        // Fearon (1995): p = 0.5, c_A = 0.1, c_bar = 0.4 gives x* = 0.65.
        assert!((tioli_demand(0.4, 0.5, 1.0, 0.0, 0.4) - 0.65).abs() < 1e-12);
        assert!((tioli_demand(0.4, 0.5, 1.0, 0.2, 0.2) - 0.7).abs() < 1e-12);
        // Powell (2006): p falls from 0.6 to 0.3 with delta 0.9 and c 0.1: 0.27 - 0.4 - 0.01.
        assert!((powell_margin(0.6, 0.3, 0.9, 0.1) + 0.14).abs() < 1e-12);
        assert!((balance(3.0, 1.0, 1.0) - 0.75).abs() < 1e-15);
        assert!((balance(1e300, 1e300, 5.0) - 0.5).abs() < 1e-15);
        assert!(bridge_crossing(0.1, 0.1, 0.0, 0.1, 1.0) > 0.0);
        assert_eq!(bridge_crossing(0.1, -0.1, 0.0, 0.1, 1.0), 1.0);
    }
}
