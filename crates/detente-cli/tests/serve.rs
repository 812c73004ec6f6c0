//! `detente serve` as started from the command line: on every address the `Host` check stays
//! and the warning says what is exposed; `--allow-host` adds names; `--run-budget` is checked.

mod common;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};

use common::{detente, output};

/// Kills the server when the test ends, however it ends.
struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn status(port: u16, host: &str) -> String {
    let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
    write!(
        s,
        "GET /api/models HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut text = String::new();
    s.read_to_string(&mut text).unwrap();
    text.split(' ').nth(1).unwrap_or("").to_string()
}

#[test]
fn serving_every_address_keeps_the_host_check_and_says_what_is_exposed() {
    let child = Command::new(assert_cmd::cargo::cargo_bin("detente"))
        .args(["serve", "--host", "0.0.0.0", "--port", "0"])
        .args(["--allow-host", "detente.lan", "--run-budget", "5s"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut server = Server(child);
    let mut line = String::new();
    BufReader::new(server.0.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let port: u16 = line
        .split("http://127.0.0.1:")
        .nth(1)
        .and_then(|r| r.split('/').next())
        .and_then(|p| p.parse().ok())
        .unwrap_or_else(|| panic!("no URL in {line:?}"));
    let mut warning = String::new();
    BufReader::new(server.0.stderr.take().unwrap())
        .read_line(&mut warning)
        .unwrap();
    for words in [
        "no authentication",
        "anyone on the network",
        "run models",
        "read and edit what they upload",
        "--allow-host",
        &format!("detente.lan:{port}"),
    ] {
        assert!(warning.contains(words), "{words:?} not in {warning:?}");
    }
    assert_eq!(status(port, &format!("127.0.0.1:{port}")), "200");
    assert_eq!(status(port, &format!("localhost:{port}")), "200");
    assert_eq!(status(port, &format!("detente.lan:{port}")), "200");
    assert_eq!(status(port, &format!("evil.example:{port}")), "421");
}

#[test]
fn a_run_budget_that_is_no_time_is_refused() {
    for bad in ["banana", "0s", "-1s", "10 parsecs"] {
        let arg = format!("--run-budget={bad}");
        let o = output(detente().args(["serve", "--port", "0", &arg]));
        assert_ne!(o.code, 0, "{bad}");
        assert!(o.stderr.contains("30s, 500ms or 2m"), "{bad}: {}", o.stderr);
        assert!(o.stdout.is_empty(), "{bad}: the server did not start");
    }
}
