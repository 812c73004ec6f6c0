//! Fuzzes format detection, every importer, the TOML parser and validator, the TOML writer
//! (round trip) and every model.
//!
//! Invariants checked, for any UTF-8 input and every format:
//! - nothing panics (parsing, validation, emitting, running a model);
//! - every diagnostic span, on errors and on warnings, lies within the input and on char
//!   boundaries (the renderer slices the text with it);
//! - every imported scenario, written with `emit::to_toml`, reads back with `parse_toml` as
//!   the same scenario. A validated scenario holds only finite numbers, so `==` is exact;
//! - every model's outcomes alone equal its full run's, bit for bit.

#![no_main]

use detente_core::Diagnostic;
use detente_core::import::{self, Format};
use libfuzzer_sys::fuzz_target;

const FORMATS: [Format; 5] = [Format::Toml, Format::Classic, Format::Ktab, Format::Decide, Format::Deu];

fn check_spans(text: &str, format: Format, diags: &[Diagnostic]) {
    for d in diags {
        if let Some(span) = &d.span {
            assert!(
                span.start <= span.end && text.get(span.clone()).is_some(),
                "{format:?}: diagnostic span {span:?} is not a char-boundary range of the {}-byte input: {d:?}",
                text.len()
            );
        }
    }
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let _ = import::detect(text);
    for format in FORMATS {
        match import::import(format, text, "fuzz") {
            Err(diags) => check_spans(text, format, &diags),
            Ok(imported) => {
                check_spans(text, format, &imported.warnings);
                for item in &imported.items {
                    let toml = detente_core::emit::to_toml(&item.scenario, &[]);
                    match detente_core::parse_toml(&toml) {
                        Ok(s) => assert!(
                            s == item.scenario,
                            "{format:?}: round trip changed the scenario\n--- emitted:\n{toml}\n--- before: {:?}\n--- after: {s:?}",
                            item.scenario
                        ),
                        Err(ds) => panic!("{format:?}: emitted TOML does not read back: {ds:?}\n--- emitted:\n{toml}"),
                    }
                    // Sweeps ask for the outcomes alone: they must equal the full run's, bit for
                    // bit, and fail exactly when it fails.
                    let opts = Default::default();
                    for m in detente_core::model::all() {
                        let full = m.run(&item.scenario, &opts);
                        let mut lean = Vec::new();
                        let r = m.outcomes(&item.scenario, &opts, &mut lean);
                        match (full, r) {
                            (Ok(full), Ok(())) => {
                                let full: Vec<u64> =
                                    full.outcomes.iter().map(|o| o.unwrap_or(f64::NAN).to_bits()).collect();
                                let lean: Vec<u64> = lean.iter().map(|x| x.to_bits()).collect();
                                assert_eq!(full, lean, "{}: outcomes differ from the run's", m.info().name);
                            }
                            (Err(_), Err(_)) => {}
                            (full, lean) => panic!(
                                "{}: run {:?} but outcomes {:?}",
                                m.info().name,
                                full.is_ok(),
                                lean.is_ok()
                            ),
                        }
                    }
                    // Every model, plain and (a cheap extra) under each policy.
                    let policies = item.scenario.policies.iter().map(|p| Some(p.id.as_str()));
                    for policy in std::iter::once(None).chain(policies) {
                        for m in detente_core::model::all() {
                            let _ = detente_core::output::run(&item.scenario, "fuzz", *m, policy, &Default::default());
                        }
                    }
                }
            }
        }
    }
});
