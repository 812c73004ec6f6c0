//! The numbers behind the report: options checked, models run, futures sampled, the tornado's
//! swings and PRIM's boxes. Sampling, summaries and PRIM are detente-explore's.

use detente_core::Scenario;
use detente_core::cancel::{self, Cancel};
use detente_core::model::{self, Model, RunOptions};
use detente_core::output::{RunError, RunOutput};
use detente_explore::explore::{Plan, RunFailure};
use detente_explore::expr::{self, Expr};
use detente_explore::prim::{Discovery, Prim, PrimError, PrimOptions};
use detente_explore::sample::Design;
use rayon::prelude::*;

use crate::html::sig;
use crate::{MAX_RUNS, ReportError, ReportOptions};

/// Model seeds each point of a tornado averages over (at most), for a model of paths.
pub const TORNADO_SEEDS: u64 = 1000;
/// The tornado swings each input between these quantiles.
pub const SWING: [f64; 2] = [0.05, 0.95];

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
    /// `given` is a run of the primary model made already (under the policy named, or none),
    /// used as it is instead of running it again.
    pub fn new(
        sc: &'a Scenario,
        opts: &'a ReportOptions,
        mut given: Option<(Option<String>, RunOutput)>,
    ) -> Result<Context<'a>, ReportError> {
        if opts.runs == 0 || opts.runs > MAX_RUNS {
            return Err(ReportError::new(
                format!("runs must be between 1 and {MAX_RUNS}, got {}", opts.runs),
                "e.g. 1000 runs (the default) pin down shares to about 1.5 points",
                "runs",
            ));
        }
        let primary = model::choose(sc, opts.model.as_deref())
            .map_err(|e| ReportError::new(e.to_string(), e.help(), "model"))?;
        let mut policies: Vec<String> = Vec::new();
        for p in &opts.policies {
            sc.apply_policy(Some(p))
                .map_err(|e| ReportError::new(e.to_string(), e.help(), "policy"))?;
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
            RunError::UnknownPolicy(e) => ReportError::new(e.to_string(), e.help(), "policy"),
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
        let mut take = |policy: Option<&str>, m: &dyn Model| -> Option<RunOutput> {
            let fits = given.as_ref().is_some_and(|(p, _)| p.as_deref() == policy)
                && m.info().name == primary.info().name;
            fits.then(|| given.take().expect("checked").1)
        };
        for m in candidates {
            if let Some(out) = take(None, m) {
                runs.push(ModelRun { model: m, out });
                continue;
            }
            match detente_core::output::run(sc, &title, m, None, &ro) {
                Ok(out) => runs.push(ModelRun { model: m, out }),
                Err(e) if m.info().name == primary.info().name => return Err(fail(e)),
                Err(e) => skipped.push((m.info().name.to_string(), e.to_string())),
            }
        }
        let policy_runs = policies
            .iter()
            .map(|p| match take(Some(p), primary) {
                Some(out) => Ok(out),
                None => detente_core::output::run(sc, &title, primary, Some(p), &ro).map_err(fail),
            })
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

    /// What the primary model's runs record and what a reader asks of them.
    pub fn outputs(&self) -> detente_core::model::Outputs {
        self.primary.outputs(self.sc)
    }

    /// Whether a run of the primary model is one path of its dice (see
    /// [`detente_core::model::Outputs::paths`]).
    pub fn paths(&self) -> bool {
        self.outputs().paths
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
/// quantile function) with the others at their central values. For a model of paths with a
/// question (the war model: a ceasefire within 12 months) the output is the share of model
/// seeds (the same seeds at every point) where it holds; otherwise every issue's outcome from
/// one run.
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
    let outputs = ctx.outputs();
    // A model of paths is asked its question, as a share of seeds at each point.
    let question = match (&outputs.question, outputs.paths) {
        (Some(q), true) => {
            let names: Vec<&str> = outputs.columns.iter().map(|c| c.name.as_str()).collect();
            let e = expr::parse(&q.condition, &names).map_err(|d| ReportError {
                message: format!(
                    "the model's question `{}` is not valid: {}",
                    q.condition, d.message
                ),
                help: d.help.clone(),
                field: None,
                span: None,
            })?;
            Some((q, e))
        }
        _ => None,
    };
    let seeds = if question.is_some() {
        ctx.opts.runs.min(TORNADO_SEEDS)
    } else {
        1
    };
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
            match &question {
                Some((_, e)) => {
                    let hits = chunk.iter().filter(|o| e.eval(o)).count();
                    vec![hits as f64 / seeds as f64]
                }
                None => chunk[0][..ctx.sc.issues.len()].to_vec(),
            }
        })
        .collect();
    let labels: Vec<String> = if let Some((q, _)) = &question {
        vec![format!("share of runs with {}", q.words)]
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

/// The events discovery looks at: the user's condition; else the model's question; else, per
/// issue whose outcome varies, an outcome above the central forecast.
pub fn events(ctx: &Context, ex: &Exploration) -> Vec<(String, Expr)> {
    let refs: Vec<&str> = ex.columns.iter().map(String::as_str).collect();
    let parse = |s: &str| expr::parse(s, &refs).ok();
    if let (Some(src), Some(e)) = (&ctx.opts.event, &ctx.event) {
        return vec![(src.clone(), e.clone())];
    }
    if let Some(q) = ctx.outputs().question {
        return parse(&q.condition)
            .map(|e| vec![(q.condition, e)])
            .unwrap_or_default();
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

/// One column of the baseline's futures, summarised for drawing.
pub struct ColumnView {
    /// Its name.
    pub name: String,
    /// Its statistics.
    pub stats: detente_explore::summary::Stats,
    /// The values, for a histogram, when the column is drawn as one (it varies and is not
    /// yes/no): (low, high, share of runs) per bin.
    pub bins: Option<Vec<(f64, f64, f64)>>,
}

/// Every result the report shows, computed before any of it is drawn: the sections only
/// format what is here.
pub struct Computed<'a> {
    /// The options, the scenario and every model's run.
    pub ctx: Context<'a>,
    /// The sampled futures, when the scenario has uncertain numbers.
    pub ex: Option<Exploration<'a>>,
    /// The model's own comparison of the policies, if it has one.
    pub compare: Option<Vec<detente_core::model::view::Block>>,
    /// Per issue, per policy (the baseline first): the 5-95% range across the futures.
    pub whiskers: Vec<Vec<Option<(f64, f64)>>>,
    /// The model's own view of the baseline's futures.
    pub futures: Vec<detente_core::model::view::Block>,
    /// Each output column of the baseline's futures.
    pub columns: Vec<ColumnView>,
    /// Per input: central value and 5% and 95% quantiles.
    pub inputs: Vec<[f64; 3]>,
    /// One-at-a-time swings.
    pub tornadoes: Vec<Tornado>,
    /// Each condition discovery explains and what PRIM found.
    pub found: Vec<(String, Found)>,
}

fn stats_of(values: &[f64]) -> detente_explore::summary::Stats {
    let mut c = detente_explore::summary::Column::default();
    values.iter().for_each(|&x| c.push(x));
    c.stats()
}

/// Runs everything the report needs.
pub fn compute<'a>(ctx: Context<'a>) -> Result<Computed<'a>, ReportError> {
    use detente_core::model::view::{Comparison, Futures};
    let sc = ctx.sc;
    let ex = if sc.uncertain_slots().is_empty() {
        None
    } else {
        Some(explore(&ctx)?)
    };
    let mut labels = vec!["baseline (no policy)".to_string()];
    labels.extend(ctx.policies.iter().cloned());
    // Each policy's outputs across the same futures, the baseline first.
    let outputs: Option<Vec<Vec<f64>>> = ex.as_ref().map(|ex| {
        let mut v = vec![
            ex.rows
                .chunks(ex.width())
                .flat_map(|r| r[ex.k..].iter().copied())
                .collect(),
        ];
        v.extend(ex.policy_outputs.iter().cloned());
        v
    });
    let names: Vec<String> = ex
        .as_ref()
        .map_or_else(Vec::new, |ex| ex.columns[ex.k..].to_vec());
    let mut outs: Vec<&RunOutput> = vec![ctx.primary_run()];
    outs.extend(ctx.policy_runs.iter());
    let compare = if ctx.policies.is_empty() {
        None
    } else {
        let cmp = Comparison {
            labels: &labels,
            runs: outs.clone(),
            futures: outputs.as_ref().map(|o| {
                o.iter()
                    .map(|outputs| Futures {
                        columns: &names,
                        outputs,
                    })
                    .collect()
            }),
        };
        ctx.primary.compare_view(sc, &cmp)
    };
    let width = names.len().max(1);
    let whiskers: Vec<Vec<Option<(f64, f64)>>> = (0..sc.issues.len())
        .map(|k| {
            (0..outs.len())
                .map(|j| {
                    let o = outputs.as_ref()?;
                    let v: Vec<f64> = o[j].chunks(width).map(|r| r[k]).collect();
                    let s = stats_of(&v);
                    Some((s.quantiles[0], s.quantiles[4]))
                })
                .collect()
        })
        .collect();
    let (futures, columns, inputs, tornadoes, found) = match &ex {
        None => (Vec::new(), Vec::new(), Vec::new(), Vec::new(), Vec::new()),
        Some(ex) => {
            let baseline = outputs.as_ref().expect("futures with an exploration");
            let futures = ctx.primary.futures_view(
                sc,
                &Futures {
                    columns: &names,
                    outputs: &baseline[0],
                },
            );
            let n = ex.n();
            let columns = (ex.k..ex.width())
                .map(|c| {
                    let values = ex.column(c);
                    let stats = stats_of(&values);
                    let binary = values.iter().all(|&x| x.is_nan() || x == 0.0 || x == 1.0);
                    let drawn = !(binary || stats.n == 0 || stats.max <= stats.min);
                    ColumnView {
                        name: ex.columns[c].clone(),
                        bins: drawn.then(|| crate::charts::bins(&values, n)),
                        stats,
                    }
                })
                .collect();
            let inputs = ex
                .plan
                .inputs()
                .iter()
                .enumerate()
                .map(|(d, u)| {
                    [
                        u.clamp(u.dist.central()),
                        ex.plan.sampler.value(d, SWING[0]),
                        ex.plan.sampler.value(d, SWING[1]),
                    ]
                })
                .collect();
            let tornadoes = tornadoes(&ctx, ex)?;
            let found = events(&ctx, ex)
                .into_iter()
                .map(|(src, e)| {
                    let f = discover(ex, &e);
                    (src, f)
                })
                .collect();
            (futures, columns, inputs, tornadoes, found)
        }
    };
    Ok(Computed {
        ctx,
        ex,
        compare,
        whiskers,
        futures,
        columns,
        inputs,
        tornadoes,
        found,
    })
}
