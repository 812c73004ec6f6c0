//! `detente`: parse the command line, dispatch, map failures to exit codes.
//!
//! Exit codes: 0 success; 1 invalid input, a model that refuses, or an I/O failure;
//! 2 a usage error (clap's own).

// The workspace warns on printing, for the libraries; the binary is where the terminal is.
#![allow(clippy::print_stdout, clippy::print_stderr)]

mod backtest_cmd;
mod backtest_wars_cmd;
mod check_cmd;
mod claims_cmd;
mod cli;
mod compare_cmd;
mod diagnostics;
mod discover_cmd;
mod eval_cmd;
mod explore_cmd;
mod format;
mod input;
mod merge_cmd;
mod report_cmd;
mod runs_cmd;
mod sensitivity_cmd;
mod serve;
mod sweep;
mod text;
mod write;

use std::io::Write;
use std::process::ExitCode;

use clap::Parser;
use detente_core::import::Format;
use detente_core::model::{self, RunOptions};
use detente_core::output::{RunError, RunOutput, run};

use cli::{Cli, Command, OutputFormat};

/// A failure: what went wrong and what to do. `reported` failures have already printed their
/// diagnostics.
#[derive(Debug)]
pub struct Fail {
    message: String,
    help: Option<String>,
    reported: bool,
}

impl Fail {
    /// A failure still to be shown: `message`, then `help` when there is one.
    pub fn new(message: impl Into<String>, help: Option<&str>) -> Self {
        Fail {
            message: message.into(),
            help: help.map(str::to_string),
            reported: false,
        }
    }

    /// A failure whose diagnostics are already printed: only `error: message` follows them.
    pub fn reported(message: impl Into<String>) -> Self {
        Fail {
            message: message.into(),
            help: None,
            reported: true,
        }
    }
}

// The store's errors become failures here, once: a results file's message says what to do
// itself; a record's help comes from the error.
impl From<detente_store::ResultsError> for Fail {
    fn from(e: detente_store::ResultsError) -> Self {
        Fail::new(e.to_string(), None)
    }
}

impl From<detente_store::RecordsError> for Fail {
    fn from(e: detente_store::RecordsError) -> Self {
        Fail::new(e.to_string(), Some(&e.help()))
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Check(a) => check_cmd::check(a),
        Command::Run(a) => run_cmd(a),
        Command::Import(a) => import_cmd(a),
        Command::Models(a) => models(a),
        Command::Explore(a) => explore_cmd::explore(a),
        Command::Eval(a) => eval_cmd::eval(a),
        Command::Merge(a) => merge_cmd::merge(a),
        Command::Sensitivity(a) => sensitivity_cmd::sensitivity(a),
        Command::Discover(a) => discover_cmd::discover(a),
        Command::Compare(a) => compare_cmd::compare(a),
        Command::Runs(a) => runs_cmd::runs(a),
        Command::Backtest(a) => backtest_cmd::backtest(a),
        Command::Claims(a) => claims_cmd::claims(a),
        Command::Report(a) => report_cmd::report(a),
        Command::Serve(a) => serve::serve(a),
        Command::Schema => write::write(
            &write::Target::Stdout,
            detente_core::json_schema().as_bytes(),
        ),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(f) => {
            let mut err = std::io::stderr().lock();
            if f.reported {
                let _ = writeln!(err, "error: {}", text::clean(&f.message));
            } else {
                let _ = write!(
                    err,
                    "{}",
                    diagnostics::render_plain(&f.message, f.help.as_deref())
                );
            }
            ExitCode::from(1)
        }
    }
}

/// A run's error as the command line says it; model refusals name the input.
pub fn run_fail(input: &str, e: RunError) -> Fail {
    let help = e.help();
    match e {
        RunError::UnknownPolicy(_) => Fail::new(e.to_string(), help.as_deref()),
        RunError::Model(_) | RunError::Stopped(_) => {
            Fail::new(format!("{input}: {e}"), help.as_deref())
        }
    }
}

fn run_cmd(a: cli::RunArgs) -> Result<(), Fail> {
    let target = write::target(a.out.output.as_deref(), a.out.force, &[&a.input.file])?;
    let input = input::load(&a.input.file, a.input.from.map(Into::into))?;
    let first = &input.imported.items[0].scenario;
    let model = model::choose(first, a.model.as_deref())
        .map_err(|e| Fail::new(e.to_string(), Some(&e.help())))?;
    let opts = RunOptions { seed: a.seed };
    let mut runs: Vec<RunOutput> = Vec::new();
    for item in &input.imported.items {
        let r = run(&item.scenario, &item.key, model, a.policy.as_deref(), &opts)
            .map_err(|e| run_fail(&input.name, e))?;
        runs.push(r);
    }
    let info = model.info();
    let text = match (a.format, runs.as_slice()) {
        (OutputFormat::Table, [one]) => {
            let s = &input.imported.items[0].scenario;
            let labels: Vec<_> = s
                .issues
                .iter()
                .map(|i| (i.id.clone(), i.low.clone(), i.high.clone()))
                .collect();
            let mut text = format::run_table(one, info, &labels);
            if a.trace {
                text.push_str(&format::trace(one));
            }
            text
        }
        (OutputFormat::Table, many) => format::runs_table(many, info),
        (OutputFormat::Json, [one]) => format::json(one),
        (OutputFormat::Json, many) => format::json(many),
        (OutputFormat::Csv, runs) => format::runs_csv(runs),
    };
    match a.format {
        OutputFormat::Table => text::print(&target, &text),
        _ => write::write(&target, text.as_bytes()),
    }
}

fn import_cmd(a: cli::ImportArgs) -> Result<(), Fail> {
    let format: Format = a.format.into();
    let input = input::load(&a.file, Some(format))?;
    let mut items = input.imported.items.clone();
    if let Some(issue) = &a.issue {
        items.retain(|i| &i.key == issue || i.scenario.issues.iter().any(|x| &x.id == issue));
        if items.is_empty() {
            let keys: Vec<&str> = input
                .imported
                .items
                .iter()
                .map(|i| i.key.as_str())
                .collect();
            let help = detente_core::diag::did_you_mean(issue, &keys, "issue");
            return Err(Fail::new(
                format!("{} has no issue `{issue}`", input.name),
                Some(&help),
            ));
        }
    }
    let file_name = a
        .file
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let render = |item: &detente_core::import::Item| -> Result<String, Fail> {
        let mut header = vec![format!(
            "Converted by detente {} from {file_name} ({} format).",
            env!("CARGO_PKG_VERSION"),
            format.name()
        )];
        header.extend(input.imported.header.iter().cloned());
        let limit = detente_core::MAX_INPUT_BYTES as usize;
        let Some(toml) = detente_core::emit::to_toml_within(&item.scenario, &header, limit) else {
            return Err(Fail::new(
                format!(
                    "the converted scenario `{}` would be more than 16 MiB of TOML, more than detente reads back",
                    item.key
                ),
                Some(
                    "run or check the table itself (`detente run FILE` reads it as it is), or split it into smaller tables",
                ),
            ));
        };
        // The converted file must read back to the same scenario.
        match detente_core::parse_toml(&toml) {
            Ok(back) if back == item.scenario => Ok(toml),
            _ => Err(Fail::new(
                format!(
                    "internal error: the converted scenario `{}` does not read back the same",
                    item.key
                ),
                Some("please report this with the input file"),
            )),
        }
    };
    match (&a.output, items.as_slice()) {
        (None, [one]) => write::write(&write::Target::Stdout, render(one)?.as_bytes()),
        (None, _) => Err(Fail::new(
            format!(
                "{} holds {} scenarios (one per issue)",
                input.name,
                items.len()
            ),
            Some(
                "give a directory with -o DIR to write one file per issue, or pick one with --issue ID",
            ),
        )),
        (Some(path), [one]) if !path.is_dir() => {
            write::check_path(path, a.force, &[&a.file])?;
            write::write_file(path, a.force, render(one)?.as_bytes())
        }
        (Some(dir), many) => {
            if dir.exists() && !dir.is_dir() {
                return Err(Fail::new(
                    format!("{} exists and is not a directory", dir.display()),
                    Some(
                        "several scenarios need a directory: give a new or existing directory with -o",
                    ),
                ));
            }
            // Render every file and check every target before writing any.
            let files: Vec<(&str, std::path::PathBuf, String)> = many
                .iter()
                .map(|item| {
                    let path = dir.join(format!("{}.toml", item.key));
                    Ok((item.key.as_str(), path, render(item)?))
                })
                .collect::<Result<_, Fail>>()?;
            check_import_targets(&files, dir, a.force, &a.file)?;
            let created = !dir.exists();
            if created {
                std::fs::create_dir_all(dir).map_err(|e| {
                    Fail::new(format!("cannot create {}: {e}", dir.display()), None)
                })?;
            }
            write_import_files(&files, dir, a.force)
        }
    }
}

/// Refuses, before anything is written, two scenarios that would share a file and, without
/// `--force`, every target that exists (all of them named at once).
fn check_import_targets(
    files: &[(&str, std::path::PathBuf, String)],
    dir: &std::path::Path,
    force: bool,
    input: &std::path::Path,
) -> Result<(), Fail> {
    let mut seen = std::collections::BTreeMap::new();
    for (key, path, _) in files {
        if let Some(first) = seen.insert(path, key) {
            return Err(Fail::new(
                format!(
                    "the scenarios `{first}` and `{key}` would both be written to {}",
                    path.display()
                ),
                Some("give every issue its own id"),
            ));
        }
    }
    if !dir.is_dir() {
        return Ok(());
    }
    let existing: Vec<String> = files
        .iter()
        .filter(|(_, p, _)| p.exists())
        .map(|(_, p, _)| p.display().to_string())
        .collect();
    if !force && !existing.is_empty() {
        let shown: Vec<&str> = existing.iter().take(5).map(String::as_str).collect();
        let more = existing.len() - shown.len();
        return Err(Fail::new(
            format!(
                "{} of the {} files to write already exist: {}{}",
                existing.len(),
                files.len(),
                shown.join(", "),
                if more > 0 {
                    format!(" and {more} more")
                } else {
                    String::new()
                }
            ),
            Some("choose another directory, or pass --force to replace them; nothing was written"),
        ));
    }
    for (_, path, _) in files {
        write::check_path(path, force, &[input])?;
    }
    Ok(())
}

/// Writes every file to a temporary beside it first, then renames them all into place, so a
/// full disk or a refused write leaves the directory as it was; says exactly what was written.
fn write_import_files(
    files: &[(&str, std::path::PathBuf, String)],
    dir: &std::path::Path,
    force: bool,
) -> Result<(), Fail> {
    let mut temps = Vec::with_capacity(files.len());
    for (_, path, text) in files {
        let tmp = write::temp_beside(path)?;
        let mut file = tmp.as_file();
        file.write_all(text.as_bytes())
            .and_then(|_| file.sync_all())
            .map_err(|e| {
                Fail::new(
                    format!("cannot write {}: {e}; nothing was written", path.display()),
                    Some("check the disk space and the directory's permissions"),
                )
            })?;
        temps.push(tmp);
    }
    let (mut new, mut replaced) = (0usize, 0usize);
    for (i, ((_, path, _), tmp)) in files.iter().zip(temps).enumerate() {
        let existed = path.exists();
        if let Err(f) = write::persist(tmp, path, force) {
            let done = if i == 0 {
                "nothing was written".to_string()
            } else {
                format!(
                    "the {i} file(s) before it were written ({}{})",
                    files[0].1.display(),
                    if i > 1 {
                        format!(" to {}", files[i - 1].1.display())
                    } else {
                        String::new()
                    }
                )
            };
            return Err(Fail::new(
                format!("{}; {done}", f.message),
                f.help.as_deref(),
            ));
        }
        if existed {
            replaced += 1;
        } else {
            new += 1;
        }
    }
    let mut err = std::io::stderr().lock();
    let _ = writeln!(
        err,
        "wrote {} scenario file(s) to {}: {new} new, {replaced} replaced",
        files.len(),
        dir.display()
    );
    Ok(())
}

fn models(a: cli::ModelsArgs) -> Result<(), Fail> {
    let infos: Vec<&model::ModelInfo> = model::all().iter().map(|m| m.info()).collect();
    let text = match a.format {
        OutputFormat::Table => format::models_table(&infos),
        OutputFormat::Json => format::json(&infos),
        OutputFormat::Csv => format::models_csv(&infos),
    };
    write::write(&write::Target::Stdout, text.as_bytes())
}
