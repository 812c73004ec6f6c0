//! Documented outputs stay byte for byte what they were (issue 13, "What must not change"):
//! every command of `tests/golden/commands.txt` is run and its outputs compared with the files
//! in `tests/golden/out/`, made at the commit before the restructuring. `DETENTE_BLESS=1`
//! rewrites them; do that only for a change of output made on purpose, and say so in the commit.

#[allow(dead_code)]
mod common;

use std::path::{Path, PathBuf};
use std::sync::Mutex;

struct Case {
    name: String,
    args: Vec<String>,
}

/// Splits a manifest line into words; double quotes group words.
fn words(line: &str) -> Vec<String> {
    let (mut out, mut cur, mut quoted) = (Vec::new(), String::new(), false);
    for c in line.chars() {
        match c {
            '"' => quoted = !quoted,
            c if c.is_whitespace() && !quoted => {
                if !cur.is_empty() {
                    out.push(std::mem::take(&mut cur));
                }
            }
            c => cur.push(c),
        }
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}

fn cases(manifest: &str) -> Vec<Case> {
    manifest
        .lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
        .map(|l| {
            let mut w = words(l);
            let name = w.remove(0);
            Case { name, args: w }
        })
        .collect()
}

/// Runs one case; returns (file name, bytes) of each output.
fn outputs(case: &Case, scratch: &Path) -> Vec<(String, Vec<u8>)> {
    let out_file = scratch.join(&case.name);
    let uses_file = case.args.iter().any(|a| a == "{out}");
    let args: Vec<String> = case
        .args
        .iter()
        .map(|a| {
            if a == "{out}" {
                out_file.display().to_string()
            } else {
                a.clone()
            }
        })
        .collect();
    let o = common::detente()
        .args(&args)
        .env("DETENTE_DATA_DIR", scratch.join(".records"))
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    let must_fail = case.name.ends_with("-error");
    assert!(
        o.status.success() != must_fail,
        "{}: detente {} exited with {:?}:\n{}",
        case.name,
        args.join(" "),
        o.status.code(),
        String::from_utf8_lossy(&o.stderr)
    );
    if must_fail {
        return vec![(case.name.clone(), o.stderr)];
    }
    // The scratch directory's path changes from run to run.
    let stdout = String::from_utf8(o.stdout)
        .unwrap()
        .replace(&scratch.display().to_string(), "{scratch}")
        .into_bytes();
    if uses_file {
        let file = std::fs::read(&out_file).unwrap();
        vec![
            (case.name.clone(), file),
            (format!("{}.stdout", case.name), stdout),
        ]
    } else {
        vec![(case.name.clone(), stdout)]
    }
}

#[test]
fn documented_outputs_are_unchanged() {
    let dir = common::root().join("crates/detente-cli/tests/golden");
    let golden = dir.join("out");
    let cases = cases(&std::fs::read_to_string(dir.join("commands.txt")).unwrap());
    let bless = std::env::var_os("DETENTE_BLESS").is_some();
    let scratch = tempfile::tempdir().unwrap();
    let next = Mutex::new(0usize);
    let results: Mutex<Vec<(String, Vec<u8>)>> = Mutex::new(Vec::new());
    let workers = std::thread::available_parallelism().map_or(1, usize::from);
    std::thread::scope(|s| {
        for _ in 0..workers {
            s.spawn(|| {
                loop {
                    let i = {
                        let mut n = next.lock().unwrap();
                        *n += 1;
                        *n - 1
                    };
                    let Some(case) = cases.get(i) else { break };
                    let scratch = scratch.path().join(&case.name).with_extension("d");
                    std::fs::create_dir_all(&scratch).unwrap();
                    let o = outputs(case, &scratch);
                    results.lock().unwrap().extend(o);
                }
            });
        }
    });
    let mut results = results.into_inner().unwrap();
    results.sort();
    if bless {
        std::fs::create_dir_all(&golden).unwrap();
        for (name, bytes) in &results {
            std::fs::write(golden.join(name), bytes).unwrap();
        }
        return;
    }
    let mut differ = Vec::new();
    for (name, bytes) in &results {
        let path: PathBuf = golden.join(name);
        match std::fs::read(&path) {
            Ok(want) if &want == bytes => {}
            Ok(want) => {
                let at = want.iter().zip(bytes).position(|(a, b)| a != b);
                differ.push(format!(
                    "{name}: differs (first at byte {}; {} bytes kept, {} now)",
                    at.unwrap_or(want.len().min(bytes.len())),
                    want.len(),
                    bytes.len()
                ));
            }
            Err(_) => differ.push(format!("{name}: no golden file {}", path.display())),
        }
    }
    assert!(differ.is_empty(), "{}", differ.join("\n"));
}
