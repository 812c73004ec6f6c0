//! Interrupted writes: SIGINT and SIGTERM remove the temporary file; a write after a SIGKILL
//! removes the one the killed process left.

#![cfg(unix)]

mod common;

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use common::{detente, detente_in, output, root};

/// The temporary files in `dir`.
fn temps(dir: &Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| {
            let n = p.file_name().unwrap().to_string_lossy();
            n.starts_with(".detente-") && n.ends_with(".tmp")
        })
        .collect();
    v.sort();
    v
}

/// A long exploration writing to `out`, started and waited for until its temporary file holds
/// rows. One shard of 2.5 million runs: minutes of work, yet a file small enough (about
/// 0.6 GB at most) that explore's free-space check passes on any test machine.
fn long_explore(out: &Path) -> Child {
    let mut child = Command::new(detente_in(&root()).get_program())
        .current_dir(root())
        .args(["explore", "scenarios/ukraine-ceasefire-2026.toml"])
        .args([
            "--runs",
            "50000000",
            "--shard",
            "1/20",
            "--threads",
            "1",
            "-o",
        ])
        .arg(out)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let dir = out.parent().unwrap();
    let start = Instant::now();
    loop {
        let size = temps(dir)
            .first()
            .and_then(|p| std::fs::metadata(p).ok())
            .map_or(0, |m| m.len());
        if size > 0 {
            return child;
        }
        if let Some(status) = child.try_wait().unwrap() {
            panic!("explore ended before writing: {status}");
        }
        if start.elapsed() > Duration::from_secs(120) {
            let _ = child.kill();
            panic!("explore wrote nothing in 120 s");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

fn send(child: &Child, signal: &str) {
    let ok = Command::new("kill")
        .args([signal, &child.id().to_string()])
        .status()
        .unwrap()
        .success();
    assert!(ok, "kill {signal} failed");
}

fn stopped_by(signal: &str, code: i32) {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("runs.csv");
    let mut child = long_explore(&out);
    assert_eq!(temps(dir.path()).len(), 1);
    send(&child, signal);
    let status = child.wait().unwrap();
    assert_eq!(status.code(), Some(code), "{signal}: {status}");
    assert_eq!(temps(dir.path()), Vec::<PathBuf>::new(), "{signal}");
    assert!(!out.exists());
}

#[test]
fn sigint_removes_the_temporary_file() {
    stopped_by("-INT", 130);
}

#[test]
fn sigterm_removes_the_temporary_file() {
    stopped_by("-TERM", 143);
}

#[test]
fn a_write_removes_the_stale_temporary_files_of_its_target() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("runs.parquet");
    let mut child = long_explore(&out);
    send(&child, "-KILL");
    child.wait().unwrap();
    let stale = temps(dir.path());
    assert_eq!(stale.len(), 1, "SIGKILL cannot be caught: its file stays");
    // Not stale: a file of this (live) test process, and one of another target.
    let me = std::process::id();
    let live = dir
        .path()
        .join(format!(".detente-runs.parquet.{me}.AbCdEf.tmp"));
    let other = dir.path().join(".detente-other.parquet.1.AbCdEf.tmp");
    std::fs::write(&live, "x").unwrap();
    std::fs::write(&other, "x").unwrap();
    let o = output(
        detente()
            .args(["explore", "scenarios/ukraine-ceasefire-2026.toml"])
            .args(["--runs", "20", "-o"])
            .arg(&out),
    );
    assert_eq!(o.code, 0, "{}", o.stderr);
    assert!(o.stdout.contains("Explored 20 run(s)"), "{}", o.stdout);
    assert!(out.exists());
    let mut kept = vec![live, other];
    kept.sort();
    assert_eq!(temps(dir.path()), kept);
}
