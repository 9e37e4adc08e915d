//! Deals and tasks in the cache, and the rows the task list shows.

use alloy_primitives::{B256, U256};
use rusqlite::{params, OptionalExtension, Row};
use serde::{Deserialize, Serialize};

use super::{db_error, Db};
use crate::chain::abi;
use crate::chain::address::checksummed;
use crate::chain::{task_id, ChainTask, ResultLocation, TaskStatus};
use crate::error::{Error, Result};
use crate::index::{params_ask_encryption, DealSource, IndexedDeal};
use crate::verify::Verification;

/// Where a task's result stands in this vault (the task list's "vault" column).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum ResultState {
    /// Nothing downloaded yet.
    NotDownloaded,
    /// A download is running (live progress comes over its channel).
    Downloading,
    /// A download stopped part way (cut, cancelled, app closed); it resumes from `downloaded_bytes`.
    Partial,
    /// The archive is here, not opened yet.
    Downloaded,
    /// Decrypted; not compared with the chain (or not comparable).
    Decrypted,
    /// Encrypted for a key this vault does not hold.
    NeedsKey,
    /// A plain result (the deal did not ask for encryption).
    NotEncrypted,
    /// Decrypted (or plain) and its digest equals the one on chain.
    Verified,
    /// Its digest differs from the one on chain: do not trust it.
    Mismatch,
}

impl ResultState {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            ResultState::NotDownloaded => "not_downloaded",
            ResultState::Downloading => "downloading",
            ResultState::Partial => "partial",
            ResultState::Downloaded => "downloaded",
            ResultState::Decrypted => "decrypted",
            ResultState::NeedsKey => "needs_key",
            ResultState::NotEncrypted => "not_encrypted",
            ResultState::Verified => "verified",
            ResultState::Mismatch => "mismatch",
        }
    }

    /// From the stored name (unknown names read as not downloaded).
    pub fn parse(s: &str) -> Self {
        match s {
            "downloading" => ResultState::Downloading,
            "partial" => ResultState::Partial,
            "downloaded" => ResultState::Downloaded,
            "decrypted" => ResultState::Decrypted,
            "needs_key" => ResultState::NeedsKey,
            "not_encrypted" => ResultState::NotEncrypted,
            "verified" => ResultState::Verified,
            "mismatch" => ResultState::Mismatch,
            _ => ResultState::NotDownloaded,
        }
    }
}

/// One row of the task list: the task, its deal, and its state in this vault. Ids lowercase
/// `0x` hex, addresses checksummed, times unix seconds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct TaskRow {
    /// Network name.
    pub network: String,
    /// Task id.
    pub task_id: String,
    /// Deal id.
    pub deal_id: String,
    /// Index in the deal.
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub idx: u64,
    /// The deal's beneficiary.
    pub beneficiary: String,
    /// Who paid.
    pub requester: String,
    /// App address.
    pub app: String,
    /// App name, when an index knows it.
    pub app_name: Option<String>,
    /// The deal's `params`.
    pub params: String,
    /// Whether the deal asked for encrypted results; `None` for legacy non-JSON params.
    pub encrypted: Option<bool>,
    /// The deal's start (unix seconds).
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub start_time: u64,
    /// Unix seconds.
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub final_deadline: u64,
    /// State, TIMEOUT derived at listing time; `unset` = not started.
    pub status: TaskStatus,
    /// Where the result is.
    pub result: ResultLocation,
    /// The raw `results` text, for the details pane.
    pub results_raw: String,
    /// What the enclave attested, when revealed.
    pub result_digest: Option<String>,
    /// Which index found the deal.
    pub source: DealSource,
    /// When the chain last confirmed this task (unix seconds).
    #[cfg_attr(feature = "ts", ts(type = "number | null"))]
    pub confirmed_at: Option<u64>,
    /// Where the result stands in this vault.
    pub vault: ResultState,
    /// The downloaded archive, when kept.
    pub archive_path: Option<String>,
    /// The decrypted folder, when opened.
    pub output_path: Option<String>,
    /// The last verification against the chain.
    pub verification: Option<Verification>,
    /// Bytes downloaded so far (for a partial download).
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub downloaded_bytes: u64,
    /// Size of the archive when known (0 otherwise).
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub total_bytes: u64,
}

fn status_name(s: TaskStatus) -> &'static str {
    match s {
        TaskStatus::Unset => "unset",
        TaskStatus::Active => "active",
        TaskStatus::Revealing => "revealing",
        TaskStatus::Completed => "completed",
        TaskStatus::Failed => "failed",
        TaskStatus::Timeout => "timeout",
    }
}

fn status_code(s: TaskStatus) -> u8 {
    match s {
        TaskStatus::Unset => 0,
        TaskStatus::Active | TaskStatus::Timeout => 1,
        TaskStatus::Revealing => 2,
        TaskStatus::Completed => 3,
        TaskStatus::Failed => 4,
    }
}

const ROW_SELECT: &str = "SELECT t.network, t.task_id, t.deal_id, t.idx, d.beneficiary, d.requester, d.app, d.app_name,
    d.params, d.start_time, t.final_deadline, t.status_code, t.results_raw, t.result_digest, d.source,
    t.confirmed_at, t.vault_state, t.archive_path, t.output_path, t.verification, t.downloaded_bytes, t.total_bytes
    FROM tasks t JOIN deals d ON d.network = t.network AND d.deal_id = t.deal_id";

fn address_of(s: String) -> String {
    s.parse::<alloy_primitives::Address>().map(|a| checksummed(&a)).unwrap_or(s)
}

fn row(r: &Row<'_>, now: u64) -> rusqlite::Result<TaskRow> {
    let params: String = r.get(8)?;
    let final_deadline = r.get::<_, i64>(10)? as u64;
    let code: u8 = r.get(11)?;
    let results_raw: String = r.get(12)?;
    let verification: Option<String> = r.get(19)?;
    Ok(TaskRow {
        network: r.get(0)?,
        task_id: r.get(1)?,
        deal_id: r.get(2)?,
        idx: r.get::<_, i64>(3)? as u64,
        beneficiary: address_of(r.get(4)?),
        requester: address_of(r.get(5)?),
        app: address_of(r.get(6)?),
        app_name: r.get(7)?,
        encrypted: params_ask_encryption(&params),
        params,
        start_time: r.get::<_, i64>(9)? as u64,
        final_deadline,
        status: TaskStatus::derive(code, final_deadline, now),
        result: ResultLocation::parse(results_raw.as_bytes()),
        results_raw,
        result_digest: r.get(13)?,
        source: DealSource::parse(&r.get::<_, String>(14)?),
        confirmed_at: r.get::<_, Option<i64>>(15)?.map(|v| v as u64),
        vault: ResultState::parse(&r.get::<_, String>(16)?),
        archive_path: r.get(17)?,
        output_path: r.get(18)?,
        verification: verification.and_then(|v| serde_json::from_str(&v).ok()),
        downloaded_bytes: r.get::<_, i64>(20)? as u64,
        total_bytes: r.get::<_, i64>(21)? as u64,
    })
}

/// Counts from storing an index's answer.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct StoreCounts {
    /// Deals not in the cache before.
    pub new_deals: usize,
    /// Tasks not in the cache before.
    pub new_tasks: usize,
}

impl Db {
    /// Stores deals found by an index, with every task of each deal: those the index knows with
    /// its status, the others computed from `botFirst`/`botSize` as not started. A task the chain
    /// confirmed keeps the chain's status unless the index reports a later stage.
    pub fn store_index(&mut self, network: &str, deals: &[IndexedDeal], source: DealSource) -> Result<StoreCounts> {
        let tx = self.conn.transaction().map_err(db_error)?;
        let mut counts = StoreCounts::default();
        {
            let mut deal_stmt = tx
                .prepare_cached(
                    "INSERT INTO deals (network, deal_id, beneficiary, requester, app, app_name, callback, params,
                        start_time, bot_first, bot_size, category, source)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)
                     ON CONFLICT (network, deal_id) DO UPDATE SET app_name = excluded.app_name
                     WHERE excluded.app_name IS NOT NULL AND app_name IS NOT excluded.app_name",
                )
                .map_err(db_error)?;
            let mut task_stmt = tx
                .prepare_cached(
                    "INSERT INTO tasks (network, task_id, deal_id, idx, status, status_code, final_deadline,
                        result_digest, results_raw)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)
                     ON CONFLICT (network, task_id) DO UPDATE SET
                        status = excluded.status, status_code = excluded.status_code,
                        final_deadline = excluded.final_deadline,
                        result_digest = COALESCE(excluded.result_digest, result_digest),
                        results_raw = CASE WHEN excluded.results_raw = '' THEN results_raw ELSE excluded.results_raw END
                     WHERE (confirmed_at IS NULL OR excluded.status_code > status_code)
                        -- Unchanged rows are not written: a watch check that finds nothing new
                        -- then writes nothing (and the commit has nothing to flush).
                        AND (status IS NOT excluded.status OR status_code IS NOT excluded.status_code
                            OR final_deadline IS NOT excluded.final_deadline
                            OR (excluded.result_digest IS NOT NULL AND result_digest IS NOT excluded.result_digest)
                            OR (excluded.results_raw <> '' AND results_raw IS NOT excluded.results_raw))",
                )
                .map_err(db_error)?;
            let mut exists =
                tx.prepare_cached("SELECT 1 FROM tasks WHERE network = ?1 AND task_id = ?2").map_err(db_error)?;
            for d in deals {
                let inserted = deal_stmt
                    .execute(params![
                        network,
                        d.deal_id,
                        d.beneficiary.to_ascii_lowercase(),
                        d.requester,
                        d.app,
                        d.app_name,
                        d.callback,
                        d.params,
                        d.start_time as i64,
                        d.bot_first as i64,
                        d.bot_size as i64,
                        d.category as i64,
                        source.as_str()
                    ])
                    .map_err(db_error)?;
                // An upsert reports 1 either way; a new deal is one whose tasks are all new.
                let _ = inserted;
                let Ok(deal) = d.deal_id.parse::<B256>() else { continue };
                let mut deal_is_new = true;
                // Bound the computed range: a deal has at most a few thousand tasks in practice.
                let size = d.bot_size.min(10_000);
                for idx in d.bot_first..d.bot_first.saturating_add(size) {
                    let tid = d
                        .tasks
                        .iter()
                        .find(|t| t.idx == idx)
                        .map(|t| t.task_id.clone())
                        .unwrap_or_else(|| task_id(deal, U256::from(idx)).to_string());
                    let known = exists.exists(params![network, tid]).map_err(db_error)?;
                    if known {
                        deal_is_new = false;
                    } else {
                        counts.new_tasks += 1;
                    }
                    let indexed = d.tasks.iter().find(|t| t.idx == idx);
                    let status = indexed.map_or(TaskStatus::Unset, |t| t.status);
                    if known && indexed.is_none() {
                        continue;
                    }
                    task_stmt
                        .execute(params![
                            network,
                            tid,
                            d.deal_id,
                            idx as i64,
                            status_name(status),
                            status_code(status),
                            indexed.map_or(0, |t| t.final_deadline) as i64,
                            indexed.and_then(|t| t.result_digest.clone()),
                            indexed.map(|t| t.results_raw.clone()).unwrap_or_default()
                        ])
                        .map_err(db_error)?;
                }
                if deal_is_new {
                    counts.new_deals += 1;
                }
            }
        }
        tx.commit().map_err(db_error)?;
        Ok(counts)
    }

    /// Stores a deal read from the chain (added by hand), with its computed task ids.
    pub fn store_chain_deal(&mut self, network: &str, deal_id: B256, deal: &abi::Deal) -> Result<()> {
        let d = IndexedDeal {
            deal_id: deal_id.to_string(),
            app: checksummed(&deal.app.pointer),
            app_name: None,
            beneficiary: checksummed(&deal.beneficiary),
            requester: checksummed(&deal.requester),
            callback: checksummed(&deal.callback),
            params: deal.params.clone(),
            start_time: deal.startTime.try_into().unwrap_or(0),
            bot_first: deal.botFirst.try_into().unwrap_or(0),
            bot_size: deal.botSize.try_into().unwrap_or(0),
            category: deal.category.try_into().unwrap_or(0),
            tasks: Vec::new(),
        };
        self.store_index(network, &[d], DealSource::Manual).map(|_| ())
    }

    /// Stores what `viewTask` said (the truth), stamped `now`.
    pub fn store_chain_task(&self, network: &str, t: &ChainTask, now: u64) -> Result<()> {
        let digest = Some(t.result_digest.clone()).filter(|d| d.trim_start_matches("0x").chars().any(|c| c != '0'));
        self.conn
            .execute(
                "UPDATE tasks SET status = ?3, status_code = ?4, final_deadline = ?5, result_digest = ?6,
                    results_raw = ?7, confirmed_at = ?8
                 WHERE network = ?1 AND task_id = ?2",
                params![
                    network,
                    t.task_id,
                    status_name(t.status),
                    status_code(t.status),
                    t.final_deadline as i64,
                    digest,
                    t.results_raw,
                    now as i64
                ],
            )
            .map_err(db_error)?;
        Ok(())
    }

    /// Tasks of `beneficiary` to ask the chain about. With `all_open`: every task never
    /// confirmed or not final. Otherwise only those no index described: computed from
    /// `botFirst`/`botSize` or found through the market API (which has no states), never confirmed.
    pub fn tasks_to_confirm(&self, network: &str, beneficiary: &str, all_open: bool) -> Result<Vec<String>> {
        let mut stmt = self
            .conn
            .prepare(
                "SELECT t.task_id FROM tasks t JOIN deals d ON d.network = t.network AND d.deal_id = t.deal_id
                 WHERE t.network = ?1 AND d.beneficiary = ?2 AND (
                    (?3 AND (t.confirmed_at IS NULL OR t.status_code < 3))
                    OR (t.confirmed_at IS NULL AND t.status_code = 0))
                 ORDER BY d.start_time DESC, t.idx",
            )
            .map_err(db_error)?;
        let rows = stmt
            .query_map(params![network, beneficiary.to_ascii_lowercase(), all_open], |r| r.get(0))
            .map_err(db_error)?;
        rows.collect::<Result<_, _>>().map_err(db_error)
    }

    /// Deals of `network` with tasks not initialised on chain (status 0) whose final deadline is
    /// not known yet: their deal's final time is to be read from the chain
    /// ([`crate::chain::deal_final_time`]).
    pub fn deals_awaiting_final_time(&self, network: &str) -> Result<Vec<String>> {
        let mut stmt = self
            .conn
            .prepare(
                "SELECT DISTINCT deal_id FROM tasks WHERE network = ?1 AND status_code = 0 AND final_deadline = 0
                 ORDER BY deal_id",
            )
            .map_err(db_error)?;
        let rows = stmt.query_map(params![network], |r| r.get(0)).map_err(db_error)?;
        rows.collect::<Result<_, _>>().map_err(db_error)
    }

    /// Gives the tasks of a deal that are not initialised on chain (status 0, no final deadline
    /// yet) the deal's final time (unix seconds), after which they read as timed out. Returns the
    /// tasks changed.
    pub fn set_final_time(&self, network: &str, deal_id: &str, final_time: u64) -> Result<usize> {
        self.conn
            .execute(
                "UPDATE tasks SET final_deadline = ?3
                 WHERE network = ?1 AND deal_id = ?2 AND status_code = 0 AND final_deadline = 0",
                params![network, deal_id.to_ascii_lowercase(), final_time.min(i64::MAX as u64) as i64],
            )
            .map_err(db_error)
    }

    /// Whether every deal id is already in the cache (an incremental refresh stops paging there).
    pub fn all_deals_known(&self, network: &str, deal_ids: &[&str]) -> Result<bool> {
        let mut stmt =
            self.conn.prepare_cached("SELECT 1 FROM deals WHERE network = ?1 AND deal_id = ?2").map_err(db_error)?;
        for id in deal_ids {
            if !stmt.exists(params![network, id]).map_err(db_error)? {
                return Ok(false);
            }
        }
        Ok(true)
    }

    /// The task list: tasks of `network` (or all) whose deal names `beneficiary` (or any),
    /// newest deal first, then by index; TIMEOUT derived at `now`.
    pub fn list_tasks(&self, network: Option<&str>, beneficiary: Option<&str>, now: u64) -> Result<Vec<TaskRow>> {
        let sql = format!(
            "{ROW_SELECT} WHERE (?1 IS NULL OR t.network = ?1) AND (?2 IS NULL OR d.beneficiary = ?2)
             ORDER BY d.start_time DESC, t.deal_id, t.idx"
        );
        let mut stmt = self.conn.prepare(&sql).map_err(db_error)?;
        let rows = stmt
            .query_map(params![network, beneficiary.map(str::to_ascii_lowercase)], |r| row(r, now))
            .map_err(db_error)?;
        rows.collect::<Result<_, _>>().map_err(db_error)
    }

    /// The ids of the tasks of `network` whose deal names `beneficiary` that are COMPLETED as
    /// stored (the background watch compares them before and after a refresh: ids only, no row
    /// is built).
    ///
    /// Errors: `io`.
    pub fn completed_task_ids(&self, network: &str, beneficiary: &str) -> Result<std::collections::HashSet<String>> {
        let mut stmt = self
            .conn
            .prepare_cached(
                "SELECT t.task_id FROM tasks t JOIN deals d ON d.network = t.network AND d.deal_id = t.deal_id
                 WHERE t.network = ?1 AND d.beneficiary = ?2 AND t.status = ?3",
            )
            .map_err(db_error)?;
        let rows = stmt
            .query_map(params![network, beneficiary.to_ascii_lowercase(), status_name(TaskStatus::Completed)], |r| {
                r.get::<_, String>(0)
            })
            .map_err(db_error)?;
        rows.collect::<Result<_, _>>().map_err(db_error)
    }

    /// One task.
    pub fn task(&self, network: &str, task_id: &str, now: u64) -> Result<Option<TaskRow>> {
        let sql = format!("{ROW_SELECT} WHERE t.network = ?1 AND t.task_id = ?2");
        self.conn
            .query_row(&sql, params![network, task_id.to_ascii_lowercase()], |r| row(r, now))
            .optional()
            .map_err(db_error)
    }

    /// Records download progress or its end.
    pub fn set_download(
        &self,
        network: &str,
        task_id: &str,
        state: ResultState,
        downloaded: u64,
        total: u64,
        archive: Option<&str>,
    ) -> Result<()> {
        self.conn
            .execute(
                "UPDATE tasks SET vault_state = ?3, downloaded_bytes = ?4, total_bytes = ?5,
                    archive_path = COALESCE(?6, archive_path)
                 WHERE network = ?1 AND task_id = ?2",
                params![network, task_id, state.as_str(), downloaded as i64, total as i64, archive],
            )
            .map_err(db_error)?;
        Ok(())
    }

    /// Records the outcome of opening and verifying a downloaded result.
    pub fn set_opened(
        &self,
        network: &str,
        task_id: &str,
        state: ResultState,
        output: Option<&str>,
        verification: Option<&Verification>,
    ) -> Result<()> {
        let v = verification.map(serde_json::to_string).transpose().map_err(|e| Error::internal(e.to_string()))?;
        self.conn
            .execute(
                "UPDATE tasks SET vault_state = ?3, output_path = ?4, verification = ?5 WHERE network = ?1 AND task_id = ?2",
                params![network, task_id, state.as_str(), output, v],
            )
            .map_err(db_error)?;
        Ok(())
    }

    /// At start: downloads that were running when the app stopped are partial now.
    pub fn reset_interrupted_downloads(&self) -> Result<()> {
        self.conn
            .execute("UPDATE tasks SET vault_state = 'partial' WHERE vault_state = 'downloading'", [])
            .map_err(db_error)?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::index::IndexedTask;

    fn deal(id_byte: u8, start: u64, size: u64, tasks: Vec<IndexedTask>) -> IndexedDeal {
        IndexedDeal {
            deal_id: format!("0x{}", format!("{id_byte:02x}").repeat(32)),
            app: "0x0000000000000000000000000000000000000001".into(),
            app_name: Some("app".into()),
            beneficiary: "0xC08C3def622Af1476f2Db0E3CC8CcaeAd07BE3bB".into(),
            requester: "0x0000000000000000000000000000000000000002".into(),
            callback: "0x0000000000000000000000000000000000000000".into(),
            params: r#"{"iexec_result_encryption":true}"#.into(),
            start_time: start,
            bot_first: 0,
            bot_size: size,
            category: 0,
            tasks,
        }
    }

    #[test]
    fn index_then_chain_then_list() {
        let mut db = Db::open_in_memory().unwrap();
        let d1 = deal(1, 100, 2, vec![]);
        let t0 = task_id(d1.deal_id.parse().unwrap(), U256::ZERO).to_string();
        let d2 = deal(
            2,
            200,
            1,
            vec![IndexedTask {
                task_id: task_id(deal(2, 0, 0, vec![]).deal_id.parse().unwrap(), U256::ZERO).to_string(),
                idx: 0,
                status: TaskStatus::Failed,
                final_deadline: 50,
                results_raw: String::new(),
                result_digest: None,
            }],
        );
        let c = db.store_index("n", &[d1.clone(), d2.clone()], DealSource::Subgraph).unwrap();
        assert_eq!(c, StoreCounts { new_deals: 2, new_tasks: 3 });
        // Storing again adds nothing.
        assert_eq!(db.store_index("n", &[d1], DealSource::Subgraph).unwrap(), StoreCounts::default());
        let rows = db.list_tasks(Some("n"), Some("0xc08c3def622af1476f2db0e3cc8ccaead07be3bb"), 1000).unwrap();
        assert_eq!(rows.len(), 3);
        assert_eq!(rows[0].status, TaskStatus::Failed, "newest deal first");
        assert_eq!(rows[1].status, TaskStatus::Unset, "computed from botSize, not started");
        assert_eq!(rows[1].encrypted, Some(true));
        assert_eq!(rows[1].beneficiary, "0xC08C3def622Af1476f2Db0E3CC8CcaeAd07BE3bB");
        assert_eq!(db.tasks_to_confirm("n", "0xC08C3def622Af1476f2Db0E3CC8CcaeAd07BE3bB", true).unwrap().len(), 3);
        // Only the two tasks no index described (computed from botSize) by default.
        assert_eq!(db.tasks_to_confirm("n", "0xC08C3def622Af1476f2Db0E3CC8CcaeAd07BE3bB", false).unwrap().len(), 2);

        let chain = ChainTask {
            task_id: t0.clone(),
            deal_id: rows[1].deal_id.clone(),
            idx: 0,
            status: TaskStatus::Completed,
            final_deadline: 10,
            result_digest: format!("0x{}", "ab".repeat(32)),
            result: ResultLocation::Ipfs { location: "/ipfs/Qm".into() },
            results_raw: r#"{"storage":"ipfs","location":"/ipfs/Qm"}"#.into(),
        };
        db.store_chain_task("n", &chain, 999).unwrap();
        let t = db.task("n", &t0, 1000).unwrap().unwrap();
        assert_eq!(t.status, TaskStatus::Completed);
        assert_eq!(t.confirmed_at, Some(999));
        assert!(matches!(t.result, ResultLocation::Ipfs { .. }));
        // The index's stale "not started" does not overwrite what the chain confirmed.
        db.store_index("n", &[deal(1, 100, 2, vec![])], DealSource::Subgraph).unwrap();
        assert_eq!(db.task("n", &t0, 1000).unwrap().unwrap().status, TaskStatus::Completed);
        assert_eq!(db.tasks_to_confirm("n", "0xc08c3def622af1476f2db0e3cc8ccaead07be3bb", true).unwrap().len(), 2);
        assert_eq!(db.tasks_to_confirm("n", "0xc08c3def622af1476f2db0e3cc8ccaead07be3bb", false).unwrap().len(), 1);

        db.set_download("n", &t0, ResultState::Downloading, 10, 100, Some("/tmp/a.zip")).unwrap();
        db.reset_interrupted_downloads().unwrap();
        let t = db.task("n", &t0, 1000).unwrap().unwrap();
        assert_eq!((t.vault, t.downloaded_bytes, t.total_bytes), (ResultState::Partial, 10, 100));
        assert!(db.all_deals_known("n", &[&t.deal_id]).unwrap());
        assert!(!db.all_deals_known("n", &["0x00"]).unwrap());
    }

    #[test]
    fn a_task_never_initialised_times_out_at_its_deals_final_time() {
        let mut db = Db::open_in_memory().unwrap();
        let d = deal(7, 1_000, 2, vec![]);
        db.store_index("n", std::slice::from_ref(&d), DealSource::Market).unwrap();
        assert_eq!(db.deals_awaiting_final_time("n").unwrap(), vec![d.deal_id.clone()]);
        let final_time = crate::chain::deal_final_time(1_000, 300);
        assert_eq!(db.set_final_time("n", &d.deal_id, final_time).unwrap(), 2);
        assert!(db.deals_awaiting_final_time("n").unwrap().is_empty());
        let rows = db.list_tasks(Some("n"), None, final_time - 1).unwrap();
        assert!(rows.iter().all(|r| r.status == TaskStatus::Unset && r.final_deadline == final_time));
        let rows = db.list_tasks(Some("n"), None, final_time).unwrap();
        assert!(rows.iter().all(|r| r.status == TaskStatus::Timeout), "{rows:?}");
        // Indexing the deal again keeps the final time; the chain's own deadline replaces it.
        db.store_index("n", std::slice::from_ref(&d), DealSource::Market).unwrap();
        assert_eq!(db.list_tasks(Some("n"), None, 0).unwrap()[0].final_deadline, final_time);
        // A hostile value does not overflow the column.
        db.set_final_time("n", &deal(8, 0, 1, vec![]).deal_id, u64::MAX).unwrap();
    }
}
