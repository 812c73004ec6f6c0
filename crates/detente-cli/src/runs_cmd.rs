//! `detente runs`: the recorded sweeps as a table, or one in full with the command that
//! repeats it.

use std::path::Path;
use std::time::Duration;

use comfy_table::Cell;
use detente_store::records::{Records, RunRow, content_hash};

use crate::format::{right, table};
use crate::{Fail, cli, write};

pub fn runs(a: cli::RunsArgs) -> Result<(), Fail> {
    let rec = Records::open_default()?;
    let text = match a.command {
        None => {
            let rows = rec.list(a.limit)?;
            if rows.is_empty() {
                "no recorded runs yet: `detente explore`, `sensitivity`, `discover` and `compare` record theirs\n".to_string()
            } else {
                list_table(&rows)
            }
        }
        Some(cli::RunsCommand::Show { id }) => {
            let row = rec.get(id)?.ok_or_else(|| {
                Fail::new(
                    format!("there is no run {id}"),
                    Some("list the runs with `detente runs`"),
                )
            })?;
            let mut text = show(&row);
            if let Some(note) = scenario_note(&row) {
                text.push_str(&format!("note: {note}\n"));
            }
            text
        }
    };
    crate::text::print(&write::Target::Stdout, &text)
}

/// A duration for people: `0s`, `42s`, `3m 04s`, `2h 05m`.
pub fn fmt_duration(d: Duration) -> String {
    let s = d.as_secs();
    if s < 60 {
        format!("{s}s")
    } else if s < 3600 {
        format!("{}m {:02}s", s / 60, s % 60)
    } else {
        format!("{}h {:02}m", s / 3600, s % 3600 / 60)
    }
}

fn file_name(p: &str) -> String {
    Path::new(p)
        .file_name()
        .map_or_else(|| p.to_string(), |n| n.to_string_lossy().into_owned())
}

/// The runs as a compact table: id, started, command, scenario file name, seed, status,
/// duration. Ends with a newline.
pub fn list_table(rows: &[RunRow]) -> String {
    if rows.is_empty() {
        return "No runs recorded.\n".to_string();
    }
    let mut t = table();
    t.set_header([
        "id", "started", "command", "scenario", "seed", "status", "duration",
    ]);
    for r in rows {
        t.add_row(vec![
            right(r.id.to_string()),
            Cell::new(&r.started),
            Cell::new(&r.command),
            Cell::new(file_name(&r.scenario_path)),
            right(r.seed.map_or("-".to_string(), |s| s.to_string())),
            Cell::new(&r.status),
            right(r.duration().map_or("-".to_string(), fmt_duration)),
        ]);
    }
    let mut out = t.to_string();
    out.push('\n');
    out
}

/// Quote a word for a POSIX shell if it needs it.
pub fn shell_quote(s: &str) -> String {
    let plain = |c: char| c.is_ascii_alphanumeric() || "-_./=:,+@%".contains(c);
    if !s.is_empty() && s.chars().all(plain) {
        s.to_string()
    } else {
        format!("'{}'", s.replace('\'', r"'\''"))
    }
}

/// The command that repeats a run: `detente` and the recorded arguments, shell-quoted, with
/// `--seed N` appended if the run had a seed the command line did not give.
pub fn rerun_command(row: &RunRow) -> String {
    let mut words = vec!["detente".to_string()];
    words.extend(row.argv.iter().skip(1).map(|a| shell_quote(a)));
    let gave_seed = row
        .argv
        .iter()
        .any(|a| a == "--seed" || a.starts_with("--seed="));
    if let (Some(seed), false) = (row.seed, gave_seed) {
        words.push(format!("--seed {seed}"));
    }
    words.join(" ")
}

/// One run in full: every field, the summary pretty-printed, and the command that repeats it
/// (`re-run: detente ...`, after the directory to run it in). Ends with a newline.
pub fn show(row: &RunRow) -> String {
    let mut out = String::new();
    let mut field = |name: &str, value: &str| out.push_str(&format!("{name:<10}{value}\n"));
    field("Run", &row.id.to_string());
    field("Command", &row.command);
    field("Status", &row.status);
    field("Started", &row.started);
    field(
        "Finished",
        &match (&row.finished, row.duration()) {
            (Some(f), Some(d)) => format!("{f} (took {})", fmt_duration(d)),
            (Some(f), None) => f.clone(),
            (None, _) => "-".to_string(),
        },
    );
    field("Scenario", &row.scenario_path);
    field("SHA-256", &row.scenario_sha256);
    field("Seed", &row.seed.map_or("-".to_string(), |s| s.to_string()));
    field("Version", &format!("detente {}", row.version));
    field("Directory", row.cwd.as_deref().unwrap_or("-"));
    field(
        "Arguments",
        &serde_json::to_string(&row.argv).unwrap_or_default(),
    );
    field("Results", row.results_path.as_deref().unwrap_or("-"));
    if let Some(e) = &row.error {
        field("Error", e);
    }
    if let Some(s) = &row.summary {
        out.push_str("\nSummary\n");
        let pretty = serde_json::to_string_pretty(s).unwrap_or_default();
        for line in pretty.lines() {
            out.push_str(&format!("  {line}\n"));
        }
    }
    out.push('\n');
    if let Some(cwd) = &row.cwd {
        out.push_str(&format!("in {}\n", shell_quote(cwd)));
    }
    out.push_str(&format!("re-run: {}\n", rerun_command(row)));
    out
}

/// A warning if the scenario file is gone or no longer has the recorded hash (so a re-run
/// would not reproduce the run); `None` if it is unchanged.
pub fn scenario_note(row: &RunRow) -> Option<String> {
    match std::fs::read(&row.scenario_path) {
        Err(e) => Some(format!(
            "cannot read the scenario file {} ({e}); a re-run needs the file with SHA-256 {}",
            row.scenario_path, row.scenario_sha256
        )),
        Ok(bytes) => {
            let now = content_hash(&bytes);
            (now != row.scenario_sha256).then(|| {
                format!(
                    "the scenario file {} has changed since run {} (SHA-256 then {}, now {}); \
                     a re-run will not reproduce it",
                    row.scenario_path, row.id, row.scenario_sha256, now
                )
            })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use detente_store::records::{NewRun, RunKind};
    use serde_json::json;

    /// A run as the store records one of this process (the table shows only the file name).
    fn new_run(seed: Option<u64>) -> NewRun {
        NewRun::from_env(RunKind::Explore, Path::new("my scenario.toml"), b"x", seed)
    }

    #[test]
    fn quoting_and_rerun() {
        assert_eq!(shell_quote("a.toml"), "a.toml");
        assert_eq!(shell_quote("--samples=100"), "--samples=100");
        assert_eq!(shell_quote("my file"), "'my file'");
        assert_eq!(shell_quote("it's"), r"'it'\''s'");
        assert_eq!(shell_quote(""), "''");
        assert_eq!(shell_quote("$HOME"), "'$HOME'");
        let mut row = RunRow {
            id: 3,
            command: "explore".into(),
            argv: vec![
                "target/debug/detente".into(),
                "explore".into(),
                "a b.toml".into(),
            ],
            cwd: Some("/home/u/proj".into()),
            scenario_path: "/home/u/proj/a b.toml".into(),
            scenario_sha256: content_hash(b""),
            seed: Some(9),
            version: "0.1.0".into(),
            started: "2024-05-01T12:00:00Z".into(),
            finished: Some("2024-05-01T12:03:04Z".into()),
            status: "finished".into(),
            summary: Some(json!({"n": 1})),
            error: None,
            results_path: None,
        };
        assert_eq!(rerun_command(&row), "detente explore 'a b.toml' --seed 9");
        row.argv.push("--seed=9".into());
        assert_eq!(rerun_command(&row), "detente explore 'a b.toml' --seed=9");
        let text = show(&row);
        assert!(text.contains("Run       3\n"), "{text}");
        assert!(text.contains("(took 3m 04s)"), "{text}");
        assert!(text.contains("Summary\n  {\n    \"n\": 1\n  }\n"), "{text}");
        assert!(text.contains("SHA-256   e3b0c442"), "{text}");
        assert!(
            text.ends_with("in /home/u/proj\nre-run: detente explore 'a b.toml' --seed=9\n"),
            "{text}"
        );
    }

    #[test]
    fn list_as_table() {
        assert_eq!(list_table(&[]), "No runs recorded.\n");
        let dir = tempfile::tempdir().unwrap();
        let r = Records::open(dir.path()).unwrap();
        let a = r.start(&new_run(Some(7))).unwrap();
        r.finish(a, &json!({}), None).unwrap();
        r.start(&new_run(None)).unwrap();
        let t = list_table(&r.list(10).unwrap());
        let lines: Vec<&str> = t.lines().collect();
        assert_eq!(lines.len(), 4, "{t}");
        for h in [
            "id", "started", "command", "scenario", "seed", "status", "duration",
        ] {
            assert!(lines[0].contains(h), "{t}");
        }
        assert!(lines[2].contains("running") && lines[2].contains("my scenario.toml"));
        assert!(
            lines[3].contains("finished") && lines[3].contains("0s"),
            "{t}"
        );
        assert!(t.ends_with('\n'));
    }

    #[test]
    fn durations() {
        assert_eq!(fmt_duration(Duration::from_secs(0)), "0s");
        assert_eq!(fmt_duration(Duration::from_secs(59)), "59s");
        assert_eq!(fmt_duration(Duration::from_secs(184)), "3m 04s");
        assert_eq!(fmt_duration(Duration::from_secs(7500)), "2h 05m");
    }

    #[test]
    fn scenario_changes_are_noticed() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("s.toml");
        std::fs::write(&file, "a = 1").unwrap();
        let r = Records::open(dir.path()).unwrap();
        let id = r
            .start(&NewRun::from_env(
                RunKind::Sensitivity,
                &file,
                b"a = 1",
                Some(3),
            ))
            .unwrap();
        let row = r.get(id).unwrap().unwrap();
        assert_eq!(row.command, "sensitivity");
        assert!(Path::new(&row.scenario_path).is_absolute());
        assert!(!row.argv.is_empty());
        assert_eq!(scenario_note(&row), None);
        std::fs::write(&file, "a = 2").unwrap();
        assert!(scenario_note(&row).unwrap().contains("has changed"));
        std::fs::remove_file(&file).unwrap();
        assert!(scenario_note(&row).unwrap().contains("cannot read"));
    }
}
