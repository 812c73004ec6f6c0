//! `slots.rs` against the validator: with every `[war]` number, every actor number and every
//! shock written as a distribution, each uncertain number set to either end of the range
//! `slots.rs` gives it must make a scenario the validator accepts. So the ranges that
//! exploration samples in cannot drift from the ranges the validator allows.

use detente_core::{emit, parse_toml};

fn ceasefire_text() -> String {
    let p = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../scenarios/ukraine-ceasefire-2026.toml");
    std::fs::read_to_string(p).unwrap()
}

/// Every `key = number` line becomes `key = { normal = [number, sd] }`.
fn everything_uncertain(text: &str) -> String {
    const KEYS: [&str; 27] = [
        "decisiveness",
        "discount",
        "front_speed",
        "front_volatility",
        "collapse",
        "defeat_penalty",
        "resolve",
        "commitment",
        "cost",
        "cost_growth",
        "sanctions",
        "win_belief",
        "belief_strength",
        "leader_penalty",
        "leader_threshold",
        "rearm",
        "share",
        "noise",
        "weight",
        "price",
        "acceptance",
        "guarantee_share",
        "guarantee_cost",
        "baseline_hazard",
        "sensitivity",
        "capability",
        "to",
    ];
    text.lines()
        .map(|line| {
            let Some((key, rest)) = line.split_once(" = ") else {
                return line.to_string();
            };
            let key = key.trim();
            let value = rest.split('#').next().unwrap().trim();
            match value.parse::<f64>() {
                Ok(x) if KEYS.contains(&key) => {
                    format!("{key} = {{ normal = [{x:?}, {:?}] }}", 0.1 * x.abs() + 0.01)
                }
                _ => line.to_string(),
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// The bundled scenario with the war's optional numbers it leaves out: a collapse hazard, and
/// a defeat penalty and resolve per side.
fn with_optional_war_numbers(text: &str) -> String {
    text.lines()
        .flat_map(|line| {
            let key = line.split(" = ").next().unwrap_or("").trim();
            let extra: &[&str] = match key {
                "front_volatility" => &["collapse = 0.04"],
                "leader_penalty" => &["defeat_penalty = 0.3", "resolve = 2"],
                _ => &[],
            };
            // Only the numbers the file leaves out: a key twice is not TOML.
            let missing = extra.iter().filter(|s| {
                let name = s.split(" = ").next().unwrap_or("");
                !text.contains(&format!("\n{name} = "))
            });
            std::iter::once(line.to_string()).chain(missing.map(|s| s.to_string()))
        })
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn every_slot_at_either_end_of_its_range_is_valid() {
    let text = everything_uncertain(&with_optional_war_numbers(&ceasefire_text()));
    let sc = parse_toml(&text).unwrap();
    let slots = sc.uncertain_slots();
    // 9 capabilities; per side 4 shock-able fields + win_belief, belief_strength,
    // leader_penalty, defeat_penalty, resolve, leader_threshold, rearm; 4 supports; the
    // channel's noise, weight, price, acceptance; guarantee share and cost; hazard and
    // sensitivity; decisiveness, discount, front speed and volatility, collapse.
    let names: Vec<&str> = slots.iter().map(|u| u.name.as_str()).collect();
    for want in [
        "war.decisiveness",
        "war.discount",
        "war.front_speed",
        "war.front_volatility",
        "war.collapse",
        "russia.defeat_penalty",
        "ukraine.resolve",
        "russia.cost_growth",
        "ukraine.win_belief",
        "russia.leader_threshold",
        "us.support",
        "europe_russia.noise",
        "europe_russia.price",
        "war.terms.guarantee_share",
        "war.after.baseline_hazard",
        "war.after.sensitivity",
    ] {
        assert!(names.contains(&want), "{want} not among {names:?}");
    }
    assert!(slots.len() >= 40, "{}", slots.len());
    let mut checked = 0;
    for u in &slots {
        for x in [u.lo, u.hi] {
            if !x.is_finite() {
                continue;
            }
            let mut s = sc.clone();
            s.set_slot(u.slot, u.clamp(x));
            let text = emit::to_toml(&s, &[]);
            if let Err(e) = parse_toml(&text) {
                panic!("{} = {} is refused: {}", u.name, u.clamp(x), e[0].message);
            }
            checked += 1;
        }
    }
    assert!(checked >= 50, "{checked}");
}
