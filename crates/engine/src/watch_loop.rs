//! The background watch's loop and its notice, shared by the hosts that watch: the app while it
//! runs, and the light tray process (`result-vault-tray`) once its window is closed
//! (docs/design.md, "Background watch"). One loop, so both back off, wake and report alike.
//!
//! The loop is blocking: a host runs [`WatchLoop::run`] on a thread of its own. It waits (the
//! first check a few seconds after start, then `interval_minutes`, doubling after failures up to
//! an hour: [`next_wait_minutes`]), wakes early for "Check now" or new settings, skips checks
//! while the watch is off or nothing is watched, and hands each report to the host.

use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};
use std::sync::{Condvar, Mutex};
use std::time::Duration;

use result_vault_core::progress::CancelToken;

use crate::session::Engine;
use crate::watch::{next_wait_minutes, NewResult, NewResultState, WatchReport, WatchSettings};

/// The watch's shared state: what the loop, the host's commands and its tray read and poke.
#[derive(Default)]
pub struct WatchLoop {
    /// A check was asked for (or the settings changed, or the loop must stop).
    woken: Mutex<bool>,
    wake: Condvar,
    stop: AtomicBool,
    failures: AtomicU32,
    running: AtomicBool,
    settings: Mutex<WatchSettings>,
    last: Mutex<Option<WatchReport>>,
    /// The cancel token of the check under way (stopping cancels it).
    current: Mutex<Option<CancelToken>>,
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

impl WatchLoop {
    /// A loop over `settings` (as read from the engine).
    pub fn new(settings: WatchSettings) -> Self {
        WatchLoop { settings: Mutex::new(settings), ..Default::default() }
    }

    /// Settings read at start (no check is asked for).
    pub fn use_settings(&self, s: WatchSettings) {
        *lock(&self.settings) = s;
    }

    /// The settings the loop uses.
    pub fn settings(&self) -> WatchSettings {
        lock(&self.settings).clone()
    }

    /// New settings, used at once (a new interval starts now).
    pub fn set_settings(&self, s: WatchSettings) {
        *lock(&self.settings) = s;
        self.wake();
    }

    /// Asks for a check now ("Check now").
    pub fn wake(&self) {
        *lock(&self.woken) = true;
        self.wake.notify_all();
    }

    /// Stops the loop (cancelling a check under way); [`run`](Self::run) then returns.
    pub fn stop(&self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(c) = lock(&self.current).as_ref() {
            c.cancel();
        }
        self.wake();
    }

    /// The last check's report, if one ran.
    pub fn last(&self) -> Option<WatchReport> {
        lock(&self.last).clone()
    }

    /// Whether a check is running now.
    pub fn running(&self) -> bool {
        self.running.load(Ordering::Relaxed)
    }

    /// Waits `wait` or until woken; true when the loop must stop.
    fn sleep(&self, wait: Duration) -> bool {
        let woken = lock(&self.woken);
        let (mut woken, _) = self.wake.wait_timeout_while(woken, wait, |w| !*w).unwrap_or_else(|e| e.into_inner());
        *woken = false;
        self.stop.load(Ordering::Relaxed)
    }

    /// Runs the loop until [`stop`](Self::stop): the first check `first_wait` after start, then
    /// every `wait(settings, failures in a row)`. `on_running` is told when a check starts,
    /// `on_report` gets each report (after it is stored: [`last`](Self::last)). Blocking: run it
    /// on a thread of its own.
    pub fn run(
        &self,
        engine: &Engine,
        first_wait: Duration,
        wait: impl Fn(&WatchSettings, u32) -> Duration,
        on_running: impl Fn(),
        on_report: impl Fn(&WatchReport),
    ) {
        let mut next = first_wait;
        loop {
            if self.sleep(next) {
                return;
            }
            let settings = self.settings();
            next = wait(&settings, self.failures.load(Ordering::Relaxed));
            if !settings.enabled || !engine.watched().map(|w| !w.is_empty()).unwrap_or(false) {
                continue;
            }
            let cancel = CancelToken::new();
            *lock(&self.current) = Some(cancel.clone());
            self.running.store(true, Ordering::Relaxed);
            on_running();
            let report = engine.check_now(&cancel);
            self.running.store(false, Ordering::Relaxed);
            *lock(&self.current) = None;
            if self.stop.load(Ordering::Relaxed) {
                return;
            }
            if report.ok {
                self.failures.store(0, Ordering::Relaxed);
            } else {
                self.failures.fetch_add(1, Ordering::Relaxed);
            }
            next = wait(&settings, self.failures.load(Ordering::Relaxed));
            *lock(&self.last) = Some(report.clone());
            on_report(&report);
        }
    }
}

/// The time between checks for `settings` after `failures` failed checks in a row: the interval,
/// doubled per failure up to an hour ([`next_wait_minutes`]).
pub fn wait_between_checks(settings: &WatchSettings, failures: u32) -> Duration {
    Duration::from_secs(u64::from(next_wait_minutes(settings.interval_minutes, failures)) * 60)
}

/// The language of a notice: French, or English (any other language).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    /// English.
    En,
    /// French.
    Fr,
}

impl Lang {
    /// From a language tag (`fr`, `fr-FR`, `fr_CA.UTF-8`...): French for `fr*`, else English.
    pub fn from_tag(tag: &str) -> Lang {
        if tag.trim().to_ascii_lowercase().starts_with("fr") {
            Lang::Fr
        } else {
            Lang::En
        }
    }

    /// From the environment, as a desktop picks the language (`LC_ALL`, `LC_MESSAGES`, `LANG`).
    pub fn from_env() -> Lang {
        ["LC_ALL", "LC_MESSAGES", "LANG"]
            .iter()
            .filter_map(|v| std::env::var(v).ok())
            .find(|v| !v.is_empty())
            .map_or(Lang::En, |v| Lang::from_tag(&v))
    }

    /// Picks `en` or `fr`.
    pub fn text(self, en: &str, fr: &str) -> String {
        match self {
            Lang::En => en,
            Lang::Fr => fr,
        }
        .to_owned()
    }
}

fn short(task_id: &str) -> String {
    format!("{}…", task_id.get(..10).unwrap_or(task_id))
}

fn state_words(l: Lang, s: &NewResultState) -> String {
    match s {
        NewResultState::Ready => l.text("ready to download", "prêt à télécharger"),
        NewResultState::Downloaded => l.text("downloaded", "téléchargé"),
        NewResultState::Verified => l.text("ready to read, verified", "prêt à lire, vérifié"),
        NewResultState::Opened => l.text("ready to read", "prêt à lire"),
        NewResultState::Mismatch => {
            l.text("does NOT match the chain: check it", "ne correspond PAS à la chaîne : à vérifier")
        }
        NewResultState::NeedsKey => {
            l.text("needs a key Result Vault does not have", "demande une clé que Result Vault n'a pas")
        }
        NewResultState::Failed(_) => l.text("could not be fetched", "n'a pas pu être récupéré"),
    }
}

/// The one notification of a check with new results: `(title, body)`. It names the app and the
/// task (its id's first 8 hex digits) and says what state each result is in; never a file
/// name, a content or a secret. At most 5 lines, then "… and N more".
pub fn notification_text(l: Lang, results: &[NewResult]) -> (String, String) {
    let title = match (results.len(), l) {
        (1, Lang::En) => "Result Vault: a new result".to_owned(),
        (1, Lang::Fr) => "Result Vault : un nouveau résultat".to_owned(),
        (k, Lang::En) => format!("Result Vault: {k} new results"),
        (k, Lang::Fr) => format!("Result Vault : {k} nouveaux résultats"),
    };
    let lines: Vec<String> = results
        .iter()
        .take(5)
        .map(|r| {
            format!("{} ({} {}) — {}", r.app, l.text("task", "tâche"), short(&r.task_id), state_words(l, &r.state))
        })
        .collect();
    let mut body = lines.join("\n");
    if results.len() > 5 {
        body.push_str(&match l {
            Lang::En => format!("\n… and {} more", results.len() - 5),
            Lang::Fr => format!("\n… et {} autres", results.len() - 5),
        });
    }
    (title, body)
}

/// What a click on the notification of `results` shows: the one task's id, or "" for the
/// Results screen (several results).
pub fn notification_focus(results: &[NewResult]) -> String {
    match results {
        [one] => one.task_id.clone(),
        _ => String::new(),
    }
}

/// Shows the one notification of a check with new `results` on the desktop, with a default
/// action ("Show" / "Afficher"); a thread waits for it, and a click runs `on_click` with what to
/// show ([`notification_focus`]). Linux: `org.freedesktop.Notifications` over D-Bus through
/// `notify-rust` (the crate Tauri's notification plugin uses). For the tray process, which has
/// no Tauri; the app notifies through the plugin.
/// Failures are logged, never raised: a missing notification daemon must not stop the watch.
#[cfg(all(feature = "desktop", target_os = "linux"))]
pub fn show_notification(l: Lang, results: &[NewResult], on_click: impl FnOnce(String) + Send + 'static) {
    if results.is_empty() {
        return;
    }
    let (title, body) = notification_text(l, results);
    let focus = notification_focus(results);
    let count = results.len();
    let show = l.text("Show", "Afficher");
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
                let mut on_click = Some(on_click);
                handle.wait_for_action(|action| {
                    if action == "default" {
                        log::info!("a notification was clicked");
                        if let Some(f) = on_click.take() {
                            f(focus);
                        }
                    }
                });
            }
            Err(e) => log::warn!("the notification could not be shown: {e}"),
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;
    use std::time::Instant;

    fn r(app: &str, state: NewResultState) -> NewResult {
        NewResult { network: "bellecour".into(), task_id: format!("0x{}", "a".repeat(64)), app: app.into(), state }
    }

    #[test]
    fn one_notification_names_apps_tasks_and_states() {
        let (title, body) = notification_text(Lang::En, &[r("weather", NewResultState::Verified)]);
        assert_eq!(title, "Result Vault: a new result");
        assert_eq!(body, "weather (task 0xaaaaaaaa…) — ready to read, verified");
        let many: Vec<_> = (0..7).map(|i| r(&format!("app{i}"), NewResultState::NeedsKey)).collect();
        let (title, body) = notification_text(Lang::En, &many);
        assert_eq!(title, "Result Vault: 7 new results");
        assert_eq!(body.lines().count(), 6);
        assert!(body.contains("needs a key Result Vault does not have") && body.ends_with("… and 2 more"));
        assert_eq!(notification_focus(&many), "");
        let (title, body) = notification_text(Lang::from_tag("fr_FR.UTF-8"), &[r("météo", NewResultState::Ready)]);
        assert_eq!(title, "Result Vault : un nouveau résultat");
        assert!(body.contains("tâche") && body.contains("prêt à télécharger"));
        assert_eq!(Lang::from_tag("de-DE"), Lang::En);
    }

    #[test]
    fn the_loop_wakes_for_check_now_and_stops_at_once() {
        let dir = tempfile::tempdir().expect("temp dir");
        let engine = Arc::new(Engine::new(crate::EngineDirs::in_data(dir.path().to_path_buf())));
        let w = Arc::new(WatchLoop::new(WatchSettings::default()));
        let woke = Arc::new(AtomicU32::new(0));
        let (w2, e2, n2) = (w.clone(), engine.clone(), woke.clone());
        // Nothing is watched: each wake-up is counted by `wait` being asked the next interval.
        let t = std::thread::spawn(move || {
            w2.run(
                &e2,
                Duration::from_secs(3600),
                |_, _| {
                    n2.fetch_add(1, Ordering::Relaxed);
                    Duration::from_secs(3600)
                },
                || {},
                |_| {},
            )
        });
        w.wake();
        let start = Instant::now();
        while woke.load(Ordering::Relaxed) == 0 && start.elapsed() < Duration::from_secs(10) {
            std::thread::sleep(Duration::from_millis(10));
        }
        assert_eq!(woke.load(Ordering::Relaxed), 1, "a wake-up runs one pass, not an hour later");
        assert!(w.last().is_none(), "nothing watched: no check, no report");
        w.stop();
        t.join().expect("the loop returns once stopped");
    }
}
