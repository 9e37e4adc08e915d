//! The file dialogs, opened by Rust ([`crate::native`]): what the user picks is granted to the
//! commands that read or write it ([`crate::grants`]); nothing else is. The language of native
//! dialogs follows the window's.

use tauri::State;

use crate::native::PickKind;
use crate::state::AppState;
use result_vault_engine::Error;

/// Shows the system's file dialog for `kind` (`default_name`: the file name a save dialog
/// proposes) and grants the chosen path: reading for an open dialog, one write for a save
/// dialog (which asked about replacing). `None` when the user closes it.
#[tauri::command]
pub async fn pick_path(
    app: tauri::AppHandle,
    state: State<'_, AppState>,
    kind: PickKind,
    default_name: Option<String>,
) -> Result<Option<String>, Error> {
    let native = state.native.clone();
    let chosen = tauri::async_runtime::spawn_blocking(move || native.pick(&app, kind, default_name.as_deref()))
        .await
        .map_err(|e| Error::internal(format!("dialog failed: {e}")))?;
    let Some(path) = chosen else { return Ok(None) };
    if kind.saves() {
        state.grants.grant_write(&path);
    } else {
        state.grants.grant_read([&path]);
    }
    Ok(Some(path.display().to_string()))
}

/// The window's language (a BCP 47 tag such as `fr-FR`), for the native dialogs. No I/O; async
/// as every command that takes the app's state, since Tauri runs a synchronous command on the main
/// thread (docs/ipc-contract.md, "Threads and state").
#[tauri::command]
pub async fn set_language(state: State<'_, AppState>, tag: String) -> Result<(), Error> {
    state.native.set_language(&tag);
    Ok(())
}

/// End-to-end builds only: the next file dialog returns `path` (granted as a user's choice).
#[cfg(feature = "e2e")]
#[tauri::command]
pub async fn e2e_next_dialog_path(state: State<'_, AppState>, path: String) -> Result<(), Error> {
    state.native.e2e().paths.push_back(path.into());
    Ok(())
}

/// End-to-end builds only: the next confirmation is answered `yes` (or not).
#[cfg(feature = "e2e")]
#[tauri::command]
pub async fn e2e_next_confirm(state: State<'_, AppState>, yes: bool) -> Result<(), Error> {
    state.native.e2e().confirms.push_back(yes);
    Ok(())
}

/// End-to-end builds only: every confirmation asked so far ("title: message").
#[cfg(feature = "e2e")]
#[tauri::command]
pub async fn e2e_dialogs_asked(state: State<'_, AppState>) -> Result<Vec<String>, Error> {
    Ok(state.native.e2e().asked.clone())
}

/// End-to-end builds only: grants reading `path` as if the user had dropped it (the e2e
/// `openPath` hook).
#[cfg(feature = "e2e")]
#[tauri::command]
pub async fn e2e_grant(state: State<'_, AppState>, path: String) -> Result<(), Error> {
    state.grants.grant_read([path]);
    Ok(())
}

/// End-to-end builds only: closes the main window as its close button does (WebDriver has no
/// window manager to ask): with "keep in the tray", the watch goes to the tray.
#[cfg(feature = "e2e")]
#[tauri::command]
pub async fn e2e_close_window(window: tauri::WebviewWindow) -> Result<(), Error> {
    window.close().map_err(|e| Error::internal(format!("close: {e}")))
}
