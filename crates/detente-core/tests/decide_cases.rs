//! The exchange model on the Decide cases (COP21, Copenhagen), and the invariants every run of
//! the model keeps (`tests/exchange.rs` checks the same ones on generated cases).
//!
//! The Decide files are GPL and not part of this repository, so these tests are ignored; run
//! them with the data: `DETENTE_SHARED_DATA=../shared/data cargo test -p detente-core --test
//! decide_cases -- --ignored` (`.ci/shared-data` does). A relative path is taken from the
//! workspace root.

use std::path::PathBuf;

use detente_core::Scenario;
use detente_core::import::{Format, import};
use detente_core::model::{Exchange, Model, RunOptions};

pub mod invariants {
    //! What every run of the exchange model must satisfy, recomputed from the scenario and the
    //! reported moves alone.

    use std::collections::BTreeMap;

    use detente_core::Scenario;
    use detente_core::model::{RunResult, weighted_mean};

    /// What a checked run did.
    #[derive(Debug, Clone, PartialEq)]
    pub struct Summary {
        /// Exchanges over the whole run, a pair of moves each.
        pub exchanges: usize,
        /// Rounds after the start (round 0).
        pub rounds: usize,
        /// Per issue: the compromise before any exchange and the final outcome.
        pub shifts: Vec<(String, f64, f64)>,
    }

    /// Positions by (actor, issue) index; `None` where the actor has no stance.
    type Positions = Vec<Vec<Option<f64>>>;

    /// The compromise c s x / c s of `pos` on issue k, in the scenario's actor order.
    fn compromise(sc: &Scenario, pos: &Positions, k: usize) -> f64 {
        weighted_mean(sc.actors.iter().enumerate().filter_map(|(a, actor)| {
            let s = actor.stances[k]?;
            Some((pos[a][k]?, actor.capability.value() * s.salience.value()))
        }))
    }

    fn salience(sc: &Scenario, a: usize, k: usize) -> f64 {
        sc.actors[a].stances[k].map_or(0.0, |s| s.salience.value())
    }

    /// Checks the run `r` of the exchange model on `sc` (a scenario without shocks):
    /// - moves come in pairs, two partners naming each other, each moving on a different issue
    ///   from where it stood towards where the partner stood, and no actor trades twice in a
    ///   round;
    /// - replaying the moves, both partners gain in expected utility -sum_k s_k |x_k - O_k|
    ///   (positions before the exchange as reference), and they gain equally;
    /// - every position stays within its issue's scale; nothing is NaN;
    /// - each round's `mean` is the compromise of the replayed positions, its positions are
    ///   the replayed ones, and the final outcomes are the compromise of the last positions.
    pub fn check(sc: &Scenario, r: &RunResult) -> Result<Summary, String> {
        if !sc.shocks.is_empty() {
            return Err("the replay assumes a scenario without shocks".into());
        }
        let m = sc.issues.len();
        let actor = |id: &str| sc.actor_index(id).ok_or(format!("unknown actor `{id}`"));
        let issue = |id: &str| sc.issue_index(id).ok_or(format!("unknown issue `{id}`"));
        let width = |k: usize| sc.issues[k].scale.width();
        let mut pos: Positions = sc
            .actors
            .iter()
            .map(|a| {
                a.stances
                    .iter()
                    .map(|s| s.map(|s| s.position.value()))
                    .collect()
            })
            .collect();
        let initial: Vec<f64> = (0..m).map(|k| compromise(sc, &pos, k)).collect();
        let mut exchanges = 0;
        for (n, round) in r.rounds.iter().enumerate() {
            let at = |what: String| format!("round {}: {what}", round.round);
            // Round 0 is the start: no moves yet.
            if round.round as usize != n {
                return Err(at(format!("expected round {n}")));
            }
            if n == 0 && !round.moves.is_empty() {
                return Err(at("moves before the first round".into()));
            }
            if round.moves.len() % 2 != 0 {
                return Err(at("an odd number of moves".into()));
            }
            let mut traded = BTreeMap::new();
            for pair in round.moves.chunks(2) {
                let (ma, mb) = (&pair[0], &pair[1]);
                let (a, b) = (actor(&ma.actor)?, actor(&mb.actor)?);
                let (u, v) = (issue(&ma.issue)?, issue(&mb.issue)?);
                let what = format!(
                    "{} on {} / {} on {}",
                    ma.actor, ma.issue, mb.actor, mb.issue
                );
                if ma.kind != "exchange" || mb.kind != "exchange" {
                    return Err(at(format!("{what}: kind is not `exchange`")));
                }
                if ma.counterpart.as_deref() != Some(&mb.actor)
                    || mb.counterpart.as_deref() != Some(&ma.actor)
                    || a == b
                    || u == v
                {
                    return Err(at(format!("{what}: not two partners on two issues")));
                }
                for x in [a, b] {
                    if traded.insert(x, ()).is_some() {
                        return Err(at(format!("{} trades twice", sc.actors[x].id)));
                    }
                }
                let before = pos.clone();
                let get = |p: &Positions, x: usize, k: usize| {
                    p[x][k].ok_or(at(format!(
                        "{what}: no stance of {} on {k}",
                        sc.actors[x].id
                    )))
                };
                for (mv, x, y, k) in [(ma, a, b, u), (mb, b, a, v)] {
                    let (from, partner) = (get(&before, x, k)?, get(&before, y, k)?);
                    let scale = sc.issues[k].scale;
                    if !mv.from.is_finite() || !mv.to.is_finite() {
                        return Err(at(format!("{what}: NaN in a move")));
                    }
                    if (mv.from - from).abs() > 1e-9 * width(k) {
                        return Err(at(format!("{what}: from {} but stood at {from}", mv.from)));
                    }
                    if !scale.contains(mv.to) {
                        return Err(at(format!("{what}: {} is off the scale", mv.to)));
                    }
                    // Towards the partner, and not past it.
                    let (d0, d1) = ((partner - from).abs(), (partner - mv.to).abs());
                    if d1 > d0 + 1e-9 * width(k) || (mv.to - from).abs() > d0 + 1e-9 * width(k) {
                        return Err(at(format!("{what}: not a move towards the partner")));
                    }
                    pos[x][k] = Some(mv.to);
                }
                // Expected utility before and after, with the positions before as reference;
                // only the outcomes of u and v change.
                let gain = |x: usize| {
                    [u, v]
                        .iter()
                        .map(|&k| {
                            let me = before[x][k].unwrap_or(f64::NAN);
                            let (o0, o1) = (compromise(sc, &before, k), compromise(sc, &pos, k));
                            salience(sc, x, k) * ((me - o0).abs() - (me - o1).abs())
                        })
                        .sum::<f64>()
                };
                let (ga, gb) = (gain(a), gain(b));
                if ga.is_nan() || gb.is_nan() || ga <= 0.0 || gb <= 0.0 {
                    return Err(at(format!(
                        "{what}: gains {ga} and {gb}, not both positive"
                    )));
                }
                if (ga - gb).abs() > 1e-6 * ga.max(gb) {
                    return Err(at(format!("{what}: unequal gains {ga} and {gb}")));
                }
                exchanges += 1;
            }
            if round.issues.len() != m {
                return Err(at("not one entry per issue".into()));
            }
            for (k, ri) in round.issues.iter().enumerate() {
                let tol = 1e-9 * width(k);
                if ri.id != sc.issues[k].id || !ri.median.is_finite() {
                    return Err(at(format!("issue {k}: wrong id or median {}", ri.median)));
                }
                let mean = compromise(sc, &pos, k);
                if !ri.mean.is_finite() || (ri.mean - mean).abs() > tol {
                    return Err(at(format!(
                        "{}: mean {} but the compromise is {mean}",
                        ri.id, ri.mean
                    )));
                }
                let expected: Vec<(&str, f64)> = (0..sc.actors.len())
                    .filter_map(|a| Some((sc.actors[a].id.as_str(), pos[a][k]?)))
                    .collect();
                if ri.positions.len() != expected.len() {
                    return Err(at(format!("{}: wrong set of positions", ri.id)));
                }
                for (id, x) in expected {
                    let got = ri.positions.get(id).copied().unwrap_or(f64::NAN);
                    if !got.is_finite()
                        || (got - x).abs() > tol
                        || !sc.issues[k].scale.contains(got)
                    {
                        return Err(at(format!("{}: {id} at {got}, replayed {x}", ri.id)));
                    }
                }
            }
        }
        if r.outcomes.len() != m || r.extra.is_some() {
            return Err("one outcome per issue and no war expected".into());
        }
        let mut shifts = Vec::new();
        for (k, (&outcome, &start)) in r.outcomes.iter().zip(&initial).enumerate() {
            let want = compromise(sc, &pos, k);
            match outcome {
                Some(o) if o.is_finite() && (o - want).abs() <= 1e-9 * width(k) => {
                    shifts.push((sc.issues[k].id.clone(), start, o));
                }
                o => {
                    return Err(format!(
                        "{}: outcome {o:?}, but the compromise of the final positions is {want}",
                        sc.issues[k].id
                    ));
                }
            }
        }
        Ok(Summary {
            exchanges,
            rounds: r.rounds.len().saturating_sub(1),
            shifts,
        })
    }
}

fn shared_data() -> PathBuf {
    let Some(dir) = std::env::var_os("DETENTE_SHARED_DATA") else {
        panic!(
            "DETENTE_SHARED_DATA is not set: point it at the shared data directory (the one \
             holding decide/cop21.csv), e.g. DETENTE_SHARED_DATA=../shared/data"
        );
    };
    let dir = PathBuf::from(dir);
    if dir.is_absolute() {
        dir
    } else {
        // Cargo runs tests from the package directory; scripts name paths from the root.
        PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("../..")
            .join(dir)
    }
}

fn decide(name: &str) -> Scenario {
    let path = shared_data().join("decide").join(name);
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    let mut imported = import(Format::Decide, &text, name)
        .unwrap_or_else(|d| panic!("{} does not import: {d:#?}", path.display()));
    assert_eq!(imported.items.len(), 1);
    imported.items.remove(0).scenario
}

#[allow(clippy::print_stderr)]
fn run_and_check(name: &str) -> invariants::Summary {
    let sc = decide(name);
    let r = Exchange.run(&sc, &RunOptions::default()).unwrap();
    let summary = invariants::check(&sc, &r).unwrap_or_else(|e| panic!("{name}: {e}"));
    // Shown with --nocapture: what the model did on the case.
    let shifts: Vec<String> = summary
        .shifts
        .iter()
        .map(|(id, a, b)| format!("{id} {a:.2} -> {b:.2}"))
        .collect();
    eprintln!(
        "{name}: {} exchanges in {} rounds; {}",
        summary.exchanges,
        summary.rounds,
        shifts.join(", ")
    );
    summary
}

#[test]
#[ignore = "needs the Decide data (GPL) from DETENTE_SHARED_DATA"]
fn cop21_keeps_the_invariants() {
    let s = run_and_check("cop21.csv");
    assert_eq!(s.shifts.len(), 13);
    assert!(
        s.exchanges > 0,
        "actors on opposite sides should find trades"
    );
}

#[test]
#[ignore = "needs the Decide data (GPL) from DETENTE_SHARED_DATA"]
fn copenhagen_keeps_the_invariants() {
    let s = run_and_check("copenhagen.csv");
    assert_eq!(s.shifts.len(), 7);
    assert!(
        s.exchanges > 0,
        "actors on opposite sides should find trades"
    );
}
