//! The command line's shape (clap). Parsing only; `main.rs` dispatches.

use std::path::PathBuf;

use clap::builder::PossibleValuesParser;
use clap::{Args, Parser, Subcommand, ValueEnum};

#[derive(Parser, Debug)]
#[command(
    name = "detente",
    version,
    about = "Turn a strategic argument into a model that can be run, questioned and checked.",
    long_about = None,
    after_help = "Examples:\n  detente check scenarios/ec-car-emissions.toml\n  detente run scenarios/ec-car-emissions.toml --model median\n  detente import ktab SOE-Pol-Comp.csv -o soe.toml\n\nDocs: docs/scenario-format.md, docs/output.md"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Validate a scenario (TOML, or a classic, KTAB, Decide or DEU file); exit 1 with diagnostics.
    Check(CheckArgs),
    /// Run a model on a scenario and print the outcome per issue.
    Run(RunArgs),
    /// Convert a classic, KTAB, Decide or DEU file to a TOML scenario.
    Import(ImportArgs),
    /// List the models, each with what it computes and its source.
    Models(ModelsArgs),
    /// Run a model over many sampled futures (Monte Carlo or Latin hypercube): one row per run.
    Explore(ExploreArgs),
    /// Evaluate the scenario at given input rows (CSV or Parquet): explore's columns per row.
    Eval(crate::eval_cmd::EvalArgs),
    /// Join the shard files of one exploration into one file, identical to an unsharded run.
    Merge(MergeArgs),
    /// Which uncertain inputs drive an outcome: Sobol indices or Morris elementary effects.
    Sensitivity(SensitivityArgs),
    /// What would need to be true: the inputs' region where a condition holds (PRIM).
    Discover(DiscoverArgs),
    /// Policies on the same sampled futures: outcome distributions, regret, the most robust.
    Compare(CompareArgs),
    /// List the recorded explore, sensitivity, discover and compare runs, or show one.
    Runs(RunsArgs),
    /// Score the models against real decisions (DEU-format data): errors, intervals, ranking.
    Backtest(crate::backtest_cmd::BacktestArgs),
    /// An argument's claims as contrasts of policies on common futures, with effects and
    /// intervals (the table in docs/models/war.md).
    Claims(crate::claims_cmd::ClaimsArgs),
    /// Write one self-contained HTML report (charts inline) for a scenario.
    Report(crate::report_cmd::ReportArgs),
    /// Serve the local web application (127.0.0.1 unless --host says otherwise).
    Serve(crate::serve::ServeArgs),
    /// Print the JSON Schema of the scenario format.
    #[command(hide = true)]
    Schema,
}

#[derive(Args, Debug)]
pub struct InputArgs {
    /// The scenario file.
    pub file: PathBuf,
    /// Read the file as this format instead of recognising it from its content.
    #[arg(long, value_enum)]
    pub from: Option<InputFormat>,
}

#[derive(Args, Debug)]
pub struct CheckArgs {
    #[command(flatten)]
    pub input: InputArgs,
    /// `text` draws the first 20 errors and counts the rest; `json` lists every diagnostic
    /// with its line and column, on standard output.
    #[arg(long, value_enum, default_value_t = CheckFormat::Text)]
    pub format: CheckFormat,
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum CheckFormat {
    Text,
    Json,
}

#[derive(Args, Debug)]
pub struct RunArgs {
    #[command(flatten)]
    pub input: InputArgs,
    /// The model to run. Default: `war` for a scenario with a [war] section, else `compromise`.
    #[arg(long, short, value_parser = PossibleValuesParser::new(detente_core::model::names()))]
    pub model: Option<String>,
    /// Apply this policy of the scenario before running.
    #[arg(long)]
    pub policy: Option<String>,
    /// Seed for stochastic models (recorded in the output).
    #[arg(long, default_value_t = 0)]
    pub seed: u64,
    /// Output format: a table for people, JSON or CSV for programs.
    #[arg(long, value_enum, default_value_t = OutputFormat::Table)]
    pub format: OutputFormat,
    /// With the table format: add the round-by-round detail of a dynamic model.
    #[arg(long)]
    pub trace: bool,
    #[command(flatten)]
    pub out: OutArgs,
}

#[derive(Args, Debug)]
pub struct OutArgs {
    /// Write to this file instead of standard output. An existing file is never replaced
    /// unless --force is given.
    #[arg(long, short)]
    pub output: Option<PathBuf>,
    /// Replace an existing output file.
    #[arg(long)]
    pub force: bool,
}

/// What every sweep shares: the scenario, the model, the sampling.
#[derive(Args, Debug)]
pub struct SweepArgs {
    #[command(flatten)]
    pub input: InputArgs,
    /// The model. Default: `war` for a scenario with a [war] section, else `compromise`.
    #[arg(long, short, value_parser = PossibleValuesParser::new(detente_core::model::names()))]
    pub model: Option<String>,
    /// Master seed: each run's numbers and model seed derive from it and the run's index.
    #[arg(long, default_value_t = 0)]
    pub seed: u64,
    /// Worker threads (default: all cores). Results do not depend on it.
    #[arg(long)]
    pub threads: Option<usize>,
    /// Do not record this run in the run records (as DETENTE_RECORD=off does).
    #[arg(long)]
    pub no_record: bool,
}

#[derive(Args, Debug)]
pub struct ExploreArgs {
    #[command(flatten)]
    pub sweep: SweepArgs,
    /// Number of runs (futures).
    #[arg(long)]
    pub runs: u64,
    /// Apply this policy of the scenario before sampling.
    #[arg(long)]
    pub policy: Option<String>,
    /// Sampling design: Monte Carlo or Latin hypercube.
    #[arg(long, value_enum, default_value_t = DesignArg::Mc)]
    pub design: DesignArg,
    /// Compute only the K-th of N equal slices of the runs (e.g. 3/10), for a cluster job
    /// array; join the files with `detente merge`.
    #[arg(long, value_name = "K/N")]
    pub shard: Option<String>,
    /// Summary format on standard output.
    #[arg(long, value_enum, default_value_t = OutputFormat::Table)]
    pub format: OutputFormat,
    #[command(flatten)]
    pub out: OutArgs,
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum DesignArg {
    /// Monte Carlo: independent draws.
    Mc,
    /// Latin hypercube: every stratum of every input used once.
    Lhs,
}

#[derive(Args, Debug)]
pub struct MergeArgs {
    /// The shard files (CSV or Parquet), in any order.
    #[arg(required = true, num_args = 1..)]
    pub files: Vec<PathBuf>,
    #[command(flatten)]
    pub out: OutArgs,
}

#[derive(Args, Debug)]
pub struct SensitivityArgs {
    #[command(flatten)]
    pub sweep: SweepArgs,
    /// Apply this policy of the scenario first.
    #[arg(long)]
    pub policy: Option<String>,
    /// Sobol indices (Saltelli sampling, Jansen estimators) or Morris elementary effects.
    #[arg(long, value_enum, default_value_t = MethodArg::Sobol)]
    pub method: MethodArg,
    /// Base samples N (Sobol: N (k + 2) model runs for k inputs) or trajectories (Morris:
    /// N (k + 1) runs).
    #[arg(long, default_value_t = 1024)]
    pub samples: usize,
    /// The outputs to analyse (repeatable); default: every output that varies.
    #[arg(long = "output", value_name = "NAME")]
    pub outputs: Vec<String>,
    /// Bootstrap resamples for the confidence intervals.
    #[arg(long, default_value_t = 500)]
    pub bootstrap: usize,
    /// Morris grid levels (even).
    #[arg(long, default_value_t = 4)]
    pub levels: usize,
    #[arg(long, value_enum, default_value_t = OutputFormat::Table)]
    pub format: OutputFormat,
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum MethodArg {
    Sobol,
    Morris,
}

#[derive(Args, Debug)]
pub struct DiscoverArgs {
    #[command(flatten)]
    pub sweep: SweepArgs,
    /// The condition of interest over any input or output column, e.g.
    /// "ceasefire_month <= 12 and russia.position.territory < 90".
    #[arg(long = "where", value_name = "EXPR")]
    pub condition: String,
    /// Number of runs to sample (ignored with --from).
    #[arg(long, default_value_t = 10_000)]
    pub runs: u64,
    /// Apply this policy of the scenario before sampling.
    #[arg(long)]
    pub policy: Option<String>,
    #[arg(long, value_enum, default_value_t = DesignArg::Lhs)]
    pub design: DesignArg,
    /// Use the runs of an `explore` results file instead of sampling anew.
    #[arg(long, value_name = "RESULTS")]
    pub from_results: Option<PathBuf>,
    /// Share of the box peeled per step (Friedman & Fisher's alpha).
    #[arg(long, default_value_t = 0.05)]
    pub alpha: f64,
    /// Smallest share of the runs a box may hold.
    #[arg(long, default_value_t = 0.05)]
    pub min_mass: f64,
    /// Boxes to find (covering: each next box among the runs outside the earlier ones).
    #[arg(long, default_value_t = 1)]
    pub boxes: usize,
    #[arg(long, value_enum, default_value_t = OutputFormat::Table)]
    pub format: OutputFormat,
}

#[derive(Args, Debug)]
pub struct CompareArgs {
    #[command(flatten)]
    pub sweep: SweepArgs,
    /// A policy to compare (repeat for each); the scenario without any policy is always
    /// included as `none`.
    #[arg(long = "policy", value_name = "POLICY", required = true)]
    pub policies: Vec<String>,
    #[arg(long, default_value_t = 1000)]
    pub runs: u64,
    #[arg(long, value_enum, default_value_t = DesignArg::Lhs)]
    pub design: DesignArg,
    /// The output the regret is measured on. Default with a war: `ceasefire_<unit>`,
    /// minimised, with no ceasefire counted as the horizon + 1.
    #[arg(long)]
    pub objective: Option<String>,
    /// Whether more of the objective is better (default: less is better).
    #[arg(long)]
    pub maximize: bool,
    #[arg(long, value_enum, default_value_t = OutputFormat::Table)]
    pub format: OutputFormat,
}

#[derive(Args, Debug)]
pub struct RunsArgs {
    #[command(subcommand)]
    pub command: Option<RunsCommand>,
    /// How many of the latest runs to list.
    #[arg(long, default_value_t = 20)]
    pub limit: usize,
}

#[derive(Subcommand, Debug)]
pub enum RunsCommand {
    /// Show one recorded run in full, with the command that re-runs it.
    Show {
        /// The run's id, from `detente runs`.
        id: i64,
    },
}

#[derive(Args, Debug)]
pub struct ImportArgs {
    /// The format of FILE.
    #[arg(value_enum)]
    pub format: ImportFormat,
    /// The file to convert.
    pub file: PathBuf,
    /// Convert only this issue (DEU files hold one scenario per issue).
    #[arg(long)]
    pub issue: Option<String>,
    /// The TOML file to write (for a DEU file with several issues: a directory, one file per
    /// issue). Without it the scenario is printed.
    #[arg(long, short)]
    pub output: Option<PathBuf>,
    /// Replace existing output files.
    #[arg(long)]
    pub force: bool,
}

#[derive(Args, Debug)]
pub struct ModelsArgs {
    #[arg(long, value_enum, default_value_t = OutputFormat::Table)]
    pub format: OutputFormat,
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum OutputFormat {
    Table,
    Json,
    Csv,
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum ImportFormat {
    Classic,
    Ktab,
    Decide,
    Deu,
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum InputFormat {
    Toml,
    Classic,
    Ktab,
    Decide,
    Deu,
}

impl From<ImportFormat> for detente_core::import::Format {
    fn from(f: ImportFormat) -> Self {
        use detente_core::import::Format;
        match f {
            ImportFormat::Classic => Format::Classic,
            ImportFormat::Ktab => Format::Ktab,
            ImportFormat::Decide => Format::Decide,
            ImportFormat::Deu => Format::Deu,
        }
    }
}

impl From<InputFormat> for detente_core::import::Format {
    fn from(f: InputFormat) -> Self {
        use detente_core::import::Format;
        match f {
            InputFormat::Toml => Format::Toml,
            InputFormat::Classic => Format::Classic,
            InputFormat::Ktab => Format::Ktab,
            InputFormat::Decide => Format::Decide,
            InputFormat::Deu => Format::Deu,
        }
    }
}
