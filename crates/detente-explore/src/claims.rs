//! Claims as contrasts: each claim of an argument is a pair of policies (a base and a
//! treatment) and a measure; both arms run on the same sampled futures (the scenario's ranges
//! and the model's seeds, common random numbers), and the effect is the mean paired difference
//! with a 95% interval. The claims themselves are data (a TOML list the command reads).

use detente_core::Scenario;
use detente_core::model::Model;
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::explore::Plan;
use crate::sample::Design;

/// What a claim is measured by, per future.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Measure {
    /// 1 if a ceasefire comes within this many time units, else 0.
    CeasefireWithin(f64),
    /// A's share of the stakes at the end (settlement, victory or line of contact), 0..1.
    ShareA,
    /// The outcome on an issue, on its scale.
    Outcome(String),
    /// P(renewed war within 60 time units), over the futures where both arms reach a ceasefire.
    Renewal60,
    /// 1 if the ceasefire froze into "neither war nor peace", over the futures where both arms
    /// reach a ceasefire.
    Frozen,
}

impl Measure {
    /// The measure in words.
    pub fn words(&self, unit: &str) -> String {
        match self {
            Measure::CeasefireWithin(t) => {
                format!(
                    "P(ceasefire within {} {unit}s)",
                    detente_core::param::fmt_num(*t)
                )
            }
            Measure::ShareA => "A's expected share of the stakes".into(),
            Measure::Outcome(issue) => format!("mean outcome on `{issue}`"),
            Measure::Renewal60 => format!("P(renewed war within 60 {unit}s) after a ceasefire"),
            Measure::Frozen => "P(frozen: neither war nor peace) after a ceasefire".into(),
        }
    }
}

/// The direction an argument expects.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    /// The treatment raises the measure.
    Up,
    /// The treatment lowers it.
    Down,
    /// The argument asks, without claiming a direction.
    Open,
}

/// One claim: what it says, the mechanism that represents it, and the contrast that tests it.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Claim {
    /// A short label (`a`, `e2`).
    pub id: String,
    /// The claim, in the argument's words.
    pub claim: String,
    /// The model's mechanism for it.
    pub mechanism: String,
    /// The base arm's policy; none: the scenario as written.
    pub base: Option<String>,
    /// The treatment arm's policy; none: the scenario as written.
    pub treatment: Option<String>,
    /// What is compared.
    pub measure: Measure,
    /// The direction the argument expects of treatment minus base.
    pub expected: Direction,
    /// Why the result may differ, when it is known: said beside a disagreement or no effect.
    #[serde(default)]
    pub note: Option<String>,
}

/// A file of claims.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Claims {
    /// Where the claims come from.
    pub source: String,
    /// The claims, in order.
    #[serde(rename = "claim")]
    pub claims: Vec<Claim>,
}

/// What a contrast measured.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Effect {
    /// The claim.
    pub claim: Claim,
    /// Futures compared (for conditional measures, those where both arms reach a ceasefire).
    pub n: u64,
    /// Mean of the measure in the base arm and in the treatment arm over those futures.
    pub base: f64,
    /// The treatment arm's mean.
    pub treatment: f64,
    /// Mean paired difference, treatment minus base, with its 95% interval.
    pub effect: f64,
    /// Lower end of the 95% interval.
    pub lo: f64,
    /// Upper end.
    pub hi: f64,
    /// Whether the interval lies on the expected side of 0; `None` when it includes 0 or no
    /// direction is claimed.
    pub agrees: Option<bool>,
}

/// Why a contrast could not be measured.
#[derive(Debug, Clone, PartialEq)]
pub struct ClaimError {
    /// The claim's id.
    pub claim: String,
    /// What went wrong, in words.
    pub message: String,
}

/// The measure's value in one future from the model's recorded outputs; `None` when it does not
/// apply (a conditional measure without a ceasefire).
fn value(sc: &Scenario, columns: &[String], row: &[f64], m: &Measure) -> Option<f64> {
    let col = |name: &str| columns.iter().position(|c| c == name).map(|i| row[i]);
    let w = sc.war.as_ref()?;
    let ceasefire = col("ceasefire")? == 1.0;
    match m {
        Measure::CeasefireWithin(t) => {
            let time = columns
                .iter()
                .position(|c| c.starts_with("ceasefire_") && c != "ceasefire_share")
                .map(|i| row[i]);
            Some(if ceasefire && time.is_some_and(|x| x <= *t) {
                1.0
            } else {
                0.0
            })
        }
        Measure::ShareA => {
            let stakes = &sc.issues[w.stakes];
            let x = col(&format!("{}.outcome", stakes.id))?;
            let pos = |k: usize| {
                sc.actors[w.belligerents[k]].stances[w.stakes].map_or(0.0, |s| s.position.value())
            };
            let (pa, pb) = (pos(0), pos(1));
            Some(((x - pb) / (pa - pb)).clamp(0.0, 1.0))
        }
        Measure::Outcome(issue) => col(&format!("{issue}.outcome")),
        Measure::Renewal60 => ceasefire.then(|| col("renewed_60")).flatten(),
        Measure::Frozen => ceasefire.then(|| col("frozen")).flatten(),
    }
}

/// Runs every claim's contrast over `runs` futures sampled from `scenario` with `seed`.
/// Arms sharing a policy are run once.
pub fn measure(
    scenario: &Scenario,
    model: &dyn Model,
    claims: &[Claim],
    runs: u64,
    seed: u64,
) -> Result<Vec<Effect>, ClaimError> {
    let plan = Plan::new(scenario.clone(), model, Design::MonteCarlo, seed, runs);
    let mut arms: Vec<Option<String>> = Vec::new();
    for c in claims {
        for p in [c.base.clone(), c.treatment.clone()] {
            if let Some(name) = &p
                && scenario.policy(name).is_none()
            {
                return Err(ClaimError {
                    claim: c.id.clone(),
                    message: format!("the scenario has no policy `{name}`"),
                });
            }
            if !arms.contains(&p) {
                arms.push(p);
            }
        }
    }
    // Each arm: the sampled future, then the arm's policy, then the model with the run's seed.
    let rows: Vec<Vec<Vec<f64>>> = arms
        .iter()
        .map(|policy| {
            (0..runs)
                .into_par_iter()
                .map(|run| {
                    let (sc, _) = plan.scenario_of(run);
                    let sc = match policy {
                        Some(p) => sc.with_policy(p).map(Scenario::into_start).unwrap_or(sc),
                        None => sc,
                    };
                    plan.evaluate(&sc, run).map_err(|e| e.error.message)
                })
                .collect::<Result<Vec<_>, String>>()
        })
        .collect::<Result<_, _>>()
        .map_err(|message| ClaimError {
            claim: String::new(),
            message,
        })?;
    let index = |p: &Option<String>| arms.iter().position(|a| a == p).unwrap_or(0);
    let columns = &plan.outputs;
    Ok(claims
        .iter()
        .map(|c| {
            let (b, t) = (&rows[index(&c.base)], &rows[index(&c.treatment)]);
            let diffs: Vec<(f64, f64)> = b
                .iter()
                .zip(t)
                .filter_map(|(x, y)| {
                    Some((
                        value(scenario, columns, x, &c.measure)?,
                        value(scenario, columns, y, &c.measure)?,
                    ))
                })
                .filter(|(x, y)| x.is_finite() && y.is_finite())
                .collect();
            effect(c, &diffs)
        })
        .collect())
}

/// The mean paired difference with a normal 95% interval.
fn effect(c: &Claim, pairs: &[(f64, f64)]) -> Effect {
    let n = pairs.len() as f64;
    let mean = |f: &dyn Fn(&(f64, f64)) -> f64| pairs.iter().map(f).sum::<f64>() / n;
    let (base, treatment) = (mean(&|p| p.0), mean(&|p| p.1));
    let d = treatment - base;
    let var = if pairs.len() > 1 {
        pairs.iter().map(|p| (p.1 - p.0 - d).powi(2)).sum::<f64>() / (n - 1.0)
    } else {
        f64::NAN
    };
    let half = 1.96 * (var / n).sqrt();
    let (lo, hi) = (d - half, d + half);
    let agrees = match c.expected {
        Direction::Open => None,
        _ if lo <= 0.0 && hi >= 0.0 => None,
        Direction::Up => Some(lo > 0.0),
        Direction::Down => Some(hi < 0.0),
    };
    Effect {
        claim: c.clone(),
        n: pairs.len() as u64,
        base,
        treatment,
        effect: d,
        lo,
        hi,
        agrees,
    }
}

/// The effects as a Markdown table, with the settings above it.
pub fn markdown(sc: &Scenario, effects: &[Effect], runs: u64, seed: u64, source: &str) -> String {
    use std::fmt::Write;
    let unit = sc.meta.time_unit.clone().unwrap_or_else(|| "round".into());
    let mut out = String::new();
    let _ = writeln!(
        out,
        "Claims: {source}. Each row runs its two arms on the same {runs} futures: the scenario's ranges sampled by Monte Carlo and the war's seeds, from master seed {seed} (common random numbers). Effect: the mean paired difference, treatment minus base, with a normal 95% interval. *Agrees*: the interval lies on the side the commentary expects; *no effect* when it includes 0; the model is not tuned to agree.\n"
    );
    let _ = writeln!(
        out,
        "| | Claim | Mechanism | Contrast (base → treatment) | Measure | Base | Treatment | Effect [95% CI] | Agrees |"
    );
    let _ = writeln!(out, "|---|---|---|---|---|---:|---:|---:|---|");
    let f = |x: f64| format!("{x:.3}");
    for e in effects {
        let c = &e.claim;
        // A verdict other than agreement carries the claim's note, when it has one.
        let noted = |verdict: &str| match &c.note {
            Some(n) => format!("{verdict}: {n}"),
            None => verdict.to_string(),
        };
        let agrees = match (e.agrees, c.expected) {
            (_, Direction::Open) => "no direction claimed".to_string(),
            (None, _) => noted("no effect"),
            (Some(true), _) => "yes".to_string(),
            (Some(false), _) => noted("no"),
        };
        let _ = writeln!(
            out,
            "| {} | {} | {} | `{}` → `{}` | {} (n = {}) | {} | {} | {:+.3} [{:+.3}, {:+.3}] | {} |",
            c.id,
            c.claim,
            c.mechanism,
            c.base.as_deref().unwrap_or("as written"),
            c.treatment.as_deref().unwrap_or("as written"),
            c.measure.words(&unit),
            e.n,
            f(e.base),
            f(e.treatment),
            e.effect,
            e.lo,
            e.hi,
            agrees
        );
    }
    out
}
