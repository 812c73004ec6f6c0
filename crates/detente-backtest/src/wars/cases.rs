//! One case per war: what a forecaster may see ([`WarInputs`]) and, apart, the truth.
//!
//! The truth is the outcome *relative to the initiator* ([`Outcome`]) and the duration. COW's
//! side numbers never reach a forecaster: they are not neutral (side 1 is mostly the
//! winner), so a forecaster that saw them could score well without knowing anything about
//! war. A forecaster sees the initiator's and the target's summed capabilities, their
//! number of states and the start year, and a seed of its own for the war.
//!
//! Missing capabilities. A side's CINC sum counts the records whose state has a CINC in the
//! war's start year, a missing one as 0, as the files do (`n_cinc_missing` says how many). A
//! side whose CINC sum is empty, or 0 with every counting record missing, has an unknown
//! capability: the war is kept, scored like every other, and its
//! [`WarInputs::initiator_share`] is `None`. The baselines then forecast it from the training
//! wars alone, as if they knew nothing of the balance (their documentation says how).

use std::collections::BTreeMap;

use detente_core::Diagnostic;
use serde::Serialize;

use super::data::{OutcomeType, ParticipantRow, SideRow, WarFile, WarRow};

/// How a war ended for its initiator.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// The initiator's side won.
    InitiatorWins,
    /// The initiator's side lost.
    InitiatorLoses,
    /// Neither: compromise, stalemate, transformed into another type of war, or continued
    /// below the level of war.
    Other,
}

impl Outcome {
    /// The three outcomes, in the order of [`super::forecast::WarForecast::outcome`].
    pub const ALL: [Outcome; 3] = [
        Outcome::InitiatorWins,
        Outcome::InitiatorLoses,
        Outcome::Other,
    ];

    /// Its index in a forecast's probabilities.
    pub fn index(self) -> usize {
        match self {
            Outcome::InitiatorWins => 0,
            Outcome::InitiatorLoses => 1,
            Outcome::Other => 2,
        }
    }

    /// Its name in tables.
    pub fn name(self) -> &'static str {
        match self {
            Outcome::InitiatorWins => "initiator wins",
            Outcome::InitiatorLoses => "initiator loses",
            Outcome::Other => "other",
        }
    }
}

/// What a forecaster may see of a war before it starts. No outcome, no duration, no COW side
/// number.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct WarInputs {
    /// The year the war started.
    pub start_year: i32,
    /// The initiator's side's summed CINC in the start year; `None` if unknown.
    pub initiator_cinc: Option<f64>,
    /// The target's side's summed CINC; `None` if unknown.
    pub target_cinc: Option<f64>,
    /// initiator / (initiator + target), in 0..1; `None` if either is unknown or both are 0.
    pub initiator_share: Option<f64>,
    /// States on the initiator's side.
    pub initiator_states: u32,
    /// States on the target's side.
    pub target_states: u32,
    /// A seed for this war alone, from the master seed and the war number, for forecasters
    /// that simulate: the same war gets the same seed in every fold and on every thread.
    pub seed: u64,
}

impl WarInputs {
    /// The balance of capabilities, |share - 1/2|, 0 at parity and 1/2 when one side holds
    /// everything; `None` without a share.
    pub fn balance(&self) -> Option<f64> {
        self.initiator_share.map(|s| (s - 0.5).abs())
    }
}

/// What happened, kept away from forecasters.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Truth {
    /// The outcome for the initiator.
    pub outcome: Outcome,
    /// First day of combat to last, inclusive.
    pub duration_days: u32,
}

impl Truth {
    /// The natural log of the duration in days, what durations are scored on.
    pub fn log_days(&self) -> f64 {
        f64::from(self.duration_days).ln()
    }
}

/// One war.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct WarCase {
    /// COW war number.
    pub id: u32,
    /// COW's name.
    pub name: String,
    /// First day of combat, `YYYY-MM-DD`.
    pub start_date: String,
    /// COW's outcome type (victory, stalemate, ...), for the summary.
    pub outcome_type: OutcomeType,
    /// Counting records on either side without a CINC (counted as 0 in the sums).
    pub cinc_missing_records: u32,
    /// What forecasters see.
    pub inputs: WarInputs,
    /// What they are scored against.
    pub truth: Truth,
}

/// The wars of one data folder.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct WarData {
    /// One case per war, in the order of the wars file.
    pub cases: Vec<WarCase>,
    /// Participant records read.
    pub participant_records: usize,
    /// Participant records without a start-year CINC.
    pub participants_without_cinc: usize,
}

/// SplitMix64 of `x`: a war's seed from the master seed and its number.
pub fn war_seed(master: u64, warnum: u32) -> u64 {
    let mut z = master ^ (u64::from(warnum).wrapping_mul(0x9E37_79B9_7F4A_7C15));
    z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// The cases of the wars, checked against the sides and participants files. Diagnostics
/// name the file they point into.
pub fn build(
    wars: &[WarRow],
    sides: &[SideRow],
    participants: &[ParticipantRow],
    master_seed: u64,
) -> Result<WarData, Vec<(WarFile, Diagnostic)>> {
    let mut errors = Vec::new();
    let mut by_side: BTreeMap<(u32, u8), &SideRow> = BTreeMap::new();
    for s in sides {
        if let Some(first) = by_side.insert((s.warnum, s.side), s) {
            errors.push((
                WarFile::Sides,
                Diagnostic::error(format!("war {} side {} appears twice", s.warnum, s.side))
                    .at(s.span.clone())
                    .also(first.span.clone(), "first here"),
            ));
        }
    }
    let known: BTreeMap<u32, &WarRow> = wars.iter().map(|w| (w.warnum, w)).collect();
    for s in sides {
        if !known.contains_key(&s.warnum) {
            errors.push((
                WarFile::Sides,
                Diagnostic::error(format!("war {} is not in the wars file", s.warnum))
                    .at(s.span.clone())
                    .field("warnum")
                    .help("every war of the sides file needs its row in cow-interstate-wars.csv"),
            ));
        }
    }
    let mut cases = Vec::with_capacity(wars.len());
    for w in wars {
        let side = |k: u8| by_side.get(&(w.warnum, k)).copied();
        let (Some(s1), Some(s2)) = (side(1), side(2)) else {
            errors.push((
                WarFile::Wars,
                Diagnostic::error(format!(
                    "war {} has no row for side {} in the sides file",
                    w.warnum,
                    if side(1).is_none() { 1 } else { 2 }
                ))
                .at(w.span.clone())
                .field("warnum")
                .help("cow-interstate-war-sides.csv has one row per war and side"),
            ));
            continue;
        };
        let init = if w.initiator_side == 1 { s1 } else { s2 };
        let target = if w.initiator_side == 1 { s2 } else { s1 };
        if !init.initiator || target.initiator {
            errors.push((
                WarFile::Sides,
                Diagnostic::error(format!(
                    "war {}: the sides file does not mark side {} alone as the initiator, as the wars file does",
                    w.warnum, w.initiator_side
                ))
                .at(init.span.clone())
                .field("initiator")
                .also(w.span.clone(), "the wars file's initiator_side"),
            ));
            continue;
        }
        let k = usize::from(w.initiator_side - 1);
        let known_cinc = |c: Option<f64>, s: &SideRow| match c {
            Some(v) if v == 0.0 && s.n_cinc_missing > 0 => None,
            other => other,
        };
        let initiator_cinc = known_cinc(w.cinc[k], init);
        let target_cinc = known_cinc(w.cinc[1 - k], target);
        let initiator_share = match (initiator_cinc, target_cinc) {
            (Some(a), Some(b)) if a + b > 0.0 => Some(a / (a + b)),
            _ => None,
        };
        let outcome = match (w.outcome_type, w.winner_side) {
            (OutcomeType::Victory, Some(s)) if s == w.initiator_side => Outcome::InitiatorWins,
            (OutcomeType::Victory, _) => Outcome::InitiatorLoses,
            _ => Outcome::Other,
        };
        cases.push(WarCase {
            id: w.warnum,
            name: w.name.clone(),
            start_date: w.start_date.clone(),
            outcome_type: w.outcome_type,
            cinc_missing_records: s1.n_cinc_missing + s2.n_cinc_missing,
            inputs: WarInputs {
                start_year: w.start_year,
                initiator_cinc,
                target_cinc,
                initiator_share,
                initiator_states: w.n_states[k],
                target_states: w.n_states[1 - k],
                seed: war_seed(master_seed, w.warnum),
            },
            truth: Truth {
                outcome,
                duration_days: w.duration_days,
            },
        });
    }
    for p in participants {
        if !known.contains_key(&p.warnum) {
            errors.push((
                WarFile::Participants,
                Diagnostic::error(format!("war {} is not in the wars file", p.warnum))
                    .at(p.span.clone())
                    .field("warnum"),
            ));
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    Ok(WarData {
        cases,
        participant_records: participants.len(),
        participants_without_cinc: participants
            .iter()
            .filter(|p| p.cinc_war_start_year.is_none())
            .count(),
    })
}

#[cfg(test)]
mod tests {
    use super::super::data::{parse_participants, parse_sides, parse_wars};
    use super::*;

    const WARS: &str = "warnum,war_name,start_date,start_year,duration_days,initiator_side,outcome_type,winner_side,cinc_side1,cinc_side2,n_states_side1,n_states_side2\n\
        1,A,1850-01-01,1850,10,1,victory,2,0.3,0.1,1,1\n\
        2,B,1860-05-05,1860,100,2,stalemate,,0.2,0,1,2\n\
        3,C,1870-05-05,1870,30,2,victory,2,0.1,0.3,2,1\n";
    const SIDES: &str = "warnum,side,initiator,cinc_sum,n_cinc_missing\n\
        1,1,1,0.3,0\n1,2,0,0.1,0\n2,1,0,0.2,0\n2,2,1,0,1\n3,1,0,0.1,0\n3,2,1,0.3,0\n";
    const PARTS: &str =
        "warnum,ccode,side,cinc_war_start_year,counts_in_cinc_sum\n1,2,1,0.3,1\n2,530,2,,1\n";

    fn data(wars: &str, sides: &str) -> Result<WarData, Vec<(WarFile, Diagnostic)>> {
        build(
            &parse_wars(wars).unwrap(),
            &parse_sides(sides).unwrap(),
            &parse_participants(PARTS).unwrap(),
            7,
        )
    }

    #[test]
    fn outcomes_are_relative_to_the_initiator() {
        let d = data(WARS, SIDES).unwrap();
        let c = &d.cases;
        // War 1: side 1 initiated, side 2 won.
        assert_eq!(c[0].truth.outcome, Outcome::InitiatorLoses);
        assert!((c[0].inputs.initiator_share.unwrap() - 0.75).abs() < 1e-12);
        // War 2: stalemate; the initiator (side 2) has CINC 0 with a missing record: unknown.
        assert_eq!(c[1].truth.outcome, Outcome::Other);
        assert_eq!(c[1].inputs.initiator_cinc, None);
        assert_eq!(c[1].inputs.initiator_share, None);
        assert_eq!(c[1].inputs.initiator_states, 2);
        assert_eq!(c[1].cinc_missing_records, 1);
        // War 3: side 2 initiated and won; its share is side 2's.
        assert_eq!(c[2].truth.outcome, Outcome::InitiatorWins);
        assert!((c[2].inputs.initiator_share.unwrap() - 0.75).abs() < 1e-12);
        assert_eq!(d.participants_without_cinc, 1);
        assert_ne!(c[0].inputs.seed, c[1].inputs.seed);
        assert_eq!(c[0].inputs.seed, war_seed(7, 1));
    }

    #[test]
    fn files_that_disagree_are_refused() {
        let e = data(WARS, &SIDES.replace("1,1,1,0.3,0\n", "")).unwrap_err();
        assert_eq!(e[0].0, WarFile::Wars);
        assert!(e[0].1.message.contains("no row for side 1"), "{:?}", e[0].1);
        let e = data(WARS, &SIDES.replace("1,1,1,0.3,0", "1,1,0,0.3,0")).unwrap_err();
        assert_eq!(e[0].0, WarFile::Sides);
        assert!(e[0].1.message.contains("initiator"));
        let e = data(WARS, &format!("{SIDES}9,1,1,0.1,0\n")).unwrap_err();
        assert!(e[0].1.message.contains("war 9 is not in the wars file"));
    }
}
