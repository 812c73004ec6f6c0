//! `fitted-mean`: a weighted mean with fitted exponents, role weights, a pull toward the
//! weighted median and a shrinkage toward the reference point, scored by cross-validation over
//! proposals. See `docs/models/fitted-mean.md`.
//!
//! Only [`fit`] reads outcomes, and only those of the training folds it is given; the
//! forecasts for a fold come from parameters fitted without it.

use detente_core::model::{weighted_mean, weighted_median};
use rand::SeedableRng;
use rand::seq::SliceRandom;
use rand_chacha::ChaCha8Rng;
use serde::Serialize;

use crate::capability::Weighted;
use crate::cases::Dataset;
use crate::score::{Bootstrap, score};

/// The parameters of `fitted-mean`.
///
/// An actor's weight is `c^capability * s^salience * role`, where `role` is `commission` for
/// the Commission, `parliament` for the Parliament and 1 for a member state (an actor with
/// salience 0 has weight 0 whatever the exponent). With these weights the forecast is
/// `(1 - median) * weighted mean + median * weighted median`, then, where the case has a
/// reference point, `(1 - rp) * that + rp * rp_value`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Params {
    /// Exponent of the capability in the weight; 0 ignores capability.
    pub capability: f64,
    /// Exponent of the salience in the weight.
    pub salience: f64,
    /// Role factor of the Commission's weight.
    pub commission: f64,
    /// Role factor of the Parliament's weight.
    pub parliament: f64,
    /// Share of the weighted median in the forecast, 0..1 (0: the weighted mean alone).
    pub median: f64,
    /// Shrinkage toward the reference point, 0..1, where the case has one.
    pub rp: f64,
}

impl Params {
    /// The compromise model: weights capability x salience, no median, no shrinkage.
    pub const COMPROMISE: Params = Params {
        capability: 1.0,
        salience: 1.0,
        commission: 1.0,
        parliament: 1.0,
        median: 0.0,
        rp: 0.0,
    };
}

/// Values tried for [`Params::capability`]. Each list of the grid searched starts at
/// compromise's value, so that ties go to it.
pub const CAPABILITY: [f64; 3] = [1.0, 0.0, 0.5];
/// Values tried for [`Params::salience`].
pub const SALIENCE: [f64; 4] = [1.0, 0.0, 2.0, 3.0];
/// Values tried for [`Params::commission`] and, independently, [`Params::parliament`].
pub const ROLE: [f64; 5] = [1.0, 0.5, 2.0, 4.0, 8.0];
/// Values tried for [`Params::median`].
pub const MEDIAN: [f64; 3] = [0.0, 0.25, 0.5];
/// Values tried for [`Params::rp`].
pub const RP: [f64; 4] = [0.0, 0.1, 0.2, 0.3];

/// The number of candidate parameter sets.
pub const GRID_SIZE: usize =
    CAPABILITY.len() * SALIENCE.len() * ROLE.len() * ROLE.len() * MEDIAN.len() * RP.len();

#[derive(Debug, Clone, Copy, PartialEq)]
enum Role {
    Commission,
    Parliament,
    State,
}

/// What `fitted-mean` needs of a case: the actors' roles, capabilities, saliences and
/// positions, and the reference point. Not the outcome.
#[derive(Debug, Clone)]
pub struct Prepared {
    actors: Vec<(Role, f64, f64, f64)>,
    rp: Option<f64>,
}

impl Prepared {
    /// Takes the case's stakes on its one issue from its weighted scenario, and `rp`, the
    /// case's reference point (0..100) where it has one.
    pub fn new(w: &Weighted, rp: Option<f64>) -> Prepared {
        let s = &w.scenario;
        let actors = s
            .stakes(0)
            .iter()
            .map(|k| {
                let role = match s.actors[k.actor].id.as_str() {
                    "com" => Role::Commission,
                    "ep" => Role::Parliament,
                    _ => Role::State,
                };
                (role, k.capability, k.salience, k.position)
            })
            .collect();
        Prepared { actors, rp }
    }

    /// The weighted mean and weighted median under one set of weight parameters.
    fn centres(&self, cap: f64, sal: f64, com: f64, ep: f64) -> (f64, f64) {
        let points: Vec<(f64, f64)> = self
            .actors
            .iter()
            .map(|&(role, c, s, x)| {
                let role = match role {
                    Role::Commission => com,
                    Role::Parliament => ep,
                    Role::State => 1.0,
                };
                let w = if s > 0.0 {
                    c.powf(cap) * s.powf(sal) * role
                } else {
                    0.0
                };
                (x, w)
            })
            .collect();
        (
            weighted_mean(points.iter().copied()),
            weighted_median(points.iter().copied()),
        )
    }
}

fn blend(mean: f64, median: f64, rp: Option<f64>, m: f64, r: f64) -> f64 {
    let x = (1.0 - m) * mean + m * median;
    match rp {
        Some(q) => (1.0 - r) * x + r * q,
        None => x,
    }
}

/// The forecast of `fitted-mean` with parameters `p`.
pub fn forecast(case: &Prepared, p: &Params) -> f64 {
    let (mean, median) = case.centres(p.capability, p.salience, p.commission, p.parliament);
    blend(mean, median, case.rp, p.median, p.rp)
}

/// Weighted means and medians of every case under every weight setting of the grid, computed
/// once: they do not depend on outcomes, so every fold can share them.
struct Table {
    weights: Vec<[f64; 4]>,
    /// `centres[k][i]`: (mean, median) of case i under weight setting k.
    centres: Vec<Vec<(f64, f64)>>,
}

impl Table {
    fn new(cases: &[Prepared]) -> Table {
        use rayon::prelude::*;
        let mut weights = Vec::new();
        for cap in CAPABILITY {
            for sal in SALIENCE {
                for com in ROLE {
                    for ep in ROLE {
                        weights.push([cap, sal, com, ep]);
                    }
                }
            }
        }
        let centres = weights
            .par_iter()
            .map(|&[cap, sal, com, ep]| {
                cases.iter().map(|c| c.centres(cap, sal, com, ep)).collect()
            })
            .collect();
        Table { weights, centres }
    }

    /// The parameters with the least mean absolute error on `train` (case indices) given the
    /// outcomes; the first in grid order among equals.
    fn fit(&self, cases: &[Prepared], outcomes: &[f64], train: &[usize]) -> (Params, f64) {
        let mut best = (Params::COMPROMISE, f64::INFINITY);
        for (k, &[cap, sal, com, ep]) in self.weights.iter().enumerate() {
            for m in MEDIAN {
                for r in RP {
                    let total: f64 = train
                        .iter()
                        .map(|&i| {
                            let (mean, median) = self.centres[k][i];
                            (blend(mean, median, cases[i].rp, m, r) - outcomes[i]).abs()
                        })
                        .sum();
                    let mae = total / train.len().max(1) as f64;
                    if mae < best.1 {
                        best = (
                            Params {
                                capability: cap,
                                salience: sal,
                                commission: com,
                                parliament: ep,
                                median: m,
                                rp: r,
                            },
                            mae,
                        );
                    }
                }
            }
        }
        best
    }
}

/// Fits `fitted-mean` on the given cases (all of them): the parameters and their in-sample
/// mean absolute error.
pub fn fit(cases: &[Prepared], outcomes: &[f64]) -> (Params, f64) {
    let all: Vec<usize> = (0..cases.len()).collect();
    Table::new(cases).fit(cases, outcomes, &all)
}

/// Assigns each group (proposal) `0..groups` to one of `k` folds: a seeded shuffle dealt out
/// in turn, so fold sizes differ by at most one proposal.
pub fn folds(groups: usize, k: usize, seed: u64) -> Vec<usize> {
    let mut order: Vec<usize> = (0..groups).collect();
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    // A stream of its own, apart from the bootstrap's draws from the same seed.
    rng.set_stream(1);
    order.shuffle(&mut rng);
    let mut fold = vec![0; groups];
    for (position, &g) in order.iter().enumerate() {
        fold[g] = position % k.max(1);
    }
    fold
}

/// Each case's forecast from the parameters fitted on the folds other than its own
/// (`fold_of[i]` in `0..k`), and those parameters for each fold that has cases.
fn out_of_fold(
    table: &Table,
    cases: &[Prepared],
    outcomes: &[f64],
    fold_of: &[usize],
    k: usize,
) -> (Vec<Option<f64>>, Vec<Params>) {
    let mut forecasts = vec![None; cases.len()];
    let mut fold_params = Vec::new();
    for f in 0..k {
        let train: Vec<usize> = (0..cases.len()).filter(|&i| fold_of[i] != f).collect();
        let test: Vec<usize> = (0..cases.len()).filter(|&i| fold_of[i] == f).collect();
        if test.is_empty() {
            continue;
        }
        let (p, _) = table.fit(cases, outcomes, &train);
        for i in test {
            forecasts[i] = Some(forecast(&cases[i], &p));
        }
        fold_params.push(p);
    }
    (forecasts, fold_params)
}

/// The cross-validated score of `fitted-mean`.
#[derive(Debug, Clone, Serialize)]
pub struct CvReport {
    /// Always `fitted-mean`.
    pub model: &'static str,
    /// The number of folds, k.
    pub folds: usize,
    /// Candidate parameter sets searched in each fit ([`GRID_SIZE`]).
    pub grid_size: usize,
    /// Cases with an out-of-fold forecast.
    pub n: usize,
    /// Out-of-fold mean absolute error, in points of the 0..100 scale.
    pub mae: Option<f64>,
    /// Bootstrap percentile interval of the MAE over proposals.
    pub mae_ci: Option<[f64; 2]>,
    /// Out-of-fold median absolute error, in points.
    pub median_ae: Option<f64>,
    /// Share of out-of-fold forecasts within 10 points, 0..1.
    pub within10: Option<f64>,
    /// Share within 20 points, 0..1.
    pub within20: Option<f64>,
    /// Mean of (the out-of-fold error - compromise's) over the paired cases, in points.
    pub diff_vs_compromise: Option<f64>,
    /// Bootstrap percentile interval of that difference.
    pub diff_ci: Option<[f64; 2]>,
    /// compromise's MAE on the same cases.
    pub compromise_mae: Option<f64>,
    /// The parameters fitted on each fold's training part, in fold order.
    pub fold_params: Vec<Params>,
    /// The parameters fitted on the whole file: what would be scored on new data.
    pub full_params: Params,
    /// Their in-sample MAE on the whole file (optimistic by construction; not a score).
    pub full_in_sample_mae: f64,
}

/// k-fold cross-validation of `fitted-mean` over proposals.
pub fn cross_validate(
    dataset: &Dataset,
    weighted: &[Weighted],
    compromise_errors: &[Option<f64>],
    boot: &Bootstrap,
    k: usize,
    seed: u64,
    level: f64,
) -> CvReport {
    let cases: Vec<Prepared> = dataset
        .cases
        .iter()
        .zip(weighted)
        .map(|(c, w)| Prepared::new(w, c.rp))
        .collect();
    let outcomes: Vec<f64> = dataset.cases.iter().map(|c| c.outcome).collect();
    let table = Table::new(&cases);
    let fold_of_group = folds(boot.groups(), k, seed);
    let fold_of: Vec<usize> = boot.group_of().iter().map(|&g| fold_of_group[g]).collect();
    let (forecasts, fold_params) = out_of_fold(&table, &cases, &outcomes, &fold_of, k);
    let oof: Vec<Option<f64>> = forecasts
        .iter()
        .zip(&outcomes)
        .map(|(f, o)| f.map(|f| (f - o).abs()))
        .collect();
    let s = score(&oof, compromise_errors, boot, level);
    let all: Vec<usize> = (0..cases.len()).collect();
    let (full_params, full_in_sample_mae) = table.fit(&cases, &outcomes, &all);
    let compromise: Vec<f64> = compromise_errors.iter().flatten().copied().collect();
    CvReport {
        model: "fitted-mean",
        folds: k,
        grid_size: GRID_SIZE,
        n: s.n,
        mae: s.mae,
        mae_ci: s.mae_ci,
        median_ae: s.median_ae,
        within10: s.within10,
        within20: s.within20,
        diff_vs_compromise: s.diff,
        diff_ci: s.diff_ci,
        compromise_mae: crate::score::mean(&compromise),
        fold_params,
        full_params,
        full_in_sample_mae,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn case(actors: &[(Role, f64, f64, f64)], rp: Option<f64>) -> Prepared {
        Prepared {
            actors: actors.to_vec(),
            rp,
        }
    }

    #[test]
    fn compromise_parameters_give_the_compromise() {
        // Weights 1*0.5, 2*1, 1*0.25 on 10, 40, 100: (5 + 80 + 25) / 2.75 = 40.
        let c = case(
            &[
                (Role::Commission, 1.0, 0.5, 10.0),
                (Role::State, 2.0, 1.0, 40.0),
                (Role::Parliament, 1.0, 0.25, 100.0),
            ],
            Some(0.0),
        );
        assert!((forecast(&c, &Params::COMPROMISE) - 40.0).abs() < 1e-12);
    }

    #[test]
    fn hand_computed_variants() {
        let c = case(
            &[
                (Role::Commission, 1.0, 0.5, 10.0),
                (Role::State, 2.0, 1.0, 40.0),
                (Role::Parliament, 1.0, 0.25, 100.0),
                (Role::State, 1.0, 0.0, 0.0),
            ],
            Some(0.0),
        );
        // Commission x4: weights 2, 2, 0.25 -> (20 + 80 + 25) / 4.25; the zero-salience actor
        // has no weight even with salience exponent 0.
        let p = Params {
            commission: 4.0,
            ..Params::COMPROMISE
        };
        assert!((forecast(&c, &p) - 125.0 / 4.25).abs() < 1e-12);
        // Salience exponent 0, capability exponent 0: plain mean of 10, 40, 100 = 50; half of
        // it pulled to the weighted median (40): 45; then 20 % toward rp = 0: 36.
        let p = Params {
            capability: 0.0,
            salience: 0.0,
            median: 0.5,
            rp: 0.2,
            ..Params::COMPROMISE
        };
        assert!((forecast(&c, &p) - 36.0).abs() < 1e-12);
        // Without a reference point the shrinkage does nothing.
        let c2 = Prepared { rp: None, ..c };
        assert!((forecast(&c2, &p) - 45.0).abs() < 1e-12);
    }

    #[test]
    fn fit_recovers_a_shrinkage_and_prefers_compromise_on_ties() {
        // Two actors at 0 and 100, equal weights: the mean is 50. Outcomes at 40 with rp 0
        // are reached exactly by shrinking 20 % toward rp; no other grid point gets 40.
        let cs: Vec<Prepared> = (0..4)
            .map(|_| {
                case(
                    &[(Role::State, 1.0, 1.0, 0.0), (Role::State, 1.0, 1.0, 100.0)],
                    Some(0.0),
                )
            })
            .collect();
        let (p, mae) = fit(&cs, &[40.0; 4]);
        assert_eq!(p.rp, 0.2);
        assert!(mae.abs() < 1e-12);
        // Outcomes at the mean: compromise's own parameters, first in the grid, win the tie.
        let (p, _) = fit(&cs, &[50.0; 4]);
        assert_eq!(p, Params::COMPROMISE);
    }

    #[test]
    fn folds_split_groups_evenly_and_reproducibly() {
        let f = folds(23, 10, 5);
        assert_eq!(f, folds(23, 10, 5));
        let mut sizes = [0; 10];
        for &k in &f {
            sizes[k] += 1;
        }
        assert!(sizes.iter().all(|&s| s == 2 || s == 3), "{sizes:?}");
        assert_ne!(f, folds(23, 10, 6));
    }

    #[test]
    fn a_fold_is_forecast_without_its_own_outcomes() {
        // Six cases in three folds, spread out so that different outcomes favour different
        // parameters. Moving the outcomes of fold 0 wildly must not move fold 0's forecasts
        // (they come from folds 1 and 2), while it may move the others'.
        let cs: Vec<Prepared> = (0..6)
            .map(|i| {
                let x = 10.0 * i as f64;
                case(
                    &[
                        (Role::Commission, 1.0, 0.9, 100.0 - x),
                        (Role::State, 0.3, 0.2, x),
                        (Role::Parliament, 1.0, 0.5, 50.0),
                        (Role::State, 0.7, 1.0, 0.5 * x),
                    ],
                    Some(x),
                )
            })
            .collect();
        let fold_of = [0, 1, 2, 0, 1, 2];
        let table = Table::new(&cs);
        let outcomes = [20.0, 35.0, 50.0, 60.0, 30.0, 45.0];
        let (a, _) = out_of_fold(&table, &cs, &outcomes, &fold_of, 3);
        let mut moved = outcomes;
        moved[0] = 100.0;
        moved[3] = 0.0;
        let (b, _) = out_of_fold(&table, &cs, &moved, &fold_of, 3);
        assert!(a.iter().all(Option::is_some));
        assert_eq!((a[0], a[3]), (b[0], b[3]));
    }

    #[test]
    fn grid_size_is_the_product() {
        assert_eq!(GRID_SIZE, 3 * 4 * 5 * 5 * 3 * 4);
    }
}
