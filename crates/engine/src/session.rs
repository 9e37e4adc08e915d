//! The [`Engine`]: one per data folder and process. It owns what both hosts used to keep each in
//! their own way: the key ring handle, the task cache connection, the cancel tokens of running
//! jobs, the download slots and the outputs written in this session.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard};

use result_vault_core::db::Db;
use result_vault_core::download::Slots;
use result_vault_core::progress::CancelToken;
use result_vault_core::vault::Vault;
use result_vault_core::{Error, ErrorKind};

use crate::Result;

/// Downloads at once; the others wait for a slot.
pub const DOWNLOAD_SLOTS: usize = 3;

/// The engine's folders.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EngineDirs {
    /// The data folder: key ring, task cache, settings, downloads.
    pub data: PathBuf,
    /// Where decrypted results are extracted, one folder per result.
    pub results: PathBuf,
}

impl EngineDirs {
    /// The folders for a data folder, with results in `<data>/results` (the CLI, the tests, and
    /// `RESULT_VAULT_HOME` installs).
    pub fn in_data(data: PathBuf) -> Self {
        EngineDirs { results: data.join("results"), data }
    }
}

/// The session over one data folder. Every method is blocking and safe to call from several
/// threads at once; no internal mutex is held across slow work.
pub struct Engine {
    dirs: EngineDirs,
    /// The unlocked key ring's handle (vault key and last read ring), once opened. Only cloned
    /// out: every change re-reads the ring under its file lock.
    vault: Mutex<Option<Vault>>,
    /// The task cache connection for quick reads (long work opens its own connection).
    db: Mutex<Option<Db>>,
    /// Cancel tokens of running jobs, by the job id the host chose.
    jobs: Mutex<HashMap<String, CancelToken>>,
    /// Output folders written in this session: the only places the app will reveal or open.
    outputs: Mutex<HashSet<PathBuf>>,
    /// Limits downloads running at once.
    pub(crate) download_slots: Arc<Slots>,
}

impl std::fmt::Debug for Engine {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Engine").field("dirs", &self.dirs).field("vault_open", &self.is_open()).finish()
    }
}

/// Locks a mutex, recovering it if a thread panicked while holding it (the data inside is a
/// cache or a handle: never left half-changed).
pub(crate) fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

impl Engine {
    /// An engine over `dirs`; nothing is read or unlocked yet.
    pub fn new(dirs: EngineDirs) -> Self {
        Engine {
            dirs,
            vault: Mutex::new(None),
            db: Mutex::new(None),
            jobs: Mutex::default(),
            outputs: Mutex::default(),
            download_slots: Arc::new(Slots::new(DOWNLOAD_SLOTS)),
        }
    }

    /// The folders.
    pub fn dirs(&self) -> &EngineDirs {
        &self.dirs
    }

    /// The data folder.
    pub fn data_dir(&self) -> &Path {
        &self.dirs.data
    }

    /// The task cache's file.
    pub fn db_path(&self) -> PathBuf {
        self.dirs.data.join(result_vault_core::db::FILE_NAME)
    }

    /// Work done once at start: downloads that were running when the app stopped are marked
    /// resumable, and the temporary outputs a crash left (`.NAME.partial-*`, untouched for 10
    /// minutes, so never the work of another running process) are removed from the results and
    /// downloads folders. Returns how many leftovers were removed.
    pub fn start(&self) -> usize {
        if let Ok(db) = Db::open(&self.db_path()) {
            let _ = db.reset_interrupted_downloads();
            *lock(&self.db) = Some(db);
        }
        let mut dirs = vec![self.dirs.results.clone()];
        if let Ok(entries) = std::fs::read_dir(self.dirs.data.join("downloads")) {
            dirs.extend(entries.flatten().map(|e| e.path()).filter(|p| p.is_dir()));
        }
        let removed: usize = dirs
            .iter()
            .map(|d| result_vault_core::archive::output::cleanup_leftovers(d).map(|r| r.len()).unwrap_or(0))
            .sum();
        if removed > 0 {
            log::info!("{removed} temporary output(s) left by an interrupted run removed");
        }
        removed
    }

    /// Runs `f` on the shared task cache connection (opened at first use). For quick reads and
    /// single-statement writes only (SQLite makes each atomic).
    pub fn with_db<T>(&self, f: impl FnOnce(&mut Db) -> Result<T>) -> Result<T> {
        let mut guard = lock(&self.db);
        if guard.is_none() {
            *guard = Some(Db::open(&self.db_path())?);
        }
        match guard.as_mut() {
            Some(db) => f(db),
            None => Err(Error::internal("task cache not open")),
        }
    }

    /// A connection of its own, for long work (a refresh, a fetch) that must not hold the
    /// shared one; SQLite in WAL mode lets the list be read meanwhile.
    pub fn open_db(&self) -> Result<Db> {
        Db::open(&self.db_path())
    }

    /// Whether the key ring is open in this session.
    pub fn is_open(&self) -> bool {
        lock(&self.vault).is_some()
    }

    /// A handle on the open key ring, refreshed from disk (so it shows what another process
    /// changed). Errors: `keyring_not_open`, and those of reading the ring.
    pub fn vault(&self) -> Result<Vault> {
        let mut v = lock(&self.vault).clone().ok_or_else(not_open)?;
        v.refresh()?;
        Ok(v)
    }

    /// The open ring's handle if there is one (not refreshed: for quick checks).
    pub(crate) fn vault_if_open(&self) -> Option<Vault> {
        lock(&self.vault).clone()
    }

    pub(crate) fn set_vault(&self, v: Vault) {
        *lock(&self.vault) = Some(v);
    }

    /// Forgets this session's ring handle (the next use opens the ring on disk again).
    pub(crate) fn close_vault(&self) {
        *lock(&self.vault) = None;
    }

    /// The cancel token of job `id` (a cancel may arrive before the job starts: it is kept).
    pub fn job(&self, id: &str) -> CancelToken {
        lock(&self.jobs).entry(id.to_owned()).or_default().clone()
    }

    /// How many jobs (downloads, decryptions, key generations) are under way: a host that
    /// would end its process waits for none.
    pub fn jobs_running(&self) -> usize {
        lock(&self.jobs).values().filter(|c| !c.is_cancelled()).count()
    }

    /// Asks job `id` to stop; a job not started yet starts cancelled.
    pub fn cancel_job(&self, id: &str) {
        lock(&self.jobs).entry(id.to_owned()).or_default().cancel();
    }

    /// Forgets job `id` once it ended.
    pub fn end_job(&self, id: &str) {
        lock(&self.jobs).remove(id);
    }

    /// Records an output folder written in this session.
    pub fn record_output(&self, path: &Path) {
        if let Ok(p) = std::fs::canonicalize(path) {
            lock(&self.outputs).insert(p);
        }
    }

    /// Whether `path` is an output written in this session or recorded in the results
    /// library, or inside one.
    pub fn is_known_output(&self, path: &Path) -> bool {
        let Ok(path) = std::fs::canonicalize(path) else {
            return false;
        };
        lock(&self.outputs).iter().any(|o| path.starts_with(o)) || self.in_library(&path)
    }
}

fn not_open() -> Error {
    Error::new(
        ErrorKind::KeyringNotOpen,
        "The key ring is not open.",
        "Open or unlock the key ring first (restart Result Vault if this persists).",
    )
}
