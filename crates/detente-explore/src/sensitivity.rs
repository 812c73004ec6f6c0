//! Global sensitivity analysis: variance-based Sobol' indices from a Saltelli design,
//! and Morris elementary effects from a trajectory design.
//!
//! Designs are in unit-cube coordinates: the caller maps each coordinate to its input's
//! distribution (inverse CDF), runs the model on every row, and hands the outputs back
//! in row order. Everything is deterministic for a given seed.
//!
//! Sources:
//! - Saltelli, Annoni, Azzini, Campolongo, Ratto & Tarantola (2010), "Variance based
//!   sensitivity analysis of model output. Design and estimator for the total
//!   sensitivity index", Comput. Phys. Commun. 181: the A, B, A_B^(i) design and the
//!   Jansen (1999) estimators listed in its Table 2.
//! - Morris (1991), "Factorial sampling plans for preliminary computational
//!   experiments", Technometrics 33: trajectories and elementary effects.
//! - Campolongo, Cariboni & Saltelli (2007), "An effective screening design for
//!   sensitivity analysis of large models", Environ. Model. Softw. 22: mu*.
//! - Efron & Tibshirani (1993), "An Introduction to the Bootstrap", ch. 13: percentile
//!   intervals.

use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde::Serialize;

use detente_core::stats::quantile;

use crate::sobol_seq::{DimsError, MAX_DIMS, Sobol};

/// Largest number of inputs a Saltelli design supports (it needs 2k Sobol' dimensions).
pub const MAX_SALTELLI_INPUTS: usize = MAX_DIMS / 2;

/// Why a Saltelli or Morris design, or the indices from its outputs, cannot be made.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum SensitivityError {
    /// `n` base samples is more than a Sobol' sequence can start at.
    #[error("{0} base samples is too many for a Sobol' design")]
    TooManySamples(usize),
    /// `n` samples of `dims` columns do not fit in memory addressing.
    #[error("a design of {n} samples x {dims} columns is too large")]
    SamplesTooLarge {
        /// Base samples.
        n: usize,
        /// Columns, twice the inputs.
        dims: usize,
    },
    /// The Sobol' sequence cannot have that many dimensions.
    #[error(transparent)]
    Dims(#[from] DimsError),
    /// A Saltelli design of `n = 0`.
    #[error("a Saltelli design needs at least one base sample (n = 0)")]
    NoBaseSamples,
    /// A Saltelli design of `k = 0`.
    #[error("a Saltelli design needs at least one input (k = 0)")]
    SaltelliNoInputs,
    /// More inputs than [`MAX_SALTELLI_INPUTS`].
    #[error("a Saltelli design supports at most {max} inputs, not {0}", max = MAX_SALTELLI_INPUTS)]
    SaltelliTooManyInputs(usize),
    /// `n` x `stride` rows do not fit in memory addressing.
    #[error("a design of {n} x {stride} rows is too large")]
    RowsTooLarge {
        /// Base samples.
        n: usize,
        /// Rows per base sample, `k + 2`.
        stride: usize,
    },
    /// Not one output per row of the Saltelli design.
    #[error("expected {expected} outputs for a Saltelli design of n = {n}, k = {k}, got {got}")]
    SaltelliOutputs {
        /// Rows of the design.
        expected: usize,
        /// Base samples.
        n: usize,
        /// Inputs.
        k: usize,
        /// Outputs given.
        got: usize,
    },
    /// An output of the Saltelli design is NaN or infinite.
    #[error("output of row {row} ({which}, base sample {base}) is {value}, not a finite number")]
    SaltelliNotFinite {
        /// The row.
        row: usize,
        /// Its matrix: `A`, `B` or `A_B for input i`.
        which: String,
        /// Its base sample.
        base: usize,
        /// The output.
        value: f64,
    },
    /// The outputs of A and B do not vary.
    #[error("the outputs of A and B have zero variance, so Sobol' indices are undefined")]
    ZeroVariance,
    /// `confidence` is not in (0, 1).
    #[error("confidence must lie strictly between 0 and 1, not {0}")]
    Confidence(f64),
    /// Fewer than 2 Morris trajectories.
    #[error("a Morris design needs at least 2 trajectories, not {0}")]
    MorrisTrajectories(usize),
    /// A Morris design of `k = 0`.
    #[error("a Morris design needs at least one input (k = 0)")]
    MorrisNoInputs,
    /// An odd number of Morris levels, or fewer than 2.
    #[error("a Morris grid needs an even number of levels, at least 2, not {0}")]
    MorrisLevels(usize),
    /// `r` trajectories of `k` inputs do not fit in memory addressing.
    #[error("a Morris design of {r} trajectories x {k} inputs is too large")]
    MorrisTooLarge {
        /// Trajectories.
        r: usize,
        /// Inputs.
        k: usize,
    },
    /// Not one output per row of the Morris design.
    #[error("expected {expected} outputs for a Morris design of r = {r}, k = {k}, got {got}")]
    MorrisOutputs {
        /// Rows of the design.
        expected: usize,
        /// Trajectories.
        r: usize,
        /// Inputs.
        k: usize,
        /// Outputs given.
        got: usize,
    },
    /// An output of the Morris design is NaN or infinite.
    #[error(
        "output of row {row} (trajectory {trajectory}, point {point}) is {value}, not a finite number"
    )]
    MorrisNotFinite {
        /// The row.
        row: usize,
        /// Its trajectory.
        trajectory: usize,
        /// Its point on the trajectory.
        point: usize,
        /// The output.
        value: f64,
    },
}

/// Levels of the Morris grid when the caller has no reason to choose otherwise
/// (Morris 1991; Saltelli et al. 2008, "Global Sensitivity Analysis: The Primer", ch. 3).
pub const MORRIS_DEFAULT_LEVELS: usize = 4;

/// A closed confidence interval.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Interval {
    /// The lower end, in the unit of the estimate.
    pub low: f64,
    /// The upper end.
    pub high: f64,
}

// ---------------------------------------------------------------------------------
// Saltelli design and Sobol' indices
// ---------------------------------------------------------------------------------

/// Saltelli (2010) design: `n` base samples for `k` inputs, `n * (k + 2)` rows.
///
/// Rows come in blocks of `k + 2`, one block per base sample `j` (the order SALib uses
/// without second-order indices): row `j*(k+2)` is `A_j`, rows `j*(k+2) + 1 + i` for
/// `i < k` are `A_B^(i)_j` (row `j` of A with column `i` taken from B), and row
/// `j*(k+2) + k + 1` is `B_j`.
///
/// A and B are the first and last `k` coordinates of Sobol' points `2^m .. 2^m + n - 1`,
/// where `2^m` is the smallest power of two `>= n`. Starting there rather than at 0
/// keeps every coordinate strictly inside (0, 1), so inverse CDFs stay finite, and for
/// `n = 2^m` the points are a digitally shifted copy of the first net, as balanced as
/// the first `2^m` points themselves (Owen 2020).
#[derive(Debug, Clone)]
pub struct SaltelliDesign {
    /// Number of base samples (rows of A and of B).
    pub n: usize,
    /// Number of inputs.
    pub k: usize,
    /// `n` rows of `2k` values: A in columns `0..k`, B in `k..2k`.
    base: Vec<f64>,
}

/// Which matrix a Saltelli row comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SaltelliRow {
    /// A base sample of matrix A.
    A,
    /// A with this column (0-based input) taken from B.
    AB(usize),
    /// A base sample of matrix B.
    B,
}

impl SaltelliDesign {
    /// Errors when `n` or `k` is 0, `k > MAX_SALTELLI_INPUTS`, or the design would not
    /// fit in memory addressing.
    pub fn new(n: usize, k: usize) -> Result<Self, SensitivityError> {
        check_saltelli_size(n, k)?;
        let start = n
            .checked_next_power_of_two()
            .filter(|&s| s as u64 <= 1u64 << 52)
            .ok_or(SensitivityError::TooManySamples(n))?;
        let dims = 2 * k;
        let len = n
            .checked_mul(dims)
            .ok_or(SensitivityError::SamplesTooLarge { n, dims })?;
        let mut sobol = Sobol::new(dims)?;
        sobol.seek(start as u64);
        let mut base = vec![0.0; len];
        for row in base.chunks_exact_mut(dims) {
            sobol.next_point(row);
        }
        Ok(Self { n, k, base })
    }

    /// Number of rows, that is model evaluations: `n * (k + 2)`.
    pub fn row_count(&self) -> usize {
        self.n * (self.k + 2)
    }

    /// The base sample and matrix that row `row` comes from.
    ///
    /// # Panics
    /// If `row >= self.row_count()`.
    pub fn row_kind(&self, row: usize) -> (usize, SaltelliRow) {
        assert!(row < self.row_count(), "Saltelli row {row} out of range");
        saltelli_row_kind(row, self.k)
    }

    /// Write row `row` (unit-cube coordinates, one per input) into `out`.
    ///
    /// # Panics
    /// If `row >= self.row_count()` or `out.len() != self.k`.
    pub fn row(&self, row: usize, out: &mut [f64]) {
        assert_eq!(out.len(), self.k, "Saltelli row buffer must have k entries");
        let (j, kind) = self.row_kind(row);
        let base = &self.base[j * 2 * self.k..(j + 1) * 2 * self.k];
        let (a, b) = base.split_at(self.k);
        match kind {
            SaltelliRow::A => out.copy_from_slice(a),
            SaltelliRow::B => out.copy_from_slice(b),
            SaltelliRow::AB(i) => {
                out.copy_from_slice(a);
                out[i] = b[i];
            }
        }
    }

    /// All rows in order, each a fresh vector of `k` unit-cube coordinates.
    pub fn rows(&self) -> impl Iterator<Item = Vec<f64>> + '_ {
        (0..self.row_count()).map(|r| {
            let mut out = vec![0.0; self.k];
            self.row(r, &mut out);
            out
        })
    }
}

fn check_saltelli_size(n: usize, k: usize) -> Result<(), SensitivityError> {
    if n == 0 {
        return Err(SensitivityError::NoBaseSamples);
    }
    if k == 0 {
        return Err(SensitivityError::SaltelliNoInputs);
    }
    if k > MAX_SALTELLI_INPUTS {
        return Err(SensitivityError::SaltelliTooManyInputs(k));
    }
    n.checked_mul(k + 2)
        .map(|_| ())
        .ok_or(SensitivityError::RowsTooLarge { n, stride: k + 2 })
}

fn saltelli_row_kind(row: usize, k: usize) -> (usize, SaltelliRow) {
    let (j, pos) = (row / (k + 2), row % (k + 2));
    let kind = match pos {
        0 => SaltelliRow::A,
        p if p == k + 1 => SaltelliRow::B,
        p => SaltelliRow::AB(p - 1),
    };
    (j, kind)
}

/// First- and total-order Sobol' indices of one input.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SobolIndex {
    /// S_i, Jansen estimator.
    pub first_order: f64,
    /// Bootstrap percentile interval of S_i; `None` without bootstrap (or if every
    /// resample was degenerate).
    pub first_order_ci: Option<Interval>,
    /// ST_i, Jansen estimator.
    pub total_order: f64,
    /// Bootstrap percentile interval of ST_i; `None` as for `first_order_ci`.
    pub total_order_ci: Option<Interval>,
}

/// Result of [`sobol_indices`].
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SobolIndices {
    /// Number of base samples of the design.
    pub n: usize,
    /// Number of inputs.
    pub k: usize,
    /// V(Y): population variance of the `2n` outputs of A and B together.
    pub variance: f64,
    /// Level of the bootstrap intervals, in (0, 1) (e.g. 0.95).
    pub confidence: f64,
    /// Number of bootstrap resamples; 0 means no intervals.
    pub bootstrap: usize,
    /// One entry per input, in column order.
    pub inputs: Vec<SobolIndex>,
}

/// Sobol' indices from the outputs of a [`SaltelliDesign`] of `n` base samples and
/// `k` inputs, in its row order.
///
/// Saltelli et al. (2010), Table 2, Jansen (1999) estimators, with
/// `V = Var(f(A) ∪ f(B))`:
/// - first order: `S_i = (V - 1/(2N) Σ_j (f(B)_j - f(A_B^(i))_j)^2) / V`
/// - total order: `ST_i = 1/(2N) Σ_j (f(A)_j - f(A_B^(i))_j)^2 / V`
///
/// With `bootstrap > 0`, the `n` base samples (each with its whole block of rows) are
/// resampled with replacement `bootstrap` times using `ChaCha8Rng::seed_from_u64(seed)`,
/// and the `confidence` percentile interval of the recomputed indices is reported.
///
/// Errors on bad sizes, a length mismatch, a non-finite output (naming its row), a
/// `confidence` outside (0, 1), or zero output variance (indices undefined).
pub fn sobol_indices(
    design_outputs: &[f64],
    n: usize,
    k: usize,
    bootstrap: usize,
    seed: u64,
    confidence: f64,
) -> Result<SobolIndices, SensitivityError> {
    check_saltelli_size(n, k)?;
    check_confidence(confidence)?;
    let rows = n * (k + 2);
    if design_outputs.len() != rows {
        return Err(SensitivityError::SaltelliOutputs {
            expected: rows,
            n,
            k,
            got: design_outputs.len(),
        });
    }
    if let Some(r) = design_outputs.iter().position(|y| !y.is_finite()) {
        let (j, kind) = saltelli_row_kind(r, k);
        let which = match kind {
            SaltelliRow::A => "A".to_string(),
            SaltelliRow::B => "B".to_string(),
            SaltelliRow::AB(i) => format!("A_B for input {i}"),
        };
        return Err(SensitivityError::SaltelliNotFinite {
            row: r,
            which,
            base: j,
            value: design_outputs[r],
        });
    }

    let stride = k + 2;
    // Centre on the mean so that the variance by sums of squares does not cancel.
    let mean = design_outputs
        .chunks_exact(stride)
        .map(|b| b[0] + b[k + 1])
        .sum::<f64>()
        / (2 * n) as f64;
    // Per base sample: centred f(A), f(B), then for each input the squared Jansen
    // differences (f(B) - f(AB_i))^2 and (f(A) - f(AB_i))^2.
    let width = 2 + 2 * k;
    let mut terms = vec![0.0; n * width];
    for (block, t) in design_outputs
        .chunks_exact(stride)
        .zip(terms.chunks_exact_mut(width))
    {
        let (fa, fb) = (block[0], block[k + 1]);
        t[0] = fa - mean;
        t[1] = fb - mean;
        for i in 0..k {
            let fab = block[1 + i];
            t[2 + i] = (fb - fab).powi(2);
            t[2 + k + i] = (fa - fab).powi(2);
        }
    }

    let mut sums = vec![0.0; width + 1];
    accumulate(&mut sums, &terms, width, 0..n);
    let estimate = estimates_from_sums(&sums, n, k).ok_or(SensitivityError::ZeroVariance)?;

    let mut first_boot = vec![Vec::new(); k];
    let mut total_boot = vec![Vec::new(); k];
    if bootstrap > 0 {
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        let mut picks = vec![0usize; n];
        for _ in 0..bootstrap {
            picks.fill_with(|| rng.random_range(0..n));
            sums.fill(0.0);
            accumulate(&mut sums, &terms, width, picks.iter().copied());
            // A resample with zero variance says nothing; it is left out.
            if let Some(e) = estimates_from_sums(&sums, n, k) {
                for i in 0..k {
                    first_boot[i].push(e.first[i]);
                    total_boot[i].push(e.total[i]);
                }
            }
        }
    }

    let inputs = (0..k)
        .map(|i| SobolIndex {
            first_order: estimate.first[i],
            first_order_ci: percentile_interval(&mut first_boot[i], confidence),
            total_order: estimate.total[i],
            total_order_ci: percentile_interval(&mut total_boot[i], confidence),
        })
        .collect();
    Ok(SobolIndices {
        n,
        k,
        variance: estimate.variance,
        confidence,
        bootstrap,
        inputs,
    })
}

/// Add rows `picks` of `terms` into `sums`: the first `width` entries are plain sums,
/// the last one is the sum of squared centred f(A) and f(B).
fn accumulate(sums: &mut [f64], terms: &[f64], width: usize, picks: impl Iterator<Item = usize>) {
    let (plain, squares) = sums.split_at_mut(width);
    for j in picks {
        let t = &terms[j * width..(j + 1) * width];
        for (s, v) in plain.iter_mut().zip(t) {
            *s += v;
        }
        squares[0] += t[0] * t[0] + t[1] * t[1];
    }
}

struct Estimates {
    variance: f64,
    first: Vec<f64>,
    total: Vec<f64>,
}

fn estimates_from_sums(sums: &[f64], n: usize, k: usize) -> Option<Estimates> {
    let two_n = (2 * n) as f64;
    let m = (sums[0] + sums[1]) / two_n;
    let variance = sums[2 + 2 * k] / two_n - m * m;
    if !(variance > 0.0 && variance.is_finite()) {
        return None;
    }
    let first = (0..k)
        .map(|i| 1.0 - sums[2 + i] / two_n / variance)
        .collect();
    let total = (0..k).map(|i| sums[2 + k + i] / two_n / variance).collect();
    Some(Estimates {
        variance,
        first,
        total,
    })
}

fn check_confidence(confidence: f64) -> Result<(), SensitivityError> {
    if confidence > 0.0 && confidence < 1.0 {
        Ok(())
    } else {
        Err(SensitivityError::Confidence(confidence))
    }
}

/// Percentile interval (Efron & Tibshirani 1993, sect. 13.3), quantiles by linear
/// interpolation between order statistics (Hyndman & Fan 1996, type 7).
fn percentile_interval(samples: &mut [f64], confidence: f64) -> Option<Interval> {
    samples.sort_by(f64::total_cmp);
    let tail = (1.0 - confidence) / 2.0;
    Some(Interval {
        low: quantile(samples, tail)?,
        high: quantile(samples, 1.0 - tail)?,
    })
}

// ---------------------------------------------------------------------------------
// Morris elementary effects
// ---------------------------------------------------------------------------------

/// Morris (1991) trajectory design: `r` trajectories of `k + 1` points on a grid of
/// `levels` values `0, 1/(levels-1), .., 1` per input.
///
/// Each trajectory starts at a random grid point and moves one input at a time, in a
/// random order, by `±delta` with `delta = levels / (2 (levels - 1))` (Morris's choice
/// that makes every level equally likely). Rows are trajectory-major: row
/// `t*(k+1) + s` is point `s` of trajectory `t`, and point `s >= 1` differs from point
/// `s - 1` in exactly one input.
#[derive(Debug, Clone)]
pub struct MorrisDesign {
    /// Number of trajectories.
    pub r: usize,
    /// Number of inputs.
    pub k: usize,
    /// Number of grid levels `p`.
    pub levels: usize,
    /// Step `p / (2 (p - 1))` in unit-cube coordinates.
    pub delta: f64,
    /// `r * (k + 1)` rows of `k` coordinates.
    points: Vec<f64>,
    /// `r * k`: the input moved at step `s` (1-based) of trajectory `t` sits at
    /// `t*k + s - 1`.
    moved: Vec<usize>,
}

impl MorrisDesign {
    /// Errors when `r < 2` (sigma needs two effects), `k == 0`, `levels` is odd or
    /// below 2, or the design is too large to address.
    pub fn new(r: usize, k: usize, levels: usize, seed: u64) -> Result<Self, SensitivityError> {
        if r < 2 {
            return Err(SensitivityError::MorrisTrajectories(r));
        }
        if k == 0 {
            return Err(SensitivityError::MorrisNoInputs);
        }
        if levels < 2 || levels % 2 != 0 {
            return Err(SensitivityError::MorrisLevels(levels));
        }
        let len = r
            .checked_mul(k + 1)
            .and_then(|rows| rows.checked_mul(k))
            .ok_or(SensitivityError::MorrisTooLarge { r, k })?;
        let top = (levels - 1) as f64;
        let half = levels / 2;
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        let mut points = Vec::with_capacity(len);
        let mut moved = Vec::with_capacity(r * k);
        let mut level = vec![0usize; k];
        let mut up = vec![false; k];
        let mut order: Vec<usize> = (0..k).collect();
        for _ in 0..r {
            // Equivalent to Morris's B* = (J x* + (delta/2)((2B - J) D* + J)) P*:
            // a base level low enough to step up, a random direction, a random order.
            for (l, u) in level.iter_mut().zip(up.iter_mut()) {
                let base = rng.random_range(0..half);
                *u = rng.random_bool(0.5);
                *l = if *u { base } else { base + half };
            }
            for (i, o) in order.iter_mut().enumerate() {
                *o = i;
            }
            order.shuffle(&mut rng);
            points.extend(level.iter().map(|&l| l as f64 / top));
            for &i in &order {
                level[i] = if up[i] {
                    level[i] + half
                } else {
                    level[i] - half
                };
                points.extend(level.iter().map(|&l| l as f64 / top));
                moved.push(i);
            }
        }
        Ok(Self {
            r,
            k,
            levels,
            delta: half as f64 / top,
            points,
            moved,
        })
    }

    /// Number of rows, that is model evaluations: `r * (k + 1)`.
    pub fn row_count(&self) -> usize {
        self.r * (self.k + 1)
    }

    /// Row `row` in unit-cube coordinates.
    ///
    /// # Panics
    /// If `row >= self.row_count()`.
    pub fn row(&self, row: usize) -> &[f64] {
        &self.points[row * self.k..(row + 1) * self.k]
    }

    /// All rows in order.
    pub fn rows(&self) -> impl Iterator<Item = &[f64]> + '_ {
        self.points.chunks_exact(self.k)
    }
}

/// Elementary-effect statistics of one input.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MorrisIndex {
    /// Mean elementary effect (Morris 1991).
    pub mu: f64,
    /// Mean absolute elementary effect (Campolongo et al. 2007).
    pub mu_star: f64,
    /// Standard deviation of the elementary effects (divisor r - 1).
    pub sigma: f64,
    /// Bootstrap percentile interval of mu*; `None` without bootstrap.
    pub mu_star_ci: Option<Interval>,
    /// The `r` elementary effects, one per trajectory.
    pub elementary_effects: Vec<f64>,
}

/// Result of [`morris_indices`].
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MorrisIndices {
    /// Number of trajectories.
    pub r: usize,
    /// Number of inputs.
    pub k: usize,
    /// Number of grid levels `p` per input.
    pub levels: usize,
    /// The step of one move, in unit-cube coordinates: `p / (2 (p - 1))`.
    pub delta: f64,
    /// Level of the bootstrap interval of mu*, in (0, 1) (e.g. 0.95).
    pub confidence: f64,
    /// Number of bootstrap resamples; 0 means no intervals.
    pub bootstrap: usize,
    /// One entry per input, in column order.
    pub inputs: Vec<MorrisIndex>,
}

/// Morris statistics from the outputs of `design`, in its row order.
///
/// The elementary effect of input `i` in a trajectory is
/// `(f(x') - f(x)) / (x'_i - x_i)` over the step that moves input `i`, in unit-cube
/// coordinates (so a model linear in the coordinate with slope `c` has effect `c`).
/// With `bootstrap > 0`, trajectories are resampled with replacement using
/// `ChaCha8Rng::seed_from_u64(seed)` and the `confidence` percentile interval of mu* is
/// reported.
///
/// Errors on a length mismatch, a non-finite output (naming its row) or a `confidence`
/// outside (0, 1).
pub fn morris_indices(
    design: &MorrisDesign,
    outputs: &[f64],
    bootstrap: usize,
    seed: u64,
    confidence: f64,
) -> Result<MorrisIndices, SensitivityError> {
    check_confidence(confidence)?;
    let (r, k) = (design.r, design.k);
    if outputs.len() != design.row_count() {
        return Err(SensitivityError::MorrisOutputs {
            expected: design.row_count(),
            r,
            k,
            got: outputs.len(),
        });
    }
    if let Some(row) = outputs.iter().position(|y| !y.is_finite()) {
        return Err(SensitivityError::MorrisNotFinite {
            row,
            trajectory: row / (k + 1),
            point: row % (k + 1),
            value: outputs[row],
        });
    }

    // effects[i * r + t]
    let mut effects = vec![0.0; k * r];
    for t in 0..r {
        for s in 1..=k {
            let i = design.moved[t * k + s - 1];
            let (before, after) = (t * (k + 1) + s - 1, t * (k + 1) + s);
            let dx = design.row(after)[i] - design.row(before)[i];
            effects[i * r + t] = (outputs[after] - outputs[before]) / dx;
        }
    }

    let mut boot = vec![Vec::new(); k];
    if bootstrap > 0 {
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        let mut picks = vec![0usize; r];
        for _ in 0..bootstrap {
            picks.fill_with(|| rng.random_range(0..r));
            for (i, b) in boot.iter_mut().enumerate() {
                let ee = &effects[i * r..(i + 1) * r];
                b.push(picks.iter().map(|&t| ee[t].abs()).sum::<f64>() / r as f64);
            }
        }
    }

    let inputs = effects
        .chunks_exact(r)
        .zip(boot.iter_mut())
        .map(|(ee, b)| {
            let mu = ee.iter().sum::<f64>() / r as f64;
            let mu_star = ee.iter().map(|e| e.abs()).sum::<f64>() / r as f64;
            let sigma = (ee.iter().map(|e| (e - mu).powi(2)).sum::<f64>() / (r - 1) as f64).sqrt();
            MorrisIndex {
                mu,
                mu_star,
                sigma,
                mu_star_ci: percentile_interval(b, confidence),
                elementary_effects: ee.to_vec(),
            }
        })
        .collect();
    Ok(MorrisIndices {
        r,
        k,
        levels: design.levels,
        delta: design.delta,
        confidence,
        bootstrap,
        inputs,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The messages as they were when they were strings (front ends show them).
    #[test]
    fn messages() {
        use SensitivityError as E;
        let cases: Vec<(E, &str)> = vec![
            (
                E::TooManySamples(9),
                "9 base samples is too many for a Sobol' design",
            ),
            (
                E::SamplesTooLarge { n: 3, dims: 4 },
                "a design of 3 samples x 4 columns is too large",
            ),
            (
                E::Dims(DimsError(0)),
                "a Sobol' sequence needs between 1 and 256 dimensions, not 0",
            ),
            (
                E::NoBaseSamples,
                "a Saltelli design needs at least one base sample (n = 0)",
            ),
            (
                E::SaltelliNoInputs,
                "a Saltelli design needs at least one input (k = 0)",
            ),
            (
                E::SaltelliTooManyInputs(600),
                "a Saltelli design supports at most 128 inputs, not 600",
            ),
            (
                E::RowsTooLarge { n: 3, stride: 4 },
                "a design of 3 x 4 rows is too large",
            ),
            (
                E::SaltelliOutputs {
                    expected: 6,
                    n: 2,
                    k: 1,
                    got: 5,
                },
                "expected 6 outputs for a Saltelli design of n = 2, k = 1, got 5",
            ),
            (
                E::SaltelliNotFinite {
                    row: 4,
                    which: "B".into(),
                    base: 1,
                    value: f64::NAN,
                },
                "output of row 4 (B, base sample 1) is NaN, not a finite number",
            ),
            (
                E::ZeroVariance,
                "the outputs of A and B have zero variance, so Sobol' indices are undefined",
            ),
            (
                E::Confidence(1.5),
                "confidence must lie strictly between 0 and 1, not 1.5",
            ),
            (
                E::MorrisTrajectories(1),
                "a Morris design needs at least 2 trajectories, not 1",
            ),
            (
                E::MorrisNoInputs,
                "a Morris design needs at least one input (k = 0)",
            ),
            (
                E::MorrisLevels(3),
                "a Morris grid needs an even number of levels, at least 2, not 3",
            ),
            (
                E::MorrisTooLarge { r: 2, k: 3 },
                "a Morris design of 2 trajectories x 3 inputs is too large",
            ),
            (
                E::MorrisOutputs {
                    expected: 8,
                    r: 2,
                    k: 3,
                    got: 7,
                },
                "expected 8 outputs for a Morris design of r = 2, k = 3, got 7",
            ),
            (
                E::MorrisNotFinite {
                    row: 4,
                    trajectory: 1,
                    point: 1,
                    value: f64::INFINITY,
                },
                "output of row 4 (trajectory 1, point 1) is inf, not a finite number",
            ),
        ];
        for (e, want) in cases {
            assert_eq!(e.to_string(), want);
        }
    }
    use std::f64::consts::PI;

    /// Ishigami & Homma (1990) with x_i = -pi + 2 pi u_i.
    fn ishigami(u: &[f64]) -> f64 {
        let (a, b) = (7.0, 0.1);
        let x: Vec<f64> = u.iter().map(|&u| -PI + 2.0 * PI * u).collect();
        x[0].sin() + a * x[1].sin().powi(2) + b * x[2].powi(4) * x[0].sin()
    }

    /// Analytic Ishigami indices for a = 7, b = 0.1 from the closed-form partial
    /// variances (as in Sobol' & Levitan 1999); rounded values are those tabulated in
    /// the SALib documentation.
    fn ishigami_analytic() -> ([f64; 3], [f64; 3]) {
        let (a, b) = (7.0f64, 0.1f64);
        let (pi4, pi8) = (PI.powi(4), PI.powi(8));
        let v1 = 0.5 * (1.0 + b * pi4 / 5.0).powi(2);
        let v2 = a * a / 8.0;
        let v13 = b * b * pi8 * 8.0 / 225.0;
        let v = v1 + v2 + v13;
        ([v1 / v, v2 / v, 0.0], [(v1 + v13) / v, v2 / v, v13 / v])
    }

    fn evaluate(design: &SaltelliDesign, f: impl Fn(&[f64]) -> f64) -> Vec<f64> {
        design.rows().map(|row| f(&row)).collect()
    }

    #[test]
    fn analytic_values_match_the_literature() {
        let (s1, st) = ishigami_analytic();
        let published = ([0.3139, 0.4424, 0.0], [0.5576, 0.4424, 0.2437]);
        for i in 0..3 {
            assert!((s1[i] - published.0[i]).abs() < 1e-4);
            assert!((st[i] - published.1[i]).abs() < 1e-4);
        }
    }

    #[test]
    fn ishigami_indices_at_n_2_14() {
        let n = 1 << 14;
        let design = SaltelliDesign::new(n, 3).expect("valid design");
        let y = evaluate(&design, ishigami);
        let res = sobol_indices(&y, n, 3, 300, 2010, 0.95).expect("valid outputs");
        let (s1, st) = ishigami_analytic();
        for (i, idx) in res.inputs.iter().enumerate() {
            let (c1, ct) = (
                idx.first_order_ci.expect("bootstrapped"),
                idx.total_order_ci.expect("bootstrapped"),
            );
            assert!((idx.first_order - s1[i]).abs() < 0.02, "S1[{i}] = {idx:?}");
            assert!((idx.total_order - st[i]).abs() < 0.02, "ST[{i}] = {idx:?}");
            assert!(c1.low <= s1[i] && s1[i] <= c1.high, "S1[{i}] CI {c1:?}");
            assert!(ct.low <= st[i] && st[i] <= ct.high, "ST[{i}] CI {ct:?}");
        }
        // V(Y) of Ishigami is a^2/8 + b pi^4/5 + b^2 pi^8/18 + 1/2 = 13.8446...
        assert!((res.variance - 13.8446).abs() < 0.1, "V = {}", res.variance);
    }

    #[test]
    fn saltelli_rows_follow_the_documented_order() {
        let (n, k) = (8, 3);
        let design = SaltelliDesign::new(n, k).expect("valid design");
        assert_eq!(design.row_count(), n * (k + 2));
        let rows: Vec<Vec<f64>> = design.rows().collect();
        for j in 0..n {
            let block = &rows[j * (k + 2)..(j + 1) * (k + 2)];
            let (a, b) = (&block[0], &block[k + 1]);
            for i in 0..k {
                let ab = &block[1 + i];
                for c in 0..k {
                    assert_eq!(ab[c], if c == i { b[c] } else { a[c] });
                }
                assert_eq!(
                    design.row_kind(j * (k + 2) + 1 + i),
                    (j, SaltelliRow::AB(i))
                );
            }
            assert_eq!(design.row_kind(j * (k + 2)), (j, SaltelliRow::A));
            assert_eq!(design.row_kind(j * (k + 2) + k + 1), (j, SaltelliRow::B));
        }
    }

    #[test]
    fn saltelli_columns_are_stratified_and_inside_the_cube() {
        // n = 2^m points from Sobol' indices 2^m..2^(m+1): one per bin in every column.
        let (n, k) = (256, 4);
        let design = SaltelliDesign::new(n, k).expect("valid design");
        let rows: Vec<Vec<f64>> = design.rows().collect();
        for (which, pos) in [("A", 0), ("B", k + 1)] {
            for c in 0..k {
                let mut seen = vec![false; n];
                for row in rows.iter().skip(pos).step_by(k + 2) {
                    let u = row[c];
                    assert!(u > 0.0 && u < 1.0);
                    let bin = (u * n as f64) as usize;
                    assert!(!seen[bin], "{which} column {c}: bin {bin} twice");
                    seen[bin] = true;
                }
            }
        }
    }

    #[test]
    fn same_seed_is_bit_identical_and_other_seed_differs() {
        let n = 1 << 10;
        let design = SaltelliDesign::new(n, 3).expect("valid design");
        let y = evaluate(&design, ishigami);
        let run = |seed| sobol_indices(&y, n, 3, 100, seed, 0.9).expect("valid outputs");
        let bits = |r: &SobolIndices| -> Vec<u64> {
            r.inputs
                .iter()
                .flat_map(|i| {
                    let (c1, ct) = (i.first_order_ci.unwrap(), i.total_order_ci.unwrap());
                    [
                        i.first_order,
                        c1.low,
                        c1.high,
                        i.total_order,
                        ct.low,
                        ct.high,
                    ]
                })
                .map(f64::to_bits)
                .collect()
        };
        let (a, b, c) = (run(7), run(7), run(8));
        assert_eq!(bits(&a), bits(&b));
        assert_ne!(bits(&a), bits(&c));
        for (x, z) in a.inputs.iter().zip(&c.inputs) {
            assert_eq!(x.first_order.to_bits(), z.first_order.to_bits());
            assert_ne!(x.first_order_ci, z.first_order_ci);
            assert_ne!(x.total_order_ci, z.total_order_ci);
        }
    }

    #[test]
    fn sobol_indices_rejects_bad_arguments() {
        let ok = vec![1.0, 2.0, 3.0, 4.0, 5.0, 6.0];
        assert!(sobol_indices(&[], 0, 1, 0, 0, 0.95).is_err());
        assert!(sobol_indices(&[], 1, 0, 0, 0, 0.95).is_err());
        assert!(sobol_indices(&[], 1, MAX_SALTELLI_INPUTS + 1, 0, 0, 0.95).is_err());
        assert!(SaltelliDesign::new(0, 1).is_err());
        assert!(SaltelliDesign::new(4, 0).is_err());
        assert!(SaltelliDesign::new(4, MAX_SALTELLI_INPUTS + 1).is_err());
        assert!(SaltelliDesign::new(1, MAX_SALTELLI_INPUTS).is_ok());
        let e = sobol_indices(&ok[..5], 2, 1, 0, 0, 0.95)
            .unwrap_err()
            .to_string();
        assert!(e.contains("expected 6 outputs"), "{e}");
        assert!(sobol_indices(&ok, 2, 1, 0, 0, 1.0).is_err());
        assert!(sobol_indices(&ok, 2, 1, 0, 0, f64::NAN).is_err());
        let mut bad = ok.clone();
        bad[4] = f64::NAN;
        let e = sobol_indices(&bad, 2, 1, 0, 0, 0.95)
            .unwrap_err()
            .to_string();
        assert!(e.contains("row 4 (A_B for input 0, base sample 1)"), "{e}");
        let e = sobol_indices(&[3.0; 6], 2, 1, 0, 0, 0.95)
            .unwrap_err()
            .to_string();
        assert!(e.contains("zero variance"), "{e}");
        let r = sobol_indices(&ok, 2, 1, 0, 0, 0.95).expect("valid");
        assert_eq!(r.inputs[0].first_order_ci, None);
    }

    #[test]
    fn morris_design_moves_one_input_by_delta() {
        let (r, k, p) = (20, 5, MORRIS_DEFAULT_LEVELS);
        let design = MorrisDesign::new(r, k, p, 1).expect("valid design");
        assert_eq!(design.delta, 2.0 / 3.0);
        assert_eq!(design.row_count(), r * (k + 1));
        let grid = [0.0, 1.0 / 3.0, 2.0 / 3.0, 1.0];
        let rows: Vec<&[f64]> = design.rows().collect();
        for t in 0..r {
            let mut moved = vec![false; k];
            for s in 1..=k {
                let (x0, x1) = (rows[t * (k + 1) + s - 1], rows[t * (k + 1) + s]);
                let diff: Vec<usize> = (0..k).filter(|&c| x0[c] != x1[c]).collect();
                assert_eq!(diff.len(), 1);
                let c = diff[0];
                assert!(((x1[c] - x0[c]).abs() - design.delta).abs() < 1e-15);
                assert!(!moved[c]);
                moved[c] = true;
            }
            for x in &rows[t * (k + 1)..(t + 1) * (k + 1)] {
                assert!(x.iter().all(|v| grid.contains(v)));
            }
        }
    }

    #[test]
    fn morris_effects_are_exact_for_known_functions() {
        // f = 4 u0 + u2^2, u1 unused. Hand calculation on the p = 4 grid: input 0 has
        // every effect 4 (mu = mu* = 4, sigma = 0); input 1 has every effect exactly 0;
        // input 2 steps between 0 and 2/3 or 1/3 and 1, so its effect
        // (b^2 - a^2) / (b - a) = a + b is 2/3 or 4/3.
        let (r, k) = (30, 3);
        let design = MorrisDesign::new(r, k, 4, 42).expect("valid design");
        let y: Vec<f64> = design.rows().map(|u| 4.0 * u[0] + u[2] * u[2]).collect();
        let res = morris_indices(&design, &y, 200, 5, 0.95).expect("valid outputs");
        let [x0, x1, x2] = &res.inputs[..] else {
            panic!("three inputs")
        };
        assert!((x0.mu - 4.0).abs() < 1e-12 && (x0.mu_star - 4.0).abs() < 1e-12);
        assert!(x0.sigma < 1e-12);
        assert_eq!((x1.mu, x1.mu_star, x1.sigma), (0.0, 0.0, 0.0));
        assert_eq!(
            x1.mu_star_ci,
            Some(Interval {
                low: 0.0,
                high: 0.0
            })
        );
        let low = x2
            .elementary_effects
            .iter()
            .filter(|&&e| (e - 2.0 / 3.0).abs() < 1e-12);
        let n_low = low.count();
        let n_high = x2
            .elementary_effects
            .iter()
            .filter(|&&e| (e - 4.0 / 3.0).abs() < 1e-12)
            .count();
        assert_eq!(n_low + n_high, r);
        let mu = (n_low as f64 * 2.0 / 3.0 + n_high as f64 * 4.0 / 3.0) / r as f64;
        let var = (n_low as f64 * (2.0 / 3.0 - mu).powi(2)
            + n_high as f64 * (4.0 / 3.0 - mu).powi(2))
            / (r - 1) as f64;
        assert!((x2.mu - mu).abs() < 1e-12 && (x2.mu_star - mu).abs() < 1e-12);
        assert!((x2.sigma - var.sqrt()).abs() < 1e-12);
        let ci = x2.mu_star_ci.expect("bootstrapped");
        assert!(ci.low <= x2.mu_star && x2.mu_star <= ci.high);
        assert!(ci.low >= 2.0 / 3.0 - 1e-12 && ci.high <= 4.0 / 3.0 + 1e-12);
    }

    #[test]
    fn morris_is_deterministic_per_seed() {
        let f = |u: &[f64]| u[0] * u[1] + (3.0 * u[2]).sin();
        let run = |design_seed, boot_seed| {
            let d = MorrisDesign::new(10, 3, 6, design_seed).expect("valid design");
            let y: Vec<f64> = d.rows().map(f).collect();
            (
                d.points.clone(),
                morris_indices(&d, &y, 50, boot_seed, 0.9).expect("valid"),
            )
        };
        let (pa, a) = run(1, 1);
        let (pb, b) = run(1, 1);
        assert_eq!(pa, pb);
        assert_eq!(format!("{a:?}"), format!("{b:?}"));
        let (_, c) = run(1, 2);
        assert_eq!(a.inputs[0].mu_star.to_bits(), c.inputs[0].mu_star.to_bits());
        assert_ne!(a.inputs[0].mu_star_ci, c.inputs[0].mu_star_ci);
        let (pd, _) = run(2, 1);
        assert_ne!(pa, pd);
    }

    #[test]
    fn morris_rejects_bad_arguments() {
        assert!(MorrisDesign::new(1, 3, 4, 0).is_err());
        assert!(MorrisDesign::new(5, 0, 4, 0).is_err());
        assert!(MorrisDesign::new(5, 3, 5, 0).is_err());
        assert!(MorrisDesign::new(5, 3, 0, 0).is_err());
        let d = MorrisDesign::new(2, 2, 2, 0).expect("valid design");
        assert_eq!(d.delta, 1.0);
        let mut y = vec![0.0; d.row_count()];
        assert!(morris_indices(&d, &y[1..], 0, 0, 0.95).is_err());
        assert!(morris_indices(&d, &y, 0, 0, 0.0).is_err());
        y[4] = f64::INFINITY;
        let e = morris_indices(&d, &y, 0, 0, 0.95).unwrap_err().to_string();
        assert!(e.contains("row 4 (trajectory 1, point 1)"), "{e}");
    }
}
