//! What the binary's test files share; each includes it with `mod common;`.

use std::path::{Path, PathBuf};

use assert_cmd::Command;

pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .canonicalize()
        .unwrap()
}

/// `detente` run in `dir`.
pub fn detente_in(dir: &Path) -> Command {
    let mut c = Command::cargo_bin("detente").unwrap();
    // The developer's own switch must not change what the tests see.
    c.current_dir(dir).env_remove("DETENTE_RECORD");
    c
}

/// `detente` run from the repository root, so that paths in messages are short and stable.
pub fn detente() -> Command {
    detente_in(&root())
}

pub struct Out {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

/// Runs the command to its end.
pub fn output(c: &mut Command) -> Out {
    let o = c.output().unwrap();
    Out {
        code: o.status.code().unwrap_or(-1),
        stdout: String::from_utf8(o.stdout).unwrap(),
        stderr: String::from_utf8(o.stderr).unwrap(),
    }
}
