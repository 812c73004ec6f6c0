//! Output for people (tables) and programs (JSON, CSV).

use comfy_table::{Cell, CellAlignment, Table, TableComponent, presets};
use detente_core::model::ModelInfo;
use detente_core::output::RunOutput;
use detente_core::param::fmt_num;

/// An empty table in the house style: no borders, a rule under the header, no wrapping.
pub fn table() -> Table {
    let mut t = Table::new();
    t.load_preset(presets::NOTHING)
        .set_content_arrangement(comfy_table::ContentArrangement::Disabled);
    t.set_style(TableComponent::HeaderLines, '─');
    t.set_style(TableComponent::MiddleHeaderIntersections, '─');
    t
}

/// A table in the house style with this header; numbers are right-aligned by the caller.
pub fn plain_table(header: &[&str]) -> Table {
    let mut t = table();
    t.set_header(header.to_vec());
    for k in 1..header.len() {
        if let Some(c) = t.column_mut(k) {
            c.set_cell_alignment(CellAlignment::Right);
        }
    }
    t
}

fn opt(x: Option<f64>) -> String {
    x.map_or("-".to_string(), |v| format!("{v:.3}"))
}

/// A right-aligned cell, for numbers.
pub fn right(s: String) -> Cell {
    Cell::new(s).set_alignment(CellAlignment::Right)
}

/// One run, for a person.
pub fn run_table(
    r: &RunOutput,
    info: &ModelInfo,
    labels: &[(String, Option<String>, Option<String>)],
) -> String {
    let mut out = String::new();
    out.push_str(&format!("Scenario  {}\n", r.scenario));
    out.push_str(&format!("Model     {}: {}\n", r.model, info.summary));
    out.push_str(&format!("Source    {}\n", info.source));
    if let Some(p) = &r.policy {
        out.push_str(&format!("Policy    {p}\n"));
    }
    out.push('\n');
    if let Some(d) = &r.detail {
        for line in &d.summary {
            out.push_str(&format!("{line}\n"));
        }
        if let Some(c) = &d.caption {
            out.push_str(&format!("\n{c}\n"));
        }
    }
    let mut t = table();
    t.set_header(["issue", "outcome", "scale", "status quo", "observed"]);
    for i in &r.issues {
        t.add_row(vec![
            Cell::new(&i.id),
            right(opt(i.outcome)),
            right(format!("{}..{}", fmt_num(i.scale[0]), fmt_num(i.scale[1]))),
            right(opt(i.status_quo)),
            right(opt(i.observed)),
        ]);
    }
    out.push_str(&t.to_string());
    out.push('\n');
    let labelled: Vec<String> = labels
        .iter()
        .zip(&r.issues)
        .filter(|((_, lo, hi), _)| lo.is_some() || hi.is_some())
        .map(|((id, lo, hi), i)| {
            format!(
                "  {id}: {} = {}, {} = {}",
                fmt_num(i.scale[0]),
                lo.as_deref().unwrap_or("?"),
                fmt_num(i.scale[1]),
                hi.as_deref().unwrap_or("?")
            )
        })
        .collect();
    if !labelled.is_empty() {
        out.push_str("\nScales\n");
        out.push_str(&labelled.join("\n"));
        out.push('\n');
    }
    if !r.blocs.is_empty() {
        out.push_str(
            "\nBlocs (position by the bloc's rule; spread = weighted s.d. of members' positions)\n",
        );
        let mut t = table();
        t.set_header(["bloc", "rule", "issue", "position", "spread", "members"]);
        for b in &r.blocs {
            for i in &b.issues {
                t.add_row(vec![
                    Cell::new(&b.id),
                    Cell::new(&b.rule),
                    Cell::new(&i.id),
                    right(opt(i.position)),
                    right(format!("{:.3}", i.spread)),
                    right(i.members.to_string()),
                ]);
            }
        }
        out.push_str(&t.to_string());
        out.push('\n');
    }
    if !r.central_values.is_empty() {
        out.push_str("\nUncertain numbers (this run uses the central value)\n");
        let mut t = table();
        t.set_header(["field", "distribution", "value used"]);
        for c in &r.central_values {
            t.add_row(vec![
                Cell::new(&c.field),
                Cell::new(&c.distribution),
                right(format!("{:.4}", c.value)),
            ]);
        }
        out.push_str(&t.to_string());
        out.push('\n');
    }
    let said: &[String] = r.detail.as_ref().map_or(&[], |d| &d.summary);
    let notes: Vec<&String> = r.notes.iter().filter(|n| !said.contains(n)).collect();
    if !notes.is_empty() {
        out.push_str("\nNotes\n");
        for n in notes {
            out.push_str(&format!("  - {n}\n"));
        }
    }
    out
}

/// A model's table, drawn in the house style: numbers right-aligned, words left.
fn data_table(d: &detente_core::model::Table) -> Table {
    use detente_core::model::Cell as C;
    let mut t = table();
    t.set_header(d.header.clone());
    for row in &d.rows {
        t.add_row(row.iter().map(|c| match c {
            C::Text(s) => Cell::new(s),
            C::Number {
                value,
                decimals,
                signed,
            } => {
                let d = usize::from(*decimals);
                right(if *signed {
                    format!("{value:+.d$}")
                } else {
                    format!("{value:.d$}")
                })
            }
            C::Percent(x) => right(format!("{:.0}%", 100.0 * x)),
            C::Value(x) => right(format!("{x}")),
            C::Missing => right("-".to_string()),
            C::Range {
                low,
                high,
                decimals,
            } => {
                let d = usize::from(*decimals);
                right(if low > high {
                    "empty".to_string()
                } else {
                    format!("{low:.d$}..{high:.d$}")
                })
            }
        }));
    }
    t
}

/// The round-by-round detail of a dynamic model, for `--trace`.
pub fn trace(r: &RunOutput) -> String {
    use detente_core::output::RoundOutput;
    let mut out = String::new();
    if let Some(t) = r.detail.as_ref().and_then(|d| d.trace.as_ref()) {
        out.push_str(&format!("\n{}\n", t.title));
        out.push_str(&data_table(t).to_string());
        out.push('\n');
    }
    for x in &r.rounds {
        let RoundOutput::Stakeholder(round) = x else {
            continue;
        };
        out.push_str(&format!("\nRound {}\n", round.round));
        for i in &round.issues {
            out.push_str(&format!(
                "  {}: median {:.3}, mean {:.3}\n",
                i.id, i.median, i.mean
            ));
            let mut t = table();
            t.set_header(["actor", "position"]);
            for (actor, p) in &i.positions {
                t.add_row(vec![Cell::new(actor), right(format!("{p:.3}"))]);
            }
            out.push_str(&t.to_string());
            out.push('\n');
        }
        for m in &round.moves {
            out.push_str(&format!(
                "  {} moves on {} from {:.3} to {:.3} ({}{})\n",
                m.actor,
                m.issue,
                m.from,
                m.to,
                m.kind,
                m.counterpart
                    .as_ref()
                    .map_or(String::new(), |c| format!(", with {c}"))
            ));
        }
    }
    if out.is_empty() {
        out.push_str(&format!(
            "\n`{}` is a static model: it has no rounds to trace.\n",
            r.model
        ));
    }
    out
}

/// Several runs (a DEU file): one row per scenario and issue.
pub fn runs_table(runs: &[RunOutput], info: &ModelInfo) -> String {
    let mut out = format!(
        "Model     {}: {}\nSource    {}\n\n",
        info.name, info.summary, info.source
    );
    let mut t = table();
    t.set_header(["scenario", "issue", "outcome", "status quo", "observed"]);
    for r in runs {
        for i in &r.issues {
            t.add_row(vec![
                Cell::new(&r.scenario),
                Cell::new(&i.id),
                right(opt(i.outcome)),
                right(opt(i.status_quo)),
                right(opt(i.observed)),
            ]);
        }
    }
    out.push_str(&t.to_string());
    out.push('\n');
    out
}

pub fn json<T: serde::Serialize + ?Sized>(value: &T) -> String {
    // Serialising plain data with finite numbers cannot fail.
    serde_json::to_string_pretty(value).unwrap_or_default() + "\n"
}

pub fn runs_csv(runs: &[RunOutput]) -> String {
    let mut w = csv::Writer::from_writer(Vec::new());
    let _ = w.write_record([
        "scenario",
        "model",
        "policy",
        "issue",
        "outcome",
        "scale_low",
        "scale_high",
        "status_quo",
        "observed",
    ]);
    let num = |x: Option<f64>| x.map_or(String::new(), |v| v.to_string());
    for r in runs {
        for i in &r.issues {
            let _ = w.write_record([
                r.scenario.clone(),
                r.model.clone(),
                r.policy.clone().unwrap_or_default(),
                i.id.clone(),
                num(i.outcome),
                i.scale[0].to_string(),
                i.scale[1].to_string(),
                num(i.status_quo),
                num(i.observed),
            ]);
        }
    }
    String::from_utf8(w.into_inner().unwrap_or_default()).unwrap_or_default()
}

pub fn models_table(models: &[&ModelInfo]) -> String {
    let width = models.iter().map(|m| m.name.len()).max().unwrap_or(0);
    let mut out = String::new();
    for m in models {
        out.push_str(&format!(
            "{:width$}  {}\n{:width$}  source: {}\n",
            m.name, m.summary, "", m.source
        ));
    }
    out
}

pub fn models_csv(models: &[&ModelInfo]) -> String {
    let mut w = csv::Writer::from_writer(Vec::new());
    let _ = w.write_record(["model", "summary", "source", "dynamic"]);
    for m in models {
        let _ = w.write_record([
            m.name,
            m.summary,
            m.source,
            if m.dynamic { "true" } else { "false" },
        ]);
    }
    String::from_utf8(w.into_inner().unwrap_or_default()).unwrap_or_default()
}
