//! Networks, watched addresses, the task list, and fetching a task's result: adapters over the
//! engine ([`result_vault_engine::networks`], [`result_vault_engine::tasks`]), run on the
//! blocking pool.

use result_vault_core::chain::Network;
use result_vault_core::db::tasks::TaskRow;
use result_vault_core::db::watched::WatchedAddress;
use result_vault_core::fetch::FetchEvent;
use result_vault_core::tasks::{RefreshOutcome, RefreshProgress};
use result_vault_engine::tasks::{FetchTarget, KeyChoice};
use result_vault_engine::Error;
use tauri::ipc::Channel;
use tauri::State;

use crate::ipc_types::{NetworkInfo, TaskFetched};
use crate::state::AppState;

/// The networks (built-in with overrides, and custom ones).
#[tauri::command]
pub async fn networks_list(state: State<'_, AppState>) -> Result<Vec<NetworkInfo>, Error> {
    state.run(|e| e.networks()).await
}

/// Checks `network` against its RPC (the chain id must match) and saves it. A built-in network
/// keeps its name and chain id; only its URLs and hub change.
///
/// A new network, or a change of a network's addresses, is confirmed first in a system dialog
/// that lists them (the window cannot confirm it by itself): nothing is called or saved before.
///
/// Errors: `cancelled`, `invalid_input`, `network`, `chain_mismatch`, `invalid_address`.
#[tauri::command]
pub async fn network_save(
    app: tauri::AppHandle,
    state: State<'_, AppState>,
    network: Network,
) -> Result<Vec<NetworkInfo>, Error> {
    // A bad name is refused by the engine before anything is asked.
    if network.name.trim().is_empty() {
        return state.run(move |e| e.save_network(network)).await;
    }
    result_vault_engine::ids::network_name(network.name.trim())?;
    let n = network.clone();
    let changes = state.run(move |e| e.network_changes(&n)).await?;
    if !changes.is_empty() {
        let name = network.name.trim().to_owned();
        state.confirm(&app, crate::confirmations::network_change(&state.native, &name, &changes)).await?;
    }
    state.run(move |e| e.save_network(network)).await
}

/// Forgets a network's overrides (a built-in one goes back to its defaults; a custom one is removed).
#[tauri::command]
pub async fn network_reset(state: State<'_, AppState>, name: String) -> Result<Vec<NetworkInfo>, Error> {
    state.run(move |e| e.reset_network(&name)).await
}

/// Watched addresses, all networks.
#[tauri::command]
pub async fn watched_list(state: State<'_, AppState>) -> Result<Vec<WatchedAddress>, Error> {
    state.run(|e| e.watched()).await
}

/// Watches an address on a network (EIP-55 checked).
///
/// Errors: `invalid_address`, `unknown_network`.
#[tauri::command]
pub async fn watched_add(
    state: State<'_, AppState>,
    network: String,
    address: String,
    label: String,
) -> Result<WatchedAddress, Error> {
    state.run(move |e| e.watch(&network, &address, &label)).await
}

/// Stops watching an address.
#[tauri::command]
pub async fn watched_remove(state: State<'_, AppState>, network: String, address: String) -> Result<(), Error> {
    state.run(move |e| e.unwatch(&network, &address)).await
}

/// The cached task list (instant), optionally for one network and/or one beneficiary.
#[tauri::command]
pub async fn tasks_list(
    state: State<'_, AppState>,
    network: Option<String>,
    address: Option<String>,
) -> Result<Vec<TaskRow>, Error> {
    state.run(move |e| e.tasks(network.as_deref(), address.as_deref())).await
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
) -> Result<RefreshOutcome, Error> {
    let id = job_id.clone();
    let out = state
        .run(move |e| {
            let net = e.network(&network)?;
            e.refresh_tasks(&net, &address, full, &|p| drop(on_progress.send(p)), &e.job(&id))
        })
        .await;
    state.engine.end_job(&job_id);
    out
}

/// Adds a task or a deal by id, read from the chain.
///
/// Errors: `task_not_found`, `unknown_network`, `network`.
#[tauri::command]
pub async fn tasks_add_by_id(state: State<'_, AppState>, network: String, id: String) -> Result<Vec<TaskRow>, Error> {
    state.run(move |e| e.add_task_by_id(&e.network(&network)?, &id)).await
}

/// Confirms a task on chain, downloads its result (resuming), decrypts it with the key ring and
/// verifies it against the chain, recording each state. Progress over `on_progress`;
/// `cancel_job(jobId)` pauses (the partial download is kept).
#[tauri::command]
pub async fn task_fetch(
    state: State<'_, AppState>,
    network: String,
    task_id: String,
    job_id: String,
    on_progress: Channel<FetchEvent>,
) -> Result<TaskFetched, Error> {
    let id = job_id.clone();
    let out = state
        .run(move |e| {
            let net = e.network(&network)?;
            let report = |ev: FetchEvent| {
                let _ = on_progress.send(ev);
            };
            e.fetch_task(&net, &task_id, FetchTarget::ResultsFolder, KeyChoice::Ring, None, &report, &e.job(&id))
        })
        .await;
    state.engine.end_job(&job_id);
    out
}

/// Deletes a task's download, partial or complete (e.g. a copy that did not match the chain), so
/// that the next fetch downloads it again. Opened results in the results folder are not touched.
#[tauri::command]
pub async fn task_discard_download(state: State<'_, AppState>, network: String, task_id: String) -> Result<(), Error> {
    state.run(move |e| e.discard_download(&network, &task_id)).await
}
