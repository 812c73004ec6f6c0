//! Cease-fires in civil wars (Fortna): P(war resumes within 12, 24 and 60 months), with and
//! without peacekeepers, and two baselines scored out of sample by conflict.
//!
//! The probabilities are Kaplan-Meier estimates, 1 - S(h), from `peace_days` (days from the
//! cease-fire to renewed war, or to the end of observation) and `failed`, so that a cease-fire
//! observed for less than h without failing still counts while it is observed (Fortna's
//! `morewar1/2/5` would instead drop nothing and count a short-observed peace as held). A
//! month is 365.25 / 12 days; a failure and a censoring on the same day: the failure first.
//! Peacekeeping is `pk_any` (peacekeepers present in any spell); within `pcw = 1` it is the
//! same as Fortna's time-constant `pk_dumC`.
//!
//! Cease-fires of one conflict (`cluster`) are not independent: the bootstrap resamples whole
//! conflicts, and the cross-validation puts a conflict's cease-fires in one fold.
//!
//! Baselines, fitted on the training conflicts: `km-pooled` (one Kaplan-Meier curve) and
//! `km-peacekeeping` (one curve with, one without peacekeepers). Each forecasts P(failed by h)
//! for a held-out cease-fire; the score is the Brier score at each horizon over the
//! cease-fires whose status at h is known (failed by h, or observed beyond h).

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde::Serialize;

use super::data::CeasefireRow;

/// The horizons, in months.
pub const HORIZONS: [u32; 3] = [12, 24, 60];

/// Days in `months` months.
pub fn days(months: u32) -> f64 {
    f64::from(months) * 365.25 / 12.0
}

/// 1 - S(h) of the Kaplan-Meier estimate from weighted (time, failed, weight) triples, for
/// each horizon in days; `None` where nothing is at risk from the start.
pub fn km_failure(data: &[(f64, bool, f64)], horizons: &[f64]) -> Vec<Option<f64>> {
    let total: f64 = data.iter().map(|d| d.2).sum();
    if total <= 0.0 {
        return vec![None; horizons.len()];
    }
    let mut v: Vec<(f64, bool, f64)> = data.to_vec();
    // By time; at one time, failures before censorings.
    v.sort_by(|a, b| a.0.total_cmp(&b.0).then(b.1.cmp(&a.1)));
    let mut at_risk = total;
    let mut s = 1.0;
    let mut curve: Vec<(f64, f64)> = Vec::new();
    let mut i = 0;
    while i < v.len() {
        let t = v[i].0;
        let (mut d, mut c) = (0.0, 0.0);
        while i < v.len() && v[i].0 == t {
            if v[i].1 {
                d += v[i].2;
            } else {
                c += v[i].2;
            }
            i += 1;
        }
        if d > 0.0 && at_risk > 0.0 {
            s *= 1.0 - d / at_risk;
            curve.push((t, s));
        }
        at_risk -= d + c;
    }
    horizons
        .iter()
        .map(|&h| {
            let s_h = curve
                .iter()
                .take_while(|(t, _)| *t <= h)
                .last()
                .map_or(1.0, |p| p.1);
            Some(1.0 - s_h)
        })
        .collect()
}

/// A group of cease-fires.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Group {
    /// Every cease-fire.
    All,
    /// All, with peacekeepers.
    AllPk,
    /// All, without.
    AllNoPk,
    /// After the Cold War (pcw = 1).
    Pcw,
    /// pcw = 1 with peacekeepers.
    PcwPk,
    /// pcw = 1 without.
    PcwNoPk,
}

impl Group {
    /// The groups, in the order tables list them.
    pub const ALL: [Group; 6] = [
        Group::All,
        Group::AllPk,
        Group::AllNoPk,
        Group::Pcw,
        Group::PcwPk,
        Group::PcwNoPk,
    ];

    /// Its label in tables.
    pub fn label(self) -> &'static str {
        match self {
            Group::All => "all",
            Group::AllPk => "all, peacekeeping",
            Group::AllNoPk => "all, no peacekeeping",
            Group::Pcw => "pcw=1",
            Group::PcwPk => "pcw=1, peacekeeping",
            Group::PcwNoPk => "pcw=1, no peacekeeping",
        }
    }

    fn keeps(self, r: &CeasefireRow) -> bool {
        match self {
            Group::All => true,
            Group::AllPk => r.pk_any,
            Group::AllNoPk => !r.pk_any,
            Group::Pcw => r.pcw,
            Group::PcwPk => r.pcw && r.pk_any,
            Group::PcwNoPk => r.pcw && !r.pk_any,
        }
    }
}

/// The Kaplan-Meier estimates of one group with cluster-bootstrap intervals.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GroupEstimate {
    /// Which cease-fires.
    pub group: Group,
    /// Cease-fires in it.
    pub n: usize,
    /// Of them, failed.
    pub failed: usize,
    /// Conflicts in it.
    pub conflicts: usize,
    /// P(war resumes within h), one per horizon of [`HORIZONS`].
    pub p: Vec<Option<f64>>,
    /// Their percentile intervals from resampled conflicts.
    pub ci: Vec<Option<[f64; 2]>>,
}

/// Conflicts numbered in order of first appearance, and each row's conflict.
fn clusters(rows: &[CeasefireRow]) -> (usize, Vec<usize>) {
    let mut names: Vec<&str> = Vec::new();
    let of = rows
        .iter()
        .map(|r| {
            names
                .iter()
                .position(|n| *n == r.cluster)
                .unwrap_or_else(|| {
                    names.push(&r.cluster);
                    names.len() - 1
                })
        })
        .collect();
    (names.len(), of)
}

/// For each resample, how often each conflict was drawn (stream 2 of the seed).
fn resamples(conflicts: usize, n: usize, seed: u64) -> Vec<Vec<f64>> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    rng.set_stream(2);
    (0..n)
        .map(|_| {
            let mut c = vec![0.0; conflicts];
            for _ in 0..conflicts {
                c[rng.random_range(0..conflicts)] += 1.0;
            }
            c
        })
        .collect()
}

fn percentile(mut v: Vec<f64>, level: f64) -> Option<[f64; 2]> {
    v.sort_by(f64::total_cmp);
    let tail = (1.0 - level) / 2.0;
    Some([
        detente_core::stats::quantile(&v, tail)?,
        detente_core::stats::quantile(&v, 1.0 - tail)?,
    ])
}

/// The estimates of every group, with intervals from `n_boot` resamples of conflicts.
pub fn estimates(
    rows: &[CeasefireRow],
    n_boot: usize,
    seed: u64,
    level: f64,
) -> Vec<GroupEstimate> {
    let (conflicts, of) = clusters(rows);
    let boots = resamples(conflicts, n_boot, seed);
    let hs: Vec<f64> = HORIZONS.iter().map(|&m| days(m)).collect();
    Group::ALL
        .iter()
        .map(|&g| {
            let idx: Vec<usize> = (0..rows.len()).filter(|&i| g.keeps(&rows[i])).collect();
            let data = |w: &dyn Fn(usize) -> f64| -> Vec<(f64, bool, f64)> {
                idx.iter()
                    .map(|&i| (rows[i].peace_days, rows[i].failed, w(of[i])))
                    .collect()
            };
            let p = km_failure(&data(&|_| 1.0), &hs);
            let mut draws: Vec<Vec<f64>> = vec![Vec::new(); hs.len()];
            for b in &boots {
                for (h, v) in km_failure(&data(&|c| b[c]), &hs).into_iter().enumerate() {
                    if let Some(v) = v {
                        draws[h].push(v);
                    }
                }
            }
            let mut seen: Vec<usize> = idx.iter().map(|&i| of[i]).collect();
            seen.sort_unstable();
            seen.dedup();
            GroupEstimate {
                group: g,
                n: idx.len(),
                failed: idx.iter().filter(|&&i| rows[i].failed).count(),
                conflicts: seen.len(),
                p,
                ci: draws.into_iter().map(|d| percentile(d, level)).collect(),
            }
        })
        .collect()
}

/// The out-of-fold Brier scores of the two baselines at one horizon.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct HorizonScore {
    /// Months.
    pub months: u32,
    /// Cease-fires whose status at the horizon is known.
    pub n: usize,
    /// Mean Brier score of `km-pooled`.
    pub pooled: Option<f64>,
    /// Mean Brier score of `km-peacekeeping`.
    pub by_pk: Option<f64>,
    /// by_pk - pooled (negative: peacekeeping helps forecast).
    pub diff: Option<f64>,
    /// Its percentile interval from resampled conflicts.
    pub diff_ci: Option<[f64; 2]>,
}

/// Out-of-fold scores of the baselines, folds by conflict.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CeasefireCv {
    /// Folds used (conflicts if fewer).
    pub folds: usize,
    /// Conflicts.
    pub conflicts: usize,
    /// One per horizon.
    pub horizons: Vec<HorizonScore>,
}

/// k-fold cross-validation by conflict of `km-pooled` and `km-peacekeeping`.
pub fn cross_validate(
    rows: &[CeasefireRow],
    k: usize,
    n_boot: usize,
    seed: u64,
    level: f64,
) -> CeasefireCv {
    let (conflicts, of) = clusters(rows);
    let fold_of_conflict = super::cv::folds(conflicts, k, seed);
    let k = super::cv::effective_folds(conflicts, k);
    let hs: Vec<f64> = HORIZONS.iter().map(|&m| days(m)).collect();
    // forecasts[i] = (pooled, by_pk) per horizon.
    let mut pooled = vec![vec![None; hs.len()]; rows.len()];
    let mut by_pk = vec![vec![None; hs.len()]; rows.len()];
    for fold in 0..k {
        let train: Vec<&CeasefireRow> = rows
            .iter()
            .zip(&of)
            .filter(|(_, c)| fold_of_conflict[**c] != fold)
            .map(|(r, _)| r)
            .collect();
        let curve = |keep: &dyn Fn(&CeasefireRow) -> bool| {
            let d: Vec<(f64, bool, f64)> = train
                .iter()
                .filter(|r| keep(r))
                .map(|r| (r.peace_days, r.failed, 1.0))
                .collect();
            km_failure(&d, &hs)
        };
        let all = curve(&|_| true);
        let with = curve(&|r| r.pk_any);
        let without = curve(&|r| !r.pk_any);
        for i in (0..rows.len()).filter(|&i| fold_of_conflict[of[i]] == fold) {
            pooled[i] = all.clone();
            let own = if rows[i].pk_any { &with } else { &without };
            // A group absent from the training folds: the pooled curve.
            by_pk[i] = own.iter().zip(&all).map(|(o, a)| o.or(*a)).collect();
        }
    }
    let boots = resamples(conflicts, n_boot, seed);
    let horizons = hs
        .iter()
        .enumerate()
        .map(|(h, &t)| {
            // Status at t: failed by t (1), observed past t (0), censored before t (unknown).
            let status: Vec<Option<f64>> = rows
                .iter()
                .map(|r| {
                    if r.failed && r.peace_days <= t {
                        Some(1.0)
                    } else if r.peace_days >= t {
                        Some(0.0)
                    } else {
                        None
                    }
                })
                .collect();
            let brier = |f: &Vec<Vec<Option<f64>>>, i: usize| -> Option<f64> {
                Some((f[i][h]? - status[i]?).powi(2))
            };
            let pairs: Vec<(usize, f64, f64)> = (0..rows.len())
                .filter_map(|i| Some((i, brier(&pooled, i)?, brier(&by_pk, i)?)))
                .collect();
            let n = pairs.len();
            let mean = |g: &dyn Fn(&(usize, f64, f64)) -> f64| -> Option<f64> {
                (n > 0).then(|| pairs.iter().map(g).sum::<f64>() / n as f64)
            };
            let (p, q) = (mean(&|x| x.1), mean(&|x| x.2));
            let draws: Vec<f64> = boots
                .iter()
                .filter_map(|b| {
                    let (mut s, mut w) = (0.0, 0.0);
                    for &(i, a, c) in &pairs {
                        let m = b[of[i]];
                        s += m * (c - a);
                        w += m;
                    }
                    (w > 0.0).then(|| s / w)
                })
                .collect();
            HorizonScore {
                months: HORIZONS[h],
                n,
                pooled: p,
                by_pk: q,
                diff: q.zip(p).map(|(q, p)| q - p),
                diff_ci: percentile(draws, level),
            }
        })
        .collect();
    CeasefireCv {
        folds: k,
        conflicts,
        horizons,
    }
}

#[cfg(test)]
mod tests {
    use super::super::data::parse_ceasefires;
    use super::*;

    #[test]
    fn kaplan_meier_by_hand() {
        // Times 100 (fail), 200 (censored), 300 (fail), 400 (fail), 500 (censored).
        // S(100) = 4/5; at 300, 3 at risk: S = 4/5 * 2/3 = 8/15; at 400, 2 at risk:
        // S = 8/15 * 1/2 = 4/15.
        let d = [
            (100.0, true, 1.0),
            (200.0, false, 1.0),
            (300.0, true, 1.0),
            (400.0, true, 1.0),
            (500.0, false, 1.0),
        ];
        let p = km_failure(&d, &[50.0, 100.0, 350.0, 1000.0]);
        let want = [0.0, 0.2, 1.0 - 8.0 / 15.0, 1.0 - 4.0 / 15.0];
        for (a, b) in p.iter().zip(want) {
            assert!((a.unwrap() - b).abs() < 1e-12, "{p:?}");
        }
        // A failure and a censoring on one day: the failure sees both at risk.
        let t = km_failure(&[(10.0, false, 1.0), (10.0, true, 1.0)], &[10.0]);
        assert_eq!(t, [Some(0.5)]);
        // Weights count as copies.
        let w = km_failure(&[(1.0, true, 2.0), (5.0, false, 2.0)], &[2.0]);
        assert_eq!(w, [Some(0.5)]);
        assert_eq!(km_failure(&[], &[1.0]), [None]);
    }

    /// Conflict A: two cease-fires with peacekeepers, one failing at 200 days, one holding
    /// (observed 3000 days). Conflict B: without, failing at 100 and at 1000 days. Conflict C:
    /// without, censored at 500 days (short observation).
    const CF: &str = "id,cluster,failed,peace_days,pcw,pk_any\n\
        1,A,1,200,1,1\n2,A,0,3000,1,1\n3,B,1,100,1,0\n4,B,1,1000,1,0\n5,C,0,500,0,0\n";

    #[test]
    fn groups_by_hand() {
        let rows = parse_ceasefires(CF).unwrap();
        let e = estimates(&rows, 50, 1, 0.95);
        let pk = e.iter().find(|g| g.group == Group::PcwPk).unwrap();
        // With: 1 of 2 fail at 200 days: 0.5 at 12, 24 and 60 months.
        assert_eq!(pk.p, [Some(0.5), Some(0.5), Some(0.5)]);
        assert_eq!((pk.n, pk.failed, pk.conflicts), (2, 1, 1));
        let no = e.iter().find(|g| g.group == Group::AllNoPk).unwrap();
        // Without (all): 100 fail (3 at risk) -> S = 2/3; 500 censored; 1000 fail (1 at
        // risk) -> S = 0. So 1/3 at 12 months (365 d) and 24 months (730 d), 1 at 60.
        let want = [1.0 / 3.0, 1.0 / 3.0, 1.0];
        for (a, b) in no.p.iter().zip(want) {
            assert!((a.unwrap() - b).abs() < 1e-12, "{:?}", no.p);
        }
        // Resampling one conflict (A) can only give 0.5: the interval has no width.
        assert_eq!(pk.ci[0], Some([0.5, 0.5]));
    }

    #[test]
    fn folds_keep_a_conflict_together() {
        let rows = parse_ceasefires(CF).unwrap();
        // Three conflicts, three folds: each conflict is forecast from the other two.
        let cv = cross_validate(&rows, 3, 20, 0, 0.95);
        assert_eq!((cv.folds, cv.conflicts), (3, 3));
        // At 12 months, C (censored at 500 days) is known: not failed. All five are known.
        assert_eq!(cv.horizons[0].n, 5);
        // At 60 months C is unknown.
        assert_eq!(cv.horizons[2].n, 4);
        assert!(cv.horizons.iter().all(|h| h.pooled.is_some()));
    }
}
