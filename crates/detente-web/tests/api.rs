//! The API in process (tower's `oneshot`), and a real socket for what only a server sees.

use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use detente_core::model::{self, RunOptions};
use detente_web::{Config, router, router_with};
use http_body_util::BodyExt;
use serde_json::{Value, json};
use tower::ServiceExt;

const UKRAINE: &str = include_str!("../../../scenarios/ukraine-ceasefire-2026.toml");
const CARS: &str = include_str!("../../../scenarios/ec-car-emissions.toml");

async fn send(app: Router, req: Request<Body>) -> (StatusCode, Vec<u8>, axum::http::HeaderMap) {
    let res = app.oneshot(req).await.expect("the router answers");
    let status = res.status();
    let headers = res.headers().clone();
    let body = res.into_body().collect().await.expect("a body").to_bytes();
    (status, body.to_vec(), headers)
}

async fn get(path: &str) -> (StatusCode, Vec<u8>, axum::http::HeaderMap) {
    send(router(), Request::get(path).body(Body::empty()).unwrap()).await
}

async fn post(path: &str, body: Value) -> (StatusCode, Value) {
    post_raw(path, body.to_string(), "application/json").await
}

async fn post_raw(path: &str, body: String, ctype: &str) -> (StatusCode, Value) {
    let req = Request::post(path)
        .header(header::CONTENT_TYPE, ctype)
        .body(Body::from(body))
        .unwrap();
    let (status, body, _) = send(router(), req).await;
    (status, json_body(&body))
}

async fn get_json(path: &str) -> (StatusCode, Value) {
    let (status, body, _) = get(path).await;
    (status, json_body(&body))
}

fn json_body(body: &[u8]) -> Value {
    serde_json::from_slice(body)
        .unwrap_or_else(|_| panic!("JSON body, got {}", String::from_utf8_lossy(body)))
}

/// The `name` of each entry of the list `v[list]`.
fn names<'a>(v: &'a Value, list: &str) -> Vec<&'a str> {
    v[list]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["name"].as_str().unwrap())
        .collect()
}

#[tokio::test]
async fn the_page_and_its_assets_are_served_with_a_strict_policy() {
    let (s, body, h) = get("/").await;
    assert_eq!(s, StatusCode::OK);
    assert!(String::from_utf8_lossy(&body).contains("/assets/app.js"));
    assert!(
        h[header::CONTENT_TYPE]
            .to_str()
            .unwrap()
            .starts_with("text/html")
    );
    let csp = h[header::CONTENT_SECURITY_POLICY].to_str().unwrap();
    assert!(csp.contains("script-src 'self'"), "{csp}");
    for (path, ctype) in [
        ("/assets/app.js", "text/javascript"),
        ("/assets/app.css", "text/css"),
        ("/assets/report.css", "text/css"),
    ] {
        let (s, _, h) = get(path).await;
        assert_eq!(s, StatusCode::OK, "{path}");
        assert!(h[header::CONTENT_TYPE].to_str().unwrap().starts_with(ctype));
    }
}

#[tokio::test]
async fn path_traversal_and_unknown_paths_are_not_found() {
    for path in [
        "/assets/../Cargo.toml",
        "/assets/../../../../etc/passwd",
        "/assets/..%2fCargo.toml",
        "/assets/%2e%2e%2fCargo.toml",
        "/assets/%2e%2e/%2e%2e/Cargo.toml",
        "/assets/%2Fetc%2Fpasswd",
        "/assets//etc/passwd",
        "/assets/app.js/../../Cargo.toml",
        "/assets/app.js%00.txt",
        "/assets/%ff",
        "/assets/index.html",
        "/assets/",
        "/../../etc/passwd",
        "/%2e%2e/%2e%2e/etc/passwd",
        "/api/scenarios/..%2f..%2fCargo.toml",
        "/api/scenarios/../../Cargo.toml",
        "/api/scenarios/ukraine-ceasefire-2026.toml",
        "/scenarios/ukraine-ceasefire-2026.toml",
        "/crates/detente-web/src/lib.rs",
        "/Cargo.toml",
        "/etc/passwd",
    ] {
        let (s, body, _) = get(path).await;
        assert_eq!(s, StatusCode::NOT_FOUND, "{path}");
        let text = String::from_utf8_lossy(&body);
        assert!(
            !text.contains("[workspace]") && !text.contains("root:"),
            "{path}: {text}"
        );
    }
}

#[tokio::test]
async fn bundled_scenarios_are_listed_and_served() {
    let (s, v) = get_json("/api/scenarios").await;
    assert_eq!(s, StatusCode::OK);
    let listed = names(&v, "scenarios");
    assert!(listed.contains(&"ukraine-ceasefire-2026"), "{listed:?}");
    let (s, v) = get_json("/api/scenarios/ukraine-ceasefire-2026").await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(v["toml"].as_str(), Some(UKRAINE));
    let (s, body, _) = get("/api/scenarios/nope").await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    assert!(String::from_utf8_lossy(&body).contains("ukraine-ceasefire-2026"));
}

#[tokio::test]
async fn models_are_listed() {
    let (s, v) = get_json("/api/models").await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(names(&v, "models"), model::names());
}

#[tokio::test]
async fn parse_gives_the_table() {
    let (s, v) = post("/api/parse", json!({ "toml": UKRAINE })).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(v["ok"], true);
    assert_eq!(v["diagnostics"], json!([]));
    let view = &v["view"];
    assert_eq!(view["issues"].as_array().unwrap().len(), 6);
    assert_eq!(view["actors"].as_array().unwrap().len(), 9);
    assert_eq!(view["actors"][1]["id"], "ukraine");
    assert_eq!(view["actors"][1]["capability"], "35");
    assert_eq!(view["actors"][0]["position"]["territory"], "100");
    assert_eq!(view["has_war"], true);
    assert_eq!(v["default_model"], "war");
    assert_eq!(view["policies"][0]["id"], "europe_opens_channel_now");
}

#[tokio::test]
async fn an_error_is_placed_at_its_cell_and_line() {
    let bad = UKRAINE.replacen(
        "territory = 1.0, guarantees = 1.0",
        "territory = 1.7, guarantees = 1.0",
        1,
    );
    assert_ne!(bad, UKRAINE);
    let (s, v) = post("/api/parse", json!({ "toml": bad })).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(v["ok"], false);
    let d = &v["diagnostics"][0];
    assert_eq!(d["severity"], "error");
    assert_eq!(
        d["target"],
        json!({ "actor": "ukraine", "issue": "territory", "field": "salience" })
    );
    let line = bad
        .lines()
        .position(|l| l.contains("territory = 1.7"))
        .unwrap()
        + 1;
    assert_eq!(d["line"], line);
    let [a, b] = [
        d["range"][0].as_u64().unwrap(),
        d["range"][1].as_u64().unwrap(),
    ];
    assert_eq!(
        &bad[a as usize..b as usize],
        "1.7",
        "ASCII text: UTF-16 offsets are bytes"
    );
}

#[tokio::test]
async fn a_syntax_error_gives_its_line_and_no_table() {
    let (s, v) = post(
        "/api/parse",
        json!({ "toml": "format = 1\n[[actor]\nid = 1\n" }),
    )
    .await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(v["ok"], false);
    assert_eq!(v["view"], Value::Null);
    assert_eq!(v["diagnostics"][0]["line"], 2);
}

#[tokio::test]
async fn malformed_requests_are_refused_with_a_message() {
    for (body, what) in [
        ("{", "truncated JSON"),
        ("[1, 2]", "wrong shape"),
        ("{}", "missing field"),
        (r#"{"toml": 5}"#, "wrong type"),
        (r#"{"toml": "", "extra": 1}"#, "unknown field"),
    ] {
        let (s, v) = post_raw("/api/parse", body.into(), "application/json").await;
        assert_eq!(s, StatusCode::BAD_REQUEST, "{what}");
        assert!(!v["error"].as_str().unwrap().is_empty(), "{what}");
    }
    let (s, _) = post_raw("/api/parse", r#"{"toml": ""}"#.into(), "text/plain").await;
    assert_eq!(s, StatusCode::UNSUPPORTED_MEDIA_TYPE);
    let huge = json!({ "toml": "#".repeat(detente_web::MAX_BODY_BYTES + 10) });
    let (s, v) = post("/api/parse", huge).await;
    assert_eq!(s, StatusCode::PAYLOAD_TOO_LARGE);
    assert!(v["help"].as_str().unwrap().contains("MiB"));
    let (s, _, _) = get("/api/parse").await;
    assert_eq!(s, StatusCode::METHOD_NOT_ALLOWED);
}

#[tokio::test]
async fn an_edit_changes_one_number_and_keeps_the_comments() {
    let (s, v) = post(
        "/api/edit",
        json!({ "toml": UKRAINE, "edits": [{ "actor": "ukraine", "field": "capability", "value": "45" }] }),
    )
    .await;
    assert_eq!(s, StatusCode::OK);
    let out = v["toml"].as_str().unwrap();
    let before = "capability = 35           # a third of Russia's own means; aid closes the gap";
    let after = "capability = 45           # a third of Russia's own means; aid closes the gap";
    assert!(UKRAINE.contains(before));
    assert_eq!(out, UKRAINE.replacen(before, after, 1));
    assert_eq!(v["ok"], true);
    assert_eq!(v["view"]["actors"][1]["capability"], "45");
}

#[tokio::test]
async fn a_bad_edit_is_refused_at_its_index() {
    let (s, v) = post(
        "/api/edit",
        json!({ "toml": UKRAINE, "edits": [
            { "actor": "ukraine", "field": "capability", "value": "45" },
            { "actor": "ukraine", "field": "salience", "issue": "territory", "value": "very" },
        ] }),
    )
    .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(v["edit"], 1);
    assert!(v["error"].as_str().unwrap().contains("not a number"));
    let (s, v) = post(
        "/api/edit",
        json!({ "toml": UKRAINE, "edits": [{ "actor": "atlantis", "field": "capability", "value": "1" }] }),
    )
    .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(v["error"].as_str().unwrap().contains("atlantis"));
    let many: Vec<Value> = (0..=detente_web::MAX_EDITS)
        .map(|_| json!({ "actor": "us", "field": "risk", "value": "0" }))
        .collect();
    let (s, _) = post("/api/edit", json!({ "toml": UKRAINE, "edits": many })).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
}

fn expected_outcomes(text: &str, model: &str, policy: Option<&str>) -> Value {
    let sc = detente_core::parse_toml(text).unwrap();
    let m = model::by_name(model).unwrap();
    let out =
        detente_core::output::run(&sc, "scenario", m, policy, &RunOptions { seed: 0 }).unwrap();
    json!(out.issues.iter().map(|i| i.outcome).collect::<Vec<_>>())
}

fn outcomes(v: &Value) -> Value {
    json!(
        v["output"]["issues"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| i["outcome"].clone())
            .collect::<Vec<_>>()
    )
}

#[tokio::test]
async fn run_gives_the_models_outcomes() {
    let (s, v) = post(
        "/api/run",
        json!({ "toml": CARS, "model": "median", "runs": 50 }),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["output"]["model"], "median");
    assert_eq!(outcomes(&v), expected_outcomes(CARS, "median", None));

    let (s, v) = post(
        "/api/run",
        json!({ "toml": UKRAINE, "model": "compromise", "policy": "us_walks_away", "runs": 50 }),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["output"]["policy"], "us_walks_away");
    assert_eq!(
        outcomes(&v),
        expected_outcomes(UKRAINE, "compromise", Some("us_walks_away"))
    );
}

#[tokio::test]
async fn run_defaults_to_the_war_model_for_a_war() {
    let (s, v) = post("/api/run", json!({ "toml": UKRAINE, "runs": 50 })).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["output"]["model"], "war");
    assert!(v["output"]["war"]["ending"].is_string());
}

#[tokio::test]
async fn run_refuses_what_it_cannot_do() {
    let cases = [
        (
            json!({ "toml": UKRAINE, "model": "oracle" }),
            "unknown model",
        ),
        (
            json!({ "toml": UKRAINE, "model": "compromis" }),
            "unknown model",
        ),
        (
            json!({ "toml": UKRAINE, "policy": "nuke" }),
            "unknown policy",
        ),
        (
            json!({ "toml": UKRAINE, "runs": detente_web::MAX_RUNS + 1 }),
            "runs",
        ),
        (json!({ "toml": UKRAINE, "runs": 0 }), "runs"),
        (json!({ "toml": "format = 1\n" }), "errors"),
        (json!({ "toml": CARS, "model": "war" }), "war"),
    ];
    for (body, word) in cases {
        let (s, v) = post("/api/run", body.clone()).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{body}: {v}");
        assert!(v["error"].as_str().unwrap().contains(word), "{body}: {v}");
    }
    let (s, _) = post("/api/run", json!({ "toml": UKRAINE, "seed": -1 })).await;
    assert_eq!(
        s,
        StatusCode::BAD_REQUEST,
        "a seed is a whole number from 0"
    );
    let (_, v) = post("/api/run", json!({ "toml": UKRAINE, "model": "compromis" })).await;
    assert!(v["help"].as_str().unwrap().contains("compromise"), "{v}");
    let (_, v) = post("/api/run", json!({ "toml": "format = 1\n" })).await;
    assert!(!v["diagnostics"].as_array().unwrap().is_empty(), "{v}");
}

#[tokio::test]
async fn import_reads_other_formats_as_toml() {
    let csv = include_str!("../../../data/bdm/ec-car-emissions-1994.csv");
    let (s, v) = post("/api/import", json!({ "text": csv, "name": "cars.csv" })).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["format"], "classic");
    let toml = v["items"][0]["toml"].as_str().unwrap();
    assert!(detente_core::parse_toml(toml).is_ok(), "{toml}");

    let (s, v) = post("/api/import", json!({ "text": UKRAINE, "name": "u.toml" })).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(
        v["items"][0]["toml"].as_str(),
        Some(UKRAINE),
        "TOML passes through unchanged"
    );

    let bad = "Actor,Capability,Position,Salience\nA,lots,10,1\n";
    let (s, v) = post("/api/import", json!({ "text": bad, "format": "classic" })).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    let first_error = v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["severity"] == "error")
        .unwrap();
    assert_eq!(first_error["line"], 2, "{v}");

    let (s, _) = post("/api/import", json!({ "text": "", "format": "excel" })).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
}

#[tokio::test]
async fn a_loopback_server_answers_only_to_its_own_names() {
    let addr: std::net::SocketAddr = "127.0.0.1:8765".parse().unwrap();
    for (host, ok) in [
        ("127.0.0.1:8765", true),
        ("localhost:8765", true),
        ("LOCALHOST:8765", true),
        ("evil.example:8765", false),
        ("127.0.0.1:9999", false),
        ("", false),
    ] {
        let mut req = Request::get("/api/models");
        if !host.is_empty() {
            req = req.header(header::HOST, host);
        }
        let (s, _, _) = send(
            router_with(Config::for_addr(addr)),
            req.body(Body::empty()).unwrap(),
        )
        .await;
        assert_eq!(s == StatusCode::OK, ok, "{host}: {s}");
    }
}

/// Served on every address (0.0.0.0 or ::), the check stays: loopback names and the names
/// given with `--allow-host` pass, any other name (a rebinding page's) does not.
#[tokio::test]
async fn a_server_on_every_address_answers_to_loopback_and_allowed_names_only() {
    for open in ["0.0.0.0:8765", "[::]:8765"] {
        let addr: std::net::SocketAddr = open.parse().unwrap();
        let config = Config::for_addr(addr)
            .allow_host("detente.lan", 8765)
            .allow_host("192.0.2.7", 8765)
            .allow_host("fd00::7", 8765);
        for (host, ok) in [
            ("127.0.0.1:8765", true),
            ("localhost:8765", true),
            ("[::1]:8765", true),
            ("detente.lan:8765", true),
            ("DETENTE.LAN:8765", true),
            ("192.0.2.7:8765", true),
            ("[fd00::7]:8765", true),
            ("evil.example:8765", false),
            ("detente.lan:9999", false),
            ("0.0.0.0:8765", false),
            ("", false),
        ] {
            let mut req = Request::get("/api/models");
            if !host.is_empty() {
                req = req.header(header::HOST, host);
            }
            let (s, _, _) = send(
                router_with(config.clone()),
                req.body(Body::empty()).unwrap(),
            )
            .await;
            assert_eq!(s == StatusCode::OK, ok, "{open} {host}: {s}");
        }
    }
}

/// Raw requests through a real socket: hyper gives the router the path exactly as sent.
#[tokio::test]
async fn a_real_server_refuses_traversal() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(detente_web::serve(listener, async {
        let _ = stopped.await;
    }));
    for (path, host, want) in [
        ("/assets/../../Cargo.toml", "", "404"),
        ("/../Cargo.toml", "", "404"),
        ("/assets/%2e%2e%2f%2e%2e%2fCargo.toml", "", "404"),
        ("/assets/..\\..\\Cargo.toml", "", "404"),
        ("/api/scenarios/..%2F..%2FCargo.toml", "", "404"),
        ("/assets/app.css", "", "200"),
        ("/", "evil.example", "421"),
    ] {
        let host = if host.is_empty() {
            addr.to_string()
        } else {
            host.to_string()
        };
        let mut s = tokio::net::TcpStream::connect(addr).await.unwrap();
        let req = format!("GET {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n");
        s.write_all(req.as_bytes()).await.unwrap();
        let mut buf = Vec::new();
        s.read_to_end(&mut buf).await.unwrap();
        let text = String::from_utf8_lossy(&buf);
        let status = text.split(' ').nth(1).unwrap_or("");
        assert_eq!(status, want, "{path}: {text}");
        assert!(!text.contains("[workspace]"));
    }
    let _ = stop.send(());
    server.await.unwrap().unwrap();
}

#[tokio::test]
async fn run_returns_the_reports_charts_with_scenario_text_escaped() {
    let (s, v) = post("/api/run", json!({ "toml": UKRAINE, "runs": 50 })).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let sections = v["report"]["sections"].as_array().expect("sections");
    let ids: Vec<&str> = sections.iter().map(|s| s["id"].as_str().unwrap()).collect();
    assert!(ids.contains(&"war"), "{ids:?}");
    // The model's own sections and sentences, for the page to show first.
    assert_eq!(v["model_sections"], json!(["war"]));
    let findings = v["findings"].as_array().unwrap();
    assert!(
        findings[0]
            .as_str()
            .unwrap()
            .starts_with("Across 1000 seeded futures"),
        "{findings:?}"
    );
    assert!(
        sections
            .iter()
            .any(|s| s["html"].as_str().unwrap().contains("<svg")),
        "a chart"
    );

    // The page inserts these fragments as HTML: a name with markup must arrive as text.
    let evil = CARS.replacen(
        "name = \"Netherlands\"",
        "name = \"<script>alert(1)</script><img src=x onerror=alert(2)>\"",
        1,
    );
    assert_ne!(evil, CARS);
    let (s, v) = post("/api/run", json!({ "toml": evil, "runs": 20 })).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    for sec in v["report"]["sections"].as_array().unwrap() {
        let html = sec["html"].as_str().unwrap();
        assert!(
            !html.contains("<script") && !html.contains("<img"),
            "{}",
            sec["id"]
        );
    }
}

#[tokio::test]
async fn editing_text_that_is_not_toml_is_refused() {
    let (s, v) = post(
        "/api/edit",
        json!({ "toml": "[[actor]\n", "edits": [{ "actor": "a", "field": "risk", "value": "0" }] }),
    )
    .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(v["error"].as_str().unwrap().contains("syntax error"), "{v}");
}
