//! The `detente` binary as a user meets it: exit codes, messages, outputs, files.

mod common;

use common::{Out, detente, detente_in, output, root};

fn run(args: &[&str]) -> Out {
    output(detente().env_remove("NO_COLOR").args(args))
}

const EC: &str = "scenarios/ec-car-emissions.toml";

#[test]
fn run_table_for_a_person() {
    let o = run(&["run", EC]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    insta::assert_snapshot!("run_ec_table", o.stdout);
}

#[test]
fn run_json_for_programs() {
    let o = run(&["run", EC, "--format", "json"]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    let v: serde_json::Value = serde_json::from_str(&o.stdout).unwrap();
    // The contract of docs/output.md.
    assert_eq!(v["model"], "compromise");
    assert_eq!(v["seed"], 0);
    assert_eq!(v["issues"][0]["id"], "date");
    assert_eq!(
        format!("{:.3}", v["issues"][0]["outcome"].as_f64().unwrap()),
        "7.390"
    );
    assert!(v["rounds"].as_array().unwrap().is_empty());
    insta::assert_snapshot!("run_ec_json", o.stdout);
}

#[test]
fn run_csv_for_programs() {
    let o = run(&["run", EC, "--format", "csv", "--model", "median"]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    insta::assert_snapshot!("run_ec_csv", o.stdout);
}

#[test]
fn run_reads_other_formats_directly() {
    let o = run(&[
        "run",
        "data/bdm/ec-car-emissions-1994.csv",
        "--format",
        "csv",
    ]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    assert!(
        o.stdout
            .contains(",compromise,,ec_car_emissions_1994,7.3899556"),
        "{}",
        o.stdout
    );
    assert!(
        o.stderr.contains("no scale"),
        "the inferred scale is announced: {}",
        o.stderr
    );
    let k = run(&[
        "run",
        "data/ktab/SOE-Pol-Comp.csv",
        "--model",
        "median",
        "--format",
        "json",
    ]);
    assert_eq!(k.code, 0, "{}", k.stderr);
    let deu = run(&["run", "data/deu/deu3-train.tsv", "--format", "json"]);
    assert_eq!(deu.code, 0);
    let v: serde_json::Value = serde_json::from_str(&deu.stdout).unwrap();
    assert_eq!(v.as_array().unwrap().len(), 264);
}

#[test]
fn uncertain_numbers_are_announced() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("u.toml");
    let text = std::fs::read_to_string(root().join(EC)).unwrap().replace("capability = 0.16\nposition = { date = 10 }\nsalience = { date = 0.9 }", "capability = { normal = [0.16, 0.02] }\nposition = { date = 10 }\nsalience = { date = { uniform = [0.8, 1.0] } }");
    std::fs::write(&path, text).unwrap();
    let o = run(&["run", path.to_str().unwrap()]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    assert!(
        o.stdout.contains("uk.capability") && o.stdout.contains("normal(0.16, 0.02)"),
        "{}",
        o.stdout
    );
    assert!(
        o.stdout.contains("uk.salience.date") && o.stdout.contains("0.9000"),
        "{}",
        o.stdout
    );
    assert!(
        o.stdout.contains("this run uses their central values"),
        "{}",
        o.stdout
    );
}

#[test]
fn nash_refuses_without_status_quo() {
    let o = run(&["run", EC, "--model", "nash"]);
    assert_eq!(o.code, 1);
    insta::assert_snapshot!("run_nash_no_status_quo", o.stderr);
}

#[test]
fn unknown_policy_lists_the_policies() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("p.toml");
    let text = std::fs::read_to_string(root().join(EC)).unwrap()
        + "\n[[policy]]\nid = \"uk_gives_way\"\n[[policy.shock]]\nat = 0\nset = \"uk.position.date\"\nto = 7\n";
    std::fs::write(&path, text).unwrap();
    let o = run(&["run", path.to_str().unwrap(), "--policy", "uk_give_way"]);
    assert_eq!(o.code, 1);
    assert!(
        o.stderr.contains("unknown policy `uk_give_way`")
            && o.stderr.contains("did you mean `uk_gives_way`"),
        "{}",
        o.stderr
    );
    let o = run(&[
        "run",
        path.to_str().unwrap(),
        "--policy",
        "uk_gives_way",
        "--format",
        "csv",
    ]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    // UK moves from 10 to 7: (5.003 - 0.144 * 3) / 0.677
    let expected = (5.003 - 0.144 * 3.0) / 0.677;
    let got: f64 = o
        .stdout
        .lines()
        .nth(1)
        .unwrap()
        .split(',')
        .nth(4)
        .unwrap()
        .parse()
        .unwrap();
    assert!((got - expected).abs() < 1e-9, "{got} vs {expected}");
}

#[test]
fn check_valid_files() {
    let o = run(&["check", EC]);
    assert_eq!(
        (o.code, o.stdout.as_str()),
        (
            0,
            "ok: scenarios/ec-car-emissions.toml is a valid scenario (toml): 1 issue, 10 actors, 0 blocs, 0 shocks, 0 policies, 0 uncertain numbers\n"
        )
    );
    let o = run(&["check", "data/deu/deu3-train.tsv"]);
    assert_eq!(o.code, 0);
    assert!(o.stdout.contains("264 valid scenarios"));
}

/// Every invalid fixture of the core, as the user sees it: file, line, column, field, the line
/// itself and what would be valid.
#[test]
fn check_invalid_fixtures() {
    let dir = root().join("crates/detente-core/tests/data/invalid");
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    names.sort();
    for name in names {
        let o = detente_in(&dir).args(["check", &name]).output().unwrap();
        assert_eq!(o.status.code(), Some(1), "{name}");
        assert!(o.stdout.is_empty(), "{name}: nothing on stdout");
        let stderr = String::from_utf8(o.stderr).unwrap();
        assert!(!stderr.contains("panicked"), "{name}: {stderr}");
        insta::assert_snapshot!(
            format!("invalid_{}", name.trim_end_matches(".toml")),
            stderr
        );
    }
}

#[test]
fn file_problems_are_clear() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(d.join("latin1.toml"), b"format = 1\n# caf\xe9\n").unwrap();
    let o = run(&["check", d.join("latin1.toml").to_str().unwrap()]);
    assert_eq!(o.code, 1);
    assert!(
        o.stderr
            .contains("is not UTF-8 text: byte 0xE9 at line 2, column 6"),
        "{}",
        o.stderr
    );

    let big = std::fs::File::create(d.join("big.toml")).unwrap();
    big.set_len(17 * 1024 * 1024).unwrap();
    let o = run(&["check", d.join("big.toml").to_str().unwrap()]);
    assert_eq!(o.code, 1);
    assert!(
        o.stderr
            .contains("is 17.0 MiB; detente reads files up to 16 MiB"),
        "{}",
        o.stderr
    );

    let o = run(&["check", "no/such/file.toml"]);
    assert_eq!(o.code, 1);
    assert!(
        o.stderr.contains("cannot read no/such/file.toml") && o.stderr.contains("check the path"),
        "{}",
        o.stderr
    );

    let o = run(&["check", d.to_str().unwrap()]);
    assert_eq!(o.code, 1);
    assert!(o.stderr.contains("is a directory"), "{}", o.stderr);

    std::fs::write(d.join("empty.toml"), "").unwrap();
    let o = run(&["check", d.join("empty.toml").to_str().unwrap()]);
    assert_eq!(o.code, 1);
    assert!(o.stderr.contains("add `format = 1`"), "{}", o.stderr);
}

#[test]
fn usage_errors_exit_2() {
    for args in [
        &["frobnicate"][..],
        &["run"],
        &["run", EC, "--model", "medain"],
        &["run", EC, "--format", "xml"],
        &["import", "excel", EC],
    ] {
        let o = run(args);
        assert_eq!(o.code, 2, "{args:?}: {}", o.stderr);
    }
    let o = run(&["run", EC, "--model", "medain"]);
    assert!(
        o.stderr.contains("median"),
        "clap suggests the nearest model: {}",
        o.stderr
    );
}

#[test]
fn output_files_are_never_overwritten_without_force() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out.json");
    let out_s = out.to_str().unwrap();
    let o = run(&["run", EC, "--format", "json", "-o", out_s]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    assert!(o.stdout.is_empty());
    let first = std::fs::read_to_string(&out).unwrap();
    assert!(first.contains("\"model\": \"compromise\""));

    std::fs::write(&out, "precious").unwrap();
    let o = run(&["run", EC, "--format", "json", "-o", out_s]);
    assert_eq!(o.code, 1);
    assert!(
        o.stderr.contains("already exists") && o.stderr.contains("--force"),
        "{}",
        o.stderr
    );
    assert_eq!(std::fs::read_to_string(&out).unwrap(), "precious");

    let o = run(&["run", EC, "--format", "json", "-o", out_s, "--force"]);
    assert_eq!(o.code, 0);
    assert_eq!(std::fs::read_to_string(&out).unwrap(), first);

    // Never the input, even with --force.
    let input = dir.path().join("in.toml");
    std::fs::copy(root().join(EC), &input).unwrap();
    let o = run(&[
        "run",
        input.to_str().unwrap(),
        "-o",
        input.to_str().unwrap(),
        "--force",
    ]);
    assert_eq!(o.code, 1);
    assert!(o.stderr.contains("is the input file"), "{}", o.stderr);
    assert_eq!(
        std::fs::read_to_string(&input).unwrap(),
        std::fs::read_to_string(root().join(EC)).unwrap()
    );

    // A failing run leaves no file, not even a temporary one.
    let failed = dir.path().join("failed.json");
    let o = run(&["run", EC, "--model", "nash", "-o", failed.to_str().unwrap()]);
    assert_eq!(o.code, 1);
    let left: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(left.len(), 2, "only out.json and in.toml: {left:?}");

    let o = run(&[
        "run",
        EC,
        "-o",
        dir.path().join("missing/x.txt").to_str().unwrap(),
    ]);
    assert_eq!(o.code, 1);
    assert!(
        o.stderr.contains("cannot write") && o.stderr.contains("does not"),
        "{}",
        o.stderr
    );
}

#[test]
fn import_writes_toml_that_checks() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("soe.toml");
    let o = run(&[
        "import",
        "ktab",
        "data/ktab/SOE-Pol-Comp.csv",
        "-o",
        out.to_str().unwrap(),
    ]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    let text = std::fs::read_to_string(&out).unwrap();
    insta::assert_snapshot!("import_ktab_soe", text);
    assert_eq!(run(&["check", out.to_str().unwrap()]).code, 0);
    let again = run(&[
        "import",
        "ktab",
        "data/ktab/SOE-Pol-Comp.csv",
        "-o",
        out.to_str().unwrap(),
    ]);
    assert_eq!(again.code, 1, "no overwrite without --force");

    let o = run(&["import", "classic", "data/bdm/ec-car-emissions-1994.csv"]);
    assert_eq!(o.code, 0);
    assert!(
        o.stdout.contains("scale = [4, 10]")
            && o.stdout.contains("[[actor]]\nid = \"netherlands\""),
        "{}",
        o.stdout
    );
}

#[test]
fn import_deu_one_file_per_issue() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("deu");
    let o = run(&[
        "import",
        "deu",
        "data/deu/deu3-train.tsv",
        "-o",
        out.to_str().unwrap(),
    ]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    let n = std::fs::read_dir(&out).unwrap().count();
    assert_eq!(n, 264);
    let one = std::fs::read_to_string(out.join("d00060i1.toml")).unwrap();
    assert!(
        one.contains("observed = 50") && one.contains("[[actor]]\nid = \"com\""),
        "{one}"
    );

    // A second import refuses before writing anything.
    std::fs::remove_file(out.join("d00060i1.toml")).unwrap();
    let o = run(&[
        "import",
        "deu",
        "data/deu/deu3-train.tsv",
        "-o",
        out.to_str().unwrap(),
    ]);
    assert_eq!(o.code, 1);
    assert!(
        !out.join("d00060i1.toml").exists(),
        "nothing written when any target exists"
    );

    let o = run(&["import", "deu", "data/deu/deu3-train.tsv"]);
    assert_eq!(o.code, 1);
    assert!(o.stderr.contains("--issue"), "{}", o.stderr);
    let o = run(&[
        "import",
        "deu",
        "data/deu/deu3-train.tsv",
        "--issue",
        "d00060i2",
    ]);
    assert_eq!(o.code, 0);
    assert!(o.stdout.contains("id = \"d00060i2\""));
}

#[test]
fn decide_errors_are_precise() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("errors.tsv");
    std::fs::write(
        &path,
        "#O\tToy\n#A\tUSA\tUSA\n#A\tEU\tEU\n#P\tcuts\tCuts\n#D\tUSA\tcuts\t160\t0.9\t0.6\n#D\tEU\tcuts\t40\t0.5\t-0.4\n#D\tEUU\tcuts\t40\t0.5\t0.4\n",
    )
    .unwrap();
    let o = detente_in(dir.path())
        .args(["check", "errors.tsv"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1));
    insta::assert_snapshot!("decide_errors", String::from_utf8(o.stderr).unwrap());
}

#[test]
fn models_are_listed_with_sources() {
    let o = run(&["models"]);
    assert_eq!(o.code, 0);
    insta::assert_snapshot!("models", o.stdout);
    let j = run(&["models", "--format", "json"]);
    let v: serde_json::Value = serde_json::from_str(&j.stdout).unwrap();
    assert_eq!(
        v.as_array().unwrap().len(),
        detente_core::model::all().len()
    );
}

#[test]
fn closed_stdout_is_not_an_error() {
    let mut c = std::process::Command::new(assert_cmd::cargo::cargo_bin("detente"));
    c.current_dir(root())
        .args(["run", "data/deu/deu3-train.tsv"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null());
    let mut child = c.spawn().unwrap();
    drop(child.stdout.take());
    let status = child.wait().unwrap();
    assert_eq!(status.code(), Some(0));
}

const UKRAINE: &str = "scenarios/ukraine-ceasefire-2026.toml";

#[test]
fn war_run_for_a_person() {
    let o = run(&["run", UKRAINE, "--model", "war"]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    insta::assert_snapshot!("run_war_table", o.stdout);
}

#[test]
fn war_json_has_the_timeline() {
    let o = run(&[
        "run", UKRAINE, "--model", "war", "--format", "json", "--seed", "3",
    ]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    let v: serde_json::Value = serde_json::from_str(&o.stdout).unwrap();
    let rounds = v["rounds"].as_array().unwrap();
    assert!(!rounds.is_empty());
    for key in [
        "round",
        "front",
        "truth",
        "belief",
        "error",
        "gap",
        "value",
        "public_value",
        "time",
        "proposal",
        "feasible",
        "accepted",
        "reason",
        "ceasefire",
        "cost",
    ] {
        assert!(rounds[0].get(key).is_some(), "round lacks `{key}`");
    }
    assert!(["ceasefire", "victory", "ongoing"].contains(&v["war"]["ending"].as_str().unwrap()));
    assert_eq!(v["seed"], 3);
    // Same seed, same bytes.
    let again = run(&[
        "run", UKRAINE, "--model", "war", "--format", "json", "--seed", "3",
    ]);
    assert_eq!(o.stdout, again.stdout);
}

#[test]
fn war_policies_apply_and_unknown_ones_are_listed() {
    let o = run(&[
        "run",
        UKRAINE,
        "--model",
        "war",
        "--policy",
        "europe_opens_channel",
        "--format",
        "json",
    ]);
    assert_eq!(o.code, 1);
    assert!(
        o.stderr.contains("did you mean `europe_opens_channel_now`"),
        "{}",
        o.stderr
    );
    assert!(o.stderr.contains("minsk_style_deal"), "{}", o.stderr);
    for p in [
        "europe_opens_channel_now",
        "europe_waits",
        "us_walks_away",
        "coalition_guarantee",
        "minsk_style_deal",
    ] {
        let o = run(&[
            "run", UKRAINE, "--model", "war", "--policy", p, "--format", "json",
        ]);
        assert_eq!(o.code, 0, "{p}: {}", o.stderr);
        let v: serde_json::Value = serde_json::from_str(&o.stdout).unwrap();
        assert_eq!(v["policy"], p);
    }
}

#[test]
fn war_model_needs_a_war() {
    let o = run(&["run", EC, "--model", "war"]);
    assert_eq!(o.code, 1);
    assert!(o.stderr.contains("needs a [war] section"), "{}", o.stderr);
}

#[test]
fn trace_shows_the_rounds() {
    let o = run(&["run", UKRAINE, "--trace", "--seed", "1"]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    assert!(
        o.stdout.contains("round by round") && o.stdout.contains("belief russia"),
        "{}",
        o.stdout
    );
    let s = run(&["run", EC, "--trace"]);
    assert!(
        s.stdout
            .contains("is a static model: it has no rounds to trace"),
        "{}",
        s.stdout
    );
}

/// The dynamic stakeholder models' rounds as docs/output.md describes them.
#[test]
fn eum_and_exchange_rounds_in_json() {
    let o = run(&["run", EC, "--model", "eum", "--format", "json"]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    let v: serde_json::Value = serde_json::from_str(&o.stdout).unwrap();
    let rounds = v["rounds"].as_array().unwrap();
    // Round 0 is the start, then the 8 rounds of Scholz et al.'s Table 2.
    assert_eq!(rounds.len(), 9);
    assert_eq!(rounds[0]["round"], 0);
    assert_eq!(rounds[0]["issues"][0]["median"], 7.0);
    let r1 = &rounds[1]["issues"][0];
    assert!((r1["median"].as_f64().unwrap() - 8.4).abs() < 0.1, "{r1}");
    assert!(r1["positions"]["germany"].is_number());
    let m = &rounds[1]["moves"][0];
    for key in ["actor", "issue", "from", "to", "kind", "counterpart"] {
        assert!(m.get(key).is_some(), "move lacks `{key}`: {m}");
    }
    let t = run(&["run", EC, "--model", "eum", "--trace"]);
    assert!(
        t.stdout.contains("Round 1") && t.stdout.contains("median"),
        "{}",
        t.stdout
    );

    let x = run(&[
        "run",
        "scenarios/china-soe-reform.toml",
        "--model",
        "exchange",
        "--format",
        "json",
    ]);
    assert_eq!(x.code, 0, "{}", x.stderr);
    let v: serde_json::Value = serde_json::from_str(&x.stdout).unwrap();
    assert_eq!(v["rounds"][0]["round"], 0);
}

#[test]
fn smp_rounds_in_json_and_trace() {
    // KTAB's SOE-Pol-Comp case: 27 turns in KTAB's reference log, so 28 rounds with the start.
    let o = run(&[
        "run",
        "scenarios/china-soe-reform.toml",
        "--model",
        "smp",
        "--format",
        "json",
    ]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    let v: serde_json::Value = serde_json::from_str(&o.stdout).unwrap();
    let rounds = v["rounds"].as_array().unwrap();
    assert_eq!(rounds.len(), 28);
    let xj = &rounds[0]["issues"][0]["positions"]["xj"];
    assert_eq!(xj.as_f64(), Some(30.0));
    let m = &rounds[1]["moves"][0];
    assert!(
        ["proposed", "accepted"].contains(&m["kind"].as_str().unwrap()),
        "{m}"
    );
    for issue in v["issues"].as_array().unwrap() {
        let x = issue["outcome"].as_f64().unwrap();
        assert!((0.0..=100.0).contains(&x));
    }
    let t = run(&[
        "run",
        "scenarios/china-soe-reform.toml",
        "--model",
        "smp",
        "--trace",
    ]);
    assert!(
        t.stdout.contains("Round 27") && t.stdout.contains("settled after 27 turns"),
        "{}",
        t.stdout
    );
}
