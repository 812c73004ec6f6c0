//! What the sweep commands (`explore`, `sensitivity`, `discover`, `compare`) share: loading
//! the scenario and model, checks before any work, the thread pool, progress bars, the run
//! records and printing a summary. Each command is in its own `*_cmd.rs`; the numbers come
//! from `detente-explore`, the files and records from `detente-store`.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};

use detente_core::Scenario;
use detente_core::model::{self, Model};
use detente_explore::explore::{Plan, RunFailure};
use detente_explore::run::BlockError;
use detente_explore::sample::Design;
use detente_store::records::{self, NewRun, Records, RunKind};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::cli::{self, DesignArg, OutputFormat};
use crate::{Fail, input, write};

/// Largest number of runs a sweep accepts.
pub const MAX_RUNS: u64 = 1_000_000_000_000;

/// The loaded scenario and the model, shared by the sweep commands.
pub struct Setup {
    pub path: PathBuf,
    pub bytes: Vec<u8>,
    pub scenario: Scenario,
    pub model: &'static dyn Model,
    /// Whether this run is recorded (`--no-record`, `DETENTE_RECORD`).
    pub record: bool,
}

pub fn setup(a: &cli::SweepArgs) -> Result<Setup, Fail> {
    let one = input::load_one(
        &a.input.file,
        a.input.from.map(Into::into),
        "a sweep runs one",
    )?;
    // Checked before any work, even with --no-record: a misspelt value is never ignored.
    let record = records::recording_from_env()? && !a.no_record;
    let scenario = one.scenario;
    let model = model::choose(&scenario, a.model.as_deref())
        .map_err(|e| Fail::new(e.to_string(), Some(&e.help())))?;
    Ok(Setup {
        path: a.input.file.clone(),
        bytes: one.text.into_bytes(),
        scenario,
        model,
        record,
    })
}

pub fn with_policy(sc: &Scenario, policy: Option<&str>) -> Result<Scenario, Fail> {
    sc.apply_policy(policy)
        .map(std::borrow::Cow::into_owned)
        .map_err(|e| Fail::new(e.to_string(), Some(&e.help())))
}

pub fn design(d: DesignArg) -> Design {
    match d {
        DesignArg::Mc => Design::MonteCarlo,
        DesignArg::Lhs => Design::LatinHypercube,
    }
}

pub fn check_runs(runs: u64, what: &str) -> Result<(), Fail> {
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
pub fn check_memory(runs: u64, columns: usize, what: &str) -> Result<(), Fail> {
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

pub fn bytes(n: u64) -> String {
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
pub fn pool(threads: Option<usize>) -> Result<rayon::ThreadPool, Fail> {
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

pub fn progress(total: u64, what: &str) -> ProgressBar {
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

pub fn failed_run(f: RunFailure) -> Fail {
    Fail::new(
        format!("run {} failed: {}", f.run, f.error.message),
        f.error.help.as_deref(),
    )
}

/// A failure of the block runner: a run that failed, or the sink's own failure.
pub fn block_failed(e: BlockError<RunFailure, Fail>) -> Fail {
    match e {
        BlockError::Run(f) => failed_run(f),
        BlockError::Sink(f) => f,
    }
}

/// Starts a run record (unless recording is off); a sweep still runs when the records cannot be opened (with a warning).
pub fn record(kind: RunKind, s: &Setup, seed: u64) -> Option<(Records, i64)> {
    if !s.record {
        return None;
    }
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

pub fn finish_record(
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
pub fn warn(msg: &str) {
    eprintln!("note: {}", crate::text::clean(msg));
}

#[allow(clippy::print_stderr)]
pub fn warn_raw(text: &str) {
    eprint!("{}", crate::text::clean(text));
}

/// The outputs an analysis covers: those asked for (checked), else every output column.
pub fn pick_outputs(plan: &Plan, asked: &[String]) -> Result<Vec<usize>, Fail> {
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

/// What a sweep prints: its summary as JSON for programs, else the text for a person.
pub fn for_format(
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
pub fn conclude(
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

/// A typed summary as the JSON a sweep prints and records: through `serde_json::Value`, whose
/// maps sort their keys, as the summaries always have been.
pub fn to_json(summary: &impl serde::Serialize) -> serde_json::Value {
    serde_json::to_value(summary).unwrap_or(serde_json::Value::Null)
}
