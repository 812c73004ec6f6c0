//! `detente backtest`: every model scored against the outcomes of a DEU-format file.

use std::path::PathBuf;
use std::time::Instant;

use clap::{Args, Subcommand, ValueEnum};
use detente_backtest::backtest::{self, Forecaster, Report, Settings};
use detente_backtest::capability::Scheme;
use detente_backtest::cases::{self, Dataset};
use detente_backtest::doc::{self, Timing, signed2};
use detente_core::diag::{did_you_mean, list};
use detente_core::import::{self, Format};

use crate::Fail;
use crate::cli::OutArgs;
use crate::diagnostics::render;
use crate::{format, input, write};

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum BacktestFormat {
    /// A leaderboard for a person.
    Table,
    /// The contract of docs/output.md, for programs.
    Json,
    /// The page docs/BACKTEST.md: both capability schemes, the cross-validated model, the
    /// timing.
    Markdown,
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum CapabilityArg {
    /// Every actor 1.
    Equal,
    /// Council voting weights by the treaty in force at the proposal's date; Commission and
    /// Parliament by convention (docs/BACKTEST.md).
    Council,
}

impl From<CapabilityArg> for Scheme {
    fn from(c: CapabilityArg) -> Scheme {
        match c {
            CapabilityArg::Equal => Scheme::Equal,
            CapabilityArg::Council => Scheme::Council,
        }
    }
}

/// `detente backtest FILE` scores the models on DEU decisions; `detente backtest wars DIR`
/// scores war forecasters on real wars. The subcommand and the file are exclusive (clap's
/// `args_conflicts_with_subcommands`), so `detente backtest FILE` works as before; a DEU file
/// named `wars` is given as `./wars`.
#[derive(Args, Debug)]
#[command(args_conflicts_with_subcommands = true, subcommand_negates_reqs = true)]
pub struct BacktestArgs {
    #[command(subcommand)]
    pub command: Option<BacktestCommand>,
    /// A DEU-format file: tab-separated, one issue per row, with prnr, isnr, p<actor> and
    /// s<actor>, rp and out (data/deu/README.md).
    #[arg(required = true)]
    pub data: Option<PathBuf>,
    /// Forecasters to score, comma-separated: models (`detente models`) and the references
    /// rp, commission, median-actor. Default: all of them.
    #[arg(long, value_delimiter = ',')]
    pub models: Vec<String>,
    #[arg(long, value_enum, default_value_t = BacktestFormat::Table)]
    pub format: BacktestFormat,
    /// Capability scheme [default: council; markdown: both].
    #[arg(long, value_enum)]
    pub capability: Option<CapabilityArg>,
    /// Seed of the models, the bootstrap and the folds.
    #[arg(long, default_value_t = 0)]
    pub seed: u64,
    /// Bootstrap resamples of proposals for the intervals.
    #[arg(long, default_value_t = 1000, value_parser = clap::value_parser!(u32).range(1..=1_000_000))]
    pub bootstrap: u32,
    /// Folds of the cross-validation of `fitted-mean` over proposals; 0 to skip it.
    #[arg(long, default_value_t = 10, value_parser = clap::value_parser!(u32).range(0..=1000))]
    pub folds: u32,
    #[command(flatten)]
    pub out: OutArgs,
}

#[derive(Subcommand, Debug)]
pub enum BacktestCommand {
    /// Score war forecasters against real inter-state wars (COW), leaders after war
    /// (Archigos) and civil-war cease-fires (Fortna): docs/WAR-BACKTEST.md.
    Wars(crate::backtest_wars_cmd::WarsArgs),
}

pub fn backtest(mut a: BacktestArgs) -> Result<(), Fail> {
    let data = match (a.command.take(), &a.data) {
        (Some(BacktestCommand::Wars(w)), _) => return crate::backtest_wars_cmd::wars(w),
        (None, Some(d)) => d.clone(),
        (None, None) => {
            return Err(Fail::new(
                "backtest needs a DEU file, or `wars DIR`",
                Some("detente backtest data/deu/deu3-train.tsv, or detente backtest wars DIR"),
            ));
        }
    };
    deu(&a, &data)
}

fn deu(a: &BacktestArgs, data: &std::path::Path) -> Result<(), Fail> {
    let started = Instant::now();
    let target = write::target(a.out.output.as_deref(), a.out.force, &[data])?;
    if a.folds == 1 {
        return Err(Fail::new(
            "--folds 1 leaves nothing to train on",
            Some("use 2 or more folds (10 is the default), or 0 to skip the cross-validation"),
        ));
    }
    let forecasters = forecasters(&a.models)?;
    let name = data.display().to_string();
    let text = input::read_text(data)?;
    let dataset = load(&name, &text)?;
    let settings = |scheme: Scheme, folds: u32| Settings {
        scheme,
        seed: a.seed,
        resamples: a.bootstrap as usize,
        level: 0.95,
        folds: folds as usize,
    };
    let run = |scheme: Scheme, folds: u32| -> Result<Report, Fail> {
        backtest::run(&name, &dataset, &forecasters, &settings(scheme, folds)).map_err(|diags| {
            eprint!("{}", render(&name, &text, &diags));
            Fail::reported(format!(
                "{name} cannot be backtested with `{}` capabilities",
                scheme.name()
            ))
        })
    };
    let out = match a.format {
        BacktestFormat::Table => table(&run(scheme_of(a.capability), a.folds)?),
        BacktestFormat::Json => format::json(&run(scheme_of(a.capability), a.folds)?),
        BacktestFormat::Markdown => {
            let schemes: Vec<Scheme> = match a.capability {
                Some(c) => vec![c.into()],
                None => vec![Scheme::Council, Scheme::Equal],
            };
            let mut reports = Vec::new();
            let mut seconds = 0.0;
            for (k, &scheme) in schemes.iter().enumerate() {
                // The cross-validated model is declared for the first scheme only.
                reports.push(run(scheme, if k == 0 { a.folds } else { 0 })?);
                if k == 0 {
                    seconds = started.elapsed().as_secs_f64();
                }
            }
            let timing = Timing {
                seconds,
                threads: rayon::current_num_threads(),
                release: !cfg!(debug_assertions),
            };
            doc::markdown(&command_line(a, &name), &reports, Some(timing))
        }
    };
    match a.format {
        BacktestFormat::Json => write::write(&target, out.as_bytes()),
        _ => crate::text::print(&target, &out),
    }
}

fn scheme_of(c: Option<CapabilityArg>) -> Scheme {
    c.map_or(Scheme::Council, Into::into)
}

/// The command as it could be typed again, for the generated page.
fn command_line(a: &BacktestArgs, name: &str) -> String {
    let mut s = format!("detente backtest {name} --format markdown");
    if !a.models.is_empty() {
        s.push_str(&format!(" --models {}", a.models.join(",")));
    }
    if let Some(c) = a.capability {
        s.push_str(&format!(" --capability {}", Scheme::from(c).name()));
    }
    if a.seed != 0 {
        s.push_str(&format!(" --seed {}", a.seed));
    }
    if a.bootstrap != 1000 {
        s.push_str(&format!(" --bootstrap {}", a.bootstrap));
    }
    if a.folds != 10 {
        s.push_str(&format!(" --folds {}", a.folds));
    }
    s
}

fn forecasters(names: &[String]) -> Result<Vec<Forecaster>, Fail> {
    if names.is_empty() {
        return Ok(Forecaster::all());
    }
    let known = Forecaster::names();
    names
        .iter()
        .map(|n| {
            let n = n.trim();
            if n.is_empty() {
                return Err(Fail::new(
                    "--models has an empty name",
                    Some("separate names with single commas, e.g. --models compromise,median"),
                ));
            }
            Forecaster::by_name(n).ok_or_else(|| {
                Fail::new(
                    format!("unknown model `{n}`"),
                    Some(&format!(
                        "{}; the backtest knows {}",
                        did_you_mean(n, &known, "model"),
                        list(&known)
                    )),
                )
            })
        })
        .collect()
}

/// Reads a DEU text into cases; diagnostics go to standard error.
fn load(name: &str, text: &str) -> Result<Dataset, Fail> {
    if import::detect(text) != Format::Deu {
        return Err(Fail::new(
            format!("{name} is not a DEU-format file"),
            Some(
                "the backtest reads DEU files: tab-separated, a header line with prnr, isnr, p<actor> and s<actor> pairs, rp and out (see data/deu/README.md)",
            ),
        ));
    }
    let stem = std::path::Path::new(name)
        .file_stem()
        .map_or_else(|| "deu".into(), |s| s.to_string_lossy().into_owned());
    let imported = import::import(Format::Deu, text, &stem).map_err(|diags| {
        eprint!("{}", render(name, text, &diags));
        Fail::reported(format!("{name} is not a valid DEU file"))
    })?;
    input::report_warnings(name, text, &imported.warnings);
    let dataset = cases::build(text, &imported).map_err(|diags| {
        eprint!("{}", render(name, text, &diags));
        Fail::reported(format!("{name} is not a valid DEU file"))
    })?;
    if dataset.cases.is_empty() {
        return Err(Fail::new(
            format!("{name} has no issue with a recorded outcome, so there is nothing to score"),
            Some("the backtest scores forecasts against the `out` column; fill it in"),
        ));
    }
    Ok(dataset)
}

fn num(x: Option<f64>) -> String {
    x.map_or("-".into(), |v| format!("{v:.2}"))
}

fn pct(x: Option<f64>) -> String {
    x.map_or("-".into(), |v| format!("{:.0}%", 100.0 * v))
}

fn interval(x: Option<[f64; 2]>, signed: bool) -> String {
    match (x, signed) {
        (None, _) => "-".into(),
        (Some([a, b]), false) => format!("{a:.2} .. {b:.2}"),
        (Some([a, b]), true) => format!("{} .. {}", signed2(a), signed2(b)),
    }
}

/// The leaderboard for a person.
fn table(r: &Report) -> String {
    let level = format!("{:.0}%", 100.0 * r.level);
    let mut out = format!(
        "backtest of {}: {} issues with an outcome (of {}), {} proposals\n\
         capabilities: {}; seed {}; {} bootstrap resamples of proposals, {level} intervals\n\n",
        r.data, r.cases, r.issues, r.proposals, r.capability, r.seed, r.bootstrap
    );
    let mut t = format::plain_table(&[
        "model",
        "n",
        "MAE",
        &format!("{level} CI"),
        "median AE",
        "<=10",
        "<=20",
        "vs compromise",
        &format!("{level} CI"),
    ]);
    for e in &r.models {
        let (diff, dci) = if e.model == "compromise" {
            ("baseline".to_string(), String::new())
        } else {
            (
                e.diff_vs_compromise.map_or("-".into(), signed2),
                interval(e.diff_ci, true),
            )
        };
        t.add_row(vec![
            e.model.clone(),
            e.n.to_string(),
            num(e.mae),
            interval(e.mae_ci, false),
            num(e.median_ae),
            pct(e.within10),
            pct(e.within20),
            diff,
            dci,
        ]);
    }
    out.push_str(&t.to_string());
    out.push('\n');
    let mut notes = Vec::new();
    for e in &r.models {
        if e.skipped > 0 {
            notes.push(format!(
                "{} skipped {} of {} cases: {}",
                e.model,
                e.skipped,
                r.cases,
                e.skip_reason.as_deref().unwrap_or("no reason given")
            ));
        }
        if let Some(n) = &e.note {
            notes.push(format!("{}: {n}", e.model));
        }
    }
    if r.positions_left_out > 0 {
        notes.push(format!(
            "{} positions left out by the `{}` capabilities (the Parliament under CNS, states not yet members)",
            r.positions_left_out, r.capability
        ));
    }
    if let Some(cv) = &r.cv {
        notes.push(format!(
            "fitted-mean, {}-fold cross-validation over proposals: MAE {} ({level} CI {}), vs compromise {} ({level} CI {})",
            cv.folds,
            num(cv.mae),
            interval(cv.mae_ci, false),
            cv.diff_vs_compromise.map_or("-".into(), signed2),
            interval(cv.diff_ci, true)
        ));
    }
    for n in notes {
        out.push_str(&format!("note: {n}\n"));
    }
    out
}
