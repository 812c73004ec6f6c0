//! Charts: plotters' SVG backend drawing into a string. Each function returns one `<svg>`
//! element (or, should plotters fail, a short note), the same bytes for the same input.

use plotters::coord::Shift;
use plotters::coord::types::RangedCoordf64;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use crate::html::{escape, num};

pub type Fallible = Result<(), Box<dyn std::error::Error>>;

pub const WIDTH: u32 = 760;
const FONT: &str = "sans-serif";
const LEGEND_WIDTH: u32 = 230;

/// Okabe & Ito's colour-blind-safe palette (2008), then further distinct tones.
pub const PALETTE: [RGBColor; 18] = [
    RGBColor(0, 114, 178),
    RGBColor(230, 159, 0),
    RGBColor(0, 158, 115),
    RGBColor(204, 121, 167),
    RGBColor(86, 180, 233),
    RGBColor(213, 94, 0),
    RGBColor(240, 228, 66),
    RGBColor(0, 0, 0),
    RGBColor(117, 112, 179),
    RGBColor(102, 102, 102),
    RGBColor(166, 118, 29),
    RGBColor(27, 158, 119),
    RGBColor(153, 0, 0),
    RGBColor(0, 68, 136),
    RGBColor(136, 204, 238),
    RGBColor(68, 170, 153),
    RGBColor(170, 68, 153),
    RGBColor(221, 204, 119),
];
pub const INK: RGBColor = RGBColor(29, 36, 48);
pub const GREY: RGBColor = RGBColor(150, 158, 170);
pub const LIGHT: RGBColor = RGBColor(225, 230, 238);
pub const GOOD: RGBColor = RGBColor(0, 158, 115);
pub const BAD: RGBColor = RGBColor(213, 94, 0);
pub const SIDE: [RGBColor; 2] = [RGBColor(204, 51, 51), RGBColor(0, 114, 178)];

pub fn color(i: usize) -> RGBColor {
    PALETTE[i % PALETTE.len()]
}

/// Draws on a white `w` x `h` canvas and returns the SVG.
pub fn render(
    w: u32,
    h: u32,
    draw: impl FnOnce(&DrawingArea<SVGBackend, Shift>) -> Fallible,
) -> String {
    let mut buf = String::new();
    let result = {
        let root = SVGBackend::with_string(&mut buf, (w, h)).into_drawing_area();
        root.fill(&WHITE)
            .map_err(|e| e.into())
            .and_then(|_| draw(&root))
            .and_then(|_| root.present().map_err(|e| e.into()))
    };
    match result {
        Ok(()) => buf,
        Err(e) => format!(
            "<p class=\"note\">(chart not drawn: {})</p>\n",
            escape(&e.to_string())
        ),
    }
}

fn font(size: u32) -> TextStyle<'static> {
    (FONT, size).into_font().color(&INK)
}

/// A padded range that is never empty.
pub fn pad(lo: f64, hi: f64, share: f64) -> (f64, f64) {
    let (lo, hi) = if lo.is_finite() && hi.is_finite() {
        (lo.min(hi), lo.max(hi))
    } else {
        (0.0, 1.0)
    };
    let w = hi - lo;
    let p = if w > 0.0 {
        w * share
    } else {
        (lo.abs() * 0.1).max(0.5)
    };
    (lo - p, hi + p)
}

/// An entry of a legend drawn beside the plot.
#[derive(Clone)]
pub struct Key {
    pub label: String,
    pub color: RGBColor,
    pub kind: KeyKind,
}

#[derive(Clone, Copy)]
pub enum KeyKind {
    Line(u32),
    Dashed,
    Dot,
    Block,
    /// Words only.
    Text,
}

fn legend(area: &DrawingArea<SVGBackend, Shift>, keys: &[Key], top: i32) -> Fallible {
    for (i, k) in keys.iter().enumerate() {
        let y = top + 18 * i as i32;
        let c = k.color;
        match k.kind {
            KeyKind::Line(w) => {
                area.draw(&PathElement::new(vec![(4, y), (26, y)], c.stroke_width(w)))?;
            }
            KeyKind::Dashed => {
                for x in [4, 13, 22] {
                    area.draw(&PathElement::new(
                        vec![(x, y), (x + 5, y)],
                        c.stroke_width(2),
                    ))?;
                }
            }
            KeyKind::Dot => area.draw(&Circle::new((15, y), 4, c.filled()))?,
            KeyKind::Text => {}
            KeyKind::Block => area.draw(&Rectangle::new(
                [(5, y - 5), (25, y + 5)],
                c.mix(0.5).filled(),
            ))?,
        }
        // Words alone may use the symbol's room.
        let (x, room) = match k.kind {
            KeyKind::Text => (4, 38),
            _ => (32, 34),
        };
        let label: String = if k.label.chars().count() > room {
            k.label.chars().take(room - 1).chain(['…']).collect()
        } else {
            k.label.clone()
        };
        area.draw(&Text::new(label, (x, y - 7), font(12)))?;
    }
    Ok(())
}

/// One line of a line chart.
pub struct Line {
    pub label: String,
    pub points: Vec<(f64, f64)>,
    pub color: RGBColor,
    pub width: u32,
    pub dashed: bool,
    /// Draw a dot at each point too.
    pub dots: bool,
}

/// A shaded band between two curves over the same x.
pub struct Band {
    pub label: String,
    /// (x, low, high); segments where low > high are left out.
    pub points: Vec<(f64, f64, f64)>,
    pub color: RGBColor,
}

/// A vertical marker.
pub struct Marker {
    pub label: String,
    pub x: f64,
    pub color: RGBColor,
}

pub struct LineChart<'a> {
    pub x_label: &'a str,
    pub y_label: &'a str,
    pub x: (f64, f64),
    pub y: (f64, f64),
    pub lines: Vec<Line>,
    pub bands: Vec<Band>,
    pub markers: Vec<Marker>,
    /// Legend entries after those of the lines, bands and markers.
    pub keys: Vec<Key>,
    pub height: u32,
    /// Whole numbers on the x axis (rounds).
    pub integer_x: bool,
}

pub fn line_chart(c: &LineChart) -> String {
    render(WIDTH, c.height, |root| {
        let (plot, side) = root.split_horizontally(WIDTH - LEGEND_WIDTH);
        let mut chart = ChartBuilder::on(&plot)
            .margin(10)
            .x_label_area_size(40)
            .y_label_area_size(56)
            .build_cartesian_2d(c.x.0..c.x.1, c.y.0..c.y.1)?;
        let int = c.integer_x;
        chart
            .configure_mesh()
            .light_line_style(TRANSPARENT)
            .bold_line_style(LIGHT)
            .x_desc(c.x_label)
            .y_desc(c.y_label)
            .x_labels(10)
            .x_label_formatter(&|x| whole_or_num(*x, int))
            .y_label_formatter(&|y| num(*y))
            .label_style(font(12))
            .axis_desc_style(font(13))
            .draw()?;
        let mut keys = Vec::new();
        for b in &c.bands {
            for seg in segments(&b.points) {
                let mut poly: Vec<(f64, f64)> = seg.iter().map(|p| (p.0, p.2)).collect();
                poly.extend(seg.iter().rev().map(|p| (p.0, p.1)));
                if seg.len() == 1 {
                    // A one-round band: a short bar, so it is seen.
                    let (x, lo, hi) = seg[0];
                    let w = (c.x.1 - c.x.0) / 200.0;
                    poly = vec![(x - w, hi), (x + w, hi), (x + w, lo), (x - w, lo)];
                }
                chart.draw_series(std::iter::once(Polygon::new(
                    poly,
                    b.color.mix(0.3).filled(),
                )))?;
            }
            keys.push(Key {
                label: b.label.clone(),
                color: b.color,
                kind: KeyKind::Block,
            });
        }
        draw_markers(&mut chart, &c.markers, c.y, &mut keys)?;
        for l in &c.lines {
            if l.dashed {
                chart.draw_series(DashedLineSeries::new(
                    l.points.iter().copied(),
                    5,
                    4,
                    l.color.stroke_width(l.width),
                ))?;
            } else {
                chart.draw_series(LineSeries::new(
                    l.points.iter().copied(),
                    l.color.stroke_width(l.width),
                ))?;
            }
            if l.dots {
                chart.draw_series(
                    l.points
                        .iter()
                        .map(|&p| Circle::new(p, 2, l.color.filled())),
                )?;
            }
            keys.push(Key {
                label: l.label.clone(),
                color: l.color,
                kind: if l.dashed {
                    KeyKind::Dashed
                } else if l.width == 0 {
                    KeyKind::Dot
                } else {
                    KeyKind::Line(l.width.max(1))
                },
            });
        }
        keys.extend(c.keys.iter().cloned());
        legend(&side, &keys, 22)
    })
}

/// A label for an x value: on a rounds axis only whole numbers are labelled.
fn whole_or_num(x: f64, int: bool) -> String {
    if !int {
        num(x)
    } else if (x - x.round()).abs() < 1e-9 {
        format!("{}", x.round())
    } else {
        String::new()
    }
}

/// Runs of consecutive points where low <= high.
fn segments(points: &[(f64, f64, f64)]) -> Vec<Vec<(f64, f64, f64)>> {
    let mut out: Vec<Vec<(f64, f64, f64)>> = Vec::new();
    let mut cur = Vec::new();
    for &p in points {
        if p.1 <= p.2 && p.1.is_finite() && p.2.is_finite() {
            cur.push(p);
        } else if !cur.is_empty() {
            out.push(std::mem::take(&mut cur));
        }
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}

/// A point on a row of a dot chart, with an optional whisker.
pub struct Mark {
    pub row: usize,
    pub x: f64,
    pub radius: u32,
    pub color: RGBColor,
    pub whisker: Option<(f64, f64)>,
}

/// Rows of labelled dots along one scale (positions on an issue, forecasts, policies); the
/// first row at the top.
pub struct DotChart<'a> {
    pub rows: Vec<String>,
    pub x_label: &'a str,
    pub x: (f64, f64),
    pub marks: Vec<Mark>,
    pub markers: Vec<Marker>,
    /// Legend entries for the marks (markers add their own).
    pub keys: Vec<Key>,
}

fn row_height(n: usize) -> u32 {
    60 + 24 * n.max(1) as u32
}

fn label_width(rows: &[String]) -> u32 {
    let longest = rows.iter().map(|r| r.chars().count()).max().unwrap_or(4) as u32;
    (longest * 6 + 16).clamp(60, 290)
}

pub fn dot_chart(c: &DotChart) -> String {
    let n = c.rows.len();
    let h = row_height(n) + 10;
    render(WIDTH, h, |root| {
        let (plot, side) = root.split_horizontally(WIDTH - 170);
        let mut chart = row_chart(&plot, &c.rows, c.x, 10, c.x_label, &num)?;
        let y_of = |row: usize| (n - 1 - row) as f64;
        let mut keys: Vec<Key> = Vec::new();
        draw_markers(&mut chart, &c.markers, (-0.6, n as f64 - 0.4), &mut keys)?;
        for m in &c.marks {
            let y = y_of(m.row);
            if let Some((lo, hi)) = m.whisker {
                chart.draw_series(std::iter::once(PathElement::new(
                    vec![(lo, y), (hi, y)],
                    m.color.stroke_width(2),
                )))?;
            }
            chart.draw_series(std::iter::once(Circle::new(
                (m.x, y),
                m.radius,
                m.color.mix(0.75).filled(),
            )))?;
        }
        keys.extend(c.keys.iter().map(|k| Key {
            label: k.label.clone(),
            color: k.color,
            kind: k.kind,
        }));
        legend(&side, &keys, 22)
    })
}

type Plot<'a, 'b> = ChartContext<'a, SVGBackend<'b>, Cartesian2d<RangedCoordf64, RangedCoordf64>>;

/// The frame of a chart with one slot per row (dots, bars, a tornado): the x grid with `show`
/// for its labels and each row's name left of the plot.
fn row_chart<'a, 'b>(
    area: &'a DrawingArea<SVGBackend<'b>, Shift>,
    rows: &[String],
    x: (f64, f64),
    margin_right: u32,
    x_label: &str,
    show: &dyn Fn(f64) -> String,
) -> Result<Plot<'a, 'b>, Box<dyn std::error::Error>> {
    let n = rows.len();
    let mut chart = ChartBuilder::on(area)
        .margin(10)
        .margin_right(margin_right)
        .x_label_area_size(40)
        .y_label_area_size(label_width(rows))
        .build_cartesian_2d(x.0..x.1, -0.6..n as f64 - 0.4)?;
    chart
        .configure_mesh()
        .light_line_style(TRANSPARENT)
        .bold_line_style(LIGHT)
        .x_desc(x_label)
        .x_labels(8)
        .x_label_formatter(&|x| show(*x))
        .y_labels(0)
        .label_style(font(12))
        .axis_desc_style(font(13))
        .draw()?;
    row_labels(&mut chart, rows, x.0)?;
    Ok(chart)
}

/// Draws each marker as a dashed vertical line from `y.0` to `y.1` and adds its legend entry.
fn draw_markers(
    chart: &mut Plot,
    markers: &[Marker],
    y: (f64, f64),
    keys: &mut Vec<Key>,
) -> Fallible {
    for m in markers {
        chart.draw_series(DashedLineSeries::new(
            vec![(m.x, y.0), (m.x, y.1)],
            6,
            4,
            m.color.stroke_width(2),
        ))?;
        keys.push(Key {
            label: m.label.clone(),
            color: m.color,
            kind: KeyKind::Dashed,
        });
    }
    Ok(())
}

/// Writes each row's name left of the plot, the first row at the top.
fn row_labels(chart: &mut Plot, rows: &[String], x0: f64) -> Fallible {
    let n = rows.len();
    let style = font(12).pos(Pos::new(HPos::Right, VPos::Center));
    chart.draw_series(rows.iter().enumerate().map(|(i, r)| {
        let label: String = if r.chars().count() > 44 {
            r.chars().take(43).chain(['…']).collect()
        } else {
            r.clone()
        };
        EmptyElement::at((x0, (n - 1 - i) as f64)) + Text::new(label, (-8, 0), style.clone())
    }))?;
    Ok(())
}

/// A horizontal bar per row, each with its value written beside it.
pub struct BarChart<'a> {
    pub rows: Vec<String>,
    pub values: Vec<f64>,
    pub x_label: &'a str,
    pub colors: Vec<RGBColor>,
    /// How a value is written beside its bar.
    pub show: &'a dyn Fn(f64) -> String,
    /// The axis's upper end at least this (1 for shares).
    pub x_max: f64,
}

pub fn bar_chart(c: &BarChart) -> String {
    let n = c.rows.len();
    render(WIDTH, row_height(n), |root| {
        let hi = c
            .values
            .iter()
            .copied()
            .filter(|v| v.is_finite())
            .fold(c.x_max, f64::max);
        // Room on the right for the longest bar's value.
        let mut chart = row_chart(root, &c.rows, (0.0, hi), 60, c.x_label, &num)?;
        for (i, &v) in c.values.iter().enumerate() {
            if !v.is_finite() {
                continue;
            }
            let y = (n - 1 - i) as f64;
            let col = c.colors.get(i).copied().unwrap_or(PALETTE[0]);
            chart.draw_series(std::iter::once(Rectangle::new(
                [(0.0, y - 0.32), (v, y + 0.32)],
                col.mix(0.8).filled(),
            )))?;
            chart.draw_series(std::iter::once(Text::new(
                (c.show)(v),
                (v, y + 0.2),
                font(12),
            )))?;
        }
        Ok(())
    })
}

/// Counts in bins, as shares of all runs.
pub struct Histogram<'a> {
    pub x_label: &'a str,
    /// (low, high, share of runs).
    pub bins: Vec<(f64, f64, f64)>,
    pub markers: Vec<Marker>,
    pub color: RGBColor,
}

pub fn histogram(c: &Histogram) -> String {
    render(WIDTH, 260, |root| {
        let (plot, side) = root.split_horizontally(WIDTH - LEGEND_WIDTH);
        let lo = c.bins.first().map_or(0.0, |b| b.0);
        let hi = c.bins.last().map_or(1.0, |b| b.1);
        let (lo, hi) = if hi > lo { (lo, hi) } else { pad(lo, hi, 0.1) };
        let top = c.bins.iter().map(|b| b.2).fold(0.0, f64::max).max(1e-9) * 1.1;
        let mut chart = ChartBuilder::on(&plot)
            .margin(10)
            .x_label_area_size(40)
            .y_label_area_size(56)
            .build_cartesian_2d(lo..hi, 0.0..top)?;
        chart
            .configure_mesh()
            .light_line_style(TRANSPARENT)
            .bold_line_style(LIGHT)
            .x_desc(c.x_label)
            .y_desc("share of runs")
            .x_labels(8)
            .x_label_formatter(&|x| num(*x))
            .y_label_formatter(&|y| format!("{:.0}%", 100.0 * y))
            .label_style(font(12))
            .axis_desc_style(font(13))
            .draw()?;
        chart.draw_series(c.bins.iter().map(|&(a, b, s)| {
            let mut r = Rectangle::new([(a, 0.0), (b, s)], c.color.mix(0.75).filled());
            r.set_margin(0, 0, 1, 1);
            r
        }))?;
        let mut keys = Vec::new();
        draw_markers(&mut chart, &c.markers, (0.0, top), &mut keys)?;
        legend(&side, &keys, 22)
    })
}

/// Bins for a histogram: one per whole number when the values are whole and few, else 24
/// equal bins over the range. Shares are of `total` runs.
pub fn bins(values: &[f64], total: usize) -> Vec<(f64, f64, f64)> {
    let v: Vec<f64> = values.iter().copied().filter(|x| x.is_finite()).collect();
    if v.is_empty() || total == 0 {
        return Vec::new();
    }
    let lo = v.iter().copied().fold(f64::INFINITY, f64::min);
    let hi = v.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let whole = v.iter().all(|x| x.fract() == 0.0) && hi - lo <= 80.0;
    let (start, width, n) = if whole {
        (lo - 0.5, 1.0, (hi - lo) as usize + 1)
    } else if hi > lo {
        (lo, (hi - lo) / 24.0, 24)
    } else {
        (lo - 0.5, 1.0, 1)
    };
    let mut counts = vec![0usize; n];
    for x in v {
        let i = (((x - start) / width).floor() as usize).min(n - 1);
        counts[i] += 1;
    }
    counts
        .iter()
        .enumerate()
        .map(|(i, &c)| {
            let a = start + width * i as f64;
            (a, a + width, c as f64 / total as f64)
        })
        .collect()
}

/// A tornado: per row a bar from the base to the output at the input's low end and one to
/// the output at its high end.
pub struct TornadoChart<'a> {
    pub rows: Vec<String>,
    /// (output at the low end, output at the high end) per row.
    pub ends: Vec<(f64, f64)>,
    pub base: f64,
    pub x_label: &'a str,
    pub show: &'a dyn Fn(f64) -> String,
}

pub fn tornado(c: &TornadoChart) -> String {
    let n = c.rows.len();
    render(WIDTH, row_height(n), |root| {
        let (plot, side) = root.split_horizontally(WIDTH - LEGEND_WIDTH);
        let all = c
            .ends
            .iter()
            .flat_map(|&(a, b)| [a, b])
            .chain([c.base])
            .filter(|x| x.is_finite());
        let (lo, hi) = all.fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), x| {
            (a.min(x), b.max(x))
        });
        let (lo, hi) = pad(lo, hi, 0.12);
        let mut chart = row_chart(&plot, &c.rows, (lo, hi), 10, c.x_label, c.show)?;
        for (i, &(a, b)) in c.ends.iter().enumerate() {
            let y = (n - 1 - i) as f64;
            for (v, col, off) in [(a, PALETTE[0], 0.0), (b, PALETTE[1], -0.3)] {
                if v.is_finite() {
                    chart.draw_series(std::iter::once(Rectangle::new(
                        [(c.base.min(v), y + off), (c.base.max(v), y + off + 0.3)],
                        col.mix(0.8).filled(),
                    )))?;
                }
            }
        }
        chart.draw_series(std::iter::once(PathElement::new(
            vec![(c.base, -0.6), (c.base, n as f64 - 0.4)],
            INK.stroke_width(2),
        )))?;
        let keys = [
            Key {
                label: "input at its 5% quantile".into(),
                color: PALETTE[0],
                kind: KeyKind::Block,
            },
            Key {
                label: "input at its 95% quantile".into(),
                color: PALETTE[1],
                kind: KeyKind::Block,
            },
            Key {
                label: format!("all central: {}", (c.show)(c.base)),
                color: INK,
                kind: KeyKind::Line(2),
            },
        ];
        legend(&side, &keys, 22)
    })
}

/// PRIM's peeling trajectory: coverage against density, the chosen box marked.
pub fn tradeoff(curve: &[(f64, f64)], picked: (f64, f64)) -> String {
    render(WIDTH, 280, |root| {
        let (plot, side) = root.split_horizontally(WIDTH - LEGEND_WIDTH);
        let dmin = curve.iter().map(|p| p.1).fold(1.0, f64::min);
        let mut chart = ChartBuilder::on(&plot)
            .margin(10)
            .x_label_area_size(40)
            .y_label_area_size(56)
            .build_cartesian_2d(0.0..1.02, (dmin - 0.05).max(0.0)..1.02)?;
        chart
            .configure_mesh()
            .light_line_style(TRANSPARENT)
            .bold_line_style(LIGHT)
            .x_desc("coverage (share of the cases inside the box)")
            .y_desc("density")
            .x_label_formatter(&|x| format!("{:.0}%", 100.0 * x))
            .y_label_formatter(&|y| format!("{:.0}%", 100.0 * y))
            .label_style(font(12))
            .axis_desc_style(font(13))
            .draw()?;
        chart.draw_series(LineSeries::new(curve.iter().copied(), GREY.stroke_width(1)))?;
        chart.draw_series(
            curve
                .iter()
                .map(|&p| Circle::new(p, 3, PALETTE[0].filled())),
        )?;
        chart.draw_series(std::iter::once(Circle::new(picked, 7, BAD.filled())))?;
        let keys = [
            Key {
                label: "peeling step".into(),
                color: PALETTE[0],
                kind: KeyKind::Dot,
            },
            Key {
                label: "box reported".into(),
                color: BAD,
                kind: KeyKind::Dot,
            },
        ];
        legend(&side, &keys, 22)
    })
}
