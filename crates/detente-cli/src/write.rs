//! Output files: never replace what exists unless told to, never leave half a file.

use std::fs::File;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, Once};

// Called by path: std's `File::lock` of the same names is newer than the MSRV.
use fs4::fs_std::FileExt;

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
/// Writes `content` to a file byte for byte, and to standard output byte for byte unless it is a
/// terminal: data (CSV, JSON) shown on a terminal has its controls escaped like text
/// (`text::clean`), while a pipe or a file gets the exact values.
pub fn write(target: &Target, content: &[u8]) -> Result<(), Fail> {
    match target {
        Target::Stdout => {
            use std::io::IsTerminal;
            let mut out = std::io::stdout().lock();
            let shown;
            let content = match std::str::from_utf8(content) {
                Ok(s) if out.is_terminal() => {
                    shown = crate::text::clean(s);
                    shown.as_bytes()
                }
                _ => content,
            };
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
    let tmp = temp_beside(path)?;
    let mut file = tmp.as_file();
    file.write_all(content)
        .and_then(|_| file.sync_all())
        .map_err(|e| cannot_write(path, e))?;
    persist(tmp, path, force)
}

fn cannot_write(path: &Path, e: std::io::Error) -> Fail {
    Fail::new(
        format!("cannot write {}: {e}", path.display()),
        Some("check the path and its permissions"),
    )
}

/// Temporary files being written, removed by the signal handler on SIGINT or SIGTERM. Whoever
/// renames or removes one holds the lock meanwhile, so the handler never sees half a change.
static LIVE: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());
static HANDLER: Once = Once::new();

fn live() -> std::sync::MutexGuard<'static, Vec<PathBuf>> {
    // A panic elsewhere must not keep the handler from cleaning up.
    LIVE.lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// On SIGINT or SIGTERM: removes every live temporary file and exits with 128 + the signal
/// (130, 143), as a shell reports a process killed by it. Installed with the first temporary
/// file, so commands that write none (`serve`) keep the default handling.
fn install_handler() {
    HANDLER.call_once(|| {
        use signal_hook::consts::{SIGINT, SIGTERM};
        let Ok(mut signals) = signal_hook::iterator::Signals::new([SIGINT, SIGTERM]) else {
            return;
        };
        let _ = std::thread::Builder::new()
            .name("detente-signals".into())
            .spawn(move || {
                if let Some(signal) = signals.forever().next() {
                    let paths = live();
                    for p in paths.iter() {
                        let _ = std::fs::remove_file(p);
                    }
                    #[allow(clippy::exit)] // the process was asked to stop
                    std::process::exit(128 + signal);
                }
            });
    });
}

/// An output being written: a temporary file beside its destination, locked (`flock`) while
/// this process lives, removed if dropped or if the process is stopped by SIGINT or SIGTERM.
pub struct Temp {
    file: Option<tempfile::NamedTempFile>,
}

impl Temp {
    pub fn path(&self) -> &Path {
        self.file.as_ref().expect("a live temporary file").path()
    }

    pub fn as_file(&self) -> &File {
        self.file.as_ref().expect("a live temporary file").as_file()
    }
}

impl Drop for Temp {
    fn drop(&mut self) {
        if let Some(file) = self.file.take() {
            let mut paths = live();
            paths.retain(|p| p != file.path());
            let _ = file.close();
        }
    }
}

/// The start of the temporary names for `path`: `.detente-<file name>.<pid>.`, the file name cut
/// to 100 bytes so that the whole stays under the usual 255-byte limit.
fn temp_prefix(path: &Path) -> (String, String) {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let mut end = name.len().min(100);
    while !name.is_char_boundary(end) {
        end -= 1;
    }
    let own = format!(".detente-{}.", &name[..end]);
    let prefix = format!("{own}{}.", std::process::id());
    (own, prefix)
}

/// Removes the temporary files that earlier writes of `path` left behind when they were killed
/// (SIGKILL, a crash, a power cut): files named for `path` whose lock nobody holds and whose
/// process is gone. A live writer holds its lock until it ends; the process check covers the
/// moment between creating its file and locking it. Returns how many were removed.
pub fn remove_stale(path: &Path) -> usize {
    let (own, _) = temp_prefix(path);
    let Ok(entries) = std::fs::read_dir(parent(path)) else {
        return 0;
    };
    let mut removed = 0;
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(rest) = name
            .to_str()
            .and_then(|n| n.strip_prefix(&own))
            .and_then(|n| n.strip_suffix(".tmp"))
        else {
            continue;
        };
        // `<pid>.<random>`; the random part never holds a dot.
        let Some(pid) = rest
            .split_once('.')
            .and_then(|(pid, random)| (!random.contains('.')).then_some(pid))
            .and_then(|pid| pid.parse::<u32>().ok())
        else {
            continue;
        };
        if pid == std::process::id() || process_alive(pid) {
            continue;
        }
        let p = entry.path();
        let Ok(file) = File::open(&p) else { continue };
        if FileExt::try_lock_exclusive(&file).is_ok_and(|got| got)
            && std::fs::remove_file(&p).is_ok()
        {
            removed += 1;
        }
    }
    removed
}

/// Whether process `pid` runs on this machine; `false` where `/proc` cannot tell (the lock is
/// then the only proof).
fn process_alive(pid: u32) -> bool {
    Path::new("/proc/self").exists() && Path::new(&format!("/proc/{pid}")).exists()
}

/// A temporary file in the directory of `path`, to be [`persist`]ed there once complete; it
/// disappears if dropped. Creating it early proves the directory writable before any work.
/// Stale temporary files of earlier writes of `path` are removed first.
pub fn temp_beside(path: &Path) -> Result<Temp, Fail> {
    install_handler();
    remove_stale(path);
    let (_, prefix) = temp_prefix(path);
    let mut paths = live();
    let file = tempfile::Builder::new()
        .prefix(&prefix)
        .suffix(".tmp")
        .tempfile_in(parent(path))
        .map_err(|e| cannot_write(path, e))?;
    // Locked before the registry lets go, so no cleanup of this process can see it unlocked.
    FileExt::lock_exclusive(file.as_file()).map_err(|e| cannot_write(path, e))?;
    paths.push(file.path().to_path_buf());
    Ok(Temp { file: Some(file) })
}

/// Moves a complete temporary file to `path`; without `force`, never over an existing file.
pub fn persist(mut tmp: Temp, path: &Path, force: bool) -> Result<(), Fail> {
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
    let file = tmp.file.take().expect("a live temporary file");
    let mut paths = live();
    paths.retain(|p| p != file.path());
    let result = if force {
        file.persist(path).map(drop).map_err(|e| fail(e.error))
    } else {
        // Fails if the file appeared meanwhile: never replace what someone else wrote.
        file.persist_noclobber(path).map(drop).map_err(|e| {
            if e.error.kind() == std::io::ErrorKind::AlreadyExists {
                Fail::new(
                    format!("{shown} already exists"),
                    Some("choose another path, or pass --force to replace it"),
                )
            } else {
                fail(e.error)
            }
        })
    };
    drop(paths);
    result
}
