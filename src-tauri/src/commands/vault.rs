//! The key ring over IPC. Private keys never cross IPC: only summaries, and files the user asked
//! to export are written by Rust. The recovery phrase crosses once, to be shown (backup_create).

use std::path::{Path, PathBuf};

use result_vault_core::progress::CancelToken;
use result_vault_core::vault::kit::{check_phrase, complete_word};
use result_vault_core::vault::model::{KeySource, KeySummary};
use result_vault_core::vault::{
    generate_key_pair, ImportOutcome, ProtectionKind, RestoreOutcome, Unlock, Vault, VaultOverview,
};
use result_vault_core::{ErrorKind, VaultError};
use tauri::State;
use zeroize::Zeroizing;

use crate::commands::archive::run_blocking;
use crate::ipc_types::{BackupCreated, CreateWith, E2eMode, PhraseCheck};
use crate::state::AppState;

fn not_open() -> VaultError {
    VaultError::new(
        ErrorKind::KeyringDamaged,
        "The key ring is not open.",
        "Open or unlock the key ring first (restart Result Vault if this persists).",
    )
}

/// Runs `f` on the open ring.
pub(crate) fn with_vault<T>(
    state: &AppState,
    f: impl FnOnce(&mut Vault) -> Result<T, VaultError>,
) -> Result<T, VaultError> {
    let mut guard = state.vault.lock().unwrap_or_else(|e| e.into_inner());
    f(guard.as_mut().ok_or_else(not_open)?)
}

/// How the ring on disk is protected (`none` when there is none yet), without unlocking it.
#[tauri::command]
pub fn vault_protection(state: State<'_, AppState>) -> Result<ProtectionKind, VaultError> {
    Vault::protection_kind(&state.dirs.data)
}

/// Opens (or creates) the key ring: with the keychain, or with `passphrase`.
#[tauri::command]
pub async fn vault_open(
    state: State<'_, AppState>,
    passphrase: Option<String>,
    create_with: Option<CreateWith>,
) -> Result<VaultOverview, VaultError> {
    let dir = state.dirs.data.clone();
    let unlock = match (passphrase, create_with) {
        (Some(p), _) => Unlock::Passphrase(Zeroizing::new(p)),
        (None, Some(CreateWith::Passphrase)) => {
            return Err(VaultError::new(ErrorKind::WrongPassphrase, "No passphrase was given.", "Type a passphrase."))
        }
        (None, _) => Unlock::Keychain,
    };
    let switch_to_passphrase = create_with == Some(CreateWith::Passphrase);
    let vault = run_blocking(move || {
        // Choosing a passphrase instead of an unreachable keychain: the keychain ring cannot be
        // opened, so it is set aside (kept on disk) and a new passphrase ring is made, to be
        // filled from the recovery kit.
        if switch_to_passphrase && Vault::protection_kind(&dir)? == ProtectionKind::Keychain {
            let moved = Vault::set_aside(&dir)?;
            log::warn!("keychain key ring set aside for a passphrase ring: {} files kept", moved.len());
        }
        Vault::open_or_create(&dir, &unlock)
    })
    .await
    .inspect_err(|e| log::warn!("key ring not opened: {}", e.kind))?;
    let overview = vault.overview();
    log::info!("key ring opened ({:?}, {} keys)", overview.protection, overview.keys.len());
    *state.vault.lock().unwrap_or_else(|e| e.into_inner()) = Some(vault);
    Ok(overview)
}

/// The open ring's overview.
#[tauri::command]
pub fn keys_overview(state: State<'_, AppState>) -> Result<VaultOverview, VaultError> {
    with_vault(&state, |v| Ok(v.overview()))
}

/// Generates an RSA-4096 key (seconds) off the UI thread, then adds it; `cancel_job(job_id)`
/// stops it.
#[tauri::command]
pub async fn keys_generate(
    state: State<'_, AppState>,
    label: String,
    job_id: String,
) -> Result<ImportOutcome, VaultError> {
    let cancel: CancelToken =
        state.jobs.lock().unwrap_or_else(|e| e.into_inner()).entry(job_id.clone()).or_default().clone();
    let key = run_blocking(move || generate_key_pair(&cancel)).await;
    state.jobs.lock().unwrap_or_else(|e| e.into_inner()).remove(&job_id);
    let key = key?;
    let label = if label.trim().is_empty() { "Result Vault key".to_owned() } else { label.trim().to_owned() };
    let r = with_vault(&state, |v| v.add_key(&key, &label, KeySource::Generated, Vec::new()))?;
    log::info!("key generated: {}", r.key.fingerprint);
    Ok(r)
}

/// Imports a key file or a `.secrets/beneficiary` folder.
#[tauri::command]
pub fn keys_import_path(state: State<'_, AppState>, path: String) -> Result<Vec<ImportOutcome>, VaultError> {
    with_vault(&state, |v| v.import_path(Path::new(&path)))
}

/// Imports a pasted PEM.
#[tauri::command]
pub fn keys_import_pem(state: State<'_, AppState>, pem: String, label: String) -> Result<ImportOutcome, VaultError> {
    let pem = Zeroizing::new(pem);
    let label = if label.trim().is_empty() { "Pasted key".to_owned() } else { label.trim().to_owned() };
    with_vault(&state, |v| v.import_pem(&pem, &label, KeySource::Pasted))
}

/// Renames a key.
#[tauri::command]
pub fn keys_rename(state: State<'_, AppState>, fingerprint: String, label: String) -> Result<KeySummary, VaultError> {
    with_vault(&state, |v| v.rename(&fingerprint, &label))
}

/// Retires a key (it still decrypts).
#[tauri::command]
pub fn keys_retire(state: State<'_, AppState>, fingerprint: String) -> Result<KeySummary, VaultError> {
    with_vault(&state, |v| v.retire(&fingerprint))
}

/// Deletes a key held by a verified recovery kit (`backup_required` otherwise).
#[tauri::command]
pub fn keys_delete(state: State<'_, AppState>, fingerprint: String) -> Result<KeySummary, VaultError> {
    with_vault(&state, |v| v.delete(&fingerprint))
}

/// The file name the iexec CLI uses for a key (`<0xAddress>_key` or `_key.pub`).
#[tauri::command]
pub fn keys_suggest_name(state: State<'_, AppState>, fingerprint: String, private: bool) -> Result<String, VaultError> {
    with_vault(&state, |v| {
        if private {
            v.export_private(&fingerprint).map(|r| r.1)
        } else {
            v.export_public(&fingerprint).map(|r| r.1)
        }
    })
}

/// Writes `content` to `path` (chosen in a save dialog, which already asked about replacing).
fn write_file(path: &Path, content: &[u8], private: bool) -> Result<String, VaultError> {
    let pending = result_vault_core::archive::output::PendingOutput::create(path, false, true)?;
    std::fs::write(pending.temp_path(), content).map_err(|e| VaultError::io("write", path, &e))?;
    #[cfg(unix)]
    if private {
        use std::os::unix::fs::PermissionsExt;
        let _ = std::fs::set_permissions(pending.temp_path(), std::fs::Permissions::from_mode(0o600));
    }
    #[cfg(not(unix))]
    let _ = private;
    Ok(pending.commit(true)?.display().to_string())
}

/// Exports a public key (SPKI PEM) to `path`.
#[tauri::command]
pub fn keys_export_public(state: State<'_, AppState>, fingerprint: String, path: String) -> Result<String, VaultError> {
    let (pem, _) = with_vault(&state, |v| v.export_public(&fingerprint))?;
    write_file(Path::new(&path), pem.as_bytes(), false)
}

/// Exports a private key (PKCS#8 PEM) to `path`: the one explicit export, confirmed in the UI.
#[tauri::command]
pub fn keys_export_private(
    state: State<'_, AppState>,
    fingerprint: String,
    path: String,
) -> Result<String, VaultError> {
    let (pem, _) = with_vault(&state, |v| v.export_private(&fingerprint))?;
    write_file(Path::new(&path), pem.0.as_bytes(), true)
}

/// Writes a recovery kit to `path` and returns its words, to be shown once.
#[tauri::command]
pub async fn backup_create(state: State<'_, AppState>, path: String) -> Result<BackupCreated, VaultError> {
    // The kit is made (age scrypt: about a second) while holding the ring: nothing else may
    // change the keys meanwhile.
    let b = with_vault(&state, |v| v.backup(&PathBuf::from(&path), true))?;
    log::info!("recovery kit {} written with {} keys", b.kit_id, b.fingerprints.len());
    Ok(BackupCreated {
        file: b.file.display().to_string(),
        words: b.phrase.words().iter().map(|w| w.to_string()).collect(),
        fingerprints: b.fingerprints,
        kit_id: b.kit_id,
    })
}

/// Test-restores a kit in memory with `words`; marks it verified.
#[tauri::command]
pub fn backup_verify(state: State<'_, AppState>, path: String, words: String) -> Result<RestoreOutcome, VaultError> {
    let words = Zeroizing::new(words);
    with_vault(&state, |v| v.verify_backup(Path::new(&path), &words))
}

/// Checks typed words (count, word list with the position of an unknown word, checksum).
#[tauri::command]
pub fn phrase_check(words: String) -> PhraseCheck {
    let words = Zeroizing::new(words);
    match check_phrase(&words) {
        Ok(_) => PhraseCheck { valid: true, error: None },
        Err(e) => PhraseCheck { valid: false, error: Some(e) },
    }
}

/// BIP39 English words starting with `prefix` (at most 8), for completion.
#[tauri::command]
pub fn phrase_complete(prefix: String) -> Vec<String> {
    if prefix.is_empty() {
        return Vec::new();
    }
    complete_word(&prefix).into_iter().take(8).map(str::to_owned).collect()
}

/// Restores a kit into the ring (creating the ring if there is none: with the keychain, or with
/// `passphrase`).
#[tauri::command]
pub async fn restore_kit(
    state: State<'_, AppState>,
    path: String,
    words: String,
    passphrase: Option<String>,
) -> Result<RestoreOutcome, VaultError> {
    let words = Zeroizing::new(words);
    // Check the words, and that they open this kit, before touching anything.
    let phrase = check_phrase(&words)?;
    {
        let kit = PathBuf::from(&path);
        let phrase = phrase.clone();
        run_blocking(move || {
            let bytes = std::fs::read(&kit).map_err(|e| VaultError::io("read", &kit, &e))?;
            result_vault_core::vault::kit::open_kit(&bytes, &phrase).map(|_| ())
        })
        .await?;
    }
    let is_open = state.vault.lock().unwrap_or_else(|e| e.into_inner()).is_some();
    if !is_open {
        let dir = state.dirs.data.clone();
        let unlock = match passphrase {
            Some(p) => Unlock::Passphrase(Zeroizing::new(p)),
            None => Unlock::Keychain,
        };
        let vault = run_blocking(move || match Vault::open_or_create(&dir, &unlock) {
            // The ring cannot be opened (damaged, its keychain entry gone, or its passphrase
            // forgotten): keep it aside and restore into a new one.
            Err(e) if matches!(e.kind, ErrorKind::KeyringDamaged | ErrorKind::WrongPassphrase) => {
                let moved = Vault::set_aside(&dir)?;
                log::warn!("unreadable key ring ({}) set aside before a restore: {} files kept", e.kind, moved.len());
                Vault::open_or_create(&dir, &unlock)
            }
            other => other,
        })
        .await?;
        *state.vault.lock().unwrap_or_else(|e| e.into_inner()) = Some(vault);
    }
    let r = with_vault(&state, |v| v.restore(Path::new(&path), &words))
        .inspect_err(|e| log::warn!("restore failed: {}", e.kind))?;
    log::info!("recovery kit {} restored: {} added", r.kit_id, r.added.len());
    Ok(r)
}

/// The end-to-end test mode, from `RESULT_VAULT_E2E` at launch: `1` turns the test hooks on
/// (the dialog path hook) and keeps the first-run tour from starting by itself, so each test
/// starts on the open screen; `tour` turns the hooks on and lets the tour start as for a user.
/// Anything else (or unset): `off`.
#[tauri::command]
pub fn e2e_mode() -> E2eMode {
    match std::env::var("RESULT_VAULT_E2E").as_deref() {
        Ok("1") => E2eMode::Hooks,
        Ok("tour") => E2eMode::Tour,
        _ => E2eMode::Off,
    }
}
