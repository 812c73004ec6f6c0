//! `detente backtest wars DIR`: war forecasters scored out of sample against real wars, with
//! leaders after war and civil-war cease-fires (docs/WAR-BACKTEST.md).

use std::path::{Path, PathBuf};

use clap::{Args, ValueEnum};
use detente_backtest::wars::backtest::{self, Settings, WarReport};
use detente_backtest::wars::baselines::Baseline;
use detente_backtest::wars::cases::{self, WarData};
use detente_backtest::wars::ceasefires::Group;
use detente_backtest::wars::data::{self, CeasefireRow, LeaderRow, WarFile};
use detente_backtest::wars::doc;
use detente_backtest::wars::forecast::WarForecaster;
use detente_backtest::wars::model::{ModelSettings, WarModelForecaster};
use detente_core::Diagnostic;

use crate::Fail;
use crate::cli::OutArgs;
use crate::diagnostics::render;
use crate::{format, input, write};

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum WarsFormat {
    /// The leaderboard and the main figures, for a person.
    Table,
    /// Everything, for programs.
    Json,
    /// The page docs/WAR-BACKTEST.md.
    Markdown,
}

#[derive(Args, Debug)]
pub struct WarsArgs {
    /// A folder with cow-interstate-wars.csv, cow-interstate-war-sides.csv,
    /// cow-interstate-war-participants.csv, archigos-war-leaders.csv and
    /// fortna-civil-ceasefires.csv (layout: data/war-synthetic/README.md).
    pub dir: PathBuf,
    /// Folds of the cross-validation by war (and by conflict for the cease-fires);
    /// leave-one-out when at least the number of wars.
    #[arg(long, default_value_t = 5, value_parser = clap::value_parser!(u32).range(2..=100_000))]
    pub folds: u32,
    /// Fit the war forecasters on this folder's wars (its three COW files) and score them on
    /// every war of DIR, instead of cross-validating within DIR.
    #[arg(long, value_name = "TRAIN_DIR")]
    pub fit_on: Option<PathBuf>,
    /// Seed of the folds, the bootstrap and each war's own seed.
    #[arg(long, default_value_t = 0)]
    pub seed: u64,
    /// Bootstrap resamples of wars (and conflicts) for the intervals.
    #[arg(long, default_value_t = 1000, value_parser = clap::value_parser!(u32).range(1..=1_000_000))]
    pub bootstrap: u32,
    /// Simulated runs of the war model per war forecast.
    #[arg(long, default_value_t = 200, value_parser = clap::value_parser!(u32).range(1..=100_000))]
    pub model_runs: u32,
    /// Simulated runs per training war at each step of the war model's calibration.
    #[arg(long, default_value_t = 32, value_parser = clap::value_parser!(u32).range(1..=100_000))]
    pub fit_runs: u32,
    /// Nelder-Mead iterations of the war model's calibration (0: its starting defaults).
    #[arg(long, default_value_t = 60, value_parser = clap::value_parser!(u64).range(0..=100_000))]
    pub fit_iterations: u64,
    #[arg(long, value_enum, default_value_t = WarsFormat::Table)]
    pub format: WarsFormat,
    #[command(flatten)]
    pub out: OutArgs,
}

/// A file of the folder, read.
struct Text {
    name: String,
    text: String,
}

fn path_of(dir: &Path, f: WarFile) -> PathBuf {
    dir.join(f.file_name())
}

/// Refuses a folder without the file, saying where its data come from.
fn exists(dir: &Path, f: WarFile) -> Result<PathBuf, Fail> {
    let path = path_of(dir, f);
    if !path.is_file() {
        return Err(Fail::new(
            format!("{} has no {}", dir.display(), f.file_name()),
            Some(&format!(
                "the war backtest reads five files from one folder; this one comes from {}",
                f.source()
            )),
        ));
    }
    Ok(path)
}

fn read(dir: &Path, f: WarFile) -> Result<Text, Fail> {
    let path = exists(dir, f)?;
    Ok(Text {
        name: path.display().to_string(),
        text: input::read_text(&path)?,
    })
}

fn parsed<T>(t: &Text, r: Result<T, Vec<Diagnostic>>) -> Result<T, Fail> {
    r.map_err(|diags| {
        eprint!("{}", render(&t.name, &t.text, &diags));
        Fail::reported(format!("{} cannot be read", t.name))
    })
}

/// The three COW files of a folder as cases.
fn wars_of(dir: &Path, seed: u64) -> Result<WarData, Fail> {
    let w = read(dir, WarFile::Wars)?;
    let s = read(dir, WarFile::Sides)?;
    let p = read(dir, WarFile::Participants)?;
    let wars = parsed(&w, data::parse_wars(&w.text))?;
    let sides = parsed(&s, data::parse_sides(&s.text))?;
    let parts = parsed(&p, data::parse_participants(&p.text))?;
    let built = cases::build(&wars, &sides, &parts, seed).map_err(|errs| {
        for file in WarFile::ALL {
            let t = match file {
                WarFile::Wars => &w,
                WarFile::Sides => &s,
                WarFile::Participants => &p,
                _ => continue,
            };
            let mine: Vec<Diagnostic> = errs
                .iter()
                .filter(|(f, _)| *f == file)
                .map(|(_, d)| d.clone())
                .collect();
            if !mine.is_empty() {
                eprint!("{}", render(&t.name, &t.text, &mine));
            }
        }
        Fail::reported(format!(
            "the war files of {} do not agree with each other",
            dir.display()
        ))
    })?;
    if built.cases.is_empty() {
        return Err(Fail::new(
            format!("{} has no war, so there is nothing to score", w.name),
            Some("the wars file has one row per war after its header"),
        ));
    }
    Ok(built)
}

pub fn wars(a: WarsArgs) -> Result<(), Fail> {
    let mut inputs: Vec<PathBuf> = WarFile::ALL.iter().map(|&f| path_of(&a.dir, f)).collect();
    if let Some(t) = &a.fit_on {
        inputs
            .extend([WarFile::Wars, WarFile::Sides, WarFile::Participants].map(|f| path_of(t, f)));
    }
    let refs: Vec<&Path> = inputs.iter().map(PathBuf::as_path).collect();
    let target = write::target(a.out.output.as_deref(), a.out.force, &refs)?;
    for f in WarFile::ALL {
        exists(&a.dir, f)?;
    }
    let data = wars_of(&a.dir, a.seed)?;
    if let Some(t) = &a.fit_on {
        for f in [WarFile::Wars, WarFile::Sides, WarFile::Participants] {
            exists(t, f)?;
        }
    }
    let train = match &a.fit_on {
        Some(t) => Some(wars_of(t, a.seed)?),
        None => None,
    };
    let l = read(&a.dir, WarFile::Leaders)?;
    let leaders: Vec<LeaderRow> = parsed(&l, data::parse_leaders(&l.text))?;
    let c = read(&a.dir, WarFile::Ceasefires)?;
    let ceasefires: Vec<CeasefireRow> = parsed(&c, data::parse_ceasefires(&c.text))?;
    let baselines = Baseline::all();
    let model = WarModelForecaster::new(ModelSettings {
        fit_runs: a.fit_runs,
        runs: a.model_runs,
        iterations: a.fit_iterations,
    });
    let mut forecasters: Vec<&dyn WarForecaster> = baselines.iter().map(|b| b.as_ref()).collect();
    forecasters.push(&model);
    let settings = Settings {
        folds: a.folds as usize,
        seed: a.seed,
        resamples: a.bootstrap as usize,
        level: 0.95,
        bins: 5,
    };
    let name = a.dir.display().to_string();
    let train_name = a.fit_on.as_ref().map(|t| t.display().to_string());
    let mut report = backtest::run(
        &name,
        &data,
        train_name.as_deref().zip(train.as_ref()),
        &forecasters,
        &leaders,
        &ceasefires,
        &settings,
    )
    .map_err(|e| {
        Fail::new(
            e.to_string(),
            Some("a forecaster must give probabilities that sum to 1 and a finite duration"),
        )
    })?;
    report.war_model = model.fits();
    if let (Some(d), Some(observed)) = (
        detente_backtest::wars::model::pooled(&report.war_model),
        report.leaders.first(),
    ) {
        report.war_model_leaders =
            detente_backtest::wars::model::leader_check(&data.cases, &d, a.model_runs, observed);
    }
    report.war_model_ceasefires = detente_backtest::wars::model::ceasefire_check(
        &report.ceasefires,
        [Group::PcwNoPk, Group::PcwPk],
    );
    match a.format {
        WarsFormat::Json => write::write(&target, format::json(&report).as_bytes()),
        WarsFormat::Markdown => {
            crate::text::print(&target, &doc::markdown(&command_line(&a, &name), &report))
        }
        WarsFormat::Table => crate::text::print(&target, &table(&report)),
    }
}

/// The command as it could be typed again, for the generated page.
fn command_line(a: &WarsArgs, name: &str) -> String {
    let mut s = format!("detente backtest wars {name} --format markdown");
    if let Some(t) = &a.fit_on {
        s.push_str(&format!(" --fit-on {}", t.display()));
    }
    if a.folds != 5 {
        s.push_str(&format!(" --folds {}", a.folds));
    }
    if a.seed != 0 {
        s.push_str(&format!(" --seed {}", a.seed));
    }
    if a.bootstrap != 1000 {
        s.push_str(&format!(" --bootstrap {}", a.bootstrap));
    }
    if a.fit_iterations != 60 {
        s.push_str(&format!(" --fit-iterations {}", a.fit_iterations));
    }
    if a.fit_runs != 32 {
        s.push_str(&format!(" --fit-runs {}", a.fit_runs));
    }
    if a.model_runs != 200 {
        s.push_str(&format!(" --model-runs {}", a.model_runs));
    }
    s
}

fn num(x: Option<f64>) -> String {
    x.map_or("-".into(), |v| format!("{v:.3}"))
}

fn interval(x: Option<[f64; 2]>) -> String {
    x.map_or("-".into(), |[a, b]| format!("{a:.3} .. {b:.3}"))
}

fn signed(x: Option<f64>) -> String {
    x.map_or("-".into(), |v| format!("{v:+.3}"))
}

fn pct(x: Option<f64>) -> String {
    x.map_or("-".into(), |v| format!("{:.0}%", 100.0 * v))
}

/// The leaderboard and the main figures for a person.
fn table(r: &WarReport) -> String {
    let level = format!("{:.0}%", 100.0 * r.level);
    let how = match r.scheme {
        detente_backtest::wars::cv::Scheme::Folds(k) => format!("{k}-fold cross-validation by war"),
        detente_backtest::wars::cv::Scheme::FitOn => {
            format!("fitted on {}", r.train.as_deref().unwrap_or("?"))
        }
    };
    let m = &r.summary;
    let mut out = format!(
        "war backtest of {}: {} wars ({} with a capability share); initiator won {}, lost {}, other {}\n\
         {how}; seed {}; {} bootstrap resamples of wars, {level} intervals\n\n",
        r.data,
        m.wars,
        m.with_share,
        m.outcomes[0],
        m.outcomes[1],
        m.outcomes[2],
        r.seed,
        r.bootstrap
    );
    let ci = format!("{level} CI");
    let mut t = format::plain_table(&["forecaster", "n", "Brier", &ci, "log", &ci, "CRPS", &ci]);
    for e in &r.entries {
        t.add_row(vec![
            e.forecaster.clone(),
            e.n.to_string(),
            num(e.brier.mean),
            interval(e.brier.ci),
            num(e.log.mean),
            interval(e.log.ci),
            num(e.crps.mean),
            interval(e.crps.ci),
        ]);
    }
    out.push_str(&t.to_string());
    out.push_str("\n\nminus base-rates (negative: better), paired over wars:\n");
    let mut t = format::plain_table(&["forecaster", "Brier", &ci, "log", &ci, "CRPS", &ci]);
    for d in r.diffs.iter().filter(|d| d.baseline == "base-rates") {
        t.add_row(vec![
            d.forecaster.clone(),
            signed(d.brier.mean),
            interval(d.brier.ci),
            signed(d.log.mean),
            interval(d.log.ci),
            signed(d.crps.mean),
            interval(d.crps.ci),
        ]);
    }
    out.push_str(&t.to_string());
    out.push('\n');
    if let Some(l) = r.leaders.first() {
        out.push_str(&format!(
            "\nleaders out of office within 2 years ({}): winners {} ({}/{}), losers {} ({}/{}); irregular or foreign: winners {}, losers {}\n",
            l.restriction.label(),
            pct(l.won_exit.share),
            l.won_exit.k,
            l.won_exit.n,
            pct(l.lost_exit.share),
            l.lost_exit.k,
            l.lost_exit.n,
            pct(l.won_irregular.share),
            pct(l.lost_irregular.share)
        ));
    }
    for g in r
        .ceasefires
        .iter()
        .filter(|g| matches!(g.group, Group::PcwPk | Group::PcwNoPk))
    {
        out.push_str(&format!(
            "cease-fires, {} (n={}): war resumes within 12 / 24 / 60 months: {}\n",
            g.group.label(),
            g.n,
            g.p.iter().map(|p| pct(*p)).collect::<Vec<_>>().join(" / ")
        ));
    }
    if let Some(c) = &r.war_model_leaders {
        let p = c.model.map(|x| pct(Some(x)));
        out.push_str(&format!(
            "war model's leaders (removal fitted to the pooled shares): winners {}, losers {}; irregular or foreign: winners {}, losers {}\n",
            p[0], p[1], p[2], p[3]
        ));
    }
    if let Some(c) = &r.war_model_ceasefires {
        let join = |p: [f64; 3]| p.map(|x| pct(Some(x))).join(" / ");
        out.push_str(&format!(
            "war model's peace module, fitted on {} ({}), predicts {}: {}\n",
            c.groups[0].label(),
            join(c.without),
            c.groups[1].label(),
            join(c.with)
        ));
    }
    out
}
