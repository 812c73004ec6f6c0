//! Policies compared on the same sampled futures, by regret (Savage 1951): in each future, how
//! far a policy's objective falls short of the best policy's there.

use serde::Serialize;

use crate::explore::{Plan, RunFailure};
use crate::summary::{Column, Stats, exact_quantile};

/// The outputs of run `run` under each candidate policy (`None`: no policy), in the order of
/// `candidates`: the same sampled inputs and the same model seed for all, so that they differ
/// by the policy alone. A policy the scenario does not define is run as no policy (the caller
/// checks the names first).
pub fn policy_outputs(
    plan: &Plan,
    candidates: &[Option<String>],
    run: u64,
) -> Result<Vec<Vec<f64>>, RunFailure> {
    let mut values = vec![0.0; plan.inputs().len()];
    plan.sampler.values(run, &mut values);
    let mut sampled = plan.scenario.clone();
    for (u, &v) in plan.inputs().iter().zip(&values) {
        sampled.set_slot(u.slot, v);
    }
    candidates
        .iter()
        .map(|c| {
            let sc = match c {
                Some(p) => sampled.with_policy(p).unwrap_or_else(|| sampled.clone()),
                None => sampled.clone(),
            }
            .into_start();
            plan.evaluate(&sc, run)
        })
        .collect()
}

/// How the objective is scored.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Objective {
    /// The output column (an index into the plan's outputs).
    pub output: usize,
    /// Whether more is better.
    pub maximize: bool,
    /// What a run without a value scores (e.g. no ceasefire as the horizon plus one); `None`
    /// leaves such runs out.
    pub fallback: Option<f64>,
}

/// What `compare` reports.
#[derive(Clone, Debug, Serialize)]
pub struct Comparison {
    /// The scenario file, as given.
    pub scenario: String,
    /// The model.
    pub model: String,
    /// The sampled futures.
    pub runs: u64,
    /// The seed.
    pub seed: u64,
    /// The objective's output name.
    pub objective: String,
    /// Whether more is better.
    pub maximize: bool,
    /// Each candidate, `none` first.
    pub policies: Vec<PolicyResult>,
    /// The minimax-regret choice.
    pub most_robust: Choice,
    /// The policy of lowest mean regret.
    pub lowest_mean_regret: String,
    /// Index into `policies` of the most robust one.
    #[serde(skip)]
    pub robust: usize,
    /// Index into `policies` of the one with the lowest mean regret.
    #[serde(skip)]
    pub best_mean: usize,
}

/// A chosen policy and the rule that chose it.
#[derive(Clone, Debug, Serialize)]
pub struct Choice {
    /// The policy.
    pub policy: String,
    /// The rule, e.g. `minimax regret`.
    pub criterion: String,
}

/// One candidate policy over every future.
#[derive(Clone, Debug, Serialize)]
pub struct PolicyResult {
    /// The policy, `none` for none.
    pub policy: String,
    /// The objective as scored.
    pub objective: Stats,
    /// The regret in the futures where it and a best policy have a score.
    pub regret: Stats,
    /// The largest regret.
    pub max_regret: f64,
    /// The share of the futures in which this policy is a best one.
    pub best_share: f64,
    /// Every output's statistics.
    pub outputs: Vec<NamedStats>,
    /// The 90% quantile of the regret (type 7).
    #[serde(skip)]
    pub regret_90: f64,
    /// The futures in which this policy is a best one.
    #[serde(skip)]
    pub wins: u64,
}

/// An output's statistics under its name.
#[derive(Clone, Debug, Serialize)]
pub struct NamedStats {
    /// The output.
    pub name: String,
    /// Its statistics.
    pub stats: Stats,
}

/// What [`compare`] is told about the sweep, for its report.
#[derive(Clone, Debug)]
pub struct CompareRun {
    /// The scenario file, as given.
    pub scenario: String,
    /// The model.
    pub model: String,
    /// The seed.
    pub seed: u64,
    /// The objective's output name.
    pub objective: String,
}

/// Regret of each candidate over `all` (`all[run][candidate][output]`, as
/// [`policy_outputs`] gives them); `labels` names the candidates and `outputs` the columns.
pub fn compare(
    all: &[Vec<Vec<f64>>],
    labels: &[String],
    outputs: &[String],
    objective: Objective,
    run: CompareRun,
) -> Comparison {
    let m = labels.len();
    let runs = all.len() as u64;
    let score = |x: f64| {
        if x.is_nan() {
            objective.fallback.unwrap_or(f64::NAN)
        } else {
            x
        }
    };
    let better = |x: f64, y: f64| if objective.maximize { x > y } else { x < y };
    let mut regret: Vec<Column> = vec![Column::default(); m];
    // Every regret, for its 90% quantile.
    let mut regrets: Vec<Vec<f64>> = vec![Vec::with_capacity(all.len()); m];
    let mut max_regret = vec![0.0f64; m];
    let mut wins = vec![0u64; m];
    let mut per_output: Vec<Vec<Column>> = vec![vec![Column::default(); outputs.len()]; m];
    let mut scored = vec![Column::default(); m];
    let o = objective.output;
    for future in all {
        let scores: Vec<f64> = future.iter().map(|r| score(r[o])).collect();
        let best = scores
            .iter()
            .copied()
            .filter(|x| !x.is_nan())
            .fold(
                f64::NAN,
                |b, x| if b.is_nan() || better(x, b) { x } else { b },
            );
        for c in 0..m {
            for (k, &x) in future[c].iter().enumerate() {
                per_output[c][k].push(x);
            }
            scored[c].push(scores[c]);
            if !best.is_nan() && !scores[c].is_nan() {
                let r = (scores[c] - best).abs();
                regret[c].push(r);
                regrets[c].push(r);
                max_regret[c] = max_regret[c].max(r);
                if r == 0.0 {
                    wins[c] += 1;
                }
            }
        }
    }
    let regret: Vec<Stats> = regret.iter().map(Column::stats).collect();
    // Minimax regret (Savage 1951); ties go to the lower mean regret.
    let robust = (0..m)
        .min_by(|&x, &y| {
            max_regret[x]
                .total_cmp(&max_regret[y])
                .then(regret[x].mean.total_cmp(&regret[y].mean))
        })
        .unwrap_or(0);
    let best_mean = (0..m)
        .min_by(|&x, &y| regret[x].mean.total_cmp(&regret[y].mean))
        .unwrap_or(0);
    let policies = (0..m)
        .map(|c| {
            regrets[c].sort_by(f64::total_cmp);
            PolicyResult {
                policy: labels[c].clone(),
                objective: scored[c].stats(),
                regret: regret[c].clone(),
                max_regret: max_regret[c],
                best_share: wins[c] as f64 / runs as f64,
                outputs: outputs
                    .iter()
                    .zip(&per_output[c])
                    .map(|(n, col)| NamedStats {
                        name: n.clone(),
                        stats: col.stats(),
                    })
                    .collect(),
                regret_90: exact_quantile(&regrets[c], 0.9),
                wins: wins[c],
            }
        })
        .collect();
    Comparison {
        scenario: run.scenario,
        model: run.model,
        runs,
        seed: run.seed,
        objective: run.objective,
        maximize: objective.maximize,
        policies,
        most_robust: Choice {
            policy: labels[robust].clone(),
            criterion: "minimax regret".to_string(),
        },
        lowest_mean_regret: labels[best_mean].clone(),
        robust,
        best_mean,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn regret_by_hand() {
        // Three futures, two policies, one output (less is better); policy b has no value in
        // the last future, scored as 10.
        let all = vec![
            vec![vec![1.0], vec![3.0]],
            vec![vec![5.0], vec![2.0]],
            vec![vec![4.0], vec![f64::NAN]],
        ];
        let labels = ["none".to_string(), "b".to_string()];
        let c = compare(
            &all,
            &labels,
            &["y".to_string()],
            Objective {
                output: 0,
                maximize: false,
                fallback: Some(10.0),
            },
            CompareRun {
                scenario: "s.toml".into(),
                model: "m".into(),
                seed: 1,
                objective: "y".into(),
            },
        );
        let (a, b) = (&c.policies[0], &c.policies[1]);
        assert_eq!((a.max_regret, b.max_regret), (3.0, 6.0));
        assert!((a.regret.mean - 1.0).abs() < 1e-12 && (b.regret.mean - 8.0 / 3.0).abs() < 1e-12);
        assert_eq!((a.wins, b.wins), (2, 1));
        assert_eq!(a.best_share, 2.0 / 3.0);
        assert!((b.objective.mean - 5.0).abs() < 1e-12);
        assert_eq!(b.outputs[0].stats.missing, 1);
        assert_eq!((c.robust, c.best_mean), (0, 0));
        assert_eq!(c.most_robust.policy, "none");
        let json = serde_json::to_value(&c).unwrap();
        assert_eq!(json["most_robust"]["criterion"], "minimax regret");
        assert!(json["policies"][0].get("wins").is_none());
        assert!(json.get("robust").is_none());
    }
}
