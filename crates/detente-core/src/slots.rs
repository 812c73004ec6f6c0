//! Every number of a scenario that may be written as a distribution, with a name, the range
//! the validator allows it, and a way to set it: what exploration samples.
//!
//! The ranges repeat the validator's (`validate.rs`, `validate/war.rs`); a test samples every
//! slot of a scenario at the ends of its range and checks that the validator accepts the
//! result, so the two cannot drift apart unnoticed.

use crate::param::{Dist, Param};
use crate::scenario::{Scenario, SideField, Target};

/// Where a number lives.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Slot {
    /// An issue or actor field, or a war parameter a shock can also set.
    Field(Target),
    /// The value of the scenario's shock with this index.
    Shock(usize),
    /// A war parameter shocks cannot set.
    War(WarParam),
}

/// A `[war]` number that shocks cannot set.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WarParam {
    /// `war.decisiveness`, the exponent of the contest function.
    Decisiveness,
    /// `war.discount`, the discount factor per time unit.
    Discount,
    /// `war.front_speed`, the drift of the front at full superiority per time unit.
    FrontSpeed,
    /// `war.front_volatility`, the volatility of the front per square root of a time unit.
    FrontVolatility,
    /// `war.collapse`, the hazard of collapse per time unit when burden equals resolve.
    Collapse,
    /// A side's belief about its own share of the balance of strength.
    WinBelief {
        /// 0 for belligerent A, 1 for B.
        side: usize,
    },
    /// How many time units of watching the front a side's prior belief is worth.
    BeliefStrength {
        /// 0 for belligerent A, 1 for B.
        side: usize,
    },
    /// The burden at which a side's hazard of collapse equals `war.collapse`.
    Resolve {
        /// 0 for belligerent A, 1 for B.
        side: usize,
    },
    /// Growth rate of a side's strength per time unit after a ceasefire.
    Rearm {
        /// 0 for belligerent A, 1 for B.
        side: usize,
    },
    /// Standard deviation of a channel's reading of the battlefield.
    Noise {
        /// Index into `War::channels`.
        channel: usize,
    },
    /// How many battles' worth of evidence a channel's reading is worth.
    Weight {
        /// Index into `War::channels`.
        channel: usize,
    },
    /// The value of a channel's price, the opener's concession.
    Price {
        /// Index into `War::channels`.
        channel: usize,
    },
    /// Probability that the other side accepts a channel.
    Acceptance {
        /// Index into `War::channels`.
        channel: usize,
    },
    /// `war.terms.guarantee_share`.
    GuaranteeShare,
    /// `war.terms.guarantee_cost`.
    GuaranteeCost,
    /// `war.after.baseline_hazard`, the probability of renewed war per time unit from other
    /// causes.
    BaselineHazard,
    /// `war.after.sensitivity`, how fast the hazard rises as the peace's margin falls.
    Sensitivity,
}

/// An uncertain number.
#[derive(Debug, Clone, PartialEq)]
pub struct Uncertain {
    /// A name that is also a column name: `us.support`, `russia.position.territory`,
    /// `war.discount`, `shock.2.us.support` (the third shock, counted from 0).
    pub name: String,
    /// The distribution written in the file.
    pub dist: Dist,
    /// The range the field allows; samples are kept inside it (a normal on a salience is
    /// truncated to 0..1).
    pub lo: f64,
    /// The upper end of the field's range, included; may be infinite.
    pub hi: f64,
    /// Whether `lo` itself is excluded (capability > 0).
    pub lo_open: bool,
    /// Where the number lives, for [`Scenario::set_slot`].
    pub slot: Slot,
}

impl Scenario {
    /// Every number written as a distribution, in file order: issues, actors, the war, shocks.
    pub fn uncertain_slots(&self) -> Vec<Uncertain> {
        let mut out = Vec::new();
        let mut push = |name: String, p: &Param, (lo, hi, lo_open): (f64, f64, bool), slot| {
            if let Param::Dist(d) = p {
                out.push(Uncertain {
                    name,
                    dist: *d,
                    lo,
                    hi,
                    lo_open,
                    slot,
                });
            }
        };
        for (k, issue) in self.issues.iter().enumerate() {
            if let Some(sq) = &issue.status_quo {
                let t = Target::StatusQuo { issue: k };
                push(self.target_path(t), sq, self.bounds(t), Slot::Field(t));
            }
        }
        for (a, actor) in self.actors.iter().enumerate() {
            let t = Target::Capability { actor: a };
            push(
                self.target_path(t),
                &actor.capability,
                self.bounds(t),
                Slot::Field(t),
            );
            for (k, s) in actor.stances.iter().enumerate() {
                if let Some(s) = s {
                    let t = Target::Position { actor: a, issue: k };
                    push(
                        self.target_path(t),
                        &s.position,
                        self.bounds(t),
                        Slot::Field(t),
                    );
                    let t = Target::Salience { actor: a, issue: k };
                    push(
                        self.target_path(t),
                        &s.salience,
                        self.bounds(t),
                        Slot::Field(t),
                    );
                }
            }
            if let Some(r) = &actor.risk {
                let t = Target::Risk { actor: a };
                push(self.target_path(t), r, self.bounds(t), Slot::Field(t));
            }
        }
        if let Some(w) = &self.war {
            let war = |p: WarParam| Slot::War(p);
            let (pos, pos_or_zero, share) = (
                (0.0, f64::INFINITY, true),
                (0.0, f64::INFINITY, false),
                (0.0, 1.0, false),
            );
            let cost_like = (0.0, crate::validate::MAX_COST, false);
            push(
                "war.decisiveness".into(),
                &w.decisiveness,
                pos,
                war(WarParam::Decisiveness),
            );
            push(
                "war.discount".into(),
                &w.discount,
                (0.0, crate::validate::MAX_DISCOUNT, true),
                war(WarParam::Discount),
            );
            push(
                "war.front_speed".into(),
                &w.front_speed,
                (0.0, 1e6, true),
                war(WarParam::FrontSpeed),
            );
            push(
                "war.front_volatility".into(),
                &w.front_volatility,
                (0.0, 1e6, true),
                war(WarParam::FrontVolatility),
            );
            push(
                "war.collapse".into(),
                &w.collapse,
                pos_or_zero,
                war(WarParam::Collapse),
            );
            for (side, s) in w.sides.iter().enumerate() {
                let id = &self.actors[w.belligerents[side]].id;
                for field in [
                    SideField::Commitment,
                    SideField::Cost,
                    SideField::CostGrowth,
                    SideField::Sanctions,
                    SideField::LeaderPenalty,
                    SideField::DefeatPenalty,
                    SideField::LeaderThreshold,
                    SideField::Removal,
                ] {
                    let t = Target::Side { side, field };
                    let p = match field {
                        SideField::Commitment => &s.commitment,
                        SideField::Cost => &s.cost,
                        SideField::CostGrowth => &s.cost_growth,
                        SideField::Sanctions => &s.sanctions,
                        SideField::LeaderPenalty => &s.leader_penalty,
                        SideField::DefeatPenalty => &s.defeat_penalty,
                        SideField::LeaderThreshold => &s.leader_threshold,
                        SideField::Removal => &s.removal,
                    };
                    push(self.target_path(t), p, self.bounds(t), Slot::Field(t));
                }
                if let Some(b) = &s.win_belief {
                    push(
                        format!("{id}.win_belief"),
                        b,
                        (0.001, 0.999, false),
                        war(WarParam::WinBelief { side }),
                    );
                }
                push(
                    format!("{id}.belief_strength"),
                    &s.belief_strength,
                    (0.001, 1e6, false),
                    war(WarParam::BeliefStrength { side }),
                );
                if let Some(r) = &s.resolve {
                    push(
                        format!("{id}.resolve"),
                        r,
                        pos,
                        war(WarParam::Resolve { side }),
                    );
                }
                push(
                    format!("{id}.rearm"),
                    &s.rearm,
                    share,
                    war(WarParam::Rearm { side }),
                );
            }
            for (k, s) in w.supports.iter().enumerate() {
                let t = Target::Support { support: k };
                push(
                    self.target_path(t),
                    &s.share,
                    self.bounds(t),
                    Slot::Field(t),
                );
            }
            for (channel, c) in w.channels.iter().enumerate() {
                push(
                    format!("{}.noise", c.id),
                    &c.noise,
                    pos,
                    war(WarParam::Noise { channel }),
                );
                push(
                    format!("{}.weight", c.id),
                    &c.weight,
                    pos_or_zero,
                    war(WarParam::Weight { channel }),
                );
                if let Some((issue, p)) = &c.price {
                    let width = self.issues[*issue].scale.width();
                    push(
                        format!("{}.price", c.id),
                        p,
                        (0.0, width, false),
                        war(WarParam::Price { channel }),
                    );
                }
                push(
                    format!("{}.acceptance", c.id),
                    &c.acceptance,
                    share,
                    war(WarParam::Acceptance { channel }),
                );
            }
            if let Some(p) = &w.terms.guarantee_share {
                push(
                    "war.terms.guarantee_share".into(),
                    p,
                    share,
                    war(WarParam::GuaranteeShare),
                );
            }
            if let Some(p) = &w.terms.guarantee_cost {
                push(
                    "war.terms.guarantee_cost".into(),
                    p,
                    cost_like,
                    war(WarParam::GuaranteeCost),
                );
            }
            push(
                "war.after.baseline_hazard".into(),
                &w.after.baseline_hazard,
                (0.0, crate::validate::MAX_BASELINE_HAZARD, false),
                war(WarParam::BaselineHazard),
            );
            push(
                "war.after.sensitivity".into(),
                &w.after.sensitivity,
                pos_or_zero,
                war(WarParam::Sensitivity),
            );
        }
        for (k, s) in self.shocks.iter().enumerate() {
            push(
                format!("shock.{k}.{}", self.target_path(s.target)),
                &s.to,
                self.bounds(s.target),
                Slot::Shock(k),
            );
        }
        out
    }

    /// The range a target's value must lie in, as the validator checks it: `(lo, hi, lo_open)`.
    pub fn bounds(&self, t: Target) -> (f64, f64, bool) {
        match t {
            Target::Capability { .. } => (0.0, f64::INFINITY, true),
            Target::Risk { .. } => (-1.0, 1.0, false),
            Target::Position { issue, .. } | Target::StatusQuo { issue } => {
                let s = self.issues[issue].scale;
                (s.lo, s.hi, false)
            }
            Target::Salience { .. } | Target::Support { .. } => (0.0, 1.0, false),
            Target::Side { field, .. } => match field {
                SideField::Cost | SideField::Sanctions => (0.0, crate::validate::MAX_COST, false),
                SideField::CostGrowth => (0.0, 10.0, true),
                SideField::Commitment => (0.0, 1.0, true),
                SideField::LeaderPenalty | SideField::DefeatPenalty | SideField::Removal => {
                    (0.0, crate::validate::MAX_COST, false)
                }
                SideField::LeaderThreshold => (0.0, 1.0, false),
            },
            Target::ChannelOpen { .. } | Target::Forum { .. } => (0.0, 1.0, false),
        }
    }

    /// Sets the number at `slot` to `value`.
    pub fn set_slot(&mut self, slot: Slot, value: f64) {
        let v = Param::Fixed(value);
        match slot {
            Slot::Field(t) => self.set(t, v),
            Slot::Shock(k) => self.shocks[k].to = v,
            Slot::War(p) => {
                let Some(w) = &mut self.war else { return };
                match p {
                    WarParam::Decisiveness => w.decisiveness = v,
                    WarParam::Discount => w.discount = v,
                    WarParam::FrontSpeed => w.front_speed = v,
                    WarParam::FrontVolatility => w.front_volatility = v,
                    WarParam::Collapse => w.collapse = v,
                    WarParam::WinBelief { side } => w.sides[side].win_belief = Some(v),
                    WarParam::BeliefStrength { side } => w.sides[side].belief_strength = v,
                    WarParam::Resolve { side } => w.sides[side].resolve = Some(v),
                    WarParam::Rearm { side } => w.sides[side].rearm = v,
                    WarParam::Noise { channel } => w.channels[channel].noise = v,
                    WarParam::Weight { channel } => w.channels[channel].weight = v,
                    WarParam::Price { channel } => {
                        if let Some(p) = &mut w.channels[channel].price {
                            p.1 = v;
                        }
                    }
                    WarParam::Acceptance { channel } => w.channels[channel].acceptance = v,
                    WarParam::GuaranteeShare => w.terms.guarantee_share = Some(v),
                    WarParam::GuaranteeCost => w.terms.guarantee_cost = Some(v),
                    WarParam::BaselineHazard => w.after.baseline_hazard = v,
                    WarParam::Sensitivity => w.after.sensitivity = v,
                }
            }
        }
    }
}

impl Uncertain {
    /// Keeps a sampled value inside the field's range.
    pub fn clamp(&self, x: f64) -> f64 {
        let x = x.clamp(self.lo, self.hi);
        if self.lo_open && x <= self.lo {
            // Open bounds are all at 0 (capability, growth, decisiveness > 0).
            f64::MIN_POSITIVE.max(self.lo)
        } else {
            x
        }
    }
}
