//! The page as a person uses it, in headless Chromium driven through chromedriver: upload a
//! file in another format, open the ceasefire scenario, type in its TOML and see the table
//! follow, run it, change a number in the table, run again and read the result,
//! make a mistake and see it at its cell and line, undo both, run the war model with a policy
//! and save a screenshot (`target/tmp/e2e/web.png`; with `DETENTE_BLESS=1`, `docs/img/web.png`).
//!
//! Needs Debian's `chromium` and `chromium-driver`; ignored by the plain `cargo test`. Run it
//! with `.ci/browser-test`, or `cargo test -p detente-web --test e2e -- --ignored`. A missing
//! browser or driver fails the test: it never passes without having looked at the page.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use detente_core::model::{self, RunOptions};
use fantoccini::error::CmdError;
use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::{Value, json};

const UKRAINE: &str = include_str!("../../../scenarios/ukraine-ceasefire-2026.toml");

/// Flags this machine's Chromium needs to run headless as root, offline, without a profile.
const FLAGS: &[&str] = &[
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
    "--window-size=1440,1700",
];

/// How long the page may take to settle after an action before the test gives up. A bound
/// so that a broken page fails the test instead of hanging it, not a speed requirement.
const PATIENCE: Duration = Duration::from_secs(120);

fn program(var: &str, default: &str, package: &str) -> PathBuf {
    let p = PathBuf::from(std::env::var(var).unwrap_or_else(|_| default.to_string()));
    assert!(
        p.is_file(),
        "{} not found: install Debian's `{package}` (`.ci/browser-test` installs chromium and \
         chromium-driver), or point {var} at it. This test must see the page to pass.",
        p.display()
    );
    p
}

/// chromedriver, stopped when the test ends however it ends.
struct Driver(Child);

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

async fn start_driver(exe: &Path, log: &Path) -> (Driver, u16) {
    let port = free_port();
    let child = Command::new(exe)
        .arg(format!("--port={port}"))
        .arg(format!("--log-path={}", log.display()))
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start {}: {e}", exe.display()));
    let driver = Driver(child);
    for _ in 0..300 {
        if tokio::net::TcpStream::connect(("127.0.0.1", port))
            .await
            .is_ok()
        {
            return (driver, port);
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!(
        "chromedriver did not listen on port {port}; see {}",
        log.display()
    );
}

/// Waits until no request of the page is in flight and `ready` (a JavaScript expression)
/// holds.
async fn settle(c: &Client, ready: &str) -> Result<(), CmdError> {
    let script = format!("return document.body.dataset.pending === '0' && !!({ready});");
    let deadline = tokio::time::Instant::now() + PATIENCE;
    loop {
        if c.execute(&script, vec![]).await? == Value::Bool(true) {
            return Ok(());
        }
        if tokio::time::Instant::now() > deadline {
            let status = c.find(Locator::Id("status")).await?.text().await?;
            panic!("the page did not reach `{ready}`; its status line says: {status:?}");
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

async fn attr(c: &Client, css: &str, name: &str) -> Result<String, CmdError> {
    let e = c.find(Locator::Css(css)).await?;
    Ok(e.attr(name).await?.unwrap_or_default())
}

/// Types into a table cell as a person does: select its text, type, leave it with Tab.
async fn type_into_cell(c: &Client, key: &str, text: &str) -> Result<(), CmdError> {
    let cell = c
        .find(Locator::Css(&format!(r#"input.cell[data-key="{key}"]"#)))
        .await?;
    // Select what is there and type over it (WebDriver's "clear" would commit an empty cell).
    // Scrolled to the middle, as a person would, clear of the sticky table header.
    c.execute(
        "arguments[0].scrollIntoView({block: 'center', inline: 'center'});",
        vec![serde_json::to_value(&cell).expect("an element reference")],
    )
    .await?;
    cell.click().await?;
    cell.send_keys(&format!("\u{E009}a\u{E000}{text}\u{E004}"))
        .await
}

async fn run_and_wait(c: &Client, n: u32) -> Result<(), CmdError> {
    c.find(Locator::Id("run")).await?.click().await?;
    settle(
        c,
        &format!("document.getElementById('results').dataset.run === '{n}'"),
    )
    .await
}

fn outcome(text: &str, model: &str, issue: &str) -> Option<f64> {
    let sc = detente_core::parse_toml(text).expect("valid");
    let m = model::by_name(model).expect("model");
    let out =
        detente_core::output::run(&sc, "scenario", m, None, &RunOptions { seed: 0 }).expect("runs");
    out.issues
        .iter()
        .find(|i| i.id == issue)
        .and_then(|i| i.outcome)
}

async fn shown_outcome(c: &Client, issue: &str) -> Result<Option<f64>, CmdError> {
    let v = attr(
        c,
        &format!(r#"#outcomes tr[data-issue="{issue}"]"#),
        "data-value",
    )
    .await?;
    Ok(v.parse().ok())
}

/// The first thing the model says of its run, as the page shows it.
async fn first_finding(c: &Client) -> Result<String, CmdError> {
    let e = c.find(Locator::Css("#findings li")).await?;
    e.text().await
}

fn expected_finding(policy: Option<&str>) -> String {
    let sc = detente_core::parse_toml(UKRAINE).expect("valid");
    let out =
        detente_core::output::run(&sc, "s", &model::WarModel, policy, &RunOptions { seed: 0 })
            .expect("runs");
    out.detail.expect("the war model's account").summary[0].clone()
}

async fn person(c: &Client, url: &str, shot: &Path) -> Result<(), CmdError> {
    c.goto(url).await?;
    settle(
        c,
        "document.querySelector('#scenario option[value=\"ukraine-ceasefire-2026\"]')",
    )
    .await?;

    // Open a file in another format (Bueno de Mesquita's table): it arrives as TOML.
    let csv =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../data/bdm/ec-car-emissions-1994.csv");
    let csv = csv.canonicalize().expect("the classic table");
    c.find(Locator::Id("upload"))
        .await?
        .send_keys(&csv.display().to_string())
        .await?;
    settle(
        c,
        "document.querySelectorAll('#actors tbody tr').length > 0",
    )
    .await?;
    let status = c.find(Locator::Id("status")).await?.text().await?;
    assert!(status.contains("as classic"), "{status}");
    let rows = c.find_all(Locator::Css("#actors tbody tr")).await?.len();
    let text = std::fs::read_to_string(&csv).expect("the classic table");
    assert_eq!(
        rows,
        text.lines()
            .skip(1)
            .filter(|l| !l.trim().is_empty())
            .count()
    );

    // Open the bundled scenario: the table fills and the war model is chosen for it.
    c.find(Locator::Id("scenario"))
        .await?
        .select_by_value("ukraine-ceasefire-2026")
        .await?;
    settle(
        c,
        "document.querySelector('input.cell[data-key=\"russia||capability\"]')",
    )
    .await?;
    let capability = c
        .find(Locator::Css(r#"input.cell[data-key="russia||capability"]"#))
        .await?;
    assert_eq!(capability.prop("value").await?.as_deref(), Some("100"));
    let model = c.find(Locator::Id("model")).await?;
    assert_eq!(model.prop("value").await?.as_deref(), Some("war"));

    // Type in the TOML text: the table follows.
    let at = UKRAINE
        .find("capability = 35")
        .expect("Ukraine's capability")
        + "capability = ".len();
    let ta = c.find(Locator::Id("toml")).await?;
    ta.click().await?;
    c.execute(
        "arguments[0].setSelectionRange(arguments[1], arguments[1] + 2);",
        vec![serde_json::to_value(&ta).expect("an element"), json!(at)],
    )
    .await?;
    ta.send_keys("36").await?;
    let ukraine = r#"input.cell[data-key="ukraine||capability"]"#;
    settle(
        c,
        &format!("document.querySelector('{ukraine}').value === '36'"),
    )
    .await?;
    ta.send_keys("\u{E003}\u{E003}35").await?; // two backspaces, and back to 35
    settle(
        c,
        &format!("document.querySelector('{ukraine}').value === '35'"),
    )
    .await?;
    assert_eq!(ta.prop("value").await?.as_deref(), Some(UKRAINE));

    // Run the compromise model and read the territory outcome.
    model.select_by_value("compromise").await?;
    run_and_wait(c, 1).await?;
    let before = shown_outcome(c, "territory").await?;
    assert_eq!(before, outcome(UKRAINE, "compromise", "territory"));

    // Change Russia's capability in the table: the TOML beside it changes by that number only.
    type_into_cell(c, "russia||capability", "400").await?;
    let edited = UKRAINE.replacen("capability = 100\n", "capability = 400\n", 1);
    settle(
        c,
        "document.getElementById('toml').value.includes('capability = 400')",
    )
    .await?;
    let text = c.find(Locator::Id("toml")).await?.prop("value").await?;
    assert_eq!(
        text.as_deref(),
        Some(edited.as_str()),
        "only the edited number changes"
    );

    // Run again: the page shows the new outcome, the one the core computes for the new text.
    run_and_wait(c, 2).await?;
    let after = shown_outcome(c, "territory").await?;
    assert_eq!(after, outcome(&edited, "compromise", "territory"));
    assert_ne!(
        after, before,
        "a four times stronger Russia moves the compromise"
    );

    // A salience above 1 is refused at its cell, and at its line beside the TOML.
    let cell = r#"input.cell[data-key="ukraine|territory|salience"]"#;
    type_into_cell(c, "ukraine|territory|salience", "1.7").await?;
    settle(c, &format!("document.querySelector('{cell}.invalid')")).await?;
    let msg = c
        .find(Locator::XPath(
            r#"//input[@data-key="ukraine|territory|salience"]/following-sibling::div[@class="cell-msg"]"#,
        ))
        .await?
        .text()
        .await?;
    assert!(
        msg.contains("salience"),
        "the cell says what is wrong: {msg:?}"
    );
    let line = edited
        .lines()
        .position(|l| l.starts_with("salience = { territory = 1.0, guarantees = 1.0"))
        .expect("Ukraine's saliences")
        + 1;
    let gutter = format!("#gutter .ln:nth-child({line})");
    assert!(
        attr(c, &gutter, "class").await?.contains("error"),
        "line {line} is marked"
    );
    let listed = c
        .find(Locator::Css("#diagnostics li.error"))
        .await?
        .text()
        .await?;
    assert!(listed.contains(&format!("line {line}")), "{listed}");

    // Put it right: the mark goes.
    type_into_cell(c, "ukraine|territory|salience", "1.0").await?;
    settle(c, &format!("!document.querySelector('{cell}.invalid')")).await?;
    assert_eq!(
        c.find(Locator::Id("toml"))
            .await?
            .prop("value")
            .await?
            .as_deref(),
        Some(edited.as_str())
    );

    // Russia back at 100: the text is the bundled file again, byte for byte.
    type_into_cell(c, "russia||capability", "100").await?;
    settle(
        c,
        "document.getElementById('toml').value.includes('capability = 100')",
    )
    .await?;
    let text = c.find(Locator::Id("toml")).await?.prop("value").await?;
    assert_eq!(text.as_deref(), Some(UKRAINE));

    // The war model with a policy: the charts open on the policy beside the baseline.
    c.find(Locator::Id("model"))
        .await?
        .select_by_value("war")
        .await?;
    let policy = c.find(Locator::Id("policy")).await?;
    policy.select_by_value("coalition_guarantee").await?;
    run_and_wait(c, 3).await?;
    let heading = c
        .find(Locator::Css("#results .summary h2"))
        .await?
        .text()
        .await?;
    assert!(heading.contains("coalition_guarantee"), "{heading}");
    assert_eq!(
        first_finding(c).await?,
        expected_finding(Some("coalition_guarantee"))
    );
    let tab = c
        .find(Locator::Css(r#"#results .tab[data-tab="policies"]"#))
        .await?;
    assert_eq!(tab.attr("aria-selected").await?.as_deref(), Some("true"));

    // Without a policy, for the screenshot: the war's own timeline.
    policy.select_by_value("").await?;
    run_and_wait(c, 4).await?;
    assert_eq!(first_finding(c).await?, expected_finding(None));
    let charts = c
        .find_all(Locator::Css("#results .report-section:not([hidden]) svg"))
        .await?
        .len();
    let report_error = c.find_all(Locator::Css("#results p.note")).await?;
    if charts == 0 {
        let why = match report_error.first() {
            Some(e) => e.text().await?,
            None => "no note".into(),
        };
        panic!("the results show no chart: {why}");
    }

    // The war's timeline is the section a person opens first; the tables back at their start.
    let tab = c
        .find(Locator::Css(r#"#results .tab[data-tab="war"]"#))
        .await?;
    assert_eq!(tab.attr("aria-selected").await?.as_deref(), Some("true"));
    c.execute(
        "for (const e of document.querySelectorAll('.scroll')) { e.scrollLeft = 0; e.scrollTop = 0; }",
        vec![],
    )
    .await?;
    let png = c.screenshot().await?;
    assert!(png.starts_with(b"\x89PNG"), "a PNG screenshot");
    std::fs::create_dir_all(shot.parent().expect("a directory")).expect("docs/img");
    std::fs::write(shot, png).expect("the screenshot is written");
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs chromium and chromium-driver; run .ci/browser-test"]
async fn a_person_opens_edits_and_runs_the_ceasefire_scenario() {
    let chromium = program("DETENTE_CHROMIUM", "/usr/bin/chromium", "chromium");
    let chromedriver = program(
        "DETENTE_CHROMEDRIVER",
        "/usr/bin/chromedriver",
        "chromium-driver",
    );
    let tmp = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("e2e");
    let profile = tmp.join(format!("profile-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&profile);
    std::fs::create_dir_all(&profile).expect("a fresh profile directory");

    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("a port");
    let addr: SocketAddr = listener.local_addr().expect("an address");
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(detente_web::serve(listener, async {
        let _ = stopped.await;
    }));

    let log = tmp.join("chromedriver.log");
    let (driver, port) = start_driver(&chromedriver, &log).await;
    let mut args: Vec<String> = FLAGS.iter().map(|s| s.to_string()).collect();
    args.push(format!("--user-data-dir={}", profile.display()));
    let caps = json!({
        "browserName": "chrome",
        "goog:chromeOptions": { "binary": chromium, "args": args },
    });
    let serde_json::Value::Object(caps) = caps else {
        unreachable!()
    };
    let client = ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
        .capabilities(caps)
        .connect(&format!("http://127.0.0.1:{port}"))
        .await
        .unwrap_or_else(|e| {
            panic!(
                "chromedriver could not start Chromium: {e}; see {}",
                log.display()
            )
        });

    // The README's picture is only replaced on request, so that a test run leaves the tree clean.
    let shot = if std::env::var_os("DETENTE_BLESS").is_some() {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/img/web.png")
    } else {
        tmp.join("web.png")
    };
    // On a task of its own, so that a failed assertion still lets the browser be closed below
    // (killing chromedriver alone would leave Chromium running).
    let task = {
        let (c, url) = (client.clone(), detente_web::local_url(addr));
        tokio::spawn(async move { person(&c, &url, &shot).await })
    };
    let result = task.await;
    if !matches!(result, Ok(Ok(()))) {
        if let Ok(png) = client.screenshot().await {
            let _ = std::fs::write(tmp.join("failure.png"), png);
        }
    }
    let _ = client.close().await;
    drop(driver);
    let _ = stop.send(());
    let _ = server.await;
    let _ = std::fs::remove_dir_all(&profile);
    match result {
        Ok(Ok(())) => {}
        Ok(Err(e)) => panic!(
            "the browser could not do what the test asked: {e}; the page is in {}",
            tmp.join("failure.png").display()
        ),
        Err(e) => match e.try_into_panic() {
            Ok(p) => std::panic::resume_unwind(p),
            Err(e) => panic!("the test's task ended: {e}"),
        },
    }
}
