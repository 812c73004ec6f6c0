//! The overview: what the scenario holds and the primary model's forecast.

use super::*;

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
            escape(&sc.issues[i].title()),
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
