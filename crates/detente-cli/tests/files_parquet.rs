//! Results files as other programs read them: Parquet holds nulls for missing values and
//! booleans for yes/no events, the same answers as the CSV; a damaged shard is refused by name.

mod common;

use std::fs::File;
use std::path::{Path, PathBuf};

use common::{detente, output};
use parquet::basic::{Repetition, Type};
use parquet::file::reader::{FileReader, SerializedFileReader};
use parquet::record::Field;

const WAR: &str = "scenarios/ukraine-ceasefire-2026.toml";

/// The bundled war cut to a three-month horizon, so that some futures end without a
/// ceasefire (their ceasefire columns are missing); written outside the test's directory,
/// whose files some tests count.
fn short_war() -> PathBuf {
    static N: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let text = std::fs::read_to_string(common::root().join(WAR)).unwrap();
    let cut = text.replacen("horizon = 60 ", "horizon = 3 ", 1);
    assert_ne!(cut, text, "the bundled war's horizon line changed");
    let n = N.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
    let path =
        std::env::temp_dir().join(format!("detente-short-war-{}-{n}.toml", std::process::id()));
    std::fs::write(&path, cut).unwrap();
    path
}

fn explore(out: &Path, extra: &[&str]) {
    let war = short_war();
    let o = output(
        detente()
            .arg("explore")
            .arg(&war)
            .args(["--seed", "5"])
            .args(extra)
            .arg("-o")
            .arg(out),
    );
    assert_eq!(o.code, 0, "{}", o.stderr);
}

/// The CSV's cells by column, `None` for an empty cell.
fn csv_columns(path: &Path) -> (Vec<String>, Vec<Vec<Option<f64>>>) {
    let mut r = csv::Reader::from_path(path).unwrap();
    let names: Vec<String> = r.headers().unwrap().iter().map(String::from).collect();
    let mut cols = vec![Vec::new(); names.len()];
    for rec in r.records() {
        for (c, cell) in rec.unwrap().iter().enumerate() {
            cols[c].push((!cell.is_empty()).then(|| cell.parse().unwrap()));
        }
    }
    (names, cols)
}

#[test]
fn parquet_has_nulls_and_booleans_and_says_what_the_csv_says() {
    let dir = tempfile::tempdir().unwrap();
    let pq = dir.path().join("r.parquet");
    let csv = dir.path().join("r.csv");
    explore(&pq, &["--runs", "400"]);
    explore(&csv, &["--runs", "400"]);
    let (names, cells) = csv_columns(&csv);

    let reader = SerializedFileReader::new(File::open(&pq).unwrap()).unwrap();
    let schema = reader.metadata().file_metadata().schema_descr_ptr();
    let flags = [
        "ceasefire",
        "victory.russia",
        "victory.ukraine",
        "ongoing",
        "renewed",
        "frozen",
    ];
    let got: Vec<(String, Type, Repetition)> = schema
        .columns()
        .iter()
        .map(|c| {
            let t = c.self_type();
            (
                c.name().to_string(),
                t.get_physical_type(),
                t.get_basic_info().repetition(),
            )
        })
        .collect();
    assert_eq!(got.len(), names.len());
    for ((name, physical, repetition), csv_name) in got.iter().zip(&names) {
        assert_eq!(name, csv_name);
        let want = if name == "run" {
            (Type::INT64, Repetition::REQUIRED)
        } else if flags.contains(&name.as_str()) {
            (Type::BOOLEAN, Repetition::OPTIONAL)
        } else {
            (Type::DOUBLE, Repetition::OPTIONAL)
        };
        assert_eq!((*physical, *repetition), want, "{name}");
    }

    let month = names.iter().position(|n| n == "ceasefire_month").unwrap();
    let mut nulls = vec![0usize; names.len()];
    for (i, row) in reader.get_row_iter(None).unwrap().enumerate() {
        for (c, (_, field)) in row.unwrap().get_column_iter().enumerate() {
            let csv_cell = cells[c][i];
            match field {
                Field::Null => {
                    nulls[c] += 1;
                    assert_eq!(csv_cell, None, "{} run {i}", names[c]);
                }
                Field::Long(x) => assert_eq!(Some(*x as f64), csv_cell),
                Field::Bool(b) => assert_eq!(Some(f64::from(u8::from(*b))), csv_cell),
                Field::Double(x) => {
                    assert!(!x.is_nan(), "{} run {i}: a NaN is stored", names[c]);
                    assert_eq!(Some(x.to_bits()), csv_cell.map(f64::to_bits));
                }
                other => panic!("{other:?}"),
            }
        }
    }
    let empty = cells[month].iter().filter(|c| c.is_none()).count();
    assert!(
        empty > 0 && empty < 400,
        "some runs end without a ceasefire"
    );
    assert_eq!(nulls[month], empty);
    assert_eq!(
        nulls.iter().sum::<usize>(),
        cells.iter().flatten().filter(|c| c.is_none()).count()
    );

    // discover reads either file to the same answer.
    let discover = |from: &PathBuf| {
        let o = output(
            detente()
                .args(["discover", WAR, "--where", "ceasefire_month > 12"])
                .arg("--from-results")
                .arg(from),
        );
        assert_eq!(o.code, 0, "{}", o.stderr);
        o.stdout.replace(&from.display().to_string(), "FILE")
    };
    assert_eq!(discover(&pq), discover(&csv));
}

#[test]
fn merge_names_a_damaged_shard_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let a = dir.path().join("a.parquet");
    let b = dir.path().join("b.parquet");
    explore(&a, &["--runs", "200", "--shard", "1/2"]);
    explore(&b, &["--runs", "200", "--shard", "2/2"]);
    // Change one sampled input of run 100 (its first occurrence: the data page, before the
    // footer's statistics).
    let csv = dir.path().join("b.csv");
    explore(&csv, &["--runs", "200", "--shard", "2/2"]);
    let x = csv_columns(&csv).1[1][0].unwrap().to_le_bytes();
    std::fs::remove_file(&csv).unwrap();
    let mut bytes = std::fs::read(&b).unwrap();
    let at = bytes.windows(8).position(|w| w == x).unwrap();
    bytes[at] ^= 0x01;
    std::fs::write(&b, &bytes).unwrap();
    let out = dir.path().join("all.parquet");
    let o = output(detente().arg("merge").arg(&a).arg(&b).arg("-o").arg(&out));
    assert_eq!(o.code, 1, "a changed value must not pass: {}", o.stderr);
    let msg = o.stderr.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(
        msg.contains("b.parquet is damaged: its content does not match the hash"),
        "{}",
        o.stderr
    );
    assert!(!o.stderr.contains("panicked"), "{}", o.stderr);
    let left: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| !n.ends_with(".parquet") || n.starts_with("all"))
        .collect();
    assert!(left.is_empty(), "{left:?}");
}
