//! Shared app state: running jobs, outputs written, settings.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use result_vault_core::db::Db;
use result_vault_core::download::Slots;
use result_vault_core::progress::CancelToken;

use crate::paths::AppDirs;
use crate::settings::Settings;

/// Managed by Tauri; every command gets it.
pub struct AppState {
    /// The app's folders.
    pub dirs: AppDirs,
    /// Cancel tokens of running jobs, by the job id the UI chose.
    pub jobs: Mutex<HashMap<String, CancelToken>>,
    /// Output folders this app wrote in this session: the only places `reveal_output` and
    /// `open_output_file` will open.
    pub outputs: Mutex<HashSet<PathBuf>>,
    /// Settings, mirrored on disk.
    pub settings: Mutex<Settings>,
    /// The key ring, once opened.
    pub vault: Mutex<Option<result_vault_core::vault::Vault>>,
    /// The task cache, opened at first use (quick reads; long work opens its own connection).
    pub db: Mutex<Option<Db>>,
    /// Limits downloads running at once.
    pub download_slots: Arc<Slots>,
    /// Files named on the command line at start ("Open with"), taken once by the UI.
    pub startup_paths: Mutex<Vec<String>>,
}

/// Downloads at once; the others wait for a slot.
pub const DOWNLOAD_SLOTS: usize = 3;

impl AppState {
    /// State with settings loaded from the data folder.
    pub fn new(dirs: AppDirs) -> Self {
        let settings = Settings::load(&dirs.data);
        AppState {
            dirs,
            jobs: Mutex::default(),
            outputs: Mutex::default(),
            settings: Mutex::new(settings),
            vault: Mutex::new(None),
            db: Mutex::new(None),
            download_slots: Arc::new(Slots::new(DOWNLOAD_SLOTS)),
            startup_paths: Mutex::new(Vec::new()),
        }
    }

    /// The task cache's file.
    pub fn db_path(&self) -> PathBuf {
        self.dirs.data.join(result_vault_core::db::FILE_NAME)
    }

    /// The cancel token of job `id` (a cancel may arrive before the job starts: it is kept).
    pub fn job(&self, id: &str) -> CancelToken {
        self.jobs.lock().unwrap_or_else(|e| e.into_inner()).entry(id.to_owned()).or_default().clone()
    }

    /// Forgets job `id` once it ended.
    pub fn end_job(&self, id: &str) {
        self.jobs.lock().unwrap_or_else(|e| e.into_inner()).remove(id);
    }

    /// Whether `path` is an output this app wrote, or inside one.
    pub fn is_known_output(&self, path: &Path) -> bool {
        let Ok(path) = std::fs::canonicalize(path) else {
            return false;
        };
        let outputs = self.outputs.lock().unwrap_or_else(|e| e.into_inner());
        outputs.iter().any(|o| path.starts_with(o))
    }
}
