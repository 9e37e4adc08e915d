//! Results come to the user: the background watch loop, its notification, the tray icon, and
//! closing the window to the tray (docs/design.md, "Background watch").
//!
//! - The loop runs the engine's [`check_now`](result_vault_engine::Engine::check_now) on the
//!   blocking pool every `interval_minutes` (backing off after failures), a few seconds after
//!   start, and whenever "Check now" is asked (tray or window). Each report goes to the window
//!   (`watch-status` event) and, when results appeared, to one OS notification for all of them.
//! - Closing the window with "keep in the tray" on destroys the window and its web view (the
//!   watch then costs the Rust process alone) and keeps the app running; "Open Result Vault"
//!   makes the window again.
//!
//! Notifications name the app and the task and say what state the result is in; never a file
//! name, a content or a secret.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use result_vault_engine::watch::{WatchReport, WatchSettings};
use result_vault_engine::watch_loop::{notification_focus, notification_text, wait_between_checks, Lang, WatchLoop};
use tauri::menu::{Menu, MenuItem};
use tauri::tray::TrayIconBuilder;
use tauri::{AppHandle, Emitter, Manager};
use tauri_plugin_notification::NotificationExt;

use crate::native::Native;
use crate::state::AppState;

/// The watch's state, shared by the loop, the commands and the tray.
#[derive(Default)]
pub struct Watcher {
    /// The engine's watch loop (settings, last report, "Check now").
    pub watch: WatchLoop,
    /// A tray icon is up (without one, closing the window quits).
    pub tray: AtomicBool,
    /// A clicked notification's result, for a window made by the click (taken once).
    pub focus: Mutex<Option<String>>,
}

impl Watcher {
    /// The settings known to the loop.
    pub fn settings(&self) -> WatchSettings {
        self.watch.settings()
    }

    /// Records new settings and wakes the loop (a new interval applies at once).
    pub fn set_settings(&self, s: WatchSettings) {
        self.watch.set_settings(s);
    }
}

/// Time between checks: the interval in minutes, or, in an end-to-end build only,
/// `RESULT_VAULT_WATCH_SECONDS` (tests cannot wait minutes).
fn wait_for(settings: &WatchSettings, failures: u32) -> Duration {
    #[cfg(feature = "e2e")]
    if let Some(s) = std::env::var("RESULT_VAULT_WATCH_SECONDS").ok().and_then(|v| v.parse::<u64>().ok()) {
        return Duration::from_secs(s.max(1) << failures.min(4));
    }
    wait_between_checks(settings, failures)
}

/// The language of the app's native texts.
fn lang(n: &Native) -> Lang {
    if n.french() {
        Lang::Fr
    } else {
        Lang::En
    }
}

/// Starts the loop (once, at start) on a thread of its own: the engine's loop blocks.
pub fn start(app: &AppHandle) {
    let Some(state) = app.try_state::<AppState>() else { return };
    let watcher = state.watcher.clone();
    let engine = state.engine.clone();
    let app = app.clone();
    let spawned = std::thread::Builder::new().name("watch".into()).spawn(move || {
        // One watcher at a time: a tray process left watching for this data folder stops.
        result_vault_engine::tray_lock::stop_tray(engine.data_dir(), Duration::from_secs(2));
        watcher.watch.use_settings(engine.watch_settings());
        watcher.watch.run(
            &engine,
            Duration::from_secs(3),
            wait_for,
            || {
                let _ = app.emit("watch-running", true);
            },
            |report| {
                if !report.new_results.is_empty() {
                    if let Some(state) = app.try_state::<AppState>() {
                        notify(&app, &state.native, report);
                    }
                }
                let _ = app.emit("watch-status", report.clone());
            },
        );
    });
    if let Err(e) = spawned {
        log::warn!("the background watch could not start: {e}");
    }
}

/// The key of a notification's `extra` that holds the result a click shows: a task id, or
/// empty for the Results screen (several results).
const FOCUS_EXTRA: &str = "result";

/// One OS notification for the check's new results, through Tauri's notification plugin on
/// every desktop (D-Bus `org.freedesktop.Notifications` on Linux, a toast on Windows, the
/// notification centre on macOS). Its click reaches [`on_notification_click`].
fn notify(app: &AppHandle, n: &Native, report: &WatchReport) {
    let (title, body) = notification_text(lang(n), &report.new_results);
    let focus = notification_focus(&report.new_results);
    match app.notification().builder().title(title).body(body).extra(FOCUS_EXTRA, focus).show() {
        Ok(()) => log::info!("notified {} new result(s)", report.new_results.len()),
        Err(e) => log::warn!("the notification could not be shown: {e}"),
    }
}

/// Registers what a click on one of the app's notifications does (the plugin reports it as the
/// action `tap`, on Linux, Windows and macOS alike): a result's notification shows that result
/// (or the Results screen, for several); any other (the first close to the tray) shows the
/// window.
pub fn on_notification_click(app: &AppHandle) {
    let handle = app.clone();
    let registered = app.notification().on_action(move |performed| {
        if performed.action_id() != "tap" {
            return;
        }
        log::info!("a notification was clicked");
        let focus = performed
            .notification()
            .and_then(|n| n.extra().get(FOCUS_EXTRA))
            .and_then(|v| v.as_str())
            .map(str::to_owned);
        match focus {
            Some(focus) => show_results(&handle, focus),
            None => {
                show_main_window(&handle);
            }
        }
    });
    if let Err(e) = registered {
        log::warn!("clicks on notifications will do nothing: {e}");
    }
}

/// The window shows the Results screen, on the result of task `focus` (empty: the list): a
/// click on a notification. A window made now takes it when it loads (`results_take_focus`).
pub fn show_results(app: &AppHandle, focus: String) {
    let made = show_main_window(app);
    if made {
        if let Some(state) = app.try_state::<AppState>() {
            *state.watcher.focus.lock().unwrap_or_else(|e| e.into_inner()) = Some(focus);
        }
    } else {
        let _ = app.emit("show-results", focus);
    }
}

/// Shows the main window, making it (at start, or again after it was closed to the tray) when
/// there is none. Returns whether it was made now (its web view is still loading).
pub fn show_main_window(app: &AppHandle) -> bool {
    if let Some(w) = app.get_webview_window("main") {
        let _ = w.unminimize();
        let _ = w.show();
        let _ = w.set_focus();
        return false;
    }
    let Some(config) = app.config().app.windows.first().cloned() else { return false };
    match tauri::WebviewWindowBuilder::from_config(app, &config).and_then(|b| b.build()) {
        Ok(w) => {
            let _ = w.set_focus();
            true
        }
        Err(e) => {
            log::warn!("the window could not be made: {e}");
            false
        }
    }
}

/// The tray icon and its menu: "Open Result Vault", "Check now", "Quit". Without a tray on this
/// desktop, closing the window quits as before.
pub fn tray(app: &AppHandle, n: &Native) {
    let built = (|| -> tauri::Result<()> {
        let open =
            MenuItem::with_id(app, "open", n.text("Open Result Vault", "Ouvrir Result Vault"), true, None::<&str>)?;
        let check = MenuItem::with_id(app, "check", n.text("Check now", "Vérifier maintenant"), true, None::<&str>)?;
        let quit = MenuItem::with_id(app, "quit", n.text("Quit", "Quitter"), true, None::<&str>)?;
        let menu = Menu::with_items(app, &[&open, &check, &quit])?;
        let mut b =
            TrayIconBuilder::with_id("main").menu(&menu).tooltip("Result Vault").on_menu_event(
                |app, event| match event.id.as_ref() {
                    "open" => {
                        show_main_window(app);
                    }
                    "check" => {
                        if let Some(s) = app.try_state::<AppState>() {
                            s.watcher.watch.wake();
                        }
                    }
                    "quit" => app.exit(0),
                    _ => {}
                },
            );
        if let Some(icon) = app.default_window_icon() {
            b = b.icon(icon.clone());
        }
        b.build(app)?;
        Ok(())
    })();
    match built {
        Ok(()) => {
            if let Some(s) = app.try_state::<AppState>() {
                s.watcher.tray.store(true, Ordering::Relaxed);
            }
        }
        Err(e) => log::warn!("no tray icon on this desktop ({e}): closing the window quits"),
    }
}

/// Whether closing the window should keep the app running in the tray.
pub fn keeps_running(app: &AppHandle) -> bool {
    app.try_state::<AppState>()
        .map(|s| s.watcher.tray.load(Ordering::Relaxed) && s.watcher.settings().close_to_tray)
        .unwrap_or(false)
}

/// The first close to the tray says so, once (a notification), and remembers it.
pub fn explain_first_close(app: &AppHandle) {
    let Some(state) = app.try_state::<AppState>() else { return };
    let s = state.watcher.settings();
    if s.close_explained {
        return;
    }
    let n = &state.native;
    let _ = app
        .notification()
        .builder()
        .title(n.text("Result Vault keeps watching", "Result Vault continue de surveiller"))
        .body(n.text(
            "It stays in the tray and tells you when a result is ready. Quit it from the tray icon; change this in Settings.",
            "Il reste dans la zone de notification et vous prévient quand un résultat est prêt. Quittez-le depuis son icône ; réglez-le dans les Réglages.",
        ))
        .show();
    let engine = state.engine.clone();
    let watcher: Arc<Watcher> = state.watcher.clone();
    let next = WatchSettings { close_explained: true, ..s };
    watcher.set_settings(next.clone());
    tauri::async_runtime::spawn_blocking(move || {
        let _ = engine.set_watch_settings(next);
    });
}

/// The argument that opens the window on the Results screen: `--show-results` (the list) or
/// `--show-results=<task id>` (that result), as the tray process starts the app when its
/// notification is clicked.
pub const SHOW_RESULTS_ARG: &str = "--show-results";

/// The result `--show-results[=TASK]` asks for in `argv`: `Some("")` for the list.
pub fn show_results_arg(argv: &[String]) -> Option<String> {
    argv.iter().skip(1).find_map(|a| {
        if a == SHOW_RESULTS_ARG {
            Some(String::new())
        } else {
            a.strip_prefix(SHOW_RESULTS_ARG).and_then(|v| v.strip_prefix('=')).map(str::to_owned)
        }
    })
}

/// The light tray process (`result-vault-tray`, beside this executable) over this app's
/// folders and language, on Linux: there, a process that links WebKitGTK costs about 100 MB
/// even without a window, the tray process (no GTK, no WebKit) a fraction of it. `None` where
/// there is none (Windows and macOS keep the watch in the app, whose web view goes with its
/// window; or a build without it).
#[cfg(target_os = "linux")]
fn tray_command(app: &AppHandle) -> Option<std::process::Command> {
    let exe = std::env::current_exe().ok()?;
    let tray = exe.parent()?.join("result-vault-tray");
    if !tray.is_file() {
        log::info!("no tray process beside the app ({}): the app stays in the tray itself", tray.display());
        return None;
    }
    let state = app.try_state::<AppState>()?;
    let dirs = state.engine.dirs().clone();
    let logs = crate::logging::log_dir_override().or_else(|| app.path().app_log_dir().ok())?;
    let mut c = std::process::Command::new(tray);
    c.arg("--data")
        .arg(&dirs.data)
        .arg("--results")
        .arg(&dirs.results)
        .arg("--log-dir")
        .arg(logs)
        .arg("--lang")
        .arg(if state.native.french() { "fr" } else { "en" })
        .arg("--app")
        .arg(&exe);
    Some(c)
}

/// Closing the window to the tray, on Linux: the watch moves to the light tray process and this
/// process ends (the caller exits). Not while a job runs (a download or a decryption would be
/// cut): the app then stays in the tray itself, its web view gone. Returns whether the tray
/// process took over.
pub fn hand_over_to_tray(app: &AppHandle) -> bool {
    #[cfg(target_os = "linux")]
    {
        let Some(state) = app.try_state::<AppState>() else { return false };
        if state.engine.jobs_running() > 0 {
            log::info!("closed to the tray with work under way: the app stays in the tray itself");
            return false;
        }
        let Some(mut c) = tray_command(app) else { return false };
        c.stdin(std::process::Stdio::null()).stdout(std::process::Stdio::null());
        match c.spawn() {
            Ok(child) => {
                log::info!("closed to the tray: the tray process {} watches now", child.id());
                state.watcher.watch.stop();
                true
            }
            Err(e) => {
                log::warn!("the tray process could not start ({e}): the app stays in the tray itself");
                false
            }
        }
    }
    #[cfg(not(target_os = "linux"))]
    {
        let _ = app;
        false
    }
}

/// Started at login (`--background`) on Linux: this process becomes the light tray process
/// (`exec`), so the libraries of the window are never kept. Returns only when it could not.
pub fn become_tray(app: &AppHandle) {
    #[cfg(target_os = "linux")]
    if let Some(mut c) = tray_command(app) {
        use std::os::unix::process::CommandExt;
        let e = c.exec();
        log::warn!("the tray process could not start ({e}): the app stays in the tray itself");
    }
    #[cfg(not(target_os = "linux"))]
    let _ = app;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn show_results_argument() {
        let argv = |a: &[&str]| a.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(show_results_arg(&argv(&["app"])), None);
        assert_eq!(show_results_arg(&argv(&["app", "--show-results"])), Some(String::new()));
        assert_eq!(show_results_arg(&argv(&["app", "--show-results=0xab"])), Some("0xab".into()));
        assert_eq!(show_results_arg(&argv(&["app", "--show-resultsx"])), None);
        assert_eq!(show_results_arg(&argv(&["--show-results"])), None, "argv[0] is the program");
    }
}
