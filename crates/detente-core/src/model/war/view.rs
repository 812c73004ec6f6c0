//! The report's section on one run of the war, as data (`model::view`): the timeline, the
//! misperception, the risk of renewed war and the ensemble over seeds.

use super::output::{WarOutput, WarRoundOutput};
use crate::model::Cell;
use crate::model::view::{
    BarChart, Block, Chart, Comparison, Futures, Line, LineChart, Marker, Section, Tone,
};
use crate::scenario::Scenario;

/// The section `war` for the run `w` of `sc` made with `seed`.
pub fn section(sc: &Scenario, w: &WarOutput, seed: u64) -> Option<Section> {
    let war = sc.war.as_ref()?;
    let unit = sc.meta.time_unit.clone().unwrap_or_else(|| "round".into());
    let name = |k: usize| sc.actors[war.belligerents[k]].display_name().to_string();
    let mut b = vec![Block::Paragraph(format!(
        "{} (A) and {} (B) fight over {}; talks every {} {unit}s, up to {} {unit}s. The figures lead with the distribution over seeded futures; the charts show one path (seed {seed}) as an example.",
        name(0),
        name(1),
        sc.issues[war.stakes].title(),
        crate::param::fmt_num(war.talks),
        war.horizon,
    ))];
    b.extend(w.summary.iter().cloned().map(Block::Finding));
    b.push(Block::Heading("Timeline".into()));
    if let Some(chart) = timeline(sc, w, &unit) {
        b.push(Block::Figure {
            chart,
            caption: format!(
                "One path (seed {seed}), {unit} by {unit}: the front as the share of the contested area {} holds; each side's value of fighting on (the line's flow, the discounted chances of victory and defeat, less the costs to come; its ideal package held forever = 1); the stakes of the forum's proposals as A's share; and how it ended.",
                name(0)
            ),
        });
    }
    let rounds = &w.timeline;
    if !rounds.is_empty() {
        let belief = |k: usize, truth: bool| -> Vec<(f64, f64)> {
            rounds
                .iter()
                .filter_map(|r| {
                    let m = if truth { &r.truth } else { &r.belief };
                    m.get(&w.belligerents[k]).map(|&v| (r.time, v))
                })
                .collect()
        };
        let last = rounds.last().map_or(1.0, |r| r.time);
        let line = |k: usize, truth: bool| Line {
            label: format!("{}: {}", name(k), if truth { "truth" } else { "belief" }),
            points: belief(k, truth),
            tone: Tone::Side(k),
            width: 2,
            dashed: truth,
            dots: false,
        };
        b.push(Block::Figure {
            chart: Chart::Line(LineChart {
                x_label: unit.clone(),
                y_label: "share of the balance of strength".into(),
                x: (rounds[0].time, last.max(rounds[0].time + 1.0)),
                y: (0.0, 1.0),
                lines: (0..2).flat_map(|k| [line(k, false), line(k, true)]).collect(),
                bands: Vec::new(),
                markers: Vec::new(),
                notes: Vec::new(),
                height: 260,
                integer_x: false,
            }),
            caption: "Misperception on this path: each side's belief about its share of the balance of strength against the truth; beliefs that sum above one are joint optimism.".into(),
        });
    }
    b.push(Block::Heading("Renewed war".into()));
    let renewed: Vec<(String, f64)> = ["within_12", "within_24", "within_60"]
        .iter()
        .filter_map(|k| {
            w.renewed_war
                .get(*k)
                .copied()
                .flatten()
                .map(|v| (format!("within {} {unit}s", &k[7..]), v))
        })
        .collect();
    if renewed.is_empty() {
        b.push(Block::Paragraph(format!(
            "This path (seed {seed}) ends without a ceasefire, so there is no peace to break."
        )));
    } else {
        b.push(Block::Figure {
            chart: Chart::Bar(BarChart {
                rows: renewed.iter().map(|r| r.0.clone()).collect(),
                values: renewed.iter().map(|r| r.1).collect(),
                x_label: "probability of renewed war after the ceasefire".into(),
                tones: vec![Tone::Bad; renewed.len()],
                shares: true,
                x_max: 1.0,
            }),
            caption: "The probability that war resumes within 12, 24 and 60 time units of this path's ceasefire, from the terms, rearmament and the shift of power.".into(),
        });
    }
    if let Some(e) = &w.ensemble {
        b.push(Block::Heading(format!(
            "Across {} seeds ({}..{})",
            e.runs,
            e.first_seed,
            e.first_seed + e.runs.saturating_sub(1)
        )));
        b.push(Block::Figure {
            chart: Chart::Bar(BarChart {
                rows: vec![
                    format!("ceasefire within {} {unit}s", war.horizon),
                    format!("victory of {}", name(0)),
                    format!("victory of {}", name(1)),
                    "still fighting".to_string(),
                ],
                values: vec![e.ceasefire, e.victory[0], e.victory[1], e.ongoing],
                x_label: "share of seeded runs".into(),
                tones: vec![Tone::Good, Tone::Side(0), Tone::Side(1), Tone::Grey],
                shares: true,
                x_max: 1.0,
            }),
            caption: "How the war ends over many seeded futures (the front, signals, collapse, channels), with the central values of the uncertain numbers.".into(),
        });
        b.push(Block::Table {
            head: vec![
                "median ceasefire".into(),
                "mean share of A".into(),
                "mean renewed war within 60".into(),
                "mean belief gap".into(),
            ],
            rows: vec![vec![
                e.median_ceasefire_time.map_or(Cell::Missing, |r| {
                    Cell::Text(format!(
                        "{unit} {}",
                        crate::param::fmt_num((r * 10.0).round() / 10.0)
                    ))
                }),
                e.mean_share.map_or(Cell::Missing, Cell::Percent),
                e.mean_renewal[2].map_or(Cell::Missing, Cell::Percent),
                Cell::Value(e.mean_abs_gap),
            ]],
            numeric: vec![1, 2, 3],
        });
    }
    Some(Section {
        id: "war".into(),
        title: "The war".into(),
        blocks: b,
    })
}

/// The war's timeline: the front, each side's value of fighting on, the
/// proposals and the ending.
fn timeline(sc: &Scenario, w: &WarOutput, unit: &str) -> Option<Chart> {
    let war = sc.war.as_ref()?;
    let rounds = &w.timeline;
    if rounds.is_empty() {
        return None;
    }
    let ids = &w.belligerents;
    let name = |k: usize| sc.actors[war.belligerents[k]].display_name().to_string();
    let x = |r: &WarRoundOutput| r.time;
    let value = |k: usize| -> Vec<(f64, f64)> {
        rounds
            .iter()
            .filter_map(|r| r.value.get(&ids[k]).map(|&v| (x(r), v)))
            .collect()
    };
    let mut ys: Vec<f64> = vec![0.0, 1.0];
    for r in rounds {
        ys.extend(r.value.values().copied());
    }
    let finite = || ys.iter().copied().filter(|v| v.is_finite());
    let (lo, hi) = (finite().fold(0.0, f64::min), finite().fold(1.0, f64::max));
    let mut markers = Vec::new();
    let t1 = |t: f64| crate::param::fmt_num((t * 10.0).round() / 10.0);
    match (w.ending.as_str(), w.time) {
        ("ceasefire", Some(r)) => markers.push(Marker {
            label: format!("ceasefire, {unit} {}", t1(r)),
            x: r,
            tone: Tone::Good,
        }),
        ("victory", Some(r)) => markers.push(Marker {
            label: format!(
                "victory of {}, {unit} {}",
                w.victor
                    .as_deref()
                    .and_then(|v| sc.actor_index(v))
                    .map_or("?", |a| sc.actors[a].display_name()),
                t1(r)
            ),
            x: r,
            tone: Tone::Bad,
        }),
        _ => {}
    }
    let last = rounds.last().map_or(1.0, |r| r.time);
    let first = rounds.first().map_or(0.0, |r| r.time);
    // The risk that the peace breaks, beside the ceasefire it follows.
    let renewed: Vec<String> = ["within_12", "within_24", "within_60"]
        .iter()
        .filter_map(|k| {
            w.renewed_war
                .get(*k)
                .copied()
                .flatten()
                .map(crate::param::fmt_pct)
        })
        .collect();
    let notes = if renewed.len() == 3 {
        vec![
            "renewed war within 12/24/60:".into(),
            format!("  {}", renewed.join(" / ")),
        ]
    } else {
        Vec::new()
    };
    let mut front: Vec<(f64, f64)> = rounds.iter().map(|r| (x(r), r.front)).collect();
    if w.ending == "victory" {
        // The front's last move, the one that ended the war.
        let end = if w.victor.as_deref() == Some(ids[0].as_str()) {
            1.0
        } else {
            0.0
        };
        front.push((w.time.unwrap_or(last), end));
    }
    let line = |label: String, points, tone, width, dots| Line {
        label,
        points,
        tone,
        width,
        dashed: false,
        dots,
    };
    let pad = (hi - lo) * 0.04;
    Some(Chart::Line(LineChart {
        x_label: unit.to_string(),
        y_label: "share of the stakes / of the front".into(),
        x: (first - 0.5, last + 1.5),
        y: (lo - pad, hi + pad),
        lines: vec![
            line(
                format!("front ({}'s progress)", name(0)),
                front,
                Tone::Ink,
                3,
                false,
            ),
            line(
                format!("{}: value of fighting", name(0)),
                value(0),
                Tone::Side(0),
                2,
                false,
            ),
            line(
                format!("{}: value of fighting", name(1)),
                value(1),
                Tone::Side(1),
                2,
                false,
            ),
            line(
                "proposal (A's share)".into(),
                rounds.iter().map(|r| (x(r), r.proposal)).collect(),
                Tone::Grey,
                0,
                true,
            ),
        ],
        bands: Vec::new(),
        markers,
        notes,
        height: 340,
        integer_x: false,
    }))
}

/// What a set of sampled futures says about how the war ends.
struct Shares {
    early: f64,
    ceasefire: f64,
    victory: [f64; 2],
    ongoing: f64,
    median_time: f64,
    mean_share: f64,
    mean_renewed_60: f64,
}

fn shares(sc: &Scenario, f: &Futures) -> Shares {
    let war = sc.war.as_ref().expect("a war");
    let time = f.index(&super::ceasefire_time_column(sc));
    let cf = f.index("ceasefire");
    let share = f.index("ceasefire_share");
    let ongoing = f.index("ongoing");
    let vic: Vec<Option<usize>> = (0..2)
        .map(|k| f.index(&format!("victory.{}", sc.actors[war.belligerents[k]].id)))
        .collect();
    let renewed = f.index("renewed_60");
    let rows: Vec<&[f64]> = f.rows().collect();
    let n = rows.len().max(1) as f64;
    let share_of = |c: Option<usize>| {
        c.map_or(f64::NAN, |c| {
            rows.iter().filter(|r| r[c] == 1.0).count() as f64 / n
        })
    };
    let mean = |c: Option<usize>| {
        let v: Vec<f64> = c.map_or(Vec::new(), |c| {
            rows.iter().map(|r| r[c]).filter(|x| !x.is_nan()).collect()
        });
        if v.is_empty() {
            f64::NAN
        } else {
            v.iter().sum::<f64>() / v.len() as f64
        }
    };
    let mut times: Vec<f64> = time.map_or(Vec::new(), |t| {
        rows.iter().map(|r| r[t]).filter(|x| !x.is_nan()).collect()
    });
    times.sort_by(f64::total_cmp);
    Shares {
        early: time.map_or(f64::NAN, |t| {
            rows.iter().filter(|r| r[t] <= f64::from(EARLY)).count() as f64 / n
        }),
        ceasefire: share_of(cf),
        victory: [share_of(vic[0]), share_of(vic[1])],
        ongoing: share_of(ongoing),
        median_time: crate::stats::quantile(&times, 0.5).unwrap_or(f64::NAN),
        mean_share: mean(share),
        mean_renewed_60: mean(renewed),
    }
}

/// The ceasefire horizon the report's shares use.
const EARLY: u32 = super::EARLY[0];

fn unit(sc: &Scenario) -> String {
    sc.meta.time_unit.clone().unwrap_or_else(|| "round".into())
}

/// How the war ends across the baseline's futures.
pub fn futures(sc: &Scenario, f: &Futures) -> Vec<Block> {
    let Some(war) = sc.war.as_ref() else {
        return Vec::new();
    };
    let s = shares(sc, f);
    let unit = unit(sc);
    let name = |k: usize| sc.actors[war.belligerents[k]].display_name().to_string();
    vec![Block::Figure {
        chart: Chart::Bar(BarChart {
            rows: vec![
                format!("ceasefire within {EARLY} {unit}s"),
                format!("ceasefire within {} {unit}s", war.horizon),
                format!("victory of {}", name(0)),
                format!("victory of {}", name(1)),
                "still fighting".into(),
            ],
            values: vec![s.early, s.ceasefire, s.victory[0], s.victory[1], s.ongoing],
            x_label: "share of sampled futures".into(),
            tones: vec![
                Tone::Good,
                Tone::Good,
                Tone::Side(0),
                Tone::Side(1),
                Tone::Grey,
            ],
            shares: true,
            x_max: 1.0,
        }),
        caption: "How the war ends across the sampled futures.".into(),
    }]
}

/// Each policy's ending over seeds at the central values and, with futures, across them.
pub fn compare(sc: &Scenario, cmp: &Comparison) -> Vec<Block> {
    let unit = unit(sc);
    let mut rows = Vec::new();
    let mut values = Vec::new();
    for (label, out) in cmp.labels.iter().zip(&cmp.runs) {
        let e = out
            .detail
            .as_ref()
            .and_then(|d| d.data.downcast_ref::<WarOutput>())
            .and_then(|w| w.ensemble.as_ref());
        rows.push(vec![
            Cell::Text(label.clone()),
            e.map_or(Cell::Missing, |e| Cell::Percent(e.ceasefire)),
            e.and_then(|e| e.median_ceasefire_time)
                .map_or(Cell::Missing, |r| Cell::Text(r.to_string())),
            e.and_then(|e| e.mean_renewal[2])
                .map_or(Cell::Missing, Cell::Percent),
        ]);
        values.push(e.map_or(f64::NAN, |e| e.ceasefire));
    }
    let mut head = vec![
        "policy".to_string(),
        "ceasefire (seeds)".to_string(),
        format!("median ceasefire {unit}"),
        "renewed war within 60".to_string(),
    ];
    if let Some(futures) = &cmp.futures {
        head.extend([
            format!("ceasefire within {EARLY} (futures)"),
            "ceasefire (futures)".into(),
            format!("median ceasefire {unit} (futures)"),
            "mean share of A at a ceasefire (futures)".into(),
            "mean renewed war within 60 (futures)".into(),
        ]);
        values.clear();
        for (r, f) in rows.iter_mut().zip(futures) {
            let s = shares(sc, f);
            r.extend([
                Cell::Percent(s.early),
                Cell::Percent(s.ceasefire),
                Cell::Value(s.median_time),
                Cell::Percent(s.mean_share),
                Cell::Percent(s.mean_renewed_60),
            ]);
            values.push(s.early);
        }
    }
    let what = if cmp.futures.is_some() {
        format!("share of sampled futures with a ceasefire within {EARLY} {unit}s")
    } else {
        "share of seeded runs with a ceasefire".to_string()
    };
    let numeric = (1..head.len()).collect();
    vec![
        Block::Table {
            head,
            rows,
            numeric,
        },
        Block::Figure {
            chart: Chart::Bar(BarChart {
                rows: cmp.labels.to_vec(),
                values,
                x_label: what.clone(),
                tones: (0..cmp.labels.len()).map(Tone::Series).collect(),
                shares: true,
                x_max: 1.0,
            }),
            caption: format!("Each policy beside the baseline: {what}."),
        },
    ]
}
