//! Backtest cases: one per DEU issue with an observed outcome.
//!
//! The scenarios come from `detente_core::import` (one per row, already validated); what the
//! importer does not keep as data, the proposal id, the procedure and the date, is read here from
//! the same text. Every row is matched to its scenario by position and checked by issue id, so
//! the two readings cannot drift apart silently.

use std::ops::Range;

use detente_core::Diagnostic;
use detente_core::Scenario;
use detente_core::import::{Imported, slug};

use crate::weights::{Date, parse_deu_date};

/// The legislative procedure of a proposal (DEU's `proc` column).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Procedure {
    /// Codecision, the ordinary legislative procedure (Art. 294 TFEU).
    Cod,
    /// Consultation, a special legislative procedure (Art. 289(2) TFEU).
    Cns,
    /// Anything else, kept as written; the `council` scheme refuses it.
    Other(String),
    /// No `proc` column or an empty cell.
    Missing,
}

impl Procedure {
    fn parse(cell: &str) -> Procedure {
        match cell.trim() {
            "" => Procedure::Missing,
            c if c.eq_ignore_ascii_case("COD") => Procedure::Cod,
            c if c.eq_ignore_ascii_case("CNS") => Procedure::Cns,
            c => Procedure::Other(c.to_string()),
        }
    }
}

/// A cell of the file: its text and its byte range in the whole input, for diagnostics.
#[derive(Debug, Clone, PartialEq)]
pub struct Cell {
    /// The text without surrounding blanks and double quotes, as the importer reads it.
    pub text: String,
    /// Byte range of that text in the whole input.
    pub span: Range<usize>,
}

/// One issue with an observed outcome, ready to be forecast.
#[derive(Debug, Clone)]
pub struct Case {
    /// 1-based line of the row in the file.
    pub line: usize,
    /// `prnr`: the proposal; the bootstrap resamples proposals.
    pub proposal: String,
    /// `isnr`.
    pub issue: String,
    /// `proc`: the legislative procedure, which decides whether the Parliament takes part.
    pub procedure: Procedure,
    /// The `proc` cell (for diagnostics); `None` without a `proc` column.
    pub procedure_cell: Option<Cell>,
    /// The `intro` date as read by [`parse_deu_date`]; `None` if absent or unreadable.
    pub intro: Option<Date>,
    /// The `intro` cell; `None` without an `intro` column.
    pub intro_cell: Option<Cell>,
    /// The reference point `rp`, if coded.
    pub rp: Option<f64>,
    /// The recorded outcome `out`.
    pub outcome: f64,
    /// The issue as the importer built it: every actor with a position, capability 1.
    pub scenario: Scenario,
}

/// The cases of a file and what was left out.
#[derive(Debug, Clone)]
pub struct Dataset {
    /// The cases, in the file's row order.
    pub cases: Vec<Case>,
    /// Rows (issues) in the file.
    pub issues: usize,
    /// Issues without an outcome, left out.
    pub without_outcome: usize,
}

impl Dataset {
    /// Distinct proposals among the cases.
    pub fn proposals(&self) -> usize {
        let mut ids: Vec<&str> = self.cases.iter().map(|c| c.proposal.as_str()).collect();
        ids.sort_unstable();
        ids.dedup();
        ids.len()
    }
}

/// Builds the cases from a DEU text and what `detente_core::import::import(Format::Deu, ..)`
/// made of that same text. Errors carry spans into `text`.
pub fn build(text: &str, imported: &Imported) -> Result<Dataset, Vec<Diagnostic>> {
    let body = text.strip_prefix('\u{feff}').unwrap_or(text);
    let shift = text.len() - body.len();
    let mut rows = Vec::new();
    let mut start = shift;
    for (k, raw) in body.split_inclusive('\n').enumerate() {
        let line = raw.strip_suffix('\n').unwrap_or(raw);
        let line = line.strip_suffix('\r').unwrap_or(line);
        if !line.trim().is_empty() {
            rows.push((k + 1, start, line));
        }
        start += raw.len();
    }
    let Some(&(header_no, header_start, header_line)) = rows.first() else {
        return Err(vec![Diagnostic::error("the file is empty")]);
    };
    let header: Vec<Cell> = cells(header_line, header_start);
    let col = |name: &str| header.iter().position(|c| c.text == name);
    let header_span = header_start..header_start + header_line.len();
    let (Some(c_prnr), Some(c_isnr)) = (col("prnr"), col("isnr")) else {
        return Err(vec![
            Diagnostic::error(format!(
                "line {header_no}: the header has no `prnr` and `isnr` columns"
            ))
            .at(header_span)
            .help("a DEU file names each row's proposal in `prnr` and its issue in `isnr`"),
        ]);
    };
    let (c_proc, c_intro) = (col("proc"), col("intro"));
    let data = &rows[1..];
    if data.len() != imported.items.len() {
        return Err(vec![Diagnostic::error(format!(
            "the file has {} rows but the importer read {} issues; is this a DEU file?",
            data.len(),
            imported.items.len()
        ))]);
    }
    let mut cases = Vec::new();
    let mut without_outcome = 0;
    for (&(number, line_start, line), item) in data.iter().zip(&imported.items) {
        let row = cells(line, line_start);
        // The importer has already checked that every row has all its fields.
        let get = |c: usize| row.get(c).cloned();
        let (Some(prnr), Some(isnr)) = (get(c_prnr), get(c_isnr)) else {
            return Err(vec![
                Diagnostic::error(format!("line {number} has too few fields"))
                    .at(line_start..line_start + line.len()),
            ]);
        };
        if slug(&isnr.text) != item.key {
            return Err(vec![
                Diagnostic::error(format!(
                    "line {number}: issue `{}` does not match the importer's `{}`",
                    isnr.text, item.key
                ))
                .at(isnr.span.clone())
                .field("isnr"),
            ]);
        }
        if prnr.text.is_empty() {
            return Err(vec![
                Diagnostic::error(format!("line {number}: `prnr` is empty"))
                    .at(prnr.span.clone())
                    .field("prnr")
                    .help("the backtest groups issues by proposal; give each row its proposal id"),
            ]);
        }
        let scenario = item.scenario.clone();
        let Some(outcome) = scenario.issues.first().and_then(|i| i.observed) else {
            without_outcome += 1;
            continue;
        };
        let rp = scenario
            .issues
            .first()
            .and_then(|i| i.status_quo.as_ref())
            .map(|p| p.value());
        let procedure_cell = c_proc.and_then(get);
        let intro_cell = c_intro.and_then(get);
        cases.push(Case {
            line: number,
            proposal: prnr.text,
            issue: isnr.text,
            procedure: procedure_cell
                .as_ref()
                .map_or(Procedure::Missing, |c| Procedure::parse(&c.text)),
            procedure_cell,
            intro: intro_cell.as_ref().and_then(|c| parse_deu_date(&c.text)),
            intro_cell,
            rp,
            outcome,
            scenario,
        });
    }
    Ok(Dataset {
        cases,
        issues: data.len(),
        without_outcome,
    })
}

/// Tab-separated cells with surrounding blanks and double quotes removed, as the importer
/// reads them.
fn cells(line: &str, line_start: usize) -> Vec<Cell> {
    let mut out = Vec::new();
    let mut offset = 0;
    for raw in line.split('\t') {
        let lead = raw.len() - raw.trim_start().len();
        let trimmed = raw.trim();
        let (text, inner) = match trimmed.strip_prefix('"').and_then(|t| t.strip_suffix('"')) {
            Some(inner) => (inner.replace("\"\"", "\""), 1),
            None => (trimmed.to_string(), 0),
        };
        let begin = line_start + offset + lead + inner;
        let end = line_start + offset + lead + trimmed.len() - inner;
        out.push(Cell {
            text,
            span: begin..end.max(begin),
        });
        offset += raw.len() + 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use detente_core::import::{Format, import};

    const HEADER: &str = "prnr\tisnr\tproc\tintro\tpcom\tpep\tpde\tscom\tsep\tsde\trp\tout";

    fn dataset(text: &str) -> Dataset {
        let imported = import(Format::Deu, text, "t").expect("imports");
        build(text, &imported).expect("builds")
    }

    #[test]
    fn one_case_per_issue_with_an_outcome() {
        let text = format!(
            "{HEADER}\n\
             p1\tp1i1\tCOD\t23-03-00\t100\t50\t0\t80\t70\t40\t0\t50\n\
             \n\
             p1\tp1i2\tCOD\t23-03-00\t100\t\t0\t80\t\t40\t\t\n\
             p2\tp2i1\tCNS\t2015-03-01\t10\t\t30\t50\t\t50\t\t20\n"
        );
        let d = dataset(&text);
        assert_eq!((d.issues, d.without_outcome, d.cases.len()), (3, 1, 2));
        assert_eq!(d.proposals(), 2);
        let c = &d.cases[1];
        assert_eq!(
            (c.line, c.proposal.as_str(), c.issue.as_str()),
            (5, "p2", "p2i1")
        );
        assert_eq!(c.procedure, Procedure::Cns);
        assert_eq!(c.intro, Some((2001, 3, 15)));
        assert_eq!((c.rp, c.outcome), (None, 20.0));
        // The actor without a position (the EP) is not in the scenario's stakes.
        assert_eq!(c.scenario.stakes(0).len(), 2);
        assert_eq!(d.cases[0].rp, Some(0.0));
        let cell = d.cases[1].intro_cell.as_ref().unwrap();
        assert_eq!(&text[cell.span.clone()], "2015-03-01");
    }

    #[test]
    fn cells_keep_spans_and_drop_quotes() {
        let cs = cells(" a\t\"b\"\t\t c ", 10);
        let texts: Vec<&str> = cs.iter().map(|c| c.text.as_str()).collect();
        assert_eq!(texts, ["a", "b", "", "c"]);
        assert_eq!(cs[0].span, 11..12);
        assert_eq!(cs[1].span, 14..15);
        assert_eq!(cs[3].span, 19..20);
    }
}
