//! The exploration commands as a user meets them: `explore`, `merge`, `sensitivity`,
//! `discover`, `compare` and `runs`. Every test records into its own data directory.

mod common;

use std::path::Path;

use common::{Out, detente, output};

const WAR: &str = "scenarios/ukraine-ceasefire-2026.toml";

/// `detente` from the repository root, recording into `data`.
fn run_in(data: &Path, args: &[&str]) -> Out {
    output(detente().env("DETENTE_DATA_DIR", data).args(args))
}

/// The text with the report's line wrapping undone.
fn flat(s: &str) -> String {
    s.replace('│', " ")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

fn path(dir: &Path, name: &str) -> String {
    dir.join(name).to_string_lossy().into_owned()
}

#[test]
fn explore_is_the_same_for_any_thread_count_and_any_sharding() {
    let d = tempfile::tempdir().unwrap();
    for ext in ["csv", "parquet"] {
        let one = path(d.path(), &format!("one.{ext}"));
        let two = path(d.path(), &format!("two.{ext}"));
        let o = run_in(
            d.path(),
            &[
                "explore",
                WAR,
                "--runs",
                "600",
                "--threads",
                "1",
                "-o",
                &one,
            ],
        );
        assert_eq!(o.code, 0, "{}", o.stderr);
        let o = run_in(
            d.path(),
            &[
                "explore",
                WAR,
                "--runs",
                "600",
                "--threads",
                "2",
                "-o",
                &two,
            ],
        );
        assert_eq!(o.code, 0, "{}", o.stderr);
        let a = std::fs::read(&one).unwrap();
        assert_eq!(
            a,
            std::fs::read(&two).unwrap(),
            "{ext}: 1 and 2 threads differ"
        );
        let mut shards = Vec::new();
        for k in 1..=4 {
            let s = path(d.path(), &format!("s{k}.{ext}"));
            let o = run_in(
                d.path(),
                &[
                    "explore",
                    WAR,
                    "--runs",
                    "600",
                    "--shard",
                    &format!("{k}/4"),
                    "-o",
                    &s,
                ],
            );
            assert_eq!(o.code, 0, "{}", o.stderr);
            shards.push(s);
        }
        shards.reverse();
        let merged = path(d.path(), &format!("merged.{ext}"));
        let mut args = vec!["merge"];
        args.extend(shards.iter().map(String::as_str));
        args.extend(["-o", &merged]);
        let o = run_in(d.path(), &args);
        assert_eq!(o.code, 0, "{}", o.stderr);
        assert_eq!(
            a,
            std::fs::read(&merged).unwrap(),
            "{ext}: merged shards differ"
        );
    }
    // A CSV row per run, with the inputs and the outputs.
    let text = std::fs::read_to_string(d.path().join("one.csv")).unwrap();
    let header = text.lines().next().unwrap();
    assert!(
        header.starts_with("run,russia.cost,russia.cost_growth"),
        "{header}"
    );
    assert!(
        header.contains(",ceasefire_month,") && header.contains(",renewed_24,"),
        "{header}"
    );
    assert_eq!(text.lines().count(), 601);
}

#[test]
fn explore_summarises_for_a_person_and_for_programs() {
    let d = tempfile::tempdir().unwrap();
    let o = run_in(d.path(), &["explore", WAR, "--runs", "300"]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    assert!(
        o.stdout.contains("a ceasefire by month 12:"),
        "{}",
        o.stdout
    );
    assert!(o.stdout.contains("median"));
    let o = run_in(
        d.path(),
        &[
            "explore", WAR, "--runs", "300", "--design", "lhs", "--format", "json",
        ],
    );
    assert_eq!(o.code, 0, "{}", o.stderr);
    let v: serde_json::Value = serde_json::from_str(&o.stdout).unwrap();
    let cols = v["columns"].as_array().unwrap();
    let growth = cols
        .iter()
        .find(|c| c["name"] == "russia.cost_growth")
        .unwrap();
    assert_eq!(growth["input"], true);
    // Triangular(1, 1.02, 1.04): the mean is 1.02; 300 Latin-hypercube draws get within 0.002.
    assert!(
        (growth["mean"].as_f64().unwrap() - 1.02).abs() < 0.002,
        "{growth}"
    );
    assert!(
        v["events"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["event"] == "a ceasefire")
    );
}

#[test]
fn bad_sweeps_fail_before_any_work() {
    let d = tempfile::tempdir().unwrap();
    let out = path(d.path(), "r.csv");
    let o = run_in(d.path(), &["explore", WAR, "--runs", "0", "-o", &out]);
    assert_eq!(o.code, 1);
    assert!(
        flat(&o.stderr).contains("--runs must be at least 1"),
        "{}",
        o.stderr
    );
    let o = run_in(
        d.path(),
        &["explore", WAR, "--runs", "5000000000000", "-o", &out],
    );
    assert_eq!(o.code, 1);
    assert!(
        flat(&o.stderr).contains("more than detente accepts"),
        "{}",
        o.stderr
    );
    // Fits the run limit but not the disk.
    let o = run_in(
        d.path(),
        &["explore", WAR, "--runs", "900000000000", "-o", &out],
    );
    assert_eq!(o.code, 1);
    assert!(flat(&o.stderr).contains("free"), "{}", o.stderr);
    let nowhere = path(d.path(), "no/such/dir/r.csv");
    let o = run_in(d.path(), &["explore", WAR, "--runs", "10", "-o", &nowhere]);
    assert_eq!(o.code, 1);
    assert!(flat(&o.stderr).contains("does not exist"), "{}", o.stderr);
    let o = run_in(
        d.path(),
        &[
            "explore",
            WAR,
            "--runs",
            "10",
            "-o",
            &path(d.path(), "r.xlsx"),
        ],
    );
    assert_eq!(o.code, 1);
    assert!(flat(&o.stderr).contains(".csv or .parquet"), "{}", o.stderr);
    let o = run_in(
        d.path(),
        &["explore", WAR, "--runs", "10", "--shard", "5/4"],
    );
    assert_eq!(o.code, 1);
    assert!(flat(&o.stderr).contains("does not exist"), "{}", o.stderr);
    // No file is left behind by any of them.
    let left: Vec<_> = std::fs::read_dir(d.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .filter(|n| n != "runs.sqlite" && !n.to_string_lossy().starts_with("runs.sqlite-"))
        .collect();
    assert!(left.is_empty(), "{left:?}");
    // An existing file is never replaced without --force.
    std::fs::write(&out, "keep").unwrap();
    let o = run_in(d.path(), &["explore", WAR, "--runs", "10", "-o", &out]);
    assert_eq!(o.code, 1);
    assert_eq!(std::fs::read_to_string(&out).unwrap(), "keep");
}

#[test]
fn merge_refuses_a_gap() {
    let d = tempfile::tempdir().unwrap();
    let (a, c) = (path(d.path(), "a.csv"), path(d.path(), "c.csv"));
    for (k, p) in [(1, &a), (3, &c)] {
        let o = run_in(
            d.path(),
            &[
                "explore",
                WAR,
                "--runs",
                "30",
                "--shard",
                &format!("{k}/3"),
                "-o",
                p,
            ],
        );
        assert_eq!(o.code, 0, "{}", o.stderr);
    }
    let o = run_in(d.path(), &["merge", &a, &c, "-o", &path(d.path(), "m.csv")]);
    assert_eq!(o.code, 1);
    assert!(
        flat(&o.stderr).contains("runs 10..19 are missing"),
        "{}",
        o.stderr
    );
    assert!(!d.path().join("m.csv").exists());
}

#[test]
fn discover_explains_its_condition_errors() {
    let d = tempfile::tempdir().unwrap();
    let o = run_in(
        d.path(),
        &[
            "discover",
            WAR,
            "--where",
            "ceasefire_mnth <= 12",
            "--runs",
            "50",
        ],
    );
    assert_eq!(o.code, 1);
    assert!(
        flat(&o.stderr).contains("unknown column `ceasefire_mnth`"),
        "{}",
        o.stderr
    );
    assert!(
        flat(&o.stderr).contains("did you mean `ceasefire_month`"),
        "{}",
        o.stderr
    );
    let o = run_in(
        d.path(),
        &[
            "discover",
            WAR,
            "--where",
            "ceasefire_month <= 12 and",
            "--runs",
            "50",
        ],
    );
    assert_eq!(o.code, 1);
    assert!(
        flat(&o.stderr).contains("expected a comparison"),
        "{}",
        o.stderr
    );
}

#[test]
fn discover_finds_what_would_need_to_be_true() {
    let d = tempfile::tempdir().unwrap();
    let o = run_in(
        d.path(),
        &[
            "discover",
            WAR,
            "--where",
            "ceasefire_month <= 2",
            "--runs",
            "2000",
            "--format",
            "json",
        ],
    );
    assert_eq!(o.code, 0, "{}", o.stderr);
    let v: serde_json::Value = serde_json::from_str(&o.stdout).unwrap();
    let b = &v["boxes"][0];
    // The box must be denser in the condition than the runs as a whole.
    let base = v["hits"].as_f64().unwrap() / v["runs"].as_f64().unwrap();
    assert!(b["density"].as_f64().unwrap() > base + 0.05, "{b}");
    assert!(!b["restricted"].as_array().unwrap().is_empty());
    assert!(b["description"].as_str().unwrap().contains("holds in"));
}

#[test]
fn compare_names_the_most_robust_policy() {
    let d = tempfile::tempdir().unwrap();
    let o = run_in(
        d.path(),
        &[
            "compare",
            WAR,
            "--policy",
            "europe_opens_channel_now",
            "--policy",
            "us_walks_away",
            "--runs",
            "300",
            "--format",
            "json",
        ],
    );
    assert_eq!(o.code, 0, "{}", o.stderr);
    let v: serde_json::Value = serde_json::from_str(&o.stdout).unwrap();
    assert_eq!(v["policies"].as_array().unwrap().len(), 3);
    assert_eq!(v["most_robust"]["criterion"], "minimax regret");
    assert_eq!(v["objective"], "ceasefire_month");
    let o = run_in(
        d.path(),
        &["compare", WAR, "--policy", "no_such_policy", "--runs", "10"],
    );
    assert_eq!(o.code, 1);
    assert!(
        flat(&o.stderr).contains("unknown policy `no_such_policy`"),
        "{}",
        o.stderr
    );
}

#[test]
fn sensitivity_ranks_the_inputs() {
    let d = tempfile::tempdir().unwrap();
    for method in ["sobol", "morris"] {
        let o = run_in(
            d.path(),
            &[
                "sensitivity",
                WAR,
                "--method",
                method,
                "--samples",
                "32",
                "--output",
                "territory.outcome",
                "--bootstrap",
                "50",
                "--format",
                "json",
            ],
        );
        assert_eq!(o.code, 0, "{method}: {}", o.stderr);
        let v: serde_json::Value = serde_json::from_str(&o.stdout).unwrap();
        assert_eq!(v["results"][0]["output"], "territory.outcome");
        assert_eq!(v["results"][0]["inputs"].as_array().unwrap().len(), 8);
    }
    let o = run_in(d.path(), &["sensitivity", WAR, "--output", "territory"]);
    assert_eq!(o.code, 1);
    assert!(
        flat(&o.stderr).contains("did you mean `territory.outcome`"),
        "{}",
        o.stderr
    );
    let o = run_in(
        d.path(),
        &["sensitivity", "scenarios/ec-car-emissions.toml"],
    );
    assert_eq!(o.code, 1);
    assert!(
        flat(&o.stderr).contains("no uncertain numbers"),
        "{}",
        o.stderr
    );
}

#[test]
fn every_sweep_is_recorded_and_can_be_shown() {
    let d = tempfile::tempdir().unwrap();
    let out = path(d.path(), "r.csv");
    let o = run_in(
        d.path(),
        &["explore", WAR, "--runs", "20", "--seed", "7", "-o", &out],
    );
    assert_eq!(o.code, 0, "{}", o.stderr);
    assert!(
        flat(&o.stderr).contains("recorded as run 1"),
        "{}",
        o.stderr
    );
    let o = run_in(d.path(), &["runs"]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    assert!(
        o.stdout.contains("explore") && o.stdout.contains("ukraine-ceasefire-2026.toml"),
        "{}",
        o.stdout
    );
    let o = run_in(d.path(), &["runs", "show", "1"]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    assert!(o.stdout.contains("re-run: detente explore"), "{}", o.stdout);
    assert!(o.stdout.contains("r.csv"), "{}", o.stdout);
    let o = run_in(d.path(), &["runs", "show", "99"]);
    assert_eq!(o.code, 1);
}

#[test]
fn recording_can_be_turned_off_for_one_run() {
    let d = tempfile::tempdir().unwrap();
    let data = d.path().join("data");
    let db = data.join("runs.sqlite");
    let sweeps: [&[&str]; 4] = [
        &["explore", WAR, "--runs", "20"],
        &["sensitivity", WAR, "--samples", "4", "--bootstrap", "0"],
        &[
            "discover",
            WAR,
            "--where",
            "ceasefire_month <= 12",
            "--runs",
            "50",
        ],
        &["compare", WAR, "--policy", "us_walks_away", "--runs", "20"],
    ];
    for args in sweeps {
        let o = run_in(&data, &[args, &["--no-record"]].concat());
        assert_eq!(o.code, 0, "{args:?}: {}", o.stderr);
        assert!(!o.stderr.contains("recorded as run"), "{}", o.stderr);
        for off in ["off", "0", "no", "False"] {
            let o = output(
                detente()
                    .env("DETENTE_DATA_DIR", &data)
                    .env("DETENTE_RECORD", off)
                    .args(args),
            );
            assert_eq!(o.code, 0, "{args:?} {off}: {}", o.stderr);
            assert!(!o.stderr.contains("recorded as run"), "{}", o.stderr);
        }
    }
    assert!(
        !data.exists(),
        "no data directory, no database: {}",
        db.display()
    );

    // An unknown value is an error naming the variable, before any work (and even with
    // --no-record, so that a typo is never ignored).
    for extra in [&[][..], &["--no-record"][..]] {
        let o = output(
            detente()
                .env("DETENTE_DATA_DIR", &data)
                .env("DETENTE_RECORD", "of")
                .args([&["explore", WAR, "--runs", "20"][..], extra].concat()),
        );
        assert_eq!(o.code, 1, "{}", o.stderr);
        assert!(
            flat(&o.stderr).contains("DETENTE_RECORD is `of`, which is neither on nor off"),
            "{}",
            o.stderr
        );
    }
    assert!(!data.exists());

    // On (or unset) records as before.
    let o = output(
        detente()
            .env("DETENTE_DATA_DIR", &data)
            .env("DETENTE_RECORD", "on")
            .args(["explore", WAR, "--runs", "20"]),
    );
    assert_eq!(o.code, 0, "{}", o.stderr);
    assert!(
        flat(&o.stderr).contains("recorded as run 1"),
        "{}",
        o.stderr
    );
    assert!(db.exists());
}
