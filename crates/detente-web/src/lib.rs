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
use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

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

/// What bounds the server's work and connections (`docs/web.md`, "Limits").
#[derive(Debug, Clone)]
pub struct Limits {
    /// Wall time one `/api/run` may compute (its run, ensemble and charts); past it the run is
    /// stopped and the answer is 503. `None`: no budget.
    pub run_budget: Option<Duration>,
    /// Parses, imports, edits and runs computed at once; others wait their turn.
    pub workers: usize,
    /// Time a client has to send a request's headers, and the longest an idle keep-alive
    /// connection stays open (hyper's header timer runs from the moment it waits for a request).
    pub header_timeout: Duration,
    /// Time a client has to send a request's whole body once its headers are in (408).
    pub body_timeout: Duration,
    /// Open connections; past it the server stops accepting until one closes.
    pub max_connections: usize,
}

/// The default time budget of a run.
pub const DEFAULT_RUN_BUDGET: Duration = Duration::from_secs(30);

impl Default for Limits {
    fn default() -> Self {
        Limits {
            run_budget: Some(DEFAULT_RUN_BUDGET),
            workers: std::thread::available_parallelism().map_or(1, usize::from),
            header_timeout: Duration::from_secs(10),
            body_timeout: Duration::from_secs(30),
            max_connections: 256,
        }
    }
}

/// How the router is built. The default accepts any `Host` header (tests, embedding).
#[derive(Debug, Clone, Default)]
pub struct Config {
    /// When set, requests whose `Host` header is not one of these (`127.0.0.1:8765`) are
    /// refused: a web page elsewhere cannot reach the server through a name it controls (DNS
    /// rebinding).
    pub allowed_hosts: Option<Vec<String>>,
    /// Timeouts, caps and sizes the server keeps to.
    pub limits: Limits,
}

impl Config {
    /// The `Host` names a server on `addr` answers to: the address itself and the loopback
    /// names (`localhost`, `127.0.0.1`, `[::1]`), each with the port. An unspecified address
    /// (0.0.0.0, ::) is no name a browser sends, so a server bound there answers to loopback
    /// names and to those given with [`Config::allow_host`] (`--allow-host`) only.
    pub fn for_addr(addr: SocketAddr) -> Config {
        let port = addr.port();
        let mut hosts = vec![
            format!("localhost:{port}"),
            format!("127.0.0.1:{port}"),
            format!("[::1]:{port}"),
        ];
        if !addr.ip().is_unspecified() {
            let own = host_name(&addr.ip().to_string(), port);
            if !hosts.contains(&own) {
                hosts.push(own);
            }
        }
        Config {
            allowed_hosts: Some(hosts),
            limits: Limits::default(),
        }
    }

    /// Also answers to `name` (a host name or an address, with or without a port; without
    /// one, the server's port is meant). No effect on a config without a `Host` check.
    pub fn allow_host(mut self, name: &str, port: u16) -> Config {
        if let Some(hosts) = &mut self.allowed_hosts {
            hosts.push(host_name(name, port));
        }
        self
    }

    /// The same config with other limits.
    pub fn with_limits(mut self, limits: Limits) -> Config {
        self.limits = limits;
        self
    }
}

/// `name` as a `Host` header carries it: `name:port`, IPv6 addresses in brackets.
fn host_name(name: &str, port: u16) -> String {
    let name = name.trim();
    if let Ok(IpAddr::V6(ip)) = name.parse::<IpAddr>() {
        return format!("[{ip}]:{port}");
    }
    let has_port = match name.rsplit_once(':') {
        Some((h, p)) => !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()) && !h.is_empty(),
        None => false,
    };
    if has_port {
        name.to_string()
    } else {
        format!("{name}:{port}")
    }
}

#[derive(Clone)]
struct AppState {
    config: Arc<Config>,
    /// Parses, imports, edits and runs take a CPU each and memory in proportion to their
    /// input; more at once would only queue in the blocking pool and add up in memory.
    work: Arc<tokio::sync::Semaphore>,
    /// Jobs computing now on the blocking pool (`/api/status`).
    busy: Arc<std::sync::atomic::AtomicUsize>,
}

/// The application with no `Host` check, for tests and embedding.
pub fn router() -> Router {
    router_with(Config::default())
}

/// The application with this config's `Host` check and limits.
pub fn router_with(config: Config) -> Router {
    let state = AppState {
        work: Arc::new(tokio::sync::Semaphore::new(config.limits.workers.max(1))),
        busy: Arc::default(),
        config: Arc::new(config),
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
        .route("/api/status", get(api::status))
        .fallback(api::not_found)
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        .layer(middleware::from_fn_with_state(state.clone(), guard))
        .with_state(state)
}

/// Checks the `Host` header and adds headers that keep the page to its own resources.
async fn guard(State(state): State<AppState>, mut req: Request, next: Next) -> Response {
    if let Some(allowed) = &state.config.allowed_hosts {
        let host = req
            .headers()
            .get(header::HOST)
            .and_then(|h| h.to_str().ok())
            .unwrap_or("");
        if !allowed.iter().any(|a| a.eq_ignore_ascii_case(host)) {
            return (
                StatusCode::MISDIRECTED_REQUEST,
                "this server answers only to its own address and loopback names, e.g. \
                 http://127.0.0.1:PORT/; start it with --allow-host NAME to answer to NAME too\n",
            )
                .into_response();
        }
    }
    req.extensions_mut()
        .insert(api::BodyTimeout(state.config.limits.body_timeout));
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
/// the listener's address (see [`Config::for_addr`]); the limits are the defaults.
pub async fn serve(
    listener: TcpListener,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let config = Config::for_addr(listener.local_addr()?);
    serve_with(listener, config, shutdown).await
}

/// Serves `config`'s application on `listener` until `shutdown` completes, with its
/// connection limits: at most `max_connections` open (the rest wait in the listen queue),
/// each closed when its headers take longer than `header_timeout` or it sits idle as long.
pub async fn serve_with(
    listener: TcpListener,
    config: Config,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    use hyper_util::rt::{TokioIo, TokioTimer};
    use hyper_util::service::TowerToHyperService;

    let limits = config.limits.clone();
    let app = router_with(config);
    let open = Arc::new(tokio::sync::Semaphore::new(limits.max_connections.max(1)));
    let graceful = hyper_util::server::graceful::GracefulShutdown::new();
    let mut shutdown = std::pin::pin!(shutdown);
    loop {
        // A slot first, then accept: over the cap, connections wait in the kernel's queue
        // and cost this process no descriptor.
        let slot = tokio::select! {
            s = open.clone().acquire_owned() => match s {
                Ok(s) => s,
                Err(_) => break,
            },
            () = &mut shutdown => break,
        };
        let stream = tokio::select! {
            r = listener.accept() => match r {
                Ok((stream, _)) => stream,
                // Out of descriptors, or a connection reset before it was accepted: wait a
                // little rather than spin or stop serving.
                Err(_) => {
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        let _ = stream.set_nodelay(true);
        let conn = hyper::server::conn::http1::Builder::new()
            .timer(TokioTimer::new())
            .header_read_timeout(limits.header_timeout)
            .serve_connection(TokioIo::new(stream), TowerToHyperService::new(app.clone()));
        let conn = graceful.watch(conn);
        tokio::spawn(async move {
            let _ = conn.await;
            drop(slot);
        });
    }
    drop(listener);
    graceful.shutdown().await;
    Ok(())
}

/// Binds `host:port` (a name or an address; port 0 picks a free one), before any runtime
/// exists, so that a front end can report a taken port at once.
pub fn bind(host: &str, port: u16) -> std::io::Result<std::net::TcpListener> {
    let listener = std::net::TcpListener::bind((host, port))?;
    listener.set_nonblocking(true)?;
    Ok(listener)
}

/// Serves `config`'s application on `listener` until Ctrl-C, on a runtime of its own; for a
/// synchronous caller (`detente serve`).
pub fn run_until_ctrl_c(listener: std::net::TcpListener, config: Config) -> std::io::Result<()> {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    rt.block_on(async move {
        let listener = TcpListener::from_std(listener)?;
        serve_with(listener, config, async {
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
