//! The Decide exchange-model format: tab-separated rows, optionally single-quoted.
//!
//! `#A id name [description]` an actor; `#P id name [description]` an issue; `#M issue value
//! [meaning]` a point of the issue's scale (the smallest and largest make the scale);
//! `#D actor issue position salience power` an actor's stance; `#O` a title; `#/` a comment.
//! Power is per row in Decide but per actor in detente, so an actor's rows must agree on it.

use std::collections::BTreeMap;

use super::fields::{Field, Line, fixed, lines, number, split, trim_trailing_empty};
use super::{RawImport, slug, unique_ids};
use crate::diag::{Diagnostic, did_you_mean};
use crate::param::{Param, fmt_num};
use crate::raw::*;

const TAGS: [&str; 6] = ["#A", "#P", "#M", "#D", "#O", "#/"];

fn fields(line: &Line) -> Vec<Field> {
    trim_trailing_empty(split(line, '\t', '\''))
}

pub fn looks_like(text: &str) -> bool {
    lines(text)
        .iter()
        .filter(|l| !l.is_blank())
        .take(20)
        .any(|l| {
            l.text.contains('\t')
                && fields(l)
                    .first()
                    .is_some_and(|f| TAGS.contains(&f.text.as_str()))
        })
}

struct Actor {
    id: Field,
    name: String,
    power: Option<(f64, Field)>,
    position: BTreeMap<Sp<String>, Sp<Param>>,
    salience: BTreeMap<Sp<String>, Sp<Param>>,
}

struct Issue {
    id: Field,
    name: String,
    description: Option<String>,
    marks: Vec<f64>,
}

pub(crate) fn import(text: &str, stem: &str) -> Result<RawImport, Vec<Diagnostic>> {
    let mut errors = Vec::new();
    let mut warnings = Vec::new();
    let mut title = None;
    let mut actors: Vec<Actor> = Vec::new();
    let mut issues: Vec<Issue> = Vec::new();
    let mut stances: Vec<(Line, Vec<Field>)> = Vec::new();
    let all = lines(text);

    for line in all.iter().filter(|l| !l.is_blank()) {
        let f = fields(line);
        let need = |n: usize, layout: &str, errors: &mut Vec<Diagnostic>| {
            let ok = f.len() >= n;
            if !ok {
                errors.push(
                    Diagnostic::error(format!(
                        "line {} has {} field(s); `{}` rows need {n}",
                        line.number,
                        f.len(),
                        f[0].text
                    ))
                    .at(line.span())
                    .help(format!("layout: {layout}, separated by tabs")),
                );
            }
            ok
        };
        match f[0].text.as_str() {
            "#/" => {}
            "#O" => title = f.get(1).map(|t| t.text.clone()),
            "#A" => {
                if need(2, "#A id name", &mut errors) {
                    actors.push(Actor {
                        id: f[1].clone(),
                        name: f.get(2).map_or(f[1].text.clone(), |n| n.text.clone()),
                        power: None,
                        position: BTreeMap::new(),
                        salience: BTreeMap::new(),
                    });
                }
            }
            "#P" => {
                if need(2, "#P id name", &mut errors) {
                    issues.push(Issue {
                        id: f[1].clone(),
                        name: f.get(2).map_or(f[1].text.clone(), |n| n.text.clone()),
                        description: f.get(3).map(|d| d.text.clone()).filter(|d| !d.is_empty()),
                        marks: Vec::new(),
                    });
                }
            }
            "#M" => {
                if need(3, "#M issue value [meaning]", &mut errors) {
                    match issues.iter_mut().find(|i| i.id.text == f[1].text) {
                        Some(issue) => match number(&f[2], "#M value") {
                            Ok(x) => issue.marks.push(x),
                            Err(d) => errors.push(d),
                        },
                        None => errors.push(unknown(&f[1], "issue", issues.iter().map(|i| i.id.text.as_str()), "#P")),
                    }
                }
            }
            "#D" => {
                if need(6, "#D actor issue position salience power", &mut errors) {
                    stances.push((*line, f));
                }
            }
            other => errors.push(
                Diagnostic::error(format!("line {} starts with `{other}`, which is not a Decide row type", line.number))
                    .at(f[0].span.clone())
                    .help("rows start with #A (actor), #P (issue), #M (scale point), #D (data), #O (title) or #/ (comment)"),
            ),
        }
    }

    // Ids as detente writes them.
    let mut actor_ids: Vec<String> = actors.iter().map(|a| slug(&a.id.text)).collect();
    unique_ids(&mut actor_ids);
    let mut issue_ids: Vec<String> = issues.iter().map(|i| slug(&i.id.text)).collect();
    unique_ids(&mut issue_ids);

    for (line, f) in &stances {
        let Some(a) = actors.iter().position(|a| a.id.text == f[1].text) else {
            errors.push(unknown(
                &f[1],
                "actor",
                actors.iter().map(|a| a.id.text.as_str()),
                "#A",
            ));
            continue;
        };
        let Some(k) = issues.iter().position(|i| i.id.text == f[2].text) else {
            errors.push(unknown(
                &f[2],
                "issue",
                issues.iter().map(|i| i.id.text.as_str()),
                "#P",
            ));
            continue;
        };
        let nums: Vec<Result<f64, Diagnostic>> = [(3, "position"), (4, "salience"), (5, "power")]
            .iter()
            .map(|&(c, n)| number(&f[c], n))
            .collect();
        let [Ok(position), Ok(salience), Ok(power)] =
            [nums[0].clone(), nums[1].clone(), nums[2].clone()]
        else {
            errors.extend(nums.into_iter().filter_map(Result::err));
            continue;
        };
        let actor = &mut actors[a];
        if power <= 0.0 || !power.is_finite() {
            errors.push(
                Diagnostic::error(format!(
                    "power of `{}` is {}; it must be greater than 0",
                    actor.id.text,
                    fmt_num(power)
                ))
                .at(f[5].span.clone())
                .field("power")
                .help("power is the actor's capability, a positive number (Decide uses 0..1)"),
            );
            continue;
        }
        match &actor.power {
            None => actor.power = Some((power, f[5].clone())),
            Some((p, first)) if *p != power => {
                let first_line = crate::diag::LineIndex::new(text)
                    .line_col(first.span.start)
                    .0;
                errors.push(
                    Diagnostic::error(format!(
                        "power of `{}` is {} here but {} on line {first_line}",
                        actor.id.text,
                        fmt_num(power),
                        fmt_num(*p)
                    ))
                    .at(f[5].span.clone())
                    .also(first.span.clone(), "first given here")
                    .field("power")
                    .help("detente gives each actor one capability; make its power the same on every #D row"),
                );
                continue;
            }
            Some(_) => {}
        }
        let key = Sp::new(f[2].span.clone(), issue_ids[k].clone());
        if actor.position.contains_key(&key) {
            errors.push(
                Diagnostic::error(format!(
                    "`{}` has a second #D row for issue `{}` (line {})",
                    actor.id.text, f[2].text, line.number
                ))
                .at(line.span())
                .help("keep one #D row per actor and issue"),
            );
            continue;
        }
        actor.position.insert(key.clone(), fixed(position, &f[3]));
        actor.salience.insert(
            Sp::new(f[4].span.clone(), issue_ids[k].clone()),
            fixed(salience, &f[4]),
        );
    }

    let raw_issues = issues
        .iter()
        .zip(&issue_ids)
        .map(|(i, id)| {
            let scale = if i.marks.len() >= 2 {
                let lo = i.marks.iter().copied().fold(f64::INFINITY, f64::min);
                let hi = i.marks.iter().copied().fold(f64::NEG_INFINITY, f64::max);
                Some(Sp::new(i.id.span.clone(), vec![lo, hi]))
            } else {
                warnings.push(
                    Diagnostic::warning(format!(
                        "issue `{}` has no #M rows giving its scale; using 0..100",
                        i.id.text
                    ))
                    .at(i.id.span.clone())
                    .field("#M")
                    .help(format!(
                        "add `#M\t{0}\t<low>` and `#M\t{0}\t<high>` rows",
                        i.id.text
                    )),
                );
                None
            };
            RawIssue {
                id: Sp::new(i.id.span.clone(), id.clone()),
                name: Some(i.name.clone())
                    .filter(|n| n != id && *n != i.id.text)
                    .or_else(|| i.description.clone().filter(|d| d != id && *d != i.id.text)),
                low: None,
                high: None,
                scale,
                status_quo: None,
                observed: None,
            }
        })
        .collect();
    let mut raw_actors = Vec::new();
    for (a, id) in actors.into_iter().zip(actor_ids) {
        let Some((power, cell)) = a.power else {
            warnings.push(
                Diagnostic::warning(format!(
                    "actor `{}` has no #D rows and is left out",
                    a.id.text
                ))
                .at(a.id.span.clone())
                .field("#A"),
            );
            continue;
        };
        raw_actors.push(RawActor {
            id: Sp::new(a.id.span.clone(), id.clone()),
            name: Some(a.name).filter(|n| *n != id),
            capability: fixed(power, &cell),
            position: a.position.into_iter().collect(),
            salience: a.salience.into_iter().collect(),
            risk: None,
        });
    }
    let raw = RawScenario::of(
        RawMeta {
            name: Some(title.unwrap_or_else(|| stem.to_string())),
            ..Default::default()
        },
        raw_issues,
        raw_actors,
    );
    Ok(RawImport {
        items: vec![(stem.to_string(), raw)],
        errors,
        warnings,
        header: vec![
            "Imported from a Decide exchange-model file (#A, #P, #M, #D rows).".into(),
            "Each issue's scale runs from its smallest to its largest #M value; power became capability.".into(),
        ],
    })
}

fn unknown<'a>(
    f: &Field,
    kind: &str,
    known: impl Iterator<Item = &'a str>,
    tag: &str,
) -> Diagnostic {
    let known: Vec<&str> = known.collect();
    Diagnostic::error(format!("unknown {kind} `{}`", f.text))
        .at(f.span.clone())
        .field(kind.to_string())
        .help(format!(
            "{}\nevery {kind} must first be declared on a {tag} row",
            did_you_mean(&f.text, &known, kind)
        ))
}
