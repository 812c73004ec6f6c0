//! The report's sections, each a fragment of HTML with its charts.

use detente_core::output::{RoundOutput, RunOutput};
use detente_core::{Issue, Param};
use detente_explore::summary::QUANTILES;

use crate::Section;
use crate::analysis::{self, Computed, Context, Exploration, SWING};
use crate::charts::{self, BarChart, DotChart, Key, KeyKind, Line, LineChart, Mark, Marker};
use crate::html::{code, escape, figure, h3, note, num, opt, p, pct, sig, table};

fn section(id: &str, title: &str, html: String) -> Section {
    Section {
        id: id.into(),
        title: title.into(),
        html,
    }
}

fn issue_title(i: &Issue) -> String {
    match &i.name {
        Some(n) => format!("{} ({})", n, i.id),
        None => i.id.clone(),
    }
}

fn scale_label(i: &Issue) -> String {
    match (&i.low, &i.high) {
        (Some(lo), Some(hi)) => format!(
            "{}: {} = {}, {} = {}",
            i.id,
            num(i.scale.lo),
            lo,
            num(i.scale.hi),
            hi
        ),
        _ => format!("{} ({}..{})", i.id, num(i.scale.lo), num(i.scale.hi)),
    }
}

fn param(x: &Param) -> String {
    match x.dist() {
        Some(d) => format!(
            "{} <span class=\"muted\">({})</span>",
            num(x.value()),
            escape(&d.to_string())
        ),
        None => num(x.value()),
    }
}

pub fn count(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

fn model_names(ctx: &Context) -> Vec<&'static str> {
    ctx.runs.iter().map(|r| r.model.info().name).collect()
}

/// Dashed lines at the issue's status quo and observed outcome, where it has them.
fn reference_markers(issue: &Issue) -> Vec<Marker> {
    let sq = issue.status_quo.map(|sq| Marker {
        label: format!("status quo {}", num(sq.value())),
        x: sq.value(),
        color: charts::GREY,
    });
    let observed = issue.observed.map(|o| Marker {
        label: format!("observed {}", num(o)),
        x: o,
        color: charts::GOOD,
    });
    sq.into_iter().chain(observed).collect()
}

// ---------------------------------------------------------------------------------------------

pub fn overview(ctx: &Context) -> Section {
    let sc = ctx.sc;
    let mut h = String::new();
    if let Some(s) = &sc.meta.source {
        h.push_str(&format!("<p><strong>Source:</strong> {}</p>\n", escape(s)));
    }
    if let Some(d) = &sc.meta.description {
        h.push_str(&p(d));
    }
    h.push_str(&p(&format!(
        "{}, {}, {}, {}, {}, {}{}.",
        count(sc.issues.len(), "issue", "issues"),
        count(sc.actors.len(), "actor", "actors"),
        count(sc.blocs.len(), "bloc", "blocs"),
        count(sc.shocks.len(), "dated shock", "dated shocks"),
        count(sc.policies.len(), "policy", "policies"),
        count(
            sc.uncertain_slots().len(),
            "uncertain number",
            "uncertain numbers"
        ),
        if sc.war.is_some() { ", and a war" } else { "" }
    )));
    let primary = ctx.primary_run();
    let mut rows = Vec::new();
    for (i, issue) in primary.issues.iter().enumerate() {
        let sq = sc.issues[i].status_quo.map(|p| p.value());
        rows.push(vec![
            escape(&issue_title(&sc.issues[i])),
            opt(issue.outcome),
            opt(sq),
            opt(issue.observed),
        ]);
    }
    h.push_str(&h3(&format!(
        "The forecast of the {} model (seed {})",
        ctx.primary.info().name,
        ctx.opts.seed
    )));
    if let Some(c) = primary.detail.as_ref().and_then(|d| d.caveat.as_ref()) {
        h.push_str(&note(c));
    }
    h.push_str(&table(
        &["issue", "forecast", "status quo", "observed"],
        &rows,
        &[1, 2, 3],
    ));
    for s in primary.detail.iter().flat_map(|d| &d.summary) {
        h.push_str(&format!("<p class=\"box\">{}</p>\n", escape(s)));
    }
    h.push_str(&p(&format!(
        "Models in this report: {}. {}",
        model_names(ctx).join(", "),
        if ctx.policies.is_empty() {
            "No policy is applied.".to_string()
        } else {
            format!(
                "Policies compared with the baseline: {}.",
                ctx.policies.join(", ")
            )
        }
    )));
    for (m, why) in &ctx.skipped {
        h.push_str(&note(&format!("Not run: {m}: {why}")));
    }
    section("overview", "Overview", h)
}

// ---------------------------------------------------------------------------------------------

pub fn scenario(ctx: &Context) -> Section {
    let sc = ctx.sc;
    let mut h = String::new();
    h.push_str(&h3("Issues"));
    let rows: Vec<Vec<String>> = sc
        .issues
        .iter()
        .map(|i| {
            vec![
                code(&i.id),
                escape(i.name.as_deref().unwrap_or("")),
                format!("{} .. {}", num(i.scale.lo), num(i.scale.hi)),
                escape(i.low.as_deref().unwrap_or("")),
                escape(i.high.as_deref().unwrap_or("")),
                i.status_quo.as_ref().map_or_else(|| "–".into(), param),
                opt(i.observed),
            ]
        })
        .collect();
    h.push_str(&table(
        &[
            "id",
            "name",
            "scale",
            "low end",
            "high end",
            "status quo",
            "observed",
        ],
        &rows,
        &[5, 6],
    ));

    h.push_str(&h3("Actors"));
    let mut head: Vec<String> = vec!["actor".into(), "capability".into()];
    head.extend(sc.issues.iter().map(|i| {
        format!(
            "{} <span class=\"muted\">position (salience)</span>",
            escape(&i.id)
        )
    }));
    let heads: Vec<&str> = head.iter().map(String::as_str).collect();
    let rows: Vec<Vec<String>> = sc
        .actors
        .iter()
        .map(|a| {
            let mut r = vec![
                format!(
                    "{} {}",
                    code(&a.id),
                    escape(a.name.as_deref().unwrap_or(""))
                ),
                param(&a.capability),
            ];
            r.extend(a.stances.iter().map(|s| match s {
                Some(s) => format!("{} ({})", param(&s.position), param(&s.salience)),
                None => "–".into(),
            }));
            r
        })
        .collect();
    let numeric: Vec<usize> = (1..heads.len()).collect();
    h.push_str(&table(&heads, &rows, &numeric));

    if !sc.blocs.is_empty() {
        h.push_str(&h3("Blocs"));
        let rows: Vec<Vec<String>> = sc
            .blocs
            .iter()
            .map(|b| {
                let members: Vec<String> =
                    b.members.iter().map(|m| code(sc.member_id(*m))).collect();
                vec![
                    code(&b.id),
                    escape(b.name.as_deref().unwrap_or("")),
                    escape(b.rule.name()),
                    members.join(", "),
                ]
            })
            .collect();
        h.push_str(&table(&["id", "name", "rule", "members"], &rows, &[]));
    }
    if !sc.shocks.is_empty() {
        h.push_str(&h3("Dated shocks"));
        let unit = ctx.time_unit();
        let rows: Vec<Vec<String>> = sc
            .shocks
            .iter()
            .map(|x| {
                vec![
                    format!("{} {}", escape(&unit), x.at),
                    code(&sc.target_path(x.target)),
                    escape(&x.to.to_string()),
                    escape(x.note.as_deref().unwrap_or("")),
                ]
            })
            .collect();
        h.push_str(&table(&["at", "what", "becomes", "note"], &rows, &[]));
    }
    let caps = charts::bar_chart(&BarChart {
        rows: sc
            .actors
            .iter()
            .map(|a| a.display_name().to_string())
            .collect(),
        values: sc.actors.iter().map(|a| a.capability.value()).collect(),
        x_label: "capability",
        colors: (0..sc.actors.len()).map(charts::color).collect(),
        show: &num,
        x_max: 0.0,
    });
    h.push_str(&figure(
        &caps,
        "Capabilities (central values). Each actor keeps its colour in every chart.",
    ));

    h.push_str(&h3("Positions and saliences, issue by issue"));
    for (k, issue) in sc.issues.iter().enumerate() {
        let mut stakes = sc.stakes(k);
        if stakes.is_empty() {
            continue;
        }
        stakes.sort_by(|a, b| {
            a.position
                .total_cmp(&b.position)
                .then(a.actor.cmp(&b.actor))
        });
        let wmax = stakes.iter().map(|s| s.weight()).fold(0.0, f64::max);
        let marks = stakes
            .iter()
            .enumerate()
            .map(|(row, s)| Mark {
                row,
                x: s.position,
                radius: radius(s.weight(), wmax),
                color: charts::color(s.actor),
                whisker: None,
            })
            .collect();
        let chart = charts::dot_chart(&DotChart {
            rows: stakes
                .iter()
                .map(|s| {
                    format!(
                        "{} (s {})",
                        sc.actors[s.actor].display_name(),
                        sig(s.salience, 2)
                    )
                })
                .collect(),
            x_label: &scale_label(issue),
            x: charts::pad(issue.scale.lo, issue.scale.hi, 0.04),
            marks,
            markers: reference_markers(issue),
            keys: vec![Key {
                label: "dot area ~ weight".into(),
                color: charts::GREY,
                kind: KeyKind::Dot,
            }],
        });
        h.push_str(&figure(
            &chart,
            &format!(
                "{}: each actor's position (s = salience); a dot's area grows with capability x salience, the weight the static models give it.",
                issue_title(issue)
            ),
        ));
    }
    section("scenario", "The scenario", h)
}

/// A dot radius whose area grows with the weight.
fn radius(w: f64, wmax: f64) -> u32 {
    if wmax <= 0.0 || !w.is_finite() {
        return 3;
    }
    (3.0 + 11.0 * (w / wmax).clamp(0.0, 1.0).sqrt()).round() as u32
}

// ---------------------------------------------------------------------------------------------

pub fn forecasts(ctx: &Context) -> Section {
    let sc = ctx.sc;
    let mut h = String::new();
    h.push_str(&p(&format!(
        "Every model's outcome with the central values of the uncertain numbers and seed {}.",
        ctx.opts.seed
    )));
    let names = model_names(ctx);
    let mut head: Vec<String> = vec!["issue".into()];
    head.extend(names.iter().map(|n| escape(n)));
    head.push("status quo".into());
    head.push("observed".into());
    let heads: Vec<&str> = head.iter().map(String::as_str).collect();
    let rows: Vec<Vec<String>> = sc
        .issues
        .iter()
        .enumerate()
        .map(|(k, i)| {
            let mut r = vec![code(&i.id)];
            r.extend(ctx.runs.iter().map(|m| opt(m.out.issues[k].outcome)));
            r.push(opt(i.status_quo.map(|p| p.value())));
            r.push(opt(i.observed));
            r
        })
        .collect();
    let numeric: Vec<usize> = (1..heads.len()).collect();
    h.push_str(&table(&heads, &rows, &numeric));
    for (k, issue) in sc.issues.iter().enumerate() {
        let ran: Vec<(usize, f64)> = ctx
            .runs
            .iter()
            .enumerate()
            .filter_map(|(m, r)| r.out.issues[k].outcome.map(|x| (m, x)))
            .collect();
        if ran.is_empty() {
            continue;
        }
        let marks = ran
            .iter()
            .enumerate()
            .map(|(row, &(m, x))| Mark {
                row,
                x,
                radius: 6,
                color: charts::color(m),
                whisker: None,
            })
            .collect();
        let chart = charts::dot_chart(&DotChart {
            rows: ran
                .iter()
                .map(|&(m, x)| format!("{} {}", names[m], num(x)))
                .collect(),
            x_label: &scale_label(issue),
            x: charts::pad(issue.scale.lo, issue.scale.hi, 0.04),
            marks,
            markers: reference_markers(issue),
            keys: Vec::new(),
        });
        h.push_str(&figure(
            &chart,
            &format!("{}: the forecast of each model.", issue_title(issue)),
        ));
    }
    let notes: Vec<String> = ctx
        .runs
        .iter()
        .flat_map(|r| {
            r.out
                .notes
                .iter()
                .map(move |n| format!("<li>{}: {}</li>", code(r.model.info().name), escape(n)))
        })
        .collect();
    if !notes.is_empty() {
        h.push_str(&format!(
            "<details><summary>The models' notes ({})</summary><ul>\n{}\n</ul></details>\n",
            notes.len(),
            notes.join("\n")
        ));
    }
    section("forecasts", "Forecasts by model", h)
}

// ---------------------------------------------------------------------------------------------

pub fn trajectories(ctx: &Context) -> Option<Section> {
    let sc = ctx.sc;
    let mut h = String::new();
    for r in &ctx.runs {
        let rounds: Vec<&detente_core::model::Round> = r
            .out
            .rounds
            .iter()
            .filter_map(|x| match x {
                RoundOutput::Stakeholder(s) => Some(s),
                RoundOutput::Model(_) => None,
            })
            .collect();
        if rounds.len() < 2 {
            continue;
        }
        let name = r.model.info().name;
        h.push_str(&h3(&format!(
            "{name}: {}",
            count(rounds.len() - 1, "round", "rounds")
        )));
        h.push_str(&note(&format!("Source: {}", r.model.info().source)));
        for issue in &sc.issues {
            let mut lines = Vec::new();
            for (a, actor) in sc.actors.iter().enumerate() {
                let pts: Vec<(f64, f64)> = rounds
                    .iter()
                    .filter_map(|rd| {
                        rd.issues
                            .iter()
                            .find(|i| i.id == issue.id)
                            .and_then(|i| i.positions.get(&actor.id))
                            .map(|&x| (rd.round as f64, x))
                    })
                    .collect();
                if pts.is_empty() {
                    continue;
                }
                lines.push(Line {
                    label: actor.display_name().to_string(),
                    points: pts,
                    color: charts::color(a),
                    width: 1,
                    dashed: false,
                    dots: false,
                });
            }
            if lines.is_empty() {
                continue;
            }
            let stat = |f: fn(&detente_core::model::RoundIssue) -> f64| -> Vec<(f64, f64)> {
                rounds
                    .iter()
                    .filter_map(|rd| {
                        rd.issues
                            .iter()
                            .find(|i| i.id == issue.id)
                            .map(|i| (rd.round as f64, f(i)))
                    })
                    .collect()
            };
            lines.push(Line {
                label: "weighted median".into(),
                points: stat(|i| i.median),
                color: charts::INK,
                width: 3,
                dashed: false,
                dots: false,
            });
            lines.push(Line {
                label: "weighted mean".into(),
                points: stat(|i| i.mean),
                color: charts::INK,
                width: 2,
                dashed: true,
                dots: false,
            });
            let last = rounds.last().map_or(1, |r| r.round).max(1) as f64;
            let chart = charts::line_chart(&LineChart {
                x_label: "round",
                y_label: &issue.id,
                x: (0.0, last),
                y: charts::pad(issue.scale.lo, issue.scale.hi, 0.03),
                lines,
                bands: Vec::new(),
                markers: Vec::new(),
                keys: Vec::new(),
                height: 300,
                integer_x: true,
            });
            h.push_str(&figure(
                &chart,
                &format!(
                    "{name}, {}: each actor's position by round, with the weighted median and mean.",
                    issue_title(issue)
                ),
            ));
        }
    }
    (!h.is_empty()).then(|| section("trajectories", "Trajectories over rounds", h))
}

// ---------------------------------------------------------------------------------------------

pub fn policies(c: &Computed) -> Option<Section> {
    let (ctx, ex) = (&c.ctx, c.ex.as_ref());
    if ctx.policies.is_empty() {
        return None;
    }
    let sc = ctx.sc;
    let unit = ctx.time_unit();
    let mut labels = vec!["baseline (no policy)".to_string()];
    labels.extend(ctx.policies.iter().cloned());
    let mut outs: Vec<&RunOutput> = vec![ctx.primary_run()];
    outs.extend(ctx.policy_runs.iter());
    let mut h = String::new();
    h.push_str(&p(&format!(
        "The {} model with each policy and without any; every policy sees the same seed{}.",
        ctx.primary.info().name,
        if ex.is_some() {
            " and the same sampled futures"
        } else {
            ""
        }
    )));
    let described: Vec<Vec<String>> = ctx
        .policies
        .iter()
        .filter_map(|p| sc.policy(p))
        .map(|p| {
            let shocks: Vec<String> = p
                .shocks
                .iter()
                .map(|s| {
                    format!(
                        "{} = {} at {} {}",
                        sc.target_path(s.target),
                        s.to,
                        unit,
                        s.at
                    )
                })
                .collect();
            vec![
                code(&p.id),
                escape(p.description.as_deref().unwrap_or("")),
                escape(&shocks.join("; ")),
            ]
        })
        .collect();
    h.push_str(&table(
        &["policy", "description", "changes"],
        &described,
        &[],
    ));

    if let Some(blocks) = &c.compare {
        h.push_str(&crate::view::blocks(blocks));
    } else {
        let rows: Vec<Vec<String>> = labels
            .iter()
            .zip(&outs)
            .map(|(l, o)| {
                let mut r = vec![escape(l)];
                r.extend(o.issues.iter().map(|i| opt(i.outcome)));
                r
            })
            .collect();
        let mut head = vec!["policy".to_string()];
        head.extend(sc.issues.iter().map(|i| escape(&i.id)));
        let heads: Vec<&str> = head.iter().map(String::as_str).collect();
        let numeric: Vec<usize> = (1..heads.len()).collect();
        h.push_str(&table(&heads, &rows, &numeric));
        for (k, issue) in sc.issues.iter().enumerate() {
            let mut marks = Vec::new();
            for (j, o) in outs.iter().enumerate() {
                let Some(x) = o.issues[k].outcome else {
                    continue;
                };
                let whisker = c.whiskers[k][j];
                marks.push(Mark {
                    row: j,
                    x,
                    radius: 6,
                    color: charts::color(j),
                    whisker,
                });
            }
            if marks.is_empty() {
                continue;
            }
            let chart = charts::dot_chart(&DotChart {
                rows: labels.clone(),
                x_label: &scale_label(issue),
                x: charts::pad(issue.scale.lo, issue.scale.hi, 0.04),
                marks,
                markers: Vec::new(),
                keys: Vec::new(),
            });
            h.push_str(&figure(
                &chart,
                &format!(
                    "{}: the forecast under each policy (dot){}.",
                    issue_title(issue),
                    if ex.is_some() {
                        ", with the 5-95% range over the sampled futures (line)"
                    } else {
                        ""
                    }
                ),
            ));
        }
    }
    Some(section("policies", "Policies side by side", h))
}

// ---------------------------------------------------------------------------------------------

pub fn uncertainty(c: &Computed) -> Vec<Section> {
    let Some(ex) = &c.ex else { return Vec::new() };
    vec![distributions(c, ex), sensitivity(c), discovery(c)]
}

fn stats_row(name: &str, s: &detente_explore::summary::Stats) -> Vec<String> {
    let mut r = vec![code(name), s.n.to_string(), num(s.mean), num(s.sd)];
    r.extend(s.quantiles.iter().map(|&q| num(q)));
    r
}

fn stats_head() -> Vec<String> {
    let mut h = vec![
        "column".to_string(),
        "runs with a value".into(),
        "mean".into(),
        "sd".into(),
    ];
    h.extend(QUANTILES.iter().map(|q| format!("{:.0}%", 100.0 * q)));
    h
}

fn distributions(cp: &Computed, ex: &Exploration) -> Section {
    let ctx = &cp.ctx;
    let sc = ctx.sc;
    let n = ex.n();
    let mut h = String::new();
    h.push_str(&p(&format!(
        "{n} futures sampled by Latin hypercube (seed {}) over the {} uncertain number(s); the {} model runs once on each, with its own seed derived from the run.",
        ctx.opts.seed,
        ex.k,
        ctx.primary.info().name
    )));
    let rows: Vec<Vec<String>> = ex
        .plan
        .inputs()
        .iter()
        .zip(&cp.inputs)
        .map(|(u, [central, lo, hi])| {
            vec![
                code(&u.name),
                escape(&u.dist.to_string()),
                num(*central),
                num(*lo),
                num(*hi),
            ]
        })
        .collect();
    h.push_str(&h3("The uncertain numbers"));
    h.push_str(&table(
        &["input", "distribution", "central", "5%", "95%"],
        &rows,
        &[2, 3, 4],
    ));
    h.push_str(&h3("Outcomes across the futures"));
    h.push_str(&crate::view::blocks(&cp.futures));
    let mut table_rows = Vec::new();
    let mut charts_html = String::new();
    for col in &cp.columns {
        let (name, s) = (&col.name, &col.stats);
        table_rows.push(stats_row(name, s));
        let Some(bins) = &col.bins else {
            continue;
        };
        let mut markers = vec![Marker {
            label: format!("median {}", num(s.quantiles[2])),
            x: s.quantiles[2],
            color: charts::INK,
        }];
        let issue = name
            .strip_suffix(".outcome")
            .and_then(|id| sc.issue_index(id));
        // One seeded path of a war is no central forecast, so only the other models show one.
        if let (Some(k), false) = (issue, ctx.paths()) {
            if let Some(x) = ctx.primary_run().issues[k].outcome {
                markers.push(Marker {
                    label: format!("central forecast {}", num(x)),
                    x,
                    color: charts::BAD,
                });
            }
        }
        let missing = if s.missing > 0 {
            format!(
                " {} of the {n} runs have no value (e.g. no ceasefire) and are not drawn.",
                s.missing
            )
        } else {
            String::new()
        };
        charts_html.push_str(&figure(
            &charts::histogram(&charts::Histogram {
                x_label: name,
                bins: bins.clone(),
                markers,
                color: charts::PALETTE[0],
            }),
            &format!("{name} across the sampled futures.{missing}"),
        ));
    }
    let head = stats_head();
    let heads: Vec<&str> = head.iter().map(String::as_str).collect();
    let numeric: Vec<usize> = (1..heads.len()).collect();
    if charts_html.is_empty() && !ctx.paths() {
        h.push_str(&note(&format!(
            "No outcome of the {} model varies across the futures: its outcomes do not depend on the uncertain numbers.",
            ctx.primary.info().name
        )));
    }
    h.push_str(&charts_html);
    h.push_str(&table(&heads, &table_rows, &numeric));
    section("distributions", "Outcome distributions", h)
}

fn sensitivity(cp: &Computed) -> Section {
    let ctx = &cp.ctx;
    let tornadoes = &cp.tornadoes;
    let mut h = String::new();
    h.push_str(&p(&format!(
        "One input at a time: each uncertain number moves from its central value to its {:.0}% and {:.0}% quantile while the others stay central; the bars show how far the output moves. Inputs are sorted by the size of the swing.{}",
        100.0 * SWING[0],
        100.0 * SWING[1],
        match (ctx.outputs().question, ctx.paths()) {
            (Some(q), true) => format!(
                " For the {} model each point is the share of {} seeded runs (the same seeds at every point) with {}.",
                ctx.primary.info().name,
                ctx.opts.runs.min(analysis::TORNADO_SEEDS),
                q.words
            ),
            _ => String::new(),
        }
    )));
    let mut shown = 0;
    for t in tornadoes {
        if t.swings.iter().all(|s| s.width() <= 1e-12) {
            continue;
        }
        shown += 1;
        let shares = ctx.paths() && ctx.outputs().question.is_some();
        let show = move |x: f64| if shares { pct(x) } else { num(x) };
        let rows: Vec<String> = t
            .swings
            .iter()
            .map(|s| format!("{} ({} / {})", s.input, sig(s.x[0], 3), sig(s.x[1], 3)))
            .collect();
        h.push_str(&h3(&t.output));
        h.push_str(&figure(
            &charts::tornado(&charts::TornadoChart {
                rows,
                ends: t.swings.iter().map(|s| (s.y[0], s.y[1])).collect(),
                base: t.base,
                x_label: &t.output,
                show: &show,
            }),
            &format!(
                "Tornado for {}: each row names the input and its values at the 5% / 95% quantile.",
                t.output
            ),
        ));
        let rows: Vec<Vec<String>> = t
            .swings
            .iter()
            .map(|s| {
                vec![
                    code(&s.input),
                    num(s.x[0]),
                    num(s.x[1]),
                    show(s.y[0]),
                    show(s.y[1]),
                    show(s.width()),
                ]
            })
            .collect();
        h.push_str(&table(
            &[
                "input",
                "at 5%",
                "at 95%",
                "output at 5%",
                "output at 95%",
                "swing",
            ],
            &rows,
            &[1, 2, 3, 4, 5],
        ));
    }
    if shown == 0 {
        h.push_str(&note(
            "No output moves when an input swings alone: the outcomes do not depend on the uncertain numbers one at a time.",
        ));
    }
    section("sensitivity", "What drives the outcome (tornado)", h)
}

fn discovery(cp: &Computed) -> Section {
    let ctx = &cp.ctx;
    let events = &cp.found;
    let mut h = String::new();
    h.push_str(&p(
        "What would need to be true: PRIM (Friedman & Fisher 1999) looks for ranges of the uncertain inputs in which the condition holds much more often than overall. Density is the share of runs inside the box where the condition holds; coverage the share of all such runs that fall inside the box.",
    ));
    if ctx.opts.event.is_none() {
        h.push_str(&note(&if let Some(q) = ctx.outputs().question {
            format!(
                "Default condition: {}. Another can be given with --where.",
                q.words
            )
        } else {
            "Default condition, per issue whose outcome varies: an outcome above the central forecast. Another can be given with --where.".to_string()
        }));
    }
    if events.is_empty() {
        h.push_str(&note(
            "No outcome varies across the futures, so there is no condition to explain.",
        ));
    }
    for (src, f) in events {
        h.push_str(&h3(&format!("When {src}")));
        h.push_str(&p(&format!(
            "The condition holds in {} of {} runs ({}).",
            f.hits,
            f.n,
            pct(f.hits as f64 / f.n.max(1) as f64)
        )));
        let refs: Vec<&str> = f.names.iter().map(String::as_str).collect();
        match &f.result {
            Err(e) => h.push_str(&note(&format!("PRIM could not run: {e}"))),
            Ok(d) => {
                if let Some(n) = &d.note {
                    h.push_str(&note(n));
                }
                for (i, b) in d.boxes.iter().enumerate() {
                    h.push_str(&format!(
                        "<p class=\"box\"><strong>Box {}:</strong> {}</p>\n",
                        i + 1,
                        escape(&b.chosen.describe_as(&refs, src))
                    ));
                    let rows: Vec<Vec<String>> = b
                        .chosen
                        .restricted
                        .iter()
                        .map(|&(c, lo, hi)| {
                            vec![
                                code(&f.names[c]),
                                lo.map_or_else(|| "(any)".into(), num),
                                hi.map_or_else(|| "(any)".into(), num),
                            ]
                        })
                        .collect();
                    if !rows.is_empty() {
                        h.push_str(&table(&["input", "at least", "at most"], &rows, &[1, 2]));
                    }
                    h.push_str(&format!(
                        "<p class=\"note\">Box {}: coverage {}, density {}, {} of all runs.</p>\n",
                        i + 1,
                        pct(b.chosen.coverage),
                        pct(b.chosen.density),
                        pct(b.chosen.mass)
                    ));
                    if i == 0 && b.trajectory.len() > 1 {
                        let picked = b
                            .trajectory
                            .get(b.picked)
                            .map_or((b.chosen.coverage, b.chosen.density), |s| {
                                (s.coverage, s.density)
                            });
                        h.push_str(&figure(
                            &charts::tradeoff(&b.tradeoff(), picked),
                            "PRIM's peeling: each step trades coverage for density; the step reported is marked (before pasting).",
                        ));
                    }
                }
            }
        }
    }
    section(
        "discovery",
        "What would need to be true (scenario discovery)",
        h,
    )
}

// ---------------------------------------------------------------------------------------------

pub fn method(ctx: &Context) -> Section {
    let mut h = String::new();
    let rows: Vec<Vec<String>> = ctx
        .runs
        .iter()
        .map(|r| {
            let i = r.model.info();
            vec![code(i.name), escape(i.summary), escape(i.source)]
        })
        .collect();
    h.push_str(&table(&["model", "what it computes", "source"], &rows, &[]));
    let mut cmd = String::from("detente report FILE");
    if let Some(m) = &ctx.opts.model {
        cmd.push_str(&format!(" --model {m}"));
    }
    for p in &ctx.policies {
        cmd.push_str(&format!(" --policy {p}"));
    }
    cmd.push_str(&format!(
        " --runs {} --seed {}",
        ctx.opts.runs, ctx.opts.seed
    ));
    if let Some(e) = &ctx.opts.event {
        cmd.push_str(&format!(" --where '{e}'"));
    }
    h.push_str(&format!(
        "<p>To make this report again: {}</p>\n",
        code(&cmd)
    ));
    h.push_str(&p(
        "Forecasts use the central value of each uncertain number (the mode of a triangular distribution, else the mean). The uncertainty sections sample the distributions (truncated to each field's range) by Latin hypercube; run r's numbers and model seed derive from the seed and r only. Tornado: one input at a time between its 5% and 95% quantiles. Scenario discovery: PRIM with peeling 5%, pasting 1%, a minimum box of 5% of the runs, the box chosen by information gain, and a second box by covering. See docs/report.md.",
    ));
    section("method", "How this report was made", h)
}
