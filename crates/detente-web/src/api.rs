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
        match Json::<T>::from_request(req, state).await {
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
        diagnostics: view::diagnostics(text, &diags, targets),
        view: read.map(|r| r.view),
    };
    (out, scenario)
}

pub async fn parse(ApiJson(req): ApiJson<ParseReq>) -> Json<Parsed> {
    Json(parsed(&req.toml).0)
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

pub async fn edit(ApiJson(req): ApiJson<EditReq>) -> Result<Json<Edited>, ApiError> {
    if req.edits.len() > MAX_EDITS {
        return Err(ApiError::unprocessable(format!(
            "{} edits in one request; at most {MAX_EDITS}",
            req.edits.len()
        )));
    }
    let toml = edit::apply(&req.toml, &req.edits).map_err(|e| ApiError {
        edit: Some(e.index),
        help: e.help,
        ..ApiError::unprocessable(e.message)
    })?;
    let parsed = parsed(&toml).0;
    Ok(Json(Edited { toml, parsed }))
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
pub async fn import(ApiJson(req): ApiJson<ImportReq>) -> Result<Json<serde_json::Value>, ApiError> {
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
    let result = tokio::task::spawn_blocking(move || {
        let r = import::import(format, &text, &stem);
        (r, text)
    })
    .await
    .map_err(|_| ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "the import failed"))?;
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
                "warnings": view::diagnostics(&text, &imp.warnings, &[]),
            })))
        }
        (Err(diags), text) => Err(ApiError {
            diagnostics: view::diagnostics(&text, &diags, &[]),
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
    let (parsed, scenario) = parsed(&req.toml);
    let Some(scenario) = scenario else {
        return Err(ApiError {
            diagnostics: parsed.diagnostics,
            ..ApiError::unprocessable("the scenario has errors; each is shown at its line")
        });
    };
    let policy = req.policy.filter(|p| !p.is_empty());
    if let Some(p) = policy.as_ref().filter(|p| scenario.policy(p).is_none()) {
        let names: Vec<&str> = scenario.policies.iter().map(|p| p.id.as_str()).collect();
        return Err(
            ApiError::unprocessable(format!("unknown policy `{p}`")).help(if names.is_empty() {
                "this scenario defines no policies".to_string()
            } else {
                format!(
                    "{}; policies: {}",
                    did_you_mean(p, &names, "policy"),
                    list(&names)
                )
            }),
        );
    }
    let model_name = req.model.unwrap_or_else(|| {
        if scenario.war.is_some() {
            "war"
        } else {
            "compromise"
        }
        .to_string()
    });
    let seed = req.seed.unwrap_or(0);

    let _permit =
        state.runs.acquire().await.map_err(|_| {
            ApiError::new(StatusCode::SERVICE_UNAVAILABLE, "the server is stopping")
        })?;
    // The models are CPU-bound; the async executor's threads must stay free for requests.
    let job = tokio::task::spawn_blocking(move || -> Result<RunResp, ApiError> {
        let Some(m) = model::by_name(&model_name) else {
            return Err(ApiError::unprocessable(format!(
                "unknown model `{model_name}`"
            )));
        };
        let output = output::run(
            &scenario,
            "scenario",
            m,
            policy.as_deref(),
            &RunOptions { seed },
        )
        .map_err(|e| match e {
            RunError::UnknownPolicy { name, .. } => {
                ApiError::unprocessable(format!("unknown policy `{name}`"))
            }
            RunError::Model(m) => {
                let mut err = ApiError::unprocessable(format!("{model_name}: {}", m.message));
                err.help = m.help;
                err
            }
        })?;
        let (report, report_error) =
            match crate::charts::build(&scenario, &model_name, policy.as_deref(), runs, seed) {
                Ok(r) => (Some(r), None),
                Err(e) => (None, Some(e)),
            };
        Ok(RunResp {
            output,
            report,
            report_error,
        })
    });
    match job.await {
        Ok(r) => r.map(Json),
        Err(_) => Err(ApiError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "the run failed unexpectedly",
        )),
    }
}
