//! Writes the synthetic war fixtures of `data/war-synthetic/`: the five files of a war data
//! folder, in exactly the real files' columns, with invented values (no COW, Archigos or
//! Fortna data). Deterministic: the same bytes on every run.
//!
//! `cargo run -p detente-backtest --example war_fixtures -- data/war-synthetic`
//!
//! The invented world: 40 wars between invented states, 1820-2000. The initiator's chance of
//! winning a decided war rises with its capability share (logistic, slope 6 per unit of
//! share); neither side wins more often near parity; wars last longest at parity (log days
//! fall by 5 per unit of |share - 1/2|). COW's side 1 is the winner in 80% of victories.
//! Leaders of losing sides fall more often; cease-fires with peacekeepers fail less often.

// An example is a program: it prints its one line of output and exits on bad arguments.
#![allow(clippy::print_stdout, clippy::print_stderr, clippy::exit)]

use std::path::Path;

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// Days since 1970-01-01 of a civil date (Hinnant's algorithm).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The civil date of days since 1970-01-01.
fn civil(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (
        if m <= 2 {
            yoe + era * 400 + 1
        } else {
            yoe + era * 400
        },
        m,
        d,
    )
}

fn date(z: i64) -> String {
    let (y, m, d) = civil(z);
    format!("{y:04}-{m:02}-{d:02}")
}

fn opt<T: ToString>(x: Option<T>) -> String {
    x.map_or(String::new(), |v| v.to_string())
}

fn cinc(x: f64) -> String {
    format!("{x:.9}")
}

fn flag(b: bool) -> String {
    u8::from(b).to_string()
}

fn normal(rng: &mut ChaCha8Rng) -> f64 {
    let (u, v): (f64, f64) = (rng.random(), rng.random());
    (-2.0 * (1.0 - u).ln()).sqrt() * (2.0 * std::f64::consts::PI * v).cos()
}

const SYLLABLES: [&str; 16] = [
    "ar", "bel", "cor", "dan", "el", "fen", "gor", "hal", "is", "jor", "kal", "lum", "mor", "nar",
    "os", "pel",
];

const REGIONS: [(u8, &str); 5] = [
    (1, "W. Hemisphere"),
    (2, "Europe"),
    (4, "Africa"),
    (6, "Middle East"),
    (7, "Asia"),
];

struct State {
    ccode: u32,
    name: String,
    cinc: Option<f64>,
    cinc_entry: Option<f64>,
    original: bool,
    start: i64,
    batdeaths: Option<u32>,
    region: u8,
}

struct War {
    warnum: u32,
    name: String,
    start: i64,
    end: i64,
    /// groups[0] initiates, groups[1] is the target.
    groups: [Vec<State>; 2],
    /// The COW side number (1 or 2) of each group.
    side_of: [u8; 2],
    /// COW outcome code of each group.
    outcome: [u8; 2],
}

fn label(code: u8) -> &'static str {
    match code {
        1 => "winner",
        2 => "loser",
        3 => "compromise/tied",
        4 => "transformed into another type of war",
        _ => "stalemate",
    }
}

fn make_wars(rng: &mut ChaCha8Rng) -> Vec<War> {
    let n = 40;
    let mut years: Vec<i64> = (0..n).map(|_| rng.random_range(1820..2000)).collect();
    years.sort_unstable();
    let mut next_ccode = 900;
    let mut wars = Vec::new();
    for (k, &year) in years.iter().enumerate() {
        let warnum = 3 * k as u32 + 2;
        let start = days_from_civil(year, rng.random_range(1..=12), rng.random_range(1..=28));
        let region = REGIONS[rng.random_range(0..REGIONS.len())].0;
        let mut group = |rng: &mut ChaCha8Rng| -> Vec<State> {
            let size = if rng.random::<f64>() < 0.25 { 2 } else { 1 };
            (0..size)
                .map(|i| {
                    next_ccode += 1;
                    let name: String = (0..2)
                        .map(|_| SYLLABLES[rng.random_range(0..SYLLABLES.len())])
                        .collect();
                    let c = (0.03f64.ln() + 1.1 * normal(rng)).exp().min(0.35);
                    State {
                        ccode: next_ccode,
                        name: format!("{}{}ia", name[..1].to_uppercase(), &name[1..]),
                        cinc: Some(c),
                        cinc_entry: Some(c),
                        original: i == 0,
                        start,
                        batdeaths: Some(rng.random_range(100..40_000)),
                        region,
                    }
                })
                .collect()
        };
        let mut groups = [group(rng), group(rng)];
        // Missing capabilities: one war whose target has no CINC at all, one where one of two
        // states lacks it.
        if k == 6 {
            groups[1].truncate(1);
            groups[1][0].cinc = None;
            groups[1][0].cinc_entry = None;
        }
        if k == 20 {
            groups[1].push(State {
                ccode: 899,
                name: "Vesperia".into(),
                cinc: None,
                cinc_entry: None,
                original: false,
                start,
                batdeaths: None,
                region,
            });
        }
        let sum = |g: &[State]| g.iter().filter_map(|s| s.cinc).sum::<f64>();
        let (a, b) = (sum(&groups[0]), sum(&groups[1]));
        let share = if a + b > 0.0 { a / (a + b) } else { 0.5 };
        let balance = (share - 0.5).abs();
        let p_other = 0.25 - 0.3 * balance;
        let p_win = 1.0 / (1.0 + (-(0.3 + 6.0 * (share - 0.5))).exp());
        let u: f64 = rng.random();
        let outcome: [u8; 2] = if u < p_other {
            match rng.random_range(0..4) {
                0 => [3, 3],
                1 => [4, 4],
                _ => [6, 6],
            }
        } else if rng.random::<f64>() < p_win {
            [1, 2]
        } else {
            [2, 1]
        };
        let log_days = (6.0 - 5.0 * balance + 1.0 * normal(rng)).clamp(2.2, 8.2);
        let days = log_days.exp().round() as i64;
        let end = start + days - 1;
        for g in &mut groups {
            for s in g.iter_mut().filter(|s| !s.original) {
                s.start = start + rng.random_range(0..=days / 2);
                s.cinc_entry = s.cinc.map(|c| c * 1.05);
            }
        }
        // COW's side 1: the winner in 80% of victories; otherwise the initiator in 70%.
        let initiator_first = if outcome[0] == 1 || outcome[0] == 2 {
            let winner = if outcome[0] == 1 { 0 } else { 1 };
            let winner_first = rng.random::<f64>() < 0.8;
            (winner == 0) == winner_first
        } else {
            rng.random::<f64>() < 0.7
        };
        let name = format!("{}-{} War", groups[0][0].name, groups[1][0].name);
        wars.push(War {
            warnum,
            name,
            start,
            end,
            groups,
            side_of: if initiator_first { [1, 2] } else { [2, 1] },
            outcome,
        });
    }
    wars
}

fn region_label(code: u8) -> &'static str {
    REGIONS
        .iter()
        .find(|r| r.0 == code)
        .map_or("Europe", |r| r.1)
}

type Table = (Vec<&'static str>, Vec<Vec<String>>);

fn wars_table(wars: &[War]) -> Table {
    let header = vec![
        "warnum",
        "war_name",
        "start_date",
        "end_date",
        "start_year",
        "start_month",
        "start_day",
        "end_year",
        "end_month",
        "end_day",
        "duration_days",
        "duration_years",
        "combat_days",
        "has_break",
        "n_states_side1",
        "n_states_side2",
        "n_records",
        "initiator_side",
        "outcome_side1",
        "outcome_side2",
        "outcome_type",
        "winner_side",
        "initiator_won",
        "batdeaths_side1",
        "batdeaths_side2",
        "batdeaths_total",
        "n_batdeaths_missing",
        "cinc_side1",
        "cinc_side2",
        "cap_share_side1",
        "cinc_original_side1",
        "cinc_original_side2",
        "cap_share_original_side1",
        "larger_cinc_side",
        "larger_cinc_won",
        "trans_from",
        "trans_to",
        "where_fought",
    ];
    let rows = wars
        .iter()
        .map(|w| {
            // Indexed by COW side 1, 2.
            let g = |side: u8| -> usize { if w.side_of[0] == side { 0 } else { 1 } };
            let (g1, g2) = (g(1), g(2));
            let sum = |gi: usize, original_only: bool| -> f64 {
                w.groups[gi]
                    .iter()
                    .filter(|s| !original_only || s.original)
                    .filter_map(|s| s.cinc)
                    .sum()
            };
            let deaths =
                |gi: usize| -> u32 { w.groups[gi].iter().filter_map(|s| s.batdeaths).sum() };
            let missing: usize = w
                .groups
                .iter()
                .flatten()
                .filter(|s| s.batdeaths.is_none())
                .count();
            let (c1, c2) = (sum(g1, false), sum(g2, false));
            let (o1, o2) = (sum(g1, true), sum(g2, true));
            let share = (c1 + c2 > 0.0).then(|| c1 / (c1 + c2));
            let oshare = (o1 + o2 > 0.0).then(|| o1 / (o1 + o2));
            let (out1, out2) = (w.outcome[g1], w.outcome[g2]);
            let victory = out1 == 1 || out1 == 2;
            let otype = match out1 {
                1 | 2 => "victory",
                3 => "compromise",
                4 => "transformed",
                _ => "stalemate",
            };
            let winner = victory.then_some(if out1 == 1 { 1 } else { 2 });
            let init_side = w.side_of[0];
            let larger = share.map(|s| if s >= 0.5 { 1u8 } else { 2 });
            let (sy, sm, sd) = civil(w.start);
            let (ey, em, ed) = civil(w.end);
            let days = w.end - w.start + 1;
            let mut regions: Vec<u8> = w.groups.iter().flatten().map(|s| s.region).collect();
            regions.sort_unstable();
            regions.dedup();
            vec![
                w.warnum.to_string(),
                w.name.clone(),
                date(w.start),
                date(w.end),
                sy.to_string(),
                sm.to_string(),
                sd.to_string(),
                ey.to_string(),
                em.to_string(),
                ed.to_string(),
                days.to_string(),
                format!("{:.4}", days as f64 / 365.25),
                days.to_string(),
                "0".into(),
                w.groups[g1].len().to_string(),
                w.groups[g2].len().to_string(),
                (w.groups[0].len() + w.groups[1].len()).to_string(),
                init_side.to_string(),
                out1.to_string(),
                out2.to_string(),
                otype.into(),
                opt(winner),
                opt(winner.map(|s| u8::from(s == init_side))),
                deaths(g1).to_string(),
                deaths(g2).to_string(),
                (deaths(g1) + deaths(g2)).to_string(),
                missing.to_string(),
                cinc(c1),
                cinc(c2),
                opt(share.map(|s| format!("{s:.6}"))),
                cinc(o1),
                cinc(o2),
                opt(oshare.map(|s| format!("{s:.6}"))),
                opt(larger),
                opt(larger
                    .filter(|_| victory)
                    .map(|l| u8::from(Some(l) == winner))),
                String::new(),
                if out1 == 4 {
                    (w.warnum + 700).to_string()
                } else {
                    String::new()
                },
                regions
                    .iter()
                    .map(|&r| region_label(r))
                    .collect::<Vec<_>>()
                    .join(" & "),
            ]
        })
        .collect();
    (header, rows)
}

fn sides_table(wars: &[War]) -> Table {
    let header = vec![
        "warnum",
        "war_name",
        "side",
        "n_states",
        "n_records",
        "states",
        "ccodes",
        "n_changed_sides_records",
        "side_start",
        "side_end",
        "initiator",
        "outcome_code",
        "outcome_label",
        "batdeaths",
        "n_batdeaths_missing",
        "cinc_sum",
        "n_cinc_missing",
        "cinc_sum_entry_year",
        "cinc_sum_original",
        "n_original",
    ];
    let mut rows = Vec::new();
    for w in wars {
        for side in [1u8, 2] {
            let gi = if w.side_of[0] == side { 0 } else { 1 };
            let g = &w.groups[gi];
            let join = |f: &dyn Fn(&State) -> String| g.iter().map(f).collect::<Vec<_>>().join(";");
            rows.push(vec![
                w.warnum.to_string(),
                w.name.clone(),
                side.to_string(),
                g.len().to_string(),
                g.len().to_string(),
                join(&|s| s.name.clone()),
                join(&|s| s.ccode.to_string()),
                "0".into(),
                date(g.iter().map(|s| s.start).min().unwrap_or(w.start)),
                date(w.end),
                flag(gi == 0),
                w.outcome[gi].to_string(),
                label(w.outcome[gi]).into(),
                g.iter()
                    .filter_map(|s| s.batdeaths)
                    .sum::<u32>()
                    .to_string(),
                g.iter()
                    .filter(|s| s.batdeaths.is_none())
                    .count()
                    .to_string(),
                cinc(g.iter().filter_map(|s| s.cinc).sum()),
                g.iter().filter(|s| s.cinc.is_none()).count().to_string(),
                cinc(g.iter().filter_map(|s| s.cinc_entry).sum()),
                cinc(g.iter().filter(|s| s.original).filter_map(|s| s.cinc).sum()),
                g.iter().filter(|s| s.original).count().to_string(),
            ]);
        }
    }
    (header, rows)
}

fn participants_table(wars: &[War]) -> Table {
    let header = vec![
        "warnum",
        "war_name",
        "ccode",
        "state_name",
        "side",
        "start1",
        "end1",
        "start2",
        "end2",
        "part_end",
        "participant_days",
        "war_start",
        "original_belligerent",
        "initiator",
        "outcome_code",
        "outcome_label",
        "batdeaths",
        "where_fought",
        "trans_from",
        "trans_to",
        "cinc_war_start_year",
        "cinc_entry_year",
        "counts_in_cinc_sum",
        "largest_cinc_on_side",
    ];
    let mut rows = Vec::new();
    for w in wars {
        for (gi, g) in w.groups.iter().enumerate() {
            let largest = g
                .iter()
                .enumerate()
                .filter_map(|(i, s)| Some((i, s.cinc?)))
                .max_by(|a, b| a.1.total_cmp(&b.1))
                .map(|x| x.0);
            for (i, s) in g.iter().enumerate() {
                rows.push(vec![
                    w.warnum.to_string(),
                    w.name.clone(),
                    s.ccode.to_string(),
                    s.name.clone(),
                    w.side_of[gi].to_string(),
                    date(s.start),
                    date(w.end),
                    String::new(),
                    String::new(),
                    date(w.end),
                    (w.end - s.start + 1).to_string(),
                    date(w.start),
                    flag(s.start == w.start),
                    flag(gi == 0 && i == 0),
                    w.outcome[gi].to_string(),
                    label(w.outcome[gi]).into(),
                    opt(s.batdeaths),
                    s.region.to_string(),
                    String::new(),
                    if w.outcome[gi] == 4 {
                        (w.warnum + 700).to_string()
                    } else {
                        String::new()
                    },
                    opt(s.cinc.map(cinc)),
                    opt(s.cinc_entry.map(cinc)),
                    "1".into(),
                    flag(largest == Some(i)),
                ]);
            }
        }
    }
    (header, rows)
}

const ARCHIGOS_END: i64 = 16_800; // 2015-12-31 is day 16800 since 1970-01-01.

fn leaders_table(wars: &[War], rng: &mut ChaCha8Rng) -> Table {
    let header = vec![
        "warnum",
        "war_name",
        "ccode",
        "state_name",
        "side",
        "original_belligerent",
        "largest_cinc_on_side",
        "outcome_code",
        "outcome_label",
        "part_start",
        "part_end",
        "war_end",
        "role",
        "ref_date",
        "gwcode",
        "match",
        "leader_flag",
        "obsid",
        "leader",
        "leader_start",
        "leader_end",
        "entry",
        "exit",
        "exitcode",
        "posttenurefate",
        "in_office_at_part_end",
        "days_part_end_to_exit",
        "days_war_end_to_exit",
        "exit_within_1y",
        "irregular_or_foreign_exit_within_1y",
        "exit_within_2y",
        "irregular_or_foreign_exit_within_2y",
        "exit_within_5y",
        "irregular_or_foreign_exit_within_5y",
    ];
    let archigos_start = days_from_civil(1875, 1, 1);
    let mut rows = Vec::new();
    let mut flagged = 0;
    let mut no_leader = 0;
    for w in wars {
        for (gi, g) in w.groups.iter().enumerate() {
            let largest = g
                .iter()
                .enumerate()
                .filter_map(|(i, s)| Some((i, s.cinc?)))
                .max_by(|a, b| a.1.total_cmp(&b.1))
                .map(|x| x.0);
            for (i, s) in g.iter().enumerate() {
                if s.start < archigos_start {
                    continue;
                }
                let code = w.outcome[gi];
                let (p_exit, p_irregular) = match code {
                    1 => (0.3, 0.15),
                    2 => (0.5, 0.5),
                    _ => (0.25, 0.1),
                };
                let common = |role: &str, ref_date: i64| -> Vec<String> {
                    vec![
                        w.warnum.to_string(),
                        w.name.clone(),
                        s.ccode.to_string(),
                        s.name.clone(),
                        w.side_of[gi].to_string(),
                        flag(s.start == w.start),
                        flag(largest == Some(i)),
                        code.to_string(),
                        label(code).into(),
                        date(s.start),
                        date(w.end),
                        date(w.end),
                        role.into(),
                        date(ref_date),
                        s.ccode.to_string(),
                    ]
                };
                if no_leader == 0 && rng.random::<f64>() < 0.05 {
                    no_leader += 1;
                    for (role, r) in [("at_entry", s.start), ("at_exit", w.end)] {
                        let mut row = common(role, r);
                        row.push(
                            "no leader found (no Archigos spell at or shortly before ref_date)"
                                .into(),
                        );
                        row.extend(std::iter::repeat_n(String::new(), 18));
                        rows.push(row);
                    }
                    continue;
                }
                // The leader at exit: left office within 2 years with p_exit (irregularly
                // with p_irregular of those), otherwise 2 to 14 years later.
                let out_soon = rng.random::<f64>() < p_exit;
                let irregular = out_soon && rng.random::<f64>() < p_irregular;
                let after = if out_soon {
                    rng.random_range(0..730)
                } else {
                    rng.random_range(731..5000)
                };
                let exit_day = w.end + after;
                let took_office_during = rng.random::<f64>() < 0.2;
                let exit_start = if took_office_during {
                    s.start + (w.end - s.start) / 2
                } else {
                    s.start - rng.random_range(100..3000)
                };
                let entry_leader_end = if took_office_during {
                    exit_start - 1
                } else {
                    exit_day
                };
                let entry_start = if took_office_during {
                    s.start - rng.random_range(100..3000)
                } else {
                    exit_start
                };
                let is_flagged = flagged < 2 && code == 1 && rng.random::<f64>() < 0.15;
                if is_flagged {
                    flagged += 1;
                }
                let spells = [
                    (
                        "at_entry",
                        s.start,
                        entry_start,
                        entry_leader_end,
                        irregular && !took_office_during,
                        false,
                    ),
                    (
                        "at_exit", w.end, exit_start, exit_day, irregular, is_flagged,
                    ),
                ];
                for (n, (role, ref_date, start, end, irr, fl)) in spells.into_iter().enumerate() {
                    let mut row = common(role, ref_date);
                    let censored = end > ARCHIGOS_END;
                    let within = |k: f64| -> String {
                        let limit = w.end + (k * 365.25) as i64;
                        if end <= limit && !censored {
                            "1".into()
                        } else if limit > ARCHIGOS_END {
                            String::new()
                        } else {
                            "0".into()
                        }
                    };
                    let within_irr = |k: f64| -> String {
                        match within(k).as_str() {
                            "1" => flag(irr),
                            other => other.to_string(),
                        }
                    };
                    let leader_name = format!(
                        "Leader {}-{}",
                        s.ccode,
                        n + usize::from(took_office_during && n == 1)
                    );
                    row.extend([
                        "ok".to_string(),
                        if fl {
                            "leader installed by a foreign power (Archigos entry = Foreign Imposition)".into()
                        } else {
                            String::new()
                        },
                        format!("{}-{}", &s.name[..3].to_uppercase(), civil(start).0),
                        leader_name,
                        date(start),
                        if censored { String::new() } else { date(end) },
                        if fl { "Foreign Imposition" } else { "Regular" }.into(),
                        if censored {
                            "Still in Office"
                        } else if irr {
                            "Irregular"
                        } else {
                            "Regular"
                        }
                        .into(),
                        if censored {
                            ""
                        } else if irr {
                            "Removed by Military, without Foreign Support"
                        } else {
                            "Regular"
                        }
                        .into(),
                        if censored {
                            "Leader Still in Office"
                        } else if irr {
                            "Exile"
                        } else {
                            "OK"
                        }
                        .into(),
                        flag(end >= w.end),
                        if censored { String::new() } else { (end - w.end).to_string() },
                        if censored { String::new() } else { (end - w.end).to_string() },
                        within(1.0),
                        within_irr(1.0),
                        within(2.0),
                        within_irr(2.0),
                        within(5.0),
                        within_irr(5.0),
                    ]);
                    rows.push(row);
                }
            }
        }
    }
    (header, rows)
}

fn ceasefires_table(rng: &mut ChaCha8Rng) -> Table {
    let header = vec![
        "id",
        "cluster",
        "ccode",
        "name",
        "cfdate",
        "faildate",
        "failed",
        "censor_date",
        "peace_days",
        "pcw",
        "partcf",
        "drop",
        "estdate",
        "outcome",
        "outcome_label",
        "victory",
        "treaty",
        "truce",
        "pk_any",
        "pkop_max",
        "pkop_max_label",
        "pk_dumC",
        "pkopC1",
        "pkopC1_label",
        "pkwhoC",
        "pkwhoC_label",
        "chapterC",
        "chapterC_label",
        "consentC",
        "enforceC",
        "warstart",
        "wardur_years",
        "battle_deaths",
        "total_deaths",
        "wartype_identity",
        "secessionist",
        "factions_3plus",
        "morewar1",
        "morewar2",
        "morewar5",
    ];
    let censor = days_from_civil(2004, 12, 31);
    let mission = [
        (0, "none"),
        (1, "political mission"),
        (2, "monitoring/observer"),
        (3, "interpositional (traditional)"),
        (4, "multidimensional"),
        (5, "enforcement"),
    ];
    let outcomes = [
        (1, "government victory"),
        (2, "rebel victory"),
        (3, "truce"),
        (4, "settlement"),
    ];
    let mut rows = Vec::new();
    let mut id = 100;
    for c in 0..22 {
        let cluster: String = (0..3)
            .map(|_| (b'A' + rng.random_range(0..26u8)) as char)
            .collect();
        let ccode = 950 + c;
        let name = format!("Civil war {}", c + 1);
        let mut day = days_from_civil(rng.random_range(1980..1999), rng.random_range(1..=12), 15);
        let war_start = day - rng.random_range(200..4000);
        for _ in 0..rng.random_range(1..=3) {
            if day > days_from_civil(1999, 12, 31) {
                break;
            }
            id += rng.random_range(1..4);
            let pcw = day >= days_from_civil(1989, 1, 1);
            let pk = rng.random::<f64>() < 0.4;
            let p_fail = if pk { 0.35 } else { 0.65 };
            let fails = rng.random::<f64>() < p_fail;
            let t = (-(1.0 - rng.random::<f64>()).ln() * if pk { 900.0 } else { 450.0 }) as i64 + 1;
            let failed = fails && day + t <= censor;
            let peace = if failed { t } else { censor - day };
            let (oc, olabel) = outcomes[rng.random_range(0..outcomes.len())];
            let (op, oplabel) = if pk {
                mission[rng.random_range(1..mission.len())]
            } else {
                mission[0]
            };
            let when = |m: f64| flag(failed && (peace as f64) <= m * 365.25);
            let pcw_only = |v: String| if pcw { v } else { String::new() };
            rows.push(vec![
                id.to_string(),
                cluster.clone(),
                ccode.to_string(),
                format!("{name}-{}", rows.len() + 1),
                date(day),
                if failed {
                    date(day + peace)
                } else {
                    String::new()
                },
                flag(failed),
                if failed { String::new() } else { date(censor) },
                peace.to_string(),
                flag(pcw),
                "0".into(),
                "0.0".into(),
                pcw_only("0".into()),
                oc.to_string(),
                olabel.into(),
                flag(oc <= 2),
                flag(oc == 4),
                flag(oc == 3),
                flag(pk),
                op.to_string(),
                oplabel.into(),
                pcw_only(flag(pk)),
                pcw_only(op.to_string()),
                pcw_only(oplabel.into()),
                if pcw && pk { "1".into() } else { String::new() },
                if pcw && pk {
                    "UN".into()
                } else {
                    String::new()
                },
                pcw_only(if pk { "1" } else { "0" }.into()),
                pcw_only(
                    if pk {
                        "consent-based (Chapter VI-type)"
                    } else {
                        "none or political only"
                    }
                    .into(),
                ),
                pcw_only(flag(pk)),
                pcw_only("0".into()),
                date(war_start),
                format!("{:.3}", (day - war_start) as f64 / 365.25),
                if rng.random::<f64>() < 0.2 {
                    String::new()
                } else {
                    rng.random_range(1000..200_000).to_string()
                },
                rng.random_range(2000..400_000).to_string(),
                flag(rng.random::<f64>() < 0.5),
                flag(rng.random::<f64>() < 0.3),
                flag(rng.random::<f64>() < 0.3),
                when(1.0),
                when(2.0),
                when(5.0),
            ]);
            day += peace + rng.random_range(30..400);
        }
    }
    (header, rows)
}

fn write(dir: &Path, file: &str, (header, rows): &Table) {
    let path = dir.join(file);
    let mut w = csv::WriterBuilder::new()
        .terminator(csv::Terminator::Any(b'\n'))
        .from_path(&path)
        .unwrap_or_else(|e| {
            eprintln!("cannot write {}: {e}", path.display());
            std::process::exit(1);
        });
    let ok = w.write_record(header).is_ok()
        && rows.iter().all(|r| {
            assert_eq!(r.len(), header.len(), "{file}: {r:?}");
            w.write_record(r).is_ok()
        })
        && w.flush().is_ok();
    if !ok {
        eprintln!("cannot write {}", path.display());
        std::process::exit(1);
    }
}

fn main() {
    let Some(dir) = std::env::args().nth(1) else {
        eprintln!("usage: cargo run -p detente-backtest --example war_fixtures -- DIR");
        std::process::exit(2);
    };
    let dir = Path::new(&dir);
    if let Err(e) = std::fs::create_dir_all(dir) {
        eprintln!("cannot create {}: {e}", dir.display());
        std::process::exit(1);
    }
    let mut rng = ChaCha8Rng::seed_from_u64(15);
    let wars = make_wars(&mut rng);
    write(dir, "cow-interstate-wars.csv", &wars_table(&wars));
    write(dir, "cow-interstate-war-sides.csv", &sides_table(&wars));
    write(
        dir,
        "cow-interstate-war-participants.csv",
        &participants_table(&wars),
    );
    let mut lr = ChaCha8Rng::seed_from_u64(16);
    write(
        dir,
        "archigos-war-leaders.csv",
        &leaders_table(&wars, &mut lr),
    );
    let mut cr = ChaCha8Rng::seed_from_u64(17);
    write(
        dir,
        "fortna-civil-ceasefires.csv",
        &ceasefires_table(&mut cr),
    );
    println!("wrote the five synthetic war files to {}", dir.display());
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn calendar_round_trip() {
        assert_eq!(days_from_civil(1970, 1, 1), 0);
        assert_eq!(days_from_civil(2015, 12, 31), ARCHIGOS_END);
        for z in [-60_000, -1, 0, 59, 10_957, 16_800] {
            let (y, m, d) = civil(z);
            assert_eq!(days_from_civil(y, m, d), z);
        }
    }
}
