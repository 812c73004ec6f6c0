//! How the report was made, and the command that makes it again.

use super::*;

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
