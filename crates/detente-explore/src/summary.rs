//! Summaries of a column of numbers that arrive one by one, in bounded memory.
//!
//! Mean and standard deviation are exact (Welford 1962). Quantiles are exact while a column
//! has at most [`EXACT_LIMIT`] values; beyond that they come from a log-bucketed sketch with
//! relative error at most [`RELATIVE_ACCURACY`] (DDSketch; Masson, Rim & Lee 2019), so memory
//! stays flat however many runs there are. Everything is deterministic for the same sequence.

use std::collections::BTreeMap;

use serde::Serialize;

/// Values kept exactly per column before switching to the sketch.
pub const EXACT_LIMIT: usize = 65_536;
/// Relative error of a sketched quantile.
pub const RELATIVE_ACCURACY: f64 = 0.001;
/// The quantiles reported.
pub const QUANTILES: [f64; 5] = [0.05, 0.25, 0.5, 0.75, 0.95];

/// The running summary of one column: feed it with [`Column::push`], read it with
/// [`Column::stats`].
#[derive(Debug, Clone)]
pub struct Column {
    /// Values that are numbers (NaN counts as missing).
    pub n: u64,
    /// Values that were NaN: runs with no value in this column.
    pub missing: u64,
    mean: f64,
    m2: f64,
    /// The smallest value so far; +infinity before the first.
    pub min: f64,
    /// The largest value so far; -infinity before the first.
    pub max: f64,
    exact: Option<Vec<f64>>,
    sketch: Sketch,
}

impl Default for Column {
    fn default() -> Self {
        Column {
            n: 0,
            missing: 0,
            mean: 0.0,
            m2: 0.0,
            min: f64::INFINITY,
            max: f64::NEG_INFINITY,
            exact: Some(Vec::new()),
            sketch: Sketch::default(),
        }
    }
}

/// What a column summary reports.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Stats {
    /// Values that are numbers.
    pub n: u64,
    /// Values that were NaN.
    pub missing: u64,
    /// Arithmetic mean; NaN when `n` is 0.
    pub mean: f64,
    /// Sample standard deviation (divisor n - 1); NaN when `n` < 2.
    pub sd: f64,
    /// The smallest value; NaN when `n` is 0.
    pub min: f64,
    /// The largest value; NaN when `n` is 0.
    pub max: f64,
    /// At [`QUANTILES`].
    pub quantiles: Vec<f64>,
    /// Whether the quantiles are exact.
    pub exact: bool,
}

impl Column {
    /// Adds one value; NaN counts as missing.
    pub fn push(&mut self, x: f64) {
        if x.is_nan() {
            self.missing += 1;
            return;
        }
        self.n += 1;
        let d = x - self.mean;
        self.mean += d / self.n as f64;
        self.m2 += d * (x - self.mean);
        self.min = self.min.min(x);
        self.max = self.max.max(x);
        match &mut self.exact {
            Some(v) if v.len() < EXACT_LIMIT => v.push(x),
            Some(v) => {
                // From now on the sketch holds the column; it starts with what was kept.
                for &y in v.iter() {
                    self.sketch.add(y);
                }
                self.sketch.add(x);
                self.exact = None;
            }
            None => self.sketch.add(x),
        }
    }

    /// The summary of the values pushed so far.
    pub fn stats(&self) -> Stats {
        let quantiles = match &self.exact {
            Some(v) => {
                let mut s = v.clone();
                s.sort_by(f64::total_cmp);
                QUANTILES.iter().map(|&q| exact_quantile(&s, q)).collect()
            }
            None => QUANTILES
                .iter()
                .map(|&q| self.sketch.quantile(q, self.n).clamp(self.min, self.max))
                .collect(),
        };
        Stats {
            n: self.n,
            missing: self.missing,
            mean: if self.n > 0 { self.mean } else { f64::NAN },
            sd: if self.n > 1 {
                (self.m2 / (self.n - 1) as f64).sqrt()
            } else {
                f64::NAN
            },
            min: if self.n > 0 { self.min } else { f64::NAN },
            max: if self.n > 0 { self.max } else { f64::NAN },
            quantiles,
            exact: self.exact.is_some(),
        }
    }
}

/// The quantile of sorted values with linear interpolation between order statistics
/// (Hyndman & Fan 1996, type 7, as R's default); NaN for no values.
pub fn exact_quantile(sorted: &[f64], q: f64) -> f64 {
    detente_core::stats::quantile(sorted, q).unwrap_or(f64::NAN)
}

/// Counts of values in buckets of geometrically growing width.
#[derive(Debug, Clone, Default)]
struct Sketch {
    positive: BTreeMap<i32, u64>,
    negative: BTreeMap<i32, u64>,
    zeros: u64,
}

impl Sketch {
    fn gamma() -> f64 {
        (1.0 + RELATIVE_ACCURACY) / (1.0 - RELATIVE_ACCURACY)
    }

    fn key(x: f64) -> i32 {
        (x.ln() / Self::gamma().ln()).ceil() as i32
    }

    fn value(key: i32) -> f64 {
        let g = Self::gamma();
        2.0 * g.powi(key) / (g + 1.0)
    }

    fn add(&mut self, x: f64) {
        // Tiny magnitudes are as good as zero for a summary.
        if x.abs() < 1e-300 {
            self.zeros += 1;
        } else if x > 0.0 {
            *self.positive.entry(Self::key(x)).or_default() += 1;
        } else {
            *self.negative.entry(Self::key(-x)).or_default() += 1;
        }
    }

    fn quantile(&self, q: f64, n: u64) -> f64 {
        if n == 0 {
            return f64::NAN;
        }
        let rank = (q * (n - 1) as f64).round() as u64;
        let mut seen = 0;
        for (&k, &c) in self.negative.iter().rev() {
            seen += c;
            if seen > rank {
                return -Self::value(k);
            }
        }
        seen += self.zeros;
        if seen > rank {
            return 0.0;
        }
        for (&k, &c) in &self.positive {
            seen += c;
            if seen > rank {
                return Self::value(k);
            }
        }
        self.positive
            .keys()
            .next_back()
            .map_or(0.0, |&k| Self::value(k))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exact_stats_by_hand() {
        let mut c = Column::default();
        for x in [1.0, 2.0, 3.0, 4.0, f64::NAN] {
            c.push(x);
        }
        let s = c.stats();
        assert_eq!((s.n, s.missing), (4, 1));
        assert_eq!(s.mean, 2.5);
        assert!((s.sd - (5.0f64 / 3.0).sqrt()).abs() < 1e-12);
        // Type 7: the median of 1..4 is 2.5, the 25% quantile 1.75.
        assert_eq!(s.quantiles[2], 2.5);
        assert_eq!(s.quantiles[1], 1.75);
        assert!(s.exact);
    }

    #[test]
    fn the_sketch_keeps_its_relative_error_bound() {
        let mut c = Column::default();
        let n = EXACT_LIMIT as u64 * 3;
        // A skewed spread of magnitudes, with negatives and zeros.
        let value = |i: u64| {
            let u = (i as f64 + 0.5) / n as f64;
            if i % 10 == 0 {
                0.0
            } else {
                (u * 12.0).exp() - 50.0
            }
        };
        let mut all: Vec<f64> = (0..n).map(value).collect();
        for &x in &all {
            c.push(x);
        }
        let s = c.stats();
        assert!(!s.exact);
        all.sort_by(f64::total_cmp);
        for (k, &q) in QUANTILES.iter().enumerate() {
            let want = all[(q * (n - 1) as f64).round() as usize];
            let got = s.quantiles[k];
            assert!(
                (got - want).abs() <= 2.0 * RELATIVE_ACCURACY * want.abs() + 1e-9,
                "q {q}: {got} vs {want}"
            );
        }
    }
}
