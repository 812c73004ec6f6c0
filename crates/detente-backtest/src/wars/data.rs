//! Reading the five war files from text (the CLI reads the files; this module does no I/O).
//!
//! Every file is comma-separated with a header line, read with the `csv` crate by column
//! name: the order of the columns does not matter and columns not named here are ignored.
//! Only the columns this crate uses are required; a missing one is one error naming it, at
//! the header. A bad cell is an error naming its column, with the byte span of the cell, so
//! that the command line shows `file:line:column`. Every bad cell of a file is reported, not
//! only the first.

use std::collections::BTreeMap;
use std::ops::Range;

use detente_core::Diagnostic;

/// One of the five files of a war data folder.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
pub enum WarFile {
    /// `cow-interstate-wars.csv`: one row per war.
    Wars,
    /// `cow-interstate-war-sides.csv`: one row per war and side.
    Sides,
    /// `cow-interstate-war-participants.csv`: one row per participant record.
    Participants,
    /// `archigos-war-leaders.csv`: leaders at entry and at exit.
    Leaders,
    /// `fortna-civil-ceasefires.csv`: civil-war cease-fires.
    Ceasefires,
}

impl WarFile {
    /// Every file, in the order the command reads them.
    pub const ALL: [WarFile; 5] = [
        WarFile::Wars,
        WarFile::Sides,
        WarFile::Participants,
        WarFile::Leaders,
        WarFile::Ceasefires,
    ];

    /// The file's name in a data folder.
    pub fn file_name(self) -> &'static str {
        match self {
            WarFile::Wars => "cow-interstate-wars.csv",
            WarFile::Sides => "cow-interstate-war-sides.csv",
            WarFile::Participants => "cow-interstate-war-participants.csv",
            WarFile::Leaders => "archigos-war-leaders.csv",
            WarFile::Ceasefires => "fortna-civil-ceasefires.csv",
        }
    }

    /// Where its data come from, for a person who does not have the file.
    pub fn source(self) -> &'static str {
        match self {
            WarFile::Wars | WarFile::Sides | WarFile::Participants => {
                "COW Inter-State War data v4.0 (Sarkees & Wayman 2010, correlatesofwar.org) with COW National Material Capabilities (CINC), in the layout of data/war-synthetic/README.md"
            }
            WarFile::Leaders => {
                "Archigos 4.1 (Goemans, Gleditsch & Chiozza 2009) matched to the COW participants, in the layout of data/war-synthetic/README.md"
            }
            WarFile::Ceasefires => {
                "Fortna's civil-war cease-fires (Fortna 2008, \"Does Peacekeeping Work?\"), in the layout of data/war-synthetic/README.md"
            }
        }
    }
}

/// A parsed CSV text: the header and every record with the byte span of each of its cells.
struct Sheet<'a> {
    header: Vec<String>,
    header_span: Range<usize>,
    records: Vec<Record<'a>>,
}

struct Record<'a> {
    text: &'a str,
    cells: Vec<Range<usize>>,
    line_span: Range<usize>,
}

/// The end of the line that starts at `start` (before its `\n`, `\r\n` or `\r`).
fn line_end(text: &str, start: usize) -> usize {
    text[start..]
        .find(['\n', '\r'])
        .map_or(text.len(), |i| start + i)
}

/// Where the record the csv crate places at `byte` starts: after a `\r\n` its position is
/// at the `\n`.
fn record_start(text: &str, byte: u64) -> usize {
    let mut start = usize::try_from(byte).unwrap_or(text.len()).min(text.len());
    while matches!(text.as_bytes().get(start), Some(b'\n' | b'\r')) {
        start += 1;
    }
    start
}

/// The byte spans of the cells of the record starting at `start` (quotes included in a quoted
/// cell's span), following RFC 4180 as the `csv` crate reads it.
fn cell_spans(text: &str, start: usize, expected: usize) -> Vec<Range<usize>> {
    let b = text.as_bytes();
    let mut spans = Vec::with_capacity(expected);
    let mut i = start;
    loop {
        let cell_start = i;
        if b.get(i) == Some(&b'"') {
            i += 1;
            while i < b.len() {
                if b[i] == b'"' {
                    if b.get(i + 1) == Some(&b'"') {
                        i += 2;
                        continue;
                    }
                    i += 1;
                    break;
                }
                i += 1;
            }
        }
        while i < b.len() && !matches!(b[i], b',' | b'\n' | b'\r') {
            i += 1;
        }
        spans.push(cell_start..i);
        if b.get(i) == Some(&b',') {
            i += 1;
        } else {
            break;
        }
    }
    spans
}

fn sheet<'a>(text: &'a str, what: &str) -> Result<Sheet<'a>, Vec<Diagnostic>> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .flexible(true)
        .from_reader(text.as_bytes());
    let header: Vec<String> = match reader.headers() {
        Ok(h) => h.iter().map(|s| s.trim().to_string()).collect(),
        Err(e) => {
            return Err(vec![Diagnostic::error(format!(
                "cannot read the header: {e}"
            ))]);
        }
    };
    let header_start = if text.starts_with('\u{feff}') { 3 } else { 0 };
    if header.iter().all(String::is_empty) {
        return Err(vec![
            Diagnostic::error(format!("the {what} file is empty"))
                .help("it starts with a header line naming its columns"),
        ]);
    }
    let header_span = header_start..line_end(text, header_start);
    let mut records = Vec::new();
    let mut errors = Vec::new();
    for r in reader.records() {
        match r {
            Ok(rec) => {
                let start = record_start(text, rec.position().map_or(0, |p| p.byte()));
                let line_span = start..line_end(text, start);
                if rec.len() == 1 && rec.get(0).is_some_and(|c| c.trim().is_empty()) {
                    continue;
                }
                let cells = cell_spans(text, start, header.len());
                if cells.len() != rec.len() {
                    errors.push(
                        Diagnostic::error("this row's cells cannot be told apart (a stray quote?)")
                            .at(line_span)
                            .help("quote a cell that holds a comma or a quote as \"...\", doubling any quote inside it"),
                    );
                    continue;
                }
                if rec.len() != header.len() {
                    errors.push(
                        Diagnostic::error(format!(
                            "this row has {} fields; the header has {}",
                            rec.len(),
                            header.len()
                        ))
                        .at(line_span)
                        .help("every row needs a (possibly empty) cell for each column, separated by commas"),
                    );
                    continue;
                }
                records.push(Record {
                    text,
                    cells,
                    line_span,
                });
            }
            Err(e) => {
                let span = e
                    .position()
                    .map(|p| record_start(text, p.byte()))
                    .map(|s| s..line_end(text, s));
                let mut d = Diagnostic::error(format!("cannot read this row: {e}"));
                if let Some(s) = span {
                    d = d.at(s);
                }
                errors.push(d);
            }
        }
    }
    if errors.is_empty() {
        Ok(Sheet {
            header,
            header_span,
            records,
        })
    } else {
        Err(errors)
    }
}

/// The positions of the columns a reader needs, or one error naming the missing ones.
fn columns<const N: usize>(
    s: &Sheet,
    names: [&'static str; N],
    what: &str,
) -> Result<[usize; N], Vec<Diagnostic>> {
    let found: Vec<Option<usize>> = names
        .iter()
        .map(|n| s.header.iter().position(|h| h == n))
        .collect();
    let missing: Vec<&str> = names
        .iter()
        .zip(&found)
        .filter(|(_, f)| f.is_none())
        .map(|(n, _)| *n)
        .collect();
    if !missing.is_empty() {
        let list = missing
            .iter()
            .map(|m| format!("`{m}`"))
            .collect::<Vec<_>>()
            .join(", ");
        let noun = if missing.len() == 1 {
            "column"
        } else {
            "columns"
        };
        return Err(vec![
            Diagnostic::error(format!("the header has no {list} {noun}"))
                .at(s.header_span.clone())
                .field(missing[0].to_string())
                .help(format!(
                    "the {what} file needs the columns {}",
                    names.join(", ")
                )),
        ]);
    }
    let mut out = [0; N];
    for (o, f) in out.iter_mut().zip(found) {
        *o = f.unwrap_or(0);
    }
    Ok(out)
}

/// One cell being read: its text, span and column name.
struct Cell<'a> {
    text: &'a str,
    span: Range<usize>,
    column: &'static str,
}

impl Record<'_> {
    fn cells<const N: usize>(&self, cols: &[usize; N], names: [&'static str; N]) -> [Cell<'_>; N] {
        std::array::from_fn(|k| self.cell(cols[k], names[k]))
    }

    fn cell(&self, col: usize, column: &'static str) -> Cell<'_> {
        let span = self.cells[col].clone();
        let raw = &self.text[span.clone()];
        let text = raw
            .strip_prefix('"')
            .and_then(|r| r.strip_suffix('"'))
            .unwrap_or(raw)
            .trim();
        Cell { text, span, column }
    }
}

impl Cell<'_> {
    fn bad(&self, what: &str) -> Diagnostic {
        let shown = if self.text.is_empty() {
            "an empty cell".to_string()
        } else {
            format!("`{}`", self.text)
        };
        Diagnostic::error(format!("{} {shown} is not {what}", self.column))
            .at(self.span.clone())
            .field(self.column.to_string())
    }

    fn string(&self) -> String {
        self.text.to_string()
    }

    fn int(&self) -> Result<i64, Diagnostic> {
        self.text
            .parse::<i64>()
            .map_err(|_| self.bad("a whole number"))
    }

    fn count(&self) -> Result<u32, Diagnostic> {
        self.text
            .parse::<u32>()
            .map_err(|_| self.bad("a count (a whole number, 0 or more)"))
    }

    fn opt_nonneg(&self) -> Result<Option<f64>, Diagnostic> {
        if self.text.is_empty() {
            return Ok(None);
        }
        match self.text.parse::<f64>() {
            Ok(v) if v.is_finite() && v >= 0.0 => Ok(Some(v)),
            _ => Err(self.bad("a number of 0 or more (or empty)")),
        }
    }

    fn nonneg(&self) -> Result<f64, Diagnostic> {
        match self.text.parse::<f64>() {
            Ok(v) if v.is_finite() && v >= 0.0 => Ok(v),
            _ => Err(self.bad("a number of 0 or more")),
        }
    }

    fn flag(&self) -> Result<bool, Diagnostic> {
        match self.text {
            "1" => Ok(true),
            "0" => Ok(false),
            _ => Err(self.bad("0 or 1")),
        }
    }

    fn opt_flag(&self) -> Result<Option<bool>, Diagnostic> {
        match self.text {
            "" => Ok(None),
            _ => self.flag().map(Some),
        }
    }

    fn side(&self) -> Result<u8, Diagnostic> {
        match self.text {
            "1" => Ok(1),
            "2" => Ok(2),
            _ => Err(self.bad("a side (1 or 2)")),
        }
    }

    fn date(&self) -> Result<String, Diagnostic> {
        match self.text.parse::<jiff::civil::Date>() {
            Ok(d) if self.text.len() == 10 => Ok(d.to_string()),
            _ => Err(self.bad("a date (YYYY-MM-DD)")),
        }
    }
}

/// Reads every row with `f`, collecting every error.
fn rows<T>(
    s: &Sheet,
    mut f: impl FnMut(&Record) -> Result<T, Diagnostic>,
) -> Result<Vec<T>, Vec<Diagnostic>> {
    let mut out = Vec::with_capacity(s.records.len());
    let mut errors = Vec::new();
    for r in &s.records {
        match f(r) {
            Ok(v) => out.push(v),
            Err(e) => errors.push(e),
        }
    }
    if errors.is_empty() {
        Ok(out)
    } else {
        Err(errors)
    }
}

/// How a war ended, as `outcome_type` codes it from the two sides' COW outcomes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum OutcomeType {
    /// One side won (COW outcomes 1 and 2).
    Victory,
    /// Compromise (3, 3).
    Compromise,
    /// Stalemate (6, 6).
    Stalemate,
    /// Transformed into another type of war (4, 4).
    Transformed,
    /// Continues below the level of war (7, 7).
    ContinuesBelowWar,
}

impl OutcomeType {
    fn parse(s: &str) -> Option<OutcomeType> {
        Some(match s {
            "victory" => OutcomeType::Victory,
            "compromise" => OutcomeType::Compromise,
            "stalemate" => OutcomeType::Stalemate,
            "transformed" => OutcomeType::Transformed,
            "continues below war level" | "continues_below_war" => OutcomeType::ContinuesBelowWar,
            _ => return None,
        })
    }

    /// The label `outcome_type` uses.
    pub fn label(self) -> &'static str {
        match self {
            OutcomeType::Victory => "victory",
            OutcomeType::Compromise => "compromise",
            OutcomeType::Stalemate => "stalemate",
            OutcomeType::Transformed => "transformed",
            OutcomeType::ContinuesBelowWar => "continues below war level",
        }
    }
}

/// One row of `cow-interstate-wars.csv`.
#[derive(Debug, Clone, PartialEq)]
pub struct WarRow {
    /// COW war number.
    pub warnum: u32,
    /// COW's name of the war.
    pub name: String,
    /// First day of combat of any participant, `YYYY-MM-DD`.
    pub start_date: String,
    /// Its year.
    pub start_year: i32,
    /// Last day minus first day plus one.
    pub duration_days: u32,
    /// The side (1 or 2) that holds the initiator.
    pub initiator_side: u8,
    /// How the war ended.
    pub outcome_type: OutcomeType,
    /// The side coded winner, for victories.
    pub winner_side: Option<u8>,
    /// Summed CINC of side 1 and side 2 in the start year; `None` where empty.
    pub cinc: [Option<f64>; 2],
    /// States on side 1 and side 2.
    pub n_states: [u32; 2],
    /// The row's byte span in the text.
    pub span: Range<usize>,
}

/// The columns [`parse_wars`] reads.
pub const WAR_COLUMNS: [&str; 12] = [
    "warnum",
    "war_name",
    "start_date",
    "start_year",
    "duration_days",
    "initiator_side",
    "outcome_type",
    "winner_side",
    "cinc_side1",
    "cinc_side2",
    "n_states_side1",
    "n_states_side2",
];

/// Reads `cow-interstate-wars.csv`.
pub fn parse_wars(text: &str) -> Result<Vec<WarRow>, Vec<Diagnostic>> {
    let s = sheet(text, "wars")?;
    let cols = columns(&s, WAR_COLUMNS, "wars")?;
    let parsed = rows(&s, |r| {
        let [
            warnum,
            name,
            start,
            year,
            days,
            init,
            otype,
            winner,
            c1,
            c2,
            n1,
            n2,
        ] = r.cells(&cols, WAR_COLUMNS);
        let outcome_type = OutcomeType::parse(otype.text).ok_or_else(|| {
            otype.bad("an outcome type").help(
                "one of victory, compromise, stalemate, transformed, continues below war level (a war still ongoing has no outcome to score: leave it out)",
            )
        })?;
        let winner_side = match (outcome_type, winner.text) {
            (OutcomeType::Victory, _) => Some(winner.side()?),
            (_, "") => None,
            (_, _) => {
                return Err(winner
                    .bad("empty")
                    .help("only a victory has a winning side"));
            }
        };
        let duration_days = days.count()?;
        if duration_days == 0 {
            return Err(days.bad("a duration of 1 day or more"));
        }
        let year = year.int()?;
        let start_date = start.date()?;
        let start_year = i32::try_from(year).map_err(|_| start.bad("a year"))?;
        Ok(WarRow {
            warnum: warnum.count()?,
            name: name.string(),
            start_year,
            start_date,
            duration_days,
            initiator_side: init.side()?,
            outcome_type,
            winner_side,
            cinc: [c1.opt_nonneg()?, c2.opt_nonneg()?],
            n_states: [n1.count()?, n2.count()?],
            span: r.line_span.clone(),
        })
    })?;
    let mut seen: BTreeMap<u32, Range<usize>> = BTreeMap::new();
    let mut errors = Vec::new();
    for w in &parsed {
        if let Some(first) = seen.get(&w.warnum) {
            errors.push(
                Diagnostic::error(format!("war {} appears twice", w.warnum))
                    .at(w.span.clone())
                    .field("warnum")
                    .also(first.clone(), "first here"),
            );
        } else {
            seen.insert(w.warnum, w.span.clone());
        }
    }
    if errors.is_empty() {
        Ok(parsed)
    } else {
        Err(errors)
    }
}

/// One row of `cow-interstate-war-sides.csv`.
#[derive(Debug, Clone, PartialEq)]
pub struct SideRow {
    /// COW war number.
    pub warnum: u32,
    /// 1 or 2.
    pub side: u8,
    /// Whether the side holds the initiator.
    pub initiator: bool,
    /// Summed CINC in the war's start year over the records that count (missing ones as 0).
    pub cinc_sum: Option<f64>,
    /// Counting records without a CINC.
    pub n_cinc_missing: u32,
    /// The row's byte span.
    pub span: Range<usize>,
}

/// The columns [`parse_sides`] reads.
pub const SIDE_COLUMNS: [&str; 5] = ["warnum", "side", "initiator", "cinc_sum", "n_cinc_missing"];

/// Reads `cow-interstate-war-sides.csv`.
pub fn parse_sides(text: &str) -> Result<Vec<SideRow>, Vec<Diagnostic>> {
    let s = sheet(text, "war sides")?;
    let cols = columns(&s, SIDE_COLUMNS, "war sides")?;
    rows(&s, |r| {
        let [warnum, side, init, cinc, missing] = r.cells(&cols, SIDE_COLUMNS);
        Ok(SideRow {
            warnum: warnum.count()?,
            side: side.side()?,
            initiator: init.flag()?,
            cinc_sum: cinc.opt_nonneg()?,
            n_cinc_missing: missing.count()?,
            span: r.line_span.clone(),
        })
    })
}

/// One row of `cow-interstate-war-participants.csv`.
#[derive(Debug, Clone, PartialEq)]
pub struct ParticipantRow {
    /// COW war number.
    pub warnum: u32,
    /// COW state code.
    pub ccode: u32,
    /// 1 or 2.
    pub side: u8,
    /// The state's CINC in the war's start year, if NMC has it.
    pub cinc_war_start_year: Option<f64>,
    /// 0 for the later record of a state that changed sides.
    pub counts_in_cinc_sum: bool,
    /// The row's byte span.
    pub span: Range<usize>,
}

/// The columns [`parse_participants`] reads.
pub const PARTICIPANT_COLUMNS: [&str; 5] = [
    "warnum",
    "ccode",
    "side",
    "cinc_war_start_year",
    "counts_in_cinc_sum",
];

/// Reads `cow-interstate-war-participants.csv`.
pub fn parse_participants(text: &str) -> Result<Vec<ParticipantRow>, Vec<Diagnostic>> {
    let s = sheet(text, "war participants")?;
    let cols = columns(&s, PARTICIPANT_COLUMNS, "war participants")?;
    rows(&s, |r| {
        let [warnum, ccode, side, cinc, counts] = r.cells(&cols, PARTICIPANT_COLUMNS);
        Ok(ParticipantRow {
            warnum: warnum.count()?,
            ccode: ccode.count()?,
            side: side.side()?,
            cinc_war_start_year: cinc.opt_nonneg()?,
            counts_in_cinc_sum: counts.flag()?,
            span: r.line_span.clone(),
        })
    })
}

/// Whose leader a row of `archigos-war-leaders.csv` names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LeaderRole {
    /// The leader in office the day before the state entered the war.
    AtEntry,
    /// The leader in office on the state's last day of fighting.
    AtExit,
}

/// One row of `archigos-war-leaders.csv`.
#[derive(Debug, Clone, PartialEq)]
pub struct LeaderRow {
    /// COW war number.
    pub warnum: u32,
    /// COW state code.
    pub ccode: u32,
    /// The side's COW outcome code (1 winner, 2 loser, others).
    pub outcome_code: i64,
    /// At entry or at exit.
    pub role: LeaderRole,
    /// Non-empty `leader_flag`: the leader is not the belligerent's own (occupation,
    /// foreign imposition).
    pub flagged: bool,
    /// The record entered on the war's first day.
    pub original_belligerent: bool,
    /// The counting record with the largest CINC on its side.
    pub largest_cinc_on_side: bool,
    /// Out of office within 2 years of the state's last day of fighting; `None` if censored.
    pub exit_within_2y: Option<bool>,
    /// The same, only irregular or foreign-imposed exits.
    pub irregular_or_foreign_exit_within_2y: Option<bool>,
    /// The row's byte span.
    pub span: Range<usize>,
}

/// The columns [`parse_leaders`] reads.
pub const LEADER_COLUMNS: [&str; 9] = [
    "warnum",
    "ccode",
    "outcome_code",
    "role",
    "leader_flag",
    "original_belligerent",
    "largest_cinc_on_side",
    "exit_within_2y",
    "irregular_or_foreign_exit_within_2y",
];

/// Reads `archigos-war-leaders.csv`.
pub fn parse_leaders(text: &str) -> Result<Vec<LeaderRow>, Vec<Diagnostic>> {
    let s = sheet(text, "war leaders")?;
    let cols = columns(&s, LEADER_COLUMNS, "war leaders")?;
    rows(&s, |r| {
        let [
            warnum,
            ccode,
            outcome,
            role,
            flag,
            orig,
            largest,
            exit2,
            irr2,
        ] = r.cells(&cols, LEADER_COLUMNS);
        let role = match role.text {
            "at_entry" => LeaderRole::AtEntry,
            "at_exit" => LeaderRole::AtExit,
            _ => return Err(role.bad("a role (at_entry or at_exit)")),
        };
        Ok(LeaderRow {
            warnum: warnum.count()?,
            ccode: ccode.count()?,
            outcome_code: outcome.int()?,
            role,
            flagged: !flag.text.is_empty(),
            original_belligerent: orig.flag()?,
            largest_cinc_on_side: largest.flag()?,
            exit_within_2y: exit2.opt_flag()?,
            irregular_or_foreign_exit_within_2y: irr2.opt_flag()?,
            span: r.line_span.clone(),
        })
    })
}

/// One row of `fortna-civil-ceasefires.csv`.
#[derive(Debug, Clone, PartialEq)]
pub struct CeasefireRow {
    /// Fortna's cease-fire id.
    pub id: String,
    /// The conflict it belongs to (folds and bootstrap resample these).
    pub cluster: String,
    /// War resumed (`failed` = Fortna's `morewar`).
    pub failed: bool,
    /// Days from the cease-fire to renewed war, or to the end of observation.
    pub peace_days: f64,
    /// After the Cold War (1989-1999), Fortna's main sample.
    pub pcw: bool,
    /// Peacekeepers present in any spell.
    pub pk_any: bool,
    /// The row's byte span.
    pub span: Range<usize>,
}

/// The columns [`parse_ceasefires`] reads.
pub const CEASEFIRE_COLUMNS: [&str; 6] = ["id", "cluster", "failed", "peace_days", "pcw", "pk_any"];

/// Reads `fortna-civil-ceasefires.csv`.
pub fn parse_ceasefires(text: &str) -> Result<Vec<CeasefireRow>, Vec<Diagnostic>> {
    let s = sheet(text, "cease-fires")?;
    let cols = columns(&s, CEASEFIRE_COLUMNS, "cease-fires")?;
    rows(&s, |r| {
        let [id, cluster, failed, days, pcw, pk] = r.cells(&cols, CEASEFIRE_COLUMNS);
        if cluster.text.is_empty() {
            return Err(cluster.bad("a conflict name"));
        }
        Ok(CeasefireRow {
            id: id.string(),
            cluster: cluster.string(),
            failed: failed.flag()?,
            peace_days: days.nonneg()?,
            pcw: pcw.flag()?,
            pk_any: pk.flag()?,
            span: r.line_span.clone(),
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const WARS: &str = "warnum,war_name,start_date,start_year,duration_days,initiator_side,outcome_type,winner_side,cinc_side1,cinc_side2,n_states_side1,n_states_side2,extra\n\
        1,A,1850-01-01,1850,10,1,victory,2,0.3,0.1,1,1,x\n\
        2,\"B, the second\",1860-05-05,1860,100,2,stalemate,,0.2,,1,2,y\n";

    #[test]
    fn reads_by_header_name_with_extra_columns_and_quotes() {
        let w = parse_wars(WARS).unwrap();
        assert_eq!(w.len(), 2);
        assert_eq!(w[0].winner_side, Some(2));
        assert_eq!(w[1].name, "B, the second");
        assert_eq!(w[1].cinc, [Some(0.2), None]);
        assert_eq!(w[1].outcome_type, OutcomeType::Stalemate);
        // Columns in another order read the same.
        let swapped = "war_name,warnum,start_date,start_year,duration_days,initiator_side,outcome_type,winner_side,cinc_side1,cinc_side2,n_states_side1,n_states_side2\n\
            A,1,1850-01-01,1850,10,1,victory,2,0.3,0.1,1,1\n";
        assert_eq!(parse_wars(swapped).unwrap()[0].warnum, 1);
    }

    #[test]
    fn a_bad_cell_names_its_column_at_its_span() {
        let bad = WARS.replace("1860-05-05,1860,100", "1860-05-05,1860,many");
        let e = parse_wars(&bad).unwrap_err();
        assert_eq!(e.len(), 1);
        assert_eq!(e[0].field.as_deref(), Some("duration_days"));
        let span = e[0].span.clone().unwrap();
        assert_eq!(&bad[span], "many");
        assert!(
            e[0].message.contains("duration_days `many`"),
            "{}",
            e[0].message
        );
    }

    #[test]
    fn every_bad_row_is_reported_and_a_missing_column_is_one_error() {
        let bad = WARS
            .replace("victory,2", "victory,3")
            .replace("stalemate,,", "stalemate,1,");
        let e = parse_wars(&bad).unwrap_err();
        assert_eq!(e.len(), 2, "{e:?}");
        let no_col = WARS.replace("duration_days,", "length,");
        let e = parse_wars(&no_col).unwrap_err();
        assert_eq!(e.len(), 1);
        assert!(e[0].message.contains("`duration_days`"), "{}", e[0].message);
        assert_eq!(e[0].span, Some(0..no_col.find('\n').unwrap()));
        let dup = format!("{WARS}1,C,1870-01-01,1870,5,1,victory,1,0.1,0.1,1,1,z\n");
        let e = parse_wars(&dup).unwrap_err();
        assert!(e[0].message.contains("war 1 appears twice"));
        assert_eq!(e[0].related.len(), 1);
    }

    #[test]
    fn short_rows_and_empty_files() {
        let e = parse_wars(&format!("{WARS}3,C\n")).unwrap_err();
        assert!(e[0].message.contains("has 2 fields"), "{}", e[0].message);
        assert!(parse_wars("").is_err());
        assert!(parse_ceasefires("id,cluster\n").is_err());
    }

    #[test]
    fn a_byte_order_mark_and_crlf_lines_are_read() {
        let text = format!("\u{feff}{}", WARS.replace('\n', "\r\n"));
        let w = parse_wars(&text).unwrap();
        assert_eq!(w.len(), 2);
        let bad = text.replace(",100,", ",x,");
        let e = parse_wars(&bad).unwrap_err();
        assert_eq!(&bad[e[0].span.clone().unwrap()], "x");
    }

    /// Mangled versions of a valid file (cells cut, quotes, commas, multi-byte characters and
    /// line breaks inserted at random places) never panic, and every span lies inside the
    /// text on character boundaries.
    #[test]
    fn mangled_input_gives_diagnostics_with_sound_spans() {
        use rand::{Rng, SeedableRng};
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(5);
        let pieces = [
            "\"", ",", "\n", "\r", "é", "𝄞", "", "1", "-", "nan", "\u{feff}",
        ];
        for _ in 0..400 {
            let mut t: Vec<char> = WARS.chars().collect();
            for _ in 0..rng.random_range(1..6) {
                let at = rng.random_range(0..=t.len());
                if rng.random::<bool>() && at < t.len() {
                    t.remove(at);
                } else {
                    let p = pieces[rng.random_range(0..pieces.len())];
                    for (k, c) in p.chars().enumerate() {
                        t.insert(at + k, c);
                    }
                }
            }
            let text: String = t.into_iter().collect();
            let results = [
                parse_wars(&text).err(),
                parse_sides(&text).err(),
                parse_participants(&text).err(),
                parse_leaders(&text).err(),
                parse_ceasefires(&text).err(),
            ];
            for d in results.into_iter().flatten().flatten() {
                for s in d.span.iter().chain(d.related.iter().map(|r| &r.0)) {
                    assert!(s.start <= s.end && s.end <= text.len(), "{s:?} {text:?}");
                    assert!(text.is_char_boundary(s.start) && text.is_char_boundary(s.end));
                }
            }
        }
    }

    #[test]
    fn cell_spans_follow_quotes() {
        let t = "a,\"b,\"\"c\"\"\",d\r\nx";
        let s = cell_spans(t, 0, 3);
        let cells: Vec<&str> = s.iter().map(|r| &t[r.clone()]).collect();
        assert_eq!(cells, ["a", "\"b,\"\"c\"\"\"", "d"]);
        assert_eq!(line_end(t, 0), t.find('\r').unwrap());
    }
}
