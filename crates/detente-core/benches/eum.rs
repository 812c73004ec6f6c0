//! The expected utility model on the EC car-emissions case, 8 rounds (Scholz et al.'s Table 2):
//! the full run, and the outcomes alone (what a sweep asks for), both on the case as published
//! and on one with every position moved a little, as a sweep samples it (no two actors then
//! share a position, which makes a round dearer).
//! `cargo bench -p detente-core --bench eum`.

// criterion_group! makes an undocumented `pub fn benches`; a bench has no readers of docs.
#![allow(missing_docs)]

use criterion::{Criterion, criterion_group, criterion_main};
use detente_core::model::{self, RunOptions};
use detente_core::{Param, parse_toml};
use std::hint::black_box;

fn load(path: &str) -> detente_core::Scenario {
    let p = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .join(path);
    parse_toml(&std::fs::read_to_string(p).unwrap()).unwrap()
}

fn eum(c: &mut Criterion) {
    let sc = load("scenarios/ec-car-emissions.toml");
    assert_eq!(sc.models.eum.rounds, 8);
    let mut spread = sc.clone();
    for (k, a) in spread.actors.iter_mut().enumerate() {
        for s in a.stances.iter_mut().flatten() {
            let x = s.position.value() + 0.37 * (k as f64 - 4.5) / 4.5;
            s.position = Param::Fixed(x.clamp(4.0, 10.0));
        }
    }
    let m = model::by_name("eum").unwrap();
    let opts = RunOptions::default();
    c.bench_function("eum: EC car emissions, 8 rounds", |b| {
        b.iter(|| black_box(m.run(black_box(&sc), &opts).unwrap()))
    });
    let mut out = Vec::new();
    c.bench_function("eum: EC car emissions, 8 rounds, outcomes only", |b| {
        b.iter(|| {
            out.clear();
            m.outcomes(black_box(&sc), &opts, &mut out).unwrap();
            black_box(out[0])
        })
    });
    c.bench_function("eum: EC, positions spread, 8 rounds", |b| {
        b.iter(|| black_box(m.run(black_box(&spread), &opts).unwrap()))
    });
    c.bench_function("eum: EC, positions spread, 8 rounds, outcomes only", |b| {
        b.iter(|| {
            out.clear();
            m.outcomes(black_box(&spread), &opts, &mut out).unwrap();
            black_box(out[0])
        })
    });
}

criterion_group!(benches, eum);
criterion_main!(benches);
