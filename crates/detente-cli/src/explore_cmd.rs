//! `detente explore`: sampled futures streamed to a results file, and their summary.

use std::path::Path;

use detente_explore::explore::Plan;
use detente_explore::run::run_blocks;
use detente_explore::summaries::{ExploreRun, ExploreSummariser, ExploreSummary};
use detente_store::records::{RunKind, content_hash};
use detente_store::results::{self, Format, Kind, Meta, ResultsWriter};

use crate::sweep::{
    block_failed, bytes, check_runs, design, finish_record, for_format, pool, progress, record,
    setup, to_json, with_policy,
};
use crate::{Fail, cli, write};

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

/// The summary for a person.
fn table(summary: &ExploreSummary, head: &str) -> String {
    let mut out = format!("{head}\n\n");
    let mut t = crate::format::plain_table(&[
        "column", "mean", "sd", "5%", "25%", "median", "75%", "95%", "missing",
    ]);
    let inputs = summary.columns.iter().filter(|c| c.input).count();
    for (k, c) in summary.columns.iter().enumerate() {
        if k == inputs && k > 0 {
            t.add_row(vec![""; 9]);
        }
        let f = |x: f64| {
            if x.is_nan() {
                "-".to_string()
            } else {
                format!("{x:.3}")
            }
        };
        let s = &c.stats;
        let mut row = vec![c.name.clone(), f(s.mean), f(s.sd)];
        row.extend(s.quantiles.iter().map(|&q| f(q)));
        row.push(s.missing.to_string());
        t.add_row(row);
    }
    out.push_str(&format!("{t}\n"));
    if !summary.events.is_empty() {
        out.push_str("\nEvents\n");
        for e in &summary.events {
            let (yes, n) = (e.yes, e.runs);
            if n > 0 {
                out.push_str(&format!(
                    "  {}: {:.1}% of runs ({yes} of {n})\n",
                    e.event,
                    100.0 * yes as f64 / n as f64
                ));
            }
        }
    }
    if summary.columns.iter().any(|c| !c.stats.exact) {
        out.push_str(&format!(
            "\nQuantiles of columns with more than {} values come from a sketch with 0.1% relative error.\n",
            detente_explore::summary::EXACT_LIMIT
        ));
    }
    out
}

pub fn explore(a: cli::ExploreArgs) -> Result<(), Fail> {
    check_runs(a.runs, "--runs")?;
    let range = match &a.shard {
        Some(s) => {
            let (k, n) = shard(s)?;
            results::shard_runs(k, n, a.runs)
        }
        None => 0..a.runs,
    };
    // The output is checked, and its temporary file created, before any work.
    let out = match &a.out.output {
        Some(p) => {
            let format = Format::from_path(p)?;
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
            scenario_hash: content_hash(&s.bytes),
            seed: a.sweep.seed,
            runs: a.runs,
            design: design(a.design).name().to_string(),
            model: s.model.info().name.to_string(),
            policy: a.policy.clone().unwrap_or_default(),
        };
        let kinds: Vec<Kind> = plan
            .flags()
            .into_iter()
            .map(|f| if f { Kind::Flag } else { Kind::Number })
            .collect();
        let mut writer = match &out {
            Some((_, format, tmp)) => Some(ResultsWriter::create_typed(
                tmp.path(),
                *format,
                &names,
                &kinds,
                &meta,
            )?),
            None => None,
        };
        let mut summary = ExploreSummariser::new(&plan, names.clone());
        let bar = progress(range.end - range.start, "exploring");
        run_blocks(
            &pool,
            range.clone(),
            || None,
            |scratch, r| plan.row_in(scratch, r),
            |at, rows| {
                for (i, row) in rows.iter().enumerate() {
                    if let Some(w) = &mut writer {
                        w.write_row(at + i as u64, row)?;
                    }
                    summary.push(row);
                }
                bar.inc(rows.len() as u64);
                Ok(())
            },
        )
        .map_err(block_failed)?;
        bar.finish_and_clear();
        if let Some(w) = writer {
            w.finish()?;
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
        let summary = summary.summary(ExploreRun {
            scenario: s.path.display().to_string(),
            model: s.model.info().name.to_string(),
            policy: a.policy.clone(),
            seed: a.sweep.seed,
            runs: a.runs,
            design: design(a.design).name().to_string(),
            range: [range.start, range.end],
        });
        let json = to_json(&summary);
        let text = for_format(a.format, &json, || table(&summary, &head));
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
