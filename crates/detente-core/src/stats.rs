//! Weighted statistics and order statistics, shared by the models, blocs and the crates above.
//!
//! A leaf: it uses nothing else of the crate, so that models and [`crate::bloc`] can both use
//! it without depending on each other.

pub mod num;

/// sum(w x) / sum(w), clamped into the range of the positions so that rounding can never
/// carry it outside. NaN when the total weight is 0.
///
/// Weights and positions are first multiplied by powers of two that bring the largest of each
/// into 1..2 (see [`num`]): exact, so ordinary inputs give the very bits of the plain
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
    let (sw, sx) = (num::scale_for(wmax), num::scale_for(xmax));
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

/// The position at which neither side holds more than half the weight. When the weight splits
/// exactly in half between two positions, every point between them is a median and the
/// midpoint is returned. Zero weights are ignored; NaN when the total weight is 0.
pub fn weighted_median(points: impl IntoIterator<Item = (f64, f64)>) -> f64 {
    let mut pts: Vec<(f64, f64)> = points.into_iter().filter(|p| p.1 > 0.0).collect();
    // A power of two brings the largest weight into 1..2, so that the total of weights near
    // the f64 limit stays finite; exact, so ordinary weights compare as before, bit for bit.
    let sw = num::scale_for(pts.iter().map(|p| p.1).fold(0.0, f64::max));
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

/// The `p` quantile of `sorted` values (ascending) by linear interpolation between order
/// statistics (Hyndman & Fan 1996, definition 7, R's default); `p` is clamped into 0..=1.
/// `None` for no values.
///
/// When `p` falls exactly on an order statistic, only that value is read: its neighbour,
/// weighted 0, could be infinite (or its difference overflow) and make 0 x inf = NaN.
pub fn quantile(sorted: &[f64], p: f64) -> Option<f64> {
    let n = sorted.len();
    if n == 0 {
        return None;
    }
    let h = (n - 1) as f64 * p.clamp(0.0, 1.0);
    let lo = h.floor() as usize;
    let hi = (h.ceil() as usize).min(n - 1);
    Some(sorted[lo] + (h - lo as f64) * (sorted[hi] - sorted[lo]))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mean_hand_computed() {
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
    fn mean_extreme_weights_and_positions() {
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

    #[test]
    fn median_hand_computed() {
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
    fn median_weights_near_the_f64_limit() {
        // 0.9 + 0.9 + 0.9 e308 overflows unscaled: the half would be infinite.
        let m = 0.9 * f64::MAX;
        assert_eq!(weighted_median([(0.0, m), (50.0, m), (90.0, m)]), 50.0);
        assert_eq!(weighted_median([(4.0, m), (10.0, m)]), 7.0);
    }

    #[test]
    fn quantile_type_7() {
        assert_eq!(quantile(&[0.0, 5.0, 10.0, 40.0], 0.5), Some(7.5));
        assert_eq!(quantile(&[0.0, 5.0, 10.0, 40.0], 1.0), Some(40.0));
        assert_eq!(quantile(&[0.0, 5.0, 10.0, 40.0], 2.0), Some(40.0));
        assert_eq!(quantile(&[3.0], 0.025), Some(3.0));
        assert_eq!(quantile(&[], 0.5), None);
        // On an order statistic, an infinite neighbour weighted 0 is not read.
        assert_eq!(quantile(&[1.0, 2.0, f64::INFINITY], 0.5), Some(2.0));
    }

    /// The copies this one replaced (backtest's score, explore's summary and sensitivity
    /// intervals) read `sorted[lo + 1]` or `sorted[ceil(h)]`: the forms give the same bits
    /// unless a difference of neighbours is infinite.
    #[test]
    fn quantile_is_bit_identical_to_the_copies_it_replaced() {
        fn next_index(sorted: &[f64], q: f64) -> f64 {
            let h = (sorted.len() - 1) as f64 * q;
            let lo = h.floor() as usize;
            let hi = (lo + 1).min(sorted.len() - 1);
            sorted[lo] + (h - lo as f64) * (sorted[hi] - sorted[lo])
        }
        fn ceil_index(sorted: &[f64], q: f64) -> f64 {
            let h = (sorted.len() - 1) as f64 * q;
            let lo = h.floor() as usize;
            let hi = h.ceil() as usize;
            sorted[lo] + (h - lo as f64) * (sorted[hi] - sorted[lo])
        }
        let mut state = 0x9e37_79b9_7f4a_7c15u64;
        let mut next = || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        for n in 1..60 {
            let mut v: Vec<f64> = (0..n)
                .map(|_| {
                    let r = next();
                    match r % 5 {
                        0 => -0.0,
                        1 => (r >> 11) as f64 * 1e-300,
                        2 => ((r >> 11) as f64 / (1u64 << 53) as f64 - 0.5) * 1e300,
                        _ => ((r >> 11) as f64 / (1u64 << 53) as f64 - 0.5) * 100.0,
                    }
                })
                .collect();
            v.sort_by(f64::total_cmp);
            let qs = [
                0.0, 0.025, 0.05, 0.1, 0.25, 0.5, 0.75, 0.9, 0.95, 0.975, 1.0,
            ];
            let random = (0..20).map(|_| (next() >> 11) as f64 / (1u64 << 53) as f64);
            for q in qs.into_iter().chain(random) {
                let got = quantile(&v, q).unwrap().to_bits();
                assert_eq!(got, next_index(&v, q).to_bits(), "n {n}, q {q}");
                assert_eq!(got, ceil_index(&v, q).to_bits(), "n {n}, q {q}");
            }
        }
    }
}
