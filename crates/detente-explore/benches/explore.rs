//! Monte Carlo throughput on the machine's cores (rayon's default pool):
//! - `eum` on the EC car-emissions case with every capability, position and salience uncertain
//!   (triangular, +-20% capability, +-1 point position, +-0.1 salience), 10,000 runs;
//! - the bundled ceasefire scenario (7 uncertain inputs, war model), 10,000 runs; a million runs
//!   take 100 times as long;
//! - `eval` on that sweep's 10,000 input rows (checks, then the same model runs).
//!
//! `cargo bench -p detente-explore --bench explore`.

// criterion_group! makes an undocumented `pub fn benches`; a bench has no readers of docs.
#![allow(missing_docs)]

use criterion::{Criterion, criterion_group, criterion_main};
use detente_core::model::by_name;
use detente_core::{Dist, Param, Scenario, parse_toml};
use detente_explore::eval::{Inputs, evaluate};
use detente_explore::explore::Plan;
use detente_explore::sample::Design;
use std::hint::black_box;

fn load(path: &str) -> Scenario {
    let p = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .join(path);
    parse_toml(&std::fs::read_to_string(p).unwrap()).unwrap()
}

/// `x` as a triangular distribution from `x - d` to `x + d`, cut to `lo..hi`.
fn around(x: f64, d: f64, lo: f64, hi: f64) -> Param {
    Param::Dist(Dist::Triangular {
        lo: (x - d).max(lo),
        mode: x,
        hi: (x + d).min(hi),
    })
}

fn uncertain_ec() -> Scenario {
    let mut sc = load("scenarios/ec-car-emissions.toml");
    let scale = sc.issues[0].scale;
    for a in &mut sc.actors {
        let c = a.capability.value();
        a.capability = around(c, 0.2 * c, 0.0, f64::INFINITY);
        for s in a.stances.iter_mut().flatten() {
            s.position = around(s.position.value(), 1.0, scale.lo, scale.hi);
            s.salience = around(s.salience.value(), 0.1, 0.0, 1.0);
        }
    }
    assert_eq!(sc.uncertain_slots().len(), 30);
    sc
}

fn bench(c: &mut Criterion) {
    let mut g = c.benchmark_group("explore");
    g.sample_size(10);
    let ec = uncertain_ec();
    let plan = Plan::new(ec, by_name("eum").unwrap(), Design::MonteCarlo, 1, 10_000);
    g.bench_function("eum: EC, 30 uncertain inputs, 10,000 runs", |b| {
        b.iter(|| black_box(plan.rows(0..10_000).unwrap().len()))
    });
    let war = load("scenarios/ukraine-ceasefire-2026.toml");
    let plan = Plan::new(war, by_name("war").unwrap(), Design::MonteCarlo, 1, 10_000);
    g.bench_function("war: ceasefire scenario, 10,000 runs", |b| {
        b.iter(|| black_box(plan.rows(0..10_000).unwrap().len()))
    });
    // The same rows' inputs given to `eval`: checking them and running the model.
    let rows = plan.rows(0..10_000).unwrap();
    let k = plan.inputs().len();
    let inputs = Inputs {
        columns: plan.inputs().iter().map(|u| u.name.clone()).collect(),
        values: (0..k)
            .map(|j| rows.iter().map(|r| r[j]).collect())
            .collect(),
        ..Inputs::default()
    };
    let (sc, m) = (plan.scenario.clone(), plan.model);
    g.bench_function("eval: ceasefire scenario, 10,000 given rows", |b| {
        b.iter(|| black_box(evaluate(&sc, m, &inputs, 1).unwrap().len()))
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
