//! Out-of-sample forecasts: k-fold cross-validation by war, or a fit on one file scored on
//! another.
//!
//! Folds: the wars are shuffled with `ChaCha8Rng::seed_from_u64(seed)` on stream 1 (the
//! bootstrap draws from stream 0 of the same seed) and dealt out in turn, so fold sizes differ
//! by at most one; with `k >= n` every war is a fold of its own (leave-one-out). Each fold's
//! wars are forecast by the forecaster fitted on the other folds only. Fits run in parallel
//! over (forecaster, fold) and are gathered in order, so results do not depend on threads.

use rayon::prelude::*;

use super::cases::WarCase;
use super::forecast::{WarForecast, WarForecaster};

/// How the forecasts are made out of sample.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Scheme {
    /// k-fold cross-validation within the file (k = n: leave-one-out).
    Folds(usize),
    /// Fitted on another file's wars, scored on every war of this one.
    FitOn,
}

/// The fold (0..k) of each of `n` wars; leave-one-out (war i in fold i) when `k >= n`.
pub fn folds(n: usize, k: usize, seed: u64) -> Vec<usize> {
    if k >= n {
        return (0..n).collect();
    }
    crate::cv::folds(n, k, seed)
}

/// The number of folds `folds(n, k, _)` uses.
pub fn effective_folds(n: usize, k: usize) -> usize {
    k.min(n)
}

/// Every forecaster's out-of-fold forecast of every war: `out[f][i]`.
pub fn cross_validate(
    cases: &[WarCase],
    forecasters: &[&dyn WarForecaster],
    k: usize,
    seed: u64,
) -> Vec<Vec<WarForecast>> {
    let fold_of = folds(cases.len(), k, seed);
    let k = effective_folds(cases.len(), k);
    let jobs: Vec<(usize, usize)> = (0..forecasters.len())
        .flat_map(|f| (0..k).map(move |fold| (f, fold)))
        .collect();
    let parts: Vec<Vec<(usize, WarForecast)>> = jobs
        .par_iter()
        .map(|&(f, fold)| {
            let train: Vec<WarCase> = cases
                .iter()
                .zip(&fold_of)
                .filter(|(_, g)| **g != fold)
                .map(|(c, _)| c.clone())
                .collect();
            let fitted = forecasters[f].fit(&train);
            cases
                .iter()
                .enumerate()
                .filter(|(i, _)| fold_of[*i] == fold)
                .map(|(i, c)| (i, fitted.predict(&c.inputs)))
                .collect()
        })
        .collect();
    let mut out: Vec<Vec<Option<WarForecast>>> = vec![vec![None; cases.len()]; forecasters.len()];
    for (&(f, _), part) in jobs.iter().zip(parts) {
        for (i, p) in part {
            out[f][i] = Some(p);
        }
    }
    out.into_iter()
        .map(|v| v.into_iter().flatten().collect())
        .collect()
}

/// Every forecaster fitted on `train` and forecasting every war of `test`: `out[f][i]`.
pub fn fit_on(
    train: &[WarCase],
    test: &[WarCase],
    forecasters: &[&dyn WarForecaster],
) -> Vec<Vec<WarForecast>> {
    forecasters
        .par_iter()
        .map(|f| {
            let fitted = f.fit(train);
            test.iter().map(|c| fitted.predict(&c.inputs)).collect()
        })
        .collect()
}

/// A war for tests, with what matters set and everything else plain.
#[cfg(test)]
pub(crate) mod tests_support {
    use super::super::cases::{Outcome, Truth, WarCase, WarInputs};
    use super::super::data::OutcomeType;

    pub(crate) fn case(id: u32, outcome: Outcome, days: u32, share: f64) -> WarCase {
        WarCase {
            id,
            name: format!("war {id}"),
            start_date: "1900-01-01".into(),
            outcome_type: OutcomeType::Victory,
            cinc_missing_records: 0,
            inputs: WarInputs {
                start_year: 1900,
                initiator_cinc: Some(share),
                target_cinc: Some(1.0 - share),
                initiator_share: Some(share),
                initiator_states: 1,
                target_states: 1,
                seed: u64::from(id),
            },
            truth: Truth {
                outcome,
                duration_days: days,
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::cases::{Outcome, WarInputs};
    use super::super::forecast::{Duration, FittedWar};
    use super::tests_support::case;
    use super::*;

    /// Forecasts the share of training wars the initiator won, and the training mean of log
    /// days: so a forecast shows which wars it was fitted on.
    struct Mean;
    struct MeanFit([f64; 3], f64);
    impl WarForecaster for Mean {
        fn name(&self) -> &str {
            "mean"
        }
        fn summary(&self) -> &str {
            "test"
        }
        fn fit(&self, train: &[WarCase]) -> Box<dyn FittedWar> {
            let n = train.len() as f64;
            let w = train
                .iter()
                .filter(|c| c.truth.outcome == Outcome::InitiatorWins)
                .count() as f64
                / n;
            let d = train.iter().map(|c| c.truth.log_days()).sum::<f64>() / n;
            Box::new(MeanFit([w, 1.0 - w, 0.0], d))
        }
    }
    impl FittedWar for MeanFit {
        fn predict(&self, _: &WarInputs) -> WarForecast {
            WarForecast {
                outcome: self.0,
                duration: Duration::LogNormal {
                    mu: self.1,
                    sigma: 1.0,
                },
            }
        }
    }

    #[test]
    fn folds_and_leave_one_out() {
        assert_eq!(folds(4, 10, 3), vec![0, 1, 2, 3]);
        let f = folds(23, 5, 1);
        assert_eq!(f, folds(23, 5, 1));
        let mut sizes = [0; 5];
        for &k in &f {
            sizes[k] += 1;
        }
        assert!(sizes.iter().all(|&s| s == 4 || s == 5), "{sizes:?}");
    }

    #[test]
    fn leave_one_out_forecasts_come_from_the_others() {
        // Three wars, won, won, lost: leaving out a won war, the others won 1 of 2; leaving
        // out the lost one, 2 of 2.
        let cs = [
            case(1, Outcome::InitiatorWins, 10, 0.5),
            case(2, Outcome::InitiatorWins, 100, 0.5),
            case(3, Outcome::InitiatorLoses, 1000, 0.5),
        ];
        let out = cross_validate(&cs, &[&Mean], 3, 0);
        let p: Vec<f64> = out[0].iter().map(|f| f.outcome[0]).collect();
        assert_eq!(p, [0.5, 0.5, 1.0]);
        // fit_on: every war from the same fit.
        let all = fit_on(&cs, &cs[..2], &[&Mean]);
        assert_eq!(all[0].len(), 2);
        assert!((all[0][0].outcome[0] - 2.0 / 3.0).abs() < 1e-12);
    }
}
