//! `detente backtest` on the repository's copy of the DEU III training file (Arregui &
//! Perarnaud 2021, doi:10.34810/data53; `data/deu/`).

mod common;

use common::{Out, detente, output, root};
use serde_json::Value;

const DEU: &str = "data/deu/deu3-train.tsv";

fn run(args: &[&str]) -> Out {
    output(detente().env("NO_COLOR", "1").args(args))
}

fn json(args: &[&str]) -> Value {
    let o = run(args);
    assert_eq!(o.code, 0, "{}", o.stderr);
    serde_json::from_str(&o.stdout).unwrap()
}

fn entry<'a>(v: &'a Value, model: &str) -> &'a Value {
    v["models"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["model"] == model)
        .unwrap_or_else(|| panic!("no {model}"))
}

fn f(v: &Value) -> f64 {
    v.as_f64().unwrap_or_else(|| panic!("not a number: {v}"))
}

/// The compromise forecast computed here from the file itself, independently of the importer
/// and the library: capability 1, a missing salience 0.5 (as `detente import` does), weights
/// = salience. Returns the MAE over issues with an outcome and their count.
fn compromise_mae_by_hand(text: &str) -> (f64, usize) {
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().unwrap().split('\t').collect();
    let col = |n: &str| header.iter().position(|h| *h == n).unwrap();
    // Actor columns come in pairs p<code> / s<code>; prnr, prname, proc have no partner.
    let actors: Vec<(usize, usize)> = header
        .iter()
        .enumerate()
        .filter_map(|(k, h)| {
            let code = h.strip_prefix('p')?;
            Some((k, header.iter().position(|s| *s == format!("s{code}"))?))
        })
        .collect();
    assert_eq!(actors.len(), 30, "Commission, Parliament and 28 states");
    let out = col("out");
    let (mut sum, mut n) = (0.0, 0);
    for line in lines.filter(|l| !l.trim().is_empty()) {
        let cells: Vec<&str> = line.split('\t').collect();
        let Ok(outcome) = cells[out].trim().parse::<f64>() else {
            continue;
        };
        let (mut num, mut den) = (0.0, 0.0);
        for &(p, s) in &actors {
            let Ok(x) = cells[p].trim().parse::<f64>() else {
                continue;
            };
            let w = cells[s].trim().parse::<f64>().map_or(0.5, |s| s / 100.0);
            num += w * x;
            den += w;
        }
        sum += (num / den - outcome).abs();
        n += 1;
    }
    (sum / n as f64, n)
}

#[test]
fn json_contract_and_the_known_ordering() {
    let v = json(&[
        "backtest",
        DEU,
        "--format",
        "json",
        "--models",
        "compromise,median,nash,war,rp,commission,median-actor",
        "--bootstrap",
        "300",
        "--folds",
        "0",
    ]);
    assert_eq!(v["capability"], "council");
    assert_eq!(
        (v["issues"].as_u64(), v["cases"].as_u64()),
        (Some(264), Some(253))
    );
    assert_eq!(v["without_outcome"], 11);
    assert!(v.get("cv").is_none());
    let models = v["models"].as_array().unwrap();
    assert_eq!(models.len(), 7);
    // Sorted by MAE, war (no forecast) last.
    let maes: Vec<f64> = models.iter().filter_map(|e| e["mae"].as_f64()).collect();
    assert!(maes.windows(2).all(|w| w[0] <= w[1]), "{maes:?}");
    assert_eq!(models.last().unwrap()["model"], "war");
    for e in models.iter().filter(|e| e["n"] != 0) {
        for key in [
            "mae",
            "median_ae",
            "within10",
            "within20",
            "diff_vs_compromise",
        ] {
            assert!(e[key].is_f64(), "{}: {key}", e["model"]);
        }
        let [lo, hi] = [f(&e["mae_ci"][0]), f(&e["mae_ci"][1])];
        assert!(lo < f(&e["mae"]) && f(&e["mae"]) < hi, "{e}");
        assert!(f(&e["within10"]) <= f(&e["within20"]));
    }
    let c = entry(&v, "compromise");
    // Published: about 23 on the whole DEU set (data/deu/README.md).
    assert!((21.0..26.0).contains(&f(&c["mae"])), "{c}");
    assert_eq!(c["diff_vs_compromise"], 0.0);
    assert_eq!(c["n"], 253);
    // The median actor and the weighted median do worse, with intervals above zero.
    for m in ["median", "median-actor"] {
        let e = entry(&v, m);
        assert!(f(&e["mae"]) > f(&c["mae"]), "{e}");
        assert!(f(&e["diff_ci"][0]) > 0.0, "{e}");
    }
    // nash and rp need a reference point: 61 cases have none.
    for m in ["nash", "rp"] {
        let e = entry(&v, m);
        assert_eq!(
            (e["n"].as_u64(), e["skipped"].as_u64()),
            (Some(192), Some(61))
        );
        assert_eq!(e["n_paired"], 192);
    }
    let w = entry(&v, "war");
    assert_eq!(
        (w["n"].as_u64(), w["skipped"].as_u64()),
        (Some(0), Some(253))
    );
    assert!(w["mae"].is_null() && w["diff_ci"].is_null());
    assert!(w["skip_reason"].as_str().unwrap().contains("[war]"));
    assert_eq!(entry(&v, "commission")["n"], 250);
}

#[test]
fn equal_capabilities_match_a_hand_computation() {
    let text = std::fs::read_to_string(root().join(DEU)).unwrap();
    let (mae, n) = compromise_mae_by_hand(&text);
    assert_eq!(n, 253);
    let v = json(&[
        "backtest",
        DEU,
        "--format",
        "json",
        "--capability",
        "equal",
        "--models",
        "compromise",
        "--bootstrap",
        "10",
        "--folds",
        "0",
    ]);
    assert_eq!(v["capability"], "equal");
    let got = f(&entry(&v, "compromise")["mae"]);
    assert!((got - mae).abs() < 1e-9, "{got} vs {mae}");
}

#[test]
fn the_same_seed_gives_the_same_bytes() {
    let args = [
        "backtest",
        DEU,
        "--format",
        "json",
        "--models",
        "compromise,median,eum",
        "--bootstrap",
        "200",
        "--folds",
        "3",
    ];
    let a = run(&args);
    let b = run(&args);
    assert_eq!(a.code, 0, "{}", a.stderr);
    assert_eq!(a.stdout, b.stdout);
    let v: Value = serde_json::from_str(&a.stdout).unwrap();
    let cv = &v["cv"];
    assert_eq!(cv["model"], "fitted-mean");
    assert_eq!(cv["folds"], 3);
    assert_eq!(cv["grid_size"], 3600);
    assert_eq!(cv["n"], 253);
    assert_eq!(cv["fold_params"].as_array().unwrap().len(), 3);
    // Its baseline is the leaderboard's compromise, on the same cases.
    assert_eq!(cv["compromise_mae"], entry(&v, "compromise")["mae"]);
    // The in-sample fit can only match or beat compromise, which is one of its candidates.
    assert!(f(&cv["full_in_sample_mae"]) <= f(&entry(&v, "compromise")["mae"]));
    let mut other = args.to_vec();
    other.extend(["--seed", "1"]);
    let c = run(&other);
    assert_ne!(a.stdout, c.stdout, "the seed must move the intervals");
}

#[test]
fn table_for_a_person() {
    let o = run(&[
        "backtest",
        DEU,
        "--models",
        "compromise,median,median-actor,nash,rp",
        "--bootstrap",
        "200",
        "--folds",
        "0",
    ]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    // The importer's warning about missing saliences goes to standard error.
    assert!(o.stderr.contains("have no salience; they get salience 0.5"));
    insta::assert_snapshot!("backtest_table", o.stdout);
}

#[test]
fn compromise_is_the_baseline_even_when_not_listed() {
    let v = json(&[
        "backtest",
        DEU,
        "--format",
        "json",
        "--models",
        "median",
        "--bootstrap",
        "50",
        "--folds",
        "0",
    ]);
    let models = v["models"].as_array().unwrap();
    assert_eq!(models.len(), 1);
    assert!(f(&models[0]["diff_vs_compromise"]) > 0.0);
}

#[test]
fn unknown_model_is_refused_with_a_suggestion() {
    let o = run(&["backtest", DEU, "--models", "compromise,medain"]);
    assert_eq!(o.code, 1);
    assert!(o.stderr.contains("unknown model `medain`"), "{}", o.stderr);
    assert!(o.stderr.contains("did you mean `median`?"), "{}", o.stderr);
    assert!(o.stdout.is_empty());
    let o = run(&["backtest", DEU, "--models", "compromise,,median"]);
    assert_eq!(o.code, 1);
    assert!(o.stderr.contains("empty name"), "{}", o.stderr);
}

#[test]
fn bad_arguments() {
    let o = run(&["backtest", DEU, "--folds", "1"]);
    assert_eq!(o.code, 1);
    assert!(o.stderr.contains("--folds 1"), "{}", o.stderr);
    let o = run(&["backtest", DEU, "--bootstrap", "0"]);
    assert_eq!(o.code, 2, "{}", o.stderr);
    let o = run(&["backtest", DEU, "--capability", "votes"]);
    assert_eq!(o.code, 2, "{}", o.stderr);
}

#[test]
fn files_that_cannot_be_backtested() {
    let o = run(&["backtest", "data/deu/no-such-file.tsv"]);
    assert_eq!(o.code, 1);
    assert!(o.stderr.contains("cannot read"), "{}", o.stderr);
    let o = run(&["backtest", "scenarios/ec-car-emissions.toml"]);
    assert_eq!(o.code, 1);
    assert!(
        o.stderr.contains("is not a DEU-format file"),
        "{}",
        o.stderr
    );

    let dir = tempfile::tempdir().unwrap();
    let header = "prnr\tisnr\tproc\tintro\tpcom\tpep\tpde\tscom\tsep\tsde\trp\tout";
    let write = |name: &str, body: &str| {
        let p = dir.path().join(name);
        std::fs::write(&p, format!("{header}\n{body}")).unwrap();
        p.display().to_string()
    };
    // A position that is not a number: file, line, field.
    let bad = write(
        "bad.tsv",
        "p1\tp1i1\tCOD\t11-03-99\t100\t50\t0\t80\t70\t40\t0\t50\n\
         p1\tp1i2\tCOD\t11-03-99\t100\tabc\t0\t80\t70\t40\t0\t50\n",
    );
    let o = run(&["backtest", &bad]);
    assert_eq!(o.code, 1);
    assert!(o.stderr.contains("bad.tsv:3:"), "{}", o.stderr);
    assert!(o.stderr.contains("pep"), "{}", o.stderr);
    assert!(!o.stderr.contains("panicked"));
    // A date the council scheme cannot read: refused there, fine with equal capabilities.
    let undated = write(
        "undated.tsv",
        "p1\tp1i1\tCOD\t999\t100\t50\t0\t80\t70\t40\t0\t50\n",
    );
    let o = run(&["backtest", &undated, "--folds", "0"]);
    assert_eq!(o.code, 1);
    assert!(
        o.stderr.contains("intro `999` is not a date"),
        "{}",
        o.stderr
    );
    assert!(o.stderr.contains("undated.tsv:2:"), "{}", o.stderr);
    let o = run(&[
        "backtest",
        &undated,
        "--capability",
        "equal",
        "--folds",
        "0",
    ]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    // No outcome anywhere: nothing to score.
    let blind = write(
        "blind.tsv",
        "p1\tp1i1\tCOD\t11-03-99\t100\t50\t0\t80\t70\t40\t0\t\n",
    );
    let o = run(&["backtest", &blind]);
    assert_eq!(o.code, 1);
    assert!(
        o.stderr.contains("no issue with a recorded outcome"),
        "{}",
        o.stderr
    );
}

/// docs/BACKTEST.md is what `detente backtest data/deu/deu3-train.tsv --format markdown`
/// prints, apart from the wall-clock time. DETENTE_BLESS=1 rewrites it (keeping the committed
/// timing, which should come from a release build; see the page).
#[test]
fn backtest_doc_is_current() {
    let o = run(&["backtest", DEU, "--format", "markdown"]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    let path = root().join("docs/BACKTEST.md");
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    use detente_backtest::doc::without_timing;
    if std::env::var_os("DETENTE_BLESS").is_some() {
        std::fs::write(&path, keep_timing(&o.stdout, &committed)).unwrap();
        return;
    }
    assert_eq!(
        without_timing(&committed),
        without_timing(&o.stdout),
        "docs/BACKTEST.md is stale: run `detente backtest {DEU} --format markdown -o docs/BACKTEST.md --force` (release build) or DETENTE_BLESS=1"
    );
}

/// `fresh` with the timing block of `old`, if `old` has one.
fn keep_timing(fresh: &str, old: &str) -> String {
    use detente_backtest::doc::{TIMING_END, TIMING_START};
    let block = |t: &str| -> Option<String> {
        let a = t.find(TIMING_START)?;
        let b = t.find(TIMING_END)?;
        Some(t[a..b].to_string())
    };
    match (block(fresh), block(old)) {
        (Some(new), Some(kept)) => fresh.replace(&new, &kept),
        _ => fresh.to_string(),
    }
}
