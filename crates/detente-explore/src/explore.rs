//! Monte Carlo over a scenario: one model run per sampled future, one row per run.
//!
//! A row holds the run's sampled inputs and its outputs. Rows are computed in parallel in
//! blocks and handed back in run order, so a caller can stream them to a file and summarise
//! them as they come, in memory that does not grow with the number of runs.

use std::ops::Range;

use detente_core::Scenario;
use detente_core::model::{ColumnKind, Model, ModelError, RunOptions};
use detente_core::slots::Uncertain;
use rayon::prelude::*;

use crate::sample::{Design, Sampler, run_seed};

/// Everything needed to compute any run of a sweep.
pub struct Plan<'a> {
    /// The scenario as the chosen policy makes it, before sampling.
    pub scenario: Scenario,
    /// The model each run runs.
    pub model: &'a dyn Model,
    /// Draws each run's inputs.
    pub sampler: Sampler,
    /// The output columns the model records, in order.
    pub outputs: Vec<String>,
}

/// A run that failed.
#[derive(Debug, Clone, PartialEq)]
pub struct RunFailure {
    /// The run's index, from 0.
    pub run: u64,
    /// Why the model refused the sampled scenario.
    pub error: ModelError,
}

impl<'a> Plan<'a> {
    /// A plan of `runs` runs of `model` over every uncertain number of `scenario`, drawn
    /// with `design` from `seed`.
    pub fn new(
        scenario: Scenario,
        model: &'a dyn Model,
        design: Design,
        seed: u64,
        runs: u64,
    ) -> Plan<'a> {
        let inputs = scenario.uncertain_slots();
        let outputs = output_columns(&scenario, model);
        Plan {
            sampler: Sampler::new(inputs, design, seed, runs),
            scenario,
            model,
            outputs,
        }
    }

    /// The sampled numbers, in column order.
    pub fn inputs(&self) -> &[Uncertain] {
        &self.sampler.inputs
    }

    /// Input names, then output names.
    pub fn columns(&self) -> Vec<String> {
        self.inputs()
            .iter()
            .map(|u| u.name.clone())
            .chain(self.outputs.iter().cloned())
            .collect()
    }

    /// Whether each of [`columns`](Self::columns) is a yes/no event (1 or 0), so that a file
    /// can store it as a boolean.
    pub fn flags(&self) -> Vec<bool> {
        let mut f = vec![false; self.inputs().len()];
        f.extend(output_flags(&self.scenario, self.model));
        f
    }

    /// The scenario of run `run` with its sampled values, and the values.
    pub fn scenario_of(&self, run: u64) -> (Scenario, Vec<f64>) {
        let mut values = vec![0.0; self.inputs().len()];
        self.sampler.values(run, &mut values);
        (self.with_values(&values), values)
    }

    /// The scenario with the given input values.
    pub fn with_values(&self, values: &[f64]) -> Scenario {
        let mut sc = self.scenario.clone();
        for (u, &v) in self.inputs().iter().zip(values) {
            sc.set_slot(u.slot, v);
        }
        sc.into_start()
    }

    /// Runs the model on `sc` with run `run`'s seed and returns the outputs.
    pub fn evaluate(&self, sc: &Scenario, run: u64) -> Result<Vec<f64>, RunFailure> {
        let mut out = Vec::with_capacity(self.outputs.len());
        self.evaluate_into(sc, run, &mut out)?;
        Ok(out)
    }

    /// `evaluate`, appending to `out`.
    fn evaluate_into(&self, sc: &Scenario, run: u64, out: &mut Vec<f64>) -> Result<(), RunFailure> {
        let opts = RunOptions {
            seed: run_seed(self.sampler.seed, run),
        };
        self.model
            .record(sc, &opts, out)
            .map_err(|error| RunFailure { run, error })
    }

    /// One run's row: inputs then outputs.
    pub fn row(&self, run: u64) -> Result<Vec<f64>, RunFailure> {
        self.row_in(&mut None, run)
    }

    /// `row`, setting the sampled values in `scratch`, a copy of the plan's scenario kept from
    /// run to run, instead of in a new copy. Every run sets the same slots, so the copy is the
    /// very scenario `with_values` builds, unless round-0 shocks rewrite it (`into_start`).
    /// Start with `None`; what is left in it from any run gives the same row.
    pub fn row_in(&self, scratch: &mut Option<Scenario>, run: u64) -> Result<Vec<f64>, RunFailure> {
        let n = self.inputs().len();
        let mut row = Vec::with_capacity(n + self.outputs.len());
        row.resize(n, 0.0);
        self.sampler.values(run, &mut row);
        self.outputs_in(scratch, &mut row, run_seed(self.sampler.seed, run))
            .map_err(|error| RunFailure { run, error })?;
        Ok(row)
    }

    /// Appends to `row`, which holds one value per input in column order, the model's outputs
    /// on the plan's scenario with those values, the model's own randomness seeded with
    /// `model_seed` (run r of the sweep uses `run_seed(seed, r)`). `scratch` is as for
    /// [`row_in`](Self::row_in); [`row_in`](Self::row_in) and `detente eval` both go through
    /// here, so given the same values and seed they give the same outputs bit for bit.
    pub fn outputs_in(
        &self,
        scratch: &mut Option<Scenario>,
        row: &mut Vec<f64>,
        model_seed: u64,
    ) -> Result<(), ModelError> {
        let n = self.inputs().len();
        let opts = RunOptions { seed: model_seed };
        if self.scenario.shocks.iter().any(|s| s.at == 0) {
            let sc = self.with_values(&row[..n]);
            return self.model.record(&sc, &opts, row);
        }
        let sc = scratch.get_or_insert_with(|| self.scenario.clone());
        for (u, &v) in self.inputs().iter().zip(&row[..n]) {
            sc.set_slot(u.slot, v);
        }
        self.model.record(sc, &opts, row)
    }

    /// The rows of `runs`, in order, computed on the current rayon pool.
    pub fn rows(&self, runs: Range<u64>) -> Result<Vec<Vec<f64>>, RunFailure> {
        runs.into_par_iter()
            .map_init(|| None, |scratch, r| self.row_in(scratch, r))
            .collect()
    }
}

/// The output columns a model records on a scenario (see [`Model::outputs`]).
pub fn output_columns(sc: &Scenario, model: &dyn Model) -> Vec<String> {
    model.outputs(sc).names()
}

/// Whether each of [`output_columns`] is a yes/no event (1 or 0).
pub fn output_flags(sc: &Scenario, model: &dyn Model) -> Vec<bool> {
    model
        .outputs(sc)
        .columns
        .iter()
        .map(|c| c.kind == ColumnKind::Flag)
        .collect()
}

/// The value that stands for "none" in output `column`, where one is neutral, and why (see
/// [`detente_core::model::StandIn`]).
pub fn stand_in(sc: &Scenario, model: &dyn Model, column: &str) -> Option<(f64, String)> {
    let o = model.outputs(sc);
    let s = o.column(column)?.none.as_ref()?;
    Some((s.value, s.why.clone()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use detente_core::model::by_name;
    use detente_core::parse_toml;

    fn ceasefire() -> Scenario {
        let p = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../scenarios/ukraine-ceasefire-2026.toml");
        parse_toml(&std::fs::read_to_string(p).unwrap()).unwrap()
    }

    fn rows_with_threads(plan: &Plan, threads: usize, runs: Range<u64>) -> Vec<Vec<f64>> {
        rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap()
            .install(|| plan.rows(runs).unwrap())
    }

    fn bits(rows: &[Vec<f64>]) -> Vec<Vec<u64>> {
        rows.iter()
            .map(|r| r.iter().map(|x| x.to_bits()).collect())
            .collect()
    }

    #[test]
    fn rows_do_not_depend_on_threads_or_on_which_runs_are_computed() {
        let sc = ceasefire();
        let m = by_name("war").unwrap();
        for design in [Design::MonteCarlo, Design::LatinHypercube] {
            let plan = Plan::new(sc.clone(), m, design, 9, 200);
            let one = rows_with_threads(&plan, 1, 0..200);
            let two = rows_with_threads(&plan, 2, 0..200);
            assert_eq!(bits(&one), bits(&two));
            // A slice computed alone gives the same rows.
            assert_eq!(
                bits(&rows_with_threads(&plan, 2, 50..90)),
                bits(&one[50..90])
            );
        }
    }

    #[test]
    fn a_row_is_the_sampled_inputs_then_the_model_outputs() {
        let sc = ceasefire();
        let plan = Plan::new(
            sc.clone(),
            by_name("war").unwrap(),
            Design::MonteCarlo,
            1,
            10,
        );
        let cols = plan.columns();
        let row = plan.row(3).unwrap();
        assert_eq!(row.len(), cols.len());
        // Every sampled input lies in its distribution's range and sets the scenario.
        let (run_sc, values) = plan.scenario_of(3);
        for (u, v) in plan.inputs().iter().zip(&values) {
            let (lo, hi) = match u.dist {
                detente_core::Dist::Triangular { lo, hi, .. } => (lo, hi),
                other => panic!("unexpected {other:?}"),
            };
            assert!(lo <= *v && *v <= hi, "{} = {v}", u.name);
        }
        assert!(
            run_sc.uncertain_slots().is_empty(),
            "every uncertain number is set"
        );
        // The outputs are the model's on that scenario with the run's seed.
        let direct = plan.evaluate(&run_sc, 3).unwrap();
        assert_eq!(bits(&[row[values.len()..].to_vec()]), bits(&[direct]));
        let c = cols.iter().position(|c| c == "ceasefire").unwrap();
        assert!(row[c] == 0.0 || row[c] == 1.0);
        // The flags are exactly the yes/no columns, and hold 1 or 0 in every run.
        let flags = plan.flags();
        let named: Vec<&str> = cols
            .iter()
            .zip(&flags)
            .filter(|(_, f)| **f)
            .map(|(c, _)| c.as_str())
            .collect();
        assert_eq!(
            named,
            [
                "ceasefire",
                "victory.russia",
                "victory.ukraine",
                "ongoing",
                "renewed",
                "frozen"
            ]
        );
        for run in 0..10 {
            let row = plan.row(run).unwrap();
            for (v, _) in row.iter().zip(&flags).filter(|(_, f)| **f) {
                assert!(*v == 0.0 || *v == 1.0, "run {run}: {v}");
            }
        }
    }

    /// The EC case with every capability, position and salience uncertain, and `extra` appended.
    fn uncertain_ec(extra: &str) -> Scenario {
        let p = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../scenarios/ec-car-emissions.toml");
        let text = std::fs::read_to_string(p).unwrap();
        let mut sc = parse_toml(&format!("{text}\n{extra}")).unwrap();
        let around = |x: f64, d: f64, lo: f64, hi: f64| {
            detente_core::Param::Dist(detente_core::Dist::Triangular {
                lo: (x - d).max(lo),
                mode: x,
                hi: (x + d).min(hi),
            })
        };
        for a in &mut sc.actors {
            let c = a.capability.value();
            a.capability = around(c, 0.2 * c, 0.0, f64::INFINITY);
            for s in a.stances.iter_mut().flatten() {
                s.position = around(s.position.value(), 1.0, 4.0, 10.0);
                s.salience = around(s.salience.value(), 0.1, 0.0, 1.0);
            }
        }
        sc
    }

    #[test]
    fn rows_are_the_full_runs_outcomes_bit_for_bit() {
        // `rows` sets the values in a scenario kept from run to run and asks the model for its
        // outcomes alone; a row must be what a fresh scenario and a full run give.
        for extra in [
            "",
            "[models.eum]\nq = 0.5\n",
            "[[shock]]\nat = 0\nset = \"france.salience.date\"\nto = 0.3\n",
        ] {
            let sc = uncertain_ec(extra);
            for model in ["eum", "compromise", "median"] {
                let m = by_name(model).unwrap();
                for design in [Design::MonteCarlo, Design::LatinHypercube] {
                    let plan = Plan::new(sc.clone(), m, design, 3, 300);
                    let slow: Vec<Vec<f64>> = (0..300)
                        .map(|r| {
                            let (run_sc, mut row) = plan.scenario_of(r);
                            let opts = RunOptions {
                                seed: run_seed(3, r),
                            };
                            let r = m.run(&run_sc, &opts).unwrap();
                            row.extend(r.outcomes.iter().map(|o| o.unwrap_or(f64::NAN)));
                            row
                        })
                        .collect();
                    assert_eq!(bits(&rows_with_threads(&plan, 1, 0..300)), bits(&slow));
                    assert_eq!(bits(&rows_with_threads(&plan, 2, 0..300)), bits(&slow));
                }
            }
        }
    }

    #[test]
    fn a_sampled_scenario_is_valid() {
        // Every slot at the ends of its range: the scenario written back to TOML must pass the
        // validator, so the ranges in `slots.rs` agree with `validate.rs`.
        let sc = ceasefire();
        for u in sc.uncertain_slots() {
            for x in [u.lo, u.hi] {
                if !x.is_finite() {
                    continue;
                }
                let mut s = sc.clone();
                s.set_slot(u.slot, u.clamp(x));
                let text = detente_core::emit::to_toml(&s, &[]);
                assert!(parse_toml(&text).is_ok(), "{} = {x} is refused", u.name);
            }
        }
    }
}
