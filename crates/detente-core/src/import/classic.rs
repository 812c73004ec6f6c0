//! The classic one-issue table of Bueno de Mesquita's work: `Actor,Capability,Position,Salience`.
//!
//! Header names are matched case-insensitively and in any order; salience is on 0..1. The issue's
//! scale is not in the table, so it is taken as the range of the positions (a warning says so).

use super::fields::{Line, fixed, lines, number, split, trim_trailing_empty};
use super::{RawImport, slug};
use crate::diag::Diagnostic;
use crate::param::{Param, fmt_num};
use crate::raw::*;

const COLUMNS: [&str; 4] = ["actor", "capability", "position", "salience"];

fn separator(header: &str) -> char {
    [',', ';', '\t']
        .into_iter()
        .max_by_key(|&c| header.matches(c).count())
        .unwrap_or(',')
}

pub fn looks_like(first: &str) -> bool {
    let line = Line {
        number: 1,
        start: 0,
        text: first,
    };
    let names: Vec<String> = split(&line, separator(first), '"')
        .into_iter()
        .map(|f| f.text.to_lowercase())
        .collect();
    COLUMNS.iter().all(|c| names.iter().any(|n| n == c))
}

pub(crate) fn import(text: &str, stem: &str) -> Result<RawImport, Vec<Diagnostic>> {
    let all = lines(text);
    let mut rows = all.iter().filter(|l| !l.is_blank());
    let Some(header) = rows.next() else {
        return Err(vec![Diagnostic::error("the file is empty").help(
            "a classic table starts with the header line Actor,Capability,Position,Salience",
        )]);
    };
    let sep = separator(header.text);
    let names = trim_trailing_empty(split(header, sep, '"'));
    let mut errors = Vec::new();
    let mut warnings = Vec::new();
    let mut col = [usize::MAX; 4];
    for (k, want) in COLUMNS.iter().enumerate() {
        match names.iter().position(|n| n.text.eq_ignore_ascii_case(want)) {
            Some(i) => col[k] = i,
            None => errors.push(
                Diagnostic::error(format!("the header has no `{want}` column"))
                    .at(header.span())
                    .field(want.to_string())
                    .help("the header must name the columns Actor, Capability, Position and Salience (any case, any order)"),
            ),
        }
    }
    for n in &names {
        if !COLUMNS.iter().any(|c| n.text.eq_ignore_ascii_case(c)) {
            warnings.push(
                Diagnostic::warning(format!("column `{}` is not used", n.text))
                    .at(n.span.clone())
                    .field(n.text.clone())
                    .help("only Actor, Capability, Position and Salience are read"),
            );
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }

    let issue_id = slug(stem);
    // At most one actor a line: growth by doubling could leave half a large vector unused.
    let mut actors = Vec::with_capacity(all.len());
    let (mut lo, mut hi) = (f64::INFINITY, f64::NEG_INFINITY);
    for line in rows {
        let cells = trim_trailing_empty(split(line, sep, '"'));
        if cells.len() < names.len() {
            errors.push(
                Diagnostic::error(format!(
                    "line {} has {} fields; the header has {}",
                    line.number,
                    cells.len(),
                    names.len()
                ))
                .at(line.span())
                .help(format!(
                    "each row needs a value for every column, separated by `{sep}`"
                )),
            );
            continue;
        }
        let cell = |k: usize| &cells[col[k]];
        let name = cell(0);
        if name.text.is_empty() {
            errors.push(
                Diagnostic::error("the actor's name is empty")
                    .at(name.span.clone())
                    .field("Actor")
                    .help("name every actor"),
            );
            continue;
        }
        let mut nums = [0.0; 3];
        let mut ok = true;
        for (k, column) in ["Capability", "Position", "Salience"].iter().enumerate() {
            match number(cell(k + 1), column) {
                Ok(x) => nums[k] = x,
                Err(d) => {
                    errors.push(d);
                    ok = false;
                }
            }
        }
        if !ok {
            continue;
        }
        let [capability, position, salience] = nums;
        let key = Sp::new(cell(2).span.clone(), issue_id.clone());
        let skey = Sp::new(cell(3).span.clone(), issue_id.clone());
        if position.is_finite() {
            lo = lo.min(position);
            hi = hi.max(position);
        }
        actors.push(RawActor {
            id: Sp::new(name.span.clone(), slug(&name.text)),
            name: Some(name.text.clone()),
            capability: fixed(capability, cell(1)),
            position: Pairs::from([(key, fixed(position, cell(2)))]),
            salience: Pairs::from([(skey, fixed(salience, cell(3)))]),
            risk: None,
        });
    }

    let (lo, hi) = if lo > hi {
        (0.0, 100.0)
    } else if lo == hi {
        // All at one point: widen by at least one unit, and enough to register for huge values.
        let pad = (lo.abs() * 0.01).max(1.0);
        (lo - pad, hi + pad)
    } else {
        (lo, hi)
    };
    warnings.push(
        Diagnostic::warning(format!(
            "the table gives no scale; using the range of the positions, {}..{}",
            fmt_num(lo),
            fmt_num(hi)
        ))
        .at(names[col[2]].span.clone())
        .field("Position")
        .help("import it with `detente import classic FILE -o FILE.toml` and edit the issue's `scale` if it is wider"),
    );
    let raw = RawScenario::of(
        RawMeta {
            name: Some(stem.to_string()),
            ..Default::default()
        },
        vec![RawIssue {
            id: Sp::new(header.span(), issue_id),
            name: None,
            low: None,
            high: None,
            scale: Some(Sp::new(header.span(), vec![lo, hi])),
            status_quo: None::<Sp<Param>>,
            observed: None,
        }],
        actors,
    );
    Ok(RawImport {
        items: vec![(stem.to_string(), raw)],
        errors,
        warnings,
        header: vec![
            "Imported from a classic one-issue table (Actor,Capability,Position,Salience).".into(),
            format!(
                "The table gives no scale: `scale` is the range of the positions, {}..{}.",
                fmt_num(lo),
                fmt_num(hi)
            ),
        ],
    })
}
