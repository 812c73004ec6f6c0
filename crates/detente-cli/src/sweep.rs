//! The exploration commands: `explore`, `merge`, `sensitivity`, `discover`, `compare`, `runs`.
//!
//! The numbers come from `detente-explore`; this module checks arguments before any work,
//! runs blocks of runs on a rayon pool, streams rows to files, shows progress on a terminal,
//! records each sweep in the run records and prints the summaries.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};

use detente_core::Scenario;
use detente_core::model::{self, Model};
use detente_explore::explore::{EARLY_ROUNDS, Plan, RunFailure, ceasefire_time_column};
use detente_explore::sample::Design;
use detente_explore::summary::{Column, QUANTILES, Stats};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use serde::Serialize;
use serde_json::json;

use crate::cli::{self, DesignArg, OutputFormat};
use crate::records::{NewRun, Records, RunKind};
use crate::table::{self, Format, Meta, ResultsWriter};
use crate::{Fail, input, write};

/// Runs computed per parallel block: large enough to keep both cores busy, small enough that
/// memory does not grow with the sweep.
const BLOCK: u64 = 4096;
/// Largest number of runs a sweep accepts.
const MAX_RUNS: u64 = 1_000_000_000_000;

/// The loaded scenario and the model, shared by the sweep commands.
struct Setup {
    path: PathBuf,
    bytes: Vec<u8>,
    scenario: Scenario,
    model: &'static dyn Model,
}

fn setup(a: &cli::SweepArgs) -> Result<Setup, Fail> {
    let input = input::load(&a.input.file, a.input.from.map(Into::into))?;
    let bytes = std::fs::read(&a.input.file)
        .map_err(|e| Fail::new(format!("cannot read {}: {e}", input.name), None))?;
    let [item] = input.imported.items.as_slice() else {
        return Err(Fail::new(
            format!(
                "{} holds {} scenarios; a sweep runs one",
                input.name,
                input.imported.items.len()
            ),
            Some(
                "convert the issue you want first: `detente import deu FILE --issue ID -o issue.toml`",
            ),
        ));
    };
    let scenario = item.scenario.clone();
    let name = a.model.clone().unwrap_or_else(|| {
        if scenario.war.is_some() {
            "war"
        } else {
            "compromise"
        }
        .to_string()
    });
    let model = model::by_name(&name).ok_or_else(|| {
        Fail::new(
            format!("unknown model `{name}`"),
            Some("run `detente models` to list them"),
        )
    })?;
    Ok(Setup {
        path: a.input.file.clone(),
        bytes,
        scenario,
        model,
    })
}

fn with_policy(sc: &Scenario, policy: Option<&str>) -> Result<Scenario, Fail> {
    let Some(p) = policy else {
        return Ok(sc.clone());
    };
    sc.with_policy(p).ok_or_else(|| {
        let names: Vec<&str> = sc.policies.iter().map(|p| p.id.as_str()).collect();
        let help = if names.is_empty() {
            "the scenario defines no policies; add a [[policy]] table".to_string()
        } else {
            format!(
                "{}; the scenario's policies: {}",
                detente_core::diag::did_you_mean(p, &names, "policy"),
                detente_core::diag::list(&names)
            )
        };
        Fail::new(format!("unknown policy `{p}`"), Some(&help))
    })
}

fn design(d: DesignArg) -> Design {
    match d {
        DesignArg::Mc => Design::MonteCarlo,
        DesignArg::Lhs => Design::LatinHypercube,
    }
}

fn check_runs(runs: u64, what: &str) -> Result<(), Fail> {
    if runs == 0 {
        return Err(Fail::new(
            format!("{what} must be at least 1"),
            Some("e.g. --runs 10000"),
        ));
    }
    if runs > MAX_RUNS {
        return Err(Fail::new(
            format!("{what} = {runs} is more than detente accepts ({MAX_RUNS})"),
            Some("split the sweep with --shard K/N and join the parts with `detente merge`"),
        ));
    }
    Ok(())
}

/// Refuses a sweep whose rows must be held in memory when they would not fit.
fn check_memory(runs: u64, columns: usize, what: &str) -> Result<(), Fail> {
    let need = runs.saturating_mul(columns as u64 + 1).saturating_mul(8);
    let have = available_memory().unwrap_or(u64::MAX);
    if need > have / 2 {
        return Err(Fail::new(
            format!(
                "{what} keeps every run in memory: {runs} runs x {columns} columns need about {}, \
                 and {} is available",
                bytes(need),
                bytes(have)
            ),
            Some("use fewer runs"),
        ));
    }
    Ok(())
}

/// MemAvailable from /proc/meminfo (Linux); `None` elsewhere.
fn available_memory() -> Option<u64> {
    let text = std::fs::read_to_string("/proc/meminfo").ok()?;
    let line = text.lines().find(|l| l.starts_with("MemAvailable:"))?;
    let kb: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb * 1024)
}

fn bytes(n: u64) -> String {
    const UNITS: [&str; 5] = ["B", "KiB", "MiB", "GiB", "TiB"];
    let mut x = n as f64;
    let mut u = 0;
    while x >= 1024.0 && u + 1 < UNITS.len() {
        x /= 1024.0;
        u += 1;
    }
    format!("{x:.1} {}", UNITS[u])
}

/// `--threads` beyond this many per available core is refused: each thread costs a stack and
/// its share of scheduling, and 4,000 threads made 10 runs take 28 s.
const MAX_THREADS_PER_CORE: usize = 4;

/// The rayon pool of `--threads`.
fn pool(threads: Option<usize>) -> Result<rayon::ThreadPool, Fail> {
    let mut b = rayon::ThreadPoolBuilder::new();
    if let Some(t) = threads {
        if t == 0 {
            return Err(Fail::new("--threads must be at least 1", None));
        }
        let cores = std::thread::available_parallelism().map_or(1, usize::from);
        let most = MAX_THREADS_PER_CORE * cores;
        if t > most {
            return Err(Fail::new(
                format!(
                    "--threads {t} is more than {MAX_THREADS_PER_CORE} per core ({most} on the {cores} core(s) here)"
                ),
                Some(&format!(
                    "results do not depend on the thread count; more threads than cores only add overhead. \
                     Leave --threads out to use every core, or give at most {most}"
                )),
            ));
        }
        b = b.num_threads(t);
    }
    b.build()
        .map_err(|e| Fail::new(format!("cannot start worker threads: {e}"), None))
}

fn progress(total: u64, what: &str) -> ProgressBar {
    let bar = ProgressBar::with_draw_target(
        Some(total),
        if std::io::stderr().is_terminal() {
            ProgressDrawTarget::stderr()
        } else {
            ProgressDrawTarget::hidden()
        },
    );
    bar.set_style(
        ProgressStyle::with_template(&format!(
            "{what} {{bar:40}} {{pos}}/{{len}} runs, {{per_sec}}, eta {{eta}}"
        ))
        .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    bar
}

fn failed_run(f: RunFailure) -> Fail {
    Fail::new(
        format!("run {} failed: {}", f.run, f.error.message),
        f.error.help.as_deref(),
    )
}

/// Starts a run record; a sweep still runs when the records cannot be opened (with a warning).
fn record(kind: RunKind, s: &Setup, seed: u64) -> Option<(Records, i64)> {
    let opened = Records::open_default().and_then(|r| {
        let id = r.start(&NewRun::from_env(kind, &s.path, &s.bytes, Some(seed)))?;
        Ok((r, id))
    });
    match opened {
        Ok(x) => Some(x),
        Err(e) => {
            warn(&format!("this run is not recorded: {e} ({})", e.help()));
            None
        }
    }
}

fn finish_record(
    rec: Option<(Records, i64)>,
    result: &Result<serde_json::Value, Fail>,
    path: Option<&Path>,
) {
    let Some((r, id)) = rec else { return };
    let done = match result {
        Ok(summary) => {
            let abs = path.map(|p| std::path::absolute(p).unwrap_or_else(|_| p.to_path_buf()));
            r.finish(id, summary, abs.as_deref())
        }
        Err(f) => r.fail(id, &f.message),
    };
    if let Err(e) = done {
        warn(&format!("could not complete run record {id}: {e}"));
    } else if result.is_ok() {
        warn(&format!("recorded as run {id} (`detente runs show {id}`)"));
    }
}

#[allow(clippy::print_stderr)]
fn warn(msg: &str) {
    eprintln!("note: {}", crate::text::clean(msg));
}

#[allow(clippy::print_stderr)]
fn warn_raw(text: &str) {
    eprint!("{}", crate::text::clean(text));
}

// ---------------------------------------------------------------------------------------------
// explore

/// Parses `K/N`.
fn shard(s: &str) -> Result<(u64, u64), Fail> {
    let bad = || {
        Fail::new(
            format!("--shard `{s}` is not K/N"),
            Some("give the slice and the number of slices, 1-based: --shard 3/10"),
        )
    };
    let (k, n) = s.split_once('/').ok_or_else(bad)?;
    let (k, n): (u64, u64) = (
        k.trim().parse().map_err(|_| bad())?,
        n.trim().parse().map_err(|_| bad())?,
    );
    if n == 0 || k == 0 || k > n {
        return Err(Fail::new(
            format!("--shard {k}/{n} does not exist"),
            Some("K runs from 1 to N: --shard 1/10 .. --shard 10/10"),
        ));
    }
    Ok((k, n))
}

#[derive(Serialize)]
struct ColumnSummary {
    name: String,
    input: bool,
    #[serde(flatten)]
    stats: Stats,
}

#[derive(Serialize)]
struct Event {
    event: String,
    probability: f64,
    runs: u64,
}

/// An event of interest: its words, whether a row shows it, and counts (yes, rows).
type Tally = (String, Box<dyn Fn(&[f64]) -> Option<bool> + Send>, u64, u64);

/// Streaming summary of every column and the events of interest.
struct Summary {
    names: Vec<String>,
    inputs: usize,
    columns: Vec<Column>,
    events: Vec<Tally>,
}

impl Summary {
    fn new(plan: &Plan, names: Vec<String>) -> Summary {
        let inputs = plan.inputs().len();
        let mut events: Vec<Tally> = Vec::new();
        let idx = |n: &str| names.iter().position(|c| c == n);
        if let Some(c) = idx("ceasefire") {
            events.push((
                "a ceasefire".into(),
                Box::new(move |r: &[f64]| Some(r[c] == 1.0)),
                0,
                0,
            ));
        }
        let time = ceasefire_time_column(&plan.scenario);
        let unit = time.trim_start_matches("ceasefire_").to_string();
        if let Some(c) = idx(&time) {
            for h in EARLY_ROUNDS {
                events.push((
                    format!("a ceasefire by {unit} {h}"),
                    Box::new(move |r: &[f64]| Some(r[c] <= h as f64)),
                    0,
                    0,
                ));
            }
        }
        for (k, n) in names.iter().enumerate().skip(inputs) {
            if let Some(who) = n.strip_prefix("victory.") {
                events.push((
                    format!("{who} wins militarily"),
                    Box::new(move |r: &[f64]| Some(r[k] == 1.0)),
                    0,
                    0,
                ));
            }
        }
        if let Some(c) = idx("ongoing") {
            events.push((
                "still fighting at the horizon".into(),
                Box::new(move |r: &[f64]| Some(r[c] == 1.0)),
                0,
                0,
            ));
        }
        Summary {
            columns: vec![Column::default(); names.len()],
            names,
            inputs,
            events,
        }
    }

    fn push(&mut self, row: &[f64]) {
        for (c, &x) in self.columns.iter_mut().zip(row) {
            c.push(x);
        }
        for (_, f, yes, n) in &mut self.events {
            if let Some(b) = f(row) {
                *n += 1;
                *yes += u64::from(b);
            }
        }
    }

    /// Every column's statistics (sorting each column's exact values: done once per report).
    fn stats(&self) -> Vec<Stats> {
        self.columns.iter().map(Column::stats).collect()
    }

    fn json(&self, stats: &[Stats], extra: serde_json::Value) -> serde_json::Value {
        let columns: Vec<ColumnSummary> = self
            .names
            .iter()
            .zip(stats)
            .enumerate()
            .map(|(k, (n, st))| ColumnSummary {
                name: n.clone(),
                input: k < self.inputs,
                stats: st.clone(),
            })
            .collect();
        let events: Vec<Event> = self
            .events
            .iter()
            .map(|(e, _, yes, n)| Event {
                event: e.clone(),
                probability: if *n > 0 {
                    *yes as f64 / *n as f64
                } else {
                    f64::NAN
                },
                runs: *n,
            })
            .collect();
        json!({ "quantiles": QUANTILES, "columns": columns, "events": events, "run": extra })
    }

    fn table(&self, stats: &[Stats], head: &str) -> String {
        let mut out = format!("{head}\n\n");
        let mut t = crate::format::plain_table(&[
            "column", "mean", "sd", "5%", "25%", "median", "75%", "95%", "missing",
        ]);
        for (k, (n, s)) in self.names.iter().zip(stats).enumerate() {
            if k == self.inputs && k > 0 {
                t.add_row(vec![""; 9]);
            }
            let f = |x: f64| {
                if x.is_nan() {
                    "-".to_string()
                } else {
                    format!("{x:.3}")
                }
            };
            let mut row = vec![n.clone(), f(s.mean), f(s.sd)];
            row.extend(s.quantiles.iter().map(|&q| f(q)));
            row.push(s.missing.to_string());
            t.add_row(row);
        }
        out.push_str(&format!("{t}\n"));
        if !self.events.is_empty() {
            out.push_str("\nEvents\n");
            for (e, _, yes, n) in &self.events {
                if *n > 0 {
                    out.push_str(&format!(
                        "  {e}: {:.1}% of runs ({yes} of {n})\n",
                        100.0 * *yes as f64 / *n as f64
                    ));
                }
            }
        }
        let sketched = stats.iter().any(|st| !st.exact);
        if sketched {
            out.push_str(&format!(
                "\nQuantiles of columns with more than {} values come from a sketch with 0.1% relative error.\n",
                detente_explore::summary::EXACT_LIMIT
            ));
        }
        out
    }
}

pub fn explore(a: cli::ExploreArgs) -> Result<(), Fail> {
    check_runs(a.runs, "--runs")?;
    let range = match &a.shard {
        Some(s) => {
            let (k, n) = shard(s)?;
            table::shard_runs(k, n, a.runs)
        }
        None => 0..a.runs,
    };
    // The output is checked, and its temporary file created, before any work.
    let out = match &a.out.output {
        Some(p) => {
            let format = Format::from_path(p).map_err(|e| Fail::new(e, None))?;
            write::check_path(p, a.out.force, &[&a.sweep.input.file])?;
            Some((p.clone(), format, write::temp_beside(p)?))
        }
        None => None,
    };
    let s = setup(&a.sweep)?;
    let sc = with_policy(&s.scenario, a.policy.as_deref())?;
    let plan = Plan::new(sc, s.model, design(a.design), a.sweep.seed, a.runs);
    let names = plan.columns();
    if let Some((p, format, _)) = &out {
        check_disk(p, *format, range.end - range.start, names.len())?;
    }
    let pool = pool(a.sweep.threads)?;
    let rec = record(RunKind::Explore, &s, a.sweep.seed);
    let result = (|| -> Result<(serde_json::Value, String), Fail> {
        let meta = Meta {
            scenario_hash: crate::records::content_hash(&s.bytes),
            seed: a.sweep.seed,
            runs: a.runs,
            design: design(a.design).name().to_string(),
            model: s.model.info().name.to_string(),
            policy: a.policy.clone().unwrap_or_default(),
        };
        let kinds: Vec<table::Kind> = plan
            .flags()
            .into_iter()
            .map(|f| {
                if f {
                    table::Kind::Flag
                } else {
                    table::Kind::Number
                }
            })
            .collect();
        let mut writer = match &out {
            Some((_, format, tmp)) => Some(
                ResultsWriter::create_typed(tmp.path(), *format, &names, &kinds, &meta)
                    .map_err(|e| Fail::new(e, None))?,
            ),
            None => None,
        };
        let mut summary = Summary::new(&plan, names.clone());
        let bar = progress(range.end - range.start, "exploring");
        let mut at = range.start;
        while at < range.end {
            let end = (at + BLOCK).min(range.end);
            let rows = pool.install(|| plan.rows(at..end)).map_err(failed_run)?;
            for (i, row) in rows.iter().enumerate() {
                if let Some(w) = &mut writer {
                    w.write_row(at + i as u64, row)
                        .map_err(|e| Fail::new(e, None))?;
                }
                summary.push(row);
            }
            bar.inc(end - at);
            at = end;
        }
        bar.finish_and_clear();
        if let Some(w) = writer {
            w.finish().map_err(|e| Fail::new(e, None))?;
        }
        let head = format!(
            "Explored {} run(s) of {} ({} of {}) with `{}`{}, {} design, seed {}: {} uncertain input(s)",
            range.end - range.start,
            s.path.display(),
            if a.shard.is_some() {
                format!("runs {}..{}", range.start, range.end)
            } else {
                "all".to_string()
            },
            a.runs,
            s.model.info().name,
            a.policy
                .as_deref()
                .map(|p| format!(" under policy `{p}`"))
                .unwrap_or_default(),
            design(a.design).name(),
            a.sweep.seed,
            plan.inputs().len(),
        );
        let extra = json!({
            "scenario": s.path.display().to_string(),
            "model": s.model.info().name,
            "policy": a.policy,
            "seed": a.sweep.seed,
            "runs": a.runs,
            "design": design(a.design).name(),
            "range": [range.start, range.end],
        });
        let stats = summary.stats();
        let json = summary.json(&stats, extra);
        let text = for_format(a.format, &json, || summary.table(&stats, &head));
        Ok((json, text))
    })();
    let path = out.as_ref().map(|(p, _, _)| p.clone());
    let (summary, text) = match result {
        Ok(x) => x,
        Err(f) => {
            finish_record(rec, &Err(Fail::new(f.message.clone(), None)), None);
            return Err(f);
        }
    };
    if let Some((p, _, tmp)) = out {
        write::persist(tmp, &p, a.out.force)?;
    }
    let printed = write::write(&write::Target::Stdout, text.as_bytes());
    finish_record(rec, &Ok(summary), path.as_deref());
    printed
}

/// Refuses an output that would not fit on its disk.
fn check_disk(path: &Path, format: Format, runs: u64, columns: usize) -> Result<(), Fail> {
    // ~20 bytes per CSV number, 8 per Parquet number.
    let per = match format {
        Format::Csv => 20,
        Format::Parquet => 8,
    };
    let need = runs.saturating_mul(columns as u64 + 1).saturating_mul(per);
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    if let Ok(free) = fs4::available_space(dir) {
        if need > free {
            return Err(Fail::new(
                format!(
                    "the results would take about {} and {} has {} free",
                    bytes(need),
                    dir.display(),
                    bytes(free)
                ),
                Some("use fewer runs, Parquet instead of CSV, or --shard to split the sweep"),
            ));
        }
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// merge

pub fn merge(a: cli::MergeArgs) -> Result<(), Fail> {
    let Some(out) = &a.out.output else {
        return Err(Fail::new(
            "merge needs an output file",
            Some("give one with -o, e.g. -o results.csv"),
        ));
    };
    let inputs: Vec<&Path> = a.files.iter().map(PathBuf::as_path).collect();
    write::check_path(out, a.out.force, &inputs)?;
    let want = Format::from_path(out).map_err(|e| Fail::new(e, None))?;
    for f in &a.files {
        let got = Format::from_path(f).map_err(|e| Fail::new(e, None))?;
        if got != want {
            return Err(Fail::new(
                format!(
                    "{} is {} but {} would be {}",
                    f.display(),
                    got.name(),
                    out.display(),
                    want.name()
                ),
                Some("merge keeps the format: give an output name with the inputs' extension"),
            ));
        }
    }
    let tmp = write::temp_beside(out)?;
    let done = table::merge(&a.files, tmp.path()).map_err(|e| Fail::new(e, None))?;
    write::persist(tmp, out, a.out.force)?;
    warn(&format!(
        "merged {} file(s): {} runs x {} columns into {}",
        done.inputs,
        done.runs,
        done.columns,
        out.display()
    ));
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// runs

pub fn runs(a: cli::RunsArgs) -> Result<(), Fail> {
    let rec = Records::open_default().map_err(|e| Fail::new(e.to_string(), Some(&e.help())))?;
    let text = match a.command {
        None => {
            let rows = rec
                .list(a.limit)
                .map_err(|e| Fail::new(e.to_string(), Some(&e.help())))?;
            if rows.is_empty() {
                "no recorded runs yet: `detente explore`, `sensitivity`, `discover` and `compare` record theirs\n".to_string()
            } else {
                crate::records::list_table(&rows)
            }
        }
        Some(cli::RunsCommand::Show { id }) => {
            let row = rec
                .get(id)
                .map_err(|e| Fail::new(e.to_string(), Some(&e.help())))?
                .ok_or_else(|| {
                    Fail::new(
                        format!("there is no run {id}"),
                        Some("list the runs with `detente runs`"),
                    )
                })?;
            let mut text = crate::records::show(&row);
            if let Some(note) = crate::records::scenario_note(&row) {
                text.push_str(&format!("note: {note}\n"));
            }
            text
        }
    };
    crate::text::print(&write::Target::Stdout, &text)
}

// ---------------------------------------------------------------------------------------------
// sensitivity

/// The outputs an analysis covers: those asked for (checked), else every output column.
fn pick_outputs(plan: &Plan, asked: &[String]) -> Result<Vec<usize>, Fail> {
    if asked.is_empty() {
        return Ok((0..plan.outputs.len()).collect());
    }
    asked
        .iter()
        .map(|name| {
            plan.outputs.iter().position(|o| o == name).ok_or_else(|| {
                let names: Vec<&str> = plan.outputs.iter().map(String::as_str).collect();
                Fail::new(
                    format!("unknown output `{name}`"),
                    Some(&format!(
                        "{} the outputs are {}",
                        detente_core::diag::did_you_mean(name, &names, "output"),
                        detente_core::diag::list(&names)
                    )),
                )
            })
        })
        .collect()
}

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
    use rayon::prelude::*;
    let k = plan.inputs().len();
    let bar = progress(rows as u64, what);
    let mut out = Vec::with_capacity(rows);
    let mut at = 0;
    while at < rows {
        let end = (at + BLOCK as usize).min(rows);
        let block: Vec<Vec<f64>> = pool
            .install(|| {
                (at..end)
                    .into_par_iter()
                    .map(|r| {
                        let mut u = vec![0.0; k];
                        point(r, &mut u);
                        let values: Vec<f64> = u
                            .iter()
                            .enumerate()
                            .map(|(d, &x)| plan.sampler.value(d, x))
                            .collect();
                        plan.evaluate(&plan.with_values(&values), 0)
                    })
                    .collect::<Result<_, _>>()
            })
            .map_err(failed_run)?;
        out.extend(block);
        bar.inc((end - at) as u64);
        at = end;
    }
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
    let stand_in = detente_explore::explore::stand_in(&plan.scenario, name);
    text.push_str(&format!(
        "\n{name} has no value in {missing} of {} runs: analysed as whether it has one{}\n",
        y.len(),
        match stand_in {
            Some((v, why)) => format!(", and as its value with {} for none ({why})", fmt_value(v)),
            None => ", and not as a value (no neutral stand-in exists; use `discover` on runs with a value)".into(),
        }
    ));
    if let Some((v, _)) = stand_in {
        let filled = y.iter().map(|x| if x.is_nan() { v } else { *x }).collect();
        out.push((format!("{name} (none = {})", fmt_value(v)), filled));
    }
    out
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
        let mut results = Vec::new();
        let (mut analysed, mut refused) = (0usize, Vec::<String>::new());
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
                        match sobol_indices(&y, a.samples, k, a.bootstrap, a.sweep.seed, 0.95) {
                            Ok(ix) => {
                                let mut t = crate::format::plain_table(&[
                                    "input",
                                    "first order",
                                    "95% CI",
                                    "total",
                                    "95% CI",
                                ]);
                                let ci = |c: &Option<detente_explore::sensitivity::Interval>| {
                                    c.as_ref().map_or("-".to_string(), |c| {
                                        format!("{:.3}..{:.3}", c.low, c.high)
                                    })
                                };
                                let mut order: Vec<usize> = (0..k).collect();
                                order.sort_by(|&x, &y| {
                                    ix.inputs[y]
                                        .total_order
                                        .total_cmp(&ix.inputs[x].total_order)
                                });
                                for d in order {
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
                                results
                                    .push(json!({"output": name, "indices": ix, "inputs": names}));
                                analysed += 1;
                            }
                            Err(e) => {
                                text.push_str(&format!("\n{name}: not analysed: {e}\n"));
                                results.push(json!({"output": name, "error": e.to_string()}));
                                refused.push(format!("{name}: {e}"));
                            }
                        }
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
                        match morris_indices(&d, &y, a.bootstrap, a.sweep.seed, 0.95) {
                            Ok(ix) => {
                                let mut t = crate::format::plain_table(&[
                                    "input", "mu*", "95% CI", "mu", "sigma",
                                ]);
                                let mut order: Vec<usize> = (0..k).collect();
                                order.sort_by(|&x, &y| {
                                    ix.inputs[y].mu_star.total_cmp(&ix.inputs[x].mu_star)
                                });
                                for dd in order {
                                    let i = &ix.inputs[dd];
                                    t.add_row(vec![
                                        names[dd].to_string(),
                                        format!("{:.3}", i.mu_star),
                                        i.mu_star_ci.as_ref().map_or("-".into(), |c| {
                                            format!("{:.3}..{:.3}", c.low, c.high)
                                        }),
                                        format!("{:.3}", i.mu),
                                        format!("{:.3}", i.sigma),
                                    ]);
                                }
                                text.push_str(&format!("\n{name}\n{t}\n"));
                                results
                                    .push(json!({"output": name, "indices": ix, "inputs": names}));
                                analysed += 1;
                            }
                            Err(e) => {
                                text.push_str(&format!("\n{name}: not analysed: {e}\n"));
                                results.push(json!({"output": name, "error": e.to_string()}));
                                refused.push(format!("{name}: {e}"));
                            }
                        }
                    }
                }
            }
        }
        if analysed == 0 {
            return Err(Fail::new(
                format!("no output was analysed: {}", refused.join("; ")),
                Some(
                    "pick an output that varies across runs with --output (see `docs/explore.md`, \"Sensitivity\")",
                ),
            ));
        }
        let summary = json!({
            "scenario": s.path.display().to_string(),
            "model": s.model.info().name,
            "method": format!("{:?}", a.method).to_lowercase(),
            "samples": a.samples,
            "seed": a.sweep.seed,
            "results": results,
        });
        let text = for_format(a.format, &summary, || text);
        Ok((summary, text))
    })();
    conclude(rec, result)
}

/// What a sweep prints: its summary as JSON for programs, else the text for a person.
fn for_format(
    format: OutputFormat,
    summary: &serde_json::Value,
    text: impl FnOnce() -> String,
) -> String {
    match format {
        OutputFormat::Json => format!(
            "{}\n",
            serde_json::to_string_pretty(summary).unwrap_or_default()
        ),
        _ => crate::text::clean(&text()).into_owned(),
    }
}

/// Records the outcome of a sweep that writes no file and prints its text.
fn conclude(
    rec: Option<(Records, i64)>,
    result: Result<(serde_json::Value, String), Fail>,
) -> Result<(), Fail> {
    match result {
        Ok((summary, text)) => {
            let printed = write::write(&write::Target::Stdout, text.as_bytes());
            finish_record(rec, &Ok(summary), None);
            printed
        }
        Err(f) => {
            finish_record(rec, &Err(Fail::new(f.message.clone(), None)), None);
            Err(f)
        }
    }
}

// ---------------------------------------------------------------------------------------------
// discover

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
        warn_raw(&crate::report::render(
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
                if let Some(meta) = table::read_meta(path).map_err(|e| Fail::new(e, None))? {
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
                let (cols, runs, values) = table::read_all(path).map_err(|e| Fail::new(e, None))?;
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
                let mut at = 0;
                while at < a.runs {
                    let end = (at + BLOCK).min(a.runs);
                    for row in pool.install(|| plan.rows(at..end)).map_err(failed_run)? {
                        values.extend(row);
                    }
                    bar.inc(end - at);
                    at = end;
                }
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
            boxes.push(json!({
                "description": b.chosen.describe_as(&names, &a.condition),
                "coverage": b.chosen.coverage,
                "density": b.chosen.density,
                "mass": b.chosen.mass,
                "restricted": b.chosen.restricted.iter().map(|(c, lo, hi)| json!({"input": names[*c], "low": lo, "high": hi})).collect::<Vec<_>>(),
                "tradeoff": curve,
            }));
        }
        let summary = json!({
            "scenario": s.path.display().to_string(),
            "model": s.model.info().name,
            "where": a.condition,
            "runs": runs,
            "hits": hits,
            "seed": a.sweep.seed,
            "boxes": boxes,
        });
        let text = for_format(a.format, &summary, || text);
        Ok((summary, text))
    })();
    conclude(rec, result)
}

// ---------------------------------------------------------------------------------------------
// compare

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
    let default_objective = s
        .scenario
        .war
        .as_ref()
        .map(|_| ceasefire_time_column(&s.scenario));
    let objective = a.objective.clone().or(default_objective.clone()).ok_or_else(|| {
        Fail::new(
            "compare needs an objective to measure regret on",
            Some(&format!(
                "name an output with --objective (and --maximize if more is better); the outputs are {}",
                detente_core::diag::list(&plan.outputs.iter().map(String::as_str).collect::<Vec<_>>())
            )),
        )
    })?;
    let o = pick_outputs(&plan, std::slice::from_ref(&objective))?[0];
    // No ceasefire counts as one round past the horizon (the worst outcome on that scale).
    let fallback = match (
        &s.scenario.war,
        Some(&objective) == default_objective.as_ref(),
    ) {
        (Some(w), true) => Some(w.horizon as f64 + 1.0),
        _ => None,
    };
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
        use rayon::prelude::*;
        let m = candidates.len();
        // outputs[run][candidate][output]
        let bar = progress(a.runs, "comparing");
        let mut all: Vec<Vec<Vec<f64>>> = Vec::with_capacity(a.runs as usize);
        let mut at = 0;
        while at < a.runs {
            let end = (at + BLOCK).min(a.runs);
            let block: Vec<Vec<Vec<f64>>> = pool
                .install(|| {
                    (at..end)
                        .into_par_iter()
                        .map(|run| {
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
                                        Some(p) => sampled
                                            .with_policy(p)
                                            .unwrap_or_else(|| sampled.clone()),
                                        None => sampled.clone(),
                                    }
                                    .into_start();
                                    plan.evaluate(&sc, run)
                                })
                                .collect::<Result<Vec<_>, _>>()
                        })
                        .collect::<Result<Vec<_>, _>>()
                })
                .map_err(failed_run)?;
            all.extend(block);
            bar.inc(end - at);
            at = end;
        }
        bar.finish_and_clear();
        let score = |x: f64| {
            if x.is_nan() {
                fallback.unwrap_or(f64::NAN)
            } else {
                x
            }
        };
        let better = |x: f64, y: f64| if a.maximize { x > y } else { x < y };
        let mut regret: Vec<Column> = vec![Column::default(); m];
        // Every regret, for its 90% quantile.
        let mut regrets: Vec<Vec<f64>> = vec![Vec::with_capacity(all.len()); m];
        let mut max_regret = vec![0.0f64; m];
        let mut wins = vec![0u64; m];
        let mut per_output: Vec<Vec<Column>> = vec![vec![Column::default(); plan.outputs.len()]; m];
        let mut scored = vec![Column::default(); m];
        for run in &all {
            let scores: Vec<f64> = run.iter().map(|r| score(r[o])).collect();
            let best = scores
                .iter()
                .copied()
                .filter(|x| !x.is_nan())
                .fold(
                    f64::NAN,
                    |b, x| if b.is_nan() || better(x, b) { x } else { b },
                );
            for c in 0..m {
                for (k, &x) in run[c].iter().enumerate() {
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
        let scored: Vec<Stats> = scored.iter().map(Column::stats).collect();
        let per_output: Vec<Vec<Stats>> = per_output
            .iter()
            .map(|cols| cols.iter().map(Column::stats).collect())
            .collect();
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
        let dir = if a.maximize {
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
        let mut rows = Vec::new();
        for c in 0..m {
            let (st, rg) = (&scored[c], &regret[c]);
            regrets[c].sort_by(f64::total_cmp);
            t.add_row(vec![
                label(&candidates[c]),
                format!("{:.3}", st.mean),
                format!("{:.3}", st.quantiles[2]),
                format!("{:.3}..{:.3}", st.quantiles[0], st.quantiles[4]),
                format!("{:.3}", rg.mean),
                format!(
                    "{:.3}",
                    detente_explore::summary::exact_quantile(&regrets[c], 0.9)
                ),
                format!("{:.3}", max_regret[c]),
                format!("{:.1}%", 100.0 * wins[c] as f64 / a.runs as f64),
            ]);
            rows.push(json!({
                "policy": label(&candidates[c]),
                "objective": st,
                "regret": rg,
                "max_regret": max_regret[c],
                "best_share": wins[c] as f64 / a.runs as f64,
                "outputs": plan.outputs.iter().zip(&per_output[c]).map(|(n, col)| json!({"name": n, "stats": col})).collect::<Vec<_>>(),
            }));
        }
        text.push_str(&format!("{t}\n\n"));
        text.push_str(&format!(
            "Most robust: `{}` by minimax regret (its worst shortfall against the best policy in any future is the smallest, {:.3}; Savage 1951).\n",
            label(&candidates[robust]),
            max_regret[robust]
        ));
        if best_mean != robust {
            text.push_str(&format!(
                "Lowest mean regret: `{}` ({:.3}): better on average, worse in its worst future.\n",
                label(&candidates[best_mean]),
                regret[best_mean].mean
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
            for cols in &per_output {
                let st = &cols[k];
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
        let summary = json!({
            "scenario": s.path.display().to_string(),
            "model": s.model.info().name,
            "runs": a.runs,
            "seed": a.sweep.seed,
            "objective": objective,
            "maximize": a.maximize,
            "policies": rows,
            "most_robust": {"policy": label(&candidates[robust]), "criterion": "minimax regret"},
            "lowest_mean_regret": label(&candidates[best_mean]),
        });
        let text = for_format(a.format, &summary, || text);
        Ok((summary, text))
    })();
    conclude(rec, result)
}
