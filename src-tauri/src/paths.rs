//! Where the app keeps its data and writes results.
//!
//! `RESULT_VAULT_HOME` (used by the tests and by people who want a portable vault) replaces the
//! platform's app data folder; results then go to `$RESULT_VAULT_HOME/results`. Otherwise results
//! go to `<Downloads>/Result Vault`.

use std::path::PathBuf;

use tauri::{AppHandle, Manager, Runtime};

/// The app's folders (the engine's).
pub type AppDirs = result_vault_engine::EngineDirs;

/// Resolves the folders for this platform (or from `RESULT_VAULT_HOME`).
pub trait ResolveDirs: Sized {
    /// The folders for this app.
    fn resolve<R: Runtime>(app: &AppHandle<R>) -> Result<Self, Box<dyn std::error::Error>>;
}

impl ResolveDirs for AppDirs {
    fn resolve<R: Runtime>(app: &AppHandle<R>) -> Result<Self, Box<dyn std::error::Error>> {
        if let Some(home) = std::env::var_os("RESULT_VAULT_HOME").filter(|h| !h.is_empty()) {
            let home = std::path::absolute(PathBuf::from(home))?;
            return Ok(AppDirs::in_data(home));
        }
        let data = app.path().app_data_dir()?;
        let results = app
            .path()
            .download_dir()
            .or_else(|_| app.path().home_dir())
            .map(|d| d.join("Result Vault"))
            .unwrap_or_else(|_| data.join("results"));
        Ok(AppDirs { data, results })
    }
}
