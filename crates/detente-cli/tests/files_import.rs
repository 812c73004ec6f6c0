//! `detente import` of a file that becomes several scenario files: every target is checked
//! before any is written, and the message says exactly what was written.

mod common;

use std::path::{Path, PathBuf};

use common::{detente, output, root};

fn hostile(name: &str) -> PathBuf {
    root()
        .join("crates/detente-cli/tests/data/hostile")
        .join(name)
}

fn files_in(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    v.sort();
    v
}

#[test]
fn two_rows_of_one_issue_are_refused_naming_both_lines() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    let input = hostile("files_deu_duplicate_issue.tsv");
    for force in [false, true] {
        let mut c = detente();
        c.args(["import", "deu"]).arg(&input).arg("-o").arg(&out);
        if force {
            c.arg("--force");
        }
        let o = output(&mut c);
        assert_eq!(o.code, 1, "{}", o.stderr);
        assert!(
            o.stderr
                .contains("line 3 repeats the issue of line 2: isnr `d00060i1`"),
            "{}",
            o.stderr
        );
        assert!(o.stderr.contains("first defined here"), "{}", o.stderr);
        assert!(!out.exists(), "nothing is written, not even the directory");
    }
    // `check` and `run` read the same importer.
    let o = output(detente().arg("check").arg(&input).args(["--from", "deu"]));
    assert_eq!(o.code, 1, "{}", o.stdout);
}

#[test]
fn an_existing_target_stops_the_import_before_any_write() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    std::fs::create_dir(&out).unwrap();
    std::fs::write(out.join("d00060i1.toml"), "mine").unwrap();
    let input = hostile("files_deu_two_issues.tsv");
    let o = output(
        detente()
            .args(["import", "deu"])
            .arg(&input)
            .arg("-o")
            .arg(&out),
    );
    assert_eq!(o.code, 1);
    assert!(
        o.stderr
            .contains("1 of the 2 files to write already exist: ")
            && o.stderr.contains("d00060i1.toml")
            && o.stderr.contains("nothing was written"),
        "{}",
        o.stderr
    );
    assert_eq!(files_in(&out), ["d00060i1.toml"]);
    assert_eq!(
        std::fs::read_to_string(out.join("d00060i1.toml")).unwrap(),
        "mine"
    );

    // With --force: one replaced, one new, and the message says so.
    let o = output(
        detente()
            .args(["import", "deu"])
            .arg(&input)
            .arg("-o")
            .arg(&out)
            .arg("--force"),
    );
    assert_eq!(o.code, 0, "{}", o.stderr);
    assert!(
        o.stderr.contains("wrote 2 scenario file(s) to ")
            && o.stderr.contains(": 1 new, 1 replaced"),
        "{}",
        o.stderr
    );
    assert_eq!(files_in(&out), ["d00060i1.toml", "d00060i2.toml"]);
    assert!(
        std::fs::read_to_string(out.join("d00060i1.toml"))
            .unwrap()
            .contains("[[issue]]")
    );
    assert!(o.stdout.is_empty());
}

#[test]
fn a_new_directory_gets_every_file() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("new");
    let o = output(
        detente()
            .args(["import", "deu"])
            .arg(hostile("files_deu_two_issues.tsv"))
            .arg("-o")
            .arg(&out),
    );
    assert_eq!(o.code, 0, "{}", o.stderr);
    assert!(o.stderr.contains(": 2 new, 0 replaced"), "{}", o.stderr);
    assert_eq!(files_in(&out), ["d00060i1.toml", "d00060i2.toml"]);
}

/// A command that takes one scenario refuses a file of several, says what it does with one and
/// how to get one, and writes nothing.
#[test]
fn a_file_of_several_scenarios_is_refused_by_the_commands_that_take_one() {
    let tmp = tempfile::tempdir().unwrap();
    let input = hostile("files_deu_two_issues.tsv");
    let rows = tmp.path().join("rows.csv");
    std::fs::write(&rows, "seed\n1\n").unwrap();
    let out = tmp.path().join("out.html");
    let cases: [(&[&str], &str); 3] = [
        (&["explore", "--runs", "10"], "a sweep runs one"),
        (
            &["eval", "--inputs", rows.to_str().unwrap()],
            "eval evaluates one",
        ),
        (
            &["report", "-o", out.to_str().unwrap()],
            "a report covers one",
        ),
    ];
    for (args, what) in cases {
        let o = output(
            detente()
                .arg(args[0])
                .arg(&input)
                .args(["--from", "deu"])
                .args(&args[1..]),
        );
        assert_eq!(o.code, 1, "{args:?}: {}", o.stderr);
        // The message wraps behind a margin: compare its words.
        let words = o.stderr.replace('│', " ");
        let words = words.split_whitespace().collect::<Vec<_>>().join(" ");
        assert!(
            words.contains(&format!("holds 2 scenarios; {what}"))
                && words.contains("detente import deu FILE --issue ID"),
            "{args:?}: {}",
            o.stderr
        );
        assert!(!out.exists(), "{args:?} wrote its output");
    }
}
