use super::{ModelError, ModelInfo, PerIssue};
use crate::scenario::{Scenario, Stake};

/// The weighted median: on one dimension, the position no weighted majority would leave.
pub struct Median;

static INFO: ModelInfo = ModelInfo {
    name: "median",
    summary: "weighted median of positions (weights capability x salience): the Condorcet winner on one dimension",
    source: "Black (1948), J. Political Economy 56(1); weighted as in Achen (2006)",
    dynamic: false,
};

impl PerIssue for Median {
    fn info(&self) -> &'static ModelInfo {
        &INFO
    }

    fn solve(&self, _: &Scenario, _: usize, stakes: &[Stake]) -> Result<f64, ModelError> {
        let w = super::stake_weights(stakes);
        Ok(weighted_median(stakes.iter().map(|s| s.position).zip(w)))
    }
}

/// The position at which neither side holds more than half the weight. When the weight splits
/// exactly in half between two positions, every point between them is a median and the
/// midpoint is returned. Zero weights are ignored; NaN when the total weight is 0.
pub fn weighted_median(points: impl IntoIterator<Item = (f64, f64)>) -> f64 {
    let mut pts: Vec<(f64, f64)> = points.into_iter().filter(|p| p.1 > 0.0).collect();
    // A power of two brings the largest weight into 1..2, so that the total of weights near
    // the f64 limit stays finite; exact, so ordinary weights compare as before, bit for bit.
    let sw = super::num::scale_for(pts.iter().map(|p| p.1).fold(0.0, f64::max));
    pts.iter_mut().for_each(|p| p.1 *= sw);
    pts.sort_by(|a, b| a.0.total_cmp(&b.0));
    // Merge equal positions so that ties do not depend on the order of actors.
    let mut merged: Vec<(f64, f64)> = Vec::with_capacity(pts.len());
    for (x, w) in pts {
        match merged.last_mut() {
            Some(last) if last.0 == x => last.1 += w,
            _ => merged.push((x, w)),
        }
    }
    let total: f64 = merged.iter().map(|p| p.1).sum();
    if total <= 0.0 {
        return f64::NAN;
    }
    let half = 0.5 * total;
    // A relative tolerance keeps an exact half split stable under rescaling of the weights.
    let eps = 1e-12 * total;
    let mut cum = 0.0;
    for (k, &(x, w)) in merged.iter().enumerate() {
        cum += w;
        if cum >= half - eps {
            if (cum - half).abs() <= eps && k + 1 < merged.len() {
                let next = merged[k + 1].0;
                // Halves first: the sum of two positions near the f64 limit would overflow.
                return (x / 2.0 + next / 2.0).clamp(x, next);
            }
            return x;
        }
    }
    merged.last().map_or(f64::NAN, |p| p.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hand_computed() {
        // Weights 1, 1, 3: the heavy actor alone holds a majority.
        assert_eq!(
            weighted_median([(0.0, 1.0), (50.0, 1.0), (90.0, 3.0)]),
            90.0
        );
        // 2 | 1 | 2: the middle position splits the weight.
        assert_eq!(
            weighted_median([(0.0, 2.0), (50.0, 1.0), (90.0, 2.0)]),
            50.0
        );
        // Exact half split between two positions: the midpoint.
        assert_eq!(weighted_median([(4.0, 0.5), (10.0, 0.5)]), 7.0);
        // Equal positions pool their weight.
        assert_eq!(
            weighted_median([(10.0, 1.0), (0.0, 1.5), (10.0, 1.0)]),
            10.0
        );
    }

    #[test]
    fn weights_near_the_f64_limit() {
        // 0.9 + 0.9 + 0.9 e308 overflows unscaled: the half would be infinite.
        let m = 0.9 * f64::MAX;
        assert_eq!(weighted_median([(0.0, m), (50.0, m), (90.0, m)]), 50.0);
        assert_eq!(weighted_median([(4.0, m), (10.0, m)]), 7.0);
    }
}
