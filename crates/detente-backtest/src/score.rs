//! Scores of forecasts against outcomes, and the bootstrap over proposals.
//!
//! Errors are absolute differences on DEU's 0..100 scale. The bootstrap resamples proposals
//! (clusters) with replacement, not issues, because the issues of one proposal are decided
//! together and their errors are correlated (Efron & Tibshirani 1993, *An Introduction to the
//! Bootstrap*, ch. 13, percentile intervals; Field & Welsh 2007, JRSS B 69(3), on resampling
//! clusters). Every forecaster is scored on the same resamples, so that paired differences are
//! paired within each resample too.

use detente_core::stats::quantile;
use rand::Rng;
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

/// The mean; `None` for no values.
pub fn mean(xs: &[f64]) -> Option<f64> {
    (!xs.is_empty()).then(|| xs.iter().sum::<f64>() / xs.len() as f64)
}

/// The median (the mean of the two middle values for an even count); `None` for no values.
pub fn median(xs: &[f64]) -> Option<f64> {
    let mut v = xs.to_vec();
    v.sort_by(f64::total_cmp);
    let n = v.len();
    match n {
        0 => None,
        _ if n % 2 == 1 => Some(v[n / 2]),
        _ => Some(0.5 * (v[n / 2 - 1] + v[n / 2])),
    }
}

/// The share of values at most `limit`; `None` for no values.
pub fn share_within(xs: &[f64], limit: f64) -> Option<f64> {
    (!xs.is_empty()).then(|| xs.iter().filter(|&&x| x <= limit).count() as f64 / xs.len() as f64)
}

/// Groups of cases (proposals) and bootstrap resamples of them.
#[derive(Debug, Clone)]
pub struct Bootstrap {
    /// For each case, its group index.
    group_of: Vec<usize>,
    groups: usize,
    /// For each resample, how many times each group was drawn.
    counts: Vec<Vec<u32>>,
}

impl Bootstrap {
    /// `labels[i]` names case i's group; groups are numbered in order of first appearance.
    /// Draws `resamples` resamples of as many groups as there are, with replacement, from
    /// `ChaCha8Rng::seed_from_u64(seed)`.
    pub fn new<S: AsRef<str>>(labels: &[S], resamples: usize, seed: u64) -> Bootstrap {
        let mut names: Vec<&str> = Vec::new();
        let group_of: Vec<usize> = labels
            .iter()
            .map(|l| {
                let l = l.as_ref();
                names.iter().position(|n| *n == l).unwrap_or_else(|| {
                    names.push(l);
                    names.len() - 1
                })
            })
            .collect();
        let groups = names.len();
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        let counts = (0..resamples)
            .map(|_| {
                let mut c = vec![0u32; groups];
                for _ in 0..groups {
                    c[rng.random_range(0..groups)] += 1;
                }
                c
            })
            .collect();
        Bootstrap {
            group_of,
            groups,
            counts,
        }
    }

    /// The number of groups (proposals).
    pub fn groups(&self) -> usize {
        self.groups
    }

    /// The number of resamples drawn.
    pub fn resamples(&self) -> usize {
        self.counts.len()
    }

    /// The group index of each case.
    pub fn group_of(&self) -> &[usize] {
        &self.group_of
    }

    /// The mean of `values` (one per case, `None` where a case has none) in every resample:
    /// each drawn group contributes all its values, as often as it was drawn. Resamples that
    /// draw no value are skipped.
    pub fn means(&self, values: &[Option<f64>]) -> Vec<f64> {
        assert_eq!(values.len(), self.group_of.len(), "one value per case");
        let mut sum = vec![0.0; self.groups];
        let mut n = vec![0.0; self.groups];
        for (v, &g) in values.iter().zip(&self.group_of) {
            if let Some(v) = v {
                sum[g] += v;
                n[g] += 1.0;
            }
        }
        self.counts
            .iter()
            .filter_map(|c| {
                let (mut s, mut k) = (0.0, 0.0);
                for g in 0..self.groups {
                    let w = f64::from(c[g]);
                    s += w * sum[g];
                    k += w * n[g];
                }
                (k > 0.0).then(|| s / k)
            })
            .collect()
    }

    /// The central `level` percentile interval of the resampled means of `values`.
    pub fn interval(&self, values: &[Option<f64>], level: f64) -> Option<[f64; 2]> {
        let mut m = self.means(values);
        m.sort_by(f64::total_cmp);
        let tail = (1.0 - level) / 2.0;
        Some([quantile(&m, tail)?, quantile(&m, 1.0 - tail)?])
    }
}

/// The scores of one forecaster.
#[derive(Debug, Clone, PartialEq)]
pub struct Scores {
    /// Cases with a forecast.
    pub n: usize,
    /// Mean absolute error, in points; `None` with no forecast.
    pub mae: Option<f64>,
    /// Bootstrap percentile interval of the MAE over groups.
    pub mae_ci: Option<[f64; 2]>,
    /// Median absolute error, in points.
    pub median_ae: Option<f64>,
    /// Share of errors at most 10 points, 0..1.
    pub within10: Option<f64>,
    /// Share of errors at most 20 points, 0..1.
    pub within20: Option<f64>,
    /// Mean of (this error - the baseline's error) over the cases both forecast.
    pub diff: Option<f64>,
    /// Bootstrap percentile interval of `diff`, on the same resamples.
    pub diff_ci: Option<[f64; 2]>,
    /// Cases both this forecaster and the baseline forecast.
    pub n_paired: usize,
}

/// Scores absolute `errors` (one per case, `None` where there is no forecast) against the
/// `baseline`'s errors on the same cases.
pub fn score(
    errors: &[Option<f64>],
    baseline: &[Option<f64>],
    boot: &Bootstrap,
    level: f64,
) -> Scores {
    let have: Vec<f64> = errors.iter().flatten().copied().collect();
    let diffs: Vec<Option<f64>> = errors
        .iter()
        .zip(baseline)
        .map(|(e, b)| Some(e.as_ref()? - b.as_ref()?))
        .collect();
    let paired: Vec<f64> = diffs.iter().flatten().copied().collect();
    Scores {
        n: have.len(),
        mae: mean(&have),
        mae_ci: boot.interval(errors, level),
        median_ae: median(&have),
        within10: share_within(&have, 10.0),
        within20: share_within(&have, 20.0),
        diff: mean(&paired),
        diff_ci: boot.interval(&diffs, level),
        n_paired: paired.len(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hand_computed_summaries() {
        // Errors 0, 5, 10, 20, 40: mean 75/5 = 15, median 10; within 10: 3 of 5; within 20: 4.
        let e = [0.0, 5.0, 10.0, 20.0, 40.0];
        assert_eq!(mean(&e), Some(15.0));
        assert_eq!(median(&e), Some(10.0));
        assert_eq!(share_within(&e, 10.0), Some(0.6));
        assert_eq!(share_within(&e, 20.0), Some(0.8));
        // Even count: the two middle values 5 and 10 average to 7.5.
        assert_eq!(median(&[10.0, 0.0, 5.0, 40.0]), Some(7.5));
        assert_eq!(mean(&[]), None);
        assert_eq!(median(&[]), None);
        // Type 7: h = 3 * 0.5 = 1.5, halfway between 5 and 10.
        assert_eq!(quantile(&[0.0, 5.0, 10.0, 40.0], 0.5), Some(7.5));
        assert_eq!(quantile(&[0.0, 5.0, 10.0, 40.0], 1.0), Some(40.0));
        assert_eq!(quantile(&[3.0], 0.025), Some(3.0));
    }

    #[test]
    fn resamples_draw_whole_proposals() {
        // Proposal a has errors 10 and 30 (sum 40, 2 issues), b has 0 (1 issue). A resample
        // that draws a twice gives (40 + 40) / 4 = 20; a and b: 40 / 3; b twice: 0. So every
        // resampled mean is one of these, never e.g. the mean of a single issue of a (10).
        let boot = Bootstrap::new(&["a", "b", "a"], 200, 7);
        assert_eq!(boot.groups(), 2);
        assert_eq!(boot.group_of(), [0, 1, 0]);
        let means = boot.means(&[Some(10.0), Some(0.0), Some(30.0)]);
        assert_eq!(means.len(), 200);
        let allowed = [20.0, 40.0 / 3.0, 0.0];
        assert!(means.iter().all(|m| allowed.contains(m)), "{means:?}");
        // All three outcomes occur (each has probability 1/4, 1/2, 1/4).
        for a in allowed {
            assert!(means.contains(&a), "{a} never drawn");
        }
    }

    #[test]
    fn missing_values_and_empty_resamples() {
        // Only proposal b has a value; resamples that miss b are skipped.
        let boot = Bootstrap::new(&["a", "b"], 100, 1);
        let means = boot.means(&[None, Some(4.0)]);
        assert!(!means.is_empty() && means.len() < 100);
        assert!(means.iter().all(|&m| m == 4.0));
        assert_eq!(boot.interval(&[None, None], 0.95), None);
    }

    #[test]
    fn seeded_and_paired() {
        let labels = ["p1", "p1", "p2", "p3", "p3", "p4"];
        let a = Bootstrap::new(&labels, 50, 42);
        let b = Bootstrap::new(&labels, 50, 42);
        let e = [
            Some(1.0),
            Some(2.0),
            Some(3.0),
            Some(4.0),
            Some(5.0),
            Some(6.0),
        ];
        assert_eq!(a.means(&e), b.means(&e));
        assert_ne!(a.means(&e), Bootstrap::new(&labels, 50, 43).means(&e));
        // A forecaster always 2 points worse than the baseline: the paired difference is 2 in
        // every resample, so its interval has no width at all.
        let base = [
            Some(1.0),
            Some(0.0),
            Some(3.0),
            Some(0.5),
            Some(5.0),
            Some(2.0),
        ];
        let worse: Vec<Option<f64>> = base.iter().map(|b| b.map(|x| x + 2.0)).collect();
        let s = score(&worse, &base, &a, 0.95);
        assert_eq!(s.diff, Some(2.0));
        assert_eq!(s.diff_ci, Some([2.0, 2.0]));
        assert_eq!(s.n_paired, 6);
        // mean of 3, 2, 5, 2.5, 7, 4 = 23.5 / 6.
        assert!((s.mae.unwrap() - 23.5 / 6.0).abs() < 1e-12);
        // The MAE interval lies within the smallest and largest error.
        let [lo, hi] = s.mae_ci.unwrap();
        assert!(2.0 <= lo && lo <= hi && hi <= 7.0, "{lo} {hi}");
    }

    #[test]
    fn paired_difference_uses_common_cases_only() {
        let boot = Bootstrap::new(&["a", "b", "c"], 10, 0);
        let s = score(
            &[Some(10.0), None, Some(30.0)],
            &[Some(4.0), Some(100.0), None],
            &boot,
            0.95,
        );
        assert_eq!((s.n, s.n_paired), (2, 1));
        assert_eq!(s.mae, Some(20.0));
        assert_eq!(s.diff, Some(6.0));
    }
}
