//! The key ring over IPC. Private keys never cross IPC: only summaries, and files the user asked
//! to export are written by Rust. The recovery phrase crosses once, to be shown (backup_create).
//! Every command runs the engine's use-case on the blocking pool.

use result_vault_core::vault::kit::{check_phrase, complete_word};
use result_vault_core::vault::model::KeySummary;
use result_vault_core::vault::{ProtectionKind, RestoreOutcome, VaultOverview};
use result_vault_engine::vault::CreateWith as EngineCreateWith;
use result_vault_engine::{Error, ErrorKind};
use tauri::State;
use zeroize::Zeroizing;

use crate::confirmations;
use crate::ipc_types::{BackupCreated, CreateWith, E2eMode, PhraseCheck};
use crate::ipc_types::{BackupVerified, KeyChanged, KeysImported};
use crate::state::AppState;

fn no_passphrase() -> Error {
    Error::new(ErrorKind::WrongPassphrase, "No passphrase was given.", "Type a passphrase.")
}

/// How the ring on disk is protected (`none` when there is none yet), without unlocking it.
#[tauri::command]
pub async fn vault_protection(state: State<'_, AppState>) -> Result<ProtectionKind, Error> {
    state.run(|e| e.protection()).await
}

/// Opens (or creates) the key ring: with the keychain, or with `passphrase`.
#[tauri::command]
pub async fn vault_open(
    state: State<'_, AppState>,
    passphrase: Option<String>,
    create_with: Option<CreateWith>,
) -> Result<VaultOverview, Error> {
    let passphrase = passphrase.map(Zeroizing::new);
    state
        .run(move |e| match create_with {
            // "Use a passphrase instead" of an unreachable keychain.
            Some(CreateWith::Passphrase) => e.use_passphrase_instead(passphrase.ok_or_else(no_passphrase)?),
            _ => {
                let with = if passphrase.is_some() { EngineCreateWith::Passphrase } else { EngineCreateWith::Keychain };
                e.open_vault(with, || passphrase.ok_or_else(no_passphrase))
            }
        })
        .await
}

/// The open ring's overview, as on disk now (another process may have changed it).
#[tauri::command]
pub async fn keys_overview(state: State<'_, AppState>) -> Result<VaultOverview, Error> {
    state.run(|e| e.keys_overview()).await
}

/// Generates an RSA-4096 key (seconds) and adds it; `cancel_job(job_id)` stops it.
#[tauri::command]
pub async fn keys_generate(state: State<'_, AppState>, label: String, job_id: String) -> Result<KeysImported, Error> {
    let id = job_id.clone();
    let out = state
        .run(move |e| {
            let outcome = e.generate_key(&label, &e.job(&id))?;
            Ok(KeysImported { outcomes: vec![outcome], overview: e.keys_overview()? })
        })
        .await;
    state.engine.end_job(&job_id);
    out
}

/// Imports a key file or a `.secrets/beneficiary` folder; returns what was added and the ring
/// after (every key ring change below does so: the window reads nothing again).
#[tauri::command]
pub async fn keys_import_path(state: State<'_, AppState>, path: String) -> Result<KeysImported, Error> {
    let path = state.grants.readable(&path)?;
    state.run(move |e| Ok(KeysImported { outcomes: e.import_key_path(&path)?, overview: e.keys_overview()? })).await
}

/// Imports a pasted PEM.
#[tauri::command]
pub async fn keys_import_pem(state: State<'_, AppState>, pem: String, label: String) -> Result<KeysImported, Error> {
    let pem = Zeroizing::new(pem);
    state
        .run(move |e| {
            Ok(KeysImported { outcomes: vec![e.import_key_pem(&pem, &label)?], overview: e.keys_overview()? })
        })
        .await
}

/// Renames a key.
#[tauri::command]
pub async fn keys_rename(state: State<'_, AppState>, fingerprint: String, label: String) -> Result<KeySummary, Error> {
    state.run(move |e| e.rename_key(&fingerprint, &label)).await
}

/// Retires a key (it still decrypts).
#[tauri::command]
pub async fn keys_retire(state: State<'_, AppState>, fingerprint: String) -> Result<KeyChanged, Error> {
    state.run(move |e| Ok(KeyChanged { key: e.retire_key(&fingerprint)?, overview: e.keys_overview()? })).await
}

/// Deletes a key held by a verified recovery kit (`backup_required` otherwise).
#[tauri::command]
pub async fn keys_delete(state: State<'_, AppState>, fingerprint: String) -> Result<KeyChanged, Error> {
    state.run(move |e| Ok(KeyChanged { key: e.delete_key(&fingerprint)?, overview: e.keys_overview()? })).await
}

/// The file name the iexec CLI uses for a key (`<0xAddress>_key` or `_key.pub`).
#[tauri::command]
pub async fn keys_suggest_name(
    state: State<'_, AppState>,
    fingerprint: String,
    private: bool,
) -> Result<String, Error> {
    state.run(move |e| e.key_file_name(&fingerprint, private)).await
}

/// Exports a public key (SPKI PEM) to `path`, which the user chose in the save dialog
/// (`pick_path`, which already asked about replacing): `invalid_input` for any other path.
#[tauri::command]
pub async fn keys_export_public(
    state: State<'_, AppState>,
    fingerprint: String,
    path: String,
) -> Result<String, Error> {
    let path = state.grants.take_write(&path)?;
    state.run(move |e| e.export_public_key(&fingerprint, Some(&path), true)).await.map(|p| p.display().to_string())
}

/// Exports a private key (PKCS#8 PEM) to `path`: the one explicit export. The path must be the
/// user's choice in the save dialog (`invalid_input` otherwise), and the user confirms in a
/// system dialog that names the key and the file (`cancelled` when they decline).
#[tauri::command]
pub async fn keys_export_private(
    app: tauri::AppHandle,
    state: State<'_, AppState>,
    fingerprint: String,
    path: String,
) -> Result<String, Error> {
    let path = state.grants.take_write(&path)?;
    let fp = fingerprint.clone();
    let label = state
        .run(move |e| {
            let keys = e.keys_overview()?.keys;
            keys.into_iter().find(|k| k.fingerprint == fp).map(|k| k.label).ok_or_else(|| {
                Error::new(ErrorKind::KeyNotFound, format!("No key {fp} in the key ring."), "Refresh the list of keys.")
            })
        })
        .await?;
    state.confirm(&app, confirmations::export_private(&state.native, &label, &path.display().to_string())).await?;
    state.run(move |e| e.export_private_key(&fingerprint, Some(&path), true)).await.map(|p| p.display().to_string())
}

/// Writes a recovery kit to `path` and returns its words, to be shown once, and the ring after.
/// The path must be the user's choice in the save dialog (`invalid_input` otherwise), and the
/// user confirms in a system dialog (`cancelled` when they decline), so a script in the window
/// cannot get the words of a kit by itself.
#[tauri::command]
pub async fn backup_create(
    app: tauri::AppHandle,
    state: State<'_, AppState>,
    path: String,
) -> Result<BackupCreated, Error> {
    let path = state.grants.take_write(&path)?;
    let count = state.run(|e| Ok(e.keys_overview()?.keys.len())).await?;
    state.confirm(&app, confirmations::write_kit(&state.native, count, &path.display().to_string())).await?;
    let (b, overview) = state.run(move |e| Ok((e.backup(&path, true)?, e.keys_overview()?))).await?;
    Ok(BackupCreated {
        file: b.file.display().to_string(),
        words: b.phrase.words().iter().map(|w| w.to_string()).collect(),
        fingerprints: b.fingerprints,
        kit_id: b.kit_id,
        overview,
    })
}

/// Test-restores a kit in memory with `words` (age scrypt: about a second); marks it verified and
/// returns the ring after (its keys backed up: the window reads nothing again).
#[tauri::command]
pub async fn backup_verify(state: State<'_, AppState>, path: String, words: String) -> Result<BackupVerified, Error> {
    let words = Zeroizing::new(words);
    let path = state.grants.readable(&path)?;
    state
        .run(move |e| Ok(BackupVerified { outcome: e.verify_backup(&path, &words)?, overview: e.keys_overview()? }))
        .await
}

/// Checks typed words (count, word list with the position of an unknown word, checksum):
/// microseconds of CPU, no I/O.
#[tauri::command]
pub fn phrase_check(words: String) -> PhraseCheck {
    let words = Zeroizing::new(words);
    match check_phrase(&words) {
        Ok(_) => PhraseCheck { valid: true, error: None },
        Err(e) => PhraseCheck { valid: false, error: Some(e) },
    }
}

/// BIP39 English words starting with `prefix` (at most 8), for completion (no I/O).
#[tauri::command]
pub fn phrase_complete(prefix: String) -> Vec<String> {
    if prefix.is_empty() {
        return Vec::new();
    }
    complete_word(&prefix).into_iter().take(8).map(str::to_owned).collect()
}

/// Restores a kit into the ring (creating the ring if there is none: with the keychain, or with
/// `passphrase`; an unreadable ring is set aside first, as the engine does for every host).
#[tauri::command]
pub async fn restore_kit(
    app: tauri::AppHandle,
    state: State<'_, AppState>,
    path: String,
    words: String,
    passphrase: Option<String>,
) -> Result<RestoreOutcome, Error> {
    let words = Zeroizing::new(words);
    let passphrase = passphrase.map(Zeroizing::new);
    let with = if passphrase.is_some() { EngineCreateWith::Passphrase } else { EngineCreateWith::Keychain };
    let path = state.grants.readable(&path)?;
    // A ring that cannot be opened is set aside only if the user agrees, in a system dialog.
    let (native, handle) = (state.native.clone(), app.clone());
    state
        .run(move |e| {
            e.restore(
                &path,
                &words,
                with,
                || passphrase.ok_or_else(no_passphrase),
                |why| native.confirm(&handle, &confirmations::set_aside(&native, why)),
            )
        })
        .await
}

/// The end-to-end test mode. Only an end-to-end build (cargo feature `e2e`, never packaged)
/// reads `RESULT_VAULT_E2E` at launch: `1` turns the test hooks on (the dialog answers, the
/// `openPath` grant) and keeps the first-run tour from starting by itself, so each test starts
/// on the open screen; `tour` turns the hooks on and lets the tour start as for a user.
/// Anything else, and every other build: `off`.
#[tauri::command]
pub fn e2e_mode() -> E2eMode {
    if !cfg!(feature = "e2e") {
        return E2eMode::Off;
    }
    match std::env::var("RESULT_VAULT_E2E").as_deref() {
        Ok("1") => E2eMode::Hooks,
        Ok("tour") => E2eMode::Tour,
        _ => E2eMode::Off,
    }
}

/// The key rings a restore set aside (file names in the data folder), newest first.
#[tauri::command]
pub async fn keyring_set_aside_list(state: State<'_, AppState>) -> Result<Vec<String>, Error> {
    state.run(|e| Ok(e.set_aside_rings())).await
}

/// Reopens a set-aside ring after a native confirmation (`cancelled` when declined): the
/// current ring is set aside in its turn, never deleted. The window then opens the ring again.
#[tauri::command]
pub async fn keyring_reopen_set_aside(
    app: tauri::AppHandle,
    state: State<'_, AppState>,
    name: String,
) -> Result<(), Error> {
    state.confirm(&app, confirmations::reopen_set_aside(&state.native, &name)).await?;
    state.run(move |e| e.reopen_set_aside(&name)).await
}
