//! Result Vault's application layer: one [`Engine`] per data folder, which owns the session
//! (the key ring handle, the task cache, running jobs, download slots, settings) and exposes
//! every use-case as a plain, blocking method. The desktop app (`src-tauri`) and the CLI
//! (`crates/cli`) only adapt it: arguments, dialogs, progress channels and output formatting.
//!
//! Layers (see `docs/architecture.md`): `result-vault-core` (formats, crypto, protocols; no
//! state) ← this crate (state and use-cases; no Tauri, no terminal) ← the hosts.
//!
//! Rules every method follows:
//! - blocking: the app runs them on its blocking pool, never on the main thread;
//! - no lock is held across slow work: the key ring is changed by read-modify-write under its
//!   file lock (`result_vault_core::lock`), the in-memory handle is only cloned out of its mutex;
//! - errors are [`Error`]s from the closed list of kinds, with a message and a hint.
//!
//! - [`session`]: the [`Engine`], its folders and jobs;
//! - [`vault`]: open or create the key ring, keys, backups, restore;
//! - [`wallets`]: wallets, the SMS check and push, key rotation;
//! - [`networks`]: the one network resolver (built-ins, managed file, saved, config, flags);
//! - [`tasks`]: watched addresses, the task list, refresh, fetch-and-record;
//! - [`results`]: opening result archives and the result digest;
//! - [`watch`]: one background check; [`watch_loop`]: the loop and notice both watching hosts run;
//! - [`library`]: the results library and the safe preview;
//! - [`tray_lock`]: one watcher at a time (the light tray process, or the app);
//! - [`key_paths`]: key files and folders outside the ring, by path (remembered, conventional);
//! - [`open_policy`]: what "Open" may do with a result's file (never run a program);
//! - [`settings`]: the settings file (remembered key paths), read-modify-write under a lock;
//! - [`ids`]: identifiers from outside (network names, task ids) parsed before any use;
//! - [`files`]: writing exported files atomically, with their mode set before they appear.
#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod files;
pub mod ids;
pub mod key_paths;
pub mod library;
pub mod networks;
pub mod open_policy;
pub mod results;
pub mod session;
pub mod settings;
pub mod tasks;
pub mod tray_lock;
pub mod vault;
pub mod wallets;
pub mod watch;
pub mod watch_loop;

pub use result_vault_core::{Error, ErrorKind};
pub use session::{Engine, EngineDirs};

/// The result of every use-case.
pub type Result<T> = std::result::Result<T, Error>;
