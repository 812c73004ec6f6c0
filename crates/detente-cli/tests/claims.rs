//! `detente claims`: the commentary's claims as contrasts (issue 14), and the table in
//! docs/models/war.md that the command generates.

#[allow(dead_code)]
mod common;

use common::{detente, output, root};

const SCENARIO: &str = "scenarios/ukraine-ceasefire-2026.toml";
const CLAIMS: &str = "scenarios/claims/ukraine-ceasefire-2026.toml";

fn claims(runs: &str) -> common::Out {
    output(
        detente()
            .env("NO_COLOR", "1")
            .args(["claims", SCENARIO, "--claims", CLAIMS, "--runs", runs]),
    )
}

/// The table between the markers of docs/models/war.md is what the command prints with
/// 10,000 futures. Slow in a debug build: `.ci/run` runs it in release; DETENTE_BLESS=1
/// rewrites the table.
#[test]
#[ignore = "10,000 futures per arm; .ci/run runs it in release"]
fn claims_table_is_current() {
    let o = claims("10000");
    assert_eq!(o.code, 0, "{}", o.stderr);
    let path = root().join("docs/models/war.md");
    let doc = std::fs::read_to_string(&path).unwrap();
    let (begin, end) = ("<!-- claims:begin -->\n", "<!-- claims:end -->");
    let a = doc.find(begin).expect("the begin marker") + begin.len();
    let b = doc.find(end).expect("the end marker");
    if std::env::var_os("DETENTE_BLESS").is_some() {
        let fresh = format!("{}{}{}", &doc[..a], o.stdout, &doc[b..]);
        std::fs::write(&path, fresh).unwrap();
        return;
    }
    assert_eq!(
        &doc[a..b],
        o.stdout,
        "the claims table in docs/models/war.md is stale: run this test with DETENTE_BLESS=1 (release build)"
    );
}

/// Every claim gives a row with an interval, whatever the number of futures; a policy the
/// scenario lacks is refused with the claim's name.
#[test]
fn every_claim_gives_a_row_and_an_unknown_policy_is_refused() {
    let o = claims("50");
    assert_eq!(o.code, 0, "{}", o.stderr);
    let text = std::fs::read_to_string(root().join(CLAIMS)).unwrap();
    let n = text.matches("[[claim]]").count();
    let rows = o
        .stdout
        .lines()
        .filter(|l| l.starts_with("| ") && !l.starts_with("| |"))
        .count();
    assert_eq!(rows, n, "{}", o.stdout);

    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("claims.toml");
    std::fs::write(
        &bad,
        "source = \"t\"\n[[claim]]\nid = \"z\"\nclaim = \"c\"\nmechanism = \"m\"\ntreatment = \"no_such_policy\"\nmeasure = \"share_a\"\nexpected = \"up\"\n",
    )
    .unwrap();
    let o = output(detente().env("NO_COLOR", "1").args([
        "claims",
        SCENARIO,
        "--claims",
        bad.to_str().unwrap(),
        "--runs",
        "10",
    ]));
    assert_eq!(o.code, 1);
    assert!(
        o.stderr.contains("claim `z`") && o.stderr.contains("no_such_policy"),
        "{}",
        o.stderr
    );
}
