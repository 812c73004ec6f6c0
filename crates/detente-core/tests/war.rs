//! The war model against closed forms (Fearon 1995; Powell 2006; Beta updating) and its
//! comparative statics over seeded runs. Sources and equations: docs/models/war.md.

// The statics print their measured figures for the record.
#![allow(clippy::print_stderr)]

use detente_core::model::war::{Ending, WarResult, powell_margin, simulate};
use detente_core::{Param, Scenario, parse_toml};
use rand::{Rng, SeedableRng};

fn war_of(sc: &Scenario, seed: u64) -> WarResult {
    simulate(&sc.at_start(), seed).1
}

/// A one-battle war (front 1 of 2, one battle decides it) with battle odds p for A, costs
/// known or believed, no discounting: Fearon's (1995) setting.
fn one_battle(p: f64, c_a: f64, c_b: f64, extra_b: &str, proposer: &str) -> Scenario {
    parse_toml(&format!(
        r#"format = 1
[[issue]]
id = "x"
[[actor]]
id = "a"
capability = {}
position = {{ x = 100 }}
salience = {{ x = 1 }}
[[actor]]
id = "b"
capability = {}
position = {{ x = 0 }}
salience = {{ x = 1 }}
[war]
belligerents = ["a", "b"]
stakes = "x"
horizon = 1
front_steps = 2
front = 1
discount = 1
forum = ["a", "b"]
proposer = "{proposer}"
[[war.side]]
actor = "a"
cost = {c_a}
[[war.side]]
actor = "b"
cost = {c_b}
{extra_b}
"#,
        100.0 * p,
        100.0 * (1.0 - p)
    ))
    .unwrap_or_else(|d| panic!("{d:#?}"))
}

/// Fearon (1995): with complete information the bargaining range is [p - c_A, p + c_B], of
/// width c_A + c_B.
#[test]
fn complete_information_range() {
    for &(p, c_a, c_b) in &[(0.5, 0.1, 0.2), (0.7, 0.05, 0.15), (0.3, 0.2, 0.02)] {
        let w = war_of(&one_battle(p, c_a, c_b, "", "forum"), 0);
        let (lo, hi) = w.steps[0].range();
        assert!((lo - (p - c_a)).abs() < 1e-12, "{lo} vs {}", p - c_a);
        assert!((hi - (p + c_b)).abs() < 1e-12, "{hi} vs {}", p + c_b);
        assert!((hi - lo - (c_a + c_b)).abs() < 1e-12);
        // A wide-open range and an honest forum: peace at once.
        assert!(matches!(w.ending, Ending::Ceasefire { round: 1, .. }));
    }
}

/// Fearon (1995): A demands, B's cost is private, c_B ~ U[0, c_bar]. The optimal demand is
/// x* = p + (c_bar - c_A)/2 and the war probability (c_bar - c_A)/(2 c_bar). Simulated with
/// B's cost drawn 20,000 times; the war frequency must lie within 3 standard errors.
#[test]
fn take_it_or_leave_it_under_private_costs() {
    let (p, c_a, c_bar) = (0.5, 0.1, 0.4);
    let base = one_battle(p, c_a, 0.0, "cost_believed = [0, 0.4]", "a");
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(7);
    let runs = 20_000;
    let mut wars = 0;
    for i in 0..runs {
        let mut sc = base.clone();
        let c_b: f64 = rng.random::<f64>() * c_bar;
        sc.war.as_mut().unwrap().sides[1].cost = Param::Fixed(c_b);
        let w = war_of(&sc, i);
        let demand = w.steps[0].proposal;
        assert!(
            (demand - (p + (c_bar - c_a) / 2.0)).abs() < 1e-12,
            "demand {demand}"
        );
        if !w.steps[0].ceasefire {
            wars += 1;
        }
    }
    let expected = (c_bar - c_a) / (2.0 * c_bar);
    let freq = wars as f64 / runs as f64;
    let se = (expected * (1.0 - expected) / runs as f64).sqrt();
    assert!(
        (freq - expected).abs() < 3.0 * se,
        "P(war) {freq} vs {expected} (se {se})"
    );
}

/// A war nobody will settle (every settlement costs each leader more than it is worth), so
/// that the battles run on and beliefs can be watched.
fn endless(prior_a: f64, prior_b: f64, strength: f64, channel: bool) -> Scenario {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/data/war/statics.toml"
    ))
    .unwrap();
    let text = text
        .replace("front_steps = 10", "front_steps = 1000\nfront = 500")
        .replacen(
            "win_belief = 0.55",
            &format!("win_belief = {prior_a}\nleader_penalty = 10\nleader_threshold = 1"),
            1,
        )
        .replacen(
            "win_belief = 0.55",
            &format!(
                "win_belief = {}\nleader_penalty = 10\nleader_threshold = 1",
                1.0 - prior_b
            ),
            1,
        )
        .replace(
            "belief_strength = 10",
            &format!("belief_strength = {strength}"),
        )
        .replace("cost = 0.004", "cost = 0")
        .replace("weight = 2", &format!("weight = 2\nopen = {channel}"));
    parse_toml(&text).unwrap_or_else(|d| panic!("{d:#?}"))
}

/// Smith & Stam (2004): after n battles with w won by A, a Beta(a, b) belief has mean
/// (a + w) / (a + b + n); with equal prior strength s the gap between the two sides' beliefs
/// shrinks to gap_0 s / (s + n).
#[test]
fn battlefield_beliefs_update_by_bayes() {
    let s = 10.0;
    // A believes it wins 70% of battles; B believes A wins 40%.
    let sc = endless(0.7, 0.4, s, false);
    let w = war_of(&sc, 3);
    assert_eq!(w.steps.len(), 48, "no ceasefire, no victory");
    let gap0 = 0.7 - 0.4;
    let mut wins = 0.0;
    for (n, st) in w.steps.iter().enumerate() {
        let n = n as f64;
        let mean_a = st.belief[0];
        assert!(
            (mean_a - (0.7 * s + wins) / (s + n)).abs() < 1e-12,
            "round {}: {mean_a}",
            st.round
        );
        assert!(
            (st.gap() - gap0 * s / (s + n)).abs() < 1e-12,
            "round {}: gap {}",
            st.round,
            st.gap()
        );
        if st.battle == Some(0) {
            wins += 1.0;
        }
    }
}

/// Powell (2006): a declining side fights iff delta (p1 - p2) > (1 - p1) + (1 - delta) c.
#[test]
fn powell_condition() {
    // 0.9 * 0.3 = 0.27 < 0.4 + 0.1 * 0.1: no war.
    assert!(powell_margin(0.6, 0.3, 0.9, 0.1) < 0.0);
    // 0.95 * 0.6 = 0.57 > 0.2 + 0.05 * 0.05: war.
    assert!(powell_margin(0.8, 0.2, 0.95, 0.05) > 0.0);
    assert!((powell_margin(0.8, 0.2, 0.95, 0.05) - (0.57 - 0.2 - 0.0025)).abs() < 1e-12);
}

/// The durability module applies Powell's condition each round of peace: war resumes for
/// certain exactly when the declining side's margin is positive.
#[test]
fn durability_agrees_with_powell() {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/data/war/statics.toml"
    ))
    .unwrap();
    // B rearms fast after the ceasefire, so A declines and, sooner or later, attacks.
    // A starts stronger and B rearms fast after the ceasefire, so A declines.
    let text = text
        .replace("commitment = 0.5", "commitment = 1")
        .replace("rearm = 0.02", "rearm = 0.05");
    let delta = 0.99;
    let (mut fights, mut holds) = (0, 0);
    for horizon in [1, 24] {
        // With a horizon of 1 the peace has exactly Powell's two periods.
        let sc = parse_toml(&format!("{text}\n[war.after]\nhorizon = {horizon}\n")).unwrap();
        for seed in 0..200 {
            let w = war_of(&sc, seed);
            for ps in &w.peace {
                let m_a = powell_margin(ps.p_now[0], ps.p_later[0], delta, ps.cost[0]);
                let m_b = powell_margin(1.0 - ps.p_now[1], 1.0 - ps.p_later[1], delta, ps.cost[1]);
                let declining_fights = m_a > 0.0 || m_b > 0.0;
                assert_eq!(ps.hazard == 1.0, declining_fights, "{ps:?}");
                if declining_fights {
                    fights += 1
                } else {
                    holds += 1
                }
            }
        }
    }
    assert!(
        fights > 0 && holds > 0,
        "both cases occur: {fights} / {holds}"
    );
}

struct Stats {
    ceasefire_round: f64,
    share: f64,
    gap: f64,
    renewal: f64,
}

/// Averages over `runs` seeds: the round of the ceasefire (horizon + 1 without one), A's share
/// when there is one, the mean absolute belief gap, and P(renewed war within 60 rounds).
fn stats(sc: &Scenario, runs: u64) -> Stats {
    let horizon = sc.war.as_ref().unwrap().horizon as f64;
    let (mut round, mut share, mut n_cf, mut gap, mut renewal) = (0.0, 0.0, 0.0, 0.0, 0.0);
    for seed in 0..runs {
        let w = war_of(sc, seed);
        match w.ending {
            Ending::Ceasefire { round: r, share: x } => {
                round += r as f64;
                share += x;
                n_cf += 1.0;
                renewal += w.renewal[2].unwrap();
            }
            _ => round += horizon + 1.0,
        }
        gap += w.steps.iter().map(|s| s.gap().abs()).sum::<f64>() / w.steps.len() as f64;
    }
    let r = runs as f64;
    Stats {
        ceasefire_round: round / r,
        share: share / n_cf,
        gap: gap / r,
        renewal: renewal / n_cf,
    }
}

fn statics() -> Scenario {
    parse_toml(
        &std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/data/war/statics.toml"
        ))
        .unwrap(),
    )
    .unwrap()
}

const RUNS: u64 = 2_000;

/// Steeper cost growth for A: ceasefires come earlier, the forum's first offer to A is lower,
/// and A's share at the ceasefire is lower on average.
#[test]
fn higher_cost_growth_brings_earlier_ceasefires_on_worse_terms() {
    let base = statics();
    let mut steeper = base.clone();
    steeper.war.as_mut().unwrap().sides[0].cost_growth = Param::Fixed(1.05);
    let (b, s) = (stats(&base, RUNS), stats(&steeper, RUNS));
    let first = |sc: &Scenario| {
        (0..RUNS)
            .map(|seed| war_of(sc, seed).steps[0].proposal)
            .sum::<f64>()
            / RUNS as f64
    };
    let (f_b, f_s) = (first(&base), first(&steeper));
    eprintln!(
        "cost growth 1.02 -> 1.05: ceasefire round {:.2} -> {:.2}; first offer to A {f_b:.3} -> {f_s:.3}; \
         A's mean share at a ceasefire {:.3} -> {:.3}",
        b.ceasefire_round, s.ceasefire_round, b.share, s.share
    );
    assert!(s.ceasefire_round < b.ceasefire_round);
    assert!(f_s < f_b);
    assert!(s.share < b.share);
}

#[test]
fn withdrawing_aid_shifts_terms_to_the_other_side() {
    let base = statics();
    let mut cut = base.clone();
    cut.war.as_mut().unwrap().supports[0].share = Param::Fixed(0.0);
    let (b, c) = (stats(&base, RUNS), stats(&cut, RUNS));
    eprintln!(
        "ally's aid 0.1 -> 0: A's share {:.3} -> {:.3}",
        b.share, c.share
    );
    assert!(c.share > b.share);
}

#[test]
fn an_open_channel_lowers_the_belief_gap() {
    let base = statics();
    let mut open = base.clone();
    open.war.as_mut().unwrap().channels[0].open = true;
    let (b, o) = (stats(&base, RUNS), stats(&open, RUNS));
    eprintln!(
        "channel closed -> open: mean |gap| {:.4} -> {:.4}",
        b.gap, o.gap
    );
    assert!(o.gap < b.gap);
}

#[test]
fn stronger_guarantees_lower_the_risk_of_renewed_war() {
    let base = statics();
    let mut strong = base.clone();
    let w = strong.war.as_mut().unwrap();
    w.terms.guarantee_share = Some(Param::Fixed(0.5));
    w.terms.guarantee_cost = Some(Param::Fixed(0.6));
    let (b, s) = (stats(&base, RUNS), stats(&strong, RUNS));
    eprintln!(
        "guarantees 0.2/0.3 -> 0.5/0.6: P(renewed war within 60) {:.4} -> {:.4}",
        b.renewal, s.renewal
    );
    assert!(s.renewal < b.renewal);
    // The war before the ceasefire is the same; after it, no run's risk rises.
    for seed in 0..200 {
        let (x, y) = (war_of(&base, seed), war_of(&strong, seed));
        assert_eq!(x.ending, y.ending);
        if let (Some(p), Some(q)) = (x.renewal[2], y.renewal[2]) {
            assert!(q <= p, "seed {seed}: {q} > {p}");
        }
    }
}

#[test]
fn same_seed_same_result() {
    let sc = statics();
    assert_eq!(war_of(&sc, 42), war_of(&sc, 42));
    assert_ne!(war_of(&sc, 42).steps, war_of(&sc, 43).steps);
}

/// A refused channel carries nothing; the refusal is reported.
#[test]
fn a_refused_channel_is_reported_and_silent() {
    let base = statics();
    let mut refused = base.clone();
    let ch = &mut refused.war.as_mut().unwrap().channels[0];
    ch.open = true;
    ch.acceptance = Param::Fixed(0.0);
    for seed in 0..50 {
        let (x, y) = (war_of(&base, seed), war_of(&refused, seed));
        assert_eq!(y.refused, vec![(0, 1)]);
        // The acceptance draw comes first, so the battles that follow differ in their draws;
        // what matters is that no channel is open in any round.
        assert!(y.steps.iter().all(|s| s.channels_open == 0));
        assert!(x.opened.is_empty());
    }
}

/// Opening a channel may cost a concession: the opener moves towards the other end on the
/// price issue, and when the opener sits at the table that moves the forum's terms.
#[test]
fn a_channel_price_moves_the_opener() {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/data/war/statics.toml"
    ))
    .unwrap();
    let free = text.replace(
        "between = [\"ally\", \"a\"]",
        "between = [\"mediator\", \"a\"]\nopen = true",
    );
    let priced = free.replace(
        "weight = 2",
        "weight = 2\nprice_issue = \"stakes\"\nprice = 20",
    );
    let (free, priced) = (parse_toml(&free).unwrap(), parse_toml(&priced).unwrap());
    let (x, y) = (war_of(&free, 1), war_of(&priced, 1));
    assert_eq!(y.opened, vec![(0, 1)]);
    // The mediator moved from 50 towards A's 100: the forum offers A more.
    assert!(
        y.steps[0].proposal > x.steps[0].proposal,
        "{} vs {}",
        y.steps[0].proposal,
        x.steps[0].proposal
    );
}

/// Goemans (2000): a leader punished for a losing deal settles less often.
#[test]
fn a_punished_leader_gambles_on() {
    let base = statics();
    let mut gambler = base.clone();
    let side = &mut gambler.war.as_mut().unwrap().sides[0];
    side.leader_penalty = Param::Fixed(0.5);
    side.leader_threshold = Param::Fixed(0.9);
    let (b, g) = (stats(&base, 500), stats(&gambler, 500));
    assert!(
        g.ceasefire_round > b.ceasefire_round,
        "{} vs {}",
        g.ceasefire_round,
        b.ceasefire_round
    );
}
