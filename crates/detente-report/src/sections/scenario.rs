//! The scenario: its issues, actors and blocs, with the positions drawn.

use super::*;

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
                issue.title()
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
