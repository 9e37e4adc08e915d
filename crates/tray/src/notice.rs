//! The notification of a check with new results: one for all of them, over D-Bus
//! (`org.freedesktop.Notifications`), in the words the app uses ([`notification_text`]: the
//! app and the task, the result's state; never a file name, a content or a secret). A click
//! (the default action) starts the app on that result (`--show-results=<task id>`, or the list
//! for several) and ends this process.

use std::sync::Arc;

use result_vault_engine::watch::WatchReport;
use result_vault_engine::watch_loop::{notification_focus, notification_text};

use crate::Host;

/// Shows the notification of `report` when it has new results (none otherwise).
pub fn notify(host: &Arc<Host>, report: &WatchReport) {
    if report.new_results.is_empty() {
        return;
    }
    let (title, body) = notification_text(host.lang, &report.new_results);
    let focus = notification_focus(&report.new_results);
    let count = report.new_results.len();
    let show = host.lang.text("Show", "Afficher");
    let host = host.clone();
    // A thread per notification waits for its click (ActionInvoked) or its closing.
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
                        log::info!("a notification was clicked");
                        host.open_app(&[format!("--show-results={focus}")]);
                    }
                });
            }
            Err(e) => log::warn!("the notification could not be shown: {e}"),
        }
    });
}
