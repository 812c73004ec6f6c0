//! KTAB's SMP CSV (KAPSARC, MIT licence).
//!
//! Line 1: `name, description, numActors, numDims`; line 2: column names; then one line per
//! actor: `Name, Description, Capability, (Position, Salience) x numDims`. Positions and
//! saliences are written on 0..100; KTAB divides both by 100. detente keeps positions on a
//! 0..100 scale and divides saliences by 100.

use std::collections::BTreeMap;

use super::fields::{Field, Line, fixed, lines, number, percent, split, trim_trailing_empty};
use super::{RawImport, slug, unique_ids};
use crate::diag::Diagnostic;
use crate::param::Param;
use crate::raw::*;

fn fields(line: &Line) -> Vec<Field> {
    trim_trailing_empty(split(line, ',', '"'))
}

pub fn looks_like(first: &str, second: &str) -> bool {
    let l1 = Line {
        number: 1,
        start: 0,
        text: first,
    };
    let l2 = Line {
        number: 2,
        start: 0,
        text: second,
    };
    let f1 = fields(&l1);
    let f2 = fields(&l2);
    f1.len() >= 4
        && f1[2].text.parse::<u32>().is_ok()
        && f1[3].text.parse::<u32>().is_ok()
        && f2
            .first()
            .is_some_and(|f| f.text.eq_ignore_ascii_case("actor"))
}

pub(crate) fn import(text: &str, stem: &str) -> Result<RawImport, Vec<Diagnostic>> {
    let all = lines(text);
    let rows: Vec<&Line> = all.iter().filter(|l| !l.is_blank()).collect();
    let help_layout = "KTAB's layout: line 1 `name, description, numActors, numDims`; line 2 the column \
                       names; then `Name, Description, Capability, Position, Salience, ...` per actor";
    if rows.len() < 2 {
        return Err(vec![
            Diagnostic::error("a KTAB file needs a title line and a header line").help(help_layout),
        ]);
    }
    let title = fields(rows[0]);
    if title.len() < 4 {
        return Err(vec![
            Diagnostic::error(
                "the first line must have 4 fields: name, description, numActors, numDims",
            )
            .at(rows[0].span())
            .help(help_layout),
        ]);
    }
    let count = |f: &Field, what: &str| -> Result<usize, Diagnostic> {
        f.text.parse::<usize>().map_err(|_| {
            Diagnostic::error(format!("{what}: `{}` is not a whole number", f.text))
                .at(f.span.clone())
                .field(what.to_string())
                .help(help_layout)
        })
    };
    let n_actors = count(&title[2], "numActors").map_err(|d| vec![d])?;
    let n_dims = count(&title[3], "numDims").map_err(|d| vec![d])?;
    if n_dims == 0 {
        return Err(vec![
            Diagnostic::error("numDims is 0: a scenario needs at least one dimension")
                .at(title[3].span.clone())
                .field("numDims"),
        ]);
    }
    let header = fields(rows[1]);
    // Saturating: a huge numDims must give the error below, not an overflow.
    let want = n_dims.saturating_mul(2).saturating_add(3);
    if header.len() < want {
        return Err(vec![
            Diagnostic::error(format!(
                "the header has {} columns; {n_dims} dimension(s) need {want}",
                header.len()
            ))
            .at(rows[1].span())
            .help(help_layout),
        ]);
    }

    // Dimension ids from the position columns' names: "Policy Position" -> "policy".
    let mut dim_ids: Vec<String> = (0..n_dims)
        .map(|d| {
            let name = &header[3 + 2 * d].text;
            let lower = name.to_lowercase();
            let base = lower.strip_suffix("position").unwrap_or(&lower).trim();
            if base.is_empty() {
                format!("dim{}", d + 1)
            } else {
                slug(base)
            }
        })
        .collect();
    unique_ids(&mut dim_ids);

    let mut errors = Vec::new();
    let data = &rows[2..];
    if data.len() != n_actors {
        errors.push(
            Diagnostic::error(format!(
                "numActors says {n_actors}, but the file has {} actor lines",
                data.len()
            ))
            .at(title[2].span.clone())
            .field("numActors")
            .help("make numActors match the number of actor lines"),
        );
    }
    let mut actors = Vec::new();
    let mut descriptions = Vec::new();
    for line in data {
        let cells = fields(line);
        if cells.len() < want {
            errors.push(
                Diagnostic::error(format!(
                    "line {} has {} fields; {want} are needed",
                    line.number,
                    cells.len()
                ))
                .at(line.span())
                .help(help_layout),
            );
            continue;
        }
        let capability = match number(&cells[2], &header[2].text) {
            Ok(x) => x,
            Err(d) => {
                errors.push(d);
                continue;
            }
        };
        let mut position = BTreeMap::new();
        let mut salience = BTreeMap::new();
        for (d, dim) in dim_ids.iter().enumerate() {
            let (pc, sc) = (&cells[3 + 2 * d], &cells[4 + 2 * d]);
            match (
                number(pc, &header[3 + 2 * d].text),
                percent(sc, &header[4 + 2 * d].text),
            ) {
                (Ok(p), Ok(s)) => {
                    if !(0.0..=1.0).contains(&s) {
                        errors.push(
                            Diagnostic::error(format!(
                                "{}: salience {} is outside 0..100",
                                header[4 + 2 * d].text,
                                sc.text
                            ))
                            .at(sc.span.clone())
                            .field(header[4 + 2 * d].text.clone())
                            .help("KTAB writes saliences in percent, 0..100"),
                        );
                        continue;
                    }
                    position.insert(Sp::new(pc.span.clone(), dim.clone()), fixed(p, pc));
                    salience.insert(Sp::new(sc.span.clone(), dim.clone()), fixed(s, sc));
                }
                (p, s) => errors.extend(p.err().into_iter().chain(s.err())),
            }
        }
        descriptions.push(cells[1].text.clone());
        actors.push(RawActor {
            id: Sp::new(cells[0].span.clone(), slug(&cells[0].text)),
            name: Some(cells[0].text.clone()),
            capability: fixed(capability, &cells[2]),
            position: position.into_iter().collect(),
            salience: salience.into_iter().collect(),
            risk: None,
        });
    }
    // Use descriptions as readable names when they tell the actors apart.
    let distinct: std::collections::BTreeSet<&String> = descriptions.iter().collect();
    if distinct.len() == descriptions.len() && descriptions.iter().all(|d| !d.is_empty()) {
        for (a, d) in actors.iter_mut().zip(&descriptions) {
            a.name = Some(d.clone());
        }
    }
    let issues = dim_ids
        .iter()
        .enumerate()
        .map(|(d, id)| RawIssue {
            id: Sp::new(header[3 + 2 * d].span.clone(), id.clone()),
            name: Some(header[3 + 2 * d].text.clone()),
            low: None,
            high: None,
            scale: None,
            status_quo: None::<Sp<Param>>,
            observed: None,
        })
        .collect();
    let raw = RawScenario::of(
        RawMeta {
            name: Some(title[0].text.clone()),
            description: Some(title[1].text.clone()).filter(|d| !d.is_empty()),
            ..Default::default()
        },
        issues,
        actors,
    );
    Ok(RawImport {
        items: vec![(stem.to_string(), raw)],
        errors,
        warnings: vec![],
        header: vec![
            "Imported from a KTAB SMP CSV (KAPSARC, MIT licence).".into(),
            "Positions stay on KTAB's 0..100 scale; saliences are divided by 100, as KTAB does."
                .into(),
        ],
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn huge_num_dims_is_an_error_not_an_overflow() {
        // `3 + 2 * numDims` overflowed: a panic with overflow checks on; with them off, a wrapped
        // count that let the header check pass.
        let text = "T,d,1,9223372036854775808\nActor,Description,Power,Pos,Sal\nA,a,1,50,50\n";
        let Err(ds) = import(text, "t") else {
            panic!("imported")
        };
        assert!(ds[0].message.contains("dimension(s) need"), "{ds:?}");
        assert_eq!(
            &text[ds[0].span.clone().unwrap()],
            "Actor,Description,Power,Pos,Sal"
        );
    }
}
