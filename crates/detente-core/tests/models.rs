//! The static models on real cases, against published and hand-computed figures.

use detente_core::import::{Format, import};
use detente_core::model::{self, RunOptions};
use detente_core::output::{RunError, run};
use detente_core::{Scenario, parse_toml};

fn data(path: &str) -> String {
    let p = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../")
        .join(path);
    std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

fn outcome(s: &Scenario, model: &str) -> Vec<f64> {
    let m = model::by_name(model).unwrap();
    run(s, "test", m, None, &RunOptions::default())
        .unwrap()
        .issues
        .iter()
        .map(|i| i.outcome.unwrap())
        .collect()
}

/// Bueno de Mesquita (1994), EC car emissions, as Table 1 of Scholz, Calbert & Smith (2011):
/// sum(c s x) / sum(c s) = 5.003 / 0.677 = 7.390 (3 decimals).
#[test]
fn ec_car_emissions_compromise_is_7_390() {
    let csv = import(
        Format::Classic,
        &data("data/bdm/ec-car-emissions-1994.csv"),
        "ec",
    )
    .unwrap();
    let from_csv = outcome(&csv.items[0].scenario, "compromise")[0];
    assert_eq!(format!("{from_csv:.3}"), "7.390");
    assert!((from_csv - 5.003 / 0.677).abs() < 1e-12);
    let bundled = parse_toml(&data("scenarios/ec-car-emissions.toml")).unwrap();
    assert_eq!(outcome(&bundled, "compromise")[0], from_csv);
}

/// Weighted median on the same case: weights c s by position are 4: 0.248, 7: 0.093,
/// 10: 0.336 (total 0.677); the cumulative weight first passes half (0.3385) at 7.
#[test]
fn ec_car_emissions_median_is_7() {
    let s = parse_toml(&data("scenarios/ec-car-emissions.toml")).unwrap();
    assert_eq!(outcome(&s, "median"), [7.0]);
}

#[test]
fn nash_refuses_without_status_quo() {
    let s = parse_toml(&data("scenarios/ec-car-emissions.toml")).unwrap();
    let err = run(
        &s,
        "ec",
        model::by_name("nash").unwrap(),
        None,
        &RunOptions::default(),
    )
    .unwrap_err();
    let RunError::Model(e) = err else {
        panic!("{err:?}")
    };
    assert!(e.message.contains("issue `date` has none"), "{}", e.message);
    assert!(e.help.unwrap().contains("status_quo"));
}

const THREE: &str = r#"
format = 1
[[issue]]
id = "x"
status_quo = 0
[[actor]]
id = "a"
capability = 1
position = { x = 60 }
salience = { x = 1 }
[[actor]]
id = "b"
capability = 4
position = { x = 100 }
salience = { x = 0.5 }
"#;

/// Hand-computed: weights a = 1, b = 2. Compromise (60 + 200) / 3 = 86.667. Median: b holds
/// 2/3 of the weight, so 100. Nash with q = 0: maximise ln(120 - x) + 2 ln(x) on [60, 100],
/// derivative -1/(120 - x) + 2/x = 0 at x = 80.
#[test]
fn three_models_hand_computed() {
    let s = parse_toml(THREE).unwrap();
    assert!((outcome(&s, "compromise")[0] - 260.0 / 3.0).abs() < 1e-12);
    assert_eq!(outcome(&s, "median"), [100.0]);
    assert!((outcome(&s, "nash")[0] - 80.0).abs() < 1e-9);
}

#[test]
fn policy_changes_the_scenario_before_the_run() {
    let text = format!(
        "{THREE}\n[[policy]]\nid = \"b_softens\"\n[[policy.shock]]\nat = 0\nset = \"b.position.x\"\nto = 70\n"
    );
    let s = parse_toml(&text).unwrap();
    let m = model::by_name("compromise").unwrap();
    let out = run(&s, "t", m, Some("b_softens"), &RunOptions::default()).unwrap();
    // (60 + 2 * 70) / 3
    assert!((out.issues[0].outcome.unwrap() - 200.0 / 3.0).abs() < 1e-12);
    assert_eq!(out.policy.as_deref(), Some("b_softens"));
    let err = run(&s, "t", m, Some("b_soften"), &RunOptions::default()).unwrap_err();
    assert!(matches!(err, RunError::UnknownPolicy(ref e) if e.known == ["b_softens"]));
}

#[test]
fn central_values_are_reported() {
    let text = THREE.replace("capability = 4", "capability = { triangular = [2, 4, 9] }");
    let s = parse_toml(&text).unwrap();
    let out = run(
        &s,
        "t",
        model::by_name("compromise").unwrap(),
        None,
        &RunOptions::default(),
    )
    .unwrap();
    assert_eq!(out.central_values.len(), 1);
    assert_eq!(out.central_values[0].field, "b.capability");
    assert_eq!(out.central_values[0].value, 4.0);
    assert!(out.notes.iter().any(|n| n.contains("central values")));
    assert!((out.issues[0].outcome.unwrap() - 260.0 / 3.0).abs() < 1e-12);
}

#[test]
fn blocs_speak_by_their_rule() {
    let text = format!(
        "{THREE}\n[[bloc]]\nid = \"mean\"\nmembers = [\"a\", \"b\"]\nrule = \"consensus\"\n\
         [[bloc]]\nid = \"med\"\nmembers = [\"a\", \"b\"]\nrule = \"qmv\"\n\
         [[bloc]]\nid = \"all\"\nmembers = [\"mean\", \"a\"]\nrule = \"unanimity\"\n"
    );
    let s = parse_toml(&text).unwrap();
    let out = run(
        &s,
        "t",
        model::by_name("median").unwrap(),
        None,
        &RunOptions::default(),
    )
    .unwrap();
    let pos: Vec<Option<f64>> = out.blocs.iter().map(|b| b.issues[0].position).collect();
    // Consensus: the weighted mean 86.667; qmv: the weighted median 100; unanimity: the member
    // nearest the status quo 0, which is a at 60 (nested bloc flattened, a counted once).
    assert!((pos[0].unwrap() - 260.0 / 3.0).abs() < 1e-12);
    assert_eq!(pos[1], Some(100.0));
    assert_eq!(pos[2], Some(60.0));
    assert_eq!(out.blocs[2].issues[0].members, 2);
    // Spread: sqrt((1 * (60 - m)^2 + 2 * (100 - m)^2) / 3) with m = 86.667.
    let m = 260.0 / 3.0;
    let sd = ((1.0 * (60.0 - m) * (60.0 - m) + 2.0 * (100.0 - m) * (100.0 - m)) / 3.0f64).sqrt();
    assert!((out.blocs[0].issues[0].spread - sd).abs() < 1e-12);
}

#[test]
fn models_list_has_sources() {
    for m in model::all() {
        let i = m.info();
        assert!(
            !i.summary.is_empty() && i.source.contains('('),
            "{}",
            i.name
        );
    }
    let names = model::names();
    assert_eq!(names[..4], ["compromise", "median", "nash", "war"]);
    let mut unique = names.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), names.len(), "model names are unique");
}
