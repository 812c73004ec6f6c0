//! Leaders after war (Archigos): the share of leaders in office when their state's fighting
//! ended who were out of office within two years, for the winning and the losing side.
//!
//! Rows read: `role = at_exit` (the leader in office on the state's last day of fighting),
//! without a `leader_flag` (an occupation government or a foreign-imposed leader is not the
//! belligerent's own), with a known `exit_within_2y` (an empty one is censored by the end of
//! Archigos and left out of that share; likewise for the irregular-or-foreign share), and
//! `outcome_code` 1 (winner) or 2 (loser). Which belligerents count is a [`Restriction`]:
//! [`Restriction::All`], every participant record, is the default: it is the reading that
//! reproduces the figures of the real data folder's README (checked on the real files, which
//! stay out of the repository). Principal belligerents are not
//! coded by COW; the others restrict to the records that entered on the war's first day
//! (`original_belligerent`) and/or the strongest of each side (`largest_cinc_on_side`).

use serde::Serialize;

use super::data::{LeaderRole, LeaderRow};

/// Which participant records count as belligerents.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Restriction {
    /// Every participant record.
    All,
    /// Records that entered on the war's first day.
    Original,
    /// The counting record with the largest CINC on each side.
    Largest,
    /// Both.
    OriginalAndLargest,
    /// Either.
    OriginalOrLargest,
}

impl Restriction {
    /// Every restriction, in the order tables list them.
    pub const ALL: [Restriction; 5] = [
        Restriction::All,
        Restriction::Original,
        Restriction::Largest,
        Restriction::OriginalAndLargest,
        Restriction::OriginalOrLargest,
    ];

    /// Its description in tables.
    pub fn label(self) -> &'static str {
        match self {
            Restriction::All => "all participants",
            Restriction::Original => "original belligerents",
            Restriction::Largest => "largest CINC on side",
            Restriction::OriginalAndLargest => "original and largest",
            Restriction::OriginalOrLargest => "original or largest",
        }
    }

    fn keeps(self, r: &LeaderRow) -> bool {
        match self {
            Restriction::All => true,
            Restriction::Original => r.original_belligerent,
            Restriction::Largest => r.largest_cinc_on_side,
            Restriction::OriginalAndLargest => r.original_belligerent && r.largest_cinc_on_side,
            Restriction::OriginalOrLargest => r.original_belligerent || r.largest_cinc_on_side,
        }
    }
}

/// An observed share with its 95% Wilson interval.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Share {
    /// Leaders counted.
    pub n: usize,
    /// Of them, those who left office.
    pub k: usize,
    /// k / n; `None` for n = 0.
    pub share: Option<f64>,
    /// The Wilson score interval at 95% (z = 1.959964); `None` for n = 0.
    pub wilson: Option<[f64; 2]>,
}

/// The Wilson score interval of k successes in n at normal quantile z.
pub fn wilson(k: usize, n: usize, z: f64) -> Option<[f64; 2]> {
    if n == 0 {
        return None;
    }
    let (k, n) = (k as f64, n as f64);
    let p = k / n;
    let z2 = z * z;
    let centre = (p + z2 / (2.0 * n)) / (1.0 + z2 / n);
    let half = z / (1.0 + z2 / n) * (p * (1.0 - p) / n + z2 / (4.0 * n * n)).sqrt();
    Some([(centre - half).max(0.0), (centre + half).min(1.0)])
}

/// z of a 95% two-sided interval.
pub const Z95: f64 = 1.959_963_984_540_054;

fn share(values: impl Iterator<Item = Option<bool>>) -> Share {
    let known: Vec<bool> = values.flatten().collect();
    let n = known.len();
    let k = known.iter().filter(|&&b| b).count();
    Share {
        n,
        k,
        share: (n > 0).then(|| k as f64 / n as f64),
        wilson: wilson(k, n, Z95),
    }
}

/// The four shares under one restriction.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LeaderShares {
    /// Which records count.
    pub restriction: Restriction,
    /// Winners' leaders out within two years.
    pub won_exit: Share,
    /// Losers' leaders out within two years.
    pub lost_exit: Share,
    /// Winners' leaders out irregularly or by a foreign power within two years.
    pub won_irregular: Share,
    /// Losers' leaders likewise.
    pub lost_irregular: Share,
}

/// The shares of `rows` under `restriction`.
pub fn shares(rows: &[LeaderRow], restriction: Restriction) -> LeaderShares {
    let kept = |code: i64| {
        rows.iter().filter(move |r| {
            r.role == LeaderRole::AtExit
                && !r.flagged
                && r.outcome_code == code
                && restriction.keeps(r)
        })
    };
    LeaderShares {
        restriction,
        won_exit: share(kept(1).map(|r| r.exit_within_2y)),
        lost_exit: share(kept(2).map(|r| r.exit_within_2y)),
        won_irregular: share(kept(1).map(|r| r.irregular_or_foreign_exit_within_2y)),
        lost_irregular: share(kept(2).map(|r| r.irregular_or_foreign_exit_within_2y)),
    }
}

/// A model's predicted share against an observed one.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Comparison {
    /// The model's share, 0..1.
    pub predicted: f64,
    /// What was observed.
    pub observed: Share,
    /// predicted - observed share.
    pub difference: Option<f64>,
    /// Whether the prediction lies inside the observed share's Wilson interval.
    pub inside: Option<bool>,
}

/// Compares a predicted share with an observed one.
pub fn compare(predicted: f64, observed: Share) -> Comparison {
    Comparison {
        predicted,
        observed,
        difference: observed.share.map(|s| predicted - s),
        inside: observed
            .wilson
            .map(|[lo, hi]| lo <= predicted && predicted <= hi),
    }
}

#[cfg(test)]
mod tests {
    use super::super::data::parse_leaders;
    use super::*;

    /// Winners (code 1): an original largest who stays; an original who leaves regularly; a
    /// later entrant who is removed irregularly; a flagged row (left out); an at_entry row (left
    /// out); a censored one (left out). Losers (code 2): an original largest removed by a
    /// foreign power; a later entrant who stays. A code-3 row counts nowhere.
    const LEADERS: &str = "warnum,ccode,outcome_code,role,leader_flag,original_belligerent,largest_cinc_on_side,exit_within_2y,irregular_or_foreign_exit_within_2y\n\
        1,2,1,at_exit,,1,1,0,0\n\
        1,200,1,at_exit,,1,0,1,0\n\
        1,220,1,at_exit,,0,0,1,1\n\
        1,210,1,at_exit,occupied,1,0,1,1\n\
        1,2,1,at_entry,,1,1,1,1\n\
        1,230,1,at_exit,,0,0,,\n\
        1,300,2,at_exit,,1,1,1,1\n\
        1,310,2,at_exit,,0,0,0,0\n\
        1,400,3,at_exit,,1,1,1,1\n";

    #[test]
    fn shares_by_hand() {
        let rows = parse_leaders(LEADERS).unwrap();
        let all = shares(&rows, Restriction::All);
        assert_eq!((all.won_exit.k, all.won_exit.n), (2, 3));
        assert_eq!((all.won_irregular.k, all.won_irregular.n), (1, 3));
        assert_eq!((all.lost_exit.k, all.lost_exit.n), (1, 2));
        assert_eq!((all.lost_irregular.k, all.lost_irregular.n), (1, 2));
        let orig = shares(&rows, Restriction::Original);
        assert_eq!((orig.won_exit.k, orig.won_exit.n), (1, 2));
        assert_eq!(orig.won_irregular.k, 0);
        let both = shares(&rows, Restriction::OriginalAndLargest);
        assert_eq!((both.won_exit.k, both.won_exit.n), (0, 1));
        assert_eq!((both.lost_exit.k, both.lost_exit.n), (1, 1));
        let either = shares(&rows, Restriction::OriginalOrLargest);
        assert_eq!(either.won_exit.n, 2);
    }

    #[test]
    fn wilson_interval_and_comparison() {
        // k = 2 of n = 3 at z = 2: centre (2/3 + 4/6) / (1 + 4/3) = 4/7; half-width
        // 2 / (7/3) * sqrt(2/27 + 4/36) = (6/7) sqrt(5/27).
        let [lo, hi] = wilson(2, 3, 2.0).unwrap();
        let half = 6.0 / 7.0 * (5.0f64 / 27.0).sqrt();
        assert!((lo - (4.0 / 7.0 - half)).abs() < 1e-12);
        assert!((hi - (4.0 / 7.0 + half)).abs() < 1e-12);
        assert_eq!(wilson(0, 0, 2.0), None);
        assert_eq!(wilson(0, 5, Z95).unwrap()[0], 0.0);
        let obs = share([Some(true), Some(false), None].into_iter());
        let c = compare(0.9, obs);
        assert_eq!(obs.n, 2);
        assert!((c.difference.unwrap() - 0.4).abs() < 1e-12);
        assert_eq!(c.inside, Some(true));
        assert_eq!(
            compare(0.0001, share([Some(true); 30].into_iter())).inside,
            Some(false)
        );
    }
}
