//! Statistical baselines, fitted on the training wars only.
//!
//! - `base-rates`: the outcome's class frequencies with add-one smoothing,
//!   `(count + 1) / (n + 3)`, and log days ~ Normal(mean, sd) of the training wars' log days
//!   (sd with `n - 1`; 1 with fewer than two wars; at least [`SIGMA_FLOOR`]).
//! - `logit-capability`: a multinomial (three-class) logistic regression of the outcome on the
//!   initiator's capability share, `eta_k = b_k + w_k * (share - 1/2)` for "initiator wins" and
//!   "initiator loses" against "other" (eta = 0). The share itself, centred, not its logit: it
//!   is bounded, so a side with a CINC of 0 (a missing state counted as 0, or a tiny one) gives
//!   a finite value where the logit of the share is infinite, and the binned win rates of the
//!   data README rise about evenly with the share. Fitted by Newton's method on the
//!   log-likelihood with a ridge penalty `RIDGE / 2 * |theta|^2` on all four coefficients
//!   (intercepts too, so that a class absent from a fold cannot drive its intercept to minus
//!   infinity), with step halving; the penalised log-likelihood is strictly concave, so the
//!   fit exists and is unique even under separation. Its duration is base-rates'.
//! - `lognormal-balance`: `log days = a + b * balance + e`, balance = |share - 1/2| (0 at
//!   parity, 1/2 when one side holds everything; the absolute balance, not the log CINC
//!   ratio, because wars between equals are expected to last longest whichever side is the
//!   stronger, and because it is bounded), by least squares, with the exact normal predictive
//!   of the classical regression: sd = s * sqrt(1 + 1/n + (x - mean x)^2 / Sxx), s^2 = RSS /
//!   (n - 2). (The exact predictive is a Student t with n - 2 degrees of freedom; the normal
//!   with that scale is used so that the CRPS has its closed form; with 40 or more wars the two
//!   differ by little.) Its outcome is base-rates'.
//! - `capability`: logit-capability's outcome and lognormal-balance's duration together.
//!
//! A war without a capability share is forecast from the training wars alone: base-rates'
//! outcome, and for the duration the mean and sd of all training log days, the sd widened by
//! sqrt(1 + 1/n). The fits use the training wars that have a share; with fewer than three of
//! them, or all at one balance, the regression falls back to the same.

use super::cases::{Outcome, WarCase, WarInputs};
use super::forecast::{Duration, FittedWar, WarForecast, WarForecaster};

/// The ridge penalty of the logistic regression, per coefficient (share in units of 1).
pub const RIDGE: f64 = 0.01;
/// The smallest standard deviation of log days a baseline forecasts.
pub const SIGMA_FLOOR: f64 = 0.05;

/// Which baseline.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Baseline {
    /// Class frequencies and the log-normal of all durations.
    BaseRates,
    /// Multinomial logit on the capability share; base-rate duration.
    LogitCapability,
    /// Log-normal regression on the balance; base-rate outcome.
    LognormalBalance,
    /// The logit's outcome and the regression's duration.
    Capability,
}

impl Baseline {
    /// Every baseline, in the leaderboard's order of listing.
    pub const ALL: [Baseline; 4] = [
        Baseline::BaseRates,
        Baseline::LogitCapability,
        Baseline::LognormalBalance,
        Baseline::Capability,
    ];

    /// Boxed forecasters of every baseline.
    pub fn all() -> Vec<Box<dyn WarForecaster>> {
        Baseline::ALL
            .iter()
            .map(|&b| Box::new(b) as Box<dyn WarForecaster>)
            .collect()
    }
}

/// Class frequencies with add-one smoothing.
pub fn class_rates(train: &[WarCase]) -> [f64; 3] {
    let mut c = [1.0; 3];
    for w in train {
        c[w.truth.outcome.index()] += 1.0;
    }
    let n = train.len() as f64 + 3.0;
    c.map(|x| x / n)
}

/// Mean and sd (`n - 1`) of values; sd 1 with fewer than two, never below [`SIGMA_FLOOR`].
pub fn mean_sd(ys: &[f64]) -> (f64, f64) {
    let n = ys.len() as f64;
    if ys.is_empty() {
        return (0.0, 1.0);
    }
    let m = ys.iter().sum::<f64>() / n;
    let sd = if ys.len() < 2 {
        1.0
    } else {
        (ys.iter().map(|y| (y - m).powi(2)).sum::<f64>() / (n - 1.0)).sqrt()
    };
    (m, sd.max(SIGMA_FLOOR))
}

/// A fitted multinomial logit: `coef[k] = [intercept, slope]` for initiator wins (k = 0) and
/// loses (k = 1) against other.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub struct Logit {
    /// Coefficients on (1, share - 1/2).
    pub coef: [[f64; 2]; 2],
    /// Newton iterations taken.
    pub iterations: usize,
    /// Whether the last step was below 1e-10.
    pub converged: bool,
}

impl Logit {
    /// Probabilities of (wins, loses, other) at a share.
    pub fn probabilities(&self, share: f64) -> [f64; 3] {
        softmax(&self.coef, share - 0.5)
    }
}

fn softmax(coef: &[[f64; 2]; 2], x: f64) -> [f64; 3] {
    let e0 = coef[0][0] + coef[0][1] * x;
    let e1 = coef[1][0] + coef[1][1] * x;
    let m = e0.max(e1).max(0.0);
    let (a, b, c) = ((e0 - m).exp(), (e1 - m).exp(), (-m).exp());
    let s = a + b + c;
    [a / s, b / s, c / s]
}

/// Solves `a x = b` for a symmetric positive definite `a` (Cholesky); `None` if not.
fn solve_spd<const N: usize>(a: [[f64; N]; N], b: [f64; N]) -> Option<[f64; N]> {
    let mut l = [[0.0; N]; N];
    for i in 0..N {
        for j in 0..=i {
            let s: f64 = (0..j).map(|k| l[i][k] * l[j][k]).sum();
            if i == j {
                let d = a[i][i] - s;
                if d <= 0.0 || !d.is_finite() {
                    return None;
                }
                l[i][i] = d.sqrt();
            } else {
                l[i][j] = (a[i][j] - s) / l[j][j];
            }
        }
    }
    let mut y = [0.0; N];
    for i in 0..N {
        y[i] = (b[i] - (0..i).map(|k| l[i][k] * y[k]).sum::<f64>()) / l[i][i];
    }
    let mut x = [0.0; N];
    for i in (0..N).rev() {
        x[i] = (y[i] - (i + 1..N).map(|k| l[k][i] * x[k]).sum::<f64>()) / l[i][i];
    }
    Some(x)
}

/// Fits the multinomial logit on (x = share - 1/2, class) pairs with ridge `ridge`, by Newton's
/// method with step halving.
pub fn fit_logit(data: &[(f64, Outcome)], ridge: f64) -> Logit {
    let objective = |c: &[[f64; 2]; 2]| -> f64 {
        let ll: f64 = data
            .iter()
            .map(|&(x, y)| softmax(c, x)[y.index()].max(1e-300).ln())
            .sum();
        ll - 0.5 * ridge * c.iter().flatten().map(|v| v * v).sum::<f64>()
    };
    let mut coef = [[0.0; 2]; 2];
    let mut current = objective(&coef);
    let mut iterations = 0;
    let mut converged = false;
    while iterations < 200 {
        iterations += 1;
        // Gradient and negative Hessian of the penalised log-likelihood, theta = (b0, w0, b1, w1).
        let mut g = [0.0; 4];
        let mut h = [[0.0; 4]; 4];
        for &(x, y) in data {
            let p = softmax(&coef, x);
            let z = [1.0, x];
            for k in 0..2 {
                let yk = if y.index() == k { 1.0 } else { 0.0 };
                for a in 0..2 {
                    g[2 * k + a] += (yk - p[k]) * z[a];
                    for l in 0..2 {
                        let d = if k == l { 1.0 } else { 0.0 };
                        for b in 0..2 {
                            h[2 * k + a][2 * l + b] += p[k] * (d - p[l]) * z[a] * z[b];
                        }
                    }
                }
            }
        }
        let theta = [coef[0][0], coef[0][1], coef[1][0], coef[1][1]];
        for i in 0..4 {
            g[i] -= ridge * theta[i];
            h[i][i] += ridge;
        }
        let Some(step) = solve_spd(h, g) else {
            break;
        };
        let mut t = 1.0;
        let mut accepted = false;
        let mut size = 0.0;
        for _ in 0..60 {
            let next = [
                [theta[0] + t * step[0], theta[1] + t * step[1]],
                [theta[2] + t * step[2], theta[3] + t * step[3]],
            ];
            let value = objective(&next);
            if value >= current - 1e-12 * current.abs().max(1.0) {
                size = step.iter().map(|s| (t * s).abs()).fold(0.0, f64::max);
                coef = next;
                current = value;
                accepted = true;
                break;
            }
            t *= 0.5;
        }
        if !accepted {
            break;
        }
        if size < 1e-10 {
            converged = true;
            break;
        }
    }
    Logit {
        coef,
        iterations,
        converged,
    }
}

/// A fitted regression of log days on the balance, with what the exact predictive needs.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub struct Regression {
    /// Intercept (log days at parity).
    pub a: f64,
    /// Slope per unit of balance.
    pub b: f64,
    /// Residual sd, sqrt(RSS / (n - 2)).
    pub s: f64,
    /// Wars fitted.
    pub n: usize,
    /// Mean balance.
    pub x_mean: f64,
    /// Sum of squared deviations of the balance.
    pub sxx: f64,
}

impl Regression {
    /// The normal predictive of log days at balance `x`: (mean, sd).
    pub fn predictive(&self, x: f64) -> (f64, f64) {
        let n = self.n as f64;
        let sd = self.s * (1.0 + 1.0 / n + (x - self.x_mean).powi(2) / self.sxx).sqrt();
        (self.a + self.b * x, sd.max(SIGMA_FLOOR))
    }
}

/// Least squares of `y` on `x`; `None` with fewer than three points or no spread in `x`.
pub fn fit_regression(data: &[(f64, f64)]) -> Option<Regression> {
    let n = data.len();
    if n < 3 {
        return None;
    }
    let nf = n as f64;
    let xm = data.iter().map(|d| d.0).sum::<f64>() / nf;
    let ym = data.iter().map(|d| d.1).sum::<f64>() / nf;
    let sxx: f64 = data.iter().map(|d| (d.0 - xm).powi(2)).sum();
    if sxx <= 1e-12 {
        return None;
    }
    let sxy: f64 = data.iter().map(|d| (d.0 - xm) * (d.1 - ym)).sum();
    let b = sxy / sxx;
    let a = ym - b * xm;
    let rss: f64 = data.iter().map(|d| (d.1 - a - b * d.0).powi(2)).sum();
    Some(Regression {
        a,
        b,
        s: (rss / (nf - 2.0)).sqrt(),
        n,
        x_mean: xm,
        sxx,
    })
}

/// What every baseline fits: the fallbacks and, where asked, the two regressions.
struct Fitted {
    rates: [f64; 3],
    /// Mean and sd of all training log days.
    log_days: (f64, f64),
    /// The fallback predictive for a war without a share: (mean, sd * sqrt(1 + 1/n)).
    unknown_days: (f64, f64),
    logit: Option<Logit>,
    regression: Option<Regression>,
    /// Whether the duration is the regression's (whose fallback is `unknown_days`) rather
    /// than base-rates' (`log_days`).
    regresses: bool,
}

impl FittedWar for Fitted {
    fn predict(&self, x: &WarInputs) -> WarForecast {
        let outcome = match (&self.logit, x.initiator_share) {
            (Some(l), Some(s)) => l.probabilities(s),
            _ => self.rates,
        };
        let (mu, sigma) = match (&self.regression, x.balance()) {
            (Some(r), Some(b)) => r.predictive(b),
            _ if self.regresses => self.unknown_days,
            _ => self.log_days,
        };
        WarForecast {
            outcome,
            duration: Duration::LogNormal { mu, sigma },
        }
    }
}

/// The logit fitted on the training wars with a share.
pub fn logit_on(train: &[WarCase]) -> Logit {
    let data: Vec<(f64, Outcome)> = train
        .iter()
        .filter_map(|w| Some((w.inputs.initiator_share? - 0.5, w.truth.outcome)))
        .collect();
    fit_logit(&data, RIDGE)
}

/// The duration regression fitted on the training wars with a share.
pub fn regression_on(train: &[WarCase]) -> Option<Regression> {
    let data: Vec<(f64, f64)> = train
        .iter()
        .filter_map(|w| Some((w.inputs.balance()?, w.truth.log_days())))
        .collect();
    fit_regression(&data)
}

impl WarForecaster for Baseline {
    fn name(&self) -> &str {
        match self {
            Baseline::BaseRates => "base-rates",
            Baseline::LogitCapability => "logit-capability",
            Baseline::LognormalBalance => "lognormal-balance",
            Baseline::Capability => "capability",
        }
    }

    fn summary(&self) -> &str {
        match self {
            Baseline::BaseRates => {
                "outcome shares of the training wars (add-one smoothing); log days ~ Normal(their mean, their sd)"
            }
            Baseline::LogitCapability => {
                "three-class logistic regression of the outcome on the initiator's capability share (ridge 0.01); base-rate duration"
            }
            Baseline::LognormalBalance => {
                "log days = a + b |share - 1/2| + e, normal predictive with parameter uncertainty; base-rate outcome"
            }
            Baseline::Capability => "logit-capability's outcome with lognormal-balance's duration",
        }
    }

    fn fit(&self, train: &[WarCase]) -> Box<dyn FittedWar> {
        let ys: Vec<f64> = train.iter().map(|w| w.truth.log_days()).collect();
        let log_days = mean_sd(&ys);
        let widen = (1.0 + 1.0 / ys.len().max(1) as f64).sqrt();
        let (logit, regression) = match self {
            Baseline::BaseRates => (None, None),
            Baseline::LogitCapability => (Some(logit_on(train)), None),
            Baseline::LognormalBalance => (None, regression_on(train)),
            Baseline::Capability => (Some(logit_on(train)), regression_on(train)),
        };
        Box::new(Fitted {
            rates: class_rates(train),
            log_days,
            unknown_days: (log_days.0, log_days.1 * widen),
            logit,
            regression,
            regresses: matches!(self, Baseline::LognormalBalance | Baseline::Capability),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn logit_without_ridge_recovers_a_saturated_fit() {
        // Two shares, 0.25 and 0.75 (x = -1/4, +1/4). At x = -1/4 the classes (wins, loses,
        // other) occur 1, 2, 1 times; at +1/4, 3, 1, 1. Four coefficients for four free
        // probabilities: the fit reproduces the observed shares, so
        // b0 - w0/4 = ln(1/1) = 0, b0 + w0/4 = ln 3  ->  w0 = 2 ln 3, b0 = ln 3 / 2;
        // b1 - w1/4 = ln 2,        b1 + w1/4 = 0     ->  w1 = -2 ln 2, b1 = ln 2 / 2.
        use Outcome::*;
        let mut d = Vec::new();
        for (x, y, k) in [
            (-0.25, InitiatorWins, 1),
            (-0.25, InitiatorLoses, 2),
            (-0.25, Other, 1),
            (0.25, InitiatorWins, 3),
            (0.25, InitiatorLoses, 1),
            (0.25, Other, 1),
        ] {
            for _ in 0..k {
                d.push((x, y));
            }
        }
        let l = fit_logit(&d, 0.0);
        assert!(l.converged);
        let (ln2, ln3) = (2f64.ln(), 3f64.ln());
        let want = [[ln3 / 2.0, 2.0 * ln3], [ln2 / 2.0, -2.0 * ln2]];
        for (got, want) in l.coef.iter().flatten().zip(want.iter().flatten()) {
            assert!((got - want).abs() < 1e-8, "{:?}", l.coef);
        }
        let p = l.probabilities(0.75);
        assert!((p[0] - 0.6).abs() < 1e-9 && (p[1] - 0.2).abs() < 1e-9);
    }

    #[test]
    fn ridge_keeps_a_separated_fit_finite() {
        // The initiator wins exactly when it is the stronger: separation, no finite MLE.
        let d: Vec<(f64, Outcome)> = (0..20)
            .map(|i| {
                let x = -0.45 + 0.045 * i as f64 + 0.01;
                let y = if x > 0.0 {
                    Outcome::InitiatorWins
                } else {
                    Outcome::InitiatorLoses
                };
                (x, y)
            })
            .collect();
        let l = fit_logit(&d, RIDGE);
        assert!(l.converged, "{l:?}");
        assert!(
            l.coef
                .iter()
                .flatten()
                .all(|c| c.is_finite() && c.abs() < 1e3)
        );
        assert!(l.probabilities(0.9)[0] > 0.95 && l.probabilities(0.1)[1] > 0.95);
    }

    #[test]
    fn regression_and_its_predictive() {
        // y = 1 + 2x exactly at x = 0, 1, 2 plus residuals +e, -2e, +e (they sum to 0 and are
        // orthogonal to x - 1): a = 1, b = 2, RSS = 6e^2, s^2 = 6e^2 / 1.
        let e = 0.1;
        let r = fit_regression(&[(0.0, 1.0 + e), (1.0, 3.0 - 2.0 * e), (2.0, 5.0 + e)]).unwrap();
        assert!((r.a - 1.0).abs() < 1e-12 && (r.b - 2.0).abs() < 1e-12);
        assert!((r.s - (6.0f64).sqrt() * e).abs() < 1e-12);
        // At x = 1 (the mean): sd = s sqrt(1 + 1/3); at x = 3: sqrt(1 + 1/3 + 4/2).
        let (m, sd) = r.predictive(1.0);
        assert!((m - 3.0).abs() < 1e-12);
        assert!((sd - r.s * (4.0f64 / 3.0).sqrt()).abs() < 1e-12);
        let (_, sd3) = r.predictive(3.0);
        assert!((sd3 - r.s * (1.0 + 1.0 / 3.0 + 2.0f64).sqrt()).abs() < 1e-12);
        assert!(fit_regression(&[(1.0, 1.0), (1.0, 2.0), (1.0, 3.0)]).is_none());
    }

    #[test]
    fn wars_without_a_share_get_the_fallbacks() {
        use super::super::cv::tests_support::case;
        let mut train: Vec<WarCase> = (0..6)
            .map(|i| {
                let y = if i % 2 == 0 {
                    Outcome::InitiatorWins
                } else {
                    Outcome::Other
                };
                case(i, y, 10 + 50 * i, 0.1 + 0.15 * f64::from(i))
            })
            .collect();
        train[0].inputs.initiator_share = None;
        let mut x = train[1].inputs.clone();
        x.initiator_share = None;
        let logs: Vec<f64> = train.iter().map(|w| w.truth.log_days()).collect();
        let (m, sd) = mean_sd(&logs);
        for b in Baseline::ALL {
            let f = b.fit(&train).predict(&x);
            assert_eq!(f.outcome, class_rates(&train), "{}", b.name());
            let Duration::LogNormal { mu, sigma } = f.duration else {
                panic!("a baseline forecasts a log-normal");
            };
            assert!((mu - m).abs() < 1e-12);
            let widen = match b {
                Baseline::BaseRates | Baseline::LogitCapability => 1.0,
                _ => (1.0 + 1.0 / 6.0f64).sqrt(),
            };
            assert!((sigma - sd * widen).abs() < 1e-12, "{}: {sigma}", b.name());
        }
    }

    #[test]
    fn rates_and_moments() {
        assert_eq!(class_rates(&[]), [1.0 / 3.0; 3]);
        let (m, sd) = mean_sd(&[1.0, 3.0]);
        assert_eq!(m, 2.0);
        assert!((sd - 2f64.sqrt()).abs() < 1e-12);
        assert_eq!(mean_sd(&[5.0]), (5.0, 1.0));
        assert_eq!(mean_sd(&[2.0, 2.0]).1, SIGMA_FLOOR);
    }
}
