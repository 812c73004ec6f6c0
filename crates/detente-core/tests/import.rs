//! The importers on the real files in `data/`, and the round trip through TOML.

use detente_core::emit::to_toml;
use detente_core::import::{Format, detect, import};
use detente_core::parse_toml;

fn data(path: &str) -> String {
    let p = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../data")
        .join(path);
    std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

fn round_trip(format: Format, text: &str) -> usize {
    let im = import(format, text, "case").unwrap_or_else(|d| panic!("{d:#?}"));
    for item in &im.items {
        let toml = to_toml(&item.scenario, &im.header);
        assert_eq!(parse_toml(&toml).unwrap(), item.scenario, "{toml}");
    }
    im.items.len()
}

#[test]
fn classic_ec_case() {
    let text = data("bdm/ec-car-emissions-1994.csv");
    assert_eq!(detect(&text), Format::Classic);
    let im = import(Format::Classic, &text, "ec-car").unwrap();
    let s = &im.items[0].scenario;
    assert_eq!(s.issues[0].id, "ec_car");
    assert_eq!((s.issues[0].scale.lo, s.issues[0].scale.hi), (4.0, 10.0));
    assert_eq!(s.actors.len(), 10);
    assert_eq!(s.actors[3].id, "germany");
    assert_eq!(s.actors[3].capability.value(), 0.16);
    assert!(im.warnings[0].message.contains("no scale"));
    round_trip(Format::Classic, &text);
}

#[test]
fn classic_headers_any_case_and_order() {
    let text = "salience;ACTOR;Position;capability\n0.5;A;10;2\n1;B;20;1\n";
    assert_eq!(detect(text), Format::Classic);
    let s = &import(Format::Classic, text, "t").unwrap().items[0].scenario;
    assert_eq!(s.actors[1].stances[0].unwrap().position.value(), 20.0);
    assert_eq!(s.actors[0].stances[0].unwrap().salience.value(), 0.5);
}

#[test]
fn classic_errors_point_at_cells() {
    let text = "Actor,Capability,Position,Salience\nA,abc,10,0.5\nB,1,10,1.7\nA,1,3\n";
    let errs = import(Format::Classic, text, "t").unwrap_err();
    let at = |d: &detente_core::Diagnostic| &text[d.span.clone().unwrap()];
    assert!(
        errs.iter()
            .any(|d| d.message.contains("`abc` is not a number") && at(d) == "abc")
    );
    assert!(
        errs.iter()
            .any(|d| d.message.contains("salience of actor `b`") && at(d) == "1.7")
    );
    assert!(
        errs.iter()
            .any(|d| d.message.contains("line 4 has 3 fields"))
    );
    let missing = import(Format::Classic, "Actor,Power,Position,Salience\n", "t").unwrap_err();
    assert!(missing[0].message.contains("no `capability` column"));
}

#[test]
fn ktab_files() {
    for (file, actors, dims) in [
        ("SOE-Policy.csv", 26, 1),
        ("SOE-Pol-Comp.csv", 13, 2),
        ("dummyData_3Dim.csv", 7, 3),
    ] {
        let text = data(&format!("ktab/{file}"));
        assert_eq!(detect(&text), Format::Ktab, "{file}");
        let im = import(Format::Ktab, &text, "k").unwrap();
        let s = &im.items[0].scenario;
        assert_eq!((s.actors.len(), s.issues.len()), (actors, dims), "{file}");
        round_trip(Format::Ktab, &text);
    }
    let s = import(Format::Ktab, &data("ktab/SOE-Pol-Comp.csv"), "k")
        .unwrap()
        .items
        .remove(0)
        .scenario;
    assert_eq!(
        s.issues.iter().map(|i| i.id.as_str()).collect::<Vec<_>>(),
        ["policy", "competitive"]
    );
    // ZG: 35.0, 30, 28.9, 15, 65.1 -> saliences divided by 100.
    let zg = &s.actors[2];
    assert_eq!(
        (zg.id.as_str(), zg.name.as_deref()),
        ("zg", Some("Zhang Gaoli"))
    );
    assert_eq!(zg.stances[1].unwrap().salience.value(), 0.651);
    assert_eq!(zg.stances[1].unwrap().position.value(), 15.0);
}

#[test]
fn ktab_count_mismatch_is_an_error() {
    let text = "T,desc,3,1\nActor,Description,Power,P1,S1\nA,a,1,50,50\nB,b,1,60,50\n";
    let errs = import(Format::Ktab, text, "k").unwrap_err();
    assert!(
        errs[0]
            .message
            .contains("numActors says 3, but the file has 2"),
        "{errs:?}"
    );
    assert_eq!(&text[errs[0].span.clone().unwrap()], "3");
}

const DECIDE: &str = "#O\tToy\n#A\tUSA\tUnited States\n#A\tEU\tEuropean Union\n#P\tcuts\tEmission cuts\n\
#M\tcuts\t0\n#M\tcuts\t50\n#D\tUSA\tcuts\t10\t0.9\t0.6\n#D\tEU\tcuts\t40\t0.5\t0.4\n";

#[test]
fn decide_toy_case() {
    assert_eq!(detect(DECIDE), Format::Decide);
    let im = import(Format::Decide, DECIDE, "toy").unwrap();
    let s = &im.items[0].scenario;
    assert_eq!(s.meta.name.as_deref(), Some("Toy"));
    assert_eq!((s.issues[0].scale.lo, s.issues[0].scale.hi), (0.0, 50.0));
    assert_eq!(s.actors[1].id, "eu");
    assert_eq!(s.actors[1].capability.value(), 0.4);
    round_trip(Format::Decide, DECIDE);
}

#[test]
fn decide_reports_every_problem() {
    let bad = DECIDE
        .replace("10\t0.9\t0.6", "70\t0.9\t-0.6")
        .replace("#D\tEU", "#D\tEUU");
    let errs = import(Format::Decide, &bad, "toy").unwrap_err();
    let msgs: Vec<&str> = errs.iter().map(|d| d.message.as_str()).collect();
    assert!(
        msgs.iter().any(|m| m.contains("power of `USA` is -0.6")),
        "{msgs:?}"
    );
    assert!(
        msgs.iter().any(|m| m.contains("unknown actor `EUU`")),
        "{msgs:?}"
    );
    let help = errs
        .iter()
        .find(|d| d.message.contains("EUU"))
        .unwrap()
        .help
        .clone()
        .unwrap();
    assert!(help.contains("did you mean `EU`"), "{help}");
    let inconsistent = DECIDE.replace(
        "#D\tEU\tcuts\t40\t0.5\t0.4\n",
        "#D\tEU\tcuts\t40\t0.5\t0.4\n#P\tx\tX\n#D\tEU\tx\t4\t0.5\t0.3\n",
    );
    let errs = import(Format::Decide, &inconsistent, "toy").unwrap_err();
    assert!(
        errs.iter().any(|d| d
            .message
            .contains("power of `EU` is 0.3 here but 0.4 on line 8")),
        "{errs:?}"
    );
}

#[test]
fn deu_one_scenario_per_issue() {
    let text = data("deu/deu3-train.tsv");
    assert_eq!(detect(&text), Format::Deu);
    let im = import(Format::Deu, &text, "deu").unwrap();
    assert_eq!(im.items.len(), 264);
    let first = &im.items[0];
    assert_eq!(first.key, "d00060i1");
    let s = &first.scenario;
    // Row 1: pcom 100, pep 50, no reference point, outcome 50.
    assert_eq!(s.issues[0].status_quo, None);
    assert_eq!(s.issues[0].observed, Some(50.0));
    assert_eq!(s.actors[0].id, "com");
    assert_eq!(s.actors[0].stances[0].unwrap().position.value(), 100.0);
    assert!(s.actors.iter().all(|a| a.capability.value() == 1.0));
    let with_outcome = im
        .items
        .iter()
        .filter(|i| i.scenario.issues[0].observed.is_some())
        .count();
    assert_eq!(
        with_outcome, 253,
        "the README counts 253 issues with an outcome"
    );
    assert!(im.warnings.iter().any(|w| {
        w.message
            .contains("44 position(s) on 10 issue(s) have no salience")
    }));
    assert_eq!(round_trip(Format::Deu, &text), 264);
}

#[test]
fn bom_and_crlf_are_read() {
    let text = "\u{feff}Actor,Capability,Position,Salience\r\nA,1,10,0.5\r\nB,1,20,0.5\r\n";
    assert_eq!(detect(text), Format::Classic);
    let im = import(Format::Classic, text, "t").unwrap();
    assert_eq!(im.items[0].scenario.actors.len(), 2);
    let bad = "\u{feff}Actor,Capability,Position,Salience\r\nA,x,10,0.5\r\n";
    let errs = import(Format::Classic, bad, "t").unwrap_err();
    let e = errs.iter().find(|d| d.is_error()).unwrap();
    assert_eq!(&bad[e.span.clone().unwrap()], "x");
}

#[test]
fn bundled_scenarios_are_valid() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../scenarios");
    let mut n = 0;
    for e in std::fs::read_dir(dir).unwrap() {
        let path = e.unwrap().path();
        // The claims about a scenario live in scenarios/claims/ and are not scenarios.
        if path.is_dir() {
            continue;
        }
        let text = std::fs::read_to_string(&path).unwrap();
        parse_toml(&text).unwrap_or_else(|d| panic!("{}: {d:#?}", path.display()));
        assert!(
            text.starts_with("# "),
            "{}: a bundled scenario starts with its source",
            path.display()
        );
        n += 1;
    }
    assert!(n >= 2);
}

/// Every bundled scenario, with its war, blocs, shocks, policies and model options, reads back
/// the same after `emit::to_toml`: what `detente import` writes is the format itself.
#[test]
fn bundled_scenarios_round_trip_through_emit() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../scenarios");
    for e in std::fs::read_dir(dir).unwrap() {
        let path = e.unwrap().path();
        // The claims about a scenario live in scenarios/claims/ and are not scenarios.
        if path.is_dir() {
            continue;
        }
        let mut s = parse_toml(&std::fs::read_to_string(&path).unwrap()).unwrap();
        // Non-default model options must survive too.
        s.models.eum.q = 0.5;
        s.models.eum.stop = detente_core::Stop::Converged;
        s.models.exchange.rounds = 3;
        let text = to_toml(&s, &[]);
        assert_eq!(
            parse_toml(&text).unwrap_or_else(|d| panic!("{d:#?}\n{text}")),
            s,
            "{}",
            path.display()
        );
    }
}
