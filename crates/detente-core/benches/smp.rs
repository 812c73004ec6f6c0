//! KTAB's spatial model with KTAB's deterministic reference settings, on the SOE-Pol-Comp input
//! (13 actors x 2 dimensions) and on inputs of the same shape with 40, 80 and 160 actors: the
//! 13 actors repeated, each copy's positions moved by up to +-5 points and its capability by up
//! to +-20% (seeded, so every run benchmarks the same input).
//! `cargo bench -p detente-core --bench smp`.

// criterion_group! makes an undocumented `pub fn benches`; a bench has no readers of docs.
#![allow(missing_docs)]

use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use detente_core::import::{Format, import};
use detente_core::model::smp::{self, Actors, Positions};
use detente_core::scenario::SmpOptions;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use std::hint::black_box;

fn soe() -> (Actors, Positions) {
    let p =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../data/ktab/SOE-Pol-Comp.csv");
    let text = std::fs::read_to_string(p).unwrap();
    let sc = import(Format::Ktab, &text, "soe")
        .unwrap()
        .items
        .remove(0)
        .scenario;
    let p = smp::prepare(&sc);
    (p.actors, p.start)
}

/// `n` actors shaped like the 13 of SOE-Pol-Comp.
fn scaled(n: usize) -> (Actors, Positions) {
    let (base, start) = soe();
    let d = base.dims;
    let mut rng = ChaCha8Rng::seed_from_u64(n as u64);
    let mut a = Actors {
        n,
        dims: d,
        capability: Vec::with_capacity(n),
        salience: Vec::with_capacity(n * d),
        fixed_risk: vec![None; n],
    };
    let mut pos = Vec::with_capacity(n * d);
    for i in 0..n {
        let b = i % base.n;
        let first = i < base.n;
        let jitter =
            |rng: &mut ChaCha8Rng, w: f64| if first { 0.0 } else { rng.random_range(-w..w) };
        a.capability
            .push(base.capability[b] * (1.0 + jitter(&mut rng, 0.2)));
        for k in 0..d {
            a.salience.push(base.salience[b * d + k]);
            pos.push((start.position[b * d + k] + jitter(&mut rng, 0.05)).clamp(0.0, 1.0));
        }
    }
    (
        a,
        Positions {
            ideal: pos.clone(),
            position: pos,
        },
    )
}

fn bench(c: &mut Criterion) {
    let opts = SmpOptions::default();
    let mut g = c.benchmark_group("smp: KTAB reference settings");
    g.sample_size(10);
    for n in [13, 40, 80, 160] {
        let (actors, start) = scaled(n);
        g.bench_with_input(BenchmarkId::new("actors", n), &n, |b, _| {
            b.iter(|| {
                let t = smp::simulate(
                    actors.clone(),
                    start.clone(),
                    &opts,
                    0,
                    false,
                    &mut |_, _, _| false,
                );
                black_box(t.states.len())
            })
        });
    }
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
