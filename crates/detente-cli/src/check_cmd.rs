//! `detente check`: validate a scenario file; diagnostics for people, or every one as JSON.

use detente_core::diag::LineIndex;
use detente_core::{Diagnostic, Severity};
use serde::Serialize;

use crate::Fail;
use crate::cli::{CheckArgs, CheckFormat};
use crate::input;
use crate::text;
use crate::write::{self, Target};

pub fn check(a: CheckArgs) -> Result<(), Fail> {
    let path = &a.input.file;
    let from = a.input.from.map(Into::into);
    if a.format == CheckFormat::Json {
        let r = input::read(path, from)?;
        let json = serde_json::to_string_pretty(&Report::new(&r)).expect("plain data serialises");
        write::write(&Target::Stdout, format!("{json}\n").as_bytes())?;
        return match r.result {
            Ok(_) => Ok(()),
            Err(_) => Err(input::invalid(path, &r)),
        };
    }
    let input = input::load(path, from)?;
    let items = &input.imported.items;
    let mut out = String::new();
    if let [item] = items.as_slice() {
        let s = &item.scenario;
        out.push_str(&format!(
            "ok: {} is a valid scenario ({}): {}, {}, {}, {}, {}, {}\n",
            input.name,
            input.format.name(),
            count(s.issues.len(), "issue", "issues"),
            count(s.actors.len(), "actor", "actors"),
            count(s.blocs.len(), "bloc", "blocs"),
            count(s.shocks.len(), "shock", "shocks"),
            count(s.policies.len(), "policy", "policies"),
            count(s.uncertain().len(), "uncertain number", "uncertain numbers"),
        ));
        if let Some(w) = &s.war {
            out.push_str(&format!(
                "    a war between `{}` and `{}` over `{}`, forum: {}; run it with `detente run {}`\n",
                s.actors[w.belligerents[0]].id,
                s.actors[w.belligerents[1]].id,
                s.issues[w.stakes].id,
                w.forum.iter().map(|m| format!("`{}`", s.member_id(*m))).collect::<Vec<_>>().join(", "),
                input.name
            ));
        }
    } else {
        out.push_str(&format!(
            "ok: {} holds {} valid scenarios ({}, one per issue)\n",
            input.name,
            items.len(),
            input.format.name()
        ));
    }
    text::print(&Target::Stdout, &out)
}

fn count(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// `detente check --format json`: every diagnostic, located by line and column.
#[derive(Serialize)]
struct Report<'a> {
    file: &'a str,
    format: &'a str,
    valid: bool,
    errors: usize,
    warnings: usize,
    /// Scenarios read (a DEU file holds one per issue); 0 when invalid.
    scenarios: usize,
    diagnostics: Vec<Located<'a>>,
}

#[derive(Serialize)]
struct Located<'a> {
    severity: &'static str,
    message: &'a str,
    field: Option<&'a str>,
    /// 1-based line and column (columns count characters) of the start and end of the span.
    line: Option<usize>,
    column: Option<usize>,
    end_line: Option<usize>,
    end_column: Option<usize>,
    help: Option<&'a str>,
    related: Vec<Related<'a>>,
}

#[derive(Serialize)]
struct Related<'a> {
    line: usize,
    column: usize,
    label: &'a str,
}

impl<'a> Report<'a> {
    fn new(r: &'a input::Read) -> Self {
        let idx = LineIndex::new(&r.text);
        let diags: &[Diagnostic] = match &r.result {
            Ok(imported) => &imported.warnings,
            Err(diags) => diags,
        };
        let diagnostics: Vec<Located> = diags.iter().map(|d| Located::new(d, &idx)).collect();
        let errors = diags.iter().filter(|d| d.is_error()).count();
        Report {
            file: &r.name,
            format: r.format.name(),
            valid: r.result.is_ok(),
            errors,
            warnings: diags.len() - errors,
            scenarios: r.result.as_ref().map_or(0, |i| i.items.len()),
            diagnostics,
        }
    }
}

impl<'a> Located<'a> {
    fn new(d: &'a Diagnostic, idx: &LineIndex) -> Self {
        let start = d.span.as_ref().map(|s| idx.line_col(s.start));
        let end = d.span.as_ref().map(|s| idx.line_col(s.end));
        Located {
            severity: match d.severity {
                Severity::Error => "error",
                Severity::Warning => "warning",
            },
            message: &d.message,
            field: d.field.as_deref(),
            line: start.map(|p| p.0),
            column: start.map(|p| p.1),
            end_line: end.map(|p| p.0),
            end_column: end.map(|p| p.1),
            help: d.help.as_deref(),
            related: d
                .related
                .iter()
                .map(|(s, label)| {
                    let (line, column) = idx.line_col(s.start);
                    Related {
                        line,
                        column,
                        label,
                    }
                })
                .collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn render_is_linear_and_capped() {
        // 4,000 duplicate rows: drawn in full, this would print 4,000 reports.
        let mut text = String::from("Actor,Capability,Position,Salience\n");
        for _ in 0..4000 {
            text.push_str("Same,0.1,5,0.5\n");
        }
        let diags =
            match detente_core::import::import(detente_core::import::Format::Classic, &text, "dup")
            {
                Err(d) => d,
                Ok(_) => panic!("duplicates must be refused"),
            };
        assert_eq!(diags.iter().filter(|d| d.is_error()).count(), 3999);
        let out = crate::diagnostics::render("dup.csv", &text, &diags);
        assert_eq!(
            out.matches("× ").count(),
            crate::diagnostics::SHOWN,
            "{out}"
        );
        assert!(
            out.contains("... and 3,979 more errors of these kinds: 3,979 in `actor.id`"),
            "{out}"
        );
        assert!(out.contains("3,999 errors in dup.csv"), "{out}");
        // The 20th drawn error is at line 22, its first definition at line 2.
        assert!(out.contains("dup.csv:22:1"), "{out}");
    }
}
