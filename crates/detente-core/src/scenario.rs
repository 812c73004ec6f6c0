//! The validated scenario: the domain types every model reads.
//!
//! A [`Scenario`] is only made by [`crate::validate`], so every invariant below holds:
//! ids are unique and well formed, references resolve, every number is finite and within its
//! field's range, every issue has at least one actor with a position and some salience.

use std::fmt;

use crate::param::Param;

#[derive(Debug, Clone, PartialEq)]
pub struct Scenario {
    pub meta: Meta,
    pub issues: Vec<Issue>,
    pub actors: Vec<Actor>,
    pub blocs: Vec<Bloc>,
    pub shocks: Vec<Shock>,
    pub policies: Vec<Policy>,
    pub war: Option<War>,
    /// Options of the dynamic stakeholder models (defaults when the file has none).
    pub models: ModelOptions,
}

/// Options of the dynamic stakeholder models, from `[models.*]`.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ModelOptions {
    pub eum: EumOptions,
    pub exchange: ExchangeOptions,
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

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct EumOptions {
    pub q: f64,
    pub rounds: u32,
    pub stop: Stop,
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

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ExchangeOptions {
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
        Square = "square",
        Quartic = "quartic",
        Octic = "octic",
        /// A 10% advantage is decisive; linear in between.
        Binary = "binary",
    }
}

choice! {
    /// How an actor's utility difference becomes a vote (KTAB `VotingRule`).
    VotingRule {
        Binary = "binary",
        /// 0.8 proportional + 0.2 binary.
        PropBin = "prop-bin",
        Proportional = "prop" | "proportional",
        /// 0.5 proportional + 0.5 cubic.
        PropCbc = "prop-cbc" | "prop-cubic",
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
        NoCommit = "no-commit",
        SemiCommit = "semi-commit",
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
    pub victory: VictoryModel,
    pub voting: VotingRule,
    pub election: Election,
    pub transitions: Transitions,
    pub risk_range: RiskRange,
    pub risk_adjust: RiskAdjust,
    pub third_party: ThirdParty,
    pub interpolation: Interpolation,
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

#[derive(Debug, Clone, PartialEq, Default)]
pub struct Meta {
    pub name: Option<String>,
    pub source: Option<String>,
    pub description: Option<String>,
    pub time_unit: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Scale {
    pub lo: f64,
    pub hi: f64,
}

impl Scale {
    pub const DEFAULT: Scale = Scale { lo: 0.0, hi: 100.0 };

    pub fn contains(&self, x: f64) -> bool {
        self.lo <= x && x <= self.hi
    }

    pub fn width(&self) -> f64 {
        self.hi - self.lo
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Issue {
    pub id: String,
    pub name: Option<String>,
    pub low: Option<String>,
    pub high: Option<String>,
    pub scale: Scale,
    pub status_quo: Option<Param>,
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
    pub position: Param,
    pub salience: Param,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Actor {
    pub id: String,
    pub name: Option<String>,
    pub capability: Param,
    /// One entry per issue, in the scenario's issue order; `None` where the actor takes no
    /// position.
    pub stances: Vec<Option<Stance>>,
    pub risk: Option<Param>,
}

impl Actor {
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
    pub const NAMES: [&'static str; 3] = ["unanimity", "qmv", "consensus"];

    pub fn parse(s: &str) -> Option<Rule> {
        match s {
            "unanimity" => Some(Rule::Unanimity),
            "qmv" => Some(Rule::Qmv),
            "consensus" => Some(Rule::Consensus),
            _ => None,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Rule::Unanimity => "unanimity",
            Rule::Qmv => "qmv",
            Rule::Consensus => "consensus",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Member {
    Actor(usize),
    Bloc(usize),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Bloc {
    pub id: String,
    pub name: Option<String>,
    pub members: Vec<Member>,
    pub rule: Rule,
}

/// A parameter a shock or policy can change.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    Capability {
        actor: usize,
    },
    Risk {
        actor: usize,
    },
    Position {
        actor: usize,
        issue: usize,
    },
    Salience {
        actor: usize,
        issue: usize,
    },
    StatusQuo {
        issue: usize,
    },
    /// A supporter's aid share (`ACTOR.support`).
    Support {
        support: usize,
    },
    /// A belligerent's parameter (`ACTOR.cost`, `.cost_growth`, `.sanctions`, `.commitment`).
    Side {
        side: usize,
        field: SideField,
    },
    /// Opens (1) or closes (0) a channel (`CHANNEL.open`).
    ChannelOpen {
        channel: usize,
    },
    /// Seats (1) or unseats (0) an actor or bloc at the table (`forum.MEMBER`).
    Forum {
        member: Member,
    },
}

/// The belligerent parameters a shock can set.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SideField {
    Cost,
    CostGrowth,
    Sanctions,
    Commitment,
}

impl SideField {
    pub const NAMES: [&'static str; 4] = ["cost", "cost_growth", "sanctions", "commitment"];

    pub fn name(self) -> &'static str {
        match self {
            SideField::Cost => "cost",
            SideField::CostGrowth => "cost_growth",
            SideField::Sanctions => "sanctions",
            SideField::Commitment => "commitment",
        }
    }

    pub fn parse(s: &str) -> Option<SideField> {
        match s {
            "cost" => Some(SideField::Cost),
            "cost_growth" => Some(SideField::CostGrowth),
            "sanctions" => Some(SideField::Sanctions),
            "commitment" => Some(SideField::Commitment),
            _ => None,
        }
    }
}

/// How the stakeholder models that a forum can use are named.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ForumModel {
    Compromise,
    Median,
    Nash,
}

impl ForumModel {
    pub const NAMES: [&'static str; 3] = ["compromise", "median", "nash"];

    pub fn parse(s: &str) -> Option<ForumModel> {
        match s {
            "compromise" => Some(ForumModel::Compromise),
            "median" => Some(ForumModel::Median),
            "nash" => Some(ForumModel::Nash),
            _ => None,
        }
    }

    pub fn name(self) -> &'static str {
        ForumModel::NAMES[self as usize]
    }
}

/// The war the `war` model runs. Index 0 of `sides` is belligerent A, 1 is B.
#[derive(Debug, Clone, PartialEq)]
pub struct War {
    pub belligerents: [usize; 2],
    pub stakes: usize,
    pub horizon: u32,
    pub front_steps: u32,
    /// Starting front, 1..front_steps-1.
    pub front: u32,
    /// Whether `front` was written in the file (otherwise it follows the status quo).
    pub front_given: bool,
    pub decisiveness: Param,
    pub discount: Param,
    pub forum: Vec<Member>,
    pub forum_model: ForumModel,
    /// `None`: the forum proposes; `Some(i)`: belligerent i makes take-it-or-leave-it demands.
    pub proposer: Option<usize>,
    pub sides: [Side; 2],
    pub supports: Vec<Support>,
    pub channels: Vec<Channel>,
    pub terms: Terms,
    pub after: After,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Side {
    pub commitment: Param,
    pub cost: Param,
    pub cost_growth: Param,
    pub sanctions: Param,
    /// Belief that this side wins a battle; `None`: the truth at the start.
    pub win_belief: Option<Param>,
    pub belief_strength: Param,
    /// What the others believe its cost to be: uniform on [low, high]; `None`: known exactly.
    pub cost_believed: Option<(f64, f64)>,
    pub leader_penalty: Param,
    pub leader_threshold: Param,
    pub rearm: Param,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Support {
    pub member: Member,
    /// 0 supports A, 1 supports B.
    pub side: usize,
    pub share: Param,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Channel {
    pub id: String,
    /// The opener, who pays the price, and the other end.
    pub between: [Member; 2],
    pub open: bool,
    pub noise: Param,
    pub weight: Param,
    pub price: Option<(usize, Param)>,
    pub acceptance: Param,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct Terms {
    pub guarantees: Option<usize>,
    pub forces: Option<usize>,
    pub monitoring: Option<usize>,
    /// `None`: B's supporters.
    pub guarantors: Option<Vec<Member>>,
    pub guarantee_share: Option<Param>,
    pub guarantee_cost: Option<Param>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct After {
    pub horizon: u32,
    pub baseline_hazard: Param,
    pub sensitivity: Param,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Shock {
    /// Round at which it applies; 0 is before the first round.
    pub at: u32,
    pub target: Target,
    pub to: Param,
    pub note: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Policy {
    pub id: String,
    pub description: Option<String>,
    /// The actor or bloc that would choose it.
    pub actor: Option<Member>,
    pub shocks: Vec<Shock>,
}

/// One actor's numbers on one issue, as a plain run uses them (central values).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Stake {
    pub actor: usize,
    pub capability: f64,
    pub position: f64,
    pub salience: f64,
}

impl Stake {
    /// The weight the static models give an actor: capability times salience.
    pub fn weight(&self) -> f64 {
        self.capability * self.salience
    }
}

impl Scenario {
    pub fn issue_index(&self, id: &str) -> Option<usize> {
        self.issues.iter().position(|i| i.id == id)
    }

    pub fn actor_index(&self, id: &str) -> Option<usize> {
        self.actors.iter().position(|a| a.id == id)
    }

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
        let mut seen = vec![false; self.actors.len()];
        let mut stack = vec![member];
        let mut visited_blocs = vec![false; self.blocs.len()];
        while let Some(m) = stack.pop() {
            match m {
                Member::Actor(a) => seen[a] = true,
                Member::Bloc(b) if !visited_blocs[b] => {
                    visited_blocs[b] = true;
                    stack.extend(self.blocs[b].members.iter().copied());
                }
                Member::Bloc(_) => {}
            }
        }
        (0..seen.len()).filter(|&a| seen[a]).collect()
    }

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

    /// The scenario as a policy makes it: its `at = 0` shocks applied, its later shocks added
    /// to the scenario's own. `None` if there is no such policy.
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
