//! The validated scenario: the domain types every model reads.
//!
//! A [`Scenario`] is only made by [`validate`](mod@crate::validate), so every invariant below
//! holds: ids are unique and well formed, references resolve, every number is finite and within
//! its field's range, every issue has at least one actor with a position and some salience.

use std::fmt;

use crate::param::Param;

/// A validated scenario: what every model runs on.
#[derive(Debug, Clone, PartialEq)]
pub struct Scenario {
    /// The `[scenario]` metadata.
    pub meta: Meta,
    /// The issues, in file order; `Target`s and stances index into it.
    pub issues: Vec<Issue>,
    /// The actors, in file order; `Member::Actor` and `Stake::actor` index into it.
    pub actors: Vec<Actor>,
    /// The blocs, in file order; `Member::Bloc` indexes into it.
    pub blocs: Vec<Bloc>,
    /// Dated changes of a parameter, sorted by round.
    pub shocks: Vec<Shock>,
    /// The named policies, in file order.
    pub policies: Vec<Policy>,
    /// The `[war]` section, for the `war` model.
    pub war: Option<War>,
    /// Options of the dynamic stakeholder models (defaults when the file has none).
    pub models: ModelOptions,
}

/// Options of the dynamic stakeholder models, from `[models.*]`.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ModelOptions {
    /// `[models.eum]`.
    pub eum: EumOptions,
    /// `[models.exchange]`.
    pub exchange: ExchangeOptions,
    /// `[models.smp]`.
    pub smp: SmpOptions,
}

/// When the expected utility model stops.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stop {
    /// After exactly `rounds` rounds.
    Rounds,
    /// When no position moves more than `tolerance` x the scale width, or after `rounds`.
    Converged,
}

/// Options of the expected utility model (`[models.eum]`, `docs/models/eum.md`).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct EumOptions {
    /// Probability that the status quo persists unchallenged, 0..1.
    pub q: f64,
    /// Rounds to run, or at most with [`Stop::Converged`], 1..1000.
    pub rounds: u32,
    /// When to stop.
    pub stop: Stop,
    /// Largest move, as a share of the scale width, that counts as converged.
    pub tolerance: f64,
}

impl Default for EumOptions {
    fn default() -> Self {
        EumOptions {
            q: 1.0,
            rounds: 8,
            stop: Stop::Rounds,
            tolerance: 0.001,
        }
    }
}

/// Options of the exchange model (`[models.exchange]`, `docs/models/exchange.md`).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ExchangeOptions {
    /// Rounds of exchanges to run, 1..1000.
    pub rounds: u32,
}

impl Default for ExchangeOptions {
    fn default() -> Self {
        ExchangeOptions { rounds: 10 }
    }
}

/// Declares a KTAB enumeration: the variants, their names in a scenario file (KTAB's own names
/// in kebab case) and extra accepted spellings.
macro_rules! choice {
    ($(#[$m:meta])* $name:ident { $($(#[$vm:meta])* $v:ident = $s:literal $(| $alias:literal)*),+ $(,)? }) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub enum $name { $($(#[$vm])* $v),+ }

        impl $name {
            /// Every variant, in declaration order.
            pub const ALL: &'static [$name] = &[$($name::$v),+];

            /// The name written in a scenario file.
            pub fn name(self) -> &'static str {
                match self { $($name::$v => $s),+ }
            }

            /// Reads a name, ignoring case, `-` and `_`, so that KTAB's own spellings
            /// (`InitOnlyInterp`, `SemiCommit`) work too.
            pub fn parse(s: &str) -> Option<$name> {
                let key: String = s
                    .chars()
                    .filter(|c| *c != '-' && *c != '_')
                    .flat_map(char::to_lowercase)
                    .collect();
                let norm = |n: &str| -> String { n.chars().filter(|c| *c != '-').collect() };
                $(
                    if key == norm($s) $(|| key == norm($alias))* {
                        return Some($name::$v);
                    }
                )+
                None
            }
        }
    };
}

choice! {
    /// How coalition strengths become a probability of victory (KTAB `VPModel`).
    VictoryModel {
        /// P = C_ij / (C_ij + C_ji).
        Linear = "linear",
        /// P = C_ij^2 / (C_ij^2 + C_ji^2).
        Square = "square",
        /// As `Square` with fourth powers.
        Quartic = "quartic",
        /// As `Square` with eighth powers.
        Octic = "octic",
        /// A 10% advantage is decisive; linear in between.
        Binary = "binary",
    }
}

choice! {
    /// How an actor's utility difference becomes a vote (KTAB `VotingRule`).
    VotingRule {
        /// The actor's whole weight goes to the option it prefers.
        Binary = "binary",
        /// 0.8 proportional + 0.2 binary.
        PropBin = "prop-bin",
        /// In proportion to the utility difference.
        Proportional = "prop" | "proportional",
        /// 0.5 proportional + 0.5 cubic.
        PropCbc = "prop-cbc" | "prop-cubic",
        /// In proportion to the cube of the utility difference.
        Cubic = "cubic",
        /// Gains count two thirds as much as losses.
        AsymProsp = "asym-prosp" | "asym-prospect",
    }
}

choice! {
    /// The probabilistic Condorcet election (KTAB `PCEModel`).
    Election {
        /// p_i proportional to prod_j P(i > j).
        Conditional = "conditional",
        /// Markov chain of challenges, each option challenging with probability 1/N.
        MarkovUniform = "markov-uniform",
        /// Markov chain of challenges weighted by the incentive to challenge.
        MarkovIncentive = "markov-incentive",
    }
}

choice! {
    /// How each actor's bargain is picked from its queue (KTAB `StateTransMode`).
    Transitions {
        /// The most likely bargain.
        Deterministic = "deterministic",
        /// A bargain drawn with the election's probabilities.
        Stochastic = "stochastic",
    }
}

choice! {
    /// The range of inferred risk attitudes (KTAB `BigRRange`).
    RiskRange {
        /// 0 .. 1.
        Min = "min",
        /// -0.5 .. 1.
        Mid = "mid",
        /// -1 .. 1.
        Max = "max",
    }
}

choice! {
    /// How actor h estimates actor i's risk attitude (KTAB `BigRAdjust`).
    RiskAdjust {
        /// r_i.
        Full = "full",
        /// (r_h + 2 r_i) / 3.
        TwoThirds = "two-thirds",
        /// (r_h + r_i) / 2.
        Half = "half",
        /// (2 r_h + r_i) / 3.
        OneThird = "one-third",
        /// r_h: everyone is assumed to share h's attitude.
        None = "none",
    }
}

choice! {
    /// How far third parties commit to the side they join (KTAB `ThirdPartyCommit`).
    ThirdParty {
        /// Third parties do not commit to the side they join.
        NoCommit = "no-commit",
        /// Third parties commit part of their strength.
        SemiCommit = "semi-commit",
        /// Third parties commit their full strength.
        FullCommit = "full-commit",
    }
}

choice! {
    /// How a bargain interpolates two positions, dimension by dimension (KTAB `InterVecBrgn`).
    Interpolation {
        /// Weights s p.
        S1P1 = "s1p1",
        /// Weights s^2 p^2.
        S2P2 = "s2p2",
        /// Weights from s^2 and the advantage in probability.
        S2PMax = "s2pmax",
    }
}

choice! {
    /// Whose interpolation becomes the bargain (KTAB `SMPBargnModel`).
    BargainModel {
        /// The initiator's; both parties see the same bargain.
        InitOnly = "init-only-interp",
        /// The initiator's and the receiver's, both in both queues.
        InitRcvr = "init-rcvr-interp",
        /// Their power-weighted compromise.
        PwComp = "pw-comp-interp",
    }
}

/// Options of KTAB's spatial model (`[models.smp]`); the defaults are KTAB's.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SmpOptions {
    /// How coalition strengths become a probability of victory.
    pub victory: VictoryModel,
    /// How utility differences become votes.
    pub voting: VotingRule,
    /// The probabilistic Condorcet election.
    pub election: Election,
    /// How each actor's bargain is picked.
    pub transitions: Transitions,
    /// The range of inferred risk attitudes.
    pub risk_range: RiskRange,
    /// How an actor estimates another's risk attitude.
    pub risk_adjust: RiskAdjust,
    /// How far third parties commit.
    pub third_party: ThirdParty,
    /// How a bargain interpolates two positions.
    pub interpolation: Interpolation,
    /// Whose interpolation becomes the bargain.
    pub bargain: BargainModel,
    /// At most this many turns (KTAB: 100).
    pub max_turns: u32,
    /// At least this many turns before the stopping rule applies (KTAB: 2).
    pub min_turns: u32,
    /// Stop when a turn's movement falls below this share of the first turn's (KTAB: 0.02).
    pub stop_ratio: f64,
    /// How fast ideals follow positions, 0..1 (KTAB: 1, ideals are positions).
    pub accommodation: f64,
}

impl Default for SmpOptions {
    fn default() -> Self {
        SmpOptions {
            victory: VictoryModel::Linear,
            voting: VotingRule::Proportional,
            election: Election::Conditional,
            transitions: Transitions::Deterministic,
            risk_range: RiskRange::Mid,
            risk_adjust: RiskAdjust::OneThird,
            third_party: ThirdParty::SemiCommit,
            interpolation: Interpolation::S2P2,
            bargain: BargainModel::InitOnly,
            max_turns: 100,
            min_turns: 2,
            stop_ratio: 0.02,
            accommodation: 1.0,
        }
    }
}

/// The `[scenario]` metadata, all text and all optional.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Meta {
    /// What outputs call the scenario (else the file name).
    pub name: Option<String>,
    /// Where the numbers come from.
    pub source: Option<String>,
    /// What the scenario is about.
    pub description: Option<String>,
    /// What one time unit stands for (`month`); see [`years_per_unit`].
    pub time_unit: Option<String>,
}

/// Years in one `[scenario] time_unit`: year(s) 1, quarter(s) 0.25, month(s) 1/12, week(s)
/// 7/365.25, day(s) 1/365.25, ignoring case and surrounding spaces; `None` for any other unit
/// or none. The war model's defaults per year are converted with it.
pub fn years_per_unit(unit: Option<&str>) -> Option<f64> {
    match unit?.trim().to_lowercase().as_str() {
        "year" | "years" => Some(1.0),
        "quarter" | "quarters" => Some(0.25),
        "month" | "months" => Some(1.0 / 12.0),
        "week" | "weeks" => Some(7.0 / 365.25),
        "day" | "days" => Some(1.0 / 365.25),
        _ => None,
    }
}

/// An issue's scale, `lo < hi`, both finite.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Scale {
    /// The low end.
    pub lo: f64,
    /// The high end.
    pub hi: f64,
}

impl Scale {
    /// `[0, 100]`, the scale of an issue that gives none.
    pub const DEFAULT: Scale = Scale { lo: 0.0, hi: 100.0 };

    /// Whether `x` lies on the scale, ends included.
    pub fn contains(&self, x: f64) -> bool {
        self.lo <= x && x <= self.hi
    }

    /// `hi - lo`.
    pub fn width(&self) -> f64 {
        self.hi - self.lo
    }
}

/// A policy dimension actors take positions on.
#[derive(Debug, Clone, PartialEq)]
pub struct Issue {
    /// Its id, unique among issues, actors and blocs.
    pub id: String,
    /// A readable name.
    pub name: Option<String>,
    /// What the low end of the scale means.
    pub low: Option<String>,
    /// What the high end of the scale means.
    pub high: Option<String>,
    /// The scale positions are measured on.
    pub scale: Scale,
    /// The status quo or reference point, on the scale.
    pub status_quo: Option<Param>,
    /// The outcome actually observed (for backtesting), on the scale.
    pub observed: Option<f64>,
}

impl Issue {
    /// "Name (id)", or the id when the issue has no name.
    pub fn title(&self) -> String {
        match &self.name {
            Some(n) => format!("{} ({})", n, self.id),
            None => self.id.clone(),
        }
    }
}

/// An actor's stance on one issue.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Stance {
    /// Where the actor stands, on the issue's scale.
    pub position: Param,
    /// How much the actor cares, 0 (not at all) .. 1 (most).
    pub salience: Param,
}

/// A decision maker.
#[derive(Debug, Clone, PartialEq)]
pub struct Actor {
    /// Its id, unique among issues, actors and blocs.
    pub id: String,
    /// A readable name.
    pub name: Option<String>,
    /// The power it can bring to bear, > 0, on a scale shared by all actors.
    pub capability: Param,
    /// One entry per issue, in the scenario's issue order; `None` where the actor takes no
    /// position.
    pub stances: Vec<Option<Stance>>,
    /// Risk attitude, -1 (averse) .. 0 (neutral) .. 1 (acceptant).
    pub risk: Option<Param>,
}

impl Actor {
    /// Its name, or its id when it has none.
    pub fn display_name(&self) -> &str {
        self.name.as_deref().unwrap_or(&self.id)
    }
}

/// How a bloc's position on an issue is made from its members'.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rule {
    /// Every member must agree: the member position nearest the status quo.
    Unanimity,
    /// Qualified majority: the weighted median of members' positions.
    Qmv,
    /// The weighted mean of members' positions.
    Consensus,
}

impl Rule {
    /// The rules' names in a scenario file.
    pub const NAMES: [&'static str; 3] = ["unanimity", "qmv", "consensus"];

    /// Reads a rule's name; `None` for any other text.
    pub fn parse(s: &str) -> Option<Rule> {
        match s {
            "unanimity" => Some(Rule::Unanimity),
            "qmv" => Some(Rule::Qmv),
            "consensus" => Some(Rule::Consensus),
            _ => None,
        }
    }

    /// The name written in a scenario file.
    pub fn name(self) -> &'static str {
        match self {
            Rule::Unanimity => "unanimity",
            Rule::Qmv => "qmv",
            Rule::Consensus => "consensus",
        }
    }
}

/// An actor or a bloc, as a bloc's member, a forum seat or a policy's chooser.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Member {
    /// Index into `Scenario::actors`.
    Actor(usize),
    /// Index into `Scenario::blocs`.
    Bloc(usize),
}

/// A group that speaks with one voice, made by its rule from its members'.
#[derive(Debug, Clone, PartialEq)]
pub struct Bloc {
    /// Its id, unique among issues, actors and blocs.
    pub id: String,
    /// A readable name.
    pub name: Option<String>,
    /// Actors and nested blocs, in file order.
    pub members: Vec<Member>,
    /// How its position is made.
    pub rule: Rule,
}

/// A parameter a shock or policy can change.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    /// `ACTOR.capability`.
    Capability {
        /// Index into `Scenario::actors`.
        actor: usize,
    },
    /// `ACTOR.risk`.
    Risk {
        /// Index into `Scenario::actors`.
        actor: usize,
    },
    /// `ACTOR.position.ISSUE`.
    Position {
        /// Index into `Scenario::actors`.
        actor: usize,
        /// Index into `Scenario::issues`.
        issue: usize,
    },
    /// `ACTOR.salience.ISSUE`.
    Salience {
        /// Index into `Scenario::actors`.
        actor: usize,
        /// Index into `Scenario::issues`.
        issue: usize,
    },
    /// `ISSUE.status_quo`.
    StatusQuo {
        /// Index into `Scenario::issues`.
        issue: usize,
    },
    /// A supporter's aid share (`ACTOR.support`).
    Support {
        /// Index into `War::supports`.
        support: usize,
    },
    /// A belligerent's parameter (`ACTOR.cost`, `.cost_growth`, `.sanctions`, `.commitment`).
    Side {
        /// 0 for belligerent A, 1 for B.
        side: usize,
        /// Which parameter.
        field: SideField,
    },
    /// Opens (1) or closes (0) a channel (`CHANNEL.open`).
    ChannelOpen {
        /// Index into `War::channels`.
        channel: usize,
    },
    /// Seats (1) or unseats (0) an actor or bloc at the table (`forum.MEMBER`).
    Forum {
        /// The actor or bloc.
        member: Member,
    },
}

/// The belligerent parameters a shock can set.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SideField {
    /// Cost per time unit of war, in units of the side's utility range.
    Cost,
    /// Growth factor of the cost per time unit.
    CostGrowth,
    /// Extra cost per time unit of war.
    Sanctions,
    /// Share of its capability at war, (0, 1].
    Commitment,
    /// What its leader loses from a deal that gives the side nothing.
    LeaderPenalty,
    /// The share of the stakes below which a deal costs its leader.
    LeaderThreshold,
    /// What its leader loses if the side is defeated.
    DefeatPenalty,
    /// The hazard of its leader's removal when the side's prospects are at their worst.
    Removal,
}

impl SideField {
    /// The parameters' names in a shock's path.
    pub const NAMES: [&'static str; 8] = [
        "cost",
        "cost_growth",
        "sanctions",
        "commitment",
        "leader_penalty",
        "leader_threshold",
        "defeat_penalty",
        "removal",
    ];

    /// The name in a shock's path (`cost_growth`).
    pub fn name(self) -> &'static str {
        match self {
            SideField::Cost => "cost",
            SideField::CostGrowth => "cost_growth",
            SideField::Sanctions => "sanctions",
            SideField::Commitment => "commitment",
            SideField::LeaderPenalty => "leader_penalty",
            SideField::LeaderThreshold => "leader_threshold",
            SideField::DefeatPenalty => "defeat_penalty",
            SideField::Removal => "removal",
        }
    }

    /// Reads a name from a shock's path; `None` for any other text.
    pub fn parse(s: &str) -> Option<SideField> {
        match s {
            "cost" => Some(SideField::Cost),
            "cost_growth" => Some(SideField::CostGrowth),
            "sanctions" => Some(SideField::Sanctions),
            "commitment" => Some(SideField::Commitment),
            "leader_penalty" => Some(SideField::LeaderPenalty),
            "leader_threshold" => Some(SideField::LeaderThreshold),
            "defeat_penalty" => Some(SideField::DefeatPenalty),
            "removal" => Some(SideField::Removal),
            _ => None,
        }
    }
}

/// How the stakeholder models that a forum can use are named.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ForumModel {
    /// `compromise`: the capability x salience weighted mean.
    Compromise,
    /// `median`: the weighted median.
    Median,
    /// `nash`: the Nash bargaining solution (needs a status quo).
    Nash,
}

impl ForumModel {
    /// The models' names, in variant order.
    pub const NAMES: [&'static str; 3] = ["compromise", "median", "nash"];

    /// Reads a model's name; `None` for any other text.
    pub fn parse(s: &str) -> Option<ForumModel> {
        match s {
            "compromise" => Some(ForumModel::Compromise),
            "median" => Some(ForumModel::Median),
            "nash" => Some(ForumModel::Nash),
            _ => None,
        }
    }

    /// The model's name (`compromise`).
    pub fn name(self) -> &'static str {
        ForumModel::NAMES[self as usize]
    }
}

/// How a belligerent's utility falls with a package's distance from its ideal (`war.loss`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Loss {
    /// `quadratic` (default): risk-averse over each issue, as in the spatial models.
    Quadratic,
    /// `linear`: risk-neutral, as in Fearon (1995); a settlement is worth its share.
    Linear,
}

impl Loss {
    /// The names, in variant order.
    pub const NAMES: [&'static str; 2] = ["quadratic", "linear"];

    /// Reads a name; `None` for any other text.
    pub fn parse(s: &str) -> Option<Loss> {
        match s {
            "quadratic" => Some(Loss::Quadratic),
            "linear" => Some(Loss::Linear),
            _ => None,
        }
    }

    /// The name (`quadratic`).
    pub fn name(self) -> &'static str {
        Loss::NAMES[self as usize]
    }
}

/// The war the `war` model runs. Index 0 of `sides` is belligerent A, 1 is B.
#[derive(Debug, Clone, PartialEq)]
pub struct War {
    /// A and B, indices into `Scenario::actors`; a settlement is A's share of the stakes.
    pub belligerents: [usize; 2],
    /// The issue fought over, index into `Scenario::issues`.
    pub stakes: usize,
    /// Time units simulated (units of `[scenario] time_unit`), 1..10000.
    pub horizon: u32,
    /// A's share of the contested area at the start, in (0, 1): the stakes issue's status quo
    /// on the scale from B's position (0) to A's (1), 0.5 when the issue has no status quo.
    /// Computed in validation from central values; the front z(0) of the war model.
    pub start: f64,
    /// Drift of the front at full superiority, in points of the stakes issue's scale per time
    /// unit, > 0 (default: 0.2 x |position of A - position of B| a year, in the time unit).
    pub front_speed: Param,
    /// Volatility of the front, in points of the stakes issue's scale per square root of a time
    /// unit, > 0 (default: 0.05 x |position of A - position of B| per square root of a year).
    pub front_volatility: Param,
    /// Hazard per time unit that a side collapses when its accumulated burden equals its
    /// `resolve`, >= 0 (default: 0.5 a year, in the time unit).
    pub collapse: Param,
    /// Time units between rounds of talks, in (0, horizon] (default 1).
    pub talks: f64,
    /// Time of the first round of talks, in [0, horizon) (default 0): the war is fought until
    /// then.
    pub first_talks: f64,
    /// Numerical time step, in time units, in (0, talks] (default `talks`); the model uses
    /// dt = talks / ceil(talks / step), a whole number of steps between rounds of talks.
    pub step: f64,
    /// Increments of the front simulated per step, 1..1000 (default 4).
    pub substeps: u32,
    /// Exponent g of the contest function, > 0.
    pub decisiveness: Param,
    /// Discount factor per time unit, in (0, 0.9999]: the model discounts at the continuous
    /// rate r = -ln(discount), which must be positive.
    pub discount: Param,
    /// The actors and blocs at the table, who propose the terms.
    pub forum: Vec<Member>,
    /// The stakeholder model the forum proposes with.
    pub forum_model: ForumModel,
    /// How the belligerents' utility falls with distance (quadratic by default).
    pub loss: Loss,
    /// `None`: the forum proposes; `Some(i)`: belligerent i makes take-it-or-leave-it demands.
    pub proposer: Option<usize>,
    /// The belligerents' parameters, A then B.
    pub sides: [Side; 2],
    /// Aid to either side, in file order.
    pub supports: Vec<Support>,
    /// Channels of talks, in file order.
    pub channels: Vec<Channel>,
    /// The issues whose settled values shape the peace.
    pub terms: Terms,
    /// The peace after a ceasefire.
    pub after: After,
}

/// A belligerent's parameters (`[[war.side]]`).
#[derive(Debug, Clone, PartialEq)]
pub struct Side {
    /// Share of its capability at war, (0, 1].
    pub commitment: Param,
    /// Cost per time unit of war at the start, in units of the side's utility range (its ideal
    /// package is worth 1, its worst 0), 0..1e6.
    pub cost: Param,
    /// Growth factor of the cost per time unit, (0, 10]; above 1 is the "death zone".
    pub cost_growth: Param,
    /// Extra cost per time unit of war, in the units of `cost`, 0..1e6.
    pub sanctions: Param,
    /// The side's belief about its own share rho of the balance of strength, 0.001..0.999:
    /// the chance it believes it would win an engagement. `None`: the truth.
    pub win_belief: Option<Param>,
    /// How many time units of watching the front its prior belief is worth, 0.001..1e6.
    pub belief_strength: Param,
    /// What the others believe its cost to be: uniform on [low, high]; `None`: known exactly.
    pub cost_believed: Option<(f64, f64)>,
    /// What its leader loses from a settlement giving the side nothing, falling linearly to
    /// nothing at `leader_threshold`; in units of the side's ideal package held forever, 0..1e6.
    pub leader_penalty: Param,
    /// What its leader loses if the side is defeated (Goemans 2000), in units of the side's
    /// ideal package held forever, 0..1e6 (default: the side's `leader_penalty`).
    pub defeat_penalty: Param,
    /// The share of the stakes below which a settlement costs its leader, 0..1.
    pub leader_threshold: Param,
    /// Hazard per time unit that its leader is removed, times one minus the side's value of
    /// fighting on (0..1): it rises as defeat and costs loom (Goemans 2000). 0..1e6, default 0.
    pub removal: Param,
    /// The actor whose positions and saliences the side takes when its leader is removed (where
    /// it has them); `None`: the same positions. A new leader carries no personal penalties.
    pub successor: Option<usize>,
    /// The accumulated burden (time integral of its cost rate, in the units of `cost`) at which
    /// its hazard of collapse equals `War::collapse`, > 0; `None`: it never collapses.
    pub resolve: Option<Param>,
    /// Growth rate of its strength per time unit after a ceasefire, 0..1.
    pub rearm: Param,
}

/// Aid from an actor or bloc to a belligerent (`[[war.support]]`).
#[derive(Debug, Clone, PartialEq)]
pub struct Support {
    /// Who sends it.
    pub member: Member,
    /// 0 supports A, 1 supports B.
    pub side: usize,
    /// Share of the supporter's capability sent as aid, 0..1.
    pub share: Param,
}

/// A channel of talks between two parties (`[[war.channel]]`).
#[derive(Debug, Clone, PartialEq)]
pub struct Channel {
    /// Its id, used in shock paths (`CHANNEL.open`).
    pub id: String,
    /// The opener, who pays the price, and the other end.
    pub between: [Member; 2],
    /// Whether it is open at the start.
    pub open: bool,
    /// Standard deviation of its reading of the battlefield.
    pub noise: Param,
    /// How many readings of the balance with that noise a time unit of talks gives.
    pub weight: Param,
    /// The opener's concession: an issue (index into `Scenario::issues`) and the value conceded.
    pub price: Option<(usize, Param)>,
    /// Probability that the other side accepts the channel, 0..1.
    pub acceptance: Param,
}

/// The issues whose settled values shape the peace (`[war.terms]`), as indices of issues.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Terms {
    /// The security guarantees issue.
    pub guarantees: Option<usize>,
    /// The issue of limits on B's forces (high end: no limits).
    pub forces: Option<usize>,
    /// The monitoring issue.
    pub monitoring: Option<usize>,
    /// `None`: B's supporters.
    pub guarantors: Option<Vec<Member>>,
    /// Share of the guarantors' capability full guarantees add to B (default 0.1).
    pub guarantee_share: Option<Param>,
    /// What full guarantees add to A's cost of renewed war (default 0.5).
    pub guarantee_cost: Option<Param>,
}

/// The peace after a ceasefire (`[war.after]`).
#[derive(Debug, Clone, PartialEq)]
pub struct After {
    /// Time units of peace examined, 1..1000.
    pub horizon: u32,
    /// Probability per time unit of renewed war when both sides' margins for renewing are
    /// zero, 0..0.999 (default 0.01).
    pub baseline_hazard: Param,
    /// How fast the hazard rises as the margin of the peace falls (default 10).
    pub sensitivity: Param,
}

/// A dated change of one parameter.
#[derive(Debug, Clone, PartialEq)]
pub struct Shock {
    /// Round at which it applies; 0 is before the first round.
    pub at: u32,
    /// The parameter.
    pub target: Target,
    /// Its new value, checked against the parameter's range.
    pub to: Param,
    /// Why, in words.
    pub note: Option<String>,
}

/// A named set of shocks an actor could choose (`[[policy]]`).
#[derive(Debug, Clone, PartialEq)]
pub struct Policy {
    /// Its id, unique among policies.
    pub id: String,
    /// What it is.
    pub description: Option<String>,
    /// The actor or bloc that would choose it.
    pub actor: Option<Member>,
    /// The changes it makes.
    pub shocks: Vec<Shock>,
}

/// One actor's numbers on one issue, as a plain run uses them (central values).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Stake {
    /// Index into `Scenario::actors`.
    pub actor: usize,
    /// Its capability's central value.
    pub capability: f64,
    /// Its position's central value, on the issue's scale.
    pub position: f64,
    /// Its salience's central value, 0..1.
    pub salience: f64,
}

impl Stake {
    /// The weight the static models give an actor: capability times salience.
    pub fn weight(&self) -> f64 {
        self.capability * self.salience
    }
}

impl Scenario {
    /// The index of the issue with this id.
    pub fn issue_index(&self, id: &str) -> Option<usize> {
        self.issues.iter().position(|i| i.id == id)
    }

    /// The index of the actor with this id.
    pub fn actor_index(&self, id: &str) -> Option<usize> {
        self.actors.iter().position(|a| a.id == id)
    }

    /// The policy with this id.
    pub fn policy(&self, id: &str) -> Option<&Policy> {
        self.policies.iter().find(|p| p.id == id)
    }

    /// The actors with a position on `issue`, with central values, in actor order.
    pub fn stakes(&self, issue: usize) -> Vec<Stake> {
        self.actors
            .iter()
            .enumerate()
            .filter_map(|(i, a)| {
                a.stances[issue].map(|s| Stake {
                    actor: i,
                    capability: a.capability.value(),
                    position: s.position.value(),
                    salience: s.salience.value(),
                })
            })
            .collect()
    }

    /// Every uncertain number, with the path of its field, in file order (shocks as
    /// `shock at ROUND on PATH`).
    pub fn uncertain(&self) -> Vec<(String, Param)> {
        self.uncertain_slots()
            .into_iter()
            .map(|u| {
                let name = match u.slot {
                    crate::slots::Slot::Shock(k) => {
                        let s = &self.shocks[k];
                        format!("shock at {} on {}", s.at, self.target_path(s.target))
                    }
                    _ => u.name,
                };
                (name, Param::Dist(u.dist))
            })
            .collect()
    }

    /// The actors of a member, flattening nested blocs; each actor once, in actor order.
    pub fn member_actors(&self, member: Member) -> Vec<usize> {
        let b = match member {
            Member::Actor(a) => return vec![a],
            Member::Bloc(b) => b,
        };
        // The blocs reached so far, each expanded once (a cycle stops at a bloc seen before).
        let (mut actors, mut blocs) = (Vec::new(), vec![b]);
        let mut i = 0;
        while let Some(&b) = blocs.get(i) {
            for &m in &self.blocs[b].members {
                match m {
                    Member::Actor(a) => actors.push(a),
                    Member::Bloc(c) if !blocs.contains(&c) => blocs.push(c),
                    Member::Bloc(_) => {}
                }
            }
            i += 1;
        }
        actors.sort_unstable();
        actors.dedup();
        actors
    }

    /// The id of an actor or bloc.
    pub fn member_id(&self, m: Member) -> &str {
        match m {
            Member::Actor(a) => &self.actors[a].id,
            Member::Bloc(b) => &self.blocs[b].id,
        }
    }

    /// The path a shock uses for a target, e.g. `us.salience.territory`.
    pub fn target_path(&self, t: Target) -> String {
        let (a, i) = (|k: usize| &self.actors[k].id, |k: usize| &self.issues[k].id);
        match t {
            Target::Capability { actor } => format!("{}.capability", a(actor)),
            Target::Risk { actor } => format!("{}.risk", a(actor)),
            Target::Position { actor, issue } => format!("{}.position.{}", a(actor), i(issue)),
            Target::Salience { actor, issue } => format!("{}.salience.{}", a(actor), i(issue)),
            Target::StatusQuo { issue } => format!("{}.status_quo", i(issue)),
            Target::Support { support } => {
                let w = self.war.as_ref().expect("support target without a war");
                format!("{}.support", self.member_id(w.supports[support].member))
            }
            Target::Side { side, field } => {
                let w = self.war.as_ref().expect("side target without a war");
                format!("{}.{}", a(w.belligerents[side]), field.name())
            }
            Target::ChannelOpen { channel } => {
                let w = self.war.as_ref().expect("channel target without a war");
                format!("{}.open", w.channels[channel].id)
            }
            Target::Forum { member } => format!("forum.{}", self.member_id(member)),
        }
    }

    /// Sets a parameter. Validation guarantees that a position or salience target names an
    /// actor with a stance on that issue.
    pub fn set(&mut self, t: Target, to: Param) {
        match t {
            Target::Capability { actor } => self.actors[actor].capability = to,
            Target::Risk { actor } => self.actors[actor].risk = Some(to),
            Target::StatusQuo { issue } => self.issues[issue].status_quo = Some(to),
            Target::Position { actor, issue } => {
                if let Some(s) = &mut self.actors[actor].stances[issue] {
                    s.position = to;
                }
            }
            Target::Salience { actor, issue } => {
                if let Some(s) = &mut self.actors[actor].stances[issue] {
                    s.salience = to;
                }
            }
            Target::Support { support } => {
                if let Some(w) = &mut self.war {
                    w.supports[support].share = to;
                }
            }
            Target::Side { side, field } => {
                if let Some(w) = &mut self.war {
                    let s = &mut w.sides[side];
                    match field {
                        SideField::Cost => s.cost = to,
                        SideField::CostGrowth => s.cost_growth = to,
                        SideField::Sanctions => s.sanctions = to,
                        SideField::Commitment => s.commitment = to,
                        SideField::LeaderPenalty => s.leader_penalty = to,
                        SideField::LeaderThreshold => s.leader_threshold = to,
                        SideField::DefeatPenalty => s.defeat_penalty = to,
                        SideField::Removal => s.removal = to,
                    }
                }
            }
            Target::ChannelOpen { channel } => {
                if let Some(w) = &mut self.war {
                    w.channels[channel].open = to.value() >= 0.5;
                }
            }
            Target::Forum { member } => {
                if let Some(w) = &mut self.war {
                    let seated = w.forum.contains(&member);
                    if to.value() >= 0.5 && !seated {
                        w.forum.push(member);
                    } else if to.value() < 0.5 && seated {
                        w.forum.retain(|m| *m != member);
                    }
                }
            }
        }
    }

    /// The scenario with the policy named applied, or as it is when none is named: the one
    /// place a policy name is checked, with the one diagnostic every front end shows.
    pub fn apply_policy(
        &self,
        name: Option<&str>,
    ) -> Result<std::borrow::Cow<'_, Scenario>, UnknownPolicy> {
        match name {
            None => Ok(std::borrow::Cow::Borrowed(self)),
            Some(n) => self
                .with_policy(n)
                .map(std::borrow::Cow::Owned)
                .ok_or_else(|| UnknownPolicy {
                    name: n.to_string(),
                    known: self.policies.iter().map(|p| p.id.clone()).collect(),
                }),
        }
    }

    /// The scenario as a policy makes it: its `at = 0` shocks applied, its later shocks added
    /// to the scenario's own. `None` if there is no such policy.
    pub fn with_policy(&self, id: &str) -> Option<Scenario> {
        let policy = self.policy(id)?.clone();
        let mut out = self.clone();
        for shock in policy.shocks {
            if shock.at == 0 {
                out.set(shock.target, shock.to);
            } else {
                out.shocks.push(shock);
            }
        }
        out.shocks.sort_by_key(|s| s.at);
        Some(out)
    }

    /// The scenario's own `at = 0` shocks applied; later shocks kept.
    pub fn at_start(&self) -> Scenario {
        self.clone().into_start()
    }

    /// [`Scenario::at_start`] without a copy.
    pub fn into_start(mut self) -> Scenario {
        if self.shocks.iter().any(|s| s.at == 0) {
            let (now, later): (Vec<_>, Vec<_>) = self.shocks.drain(..).partition(|s| s.at == 0);
            for s in now {
                self.set(s.target, s.to);
            }
            self.shocks = later;
        }
        self
    }
}

impl fmt::Display for Rule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A policy name the scenario does not define.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown policy `{name}`")]
pub struct UnknownPolicy {
    /// The name given.
    pub name: String,
    /// The scenario's policies, in file order.
    pub known: Vec<String>,
}

impl UnknownPolicy {
    /// What to do about it.
    pub fn help(&self) -> String {
        let names: Vec<&str> = self.known.iter().map(String::as_str).collect();
        if names.is_empty() {
            "the scenario defines no policies; add a [[policy]] table".to_string()
        } else {
            format!(
                "{}; the scenario's policies: {}",
                crate::diag::did_you_mean(&self.name, &names, "policy"),
                crate::diag::list(&names)
            )
        }
    }
}
