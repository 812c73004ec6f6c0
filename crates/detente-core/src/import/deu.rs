//! The DEU data set (Decision-making in the European Union; Arregui & Perarnaud 2021, CC BY 4.0).
//!
//! Tab-separated, one row per controversial issue of a legislative proposal: `p<code>` positions
//! and `s<code>` saliences on 0..100 for the Commission (`com`), the Parliament (`ep`) and each
//! member state, the reference point `rp` and the outcome `out`. Each row becomes a scenario of
//! its own. The data set has no capabilities: every actor gets capability 1 (a header line in
//! the converted file says so). A position without a salience gets salience 0.5, with a warning.

use super::fields::{Field, Line, fixed, lines, number, percent, split};
use super::{RawImport, slug};
use crate::diag::Diagnostic;
use crate::param::Param;
use crate::raw::*;
use std::collections::BTreeMap;

/// Actor codes of the DEU data set and their names.
const ACTORS: [(&str, &str); 30] = [
    ("com", "European Commission"),
    ("ep", "European Parliament"),
    ("at", "Austria"),
    ("be", "Belgium"),
    ("bu", "Bulgaria"),
    ("cr", "Croatia"),
    ("cy", "Cyprus"),
    ("cz", "Czech Republic"),
    ("dk", "Denmark"),
    ("ee", "Estonia"),
    ("fi", "Finland"),
    ("fr", "France"),
    ("de", "Germany"),
    ("el", "Greece"),
    ("hu", "Hungary"),
    ("ie", "Ireland"),
    ("it", "Italy"),
    ("lv", "Latvia"),
    ("lt", "Lithuania"),
    ("lu", "Luxembourg"),
    ("mt", "Malta"),
    ("nl", "Netherlands"),
    ("pl", "Poland"),
    ("pt", "Portugal"),
    ("ro", "Romania"),
    ("si", "Slovenia"),
    ("sk", "Slovakia"),
    ("es", "Spain"),
    ("se", "Sweden"),
    ("uk", "United Kingdom"),
];

fn fields(line: &Line) -> Vec<Field> {
    split(line, '\t', '"')
}

pub fn looks_like(first: &str) -> bool {
    let cols: Vec<&str> = first.split('\t').map(str::trim).collect();
    ["prnr", "isnr", "rp", "out"]
        .iter()
        .all(|c| cols.contains(c))
}

pub(crate) fn import(text: &str, _stem: &str) -> Result<RawImport, Vec<Diagnostic>> {
    let all = lines(text);
    let mut rows = all.iter().filter(|l| !l.is_blank());
    let Some(header_line) = rows.next() else {
        return Err(vec![
            Diagnostic::error("the file is empty").help("a DEU file starts with its header line"),
        ]);
    };
    let header = fields(header_line);
    let col = |name: &str| header.iter().position(|f| f.text == name);
    let mut errors = Vec::new();
    let mut need = |name: &str| {
        let c = col(name);
        if c.is_none() {
            errors.push(
                Diagnostic::error(format!("the header has no `{name}` column"))
                    .at(header_line.span())
                    .field(name.to_string())
                    .help("a DEU file has the columns prnr, isnr, the p<actor> and s<actor> pairs, rp and out"),
            );
        }
        c
    };
    let (c_prnr, c_isnr, c_rp, c_out) = (need("prnr"), need("isnr"), need("rp"), need("out"));
    let actors: Vec<(usize, usize, &str, &str)> = ACTORS
        .iter()
        .filter_map(|&(code, name)| {
            Some((
                col(&format!("p{code}"))?,
                col(&format!("s{code}"))?,
                code,
                name,
            ))
        })
        .collect();
    if actors.is_empty() {
        errors.push(
            Diagnostic::error(
                "the header has no actor columns (pcom, scom, pep, sep, pat, sat, ...)",
            )
            .at(header_line.span())
            .help("a DEU file has one p<code> and one s<code> column per actor"),
        );
    }
    let (Some(c_prnr), Some(c_isnr), Some(c_rp), Some(c_out)) = (c_prnr, c_isnr, c_rp, c_out)
    else {
        return Err(errors);
    };
    if !errors.is_empty() {
        return Err(errors);
    }
    let c_name = col("prname");
    let meta_cols: Vec<(usize, &str)> = ["type", "council", "proc", "counvte", "intro", "finact"]
        .iter()
        .filter_map(|c| Some((col(c)?, *c)))
        .collect();

    let mut items = Vec::new();
    let mut warnings = Vec::new();
    // (issue, how many positions) where a position came without a salience.
    let mut no_salience: Vec<(String, usize)> = Vec::new();
    // Issue id -> (its cell, its line): each row becomes the scenario file `<id>.toml`, so two
    // rows of one id would ask for one file twice.
    let mut seen: BTreeMap<String, (std::ops::Range<usize>, usize)> = BTreeMap::new();
    for line in rows {
        let cells = fields(line);
        if cells.len() < header.len() {
            errors.push(
                Diagnostic::error(format!(
                    "line {} has {} fields; the header has {}",
                    line.number,
                    cells.len(),
                    header.len()
                ))
                .at(line.span())
                .help("every row needs a (possibly empty) cell for each column, separated by tabs"),
            );
            continue;
        }
        let isnr = &cells[c_isnr];
        let issue_id = slug(&isnr.text);
        if let Some((first, first_line)) = seen.get(&issue_id) {
            errors.push(
                Diagnostic::error(format!(
                    "line {} repeats the issue of line {first_line}: isnr `{}` gives the issue id `{issue_id}` again",
                    line.number, isnr.text
                ))
                .at(isnr.span.clone())
                .also(first.clone(), "first defined here")
                .field("isnr")
                .help("each row is one issue and becomes one scenario file: remove the repeated row or give it its own isnr"),
            );
            continue;
        }
        seen.insert(issue_id.clone(), (isnr.span.clone(), line.number));
        let opt_num = |c: usize, errors: &mut Vec<Diagnostic>| -> Option<f64> {
            let f = &cells[c];
            if f.text.is_empty() {
                return None;
            }
            number(f, &header[c].text).map_err(|d| errors.push(d)).ok()
        };
        let opt_percent = |c: usize, errors: &mut Vec<Diagnostic>| -> Option<f64> {
            let f = &cells[c];
            if f.text.is_empty() {
                return None;
            }
            percent(f, &header[c].text).map_err(|d| errors.push(d)).ok()
        };
        let mut raw_actors = Vec::new();
        let mut missing_salience = Vec::new();
        for &(pc, sc, code, name) in &actors {
            let Some(p) = opt_num(pc, &mut errors) else {
                continue;
            };
            let s = match opt_percent(sc, &mut errors) {
                Some(s) if !(0.0..=1.0).contains(&s) => {
                    errors.push(
                        Diagnostic::error(format!(
                            "{}: salience {} is outside 0..100",
                            header[sc].text, cells[sc].text
                        ))
                        .at(cells[sc].span.clone())
                        .field(header[sc].text.clone())
                        .help("DEU writes saliences on 0..100"),
                    );
                    continue;
                }
                Some(s) => Some(fixed(s, &cells[sc])),
                None if cells[sc].text.is_empty() => {
                    missing_salience.push(code);
                    Some(Sp::new(cells[sc].span.clone(), Param::Fixed(0.5)))
                }
                None => continue,
            };
            let Some(s) = s else { continue };
            raw_actors.push(RawActor {
                id: Sp::new(cells[pc].span.clone(), code.to_string()),
                name: Some(name.to_string()),
                capability: Sp::new(cells[pc].span.clone(), Param::Fixed(1.0)),
                position: Pairs::from([(
                    Sp::new(cells[pc].span.clone(), issue_id.clone()),
                    fixed(p, &cells[pc]),
                )]),
                salience: Pairs::from([(Sp::new(cells[sc].span.clone(), issue_id.clone()), s)]),
                risk: None,
            });
        }
        if !missing_salience.is_empty() {
            no_salience.push((isnr.text.clone(), missing_salience.len()));
        }
        let rp = opt_num(c_rp, &mut errors);
        let out = opt_num(c_out, &mut errors);
        let prname = c_name
            .map(|c| cells[c].text.clone())
            .filter(|n| !n.is_empty());
        let description: Vec<String> = meta_cols
            .iter()
            .filter(|(c, _)| !cells[*c].text.is_empty())
            .map(|(c, n)| format!("{n} {}", cells[*c].text))
            .collect();
        let raw = RawScenario::of(
            RawMeta {
                name: Some(
                    format!(
                        "DEU {} {}, issue {}",
                        cells[c_prnr].text,
                        prname.as_deref().unwrap_or(""),
                        isnr.text
                    )
                    .replace("  ", " "),
                ),
                source: Some(
                    "DEU III, Arregui & Perarnaud (2021), doi:10.34810/data53, CC BY 4.0".into(),
                ),
                description: Some(description.join("; ")).filter(|d| !d.is_empty()),
                time_unit: None,
            },
            vec![RawIssue {
                id: Sp::new(isnr.span.clone(), issue_id.clone()),
                name: prname,
                low: None,
                high: None,
                scale: None,
                status_quo: rp.map(|x| fixed(x, &cells[c_rp])),
                observed: out.map(|x| Sp::new(cells[c_out].span.clone(), x)),
            }],
            raw_actors,
        );
        items.push((issue_id, raw));
    }
    if !no_salience.is_empty() {
        let n: usize = no_salience.iter().map(|x| x.1).sum();
        let issues: Vec<&str> = no_salience.iter().map(|x| x.0.as_str()).collect();
        warnings.push(
            Diagnostic::warning(format!(
                "{n} position(s) on {} issue(s) have no salience; they get salience 0.5 (issues {})",
                issues.len(),
                crate::diag::list(&issues)
            ))
            .field("s<actor>")
            .help("fill in the salience cells to use the experts' own figures"),
        );
    }
    Ok(RawImport {
        items,
        errors,
        warnings,
        header: vec![
            "Imported from the DEU III data set: Arregui & Perarnaud (2021), doi:10.34810/data53, CC BY 4.0.".into(),
            "Positions and saliences were on 0..100; saliences are divided by 100. `status_quo` is the".into(),
            "reference point `rp` and `observed` the recorded outcome `out`.".into(),
            "DEU has no capabilities: every actor has capability 1. A missing salience became 0.5.".into(),
        ],
    })
}
