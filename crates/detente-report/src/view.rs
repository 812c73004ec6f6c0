//! Draws the sections a model gives as data (`detente_core::model::view`) in the report's
//! house style: the report never needs to know which model made them.

use detente_core::model::Cell;
use detente_core::model::view::{self, Block, Chart, Tone};
use plotters::style::RGBColor;

use crate::Section;
use crate::charts::{self, Band, BarChart, Key, KeyKind, Line, LineChart, Marker};
use crate::html::{escape, figure, h3, num, p, pct, table};

fn color(t: Tone) -> RGBColor {
    match t {
        Tone::Ink => charts::INK,
        Tone::Grey => charts::GREY,
        Tone::Good => charts::GOOD,
        Tone::Bad => charts::BAD,
        Tone::Side(k) => charts::SIDE[k % 2],
        Tone::Series(j) => charts::color(j),
    }
}

/// A cell as HTML.
pub fn cell(c: &Cell) -> String {
    match c {
        Cell::Text(s) => escape(s),
        Cell::Percent(x) => pct(*x),
        Cell::Value(x) => num(*x),
        Cell::Missing => "–".into(),
        Cell::Number {
            value,
            decimals,
            signed,
        } => {
            let d = usize::from(*decimals);
            if *signed {
                format!("{value:+.d$}")
            } else {
                format!("{value:.d$}")
            }
        }
        Cell::Range {
            low,
            high,
            decimals,
        } => {
            let d = usize::from(*decimals);
            if low > high {
                "empty".into()
            } else {
                format!("{low:.d$}..{high:.d$}")
            }
        }
    }
}

/// A chart as SVG.
pub fn chart(c: &Chart) -> String {
    match c {
        Chart::Line(c) => charts::line_chart(&LineChart {
            x_label: &c.x_label,
            y_label: &c.y_label,
            x: c.x,
            y: c.y,
            lines: c
                .lines
                .iter()
                .map(|l| Line {
                    label: l.label.clone(),
                    points: l.points.clone(),
                    color: color(l.tone),
                    width: l.width,
                    dashed: l.dashed,
                    dots: l.dots,
                })
                .collect(),
            bands: c
                .bands
                .iter()
                .map(|b| Band {
                    label: b.label.clone(),
                    points: b.points.clone(),
                    color: color(b.tone),
                })
                .collect(),
            markers: c
                .markers
                .iter()
                .map(|m| Marker {
                    label: m.label.clone(),
                    x: m.x,
                    color: color(m.tone),
                })
                .collect(),
            keys: c
                .notes
                .iter()
                .map(|n| Key {
                    label: n.clone(),
                    color: charts::INK,
                    kind: KeyKind::Text,
                })
                .collect(),
            height: c.height,
            integer_x: c.integer_x,
        }),
        Chart::Bar(c) => {
            let show: &dyn Fn(f64) -> String = if c.shares { &pct } else { &num };
            charts::bar_chart(&BarChart {
                rows: c.rows.clone(),
                values: c.values.clone(),
                x_label: &c.x_label,
                colors: c.tones.iter().map(|&t| color(t)).collect(),
                show,
                x_max: c.x_max,
            })
        }
    }
}

/// A section as HTML.
pub fn section(s: &view::Section) -> Section {
    Section {
        id: s.id.clone(),
        title: s.title.clone(),
        html: blocks(&s.blocks),
    }
}

/// Blocks as HTML.
pub fn blocks(blocks: &[Block]) -> String {
    let mut h = String::new();
    for b in blocks {
        match b {
            Block::Paragraph(t) => h.push_str(&p(t)),
            Block::Finding(t) => h.push_str(&format!("<p class=\"box\">{}</p>\n", escape(t))),
            Block::Heading(t) => h.push_str(&h3(t)),
            Block::Table {
                head,
                rows,
                numeric,
            } => {
                let head: Vec<String> = head.iter().map(|x| escape(x)).collect();
                let heads: Vec<&str> = head.iter().map(String::as_str).collect();
                let rows: Vec<Vec<String>> =
                    rows.iter().map(|r| r.iter().map(cell).collect()).collect();
                h.push_str(&table(&heads, &rows, numeric));
            }
            Block::Figure { chart: c, caption } => h.push_str(&figure(&chart(c), caption)),
        }
    }
    h
}
