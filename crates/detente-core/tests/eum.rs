//! The expected utility model (`eum`): Table 2 of Scholz, Calbert & Smith (2011) on the EC
//! car-emissions case, the options, and properties on random scenarios.

use detente_core::model::{self, Round, RunOptions, RunResult};
use detente_core::output::run;
use detente_core::{Param, Scenario, parse_toml};
use proptest::prelude::*;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

fn data(path: &str) -> String {
    let p = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../")
        .join(path);
    std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

fn ec() -> Scenario {
    parse_toml(&data("scenarios/ec-car-emissions.toml")).unwrap()
}

/// The EC scenario with a `[models.eum]` table (and anything else) appended.
fn ec_with(extra: &str) -> Scenario {
    parse_toml(&format!(
        "{}\n{extra}",
        data("scenarios/ec-car-emissions.toml")
    ))
    .unwrap()
}

fn eum(s: &Scenario) -> RunResult {
    model::by_name("eum")
        .unwrap()
        .run(s, &RunOptions::default())
        .unwrap()
}

/// Table 2 of Scholz, Calbert & Smith (2011), rounds 1..8, Q = 1.0.
const PAPER_MEDIAN: [f64; 8] = [8.4, 9.9, 9.9, 9.9, 9.9, 7.4, 8.8, 9.6];
const PAPER_MEAN: [f64; 8] = [7.4, 7.5, 7.6, 7.3, 7.3, 7.4, 7.5, 7.6];

/// What this implementation gives, to 3 decimals (the test below pins it to 1e-3):
///
/// | round  | 1     | 2     | 3     | 4     | 5     | 6     | 7     | 8     |
/// |--------|-------|-------|-------|-------|-------|-------|-------|-------|
/// | median | 8.416 | 9.611 | 9.962 | 9.962 | 9.962 | 7.472 | 8.825 | 9.671 |
/// | mean   | 7.461 | 7.553 | 7.590 | 7.358 | 7.349 | 7.415 | 7.510 | 7.572 |
///
/// Within 0.1 of the paper: every mean, and the median of every round but round 2. In round 2
/// Belgium, whose position is the median from round 1 on, compromises with France from 8.416
/// to 9.611 (it moves |E_B / E_F| = 0.754 of the way); the paper's 9.9 needs a share of at least
/// 0.94. No variant of the ambiguous steps we tried (docs/models/eum.md) gives that share in
/// round 2 while keeping the other fifteen figures, and the rounds after it agree with the
/// paper again, so we take round 2 as a difference we cannot explain (possibly a misprint).
const OURS_MEDIAN: [f64; 8] = [8.416, 9.611, 9.962, 9.962, 9.962, 7.472, 8.825, 9.671];
const OURS_MEAN: [f64; 8] = [7.461, 7.553, 7.590, 7.358, 7.349, 7.415, 7.510, 7.572];

#[test]
fn ec_car_emissions_reproduces_table_2() {
    let r = eum(&ec());
    // Round 0 is the start: the weighted median 7 and the weighted mean 5.003 / 0.677.
    assert_eq!(r.rounds.len(), 9);
    assert_eq!(r.rounds[0].round, 0);
    assert_eq!(r.rounds[0].issues[0].median, 7.0);
    assert!((r.rounds[0].issues[0].mean - 5.003 / 0.677).abs() < 1e-12);
    assert!(r.rounds[0].moves.is_empty());

    let matches = |ours: f64, paper: f64| (ours - paper).abs() < 0.1;
    for k in 0..8 {
        let round = &r.rounds[k + 1];
        assert_eq!(round.round as usize, k + 1);
        let (median, mean) = (round.issues[0].median, round.issues[0].mean);
        assert!(
            (median - OURS_MEDIAN[k]).abs() < 1e-3,
            "round {}: median {median}",
            k + 1
        );
        assert!(
            (mean - OURS_MEAN[k]).abs() < 1e-3,
            "round {}: mean {mean}",
            k + 1
        );
        assert!(matches(mean, PAPER_MEAN[k]), "round {}: mean {mean}", k + 1);
        // Round 2 is the one figure that does not match (see OURS_MEDIAN).
        assert_eq!(
            matches(median, PAPER_MEDIAN[k]),
            k + 1 != 2,
            "round {}: median {median} vs {}",
            k + 1,
            PAPER_MEDIAN[k]
        );
    }
    // The forecast is the median after the last round.
    assert_eq!(r.outcomes, [Some(r.rounds[8].issues[0].median)]);
    // The median has not settled; the run says so.
    assert!(
        r.notes.iter().any(|n| n.contains("still moved")),
        "{:?}",
        r.notes
    );
}

/// Round 1 move by move, to 1e-9: the same moves and positions as the published trace of the
/// public Python replication of Scholz et al. (jmckib/dmasad, `Example.log`): Belgium
/// compromises with France to 8.415932315, Luxembourg gives way to Belgium (7), Ireland to
/// Luxembourg (4).
#[test]
fn ec_round_one_move_by_move() {
    let r = eum(&ec());
    let round = &r.rounds[1];
    let moves: Vec<(&str, &str, f64, &str)> = round
        .moves
        .iter()
        .map(|m| {
            (
                m.actor.as_str(),
                m.kind.as_str(),
                m.to,
                m.counterpart.as_deref().unwrap(),
            )
        })
        .collect();
    assert_eq!(moves.len(), 3, "{moves:?}");
    let find = |actor: &str| moves.iter().find(|m| m.0 == actor).unwrap();
    let b = find("belgium");
    assert_eq!((b.1, b.3), ("compromise", "france"));
    assert!((b.2 - 8.415932315426764).abs() < 1e-9, "{}", b.2);
    assert_eq!(
        find("luxembourg"),
        &("luxembourg", "conflict", 7.0, "belgium")
    );
    assert_eq!(find("ireland"), &("ireland", "conflict", 4.0, "luxembourg"));
    for m in &round.moves {
        assert_eq!(m.issue, "date");
        assert_eq!(m.from, r.rounds[0].issues[0].positions[&m.actor]);
        assert_eq!(m.to, round.issues[0].positions[&m.actor]);
    }
}

#[test]
fn ec_from_the_classic_csv_is_the_same() {
    use detente_core::import::{Format, import};
    let csv = import(
        Format::Classic,
        &data("data/bdm/ec-car-emissions-1994.csv"),
        "ec",
    )
    .unwrap();
    let a = eum(&csv.items[0].scenario);
    let b = eum(&ec());
    let medians =
        |r: &RunResult| -> Vec<f64> { r.rounds.iter().map(|x| x.issues[0].median).collect() };
    assert_eq!(medians(&a), medians(&b));
}

/// Q = 0.5 (Scholz et al.'s alternative) runs, and gives another path: the paper notes the
/// results are sensitive to Q.
#[test]
fn ec_with_q_one_half_runs() {
    let r = eum(&ec_with("[models.eum]\nq = 0.5\n"));
    assert_eq!(r.rounds.len(), 9);
    let x = r.outcomes[0].unwrap();
    assert!((4.0..=10.0).contains(&x), "{x}");
    for round in &r.rounds {
        let i = &round.issues[0];
        assert!(i.median.is_finite() && i.mean.is_finite());
        assert!(i.positions.values().all(|p| (4.0..=10.0).contains(p)));
    }
    let q1 = eum(&ec());
    assert_ne!(r.rounds, q1.rounds);
}

#[test]
fn rounds_option_sets_the_number_of_rounds() {
    let r = eum(&ec_with("[models.eum]\nrounds = 3\n"));
    assert_eq!(r.rounds.len(), 4);
    assert!((r.outcomes[0].unwrap() - OURS_MEDIAN[2]).abs() < 1e-3);
}

/// Two actors that agree, on 0..10; nothing moves unless a shock separates them.
const AGREED: &str = r#"
format = 1
[[issue]]
id = "x"
scale = [0, 10]
[[actor]]
id = "a"
capability = 1
position = { x = 6 }
salience = { x = 0.5 }
[[actor]]
id = "b"
capability = 3
position = { x = 6 }
salience = { x = 1 }
[models.eum]
stop = "converged"
rounds = 50
"#;

#[test]
fn converged_stops_early_and_says_so() {
    // Nothing moves in round 1, so the run stops there.
    let r = eum(&parse_toml(AGREED).unwrap());
    assert_eq!(r.rounds.len(), 2);
    assert_eq!(r.outcomes, [Some(6.0)]);
    assert!(
        r.notes.iter().any(|n| n.contains("converged in round 1")),
        "{:?}",
        r.notes
    );

    // A shock still to come keeps the run going: b moves to 0 at the start of round 5.
    let r = eum(&parse_toml(&format!(
        "{AGREED}\n[[shock]]\nat = 5\nset = \"b.position.x\"\nto = 0\n"
    ))
    .unwrap());
    assert!(r.rounds.len() >= 6, "{}", r.rounds.len());
    assert_eq!(r.rounds[4].issues[0].positions["b"], 6.0);
    assert_ne!(r.rounds[5].issues[0], r.rounds[4].issues[0]);

    // The EC case keeps moving: it runs to the cap and says it did not converge.
    let r = eum(&ec_with(
        "[models.eum]\nstop = \"converged\"\nrounds = 20\n",
    ));
    assert_eq!(r.rounds.len(), 21);
    assert!(
        r.notes.iter().any(|n| n.contains("did not converge")),
        "{:?}",
        r.notes
    );
    // Up to round 8 it is the same run as with `stop = "rounds"`.
    assert_eq!(r.rounds[..9], eum(&ec()).rounds[..]);
}

#[test]
fn dated_shocks_apply_at_the_start_of_their_round() {
    let plain = eum(&ec());
    let shocked = eum(&ec_with(
        "[[shock]]\nat = 3\nset = \"belgium.position.date\"\nto = 4\n",
    ));
    assert_eq!(shocked.rounds[..3], plain.rounds[..3]);
    // Belgium starts round 3 at 4 instead of 9.611.
    let b3 = shocked.rounds[3]
        .moves
        .iter()
        .find(|m| m.actor == "belgium")
        .map_or(shocked.rounds[3].issues[0].positions["belgium"], |m| m.from);
    assert_eq!(b3, 4.0);
    assert_ne!(shocked.rounds[3], plain.rounds[3]);
    // Through `output::run` the same, and no note that shocks were ignored.
    let out = run(
        &ec_with("[[shock]]\nat = 3\nset = \"belgium.position.date\"\nto = 4\n"),
        "ec",
        model::by_name("eum").unwrap(),
        None,
        &RunOptions::default(),
    )
    .unwrap();
    assert_eq!(out.issues[0].outcome, shocked.outcomes[0]);
    assert!(
        !out.notes.iter().any(|n| n.contains("no effect")),
        "{:?}",
        out.notes
    );
    // A shock after the last round is reported as having no effect.
    let late = eum(&ec_with(
        "[[shock]]\nat = 12\nset = \"belgium.position.date\"\nto = 4\n",
    ));
    assert_eq!(late.rounds, plain.rounds);
    assert!(
        late.notes
            .iter()
            .any(|n| n.contains("after the last round"))
    );
}

#[test]
fn a_given_risk_attitude_is_used() {
    // A risk attitude given for Belgium replaces the one the model derives from its exposure.
    let plain = eum(&ec());
    let s = data("scenarios/ec-car-emissions.toml")
        .replace("id = \"belgium\"\n", "id = \"belgium\"\nrisk = -1\n");
    let averse = eum(&parse_toml(&s).unwrap());
    assert_ne!(averse.rounds[1], plain.rounds[1]);
}

// ---------------------------------------------------------------------------------------------
// Properties.

/// One random actor: capability, position as a share of the scale, salience.
#[derive(Debug, Clone)]
struct A {
    c: f64,
    u: f64,
    s: f64,
}

fn actors() -> impl Strategy<Value = Vec<A>> {
    // Shared positions, the ends of the scale and zero saliences are where ties and divisions
    // by zero would hide, so they come up often.
    let u = prop_oneof![Just(0.0), Just(1.0), Just(0.5), 0.0..=1.0f64];
    let s = prop_oneof![Just(0.0), Just(1.0), 0.0..=1.0f64];
    prop::collection::vec(
        (0.01..1000.0f64, u, s).prop_map(|(c, u, s)| A { c, u, s }),
        2..=12,
    )
    .prop_map(|mut v| {
        if v.iter().all(|a| a.s <= 0.0) {
            v[0].s = 0.5;
        }
        v
    })
}

/// A scenario in TOML: one issue on [lo, hi], the actors in the given order (ids keep their
/// original index, so a shuffle changes only the order), eum options.
fn scenario(actors: &[(usize, A)], lo: f64, hi: f64, q: f64, rounds: u32) -> Scenario {
    let mut t = format!("format = 1\n[[issue]]\nid = \"i\"\nscale = [{lo:?}, {hi:?}]\n");
    for (k, a) in actors {
        let x = (lo + a.u * (hi - lo)).clamp(lo, hi);
        t.push_str(&format!(
            "[[actor]]\nid = \"a{k}\"\ncapability = {:?}\nposition = {{ i = {x:?} }}\nsalience = {{ i = {:?} }}\n",
            a.c, a.s
        ));
    }
    t.push_str(&format!("[models.eum]\nq = {q:?}\nrounds = {rounds}\n"));
    parse_toml(&t).unwrap_or_else(|e| panic!("{e:?}\n{t}"))
}

fn every_number(r: &RunResult) -> Vec<f64> {
    let mut v: Vec<f64> = r.outcomes.iter().flatten().copied().collect();
    for Round { issues, moves, .. } in &r.rounds {
        for i in issues {
            v.push(i.median);
            v.push(i.mean);
            v.extend(i.positions.values());
        }
        for m in moves {
            v.push(m.from);
            v.push(m.to);
        }
    }
    v
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn everything_stays_within_the_initial_positions_and_is_finite(
        actors in actors(),
        lo in -100.0..100.0f64,
        width in 0.1..1000.0f64,
        q in 0.0..=1.0f64,
        rounds in 1u32..12,
    ) {
        let indexed: Vec<(usize, A)> = actors.into_iter().enumerate().collect();
        let s = scenario(&indexed, lo, lo + width, q, rounds);
        let xs: Vec<f64> = s.stakes(0).iter().map(|k| k.position).collect();
        let (min, max) = xs.iter().fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), &x| (a.min(x), b.max(x)));
        let r = eum(&s);
        prop_assert_eq!(r.rounds.len(), rounds as usize + 1);
        for x in every_number(&r) {
            prop_assert!(x.is_finite(), "{}", x);
            prop_assert!(min <= x && x <= max, "{} outside {}..{}", x, min, max);
        }
    }

    #[test]
    fn actor_order_does_not_matter(
        actors in actors(),
        q in 0.0..=1.0f64,
        seed in any::<u64>(),
    ) {
        let indexed: Vec<(usize, A)> = actors.into_iter().enumerate().collect();
        let mut shuffled = indexed.clone();
        let mut state = seed | 1;
        for i in (1..shuffled.len()).rev() {
            state ^= state << 13; state ^= state >> 7; state ^= state << 17;
            shuffled.swap(i, (state % (i as u64 + 1)) as usize);
        }
        let a = eum(&scenario(&indexed, 0.0, 100.0, q, 8));
        let b = eum(&scenario(&shuffled, 0.0, 100.0, q, 8));
        prop_assert_eq!((a.outcomes, a.rounds, a.notes), (b.outcomes, b.rounds, b.notes));
    }

    #[test]
    fn one_shared_position_stays_put(
        actors in actors(),
        u in 0.0..=1.0f64,
        q in 0.0..=1.0f64,
    ) {
        let same: Vec<(usize, A)> = actors
            .into_iter()
            .map(|a| A { u, ..a })
            .enumerate()
            .collect();
        let s = scenario(&same, -5.0, 5.0, q, 8);
        let x = s.stakes(0)[0].position;
        let r = eum(&s);
        prop_assert_eq!(r.outcomes[0], Some(x));
        for round in &r.rounds {
            prop_assert!(round.moves.is_empty());
            prop_assert_eq!(round.issues[0].median, x);
            prop_assert_eq!(round.issues[0].mean, x);
        }
    }
}

/// Extreme but valid numbers: a scale as wide as f64 allows, tiny and huge capabilities, zero
/// saliences, the ends of the scale.
#[test]
fn extreme_valid_inputs_give_finite_results() {
    let s = parse_toml(
        r#"
format = 1
[[issue]]
id = "x"
scale = [-1.7976931348623157e308, 1.7976931348623157e308]
[[actor]]
id = "a"
capability = 1e-300
position = { x = -1.7976931348623157e308 }
salience = { x = 1 }
[[actor]]
id = "b"
capability = 1e300
position = { x = 1.7976931348623157e308 }
salience = { x = 0 }
[[actor]]
id = "c"
capability = 1e300
position = { x = 0 }
salience = { x = 1 }
[[actor]]
id = "d"
capability = 5
position = { x = 1e300 }
salience = { x = 0.3 }
[models.eum]
q = 0
rounds = 20
"#,
    )
    .unwrap();
    let r = eum(&s);
    for x in every_number(&r) {
        assert!(x.is_finite(), "{x}");
    }
}

/// Issues run independently, each on the actors with a position on it.
#[test]
fn issues_run_independently() {
    // A second issue on which only the Netherlands, Germany (4, salience 0.8) and the UK take a
    // position; the first issue must run exactly as alone.
    let text = data("scenarios/ec-car-emissions.toml")
        .replace(
            "position = { date = 4 }\nsalience = { date = 0.8 }",
            "position = { date = 4, other = 0 }\nsalience = { date = 0.8, other = 1 }",
        )
        .replace(
            "position = { date = 10 }\nsalience = { date = 0.9 }",
            "position = { date = 10, other = 1 }\nsalience = { date = 0.9, other = 0.5 }",
        )
        + "\n[[issue]]\nid = \"other\"\nscale = [0, 1]\n";
    let s = parse_toml(&text).unwrap();
    let r = eum(&s);
    let plain = eum(&ec());
    assert_eq!(r.outcomes.len(), 2);
    assert_eq!(r.outcomes[0], plain.outcomes[0]);
    for (a, b) in r.rounds.iter().zip(&plain.rounds) {
        assert_eq!(a.issues[0], b.issues[0]);
        assert_eq!(a.issues[1].id, "other");
        assert_eq!(a.issues[1].positions.len(), 3);
    }
}

// ---------------------------------------------------------------------------------------------
// The outcomes alone (`Model::outcomes`, what sweeps call) against the full run.

/// `outcomes` and `run`'s outcomes of every model on `s`, as bits (NaN for `None`), or both
/// errors.
fn assert_outcomes_match_run(s: &Scenario) {
    let opts = RunOptions { seed: 7 };
    for m in model::all() {
        let full = m.run(s, &opts).map(|r| {
            r.outcomes
                .iter()
                .map(|o| o.unwrap_or(f64::NAN).to_bits())
                .collect::<Vec<_>>()
        });
        // Appended after what is already there, as a row's inputs come first.
        let mut out = vec![1.5];
        let lean = m.outcomes(s, &opts, &mut out).map(|()| {
            assert_eq!(out[0], 1.5, "{}", m.info().name);
            out[1..].iter().map(|x| x.to_bits()).collect::<Vec<_>>()
        });
        assert_eq!(lean, full, "{}", m.info().name);
    }
}

/// The EC case with every capability, position and salience drawn around its value (so that no
/// two actors share a position, as in a sweep), under every option of the model.
#[test]
fn outcomes_alone_equal_the_runs_on_perturbed_ec_cases() {
    let variants = [
        "",
        "[models.eum]\nq = 0.5\n",
        "[models.eum]\nq = 0\nrounds = 12\n",
        "[models.eum]\nstop = \"converged\"\nrounds = 30\ntolerance = 0.01\n",
        "[[shock]]\nat = 3\nset = \"belgium.position.date\"\nto = 4\n",
        "[[shock]]\nat = 0\nset = \"france.salience.date\"\nto = 0.3\n",
    ];
    let mut rng = ChaCha8Rng::seed_from_u64(5);
    for (v, extra) in variants.iter().enumerate() {
        let base = ec_with(extra);
        for k in 0..if v == 0 { 400 } else { 60 } {
            let mut s = base.clone();
            // Every other case also shares some positions exactly, and fixes a risk attitude.
            let snap = k % 2 == 1;
            for a in &mut s.actors {
                let c = a.capability.value();
                a.capability = Param::Fixed(c * rng.random_range(0.8..1.2));
                for st in a.stances.iter_mut().flatten() {
                    let x = st.position.value();
                    let x = if snap && rng.random_bool(0.5) {
                        x
                    } else {
                        (x + rng.random_range(-1.0..1.0)).clamp(4.0, 10.0)
                    };
                    st.position = Param::Fixed(x);
                    let sal = st.salience.value();
                    st.salience = Param::Fixed((sal + rng.random_range(-0.1..0.1)).clamp(0.0, 1.0));
                }
            }
            if snap {
                s.actors[1].risk = Some(Param::Fixed(rng.random_range(-1.0..1.0)));
            }
            assert_outcomes_match_run(&s);
        }
    }
}

/// The same on every bundled scenario and data case as they are.
#[test]
fn outcomes_alone_equal_the_runs_on_the_bundled_scenarios() {
    for name in [
        "scenarios/ec-car-emissions.toml",
        "scenarios/china-soe-reform.toml",
        "scenarios/ukraine-ceasefire-2026.toml",
    ] {
        assert_outcomes_match_run(&parse_toml(&data(name)).unwrap());
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn outcomes_alone_equal_the_runs_bit_for_bit(
        actors in actors(),
        lo in -100.0..100.0f64,
        width in 0.1..1000.0f64,
        q in 0.0..=1.0f64,
        rounds in 1u32..12,
    ) {
        let indexed: Vec<(usize, A)> = actors.into_iter().enumerate().collect();
        assert_outcomes_match_run(&scenario(&indexed, lo, lo + width, q, rounds));
    }
}
