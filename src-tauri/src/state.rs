//! The app's state: the engine (which owns the session) and what only a window has.

use std::sync::{Arc, Mutex};

use result_vault_engine::{Engine, VaultError};

/// Managed by Tauri; every command gets it.
pub struct AppState {
    /// The engine: key ring, task cache, jobs, settings. Shared with blocking work.
    pub engine: Arc<Engine>,
    /// Files named on the command line at start ("Open with"), taken once by the UI.
    pub startup_paths: Mutex<Vec<String>>,
}

impl AppState {
    /// State over `engine`.
    pub fn new(engine: Engine, startup_paths: Vec<String>) -> Self {
        AppState { engine: Arc::new(engine), startup_paths: Mutex::new(startup_paths) }
    }

    /// Runs `f` on the engine on the blocking pool: never on the main thread, which only draws
    /// the window and answers IPC. Every command that reads a file, unlocks, derives, signs or
    /// calls the network goes through here.
    pub async fn run<T: Send + 'static>(
        &self,
        f: impl FnOnce(&Engine) -> Result<T, VaultError> + Send + 'static,
    ) -> Result<T, VaultError> {
        let engine = self.engine.clone();
        tauri::async_runtime::spawn_blocking(move || f(&engine))
            .await
            .unwrap_or_else(|e| Err(VaultError::internal(format!("background work failed: {e}"))))
    }
}
