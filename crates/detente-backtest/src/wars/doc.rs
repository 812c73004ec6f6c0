//! The Markdown of `docs/WAR-BACKTEST.md`: the data, the leaderboard with intervals, the
//! paired differences, the calibration table, the fitted baselines, leaders after war,
//! cease-fires, the method and the sources. Every number comes from the report.

use std::fmt::Write as _;

use super::backtest::{Stat, WarReport};
use super::baselines::{RIDGE, SIGMA_FLOOR};
use super::ceasefires::{Group, HORIZONS};
use super::cv::Scheme;
use super::leaders::{Share, Z95};
use super::score::PROB_FLOOR;

fn f3(x: Option<f64>) -> String {
    x.map_or("–".into(), |v| format!("{v:.3}"))
}

fn ci3(x: Option<[f64; 2]>) -> String {
    x.map_or("–".into(), |[a, b]| format!("[{a:.3}, {b:.3}]"))
}

fn signed3(v: f64) -> String {
    let s = format!("{v:+.3}");
    if s == "+0.000" || s == "-0.000" {
        "0.000".into()
    } else {
        s
    }
}

fn sci3(x: Option<[f64; 2]>) -> String {
    x.map_or("–".into(), |[a, b]| {
        format!("[{}, {}]", signed3(a), signed3(b))
    })
}

/// `+ 1.234` or `- 1.234`, for a term of a formula.
fn term(v: f64) -> String {
    if v < 0.0 {
        format!("- {:.3}", -v)
    } else {
        format!("+ {v:.3}")
    }
}

fn pct(x: Option<f64>) -> String {
    x.map_or("–".into(), |v| format!("{:.0}%", 100.0 * v))
}

fn pct_ci(x: Option<[f64; 2]>) -> String {
    x.map_or("–".into(), |[a, b]| {
        format!("[{:.0}, {:.0}]%", 100.0 * a, 100.0 * b)
    })
}

fn share(s: &Share) -> String {
    format!("{} ({}/{}; {})", pct(s.share), s.k, s.n, pct_ci(s.wilson))
}

/// Where a paired difference stands: "better" (interval below 0), "worse", "level", or
/// "same" when the two forecast the same (the difference is 0 in every resample).
pub fn verdict(d: &Stat) -> &'static str {
    match d.ci {
        Some([lo, hi]) if lo == 0.0 && hi == 0.0 => "same",
        Some([_, hi]) if hi < 0.0 => "better",
        Some([lo, _]) if lo > 0.0 => "worse",
        Some(_) => "level",
        None => "none",
    }
}

/// The leaderboard as a Markdown table.
pub fn leaderboard(r: &WarReport) -> String {
    let mut s = String::new();
    let l = format!("{:.0}% CI", 100.0 * r.level);
    let _ = writeln!(
        s,
        "| forecaster | n | Brier | {l} | log score | {l} | CRPS (log days) | {l} | mean P(wins / loses / other) |"
    );
    s.push_str("|---|---:|---:|---|---:|---|---:|---|---|\n");
    for e in &r.entries {
        let _ = writeln!(
            s,
            "| `{}` | {} | {} | {} | {} | {} | {} | {} | {:.2} / {:.2} / {:.2} |",
            e.forecaster,
            e.n,
            f3(e.brier.mean),
            ci3(e.brier.ci),
            f3(e.log.mean),
            ci3(e.log.ci),
            f3(e.crps.mean),
            ci3(e.crps.ci),
            e.mean_outcome[0],
            e.mean_outcome[1],
            e.mean_outcome[2]
        );
    }
    s
}

/// The paired differences as a Markdown table (rows where the two forecast the same thing
/// on a score show `same`).
pub fn differences(r: &WarReport) -> String {
    let mut s = String::new();
    s.push_str("| forecaster | minus | Brier | CI | log score | CI | CRPS | CI |\n");
    s.push_str("|---|---|---:|---|---:|---|---:|---|\n");
    let cell = |d: &Stat| -> (String, String) {
        if verdict(d) == "same" {
            ("same".into(), "–".into())
        } else {
            (d.mean.map_or("–".into(), signed3), sci3(d.ci))
        }
    };
    for d in &r.diffs {
        let (b, bc) = cell(&d.brier);
        let (l, lc) = cell(&d.log);
        let (c, cc) = cell(&d.crps);
        let _ = writeln!(
            s,
            "| `{}` | `{}` | {b} | {bc} | {l} | {lc} | {c} | {cc} |",
            d.forecaster, d.baseline
        );
    }
    s
}

fn reading(r: &WarReport) -> String {
    let mut s = String::new();
    for (label, pick) in [
        ("Brier score", 0usize),
        ("log score", 1),
        ("CRPS of the duration", 2),
    ] {
        let get = |st: &super::backtest::Entry| match pick {
            0 => st.brier.mean,
            1 => st.log.mean,
            _ => st.crps.mean,
        };
        let best = r
            .entries
            .iter()
            .filter(|e| get(e).is_some())
            .min_by(|a, b| {
                get(a)
                    .unwrap_or(f64::MAX)
                    .total_cmp(&get(b).unwrap_or(f64::MAX))
            });
        let Some(best) = best else { continue };
        let vs: Vec<String> = r
            .diffs
            .iter()
            .filter(|d| d.forecaster == best.forecaster)
            .filter_map(|d| {
                let st = match pick {
                    0 => &d.brier,
                    1 => &d.log,
                    _ => &d.crps,
                };
                let v = verdict(st);
                (v != "same").then(|| {
                    format!(
                        "{} `{}` ({}, {})",
                        match v {
                            "better" => "better than",
                            "worse" => "worse than",
                            _ => "not distinguishable from",
                        },
                        d.baseline,
                        st.mean.map_or("–".into(), signed3),
                        sci3(st.ci)
                    )
                })
            })
            .collect();
        let _ = writeln!(
            s,
            "- Lowest {label}: `{}`, {}{}.",
            best.forecaster,
            f3(get(best)),
            if vs.is_empty() {
                String::new()
            } else {
                format!("; {}", vs.join(", "))
            }
        );
    }
    s
}

fn calibration(r: &WarReport) -> String {
    let mut s = String::new();
    s.push_str("| predicted P(initiator wins) |");
    for c in &r.calibration {
        let _ = write!(s, " `{}` |", c.forecaster);
    }
    s.push('\n');
    s.push_str("|---|");
    for _ in &r.calibration {
        s.push_str("---|");
    }
    s.push('\n');
    let bins = r.calibration.first().map_or(0, |c| c.bins.len());
    for b in 0..bins {
        let first = &r.calibration[0].bins[b];
        let close = if b + 1 == bins { "]" } else { ")" };
        let _ = write!(s, "| [{:.1}, {:.1}{close} |", first.lo, first.hi);
        for c in &r.calibration {
            let bin = &c.bins[b];
            if bin.n == 0 {
                s.push_str(" – |");
            } else {
                let _ = write!(
                    s,
                    " {} predicted, {} won (n={}) |",
                    pct(bin.mean_predicted),
                    pct(bin.observed),
                    bin.n
                );
            }
        }
        s.push('\n');
    }
    s
}

/// The whole document. `command` is the command line that made it.
pub fn markdown(command: &str, r: &WarReport) -> String {
    let mut s = String::new();
    let level = format!("{:.0}%", 100.0 * r.level);
    s.push_str("# War backtest: the war model and statistical baselines against real wars\n\n");
    let _ = writeln!(
        s,
        "<!-- Generated by `{command}`; do not edit by hand. The test `war_backtest_doc_is_current` in `crates/detente-cli/tests/backtest_wars.rs` compares it with a fresh run (regenerate with DETENTE_BLESS=1). -->\n"
    );
    s.push_str("Issue 15: detente's war model, each historical war written from its capabilities with a few defaults calibrated on other wars, scored out of sample against statistical baselines fitted on the same folds, whatever the result.\n\n");
    if r.data.contains("war-synthetic") {
        s.push_str("**The data on this page are synthetic** (`data/war-synthetic/`, invented by a script, not COW data): the page shows what the command writes and keeps the test honest. COW's terms forbid redistributing its data or tables derived from it, so the figures on the real files are printed by the command on the user's own copy and are not committed.\n\n");
    }

    s.push_str("## Settings\n\n");
    let how = match r.scheme {
        Scheme::Folds(k) => format!(
            "{k}-fold cross-validation by war (seeded shuffle, seed {}; leave-one-out when the folds are as many as the wars): each war is forecast by baselines fitted on the other folds only",
            r.seed
        ),
        Scheme::FitOn => format!(
            "fitted on every war of `{}` and scored on every war of `{}`",
            r.train.as_deref().unwrap_or("?"),
            r.data
        ),
    };
    let _ = writeln!(s, "- Data: `{}`. Out of sample: {how}.", r.data);
    let _ = writeln!(
        s,
        "- Intervals: {level} percentile intervals from {} bootstrap resamples of wars (seed {}); every forecaster is scored on the same resamples, so differences are paired war by war.",
        r.bootstrap, r.seed
    );
    let _ = writeln!(
        s,
        "- Scores, all losses (lower is better): the Brier score over the three outcomes (0..2); the log score -ln p(outcome), with p clamped at {PROB_FLOOR} (at most {:.2}); the CRPS of the duration on the natural log of days.\n",
        -PROB_FLOOR.ln()
    );

    let m = &r.summary;
    s.push_str("## Data\n\n");
    let _ = writeln!(
        s,
        "- {} wars{}, {} with a capability share for the initiator; {} participant records, {} without a start-year CINC; {} wars have a counting record without CINC (counted as 0 in its side's sum).",
        m.wars,
        m.years
            .map_or(String::new(), |(a, b)| format!(" starting {a} to {b}")),
        m.with_share,
        m.participant_records,
        m.participants_without_cinc,
        m.wars_with_missing_cinc
    );
    let _ = writeln!(
        s,
        "- The initiator won {}, lost {}, neither (compromise, stalemate, transformed) {}. It won {} of {} wars where it was the stronger (share > 1/2) and {} of {} where it was not.",
        m.outcomes[0],
        m.outcomes[1],
        m.outcomes[2],
        m.stronger_initiator.0,
        m.stronger_initiator.1,
        m.weaker_initiator.0,
        m.weaker_initiator.1
    );
    let _ = writeln!(
        s,
        "- Median duration {} days; log days: mean {:.2}, sd {:.2}.\n",
        m.median_days.map_or("–".into(), |d| format!("{d:.0}")),
        m.log_days.0,
        m.log_days.1
    );

    s.push_str("## Leaderboard\n\n");
    s.push_str("In the order given (baselines first).\n\n");
    for e in &r.entries {
        let _ = writeln!(s, "- `{}`: {}.", e.forecaster, e.summary);
    }
    s.push('\n');
    s.push_str(&leaderboard(r));
    s.push('\n');
    s.push_str("In words:\n\n");
    s.push_str(&reading(r));
    s.push('\n');
    s.push_str("### Paired differences\n\n");
    let _ = writeln!(
        s,
        "Each row is the forecaster's score minus the other's, war by war, averaged, with the {level} interval over the same resamples (negative: the forecaster is better). `same` marks a score on which the two forecast identically (e.g. `logit-capability` borrows base-rates' duration).\n"
    );
    s.push_str(&differences(r));
    s.push('\n');

    s.push_str("## Calibration\n\n");
    s.push_str("Out-of-sample forecasts of P(initiator wins) in bins, against the share of those wars the initiator won.\n\n");
    s.push_str(&calibration(r));
    s.push('\n');

    let w = &r.whole_fit;
    s.push_str("## The baselines fitted on every training war\n\n");
    let _ = writeln!(
        s,
        "What a forecast of new wars would use (fitted on {} wars; in-sample, not a score):\n",
        w.n
    );
    let _ = writeln!(
        s,
        "- `base-rates`: P(wins, loses, other) = {:.3}, {:.3}, {:.3}; log days ~ Normal({:.3}, {:.3}).",
        w.rates[0], w.rates[1], w.rates[2], w.log_days.0, w.log_days.1
    );
    let _ = writeln!(
        s,
        "- `logit-capability` (x = share - 1/2, ridge {RIDGE}, {} Newton steps{}): eta(wins) = {:.3} {} x, eta(loses) = {:.3} {} x, eta(other) = 0. At share 0.25, 0.5, 0.75: P(initiator wins) = {}, {}, {}.",
        w.logit.iterations,
        if w.logit.converged {
            ", converged"
        } else {
            ", NOT converged"
        },
        w.logit.coef[0][0],
        term(w.logit.coef[0][1]),
        w.logit.coef[1][0],
        term(w.logit.coef[1][1]),
        pct(Some(w.logit.probabilities(0.25)[0])),
        pct(Some(w.logit.probabilities(0.5)[0])),
        pct(Some(w.logit.probabilities(0.75)[0]))
    );
    match &w.regression {
        Some(g) => {
            let _ = writeln!(
                s,
                "- `lognormal-balance`: log days = {:.3} {} balance, residual sd {:.3} (n = {}): {:.0} days at parity, {:.0} days when one side holds everything.\n",
                g.a,
                term(g.b),
                g.s,
                g.n,
                g.a.exp(),
                (g.a + 0.5 * g.b).exp()
            );
        }
        None => s.push_str("- `lognormal-balance`: too few wars with a share to fit; it forecasts base-rates' duration.\n\n"),
    }

    s.push_str("## Leaders after war (Archigos)\n\n");
    let _ = writeln!(
        s,
        "Leaders in office on their state's last day of fighting (`role = at_exit`), occupation and foreign-imposed leaders (`leader_flag`) and censored exits left out; share out of office within two years, by the side's outcome, with 95% Wilson intervals (z = {Z95:.2}). The first restriction, every participant, is the default (the data README's reading); COW codes no principal belligerents, so the others are shown.\n"
    );
    s.push_str("| belligerents | winners out within 2 y | losers out within 2 y | winners out irregularly or by a foreign power | losers likewise |\n");
    s.push_str("|---|---|---|---|---|\n");
    for l in &r.leaders {
        let _ = writeln!(
            s,
            "| {} | {} | {} | {} | {} |",
            l.restriction.label(),
            share(&l.won_exit),
            share(&l.lost_exit),
            share(&l.won_irregular),
            share(&l.lost_irregular)
        );
    }
    s.push_str("\nA model's chance that a leader falls is compared with these by `leaders::compare` (inside or outside the Wilson interval).\n\n");

    s.push_str("## Cease-fires in civil wars (Fortna)\n\n");
    let _ = writeln!(
        s,
        "Kaplan-Meier probability that war resumes within {} months of the cease-fire (a month = 365.25/12 days), with {level} intervals from resampled conflicts (`cluster`), not cease-fires. Peacekeeping = `pk_any`.\n",
        HORIZONS
            .iter()
            .map(u32::to_string)
            .collect::<Vec<_>>()
            .join(" / ")
    );
    s.push_str("| cease-fires | n | failed | conflicts |");
    for h in HORIZONS {
        let _ = write!(s, " {h} months | CI |");
    }
    s.push_str("\n|---|---:|---:|---:|");
    for _ in HORIZONS {
        s.push_str("---:|---|");
    }
    s.push('\n');
    for g in &r.ceasefires {
        let _ = write!(
            s,
            "| {} | {} | {} | {} |",
            g.group.label(),
            g.n,
            g.failed,
            g.conflicts
        );
        for (p, c) in g.p.iter().zip(&g.ci) {
            let _ = write!(s, " {} | {} |", pct(*p), pct_ci(*c));
        }
        s.push('\n');
    }
    let pk = r.ceasefires.iter().find(|g| g.group == Group::PcwPk);
    let no = r.ceasefires.iter().find(|g| g.group == Group::PcwNoPk);
    if let (Some(pk), Some(no)) = (pk, no) {
        let _ = writeln!(
            s,
            "\nAfter the Cold War (pcw = 1), with peacekeepers: {}; without: {} (on the real file, compare with the figures issue 15 quotes for Fortna's sample).\n",
            pk.p.iter().map(|p| pct(*p)).collect::<Vec<_>>().join(" / "),
            no.p.iter().map(|p| pct(*p)).collect::<Vec<_>>().join(" / ")
        );
    }
    let cv = &r.ceasefire_cv;
    let _ = writeln!(
        s,
        "Out of sample ({} folds by conflict, {} conflicts), the Brier score of P(war resumes by the horizon) for cease-fires whose status then is known: `km-pooled` (one Kaplan-Meier curve of the training conflicts) against `km-peacekeeping` (one curve with, one without peacekeepers; a group absent from the training folds takes the pooled curve).\n",
        cv.folds, cv.conflicts
    );
    let _ = writeln!(
        s,
        "| horizon | n | `km-pooled` | `km-peacekeeping` | difference | {level} CI |"
    );
    s.push_str("|---|---:|---:|---:|---:|---|\n");
    for h in &cv.horizons {
        let _ = writeln!(
            s,
            "| {} months | {} | {} | {} | {} | {} |",
            h.months,
            h.n,
            f3(h.pooled),
            f3(h.by_pk),
            h.diff.map_or("–".into(), signed3),
            sci3(h.diff_ci)
        );
    }
    s.push_str("\nWhat carries over to inter-state wars: the shape of the durability question (a hazard of renewed war after a cease-fire, falling with time, and whether a third party's monitoring lowers it). What does not: civil wars end with one side disarmed or sharing one state, so the commitment problem is sharper and victories are far more stable than truces; the levels are not those of inter-state cease-fires, whose own data set (Fortna 2003) is not in the folder.\n\n");

    s.push_str("## Method\n\n");
    s.push_str("- **Cases.** One per COW inter-state war. The outcome is taken relative to the initiator: the initiator's side won, lost, or neither (compromise, stalemate, transformed into another type of war). COW's side numbers never reach a forecaster (they are not neutral: side 1 is mostly the winner): a forecaster sees the initiator's and the target's summed CINC in the start year, their share, their number of states and the start year, and a seed of its own for the war.\n");
    s.push_str("- **Missing capabilities.** A state without a CINC in the start year counts as 0 in its side's sum (as COW's side sums do). A side whose sum is empty, or 0 with a missing record, has no share: the war is kept and scored, and the baselines forecast it from the training wars alone (base rates; the mean and sd of all log days, the sd widened by sqrt(1 + 1/n)).\n");
    let _ = writeln!(
        s,
        "- **Baselines**, fitted on the training folds only. `base-rates`: outcome shares with add-one smoothing, (count + 1) / (n + 3), and log days ~ Normal(mean, sd) of the training wars. `logit-capability`: a three-class logistic regression of the outcome on the initiator's share, centred (x = share - 1/2), rather than the logit of the share: the share is bounded, so a side counted at CINC 0 stays finite, and the binned win rates rise about evenly in it; fitted by Newton's method with a ridge of {RIDGE} on all four coefficients, so that separation, or an outcome absent from a fold, cannot drive a coefficient to infinity. `lognormal-balance`: log days = a + b |share - 1/2| + e by least squares, |share - 1/2| because wars between equals should last longest whichever side is stronger; the predictive is the normal with the exact variance of a new observation, s^2 (1 + 1/n + (x - mean x)^2 / Sxx) (the t with n - 2 degrees of freedom would be exact; the normal keeps the CRPS in closed form, and with 40 or more wars they differ little). Every predictive sd is at least {SIGMA_FLOOR}. `capability` combines the logit's outcome and the regression's duration."
    );
    s.push_str("- **Scores.** Brier: the sum of squared differences between the three probabilities and the outcome's indicator. Log score: -ln p of the outcome, natural log, with p clamped at 0.001 first, so one confident miss costs at most 6.91. CRPS on log days: for a normal forecast the closed form sigma [z (2 Phi(z) - 1) + 2 phi(z) - 1/sqrt(pi)] (Gneiting & Raftery 2007); for a simulated sample, the energy form E|X - y| - E|X - X'| / 2 over the sample's empirical distribution, computed in O(n log n) after sorting.\n");
    s.push_str("- **Out of sample.** k-fold cross-validation by war (seeded; leave-one-out when k is at least the number of wars), or `--fit-on TRAIN`: fitted on another folder's wars, scored on this one's. The bootstrap resamples wars with replacement; all forecasters share the resamples, so their differences are paired.\n");
    s.push_str("- **Leaders and cease-fires.** As in their sections; cease-fires are resampled and folded by conflict.\n\n");

    war_model_section(&mut s, r);
    s.push_str("## For another forecaster\n\n");
    s.push_str("A forecaster joins by implementing, in `detente_backtest::wars::forecast`:\n\n");
    s.push_str("```rust\npub trait WarForecaster: Send + Sync {\n    fn name(&self) -> &str;\n    fn summary(&self) -> &str;\n    fn fit(&self, train: &[WarCase]) -> Box<dyn FittedWar>;\n}\npub trait FittedWar: Send + Sync {\n    fn predict(&self, x: &WarInputs) -> WarForecast;\n}\npub struct WarForecast { pub outcome: [f64; 3], pub duration: Duration }\npub enum Duration { LogNormal { mu: f64, sigma: f64 }, Sample(Vec<f64>) }\n```\n\n");
    s.push_str("`fit` sees the training wars' inputs and truths (calibration goes there, and may be slow: fits of different folds run in parallel); `predict` sees only `WarInputs`, whose `seed` is the war's own (from the master seed and the war number, the same in every fold and on every thread). `outcome` is P(initiator wins, loses, other); `Duration::Sample` holds simulated log days (scored by the sample CRPS). A forecast that cannot be scored (probabilities negative or not summing to 1, a sigma not above 0, an empty or non-finite sample) stops the run, naming the forecaster and the war. To score it, add it to the list the command passes to `backtest::run` beside `Baseline::all()`; the paired differences against every baseline follow.\n\n");

    s.push_str("## Sources\n\n");
    s.push_str("- Sarkees, M. R. & Wayman, F. W. (2010). *Resort to War: A Data Guide to Inter-State, Extra-State, Intra-State, and Non-State Wars, 1816-2007*. CQ Press. (COW Inter-State War data v4.0.)\n");
    s.push_str("- Singer, J. D., Bremer, S. & Stuckey, J. (1972). Capability Distribution, Uncertainty, and Major Power War, 1820-1965. In B. Russett (ed.), *Peace, War, and Numbers*, 19-48. Sage. (COW National Material Capabilities, CINC.)\n");
    s.push_str("- Goemans, H. E., Gleditsch, K. S. & Chiozza, G. (2009). Introducing Archigos: A Dataset of Political Leaders. *Journal of Peace Research* 46(2): 269-83.\n");
    s.push_str("- Fortna, V. P. (2008). *Does Peacekeeping Work? Shaping Belligerents' Choices after Civil War*. Princeton University Press.\n");
    s.push_str("- Gneiting, T. & Raftery, A. E. (2007). Strictly Proper Scoring Rules, Prediction, and Estimation. *Journal of the American Statistical Association* 102: 359-78.\n");
    s
}

/// The war model's section: how a war is written, what is calibrated, the fits.
fn war_model_section(s: &mut String, r: &WarReport) {
    use super::model::{BELIEF_MONTHS, DECISIVE_SHARE, HORIZON_MONTHS, Moments};
    s.push_str("## The war model\n\n");
    s.push_str("`war-model` is detente's war model (`docs/models/war.md`) as a forecaster. Each war becomes a scenario (`detente_backtest::wars::model::scenario`): the initiator is side A, the target side B; their capabilities are the initiator's observed CINC share and its complement (parity when unknown); the stakes run from the target's position (0) to the initiator's (100) with the front in the middle; a neutral third party at 50 sits at the table; loss is linear (a settlement is worth its share, Fearon 1995); the time unit is the month, the discount 0.99 a month, talks monthly from the end of the first month of fighting (`first_talks = 1`), no collapse, no renewal.\n\n");
    let _ = writeln!(
        s,
        "Seven defaults no one observes are calibrated on each fold's training wars by the simulated method of moments (McFadden 1989; Pakes & Pollard 1989): the front's speed and volatility, the sides' cost of war a month, their mutual optimism (each side's belief in its own share of the balance moved up by that much on the logit scale; Blainey 1973, Fearon 1995) and the initiator's edge (its capability multiplied by e^edge: initiators win more often than their capabilities say, Wang & Ray 1994, Reiter & Stam 2002) and the decisiveness g of the contest function (how far a lead in capability becomes a lead on the battlefield, Hirshleifer 1989), and a heterogeneity h: what differs between wars and is not in their capabilities, each run's speed, volatility and cost multiplied by independent e^{{h Z}} (a random effect). The starting point of the search (speed and volatility at the war model's defaults, cost 0.002, optimism 1.5, edge 0.5, decisiveness 0.5, heterogeneity 0.5) was set after a trial fit on the shared wars, so the folds here are not wholly blind to it; the wars held out of the shared files are. Each prior is worth {BELIEF_MONTHS} months of watching the front. The objective is the sum over the moments {} of (model - data)^2 divided by the sampling variance of the data moment; it is minimised by Nelder-Mead (Lagarias et al. 1998; argmin's implementation) on the logs of speed, volatility, cost, decisiveness and heterogeneity and on optimism and edge, with the same seeds at every evaluation (common random numbers).",
        Moments::NAMES
            .iter()
            .map(|n| format!("*{n}*"))
            .collect::<Vec<_>>()
            .join(", ")
    );
    let _ = writeln!(
        s,
        "\nA simulated run is classified for the initiator: a military victory is a win or a loss; a ceasefire giving one side at least {:.0}% of the stakes is that side's victory, one in between a compromise (*other*); a war still going after {HORIZON_MONTHS} months counts as *other* of that length. Outcome probabilities add half a run to each outcome so that none is 0; the duration is the sample of simulated log days (sample CRPS).\n",
        100.0 * DECISIVE_SHARE
    );
    if r.war_model.is_empty() {
        s.push_str("The war model was not scored in this run.\n\n");
        return;
    }
    s.push_str("Fits (one per fold; their spread is the calibration's uncertainty):\n\n");
    s.push_str("| training wars | speed (points/month) | volatility (points/sqrt month) | cost (/month) | optimism | initiator edge | decisiveness | heterogeneity | objective | evaluations |\n|---|---|---|---|---|---|---|---|---|---|\n");
    for c in &r.war_model {
        let d = c.defaults;
        let _ = writeln!(
            s,
            "| {} | {:.3} | {:.3} | {:.5} | {:.3} | {:.3} | {:.3} | {:.3} | {:.2} | {} |",
            c.wars,
            d.front_speed,
            d.front_volatility,
            d.cost,
            d.optimism,
            d.initiator_edge,
            d.decisiveness,
            d.heterogeneity,
            c.objective,
            c.evaluations
        );
    }
    if r.war_model.len() > 1 {
        let k = r.war_model.len() as f64;
        let jack = |f: &dyn Fn(&super::model::Defaults) -> f64| {
            let v: Vec<f64> = r.war_model.iter().map(|c| f(&c.defaults)).collect();
            let m = v.iter().sum::<f64>() / k;
            let se = ((k - 1.0) / k * v.iter().map(|x| (x - m) * (x - m)).sum::<f64>()).sqrt();
            format!("{m:.4} (se {se:.4})")
        };
        let _ = writeln!(
            s,
            "\nMean over the folds, with the delete-a-group jackknife standard error (Efron 1982): speed {}, volatility {}, cost {}, optimism {}, edge {}, decisiveness {}, heterogeneity {}.",
            jack(&|d| d.front_speed),
            jack(&|d| d.front_volatility),
            jack(&|d| d.cost),
            jack(&|d| d.optimism),
            jack(&|d| d.initiator_edge),
            jack(&|d| d.decisiveness),
            jack(&|d| d.heterogeneity)
        );
    }
    let first = &r.war_model[0];
    s.push_str("\nMoments of the first fit, data against model:\n\n| moment | data | model |\n|---|---|---|\n");
    let row = |m: &Moments| {
        [
            Some(m.initiator_wins),
            Some(m.initiator_loses),
            Some(m.mean_log_days),
            Some(m.sd_log_days),
            Some(m.short),
            Some(m.long),
            m.stronger_gap,
        ]
    };
    for ((name, a), b) in Moments::NAMES
        .iter()
        .zip(row(&first.data))
        .zip(row(&first.model))
    {
        let f = |x: Option<f64>| x.map_or("-".to_string(), |x| format!("{x:.3}"));
        let _ = writeln!(s, "| {name} | {} | {} |", f(a), f(b));
    }
    s.push('\n');
    leader_check_section(s, r);
    ceasefire_check_section(s, r);
}

/// The durability module fitted on one group of cease-fires and predicting another.
fn ceasefire_check_section(s: &mut String, r: &WarReport) {
    let Some(c) = &r.war_model_ceasefires else {
        return;
    };
    let est = |g: Group| r.ceasefires.iter().find(|e| e.group == g);
    let (Some(fit), Some(test)) = (est(c.groups[0]), est(c.groups[1])) else {
        return;
    };
    s.push_str("### The durability module against the cease-fires\n\n");
    let _ = writeln!(
        s,
        "The war model's peace module (`docs/models/war.md`, \"After a ceasefire\") on a settlement at parity signed at once, with no shift of power and a renewed war that costs little, so that the hazard is the baseline: the baseline is fitted (least squares at 12, 24 and 60 months) to the Kaplan-Meier curve of the cease-fires *{}* ({} cease-fires, {} conflicts), which gives {:.4} a month; the model's monitoring mechanism, the strongest monitoring halving the baseline hazard, then predicts the cease-fires *{}* ({} cease-fires, {} conflicts), which it was not fitted on. A constant hazard cannot follow a curve that rises fast and then flattens; the model's hazard is constant here because nothing shifts. Civil wars are not inter-state wars: what carries over is the mechanism (a third party that watches and reports lowers the hazard of renewal, Fortna 2008), not the level of the hazard.\n",
        c.groups[0].label(),
        fit.n,
        fit.conflicts,
        c.baseline_hazard,
        c.groups[1].label(),
        test.n,
        test.conflicts
    );
    s.push_str("| months | observed, fitted group | model | observed, predicted group | 95% CI (conflicts resampled) | model, predicted |\n|---:|---:|---:|---:|---|---:|\n");
    for (i, h) in HORIZONS.iter().enumerate() {
        let pct = |x: Option<f64>| x.map_or("-".to_string(), |x| format!("{:.0}%", 100.0 * x));
        let ci = test
            .ci
            .get(i)
            .copied()
            .flatten()
            .map_or("-".to_string(), |[lo, hi]| {
                format!("{:.0}% .. {:.0}%", 100.0 * lo, 100.0 * hi)
            });
        let _ = writeln!(
            s,
            "| {h} | {} | {} | {} | {ci} | {} |",
            pct(fit.p.get(i).copied().flatten()),
            pct(Some(c.without[i])),
            pct(test.p.get(i).copied().flatten()),
            pct(Some(c.with[i]))
        );
    }
    s.push('\n');
}

/// The war model's removal hazard against Archigos.
fn leader_check_section(s: &mut String, r: &WarReport) {
    let (Some(c), Some(o)) = (&r.war_model_leaders, r.leaders.first()) else {
        return;
    };
    s.push_str("### Leaders after war\n\n");
    let _ = writeln!(
        s,
        "The war model removes a leader at the hazard `removal` x (1 - the side's value of its position) (Goemans 2000). Applied for two years after the war to the settled outcome (1 for a victory, 0 for a defeat, the share for a decisive settlement), beside a regular turnover that does not depend on the war, with the wars simulated at the folds' pooled defaults ({} winners' and {} losers' sides): the two rates are fitted to the pooled shares of winners and losers together (regular {:.4} a month, removal {:.4} a month), and the split between winners and losers is the mechanism's prediction, against Archigos ({}).\n",
        c.sides[0],
        c.sides[1],
        c.regular,
        c.removal,
        o.restriction.label()
    );
    s.push_str(
        "| leaders out within two years | observed | 95% Wilson | model |\n|---|---:|---|---:|\n",
    );
    let rows = [
        ("winners, any exit", &o.won_exit, c.model[0]),
        ("losers, any exit", &o.lost_exit, c.model[1]),
        (
            "winners, irregular or foreign",
            &o.won_irregular,
            c.model[2],
        ),
        (
            "losers, irregular or foreign",
            &o.lost_irregular,
            c.model[3],
        ),
    ];
    for (name, sh, m) in rows {
        let obs = sh.share.map_or("-".to_string(), |x| {
            format!("{:.0}% ({}/{})", 100.0 * x, sh.k, sh.n)
        });
        let ci = sh.wilson.map_or("-".to_string(), |[lo, hi]| {
            format!("{:.0}% .. {:.0}%", 100.0 * lo, 100.0 * hi)
        });
        let _ = writeln!(s, "| {name} | {obs} | {ci} | {:.0}% |", 100.0 * m);
    }
    s.push('\n');
}
