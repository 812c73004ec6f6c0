//! detente-web: the local web application behind `detente serve`.
//!
//! An axum router over an embedded page (`assets/`), a JSON API (`api`), table editing that
//! keeps the person's TOML layout (`edit`), and the table view with diagnostics mapped to
//! cells (`view`). Nothing is read from or written to the file system. See `docs/web.md`.

mod api;
pub mod assets;
mod charts;
pub mod edit;
pub mod view;

use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;

use axum::Router;
use axum::extract::{DefaultBodyLimit, Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use tokio::net::TcpListener;

/// Requests larger than this are refused (413) before they are read.
pub const MAX_BODY_BYTES: usize = 2 * 1024 * 1024;
/// The most runs one request may ask for (uncertainty charts).
pub const MAX_RUNS: u64 = 20_000;
/// The most table edits in one request.
pub const MAX_EDITS: usize = 1_000;

/// How the router is built. The default accepts any `Host` header (tests, or a server bound
/// to a non-loopback address by an explicit `--host`).
#[derive(Debug, Clone, Default)]
pub struct Config {
    /// When set, requests whose `Host` header is not one of these (`127.0.0.1:8765`) are
    /// refused: a web page elsewhere cannot reach the server through a name it controls (DNS
    /// rebinding).
    pub allowed_hosts: Option<Vec<String>>,
}

impl Config {
    /// The names a browser on this machine uses for a loopback address, or no check for an
    /// address others can reach (the person chose to serve under names we cannot know).
    pub fn for_addr(addr: SocketAddr) -> Config {
        if !addr.ip().is_loopback() {
            return Config::default();
        }
        let port = addr.port();
        let ip = match addr {
            SocketAddr::V4(a) => a.ip().to_string(),
            SocketAddr::V6(a) => format!("[{}]", a.ip()),
        };
        Config {
            allowed_hosts: Some(vec![
                format!("{ip}:{port}"),
                format!("localhost:{port}"),
                format!("127.0.0.1:{port}"),
                format!("[::1]:{port}"),
            ]),
        }
    }
}

#[derive(Clone)]
struct AppState {
    config: Arc<Config>,
    /// Model runs take a CPU each; more at once would only queue in the blocking pool.
    runs: Arc<tokio::sync::Semaphore>,
}

/// The application with no `Host` check, for tests and embedding.
pub fn router() -> Router {
    router_with(Config::default())
}

pub fn router_with(config: Config) -> Router {
    let cpus = std::thread::available_parallelism().map_or(1, usize::from);
    let state = AppState {
        config: Arc::new(config),
        runs: Arc::new(tokio::sync::Semaphore::new(cpus)),
    };
    Router::new()
        .route("/", get(api::index))
        .route("/assets/{name}", get(api::asset))
        .route("/api/models", get(api::models))
        .route("/api/scenarios", get(api::scenarios))
        .route("/api/scenarios/{name}", get(api::scenario))
        .route("/api/parse", post(api::parse))
        .route("/api/edit", post(api::edit))
        .route("/api/import", post(api::import))
        .route("/api/run", post(api::run))
        .fallback(api::not_found)
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        .layer(middleware::from_fn_with_state(state.clone(), guard))
        .with_state(state)
}

/// Checks the `Host` header and adds headers that keep the page to its own resources.
async fn guard(State(state): State<AppState>, req: Request, next: Next) -> Response {
    if let Some(allowed) = &state.config.allowed_hosts {
        let host = req
            .headers()
            .get(header::HOST)
            .and_then(|h| h.to_str().ok())
            .unwrap_or("");
        if !allowed.iter().any(|a| a.eq_ignore_ascii_case(host)) {
            return (
                StatusCode::MISDIRECTED_REQUEST,
                "this server answers only to its own address, e.g. http://127.0.0.1:PORT/\n",
            )
                .into_response();
        }
    }
    let mut res = next.run(req).await;
    let h = res.headers_mut();
    // Report charts are inline SVG with style attributes, hence 'unsafe-inline' for styles
    // only; scripts come from /assets alone, so HTML inserted into the page cannot run code.
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(
            "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; \
             img-src 'self' data:; connect-src 'self'; form-action 'none'; \
             frame-ancestors 'none'; base-uri 'none'",
        ),
    );
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    res
}

/// Serves the application on `listener` until `shutdown` completes. The `Host` check follows
/// the listener's address (see [`Config::for_addr`]).
pub async fn serve(
    listener: TcpListener,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let config = Config::for_addr(listener.local_addr()?);
    axum::serve(listener, router_with(config))
        .with_graceful_shutdown(shutdown)
        .await
}

/// Binds `host:port` (a name or an address; port 0 picks a free one), before any runtime
/// exists, so that a front end can report a taken port at once.
pub fn bind(host: &str, port: u16) -> std::io::Result<std::net::TcpListener> {
    let listener = std::net::TcpListener::bind((host, port))?;
    listener.set_nonblocking(true)?;
    Ok(listener)
}

/// Serves on `listener` until Ctrl-C, on a runtime of its own; for a synchronous caller
/// (`detente serve`).
pub fn run_until_ctrl_c(listener: std::net::TcpListener) -> std::io::Result<()> {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    rt.block_on(async move {
        let listener = TcpListener::from_std(listener)?;
        serve(listener, async {
            // If the signal cannot be watched, serve until the process is killed.
            if tokio::signal::ctrl_c().await.is_err() {
                std::future::pending::<()>().await;
            }
        })
        .await
    })
}

/// Opens `url` in the person's default browser.
pub fn open_browser(url: &str) -> std::io::Result<()> {
    webbrowser::open(url)
}

/// The URL a browser on this machine uses for a listening address (an unspecified address,
/// 0.0.0.0 or ::, is reached through loopback).
pub fn local_url(addr: SocketAddr) -> String {
    let ip = match addr.ip() {
        ip if ip.is_unspecified() && ip.is_ipv4() => "127.0.0.1".to_string(),
        ip if ip.is_unspecified() => "[::1]".to_string(),
        std::net::IpAddr::V4(ip) => ip.to_string(),
        std::net::IpAddr::V6(ip) => format!("[{ip}]"),
    };
    format!("http://{ip}:{}/", addr.port())
}
