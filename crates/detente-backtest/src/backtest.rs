//! A backtest: every forecaster on every case, scored against the outcomes.

use detente_core::Diagnostic;
use detente_core::model::{self, Model, ModelError, RunOptions};
use rayon::prelude::*;
use serde::Serialize;

use crate::capability::{Scheme, Weighted, apply};
use crate::cases::{Case, Dataset};
use crate::cv::{self, CvReport};
use crate::score::{Bootstrap, Scores, score};

/// A simple forecast that is not a bargaining model, as a yardstick.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reference {
    /// The reference point `rp` (the status quo): "nothing changes".
    Rp,
    /// The Commission's position: "the proposal passes as proposed".
    Commission,
    /// The median of the positions taken, every actor counted once (no capability, no
    /// salience): the median actor.
    MedianActor,
}

impl Reference {
    /// Every reference, in the leaderboard's order of listing.
    pub const ALL: [Reference; 3] = [Reference::Rp, Reference::Commission, Reference::MedianActor];

    /// The name the command line and the leaderboard use, e.g. `median-actor`.
    pub fn name(self) -> &'static str {
        match self {
            Reference::Rp => "rp",
            Reference::Commission => "commission",
            Reference::MedianActor => "median-actor",
        }
    }

    /// One line on what the forecast is, for `--list` and the Markdown report.
    pub fn summary(self) -> &'static str {
        match self {
            Reference::Rp => "the reference point `rp`: nothing changes",
            Reference::Commission => "the Commission's position: the proposal as proposed",
            Reference::MedianActor => {
                "median of the positions, one actor one vote (no capability, no salience)"
            }
        }
    }

    /// The forecast for a case, or why there is none. Reads the positions and `rp`, never the
    /// outcome; the capability scheme does not matter.
    pub fn forecast(self, case: &Case) -> Result<f64, NoForecast> {
        match self {
            Reference::Rp => case.rp.ok_or(NoForecast::NoReferencePoint),
            Reference::Commission => case
                .scenario
                .stakes(0)
                .iter()
                .find(|s| case.scenario.actors[s.actor].id == "com")
                .map(|s| s.position)
                .ok_or(NoForecast::NoCommissionPosition),
            Reference::MedianActor => {
                let positions: Vec<f64> =
                    case.scenario.stakes(0).iter().map(|s| s.position).collect();
                crate::score::median(&positions).ok_or(NoForecast::NoPositions)
            }
        }
    }
}

/// Why a forecaster has no forecast for a case; the case counts as skipped, and the first
/// reason is shown.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum NoForecast {
    /// The case's reference point is empty.
    #[error("no reference point (`rp` is empty)")]
    NoReferencePoint,
    /// The case has no Commission position.
    #[error("no Commission position (`pcom` is empty)")]
    NoCommissionPosition,
    /// No actor takes a position.
    #[error("no positions")]
    NoPositions,
    /// The model refused the case.
    #[error("{}", .0.message)]
    Refused(ModelError),
    /// The model ran but settled no finite outcome; holds the model's name.
    #[error("`{0}` settled no outcome")]
    NoOutcome(&'static str),
}

/// Something that forecasts a case's outcome.
#[derive(Clone, Copy)]
pub enum Forecaster {
    /// A detente model, run on the case's scenario under the capability scheme.
    Model(&'static dyn Model),
    /// A yardstick computed from the positions and `rp` alone.
    Reference(Reference),
}

impl std::fmt::Debug for Forecaster {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

impl Forecaster {
    /// The model's name or the reference's, as `--models` takes it.
    pub fn name(&self) -> &'static str {
        match self {
            Forecaster::Model(m) => m.info().name,
            Forecaster::Reference(r) => r.name(),
        }
    }

    /// `model` or `reference`, as the leaderboard's `kind` column shows it.
    pub fn kind(&self) -> &'static str {
        match self {
            Forecaster::Model(_) => "model",
            Forecaster::Reference(_) => "reference",
        }
    }

    /// Every model of `detente_core::model::all()`, then the references.
    pub fn all() -> Vec<Forecaster> {
        model::all()
            .iter()
            .map(|&m| Forecaster::Model(m))
            .chain(Reference::ALL.map(Forecaster::Reference))
            .collect()
    }

    /// The forecaster of [`Forecaster::all`] with this name.
    pub fn by_name(name: &str) -> Option<Forecaster> {
        Forecaster::all().into_iter().find(|f| f.name() == name)
    }

    /// The names of [`Forecaster::all`], in its order.
    pub fn names() -> Vec<&'static str> {
        Forecaster::all().iter().map(Forecaster::name).collect()
    }

    fn forecast(
        &self,
        case: &Case,
        weighted: &Weighted,
        opts: &RunOptions,
    ) -> Result<f64, NoForecast> {
        match self {
            Forecaster::Model(m) => {
                let result = m
                    .run(&weighted.scenario, opts)
                    .map_err(NoForecast::Refused)?;
                match result.outcomes.first().copied().flatten() {
                    Some(x) if x.is_finite() => Ok(x),
                    _ => Err(NoForecast::NoOutcome(self.name())),
                }
            }
            Forecaster::Reference(r) => r.forecast(case),
        }
    }
}

/// How a backtest is run.
#[derive(Debug, Clone, Copy)]
pub struct Settings {
    /// How the actors' capabilities are set from the case (`--capability`).
    pub scheme: Scheme,
    /// Seeds the models (`RunOptions::seed`), the bootstrap and the cross-validation folds.
    pub seed: u64,
    /// Bootstrap resamples.
    pub resamples: usize,
    /// Level of the intervals, e.g. 0.95.
    pub level: f64,
    /// Folds of the cross-validation; 0 for none.
    pub folds: usize,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            scheme: Scheme::Council,
            seed: 0,
            resamples: 1000,
            level: 0.95,
            folds: 10,
        }
    }
}

/// One row of the leaderboard.
#[derive(Debug, Clone, Serialize)]
pub struct Entry {
    /// The forecaster's name.
    pub model: String,
    /// `model` (a detente model) or `reference` (a yardstick).
    pub kind: &'static str,
    /// Cases it forecast.
    pub n: usize,
    /// Mean absolute error, in points of the 0..100 scale; `None` with no forecast.
    pub mae: Option<f64>,
    /// Bootstrap percentile interval of the MAE over proposals, at the report's `level`.
    pub mae_ci: Option<[f64; 2]>,
    /// Median absolute error, in points.
    pub median_ae: Option<f64>,
    /// Share of its forecasts within 10 points of the outcome, 0..1.
    pub within10: Option<f64>,
    /// Share within 20 points, 0..1.
    pub within20: Option<f64>,
    /// Mean of (its error - compromise's) over the paired cases, in points; below 0 is better.
    pub diff_vs_compromise: Option<f64>,
    /// Bootstrap percentile interval of that difference.
    pub diff_ci: Option<[f64; 2]>,
    /// Cases forecast by both this forecaster and `compromise` (what the difference is over).
    pub n_paired: usize,
    /// Cases the forecaster refused or left unsettled.
    pub skipped: usize,
    /// Why, in the words of the first refusal.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub skip_reason: Option<String>,
    /// Anything else a reader should know, e.g. that the forecasts equal compromise's.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// A whole backtest.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    /// The data file as the caller names it.
    pub data: String,
    /// The capability scheme's name ([`Scheme::name`]).
    pub capability: &'static str,
    /// The seed of the models, the bootstrap and the folds.
    pub seed: u64,
    /// Bootstrap resamples.
    pub bootstrap: usize,
    /// Level of the intervals, e.g. 0.95.
    pub level: f64,
    /// Rows of the file.
    pub issues: usize,
    /// Issues with an outcome: the cases.
    pub cases: usize,
    /// Distinct proposals among the cases: the clusters the bootstrap and the folds draw.
    pub proposals: usize,
    /// Issues left out because their outcome is empty.
    pub without_outcome: usize,
    /// Positions left out by the capability scheme (EP under CNS, non-members), in all.
    pub positions_left_out: usize,
    /// The leaderboard, by MAE (forecasters with no forecast last).
    pub models: Vec<Entry>,
    /// The cross-validation of `fitted-mean`; `None` with fewer than 2 folds.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cv: Option<CvReport>,
}

/// Every case's scenario under `scheme`; all the problems at once.
pub fn weigh(dataset: &Dataset, scheme: Scheme) -> Result<Vec<Weighted>, Vec<Diagnostic>> {
    let mut out = Vec::with_capacity(dataset.cases.len());
    let mut errors = Vec::new();
    for case in &dataset.cases {
        match apply(scheme, case) {
            Ok(w) => out.push(w),
            Err(d) => errors.push(d),
        }
    }
    if errors.is_empty() {
        Ok(out)
    } else {
        // A missing column is one problem, not one per row.
        errors.dedup_by(|a, b| a.span.is_none() && a.message == b.message);
        Err(errors)
    }
}

/// Forecasts of every forecaster (outer) for every case (inner).
pub fn forecasts(
    dataset: &Dataset,
    weighted: &[Weighted],
    forecasters: &[Forecaster],
    seed: u64,
) -> Vec<Vec<Result<f64, NoForecast>>> {
    let opts = RunOptions { seed };
    // Cases in parallel: smp takes milliseconds a case, the others microseconds.
    let by_case: Vec<Vec<Result<f64, NoForecast>>> = dataset
        .cases
        .par_iter()
        .zip(weighted.par_iter())
        .map(|(case, w)| {
            forecasters
                .iter()
                .map(|f| f.forecast(case, w, &opts))
                .collect()
        })
        .collect();
    (0..forecasters.len())
        .map(|k| by_case.iter().map(|row| row[k].clone()).collect())
        .collect()
}

/// Runs a backtest of `forecasters` (duplicates are run once) on `dataset`.
pub fn run(
    data: &str,
    dataset: &Dataset,
    forecasters: &[Forecaster],
    settings: &Settings,
) -> Result<Report, Vec<Diagnostic>> {
    let weighted = weigh(dataset, settings.scheme)?;
    let mut list: Vec<Forecaster> = Vec::new();
    for f in forecasters {
        if !list.iter().any(|g| g.name() == f.name()) {
            list.push(*f);
        }
    }
    // compromise is the baseline of every paired difference, asked for or not.
    let asked_compromise = list.iter().any(|f| f.name() == "compromise");
    if !asked_compromise {
        list.insert(
            0,
            Forecaster::by_name("compromise").expect("compromise exists"),
        );
    }
    let all = forecasts(dataset, &weighted, &list, settings.seed);
    let outcomes: Vec<f64> = dataset.cases.iter().map(|c| c.outcome).collect();
    let errors = |fc: &[Result<f64, NoForecast>]| -> Vec<Option<f64>> {
        fc.iter()
            .zip(&outcomes)
            .map(|(f, o)| f.as_ref().ok().map(|x| (x - o).abs()))
            .collect()
    };
    let base_index = list
        .iter()
        .position(|f| f.name() == "compromise")
        .expect("inserted above");
    let base_errors = errors(&all[base_index]);
    let labels: Vec<&str> = dataset.cases.iter().map(|c| c.proposal.as_str()).collect();
    let boot = Bootstrap::new(&labels, settings.resamples, settings.seed);
    let mut entries: Vec<Entry> = list
        .iter()
        .zip(&all)
        .filter(|(f, _)| asked_compromise || f.name() != "compromise")
        .map(|(f, fc)| {
            let s: Scores = score(&errors(fc), &base_errors, &boot, settings.level);
            let refusals: Vec<&NoForecast> = fc.iter().filter_map(|r| r.as_ref().err()).collect();
            let same = f.name() != "compromise"
                && fc
                    .iter()
                    .zip(&all[base_index])
                    .all(|(a, b)| matches!((a, b), (Ok(x), Ok(y)) if (x - y).abs() <= 1e-9));
            Entry {
                model: f.name().to_string(),
                kind: f.kind(),
                n: s.n,
                mae: s.mae,
                mae_ci: s.mae_ci,
                median_ae: s.median_ae,
                within10: s.within10,
                within20: s.within20,
                diff_vs_compromise: s.diff,
                diff_ci: s.diff_ci,
                n_paired: s.n_paired,
                skipped: refusals.len(),
                skip_reason: refusals.first().map(|r| r.to_string()),
                note: same.then(|| {
                    "forecasts equal compromise's on every case (each DEU case is a single issue)"
                        .to_string()
                }),
            }
        })
        .collect();
    entries.sort_by(|a, b| match (a.mae, b.mae) {
        (Some(x), Some(y)) => x.total_cmp(&y).then_with(|| a.model.cmp(&b.model)),
        (Some(_), None) => std::cmp::Ordering::Less,
        (None, Some(_)) => std::cmp::Ordering::Greater,
        (None, None) => a.model.cmp(&b.model),
    });
    let cv = (settings.folds >= 2).then(|| {
        cv::cross_validate(
            dataset,
            &weighted,
            &base_errors,
            &boot,
            settings.folds,
            settings.seed,
            settings.level,
        )
    });
    Ok(Report {
        data: data.to_string(),
        capability: settings.scheme.name(),
        seed: settings.seed,
        bootstrap: settings.resamples,
        level: settings.level,
        issues: dataset.issues,
        cases: dataset.cases.len(),
        proposals: dataset.proposals(),
        without_outcome: dataset.without_outcome,
        positions_left_out: weighted.iter().map(|w| w.left_out.len()).sum(),
        models: entries,
        cv,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cases::build;
    use detente_core::import::{Format, import};

    /// The reasons as they were when they were strings (the leaderboard shows the first).
    #[test]
    fn skip_reasons() {
        let refused = ModelError {
            message: "needs two actors".into(),
            help: Some("add one".into()),
        };
        for (e, want) in [
            (
                NoForecast::NoReferencePoint,
                "no reference point (`rp` is empty)",
            ),
            (
                NoForecast::NoCommissionPosition,
                "no Commission position (`pcom` is empty)",
            ),
            (NoForecast::NoPositions, "no positions"),
            (NoForecast::Refused(refused), "needs two actors"),
            (NoForecast::NoOutcome("smp"), "`smp` settled no outcome"),
        ] {
            assert_eq!(e.to_string(), want);
        }
    }

    /// Three issues of two proposals, saliences all equal, so that compromise is the plain mean:
    /// p1i1: positions 100, 50, 0 (mean 50), rp 0, outcome 40;
    /// p1i2: 80, 20, 20 (mean 40), no rp, outcome 40;
    /// p2i1: 0, 100, 90 (mean 190/3), rp 100, outcome 70.
    const TEXT: &str = "prnr\tisnr\tproc\tintro\tpcom\tpep\tpde\tscom\tsep\tsde\trp\tout\n\
        p1\tp1i1\tCOD\t11-03-99\t100\t50\t0\t50\t50\t50\t0\t40\n\
        p1\tp1i2\tCOD\t11-03-99\t80\t20\t20\t50\t50\t50\t\t40\n\
        p2\tp2i1\tCNS\t11-03-99\t0\t100\t90\t50\t50\t50\t100\t70\n";

    fn report(names: &[&str]) -> Report {
        let imported = import(Format::Deu, TEXT, "t").unwrap();
        let dataset = build(TEXT, &imported).unwrap();
        let fs: Vec<Forecaster> = names
            .iter()
            .map(|n| Forecaster::by_name(n).unwrap())
            .collect();
        let settings = Settings {
            scheme: Scheme::Equal,
            resamples: 50,
            folds: 0,
            ..Settings::default()
        };
        run("t.tsv", &dataset, &fs, &settings).unwrap()
    }

    fn close(a: Option<f64>, b: f64) -> bool {
        a.is_some_and(|a| (a - b).abs() < 1e-12)
    }

    #[test]
    fn hand_computed_leaderboard() {
        let r = report(&["rp", "median-actor", "compromise", "commission"]);
        assert_eq!((r.cases, r.proposals, r.issues), (3, 2, 3));
        let names: Vec<&str> = r.models.iter().map(|e| e.model.as_str()).collect();
        assert_eq!(names, ["compromise", "median-actor", "rp", "commission"]);
        // compromise: errors 10, 0, 20/3.
        let c = &r.models[0];
        assert!(close(c.mae, (10.0 + 0.0 + 20.0 / 3.0) / 3.0));
        assert!(close(c.median_ae, 20.0 / 3.0));
        assert_eq!((c.within10, c.within20), (Some(1.0), Some(1.0)));
        assert_eq!(c.diff_vs_compromise, Some(0.0));
        // median-actor: medians 50, 20, 90; errors 10, 20, 20.
        let m = &r.models[1];
        assert!(close(m.mae, 50.0 / 3.0));
        assert_eq!(m.within10, Some(1.0 / 3.0));
        assert!(close(m.diff_vs_compromise, 50.0 / 3.0 - 50.0 / 9.0));
        // rp: only two cases; errors 40 and 30; paired with compromise's 10 and 20/3.
        let rp = &r.models[2];
        assert_eq!((rp.n, rp.skipped, rp.n_paired), (2, 1, 2));
        assert!(close(rp.mae, 35.0));
        assert!(close(rp.diff_vs_compromise, (30.0 + 70.0 / 3.0) / 2.0));
        assert!(rp.skip_reason.as_deref().unwrap().contains("rp"));
        // commission: 100, 80, 0 against 40, 40, 70.
        assert!(close(r.models[3].mae, 170.0 / 3.0));
    }

    #[test]
    fn compromise_is_computed_even_when_not_listed_and_exchange_is_flagged() {
        let r = report(&["median-actor", "exchange"]);
        let names: Vec<&str> = r.models.iter().map(|e| e.model.as_str()).collect();
        assert_eq!(names, ["exchange", "median-actor"]);
        assert!(r.models[0].note.is_some());
        assert!(close(
            r.models[1].diff_vs_compromise,
            50.0 / 3.0 - 50.0 / 9.0
        ));
    }
}
