//! `detente compare`: policies on the same sampled futures, by regret.

use detente_explore::compare::{
    CompareRun, Objective, compare as compare_policies, policy_outputs,
};
use detente_explore::explore::Plan;
use detente_explore::run::run_blocks;
use detente_store::records::RunKind;

use crate::sweep::{
    block_failed, check_memory, check_runs, conclude, design, for_format, pick_outputs, pool,
    progress, record, setup, to_json, with_policy,
};
use crate::{Fail, cli};

pub fn compare(a: cli::CompareArgs) -> Result<(), Fail> {
    check_runs(a.runs, "--runs")?;
    let s = setup(&a.sweep)?;
    for p in &a.policies {
        with_policy(&s.scenario, Some(p))?;
    }
    let plan = Plan::new(
        s.scenario.clone(),
        s.model,
        design(a.design),
        a.sweep.seed,
        a.runs,
    );
    let declared = s.model.outputs(&plan.scenario);
    let default_objective = declared.objective.as_ref();
    let objective = a
        .objective
        .clone()
        .or(default_objective.map(|o| o.column.clone()))
        .ok_or_else(|| {
            Fail::new(
                "compare needs an objective to measure regret on",
                Some(&format!(
                    "name an output with --objective (and --maximize if more is better); the outputs are {}",
                    detente_core::diag::list(&plan.outputs.iter().map(String::as_str).collect::<Vec<_>>())
                )),
            )
        })?;
    let o = pick_outputs(&plan, std::slice::from_ref(&objective))?[0];
    let maximize =
        a.maximize || (a.objective.is_none() && default_objective.is_some_and(|d| d.maximize));
    // A run without a value counts as the column's stand-in for "none" where it has one (no
    // ceasefire: one round past the horizon, the worst on that scale).
    let fallback = declared
        .column(&objective)
        .and_then(|c| c.none.as_ref())
        .map(|s| s.value);
    let mut candidates: Vec<Option<String>> = vec![None];
    candidates.extend(a.policies.iter().cloned().map(Some));
    let label = |c: &Option<String>| c.clone().unwrap_or_else(|| "none".into());
    check_memory(
        a.runs.saturating_mul(candidates.len() as u64),
        plan.outputs.len(),
        "compare",
    )?;
    let pool = pool(a.sweep.threads)?;
    let rec = record(RunKind::Compare, &s, a.sweep.seed);
    let result = (|| -> Result<(serde_json::Value, String), Fail> {
        let m = candidates.len();
        // outputs[run][candidate][output]
        let bar = progress(a.runs, "comparing");
        let mut all: Vec<Vec<Vec<f64>>> = Vec::with_capacity(a.runs as usize);
        run_blocks(
            &pool,
            0..a.runs,
            || (),
            |_, run| policy_outputs(&plan, &candidates, run),
            |_, block| {
                bar.inc(block.len() as u64);
                all.extend(block);
                Ok(())
            },
        )
        .map_err(block_failed)?;
        bar.finish_and_clear();
        let labels: Vec<String> = candidates.iter().map(label).collect();
        let cmp = compare_policies(
            &all,
            &labels,
            &plan.outputs,
            Objective {
                output: o,
                maximize,
                fallback,
            },
            CompareRun {
                scenario: s.path.display().to_string(),
                model: s.model.info().name.to_string(),
                seed: a.sweep.seed,
                objective: objective.clone(),
            },
        );
        let dir = if maximize {
            "more is better"
        } else {
            "less is better"
        };
        let mut text = format!(
            "{} policies on the same {} sampled futures of {} with `{}` (seed {}); objective `{objective}` ({dir}{})\n\n",
            m,
            a.runs,
            s.path.display(),
            s.model.info().name,
            a.sweep.seed,
            fallback
                .map(|f| format!(", no ceasefire counted as {f}"))
                .unwrap_or_default()
        );
        let mut t = crate::format::plain_table(&[
            "policy",
            "objective mean",
            "median",
            "5%..95%",
            "mean regret",
            "90% regret",
            "max regret",
            "best in",
        ]);
        for p in &cmp.policies {
            let (st, rg) = (&p.objective, &p.regret);
            t.add_row(vec![
                p.policy.clone(),
                format!("{:.3}", st.mean),
                format!("{:.3}", st.quantiles[2]),
                format!("{:.3}..{:.3}", st.quantiles[0], st.quantiles[4]),
                format!("{:.3}", rg.mean),
                format!("{:.3}", p.regret_90),
                format!("{:.3}", p.max_regret),
                format!("{:.1}%", 100.0 * p.wins as f64 / a.runs as f64),
            ]);
        }
        text.push_str(&format!("{t}\n\n"));
        let (robust, best_mean) = (&cmp.policies[cmp.robust], &cmp.policies[cmp.best_mean]);
        text.push_str(&format!(
            "Most robust: `{}` by minimax regret (its worst shortfall against the best policy in any future is the smallest, {:.3}; Savage 1951).\n",
            robust.policy, robust.max_regret
        ));
        if cmp.best_mean != cmp.robust {
            text.push_str(&format!(
                "Lowest mean regret: `{}` ({:.3}): better on average, worse in its worst future.\n",
                best_mean.policy, best_mean.regret.mean
            ));
        }
        // The other outputs, mean per policy.
        let mut t = crate::format::plain_table(
            &std::iter::once("output")
                .chain(candidates.iter().map(|c| c.as_deref().unwrap_or("none")))
                .collect::<Vec<_>>(),
        );
        for (k, n) in plan.outputs.iter().enumerate() {
            let mut row = vec![n.clone()];
            for p in &cmp.policies {
                let st = &p.outputs[k].stats;
                row.push(if st.n == 0 {
                    "-".into()
                } else {
                    format!("{:.3}", st.mean)
                });
            }
            t.add_row(row);
        }
        text.push_str(&format!(
            "\nMean of each output per policy (missing values left out)\n{t}\n"
        ));
        let summary = to_json(&cmp);
        let text = for_format(a.format, &summary, || text);
        Ok((summary, text))
    })();
    conclude(rec, result)
}
