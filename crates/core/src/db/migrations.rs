//! Numbered schema migrations. Append only: a released migration is never edited.

use rusqlite::Connection;

use super::db_error;
use crate::error::{Error, ErrorKind, Result};

/// Migration `i` brings the schema from version `i` to `i + 1`.
const MIGRATIONS: &[&str] = &[
    // 1: watched addresses, network overrides, deals and tasks.
    "CREATE TABLE watched (
        network TEXT NOT NULL,
        address TEXT NOT NULL,          -- EIP-55 checksummed
        label TEXT NOT NULL DEFAULT '',
        added INTEGER NOT NULL,         -- unix seconds
        last_refresh INTEGER,           -- unix seconds of the last successful refresh
        last_source TEXT,               -- 'subgraph' | 'market'
        PRIMARY KEY (network, address)
    );
    CREATE TABLE networks (
        name TEXT PRIMARY KEY,
        json TEXT NOT NULL              -- a chain::Network, checked against its RPC when saved
    );
    CREATE TABLE deals (
        network TEXT NOT NULL,
        deal_id TEXT NOT NULL,          -- 0x + 64 lowercase hex
        beneficiary TEXT NOT NULL,      -- lowercase, for matching
        requester TEXT NOT NULL,
        app TEXT NOT NULL,
        app_name TEXT,
        callback TEXT NOT NULL,
        params TEXT NOT NULL,
        start_time INTEGER NOT NULL,
        bot_first INTEGER NOT NULL,
        bot_size INTEGER NOT NULL,
        category INTEGER NOT NULL,
        source TEXT NOT NULL,
        PRIMARY KEY (network, deal_id)
    );
    CREATE INDEX deals_by_beneficiary ON deals (network, beneficiary, start_time DESC);
    CREATE TABLE tasks (
        network TEXT NOT NULL,
        task_id TEXT NOT NULL,
        deal_id TEXT NOT NULL,
        idx INTEGER NOT NULL,
        status TEXT NOT NULL,           -- TaskStatus as stored (timeout derived when read)
        status_code INTEGER NOT NULL,   -- 0..4 as on chain
        final_deadline INTEGER NOT NULL,
        result_digest TEXT,
        results_raw TEXT NOT NULL DEFAULT '',
        confirmed_at INTEGER,           -- unix seconds of the last viewTask
        vault_state TEXT NOT NULL DEFAULT 'not_downloaded',
        archive_path TEXT,
        output_path TEXT,
        verification TEXT,              -- JSON of verify::Verification
        downloaded_bytes INTEGER NOT NULL DEFAULT 0,
        total_bytes INTEGER NOT NULL DEFAULT 0,
        PRIMARY KEY (network, task_id),
        FOREIGN KEY (network, deal_id) REFERENCES deals (network, deal_id) ON DELETE CASCADE
    );
    CREATE INDEX tasks_by_deal ON tasks (network, deal_id, idx);",
    // 2: the results library: every result this vault opened (from a task, a dropped file or
    // the CLI), newest first. Paths and facts only, no content.
    "CREATE TABLE results (
        id INTEGER PRIMARY KEY,
        opened_at INTEGER NOT NULL,     -- unix seconds
        source TEXT NOT NULL,           -- 'task' | 'file' | 'cli'
        network TEXT,                   -- for a task
        task_id TEXT,                   -- for a task
        app TEXT,                       -- the app's name or address, for a task
        archive_path TEXT NOT NULL,
        output_path TEXT NOT NULL,      -- the folder (or zip) of the decrypted files
        size INTEGER NOT NULL,          -- bytes of the result's files
        file_count INTEGER NOT NULL,
        status TEXT NOT NULL,           -- OpenStatus: 'decrypted' | 'not_encrypted'
        key_fingerprint TEXT,
        key_label TEXT,
        verification TEXT NOT NULL      -- JSON of verify::Verification
    );
    CREATE INDEX results_by_time ON results (opened_at DESC);",
];

/// Applies the migrations this database lacks, each in its own transaction.
pub fn apply(conn: &mut Connection) -> Result<()> {
    let current: u32 = conn.pragma_query_value(None, "user_version", |r| r.get(0)).map_err(db_error)?;
    let known = MIGRATIONS.len() as u32;
    if current > known {
        return Err(Error::new(
            ErrorKind::Io,
            format!("The task cache was written by a newer Result Vault (schema {current}, this one knows {known})."),
            "Update Result Vault, or delete tasks.sqlite3 in the data folder to rebuild the cache.",
        ));
    }
    for (i, sql) in MIGRATIONS.iter().enumerate().skip(current as usize) {
        let tx = conn.transaction().map_err(db_error)?;
        tx.execute_batch(sql).map_err(db_error)?;
        tx.pragma_update(None, "user_version", i as u32 + 1).map_err(db_error)?;
        tx.commit().map_err(db_error)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::Db;

    #[test]
    fn migrations_apply_once_and_a_newer_schema_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t.sqlite3");
        assert_eq!(Db::open(&path).unwrap().schema_version().unwrap(), MIGRATIONS.len() as u32);
        // Reopening applies nothing twice (a CREATE TABLE would fail).
        assert_eq!(Db::open(&path).unwrap().schema_version().unwrap(), MIGRATIONS.len() as u32);
        let conn = Connection::open(&path).unwrap();
        conn.pragma_update(None, "user_version", 99).unwrap();
        drop(conn);
        let e = Db::open(&path).err().unwrap();
        assert_eq!(e.kind, ErrorKind::Io);
        assert!(e.message.contains("newer"));
    }
}
