//! What would need to be true: PRIM's boxes for each condition.

use super::*;

pub(super) fn discovery(cp: &Computed) -> Section {
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
