//! The app's small settings file (`settings.json` in the data folder), written atomically.
//! It remembers key *paths* only, never key contents.

use std::path::{Path, PathBuf};

use result_vault_core::VaultError;
use serde::{Deserialize, Serialize};

/// Persistent settings.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Settings {
    /// Key files or folders chosen by the user, most recent first.
    #[serde(default)]
    pub key_paths: Vec<PathBuf>,
}

impl Settings {
    /// Loads `settings.json` from `dir`; a missing or unreadable file gives the defaults (a
    /// damaged settings file must not stop the app from opening results).
    pub fn load(dir: &Path) -> Self {
        std::fs::read(dir.join("settings.json")).ok().and_then(|b| serde_json::from_slice(&b).ok()).unwrap_or_default()
    }

    /// Saves atomically: a temporary file in the same folder, synced, renamed over the old one.
    pub fn save(&self, dir: &Path) -> Result<(), VaultError> {
        std::fs::create_dir_all(dir).map_err(|e| VaultError::io("create the folder", dir, &e))?;
        let target = dir.join("settings.json");
        let mut tmp = tempfile::NamedTempFile::new_in(dir).map_err(|e| VaultError::io("write in", dir, &e))?;
        let body = serde_json::to_vec_pretty(self).map_err(|e| VaultError::internal(e.to_string()))?;
        std::io::Write::write_all(&mut tmp, &body).map_err(|e| VaultError::io("write", &target, &e))?;
        tmp.as_file().sync_all().map_err(|e| VaultError::io("write", &target, &e))?;
        tmp.persist(&target).map_err(|e| VaultError::io("write", &target, &e.error))?;
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
        let s = Settings { key_paths: vec![PathBuf::from("/k/0xabc_key")] };
        s.save(dir.path()).unwrap();
        assert_eq!(Settings::load(dir.path()), s);
        std::fs::write(dir.path().join("settings.json"), b"{not json").unwrap();
        assert_eq!(Settings::load(dir.path()), Settings::default());
    }
}
