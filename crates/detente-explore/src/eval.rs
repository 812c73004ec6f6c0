//! Evaluation at given inputs: the rows of `explore` for input values someone else chose.
//!
//! [`evaluate`] takes a scenario, a model and input rows as named columns of numbers, the
//! names those `explore` gives its input columns (`russia.cost`, `war.discount`, ...), plus
//! optional per-row run indices, model seeds and policies. It checks every row first and
//! answers every problem at once as data ([`EvalError`]: the row, the column, what is wrong and
//! what to do); otherwise it gives one row per input row, in row order, with `explore`'s
//! columns: the inputs, then the model's outputs, named and ordered as in an `explore` file of
//! the same scenario (and policy).
//!
//! # Seeds
//!
//! Row `i`'s run index is its `run` value if the rows carry one, else `i` (counted from 0).
//! The model's own randomness in a row is seeded with the row's `seed` when it has one, else
//! with [`run_seed`]`(seed, run)`: exactly what `explore --seed seed` uses for that run. So
//! evaluating the input columns of an `explore` file (with its `run` column, or all of its rows
//! in order) with the `explore`'s seed gives that file's output columns bit for bit.
//!
//! # Policies
//!
//! Each row is evaluated on the scenario as its policy makes it (no policy: the scenario as
//! written). A policy may fix a number the scenario leaves uncertain (a shock at round 0) or
//! add one (a later shock whose value is a distribution), so policies can differ in their
//! input columns. With one policy for every row, the columns are those of `explore --policy`;
//! with several, the input columns of every policy used (no policy first, then in the order
//! the scenario defines them, each column at its first appearance), and likewise the output
//! columns. A row's value in a column its policy does not sample is ignored, unchecked, and
//! its result there is NaN ("no value"), as are outputs its policy's scenario does not record.
//! The scenario's own input columns are always accepted: under a policy that fixes one, its
//! column is ignored (and, if no row's policy samples it, left out of the answer).
//!
//! # Support
//!
//! A value must be a number (not NaN, not infinite), within the range its field allows
//! (a salience within 0..1, a capability above 0, exactly as the validator checks) and within
//! its distribution's support (a uniform's or a triangular's or a beta's bounds, above 0 for a
//! lognormal; a normal's is the field's range), where the distribution's bounds are widened by
//! a relative `1e-12` for the rounding of the quantile functions `explore` samples through.
//!
//! # Work and memory
//!
//! Rows are computed in parallel on the current rayon pool (`pool.install(|| evaluate(..))`
//! chooses one), each from its own values and seed alone, and kept in row order: the answer
//! does not depend on the thread count. Memory is the input's plus the output's. A
//! [`Cancel`](detente_core::cancel::Cancel) token entered on the calling thread is entered on
//! every worker; once stopped, the evaluation ends with [`Problem::Stopped`].

use std::fmt;

use detente_core::cancel::{self, Cancel};
use detente_core::diag::{did_you_mean, list};
use detente_core::model::{Model, ModelError};
use detente_core::slots::Uncertain;
use detente_core::{Dist, Scenario};
use rayon::prelude::*;

use crate::explore::Plan;
use crate::sample::{Design, run_seed};

/// The name of the optional column of run indices.
pub const RUN_COLUMN: &str = "run";
/// The name of the optional column of model seeds.
pub const SEED_COLUMN: &str = "seed";
/// The name of the optional column of policies.
pub const POLICY_COLUMN: &str = "policy";

/// Relative widening of a distribution's bounds (see the module's "Support").
const SUPPORT_TOLERANCE: f64 = 1e-12;

/// Input rows, column by column.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Inputs {
    /// The value columns' names: input columns as `explore` names them.
    pub columns: Vec<String>,
    /// One vector per column of `columns`, one value per row; NaN is an empty cell.
    pub values: Vec<Vec<f64>>,
    /// Each row's run index, if the rows carry them (increasing); else row `i` is run `i`.
    pub runs: Option<Vec<u64>>,
    /// Each row's model seed, `None` where the row has none (see the module's "Seeds").
    pub seeds: Option<Vec<Option<u64>>>,
    /// Each row's policy, `None` where the row has none (also an empty name, or `none` when
    /// the scenario defines no policy of that name).
    pub policies: Option<Vec<Option<String>>>,
}

impl Inputs {
    /// The number of rows: the length of the first column given (values, runs, seeds or
    /// policies), 0 if none is.
    pub fn rows(&self) -> usize {
        self.values
            .first()
            .map(Vec::len)
            .or_else(|| self.runs.as_ref().map(Vec::len))
            .or_else(|| self.seeds.as_ref().map(Vec::len))
            .or_else(|| self.policies.as_ref().map(Vec::len))
            .unwrap_or(0)
    }
}

/// The evaluated rows: `explore`'s columns, one row per input row, in row order.
#[derive(Debug, Clone, PartialEq)]
pub struct Evaluated {
    /// The column names: inputs, then outputs (without `run`).
    pub columns: Vec<String>,
    /// Whether each column is a yes/no event (1 or 0), for a file to store as a boolean.
    pub flags: Vec<bool>,
    /// How many of `columns` are inputs; the rest are outputs.
    pub inputs: usize,
    /// Each row's run index.
    pub runs: Vec<u64>,
    /// Each row's model seed.
    pub seeds: Vec<u64>,
    /// The values, row by row (`columns.len()` per row); NaN is "no value".
    pub values: Vec<f64>,
}

impl Evaluated {
    /// The number of rows.
    pub fn len(&self) -> usize {
        self.runs.len()
    }

    /// Whether there are no rows.
    pub fn is_empty(&self) -> bool {
        self.runs.is_empty()
    }

    /// Row `i`'s values, one per column.
    pub fn row(&self, i: usize) -> &[f64] {
        let w = self.columns.len();
        &self.values[i * w..(i + 1) * w]
    }

    /// The values of column `j`, one per row.
    pub fn column(&self, j: usize) -> impl Iterator<Item = f64> + '_ {
        let w = self.columns.len();
        self.values.iter().skip(j).step_by(w.max(1)).copied()
    }
}

/// One problem with the input rows, or a row the model refused.
#[derive(Debug, Clone, PartialEq)]
pub struct EvalError {
    /// The row, from 0; `None` for a problem of a whole column (unknown, missing, repeated).
    pub row: Option<usize>,
    /// The column, where the problem is in one.
    pub column: Option<String>,
    /// What is wrong.
    pub problem: Problem,
}

/// What is wrong with input rows.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum Problem {
    /// A column that is no input of the scenario under any policy of the rows.
    UnknownColumn {
        /// The nearest input column's name, if one is near.
        suggestion: Option<String>,
        /// The input columns expected.
        expected: Vec<String>,
    },
    /// Columns that are the model's outputs, not inputs (an `explore` file given whole).
    OutputColumns {
        /// The output columns given, in the rows' order.
        columns: Vec<String>,
        /// The input columns expected.
        expected: Vec<String>,
    },
    /// An input the rows' scenario samples but no column gives.
    MissingColumn {
        /// The policy whose scenario samples it, if it is not the scenario's own.
        policy: Option<String>,
    },
    /// A column name given twice.
    DuplicateColumn,
    /// A column whose length is not the number of rows.
    Length {
        /// The number of rows (the first column's length).
        rows: usize,
        /// The column's length.
        got: usize,
    },
    /// An empty cell (NaN) where the row's scenario needs a number.
    NoValue,
    /// A value outside what the input may take.
    OutOfSupport {
        /// The value.
        value: f64,
        /// The lowest value allowed.
        lo: f64,
        /// The highest value allowed.
        hi: f64,
        /// Whether `lo` itself is excluded.
        lo_open: bool,
        /// The distribution the scenario gives the input.
        dist: Dist,
    },
    /// A policy the scenario does not define (reported at its first row).
    UnknownPolicy {
        /// The name given.
        name: String,
        /// The scenario's policies.
        known: Vec<String>,
        /// How many rows name it.
        rows: usize,
    },
    /// A seed that is not a whole number from 0 to 2^64 - 1 (as text, or a number).
    BadSeed {
        /// The cell as given.
        text: String,
    },
    /// A run index that is not a whole number from 0, or not above the row before's.
    BadRun {
        /// The cell as given.
        text: String,
        /// The row before's run index, when the problem is the order.
        after: Option<u64>,
    },
    /// The model refused the row's scenario.
    Model(ModelError),
    /// The evaluation was stopped through its [`Cancel`] token.
    Stopped(cancel::Stop),
}

impl EvalError {
    /// A problem in `row` and `column`.
    pub fn at(row: usize, column: &str, problem: Problem) -> EvalError {
        EvalError {
            row: Some(row),
            column: Some(column.to_string()),
            problem,
        }
    }

    /// A problem of a whole column.
    pub fn column(column: &str, problem: Problem) -> EvalError {
        EvalError {
            row: None,
            column: Some(column.to_string()),
            problem,
        }
    }

    /// What to do about it.
    pub fn help(&self) -> String {
        let col = self.column.as_deref().unwrap_or_default();
        match &self.problem {
            Problem::OutputColumns { expected, .. } => format!(
                "keep only the input columns ({}) and the optional `run`, `seed` and `policy`; \
                 the outputs are computed anew",
                list(&strs(expected))
            ),
            Problem::UnknownColumn {
                suggestion,
                expected,
            } => match suggestion {
                Some(s) => format!(
                    "did you mean `{s}`? the input columns are {}; other columns may be `run`, \
                     `seed` and `policy`",
                    list(&strs(expected))
                ),
                None if expected.is_empty() => "the scenario has no uncertain number; give only \
                     `run`, `seed` and `policy` columns"
                    .to_string(),
                None => format!(
                    "the input columns are {}; other columns may be `run`, `seed` and `policy`",
                    list(&strs(expected))
                ),
            },
            Problem::MissingColumn { .. } => format!(
                "add a column `{col}` with a value for every row (`detente explore` writes one \
                 per number the scenario gives as a distribution)"
            ),
            Problem::DuplicateColumn => "give each column once".to_string(),
            Problem::Length { rows, .. } => format!("give every column {rows} value(s)"),
            Problem::NoValue => format!("give `{col}` a number in this row"),
            Problem::OutOfSupport { dist, .. } => format!(
                "the scenario gives `{col}` as {dist}; give a value that distribution and the \
                 field allow"
            ),
            Problem::UnknownPolicy { name, known, .. } => {
                let known = strs(known);
                format!(
                    "{} leave the cell empty for the scenario without a policy",
                    did_you_mean(name, &known, "policy")
                )
            }
            Problem::BadSeed { .. } => "a seed is a whole number from 0 to \
                 18446744073709551615, or an empty cell for the seed `explore` would use"
                .to_string(),
            Problem::BadRun { after: Some(_), .. } => {
                "give the rows in increasing run order, each run once".to_string()
            }
            Problem::BadRun { .. } => {
                "a run is a whole number from 0; leave the column out to number the rows 0, 1, 2, ..."
                    .to_string()
            }
            Problem::Model(e) => e.help.clone().unwrap_or_default(),
            Problem::Stopped(_) => String::new(),
        }
    }
}

impl fmt::Display for EvalError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let col = self.column.as_deref().unwrap_or_default();
        match &self.problem {
            Problem::OutputColumns { columns, .. } => write!(
                f,
                "{} of the model's outputs given as input columns: {}",
                columns.len(),
                list(&strs(columns))
            ),
            Problem::UnknownColumn { .. } => write!(f, "unknown column `{col}`"),
            Problem::MissingColumn { policy: None } => {
                write!(f, "no column `{col}`: the scenario samples it")
            }
            Problem::MissingColumn { policy: Some(p) } => write!(
                f,
                "no column `{col}`: the scenario under policy `{p}` samples it"
            ),
            Problem::DuplicateColumn => write!(f, "column `{col}` appears twice"),
            Problem::Length { rows, got } => {
                write!(f, "column `{col}` has {got} value(s) for {rows} row(s)")
            }
            Problem::NoValue => write!(f, "`{col}` has no value"),
            Problem::OutOfSupport {
                value,
                lo,
                hi,
                lo_open,
                ..
            } => write!(
                f,
                "`{col}` = {value} is outside {}{}..{}{}",
                if *lo_open { "(" } else { "" },
                lo,
                hi,
                if *lo_open {
                    ", lower end excluded)"
                } else {
                    ""
                },
            ),
            Problem::UnknownPolicy { name, rows, .. } => {
                write!(f, "unknown policy `{name}`")?;
                if *rows > 1 {
                    write!(f, " (in {rows} rows, this is the first)")?;
                }
                Ok(())
            }
            Problem::BadSeed { text } => write!(f, "seed `{text}` is not a non-negative integer"),
            Problem::BadRun {
                text,
                after: Some(a),
            } => write!(f, "run {text} comes after run {a}"),
            Problem::BadRun { text, after: None } => {
                write!(f, "run `{text}` is not a non-negative integer")
            }
            Problem::Model(e) => write!(f, "the model refused this row: {}", e.message),
            Problem::Stopped(s) => write!(f, "{s}"),
        }
    }
}

impl std::error::Error for EvalError {}

fn strs(v: &[String]) -> Vec<&str> {
    v.iter().map(String::as_str).collect()
}

/// A seed cell read as text: empty is no seed; otherwise a whole number from 0 to 2^64 - 1,
/// also written as a float with no fraction (`7.0`, `1e3`) as spreadsheets and pandas do, up
/// to 2^53 where floats are exact.
pub fn seed_from_text(text: &str) -> Result<Option<u64>, Problem> {
    let t = text.trim();
    if t.is_empty() {
        return Ok(None);
    }
    if let Ok(s) = t.parse::<u64>() {
        return Ok(Some(s));
    }
    match t.parse::<f64>() {
        Ok(x) if !x.is_nan() => seed_from_f64(x).map_err(|_| Problem::BadSeed { text: t.into() }),
        _ => Err(Problem::BadSeed { text: t.into() }),
    }
}

/// A seed cell read as a number: NaN is no seed; otherwise a whole number from 0 to 2^53,
/// where every whole number is exact in a float.
pub fn seed_from_f64(x: f64) -> Result<Option<u64>, Problem> {
    if x.is_nan() {
        return Ok(None);
    }
    whole(x).map(Some).ok_or_else(|| Problem::BadSeed {
        text: x.to_string(),
    })
}

/// A run cell read as text: a whole number from 0 (or a float with no fraction up to 2^53).
pub fn run_from_text(text: &str) -> Result<u64, Problem> {
    let t = text.trim();
    t.parse::<u64>()
        .ok()
        .or_else(|| t.parse::<f64>().ok().and_then(whole))
        .ok_or_else(|| Problem::BadRun {
            text: t.into(),
            after: None,
        })
}

/// A run cell read as a number.
pub fn run_from_f64(x: f64) -> Result<u64, Problem> {
    whole(x).ok_or_else(|| Problem::BadRun {
        text: x.to_string(),
        after: None,
    })
}

/// `x` as a whole number from 0 to 2^53.
fn whole(x: f64) -> Option<u64> {
    const EXACT: f64 = 9_007_199_254_740_992.0; // 2^53
    ((0.0..=EXACT).contains(&x) && x.fract() == 0.0).then_some(x as u64)
}

/// The columns of an `explore` of a scenario under a policy: what evaluation gives for rows
/// of that policy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Columns {
    /// The input columns, the names the rows must give.
    pub inputs: Vec<String>,
    /// The model's output columns.
    pub outputs: Vec<String>,
    /// Whether each column (inputs, then outputs) is a yes/no event.
    pub flags: Vec<bool>,
}

/// The [`Columns`] of `model` on `base` under `policy` (`None`: the scenario as written).
pub fn columns(
    base: &Scenario,
    model: &dyn Model,
    policy: Option<&str>,
) -> Result<Columns, detente_core::UnknownPolicy> {
    let sc = base.apply_policy(policy)?.into_owned();
    let plan = Plan::new(sc, model, Design::MonteCarlo, 0, 1);
    Ok(Columns {
        inputs: plan.inputs().iter().map(|u| u.name.clone()).collect(),
        outputs: plan.outputs.clone(),
        flags: plan.flags(),
    })
}

/// One policy's plan and where its columns go among the answer's.
struct Group<'a> {
    plan: Plan<'a>,
    /// For each of the plan's inputs, the input column holding it.
    source: Vec<usize>,
    /// For each of the plan's columns (inputs then outputs), its index in the answer.
    target: Vec<usize>,
}

/// Evaluates `model` on `base` at every row of `inputs` (see the module documentation):
/// `seed` is the master seed of `explore --seed`, from which a row without its own seed gets
/// the seed of its run. Every problem with the rows is answered at once, in row order after
/// the problems of whole columns; a row the model refuses is answered likewise.
pub fn evaluate(
    base: &Scenario,
    model: &dyn Model,
    inputs: &Inputs,
    seed: u64,
) -> Result<Evaluated, Vec<EvalError>> {
    let n = inputs.rows();
    let mut errors = Vec::new();

    // Shapes: every column as long as the first, each named once, none of the reserved names.
    let mut lengths: Vec<(&str, usize)> = inputs
        .columns
        .iter()
        .map(String::as_str)
        .zip(inputs.values.iter().map(Vec::len))
        .collect();
    if inputs.values.len() != inputs.columns.len() {
        lengths.push(("(values)", inputs.values.len()));
    }
    lengths.extend(inputs.runs.as_ref().map(|v| (RUN_COLUMN, v.len())));
    lengths.extend(inputs.seeds.as_ref().map(|v| (SEED_COLUMN, v.len())));
    lengths.extend(inputs.policies.as_ref().map(|v| (POLICY_COLUMN, v.len())));
    for (name, got) in lengths {
        if got != n && name != "(values)" {
            errors.push(EvalError::column(name, Problem::Length { rows: n, got }));
        }
    }
    if inputs.values.len() != inputs.columns.len() {
        errors.push(EvalError {
            row: None,
            column: None,
            problem: Problem::Length {
                rows: inputs.columns.len(),
                got: inputs.values.len(),
            },
        });
    }
    for (i, c) in inputs.columns.iter().enumerate() {
        if inputs.columns[..i].contains(c) {
            errors.push(EvalError::column(c, Problem::DuplicateColumn));
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }

    // Policies: each row's group, the groups in the scenario's order (none first).
    let known: Vec<String> = base.policies.iter().map(|p| p.id.clone()).collect();
    let policy_of = |i: usize| -> Option<&str> {
        let p = inputs.policies.as_ref()?[i].as_deref()?;
        let p = p.trim();
        let no_policy = p.is_empty() || (p == "none" && !known.iter().any(|k| k == "none"));
        (!no_policy).then_some(p)
    };
    // Index 0 is "no policy", k + 1 the scenario's k-th policy.
    let mut used = vec![false; known.len() + 1];
    let mut group_of_row = vec![0usize; n];
    let mut unknown: Vec<(String, usize, usize)> = Vec::new(); // name, first row, rows
    for (i, g) in group_of_row.iter_mut().enumerate() {
        match policy_of(i) {
            None => used[0] = true,
            Some(p) => match known.iter().position(|k| k == p) {
                Some(k) => {
                    used[k + 1] = true;
                    *g = k + 1;
                }
                None => {
                    *g = usize::MAX;
                    match unknown.iter_mut().find(|u| u.0 == p) {
                        Some(u) => u.2 += 1,
                        None => unknown.push((p.to_string(), i, 1)),
                    }
                }
            },
        }
    }
    for (name, row, rows) in unknown {
        errors.push(EvalError::at(
            row,
            POLICY_COLUMN,
            Problem::UnknownPolicy {
                name,
                known: known.clone(),
                rows,
            },
        ));
    }
    if n == 0 {
        used[0] = true;
    }

    // One plan per policy used, and the answer's columns: each group's in turn, first seen
    // first.
    let mut plans: Vec<(usize, Plan)> = Vec::new();
    for (k, _) in used.iter().enumerate().filter(|(_, u)| **u) {
        let sc = match k {
            0 => base.clone(),
            k => match base.with_policy(&known[k - 1]) {
                Some(sc) => sc,
                None => continue,
            },
        };
        plans.push((k, Plan::new(sc, model, Design::MonteCarlo, seed, 1)));
    }
    let mut in_cols: Vec<String> = Vec::new();
    let mut in_flags: Vec<bool> = Vec::new();
    let mut out_cols: Vec<String> = Vec::new();
    let mut out_flags: Vec<bool> = Vec::new();
    for (_, plan) in &plans {
        let flags = plan.flags();
        let ni = plan.inputs().len();
        for (u, f) in plan.inputs().iter().zip(&flags) {
            if !in_cols.contains(&u.name) {
                in_cols.push(u.name.clone());
                in_flags.push(*f);
            }
        }
        for (o, f) in plan.outputs.iter().zip(&flags[ni..]) {
            if !out_cols.contains(o) {
                out_cols.push(o.clone());
                out_flags.push(*f);
            }
        }
    }

    // Columns: every given one is an input of some policy used; every input of each policy
    // used is given.
    // The scenario's own inputs are accepted too: a policy that fixes one ignores its column.
    let mut accepted = in_cols.clone();
    for u in base.uncertain_slots() {
        if !accepted.contains(&u.name) {
            accepted.push(u.name);
        }
    }
    let before = errors.len();
    let mut outputs_given = Vec::new();
    for c in &inputs.columns {
        if accepted.contains(c) {
            continue;
        }
        if out_cols.contains(c) {
            outputs_given.push(c.clone());
        } else {
            errors.push(EvalError::column(
                c,
                Problem::UnknownColumn {
                    suggestion: detente_core::diag::suggest(c, accepted.iter().map(String::as_str))
                        .map(str::to_string),
                    expected: accepted.clone(),
                },
            ));
        }
    }
    if !outputs_given.is_empty() {
        errors.push(EvalError {
            row: None,
            column: None,
            problem: Problem::OutputColumns {
                columns: outputs_given,
                expected: in_cols.clone(),
            },
        });
    }
    let mut groups: Vec<Option<Group>> = (0..=known.len()).map(|_| None).collect();
    for (k, plan) in plans {
        let mut source = Vec::with_capacity(plan.inputs().len());
        for u in plan.inputs() {
            match inputs.columns.iter().position(|c| *c == u.name) {
                Some(j) => source.push(j),
                None => {
                    if !errors.iter().any(|e| {
                        e.column.as_deref() == Some(&u.name)
                            && matches!(e.problem, Problem::MissingColumn { .. })
                    }) {
                        errors.push(EvalError::column(
                            &u.name,
                            Problem::MissingColumn {
                                policy: (k > 0).then(|| known[k - 1].clone()),
                            },
                        ));
                    }
                    source.push(usize::MAX);
                }
            }
        }
        let target = plan
            .inputs()
            .iter()
            .map(|u| in_cols.iter().position(|c| *c == u.name).unwrap_or(0))
            .chain(
                plan.outputs
                    .iter()
                    .map(|o| in_cols.len() + out_cols.iter().position(|c| c == o).unwrap_or(0)),
            )
            .collect();
        groups[k] = Some(Group {
            plan,
            source,
            target,
        });
    }
    if errors.len() > before {
        // Without the columns, the rows cannot be read; the policies' problems stay.
        return Err(errors);
    }

    // Runs: whole, increasing.
    let runs: Vec<u64> = match &inputs.runs {
        Some(r) => {
            for i in 1..n {
                if r[i] <= r[i - 1] {
                    errors.push(EvalError::at(
                        i,
                        RUN_COLUMN,
                        Problem::BadRun {
                            text: r[i].to_string(),
                            after: Some(r[i - 1]),
                        },
                    ));
                }
            }
            r.clone()
        }
        None => (0..n as u64).collect(),
    };

    // Values: in each row, every input of its policy a number its slot allows.
    for (i, &g) in group_of_row.iter().enumerate() {
        // A row naming an unknown policy is reported once, for its policy.
        let Some(Some(group)) = groups.get(g) else {
            continue;
        };
        for (u, &j) in group.plan.inputs().iter().zip(&group.source) {
            let x = inputs.values[j][i];
            if let Some(problem) = out_of_support(u, x) {
                errors.push(EvalError::at(i, &u.name, problem));
            }
        }
    }
    if !errors.is_empty() {
        errors.sort_by_key(|e| e.row);
        return Err(errors);
    }
    // Rows naming an unknown policy were all reported; none is left here.
    let seeds: Vec<u64> = (0..n)
        .map(|i| {
            inputs
                .seeds
                .as_ref()
                .and_then(|s| s[i])
                .unwrap_or_else(|| run_seed(seed, runs[i]))
        })
        .collect();

    let width = in_cols.len() + out_cols.len();
    let token = cancel::current();
    // Each row is written in place into its slice of the answer; only failures are collected.
    let mut values = vec![f64::NAN; n * width];
    let failures: Vec<EvalError> = values
        .par_chunks_mut(width.max(1))
        .enumerate()
        .map_init(
            || {
                let entered = token.as_ref().map(Cancel::enter);
                let scratch: Vec<Option<Scenario>> = (0..groups.len()).map(|_| None).collect();
                (entered, scratch, Vec::<f64>::with_capacity(width))
            },
            |(_, scratch, row), (i, out)| {
                if let Err(s) = cancel::check() {
                    return Some(EvalError {
                        row: Some(i),
                        column: None,
                        problem: Problem::Stopped(s),
                    });
                }
                let g = group_of_row[i];
                let group = groups[g].as_ref().expect("every row's group has a plan");
                row.clear();
                row.extend(group.source.iter().map(|&j| inputs.values[j][i]));
                if let Err(e) = group.plan.outputs_in(&mut scratch[g], row, seeds[i]) {
                    return Some(EvalError {
                        row: Some(i),
                        column: None,
                        problem: Problem::Model(e),
                    });
                }
                for (v, &t) in row.iter().zip(&group.target) {
                    out[t] = *v;
                }
                None
            },
        )
        .flatten()
        .collect();
    let mut stopped = None;
    for e in failures {
        if matches!(e.problem, Problem::Stopped(_)) {
            stopped.get_or_insert(e);
        } else {
            errors.push(e);
        }
    }
    if let Some(s) = stopped {
        return Err(vec![s]);
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    let inputs_len = in_cols.len();
    let mut columns = in_cols;
    columns.extend(out_cols);
    let mut flags = in_flags;
    flags.extend(out_flags);
    Ok(Evaluated {
        columns,
        flags,
        inputs: inputs_len,
        runs,
        seeds,
        values,
    })
}

/// Why `x` cannot be the value of `u`, if it cannot.
fn out_of_support(u: &Uncertain, x: f64) -> Option<Problem> {
    if x.is_nan() {
        return Some(Problem::NoValue);
    }
    // The field's range is exact; the distribution's bounds are widened for rounding.
    let (mut lo, mut lo_open, mut hi) = (u.lo, u.lo_open, u.hi);
    let (mut check_lo, mut check_hi) = (lo, hi);
    match u.dist {
        Dist::Normal { .. } => {}
        Dist::Uniform { lo: a, hi: b }
        | Dist::Triangular { lo: a, hi: b, .. }
        | Dist::Beta { lo: a, hi: b, .. } => {
            let slack = SUPPORT_TOLERANCE * a.abs().max(b.abs()).max(b - a);
            if a > lo {
                (lo, lo_open, check_lo) = (a, false, a - slack);
            }
            if b < hi {
                (hi, check_hi) = (b, b + slack);
            }
        }
        Dist::LogNormal { .. } => {
            if lo <= 0.0 {
                (lo, lo_open, check_lo) = (0.0, true, 0.0);
            }
        }
    }
    let below = if lo_open { x <= check_lo } else { x < check_lo };
    if !x.is_finite() || below || x > check_hi || x < u.lo || x > u.hi || (u.lo_open && x <= u.lo) {
        return Some(Problem::OutOfSupport {
            value: x,
            lo,
            hi,
            lo_open,
            dist: u.dist,
        });
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use detente_core::model::by_name;
    use detente_core::parse_toml;

    fn scenario(name: &str) -> Scenario {
        let p = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../scenarios")
            .join(name);
        parse_toml(&std::fs::read_to_string(p).unwrap()).unwrap()
    }

    fn bits(v: &[f64]) -> Vec<u64> {
        v.iter().map(|x| x.to_bits()).collect()
    }

    /// The input columns of `rows` of `plan`, as `Inputs`.
    fn inputs_of(plan: &Plan, rows: &[Vec<f64>]) -> Inputs {
        let n = plan.inputs().len();
        Inputs {
            columns: plan.inputs().iter().map(|u| u.name.clone()).collect(),
            values: (0..n)
                .map(|j| rows.iter().map(|r| r[j]).collect())
                .collect(),
            ..Inputs::default()
        }
    }

    fn with_threads<T: Send>(threads: usize, f: impl FnOnce() -> T + Send) -> T {
        rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap()
            .install(f)
    }

    #[test]
    fn evaluating_an_explores_inputs_gives_its_rows_bit_for_bit() {
        let sc = scenario("ukraine-ceasefire-2026.toml");
        let m = by_name("war").unwrap();
        for design in [Design::MonteCarlo, Design::LatinHypercube] {
            let plan = Plan::new(sc.clone(), m, design, 11, 60);
            let rows = plan.rows(0..60).unwrap();
            let inputs = inputs_of(&plan, &rows);
            let got = with_threads(2, || evaluate(&sc, m, &inputs, 11)).unwrap();
            assert_eq!(got.columns, plan.columns());
            assert_eq!(got.flags, plan.flags());
            assert_eq!(got.inputs, plan.inputs().len());
            assert_eq!(got.runs, (0..60).collect::<Vec<u64>>());
            let want: Vec<f64> = rows.concat();
            assert_eq!(bits(&got.values), bits(&want));
            // Another seed gives other outputs: the test can tell.
            let other = evaluate(&sc, m, &inputs, 12).unwrap();
            assert_ne!(bits(&other.values), bits(&want));
            // A slice with its run indices gives the same rows as the whole.
            let mut slice = inputs_of(&plan, &rows[20..30]);
            slice.runs = Some((20..30).collect());
            let part = evaluate(&sc, m, &slice, 11).unwrap();
            assert_eq!(bits(&part.values), bits(&rows[20..30].concat()));
            assert_eq!(part.runs, (20..30).collect::<Vec<u64>>());
        }
    }

    #[test]
    fn rows_do_not_depend_on_the_thread_count() {
        let sc = scenario("ukraine-ceasefire-2026.toml");
        let m = by_name("war").unwrap();
        let plan = Plan::new(sc.clone(), m, Design::LatinHypercube, 5, 200);
        let mut inputs = inputs_of(&plan, &plan.rows(0..200).unwrap());
        inputs.seeds = Some((0..200).map(|i| (i % 3 == 0).then_some(i)).collect());
        let policies: Vec<Option<String>> = (0..200)
            .map(|i| match i % 4 {
                0 => None,
                1 => Some("coalition_guarantee".into()),
                2 => Some("us_walks_away".into()),
                _ => Some(String::new()),
            })
            .collect();
        inputs.policies = Some(policies);
        let one = with_threads(1, || evaluate(&sc, m, &inputs, 5)).unwrap();
        let two = with_threads(2, || evaluate(&sc, m, &inputs, 5)).unwrap();
        assert_eq!(one.columns, two.columns);
        assert_eq!(bits(&one.values), bits(&two.values));
        assert_eq!(one.seeds[3], 3);
        assert_eq!(one.seeds[1], run_seed(5, 1));
        // Each row is its own policy's, as that policy's plan computes it with the row's seed.
        let ni = plan.inputs().len();
        for i in 0..8 {
            let policy = inputs.policies.as_ref().unwrap()[i]
                .as_deref()
                .filter(|p| !p.is_empty());
            let sc_p = sc.apply_policy(policy).unwrap().into_owned();
            let plan_p = Plan::new(sc_p, m, Design::LatinHypercube, 5, 200);
            assert_eq!(
                plan_p.columns(),
                one.columns,
                "these policies sample the same"
            );
            let mut row = one.row(i)[..ni].to_vec();
            plan_p
                .outputs_in(&mut None, &mut row, one.seeds[i])
                .unwrap();
            assert_eq!(bits(one.row(i)), bits(&row), "row {i}");
        }
    }

    #[test]
    fn a_row_is_evaluated_under_its_own_policy_and_seed() {
        let sc = scenario("ukraine-ceasefire-2026.toml");
        let m = by_name("war").unwrap();
        let policy = "us_walks_away";
        let under = sc.with_policy(policy).unwrap();
        let plan = Plan::new(under.clone(), m, Design::MonteCarlo, 3, 8);
        let rows = plan.rows(0..8).unwrap();
        let mut inputs = inputs_of(&plan, &rows);
        inputs.policies = Some(vec![Some(policy.to_string()); 8]);
        let got = evaluate(&sc, m, &inputs, 3).unwrap();
        // Every row as `explore --policy` computes it.
        assert_eq!(got.columns, plan.columns());
        assert_eq!(bits(&got.values), bits(&rows.concat()));
        // Without the policy the outputs differ: the policy is applied.
        inputs.policies = None;
        let without = evaluate(&sc, m, &inputs, 3).unwrap();
        assert_ne!(bits(&without.values), bits(&got.values));
        // A seed of its own: the model's randomness of that seed.
        inputs.policies = Some(vec![Some(policy.to_string()); 8]);
        inputs.seeds = Some(vec![Some(42); 8]);
        let seeded = evaluate(&sc, m, &inputs, 3).unwrap();
        let ni = plan.inputs().len();
        let mut row = rows[2][..ni].to_vec();
        plan.outputs_in(&mut None, &mut row, 42).unwrap();
        assert_eq!(bits(seeded.row(2)), bits(&row));
        assert_eq!(seeded.seeds, vec![42; 8]);
    }

    #[test]
    fn a_policy_that_fixes_an_input_ignores_its_column() {
        let sc = scenario("ukraine-ceasefire-2026.toml");
        let m = by_name("war").unwrap();
        // `no_death_zone` fixes `russia.cost_growth`, which the scenario samples.
        let policy = "no_death_zone";
        let fixed = sc.with_policy(policy).unwrap();
        let plan = Plan::new(fixed, m, Design::MonteCarlo, 4, 6);
        assert!(!plan.inputs().iter().any(|u| u.name == "russia.cost_growth"));
        let base = Plan::new(sc.clone(), m, Design::MonteCarlo, 4, 6);
        let mut inputs = inputs_of(&base, &base.rows(0..6).unwrap());
        inputs.policies = Some(vec![Some(policy.to_string()); 6]);
        // Its column is accepted, even out of its range, and left out of the answer.
        let g = inputs
            .columns
            .iter()
            .position(|c| c == "russia.cost_growth")
            .unwrap();
        inputs.values[g][1] = f64::NAN;
        let got = evaluate(&sc, m, &inputs, 4).unwrap();
        assert_eq!(got.columns, plan.columns());
        // Mixed with rows without a policy: the column is there, empty in the policy's rows.
        inputs.policies.as_mut().unwrap()[0] = None;
        let got = evaluate(&sc, m, &inputs, 4).unwrap();
        assert_eq!(got.columns, base.columns());
        assert!(!got.row(0)[g].is_nan());
        assert!(got.row(1)[g].is_nan() && got.row(2)[g].is_nan());
        // Outside any policy, a column that is no input is still unknown.
        inputs.columns[g] = "russia.cost_growht".into();
        let e = problems(evaluate(&sc, m, &inputs, 4));
        assert!(matches!(
            &e[0].problem,
            Problem::UnknownColumn { suggestion: Some(s), .. } if s == "russia.cost_growth"
        ));
    }

    fn problems(r: Result<Evaluated, Vec<EvalError>>) -> Vec<EvalError> {
        r.expect_err("problems")
    }

    /// The war scenario's inputs at their central values, `n` rows.
    fn central(sc: &Scenario, n: usize) -> Inputs {
        let slots = sc.uncertain_slots();
        Inputs {
            columns: slots.iter().map(|u| u.name.clone()).collect(),
            values: slots.iter().map(|u| vec![u.dist.central(); n]).collect(),
            ..Inputs::default()
        }
    }

    #[test]
    fn central_values_evaluate() {
        let sc = scenario("ukraine-ceasefire-2026.toml");
        let m = by_name("war").unwrap();
        let got = evaluate(&sc, m, &central(&sc, 3), 0).unwrap();
        assert_eq!(got.len(), 3);
        assert_eq!(got.values.len(), 3 * got.columns.len());
        assert_eq!(got.column(0).count(), 3);
    }

    #[test]
    fn unknown_and_missing_columns_are_named() {
        let sc = scenario("ukraine-ceasefire-2026.toml");
        let m = by_name("war").unwrap();
        let mut inputs = central(&sc, 2);
        let first = inputs.columns[0].clone();
        // A typo: unknown, with the nearest name, and the real one missing.
        inputs.columns[0] = format!("{first}x");
        inputs.columns.push("ceasefire".into());
        inputs.values.push(vec![1.0, 0.0]);
        let e = problems(evaluate(&sc, m, &inputs, 0));
        assert_eq!(e.len(), 3, "{e:?}");
        assert_eq!(e[0].column.as_deref(), Some(&*format!("{first}x")));
        assert!(matches!(
            &e[0].problem,
            Problem::UnknownColumn { suggestion: Some(s), .. } if *s == first
        ));
        assert!(e[0].help().contains(&format!("did you mean `{first}`")));
        assert!(matches!(
            &e[1].problem,
            Problem::OutputColumns { columns, .. } if *columns == ["ceasefire"]
        ));
        assert_eq!(
            e[1].to_string(),
            "1 of the model's outputs given as input columns: `ceasefire`"
        );
        assert_eq!(e[2].column.as_deref(), Some(&*first));
        assert_eq!(e[2].problem, Problem::MissingColumn { policy: None });
        assert_eq!(e[2].row, None);
        assert_eq!(
            e[2].to_string(),
            format!("no column `{first}`: the scenario samples it")
        );
    }

    #[test]
    fn values_outside_the_support_and_empty_cells_are_named_by_row() {
        let sc = scenario("ukraine-ceasefire-2026.toml");
        let m = by_name("war").unwrap();
        let slots = sc.uncertain_slots();
        let mut inputs = central(&sc, 4);
        let (lo, hi) = match slots[0].dist {
            Dist::Triangular { lo, hi, .. } | Dist::Uniform { lo, hi } => (lo, hi),
            d => panic!("{d:?}"),
        };
        inputs.values[0][1] = hi + 0.01 * (hi - lo);
        inputs.values[0][2] = f64::NAN;
        inputs.values[1][3] = f64::INFINITY;
        // The ends themselves are allowed.
        inputs.values[0][0] = lo;
        inputs.values[0][3] = hi;
        let e = problems(evaluate(&sc, m, &inputs, 0));
        assert_eq!(e.len(), 3, "{e:?}");
        assert_eq!(
            (e[0].row, e[0].column.as_deref()),
            (Some(1), Some(&*slots[0].name))
        );
        assert!(matches!(e[0].problem, Problem::OutOfSupport { .. }));
        assert!(e[0].to_string().contains("is outside"), "{}", e[0]);
        assert!(e[0].help().contains("triangular") || e[0].help().contains("uniform"));
        assert_eq!((e[1].row, &e[1].problem), (Some(2), &Problem::NoValue));
        assert_eq!(e[2].row, Some(3));
        assert!(matches!(e[2].problem, Problem::OutOfSupport { .. }));
    }

    #[test]
    fn a_probability_is_kept_within_0_and_1_and_a_normal_within_its_field() {
        // A normal salience: the distribution allows any number, the field 0..1.
        let text = std::fs::read_to_string(
            std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("../../scenarios/ec-car-emissions.toml"),
        )
        .unwrap();
        let mut sc = parse_toml(&text).unwrap();
        sc.actors[0].stances[0].as_mut().unwrap().salience =
            detente_core::Param::Dist(Dist::Normal { mean: 0.5, sd: 0.3 });
        sc.actors[1].capability = detente_core::Param::Dist(Dist::LogNormal {
            mu: 0.0,
            sigma: 1.0,
        });
        let slots = sc.uncertain_slots();
        assert_eq!(slots.len(), 2);
        let m = by_name("compromise").unwrap();
        let inputs = Inputs {
            columns: slots.iter().map(|u| u.name.clone()).collect(),
            values: vec![vec![0.0, 1.0, 1.2, -0.1], vec![0.5, 3.0, 1.0, 0.0]],
            ..Inputs::default()
        };
        let e = problems(evaluate(&sc, m, &inputs, 0));
        let at: Vec<(Option<usize>, &str)> = e
            .iter()
            .map(|e| (e.row, e.column.as_deref().unwrap()))
            .collect();
        assert_eq!(
            at,
            [
                (Some(2), &*slots[0].name),
                (Some(3), &*slots[0].name),
                (Some(3), &*slots[1].name)
            ]
        );
        assert!(matches!(
            e[0].problem,
            Problem::OutOfSupport {
                lo: 0.0,
                hi: 1.0,
                lo_open: false,
                ..
            }
        ));
        // A lognormal capability: above 0, the lower end excluded.
        assert!(matches!(
            e[2].problem,
            Problem::OutOfSupport {
                lo: 0.0,
                lo_open: true,
                ..
            }
        ));
        assert!(e[2].to_string().contains("lower end excluded"), "{}", e[2]);
    }

    #[test]
    fn unknown_policies_bad_lengths_and_repeated_columns() {
        let sc = scenario("ukraine-ceasefire-2026.toml");
        let m = by_name("war").unwrap();
        let mut inputs = central(&sc, 3);
        inputs.policies = Some(vec![
            Some("coalition_guarantee".into()),
            Some("coalition_guarantees".into()),
            Some("coalition_guarantees".into()),
        ]);
        // The other rows' values are still checked.
        inputs.values[0][0] = f64::NAN;
        let e = problems(evaluate(&sc, m, &inputs, 0));
        assert_eq!(e.len(), 2, "{e:?}");
        assert_eq!((e[0].row, &e[0].problem), (Some(0), &Problem::NoValue));
        let e = &e[1..];
        assert_eq!(
            (e[0].row, e[0].column.as_deref()),
            (Some(1), Some("policy"))
        );
        assert!(matches!(
            &e[0].problem,
            Problem::UnknownPolicy { rows: 2, .. }
        ));
        assert!(
            e[0].help().contains("did you mean `coalition_guarantee`?"),
            "{}",
            e[0].help()
        );

        let mut inputs = central(&sc, 3);
        inputs.values[1].pop();
        inputs.seeds = Some(vec![None; 2]);
        let e = problems(evaluate(&sc, m, &inputs, 0));
        assert_eq!(e.len(), 2, "{e:?}");
        assert!(matches!(e[0].problem, Problem::Length { rows: 3, got: 2 }));
        assert_eq!(e[1].column.as_deref(), Some("seed"));

        let mut inputs = central(&sc, 1);
        inputs.columns.push(inputs.columns[0].clone());
        inputs.values.push(vec![0.5]);
        let e = problems(evaluate(&sc, m, &inputs, 0));
        assert_eq!(e[0].problem, Problem::DuplicateColumn);
    }

    #[test]
    fn seeds_and_runs_are_whole_numbers() {
        assert_eq!(seed_from_text(""), Ok(None));
        assert_eq!(seed_from_text("18446744073709551615"), Ok(Some(u64::MAX)));
        assert_eq!(seed_from_text(" 7.0"), Ok(Some(7)));
        assert_eq!(seed_from_text("1e3"), Ok(Some(1000)));
        for bad in ["-1", "1.5", "x", "18446744073709551616", "1e300", "NaN"] {
            assert!(
                matches!(seed_from_text(bad), Err(Problem::BadSeed { .. })),
                "{bad}"
            );
        }
        assert_eq!(seed_from_f64(f64::NAN), Ok(None));
        assert!(seed_from_f64(-3.0).is_err());
        assert_eq!(run_from_text("12"), Ok(12));
        assert!(run_from_text("").is_err());
        assert!(run_from_f64(0.5).is_err());

        let sc = scenario("ukraine-ceasefire-2026.toml");
        let m = by_name("war").unwrap();
        let mut inputs = central(&sc, 3);
        inputs.runs = Some(vec![0, 5, 5]);
        let e = problems(evaluate(&sc, m, &inputs, 0));
        assert_eq!(e.len(), 1);
        assert_eq!(e[0].row, Some(2));
        assert_eq!(e[0].to_string(), "run 5 comes after run 5");
    }

    #[test]
    fn a_stopped_token_stops_the_evaluation() {
        let sc = scenario("ukraine-ceasefire-2026.toml");
        let m = by_name("war").unwrap();
        let token = Cancel::new();
        token.stop(cancel::Stop::Cancelled);
        let _in = token.enter();
        let e = problems(evaluate(&sc, m, &central(&sc, 50), 0));
        assert_eq!(e.len(), 1);
        assert!(matches!(
            e[0].problem,
            Problem::Stopped(cancel::Stop::Cancelled)
        ));
    }

    #[test]
    fn no_rows_give_the_columns_and_no_values() {
        let sc = scenario("ukraine-ceasefire-2026.toml");
        let m = by_name("war").unwrap();
        let got = evaluate(&sc, m, &central(&sc, 0), 0).unwrap();
        let c = columns(&sc, m, None).unwrap();
        assert_eq!(got.columns, [c.inputs, c.outputs].concat());
        assert_eq!(got.flags, c.flags);
        assert!(got.is_empty());
    }
}
