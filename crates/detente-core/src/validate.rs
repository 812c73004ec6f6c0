//! From text to a validated [`Scenario`]: parse the TOML, check every field, collect every
//! problem with its span.
//!
//! Serde errors (syntax, unknown key, wrong type) stop at the first one, since the rest of the
//! file cannot be read reliably after them. Semantic checks run over the whole file and report
//! every problem at once.

use std::collections::BTreeMap;

use serde::Deserialize;

use crate::diag::{Diagnostic, did_you_mean, list, sort_by_position};
use crate::param::{Param, fmt_num};
use crate::raw::{RawScenario, RawShock, Sp};
use crate::scenario::*;

mod war;

/// The format version this build reads and writes.
pub const FORMAT_VERSION: i64 = 1;

/// Parses and validates a scenario written in TOML.
pub fn parse_toml(text: &str) -> Result<Scenario, Vec<Diagnostic>> {
    let raw = parse_raw(text)?;
    validate(raw)
}

/// Parses TOML into the raw shape, checking the format version first so that a file of another
/// version gets that message rather than one about its unknown keys.
pub fn parse_raw(text: &str) -> Result<RawScenario, Vec<Diagnostic>> {
    #[derive(Deserialize)]
    struct Probe {
        format: Option<Sp<toml::Value>>,
    }
    let probe: Probe = toml::from_str(text).map_err(|e| vec![from_toml_error(&e, text)])?;
    match probe.format {
        None => {
            return Err(vec![
                Diagnostic::error("the file does not say which format it uses")
                    .at(0..0)
                    .field("format")
                    .help(format!(
                        "add `format = {FORMAT_VERSION}` as the first line of the file"
                    )),
            ]);
        }
        Some(f) => {
            if f.get_ref().as_integer() != Some(FORMAT_VERSION) {
                return Err(vec![Diagnostic::error(format!(
                    "unsupported format version {}",
                    f.get_ref()
                ))
                .at(f.span())
                .field("format")
                .help(format!(
                    "this build of detente reads format = {FORMAT_VERSION}; a newer file needs a newer detente"
                ))]);
            }
        }
    }
    toml::from_str(text).map_err(|e| vec![from_toml_error(&e, text)])
}

/// Turns a TOML or serde error into a diagnostic, adding a suggestion for an unknown key.
pub fn from_toml_error(e: &toml::de::Error, text: &str) -> Diagnostic {
    let msg = e.message().trim().to_string();
    let mut d = Diagnostic::error(msg.clone());
    if let Some(span) = e.span() {
        d = d.at(span);
    }
    if let Some((unknown, expected)) = parse_unknown_field(&msg) {
        let names: Vec<&str> = expected.iter().map(String::as_str).collect();
        d.message = format!("unknown key `{unknown}`");
        d = d.field(unknown.clone()).help(
            match crate::diag::suggest(&unknown, names.iter().copied()) {
                Some(best) => format!("did you mean `{best}`? valid keys here: {}", list(&names)),
                None => format!("valid keys here: {}", list(&names)),
            },
        );
    } else if let Some(field) = msg
        .strip_prefix("missing field `")
        .and_then(|r| r.split('`').next())
    {
        let field = field.to_string();
        d = d
            .help(format!("add `{field} = ...` to this table"))
            .field(field);
    } else if msg.starts_with("invalid type") {
        d = d.help("numbers are written without quotes, text in quotes, lists in [ ]; see docs/scenario-format.md");
        if let Some(key) = e.span().and_then(|sp| key_before(text, sp.start)) {
            d = d.field(key);
        }
    } else {
        d = d.help(
            "this is not valid TOML here; see docs/scenario-format.md for the layout of a scenario",
        );
    }
    d
}

/// The key of a `key = value` line, given the offset of the value.
fn key_before(text: &str, offset: usize) -> Option<String> {
    let before = text.get(..offset)?;
    let line = &before[before.rfind('\n').map_or(0, |i| i + 1)..];
    let (key, _) = line.rsplit_once('=')?;
    // Inside an inline table the key follows the last `{` or `,`.
    let key = key.rsplit(['{', ',']).next()?.trim().trim_matches('"');
    (!key.is_empty() && !key.contains(char::is_whitespace)).then(|| key.to_string())
}

/// Reads serde's "unknown field `x`, expected one of `a`, `b`" (or "expected `a` or `b`").
fn parse_unknown_field(msg: &str) -> Option<(String, Vec<String>)> {
    let rest = msg.strip_prefix("unknown field `")?;
    let (name, rest) = rest.split_once('`')?;
    let expected = rest
        .split('`')
        .skip(1)
        .step_by(2)
        .map(str::to_string)
        .collect();
    Some((name.to_string(), expected))
}

/// The most actor-issue pairs a scenario may have (actors x issues), so that memory stays a
/// small multiple of the input: a million-row classic table has a million.
pub const MAX_CELLS: usize = 4_000_000;
/// Beyond this many pairs, at least one in [`SPARSE_RATIO`] must hold a position: each pair
/// costs about 90 bytes whether given or not.
pub const SPARSE_CELLS: usize = 1_000_000;
/// See [`SPARSE_CELLS`].
pub const SPARSE_RATIO: usize = 16;

/// Checks a raw scenario and resolves its references.
/// Takes the raw scenario by value: its strings move into the result, and each raw actor is
/// dropped once read, so that a large table is not held twice.
pub fn validate(raw: RawScenario) -> Result<Scenario, Vec<Diagnostic>> {
    let mut v = Validator::default();
    let scenario = v.scenario(raw);
    if v.diags.iter().any(Diagnostic::is_error) {
        sort_by_position(&mut v.diags);
        Err(v.diags)
    } else {
        Ok(scenario)
    }
}

/// The valid range of a field, with words for the reader.
struct Bounds {
    lo: f64,
    hi: f64,
    /// The lower bound itself is not allowed (capability > 0).
    lo_open: bool,
    /// E.g. "0..1" or "greater than 0".
    words: String,
    help: String,
}

impl Bounds {
    fn closed(lo: f64, hi: f64, help: impl Into<String>) -> Bounds {
        Bounds {
            lo,
            hi,
            lo_open: false,
            words: format!("{}..{}", fmt_num(lo), fmt_num(hi)),
            help: help.into(),
        }
    }

    /// How a value breaks the bounds, in words: "outside 0..1" or "but must be greater than 0".
    fn violated(&self) -> String {
        if self.lo_open {
            format!("but must be {}", self.words)
        } else {
            format!("outside {}", self.words)
        }
    }

    fn contains(&self, x: f64) -> bool {
        (if self.lo_open {
            x > self.lo
        } else {
            x >= self.lo
        }) && x <= self.hi
    }
}

impl Bounds {
    fn at_least(lo: f64, help: impl Into<String>) -> Bounds {
        Bounds {
            lo,
            hi: f64::INFINITY,
            lo_open: false,
            words: format!("{} or more", fmt_num(lo)),
            help: help.into(),
        }
    }

    fn above(lo: f64, help: impl Into<String>) -> Bounds {
        Bounds {
            lo,
            hi: f64::INFINITY,
            lo_open: true,
            words: format!("greater than {}", fmt_num(lo)),
            help: help.into(),
        }
    }

    fn above_to(lo: f64, hi: f64, help: impl Into<String>) -> Bounds {
        Bounds {
            lo,
            hi,
            lo_open: true,
            words: format!("greater than {} and at most {}", fmt_num(lo), fmt_num(hi)),
            help: help.into(),
        }
    }
}

/// The largest cost, sanction or penalty, in units of the stakes: a million times the prize
/// is far beyond any war worth modelling, and keeps every value of the war model finite.
pub(crate) const MAX_COST: f64 = 1e6;
/// The largest discount factor per time unit: the war model discounts at the rate
/// r = -ln(discount), which must be positive.
pub(crate) const MAX_DISCOUNT: f64 = 0.9999;
/// The largest baseline hazard of renewed war, a probability per time unit.
pub(crate) const MAX_BASELINE_HAZARD: f64 = 0.999;

/// Upper bounds of the model options, so that no option alone makes a run take minutes
/// (docs/scenario-format.md gives the figures).
const MAX_EUM_ROUNDS: i64 = 1_000;
const MAX_EXCHANGE_ROUNDS: i64 = 1_000;
const MAX_SMP_TURNS: i64 = 500;

fn share_bounds(what: &str) -> Bounds {
    Bounds::closed(0.0, 1.0, format!("{what} is a share, from 0 to 1"))
}

fn side_bounds(field: SideField) -> Bounds {
    match field {
        SideField::Cost => Bounds::closed(
            0.0,
            MAX_COST,
            "cost per time unit of war, in units of the side's utility range (its ideal package is 1, its worst 0): 0.01 = 1% of that range each time unit",
        ),
        SideField::CostGrowth => Bounds::above_to(
            0.0,
            10.0,
            "cost_growth multiplies the cost each time unit: 1 = flat, 1.05 = +5% a time unit (the \"death zone\"); at most 10",
        ),
        SideField::Sanctions => Bounds::closed(
            0.0,
            MAX_COST,
            "sanctions add to the cost per time unit of war, in the units of `cost`",
        ),
        SideField::LeaderPenalty | SideField::DefeatPenalty => Bounds::closed(
            0.0,
            MAX_COST,
            "what the side's leader loses, in units of the side's ideal package held forever",
        ),
        SideField::Removal => Bounds::closed(
            0.0,
            MAX_COST,
            "the hazard per time unit that the side's leader is removed when its prospects are at their worst; 0 = the leader stays",
        ),
        SideField::LeaderThreshold => Bounds::closed(
            0.0,
            1.0,
            "the share of the stakes below which a deal costs the side's leader, 0..1",
        ),
        SideField::Commitment => {
            Bounds::above_to(0.0, 1.0, "commitment is the share of capability at war")
        }
    }
}

fn capability_bounds() -> Bounds {
    Bounds {
        lo: 0.0,
        hi: f64::INFINITY,
        lo_open: true,
        words: "greater than 0".into(),
        help: "capability is the power an actor can bring to bear; any positive number, \
               on a scale shared by all actors"
            .into(),
    }
}

fn salience_bounds() -> Bounds {
    Bounds::closed(
        0.0,
        1.0,
        "salience runs from 0 (does not care) to 1 (cares most)",
    )
}

fn risk_bounds() -> Bounds {
    Bounds::closed(
        -1.0,
        1.0,
        "risk runs from -1 (risk averse) through 0 (neutral) to 1 (risk acceptant)",
    )
}

fn scale_bounds(issue: &Issue) -> Bounds {
    Bounds::closed(
        issue.scale.lo,
        issue.scale.hi,
        format!(
            "positions on `{}` lie on its scale {}..{}; change the issue's `scale` if the scale is wrong",
            issue.id,
            fmt_num(issue.scale.lo),
            fmt_num(issue.scale.hi)
        ),
    )
}

/// Ids that shock paths use for themselves.
const RESERVED: [&str; 2] = ["forum", "war"];

#[derive(Debug, Clone, Copy)]
enum Kind {
    Issue(usize),
    Actor(usize),
    Bloc(usize),
    Channel(usize),
}

impl Kind {
    fn word(self) -> &'static str {
        match self {
            Kind::Issue(_) => "an issue",
            Kind::Actor(_) => "an actor",
            Kind::Bloc(_) => "a bloc",
            Kind::Channel(_) => "a channel",
        }
    }
}

#[derive(Default)]
struct Validator {
    diags: Vec<Diagnostic>,
    /// Every issue, actor and bloc id, with where it was first defined.
    ids: BTreeMap<String, (Kind, std::ops::Range<usize>)>,
    issues: Vec<Issue>,
    actors: Vec<Actor>,
    /// The validated war, consulted when shock paths name war parameters.
    war: Option<War>,
    /// `[scenario] time_unit`, which the war's defaults per year are converted to.
    time_unit: Option<String>,
}

impl Validator {
    fn err(&mut self, d: Diagnostic) {
        self.diags.push(d);
    }

    fn scenario(&mut self, mut raw: RawScenario) -> Scenario {
        if *raw.format.get_ref() != FORMAT_VERSION {
            self.err(
                Diagnostic::error(format!(
                    "unsupported format version {}",
                    raw.format.get_ref()
                ))
                .at(raw.format.span())
                .field("format")
                .help(format!(
                    "this build of detente reads format = {FORMAT_VERSION}"
                )),
            );
        }
        let meta = raw.scenario.clone().unwrap_or_default();
        self.time_unit = meta.time_unit.clone();
        let meta = Meta {
            name: meta.name,
            source: meta.source,
            description: meta.description,
            time_unit: meta.time_unit,
        };

        if raw.issues.is_empty() {
            self.err(
                Diagnostic::error("the scenario has no issues")
                    .field("issue")
                    .help("add at least one `[[issue]]` table with an `id`, e.g. [[issue]] id = \"territory\""),
            );
        }
        for (k, ri) in raw.issues.iter().enumerate() {
            self.declare(&ri.id, Kind::Issue(k));
            let scale = self.scale(ri.scale.as_ref(), ri.id.get_ref());
            let mut issue = Issue {
                id: ri.id.get_ref().clone(),
                name: ri.name.clone(),
                low: ri.low.clone(),
                high: ri.high.clone(),
                scale,
                status_quo: None,
                observed: None,
            };
            let bounds = scale_bounds(&issue);
            if let Some(sq) = &ri.status_quo {
                let subject = format!("status quo of issue `{}`", issue.id);
                self.param(sq, "issue.status_quo", &subject, &bounds);
                issue.status_quo = Some(*sq.get_ref());
            }
            if let Some(obs) = &ri.observed {
                let p = Sp::new(obs.span(), Param::Fixed(*obs.get_ref()));
                let subject = format!("observed outcome of issue `{}`", issue.id);
                self.param(&p, "issue.observed", &subject, &bounds);
                issue.observed = Some(*obs.get_ref());
            }
            self.issues.push(issue);
        }

        // Every actor holds a stance slot per issue: refuse a scenario whose slots would cost far
        // more memory than its text, either by number or because few of them are given.
        let cells = raw.issues.len().saturating_mul(raw.actors.len());
        let given: usize = raw.actors.iter().map(|a| a.position.len()).sum();
        if cells > MAX_CELLS || (cells > SPARSE_CELLS && cells / SPARSE_RATIO > given) {
            self.err(
                Diagnostic::error(format!(
                    "{} issues x {} actors make {cells} actor-issue pairs ({given} positions given); \
                     detente takes at most {MAX_CELLS} pairs, and beyond {SPARSE_CELLS} at least one \
                     position in {SPARSE_RATIO}",
                    raw.issues.len(),
                    raw.actors.len()
                ))
                .field("issue")
                .help("split the scenario: issues with different actors can be separate scenario files"),
            );
            return Scenario {
                meta,
                issues: std::mem::take(&mut self.issues),
                actors: Vec::new(),
                blocs: Vec::new(),
                shocks: Vec::new(),
                policies: Vec::new(),
                war: None,
                models: Default::default(),
            };
        }
        if raw.actors.is_empty() {
            self.err(
                Diagnostic::error("the scenario has no actors")
                    .field("actor")
                    .help("add at least one `[[actor]]` table with `id`, `capability`, `position` and `salience`"),
            );
        }
        for (k, ra) in raw.actors.iter().enumerate() {
            self.declare(&ra.id, Kind::Actor(k));
        }
        for (b, rb) in raw.blocs.iter().enumerate() {
            self.declare(&rb.id, Kind::Bloc(b));
        }

        let no_actors = raw.actors.is_empty();
        self.actors.reserve_exact(raw.actors.len());
        for ra in std::mem::take(&mut raw.actors) {
            let id = ra.id.get_ref();
            self.param(
                &ra.capability,
                "actor.capability",
                &format!("capability of actor `{id}`"),
                &capability_bounds(),
            );
            if let Some(r) = &ra.risk {
                self.param(
                    r,
                    "actor.risk",
                    &format!("risk attitude of actor `{id}`"),
                    &risk_bounds(),
                );
            }
            let stances = self.stances(&ra);
            self.actors.push(Actor {
                capability: *ra.capability.get_ref(),
                stances,
                risk: ra.risk.as_ref().map(|r| *r.get_ref()),
                id: ra.id.into_inner(),
                name: ra.name,
            });
        }

        // With no actors at all, that one error says enough.
        let issues_to_check = if no_actors { 0 } else { raw.issues.len() };
        for (k, ri) in raw.issues.iter().enumerate().take(issues_to_check) {
            let mut stances = self
                .actors
                .iter()
                .filter_map(|a| a.stances.get(k).copied().flatten())
                .peekable();
            if stances.peek().is_none() {
                self.err(
                    Diagnostic::error(format!("nobody takes a position on issue `{}`", ri.id.get_ref()))
                        .at(ri.id.span())
                        .field("issue.id")
                        .help(format!(
                            "give at least one actor `position.{0}` and `salience.{0}`, or remove the issue",
                            ri.id.get_ref()
                        )),
                );
            } else if stances.all(|s| s.salience.value() <= 0.0) {
                self.err(
                    Diagnostic::error(format!("every actor gives issue `{}` a salience of 0", ri.id.get_ref()))
                        .at(ri.id.span())
                        .field("issue.id")
                        .help("a model weighs actors by salience; give at least one actor a salience above 0"),
                );
            }
        }

        let blocs = self.blocs(&raw);
        if let Some(rw) = &raw.war {
            self.war = self.war(rw, &raw.issues);
        }
        let mut shocks: Vec<Shock> = raw
            .shocks
            .iter()
            .filter_map(|s| self.shock(s, "shock"))
            .collect();
        shocks.sort_by_key(|s| s.at);

        let mut policies = Vec::new();
        let mut policy_ids: BTreeMap<&str, std::ops::Range<usize>> = BTreeMap::new();
        for rp in &raw.policies {
            let id = rp.id.get_ref();
            self.check_id_syntax(&rp.id, "policy");
            if let Some(first) = policy_ids.insert(id, rp.id.span()) {
                self.err(
                    Diagnostic::error(format!("duplicate policy id `{id}`"))
                        .at(rp.id.span())
                        .also(first, "first defined here")
                        .field("policy.id")
                        .help("policy ids must be unique; rename one of them"),
                );
            }
            let actor = rp
                .actor
                .as_ref()
                .and_then(|a| self.member_ref(a, "policy.actor"));
            let shocks = rp
                .shock
                .iter()
                .filter_map(|s| self.shock(s, "policy.shock"))
                .collect();
            policies.push(Policy {
                id: id.clone(),
                description: rp.description.clone(),
                actor,
                shocks,
            });
        }

        Scenario {
            meta,
            issues: std::mem::take(&mut self.issues),
            actors: std::mem::take(&mut self.actors),
            blocs,
            shocks,
            policies,
            war: self.war.take(),
            models: raw
                .models
                .as_ref()
                .map(|m| self.models(m))
                .unwrap_or_default(),
        }
    }

    fn models(&mut self, m: &crate::raw::RawModels) -> ModelOptions {
        let mut out = ModelOptions::default();
        if let Some(e) = &m.eum {
            if let Some(q) = &e.q {
                let p = Sp::new(q.span(), Param::Fixed(*q.get_ref()));
                if self.param(
                    &p,
                    "models.eum.q",
                    "Q of the expected utility model",
                    &share_bounds("Q"),
                ) {
                    out.eum.q = *q.get_ref();
                }
            }
            out.eum.rounds = self.count(
                &e.rounds,
                8,
                1,
                MAX_EUM_ROUNDS,
                "models.eum.rounds",
                "the number of rounds, 1..1000 (a bound that keeps a run short: docs/models/eum.md)",
            );
            if let Some(stop) = &e.stop {
                out.eum.stop = match stop.get_ref().as_str() {
                    "rounds" => Stop::Rounds,
                    "converged" => Stop::Converged,
                    other => {
                        self.err(
                            Diagnostic::error(format!("unknown stopping rule `{other}`"))
                                .at(stop.span())
                                .field("models.eum.stop")
                                .help("`rounds` runs exactly `rounds` rounds; `converged` stops when no position moves more than `tolerance`"),
                        );
                        Stop::Rounds
                    }
                };
            }
            if let Some(t) = &e.tolerance {
                let p = Sp::new(t.span(), Param::Fixed(*t.get_ref()));
                if self.param(
                    &p,
                    "models.eum.tolerance",
                    "tolerance",
                    &Bounds::above_to(
                        0.0,
                        1.0,
                        "the largest move, as a share of the scale, that counts as converged",
                    ),
                ) {
                    out.eum.tolerance = *t.get_ref();
                }
            }
        }
        if let Some(x) = &m.smp {
            out.smp = self.smp(x);
        }
        if let Some(x) = &m.exchange {
            out.exchange.rounds = self.count(
                &x.rounds,
                10,
                1,
                MAX_EXCHANGE_ROUNDS,
                "models.exchange.rounds",
                "the number of rounds of exchanges, 1..1000 (a bound that keeps a run short: docs/scenario-format.md)",
            );
        }
        out
    }

    fn smp(&mut self, x: &crate::raw::RawSmp) -> SmpOptions {
        let d = SmpOptions::default();
        let mut o = d;
        o.victory = self.choice(
            &x.victory,
            "victory",
            VictoryModel::ALL,
            VictoryModel::parse,
            VictoryModel::name,
            d.victory,
        );
        o.voting = self.choice(
            &x.voting,
            "voting",
            VotingRule::ALL,
            VotingRule::parse,
            VotingRule::name,
            d.voting,
        );
        o.election = self.choice(
            &x.election,
            "election",
            Election::ALL,
            Election::parse,
            Election::name,
            d.election,
        );
        o.transitions = self.choice(
            &x.transitions,
            "transitions",
            Transitions::ALL,
            Transitions::parse,
            Transitions::name,
            d.transitions,
        );
        o.risk_range = self.choice(
            &x.risk_range,
            "risk_range",
            RiskRange::ALL,
            RiskRange::parse,
            RiskRange::name,
            d.risk_range,
        );
        o.risk_adjust = self.choice(
            &x.risk_adjust,
            "risk_adjust",
            RiskAdjust::ALL,
            RiskAdjust::parse,
            RiskAdjust::name,
            d.risk_adjust,
        );
        o.third_party = self.choice(
            &x.third_party,
            "third_party",
            ThirdParty::ALL,
            ThirdParty::parse,
            ThirdParty::name,
            d.third_party,
        );
        o.interpolation = self.choice(
            &x.interpolation,
            "interpolation",
            Interpolation::ALL,
            Interpolation::parse,
            Interpolation::name,
            d.interpolation,
        );
        o.bargain = self.choice(
            &x.bargain,
            "bargain",
            BargainModel::ALL,
            BargainModel::parse,
            BargainModel::name,
            d.bargain,
        );
        o.max_turns = self.count(
            &x.max_turns,
            d.max_turns,
            1,
            MAX_SMP_TURNS,
            "models.smp.max_turns",
            "the largest number of turns, 1..500 (KTAB uses 100; each turn costs about n^3 for n actors, so the bound keeps a run at 100 actors to seconds)",
        );
        o.min_turns = self.count(
            &x.min_turns,
            d.min_turns,
            1,
            MAX_SMP_TURNS,
            "models.smp.min_turns",
            "the number of turns before the stopping rule applies, 1..500 (KTAB uses 2)",
        );
        if o.min_turns > o.max_turns {
            if let Some(v) = &x.min_turns {
                self.err(
                    Diagnostic::error(format!(
                        "`min_turns = {}` is more than `max_turns = {}`",
                        o.min_turns, o.max_turns
                    ))
                    .at(v.span())
                    .field("models.smp.min_turns")
                    .help("the model stops after `max_turns` turns at most; lower `min_turns` or raise `max_turns`"),
                );
            }
        }
        for (v, field, what, target) in [
            (
                &x.stop_ratio,
                "models.smp.stop_ratio",
                "the movement, as a share of the first turn's, below which the model stops",
                &mut o.stop_ratio,
            ),
            (
                &x.accommodation,
                "models.smp.accommodation",
                "how fast ideals follow positions: 1 = ideals are the positions, 0 = ideals never move",
                &mut o.accommodation,
            ),
        ] {
            if let Some(t) = v {
                let p = Sp::new(t.span(), Param::Fixed(*t.get_ref()));
                let name = field.rsplit('.').next().unwrap_or(field);
                if self.param(&p, field, name, &Bounds::closed(0.0, 1.0, what)) {
                    *target = *t.get_ref();
                }
            }
        }
        o
    }

    /// One of a KTAB enumeration's names, or the default with an error that lists them.
    #[allow(clippy::too_many_arguments)]
    fn choice<T: Copy>(
        &mut self,
        v: &Option<Sp<String>>,
        key: &str,
        all: &[T],
        parse: fn(&str) -> Option<T>,
        name: fn(T) -> &'static str,
        default: T,
    ) -> T {
        let Some(v) = v else { return default };
        if let Some(x) = parse(v.get_ref()) {
            return x;
        }
        let names: Vec<&str> = all.iter().map(|x| name(*x)).collect();
        let mut d = Diagnostic::error(format!(
            "unknown {} `{}`",
            key.replace('_', " "),
            v.get_ref()
        ))
        .at(v.span())
        .field(format!("models.smp.{key}"));
        d = match crate::diag::suggest(v.get_ref(), names.iter().copied()) {
            Some(s) => d.help(format!(
                "did you mean `{s}`? the choices are {}",
                list(&names)
            )),
            None => d.help(format!(
                "the choices are {} (KTAB's own names work too)",
                list(&names)
            )),
        };
        self.err(d);
        default
    }

    /// An optional number: checked if present, else the default.
    fn req(
        &mut self,
        p: &Option<Sp<Param>>,
        default: f64,
        field: &str,
        subject: &str,
        b: &Bounds,
    ) -> Param {
        match p {
            Some(p) => {
                self.param(p, field, subject, b);
                *p.get_ref()
            }
            None => Param::Fixed(default),
        }
    }

    /// An optional whole number, checked against lo..=hi, else the default.
    fn count(
        &mut self,
        v: &Option<Sp<i64>>,
        default: u32,
        lo: i64,
        hi: i64,
        field: &str,
        help: &str,
    ) -> u32 {
        let Some(v) = v else { return default };
        let x = *v.get_ref();
        if x < lo || x > hi {
            self.err(
                Diagnostic::error(format!("`{field} = {x}` is outside {lo}..{hi}"))
                    .at(v.span())
                    .field(field.to_string())
                    .help(help.to_string()),
            );
            return default;
        }
        x as u32
    }

    /// Resolves a list of actor or bloc ids, each once.
    fn members(&mut self, list: &Sp<Vec<Sp<String>>>, field: &str) -> Vec<Member> {
        let mut out = Vec::new();
        for m in list.get_ref() {
            if let Some(member) = self.member_ref(m, field) {
                if out.contains(&member) {
                    self.err(
                        Diagnostic::error(format!("`{}` is listed twice", m.get_ref()))
                            .at(m.span())
                            .field(field.to_string())
                            .help("list each member once"),
                    );
                } else {
                    out.push(member);
                }
            }
        }
        out
    }

    fn check_id_syntax(&mut self, id: &Sp<String>, kind: &str) {
        let s = id.get_ref();
        let ok = s.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
            && s.chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
        if !ok {
            self.err(
                Diagnostic::error(format!("`{s}` is not a valid {kind} id"))
                    .at(id.span())
                    .field(format!("{kind}.id"))
                    .help("an id starts with a letter and uses only letters, digits, `_` and `-`; put the readable name in `name`"),
            );
        }
    }

    fn declare(&mut self, id: &Sp<String>, kind: Kind) {
        let word = match kind {
            Kind::Issue(_) => "issue",
            Kind::Actor(_) => "actor",
            Kind::Bloc(_) => "bloc",
            Kind::Channel(_) => "channel",
        };
        self.check_id_syntax(id, word);
        if RESERVED.contains(&id.get_ref().as_str()) {
            self.err(
                Diagnostic::error(format!(
                    "`{}` is reserved and cannot be an id",
                    id.get_ref()
                ))
                .at(id.span())
                .field(format!("{word}.id"))
                .help("shock paths use `forum.MEMBER` and `war.*`; choose another id"),
            );
        }
        if let Some((prev, first)) = self.ids.get(id.get_ref()).cloned() {
            let prev = prev.word();
            self.err(
                Diagnostic::error(format!(
                    "duplicate id `{}`: it is already {prev}",
                    id.get_ref()
                ))
                .at(id.span())
                .also(first, "first defined here")
                .field(format!("{word}.id"))
                .help("issues, actors and blocs share one set of ids; rename one of them"),
            );
        } else {
            self.ids.insert(id.get_ref().clone(), (kind, id.span()));
        }
    }

    fn scale(&mut self, raw: Option<&Sp<Vec<f64>>>, issue: &str) -> Scale {
        let Some(raw) = raw else {
            return Scale::DEFAULT;
        };
        let help = "write the scale as [low, high] with finite numbers and low < high, e.g. scale = [0, 100]";
        match raw.get_ref().as_slice() {
            &[lo, hi] if lo.is_finite() && hi.is_finite() && lo < hi => Scale { lo, hi },
            other => {
                self.err(
                    Diagnostic::error(format!(
                        "invalid scale for issue `{issue}`: {}",
                        if other.len() != 2 {
                            format!("expected 2 numbers, got {}", other.len())
                        } else {
                            "low must be below high and both finite".into()
                        }
                    ))
                    .at(raw.span())
                    .field("issue.scale")
                    .help(help),
                );
                Scale::DEFAULT
            }
        }
    }

    /// Checks a number against its field's bounds; returns whether it is valid.
    fn param(&mut self, p: &Sp<Param>, field: &str, subject: &str, b: &Bounds) -> bool {
        let span = p.span();
        let diag = |msg: String| {
            Diagnostic::error(msg)
                .at(span.clone())
                .field(field.to_string())
        };
        match p.get_ref() {
            Param::Fixed(x) if !x.is_finite() => {
                self.err(
                    diag(format!("{subject} must be a finite number, got {x}")).help(format!(
                        "write a number ({}) or a distribution such as {{ normal = [mean, sd] }}",
                        b.words
                    )),
                );
                false
            }
            Param::Fixed(x) if !b.contains(*x) => {
                self.err(
                    diag(format!("{subject} is {}, {}", fmt_num(*x), b.violated()))
                        .help(b.help.clone()),
                );
                false
            }
            Param::Fixed(_) => true,
            Param::Dist(d) => {
                if let Some(reason) = d.invalid_reason() {
                    self.err(diag(format!("invalid distribution for the {subject}: {reason}")).help(
                        "valid: { normal = [mean, sd > 0] }, { uniform = [low, high] }, \
                         { triangular = [low, mode, high] }, { beta = [a > 0, b > 0] } or [a, b, low, high], \
                         { lognormal = [mu, sigma > 0] }",
                    ));
                    return false;
                }
                if !d.central().is_finite() {
                    self.err(
                        diag(format!(
                            "the {subject} is {d}, whose central value is not a finite number"
                        ))
                        .help(b.help.clone()),
                    );
                    return false;
                }
                let (lo, hi) = d.support();
                let bounded = lo.is_finite() && hi.is_finite();
                if bounded && !(b.contains(lo) && b.contains(hi)) {
                    self.err(
                        diag(format!(
                            "the {subject} is {d}, which reaches outside {}",
                            b.words
                        ))
                        .help(b.help.clone()),
                    );
                    false
                } else if !b.contains(d.central()) {
                    self.err(
                        diag(format!(
                            "the {subject} is {d}, whose central value {} is outside {}",
                            fmt_num(d.central()),
                            b.words
                        ))
                        .help(b.help.clone()),
                    );
                    false
                } else {
                    true
                }
            }
        }
    }

    fn issue_ref(&mut self, id: &Sp<String>, field: &str) -> Option<usize> {
        let found = self.issues.iter().position(|i| &i.id == id.get_ref());
        if found.is_none() {
            let names: Vec<&str> = self.issues.iter().map(|i| i.id.as_str()).collect();
            let help = did_you_mean(id.get_ref(), &names, "issue");
            let what = match self.ids.get(id.get_ref()).map(|x| x.0) {
                Some(k) => format!("`{}` is {}, not an issue", id.get_ref(), k.word()),
                None => format!("unknown issue `{}`", id.get_ref()),
            };
            self.err(
                Diagnostic::error(what)
                    .at(id.span())
                    .field(field.to_string())
                    .help(help),
            );
        }
        found
    }

    fn stances(&mut self, ra: &crate::raw::RawActor) -> Vec<Option<Stance>> {
        let id = ra.id.get_ref();
        let mut out: Vec<Option<Stance>> = vec![None; self.issues.len()];
        let mut positions: Vec<Option<Param>> = vec![None; self.issues.len()];
        let mut saliences: Vec<Option<Param>> = vec![None; self.issues.len()];
        for (key, value) in &ra.position {
            if let Some(k) = self.issue_ref(key, "actor.position") {
                let field = format!("actor.position.{}", key.get_ref());
                let bounds = scale_bounds(&self.issues[k]);
                self.param(
                    value,
                    &field,
                    &format!("position of actor `{id}` on `{}`", key.get_ref()),
                    &bounds,
                );
                positions[k] = Some(*value.get_ref());
            }
        }
        for (key, value) in &ra.salience {
            if let Some(k) = self.issue_ref(key, "actor.salience") {
                let field = format!("actor.salience.{}", key.get_ref());
                self.param(
                    value,
                    &field,
                    &format!("salience of actor `{id}` on `{}`", key.get_ref()),
                    &salience_bounds(),
                );
                saliences[k] = Some(*value.get_ref());
            }
        }
        for k in 0..self.issues.len() {
            let issue = self.issues[k].id.clone();
            match (positions[k], saliences[k]) {
                (Some(position), Some(salience)) => out[k] = Some(Stance { position, salience }),
                (Some(_), None) => {
                    let key = ra
                        .position
                        .keys()
                        .find(|s| s.get_ref() == &issue)
                        .map(|s| s.span());
                    self.err(
                        Diagnostic::error(format!(
                            "actor `{id}` has a position on `{issue}` but no salience"
                        ))
                        .at(key.unwrap_or(ra.id.span()))
                        .field(format!("actor.salience.{issue}"))
                        .help(format!(
                            "add `{issue} = <0..1>` to its `salience`, or remove the position"
                        )),
                    );
                }
                (None, Some(_)) => {
                    let key = ra
                        .salience
                        .keys()
                        .find(|s| s.get_ref() == &issue)
                        .map(|s| s.span());
                    self.err(
                        Diagnostic::error(format!(
                            "actor `{id}` has a salience on `{issue}` but no position"
                        ))
                        .at(key.unwrap_or(ra.id.span()))
                        .field(format!("actor.position.{issue}"))
                        .help(format!(
                            "add `{issue} = <position>` to its `position`, or remove the salience"
                        )),
                    );
                }
                (None, None) => {}
            }
        }
        out
    }

    fn member_ref(&mut self, id: &Sp<String>, field: &str) -> Option<Member> {
        match self.ids.get(id.get_ref()).map(|x| x.0) {
            Some(Kind::Actor(a)) => Some(Member::Actor(a)),
            Some(Kind::Bloc(b)) => Some(Member::Bloc(b)),
            other => {
                let names: Vec<&str> = self
                    .ids
                    .iter()
                    .filter(|(_, k)| matches!(k.0, Kind::Actor(_) | Kind::Bloc(_)))
                    .map(|(n, _)| n.as_str())
                    .collect();
                let msg = match other {
                    Some(k) => format!("`{}` is {}, not an actor or bloc", id.get_ref(), k.word()),
                    None => format!("unknown actor or bloc `{}`", id.get_ref()),
                };
                let help = did_you_mean(id.get_ref(), &names, "actor or bloc");
                self.err(
                    Diagnostic::error(msg)
                        .at(id.span())
                        .field(field.to_string())
                        .help(help),
                );
                None
            }
        }
    }

    fn blocs(&mut self, raw: &RawScenario) -> Vec<Bloc> {
        let mut blocs = Vec::new();
        for rb in &raw.blocs {
            let id = rb.id.get_ref();
            let rule = match Rule::parse(rb.rule.get_ref()) {
                Some(r) => r,
                None => {
                    self.err(
                        Diagnostic::error(format!("unknown bloc rule `{}`", rb.rule.get_ref()))
                            .at(rb.rule.span())
                            .field("bloc.rule")
                            .help(format!(
                                "{}; `unanimity` = the member nearest the status quo, `qmv` = weighted median, \
                                 `consensus` = weighted mean",
                                did_you_mean(rb.rule.get_ref(), &Rule::NAMES, "rule")
                            )),
                    );
                    Rule::Consensus
                }
            };
            if rb.members.get_ref().is_empty() {
                self.err(
                    Diagnostic::error(format!("bloc `{id}` has no members"))
                        .at(rb.members.span())
                        .field("bloc.members")
                        .help("list the ids of its member actors or blocs, e.g. members = [\"france\", \"germany\"]"),
                );
            }
            let mut members = Vec::new();
            for m in rb.members.get_ref() {
                if m.get_ref() == id {
                    self.err(
                        Diagnostic::error(format!("bloc `{id}` contains itself"))
                            .at(m.span())
                            .field("bloc.members")
                            .help("a bloc's members are other actors or blocs; remove it from its own list"),
                    );
                    continue;
                }
                if let Some(member) = self.member_ref(m, "bloc.members") {
                    if members.contains(&member) {
                        self.err(
                            Diagnostic::error(format!(
                                "`{}` is listed twice in bloc `{id}`",
                                m.get_ref()
                            ))
                            .at(m.span())
                            .field("bloc.members")
                            .help("list each member once"),
                        );
                    } else {
                        members.push(member);
                    }
                }
            }
            blocs.push(Bloc {
                id: id.clone(),
                name: rb.name.clone(),
                members,
                rule,
            });
        }
        // A bloc that contains itself through other blocs.
        for (b, rb) in raw.blocs.iter().enumerate() {
            if let Some(path) = cycle_through(&blocs, b) {
                if path.len() > 1 {
                    let via: Vec<&str> = path.iter().map(|&k| blocs[k].id.as_str()).collect();
                    self.err(
                        Diagnostic::error(format!(
                            "bloc `{}` contains itself through {}",
                            rb.id.get_ref(),
                            via[1..]
                                .iter()
                                .map(|s| format!("`{s}`"))
                                .collect::<Vec<_>>()
                                .join(" -> ")
                        ))
                        .at(rb.members.span())
                        .field("bloc.members")
                        .help("blocs may nest, but not in a circle; remove one of the links"),
                    );
                }
            }
        }
        blocs
    }

    fn shock(&mut self, rs: &RawShock, field: &str) -> Option<Shock> {
        let at = *rs.at.get_ref();
        let mut ok = true;
        if at < 0 || at > u32::MAX as i64 {
            self.err(
                Diagnostic::error(format!("shock round `at = {at}` must be 0 or more"))
                    .at(rs.at.span())
                    .field(format!("{field}.at"))
                    .help("`at` is the round at which the change applies; 0 applies it before the first round"),
            );
            ok = false;
        }
        let target = self.target(&rs.set, &format!("{field}.set"));
        if let Some(t) = target {
            let (bounds, subject) = match t {
                Target::Capability { .. } => (capability_bounds(), "new capability".to_string()),
                Target::Risk { .. } => (risk_bounds(), "new risk attitude".to_string()),
                Target::Salience { .. } => (salience_bounds(), "new salience".to_string()),
                Target::Position { issue, .. } => (
                    scale_bounds(&self.issues[issue]),
                    "new position".to_string(),
                ),
                Target::StatusQuo { issue } => (
                    scale_bounds(&self.issues[issue]),
                    "new status quo".to_string(),
                ),
                Target::Support { .. } => {
                    (share_bounds("support"), "new support share".to_string())
                }
                Target::Side { field, .. } => (side_bounds(field), format!("new {}", field.name())),
                Target::ChannelOpen { .. } => (
                    Bounds::closed(0.0, 1.0, "1 opens the channel, 0 closes it"),
                    "new channel state".to_string(),
                ),
                Target::Forum { .. } => (
                    Bounds::closed(0.0, 1.0, "1 seats the member at the table, 0 removes it"),
                    "new seat".to_string(),
                ),
            };
            ok &= self.param(
                &rs.to,
                &format!("{field}.to"),
                &format!("{subject} for `{}`", rs.set.get_ref()),
                &bounds,
            );
        }
        let target = target?;
        ok.then(|| Shock {
            at: at as u32,
            target,
            to: *rs.to.get_ref(),
            note: rs.note.clone(),
        })
    }

    /// Resolves a parameter path such as `us.salience.territory`.
    fn target(&mut self, path: &Sp<String>, field: &str) -> Option<Target> {
        let p = path.get_ref();
        let parts: Vec<&str> = p.split('.').collect();
        let valid = "valid: `ACTOR.capability`, `ACTOR.risk`, `ACTOR.position.ISSUE`, `ACTOR.salience.ISSUE`, \
                     `ISSUE.status_quo`; with a [war]: `ACTOR.support`, `BELLIGERENT.cost` (or `.cost_growth`, \
                     `.sanctions`, `.commitment`), `CHANNEL.open`, `forum.MEMBER`";
        let fail = |v: &mut Self, msg: String, help: String| {
            v.err(
                Diagnostic::error(msg)
                    .at(path.span())
                    .field(field.to_string())
                    .help(help),
            );
            None
        };
        let head = parts[0];
        if let Some(t) = self.war_target(&parts) {
            return t.map_err(|(msg, help)| fail(self, msg, help)).ok();
        }
        match self.ids.get(head).map(|x| x.0) {
            Some(Kind::Channel(_)) => fail(
                self,
                format!("cannot set `{p}`: a channel has only `open` to set"),
                valid.into(),
            ),
            Some(Kind::Issue(issue)) => match parts.as_slice() {
                [_, "status_quo"] => Some(Target::StatusQuo { issue }),
                _ => fail(
                    self,
                    format!("cannot set `{p}`: an issue has only `status_quo` to set"),
                    valid.into(),
                ),
            },
            Some(Kind::Actor(actor)) => {
                const FIELDS: [&str; 4] = ["capability", "risk", "position", "salience"];
                match parts.as_slice() {
                    [_, "capability"] => Some(Target::Capability { actor }),
                    [_, "risk"] => Some(Target::Risk { actor }),
                    [_, kind @ ("position" | "salience"), issue_id] => {
                        let Some(issue) = self.issues.iter().position(|i| i.id == *issue_id) else {
                            let names: Vec<&str> =
                                self.issues.iter().map(|i| i.id.as_str()).collect();
                            let help = did_you_mean(issue_id, &names, "issue");
                            return fail(
                                self,
                                format!("unknown issue `{issue_id}` in `{p}`"),
                                help,
                            );
                        };
                        if self
                            .actors
                            .get(actor)
                            .is_some_and(|a| a.stances[issue].is_none())
                        {
                            return fail(
                                self,
                                format!(
                                    "actor `{head}` takes no position on `{issue_id}`, so `{p}` cannot be set"
                                ),
                                format!(
                                    "give `{head}` a position and salience on `{issue_id}` first"
                                ),
                            );
                        }
                        Some(if *kind == "position" {
                            Target::Position { actor, issue }
                        } else {
                            Target::Salience { actor, issue }
                        })
                    }
                    [_, f, ..] => {
                        let hint = did_you_mean(f, &FIELDS, "actor field");
                        fail(
                            self,
                            format!("cannot set `{p}`: unknown or incomplete actor field"),
                            format!("{hint}\n{valid}"),
                        )
                    }
                    [_] => fail(
                        self,
                        format!("`{p}` names an actor but no field"),
                        valid.into(),
                    ),
                    [] => None,
                }
            }
            Some(Kind::Bloc(_)) => fail(
                self,
                format!("cannot set `{p}`: a bloc's numbers come from its members"),
                "set the members' numbers instead, or a bloc's `support` if it is a supporter"
                    .into(),
            ),
            None => {
                let names: Vec<&str> = self.ids.keys().map(String::as_str).collect();
                let hint = did_you_mean(head, &names, "actor or issue");
                fail(
                    self,
                    format!("unknown actor or issue `{head}` in `{p}`"),
                    format!("{hint}\n{valid}"),
                )
            }
        }
    }
}

/// The chain of blocs from `start` back to itself, if there is one (depth-first).
fn cycle_through(blocs: &[Bloc], start: usize) -> Option<Vec<usize>> {
    fn walk(
        blocs: &[Bloc],
        at: usize,
        start: usize,
        path: &mut Vec<usize>,
        seen: &mut [bool],
    ) -> bool {
        for m in &blocs[at].members {
            if let Member::Bloc(next) = *m {
                if next == start {
                    return true;
                }
                if !seen[next] {
                    seen[next] = true;
                    path.push(next);
                    if walk(blocs, next, start, path, seen) {
                        return true;
                    }
                    path.pop();
                }
            }
        }
        false
    }
    let mut path = vec![start];
    let mut seen = vec![false; blocs.len()];
    seen[start] = true;
    walk(blocs, start, start, &mut path, &mut seen).then_some(path)
}
