//! Council of the EU voting weights by the rules in force at a date, and the reading of the
//! DEU III data set's date cells.
//!
//! The figures are public facts kept in `data/eu-council/voting-weights.tsv`; its README gives
//! the legal act behind every row. The file is embedded at compile time because this crate does
//! no I/O.
//!
//! Weights are on the scale of their regime: weighted votes under the pre-Nice, transitional and
//! Nice rules (totals 87, 124, 321, 345, 352), and each state's share of the Union's population
//! under the Lisbon double majority (total 1). Use [`council_share`] for a scale-free figure.
//!
//! Member codes are the DEU ones: `at be bu cr cy cz dk ee fi fr de el hu ie it lv lt lu mt nl
//! pl pt ro si sk es se uk`.

use std::sync::OnceLock;

/// A calendar date as `(year, month, day)`. Tuples order lexicographically, which is date order.
pub type Date = (i32, u32, u32);

/// Every member-state code DEU III uses, in the data set's column order.
pub const DEU_MEMBER_CODES: [&str; 28] = [
    "at", "be", "bu", "cr", "cy", "cz", "dk", "ee", "fi", "fr", "de", "el", "hu", "ie", "it", "lv",
    "lt", "lu", "mt", "nl", "pl", "pt", "ro", "si", "sk", "es", "se", "uk",
];

const TABLE_TSV: &str = include_str!("../../../data/eu-council/voting-weights.tsv");

const HEADER: [&str; 8] = [
    "regime",
    "from",
    "to",
    "member",
    "votes",
    "population_k",
    "status",
    "source",
];

/// The rule by which the Council's qualified majority is counted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Regime {
    /// Art. 205(2) TEC weights of the EU-15 (total 87), in force until 30 April 2004.
    PreNice,
    /// Art. 26 of the 2003 Act of Accession: the old weights plus the ten new members
    /// (total 124), 1 May to 31 October 2004.
    Transitional2004,
    /// The Nice weights (321, then 345, then 352), 1 November 2004 to 31 October 2014.
    Nice,
    /// The Lisbon double majority from 1 November 2014, weighted by population share.
    Lisbon,
}

impl Regime {
    /// The regime's name in the data file.
    pub fn name(self) -> &'static str {
        match self {
            Regime::PreNice => "pre-nice",
            Regime::Transitional2004 => "transitional-2004",
            Regime::Nice => "nice",
            Regime::Lisbon => "lisbon",
        }
    }

    /// The regime for a name used in the data file.
    pub fn from_name(name: &str) -> Option<Regime> {
        match name {
            "pre-nice" => Some(Regime::PreNice),
            "transitional-2004" => Some(Regime::Transitional2004),
            "nice" => Some(Regime::Nice),
            "lisbon" => Some(Regime::Lisbon),
            _ => None,
        }
    }

    /// Whether weights are population shares (true) rather than weighted votes.
    pub fn is_population_based(self) -> bool {
        self == Regime::Lisbon
    }
}

/// The regime in force on `date`.
///
/// From 1 November 2014 this is [`Regime::Lisbon`], although until 31 March 2017 any member
/// could still ask for a vote under the Nice weights (Protocol No 36, Art. 3(2)): the default
/// rule is what an outside observer could count on. Dates before 1995 map to
/// [`Regime::PreNice`], for which the data file has only the EU-15 table, so they get no weights.
pub fn regime_at(date: Date) -> Regime {
    if date < (2004, 5, 1) {
        Regime::PreNice
    } else if date < (2004, 11, 1) {
        Regime::Transitional2004
    } else if date < (2014, 11, 1) {
        Regime::Nice
    } else {
        Regime::Lisbon
    }
}

/// `member`'s weight under the regime in force on `date`: weighted votes before 1 November
/// 2014, population share after (the figures of that calendar year).
///
/// `None` if the date is not a real date, if the state was not a member then (Poland in 1999),
/// if the code is unknown, or if the data file has no figures for that date (before 1995, after
/// 2019).
pub fn council_weight(member: &str, date: Date) -> Option<f64> {
    find(&weights_at(date), member)
}

/// `member`'s share of the Council's total weight on `date`, a number in (0, 1] whatever the
/// regime, so that weights can be compared across regimes. `None` as for [`council_weight`].
pub fn council_share(member: &str, date: Date) -> Option<f64> {
    let weights = weights_at(date);
    let total: f64 = weights.iter().map(|&(_, w)| w).sum();
    let weight = find(&weights, member)?;
    (total > 0.0).then(|| weight / total)
}

/// Every member on `date` with its weight under the regime in force then, in the DEU column
/// order. Empty where [`council_weight`] would be `None` for every member.
pub fn weights_at(date: Date) -> Vec<(&'static str, f64)> {
    weights_under(regime_at(date), date)
}

/// Every member on `date` with its weight under `regime`, whether or not that regime was the
/// default then: this gives, for instance, the Nice weights that a member could still request
/// until 31 March 2017. Empty if the regime's table does not cover the date.
pub fn weights_under(regime: Regime, date: Date) -> Vec<(&'static str, f64)> {
    if !is_valid_date(date) {
        return Vec::new();
    }
    let rows: Vec<&Row> = table()
        .iter()
        .filter(|row| row.regime == regime && row.from <= date && date <= row.to)
        .collect();
    if regime.is_population_based() {
        let total: f64 = rows.iter().map(|row| row.amount).sum();
        if total <= 0.0 {
            return Vec::new();
        }
        rows.iter()
            .map(|row| (row.member, row.amount / total))
            .collect()
    } else {
        rows.iter().map(|row| (row.member, row.amount)).collect()
    }
}

fn find(weights: &[(&'static str, f64)], member: &str) -> Option<f64> {
    let member = member.trim();
    weights
        .iter()
        .find(|(code, _)| code.eq_ignore_ascii_case(member))
        .map(|&(_, weight)| weight)
}

/// Reads a DEU III `intro` or `finact` cell.
///
/// The cells come in three shapes:
/// - `dd-mm-yy`, the original coding: `26-01-00` is 26 January 2000; years 90-99 are 19xx and
///   00-89 are 20xx.
/// - `dd-mm-yyyy`, used for a few cells: `24-03-2014`.
/// - `yyyy-mm-dd` left by a spreadsheet that read the original `dd-mm-yy` as `yy-mm-dd`: the
///   "year" holds the day and the "day" holds the two-digit year, so `2015-03-01` is 15 March
///   2001 and `1930-11-05` is 30 November 2005. The spreadsheet's century window (00-29 to 20xx,
///   30-99 to 19xx) means only 2001-2029, 1930 and 1931 can be such a cell; any other four-digit
///   first field (`1999-12-14`) cannot come from that misreading and is read as a plain ISO
///   date.
///
/// `None` for anything else: `999` (DEU's missing value), a bare year, an impossible date.
pub fn parse_deu_date(s: &str) -> Option<Date> {
    let mut fields = s.trim().split('-');
    let (first, second, third) = (fields.next()?, fields.next()?, fields.next()?);
    if fields.next().is_some() {
        return None;
    }
    if ![first, second, third]
        .iter()
        .all(|f| !f.is_empty() && f.bytes().all(|b| b.is_ascii_digit()))
    {
        return None;
    }
    let month: u32 = second.parse().ok()?;
    let date = match (first.len(), second.len(), third.len()) {
        (2, 2, 2) => (
            two_digit_year(third.parse().ok()?),
            month,
            first.parse().ok()?,
        ),
        (2, 2, 4) => (third.parse().ok()?, month, first.parse().ok()?),
        (4, 2, 2) => {
            let lead: i32 = first.parse().ok()?;
            if (2001..=2029).contains(&lead) || (1930..=1931).contains(&lead) {
                let day = u32::try_from(lead % 100).ok()?;
                (two_digit_year(third.parse().ok()?), month, day)
            } else {
                (lead, month, third.parse().ok()?)
            }
        }
        _ => return None,
    };
    is_valid_date(date).then_some(date)
}

fn two_digit_year(yy: i32) -> i32 {
    if yy >= 90 { 1900 + yy } else { 2000 + yy }
}

/// Whether `date` exists in the proleptic Gregorian calendar (jiff's range: years -9999 to
/// 9999, wider than any date DEU or the data file can spell, and than any table row).
fn is_valid_date((year, month, day): Date) -> bool {
    match (i16::try_from(year), i8::try_from(month), i8::try_from(day)) {
        (Ok(y), Ok(m), Ok(d)) => jiff::civil::Date::new(y, m, d).is_ok(),
        _ => false,
    }
}

/// One row of the data file. `amount` is the weighted votes, or the population in thousands
/// under a population-based regime.
#[derive(Debug, Clone, PartialEq)]
struct Row {
    regime: Regime,
    from: Date,
    to: Date,
    member: &'static str,
    amount: f64,
}

/// The embedded table. A malformed file yields an empty table, so every look-up answers `None`
/// instead of panicking; the tests make sure the shipped file parses.
fn table() -> &'static [Row] {
    static TABLE: OnceLock<Vec<Row>> = OnceLock::new();
    TABLE.get_or_init(|| parse_table(TABLE_TSV).unwrap_or_default())
}

fn parse_table(text: &'static str) -> Result<Vec<Row>, TableError> {
    let mut lines = text.lines().enumerate();
    let header: Vec<&str> = lines
        .next()
        .map(|(_, line)| line.split('\t').collect())
        .unwrap_or_default();
    if header != HEADER {
        return Err(TableError::Header(header));
    }
    let mut rows = Vec::new();
    for (index, line) in lines {
        if line.trim().is_empty() {
            continue;
        }
        rows.push(parse_row(line).map_err(|error| TableError::Row {
            line: index + 1,
            error,
        })?);
    }
    Ok(rows)
}

fn parse_row(line: &'static str) -> Result<Row, RowError> {
    let cells: Vec<&'static str> = line.split('\t').collect();
    let [
        regime,
        from,
        to,
        member,
        votes,
        population_k,
        status,
        source,
    ] = cells[..]
    else {
        return Err(RowError::Cells(cells.len()));
    };
    let regime = Regime::from_name(regime).ok_or(RowError::Regime(regime))?;
    let from = parse_iso(from).ok_or(RowError::From(from))?;
    let to = parse_iso(to).ok_or(RowError::To(to))?;
    if from > to {
        return Err(RowError::Order { from, to });
    }
    if !DEU_MEMBER_CODES.contains(&member) {
        return Err(RowError::Member(member));
    }
    // Unchecked figures must stay marked as such; see the data README.
    if !["treaty", "checked", "approx"].contains(&status) {
        return Err(RowError::Status(status));
    }
    if source.trim().is_empty() {
        return Err(RowError::NoSource);
    }
    // Each regime fills exactly one of the two amount columns, so a row cannot be read on the
    // wrong scale.
    let (wanted, unwanted) = if regime.is_population_based() {
        (population_k, votes)
    } else {
        (votes, population_k)
    };
    if !unwanted.is_empty() {
        return Err(RowError::WrongColumn(regime.name()));
    }
    let amount: f64 = wanted.parse().map_err(|_| RowError::Amount(wanted))?;
    if !(amount.is_finite() && amount > 0.0) {
        return Err(RowError::NotPositive(amount));
    }
    Ok(Row {
        regime,
        from,
        to,
        member,
        amount,
    })
}

/// What is wrong with the embedded table (the tests show it if the shipped file breaks).
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
enum TableError {
    #[error("unexpected header {0:?}")]
    Header(Vec<&'static str>),
    #[error("line {line}: {error}")]
    Row { line: usize, error: RowError },
}

/// What is wrong with one row of the table.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
enum RowError {
    #[error("{0} cells, expected {expected}", expected = HEADER.len())]
    Cells(usize),
    #[error("unknown regime {0:?}")]
    Regime(&'static str),
    #[error("bad from date {0:?}")]
    From(&'static str),
    #[error("bad to date {0:?}")]
    To(&'static str),
    #[error("from {from:?} after to {to:?}")]
    Order { from: Date, to: Date },
    #[error("unknown member {0:?}")]
    Member(&'static str),
    #[error("unknown status {0:?}")]
    Status(&'static str),
    #[error("no source")]
    NoSource,
    #[error("{0} row fills the wrong amount column")]
    WrongColumn(&'static str),
    #[error("bad amount {0:?}")]
    Amount(&'static str),
    #[error("amount {0} is not positive")]
    NotPositive(f64),
}

/// Reads the data file's own `yyyy-mm-dd` dates, which are plain ISO dates.
fn parse_iso(s: &str) -> Option<Date> {
    let mut fields = s.split('-');
    let (year, month, day) = (fields.next()?, fields.next()?, fields.next()?);
    if fields.next().is_some() || year.len() != 4 || month.len() != 2 || day.len() != 2 {
        return None;
    }
    let date = (year.parse().ok()?, month.parse().ok()?, day.parse().ok()?);
    is_valid_date(date).then_some(date)
}

#[cfg(test)]
mod tests {
    use super::*;

    const DEU: &str = include_str!("../../../data/deu/deu3-train.tsv");
    const README: &str = include_str!("../../../data/eu-council/README.md");

    fn total(date: Date) -> f64 {
        weights_at(date).iter().map(|&(_, w)| w).sum()
    }

    fn members(date: Date) -> Vec<&'static str> {
        weights_at(date).iter().map(|&(m, _)| m).collect()
    }

    #[test]
    fn embedded_table_parses() {
        let rows = parse_table(TABLE_TSV).expect("data/eu-council/voting-weights.tsv parses");
        assert_eq!(rows.len(), table().len());
        assert!(!rows.is_empty());
    }

    #[test]
    fn every_source_key_is_explained_in_the_readme() {
        for line in TABLE_TSV.lines().skip(1) {
            let source = line.split('\t').nth(7).unwrap();
            assert!(
                README.contains(&format!("`{source}`")),
                "{source} not in README"
            );
        }
    }

    #[test]
    fn no_member_appears_twice_at_any_date_of_a_regime() {
        for row in table() {
            for date in [row.from, row.to] {
                let list = weights_under(row.regime, date);
                let mut codes: Vec<_> = list.iter().map(|&(m, _)| m).collect();
                codes.sort_unstable();
                codes.dedup();
                assert_eq!(codes.len(), list.len(), "{:?} at {date:?}", row.regime);
            }
        }
    }

    #[test]
    fn vote_totals_match_the_treaties() {
        assert_eq!(total((1995, 1, 1)), 87.0);
        assert_eq!(total((1999, 6, 15)), 87.0);
        assert_eq!(total((2004, 4, 30)), 87.0);
        assert_eq!(total((2004, 5, 1)), 124.0);
        assert_eq!(total((2004, 10, 31)), 124.0);
        assert_eq!(total((2004, 11, 1)), 321.0);
        assert_eq!(total((2006, 12, 31)), 321.0);
        assert_eq!(total((2007, 1, 1)), 345.0);
        assert_eq!(total((2013, 6, 30)), 345.0);
        assert_eq!(total((2013, 7, 1)), 352.0);
        assert_eq!(total((2014, 10, 31)), 352.0);
        assert_eq!(weights_at((1999, 1, 1)).len(), 15);
        assert_eq!(weights_at((2004, 6, 1)).len(), 25);
        assert_eq!(weights_at((2005, 1, 1)).len(), 25);
        assert_eq!(weights_at((2010, 1, 1)).len(), 27);
        assert_eq!(weights_at((2014, 1, 1)).len(), 28);
    }

    #[test]
    fn lisbon_shares_sum_to_one_every_year() {
        for date in [
            (2014, 11, 1),
            (2014, 12, 31),
            (2015, 6, 1),
            (2016, 6, 1),
            (2017, 6, 1),
            (2018, 6, 1),
            (2019, 12, 31),
        ] {
            assert_eq!(regime_at(date), Regime::Lisbon);
            let weights = weights_at(date);
            assert_eq!(weights.len(), 28, "{date:?}");
            assert!(
                (total(date) - 1.0).abs() < 1e-9,
                "{date:?}: {}",
                total(date)
            );
            assert!(weights.iter().all(|&(_, w)| w > 0.0 && w < 0.2));
        }
    }

    #[test]
    fn hand_checked_entries() {
        assert_eq!(council_weight("de", (1999, 1, 1)), Some(10.0));
        assert_eq!(council_weight("lu", (1999, 1, 1)), Some(2.0));
        assert_eq!(council_weight("es", (1999, 1, 1)), Some(8.0));
        assert_eq!(council_weight("pl", (2004, 7, 1)), Some(8.0));
        assert_eq!(council_weight("mt", (2004, 7, 1)), Some(2.0));
        assert_eq!(council_weight("de", (2004, 7, 1)), Some(10.0));
        assert_eq!(council_weight("de", (2005, 1, 1)), Some(29.0));
        assert_eq!(council_weight("lu", (2005, 1, 1)), Some(4.0));
        assert_eq!(council_weight("mt", (2005, 1, 1)), Some(3.0));
        assert_eq!(council_weight("pl", (2005, 1, 1)), Some(27.0));
        assert_eq!(council_weight("ro", (2008, 1, 1)), Some(14.0));
        assert_eq!(council_weight("bu", (2008, 1, 1)), Some(10.0));
        assert_eq!(council_weight("cr", (2014, 1, 1)), Some(7.0));
        // Germany's population share, about 16 % (Council figures ~15.9 % in 2014, ~16.2 % in
        // 2019).
        let de = council_weight("de", (2017, 6, 1)).unwrap();
        assert!((0.155..0.165).contains(&de), "{de}");
        let mt = council_weight("mt", (2017, 6, 1)).unwrap();
        assert!((0.0007..0.0010).contains(&mt), "{mt}");
    }

    #[test]
    fn membership_follows_accession_dates() {
        assert_eq!(council_weight("pl", (1999, 1, 1)), None);
        assert_eq!(council_weight("pl", (2004, 4, 30)), None);
        assert!(council_weight("pl", (2004, 5, 1)).is_some());
        assert_eq!(council_weight("ro", (2006, 12, 31)), None);
        assert!(council_weight("ro", (2007, 1, 1)).is_some());
        assert_eq!(council_weight("cr", (2013, 6, 30)), None);
        assert!(council_weight("cr", (2013, 7, 1)).is_some());
        assert!(council_weight("uk", (2019, 12, 31)).is_some());
        assert!(members((1999, 1, 1)).iter().all(|m| {
            ![
                "bu", "cr", "cy", "cz", "ee", "hu", "lv", "lt", "mt", "pl", "ro", "si", "sk",
            ]
            .contains(m)
        }));
    }

    #[test]
    fn regime_boundaries() {
        assert_eq!(regime_at((1996, 1, 1)), Regime::PreNice);
        assert_eq!(regime_at((2004, 4, 30)), Regime::PreNice);
        assert_eq!(regime_at((2004, 5, 1)), Regime::Transitional2004);
        assert_eq!(regime_at((2004, 10, 31)), Regime::Transitional2004);
        assert_eq!(regime_at((2004, 11, 1)), Regime::Nice);
        assert_eq!(regime_at((2014, 10, 31)), Regime::Nice);
        assert_eq!(regime_at((2014, 11, 1)), Regime::Lisbon);
        for regime in [
            Regime::PreNice,
            Regime::Transitional2004,
            Regime::Nice,
            Regime::Lisbon,
        ] {
            assert_eq!(Regime::from_name(regime.name()), Some(regime));
        }
    }

    #[test]
    fn nice_weights_stay_available_on_request_until_march_2017() {
        let nice = weights_under(Regime::Nice, (2016, 6, 1));
        assert_eq!(nice.iter().map(|&(_, w)| w).sum::<f64>(), 352.0);
        assert!(weights_under(Regime::Nice, (2017, 4, 1)).is_empty());
        assert!(weights_under(Regime::Lisbon, (2014, 10, 31)).is_empty());
    }

    #[test]
    fn shares_are_scale_free() {
        let de = council_share("de", (1999, 1, 1)).unwrap();
        assert!((de - 10.0 / 87.0).abs() < 1e-12);
        let lisbon = council_share("de", (2018, 1, 1)).unwrap();
        assert!((lisbon - council_weight("de", (2018, 1, 1)).unwrap()).abs() < 1e-12);
    }

    #[test]
    fn outside_the_table_and_bad_input_give_none() {
        assert_eq!(council_weight("de", (1994, 12, 31)), None);
        assert_eq!(council_weight("de", (2020, 6, 1)), None);
        assert_eq!(council_weight("xx", (1999, 1, 1)), None);
        assert_eq!(council_weight("", (1999, 1, 1)), None);
        assert_eq!(council_weight("de", (1999, 2, 30)), None);
        assert_eq!(council_weight("de", (1999, 13, 1)), None);
        assert!(weights_at((2001, 0, 0)).is_empty());
        assert_eq!(council_weight("DE", (1999, 1, 1)), Some(10.0));
        assert_eq!(council_share("de", (2030, 1, 1)), None);
    }

    #[test]
    fn calendar_is_the_gregorian_rule() {
        let leap = |y: i32| y % 4 == 0 && (y % 100 != 0 || y % 400 == 0);
        for year in (-2500..=2500).chain([-9999, 9999]) {
            for month in 0..=13 {
                let days = match month {
                    1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
                    4 | 6 | 9 | 11 => 30,
                    2 if leap(year) => 29,
                    2 => 28,
                    _ => 0,
                };
                for day in 0..=32 {
                    let want = (1..=days).contains(&day);
                    assert_eq!(
                        is_valid_date((year, month, day)),
                        want,
                        "{year}-{month}-{day}"
                    );
                }
            }
        }
        assert!(!is_valid_date((2004, u32::MAX, 1)) && !is_valid_date((2004, 5, 300)));
        // Beyond the calendar's years no table row applies anyway.
        assert_eq!(council_weight("de", (20_000, 1, 1)), None);
    }

    #[test]
    fn reads_the_deu_date_forms() {
        assert_eq!(parse_deu_date("26-01-00"), Some((2000, 1, 26)));
        assert_eq!(parse_deu_date("11-03-98"), Some((1998, 3, 11)));
        assert_eq!(parse_deu_date("2015-03-01"), Some((2001, 3, 15)));
        assert_eq!(parse_deu_date("1930-11-05"), Some((2005, 11, 30)));
        assert_eq!(parse_deu_date("2028-12-04"), Some((2004, 12, 28)));
        assert_eq!(parse_deu_date("1931-07-06"), Some((2006, 7, 31)));
        assert_eq!(parse_deu_date("2017-04-18"), Some((2018, 4, 17)));
        assert_eq!(parse_deu_date("24-03-2014"), Some((2014, 3, 24)));
        assert_eq!(parse_deu_date("14-12-1999"), Some((1999, 12, 14)));
        assert_eq!(parse_deu_date(" 07-02-96 "), Some((1996, 2, 7)));
        // Not a spreadsheet misreading (no day 99), so a plain ISO date.
        assert_eq!(parse_deu_date("1999-12-14"), Some((1999, 12, 14)));
    }

    #[test]
    fn rejects_what_is_not_a_date() {
        for cell in [
            "",
            "999",
            "1999",
            "2014",
            ".",
            "NA",
            "31-02-01",
            "00-01-01",
            "01-13-01",
            "2029-02-01",
            "1930-02-05",
            "26/01/00",
            "26-01-00-1",
            "26-1-00",
            "+6-01-00",
            "2a-01-00",
        ] {
            assert_eq!(parse_deu_date(cell), None, "{cell:?}");
        }
        assert_eq!(parse_deu_date("29-02-00"), Some((2000, 2, 29)));
        assert_eq!(parse_deu_date("29-02-99"), None);
    }

    /// `(prnr, intro, finact)` for every row of the DEU training file.
    fn deu_dates() -> Vec<(&'static str, &'static str, &'static str)> {
        let mut lines = DEU.lines();
        let header: Vec<&str> = lines.next().unwrap().split('\t').collect();
        let col = |name: &str| header.iter().position(|h| *h == name).unwrap();
        let (prnr, intro, finact) = (col("prnr"), col("intro"), col("finact"));
        lines
            .filter(|line| !line.trim().is_empty())
            .map(|line| {
                let cells: Vec<&str> = line.split('\t').collect();
                (cells[prnr], cells[intro], cells[finact])
            })
            .collect()
    }

    #[test]
    fn every_deu_date_parses_in_range_and_in_order() {
        let rows = deu_dates();
        assert_eq!(rows.len(), 264);
        for (prnr, intro, finact) in rows {
            let start = parse_deu_date(intro)
                .unwrap_or_else(|| panic!("{prnr}: intro {intro:?} does not parse"));
            assert!((1995..=2020).contains(&start.0), "{prnr}: intro {start:?}");
            // The proposal number carries the year the procedure was opened; the date read
            // must agree with it (an amended proposal may come the year after).
            let digits = &prnr[1..3];
            let opened = two_digit_year(digits.parse().unwrap());
            assert!(
                (0..=1).contains(&(start.0 - opened)),
                "{prnr}: intro {start:?} vs year {opened}"
            );
            assert!(
                !weights_at(start).is_empty(),
                "{prnr}: no weights at {start:?}"
            );
            if finact.trim() == "999" {
                continue;
            }
            let end = parse_deu_date(finact)
                .unwrap_or_else(|| panic!("{prnr}: finact {finact:?} does not parse"));
            assert!((1995..=2020).contains(&end.0), "{prnr}: finact {end:?}");
            assert!(start <= end, "{prnr}: intro {start:?} after finact {end:?}");
        }
    }
}
