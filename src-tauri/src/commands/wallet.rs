//! The beneficiary's wallet, the SMS (check, push) and the key rotation wizard.
//!
//! Network work runs off the main thread; the key ring is locked only for the short ring
//! operations around it. Passwords and pasted private keys come in from the UI (user input);
//! nothing secret goes back out.

use std::path::Path;

use result_vault_core::chain::{parse_address, Network};
use result_vault_core::progress::CancelToken;
use result_vault_core::sms::Sms;
use result_vault_core::vault::model::{Rotation, WalletSummary};
use result_vault_core::vault::wallets::{SmsStatus, WalletKeep};
use result_vault_core::wallet::{default_keystore_dir, keystores_in};
use result_vault_core::VaultError;
use tauri::{AppHandle, Manager, State};
use zeroize::Zeroizing;

use crate::commands::archive::run_blocking;
use crate::commands::tasks::{all_networks, network_named, with_db};
use crate::commands::vault::with_vault;
use crate::ipc_types::FoundKeystore;
use crate::state::AppState;

/// A network by name, from the shared task cache connection (no new connection per call).
fn network(state: &AppState, name: &str) -> Result<Network, VaultError> {
    with_db(state, |db| network_named(db, name))
}

/// The imported wallets.
#[tauri::command]
pub fn wallets_list(state: State<'_, AppState>) -> Result<Vec<WalletSummary>, VaultError> {
    with_vault(&state, |v| Ok(v.wallets()))
}

/// Keystores found in `~/.ethereum/keystore` (where the iexec CLI keeps them).
#[tauri::command]
pub fn keystores_found() -> Vec<FoundKeystore> {
    default_keystore_dir()
        .map(|d| keystores_in(&d))
        .unwrap_or_default()
        .into_iter()
        .map(|k| FoundKeystore { path: k.path.display().to_string(), address: k.address.map(|a| a.to_checksum(None)) })
        .collect()
}

/// After a wallet import: its address is watched on every network.
fn watch_everywhere(state: &AppState, address: &str) {
    let Ok(a) = parse_address(address) else { return };
    let _ = with_db(state, |db| {
        for n in all_networks(db)? {
            db.watch(&n.network.name, &a, "", result_vault_core::tasks::now())?;
        }
        Ok(())
    });
}

/// Imports a keystore or an iexec `wallet.json` (scrypt takes a second: off the main thread).
///
/// Errors: `wrong_password`, `invalid_wallet`, `io`.
#[tauri::command]
pub async fn wallet_import_file(
    app: AppHandle,
    path: String,
    password: Option<String>,
    keep: WalletKeep,
) -> Result<WalletSummary, VaultError> {
    let password = password.map(Zeroizing::new);
    run_blocking(move || {
        let state = app.state::<AppState>();
        let w = with_vault(&state, |v| {
            v.import_wallet_file(Path::new(&path), password.as_ref().map(|p| p.as_str()), keep)
        })?;
        watch_everywhere(&state, &w.address);
        log::info!("wallet {} imported (in ring: {})", w.address, w.in_ring);
        Ok(w)
    })
    .await
}

/// Imports a pasted private key (kept in the ring).
#[tauri::command]
pub fn wallet_import_key(
    state: State<'_, AppState>,
    private_key: String,
    label: String,
) -> Result<WalletSummary, VaultError> {
    let key = Zeroizing::new(private_key);
    let w = with_vault(&state, |v| v.import_wallet_key(&key, &label))?;
    watch_everywhere(&state, &w.address);
    log::info!("wallet {} imported from a pasted key", w.address);
    Ok(w)
}

/// Forgets a wallet.
#[tauri::command]
pub fn wallet_remove(state: State<'_, AppState>, address: String) -> Result<(), VaultError> {
    with_vault(&state, |v| v.remove_wallet(&address))
}

/// What the network's SMS holds for `address`, combined with this vault's journal.
///
/// Errors: `network`, `invalid_address`.
#[tauri::command]
pub async fn sms_status(app: AppHandle, network: String, address: String) -> Result<SmsStatus, VaultError> {
    run_blocking(move || {
        let state = app.state::<AppState>();
        let a = parse_address(&address)?;
        let net = self::network(&state, &network)?;
        let url = net.sms_url()?.to_owned();
        let set = Sms::new(&url)?.check(&a)?;
        with_vault(&state, |v| Ok(v.sms_status(&net.name, &url, &a.to_checksum(None), set)))
    })
    .await
}

/// Pushes the ring's active key to the network's SMS for `address` (create or update), signed by
/// its wallet (`password` for a path-only keystore), and journals it.
///
/// Errors: `wallet_required`, `wrong_password`, `key_not_found`, `sms_*`, `network`.
#[tauri::command]
pub async fn sms_push(
    app: AppHandle,
    network: String,
    address: String,
    password: Option<String>,
) -> Result<SmsStatus, VaultError> {
    let password = password.map(Zeroizing::new);
    run_blocking(move || {
        let state = app.state::<AppState>();
        let a = parse_address(&address)?.to_checksum(None);
        let net = self::network(&state, &network)?;
        let url = net.sms_url()?.to_owned();
        let out = with_vault(&state, |v| v.push_active_key(&net.name, &url, &a, password.as_ref().map(|p| p.as_str())));
        match &out {
            Ok(o) => log::info!("key pushed to the SMS of {} for {} (status {})", net.name, a, o.status),
            Err(e) => log::warn!("push to the SMS of {} failed: {}", net.name, e.kind),
        }
        out?;
        with_vault(&state, |v| Ok(v.sms_status(&net.name, &url, &a, true)))
    })
    .await
}

/// Whether the wallet of `address` needs a password to sign.
#[tauri::command]
pub fn wallet_needs_password(state: State<'_, AppState>, address: String) -> Result<bool, VaultError> {
    with_vault(&state, |v| Ok(v.signer_needs_password(&address)))
}

/// The current (or last) rotation, to resume the wizard where it stopped.
#[tauri::command]
pub fn rotation_status(state: State<'_, AppState>) -> Result<Option<Rotation>, VaultError> {
    with_vault(&state, |v| Ok(v.rotation()))
}

/// Step 1: starts (or resumes) a rotation for `address` to the SMS of `networks`.
#[tauri::command]
pub fn rotation_start(
    state: State<'_, AppState>,
    address: String,
    networks: Vec<String>,
) -> Result<Rotation, VaultError> {
    let a = parse_address(&address)?.to_checksum(None);
    with_vault(&state, |v| v.rotation_start(&a, &networks))
}

/// Step 2: generates the new key (seconds; `cancel_job(jobId)` stops it).
#[tauri::command]
pub async fn rotation_generate(app: AppHandle, job_id: String) -> Result<Rotation, VaultError> {
    let cancel: CancelToken = app.state::<AppState>().job(&job_id);
    let app2 = app.clone();
    let out = run_blocking(move || {
        let state = app2.state::<AppState>();
        with_vault(&state, |v| v.rotation_generate(&cancel))
    })
    .await;
    app.state::<AppState>().end_job(&job_id);
    out
}

/// Step 3: passes once a verified recovery kit holds the new key (`backup_required` otherwise).
#[tauri::command]
pub fn rotation_check_kit(state: State<'_, AppState>) -> Result<Rotation, VaultError> {
    with_vault(&state, |v| v.rotation_check_kit())
}

/// Step 4, per network: pushes the new key to that network's SMS (journaled).
#[tauri::command]
pub async fn rotation_push(app: AppHandle, network: String, password: Option<String>) -> Result<Rotation, VaultError> {
    let password = password.map(Zeroizing::new);
    run_blocking(move || {
        let state = app.state::<AppState>();
        let net = self::network(&state, &network)?;
        let url = net.sms_url()?.to_owned();
        let address = with_vault(&state, |v| {
            v.rotation().map(|r| r.address).ok_or_else(|| VaultError::internal("no rotation in progress"))
        })?;
        let wallet = with_vault(&state, |v| v.signer(Some(&address), password.as_ref().map(|p| p.as_str())))?;
        let out = with_vault(&state, |v| v.rotation_push(&net.name, &url, |pem| Sms::new(&url)?.push(&wallet, pem)));
        match &out {
            Ok(_) => log::info!("rotation: new key pushed to {}", net.name),
            Err(e) => log::warn!("rotation: push to {} failed: {}", net.name, e.kind),
        }
        out
    })
    .await
}

/// Step 5: retires the old key and closes the rotation.
#[tauri::command]
pub fn rotation_finish(state: State<'_, AppState>) -> Result<Rotation, VaultError> {
    with_vault(&state, |v| v.rotation_finish())
}
