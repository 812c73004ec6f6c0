//! `detente backtest wars DIR` on the synthetic fixtures of `data/war-synthetic/` (invented
//! values in the real files' columns; the real files are COW's and stay out of the
//! repository).

mod common;

use common::{Out, detente, output, root};
use serde_json::Value;

const DIR: &str = "data/war-synthetic";

const FILES: [&str; 5] = [
    "cow-interstate-wars.csv",
    "cow-interstate-war-sides.csv",
    "cow-interstate-war-participants.csv",
    "archigos-war-leaders.csv",
    "fortna-civil-ceasefires.csv",
];

/// The war model at its smallest (its starting defaults, one run per training war, four per
/// forecast): these tests check the command's plumbing; the model's fit is checked in release
/// by `war_backtest_doc_is_current` and on the real files by `.ci/shared-data`.
const QUICK: [&str; 6] = [
    "--fit-iterations",
    "0",
    "--fit-runs",
    "1",
    "--model-runs",
    "4",
];

fn run(args: &[&str]) -> Out {
    let quick = args.len() >= 2 && args[..2] == ["backtest", "wars"];
    let mut cmd = detente();
    cmd.env("NO_COLOR", "1").args(args);
    if quick {
        cmd.args(QUICK);
    }
    output(&mut cmd)
}

fn json(args: &[&str]) -> Value {
    let o = run(args);
    assert_eq!(o.code, 0, "{}", o.stderr);
    serde_json::from_str(&o.stdout).unwrap()
}

/// A copy of the fixture folder in a scratch directory, with `edit` applied to one file.
fn copy_with(file: &str, edit: impl Fn(&str) -> String) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for f in FILES {
        let text = std::fs::read_to_string(root().join(DIR).join(f)).unwrap();
        let text = if f == file { edit(&text) } else { text };
        std::fs::write(dir.path().join(f), text).unwrap();
    }
    dir
}

#[test]
fn json_has_every_baseline_and_counts_by_hand() {
    let v = json(&[
        "backtest",
        "wars",
        DIR,
        "--format",
        "json",
        "--bootstrap",
        "200",
    ]);
    let names: Vec<&str> = v["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["forecaster"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        [
            "base-rates",
            "logit-capability",
            "lognormal-balance",
            "capability",
            "war-model"
        ]
    );
    // The number of wars and the initiator's wins, counted here from the file itself.
    let text = std::fs::read_to_string(root().join(DIR).join(FILES[0])).unwrap();
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    let col = |n: &str| header.iter().position(|h| *h == n).unwrap();
    let rows: Vec<Vec<&str>> = lines.map(|l| l.split(',').collect()).collect();
    let won = rows
        .iter()
        .filter(|r| {
            r[col("outcome_type")] == "victory" && r[col("winner_side")] == r[col("initiator_side")]
        })
        .count();
    assert_eq!(v["summary"]["wars"], rows.len());
    assert_eq!(v["summary"]["outcomes"][0], won);
    for e in v["entries"].as_array().unwrap() {
        assert_eq!(e["n"], rows.len());
        let [lo, hi] = [&e["brier"]["ci"][0], &e["brier"]["ci"][1]].map(|x| x.as_f64().unwrap());
        let m = e["brier"]["mean"].as_f64().unwrap();
        assert!(lo <= m && m <= hi && (0.0..=2.0).contains(&m), "{e}");
    }
    // 4 baselines, each against the 3 others, and the war model against all 4.
    assert_eq!(v["diffs"].as_array().unwrap().len(), 16);
    // One calibration of the war model per fold, each on the other folds' wars.
    let fits = v["war_model"].as_array().unwrap();
    assert_eq!(fits.len(), 5);
    let total: u64 = fits.iter().map(|f| f["wars"].as_u64().unwrap()).sum();
    assert_eq!(total as usize, 4 * rows.len());
    assert_eq!(v["scheme"]["folds"], 5);
    assert_eq!(v["leaders"].as_array().unwrap().len(), 5);
    assert_eq!(v["ceasefire_cv"]["horizons"].as_array().unwrap().len(), 3);
}

#[test]
fn the_same_seed_gives_the_same_bytes_and_another_seed_other_folds() {
    let args = [
        "backtest",
        "wars",
        DIR,
        "--format",
        "json",
        "--bootstrap",
        "50",
    ];
    let a = run(&args);
    let b = run(&args);
    assert_eq!(a.code, 0, "{}", a.stderr);
    assert_eq!(a.stdout, b.stdout);
    let mut other = args.to_vec();
    other.extend(["--seed", "9"]);
    assert_ne!(run(&other).stdout, a.stdout);
}

#[test]
fn results_do_not_depend_on_the_thread_count() {
    let args = [
        "backtest",
        "wars",
        DIR,
        "--format",
        "json",
        "--bootstrap",
        "50",
    ];
    let with =
        |n: &str| output(detente().env("RAYON_NUM_THREADS", n).args(args).args(QUICK)).stdout;
    assert_eq!(with("1"), with("4"));
}

#[test]
fn fit_on_another_folder_and_leave_one_out() {
    let v = json(&[
        "backtest",
        "wars",
        DIR,
        "--fit-on",
        DIR,
        "--format",
        "json",
        "--bootstrap",
        "20",
    ]);
    assert_eq!(v["scheme"], "fit_on");
    assert_eq!(v["train"], DIR);
    let v = json(&[
        "backtest",
        "wars",
        DIR,
        "--folds",
        "1000",
        "--format",
        "json",
        "--bootstrap",
        "20",
    ]);
    // Leave-one-out: as many folds as wars.
    assert_eq!(v["scheme"]["folds"], v["summary"]["wars"]);
}

#[test]
fn table_for_a_person_and_deu_still_works() {
    let o = run(&["backtest", "wars", DIR, "--bootstrap", "50"]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    assert!(
        o.stdout.contains("war backtest of data/war-synthetic"),
        "{}",
        o.stdout
    );
    assert!(o.stdout.contains("logit-capability"));
    assert!(o.stdout.contains("minus base-rates"));
    // The DEU form of the command is unchanged.
    let o = run(&[
        "backtest",
        "data/deu/deu3-train.tsv",
        "--folds",
        "0",
        "--bootstrap",
        "10",
        "--models",
        "compromise",
    ]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    assert!(o.stdout.contains("backtest of data/deu/deu3-train.tsv"));
}

#[test]
fn a_missing_file_says_which_and_where_the_data_come_from() {
    let dir = copy_with("", |t| t.to_string());
    std::fs::remove_file(dir.path().join("archigos-war-leaders.csv")).unwrap();
    let o = run(&["backtest", "wars", dir.path().to_str().unwrap()]);
    assert_eq!(o.code, 1);
    assert!(
        o.stderr.contains("has no archigos-war-leaders.csv"),
        "{}",
        o.stderr
    );
    assert!(o.stderr.contains("Archigos 4.1"), "{}", o.stderr);
    let o = run(&["backtest", "wars", "data/no-such-folder"]);
    assert_eq!(o.code, 1);
    assert!(o.stderr.contains("cow-interstate-wars.csv"), "{}", o.stderr);
}

#[test]
fn a_bad_cell_is_shown_at_file_line_field_and_no_output_file_is_left() {
    // Line 3 of the wars file (the second war): its duration is not a number.
    let dir = copy_with(FILES[0], |t| {
        let mut lines: Vec<String> = t.lines().map(str::to_string).collect();
        let header: Vec<&str> = lines[0].split(',').collect();
        let k = header.iter().position(|h| *h == "duration_days").unwrap();
        let mut cells: Vec<String> = lines[2].split(',').map(str::to_string).collect();
        cells[k] = "long".into();
        lines[2] = cells.join(",");
        lines.join("\n") + "\n"
    });
    let out = dir.path().join("report.md");
    let d = dir.path().to_str().unwrap();
    let o = run(&[
        "backtest",
        "wars",
        d,
        "--format",
        "markdown",
        "-o",
        out.to_str().unwrap(),
    ]);
    assert_eq!(o.code, 1, "{}", o.stderr);
    assert!(
        o.stderr.contains("cow-interstate-wars.csv:3:"),
        "{}",
        o.stderr
    );
    assert!(o.stderr.contains("duration_days"), "{}", o.stderr);
    assert!(o.stderr.contains("`long`"), "{}", o.stderr);
    assert!(!o.stderr.contains("panicked"));
    assert!(!out.exists(), "a failed run left {}", out.display());
    assert!(
        std::fs::read_dir(dir.path()).unwrap().all(|e| e
            .unwrap()
            .file_name()
            .to_string_lossy()
            .ends_with(".csv")),
        "no temporary file is left either"
    );
    // A missing column: one error naming it.
    let dir = copy_with(FILES[4], |t| t.replacen("peace_days", "days_of_peace", 1));
    let o = run(&["backtest", "wars", dir.path().to_str().unwrap()]);
    assert_eq!(o.code, 1);
    assert!(o.stderr.contains("no `peace_days` column"), "{}", o.stderr);
    assert!(
        o.stderr.contains("fortna-civil-ceasefires.csv:1:"),
        "{}",
        o.stderr
    );
}

#[test]
fn bad_arguments() {
    let o = run(&["backtest", "wars", DIR, "--folds", "1"]);
    assert_eq!(o.code, 2, "{}", o.stderr);
    let o = run(&["backtest", "wars", DIR, "--bootstrap", "0"]);
    assert_eq!(o.code, 2, "{}", o.stderr);
    let o = run(&["backtest", "wars", DIR, "--format", "csv"]);
    assert_eq!(o.code, 2, "{}", o.stderr);
    let o = run(&["backtest"]);
    assert_eq!(o.code, 2, "{}", o.stderr);
}

/// The settings of the generated page: a real calibration, small enough for CI.
const DOC: [&str; 6] = [
    "--fit-iterations",
    "30",
    "--fit-runs",
    "8",
    "--model-runs",
    "50",
];

/// docs/WAR-BACKTEST.md is what `detente backtest wars data/war-synthetic --format markdown`
/// prints with [`DOC`]'s settings. DETENTE_BLESS=1 rewrites it. Ignored in debug (the war
/// model calibrates); `.ci/run` runs it in release.
#[test]
#[ignore = "calibrates the war model; run in release: cargo test --release -p detente-cli --test backtest_wars -- --ignored"]
fn war_backtest_doc_is_current() {
    let mut cmd = detente();
    cmd.env("NO_COLOR", "1")
        .args(["backtest", "wars", DIR, "--format", "markdown"])
        .args(DOC);
    let o = output(&mut cmd);
    assert_eq!(o.code, 0, "{}", o.stderr);
    let path = root().join("docs/WAR-BACKTEST.md");
    if std::env::var_os("DETENTE_BLESS").is_some() {
        std::fs::write(&path, &o.stdout).unwrap();
        return;
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert_eq!(
        committed,
        o.stdout,
        "docs/WAR-BACKTEST.md is stale: run `detente backtest wars {DIR} --format markdown {}` (its first lines give the command) or DETENTE_BLESS=1",
        DOC.join(" ")
    );
}
