//! Watched addresses, the task list, refreshing it from the indexes and the chain, and
//! fetching a task's result with its state recorded in the task cache — the same for both hosts,
//! so a task fetched from the CLI shows as fetched in the app.

use std::path::{Path, PathBuf};

use result_vault_core::archive::{OpenStatus, OutputTarget};
use result_vault_core::chain::{parse_address, Network};
use result_vault_core::db::tasks::{ResultState, TaskRow};
use result_vault_core::db::watched::WatchedAddress;
use result_vault_core::download::{discard_partial, partial_state};
use result_vault_core::fetch::{archive_path, fetch_task, FetchEvent, FetchOutcome};
use result_vault_core::keys::KeyCandidate;
use result_vault_core::progress::CancelToken;
use result_vault_core::tasks::{self, Confirm, RefreshOutcome, RefreshProgress};
use result_vault_core::verify::VerificationStatus;
use result_vault_core::{Error, ErrorKind};
use serde::Serialize;

use crate::results::unique_output_folder;
use crate::session::Engine;
use crate::Result;
use result_vault_core::db::results::ResultSource;

/// What a fetch returns: the fetch and the task's row as stored after it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct TaskFetched {
    /// Download, opening and verification.
    pub outcome: FetchOutcome,
    /// The task's row, updated.
    pub row: Option<TaskRow>,
}

/// Where a fetched result goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FetchTarget {
    /// A new folder under the results folder, named after the task (the app).
    ResultsFolder,
    /// What the user chose (the CLI's `--output`, `--extract`, or only a check).
    Output(OutputTarget),
}

/// Which keys open a fetched or dropped result.
#[derive(Debug, Clone, Default)]
pub enum KeyChoice {
    /// The key ring's keys, if it is open (a plain result needs none).
    #[default]
    Ring,
    /// Only these keys (the CLI's `--key`).
    Only(Vec<KeyCandidate>),
}

impl Engine {
    /// Watched addresses, all networks.
    pub fn watched(&self) -> Result<Vec<WatchedAddress>> {
        self.with_db(|db| db.watched(None))
    }

    /// Watches an address on a network (EIP-55 checked). Errors: `invalid_address`,
    /// `unknown_network`.
    pub fn watch(&self, network: &str, address: &str, label: &str) -> Result<WatchedAddress> {
        let a = parse_address(address)?;
        let net = self.network(network)?;
        self.with_db(|db| db.watch(&net.name, &a, label, tasks::now()))
    }

    /// Stops watching an address.
    pub fn unwatch(&self, network: &str, address: &str) -> Result<()> {
        let a = parse_address(address)?;
        self.with_db(|db| db.unwatch(network, &a))
    }

    /// The cached task list (instant), optionally for one network and/or one beneficiary.
    pub fn tasks(&self, network: Option<&str>, beneficiary: Option<&str>) -> Result<Vec<TaskRow>> {
        let b = beneficiary.map(parse_address).transpose()?.map(|a| a.to_string());
        self.with_db(|db| db.list_tasks(network, b.as_deref(), tasks::now()))
    }

    /// Refreshes a beneficiary's tasks on `network`: the indexes, then the chain (a full refresh
    /// reads every index page and confirms every open task). Network I/O: seconds.
    ///
    /// Errors: `invalid_address`, `network`, `cancelled`.
    pub fn refresh_tasks(
        &self,
        network: &Network,
        beneficiary: &str,
        full: bool,
        progress: &dyn Fn(RefreshProgress),
        cancel: &CancelToken,
    ) -> Result<RefreshOutcome> {
        let beneficiary = parse_address(beneficiary)?;
        let confirm = if full { Confirm::AllOpen } else { Confirm::Undescribed };
        let mut db = self.open_db()?;
        let out = tasks::refresh(&mut db, network, &beneficiary, full, confirm, progress, cancel);
        match &out {
            Ok(o) => log::info!(
                "refreshed {}: {} deals from {:?}, {} new tasks, {} confirmed",
                network.name,
                o.deals_seen,
                o.source,
                o.new_tasks,
                o.confirmed
            ),
            Err(e) => log::warn!("refresh of {} failed: {}", network.name, e.kind),
        }
        out
    }

    /// Adds a task or a deal by id, read from the chain. Errors: `task_not_found`, `network`.
    pub fn add_task_by_id(&self, network: &Network, id: &str) -> Result<Vec<TaskRow>> {
        let mut db = self.open_db()?;
        tasks::add_by_id(&mut db, network, id)
    }

    /// The folder where `network`'s downloads are kept. Errors: `invalid_input` (a name that
    /// is not a folder-safe network name: no path is built from it).
    pub fn downloads_dir(&self, network: &str) -> Result<PathBuf> {
        Ok(self.data_dir().join("downloads").join(crate::ids::network_name(network)?))
    }

    /// Confirms a task on chain, downloads its result (resuming; at most
    /// [`crate::session::DOWNLOAD_SLOTS`] at once), opens it and verifies it against the chain,
    /// and records every state on the way in the task cache. `downloads` defaults to
    /// [`downloads_dir`](Self::downloads_dir). A mismatch with the chain is not an error: the
    /// outcome says it.
    ///
    /// Errors: every kind of confirming, downloading and opening a result; `cancelled` keeps
    /// the partial download.
    #[allow(clippy::too_many_arguments)]
    pub fn fetch_task(
        &self,
        network: &Network,
        task_id: &str,
        target: FetchTarget,
        keys: KeyChoice,
        downloads: Option<&Path>,
        progress: &(dyn Fn(FetchEvent) + Sync),
        cancel: &CancelToken,
    ) -> Result<TaskFetched> {
        let tid = crate::ids::task_id(task_id)?;
        let keys = self.keys_for(keys)?;
        let downloads = match downloads {
            Some(d) => d.to_path_buf(),
            None => self.downloads_dir(&network.name)?,
        };
        let dest = archive_path(&downloads, &tid);
        let target = match target {
            FetchTarget::ResultsFolder => OutputTarget::Folder(unique_output_folder(&self.dirs().results, &dest)),
            FetchTarget::Output(t) => t,
        };
        let db = self.open_db()?;
        let slots = self.download_slots.clone();
        let _slot = slots.acquire(cancel)?;
        let (have, total) = partial_state(&dest);
        db.set_download(&network.name, &tid, ResultState::Downloading, have, total, None)?;
        let result = fetch_task(network, &tid, &downloads, target, &keys, progress, cancel);
        let now = tasks::now();
        match &result {
            Ok(o) => {
                let st = match (o.verification.status, o.open.status) {
                    (VerificationStatus::Verified, _) => ResultState::Verified,
                    (VerificationStatus::Mismatch, _) => ResultState::Mismatch,
                    (_, OpenStatus::NotEncrypted) => ResultState::NotEncrypted,
                    _ => ResultState::Decrypted,
                };
                db.store_chain_task(&network.name, &o.task, now)?;
                db.set_download(&network.name, &tid, st, o.download.bytes, o.download.bytes, Some(&o.download.path))?;
                db.set_opened(&network.name, &tid, st, o.open.output.as_deref(), Some(&o.verification))?;
                if let Some(out) = o.open.output.as_deref() {
                    self.record_output(Path::new(out));
                }
                let app = db.task(&network.name, &tid, now)?.map(|r| r.app_name.unwrap_or(r.app));
                self.remember_result(crate::library::new_entry(
                    Path::new(&o.download.path),
                    &o.open,
                    ResultSource::Task,
                    Some((&network.name, &tid, app)),
                    Some(o.verification.clone()),
                ));
                log::info!("fetched task {tid}: {:?}", o.verification.status);
            }
            Err(e) => {
                let (have, total) = partial_state(&dest);
                let st = if dest.exists() {
                    if e.kind == ErrorKind::NoMatchingKey {
                        ResultState::NeedsKey
                    } else {
                        ResultState::Downloaded
                    }
                } else if have > 0 {
                    ResultState::Partial
                } else {
                    ResultState::NotDownloaded
                };
                let archive = dest.exists().then(|| dest.display().to_string());
                db.set_download(&network.name, &tid, st, have, total, archive.as_deref())?;
                log::warn!("fetch of task {tid} failed: {}", e.kind);
            }
        }
        let row = db.task(&network.name, &tid, now)?;
        result.map(|outcome| TaskFetched { outcome, row })
    }

    /// Deletes a task's download, partial or complete (e.g. a copy that did not match the
    /// chain), so that the next fetch downloads it again. Opened results are not touched.
    ///
    /// Errors: `invalid_input` (network name), `task_not_found` (malformed task id), `io`.
    pub fn discard_download(&self, network: &str, task_id: &str) -> Result<()> {
        let task_id = crate::ids::task_id(task_id)?;
        let dest = archive_path(&self.downloads_dir(network)?, &task_id);
        discard_partial(&dest);
        if dest.exists() {
            std::fs::remove_file(&dest).map_err(|e| Error::io("delete", &dest, &e))?;
        }
        log::info!("download of task {task_id} discarded");
        self.with_db(|db| {
            db.set_download(network, &task_id.to_ascii_lowercase(), ResultState::NotDownloaded, 0, 0, None)
        })
    }

    /// The keys to try: the ring's (active first) when it is open, or only the given ones.
    pub(crate) fn keys_for(&self, keys: KeyChoice) -> Result<Vec<KeyCandidate>> {
        match keys {
            KeyChoice::Only(k) => Ok(k),
            KeyChoice::Ring => match self.vault_if_open() {
                Some(mut v) => {
                    v.refresh()?;
                    v.candidates()
                }
                None => Ok(Vec::new()),
            },
        }
    }
}
