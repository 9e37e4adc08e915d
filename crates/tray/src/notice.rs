//! The notification of a check with new results: one for all of them, in the words the app uses
//! ([`show_notification`]: the app and the task, the result's state; never a file name, a
//! content or a secret). A click starts the app on that result (`--show-results=<task id>`, or
//! the list for several) and ends this process.

use std::sync::Arc;

use result_vault_engine::watch::WatchReport;
use result_vault_engine::watch_loop::show_notification;

use crate::Host;

/// Shows the notification of `report` when it has new results (none otherwise).
pub fn notify(host: &Arc<Host>, report: &WatchReport) {
    let h = host.clone();
    show_notification(host.lang, &report.new_results, move |focus| h.open_app(&[format!("--show-results={focus}")]));
}
