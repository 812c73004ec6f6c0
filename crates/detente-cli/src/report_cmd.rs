//! `detente report`: one self-contained HTML page for a scenario (`docs/report.md`).

use std::path::PathBuf;

use clap::Args;
use clap::builder::PossibleValuesParser;
use detente_report::{ReportError, ReportOptions};

use crate::cli::InputArgs;
use crate::{Fail, input, write};

#[derive(Args, Debug)]
pub struct ReportArgs {
    #[command(flatten)]
    pub input: InputArgs,
    /// Only this model. Default: every model that runs on the scenario; the policies and the
    /// uncertainty use `war` for a scenario with a [war] section, else `compromise`.
    #[arg(long, short, value_parser = PossibleValuesParser::new(detente_core::model::names()))]
    pub model: Option<String>,
    /// A policy of the scenario to show beside the baseline (repeat for each).
    #[arg(long = "policy", value_name = "POLICY")]
    pub policies: Vec<String>,
    /// Sampled futures for the uncertainty sections (scenarios with uncertain numbers).
    #[arg(long, default_value_t = detente_report::DEFAULT_RUNS)]
    pub runs: u64,
    /// Master seed: the models' randomness and the sampled futures derive from it.
    #[arg(long, default_value_t = 0)]
    pub seed: u64,
    /// The condition scenario discovery explains, e.g. "ceasefire_month <= 6". Default: a
    /// ceasefire within 12 time units (war), else an outcome above the central forecast.
    #[arg(long = "where", value_name = "EXPR")]
    pub condition: Option<String>,
    /// The HTML file to write.
    #[arg(long, short)]
    pub output: PathBuf,
    /// Replace an existing output file.
    #[arg(long)]
    pub force: bool,
}

pub fn report(a: ReportArgs) -> Result<(), Fail> {
    // The output is checked before any work, so a mistake there costs nothing.
    let target = write::target(Some(&a.output), a.force, &[&a.input.file])?;
    let one = input::load_one(
        &a.input.file,
        a.input.from.map(Into::into),
        "a report covers one",
    )?;
    let opts = ReportOptions {
        model: a.model.clone(),
        policies: a.policies.clone(),
        runs: a.runs,
        seed: a.seed,
        event: a.condition.clone(),
    };
    let mut report = detente_report::build(&one.scenario, &opts).map_err(|e| fail(&a, e))?;
    if one.scenario.meta.name.is_none() {
        report.title = one.key;
    }
    write::write(&target, report.to_html().as_bytes())
}

fn fail(a: &ReportArgs, e: ReportError) -> Fail {
    if let (Some("where"), Some(span), Some(cond)) = (e.field.as_deref(), &e.span, &a.condition) {
        // Shown at its place in the condition, as `discover` does.
        let mut d = detente_core::Diagnostic::error(e.message.clone()).at(span.clone());
        d.help = e.help.clone();
        let mut err = std::io::stderr().lock();
        let _ = std::io::Write::write_all(
            &mut err,
            crate::diagnostics::render("--where", cond, std::slice::from_ref(&d)).as_bytes(),
        );
        return Fail::reported("the --where condition is not valid");
    }
    let message = match e.field.as_deref() {
        Some(f @ ("model" | "policy" | "runs")) => format!("--{f}: {}", e.message),
        _ => e.message.clone(),
    };
    Fail::new(message, e.help.as_deref())
}
