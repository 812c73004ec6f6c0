//! `detente report` as a user meets it: a file written, never one overwritten, nothing left
//! behind when the input is bad.

mod common;

use std::path::Path;

use common::{Out, detente, output, root};

const WAR: &str = "scenarios/ukraine-ceasefire-2026.toml";
const STATIC: &str = "scenarios/ec-car-emissions.toml";

fn run(args: &[&str]) -> Out {
    output(detente().args(args))
}

/// The directory's entries, to see that nothing (not even a temporary file) was left.
fn entries(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    v.sort();
    v
}

#[test]
fn writes_one_self_contained_page_and_the_same_bytes_again() {
    let dir = tempfile::tempdir().unwrap();
    let a = dir.path().join("a.html");
    let b = dir.path().join("b.html");
    for out in [&a, &b] {
        let o = run(&[
            "report",
            WAR,
            "--runs",
            "100",
            "--seed",
            "5",
            "--policy",
            "us_walks_away",
            "-o",
            out.to_str().unwrap(),
        ]);
        assert_eq!(o.code, 0, "{}", o.stderr);
        assert!(o.stdout.is_empty(), "the page goes to the file only");
    }
    let html = std::fs::read_to_string(&a).unwrap();
    assert!(html.starts_with("<!DOCTYPE html>"));
    assert!(html.contains("<section id=\"war\">"));
    assert!(html.contains("<section id=\"policies\">"));
    assert!(!html.contains("<script"));
    assert_eq!(html, std::fs::read_to_string(&b).unwrap());
    assert_eq!(entries(dir.path()), ["a.html", "b.html"]);
}

#[test]
fn never_overwrites_without_force_and_never_the_input() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("report.html");
    std::fs::write(&out, "mine").unwrap();
    let o = run(&["report", STATIC, "-o", out.to_str().unwrap()]);
    assert_eq!(o.code, 1);
    assert!(o.stderr.contains("already exists"), "{}", o.stderr);
    assert!(o.stderr.contains("--force"));
    assert_eq!(std::fs::read_to_string(&out).unwrap(), "mine");

    let o = run(&["report", STATIC, "-o", out.to_str().unwrap(), "--force"]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    assert!(
        std::fs::read_to_string(&out)
            .unwrap()
            .contains("<section id=\"forecasts\">")
    );

    // The input itself, even with --force.
    let input = dir.path().join("s.toml");
    std::fs::copy(root().join(STATIC), &input).unwrap();
    let before = std::fs::read(&input).unwrap();
    let o = run(&[
        "report",
        input.to_str().unwrap(),
        "-o",
        input.to_str().unwrap(),
        "--force",
    ]);
    assert_eq!(o.code, 1);
    assert!(o.stderr.contains("is the input file"), "{}", o.stderr);
    assert_eq!(std::fs::read(&input).unwrap(), before);
}

#[test]
fn bad_input_exits_1_naming_the_place_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad.toml");
    let text = std::fs::read_to_string(root().join(STATIC))
        .unwrap()
        .replacen("capability = ", "capability = -", 1);
    std::fs::write(&bad, text).unwrap();
    let out = dir.path().join("r.html");
    let o = run(&["report", bad.to_str().unwrap(), "-o", out.to_str().unwrap()]);
    assert_eq!(o.code, 1);
    assert!(o.stderr.contains("bad.toml"), "{}", o.stderr);
    assert!(o.stderr.contains("capability"), "{}", o.stderr);
    // file:line:column
    assert!(o.stderr.contains("bad.toml:"), "{}", o.stderr);
    assert_eq!(entries(dir.path()), ["bad.toml"]);
}

#[test]
fn bad_options_exit_1_with_help_and_write_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("r.html");
    let o_ = out.to_str().unwrap();
    let cases: [(&[&str], &str); 4] = [
        (
            &["report", WAR, "--policy", "us_walk_away", "-o", o_],
            "did you mean `us_walks_away`?",
        ),
        (
            &["report", WAR, "--where", "ceasefire_mnth <= 3", "-o", o_],
            "ceasefire_month",
        ),
        (&["report", WAR, "--runs", "0", "-o", o_], "--runs"),
        (
            &["report", STATIC, "--model", "war", "-o", o_],
            "needs a [war] section",
        ),
    ];
    for (args, expect) in cases {
        let o = run(args);
        assert_eq!(o.code, 1, "{args:?}: {}", o.stderr);
        assert!(o.stderr.contains(expect), "{args:?}: {}", o.stderr);
        assert!(entries(dir.path()).is_empty(), "{args:?} left a file");
    }
    // A missing output directory is refused before any work.
    let o = run(&["report", STATIC, "-o", "no/such/dir/r.html"]);
    assert_eq!(o.code, 1);
    assert!(o.stderr.contains("does not exist"), "{}", o.stderr);
    // -o is required: a usage error.
    assert_eq!(run(&["report", STATIC]).code, 2);
}
