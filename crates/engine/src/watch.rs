//! The background watch: results come to the user (docs/design.md, "Background watch").
//!
//! Every `interval_minutes` (default 10, at least 1) the host calls [`Engine::check_now`]. For
//! each watched address on each network it is watched on, the task list is refreshed
//! incrementally (the subgraph's first page only when nothing changed, no RPC call: the index's
//! task statuses are stored as they come), then the tasks that just became COMPLETED are
//! confirmed on chain (`viewTask`) and handled as the settings say: tell the user, download, or
//! download, decrypt and verify (with the key ring locked: download only, and say why). A failed
//! check backs off (the interval doubles, up to an hour); the host shows when the last check ran
//! and whether it worked.

use std::collections::HashSet;
use std::time::Instant;

use result_vault_core::chain::parse_address;
use result_vault_core::chain::TaskStatus;
use result_vault_core::db::tasks::ResultState;
use result_vault_core::download::{download, DownloadOptions};
use result_vault_core::fetch::{archive_path, confirm_downloadable, gateway_urls};
use result_vault_core::progress::CancelToken;
use result_vault_core::tasks::{self, confirm_tasks, Confirm};
use result_vault_core::{Error, ErrorKind};
use serde::{Deserialize, Serialize};

use crate::session::Engine;
use crate::settings::Settings;
use crate::tasks::{FetchTarget, KeyChoice};
use crate::Result;

/// How many address × network pairs are asked of their index at once.
const PARALLEL_REFRESHES: usize = 4;

/// Tasks of one network that the index says just completed.
struct Fresh {
    network: result_vault_core::chain::Network,
    task_ids: Vec<String>,
}

/// What to do with a new result (Settings > Background watch).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum NewResultAction {
    /// Only tell me (the default).
    #[default]
    Notify,
    /// Download it.
    Download,
    /// Download, decrypt and verify it.
    Open,
}

/// The background watch's settings (in `settings.json`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(default)]
pub struct WatchSettings {
    /// Watch in the background (on by default once an address is watched).
    pub enabled: bool,
    /// Minutes between checks, 1 to 1,440.
    pub interval_minutes: u32,
    /// What to do with a new result.
    pub on_new_result: NewResultAction,
    /// Closing the window keeps Result Vault in the tray / menu bar.
    pub close_to_tray: bool,
    /// The first close to the tray was explained to the user.
    pub close_explained: bool,
    /// Start Result Vault when the user logs in (off by default).
    pub start_at_login: bool,
}

impl Default for WatchSettings {
    fn default() -> Self {
        WatchSettings {
            enabled: true,
            interval_minutes: 10,
            on_new_result: NewResultAction::Notify,
            close_to_tray: true,
            close_explained: false,
            start_at_login: false,
        }
    }
}

/// The shortest and longest intervals, in minutes.
pub const INTERVAL_RANGE: (u32, u32) = (1, 1440);
/// A failing watch waits at most this long (minutes) between checks.
pub const MAX_BACKOFF_MINUTES: u32 = 60;

/// What became of a new result.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum NewResultState {
    /// Ready: it can be downloaded and read.
    Ready,
    /// Downloaded (not opened: the settings say so, or the key ring is locked).
    Downloaded,
    /// Downloaded, decrypted and verified against the result digest on chain.
    Verified,
    /// Downloaded and decrypted, but it does NOT match the digest on chain.
    Mismatch,
    /// Downloaded and opened; not verifiable (the reason is in the library).
    Opened,
    /// Downloaded, but no key of this vault opens it.
    NeedsKey,
    /// Handling it failed (the error kind).
    Failed(String),
}

/// A task whose result appeared since the last check.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct NewResult {
    /// Network name.
    pub network: String,
    /// Task id (`0x` + 64 hex).
    pub task_id: String,
    /// The app's name, or its address.
    pub app: String,
    /// What was done.
    pub state: NewResultState,
}

/// The outcome of one background check.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct WatchReport {
    /// When it ran (unix seconds).
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub checked_at: u64,
    /// Every address and network answered.
    pub ok: bool,
    /// What failed, for people (empty when `ok`).
    pub problems: Vec<String>,
    /// Address × network pairs checked.
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub checked: u64,
    /// Results that appeared.
    pub new_results: Vec<NewResult>,
    /// The key ring was locked, so new results were only downloaded.
    pub ring_locked: bool,
    /// Milliseconds the check took.
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub took_ms: u64,
}

/// Minutes to wait before the next check after `failures` failed checks in a row: the interval,
/// doubled per failure, at most [`MAX_BACKOFF_MINUTES`] (or the interval, if longer).
pub fn next_wait_minutes(interval: u32, failures: u32) -> u32 {
    let base = interval.clamp(INTERVAL_RANGE.0, INTERVAL_RANGE.1);
    let backed = base.saturating_mul(1u32 << failures.min(10));
    if failures == 0 {
        base
    } else {
        backed.min(MAX_BACKOFF_MINUTES.max(base))
    }
}

impl Engine {
    /// The watch settings.
    pub fn watch_settings(&self) -> WatchSettings {
        Settings::load(self.data_dir()).watch
    }

    /// Saves the watch settings (read-modify-write under `settings.lock`).
    ///
    /// Errors: `invalid_input` (an interval out of 1..=1440 minutes), `io`, `busy`.
    pub fn set_watch_settings(&self, w: WatchSettings) -> Result<WatchSettings> {
        if !(INTERVAL_RANGE.0..=INTERVAL_RANGE.1).contains(&w.interval_minutes) {
            return Err(Error::new(
                ErrorKind::InvalidInput,
                format!("{} minutes is not a check interval Result Vault uses.", w.interval_minutes),
                "Choose between 1 minute and 1,440 minutes (a day).",
            ));
        }
        Ok(Settings::update(self.data_dir(), |s| s.watch = w)?.watch)
    }

    /// One background check of every watched address (see the module's documentation). Never
    /// fails as a whole: what failed is in `problems`.
    pub fn check_now(&self, cancel: &CancelToken) -> WatchReport {
        self.check_with(self.watch_settings().on_new_result, cancel)
    }

    /// [`check_now`](Self::check_now), doing `action` with new results (the CLI's `--action`).
    pub fn check_with(&self, action: NewResultAction, cancel: &CancelToken) -> WatchReport {
        let started = Instant::now();
        let mut report = WatchReport {
            checked_at: tasks::now(),
            ok: true,
            problems: Vec::new(),
            checked: 0,
            new_results: Vec::new(),
            ring_locked: !self.is_open(),
            took_ms: 0,
        };
        let watched = match self.watched() {
            Ok(w) => w,
            Err(e) => {
                report.ok = false;
                report.problems.push(e.message);
                return report;
            }
        };
        // The index is asked for every address × network at once (a few at a time): each is one
        // subgraph page when nothing changed, so a check costs about one round trip, not one per
        // pair. What is new is then handled one by one (downloads, decryption).
        let mut found: Vec<(usize, Result<Option<Fresh>>)> = Vec::new();
        for (n, chunk) in watched.chunks(PARALLEL_REFRESHES).enumerate() {
            if cancel.is_cancelled() {
                break;
            }
            std::thread::scope(|s| {
                let handles: Vec<_> = chunk
                    .iter()
                    .map(|w| {
                        // The first refresh of an address only learns its tasks: old results are not news.
                        let baseline = w.last_refresh.is_none();
                        s.spawn(move || self.fresh_results(&w.network, &w.address, baseline, cancel))
                    })
                    .collect();
                for (i, h) in handles.into_iter().enumerate() {
                    let r = h.join().unwrap_or_else(|_| Err(Error::internal("a background check stopped")));
                    found.push((n * PARALLEL_REFRESHES + i, r));
                }
            });
        }
        for (i, r) in found {
            let w = &watched[i];
            report.checked += 1;
            match r.and_then(|fresh| match fresh {
                Some(f) => self.handle_fresh(f, action, cancel),
                None => Ok(Vec::new()),
            }) {
                Ok(mut new) => report.new_results.append(&mut new),
                Err(e) => {
                    report.ok = false;
                    report.problems.push(format!("{} on {}: {}", w.address, w.network, e.message));
                }
            }
        }
        report.took_ms = started.elapsed().as_millis() as u64;
        log::info!(
            "background check: {} address(es), {} new result(s), ok {}, {} ms",
            report.checked,
            report.new_results.len(),
            report.ok,
            report.took_ms
        );
        report
    }

    /// Refreshes one address on one network from the index (no RPC); the tasks that became
    /// COMPLETED since the last check, or `None` when there are none or this is the first check.
    fn fresh_results(
        &self,
        network: &str,
        address: &str,
        baseline: bool,
        cancel: &CancelToken,
    ) -> Result<Option<Fresh>> {
        let net = self.network(network)?;
        let a = parse_address(address)?;
        let lower = a.to_string().to_ascii_lowercase();
        let completed =
            |db: &result_vault_core::db::Db| -> Result<HashSet<String>> { db.completed_task_ids(&net.name, &lower) };
        let mut db = self.open_db()?;
        let before = completed(&db)?;
        // Incremental, no RPC: the subgraph's first page when nothing changed.
        tasks::refresh(&mut db, &net, &a, false, Confirm::None, &|_| {}, cancel)?;
        let task_ids: Vec<String> = completed(&db)?.into_iter().filter(|t| !before.contains(t)).collect();
        if task_ids.is_empty() || baseline {
            return Ok(None);
        }
        Ok(Some(Fresh { network: net, task_ids }))
    }

    /// Confirms on chain what the index says just completed, and does `action` with each.
    fn handle_fresh(&self, fresh: Fresh, action: NewResultAction, cancel: &CancelToken) -> Result<Vec<NewResult>> {
        let Fresh { network: net, task_ids } = fresh;
        let db = self.open_db()?;
        // Only now the chain: confirm what the index says just completed.
        confirm_tasks(&db, &net, &task_ids, &|_| {}, cancel)?;
        let mut out = Vec::new();
        for tid in task_ids {
            let Some(row) = db.task(&net.name, &tid, tasks::now())? else { continue };
            if row.status != TaskStatus::Completed {
                continue;
            }
            let app = row.app_name.clone().unwrap_or(row.app.clone());
            let state = self.handle_new_result(&net, &tid, action, cancel);
            out.push(NewResult { network: net.name.clone(), task_id: tid, app, state });
        }
        Ok(out)
    }

    fn handle_new_result(
        &self,
        net: &result_vault_core::chain::Network,
        task_id: &str,
        action: NewResultAction,
        cancel: &CancelToken,
    ) -> NewResultState {
        let open = action == NewResultAction::Open && self.is_open();
        if action == NewResultAction::Notify {
            return NewResultState::Ready;
        }
        if open {
            return match self.fetch_task(
                net,
                task_id,
                FetchTarget::ResultsFolder,
                KeyChoice::Ring,
                None,
                &|_| {},
                cancel,
            ) {
                Ok(f) => {
                    use result_vault_core::verify::VerificationStatus as V;
                    match f.outcome.verification.status {
                        V::Verified => NewResultState::Verified,
                        V::Mismatch => NewResultState::Mismatch,
                        V::Unverifiable => NewResultState::Opened,
                    }
                }
                Err(e) if e.kind == ErrorKind::NoMatchingKey => NewResultState::NeedsKey,
                Err(e) => NewResultState::Failed(e.kind.as_str().to_owned()),
            };
        }
        // Download only (the settings, or a locked key ring).
        match self.download_only(net, task_id, cancel) {
            Ok(()) => NewResultState::Downloaded,
            Err(e) => NewResultState::Failed(e.kind.as_str().to_owned()),
        }
    }

    /// Confirms the task on chain and downloads its result archive (resuming), recording it as
    /// downloaded; nothing is decrypted.
    fn download_only(
        &self,
        net: &result_vault_core::chain::Network,
        task_id: &str,
        cancel: &CancelToken,
    ) -> Result<()> {
        let (task, location) = confirm_downloadable(net, task_id)?;
        let downloads = self.downloads_dir(&net.name)?;
        let dest = archive_path(&downloads, &task.task_id);
        let _slot = self.download_slots.acquire(cancel)?;
        let dl = download(
            &gateway_urls(&net.ipfs_gateways, &location),
            &dest,
            &DownloadOptions::default(),
            &|_| {},
            cancel,
        )?;
        self.with_db(|db| {
            db.set_download(&net.name, &task.task_id, ResultState::Downloaded, dl.bytes, dl.bytes, Some(&dl.path))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_failing_watch_backs_off_up_to_an_hour() {
        assert_eq!(next_wait_minutes(10, 0), 10);
        assert_eq!(next_wait_minutes(10, 1), 20);
        assert_eq!(next_wait_minutes(10, 2), 40);
        assert_eq!(next_wait_minutes(10, 3), 60);
        assert_eq!(next_wait_minutes(10, 30), 60);
        assert_eq!(next_wait_minutes(0, 0), 1, "at least a minute");
        assert_eq!(next_wait_minutes(120, 2), 120, "a long interval is not shortened");
    }

    #[test]
    fn watch_settings_default_and_bounds() {
        let dir = tempfile::tempdir().unwrap();
        let e = Engine::new(crate::EngineDirs::in_data(dir.path().to_path_buf()));
        let w = e.watch_settings();
        assert!(w.enabled && w.close_to_tray && !w.start_at_login);
        assert_eq!((w.interval_minutes, w.on_new_result), (10, NewResultAction::Notify));
        let bad = WatchSettings { interval_minutes: 0, ..w.clone() };
        assert_eq!(e.set_watch_settings(bad).unwrap_err().kind, ErrorKind::InvalidInput);
        let good = WatchSettings { interval_minutes: 1, on_new_result: NewResultAction::Open, ..w };
        e.set_watch_settings(good.clone()).unwrap();
        assert_eq!(e.watch_settings(), good);
        // The key paths of the same settings file are kept.
        assert!(crate::settings::Settings::load(dir.path()).key_paths.is_empty());
    }
}
