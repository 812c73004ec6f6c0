//! The policies side by side: the model's own comparison, or the outcome per issue.

use super::*;

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
                    issue.title(),
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
