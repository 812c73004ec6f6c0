//! Report sections as data: a model's module says what to show (paragraphs, tables, charts)
//! and the report draws it, so that the report never asks which model it holds. Text here is
//! plain; the front end escapes it.

use super::detail::Cell;

/// A section of the report.
#[derive(Debug, Clone, PartialEq)]
pub struct Section {
    /// Stable id, the HTML anchor (`war`).
    pub id: String,
    /// Plain-text title.
    pub title: String,
    /// What it shows, in order.
    pub blocks: Vec<Block>,
}

/// One element of a section.
#[derive(Debug, Clone, PartialEq)]
pub enum Block {
    /// A paragraph.
    Paragraph(String),
    /// A paragraph set apart: a finding.
    Finding(String),
    /// A sub-heading.
    Heading(String),
    /// A table; the columns listed in `numeric` are right-aligned.
    Table {
        /// Column headings.
        head: Vec<String>,
        /// Rows of cells.
        rows: Vec<Vec<Cell>>,
        /// Right-aligned columns.
        numeric: Vec<usize>,
    },
    /// A chart with its caption.
    Figure {
        /// The chart.
        chart: Chart,
        /// What it shows; also its label for screen readers.
        caption: String,
    },
}

/// A colour by what it means; the front end picks the shade.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tone {
    /// The main ink.
    Ink,
    /// Secondary marks.
    Grey,
    /// A good end (a ceasefire).
    Good,
    /// A bad end (a victory by force, renewed war).
    Bad,
    /// The colour of one side of a war (0 or 1).
    Side(usize),
    /// The n-th colour of the palette (one per policy).
    Series(usize),
}

/// The sampled futures of a sweep, as a model's view reads them.
#[derive(Debug, Clone, Copy)]
pub struct Futures<'a> {
    /// The output columns, as [`super::Model::outputs`] declares them.
    pub columns: &'a [String],
    /// Row-major outputs, `columns.len()` per run.
    pub outputs: &'a [f64],
}

impl Futures<'_> {
    /// The index of a column.
    pub fn index(&self, name: &str) -> Option<usize> {
        self.columns.iter().position(|c| c == name)
    }

    /// The rows, one per run.
    pub fn rows(&self) -> impl Iterator<Item = &[f64]> {
        self.outputs.chunks(self.columns.len().max(1))
    }
}

/// Policies side by side: each one's run (the baseline first) and, where the scenario has
/// uncertain numbers, each one's sampled futures (the same futures for all).
#[derive(Debug, Clone)]
pub struct Comparison<'a> {
    /// "baseline (no policy)", then the policies' ids.
    pub labels: &'a [String],
    /// Each one's run at the central values.
    pub runs: Vec<&'a crate::output::RunOutput>,
    /// Each one's futures, in the same order.
    pub futures: Option<Vec<Futures<'a>>>,
}

/// A chart.
#[derive(Debug, Clone, PartialEq)]
pub enum Chart {
    /// Lines, bands and markers over a continuous x.
    Line(LineChart),
    /// One horizontal bar per row.
    Bar(BarChart),
}

/// One line of a line chart.
#[derive(Debug, Clone, PartialEq)]
pub struct Line {
    /// Legend entry.
    pub label: String,
    /// (x, y) points.
    pub points: Vec<(f64, f64)>,
    /// Colour.
    pub tone: Tone,
    /// Stroke width; 0 draws no line.
    pub width: u32,
    /// Dashed.
    pub dashed: bool,
    /// A dot at each point.
    pub dots: bool,
}

/// A shaded band between two curves over the same x.
#[derive(Debug, Clone, PartialEq)]
pub struct Band {
    /// Legend entry.
    pub label: String,
    /// (x, low, high); segments where low > high are left out.
    pub points: Vec<(f64, f64, f64)>,
    /// Colour.
    pub tone: Tone,
}

/// A vertical marker.
#[derive(Debug, Clone, PartialEq)]
pub struct Marker {
    /// Legend entry.
    pub label: String,
    /// Where.
    pub x: f64,
    /// Colour.
    pub tone: Tone,
}

/// A line chart.
#[derive(Debug, Clone, PartialEq)]
pub struct LineChart {
    /// Axis labels.
    pub x_label: String,
    /// Axis labels.
    pub y_label: String,
    /// Axis ranges.
    pub x: (f64, f64),
    /// Axis ranges.
    pub y: (f64, f64),
    /// The lines.
    pub lines: Vec<Line>,
    /// The bands.
    pub bands: Vec<Band>,
    /// The markers.
    pub markers: Vec<Marker>,
    /// Words added to the legend after the entries of lines, bands and markers.
    pub notes: Vec<String>,
    /// Height in pixels.
    pub height: u32,
    /// Whole numbers on the x axis (rounds).
    pub integer_x: bool,
}

/// A horizontal bar chart.
#[derive(Debug, Clone, PartialEq)]
pub struct BarChart {
    /// Row labels, top to bottom.
    pub rows: Vec<String>,
    /// A value per row.
    pub values: Vec<f64>,
    /// Axis label.
    pub x_label: String,
    /// A colour per row.
    pub tones: Vec<Tone>,
    /// Values are shares, written as percentages.
    pub shares: bool,
    /// The axis's upper end at least this (1 for shares).
    pub x_max: f64,
}
