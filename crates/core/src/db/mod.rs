//! The local cache: a SQLite database in the app data folder (`tasks.sqlite3`) holding the
//! watched addresses, network overrides, and the deals and tasks found, so the task list shows
//! at once at start and refreshes incrementally. It holds no secret: ids, statuses, paths.
//!
//! Schema changes are numbered migrations applied in order inside one transaction each, the
//! number kept in SQLite's `user_version` (a newer database than this build refuses to open
//! rather than be damaged).

mod migrations;
pub mod results;
pub mod tasks;
pub mod watched;

use std::path::Path;

use rusqlite::Connection;

use crate::error::{Error, ErrorKind, Result};

/// File name of the database inside the data folder.
pub const FILE_NAME: &str = "tasks.sqlite3";

/// An open cache database.
pub struct Db {
    conn: Connection,
}

pub(crate) fn db_error(e: rusqlite::Error) -> Error {
    Error::new(
        ErrorKind::Io,
        format!("The task cache could not be read or written ({e})."),
        "Check the disk. The cache holds nothing that cannot be found again: deleting tasks.sqlite3 in the data folder rebuilds it at the next refresh.",
    )
}

impl Db {
    /// Opens (creating if needed) the database at `path` and brings its schema up to date.
    ///
    /// Errors: `io` (cannot open, a database from a newer version, a failed migration).
    pub fn open(path: &Path) -> Result<Self> {
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(|e| Error::io("create", parent, &e))?;
        }
        let conn = Connection::open(path).map_err(db_error)?;
        Self::setup(conn)
    }

    /// An in-memory database (tests, one-shot CLI use).
    pub fn open_in_memory() -> Result<Self> {
        Self::setup(Connection::open_in_memory().map_err(db_error)?)
    }

    fn setup(mut conn: Connection) -> Result<Self> {
        // WAL: readers (the list) are not blocked by a refresh writing; NORMAL sync is safe in WAL.
        conn.pragma_update(None, "journal_mode", "WAL").map_err(db_error)?;
        conn.pragma_update(None, "synchronous", "NORMAL").map_err(db_error)?;
        conn.pragma_update(None, "foreign_keys", "ON").map_err(db_error)?;
        conn.busy_timeout(std::time::Duration::from_secs(5)).map_err(db_error)?;
        migrations::apply(&mut conn)?;
        Ok(Db { conn })
    }

    /// The schema version (number of migrations applied).
    pub fn schema_version(&self) -> Result<u32> {
        self.conn.pragma_query_value(None, "user_version", |r| r.get(0)).map_err(db_error)
    }
}
