//! The beneficiary's wallet, the SMS (check, push) and the key rotation wizard: adapters over
//! [`result_vault_engine::wallets`], run on the blocking pool. Passwords and pasted private keys
//! come in from the UI (user input); nothing secret goes back out.

use std::path::PathBuf;

use result_vault_core::vault::model::{Rotation, WalletSummary};
use result_vault_core::vault::wallets::{SmsStatus, WalletKeep};
use result_vault_engine::Engine;
use result_vault_engine::Error;
use tauri::State;
use zeroize::Zeroizing;

use crate::ipc_types::{FoundKeystore, RotationChanged, SmsPushed};
use crate::state::AppState;

/// The imported wallets.
#[tauri::command]
pub async fn wallets_list(state: State<'_, AppState>) -> Result<Vec<WalletSummary>, Error> {
    state.run(|e| e.wallets()).await
}

/// Keystores found in `~/.ethereum/keystore` (where the iexec CLI keeps them).
#[tauri::command]
pub async fn keystores_found(state: State<'_, AppState>) -> Result<Vec<FoundKeystore>, Error> {
    state.run(|_| Ok(result_vault_engine::wallets::keystores_found())).await
}

/// Imports a keystore or an iexec `wallet.json` (scrypt takes a second); its address is then
/// watched on every network.
///
/// Errors: `wrong_password`, `invalid_wallet`, `io`.
#[tauri::command]
pub async fn wallet_import_file(
    state: State<'_, AppState>,
    path: String,
    password: Option<String>,
    keep: WalletKeep,
) -> Result<WalletSummary, Error> {
    let password = password.map(Zeroizing::new);
    // A keystore the user picked, or one of those found where the iexec CLI keeps them.
    let chosen = state.grants.may_read(&path);
    state
        .run(move |e| {
            let found = || result_vault_engine::wallets::keystores_found().iter().any(|k| k.path == path);
            if !chosen && !found() {
                return Err(crate::grants::not_chosen(&path));
            }
            e.import_wallet_file(&PathBuf::from(path), password.as_ref().map(|p| p.as_str()), keep)
        })
        .await
}

/// Imports a pasted private key (kept in the ring).
#[tauri::command]
pub async fn wallet_import_key(
    state: State<'_, AppState>,
    private_key: String,
    label: String,
) -> Result<WalletSummary, Error> {
    let key = Zeroizing::new(private_key);
    state.run(move |e| e.import_wallet_key(&key, &label)).await
}

/// Forgets a wallet.
#[tauri::command]
pub async fn wallet_remove(state: State<'_, AppState>, address: String) -> Result<(), Error> {
    state.run(move |e| e.remove_wallet(&address)).await
}

/// What the network's SMS holds for `address`, combined with this vault's journal.
///
/// Errors: `network`, `invalid_address`, `unknown_network`.
#[tauri::command]
pub async fn sms_status(state: State<'_, AppState>, network: String, address: String) -> Result<SmsStatus, Error> {
    state.run(move |e| e.sms_status(&network, &address)).await
}

/// Pushes the ring's active key to the network's SMS for `address` (create or update), signed by
/// its wallet (`password` for a path-only keystore), and journals it; returns the SMS's status and
/// the ring after (the key's journal holds the push: the window reads nothing again).
///
/// Errors: `wallet_required`, `wrong_password`, `keyring_empty`, `sms_*`, `network`.
#[tauri::command]
pub async fn sms_push(
    app: tauri::AppHandle,
    state: State<'_, AppState>,
    network: String,
    address: String,
    password: Option<String>,
) -> Result<SmsPushed, Error> {
    let password = password.map(Zeroizing::new);
    confirm_push(&app, &state, &network, Some(&address)).await?;
    state
        .run(move |e| {
            let status = e.sms_push(&network, &address, password.as_ref().map(|p| p.as_str()))?;
            Ok(SmsPushed { status, overview: e.keys_overview()? })
        })
        .await
}

/// Asks the user, in a system dialog, before a push of a key other than the one this vault last
/// pushed to that SMS for `address` (a repeat of the same key asks nothing). A script in the
/// window cannot click it: it cannot redirect the user's next results to its own key.
/// `address`: the beneficiary of a plain push; `None`: the rotation's new key for its address.
async fn confirm_push(
    app: &tauri::AppHandle,
    state: &AppState,
    network: &str,
    address: Option<&str>,
) -> Result<(), Error> {
    let (n, a) = (network.to_owned(), address.map(str::to_owned));
    let plan = state
        .run(move |e| match a {
            Some(a) => e.push_plan(&n, &a, false),
            None => e.rotation_push_plan(&n),
        })
        .await?;
    if plan.repeat {
        return Ok(());
    }
    state.confirm(app, crate::confirmations::push(&state.native, &plan)).await
}

/// Whether the wallet of `address` needs a password to sign.
#[tauri::command]
pub async fn wallet_needs_password(state: State<'_, AppState>, address: String) -> Result<bool, Error> {
    state.run(move |e| e.wallet_needs_password(&address)).await
}

/// The current (or last) rotation, to resume the wizard where it stopped.
#[tauri::command]
pub async fn rotation_status(state: State<'_, AppState>) -> Result<Option<Rotation>, Error> {
    state.run(|e| e.rotation()).await
}

/// Step 1: starts (or resumes) a rotation for `address` to the SMS of `networks`.
#[tauri::command]
pub async fn rotation_start(
    state: State<'_, AppState>,
    address: String,
    networks: Vec<String>,
) -> Result<Rotation, Error> {
    state.run(move |e| e.rotation_start(&address, &networks)).await
}

/// The rotation after a step that changed the ring, and the ring as it is after it.
fn rotation_changed(e: &Engine, rotation: Rotation) -> Result<RotationChanged, Error> {
    Ok(RotationChanged { rotation, overview: e.keys_overview()? })
}

/// Step 2: generates the new key (seconds; `cancel_job(jobId)` stops it); returns the rotation
/// and the ring after (it holds the new key, now the active one).
#[tauri::command]
pub async fn rotation_generate(state: State<'_, AppState>, job_id: String) -> Result<RotationChanged, Error> {
    let id = job_id.clone();
    let out = state.run(move |e| rotation_changed(e, e.rotation_generate(&e.job(&id))?)).await;
    state.engine.end_job(&job_id);
    out
}

/// Step 3: passes once a verified recovery kit holds the new key (`backup_required` otherwise).
#[tauri::command]
pub async fn rotation_check_kit(state: State<'_, AppState>) -> Result<Rotation, Error> {
    state.run(|e| e.rotation_check_kit()).await
}

/// Step 4, per network: pushes the new key to that network's SMS (journaled); returns the
/// rotation and the ring after (the new key's journal holds the push).
#[tauri::command]
pub async fn rotation_push(
    app: tauri::AppHandle,
    state: State<'_, AppState>,
    network: String,
    password: Option<String>,
) -> Result<RotationChanged, Error> {
    let password = password.map(Zeroizing::new);
    confirm_push(&app, &state, &network, None).await?;
    state.run(move |e| rotation_changed(e, e.rotation_push(&network, password.as_ref().map(|p| p.as_str()))?)).await
}

/// Step 5: retires the old key and closes the rotation; returns the rotation and the ring after
/// (the old key retired, the new one active).
#[tauri::command]
pub async fn rotation_finish(state: State<'_, AppState>) -> Result<RotationChanged, Error> {
    state.run(|e| rotation_changed(e, e.rotation_finish()?)).await
}
