//! detente-py: the native half of the Python package `detente` (`detente._native`).
//!
//! A thin adapter, like the command line: it reads a scenario with the core's importer,
//! renders its diagnostics with the command line's own renderer, runs models through
//! [`detente_core::output::run`] (the value `detente run --format json` prints), sweeps with
//! [`detente_explore::explore::Plan`] (the rows `detente explore` writes) and evaluates given
//! rows with [`detente_explore::eval::evaluate`] (`detente eval`). Tables go to Python as Arrow
//! (the PyCapsule interface, through pyo3-arrow) built from the very vectors the runs filled,
//! without a copy. The pure-Python half (`python/detente`) wraps this module with docstrings,
//! type hints and the EMA Workbench and SALib adapters.
//!
//! Long calls run with the GIL released, on a worker thread under a
//! [`Cancel`](detente_core::cancel::Cancel) token; the calling thread looks for signals
//! (Ctrl-C) every 50 ms and, on one, stops the token and raises `KeyboardInterrupt`.

// PyO3's macros expand to `unsafe` FFI glue inside their own spans, which the workspace's
// `forbid(unsafe_code)` does not see: no allowance is needed, and this crate writes no `unsafe`.

use std::collections::HashMap;
use std::path::Path;
use std::sync::mpsc::{self, RecvTimeoutError};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use arrow_array::{
    Array, ArrayRef, BooleanArray, Float64Array, Int64Array, RecordBatch, StringArray,
};
use arrow_buffer::{NullBuffer, ScalarBuffer};
use arrow_schema::{DataType, Field, Schema};
use detente_core::cancel::{Cancel, Stop};
use detente_core::import::{self, Format};
use detente_core::model::{self, Model, RunOptions};
use detente_core::slots::Uncertain;
use detente_core::{Diagnostic, MAX_INPUT_BYTES, Scenario};
use detente_explore::eval::{self, Evaluated, Inputs};
use detente_explore::explore::Plan;
use detente_explore::run::run_blocks;
use detente_explore::sample::{Design, Quantile};
use pyo3::exceptions::{PyKeyboardInterrupt, PyRuntimeError, PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList, PyString};
use pyo3_arrow::PyTable;
use pyo3_arrow::input::AnyRecordBatch;

// The command line's rendering of diagnostics, compiled here from its own source (detente-cli
// is a binary, not a library), so that Python shows exactly the text `detente check` prints.
// text.rs also holds a printing helper that needs the command line's `Fail` and `write`; the
// two stand-ins below satisfy it, and Python never calls it.
#[allow(dead_code)]
#[path = "../../detente-cli/src/diagnostics.rs"]
mod diagnostics;
#[allow(dead_code)]
#[path = "../../detente-cli/src/text.rs"]
mod text;

/// Stand-in for the command line's failure type, for text.rs's printing helper (unused).
struct Fail;

/// Stand-in for the command line's output module, for text.rs's printing helper (unused).
mod write {
    /// No target can be made: Python never prints through the command line's helper.
    pub enum Target {}

    /// Unreachable: there is no [`Target`].
    pub fn write(target: &Target, _content: &[u8]) -> Result<(), crate::Fail> {
        match *target {}
    }
}

pyo3::create_exception!(
    _native,
    ScenarioError,
    PyValueError,
    "A scenario that cannot be read or run; `.diagnostics` lists the problems."
);
pyo3::create_exception!(
    _native,
    EvalError,
    PyValueError,
    "Input rows that cannot be evaluated; `.diagnostics` lists the problems."
);

/// How often the calling thread looks for Ctrl-C while a long call runs.
const SIGNAL_POLL: Duration = Duration::from_millis(50);

/// Runs `f` on a worker thread with the GIL released and a cancel token entered; looks for
/// signals meanwhile. On a signal the token is stopped, the worker is waited for (it stops at
/// its next check) and the signal's exception (`KeyboardInterrupt`) is raised.
fn interruptible<T: Send>(
    py: Python<'_>,
    cancel: &Cancel,
    f: impl FnOnce() -> T + Send,
) -> PyResult<T> {
    py.detach(|| {
        std::thread::scope(|s| {
            let (tx, rx) = mpsc::channel();
            let token = cancel.clone();
            s.spawn(move || {
                let _entered = token.enter();
                let _ = tx.send(f());
            });
            loop {
                match rx.recv_timeout(SIGNAL_POLL) {
                    Ok(v) => return Ok(v),
                    Err(RecvTimeoutError::Timeout) => {
                        if let Err(e) = Python::attach(|py| py.check_signals()) {
                            cancel.stop(Stop::Cancelled);
                            let _ = rx.recv();
                            return Err(e);
                        }
                    }
                    Err(RecvTimeoutError::Disconnected) => {
                        return Err(PyRuntimeError::new_err("detente's worker thread panicked"));
                    }
                }
            }
        })
    })
}

/// Runs `f` with the GIL released and `cancel` entered, on the calling thread: for work too
/// short to be worth a worker thread and the watch for signals (a few rows).
fn detached<T: Send>(py: Python<'_>, cancel: &Cancel, f: impl FnOnce() -> T + Send) -> T {
    py.detach(|| {
        let _entered = cancel.enter();
        f()
    })
}

/// Rows of `eval` evaluated on the calling thread, without a watch for Ctrl-C.
const SMALL_EVAL: usize = 256;

/// The thread pool of `explore`, made once (rayon's global pool cannot be handed to
/// [`run_blocks`]).
fn pool() -> PyResult<&'static rayon::ThreadPool> {
    static POOL: std::sync::OnceLock<rayon::ThreadPool> = std::sync::OnceLock::new();
    if let Some(p) = POOL.get() {
        return Ok(p);
    }
    let p = rayon::ThreadPoolBuilder::new()
        .thread_name(|i| format!("detente-{i}"))
        .build()
        .map_err(|e| PyRuntimeError::new_err(e.to_string()))?;
    Ok(POOL.get_or_init(|| p))
}

/// The exception for a run stopped by its token (a signal raised its own exception first).
fn stopped(s: Stop) -> PyErr {
    PyKeyboardInterrupt::new_err(s.to_string())
}

/// A plain error (no source file) as the command line renders it, raised as `ScenarioError`.
fn plain_error(py: Python<'_>, message: &str, help: Option<&str>) -> PyErr {
    let text = diagnostics::render_plain(message, help);
    let err = ScenarioError::new_err(text.trim_end().to_string());
    let d = PyDict::new(py);
    let _ = d.set_item("message", message);
    let _ = d.set_item("help", help);
    for k in ["file", "line", "column", "field"] {
        let _ = d.set_item(k, py.None());
    }
    let _ = err
        .value(py)
        .setattr("diagnostics", PyList::new(py, [d]).ok());
    err
}

/// One diagnostic as a Python dict: file, line, column (1-based, or None), field, message,
/// help, severity.
fn diag_dict<'py>(
    py: Python<'py>,
    name: &str,
    index: &detente_core::diag::LineIndex,
    d: &Diagnostic,
) -> PyResult<Bound<'py, PyDict>> {
    let out = PyDict::new(py);
    let (line, column) = match &d.span {
        Some(s) => {
            let (l, c) = index.line_col(s.start);
            (Some(l), Some(c))
        }
        None => (None, None),
    };
    out.set_item("file", name)?;
    out.set_item("line", line)?;
    out.set_item("column", column)?;
    out.set_item("field", d.field.as_deref())?;
    out.set_item("message", &d.message)?;
    out.set_item("help", d.help.as_deref())?;
    out.set_item("severity", if d.is_error() { "error" } else { "warning" })?;
    Ok(out)
}

/// A scenario read and validated, with the text it came from.
#[pyclass(module = "detente._native", frozen)]
struct NativeScenario {
    /// Where it came from: the path, or `<text>`.
    name: String,
    /// What a run calls it when the file gives no name (the file stem, or `scenario`).
    key: String,
    scenario: Scenario,
    /// Warnings found while reading it.
    warnings: Vec<Diagnostic>,
    text: String,
    /// What `outcomes` has prepared, by policy and model, made at its first call with them.
    prepared: Mutex<HashMap<PlanKey, Arc<Prepared>>>,
}

/// A policy (`None`: the scenario as written) and a model's name.
type PlanKey = (Option<String>, &'static str);

/// Everything one `outcomes` call needs beyond its values, made once per policy and model:
/// the plan (the scenario as the policy makes it, its inputs and outputs), and the scenario
/// copies its runs set their values in.
struct Prepared {
    plan: Plan<'static>,
    /// The plan's inputs' names, in column order.
    inputs: Vec<String>,
    /// Each input's central value: the value of an input not given.
    central: Vec<f64>,
    /// Each input's open interval of values that are surely allowed (within its field's range
    /// and its distribution's support); a value elsewhere, bounds included, is judged by
    /// [`eval::evaluate`] itself.
    inside: Vec<(f64, f64)>,
    /// The scenario's own inputs that the policy fixes: accepted and ignored, as `eval` does.
    fixed: Vec<String>,
    /// The output columns' names as Python strings, made once.
    outputs: Vec<Py<PyString>>,
    /// Scenario copies free for a call (see [`Plan::outputs_in`]): a call takes one (or
    /// starts from none) and gives it back, so that concurrent calls each have their own.
    scratch: Mutex<Vec<Scenario>>,
}

impl Prepared {
    fn new(py: Python<'_>, base: &Scenario, sc: Scenario, m: &'static dyn Model) -> Prepared {
        let plan = Plan::new(sc, m, Design::MonteCarlo, 0, 1);
        let inputs: Vec<String> = plan.inputs().iter().map(|u| u.name.clone()).collect();
        let central = plan.inputs().iter().map(|u| u.dist.central()).collect();
        let inside = plan
            .inputs()
            .iter()
            .map(|u| {
                let (lo, hi) = u.dist.support();
                (lo.max(u.lo), hi.min(u.hi))
            })
            .collect();
        let fixed = base
            .uncertain_slots()
            .into_iter()
            .map(|u| u.name)
            .filter(|n| !inputs.contains(n))
            .collect();
        let outputs = plan
            .outputs
            .iter()
            .map(|o| PyString::intern(py, o).unbind())
            .collect();
        Prepared {
            plan,
            inputs,
            central,
            inside,
            fixed,
            outputs,
            scratch: Mutex::new(Vec::new()),
        }
    }

    /// The outputs at `row` (one value per input) with the model seed `seed`, appended to
    /// `row`, on a scenario copy of this plan's.
    fn run(&self, row: &mut Vec<f64>, seed: u64) -> Result<(), detente_core::model::ModelError> {
        let mut scratch = self.scratch.lock().ok().and_then(|mut free| free.pop());
        let result = self.plan.outputs_in(&mut scratch, row, seed);
        if let (Some(sc), Ok(mut free)) = (scratch, self.scratch.lock()) {
            free.push(sc);
        }
        result
    }
}

/// Reads a scenario from a path or from its text (anything with a line break, or not naming
/// an existing file, is text). Raises `ScenarioError` with the command line's rendering.
#[pyfunction]
#[pyo3(signature = (source, /, format = None))]
fn load(py: Python<'_>, source: &str, format: Option<&str>) -> PyResult<NativeScenario> {
    let path = Path::new(source);
    let is_file = !source.contains('\n') && !source.is_empty() && path.is_file();
    let (name, key, text) = if is_file {
        let bytes = std::fs::read(path).map_err(|e| {
            plain_error(
                py,
                &format!("cannot read {source}: {e}"),
                Some("check the path and its permissions"),
            )
        })?;
        if bytes.len() as u64 > MAX_INPUT_BYTES {
            return Err(plain_error(
                py,
                &format!(
                    "{source} is {:.1} MiB; detente reads files up to 16 MiB",
                    bytes.len() as f64 / 1_048_576.0
                ),
                Some("split it, or check that this is the right file"),
            ));
        }
        let text = String::from_utf8(bytes).map_err(|_| {
            plain_error(
                py,
                &format!("{source} is not UTF-8 text"),
                Some("save the file as UTF-8"),
            )
        })?;
        let stem = path
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_else(|| "scenario".into());
        (source.to_string(), stem, text)
    } else {
        if !source.contains('\n') && !source.contains('=') {
            return Err(plain_error(
                py,
                &format!("no file {source} and it is not a scenario's text"),
                Some("give the path of a scenario file, or the scenario's TOML text"),
            ));
        }
        (
            "<text>".to_string(),
            "scenario".to_string(),
            source.to_string(),
        )
    };
    let format = match format {
        Some(f) => Format::parse(f).ok_or_else(|| {
            plain_error(
                py,
                &format!("unknown format `{f}`"),
                Some(&format!(
                    "the formats are {}",
                    Format::IMPORTABLE.join(", ")
                )),
            )
        })?,
        None if is_file
            && path
                .extension()
                .is_some_and(|e| e.eq_ignore_ascii_case("toml")) =>
        {
            Format::Toml
        }
        None => import::detect(&text),
    };
    match import::import(format, &text, &key) {
        Ok(imported) => {
            let [item] = imported.items.as_slice() else {
                return Err(plain_error(
                    py,
                    &format!(
                        "{name} holds {} scenarios; detente.load reads one",
                        imported.items.len()
                    ),
                    Some(
                        "convert the issue you want first: `detente import deu FILE --issue ID -o issue.toml`",
                    ),
                ));
            };
            Ok(NativeScenario {
                name,
                key: item.key.clone(),
                scenario: item.scenario.clone(),
                warnings: imported.warnings.clone(),
                text,
                prepared: Mutex::new(HashMap::new()),
            })
        }
        Err(diags) => {
            let rendered = diagnostics::render(&name, &text, &diags);
            let index = detente_core::diag::LineIndex::new(&text);
            let list = PyList::empty(py);
            for d in &diags {
                list.append(diag_dict(py, &name, &index, d)?)?;
            }
            let err = ScenarioError::new_err(rendered.trim_end().to_string());
            err.value(py).setattr("diagnostics", list)?;
            Err(err)
        }
    }
}

/// The design named `mc` (Monte Carlo) or `lhs` (Latin hypercube).
fn design_of(py: Python<'_>, design: &str) -> PyResult<Design> {
    match design {
        "mc" | "monte-carlo" => Ok(Design::MonteCarlo),
        "lhs" | "latin-hypercube" => Ok(Design::LatinHypercube),
        other => Err(plain_error(
            py,
            &format!("unknown design `{other}`"),
            Some("the designs are `mc` (Monte Carlo) and `lhs` (Latin hypercube)"),
        )),
    }
}

/// An Arrow column of numbers, NaN as null; the vector becomes the array's buffer as it is.
fn number_column(values: Vec<f64>) -> ArrayRef {
    let nulls = values
        .iter()
        .any(|v| v.is_nan())
        .then(|| NullBuffer::from_iter(values.iter().map(|v| !v.is_nan())));
    Arc::new(Float64Array::new(ScalarBuffer::from(values), nulls))
}

/// An Arrow column of yes/no events (1 or 0), NaN as null.
fn flag_column(values: &[f64]) -> ArrayRef {
    Arc::new(
        values
            .iter()
            .map(|v| (!v.is_nan()).then_some(*v == 1.0))
            .collect::<BooleanArray>(),
    )
}

/// The table of a results file: `run`, then one column per name, typed by its flag, the
/// values given column by column.
fn results_table(
    runs: Vec<i64>,
    names: &[String],
    flags: &[bool],
    columns: Vec<Vec<f64>>,
) -> PyResult<PyTable> {
    let mut fields = vec![Field::new("run", DataType::Int64, false)];
    let mut arrays: Vec<ArrayRef> = vec![Arc::new(Int64Array::new(ScalarBuffer::from(runs), None))];
    for ((name, &flag), values) in names.iter().zip(flags).zip(columns) {
        if flag {
            fields.push(Field::new(name, DataType::Boolean, true));
            arrays.push(flag_column(&values));
        } else {
            fields.push(Field::new(name, DataType::Float64, true));
            arrays.push(number_column(values));
        }
    }
    let schema = Arc::new(Schema::new(fields));
    let batch = RecordBatch::try_new(schema.clone(), arrays)
        .map_err(|e| PyRuntimeError::new_err(e.to_string()))?;
    PyTable::try_new(vec![batch], schema)
}

/// The per-round trace of a run's JSON as a table: one row per round, one column per leaf of
/// the rounds' objects (nested keys joined with `.`); numbers are float64 (int64 when all are
/// whole), yes/no values boolean, anything else its JSON text.
fn trace_table(rounds: &[serde_json::Value]) -> PyResult<Option<PyTable>> {
    use serde_json::Value;
    if rounds.is_empty() {
        return Ok(None);
    }
    fn leaves(prefix: &str, v: &Value, out: &mut Vec<(String, Value)>) {
        match v {
            Value::Object(m) => {
                for (k, v) in m {
                    let key = if prefix.is_empty() {
                        k.clone()
                    } else {
                        format!("{prefix}.{k}")
                    };
                    leaves(&key, v, out);
                }
            }
            other => out.push((prefix.to_string(), other.clone())),
        }
    }
    let mut names: Vec<String> = Vec::new();
    let mut rows: Vec<Vec<(String, Value)>> = Vec::with_capacity(rounds.len());
    for r in rounds {
        let mut leaf = Vec::new();
        leaves("", r, &mut leaf);
        for (k, _) in &leaf {
            if !names.contains(k) {
                names.push(k.clone());
            }
        }
        rows.push(leaf);
    }
    let mut fields = Vec::new();
    let mut arrays: Vec<ArrayRef> = Vec::new();
    for name in &names {
        let cells: Vec<Option<&Value>> = rows
            .iter()
            .map(|r| {
                r.iter()
                    .find(|(k, _)| k == name)
                    .map(|(_, v)| v)
                    .filter(|v| !v.is_null())
            })
            .collect();
        let present = || cells.iter().flatten();
        let (dt, array): (DataType, ArrayRef) = if present().all(|v| v.is_i64() || v.is_u64()) {
            (
                DataType::Int64,
                Arc::new(
                    cells
                        .iter()
                        .map(|c| c.and_then(Value::as_i64))
                        .collect::<Int64Array>(),
                ),
            )
        } else if present().all(|v| v.is_number()) {
            (
                DataType::Float64,
                Arc::new(
                    cells
                        .iter()
                        .map(|c| c.and_then(Value::as_f64))
                        .collect::<Float64Array>(),
                ),
            )
        } else if present().all(|v| v.is_boolean()) {
            (
                DataType::Boolean,
                Arc::new(
                    cells
                        .iter()
                        .map(|c| c.and_then(Value::as_bool))
                        .collect::<BooleanArray>(),
                ),
            )
        } else {
            let text = |v: &Value| match v {
                Value::String(s) => s.clone(),
                other => other.to_string(),
            };
            (
                DataType::Utf8,
                Arc::new(cells.iter().map(|c| c.map(text)).collect::<StringArray>()),
            )
        };
        fields.push(Field::new(name, dt, true));
        arrays.push(array);
    }
    let schema = Arc::new(Schema::new(fields));
    let batch = RecordBatch::try_new(schema.clone(), arrays)
        .map_err(|e| PyRuntimeError::new_err(e.to_string()))?;
    Ok(Some(PyTable::try_new(vec![batch], schema)?))
}

/// A column of the rows given to `eval`, as numbers (nulls as NaN).
fn as_numbers(py: Python<'_>, name: &str, array: &ArrayRef) -> PyResult<Vec<f64>> {
    let cast = arrow_cast::cast(array, &DataType::Float64).map_err(|e| {
        plain_error(
            py,
            &format!("column `{name}` is not numbers: {e}"),
            Some("give each input column as numbers"),
        )
    })?;
    let f = cast
        .as_any()
        .downcast_ref::<Float64Array>()
        .ok_or_else(|| PyRuntimeError::new_err("a cast to float64 gave another type"))?;
    Ok((0..f.len())
        .map(|i| if f.is_null(i) { f64::NAN } else { f.value(i) })
        .collect())
}

/// The problems of an evaluation, raised as `EvalError` with one dict per problem.
fn eval_error(py: Python<'_>, errors: &[eval::EvalError]) -> PyErr {
    problems_error(py, errors, true)
}

/// [`eval_error`]; `rows: false` leaves the row out (one evaluation, not rows of a table).
fn problems_error(py: Python<'_>, errors: &[eval::EvalError], rows: bool) -> PyErr {
    let problems = errors.iter().map(|e| Problem {
        row: e.row.filter(|_| rows),
        column: e.column.clone(),
        message: e.to_string(),
        help: e.help(),
    });
    raise_problems(py, problems)
}

/// One problem `EvalError` carries: where (a row from 0, a column), what, what to do.
struct Problem {
    row: Option<usize>,
    column: Option<String>,
    message: String,
    help: String,
}

/// `EvalError` with the problems rendered as the CLI renders them and listed as dicts in
/// `.diagnostics`.
fn raise_problems(py: Python<'_>, problems: impl IntoIterator<Item = Problem>) -> PyErr {
    let mut text = String::new();
    let list = PyList::empty(py);
    for p in problems {
        let at = p
            .row
            .map(|r| format!("row {}: ", r + 1))
            .unwrap_or_default();
        text.push_str(&diagnostics::render_plain(
            &format!("{at}{}", p.message),
            (!p.help.is_empty()).then_some(p.help.as_str()),
        ));
        let d = PyDict::new(py);
        let _ = d.set_item("row", p.row);
        let _ = d.set_item("column", p.column.as_deref());
        let _ = d.set_item("message", &p.message);
        let _ = d.set_item("help", &p.help);
        let _ = list.append(d);
    }
    let err = EvalError::new_err(text.trim_end().to_string());
    let _ = err.value(py).setattr("diagnostics", list);
    err
}

impl NativeScenario {
    fn model(&self, py: Python<'_>, name: Option<&str>) -> PyResult<&'static dyn Model> {
        model::choose(&self.scenario, name)
            .map_err(|e| plain_error(py, &e.to_string(), Some(&e.help())))
    }

    fn with_policy(&self, py: Python<'_>, policy: Option<&str>) -> PyResult<Scenario> {
        self.scenario
            .apply_policy(policy)
            .map(std::borrow::Cow::into_owned)
            .map_err(|e| plain_error(py, &e.to_string(), Some(&e.help())))
    }

    fn uncertain_of(&self, py: Python<'_>, policy: Option<&str>) -> PyResult<Vec<Uncertain>> {
        Ok(self.with_policy(py, policy)?.uncertain_slots())
    }

    /// What `outcomes` keeps for `policy` and `m`, made on the first call with them.
    fn prepared(
        &self,
        py: Python<'_>,
        policy: Option<&str>,
        m: &'static dyn Model,
    ) -> PyResult<Arc<Prepared>> {
        let key = (policy.map(str::to_string), m.info().name);
        // The map is whole even if a holder of the lock panicked: an insertion is one step.
        let lock = || self.prepared.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(p) = lock().get(&key) {
            return Ok(p.clone());
        }
        let sc = self.with_policy(py, policy)?;
        let p = Arc::new(Prepared::new(py, &self.scenario, sc, m));
        Ok(lock().entry(key).or_insert(p).clone())
    }

    /// [`eval::evaluate`] of the one row `outcomes` was given (`row`, one value per input of
    /// `p`, and `fixed`, the values given for inputs `p`'s policy fixes): its outputs,
    /// appended to `row`, or its problems as `EvalError`. `outcomes` comes here for values it
    /// cannot tell at a glance are allowed (on a bound or beyond), so that `eval` judges them.
    #[allow(clippy::too_many_arguments)]
    fn outcomes_by_eval(
        &self,
        py: Python<'_>,
        p: &Prepared,
        m: &'static dyn Model,
        policy: Option<&str>,
        seed: u64,
        row: &mut Vec<f64>,
        fixed: &[(String, f64)],
    ) -> PyResult<()> {
        let mut inputs = Inputs {
            columns: p.inputs.clone(),
            values: row.iter().map(|&v| vec![v]).collect(),
            seeds: Some(vec![Some(seed)]),
            policies: Some(vec![policy.map(str::to_string)]),
            ..Inputs::default()
        };
        for (k, v) in fixed {
            inputs.columns.push(k.clone());
            inputs.values.push(vec![*v]);
        }
        let e = detached(py, &Cancel::new(), || {
            eval::evaluate(&self.scenario, m, &inputs, 0)
        })
        .map_err(|errors| problems_error(py, &errors, false))?;
        // The one policy's columns: the plan's inputs, then its outputs, in order.
        row.extend_from_slice(&e.row(0)[e.inputs..]);
        Ok(())
    }
}

#[pymethods]
impl NativeScenario {
    /// Where the scenario came from: its path, or `<text>`.
    #[getter]
    fn source(&self) -> &str {
        &self.name
    }

    /// The scenario's name (`[scenario].name`, else the file's stem).
    #[getter]
    fn name(&self) -> String {
        self.scenario
            .meta
            .name
            .clone()
            .unwrap_or_else(|| self.key.clone())
    }

    /// The scenario's TOML (or imported) text.
    #[getter]
    fn text(&self) -> &str {
        &self.text
    }

    /// The ids of the scenario's policies, in file order.
    #[getter]
    fn policies(&self) -> Vec<String> {
        self.scenario
            .policies
            .iter()
            .map(|p| p.id.clone())
            .collect()
    }

    /// The warnings found while reading it, as dicts like `ScenarioError.diagnostics`.
    #[getter]
    fn warnings<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        let index = detente_core::diag::LineIndex::new(&self.text);
        let list = PyList::empty(py);
        for d in &self.warnings {
            list.append(diag_dict(py, &self.name, &index, d)?)?;
        }
        Ok(list)
    }

    /// The name of the model a run uses when none is named, or that `model` names.
    #[pyo3(signature = (model = None))]
    fn model_name(&self, py: Python<'_>, model: Option<&str>) -> PyResult<&'static str> {
        Ok(self.model(py, model)?.info().name)
    }

    /// The uncertain numbers (under `policy`): name, distribution, its parameters, the
    /// field's range.
    #[pyo3(signature = (policy = None))]
    fn uncertain<'py>(
        &self,
        py: Python<'py>,
        policy: Option<&str>,
    ) -> PyResult<Bound<'py, PyList>> {
        let list = PyList::empty(py);
        for u in self.uncertain_of(py, policy)? {
            let d = PyDict::new(py);
            d.set_item("name", &u.name)?;
            d.set_item("dist", u.dist.name())?;
            d.set_item("params", u.dist.params())?;
            d.set_item("text", u.dist.to_string())?;
            let (lo, hi) = u.dist.support();
            d.set_item("support", (lo.max(u.lo), hi.min(u.hi)))?;
            d.set_item("central", u.dist.central())?;
            d.set_item("range", (u.lo, u.hi))?;
            list.append(d)?;
        }
        Ok(list)
    }

    /// The columns `explore` and `eval` give under `policy` with `model`: inputs, outputs,
    /// and whether each (inputs then outputs) is a yes/no event.
    #[pyo3(signature = (model = None, policy = None))]
    fn columns<'py>(
        &self,
        py: Python<'py>,
        model: Option<&str>,
        policy: Option<&str>,
    ) -> PyResult<Bound<'py, PyDict>> {
        let m = self.model(py, model)?;
        let c = eval::columns(&self.scenario, m, policy)
            .map_err(|e| plain_error(py, &e.to_string(), Some(&e.help())))?;
        let d = PyDict::new(py);
        d.set_item("inputs", c.inputs)?;
        d.set_item("outputs", c.outputs)?;
        d.set_item("flags", c.flags)?;
        Ok(d)
    }

    /// The value standing for "none" in output `column` of `model`, and why, if it has one.
    #[pyo3(signature = (column, model = None))]
    fn stand_in(
        &self,
        py: Python<'_>,
        column: &str,
        model: Option<&str>,
    ) -> PyResult<Option<(f64, String)>> {
        let m = self.model(py, model)?;
        Ok(detente_explore::explore::stand_in(
            &self.scenario,
            m,
            column,
        ))
    }

    /// The values of input `column` (under `policy`) at unit-interval points `u`: its
    /// distribution's quantiles, as `explore` samples them.
    #[pyo3(signature = (column, u, policy = None))]
    fn quantiles(
        &self,
        py: Python<'_>,
        column: &str,
        u: Vec<f64>,
        policy: Option<&str>,
    ) -> PyResult<Vec<f64>> {
        let inputs = self.uncertain_of(py, policy)?;
        let Some(input) = inputs.iter().find(|x| x.name == column) else {
            let names: Vec<&str> = inputs.iter().map(|x| x.name.as_str()).collect();
            return Err(plain_error(
                py,
                &format!("`{column}` is not an uncertain number of this scenario"),
                Some(&detente_core::diag::did_you_mean(column, &names, "input")),
            ));
        };
        let q = Quantile::new(input);
        Ok(u.iter().map(|&x| q.at(x)).collect())
    }

    /// One run, as `detente run --format json` prints it (the JSON text), and its per-round
    /// trace as an Arrow table (None for a static model).
    #[pyo3(signature = (model = None, policy = None, seed = 0))]
    fn run(
        &self,
        py: Python<'_>,
        model: Option<&str>,
        policy: Option<&str>,
        seed: u64,
    ) -> PyResult<(String, Option<PyTable>)> {
        let m = self.model(py, model)?;
        let opts = RunOptions { seed };
        let cancel = Cancel::new();
        let out = interruptible(py, &cancel, || {
            detente_core::output::run(&self.scenario, &self.key, m, policy, &opts)
        })?;
        let out = out.map_err(|e| {
            let help = e.help();
            match e {
                detente_core::output::RunError::Stopped(s) => stopped(s),
                detente_core::output::RunError::UnknownPolicy(_) => {
                    plain_error(py, &e.to_string(), help.as_deref())
                }
                detente_core::output::RunError::Model(_) => {
                    plain_error(py, &format!("{}: {e}", self.name), help.as_deref())
                }
            }
        })?;
        let value =
            serde_json::to_value(&out).map_err(|e| PyRuntimeError::new_err(e.to_string()))?;
        let trace = match value.get("rounds").and_then(|r| r.as_array()) {
            Some(r) => trace_table(r)?,
            None => None,
        };
        // The command line's own serialisation (`format::json`): pretty JSON of the same value.
        let text = serde_json::to_string_pretty(&out).unwrap_or_default() + "\n";
        Ok((text, trace))
    }

    /// One evaluation, the fast path: the outputs at `values` (input name to value; an input
    /// not given takes its central value) with the model seed `seed`, under `policy`, as a
    /// dict from output column to value (NaN for "no value"). Bit for bit the row `eval` gives
    /// for the same values with a `seed` column of `seed`.
    #[pyo3(signature = (values = None, seed = 0, policy = None, model = None))]
    fn outcomes<'py>(
        &self,
        py: Python<'py>,
        values: Option<&Bound<'py, PyDict>>,
        seed: u64,
        policy: Option<&str>,
        model: Option<&str>,
    ) -> PyResult<Bound<'py, PyDict>> {
        let m = self.model(py, model)?;
        let p = self.prepared(py, policy, m)?;
        let n = p.inputs.len();
        let mut row = Vec::with_capacity(n + p.outputs.len());
        row.extend_from_slice(&p.central);
        let mut unknown: Vec<String> = Vec::new();
        let mut fixed: Vec<(String, f64)> = Vec::new();
        for (k, v) in values.into_iter().flat_map(|d| d.iter()) {
            let name = k.cast::<PyString>().map_err(|_| {
                PyTypeError::new_err(format!(
                    "the names of values are input names (text), not {}",
                    k.get_type()
                        .name()
                        .map(|t| t.to_string())
                        .unwrap_or_default()
                ))
            })?;
            let name = name.to_str()?;
            let number = |v: &Bound<'py, PyAny>| {
                v.extract::<f64>().map_err(|_| {
                    PyTypeError::new_err(format!(
                        "the value of `{name}` must be a number, not {}",
                        v.get_type()
                            .name()
                            .map(|t| t.to_string())
                            .unwrap_or_default()
                    ))
                })
            };
            match p.inputs.iter().position(|i| i == name) {
                Some(j) => row[j] = number(&v)?,
                None if p.fixed.iter().any(|f| f == name) => {
                    fixed.push((name.to_string(), number(&v)?));
                }
                None => unknown.push(name.to_string()),
            }
        }
        if !unknown.is_empty() {
            return Err(unknown_inputs(py, &unknown, &p, policy));
        }
        let surely = row
            .iter()
            .zip(&p.inside)
            .all(|(&x, &(lo, hi))| lo < x && x < hi);
        if surely {
            py.detach(|| p.run(&mut row, seed)).map_err(|e| {
                let problem = eval::EvalError {
                    row: None,
                    column: None,
                    problem: eval::Problem::Model(e),
                };
                problems_error(py, &[problem], false)
            })?;
        } else {
            self.outcomes_by_eval(py, &p, m, policy, seed, &mut row, &fixed)?;
        }
        let d = PyDict::new(py);
        for (name, v) in p.outputs.iter().zip(&row[n..]) {
            d.set_item(name.bind(py), *v)?;
        }
        Ok(d)
    }

    /// `detente explore`: `runs` sampled futures (or shard `k` of `n` of them), one row per
    /// run, as the Arrow table of the CLI's results file.
    #[pyo3(signature = (runs, seed = 0, design = "mc", policy = None, model = None, shard = None))]
    #[allow(clippy::too_many_arguments)]
    fn explore(
        &self,
        py: Python<'_>,
        runs: u64,
        seed: u64,
        design: &str,
        policy: Option<&str>,
        model: Option<&str>,
        shard: Option<(u64, u64)>,
    ) -> PyResult<PyTable> {
        if runs == 0 {
            return Err(plain_error(
                py,
                "runs must be at least 1",
                Some("e.g. runs=10000"),
            ));
        }
        let range = match shard {
            None => 0..runs,
            Some((k, n)) if n > 0 && k >= 1 && k <= n => {
                // `detente explore --shard K/N`'s slice (detente_store::results::shard_runs).
                let at = |i: u64| (u128::from(i) * u128::from(runs) / u128::from(n)) as u64;
                at(k - 1)..at(k)
            }
            Some((k, n)) => {
                return Err(plain_error(
                    py,
                    &format!("shard {k}/{n} does not exist"),
                    Some("k runs from 1 to n: shard=(1, 10) .. shard=(10, 10)"),
                ));
            }
        };
        let m = self.model(py, model)?;
        let design = design_of(py, design)?;
        let sc = self.with_policy(py, policy)?;
        let plan = Plan::new(sc, m, design, seed, runs);
        let names = plan.columns();
        let flags = plan.flags();
        let width = names.len();
        let n = (range.end - range.start) as usize;
        let cancel = Cancel::new();
        let token = cancel.clone();
        let pool = pool()?;
        let result = interruptible(py, &cancel, || {
            let mut columns: Vec<Vec<f64>> = (0..width).map(|_| Vec::with_capacity(n)).collect();
            run_blocks(
                pool,
                range.clone(),
                || None,
                |scratch, r| plan.row_in(scratch, r),
                |_, rows| {
                    for row in rows {
                        for (c, v) in columns.iter_mut().zip(row) {
                            c.push(v);
                        }
                    }
                    match token.stopped() {
                        Some(s) => Err(s),
                        None => Ok(()),
                    }
                },
            )
            .map_err(|e| match e {
                detente_explore::run::BlockError::Run(f) => {
                    format!("run {}: {}", f.run, f.error.message)
                }
                detente_explore::run::BlockError::Sink(s) => s.to_string(),
            })?;
            Ok::<_, String>(columns)
        })?;
        let columns = match result {
            Ok(c) => c,
            Err(_) if cancel.stopped().is_some() => return Err(stopped(Stop::Cancelled)),
            Err(e) => return Err(plain_error(py, &format!("{}: {e}", self.name), None)),
        };
        let runs: Vec<i64> = range.map(|r| r as i64).collect();
        results_table(runs, &names, &flags, columns)
    }

    /// `detente eval`: the rows of an Arrow table (input columns as `explore` names them,
    /// optional `run`, `seed` and `policy`), evaluated; `explore`'s columns for each row.
    #[pyo3(signature = (rows, seed = 0, model = None))]
    fn eval(
        &self,
        py: Python<'_>,
        rows: AnyRecordBatch,
        seed: u64,
        model: Option<&str>,
    ) -> PyResult<PyTable> {
        let m = self.model(py, model)?;
        let (batches, schema) = rows.into_table()?.into_inner();
        let batch = arrow_select_concat(&schema, &batches)?;
        let mut inputs = Inputs::default();
        for (field, array) in schema.fields().iter().zip(batch.columns()) {
            let name = field.name().as_str();
            match name {
                eval::RUN_COLUMN => {
                    let v = as_numbers(py, name, array)?;
                    let mut runs = Vec::with_capacity(v.len());
                    for (i, x) in v.iter().enumerate() {
                        runs.push(
                            eval::run_from_f64(*x)
                                .map_err(|p| eval_error(py, &[eval::EvalError::at(i, name, p)]))?,
                        );
                    }
                    inputs.runs = Some(runs);
                }
                eval::SEED_COLUMN => {
                    let v = as_numbers(py, name, array)?;
                    let mut seeds = Vec::with_capacity(v.len());
                    for (i, x) in v.iter().enumerate() {
                        seeds.push(
                            eval::seed_from_f64(*x)
                                .map_err(|p| eval_error(py, &[eval::EvalError::at(i, name, p)]))?,
                        );
                    }
                    inputs.seeds = Some(seeds);
                }
                eval::POLICY_COLUMN => {
                    let s = arrow_cast::cast(array, &DataType::Utf8).map_err(|e| {
                        plain_error(py, &format!("column `policy` is not text: {e}"), None)
                    })?;
                    let s = s.as_any().downcast_ref::<StringArray>().ok_or_else(|| {
                        PyRuntimeError::new_err("a cast to text gave another type")
                    })?;
                    inputs.policies = Some(
                        (0..s.len())
                            .map(|i| (!s.is_null(i)).then(|| s.value(i).to_string()))
                            .collect(),
                    );
                }
                _ => {
                    inputs.columns.push(name.to_string());
                    inputs.values.push(as_numbers(py, name, array)?);
                }
            }
        }
        let cancel = Cancel::new();
        let work = || eval::evaluate(&self.scenario, m, &inputs, seed);
        let evaluated = if inputs.rows() <= SMALL_EVAL {
            detached(py, &cancel, work)
        } else {
            interruptible(py, &cancel, work)?
        };
        let e: Evaluated = match evaluated {
            Ok(e) => e,
            Err(_) if cancel.stopped().is_some() => return Err(stopped(Stop::Cancelled)),
            Err(errors) => return Err(eval_error(py, &errors)),
        };
        let w = e.columns.len();
        let columns: Vec<Vec<f64>> = (0..w).map(|j| e.column(j).collect()).collect();
        let runs: Vec<i64> = e.runs.iter().map(|&r| r as i64).collect();
        results_table(runs, &e.columns, &e.flags, columns)
    }
}

/// `EvalError` for names given to `outcomes` that are no input of the scenario under
/// `policy`: each named, with the inputs there are.
fn unknown_inputs(py: Python<'_>, names: &[String], p: &Prepared, policy: Option<&str>) -> PyErr {
    let valid: Vec<&str> = p
        .inputs
        .iter()
        .chain(&p.fixed)
        .map(String::as_str)
        .collect();
    let under = policy
        .map(|p| format!(" under policy `{p}`"))
        .unwrap_or_default();
    let all = if valid.is_empty() {
        format!("the scenario has no uncertain number{under}")
    } else {
        let quoted: Vec<String> = valid.iter().map(|n| format!("`{n}`")).collect();
        format!("the inputs{under} are {}", quoted.join(", "))
    };
    let problems = names.iter().map(|name| Problem {
        row: None,
        column: Some(name.clone()),
        message: format!("unknown input `{name}`"),
        help: match detente_core::diag::suggest(name, valid.iter().copied()) {
            Some(s) => format!("did you mean `{s}`? {all}"),
            None => all.clone(),
        },
    });
    raise_problems(py, problems)
}

/// The batches of a table as one batch.
fn arrow_select_concat(schema: &Arc<Schema>, batches: &[RecordBatch]) -> PyResult<RecordBatch> {
    match batches {
        [one] => Ok(one.clone()),
        many => arrow_select::concat::concat_batches(schema, many)
            .map_err(|e| PyRuntimeError::new_err(e.to_string())),
    }
}

/// The names of every model, in the order `detente models` lists them.
#[pyfunction]
fn models() -> Vec<&'static str> {
    model::names()
}

/// The module `detente._native`.
#[pymodule]
#[pyo3(name = "_native")]
fn native(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(load, m)?)?;
    m.add_function(wrap_pyfunction!(models, m)?)?;
    m.add_class::<NativeScenario>()?;
    m.add("ScenarioError", m.py().get_type::<ScenarioError>())?;
    m.add("EvalError", m.py().get_type::<EvalError>())?;
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    Ok(())
}
