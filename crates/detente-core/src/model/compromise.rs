use super::{ModelError, ModelInfo, PerIssue};
use crate::scenario::{Scenario, Stake};

/// The compromise model: the mean of positions weighted by capability times salience.
pub struct Compromise;

static INFO: ModelInfo = ModelInfo {
    name: "compromise",
    summary: "mean of positions weighted by capability x salience",
    source: "Achen (2006), in Thomson et al., The European Union Decides; van den Bos (1991)",
    dynamic: false,
};

impl PerIssue for Compromise {
    fn info(&self) -> &'static ModelInfo {
        &INFO
    }

    fn solve(&self, _: &Scenario, _: usize, stakes: &[Stake]) -> Result<f64, ModelError> {
        let w = super::stake_weights(stakes);
        Ok(weighted_mean(stakes.iter().map(|s| s.position).zip(w)))
    }
}

/// sum(w x) / sum(w), clamped into the range of the positions so that rounding can never
/// carry it outside. NaN when the total weight is 0.
///
/// Weights and positions are first multiplied by powers of two that bring the largest of each
/// into 1..2 (see [`super::num`]): exact, so ordinary inputs give the very bits of the plain
/// formula, while weights or positions near the f64 limits no longer overflow the sums.
pub fn weighted_mean<I>(points: I) -> f64
where
    I: IntoIterator<Item = (f64, f64)>,
    I::IntoIter: Clone,
{
    let points = points.into_iter();
    let (mut wmax, mut xmax) = (0.0f64, 0.0f64);
    for (x, w) in points.clone() {
        if w > 0.0 {
            wmax = wmax.max(w);
            xmax = xmax.max(x.abs());
        }
    }
    let (sw, sx) = (super::num::scale_for(wmax), super::num::scale_for(xmax));
    let (mut num, mut den) = (0.0, 0.0);
    let (mut lo, mut hi) = (f64::INFINITY, f64::NEG_INFINITY);
    for (x, w) in points {
        if w > 0.0 {
            let w = w * sw;
            num += w * (x * sx);
            den += w;
            lo = lo.min(x);
            hi = hi.max(x);
        }
    }
    if den > 0.0 {
        (num / den / sx).clamp(lo, hi)
    } else {
        f64::NAN
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hand_computed() {
        // (0.5*10 + 1*40 + 0.25*100) / 1.75 = 70 / 1.75 = 40
        assert_eq!(
            weighted_mean([(10.0, 0.5), (40.0, 1.0), (100.0, 0.25)]),
            40.0
        );
        // Zero weights are ignored.
        assert_eq!(weighted_mean([(10.0, 0.0), (40.0, 2.0)]), 40.0);
        assert!(weighted_mean([(10.0, 0.0)]).is_nan());
    }

    #[test]
    fn extreme_weights_and_positions() {
        // (10*0.5 + 90*0.8) / 1.3 = 77 / 1.3 = 59.2307..., whatever the common factor.
        let want = 77.0 / 1.3;
        for c in [1e308, f64::MAX, 1.0, 1e-300] {
            let got = weighted_mean([(10.0, c * 0.5), (90.0, c * 0.8)]);
            assert!((got - want).abs() < 1e-12, "capability {c}: {got}");
        }
        // Positions near the f64 limit: (-1.6 + 1.2 + 0.3) / 2.1 e308.
        let got = weighted_mean([(-1.6e308, 1.0), (1.5e308, 0.8), (1e308, 0.3)]);
        assert!((got / (-0.1e308 / 2.1) - 1.0).abs() < 1e-12, "{got}");
    }
}
