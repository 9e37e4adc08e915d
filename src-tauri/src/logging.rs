//! The app's log: a rotating file (1 MB; the 5 previous files kept) in the log folder
//! (`$RESULT_VAULT_HOME/logs` when set, else the platform's app log folder).
//!
//! What is logged: commands run, paths, outcomes and error kinds, fingerprints (public). Never
//! key material, recovery words or passphrases: no command logs its arguments wholesale, and
//! the end-to-end tests grep the whole log of a run for key material.

use tauri::plugin::TauriPlugin;
use tauri::Runtime;
use tauri_plugin_log::{RotationStrategy, Target, TargetKind};

/// The log folder used when `RESULT_VAULT_HOME` is set.
pub fn log_dir_override() -> Option<std::path::PathBuf> {
    std::env::var_os("RESULT_VAULT_HOME").filter(|h| !h.is_empty()).map(|h| std::path::PathBuf::from(h).join("logs"))
}

/// The log plugin: info level, file and standard error.
pub fn plugin<R: Runtime>() -> TauriPlugin<R> {
    let file = match log_dir_override() {
        Some(path) => TargetKind::Folder { path, file_name: Some("result-vault".into()) },
        None => TargetKind::LogDir { file_name: Some("result-vault".into()) },
    };
    tauri_plugin_log::Builder::new()
        .level(log::LevelFilter::Info)
        .max_file_size(1_000_000)
        .rotation_strategy(RotationStrategy::KeepSome(5))
        .targets([Target::new(file), Target::new(TargetKind::Stderr)])
        .build()
}
