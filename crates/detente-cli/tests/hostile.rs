//! Hostile inputs of issue 12, parts 1, 2, 6 and 7, made at test time (the generator for the
//! full-size ones used for the measured figures is `tests/hostile/gen.py`). Each test failed on
//! the code before the fix it checks.

#[allow(dead_code)]
mod common;

use std::fmt::Write as _;
use std::path::Path;

use common::{detente_in, output};

/// A classic table of `n` rows that all name the same actor.
fn duplicate_rows(n: usize) -> String {
    let mut s = String::from("Actor,Capability,Position,Salience\n");
    for _ in 0..n {
        s.push_str("Same,1,50,0.5\n");
    }
    s
}

/// A TOML scenario of `n` actors, each with a salience outside 0..1.
fn invalid_actors(n: usize) -> String {
    let mut s = String::from("format = 1\n[scenario]\nname = \"bad\"\n[[issue]]\nid = \"x\"\n");
    for i in 0..n {
        writeln!(
            s,
            "[[actor]]\nid = \"a{i}\"\ncapability = 1\nposition = {{ x = 50 }}\nsalience = {{ x = 1.4 }}"
        )
        .unwrap();
    }
    s
}

fn write(dir: &Path, name: &str, text: &str) {
    std::fs::write(dir.join(name), text).unwrap();
}

/// How many diagnostics a terminal rendering draws (each starts with a cross or a warning sign).
fn drawn(stderr: &str) -> usize {
    stderr
        .lines()
        .filter(|l| l.trim_start().starts_with('×') || l.trim_start().starts_with('⚠'))
        .count()
}

fn json_diagnostics(stdout: &str) -> Vec<serde_json::Value> {
    let v: serde_json::Value = serde_json::from_str(stdout).unwrap();
    v["diagnostics"].as_array().unwrap().clone()
}

#[test]
fn thousands_of_duplicate_rows_are_drawn_up_to_twenty_and_listed_in_full_by_json() {
    // Before: every one of them drawn, each copying the whole source (5k rows: 1.9 s, 40k: 115 s).
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "dup.csv", &duplicate_rows(5_000));
    let o = output(detente_in(dir.path()).args(["check", "dup.csv"]));
    assert_eq!(o.code, 1);
    // The first 20 errors and the one warning (no scale given).
    assert_eq!(drawn(&o.stderr), 21, "{}", o.stderr);
    assert!(
        o.stderr
            .contains("and 4,979 more errors of these kinds: 4,979 in `actor.id`"),
        "{}",
        o.stderr
    );
    assert!(
        o.stderr
            .contains("`detente check dup.csv --format json` lists every one")
    );

    let o = output(detente_in(dir.path()).args(["check", "dup.csv", "--format", "json"]));
    assert_eq!(o.code, 1);
    let d = json_diagnostics(&o.stdout);
    let errors = d.iter().filter(|d| d["severity"] == "error").count();
    assert_eq!(errors, 4_999, "each row after the first repeats the id");
    // In file order: the first duplicate is on line 3 (the header is line 1).
    let first = d.iter().find(|d| d["severity"] == "error").unwrap();
    assert_eq!(first["line"], 3);
}

#[test]
fn twenty_thousand_invalid_actors_in_toml_are_counted_by_field() {
    // Before: still running after 120 s.
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "bad.toml", &invalid_actors(20_000));
    let o = output(detente_in(dir.path()).args(["check", "bad.toml"]));
    assert_eq!(o.code, 1);
    assert_eq!(drawn(&o.stderr), 20);
    assert!(
        o.stderr.contains("19,980 in `actor.salience.x`"),
        "{}",
        o.stderr
    );
    assert!(o.stderr.lines().count() < 400);
    let o = output(detente_in(dir.path()).args(["check", "bad.toml", "--format", "json"]));
    assert_eq!(json_diagnostics(&o.stdout).len(), 20_000);
}

#[test]
fn a_scenario_demanding_millions_of_actor_issue_pairs_is_refused_at_validation() {
    // 2,000 issues x 2,001 actors in a 0.2 MB file: before, validation allocated all 4 million
    // pairs (and a run would need them per round).
    let mut s = String::from("format = 1\n[scenario]\nname = \"wide\"\n");
    for i in 0..2_000 {
        writeln!(s, "[[issue]]\nid = \"i{i}\"").unwrap();
    }
    for a in 0..2_001 {
        writeln!(
            s,
            "[[actor]]\nid = \"a{a}\"\ncapability = 1\nposition = {{ i0 = 1 }}\nsalience = {{ i0 = 0.5 }}"
        )
        .unwrap();
    }
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "wide.toml", &s);
    let o = output(detente_in(dir.path()).args(["check", "wide.toml"]));
    assert_eq!(o.code, 1);
    assert!(
        o.stderr.contains("make 4002000 actor-issue pairs")
            && o.stderr.contains("at most 4000000 pairs"),
        "{}",
        o.stderr
    );
}

#[test]
fn an_import_whose_toml_detente_could_not_read_back_is_refused_and_writes_nothing() {
    // 150,000 rows (4.7 MB) make about 20 MB of TOML, past the 16 MiB that detente reads.
    let mut s = String::from("Actor,Capability,Position,Salience\n");
    for i in 0..150_000 {
        writeln!(
            s,
            "Actor number {i},0.{},{},0.{}",
            i % 97 + 1,
            i % 100,
            i % 9 + 1
        )
        .unwrap();
    }
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "wide.csv", &s);
    let o = output(detente_in(dir.path()).args(["import", "classic", "wide.csv", "-o", "w.toml"]));
    assert_eq!(o.code, 1);
    assert!(
        o.stderr.contains("would be more than 16 MiB of TOML"),
        "{}",
        o.stderr
    );
    assert!(!dir.path().join("w.toml").exists());
    let left: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
    assert_eq!(left.len(), 1, "only the input is left: {left:?}");
}

/// Bytes a terminal obeys rather than shows.
fn has_controls(s: &str) -> bool {
    s.chars().any(|c| {
        (c.is_control() && c != '\n' && c != '\t')
            || ('\u{202a}'..='\u{202e}').contains(&c)
            || ('\u{2066}'..='\u{2069}').contains(&c)
    })
}

#[test]
fn control_characters_in_names_and_source_lines_are_shown_not_obeyed() {
    let dir = tempfile::tempdir().unwrap();
    // A name that would retitle the terminal, clear it and reverse what follows.
    write(
        dir.path(),
        "evil.toml",
        "format = 1\n[scenario]\nname = \"evil\\u001b]0;pwned\\u0007\\u001b[2J\\u202egnp.exe\"\n\
         [[issue]]\nid = \"x\"\nname = \"X\\u0000\\u009b31m\"\n\
         [[actor]]\nid = \"a\"\nname = \"A\\u001b[31m\"\ncapability = 1\nposition = { x = 10 }\nsalience = { x = 0.5 }\n\
         [[actor]]\nid = \"b\"\ncapability = 1\nposition = { x = 90 }\nsalience = { x = 0.4 }\n",
    );
    for args in [
        vec!["run", "evil.toml"],
        vec!["run", "evil.toml", "--model", "eum", "--trace"],
    ] {
        let mut c = detente_in(dir.path());
        let o = output(c.args(&args).env("DETENTE_DATA_DIR", dir.path()));
        assert_eq!(o.code, 0, "{args:?}: {}", o.stderr);
        assert!(!has_controls(&o.stdout), "{args:?}: {:?}", o.stdout);
        assert!(!has_controls(&o.stderr), "{args:?}: {:?}", o.stderr);
    }
    let o = output(detente_in(dir.path()).args(["run", "evil.toml"]));
    assert!(
        o.stdout
            .contains(r"evil\u{1b}]0;pwned\u{7}\u{1b}[2J\u{202e}gnp.exe")
    );
    // Data sent to a pipe keeps its exact values (on a terminal, `write::write` escapes them).
    let o = output(detente_in(dir.path()).args(["run", "evil.toml", "--format", "csv"]));
    assert!(
        o.stdout
            .contains("evil\u{1b}]0;pwned\u{7}\u{1b}[2J\u{202e}gnp.exe,")
    );

    // A raw ESC and BEL inside a classic table: the diagnostic quotes the line they are on.
    write(
        dir.path(),
        "evil.csv",
        "Actor,Capability,Position,Salience\nEvil\u{1b}[2J\u{7},1,50,1.4\nOther,1,20,0.5\n",
    );
    let o = output(detente_in(dir.path()).args(["check", "evil.csv"]));
    assert_eq!(o.code, 1);
    assert!(!has_controls(&o.stderr), "{:?}", o.stderr);
    // Masked one for one, so that the underline still falls under the right column.
    assert!(o.stderr.contains(" 2 │ Evil?[2J?,1,50,1.4"), "{}", o.stderr);
}

#[test]
fn thread_counts_far_past_the_cores_are_refused_before_any_output() {
    // Before: 10 runs took 28 s at 4,000 threads.
    let dir = tempfile::tempdir().unwrap();
    let root = common::root();
    let sc = root.join("scenarios/ec-car-emissions.toml");
    let mut c = detente_in(dir.path());
    c.args([
        "explore",
        sc.to_str().unwrap(),
        "--runs",
        "10",
        "--threads",
        "100000",
    ])
    .args(["-o", "runs.csv"])
    .env("DETENTE_DATA_DIR", dir.path());
    let o = output(&mut c);
    assert_eq!(o.code, 1);
    assert!(o.stderr.contains("is more than 4 per core"), "{}", o.stderr);
    assert!(!dir.path().join("runs.csv").exists());
}

#[test]
fn a_sensitivity_analysis_that_analysed_nothing_exits_non_zero() {
    // Risk is uncertain but the compromise model ignores it: the outcome never varies.
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "flat.toml",
        "format = 1\n[scenario]\nname = \"flat\"\n[[issue]]\nid = \"x\"\n\
         [[actor]]\nid = \"a\"\ncapability = 1\nposition = { x = 10 }\nsalience = { x = 0.5 }\n\
         risk = { uniform = [-0.5, 0.5] }\n\
         [[actor]]\nid = \"b\"\ncapability = 1\nposition = { x = 90 }\nsalience = { x = 0.4 }\n",
    );
    let mut c = detente_in(dir.path());
    c.args(["sensitivity", "flat.toml", "--samples", "64"])
        .env("DETENTE_DATA_DIR", dir.path());
    let o = output(&mut c);
    assert_eq!(o.code, 1, "{}{}", o.stdout, o.stderr);
    assert!(o.stderr.contains("no output was analysed"), "{}", o.stderr);
}

#[test]
fn sensitivity_of_an_output_some_runs_lack_analyses_its_presence_and_its_value() {
    // The README's own command on the bundled war cut to three months, so that some futures
    // end without a ceasefire: before, "not analysed: ... is NaN" and exit 0.
    let dir = tempfile::tempdir().unwrap();
    let text =
        std::fs::read_to_string(common::root().join("scenarios/ukraine-ceasefire-2026.toml"))
            .unwrap();
    let sc = dir.path().join("short-war.toml");
    std::fs::write(&sc, text.replacen("horizon = 60 ", "horizon = 3 ", 1)).unwrap();
    let mut c = detente_in(dir.path());
    c.args([
        "sensitivity",
        sc.to_str().unwrap(),
        "--output",
        "ceasefire_month",
    ])
    .args(["--samples", "64", "--method", "morris"])
    .env("DETENTE_DATA_DIR", dir.path());
    let o = output(&mut c);
    assert_eq!(o.code, 0, "{}", o.stderr);
    assert!(!o.stdout.contains("not analysed"), "{}", o.stdout);
    assert!(
        o.stdout.contains("\nceasefire_month has a value\n"),
        "{}",
        o.stdout
    );
    assert!(o.stdout.contains("has no value in"), "{}", o.stdout);
}
