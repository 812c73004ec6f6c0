//! The report's sections (text, tables and inline SVG charts) for one run, from
//! `detente-report`, so that the page shows the same pictures as `detente report`. Each
//! section's `html` has every text from the scenario escaped and holds no script.

use detente_core::Scenario;
use detente_core::output::RunOutput;
use detente_report::{Report, ReportError, ReportOptions};

/// Sampled runs for the uncertainty charts when a request names none.
pub const DEFAULT_RUNS: u64 = detente_report::DEFAULT_RUNS;

/// The report of `run`, the run the page shows (made with `model`, `policy` and `seed`),
/// which the report reuses rather than computing it again.
pub fn build(
    scenario: &Scenario,
    model: &str,
    policy: Option<&str>,
    runs: u64,
    seed: u64,
    run: RunOutput,
) -> Result<Report, ReportError> {
    let opts = ReportOptions {
        model: Some(model.to_string()),
        policies: policy.map(str::to_string).into_iter().collect(),
        runs,
        seed,
        event: None,
    };
    detente_report::build_with(scenario, &opts, Some((policy.map(str::to_string), run)))
}
