//! Cooperative cancellation (`detente_core::cancel`): a token nobody stops changes no number,
//! and a stopped one stops every iterative model with a typed error.

use detente_core::cancel::{Cancel, Stop};
use detente_core::model::{self, RunOptions};
use detente_core::output::{self, RunError};
use detente_core::parse_toml;

const SCENARIOS: [&str; 3] = [
    include_str!("../../../scenarios/ukraine-ceasefire-2026.toml"),
    include_str!("../../../scenarios/ec-car-emissions.toml"),
    include_str!("../../../scenarios/china-soe-reform.toml"),
];

fn json(r: &Result<output::RunOutput, RunError>) -> String {
    match r {
        Ok(o) => serde_json::to_string(o).unwrap(),
        Err(e) => format!("error: {e}"),
    }
}

#[test]
fn a_token_that_is_not_stopped_changes_no_output() {
    for text in SCENARIOS {
        let sc = parse_toml(text).unwrap();
        for m in model::all() {
            for seed in [0, 7] {
                let opts = RunOptions { seed };
                let plain = json(&output::run(&sc, "s", *m, None, &opts));
                let token = Cancel::new();
                let _in = token.enter();
                let under = json(&output::run(&sc, "s", *m, None, &opts));
                assert_eq!(plain, under, "{}", m.info().name);
            }
        }
    }
}

#[test]
fn a_stopped_token_stops_the_iterative_models() {
    let token = Cancel::new();
    token.stop(Stop::OutOfTime);
    let _in = token.enter();
    for (text, models) in [
        (SCENARIOS[0], &["war"][..]),
        (SCENARIOS[1], &["eum", "smp", "exchange"][..]),
    ] {
        let sc = parse_toml(text).unwrap();
        for name in models {
            let m = model::by_name(name).unwrap();
            let r = output::run(&sc, "s", m, None, &RunOptions { seed: 1 });
            assert!(
                matches!(r, Err(RunError::Stopped(Stop::OutOfTime))),
                "{name}: {}",
                json(&r)
            );
            // One war run is short; the war model stops in its ensemble (above).
            if *name != "war" {
                let mut out = vec![1.0];
                assert!(m.outcomes(&sc, &RunOptions { seed: 1 }, &mut out).is_err());
                assert_eq!(out, [1.0], "{name}: a failed `outcomes` appends nothing");
            }
        }
    }
    // The static models are one pass; they finish.
    let sc = parse_toml(SCENARIOS[1]).unwrap();
    let m = model::by_name("compromise").unwrap();
    assert!(output::run(&sc, "s", m, None, &RunOptions::default()).is_ok());
}
