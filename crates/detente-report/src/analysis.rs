//! The numbers behind the report: options checked, models run, futures sampled, the tornado's
//! swings and PRIM's boxes. Sampling, summaries and PRIM are detente-explore's.

use detente_core::Scenario;
use detente_core::cancel::{self, Cancel};
use detente_core::diag::{list, suggest};
use detente_core::model::{self, Model, RunOptions};
use detente_core::output::{RunError, RunOutput};
use detente_explore::explore::{Plan, RunFailure, ceasefire_time_column};
use detente_explore::expr::{self, Expr};
use detente_explore::prim::{Discovery, Prim, PrimError, PrimOptions};
use detente_explore::sample::Design;
use rayon::prelude::*;

use crate::html::sig;
use crate::{MAX_RUNS, ReportError, ReportOptions};

/// Time units within which a ceasefire counts as early: the default event of discovery and the
/// tornado's output for the war model.
pub const EARLY: u32 = 12;
/// Model seeds each point of the war model's tornado averages over (at most).
pub const TORNADO_SEEDS: u64 = 1000;
/// The tornado swings each input between these quantiles.
pub const SWING: [f64; 2] = [0.05, 0.95];

/// "did you mean `x`? " when a name is close, then every valid name.
fn hint(word: &str, names: &[&str], what: &str) -> String {
    match suggest(word, names.iter().copied()) {
        Some(best) => format!("did you mean `{best}`? {what}: {}", list(names)),
        None => format!("{what}: {}", list(names)),
    }
}

/// One model's forecast at the central values.
pub struct ModelRun {
    pub model: &'static dyn Model,
    pub out: RunOutput,
}

/// The checked options and the forecasts.
pub struct Context<'a> {
    pub sc: &'a Scenario,
    pub opts: &'a ReportOptions,
    pub title: String,
    /// The model the policies and the uncertainty use.
    pub primary: &'static dyn Model,
    /// Forecasts at the central values, the primary model's among them.
    pub runs: Vec<ModelRun>,
    /// Models that cannot run on the scenario, and why.
    pub skipped: Vec<(String, String)>,
    /// The policies asked for, each once, in the order given.
    pub policies: Vec<String>,
    /// The primary model under each policy, in the order of `policies`.
    pub policy_runs: Vec<RunOutput>,
    /// The user's condition, checked against the exploration's columns.
    pub event: Option<Expr>,
}

impl<'a> Context<'a> {
    pub fn new(sc: &'a Scenario, opts: &'a ReportOptions) -> Result<Context<'a>, ReportError> {
        if opts.runs == 0 || opts.runs > MAX_RUNS {
            return Err(ReportError::new(
                format!("runs must be between 1 and {MAX_RUNS}, got {}", opts.runs),
                "e.g. 1000 runs (the default) pin down shares to about 1.5 points",
                "runs",
            ));
        }
        let primary = match &opts.model {
            Some(name) => model::by_name(name).ok_or_else(|| {
                ReportError::new(
                    format!("unknown model `{name}`"),
                    hint(name, &model::names(), "the models"),
                    "model",
                )
            })?,
            None => model::by_name(if sc.war.is_some() {
                "war"
            } else {
                "compromise"
            })
            .expect("the default models exist"),
        };
        let mut policies: Vec<String> = Vec::new();
        for p in &opts.policies {
            if sc.policy(p).is_none() {
                let names: Vec<&str> = sc.policies.iter().map(|p| p.id.as_str()).collect();
                let help = if names.is_empty() {
                    "the scenario defines no policies; add a [[policy]] table".to_string()
                } else {
                    hint(p, &names, "the scenario's policies")
                };
                return Err(ReportError::new(
                    format!("unknown policy `{p}`"),
                    help,
                    "policy",
                ));
            }
            if !policies.contains(p) {
                policies.push(p.clone());
            }
        }
        let event = match &opts.event {
            None => None,
            Some(src) => {
                if sc.uncertain_slots().is_empty() {
                    return Err(ReportError::new(
                        "the scenario has no uncertain numbers, so there is no exploration for `where` to look into",
                        "write the numbers you are unsure of as distributions, e.g. cost = { triangular = [0.001, 0.003, 0.006] }, or leave `where` out",
                        "where",
                    ));
                }
                let columns =
                    Plan::new(sc.clone(), primary, Design::LatinHypercube, 0, 1).columns();
                let refs: Vec<&str> = columns.iter().map(String::as_str).collect();
                Some(expr::parse(src, &refs).map_err(|d| ReportError {
                    message: format!("the condition `{src}` is not valid: {}", d.message),
                    help: d.help.clone(),
                    field: Some("where".into()),
                    span: d.span.clone(),
                })?)
            }
        };
        let title = sc
            .meta
            .name
            .clone()
            .unwrap_or_else(|| "Untitled scenario".into());
        let ro = RunOptions { seed: opts.seed };
        let fail = |e: RunError| match e {
            RunError::Model(m) => ReportError {
                message: format!(
                    "the model `{}` cannot run: {}",
                    primary.info().name,
                    m.message
                ),
                help: m.help,
                field: opts.model.as_ref().map(|_| "model".to_string()),
                span: None,
            },
            RunError::UnknownPolicy { name, .. } => ReportError::new(
                format!("unknown policy `{name}`"),
                "name one of the scenario's policies",
                "policy",
            ),
            RunError::Stopped(s) => ReportError {
                message: s.to_string(),
                help: None,
                field: None,
                span: None,
            },
        };
        let candidates: Vec<&'static dyn Model> = match &opts.model {
            Some(_) => vec![primary],
            None => model::all().to_vec(),
        };
        let mut runs = Vec::new();
        let mut skipped = Vec::new();
        for m in candidates {
            match detente_core::output::run(sc, &title, m, None, &ro) {
                Ok(out) => runs.push(ModelRun { model: m, out }),
                Err(e) if m.info().name == primary.info().name => return Err(fail(e)),
                Err(e) => skipped.push((m.info().name.to_string(), e.to_string())),
            }
        }
        let policy_runs = policies
            .iter()
            .map(|p| detente_core::output::run(sc, &title, primary, Some(p), &ro).map_err(fail))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Context {
            sc,
            opts,
            title,
            primary,
            runs,
            skipped,
            policies,
            policy_runs,
            event,
        })
    }

    pub fn primary_run(&self) -> &RunOutput {
        let name = self.primary.info().name;
        &self
            .runs
            .iter()
            .find(|r| r.model.info().name == name)
            .expect("the primary model ran")
            .out
    }

    pub fn is_war(&self) -> bool {
        self.primary.info().name == "war" && self.sc.war.is_some()
    }

    pub fn time_unit(&self) -> String {
        self.sc
            .meta
            .time_unit
            .clone()
            .unwrap_or_else(|| "round".into())
    }
}

/// Every sampled future, under the baseline and each policy.
pub struct Exploration<'m> {
    pub plan: Plan<'m>,
    /// Input names then output names.
    pub columns: Vec<String>,
    /// Inputs.
    pub k: usize,
    /// Row-major, one row per run: the inputs, then the baseline's outputs.
    pub rows: Vec<f64>,
    /// Per policy (in `Context::policies` order), row-major outputs per run.
    pub policy_outputs: Vec<Vec<f64>>,
}

impl Exploration<'_> {
    pub fn width(&self) -> usize {
        self.columns.len()
    }

    pub fn n(&self) -> usize {
        self.rows.len() / self.width().max(1)
    }

    /// The values of column `c` over the runs.
    pub fn column(&self, c: usize) -> Vec<f64> {
        self.rows.chunks(self.width()).map(|r| r[c]).collect()
    }

    pub fn index(&self, name: &str) -> Option<usize> {
        self.columns.iter().position(|c| c == name)
    }
}

/// Samples `ctx.opts.runs` futures (Latin hypercube) and runs the primary model on each, under
/// the baseline and every policy: the same futures and model seeds for all, as `compare` does.
pub fn explore<'m>(ctx: &Context<'m>) -> Result<Exploration<'m>, ReportError> {
    let plan = Plan::new(
        ctx.sc.clone(),
        ctx.primary,
        Design::LatinHypercube,
        ctx.opts.seed,
        ctx.opts.runs,
    );
    let columns = plan.columns();
    let k = plan.inputs().len();
    let token = cancel::current();
    let per_run: Vec<Vec<Vec<f64>>> = (0..ctx.opts.runs)
        .into_par_iter()
        .map(|run| {
            let _in = token.as_ref().map(Cancel::enter);
            cancel::check().map_err(|s| RunFailure {
                run,
                error: s.into(),
            })?;
            let mut values = vec![0.0; k];
            plan.sampler.values(run, &mut values);
            let mut sampled = plan.scenario.clone();
            for (u, &v) in plan.inputs().iter().zip(&values) {
                sampled.set_slot(u.slot, v);
            }
            let mut out = vec![values];
            let base = plan.evaluate(&sampled.clone().into_start(), run)?;
            out[0].extend(base);
            for p in &ctx.policies {
                let sc = sampled
                    .with_policy(p)
                    .unwrap_or_else(|| sampled.clone())
                    .into_start();
                out.push(plan.evaluate(&sc, run)?);
            }
            Ok(out)
        })
        .collect::<Result<_, RunFailure>>()
        .map_err(|f| ReportError {
            message: format!(
                "run {} of the exploration failed: {}",
                f.run, f.error.message
            ),
            help: Some(f.error.help.unwrap_or_else(|| {
                "the sampled numbers reach a case the model refuses; narrow the distributions"
                    .into()
            })),
            field: None,
            span: None,
        })?;
    let mut rows = Vec::with_capacity(per_run.len() * columns.len());
    let mut policy_outputs = vec![Vec::new(); ctx.policies.len()];
    for mut r in per_run {
        for (j, o) in r.drain(1..).enumerate() {
            policy_outputs[j].extend(o);
        }
        rows.extend(r.pop().unwrap_or_default());
    }
    Ok(Exploration {
        plan,
        columns,
        k,
        rows,
        policy_outputs,
    })
}

/// One input's swing in the tornado.
pub struct Swing {
    pub input: String,
    /// The input at the low and high quantile.
    pub x: [f64; 2],
    /// The output there (others at their central values).
    pub y: [f64; 2],
}

impl Swing {
    pub fn width(&self) -> f64 {
        let w = (self.y[1] - self.y[0]).abs();
        if w.is_nan() { 0.0 } else { w }
    }
}

pub struct Tornado {
    /// What the output is, for a person.
    pub output: String,
    /// The output with every input at its central value.
    pub base: f64,
    /// Sorted by width, widest first; ties by input order.
    pub swings: Vec<Swing>,
}

/// One-at-a-time swings: each input at its 5% and 95% quantile (the sampler's truncated
/// quantile function) with the others at their central values. For the war model the output
/// is the share of model seeds (the same seeds at every point) with a ceasefire within
/// [`EARLY`] time units; for the other models every issue's outcome from one run.
pub fn tornadoes(ctx: &Context, ex: &Exploration) -> Result<Vec<Tornado>, ReportError> {
    let plan = &ex.plan;
    let k = ex.k;
    let central: Vec<f64> = plan
        .inputs()
        .iter()
        .map(|u| u.clamp(u.dist.central()))
        .collect();
    let mut points = vec![central.clone()];
    let mut ends = Vec::with_capacity(k);
    for d in 0..k {
        let lo = plan.sampler.value(d, SWING[0]);
        let hi = plan.sampler.value(d, SWING[1]);
        ends.push([lo, hi]);
        for x in [lo, hi] {
            let mut v = central.clone();
            v[d] = x;
            points.push(v);
        }
    }
    let war = ctx.is_war();
    let seeds = if war {
        ctx.opts.runs.min(TORNADO_SEEDS)
    } else {
        1
    };
    let time = war.then(|| {
        let name = ceasefire_time_column(ctx.sc);
        ex.index(&name)
            .expect("the war model has a ceasefire time column")
            - k
    });
    let scenarios: Vec<Scenario> = points.iter().map(|v| plan.with_values(v)).collect();
    let jobs: Vec<(usize, u64)> = (0..points.len())
        .flat_map(|p| (0..seeds).map(move |s| (p, s)))
        .collect();
    let token = cancel::current();
    let outs: Vec<Vec<f64>> = jobs
        .par_iter()
        .map(|&(p, s)| {
            let _in = token.as_ref().map(Cancel::enter);
            cancel::check().map_err(|stop| RunFailure {
                run: s,
                error: stop.into(),
            })?;
            plan.evaluate(&scenarios[p], s)
        })
        .collect::<Result<_, _>>()
        .map_err(|f| ReportError {
            message: format!("the sensitivity runs failed: {}", f.error.message),
            help: f.error.help,
            field: None,
            span: None,
        })?;
    // Per point, the metrics, summed in run order so that the result does not depend on threads.
    let metrics: Vec<Vec<f64>> = (0..points.len())
        .map(|p| {
            let chunk = &outs[p * seeds as usize..(p + 1) * seeds as usize];
            match time {
                Some(t) => {
                    let hits = chunk.iter().filter(|o| o[t] <= EARLY as f64).count();
                    vec![hits as f64 / seeds as f64]
                }
                None => chunk[0][..ctx.sc.issues.len()].to_vec(),
            }
        })
        .collect();
    let labels: Vec<String> = if war {
        vec![format!(
            "share of runs with a ceasefire within {EARLY} {}s",
            ctx.time_unit()
        )]
    } else {
        ctx.sc
            .issues
            .iter()
            .map(|i| format!("{} outcome", i.id))
            .collect()
    };
    let mut out = Vec::new();
    for (m, label) in labels.into_iter().enumerate() {
        let mut swings: Vec<Swing> = (0..k)
            .map(|d| Swing {
                input: plan.inputs()[d].name.clone(),
                x: ends[d],
                y: [metrics[1 + 2 * d][m], metrics[2 + 2 * d][m]],
            })
            .collect();
        swings.sort_by(|a, b| b.width().total_cmp(&a.width()));
        out.push(Tornado {
            output: label,
            base: metrics[0][m],
            swings,
        });
    }
    Ok(out)
}

/// A condition and what PRIM found for it.
pub struct Found {
    pub hits: usize,
    pub n: usize,
    pub result: Result<Discovery, PrimError>,
    pub names: Vec<String>,
}

/// The events discovery looks at: the user's condition; else for the war model a ceasefire
/// within [`EARLY`] time units; else, per issue whose outcome varies, an outcome above the
/// central forecast.
pub fn events(ctx: &Context, ex: &Exploration) -> Vec<(String, Expr)> {
    let refs: Vec<&str> = ex.columns.iter().map(String::as_str).collect();
    let parse = |s: &str| expr::parse(s, &refs).ok();
    if let (Some(src), Some(e)) = (&ctx.opts.event, &ctx.event) {
        return vec![(src.clone(), e.clone())];
    }
    if ctx.is_war() {
        let src = format!("{} <= {EARLY}", ceasefire_time_column(ctx.sc));
        return parse(&src).map(|e| vec![(src, e)]).unwrap_or_default();
    }
    let base = ctx.primary_run();
    let mut out = Vec::new();
    for (i, issue) in base.issues.iter().enumerate() {
        let Some(central) = issue.outcome else {
            continue;
        };
        let col = ex.k + i;
        let (lo, hi) = ex
            .rows
            .chunks(ex.width())
            .map(|r| r[col])
            .filter(|x| !x.is_nan())
            .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), x| {
                (a.min(x), b.max(x))
            });
        let varies = hi - lo > 1e-9 * (1.0 + central.abs());
        if !varies {
            continue;
        }
        // Rounded so that the condition reads well; it is evaluated as written.
        let src = format!("{}.outcome > {}", issue.id, sig(central, 4));
        if let Some(e) = parse(&src) {
            out.push((src, e));
        }
    }
    out
}

pub fn discover(ex: &Exploration, e: &Expr) -> Found {
    let w = ex.width();
    let y: Vec<bool> = ex.rows.chunks(w).map(|r| e.eval(r)).collect();
    let x: Vec<f64> = ex
        .rows
        .chunks(w)
        .flat_map(|r| r[..ex.k].iter().copied())
        .collect();
    let names: Vec<String> = ex.columns[..ex.k].to_vec();
    let refs: Vec<&str> = names.iter().map(String::as_str).collect();
    let result = Prim::new(&x, &refs, &y).and_then(|p| {
        p.find(&PrimOptions {
            boxes: 2,
            ..PrimOptions::default()
        })
    });
    Found {
        hits: y.iter().filter(|b| **b).count(),
        n: y.len(),
        result,
        names,
    }
}
