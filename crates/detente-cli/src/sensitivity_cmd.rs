//! `detente sensitivity`: Sobol indices or Morris elementary effects of the uncertain inputs.

use detente_explore::explore::Plan;
use detente_explore::run::run_blocks;
use detente_explore::sample::Design;
use detente_explore::sensitivity::{Interval, SensitivityError};
use detente_explore::summaries::{SensitivityResult, SensitivitySummary};
use detente_store::records::RunKind;

use crate::sweep::{
    block_failed, check_memory, conclude, for_format, pick_outputs, pool, progress, record, setup,
    to_json, with_policy,
};
use crate::{Fail, cli};

/// Runs the model on each row of unit-cube points (all with run 0's model seed: common random
/// numbers, so that the indices measure the inputs and not the dice) and returns the outputs,
/// row-major.
fn evaluate_unit_rows(
    plan: &Plan,
    pool: &rayon::ThreadPool,
    rows: usize,
    point: &(dyn Fn(usize, &mut [f64]) + Sync),
    what: &str,
) -> Result<Vec<Vec<f64>>, Fail> {
    let k = plan.inputs().len();
    let bar = progress(rows as u64, what);
    let mut out = Vec::with_capacity(rows);
    run_blocks(
        pool,
        0..rows as u64,
        || vec![0.0; k],
        |u, r| {
            point(r as usize, u);
            let values: Vec<f64> = u
                .iter()
                .enumerate()
                .map(|(d, &x)| plan.sampler.value(d, x))
                .collect();
            plan.evaluate(&plan.with_values(&values), 0)
        },
        |_, block| {
            bar.inc(block.len() as u64);
            out.extend(block);
            Ok(())
        },
    )
    .map_err(block_failed)?;
    bar.finish_and_clear();
    Ok(out)
}

/// What sensitivity analysis is run on for output `o`: the output itself when every run gives it
/// a value; otherwise whether it has a value (1 or 0), and the value with a stand-in for runs
/// without one where the output has a neutral one (the ceasefire time: the horizon plus one,
/// as in survival analysis). The choice is said in `text`.
fn series(plan: &Plan, o: usize, rows: &[Vec<f64>], text: &mut String) -> Vec<(String, Vec<f64>)> {
    let name = &plan.outputs[o];
    let y: Vec<f64> = rows.iter().map(|r| r[o]).collect();
    let missing = y.iter().filter(|v| v.is_nan()).count();
    if missing == 0 {
        return vec![(name.clone(), y)];
    }
    let has: Vec<f64> = y
        .iter()
        .map(|v| if v.is_nan() { 0.0 } else { 1.0 })
        .collect();
    let mut out = vec![(format!("{name} has a value"), has)];
    let stand_in = detente_explore::explore::stand_in(&plan.scenario, plan.model, name);
    text.push_str(&format!(
        "\n{name} has no value in {missing} of {} runs: analysed as whether it has one{}\n",
        y.len(),
        match &stand_in {
            Some((v, why)) => format!(", and as its value with {} for none ({why})", fmt_value(*v)),
            None => ", and not as a value (no neutral stand-in exists; use `discover` on runs with a value)".into(),
        }
    ));
    if let Some((v, _)) = stand_in {
        let filled = y.iter().map(|x| if x.is_nan() { v } else { *x }).collect();
        out.push((format!("{name} (none = {})", fmt_value(v)), filled));
    }
    out
}

/// The analyses of the outputs so far: the results of the JSON summary, and the refusals.
#[derive(Default)]
struct Analyses {
    results: Vec<SensitivityResult>,
    analysed: usize,
    refused: Vec<String>,
}

impl Analyses {
    /// Adds the analysis of series `name`: indices go through `show`, which writes their table
    /// to `text` and makes their result; a refusal is said in `text` and kept for the error
    /// that no output was analysed.
    fn add<I>(
        &mut self,
        text: &mut String,
        name: &str,
        indices: Result<I, SensitivityError>,
        show: impl FnOnce(I, &mut String) -> SensitivityResult,
    ) {
        match indices {
            Ok(ix) => {
                self.results.push(show(ix, text));
                self.analysed += 1;
            }
            Err(e) => {
                text.push_str(&format!("\n{name}: not analysed: {e}\n"));
                self.results.push(SensitivityResult::Refused {
                    output: name.to_string(),
                    error: e.to_string(),
                });
                self.refused.push(format!("{name}: {e}"));
            }
        }
    }
}

/// The inputs 0..k by `key`, largest first (a stable sort: ties keep input order).
fn largest_first(k: usize, key: impl Fn(usize) -> f64) -> Vec<usize> {
    let mut order: Vec<usize> = (0..k).collect();
    order.sort_by(|&x, &y| key(y).total_cmp(&key(x)));
    order
}

/// A bootstrap interval as the tables show it, `-` without one.
fn ci(c: &Option<Interval>) -> String {
    c.as_ref()
        .map_or("-".to_string(), |c| format!("{:.3}..{:.3}", c.low, c.high))
}

fn fmt_value(v: f64) -> String {
    detente_core::param::fmt_num(v)
}

pub fn sensitivity(a: cli::SensitivityArgs) -> Result<(), Fail> {
    use detente_explore::sensitivity::{
        MorrisDesign, SaltelliDesign, morris_indices, sobol_indices,
    };
    let s = setup(&a.sweep)?;
    let sc = with_policy(&s.scenario, a.policy.as_deref())?;
    let plan = Plan::new(sc, s.model, Design::MonteCarlo, a.sweep.seed, 1);
    let k = plan.inputs().len();
    if k == 0 {
        return Err(Fail::new(
            format!("{} has no uncertain numbers to analyse", s.path.display()),
            Some(
                "write the numbers you are unsure of as distributions, e.g. cost = { triangular = [0.001, 0.003, 0.006] }",
            ),
        ));
    }
    let outputs = pick_outputs(&plan, &a.outputs)?;
    if a.samples == 0 {
        return Err(Fail::new(
            "--samples must be at least 1",
            Some("e.g. --samples 1024"),
        ));
    }
    let pool = pool(a.sweep.threads)?;
    let names: Vec<&str> = plan.inputs().iter().map(|u| u.name.as_str()).collect();
    let rec = record(RunKind::Sensitivity, &s, a.sweep.seed);
    let result = (|| -> Result<(serde_json::Value, String), Fail> {
        let mut text = String::new();
        let mut done = Analyses::default();
        let inputs: Vec<String> = names.iter().map(|n| n.to_string()).collect();
        match a.method {
            cli::MethodArg::Sobol => {
                let d = SaltelliDesign::new(a.samples, k)
                    .map_err(|e| Fail::new(e.to_string(), None))?;
                check_memory(d.row_count() as u64, plan.outputs.len(), "sensitivity")?;
                let rows =
                    evaluate_unit_rows(&plan, &pool, d.row_count(), &|r, u| d.row(r, u), "sobol")?;
                text.push_str(&format!(
                    "Sobol indices of {} input(s), {} model runs (Saltelli 2010 sampling, Jansen 1999 estimators, \
                     {} bootstrap resamples, 95% intervals)\n",
                    k,
                    d.row_count(),
                    a.bootstrap
                ));
                for &o in &outputs {
                    for (name, y) in series(&plan, o, &rows, &mut text) {
                        let ix = sobol_indices(&y, a.samples, k, a.bootstrap, a.sweep.seed, 0.95);
                        done.add(&mut text, &name, ix, |ix, text| {
                            let mut t = crate::format::plain_table(&[
                                "input",
                                "first order",
                                "95% CI",
                                "total",
                                "95% CI",
                            ]);
                            for d in largest_first(k, |d| ix.inputs[d].total_order) {
                                let i = &ix.inputs[d];
                                t.add_row(vec![
                                    names[d].to_string(),
                                    format!("{:.3}", i.first_order),
                                    ci(&i.first_order_ci),
                                    format!("{:.3}", i.total_order),
                                    ci(&i.total_order_ci),
                                ]);
                            }
                            text.push_str(&format!(
                                "\n{name} (variance {:.4})\n{t}\n",
                                ix.variance
                            ));
                            SensitivityResult::Sobol {
                                output: name.clone(),
                                indices: ix,
                                inputs: inputs.clone(),
                            }
                        });
                    }
                }
            }
            cli::MethodArg::Morris => {
                let d = MorrisDesign::new(a.samples, k, a.levels, a.sweep.seed)
                    .map_err(|e| Fail::new(e.to_string(), None))?;
                check_memory(d.row_count() as u64, plan.outputs.len(), "sensitivity")?;
                let p = a.levels as f64;
                // Grid levels at the centres of p equal-probability strata, so that unbounded
                // distributions are never evaluated at their infinite ends.
                let rows = evaluate_unit_rows(
                    &plan,
                    &pool,
                    d.row_count(),
                    &|r, u| {
                        for (x, g) in u.iter_mut().zip(d.row(r)) {
                            *x = (0.5 + g * (p - 1.0)) / p;
                        }
                    },
                    "morris",
                )?;
                text.push_str(&format!(
                    "Morris elementary effects of {k} input(s): {} trajectories, {} levels, {} model runs \
                     (Morris 1991; mu* of Campolongo et al. 2007); effects per unit of the input's probability scale\n",
                    a.samples,
                    a.levels,
                    d.row_count()
                ));
                for &o in &outputs {
                    for (name, y) in series(&plan, o, &rows, &mut text) {
                        let ix = morris_indices(&d, &y, a.bootstrap, a.sweep.seed, 0.95);
                        done.add(&mut text, &name, ix, |ix, text| {
                            let mut t = crate::format::plain_table(&[
                                "input", "mu*", "95% CI", "mu", "sigma",
                            ]);
                            for dd in largest_first(k, |d| ix.inputs[d].mu_star) {
                                let i = &ix.inputs[dd];
                                t.add_row(vec![
                                    names[dd].to_string(),
                                    format!("{:.3}", i.mu_star),
                                    ci(&i.mu_star_ci),
                                    format!("{:.3}", i.mu),
                                    format!("{:.3}", i.sigma),
                                ]);
                            }
                            text.push_str(&format!("\n{name}\n{t}\n"));
                            SensitivityResult::Morris {
                                output: name.clone(),
                                indices: ix,
                                inputs: inputs.clone(),
                            }
                        });
                    }
                }
            }
        }
        if done.analysed == 0 {
            return Err(Fail::new(
                format!("no output was analysed: {}", done.refused.join("; ")),
                Some(
                    "pick an output that varies across runs with --output (see `docs/explore.md`, \"Sensitivity\")",
                ),
            ));
        }
        let summary = to_json(&SensitivitySummary {
            scenario: s.path.display().to_string(),
            model: s.model.info().name.to_string(),
            method: format!("{:?}", a.method).to_lowercase(),
            samples: a.samples,
            seed: a.sweep.seed,
            results: done.results,
        });
        let text = for_format(a.format, &summary, || text);
        Ok((summary, text))
    })();
    conclude(rec, result)
}
