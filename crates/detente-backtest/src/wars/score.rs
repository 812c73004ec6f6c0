//! Proper scores of war forecasts, all oriented as losses (lower is better).
//!
//! - Brier: the sum over the three outcomes of (p - 1[outcome])^2, in 0..2.
//! - Log: -ln p(outcome), the probability clamped at [`PROB_FLOOR`] first, so one confident
//!   miss costs at most -ln 0.001 = 6.91 instead of infinity.
//! - CRPS of the duration on log days. For a normal forecast the closed form
//!   sigma [z (2 Phi(z) - 1) + 2 phi(z) - 1/sqrt(pi)], z = (y - mu) / sigma (Gneiting &
//!   Raftery 2007, JASA 102: 359-78, eq. 21). For a sample x_1..x_n the energy form
//!   E|X - y| - 1/2 E|X - X'| with both expectations over the sample's empirical
//!   distribution (E|X - X'| = sum over all n^2 ordered pairs / n^2, which makes it the exact
//!   CRPS of the empirical distribution), in O(n log n) by sorting:
//!   sum_{i,j} |x_i - x_j| = 2 sum_i (2i - n + 1) x_(i) with 0-based ranks.

use serde::Serialize;
use statrs::function::erf::erf;

use super::cases::{Outcome, Truth};
use super::forecast::{Duration, WarForecast};

/// The probability a log score is clamped at.
pub const PROB_FLOOR: f64 = 1e-3;

/// The Brier score of a three-class forecast.
pub fn brier(p: &[f64; 3], y: Outcome) -> f64 {
    (0..3)
        .map(|k| {
            let o = if k == y.index() { 1.0 } else { 0.0 };
            (p[k] - o).powi(2)
        })
        .sum()
}

/// The log score (negative log-likelihood, natural log) with the probability clamped at
/// [`PROB_FLOOR`].
pub fn log_score(p: &[f64; 3], y: Outcome) -> f64 {
    -p[y.index()].max(PROB_FLOOR).ln()
}

/// Phi, the standard normal distribution function.
pub fn norm_cdf(z: f64) -> f64 {
    0.5 * (1.0 + erf(z / std::f64::consts::SQRT_2))
}

/// phi, the standard normal density.
pub fn norm_pdf(z: f64) -> f64 {
    (-0.5 * z * z).exp() / (2.0 * std::f64::consts::PI).sqrt()
}

/// The CRPS of Normal(mu, sigma) at y.
pub fn crps_normal(mu: f64, sigma: f64, y: f64) -> f64 {
    let z = (y - mu) / sigma;
    sigma * (z * (2.0 * norm_cdf(z) - 1.0) + 2.0 * norm_pdf(z) - 1.0 / std::f64::consts::PI.sqrt())
}

/// The CRPS of the empirical distribution of `xs` at y (energy form, O(n log n)); `None` for
/// no values.
pub fn crps_sample(xs: &[f64], y: f64) -> Option<f64> {
    if xs.is_empty() {
        return None;
    }
    let mut v = xs.to_vec();
    v.sort_by(f64::total_cmp);
    let n = v.len() as f64;
    let e_xy = v.iter().map(|x| (x - y).abs()).sum::<f64>() / n;
    let pairs: f64 = v
        .iter()
        .enumerate()
        .map(|(i, x)| (2.0 * i as f64 - n + 1.0) * x)
        .sum::<f64>()
        * 2.0;
    Some(e_xy - 0.5 * pairs / (n * n))
}

/// The CRPS of a duration forecast at the true log days.
pub fn crps(d: &Duration, y: f64) -> Option<f64> {
    match d {
        Duration::LogNormal { mu, sigma } => Some(crps_normal(*mu, *sigma, y)),
        Duration::Sample(xs) => crps_sample(xs, y),
    }
}

/// The three scores of one forecast.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct WarScores {
    /// Brier, 0..2.
    pub brier: f64,
    /// Clamped log score.
    pub log: f64,
    /// CRPS on log days; `None` for an empty sample.
    pub crps: Option<f64>,
}

/// Scores a forecast against the truth.
pub fn score(f: &WarForecast, t: &Truth) -> WarScores {
    WarScores {
        brier: brier(&f.outcome, t.outcome),
        log: log_score(&f.outcome, t.outcome),
        crps: crps(&f.duration, t.log_days()),
    }
}

/// One bin of a calibration table.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CalibrationBin {
    /// Lower edge of predicted P(initiator wins).
    pub lo: f64,
    /// Upper edge (the last bin includes 1).
    pub hi: f64,
    /// Wars forecast in the bin.
    pub n: usize,
    /// Their mean predicted P(initiator wins); `None` for an empty bin.
    pub mean_predicted: Option<f64>,
    /// The share of them the initiator won; `None` for an empty bin.
    pub observed: Option<f64>,
}

/// Predicted P(initiator wins) in `bins` equal bins against the observed share.
pub fn calibration(pairs: &[(f64, Outcome)], bins: usize) -> Vec<CalibrationBin> {
    (0..bins)
        .map(|b| {
            let lo = b as f64 / bins as f64;
            let hi = (b + 1) as f64 / bins as f64;
            let inside: Vec<&(f64, Outcome)> = pairs
                .iter()
                .filter(|(p, _)| *p >= lo && (*p < hi || (b + 1 == bins && *p <= hi)))
                .collect();
            let n = inside.len();
            let nf = n as f64;
            CalibrationBin {
                lo,
                hi,
                n,
                mean_predicted: (n > 0).then(|| inside.iter().map(|x| x.0).sum::<f64>() / nf),
                observed: (n > 0).then(|| {
                    inside
                        .iter()
                        .filter(|x| x.1 == Outcome::InitiatorWins)
                        .count() as f64
                        / nf
                }),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;
    use rand_chacha::ChaCha8Rng;

    #[test]
    fn hand_computed_brier_and_log() {
        // (0.5, 0.3, 0.2), the initiator won: 0.25 + 0.09 + 0.04 = 0.38; -ln 0.5.
        let p = [0.5, 0.3, 0.2];
        assert!((brier(&p, Outcome::InitiatorWins) - 0.38).abs() < 1e-12);
        assert!((log_score(&p, Outcome::InitiatorWins) - 2f64.ln()).abs() < 1e-12);
        // It lost: 0.25 + 0.49 + 0.04 = 0.78.
        assert!((brier(&p, Outcome::InitiatorLoses) - 0.78).abs() < 1e-12);
        // A certain miss: Brier 2, log clamped at -ln 0.001.
        let q = [1.0, 0.0, 0.0];
        assert_eq!(brier(&q, Outcome::Other), 2.0);
        assert!((log_score(&q, Outcome::Other) - 1000f64.ln()).abs() < 1e-12);
    }

    #[test]
    fn normal_crps_closed_form() {
        // At the mean of N(0, 1): 2 phi(0) - 1/sqrt(pi) = 2/sqrt(2 pi) - 1/sqrt(pi)
        // = (sqrt 2 - 1) / sqrt(pi) = 0.233695.
        let want = (2f64.sqrt() - 1.0) / std::f64::consts::PI.sqrt();
        assert!((crps_normal(0.0, 1.0, 0.0) - want).abs() < 1e-12);
        assert!((want - 0.233_695).abs() < 1e-6);
        // Scale and location: CRPS(N(mu, s), mu + s z) = s CRPS(N(0,1), z).
        assert!((crps_normal(3.0, 2.0, 3.0) - 2.0 * want).abs() < 1e-12);
        // Far out, CRPS -> |y - mu| - sigma / sqrt(pi).
        let far = crps_normal(0.0, 1.0, 10.0);
        assert!((far - (10.0 - 1.0 / std::f64::consts::PI.sqrt())).abs() < 1e-9);
        // At z = 1: 1 (2 Phi(1) - 1) + 2 phi(1) - 1/sqrt(pi), Phi(1) = 0.841344746.
        let z1 = (2.0 * 0.841_344_746_068_543 - 1.0)
            + 2.0 * (-0.5f64).exp() / (2.0 * std::f64::consts::PI).sqrt()
            - 1.0 / std::f64::consts::PI.sqrt();
        assert!((crps_normal(0.0, 1.0, 1.0) - z1).abs() < 1e-9);
    }

    #[test]
    fn sample_crps_by_hand_and_against_the_closed_form() {
        // Sample {0, 2}, y = 0: E|X - y| = 1; pairs |0-2| twice over 4 = 1; CRPS = 1 - 0.5.
        assert!((crps_sample(&[2.0, 0.0], 0.0).unwrap() - 0.5).abs() < 1e-12);
        // One draw: the absolute error.
        assert_eq!(crps_sample(&[1.5], 0.0), Some(1.5));
        assert_eq!(crps_sample(&[], 0.0), None);
        // The O(n log n) pair sum equals the O(n^2) one.
        let xs: [f64; 6] = [0.3, -1.2, 4.0, 2.2, 2.2, 0.0];
        let brute: f64 = xs
            .iter()
            .flat_map(|a| xs.iter().map(move |b| (a - b).abs()))
            .sum::<f64>()
            / 36.0;
        let e_xy = xs.iter().map(|x| (x - 1.0).abs()).sum::<f64>() / 6.0;
        assert!((crps_sample(&xs, 1.0).unwrap() - (e_xy - 0.5 * brute)).abs() < 1e-12);
        // A large normal sample (Box-Muller on a seeded ChaCha8) approaches the closed form.
        use rand::Rng;
        let mut rng = ChaCha8Rng::seed_from_u64(11);
        let draws: Vec<f64> = (0..20_000)
            .map(|_| {
                let (u, v): (f64, f64) = (rng.random(), rng.random());
                1.0 + 0.5 * (-2.0 * (1.0 - u).ln()).sqrt() * (2.0 * std::f64::consts::PI * v).cos()
            })
            .collect();
        for y in [1.0, 0.2, 2.5] {
            let exact = crps_normal(1.0, 0.5, y);
            let est = crps_sample(&draws, y).unwrap();
            assert!((est - exact).abs() < 0.01, "y {y}: {est} vs {exact}");
        }
    }

    #[test]
    fn calibration_bins() {
        let pairs = [
            (0.05, Outcome::InitiatorLoses),
            (0.15, Outcome::InitiatorWins),
            (0.95, Outcome::InitiatorWins),
            (1.0, Outcome::InitiatorWins),
            (0.9, Outcome::Other),
        ];
        let t = calibration(&pairs, 5);
        assert_eq!(t.len(), 5);
        assert_eq!(t[0].n, 2);
        assert_eq!(t[0].observed, Some(0.5));
        assert!((t[0].mean_predicted.unwrap() - 0.1).abs() < 1e-12);
        assert_eq!(t[4].n, 3);
        assert!((t[4].observed.unwrap() - 2.0 / 3.0).abs() < 1e-12);
        assert_eq!(t[2].n, 0);
        assert_eq!(t[2].observed, None);
    }
}
