//! The war backtest: every forecaster out of sample on every war, scored, with paired
//! bootstrap intervals over wars, plus the leaders' and the cease-fires' figures.

use serde::Serialize;

use super::baselines::{self, Baseline, Logit, Regression};
use super::cases::{Outcome, WarData};
use super::ceasefires::{self, CeasefireCv, GroupEstimate};
use super::cv::{self, Scheme};
use super::data::{CeasefireRow, LeaderRow};
use super::forecast::{InvalidForecast, WarForecast, WarForecaster};
use super::leaders::{self, LeaderShares, Restriction};
use super::score::{self, CalibrationBin, WarScores};
use crate::score::{Bootstrap, mean};

/// How a backtest is run.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Settings {
    /// Folds of the cross-validation (wars, and conflicts for the cease-fires); at least 2.
    pub folds: usize,
    /// Seed of the folds, the bootstrap and the wars' own seeds.
    pub seed: u64,
    /// Bootstrap resamples.
    pub resamples: usize,
    /// Level of the intervals, e.g. 0.95.
    pub level: f64,
    /// Bins of the calibration table.
    pub bins: usize,
}

/// A mean score with its bootstrap interval.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Stat {
    /// Mean over the wars scored.
    pub mean: Option<f64>,
    /// Percentile interval over resampled wars.
    pub ci: Option<[f64; 2]>,
}

/// One forecaster's row of the leaderboard.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Entry {
    /// Its name.
    pub forecaster: String,
    /// What it does.
    pub summary: String,
    /// Whether it is one of the statistical baselines.
    pub baseline: bool,
    /// Wars scored.
    pub n: usize,
    /// Brier score (three classes, 0..2).
    pub brier: Stat,
    /// Log score (clamped at 0.001).
    pub log: Stat,
    /// CRPS on log days.
    pub crps: Stat,
    /// Mean forecast P(initiator wins, loses, other).
    pub mean_outcome: [f64; 3],
}

/// A forecaster's scores minus a baseline's, war by war, on the same resamples.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Diff {
    /// The forecaster.
    pub forecaster: String,
    /// The baseline it is compared with.
    pub baseline: String,
    /// Brier difference (negative: the forecaster is better).
    pub brier: Stat,
    /// Log-score difference.
    pub log: Stat,
    /// CRPS difference.
    pub crps: Stat,
}

/// A forecaster's calibration table.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Calibration {
    /// The forecaster.
    pub forecaster: String,
    /// Its bins of predicted P(initiator wins).
    pub bins: Vec<CalibrationBin>,
}

/// What the data hold.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Summary {
    /// Wars scored.
    pub wars: usize,
    /// Of them, with a capability share.
    pub with_share: usize,
    /// Wars with at least one counting record without CINC (counted as 0).
    pub wars_with_missing_cinc: usize,
    /// Participant records.
    pub participant_records: usize,
    /// Participant records without a start-year CINC.
    pub participants_without_cinc: usize,
    /// Wars the initiator won, lost, neither.
    pub outcomes: [usize; 3],
    /// Initiator won when the stronger (share > 1/2): (won, wars).
    pub stronger_initiator: (usize, usize),
    /// Initiator won when the weaker: (won, wars).
    pub weaker_initiator: (usize, usize),
    /// Median duration, days.
    pub median_days: Option<f64>,
    /// Mean and sd of log days.
    pub log_days: (f64, f64),
    /// First and last start year.
    pub years: Option<(i32, i32)>,
}

/// The baselines fitted on every training war (the whole file, or the --fit-on file): what
/// a forecast of new wars would use.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct WholeFit {
    /// Wars fitted.
    pub n: usize,
    /// base-rates' outcome shares.
    pub rates: [f64; 3],
    /// base-rates' log-days mean and sd.
    pub log_days: (f64, f64),
    /// The logit's coefficients.
    pub logit: Logit,
    /// The duration regression, if it could be fitted.
    pub regression: Option<Regression>,
}

/// Everything the war backtest reports.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct WarReport {
    /// The data folder scored.
    pub data: String,
    /// The folder fitted on, with --fit-on.
    pub train: Option<String>,
    /// Cross-validation or fit-on.
    pub scheme: Scheme,
    /// The seed.
    pub seed: u64,
    /// Bootstrap resamples.
    pub bootstrap: usize,
    /// Interval level.
    pub level: f64,
    /// The data.
    pub summary: Summary,
    /// The leaderboard, in the order the forecasters were given.
    pub entries: Vec<Entry>,
    /// Paired differences of every forecaster against every other baseline.
    pub diffs: Vec<Diff>,
    /// Calibration of P(initiator wins).
    pub calibration: Vec<Calibration>,
    /// The baselines fitted on all training wars.
    pub whole_fit: WholeFit,
    /// Leaders after war, under every restriction (the first, all participants, is the
    /// default).
    pub leaders: Vec<LeaderShares>,
    /// Cease-fires: Kaplan-Meier by group.
    pub ceasefires: Vec<GroupEstimate>,
    /// Cease-fires: the two baselines out of fold.
    pub ceasefire_cv: CeasefireCv,
    /// The war model's calibrations, one per fit (per fold, or one with --fit-on), when it was
    /// scored; filled by the caller that holds the forecaster.
    pub war_model: Vec<super::model::Calibration>,
    /// The durability module fitted on cease-fires without peacekeepers and predicting those
    /// with them; filled by the caller.
    pub war_model_ceasefires: Option<super::model::CeasefireCheck>,
    /// Leaders after war: the war model's removal hazard fitted to the pooled shares, its
    /// split between winners and losers predicted; filled by the caller.
    pub war_model_leaders: Option<super::model::LeaderCheck>,
}

fn summary(d: &WarData) -> Summary {
    let cases = &d.cases;
    let mut outcomes = [0; 3];
    let (mut strong, mut weak) = ((0, 0), (0, 0));
    for c in cases {
        outcomes[c.truth.outcome.index()] += 1;
        if let Some(s) = c.inputs.initiator_share {
            let won = usize::from(c.truth.outcome == Outcome::InitiatorWins);
            let t = if s > 0.5 { &mut strong } else { &mut weak };
            t.0 += won;
            t.1 += 1;
        }
    }
    let days: Vec<f64> = cases
        .iter()
        .map(|c| f64::from(c.truth.duration_days))
        .collect();
    let logs: Vec<f64> = cases.iter().map(|c| c.truth.log_days()).collect();
    let years = cases.iter().map(|c| c.inputs.start_year);
    Summary {
        wars: cases.len(),
        with_share: cases
            .iter()
            .filter(|c| c.inputs.initiator_share.is_some())
            .count(),
        wars_with_missing_cinc: cases.iter().filter(|c| c.cinc_missing_records > 0).count(),
        participant_records: d.participant_records,
        participants_without_cinc: d.participants_without_cinc,
        outcomes,
        stronger_initiator: strong,
        weaker_initiator: weak,
        median_days: crate::score::median(&days),
        log_days: baselines::mean_sd(&logs),
        years: years.clone().min().zip(years.max()),
    }
}

fn stat(values: &[Option<f64>], boot: &Bootstrap, level: f64) -> Stat {
    let have: Vec<f64> = values.iter().flatten().copied().collect();
    Stat {
        mean: mean(&have),
        ci: boot.interval(values, level),
    }
}

/// Runs the backtest. `forecasters` are scored in the order given (the baselines of
/// [`Baseline::all`] among them are the yardsticks of the paired differences); `train` is the
/// folder fitted on for `--fit-on` (else k-fold cross-validation within `data`). A forecast
/// that cannot be scored ([`WarForecast::problem`]) stops the run with its forecaster and war.
#[allow(clippy::too_many_arguments)]
pub fn run(
    data_name: &str,
    data: &WarData,
    train: Option<(&str, &WarData)>,
    forecasters: &[&dyn WarForecaster],
    leader_rows: &[LeaderRow],
    ceasefire_rows: &[CeasefireRow],
    s: &Settings,
) -> Result<WarReport, InvalidForecast> {
    let cases = &data.cases;
    let (forecasts, scheme): (Vec<Vec<WarForecast>>, Scheme) = match train {
        Some((_, t)) => (cv::fit_on(&t.cases, cases, forecasters), Scheme::FitOn),
        None => (
            cv::cross_validate(cases, forecasters, s.folds, s.seed),
            Scheme::Folds(cv::effective_folds(cases.len(), s.folds)),
        ),
    };
    for (fc, fs) in forecasters.iter().zip(&forecasts) {
        for (f, c) in fs.iter().zip(cases) {
            if let Some(problem) = f.problem() {
                return Err(InvalidForecast {
                    forecaster: fc.name().to_string(),
                    war: c.id,
                    problem,
                });
            }
        }
    }
    let labels: Vec<String> = cases.iter().map(|c| c.id.to_string()).collect();
    let boot = Bootstrap::new(&labels, s.resamples, s.seed);
    let scores: Vec<Vec<WarScores>> = forecasts
        .iter()
        .map(|fs| {
            fs.iter()
                .zip(cases)
                .map(|(f, c)| score::score(f, &c.truth))
                .collect()
        })
        .collect();
    let column = |f: usize, pick: fn(&WarScores) -> Option<f64>| -> Vec<Option<f64>> {
        scores[f].iter().map(pick).collect()
    };
    let pick_brier: fn(&WarScores) -> Option<f64> = |w| Some(w.brier);
    let pick_log: fn(&WarScores) -> Option<f64> = |w| Some(w.log);
    let pick_crps: fn(&WarScores) -> Option<f64> = |w| w.crps;
    let baseline_names: Vec<&str> = Baseline::ALL.iter().map(|b| b.name()).collect();
    let entries: Vec<Entry> = forecasters
        .iter()
        .enumerate()
        .map(|(f, fc)| {
            let n = forecasts[f].len() as f64;
            let mut mean_outcome = [0.0; 3];
            for p in &forecasts[f] {
                for (m, q) in mean_outcome.iter_mut().zip(p.outcome) {
                    *m += q / n;
                }
            }
            Entry {
                forecaster: fc.name().to_string(),
                summary: fc.summary().to_string(),
                baseline: baseline_names.contains(&fc.name()),
                n: forecasts[f].len(),
                brier: stat(&column(f, pick_brier), &boot, s.level),
                log: stat(&column(f, pick_log), &boot, s.level),
                crps: stat(&column(f, pick_crps), &boot, s.level),
                mean_outcome,
            }
        })
        .collect();
    let mut diffs = Vec::new();
    for (f, fc) in forecasters.iter().enumerate() {
        for (b, bc) in forecasters.iter().enumerate() {
            if b == f || !baseline_names.contains(&bc.name()) {
                continue;
            }
            let d = |pick: fn(&WarScores) -> Option<f64>| -> Stat {
                let v: Vec<Option<f64>> = column(f, pick)
                    .iter()
                    .zip(column(b, pick))
                    .map(|(x, y)| Some((*x)? - y?))
                    .collect();
                stat(&v, &boot, s.level)
            };
            diffs.push(Diff {
                forecaster: fc.name().to_string(),
                baseline: bc.name().to_string(),
                brier: d(pick_brier),
                log: d(pick_log),
                crps: d(pick_crps),
            });
        }
    }
    let calibration = forecasters
        .iter()
        .enumerate()
        .map(|(f, fc)| {
            let pairs: Vec<(f64, Outcome)> = forecasts[f]
                .iter()
                .zip(cases)
                .map(|(p, c)| (p.outcome[0], c.truth.outcome))
                .collect();
            Calibration {
                forecaster: fc.name().to_string(),
                bins: score::calibration(&pairs, s.bins),
            }
        })
        .collect();
    let fit_cases = train.map_or(cases.as_slice(), |(_, t)| t.cases.as_slice());
    let logs: Vec<f64> = fit_cases.iter().map(|c| c.truth.log_days()).collect();
    let whole_fit = WholeFit {
        n: fit_cases.len(),
        rates: baselines::class_rates(fit_cases),
        log_days: baselines::mean_sd(&logs),
        logit: baselines::logit_on(fit_cases),
        regression: baselines::regression_on(fit_cases),
    };
    Ok(WarReport {
        data: data_name.to_string(),
        train: train.map(|(n, _)| n.to_string()),
        scheme,
        seed: s.seed,
        bootstrap: s.resamples,
        level: s.level,
        summary: summary(data),
        entries,
        diffs,
        calibration,
        whole_fit,
        leaders: Restriction::ALL
            .iter()
            .map(|&r| leaders::shares(leader_rows, r))
            .collect(),
        ceasefires: ceasefires::estimates(ceasefire_rows, s.resamples, s.seed, s.level),
        war_model: Vec::new(),
        war_model_ceasefires: None,
        war_model_leaders: None,
        ceasefire_cv: ceasefires::cross_validate(
            ceasefire_rows,
            s.folds,
            s.resamples,
            s.seed,
            s.level,
        ),
    })
}

#[cfg(test)]
mod tests {
    use super::super::cases::WarData;
    use super::super::cv::tests_support::case;
    use super::*;

    #[test]
    fn a_strong_initiator_signal_is_found_and_differences_are_paired() {
        // 40 wars: the initiator wins when its share is above 1/2, loses below; wars at
        // parity last long. The logit must beat base rates on Brier with an interval below 0.
        let cases: Vec<_> = (0..40)
            .map(|i| {
                let share = 0.05 + 0.9 * f64::from(i) / 39.0;
                let outcome = if share > 0.5 {
                    Outcome::InitiatorWins
                } else {
                    Outcome::InitiatorLoses
                };
                let days = (2000.0 * (1.0 - 2.0 * (share - 0.5f64).abs()) + 10.0) as u32;
                case(i, outcome, days, share)
            })
            .collect();
        let data = WarData {
            cases,
            participant_records: 0,
            participants_without_cinc: 0,
        };
        let fs = Baseline::all();
        let refs: Vec<&dyn WarForecaster> = fs.iter().map(|b| b.as_ref()).collect();
        let s = Settings {
            folds: 5,
            seed: 3,
            resamples: 200,
            level: 0.95,
            bins: 5,
        };
        let r = run("synthetic", &data, None, &refs, &[], &[], &s).unwrap();
        assert_eq!(r.entries.len(), 4);
        assert_eq!(r.scheme, Scheme::Folds(5));
        let d = r
            .diffs
            .iter()
            .find(|d| d.forecaster == "logit-capability" && d.baseline == "base-rates")
            .unwrap();
        assert!(d.brier.ci.unwrap()[1] < 0.0, "{d:?}");
        // Its CRPS is base-rates' own: the paired difference is exactly 0.
        assert_eq!(d.crps.mean, Some(0.0));
        assert_eq!(d.crps.ci, Some([0.0, 0.0]));
        let d = r
            .diffs
            .iter()
            .find(|d| d.forecaster == "lognormal-balance" && d.baseline == "base-rates")
            .unwrap();
        assert!(d.crps.ci.unwrap()[1] < 0.0, "{d:?}");
        // 4 forecasters x 3 other baselines.
        assert_eq!(r.diffs.len(), 12);
        assert_eq!(r.summary.stronger_initiator, (20, 20));
        // The same settings give the same report.
        assert_eq!(
            r,
            run("synthetic", &data, None, &refs, &[], &[], &s).unwrap()
        );
        // A forecaster whose probabilities do not sum to 1 is refused, by name and war.
        let e = run("synthetic", &data, None, &[&Broken], &[], &[], &s).unwrap_err();
        assert_eq!(e.forecaster, "broken");
        assert!(e.problem.contains("sum to"), "{e}");
        // Simulated durations are scored with the sample CRPS.
        let r = run("synthetic", &data, None, &[&Sampled], &[], &[], &s).unwrap();
        assert!(r.entries[0].crps.mean.unwrap() > 0.0);
    }

    struct Broken;
    struct Sampled;
    struct Fixed(WarForecast);
    impl super::super::forecast::FittedWar for Fixed {
        fn predict(&self, _: &super::super::cases::WarInputs) -> WarForecast {
            self.0.clone()
        }
    }
    impl WarForecaster for Broken {
        fn name(&self) -> &str {
            "broken"
        }
        fn summary(&self) -> &str {
            "probabilities summing to 0.9"
        }
        fn fit(
            &self,
            _: &[super::super::cases::WarCase],
        ) -> Box<dyn super::super::forecast::FittedWar> {
            Box::new(Fixed(WarForecast {
                outcome: [0.5, 0.3, 0.1],
                duration: super::super::forecast::Duration::LogNormal {
                    mu: 5.0,
                    sigma: 1.0,
                },
            }))
        }
    }
    impl WarForecaster for Sampled {
        fn name(&self) -> &str {
            "sampled"
        }
        fn summary(&self) -> &str {
            "a fixed sample of log days"
        }
        fn fit(
            &self,
            _: &[super::super::cases::WarCase],
        ) -> Box<dyn super::super::forecast::FittedWar> {
            Box::new(Fixed(WarForecast {
                outcome: [0.5, 0.3, 0.2],
                duration: super::super::forecast::Duration::Sample(vec![4.0, 5.0, 6.0]),
            }))
        }
    }
}
