//! Result Vault's desktop shell: a thin Tauri v2 adapter over `result-vault-engine`.
//!
//! - [`commands`]: the IPC commands, grouped by domain: arguments, dialogs and progress
//!   channels only; every use-case is a method of the engine, run on the blocking pool (never on
//!   the main thread). Each returns `Result<T, Error>`, so errors cross IPC as
//!   `{ kind, message, hint }`.
//! - [`state`]: the engine, and the files the app was started with.
//! - [`ipc_types`]: shapes that exist only at the IPC boundary; with the core's, they are
//!   generated into `ui/src/lib/ipc/bindings.ts` (see `tests/bindings.rs`).

pub mod background;
pub mod commands;
pub mod confirmations;
pub mod display;
pub mod grants;
pub mod ipc_types;
pub mod logging;
pub mod native;
pub mod paths;
pub mod state;

use tauri::{Emitter, Manager};

/// The files named on a command line (`result-vault-app FILE…`, as the file manager's "Open
/// with" runs it): existing files only, absolute.
pub fn file_args(argv: &[String]) -> Vec<String> {
    argv.iter()
        .skip(1)
        .filter(|a| !a.starts_with('-'))
        .map(|a| a.strip_prefix("file://").unwrap_or(a).to_owned())
        .filter_map(|a| std::fs::canonicalize(&a).ok())
        .filter(|p| p.is_file())
        .map(|p| p.display().to_string())
        .collect()
}

/// The argument that starts the app in the tray without a window ("start when I log in").
pub const BACKGROUND_ARG: &str = "--background";

/// Builds and runs the app (blocks until the last window closes).
pub fn run() {
    // Started in the background ("start when I log in"): no window and no web view at all
    // until one is asked for, so the watch costs the Rust process alone.
    let mut context = tauri::generate_context!();
    if std::env::args().any(|a| a == BACKGROUND_ARG) {
        for w in &mut context.config_mut().app.windows {
            w.create = false;
        }
    }
    let result = tauri::Builder::default()
        // First, so that a second launch hands its files to this window and exits at once.
        .plugin(tauri_plugin_single_instance::init(|app, argv, _cwd| {
            if let Some(focus) = background::show_results_arg(&argv) {
                background::show_results(app, focus);
                return;
            }
            let made = background::show_main_window(app);
            let paths = file_args(&argv);
            log::info!("second launch: {} file(s) handed to the open window", paths.len());
            if let Some(state) = app.try_state::<state::AppState>() {
                state.grants.grant_read(&paths);
                // A window made just now (the app was in the tray) takes them when it loads.
                if made {
                    state.startup_paths.lock().unwrap_or_else(|e| e.into_inner()).extend(paths.iter().cloned());
                }
            }
            if !paths.is_empty() && !made {
                let _ = app.emit("open-paths", paths);
            }
        }))
        .plugin(logging::plugin())
        .plugin(tauri_plugin_dialog::init())
        .plugin(tauri_plugin_opener::init())
        .plugin(tauri_plugin_notification::init())
        // "Start when I log in" starts in the tray, without a window (`--background`).
        .plugin(tauri_plugin_autostart::init(
            tauri_plugin_autostart::MacosLauncher::LaunchAgent,
            Some(vec![BACKGROUND_ARG]),
        ))
        .setup(|app| {
            let dirs = <paths::AppDirs as paths::ResolveDirs>::resolve(app.handle())?;
            log::info!("Result Vault {} started; data folder {}", env!("CARGO_PKG_VERSION"), dirs.data.display());
            let engine = result_vault_engine::Engine::new(dirs);
            // Downloads that were running when the app stopped resume from their partial file;
            // temporary outputs a crash left are removed.
            engine.start();
            let argv: Vec<String> = std::env::args().collect();
            app.manage(state::AppState::new(engine, file_args(&argv)));
            let background = argv.iter().any(|a| a == BACKGROUND_ARG);
            if let Some(state) = app.try_state::<state::AppState>() {
                // Started by a click on the tray process's notification: the window opens on it.
                if let Some(focus) = background::show_results_arg(&argv) {
                    *state.watcher.focus.lock().unwrap_or_else(|e| e.into_inner()) = Some(focus);
                }
                // Results come to the user: the tray, the watch in the background, and a click
                // on its notification.
                background::tray(app.handle(), &state.native);
                background::on_notification_click(app.handle());
                if background && background::keeps_running(app.handle()) {
                    // At login, on Linux, the light tray process watches instead (this process
                    // becomes it); elsewhere, or without it, the app stays in the tray itself.
                    background::become_tray(app.handle());
                }
            }
            background::start(app.handle());
            // Started in the background (at login): the configuration made no window (see
            // `run`); without a tray to bring it up later, the window is made now after all.
            if background {
                if background::keeps_running(app.handle()) {
                    log::info!("started in the background: no window until it is asked for");
                } else {
                    background::show_main_window(app.handle());
                }
            }
            Ok(())
        })
        // What the user drags onto the window may be read (the native event, before the web
        // view hears of it): see `grants`.
        .on_window_event(|window, event| {
            // Closed to the tray: the window and its web view go; the app stays (ExitRequested).
            if let tauri::WindowEvent::CloseRequested { .. } = event {
                let app = window.app_handle();
                if background::keeps_running(app) {
                    background::explain_first_close(app);
                    // On Linux the light tray process takes the watch over and this one ends.
                    if background::hand_over_to_tray(app) {
                        app.exit(0);
                    }
                }
            }
            if let tauri::WindowEvent::DragDrop(
                tauri::DragDropEvent::Enter { paths, .. } | tauri::DragDropEvent::Drop { paths, .. },
            ) = event
            {
                if let Some(state) = window.try_state::<state::AppState>() {
                    state.grants.grant_read(paths);
                }
            }
        })
        .invoke_handler(tauri::generate_handler![
            // The test hooks exist only in end-to-end builds (never in a package).
            #[cfg(feature = "e2e")]
            commands::dialogs::e2e_next_dialog_path,
            #[cfg(feature = "e2e")]
            commands::dialogs::e2e_next_confirm,
            #[cfg(feature = "e2e")]
            commands::dialogs::e2e_dialogs_asked,
            #[cfg(feature = "e2e")]
            commands::dialogs::e2e_grant,
            #[cfg(feature = "e2e")]
            commands::dialogs::e2e_close_window,
            commands::dialogs::pick_path,
            commands::results::library_list,
            commands::results::library_files,
            commands::results::library_preview,
            commands::results::library_delete,
            commands::results::watch_status,
            commands::results::watch_settings_save,
            commands::results::watch_check_now,
            commands::results::results_take_focus,
            commands::dialogs::set_language,
            commands::archive::inspect_archive,
            commands::archive::open_archive,
            commands::archive::cancel_job,
            commands::archive::check_drop,
            commands::key_paths::key_locations,
            commands::key_paths::remember_key_path,
            commands::key_paths::forget_key_path,
            commands::files::reveal_output,
            commands::files::open_output_file,
            commands::files::startup_paths,
            commands::files::open_log_folder,
            commands::vault::vault_protection,
            commands::vault::vault_open,
            commands::vault::keys_overview,
            commands::vault::keys_generate,
            commands::vault::keys_import_path,
            commands::vault::keys_import_pem,
            commands::vault::keys_rename,
            commands::vault::keys_retire,
            commands::vault::keys_delete,
            commands::vault::keys_suggest_name,
            commands::vault::keys_export_public,
            commands::vault::keys_export_private,
            commands::vault::backup_create,
            commands::vault::backup_verify,
            commands::vault::phrase_check,
            commands::vault::phrase_complete,
            commands::vault::restore_kit,
            commands::vault::keyring_set_aside_list,
            commands::vault::keyring_reopen_set_aside,
            commands::vault::e2e_mode,
            commands::tasks::networks_list,
            commands::tasks::network_save,
            commands::tasks::network_reset,
            commands::tasks::watched_list,
            commands::tasks::watched_add,
            commands::tasks::watched_remove,
            commands::tasks::tasks_list,
            commands::tasks::tasks_refresh,
            commands::tasks::tasks_add_by_id,
            commands::tasks::task_fetch,
            commands::tasks::task_discard_download,
            commands::wallet::wallets_list,
            commands::wallet::keystores_found,
            commands::wallet::wallet_import_file,
            commands::wallet::wallet_import_key,
            commands::wallet::wallet_remove,
            commands::wallet::wallet_needs_password,
            commands::wallet::sms_status,
            commands::wallet::sms_push,
            commands::wallet::rotation_status,
            commands::wallet::rotation_start,
            commands::wallet::rotation_generate,
            commands::wallet::rotation_check_kit,
            commands::wallet::rotation_push,
            commands::wallet::rotation_finish,
        ])
        .build(context);
    match result {
        Ok(app) => app.run(|app, event| {
            // The last window closed: stay in the tray when the settings say so; "Quit" exits.
            if let tauri::RunEvent::ExitRequested { api, code: None, .. } = event {
                if background::keeps_running(app) {
                    api.prevent_exit();
                }
            }
        }),
        Err(e) => {
            eprintln!("Result Vault could not start: {e}");
            std::process::exit(1);
        }
    }
}
