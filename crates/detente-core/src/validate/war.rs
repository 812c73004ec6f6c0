//! Validation of `[war]`, and of the shock paths that name war parameters.

use super::{Bounds, Kind, MAX_COST, Validator, share_bounds, side_bounds};
use crate::diag::{Diagnostic, did_you_mean};
use crate::param::Param;
use crate::scenario::*;

impl Validator {
    /// A shock path that names a war parameter: `Some(Ok)` resolved, `Some(Err)` a war path
    /// that is wrong, `None` not a war path.
    #[allow(clippy::type_complexity)]
    pub(super) fn war_target(&self, parts: &[&str]) -> Option<Result<Target, (String, String)>> {
        let p = parts.join(".");
        let need_war = || {
            (
                format!("`{p}` sets a war parameter, but the scenario has no [war]"),
                "add a [war] section".to_string(),
            )
        };
        let kind = self.ids.get(parts[0]).map(|x| x.0);
        match (parts, kind) {
            (["forum", member], _) => Some(match (&self.war, self.ids.get(*member).map(|x| x.0)) {
                (None, _) => Err(need_war()),
                (Some(_), Some(Kind::Actor(a))) => Ok(Target::Forum {
                    member: Member::Actor(a),
                }),
                (Some(_), Some(Kind::Bloc(b))) => Ok(Target::Forum {
                    member: Member::Bloc(b),
                }),
                _ => Err((
                    format!("unknown actor or bloc `{member}` in `{p}`"),
                    "`forum.MEMBER` seats or unseats an actor or bloc".into(),
                )),
            }),
            ([_, "open"], Some(Kind::Channel(c))) => Some(Ok(Target::ChannelOpen { channel: c })),
            ([_, "support"], Some(Kind::Actor(_) | Kind::Bloc(_))) => {
                let Some(w) = &self.war else {
                    return Some(Err(need_war()));
                };
                let member = match kind {
                    Some(Kind::Actor(a)) => Member::Actor(a),
                    Some(Kind::Bloc(b)) => Member::Bloc(b),
                    _ => unreachable!("matched above"),
                };
                Some(match w.supports.iter().position(|s| s.member == member) {
                    Some(support) => Ok(Target::Support { support }),
                    None => Err((
                        format!("`{}` is not a supporter, so `{p}` cannot be set", parts[0]),
                        "add a [[war.support]] table for it (its share may start at 0)".into(),
                    )),
                })
            }
            ([_, field], Some(Kind::Actor(a))) if SideField::parse(field).is_some() => {
                let Some(w) = &self.war else {
                    return Some(Err(need_war()));
                };
                let field = SideField::parse(field)?;
                Some(match w.belligerents.iter().position(|&b| b == a) {
                    Some(side) => Ok(Target::Side { side, field }),
                    None => Err((
                        format!(
                            "`{}` is not a belligerent, so `{p}` cannot be set",
                            parts[0]
                        ),
                        "only the two belligerents of [war] have costs and commitment".into(),
                    )),
                })
            }
            _ => None,
        }
    }

    pub(super) fn war(&mut self, rw: &crate::raw::RawWar) -> Option<War> {
        let mut ok = true;
        // Belligerents: two distinct actors.
        let bel: Vec<Option<usize>> = rw
            .belligerents
            .get_ref()
            .iter()
            .map(|b| match self.member_ref(b, "war.belligerents") {
                Some(Member::Actor(a)) => Some(a),
                Some(Member::Bloc(_)) => {
                    self.err(
                        Diagnostic::error(format!(
                            "`{}` is a bloc; a belligerent must be an actor",
                            b.get_ref()
                        ))
                        .at(b.span())
                        .field("war.belligerents")
                        .help("a bloc can support a side with [[war.support]] or sit in the forum"),
                    );
                    None
                }
                None => None,
            })
            .collect();
        let belligerents = match bel.as_slice() {
            [Some(a), Some(b)] if a != b => [*a, *b],
            [Some(_), Some(_)] => {
                self.err(
                    Diagnostic::error("the two belligerents are the same actor")
                        .at(rw.belligerents.span())
                        .field("war.belligerents")
                        .help("name the two sides, e.g. belligerents = [\"russia\", \"ukraine\"]"),
                );
                return None;
            }
            [_, _] => return None,
            _ => {
                self.err(
                    Diagnostic::error(format!("a war has two belligerents, found {}", bel.len()))
                        .at(rw.belligerents.span())
                        .field("war.belligerents")
                        .help("name the two sides, e.g. belligerents = [\"russia\", \"ukraine\"]; supporters go in [[war.support]]"),
                );
                return None;
            }
        };
        let stakes = self.issue_ref(&rw.stakes, "war.stakes")?;
        let positions: Vec<Option<f64>> = belligerents
            .iter()
            .map(|&a| self.actors[a].stances[stakes].map(|s| s.position.value()))
            .collect();
        let (pa, pb) = match positions.as_slice() {
            [Some(pa), Some(pb)] if pa != pb => (*pa, *pb),
            [Some(_), Some(_)] => {
                self.err(
                    Diagnostic::error(format!(
                        "both belligerents take the same position on `{}`",
                        rw.stakes.get_ref()
                    ))
                    .at(rw.stakes.span())
                    .field("war.stakes")
                    .help("the stakes issue is what they fight over: their positions must differ"),
                );
                return None;
            }
            _ => {
                self.err(
                    Diagnostic::error(format!(
                        "both belligerents need a position on the stakes issue `{}`",
                        rw.stakes.get_ref()
                    ))
                    .at(rw.stakes.span())
                    .field("war.stakes")
                    .help("give each belligerent a position and salience on it"),
                );
                return None;
            }
        };
        let horizon = self.count(
            &rw.horizon,
            60,
            1,
            10_000,
            "war.horizon",
            "the number of rounds to simulate, 1..10000",
        );
        let front_steps = self.count(
            &rw.front_steps,
            20,
            2,
            10_000,
            "war.front_steps",
            "steps of the front between the two military victories, 2..10000",
        );
        let front = match &rw.front {
            Some(_) => self.count(
                &rw.front,
                front_steps / 2,
                1,
                front_steps as i64 - 1,
                "war.front",
                "the starting front lies strictly between 0 (B's victory) and front_steps (A's)",
            ),
            None => {
                let sq = self.issues[stakes].status_quo.map(|q| q.value());
                let share = sq.map_or(0.5, |q| ((q - pb) / (pa - pb)).clamp(0.0, 1.0));
                ((share * front_steps as f64).round() as u32).clamp(1, front_steps - 1)
            }
        };
        let decisiveness = self.req(
            &rw.decisiveness,
            1.0,
            "war.decisiveness",
            "decisiveness",
            &Bounds::above(
                0.0,
                "the exponent g of the contest function; 1 = battle odds proportional to strength",
            ),
        );
        let discount = self.req(
            &rw.discount,
            0.99,
            "war.discount",
            "discount factor",
            &Bounds::above_to(0.0, 1.0, "the value of the next round relative to this one"),
        );
        let forum = self.members(&rw.forum, "war.forum");
        if rw.forum.get_ref().is_empty() {
            self.err(
                Diagnostic::error("the forum is empty")
                    .at(rw.forum.span())
                    .field("war.forum")
                    .help("list who sits at the table, e.g. forum = [\"us\", \"russia\"]"),
            );
            ok = false;
        }
        let forum_model = match &rw.forum_model {
            None => ForumModel::Compromise,
            Some(m) => {
                match ForumModel::parse(m.get_ref()) {
                    Some(ForumModel::Nash) if self.issues[stakes].status_quo.is_none() => {
                        self.err(
                        Diagnostic::error("the forum's `nash` model needs a status quo on the stakes issue")
                            .at(m.span())
                            .field("war.forum_model")
                            .help("give the stakes issue a `status_quo`, or use `compromise` or `median`"),
                    );
                        ForumModel::Compromise
                    }
                    Some(f) => f,
                    None => {
                        self.err(
                            Diagnostic::error(format!("unknown forum model `{}`", m.get_ref()))
                                .at(m.span())
                                .field("war.forum_model")
                                .help(did_you_mean(m.get_ref(), &ForumModel::NAMES, "forum model")),
                        );
                        ForumModel::Compromise
                    }
                }
            }
        };
        let proposer = match &rw.proposer {
            None => None,
            Some(p) if p.get_ref() == "forum" => None,
            Some(p) => match belligerents
                .iter()
                .position(|&b| self.actors[b].id == *p.get_ref())
            {
                Some(i) => Some(i),
                None => {
                    self.err(
                        Diagnostic::error(format!("proposer `{}` is neither `forum` nor a belligerent", p.get_ref()))
                            .at(p.span())
                            .field("war.proposer")
                            .help("`forum` proposes terms in the forum's name; a belligerent's id makes it demand terms"),
                    );
                    None
                }
            },
        };

        // Sides.
        let mut sides: [Option<Side>; 2] = [None, None];
        for rs in &rw.side {
            let Some(member) = self.member_ref(&rs.actor, "war.side.actor") else {
                continue;
            };
            let Some(k) = belligerents
                .iter()
                .position(|&b| Member::Actor(b) == member)
            else {
                self.err(
                    Diagnostic::error(format!("`{}` is not a belligerent", rs.actor.get_ref()))
                        .at(rs.actor.span())
                        .field("war.side.actor")
                        .help("[[war.side]] tables describe the two belligerents; supporters go in [[war.support]]"),
                );
                continue;
            };
            if sides[k].is_some() {
                self.err(
                    Diagnostic::error(format!(
                        "a second [[war.side]] for `{}`",
                        rs.actor.get_ref()
                    ))
                    .at(rs.actor.span())
                    .field("war.side.actor")
                    .help("describe each belligerent once"),
                );
                continue;
            }
            let id = rs.actor.get_ref().clone();
            let f = |n: &str| format!("war.side.{n}");
            let subj = |n: &str| format!("{n} of `{id}`");
            self.param(
                &rs.cost,
                &f("cost"),
                &subj("cost"),
                &side_bounds(SideField::Cost),
            );
            let cost_believed = match &rs.cost_believed {
                None => None,
                Some(v) => match v.get_ref().as_slice() {
                    &[lo, hi] if lo.is_finite() && hi.is_finite() && 0.0 <= lo && lo <= hi => {
                        Some((lo, hi))
                    }
                    _ => {
                        self.err(
                            Diagnostic::error(format!("invalid `cost_believed` for `{id}`"))
                                .at(v.span())
                                .field(f("cost_believed"))
                                .help("write [low, high] with 0 <= low <= high: the range others believe its cost lies in"),
                        );
                        None
                    }
                },
            };
            let side = Side {
                commitment: self.req(&rs.commitment, 1.0, &f("commitment"), &subj("commitment"), &side_bounds(SideField::Commitment)),
                cost: *rs.cost.get_ref(),
                cost_growth: self.req(&rs.cost_growth, 1.0, &f("cost_growth"), &subj("cost growth"), &side_bounds(SideField::CostGrowth)),
                sanctions: self.req(&rs.sanctions, 0.0, &f("sanctions"), &subj("sanctions"), &side_bounds(SideField::Sanctions)),
                win_belief: rs.win_belief.as_ref().map(|b| {
                    self.param(b, &f("win_belief"), &subj("belief of winning a battle"), &Bounds::closed(0.001, 0.999, "the probability it believes it wins a battle, strictly between 0 and 1"));
                    *b.get_ref()
                }),
                belief_strength: self.req(&rs.belief_strength, 10.0, &f("belief_strength"), &subj("belief strength"), &Bounds::closed(0.001, 1e6, "how many battles' worth of evidence its belief is worth, 0.001..1000000")),
                cost_believed,
                leader_penalty: self.req(&rs.leader_penalty, 0.0, &f("leader_penalty"), &subj("leader penalty"), &Bounds::closed(0.0, MAX_COST, "what the leader loses personally from a losing deal, in units of the stakes")),
                leader_threshold: self.req(&rs.leader_threshold, 0.5, &f("leader_threshold"), &subj("leader threshold"), &share_bounds("the threshold")),
                rearm: self.req(&rs.rearm, 0.0, &f("rearm"), &subj("rearmament rate"), &Bounds::closed(0.0, 1.0, "growth of strength per round of peace, e.g. 0.01 = 1% a round")),
            };
            sides[k] = Some(side);
        }
        for (k, s) in sides.iter().enumerate() {
            if s.is_none() {
                let id = &self.actors[belligerents[k]].id;
                self.err(
                    Diagnostic::error(format!(
                        "the war has no [[war.side]] for belligerent `{id}`"
                    ))
                    .at(rw.belligerents.span())
                    .field("war.side")
                    .help(format!(
                        "add [[war.side]] with actor = \"{id}\" and at least its `cost` per round"
                    )),
                );
                ok = false;
            }
        }

        // Supporters.
        let mut supports: Vec<Support> = Vec::new();
        for rs in &rw.support {
            let member = self.member_ref(&rs.actor, "war.support.actor");
            let side = match self.member_ref(&rs.side, "war.support.side") {
                Some(Member::Actor(a)) if belligerents.contains(&a) => {
                    belligerents.iter().position(|&b| b == a)
                }
                Some(_) => {
                    self.err(
                        Diagnostic::error(format!("`{}` is not a belligerent", rs.side.get_ref()))
                            .at(rs.side.span())
                            .field("war.support.side")
                            .help("`side` names the belligerent the aid goes to"),
                    );
                    None
                }
                None => None,
            };
            self.param(
                &rs.share,
                "war.support.share",
                &format!("support share of `{}`", rs.actor.get_ref()),
                &share_bounds("support"),
            );
            let (Some(member), Some(side)) = (member, side) else {
                continue;
            };
            if let Member::Actor(a) = member {
                if belligerents.contains(&a) {
                    self.err(
                        Diagnostic::error(format!(
                            "`{}` is a belligerent and cannot also be a supporter",
                            rs.actor.get_ref()
                        ))
                        .at(rs.actor.span())
                        .field("war.support.actor")
                        .help("a belligerent's own strength is its capability times `commitment`"),
                    );
                    continue;
                }
            }
            if supports.iter().any(|s| s.member == member) {
                self.err(
                    Diagnostic::error(format!(
                        "`{}` has a second [[war.support]]",
                        rs.actor.get_ref()
                    ))
                    .at(rs.actor.span())
                    .field("war.support.actor")
                    .help("a supporter supports one side, once"),
                );
                continue;
            }
            supports.push(Support {
                member,
                side,
                share: *rs.share.get_ref(),
            });
        }

        // Channels.
        let mut channels = Vec::new();
        for (c, rc) in rw.channel.iter().enumerate() {
            self.declare(&rc.id, Kind::Channel(c));
            let ends = self.members(&rc.between, "war.channel.between");
            let between = match ends.as_slice() {
                [a, b] => [*a, *b],
                _ => {
                    if rc.between.get_ref().len() != 2 {
                        self.err(
                            Diagnostic::error(format!(
                                "channel `{}` needs two ends, found {}",
                                rc.id.get_ref(),
                                rc.between.get_ref().len()
                            ))
                            .at(rc.between.span())
                            .field("war.channel.between")
                            .help("between = [opener, other], e.g. [\"europe\", \"russia\"]"),
                        );
                    }
                    continue;
                }
            };
            let f = |n: &str| format!("war.channel.{n}");
            let id = rc.id.get_ref().clone();
            let price = match (&rc.price_issue, &rc.price) {
                (Some(issue), price) => self.issue_ref(issue, &f("price_issue")).map(|k| {
                    let width = self.issues[k].scale.width();
                    let p = self.req(price, 0.0, &f("price"), &format!("price of channel `{id}`"), &Bounds::closed(0.0, width, "how far the opener moves towards the other side on the price issue, at most the issue's width"));
                    (k, p)
                }),
                (None, Some(p)) => {
                    self.err(
                        Diagnostic::error(format!("channel `{id}` has a price but no `price_issue`"))
                            .at(p.span())
                            .field(f("price"))
                            .help("name the issue on which the opener concedes: price_issue = \"sanctions\""),
                    );
                    None
                }
                (None, None) => None,
            };
            channels.push(Channel {
                id: id.clone(),
                between,
                open: rc.open.unwrap_or(false),
                noise: self.req(
                    &rc.noise,
                    0.1,
                    &f("noise"),
                    &format!("noise of channel `{id}`"),
                    &Bounds::above(0.0, "standard deviation of the signal the channel carries"),
                ),
                weight: self.req(
                    &rc.weight,
                    1.0,
                    &f("weight"),
                    &format!("weight of channel `{id}`"),
                    &Bounds::at_least(
                        0.0,
                        "how many battles' worth of evidence one round of talks is worth",
                    ),
                ),
                price,
                acceptance: self.req(
                    &rc.acceptance,
                    1.0,
                    &f("acceptance"),
                    &format!("acceptance of channel `{id}`"),
                    &share_bounds("acceptance"),
                ),
            });
        }

        // Terms.
        let mut terms = Terms::default();
        if let Some(rt) = &rw.terms {
            terms.guarantees = rt
                .guarantees
                .as_ref()
                .and_then(|i| self.issue_ref(i, "war.terms.guarantees"));
            terms.forces = rt
                .forces
                .as_ref()
                .and_then(|i| self.issue_ref(i, "war.terms.forces"));
            terms.monitoring = rt
                .monitoring
                .as_ref()
                .and_then(|i| self.issue_ref(i, "war.terms.monitoring"));
            terms.guarantors = rt
                .guarantors
                .as_ref()
                .map(|g| self.members(g, "war.terms.guarantors"));
            terms.guarantee_share = rt.guarantee_share.as_ref().map(|p| {
                self.param(
                    p,
                    "war.terms.guarantee_share",
                    "guarantee share",
                    &share_bounds("guarantee_share"),
                );
                *p.get_ref()
            });
            terms.guarantee_cost = rt.guarantee_cost.as_ref().map(|p| {
                self.param(p, "war.terms.guarantee_cost", "guarantee cost", &Bounds::closed(0.0, MAX_COST, "extra cost of renewed war for A at full guarantees, in units of the stakes"));
                *p.get_ref()
            });
        }
        let after = match &rw.after {
            None => After {
                horizon: 60,
                baseline_hazard: Param::Fixed(0.01),
                sensitivity: Param::Fixed(10.0),
            },
            Some(ra) => After {
                horizon: self.count(
                    &ra.horizon,
                    60,
                    1,
                    1_000,
                    "war.after.horizon",
                    "rounds of peace examined, 1..1000 (rearmament compounds over them)",
                ),
                baseline_hazard: self.req(
                    &ra.baseline_hazard,
                    0.01,
                    "war.after.baseline_hazard",
                    "baseline hazard",
                    &share_bounds("the hazard per round"),
                ),
                sensitivity: self.req(
                    &ra.sensitivity,
                    10.0,
                    "war.after.sensitivity",
                    "sensitivity",
                    &Bounds::at_least(0.0, "how fast the hazard rises near Powell's threshold"),
                ),
            },
        };
        let [Some(a), Some(b)] = sides else {
            return None;
        };
        ok.then_some(War {
            belligerents,
            stakes,
            horizon,
            front_steps,
            front,
            front_given: rw.front.is_some(),
            decisiveness,
            discount,
            forum,
            forum_model,
            proposer,
            sides: [a, b],
            supports,
            channels,
            terms,
            after,
        })
    }
}
