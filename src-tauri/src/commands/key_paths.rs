//! Key files and folders outside the key ring, by path only (remembered or found by convention):
//! adapters over [`result_vault_engine::key_paths`].

use std::path::PathBuf;

use result_vault_engine::key_paths::KeyLocation;
use result_vault_engine::Error;
use tauri::State;

use crate::state::AppState;

/// Remembered key paths first (most recent first), then `./.secrets/beneficiary` and
/// `~/.secrets/beneficiary` when they hold `*_key` files (where the iexec CLI saves keys).
#[tauri::command]
pub async fn key_locations(state: State<'_, AppState>) -> Result<Vec<KeyLocation>, Error> {
    state.run(|e| Ok(e.key_locations())).await
}

/// Checks that `path` holds private keys and remembers it (first in the list).
///
/// Errors: `invalid_key_file` (not a private key, or a folder with none), `io`.
#[tauri::command]
pub async fn remember_key_path(state: State<'_, AppState>, path: String) -> Result<KeyLocation, Error> {
    let path = state.grants.readable(&path)?;
    state.run(move |e| e.remember_key_path(&path)).await
}

/// Forgets a remembered key path (the key files are not touched).
#[tauri::command]
pub async fn forget_key_path(state: State<'_, AppState>, path: String) -> Result<(), Error> {
    state.run(move |e| e.forget_key_path(&PathBuf::from(path))).await
}
