//! The Markdown of `docs/BACKTEST.md`: settings, leaderboards, a reading in words, the
//! pre-declared cross-validated model and the timing. Every number comes from the reports it is
//! given; the words around them are chosen by those numbers.

use std::fmt::Write as _;

use crate::backtest::{Entry, Report};
use crate::cv::{self, CvReport, Params};

/// Marks the lines that hold a wall-clock time, which no two runs share: a comparison of a
/// committed document with a fresh one skips them.
pub const TIMING_START: &str = "<!-- timing: measured by the command, differs from run to run -->";
/// Closes the lines opened by [`TIMING_START`].
pub const TIMING_END: &str = "<!-- /timing -->";

/// How long a full backtest took.
#[derive(Debug, Clone, Copy)]
pub struct Timing {
    /// Wall-clock seconds of the first scheme's backtest, reading the file included.
    pub seconds: f64,
    /// Threads of the pool that ran the cases.
    pub threads: usize,
    /// Whether it was a release build (else debug).
    pub release: bool,
}

fn f2(x: Option<f64>) -> String {
    x.map_or("–".to_string(), |v| format!("{v:.2}"))
}

/// A difference with its sign, or `0.00` when it rounds to zero (no `-0.00` from rounding
/// noise).
pub fn signed2(v: f64) -> String {
    let s = format!("{v:+.2}");
    if s == "+0.00" || s == "-0.00" {
        "0.00".to_string()
    } else {
        s
    }
}

fn signed(x: Option<f64>) -> String {
    x.map_or("–".to_string(), signed2)
}

fn pct(x: Option<f64>) -> String {
    x.map_or("–".to_string(), |v| format!("{:.0}%", 100.0 * v))
}

fn ci(x: Option<[f64; 2]>) -> String {
    x.map_or("–".to_string(), |[a, b]| format!("[{a:.2}, {b:.2}]"))
}

fn signed_ci(x: Option<[f64; 2]>) -> String {
    x.map_or("–".to_string(), |[a, b]| {
        format!("[{}, {}]", signed2(a), signed2(b))
    })
}

fn find<'a>(r: &'a Report, name: &str) -> Option<&'a Entry> {
    r.models.iter().find(|e| e.model == name)
}

/// Where a paired difference against compromise stands.
fn verdict(e: &Entry) -> &'static str {
    match e.diff_ci {
        Some([lo, _]) if lo > 0.0 => "worse",
        Some([_, hi]) if hi < 0.0 => "better",
        Some(_) => "level",
        None => "none",
    }
}

/// The leaderboard of one report as a Markdown table.
pub fn leaderboard(r: &Report) -> String {
    let mut s = String::new();
    s.push_str("| rank | forecaster | kind | n | MAE | 95% CI | median AE | within 10 | within 20 | vs compromise | 95% CI | skipped |\n");
    s.push_str("|---:|---|---|---:|---:|---|---:|---:|---:|---:|---|---:|\n");
    for (k, e) in r.models.iter().enumerate() {
        let rank = if e.n > 0 {
            (k + 1).to_string()
        } else {
            "–".into()
        };
        let (diff, dci) = if e.model == "compromise" {
            ("0 (baseline)".to_string(), "–".to_string())
        } else {
            (signed(e.diff_vs_compromise), signed_ci(e.diff_ci))
        };
        let _ = writeln!(
            s,
            "| {rank} | `{}` | {} | {} | {} | {} | {} | {} | {} | {diff} | {dci} | {} |",
            e.model,
            e.kind,
            e.n,
            f2(e.mae),
            ci(e.mae_ci),
            f2(e.median_ae),
            pct(e.within10),
            pct(e.within20),
            e.skipped
        );
    }
    s
}

fn reading(r: &Report) -> String {
    let mut s = String::new();
    let level = format!("{:.0}%", 100.0 * r.level);
    if let Some(c) = find(r, "compromise") {
        let _ = writeln!(
            s,
            "- `compromise` misses the recorded outcome by {} points on average ({level} interval {}); half of its forecasts are within {} points, {} within 10 and {} within 20.",
            f2(c.mae),
            ci(c.mae_ci),
            f2(c.median_ae),
            pct(c.within10),
            pct(c.within20)
        );
    }
    if let Some(best) = r.models.first().filter(|e| e.n > 0) {
        if best.model == "compromise" {
            let _ = writeln!(s, "- No forecaster has a lower MAE than `compromise`.");
        } else {
            let sure = match verdict(best) {
                "better" => "and the interval of the difference excludes zero",
                _ => {
                    "but the interval of the difference includes zero, so the data cannot tell them apart"
                }
            };
            let _ = writeln!(
                s,
                "- `{}` has the lowest MAE, {} points, {} below compromise ({} on the {} cases both forecast), {sure}.",
                best.model,
                f2(best.mae),
                f2(best.diff_vs_compromise.map(|d| -d)),
                signed_ci(best.diff_ci),
                best.n_paired
            );
        }
    }
    let group = |v: &str| -> Vec<String> {
        r.models
            .iter()
            .filter(|e| e.model != "compromise" && e.n > 0 && verdict(e) == v)
            .map(|e| format!("`{}` ({})", e.model, signed(e.diff_vs_compromise)))
            .collect()
    };
    let (worse, level_, better) = (group("worse"), group("level"), group("better"));
    if !worse.is_empty() {
        let _ = writeln!(
            s,
            "- Worse than `compromise`, with a {level} interval of the paired difference above zero: {}.",
            worse.join(", ")
        );
    }
    if !level_.is_empty() {
        let _ = writeln!(
            s,
            "- Not distinguishable from `compromise` (the interval includes zero): {}.",
            level_.join(", ")
        );
    }
    if !better.is_empty() {
        let _ = writeln!(
            s,
            "- Better than `compromise`, with the interval below zero: {}.",
            better.join(", ")
        );
    }
    for e in &r.models {
        if e.skipped > 0 {
            let why = e.skip_reason.as_deref().unwrap_or("no reason given");
            let _ = writeln!(
                s,
                "- `{}` forecasts {} of the {} cases and skips {}; the first refusal: \"{why}\".",
                e.model, e.n, r.cases, e.skipped
            );
        }
        if let Some(note) = &e.note {
            let _ = writeln!(s, "- `{}`: {note}.", e.model);
        }
    }
    let (c, m, ma) = (
        find(r, "compromise").and_then(|e| e.mae),
        find(r, "median").and_then(|e| e.mae),
        find(r, "median-actor").and_then(|e| e.mae),
    );
    if let (Some(c), Some(m), Some(ma)) = (c, m, ma) {
        let holds = c < m && c < ma;
        let _ = writeln!(
            s,
            "- The published ordering (compromise about 23, the median actor about 28.5; `data/deu/README.md`) {}: compromise {c:.2}, the weighted `median` {m:.2}, the unweighted `median-actor` {ma:.2}.",
            if holds {
                "is reproduced"
            } else {
                "is not reproduced"
            }
        );
    }
    s
}

fn params_row(label: &str, p: &Params) -> String {
    format!(
        "| {label} | {} | {} | {} | {} | {} | {} |\n",
        p.capability, p.salience, p.commission, p.parliament, p.median, p.rp
    )
}

fn cv_section(r: &Report, cv: &CvReport) -> String {
    let mut s = String::new();
    let _ = writeln!(
        s,
        "Result ({} folds over proposals, seed {}, `{}` capabilities, {} cases):\n",
        cv.folds, r.seed, r.capability, cv.n
    );
    s.push_str(
        "| | n | MAE | 95% CI | median AE | within 10 | within 20 | vs compromise | 95% CI |\n",
    );
    s.push_str("|---|---:|---:|---|---:|---:|---:|---:|---|\n");
    let _ = writeln!(
        s,
        "| `fitted-mean`, out of fold | {} | {} | {} | {} | {} | {} | {} | {} |",
        cv.n,
        f2(cv.mae),
        ci(cv.mae_ci),
        f2(cv.median_ae),
        pct(cv.within10),
        pct(cv.within20),
        signed(cv.diff_vs_compromise),
        signed_ci(cv.diff_ci)
    );
    if let Some(c) = find(r, "compromise") {
        let _ = writeln!(
            s,
            "| `compromise` (nothing fitted) | {} | {} | {} | {} | {} | {} | 0 (baseline) | – |",
            c.n,
            f2(c.mae),
            ci(c.mae_ci),
            f2(c.median_ae),
            pct(c.within10),
            pct(c.within20)
        );
    }
    s.push('\n');
    let verdict = match (cv.diff_vs_compromise, cv.diff_ci) {
        (Some(_), Some([_, hi])) if hi < 0.0 => format!(
            "**`fitted-mean` beats `compromise`**: its cross-validated MAE is {} points lower and the {:.0}% interval of the paired difference, {}, lies below zero.",
            f2(cv.diff_vs_compromise.map(|d| -d)),
            100.0 * r.level,
            signed_ci(cv.diff_ci)
        ),
        (Some(d), _) if d < 0.0 => format!(
            "**Negative result.** `fitted-mean`'s cross-validated MAE is {} points lower than `compromise`'s, but the {:.0}% interval of the paired difference, {}, includes zero: this file cannot show that it forecasts better.",
            f2(Some(-d)),
            100.0 * r.level,
            signed_ci(cv.diff_ci)
        ),
        _ => format!(
            "**Negative result.** `fitted-mean` does not beat `compromise` out of fold: the paired difference is {} ({:.0}% interval {}){}.",
            signed(cv.diff_vs_compromise),
            100.0 * r.level,
            signed_ci(cv.diff_ci),
            match cv.diff_ci {
                Some([lo, _]) if lo > 0.0 => "; with the interval above zero, it is worse",
                _ => "",
            }
        ),
    };
    s.push_str(&verdict);
    let mut distinct: Vec<&Params> = Vec::new();
    for p in &cv.fold_params {
        if !distinct.contains(&p) {
            distinct.push(p);
        }
    }
    let _ = write!(
        s,
        " The {} folds chose {} different parameter sets",
        cv.fold_params.len(),
        distinct.len()
    );
    s.push_str(if distinct.len() > 1 {
        ": the choice is not stable across folds.\n\n"
    } else {
        ".\n\n"
    });
    let _ = writeln!(
        s,
        "The parameters each fold chose (fitted on the other folds), and those fitted on the whole file, which are what a test on the held-back DEU proposals should use (their in-sample MAE, {:.2}, is optimistic by construction and is not a score):\n",
        cv.full_in_sample_mae
    );
    s.push_str("| fit | capability exp. | salience exp. | Commission x | Parliament x | median share | rp share |\n");
    s.push_str("|---|---:|---:|---:|---:|---:|---:|\n");
    for (k, p) in cv.fold_params.iter().enumerate() {
        s.push_str(&params_row(&format!("fold {}", k + 1), p));
    }
    s.push_str(&params_row("whole file", &cv.full_params));
    s
}

/// The whole document. `reports` come in the order they are shown, the first one being the
/// default scheme; the cross-validation is taken from the first report that has one.
pub fn markdown(command: &str, reports: &[Report], timing: Option<Timing>) -> String {
    let mut s = String::new();
    s.push_str("# Backtest: detente's models against DEU III outcomes\n\n");
    let _ = writeln!(
        s,
        "<!-- Generated by `{command}`; do not edit by hand. The test `backtest_doc_is_current` in `crates/detente-cli/tests/backtest.rs` compares it with a fresh run (regenerate with DETENTE_BLESS=1). -->\n"
    );
    s.push_str("Every number on this page is computed by the command above (Issue 6). The forecasters see each issue's positions, saliences and reference point; the recorded outcome is used only to score them, and, for `fitted-mean` alone, to fit its parameters on training folds.\n\n");
    let Some(first) = reports.first() else {
        return s;
    };
    s.push_str("## Settings\n\n");
    let _ = writeln!(
        s,
        "- Data: `{}` (DEU III training part, Arregui & Perarnaud 2021, doi:10.34810/data53, CC BY 4.0): {} issues of which {} have a recorded outcome; those {} cases come from {} proposals. Issues without an outcome ({}) are left out; an actor without a position is left out of that issue.",
        first.data, first.issues, first.cases, first.cases, first.proposals, first.without_outcome
    );
    let _ = writeln!(
        s,
        "- Scores, on DEU's 0..100 scale: mean absolute error (MAE), median absolute error, the share of forecasts within 10 and within 20 points (inclusive), and the paired difference of MAE against `compromise` (negative: better than compromise) over the cases both forecast."
    );
    let _ = writeln!(
        s,
        "- Intervals: {:.0}% percentile intervals from {} bootstrap resamples of whole proposals (issues of one proposal are decided together, so they are not independent); every forecaster is scored on the same resamples, seed {}.",
        100.0 * first.level,
        first.bootstrap,
        first.seed
    );
    let _ = writeln!(
        s,
        "- Models run with seed {}; each DEU issue is a scenario of its own with one issue.",
        first.seed
    );
    s.push_str(
        "- Capabilities (`--capability`), from `data/eu-council/` (sources in its README):\n",
    );
    s.push_str("  - `equal`: every actor 1.\n");
    s.push_str("  - `council` (the default): each member state its share of the Council's qualified-majority weight under the treaty in force on the proposal's `intro` date (EC Treaty weights to 30 April 2004, the 2004 transition, Nice weights from 1 November 2004, Lisbon population shares from 1 November 2014); the member states together hold 1. The Commission weighs as much as an average member state (1/N for N members) under every procedure; the Parliament as much as an average member state under codecision (COD) and nothing under consultation (CNS), where its opinion binds no one. This convention is Council-centric, the reading Thomson & Hosli (2006, JCMS 44(2)) found to forecast DEU outcomes better than a supranational one; the exact figures are ours, fixed before any score under this scheme was computed. A state coded with a position before it joined is left out.\n");
    let _ = writeln!(
        s,
        "- Reference forecasts (not models): `rp`, the reference point (nothing changes); `commission`, the Commission's position (the proposal passes as proposed); `median-actor`, the median of the positions with every actor counted once.\n"
    );

    for r in reports {
        let _ = writeln!(s, "## Leaderboard: `{}` capabilities\n", r.capability);
        let _ = writeln!(
            s,
            "Sorted by MAE. {} positions were left out by the capability scheme.\n",
            r.positions_left_out
        );
        s.push_str(&leaderboard(r));
        s.push('\n');
        s.push_str("In words:\n\n");
        s.push_str(&reading(r));
        s.push('\n');
    }

    if reports.len() > 1 {
        s.push_str("## The capability schemes compared\n\n");
        for name in ["compromise", "median", "smp", "eum"] {
            let maes: Vec<String> = reports
                .iter()
                .filter_map(|r| {
                    let e = find(r, name)?;
                    Some(format!("{} with `{}`", f2(e.mae), r.capability))
                })
                .collect();
            if maes.len() == reports.len() {
                let _ = writeln!(s, "- `{name}`: MAE {}.", maes.join(", "));
            }
        }
        s.push_str("\nThe cases are the same under both schemes, but these are separate runs; the difference between schemes is not tested here.\n\n");
    }

    if let Some((r, cv)) = reports.iter().find_map(|r| r.cv.as_ref().map(|c| (r, c))) {
        s.push_str(
            "## Going beyond: a model put forward in advance, scored by cross-validation\n\n",
        );
        s.push_str("### Declaration (written before its score was computed)\n\n");
        s.push_str("The leaderboards above had been seen when this was written; the cross-validated score of the model below had not.\n\n");
        let _ = writeln!(
            s,
            "Published work finds the capability x salience weighted mean hard to beat on DEU. The single model put forward here is **`fitted-mean`** under the `{}` capability scheme ([docs/models/fitted-mean.md](models/fitted-mean.md)). Each actor weighs `c^a * s^b * r`, where `c` is its capability, `s` its salience and `r` a multiplier for its role (`r_com` for the Commission, `r_ep` for the Parliament, 1 for a member state). The forecast is `(1 - m) * weighted mean + m * weighted median`, moved a share `q` of the way to the reference point where there is one. Its {} candidate parameter sets are every combination of `a` in {:?}, `b` in {:?}, `r_com` and `r_ep` in {:?}, `m` in {:?} and `q` in {:?}; `compromise` is the candidate `a = b = r_com = r_ep = 1, m = q = 0`. The candidate with the least MAE on the training folds is chosen (ties: the first in that order, which starts at compromise's values).",
            r.capability,
            cv::GRID_SIZE,
            cv::CAPABILITY,
            cv::SALIENCE,
            cv::ROLE,
            cv::MEDIAN,
            cv::RP
        );
        s.push('\n');
        let _ = writeln!(
            s,
            "Scoring: {}-fold cross-validation over proposals (a proposal's issues are all in one fold; folds from a seeded shuffle, seed {}). Each fold is forecast with the parameters fitted on the other folds only; the out-of-fold errors are scored like the leaderboard and compared with `compromise` on the same cases, with the same bootstrap resamples. Nothing else reads the outcomes. The claim to test: `fitted-mean`'s out-of-fold MAE is lower than `compromise`'s with a {:.0}% interval of the paired difference below zero; anything else is reported as a negative result.\n",
            cv.folds,
            r.seed,
            100.0 * r.level
        );
        s.push_str("### Cross-validated score\n\n");
        s.push_str(&cv_section(r, cv));
        s.push('\n');
    }

    s.push_str("## Timing\n\n");
    s.push_str(TIMING_START);
    s.push('\n');
    match timing {
        Some(t) => {
            let _ = writeln!(
                s,
                "One full backtest (every model and reference forecast, {} bootstrap resamples, {}-fold cross-validation of `fitted-mean`) under `{}` capabilities took {:.2} s wall-clock when this page was generated ({} build, {} threads), reading the file included.",
                first.bootstrap,
                first.cv.as_ref().map_or(0, |c| c.folds),
                first.capability,
                t.seconds,
                if t.release { "release" } else { "debug" },
                t.threads
            );
        }
        None => s.push_str("Not measured.\n"),
    }
    s.push_str(TIMING_END);
    s.push('\n');
    s
}

/// `text` without the lines between the timing markers, for comparing two documents.
pub fn without_timing(text: &str) -> String {
    let mut out = String::new();
    let mut inside = false;
    for line in text.lines() {
        if line == TIMING_START {
            inside = true;
        } else if line == TIMING_END {
            inside = false;
        } else if !inside {
            out.push_str(line);
            out.push('\n');
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timing_lines_are_dropped_for_comparison() {
        let a = format!("x\n{TIMING_START}\n1.2 s\n{TIMING_END}\ny\n");
        let b = format!("x\n{TIMING_START}\n9.9 s\n{TIMING_END}\ny\n");
        assert_eq!(without_timing(&a), without_timing(&b));
        assert_eq!(without_timing(&a), "x\ny\n");
    }
}
