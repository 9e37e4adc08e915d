//! Opening what the app wrote, in the system's file manager or default application. Only paths
//! inside outputs of this session are accepted, so the UI cannot be used to open arbitrary files.

use std::path::Path;

use result_vault_core::{Error, ErrorKind};
use result_vault_engine::open_policy::{could_run, OpenedFile};
use tauri::State;
use tauri_plugin_opener::OpenerExt;

use crate::state::AppState;

fn refuse(path: &str) -> Error {
    Error::new(
        ErrorKind::InvalidInput,
        format!("{path} is not a result Result Vault opened (in this session or in its Results library)."),
        "Open the result again, then use its Open buttons.",
    )
}

/// Opens an output folder in the file manager (async: off the main thread, as every command
/// that touches the disk).
#[tauri::command]
pub async fn reveal_output(app: tauri::AppHandle, state: State<'_, AppState>, path: String) -> Result<(), Error> {
    if !state.engine.is_known_output(Path::new(&path)) {
        return Err(refuse(&path));
    }
    app.opener().open_path(&path, None::<&str>).map_err(|e| {
        Error::new(ErrorKind::Io, format!("Could not open {path}: {e}."), "Open the folder from your file manager.")
    })
}

/// Opens one file of an output with the system's default application, unless opening it could
/// run a program (an executable, a script, a shortcut, an installer: see
/// `result_vault_engine::open_policy`): then it is shown selected in its folder, and the answer
/// says so for the window to explain why.
#[tauri::command]
pub async fn open_output_file(
    app: tauri::AppHandle,
    state: State<'_, AppState>,
    path: String,
) -> Result<OpenedFile, Error> {
    if !state.engine.is_known_output(Path::new(&path)) {
        return Err(refuse(&path));
    }
    if could_run(Path::new(&path)) {
        log::info!("a result's file that could run a program was shown in its folder, not opened");
        app.opener().reveal_item_in_dir(&path).map_err(|e| {
            Error::new(ErrorKind::Io, format!("Could not show {path}: {e}."), "Open its folder from your file manager.")
        })?;
        return Ok(OpenedFile::ShownInFolder);
    }
    app.opener().open_path(&path, None::<&str>).map_err(|e| {
        Error::new(ErrorKind::Io, format!("Could not open {path}: {e}."), "Open the file from your file manager.")
    })?;
    Ok(OpenedFile::Opened)
}

/// The files the app was started with ("Open with" in the file manager), once: later calls
/// return nothing. A second launch sends its files as the `open-paths` event instead.
#[tauri::command]
pub async fn startup_paths(state: State<'_, AppState>) -> Result<Vec<String>, Error> {
    Ok(std::mem::take(&mut *state.startup_paths.lock().unwrap_or_else(|e| e.into_inner())))
}

/// Opens the log folder in the file manager (Settings > Open the log folder).
#[tauri::command]
pub async fn open_log_folder(app: tauri::AppHandle) -> Result<(), Error> {
    use tauri::Manager;
    let dir = match crate::logging::log_dir_override() {
        Some(d) => d,
        None => app.path().app_log_dir().map_err(|e| Error::internal(format!("log folder: {e}")))?,
    };
    std::fs::create_dir_all(&dir).map_err(|e| Error::io("create", &dir, &e))?;
    app.opener().open_path(dir.display().to_string(), None::<&str>).map_err(|e| {
        Error::new(
            ErrorKind::Io,
            format!("Could not open {}: {e}.", dir.display()),
            "Open the folder by hand: its path is in this message.",
        )
    })
}
