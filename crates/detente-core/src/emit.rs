//! Writes a [`Scenario`] as TOML in format 1: what `detente import` produces.
//!
//! The output reads back to the same scenario (a round-trip test checks it), and is laid out
//! for a person to edit: one table per issue and actor, positions and saliences inline.

use std::fmt::Write;

use crate::param::Param;
use crate::scenario::*;
use crate::validate::FORMAT_VERSION;

/// The scenario as TOML, after a comment block (each line of `header` becomes `# line`).
pub fn to_toml(s: &Scenario, header: &[String]) -> String {
    to_toml_within(s, header, usize::MAX).unwrap_or_default()
}

/// [`to_toml`], or `None` as soon as the text grows beyond `limit` bytes (a file that large
/// could not be read back), without building the rest of it.
pub fn to_toml_within(s: &Scenario, header: &[String], limit: usize) -> Option<String> {
    let mut out = String::new();
    for line in header {
        if line.is_empty() {
            out.push_str("#\n");
        } else {
            let _ = writeln!(out, "# {line}");
        }
    }
    if !header.is_empty() {
        out.push('\n');
    }
    let _ = writeln!(out, "format = {FORMAT_VERSION}");

    let m = &s.meta;
    if m.name.is_some() || m.source.is_some() || m.description.is_some() || m.time_unit.is_some() {
        out.push_str("\n[scenario]\n");
        opt_str(&mut out, "name", &m.name);
        opt_str(&mut out, "source", &m.source);
        opt_str(&mut out, "description", &m.description);
        opt_str(&mut out, "time_unit", &m.time_unit);
    }

    for i in &s.issues {
        out.push_str("\n[[issue]]\n");
        let _ = writeln!(out, "id = {}", string(&i.id));
        opt_str(&mut out, "name", &i.name);
        opt_str(&mut out, "low", &i.low);
        opt_str(&mut out, "high", &i.high);
        if i.scale != Scale::DEFAULT {
            let _ = writeln!(out, "scale = [{}, {}]", num(i.scale.lo), num(i.scale.hi));
        }
        if let Some(sq) = &i.status_quo {
            let _ = writeln!(out, "status_quo = {}", param(sq));
        }
        if let Some(o) = i.observed {
            let _ = writeln!(out, "observed = {}", num(o));
        }
    }

    for a in &s.actors {
        if out.len() > limit {
            return None;
        }
        out.push_str("\n[[actor]]\n");
        let _ = writeln!(out, "id = {}", string(&a.id));
        opt_str(&mut out, "name", &a.name);
        let _ = writeln!(out, "capability = {}", param(&a.capability));
        let stances: Vec<(&str, &Stance)> = a
            .stances
            .iter()
            .enumerate()
            .filter_map(|(k, st)| st.as_ref().map(|st| (s.issues[k].id.as_str(), st)))
            .collect();
        let inline = |f: &dyn Fn(&Stance) -> &Param| {
            let items: Vec<String> = stances
                .iter()
                .map(|(id, st)| format!("{id} = {}", param(f(st))))
                .collect();
            format!("{{ {} }}", items.join(", "))
        };
        if !stances.is_empty() {
            let _ = writeln!(out, "position = {}", inline(&|st| &st.position));
            let _ = writeln!(out, "salience = {}", inline(&|st| &st.salience));
        }
        if let Some(r) = &a.risk {
            let _ = writeln!(out, "risk = {}", param(r));
        }
    }

    for b in &s.blocs {
        out.push_str("\n[[bloc]]\n");
        let _ = writeln!(out, "id = {}", string(&b.id));
        opt_str(&mut out, "name", &b.name);
        let members: Vec<String> = b.members.iter().map(|m| string(s.member_id(*m))).collect();
        let _ = writeln!(out, "members = [{}]", members.join(", "));
        let _ = writeln!(out, "rule = {}", string(b.rule.name()));
    }

    if let Some(w) = &s.war {
        war(&mut out, s, w);
    }

    if s.models.eum != EumOptions::default() {
        let e = &s.models.eum;
        out.push_str("\n[models.eum]\n");
        let _ = writeln!(out, "q = {}", float(e.q));
        let _ = writeln!(out, "rounds = {}", e.rounds);
        let _ = writeln!(
            out,
            "stop = {}",
            string(if e.stop == Stop::Rounds {
                "rounds"
            } else {
                "converged"
            })
        );
        let _ = writeln!(out, "tolerance = {}", float(e.tolerance));
    }
    if s.models.smp != SmpOptions::default() {
        let o = &s.models.smp;
        out.push_str("\n[models.smp]\n");
        for (key, value) in [
            ("victory", o.victory.name()),
            ("voting", o.voting.name()),
            ("election", o.election.name()),
            ("transitions", o.transitions.name()),
            ("risk_range", o.risk_range.name()),
            ("risk_adjust", o.risk_adjust.name()),
            ("third_party", o.third_party.name()),
            ("interpolation", o.interpolation.name()),
            ("bargain", o.bargain.name()),
        ] {
            let _ = writeln!(out, "{key} = {}", string(value));
        }
        let _ = writeln!(out, "max_turns = {}", o.max_turns);
        let _ = writeln!(out, "min_turns = {}", o.min_turns);
        let _ = writeln!(out, "stop_ratio = {}", float(o.stop_ratio));
        let _ = writeln!(out, "accommodation = {}", float(o.accommodation));
    }
    if s.models.exchange != ExchangeOptions::default() {
        out.push_str("\n[models.exchange]\n");
        let _ = writeln!(out, "rounds = {}", s.models.exchange.rounds);
    }

    for sh in &s.shocks {
        out.push_str("\n[[shock]]\n");
        shock_body(&mut out, s, sh);
    }

    for p in &s.policies {
        out.push_str("\n[[policy]]\n");
        let _ = writeln!(out, "id = {}", string(&p.id));
        opt_str(&mut out, "description", &p.description);
        if let Some(m) = p.actor {
            let _ = writeln!(out, "actor = {}", string(s.member_id(m)));
        }
        for sh in &p.shocks {
            out.push_str("\n[[policy.shock]]\n");
            shock_body(&mut out, s, sh);
        }
    }
    (out.len() <= limit).then_some(out)
}

fn war(out: &mut String, s: &Scenario, w: &War) {
    let ids = |ms: &[Member]| {
        ms.iter()
            .map(|m| string(s.member_id(*m)))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let actor = |a: usize| string(&s.actors[a].id);
    out.push_str("\n[war]\n");
    let _ = writeln!(
        out,
        "belligerents = [{}, {}]",
        actor(w.belligerents[0]),
        actor(w.belligerents[1])
    );
    let _ = writeln!(out, "stakes = {}", string(&s.issues[w.stakes].id));
    let _ = writeln!(out, "horizon = {}", w.horizon);
    let _ = writeln!(out, "front_speed = {}", param(&w.front_speed));
    let _ = writeln!(out, "front_volatility = {}", param(&w.front_volatility));
    let _ = writeln!(out, "collapse = {}", param(&w.collapse));
    let _ = writeln!(out, "talks = {}", float(w.talks));
    let _ = writeln!(out, "step = {}", float(w.step));
    let _ = writeln!(out, "substeps = {}", w.substeps);
    let _ = writeln!(out, "decisiveness = {}", param(&w.decisiveness));
    let _ = writeln!(out, "discount = {}", param(&w.discount));
    let _ = writeln!(out, "forum = [{}]", ids(&w.forum));
    let _ = writeln!(out, "forum_model = {}", string(w.forum_model.name()));
    let _ = writeln!(out, "loss = {}", string(w.loss.name()));
    if let Some(p) = w.proposer {
        let _ = writeln!(out, "proposer = {}", actor(w.belligerents[p]));
    }
    for (k, side) in w.sides.iter().enumerate() {
        out.push_str("\n[[war.side]]\n");
        let _ = writeln!(out, "actor = {}", actor(w.belligerents[k]));
        for (name, p) in [
            ("commitment", &side.commitment),
            ("cost", &side.cost),
            ("cost_growth", &side.cost_growth),
            ("sanctions", &side.sanctions),
        ] {
            let _ = writeln!(out, "{name} = {}", param(p));
        }
        if let Some(b) = &side.win_belief {
            let _ = writeln!(out, "win_belief = {}", param(b));
        }
        let _ = writeln!(out, "belief_strength = {}", param(&side.belief_strength));
        if let Some((lo, hi)) = side.cost_believed {
            let _ = writeln!(out, "cost_believed = [{}, {}]", num(lo), num(hi));
        }
        for (name, p) in [
            ("leader_penalty", &side.leader_penalty),
            ("defeat_penalty", &side.defeat_penalty),
            ("leader_threshold", &side.leader_threshold),
        ] {
            let _ = writeln!(out, "{name} = {}", param(p));
        }
        if let Some(r) = &side.resolve {
            let _ = writeln!(out, "resolve = {}", param(r));
        }
        let _ = writeln!(out, "rearm = {}", param(&side.rearm));
        let _ = writeln!(out, "removal = {}", param(&side.removal));
        if let Some(a) = side.successor {
            let _ = writeln!(out, "successor = {}", actor(a));
        }
    }
    for sup in &w.supports {
        out.push_str("\n[[war.support]]\n");
        let _ = writeln!(out, "actor = {}", string(s.member_id(sup.member)));
        let _ = writeln!(out, "side = {}", actor(w.belligerents[sup.side]));
        let _ = writeln!(out, "share = {}", param(&sup.share));
    }
    for c in &w.channels {
        out.push_str("\n[[war.channel]]\n");
        let _ = writeln!(out, "id = {}", string(&c.id));
        let _ = writeln!(out, "between = [{}]", ids(&c.between));
        let _ = writeln!(out, "open = {}", c.open);
        let _ = writeln!(out, "noise = {}", param(&c.noise));
        let _ = writeln!(out, "weight = {}", param(&c.weight));
        if let Some((issue, p)) = &c.price {
            let _ = writeln!(out, "price_issue = {}", string(&s.issues[*issue].id));
            let _ = writeln!(out, "price = {}", param(p));
        }
        let _ = writeln!(out, "acceptance = {}", param(&c.acceptance));
    }
    let t = &w.terms;
    if *t != Terms::default() {
        out.push_str("\n[war.terms]\n");
        for (name, issue) in [
            ("guarantees", t.guarantees),
            ("forces", t.forces),
            ("monitoring", t.monitoring),
        ] {
            if let Some(k) = issue {
                let _ = writeln!(out, "{name} = {}", string(&s.issues[k].id));
            }
        }
        if let Some(g) = &t.guarantors {
            let _ = writeln!(out, "guarantors = [{}]", ids(g));
        }
        if let Some(p) = &t.guarantee_share {
            let _ = writeln!(out, "guarantee_share = {}", param(p));
        }
        if let Some(p) = &t.guarantee_cost {
            let _ = writeln!(out, "guarantee_cost = {}", param(p));
        }
    }
    out.push_str("\n[war.after]\n");
    let _ = writeln!(out, "horizon = {}", w.after.horizon);
    let _ = writeln!(out, "baseline_hazard = {}", param(&w.after.baseline_hazard));
    let _ = writeln!(out, "sensitivity = {}", param(&w.after.sensitivity));
}

fn shock_body(out: &mut String, s: &Scenario, sh: &Shock) {
    let _ = writeln!(out, "at = {}", sh.at);
    let _ = writeln!(out, "set = {}", string(&s.target_path(sh.target)));
    let _ = writeln!(out, "to = {}", param(&sh.to));
    opt_str(out, "note", &sh.note);
}

fn opt_str(out: &mut String, key: &str, v: &Option<String>) {
    if let Some(v) = v {
        let _ = writeln!(out, "{key} = {}", string(v));
    }
}

fn string(s: &str) -> String {
    toml::Value::String(s.to_string()).to_string()
}

/// A number that TOML reads back exactly: integers without a point, others in Rust's
/// shortest round-trip form (which uses an exponent for very large or small values).
fn num(x: f64) -> String {
    if x == x.trunc() && x.abs() < 1e15 {
        format!("{}", x as i64)
    } else {
        format!("{x:?}")
    }
}

/// A number for a key that only takes floats (TOML integers would not deserialise into f64
/// fields read as `Spanned<f64>`).
fn float(x: f64) -> String {
    format!("{x:?}")
}

fn param(p: &Param) -> String {
    match p {
        Param::Fixed(x) => num(*x),
        Param::Dist(d) => {
            let ps: Vec<String> = d.params().iter().map(|x| num(*x)).collect();
            format!("{{ {} = [{}] }}", d.name(), ps.join(", "))
        }
    }
}
