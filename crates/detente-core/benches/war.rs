//! One run of the bundled ceasefire scenario (talks until a ceasefire, victory or the horizon,
//! then the peace after it), and the static models on the EC case.
//! `cargo bench -p detente-core --bench war`.

// criterion_group! makes an undocumented `pub fn benches`; a bench has no readers of docs.
#![allow(missing_docs)]

use criterion::{Criterion, criterion_group, criterion_main};
use detente_core::model::{self, RunOptions};
use detente_core::parse_toml;
use std::hint::black_box;

fn load(path: &str) -> detente_core::Scenario {
    let p = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .join(path);
    parse_toml(&std::fs::read_to_string(p).unwrap()).unwrap()
}

fn war(c: &mut Criterion) {
    let sc = load("scenarios/ukraine-ceasefire-2026.toml").at_start();
    let m = model::by_name("war").unwrap();
    let mut seed = 0u64;
    c.bench_function("war: one run of ukraine-ceasefire-2026", |b| {
        b.iter(|| {
            seed = seed.wrapping_add(1);
            black_box(m.run(black_box(&sc), &RunOptions { seed }).unwrap())
        })
    });
}

fn statics(c: &mut Criterion) {
    let sc = load("scenarios/ec-car-emissions.toml");
    for name in ["compromise", "median"] {
        let m = model::by_name(name).unwrap();
        c.bench_function(&format!("{name}: EC car emissions"), |b| {
            b.iter(|| black_box(m.run(black_box(&sc), &RunOptions::default()).unwrap()))
        });
    }
}

criterion_group!(benches, war, statics);
criterion_main!(benches);
