//! The war model as a forecaster of historical wars (issue 15).
//!
//! A war is written as a war-model scenario from what is observed before it starts, the
//! initiator's and the target's summed capabilities, and from four global defaults that no one
//! observes: the front's speed and volatility, the sides' cost of war, and their mutual
//! optimism. The defaults are calibrated on the training wars by the simulated method of
//! moments ([`calibrate`]), with common random numbers, and the fitted model forecasts each
//! held-out war from its own seed. Choices and sources: `docs/WAR-BACKTEST.md`, "The war model".

use std::sync::Mutex;

use argmin::core::{CostFunction, Error, Executor};
use argmin::solver::neldermead::NelderMead;
use detente_core::Scenario;
use detente_core::model::war::{Ending, simulate};
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use rand_distr::{Distribution, StandardNormal};
use rayon::prelude::*;
use serde::Serialize;

use super::cases::{Outcome, WarCase, WarInputs};
use super::ceasefires::{Group, GroupEstimate};
use super::forecast::{Duration, FittedWar, WarForecast, WarForecaster};

/// Days in a month of the model (the Gregorian mean).
pub const DAYS_PER_MONTH: f64 = 30.436_875;
/// Months simulated: a war still going after twenty years counts as a stalemate of that length.
pub const HORIZON_MONTHS: u32 = 240;
/// A settlement giving one side at least this share of the stakes is that side's victory.
pub const DECISIVE_SHARE: f64 = 2.0 / 3.0;
/// Months of watching the front each side's prior about the balance is worth.
pub const BELIEF_MONTHS: f64 = 12.0;

/// The defaults no one observes, fitted on training wars.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Defaults {
    /// Drift of the front at full superiority, in points of the 0..100 stakes a month.
    pub front_speed: f64,
    /// Volatility of the front, in points per square root of a month.
    pub front_volatility: f64,
    /// Each side's cost of war per month, in units of the stakes (its ideal held forever = 1).
    pub cost: f64,
    /// Mutual optimism: each side's belief in its own share of the balance is the truth moved
    /// by this much on the logit scale (Blainey 1973; Fearon 1995).
    pub optimism: f64,
    /// The initiator's edge: its capability is multiplied by e^edge. Initiators win more
    /// often than their capabilities say (Wang & Ray 1994; Reiter & Stam 2002): they choose
    /// when and where to fight.
    pub initiator_edge: f64,
    /// Decisiveness g of the contest function (Hirshleifer 1989): how far a lead in material
    /// capability becomes a lead on the battlefield (the balance is a^g / (a^g + b^g)).
    pub decisiveness: f64,
    /// What differs between wars and is not in their capabilities (terrain, technology, what
    /// the stakes are worth): each run's speed, volatility and cost are multiplied by
    /// independent e^{h Z}, Z standard normal, h this number (a random effect).
    pub heterogeneity: f64,
}

impl Default for Defaults {
    /// The starting point of the calibration: the war model's own defaults for the front (20
    /// and 5 points a year, converted), a cost of 0.2 points a month, an optimism of 1.5 (a
    /// side at parity believes it holds 82% of the balance), an edge of 0.5 and a
    /// decisiveness of 0.5. The last four were set after a trial fit on the shared wars
    /// (docs/WAR-BACKTEST.md says so): the held-out wars are the clean check.
    fn default() -> Defaults {
        Defaults {
            front_speed: 20.0 / 12.0,
            front_volatility: 5.0 / 12f64.sqrt(),
            cost: 0.002,
            optimism: 1.5,
            initiator_edge: 0.5,
            decisiveness: 0.5,
            heterogeneity: 0.5,
        }
    }
}

impl Defaults {
    fn to_vec(self) -> Vec<f64> {
        vec![
            self.front_speed.ln(),
            self.front_volatility.ln(),
            self.cost.ln(),
            self.optimism,
            self.initiator_edge,
            self.decisiveness.ln(),
            self.heterogeneity.ln(),
        ]
    }

    /// From the optimiser's coordinates, kept inside what the scenario format accepts.
    fn from_slice(x: &[f64]) -> Defaults {
        Defaults {
            front_speed: x[0].clamp(-12.0, 8.0).exp(),
            front_volatility: x[1].clamp(-12.0, 8.0).exp(),
            cost: x[2].clamp(-16.0, 4.0).exp(),
            optimism: x[3].clamp(-6.0, 6.0),
            initiator_edge: x[4].clamp(-6.0, 6.0),
            decisiveness: x[5].clamp(-6.0, 3.0).exp(),
            heterogeneity: x[6].clamp(-8.0, 1.0).exp(),
        }
    }
}

/// How much simulation a fit and a forecast use.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct ModelSettings {
    /// Runs per training war for each evaluation of the calibration's objective.
    pub fit_runs: u32,
    /// Runs per forecast war.
    pub runs: u32,
    /// Nelder-Mead iterations of the calibration.
    pub iterations: u64,
}

impl Default for ModelSettings {
    fn default() -> ModelSettings {
        ModelSettings {
            fit_runs: 32,
            runs: 200,
            iterations: 60,
        }
    }
}

/// The scenario of a war with A the initiator: capabilities from the observed share (parity
/// when unknown), the stakes from 0 (the target's position) to 100 (the initiator's), the front
/// at the middle, a neutral third party at the table, linear loss (a settlement is worth its
/// share, as in Fearon 1995), talks every month from the end of the first.
pub fn scenario(x: &WarInputs, d: &Defaults) -> Scenario {
    let observed = x.initiator_share.unwrap_or(0.5).clamp(0.001, 0.999);
    // Capabilities with the initiator's edge, and its true share of the balance (what each
    // side's belief is moved from).
    let (ca, cb) = (
        100.0 * observed * d.initiator_edge.exp(),
        100.0 * (1.0 - observed),
    );
    let g = d.decisiveness;
    let share = 1.0 / (1.0 + (cb / ca).powf(g));
    let belief = |own: f64| {
        let logit = (own / (1.0 - own)).ln() + d.optimism;
        (1.0 / (1.0 + (-logit).exp())).clamp(0.001, 0.999)
    };
    let text = format!(
        r#"format = 1
[scenario]
name = "historical war"
time_unit = "month"
[[issue]]
id = "stakes"
status_quo = 50
[[actor]]
id = "initiator"
capability = {ca:e}
position = {{ stakes = 100 }}
salience = {{ stakes = 1 }}
[[actor]]
id = "target"
capability = {cb:e}
position = {{ stakes = 0 }}
salience = {{ stakes = 1 }}
[[actor]]
id = "third_party"
capability = 1
position = {{ stakes = 50 }}
salience = {{ stakes = 1 }}
[war]
belligerents = ["initiator", "target"]
stakes = "stakes"
forum = ["third_party"]
horizon = {HORIZON_MONTHS}
loss = "linear"
discount = 0.99
front_speed = {v:e}
front_volatility = {s:e}
decisiveness = {g:e}
collapse = 0
talks = 1
first_talks = 1
[[war.side]]
actor = "initiator"
cost = {c:e}
win_belief = {wa}
belief_strength = {BELIEF_MONTHS}
[[war.side]]
actor = "target"
cost = {c:e}
win_belief = {wb}
belief_strength = {BELIEF_MONTHS}
[war.after]
baseline_hazard = 0
"#,
        g = g,
        v = d.front_speed,
        s = d.front_volatility,
        c = d.cost,
        wa = belief(share),
        wb = belief(1.0 - share),
    );
    // Every number above is inside the format's bounds by construction (Defaults::from_slice
    // clamps, the share is clamped), so a refusal here is a bug, not bad input.
    detente_core::parse_toml(&text)
        .unwrap_or_else(|d| panic!("historical war scenario refused: {d:?}\n{text}"))
        .at_start()
}

/// One simulated war: its outcome for the initiator and its log duration in days.
pub fn classify(ending: &Ending, duration_months: f64) -> (Outcome, f64) {
    let outcome = match *ending {
        Ending::Victory { side: 0, .. } => Outcome::InitiatorWins,
        Ending::Victory { .. } => Outcome::InitiatorLoses,
        Ending::Ceasefire { share, .. } if share >= DECISIVE_SHARE => Outcome::InitiatorWins,
        Ending::Ceasefire { share, .. } if share <= 1.0 - DECISIVE_SHARE => Outcome::InitiatorLoses,
        Ending::Ceasefire { .. } | Ending::Ongoing => Outcome::Other,
    };
    // A war lasts at least a day.
    (outcome, (duration_months * DAYS_PER_MONTH).max(1.0).ln())
}

/// `runs` simulated runs of one war: outcome counts and log days, in run order.
pub fn simulate_war(x: &WarInputs, d: &Defaults, runs: u32) -> ([u32; 3], Vec<f64>) {
    let mut counts = [0u32; 3];
    let mut days = Vec::with_capacity(runs as usize);
    for i in 0..runs {
        let w = run_war(x, d, i);
        let (o, ld) = classify(&w.ending, w.duration);
        counts[o.index()] += 1;
        days.push(ld);
    }
    (counts, days)
}

/// Run `i` of a war: its own random effects (from stream 1 of its seed), then the war model.
fn run_war(x: &WarInputs, d: &Defaults, i: u32) -> detente_core::model::war::WarResult {
    let seed = x.seed.wrapping_add(u64::from(i));
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    rng.set_stream(1);
    let mut effect = || {
        let z: f64 = StandardNormal.sample(&mut rng);
        (d.heterogeneity * z).exp()
    };
    let this = Defaults {
        front_speed: d.front_speed * effect(),
        front_volatility: d.front_volatility * effect(),
        cost: d.cost * effect(),
        ..*d
    };
    simulate(&scenario(x, &this), seed).1
}

/// How many moments the calibration matches.
pub const MOMENTS: usize = 7;

/// log days of 90 days and of two years.
fn short_long() -> (f64, f64) {
    (90f64.ln(), (2.0 * 365.25f64).ln())
}

/// The moments the calibration matches, data or model.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Moments {
    /// Share of wars the initiator wins.
    pub initiator_wins: f64,
    /// Share of wars the initiator loses.
    pub initiator_loses: f64,
    /// Mean of log days.
    pub mean_log_days: f64,
    /// Standard deviation of log days.
    pub sd_log_days: f64,
    /// Share of wars over within 90 days.
    pub short: f64,
    /// Share of wars lasting more than two years.
    pub long: f64,
    /// The initiator's win rate when it holds more than half the capabilities, less its win
    /// rate when it does not; `None` when one of the two groups is empty.
    pub stronger_gap: Option<f64>,
}

impl Moments {
    fn values(&self) -> [Option<f64>; MOMENTS] {
        [
            Some(self.initiator_wins),
            Some(self.initiator_loses),
            Some(self.mean_log_days),
            Some(self.sd_log_days),
            Some(self.short),
            Some(self.long),
            self.stronger_gap,
        ]
    }

    /// The moments' names, in the order of the objective.
    pub const NAMES: [&'static str; MOMENTS] = [
        "P(initiator wins)",
        "P(initiator loses)",
        "mean log days",
        "sd log days",
        "P(over within 90 days)",
        "P(longer than 2 years)",
        "win-rate gap, stronger vs weaker initiator",
    ];
}

fn stronger(x: &WarInputs) -> bool {
    x.initiator_share.unwrap_or(0.5) > 0.5
}

/// Per war: P(win), P(lose), and its log days; pooled into [`Moments`].
fn moments(per_war: &[([f64; 3], Vec<f64>)], inputs: &[&WarInputs]) -> Moments {
    let n = per_war.len() as f64;
    let mean = |i: usize| per_war.iter().map(|w| w.0[i]).sum::<f64>() / n;
    let all: Vec<f64> = per_war.iter().flat_map(|w| w.1.iter().copied()).collect();
    let m = all.iter().sum::<f64>() / all.len() as f64;
    let var =
        all.iter().map(|x| (x - m) * (x - m)).sum::<f64>() / (all.len() as f64 - 1.0).max(1.0);
    let group = |strong: bool| {
        let w: Vec<f64> = per_war
            .iter()
            .zip(inputs)
            .filter(|(_, x)| stronger(x) == strong)
            .map(|(w, _)| w.0[0])
            .collect();
        (!w.is_empty()).then(|| w.iter().sum::<f64>() / w.len() as f64)
    };
    let (lo, hi) = short_long();
    let share = |f: &dyn Fn(f64) -> bool| {
        per_war
            .iter()
            .map(|w| w.1.iter().filter(|&&x| f(x)).count() as f64 / w.1.len() as f64)
            .sum::<f64>()
            / n
    };
    Moments {
        initiator_wins: mean(0),
        initiator_loses: mean(1),
        mean_log_days: m,
        sd_log_days: var.sqrt(),
        short: share(&|x| x <= lo),
        long: share(&|x| x > hi),
        stronger_gap: group(true).zip(group(false)).map(|(a, b)| a - b),
    }
}

/// The data's moments and the sampling variance of each (the objective's weights).
fn data_moments(train: &[WarCase]) -> (Moments, [f64; MOMENTS]) {
    let per_war: Vec<([f64; 3], Vec<f64>)> = train
        .iter()
        .map(|c| {
            let mut p = [0.0; 3];
            p[c.truth.outcome.index()] = 1.0;
            (p, vec![c.truth.log_days()])
        })
        .collect();
    let inputs: Vec<&WarInputs> = train.iter().map(|c| &c.inputs).collect();
    let m = moments(&per_war, &inputs);
    let n = train.len() as f64;
    let bern = |p: f64, n: f64| (p * (1.0 - p) / n.max(1.0)).max(0.25 / (n.max(1.0) * n.max(1.0)));
    let count = |strong: bool| inputs.iter().filter(|x| stronger(x) == strong).count() as f64;
    let win = |strong: bool| {
        let k = count(strong);
        let w = train
            .iter()
            .filter(|c| stronger(&c.inputs) == strong && c.truth.outcome == Outcome::InitiatorWins)
            .count() as f64;
        (w / k.max(1.0), k)
    };
    let ((p1, n1), (p0, n0)) = (win(true), win(false));
    let s2 = m.sd_log_days * m.sd_log_days;
    let var = [
        bern(m.initiator_wins, n),
        bern(m.initiator_loses, n),
        (s2 / n).max(1e-4),
        (s2 / (2.0 * n)).max(1e-4),
        bern(m.short, n),
        bern(m.long, n),
        bern(p1, n1) + bern(p0, n0),
    ];
    (m, var)
}

/// What a calibration found.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Calibration {
    /// The fitted defaults.
    pub defaults: Defaults,
    /// The objective at them: the sum over moments of (model - data)^2 / variance of the data
    /// moment.
    pub objective: f64,
    /// The training wars' moments.
    pub data: Moments,
    /// The model's, at the fitted defaults (with the calibration's runs).
    pub model: Moments,
    /// Evaluations of the objective.
    pub evaluations: u64,
    /// Training wars.
    pub wars: usize,
}

struct Objective<'a> {
    train: &'a [WarCase],
    data: Moments,
    var: [f64; MOMENTS],
    runs: u32,
    evaluations: std::sync::atomic::AtomicU64,
}

impl Objective<'_> {
    fn model(&self, d: &Defaults) -> Moments {
        let per_war: Vec<([f64; 3], Vec<f64>)> = self
            .train
            .par_iter()
            .map(|c| {
                let (counts, days) = simulate_war(&c.inputs, d, self.runs);
                let n = f64::from(self.runs);
                (counts.map(|k| f64::from(k) / n), days)
            })
            .collect();
        let inputs: Vec<&WarInputs> = self.train.iter().map(|c| &c.inputs).collect();
        moments(&per_war, &inputs)
    }

    fn distance(&self, m: &Moments) -> f64 {
        m.values()
            .iter()
            .zip(self.data.values())
            .zip(self.var)
            .filter_map(|((a, b), v)| Some((a.as_ref()? - b?).powi(2) / v))
            .sum()
    }
}

// argmin's executor takes the problem by value; a reference lets `calibrate` use it after.
impl CostFunction for &Objective<'_> {
    type Param = Vec<f64>;
    type Output = f64;
    fn cost(&self, x: &Vec<f64>) -> Result<f64, Error> {
        self.evaluations
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        Ok(self.distance(&self.model(&Defaults::from_slice(x))))
    }
}

/// Fits the defaults on `train` by the simulated method of moments: Nelder-Mead (Lagarias et
/// al. 1998, argmin's implementation) on the log of the speed, volatility and cost and on the
/// optimism, from [`Defaults::default`], every evaluation on the same seeds.
pub fn calibrate(train: &[WarCase], s: &ModelSettings) -> Calibration {
    let (data, var) = data_moments(train);
    let obj = Objective {
        train,
        data,
        var,
        runs: s.fit_runs,
        evaluations: Default::default(),
    };
    let x0 = Defaults::default().to_vec();
    let mut simplex = vec![x0.clone()];
    for i in 0..x0.len() {
        let mut x = x0.clone();
        x[i] += 0.7;
        simplex.push(x);
    }
    let best = match NelderMead::new(simplex)
        .with_sd_tolerance(1e-6)
        .map_err(|e| e.to_string())
        .and_then(|nm| {
            Executor::new(&obj, nm)
                .configure(|st| st.max_iters(s.iterations))
                .run()
                .map_err(|e| e.to_string())
        }) {
        Ok(res) => res.state.best_param.unwrap_or(x0),
        // The objective never fails; a solver error leaves the starting point.
        Err(_) => x0,
    };
    let evaluations = obj.evaluations.load(std::sync::atomic::Ordering::Relaxed);
    let defaults = Defaults::from_slice(&best);
    let model = obj.model(&defaults);
    Calibration {
        defaults,
        objective: obj.distance(&model),
        data,
        model,
        evaluations,
        wars: train.len(),
    }
}

/// The war model as a forecaster: calibrated on each fold's training wars; every fit is kept
/// for the report (the spread of the folds' fits is the calibration's uncertainty).
pub struct WarModelForecaster {
    settings: ModelSettings,
    fits: Mutex<Vec<Calibration>>,
}

impl WarModelForecaster {
    /// A forecaster with these settings.
    pub fn new(settings: ModelSettings) -> WarModelForecaster {
        WarModelForecaster {
            settings,
            fits: Mutex::new(Vec::new()),
        }
    }

    /// The calibrations made so far, sorted by number of training wars then by objective so
    /// that the order does not depend on which fold's fit finished first.
    pub fn fits(&self) -> Vec<Calibration> {
        let mut v = self.fits.lock().map(|f| f.clone()).unwrap_or_default();
        v.sort_by(|a, b| {
            (a.wars, a.objective)
                .partial_cmp(&(b.wars, b.objective))
                .unwrap_or(std::cmp::Ordering::Equal)
        });
        v
    }
}

struct Fitted {
    defaults: Defaults,
    runs: u32,
}

impl FittedWar for Fitted {
    fn predict(&self, x: &WarInputs) -> WarForecast {
        let (counts, days) = simulate_war(x, &self.defaults, self.runs);
        // Half a run added to each outcome, so that no outcome has probability 0 (the log
        // score of a finite sample would otherwise be infinite).
        let n = f64::from(self.runs) + 1.5;
        WarForecast {
            outcome: counts.map(|k| (f64::from(k) + 0.5) / n),
            duration: Duration::Sample(days),
        }
    }
}

impl WarForecaster for WarModelForecaster {
    fn name(&self) -> &str {
        "war-model"
    }

    fn summary(&self) -> &str {
        "detente's war model: each war written from its capabilities, seven defaults calibrated on the training wars by simulated moments"
    }

    fn fit(&self, train: &[WarCase]) -> Box<dyn FittedWar> {
        let cal = calibrate(train, &self.settings);
        let defaults = cal.defaults;
        if let Ok(mut f) = self.fits.lock() {
            f.push(cal);
        }
        Box::new(Fitted {
            defaults,
            runs: self.settings.runs,
        })
    }
}

/// The durability module against Fortna's cease-fires: its one free number, the baseline
/// hazard of renewal, fitted to the cease-fires without peacekeepers; its mechanism for
/// monitoring (a strongest monitoring halves the baseline hazard, `docs/models/war.md`) then
/// predicts the cease-fires with peacekeepers, which it was not fitted on.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CeasefireCheck {
    /// The group fitted on and the group predicted.
    pub groups: [Group; 2],
    /// The fitted baseline hazard (`after.baseline_hazard`, a month).
    pub baseline_hazard: f64,
    /// The model's P(war resumes within 12, 24, 60 months) without monitoring, at the fit.
    pub without: [f64; 3],
    /// The same with the strongest monitoring: the prediction.
    pub with: [f64; 3],
}

/// A settlement at parity signed at once (complete information), on 50 of the stakes, with
/// the strongest monitoring or none, and no shift of power after it. A renewed war costs
/// little (a hundredth of the stakes over its discounted length), so that the Powell margins
/// are near 0 and the hazards near the baseline: the fitted baseline is the hazard itself.
fn peace_scenario(baseline_hazard: f64, monitoring: bool) -> Scenario {
    let m = if monitoring { 100 } else { 0 };
    let text = format!(
        r#"format = 1
[scenario]
name = "cease-fire"
time_unit = "month"
[[issue]]
id = "stakes"
status_quo = 50
[[issue]]
id = "monitoring"
status_quo = {m}
[[actor]]
id = "a"
capability = 1
position = {{ stakes = 100 }}
salience = {{ stakes = 1 }}
[[actor]]
id = "b"
capability = 1
position = {{ stakes = 0 }}
salience = {{ stakes = 1 }}
[[actor]]
id = "third_party"
capability = 1
position = {{ stakes = 50, monitoring = {m} }}
salience = {{ stakes = 1, monitoring = 1 }}
[war]
belligerents = ["a", "b"]
stakes = "stakes"
forum = ["third_party"]
horizon = 12
loss = "linear"
discount = 0.99
front_speed = 0.01
front_volatility = 0.01
collapse = 0
[[war.side]]
actor = "a"
cost = 0.0001
[[war.side]]
actor = "b"
cost = 0.0001
[war.terms]
monitoring = "monitoring"
[war.after]
horizon = 60
baseline_hazard = {baseline_hazard:e}
"#
    );
    detente_core::parse_toml(&text)
        .unwrap_or_else(|d| panic!("cease-fire scenario refused: {d:?}\n{text}"))
        .at_start()
}

/// The module's P(war resumes within 12, 24, 60 months) for a baseline hazard.
pub fn renewal(baseline_hazard: f64, monitoring: bool) -> [f64; 3] {
    let (_, w) = simulate(&peace_scenario(baseline_hazard, monitoring), 0);
    w.renewal.map(|p| p.unwrap_or(f64::NAN))
}

/// Fits the baseline hazard to `groups[0]`'s Kaplan-Meier estimates at 12, 24 and 60 months
/// (least squares, golden section on its logit) and predicts `groups[1]` with monitoring.
/// `None` when the estimates of either group are missing.
pub fn ceasefire_check(estimates: &[GroupEstimate], groups: [Group; 2]) -> Option<CeasefireCheck> {
    let find = |g: Group| estimates.iter().find(|e| e.group == g);
    let observed: Vec<f64> = find(groups[0])?.p.iter().copied().collect::<Option<_>>()?;
    find(groups[1])?;
    let loss = |x: f64| {
        let p = 1.0 / (1.0 + (-x).exp());
        renewal(p, false)
            .iter()
            .zip(&observed)
            .map(|(m, o)| (m - o) * (m - o))
            .sum::<f64>()
    };
    let (mut a, mut b) = (-12.0f64, 2.0f64);
    let phi = 0.5 * (5f64.sqrt() - 1.0);
    let (mut c, mut d) = (b - phi * (b - a), a + phi * (b - a));
    let (mut fc, mut fd) = (loss(c), loss(d));
    for _ in 0..60 {
        if fc <= fd {
            (b, d, fd) = (d, c, fc);
            c = b - phi * (b - a);
            fc = loss(c);
        } else {
            (a, c, fc) = (c, d, fd);
            d = a + phi * (b - a);
            fd = loss(d);
        }
    }
    let p = 1.0 / (1.0 + (-(0.5 * (a + b))).exp());
    Some(CeasefireCheck {
        groups,
        baseline_hazard: p,
        without: renewal(p, false),
        with: renewal(p, true),
    })
}

/// Leaders after war against Archigos: the war model's hazard of removal, `removal` x (1 - the
/// side's value of its position), Goemans (2000), applied for two years after the war to the
/// settled outcome (1 for a victory, 0 for a defeat, the share for a settlement), beside a
/// regular turnover that does not depend on the war. The two rates are fitted to the pooled
/// shares (winners and losers together); the split between winners and losers is then the
/// mechanism's prediction.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LeaderCheck {
    /// The fitted regular turnover, a month.
    pub regular: f64,
    /// The fitted removal rate at the worst outcome, a month.
    pub removal: f64,
    /// The model's shares out within two years: winners, losers (all exits), winners, losers
    /// (irregular or foreign).
    pub model: [f64; 4],
    /// The simulated winners' and losers' sides the shares average over.
    pub sides: [usize; 2],
}

/// The defaults of several fits in one: geometric means of the rates, arithmetic of the
/// shifts.
pub fn pooled(fits: &[Calibration]) -> Option<Defaults> {
    if fits.is_empty() {
        return None;
    }
    let n = fits.len() as f64;
    let geo = |f: &dyn Fn(&Defaults) -> f64| {
        (fits.iter().map(|c| f(&c.defaults).ln()).sum::<f64>() / n).exp()
    };
    let mean = |f: &dyn Fn(&Defaults) -> f64| fits.iter().map(|c| f(&c.defaults)).sum::<f64>() / n;
    Some(Defaults {
        front_speed: geo(&|d| d.front_speed),
        front_volatility: geo(&|d| d.front_volatility),
        cost: geo(&|d| d.cost),
        optimism: mean(&|d| d.optimism),
        initiator_edge: mean(&|d| d.initiator_edge),
        decisiveness: geo(&|d| d.decisiveness),
        heterogeneity: geo(&|d| d.heterogeneity),
    })
}

/// Each simulated side's settled value: winners' and losers' (1 and 0 for victories, the
/// share for decisive settlements).
fn settled_values(cases: &[WarCase], d: &Defaults, runs: u32) -> [Vec<f64>; 2] {
    // The winner's value of each decisive run; the loser's is the rest.
    let won: Vec<f64> = cases
        .par_iter()
        .map(|c| {
            (0..runs)
                .filter_map(|i| match run_war(&c.inputs, d, i).ending {
                    Ending::Victory { .. } => Some(1.0),
                    Ending::Ceasefire { share, .. } if share >= DECISIVE_SHARE => Some(share),
                    Ending::Ceasefire { share, .. } if share <= 1.0 - DECISIVE_SHARE => {
                        Some(1.0 - share)
                    }
                    _ => None,
                })
                .collect::<Vec<f64>>()
        })
        .flatten()
        .collect();
    let lost = won.iter().map(|u| 1.0 - u).collect();
    [won, lost]
}

/// Fits and predicts [`LeaderCheck`] from the observed shares; `None` without winners or
/// losers on either side.
pub fn leader_check(
    cases: &[WarCase],
    d: &Defaults,
    runs: u32,
    observed: &super::leaders::LeaderShares,
) -> Option<LeaderCheck> {
    let [won, lost] = settled_values(cases, d, runs);
    if won.is_empty() || lost.is_empty() {
        return None;
    }
    let (nw, nl) = (observed.won_exit.n as f64, observed.lost_exit.n as f64);
    if nw + nl == 0.0 {
        return None;
    }
    let months = 24.0;
    let mean =
        |v: &[f64], f: &dyn Fn(f64) -> f64| v.iter().map(|&u| f(u)).sum::<f64>() / v.len() as f64;
    let out = |h: f64| -(-h * months).exp_m1();
    let pooled = |f: &dyn Fn(f64) -> f64| (nw * mean(&won, f) + nl * mean(&lost, f)) / (nw + nl);
    let target_irr = (observed.won_irregular.k + observed.lost_irregular.k) as f64
        / (observed.won_irregular.n + observed.lost_irregular.n).max(1) as f64;
    let target_all = (observed.won_exit.k + observed.lost_exit.k) as f64 / (nw + nl);
    // Both pooled shares rise with their rate: bisection on the log of each.
    let solve = |f: &dyn Fn(f64) -> f64, target: f64| {
        let (mut lo, mut hi) = (-20.0f64, 5.0f64);
        for _ in 0..100 {
            let mid = 0.5 * (lo + hi);
            if f(mid.exp()) < target {
                lo = mid
            } else {
                hi = mid
            }
        }
        (0.5 * (lo + hi)).exp()
    };
    let removal = solve(&|m| pooled(&|u| out(m * (1.0 - u))), target_irr);
    let regular = solve(&|b| pooled(&|u| out(b + removal * (1.0 - u))), target_all);
    Some(LeaderCheck {
        regular,
        removal,
        model: [
            mean(&won, &|u| out(regular + removal * (1.0 - u))),
            mean(&lost, &|u| out(regular + removal * (1.0 - u))),
            mean(&won, &|u| out(removal * (1.0 - u))),
            mean(&lost, &|u| out(removal * (1.0 - u))),
        ],
        sides: [won.len(), lost.len()],
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::wars::cases::Truth;
    use crate::wars::data::OutcomeType;

    fn inputs(share: f64, seed: u64) -> WarInputs {
        WarInputs {
            start_year: 1900,
            initiator_cinc: Some(share),
            target_cinc: Some(1.0 - share),
            initiator_share: Some(share),
            initiator_states: 1,
            target_states: 1,
            seed,
        }
    }

    fn case(id: u32, share: f64, outcome: Outcome, days: u32) -> WarCase {
        WarCase {
            id,
            name: format!("war {id}"),
            start_date: "1900-01-01".into(),
            outcome_type: OutcomeType::Victory,
            cinc_missing_records: 0,
            inputs: inputs(share, u64::from(id)),
            truth: Truth {
                outcome,
                duration_days: days,
            },
        }
    }

    #[test]
    fn endings_are_read_for_the_initiator() {
        let cf = |share: f64| Ending::Ceasefire {
            round: 1,
            time: 2.0,
            share,
        };
        let win = |side: usize| Ending::Victory {
            side,
            round: 1,
            time: 2.0,
            collapse: false,
        };
        assert_eq!(classify(&win(0), 2.0).0, Outcome::InitiatorWins);
        assert_eq!(classify(&win(1), 2.0).0, Outcome::InitiatorLoses);
        assert_eq!(classify(&cf(0.7), 2.0).0, Outcome::InitiatorWins);
        assert_eq!(classify(&cf(0.3), 2.0).0, Outcome::InitiatorLoses);
        assert_eq!(classify(&cf(0.5), 2.0).0, Outcome::Other);
        assert_eq!(classify(&Ending::Ongoing, 240.0).0, Outcome::Other);
        // Two months are 60.87 days; a war of no time lasts a day.
        assert!((classify(&cf(0.5), 2.0).1 - (2.0 * DAYS_PER_MONTH).ln()).abs() < 1e-12);
        assert_eq!(classify(&cf(0.5), 0.0).1, 0.0);
    }

    /// The initiator's edge is a multiplier on its capability: a large one makes it win, a
    /// large negative one makes it lose, at the same observed capabilities (Hirshleifer's
    /// contest: the balance goes to 1 or 0 with the ratio of strengths).
    #[test]
    fn the_edge_decides_the_winner_at_its_limits() {
        let share = |edge: f64| {
            let d = Defaults {
                initiator_edge: edge,
                decisiveness: 1.0,
                heterogeneity: 0.1,
                ..Defaults::default()
            };
            let (counts, _) = simulate_war(&inputs(0.5, 7), &d, 40);
            [counts[0], counts[1]].map(|k| f64::from(k) / 40.0)
        };
        let (up, down) = (share(5.0), share(-5.0));
        assert!(up[0] > 0.9, "{up:?}");
        assert!(down[1] > 0.9, "{down:?}");
    }

    #[test]
    fn forecasts_are_deterministic_and_differ_by_seed() {
        let d = Defaults::default();
        let a = simulate_war(&inputs(0.6, 3), &d, 20);
        assert_eq!(a, simulate_war(&inputs(0.6, 3), &d, 20));
        assert_ne!(a.1, simulate_war(&inputs(0.6, 4), &d, 20).1);
    }

    /// The calibration keeps the best point it evaluated: its objective is no worse than at the
    /// start, on the same seeds; and the data moments are counted by hand.
    #[test]
    fn calibration_never_ends_worse_than_it_started() {
        let train: Vec<WarCase> = (0..10)
            .map(|i| {
                let share = 0.17 + 0.06 * f64::from(i);
                let won = if i % 3 == 0 {
                    Outcome::InitiatorLoses
                } else {
                    Outcome::InitiatorWins
                };
                case(i, share, won, 100 + 90 * i)
            })
            .collect();
        let s = ModelSettings {
            fit_runs: 2,
            runs: 4,
            iterations: 6,
        };
        let (data, _) = data_moments(&train);
        assert!((data.initiator_wins - 0.6).abs() < 1e-12);
        assert!((data.initiator_loses - 0.4).abs() < 1e-12);
        // Shares above 1/2 are i = 6..=9, won at i = 7, 8 (2/4); below, i = 0..=5, won at
        // i = 1, 2, 4, 5 (4/6).
        assert!((data.stronger_gap.unwrap() - (0.5 - 4.0 / 6.0)).abs() < 1e-12);
        let fit = calibrate(&train, &s);
        let start = Objective {
            train: &train,
            data,
            var: data_moments(&train).1,
            runs: s.fit_runs,
            evaluations: Default::default(),
        };
        let at_start = start.distance(&start.model(&Defaults::default()));
        assert!(
            fit.objective <= at_start + 1e-12,
            "{} > {at_start}",
            fit.objective
        );
        assert!(fit.evaluations > 7, "{}", fit.evaluations);
    }

    /// A constant hazard h gives 1 - e^{-h t}: the fit recovers a hazard whose curve it is
    /// given, and the strongest monitoring halves the hazard (1 - (1 - P)^(1/2)).
    #[test]
    fn the_ceasefire_fit_recovers_a_known_hazard_and_monitoring_halves_it() {
        let truth = renewal(0.03, false);
        let est = |group: Group, p: [f64; 3]| GroupEstimate {
            group,
            n: 10,
            failed: 5,
            conflicts: 10,
            p: p.iter().map(|&x| Some(x)).collect(),
            ci: vec![None; 3],
        };
        let e = [est(Group::PcwNoPk, truth), est(Group::PcwPk, [0.1; 3])];
        let c = ceasefire_check(&e, [Group::PcwNoPk, Group::PcwPk]).unwrap();
        assert!(
            (c.baseline_hazard - 0.03).abs() < 1e-4,
            "{}",
            c.baseline_hazard
        );
        for ((w, m), t) in c.without.iter().zip(c.with).zip(truth) {
            assert!((w - t).abs() < 1e-4);
            let halved = 1.0 - (1.0 - t).sqrt();
            assert!((m - halved).abs() < 1e-3, "{:?} vs {halved}", c.with);
        }
        assert!(ceasefire_check(&e[..1], [Group::PcwNoPk, Group::PcwPk]).is_none());
    }

    /// Goemans (2000) as the model has it: the fitted rates reproduce the pooled shares they
    /// were fitted to, and losers, whose settled value is lower, leave more often than winners.
    #[test]
    fn leaders_fit_the_pooled_shares_and_losers_leave_more() {
        use crate::wars::leaders::{LeaderShares, Restriction, Share};
        let cases: Vec<WarCase> = (0..8)
            .map(|i| case(i, 0.3 + 0.05 * f64::from(i), Outcome::InitiatorWins, 200))
            .collect();
        let sh = |k: usize, n: usize| Share {
            n,
            k,
            share: Some(k as f64 / n as f64),
            wilson: None,
        };
        let observed = LeaderShares {
            restriction: Restriction::All,
            won_exit: sh(20, 60),
            lost_exit: sh(20, 40),
            won_irregular: sh(3, 60),
            lost_irregular: sh(9, 40),
        };
        let c = leader_check(&cases, &Defaults::default(), 20, &observed).unwrap();
        let (w, l) = (c.sides[0] as f64, c.sides[1] as f64);
        assert!(w > 0.0 && w == l, "{:?}", c.sides);
        let pooled_all = (60.0 * c.model[0] + 40.0 * c.model[1]) / 100.0;
        let pooled_irr = (60.0 * c.model[2] + 40.0 * c.model[3]) / 100.0;
        assert!((pooled_all - 0.4).abs() < 1e-9, "{pooled_all}");
        assert!((pooled_irr - 0.12).abs() < 1e-9, "{pooled_irr}");
        assert!(
            c.model[1] > c.model[0] && c.model[3] > c.model[2],
            "{:?}",
            c.model
        );
        let p = pooled(&[]);
        assert!(p.is_none());
    }
}
