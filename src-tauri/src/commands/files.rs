//! Opening what the app wrote, in the system's file manager or default application. Only paths
//! inside outputs of this session are accepted, so the UI cannot be used to open arbitrary files.

use std::path::Path;

use result_vault_core::{ErrorKind, VaultError};
use tauri::State;
use tauri_plugin_opener::OpenerExt;

use crate::state::AppState;

fn refuse(path: &str) -> VaultError {
    VaultError::new(
        ErrorKind::Io,
        format!("{path} is not a result Result Vault wrote in this session."),
        "Open the result again, then use its Open buttons.",
    )
}

/// Opens an output folder in the file manager.
#[tauri::command]
pub fn reveal_output(app: tauri::AppHandle, state: State<'_, AppState>, path: String) -> Result<(), VaultError> {
    if !state.is_known_output(Path::new(&path)) {
        return Err(refuse(&path));
    }
    app.opener().open_path(&path, None::<&str>).map_err(|e| {
        VaultError::new(
            ErrorKind::Io,
            format!("Could not open {path}: {e}."),
            "Open the folder from your file manager.",
        )
    })
}

/// Opens one file of an output with the system's default application.
#[tauri::command]
pub fn open_output_file(app: tauri::AppHandle, state: State<'_, AppState>, path: String) -> Result<(), VaultError> {
    if !state.is_known_output(Path::new(&path)) {
        return Err(refuse(&path));
    }
    app.opener().open_path(&path, None::<&str>).map_err(|e| {
        VaultError::new(ErrorKind::Io, format!("Could not open {path}: {e}."), "Open the file from your file manager.")
    })
}
