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
//! # Off
//!
//! [`recording_from_env`] reads `DETENTE_RECORD` (`off` turns recording off for a run, an
//! unknown value is an error); a caller that is told not to record opens nothing here, so no
//! directory or database is created.
//!
//! # Use
//!
//! ```ignore
//! use detente_store::records::{NewRun, Records, RunKind};
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
use std::time::Duration;

use rusqlite::{Connection, OptionalExtension, TransactionBehavior, params};
use serde::Serialize;

/// The database file's name inside the data directory.
pub const DB_FILE: &str = "runs.sqlite";

/// The environment variable that overrides the data directory.
pub const DATA_DIR_ENV: &str = "DETENTE_DATA_DIR";

/// The environment variable that turns the run records off (`off`) or on (`on`, the default).
pub const RECORD_ENV: &str = "DETENTE_RECORD";

/// Whether runs are recorded, by `DETENTE_RECORD`: unset, empty, `on`, `1`, `yes` or `true`
/// (any case) record; `off`, `0`, `no` or `false` do not; anything else is an error naming the
/// variable, so that a typo never silently writes to (or skips) the records.
pub fn recording_from_env() -> Result<bool, RecordsError> {
    recording_from(std::env::var_os(RECORD_ENV))
}

fn recording_from(value: Option<std::ffi::OsString>) -> Result<bool, RecordsError> {
    let Some(value) = value else { return Ok(true) };
    let text = value.to_string_lossy();
    match text.trim().to_ascii_lowercase().as_str() {
        "" | "on" | "1" | "yes" | "true" => Ok(true),
        "off" | "0" | "no" | "false" => Ok(false),
        _ => Err(RecordsError::BadSwitch {
            value: text.into_owned(),
        }),
    }
}

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
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum RecordsError {
    /// No `DETENTE_DATA_DIR` and no home directory to put the data directory in.
    #[error(
        "cannot find a data directory for the run records (no home directory, and \
         {DATA_DIR_ENV} is not set)"
    )]
    NoDataDir,
    /// `DETENTE_RECORD` holds a value that is neither on nor off.
    #[error("{RECORD_ENV} is `{value}`, which is neither on nor off")]
    BadSwitch {
        /// The value found (lossily, if it is not UTF-8).
        value: String,
    },
    /// The data directory could not be created.
    #[error("cannot create the run records directory {}: {source}", dir.display())]
    CreateDir {
        /// The directory.
        dir: PathBuf,
        /// Why.
        #[source]
        source: std::io::Error,
    },
    /// The database could not be opened (or is not a database).
    #[error("cannot open the run records database {}: {source}", path.display())]
    Open {
        /// The database file.
        path: PathBuf,
        /// SQLite's reason.
        #[source]
        source: rusqlite::Error,
    },
    /// The database was written by a newer detente with a schema this one does not know.
    #[error(
        "the run records database {} was written by a newer detente (schema version \
         {found}; this detente {} knows versions up to {known})",
        path.display(),
        env!("CARGO_PKG_VERSION")
    )]
    TooNew {
        /// The database file.
        path: PathBuf,
        /// Its schema version.
        found: i64,
        /// The newest version this build knows.
        known: i64,
    },
    /// No run has this id.
    #[error("no recorded run has id {0}")]
    NoSuchRun(i64),
    /// A statement failed.
    #[error("cannot {action} in {}: {source}", path.display())]
    Sql {
        /// The database file.
        path: PathBuf,
        /// What was being done, e.g. `record the start of a run`.
        action: &'static str,
        /// SQLite's reason.
        #[source]
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
            RecordsError::BadSwitch { .. } => format!(
                "set {RECORD_ENV} to `off` (or `0`, `no`, `false`) to run without a record, \
                 `on` (or `1`, `yes`, `true`) or nothing to record"
            ),
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

// ---------------------------------------------------------------------------------------------
// Runs

/// The recorded commands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RunKind {
    /// `detente explore`.
    Explore,
    /// `detente sensitivity`.
    Sensitivity,
    /// `detente discover`.
    Discover,
    /// `detente compare`.
    Compare,
}

impl RunKind {
    /// The command's name, as stored in the `command` column.
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
    /// The command.
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
    /// The run's id, never reused.
    pub id: i64,
    /// The command, e.g. `explore`.
    pub command: String,
    /// The full command line, program name first.
    pub argv: Vec<String>,
    /// The working directory of the run.
    pub cwd: Option<String>,
    /// The scenario file, absolute.
    pub scenario_path: String,
    /// SHA-256 of the scenario file's bytes, lowercase hex.
    pub scenario_sha256: String,
    /// The seed, if the command takes one.
    pub seed: Option<u64>,
    /// detente's version.
    pub version: String,
    /// When the run started, RFC 3339 UTC.
    pub started: String,
    /// When it finished or failed; `None` while running.
    pub finished: Option<String>,
    /// `running`, `finished` or `failed`.
    pub status: String,
    /// The summary the run printed as JSON, set when it finished.
    pub summary: Option<serde_json::Value>,
    /// Why it failed.
    pub error: Option<String>,
    /// The results file it wrote, absolute.
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
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The journal mode in use, lowercase: `wal`, or `delete` on a network file system.
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
// Time

/// Now, as RFC 3339 UTC in whole seconds.
pub fn now_rfc3339() -> String {
    rfc3339(jiff::Timestamp::now().as_second())
}

/// 1970-01-01T00:00:00, UTC. Civil times, not `jiff::Timestamp`, whose range stops a day
/// short of 9999-12-31 (it leaves room for any offset) while the records are all UTC.
const EPOCH: jiff::civil::DateTime = jiff::civil::DateTime::constant(1970, 1, 1, 0, 0, 0, 0);

/// Seconds since 1970-01-01T00:00:00Z as RFC 3339 UTC: `2000-02-29T00:00:00Z`. Seconds
/// beyond the years -9999..=9999 are clamped to them.
pub fn rfc3339(unix_secs: i64) -> String {
    let t = EPOCH
        .checked_add(jiff::SignedDuration::from_secs(unix_secs))
        .unwrap_or(if unix_secs < 0 {
            jiff::civil::DateTime::MIN
        } else {
            jiff::civil::DateTime::MAX
        });
    // One fixed form: formatted by hand, which keeps jiff's strftime out of the binary.
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z",
        t.year(),
        t.month(),
        t.day(),
        t.hour(),
        t.minute(),
        t.second()
    )
}

/// The inverse of [`rfc3339`] (exactly that form: `YYYY-MM-DDTHH:MM:SSZ`, four-digit year).
pub fn parse_rfc3339(s: &str) -> Option<i64> {
    let b = s.as_bytes();
    if b.len() != 20 || b[4] != b'-' || b[7] != b'-' || b[10] != b'T' || b[13] != b':' {
        return None;
    }
    if b[16] != b':' || b[19] != b'Z' {
        return None;
    }
    let num = |r: std::ops::Range<usize>| -> Option<i16> {
        let t = s.get(r)?;
        t.bytes()
            .all(|c| c.is_ascii_digit())
            .then(|| t.parse().ok())?
    };
    let small = |r| num(r).and_then(|n| i8::try_from(n).ok());
    // jiff checks the calendar: the month's length, leap years, 00..=59 seconds.
    let t = jiff::civil::DateTime::new(
        num(0..4)?,
        small(5..7)?,
        small(8..10)?,
        small(11..13)?,
        small(14..16)?,
        small(17..19)?,
        0,
    )
    .ok()?;
    Some(t.duration_since(EPOCH).as_secs())
}

// ---------------------------------------------------------------------------------------------
// SHA-256

/// SHA-256 of `bytes`, as 64 lowercase hex digits (the form `sha256sum` prints).
pub fn content_hash(bytes: &[u8]) -> String {
    use sha2::Digest as _;
    use std::fmt::Write as _;
    let digest = sha2::Sha256::digest(bytes);
    let mut hex = String::with_capacity(64);
    for b in digest {
        let _ = write!(hex, "{b:02x}");
    }
    hex
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
    fn recording_switch() {
        let on = |v: &str| recording_from(Some(v.into()));
        assert!(recording_from(None).unwrap());
        for v in ["", "on", "ON", "1", "yes", "true", " on "] {
            assert!(on(v).unwrap(), "{v}");
        }
        for v in ["off", "Off", "0", "no", "false"] {
            assert!(!on(v).unwrap(), "{v}");
        }
        let e = on("of").unwrap_err();
        assert_eq!(
            e.to_string(),
            "DETENTE_RECORD is `of`, which is neither on nor off"
        );
        assert!(e.help().contains("`off`"));
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
        // Every day from 1800 to 2200, a second either side of midnight.
        for day in -62_091..84_006 {
            for s in [day * 86_400 - 1, day * 86_400] {
                assert_eq!(parse_rfc3339(&rfc3339(s)), Some(s));
            }
        }
        assert_eq!(parse_rfc3339("2000-02-29T00:00:60Z"), None);
        let now = now_rfc3339();
        assert!(parse_rfc3339(&now).unwrap() > 1_700_000_000, "{now}");
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
}
