//! The report's sections (text, tables and inline SVG charts) for one run, from
//! `detente-report`, so that the page shows the same pictures as `detente report`.

use detente_core::Scenario;
use detente_report::ReportOptions;
use serde::Serialize;

/// Sampled runs for the uncertainty charts when a request names none.
pub const DEFAULT_RUNS: u64 = detente_report::DEFAULT_RUNS;

#[derive(Debug, Serialize)]
pub struct ReportOut {
    pub title: String,
    pub sections: Vec<SectionOut>,
}

/// One section. `title` is plain text; `html` is a fragment with inline SVG in which
/// detente-report has escaped every text from the scenario, and which holds no script.
#[derive(Debug, Serialize)]
pub struct SectionOut {
    pub id: String,
    pub title: String,
    pub html: String,
}

pub fn build(
    scenario: &Scenario,
    model: &str,
    policy: Option<&str>,
    runs: u64,
    seed: u64,
) -> Result<ReportOut, String> {
    let opts = ReportOptions {
        model: Some(model.to_string()),
        policies: policy.map(str::to_string).into_iter().collect(),
        runs,
        seed,
        event: None,
    };
    let report = detente_report::build(scenario, &opts).map_err(|e| e.to_string())?;
    Ok(ReportOut {
        title: report.title,
        sections: report
            .sections
            .into_iter()
            .map(|s| SectionOut {
                id: s.id,
                title: s.title,
                html: s.html,
            })
            .collect(),
    })
}
