//! The results library, the safe preview and the background watch over IPC: adapters over
//! [`result_vault_engine::library`] and [`result_vault_engine::watch`], run on the blocking pool.

use result_vault_engine::library::{FilePreview, LibraryFile, LibraryItem};
use result_vault_engine::watch::{WatchReport, WatchSettings};
use result_vault_engine::Error;
use serde::Serialize;
use tauri::State;
use ts_rs::TS;

use crate::state::AppState;

/// The background watch as the window shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct WatchStatus {
    /// The last check, if one ran in this run of the app.
    pub last: Option<WatchReport>,
    /// A check is running now.
    pub running: bool,
    /// The settings.
    pub settings: WatchSettings,
}

/// The library, newest first; `query` searches app, task, network, key and paths.
#[tauri::command]
pub async fn library_list(state: State<'_, AppState>, query: Option<String>) -> Result<Vec<LibraryItem>, Error> {
    state.run(move |e| e.library(query.as_deref())).await
}

/// The files of result `id`. Errors: `invalid_input`, `io` (moved or deleted outside the app).
#[tauri::command]
pub async fn library_files(state: State<'_, AppState>, id: i64) -> Result<Vec<LibraryFile>, Error> {
    state.run(move |e| e.library_files(id)).await
}

/// The preview of the file `path` (relative) of result `id`, read from its folder only.
#[tauri::command]
pub async fn library_preview(state: State<'_, AppState>, id: i64, path: String) -> Result<FilePreview, Error> {
    state.run(move |e| e.preview(id, &path)).await
}

/// Deletes the decrypted files of result `id` (and its archive with `archive`), after a native
/// confirmation that names them (`cancelled` when declined).
#[tauri::command]
pub async fn library_delete(
    app: tauri::AppHandle,
    state: State<'_, AppState>,
    id: i64,
    archive: bool,
) -> Result<(), Error> {
    let entry = state.run(move |e| e.library_entry(id)).await?;
    let r = &entry.record;
    let what = r.app.clone().or(r.task_id.clone()).unwrap_or_else(|| r.archive_path.clone());
    state.confirm(&app, crate::confirmations::delete_result(&state.native, &what, &r.output_path, archive)).await?;
    state.run(move |e| e.delete_result(id, archive)).await
}

/// The watch: the last check, whether one runs, the settings.
#[tauri::command]
pub async fn watch_status(state: State<'_, AppState>) -> Result<WatchStatus, Error> {
    let settings = state.run(|e| Ok(e.watch_settings())).await?;
    let w = &state.watcher;
    Ok(WatchStatus { last: w.watch.last(), running: w.watch.running(), settings })
}

/// Saves the watch settings; the loop uses them at once. Errors: `invalid_input`, `io`, `busy`.
#[tauri::command]
pub async fn watch_settings_save(
    app: tauri::AppHandle,
    state: State<'_, AppState>,
    settings: WatchSettings,
) -> Result<WatchSettings, Error> {
    let saved = state.run(move |e| e.set_watch_settings(settings)).await?;
    state.watcher.set_settings(saved.clone());
    // "Start when I log in": the system's own autostart entry (an XDG autostart file, a launch
    // agent, the Run key), which starts the app with `--background`.
    let login = saved.start_at_login;
    let _ = tauri::async_runtime::spawn_blocking(move || {
        use tauri_plugin_autostart::ManagerExt;
        let launcher = app.autolaunch();
        let done = if login { launcher.enable() } else { launcher.disable() };
        if let Err(e) = done {
            log::warn!("start at login could not be {}: {e}", if login { "set" } else { "removed" });
        }
    })
    .await;
    Ok(saved)
}

/// Checks now (the report comes as a `watch-status` event).
#[tauri::command]
pub async fn watch_check_now(state: State<'_, AppState>) -> Result<(), Error> {
    state.watcher.watch.wake();
    Ok(())
}

/// The result a clicked notification asked to show, taken once by a window made by the click:
/// a task id, empty for the whole list, or none.
#[tauri::command]
pub async fn results_take_focus(state: State<'_, AppState>) -> Result<Option<String>, Error> {
    Ok(state.watcher.focus.lock().unwrap_or_else(|e| e.into_inner()).take())
}
