//! Sampling a scenario's uncertain numbers: Monte Carlo and Latin hypercube designs.
//!
//! Every run's numbers depend only on the master seed and the run's index, never on which
//! thread or shard computes it, so a sweep gives bit-identical rows however it is split.
//! Unit-cube coordinates become values through each distribution's quantile function,
//! truncated to the range the field allows (a normal salience stays within 0..1).

use detente_core::Dist;
use detente_core::slots::Uncertain;
use statrs::distribution::{Beta, ContinuousCDF, LogNormal, Normal, Triangular, Uniform};

/// How the runs cover the unit cube.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Design {
    /// Independent draws per run.
    MonteCarlo,
    /// Each input's range cut into as many equal-probability strata as there are runs, each
    /// stratum used once (McKay, Beckman & Conover 1979).
    LatinHypercube,
}

impl Design {
    /// The short name `--design` takes and summaries show: `mc` or `lhs`.
    pub fn name(self) -> &'static str {
        match self {
            Design::MonteCarlo => "mc",
            Design::LatinHypercube => "lhs",
        }
    }
}

/// SplitMix64 (Steele, Lea & Flood 2014): the mixing step that turns (seed, index) pairs into
/// well-spread 64-bit streams.
pub fn mix(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// The seed of run `run` under `master`: what the model's own randomness (battles, draws)
/// uses in that run.
pub fn run_seed(master: u64, run: u64) -> u64 {
    mix(mix(master) ^ mix(run.wrapping_add(0x5EED)))
}

/// A uniform number strictly inside (0, 1) from 53 bits of `h`.
fn open_unit(h: u64) -> f64 {
    ((h >> 11) as f64 + 0.5) * (1.0 / (1u64 << 53) as f64)
}

/// A random permutation of `0..n` computed one element at a time, in O(1) memory: a balanced
/// Feistel network on the smallest even number of bits covering `n`, with cycle walking to stay
/// below `n` (Black & Rogaway 2002).
#[derive(Debug, Clone, Copy)]
struct Permutation {
    n: u64,
    half_bits: u32,
    key: u64,
}

impl Permutation {
    fn new(n: u64, key: u64) -> Permutation {
        let bits = 64 - n.saturating_sub(1).leading_zeros();
        let half_bits = bits.div_ceil(2).max(1);
        Permutation { n, half_bits, key }
    }

    fn at(&self, mut x: u64) -> u64 {
        let mask = (1u64 << self.half_bits) - 1;
        loop {
            let (mut l, mut r) = (x >> self.half_bits, x & mask);
            for round in 0..4u64 {
                let f = mix(self.key ^ mix(r ^ (round << 56))) & mask;
                (l, r) = (r, l ^ f);
            }
            x = (l << self.half_bits) | r;
            if x < self.n {
                return x;
            }
        }
    }
}

/// Draws every run's numbers.
#[derive(Debug, Clone)]
pub struct Sampler {
    /// The numbers sampled, in column order.
    pub inputs: Vec<Uncertain>,
    /// How the runs cover the unit cube.
    pub design: Design,
    /// The master seed; run r's numbers depend on it and r only.
    pub seed: u64,
    /// The number of runs, which the hypercube's strata divide into.
    pub runs: u64,
    quantiles: Vec<Quantile>,
    permutations: Vec<Permutation>,
}

impl Sampler {
    /// A sampler of `runs` runs over `inputs`.
    pub fn new(inputs: Vec<Uncertain>, design: Design, seed: u64, runs: u64) -> Sampler {
        let quantiles = inputs.iter().map(Quantile::new).collect();
        let permutations = (0..inputs.len() as u64)
            .map(|d| Permutation::new(runs.max(1), mix(seed ^ mix(0x1A7E_u64 + d))))
            .collect();
        Sampler {
            inputs,
            design,
            seed,
            runs,
            quantiles,
            permutations,
        }
    }

    /// The unit-cube point of run `run`, one coordinate per input, each in (0, 1).
    pub fn unit(&self, run: u64, out: &mut [f64]) {
        let base = mix(self.seed ^ mix(run));
        for (d, o) in out.iter_mut().enumerate() {
            let u = open_unit(mix(base ^ mix(d as u64 + 1)));
            *o = match self.design {
                Design::MonteCarlo => u,
                Design::LatinHypercube => {
                    let stratum = self.permutations[d].at(run);
                    (stratum as f64 + u) / self.runs as f64
                }
            };
        }
    }

    /// The values of run `run`.
    pub fn values(&self, run: u64, out: &mut [f64]) {
        self.unit(run, out);
        for (x, q) in out.iter_mut().zip(&self.quantiles) {
            *x = q.at(*x);
        }
    }

    /// The value of input `d` at unit coordinate `u`.
    pub fn value(&self, d: usize, u: f64) -> f64 {
        self.quantiles[d].at(u)
    }
}

/// A distribution's quantile function, truncated to a field's range.
#[derive(Debug, Clone)]
pub struct Quantile {
    kind: Kind,
    /// The mass below the field's low end and up to its high end.
    p_lo: f64,
    p_hi: f64,
    input: Uncertain,
}

#[derive(Debug, Clone)]
enum Kind {
    Normal(Normal),
    Uniform(Uniform),
    Triangular(Triangular),
    Beta {
        beta: Beta,
        lo: f64,
        width: f64,
    },
    LogNormal(LogNormal),
    /// Parameters statrs refuses (validation should prevent this): the central value.
    Fixed(f64),
}

impl Kind {
    fn cdf(&self, x: f64) -> f64 {
        match self {
            Kind::Normal(d) => d.cdf(x),
            Kind::Uniform(d) => d.cdf(x),
            Kind::Triangular(d) => d.cdf(x),
            Kind::Beta { beta, lo, width } => beta.cdf(((x - lo) / width).clamp(0.0, 1.0)),
            Kind::LogNormal(d) => d.cdf(x),
            Kind::Fixed(c) => {
                if x < *c {
                    0.0
                } else {
                    1.0
                }
            }
        }
    }

    fn inverse(&self, p: f64) -> f64 {
        match self {
            Kind::Normal(d) => d.inverse_cdf(p),
            Kind::Uniform(d) => d.inverse_cdf(p),
            Kind::Triangular(d) => d.inverse_cdf(p),
            Kind::Beta { beta, lo, width } => lo + width * beta.inverse_cdf(p),
            Kind::LogNormal(d) => d.inverse_cdf(p),
            Kind::Fixed(c) => *c,
        }
    }
}

impl Quantile {
    /// The quantile function of `input`'s distribution, truncated to its range.
    pub fn new(input: &Uncertain) -> Quantile {
        let central = input.dist.central();
        let kind = match input.dist {
            Dist::Normal { mean, sd } => Normal::new(mean, sd).ok().map(Kind::Normal),
            Dist::Uniform { lo, hi } => Uniform::new(lo, hi).ok().map(Kind::Uniform),
            Dist::Triangular { lo, mode, hi } => {
                Triangular::new(lo, hi, mode).ok().map(Kind::Triangular)
            }
            Dist::Beta { a, b, lo, hi } => Beta::new(a, b).ok().map(|beta| Kind::Beta {
                beta,
                lo,
                width: hi - lo,
            }),
            Dist::LogNormal { mu, sigma } => LogNormal::new(mu, sigma).ok().map(Kind::LogNormal),
        }
        .unwrap_or(Kind::Fixed(central));
        let p_lo = if input.lo.is_finite() {
            kind.cdf(input.lo)
        } else {
            0.0
        };
        let p_hi = if input.hi.is_finite() {
            kind.cdf(input.hi)
        } else {
            1.0
        };
        Quantile {
            kind,
            p_lo,
            p_hi,
            input: input.clone(),
        }
    }

    /// The value at probability `u` of the distribution truncated to the field's range.
    pub fn at(&self, u: f64) -> f64 {
        let p = self.p_lo + u * (self.p_hi - self.p_lo);
        let x = self.kind.inverse(p.clamp(0.0, 1.0));
        let x = if x.is_finite() {
            x
        } else {
            self.input.dist.central()
        };
        self.input.clamp(x)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use detente_core::slots::Slot;
    use detente_core::{Dist, Target};

    fn input(dist: Dist, lo: f64, hi: f64) -> Uncertain {
        Uncertain {
            name: "x".into(),
            dist,
            lo,
            hi,
            lo_open: false,
            slot: Slot::Field(Target::Capability { actor: 0 }),
        }
    }

    #[test]
    fn permutations_are_permutations() {
        for n in [1u64, 2, 3, 7, 64, 100, 1000, 4097] {
            let p = Permutation::new(n, 42);
            let mut seen = vec![false; n as usize];
            for i in 0..n {
                let j = p.at(i) as usize;
                assert!(!seen[j], "n = {n}: {j} twice");
                seen[j] = true;
            }
        }
    }

    #[test]
    fn latin_hypercube_uses_every_stratum_once() {
        let inputs = vec![
            input(Dist::Uniform { lo: 0.0, hi: 1.0 }, 0.0, 1.0),
            input(Dist::Uniform { lo: 0.0, hi: 1.0 }, 0.0, 1.0),
        ];
        let runs = 500;
        let s = Sampler::new(inputs, Design::LatinHypercube, 7, runs);
        let mut hit = vec![[false; 2]; runs as usize];
        let mut u = [0.0; 2];
        for r in 0..runs {
            s.unit(r, &mut u);
            for d in 0..2 {
                let k = (u[d] * runs as f64) as usize;
                assert!(!hit[k][d], "stratum {k} of input {d} used twice");
                hit[k][d] = true;
            }
        }
    }

    #[test]
    fn the_same_run_gives_the_same_numbers_whatever_else_is_drawn() {
        let inputs = vec![input(
            Dist::Normal { mean: 0.0, sd: 1.0 },
            f64::NEG_INFINITY,
            f64::INFINITY,
        )];
        for design in [Design::MonteCarlo, Design::LatinHypercube] {
            let s = Sampler::new(inputs.clone(), design, 3, 1000);
            let (mut a, mut b) = ([0.0], [0.0]);
            s.values(617, &mut a);
            for r in 0..1000 {
                s.values(r, &mut b);
            }
            s.values(617, &mut b);
            assert_eq!(a[0].to_bits(), b[0].to_bits());
        }
    }

    #[test]
    fn monte_carlo_matches_the_distribution() {
        // Normal(10, 2): mean within 4 standard errors, sd within 3%, over 20,000 draws.
        let s = Sampler::new(
            vec![input(
                Dist::Normal {
                    mean: 10.0,
                    sd: 2.0,
                },
                f64::NEG_INFINITY,
                f64::INFINITY,
            )],
            Design::MonteCarlo,
            11,
            20_000,
        );
        let mut x = [0.0];
        let (mut sum, mut sq) = (0.0, 0.0);
        for r in 0..20_000 {
            s.values(r, &mut x);
            sum += x[0];
            sq += x[0] * x[0];
        }
        let mean = sum / 20_000.0;
        let sd = (sq / 20_000.0 - mean * mean).sqrt();
        assert!((mean - 10.0).abs() < 4.0 * 2.0 / 20_000f64.sqrt(), "{mean}");
        assert!((sd - 2.0).abs() < 0.06, "{sd}");
    }

    #[test]
    fn quantiles_by_hand_and_truncation() {
        let q = Quantile::new(&input(Dist::Uniform { lo: 2.0, hi: 4.0 }, 0.0, 10.0));
        assert!((q.at(0.25) - 2.5).abs() < 1e-12);
        let q = Quantile::new(&input(
            Dist::Triangular {
                lo: 0.0,
                mode: 1.0,
                hi: 2.0,
            },
            0.0,
            2.0,
        ));
        assert!((q.at(0.5) - 1.0).abs() < 1e-12);
        // Beta(2, 2) on [10, 20] is symmetric about 15.
        let q = Quantile::new(&input(
            Dist::Beta {
                a: 2.0,
                b: 2.0,
                lo: 10.0,
                hi: 20.0,
            },
            0.0,
            100.0,
        ));
        assert!((q.at(0.5) - 15.0).abs() < 1e-9);
        // A normal salience N(0.9, 0.2) truncated to 0..1: the median of the truncated
        // distribution lies below 0.9 and every draw is in range.
        let q = Quantile::new(&input(Dist::Normal { mean: 0.9, sd: 0.2 }, 0.0, 1.0));
        assert!(q.at(0.5) < 0.9);
        for k in 1..1000 {
            let x = q.at(k as f64 / 1000.0);
            assert!((0.0..=1.0).contains(&x));
        }
        // Lognormal: the median is exp(mu).
        let q = Quantile::new(&input(
            Dist::LogNormal {
                mu: 1.0,
                sigma: 0.5,
            },
            0.0,
            f64::INFINITY,
        ));
        assert!((q.at(0.5) - 1f64.exp()).abs() < 1e-9);
    }
}
