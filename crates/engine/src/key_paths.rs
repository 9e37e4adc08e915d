//! Key files and folders outside the key ring, by path only: the ones the user chose (remembered
//! in the settings) and the ones the iexec CLI leaves by convention (`.secrets/beneficiary`).
//! Keys are read when a result is opened, never kept.

use std::path::{Path, PathBuf};

use result_vault_core::keys::{key_files_in, load_keys};
use result_vault_core::Error;
use serde::Serialize;

use crate::session::Engine;
use crate::settings::Settings;
use crate::Result;

/// Whether a remembered or found key location is a file or a folder.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum KeyLocationKind {
    /// A single key file.
    File,
    /// A folder like `.secrets/beneficiary` (every `*_key` in it).
    Folder,
}

/// A place where private keys are: a remembered path or one found by convention. Only the path
/// is kept, never the key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct KeyLocation {
    /// Absolute path.
    pub path: String,
    /// File or folder.
    pub kind: KeyLocationKind,
    /// How many private keys it holds now.
    pub key_count: u32,
    /// Chosen by the user (can be forgotten), rather than found by convention.
    pub remembered: bool,
}

/// The folders where the iexec CLI leaves keys: `./.secrets/beneficiary`, `~/.secrets/beneficiary`.
fn conventional_folders() -> Vec<PathBuf> {
    let mut v = Vec::new();
    if let Ok(cwd) = std::env::current_dir() {
        v.push(cwd.join(".secrets/beneficiary"));
    }
    if let Some(home) = std::env::var_os("HOME").filter(|h| !h.is_empty()) {
        v.push(PathBuf::from(home).join(".secrets/beneficiary"));
    }
    v
}

/// Counts the keys at `path` without parsing them (a cheap look for the list).
fn describe(path: &Path, remembered: bool) -> Result<KeyLocation> {
    let meta = std::fs::metadata(path).map_err(|e| Error::io("read", path, &e))?;
    let (kind, key_count) = if meta.is_dir() {
        let n = key_files_in(path)?.len() as u32;
        if n == 0 {
            return Err(Error::invalid_key(
                format!("The folder {} holds no private key.", path.display()),
                "Choose a key file or a `.secrets/beneficiary` folder that holds `*_key` files.",
            ));
        }
        (KeyLocationKind::Folder, n)
    } else {
        (KeyLocationKind::File, 1)
    };
    Ok(KeyLocation { path: path.display().to_string(), kind, key_count, remembered })
}

impl Engine {
    /// Remembered key paths first (most recent first), then the conventional folders when they
    /// hold `*_key` files. Reads the folders: call it off the UI thread.
    pub fn key_locations(&self) -> Vec<KeyLocation> {
        let remembered = Settings::load(self.data_dir()).key_paths;
        let mut out: Vec<KeyLocation> = remembered.iter().filter_map(|p| describe(p, true).ok()).collect();
        for found in conventional_folders() {
            if !out.iter().any(|l| Path::new(&l.path) == found) {
                if let Ok(loc) = describe(&found, false) {
                    out.push(loc);
                }
            }
        }
        out
    }

    /// Checks that `path` holds private keys and remembers it (first in the list).
    ///
    /// Errors: `invalid_key_file` (not a private key, or a folder with none), `io`, `busy`.
    pub fn remember_key_path(&self, path: &Path) -> Result<KeyLocation> {
        let p = std::path::absolute(path).map_err(|e| Error::io("resolve", path, &e))?;
        let keys = load_keys(&p)?;
        let loc = KeyLocation {
            path: p.display().to_string(),
            kind: if p.is_dir() { KeyLocationKind::Folder } else { KeyLocationKind::File },
            key_count: keys.len() as u32,
            remembered: true,
        };
        Settings::update(self.data_dir(), |s| {
            s.key_paths.retain(|k| k != &p);
            s.key_paths.insert(0, p.clone());
        })?;
        Ok(loc)
    }

    /// Forgets a remembered key path (the key files are not touched).
    pub fn forget_key_path(&self, path: &Path) -> Result<()> {
        Settings::update(self.data_dir(), |s| s.key_paths.retain(|k| k != path)).map(|_| ())
    }
}
