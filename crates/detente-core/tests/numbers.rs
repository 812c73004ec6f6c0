//! Numbers that must not be silently wrong (issue 12, part 4): weighted sums near the ends of
//! the f64 range, scales as wide as it, tiny products, and every `[war]` parameter and model
//! option at the ends of its allowed range. Hostile inputs are built here, in the test.

use detente_core::model::{RunOptions, all, by_name};
use detente_core::{emit, output, parse_toml};
use proptest::prelude::*;

fn two_actors(cap_a: &str, cap_b: &str, sal_a: &str, sal_b: &str, scale: &str) -> String {
    format!(
        "format = 1\n[[issue]]\nid = \"x\"\n{scale}\nstatus_quo = 50\n\
         [[actor]]\nid = \"a\"\ncapability = {cap_a}\nposition = {{ x = 10 }}\nsalience = {{ x = {sal_a} }}\n\
         [[actor]]\nid = \"b\"\ncapability = {cap_b}\nposition = {{ x = 90 }}\nsalience = {{ x = {sal_b} }}\n"
    )
}

fn outcome(text: &str, model: &str) -> f64 {
    let sc = parse_toml(text).unwrap_or_else(|e| panic!("{}", e[0].message));
    let m = by_name(model).unwrap();
    let out = output::run(&sc, "t", m, None, &RunOptions::default()).unwrap();
    let v = serde_json::to_value(&out).unwrap();
    v["issues"][0]["outcome"].as_f64().unwrap_or(f64::NAN)
}

/// (10 x 0.5 + 90 x 0.8) / 1.3 = 77 / 1.3 = 59.2307..., for every common capability.
#[test]
fn compromise_of_huge_and_tiny_capabilities() {
    let want = 77.0 / 1.3;
    for cap in ["1e308", "1.7976931348623157e308", "1", "1e-200", "5e-324"] {
        for model in ["compromise", "exchange"] {
            let got = outcome(&two_actors(cap, cap, "0.5", "0.8", ""), model);
            assert!(
                (got - want).abs() < 1e-9,
                "{model}, capability {cap}: {got}"
            );
        }
        // 0.8 > 0.65 of the weight: the median is b's position; eum's forecast is a median too.
        for model in ["median", "eum"] {
            let got = outcome(&two_actors(cap, cap, "0.5", "0.8", ""), model);
            assert_eq!(got, 90.0, "{model}, capability {cap}");
        }
        // a and b pull both ways from the status quo: nash keeps it.
        assert_eq!(
            outcome(&two_actors(cap, cap, "0.5", "0.8", ""), "nash"),
            50.0
        );
    }
    // Capability x salience below the smallest f64 (1e-200 x 1e-200): still 59.23.
    let got = outcome(
        &two_actors("1e-200", "1e-200", "5e-201", "8e-201", ""),
        "compromise",
    );
    assert!((got - want).abs() < 1e-9, "{got}");
}

/// Collects the paths of nulls (NaN and infinities serialise as null) outside the fields
/// that docs/output.md documents as possibly absent.
fn nulls(v: &serde_json::Value, path: &str, out: &mut Vec<String>) {
    const MAY_BE_NULL: [&str; 31] = [
        "name",
        "observed",
        "policy",
        "counterpart",
        "low",
        "high",
        "description",
        "source",
        "time_unit",
        "status_quo",
        "victor",
        "collapse",
        "moved",
        "share",
        "time",
        "broken",
        "broken_by_a",
        "frozen",
        "within_12",
        "within_24",
        "within_60",
        "guarantees",
        "forces",
        "monitoring",
        "median_ceasefire_time",
        "mean_share",
        "mean_renewal",
        "position",
        "outcome",
        "round",
        "ceasefire_time",
    ];
    match v {
        serde_json::Value::Null => {
            let key = path.rsplit('.').next().unwrap_or("");
            let key = key.split('[').next().unwrap_or(key);
            if !MAY_BE_NULL.contains(&key) {
                out.push(path.to_string());
            }
        }
        serde_json::Value::Array(a) => {
            for (i, x) in a.iter().enumerate() {
                nulls(x, &format!("{path}[{i}]"), out);
            }
        }
        serde_json::Value::Object(m) => {
            for (k, x) in m {
                nulls(x, &format!("{path}.{k}"), out);
            }
        }
        _ => {}
    }
}

/// Runs every model that accepts the scenario; returns the paths of bad numbers.
fn bad_numbers(sc: &detente_core::Scenario, models: &[&str]) -> Vec<String> {
    let mut bad = Vec::new();
    for m in all().iter().filter(|m| models.contains(&m.info().name)) {
        if let Ok(out) = output::run(sc, "t", *m, None, &RunOptions::default()) {
            let v = serde_json::to_value(&out).unwrap();
            let mut n = Vec::new();
            nulls(&v, "", &mut n);
            // A stakeholder model always settles every issue.
            if m.info().name != "war" {
                for (k, i) in v["issues"].as_array().unwrap().iter().enumerate() {
                    if !i["outcome"].is_f64() {
                        n.push(format!("issues[{k}].outcome"));
                    }
                }
            }
            bad.extend(n.into_iter().map(|p| format!("{}: {p}", m.info().name)));
        }
    }
    bad
}

const STAKEHOLDER: [&str; 6] = ["compromise", "median", "nash", "exchange", "eum", "smp"];

#[test]
fn a_scale_as_wide_as_f64_gives_finite_outcomes_on_it() {
    let text = "format = 1\n[[issue]]\nid = \"x\"\nscale = [-1.7e308, 1.7e308]\nstatus_quo = 0\n\
        [[actor]]\nid = \"a\"\ncapability = 2\nposition = { x = -1.6e308 }\nsalience = { x = 0.5 }\n\
        [[actor]]\nid = \"b\"\ncapability = 1\nposition = { x = 1.5e308 }\nsalience = { x = 0.8 }\n\
        [[actor]]\nid = \"c\"\ncapability = 1\nposition = { x = 1e308 }\nsalience = { x = 0.3 }\n\
        [[bloc]]\nid = \"all\"\nmembers = [\"a\", \"b\", \"c\"]\nrule = \"consensus\"\n";
    let sc = parse_toml(text).unwrap();
    assert_eq!(bad_numbers(&sc, &STAKEHOLDER), Vec::<String>::new());
    for m in STAKEHOLDER {
        let x = outcome(text, m);
        assert!((-1.7e308..=1.7e308).contains(&x), "{m}: {x}");
    }
    // (-1.6 x 1 + 1.5 x 0.8 + 1 x 0.3) / 2.1 e308 = -0.1 / 2.1 e308.
    let got = outcome(text, "compromise");
    assert!((got / (-0.1e308 / 2.1) - 1.0).abs() < 1e-12, "{got}");
}

fn ceasefire() -> detente_core::Scenario {
    let p = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../scenarios/ukraine-ceasefire-2026.toml");
    parse_toml(&std::fs::read_to_string(p).unwrap()).unwrap()
}

/// With decisiveness 200 the powers of the strengths overflow; the balance must not.
#[test]
fn decisive_battles_keep_the_odds_finite() {
    let mut sc = ceasefire();
    sc.war.as_mut().unwrap().decisiveness = detente_core::Param::Fixed(200.0);
    assert_eq!(bad_numbers(&sc, &["war"]), Vec::<String>::new());
    let out = output::run(
        &sc,
        "t",
        by_name("war").unwrap(),
        None,
        &RunOptions::default(),
    )
    .unwrap();
    let v = serde_json::to_value(&out).unwrap();
    // Russia, with 60% of its power engaged, is the stronger, so at g = 200 it holds almost all
    // of the balance.
    let truth = v["rounds"][0]["truth"]["russia"].as_f64().unwrap();
    assert!((1.0 - 1e-6..=1.0).contains(&truth), "{truth}");
}

/// The value a slot is tried at for an end of its range: an infinite end becomes the largest
/// finite number, an open end the smallest positive one.
fn ends(u: &detente_core::slots::Uncertain) -> [f64; 2] {
    let hi = if u.hi.is_finite() { u.hi } else { f64::MAX };
    [u.clamp(u.lo), hi]
}

/// Every uncertain number of the ceasefire scenario, alone at either end of its allowed range,
/// gives documented numbers only, in every model that runs on it.
#[test]
fn every_war_parameter_at_either_end_is_finite() {
    let sc = ceasefire();
    let slots = sc.uncertain_slots();
    assert!(slots.len() >= 5, "{}", slots.len());
    let mut failures = Vec::new();
    let base = emit::to_toml(&sc, &[]);
    let full = parse_toml(&base).unwrap();
    for u in &slots {
        for x in ends(u) {
            let mut s = full.clone();
            s.set_slot(u.slot, x);
            let bad = bad_numbers(&s, &["war", "compromise", "eum"]);
            if !bad.is_empty() {
                failures.push(format!(
                    "{} = {x:e}: {:?}",
                    u.name,
                    &bad[..bad.len().min(3)]
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// Every fixed `[war]` number of the scenario at either end of its range (what the validator
/// accepts; written into the file and read back).
#[test]
fn fixed_war_numbers_at_their_extremes_are_finite() {
    let text = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../scenarios/ukraine-ceasefire-2026.toml"),
    )
    .unwrap();
    let cases: [(&str, &[&str]); 17] = [
        ("decisiveness", &["1e-300", "200", "1.7e308"]),
        ("discount", &["1e-300", "0.9999"]),
        ("horizon", &["1", "10000"]),
        ("front_speed", &["1e-300", "1e6"]),
        ("front_volatility", &["1e-300", "1e6"]),
        ("cost", &["0", "1e6"]),
        ("cost_growth", &["1e-300", "10"]),
        ("sanctions", &["0", "1e6"]),
        ("belief_strength", &["0.001", "1e6"]),
        ("leader_penalty", &["0", "1e6"]),
        ("rearm", &["0", "1"]),
        ("noise", &["1e-300", "1.7e308"]),
        ("weight", &["0", "1.7e308"]),
        ("guarantee_cost", &["0", "1e6"]),
        ("guarantee_share", &["0", "1"]),
        ("baseline_hazard", &["0", "0.999"]),
        ("sensitivity", &["0", "1.7e308"]),
    ];
    let mut failures = Vec::new();
    for (key, values) in cases {
        for v in values {
            let t = set_key(&text, key, v);
            let sc = match parse_toml(&t) {
                Ok(sc) => sc,
                Err(e) => {
                    failures.push(format!("{key} = {v} refused: {}", e[0].message));
                    continue;
                }
            };
            let bad = bad_numbers(&sc, &["war"]);
            if !bad.is_empty() {
                failures.push(format!("{key} = {v}: {:?}", &bad[..bad.len().min(3)]));
            }
        }
    }
    // And the rounds of peace examined, at their bound, with full rearmament.
    let t = set_key(&set_key(&text, "rearm", "1"), "horizon", "1000");
    let sc = parse_toml(&t).unwrap();
    failures.extend(bad_numbers(&sc, &["war"]));
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// Replaces the value of every `key = ...` line in `[war]` and its sides (for `horizon`, the
/// first line only: `[war.after]` has its own).
fn set_key(text: &str, key: &str, value: &str) -> String {
    let mut done = false;
    text.lines()
        .map(|l| match l.split_once(" = ") {
            Some((k, _)) if k.trim() == key && !(done && key == "horizon") => {
                done = true;
                format!("{key} = {value}")
            }
            _ => l.to_string(),
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// The model options at the ends of their documented ranges give finite outcomes.
#[test]
fn model_options_at_their_bounds_are_finite() {
    let p = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../scenarios/ec-car-emissions.toml");
    let text = std::fs::read_to_string(p).unwrap();
    for opts in [
        "[models.eum]\nq = 0\nrounds = 1000\nstop = \"converged\"\ntolerance = 1e-300",
        "[models.eum]\nq = 1\nrounds = 1\ntolerance = 1",
        "[models.exchange]\nrounds = 1000",
        "[models.smp]\nmax_turns = 500\nmin_turns = 500\nstop_ratio = 0\naccommodation = 0\nvictory = \"octic\"",
        "[models.smp]\nmax_turns = 1\nmin_turns = 1\nstop_ratio = 1\naccommodation = 1\nvictory = \"binary\"",
    ] {
        let sc = parse_toml(&format!("{text}\n{opts}\n"))
            .unwrap_or_else(|e| panic!("{opts}: {}", e[0].message));
        assert_eq!(
            bad_numbers(&sc, &STAKEHOLDER),
            Vec::<String>::new(),
            "{opts}"
        );
    }
}

fn scaled_pair() -> impl Strategy<Value = (f64, f64, f64, f64, i32, i32)> {
    (
        0.001..1.0f64,
        0.001..1.0f64,
        0.0..=100.0f64,
        0.0..=100.0f64,
        -1000..1000i32,
        -300..300i32,
    )
        .prop_map(|(c1, c2, x1, x2, ec, ex)| (c1, c2, x1, x2, ec, ex))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// Scaling all capabilities by 10^k, anywhere in the f64 range, leaves the compromise,
    /// median and nash outcomes where they are (to rounding).
    #[test]
    fn static_outcomes_do_not_depend_on_the_unit_of_capability((c1, c2, x1, x2, ec, _ex) in scaled_pair()) {
        let k = 2f64.powi(ec / 4);
        let text = |f: f64| format!(
            "format = 1\n[[issue]]\nid = \"x\"\nstatus_quo = 50\n\
             [[actor]]\nid = \"a\"\ncapability = {:e}\nposition = {{ x = {x1:?} }}\nsalience = {{ x = 0.5 }}\n\
             [[actor]]\nid = \"b\"\ncapability = {:e}\nposition = {{ x = {x2:?} }}\nsalience = {{ x = 0.8 }}\n",
            c1 * f, c2 * f);
        for m in ["compromise", "median", "nash"] {
            let (a, b) = (outcome(&text(1.0), m), outcome(&text(k), m));
            prop_assert!((a - b).abs() <= 1e-9 * (1.0 + a.abs()), "{m}: {a} vs {b} at 2^{}", ec / 4);
        }
    }

    /// Random combinations of the war's numbers within their ranges stay finite.
    #[test]
    fn random_war_parameters_are_finite(seed in any::<u64>()) {
        let sc = ceasefire();
        let slots = sc.uncertain_slots();
        let mut s = sc.clone();
        let mut r = seed;
        for u in &slots {
            r = r.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            let [lo, hi] = ends(u);
            let t = (r >> 11) as f64 / (1u64 << 53) as f64;
            // Half the draws at an end, half inside on a log-like spread.
            let x = match r % 4 { 0 => lo, 1 => hi, _ => u.clamp(lo + t * (hi.min(1e6) - lo)) };
            s.set_slot(u.slot, x);
        }
        let bad = bad_numbers(&s, &["war"]);
        prop_assert!(bad.is_empty(), "{:?}", &bad[..bad.len().min(3)]);
    }
}

/// A two-sided war on a 20..80 stakes scale (A at 80, B at 20), with `extra` added to `[war]`.
fn small_war(unit: &str, status_quo: &str, extra: &str) -> String {
    format!(
        "format = 1\n[scenario]\n{unit}\n[[issue]]\nid = \"x\"\n{status_quo}\n\
         [[actor]]\nid = \"a\"\ncapability = 1\nposition = {{ x = 80 }}\nsalience = {{ x = 1 }}\n\
         [[actor]]\nid = \"b\"\ncapability = 1\nposition = {{ x = 20 }}\nsalience = {{ x = 1 }}\n\
         [war]\nbelligerents = [\"a\", \"b\"]\nstakes = \"x\"\nforum = [\"a\", \"b\"]\n{extra}\n\
         [[war.side]]\nactor = \"a\"\ncost = 0.01\nleader_penalty = 0.2\n\
         [[war.side]]\nactor = \"b\"\ncost = 0.01\nresolve = 3\n"
    )
}

/// The war's defaults per year follow the time unit; the front starts at the status quo; the
/// scenario reads back the same after `emit`.
#[test]
fn war_defaults_follow_the_time_unit_and_the_status_quo() {
    for (unit, years) in [
        ("year", 1.0),
        ("Quarters", 0.25),
        (" month ", 1.0 / 12.0),
        ("week", 7.0 / 365.25),
        ("DAYS", 1.0 / 365.25),
    ] {
        assert_eq!(detente_core::years_per_unit(Some(unit)), Some(years));
        let text = small_war(&format!("time_unit = {unit:?}"), "status_quo = 35", "");
        let sc = parse_toml(&text).unwrap_or_else(|e| panic!("{unit}: {}", e[0].message));
        let w = sc.war.as_ref().unwrap();
        let close = |a: f64, b: f64| (a - b).abs() <= 1e-12 * b.abs();
        // |80 - 20| = 60 points between the belligerents; the defaults calibrated on the
        // shared COW wars (docs/models/war.md, "Defaults").
        assert!(close(w.front_speed.value(), 0.177 * 60.0 * years), "{unit}");
        assert!(
            close(w.front_volatility.value(), 0.182 * 60.0 * years.sqrt()),
            "{unit}"
        );
        assert_eq!(w.decisiveness.value(), 0.62);
        assert!(close(w.collapse.value(), 0.5 * years), "{unit}");
        // (35 - 20) / (80 - 20): A holds a quarter of the contested area.
        assert!(close(w.start, 0.25), "{}", w.start);
        assert_eq!((w.talks, w.step, w.substeps), (1.0, 1.0, 4));
        assert_eq!(w.sides[0].defeat_penalty, w.sides[0].leader_penalty);
        assert_eq!(w.sides[0].resolve, None);
        assert_eq!(w.sides[1].resolve, Some(detente_core::Param::Fixed(3.0)));
        let back = parse_toml(&emit::to_toml(&sc, &[])).unwrap();
        assert_eq!(back, sc, "{unit}");
    }
    for unit in [None, Some("round"), Some("fortnight"), Some("")] {
        assert_eq!(detente_core::years_per_unit(unit), None);
    }
    // Without a status quo the front starts in the middle; with every rate given, any unit will do.
    let text = small_war(
        "time_unit = \"turn\"",
        "",
        "front_speed = 1\nfront_volatility = 2\ncollapse = 0\ntalks = 3\nstep = 0.5\nsubsteps = 8",
    );
    let sc = parse_toml(&text).unwrap_or_else(|e| panic!("{}", e[0].message));
    let w = sc.war.as_ref().unwrap();
    assert_eq!(w.start, 0.5);
    assert_eq!((w.talks, w.step, w.substeps), (3.0, 0.5, 8));
    assert_eq!(parse_toml(&emit::to_toml(&sc, &[])).unwrap(), sc);
    // A step longer than the talks, talks beyond the horizon: refused.
    for (extra, field) in [
        ("talks = 2\nstep = 3", "war.step"),
        ("horizon = 5\ntalks = 6", "war.talks"),
        ("substeps = 0", "war.substeps"),
    ] {
        let e = parse_toml(&small_war("time_unit = \"month\"", "", extra)).unwrap_err();
        assert!(
            e.iter().any(|d| d.field.as_deref() == Some(field)),
            "{extra}: {:?}",
            e.iter().map(|d| &d.message).collect::<Vec<_>>()
        );
    }
}
