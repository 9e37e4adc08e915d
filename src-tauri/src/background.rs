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

use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use result_vault_core::progress::CancelToken;
use result_vault_engine::watch::{next_wait_minutes, NewResult, NewResultState, WatchReport, WatchSettings};
use tauri::menu::{Menu, MenuItem};
use tauri::tray::TrayIconBuilder;
use tauri::{AppHandle, Emitter, Manager};
use tauri_plugin_notification::NotificationExt;

use crate::native::Native;
use crate::state::AppState;

/// The watch's state, shared by the loop, the commands and the tray.
#[derive(Default)]
pub struct Watcher {
    /// Wakes the loop for a check now.
    pub wake: tokio::sync::Notify,
    /// The last report.
    pub last: Mutex<Option<WatchReport>>,
    /// Failed checks in a row (for the back-off).
    pub failures: AtomicU32,
    /// A check is running.
    pub running: AtomicBool,
    /// The settings as last read or saved (read on the main thread when the window closes).
    pub settings: Mutex<WatchSettings>,
    /// A tray icon is up (without one, closing the window quits).
    pub tray: AtomicBool,
    /// A clicked notification's result, for a window made by the click (taken once).
    pub focus: Mutex<Option<String>>,
}

impl Watcher {
    /// The settings known to the loop.
    pub fn settings(&self) -> WatchSettings {
        self.settings.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }

    /// Records new settings and wakes the loop (a new interval applies at once).
    pub fn set_settings(&self, s: WatchSettings) {
        *self.settings.lock().unwrap_or_else(|e| e.into_inner()) = s;
        self.wake.notify_one();
    }
}

/// Seconds between checks: the interval in minutes, or, in an end-to-end build only,
/// `RESULT_VAULT_WATCH_SECONDS` (tests cannot wait minutes).
fn wait_for(settings: &WatchSettings, failures: u32) -> Duration {
    #[cfg(feature = "e2e")]
    if let Some(s) = std::env::var("RESULT_VAULT_WATCH_SECONDS").ok().and_then(|v| v.parse::<u64>().ok()) {
        return Duration::from_secs(s.max(1) << failures.min(4));
    }
    Duration::from_secs(u64::from(next_wait_minutes(settings.interval_minutes, failures)) * 60)
}

/// Starts the loop (once, at start).
pub fn start(app: &AppHandle) {
    let app = app.clone();
    tauri::async_runtime::spawn(async move {
        let Some(state) = app.try_state::<AppState>() else { return };
        let watcher = state.watcher.clone();
        let engine = state.engine.clone();
        drop(state);
        let e = engine.clone();
        if let Ok(s) = tauri::async_runtime::spawn_blocking(move || e.watch_settings()).await {
            *watcher.settings.lock().unwrap_or_else(|e| e.into_inner()) = s;
        }
        let mut first = true;
        loop {
            let settings = watcher.settings();
            let wait = if first {
                Duration::from_secs(3)
            } else {
                wait_for(&settings, watcher.failures.load(Ordering::Relaxed))
            };
            first = false;
            tokio::select! {
                _ = tokio::time::sleep(wait) => {}
                _ = watcher.wake.notified() => {}
            }
            let settings = watcher.settings();
            if !settings.enabled {
                continue;
            }
            let e = engine.clone();
            let has_watched =
                tauri::async_runtime::spawn_blocking(move || e.watched().map(|w| !w.is_empty()).unwrap_or(false))
                    .await
                    .unwrap_or(false);
            if !has_watched {
                continue;
            }
            watcher.running.store(true, Ordering::Relaxed);
            let _ = app.emit("watch-running", true);
            let e = engine.clone();
            let report = tauri::async_runtime::spawn_blocking(move || e.check_now(&CancelToken::new())).await;
            watcher.running.store(false, Ordering::Relaxed);
            let Ok(report) = report else { continue };
            if report.ok {
                watcher.failures.store(0, Ordering::Relaxed);
            } else {
                watcher.failures.fetch_add(1, Ordering::Relaxed);
            }
            if !report.new_results.is_empty() {
                if let Some(state) = app.try_state::<AppState>() {
                    notify(&app, &state.native, &report);
                }
            }
            *watcher.last.lock().unwrap_or_else(|e| e.into_inner()) = Some(report.clone());
            let _ = app.emit("watch-status", report);
        }
    });
}

fn short(task_id: &str) -> String {
    format!("{}…", task_id.get(..10).unwrap_or(task_id))
}

fn state_words(n: &Native, s: &NewResultState) -> String {
    match s {
        NewResultState::Ready => n.text("ready to download", "prêt à télécharger"),
        NewResultState::Downloaded => n.text("downloaded", "téléchargé"),
        NewResultState::Verified => n.text("ready to read, verified", "prêt à lire, vérifié"),
        NewResultState::Opened => n.text("ready to read", "prêt à lire"),
        NewResultState::Mismatch => {
            n.text("does NOT match the chain: check it", "ne correspond PAS à la chaîne : à vérifier")
        }
        NewResultState::NeedsKey => {
            n.text("needs a key Result Vault does not have", "demande une clé que Result Vault n'a pas")
        }
        NewResultState::Failed(_) => n.text("could not be fetched", "n'a pas pu être récupéré"),
    }
}

/// The one notification of a check: title and body (no file name, no content, no secret).
pub fn notification_text(n: &Native, results: &[NewResult]) -> (String, String) {
    let title = match (results.len(), n.french()) {
        (1, false) => "Result Vault: a new result".to_owned(),
        (1, true) => "Result Vault : un nouveau résultat".to_owned(),
        (k, false) => format!("Result Vault: {k} new results"),
        (k, true) => format!("Result Vault : {k} nouveaux résultats"),
    };
    let lines: Vec<String> = results
        .iter()
        .take(5)
        .map(|r| {
            format!("{} ({} {}) — {}", r.app, n.text("task", "tâche"), short(&r.task_id), state_words(n, &r.state))
        })
        .collect();
    let mut body = lines.join("\n");
    if results.len() > 5 {
        body.push_str(&if n.french() {
            format!("\n… et {} autres", results.len() - 5)
        } else {
            format!("\n… and {} more", results.len() - 5)
        });
    }
    (title, body)
}

fn notify(app: &AppHandle, n: &Native, report: &WatchReport) {
    let (title, body) = notification_text(n, &report.new_results);
    // A click shows that result (the one task), or the Results screen (several).
    let focus = match report.new_results.as_slice() {
        [one] => one.task_id.clone(),
        _ => String::new(),
    };
    let count = report.new_results.len();
    // On Linux the notification is sent with its default action, and a thread waits for the
    // click (org.freedesktop.Notifications' ActionInvoked); the plugin has no click on desktops.
    #[cfg(target_os = "linux")]
    {
        let app = app.clone();
        let show = n.text("Show", "Afficher");
        std::thread::spawn(move || {
            let shown = notify_rust::Notification::new()
                .appname("Result Vault")
                .summary(&title)
                .body(&body)
                .action("default", &show)
                .show();
            match shown {
                Ok(handle) => {
                    log::info!("notified {count} new result(s)");
                    handle.wait_for_action(|action| {
                        if action == "default" {
                            show_results(&app, focus);
                        }
                    });
                }
                Err(e) => log::warn!("the notification could not be shown: {e}"),
            }
        });
    }
    #[cfg(not(target_os = "linux"))]
    {
        let _ = focus;
        if let Err(e) = app.notification().builder().title(title).body(body).show() {
            log::warn!("the notification could not be shown: {e}");
        } else {
            log::info!("notified {count} new result(s)");
        }
    }
}

/// The window shows the Results screen, on the result of task `focus` (empty: the list): a
/// click on a notification. A window made now takes it when it loads (`results_take_focus`).
pub fn show_results(app: &AppHandle, focus: String) {
    log::info!("a notification was clicked");
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
                            s.watcher.wake.notify_one();
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

#[cfg(test)]
mod tests {
    use super::*;

    fn r(app: &str, state: NewResultState) -> NewResult {
        NewResult { network: "bellecour".into(), task_id: format!("0x{}", "a".repeat(64)), app: app.into(), state }
    }

    #[test]
    fn one_notification_names_apps_tasks_and_states() {
        let n = Native::default();
        let (title, body) = notification_text(&n, &[r("weather", NewResultState::Verified)]);
        assert_eq!(title, "Result Vault: a new result");
        assert_eq!(body, "weather (task 0xaaaaaaaa…) — ready to read, verified");
        let many: Vec<_> = (0..7).map(|i| r(&format!("app{i}"), NewResultState::NeedsKey)).collect();
        let (title, body) = notification_text(&n, &many);
        assert_eq!(title, "Result Vault: 7 new results");
        assert_eq!(body.lines().count(), 6);
        assert!(body.contains("needs a key Result Vault does not have") && body.ends_with("… and 2 more"));
        n.set_language("fr");
        let (title, body) = notification_text(&n, &[r("météo", NewResultState::Ready)]);
        assert_eq!(title, "Result Vault : un nouveau résultat");
        assert!(body.contains("tâche") && body.contains("prêt à télécharger"));
    }
}
