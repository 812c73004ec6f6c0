//! Run records: every `explore`, `sensitivity`, `discover` and `compare` run is recorded in an
//! embedded SQLite database, so that any reported figure can be traced to the command line,
//! scenario file (by content hash), seed and detente version that produced it, and re-run.
//!
//! # Where
//!
//! The directory is `DETENTE_DATA_DIR` if that is set and not empty, else the platform's data
//! directory for detente (`directories::ProjectDirs::from("", "", "detente").data_dir()`, e.g.
//! `~/.local/share/detente` on Linux). It is created if missing. The database is `runs.sqlite`
//! in it.
//!
//! # Use
//!
//! ```ignore
//! let records = Records::open_default()?;
//! let id = records.start(&NewRun::from_env(RunKind::Explore, &path, &bytes, Some(seed)))?;
//! match do_the_run() {
//!     Ok(out) => records.finish(id, &summary_json, Some(&results_file))?,
//!     Err(e) => records.fail(id, &e.to_string())?,
//! }
//! ```
//!
//! A run whose process is killed stays `running` for ever; nothing tidies it up, and that is
//! deliberate (it is a true record of what happened).
//!
//! # Schema (version 1, kept in `PRAGMA user_version`)
//!
//! ```sql
//! CREATE TABLE runs (
//!     id              INTEGER PRIMARY KEY AUTOINCREMENT,  -- never reused, so "run 12" is stable
//!     command         TEXT NOT NULL,   -- explore | sensitivity | discover | compare
//!     argv            TEXT NOT NULL,   -- the full command line, a JSON array of strings
//!     cwd             TEXT,            -- the working directory (relative paths in argv)
//!     scenario_path   TEXT NOT NULL,   -- absolute path of the scenario file
//!     scenario_sha256 TEXT NOT NULL,   -- SHA-256 of the scenario file's bytes, lowercase hex
//!     seed            TEXT,            -- the u64 seed in decimal (exact; SQLite has no u64), or NULL
//!     version         TEXT NOT NULL,   -- detente's version
//!     started         TEXT NOT NULL,   -- RFC 3339 UTC, whole seconds: 2024-05-01T12:00:00Z
//!     finished        TEXT,            -- likewise; NULL while running
//!     status          TEXT NOT NULL,   -- running | finished | failed
//!     summary         TEXT,            -- JSON, set by `finish`
//!     error           TEXT,            -- the failure message, set by `fail`
//!     results_path    TEXT             -- absolute path of the results file, if one was written
//! );
//! ```
//!
//! Paths that are not valid UTF-8 are stored lossily.
//!
//! # Concurrency
//!
//! Several detente processes may record at once (a job array writing to a shared home
//! directory). Every connection waits up to [`BUSY_TIMEOUT`] for a lock. On a local file system
//! the database uses write-ahead logging (WAL); on a network file system (NFS, SMB, Lustre,
//! GPFS, ...; recognised on Linux from `/proc/self/mountinfo`) it uses the rollback journal
//! instead, because WAL needs shared memory between all processes using the database, which
//! processes on different hosts do not have (<https://sqlite.org/wal.html>). Each write is one
//! statement, and the schema is created or migrated inside an immediate transaction, so two
//! processes creating the database at the same moment are safe.

use std::fmt;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use comfy_table::{Cell, CellAlignment, Table, TableComponent, presets};
use rusqlite::{Connection, OptionalExtension, TransactionBehavior, params};
use serde::Serialize;

/// The database file's name inside the data directory.
pub const DB_FILE: &str = "runs.sqlite";

/// The environment variable that overrides the data directory.
pub const DATA_DIR_ENV: &str = "DETENTE_DATA_DIR";

/// How long a connection waits for another process's lock before giving up.
pub const BUSY_TIMEOUT: Duration = Duration::from_secs(10);

/// The schema version this build writes and understands.
pub const SCHEMA_VERSION: i64 = 1;

/// `MIGRATIONS[v]` takes the schema from version `v` to `v + 1`.
const MIGRATIONS: &[&str] = &["CREATE TABLE runs (
        id              INTEGER PRIMARY KEY AUTOINCREMENT,
        command         TEXT NOT NULL,
        argv            TEXT NOT NULL,
        cwd             TEXT,
        scenario_path   TEXT NOT NULL,
        scenario_sha256 TEXT NOT NULL,
        seed            TEXT,
        version         TEXT NOT NULL,
        started         TEXT NOT NULL,
        finished        TEXT,
        status          TEXT NOT NULL CHECK (status IN ('running', 'finished', 'failed')),
        summary         TEXT,
        error           TEXT,
        results_path    TEXT
    );"];

const COLUMNS: &str = "id, command, argv, cwd, scenario_path, scenario_sha256, seed, version, \
                       started, finished, status, summary, error, results_path";

// ---------------------------------------------------------------------------------------------
// Errors

/// Why the run records could not be opened, read or written. `Display` says what went wrong;
/// [`RecordsError::help`] says what to do about it.
#[derive(Debug)]
pub enum RecordsError {
    /// No `DETENTE_DATA_DIR` and no home directory to put the data directory in.
    NoDataDir,
    /// The data directory could not be created.
    CreateDir {
        dir: PathBuf,
        source: std::io::Error,
    },
    /// The database could not be opened (or is not a database).
    Open {
        path: PathBuf,
        source: rusqlite::Error,
    },
    /// The database was written by a newer detente with a schema this one does not know.
    TooNew {
        path: PathBuf,
        found: i64,
        known: i64,
    },
    /// No run has this id.
    NoSuchRun(i64),
    /// A statement failed.
    Sql {
        path: PathBuf,
        action: &'static str,
        source: rusqlite::Error,
    },
}

impl RecordsError {
    /// What to do next.
    pub fn help(&self) -> String {
        let elsewhere = format!("or set {DATA_DIR_ENV} to a writable directory");
        match self {
            RecordsError::NoDataDir => {
                format!("set {DATA_DIR_ENV} to a writable directory to keep the run records in")
            }
            RecordsError::CreateDir { dir, .. } => format!(
                "check that {} can be created and written, {elsewhere}",
                dir.display()
            ),
            RecordsError::Open { path, .. } => format!(
                "check that {} is detente's run database and that its directory is writable; \
                 move the file away to start a new record, {elsewhere}",
                path.display()
            ),
            RecordsError::TooNew { .. } => format!(
                "use a newer detente to read these records, or set {DATA_DIR_ENV} to another \
                 directory to keep separate records for this version"
            ),
            RecordsError::NoSuchRun(_) => "list the recorded runs to find the id".to_string(),
            RecordsError::Sql { path, source, .. } => {
                if is_busy(source) {
                    format!(
                        "another detente process kept {} locked for more than {} s; try again",
                        path.display(),
                        BUSY_TIMEOUT.as_secs()
                    )
                } else if is_readonly(source) {
                    format!(
                        "make {} and its directory writable, {elsewhere}",
                        path.display()
                    )
                } else {
                    format!(
                        "the database {} may be damaged: move it away to start a new record, \
                         {elsewhere}",
                        path.display()
                    )
                }
            }
        }
    }
}

fn is_busy(e: &rusqlite::Error) -> bool {
    matches!(
        e.sqlite_error_code(),
        Some(rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked)
    )
}

fn is_readonly(e: &rusqlite::Error) -> bool {
    matches!(
        e.sqlite_error_code(),
        Some(rusqlite::ErrorCode::ReadOnly | rusqlite::ErrorCode::CannotOpen)
    )
}

impl fmt::Display for RecordsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RecordsError::NoDataDir => write!(
                f,
                "cannot find a data directory for the run records (no home directory, and \
                 {DATA_DIR_ENV} is not set)"
            ),
            RecordsError::CreateDir { dir, source } => write!(
                f,
                "cannot create the run records directory {}: {source}",
                dir.display()
            ),
            RecordsError::Open { path, source } => write!(
                f,
                "cannot open the run records database {}: {source}",
                path.display()
            ),
            RecordsError::TooNew { path, found, known } => write!(
                f,
                "the run records database {} was written by a newer detente (schema version \
                 {found}; this detente {} knows versions up to {known})",
                path.display(),
                env!("CARGO_PKG_VERSION")
            ),
            RecordsError::NoSuchRun(id) => write!(f, "no recorded run has id {id}"),
            RecordsError::Sql {
                path,
                action,
                source,
            } => write!(f, "cannot {action} in {}: {source}", path.display()),
        }
    }
}

impl std::error::Error for RecordsError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            RecordsError::CreateDir { source, .. } => Some(source),
            RecordsError::Open { source, .. } | RecordsError::Sql { source, .. } => Some(source),
            _ => None,
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Runs

/// The recorded commands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RunKind {
    Explore,
    Sensitivity,
    Discover,
    Compare,
}

impl RunKind {
    pub fn as_str(self) -> &'static str {
        match self {
            RunKind::Explore => "explore",
            RunKind::Sensitivity => "sensitivity",
            RunKind::Discover => "discover",
            RunKind::Compare => "compare",
        }
    }
}

impl fmt::Display for RunKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A run about to start.
#[derive(Debug, Clone, PartialEq)]
pub struct NewRun {
    pub command: RunKind,
    /// The full command line, program name first.
    pub argv: Vec<String>,
    /// The working directory, which relative paths in `argv` are relative to.
    pub cwd: Option<PathBuf>,
    /// The scenario file, stored as given (`from_env` makes it absolute).
    pub scenario_path: PathBuf,
    /// The scenario file's [`content_hash`].
    pub scenario_hash: String,
    /// The seed, if the command takes `--seed`. `show` appends `--seed N` to the re-run line
    /// when the command line did not give it, so set this only for commands that accept it.
    pub seed: Option<u64>,
}

impl NewRun {
    /// A run of this process: the command line from `std::env::args_os`, the current
    /// directory, the scenario path made absolute, and the hash of `scenario_bytes` (the bytes
    /// of the scenario file as read).
    pub fn from_env(
        command: RunKind,
        scenario_path: &Path,
        scenario_bytes: &[u8],
        seed: Option<u64>,
    ) -> NewRun {
        NewRun {
            command,
            argv: std::env::args_os()
                .map(|a| a.to_string_lossy().into_owned())
                .collect(),
            cwd: std::env::current_dir().ok(),
            scenario_path: absolute(scenario_path),
            scenario_hash: content_hash(scenario_bytes),
            seed,
        }
    }
}

/// One recorded run: every column of `runs`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RunRow {
    pub id: i64,
    pub command: String,
    pub argv: Vec<String>,
    pub cwd: Option<String>,
    pub scenario_path: String,
    pub scenario_sha256: String,
    pub seed: Option<u64>,
    pub version: String,
    pub started: String,
    pub finished: Option<String>,
    /// `running`, `finished` or `failed`.
    pub status: String,
    pub summary: Option<serde_json::Value>,
    pub error: Option<String>,
    pub results_path: Option<String>,
}

impl RunRow {
    /// From `started` to `finished`, in whole seconds; `None` while running.
    pub fn duration(&self) -> Option<Duration> {
        let start = parse_rfc3339(&self.started)?;
        let end = parse_rfc3339(self.finished.as_deref()?)?;
        Some(Duration::from_secs(u64::try_from(end - start).ok()?))
    }

    fn from_sql(r: &rusqlite::Row<'_>) -> rusqlite::Result<RunRow> {
        // Read leniently: a hand-edited or damaged cell should not hide the rest of the record.
        let argv: String = r.get("argv")?;
        let seed: Option<String> = r.get("seed")?;
        let summary: Option<String> = r.get("summary")?;
        Ok(RunRow {
            id: r.get("id")?,
            command: r.get("command")?,
            argv: serde_json::from_str(&argv).unwrap_or_else(|_| vec![argv]),
            cwd: r.get("cwd")?,
            scenario_path: r.get("scenario_path")?,
            scenario_sha256: r.get("scenario_sha256")?,
            seed: seed.and_then(|s| s.parse().ok()),
            version: r.get("version")?,
            started: r.get("started")?,
            finished: r.get("finished")?,
            status: r.get("status")?,
            summary: summary
                .map(|s| serde_json::from_str(&s).unwrap_or(serde_json::Value::String(s.clone()))),
            error: r.get("error")?,
            results_path: r.get("results_path")?,
        })
    }
}

// ---------------------------------------------------------------------------------------------
// The database

/// An open run database. One connection; `Send` but not `Sync`, so use it from one thread.
#[derive(Debug)]
pub struct Records {
    conn: Connection,
    path: PathBuf,
}

impl Records {
    /// Open (creating if needed) the database in the default data directory: see
    /// [`default_dir`].
    pub fn open_default() -> Result<Records, RecordsError> {
        Records::open(&default_dir()?)
    }

    /// Open (creating `dir` and the database if needed, and migrating an older schema) the
    /// database `dir/runs.sqlite`. A database with a newer schema is refused and left alone.
    pub fn open(dir: &Path) -> Result<Records, RecordsError> {
        let dir = absolute(dir);
        std::fs::create_dir_all(&dir).map_err(|source| RecordsError::CreateDir {
            dir: dir.clone(),
            source,
        })?;
        let path = dir.join(DB_FILE);
        let open_err = |source| RecordsError::Open {
            path: path.clone(),
            source,
        };
        let mut conn = Connection::open(&path).map_err(open_err)?;
        conn.busy_timeout(BUSY_TIMEOUT).map_err(open_err)?;
        // Reading the header also tells a file that is not a database.
        let found = user_version(&conn).map_err(open_err)?;
        if found > SCHEMA_VERSION {
            return Err(RecordsError::TooNew {
                path,
                found,
                known: SCHEMA_VERSION,
            });
        }
        let mode = if on_network_fs(&dir) { "DELETE" } else { "WAL" };
        // Not fatal: if another process holds the database at this moment the mode stays as it
        // is (and the first process to create the database has already set it).
        let _ = conn.pragma_update_and_check(None, "journal_mode", mode, |r| r.get::<_, String>(0));
        if found < SCHEMA_VERSION {
            migrate(&mut conn, &path)?;
        }
        Ok(Records { conn, path })
    }

    /// The database file.
    #[allow(dead_code)] // used by tests and kept for library-style callers
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The journal mode in use, lowercase: `wal`, or `delete` on a network file system.
    #[allow(dead_code)] // used by tests and kept for library-style callers
    pub fn journal_mode(&self) -> Result<String, RecordsError> {
        self.conn
            .pragma_query_value(None, "journal_mode", |r| r.get::<_, String>(0))
            .map(|m| m.to_ascii_lowercase())
            .map_err(|e| self.sql("read the journal mode", e))
    }

    fn sql(&self, action: &'static str, source: rusqlite::Error) -> RecordsError {
        RecordsError::Sql {
            path: self.path.clone(),
            action,
            source,
        }
    }

    /// Record the start of a run (status `running`, `started` now); returns its id.
    pub fn start(&self, new: &NewRun) -> Result<i64, RecordsError> {
        let argv = serde_json::to_string(&new.argv).unwrap_or_else(|_| "[]".to_string());
        self.conn
            .execute(
                "INSERT INTO runs (command, argv, cwd, scenario_path, scenario_sha256, seed, \
                 version, started, status) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, 'running')",
                params![
                    new.command.as_str(),
                    argv,
                    new.cwd.as_deref().map(lossy),
                    lossy(&new.scenario_path),
                    new.scenario_hash,
                    new.seed.map(|s| s.to_string()),
                    env!("CARGO_PKG_VERSION"),
                    now_rfc3339(),
                ],
            )
            .map_err(|e| self.sql("record the start of a run", e))?;
        Ok(self.conn.last_insert_rowid())
    }

    /// Record that run `id` finished now, with its summary and the results file it wrote (made
    /// absolute).
    pub fn finish(
        &self,
        id: i64,
        summary: &serde_json::Value,
        results_path: Option<&Path>,
    ) -> Result<(), RecordsError> {
        let n = self
            .conn
            .execute(
                "UPDATE runs SET status = 'finished', finished = ?1, summary = ?2, \
                 results_path = ?3 WHERE id = ?4",
                params![
                    now_rfc3339(),
                    summary.to_string(),
                    results_path.map(|p| lossy(&absolute(p))),
                    id
                ],
            )
            .map_err(|e| self.sql("record the end of a run", e))?;
        if n == 0 {
            return Err(RecordsError::NoSuchRun(id));
        }
        Ok(())
    }

    /// Record that run `id` failed now, with why.
    pub fn fail(&self, id: i64, message: &str) -> Result<(), RecordsError> {
        let n = self
            .conn
            .execute(
                "UPDATE runs SET status = 'failed', finished = ?1, error = ?2 WHERE id = ?3",
                params![now_rfc3339(), message, id],
            )
            .map_err(|e| self.sql("record the failure of a run", e))?;
        if n == 0 {
            return Err(RecordsError::NoSuchRun(id));
        }
        Ok(())
    }

    /// The `limit` most recently recorded runs, newest first (by id, which is the order they
    /// were recorded in, whatever the clocks of the machines said).
    pub fn list(&self, limit: usize) -> Result<Vec<RunRow>, RecordsError> {
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        let run = || -> rusqlite::Result<Vec<RunRow>> {
            let mut stmt = self.conn.prepare(&format!(
                "SELECT {COLUMNS} FROM runs ORDER BY id DESC LIMIT ?1"
            ))?;
            let rows = stmt.query_map([limit], RunRow::from_sql)?;
            rows.collect()
        };
        run().map_err(|e| self.sql("list the runs", e))
    }

    /// The run with this id, if there is one.
    pub fn get(&self, id: i64) -> Result<Option<RunRow>, RecordsError> {
        self.conn
            .query_row(
                &format!("SELECT {COLUMNS} FROM runs WHERE id = ?1"),
                [id],
                RunRow::from_sql,
            )
            .optional()
            .map_err(|e| self.sql("read a run", e))
    }
}

fn user_version(conn: &Connection) -> rusqlite::Result<i64> {
    conn.pragma_query_value(None, "user_version", |r| r.get(0))
}

/// Bring the schema up to [`SCHEMA_VERSION`], in one immediate transaction so that two
/// processes opening a new database at once do not both create it.
fn migrate(conn: &mut Connection, path: &Path) -> Result<(), RecordsError> {
    let sql = |source| RecordsError::Sql {
        path: path.to_path_buf(),
        action: "create or upgrade the run table",
        source,
    };
    let tx = conn
        .transaction_with_behavior(TransactionBehavior::Immediate)
        .map_err(sql)?;
    let found = user_version(&tx).map_err(sql)?;
    if found > SCHEMA_VERSION {
        return Err(RecordsError::TooNew {
            path: path.to_path_buf(),
            found,
            known: SCHEMA_VERSION,
        });
    }
    let from = usize::try_from(found).unwrap_or(0);
    for step in &MIGRATIONS[from..] {
        tx.execute_batch(step).map_err(sql)?;
    }
    tx.pragma_update(None, "user_version", SCHEMA_VERSION)
        .map_err(sql)?;
    tx.commit().map_err(sql)
}

/// The data directory: `DETENTE_DATA_DIR` if set and not empty, else the platform's data
/// directory for detente.
pub fn default_dir() -> Result<PathBuf, RecordsError> {
    dir_from(std::env::var_os(DATA_DIR_ENV))
}

fn dir_from(env: Option<std::ffi::OsString>) -> Result<PathBuf, RecordsError> {
    match env {
        Some(d) if !d.is_empty() => Ok(absolute(Path::new(&d))),
        _ => directories::ProjectDirs::from("", "", "detente")
            .map(|p| p.data_dir().to_path_buf())
            .ok_or(RecordsError::NoDataDir),
    }
}

fn absolute(p: &Path) -> PathBuf {
    std::path::absolute(p).unwrap_or_else(|_| p.to_path_buf())
}

fn lossy(p: &Path) -> String {
    p.to_string_lossy().into_owned()
}

// ---------------------------------------------------------------------------------------------
// Network file systems

/// File system types on which processes on different hosts may share a file, so WAL is unsafe.
const NETWORK_FS: &[&str] = &[
    "9p",
    "afs",
    "beegfs",
    "ceph",
    "cifs",
    "davfs",
    "fuse.cephfs",
    "fuse.gcsfuse",
    "fuse.glusterfs",
    "fuse.juicefs",
    "fuse.rclone",
    "fuse.s3fs",
    "fuse.sshfs",
    "gfs2",
    "glusterfs",
    "gpfs",
    "lustre",
    "ncpfs",
    "ocfs2",
    "orangefs",
    "panfs",
    "pvfs2",
    "smb3",
    "smbfs",
    "wekafs",
];

fn is_network_fs_type(t: &str) -> bool {
    t.starts_with("nfs") || NETWORK_FS.contains(&t)
}

/// Whether `dir` is on a network file system (Linux: from `/proc/self/mountinfo`; elsewhere
/// always false).
fn on_network_fs(dir: &Path) -> bool {
    if !cfg!(target_os = "linux") {
        return false;
    }
    let Ok(dir) = std::fs::canonicalize(dir) else {
        return false;
    };
    std::fs::read_to_string("/proc/self/mountinfo")
        .ok()
        .and_then(|m| fs_type_of(&m, &dir))
        .is_some_and(|t| is_network_fs_type(&t))
}

/// The file system type of the mount holding `path`, from the text of a `mountinfo` file.
fn fs_type_of(mountinfo: &str, path: &Path) -> Option<String> {
    let mut best: Option<(usize, String)> = None;
    for line in mountinfo.lines() {
        let fields: Vec<&str> = line.split(' ').collect();
        let Some(mount_point) = fields.get(4).map(|m| unescape_mount(m)) else {
            continue;
        };
        let Some(sep) = fields.iter().position(|f| *f == "-") else {
            continue;
        };
        let Some(fs_type) = fields.get(sep + 1) else {
            continue;
        };
        let mount_point = Path::new(&mount_point);
        if path.starts_with(mount_point) {
            let depth = mount_point.components().count();
            // `>=`: a later mount on the same point hides an earlier one.
            if best.as_ref().is_none_or(|(d, _)| depth >= *d) {
                best = Some((depth, (*fs_type).to_string()));
            }
        }
    }
    best.map(|(_, t)| t)
}

/// `mountinfo` writes space, tab, newline and backslash in paths as `\ooo` octal.
fn unescape_mount(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'\\'
            && i + 3 < b.len()
            && b[i + 1..i + 4].iter().all(|c| (b'0'..=b'7').contains(c))
        {
            out.push((b[i + 1] - b'0') * 64 + (b[i + 2] - b'0') * 8 + (b[i + 3] - b'0'));
            i += 4;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

// ---------------------------------------------------------------------------------------------
// Output for people

fn table() -> Table {
    // As in `format.rs`.
    let mut t = Table::new();
    t.load_preset(presets::NOTHING)
        .set_content_arrangement(comfy_table::ContentArrangement::Disabled);
    t.set_style(TableComponent::HeaderLines, '─');
    t.set_style(TableComponent::MiddleHeaderIntersections, '─');
    t
}

fn right(s: String) -> Cell {
    Cell::new(s).set_alignment(CellAlignment::Right)
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

// ---------------------------------------------------------------------------------------------
// Time

/// Now, as RFC 3339 UTC in whole seconds.
pub fn now_rfc3339() -> String {
    let secs = match SystemTime::now().duration_since(UNIX_EPOCH) {
        Ok(d) => i64::try_from(d.as_secs()).unwrap_or(i64::MAX),
        Err(e) => -i64::try_from(e.duration().as_secs()).unwrap_or(i64::MAX),
    };
    rfc3339(secs)
}

/// Seconds since 1970-01-01T00:00:00Z as RFC 3339 UTC: `2000-02-29T00:00:00Z`.
pub fn rfc3339(unix_secs: i64) -> String {
    let days = unix_secs.div_euclid(86_400);
    let s = unix_secs.rem_euclid(86_400);
    let (y, m, d) = civil_from_days(days);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
        s / 3600,
        s % 3600 / 60,
        s % 60
    )
}

/// The inverse of [`rfc3339`] (exactly that form: `YYYY-MM-DDTHH:MM:SSZ`).
pub fn parse_rfc3339(s: &str) -> Option<i64> {
    let b = s.as_bytes();
    if b.len() != 20 || b[4] != b'-' || b[7] != b'-' || b[10] != b'T' || b[13] != b':' {
        return None;
    }
    if b[16] != b':' || b[19] != b'Z' {
        return None;
    }
    let num = |r: std::ops::Range<usize>| -> Option<i64> {
        let t = s.get(r)?;
        t.bytes()
            .all(|c| c.is_ascii_digit())
            .then(|| t.parse().ok())?
    };
    let (y, mo, d) = (num(0..4)?, num(5..7)?, num(8..10)?);
    let (h, mi, se) = (num(11..13)?, num(14..16)?, num(17..19)?);
    if !(1..=12).contains(&mo) || d < 1 || d > days_in_month(y, mo) || h > 23 || mi > 59 {
        return None;
    }
    if se > 59 {
        return None;
    }
    Some(days_from_civil(y, mo, d) * 86_400 + h * 3600 + mi * 60 + se)
}

fn days_in_month(y: i64, m: i64) -> i64 {
    match m {
        2 if y % 4 == 0 && (y % 100 != 0 || y % 400 == 0) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Proleptic Gregorian (year, month, day) of a day count from 1970-01-01 (H. Hinnant,
/// "chrono-Compatible Low-Level Date Algorithms").
fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097); // day of era, 0..=146096
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365; // 0..=399
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100); // day of year from March 1, 0..=365
    let mp = (5 * doy + 2) / 153; // month from March, 0..=11
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

/// Day count from 1970-01-01 of a proleptic Gregorian date.
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400);
    let mp = if m > 2 { m - 3 } else { m + 9 };
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

// ---------------------------------------------------------------------------------------------
// SHA-256 (FIPS 180-4)

/// The first 32 bits of the fractional parts of the cube roots of the first 64 primes.
const K: [u32; 64] = [
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
];

/// The first 32 bits of the fractional parts of the square roots of the first 8 primes.
const H0: [u32; 8] = [
    0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
];

/// SHA-256 of `bytes`, as 64 lowercase hex digits (the form `sha256sum` prints).
pub fn content_hash(bytes: &[u8]) -> String {
    let mut h = H0;
    let mut blocks = bytes.chunks_exact(64);
    for block in &mut blocks {
        compress(&mut h, block);
    }
    // Padding: the rest, a 1 bit, zeros, and the length in bits as a big-endian u64, filling
    // one block or, if the length does not fit after the rest, two.
    let rest = blocks.remainder();
    let mut tail = [0u8; 128];
    tail[..rest.len()].copy_from_slice(rest);
    tail[rest.len()] = 0x80;
    let n = if rest.len() < 56 { 64 } else { 128 };
    let bits = (bytes.len() as u64).wrapping_mul(8);
    tail[n - 8..n].copy_from_slice(&bits.to_be_bytes());
    for block in tail[..n].chunks_exact(64) {
        compress(&mut h, block);
    }
    h.iter().map(|w| format!("{w:08x}")).collect()
}

/// One 512-bit block of the SHA-256 compression function (FIPS 180-4, 6.2.2).
fn compress(h: &mut [u32; 8], block: &[u8]) {
    let mut w = [0u32; 64];
    for (t, word) in block.chunks_exact(4).enumerate() {
        w[t] = u32::from_be_bytes([word[0], word[1], word[2], word[3]]);
    }
    for t in 16..64 {
        let s0 = w[t - 15].rotate_right(7) ^ w[t - 15].rotate_right(18) ^ (w[t - 15] >> 3);
        let s1 = w[t - 2].rotate_right(17) ^ w[t - 2].rotate_right(19) ^ (w[t - 2] >> 10);
        w[t] = w[t - 16]
            .wrapping_add(s0)
            .wrapping_add(w[t - 7])
            .wrapping_add(s1);
    }
    let [mut a, mut b, mut c, mut d, mut e, mut f, mut g, mut hh] = *h;
    for t in 0..64 {
        let big_s1 = e.rotate_right(6) ^ e.rotate_right(11) ^ e.rotate_right(25);
        let ch = (e & f) ^ (!e & g);
        let t1 = hh
            .wrapping_add(big_s1)
            .wrapping_add(ch)
            .wrapping_add(K[t])
            .wrapping_add(w[t]);
        let big_s0 = a.rotate_right(2) ^ a.rotate_right(13) ^ a.rotate_right(22);
        let maj = (a & b) ^ (a & c) ^ (b & c);
        let t2 = big_s0.wrapping_add(maj);
        hh = g;
        g = f;
        f = e;
        e = d.wrapping_add(t1);
        d = c;
        c = b;
        b = a;
        a = t1.wrapping_add(t2);
    }
    for (x, y) in h.iter_mut().zip([a, b, c, d, e, f, g, hh]) {
        *x = x.wrapping_add(y);
    }
}

// ---------------------------------------------------------------------------------------------

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn new_run(seed: Option<u64>) -> NewRun {
        NewRun {
            command: RunKind::Explore,
            argv: vec![
                "/usr/local/bin/detente".into(),
                "explore".into(),
                "my scenario.toml".into(),
                "--seed".into(),
                "7".into(),
            ],
            cwd: Some(PathBuf::from("/home/u/proj")),
            scenario_path: PathBuf::from("/home/u/proj/my scenario.toml"),
            scenario_hash: content_hash(b"x"),
            seed,
        }
    }

    #[test]
    fn round_trip() {
        let dir = tempfile::tempdir().unwrap();
        let r = Records::open(dir.path()).unwrap();
        assert_eq!(r.path(), dir.path().join(DB_FILE));
        let new = new_run(Some(u64::MAX));
        let id = r.start(&new).unwrap();
        let row = r.get(id).unwrap().unwrap();
        assert_eq!(row.status, "running");
        assert_eq!(row.command, "explore");
        assert_eq!(row.argv, new.argv);
        assert_eq!(row.seed, Some(u64::MAX));
        assert_eq!(row.cwd.as_deref(), Some("/home/u/proj"));
        assert_eq!(row.scenario_path, "/home/u/proj/my scenario.toml");
        assert_eq!(row.scenario_sha256, content_hash(b"x"));
        assert_eq!(row.version, env!("CARGO_PKG_VERSION"));
        assert!(parse_rfc3339(&row.started).is_some());
        assert_eq!(row.finished, None);
        assert_eq!(row.duration(), None);

        let summary = json!({"samples": 1000, "p_ceasefire": 0.42});
        let results = dir.path().join("out.json");
        r.finish(id, &summary, Some(&results)).unwrap();
        let row = r.get(id).unwrap().unwrap();
        assert_eq!(row.status, "finished");
        assert_eq!(row.summary, Some(summary));
        assert_eq!(row.results_path, Some(lossy(&results)));
        assert!(row.duration().is_some());
        assert_eq!(row.error, None);

        assert_eq!(r.list(10).unwrap(), vec![row.clone()]);
        assert_eq!(r.get(id + 1).unwrap(), None);
        assert!(matches!(
            r.finish(id + 1, &json!(null), None),
            Err(RecordsError::NoSuchRun(_))
        ));

        // Serializes with every column.
        let v = serde_json::to_value(&row).unwrap();
        for k in [
            "id",
            "command",
            "argv",
            "cwd",
            "scenario_path",
            "scenario_sha256",
            "seed",
            "version",
            "started",
            "finished",
            "status",
            "summary",
            "error",
            "results_path",
        ] {
            assert!(v.get(k).is_some(), "{k}");
        }
        assert_eq!(v["seed"], json!(u64::MAX));
    }

    #[test]
    fn failed_run() {
        let dir = tempfile::tempdir().unwrap();
        let r = Records::open(dir.path()).unwrap();
        let id = r.start(&new_run(None)).unwrap();
        r.fail(id, "model refused: no actors").unwrap();
        let row = r.get(id).unwrap().unwrap();
        assert_eq!(row.status, "failed");
        assert_eq!(row.error.as_deref(), Some("model refused: no actors"));
        assert_eq!(row.summary, None);
        assert_eq!(row.seed, None);
        assert!(row.finished.is_some());
        assert!(matches!(
            r.fail(999, "x"),
            Err(RecordsError::NoSuchRun(999))
        ));
        assert!(show(&row).contains("Error     model refused: no actors\n"));
    }

    #[test]
    fn list_newest_first() {
        let dir = tempfile::tempdir().unwrap();
        let r = Records::open(dir.path()).unwrap();
        let ids: Vec<i64> = (0..5).map(|_| r.start(&new_run(None)).unwrap()).collect();
        let listed: Vec<i64> = r.list(3).unwrap().iter().map(|x| x.id).collect();
        assert_eq!(listed, vec![ids[4], ids[3], ids[2]]);
        assert_eq!(r.list(usize::MAX).unwrap().len(), 5);
        assert_eq!(r.list(0).unwrap().len(), 0);
    }

    #[test]
    fn reopen() {
        let dir = tempfile::tempdir().unwrap();
        let id = {
            let r = Records::open(dir.path()).unwrap();
            r.start(&new_run(Some(1))).unwrap()
        };
        let r = Records::open(dir.path()).unwrap();
        assert_eq!(r.get(id).unwrap().unwrap().seed, Some(1));
        assert_eq!(user_version(&r.conn).unwrap(), SCHEMA_VERSION);
        let id2 = r.start(&new_run(None)).unwrap();
        assert!(id2 > id);
        let expect = if on_network_fs(dir.path()) {
            "delete"
        } else {
            "wal"
        };
        assert_eq!(r.journal_mode().unwrap(), expect);
    }

    #[test]
    fn creates_nested_directory() {
        let dir = tempfile::tempdir().unwrap();
        let nested = dir.path().join("a/b/c");
        Records::open(&nested).unwrap();
        assert!(nested.join(DB_FILE).is_file());
    }

    #[test]
    fn ids_are_not_reused() {
        let dir = tempfile::tempdir().unwrap();
        let r = Records::open(dir.path()).unwrap();
        let id = r.start(&new_run(None)).unwrap();
        r.conn
            .execute("DELETE FROM runs WHERE id = ?1", [id])
            .unwrap();
        assert!(r.start(&new_run(None)).unwrap() > id);
    }

    #[test]
    fn newer_schema_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(DB_FILE);
        {
            let c = Connection::open(&path).unwrap();
            c.execute_batch("CREATE TABLE runs (x); PRAGMA user_version = 7;")
                .unwrap();
        }
        let e = Records::open(dir.path()).unwrap_err();
        assert!(
            matches!(
                e,
                RecordsError::TooNew {
                    found: 7,
                    known: 1,
                    ..
                }
            ),
            "{e:?}"
        );
        let msg = e.to_string();
        assert!(msg.contains("newer detente"), "{msg}");
        assert!(msg.contains("schema version 7"), "{msg}");
        assert!(e.help().contains(DATA_DIR_ENV));
        // Left alone.
        let c = Connection::open(&path).unwrap();
        assert_eq!(user_version(&c).unwrap(), 7);
    }

    #[test]
    fn not_a_database() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join(DB_FILE), vec![b'z'; 4096]).unwrap();
        let e = Records::open(dir.path()).unwrap_err();
        assert!(matches!(e, RecordsError::Open { .. }), "{e:?}");
        assert!(e.to_string().contains(DB_FILE));
        assert!(e.help().contains("move the file away"));
    }

    #[test]
    fn directory_cannot_be_created() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("file");
        std::fs::write(&file, "").unwrap();
        let e = Records::open(&file.join("sub")).unwrap_err();
        assert!(matches!(e, RecordsError::CreateDir { .. }), "{e:?}");
        assert!(e.to_string().contains("cannot create"));
        assert!(e.help().contains("DETENTE_DATA_DIR"));
    }

    #[test]
    fn data_dir_from_environment() {
        assert_eq!(
            dir_from(Some("/tmp/x".into())).unwrap(),
            PathBuf::from("/tmp/x")
        );
        let rel = dir_from(Some("rel".into())).unwrap();
        assert!(rel.is_absolute() && rel.ends_with("rel"));
        // Empty means unset: the platform directory (if this machine has a home).
        if let Ok(d) = dir_from(Some("".into())) {
            assert!(d.ends_with("detente") || d.to_string_lossy().contains("detente"));
        }
    }

    #[test]
    fn concurrent_writers_lose_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let barrier = std::sync::Barrier::new(2);
        let ids: Vec<Vec<i64>> = std::thread::scope(|s| {
            let handles: Vec<_> = (0..2)
                .map(|t| {
                    let (dir, barrier) = (dir.path(), &barrier);
                    s.spawn(move || {
                        barrier.wait();
                        // Both open (and create the schema) at once.
                        let r = Records::open(dir).unwrap();
                        (0..50)
                            .map(|i| {
                                let id = r.start(&new_run(Some(t * 100 + i))).unwrap();
                                r.finish(id, &json!({"thread": t, "i": i}), None).unwrap();
                                id
                            })
                            .collect()
                    })
                })
                .collect();
            handles.into_iter().map(|h| h.join().unwrap()).collect()
        });
        let mut all: Vec<i64> = ids.concat();
        all.sort_unstable();
        all.dedup();
        assert_eq!(all.len(), 100);
        let r = Records::open(dir.path()).unwrap();
        let rows = r.list(1000).unwrap();
        assert_eq!(rows.len(), 100);
        assert!(rows.iter().all(|x| x.status == "finished"));
        let mut seeds: Vec<u64> = rows.iter().filter_map(|x| x.seed).collect();
        seeds.sort_unstable();
        let expect: Vec<u64> = (0..50).chain(100..150).collect();
        assert_eq!(seeds, expect);
    }

    #[test]
    fn sha256_vectors() {
        // FIPS 180-4 examples (NIST CSRC) and the empty message.
        assert_eq!(
            content_hash(b""),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
        assert_eq!(
            content_hash(b"abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        assert_eq!(
            content_hash(b"abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"
        );
        assert_eq!(
            content_hash(
                b"abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu"
            ),
            "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1"
        );
        assert_eq!(
            content_hash(&vec![b'a'; 1_000_000]),
            "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0"
        );
    }

    #[test]
    fn sha256_constants_from_their_definition() {
        let primes: Vec<u32> = (2u32..)
            .filter(|n| (2..*n).take_while(|d| d * d <= *n).all(|d| n % d != 0))
            .take(64)
            .collect();
        let frac32 = |x: f64| ((x - x.floor()) * 4_294_967_296.0) as u32;
        for (i, p) in primes.iter().enumerate() {
            assert_eq!(K[i], frac32(f64::from(*p).cbrt()), "K[{i}]");
        }
        for (i, p) in primes.iter().take(8).enumerate() {
            assert_eq!(H0[i], frac32(f64::from(*p).sqrt()), "H0[{i}]");
        }
    }

    #[test]
    fn timestamps() {
        assert_eq!(rfc3339(0), "1970-01-01T00:00:00Z");
        assert_eq!(rfc3339(951_782_400), "2000-02-29T00:00:00Z");
        assert_eq!(rfc3339(1_000_000_000), "2001-09-09T01:46:40Z");
        assert_eq!(rfc3339(-1), "1969-12-31T23:59:59Z");
        assert_eq!(rfc3339(1_709_251_199), "2024-02-29T23:59:59Z");
        assert_eq!(rfc3339(253_402_300_799), "9999-12-31T23:59:59Z");
        assert_eq!(parse_rfc3339("2000-02-29T00:00:00Z"), Some(951_782_400));
        assert_eq!(parse_rfc3339("1900-02-29T00:00:00Z"), None);
        assert_eq!(parse_rfc3339("2000-02-29 00:00:00Z"), None);
        assert_eq!(parse_rfc3339("2000-02-29T24:00:00Z"), None);
        assert_eq!(parse_rfc3339("+000-02-29T00:00:00Z"), None);
        // Every day from 1800 to 2200, and a second either side of midnight.
        let mut prev: Option<(i64, i64, i64)> = None;
        for day in -62_091..84_006 {
            let (y, m, d) = civil_from_days(day);
            assert_eq!(days_from_civil(y, m, d), day);
            if let Some((py, pm, pd)) = prev {
                let next_day = d == pd + 1 && m == pm && y == py;
                let next_month = d == 1 && pd == days_in_month(py, pm) && m == pm % 12 + 1;
                assert!(next_day || next_month, "{py}-{pm}-{pd} -> {y}-{m}-{d}");
            }
            prev = Some((y, m, d));
            for s in [day * 86_400 - 1, day * 86_400] {
                assert_eq!(parse_rfc3339(&rfc3339(s)), Some(s));
            }
        }
        let now = now_rfc3339();
        assert!(parse_rfc3339(&now).unwrap() > 1_700_000_000, "{now}");
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
    fn mountinfo() {
        let m = "\
22 1 8:1 / / rw,relatime shared:1 - ext4 /dev/sda1 rw
40 22 0:35 / /home rw,relatime shared:20 - nfs4 server:/home rw,vers=4.2
41 40 0:36 / /home/u/local\\040disk rw - xfs /dev/sdb1 rw
42 22 0:37 / /tmp rw - tmpfs tmpfs rw
";
        let t = |p: &str| fs_type_of(m, Path::new(p));
        assert_eq!(t("/home/u/.local/share/detente").as_deref(), Some("nfs4"));
        assert_eq!(t("/home/u/local disk/x").as_deref(), Some("xfs"));
        assert_eq!(t("/tmp/x").as_deref(), Some("tmpfs"));
        assert_eq!(t("/tmpx").as_deref(), Some("ext4"));
        assert_eq!(t("/var").as_deref(), Some("ext4"));
        assert!(is_network_fs_type("nfs4") && is_network_fs_type("lustre"));
        assert!(!is_network_fs_type("ext4") && !is_network_fs_type("tmpfs"));
        assert_eq!(unescape_mount(r"a\040b\134c\0"), r"a b\c\0");
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
