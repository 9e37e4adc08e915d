//! The app's state: the engine (which owns the session) and what only a window has.

use std::sync::{Arc, Mutex};

use result_vault_engine::{Engine, Error};

use crate::background::Watcher;
use crate::grants::Grants;
use crate::native::{Confirm, Native};

/// Managed by Tauri; every command gets it.
pub struct AppState {
    /// The engine: key ring, task cache, jobs, settings. Shared with blocking work.
    pub engine: Arc<Engine>,
    /// Files named on the command line at start ("Open with"), taken once by the UI.
    pub startup_paths: Mutex<Vec<String>>,
    /// The paths the user chose through the app (dialogs, drops, command line).
    pub grants: Arc<Grants>,
    /// The native dialogs (and their language).
    pub native: Arc<Native>,
    /// The background watch.
    pub watcher: Arc<Watcher>,
}

impl AppState {
    /// State over `engine`.
    pub fn new(engine: Engine, startup_paths: Vec<String>) -> Self {
        let grants = Arc::new(Grants::default());
        grants.grant_read(&startup_paths);
        AppState {
            engine: Arc::new(engine),
            startup_paths: Mutex::new(startup_paths),
            grants,
            native: Arc::new(Native::default()),
            watcher: Arc::new(Watcher::default()),
        }
    }

    /// Runs `f` on the engine on the blocking pool: never on the main thread, which only draws
    /// the window and answers IPC. Every command that reads a file, unlocks, derives, signs or
    /// calls the network goes through here.
    pub async fn run<T: Send + 'static>(
        &self,
        f: impl FnOnce(&Engine) -> Result<T, Error> + Send + 'static,
    ) -> Result<T, Error> {
        let engine = self.engine.clone();
        tauri::async_runtime::spawn_blocking(move || f(&engine))
            .await
            .unwrap_or_else(|e| Err(Error::internal(format!("background work failed: {e}"))))
    }

    /// Asks `confirm` in a system dialog on the blocking pool (it blocks until answered);
    /// `cancelled` ("Nothing was written") unless the user chose its button.
    pub async fn confirm(&self, app: &tauri::AppHandle, confirm: Confirm) -> Result<(), Error> {
        let native = self.native.clone();
        let app = app.clone();
        let yes = tauri::async_runtime::spawn_blocking(move || native.confirm(&app, &confirm))
            .await
            .map_err(|e| Error::internal(format!("dialog failed: {e}")))?;
        if yes {
            Ok(())
        } else {
            log::info!("the user declined a confirmation");
            Err(Error::cancelled())
        }
    }
}
