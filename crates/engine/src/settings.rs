//! The app's small settings file (`settings.json` in the data folder). It remembers key *paths*
//! only, never key contents. Every change is read-modify-write under `settings.lock`
//! (`result_vault_core::lock`), written atomically, so two windows or processes never lose each
//! other's change.

use std::path::{Path, PathBuf};

use result_vault_core::lock::FileLock;
use result_vault_core::Error;
use serde::{Deserialize, Serialize};

use crate::Result;

/// File name in the data folder.
pub const SETTINGS_FILE: &str = "settings.json";
/// Its lock file (a sibling never replaced).
pub const SETTINGS_LOCK: &str = "settings.lock";

/// Persistent settings.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Settings {
    /// Key files or folders chosen by the user, most recent first.
    #[serde(default)]
    pub key_paths: Vec<PathBuf>,
    /// The background watch (interval, what to do with a new result, the tray).
    #[serde(default)]
    pub watch: crate::watch::WatchSettings,
}

impl Settings {
    /// Loads `settings.json` from `dir`; a missing or unreadable file gives the defaults (a
    /// damaged settings file must not stop the app from opening results).
    pub fn load(dir: &Path) -> Self {
        std::fs::read(dir.join(SETTINGS_FILE)).ok().and_then(|b| serde_json::from_slice(&b).ok()).unwrap_or_default()
    }

    /// Changes the settings in `dir`: under the lock, reads the latest file, applies `f`, writes
    /// atomically. Returns the settings written.
    ///
    /// Errors: `io`, `busy`.
    pub fn update(dir: &Path, f: impl FnOnce(&mut Settings)) -> Result<Settings> {
        let _lock = FileLock::exclusive(&dir.join(SETTINGS_LOCK))?;
        let mut s = Settings::load(dir);
        f(&mut s);
        s.write(dir)?;
        Ok(s)
    }

    fn write(&self, dir: &Path) -> Result<()> {
        std::fs::create_dir_all(dir).map_err(|e| Error::io("create the folder", dir, &e))?;
        let target = dir.join(SETTINGS_FILE);
        let mut tmp = tempfile::NamedTempFile::new_in(dir).map_err(|e| Error::io("write in", dir, &e))?;
        let body = serde_json::to_vec_pretty(self).map_err(|e| Error::internal(e.to_string()))?;
        std::io::Write::write_all(&mut tmp, &body).map_err(|e| Error::io("write", &target, &e))?;
        tmp.as_file().sync_all().map_err(|e| Error::io("write", &target, &e))?;
        result_vault_core::archive::output::persist_replacing(tmp, &target)
            .map_err(|e| Error::io("write", &target, &e))?;
        result_vault_core::archive::output::sync_dir(dir);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_survives_a_damaged_file() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(Settings::load(dir.path()), Settings::default());
        let s = Settings::update(dir.path(), |s| s.key_paths.push(PathBuf::from("/k/0xabc_key"))).unwrap();
        assert_eq!(Settings::load(dir.path()), s);
        std::fs::write(dir.path().join(SETTINGS_FILE), b"{not json").unwrap();
        assert_eq!(Settings::load(dir.path()), Settings::default());
    }

    #[test]
    fn concurrent_updates_from_many_threads_are_all_kept() {
        let dir = tempfile::tempdir().unwrap();
        let threads: Vec<_> = (0..8)
            .map(|i| {
                let d = dir.path().to_path_buf();
                std::thread::spawn(move || {
                    Settings::update(&d, |s| s.key_paths.push(PathBuf::from(format!("/k/{i}")))).unwrap();
                })
            })
            .collect();
        for t in threads {
            t.join().unwrap();
        }
        assert_eq!(Settings::load(dir.path()).key_paths.len(), 8);
    }
}
