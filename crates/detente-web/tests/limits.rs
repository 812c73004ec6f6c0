//! The server's limits through real sockets: workers held until work ends, runs stopped when
//! nobody waits or their budget is spent, header and body timeouts, the connection cap.
//!
//! The slow scenario is generated here (`slow_smp`): 150 actors under `smp` with 300 turns,
//! about two minutes of one core in a debug build and under a second a turn, so that a run
//! which ends within the waits below was stopped and did not finish.

use std::net::SocketAddr;
use std::time::Duration;

use detente_web::{Config, Limits};
use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// `n` actors on two issues under `smp`, made to run every one of `turns` turns.
fn slow_smp(n: usize, turns: u32) -> String {
    let mut s = String::from("format = 1\n[scenario]\nname = \"web_slow_smp\"\n");
    for k in 0..2 {
        s += &format!("[[issue]]\nid = \"i{k}\"\nscale = [0, 100]\n");
    }
    for a in 0..n {
        s += &format!(
            "[[actor]]\nid = \"a{a}\"\ncapability = {}\nposition = {{ i0 = {}, i1 = {} }}\n\
             salience = {{ i0 = {}, i1 = {} }}\n",
            1 + (a * 17) % 50,
            (a * 37) % 101,
            (a * 37 + 11) % 101,
            0.2 + ((a * 13) % 80) as f64 / 100.0,
            0.2 + ((a * 13 + 7) % 80) as f64 / 100.0,
        );
    }
    s += &format!("[models.smp]\nmax_turns = {turns}\nmin_turns = {turns}\n");
    s
}

fn run_body() -> String {
    json!({ "toml": slow_smp(150, 300), "model": "smp", "runs": 1 }).to_string()
}

struct Server {
    addr: SocketAddr,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    task: tokio::task::JoinHandle<std::io::Result<()>>,
}

impl Server {
    async fn start(config: impl FnOnce(SocketAddr) -> Config) -> Server {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let task = tokio::spawn(detente_web::serve_with(listener, config(addr), async {
            let _ = stopped.await;
        }));
        Server {
            addr,
            stop: Some(stop),
            task,
        }
    }

    async fn stop(mut self) {
        let _ = self.stop.take().unwrap().send(());
        tokio::time::timeout(Duration::from_secs(20), self.task)
            .await
            .expect("the server stops")
            .unwrap()
            .unwrap();
    }
}

fn limits(f: impl FnOnce(&mut Limits)) -> impl FnOnce(SocketAddr) -> Config {
    move |addr| {
        let mut c = Config::for_addr(addr);
        f(&mut c.limits);
        c
    }
}

fn request_text(addr: SocketAddr, method: &str, path: &str, body: &str) -> String {
    format!(
        "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\n\
         Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
}

/// One request on a new connection; the status and the JSON body. Fails after `wait`.
async fn call(
    addr: SocketAddr,
    method: &str,
    path: &str,
    body: &str,
    wait: Duration,
) -> (u16, Value) {
    let exchange = async {
        let mut s = TcpStream::connect(addr).await.unwrap();
        s.write_all(request_text(addr, method, path, body).as_bytes())
            .await
            .unwrap();
        let mut buf = Vec::new();
        s.read_to_end(&mut buf).await.unwrap();
        buf
    };
    let buf = tokio::time::timeout(wait, exchange)
        .await
        .unwrap_or_else(|_| panic!("no answer to {method} {path} within {wait:?}"));
    let text = String::from_utf8_lossy(&buf);
    let status = text
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let body = text.split_once("\r\n\r\n").map_or("", |(_, b)| b);
    (status, serde_json::from_str(body).unwrap_or(Value::Null))
}

async fn busy(addr: SocketAddr) -> u64 {
    let (s, v) = call(addr, "GET", "/api/status", "", Duration::from_secs(10)).await;
    assert_eq!(s, 200, "{v}");
    v["busy"].as_u64().unwrap()
}

/// Waits until `/api/status` says `want` jobs are computing; false after `limit`.
async fn busy_becomes(addr: SocketAddr, want: u64, limit: Duration) -> bool {
    let start = std::time::Instant::now();
    while start.elapsed() < limit {
        if busy(addr).await == want {
            return true;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    false
}

/// A run whose client hangs up keeps its worker until it has stopped, and it stops at its
/// next turn instead of running its minutes to the end. A parse waits for that worker.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_client_that_hangs_up_stops_its_run_which_holds_its_worker_until_it_ends() {
    let server = Server::start(limits(|l| {
        l.workers = 1;
        l.run_budget = None;
    }))
    .await;
    let addr = server.addr;
    let mut client = TcpStream::connect(addr).await.unwrap();
    client
        .write_all(request_text(addr, "POST", "/api/run", &run_body()).as_bytes())
        .await
        .unwrap();
    assert!(
        busy_becomes(addr, 1, Duration::from_secs(20)).await,
        "the run starts"
    );
    drop(client);

    // The only worker is the run's until the run has stopped: the parse is answered after it.
    let (s, v) = call(
        addr,
        "POST",
        "/api/parse",
        &json!({ "toml": "format = 1\n" }).to_string(),
        Duration::from_secs(30),
    )
    .await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(
        busy(addr).await,
        0,
        "the run has stopped by the time the parse is answered"
    );
    server.stop().await;
}

/// A run past its budget is stopped and answered with 503 and what to do; its worker comes
/// back once it has stopped.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_run_past_its_budget_is_answered_503_and_stops() {
    let server = Server::start(limits(|l| {
        l.workers = 1;
        l.run_budget = Some(Duration::from_millis(50));
    }))
    .await;
    let addr = server.addr;
    let (s, v) = call(
        addr,
        "POST",
        "/api/run",
        &run_body(),
        Duration::from_secs(15),
    )
    .await;
    assert_eq!(s, 503, "{v}");
    assert!(
        v["error"].as_str().unwrap().contains("budget of 0.05 s"),
        "{v}"
    );
    let help = v["help"].as_str().unwrap();
    assert!(
        help.contains("fewer sampled runs") && help.contains("--run-budget"),
        "{v}"
    );
    assert!(
        busy_becomes(addr, 0, Duration::from_secs(15)).await,
        "the run stops soon after its budget"
    );
    // A quick run within the budget still works.
    let (s, v) = call(
        addr,
        "POST",
        "/api/run",
        &json!({ "toml": slow_smp(3, 2), "model": "compromise", "runs": 1 }).to_string(),
        Duration::from_secs(15),
    )
    .await;
    assert_eq!(s, 200, "{v}");
    server.stop().await;
}

/// Half-sent headers are closed after the header timeout, idle keep-alive connections too, and
/// a normal request is answered while more of them than the cap are open.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn half_sent_headers_are_closed_and_others_still_answered() {
    let cap = 8;
    let server = Server::start(limits(|l| {
        l.header_timeout = Duration::from_millis(300);
        l.max_connections = cap;
    }))
    .await;
    let addr = server.addr;
    let mut half = Vec::new();
    for _ in 0..3 * cap {
        let mut s = TcpStream::connect(addr).await.unwrap();
        s.write_all(format!("GET / HTTP/1.1\r\nHost: {addr}\r\n").as_bytes())
            .await
            .unwrap();
        half.push(s);
    }
    let (s, _) = call(addr, "GET", "/api/models", "", Duration::from_secs(10)).await;
    assert_eq!(s, 200);
    for mut s in half {
        let mut buf = [0u8; 256];
        // Closed by the server: end of stream (or a reset), perhaps after a 408.
        let read = tokio::time::timeout(Duration::from_secs(10), async {
            loop {
                match s.read(&mut buf).await {
                    Ok(0) | Err(_) => break,
                    Ok(_) => {}
                }
            }
        })
        .await;
        assert!(read.is_ok(), "a half-sent request is still open");
    }

    // Keep-alive: answered, then closed when idle for as long.
    let mut s = TcpStream::connect(addr).await.unwrap();
    s.write_all(format!("GET /api/models HTTP/1.1\r\nHost: {addr}\r\n\r\n").as_bytes())
        .await
        .unwrap();
    let mut all = Vec::new();
    let closed = tokio::time::timeout(Duration::from_secs(10), s.read_to_end(&mut all)).await;
    assert!(closed.is_ok(), "an idle connection is closed");
    assert!(String::from_utf8_lossy(&all).starts_with("HTTP/1.1 200"));
    server.stop().await;
}

/// Past the connection cap the server accepts nothing more until a connection closes.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn connections_past_the_cap_wait_for_a_free_one() {
    let server = Server::start(limits(|l| {
        l.header_timeout = Duration::from_secs(30);
        l.max_connections = 2;
    }))
    .await;
    let addr = server.addr;
    let a = TcpStream::connect(addr).await.unwrap();
    let b = TcpStream::connect(addr).await.unwrap();
    let waiting = tokio::spawn(call(
        addr,
        "GET",
        "/api/models",
        "",
        Duration::from_secs(15),
    ));
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(
        !waiting.is_finished(),
        "a third connection is served past a cap of 2"
    );
    drop(a);
    let (s, _) = waiting.await.unwrap();
    assert_eq!(s, 200);
    drop(b);
    server.stop().await;
}

/// A body that does not arrive in time is answered 408.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_body_sent_too_slowly_is_answered_408() {
    let server = Server::start(limits(|l| l.body_timeout = Duration::from_millis(200))).await;
    let addr = server.addr;
    let mut s = TcpStream::connect(addr).await.unwrap();
    s.write_all(
        format!(
            "POST /api/parse HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\n\
             Content-Length: 100\r\n\r\n{{\"toml\""
        )
        .as_bytes(),
    )
    .await
    .unwrap();
    let mut buf = Vec::new();
    tokio::time::timeout(Duration::from_secs(10), s.read_to_end(&mut buf))
        .await
        .expect("an answer")
        .unwrap();
    let text = String::from_utf8_lossy(&buf);
    assert!(text.starts_with("HTTP/1.1 408"), "{text}");
    server.stop().await;
}
