//! The outcomes across the sampled futures.

use super::*;

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

pub(super) fn distributions(cp: &Computed, ex: &Exploration) -> Section {
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
