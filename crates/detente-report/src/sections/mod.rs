//! The report's sections, each a fragment of HTML with its charts: a file per section, the
//! helpers they share here.

use detente_core::output::{RoundOutput, RunOutput};
use detente_core::{Issue, Param};
use detente_explore::summary::QUANTILES;

use crate::Section;
use crate::analysis::{self, Computed, Context, Exploration, SWING};
use crate::charts::{self, BarChart, DotChart, Key, KeyKind, Line, LineChart, Mark, Marker};
use crate::html::{code, escape, figure, h3, note, num, opt, p, pct, sig, table};

fn section(id: &str, title: &str, html: String) -> Section {
    Section {
        id: id.into(),
        title: title.into(),
        html,
    }
}

fn scale_label(i: &Issue) -> String {
    match (&i.low, &i.high) {
        (Some(lo), Some(hi)) => format!(
            "{}: {} = {}, {} = {}",
            i.id,
            num(i.scale.lo),
            lo,
            num(i.scale.hi),
            hi
        ),
        _ => format!("{} ({}..{})", i.id, num(i.scale.lo), num(i.scale.hi)),
    }
}

fn param(x: &Param) -> String {
    match x.dist() {
        Some(d) => format!(
            "{} <span class=\"muted\">({})</span>",
            num(x.value()),
            escape(&d.to_string())
        ),
        None => num(x.value()),
    }
}

pub fn count(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

fn model_names(ctx: &Context) -> Vec<&'static str> {
    ctx.runs.iter().map(|r| r.model.info().name).collect()
}

/// Dashed lines at the issue's status quo and observed outcome, where it has them.
fn reference_markers(issue: &Issue) -> Vec<Marker> {
    let sq = issue.status_quo.map(|sq| Marker {
        label: format!("status quo {}", num(sq.value())),
        x: sq.value(),
        color: charts::GREY,
    });
    let observed = issue.observed.map(|o| Marker {
        label: format!("observed {}", num(o)),
        x: o,
        color: charts::GOOD,
    });
    sq.into_iter().chain(observed).collect()
}

mod discovery;
mod distributions;
mod forecasts;
mod method;
mod overview;
mod policies;
mod scenario;
mod sensitivity;

pub use forecasts::{forecasts, trajectories};
pub use method::method;
pub use overview::overview;
pub use policies::policies;
pub use scenario::scenario;

// ---------------------------------------------------------------------------------------------

pub fn uncertainty(c: &Computed) -> Vec<Section> {
    let Some(ex) = &c.ex else { return Vec::new() };
    vec![
        distributions::distributions(c, ex),
        sensitivity::sensitivity(c),
        discovery::discovery(c),
    ]
}
