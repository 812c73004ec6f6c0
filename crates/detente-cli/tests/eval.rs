//! `detente eval` as a user meets it: the input columns of an `explore` file give that file
//! back bit for bit (CSV, Parquet, standard input), whatever the thread count; bad rows are
//! diagnostics naming the file, the line or row and the column, and nothing is written.

mod common;

use std::path::{Path, PathBuf};

use common::{Out, detente, detente_in, output, root};
use detente_store::results::{Format, Meta, ResultsWriter, read_all};

const WAR: &str = "scenarios/ukraine-ceasefire-2026.toml";

fn war() -> PathBuf {
    root().join(WAR)
}

/// `detente ARGS` run in `dir`, recording nothing.
fn run(dir: &Path, args: &[&str]) -> Out {
    output(detente_in(dir).env("DETENTE_RECORD", "off").args(args))
}

fn war_arg() -> String {
    war().to_string_lossy().into_owned()
}

/// `detente eval` of the bundled war on `rows` (a file in `dir`, or `-` for standard input),
/// with `extra` arguments.
fn eval(dir: &Path, rows: &str, extra: &[&str]) -> Out {
    let war = war_arg();
    let mut args = vec!["eval", war.as_str(), "--inputs", rows];
    args.extend_from_slice(extra);
    run(dir, &args)
}

/// Checks that `o` succeeded and gives its standard output.
fn ok(o: Out) -> String {
    assert_eq!(o.code, 0, "{}", o.stderr);
    o.stdout
}

/// Checks that `o` failed and that its standard error holds every one of `needles`.
fn refused(o: &Out, needles: &[&str]) {
    assert_eq!(o.code, 1, "{}", o.stderr);
    for needle in needles {
        assert!(o.stderr.contains(needle), "{needle}\n{}", o.stderr);
    }
}

/// `explore` of the bundled war into `dir/name`.
fn explore(dir: &Path, name: &str, extra: &[&str]) -> PathBuf {
    let mut args = vec!["explore".to_string(), war_arg(), "-o".into(), name.into()];
    args.extend(extra.iter().map(|s| s.to_string()));
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let o = run(dir, &args);
    assert_eq!(o.code, 0, "{}", o.stderr);
    dir.join(name)
}

/// The first `columns` columns of every line of a CSV file (none of its fields is quoted).
fn cut(text: &str, columns: usize, skip_first: bool) -> String {
    let mut out = String::new();
    for line in text.lines() {
        let fields: Vec<&str> = line.split(',').collect();
        let from = usize::from(skip_first);
        out.push_str(&fields[from..columns].join(","));
        out.push('\n');
    }
    out
}

/// The number of input columns of the bundled war (with `run`, the first `1 + INPUTS`).
const INPUTS: usize = 8;

#[test]
fn the_inputs_of_an_explore_give_its_file_back_bit_for_bit() {
    let d = tempfile::tempdir().unwrap();
    let dir = d.path();
    let csv = explore(
        dir,
        "explore.csv",
        &["--runs", "300", "--seed", "7", "--design", "lhs"],
    );
    let text = std::fs::read_to_string(&csv).unwrap();
    assert!(text.starts_with("run,russia.cost,"), "{}", &text[..80]);
    let header: Vec<&str> = text.lines().next().unwrap().split(',').collect();
    assert_eq!(header[INPUTS], "eu27.support");
    assert_eq!(header[INPUTS + 1], "territory.outcome");
    // With the run column, from a file.
    std::fs::write(dir.join("rows.csv"), cut(&text, INPUTS + 1, false)).unwrap();
    let out = ok(eval(dir, "rows.csv", &["--seed", "7"]));
    assert_eq!(out, text, "eval's CSV is explore's");
    // Without it, on standard input: row i is run i.
    let o = output(
        detente_in(dir)
            .args(["eval", &war_arg(), "--inputs", "-", "--seed", "7"])
            .write_stdin(cut(&text, INPUTS + 1, true)),
    );
    assert_eq!(o.code, 0, "{}", o.stderr);
    assert_eq!(o.stdout, text, "eval of standard input is explore's");
    // Another seed gives other outputs (the comparison can fail).
    assert_ne!(ok(eval(dir, "rows.csv", &["--seed", "8"])), text);
    // A slice of the rows with their run indices gives the same slice of the file.
    let lines: Vec<&str> = text.lines().collect();
    let mut slice = format!("{}\n", lines[0]);
    for l in &lines[101..151] {
        slice.push_str(l);
        slice.push('\n');
    }
    std::fs::write(dir.join("slice.csv"), cut(&slice, INPUTS + 1, false)).unwrap();
    assert_eq!(ok(eval(dir, "slice.csv", &["--seed", "7"])), slice);

    // Parquet out: the same columns, kinds and values as explore's Parquet.
    let pq = explore(
        dir,
        "explore.parquet",
        &["--runs", "300", "--seed", "7", "--design", "lhs"],
    );
    ok(eval(
        dir,
        "rows.csv",
        &["--seed", "7", "-o", "eval.parquet"],
    ));
    let (ec, er, ev) = read_all(&dir.join("eval.parquet")).unwrap();
    let (xc, xr, xv) = read_all(&pq).unwrap();
    assert_eq!((ec, er), (xc, xr));
    let bits = |v: &[f64]| v.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
    assert_eq!(bits(&ev), bits(&xv));
    let (pq_meta, explore_meta) = (
        detente_store::results::read_meta(&dir.join("eval.parquet"))
            .unwrap()
            .unwrap(),
        detente_store::results::read_meta(&pq).unwrap().unwrap(),
    );
    assert_eq!(pq_meta.design, "eval");
    assert_eq!(pq_meta.scenario_hash, explore_meta.scenario_hash);
}

/// The input columns of `csv` (an explore file, with `run`) written as a Parquet file.
fn parquet_inputs(csv: &Path, to: &Path) {
    let text = std::fs::read_to_string(csv).unwrap();
    let mut lines = text.lines();
    let header: Vec<String> = lines.next().unwrap().split(',').map(String::from).collect();
    let columns = header[1..=INPUTS].to_vec();
    let meta = Meta {
        scenario_hash: String::new(),
        seed: 0,
        runs: 0,
        design: "given".into(),
        model: String::new(),
        policy: String::new(),
    };
    let mut w = ResultsWriter::create(to, Format::Parquet, &columns, &meta).unwrap();
    for l in lines {
        let f: Vec<&str> = l.split(',').collect();
        let values: Vec<f64> = f[1..=INPUTS].iter().map(|x| x.parse().unwrap()).collect();
        w.write_row(f[0].parse().unwrap(), &values).unwrap();
    }
    w.finish().unwrap();
}

#[test]
fn parquet_rows_are_read_by_extension_or_by_content() {
    let d = tempfile::tempdir().unwrap();
    let dir = d.path();
    let csv = explore(dir, "explore.csv", &["--runs", "120", "--seed", "3"]);
    let text = std::fs::read_to_string(&csv).unwrap();
    parquet_inputs(&csv, &dir.join("rows.parquet"));
    std::fs::copy(dir.join("rows.parquet"), dir.join("rows.data")).unwrap();
    for rows in ["rows.parquet", "rows.data"] {
        assert_eq!(ok(eval(dir, rows, &["--seed", "3"])), text, "{rows}");
    }
}

#[test]
fn rows_do_not_depend_on_the_thread_count() {
    let d = tempfile::tempdir().unwrap();
    let dir = d.path();
    let csv = explore(dir, "explore.csv", &["--runs", "400", "--seed", "1"]);
    let text = std::fs::read_to_string(&csv).unwrap();
    // Mixed policies and seeds, some rows without.
    let mut rows = String::new();
    for (i, l) in cut(&text, INPUTS + 1, true).lines().enumerate() {
        let (seed, policy) = match i {
            0 => ("seed".to_string(), "policy"),
            i => (
                if i % 3 == 0 {
                    String::new()
                } else {
                    (i * 11).to_string()
                },
                ["", "coalition_guarantee", "us_walks_away", "europe_waits"][i % 4],
            ),
        };
        rows.push_str(&format!("{l},{seed},{policy}\n"));
    }
    std::fs::write(dir.join("rows.csv"), rows).unwrap();
    let mut outs = Vec::new();
    for (env, threads) in [("1", "1"), ("2", "2"), ("2", "")] {
        let mut c = detente_in(dir);
        c.env("RAYON_NUM_THREADS", env).args([
            "eval",
            &war_arg(),
            "--inputs",
            "rows.csv",
            "--seed",
            "1",
        ]);
        if !threads.is_empty() {
            c.args(["--threads", threads]);
        }
        let o = output(&mut c);
        assert_eq!(o.code, 0, "{}", o.stderr);
        outs.push(o.stdout);
    }
    assert_eq!(outs[0], outs[1], "1 and 2 threads differ");
    assert_eq!(outs[0], outs[2], "RAYON_NUM_THREADS=2 differs");
    // The policies change the outputs: the rows are not explore's.
    assert_ne!(outs[0], text);
    assert_eq!(outs[0].lines().count(), 401);
    assert_eq!(outs[0].lines().next(), text.lines().next());
}

#[test]
fn bad_rows_are_named_by_line_and_column_and_nothing_is_written() {
    let d = tempfile::tempdir().unwrap();
    let dir = d.path();
    // Each problem once: a misspelt column (so its real name is missing), a value outside its
    // distribution, a share above 1, an empty cell, a cell that is no number, a bad
    // seed, an unknown policy.
    let rows = "\
russia.cost,russia.cost_grwth,russia.leader_threshold,russia.win_belief,ukraine.cost,ukraine.cost_growth,us.support,eu27.support,seed,policy
0.0008,1.01,0.86,0.6,0.0004,1.0095,0.05,0.08,,
";
    std::fs::write(dir.join("typo.csv"), rows).unwrap();
    let o = eval(dir, "typo.csv", &["-o", "out.csv"]);
    refused(&o, &[]);
    insta::assert_snapshot!("eval_unknown_and_missing_columns", o.stderr);

    let rows = "\
russia.cost,russia.cost_growth,russia.leader_threshold,russia.win_belief,ukraine.cost,ukraine.cost_growth,us.support,eu27.support,seed,policy
0.0008,1.01,0.86,0.6,0.0004,1.0095,0.05,0.08,,
0.0008,1.01,0.99,0.6,0.0004,1.0095,0.05,0.08,3,coalition_guarantee
0.0008,1.01,0.86,,0.0004,1.0095,1.5,0.08,-1,
0.0008,1.01,0.86,0.6,abc,1.0095,0.05,0.08,,coalition_guarante
";
    std::fs::write(dir.join("bad.csv"), rows).unwrap();
    let o = eval(dir, "bad.csv", &["-o", "out.csv"]);
    insta::assert_snapshot!("eval_bad_cells", o.stderr);
    // Every problem is there, each at its line.
    refused(
        &o,
        &[
            "bad.csv, line 3: `russia.leader_threshold` = 0.99 is outside 0.7..0.95",
            "bad.csv, line 4: `russia.win_belief` has no value",
            "bad.csv, line 4: `us.support` = 1.5 is outside 0..0.12",
            "bad.csv, line 4: seed `-1` is not a non-negative integer",
            "bad.csv, line 5: `ukraine.cost` = `abc` is not a number",
            "bad.csv, line 5: unknown policy `coalition_guarante`",
            "did you mean `coalition_guarantee`?",
            "nothing was written",
        ],
    );
    // Nothing was written, not even a temporary file.
    let mut left: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    left.sort();
    assert_eq!(left, ["bad.csv", "typo.csv"]);

    // Parquet rows are named by row; an explore file given whole is one problem.
    explore(dir, "whole.parquet", &["--runs", "5"]);
    refused(
        &eval(dir, "whole.parquet", &[]),
        &[
            "whole.parquet: 18 of the model's outputs given as input columns",
            "1 problem(s)",
        ],
    );
    let csv = explore(dir, "five.csv", &["--runs", "5"]);
    let text = std::fs::read_to_string(&csv)
        .unwrap()
        .replacen("\n2,0.", "\n2,-0.", 1);
    std::fs::write(&csv, text).unwrap();
    parquet_inputs(&csv, &dir.join("rows.parquet"));
    refused(
        &eval(dir, "rows.parquet", &[]),
        &["rows.parquet, row 3: `russia.cost` = -0."],
    );
}

#[test]
fn the_input_is_never_written_over() {
    let d = tempfile::tempdir().unwrap();
    let dir = d.path();
    let csv = explore(dir, "explore.csv", &["--runs", "3"]);
    let text = std::fs::read_to_string(&csv).unwrap();
    std::fs::write(dir.join("rows.csv"), cut(&text, INPUTS + 1, false)).unwrap();
    refused(
        &eval(dir, "rows.csv", &["-o", "rows.csv", "--force"]),
        &["rows.csv is the input file"],
    );
    assert_eq!(
        std::fs::read_to_string(dir.join("rows.csv")).unwrap(),
        cut(&text, INPUTS + 1, false)
    );
    // An existing output needs --force; a format that disagrees with -o is refused.
    refused(
        &eval(dir, "rows.csv", &["-o", "explore.csv"]),
        &["already exists"],
    );
    refused(
        &eval(dir, "rows.csv", &["--format", "parquet", "-o", "x.csv"]),
        &["--format parquet"],
    );
    // Given the input columns back, it writes the explore file's bytes.
    ok(eval(dir, "rows.csv", &["-o", "again.csv"]));
    assert_eq!(
        std::fs::read_to_string(dir.join("again.csv")).unwrap(),
        text
    );
}

#[test]
fn help_names_the_rows_and_their_columns() {
    let o = output(detente().args(["eval", "--help"]));
    assert_eq!(o.code, 0, "{}", o.stderr);
    for needle in [
        "--inputs <ROWS>",
        "`run`, `seed` and `policy`",
        "--format <FORMAT>",
    ] {
        assert!(o.stdout.contains(needle), "{needle}\n{}", o.stdout);
    }
}
