//! Every command the documentation shows runs as shown (issue 12, part 7).
//!
//! Each Markdown file (README.md, docs/*.md, docs/models/*.md) gets a fresh directory in which
//! `scenarios/`, `data/` and `docs/` point at the repository's, and its blocks run there in the
//! order a reader meets them:
//! - ```sh blocks: each command (`detente` or `mkdir`; a `\` continues a line) must exit 0. `cargo run ... --` is the
//!   binary under test; `cargo test` is skipped. `--runs N` is cut to at most 1,000 runs,
//!   `backtest wars` runs the war model at its smallest (no calibration steps, one run per
//!   training war, four per forecast; its calibration is checked in release), and a
//!   Slurm script (`#SBATCH --array=A-B`) runs once per task with `SLURM_ARRAY_TASK_ID` set.
//! - ```console blocks: each `$ command` must give every line shown after it (but `...`), in
//!   order, and exit 0, or non-zero where the shown output ends in `error:`.
//! - ```toml blocks that start with `format =` are whole scenarios: `detente check` must pass.
//!
//! No command may answer "not analysed".

#[allow(dead_code)]
mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

/// Most runs a documented `--runs` is given here: enough to exercise every path.
const MAX_RUNS: u64 = 1_000;

struct Block {
    lang: String,
    /// Line of the opening fence, for messages.
    line: usize,
    text: String,
}

fn blocks(md: &str) -> Vec<Block> {
    let mut out = Vec::new();
    let mut open: Option<Block> = None;
    for (i, l) in md.lines().enumerate() {
        let fence = l.trim_start().strip_prefix("```");
        match (&mut open, fence) {
            (None, Some(lang)) => {
                open = Some(Block {
                    lang: lang.trim().to_string(),
                    line: i + 1,
                    text: String::new(),
                })
            }
            (Some(_), Some(_)) => out.push(open.take().unwrap()),
            (Some(b), None) => {
                b.text.push_str(l);
                b.text.push('\n');
            }
            (None, None) => {}
        }
    }
    out
}

/// The commands of a shell block, continuation lines joined, comments and blanks left out.
fn commands(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    for l in text.lines() {
        if cur.is_empty() && (l.trim().is_empty() || l.trim_start().starts_with('#')) {
            continue;
        }
        match l.trim_end().strip_suffix('\\') {
            Some(part) => cur.push_str(part),
            None => {
                cur.push_str(l);
                out.push(std::mem::take(&mut cur));
            }
        }
    }
    out
}

/// `cmd` as the test runs it, or `None` for a command it leaves out.
fn adapt(cmd: &str) -> Option<String> {
    let cmd = cmd.trim();
    if cmd.starts_with("cargo test") {
        return None;
    }
    let cmd = match cmd.strip_prefix("cargo run --release -p detente-cli -- ") {
        Some(rest) => format!("detente {rest}"),
        None => cmd.to_string(),
    };
    assert!(
        cmd.starts_with("detente ") || cmd.starts_with("mkdir "),
        "the docs show a command this test does not know how to run: {cmd}"
    );
    let mut words: Vec<String> = cmd.split(' ').map(str::to_string).collect();
    for i in 1..words.len() {
        if words[i - 1] == "--runs" {
            if let Ok(n) = words[i].parse::<u64>() {
                words[i] = n.min(MAX_RUNS).to_string();
            }
        }
    }
    if words.get(1).map(String::as_str) == Some("backtest")
        && words.get(2).map(String::as_str) == Some("wars")
        && !words.iter().any(|w| w == "--fit-iterations")
    {
        words.extend(
            [
                "--fit-iterations",
                "0",
                "--fit-runs",
                "1",
                "--model-runs",
                "4",
            ]
            .map(String::from),
        );
    }
    Some(words.join(" "))
}

struct Sandbox {
    dir: tempfile::TempDir,
    path_var: String,
}

impl Sandbox {
    fn new() -> Sandbox {
        let dir = tempfile::tempdir().unwrap();
        let root = common::root();
        for d in ["scenarios", "data", "docs"] {
            std::os::unix::fs::symlink(root.join(d), dir.path().join(d)).unwrap();
        }
        let bin = PathBuf::from(env!("CARGO_BIN_EXE_detente"));
        let path_var = format!(
            "{}:{}",
            bin.parent().unwrap().display(),
            std::env::var("PATH").unwrap_or_default()
        );
        Sandbox { dir, path_var }
    }

    /// Runs `cmd` with `sh` and returns (exit code, stdout, stderr).
    fn run(&self, cmd: &str, env: &[(&str, String)]) -> (i32, String, String) {
        let mut c = Command::new("sh");
        c.arg("-c")
            .arg(cmd)
            .current_dir(self.dir.path())
            .env("PATH", &self.path_var)
            .env("DETENTE_DATA_DIR", self.dir.path().join(".records"))
            .env("NO_COLOR", "1");
        for (k, v) in env {
            c.env(k, v);
        }
        let o = c.output().unwrap();
        (
            o.status.code().unwrap_or(-1),
            String::from_utf8_lossy(&o.stdout).into_owned(),
            String::from_utf8_lossy(&o.stderr).into_owned(),
        )
    }
}

/// The task indices of a Slurm array script, if `text` is one.
fn slurm_array(text: &str) -> Option<std::ops::RangeInclusive<u32>> {
    let spec = text
        .lines()
        .find_map(|l| l.trim().strip_prefix("#SBATCH --array="))?;
    let (a, b) = spec.trim().split_once('-')?;
    Some(a.parse().ok()?..=b.parse().ok()?)
}

/// Whether `want` appears in `got` in order, each line of `want` being a whole line of `got`
/// (trailing spaces aside); blank lines and `...` are left out of `want`.
fn shown_in(want: &str, got: &str) -> Result<(), String> {
    let mut got = got.lines().map(str::trim_end);
    for w in want.lines().map(str::trim_end) {
        if w.is_empty() || w == "..." {
            continue;
        }
        if !got.any(|g| g == w) {
            return Err(w.to_string());
        }
    }
    Ok(())
}

/// What is wrong with a command's answer, if anything.
fn verdict(cmd: &str, code: i32, out: &str, err: &str, want_ok: bool) -> Option<String> {
    if (code == 0) != want_ok {
        Some(format!("`{cmd}` exited with {code}\n{out}{err}"))
    } else if out.contains("not analysed") || err.contains("not analysed") {
        Some(format!("`{cmd}` answered \"not analysed\"\n{out}"))
    } else {
        None
    }
}

fn check_file(md: &Path, failures: &mut Vec<String>) {
    let name = md
        .strip_prefix(common::root())
        .unwrap_or(md)
        .display()
        .to_string();
    let text = std::fs::read_to_string(md).unwrap();
    let sandbox = Sandbox::new();
    let mut fail = |line: usize, what: String| failures.push(format!("{name}:{line}: {what}"));
    // docs/python.md is run by the Python suite (crates/detente-py/tests/test_docs.py), and
    // its install block is what .ci/python-check does (a venv, pip, maturin, the wheel).
    let python = name.ends_with("python.md");
    for (n, b) in blocks(&text).into_iter().enumerate() {
        match b.lang.as_str() {
            "sh" | "bash" if python => {}
            "sh" | "bash" => {
                let tasks: Vec<Option<u32>> = match slurm_array(&b.text) {
                    Some(r) => r.map(Some).collect(),
                    None => vec![None],
                };
                for cmd in commands(&b.text).iter().filter_map(|c| adapt(c)) {
                    for task in &tasks {
                        let env: Vec<(&str, String)> = task
                            .iter()
                            .map(|t| ("SLURM_ARRAY_TASK_ID", t.to_string()))
                            .collect();
                        let (code, out, err) = sandbox.run(&cmd, &env);
                        if let Some(f) = verdict(&cmd, code, &out, &err, true) {
                            fail(b.line, f);
                            break;
                        }
                    }
                }
            }
            "console" => {
                for part in b.text.split("\n$ ").map(|p| p.trim_start_matches("$ ")) {
                    let (cmd, want) = part.split_once('\n').unwrap_or((part, ""));
                    let Some(cmd) = adapt(cmd) else { continue };
                    let (code, out, err) = sandbox.run(&cmd, &[]);
                    let want_ok = !want.lines().any(|l| l.starts_with("error:"));
                    if let Some(f) = verdict(&cmd, code, &out, &err, want_ok) {
                        fail(b.line, f);
                    } else if let Err(missing) = shown_in(want, &format!("{out}{err}")) {
                        fail(
                            b.line,
                            format!(
                                "`{cmd}` does not print what the docs show; first line not found in order:\n  {missing}\nit printed:\n{out}{err}"
                            ),
                        );
                    }
                }
            }
            "toml" if b.text.trim_start().starts_with("format =") => {
                let file = format!("block-{n}.toml");
                std::fs::write(sandbox.dir.path().join(&file), &b.text).unwrap();
                let cmd = format!("detente check {file}");
                let (code, out, err) = sandbox.run(&cmd, &[]);
                if let Some(f) = verdict(&cmd, code, &out, &err, true) {
                    fail(b.line, f);
                }
            }
            _ => {}
        }
    }
}

#[test]
fn every_command_in_the_docs_runs_as_shown() {
    let root = common::root();
    let mut files = vec![root.join("README.md")];
    for dir in ["docs", "docs/models"] {
        let mut md: Vec<PathBuf> = std::fs::read_dir(root.join(dir))
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|e| e == "md"))
            .collect();
        md.sort();
        files.extend(md);
    }
    let mut failures = Vec::new();
    for f in &files {
        check_file(f, &mut failures);
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn the_block_reader_finds_commands_and_outputs() {
    let md = "text\n```sh\ndetente run a.toml   # note\ndetente explore a.toml \\\n    --runs 100000 -o x.csv\ncargo test --workspace\n```\n";
    let b = blocks(md);
    assert_eq!(b.len(), 1);
    assert_eq!(b[0].line, 2);
    let c: Vec<String> = commands(&b[0].text)
        .iter()
        .filter_map(|c| adapt(c))
        .collect();
    assert_eq!(c.len(), 2);
    assert_eq!(c[0], "detente run a.toml   # note");
    assert!(c[1].contains("--runs 1000 -o x.csv"), "{}", c[1]);
    assert_eq!(shown_in("a\n...\nc", "a\nb\nc\n"), Ok(()));
    assert_eq!(shown_in("c\na", "a\nb\nc\n"), Err("a".into()));
    assert_eq!(
        slurm_array("#!/bin/bash\n#SBATCH --array=1-100\n"),
        Some(1..=100)
    );
}
