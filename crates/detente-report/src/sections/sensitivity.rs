//! What drives the outcome: one-at-a-time swings (tornado).

use super::*;

pub(super) fn sensitivity(cp: &Computed) -> Section {
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
