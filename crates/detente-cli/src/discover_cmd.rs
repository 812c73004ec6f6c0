//! `detente discover`: the region of the inputs where a condition holds (PRIM).

use detente_explore::explore::Plan;
use detente_explore::run::run_blocks;
use detente_explore::summaries::{DiscoverSummary, DiscoveredBox};
use detente_store::records::RunKind;
use detente_store::results;

use crate::sweep::{
    block_failed, check_memory, check_runs, conclude, design, for_format, pool, progress, record,
    setup, to_json, warn_raw, with_policy,
};
use crate::{Fail, cli};

pub fn discover(a: cli::DiscoverArgs) -> Result<(), Fail> {
    use detente_explore::prim::{Prim, PrimOptions};
    let s = setup(&a.sweep)?;
    let sc = with_policy(&s.scenario, a.policy.as_deref())?;
    if a.from_results.is_none() {
        check_runs(a.runs, "--runs")?;
    }
    let plan = Plan::new(sc, s.model, design(a.design), a.sweep.seed, a.runs);
    let columns = plan.columns();
    let k = plan.inputs().len();
    if k == 0 {
        return Err(Fail::new(
            format!(
                "{} has no uncertain numbers: there is nothing to discover",
                s.path.display()
            ),
            Some(
                "write the numbers you are unsure of as distributions, e.g. cost = { triangular = [0.001, 0.003, 0.006] }",
            ),
        ));
    }
    let col_refs: Vec<&str> = columns.iter().map(String::as_str).collect();
    // The condition is checked before any run.
    let expr = detente_explore::expr::parse(&a.condition, &col_refs).map_err(|d| {
        warn_raw(&crate::diagnostics::render(
            "--where",
            &a.condition,
            std::slice::from_ref(&d),
        ));
        Fail::reported("the --where condition is not valid")
    })?;
    if !(a.alpha > 0.0 && a.alpha < 0.5) {
        return Err(Fail::new(
            format!("--alpha {} is outside (0, 0.5)", a.alpha),
            Some("Friedman & Fisher suggest 0.05 to 0.1"),
        ));
    }
    if !(a.min_mass > 0.0 && a.min_mass < 1.0) {
        return Err(Fail::new(
            format!("--min-mass {} is outside (0, 1)", a.min_mass),
            Some("e.g. --min-mass 0.05"),
        ));
    }
    let pool = pool(a.sweep.threads)?;
    let rec = record(RunKind::Discover, &s, a.sweep.seed);
    let result = (|| -> Result<(serde_json::Value, String), Fail> {
        let (runs, values): (u64, Vec<f64>) = match &a.from_results {
            Some(path) => {
                if let Some(meta) = results::read_meta(path)? {
                    if meta.model != s.model.info().name {
                        return Err(Fail::new(
                            format!(
                                "{} holds runs of `{}`, not `{}`",
                                path.display(),
                                meta.model,
                                s.model.info().name
                            ),
                            Some(&format!("pass --model {}", meta.model)),
                        ));
                    }
                }
                let (cols, runs, values) = results::read_all(path)?;
                if cols != columns {
                    return Err(Fail::new(
                        format!(
                            "{} does not hold the columns this scenario and model give",
                            path.display()
                        ),
                        Some(
                            "use a results file from `detente explore` on the same scenario, model and policy",
                        ),
                    ));
                }
                (runs.len() as u64, values)
            }
            None => {
                check_memory(a.runs, columns.len(), "discover")?;
                let bar = progress(a.runs, "sampling");
                let mut values = Vec::with_capacity(a.runs as usize * columns.len());
                run_blocks(
                    &pool,
                    0..a.runs,
                    || None,
                    |scratch, r| plan.row_in(scratch, r),
                    |_, rows| {
                        bar.inc(rows.len() as u64);
                        for row in rows {
                            values.extend(row);
                        }
                        Ok(())
                    },
                )
                .map_err(block_failed)?;
                bar.finish_and_clear();
                (a.runs, values)
            }
        };
        let w = columns.len();
        let y: Vec<bool> = values.chunks(w).map(|r| expr.eval(r)).collect();
        let x: Vec<f64> = values
            .chunks(w)
            .flat_map(|r| r[..k].iter().copied())
            .collect();
        let names: Vec<&str> = col_refs[..k].to_vec();
        let prim = Prim::new(&x, &names, &y).map_err(|e| Fail::new(e.to_string(), None))?;
        let opts = PrimOptions {
            peel_alpha: a.alpha,
            min_mass: a.min_mass,
            boxes: a.boxes,
            ..PrimOptions::default()
        };
        let found = prim
            .find(&opts)
            .map_err(|e| Fail::new(e.to_string(), None))?;
        let hits = y.iter().filter(|b| **b).count();
        let mut text = format!(
            "`{}` holds in {hits} of {runs} runs ({:.1}%) of {} with `{}`; PRIM (Friedman & Fisher 1999) over {k} uncertain input(s)\n\n",
            a.condition,
            100.0 * hits as f64 / runs.max(1) as f64,
            s.path.display(),
            s.model.info().name,
        );
        if let Some(n) = &found.note {
            text.push_str(&format!("{n}\n"));
        }
        let mut boxes = Vec::new();
        for (i, b) in found.boxes.iter().enumerate() {
            text.push_str(&format!(
                "Box {}: {}\n",
                i + 1,
                b.chosen.describe_as(&names, &a.condition)
            ));
            text.push_str("  trade-off (coverage -> density):");
            let curve = b.tradeoff();
            let step = (curve.len() / 8).max(1);
            for (j, (c, d)) in curve.iter().enumerate() {
                if j % step == 0 || j + 1 == curve.len() {
                    text.push_str(&format!(" {:.0}%->{:.0}%", 100.0 * c, 100.0 * d));
                }
            }
            text.push('\n');
            boxes.push(DiscoveredBox::new(&b.chosen, curve, &names, &a.condition));
        }
        let summary = to_json(&DiscoverSummary {
            scenario: s.path.display().to_string(),
            model: s.model.info().name.to_string(),
            condition: a.condition.clone(),
            runs,
            hits,
            seed: a.sweep.seed,
            boxes,
        });
        let text = for_format(a.format, &summary, || text);
        Ok((summary, text))
    })();
    conclude(rec, result)
}
