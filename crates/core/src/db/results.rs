//! The results library: every result this vault opened, newest first (table `results`,
//! migration 2). It is read at start from the database alone, so the Results screen shows at
//! once; whether the files are still there is checked by the engine when it lists them.

use rusqlite::{params, Row};
use serde::{Deserialize, Serialize};

use super::{db_error, Db};
use crate::error::{Error, Result};
use crate::verify::Verification;

/// Where a result in the library came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum ResultSource {
    /// Fetched for a task (its digest on chain is known).
    Task,
    /// A file dropped on or opened in the app.
    File,
    /// Opened by the command line.
    Cli,
}

impl ResultSource {
    fn as_str(self) -> &'static str {
        match self {
            ResultSource::Task => "task",
            ResultSource::File => "file",
            ResultSource::Cli => "cli",
        }
    }

    fn parse(s: &str) -> Self {
        match s {
            "task" => ResultSource::Task,
            "cli" => ResultSource::Cli,
            _ => ResultSource::File,
        }
    }
}

/// What the library records of a result: the record of an entry to add, and of an entry read
/// back ([`LibraryEntry`], with its id).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ResultRecord {
    /// When it was opened, Unix seconds.
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub opened_at: u64,
    /// Where it came from.
    pub source: ResultSource,
    /// The task's network, for a task.
    pub network: Option<String>,
    /// The task id (`0x` + 64 hex), for a task.
    pub task_id: Option<String>,
    /// The app's name, or its address, for a task.
    pub app: Option<String>,
    /// The result archive (absolute).
    pub archive_path: String,
    /// What was written: a folder of the decrypted files, or a zip (absolute).
    pub output_path: String,
    /// Bytes of the result's files.
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub size: u64,
    /// How many files.
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub file_count: u64,
    /// Whether it was encrypted (false: a plain result; see `archive::OpenStatus`).
    pub encrypted: bool,
    /// The key that opened it (64 hex).
    pub key_fingerprint: Option<String>,
    /// Its label.
    pub key_label: Option<String>,
    /// The verification against the result digest on chain (not verifiable, with the reason,
    /// for a dropped file).
    pub verification: Verification,
}

/// A result of the library, as stored: its id and its record (one flat object over IPC).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct LibraryEntry {
    /// Its id in the library.
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub id: i64,
    /// What was recorded.
    #[serde(flatten)]
    pub record: ResultRecord,
}

const SELECT: &str = "SELECT id, opened_at, source, network, task_id, app, archive_path, output_path, size,
    file_count, status, key_fingerprint, key_label, verification FROM results";

fn entry(r: &Row<'_>) -> rusqlite::Result<LibraryEntry> {
    let verification: String = r.get(13)?;
    let verification = serde_json::from_str(&verification)
        .map_err(|e| rusqlite::Error::FromSqlConversionFailure(13, rusqlite::types::Type::Text, Box::new(e)))?;
    let record = ResultRecord {
        opened_at: r.get::<_, i64>(1)?.max(0) as u64,
        source: ResultSource::parse(&r.get::<_, String>(2)?),
        network: r.get(3)?,
        task_id: r.get(4)?,
        app: r.get(5)?,
        archive_path: r.get(6)?,
        output_path: r.get(7)?,
        size: r.get::<_, i64>(8)?.max(0) as u64,
        file_count: r.get::<_, i64>(9)?.max(0) as u64,
        encrypted: r.get::<_, String>(10)? == "decrypted",
        key_fingerprint: r.get(11)?,
        key_label: r.get(12)?,
        verification,
    };
    Ok(LibraryEntry { id: r.get(0)?, record })
}

impl Db {
    /// Adds a result to the library; returns its id.
    ///
    /// Errors: `io`.
    pub fn add_result(&self, e: &ResultRecord) -> Result<i64> {
        let v = serde_json::to_string(&e.verification).map_err(|e| Error::internal(e.to_string()))?;
        self.conn
            .execute(
                "INSERT INTO results (opened_at, source, network, task_id, app, archive_path, output_path, size,
                    file_count, status, key_fingerprint, key_label, verification)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
                params![
                    e.opened_at as i64,
                    e.source.as_str(),
                    e.network,
                    e.task_id,
                    e.app,
                    e.archive_path,
                    e.output_path,
                    e.size as i64,
                    e.file_count as i64,
                    if e.encrypted { "decrypted" } else { "not_encrypted" },
                    e.key_fingerprint,
                    e.key_label,
                    v
                ],
            )
            .map_err(db_error)?;
        Ok(self.conn.last_insert_rowid())
    }

    /// The library, newest first; `query` (case-insensitive) keeps the results whose app, task
    /// id, network, key label or paths contain it.
    ///
    /// Errors: `io`.
    pub fn results(&self, query: Option<&str>) -> Result<Vec<LibraryEntry>> {
        let q = query.map(str::trim).filter(|q| !q.is_empty()).map(|q| format!("%{}%", q.replace(['%', '_'], "")));
        let sql = format!(
            "{SELECT} WHERE ?1 IS NULL OR app LIKE ?1 OR task_id LIKE ?1 OR network LIKE ?1 OR key_label LIKE ?1
                OR archive_path LIKE ?1 OR output_path LIKE ?1
             ORDER BY opened_at DESC, id DESC"
        );
        let mut stmt = self.conn.prepare(&sql).map_err(db_error)?;
        let rows = stmt.query_map(params![q], entry).map_err(db_error)?;
        rows.collect::<rusqlite::Result<Vec<_>>>().map_err(db_error)
    }

    /// One result of the library.
    ///
    /// Errors: `io`.
    pub fn result(&self, id: i64) -> Result<Option<LibraryEntry>> {
        let mut stmt = self.conn.prepare(&format!("{SELECT} WHERE id = ?1")).map_err(db_error)?;
        let mut rows = stmt.query_map(params![id], entry).map_err(db_error)?;
        rows.next().transpose().map_err(db_error)
    }

    /// Removes a result from the library (its files are the caller's business).
    ///
    /// Errors: `io`.
    pub fn remove_result(&self, id: i64) -> Result<()> {
        self.conn.execute("DELETE FROM results WHERE id = ?1", params![id]).map_err(db_error)?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::verify::VerificationStatus;

    fn new(at: u64, app: &str) -> ResultRecord {
        ResultRecord {
            opened_at: at,
            source: ResultSource::Task,
            network: Some("bellecour".into()),
            task_id: Some(format!("0x{}", "ab".repeat(32))),
            app: Some(app.into()),
            archive_path: "/d/a.zip".into(),
            output_path: format!("/r/{app}"),
            size: 42,
            file_count: 2,
            encrypted: true,
            key_fingerprint: Some("cd".repeat(32)),
            key_label: Some("Laptop".into()),
            verification: Verification {
                status: VerificationStatus::Verified,
                expected: None,
                computed: None,
                reason: None,
                deterministic_output_path: None,
            },
        }
    }

    #[test]
    fn the_library_lists_newest_first_searches_and_removes() {
        let db = Db::open_in_memory().unwrap();
        let a = db.add_result(&new(100, "weather")).unwrap();
        let b = db.add_result(&new(200, "Stable Diffusion")).unwrap();
        let all = db.results(None).unwrap();
        assert_eq!(all.iter().map(|e| e.id).collect::<Vec<_>>(), vec![b, a]);
        assert_eq!(all[0].record.verification.status, VerificationStatus::Verified);
        assert_eq!(all[0].record.size, 42);
        assert!(all[0].record.encrypted);
        assert_eq!(db.results(Some("stable")).unwrap().len(), 1);
        assert_eq!(db.results(Some("laptop")).unwrap().len(), 2);
        assert_eq!(db.results(Some("%")).unwrap().len(), 2, "wildcards are text, not patterns");
        assert!(db.results(Some("nothing")).unwrap().is_empty());
        db.remove_result(a).unwrap();
        assert!(db.result(a).unwrap().is_none());
        assert_eq!(db.result(b).unwrap().unwrap().record.app.as_deref(), Some("Stable Diffusion"));
    }
}
