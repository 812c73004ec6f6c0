//! `detente eval`: the scenario evaluated at input rows someone else sampled, written with
//! `explore`'s columns.

use std::collections::BTreeMap;
use std::io::{IsTerminal, Read as _};
use std::path::{Path, PathBuf};

use clap::{Args, ValueEnum};
use detente_core::model;
use detente_explore::eval::{
    self, EvalError, Evaluated, Inputs, POLICY_COLUMN, Problem, RUN_COLUMN, SEED_COLUMN,
};
use detente_store::records::content_hash;
use detente_store::results::{Format, Kind, Meta, ResultsWriter};
use detente_store::table::{self, Data, Table};

use crate::cli::InputArgs;
use crate::diagnostics::{SHOWN, render_plain, thousands};
use crate::sweep::pool;
use crate::{Fail, input, write};

#[derive(Args, Debug)]
pub struct EvalArgs {
    #[command(flatten)]
    pub input: InputArgs,
    /// The input rows: a CSV or Parquet file (by its extension, else its content), or `-` for
    /// CSV on standard input. One column per uncertain number, named as `explore` names its
    /// input columns, and optional `run`, `seed` and `policy` columns.
    #[arg(long, value_name = "ROWS")]
    pub inputs: PathBuf,
    /// The model. Default: `war` for a scenario with a [war] section, else `compromise`.
    #[arg(long, short, value_parser = clap::builder::PossibleValuesParser::new(model::names()))]
    pub model: Option<String>,
    /// Master seed: a row without a `seed` gets the seed `explore --seed` gives its run.
    #[arg(long, default_value_t = 0)]
    pub seed: u64,
    /// Worker threads (default: all cores). Results do not depend on it.
    #[arg(long)]
    pub threads: Option<usize>,
    /// Output format. Default: from the extension of -o, else CSV.
    #[arg(long, value_enum)]
    pub format: Option<EvalFormat>,
    /// Write to this file instead of standard output. An existing file is never replaced
    /// unless --force is given.
    #[arg(long, short)]
    pub output: Option<PathBuf>,
    /// Replace an existing output file.
    #[arg(long)]
    pub force: bool,
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum EvalFormat {
    Csv,
    Parquet,
}

impl From<EvalFormat> for Format {
    fn from(f: EvalFormat) -> Format {
        match f {
            EvalFormat::Csv => Format::Csv,
            EvalFormat::Parquet => Format::Parquet,
        }
    }
}

/// Where the rows come from, for messages.
struct Source {
    /// How messages name it.
    name: String,
    /// CSV (rows have lines) or Parquet.
    csv: bool,
}

/// One problem to show: where, what, what to do.
struct Shown {
    row: Option<usize>,
    column: Option<String>,
    message: String,
    help: String,
}

impl Source {
    /// `rows.csv, line 4` / `rows.parquet, row 3` / `rows.csv, line 1 (the header)`.
    fn at(&self, table: &Table, row: Option<usize>) -> String {
        match (row, self.csv) {
            (None, true) => format!("{}, line 1 (the header)", self.name),
            (None, false) => self.name.clone(),
            (Some(r), true) => format!(
                "{}, line {}",
                self.name,
                table.lines.get(r).copied().unwrap_or(r as u64 + 2)
            ),
            (Some(r), false) => format!("{}, row {}", self.name, r + 1),
        }
    }
}

pub fn eval(a: EvalArgs) -> Result<(), Fail> {
    let stdin = a.inputs.as_os_str() == "-";
    // The output is checked, and its temporary file created, before any work.
    let format: Format = match (a.format, &a.output) {
        (Some(f), Some(p)) => {
            let f = Format::from(f);
            if let Ok(by_name) = Format::from_path(p)
                && by_name != f
            {
                return Err(Fail::new(
                    format!(
                        "--format {} but {} names a {} file",
                        f.name().to_lowercase(),
                        p.display(),
                        by_name.name()
                    ),
                    Some("give -o a name ending in the format's extension, or leave --format out"),
                ));
            }
            f
        }
        (Some(f), None) => f.into(),
        (None, Some(p)) => Format::from_path(p)?,
        (None, None) => Format::Csv,
    };
    if a.output.is_none() && format == Format::Parquet && std::io::stdout().is_terminal() {
        return Err(Fail::new(
            "Parquet is binary and standard output is a terminal",
            Some("write it to a file with -o rows.parquet, or pipe it"),
        ));
    }
    let mut guarded: Vec<&Path> = vec![&a.input.file];
    if !stdin {
        guarded.push(&a.inputs);
    }
    let out = match &a.output {
        Some(p) => {
            write::check_path(p, a.force, &guarded)?;
            Some((p.clone(), write::temp_beside(p)?))
        }
        None => None,
    };
    let pool = pool(a.threads)?;

    let one = input::load_one(
        &a.input.file,
        a.input.from.map(Into::into),
        "eval evaluates one",
    )?;
    let scenario = &one.scenario;
    let model = model::choose(scenario, a.model.as_deref())
        .map_err(|e| Fail::new(e.to_string(), Some(&e.help())))?;

    let (source, table) = read_rows(&a.inputs)?;
    let (inputs, mut shown) = to_inputs(&table);
    let evaluated = pool.install(|| eval::evaluate(scenario, model, &inputs, a.seed));
    let evaluated = match evaluated {
        Ok(e) if shown.is_empty() => e,
        result => {
            // Cells already reported as not numbers are not reported again as empty.
            let reported: Vec<(Option<usize>, Option<String>)> =
                shown.iter().map(|s| (s.row, s.column.clone())).collect();
            for e in result.err().unwrap_or_default() {
                if e.problem == Problem::NoValue && reported.contains(&(e.row, e.column.clone())) {
                    continue;
                }
                shown.push(from_eval(&e));
            }
            shown.sort_by_key(|s| s.row);
            return Err(report(&source, &table, &shown));
        }
    };

    let policies: Vec<&str> = {
        let mut p: Vec<&str> = inputs
            .policies
            .iter()
            .flatten()
            .map(|p| p.as_deref().unwrap_or_default().trim())
            .collect();
        p.sort_unstable();
        p.dedup();
        p
    };
    let meta = Meta {
        scenario_hash: content_hash(one.text.as_bytes()),
        seed: a.seed,
        runs: evaluated.runs.last().map_or(0, |r| r + 1),
        design: "eval".to_string(),
        model: model.info().name.to_string(),
        policy: match policies.as_slice() {
            [] => String::new(),
            [one] => one.to_string(),
            _ => "(per row)".to_string(),
        },
    };
    match out {
        Some((path, tmp)) => {
            write_rows(tmp.path(), format, &evaluated, &meta)?;
            write::persist(tmp, &path, a.force)?;
            Ok(())
        }
        None => {
            // Through a temporary file of the signal handler's, as the writer writes files.
            let tmp = write::temp_beside(&std::env::temp_dir().join("detente-eval-output"))?;
            write_rows(tmp.path(), format, &evaluated, &meta)?;
            let bytes = std::fs::read(tmp.path())
                .map_err(|e| Fail::new(format!("cannot read a temporary file: {e}"), None))?;
            write::write(&write::Target::Stdout, &bytes)
        }
    }
}

/// Writes the rows through the results writer `explore` uses: the same columns, kinds and
/// number formats.
fn write_rows(path: &Path, format: Format, e: &Evaluated, meta: &Meta) -> Result<(), Fail> {
    let kinds: Vec<Kind> = e
        .flags
        .iter()
        .map(|&f| if f { Kind::Flag } else { Kind::Number })
        .collect();
    let mut w = ResultsWriter::create_typed(path, format, &e.columns, &kinds, meta)?;
    for (i, &run) in e.runs.iter().enumerate() {
        w.write_row(run, e.row(i))?;
    }
    w.finish()?;
    Ok(())
}

/// Reads the rows: `-` is CSV on standard input; a file is Parquet by its extension or its
/// first bytes (`PAR1`), else CSV.
fn read_rows(path: &Path) -> Result<(Source, Table), Fail> {
    let texts = [RUN_COLUMN, SEED_COLUMN, POLICY_COLUMN];
    if path.as_os_str() == "-" {
        let name = "standard input".to_string();
        let mut bytes = Vec::new();
        std::io::stdin()
            .lock()
            .read_to_end(&mut bytes)
            .map_err(|e| Fail::new(format!("cannot read standard input: {e}"), None))?;
        let table = table::read_csv(bytes.as_slice(), Path::new(&name), &texts)?;
        return Ok((Source { name, csv: true }, table));
    }
    let name = path.display().to_string();
    let cannot = |e: std::io::Error| {
        Fail::new(
            format!("cannot read {name}: {e}"),
            Some("--inputs takes a CSV or Parquet file of input rows, or - for standard input"),
        )
    };
    if path.is_dir() {
        return Err(Fail::new(
            format!("{name} is a directory, not a file"),
            Some("give --inputs a CSV or Parquet file"),
        ));
    }
    let parquet = match Format::from_path(path) {
        Ok(f) => f == Format::Parquet,
        Err(_) => {
            let mut head = [0u8; 4];
            let mut f = std::fs::File::open(path).map_err(cannot)?;
            let got = f.read(&mut head).map_err(cannot)?;
            got == 4 && &head == b"PAR1"
        }
    };
    let table = if parquet {
        table::read_parquet(path)?
    } else {
        let f = std::fs::File::open(path).map_err(cannot)?;
        table::read_csv(std::io::BufReader::new(f), path, &texts)?
    };
    Ok((
        Source {
            name,
            csv: !parquet,
        },
        table,
    ))
}

/// The table as the library's `Inputs`, with the problems of reading its cells.
fn to_inputs(table: &Table) -> (Inputs, Vec<Shown>) {
    let mut shown = Vec::new();
    let mut inputs = Inputs::default();
    let mut seen_special: Vec<&str> = Vec::new();
    for c in &table.columns {
        let name = c.name.as_str();
        let special = [RUN_COLUMN, SEED_COLUMN, POLICY_COLUMN].contains(&name);
        if special && seen_special.contains(&name) {
            shown.push(from_eval(&EvalError::column(
                name,
                Problem::DuplicateColumn,
            )));
            continue;
        }
        if special {
            seen_special.push(name);
        }
        let bad = |shown: &mut Vec<Shown>, row: usize, problem: Problem| {
            shown.push(from_eval(&EvalError::at(row, name, problem)));
        };
        match name {
            RUN_COLUMN => {
                let mut runs = Vec::with_capacity(table.rows);
                for i in 0..table.rows {
                    let r = match &c.data {
                        Data::Texts(v) => eval::run_from_text(v[i].as_deref().unwrap_or_default()),
                        Data::Integers(v) => v[i]
                            .and_then(|x| u64::try_from(x).ok())
                            .ok_or_else(|| bad_run(v[i].map(|x| x.to_string()))),
                        Data::Numbers(v) => eval::run_from_f64(v[i]),
                        Data::Booleans(_) => Err(bad_run(Some("a boolean".into()))),
                    };
                    match r {
                        Ok(r) => runs.push(r),
                        Err(p) => {
                            bad(&mut shown, i, p);
                            runs.push(runs.last().map_or(0, |l: &u64| l + 1));
                        }
                    }
                }
                inputs.runs = Some(runs);
            }
            SEED_COLUMN => {
                let mut seeds = Vec::with_capacity(table.rows);
                for i in 0..table.rows {
                    let s = match &c.data {
                        Data::Texts(v) => eval::seed_from_text(v[i].as_deref().unwrap_or_default()),
                        Data::Integers(v) => match v[i] {
                            None => Ok(None),
                            Some(x) => u64::try_from(x).map(Some).map_err(|_| Problem::BadSeed {
                                text: x.to_string(),
                            }),
                        },
                        Data::Numbers(v) => eval::seed_from_f64(v[i]),
                        Data::Booleans(_) => Err(Problem::BadSeed {
                            text: "a boolean".into(),
                        }),
                    };
                    match s {
                        Ok(s) => seeds.push(s),
                        Err(p) => {
                            bad(&mut shown, i, p);
                            seeds.push(None);
                        }
                    }
                }
                inputs.seeds = Some(seeds);
            }
            POLICY_COLUMN => {
                let policies = match &c.data {
                    Data::Texts(v) => v.clone(),
                    _ => {
                        shown.push(Shown {
                            row: None,
                            column: Some(name.into()),
                            message: "column `policy` holds no texts".into(),
                            help: "give each row a policy's name, or an empty cell for none".into(),
                        });
                        vec![None; table.rows]
                    }
                };
                inputs.policies = Some(policies);
            }
            _ => {
                let values = match &c.data {
                    Data::Numbers(v) => v.clone(),
                    Data::Integers(v) => {
                        v.iter().map(|x| x.map_or(f64::NAN, |x| x as f64)).collect()
                    }
                    Data::Booleans(v) => v
                        .iter()
                        .map(|x| x.map_or(f64::NAN, |b| f64::from(u8::from(b))))
                        .collect(),
                    Data::Texts(_) => {
                        shown.push(Shown {
                            row: None,
                            column: Some(name.into()),
                            message: format!("column `{name}` holds texts, not numbers"),
                            help: "an input column holds one number per row".into(),
                        });
                        vec![f64::NAN; table.rows]
                    }
                };
                inputs.columns.push(name.to_string());
                inputs.values.push(values);
            }
        }
    }
    for nn in &table.not_numbers {
        let name = &table.columns[nn.column].name;
        shown.push(Shown {
            row: Some(nn.row),
            column: Some(name.clone()),
            message: format!("`{name}` = `{}` is not a number", nn.text),
            help: format!(
                "give `{name}` a number (`0.25`, `1e-3`), or leave the column out if it is no input"
            ),
        });
    }
    (inputs, shown)
}

fn bad_run(text: Option<String>) -> Problem {
    Problem::BadRun {
        text: text.unwrap_or_default(),
        after: None,
    }
}

fn from_eval(e: &EvalError) -> Shown {
    Shown {
        row: e.row,
        column: e.column.clone(),
        message: e.to_string(),
        help: e.help(),
    }
}

/// Prints the first [`SHOWN`] problems, counts the rest by column, and fails.
#[allow(clippy::print_stderr)]
fn report(source: &Source, table: &Table, problems: &[Shown]) -> Fail {
    let mut hidden: BTreeMap<&str, usize> = BTreeMap::new();
    let mut text = String::new();
    for (k, p) in problems.iter().enumerate() {
        if k >= SHOWN {
            *hidden
                .entry(p.column.as_deref().unwrap_or("(no column)"))
                .or_default() += 1;
            continue;
        }
        let help = (!p.help.is_empty()).then_some(p.help.as_str());
        text.push_str(&render_plain(
            &format!("{}: {}", source.at(table, p.row), p.message),
            help,
        ));
    }
    if !hidden.is_empty() {
        let rest: Vec<String> = hidden
            .iter()
            .map(|(c, n)| format!("{} in `{c}`", thousands(*n)))
            .collect();
        text.push_str(&format!(
            "... and {} more: {}\n",
            thousands(problems.len() - SHOWN),
            rest.join(", ")
        ));
    }
    eprint!("{}", crate::text::clean(&text));
    Fail::reported(format!(
        "{}: {} problem(s) with the input rows; nothing was written",
        source.name,
        thousands(problems.len())
    ))
}
