//! Output files: never replace what exists unless told to, never leave half a file.

use std::io::Write;
use std::path::{Path, PathBuf};

use crate::Fail;

/// Where output goes, checked before any work is done.
pub enum Target {
    Stdout,
    File { path: PathBuf, force: bool },
}

/// Checks an output path: refuses an existing file without `force`, any of the `inputs` even
/// with it, and a directory that does not exist.
pub fn target(path: Option<&Path>, force: bool, inputs: &[&Path]) -> Result<Target, Fail> {
    let Some(path) = path else {
        return Ok(Target::Stdout);
    };
    check_path(path, force, inputs)?;
    Ok(Target::File {
        path: path.to_path_buf(),
        force,
    })
}

pub fn check_path(path: &Path, force: bool, inputs: &[&Path]) -> Result<(), Fail> {
    let shown = path.display();
    if let Ok(canon) = path.canonicalize() {
        if inputs
            .iter()
            .any(|i| i.canonicalize().is_ok_and(|c| c == canon))
        {
            return Err(Fail::new(
                format!("{shown} is the input file; detente never writes over its input"),
                Some("choose another output path"),
            ));
        }
        if canon.is_dir() {
            return Err(Fail::new(
                format!("{shown} is a directory"),
                Some("give a file path to -o"),
            ));
        }
        if !force {
            return Err(Fail::new(
                format!("{shown} already exists"),
                Some("choose another path, or pass --force to replace it"),
            ));
        }
    }
    let dir = parent(path);
    if !dir.is_dir() {
        return Err(Fail::new(
            format!(
                "cannot write {shown}: the directory {} does not exist",
                dir.display()
            ),
            Some("create the directory first, or choose another path"),
        ));
    }
    Ok(())
}

fn parent(path: &Path) -> &Path {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    }
}

/// Writes `content` to the target. A file is written beside its destination under a temporary
/// name and then renamed into place, so a failure leaves nothing behind.
pub fn write(target: &Target, content: &[u8]) -> Result<(), Fail> {
    match target {
        Target::Stdout => {
            let mut out = std::io::stdout().lock();
            match out.write_all(content).and_then(|_| out.flush()) {
                // A closed pipe (`detente run ... | head`) is not an error.
                Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => Err(Fail::new(
                    format!("cannot write to standard output: {e}"),
                    None,
                )),
                _ => Ok(()),
            }
        }
        Target::File { path, force } => write_file(path, *force, content),
    }
}

pub fn write_file(path: &Path, force: bool, content: &[u8]) -> Result<(), Fail> {
    let mut tmp = temp_beside(path)?;
    tmp.write_all(content)
        .and_then(|_| tmp.as_file().sync_all())
        .map_err(|e| cannot_write(path, e))?;
    persist(tmp, path, force)
}

fn cannot_write(path: &Path, e: std::io::Error) -> Fail {
    Fail::new(
        format!("cannot write {}: {e}", path.display()),
        Some("check the path and its permissions"),
    )
}

/// A temporary file in the directory of `path`, to be [`persist`]ed there once complete; it
/// disappears if dropped. Creating it early proves the directory writable before any work.
pub fn temp_beside(path: &Path) -> Result<tempfile::NamedTempFile, Fail> {
    tempfile::Builder::new()
        .prefix(".detente-")
        .suffix(".tmp")
        .tempfile_in(parent(path))
        .map_err(|e| cannot_write(path, e))
}

/// Moves a complete temporary file to `path`; without `force`, never over an existing file.
pub fn persist(tmp: tempfile::NamedTempFile, path: &Path, force: bool) -> Result<(), Fail> {
    let shown = path.display().to_string();
    let fail = |e: std::io::Error| cannot_write(path, e);
    tmp.as_file().sync_all().map_err(fail)?;
    // Temporary files are private (0600); a result is an ordinary file.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(tmp.path(), std::fs::Permissions::from_mode(0o644))
            .map_err(fail)?;
    }
    if force {
        tmp.persist(path).map_err(|e| fail(e.error))?;
    } else {
        // Fails if the file appeared meanwhile: never replace what someone else wrote.
        tmp.persist_noclobber(path).map_err(|e| {
            if e.error.kind() == std::io::ErrorKind::AlreadyExists {
                Fail::new(
                    format!("{shown} already exists"),
                    Some("choose another path, or pass --force to replace it"),
                )
            } else {
                fail(e.error)
            }
        })?;
    }
    Ok(())
}
