//! Validation of `[war]`, and of the shock paths that name war parameters.

use super::{
    Bounds, Kind, MAX_BASELINE_HAZARD, MAX_COST, MAX_DISCOUNT, Validator, share_bounds, side_bounds,
};
use crate::diag::{Diagnostic, did_you_mean};
use crate::param::{Param, fmt_num};
use crate::raw::Sp;
use crate::scenario::*;

fn penalty_bounds(what: &str) -> Bounds {
    Bounds::closed(
        0.0,
        MAX_COST,
        format!("what the leader loses personally from {what}, in the units of the side's `cost`"),
    )
}

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

    pub(super) fn war(
        &mut self,
        rw_spanned: &Sp<crate::raw::RawWar>,
        raw_issues: &[crate::raw::RawIssue],
    ) -> Option<War> {
        let rw = rw_spanned.get_ref();
        let header = rw_spanned.span();
        let mut ok = true;
        ok &= self.refuse_version_1_keys(rw);
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
            "the number of time units to simulate, 1..10000",
        );
        // The front starts at the status quo: z(0) on the scale from B's position (0) to A's (1).
        let start = match self.issues[stakes].status_quo.map(|q| q.value()) {
            None => 0.5,
            Some(q) => {
                let share = (q - pb) / (pa - pb);
                if share > 0.0 && share < 1.0 {
                    share
                } else {
                    let issue = &self.issues[stakes].id;
                    let span = raw_issues
                        .iter()
                        .find(|ri| ri.id.get_ref() == issue)
                        .and_then(|ri| ri.status_quo.as_ref().map(|q| q.span()))
                        .unwrap_or_else(|| rw.stakes.span());
                    let (a, b) = (
                        &self.actors[belligerents[0]].id,
                        &self.actors[belligerents[1]].id,
                    );
                    self.err(
                        Diagnostic::error(format!(
                            "the war starts where the front is: the stakes' status quo must lie strictly between the belligerents' positions ({} of `{b}` and {} of `{a}`), but the status quo of `{issue}` is {}",
                            fmt_num(pb),
                            fmt_num(pa),
                            fmt_num(q)
                        ))
                        .at(span)
                        .field("issue.status_quo")
                        .help(format!(
                            "the status quo of the stakes issue is the line of contact: A's share of the contested area is (status_quo - {}) / ({} - {}); a status quo at or beyond a belligerent's position means that side has already won",
                            fmt_num(pb),
                            fmt_num(pa),
                            fmt_num(pb)
                        )),
                    );
                    ok = false;
                    0.5
                }
            }
        };
        // Defaults per year, converted to the time unit: they need a unit of calendar time.
        let width = (pa - pb).abs();
        let years = years_per_unit(self.time_unit.as_deref());
        let missing: Vec<&str> = [
            ("front_speed", rw.front_speed.is_none()),
            ("front_volatility", rw.front_volatility.is_none()),
            ("collapse", rw.collapse.is_none()),
        ]
        .into_iter()
        .filter_map(|(k, m)| m.then_some(k))
        .collect();
        if years.is_none() && !missing.is_empty() {
            let unit = match &self.time_unit {
                Some(u) => format!("the time unit `{u}` is not a unit of calendar time"),
                None => "the scenario has no `time_unit`".to_string(),
            };
            let keys: Vec<String> = missing.iter().map(|k| format!("`{k}`")).collect();
            let keys = match keys.split_last() {
                Some((last, [])) => last.clone(),
                Some((last, rest)) => format!("{} and {last}", rest.join(", ")),
                None => String::new(),
            };
            self.err(
                Diagnostic::error(format!(
                    "the war's defaults for {keys} are per year, but {unit}"
                ))
                .at(header.clone())
                .field("war")
                .help("set `[scenario] time_unit` to one of year, quarter, month, week, day, or give `front_speed`, `front_volatility` and `collapse`"),
            );
            ok = false;
        }
        let years = years.unwrap_or(1.0);
        // The front's speed and volatility and the decisiveness default to their means over the
        // folds of `detente backtest wars` on the shared COW wars (docs/models/war.md,
        // "Defaults"): the average historical war, not an attritional one.
        let front_speed = self.req(
            &rw.front_speed,
            0.177 * width * years,
            "war.front_speed",
            "front speed",
            &Bounds::above_to(
                0.0,
                1e6,
                "how far the front moves per time unit at full superiority, in points of the stakes issue's scale (default, calibrated on historical wars: 0.177 of the distance between the belligerents' positions a year)",
            ),
        );
        let front_volatility = self.req(
            &rw.front_volatility,
            0.182 * width * years.sqrt(),
            "war.front_volatility",
            "front volatility",
            &Bounds::above_to(
                0.0,
                1e6,
                "the standard deviation of the front's moves over one time unit, in points of the stakes issue's scale (it grows with the square root of time; default, calibrated on historical wars: 0.182 of the distance between the belligerents' positions per square root of a year)",
            ),
        );
        let collapse = self.req(
            &rw.collapse,
            0.5 * years,
            "war.collapse",
            "collapse hazard",
            &Bounds::at_least(
                0.0,
                "the hazard per time unit that a side collapses when its accumulated burden equals its `resolve` (default 0.5 a year)",
            ),
        );
        let talks = self.float(
            &rw.talks,
            1.0,
            "war.talks",
            "interval between talks",
            &Bounds::above_to(
                0.0,
                f64::from(horizon),
                "the time units between rounds of talks, more than 0 and at most the war's `horizon`",
            ),
        );
        let first_talks = self.float(
            &rw.first_talks,
            0.0,
            "war.first_talks",
            "time of the first talks",
            &Bounds::closed(
                0.0,
                f64::from(horizon),
                "the time of the first round of talks, from 0 to the war's `horizon` (at the horizon: no talks)",
            ),
        );
        let step = self.float(
            &rw.step,
            talks,
            "war.step",
            "time step",
            &Bounds::above_to(
                0.0,
                talks,
                "the numerical time step, more than 0 and at most `talks` (the model steps talks / ceil(talks / step))",
            ),
        );
        let substeps = self.count(
            &rw.substeps,
            4,
            1,
            1_000,
            "war.substeps",
            "increments of the front simulated per time step, 1..1000",
        );
        let decisiveness = self.req(
            &rw.decisiveness,
            0.62,
            "war.decisiveness",
            "decisiveness",
            &Bounds::above(
                0.0,
                "the exponent g of the contest function; 1 = battle odds proportional to strength (default, calibrated on historical wars: 0.62)",
            ),
        );
        let discount = self.req(
            &rw.discount,
            0.99,
            "war.discount",
            "discount factor",
            &Bounds::above_to(
                0.0,
                MAX_DISCOUNT,
                "the value of one time unit later relative to now; the model discounts at the rate r = -ln(discount), which must be positive, so the factor is below 1 (at most 0.9999)",
            ),
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
        let loss = match &rw.loss {
            None => Loss::Quadratic,
            Some(m) => Loss::parse(m.get_ref()).unwrap_or_else(|| {
                self.err(
                    Diagnostic::error(format!("unknown loss `{}`", m.get_ref()))
                        .at(m.span())
                        .field("war.loss")
                        .help(did_you_mean(m.get_ref(), &Loss::NAMES, "loss")),
                );
                Loss::Quadratic
            }),
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
            let leader_penalty = self.req(
                &rs.leader_penalty,
                0.0,
                &f("leader_penalty"),
                &subj("leader penalty"),
                &penalty_bounds("a losing deal"),
            );
            let side = Side {
                commitment: self.req(&rs.commitment, 1.0, &f("commitment"), &subj("commitment"), &side_bounds(SideField::Commitment)),
                cost: *rs.cost.get_ref(),
                cost_growth: self.req(&rs.cost_growth, 1.0, &f("cost_growth"), &subj("cost growth"), &side_bounds(SideField::CostGrowth)),
                sanctions: self.req(&rs.sanctions, 0.0, &f("sanctions"), &subj("sanctions"), &side_bounds(SideField::Sanctions)),
                win_belief: rs.win_belief.as_ref().map(|b| {
                    self.param(b, &f("win_belief"), &subj("belief of winning an engagement"), &Bounds::closed(0.001, 0.999, "its belief about its own share of the balance of strength: the chance it would win an engagement, strictly between 0 and 1"));
                    *b.get_ref()
                }),
                belief_strength: self.req(&rs.belief_strength, 10.0, &f("belief_strength"), &subj("belief strength"), &Bounds::closed(0.001, 1e6, "how many time units of watching the front its prior belief is worth, 0.001..1000000")),
                cost_believed,
                defeat_penalty: match &rs.defeat_penalty {
                    Some(_) => self.req(&rs.defeat_penalty, 0.0, &f("defeat_penalty"), &subj("defeat penalty"), &penalty_bounds("defeat")),
                    None => leader_penalty,
                },
                leader_penalty,
                leader_threshold: self.req(&rs.leader_threshold, 0.5, &f("leader_threshold"), &subj("leader threshold"), &share_bounds("the threshold")),
                resolve: rs.resolve.as_ref().map(|r| {
                    self.param(r, &f("resolve"), &subj("resolve"), &Bounds::above(0.0, "the accumulated burden (cost per time unit summed over the war, in the units of `cost`) at which its hazard of collapse equals `war.collapse`; leave it out for a side that never collapses"));
                    *r.get_ref()
                }),
                rearm: self.req(&rs.rearm, 0.0, &f("rearm"), &subj("rearmament rate"), &Bounds::closed(0.0, 1.0, "growth rate of strength per time unit of peace, e.g. 0.01 = 1% a time unit")),
                removal: self.req(&rs.removal, 0.0, &f("removal"), &subj("leader removal hazard"), &side_bounds(SideField::Removal)),
                successor: rs.successor.as_ref().and_then(|name| {
                    let found = self.actors.iter().position(|a| a.id == *name.get_ref());
                    match found {
                        Some(a) if belligerents.contains(&a) => {
                            self.err(
                                Diagnostic::error(format!("the successor `{}` is a belligerent", name.get_ref()))
                                    .at(name.span())
                                    .field(f("successor"))
                                    .help("name an actor that stands for the new leader, not either side of the war"),
                            );
                            None
                        }
                        Some(a) => Some(a),
                        None => {
                            self.err(
                                Diagnostic::error(format!("unknown actor `{}`", name.get_ref()))
                                    .at(name.span())
                                    .field(f("successor"))
                                    .help(did_you_mean(name.get_ref(), &self.actors.iter().map(|a| a.id.as_str()).collect::<Vec<_>>(), "actor")),
                            );
                            None
                        }
                    }
                }),
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
                        "add [[war.side]] with actor = \"{id}\" and at least its `cost` per time unit"
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
                        "how many readings of the balance with this noise one time unit of talks gives",
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
                self.param(
                    p,
                    "war.terms.guarantee_cost",
                    "guarantee cost",
                    &Bounds::closed(
                        0.0,
                        MAX_COST,
                        "what full guarantees add to A's cost rate of a renewed war, per time unit",
                    ),
                );
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
                    "time units of peace examined, 1..1000 (rearmament compounds over them)",
                ),
                baseline_hazard: self.req(
                    &ra.baseline_hazard,
                    0.01,
                    "war.after.baseline_hazard",
                    "baseline hazard",
                    &Bounds::closed(
                        0.0,
                        MAX_BASELINE_HAZARD,
                        "the probability per time unit that war resumes when neither side gains or loses by renewing it, below 1 (at most 0.999)",
                    ),
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
            start,
            front_speed,
            front_volatility,
            collapse,
            talks,
            first_talks,
            step,
            substeps,
            decisiveness,
            discount,
            forum,
            forum_model,
            loss,
            proposer,
            sides: [a, b],
            supports,
            channels,
            terms,
            after,
        })
    }

    /// Refuses the keys of version 1 of the war model whose meaning is gone, saying what
    /// replaces them; returns whether there were none.
    fn refuse_version_1_keys(&mut self, rw: &crate::raw::RawWar) -> bool {
        let mut ok = true;
        if let Some(v) = &rw.front_steps {
            self.err(
                Diagnostic::error("territory is continuous in version 2 of the war model: remove `front_steps`; the front moves at `front_speed` and `front_volatility` (see docs/models/war.md)")
                    .at(v.span())
                    .field("war.front_steps")
                    .help("delete this line; `front_speed` (points of the stakes issue's scale per time unit) and `front_volatility` (per square root of a time unit) have defaults from the distance between the belligerents' positions"),
            );
            ok = false;
        }
        if let Some(v) = &rw.front {
            self.err(
                Diagnostic::error("the front starts at the stakes issue's status quo: remove `front` and set `status_quo` on the stakes issue")
                    .at(v.span())
                    .field("war.front")
                    .help("delete this line; A's share of the contested area at the start is the status quo's place between B's position (0) and A's (1), and must lie strictly between them"),
            );
            ok = false;
        }
        ok
    }

    /// An optional plain number: checked if present, else the default.
    fn float(
        &mut self,
        v: &Option<Sp<f64>>,
        default: f64,
        field: &str,
        subject: &str,
        b: &Bounds,
    ) -> f64 {
        let Some(v) = v else { return default };
        let p = Sp::new(v.span(), Param::Fixed(*v.get_ref()));
        if self.param(&p, field, subject, b) {
            *v.get_ref()
        } else {
            default
        }
    }
}
