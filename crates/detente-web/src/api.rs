//! The handlers: the page, its assets, and the JSON API (`docs/web.md`).
//!
//! Every request is checked before work: bodies are capped (`MAX_BODY_BYTES`), malformed JSON
//! is a 400 with the parser's message, an unknown model, policy, field or too many runs a 422
//! with what would be valid. Nothing here panics on input.

use axum::Json;
use axum::extract::rejection::PathRejection;
use axum::extract::{FromRequest, Path, Request, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use detente_core::cancel::{self, Cancel, Stop};
use detente_core::diag::{did_you_mean, list};
use detente_core::import::{self, Format};
use detente_core::model::{self, RunOptions};
use detente_core::output::{self, RunError, RunOutput};
use detente_core::{Scenario, emit, parse_toml};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::json;

use crate::edit::{self, Edit};
use crate::view::{self, DiagOut, View};
use crate::{AppState, MAX_EDITS, MAX_RUNS, assets};

/// A failed request: a status, one sentence, and what would be valid.
#[derive(Debug)]
pub struct ApiError {
    status: StatusCode,
    error: String,
    help: Option<String>,
    diagnostics: Vec<DiagOut>,
    edit: Option<usize>,
}

impl ApiError {
    fn new(status: StatusCode, error: impl Into<String>) -> Self {
        ApiError {
            status,
            error: error.into(),
            help: None,
            diagnostics: Vec::new(),
            edit: None,
        }
    }

    fn unprocessable(error: impl Into<String>) -> Self {
        ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, error)
    }

    fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut body = json!({ "error": self.error });
        if let Some(h) = self.help {
            body["help"] = json!(h);
        }
        if !self.diagnostics.is_empty() {
            body["diagnostics"] = json!(self.diagnostics);
        }
        if let Some(i) = self.edit {
            body["edit"] = json!(i);
        }
        (self.status, Json(body)).into_response()
    }
}

/// `Json` with its rejections as [`ApiError`]s: malformed or mistyped JSON is a 400 with the
/// parser's message; a body too large stays 413 and a missing content type 415.
pub struct ApiJson<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for ApiJson<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, ApiError> {
        let limit = req.extensions().get::<BodyTimeout>().map(|t| t.0);
        let read = Json::<T>::from_request(req, state);
        let read = match limit {
            Some(d) => match tokio::time::timeout(d, read).await {
                Ok(r) => r,
                Err(_) => {
                    return Err(ApiError::new(
                        StatusCode::REQUEST_TIMEOUT,
                        format!(
                            "the request body did not arrive within {}",
                            seconds(d.as_secs_f64())
                        ),
                    )
                    .help("send the whole body at once"));
                }
            },
            None => read.await,
        };
        match read {
            Ok(Json(v)) => Ok(ApiJson(v)),
            Err(rej) => {
                let status = match rej.status() {
                    s @ (StatusCode::PAYLOAD_TOO_LARGE | StatusCode::UNSUPPORTED_MEDIA_TYPE) => s,
                    _ => StatusCode::BAD_REQUEST,
                };
                let help = match status {
                    StatusCode::PAYLOAD_TOO_LARGE => format!(
                        "requests are limited to {} MiB",
                        crate::MAX_BODY_BYTES / (1024 * 1024)
                    ),
                    StatusCode::UNSUPPORTED_MEDIA_TYPE => {
                        "send the body with `Content-Type: application/json`".to_string()
                    }
                    _ => "see docs/web.md for the shape of each request".to_string(),
                };
                Err(ApiError::new(status, rej.body_text()).help(help))
            }
        }
    }
}

/// How long a request's body may take to arrive once its headers are in; the server's guard
/// puts it in every request's extensions.
#[derive(Debug, Clone, Copy)]
pub struct BodyTimeout(pub Duration);

/// A duration for a person: `30 s`, `0.05 s`.
fn seconds(s: f64) -> String {
    format!("{} s", (s * 1000.0).round() / 1000.0)
}

impl AppState {
    /// Runs `work` on the blocking pool once a worker is free; see [`AppState::spawn`].
    async fn blocking<R: Send + 'static>(
        &self,
        work: impl FnOnce() -> R + Send + 'static,
    ) -> Result<R, ApiError> {
        let worker = self.worker().await?;
        self.spawn(worker, work).await
    }

    /// Waits for a free worker.
    async fn worker(&self) -> Result<tokio::sync::OwnedSemaphorePermit, ApiError> {
        self.work
            .clone()
            .acquire_owned()
            .await
            .map_err(|_| ApiError::new(StatusCode::SERVICE_UNAVAILABLE, "the server is stopping"))
    }

    /// Runs `work` on the blocking pool with `worker`, which is held until `work` returns, even
    /// when the request is dropped first (the client hung up): the cap counts work being done,
    /// not requests being waited for.
    fn spawn<R: Send + 'static, F: FnOnce() -> R + Send + 'static>(
        &self,
        worker: tokio::sync::OwnedSemaphorePermit,
        work: F,
    ) -> impl Future<Output = Result<R, ApiError>> + use<R, F> {
        let busy = self.busy.clone();
        let job = tokio::task::spawn_blocking(move || {
            busy.fetch_add(1, Ordering::SeqCst);
            let _done = Done {
                busy,
                _worker: worker,
            };
            work()
        });
        async move {
            job.await.map_err(|_| {
                ApiError::new(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "the request failed unexpectedly",
                )
            })
        }
    }
}

/// The end of a blocking job, however it ends: one fewer busy, and its worker back.
struct Done {
    busy: Arc<AtomicUsize>,
    _worker: tokio::sync::OwnedSemaphorePermit,
}

impl Drop for Done {
    fn drop(&mut self) {
        self.busy.fetch_sub(1, Ordering::SeqCst);
    }
}

/// Stops the run of a request whose future is dropped (the client hung up, or the server
/// stops); a run that ended is not affected.
struct StopOnDrop(Cancel);

impl Drop for StopOnDrop {
    fn drop(&mut self) {
        self.0.stop(Stop::Cancelled);
    }
}

/// How busy the server is: its workers, and the jobs computing now.
pub async fn status(State(state): State<AppState>) -> Json<serde_json::Value> {
    Json(json!({
        "workers": state.config.limits.workers.max(1),
        "busy": state.busy.load(Ordering::SeqCst),
        "run_budget_seconds": state.config.limits.run_budget.map(|d| d.as_secs_f64()),
    }))
}

pub async fn index() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/html; charset=utf-8"),
            (header::CACHE_CONTROL, "no-cache"),
        ],
        assets::INDEX_HTML,
    )
        .into_response()
}

pub async fn asset(name: Result<Path<String>, PathRejection>) -> Response {
    match name.ok().and_then(|Path(n)| assets::asset(&n)) {
        Some(a) => (
            [
                (header::CONTENT_TYPE, a.content_type),
                (header::CACHE_CONTROL, "no-cache"),
            ],
            a.body,
        )
            .into_response(),
        None => not_found().await,
    }
}

pub async fn not_found() -> Response {
    ApiError::new(StatusCode::NOT_FOUND, "not found").into_response()
}

#[derive(Serialize)]
struct ModelOut {
    name: &'static str,
    summary: &'static str,
    dynamic: bool,
}

pub async fn models() -> Json<serde_json::Value> {
    let models: Vec<ModelOut> = model::all()
        .iter()
        .map(|m| {
            let i = m.info();
            ModelOut {
                name: i.name,
                summary: i.summary,
                dynamic: i.dynamic,
            }
        })
        .collect();
    Json(json!({ "models": models }))
}

pub async fn scenarios() -> Json<serde_json::Value> {
    let list: Vec<serde_json::Value> = assets::SCENARIOS
        .iter()
        .map(|(name, text)| {
            let title = parse_toml(text).ok().and_then(|s| s.meta.name);
            json!({ "name": name, "title": title })
        })
        .collect();
    Json(json!({ "scenarios": list }))
}

pub async fn scenario(name: Result<Path<String>, PathRejection>) -> Response {
    let name = name.map(|Path(n)| n).unwrap_or_default();
    match assets::scenario(&name) {
        Some(text) => Json(json!({ "name": name, "toml": text })).into_response(),
        None => {
            let names: Vec<&str> = assets::SCENARIOS.iter().map(|(n, _)| *n).collect();
            ApiError::new(StatusCode::NOT_FOUND, "no bundled scenario of that name")
                .help(format!("bundled: {}", list(&names)))
                .into_response()
        }
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ParseReq {
    toml: String,
}

/// A scenario text as the page shows it: the table (absent when the text is not TOML) and
/// every problem, each at its line and, where one caused it, its cell.
#[derive(Serialize)]
pub struct Parsed {
    ok: bool,
    view: Option<View>,
    diagnostics: Vec<DiagOut>,
    /// The model a run of this scenario uses when none is named (`model::choose`).
    default_model: Option<&'static str>,
}

fn parsed(text: &str) -> (Parsed, Option<Scenario>) {
    let read = view::read(text);
    let targets = read.as_ref().map_or(&[][..], |r| &r.targets[..]);
    let (scenario, diags) = match parse_toml(text) {
        Ok(s) => (Some(s), Vec::new()),
        Err(d) => (None, d),
    };
    let out = Parsed {
        ok: scenario.is_some(),
        default_model: scenario
            .as_ref()
            .and_then(|s| model::choose(s, None).ok())
            .map(|m| m.info().name),
        diagnostics: view::diagnostics(text, &diags, targets),
        view: read.map(|r| r.view),
    };
    (out, scenario)
}

pub async fn parse(
    State(state): State<AppState>,
    ApiJson(req): ApiJson<ParseReq>,
) -> Result<Json<Parsed>, ApiError> {
    state.blocking(move || parsed(&req.toml).0).await.map(Json)
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EditReq {
    toml: String,
    edits: Vec<Edit>,
}

#[derive(Serialize)]
pub struct Edited {
    toml: String,
    #[serde(flatten)]
    parsed: Parsed,
}

pub async fn edit(
    State(state): State<AppState>,
    ApiJson(req): ApiJson<EditReq>,
) -> Result<Json<Edited>, ApiError> {
    if req.edits.len() > MAX_EDITS {
        return Err(ApiError::unprocessable(format!(
            "{} edits in one request; at most {MAX_EDITS}",
            req.edits.len()
        )));
    }
    state
        .blocking(move || {
            let toml = edit::apply(&req.toml, &req.edits).map_err(|e| ApiError {
                edit: Some(e.index),
                help: e.help,
                ..ApiError::unprocessable(e.message)
            })?;
            let parsed = parsed(&toml).0;
            Ok(Json(Edited { toml, parsed }))
        })
        .await?
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ImportReq {
    text: String,
    /// The uploaded file's name, for the scenario's name when the file gives none.
    #[serde(default)]
    name: Option<String>,
    /// `toml`, `classic`, `ktab`, `decide` or `deu`; recognised from the content if absent.
    #[serde(default)]
    format: Option<String>,
}

#[derive(Serialize)]
struct ImportedItem {
    key: String,
    toml: String,
}

/// Turns an uploaded file into TOML scenarios to edit: TOML passes through unchanged (its
/// comments kept); the other formats go through the core's importers.
pub async fn import(
    State(state): State<AppState>,
    ApiJson(req): ApiJson<ImportReq>,
) -> Result<Json<serde_json::Value>, ApiError> {
    let format = match req.format.as_deref() {
        None | Some("") => import::detect(&req.text),
        Some(f) => Format::parse(f).ok_or_else(|| {
            ApiError::unprocessable(format!("unknown format `{f}`"))
                .help("formats: toml, classic, ktab, decide, deu")
        })?,
    };
    let stem = stem(req.name.as_deref());
    if format == Format::Toml {
        return Ok(Json(json!({
            "format": "toml",
            "items": [ImportedItem { key: stem, toml: req.text }],
            "warnings": [],
        })));
    }
    let text = req.text;
    state
        .blocking(move || imported(format, &text, &stem))
        .await?
}

/// The import of `text` as `format` and its answer, computed on a worker: the TOML emitted and
/// the diagnostics rendered there too, since they cost as much as the import.
fn imported(format: Format, text: &str, stem: &str) -> Result<Json<serde_json::Value>, ApiError> {
    let result = (import::import(format, text, stem), text);
    match result {
        (Ok(imp), text) => {
            let items: Vec<ImportedItem> = imp
                .items
                .iter()
                .map(|i| ImportedItem {
                    key: i.key.clone(),
                    toml: emit::to_toml(&i.scenario, &imp.header),
                })
                .collect();
            Ok(Json(json!({
                "format": format.name(),
                "items": items,
                "warnings": view::diagnostics(text, &imp.warnings, &[]),
            })))
        }
        (Err(diags), text) => Err(ApiError {
            diagnostics: view::diagnostics(text, &diags, &[]),
            ..ApiError::unprocessable(format!(
                "the file could not be read as {} (the problems are listed with their lines)",
                format.name()
            ))
        }),
    }
}

/// A file name's stem, kept short and printable.
fn stem(name: Option<&str>) -> String {
    let name = name.unwrap_or("uploaded");
    let base = name.rsplit(['/', '\\']).next().unwrap_or(name);
    let stem = base.rsplit_once('.').map_or(base, |(s, _)| s);
    let s: String = stem.chars().filter(|c| !c.is_control()).take(80).collect();
    if s.is_empty() { "uploaded".into() } else { s }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RunReq {
    toml: String,
    /// Default: `war` for a scenario with a `[war]` section, else `compromise` (as the CLI).
    #[serde(default)]
    model: Option<String>,
    #[serde(default)]
    policy: Option<String>,
    /// Sampled runs for the uncertainty charts, at most `MAX_RUNS`.
    #[serde(default)]
    runs: Option<u64>,
    #[serde(default)]
    seed: Option<u64>,
}

#[derive(Serialize)]
pub struct RunResp {
    output: RunOutput,
    /// What the model says of its run, for a person (also the last of `output.notes`).
    findings: Vec<String>,
    /// The ids of the report sections the model made of its own run, to show first.
    model_sections: Vec<String>,
    report: Option<detente_report::Report>,
    /// Why the charts could not be drawn, when the run itself worked.
    report_error: Option<String>,
}

pub async fn run(
    State(state): State<AppState>,
    ApiJson(req): ApiJson<RunReq>,
) -> Result<Json<RunResp>, ApiError> {
    let runs = req.runs.unwrap_or(crate::charts::DEFAULT_RUNS);
    if !(1..=MAX_RUNS).contains(&runs) {
        return Err(ApiError::unprocessable(format!(
            "{runs} runs asked for; between 1 and {MAX_RUNS}"
        ))
        .help("the uncertainty charts sample this many futures; 1,000 draws them well"));
    }
    if let Some(m) = req.model.as_deref().filter(|m| model::by_name(m).is_none()) {
        let names = model::names();
        return Err(
            ApiError::unprocessable(format!("unknown model `{m}`")).help(format!(
                "{}; models: {}",
                did_you_mean(m, &names, "model"),
                list(&names)
            )),
        );
    }
    let policy = req.policy.filter(|p| !p.is_empty());
    let seed = req.seed.unwrap_or(0);
    let toml = req.toml;
    let model = req.model;

    let token = Cancel::new();
    let _hangup = StopOnDrop(token.clone());
    let budget = state.config.limits.run_budget;
    // The budget counts from the moment a worker takes the run, not while it waits for one.
    let worker = state.worker().await?;
    let job = state.spawn(worker, {
        let token = token.clone();
        move || {
            let _in = token.enter();
            compute(&toml, model, policy, runs, seed)
        }
    });
    let result = match budget {
        None => job.await,
        Some(b) => match tokio::time::timeout(b, job).await {
            Ok(r) => r,
            Err(_) => {
                // The run stops at its next round; its worker stays taken until it has.
                token.stop(Stop::OutOfTime);
                return Err(out_of_time(b, runs));
            }
        },
    };
    match result? {
        Err(RunFail::Api(e)) => Err(e),
        Err(RunFail::Stopped(Stop::OutOfTime)) => {
            Err(out_of_time(budget.unwrap_or_default(), runs))
        }
        Err(RunFail::Stopped(s @ Stop::Cancelled)) => Err(ApiError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            s.to_string(),
        )),
        Ok(r) => Ok(Json(r)),
    }
}

/// 503: the budget is spent; what to do instead.
fn out_of_time(budget: Duration, runs: u64) -> ApiError {
    ApiError::new(
        StatusCode::SERVICE_UNAVAILABLE,
        format!(
            "the run took longer than this server's budget of {} and was stopped",
            seconds(budget.as_secs_f64())
        ),
    )
    .help(format!(
        "ask for fewer sampled runs (`runs`, {runs} here), run a smaller scenario or a static model \
         such as `compromise`, lower the model's rounds or turns, or start the server with a larger \
         `--run-budget` (`detente serve --run-budget 120s`)"
    ))
}

enum RunFail {
    Api(ApiError),
    Stopped(Stop),
}

impl From<ApiError> for RunFail {
    fn from(e: ApiError) -> Self {
        RunFail::Api(e)
    }
}

/// One `/api/run`, on a worker: the scenario checked, the run, and the report's charts.
fn compute(
    toml: &str,
    model: Option<String>,
    policy: Option<String>,
    runs: u64,
    seed: u64,
) -> Result<RunResp, RunFail> {
    let (parsed, scenario) = parsed(toml);
    let Some(scenario) = scenario else {
        return Err(ApiError {
            diagnostics: parsed.diagnostics,
            ..ApiError::unprocessable("the scenario has errors; each is shown at its line")
        }
        .into());
    };
    scenario
        .apply_policy(policy.as_deref())
        .map_err(|e| ApiError::unprocessable(e.to_string()).help(e.help()))?;
    let m = model::choose(&scenario, model.as_deref())
        .map_err(|e| ApiError::unprocessable(e.to_string()).help(e.help()))?;
    let model_name = m.info().name.to_string();
    let output = output::run(
        &scenario,
        "scenario",
        m,
        policy.as_deref(),
        &RunOptions { seed },
    )
    .map_err(|e| match e {
        RunError::UnknownPolicy(e) => ApiError::unprocessable(e.to_string()).help(e.help()).into(),
        RunError::Model(m) => {
            let mut err = ApiError::unprocessable(format!("{model_name}: {}", m.message));
            err.help = m.help;
            err.into()
        }
        RunError::Stopped(s) => RunFail::Stopped(s),
    })?;
    let (report, report_error) = match crate::charts::build(
        &scenario,
        &model_name,
        policy.as_deref(),
        runs,
        seed,
        output.clone(),
    ) {
        Ok(r) => (Some(r), None),
        Err(e) => (None, Some(e.to_string())),
    };
    // A report cut short says so only in words; the token says why.
    if let Err(s) = cancel::check() {
        return Err(RunFail::Stopped(s));
    }
    let findings = output
        .detail
        .as_ref()
        .map_or_else(Vec::new, |d| d.summary.clone());
    let model_sections = output.detail.as_ref().map_or_else(Vec::new, |d| {
        d.sections.iter().map(|s| s.id.clone()).collect()
    });
    Ok(RunResp {
        output,
        findings,
        model_sections,
        report,
        report_error,
    })
}
