//! Where the user's keys are (paths only; keys are read when a result is opened).

use std::path::{Path, PathBuf};

use result_vault_core::keys::{key_files_in, load_keys};
use result_vault_core::VaultError;
use tauri::State;

use crate::ipc_types::{KeyLocation, KeyLocationKind};
use crate::state::AppState;

/// Remembered key paths first (most recent first), then `./.secrets/beneficiary` and
/// `~/.secrets/beneficiary` when they hold `*_key` files (where the iexec CLI saves keys).
#[tauri::command]
pub fn key_locations(state: State<'_, AppState>) -> Vec<KeyLocation> {
    let remembered = state.settings.lock().unwrap_or_else(|e| e.into_inner()).key_paths.clone();
    let mut out: Vec<KeyLocation> = remembered.iter().filter_map(|p| describe(p, true).ok()).collect();
    for found in conventional_folders() {
        if !out.iter().any(|l| Path::new(&l.path) == found) {
            if let Ok(loc) = describe(&found, false) {
                out.push(loc);
            }
        }
    }
    out
}

/// Checks that `path` holds private keys and remembers it (first in the list).
///
/// Errors: `invalid_key_file` (not a private key, or a folder with none), `io`.
#[tauri::command]
pub async fn remember_key_path(state: State<'_, AppState>, path: String) -> Result<KeyLocation, VaultError> {
    let p = std::path::absolute(&path).map_err(|e| VaultError::io("resolve", Path::new(&path), &e))?;
    let check = p.clone();
    let loc = crate::commands::archive::run_blocking(move || {
        let keys = load_keys(&check)?;
        Ok(KeyLocation {
            path: check.display().to_string(),
            kind: if check.is_dir() { KeyLocationKind::Folder } else { KeyLocationKind::File },
            key_count: keys.len() as u32,
            remembered: true,
        })
    })
    .await?;
    let mut settings = state.settings.lock().unwrap_or_else(|e| e.into_inner());
    settings.key_paths.retain(|k| k != &p);
    settings.key_paths.insert(0, p);
    settings.save(&state.dirs.data)?;
    Ok(loc)
}

/// Forgets a remembered key path (the key files are not touched).
#[tauri::command]
pub fn forget_key_path(state: State<'_, AppState>, path: String) -> Result<(), VaultError> {
    let mut settings = state.settings.lock().unwrap_or_else(|e| e.into_inner());
    settings.key_paths.retain(|k| k != Path::new(&path));
    settings.save(&state.dirs.data)
}

/// The folders where the iexec CLI leaves keys.
fn conventional_folders() -> Vec<PathBuf> {
    let mut v = Vec::new();
    if let Ok(cwd) = std::env::current_dir() {
        v.push(cwd.join(".secrets/beneficiary"));
    }
    if let Some(home) = std::env::var_os("HOME").filter(|h| !h.is_empty()) {
        v.push(PathBuf::from(home).join(".secrets/beneficiary"));
    }
    v
}

/// Counts the keys at `path` without parsing them (a cheap look for the list).
fn describe(path: &Path, remembered: bool) -> Result<KeyLocation, VaultError> {
    let meta = std::fs::metadata(path).map_err(|e| VaultError::io("read", path, &e))?;
    let (kind, key_count) = if meta.is_dir() {
        let n = key_files_in(path)?.len() as u32;
        if n == 0 {
            return Err(VaultError::invalid_key(
                format!("The folder {} holds no private key.", path.display()),
                "Choose a key file or a `.secrets/beneficiary` folder that holds `*_key` files.",
            ));
        }
        (KeyLocationKind::Folder, n)
    } else {
        (KeyLocationKind::File, 1)
    };
    Ok(KeyLocation { path: path.display().to_string(), kind, key_count, remembered })
}
