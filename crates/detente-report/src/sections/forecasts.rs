//! Every model's forecast side by side, and the trajectories of the dynamic ones.

use super::*;

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
            &format!("{}: the forecast of each model.", issue.title()),
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
                    issue.title()
                ),
            ));
        }
    }
    (!h.is_empty()).then(|| section("trajectories", "Trajectories over rounds", h))
}
