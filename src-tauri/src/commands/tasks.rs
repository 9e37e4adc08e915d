//! Networks, watched addresses, the task list, and fetching a task's result.
//!
//! Quick reads use the shared cache connection; long work (refresh, fetch) opens its own
//! connection (SQLite in WAL mode lets the list be read while a refresh writes).

use std::path::PathBuf;

use result_vault_core::archive::OutputTarget;
use result_vault_core::chain::networks::builtin;
use result_vault_core::chain::{parse_address, Network};
use result_vault_core::db::tasks::{TaskRow, VaultState};
use result_vault_core::db::watched::WatchedAddress;
use result_vault_core::db::Db;
use result_vault_core::download::{discard_partial, partial_state};
use result_vault_core::fetch::{archive_path, fetch_task, FetchEvent};
use result_vault_core::tasks::{self, RefreshOutcome, RefreshProgress};
use result_vault_core::verify::VerificationStatus;
use result_vault_core::{ErrorKind, VaultError};
use tauri::ipc::Channel;
use tauri::State;

use crate::commands::archive::{run_blocking, unique_output_folder};
use crate::ipc_types::{NetworkInfo, TaskFetched};
use crate::state::AppState;

pub(crate) fn with_db<T>(state: &AppState, f: impl FnOnce(&mut Db) -> Result<T, VaultError>) -> Result<T, VaultError> {
    let mut guard = state.db.lock().unwrap_or_else(|e| e.into_inner());
    if guard.is_none() {
        *guard = Some(Db::open(&state.db_path())?);
    }
    match guard.as_mut() {
        Some(db) => f(db),
        None => Err(VaultError::internal("task cache not open")),
    }
}

/// The built-in networks; `RESULT_VAULT_NETWORKS` may name a JSON file (`{"networks": [...]}`)
/// whose networks replace the built-in ones of the same name (a managed install, or the tests,
/// which must reach only 127.0.0.1).
fn builtin_networks() -> Vec<Network> {
    let mut nets = builtin();
    let Some(path) = std::env::var_os("RESULT_VAULT_NETWORKS") else { return nets };
    let parsed = std::fs::read(&path)
        .ok()
        .and_then(|b| serde_json::from_slice::<serde_json::Value>(&b).ok())
        .and_then(|v| serde_json::from_value::<Vec<Network>>(v.get("networks")?.clone()).ok());
    match parsed {
        Some(list) => {
            for n in list {
                match nets.iter_mut().find(|b| b.name == n.name) {
                    Some(b) => *b = n,
                    None => nets.push(n),
                }
            }
        }
        None => log::warn!("RESULT_VAULT_NETWORKS is set but its file cannot be read as networks: ignored"),
    }
    nets
}

/// Built-in networks with saved overrides applied, then custom networks.
pub fn all_networks(db: &Db) -> Result<Vec<NetworkInfo>, VaultError> {
    let saved = db.saved_networks()?;
    let mut out: Vec<NetworkInfo> = builtin_networks()
        .into_iter()
        .map(|b| match saved.iter().find(|s| s.name == b.name) {
            Some(s) => NetworkInfo { customised: *s != b, network: s.clone(), builtin: true },
            None => NetworkInfo { network: b, builtin: true, customised: false },
        })
        .collect();
    for s in saved {
        if !out.iter().any(|n| n.network.name == s.name) {
            out.push(NetworkInfo { network: s, builtin: false, customised: true });
        }
    }
    Ok(out)
}

pub(crate) fn network_named(db: &Db, name: &str) -> Result<Network, VaultError> {
    all_networks(db)?.into_iter().map(|n| n.network).find(|n| n.name == name).ok_or_else(|| {
        VaultError::new(
            ErrorKind::TaskNotFound,
            format!("No network named \u{201c}{name}\u{201d}."),
            "Choose a network from the list in Settings.",
        )
    })
}

/// The networks (built-in with overrides, and custom ones).
#[tauri::command]
pub fn networks_list(state: State<'_, AppState>) -> Result<Vec<NetworkInfo>, VaultError> {
    with_db(&state, |db| all_networks(db))
}

/// Checks `network` against its RPC (the chain id must match) and saves it. A built-in network
/// keeps its name and chain id; only its URLs and hub change.
///
/// Errors: `network`, `chain_mismatch`, `invalid_address`.
#[tauri::command]
pub async fn network_save(state: State<'_, AppState>, network: Network) -> Result<Vec<NetworkInfo>, VaultError> {
    let mut network = network;
    network.name = network.name.trim().to_owned();
    if network.name.is_empty() {
        return Err(VaultError::new(ErrorKind::Io, "A network needs a name.", "Type a short name, e.g. my-testnet."));
    }
    if let Some(b) = builtin_networks().into_iter().find(|b| b.name == network.name) {
        network.chain_id = b.chain_id;
        network.legacy = b.legacy;
    }
    let checked = network.clone();
    run_blocking(move || tasks::check_network(&checked).map(|_| ())).await?;
    log::info!("network {} saved after its chain id was checked", network.name);
    with_db(&state, |db| {
        db.save_network(&network)?;
        all_networks(db)
    })
}

/// Forgets a network's overrides (a built-in one goes back to its defaults; a custom one is removed).
#[tauri::command]
pub fn network_reset(state: State<'_, AppState>, name: String) -> Result<Vec<NetworkInfo>, VaultError> {
    with_db(&state, |db| {
        db.remove_network(&name)?;
        all_networks(db)
    })
}

/// Watched addresses, all networks.
#[tauri::command]
pub fn watched_list(state: State<'_, AppState>) -> Result<Vec<WatchedAddress>, VaultError> {
    with_db(&state, |db| db.watched(None))
}

/// Watches an address on a network (EIP-55 checked).
///
/// Errors: `invalid_address`.
#[tauri::command]
pub fn watched_add(
    state: State<'_, AppState>,
    network: String,
    address: String,
    label: String,
) -> Result<WatchedAddress, VaultError> {
    let a = parse_address(&address)?;
    with_db(&state, |db| {
        network_named(db, &network)?;
        db.watch(&network, &a, &label, tasks::now())
    })
}

/// Stops watching an address.
#[tauri::command]
pub fn watched_remove(state: State<'_, AppState>, network: String, address: String) -> Result<(), VaultError> {
    let a = parse_address(&address)?;
    with_db(&state, |db| db.unwatch(&network, &a))
}

/// The cached task list (instant), optionally for one network and/or one beneficiary.
#[tauri::command]
pub fn tasks_list(
    state: State<'_, AppState>,
    network: Option<String>,
    address: Option<String>,
) -> Result<Vec<TaskRow>, VaultError> {
    let address = address.map(|a| parse_address(&a)).transpose()?.map(|a| a.to_string());
    with_db(&state, |db| db.list_tasks(network.as_deref(), address.as_deref(), tasks::now()))
}

/// Refreshes one watched address: indexes, then the chain. `cancel_job(jobId)` stops it.
#[tauri::command]
pub async fn tasks_refresh(
    state: State<'_, AppState>,
    network: String,
    address: String,
    full: bool,
    job_id: String,
    on_progress: Channel<RefreshProgress>,
) -> Result<RefreshOutcome, VaultError> {
    let beneficiary = parse_address(&address)?;
    let net = with_db(&state, |db| network_named(db, &network))?;
    // A full refresh also asks the chain about every open task; a quick one only about tasks
    // no index described.
    let confirm = if full { tasks::Confirm::AllOpen } else { tasks::Confirm::Undescribed };
    let cancel = state.job(&job_id);
    let path = state.db_path();
    let out = run_blocking(move || {
        let mut db = Db::open(&path)?;
        tasks::refresh(&mut db, &net, &beneficiary, full, confirm, &|p| drop(on_progress.send(p)), &cancel)
    })
    .await;
    state.end_job(&job_id);
    match &out {
        Ok(o) => log::info!(
            "refreshed {network}: {} deals from {:?}, {} new tasks, {} confirmed",
            o.deals_seen,
            o.source,
            o.new_tasks,
            o.confirmed
        ),
        Err(e) => log::warn!("refresh of {network} failed: {}", e.kind),
    }
    out
}

/// Adds a task or a deal by id, read from the chain.
///
/// Errors: `task_not_found`, `network`.
#[tauri::command]
pub async fn tasks_add_by_id(
    state: State<'_, AppState>,
    network: String,
    id: String,
) -> Result<Vec<TaskRow>, VaultError> {
    let net = with_db(&state, |db| network_named(db, &network))?;
    let path = state.db_path();
    run_blocking(move || {
        let mut db = Db::open(&path)?;
        tasks::add_by_id(&mut db, &net, &id)
    })
    .await
}

/// Confirms a task on chain, downloads its result (resuming), decrypts it with the key ring and
/// verifies it against the chain. Progress over `on_progress`; `cancel_job(jobId)` pauses (the
/// partial download is kept). At most [`crate::state::DOWNLOAD_SLOTS`] run at once; others wait.
#[tauri::command]
pub async fn task_fetch(
    state: State<'_, AppState>,
    network: String,
    task_id: String,
    job_id: String,
    on_progress: Channel<FetchEvent>,
) -> Result<TaskFetched, VaultError> {
    let net = with_db(&state, |db| network_named(db, &network))?;
    let task_id = task_id.trim().to_ascii_lowercase();
    let cancel = state.job(&job_id);
    let keys = match state.vault.lock().unwrap_or_else(|e| e.into_inner()).as_ref() {
        Some(v) => v.candidates()?,
        None => Vec::new(),
    };
    let downloads = state.dirs.data.join("downloads").join(&net.name);
    let dest = archive_path(&downloads, &task_id);
    let target = unique_output_folder(&state.dirs.results, &dest);
    let path = state.db_path();
    let slots = state.download_slots.clone();
    let (net_name, tid) = (net.name.clone(), task_id.clone());
    let out = run_blocking(move || {
        let db = Db::open(&path)?;
        let _slot = slots.acquire(&cancel)?;
        let (have, total) = partial_state(&dest);
        db.set_download(&net_name, &tid, VaultState::Downloading, have, total, None)?;
        let report = |e: FetchEvent| {
            let _ = on_progress.send(e);
        };
        let result = fetch_task(&net, &tid, &downloads, OutputTarget::Folder(target), &keys, &report, &cancel);
        let now = tasks::now();
        match &result {
            Ok(o) => {
                let st = match (o.verification.status, o.open.status) {
                    (VerificationStatus::Verified, _) => VaultState::Verified,
                    (VerificationStatus::Mismatch, _) => VaultState::Mismatch,
                    (_, result_vault_core::archive::OpenStatus::NotEncrypted) => VaultState::NotEncrypted,
                    _ => VaultState::Decrypted,
                };
                db.store_chain_task(&net_name, &o.task, now)?;
                db.set_download(&net_name, &tid, st, o.download.bytes, o.download.bytes, Some(&o.download.path))?;
                db.set_opened(&net_name, &tid, st, o.open.output.as_deref(), Some(&o.verification))?;
            }
            Err(e) => {
                let (have, total) = partial_state(&dest);
                let st = if dest.exists() {
                    if e.kind == ErrorKind::NoMatchingKey {
                        VaultState::NeedsKey
                    } else {
                        VaultState::Downloaded
                    }
                } else if have > 0 {
                    VaultState::Partial
                } else {
                    VaultState::NotDownloaded
                };
                let archive = dest.exists().then(|| dest.display().to_string());
                db.set_download(&net_name, &tid, st, have, total, archive.as_deref())?;
            }
        }
        let row = db.task(&net_name, &tid, now)?;
        result.map(|outcome| TaskFetched { outcome, row })
    })
    .await;
    state.end_job(&job_id);
    match &out {
        Ok(f) => {
            log::info!("fetched task {task_id}: {:?}", f.outcome.verification.status);
            if let Some(o) = f.outcome.open.output.as_deref().and_then(|o| std::fs::canonicalize(o).ok()) {
                state.outputs.lock().unwrap_or_else(|e| e.into_inner()).insert(o);
            }
        }
        Err(e) => log::warn!("fetch of task {task_id} failed: {}", e.kind),
    }
    out
}

/// Deletes a task's download, partial or complete (e.g. a copy that did not match the chain), so
/// that the next fetch downloads it again. Opened results in the results folder are not touched.
#[tauri::command]
pub fn task_discard_download(state: State<'_, AppState>, network: String, task_id: String) -> Result<(), VaultError> {
    let dest: PathBuf = archive_path(&state.dirs.data.join("downloads").join(&network), &task_id);
    discard_partial(&dest);
    if dest.exists() {
        std::fs::remove_file(&dest).map_err(|e| VaultError::io("delete", &dest, &e))?;
    }
    log::info!("download of task {task_id} discarded");
    with_db(&state, |db| {
        db.set_download(&network, &task_id.to_ascii_lowercase(), VaultState::NotDownloaded, 0, 0, None)
    })
}
