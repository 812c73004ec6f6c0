//! The raw shape of a scenario file: what serde reads, with the byte span of every value.
//!
//! Nothing here is checked beyond its type; [`validate`](mod@crate::validate) turns a
//! [`RawScenario`] into a [`crate::Scenario`]. The JSON Schema in `docs/scenario.schema.json` is
//! generated from these types, so they are also the reference of the format.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::Deserialize;
pub use toml::Spanned;

use crate::param::Param;

/// A value with the byte range it came from.
pub type Sp<T> = Spanned<T>;

/// A map read from a table, kept as pairs sorted by key. A scenario may hold a million actors
/// with one position each, and a `BTreeMap` node costs over a kilobyte however few its
/// entries; a vector costs what it holds. Keys are unique: TOML refuses a repeated key, and
/// importers build these from unique keys.
#[derive(Debug, Clone, PartialEq)]
pub struct Pairs<K, V>(Vec<(K, V)>);

impl<K, V> Default for Pairs<K, V> {
    fn default() -> Self {
        Pairs(Vec::new())
    }
}

impl<K: Ord, V> Pairs<K, V> {
    /// The pairs in key order.
    pub fn iter(&self) -> std::slice::Iter<'_, (K, V)> {
        self.0.iter()
    }

    /// The keys in order.
    pub fn keys(&self) -> impl Iterator<Item = &K> {
        self.0.iter().map(|(k, _)| k)
    }

    /// How many pairs there are.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether there are no pairs.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl<K: Ord, V> FromIterator<(K, V)> for Pairs<K, V> {
    fn from_iter<I: IntoIterator<Item = (K, V)>>(iter: I) -> Self {
        let mut v: Vec<(K, V)> = iter.into_iter().collect();
        v.sort_by(|a, b| a.0.cmp(&b.0));
        v.shrink_to_fit();
        Pairs(v)
    }
}

impl<K: Ord, V, const N: usize> From<[(K, V); N]> for Pairs<K, V> {
    fn from(a: [(K, V); N]) -> Self {
        a.into_iter().collect()
    }
}

impl<'a, K, V> IntoIterator for &'a Pairs<K, V> {
    type Item = &'a (K, V);
    type IntoIter = std::slice::Iter<'a, (K, V)>;
    fn into_iter(self) -> Self::IntoIter {
        self.0.iter()
    }
}

impl<'de, K: Deserialize<'de> + Ord, V: Deserialize<'de>> Deserialize<'de> for Pairs<K, V> {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Visit<K, V>(std::marker::PhantomData<(K, V)>);
        impl<'de, K: Deserialize<'de> + Ord, V: Deserialize<'de>> serde::de::Visitor<'de> for Visit<K, V> {
            type Value = Pairs<K, V>;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a table")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut m: A,
            ) -> Result<Self::Value, A::Error> {
                let mut v = Vec::with_capacity(m.size_hint().unwrap_or(0).min(64));
                while let Some(pair) = m.next_entry()? {
                    v.push(pair);
                }
                Ok(v.into_iter().collect())
            }
        }
        d.deserialize_map(Visit(std::marker::PhantomData))
    }
}

/// A detente scenario (format version 1).
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(title = "detente scenario, format 1")]
pub struct RawScenario {
    /// Format version of this file. Must be 1.
    #[schemars(schema_with = "format_schema")]
    pub format: Sp<i64>,
    /// Metadata: name, source, time unit.
    #[serde(default)]
    pub scenario: Option<RawMeta>,
    /// The policy dimensions, each with a numeric scale.
    #[serde(default, rename = "issue")]
    pub issues: Vec<RawIssue>,
    /// The decision makers.
    #[serde(default, rename = "actor")]
    pub actors: Vec<RawActor>,
    /// Groups of actors that speak through one voice.
    #[serde(default, rename = "bloc")]
    pub blocs: Vec<RawBloc>,
    /// Dated changes of a parameter.
    #[serde(default, rename = "shock")]
    pub shocks: Vec<RawShock>,
    /// Named patches to the scenario that an actor could choose.
    #[serde(default, rename = "policy")]
    pub policies: Vec<RawPolicy>,
    /// The war the `war` model runs: belligerents, supporters, forum, channels, terms.
    #[serde(default)]
    #[schemars(with = "Option<RawWar>")]
    pub war: Option<Sp<RawWar>>,
    /// Options of the dynamic stakeholder models.
    #[serde(default)]
    pub models: Option<RawModels>,
}

/// `[models]`: options of the dynamic stakeholder models, one table per model.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "Models")]
pub struct RawModels {
    /// `[models.eum]`: Bueno de Mesquita's expected utility model.
    pub eum: Option<RawEum>,
    /// `[models.exchange]`: Stokman & van Oosten's exchange model.
    pub exchange: Option<RawExchange>,
    /// `[models.smp]`: KTAB's spatial model of politics.
    pub smp: Option<RawSmp>,
}

/// `[models.eum]`.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "EumOptions")]
pub struct RawEum {
    /// Probability Q that the status quo persists when nobody challenges, 0..1. Default 1.
    #[schemars(with = "Option<f64>")]
    pub q: Option<Sp<f64>>,
    /// Rounds to run (with `stop = "rounds"`) or at most (with `stop = "converged"`). Default 8.
    #[schemars(with = "Option<u32>")]
    pub rounds: Option<Sp<i64>>,
    /// `rounds` (default) or `converged`: stop when no position moves more than `tolerance`.
    #[schemars(with = "Option<String>")]
    pub stop: Option<Sp<String>>,
    /// Largest move, as a share of the issue's scale, that counts as converged. Default 0.001.
    #[schemars(with = "Option<f64>")]
    pub tolerance: Option<Sp<f64>>,
}

/// `[models.exchange]`.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "ExchangeOptions")]
pub struct RawExchange {
    /// Rounds of exchanges. Default 10.
    #[schemars(with = "Option<u32>")]
    pub rounds: Option<Sp<i64>>,
}

/// `[models.smp]`: every enumerated parameter of KTAB's SMP. Names are KTAB's, in kebab case;
/// KTAB's own spellings (`InitOnlyInterp`) are accepted too.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "SmpOptions")]
pub struct RawSmp {
    /// Victory probability from coalition strengths: `linear` (default), `square`, `quartic`,
    /// `octic`, `binary`.
    #[schemars(with = "Option<String>")]
    pub victory: Option<Sp<String>>,
    /// Voting rule: `binary`, `prop-bin`, `prop` (default), `prop-cbc`, `cubic`, `asym-prosp`.
    #[schemars(with = "Option<String>")]
    pub voting: Option<Sp<String>>,
    /// Probabilistic Condorcet election: `conditional` (default), `markov-uniform`,
    /// `markov-incentive`.
    #[schemars(with = "Option<String>")]
    pub election: Option<Sp<String>>,
    /// State transitions: `deterministic` (default) or `stochastic`.
    #[schemars(with = "Option<String>")]
    pub transitions: Option<Sp<String>>,
    /// Range of inferred risk attitudes: `min` (0..1), `mid` (-0.5..1, default), `max` (-1..1).
    #[schemars(with = "Option<String>")]
    pub risk_range: Option<Sp<String>>,
    /// Perspective mix of risk attitudes: `full`, `two-thirds`, `half`, `one-third` (default),
    /// `none`.
    #[schemars(with = "Option<String>")]
    pub risk_adjust: Option<Sp<String>>,
    /// Third-party commitment: `no-commit`, `semi-commit` (default), `full-commit`.
    #[schemars(with = "Option<String>")]
    pub third_party: Option<Sp<String>>,
    /// Bargain interpolation: `s1p1`, `s2p2` (default), `s2pmax`.
    #[schemars(with = "Option<String>")]
    pub interpolation: Option<Sp<String>>,
    /// Bargain model: `init-only-interp` (default), `init-rcvr-interp`, `pw-comp-interp`.
    #[schemars(with = "Option<String>")]
    pub bargain: Option<Sp<String>>,
    /// At most this many turns. Default 100.
    #[schemars(with = "Option<u32>")]
    pub max_turns: Option<Sp<i64>>,
    /// At least this many turns before the stopping rule applies. Default 2.
    #[schemars(with = "Option<u32>")]
    pub min_turns: Option<Sp<i64>>,
    /// Stop when a turn moves less than this share of the first turn's movement. Default 0.02.
    #[schemars(with = "Option<f64>")]
    pub stop_ratio: Option<Sp<f64>>,
    /// How fast ideals follow positions, 0..1. Default 1 (ideals are the positions).
    #[schemars(with = "Option<f64>")]
    pub accommodation: Option<Sp<f64>>,
}

impl RawScenario {
    /// A format-1 scenario of issues and actors only, as the importers build it.
    pub fn of(meta: RawMeta, issues: Vec<RawIssue>, actors: Vec<RawActor>) -> RawScenario {
        RawScenario {
            format: Sp::new(0..0, crate::validate::FORMAT_VERSION),
            scenario: Some(meta),
            issues,
            actors,
            blocs: Vec::new(),
            shocks: Vec::new(),
            policies: Vec::new(),
            war: None,
            models: None,
        }
    }
}

/// `[scenario]`: what the scenario is and where its numbers come from.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "Meta")]
pub struct RawMeta {
    /// A short title.
    pub name: Option<String>,
    /// Where the numbers come from (publication, data set, analyst).
    pub source: Option<String>,
    /// A longer description.
    pub description: Option<String>,
    /// What one time unit means: `year`, `quarter`, `month`, `week` or `day` (or their
    /// plurals); other words are labels only. The war model's rates are per time unit, and its
    /// defaults for `front_speed`, `front_volatility` and `collapse` need one of those five.
    /// Default "round".
    pub time_unit: Option<String>,
}

/// `[[issue]]`: a policy dimension.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "Issue")]
pub struct RawIssue {
    /// Identifier: letters, digits, `_` and `-`, starting with a letter.
    #[schemars(with = "String")]
    pub id: Sp<String>,
    /// A readable name; defaults to the id.
    pub name: Option<String>,
    /// What the low end of the scale means.
    pub low: Option<String>,
    /// What the high end of the scale means.
    pub high: Option<String>,
    /// `[low, high]` of the numeric scale. Default `[0, 100]`.
    #[schemars(with = "Option<[f64; 2]>")]
    pub scale: Option<Sp<Vec<f64>>>,
    /// The status quo or reference point, on the scale.
    #[schemars(with = "Option<Param>")]
    pub status_quo: Option<Sp<Param>>,
    /// The outcome actually observed, for backtesting.
    #[schemars(with = "Option<f64>")]
    pub observed: Option<Sp<f64>>,
}

/// `[[actor]]`: a decision maker.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "Actor")]
pub struct RawActor {
    /// Identifier: letters, digits, `_` and `-`, starting with a letter.
    #[schemars(with = "String")]
    pub id: Sp<String>,
    /// A readable name; defaults to the id.
    pub name: Option<String>,
    /// Power the actor can bring to bear; > 0.
    #[schemars(with = "Param")]
    pub capability: Sp<Param>,
    /// Position per issue id, on that issue's scale.
    #[serde(default)]
    #[schemars(with = "BTreeMap<String, Param>")]
    pub position: Pairs<Sp<String>, Sp<Param>>,
    /// Salience per issue id: how much the actor cares, 0..1.
    #[serde(default)]
    #[schemars(with = "BTreeMap<String, Param>")]
    pub salience: Pairs<Sp<String>, Sp<Param>>,
    /// Risk attitude, -1 (averse) .. 0 (neutral) .. 1 (acceptant).
    #[schemars(with = "Option<Param>")]
    pub risk: Option<Sp<Param>>,
}

/// `[[bloc]]`: actors (or blocs) that speak through one voice.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "Bloc")]
pub struct RawBloc {
    /// Identifier, unique among issues, actors and blocs.
    #[schemars(with = "String")]
    pub id: Sp<String>,
    /// A readable name; defaults to the id.
    pub name: Option<String>,
    /// Ids of member actors or blocs.
    #[schemars(with = "Vec<String>")]
    pub members: Sp<Vec<Sp<String>>>,
    /// How members' positions make the bloc's: `unanimity` (the member nearest the status quo),
    /// `qmv` (weighted median), `consensus` (weighted mean).
    #[schemars(with = "RuleName")]
    pub rule: Sp<String>,
}

fn format_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
    schemars::json_schema!({ "type": "integer", "const": 1 })
}

#[derive(JsonSchema)]
#[serde(rename_all = "lowercase")]
#[allow(dead_code)] // only describes the schema
enum RuleName {
    Unanimity,
    Qmv,
    Consensus,
}

/// `[[shock]]`: at round `at`, set a parameter to a new value.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "Shock")]
pub struct RawShock {
    /// Round at which the change applies; 0 means before the first round.
    #[schemars(with = "u32")]
    pub at: Sp<i64>,
    /// The parameter: `ACTOR.capability`, `ACTOR.risk`, `ACTOR.position.ISSUE`,
    /// `ACTOR.salience.ISSUE` or `ISSUE.status_quo`.
    #[schemars(with = "String")]
    pub set: Sp<String>,
    /// The new value.
    #[schemars(with = "Param")]
    pub to: Sp<Param>,
    /// Why, in words.
    pub note: Option<String>,
}

/// `[[policy]]`: a named set of shocks an actor could choose.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "Policy")]
pub struct RawPolicy {
    /// Identifier, unique among policies.
    #[schemars(with = "String")]
    pub id: Sp<String>,
    /// What the policy is, in words.
    pub description: Option<String>,
    /// The actor or bloc that would choose it.
    #[schemars(with = "Option<String>")]
    pub actor: Option<Sp<String>>,
    /// The changes it makes; `at = 0` changes the scenario before the first round.
    #[serde(default)]
    pub shock: Vec<RawShock>,
}

/// `[war]`: two belligerents fighting over the stakes issue, their supporters, the forum that
/// proposes terms, dialogue channels, and what the terms mean for the peace that follows.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "War")]
pub struct RawWar {
    /// `[A, B]`: the two belligerents (actor ids). A settlement x is A's share of the stakes.
    #[schemars(with = "[String; 2]")]
    pub belligerents: Sp<Vec<Sp<String>>>,
    /// The issue fought over; A's and B's positions on it are the two ends of a settlement.
    #[schemars(with = "String")]
    pub stakes: Sp<String>,
    /// Time units simulated (units of `[scenario] time_unit`), 1..10000. Default 60.
    #[schemars(with = "Option<u32>")]
    pub horizon: Option<Sp<i64>>,
    /// No longer read: territory is continuous in version 2 of the war model. Kept so that
    /// validation can refuse it with a pointer to `front_speed` and `front_volatility`.
    #[schemars(skip)]
    pub front_steps: Option<Sp<i64>>,
    /// No longer read: the front starts at the stakes issue's status quo. Kept so that
    /// validation can refuse it with a pointer to `status_quo`.
    #[schemars(skip)]
    pub front: Option<Sp<i64>>,
    /// Drift of the front at full superiority, in points of the stakes issue's scale per time
    /// unit; > 0. Default: 0.2 x |position of A - position of B| a year, in the time unit.
    #[schemars(with = "Option<Param>")]
    pub front_speed: Option<Sp<Param>>,
    /// Volatility of the front, in points of the stakes issue's scale per square root of a
    /// time unit; > 0. Default: 0.05 x |position of A - position of B| per square root of a
    /// year, in the time unit.
    #[schemars(with = "Option<Param>")]
    pub front_volatility: Option<Sp<Param>>,
    /// Hazard per time unit that a side collapses when its accumulated burden equals its
    /// `resolve`; >= 0. Default: 0.5 a year, in the time unit.
    #[schemars(with = "Option<Param>")]
    pub collapse: Option<Sp<Param>>,
    /// Time units between rounds of talks, in (0, horizon]. Default 1.
    #[schemars(with = "Option<f64>")]
    pub talks: Option<Sp<f64>>,
    /// Time of the first round of talks, in [0, horizon): the war is fought until then.
    /// Default 0.
    #[schemars(with = "Option<f64>")]
    pub first_talks: Option<Sp<f64>>,
    /// Numerical time step, in time units, in (0, talks]. Default: `talks`. The model steps
    /// talks / ceil(talks / step).
    #[schemars(with = "Option<f64>")]
    pub step: Option<Sp<f64>>,
    /// Increments of the front simulated per step, 1..1000. Default 4.
    #[schemars(with = "Option<u32>")]
    pub substeps: Option<Sp<i64>>,
    /// Decisiveness g of the contest function M_A^g / (M_A^g + M_B^g). Default 1.
    #[schemars(with = "Option<Param>")]
    pub decisiveness: Option<Sp<Param>>,
    /// Discount factor per time unit, in (0, 0.9999]: the model discounts at the rate
    /// r = -ln(discount), which must be positive. Default 0.99.
    #[schemars(with = "Option<Param>")]
    pub discount: Option<Sp<Param>>,
    /// Actors or blocs at the table. They propose the terms.
    #[schemars(with = "Vec<String>")]
    pub forum: Sp<Vec<Sp<String>>>,
    /// Stakeholder model the forum uses: `compromise` (default), `median` or `nash`.
    #[schemars(with = "Option<String>")]
    pub forum_model: Option<Sp<String>>,
    /// The belligerents' loss over distance: `quadratic` (default) or `linear`.
    #[schemars(with = "Option<String>")]
    pub loss: Option<Sp<String>>,
    /// Who proposes: `forum` (default) or a belligerent making take-it-or-leave-it demands.
    #[schemars(with = "Option<String>")]
    pub proposer: Option<Sp<String>>,
    /// One table per belligerent: its costs, beliefs and leader.
    #[serde(default)]
    pub side: Vec<RawSide>,
    /// Supporters sending aid to a belligerent.
    #[serde(default)]
    pub support: Vec<RawSupport>,
    /// Dialogue channels between actors or blocs.
    #[serde(default)]
    pub channel: Vec<RawChannel>,
    /// Which issues the terms of a ceasefire are about.
    pub terms: Option<RawTerms>,
    /// The peace after a ceasefire.
    pub after: Option<RawAfter>,
}

/// `[[war.side]]`: one belligerent's costs, beliefs and leader.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "Side")]
pub struct RawSide {
    /// The belligerent's actor id.
    #[schemars(with = "String")]
    pub actor: Sp<String>,
    /// Share of its capability at war, (0, 1]. Default 1.
    #[schemars(with = "Option<Param>")]
    pub commitment: Option<Sp<Param>>,
    /// Cost per time unit of war at the start, in units of the side's utility range (its ideal
    /// package is 1, its worst 0); >= 0.
    #[schemars(with = "Param")]
    pub cost: Sp<Param>,
    /// Growth factor of the cost per time unit; > 1 is the "death zone". Default 1.
    #[schemars(with = "Option<Param>")]
    pub cost_growth: Option<Sp<Param>>,
    /// Extra cost per time unit of war from sanctions, in the units of `cost`; >= 0. Default 0.
    #[schemars(with = "Option<Param>")]
    pub sanctions: Option<Sp<Param>>,
    /// Its belief about its own share of the balance of strength, 0..1: the chance it would win
    /// an engagement. Default: the truth.
    #[schemars(with = "Option<Param>")]
    pub win_belief: Option<Sp<Param>>,
    /// How many time units of watching the front that belief is worth, 0.001..1e6. Default 10.
    #[schemars(with = "Option<Param>")]
    pub belief_strength: Option<Sp<Param>>,
    /// `[low, high]`: what the others believe its cost per time unit to be (a uniform belief).
    /// Default: its true cost, known to all.
    #[schemars(with = "Option<[f64; 2]>")]
    pub cost_believed: Option<Sp<Vec<f64>>>,
    /// Penalty its leader suffers for a settlement below `leader_threshold`, in the units of
    /// `cost`, 0..1e6. Default 0.
    #[schemars(with = "Option<Param>")]
    pub leader_penalty: Option<Sp<Param>>,
    /// Penalty its leader suffers if the side is defeated (Goemans 2000), in the units of
    /// `cost`, 0..1e6. Default: `leader_penalty`.
    #[schemars(with = "Option<Param>")]
    pub defeat_penalty: Option<Sp<Param>>,
    /// Share of the stakes below which a settlement counts as a loss for the leader. Default 0.5.
    #[schemars(with = "Option<Param>")]
    pub leader_threshold: Option<Sp<Param>>,
    /// Accumulated burden (the time integral of its cost rate, in the units of `cost`) at which
    /// its hazard of collapse equals `war.collapse`; > 0. Default: it never collapses.
    #[schemars(with = "Option<Param>")]
    pub resolve: Option<Sp<Param>>,
    /// Growth rate of its strength per time unit after a ceasefire (rearmament), 0..1.
    /// Default 0.
    #[schemars(with = "Option<Param>")]
    pub rearm: Option<Sp<Param>>,
    /// Hazard per time unit of its leader's removal at the worst prospects (times one minus
    /// its value of fighting on), 0..1e6. Default 0: the leader stays.
    #[schemars(with = "Option<Param>")]
    pub removal: Option<Sp<Param>>,
    /// The actor whose positions and saliences the side takes when its leader is removed.
    /// Default: the same positions, without the leader's penalties.
    #[schemars(with = "Option<String>")]
    pub successor: Option<Sp<String>>,
}

/// `[[war.support]]`: a supporter sends a share of its capability to one side.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "Support")]
pub struct RawSupport {
    /// The supporting actor or bloc.
    #[schemars(with = "String")]
    pub actor: Sp<String>,
    /// The belligerent it supports.
    #[schemars(with = "String")]
    pub side: Sp<String>,
    /// Share of its capability sent as aid, 0..1.
    #[schemars(with = "Param")]
    pub share: Sp<Param>,
}

/// `[[war.channel]]`: a dialogue channel; the first of `between` opens it.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "Channel")]
pub struct RawChannel {
    /// Identifier, unique among issues, actors, blocs and channels.
    #[schemars(with = "String")]
    pub id: Sp<String>,
    /// `[opener, other]`: actors or blocs.
    #[schemars(with = "[String; 2]")]
    pub between: Sp<Vec<Sp<String>>>,
    /// Open from the start. Default false; a shock `ID.open = 1` opens it later.
    pub open: Option<bool>,
    /// Noise (standard deviation) of the signal it carries each round; > 0. Default 0.1.
    #[schemars(with = "Option<Param>")]
    pub noise: Option<Sp<Param>>,
    /// Weight of that signal: how many readings of the balance with that noise a time unit of
    /// talks gives; >= 0. Default 1.
    #[schemars(with = "Option<Param>")]
    pub weight: Option<Sp<Param>>,
    /// Issue on which the opener concedes to open the channel.
    #[schemars(with = "Option<String>")]
    pub price_issue: Option<Sp<String>>,
    /// How far (in the issue's units) the opener moves towards the other to open it. Default 0.
    #[schemars(with = "Option<Param>")]
    pub price: Option<Sp<Param>>,
    /// Probability that the other side accepts the channel, 0..1. Default 1.
    #[schemars(with = "Option<Param>")]
    pub acceptance: Option<Sp<Param>>,
}

/// `[war.terms]`: the issues whose settled values shape the peace.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "Terms")]
pub struct RawTerms {
    /// Issue measuring security guarantees for B (high end = strongest).
    #[schemars(with = "Option<String>")]
    pub guarantees: Option<Sp<String>>,
    /// Issue measuring the forces B may keep (high end = no limit).
    #[schemars(with = "Option<String>")]
    pub forces: Option<Sp<String>>,
    /// Issue measuring monitoring of the ceasefire (high end = strongest).
    #[schemars(with = "Option<String>")]
    pub monitoring: Option<Sp<String>>,
    /// Actors or blocs that give the guarantees. Default: B's supporters.
    #[schemars(with = "Option<Vec<String>>")]
    pub guarantors: Option<Sp<Vec<Sp<String>>>>,
    /// Share of their capability guarantors commit to B if A attacks again, at full
    /// guarantees; 0..1. Default 0.1.
    #[schemars(with = "Option<Param>")]
    pub guarantee_share: Option<Sp<Param>>,
    /// What full guarantees add to A's cost rate of a renewed war, per time unit, in the units
    /// of `cost`; >= 0. Default 0.
    /// Default 0.5.
    #[schemars(with = "Option<Param>")]
    pub guarantee_cost: Option<Sp<Param>>,
}

/// `[war.after]`: the risk that war resumes after a ceasefire.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "After")]
pub struct RawAfter {
    /// Time units of peace examined, 1..1000. Default 60.
    #[schemars(with = "Option<u32>")]
    pub horizon: Option<Sp<i64>>,
    /// Probability per time unit of renewed war when both sides' margins for renewing are zero,
    /// 0..0.999. Default 0.01.
    #[schemars(with = "Option<Param>")]
    pub baseline_hazard: Option<Sp<Param>>,
    /// How fast the hazard rises as a side's reason to attack nears Powell's threshold; >= 0.
    /// Default 10.
    #[schemars(with = "Option<Param>")]
    pub sensitivity: Option<Sp<Param>>,
}
